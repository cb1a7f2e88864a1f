//! Java's parsing of numbers from text (JDK 17): `Integer.parseInt`,
//! `Long.parseLong`, `decode`, `parseUnsignedInt`, `Double.parseDouble`, and
//! the digit rule they share (`Character.digit`). Errors are the text of the
//! exception Java throws (`java.lang.NumberFormatException: …`).

/// The first code point of each run of ten Unicode decimal digits
/// (`Character.getType` is `DECIMAL_DIGIT_NUMBER`) below U+10000, as JDK 17
/// (Unicode 13) has them. `Character.digit(char, radix)` reads any of them,
/// so `Integer.parseInt("١٢٣")` is 123. Taken from the JDK by listing every
/// `c` with `Character.digit(c, 10) == 0`.
const DIGIT_ZEROS: [u32; 37] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
];

/// `Character.digit(ch, radix)` for a UTF-16 unit (`radix` in 2..=36): a
/// decimal digit of any script, or a Latin letter (ASCII or full-width) for
/// the values from 10.
pub fn digit(ch: u16, radix: u32) -> Option<u32> {
    let c = u32::from(ch);
    let value = match c {
        0x41..=0x5A => c - 0x41 + 10,
        0x61..=0x7A => c - 0x61 + 10,
        0xFF21..=0xFF3A => c - 0xFF21 + 10,
        0xFF41..=0xFF5A => c - 0xFF41 + 10,
        _ => {
            let i = DIGIT_ZEROS.partition_point(|&z| z <= c);
            let zero = *DIGIT_ZEROS.get(i.checked_sub(1)?)?;
            let d = c - zero;
            if d >= 10 {
                return None;
            }
            d
        }
    };
    (value < radix).then_some(value)
}

fn nfe(message: &str) -> String {
    format!("java.lang.NumberFormatException: {message}")
}

/// `NumberFormatException.forInputString(s, radix)`.
fn for_input(s: &str, radix: i64) -> String {
    if radix == 10 {
        nfe(&format!("For input string: \"{s}\""))
    } else {
        nfe(&format!("For input string: \"{s}\" under radix {radix}"))
    }
}

const NULL_STRING: &str = "java.lang.NumberFormatException: Cannot parse null string";

/// The radix checks of `parseInt` / `parseLong`.
fn check_radix(radix: i32) -> Result<u32, String> {
    if radix < 2 {
        Err(nfe(&format!("radix {radix} less than Character.MIN_RADIX")))
    } else if radix > 36 {
        Err(nfe(&format!(
            "radix {radix} greater than Character.MAX_RADIX"
        )))
    } else {
        Ok(radix.unsigned_abs())
    }
}

/// The signed integer `s` in `radix`, when it lies in `min..=max`, as
/// `Integer.parseInt` / `Long.parseLong` read it: an optional `+` or `-`,
/// then at least one digit ([`digit`]), nothing else.
fn parse_signed(s: Option<&str>, radix: i32, min: i128, max: i128) -> Result<i128, String> {
    let s = s.ok_or_else(|| NULL_STRING.to_string())?;
    let radix = check_radix(radix)?;
    let fail = || for_input(s, radix.into());
    let mut units = s.encode_utf16().peekable();
    let negative = match units.peek() {
        Some(&u) if u == u16::from(b'-') => true,
        Some(&u) if u == u16::from(b'+') => false,
        Some(_) => false,
        None => return Err(fail()),
    };
    if s.starts_with(['-', '+']) {
        units.next();
        if units.peek().is_none() {
            return Err(fail());
        }
    }
    let limit = if negative { -min } else { max };
    let mut v: i128 = 0;
    for u in units {
        let d = digit(u, radix).ok_or_else(fail)?;
        v = v * i128::from(radix) + i128::from(d);
        if v > limit {
            return Err(fail());
        }
    }
    Ok(if negative { -v } else { v })
}

