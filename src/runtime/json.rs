//! Request bodies as json-smart reads them, straight into engine values.
//!
//! One reader and one tree: [`parse`] turns text into the values templates see
//! (objects become ordered maps, arrays json-smart `JSONArray`s, numbers the Java
//! type json-smart picks), JSONPath selects from that tree, and `$input.json`
//! writes json-smart's text back from it. [`compact`] is the fast path of
//! `$input.json('$')`: one pass over the text that validates, compacts and
//! escapes a plain JSON document exactly as parse-then-write would, and gives
//! up (leaving the work to [`parse`]) on anything unusual.
//!
//! json-smart's permissive mode, as API Gateway runs it: objects keep key
//! order (a repeated key keeps its first place and takes the last value);
//! beyond JSON it accepts `'single'` quotes, unquoted strings (`abc`,
//! `{a: b c}`: up to the next `,` `]` `}` or `:`, trailing blanks trimmed;
//! `true`/`false`/`null` stay literals), extra commas (`[1,,2,]`), leading
//! zeros (`007` is 7), a number followed by other text as a string (`1 2`,
//! `12abc`), trailing data after a complete value (ignored), and empty input
//! (null). Integers are `Integer`, `Long` or `BigInteger` by size; other
//! numbers `Double` (±Infinity past its range), or `BigDecimal` when their text
//! is longer than 18 characters.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use num_bigint::BigInt;

use crate::eval::number::{write_java_double, Decimal, DECIMAL_MAX_DIGITS};
use crate::eval::value::{entries_with_capacity, Hasher, Key, List, Value};

/// Deepest nesting [`parse`] accepts (json-smart fails near 400 too).
pub const MAX_JSON_DEPTH: usize = 400;

/// json-smart's permissive parse. Err: json-smart's `ParseException` message.
pub fn parse(text: &str) -> Result<Value, String> {
    let mut p = Parser {
        s: text,
        b: text.as_bytes(),
        pos: 0,
        keys: HashMap::default(),
    };
    p.skip_ws();
    if p.peek().is_none() {
        return Ok(Value::Null);
    }
    p.value(&[], 0)
}

struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    /// A byte offset, always on a character boundary.
    pos: usize,
    /// Object keys seen so far, shared: a body's objects mostly repeat the same keys.
    keys: HashMap<&'a str, Rc<str>, Hasher>,
}

/// At most this many distinct keys are shared per body; others are allocated each time.
const SHARED_KEYS_MAX: usize = 1024;

/// json-smart's blank: any character up to the space.
fn is_ws(b: u8) -> bool {
    b <= b' '
}

impl<'a> Parser<'a> {
    /// A quoted object key, shared with earlier equal keys when written without escapes.
    fn key(&mut self, quote: u8) -> Result<Rc<str>, String> {
        let start = self.pos + 1;
        let mut end = start;
        while self.b.get(end).is_some_and(|&c| c != quote && c != b'\\') {
            end += 1;
        }
        if self.b.get(end) == Some(&quote) {
            let text: &'a str = self.s.get(start..end).unwrap_or("");
            self.pos = end + 1;
            if let Some(k) = self.keys.get(text) {
                return Ok(k.clone());
            }
            let k: Rc<str> = Rc::from(text);
            if self.keys.len() < SHARED_KEYS_MAX {
                self.keys.insert(text, k.clone());
            }
            return Ok(k);
        }
        self.string(quote)
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(is_ws) {
            self.pos += 1;
        }
    }

    /// json-smart counts positions in characters.
    fn char_pos(&self) -> usize {
        self.s
            .get(..self.pos)
            .map_or(self.pos, |t| t.chars().count())
    }

    fn unexpected(&self) -> String {
        match self.s.get(self.pos..).and_then(|t| t.chars().next()) {
            Some(c) => format!(
                "Unexpected character ({c}) at position {}.",
                self.char_pos()
            ),
            None => self.eof(),
        }
    }

    fn eof(&self) -> String {
        format!("Unexpected End Of File position {}: null", self.char_pos())
    }

