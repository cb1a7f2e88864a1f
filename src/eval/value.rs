//! Runtime values with Java semantics (the types Velocity 1.7 sees).
//!
//! Lists and maps are shared and mutable, as Java objects are: `#set($b = $a)`
//! then `$b.add(1)` changes `$a` too. Values live for one render; they are not
//! `Send`. A [`crate::Context`] holds thread-safe JSON and converts on render.

use indexmap::IndexMap;
use num_bigint::BigInt;
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

#[derive(Clone, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    /// `java.lang.Integer`.
    Int(i32),
    /// `java.lang.Long`.
    Long(i64),
    /// `java.math.BigInteger`.
    BigInt(Rc<BigInt>),
    /// `java.lang.Double` (Velocity float literals are Doubles).
    Double(f64),
    /// `java.math.BigDecimal` (what 1.7 computes when a BigInteger meets a Double).
    Decimal(Rc<crate::eval::number::Decimal>),
    /// `java.lang.String`.
    Str(Rc<str>),
    /// `java.util.ArrayList`, or json-smart's `JSONArray` when `json` is set.
    List(ListRef),
    /// `java.util.LinkedHashMap`.
    Map(MapRef),
    /// An object plugged in by the runtime (`$input`, `$util`, …).
    Object(Rc<dyn HostObject>),
}

pub type ListRef = Rc<RefCell<List>>;
pub type MapRef = Rc<RefCell<Map>>;

#[derive(Clone, Default, Debug)]
pub struct List {
    pub items: Vec<Value>,
    /// json-smart `JSONArray`: prints as compact JSON, everything inside too.
    pub json: bool,
}

/// The hasher of every map: foldhash, seeded at random per process, because keys
/// come from request bodies (an unseeded hasher would let a client choose collisions).
pub type Hasher = foldhash::fast::RandomState;

/// Map entries in insertion order (`LinkedHashMap`, json-smart's objects).
pub type Entries = IndexMap<Key, Value, Hasher>;

#[derive(Clone, Default, Debug)]
pub struct Map {
    pub entries: Entries,
    /// `toString()` is the empty string (API Gateway's maps inside `$context`);
    /// everything else about the map is as usual.
    pub prints_empty: bool,
}

/// A map key, compared as Java's `equals` compares keys: `"1"`, `1` (Integer)
/// and `1L` (Long) are three different keys; `2.0` and `2.00` (BigDecimal) too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    Null,
    Bool(bool),
    Int(i32),
    Long(i64),
    Str(Rc<str>),
    BigInt(Rc<BigInt>),
    /// A `Double` by its bits (`Double.equals`: NaN equals NaN, `0.0` differs from `-0.0`).
    Double(u64),
    Decimal(Rc<crate::eval::number::Decimal>),
    /// Anything else (a list, a map, a host object), by its Java `toString`.
    Other(Rc<str>),
}

impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self {
            Key::Null => state.write_u8(0),
            Key::Bool(b) => {
                state.write_u8(1);
                state.write_u8(u8::from(*b));
            }
            Key::Int(i) => {
                state.write_u8(2);
                state.write_i32(*i);
            }
            Key::Long(i) => {
                state.write_u8(3);
                state.write_i64(*i);
            }
            Key::Str(s) => hash_str_key(s, state),
            Key::BigInt(b) => {
                state.write_u8(5);
                b.hash(state);
            }
            Key::Double(bits) => {
                state.write_u8(6);
                state.write_u64(*bits);
            }
            Key::Decimal(d) => {
                state.write_u8(7);
                d.unscaled.hash(state);
                state.write_i64(d.scale);
            }
            Key::Other(s) => {
                state.write_u8(8);
                s.hash(state);
            }
        }
    }
}

fn hash_str_key<H: std::hash::Hasher>(s: &str, state: &mut H) {
    state.write_u8(4);
    std::hash::Hash::hash(s, state);
}

/// A string key looked up without building a [`Key`]: `entries.get(&StrKey("name"))`.
#[derive(Debug, Clone, Copy)]
pub struct StrKey<'a>(pub &'a str);

impl std::hash::Hash for StrKey<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        hash_str_key(self.0, state);
    }
}

impl indexmap::Equivalent<Key> for StrKey<'_> {
    fn equivalent(&self, key: &Key) -> bool {
        matches!(key, Key::Str(s) if **s == *self.0)
    }
}

