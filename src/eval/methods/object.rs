//! `java.lang.Object`'s methods every value has (`getClass`, `toString`,
//! `hashCode`, `equals`) and `java.lang.Class`.

use std::rc::Rc;

use super::string::java_string_hash;
use super::{ok, MResult};
use crate::eval::value::{HostObject, Value};

/// Java's `hashCode()` of a value.
pub fn java_hash(v: &Value) -> i32 {
    java_hash_depth(v, 0)
}

fn java_hash_depth(v: &Value, depth: usize) -> i32 {
    if depth > 200 {
        return 0;
    }
    match v {
        Value::Null => 0,
        Value::Bool(b) => {
            if *b {
                1231
            } else {
                1237
            }
        }
        Value::Int(i) => *i,
        Value::Long(l) => (*l ^ ((*l as u64) >> 32) as i64) as i32,
        Value::Double(d) => {
            let bits = if d.is_nan() {
                0x7ff8000000000000u64
            } else {
                d.to_bits()
            };
            (bits ^ (bits >> 32)) as i32
        }
        Value::BigInt(b) => {
            let (sign, mut digits) = b.to_u32_digits();
            digits.reverse();
            let h = digits
                .iter()
                .fold(0i32, |h, w| h.wrapping_mul(31).wrapping_add(*w as i32));
            match sign {
                num_bigint::Sign::Minus => h.wrapping_neg(),
                num_bigint::Sign::NoSign => 0,
                num_bigint::Sign::Plus => h,
            }
        }
        // BigDecimal.hashCode: 31 * unscaledValue.hashCode() + scale.
        Value::Decimal(d) => {
            java_hash_depth(&Value::BigInt(Rc::new(d.unscaled.clone())), depth + 1)
                .wrapping_mul(31)
                .wrapping_add(d.scale as i32)
        }
        Value::Str(s) => java_string_hash(s),
        Value::List(l) => l.try_borrow().map_or(0, |l| {
            l.items.iter().fold(1i32, |h, e| {
                h.wrapping_mul(31)
                    .wrapping_add(java_hash_depth(e, depth + 1))
            })
        }),
        Value::Map(m) => m.try_borrow().map_or(0, |m| {
            m.entries.iter().fold(0i32, |h, (k, v)| {
                h.wrapping_add(
                    java_hash_depth(&k.to_value(), depth + 1) ^ java_hash_depth(v, depth + 1),
                )
            })
        }),
        Value::Object(o) => java_string_hash(&o.to_java_string()),
    }
}

// ---------------------------------------------------------------------------
// Host objects for Java values without a Value variant

/// A `java.lang.Class` (what `$x.class` / `$x.getClass()` returns).
#[derive(Debug)]
pub struct JavaClass {
    pub name: String,
}

impl JavaClass {
    pub fn value(name: &str) -> Value {
        Value::Object(Rc::new(JavaClass { name: name.into() }))
    }
    fn simple_name(&self) -> String {
        let tail = self.name.rsplit('.').next().unwrap_or(&self.name);
        tail.rsplit('$').next().unwrap_or(tail).to_string()
    }
}

impl HostObject for JavaClass {
    fn property(&self, name: &str) -> Option<Value> {
        match name {
            "name" | "Name" | "typeName" | "TypeName" => Some(Value::str(&self.name)),
            "simpleName" | "SimpleName" => Some(Value::str(&self.simple_name())),
            "class" | "Class" => Some(JavaClass::value("java.lang.Class")),
            _ => None,
        }
    }
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        match (name, args.len()) {
            ("getName" | "getTypeName", 0) => ok(Value::str(&self.name)),
            ("getSimpleName", 0) => ok(Value::str(&self.simple_name())),
            ("toString", 0) => ok(Value::str(&self.to_java_string())),
            ("getClass", 0) => ok(JavaClass::value("java.lang.Class")),
            _ => None,
        }
    }
    fn to_java_string(&self) -> String {
        format!("class {}", self.name)
    }
}

pub(super) fn class_of(v: &Value) -> Value {
    JavaClass::value(&v.java_class_name())
}

/// Methods of `java.lang.Object` every value has.
pub(super) fn method(recv: &Value, name: &str, args: &[Value]) -> MResult {
    match (name, args) {
        ("getClass", []) => ok(class_of(recv)),
        ("toString", []) => ok(Value::str(&recv.to_java_string())),
        ("hashCode", []) => ok(Value::Int(java_hash(recv))),
        ("equals", [other]) => ok(Value::Bool(recv.java_equals(other))),
        _ => None,
    }
}