/// `Integer.parseInt(s, radix)` (`s` null: `None`).
pub fn parse_int(s: Option<&str>, radix: i32) -> Result<i32, String> {
    parse_signed(s, radix, i32::MIN.into(), i32::MAX.into()).map(|v| v as i32)
}

/// `Long.parseLong(s, radix)` (`s` null: `None`).
pub fn parse_long(s: Option<&str>, radix: i32) -> Result<i64, String> {
    parse_signed(s, radix, i64::MIN.into(), i64::MAX.into()).map(|v| v as i64)
}

/// `Integer.parseUnsignedInt(s, radix)`.
pub fn parse_unsigned_int(s: Option<&str>, radix: i32) -> Result<i32, String> {
    let t = s.ok_or_else(|| NULL_STRING.to_string())?;
    if t.is_empty() {
        // (Before the radix is checked.)
        return Err(for_input(t, radix.into()));
    }
    if t.starts_with('-') {
        return Err(nfe(&format!(
            "Illegal leading minus sign on unsigned string {t}."
        )));
    }
    let len = t.encode_utf16().count();
    if len <= 5 || (radix == 10 && len <= 9) {
        return parse_int(s, radix);
    }
    let v = parse_long(s, radix)?;
    if v >> 32 == 0 {
        Ok(v as i32)
    } else {
        Err(nfe(&format!(
            "String value {t} exceeds range of unsigned int."
        )))
    }
}

/// `Long.parseUnsignedLong(s, radix)`: up to 12 units (18 in base 10)
/// `Long.parseLong`'s; longer, all but the last digit read as a `long`
/// (`parseLong(CharSequence, begin, end, radix)`, with its messages), then
/// the last digit, with Java's overflow test.
pub fn parse_unsigned_long(s: Option<&str>, radix: i32) -> Result<i64, String> {
    let t = s.ok_or_else(|| NULL_STRING.to_string())?;
    let units: Vec<u16> = t.encode_utf16().collect();
    let Some(&first) = units.first() else {
        return Err(for_input(t, radix.into()));
    };
    if first == u16::from(b'-') {
        return Err(nfe(&format!(
            "Illegal leading minus sign on unsigned string {t}."
        )));
    }
    let len = units.len();
    if len <= 12 || (radix == 10 && len <= 18) {
        return parse_long(s, radix);
    }
    let radix = check_radix(radix)?;
    let head = units.get(..len - 1).unwrap_or(&[]);
    let head_text = || String::from_utf16_lossy(head);
    let at = |i: usize| nfe(&format!("Error at index {i} in: \"{}\"", head_text()));
    // `parseLong` of the head, accumulating negatively as Java does (its
    // first unit is no `-`).
    let digits_from = match head.first() {
        Some(&c) if c == u16::from(b'+') => 1,
        Some(&c) if c < u16::from(b'0') => return Err(at(0)),
        _ => 0,
    };
    if digits_from >= head.len() {
        return Err(at(digits_from));
    }
    let limit = -i64::MAX;
    let r = i64::from(radix);
    let multmin = limit / r;
    let mut acc: i64 = 0;
    for (i, &c) in head.iter().enumerate().skip(digits_from) {
        let d = digit(c, radix).map(i64::from);
        let Some(d) = d.filter(|_| acc >= multmin) else {
            return Err(at(i));
        };
        acc *= r;
        if acc < limit + d {
            return Err(at(i));
        }
        acc -= d;
    }
    let head_value = -acc;
    let Some(last) = units.last().and_then(|&c| digit(c, radix)) else {
        return Err(nfe(&format!("Bad digit at end of {t}")));
    };
    let result = head_value.wrapping_mul(r).wrapping_add(i64::from(last));
    let guard = r * ((head_value as u64) >> 57) as i64;
    if guard >= 128 || (result >= 0 && guard >= 128 - 36) {
        return Err(nfe(&format!(
            "String value {t} exceeds range of unsigned long."
        )));
    }
    Ok(result)
}

