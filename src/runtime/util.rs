//! API Gateway's `$util` functions as the Java code behind them behaves
//! (commons-lang 2.6, `java.net.URLEncoder`/`URLDecoder`, `java.util.Base64`,
//! json-smart in permissive mode). Errors carry Java's exception message.

use base64::Engine as _;

use crate::eval::jstring;

pub use super::json::MAX_JSON_DEPTH;

/// commons-lang 2.6 `StringEscapeUtils.escapeJavaScript`.
pub fn escape_javascript(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8 + 8);
    escape_javascript_into(s, &mut out);
    out
}

/// Which ASCII bytes `escapeJavaScript` leaves as they are.
static JS_PLAIN: [bool; 128] = JS_PLAIN_ASCII;

/// The bytes of a body string's text that decoding keeps and
/// `escapeJavaScript` leaves as they are: [`JS_PLAIN`]'s, but DEL (which
/// decoding drops).
pub(super) static JS_DECODED_PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 128 {
        t[i] = JS_PLAIN_ASCII[i];
        i += 1;
    }
    t[0x7f] = false;
    t
};

const JS_PLAIN_ASCII: [bool; 128] = {
    let mut t = [false; 128];
    let mut i = 0x20;
    while i < 128 {
        t[i] = true;
        i += 1;
    }
    t[b'\'' as usize] = false;
    t[b'"' as usize] = false;
    t[b'\\' as usize] = false;
    t[b'/' as usize] = false;
    t
};

/// [`escape_javascript`] appended to `out`: runs of plain characters are copied
/// at once, and the common escapes are written without decoding a character.
pub fn escape_javascript_into(s: &str, out: &mut String) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + bytes.len() / 8);
    if bytes.len() >= LONG {
        escape_long(s, out);
        return;
    }
    if bytes.len() < 16 && super::json::js_stops_from(bytes, 0) == 0 {
        // A short string with nothing to escape (most header values and
        // names): found with one mask.
        if !push_8_to_16(out, s) {
            crate::eval::print::push_short(out, s);
        }
        return;
    }
    let mut i = 0;
    while i < bytes.len() {
        let run = i;
        // To the first byte that needs an escape.
        i = super::json::run_end_in(bytes, i, super::json::js_escapes, |b| {
            JS_PLAIN.get(usize::from(b)).copied().unwrap_or(false)
        });
        if i > run {
            crate::eval::print::push_short(out, s.get(run..i).unwrap_or(""));
        }
        match escape_at(s, i, out) {
            Some(next) => i = next,
            None => break,
        }
    }
}

/// Appends `s` when it has 8 to 16 bytes, with two 8-byte stores that
/// overlap: the copy `push_str` makes with a call (and `push_short` too
/// where its lengths, matched one by one, are merged back into one
/// `memcpy` of a length known at run time). `false`: another length,
/// nothing written.
#[inline(always)]
fn push_8_to_16(out: &mut String, s: &str) -> bool {
    let b = s.as_bytes();
    let n = b.len();
    let (Some(head), Some(tail)) = (b.first_chunk::<8>(), b.last_chunk::<8>()) else {
        return false;
    };
    if n > 16 {
        return false;
    }
    out.reserve(n);
    let len = out.len();
    // SAFETY: `reserve` left room for `n` more bytes after the `len` the
    // string holds. The stores write bytes `len..len + 8` and
    // `len + n - 8..len + n` (8 <= n <= 16: within that room, and with no
    // gap between them) with the first and the last 8 bytes of `s`, so
    // bytes `len..len + n` are those of `s`, in order: the new length ends
    // the UTF-8 of `s` appended to the string's.
    unsafe {
        let v = out.as_mut_vec();
        let at = v.as_mut_ptr().add(len);
        at.cast::<[u8; 8]>().write_unaligned(*head);
        at.add(n - 8).cast::<[u8; 8]>().write_unaligned(*tail);
        v.set_len(len + n);
    }
    true
}

/// The character at `i` of `s`, one that ends a run, as
/// [`escape_javascript_into`] writes it: where `s` goes on (`None`: its end).
#[inline(always)]
fn escape_at(s: &str, i: usize, out: &mut String) -> Option<usize> {
    if let Some(&b @ (b'"' | b'\'' | b'/' | b'\\')) = s.as_bytes().get(i) {
        // The commonest: a backslash in front, without the character
        // decoded and matched.
        out.push('\\');
        out.push(char::from(b));
        return Some(i + 1);
    }
    let c = s.get(i..).and_then(|t| t.chars().next())?;
    escape_char(c, out);
    Some(i + c.len_utf8())
}

