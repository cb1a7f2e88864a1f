//! The methods of `java.math.BigInteger` and `java.math.BigDecimal` (JDK 17)
//! that a template can call: arithmetic, bits, primes, rounding (with the
//! `int` rounding modes `ROUND_UP`..`ROUND_UNNECESSARY`, 0..7), exact
//! conversions, and Java's exceptions with their messages. A `BigInteger`
//! or `BigDecimal` parameter takes only a value of that class (an Integer
//! does not convert: no method, the reference stays undefined); a null one
//! gives the NullPointerException Java's code throws. A `MathContext` or
//! `RoundingMode` cannot be made in a template: only a null fits those.
//!
//! Results are held to the engine's digit limit
//! ([`crate::eval::number::NUMBER_MAX_BITS`]) before they are computed, and
//! the slow operations (`modPow`, primes, `gcd`, division) are charged to
//! the step budget by the word products they take.

use std::cmp::Ordering;
use std::rc::Rc;

use num_bigint::{BigInt, Sign};
use num_traits::{One, Signed, ToPrimitive, Zero};

use super::{err, int_arg, npe, ok, MResult};
use crate::eval::budget::Budget;
use crate::eval::number::{check_bigint, Decimal, DECIMAL_MAX_DIGITS, NUMBER_MAX_BITS};
use crate::eval::value::{ArrayOf, CallError, Value};

const ARITH: &str = "java.lang.ArithmeticException: ";

fn arith(msg: &str) -> MResult {
    err(format!("{ARITH}{msg}"))
}

fn big(v: BigInt) -> MResult {
    Some(
        check_bigint(v)
            .map(|v| Value::BigInt(Rc::new(v)))
            .map_err(CallError::from),
    )
}

fn dec(r: Result<Decimal, String>) -> MResult {
    Some(
        r.and_then(Decimal::check)
            .map(|v| Value::Decimal(Rc::new(v)))
            .map_err(CallError::from),
    )
}

fn over_limit() -> String {
    format!("{ARITH}BigInteger result over {DECIMAL_MAX_DIGITS} digits")
}

/// Java's limit on a BigInteger's magnitude: fewer than 2^31 bits.
fn java_overflow() -> MResult {
    arith("BigInteger would overflow supported range")
}

/// 64-bit words of `b`.
fn words(b: &BigInt) -> u64 {
    b.bits() / 64 + 1
}

/// Charges the work of `n` word products.
fn charge_products(budget: &Budget, n: u64) -> Result<(), CallError> {
    budget.steps(n / 64 + 1).map_err(CallError::from)
}

/// `10^k` (k within the engine's limits).
fn ten_pow(k: u64) -> BigInt {
    num_traits::pow(BigInt::from(10), k as usize)
}

/// A `long` parameter: an Integer, Short, Byte or Long.
fn long_arg(v: &Value) -> Option<i64> {
    match v {
        Value::Long(l) => Some(*l),
        other => other.int_like().map(i64::from),
    }
}

/// `BigInteger.signum()`.
fn signum(b: &BigInt) -> i32 {
    match b.sign() {
        Sign::Minus => -1,
        Sign::NoSign => 0,
        Sign::Plus => 1,
    }
}

/// `BigInteger.bitLength()`: the bits of the two's complement without the sign bit.
fn bit_length(b: &BigInt) -> u64 {
    if b.is_negative() {
        (-b - 1u32).bits()
    } else {
        b.bits()
    }
}

/// The NullPointerException a null BigInteger argument of `name` gives.
fn bigint_null(name: &str, nargs: usize, index: usize) -> Option<String> {
    let (what, param) = match (name, nargs, index) {
        ("add" | "subtract" | "multiply" | "gcd" | "min" | "max", 1, 0) => {
            ("read field \"signum\"", "val")
        }
        ("divide" | "remainder" | "divideAndRemainder", 1, 0) => ("read field \"mag\"", "val"),
        ("mod" | "modInverse", 1, 0) | ("modPow", 2, 1) => ("read field \"signum\"", "m"),
        ("modPow", 2, 0) => ("read field \"signum\"", "exponent"),
        ("and" | "or" | "xor" | "andNot", 1, 0) => {
            ("invoke \"java.math.BigInteger.intLength()\"", "val")
        }
        _ => return None,
    };
    Some(npe(&format!("Cannot {what} because \"{param}\" is null")))
}

