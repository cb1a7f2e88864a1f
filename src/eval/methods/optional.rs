//! `java.util.Optional`: what `describeConstable()` of a `String`, `Integer`,
//! `Long`, `Float` or `Double` returns (the value itself, present), and the
//! `DynamicConstantDesc` that of a `Boolean`, `Character`, `Short` or
//! `Byte` holds.
//!
//! Velocity 1.7 reads no property of an `Optional` but `class`: `$o.present`
//! finds `get()` (its lookup of `get(String)` takes the method without
//! parameters, see `only_without_parameters`), which refuses the argument,
//! and 1.7 makes that null.

use std::rc::Rc;

use super::class::JavaClass;
use super::object::java_hash;
use super::string::java_string_hash;
use super::{err, npe, ok, wrong_number_of_arguments};
use crate::eval::budget::Budget;
use crate::eval::value::{host_class_name, CallError, CallResult, HostObject, Value};

const OPTIONAL: &str = "java.util.Optional";

/// What `ifPresent(null)` throws (Java's helpful message).
const NULL_ACTION: &str =
    "Cannot invoke \"java.util.function.Consumer.accept(Object)\" because \"action\" is null";

/// An `Optional`: a value (never null), or `Optional.empty` (what
/// `findFirst()` of an empty stream returns).
#[derive(Debug)]
pub struct JavaOptional {
    value: Option<Value>,
}

impl JavaOptional {
    /// `Optional.of(value)`.
    pub(super) fn of(value: Value) -> Value {
        Self::of_option(Some(value))
    }

    /// `Optional.of(value)`, or `Optional.empty()` for `None`.
    pub(super) fn of_option(value: Option<Value>) -> Value {
        Value::Object(Rc::new(JavaOptional { value }))
    }
}

/// What `get()` and `orElseThrow()` of an empty `Optional` throw.
const NO_VALUE: &str = "java.util.NoSuchElementException: No value present";

/// What `ifPresentOrElse(null, null)` of an empty `Optional` throws.
const NULL_EMPTY_ACTION: &str =
    "Cannot invoke \"java.lang.Runnable.run()\" because \"emptyAction\" is null";

impl HostObject for JavaOptional {
    fn property(&self, name: &str) -> Option<Value> {
        match name {
            "class" | "Class" => Some(JavaClass::value(OPTIONAL)),
            _ => None,
        }
    }

    fn call(&self, name: &str, args: &[Value], budget: &Budget) -> CallResult {
        let Some(v) = &self.value else {
            return empty_call(name, args, budget);
        };
        match (name, args) {
            ("get" | "orElseThrow", []) => ok(v.clone()),
            ("isPresent", []) => ok(Value::Bool(true)),
            ("isEmpty", []) => ok(Value::Bool(false)),
            ("orElse", [_]) => ok(v.clone()),
            ("stream", []) => ok(super::stream::JavaStream::of_items(vec![v.clone()], budget)),
            // A template can hand a function parameter only a null (see
            // `null_function`); present, these do not call it.
            ("orElseGet" | "orElseThrow", [Value::Null]) => ok(v.clone()),
            ("ifPresent", [Value::Null]) | ("ifPresentOrElse", [Value::Null, Value::Null]) => {
                err(npe(NULL_ACTION))
            }
            // `Objects.requireNonNull` of the function.
            ("filter" | "map" | "flatMap" | "or", [Value::Null]) => {
                err("java.lang.NullPointerException")
            }
            ("equals", [other]) => {
                let other = match other {
                    Value::Object(o) if host_class_name(o.as_ref()) == OPTIONAL => {
                        o.call("orElse", &[Value::Null], budget)
                    }
                    _ => None,
                };
                match other {
                    Some(Ok(Value::Null)) | None => ok(Value::Bool(false)),
                    Some(Ok(w)) => Some(
                        v.java_equals(&w, budget)
                            .map(Value::Bool)
                            .map_err(CallError::from),
                    ),
                    Some(Err(_)) => ok(Value::Bool(false)),
                }
            }
            // `Objects.hashCode(value)`.
            ("hashCode", []) => Some(
                java_hash(v, budget)
                    .map(Value::Int)
                    .map_err(CallError::from),
            ),
            ("toString", []) => {
                let mut s = String::from("Optional[");
                if let Err(e) = v.write_java(&mut s, budget) {
                    return Some(Err(e.into()));
                }
                s.push(']');
                ok(Value::str(&s))
            }
            ("getClass", []) => ok(JavaClass::value(OPTIONAL)),
            // Methods without parameters handed arguments no other overload
            // takes.
            (
                "get" | "isPresent" | "isEmpty" | "orElseThrow" | "stream" | "hashCode"
                | "toString" | "getClass" | "notify" | "notifyAll",
                [_, ..],
            ) => wrong_number_of_arguments(),
            _ => None,
        }
    }

