//! `java.lang.String`'s methods. Strings are indexed in UTF-16 code units, as
//! Java does.

use super::{err, int_arg, npe, ok, str_arg, too_big, MResult, MAX_STRING};
use crate::eval::budget::{Budget, CHUNK, CONTAINER_BYTES};
use crate::eval::value::{ArrayOf, CallError, JStr, ListRef, Value};
use crate::eval::{jregex, jstring};

/// A string result, charged before it is copied, unless it is over [`MAX_STRING`].
fn built(s: &str, budget: &Budget) -> MResult {
    if s.len() > MAX_STRING {
        return err(too_big());
    }
    charge!(budget.build(s.len()));
    ok(Value::str(s))
}

fn units(s: &str) -> Vec<u16> {
    jstring::units(s).collect()
}

/// A string of UTF-16 units (a lone surrogate noted on `budget`).
fn from_units(units: &[u16], budget: &Budget) -> String {
    let (s, lone) = jstring::from_units(units);
    if lone {
        budget.note_lone_surrogate();
    }
    s
}

/// Length in UTF-16 code units.
pub fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        jstring::units_len(s)
    }
}

/// `s.substring(begin, end)` in UTF-16 units; the caller checks the bounds.
fn utf16_slice(s: &str, begin: usize, end: usize, budget: &Budget) -> String {
    if s.is_ascii() {
        return s.get(begin..end).unwrap_or("").to_string();
    }
    let u = units(s);
    from_units(u.get(begin..end).unwrap_or(&[]), budget)
}

/// The first `needle` in `hay` at or after `from`, in time linear in both
/// (Knuth–Morris–Pratt: a long needle that nearly matches everywhere costs
/// no more than any other).
fn find_units(hay: &[u16], needle: &[u16], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return (from <= hay.len()).then_some(from);
    }
    // fail[i]: the longest proper border of needle[..=i].
    let mut fail = vec![0usize; needle.len()];
    let mut k = 0;
    for i in 1..needle.len() {
        while k > 0 && needle.get(i) != needle.get(k) {
            k = fail.get(k - 1).copied().unwrap_or(0);
        }
        if needle.get(i) == needle.get(k) {
            k += 1;
        }
        if let Some(f) = fail.get_mut(i) {
            *f = k;
        }
    }
    let mut k = 0;
    for (i, u) in hay.iter().enumerate().skip(from) {
        while k > 0 && needle.get(k) != Some(u) {
            k = fail.get(k - 1).copied().unwrap_or(0);
        }
        if needle.get(k) == Some(u) {
            k += 1;
        }
        if k == needle.len() {
            return Some(i + 1 - k);
        }
    }
    None
}

/// The last `needle` in `hay` starting at or before `from`, in linear time.
fn rfind_units(hay: &[u16], needle: &[u16], from: usize) -> Option<usize> {
    if needle.len() > hay.len() {
        return None;
    }
    let start = from.min(hay.len() - needle.len());
    // The same search over both reversed: a match ending at reversed index
    // `len - start - 1` or later starts at `start` or earlier.
    let rhay: Vec<u16> = hay.iter().rev().copied().collect();
    let rneedle: Vec<u16> = needle.iter().rev().copied().collect();
    let skip = hay.len() - start - needle.len();
    find_units(&rhay, &rneedle, skip).map(|r| hay.len() - r - needle.len())
}

/// The byte offset of UTF-16 unit `unit` of `s`; inside a surrogate pair, the
/// pair's start (`up`: its end).
fn unit_to_byte(s: &str, unit: usize, up: bool) -> usize {
    if s.is_ascii() {
        return unit.min(s.len());
    }
    let mut units = 0;
    for (i, c) in s.char_indices() {
        if units >= unit {
            return i;
        }
        let n = c.len_utf16();
        if units + n > unit {
            return if up { i + c.len_utf8() } else { i };
        }
        units += n;
    }
    s.len()
}

/// Is the UTF-8 search as good as Java's UTF-16 one? When neither string
/// holds a lone surrogate, both are whole characters, and a match of one in
/// the other falls on character boundaries in both encodings.
fn whole_characters(s: &str, needle: &str) -> bool {
    !jstring::has_lone(s) && !jstring::has_lone(needle)
}

/// `String.indexOf(String, from)`.
fn index_of(s: &str, needle: &str, from: i64) -> i32 {
    let from = from.max(0) as usize;
    if whole_characters(s, needle) {
        let len = utf16_len(s);
        if from >= len {
            return if needle.is_empty() { len as i32 } else { -1 };
        }
        if needle.is_empty() {
            return from as i32;
        }
        let start = unit_to_byte(s, from, true);
        let found = s
            .get(start..)
            .and_then(|t| memchr::memmem::find(t.as_bytes(), needle.as_bytes()));
        return match found {
            Some(i) => utf16_len(s.get(..start + i).unwrap_or("")) as i32,
            None => -1,
        };
    }
    index_of_units(s, needle, from)
}

/// [`index_of`] over the UTF-16 units.
fn index_of_units(s: &str, needle: &str, from: usize) -> i32 {
    let hay = units(s);
    if from >= hay.len() {
        return if needle.is_empty() {
            hay.len() as i32
        } else {
            -1
        };
    }
    find_units(&hay, &units(needle), from).map_or(-1, |i| i as i32)
}

/// `String.lastIndexOf(String, from)`.
fn last_index_of(s: &str, needle: &str, from: i64) -> i32 {
    if whole_characters(s, needle) {
        let right = utf16_len(s) as i64 - utf16_len(needle) as i64;
        let from = from.min(right);
        if from < 0 {
            return -1;
        }
        if needle.is_empty() {
            return from as i32;
        }
        let start = unit_to_byte(s, from as usize, false);
        let mut end = start.saturating_add(needle.len()).min(s.len());
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        let found = s
            .get(..end)
            .and_then(|t| memchr::memmem::rfind(t.as_bytes(), needle.as_bytes()));
        return match found {
            Some(i) => utf16_len(s.get(..i).unwrap_or("")) as i32,
            None => -1,
        };
    }
    last_index_of_units(s, needle, from)
}