/// The BigInteger methods of `b` (those of `Number` and `Object` are elsewhere).
pub(super) fn bigint_method(b: &BigInt, name: &str, args: &[Value], budget: &Budget) -> MResult {
    // A null BigInteger argument.
    if let Some(i) = args.iter().position(Value::is_null) {
        let first_null =
            if name == "modPow" && args.len() == 2 && args.get(1).is_some_and(Value::is_null) {
                1
            } else {
                i
            };
        if args
            .iter()
            .all(|a| a.is_null() || matches!(a, Value::BigInt(_)))
        {
            if let Some(e) = bigint_null(name, args.len(), first_null) {
                return err(e);
            }
        }
    }
    let int = |i: usize| args.get(i).and_then(int_arg);
    match (name, args) {
        ("add", [Value::BigInt(o)]) => big(b + &**o),
        ("subtract", [Value::BigInt(o)]) => big(b - &**o),
        ("multiply", [Value::BigInt(o)]) => {
            charge!(charge_products(budget, words(b) * words(o)));
            if b.bits() + o.bits() > NUMBER_MAX_BITS + 1 {
                return err(over_limit());
            }
            big(b * &**o)
        }
        ("divide" | "remainder", [Value::BigInt(o)]) => {
            if o.is_zero() {
                return arith("BigInteger divide by zero");
            }
            charge!(charge_products(budget, words(b) * words(o)));
            if name == "divide" {
                big(b / &**o)
            } else {
                big(b % &**o)
            }
        }
        ("mod", [Value::BigInt(m)]) => {
            if m.sign() != Sign::Plus {
                return arith("BigInteger: modulus not positive");
            }
            charge!(charge_products(budget, words(b) * words(m)));
            let r = b % &**m;
            big(if r.is_negative() { r + &**m } else { r })
        }
        ("negate", []) => big(-b),
        ("abs", []) => big(b.abs()),
        ("signum", []) => ok(Value::Int(signum(b))),
        ("pow", [e]) => {
            let e = int_arg(e)?;
            if e < 0 {
                return arith("Negative exponent");
            }
            if b.is_zero() {
                return big(if e == 0 {
                    BigInt::one()
                } else {
                    BigInt::zero()
                });
            }
            let bits = b.bits();
            let e64 = e as u64;
            if (bits - 1) * e64 + 1 >= 1 << 31 {
                return java_overflow();
            }
            if (bits - 1) * e64 > NUMBER_MAX_BITS {
                return err(over_limit());
            }
            let w = (bits * e64) / 64 + 1;
            charge!(charge_products(budget, w * w));
            big(num_traits::pow(b.clone(), e as usize))
        }
        ("gcd", [Value::BigInt(o)]) => {
            charge!(charge_products(budget, words(b) * words(o) * 64));
            big(gcd(b.abs(), o.abs()))
        }
        ("min", [Value::BigInt(o)]) => ok(Value::BigInt(if b.cmp(o) == Ordering::Less {
            Rc::new(b.clone())
        } else {
            o.clone()
        })),
        ("max", [Value::BigInt(o)]) => ok(Value::BigInt(if b.cmp(o) == Ordering::Greater {
            Rc::new(b.clone())
        } else {
            o.clone()
        })),
        ("sqrt", []) => {
            if b.is_negative() {
                return arith("Negative BigInteger");
            }
            charge!(charge_products(budget, words(b) * words(b) * 8));
            big(b.sqrt())
        }
        ("divideAndRemainder", [Value::BigInt(o)]) => {
            if o.is_zero() {
                return arith("BigInteger divide by zero");
            }
            charge!(charge_products(budget, words(b) * words(o)));
            pair(ArrayOf::BigIntegers, b / &**o, b % &**o, budget)
        }
        ("sqrtAndRemainder", []) => {
            if b.is_negative() {
                return arith("Negative BigInteger");
            }
            charge!(charge_products(budget, words(b) * words(b) * 8));
            let s = b.sqrt();
            let r = b - &s * &s;
            pair(ArrayOf::BigIntegers, s, r, budget)
        }
        ("and", [Value::BigInt(o)]) => big(b & &**o),
        ("or", [Value::BigInt(o)]) => big(b | &**o),
        ("xor", [Value::BigInt(o)]) => big(b ^ &**o),
        ("andNot", [Value::BigInt(o)]) => big(b & !&**o),
        ("not", []) => big(!b),
        ("shiftLeft", [_]) => shift_left(b, i64::from(int(0)?)),
        ("shiftRight", [_]) => shift_left(b, -i64::from(int(0)?)),
        ("testBit" | "setBit" | "clearBit" | "flipBit", [_]) => {
            let n = int(0)?;
            if n < 0 {
                return arith("Negative bit address");
            }
            bit_op(b, name, n as u64)
        }
        ("bitLength", []) => ok(Value::Int(bit_length(b) as i32)),
        ("bitCount", []) => {
            let m = if b.is_negative() {
                -b - 1u32
            } else {
                b.clone()
            };
            let count: u32 = m.iter_u64_digits().map(u64::count_ones).sum();
            ok(Value::Int(count as i32))
        }
        ("getLowestSetBit", []) => ok(Value::Int(b.trailing_zeros().map_or(-1, |t| t as i32))),
        ("isProbablePrime", [c]) => {
            let c = int_arg(c)?;
            if c <= 0 {
                return ok(Value::Bool(true));
            }
            Some(is_probable_prime(&b.abs(), budget).map(Value::Bool))
        }
        ("nextProbablePrime", []) => {
            if b.is_negative() {
                return arith(&format!("start < 0: {b}"));
            }
            let mut n: BigInt = b + 1u32;
            if n <= BigInt::from(2) {
                return big(BigInt::from(2));
            }
            if !n.bit(0) {
                n += 1u32;
            }
            loop {
                charge!(budget.step());
                if n.bits() > NUMBER_MAX_BITS {
                    return err(over_limit());
                }
                match is_probable_prime(&n, budget) {
                    Ok(true) => return big(n),
                    Ok(false) => n += 2u32,
                    Err(e) => return err(e),
                }
            }
        }
        ("modPow", [Value::BigInt(e), Value::BigInt(m)]) => mod_pow(b, e, m, budget),
        ("modInverse", [Value::BigInt(m)]) => {
            if m.sign() != Sign::Plus {
                return arith("BigInteger: modulus not positive");
            }
            charge!(charge_products(budget, words(b) * words(m) * 64));
            match mod_inverse(b, m) {
                Some(v) => big(v),
                None => arith("BigInteger not invertible."),
            }
        }
        ("toString", [r]) => {
            let r = int_arg(r)?;
            let radix = if (2..=36).contains(&r) { r as u32 } else { 10 };
            charge!(charge_products(budget, words(b) * words(b) * 2));
            charge!(budget.build(b.bits() as usize + 2));
            ok(Value::str(&b.to_str_radix(radix)))
        }
        ("toByteArray", []) => {
            let mut bytes = b.to_signed_bytes_be();
            if bytes.is_empty() {
                bytes.push(0);
            }
            charge!(budget.slots(bytes.len()));
            ok(Value::new_array(
                ArrayOf::Bytes,
                bytes.into_iter().map(|x| Value::Byte(x as i8)).collect(),
                budget,
            ))
        }
        // The static `BigInteger.valueOf(long)`, through any BigInteger.
        ("valueOf", [v]) => big(BigInt::from(long_arg(v)?)),
        ("intValueExact", []) => match b.to_i32() {
            Some(v) => ok(Value::Int(v)),
            None => arith("BigInteger out of int range"),
        },
        ("longValueExact", []) => match b.to_i64() {
            Some(v) => ok(Value::Long(v)),
            None => arith("BigInteger out of long range"),
        },
        ("shortValueExact", []) => match b.to_i16() {
            Some(v) => ok(Value::Short(v)),
            None => arith("BigInteger out of short range"),
        },
        ("byteValueExact", []) => match b.to_i8() {
            Some(v) => ok(Value::Byte(v)),
            None => arith("BigInteger out of byte range"),
        },
        ("probablePrime", [n, Value::Null]) => {
            let n = int_arg(n)?;
            if n < 2 {
                return arith("bitLength < 2");
            }
            err(npe(
                "Cannot invoke \"java.util.Random.nextInt()\" because \"rnd\" is null",
            ))
        }
        _ => None,
    }
}