/// From this many bytes on, [`escape_javascript_into`] finds the bytes that
/// end runs 16 at a time ([`escape_long`]); a shorter string's runs end
/// where a word at a time finds them. The masks made a megabyte of JSON
/// text about a third faster to escape; from 16 bytes on they are also
/// quicker on header names and values (with 64 here, the all-params
/// template took 4,634 ns a render and the seed template 503 ns; with 16,
/// 4,567 and 488 ns, interleaved best of seven).
const LONG: usize = 16;

/// [`escape_javascript_into`] of a long string: the bytes that end a run are
/// found 16 at a time ([`super::json::js_runs`]).
#[inline(never)]
fn escape_long(s: &str, out: &mut String) {
    // The stops also take DEL, which `escape_char` writes as it is.
    super::json::js_runs::<false>(s, 0, out, |out, i| Some((escape_at(s, i, out)?, 0)));
}

/// One character as [`escape_javascript_into`] writes it.
#[inline]
pub(crate) fn escape_char(c: char, out: &mut String) {
    let u = u32::from(c);
    if (0x80..0x1_0000).contains(&u) {
        // Beyond ASCII, one UTF-16 unit (never a stand-in, which are above
        // 0xFFFF): the commonest case, without the matching below.
        super::json::push_unicode_escape(u, out);
        return;
    }
    let simple = match c {
        '\'' => "\\'",
        '"' => "\\\"",
        '\\' => "\\\\",
        '/' => "\\/",
        '\u{8}' => "\\b",
        '\u{c}' => "\\f",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        _ => "",
    };
    if !simple.is_empty() {
        out.push_str(simple);
        return;
    }
    if JS_PLAIN.get(c as usize).copied().unwrap_or(false) {
        out.push(c);
        return;
    }
    // Other controls, and everything above 0x7F as UTF-16 code units; a lone
    // surrogate as itself (see `crate::eval::jstring`).
    for unit in jstring::char_units(c) {
        super::json::push_unicode_escape(u32::from(unit), out);
    }
}

/// `URLEncoder.encode(s, "UTF-8")`: `A-Za-z0-9.-*_` kept, space as `+`,
/// other bytes of the UTF-8 form as upper-case `%XX`.
pub fn url_encode(s: &str) -> String {
    let mut out = String::new();
    url_encode_into(s, &mut out);
    out
}

/// [`url_encode`] appended to `out` (a lone surrogate as Java's encoder
/// writes it, `?`).
pub fn url_encode_into(s: &str, out: &mut String) {
    let bytes = jstring::java_utf8(s);
    // Most pieces are short (a `%XX`, a word): copied without a `memcpy` call.
    out.reserve(bytes.len() + bytes.len() / 2);
    for piece in form_urlencoded::byte_serialize(bytes.as_bytes()) {
        crate::eval::print::push_short(out, piece);
    }
}

/// `Character.digit(c, 16)` for ASCII and full-width digits and letters.
fn hex_digit(u: u16) -> Option<u32> {
    let c = char::from_u32(u32::from(u))?;
    if let Some(d) = c.to_digit(16) {
        return Some(d);
    }
    match u {
        0xFF10..=0xFF19 => Some(u32::from(u - 0xFF10)),
        0xFF21..=0xFF26 => Some(u32::from(u - 0xFF21) + 10),
        0xFF41..=0xFF46 => Some(u32::from(u - 0xFF41) + 10),
        _ => None,
    }
}

/// `Integer.parseInt(s, begin, end, 16)` over two UTF-16 units.
fn parse_hex2(units: &[u16]) -> Result<i32, String> {
    let shown = String::from_utf16_lossy(units);
    let fail = |i: usize| format!("Error at index {i} in: \"{shown}\"");
    let mut i = 0;
    let mut neg = false;
    if let Some(&first) = units.first() {
        if first < u16::from(b'0') {
            if first == u16::from(b'-') {
                neg = true;
            } else if first != u16::from(b'+') {
                return Err(fail(0));
            }
            i = 1;
            if units.len() == 1 {
                return Err(fail(1));
            }
        }
    } else {
        return Err(String::new());
    }
    let mut v: i32 = 0;
    while let Some(&u) = units.get(i) {
        let d = hex_digit(u).ok_or_else(|| fail(i))?;
        v = v * 16 + d as i32;
        i += 1;
    }
    Ok(if neg { -v } else { v })
}

