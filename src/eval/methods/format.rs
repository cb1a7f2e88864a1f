//! `String.format(format, args…)`: `java.util.Formatter` of JDK 17 in the
//! `en_US` locale, as Velocity 1.7 reaches it through any string
//! (`$s.format('%.2f', $price)`).
//!
//! The whole format is parsed first (its errors come before any argument is
//! looked at), then each specifier prints its argument. Numbers print from
//! the digits Java's `Double.toString` gives, rounded half up, as
//! `FormattedFloatingDecimal` does: `%.2f` of `0.125` is `0.13`, and `%.20f`
//! of `0.1` pads with zeros. Errors are the text of Java's exceptions.
//!
//! Dates and times (`%tF` of a Long, milliseconds since the epoch) are in
//! UTC, as the reference renderer's JVM has them.

use super::string::utf16_len;
use super::MAX_STRING;
use crate::eval::budget::Budget;
use crate::eval::jstring;
use crate::eval::number::java_double_to_string;
use crate::eval::value::{CallError, Value};

const LEFT: u8 = 1;
const ALTERNATE: u8 = 2;
const PLUS: u8 = 4;
const SPACE: u8 = 8;
const ZERO: u8 = 16;
const GROUP: u8 = 32;
const PARENS: u8 = 64;
const PREVIOUS: u8 = 128;

/// The flags in the order `Flags.toString` writes them.
const FLAG_CHARS: [(u8, char); 8] = [
    (LEFT, '-'),
    (ALTERNATE, '#'),
    (PLUS, '+'),
    (SPACE, ' '),
    (ZERO, '0'),
    (GROUP, ','),
    (PARENS, '('),
    (PREVIOUS, '<'),
];

fn flag_of(c: char) -> Option<u8> {
    FLAG_CHARS.iter().find(|(_, ch)| *ch == c).map(|(f, _)| *f)
}

fn flags_text(f: u8) -> String {
    FLAG_CHARS
        .iter()
        .filter(|(bit, _)| f & bit != 0)
        .map(|(_, c)| c)
        .collect()
}

fn fail(exception: &str, message: &str) -> String {
    format!("java.util.{exception}: {message}")
}

/// Where a specifier takes its argument.
#[derive(Clone, Copy)]
enum Index {
    /// The next one.
    Ordinary,
    /// The one the previous specifier took (`<`).
    Previous,
    /// The n-th (from 1).
    Explicit(usize),
}

struct Spec {
    index: Index,
    /// The index as written (for the specifier's text).
    index_text: Option<usize>,
    flags: u8,
    upper: bool,
    width: Option<usize>,
    precision: Option<usize>,
    /// `%t…` / `%T…`: `conv` is the date conversion.
    date: bool,
    /// The conversion, lower case.
    conv: char,
}

enum Piece<'a> {
    Text(&'a str),
    Spec(Spec),
}

impl Spec {
    /// `FormatSpecifier.toString`: flags before the index, as Java writes it.
    /// The text conversions (`%%`, `%n`) have no index: Java's `conversion()`
    /// sets theirs to -2, which is not written.
    fn text(&self) -> String {
        let mut s = String::from("%");
        s.push_str(&flags_text(self.flags));
        if let Some(i) = self.index_text.filter(|_| !matches!(self.conv, '%' | 'n')) {
            s.push_str(&format!("{i}$"));
        }
        if let Some(w) = self.width {
            s.push_str(&w.to_string());
        }
        if let Some(p) = self.precision {
            s.push_str(&format!(".{p}"));
        }
        if self.date {
            s.push(if self.upper { 'T' } else { 't' });
        }
        s.push(if self.upper {
            self.conv.to_ascii_uppercase()
        } else {
            self.conv
        });
        s
    }

    fn has(&self, f: u8) -> bool {
        self.flags & f != 0
    }

    fn mismatch(&self, f: u8) -> String {
        fail(
            "FormatFlagsConversionMismatchException",
            &format!("Conversion = {}, Flags = {}", self.conv, flags_text(f)),
        )
    }

    /// `checkBadFlags`: the first of `bad` that is set, in that order.
    fn bad_flags(&self, bad: &[u8]) -> Result<(), String> {
        match bad.iter().find(|&&f| self.has(f)) {
            Some(&f) => Err(self.mismatch(f)),
            None => Ok(()),
        }
    }

    fn missing_width(&self) -> String {
        fail("MissingFormatWidthException", &self.text())
    }

    fn no_precision(&self) -> Result<(), String> {
        match self.precision {
            Some(p) => Err(fail("IllegalFormatPrecisionException", &p.to_string())),
            None => Ok(()),
        }
    }

    fn check_numeric(&self) -> Result<(), String> {
        if self.width.is_none() && (self.has(LEFT) || self.has(ZERO)) {
            return Err(self.missing_width());
        }
        if (self.has(PLUS) && self.has(SPACE)) || (self.has(LEFT) && self.has(ZERO)) {
            // The flags as `Flags.toString` writes them, with `^` (after
            // `-`) for a capital conversion.
            let mut text = flags_text(self.flags);
            if self.upper {
                text.insert(usize::from(self.has(LEFT)), '^');
            }
            return Err(fail(
                "IllegalFormatFlagsException",
                &format!("Flags = '{text}'"),
            ));
        }
        Ok(())
    }