/// [`last_index_of`] over the UTF-16 units.
fn last_index_of_units(s: &str, needle: &str, from: i64) -> i32 {
    let hay = units(s);
    let n = units(needle);
    let right = hay.len() as i64 - n.len() as i64;
    let from = from.min(right);
    if from < 0 {
        return -1;
    }
    rfind_units(&hay, &n, from as usize).map_or(-1, |i| i as i32)
}

/// The UTF-16 encoding of a code point (`None` if it is not one).
fn code_point_units(cp: i32) -> Option<Vec<u16>> {
    let cp = u32::try_from(cp).ok()?;
    if (0xD800..0xE000).contains(&cp) {
        return Some(vec![cp as u16]);
    }
    let c = char::from_u32(cp)?;
    let mut buf = [0u16; 2];
    Some(c.encode_utf16(&mut buf).to_vec())
}

pub(super) fn java_string_hash(s: &str) -> i32 {
    jstring::units(s).fold(0i32, |h, u| h.wrapping_mul(31).wrapping_add(i32::from(u)))
}

/// `Character.isWhitespace`.
pub(super) fn java_is_whitespace(c: char) -> bool {
    matches!(c, '\t'..='\r' | '\u{1c}'..='\u{1f}')
        || (c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}' | '\u{85}'))
}

fn java_compare(a: &str, b: &str) -> i32 {
    let (ua, ub) = (units(a), units(b));
    for (x, y) in ua.iter().zip(ub.iter()) {
        if x != y {
            return i32::from(*x) - i32::from(*y);
        }
    }
    ua.len() as i32 - ub.len() as i32
}

fn fold_case_unit(u: u16) -> u16 {
    // Character.toUpperCase then toLowerCase on a UTF-16 unit (BMP, simple mappings).
    let Some(c) = char::from_u32(u32::from(u)) else {
        return u;
    };
    let up = single_char(c.to_uppercase()).unwrap_or(c);
    let low = single_char(up.to_lowercase()).unwrap_or(up);
    u16::try_from(low as u32).unwrap_or(u)
}

fn single_char(mut it: impl Iterator<Item = char>) -> Option<char> {
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

fn compare_ignore_case(a: &str, b: &str) -> i32 {
    let (ua, ub) = (units(a), units(b));
    for (x, y) in ua.iter().zip(ub.iter()) {
        if x != y {
            let (fx, fy) = (fold_case_unit(*x), fold_case_unit(*y));
            if fx != fy {
                return i32::from(fx) - i32::from(fy);
            }
        }
    }
    ua.len() as i32 - ub.len() as i32
}

/// `regionMatches([ignoreCase,] toffset, other, ooffset, len)`: `len`
/// UTF-16 units of `s` from `toffset` against `other`'s from `ooffset`
/// (false when either region is out of its string).
fn region_matches(
    s: &str,
    ignore_case: bool,
    toffset: i32,
    other: Option<&str>,
    ooffset: i32,
    len: i32,
) -> MResult {
    let Some(other) = other else {
        return err(npe(if ignore_case {
            "Cannot invoke \"String.length()\" because \"other\" is null"
        } else {
            "Cannot read field \"value\" because \"other\" is null"
        }));
    };
    let (a, b) = (units(s), units(other));
    let (t, o, n) = (i64::from(toffset), i64::from(ooffset), i64::from(len));
    if o < 0 || t < 0 || t > a.len() as i64 - n || o > b.len() as i64 - n {
        return ok(Value::Bool(false));
    }
    let n = usize::try_from(n).unwrap_or(0);
    let (t, o) = (t as usize, o as usize);
    let same = match (a.get(t..t + n), b.get(o..o + n)) {
        (Some(x), Some(y)) => x
            .iter()
            .zip(y)
            .all(|(p, q)| p == q || (ignore_case && fold_case_unit(*p) == fold_case_unit(*q))),
        _ => true,
    };
    ok(Value::Bool(same))
}

/// Is `s` stored as Latin-1 in Java (every unit at most U+00FF)? Some
/// exceptions' messages differ with the coding.
fn is_latin1(s: &str) -> bool {
    s.is_ascii() || s.chars().all(|c| u32::from(c) <= 0xFF)
}

fn is_high(u: u16) -> bool {
    (0xD800..0xDC00).contains(&u)
}

fn is_low(u: u16) -> bool {
    (0xDC00..0xE000).contains(&u)
}

/// The number of code points in `u` (a surrogate pair is one).
fn code_point_count(u: &[u16]) -> usize {
    let pairs = u
        .windows(2)
        .filter(|w| matches!(w, [hi, lo] if jstring::pair(*hi, *lo).is_some()))
        .count();
    u.len() - pairs
}

/// `Character.offsetByCodePoints(seq, index, by)` over the units `u`;
/// `None`: Java's `IndexOutOfBoundsException`.
fn offset_by_code_points(u: &[u16], index: i32, by: i32) -> Option<usize> {
    let len = u.len();
    let mut x = usize::try_from(index).ok().filter(|&i| i <= len)?;
    if by >= 0 {
        let mut i = 0;
        while x < len && i < by {
            let c = u.get(x).copied();
            x += 1;
            if c.is_some_and(is_high) && u.get(x).copied().is_some_and(is_low) {
                x += 1;
            }
            i += 1;
        }
        (i == by).then_some(x)
    } else {
        let mut i = by;
        while x > 0 && i < 0 {
            x -= 1;
            let c = u.get(x).copied();
            if c.is_some_and(is_low) && x > 0 && u.get(x - 1).copied().is_some_and(is_high) {
                x -= 1;
            }
            i += 1;
        }
        (i == 0).then_some(x)
    }
}

/// `getChars(b, e, dst, at)`: units `b..e` of `s` into the `char[]` `dst`
/// from `at` (the array itself changes, as every reference to it sees).
fn get_chars(s: &str, b: i32, e: i32, dst: Option<&ListRef>, at: i32, budget: &Budget) -> MResult {
    let u = units(s);
    let (b, e, at, len) = (i64::from(b), i64::from(e), i64::from(at), u.len() as i64);
    if b < 0 || b > e || e > len {
        return sioobe(format!("begin {b}, end {e}, length {len}"));
    }
    let Some(dst) = dst else {
        return err(npe("Cannot read the array length because \"dst\" is null"));
    };
    let mut dst = dst.try_borrow_mut().ok()?;
    let (n, dst_len) = (e - b, dst.items.len() as i64);
    if at < 0 || at > dst_len - n {
        return sioobe(format!("offset {at}, count {n}, length {dst_len}"));
    }
    charge!(budget.steps(n as u64));
    let src = u.get(b as usize..e as usize).unwrap_or(&[]);
    if let Some(slots) = dst.items.get_mut(at as usize..) {
        for (slot, &c) in slots.iter_mut().zip(src) {
            *slot = super::character::char_value(c, budget);
        }
    }
    super::void()
}

/// The lines of `s` as Java's `lines()` splits it: at `\n`, `\r` and
/// `\r\n`; a terminator at the end starts no line.
struct JavaLines<'a>(&'a str);