/// `URLDecoder.decode(s, "UTF-8")`. Err: the `IllegalArgumentException` message.
pub fn url_decode(s: &str) -> Result<String, String> {
    let units: Vec<u16> = s.encode_utf16().collect();
    let n = units.len();
    let mut out: Vec<u16> = Vec::with_capacity(n);
    let mut i = 0;
    while let Some(&c) = units.get(i) {
        if c == u16::from(b'+') {
            out.push(u16::from(b' '));
            i += 1;
        } else if c == u16::from(b'%') {
            let mut bytes: Vec<u8> = Vec::new();
            let mut c = c;
            while i + 2 < n && c == u16::from(b'%') {
                let v = parse_hex2(units.get(i + 1..i + 3).unwrap_or(&[])).map_err(|m| {
                    format!("URLDecoder: Illegal hex characters in escape (%) pattern - {m}")
                })?;
                if v < 0 {
                    return Err(
                        "URLDecoder: Illegal hex characters in escape (%) pattern - negative value"
                            .into(),
                    );
                }
                bytes.push(v as u8);
                i += 3;
                if let Some(&next) = units.get(i) {
                    c = next;
                }
            }
            if i < n && c == u16::from(b'%') {
                return Err("URLDecoder: Incomplete trailing escape (%) pattern".into());
            }
            out.extend(java_utf8_decode(&bytes).encode_utf16());
        } else {
            out.push(c);
            i += 1;
        }
    }
    Ok(String::from_utf16_lossy(&out))
}

