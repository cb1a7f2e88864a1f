//! `java.lang.Character`: what `charAt` returns and a `char[]` holds.
//!
//! A `Character` is no string: `$s.charAt(0).equals("a")` is false, a map
//! key `'a'` is not the key `"a"`, and a `String` method that wants text
//! (`contains`, `indexOf`) finds no method for it. It prints as its text,
//! and Velocity's `==` compares it with a string by that text. Its own
//! methods are `charValue` and `compareTo`; the class's static methods
//! (`isDigit`, `toUpperCase`, …) are called through any `Character`, as
//! 1.7 calls statics. A `char` parameter takes only a `Character`; the
//! `int` overloads (code points) take an `Integer`.
//!
//! Character classes follow Unicode's general categories (the
//! `unicode-general-category` tables, Unicode 16; the reference JVM's are
//! older, so characters assigned since are unassigned there).

use unicode_general_category::{get_general_category, GeneralCategory as G};

use super::{err, ok, MResult};
use crate::eval::budget::Budget;
use crate::eval::jstring;
use crate::eval::value::{ArrayOf, Value};

/// A `Character` made by a method: a surrogate is noted on `budget`, as
/// every lone surrogate the render makes (see [`jstring`]).
pub(super) fn char_value(unit: u16, budget: &Budget) -> Value {
    if (0xD800..0xE000).contains(&unit) {
        budget.note_lone_surrogate();
    }
    Value::Char(unit)
}

/// A `char` parameter: only a `Character` fits.
fn char_p(v: &Value) -> Option<u16> {
    match v {
        Value::Char(c) => Some(*c),
        _ => None,
    }
}

/// An `int` parameter: an `Integer`, `Short` or `Byte` fits.
fn int_p(v: &Value) -> Option<i32> {
    v.int_like()
}

/// A `char` or an `int` (code point) argument, as a code point.
fn point_p(v: &Value) -> Option<i32> {
    match v {
        Value::Char(c) => Some(i32::from(*c)),
        v => v.int_like(),
    }
}

/// The method `name` of the `Character` `c`.
pub(super) fn method(c: u16, name: &str, args: &[Value], budget: &Budget) -> MResult {
    match (name, args) {
        ("charValue", []) => ok(Value::Char(c)),
        ("compareTo", [Value::Char(o)]) => ok(Value::Int(i32::from(c) - i32::from(*o))),
        // The bridge `compareTo(Object)` casts.
        ("compareTo", [o]) => super::number::compare_mismatch(&Value::Char(c), o),
        ("describeConstable", []) => ok(super::optional::ConstantDesc::cast(i32::from(c), "char")),
        _ => statics(name, args, budget),
    }
}