impl<'a> Iterator for JavaLines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.0;
        if rest.is_empty() {
            return None;
        }
        let Some(end) = rest.find(['\n', '\r']) else {
            self.0 = "";
            return Some(rest);
        };
        let skip = if rest.get(end..).is_some_and(|t| t.starts_with("\r\n")) {
            2
        } else {
            1
        };
        self.0 = rest.get(end + skip..).unwrap_or("");
        rest.get(..end)
    }
}

/// The number of whitespace characters `line` starts with (Java's
/// `indexOfNonWhitespace`: each is one UTF-16 unit).
fn leading_whitespace(line: &str) -> usize {
    line.chars().take_while(|&c| java_is_whitespace(c)).count()
}

/// `line` without at most `max` of the whitespace characters it starts with.
fn strip_leading(line: &str, max: usize) -> &str {
    let mut cut = 0;
    for (k, c) in line.chars().enumerate() {
        if k == max || !java_is_whitespace(c) {
            break;
        }
        cut += c.len_utf8();
    }
    line.get(cut..).unwrap_or("")
}

/// `indent(n)`: each line with `n` spaces more (`n < 0`: at most `-n`
/// leading whitespace characters fewer; `Integer.MIN_VALUE`: none left),
/// ended by `\n`.
fn indent(s: &str, n: i32, budget: &Budget) -> MResult {
    if s.is_empty() {
        return ok(Value::str(""));
    }
    if n > 0 {
        // Java makes the indentation (`" ".repeat(n)`) first.
        let pad = n as usize;
        let (lines, text) = JavaLines(s).fold((0usize, 0usize), |(n, t), l| (n + 1, t + l.len()));
        let size = lines
            .saturating_mul(pad.saturating_add(1))
            .saturating_add(text);
        if pad > MAX_STRING || size > MAX_STRING {
            return err(too_big());
        }
        charge!(budget.build(size));
        let spaces = " ".repeat(pad);
        let mut out = String::with_capacity(size);
        for line in JavaLines(s) {
            out.push_str(&spaces);
            out.push_str(line);
            out.push('\n');
        }
        return ok(Value::str(&out));
    }
    let max = if n == i32::MIN {
        usize::MAX
    } else {
        n.unsigned_abs() as usize
    };
    let mut out = String::with_capacity(s.len() + 1);
    for line in JavaLines(s) {
        out.push_str(strip_leading(line, max));
        out.push('\n');
    }
    built(&out, budget)
}

/// `stripIndent()`: the whitespace common to the lines' starts (and to a
/// blank last line) and every line's trailing whitespace removed, lines
/// ended by `\n`. A string that ends with a line terminator keeps its
/// indentation, and ends with `\n`.
fn strip_indent(s: &str) -> String {
    if s.is_empty() {
        return String::new();
    }
    let keep = s.ends_with(['\n', '\r']);
    let outdent = if keep {
        0
    } else {
        let mut outdent = usize::MAX;
        let mut last = "";
        for line in JavaLines(s) {
            if !line.chars().all(java_is_whitespace) {
                outdent = outdent.min(leading_whitespace(line));
            }
            last = line;
        }
        if last.chars().all(java_is_whitespace) {
            outdent = outdent.min(last.chars().count());
        }
        outdent
    };
    let mut out = String::with_capacity(s.len() + 1);
    for (k, line) in JavaLines(s).enumerate() {
        if k > 0 {
            out.push('\n');
        }
        let text = line.trim_end_matches(java_is_whitespace);
        out.push_str(strip_leading(text, outdent));
    }
    if keep {
        out.push('\n');
    }
    out
}