    /// One value; `stop` are the characters that end an unquoted string here.
    fn value(&mut self, stop: &[u8], depth: usize) -> Result<Value, String> {
        if depth > MAX_JSON_DEPTH {
            return Err(format!(
                "Malicious payload, having non natural depths, parsing stoped on {}",
                self.s
                    .get(self.pos..)
                    .and_then(|t| t.chars().next())
                    .map(String::from)
                    .unwrap_or_default()
            ));
        }
        self.skip_ws();
        match self.peek() {
            None => Err(self.eof()),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(q @ (b'"' | b'\'')) => self.string(q).map(Value::Str),
            Some(c) if c == b'-' || c.is_ascii_digit() => self.number(stop),
            Some(c) if stop.contains(&c) || matches!(c, b']' | b'}' | b':' | b',') => {
                Err(self.unexpected())
            }
            Some(_) => Ok(self.unquoted(stop)),
        }
    }

    /// Text from `start` up to the next `stop` character, trailing blanks trimmed.
    fn unquoted_text(&mut self, start: usize, stop: &[u8]) -> &str {
        while self.peek().is_some_and(|c| !stop.contains(&c)) {
            self.pos += 1;
        }
        // `stop` holds ASCII bytes only, so `pos` is on a character boundary.
        self.s
            .get(start..self.pos)
            .unwrap_or("")
            .trim_end_matches(|c: char| c <= ' ')
    }

    fn unquoted(&mut self, stop: &[u8]) -> Value {
        let start = self.pos;
        match self.unquoted_text(start, stop) {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            text => Value::str(text),
        }
    }

    fn number(&mut self, stop: &[u8]) -> Result<Value, String> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E'))
        {
            self.pos += 1;
        }
        let end = self.pos;
        self.skip_ws();
        let at_stop = match self.peek() {
            None => true,
            Some(c) => stop.contains(&c),
        };
        if !at_stop {
            return Ok(Value::str(self.unquoted_text(start, stop)));
        }
        let text = self.s.get(start..end).unwrap_or("");
        number_value(text)
    }

    /// A quoted string. Without escapes it is one allocation, straight from the text.
    fn string(&mut self, quote: u8) -> Result<Rc<str>, String> {
        self.pos += 1;
        let start = self.pos;
        while self.peek().is_some_and(|c| c != quote && c != b'\\') {
            self.pos += 1;
        }
        if self.peek() == Some(quote) {
            let s = self.s.get(start..self.pos).unwrap_or("");
            self.pos += 1;
            return Ok(Rc::from(s));
        }
        self.pos = start;
        self.escaped_string(quote).map(Rc::from)
    }

    fn escaped_string(&mut self, quote: u8) -> Result<String, String> {
        let mut out = String::new();
        // A `\uD8xx` escape waiting for its low surrogate (`\uDCxx`).
        let mut high: Option<u32> = None;
        loop {
            // Copy the run of plain characters at once.
            let run_start = self.pos;
            while self
                .peek()
                .is_some_and(|c| c != quote && c != b'\\' && high.is_none())
            {
                self.pos += 1;
            }
            if self.pos > run_start {
                out.push_str(self.s.get(run_start..self.pos).unwrap_or(""));
            }
            let Some(c) = self.peek() else {
                return Err(self.eof());
            };
            self.pos += 1;
            let continues_pair = c == b'\\' && self.peek() == Some(b'u');
            if !continues_pair && high.take().is_some() {
                out.push('\u{FFFD}');
            }
            if c == quote {
                return Ok(out);
            }
            if c != b'\\' {
                // Only reached right after a pending high surrogate: the character itself.
                self.pos -= 1;
                continue;
            }
            let Some(e) = self.s.get(self.pos..).and_then(|t| t.chars().next()) else {
                return Err(self.eof());
            };
            self.pos += e.len_utf8();
            match e {
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'u' => {
                    let mut v: u32 = 0;
                    for _ in 0..4 {
                        let Some(h) = self.peek() else {
                            return Err(self.eof());
                        };
                        let d = char::from(h)
                            .to_digit(16)
                            .ok_or_else(|| self.unexpected())?;
                        v = v * 16 + d;
                        self.pos += 1;
                    }
                    match (high.take(), v) {
                        (Some(h), 0xDC00..=0xDFFF) => {
                            let c = 0x10000 + ((h - 0xD800) << 10) + (v - 0xDC00);
                            out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                        }
                        (prev, 0xD800..=0xDBFF) => {
                            if prev.is_some() {
                                out.push('\u{FFFD}');
                            }
                            high = Some(v);
                        }
                        (prev, _) => {
                            if prev.is_some() {
                                out.push('\u{FFFD}');
                            }
                            out.push(char::from_u32(v).unwrap_or('\u{FFFD}'));
                        }
                    }
                }
                other => out.push(other),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, String> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None => return Err(self.eof()),
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::List(Rc::new(RefCell::new(List {
                        items,
                        json: true,
                    }))));
                }
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                Some(_) => {}
            }
            items.push(self.value(b",]", depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {}
                None => return Err(self.eof()),
                Some(_) => return Err(self.unexpected()),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, String> {
        self.pos += 1;
        let mut map = entries_with_capacity(4);
        loop {
            self.skip_ws();
            let key: Rc<str> = match self.peek() {
                None => return Err(self.eof()),
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::new_map(map));
                }
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                Some(q @ (b'"' | b'\'')) => self.key(q)?,
                Some(b':' | b']' | b'[' | b'{') => return Err(self.unexpected()),
                Some(_) => {
                    let start = self.pos;
                    Rc::from(self.unquoted_text(start, b":"))
                }
            };
            self.skip_ws();
            match self.peek() {
                Some(b':') => self.pos += 1,
                None => return Err(self.eof()),
                Some(_) => return Err(self.unexpected()),
            }
            let v = self.value(b",}", depth + 1)?;
            map.insert(Key::Str(key), v);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {}
                None => return Err(self.eof()),
                Some(_) => return Err(self.unexpected()),
            }
        }
    }
}

