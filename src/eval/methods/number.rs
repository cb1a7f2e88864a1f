//! The methods of `Boolean` and of the number types: `Integer`, `Long`,
//! `Double`, `Float`, `Byte`, `Short`, `BigInteger`, `BigDecimal`.

use std::rc::Rc;

use num_traits::{Signed, ToPrimitive};

use super::optional::{ConstantDesc, JavaOptional};
use super::{cap, err, ok, MResult};
use crate::eval::budget::Budget;
use crate::eval::number::Decimal;
use crate::eval::value::CallError;
use crate::eval::value::Value;

pub(super) fn bool_method(b: bool, name: &str, args: &[Value]) -> MResult {
    match (name, args) {
        ("booleanValue", []) => ok(Value::Bool(b)),
        ("compareTo", [Value::Bool(o)]) => ok(Value::Int(i32::from(b) - i32::from(*o))),
        ("compareTo", [o]) => compare_mismatch(&Value::Bool(b), o),
        ("describeConstable", []) => ok(ConstantDesc::boolean(b)),
        _ => None,
    }
}

/// `compareTo(Object)` of a number or boolean handed what it cannot compare
/// with: the bridge method's cast fails, or a null argument's field is read.
pub(super) fn compare_mismatch(recv: &Value, o: &Value) -> MResult {
    if o.is_null() {
        let (field, param) = match recv {
            Value::Bool(_) => ("value", "b"),
            Value::Int(_) => ("value", "anotherInteger"),
            Value::Long(_) => ("value", "anotherLong"),
            Value::Double(_) => ("value", "anotherDouble"),
            Value::BigInt(_) => ("signum", "val"),
            Value::Decimal(_) => ("scale", "val"),
            Value::Char(_) => ("value", "anotherCharacter"),
            Value::Byte(_) => ("value", "anotherByte"),
            Value::Short(_) => ("value", "anotherShort"),
            Value::Float(_) => ("value", "anotherFloat"),
            _ => return None,
        };
        return err(super::npe(&format!(
            "Cannot read field \"{field}\" because \"{param}\" is null"
        )));
    }
    err(super::cce(o, &recv.java_class_name()))
}

pub(super) fn method(recv: &Value, name: &str, args: &[Value], budget: &Budget) -> MResult {
    if let Value::Decimal(d) = recv {
        return decimal_method(recv, d, name, args, budget);
    }
    let as_f64 = match recv {
        Value::Int(i) => f64::from(*i),
        Value::Short(i) => f64::from(*i),
        Value::Byte(i) => f64::from(*i),
        Value::Long(l) => *l as f64,
        Value::BigInt(b) => b.to_f64().unwrap_or(f64::NAN),
        Value::Double(d) => *d,
        Value::Float(f) => f64::from(*f),
        _ => return None,
    };
    let as_i64 = match recv {
        Value::Int(i) => i64::from(*i),
        Value::Short(i) => i64::from(*i),
        Value::Byte(i) => i64::from(*i),
        Value::Long(l) => *l,
        // BigInteger.longValue keeps the low 64 bits.
        Value::BigInt(b) => {
            let (sign, digits) = b.to_u64_digits();
            let low = digits.first().copied().unwrap_or(0) as i64;
            if sign == num_bigint::Sign::Minus {
                low.wrapping_neg()
            } else {
                low
            }
        }
        // Java's (long) cast saturates, as Rust's does; NaN → 0.
        Value::Double(d) => *d as i64,
        Value::Float(f) => *f as i64,
        _ => return None,
    };
    // Java's narrowing of a double or float to an int saturates, as Rust's
    // `as` does (NaN → 0); the smaller types keep the int's low bits.
    let as_i32 = match recv {
        Value::Double(d) => *d as i32,
        Value::Float(f) => *f as i32,
        _ => as_i64 as i32,
    };
    match (name, args) {
        ("intValue", []) => ok(Value::Int(as_i32)),
        ("longValue", []) => ok(Value::Long(as_i64)),
        // The low bits of `intValue()` (the same as the long's for a Long).
        ("shortValue", []) => ok(Value::Short(as_i32 as i16)),
        ("byteValue", []) => ok(Value::Byte(as_i32 as i8)),
        ("doubleValue", []) => ok(Value::Double(as_f64)),
        // As the float operators convert their operands.
        ("floatValue", []) => crate::eval::ops::float_value(recv).map(|f| Ok(Value::Float(f))),
        ("isNaN", []) if matches!(recv, Value::Double(_) | Value::Float(_)) => {
            ok(Value::Bool(as_f64.is_nan()))
        }
        ("isInfinite", []) if matches!(recv, Value::Double(_) | Value::Float(_)) => {
            ok(Value::Bool(as_f64.is_infinite()))
        }
        ("compareTo", [o]) => {
            let r = match (recv, o) {
                (Value::Int(a), Value::Int(b)) => a.cmp(b) as i32,
                // `Byte.compare` and `Short.compare` subtract.
                (Value::Byte(a), Value::Byte(b)) => i32::from(*a) - i32::from(*b),
                (Value::Short(a), Value::Short(b)) => i32::from(*a) - i32::from(*b),
                (Value::Long(a), Value::Long(b)) => a.cmp(b) as i32,
                (Value::BigInt(a), Value::BigInt(b)) => a.cmp(b) as i32,
                (Value::Double(a), Value::Double(b)) => super::statics::double_compare(*a, *b),
                (Value::Float(a), Value::Float(b)) => super::statics::float_compare(*a, *b),
                _ => return compare_mismatch(recv, o),
            };
            ok(Value::Int(r))
        }
        // `Optional.of(this)`; a Short or Byte is described as a cast
        // constant.
        ("describeConstable", []) => match recv {
            Value::Int(_) | Value::Long(_) | Value::Double(_) | Value::Float(_) => {
                ok(JavaOptional::of(recv.clone()))
            }
            Value::Short(v) => ok(ConstantDesc::cast(i32::from(*v), "short")),
            Value::Byte(v) => ok(ConstantDesc::cast(i32::from(*v), "byte")),
            _ => None,
        },
        // `resolveConstantDesc(MethodHandles.Lookup)`: only a null fits.
        ("resolveConstantDesc", [Value::Null])
            if matches!(
                recv,
                Value::Int(_) | Value::Long(_) | Value::Double(_) | Value::Float(_)
            ) =>
        {
            ok(recv.clone())
        }
        _ => match recv {
            Value::BigInt(b) => super::bignum::bigint_method(b, name, args, budget),
            _ => None,
        },
    }
}