/// `translateEscapes()`: Java's escapes (`\n`, `\s`, octal `\0`..`\377`, a
/// line terminator after `\` dropped, no `\u`); `Err`: Java's exception.
fn translate_escapes(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        // After a `\` at the end Java reads `\0`, which is no escape.
        let e = chars.next().unwrap_or('\0');
        let t = match e {
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            's' => ' ',
            't' => '\t',
            '\'' | '"' | '\\' => e,
            '0'..='7' => {
                let digit = |d: char| u32::from(d) - u32::from('0');
                let mut code = digit(e);
                for _ in 0..(if e <= '3' { 2 } else { 1 }) {
                    match chars.peek() {
                        Some(&d @ '0'..='7') => {
                            code = code << 3 | digit(d);
                            chars.next();
                        }
                        _ => break,
                    }
                }
                char::from_u32(code).unwrap_or('\0')
            }
            '\n' => continue,
            '\r' => {
                chars.next_if_eq(&'\n');
                continue;
            }
            other => {
                // The first UTF-16 unit after the `\`.
                let unit = jstring::char_units(other).next().unwrap_or(0);
                return Err(format!(
                    "java.lang.IllegalArgumentException: Invalid escape sequence: \\{} \\\\u{unit:04X}",
                    jstring::unit_char(unit)
                ));
            }
        };
        out.push(t);
    }
    Ok(out)
}

/// Is `l` a Java array of `of`?
fn is_array_of(l: &ListRef, of: ArrayOf) -> bool {
    l.try_borrow()
        .is_ok_and(|l| l.array.is_some_and(|a| a.of == of))
}

/// Does `rest`, the arguments after a varargs method's fixed ones, fit its
/// `Object...` as Velocity 1.7 matches them? All do but a `char[]` or
/// `byte[]` alone: no `Object[]`, and its items no `Object`s.
fn varargs_fit(rest: &[Value]) -> bool {
    !matches!(rest, [Value::List(l)]
        if is_array_of(l, ArrayOf::Chars) || is_array_of(l, ArrayOf::Bytes))
}

/// `String.format(f, rest...)` as Velocity 1.7 passes `rest`: a null
/// alone is the array (null), a `String[]` or `Object[]` alone the array
/// itself; other arguments are gathered into an array.
fn format_varargs(f: &str, rest: &[Value], budget: &Budget) -> MResult {
    let array = match rest {
        [Value::List(l)] => l
            .try_borrow()
            .ok()
            .filter(|l| l.array.is_some())
            .map(|l| l.items.to_vec()),
        _ => None,
    };
    let r = match (rest, array) {
        ([Value::Null], _) => super::format::format(f, None, budget),
        (_, Some(items)) => {
            charge!(budget.slots(items.len()));
            super::format::format(f, Some(&items), budget)
        }
        _ => super::format::format(f, Some(rest), budget),
    };
    Some(r.map(|s| Value::str(&s)))
}

fn sioobe(msg: String) -> MResult {
    err(format!("java.lang.StringIndexOutOfBoundsException: {msg}"))
}

fn substring(s: &str, begin: i64, end: i64, budget: &Budget) -> MResult {
    let len = utf16_len(s) as i64;
    if begin < 0 || end > len || begin > end {
        return sioobe(format!("begin {begin}, end {end}, length {len}"));
    }
    built(
        &utf16_slice(s, begin as usize, end as usize, budget),
        budget,
    )
}

