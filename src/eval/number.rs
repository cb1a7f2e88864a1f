//! Java number semantics: `Double.toString`, integer widening.
//!
//! `java_double_to_string` reproduces JDK 17's `Double.toString` digit for digit,
//! including the cases where that (pre JDK 19) algorithm prints one digit more
//! than the shortest round-tripping form (`1.0E23` prints as `9.999999999999999E22`,
//! `2.0E-3` as `0.002`, …). It follows the structure of the classic
//! `FloatingDecimal.dtoa` digit generator: an exact "easy" path for integers that
//! fit in a long, and a Steele & White style digit loop otherwise, with its
//! quirks (a symmetric stopping test, a strict comparison in the int/long paths
//! but a non-strict one in the big-integer path, and at least two digits in
//! E-form). It was checked against JDK 17 on millions of random doubles.

use num_bigint::BigUint;
use num_traits::{ToPrimitive, Zero};

/// ceil(log2(5^i)), approximately, for i in 0..=26.
const N_5_BITS: [i32; 27] = [
    0, 3, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28, 31, 33, 35, 38, 40, 42, 45, 47, 49, 52, 54, 56,
    59, 61,
];

/// insignificantDigits(1 << i).
const INSIGNIFICANT_DIGITS_POW2: [i32; 64] = [
    0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9,
    9, 9, 10, 10, 10, 11, 11, 11, 12, 12, 12, 12, 13, 13, 13, 14, 14, 14, 15, 15, 15, 15, 16, 16,
    16, 17, 17, 17, 18, 18, 18, 19,
];

fn pow5_u64(n: i32) -> u64 {
    5u64.pow(n.clamp(0, 27) as u32)
}

fn insignificant_digits_for_pow2(p2: i32) -> i32 {
    if p2 > 1 && (p2 as usize) < INSIGNIFICANT_DIGITS_POW2.len() {
        INSIGNIFICANT_DIGITS_POW2[p2 as usize]
    } else {
        0
    }
}

/// Decimal digits (ASCII) and the exponent such that value = 0.d1d2d3… × 10^dec_exponent.
struct Digits {
    digits: Vec<u8>,
    dec_exponent: i32,
}

impl Digits {
    fn roundup(&mut self) {
        let mut i = self.digits.len();
        while i > 0 {
            i -= 1;
            if self.digits[i] == b'9' {
                if i == 0 {
                    // carry out: high-order 1, rest 0s (already zeroed), larger exponent.
                    self.digits[0] = b'1';
                    self.dec_exponent += 1;
                    return;
                }
                self.digits[i] = b'0';
            } else {
                self.digits[i] += 1;
                return;
            }
        }
    }
}

fn develop_long_digits(mut dec_exponent: i32, mut lvalue: u64, insignificant: i32) -> Digits {
    if insignificant != 0 {
        let pow10 = pow5_u64(insignificant) << insignificant;
        let residue = lvalue % pow10;
        lvalue /= pow10;
        dec_exponent += insignificant;
        if residue >= (pow10 >> 1) {
            lvalue += 1;
        }
    }
    let s = lvalue.to_string();
    let trimmed = s.trim_end_matches('0');
    Digits {
        digits: trimmed.as_bytes().to_vec(),
        dec_exponent: dec_exponent + s.len() as i32,
    }
}

// The constants are FloatingDecimal's own (not LOG10_2): the estimate must match it.
#[allow(clippy::approx_constant)]
fn estimate_dec_exp(fract_bits: u64, bin_exp: i32) -> i32 {
    const SIGNIF: u64 = (1u64 << 52) - 1;
    const EXP_ONE: u64 = 1023u64 << 52;
    let d2 = f64::from_bits(EXP_ONE | (fract_bits & SIGNIF));
    let d = (d2 - 1.5) * 0.289529654 + 0.176091259 + f64::from(bin_exp) * 0.301029995663981;
    let bits = d.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32 - 1023;
    let negative = bits >> 63 != 0;
    if (0..52).contains(&exponent) {
        let mask = SIGNIF >> exponent;
        let r = (((bits & SIGNIF) | (1u64 << 52)) >> (52 - exponent)) as i32;
        if negative {
            if mask & bits == 0 {
                -r
            } else {
                -r - 1
            }
        } else {
            r
        }
    } else if exponent < 0 {
        if bits & !(1u64 << 63) == 0 || !negative {
            0
        } else {
            -1
        }
    } else {
        d as i32
    }
}