/// A `BigInteger[]` of two.
fn pair(of: ArrayOf, a: BigInt, b: BigInt, budget: &Budget) -> MResult {
    charge!(budget.slots(2));
    ok(Value::new_array(
        of,
        vec![Value::BigInt(Rc::new(a)), Value::BigInt(Rc::new(b))],
        budget,
    ))
}

/// `shiftLeft(n)` (a negative `n` shifts right, rounding down).
fn shift_left(b: &BigInt, n: i64) -> MResult {
    if n == 0 || b.is_zero() {
        return big(b.clone());
    }
    if n > 0 {
        let bits = b.bits() + n as u64;
        if bits >= 1 << 31 {
            return java_overflow();
        }
        if bits > NUMBER_MAX_BITS {
            return err(over_limit());
        }
        return big(b << n as usize);
    }
    let r = n.unsigned_abs();
    if r >= b.bits() {
        return big(if b.is_negative() {
            BigInt::from(-1)
        } else {
            BigInt::zero()
        });
    }
    big(b >> r as usize)
}

/// `testBit`, `setBit`, `clearBit`, `flipBit` of bit `n` (two's complement).
fn bit_op(b: &BigInt, name: &str, n: u64) -> MResult {
    // Past the last bit every bit is the sign's.
    let beyond = n > b.bits();
    let current = if beyond {
        b.is_negative()
    } else {
        ((b >> n as usize) & BigInt::one()).is_one()
    };
    let wanted = match name {
        "testBit" => return ok(Value::Bool(current)),
        "setBit" => true,
        "clearBit" => false,
        _ => !current,
    };
    if wanted == current {
        return big(b.clone());
    }
    if n + 2 >= 1 << 31 {
        return java_overflow();
    }
    if n >= NUMBER_MAX_BITS {
        return err(over_limit());
    }
    let bit = BigInt::one() << n as usize;
    big(if wanted { b + bit } else { b - bit })
}

