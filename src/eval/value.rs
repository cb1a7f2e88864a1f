//! Runtime values with Java semantics (the types Velocity 1.7 sees).
//!
//! Lists and maps are shared and mutable, as Java objects are: `#set($b = $a)`
//! then `$b.add(1)` changes `$a` too. Values live for one render; they are not
//! `Send`. A [`crate::Context`] holds thread-safe JSON and converts on render.

use num_bigint::BigInt;
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use super::budget::{Budget, Exceeded, MAX_VALUE_DEPTH};
use super::lazy::{Lazy, Member};

mod jstr;
pub use super::print::write_json_string;
pub(crate) use jstr::load_short;
pub use jstr::{JStr, INLINE_MAX};

/// `repr(u64)`: the tag is a whole word and every payload starts at the second
/// word. With a one-byte tag the compiler moved small payloads (`Bool`, `Int`)
/// through odd offsets, and each such move stalled store forwarding in the
/// walker's hot paths (a `#foreach` over a JSON array rendered 1.7x slower).
#[derive(Default)]
#[repr(u64)]
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
    Str(JStr),
    /// `java.lang.Character`: one UTF-16 unit (`charAt`, the items of
    /// `toCharArray`).
    Char(u16),
    /// `java.lang.Byte` (the items of `getBytes`, `byteValue()`).
    Byte(i8),
    /// `java.lang.Short` (`shortValue()`, Bytes' sums past a byte).
    Short(i16),
    /// `java.lang.Float` (`floatValue()`, and what 1.7 computes from one
    /// without a Double).
    Float(f32),
    /// `java.util.ArrayList`, or json-smart's `JSONArray` when `json` is set.
    List(ListRef),
    /// `java.util.LinkedHashMap`.
    Map(MapRef),
    /// An object plugged in by the runtime (`$input`, `$util`, …).
    Object(Rc<dyn HostObject>),
}

impl Clone for Value {
    /// Inlined (the derived one was a call): the walker clones a value on
    /// every read, and a call hands the copy back through memory.
    #[inline(always)]
    fn clone(&self) -> Value {
        match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(i) => Value::Int(*i),
            Value::Long(i) => Value::Long(*i),
            Value::BigInt(b) => Value::BigInt(Rc::clone(b)),
            Value::Double(d) => Value::Double(*d),
            Value::Decimal(d) => Value::Decimal(Rc::clone(d)),
            Value::Str(s) => Value::Str(s.clone()),
            Value::Char(c) => Value::Char(*c),
            Value::Byte(b) => Value::Byte(*b),
            Value::Short(v) => Value::Short(*v),
            Value::Float(f) => Value::Float(*f),
            Value::List(l) => Value::List(Rc::clone(l)),
            Value::Map(m) => Value::Map(Rc::clone(m)),
            Value::Object(o) => Value::Object(Rc::clone(o)),
        }
    }
}

pub type ListRef = Rc<RefCell<List>>;

/// The class of an unmodifiable list ([`List::immutable`]).
pub const IMMUTABLE_LIST: &str = "java.util.ImmutableCollections$ListN";
pub type MapRef = Rc<RefCell<Map>>;

#[derive(Clone, Default, Debug)]
pub struct List {
    /// Built on first use when read from a request body ([`super::lazy`]).
    pub items: Lazy<Vec<Value>>,
    /// json-smart `JSONArray`: prints as compact JSON, everything inside too.
    pub json: bool,
    /// A Java array (what `split`, `toCharArray`, `getBytes` and `toArray` return),
    /// which Velocity 1.7 reads as a fixed-size list: see [`JavaArray`].
    pub array: Option<JavaArray>,
    /// Java's `modCount`: how many times the list was changed otherwise
    /// than by `set` (an `add`, `remove`, `clear`, `addAll`, `sort`, … of
    /// an `ArrayList`; wrapping). A `subList` view expects the count it
    /// last saw, and throws `ConcurrentModificationException` once the list
    /// was changed not through it (see [`super::methods::SubList`]).
    pub mods: u32,
    /// An unmodifiable list (`java.util.ImmutableCollections$ListN`, what a
    /// stream's `toList()` returns): whatever would change it throws
    /// `UnsupportedOperationException`.
    pub immutable: bool,
}

/// A Java array, as Velocity 1.7 sees one. Its methods are
/// `java.lang.Object`'s (`equals` and `hashCode` by identity, `toString`
/// `[Ljava.lang.String;@1b6d3586`), then those of a fixed-size list
/// (`AbstractList` over the array: `get`, `set`, `size`, `contains`, … work;
/// whatever adds or removes throws `UnsupportedOperationException`). It is
/// no `Collection` as an argument. The items of a `char[]` or `byte[]` are
/// kept as one-character strings and Integers (Java's are `Character`s and
/// `Byte`s, which print the same).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JavaArray {
    pub of: ArrayOf,
    /// Its identity hash ([`Budget::identity_hash`]), fixed when it is made.
    pub hash: i32,
}