    fn to_java_string(&self) -> String {
        match &self.value {
            Some(v) => format!("Optional[{}]", v.to_java_string()),
            None => "Optional.empty".into(),
        }
    }

    fn for_each_value(&self, f: &mut dyn FnMut(&Value)) {
        if let Some(v) = &self.value {
            f(v);
        }
    }
}

/// The methods of `Optional.empty()`.
fn empty_call(name: &str, args: &[Value], budget: &Budget) -> CallResult {
    match (name, args) {
        ("get" | "orElseThrow", []) => err(NO_VALUE),
        ("isPresent", []) => ok(Value::Bool(false)),
        ("isEmpty", []) => ok(Value::Bool(true)),
        ("orElse", [x]) => ok(x.clone()),
        ("stream", []) => ok(super::stream::JavaStream::of_items(Vec::new(), budget)),
        // Empty, these call the function: null, it throws.
        ("orElseGet" | "orElseThrow" | "or", [Value::Null]) => {
            err("java.lang.NullPointerException")
        }
        ("ifPresent", [Value::Null]) => super::void(),
        ("ifPresentOrElse", [Value::Null, Value::Null]) => err(npe(NULL_EMPTY_ACTION)),
        ("filter" | "map" | "flatMap", [Value::Null]) => err("java.lang.NullPointerException"),
        ("equals", [other]) => ok(Value::Bool(matches!(other,
            Value::Object(o) if host_class_name(o.as_ref()) == OPTIONAL
                && o.to_java_string() == "Optional.empty"))),
        ("hashCode", []) => ok(Value::Int(0)),
        ("toString", []) => ok(Value::str("Optional.empty")),
        ("getClass", []) => ok(JavaClass::value(OPTIONAL)),
        (
            "get" | "isPresent" | "isEmpty" | "orElseThrow" | "stream" | "hashCode" | "toString"
            | "getClass" | "notify" | "notifyAll",
            [_, ..],
        ) => wrong_number_of_arguments(),
        _ => None,
    }
}

/// A `java.lang.constant.DynamicConstantDesc`, as `describeConstable()` of
/// a `Boolean`, `Character`, `Short` or `Byte` describes the value. It
/// prints, equals and has its class as Java's does; its other methods
/// (`constantName()`, `bootstrapMethod()`, …) are not implemented. Java's
/// `hashCode` mixes in identity hashes, so it changes from JVM to JVM; here
/// it is the hash of the text.
#[derive(Debug)]
pub struct ConstantDesc {
    text: String,
}

const CONSTANT_DESC: &str = "java.lang.constant.DynamicConstantDesc$AnonymousDynamicConstantDesc";

impl ConstantDesc {
    /// `Optional.of` the description of `Boolean.TRUE` or `FALSE`.
    pub(super) fn boolean(b: bool) -> Value {
        let name = if b { "TRUE" } else { "FALSE" };
        Self::optional(format!(
            "DynamicConstantDesc[ConstantBootstraps::getStaticFinal({name}/ClassDesc[Boolean])Boolean]"
        ))
    }

    /// `Optional.of` the description of the primitive `value` of type
    /// `primitive` (`char`, `short`, `byte`).
    pub(super) fn cast(value: i32, primitive: &str) -> Value {
        Self::optional(format!(
            "DynamicConstantDesc[ConstantBootstraps::explicitCast({value}){primitive}]"
        ))
    }

    fn optional(text: String) -> Value {
        JavaOptional::of(Value::Object(Rc::new(ConstantDesc { text })))
    }
}

impl HostObject for ConstantDesc {
    fn property(&self, name: &str) -> Option<Value> {
        match name {
            "class" | "Class" => Some(JavaClass::value(CONSTANT_DESC)),
            _ => None,
        }
    }

    fn call(&self, name: &str, args: &[Value], _budget: &Budget) -> CallResult {
        match (name, args) {
            ("toString", []) => ok(Value::str(&self.text)),
            ("hashCode", []) => ok(Value::Int(java_string_hash(&self.text))),
            ("equals", [other]) => ok(Value::Bool(matches!(other,
                Value::Object(o) if host_class_name(o.as_ref()) == CONSTANT_DESC
                    && o.to_java_string() == self.text))),
            ("getClass", []) => ok(JavaClass::value(CONSTANT_DESC)),
            ("toString" | "hashCode" | "getClass", _) => wrong_number_of_arguments(),
            _ => None,
        }
    }

    fn to_java_string(&self) -> String {
        self.text.clone()
    }
}