/// `new String(bytes, UTF_8)`: malformed input replaced by U+FFFD exactly as
/// the JDK does (which differs from `String::from_utf8_lossy` on surrogates
/// and truncated sequences).
pub fn java_utf8_decode(src: &[u8]) -> String {
    const REPL: char = '\u{FFFD}';
    let b = |i: usize| src.get(i).map_or(0i32, |&x| i32::from(x as i8));
    let not_cont = |x: i32| (x & 0xc0) != 0x80;
    let mut out = String::with_capacity(src.len());
    let sl = src.len();
    let mut sp = 0usize;
    while sp < sl {
        let b1 = b(sp);
        sp += 1;
        if b1 >= 0 {
            out.push(b1 as u8 as char);
        } else if (b1 >> 5) == -2 && (b1 & 0x1e) != 0 {
            if sp < sl {
                let b2 = b(sp);
                sp += 1;
                if not_cont(b2) {
                    out.push(REPL);
                    sp -= 1;
                } else {
                    let c = (((b1 & 0x1f) << 6) | (b2 & 0x3f)) as u32;
                    out.push(char::from_u32(c).unwrap_or(REPL));
                }
                continue;
            }
            out.push(REPL);
            break;
        } else if (b1 >> 4) == -2 {
            let malformed3_2 =
                |b1: i32, b2: i32| (b1 == -32 && (b2 & 0xe0) == 0x80) || not_cont(b2);
            if sp + 1 < sl {
                let b2 = b(sp);
                let b3 = b(sp + 1);
                sp += 2;
                if malformed3_2(b1, b2) || not_cont(b3) {
                    out.push(REPL);
                    sp -= 3;
                    // malformed3: 1 if the second byte is bad, else 2.
                    sp += if malformed3_2(b(sp), b(sp + 1)) { 1 } else { 2 };
                } else {
                    let c = (((b1 & 0x0f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f)) as u32;
                    out.push(char::from_u32(c).unwrap_or(REPL)); // surrogates → REPL
                }
                continue;
            }
            if sp < sl && malformed3_2(b1, b(sp)) {
                out.push(REPL);
                continue;
            }
            out.push(REPL);
            break;
        } else if (b1 >> 3) == -2 {
            let u1 = b1 & 0xff;
            let malformed4_2 = |b1: i32, b2: i32| {
                (b1 == 0xf0 && !(0x90..=0xbf).contains(&b2))
                    || (b1 == 0xf4 && (b2 & 0xf0) != 0x80)
                    || not_cont(b2)
            };
            if sp + 2 < sl {
                let (b2, b3, b4) = (b(sp), b(sp + 1), b(sp + 2));
                sp += 3;
                let uc =
                    ((b1 & 0x07) << 18) | ((b2 & 0x3f) << 12) | ((b3 & 0x3f) << 6) | (b4 & 0x3f);
                if not_cont(b2)
                    || not_cont(b3)
                    || not_cont(b4)
                    || !(0x10000..=0x10FFFF).contains(&uc)
                {
                    out.push(REPL);
                    sp -= 4;
                    let c1 = b(sp) & 0xff;
                    let c2 = b(sp + 1) & 0xff;
                    sp += if c1 > 0xf4 || malformed4_2(c1, c2) {
                        1
                    } else if not_cont(b(sp + 2)) {
                        2
                    } else {
                        3
                    };
                } else {
                    out.push(char::from_u32(uc as u32).unwrap_or(REPL));
                }
                continue;
            }
            if u1 > 0xf4 || (sp < sl && malformed4_2(u1, b(sp) & 0xff)) {
                out.push(REPL);
                continue;
            }
            sp += 1;
            out.push(REPL);
            if sp < sl && not_cont(b(sp)) {
                continue;
            }
            break;
        } else {
            out.push(REPL);
        }
    }
    out
}

/// `Base64.getEncoder().encodeToString(s.getBytes(UTF_8))`.
pub fn base64_encode(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(jstring::java_utf8(s).as_bytes())
}

fn from_base64(b: u8) -> i32 {
    match b {
        b'A'..=b'Z' => i32::from(b - b'A'),
        b'a'..=b'z' => i32::from(b - b'a') + 26,
        b'0'..=b'9' => i32::from(b - b'0') + 52,
        b'+' => 62,
        b'/' => 63,
        b'=' => -2,
        _ => -1,
    }
}

/// `new String(Base64.getDecoder().decode(s), UTF_8)`: the strict RFC 4648
/// decoder (no whitespace, no URL-safe alphabet; padding optional but must
/// be right). Err: the `IllegalArgumentException` message.
pub fn base64_decode(s: &str) -> Result<String, String> {
    // `decode(String)` takes the ISO-8859-1 bytes: chars above U+00FF become '?'.
    let src: Vec<u8> = s
        .encode_utf16()
        .map(|u| u8::try_from(u).unwrap_or(b'?'))
        .collect();
    let sl = src.len();
    if sl == 0 {
        return Ok(String::new());
    }
    if sl < 2 {
        return Err("Input byte[] should at least have 2 bytes for base64 bytes".into());
    }
    let mut dst: Vec<u8> = Vec::with_capacity(sl / 4 * 3 + 3);
    let mut sp = 0usize;
    let mut bits: i32 = 0;
    let mut shiftto: i32 = 18;
    while let Some(&byte) = src.get(sp) {
        sp += 1;
        let v = from_base64(byte);
        if v < 0 {
            if v == -2 {
                let bad = shiftto == 18
                    || (shiftto == 6 && {
                        let ok = src.get(sp) == Some(&b'=');
                        if sp < sl {
                            sp += 1;
                        }
                        !ok
                    });
                if bad {
                    return Err("Input byte array has wrong 4-byte ending unit".into());
                }
                break;
            }
            return Err(format!(
                "Illegal base64 character {}",
                java_int_hex(i32::from(byte as i8))
            ));
        }
        bits |= v << shiftto;
        shiftto -= 6;
        if shiftto < 0 {
            dst.extend_from_slice(&[(bits >> 16) as u8, (bits >> 8) as u8, bits as u8]);
            shiftto = 18;
            bits = 0;
        }
    }
    match shiftto {
        6 => dst.push((bits >> 16) as u8),
        0 => dst.extend_from_slice(&[(bits >> 16) as u8, (bits >> 8) as u8]),
        12 => return Err("Last unit does not have enough valid bits".into()),
        _ => {}
    }
    if sp < sl {
        return Err(format!(
            "Input byte array has incorrect ending byte at {sp}"
        ));
    }
    Ok(java_utf8_decode(&dst))
}

/// `Integer.toString(v, 16)`.
fn java_int_hex(v: i32) -> String {
    if v < 0 {
        format!("-{:x}", -i64::from(v))
    } else {
        format!("{v:x}")
    }
}

// ---------------------------------------------------------------------------
// parseJson: json-smart 2.2, MODE_PERMISSIVE.

/// `$util.parseJson`: json-smart's permissive parse into engine values (see
/// [`super::json`]). Err: json-smart's `ParseException` message.
pub fn parse_json(s: &str) -> Result<crate::eval::value::Value, String> {
    super::json::parse(s)
}

#[cfg(test)]
mod tests;