/// The greatest common divisor of two non-negative numbers.
fn gcd(mut a: BigInt, mut b: BigInt) -> BigInt {
    while !b.is_zero() {
        let r = &a % &b;
        a = b;
        b = r;
    }
    a
}

/// The inverse of `a` modulo `m` (m > 0), if there is one.
fn mod_inverse(a: &BigInt, m: &BigInt) -> Option<BigInt> {
    if m.is_one() {
        return Some(BigInt::zero());
    }
    let a = ((a % m) + m) % m;
    let (mut old_r, mut r) = (a, m.clone());
    let (mut old_s, mut s) = (BigInt::one(), BigInt::zero());
    while !r.is_zero() {
        let q = &old_r / &r;
        let next_r = &old_r - &q * &r;
        old_r = std::mem::replace(&mut r, next_r);
        let next_s = &old_s - &q * &s;
        old_s = std::mem::replace(&mut s, next_s);
    }
    if !old_r.is_one() {
        return None;
    }
    Some(((old_s % m) + m) % m)
}

/// `modPow(exponent, m)`, in the order of Java's checks.
fn mod_pow(b: &BigInt, e: &BigInt, m: &BigInt, budget: &Budget) -> MResult {
    if m.sign() != Sign::Plus {
        return arith("BigInteger: modulus not positive");
    }
    let one_or_zero = || {
        big(if m.is_one() {
            BigInt::zero()
        } else {
            BigInt::one()
        })
    };
    if e.is_zero() || b.is_one() {
        return one_or_zero();
    }
    if b.is_zero() && !e.is_negative() {
        return big(BigInt::zero());
    }
    let w = words(m);
    charge!(charge_products(budget, e.bits().saturating_mul(w * w * 2)));
    let base = ((b % m) + m) % m;
    let r = base.modpow(&e.abs(), m);
    if e.is_negative() {
        return match mod_inverse(&r, m) {
            Some(v) => big(v),
            None => arith("BigInteger not invertible."),
        };
    }
    big(r)
}

/// The primes below 2000, for trial division; the first 20 are the
/// Miller-Rabin bases.
fn small_primes() -> Vec<u32> {
    const LIMIT: usize = 2000;
    let mut composite = [false; LIMIT];
    let mut primes = Vec::new();
    for i in 2..LIMIT {
        if composite.get(i).copied().unwrap_or(true) {
            continue;
        }
        primes.push(i as u32);
        let mut j = i * i;
        while j < LIMIT {
            if let Some(c) = composite.get_mut(j) {
                *c = true;
            }
            j += i;
        }
    }
    primes
}