/// `Character`'s static methods.
fn statics(name: &str, args: &[Value], budget: &Budget) -> MResult {
    // The `char` overload returns a Character, the `int` one an Integer.
    let mapped = |f: fn(char) -> char| -> MResult {
        match args {
            [Value::Char(c)] => {
                let m = char::from_u32(u32::from(*c)).map_or(*c, |x| unit_of(f(x), *c));
                ok(Value::Char(m))
            }
            [v] => {
                let i = v.int_like()?;
                let m = u32::try_from(i)
                    .ok()
                    .and_then(char::from_u32)
                    .map_or(i, |x| f(x) as i32);
                ok(Value::Int(m))
            }
            _ => None,
        }
    };
    let test = |f: fn(i32) -> bool| -> MResult {
        match args {
            [a] => ok(Value::Bool(f(point_p(a)?))),
            _ => None,
        }
    };
    match name {
        "isDigit" => test(|p| category(p) == Some(G::DecimalNumber)),
        "isLetter" => test(|p| category(p).is_some_and(is_letter)),
        "isLetterOrDigit" => {
            test(|p| category(p).is_some_and(|g| is_letter(g) || g == G::DecimalNumber))
        }
        // Only a code point: there is no `char` overload.
        "isAlphabetic" => match args {
            [a] => ok(Value::Bool(
                point(int_p(a)?).is_some_and(char::is_alphabetic),
            )),
            _ => None,
        },
        "isWhitespace" => test(|p| point(p).is_some_and(super::string::java_is_whitespace)),
        "isSpaceChar" => test(|p| {
            matches!(
                category(p),
                Some(G::SpaceSeparator | G::LineSeparator | G::ParagraphSeparator)
            )
        }),
        "isUpperCase" => test(|p| point(p).is_some_and(char::is_uppercase)),
        "isLowerCase" => test(|p| point(p).is_some_and(char::is_lowercase)),
        "isTitleCase" => test(|p| category(p) == Some(G::TitlecaseLetter)),
        "isJavaIdentifierStart" => test(|p| {
            category(p).is_some_and(|g| {
                is_letter(g)
                    || matches!(
                        g,
                        G::LetterNumber | G::CurrencySymbol | G::ConnectorPunctuation
                    )
            })
        }),
        "isJavaIdentifierPart" => test(|p| {
            category(p).is_some_and(|g| {
                is_letter(g)
                    || g == G::Format
                    || matches!(
                        g,
                        G::LetterNumber
                            | G::CurrencySymbol
                            | G::ConnectorPunctuation
                            | G::DecimalNumber
                            | G::NonspacingMark
                            | G::SpacingMark
                    )
            }) || identifier_ignorable(p)
        }),
        "isIdentifierIgnorable" => test(identifier_ignorable),
        "isISOControl" => test(|p| (0..=0x1F).contains(&p) || (0x7F..=0x9F).contains(&p)),
        "isDefined" => test(|p| category(p).is_some_and(|g| g != G::Unassigned)),
        "isSurrogate" => match args {
            [a] => ok(Value::Bool((0xD800..0xE000).contains(&char_p(a)?))),
            _ => None,
        },
        "isHighSurrogate" => match args {
            [a] => ok(Value::Bool((0xD800..0xDC00).contains(&char_p(a)?))),
            _ => None,
        },
        "isLowSurrogate" => match args {
            [a] => ok(Value::Bool((0xDC00..0xE000).contains(&char_p(a)?))),
            _ => None,
        },
        "isValidCodePoint" | "isBmpCodePoint" | "isSupplementaryCodePoint" => {
            let p = int_p(args.first()?)?;
            if args.len() != 1 {
                return None;
            }
            ok(Value::Bool(match name {
                "isValidCodePoint" => (0..=0x10FFFF).contains(&p),
                "isBmpCodePoint" => (0..=0xFFFF).contains(&p),
                _ => (0x10000..=0x10FFFF).contains(&p),
            }))
        }
        "toUpperCase" => mapped(upper),
        "toLowerCase" => mapped(lower),
        "getNumericValue" => match args {
            [a] => ok(Value::Int(numeric_value(point_p(a)?))),
            _ => None,
        },
        "digit" => match args {
            [a, r] => {
                let (p, radix) = (point_p(a)?, int_p(r)?);
                ok(Value::Int(digit(p, radix)))
            }
            _ => None,
        },
        "forDigit" => match args {
            [d, r] => {
                let (d, radix) = (int_p(d)?, int_p(r)?);
                let c = if (2..=36).contains(&radix) && (0..radix).contains(&d) {
                    if d < 10 {
                        b'0' + d as u8
                    } else {
                        b'a' + (d - 10) as u8
                    }
                } else {
                    0
                };
                ok(Value::Char(u16::from(c)))
            }
            _ => None,
        },
        "getType" => match args {
            [a] => ok(Value::Int(java_type(point_p(a)?))),
            _ => None,
        },
        "valueOf" => match args {
            [a] => ok(Value::Char(char_p(a)?)),
            _ => None,
        },
        "toString" => match args {
            [Value::Char(c)] => ok(Value::str(jstring::unit_char(*c).encode_utf8(&mut [0; 4]))),
            // `toString(int)`: the text of a code point.
            [Value::Int(_) | Value::Short(_) | Value::Byte(_)] => match args
                .first()
                .and_then(Value::int_like)
                .and_then(code_point_units)
            {
                Some(u) => {
                    let (s, lone) = jstring::from_units(&u);
                    if lone {
                        budget.note_lone_surrogate();
                    }
                    ok(Value::str(&s))
                }
                None => invalid_code_point(args.first()?.int_like()?),
            },
            _ => None,
        },
        "compare" => match args {
            [a, b] => ok(Value::Int(i32::from(char_p(a)?) - i32::from(char_p(b)?))),
            _ => None,
        },
        "hashCode" => match args {
            [a] => ok(Value::Int(i32::from(char_p(a)?))),
            _ => None,
        },
        "reverseBytes" => match args {
            [a] => ok(char_value(char_p(a)?.swap_bytes(), budget)),
            _ => None,
        },
        "charCount" => match args {
            [a] => ok(Value::Int(if int_p(a)? >= 0x10000 { 2 } else { 1 })),
            _ => None,
        },
        "toChars" => match args {
            [a] => {
                let p = int_p(a)?;
                match code_point_units(p) {
                    Some(u) => ok(Value::new_array(
                        ArrayOf::Chars,
                        u.iter().map(|&u| char_value(u, budget)).collect(),
                        budget,
                    )),
                    None => invalid_code_point(p),
                }
            }
            _ => None,
        },
        // `codePointAt(CharSequence, int)` of a string, and of a `char[]`.
        "codePointAt" | "codePointBefore" => {
            let (seq, i) = match args {
                [seq, i] => (seq, int_p(i)?),
                _ => return None,
            };
            let (units, array): (Vec<u16>, bool) = match seq {
                Value::Str(s) => (jstring::units(s).collect(), false),
                Value::List(l) => {
                    let l = l.try_borrow().ok()?;
                    if l.array.map(|a| a.of) != Some(ArrayOf::Chars) {
                        return None;
                    }
                    let u = l.items.iter().map(|v| char_p(v).unwrap_or(0)).collect();
                    (u, true)
                }
                _ => return None,
            };
            let at = |k: i32| usize::try_from(k).ok().and_then(|k| units.get(k).copied());
            // (Java's int arithmetic wraps.)
            let (first, second) = if name == "codePointAt" {
                (i, i.wrapping_add(1))
            } else {
                (i.wrapping_sub(1), i.wrapping_sub(2))
            };
            let Some(c) = at(first) else {
                return err(if array {
                    format!(
                        "java.lang.ArrayIndexOutOfBoundsException: Index {first} out of bounds for length {}",
                        units.len()
                    )
                } else {
                    // (`String.charAt`'s.)
                    format!("java.lang.StringIndexOutOfBoundsException: String index out of range: {first}")
                });
            };
            let pair = at(second).and_then(|other| match name {
                "codePointAt" => jstring::pair(c, other),
                _ => jstring::pair(other, c),
            });
            ok(Value::Int(pair.unwrap_or(i32::from(c))))
        }
        "toCodePoint" => match args {
            [h, l] => {
                let (h, l) = (i32::from(char_p(h)?), i32::from(char_p(l)?));
                ok(Value::Int(
                    ((h << 10) + l).wrapping_add(0x10000 - (0xD800 << 10) - 0xDC00),
                ))
            }
            _ => None,
        },
        _ => None,
    }
}

