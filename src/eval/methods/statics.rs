//! The static methods of `Integer`, `Long`, `Double`, `Float`, `Boolean`,
//! `Byte` and `Short`.
//!
//! Velocity 1.7 calls a class's static methods through any value of the
//! class, which templates use to convert text, as in
//! `#set($n = 0)$n.parseInt($input.params('limit'))` (there is no `$Integer`
//! in a mapping template). An argument fits a parameter by Java's
//! method-invocation conversion, as for instance methods: an `int` parameter
//! takes an `Integer` (or a `Short` or `Byte`); `long` those or a `Long`;
//! `float` those or a `Float`; `double` any of those or a `Double`; `String`
//! a string or null. No fit: `None`.

use super::{err, ok, str_arg, MResult};
use crate::eval::jparse;
use crate::eval::number::{java_double_to_string, java_float_to_string};
use crate::eval::value::{float_bits, Value};

fn int_p(v: &Value) -> Option<i32> {
    v.int_like()
}

fn long_p(v: &Value) -> Option<i64> {
    match v {
        Value::Long(l) => Some(*l),
        v => v.int_like().map(i64::from),
    }
}

fn double_p(v: &Value) -> Option<f64> {
    match v {
        Value::Long(l) => Some(*l as f64),
        Value::Double(d) => Some(*d),
        Value::Float(f) => Some(f64::from(*f)),
        v => v.int_like().map(f64::from),
    }
}

/// A `float` parameter: a Float, or an integer type rounded to nearest.
fn float_p(v: &Value) -> Option<f32> {
    match v {
        Value::Long(l) => Some(*l as f32),
        Value::Float(f) => Some(*f),
        v => v.int_like().map(|i| i as f32),
    }
}

fn bool_p(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        _ => None,
    }
}

fn int(r: Result<i32, String>) -> MResult {
    Some(r.map(Value::Int).map_err(Into::into))
}

fn long(r: Result<i64, String>) -> MResult {
    Some(r.map(Value::Long).map_err(Into::into))
}

fn text(s: String) -> MResult {
    ok(Value::str(&s))
}

/// `v` in `radix` (2 to 36; else 10, as `toString(v, radix)` does), with
/// lower-case digits and a `-` when negative.
fn radix_string(v: i128, radix: i32) -> String {
    let radix = if (2..=36).contains(&radix) {
        radix.unsigned_abs()
    } else {
        10
    };
    let mut digits = Vec::new();
    let mut n = v.unsigned_abs();
    loop {
        let d = (n % u128::from(radix)) as u32;
        digits.push(char::from_digit(d, radix).unwrap_or('0'));
        n /= u128::from(radix);
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        digits.push('-');
    }
    digits.iter().rev().collect()
}

fn divide_by_zero() -> MResult {
    err("java.lang.ArithmeticException: / by zero")
}

/// `Integer` and `Long`, for the static methods they share: the same
/// operations over 32 or 64 bits.
trait JavaInt: Copy + Ord + Into<i128> {
    const BITS: u32;
    /// The argument for a parameter of the type: `int` takes an Integer,
    /// `long` an Integer or a Long.
    fn arg(v: &Value) -> Option<Self>;
    fn value(self) -> Value;
    /// The bits as an unsigned number.
    fn unsigned(self) -> u64;
    /// The low bits of `u`.
    fn from_unsigned(u: u64) -> Self;
}

impl JavaInt for i32 {
    const BITS: u32 = 32;
    fn arg(v: &Value) -> Option<i32> {
        int_p(v)
    }
    fn value(self) -> Value {
        Value::Int(self)
    }
    fn unsigned(self) -> u64 {
        u64::from(self as u32)
    }
    fn from_unsigned(u: u64) -> i32 {
        u as u32 as i32
    }
}

impl JavaInt for i64 {
    const BITS: u32 = 64;
    fn arg(v: &Value) -> Option<i64> {
        long_p(v)
    }
    fn value(self) -> Value {
        Value::Long(self)
    }
    fn unsigned(self) -> u64 {
        self as u64
    }
    fn from_unsigned(u: u64) -> i64 {
        u as i64
    }
}

