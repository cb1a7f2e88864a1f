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

#[derive(Clone, Default, Debug)]
pub struct Map {
    pub entries: IndexMap<Key, Value>,
}

/// A map key, compared as Java's `equals` compares keys: `"1"`, `1` (Integer)
/// and `1L` (Long) are three different keys.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    Null,
    Bool(bool),
    Int(i32),
    Long(i64),
    Str(Rc<str>),
    /// Anything else, by its Java `toString` (an approximation).
    Other(Rc<str>),
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
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(Rc::from(s))
    }

    pub fn new_list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(RefCell::new(List { items, json: false })))
    }

    pub fn new_map(entries: IndexMap<Key, Value>) -> Value {
        Value::Map(Rc::new(RefCell::new(Map { entries })))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Java `toString()` written into `out`. Null writes `null` (as Java's `String.valueOf`).
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
            Value::Double(d) => out.push_str(&crate::eval::number::java_double_to_string(*d)),
            Value::Str(s) => out.push_str(s),
            Value::List(l) => {
                let l = l.borrow();
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
                let m = m.borrow();
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
            Key::Str(s) | Key::Other(s) => Value::Str(s.clone()),
        }
    }
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
