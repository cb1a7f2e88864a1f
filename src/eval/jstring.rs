//! Java strings (UTF-16) in Rust strings (UTF-8): lone surrogates.
//!
//! A Java string is any sequence of UTF-16 units, so it can hold a surrogate
//! without its pair: a request body with `"\ud800"` is read by json-smart as a
//! one-unit string, `$util.escapeJavaScript` writes it `\uD800`, `length()` is
//! 1, and when the rendered body is sent, Java's UTF-8 encoder writes it `?`.
//! A Rust string cannot hold one. The engine stands in for each lone surrogate
//! U+D800..U+DFFF with one code point of Unicode's last private-use block,
//! U+10F800..U+10FFFF ([`lone`]), made only where Java makes lone surrogates:
//! the body reader's `\uXXXX` escapes, and methods that cut strings in UTF-16
//! units (`substring`, `charAt`, … in the middle of a pair). The places where
//! Java shows the units map them back:
//!
//! - UTF-16 views ([`units`], [`from_units`]): `length`, `charAt`, `indexOf`,
//!   `substring`, `hashCode`, comparisons;
//! - `escapeJavaScript` writes `\uD800`;
//! - Java's UTF-8 encoding ([`java_utf8`]) writes `?`: `urlEncode`,
//!   `base64Encode`, `getBytes`, and the rendered body and overrides when the
//!   render made any (noted on its budget, so other renders pay nothing).
//!
//! What remains: a body or template that holds a real character of
//! U+10F800..U+10FFFF (private use, unassigned by any standard) is taken for a
//! lone surrogate in those places when the same render also read one.

use std::borrow::Cow;

/// The first of the code points that stand in for lone surrogates.
const BASE: u32 = 0x10_F800;

/// The code point of the surrogate pair `hi`, `lo` (`Character.toCodePoint`);
/// `None` unless `hi` is a high surrogate and `lo` a low one.
pub fn pair(hi: u16, lo: u16) -> Option<i32> {
    if (0xD800..0xDC00).contains(&hi) && (0xDC00..0xE000).contains(&lo) {
        Some(0x10000 + ((i32::from(hi) - 0xD800) << 10) + (i32::from(lo) - 0xDC00))
    } else {
        None
    }
}

/// The stand-in for the lone surrogate `unit` (U+D800..U+DFFF); `None` for
/// any other unit.
pub fn lone(unit: u16) -> Option<char> {
    if (0xD800..=0xDFFF).contains(&unit) {
        char::from_u32(BASE + u32::from(unit - 0xD800))
    } else {
        None
    }
}

/// The character of the UTF-16 unit `unit` (a Java `char`): a surrogate's
/// stand-in.
pub fn unit_char(unit: u16) -> char {
    char::from_u32(u32::from(unit))
        .or_else(|| lone(unit))
        .unwrap_or('\u{FFFD}')
}

/// The lone surrogate `c` stands in for, if it stands in for one.
pub fn as_lone(c: char) -> Option<u16> {
    let v = c as u32;
    if (BASE..=BASE + 0x7FF).contains(&v) {
        u16::try_from(v - BASE + 0xD800).ok()
    } else {
        None
    }
}

/// Does `s` hold a stand-in (cheap: their UTF-8 starts with the byte 0xF4 0x8F)?
pub fn has_lone(s: &str) -> bool {
    s.as_bytes().contains(&0xF4) && s.chars().any(|c| as_lone(c).is_some())
}

/// The UTF-16 units of `s` as Java has them (a stand-in is its one unit).
pub fn units(s: &str) -> impl Iterator<Item = u16> + '_ {
    s.chars().flat_map(char_units)
}

/// The UTF-16 units of `c` as Java has them (a stand-in is its one unit).
pub fn char_units(c: char) -> impl Iterator<Item = u16> {
    let mut buf = [0u16; 2];
    let n = match as_lone(c) {
        Some(u) => {
            buf[0] = u;
            1
        }
        None => c.encode_utf16(&mut buf).len(),
    };
    buf.into_iter().take(n)
}

/// The number of UTF-16 units of `s` (Java's `length()`).
pub fn units_len(s: &str) -> usize {
    if s.is_ascii() {
        return s.len();
    }
    s.chars()
        .map(|c| {
            if as_lone(c).is_some() {
                1
            } else {
                c.len_utf16()
            }
        })
        .sum()
}

/// A string of UTF-16 units, a surrogate without its pair as its stand-in.
/// The flag: whether there was one.
pub fn from_units(units: &[u16]) -> (String, bool) {
    let mut out = String::with_capacity(units.len());
    let mut any = false;
    for r in char::decode_utf16(units.iter().copied()) {
        match r {
            Ok(c) => out.push(c),
            Err(e) => {
                any = true;
                out.push(lone(e.unpaired_surrogate()).unwrap_or('\u{FFFD}'));
            }
        }
    }
    (out, any)
}