/// The static methods `Integer` and `Long` both have, over `T`'s width.
fn shared<T: JavaInt>(name: &str, args: &[Value]) -> MResult {
    let p = T::arg;
    let same = |u: u64| ok(T::from_unsigned(u).value());
    // The bits of `u` rotated left by `d` within the width.
    let rotate = |u: u64, d: u32| {
        let mask = u64::MAX >> (64 - T::BITS);
        let d = d % T::BITS;
        if d == 0 {
            u
        } else {
            ((u << d) | (u >> (T::BITS - d))) & mask
        }
    };
    match (name, args) {
        ("toString", [x]) => text(p(x)?.into().to_string()),
        ("toString", [x, radix]) => text(radix_string(p(x)?.into(), int_p(radix)?)),
        ("toHexString", [x]) => text(format!("{:x}", p(x)?.unsigned())),
        ("toOctalString", [x]) => text(format!("{:o}", p(x)?.unsigned())),
        ("toBinaryString", [x]) => text(format!("{:b}", p(x)?.unsigned())),
        ("toUnsignedString", [x]) => text(p(x)?.unsigned().to_string()),
        ("toUnsignedString", [x, radix]) => {
            text(radix_string(p(x)?.unsigned().into(), int_p(radix)?))
        }
        ("signum", [x]) => ok(Value::Int(p(x)?.into().signum() as i32)),
        ("bitCount", [x]) => ok(Value::Int(p(x)?.unsigned().count_ones() as i32)),
        ("numberOfLeadingZeros", [x]) => ok(Value::Int(
            (p(x)?.unsigned().leading_zeros() - (64 - T::BITS)) as i32,
        )),
        ("numberOfTrailingZeros", [x]) => ok(Value::Int(
            p(x)?.unsigned().trailing_zeros().min(T::BITS) as i32,
        )),
        ("reverse", [x]) => same(p(x)?.unsigned().reverse_bits() >> (64 - T::BITS)),
        ("reverseBytes", [x]) => same(p(x)?.unsigned().swap_bytes() >> (64 - T::BITS)),
        ("highestOneBit", [x]) => {
            let u = p(x)?.unsigned();
            same(if u == 0 {
                0
            } else {
                1 << (63 - u.leading_zeros())
            })
        }
        ("lowestOneBit", [x]) => {
            let u = p(x)?.unsigned();
            same(u & u.wrapping_neg())
        }
        ("rotateLeft" | "rotateRight", [x, d]) => {
            let (u, d) = (
                p(x)?.unsigned(),
                int_p(d)?.rem_euclid(T::BITS as i32) as u32,
            );
            same(if name == "rotateLeft" {
                rotate(u, d)
            } else {
                rotate(u, T::BITS - d)
            })
        }
        ("compare", [a, b]) => ok(Value::Int(p(a)?.cmp(&p(b)?) as i32)),
        ("compareUnsigned", [a, b]) => {
            ok(Value::Int(p(a)?.unsigned().cmp(&p(b)?.unsigned()) as i32))
        }
        ("sum", [a, b]) => same(p(a)?.unsigned().wrapping_add(p(b)?.unsigned())),
        ("max", [a, b]) => ok(p(a)?.max(p(b)?).value()),
        ("min", [a, b]) => ok(p(a)?.min(p(b)?).value()),
        ("divideUnsigned" | "remainderUnsigned", [a, b]) => {
            let (a, b) = (p(a)?.unsigned(), p(b)?.unsigned());
            if b == 0 {
                return divide_by_zero();
            }
            same(if name == "divideUnsigned" {
                a / b
            } else {
                a % b
            })
        }
        _ => None,
    }
}