/// `String`'s methods. Each call is charged a scan of the receiver and the
/// string arguments (most methods read them whole, many as UTF-16 units: a
/// step per 16 bytes), and what it builds.
pub(super) fn method(rc: &JStr, name: &str, args: &[Value], budget: &Budget) -> MResult {
    let s: &str = rc;
    let arg_bytes: usize = args
        .iter()
        .map(|a| match a {
            Value::Str(x) => x.len(),
            _ => 0,
        })
        .sum();
    charge!(budget.scan(s.len().saturating_add(arg_bytes).saturating_mul(4)));
    match (name, args) {
        ("length", []) => ok(Value::Int(utf16_len(s) as i32)),
        ("isEmpty", []) => ok(Value::Bool(s.is_empty())),
        // `byte[]` of the UTF-8 encoding (a Java array: see `JavaArray`).
        ("getBytes", []) => {
            charge!(budget.slots(s.len()));
            // Java's UTF-8 encoder writes a lone surrogate as `?`.
            ok(Value::new_array(
                ArrayOf::Bytes,
                jstring::java_utf8(s)
                    .bytes()
                    .map(|b| Value::Byte(b as i8))
                    .collect(),
                budget,
            ))
        }
        // `getBytes(String charsetName)`.
        ("getBytes", [Value::Str(name)]) => match jstring::Charset::named(name) {
            Some(cs) => {
                let bytes = cs.encode(s);
                charge!(budget.slots(bytes.len()));
                ok(Value::new_array(
                    ArrayOf::Bytes,
                    bytes.into_iter().map(|b| Value::Byte(b as i8)).collect(),
                    budget,
                ))
            }
            None => err(format!("java.io.UnsupportedEncodingException: {name}")),
        },
        ("isBlank", []) => ok(Value::Bool(s.chars().all(java_is_whitespace))),
        // Java returns the string itself.
        ("toString" | "intern", []) => ok(Value::Str(rc.clone())),
        // A case change may grow the text (`ß` is `SS`): charged as built.
        ("toUpperCase", []) => {
            charge!(budget.build(s.len()));
            let t = s.to_uppercase();
            charge!(budget.build(t.len().saturating_sub(s.len())));
            ok(Value::str(&t))
        }
        // `transform(Function)`: only a null fits (see `null_function`);
        // Java calls it.
        ("transform", [Value::Null]) => err(
            "java.lang.NullPointerException: Cannot invoke \"java.util.function.Function.apply(Object)\" because \"f\" is null",
        ),
        // `toUpperCase(Locale)` handed a null.
        ("toUpperCase" | "toLowerCase", [Value::Null]) => err("java.lang.NullPointerException"),
        ("toLowerCase", []) => {
            charge!(budget.build(s.len()));
            let t = s.to_lowercase();
            charge!(budget.build(t.len().saturating_sub(s.len())));
            ok(Value::str(&t))
        }
        ("trim", []) => built(s.trim_matches(|c: char| c <= ' '), budget),
        ("strip", []) => built(s.trim_matches(java_is_whitespace), budget),
        ("stripLeading", []) => built(s.trim_start_matches(java_is_whitespace), budget),
        ("stripTrailing", []) => built(s.trim_end_matches(java_is_whitespace), budget),
        ("charAt", [i]) => {
            let i = int_arg(i)?;
            let u = units(s);
            match usize::try_from(i).ok().and_then(|i| u.get(i)) {
                Some(c) => ok(super::character::char_value(*c, budget)),
                // Java's two string codings check the index apart.
                None if is_latin1(s) => sioobe(format!("String index out of range: {i}")),
                None => sioobe(format!("index {i}, length {}", u.len())),
            }
        }
        ("codePointAt", [i]) => {
            let i = int_arg(i)?;
            let u = units(s);
            let Some(&c) = usize::try_from(i).ok().and_then(|i| u.get(i)) else {
                return sioobe(format!("index {i}, length {}", u.len()));
            };
            let next = u.get(i as usize + 1).copied();
            let pair = next.and_then(|lo| jstring::pair(c, lo));
            ok(Value::Int(pair.unwrap_or(i32::from(c))))
        }
        ("codePointBefore", [i]) => {
            let i = int_arg(i)?;
            let u = units(s);
            let before = usize::try_from(i64::from(i) - 1).ok();
            let Some(&c) = before.and_then(|b| u.get(b)) else {
                return sioobe(format!("String index out of range: {i}"));
            };
            let prev = before
                .and_then(|b| b.checked_sub(1))
                .and_then(|p| u.get(p).copied());
            let pair = prev.and_then(|hi| jstring::pair(hi, c));
            ok(Value::Int(pair.unwrap_or(i32::from(c))))
        }
        ("codePointCount", [b, e]) => {
            let (b, e) = (int_arg(b)?, int_arg(e)?);
            let u = units(s);
            let range = usize::try_from(b)
                .ok()
                .zip(usize::try_from(e).ok())
                .filter(|&(b, e)| b <= e)
                .and_then(|(b, e)| u.get(b..e));
            match range {
                Some(r) => ok(Value::Int(code_point_count(r) as i32)),
                None => err("java.lang.IndexOutOfBoundsException"),
            }
        }
        ("offsetByCodePoints", [i, by]) => {
            let (i, by) = (int_arg(i)?, int_arg(by)?);
            match offset_by_code_points(&units(s), i, by) {
                Some(x) => ok(Value::Int(x as i32)),
                None => err("java.lang.IndexOutOfBoundsException"),
            }
        }
        ("getChars", [b, e, dst, at]) => {
            let (b, e, at) = (int_arg(b)?, int_arg(e)?, int_arg(at)?);
            // A `char[]` parameter takes a `char[]` or a null, nothing else.
            let dst = match dst {
                Value::List(l) if is_array_of(l, ArrayOf::Chars) => Some(l),
                Value::Null => None,
                _ => return None,
            };
            get_chars(s, b, e, dst, at, budget)
        }
        ("indent", [n]) => {
            let n = int_arg(n)?;
            indent(s, n, budget)
        }
        ("stripIndent", []) => built(&strip_indent(s), budget),
        // A line break escaped between the halves of a pair joins them.
        ("translateEscapes", []) => match translate_escapes(s) {
            Ok(t) => joined(built(&t, budget), budget),
            Err(e) => err(e),
        },
        // `Optional.of(this)`.
        ("describeConstable", []) => ok(super::optional::JavaOptional::of(Value::Str(rc.clone()))),
        // `resolveConstantDesc(MethodHandles.Lookup)`: only a null fits.
        ("resolveConstantDesc", [Value::Null]) => ok(Value::Str(rc.clone())),
        ("substring", [b]) => {
            let b = int_arg(b)?;
            substring(s, i64::from(b), utf16_len(s) as i64, budget)
        }
        ("substring" | "subSequence", [b, e]) => {
            let (b, e) = (int_arg(b)?, int_arg(e)?);
            substring(s, i64::from(b), i64::from(e), budget)
        }
        ("indexOf" | "lastIndexOf", [needle]) | ("indexOf" | "lastIndexOf", [needle, _]) => {
            let from = match args.get(1) {
                Some(f) => Some(int_arg(f)?),
                None => None,
            };
            let last = name == "lastIndexOf";
            let default_from = if last { i64::from(i32::MAX) } else { 0 };
            let from = from.map_or(default_from, i64::from);
            let needle: String = match needle.int_like() {
                // `indexOf(int ch)`: a Short or Byte widens to it.
                Some(cp) => match code_point_units(cp) {
                    Some(u) => from_units(&u, budget),
                    None => return ok(Value::Int(-1)),
                },
                None => match str_arg(needle)? {
                    Some(n) => n.to_string(),
                    // `indexOf(String)` reads the needle's coder; the others
                    // pass it on to the static search that reads its value.
                    None if !last && args.len() == 1 => {
                        return err(npe(
                            "Cannot invoke \"String.coder()\" because \"str\" is null",
                        ))
                    }
                    None => {
                        return err(npe(
                            "Cannot read field \"value\" because \"tgtStr\" is null",
                        ))
                    }
                },
            };
            ok(Value::Int(if last {
                last_index_of(s, &needle, from)
            } else {
                index_of(s, &needle, from)
            }))
        }
        ("contains", [n]) => match str_arg(n)? {
            Some(n) => ok(Value::Bool(s.contains(n))),
            None => err(npe(
                "Cannot invoke \"java.lang.CharSequence.toString()\" because \"s\" is null",
            )),
        },
        ("regionMatches", [t, other, o, len]) => region_matches(
            s,
            false,
            int_arg(t)?,
            str_arg(other)?,
            int_arg(o)?,
            int_arg(len)?,
        ),
        ("regionMatches", [Value::Bool(ic), t, other, o, len]) => region_matches(
            s,
            *ic,
            int_arg(t)?,
            str_arg(other)?,
            int_arg(o)?,
            int_arg(len)?,
        ),
        ("startsWith", [p]) => match str_arg(p)? {
            Some(p) => ok(Value::Bool(s.starts_with(p))),
            None => err(npe(
                "Cannot invoke \"String.length()\" because \"prefix\" is null",
            )),
        },
        ("startsWith", [p, off]) => {
            let off = int_arg(off)?;
            match str_arg(p)? {
                Some(p) => {
                    let u = units(s);
                    let pu = units(p);
                    let r = usize::try_from(off)
                        .ok()
                        .and_then(|o| u.get(o..o.checked_add(pu.len())?))
                        .is_some_and(|w| w == pu.as_slice());
                    ok(Value::Bool(r))
                }
                None => err(npe(
                    "Cannot invoke \"String.length()\" because \"prefix\" is null",
                )),
            }
        }
        ("endsWith", [p]) => match str_arg(p)? {
            Some(p) => ok(Value::Bool(s.ends_with(p))),
            None => err(npe(
                "Cannot invoke \"String.length()\" because \"suffix\" is null",
            )),
        },
        ("equalsIgnoreCase", [o]) => match str_arg(o)? {
            Some(o) => ok(Value::Bool(
                utf16_len(s) == utf16_len(o) && compare_ignore_case(s, o) == 0,
            )),
            None => ok(Value::Bool(false)),
        },
        ("contentEquals", [o]) => match str_arg(o)? {
            Some(o) => ok(Value::Bool(s == o)),
            None => err(npe(
                "Cannot invoke \"java.lang.CharSequence.length()\" because \"cs\" is null",
            )),
        },
        ("compareTo", [o]) => match str_arg(o) {
            Some(Some(o)) => ok(Value::Int(java_compare(s, o))),
            Some(None) => err(npe(
                "Cannot read field \"value\" because \"anotherString\" is null",
            )),
            // `compareTo(Object)`, the bridge of `Comparable<String>`, casts.
            None => err(super::cce(&args[0], "java.lang.String")),
        },
        // The static `CharSequence.compare(cs1, cs2)`, found through a string.
        ("compare", [a, b]) => match (str_arg(a)?, str_arg(b)?) {
            (Some(a), Some(b)) => ok(Value::Int(java_compare(a, b))),
            _ => err("java.lang.NullPointerException"),
        },
        ("compareToIgnoreCase", [o]) => match str_arg(o)? {
            Some(o) => ok(Value::Int(compare_ignore_case(s, o))),
            None => err(npe(
                "Cannot read field \"value\" because \"s2\" is null",
            )),
        },
        ("concat", [o]) => match str_arg(o)? {
            Some(o) => {
                let n = s.len().saturating_add(o.len());
                if n > MAX_STRING {
                    return err(too_big());
                }
                charge!(budget.build(n));
                joined(ok(Value::str(&format!("{s}{o}"))), budget)
            }
            None => err(npe(
                "Cannot invoke \"String.isEmpty()\" because \"str\" is null",
            )),
        },
        ("repeat", [n]) => {
            let n = int_arg(n)?;
            if n < 0 {
                return err(format!(
                    "java.lang.IllegalArgumentException: count is negative: {n}"
                ));
            }
            let size = (n as usize).saturating_mul(s.len());
            if size > MAX_STRING {
                return err(too_big());
            }
            charge!(budget.build(size));
            charge!(budget.steps(n as u64));
            joined(ok(Value::str(&s.repeat(n as usize))), budget)
        }
        // `replace(char, char)`.
        ("replace", [Value::Char(a), Value::Char(b)]) => {
            let (a, b) = (*a, *b);
            if a == b || !units(s).contains(&a) {
                return ok(Value::Str(rc.clone()));
            }
            let u: Vec<u16> = jstring::units(s)
                .map(|x| if x == a { b } else { x })
                .collect();
            charge!(budget.build(s.len() + 4));
            ok(Value::str(&from_units(&u, budget)))
        }
        ("replace", [a, b]) => {
            // Java reads `target.toString()`, then `replacement.toString()`.
            let (a, b) = (str_arg(a)?, str_arg(b)?);
            let Some(a) = a else {
                return err(npe("Cannot invoke \"java.lang.CharSequence.toString()\" because \"target\" is null"));
            };
            let Some(b) = b else {
                return err(npe("Cannot invoke \"java.lang.CharSequence.toString()\" because \"replacement\" is null"));
            };
            joined(replace_literal(s, a, b, budget), budget)
        }
        ("replaceAll" | "replaceFirst", [re, rep]) => {
            let (re, rep) = (str_arg(re)?, str_arg(rep)?);
            // `Pattern.compile(null)` fails first; a null replacement only
            // once it is needed (see `jregex::replace`).
            let Some(re) = re else {
                return err(npe(NULL_PATTERN));
            };
            let mut meter =
                |steps: u64, made: usize| budget.steps(steps).is_ok() && budget.build(made).is_ok();
            let r = jregex::replace(s, re, rep, name == "replaceAll", &mut meter);
            joined(
                Some(regex_result(r, budget).map(|r| Value::str(&r))),
                budget,
            )
        }
        ("matches", [re]) => match str_arg(re)? {
            Some(re) => {
                let mut meter = |steps: u64, _: usize| budget.steps(steps).is_ok();
                let r = jregex::matches(s, re, &mut meter);
                Some(regex_result(r, budget).map(Value::Bool))
            }
            None => err(npe(NULL_PATTERN)),
        },
        ("split", [re]) | ("split", [re, _]) => {
            let limit = match args.get(1) {
                Some(l) => int_arg(l)?,
                None => 0,
            };
            match str_arg(re)? {
                Some(re) => {
                    // Each part: its text, a string's own allocation, a list slot.
                    let mut meter = |steps: u64, made: usize| {
                        budget.steps(steps).is_ok()
                            && budget.slots(1).is_ok()
                            && budget.alloc(made.saturating_add(CONTAINER_BYTES)).is_ok()
                    };
                    let r = jregex::split(s, re, limit, &mut meter);
                    Some(regex_result(r, budget).map(|parts| {
                        let parts = parts.iter().map(|p| Value::str(p)).collect();
                        Value::new_array(ArrayOf::Strings, parts, budget)
                    }))
                }
                None => err(npe(
                    "Cannot invoke \"String.length()\" because \"regex\" is null",
                )),
            }
        }
        ("chars", []) => ok(super::stream::JavaStream::chars(rc, budget)),
        ("codePoints", []) => ok(super::stream::JavaStream::code_points(rc, budget)),
        ("lines", []) => ok(super::stream::JavaStream::lines(rc, budget)),
        ("toCharArray", []) => {
            // A list slot per UTF-16 unit, each a `Character`.
            let n = utf16_len(s);
            charge!(budget.slots(n));
            ok(Value::new_array(
                ArrayOf::Chars,
                jstring::units(s)
                    .map(|u| super::character::char_value(u, budget))
                    .collect(),
                budget,
            ))
        }
        // The static `format(String, Object...)` and `format(Locale, String,
        // Object...)`. Velocity 1.7 takes the second when both fit (a null
        // first: a null locale, which formats as en_US does).
        ("format", _) => {
            let (f, rest) = match args {
                [Value::Null, f @ (Value::Str(_) | Value::Null), rest @ ..] if varargs_fit(rest) => {
                    (f, rest)
                }
                [f @ (Value::Str(_) | Value::Null), rest @ ..] if varargs_fit(rest) => (f, rest),
                _ => return None,
            };
            match f {
                Value::Str(f) => format_varargs(f, rest, budget),
                _ => err(npe(
                    "Cannot invoke \"String.length()\" because \"s\" is null",
                )),
            }
        }
        // `formatted(Object...)`: `String.format(this, args)`.
        ("formatted", rest) if varargs_fit(rest) => format_varargs(s, rest, budget),
        // `valueOf(char[])` and `copyValueOf(char[])`: the text of the chars.
        ("valueOf" | "copyValueOf", [Value::List(l)])
            if l.try_borrow()
                .is_ok_and(|l| l.array.is_some_and(|a| a.of == ArrayOf::Chars)) =>
        {
            let u: Vec<u16> = l
                .borrow()
                .items
                .iter()
                .map(|v| match v {
                    Value::Char(c) => *c,
                    _ => 0,
                })
                .collect();
            built(&from_units(&u, budget), budget)
        }
        // `valueOf(Object)` of a null (1.7 prefers it to `valueOf(char[])`).
        ("valueOf", [Value::Null]) => ok(Value::str("null")),
        ("valueOf", [v]) => Some(
            v.java_string(budget)
                .map(|t| Value::str(&t))
                .map_err(CallError::from),
        ),
        // `join(delimiter, CharSequence...)` of no elements.
        ("join", [Value::Str(_)]) => ok(Value::str("")),
        ("join", [Value::Null]) => err(npe(
            "Cannot invoke \"java.lang.CharSequence.toString()\" because \"delimiter\" is null",
        )),
        ("join", [sep, rest @ ..]) if !rest.is_empty() => {
            // An `Iterable`: a list, a map's view, or a `subList` view.
            let iterable = match rest {
                [Value::List(_)] => true,
                [Value::Object(o)] => o.map_view().is_some() || o.is_list(),
                _ => false,
            };
            let strings = rest.iter().all(|v| matches!(v, Value::Str(_) | Value::Null));
            let sep = match str_arg(sep)? {
                // A null alone fits both `join(CharSequence, CharSequence...)`
                // and `join(CharSequence, Iterable)`: 1.7 takes neither.
                _ if matches!(rest, [Value::Null]) => return None,
                Some(sep) => sep,
                None if iterable => return err("java.lang.NullPointerException"),
                None if strings => {
                    return err(npe(
                        "Cannot invoke \"java.lang.CharSequence.toString()\" because \"delimiter\" is null",
                    ))
                }
                None => return None,
            };
            let items: Vec<Value> = match rest {
                [Value::List(l)] => l.borrow().items.to_vec(),
                [Value::Object(o)] if iterable => charged!(o.elements(budget)?),
                _ => rest.to_vec(),
            };
            charge!(budget.steps(items.len() as u64));
            let mut out = String::new();
            let mut charged = 0;
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                if out.len() - charged >= CHUNK {
                    charge!(budget.build(out.len() - charged));
                    charged = out.len();
                }
                match it {
                    Value::Str(x) => out.push_str(x),
                    Value::Null => out.push_str("null"),
                    other => {
                        if iterable {
                            return err(super::cce(other, "java.lang.CharSequence"));
                        }
                        return None;
                    }
                }
                if out.len() > MAX_STRING {
                    return err(too_big());
                }
            }
            charge!(budget.build(out.len() - charged));
            joined(ok(Value::str(&out)), budget)
        }
        _ => None,
    }
}