/// `Integer.decode(s)` / `Long.decode(s)`: a sign, then `0x`, `0X` or `#`
/// for hexadecimal, a leading `0` for octal, else decimal. `long`: `Long`'s.
pub fn decode(s: Option<&str>, long: bool) -> Result<i64, String> {
    let Some(s) = s else {
        return Err(
            "java.lang.NullPointerException: Cannot invoke \"String.isEmpty()\" because \"nm\" is null"
                .into(),
        );
    };
    if s.is_empty() {
        return Err(nfe("Zero length string"));
    }
    let negative = s.starts_with('-');
    let mut rest = s.strip_prefix(['-', '+']).unwrap_or(s);
    let mut radix = 10;
    if let Some(r) = rest.strip_prefix("0x").or_else(|| rest.strip_prefix("0X")) {
        rest = r;
        radix = 16;
    } else if let Some(r) = rest.strip_prefix('#') {
        rest = r;
        radix = 16;
    } else if let Some(r) = rest.strip_prefix('0').filter(|r| !r.is_empty()) {
        rest = r;
        radix = 8;
    }
    if rest.starts_with(['-', '+']) {
        return Err(nfe("Sign character in wrong position"));
    }
    let parse = |t: &str| {
        if long {
            parse_long(Some(t), radix)
        } else {
            parse_int(Some(t), radix).map(i64::from)
        }
    };
    // Java parses the digits alone, then negates; when that fails (the
    // minimum value, whose magnitude is out of range), it parses them again
    // with the sign, and that error is the one thrown.
    match parse(rest) {
        Ok(v) if negative => Ok(v.wrapping_neg()),
        Ok(v) => Ok(v),
        Err(_) if negative => parse(&format!("-{rest}")),
        Err(e) => Err(e),
    }
}

/// `Double.parseDouble(s)` (`Double.valueOf(String)`), JDK 17's
/// `FloatingDecimal.readJavaFormatString`: the text trimmed of characters up
/// to U+0020, then an optional sign and `NaN`, `Infinity`, a hexadecimal
/// float (`0x1.8p1`) or ASCII decimal digits with an optional point and
/// exponent, then an optional `f`, `F`, `d` or `D`. Correctly rounded.
pub fn parse_double(s: Option<&str>) -> Result<f64, String> {
    parse_floating(s)
}

/// `Float.parseFloat(s)` (`Float.valueOf(String)`): the text read as
/// [`parse_double`] reads it, rounded once to a float (not through a
/// double, which could round twice).
pub fn parse_float(s: Option<&str>) -> Result<f32, String> {
    parse_floating(s)
}

/// A binary floating-point type Java parses: `double` or `float`.
trait Floating: Copy + std::str::FromStr + std::ops::Neg<Output = Self> {
    const NAN: Self;
    const INFINITY: Self;
    /// The value of a hexadecimal float's text after its `0x`.
    fn hex(s: &[u8]) -> Option<Self>;
}

impl Floating for f64 {
    const NAN: f64 = f64::NAN;
    const INFINITY: f64 = f64::INFINITY;
    fn hex(s: &[u8]) -> Option<f64> {
        hex_float(s, 53, -1022, 1023)
    }
}

impl Floating for f32 {
    const NAN: f32 = f32::NAN;
    const INFINITY: f32 = f32::INFINITY;
    fn hex(s: &[u8]) -> Option<f32> {
        // Rounded to a float's precision and range: the double is a float.
        hex_float(s, 24, -126, 127).map(|d| d as f32)
    }
}