/// `java.math.BigDecimal` methods (the cheap ones) of `recv`, which is `d`.
fn decimal_method(
    recv: &Value,
    d: &Decimal,
    name: &str,
    args: &[Value],
    budget: &Budget,
) -> MResult {
    let dec = |r: Result<Decimal, String>| {
        Some(
            r.map(|v| Value::Decimal(Rc::new(v)))
                .map_err(CallError::from),
        )
    };
    match (name, args) {
        ("intValue", []) => ok(Value::Int(d.int_value())),
        ("shortValue", []) => ok(Value::Short(d.int_value() as i16)),
        ("byteValue", []) => ok(Value::Byte(d.int_value() as i8)),
        ("longValue", []) => ok(Value::Long(d.long_value())),
        ("doubleValue", []) => ok(Value::Double(d.to_f64())),
        ("floatValue", []) => ok(Value::Float(d.to_f32())),
        ("scale", []) => ok(Value::Int(i32::try_from(d.scale).unwrap_or(i32::MAX))),
        ("signum", []) => ok(Value::Int(d.signum())),
        ("precision", []) => ok(Value::Int(d.precision())),
        ("toPlainString", []) => {
            let t = d.to_plain_string();
            charge!(budget.build(t.len()));
            cap(t)
        }
        ("unscaledValue", []) => ok(Value::BigInt(Rc::new(d.unscaled.clone()))),
        ("toBigInteger", []) => ok(Value::BigInt(Rc::new(d.to_bigint()))),
        ("negate", []) => dec(Ok(Decimal {
            unscaled: -d.unscaled.clone(),
            scale: d.scale,
        })),
        ("abs", []) => dec(Ok(Decimal {
            unscaled: d.unscaled.abs(),
            scale: d.scale,
        })),
        ("stripTrailingZeros", []) => dec(Ok(d.strip_trailing_zeros())),
        ("compareTo", [Value::Decimal(o)]) => ok(Value::Int(d.compare(o) as i32)),
        // compareTo(Object) casts its argument.
        ("compareTo", [o]) => compare_mismatch(recv, o),
        ("add", [Value::Decimal(o)]) => dec(d.add(o)),
        ("subtract", [Value::Decimal(o)]) => dec(d.sub(o)),
        ("multiply", [Value::Decimal(o)]) => dec(d.mul(o)),
        _ => super::bignum::decimal_method(d, name, args, budget),
    }
}