/// A string a call built from pieces: halves of a surrogate pair that now
/// stand side by side are the pair, as in Java's UTF-16 strings. Only a
/// render that made a lone surrogate looks.
fn joined(r: MResult, budget: &Budget) -> MResult {
    if !budget.saw_lone_surrogates() {
        return r;
    }
    match r {
        Some(Ok(Value::Str(t))) => match jstring::paired(&t) {
            std::borrow::Cow::Owned(p) => ok(Value::str(&p)),
            std::borrow::Cow::Borrowed(_) => ok(Value::Str(t)),
        },
        other => other,
    }
}

fn replace_literal(s: &str, target: &str, rep: &str, budget: &Budget) -> MResult {
    if target.is_empty() {
        // Java inserts the replacement around every UTF-16 unit; we do it per char.
        let n = s.chars().count() + 1;
        let size = n.saturating_mul(rep.len()).saturating_add(s.len());
        if size > MAX_STRING {
            return err(too_big());
        }
        charge!(budget.build(size));
        let mut out = String::with_capacity(s.len() + n * rep.len());
        out.push_str(rep);
        for c in s.chars() {
            out.push(c);
            out.push_str(rep);
        }
        return ok(Value::str(&out));
    }
    let count = s.matches(target).count();
    let size = if rep.len() > target.len() {
        count
            .saturating_mul(rep.len() - target.len())
            .saturating_add(s.len())
    } else {
        s.len()
    };
    if size > MAX_STRING {
        return err(too_big());
    }
    charge!(budget.build(size));
    ok(Value::str(&s.replace(target, rep)))
}