/// Whether `n` (not negative) is prime, by trial division and Miller-Rabin
/// with 20 prime bases (exact below 3.3·10^24; a composite passing them
/// is as unlikely as Java's tests passing it).
fn is_probable_prime(n: &BigInt, budget: &Budget) -> Result<bool, CallError> {
    if n < &BigInt::from(2) {
        return Ok(false);
    }
    let primes = small_primes();
    budget
        .steps(words(n) * primes.len() as u64 / 64 + 1)
        .map_err(CallError::from)?;
    for &p in &primes {
        if n == &BigInt::from(p) {
            return Ok(true);
        }
        if (n % p).is_zero() {
            return Ok(false);
        }
    }
    let one = BigInt::one();
    let n1: BigInt = n - 1u32;
    let s = n1.trailing_zeros().unwrap_or(0);
    let d = &n1 >> s as usize;
    let w = words(n);
    for &a in primes.iter().take(20) {
        budget
            .steps((n.bits().saturating_mul(w * w * 2)) / 64 + 1)
            .map_err(CallError::from)?;
        let mut x = BigInt::from(a).modpow(&d, n);
        if x == one || x == n1 {
            continue;
        }
        let mut composite = true;
        for _ in 1..s {
            x = (&x * &x) % n;
            if x == n1 {
                composite = false;
                break;
            }
        }
        if composite {
            return Ok(false);
        }
    }
    Ok(true)
}

// ---------------------------------------------------------------------------
// BigDecimal

/// `divisor`/`mc`/`roundingMode` null arguments: the NullPointerException.
fn decimal_null(name: &str, args: &[Value]) -> Option<MResult> {
    let read = |field: &str, param: &str| {
        Some(err(npe(&format!(
            "Cannot read field \"{field}\" because \"{param}\" is null"
        ))))
    };
    let is_dec_or_null = |v: &Value| matches!(v, Value::Decimal(_) | Value::Null);
    match (name, args) {
        // A null MathContext (the one-argument overloads take it).
        ("abs" | "negate" | "plus" | "round", [Value::Null]) => read("precision", "mc"),
        ("sqrt", [Value::Null]) => Some(err(npe(
            "Cannot invoke \"java.math.MathContext.getPrecision()\" because \"mc\" is null",
        ))),
        (
            "add"
            | "subtract"
            | "multiply"
            | "remainder"
            | "divideToIntegralValue"
            | "divideAndRemainder",
            [a, Value::Null],
        ) if is_dec_or_null(a) => read("precision", "mc"),
        ("pow", [n, Value::Null]) if int_arg(n).is_some() => read("precision", "mc"),
        ("add", [Value::Null]) => read("intCompact", "augend"),
        ("subtract", [Value::Null]) => read("intCompact", "subtrahend"),
        ("multiply", [Value::Null]) => read("scale", "multiplicand"),
        ("divide", [Value::Null]) => Some(err(npe(
            "Cannot invoke \"java.math.BigDecimal.signum()\" because \"divisor\" is null",
        ))),
        ("remainder" | "divideToIntegralValue" | "divideAndRemainder", [Value::Null]) => {
            read("scale", "divisor")
        }
        ("min" | "max", [Value::Null]) => read("scale", "val"),
        ("divide", [Value::Null, m]) if int_arg(m).is_some() => read("intCompact", "divisor"),
        ("divide", [Value::Null, s, m]) if int_arg(s).is_some() && int_arg(m).is_some() => {
            read("intCompact", "divisor")
        }
        ("divide", [d, s, Value::Null]) if is_dec_or_null(d) && int_arg(s).is_some() => {
            read("oldMode", "roundingMode")
        }
        ("setScale", [s, Value::Null]) if int_arg(s).is_some() => read("oldMode", "roundingMode"),
        _ => None,
    }
}

/// A rounding mode (`BigDecimal.ROUND_UP` 0 .. `ROUND_UNNECESSARY` 7).
fn rounding_mode(v: &Value) -> Option<Result<i32, CallError>> {
    let m = int_arg(v)?;
    Some(if (0..=7).contains(&m) {
        Ok(m)
    } else {
        Err(CallError::from(
            "java.lang.IllegalArgumentException: Invalid rounding mode".to_string(),
        ))
    })
}

/// `num / den` rounded by rounding mode `rm` (`den` not zero).
fn round_div(num: &BigInt, den: &BigInt, rm: i32) -> Result<BigInt, String> {
    let q = num / den;
    let r = num % den;
    if r.is_zero() {
        return Ok(q);
    }
    let negative = (num.sign() == Sign::Minus) != (den.sign() == Sign::Minus);
    let away = match rm {
        0 => true,
        1 => false,
        2 => !negative,
        3 => negative,
        4..=6 => match (r.abs() * 2u32).cmp(&den.abs()) {
            Ordering::Greater => true,
            Ordering::Less => false,
            Ordering::Equal => rm == 4 || (rm == 6 && q.bit(0)),
        },
        _ => return Err(format!("{ARITH}Rounding necessary")),
    };
    Ok(match (away, negative) {
        (false, _) => q,
        (true, true) => q - 1u32,
        (true, false) => q + 1u32,
    })
}