/// `Integer`'s static methods.
pub(super) fn integer(name: &str, args: &[Value]) -> MResult {
    match (name, args) {
        ("parseInt" | "valueOf", [s]) if str_arg(s).is_some() => {
            int(jparse::parse_int(str_arg(s)?, 10))
        }
        ("parseInt" | "valueOf", [s, radix]) => int(jparse::parse_int(str_arg(s)?, int_p(radix)?)),
        ("valueOf", [i]) => ok(Value::Int(int_p(i)?)),
        ("parseUnsignedInt", [s]) => int(jparse::parse_unsigned_int(str_arg(s)?, 10)),
        ("parseUnsignedInt", [s, radix]) => {
            int(jparse::parse_unsigned_int(str_arg(s)?, int_p(radix)?))
        }
        ("decode", [s]) => int(jparse::decode(str_arg(s)?, false).map(|v| v as i32)),
        ("toUnsignedLong", [i]) => ok(Value::Long((int_p(i)? as u32).into())),
        ("hashCode", [i]) => ok(Value::Int(int_p(i)?)),
        _ => shared::<i32>(name, args),
    }
}

/// `Byte`'s (`bits` 8) or `Short`'s (16) static methods.
pub(super) fn small_static(name: &str, args: &[Value], bits: u32) -> MResult {
    let (min, max, mask) = if bits == 8 {
        (-0x80, 0x7F, 0xFF)
    } else {
        (-0x8000, 0x7FFF, 0xFFFF)
    };
    let wrap = |v: i32| {
        if bits == 8 {
            Value::Byte(v as i8)
        } else {
            Value::Short(v as i16)
        }
    };
    // A `byte` parameter takes a Byte; a `short` one a Short or a Byte.
    let p = |v: &Value| match v {
        Value::Byte(b) => Some(i32::from(*b)),
        Value::Short(s) if bits == 16 => Some(i32::from(*s)),
        _ => None,
    };
    let parse_name = if bits == 8 { "parseByte" } else { "parseShort" };
    let parse = |s: Option<&str>, radix: i32| -> MResult {
        let i = match jparse::parse_int(s, radix) {
            Ok(i) => i,
            Err(e) => return err(e),
        };
        if !(min..=max).contains(&i) {
            return err(format!(
                "java.lang.NumberFormatException: Value out of range. Value:\"{}\" Radix:{radix}",
                s.unwrap_or_default()
            ));
        }
        ok(wrap(i))
    };
    match (name, args) {
        (n, [s]) if (n == parse_name || n == "valueOf") && str_arg(s).is_some() => {
            parse(str_arg(s)?, 10)
        }
        (n, [s, radix]) if n == parse_name || n == "valueOf" => parse(str_arg(s)?, int_p(radix)?),
        ("valueOf", [x]) => ok(wrap(p(x)?)),
        ("decode", [s]) => {
            let s = str_arg(s)?;
            match jparse::decode(s, false) {
                Ok(v) if (i64::from(min)..=i64::from(max)).contains(&v) => ok(wrap(v as i32)),
                Ok(v) => err(format!(
                    "java.lang.NumberFormatException: Value {v} out of range from input {}",
                    s.unwrap_or_default()
                )),
                Err(e) => err(e),
            }
        }
        ("toString", [x]) => text(p(x)?.to_string()),
        ("hashCode", [x]) => ok(Value::Int(p(x)?)),
        ("compare", [a, b]) => ok(Value::Int(p(a)? - p(b)?)),
        ("compareUnsigned", [a, b]) => ok(Value::Int((p(a)? & mask) - (p(b)? & mask))),
        ("toUnsignedInt", [x]) => ok(Value::Int(p(x)? & mask)),
        ("toUnsignedLong", [x]) => ok(Value::Long(i64::from(p(x)? & mask))),
        ("reverseBytes", [x]) if bits == 16 => ok(Value::Short((p(x)? as i16).swap_bytes())),
        _ => None,
    }
}

/// `Long`'s static methods.
pub(super) fn long_static(name: &str, args: &[Value]) -> MResult {
    match (name, args) {
        ("parseLong" | "valueOf", [s]) if str_arg(s).is_some() => {
            long(jparse::parse_long(str_arg(s)?, 10))
        }
        ("parseLong" | "valueOf", [s, radix]) => {
            long(jparse::parse_long(str_arg(s)?, int_p(radix)?))
        }
        ("valueOf", [l]) => ok(Value::Long(long_p(l)?)),
        ("decode", [s]) => long(jparse::decode(str_arg(s)?, true)),
        ("parseUnsignedLong", [s]) => long(jparse::parse_unsigned_long(str_arg(s)?, 10)),
        ("parseUnsignedLong", [s, radix]) => {
            long(jparse::parse_unsigned_long(str_arg(s)?, int_p(radix)?))
        }
        ("hashCode", [l]) => {
            let l = long_p(l)?;
            ok(Value::Int((l ^ (l >> 32)) as i32))
        }
        _ => shared::<i64>(name, args),
    }
}