/// The digit loop with `i32` (`wide == false`) or `i64` arithmetic, wrapping as Java does.
fn digit_loop_long(
    b: i64,
    s: i64,
    m: i64,
    wide: bool,
    e_form_forced: &dyn Fn(i32) -> bool,
    dec_exp: &mut i32,
) -> (Vec<u8>, bool, bool, i64) {
    // Emulate Java int arithmetic by truncating to i32 after each operation.
    let norm = |v: i64| if wide { v } else { v as i32 as i64 };
    let mul10 = |v: i64| norm(v.wrapping_mul(10));
    let add = |a: i64, c: i64| norm(a.wrapping_add(c));
    let tens = mul10(s);
    let mut b = b;
    let mut m = m;
    let mut digits = Vec::with_capacity(20);
    let q = b / s;
    b = mul10(b % s);
    m = mul10(m);
    let mut low = b < m;
    let mut high = add(b, m) > tens;
    if q == 0 && !high {
        *dec_exp -= 1;
    } else {
        digits.push(b'0' + q as u8);
    }
    if e_form_forced(*dec_exp) {
        low = false;
        high = false;
    }
    while !low && !high && digits.len() < 40 {
        let q = b / s;
        b = mul10(b % s);
        m = mul10(m);
        if m > 0 {
            low = b < m;
            high = add(b, m) > tens;
        } else {
            low = true;
            high = true;
        }
        digits.push(b'0' + q.clamp(0, 9) as u8);
    }
    let low_diff = norm(norm(b.wrapping_shl(1)).wrapping_sub(tens));
    (digits, low, high, low_diff)
}

fn pow52(p5: i32, p2: i32) -> BigUint {
    let mut v = BigUint::from(5u32).pow(p5.max(0) as u32);
    v <<= p2.max(0) as usize;
    v
}

fn dtoa(bin_exp: i32, fract_bits: u64, n_significant_bits: i32) -> Digits {
    let tail_zeros = fract_bits.trailing_zeros() as i32;
    let n_fract_bits = 53 - tail_zeros;
    let n_tiny_bits = (n_fract_bits - bin_exp - 1).max(0);
    if (-21..=62).contains(&bin_exp)
        && n_tiny_bits < 27
        && n_fract_bits + N_5_BITS[n_tiny_bits as usize] < 64
        && n_tiny_bits == 0
    {
        let insignificant = if bin_exp > n_significant_bits {
            insignificant_digits_for_pow2(bin_exp - n_significant_bits - 1)
        } else {
            0
        };
        let v = if bin_exp >= 52 {
            fract_bits << (bin_exp - 52)
        } else {
            fract_bits >> (52 - bin_exp)
        };
        return develop_long_digits(0, v, insignificant);
    }
    let mut dec_exp = estimate_dec_exp(fract_bits, bin_exp);
    let b5 = (-dec_exp).max(0);
    let mut b2 = b5 + n_tiny_bits + bin_exp;
    let s5 = dec_exp.max(0);
    let mut s2 = s5 + n_tiny_bits;
    let m5 = b5;
    let mut m2 = b2 - n_significant_bits;
    let fract = fract_bits >> tail_zeros;
    b2 -= n_fract_bits - 1;
    let common2 = b2.min(s2);
    b2 -= common2;
    s2 -= common2;
    m2 -= common2;
    if n_fract_bits == 1 {
        m2 -= 1;
    }
    if m2 < 0 {
        b2 -= m2;
        s2 -= m2;
        m2 = 0;
    }
    let n5 = |i: i32| {
        if (i as usize) < N_5_BITS.len() {
            N_5_BITS[i as usize]
        } else {
            i * 3
        }
    };
    let b_bits = n_fract_bits + b2 + n5(b5);
    let ten_s_bits = s2 + 1 + n5(s5 + 1);
    let e_form_forced = |e: i32| !(-3..8).contains(&e);

    let (digits, low, high, low_diff) = if b_bits < 64 && ten_s_bits < 64 {
        let wide = !(b_bits < 32 && ten_s_bits < 32);
        let b = ((fract as i64).wrapping_mul(pow5_u64(b5) as i64)).wrapping_shl(b2 as u32);
        let s = (pow5_u64(s5) as i64).wrapping_shl(s2 as u32);
        let m = (pow5_u64(m5) as i64).wrapping_shl(m2 as u32);
        let (b, s, m) = if wide {
            (b, s, m)
        } else {
            (b as i32 as i64, s as i32 as i64, m as i32 as i64)
        };
        if s <= 0 {
            // Cannot happen for finite doubles; keep the function total.
            return Digits {
                digits: b"0".to_vec(),
                dec_exponent: 0,
            };
        }
        digit_loop_long(b, s, m, wide, &e_form_forced, &mut dec_exp)
    } else {
        let s = pow52(s5, s2);
        let mut b = BigUint::from(fract) * pow52(b5, b2);
        let mut m = pow52(m5, m2) * 10u32;
        let ten_s = &s * 10u32;
        let mut digits = Vec::with_capacity(20);
        let q = (&b / &s).to_u32().unwrap_or(0);
        b = (&b % &s) * 10u32;
        let mut low = b < m;
        let mut high = &b + &m >= ten_s;
        if q == 0 && !high {
            dec_exp -= 1;
        } else {
            digits.push(b'0' + q.min(9) as u8);
        }
        if e_form_forced(dec_exp) {
            low = false;
            high = false;
        }
        while !low && !high && digits.len() < 40 {
            let q = (&b / &s).to_u32().unwrap_or(0);
            b = (&b % &s) * 10u32;
            m *= 10u32;
            low = b < m;
            high = &b + &m >= ten_s;
            digits.push(b'0' + q.min(9) as u8);
        }
        let diff = if high && low {
            let b2x = &b << 1usize;
            match b2x.cmp(&ten_s) {
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Equal => 0,
                std::cmp::Ordering::Greater => 1,
            }
        } else {
            0
        };
        let _ = b.is_zero();
        (digits, low, high, diff)
    };
    let mut out = Digits {
        digits,
        dec_exponent: dec_exp + 1,
    };
    if out.digits.is_empty() {
        out.digits.push(b'0');
    }
    if high {
        if low {
            if low_diff == 0 {
                if out.digits.last().is_some_and(|d| d & 1 != 0) {
                    out.roundup();
                }
            } else if low_diff > 0 {
                out.roundup();
            }
        } else {
            out.roundup();
        }
    }
    out
}