/// Is `t` a JSON number (`-?digits(.digits)?([eE][+-]?digits)?`)?
fn strict_number(t: &[u8]) -> bool {
    let mut i = 0;
    let digits = |i: &mut usize| {
        let s = *i;
        while t.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > s
    };
    if t.first() == Some(&b'-') {
        i += 1;
    }
    if !digits(&mut i) {
        return false;
    }
    if t.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(t.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(t.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == t.len()
}

/// json-smart's typing of a number's text (made of digits and `-+.eE`); text
/// that is no number stays a string.
fn number_value(text: &str) -> Result<Value, String> {
    if text == "-" {
        return Ok(Value::Int(0));
    }
    if !text.contains(['.', 'e', 'E']) {
        let (neg, digits) = match text.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, text),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Value::str(text));
        }
        let trimmed = digits.trim_start_matches('0');
        if trimmed.len() > DECIMAL_MAX_DIGITS as usize {
            return Err(format!(
                "a number of {} digits, over the limit of {DECIMAL_MAX_DIGITS}",
                trimmed.len()
            ));
        }
        if trimmed.len() <= 18 {
            let mut v: i64 = 0;
            for b in trimmed.bytes() {
                v = v * 10 + i64::from(b - b'0');
            }
            let v = if neg { -v } else { v };
            return Ok(match i32::try_from(v) {
                Ok(i) => Value::Int(i),
                Err(_) => Value::Long(v),
            });
        }
        let big: BigInt = trimmed.parse().unwrap_or_default();
        let big = if neg { -big } else { big };
        return Ok(match i64::try_from(&big) {
            Ok(v) => Value::Long(v),
            Err(_) => Value::BigInt(Rc::new(big)),
        });
    }
    if text.len() > 18 && strict_number(text.as_bytes()) {
        if let Some(d) = Decimal::parse_java(text) {
            return Ok(Value::Decimal(Rc::new(d)));
        }
    }
    Ok(match text.parse::<f64>() {
        Ok(f) => Value::Double(f),
        Err(_) => Value::str(text),
    })
}

// ---------------------------------------------------------------------------
// The fast path of `$input.json('$')`

/// Bytes that end a run of plain string content: the quote, the backslash, `/`
/// (written `\/`), control characters, DEL, and the lead bytes of the
/// characters json-smart writes as `\uXXXX` (U+0080..U+009F start with 0xC2,
/// U+2000..U+20FF with 0xE2).
static STRING_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[b'/' as usize] = true;
    t[0x7f] = true;
    t[0xc2] = true;
    t[0xe2] = true;
    t
};

