//! Java methods and properties on values: `String`, `Map`, `List` as Velocity 1.7 sees them.
//!
//! Method lookup follows 1.7's introspection: an argument matches a parameter only
//! by Java's method-invocation conversion (an `Integer` fits `int`, `long`, `double`
//! and `Object` parameters; a `Long` fits `long`, `double`, `Object`; `null` fits any
//! reference type; a `String` is never converted to a number). No match → `None`
//! (the reference stays undefined). A Java exception → `Some(Err(text))` where the
//! text is the exception's `toString()` (`java.lang.StringIndexOutOfBoundsException: …`).
//!
//! Strings are indexed in UTF-16 code units, as Java does; a substring that splits a
//! surrogate pair keeps the lone half (see [`super::jstring`]).
//!
//! Results that grow strings (`repeat`, `replace`, `concat`, …) are capped at
//! [`MAX_STRING`] bytes; beyond it the call fails with an `OutOfMemoryError`.
//!
//! Each receiver type has its own file: [`string`] (`java.lang.String`), [`list`]
//! (`ArrayList` / json-smart's `JSONArray`), [`map`] (`LinkedHashMap` and its
//! `Map.Entry`), [`number`] (the number types and `Boolean`), [`object`]
//! (`java.lang.Object`'s methods, `getClass`), [`property`] (`$x.name`, `$x[i]`
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

mod list;
pub(crate) mod map;
mod number;
mod object;
mod property;
mod string;
mod timsort;

pub use map::{get_str as map_get_str, MapEntry};
pub use object::{java_hash, JavaClass};
pub use property::{get_index, get_property, set_index, set_property};
pub use string::utf16_len;

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

/// Java's `ClassCastException` for `from` cast to the class `to`.
fn cce(from: &Value, to: &str) -> String {
    format!(
        "java.lang.ClassCastException: class {} cannot be cast to class {to}",
        from.java_class_name()
    )
}

// ---------------------------------------------------------------------------
// Argument conversion (1.7's IntrospectionUtils.isMethodInvocationConvertible)

/// An `int` parameter: only `Integer` converts.
fn int_arg(v: &Value) -> Option<i32> {
    match v {
        Value::Int(i) => Some(*i),
        _ => None,
    }
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
            match recv {
                Value::Str(s) => string::method(s, name, args, budget),
                Value::List(l) => list::method(l, name, args, budget),
                Value::Map(m) => map::method(m, name, args, budget),
                Value::Bool(b) => number::bool_method(*b, name, args),
                _ => number::method(recv, name, args, budget),
            }
        }
    }
}

#[cfg(test)]
mod tests;