fn parse_floating<F: Floating>(s: Option<&str>) -> Result<F, String> {
    let Some(s) = s else {
        return Err(
            "java.lang.NullPointerException: Cannot invoke \"String.trim()\" because \"in\" is null"
                .into(),
        );
    };
    let t = s.trim_matches(|c: char| c <= ' ');
    if t.is_empty() {
        return Err(nfe("empty String"));
    }
    decimal_or_special(t).ok_or_else(|| {
        // The digits and points after the sign are read first, and a second
        // point there fails at once, with its own message.
        let body = t.strip_prefix(['-', '+']).unwrap_or(t);
        let points = body
            .bytes()
            .take_while(|c| c.is_ascii_digit() || *c == b'.')
            .filter(|c| *c == b'.')
            .count();
        if points > 1
            && !body.starts_with(['N', 'I'])
            && !body.starts_with("0x")
            && !body.starts_with("0X")
        {
            nfe("multiple points")
        } else {
            for_input(t, 10)
        }
    })
}

fn decimal_or_special<F: Floating>(t: &str) -> Option<F> {
    let negative = t.starts_with('-');
    // The text after the sign (ASCII, so `t` can be cut at any of its places).
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    let signed = |v: F| if negative { -v } else { v };
    match body.as_bytes() {
        b"NaN" => return Some(F::NAN),
        b"Infinity" => return Some(signed(F::INFINITY)),
        [b'0', b'x' | b'X', hex @ ..] => return F::hex(hex).map(signed),
        _ => {}
    }
    let b = body.as_bytes();
    let digits = |from: usize| {
        b.get(from..)
            .map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count())
    };
    let int = body.get(..digits(0))?;
    let mut i = int.len();
    let mut frac = "";
    if b.get(i) == Some(&b'.') {
        frac = body.get(i + 1..i + 1 + digits(i + 1))?;
        i += 1 + frac.len();
    }
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut exponent = "0";
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
        let n = digits(i + 1 + sign);
        if n == 0 {
            return None;
        }
        exponent = body.get(i + 1..i + 1 + sign + n)?;
        i += 1 + sign + n;
    }
    match b.get(i..)? {
        [] | [b'f' | b'F' | b'd' | b'D'] => {}
        _ => return None,
    }
    // Rust's reading is correctly rounded too; hand it a form it takes.
    let text = format!(
        "{}.{}e{exponent}",
        if int.is_empty() { "0" } else { int },
        if frac.is_empty() { "0" } else { frac }
    );
    text.parse::<F>().ok().map(signed)
}