/// Java's `Double.toString(d)` (JDK 17).
pub fn java_double_to_string(d: f64) -> String {
    let mut s = String::with_capacity(24);
    write_java_double(d, &mut s);
    s
}

/// Appends Java's `Double.toString(d)` (JDK 17) to `out`.
pub fn write_java_double(d: f64, out: &mut String) {
    if !d.is_finite() {
        return write_not_finite(d.is_nan(), d > 0.0, out);
    }
    let bits = d.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    write_finite(bits >> 63 != 0, bits & ((1 << 52) - 1), exp, 52, 1023, out);
}

/// Java's `Float.toString(f)` (JDK 17).
pub fn java_float_to_string(f: f32) -> String {
    let mut s = String::with_capacity(16);
    write_java_float(f, &mut s);
    s
}

/// Appends Java's `Float.toString(f)` (JDK 17) to `out`: the digit
/// generator of [`write_java_double`], handed the float's significand in a
/// double's layout and its own count of significant bits, as
/// `FloatingDecimal` does.
pub fn write_java_float(f: f32, out: &mut String) {
    if !f.is_finite() {
        return write_not_finite(f.is_nan(), f > 0.0, out);
    }
    let bits = f.to_bits();
    let exp = ((bits >> 23) & 0xff) as i32;
    write_finite(
        bits >> 31 != 0,
        u64::from(bits & ((1 << 23) - 1)),
        exp,
        23,
        127,
        out,
    );
}

fn write_not_finite(nan: bool, positive: bool, out: &mut String) {
    out.push_str(match (nan, positive) {
        (true, _) => "NaN",
        (false, true) => "Infinity",
        (false, false) => "-Infinity",
    });
}

/// `FloatingDecimal`'s text of a finite binary floating-point value: its
/// sign, the `width` stored bits of its fraction, its stored exponent `exp`
/// (0 for a subnormal) and the exponent's `bias`.
fn write_finite(negative: bool, fraction: u64, exp: i32, width: u32, bias: i32, out: &mut String) {
    if negative {
        out.push('-');
    }
    let (fract_bits, bin_exp, n_significant_bits) = if exp != 0 {
        (fraction | 1 << width, exp, width as i32 + 1)
    } else if fraction == 0 {
        out.push_str("0.0");
        return;
    } else {
        // A subnormal, its top bit moved to where a normal one's is.
        let leading = fraction.leading_zeros() as i32;
        let shift = leading - (63 - width as i32);
        (fraction << shift, 1 - shift, 64 - leading)
    };
    let digits = dtoa(
        bin_exp - bias,
        fract_bits << (52 - width),
        n_significant_bits,
    );
    format_digits(&digits, out);
}