/// The element type of a [`JavaArray`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrayOf {
    Strings,
    Chars,
    Bytes,
    /// `Object[]` (`toArray()`).
    Objects,
    /// `int[]`, `long[]`, `double[]` (`toArray()` of an `IntStream`, a
    /// `LongStream`, a `DoubleStream`): their items are Integers, Longs and
    /// Doubles.
    Ints,
    Longs,
    Doubles,
    /// `BigInteger[]` (`divideAndRemainder`, `sqrtAndRemainder`).
    BigIntegers,
    /// `BigDecimal[]` (`divideAndRemainder`).
    BigDecimals,
}

impl JavaArray {
    /// The array's class name (`Class.getName()`).
    pub fn class_name(self) -> &'static str {
        match self.of {
            ArrayOf::Strings => "[Ljava.lang.String;",
            ArrayOf::Chars => "[C",
            ArrayOf::Bytes => "[B",
            ArrayOf::Objects => "[Ljava.lang.Object;",
            ArrayOf::Ints => "[I",
            ArrayOf::Longs => "[J",
            ArrayOf::Doubles => "[D",
            ArrayOf::BigIntegers => "[Ljava.math.BigInteger;",
            ArrayOf::BigDecimals => "[Ljava.math.BigDecimal;",
        }
    }

    /// `Object.toString()`: the class name, `@`, the identity hash in hex.
    pub fn to_java_string(self) -> String {
        format!("{}@{:x}", self.class_name(), self.hash)
    }
}

/// The hasher of every map: foldhash, seeded at random per process, because keys
/// come from request bodies (an unseeded hasher would let a client choose collisions).
pub type Hasher = foldhash::fast::RandomState;

/// Map entries in insertion order (`LinkedHashMap`, json-smart's objects).
pub use super::entries::Entries;

#[derive(Clone, Default, Debug)]
pub struct Map {
    /// Built on first use when read from a request body ([`super::lazy`]).
    pub entries: Lazy<Entries>,
    /// `toString()` is the empty string (API Gateway's maps inside `$context`);
    /// everything else about the map is as usual.
    pub prints_empty: bool,
}

impl Map {
    /// `f` of the value of the string key `key` (`None`: absent). A member of
    /// a request body's object not yet built is read from the body, and the
    /// object is not built for it (unless the member is an object or array).
    #[inline]
    pub fn with_str<R>(&self, key: &str, f: impl FnOnce(Option<&Value>) -> R) -> R {
        // Built (every map but a body's, and those once used): one check.
        if let Some(entries) = self.entries.if_built() {
            return f(entries.get(&StrKey(key)));
        }
        if let Some((tape, node)) = self.entries.source() {
            match tape.member(node, key) {
                Member::Absent => return f(None),
                Member::Found(v) => return f(Some(&v)),
                Member::Build => {}
            }
        }
        f(self.entries.get(&StrKey(key)))
    }

    /// The value of the string key `key` when the map is built (`Some(None)`:
    /// absent); `None` when it is a request body's object not built yet
    /// (read it with [`Map::with_str`]).
    #[inline(always)]
    pub fn built_str(&self, key: &str) -> Option<Option<&Value>> {
        self.entries.if_built().map(|e| e.get(&StrKey(key)))
    }

    /// Writes the value of the string key `key` as Java prints it, when the
    /// map is a request body's object not yet built and the value is a short
    /// string or a number written as Java writes it ([`super::lazy::Tape::write_member`]):
    /// no value is made. `false`: nothing written.
    #[inline]
    pub fn write_member(&self, key: &str, out: &mut String) -> bool {
        match self.entries.source() {
            Some((tape, node)) => tape.write_member(node, key, out),
            None => false,
        }
    }

    /// `f` of the value of the string key `key` as text, when the map is a
    /// request body's object not yet built and the value is a short string
    /// ([`super::lazy::Tape::with_str_member`]): no value is made. `false`:
    /// `f` not called.
    #[inline]
    pub fn with_str_member(&self, key: &str, f: &mut dyn FnMut(&str)) -> bool {
        match self.entries.source() {
            Some((tape, node)) => tape.with_str_member(node, key, f),
            None => false,
        }
    }

    /// The string member `key` for an `escapeJavaScript` of it, when the map
    /// is a request body's object not yet built
    /// ([`super::lazy::Tape::str_member_to_escape`]). `None`: read it as a
    /// value.
    #[inline(always)]
    pub fn str_member_to_escape(&self, key: &str) -> Option<super::lazy::StrMember<'_>> {
        let (tape, node) = self.entries.source()?;
        tape.str_member_to_escape(node, key)
    }

    /// The value of the string key `key`, null when absent (`get(key)`).
    #[inline]
    pub fn get_str(&self, key: &str) -> Value {
        self.with_str(key, |v| v.cloned().unwrap_or_default())
    }
}

