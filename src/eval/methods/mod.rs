//! Java methods and properties on values: `String`, `Map`, `List` as Velocity 1.7 sees them.
//!
//! Method lookup follows 1.7's introspection: an argument matches a parameter only
//! by Java's method-invocation conversion (an `Integer`, `Short` or `Byte` fits `int`,
//! `long`, `float`, `double` and `Object` parameters; a `Long` fits `long`, `float`,
//! `double`, `Object`; a `Float` fits `float`, `double`, `Object`; a `Character` fits
//! `char` only; `null` fits any reference type; a `String` is never
//! converted to a number or a `char`). No match → `None`
//! (the reference stays undefined), unless the class has a method of that name
//! without parameters (see `only_without_parameters`). A Java exception → `Some(Err(text))` where the
//! text is the exception's `toString()` (`java.lang.StringIndexOutOfBoundsException: …`).
//!
//! Strings are indexed in UTF-16 code units, as Java does; a substring that splits a
//! surrogate pair keeps the lone half (see [`super::jstring`]).
//!
//! Results that grow strings (`repeat`, `replace`, `concat`, …) are capped at
//! [`MAX_STRING`] bytes; beyond it the call fails with an `OutOfMemoryError`.
//!
//! Each receiver type has its own file: [`string`] (`java.lang.String`), [`list`]
//! (`ArrayList`, json-smart's `JSONArray` and Java arrays), [`map`] (`LinkedHashMap` and its
//! `Map.Entry`), [`iterator`] (the iterators of lists, arrays and map
//! views), [`character`] (`Character` and its static methods), [`number`]
//! (the number types and `Boolean`), [`bignum`] (`BigInteger`'s and
//! `BigDecimal`'s own methods), [`statics`] (the
//! static methods of `Integer`, `Long`, `Double`, `Float`, `Byte`, `Short` and
//! `Boolean`, which 1.7 calls
//! through any value of the class), [`object`]
//! (`java.lang.Object`'s methods), [`class`] (`java.lang.Class` and
//! `java.lang.Package`), [`sublist`] (`subList`
//! views of lists and arrays), [`optional`] (`java.util.Optional`, what
//! `describeConstable()` returns, and what a stream's `findFirst()`
//! returns), [`stream`] (`java.util.stream`'s streams), [`property`] (`$x.name`, `$x[i]`
//! and their `#set` forms). This file dispatches a call to them.

/// Charges the budget, or returns the call's failure.
macro_rules! charge {
    ($e:expr) => {
        if let Err(e) = $e {
            return Some(Err($crate::eval::value::CallError::from(e)));
        }
    };
}

/// The value of a `Result<T, Exceeded>`, or returns the call's failure.
macro_rules! charged {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return Some(Err($crate::eval::value::CallError::from(e))),
        }
    };
}

mod bignum;
mod character;
mod class;
mod format;
mod iterator;
mod list;
pub(crate) mod map;
mod number;
mod object;
mod optional;
mod property;
mod statics;
mod stream;
mod string;
mod sublist;
mod timsort;

pub use class::JavaClass;
pub(crate) use iterator::map_stamp;
pub use map::{get_str as map_get_str, MapEntry};
pub use object::java_hash;
pub use property::{get_index, get_property, set_index, set_property};
pub use string::utf16_len;
pub use sublist::SubList;

use super::budget::{Budget, Exceeded};
use super::value::{CallError, CallResult, Value};

/// Largest string (in bytes) a method may build.
pub const MAX_STRING: usize = 16 << 20;

type MResult = CallResult;

/// The elements of a `Collection` argument (a list or a map's view; a map
/// is no Collection), copied and charged: `None` for anything else, or a
/// list in use.
fn collection_elements(c: &Value, budget: &Budget) -> Option<Result<Vec<Value>, Exceeded>> {
    match c {
        Value::List(l) => {
            let l = l.try_borrow().ok()?;
            // A Java array is no Collection.
            if l.array.is_some() {
                return None;
            }
            Some(budget.slots(l.items.len()).map(|()| l.items.to_vec()))
        }
        Value::Object(o) => o.elements(budget),
        _ => None,
    }
}

fn ok(v: Value) -> MResult {
    Some(Ok(v))
}

fn err(e: impl Into<CallError>) -> MResult {
    Some(Err(e.into()))
}

fn void() -> MResult {
    Some(Ok(Value::str("")))
}

fn too_big() -> String {
    "java.lang.OutOfMemoryError: Requested array size exceeds VM limit".into()
}

/// A string result, unless it is over [`MAX_STRING`].
fn cap(s: String) -> MResult {
    if s.len() > MAX_STRING {
        err(too_big())
    } else {
        ok(Value::str(&s))
    }
}