/// A scale within the engine's limit, or its error.
fn scale_ok(s: i64) -> Result<i64, String> {
    if s.unsigned_abs() > DECIMAL_MAX_DIGITS {
        Err(format!(
            "{ARITH}BigDecimal result over {DECIMAL_MAX_DIGITS} digits"
        ))
    } else {
        Ok(s)
    }
}

/// Java's `checkScale`: a scale past an `int` is an error unless the value is zero.
fn check_scale(d: &Decimal, s: i64) -> Result<i64, String> {
    if i32::try_from(s).is_err() {
        if d.unscaled.is_zero() {
            return Ok(if s > 0 {
                i64::from(i32::MAX)
            } else {
                i64::from(i32::MIN)
            });
        }
        return Err(format!(
            "{ARITH}{}",
            if s > 0 { "Underflow" } else { "Overflow" }
        ));
    }
    Ok(s)
}

/// `setScale(scale, rm)`.
fn set_scale(d: &Decimal, scale: i64, rm: i32) -> Result<Decimal, String> {
    let scale = scale_ok(scale)?;
    let unscaled = match scale.cmp(&d.scale) {
        Ordering::Equal => d.unscaled.clone(),
        Ordering::Greater => &d.unscaled * ten_pow((scale - d.scale) as u64),
        Ordering::Less => round_div(&d.unscaled, &ten_pow((d.scale - scale) as u64), rm)?,
    };
    Decimal { unscaled, scale }.check()
}

/// `divide(divisor, scale, rm)`: the quotient at `scale`, rounded.
fn divide_scaled(a: &Decimal, b: &Decimal, scale: i64, rm: i32) -> Result<Decimal, String> {
    if b.unscaled.is_zero() {
        return Err(format!("{ARITH}/ by zero"));
    }
    let scale = scale_ok(scale)?;
    // a.u·10^-a.s / (b.u·10^-b.s) = q·10^-scale  ⇒  q = a.u·10^(scale - a.s + b.s) / b.u
    let e = scale - a.scale + b.scale;
    let (num, den) = if e >= 0 {
        (&a.unscaled * ten_pow(e as u64), b.unscaled.clone())
    } else {
        (a.unscaled.clone(), &b.unscaled * ten_pow(e.unsigned_abs()))
    };
    Decimal {
        unscaled: round_div(&num, &den, rm)?,
        scale,
    }
    .check()
}

/// `divide(divisor)`: the exact quotient, at the preferred scale
/// `a.scale - b.scale` or the smallest above it that holds it.
fn divide_exact(a: &Decimal, b: &Decimal) -> Result<Decimal, String> {
    if b.unscaled.is_zero() {
        return Err(format!(
            "{ARITH}{}",
            if a.unscaled.is_zero() {
                "Division undefined"
            } else {
                "Division by zero"
            }
        ));
    }
    let preferred = scale_ok(a.scale - b.scale)?;
    if a.unscaled.is_zero() {
        return Ok(Decimal {
            unscaled: BigInt::zero(),
            scale: preferred,
        });
    }
    let g = gcd(a.unscaled.abs(), b.unscaled.abs());
    let mut den = b.unscaled.abs() / &g;
    let twos = den.trailing_zeros().unwrap_or(0);
    den >>= twos as usize;
    let mut fives = 0u64;
    loop {
        let r = &den % 5u32;
        if !r.is_zero() {
            break;
        }
        den /= 5u32;
        fives += 1;
    }
    if !den.is_one() {
        return Err(format!(
            "{ARITH}Non-terminating decimal expansion; no exact representable decimal result."
        ));
    }
    let k = twos.max(fives);
    scale_ok(preferred + k as i64)?;
    Decimal {
        unscaled: &a.unscaled * ten_pow(k) / &b.unscaled,
        scale: preferred + k as i64,
    }
    .check()
}