/// A map key, compared as Java's `equals` compares keys: `"1"`, `1` (Integer)
/// and `1L` (Long) are three different keys; `2.0` and `2.00` (BigDecimal) too.
#[derive(Clone, Debug, PartialEq, Eq)]
/// `repr(u64)` as [`Value`] is: a whole-word tag, every payload at the second word.
#[repr(u64)]
pub enum Key {
    Null,
    Bool(bool),
    Int(i32),
    Long(i64),
    Str(JStr),
    BigInt(Rc<BigInt>),
    /// A `Double` by its bits (`Double.equals`: NaN equals NaN, `0.0` differs from `-0.0`).
    Double(u64),
    Decimal(Rc<crate::eval::number::Decimal>),
    /// A `Character`: no string equals it.
    Char(u16),
    /// A `Byte` and a `Short`: no Integer equals them.
    Byte(i8),
    Short(i16),
    /// A `Float` by its bits, as a Double is.
    Float(u32),
    /// Anything else (a list, a map, a host object), by its Java `toString`.
    Other(JStr),
}

impl std::hash::Hash for Key {
    #[inline]
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
            Key::Char(c) => {
                state.write_u8(9);
                state.write_u16(*c);
            }
            Key::Byte(b) => {
                state.write_u8(10);
                state.write_i8(*b);
            }
            Key::Short(v) => {
                state.write_u8(11);
                state.write_i16(*v);
            }
            Key::Float(bits) => {
                state.write_u8(12);
                state.write_u32(*bits);
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
    /// The same text in the same place is equal without comparing its bytes:
    /// `$m.get($k)` for each `$k` of `$m.keySet()` looks up the map's own keys.
    #[inline]
    fn equivalent(&self, key: &Key) -> bool {
        matches!(key, Key::Str(s) if s.len() == self.0.len()
            && (std::ptr::eq(s.as_ptr(), self.0.as_ptr()) || same_text(s, self.0)))
    }
}

/// `a == b`, for names and keys: those of at most 16 bytes (most) compared
/// by their [`ends`](crate::syntax::intern::ends) (two words each), without
/// a call to `memcmp`.
#[inline]
pub fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    // Below 4 bytes `==` is as quick.
    if !(4..=16).contains(&a.len()) {
        return a == b;
    }
    crate::syntax::intern::ends(a) == crate::syntax::intern::ends(b)
}

/// Why a Java method call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The method threw: the exception's `toString()`
    /// (`java.lang.StringIndexOutOfBoundsException: …`).
    Java(String),
    /// The render's budget ran out while the method worked.
    Limit(Exceeded),
}

impl From<String> for CallError {
    fn from(s: String) -> CallError {
        CallError::Java(s)
    }
}

impl From<&str> for CallError {
    fn from(s: &str) -> CallError {
        CallError::Java(s.to_string())
    }
}

impl From<Exceeded> for CallError {
    fn from(e: Exceeded) -> CallError {
        match e {
            // Java's own stack would have overflowed: the method threw.
            Exceeded::Depth(_) | Exceeded::Java(_) => CallError::Java(e.to_string()),
            other => CallError::Limit(other),
        }
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Java(s) => f.write_str(s),
            CallError::Limit(e) => write!(f, "{e}"),
        }
    }
}

/// What a method call gives: `None` when no such method exists (the reference
/// stays undefined), else its value or why it failed.
pub type CallResult = Option<Result<Value, CallError>>;

/// An object supplied by the host (the API Gateway runtime).
pub trait HostObject: fmt::Debug {
    /// `$obj.name`. `None`: no such property (the reference is undefined).
    fn property(&self, name: &str) -> Option<Value>;
    /// `$obj.name(args)`, charging what it builds to `budget`. `None`: no such method.
    fn call(&self, name: &str, args: &[Value], budget: &Budget) -> CallResult;
    /// Java `toString()`.
    fn to_java_string(&self) -> String;
    /// `#set($obj.name = value)`. `None`: not settable.
    fn set_property(
        &self,
        _name: &str,
        _value: Value,
        _budget: &Budget,
    ) -> Option<Result<(), CallError>> {
        None
    }

    /// `$obj.name(args)` written straight into the output, when the walker prints
    /// the call's result and the object can write it without building a value
    /// (`$input.json('$')` over a large body). Must write exactly the Java
    /// `toString` of what [`HostObject::call`] returns, and charge it to
    /// `budget` as it writes. `None`: not offered.
    fn write_call(
        &self,
        _name: &str,
        _args: &[Value],
        _out: &mut String,
        _budget: &Budget,
    ) -> Option<Result<(), CallError>> {
        None
    }