/// `Double.doubleToLongBits`: every NaN as the one NaN.
fn double_bits(d: f64) -> i64 {
    if d.is_nan() {
        0x7ff8_0000_0000_0000
    } else {
        d.to_bits() as i64
    }
}

/// `Double.compare`: `-0.0` below `0.0`, NaN above everything and equal to
/// itself.
pub(super) fn double_compare(a: f64, b: f64) -> i32 {
    if a < b {
        -1
    } else if a > b {
        1
    } else {
        double_bits(a).cmp(&double_bits(b)) as i32
    }
}

/// `Double.toHexString(d)`: `0x1.8p1`, `-0x0.0000000000001p-1022`.
pub(super) fn double_hex(d: f64) -> String {
    if !d.is_finite() {
        return java_double_to_string(d);
    }
    let sign = if d.is_sign_negative() { "-" } else { "" };
    if d == 0.0 {
        return format!("{sign}0x0.0p0");
    }
    let bits = d.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let fraction = format!("{:013x}", bits & ((1 << 52) - 1));
    let fraction = fraction.trim_end_matches('0');
    let fraction = if fraction.is_empty() { "0" } else { fraction };
    if exp == 0 {
        format!("{sign}0x0.{fraction}p-1022")
    } else {
        format!("{sign}0x1.{fraction}p{}", exp - 1023)
    }
}

/// `Double`'s static methods.
pub(super) fn double(name: &str, args: &[Value]) -> MResult {
    let dbl = |r: Result<f64, String>| Some(r.map(Value::Double).map_err(Into::into));
    match (name, args) {
        ("parseDouble", [s]) => dbl(jparse::parse_double(str_arg(s)?)),
        ("valueOf", [s]) if str_arg(s).is_some() => dbl(jparse::parse_double(str_arg(s)?)),
        ("valueOf", [d]) => ok(Value::Double(double_p(d)?)),
        ("toString", [d]) => text(java_double_to_string(double_p(d)?)),
        ("toHexString", [d]) => text(double_hex(double_p(d)?)),
        ("isNaN", [d]) => ok(Value::Bool(double_p(d)?.is_nan())),
        ("isInfinite", [d]) => ok(Value::Bool(double_p(d)?.is_infinite())),
        ("isFinite", [d]) => ok(Value::Bool(double_p(d)?.is_finite())),
        ("hashCode", [d]) => {
            let b = double_bits(double_p(d)?);
            ok(Value::Int((b ^ (b >> 32)) as i32))
        }
        ("doubleToLongBits", [d]) => ok(Value::Long(double_bits(double_p(d)?))),
        ("doubleToRawLongBits", [d]) => ok(Value::Long(double_p(d)?.to_bits() as i64)),
        ("longBitsToDouble", [l]) => ok(Value::Double(f64::from_bits(long_p(l)? as u64))),
        ("compare", [a, b]) => ok(Value::Int(double_compare(double_p(a)?, double_p(b)?))),
        ("sum", [a, b]) => ok(Value::Double(double_p(a)? + double_p(b)?)),
        ("max" | "min", [a, b]) => ok(Value::Double(max_min(
            name == "max",
            double_p(a)?,
            double_p(b)?,
        ))),
        _ => None,
    }
}

/// `Math.max` (`max`) or `Math.min`: NaN wins, and -0.0 is below 0.0.
fn max_min(max: bool, a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == 0.0 && b == 0.0 {
        if max != a.is_sign_negative() {
            a
        } else {
            b
        }
    } else if max == (a >= b) {
        a
    } else {
        b
    }
}

/// `Float.compare`, as [`double_compare`].
pub(super) fn float_compare(a: f32, b: f32) -> i32 {
    if a < b {
        -1
    } else if a > b {
        1
    } else {
        (float_bits(a) as i32).cmp(&(float_bits(b) as i32)) as i32
    }
}