/// `Character.isIdentifierIgnorable`: the controls that are no blanks, and
/// format characters.
fn identifier_ignorable(p: i32) -> bool {
    matches!(p, 0..=8 | 0xE..=0x1B | 0x7F..=0x9F) || category(p) == Some(G::Format)
}

/// `Character.toChars`'s failure.
fn invalid_code_point(p: i32) -> MResult {
    err(format!(
        "java.lang.IllegalArgumentException: Not a valid Unicode code point: 0x{:X}",
        p as u32
    ))
}

/// The UTF-16 units of the code point `p`, if it is one.
fn code_point_units(p: i32) -> Option<Vec<u16>> {
    match u32::try_from(p).ok()? {
        u @ 0..=0xFFFF => Some(vec![u as u16]),
        u @ 0x10000..=0x10FFFF => {
            let v = u - 0x10000;
            Some(vec![0xD800 + (v >> 10) as u16, 0xDC00 + (v & 0x3FF) as u16])
        }
        _ => None,
    }
}

/// The code point `p` as a character (not a surrogate, not out of range).
fn point(p: i32) -> Option<char> {
    u32::try_from(p).ok().and_then(char::from_u32)
}

/// The general category of the code point `p`; a surrogate's is
/// [`G::Surrogate`], `None` past Unicode's range.
fn category(p: i32) -> Option<G> {
    match u32::try_from(p).ok()? {
        0xD800..=0xDFFF => Some(G::Surrogate),
        u => char::from_u32(u).map(get_general_category),
    }
}