    /// [`HostObject::write_call`] with one string argument given as text (a
    /// request body's string, not made into a value). `None`: not offered,
    /// nothing written. The error is boxed so that the result is two words,
    /// handed back in registers: the walker calls this for every printed
    /// `$util.escapeJavaScript(…)`, and a result handed back through memory
    /// was read in one move that waited on the smaller stores writing it.
    fn write_str_call(
        &self,
        _name: &str,
        _arg: &str,
        _out: &mut String,
        _budget: &Budget,
    ) -> Option<Result<(), Box<CallError>>> {
        None
    }

    /// The function `$obj.name(x)` writes of a string `x` of at most
    /// [`super::budget::CHUNK`] bytes, when [`HostObject::write_str_call`]
    /// writes that call as `f(x)` charged as a scan of `x` and then what
    /// `f` wrote: the walker then calls `f` itself (one call through the
    /// object instead of two). `None`: not offered.
    fn str_writer(&self, _name: &str) -> Option<fn(&str, &mut String)> {
        None
    }

    /// Is `$obj.name(x)` commons-lang's `escapeJavaScript(x)`, charged as a
    /// scan of `x` and then what it writes? Then a printed
    /// `$obj.name($other.call(args))` first offers `$other` to write its call's
    /// result escaped, in one pass ([`HostObject::write_escaped_call`]), and
    /// a printed `$obj.name($doc.key)`, where `$doc.key` is a request body's
    /// string written with escapes, is escaped by the walker straight from
    /// the body's text.
    fn escapes_javascript(&self, _name: &str) -> bool {
        false
    }

    /// `escapeJavaScript` of the Java `toString` of `$obj.name(args)`, written
    /// straight into the output and charged to `budget` as it is written
    /// (`$util.escapeJavaScript($input.json('$'))` over a large body). `None`:
    /// not offered, nothing written (the walker then calls
    /// [`HostObject::call`] and escapes its result).
    fn write_escaped_call(
        &self,
        _name: &str,
        _args: &[Value],
        _out: &mut String,
        _budget: &Budget,
    ) -> Option<Result<(), CallError>> {
        None
    }

    /// A `java.lang.Class`: the name of the class it stands for. `None` for
    /// other objects.
    fn java_class(&self) -> Option<&str> {
        None
    }

    /// Java's `hashCode()` when it is not the hash of
    /// [`HostObject::to_java_string`]'s text (a `Class` hashes by identity),
    /// charged to `budget`. `None`: that hash.
    fn hash_code(&self, _budget: &Budget) -> Option<Result<i32, Exceeded>> {
        None
    }

    /// A `Map.Entry`'s key and value (it prints as `key=value`); `None` for
    /// other objects.
    fn entry(&self) -> Option<(Value, Value)> {
        None
    }

    /// Calls `f` with every value the object holds, once per reference it keeps
    /// (for the cycle collector, see [`super::cycles`]). An object that holds
    /// lists or maps and does not report them only keeps them alive longer.
    fn for_each_value(&self, _f: &mut dyn FnMut(&Value)) {}

    /// Lets go of the values the object holds: the cycle collector found it
    /// unreachable.
    fn release(&self) {}

    /// A `java.util.Collection`'s elements, in its iteration order, copied
    /// and charged to `budget` (printing, `addAll`, `String.join` read them
    /// so). `None`: the object is no collection.
    fn elements(&self, _budget: &Budget) -> Option<Result<Vec<Value>, Exceeded>> {
        None
    }

    /// Is the object a `java.util.List` that is no list of the engine's own
    /// (a `subList` view)? Then [`HostObject::list_elements`] reads it, and
    /// `#foreach` walks it through its `iterator()`.
    fn is_list(&self) -> bool {
        false
    }

    /// A `java.util.List` that is no list of the engine's own (a `subList`
    /// view): its elements now, copied and charged to `budget`; `Err` when
    /// reading it throws (a view whose list changed under it). It prints,
    /// equals and hashes as a list of those elements. `None`: the object is
    /// no such list.
    fn list_elements(&self, _budget: &Budget) -> Option<Result<Vec<Value>, Exceeded>> {
        None
    }

    /// A view of a map's keys, values or entries (`keySet()`, `values()`,
    /// `entrySet()`): the map, and which view. `#foreach` iterates the map
    /// itself through it, as Java's view iterators do. `None` for other
    /// objects.
    fn map_view(&self) -> Option<(MapRef, MapView)> {
        None
    }