/// Writes json-smart's compact text of the document `text` into `out`, exactly
/// what [`parse`] then [`Value::write_json`] would write, in one pass over the
/// text. Returns `false`, with `out` as it was, when the text is anything but
/// plain JSON whose first character is `{` or `[` (permissive syntax, repeated
/// keys, escapes in keys, long or unusual numbers, deep nesting, trailing
/// data): the caller then takes the slow path.
pub fn compact(text: &str, out: &mut String) -> bool {
    let start = out.len();
    out.reserve(text.len());
    let ok = Compactor {
        b: text.as_bytes(),
        s: text,
        pos: 0,
        pending: 0,
        out,
    }
    .document()
    .is_some();
    if !ok {
        out.truncate(start);
    }
    ok
}

/// One pass over the text. Bytes from `pending` to `pos` are copied as they are
/// at the next point where the output differs from the text (blanks dropped,
/// a character re-escaped, a number rewritten): an already compact document is
/// one copy.
struct Compactor<'a, 'o> {
    b: &'a [u8],
    s: &'a str,
    pos: usize,
    pending: usize,
    out: &'o mut String,
}

/// A cheap fingerprint of a key: its length and first bytes.
fn fingerprint(k: &[u8]) -> u64 {
    let mut buf = [0u8; 8];
    let n = k.len().min(8);
    if let (Some(dst), Some(src)) = (buf.get_mut(..n), k.get(..n)) {
        dst.copy_from_slice(src);
    }
    u64::from_le_bytes(buf) ^ ((k.len() as u64) << 56)
}

/// Is `t` (a JSON number with a fraction) written exactly as Java's
/// `Double.toString` writes its value? True for plain decimals of at most 15
/// significant digits (which doubles keep exactly, so no shorter text exists)
/// between 10⁻³ and 10⁷ without trailing zeros: `57.23`, `0.5`, `-3.0`.
fn java_double_text(t: &[u8]) -> bool {
    let t = t.strip_prefix(b"-").unwrap_or(t);
    let Some(dot) = t.iter().position(|&c| c == b'.') else {
        return false;
    };
    let (int, frac) = (t.get(..dot).unwrap_or(&[]), t.get(dot + 1..).unwrap_or(&[]));
    if int.is_empty() || int.len() > 7 || frac.is_empty() {
        return false;
    }
    if !int.iter().chain(frac).all(u8::is_ascii_digit) {
        return false;
    }
    if frac != b"0" && frac.last() == Some(&b'0') {
        return false;
    }
    let significant = if int == b"0" {
        if frac == b"0" {
            return true;
        }
        let zeros = frac.iter().take_while(|&&c| c == b'0').count();
        if zeros >= 3 {
            return false;
        }
        frac.len() - zeros
    } else {
        if int.first() == Some(&b'0') {
            return false;
        }
        int.len() + if frac == b"0" { 0 } else { frac.len() }
    };
    significant <= 15
}

/// What the compactor expects next.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Next {
    /// A value (after `:` or `,` in an array).
    Value,
    /// A value or `]` (after `[`).
    ValueOrClose,
    /// A key or `}` (after `{`).
    KeyOrClose,
    /// A key (after `,` in an object).
    Key,
    /// `:` after a key.
    Colon,
    /// `,` or the container's closing bracket.
    CommaOrClose,
}

/// An open container: `true` for an object, and where its keys start in the key list.
#[derive(Clone, Copy)]
struct Open {
    object: bool,
    first_key: usize,
    /// One bit per key fingerprint seen in this object: most keys are new,
    /// and a clear bit says so without comparing.
    bloom: u64,
}

impl Compactor<'_, '_> {
    /// Copies what is pending and skips `n` bytes of the text.
    fn skip(&mut self, n: usize) -> Option<()> {
        self.out.push_str(self.s.get(self.pending..self.pos)?);
        self.pos += n;
        self.pending = self.pos;
        Some(())
    }