fn npe(what: &str) -> String {
    format!("java.lang.NullPointerException: {what}")
}

/// Java's `ClassCastException` for `from` cast to the class `to`, with
/// the modules of both (the JDK's classes are in `java.base`; json-smart's
/// and Velocity's in the application's unnamed module).
fn cce(from: &Value, to: &str) -> String {
    let from = from.java_class_name();
    let module = |class: &str| {
        let element = class.trim_start_matches('[').trim_start_matches('L');
        if element.starts_with("java.") || element.len() <= 1 {
            "module java.base of loader 'bootstrap'"
        } else {
            "unnamed module of loader 'app'"
        }
    };
    let (a, b) = (module(&from), module(to));
    let modules = if a == b {
        format!("{from} and {to} are in {a}")
    } else {
        format!("{from} is in {a}; {to} is in {b}")
    };
    format!("java.lang.ClassCastException: class {from} cannot be cast to class {to} ({modules})")
}

// ---------------------------------------------------------------------------
// Argument conversion (1.7's IntrospectionUtils.isMethodInvocationConvertible)

/// An `int` parameter: an `Integer`, `Short` or `Byte` converts.
fn int_arg(v: &Value) -> Option<i32> {
    v.int_like()
}

/// A `String` / `CharSequence` parameter: `Some(None)` for null.
fn str_arg(v: &Value) -> Option<Option<&str>> {
    match v {
        Value::Str(s) => Some(Some(s)),
        Value::Null => Some(None),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Method calls

/// `$recv.name(args)`. `None`: no such method (the reference stays undefined).
/// A method that Java declares `void` gives `Value::Str("")`, as 1.7 renders it.
/// What the call builds is charged to `budget`.
pub fn call_method(recv: &Value, name: &str, args: &[Value], budget: &Budget) -> CallResult {
    match recv {
        Value::Object(o) => o.call(name, args, budget),
        Value::Null => None,
        _ => {
            if let Some(r) = object::method(recv, name, args, budget) {
                return Some(r);
            }
            let r = match recv {
                Value::Str(s) => string::method(s, name, args, budget),
                Value::Char(c) => character::method(*c, name, args, budget),
                Value::List(l) => list::method(l, name, args, budget),
                Value::Map(m) => map::method(m, name, args, budget),
                Value::Bool(b) => {
                    number::bool_method(*b, name, args).or_else(|| statics::boolean(name, args))
                }
                _ => number::method(recv, name, args, budget)
                    .or_else(|| statics::of_number(recv, name, args)),
            }
            .or_else(|| match recv {
                Value::List(_) => null_function(LIST_FUNCTIONS, name, args),
                Value::Map(_) => null_function(MAP_FUNCTIONS, name, args),
                _ => None,
            });
            if r.is_none() && !args.is_empty() && only_without_parameters(recv, name, args) {
                return wrong_number_of_arguments();
            }
            r
        }
    }
}

/// Methods that take a function as their last parameter
/// (`forEach(BiConsumer)`, `computeIfAbsent(K, Function)` …), by name and
/// number of parameters: those of `HashMap` and `LinkedHashMap` (and
/// json-smart's `JSONObject`, a `HashMap`).
pub(super) const MAP_FUNCTIONS: &[(&str, usize)] = &[
    ("forEach", 1),
    ("replaceAll", 1),
    ("computeIfAbsent", 2),
    ("computeIfPresent", 2),
    ("compute", 2),
    ("merge", 3),
];
/// Those of `ArrayList`, `JSONArray`, the list Velocity wraps an array in,
/// and `subList` views (`sort(Comparator)` is implemented: a null one sorts
/// in natural order).
pub(super) const LIST_FUNCTIONS: &[(&str, usize)] =
    &[("forEach", 1), ("removeIf", 1), ("replaceAll", 1)];
/// Those of a map's `keySet()`, `values()` and `entrySet()`.
pub(super) const COLLECTION_FUNCTIONS: &[(&str, usize)] = &[("forEach", 1), ("removeIf", 1)];
/// Those of every iterator.
pub(super) const ITERATOR_FUNCTIONS: &[(&str, usize)] = &[("forEachRemaining", 1)];

/// A call of one of `methods` (a table above). A template cannot make a
/// Java function, so Velocity 1.7 finds such a method only when the
/// function's argument is null (null fits any parameter; anything else
/// fits none); Java then throws `NullPointerException` (no message: each
/// checks its function with `Objects.requireNonNull` or its own test
/// before anything else). `None`: no such method.
pub(super) fn null_function(methods: &[(&str, usize)], name: &str, args: &[Value]) -> MResult {
    methods
        .iter()
        .any(|&(m, n)| m == name && n == args.len())
        .then_some(())?;
    match args.last() {
        Some(Value::Null) => err("java.lang.NullPointerException"),
        _ => None,
    }
}

/// What Java's reflection throws when Velocity 1.7 calls a method without
/// parameters with arguments (see [`only_without_parameters`]).
fn wrong_number_of_arguments() -> MResult {
    err("java.lang.IllegalArgumentException: wrong number of arguments")
}

/// Whether every method `name` of `recv`'s class that could take `args` is
/// one without parameters. Velocity 1.7 counts a method without parameters
/// as applicable to a call with any arguments (its check for varargs lets
/// it through), picks it when nothing else fits, and Java's reflection then
/// refuses the arguments: `$s.length(5)` and `$list.size(1)` throw
/// `IllegalArgumentException: wrong number of arguments`. Names with other
/// overloads answer `true` only for arguments none of those could take
/// (the overloads that exist are implemented, or excluded here).
fn only_without_parameters(recv: &Value, name: &str, args: &[Value]) -> bool {
    // `wait` is left out: `wait(long)` takes a number.
    const OBJECT: &[&str] = &["getClass", "hashCode", "toString", "notify", "notifyAll"];
    const NUMBER: &[&str] = &[
        "intValue",
        "longValue",
        "doubleValue",
        "floatValue",
        "shortValue",
        "byteValue",
        "describeConstable",
    ];
    let own: &[&str] = match recv {
        Value::Str(_) => {
            // `getBytes(String)` and `getBytes(Charset)` take a string or a
            // null, and there is a `getBytes` of four parameters.
            if name == "getBytes"
                && (matches!(args, [Value::Str(_) | Value::Null]) || args.len() == 4)
            {
                return false;
            }
            &[
                "length",
                "isEmpty",
                "isBlank",
                "toLowerCase",
                "toUpperCase",
                "trim",
                "strip",
                "stripLeading",
                "stripTrailing",
                "stripIndent",
                "translateEscapes",
                "lines",
                "chars",
                "codePoints",
                "toCharArray",
                "intern",
                "getBytes",
                "describeConstable",
            ]
        }
        Value::Int(_) | Value::Long(_) | Value::Short(_) | Value::Byte(_) => NUMBER,
        Value::Double(_) | Value::Float(_) => {
            if NUMBER.contains(&name) {
                return true;
            }
            &["isNaN", "isInfinite"]
        }
        Value::Bool(_) => &["booleanValue", "describeConstable"],
        Value::List(l) => {
            // json-smart's `JSONArray` also has `toString(JSONStyle)` and
            // `toJSONString(JSONStyle)`; `listIterator(int)` takes an Integer.
            let (json, array) = l
                .try_borrow()
                .map_or((true, false), |l| (l.json, l.array.is_some()));
            if (json && name == "toString")
                || (name == "listIterator" && matches!(args, [Value::Int(_)]))
            {
                return false;
            }
            // An array's methods are `AbstractList`'s (over the array): it
            // has no `trimToSize`, and its `clone` is not public to 1.7.
            if array && matches!(name, "trimToSize" | "clone") {
                return false;
            }
            &[
                "size",
                "isEmpty",
                "clear",
                "iterator",
                "listIterator",
                "trimToSize",
                "clone",
                "stream",
                "parallelStream",
                "spliterator",
            ]
        }
        Value::Map(_) => &[
            "size", "isEmpty", "clear", "keySet", "values", "entrySet", "clone",
        ],
        Value::Char(_) => &["charValue", "describeConstable"],
        Value::BigInt(_) => {
            if NUMBER.contains(&name) && name != "describeConstable" {
                return true;
            }
            &[
                "abs",
                "negate",
                "signum",
                "bitLength",
                "bitCount",
                "getLowestSetBit",
                "not",
                "nextProbablePrime",
                "sqrt",
                "sqrtAndRemainder",
                "toByteArray",
                "intValueExact",
                "longValueExact",
                "shortValueExact",
                "byteValueExact",
            ]
        }
        Value::Decimal(_) => {
            // `abs`, `negate` and `plus` also take a `MathContext` (a null).
            if matches!(name, "abs" | "negate" | "plus") && matches!(args, [Value::Null]) {
                return false;
            }
            if NUMBER.contains(&name) && name != "describeConstable" {
                return true;
            }
            &[
                "abs",
                "negate",
                "plus",
                "signum",
                "scale",
                "precision",
                "unscaledValue",
                "stripTrailingZeros",
                "toEngineeringString",
                "toPlainString",
                "toBigInteger",
                "toBigIntegerExact",
                "ulp",
                "intValueExact",
                "longValueExact",
                "shortValueExact",
                "byteValueExact",
            ]
        }
        _ => return false,
    };
    own.contains(&name) || OBJECT.contains(&name)
}

#[cfg(test)]
mod tests;