/// `s` as Java's UTF-8 encoder writes it: a lone surrogate as `?`. Two
/// stand-ins in a row that make a pair are one character ([`paired`]).
pub fn java_utf8(s: &str) -> Cow<'_, str> {
    if !has_lone(s) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        paired(s)
            .chars()
            .map(|c| if as_lone(c).is_some() { '?' } else { c })
            .collect(),
    )
}

/// `s` with each two stand-ins in a row that make a surrogate pair (a high
/// one, then a low one) made the pair's character: in Java, text put
/// together from halves (`"$s.substring(0, 1)$s.substring(1)"` of an emoji)
/// holds the two units side by side, a whole character.
pub fn paired(s: &str) -> Cow<'_, str> {
    if !has_lone(s) {
        return Cow::Borrowed(s);
    }
    // Back to the units, which `from_units` decodes, pairs and all.
    let units: Vec<u16> = units(s).collect();
    Cow::Owned(from_units(&units).0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stand_ins_round_trip() {
        for u in [0xD800u16, 0xDBFF, 0xDC00, 0xDFFF] {
            let c = lone(u).unwrap_or('x');
            assert_eq!(as_lone(c), Some(u));
        }
        assert_eq!(lone(0x41), None);
        assert_eq!(as_lone('A'), None);
        assert!(as_lone('\u{10FFFD}').is_some());
        let (s, any) = from_units(&[0x61, 0xD800, 0x62, 0xD83D, 0xDE00]);
        assert!(any);
        assert_eq!(
            units(&s).collect::<Vec<_>>(),
            [0x61, 0xD800, 0x62, 0xD83D, 0xDE00]
        );
        assert_eq!(units_len(&s), 5);
        assert_eq!(java_utf8(&s), "a?b\u{1F600}");
        // The halves of a pair, cut apart and put side by side again.
        let (hi, _) = from_units(&[0xD83D]);
        let (lo, _) = from_units(&[0xDE00]);
        assert_eq!(java_utf8(&format!("{hi}{lo}")), "\u{1F600}");
        assert_eq!(java_utf8(&format!("{lo}{hi}")), "??");
        assert_eq!(java_utf8(&format!("{hi}{hi}{lo}")), "?\u{1F600}");
    }
}

/// The charsets `String.getBytes(charsetName)` encodes here, by the names
/// and aliases Java's `Charset.forName` knows them by (without regard to
/// case). Java has more (Shift_JIS, GBK, …): those are not supported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    Utf8,
    Ascii,
    Latin1,
    Windows1252,
    /// UTF-16 with a byte-order mark, big-endian (Java's `UTF-16` encoder).
    Utf16,
    Utf16Be,
    Utf16Le,
    /// `UTF-32` (big-endian, no mark) and `UTF-32BE`.
    Utf32Be,
    Utf32Le,
}