/// `divideToIntegralValue(divisor)`.
fn divide_integral(a: &Decimal, b: &Decimal) -> Result<Decimal, String> {
    let preferred = scale_ok(a.scale - b.scale)?;
    if b.unscaled.is_zero() {
        return divide_exact(a, b);
    }
    let e = b.scale - a.scale;
    let (num, den) = if e >= 0 {
        (&a.unscaled * ten_pow(e as u64), b.unscaled.clone())
    } else {
        (a.unscaled.clone(), &b.unscaled * ten_pow(e.unsigned_abs()))
    };
    if num.abs() < den.abs() {
        return Ok(Decimal {
            unscaled: BigInt::zero(),
            scale: preferred,
        });
    }
    let q = num / den;
    if preferred > 0 {
        return Decimal {
            unscaled: q * ten_pow(preferred as u64),
            scale: preferred,
        }
        .check();
    }
    let mut unscaled = q;
    let mut scale = 0i64;
    while scale > preferred {
        let r = &unscaled % 10u32;
        if !r.is_zero() {
            break;
        }
        unscaled /= 10u32;
        scale -= 1;
    }
    Decimal { unscaled, scale }.check()
}

/// `longValueExact()`, in the order of Java's checks.
fn long_exact(d: &Decimal) -> Result<i64, String> {
    if d.unscaled.is_zero() {
        return Ok(0);
    }
    if d.scale == 0 {
        if let Some(v) = d.unscaled.to_i64() {
            return Ok(v);
        }
    }
    let int_digits = i64::from(d.precision()) - d.scale;
    if int_digits <= 0 {
        return Err(format!("{ARITH}Rounding necessary"));
    }
    if int_digits > 19 {
        return Err(format!("{ARITH}Overflow"));
    }
    let n = set_scale(d, 0, 7)?;
    n.unscaled
        .to_i64()
        .ok_or_else(|| format!("{ARITH}Overflow"))
}