    /// A `java.util.Map` that is no map of the engine's own (a loop's
    /// `$foreach`, an `AbstractMap` over a map it keeps): that map. The
    /// object prints, is written as JSON, equals and hashes as the map does;
    /// a value in it that is the object itself prints `(this Map)`. `None`
    /// for other objects.
    fn as_map(&self) -> Option<MapRef> {
        None
    }

    /// A `java.util.Iterator` (`iterator()` of a list or a map's view),
    /// which `#foreach` walks by calling it. `None` for other objects.
    fn iterator(&self) -> Option<&dyn JavaIter> {
        None
    }
}

/// A `java.util.Iterator`, as `#foreach` walks one: `hasNext()`, then
/// `next()` (which may throw, as `ConcurrentModificationException`).
pub trait JavaIter {
    fn has_next(&self) -> bool;
    fn next(&self) -> CallResult;
}

/// Which of a map's views a [`HostObject::map_view`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapView {
    /// `keySet()`: `java.util.LinkedHashMap$LinkedKeySet`.
    Keys,
    /// `values()`: `java.util.LinkedHashMap$LinkedValues`.
    Values,
    /// `entrySet()`: `java.util.LinkedHashMap$LinkedEntrySet`.
    Entries,
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
    /// Drops the value, without a call into its drop glue when it holds
    /// nothing to free (a scalar): for the walker's hot paths, which replace
    /// loop variables and counters on every iteration.
    #[inline(always)]
    pub fn discard(self) {
        match self {
            // A string (a loop over keys or strings): its count dropped here.
            Value::Str(s) => drop(s),
            // Nothing owned: forgetting it frees nothing.
            v if v.is_scalar() => std::mem::forget(v),
            v => drop(v),
        }
    }

    /// A null, a boolean or a number held in the value itself (no count,
    /// no allocation).
    #[inline(always)]
    fn is_scalar(&self) -> bool {
        matches!(
            self,
            Value::Null
                | Value::Bool(_)
                | Value::Int(_)
                | Value::Long(_)
                | Value::Double(_)
                | Value::Char(_)
                | Value::Byte(_)
                | Value::Short(_)
                | Value::Float(_)
        )
    }

    /// Does dropping the value free nothing (a scalar, a string held in
    /// place)?
    #[inline(always)]
    pub fn owns_nothing(&self) -> bool {
        match self {
            Value::Str(s) => s.in_place(),
            v => v.is_scalar(),
        }
    }

    pub fn str(s: &str) -> Value {
        Value::Str(JStr::new(s))
    }

    pub fn new_list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(RefCell::new(List {
            items: items.into(),
            json: false,
            array: None,
            mods: 0,
            immutable: false,
        })))
    }

    /// A new Java array of `of` holding `items`, its identity hash the next
    /// of this render's (`budget`).
    pub fn new_array(of: ArrayOf, items: Vec<Value>, budget: &Budget) -> Value {
        Value::List(Rc::new(RefCell::new(List {
            items: items.into(),
            json: false,
            array: Some(JavaArray {
                of,
                hash: budget.identity_hash(),
            }),
            mods: 0,
            immutable: false,
        })))
    }

    pub fn new_map(entries: Entries) -> Value {
        Value::Map(Rc::new(RefCell::new(Map {
            entries: entries.into(),
            prints_empty: false,
        })))
    }

    /// The value of an `Integer`, `Short` or `Byte`: what an `int`
    /// parameter takes (1.7's method-invocation conversion widens the two
    /// smaller types).
    #[inline]
    pub fn int_like(&self) -> Option<i32> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Short(v) => Some(i32::from(*v)),
            Value::Byte(b) => Some(i32::from(*b)),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Java `toString()` written into `out`, charged to `budget`. Null writes
    /// `null` (as Java's `String.valueOf`). See [`super::print`].
    pub fn write_java(&self, out: &mut String, budget: &Budget) -> Result<(), Exceeded> {
        super::print::write_java(self, out, budget)
    }

    /// json-smart's `JSONValue.toJSONString(value)` written into `out`, charged
    /// to `budget`. See [`super::print`].
    pub fn write_json(&self, out: &mut String, budget: &Budget) -> Result<(), Exceeded> {
        super::print::write_json(self, out, budget)
    }

    /// Java `toString()`, charged to `budget`.
    pub fn java_string(&self, budget: &Budget) -> Result<String, Exceeded> {
        match self {
            Value::Str(s) => {
                budget.build(s.len())?;
                Ok(s.to_string())
            }
            _ => {
                let mut s = String::new();
                self.write_java(&mut s, budget)?;
                Ok(s)
            }
        }
    }

    /// JSON text as json-smart's `JSONValue.toJSONString` writes it, for values
    /// built outside a render (unmetered; a list nested past
    /// [`MAX_VALUE_DEPTH`] levels ends where the depth ran out).
    pub fn to_json_string(&self) -> String {
        let mut s = String::new();
        let _ = self.write_json(&mut s, &Budget::unmetered());
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
                items: a.iter().map(Value::from_json).collect::<Vec<_>>().into(),
                json: true,
                array: None,
                mods: 0,
                immutable: false,
            }))),
            serde_json::Value::Object(o) => {
                let mut entries = entries_with_capacity(o.len());
                for (k, v) in o {
                    entries.push_unique(Key::str(k), Value::from_json(v));
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
            Value::Char(_) => "java.lang.Character".into(),
            Value::Byte(_) => "java.lang.Byte".into(),
            Value::Short(_) => "java.lang.Short".into(),
            Value::Float(_) => "java.lang.Float".into(),
            Value::List(l) => match l.try_borrow() {
                Ok(l) if l.json => "net.minidev.json.JSONArray".into(),
                Ok(l) => match l.array {
                    Some(a) => a.class_name().into(),
                    None if l.immutable => IMMUTABLE_LIST.into(),
                    None => "java.util.ArrayList".into(),
                },
                Err(_) => "java.util.ArrayList".into(),
            },
            Value::Map(_) => "java.util.LinkedHashMap".into(),
            Value::Object(o) => host_class_name(o.as_ref()),
        }
    }

    /// Java's `a.equals(b)` (not Velocity's `==`): `Integer(1)` does not equal `Long(1)`,
    /// lists compare element-wise, maps entry-wise regardless of order; a list
    /// or map equals itself. Pairs of lists and maps are compared depth first,
    /// as Java does, without recursion: two lists that hold themselves have no
    /// end, and past [`MAX_VALUE_DEPTH`] levels the comparison fails as Java's
    /// stack overflows. One step is charged per pair compared.
    pub fn java_equals(&self, other: &Value, budget: &Budget) -> Result<bool, Exceeded> {
        let mut work: Vec<(Value, Value, usize)> = vec![(self.clone(), other.clone(), 0)];
        while let Some((a, b, depth)) = work.pop() {
            budget.step()?;
            if depth > MAX_VALUE_DEPTH {
                return Err(Exceeded::Depth(MAX_VALUE_DEPTH));
            }
            // A `subList` view against a list: compared as the list of its
            // elements (a view equals itself).
            let (a, b) = match (&a, &b) {
                (Value::Object(x), Value::Object(y)) if Rc::ptr_eq(x, y) => continue,
                (Value::Object(x), y) | (y, Value::Object(x)) if x.is_list() && is_list_like(y) => {
                    (as_list(&a, budget)?, as_list(&b, budget)?)
                }
                // A `Map` object (`$foreach`): as its map.
                (Value::Object(_), _) | (_, Value::Object(_)) => {
                    let (ma, mb) = (as_map(&a), as_map(&b));
                    (ma.map_or(a, Value::Map), mb.map_or(b, Value::Map))
                }
                _ => (a, b),
            };
            let equal = match (&a, &b) {
                (Value::List(x), Value::List(y)) => {
                    if Rc::ptr_eq(x, y) {
                        continue;
                    }
                    let (Ok(x), Ok(y)) = (x.try_borrow(), y.try_borrow()) else {
                        return Ok(false);
                    };
                    // An array equals only itself, and is no List to a list.
                    if x.array.is_some() || y.array.is_some() || x.items.len() != y.items.len() {
                        return Ok(false);
                    }
                    // Reversed, so that the first pair is compared first.
                    for (p, q) in x.items.iter().zip(y.items.iter()).rev() {
                        work.push((p.clone(), q.clone(), depth + 1));
                    }
                    true
                }
                (Value::Map(x), Value::Map(y)) => {
                    if Rc::ptr_eq(x, y) {
                        continue;
                    }
                    let (Ok(x), Ok(y)) = (x.try_borrow(), y.try_borrow()) else {
                        return Ok(false);
                    };
                    if x.entries.len() != y.entries.len() {
                        return Ok(false);
                    }
                    let start = work.len();
                    for (k, v) in x.entries.iter() {
                        match y.entries.get(k) {
                            Some(w) => work.push((v.clone(), w.clone(), depth + 1)),
                            None => return Ok(false),
                        }
                    }
                    if let Some(pushed) = work.get_mut(start..) {
                        pushed.reverse();
                    }
                    true
                }
                _ => scalar_equals(&a, &b),
            };
            if !equal {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Java `toString()` of a value built outside a render (unmetered; a list
    /// nested past [`MAX_VALUE_DEPTH`] levels ends where the depth ran out).
    /// Inside a render use [`Value::java_string`] with the render's budget.
    pub fn to_java_string(&self) -> String {
        match self {
            Value::Str(s) => s.to_string(),
            _ => {
                let mut s = String::new();
                let _ = self.write_java(&mut s, &Budget::unmetered());
                s
            }
        }
    }

    /// A map key for this value (a list, map or object by its `toString`,
    /// charged to `budget`).
    pub fn to_key(&self, budget: &Budget) -> Result<Key, Exceeded> {
        Ok(match self {
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
            Value::Char(c) => Key::Char(*c),
            Value::Byte(b) => Key::Byte(*b),
            Value::Short(v) => Key::Short(*v),
            Value::Float(f) => Key::Float(float_bits(*f)),
            other => Key::Other(JStr::from(other.java_string(budget)?)),
        })
    }
}

impl Key {
    pub fn str(s: &str) -> Key {
        Key::Str(JStr::new(s))
    }

    /// Does dropping the key free nothing ([`Value::owns_nothing`])?
    #[inline(always)]
    pub fn owns_nothing(&self) -> bool {
        match self {
            Key::Str(s) | Key::Other(s) => s.in_place(),
            Key::BigInt(_) | Key::Decimal(_) => false,
            _ => true,
        }
    }

    #[inline]
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
            Key::Char(c) => Value::Char(*c),
            Key::Byte(b) => Value::Byte(*b),
            Key::Short(v) => Value::Short(*v),
            Key::Float(bits) => Value::Float(f32::from_bits(*bits)),
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
    Entries::with_capacity(n)
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

/// `Float.floatToIntBits`: every NaN as the one NaN (what `equals` and
/// `hashCode` compare).
pub fn float_bits(f: f32) -> u32 {
    if f.is_nan() {
        0x7fc0_0000
    } else {
        f.to_bits()
    }
}

/// The bucket of a key whose Java `hashCode()` is `h` in a `java.util.HashMap`
/// table of `capacity` (a power of two) slots: `(h ^ h >>> 16) & (capacity - 1)`.
/// A `HashMap` iterates its buckets in turn, each in the order its keys came.
pub fn hash_map_bucket(h: i32, capacity: usize) -> usize {
    let h = h as u32;
    ((h ^ (h >> 16)) as usize) & capacity.saturating_sub(1)
}

/// Is `v` a `java.util.List` (a list that is no Java array, or a `subList`
/// view)?
fn is_list_like(v: &Value) -> bool {
    match v {
        Value::List(l) => l.try_borrow().is_ok_and(|l| l.array.is_none()),
        Value::Object(o) => o.is_list(),
        _ => false,
    }
}

/// A `subList` view as a new list of its elements (charged); anything else
/// as it is.
fn as_list(v: &Value, budget: &Budget) -> Result<Value, Exceeded> {
    if let Value::Object(o) = v {
        if let Some(items) = o.list_elements(budget) {
            return Ok(Value::new_list(items?));
        }
    }
    Ok(v.clone())
}

/// The map of a `Map` object ([`HostObject::as_map`]).
fn as_map(v: &Value) -> Option<MapRef> {
    match v {
        Value::Object(o) => o.as_map(),
        _ => None,
    }
}

/// `equals` of two values that are not both lists or both maps.
fn scalar_equals(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::Int(a), Value::Int(b)) => a == b,
        (Value::Long(a), Value::Long(b)) => a == b,
        (Value::Byte(a), Value::Byte(b)) => a == b,
        (Value::Short(a), Value::Short(b)) => a == b,
        (Value::Float(a), Value::Float(b)) => float_bits(*a) == float_bits(*b),
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
        (Value::Char(a), Value::Char(b)) => a == b,
        (Value::Object(a), Value::Object(b)) => {
            Rc::ptr_eq(a, b) || a.to_java_string() == b.to_java_string()
        }
        _ => false,
    }
}

thread_local! {
    /// How many list and map drops are under way on this thread, nested.
    static DROPPING: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Nested drops past this depth go on a work list instead of the stack.
const DROP_DEPTH: u32 = 64;

/// Runs `free` (told whether the drop is nested past [`DROP_DEPTH`]) with the
/// nesting counted: up to that depth the values a list or map held are freed
/// as usual, recursively; deeper, from a work list, so a list nested 100,000
/// levels deep does not overflow the stack as it is freed.
#[inline]
fn nested_drop(free: impl FnOnce(bool)) {
    let depth = DROPPING.try_with(|d| {
        let v = d.get();
        if v < DROP_DEPTH {
            d.set(v + 1);
        }
        v
    });
    match depth {
        Ok(d) if d < DROP_DEPTH => {
            free(false);
            let _ = DROPPING.try_with(|c| c.set(d));
        }
        _ => free(true),
    }
}

/// Frees values from a work list: containers held only here give their
/// contents to the list, one level at a time.
fn drop_flat(mut stack: Vec<Value>) {
    while let Some(v) = stack.pop() {
        match v {
            Value::List(l) => {
                if let Ok(cell) = Rc::try_unwrap(l) {
                    let mut list = cell.into_inner();
                    if let Some(mut items) = list.items.take_built() {
                        stack.append(&mut items);
                    }
                }
            }
            Value::Map(m) => {
                if let Ok(cell) = Rc::try_unwrap(m) {
                    let mut map = cell.into_inner();
                    if let Some(mut entries) = map.entries.take_built() {
                        stack.extend(entries.drain(..).map(|(_, v)| v));
                    }
                }
            }
            other => drop(other),
        }
    }
}

impl Drop for List {
    fn drop(&mut self) {
        // Contents never built are not built to be dropped.
        let Some(items) = self.items.take_built() else {
            return;
        };
        if items.is_empty() {
            return;
        }
        nested_drop(|deep| {
            if deep {
                drop_flat(items);
            } else {
                drop(items);
            }
        });
    }
}

impl Drop for Map {
    fn drop(&mut self) {
        // Taken whole (no allocation): dropped as usual, or flat. Contents
        // never built are not built to be dropped (nor taken: the fields'
        // own drops are all there is to do, the commonest case for the
        // objects of a request body).
        if self.entries.if_built().is_none() {
            return;
        }
        let Some(entries) = self.entries.take_built() else {
            return;
        };
        if entries.is_empty() {
            return;
        }
        // Entries that own nothing (short strings, numbers: a request's
        // parameters and headers): freed without a drop call per key and
        // per value.
        if entries.owns_nothing() {
            entries.forget_items();
            return;
        }
        nested_drop(|deep| {
            if deep {
                drop_flat(entries.into_values().collect());
            } else {
                drop(entries);
            }
        });
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

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn same_text_is_equality(a in "[ab\u{e9}]{0,20}", b in "[ab\u{e9}]{0,20}") {
            proptest::prop_assert_eq!(same_text(&a, &b), a == b);
            proptest::prop_assert!(same_text(&a, &a.clone()));
        }
    }

    #[test]
    fn a_map_of_plain_entries_is_freed_whole_and_any_other_entry_by_its_drop() {
        let long: Rc<str> = Rc::from("a string longer than fifteen bytes");
        let shared = || Value::Str(JStr::from(Rc::clone(&long)));
        let big = Rc::new(BigInt::from(7));
        let plain = [
            Value::Null,
            Value::Bool(true),
            Value::Int(1),
            Value::Long(2),
            Value::Double(0.5),
            Value::Char(65),
            Value::Byte(1),
            Value::Short(2),
            Value::Float(0.5),
            Value::str("fifteen bytes.."),
        ];
        assert!(plain.iter().all(Value::owns_nothing));
        for owner in [
            shared(),
            Value::BigInt(Rc::clone(&big)),
            Value::new_list(vec![Value::Int(1)]),
        ] {
            assert!(!owner.owns_nothing());
        }
        for key in [Key::str("sixteen bytes..."), Key::BigInt(Rc::clone(&big))] {
            assert!(!key.owns_nothing());
        }
        assert!(Key::str("fifteen bytes..").owns_nothing() && Key::Int(1).owns_nothing());
        // A map of plain entries, then the same with one shared string as
        // its last value, then as its last key: every count given back.
        let plain_map = |last: Option<(Key, Value)>| {
            let mut m = entries_with_capacity(plain.len() + 1);
            for (i, v) in plain.iter().enumerate() {
                m.push_unique(Key::Int(i as i32), v.clone());
            }
            if let Some((k, v)) = last {
                m.push_unique(k, v);
            }
            Value::new_map(m)
        };
        drop(plain_map(None));
        let m = plain_map(Some((Key::str("x"), shared())));
        assert_eq!(Rc::strong_count(&long), 2);
        drop(m);
        assert_eq!(Rc::strong_count(&long), 1);
        let m = plain_map(Some((Key::Str(JStr::from(Rc::clone(&long))), Value::Null)));
        assert_eq!(Rc::strong_count(&long), 2);
        drop(m);
        assert_eq!(Rc::strong_count(&long), 1);
        let m = plain_map(Some((Key::BigInt(Rc::clone(&big)), Value::Null)));
        assert_eq!(Rc::strong_count(&big), 2);
        drop(m);
        assert_eq!(Rc::strong_count(&big), 1);
    }

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
            let b = Budget::unmetered();
            let k = v.to_key(&b).unwrap_or(Key::Null);
            assert!(k.to_value().java_equals(&v, &b).unwrap_or(false), "{v:?}");
        }
        let b = Budget::unmetered();
        assert_ne!(
            Value::Double(0.0).to_key(&b),
            Value::Double(-0.0).to_key(&b)
        );
    }
}