impl Charset {
    /// The charset Java's `Charset.forName(name)` finds, among these.
    pub fn named(name: &str) -> Option<Charset> {
        const NAMES: &[(&str, Charset)] = &[
            ("utf-8", Charset::Utf8),
            ("utf8", Charset::Utf8),
            ("unicode-1-1-utf-8", Charset::Utf8),
            ("us-ascii", Charset::Ascii),
            ("ascii", Charset::Ascii),
            ("default", Charset::Ascii),
            ("us", Charset::Ascii),
            ("iso646-us", Charset::Ascii),
            ("iso-ir-6", Charset::Ascii),
            ("ansi_x3.4-1968", Charset::Ascii),
            ("ansi_x3.4-1986", Charset::Ascii),
            ("iso_646.irv:1991", Charset::Ascii),
            ("iso_646.irv:1983", Charset::Ascii),
            ("cp367", Charset::Ascii),
            ("ibm367", Charset::Ascii),
            ("csascii", Charset::Ascii),
            ("646", Charset::Ascii),
            ("ascii7", Charset::Ascii),
            ("iso-8859-1", Charset::Latin1),
            ("iso8859_1", Charset::Latin1),
            ("iso_8859_1", Charset::Latin1),
            ("iso-ir-100", Charset::Latin1),
            ("iso_8859-1", Charset::Latin1),
            ("latin1", Charset::Latin1),
            ("l1", Charset::Latin1),
            ("ibm819", Charset::Latin1),
            ("cp819", Charset::Latin1),
            ("csisolatin1", Charset::Latin1),
            ("819", Charset::Latin1),
            ("ibm-819", Charset::Latin1),
            ("iso8859-1", Charset::Latin1),
            ("iso_8859-1:1987", Charset::Latin1),
            ("8859_1", Charset::Latin1),
            ("windows-1252", Charset::Windows1252),
            ("cp1252", Charset::Windows1252),
            ("cp5348", Charset::Windows1252),
            ("ibm-1252", Charset::Windows1252),
            ("ibm1252", Charset::Windows1252),
            ("utf-16", Charset::Utf16),
            ("utf_16", Charset::Utf16),
            ("utf16", Charset::Utf16),
            ("unicode", Charset::Utf16),
            ("unicodebig", Charset::Utf16),
            ("utf-16be", Charset::Utf16Be),
            ("utf_16be", Charset::Utf16Be),
            ("iso-10646-ucs-2", Charset::Utf16Be),
            ("x-utf-16be", Charset::Utf16Be),
            ("unicodebigunmarked", Charset::Utf16Be),
            ("utf-16le", Charset::Utf16Le),
            ("utf_16le", Charset::Utf16Le),
            ("x-utf-16le", Charset::Utf16Le),
            ("unicodelittleunmarked", Charset::Utf16Le),
            ("utf-32", Charset::Utf32Be),
            ("utf_32", Charset::Utf32Be),
            ("utf32", Charset::Utf32Be),
            ("utf-32be", Charset::Utf32Be),
            ("utf_32be", Charset::Utf32Be),
            ("x-utf-32be", Charset::Utf32Be),
            ("utf-32le", Charset::Utf32Le),
            ("utf_32le", Charset::Utf32Le),
            ("x-utf-32le", Charset::Utf32Le),
        ];
        NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(_, c)| c)
    }

    /// The bytes Java's encoder writes for `s`: a character the charset
    /// lacks is `?` (a surrogate pair one `?`), a lone surrogate is `?` in
    /// the 8-bit charsets and UTF-8 and U+FFFD in UTF-16 and UTF-32.
    pub fn encode(self, s: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(s.len());
        if self == Charset::Utf16 {
            out.extend_from_slice(&[0xfe, 0xff]);
        }
        let u: Vec<u16> = units(s).collect();
        let mut i = 0;
        while let Some(&c) = u.get(i) {
            // A code point, or `None` for a lone surrogate.
            let (cp, n) = match u.get(i + 1).and_then(|&lo| pair(c, lo)) {
                Some(cp) => (Some(cp as u32), 2),
                None if (0xd800..0xe000).contains(&c) => (None, 1),
                None => (Some(u32::from(c)), 1),
            };
            i += n;
            let byte = |max: u32| match cp {
                Some(cp) if cp < max => cp as u8,
                _ => b'?',
            };
            match self {
                Charset::Utf8 => match cp.and_then(char::from_u32) {
                    Some(ch) => {
                        let mut b = [0; 4];
                        out.extend_from_slice(ch.encode_utf8(&mut b).as_bytes());
                    }
                    None => out.push(b'?'),
                },
                Charset::Ascii => out.push(byte(0x80)),
                Charset::Latin1 => out.push(byte(0x100)),
                Charset::Windows1252 => out.push(match cp {
                    Some(cp) if !(0x80..0xa0).contains(&cp) && cp < 0x100 => cp as u8,
                    Some(cp) => WINDOWS_1252_HIGH
                        .iter()
                        .position(|&x| u32::from(x) == cp && x != 0)
                        .map_or(b'?', |p| 0x80 + p as u8),
                    None => b'?',
                }),
                Charset::Utf16 | Charset::Utf16Be | Charset::Utf16Le => {
                    let mut w = [0u16; 2];
                    let units: &[u16] = match cp.and_then(char::from_u32) {
                        Some(ch) => ch.encode_utf16(&mut w),
                        None => {
                            w[0] = 0xfffd;
                            &w[..1]
                        }
                    };
                    for x in units {
                        if self == Charset::Utf16Le {
                            out.extend_from_slice(&x.to_le_bytes());
                        } else {
                            out.extend_from_slice(&x.to_be_bytes());
                        }
                    }
                }
                Charset::Utf32Be => out.extend_from_slice(&cp.unwrap_or(0xfffd).to_be_bytes()),
                Charset::Utf32Le => out.extend_from_slice(&cp.unwrap_or(0xfffd).to_le_bytes()),
            }
        }
        out
    }
}

/// What windows-1252 writes as 0x80 to 0x9F (0: nothing).
const WINDOWS_1252_HIGH: [u16; 32] = [
    0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039,
    0x0152, 0, 0x017d, 0, 0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc,
    0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];
