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

/// An `Optional` holding a value (never null: a template cannot make an
/// empty one).
#[derive(Debug)]
pub struct JavaOptional {
    value: Value,
}

impl JavaOptional {
    /// `Optional.of(value)`.
    pub(super) fn of(value: Value) -> Value {
        Value::Object(Rc::new(JavaOptional { value }))
    }
}

impl HostObject for JavaOptional {
    fn property(&self, name: &str) -> Option<Value> {
        match name {
            "class" | "Class" => Some(JavaClass::value(OPTIONAL)),
            _ => None,
        }
    }

    fn call(&self, name: &str, args: &[Value], budget: &Budget) -> CallResult {
        let v = &self.value;
        match (name, args) {
            ("get" | "orElseThrow", []) => ok(v.clone()),
            ("isPresent", []) => ok(Value::Bool(true)),
            ("isEmpty", []) => ok(Value::Bool(false)),
            ("orElse", [_]) => ok(v.clone()),
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
                        o.call("get", &[], budget)
                    }
                    _ => None,
                };
                match other {
                    Some(Ok(w)) => Some(
                        v.java_equals(&w, budget)
                            .map(Value::Bool)
                            .map_err(CallError::from),
                    ),
                    _ => ok(Value::Bool(false)),
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
            // takes (`stream()` is not implemented).
            (
                "get" | "isPresent" | "isEmpty" | "orElseThrow" | "stream" | "hashCode"
                | "toString" | "getClass" | "notify" | "notifyAll",
                [_, ..],
            ) => wrong_number_of_arguments(),
            _ => None,
        }
    }

    fn to_java_string(&self) -> String {
        format!("Optional[{}]", self.value.to_java_string())
    }

    fn for_each_value(&self, f: &mut dyn FnMut(&Value)) {
        f(&self.value);
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