    fn document(&mut self) -> Option<()> {
        let mut stack: Vec<Open> = Vec::new();
        let mut keys: Vec<(u64, usize, usize)> = Vec::new();
        let mut next = Next::Value;
        let b = self.b;
        // Blanks before the document.
        let lead = b.iter().take_while(|&&c| is_ws(c)).count();
        self.pos = lead;
        self.pending = lead;
        if !matches!(b.get(lead), Some(b'{' | b'[')) {
            return None;
        }
        loop {
            let c = *b.get(self.pos)?;
            if is_ws(c) {
                let n = b.get(self.pos..)?.iter().take_while(|&&c| is_ws(c)).count();
                self.skip(n)?;
                continue;
            }
            match next {
                Next::Value | Next::ValueOrClose => {
                    if c == b']' && next == Next::ValueOrClose {
                        self.pos += 1;
                        stack.pop();
                        next = Next::CommaOrClose;
                    } else {
                        match c {
                            b'{' | b'[' => {
                                if stack.len() >= MAX_JSON_DEPTH {
                                    return None;
                                }
                                stack.push(Open {
                                    object: c == b'{',
                                    first_key: keys.len(),
                                    bloom: 0,
                                });
                                self.pos += 1;
                                next = if c == b'{' {
                                    Next::KeyOrClose
                                } else {
                                    Next::ValueOrClose
                                };
                                continue;
                            }
                            b'"' => self.string()?,
                            b't' => self.literal(b"true")?,
                            b'f' => self.literal(b"false")?,
                            b'n' => self.literal(b"null")?,
                            b'-' | b'0'..=b'9' => self.number()?,
                            _ => return None,
                        }
                        next = Next::CommaOrClose;
                    }
                }
                Next::KeyOrClose | Next::Key => {
                    if c == b'}' && next == Next::KeyOrClose {
                        self.pos += 1;
                        if let Some(o) = stack.pop() {
                            keys.truncate(o.first_key);
                        }
                        next = Next::CommaOrClose;
                    } else if c == b'"' {
                        let start = self.pos + 1;
                        self.string()?;
                        let key = b.get(start..self.pos - 1)?;
                        // A key with escapes could repeat another in disguise: slow path.
                        if key.contains(&b'\\') {
                            return None;
                        }
                        let top = stack.last_mut()?;
                        let fp = fingerprint(key);
                        let bit = 1u64 << (fp.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58);
                        if top.bloom & bit != 0 {
                            let seen = keys.get(top.first_key..)?;
                            if seen.len() > 256
                                || seen.iter().any(|&(f, s, e)| {
                                    f == fp && b.get(s..e).is_some_and(|k| k == key)
                                })
                            {
                                return None;
                            }
                        }
                        top.bloom |= bit;
                        keys.push((fp, start, self.pos - 1));
                        next = Next::Colon;
                    } else {
                        return None;
                    }
                }
                Next::Colon => {
                    if c != b':' {
                        return None;
                    }
                    self.pos += 1;
                    next = Next::Value;
                }
                Next::CommaOrClose => {
                    let top = stack.last()?;
                    match (c, top.object) {
                        (b',', object) => {
                            self.pos += 1;
                            next = if object { Next::Key } else { Next::Value };
                            if !object {
                                // `[1,]` and `[1,,2]` are permissive syntax.
                                let after =
                                    b.get(self.pos..)?.iter().find(|&&c| !is_ws(c)).copied();
                                if matches!(after, Some(b',' | b']')) {
                                    return None;
                                }
                            }
                        }
                        (b'}', true) | (b']', false) => {
                            self.pos += 1;
                            if let Some(o) = stack.pop() {
                                keys.truncate(o.first_key);
                            }
                            if stack.is_empty() {
                                break;
                            }
                            next = Next::CommaOrClose;
                        }
                        _ => return None,
                    }
                }
            }
            if stack.is_empty() && next == Next::CommaOrClose {
                break;
            }
        }
        // Blanks after the document; anything else is trailing data.
        let rest = b.get(self.pos..)?;
        if !rest.iter().all(|&c| is_ws(c)) {
            return None;
        }
        self.out.push_str(self.s.get(self.pending..self.pos)?);
        Some(())
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.pos + word.len();
        if self.b.get(self.pos..end)? != word {
            return None;
        }
        // `truex` would be an unquoted string.
        if self
            .b
            .get(end)
            .is_some_and(|&c| !is_ws(c) && !matches!(c, b',' | b']' | b'}'))
        {
            return None;
        }
        self.pos = end;
        Some(())
    }