fn format_digits(d: &Digits, out: &mut String) {
    let digits = &d.digits;
    let n = digits.len() as i32;
    let e = d.dec_exponent;
    let push = |out: &mut String, s: &[u8]| {
        for &c in s {
            out.push(c as char);
        }
    };
    if e > 0 && e < 8 {
        let char_len = n.min(e);
        push(out, &digits[..char_len as usize]);
        if char_len < e {
            for _ in 0..(e - char_len) {
                out.push('0');
            }
            out.push_str(".0");
        } else {
            out.push('.');
            if char_len < n {
                push(out, &digits[char_len as usize..]);
            } else {
                out.push('0');
            }
        }
    } else if e <= 0 && e > -3 {
        out.push_str("0.");
        for _ in 0..(-e) {
            out.push('0');
        }
        push(out, digits);
    } else {
        push(out, &digits[..1]);
        out.push('.');
        if n > 1 {
            push(out, &digits[1..]);
        } else {
            out.push('0');
        }
        out.push('E');
        let exp = if e <= 0 {
            out.push('-');
            -e + 1
        } else {
            e - 1
        };
        out.push_str(&exp.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_values() {
        // expected: JDK 17 Double.toString (oracle's JVM)
        let cases: &[(f64, &str)] = &[
            (3.5, "3.5"),
            (1000.0, "1000.0"),
            (1.0e7, "1.0E7"),
            (1.0e-5, "1.0E-5"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (1.2345678e8, "1.2345678E8"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1.0e23, "9.999999999999999E22"),
            (2.0e-3, "0.002"),
            (0.001, "0.001"),
            (1.0e-4, "1.0E-4"),
            (9999999.0, "9999999.0"),
            (f64::MAX, "1.7976931348623157E308"),
            (f64::MIN_POSITIVE, "2.2250738585072014E-308"),
            (5e-324, "4.9E-324"),
            (100.0 / 3.0, "33.333333333333336"),
            (2.0f64.powi(63), "9.223372036854776E18"),
            (123456789012.0, "1.23456789012E11"),
        ];
        for (d, s) in cases {
            assert_eq!(java_double_to_string(*d), *s, "{d:e}");
        }
    }

    #[test]
    fn float_known_values() {
        // expected: oracle (JDK 17 Float.toString)
        let cases: &[(f32, &str)] = &[
            (26.22, "26.22"),
            (123_456_789.0, "1.23456792E8"),
            (1.0e10, "1.0E10"),
            (0.1, "0.1"),
            (687.48834, "687.48834"),
            (1.2199993, "1.2199993"),
            (-0.0, "-0.0"),
            (f32::from_bits(1), "1.4E-45"),
            (f32::MAX, "3.4028235E38"),
            (f32::NAN, "NaN"),
            (f32::NEG_INFINITY, "-Infinity"),
        ];
        for (f, s) in cases {
            assert_eq!(java_float_to_string(*f), *s, "{f:e}");
        }
    }

    proptest! {
        #[test]
        fn floats_never_panic_and_round_trip(bits in any::<u32>()) {
            let f = f32::from_bits(bits);
            let s = java_float_to_string(f);
            if f.is_finite() {
                let parsed: f32 = s.replace('E', "e").parse().unwrap_or(f32::NAN);
                prop_assert_eq!(parsed.to_bits(), f.to_bits(), "{}", s);
            }
        }

        #[test]
        fn never_panics_and_round_trips(bits in any::<u64>()) {
            let d = f64::from_bits(bits);
            let s = java_double_to_string(d);
            if d.is_finite() {
                let parsed: f64 = s.replace('E', "e").parse().unwrap_or(f64::NAN);
                prop_assert_eq!(parsed.to_bits(), d.to_bits(), "{}", s);
            }
        }
    }
}

/// `java.math.BigDecimal`: `unscaled × 10^-scale`. Velocity 1.7 computes in it when a
/// BigInteger meets a Double (or a BigDecimal meets anything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    pub unscaled: num_bigint::BigInt,
    pub scale: i64,
}

/// The most digits (of the unscaled value, or of the scale) a BigDecimal result may
/// have; past it the operation is an error rather than a slow, huge number.
/// An engine limit, not Java's: a 1000-step loop of multiplications stops here
/// within milliseconds instead of growing without bound.
pub const DECIMAL_MAX_DIGITS: u64 = 10_000;

/// [`DECIMAL_MAX_DIGITS`] in bits (10^10000 < 2^33220): the most bits a BigInteger
/// or a BigDecimal's unscaled value may have as an arithmetic result.
pub const NUMBER_MAX_BITS: u64 = 33_220;

/// A BigInteger arithmetic result, or the error past [`NUMBER_MAX_BITS`].
pub fn check_bigint(b: num_bigint::BigInt) -> Result<num_bigint::BigInt, String> {
    if b.bits() > NUMBER_MAX_BITS {
        return Err(format!(
            "java.lang.ArithmeticException: BigInteger result over {DECIMAL_MAX_DIGITS} digits"
        ));
    }
    Ok(b)
}

impl Decimal {
    pub fn from_bigint(b: &num_bigint::BigInt) -> Decimal {
        Decimal {
            unscaled: b.clone(),
            scale: 0,
        }
    }

    /// `new BigDecimal(double)`: the exact binary value, at the smallest scale that holds it.
    pub fn from_f64(d: f64) -> Result<Decimal, String> {
        use num_bigint::BigInt;
        if !d.is_finite() {
            return Err("java.lang.NumberFormatException: Infinite or NaN".into());
        }
        if d == 0.0 {
            return Ok(Decimal {
                unscaled: BigInt::from(0),
                scale: 0,
            });
        }
        let bits = d.to_bits();
        let negative = bits >> 63 == 1;
        let exp_bits = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1u64 << 52) - 1);
        let (mut mantissa, mut exp) = if exp_bits == 0 {
            (frac, -1074)
        } else {
            (frac | (1u64 << 52), exp_bits - 1075)
        };
        let tz = mantissa.trailing_zeros();
        mantissa >>= tz;
        exp += i64::from(tz);
        let mut unscaled = BigInt::from(mantissa);
        let scale = if exp >= 0 {
            unscaled <<= exp as usize;
            0
        } else {
            unscaled *= num_traits::pow(BigInt::from(5), (-exp) as usize);
            -exp
        };
        if negative {
            unscaled = -unscaled;
        }
        Ok(Decimal { unscaled, scale })
    }

    /// This value, or the error past the engine's digit limit.
    pub fn check(self) -> Result<Decimal, String> {
        if self.unscaled.bits() > NUMBER_MAX_BITS || self.scale.unsigned_abs() > DECIMAL_MAX_DIGITS
        {
            return Err(format!(
                "java.lang.ArithmeticException: BigDecimal result over {DECIMAL_MAX_DIGITS} digits"
            ));
        }
        Ok(self)
    }

    /// Both unscaled values at the larger scale.
    fn aligned(&self, other: &Decimal) -> (num_bigint::BigInt, num_bigint::BigInt, i64) {
        use num_bigint::BigInt;
        let s = self.scale.max(other.scale);
        let up = |d: &Decimal| {
            let k = (s - d.scale) as usize;
            &d.unscaled * num_traits::pow(BigInt::from(10), k)
        };
        (up(self), up(other), s)
    }

    pub fn add(&self, other: &Decimal) -> Result<Decimal, String> {
        let (a, b, scale) = self.aligned(other);
        Decimal {
            unscaled: a + b,
            scale,
        }
        .check()
    }

    pub fn sub(&self, other: &Decimal) -> Result<Decimal, String> {
        let (a, b, scale) = self.aligned(other);
        Decimal {
            unscaled: a - b,
            scale,
        }
        .check()
    }

    pub fn mul(&self, other: &Decimal) -> Result<Decimal, String> {
        Decimal {
            unscaled: &self.unscaled * &other.unscaled,
            scale: self.scale + other.scale,
        }
        .check()
    }

    /// `divide(other, ROUND_HALF_DOWN)`: the quotient at this value's scale,
    /// rounded to nearest, ties toward zero. `None` when `other` is zero.
    pub fn div(&self, other: &Decimal) -> Result<Option<Decimal>, String> {
        use num_bigint::{BigInt, Sign};
        use num_traits::{Signed, Zero};
        if other.unscaled.is_zero() {
            return Ok(None);
        }
        // self.u·10^-s1 / (o.u·10^-s2) at scale s1 = self.u·10^s2 / o.u.
        if other.scale.unsigned_abs() > DECIMAL_MAX_DIGITS {
            return Err("java.lang.ArithmeticException: BigDecimal scale too large".into());
        }
        let (num, den) = if other.scale >= 0 {
            (
                &self.unscaled * num_traits::pow(BigInt::from(10), other.scale as usize),
                other.unscaled.clone(),
            )
        } else {
            (
                self.unscaled.clone(),
                &other.unscaled * num_traits::pow(BigInt::from(10), (-other.scale) as usize),
            )
        };
        let q = &num / &den;
        let r = &num % &den;
        let twice = r.abs() * 2;
        let mut q = q;
        if twice > den.abs() {
            let negative = (num.sign() == Sign::Minus) != (den.sign() == Sign::Minus);
            q += if negative { -1 } else { 1 };
        }
        Ok(Some(
            Decimal {
                unscaled: q,
                scale: self.scale,
            }
            .check()?,
        ))
    }

    pub fn compare(&self, other: &Decimal) -> std::cmp::Ordering {
        let (a, b, _) = self.aligned(other);
        a.cmp(&b)
    }

    /// `new BigDecimal(String)` for what [`Decimal::to_java_string`] writes
    /// (`-12.50`, `8.1E-21`, `1E+3`). `None` for anything else.
    pub fn parse_java(s: &str) -> Option<Decimal> {
        let (mantissa, exp) = match s.find(['E', 'e']) {
            Some(i) => (s.get(..i)?, s.get(i + 1..)?.parse::<i64>().ok()?),
            None => (s, 0),
        };
        let (int_part, frac) = match mantissa.split_once('.') {
            Some((a, b)) => (a, b),
            None => (mantissa, ""),
        };
        let digits = int_part.trim_start_matches(['-', '+']);
        if digits.is_empty()
            || int_part.len() - digits.len() > 1
            || !digits
                .bytes()
                .chain(frac.bytes())
                .all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let unscaled: num_bigint::BigInt = format!("{int_part}{frac}").parse().ok()?;
        let scale = (frac.len() as i64).checked_sub(exp)?;
        Some(Decimal { unscaled, scale }).filter(|d| d.scale.unsigned_abs() <= DECIMAL_MAX_DIGITS)
    }

    /// `toBigInteger()`: the integer part (truncated toward zero).
    pub fn to_bigint(&self) -> num_bigint::BigInt {
        let ten_pow =
            |k: i64| num_traits::pow(num_bigint::BigInt::from(10), k.unsigned_abs() as usize);
        if self.scale <= 0 {
            &self.unscaled * ten_pow(self.scale)
        } else {
            // num-bigint's `/` truncates toward zero, as BigInteger.divide does.
            &self.unscaled / ten_pow(self.scale)
        }
    }

    /// `longValue()`: the low 64 bits of the integer part.
    pub fn long_value(&self) -> i64 {
        bigint_low_i64(&self.to_bigint())
    }

    /// `intValue()`: the low 32 bits of the integer part.
    pub fn int_value(&self) -> i32 {
        self.long_value() as i32
    }

    /// `doubleValue()`: the nearest double (JDK 17 parses `toString()`), ±Infinity past range.
    pub fn to_f64(&self) -> f64 {
        self.to_java_string().parse::<f64>().unwrap_or(f64::NAN)
    }

    /// `floatValue()`: the nearest float (JDK 17 parses `toString()`), ±Infinity past range.
    pub fn to_f32(&self) -> f32 {
        self.to_java_string().parse::<f32>().unwrap_or(f32::NAN)
    }

    /// `stripTrailingZeros()`: the same value at the smallest scale (may be negative:
    /// `100` becomes `1E+2`); zero becomes `0`.
    pub fn strip_trailing_zeros(&self) -> Decimal {
        use num_bigint::BigInt;
        if self.unscaled.is_zero() {
            return Decimal {
                unscaled: BigInt::from(0),
                scale: 0,
            };
        }
        let ten = BigInt::from(10);
        let mut unscaled = self.unscaled.clone();
        let mut scale = self.scale;
        loop {
            let r = &unscaled % &ten;
            if !r.is_zero() {
                break;
            }
            unscaled /= &ten;
            scale -= 1;
        }
        Decimal { unscaled, scale }
    }

    /// `signum()`.
    pub fn signum(&self) -> i32 {
        use num_bigint::Sign;
        match self.unscaled.sign() {
            Sign::Minus => -1,
            Sign::NoSign => 0,
            Sign::Plus => 1,
        }
    }

    /// `precision()`: digits of the unscaled value (1 for zero).
    pub fn precision(&self) -> i32 {
        use num_traits::Signed;
        self.unscaled.abs().to_string().len() as i32
    }

    /// `toPlainString()`: no exponent.
    pub fn to_plain_string(&self) -> String {
        use num_traits::Signed;
        let digits = self.unscaled.abs().to_string();
        let mut out = String::new();
        if self.unscaled.is_negative() {
            out.push('-');
        }
        let len = digits.len() as i64;
        if self.scale <= 0 {
            out.push_str(&digits);
            if !self.unscaled.is_zero() {
                out.push_str(&"0".repeat(self.scale.unsigned_abs() as usize));
            }
        } else if len > self.scale {
            let cut = (len - self.scale) as usize;
            out.push_str(digits.get(..cut).unwrap_or(""));
            out.push('.');
            out.push_str(digits.get(cut..).unwrap_or(""));
        } else {
            out.push_str("0.");
            out.push_str(&"0".repeat((self.scale - len) as usize));
            out.push_str(&digits);
        }
        out
    }

    /// Java's `BigDecimal.toEngineeringString()`: as `toString()`, but an
    /// exponent is a multiple of three.
    pub fn to_engineering_string(&self) -> String {
        use num_traits::Signed;
        let digits = self.unscaled.abs().to_string();
        let len = digits.len() as i64;
        let mut adjusted = -self.scale + (len - 1);
        if self.scale == 0 || (self.scale > 0 && adjusted >= -6) {
            return self.to_java_string();
        }
        let mut out = String::new();
        if self.unscaled.is_negative() {
            out.push('-');
        }
        let mut sig = adjusted.rem_euclid(3);
        adjusted -= sig;
        sig += 1;
        if self.unscaled.is_zero() {
            match sig {
                2 => {
                    out.push_str("0.00");
                    adjusted += 3;
                }
                3 => {
                    out.push_str("0.0");
                    adjusted += 3;
                }
                _ => out.push('0'),
            }
        } else if sig >= len {
            out.push_str(&digits);
            for _ in 0..(sig - len) {
                out.push('0');
            }
        } else {
            let cut = sig as usize;
            out.push_str(digits.get(..cut).unwrap_or(""));
            out.push('.');
            out.push_str(digits.get(cut..).unwrap_or(""));
        }
        if adjusted != 0 {
            out.push('E');
            if adjusted > 0 {
                out.push('+');
            }
            out.push_str(&adjusted.to_string());
        }
        out
    }

    /// Java's `BigDecimal.toString()` (scientific notation when the exponent is small).
    pub fn to_java_string(&self) -> String {
        use num_traits::Signed;
        let digits = self.unscaled.abs().to_string();
        let len = digits.len() as i64;
        let adjusted = -self.scale + (len - 1);
        let mut out = String::new();
        if self.unscaled.is_negative() {
            out.push('-');
        }
        if self.scale >= 0 && adjusted >= -6 {
            if self.scale == 0 {
                out.push_str(&digits);
            } else if len > self.scale {
                let cut = (len - self.scale) as usize;
                out.push_str(digits.get(..cut).unwrap_or(""));
                out.push('.');
                out.push_str(digits.get(cut..).unwrap_or(""));
            } else {
                out.push_str("0.");
                for _ in 0..(self.scale - len) {
                    out.push('0');
                }
                out.push_str(&digits);
            }
        } else {
            out.push_str(digits.get(..1).unwrap_or("0"));
            if len > 1 {
                out.push('.');
                out.push_str(digits.get(1..).unwrap_or(""));
            }
            out.push('E');
            if adjusted >= 0 {
                out.push('+');
            }
            out.push_str(&adjusted.to_string());
        }
        out
    }
}