/// `Float.toHexString(f)`: a double's text for the same value, but a
/// subnormal float's exponent is `-126` (`0x0.000002p-126`).
fn float_hex(f: f32) -> String {
    if f != 0.0 && f.abs() < f32::MIN_POSITIVE {
        // The float's 23 fraction bits are a subnormal double's top bits
        // once scaled by 2^-896.
        let d = f64::from(f) * 2f64.powi(-896);
        let s = double_hex(d);
        match s.strip_suffix("p-1022") {
            Some(head) => format!("{head}p-126"),
            None => s,
        }
    } else {
        double_hex(f64::from(f))
    }
}

/// `Float`'s static methods.
pub(super) fn float(name: &str, args: &[Value]) -> MResult {
    let flt = |r: Result<f32, String>| Some(r.map(Value::Float).map_err(Into::into));
    match (name, args) {
        ("parseFloat", [s]) => flt(jparse::parse_float(str_arg(s)?)),
        ("valueOf", [s]) if str_arg(s).is_some() => flt(jparse::parse_float(str_arg(s)?)),
        ("valueOf", [f]) => ok(Value::Float(float_p(f)?)),
        ("toString", [f]) => text(java_float_to_string(float_p(f)?)),
        ("toHexString", [f]) => text(float_hex(float_p(f)?)),
        ("isNaN", [f]) => ok(Value::Bool(float_p(f)?.is_nan())),
        ("isInfinite", [f]) => ok(Value::Bool(float_p(f)?.is_infinite())),
        ("isFinite", [f]) => ok(Value::Bool(float_p(f)?.is_finite())),
        ("hashCode" | "floatToIntBits", [f]) => ok(Value::Int(float_bits(float_p(f)?) as i32)),
        ("floatToRawIntBits", [f]) => ok(Value::Int(float_p(f)?.to_bits() as i32)),
        ("intBitsToFloat", [i]) => ok(Value::Float(f32::from_bits(int_p(i)? as u32))),
        ("compare", [a, b]) => ok(Value::Int(float_compare(float_p(a)?, float_p(b)?))),
        ("sum", [a, b]) => ok(Value::Float(float_p(a)? + float_p(b)?)),
        // Exact: a double holds every float, and the result is one of them.
        ("max" | "min", [a, b]) => {
            let (a, b) = (f64::from(float_p(a)?), f64::from(float_p(b)?));
            ok(Value::Float(max_min(name == "max", a, b) as f32))
        }
        _ => None,
    }
}

/// The static methods of the class of the number `recv`.
pub(super) fn of_number(recv: &Value, name: &str, args: &[Value]) -> MResult {
    match recv {
        Value::Int(_) => integer(name, args),
        Value::Long(_) => long_static(name, args),
        Value::Double(_) => double(name, args),
        Value::Float(_) => float(name, args),
        Value::Byte(_) => small_static(name, args, 8),
        Value::Short(_) => small_static(name, args, 16),
        _ => None,
    }
}

/// `Boolean`'s static methods.
pub(super) fn boolean(name: &str, args: &[Value]) -> MResult {
    match (name, args) {
        ("parseBoolean" | "valueOf", [s]) if str_arg(s).is_some() => ok(Value::Bool(
            str_arg(s)?.is_some_and(|s| s.eq_ignore_ascii_case("true")),
        )),
        ("valueOf", [b]) => ok(Value::Bool(bool_p(b)?)),
        ("toString", [b]) => text(bool_p(b)?.to_string()),
        ("hashCode", [b]) => ok(Value::Int(if bool_p(b)? { 1231 } else { 1237 })),
        ("compare", [a, b]) => ok(Value::Int(bool_p(a)?.cmp(&bool_p(b)?) as i32)),
        ("logicalAnd" | "logicalOr" | "logicalXor", [a, b]) => {
            let (a, b) = (bool_p(a)?, bool_p(b)?);
            ok(Value::Bool(match name {
                "logicalAnd" => a & b,
                "logicalOr" => a | b,
                _ => a ^ b,
            }))
        }
        _ => None,
    }
}