    /// The checks of `FormatSpecifier`'s constructor for its conversion.
    fn check(&self) -> Result<(), String> {
        let left_needs_width = || {
            if self.width.is_none() && self.has(LEFT) {
                Err(self.missing_width())
            } else {
                Ok(())
            }
        };
        if self.date {
            self.no_precision()?;
            if !"HIklMSLNpzZsQBbhAaCYyjmdeRTrDFc".contains(self.conv) {
                return Err(fail(
                    "UnknownFormatConversionException",
                    &format!("Conversion = 't{}'", self.conv),
                ));
            }
            self.bad_flags(&[ALTERNATE, PLUS, SPACE, ZERO, GROUP, PARENS])?;
            return left_needs_width();
        }
        match self.conv {
            'b' | 'h' | 's' => {
                if self.conv != 's' && self.has(ALTERNATE) {
                    return Err(self.mismatch(ALTERNATE));
                }
                left_needs_width()?;
                self.bad_flags(&[PLUS, SPACE, ZERO, GROUP, PARENS])
            }
            'c' => {
                self.no_precision()?;
                self.bad_flags(&[ALTERNATE, PLUS, SPACE, ZERO, GROUP, PARENS])?;
                left_needs_width()
            }
            'd' | 'o' | 'x' => {
                self.check_numeric()?;
                self.no_precision()?;
                self.bad_flags(if self.conv == 'd' {
                    &[ALTERNATE]
                } else {
                    &[GROUP]
                })
            }
            'e' | 'f' | 'g' | 'a' => {
                self.check_numeric()?;
                match self.conv {
                    'a' => self.bad_flags(&[PARENS, GROUP]),
                    'e' => self.bad_flags(&[GROUP]),
                    'g' => self.bad_flags(&[ALTERNATE]),
                    _ => Ok(()),
                }
            }
            '%' => {
                self.no_precision()?;
                if self.flags & !LEFT != 0 {
                    return Err(fail(
                        "IllegalFormatFlagsException",
                        &format!("Flags = '{}'", flags_text(self.flags)),
                    ));
                }
                left_needs_width()
            }
            _ => {
                // 'n'
                self.no_precision()?;
                if let Some(w) = self.width {
                    return Err(fail("IllegalFormatWidthException", &w.to_string()));
                }
                if self.flags != 0 {
                    return Err(fail(
                        "IllegalFormatFlagsException",
                        &format!("Flags = '{}'", flags_text(self.flags)),
                    ));
                }
                Ok(())
            }
        }
    }
}

/// The conversions a `%` may be followed by directly.
fn is_conversion(c: char) -> bool {
    "bBhHsScCdoxXeEfgGaAn%".contains(c)
}

/// A run of ASCII digits from `at`: its value (`Err` when past an int) and
/// where it ends.
fn number(b: &[u8], at: usize) -> (Option<Result<usize, ()>>, usize) {
    let n = b
        .get(at..)
        .map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count());
    if n == 0 {
        return (None, at);
    }
    let v = b.get(at..at + n).map_or(Err(()), |d| {
        d.iter().try_fold(0usize, |v, &c| {
            let v = v * 10 + usize::from(c - b'0');
            if v > i32::MAX as usize {
                Err(())
            } else {
                Ok(v)
            }
        })
    });
    (Some(v), at + n)
}

/// The specifier at `at` (just after its `%`), as Java's pattern
/// `%(\d+\$)?([-#+ 0,(\<]*)?(\d+)?(\.\d+)?([tT])?([a-zA-Z%])` reads it:
/// `None` when it does not match.
fn parse_spec(s: &str, at: usize) -> Option<(Result<Spec, String>, usize)> {
    let b = s.as_bytes();
    let mut i = at;
    // (\d+\$)?
    let mut index_value = None;
    let (n, end) = number(b, i);
    if let Some(v) = n {
        if b.get(end) == Some(&b'$') {
            index_value = Some(v);
            i = end + 1;
        }
    }
    // ([-#+ 0,(\<]*)
    let flags_start = i;
    while b.get(i).is_some_and(|&c| flag_of(char::from(c)).is_some()) {
        i += 1;
    }
    let flags_end = i;
    // (\d+)?
    let (width, end) = number(b, i);
    i = end;
    // (\.\d+)?
    let mut precision = None;
    if b.get(i) == Some(&b'.') {
        let (p, end) = number(b, i + 1);
        if p.is_some() {
            precision = p;
            i = end;
        }
    }
    // ([tT])?([a-zA-Z%])
    let is_conv = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_alphabetic() || *c == b'%');
    let (date, upper_t, conv_at) = match b.get(i) {
        Some(&t @ (b't' | b'T')) if is_conv(b.get(i + 1)) => (true, t == b'T', i + 1),
        c if is_conv(c) => (false, false, i),
        _ => return None,
    };
    let conv = char::from(*b.get(conv_at)?);
    let end = conv_at + 1;
    let spec = (|| {
        // The constructor's order: index, flags, width, precision, conversion.
        let index = match index_value {
            None => (Index::Ordinary, None),
            Some(Ok(0)) => {
                return Err(fail(
                    "IllegalFormatArgumentIndexException",
                    "Illegal format argument index = 0",
                ))
            }
            Some(Ok(n)) => (Index::Explicit(n), Some(n)),
            Some(Err(())) => {
                return Err(fail(
                    "IllegalFormatArgumentIndexException",
                    "Format argument index: (not representable as int)",
                ))
            }
        };
        let mut flags = 0;
        for c in s.get(flags_start..flags_end).unwrap_or("").chars() {
            let f = flag_of(c).unwrap_or(0);
            if flags & f != 0 {
                return Err(fail(
                    "DuplicateFormatFlagsException",
                    &format!("Flags = '{}'", flags_text(f)),
                ));
            }
            flags |= f;
        }
        let index = if flags & PREVIOUS != 0 {
            (Index::Previous, None)
        } else {
            index
        };
        let width = match width {
            None => None,
            Some(Ok(w)) => Some(w),
            Some(Err(())) => return Err(fail("IllegalFormatWidthException", "-2147483648")),
        };
        let precision = match precision {
            None => None,
            Some(Ok(p)) => Some(p),
            Some(Err(())) => return Err(fail("IllegalFormatPrecisionException", "-2147483648")),
        };
        let (conv, upper) = if date {
            (conv, upper_t)
        } else {
            if !is_conversion(conv) {
                return Err(unknown(conv));
            }
            (conv.to_ascii_lowercase(), conv.is_ascii_uppercase())
        };
        let spec = Spec {
            index: index.0,
            index_text: index.1,
            flags,
            upper,
            width,
            precision,
            date,
            conv,
        };
        spec.check()?;
        Ok(spec)
    })();
    Some((spec, end))
}