/// The BigDecimal methods of `d` that `number.rs` leaves (it has the cheap ones).
pub(super) fn decimal_method(d: &Decimal, name: &str, args: &[Value], budget: &Budget) -> MResult {
    if args.iter().any(Value::is_null) {
        if let Some(r) = decimal_null(name, args) {
            return r;
        }
    }
    let work = |o: &Decimal| {
        let w = words(&d.unscaled)
            + words(&o.unscaled)
            + (d.scale.unsigned_abs() + o.scale.unsigned_abs()) / 19;
        charge_products(budget, w * w)
    };
    match (name, args) {
        ("plus", []) => dec(Ok(d.clone())),
        ("ulp", []) => dec(Ok(Decimal {
            unscaled: BigInt::one(),
            scale: d.scale,
        })),
        ("toEngineeringString", []) => {
            let t = d.to_engineering_string();
            charge!(budget.build(t.len()));
            ok(Value::str(&t))
        }
        ("min", [Value::Decimal(o)]) => ok(Value::Decimal(if d.compare(o) != Ordering::Greater {
            Rc::new(d.clone())
        } else {
            o.clone()
        })),
        ("max", [Value::Decimal(o)]) => ok(Value::Decimal(if d.compare(o) != Ordering::Less {
            Rc::new(d.clone())
        } else {
            o.clone()
        })),
        ("setScale", [s]) => {
            let s = int_arg(s)?;
            dec(set_scale(d, i64::from(s), 7))
        }
        ("setScale", [s, m]) => {
            let s = int_arg(s)?;
            let m = charged!(rounding_mode(m)?);
            dec(set_scale(d, i64::from(s), m))
        }
        ("divide", [Value::Decimal(o)]) => {
            charge!(work(o));
            dec(divide_exact(d, o))
        }
        ("divide", [Value::Decimal(o), m]) => {
            let m = charged!(rounding_mode(m)?);
            charge!(work(o));
            dec(divide_scaled(d, o, d.scale, m))
        }
        ("divide", [Value::Decimal(o), s, m]) => {
            let s = int_arg(s)?;
            let m = charged!(rounding_mode(m)?);
            charge!(work(o));
            dec(divide_scaled(d, o, i64::from(s), m))
        }
        ("divideToIntegralValue", [Value::Decimal(o)]) => {
            charge!(work(o));
            dec(divide_integral(d, o))
        }
        ("divideAndRemainder", [Value::Decimal(o)]) => {
            charge!(work(o));
            let r = divide_integral(d, o).and_then(|q| {
                let r = d.sub(&q.mul(o)?)?;
                Ok((q, r))
            });
            match r {
                Ok((q, r)) => {
                    charge!(budget.slots(2));
                    ok(Value::new_array(
                        ArrayOf::BigDecimals,
                        vec![Value::Decimal(Rc::new(q)), Value::Decimal(Rc::new(r))],
                        budget,
                    ))
                }
                Err(e) => err(e),
            }
        }
        ("remainder", [Value::Decimal(o)]) => {
            charge!(work(o));
            dec(divide_integral(d, o).and_then(|q| d.sub(&q.mul(o)?)))
        }
        ("movePointLeft" | "movePointRight" | "scaleByPowerOfTen", [n]) => {
            let n = i64::from(int_arg(n)?);
            if n == 0 && name != "scaleByPowerOfTen" {
                return dec(Ok(d.clone()));
            }
            let s = if name == "movePointLeft" {
                d.scale + n
            } else {
                d.scale - n
            };
            let s = match check_scale(d, s) {
                Ok(s) => s,
                Err(e) => return err(e),
            };
            // A move that leaves a negative scale sets the scale to 0.
            if s < 0 && name != "scaleByPowerOfTen" && d.unscaled.is_zero() {
                return dec(Ok(Decimal {
                    unscaled: BigInt::zero(),
                    scale: 0,
                }));
            }
            let s = match scale_ok(s) {
                Ok(s) => s,
                Err(e) => return err(e),
            };
            let moved = Decimal {
                unscaled: d.unscaled.clone(),
                scale: s,
            };
            if s < 0 && name != "scaleByPowerOfTen" {
                return dec(set_scale(&moved, 0, 7));
            }
            dec(Ok(moved))
        }
        ("pow", [n]) => {
            let n = int_arg(n)?;
            if !(0..=999_999_999).contains(&n) {
                return arith("Invalid operation");
            }
            let s = match check_scale(d, d.scale * i64::from(n)).and_then(scale_ok) {
                Ok(s) => s,
                Err(e) => return err(e),
            };
            let bits = d.unscaled.bits();
            if bits > 1 && (bits - 1) * n as u64 > NUMBER_MAX_BITS {
                return err(over_limit());
            }
            let w = (bits * n as u64) / 64 + 1;
            charge!(charge_products(budget, w * w));
            dec(Ok(Decimal {
                unscaled: num_traits::pow(d.unscaled.clone(), n as usize),
                scale: s,
            }))
        }
        ("toBigIntegerExact", []) => match set_scale(d, 0, 7) {
            Ok(n) => ok(Value::BigInt(Rc::new(n.unscaled))),
            Err(e) => err(e),
        },
        ("longValueExact", []) => match long_exact(d) {
            Ok(v) => ok(Value::Long(v)),
            Err(e) => err(e),
        },
        ("intValueExact" | "shortValueExact" | "byteValueExact", []) => {
            let v = match long_exact(d) {
                Ok(v) => v,
                Err(e) => return err(e),
            };
            let fits = match name {
                "intValueExact" => i32::try_from(v).is_ok(),
                "shortValueExact" => i16::try_from(v).is_ok(),
                _ => i8::try_from(v).is_ok(),
            };
            if !fits {
                return arith("Overflow");
            }
            ok(match name {
                "intValueExact" => Value::Int(v as i32),
                "shortValueExact" => Value::Short(v as i16),
                _ => Value::Byte(v as i8),
            })
        }
        // The static `valueOf(long)`, `valueOf(long, int)` and
        // `valueOf(double)`, through any BigDecimal.
        ("valueOf", [v]) => match v {
            Value::Double(_) | Value::Float(_) => {
                let x = match v {
                    Value::Float(f) => f64::from(*f),
                    Value::Double(x) => *x,
                    _ => return None,
                };
                let t = crate::eval::number::java_double_to_string(x);
                match Decimal::parse_java(&t) {
                    Some(r) => dec(Ok(r)),
                    None => err(format!(
                        "java.lang.NumberFormatException: Character {} is neither a decimal digit number, decimal point, nor \"e\" notation exponential mark.",
                        t.chars().find(|c| !c.is_ascii_digit() && *c != '-').unwrap_or('?')
                    )),
                }
            }
            _ => dec(Ok(Decimal {
                unscaled: BigInt::from(long_arg(v)?),
                scale: 0,
            })),
        },
        ("valueOf", [v, s]) => {
            let v = long_arg(v)?;
            let s = int_arg(s)?;
            dec(Ok(Decimal {
                unscaled: BigInt::from(v),
                scale: i64::from(s),
            }))
        }
        _ => None,
    }
}