/// `BigInteger.longValue()`: the low 64 bits, two's complement.
pub fn bigint_low_i64(b: &num_bigint::BigInt) -> i64 {
    let (sign, digits) = b.to_u64_digits();
    let low = digits.first().copied().unwrap_or(0) as i64;
    if sign == num_bigint::Sign::Minus {
        low.wrapping_neg()
    } else {
        low
    }
}

#[cfg(test)]
mod decimal_tests {
    use super::*;
    use num_bigint::BigInt;

    fn bi(s: &str) -> Decimal {
        Decimal::from_bigint(&s.parse::<BigInt>().unwrap_or_default())
    }

    fn f(d: f64) -> Decimal {
        Decimal::from_f64(d).unwrap_or_else(|e| panic!("{e}"))
    }

    fn b_plus_half() -> Decimal {
        bi("12345678901234567890")
            .add(&f(0.5))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn from_double_is_exact() {
        // expected: JDK 17 `new BigDecimal(double).toString()`
        assert_eq!(
            f(0.1).to_java_string(),
            "0.1000000000000000055511151231257827021181583404541015625"
        );
        assert_eq!(f(100.0).to_java_string(), "100");
        assert_eq!(f(-2.5).to_java_string(), "-2.5");
        assert_eq!(f(0.0).to_java_string(), "0");
        assert!(Decimal::from_f64(f64::NAN).is_err());
        assert!(Decimal::from_f64(f64::NEG_INFINITY).is_err());
    }

    #[test]
    fn divide_half_down_at_dividend_scale() {
        // expected: oracle
        let q = |a: &Decimal, b: &Decimal| match a.div(b) {
            Ok(Some(d)) => d.to_java_string(),
            Ok(None) => "null".into(),
            Err(e) => e,
        };
        let b = bi("12345678901234567890");
        assert_eq!(q(&f(0.1), &b), "8.1000000729000011131113350575294154E-21");
        let x = b_plus_half();
        assert_eq!(q(&x, &f(2.0)), "6172839450617283945.2");
        assert_eq!(q(&x, &f(-2.0)), "-6172839450617283945.2");
        assert_eq!(q(&x, &f(1.5)), "8230452600823045260.3");
        assert_eq!(q(&f(2.5), &b), "0.0");
        assert_eq!(q(&x, &f(0.0)), "null");
    }

    #[test]
    fn conversions_and_strings() {
        // expected: oracle
        let x = b_plus_half();
        assert_eq!(x.int_value(), -350287150);
        assert_eq!(x.long_value(), -6101065172474983726);
        assert_eq!(java_double_to_string(x.to_f64()), "1.2345678901234567E19");
        assert_eq!((x.signum(), x.precision(), x.scale), (1, 21, 1));
        assert_eq!(x.to_bigint().to_string(), "12345678901234567890");
        let tiny = f(0.1)
            .div(&bi("12345678901234567890"))
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("no quotient"));
        assert_eq!(
            tiny.to_plain_string(),
            "0.0000000000000000000081000000729000011131113350575294154"
        );
        let big = bi("12345678901234567890")
            .mul(&f(1.0e7))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            big.strip_trailing_zeros().to_java_string(),
            "1.234567890123456789E+26"
        );
        let hundred = bi("12345678901234567890")
            .mul(&f(100.0))
            .unwrap_or_else(|e| panic!("{e}"));
        let stripped = hundred.strip_trailing_zeros();
        assert_eq!(stripped.to_plain_string(), "1234567890123456789000");
        assert_eq!(stripped.scale, -3);
    }

    #[test]
    fn parse_java_round_trips() {
        for s in [
            "0",
            "-12.50",
            "8.1000000729000011131113350575294154E-21",
            "1.234567890123456789E+26",
            "0.000001",
            "12345678901234567890.5",
        ] {
            let d = Decimal::parse_java(s).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(d.to_java_string(), s);
        }
        for s in [
            "",
            "-",
            "1.2.3",
            "abc",
            "1E",
            "--1",
            "1e99999999999999999999",
        ] {
            assert!(Decimal::parse_java(s).is_none(), "{s}");
        }
    }

    #[test]
    fn results_are_bounded() {
        // Repeated multiplication stops at the engine limit instead of growing on.
        let mut x = b_plus_half();
        let step = f(1.1);
        let mut failed = false;
        for _ in 0..1000 {
            match x.mul(&step) {
                Ok(d) => x = d,
                Err(e) => {
                    assert!(e.contains("over 10000 digits"), "{e}");
                    failed = true;
                    break;
                }
            }
        }
        assert!(failed);
        let mut b = "12345678901234567890".parse::<BigInt>().unwrap_or_default();
        let mut failed = false;
        for _ in 0..40 {
            match check_bigint(&b * &b) {
                Ok(v) => b = v,
                Err(_) => {
                    failed = true;
                    break;
                }
            }
        }
        assert!(failed);
    }
}