fn unknown(c: char) -> String {
    fail(
        "UnknownFormatConversionException",
        &format!("Conversion = '{c}'"),
    )
}

/// The piece of `s` at `*i` (a run of text or a specifier), and `*i` moved
/// past it; `None` at the end. Java's `Formatter.parse` reads them all
/// before anything is printed (see [`format`]).
fn next_piece<'a>(s: &'a str, i: &mut usize) -> Option<Result<Piece<'a>, String>> {
    let rest = s.get(*i..).filter(|r| !r.is_empty())?;
    let Some(n) = rest.find('%').map(|n| n + *i) else {
        *i = s.len();
        return Some(Ok(Piece::Text(rest)));
    };
    if n > *i {
        let text = s.get(*i..n).unwrap_or("");
        *i = n;
        return Some(Ok(Piece::Text(text)));
    }
    let Some(c) = s.get(n + 1..).and_then(|r| r.chars().next()) else {
        return Some(Err(unknown('%')));
    };
    if is_conversion(c) {
        *i = n + 1 + c.len_utf8();
        return Some(Ok(Piece::Spec(Spec {
            index: Index::Ordinary,
            index_text: None,
            flags: 0,
            upper: c.is_ascii_uppercase(),
            width: None,
            precision: None,
            date: false,
            conv: c.to_ascii_lowercase(),
        })));
    }
    Some(match parse_spec(s, n + 1) {
        Some((spec, end)) => {
            *i = end;
            spec.map(Piece::Spec)
        }
        None => Err(unknown(c)),
    })
}

/// `String.format(format, args)`; `args` is `None` for Java's null array.
pub(super) fn format(
    fmt: &str,
    args: Option<&[Value]>,
    budget: &Budget,
) -> Result<String, CallError> {
    // The whole format is read first, for its errors, then again to print:
    // twice the reading, but no list of its pieces (a format may be as long
    // as a string may be).
    let mut i = 0;
    while let Some(p) = next_piece(fmt, &mut i) {
        p?;
    }
    let mut out = String::new();
    let mut last: Option<usize> = None;
    let mut ordinary: usize = 0;
    let mut i = 0;
    while let Some(p) = next_piece(fmt, &mut i) {
        let p = p?;
        let spec = match &p {
            Piece::Text(t) => {
                out.push_str(t);
                continue;
            }
            Piece::Spec(spec) => spec,
        };
        if !spec.date && matches!(spec.conv, '%' | 'n') {
            print_text(spec, &mut out)?;
            continue;
        }
        let at = match spec.index {
            Index::Ordinary => {
                let at = ordinary;
                ordinary += 1;
                last = Some(at);
                Some(at)
            }
            Index::Previous => last,
            Index::Explicit(n) => {
                last = Some(n - 1);
                Some(n - 1)
            }
        };
        let missing = || {
            fail(
                "MissingFormatArgumentException",
                &format!("Format specifier '{}'", spec.text()),
            )
        };
        let arg = match (args, at) {
            (_, None) => return Err(missing().into()),
            (None, Some(_)) => &Value::Null,
            (Some(a), Some(at)) => a.get(at).ok_or_else(missing)?,
        };
        print(spec, arg, &mut out, budget)?;
        if out.len() > MAX_STRING {
            return Err(super::too_big().into());
        }
    }
    budget.build(out.len())?;
    Ok(out)
}

/// `%%` and `%n`.
fn print_text(spec: &Spec, out: &mut String) -> Result<(), String> {
    if spec.conv == 'n' {
        out.push('\n');
        return Ok(());
    }
    justify(spec, "%", out)
}