/// The value of a hexadecimal float after its `0x`: hex digits with an
/// optional point (at least one digit), `p` or `P`, a signed decimal
/// exponent, an optional `f`/`F`/`d`/`D`. Rounded to nearest, ties to even,
/// subnormals included, to a binary type of `precision` significant bits and
/// normal exponents `emin..=emax`: a double's (53, -1022, 1023), or a
/// float's (24, -126, 127), whose value is then exact in the double given.
fn hex_float(s: &[u8], precision: u32, emin: i64, emax: i64) -> Option<f64> {
    let p = s.iter().position(|&c| c == b'p' || c == b'P')?;
    let (mantissa, tail) = (s.get(..p)?, s.get(p + 1..)?);
    let tail = match tail {
        [rest @ .., b'f' | b'F' | b'd' | b'D'] => rest,
        t => t,
    };
    let (exp_negative, exp_digits) = match tail {
        [b'-', d @ ..] => (true, d),
        [b'+', d @ ..] => (false, d),
        d => (false, d),
    };
    if exp_digits.is_empty() || !exp_digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let exp: i64 = exp_digits
        .iter()
        .fold(0i64, |e, &d| (e * 10 + i64::from(d - b'0')).min(1 << 40));
    let exp = if exp_negative { -exp } else { exp };
    let point = mantissa.iter().position(|&c| c == b'.');
    let (int, frac) = match point {
        Some(at) => (mantissa.get(..at)?, mantissa.get(at + 1..)?),
        None => (mantissa, &[][..]),
    };
    if int.len() + frac.len() == 0 || !int.iter().chain(frac).all(u8::is_ascii_hexdigit) {
        return None;
    }
    // value = (all the digits as one integer) × 2^(exp − 4·frac.len()).
    let mut m: u64 = 0;
    let mut sticky = false;
    let mut scale = exp - 4 * frac.len() as i64;
    for &c in int.iter().chain(frac) {
        let d = u64::from(char::from(c).to_digit(16)?);
        if m >> 56 == 0 {
            m = m << 4 | d;
        } else {
            // Past 60 bits: the digit only scales the value and may make it
            // inexact.
            sticky |= d != 0;
            scale += 4;
        }
    }
    if m == 0 {
        return Some(0.0);
    }
    let lz = m.leading_zeros();
    let m = u128::from(m << lz);
    let scale = scale - i64::from(lz);
    // m is in [2^63, 2^64): the value's binary exponent is scale + 63.
    let e = scale + 63;
    if e > emax {
        return Some(f64::INFINITY);
    }
    let shift = (64 - precision) + if e < emin { (emin - e).min(80) } else { 0 } as u32;
    let q = m >> shift;
    let rem = m & ((1u128 << shift) - 1);
    let half = 1u128 << (shift - 1);
    let up = rem > half || (rem == half && (sticky || q & 1 == 1));
    let q = q + u128::from(up);
    if precision < 53 {
        // A float: q (at most 25 bits) times a power of two that a double
        // holds exactly, as is the product.
        let (q, e) = if e >= emin && q >> precision != 0 {
            (1, e + 1)
        } else {
            (q, e.max(emin) - i64::from(precision - 1))
        };
        if e > emax {
            return Some(f64::INFINITY);
        }
        return Some(q as f64 * 2f64.powi(e as i32));
    }
    let bits = if e < -1022 {
        // Subnormal (a carry into bit 52 makes it the least normal, as the
        // bits read).
        q as u64
    } else if q >> 53 != 0 {
        // Rounding carried to the next power of two.
        if e + 1 > 1023 {
            return Some(f64::INFINITY);
        }
        ((e + 1 + 1023) as u64) << 52
    } else {
        ((e + 1023) as u64) << 52 | (q as u64 & ((1 << 52) - 1))
    };
    Some(f64::from_bits(bits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_of_every_script() {
        // expected: oracle (Integer.parseInt)
        assert_eq!(parse_int(Some("١٢٣"), 10), Ok(123));
        assert_eq!(parse_int(Some("Ｆ"), 16), Ok(15));
        assert_eq!(parse_int(Some("０７"), 10), Ok(7));
        assert_eq!(digit(0x39, 10), Some(9));
        assert_eq!(digit(0x3A, 10), None);
        assert_eq!(digit(u16::from(b'z'), 36), Some(35));
        assert_eq!(digit(u16::from(b'g'), 16), None);
        assert_eq!(digit(0x2F, 10), None);
    }

    #[test]
    fn parse_float_rounds_once() {
        // expected: oracle (Float.parseFloat). Through a double, the first
        // and third would round to the midpoint and then down to 1.0.
        let one_up = 1.0 + f32::EPSILON;
        assert_eq!(
            parse_float(Some("1.000000059604644775390625001")),
            Ok(one_up)
        );
        assert_eq!(parse_float(Some("1.000000059604644775390625")), Ok(1.0));
        assert_eq!(parse_float(Some("0x1.0000010000000001p0")), Ok(one_up));
        assert_eq!(parse_float(Some("0x1.000001p0")), Ok(1.0));
        assert_eq!(parse_float(Some("0x1.0000001p-150")), Ok(f32::from_bits(1)));
        assert_eq!(parse_float(Some("0x1p-150")), Ok(0.0));
        assert_eq!(parse_float(Some("0x1.fffffffp127")), Ok(f32::INFINITY));
        assert_eq!(parse_float(Some("1e39")), Ok(f32::INFINITY));
        assert_eq!(parse_float(Some(" 1.5f ")), Ok(1.5));
        assert!(parse_float(Some("abc")).is_err());
    }

    #[test]
    fn parse_unsigned_long_as_java() {
        // expected: oracle
        assert_eq!(
            parse_unsigned_long(Some("18446744073709551615"), 10),
            Ok(-1)
        );
        assert_eq!(
            parse_unsigned_long(Some("+18446744073709551615"), 10),
            Ok(-1)
        );
        assert_eq!(parse_unsigned_long(Some("3w5e11264sgsf"), 36), Ok(-1));
        assert_eq!(parse_unsigned_long(Some("ff"), 16), Ok(255));
        let fails = |s: &str, radix: i32, message: &str| {
            assert_eq!(
                parse_unsigned_long(Some(s), radix),
                Err(nfe(message)),
                "{s} in radix {radix}"
            );
        };
        fails(
            "18446744073709551616",
            10,
            "String value 18446744073709551616 exceeds range of unsigned long.",
        );
        fails(
            "99999999999999999999",
            10,
            "Error at index 18 in: \"9999999999999999999\"",
        );
        fails(
            "1234567890123456789a",
            10,
            "Bad digit at end of 1234567890123456789a",
        );
        fails(
            "-1",
            99,
            "Illegal leading minus sign on unsigned string -1.",
        );
        fails("", 99, "For input string: \"\" under radix 99");
        fails(
            "1234567890123456789",
            1,
            "radix 1 less than Character.MIN_RADIX",
        );
    }

    #[test]
    fn parse_int_as_java() {
        // expected: oracle
        assert_eq!(parse_int(Some("-2147483648"), 10), Ok(i32::MIN));
        assert_eq!(parse_int(Some("-80000000"), 16), Ok(i32::MIN));
        assert_eq!(parse_int(Some("+7"), 10), Ok(7));
        assert_eq!(parse_int(Some("-0"), 10), Ok(0));
        assert_eq!(
            parse_int(Some("2147483648"), 10),
            Err("java.lang.NumberFormatException: For input string: \"2147483648\"".into())
        );
        assert_eq!(
            parse_int(Some("-2147483649"), 10),
            Err("java.lang.NumberFormatException: For input string: \"-2147483649\"".into())
        );
        assert_eq!(
            parse_int(Some("g"), 16),
            Err("java.lang.NumberFormatException: For input string: \"g\" under radix 16".into())
        );
        assert_eq!(
            parse_int(Some("+"), 10),
            Err("java.lang.NumberFormatException: For input string: \"+\"".into())
        );
        assert_eq!(
            parse_int(Some(""), 10),
            Err("java.lang.NumberFormatException: For input string: \"\"".into())
        );
        assert_eq!(parse_int(None, 10), Err(NULL_STRING.into()));
        assert_eq!(
            parse_int(Some("1"), 1),
            Err("java.lang.NumberFormatException: radix 1 less than Character.MIN_RADIX".into())
        );
        assert_eq!(
            parse_int(Some("1"), 37),
            Err(
                "java.lang.NumberFormatException: radix 37 greater than Character.MAX_RADIX".into()
            )
        );
        assert_eq!(parse_long(Some("9223372036854775807"), 10), Ok(i64::MAX));
        assert!(parse_long(Some("9223372036854775808"), 10).is_err());
        assert!(parse_long(Some("12L"), 10).is_err());
    }

    #[test]
    fn decode_and_unsigned_as_java() {
        // expected: oracle
        assert_eq!(decode(Some("0x1F"), false), Ok(31));
        assert_eq!(decode(Some("#ff"), false), Ok(255));
        assert_eq!(decode(Some("010"), false), Ok(8));
        assert_eq!(decode(Some("-0X10"), false), Ok(-16));
        assert_eq!(decode(Some("-0x80000000"), false), Ok(-2147483648));
        assert_eq!(decode(Some("00"), false), Ok(0));
        assert_eq!(
            decode(Some("0x80000000"), false),
            Err(
                "java.lang.NumberFormatException: For input string: \"80000000\" under radix 16"
                    .into()
            )
        );
        assert_eq!(
            decode(Some("09"), false),
            Err("java.lang.NumberFormatException: For input string: \"9\" under radix 8".into())
        );
        assert_eq!(
            decode(Some("-+1"), false),
            Err("java.lang.NumberFormatException: Sign character in wrong position".into())
        );
        assert_eq!(
            decode(Some(""), false),
            Err("java.lang.NumberFormatException: Zero length string".into())
        );
        assert_eq!(decode(Some("0x7fffffffffffffff"), true), Ok(i64::MAX));
        assert_eq!(parse_unsigned_int(Some("4294967295"), 10), Ok(-1));
        assert_eq!(
            parse_unsigned_int(Some("4294967296"), 10),
            Err(
                "java.lang.NumberFormatException: String value 4294967296 exceeds range of unsigned int."
                    .into()
            )
        );
        assert_eq!(
            parse_unsigned_int(Some("-1"), 10),
            Err(
                "java.lang.NumberFormatException: Illegal leading minus sign on unsigned string -1."
                    .into()
            )
        );
    }

    fn d(s: &str) -> String {
        match parse_double(Some(s)) {
            Ok(v) => crate::eval::number::java_double_to_string(v),
            Err(e) => e,
        }
    }

    #[test]
    fn parse_double_as_java() {
        // expected: oracle
        for (text, want) in [
            ("2.25", "2.25"),
            (" 1e3 ", "1000.0"),
            ("\t7\t", "7.0"),
            ("1.1f", "1.1"),
            ("1d", "1.0"),
            ("1e-2D", "0.01"),
            ("1E+2", "100.0"),
            (".5", "0.5"),
            ("5.", "5.0"),
            ("NaN", "NaN"),
            ("-NaN", "NaN"),
            ("NaN ", "NaN"),
            ("-Infinity", "-Infinity"),
            ("+Infinity", "Infinity"),
            ("1e400", "Infinity"),
            ("1.5e99999999999", "Infinity"),
            ("1e-400", "0.0"),
            ("4.9e-324", "4.9E-324"),
            ("2.4703282292062328e-324", "4.9E-324"),
            ("0.0000000000000000000000000000001e31", "1.0"),
            ("123456789012345678901234567890", "1.2345678901234568E29"),
            ("0x1.8p1", "3.0"),
            ("0x.8p0", "0.5"),
            ("0X1P-1074", "4.9E-324"),
            ("0x1.fffffffffffffp1023", "1.7976931348623157E308"),
            ("0x1p-1075", "0.0"),
            ("0x1.8p-1074", "1.0E-323"),
            ("0x1.0000000000000fp0", "1.0000000000000002"),
            ("0x1.00000000000008p0", "1.0"),
            ("0x1.00000000000018p0", "1.0000000000000004"),
            ("0x123456789abcdef123p0", "3.358127276707303E20"),
        ] {
            assert_eq!(d(text), want, "{text:?}");
        }
        assert_eq!(
            d("1.51.5+"),
            "java.lang.NumberFormatException: multiple points"
        );
        assert_eq!(
            d("-..e"),
            "java.lang.NumberFormatException: multiple points"
        );
        for bad in [
            "abc",
            "1e",
            "0x1p",
            "+",
            "1_000",
            "Infinityx",
            "١",
            ".",
            ".e.",
            "0x1.5.5p1",
        ] {
            assert_eq!(
                d(bad),
                format!("java.lang.NumberFormatException: For input string: \"{bad}\""),
                "{bad:?}"
            );
        }
        assert_eq!(
            d(" abc "),
            "java.lang.NumberFormatException: For input string: \"abc\""
        );
        assert_eq!(d(""), "java.lang.NumberFormatException: empty String");
        assert!(parse_double(None).is_err_and(|e| e.contains("\"in\" is null")));
    }
}