/// An object supplied by the host (the API Gateway runtime).
pub trait HostObject: fmt::Debug {
    /// `$obj.name`. `None`: no such property (the reference is undefined).
    fn property(&self, name: &str) -> Option<Value>;
    /// `$obj.name(args)`. `None`: no such method.
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>>;
    /// Java `toString()`.
    fn to_java_string(&self) -> String;
    /// `#set($obj.name = value)`. `None`: not settable.
    fn set_property(&self, _name: &str, _value: Value) -> Option<Result<(), String>> {
        None
    }

    /// `$obj.name(args)` written straight into the output, when the walker prints
    /// the call's result and the object can write it without building a value
    /// (`$input.json('$')` over a large body). Must write exactly the Java
    /// `toString` of what [`HostObject::call`] returns. `None`: not offered.
    fn write_call(
        &self,
        _name: &str,
        _args: &[Value],
        _out: &mut String,
    ) -> Option<Result<(), String>> {
        None
    }
}

/// The Java class name of a host object: its `class` property if it has one.
pub fn host_class_name(o: &dyn HostObject) -> String {
    match o.property("class") {
        Some(Value::Object(c)) => {
            let s = c.to_java_string();
            s.strip_prefix("class ").unwrap_or(&s).to_string()
        }
        Some(Value::Str(s)) => s.strip_prefix("class ").unwrap_or(&s).to_string(),
        _ => "java.lang.Object".into(),
    }
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(Rc::from(s))
    }

    pub fn new_list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(RefCell::new(List { items, json: false })))
    }

    pub fn new_map(entries: Entries) -> Value {
        Value::Map(Rc::new(RefCell::new(Map {
            entries,
            prints_empty: false,
        })))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Java `toString()` written into `out`. Null writes `null` (as Java's `String.valueOf`).
    ///
    /// Lists print as `ArrayList` does (`[a, b]`), maps as `LinkedHashMap` (`{k=v}`);
    /// a list with `json` set prints as json-smart's `JSONArray`: compact JSON of
    /// everything inside (see [`Value::write_json`]).
    pub fn write_java(&self, out: &mut String) {
        use std::fmt::Write;
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Long(i) => {
                let _ = write!(out, "{i}");
            }
            Value::BigInt(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Double(d) => crate::eval::number::write_java_double(*d, out),
            Value::Decimal(d) => out.push_str(&d.to_java_string()),
            Value::Str(s) => out.push_str(s),
            Value::List(l) => {
                let Ok(l) = l.try_borrow() else {
                    out.push_str("(this Collection)");
                    return;
                };
                if l.json {
                    drop(l);
                    self.write_json(out);
                    return;
                }
                out.push('[');
                for (i, v) in l.items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    v.write_java(out);
                }
                out.push(']');
            }
            Value::Map(m) => {
                let Ok(m) = m.try_borrow() else {
                    out.push_str("(this Map)");
                    return;
                };
                if m.prints_empty {
                    return;
                }
                out.push('{');
                for (i, (k, v)) in m.entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    k.to_value().write_java(out);
                    out.push('=');
                    v.write_java(out);
                }
                out.push('}');
            }
            Value::Object(o) => out.push_str(&o.to_java_string()),
        }
    }

    /// json-smart's `JSONValue.toJSONString(value)` (default style): compact JSON,
    /// strings escaped as json-smart escapes them (`/` as `\/`, control characters
    /// and U+007F..U+009F, U+2000..U+20FF as `\uXXXX`), infinite doubles as `null`.
    /// Maps become objects, lists arrays, other objects their quoted `toString`.
    pub fn write_json(&self, out: &mut String) {
        self.write_json_depth(out, 0);
    }

    fn write_json_depth(&self, out: &mut String, depth: usize) {
        // A list that contains itself would recurse forever; Java overflows the stack.
        if depth > 200 {
            out.push_str("null");
            return;
        }
        match self {
            Value::Null => out.push_str("null"),
            Value::Double(d) if !d.is_finite() => {
                if d.is_nan() {
                    out.push_str("NaN");
                } else {
                    out.push_str("null");
                }
            }
            Value::Bool(_)
            | Value::Int(_)
            | Value::Long(_)
            | Value::BigInt(_)
            | Value::Decimal(_)
            | Value::Double(_) => self.write_java(out),
            Value::Str(s) => write_json_string(s, out),
            Value::List(l) => {
                let Ok(l) = l.try_borrow() else {
                    out.push_str("null");
                    return;
                };
                out.push('[');
                for (i, v) in l.items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write_json_depth(out, depth + 1);
                }
                out.push(']');
            }
            Value::Map(m) => {
                let Ok(m) = m.try_borrow() else {
                    out.push_str("null");
                    return;
                };
                out.push('{');
                for (i, (k, v)) in m.entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    match k {
                        Key::Null => out.push_str("null"),
                        _ => write_json_string(&k.to_value().to_java_string(), out),
                    }
                    out.push(':');
                    v.write_json_depth(out, depth + 1);
                }
                out.push('}');
            }
            Value::Object(o) => write_json_string(&o.to_java_string(), out),
        }
    }

    /// JSON text as json-smart's `JSONValue.toJSONString` writes it.
    pub fn to_json_string(&self) -> String {
        let mut s = String::new();
        self.write_json(&mut s);
        s
    }

    /// A value as API Gateway's json-smart parser types it: objects become
    /// `LinkedHashMap`s, arrays `JSONArray`s (`json: true`), integers `Integer`,
    /// `Long` or `BigInteger` by size, other numbers `Double`.
    pub fn from_json(j: &serde_json::Value) -> Value {
        match j {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => number_from_json_text(&n.to_string()),
            serde_json::Value::String(s) => Value::str(s),
            serde_json::Value::Array(a) => Value::List(Rc::new(RefCell::new(List {
                items: a.iter().map(Value::from_json).collect(),
                json: true,
            }))),
            serde_json::Value::Object(o) => {
                let mut entries = entries_with_capacity(o.len());
                for (k, v) in o {
                    entries.insert(Key::str(k), Value::from_json(v));
                }
                Value::new_map(entries)
            }
        }
    }

    /// The Java class name (`java.lang.String`, `java.util.ArrayList`, …).
    pub fn java_class_name(&self) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Bool(_) => "java.lang.Boolean".into(),
            Value::Int(_) => "java.lang.Integer".into(),
            Value::Long(_) => "java.lang.Long".into(),
            Value::BigInt(_) => "java.math.BigInteger".into(),
            Value::Double(_) => "java.lang.Double".into(),
            Value::Decimal(_) => "java.math.BigDecimal".into(),
            Value::Str(_) => "java.lang.String".into(),
            Value::List(l) => {
                if l.try_borrow().is_ok_and(|l| l.json) {
                    "net.minidev.json.JSONArray".into()
                } else {
                    "java.util.ArrayList".into()
                }
            }
            Value::Map(_) => "java.util.LinkedHashMap".into(),
            Value::Object(o) => host_class_name(o.as_ref()),
        }
    }

    /// Java's `a.equals(b)` (not Velocity's `==`): `Integer(1)` does not equal `Long(1)`,
    /// lists compare element-wise, maps entry-wise regardless of order.
    pub fn java_equals(&self, other: &Value) -> bool {
        self.java_equals_depth(other, 0)
    }

    fn java_equals_depth(&self, other: &Value, depth: usize) -> bool {
        if depth > 200 {
            return false;
        }
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Long(a), Value::Long(b)) => a == b,
            (Value::BigInt(a), Value::BigInt(b)) => a == b,
            // Double.equals compares bits (NaN equals NaN, 0.0 differs from -0.0).
            (Value::Double(a), Value::Double(b)) => {
                let canon = |d: f64| {
                    if d.is_nan() {
                        f64::NAN.to_bits()
                    } else {
                        d.to_bits()
                    }
                };
                canon(*a) == canon(*b)
            }
            // BigDecimal.equals: same value and same scale (2.0 differs from 2.00).
            (Value::Decimal(a), Value::Decimal(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::List(a), Value::List(b)) => {
                if Rc::ptr_eq(a, b) {
                    return true;
                }
                let (Ok(a), Ok(b)) = (a.try_borrow(), b.try_borrow()) else {
                    return false;
                };
                a.items.len() == b.items.len()
                    && a.items
                        .iter()
                        .zip(b.items.iter())
                        .all(|(x, y)| x.java_equals_depth(y, depth + 1))
            }
            (Value::Map(a), Value::Map(b)) => {
                if Rc::ptr_eq(a, b) {
                    return true;
                }
                let (Ok(a), Ok(b)) = (a.try_borrow(), b.try_borrow()) else {
                    return false;
                };
                a.entries.len() == b.entries.len()
                    && a.entries.iter().all(|(k, v)| {
                        b.entries
                            .get(k)
                            .is_some_and(|w| v.java_equals_depth(w, depth + 1))
                    })
            }
            (Value::Object(a), Value::Object(b)) => {
                Rc::ptr_eq(a, b) || a.to_java_string() == b.to_java_string()
            }
            _ => false,
        }
    }

    /// Java `toString()`.
    pub fn to_java_string(&self) -> String {
        match self {
            Value::Str(s) => s.to_string(),
            _ => {
                let mut s = String::new();
                self.write_java(&mut s);
                s
            }
        }
    }

    /// A map key for this value.
    pub fn to_key(&self) -> Key {
        match self {
            Value::Null => Key::Null,
            Value::Bool(b) => Key::Bool(*b),
            Value::Int(i) => Key::Int(*i),
            Value::Long(i) => Key::Long(*i),
            Value::Str(s) => Key::Str(s.clone()),
            Value::BigInt(b) => Key::BigInt(b.clone()),
            Value::Double(d) => Key::Double(if d.is_nan() {
                f64::NAN.to_bits()
            } else {
                d.to_bits()
            }),
            Value::Decimal(d) => Key::Decimal(d.clone()),
            other => Key::Other(Rc::from(other.to_java_string())),
        }
    }
}