/// `n`, when a string of `n` characters fits in [`MAX_STRING`]; else Java's
/// `OutOfMemoryError` (a width or precision as large as an int allows).
fn fits(n: usize) -> Result<usize, String> {
    if n > MAX_STRING {
        Err(super::too_big())
    } else {
        Ok(n)
    }
}

/// `appendJustified`: `s` padded with spaces to the width (UTF-16 units).
fn justify(spec: &Spec, s: &str, out: &mut String) -> Result<(), String> {
    let len = utf16_len(s);
    let pad = fits(spec.width.unwrap_or(0).saturating_sub(len))?;
    if spec.has(LEFT) {
        out.push_str(s);
    }
    out.extend(std::iter::repeat(' ').take(pad));
    if !spec.has(LEFT) {
        out.push_str(s);
    }
    Ok(())
}

/// `print(String)`: cut to the precision (UTF-16 units), upper-cased for a
/// capital conversion, justified.
fn print_str(spec: &Spec, s: &str, out: &mut String, budget: &Budget) -> Result<(), String> {
    let cut;
    let s = match spec.precision {
        Some(p) if p < utf16_len(s) => {
            let units: Vec<u16> = jstring::units(s).take(p).collect();
            let (t, lone) = jstring::from_units(&units);
            if lone {
                budget.note_lone_surrogate();
            }
            cut = t;
            cut.as_str()
        }
        _ => s,
    };
    if spec.upper {
        justify(spec, &s.to_uppercase(), out)
    } else {
        justify(spec, s, out)
    }
}

fn conversion_mismatch(conv: char, arg: &Value) -> String {
    fail(
        "IllegalFormatConversionException",
        &format!("{conv} != {}", arg.java_class_name()),
    )
}

fn not_supported(what: &str) -> String {
    format!("String.format: {what} is not supported by apigw-vtl")
}

fn print(spec: &Spec, arg: &Value, out: &mut String, budget: &Budget) -> Result<(), CallError> {
    if spec.date {
        match arg {
            Value::Null => print_str(spec, "null", out, budget)?,
            Value::Long(l) => print_date(spec, *l, out)?,
            _ => return Err(conversion_mismatch(spec.conv, arg).into()),
        }
        return Ok(());
    }
    match spec.conv {
        's' => {
            if spec.has(ALTERNATE) {
                return Err(spec.mismatch(ALTERNATE).into());
            }
            let s = match arg {
                Value::Null => "null".to_string(),
                v => v.java_string(budget)?,
            };
            print_str(spec, &s, out, budget)?;
        }
        'b' => {
            let s = match arg {
                Value::Null => "false",
                Value::Bool(b) => {
                    if *b {
                        "true"
                    } else {
                        "false"
                    }
                }
                _ => "true",
            };
            print_str(spec, s, out, budget)?;
        }
        'h' => {
            let s = match arg {
                Value::Null => "null".to_string(),
                v => format!("{:x}", super::java_hash(v, budget)?),
            };
            print_str(spec, &s, out, budget)?;
        }
        'c' => {
            let s = match arg {
                Value::Null => "null".to_string(),
                Value::Char(c) => jstring::unit_char(*c).to_string(),
                Value::Int(_) | Value::Short(_) | Value::Byte(_) => {
                    let i = &arg.int_like().unwrap_or(0);
                    match u32::try_from(*i).ok().and_then(char::from_u32) {
                        Some(c) => c.to_string(),
                        // A lone surrogate: the engine's stand-in for it.
                        None if (0xD800..0xE000).contains(i) => {
                            budget.note_lone_surrogate();
                            jstring::from_units(&[*i as u16]).0
                        }
                        None => {
                            return Err(fail(
                                "IllegalFormatCodePointException",
                                &format!("Code point = {:#x}", *i),
                            )
                            .into())
                        }
                    }
                }
                _ => return Err(conversion_mismatch('c', arg).into()),
            };
            print_str(spec, &s, out, budget)?;
        }
        'd' | 'o' | 'x' => print_integer(spec, arg, out, budget)?,
        _ => print_float(spec, arg, out, budget)?,
    }
    Ok(())
}

/// The leading sign: `+`, a space, `(` or `-`.
fn leading_sign(spec: &Spec, negative: bool, sb: &mut String) {
    if !negative {
        if spec.has(PLUS) {
            sb.push('+');
        } else if spec.has(SPACE) {
            sb.push(' ');
        }
    } else if spec.has(PARENS) {
        sb.push('(');
    } else {
        sb.push('-');
    }
}

fn trailing_sign(spec: &Spec, negative: bool, sb: &mut String) {
    if negative && spec.has(PARENS) {
        sb.push(')');
    }
}

/// `adjustWidth`: one less for the `)` of a negative number.
fn adjust_width(spec: &Spec, width: Option<usize>, negative: bool) -> Option<usize> {
    match width {
        Some(w) if negative && spec.has(PARENS) => Some(w.saturating_sub(1)),
        w => w,
    }
}

/// `localizedMagnitude`: `digits` (ASCII digits and at most one `.`) with
/// `,` every three digits of the integer part when grouping, then zeros
/// inserted at `begin` (after the sign) until `sb` is `width` long.
fn magnitude(
    spec: &Spec,
    sb: &mut String,
    digits: &str,
    width: Option<usize>,
) -> Result<(), String> {
    let begin = sb.len();
    let dot = digits.find('.').unwrap_or(digits.len());
    for (j, c) in digits.char_indices() {
        sb.push(c);
        if spec.has(GROUP) && j < dot && j + 1 != dot && (dot - j) % 3 == 1 {
            sb.push(',');
        }
    }
    if let (Some(w), true) = (width, spec.has(ZERO)) {
        let pad = fits(w.saturating_sub(sb.chars().count()))?;
        sb.insert_str(begin, &"0".repeat(pad));
    }
    Ok(())
}