    fn number(&mut self) -> Option<()> {
        let start = self.pos;
        let t = self.b.get(start..)?;
        let len = t
            .iter()
            .take_while(|&&c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E'))
            .count();
        let t = t.get(..len)?;
        if !strict_number(t) {
            return None;
        }
        let digits = t.strip_prefix(b"-").unwrap_or(t);
        let is_int = !t.iter().any(|&c| matches!(c, b'.' | b'e' | b'E'));
        if is_int {
            // Leading zeros and `-0` are rewritten by json-smart; long ones are BigIntegers.
            if (digits.len() > 1 && digits.first() == Some(&b'0'))
                || t == b"-0"
                || digits.len() > 18
            {
                return None;
            }
            self.pos += len;
            return Some(());
        }
        if t.len() > 18 {
            return None;
        }
        if java_double_text(t) {
            self.pos += len;
            return Some(());
        }
        let f = self
            .s
            .get(start..start + len)?
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())?;
        self.skip(len)?;
        write_java_double(f, self.out);
        Some(())
    }

    /// A double-quoted string; json-smart writes `\"`, `\\`, `\/`, `\b`, `\f`,
    /// `\n`, `\r`, `\t` back as they are, so only other characters are rewritten.
    #[inline]
    fn string(&mut self) -> Option<()> {
        let b = self.b;
        let mut i = self.pos + 1;
        loop {
            while let Some(&c) = b.get(i) {
                if STRING_STOP[usize::from(c)] {
                    break;
                }
                i += 1;
            }
            let c = *b.get(i)?;
            if c == b'"' {
                self.pos = i + 1;
                return Some(());
            }
            self.pos = i;
            self.string_special(c)?;
            i = self.pos;
        }
    }

    /// A byte that stops a string's plain run, other than its closing quote.
    #[cold]
    fn string_special(&mut self, c: u8) -> Option<()> {
        match c {
            b'\\' => match *self.b.get(self.pos + 1)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.pos += 2,
                b'u' => {
                    let hex = self.b.get(self.pos + 2..self.pos + 6)?;
                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                        return None;
                    }
                    let v =
                        u32::from_str_radix(self.s.get(self.pos + 2..self.pos + 6)?, 16).ok()?;
                    // Surrogates (pairs or lone) take the slow path.
                    let ch = char::from_u32(v)?;
                    self.skip(6)?;
                    push_json_char(ch, self.out);
                }
                // Any other escaped character stands for itself in json-smart;
                // rare enough to leave to the slow path.
                _ => return None,
            },
            0xc2 | 0xe2 => {
                // A multi-byte character that may need `\uXXXX`.
                let ch = self.s.get(self.pos..)?.chars().next()?;
                if needs_json_escape(ch) {
                    self.skip(ch.len_utf8())?;
                    push_json_char(ch, self.out);
                } else {
                    self.pos += ch.len_utf8();
                }
            }
            _ => {
                // A control character, DEL or `/`.
                self.skip(1)?;
                push_json_char(char::from(c), self.out);
            }
        }
        Some(())
    }
}

/// Does json-smart write `c` as an escape inside a string?
fn needs_json_escape(c: char) -> bool {
    matches!(c, '"' | '\\' | '/' | '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{2000}'..='\u{20ff}')
}

/// One character as json-smart's default style writes it inside a string.
fn push_json_char(c: char, out: &mut String) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '/' => out.push_str("\\/"),
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{2000}'..='\u{20ff}' => {
            push_unicode_escape(c as u32, out);
        }
        c => out.push(c),
    }
}

/// `\uXXXX` with upper-case hex digits.
pub(crate) fn push_unicode_escape(unit: u32, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        let d = HEX
            .get(((unit >> shift) & 0xf) as usize)
            .copied()
            .unwrap_or(b'0');
        out.push(char::from(d));
    }
}

#[cfg(test)]
mod tests;