impl Key {
    pub fn str(s: &str) -> Key {
        Key::Str(Rc::from(s))
    }

    pub fn to_value(&self) -> Value {
        match self {
            Key::Null => Value::Null,
            Key::Bool(b) => Value::Bool(*b),
            Key::Int(i) => Value::Int(*i),
            Key::Long(i) => Value::Long(*i),
            Key::Str(s) => Value::Str(s.clone()),
            Key::BigInt(b) => Value::BigInt(b.clone()),
            Key::Double(bits) => Value::Double(f64::from_bits(*bits)),
            Key::Decimal(d) => Value::Decimal(d.clone()),
            Key::Other(s) => Value::Str(s.clone()),
        }
    }

    /// The key as a string, when it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Key::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// A new, empty map's entries with room for `n`.
pub fn entries_with_capacity(n: usize) -> Entries {
    IndexMap::with_capacity_and_hasher(n, Hasher::default())
}

/// A JSON number as json-smart types it: `Integer`, `Long`, `BigInteger` by size
/// for integers, `Double` for anything with a fraction or exponent.
pub fn number_from_json_text(t: &str) -> Value {
    let is_int = !t.contains(['.', 'e', 'E']);
    if is_int {
        if let Ok(i) = t.parse::<i32>() {
            return Value::Int(i);
        }
        if let Ok(i) = t.parse::<i64>() {
            return Value::Long(i);
        }
        if let Ok(b) = t.parse::<BigInt>() {
            return Value::BigInt(Rc::new(b));
        }
    }
    Value::Double(t.parse::<f64>().unwrap_or(f64::NAN))
}

/// A string as json-smart's default style escapes it, in quotes.
pub fn write_json_string(s: &str, out: &mut String) {
    use std::fmt::Write;
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '/' => out.push_str("\\/"),
            '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{2000}'..='\u{20ff}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => write!(f, "Null"),
            Value::Str(s) => write!(f, "Str({s:?})"),
            other => write!(f, "{}", other.to_java_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_and_key_stay_small() {
        // Values are copied around the walker constantly: two words of payload at most.
        assert_eq!(std::mem::size_of::<Value>(), 24);
        assert_eq!(std::mem::size_of::<Key>(), 24);
    }

    #[test]
    fn string_keys_are_found_by_str() {
        let mut e = entries_with_capacity(2);
        e.insert(Key::str("a"), Value::Int(1));
        e.insert(Key::Int(1), Value::Int(2));
        assert!(matches!(e.get(&StrKey("a")), Some(Value::Int(1))));
        assert!(e.get(&StrKey("1")).is_none());
    }

    #[test]
    fn typed_keys_keep_their_type() {
        for v in [
            Value::Double(2.5),
            Value::Double(f64::NAN),
            Value::BigInt(Rc::new(BigInt::from(7))),
        ] {
            let k = v.to_key();
            assert!(k.to_value().java_equals(&v), "{v:?}");
        }
        assert_ne!(Value::Double(0.0).to_key(), Value::Double(-0.0).to_key());
    }
}