fn print_integer(
    spec: &Spec,
    arg: &Value,
    out: &mut String,
    budget: &Budget,
) -> Result<(), String> {
    let mut sb = String::new();
    let (value, bits): (num_bigint::BigInt, Option<u32>) = match arg {
        Value::Null => return print_str(spec, "null", out, budget),
        Value::Int(i) => (num_bigint::BigInt::from(*i), Some(32)),
        Value::Short(i) => (num_bigint::BigInt::from(*i), Some(16)),
        Value::Byte(i) => (num_bigint::BigInt::from(*i), Some(8)),
        Value::Long(l) => (num_bigint::BigInt::from(*l), Some(64)),
        Value::BigInt(b) => ((**b).clone(), None),
        _ => return Err(conversion_mismatch(spec.conv, arg)),
    };
    let negative = value.sign() == num_bigint::Sign::Minus;
    if spec.conv == 'd' {
        leading_sign(spec, negative, &mut sb);
        let digits = value.magnitude().to_string();
        magnitude(
            spec,
            &mut sb,
            &digits,
            adjust_width(spec, spec.width, negative),
        )?;
        trailing_sign(spec, negative, &mut sb);
        return justify(spec, &sb, out);
    }
    let radix = if spec.conv == 'o' { 8 } else { 16 };
    let prefix_len = if spec.has(ALTERNATE) { radix / 8 } else { 0 };
    let digits = match bits {
        // An Integer or Long: its two's complement, no sign.
        Some(bits) => {
            spec.bad_flags(&[PARENS, SPACE, PLUS])?;
            let v = match (&value, bits) {
                (v, 8) => num_bigint::BigInt::from(i64::try_from(v).unwrap_or(0) as i8 as u8),
                (v, 16) => num_bigint::BigInt::from(i64::try_from(v).unwrap_or(0) as i16 as u16),
                (v, 32) => num_bigint::BigInt::from(i64::try_from(v).unwrap_or(0) as i32 as u32),
                (v, _) => num_bigint::BigInt::from(i64::try_from(v).unwrap_or(0) as u64),
            };
            v.to_str_radix(radix)
        }
        None => {
            leading_sign(spec, negative, &mut sb);
            value.magnitude().to_str_radix(radix)
        }
    };
    let mut len = digits.len() + sb.len() + prefix_len as usize;
    if bits.is_none() && negative && spec.has(PARENS) {
        len += 1;
    }
    if spec.has(ALTERNATE) {
        sb.push_str(match (radix, spec.upper) {
            (8, _) => "0",
            (_, true) => "0X",
            _ => "0x",
        });
    }
    if spec.has(ZERO) {
        let pad = fits(spec.width.unwrap_or(0).saturating_sub(len))?;
        sb.push_str(&"0".repeat(pad));
    }
    if spec.upper {
        sb.push_str(&digits.to_ascii_uppercase());
    } else {
        sb.push_str(&digits);
    }
    if bits.is_none() {
        trailing_sign(spec, negative, &mut sb);
    }
    justify(spec, &sb, out)
}