fn is_letter(g: G) -> bool {
    matches!(
        g,
        G::UppercaseLetter
            | G::LowercaseLetter
            | G::TitlecaseLetter
            | G::ModifierLetter
            | G::OtherLetter
    )
}

/// The UTF-16 unit of `c`, when it is one unit; else `keep`.
fn unit_of(c: char, keep: u16) -> u16 {
    u16::try_from(c as u32).unwrap_or(keep)
}

/// Java's simple (one-to-one) upper-case mapping: a character whose full
/// mapping is several characters (`ß`) keeps itself.
fn upper(c: char) -> char {
    one(c.to_uppercase()).unwrap_or(c)
}

fn lower(c: char) -> char {
    // `İ`'s full mapping is two characters; its simple one is `i`.
    if c == '\u{130}' {
        return 'i';
    }
    one(c.to_lowercase()).unwrap_or(c)
}

fn one(mut it: impl Iterator<Item = char>) -> Option<char> {
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

/// The value of the decimal digit `p` (category Nd): its place in its run
/// of ten.
fn decimal_digit(p: i32) -> Option<i32> {
    if category(p) != Some(G::DecimalNumber) {
        return None;
    }
    // Unicode's decimal digits come in runs of ten, zero first, some runs
    // side by side (the mathematical digits).
    let mut n = 0;
    while n < 50 && category(p - n - 1) == Some(G::DecimalNumber) {
        n += 1;
    }
    Some(n % 10)
}

/// A Latin letter's digit value (ASCII or full-width `a`-`z`, `A`-`Z`): 10
/// to 35.
fn latin_letter_value(p: i32) -> Option<i32> {
    let base = [0x41, 0x61, 0xFF21, 0xFF41]
        .into_iter()
        .find(|b| (*b..b + 26).contains(&p))?;
    Some(p - base + 10)
}

/// `Character.digit(p, radix)`.
fn digit(p: i32, radix: i32) -> i32 {
    if !(2..=36).contains(&radix) {
        return -1;
    }
    match decimal_digit(p).or_else(|| latin_letter_value(p)) {
        Some(v) if v < radix => v,
        _ => -1,
    }
}

/// `Character.getNumericValue`: a decimal digit's value, a Latin letter's
/// 10 to 35, the common numeric characters' value (`²`, `Ⅻ`, `½` is -2:
/// not an integer), else -1.
fn numeric_value(p: i32) -> i32 {
    if let Some(v) = decimal_digit(p).or_else(|| latin_letter_value(p)) {
        return v;
    }
    match p {
        0xB2 => 2,
        0xB3 => 3,
        0xB9 => 1,
        0x2070 => 0,
        0x2074..=0x2079 => p - 0x2070,
        0x2080..=0x2089 => p - 0x2080,
        // Vulgar fractions: not integers.
        0xBC..=0xBE | 0x2150..=0x215F | 0x2189 => -2,
        // Roman numerals, upper and lower case.
        0x2160..=0x216B => p - 0x215F,
        0x2170..=0x217B => p - 0x216F,
        0x216C | 0x217C => 50,
        0x216D | 0x217D => 100,
        0x216E | 0x217E => 500,
        0x216F | 0x217F => 1000,
        // Circled and parenthesized numbers.
        0x2460..=0x2473 => p - 0x245F,
        0x2474..=0x2487 => p - 0x2473,
        0x2488..=0x249B => p - 0x2487,
        0x24EA => 0,
        _ => -1,
    }
}

/// `Character.getType`: Java's number for the general category.
fn java_type(p: i32) -> i32 {
    let Some(g) = category(p) else {
        return 0;
    };
    match g {
        G::Unassigned => 0,
        G::UppercaseLetter => 1,
        G::LowercaseLetter => 2,
        G::TitlecaseLetter => 3,
        G::ModifierLetter => 4,
        G::OtherLetter => 5,
        G::NonspacingMark => 6,
        G::EnclosingMark => 7,
        G::SpacingMark => 8,
        G::DecimalNumber => 9,
        G::LetterNumber => 10,
        G::OtherNumber => 11,
        G::SpaceSeparator => 12,
        G::LineSeparator => 13,
        G::ParagraphSeparator => 14,
        G::Control => 15,
        G::Format => 16,
        G::PrivateUse => 18,
        G::Surrogate => 19,
        G::DashPunctuation => 20,
        G::OpenPunctuation => 21,
        G::ClosePunctuation => 22,
        G::ConnectorPunctuation => 23,
        G::OtherPunctuation => 24,
        G::MathSymbol => 25,
        G::CurrencySymbol => 26,
        G::ModifierSymbol => 27,
        G::OtherSymbol => 28,
        G::InitialPunctuation => 29,
        G::FinalPunctuation => 30,
        // (The table's type is open to new categories.)
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_and_numeric_values() {
        assert_eq!(decimal_digit('7' as i32), Some(7));
        // Devanagari and mathematical digits.
        assert_eq!(decimal_digit(0x096A), Some(4));
        assert_eq!(decimal_digit(0x1D7D9), Some(1));
        assert_eq!(digit('f' as i32, 16), 15);
        assert_eq!(digit('g' as i32, 16), -1);
        assert_eq!(digit('7' as i32, 1), -1);
        assert_eq!(numeric_value('Z' as i32), 35);
        assert_eq!(numeric_value(0x216B), 12);
        assert_eq!(numeric_value(0xBD), -2);
        assert_eq!(numeric_value('%' as i32), -1);
    }

    #[test]
    fn code_point_indexes_wrap_as_java_ints() {
        let b = Budget::unmetered();
        let r = method(
            97,
            "codePointBefore",
            &[Value::str("ab"), Value::Int(i32::MIN)],
            &b,
        );
        let Some(Err(e)) = r else {
            panic!("no error: {r:?}");
        };
        assert!(
            e.to_string()
                .ends_with("String index out of range: 2147483647"),
            "{e}"
        );
        let r = method(
            97,
            "codePointAt",
            &[Value::str("ab"), Value::Int(i32::MAX)],
            &b,
        );
        assert!(matches!(r, Some(Err(_))));
    }

    #[test]
    fn cases_and_types() {
        assert_eq!(upper('ß'), 'ß');
        assert_eq!(upper('a'), 'A');
        assert_eq!(lower('\u{130}'), 'i');
        assert_eq!(java_type('a' as i32), 2);
        assert_eq!(java_type(0xD800), 19);
        assert_eq!(java_type(0x11_0000), 0);
        assert_eq!(code_point_units(0x1F600), Some(vec![0xD83D, 0xDE00]));
        assert_eq!(code_point_units(-1), None);
    }
}