/// A regex operation's result: a stop by the meter is the budget's failure.
/// What `Pattern.compile(null)` throws (`replaceAll`, `replaceFirst`, `matches`).
const NULL_PATTERN: &str = "Cannot invoke \"String.isEmpty()\" because \"this.pattern\" is null";

fn regex_result<T>(r: Result<T, jregex::RegexError>, budget: &Budget) -> Result<T, CallError> {
    match r {
        Ok(v) => Ok(v),
        Err(jregex::RegexError::Java(e)) => Err(CallError::Java(e)),
        // The meter stopped it: the budget is exceeded (and stays so).
        Err(jregex::RegexError::Stopped) => match budget.steps(0).and_then(|()| budget.alloc(0)) {
            Err(e) => Err(CallError::from(e)),
            Ok(()) => Err(CallError::Java(too_big())),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        // The UTF-8 search agrees with the UTF-16 one wherever it is used.
        #[test]
        fn utf8_searches_agree_with_utf16_ones(
            s in "[ab\u{e9}\u{1f600}]{0,12}",
            needle in "[ab\u{e9}\u{1f600}]{0,3}",
            from in -2i64..30,
        ) {
            prop_assert_eq!(index_of(&s, &needle, from), index_of_units(&s, &needle, from.max(0) as usize));
            prop_assert_eq!(last_index_of(&s, &needle, from), last_index_of_units(&s, &needle, from));
        }

        #[test]
        fn kmp_finds_what_a_plain_search_finds(
            hay in proptest::collection::vec(0u16..3, 0..40),
            needle in proptest::collection::vec(0u16..3, 0..5),
            from in 0usize..45,
        ) {
            let plain = if needle.is_empty() {
                (from <= hay.len()).then_some(from)
            } else if needle.len() > hay.len() {
                None
            } else {
                (from..=hay.len() - needle.len()).find(|&i| hay[i..i + needle.len()] == needle[..])
            };
            prop_assert_eq!(find_units(&hay, &needle, from), plain);
            if needle.len() <= hay.len() {
                let start = from.min(hay.len() - needle.len());
                let plain = (0..=start).rev().find(|&i| hay[i..i + needle.len()] == needle[..]);
                prop_assert_eq!(rfind_units(&hay, &needle, from), plain);
            }
        }
    }

    proptest! {
        // Code points counted and stepped over as `char::decode_utf16` reads the units.
        #[test]
        fn code_points_are_counted_as_utf16_decodes_them(
            u in proptest::collection::vec(prop_oneof![Just(0x61u16), Just(0xD83D), Just(0xDE00)], 0..12),
            from in 0usize..13,
            by in -14i32..14,
        ) {
            prop_assert_eq!(code_point_count(&u), char::decode_utf16(u.iter().copied()).count());
            let Some(x) = offset_by_code_points(&u, from as i32, by) else {
                return Ok(());
            };
            // The units stepped over hold as many code points.
            let (lo, hi) = (from.min(x), from.max(x));
            prop_assert_eq!(code_point_count(&u[lo..hi]), by.unsigned_abs() as usize);
        }

        #[test]
        fn lines_split_as_java_does(s in "[a\r\n]{0,12}") {
            let lines: Vec<&str> = JavaLines(&s).collect();
            // Each terminator ends one line: `\r\n` is one.
            let normal = s.replace("\r\n", "\n").replace('\r', "\n");
            let mut expect: Vec<&str> = normal.split('\n').collect();
            if normal.ends_with('\n') || normal.is_empty() {
                expect.pop();
            }
            prop_assert_eq!(lines, expect);
        }
    }

    #[test]
    fn a_long_needle_that_nearly_matches_everywhere_is_searched_in_linear_time() {
        let hay: String = "a".repeat(200_000) + "\u{1f600}";
        let needle: String = "a".repeat(20_000) + "b";
        assert_eq!(index_of(&hay, &needle, 0), -1);
        assert_eq!(last_index_of(&hay, &needle, i64::from(i32::MAX)), -1);
        let lone = format!(
            "{}{}",
            hay,
            jstring::lone(0xD800).map(String::from).unwrap_or_default()
        );
        assert_eq!(index_of(&lone, &needle, 0), -1);
        assert_eq!(last_index_of(&lone, &needle, i64::from(i32::MAX)), -1);
    }
}