/// The digits of `Double.toString(d)` (d finite, positive) and its decimal
/// exponent: `d` is `0.DIGITS × 10^exp`.
fn digits_of(d: f64) -> (Vec<u8>, i32) {
    let s = java_double_to_string(d);
    let (mantissa, exp) = match s.split_once('E') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (s.as_str(), 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut digits: Vec<u8> = int.bytes().chain(frac.bytes()).collect();
    let mut exp = exp + int.len() as i32;
    // Leading zeros (`0.001`) move the exponent.
    while digits.len() > 1 && digits.first() == Some(&b'0') {
        digits.remove(0);
        exp -= 1;
    }
    // Trailing zeros (`100.0`) are not digits FloatingDecimal gives.
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    if digits == [b'0'] {
        exp = 1;
    }
    (digits, exp)
}

/// `FormattedFloatingDecimal.applyPrecision`: keeps `prec` digits, rounded
/// half up (a negative `prec`: nothing changes); gives the new exponent.
fn apply_precision(exp: i32, digits: &mut [u8], prec: i64) -> i32 {
    let n = digits.len() as i64;
    if prec >= n || prec < 0 {
        return exp;
    }
    if prec == 0 {
        if digits.first().is_some_and(|&d| d >= b'5') {
            digits.fill(b'0');
            if let Some(d) = digits.first_mut() {
                *d = b'1';
            }
            return exp + 1;
        }
        digits.fill(b'0');
        return exp;
    }
    let prec = prec as usize;
    if digits.get(prec).is_some_and(|&d| d >= b'5') {
        let mut i = prec;
        loop {
            if i == 0 {
                // Every kept digit was a 9: a 1 and zeros, one place up.
                digits.fill(b'0');
                if let Some(d) = digits.first_mut() {
                    *d = b'1';
                }
                return exp + 1;
            }
            i -= 1;
            match digits.get_mut(i) {
                Some(d) if *d == b'9' => continue,
                Some(d) => {
                    *d += 1;
                    break;
                }
                None => break,
            }
        }
        if let Some(rest) = digits.get_mut(i + 1..) {
            rest.fill(b'0');
        }
    } else if let Some(rest) = digits.get_mut(prec..) {
        rest.fill(b'0');
    }
    exp
}

/// `fillDecimal` then `addZeros`: the digits as `int.frac` with exactly
/// `precision` fraction digits (no point when it is 0).
fn fixed(digits: &[u8], exp: i32, precision: usize) -> String {
    let n = digits.len();
    let mut s = String::new();
    let text = |r: std::ops::Range<usize>| {
        digits
            .get(r)
            .map(|d| String::from_utf8_lossy(d).into_owned())
            .unwrap_or_default()
    };
    let mut frac = String::new();
    if exp > 0 {
        let e = exp as usize;
        if n < e {
            s.push_str(&text(0..n));
            s.push_str(&"0".repeat(e - n));
        } else {
            s.push_str(&text(0..e));
            let t = (n - e).min(precision);
            frac.push_str(&text(e..e + t));
        }
    } else {
        s.push('0');
        let neg_exp = exp.unsigned_abs() as usize;
        let zeros = neg_exp.min(precision);
        let t = n.min(precision.saturating_sub(neg_exp));
        frac.push_str(&"0".repeat(zeros));
        frac.push_str(&text(0..t));
    }
    if precision > 0 {
        s.push('.');
        s.push_str(&frac);
        s.push_str(&"0".repeat(precision.saturating_sub(frac.len())));
    }
    s
}

/// `fillScientific` then `addZeros`: `d.ddd` with `precision` fraction
/// digits, and the exponent (`+04`, `-320`).
fn scientific(digits: &[u8], exp: i32, precision: usize, zero: bool) -> (String, String) {
    let mut s = String::new();
    s.push(char::from(*digits.first().unwrap_or(&b'0')));
    if precision > 0 {
        s.push('.');
        let t = digits.len().saturating_sub(1).min(precision);
        s.push_str(&String::from_utf8_lossy(
            digits.get(1..1 + t).unwrap_or(&[]),
        ));
        s.push_str(&"0".repeat(precision - t));
    }
    let e = if zero { 0 } else { exp - 1 };
    let sign = if e < 0 { '-' } else { '+' };
    (s, format!("{sign}{:02}", e.unsigned_abs()))
}

/// A floating argument's sign and magnitude as decimal digits: `0.DIGITS ×
/// 10^exp`, with whether it is a BigDecimal (which `%g` reads its own way)
/// and, for one, its scale.
struct Digits {
    digits: Vec<u8>,
    exp: i32,
    zero: bool,
    /// A BigDecimal's scale.
    scale: Option<i64>,
}

fn decimal_digits(d: &crate::eval::number::Decimal) -> Result<Digits, String> {
    let digits = d.unscaled.magnitude().to_string().into_bytes();
    let exp = i64::try_from(digits.len())
        .ok()
        .and_then(|n| n.checked_sub(d.scale))
        .and_then(|e| i32::try_from(e).ok())
        .ok_or_else(|| not_supported("a BigDecimal of this scale"))?;
    Ok(Digits {
        zero: digits == [b'0'],
        digits,
        exp,
        scale: Some(d.scale),
    })
}

fn print_float(spec: &Spec, arg: &Value, out: &mut String, budget: &Budget) -> Result<(), String> {
    // Formatter prints a Float as the double it widens to.
    let widened;
    let arg = match arg {
        Value::Float(f) => {
            widened = Value::Double(f64::from(*f));
            &widened
        }
        _ => arg,
    };
    let (negative, number) = match arg {
        Value::Null => return print_str(spec, "null", out, budget),
        Value::Double(d) if d.is_nan() => {
            return justify(spec, if spec.upper { "NAN" } else { "NaN" }, out)
        }
        // Double.compare(value, 0.0) == -1: -0.0 is negative.
        Value::Double(d) => (d.is_sign_negative(), None),
        Value::Decimal(d) if spec.conv != 'a' => (d.signum() < 0, Some(decimal_digits(d)?)),
        _ => return Err(conversion_mismatch(spec.conv, arg)),
    };
    let mut sb = String::new();
    leading_sign(spec, negative, &mut sb);
    let v = match arg {
        Value::Double(d) => d.abs(),
        _ => 0.0,
    };
    if number.is_none() && v.is_infinite() {
        sb.push_str(if spec.upper { "INFINITY" } else { "Infinity" });
    } else if spec.conv == 'a' {
        hex_float(spec, v, negative, &mut sb)?;
    } else {
        let n = match number {
            Some(n) => n,
            None => {
                let (digits, exp) = digits_of(v);
                Digits {
                    digits,
                    exp,
                    zero: v == 0.0,
                    scale: None,
                }
            }
        };
        print_decimal(spec, n, negative, &mut sb)?;
    }
    trailing_sign(spec, negative, &mut sb);
    justify(spec, &sb, out)
}

/// `%f`, `%e`, `%g` of a finite magnitude.
fn print_decimal(spec: &Spec, n: Digits, negative: bool, sb: &mut String) -> Result<(), String> {
    let Digits {
        mut digits,
        mut exp,
        zero,
        scale,
    } = n;
    if let Some(p) = spec.precision {
        fits(p)?;
    }
    let e_char = if spec.upper { 'E' } else { 'e' };
    let mut conv = spec.conv;
    let mut prec = spec.precision.unwrap_or(6);
    if conv == 'g' {
        prec = match spec.precision {
            None => 6,
            Some(0) => 1,
            Some(p) => p,
        };
        if let Some(scale) = scale {
            // BigDecimal: fixed when it is 0 (of scale 0) or in
            // [10^-4, 10^prec) before any rounding, else scientific.
            let e10 = i64::from(exp) - 1;
            let in_range = (zero && scale == 0) || (!zero && e10 >= -4 && e10 < prec as i64);
            if in_range {
                conv = 'f';
                prec = (prec as i64 - e10 - 1).max(0) as usize;
            } else {
                conv = 'e';
                prec -= 1;
            }
        } else if zero {
            conv = 'f';
            prec -= 1;
        } else {
            // Double: the range is the value's once rounded to `prec`
            // significant digits (the rounding below then changes nothing).
            exp = apply_precision(exp, &mut digits, prec as i64);
            let e10 = exp - 1;
            if e10 < -4 || e10 >= prec as i32 {
                conv = 'e';
                prec -= 1;
            } else {
                conv = 'f';
                prec = (prec as i64 - i64::from(exp)).max(0) as usize;
            }
        }
    }
    if conv == 'f' {
        let exp = apply_precision(exp, &mut digits, i64::from(exp) + prec as i64);
        let mut mant = fixed(&digits, exp, prec);
        if spec.has(ALTERNATE) && prec == 0 {
            mant.push('.');
        }
        magnitude(spec, sb, &mant, adjust_width(spec, spec.width, negative))
    } else {
        let exp = apply_precision(exp, &mut digits, prec as i64 + 1);
        // A Double zero's exponent is +00; a BigDecimal zero's is its scale's.
        let (mut mant, e) = scientific(&digits, exp, prec, zero && scale.is_none());
        if spec.has(ALTERNATE) && prec == 0 {
            mant.push('.');
        }
        let width = spec.width.map(|w| w.saturating_sub(e.len() + 1));
        magnitude(spec, sb, &mant, adjust_width(spec, width, negative))?;
        sb.push(e_char);
        sb.push_str(&e);
        Ok(())
    }
}

/// `Formatter.hexDouble`: `Double.toHexString` of `d` (without `0x`), its
/// significand first rounded to `prec` hex digits (1 to 12; else as is),
/// half to even; a subnormal is written normalized.
fn hex_digits(d: f64, prec: usize) -> String {
    let plain = |d: f64| {
        let h = super::statics::double_hex(d);
        h.get(2..).unwrap_or("").to_string()
    };
    if !d.is_finite() || d == 0.0 || prec == 0 || prec >= 13 {
        return plain(d);
    }
    let subnormal = d.to_bits() >> 52 & 0x7ff == 0;
    // Scaled up by 2^54 to be normal.
    let d = if subnormal {
        d * f64::from_bits((1023 + 54) << 52)
    } else {
        d
    };
    let shift = 53 - (1 + 4 * prec as u32);
    let bits = d.to_bits();
    let mut signif = (bits & 0x7fff_ffff_ffff_ffff) >> shift;
    let rounding = bits & !(!0u64 << shift);
    let round = rounding & (1 << (shift - 1)) != 0;
    let sticky = shift > 1 && rounding & !(1 << (shift - 1)) != 0;
    let least_zero = signif & 1 == 0;
    // Half to even.
    if round && (sticky || !least_zero) {
        signif += 1;
    }
    let result = f64::from_bits((bits & (1 << 63)) | signif << shift);
    if result.is_infinite() {
        return "1.0p1024".into();
    }
    let res = plain(result);
    if !subnormal {
        return res;
    }
    match res.split_once('p') {
        Some((m, e)) => format!("{m}p{}", e.parse::<i32>().unwrap_or(0) - 54),
        None => res,
    }
}

/// `%a` of a finite magnitude.
fn hex_float(spec: &Spec, v: f64, negative: bool, sb: &mut String) -> Result<(), String> {
    let prec = match spec.precision {
        None => 0,
        Some(0) => 1,
        Some(p) => p,
    };
    let prec = fits(prec)?;
    let hex = hex_digits(v, prec);
    sb.push_str(if spec.upper { "0X" } else { "0x" });
    if spec.has(ZERO) {
        let lead = if spec.has(SPACE) || spec.has(PLUS) || negative {
            3
        } else {
            2
        };
        let pad = fits(spec.width.unwrap_or(0).saturating_sub(hex.len() + lead))?;
        sb.push_str(&"0".repeat(pad));
    }
    let (mant, p) = hex.split_once('p').unwrap_or((&hex, "0"));
    let mut mant = if spec.upper {
        mant.to_ascii_uppercase()
    } else {
        mant.to_string()
    };
    if prec != 0 {
        // addZeros: the fraction padded to `prec` digits.
        let frac = mant.split_once('.').map_or(0, |(_, f)| f.len());
        if !mant.contains('.') {
            mant.push('.');
        }
        mant.push_str(&"0".repeat(prec.saturating_sub(frac)));
    }
    sb.push_str(&mant);
    sb.push(if spec.upper { 'P' } else { 'p' });
    sb.push_str(p);
    Ok(())
}

/// The first instant of the Gregorian calendar (1582-10-15T00:00:00Z), in
/// milliseconds: `GregorianCalendar` reads earlier ones in the Julian one.
const GREGORIAN_START_MS: i64 = -12_219_292_800_000;

/// The year, month (1..=12) and day of a count of days since 1970-01-01, in
/// the proleptic Gregorian calendar.
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Days since 1970-01-01 of a date (the inverse of [`civil`]).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// The year, month and day of a count of days since 1970-01-01 in the
/// Julian calendar (astronomical years: 0 is 1 BC).
fn julian(days: i64) -> (i64, i64, i64) {
    let c = days + 2_440_588 + 32_082;
    let d = (4 * c + 3).div_euclid(1461);
    let e = c - (1461 * d).div_euclid(4);
    let m = (5 * e + 2).div_euclid(153);
    let day = e - (153 * m + 2).div_euclid(5) + 1;
    let month = m + 3 - 12 * m.div_euclid(10);
    (d - 4800 + m.div_euclid(10), month, day)
}

/// Days since 1970-01-01 of a Julian calendar date (the inverse of [`julian`]).
fn days_from_julian(y: i64, m: i64, d: i64) -> i64 {
    let a = (14 - m).div_euclid(12);
    let y = y + 4800 - a;
    let m = m + 12 * a - 3;
    d + (153 * m + 2).div_euclid(5) + 365 * y + y.div_euclid(4) - 32_083 - 2_440_588
}

/// `%t…` of a Long (milliseconds since the epoch), in UTC, as the
/// reference renderer's JVM formats it: `GregorianCalendar`, so a date
/// before 1582-10-15 is in the Julian calendar, and a year before 1 AD is
/// written as its year of the era (1 BC is `0001`).
fn print_date(spec: &Spec, millis: i64, out: &mut String) -> Result<(), String> {
    let days = millis.div_euclid(86_400_000);
    let ms = millis.rem_euclid(86_400_000);
    let gregorian = millis >= GREGORIAN_START_MS;
    let (astronomical, month, day) = if gregorian { civil(days) } else { julian(days) };
    // The day of the year counts the days the calendar had (1582 lost ten).
    let year_start = if gregorian && astronomical > 1582 {
        days_from_civil(astronomical, 1, 1)
    } else {
        days_from_julian(astronomical, 1, 1)
    };
    let day_of_year = days - year_start + 1;
    let year = if astronomical <= 0 {
        1 - astronomical
    } else {
        astronomical
    };
    let (hour, minute, second, milli) =
        (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    let month_name = MONTHS
        .get(usize::try_from(month - 1).unwrap_or(0))
        .copied()
        .unwrap_or("");
    let weekday = WEEKDAYS
        .get(usize::try_from((days + 4).rem_euclid(7)).unwrap_or(0))
        .copied()
        .unwrap_or("");
    let short = |s: &str| s.get(..3).unwrap_or(s).to_string();
    let hour12 = if hour % 12 == 0 { 12 } else { hour % 12 };
    let ampm = if hour < 12 { "am" } else { "pm" };
    let one = |c: char| -> String {
        match c {
            'H' => format!("{hour:02}"),
            'I' => format!("{hour12:02}"),
            'k' => hour.to_string(),
            'l' => hour12.to_string(),
            'M' => format!("{minute:02}"),
            'S' => format!("{second:02}"),
            'L' => format!("{milli:03}"),
            'N' => format!("{:09}", milli * 1_000_000),
            'p' => ampm.to_string(),
            'z' => "+0000".to_string(),
            'Z' => "UTC".to_string(),
            's' => (millis / 1000).to_string(),
            'Q' => millis.to_string(),
            'B' => month_name.to_string(),
            'b' | 'h' => short(month_name),
            'A' => weekday.to_string(),
            'a' => short(weekday),
            'C' => format!("{:02}", year / 100),
            'Y' => format!("{year:04}"),
            'y' => format!("{:02}", year % 100),
            'j' => format!("{day_of_year:03}"),
            'm' => format!("{month:02}"),
            'd' => format!("{day:02}"),
            _ => format!("{day}"),
        }
    };
    let s = match spec.conv {
        'R' => format!("{}:{}", one('H'), one('M')),
        'T' => format!("{}:{}:{}", one('H'), one('M'), one('S')),
        'r' => format!(
            "{}:{}:{} {}",
            one('I'),
            one('M'),
            one('S'),
            ampm.to_ascii_uppercase()
        ),
        'D' => format!("{}/{}/{}", one('m'), one('d'), one('y')),
        'F' => format!("{}-{}-{}", one('Y'), one('m'), one('d')),
        'c' => format!(
            "{} {} {} {}:{}:{} {} {}",
            one('a'),
            one('b'),
            one('d'),
            one('H'),
            one('M'),
            one('S'),
            one('Z'),
            one('Y')
        ),
        c => one(c),
    };
    if spec.upper {
        justify(spec, &s.to_uppercase(), out)
    } else {
        justify(spec, &s, out)
    }
}
