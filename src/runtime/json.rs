//! Request bodies as json-smart reads them, straight into engine values.
//!
//! One reader and one tree: [`parse`] turns text into the values templates see
//! (objects become ordered maps, arrays json-smart `JSONArray`s, numbers the Java
//! type json-smart picks), JSONPath selects from that tree, and `$input.json`
//! writes json-smart's text back from it. A request body is read by
//! [`parse_lazy`]: the same reading (the same checks, messages and charges),
//! but each object and array is built only when a template first needs it
//! ([`crate::eval::lazy`]), and a member is read straight from the text; plain
//! JSON is read by a fast pass of its own (`scan`). [`compact`] is the fast path of
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

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use crate::eval::value::JStr;

use num_bigint::BigInt;
mod scan;
mod stack;
mod wide;

use stack::Stack;

use crate::eval::budget::{Budget, Exceeded, CHUNK, CONTAINER_BYTES, ENTRY_BYTES, VALUE_BYTES};
use crate::eval::jstring;
use crate::eval::lazy::{Lazy, Lent, Member, StrMember, Tape};
use crate::eval::number::{write_java_double, Decimal, DECIMAL_MAX_DIGITS};
use crate::eval::value::{Entries, Key, List, Map, Value};

/// Objects of at most this many entries find their repeated keys without
/// hashing (as many as a map holds before it gets a hash index).
const SMALL_OBJECT: usize = crate::eval::entries::SMALL;

/// Deepest nesting [`parse`] accepts (json-smart fails near 400 too).
pub const MAX_JSON_DEPTH: usize = 400;

/// Why a body could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonError {
    /// json-smart's `ParseException` message.
    Invalid(String),
    /// The render's budget ran out while the document was built.
    Limit(Exceeded),
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JsonError::Invalid(m) => f.write_str(m),
            JsonError::Limit(e) => write!(f, "{e}"),
        }
    }
}

/// json-smart's permissive parse, unmetered (for text that is not a request's).
/// Err: json-smart's `ParseException` message.
pub fn parse(text: &str) -> Result<Value, String> {
    parse_with_budget(text, &Budget::unmetered()).map_err(|e| e.to_string())
}

/// json-smart's permissive parse, the values built charged to `budget` as they
/// are built (a step and the bytes of each value, string and container),
/// every [`CHUNK`] bytes.
pub fn parse_with_budget(text: &str, budget: &Budget) -> Result<Value, JsonError> {
    // Texts without json-smart's end-of-input mark (all but a few) are read
    // without looking for it at every character.
    if memchr::memchr(END_MARK, text.as_bytes()).is_some() {
        parse_from::<true>(text, budget)
    } else {
        parse_from::<false>(text, budget)
    }
}

/// [`parse_with_budget`]; `MARK`: the text holds an end-of-input mark.
fn parse_from<const MARK: bool>(text: &str, budget: &Budget) -> Result<Value, JsonError> {
    let mut p = Parser::<MARK>::new(text, budget);
    p.skip_ws();
    if p.peek().is_none() {
        // At json-smart's end-of-input mark it reads an empty unquoted string.
        return Ok(if p.pos < p.b.len() {
            Value::str("")
        } else {
            Value::Null
        });
    }
    let v = p.value(Stop::NONE, 0);
    let flushed = p.flush();
    match (v, p.exceeded) {
        (_, Some(e)) => Err(JsonError::Limit(e)),
        (Err(m), None) => Err(JsonError::Invalid(m)),
        (Ok(v), None) => match flushed {
            Ok(()) => Ok(v),
            Err(e) => Err(JsonError::Limit(e)),
        },
    }
}

struct Parser<'a, 'b, const MARK: bool, const LAZY: bool = false> {
    s: &'a str,
    b: &'a [u8],
    /// A byte offset, always on a character boundary.
    pos: usize,
    /// Keys seen so far, shared: a body's objects mostly repeat the same keys.
    /// [`KEY_SLOTS`] slots, each the last key whose text mapped there.
    keys: Vec<Option<SharedKey>>,
    /// The items of the open arrays, then the entries of the open objects:
    /// each list and map is allocated once, at its final size, when it closes.
    items: Vec<Value>,
    entries: Vec<(JStr, Words, Value)>,
    /// Where strings with escapes are decoded.
    buf: String,
    budget: &'b Budget,
    /// Bytes built since the budget was last charged.
    bytes: usize,
    /// Set when the budget ran out: the parse then stops with an empty message.
    exceeded: Option<Exceeded>,
    /// `LAZY`: where each value and key is ([`Document`]); no value is built.
    nodes: Vec<Node>,
}

/// A key of the document, and its text packed in words.
struct SharedKey {
    words: Words,
    key: JStr,
}

/// How many distinct keys and short strings are shared at once (a
/// direct-mapped cache).
const KEY_SLOTS: usize = 512;

/// Strings up to this long are shared like keys: short values repeat.
const SHARED_STRING_MAX: usize = 16;

/// The first and last 8 bytes of a key and its length: for keys of at most
/// 16 bytes, equal words are equal keys.
type Words = (u64, u64, usize);

/// The first and last (up to) 8 bytes of `k`, and its length.
#[inline]
fn key_words(k: &[u8]) -> Words {
    match (k.first_chunk::<8>(), k.last_chunk::<8>()) {
        (Some(first), Some(last)) => (
            u64::from_le_bytes(*first),
            u64::from_le_bytes(*last),
            k.len(),
        ),
        _ => {
            let w = k.iter().rev().fold(0, |w, &c| w << 8 | u64::from(c));
            (w, 0, k.len())
        }
    }
}

/// The characters that end an unquoted string where a value is read: at
/// most two, padded with 0xFF (never a byte of UTF-8 text). Compared
/// directly, where a slice's `contains` was a call per character.
#[derive(Clone, Copy)]
struct Stop([u8; 2]);

impl Stop {
    /// The whole document.
    const NONE: Stop = Stop([0xFF, 0xFF]);
    /// An object key written without quotes.
    const KEY: Stop = Stop([b':', 0xFF]);
    const ARRAY: Stop = Stop([b',', b']']);
    const OBJECT: Stop = Stop([b',', b'}']);

    #[inline(always)]
    fn has(self, c: u8) -> bool {
        c == self.0[0] || c == self.0[1]
    }
}

/// Where the text ended, as json-smart's messages tell it: the position is
/// that of the last character, or (inside a string) the text's length, and
/// the message ends with what json-smart says it met.
#[derive(Clone, Copy)]
enum Eof {
    /// In an array: `[1,`.
    Array,
    /// Right after an object's colon: `{"a":`.
    Value,
    /// Elsewhere in an object: `{"a"`, `{"a": `, `{"a":1`.
    Object,
    /// In a string that has no closing quote character after its opening
    /// one (json-smart looks for it first).
    String,
    /// In a string read character by character (a quote character follows,
    /// escaped): `"a\"b`.
    EscapedString,
    /// In a `\u` escape of such a string.
    Unicode,
}

/// json-smart's end-of-input mark (`EOI`, the character SUB): where its
/// reader meets one outside a string it takes verbatim, the text ends there.
const END_MARK: u8 = 0x1A;

/// json-smart's blank: any character up to the space.
fn is_ws(b: u8) -> bool {
    b <= b' '
}

impl<'a, 'b, const MARK: bool, const LAZY: bool> Parser<'a, 'b, MARK, LAZY> {
    fn new(text: &'a str, budget: &'b Budget) -> Self {
        Parser {
            s: text,
            b: text.as_bytes(),
            pos: 0,
            keys: Vec::new(),
            items: Vec::new(),
            entries: Vec::new(),
            buf: String::new(),
            budget,
            bytes: 0,
            exceeded: None,
            nodes: Vec::new(),
        }
    }

    /// Notes `bytes` built; charges the budget every [`CHUNK`] bytes.
    #[inline(always)]
    fn built(&mut self, bytes: usize) -> Result<(), String> {
        self.bytes += bytes;
        if self.bytes >= CHUNK {
            return self.charge();
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn charge(&mut self) -> Result<(), String> {
        self.flush().map_err(|e| {
            self.exceeded = Some(e);
            String::new()
        })
    }

    /// Charges what was built since the last charge: its bytes, and a step per
    /// value's worth of them.
    fn flush(&mut self) -> Result<(), Exceeded> {
        let bytes = std::mem::take(&mut self.bytes);
        self.budget.alloc(bytes)?;
        self.budget.steps((bytes / VALUE_BYTES) as u64)
    }

    /// A quoted object key and its [`key_words`], shared with earlier equal
    /// keys when written without escapes.
    fn key(&mut self, quote: u8) -> Result<(JStr, Words), String> {
        let Ok((start, end)) = self.plain_quoted(quote) else {
            let k = self.string(quote)?;
            let words = key_words(k.as_bytes());
            return Ok((k, words));
        };
        self.pos = end + 1;
        // Charged with the next value (a shared key costs no more than its text).
        self.bytes += end - start;
        let (words, key) = self.shared(start, end);
        Ok((key, words))
    }

    /// The text from `start` to `end` (no escapes in it), shared with earlier
    /// equal text when it is too long to be held in place, and its
    /// [`key_words`].
    fn shared(&mut self, start: usize, end: usize) -> (Words, JStr) {
        let bytes = self.b.get(start..end).unwrap_or_default();
        let words = key_words(bytes);
        if bytes.len() <= crate::eval::value::INLINE_MAX {
            // Held in place: cheaper made than looked up.
            return (words, JStr::new(self.s.get(start..end).unwrap_or("")));
        }
        let slot = ((words.0 ^ words.1.rotate_left(23) ^ words.2 as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            >> 55) as usize
            % KEY_SLOTS;
        if self.keys.is_empty() {
            self.keys.resize_with(KEY_SLOTS, || None);
        }
        if let Some(Some(k)) = self.keys.get(slot) {
            if k.words == words && (words.2 <= 16 || k.key.as_bytes() == bytes) {
                return (words, k.key.clone());
            }
        }
        let key = JStr::new(self.s.get(start..end).unwrap_or(""));
        if let Some(s) = self.keys.get_mut(slot) {
            *s = Some(SharedKey {
                words,
                key: key.clone(),
            });
        }
        (words, key)
    }

    /// Where the plain run of a string's content from `i` ends: at `quote`,
    /// a backslash or the end of the text. Eight bytes at a time.
    #[inline]
    fn plain_end(&self, i: usize, quote: u8) -> usize {
        plain_end(self.b, i, quote)
    }

    /// The string quoted with `quote` at the read position: `Ok`, the start
    /// and end of its content when it has no escapes (`end` is its closing
    /// quote); `Err`, where its first escape is (or the text's end). The
    /// read position does not move.
    #[inline]
    fn plain_quoted(&self, quote: u8) -> Result<(usize, usize), usize> {
        let start = self.pos + 1;
        let end = self.plain_end(start, quote);
        if self.b.get(end) == Some(&quote) {
            Ok((start, end))
        } else {
            Err(end)
        }
    }

    /// The byte at the read position. json-smart's end-of-input mark is the
    /// character 0x1A: read character by character, one ends the text.
    #[inline]
    fn peek(&self) -> Option<u8> {
        match self.b.get(self.pos) {
            Some(&END_MARK) if MARK => None,
            c => c.copied(),
        }
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(is_ws) {
            self.pos += 1;
        }
    }

    /// json-smart counts positions in UTF-16 units (a Java string's indexes).
    fn char_pos(&self) -> usize {
        self.s.get(..self.pos).map_or(self.pos, jstring::units_len)
    }

    #[cold]
    #[inline(never)]
    fn unexpected(&self) -> String {
        match self.s.get(self.pos..).and_then(|t| t.chars().next()) {
            Some(c) => format!(
                "Unexpected character ({c}) at position {}.",
                self.char_pos()
            ),
            None => self.eof(Eof::Object),
        }
    }

    /// json-smart's message for the character at the read position where
    /// its object reader tells the position before it: after a key (an
    /// unexpected character) or after a value (`token`: an unexpected token).
    #[cold]
    #[inline(never)]
    fn unexpected_after(&self, token: bool) -> String {
        let at = self.char_pos().saturating_sub(1);
        match self.s.get(self.pos..).and_then(|t| t.chars().next()) {
            Some(c) if token => format!("Unexpected token {c} at position {at}."),
            Some(c) => format!("Unexpected character ({c}) at position {at}."),
            None => self.eof(Eof::Object),
        }
    }

    /// json-smart's message for a text that ends where the reader is.
    #[cold]
    #[inline(never)]
    fn eof(&self, at: Eof) -> String {
        let end = self.char_pos();
        let (position, met) = match at {
            Eof::Array | Eof::Value => (end.saturating_sub(1), "EOF"),
            Eof::Object | Eof::EscapedString => (end.saturating_sub(1), "null"),
            // The text's length, wherever the reader is.
            Eof::String => (jstring::units_len(self.s), "null"),
            Eof::Unicode => (end, "EOF"),
        };
        format!("Unexpected End Of File position {position}: {met}")
    }

    /// One value; `stop` are the characters that end an unquoted string here.
    fn value(&mut self, stop: Stop, depth: usize) -> Result<Value, String> {
        if depth > MAX_JSON_DEPTH {
            return Err(self.too_deep());
        }
        self.skip_ws();
        self.built(VALUE_BYTES)?;
        let c = self.peek();
        if LAZY && !matches!(c, Some(b'{' | b'[')) {
            self.nodes.push(Node::scalar(self.pos, stop));
        }
        match c {
            // After blanks that follow a colon: json-smart reads an empty
            // unquoted string there, and then misses the object's end.
            None => Err(self.eof(Eof::Object)),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(q @ (b'"' | b'\'')) if LAZY => {
                if let (Some(node), Some(n)) = (self.skip_string(q)?, self.nodes.last_mut()) {
                    *n = node;
                }
                Ok(Value::Null)
            }
            Some(q @ (b'"' | b'\'')) => self.string(q).map(Value::Str),
            Some(c) if c == b'-' || c.is_ascii_digit() => self.number(stop).map(|v| self.noted(v)),
            Some(c) if stop.has(c) || matches!(c, b']' | b'}' | b':' | b',') => {
                Err(self.unexpected())
            }
            Some(c @ (b't' | b'f' | b'n')) => {
                let v = self.literal(c, stop);
                Ok(self.noted(v))
            }
            Some(_) => {
                let v = self.unquoted(stop);
                Ok(self.noted(v))
            }
        }
    }

    /// `LAZY`: the scalar `v` just read kept in its node when it fits there.
    #[inline]
    fn noted(&mut self, v: Value) -> Value {
        if LAZY {
            if let Some(n) = self.nodes.last_mut() {
                n.keep(&v);
            }
        }
        v
    }

    /// `LAZY`: the container noted at `at` ends here.
    fn close_node(&mut self, at: usize) {
        let end = to_u32(self.nodes.len());
        if let Some(node) = self.nodes.get_mut(at) {
            node.end = end;
        }
    }

    #[cold]
    #[inline(never)]
    fn too_deep(&self) -> String {
        // json-smart's text is "Malicious payload, having non natural
        // depths, parsing stoped on {": said plainly here.
        format!(
            "nested deeper than {MAX_JSON_DEPTH} levels at position {} (json-smart stops there)",
            self.char_pos()
        )
    }

    /// An object key written without quotes.
    #[inline(never)]
    fn unquoted_key(&mut self) -> Result<(JStr, Words), String> {
        let start = self.pos;
        let text = JStr::new(self.unquoted_text(start, Stop::KEY));
        self.built(text.len())?;
        let words = key_words(text.as_bytes());
        Ok((text, words))
    }

    /// The list of the items from `base` on, built at its final size (the
    /// caller charged it).
    #[inline(never)]
    fn close_array(&mut self, base: usize) -> Value {
        let items = self.items.drain(base..).collect::<Vec<_>>().into();
        Value::List(Rc::new(RefCell::new(List {
            items,
            json: true,
            array: None,
            mods: 0,
            immutable: false,
        })))
    }

    /// Text from `start` up to the next `stop` character, trailing blanks trimmed.
    fn unquoted_text(&mut self, start: usize, stop: Stop) -> &str {
        while self.peek().is_some_and(|c| !stop.has(c)) {
            self.pos += 1;
        }
        // `stop` holds ASCII bytes only, so `pos` is on a character boundary.
        self.s
            .get(start..self.pos)
            .unwrap_or("")
            .trim_end_matches(|c: char| c <= ' ')
    }

    /// `true`, `false` or `null` when the word stands alone; other text is
    /// unquoted.
    fn literal(&mut self, first: u8, stop: Stop) -> Value {
        let (word, v): (&[u8], Value) = match first {
            b't' => (b"true", Value::Bool(true)),
            b'f' => (b"false", Value::Bool(false)),
            _ => (b"null", Value::Null),
        };
        let start = self.pos;
        if self.b.get(start..start + word.len()) == Some(word) {
            self.pos += word.len();
            self.skip_ws();
            if self.peek().map_or(true, |c| stop.has(c)) {
                return v;
            }
            self.pos = start;
        }
        self.unquoted(stop)
    }

    fn unquoted(&mut self, stop: Stop) -> Value {
        let start = self.pos;
        let v = match self.unquoted_text(start, stop) {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            text => Value::str(text),
        };
        // Charged with the next value: the text is no longer than the input.
        self.bytes += self.pos - start;
        v
    }

    fn number(&mut self, stop: Stop) -> Result<Value, String> {
        let start = self.pos;
        // The common shapes, read on the way: `-?digits(.digits)?`. (The
        // end-of-input mark is none of the characters read here.)
        let n = number_text(self.b, start);
        self.pos = n.end;
        self.skip_ws();
        let at_stop = match self.peek() {
            None => true,
            Some(c) => stop.has(c),
        };
        if !at_stop {
            return Ok(Value::str(self.unquoted_text(start, stop)));
        }
        if let Some(v) = n.common() {
            return Ok(v);
        }
        let text = self.s.get(start..n.end).unwrap_or("");
        number_value(text)
    }

    /// A quoted string. Without escapes it is one allocation, straight from the text.
    fn string(&mut self, quote: u8) -> Result<JStr, String> {
        if let Ok((start, end)) = self.plain_quoted(quote) {
            self.pos = end + 1;
            if end - start <= SHARED_STRING_MAX {
                return Ok(self.shared(start, end).1);
            }
            self.built(end - start)?;
            return Ok(JStr::new(self.s.get(start..end).unwrap_or("")));
        }
        self.pos += 1;
        let out = self.escaped_string(quote)?;
        self.built(out.len())?;
        let s = JStr::new(&out);
        self.buf = out;
        Ok(s)
    }

    /// `LAZY`: a quoted string read as [`Self::string`] reads it (checked and
    /// charged alike), and not built. Some: its node, when it can be read
    /// without the parser (no escapes, or escapes [`escaped_end`] accepts).
    fn skip_string(&mut self, quote: u8) -> Result<Option<Node>, String> {
        let start = self.pos + 1;
        let end = match self.plain_quoted(quote) {
            Ok((_, end)) => {
                self.pos = end + 1;
                if end - start > SHARED_STRING_MAX {
                    self.built(end - start)?;
                }
                return Ok(Some(Node::string(start, end, STRING)));
            }
            Err(escape) => escape,
        };
        // Escapes: checked, not decoded (they are when the string is read),
        // and charged as the text they are written in, which is never
        // shorter. A string the check leaves to the decoder (a surrogate
        // without its pair, an error) is decoded, and charged as decoded.
        if let Some(close) = escaped_end(self.b, end, quote).filter(|_| !MARK) {
            self.pos = close + 1;
            self.built(close - start)?;
            return Ok(Some(Node::string(start, close, ESCAPED)));
        }
        self.pos = start;
        let out = self.escaped_string(quote)?;
        self.built(out.len())?;
        self.buf = out;
        Ok(None)
    }

    /// `LAZY`: an object key (`quote`: its quote character, if any), read as
    /// [`Self::key`] or [`Self::unquoted_key`] read it, and noted.
    fn lazy_key(&mut self, quote: Option<u8>) -> Result<(), String> {
        let pos = self.pos;
        match quote {
            Some(q) => {
                if let Ok((start, end)) = self.plain_quoted(q) {
                    self.pos = end + 1;
                    self.bytes += end - start;
                    self.nodes.push(Node::key(pos, Some(end)));
                    return Ok(());
                }
                self.skip_string(q)?;
            }
            None => {
                let len = self.unquoted_text(pos, Stop::KEY).len();
                self.built(len)?;
            }
        }
        self.nodes.push(Node::key(pos, None));
        Ok(())
    }

    fn escaped_string(&mut self, quote: u8) -> Result<String, String> {
        let start = self.pos;
        let mut out = std::mem::take(&mut self.buf);
        out.clear();
        // A `\uD8xx` escape waiting for its low surrogate (`\uDCxx`).
        let mut high: Option<u32> = None;
        loop {
            // Copy the run of plain characters at once.
            let run_start = self.pos;
            if high.is_none() {
                self.pos = self.plain_end(run_start, quote);
            }
            if self.pos > run_start {
                let run = self.s.get(run_start..self.pos).unwrap_or("");
                if let Some(i) = MARK
                    .then(|| memchr::memchr(END_MARK, run.as_bytes()))
                    .flatten()
                {
                    self.pos = run_start + i;
                    return Err(self.eof(self.string_end(start, quote)));
                }
                // json-smart drops control characters and DEL written raw
                // in a string that has an escape (its slow path); a string
                // without one keeps them.
                if run.bytes().any(|b| b < 0x20 || b == 0x7f) {
                    out.extend(run.chars().filter(|&c| c >= ' ' && c != '\u{7f}'));
                } else {
                    out.push_str(run);
                }
            }
            let Some(c) = self.peek() else {
                return Err(self.eof(self.string_end(start, quote)));
            };
            self.pos += 1;
            let continues_pair = c == b'\\' && self.peek() == Some(b'u');
            if !continues_pair {
                if let Some(h) = high.take() {
                    self.push_lone(h, &mut out);
                }
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
                return Err(self.eof(Eof::String));
            };
            self.pos += e.len_utf8();
            match e {
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'u' => {
                    let v = self.hex_digits(4, start, quote)?;
                    match (high.take(), v) {
                        (Some(h), 0xDC00..=0xDFFF) => {
                            let c = 0x10000 + ((h - 0xD800) << 10) + (v - 0xDC00);
                            out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                        }
                        (prev, 0xD800..=0xDBFF) => {
                            if let Some(p) = prev {
                                self.push_lone(p, &mut out);
                            }
                            high = Some(v);
                        }
                        (prev, _) => {
                            if let Some(p) = prev {
                                self.push_lone(p, &mut out);
                            }
                            match char::from_u32(v) {
                                Some(c) => out.push(c),
                                // A low surrogate without its high one.
                                None => self.push_lone(v, &mut out),
                            }
                        }
                    }
                }
                '"' | '\\' | '/' | '\'' => out.push(e),
                // json-smart's `\xHH`.
                'x' => {
                    let v = self.hex_digits(2, start, quote)?;
                    out.push(char::from_u32(v).unwrap_or('\u{FFFD}'));
                }
                // json-smart drops any other escaped character, backslash
                // and all (checked against the oracle: `"x\qy"` reads `xy`).
                _ => {}
            }
        }
    }

    /// The `n` hex digits of a `\u` or `\x` escape in a string from `start`.
    fn hex_digits(&mut self, n: usize, start: usize, quote: u8) -> Result<u32, String> {
        let mut v: u32 = 0;
        for _ in 0..n {
            let Some(h) = self.peek() else {
                return Err(self.eof(match self.string_end(start, quote) {
                    Eof::EscapedString => Eof::Unicode,
                    other => other,
                }));
            };
            let Some(d) = char::from(h).to_digit(16).filter(|_| h.is_ascii()) else {
                return Err(self.bad_escape());
            };
            v = v * 16 + d;
            self.pos += 1;
        }
        Ok(v)
    }

    /// json-smart's message for a character that is not a hex digit in a
    /// `\u` or `\x` escape.
    #[cold]
    #[inline(never)]
    fn bad_escape(&self) -> String {
        let c = self
            .s
            .get(self.pos..)
            .and_then(|t| t.chars().next())
            .unwrap_or('\u{FFFD}');
        format!(
            "Unexpected unicode escape sequence {c} at position {}.",
            self.char_pos()
        )
    }

    /// How a string from `start` that meets the end of the text ended there
    /// for json-smart: it first looks for the next quote character, and
    /// reads the string character by character only when it finds one.
    fn string_end(&self, start: usize, quote: u8) -> Eof {
        if self.b.get(start..).is_some_and(|t| t.contains(&quote)) {
            Eof::EscapedString
        } else {
            Eof::String
        }
    }

    /// A surrogate without its pair: json-smart keeps it (see [`crate::eval::jstring`]).
    fn push_lone(&self, unit: u32, out: &mut String) {
        let c = u16::try_from(unit).ok().and_then(jstring::lone);
        out.push(c.unwrap_or('\u{FFFD}'));
        self.budget.note_lone_surrogate();
    }

    /// The map of the entries from `base` on: a repeated key keeps its first
    /// place and takes the last value.
    #[inline(never)]
    fn close_object(&mut self, base: usize) -> Entries {
        let n = self.entries.len().saturating_sub(base);
        if n > SMALL_OBJECT {
            let mut map = Entries::with_capacity(n);
            for (key, _, v) in self.entries.drain(base..) {
                map.insert(Key::Str(key), v);
            }
            return map;
        }
        // A small object: repeated keys found by their words (their text too
        // when longer than 16 bytes), without hashing; the entries are then
        // known distinct.
        let mut items: Vec<(Key, Value)> = Vec::with_capacity(n);
        let mut seen: [Words; SMALL_OBJECT] = [(0, 0, 0); SMALL_OBJECT];
        for (key, words, v) in self.entries.drain(base..) {
            let kept = items.len();
            let earlier = seen.get(..kept).unwrap_or_default();
            let same = earlier.iter().zip(&items).position(|(w, (k, _))| {
                *w == words && (words.2 <= 16 || matches!(k, Key::Str(k) if **k == *key))
            });
            match same.and_then(|i| items.get_mut(i)) {
                Some((_, old)) => *old = v,
                None => {
                    if let Some(slot) = seen.get_mut(kept) {
                        *slot = words;
                    }
                    items.push((Key::Str(key), v));
                }
            }
        }
        Entries::from_unique(items)
    }

    fn array(&mut self, depth: usize) -> Result<Value, String> {
        let at = self.nodes.len();
        if LAZY {
            self.nodes.push(Node::container(self.pos, ARRAY));
        }
        self.pos += 1;
        let base = self.items.len();
        let mut n = 0;
        loop {
            self.skip_ws();
            match self.peek() {
                None => return Err(self.eof(Eof::Array)),
                Some(b']') => {
                    self.pos += 1;
                    self.built(CONTAINER_BYTES + n * VALUE_BYTES)?;
                    if LAZY {
                        self.close_node(at);
                        return Ok(Value::Null);
                    }
                    return Ok(self.close_array(base));
                }
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                Some(_) => {}
            }
            let v = self.value(Stop::ARRAY, depth + 1)?;
            n += 1;
            if !LAZY {
                self.items.push(v);
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b':' | b'}') => return Err(self.unexpected()),
                // json-smart reads the next value without a comma between
                // (`['a' 'b']` is two strings).
                Some(_) => {}
                None => return Err(self.eof(Eof::Array)),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, String> {
        let at = self.nodes.len();
        if LAZY {
            self.nodes.push(Node::container(self.pos, OBJECT));
        }
        self.pos += 1;
        let base = self.entries.len();
        let mut n = 0;
        loop {
            self.skip_ws();
            let key = match self.peek() {
                None => return Err(self.eof(Eof::Object)),
                Some(b'}') => {
                    self.pos += 1;
                    self.built(CONTAINER_BYTES + n * ENTRY_BYTES)?;
                    if LAZY {
                        self.close_node(at);
                        return Ok(Value::Null);
                    }
                    return Ok(Value::new_map(self.close_object(base)));
                }
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                Some(q @ (b'"' | b'\'')) if LAZY => {
                    self.lazy_key(Some(q))?;
                    None
                }
                Some(q @ (b'"' | b'\'')) => Some(self.key(q)?),
                Some(b':' | b']' | b'[' | b'{') => return Err(self.unexpected()),
                Some(_) if LAZY => {
                    self.lazy_key(None)?;
                    None
                }
                Some(_) => Some(self.unquoted_key()?),
            };
            self.skip_ws();
            match self.peek() {
                Some(b':') => self.pos += 1,
                None => return Err(self.eof(Eof::Object)),
                // json-smart tells the position before the character.
                Some(_) => return Err(self.unexpected_after(false)),
            }
            if self.pos >= self.b.len() {
                return Err(self.eof(Eof::Value));
            }
            let v = self.value(Stop::OBJECT, depth + 1)?;
            n += 1;
            if let Some((key, words)) = key {
                self.entries.push((key, words, v));
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {}
                None => return Err(self.eof(Eof::Object)),
                Some(_) => return Err(self.unexpected_after(true)),
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Request bodies read on first use

/// json-smart's permissive parse of a request body, as [`parse_with_budget`]
/// reads it (the same checks, messages and charges to `budget`), whose objects
/// and arrays are built on first use ([`crate::eval::lazy`]): the text is read
/// once, noting where each value and key is, and a member is read from the
/// text when a template asks for it.
pub fn parse_lazy(text: &Arc<str>, budget: &Budget) -> Result<Value, JsonError> {
    // (json-smart's end-of-input mark is a blank byte that ends the text.)
    let first = text.bytes().find(|&b| !is_ws(b) || b == END_MARK);
    // Positions are kept in 32 bits.
    if !matches!(first, Some(b'{' | b'[')) || text.len() >= u32::MAX as usize / 2 {
        return parse_with_budget(text, budget);
    }
    if memchr::memchr(END_MARK, text.as_bytes()).is_some() {
        lazy_from::<true>(text, budget)
    } else {
        lazy_from::<false>(text, budget)
    }
}

fn lazy_from<const MARK: bool>(text: &Arc<str>, budget: &Budget) -> Result<Value, JsonError> {
    if !MARK {
        if let Some(nodes) = scan::plain(text, budget).map_err(JsonError::Limit)? {
            return Ok(Document::root(text, nodes, MARK));
        }
    }
    let mut p = Parser::<MARK, true>::new(text, budget);
    // About a node per value and key: a guess that is rarely outgrown, and
    // never more than the text's own size, nor than the budget leaves.
    p.nodes
        .reserve((text.len() / 12).min(budget.bytes_left() / std::mem::size_of::<Node>()));
    p.skip_ws();
    let v = p.value(Stop::NONE, 0);
    let flushed = p.flush();
    match (v, p.exceeded) {
        (_, Some(e)) => Err(JsonError::Limit(e)),
        (Err(m), None) => Err(JsonError::Invalid(m)),
        (Ok(_), None) => {
            flushed.map_err(JsonError::Limit)?;
            Ok(Document::root(text, p.nodes, MARK))
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Where a value or key is in a [`Document`].
#[derive(Clone, Copy)]
#[cfg_attr(test, derive(Debug, PartialEq, Eq))]
struct Node {
    /// The byte where it starts (a key's quote character).
    pos: u32,
    /// An object or array: the index of the node after its last one. A key
    /// written in quotes without escapes: the byte of its closing quote.
    end: u32,
    /// [`OBJECT`] (or [`DISTINCT_OBJECT`]), [`ARRAY`], [`KEY`], a scalar
    /// read again when built, by its [`Stop`] ([`SCALAR`] + 0..3), or a
    /// scalar kept in the node ([`INT`] and the rest).
    kind: u8,
}

const OBJECT: u8 = 1;
/// An object that the scan found repeats no key: a member search ends at
/// the first key that matches.
const DISTINCT_OBJECT: u8 = 16;
const ARRAY: u8 = 2;
const KEY: u8 = 3;
const SCALAR: u8 = 4;
/// An `Integer`, its bits in `end`.
const INT: u8 = 8;
/// A `Double`, its bits in `pos` (high half) and `end`.
const DOUBLE: u8 = 9;
const TRUE: u8 = 10;
const FALSE: u8 = 11;
const NULL: u8 = 12;
/// A quoted string without escapes, its text from `pos` to `end`.
const STRING: u8 = 13;
/// A quoted string with escapes that [`escaped_end`] accepts, its content
/// from `pos` to `end` (its closing quote), decoded by [`decode_checked`].
const ESCAPED: u8 = 14;
/// A `Double` written from `pos` to `end` exactly as Java's `Double.toString`
/// writes its value ([`java_decimal_digits`]), which [`NumberText::common`]
/// reads: printed by copying its text.
const DECIMAL: u8 = 15;

impl Node {
    fn container(pos: usize, kind: u8) -> Node {
        Node {
            pos: to_u32(pos),
            end: 0,
            kind,
        }
    }

    fn scalar(pos: usize, stop: Stop) -> Node {
        let s = match stop.0 {
            [b',', b']'] => 1,
            [b',', b'}'] => 2,
            _ => 0,
        };
        Node {
            pos: to_u32(pos),
            end: 0,
            kind: SCALAR + s,
        }
    }

    /// `plain`: the closing quote of a quoted key without escapes.
    fn key(pos: usize, plain: Option<usize>) -> Node {
        Node {
            pos: to_u32(pos),
            end: plain.map_or(0, to_u32),
            kind: KEY,
        }
    }

    /// A string whose content is from `start` to `end` (its closing quote):
    /// of kind [`STRING`] or [`ESCAPED`].
    fn string(start: usize, end: usize, kind: u8) -> Node {
        Node {
            pos: to_u32(start),
            end: to_u32(end),
            kind,
        }
    }

    fn keep_int(&mut self, i: i32) {
        (self.kind, self.end) = (INT, i as u32);
    }

    /// A `Double` whose text, up to `end`, is Java's ([`DECIMAL`]).
    #[cfg(test)]
    fn keep_decimal(&mut self, end: usize) {
        (self.kind, self.end) = (DECIMAL, to_u32(end));
    }

    fn keep_double(&mut self, d: f64) {
        let bits = d.to_bits();
        (self.kind, self.pos, self.end) = (DOUBLE, (bits >> 32) as u32, bits as u32);
    }

    /// The scalar `v`, read at this node, kept in it when it fits.
    fn keep(&mut self, v: &Value) {
        match *v {
            Value::Int(i) => self.keep_int(i),
            Value::Double(d) => self.keep_double(d),
            Value::Bool(true) => self.kind = TRUE,
            Value::Bool(false) => self.kind = FALSE,
            Value::Null => self.kind = NULL,
            _ => {}
        }
    }

    fn stop(self) -> Stop {
        match self.kind.wrapping_sub(SCALAR) {
            1 => Stop::ARRAY,
            2 => Stop::OBJECT,
            _ => Stop::NONE,
        }
    }

    fn is_container(self) -> bool {
        matches!(self.kind, OBJECT | ARRAY | DISTINCT_OBJECT)
    }
}

/// A request body read once, where each of its values and keys is: the
/// [`Tape`] its objects and arrays are built from on first use.
struct Document {
    text: Arc<str>,
    /// In document order: a container, then what it holds (an object's
    /// members as a key then a value).
    nodes: Vec<Node>,
    /// The text holds json-smart's end-of-input mark.
    mark: bool,
    /// The shared keys and short strings of what was built so far, and
    /// the buffer escaped strings are decoded in.
    keys: RefCell<(Vec<Option<SharedKey>>, String)>,
    /// What building is charged to: nothing, as the whole document was
    /// charged when it was read.
    budget: Budget,
    /// Where the last member search of an object that repeats no key found
    /// it: the object's node, the node after the member, and the member's
    /// place (from 1). Templates read members in order (`$it.sku`, then
    /// `$it.qty` …), so the next search of that object starts there.
    hint: Cell<(u32, u32, u32)>,
    /// The item a `#foreach` over an array not built holds ([`Walk`]).
    lent: Lent,
}

/// An object holding more members than this builds its map (with a hash
/// index) when a member is read, rather than search its keys each time.
const MEMBER_SEARCH_MAX: usize = 2 * SMALL_OBJECT;

impl Document {
    /// The map or list of the document `text`, whose first node is an
    /// object or array.
    fn root(text: &Arc<str>, nodes: Vec<Node>, mark: bool) -> Value {
        let kind = nodes.first().map_or(OBJECT, |n| n.kind);
        let doc: Rc<dyn Tape> = Rc::new(Document {
            text: text.clone(),
            nodes,
            mark,
            keys: RefCell::new((Vec::new(), String::new())),
            budget: Budget::unmetered(),
            hint: Cell::new((u32::MAX, 0, 0)),
            lent: Lent::default(),
        });
        Document::container(&doc, 0, kind)
    }

    /// The map or list of the container `node`, built on first use.
    fn container(this: &Rc<dyn Tape>, node: u32, kind: u8) -> Value {
        if kind == ARRAY {
            Value::List(Rc::new(RefCell::new(List {
                items: Lazy::on_tape(this.clone(), node),
                json: true,
                array: None,
                mods: 0,
                immutable: false,
            })))
        } else {
            Value::Map(Rc::new(RefCell::new(Map {
                entries: Lazy::on_tape(this.clone(), node),
                prints_empty: false,
            })))
        }
    }

    fn node(&self, i: usize) -> Node {
        self.nodes.get(i).copied().unwrap_or(Node {
            pos: 0,
            end: 0,
            kind: SCALAR,
        })
    }

    /// The node after the last of the array `array` (as [`Tape::items`]
    /// reads it: within the nodes).
    fn array_end(&self, array: u32) -> u32 {
        self.node(array as usize).end.min(to_u32(self.nodes.len()))
    }

    /// The index after the node `i` and all it holds.
    fn after(&self, i: usize) -> usize {
        after_node(i, self.node(i))
    }

    /// The members of the object `node`: each key's node, and its value's
    /// index and node.
    #[inline]
    fn members(&self, node: u32) -> impl Iterator<Item = (Node, usize, Node)> + '_ {
        let end = (self.node(node as usize).end as usize).min(self.nodes.len());
        let mut i = node as usize + 1;
        std::iter::from_fn(move || {
            if i + 1 >= end {
                return None;
            }
            let (k, v) = (*self.nodes.get(i)?, *self.nodes.get(i + 1)?);
            let at = i + 1;
            i = self.after(at);
            Some((k, at, v))
        })
    }

    /// The value of the scalar node `n`: from the node when it keeps it,
    /// else read again by the parser.
    fn scalar(&self, n: Node) -> Value {
        self.kept(n)
            .unwrap_or_else(|| self.with_parser(|p| p.scalar(n)))
    }

    /// The value of the scalar node `n` when the node keeps it.
    #[inline(always)]
    fn kept(&self, n: Node) -> Option<Value> {
        Some(match n.kind {
            INT => Value::Int(n.end as i32),
            DOUBLE => Value::Double(f64::from_bits(u64::from(n.pos) << 32 | u64::from(n.end))),
            TRUE => Value::Bool(true),
            FALSE => Value::Bool(false),
            NULL => Value::Null,
            STRING => Value::str(self.text.get(n.pos as usize..n.end as usize).unwrap_or("")),
            DECIMAL => return number_text(self.text.as_bytes(), n.pos as usize).common(),
            ESCAPED => {
                let raw = self.text.get(n.pos as usize..n.end as usize).unwrap_or("");
                let mut keys = self.keys.borrow_mut();
                let buf = &mut keys.1;
                buf.clear();
                self.decode(n, raw, buf);
                Value::str(buf)
            }
            _ => return None,
        })
    }

    /// Runs `f` with a parser of the text that shares the document's keys.
    fn with_parser<R>(&self, f: impl FnOnce(&mut dyn Reader) -> R) -> R {
        let (keys, buf) = std::mem::take(&mut *self.keys.borrow_mut());
        let (r, kept) = if self.mark {
            let mut p = Parser::<true>::new(&self.text, &self.budget);
            (p.keys, p.buf) = (keys, buf);
            (f(&mut p), (p.keys, p.buf))
        } else {
            let mut p = Parser::<false>::new(&self.text, &self.budget);
            (p.keys, p.buf) = (keys, buf);
            (f(&mut p), (p.keys, p.buf))
        };
        *self.keys.borrow_mut() = kept;
        r
    }
}

/// What building from a [`Document`] needs of its parser, whichever its `MARK`.
trait Reader {
    /// The value at the scalar node `n` (read before: it does not fail).
    fn scalar(&mut self, n: Node) -> Value;
    /// The key at `n`, and its words.
    fn key_at(&mut self, n: Node) -> (JStr, Words);
    fn push_entry(&mut self, key: JStr, words: Words, v: Value);
    fn close_entries(&mut self) -> Entries;
}

impl<const MARK: bool> Reader for Parser<'_, '_, MARK, false> {
    fn scalar(&mut self, n: Node) -> Value {
        self.pos = n.pos as usize;
        self.value(n.stop(), 0).unwrap_or_default()
    }

    fn key_at(&mut self, n: Node) -> (JStr, Words) {
        self.pos = n.pos as usize;
        let key = match self.b.get(self.pos) {
            Some(&q @ (b'"' | b'\'')) => self.key(q),
            _ => self.unquoted_key(),
        };
        key.unwrap_or_else(|_| (JStr::new(""), key_words(b"")))
    }

    fn push_entry(&mut self, key: JStr, words: Words, v: Value) {
        self.entries.push((key, words, v));
    }

    fn close_entries(&mut self) -> Entries {
        self.close_object(0)
    }
}

impl Tape for Document {
    fn items(&self, this: &Rc<dyn Tape>, node: u32) -> Vec<Value> {
        let n = self.node(node as usize);
        let end = (n.end as usize).min(self.nodes.len());
        self.with_parser(|p| {
            let mut items = Vec::new();
            let mut i = node as usize + 1;
            while i < end {
                let c = self.node(i);
                items.push(if c.is_container() {
                    // The item a loop holds, if it is this one.
                    self.lent
                        .take_at(to_u32(i))
                        .unwrap_or_else(|| Document::container(this, to_u32(i), c.kind))
                } else {
                    self.kept(c).unwrap_or_else(|| p.scalar(c))
                });
                i = self.after(i);
            }
            items
        })
    }

    fn entries(&self, this: &Rc<dyn Tape>, node: u32) -> Entries {
        self.with_parser(|p| {
            for (k, v, c) in self.members(node) {
                let (key, words) = p.key_at(k);
                let value = if c.is_container() {
                    Document::container(this, to_u32(v), c.kind)
                } else {
                    self.kept(c).unwrap_or_else(|| p.scalar(c))
                };
                p.push_entry(key, words, value);
            }
            p.close_entries()
        })
    }

    fn lent(&self) -> Option<&Lent> {
        Some(&self.lent)
    }

    fn first_item(&self, array: u32) -> Option<u32> {
        let first = array + 1;
        (first < self.array_end(array)).then_some(first)
    }

    fn walk_next(
        &self,
        this: &Rc<dyn Tape>,
        array: u32,
        next: &mut Option<u32>,
        slot: &mut Value,
    ) -> bool {
        let Some(at) = *next else {
            return false;
        };
        let n = self.node(at as usize);
        let container = n.is_container();
        let lent = self
            .lent
            .lend(at, container.then_some(n.kind == ARRAY), slot, || {
                if container {
                    Document::container(this, at, n.kind)
                } else {
                    self.scalar(n)
                }
            });
        if lent {
            let after = to_u32(after_node(at as usize, n));
            *next = (after < self.array_end(array)).then_some(after);
        }
        lent
    }

    fn member(&self, node: u32, key: &str) -> Member {
        match self.find_member(node, key) {
            Found::Absent => Member::Absent,
            Found::At(v) if !v.is_container() => Member::Found(self.scalar(v)),
            _ => Member::Build,
        }
    }

    fn write_member(&self, node: u32, key: &str, out: &mut String) -> bool {
        let Found::At(v) = self.find_member(node, key) else {
            return false;
        };
        if v.kind == INT {
            crate::eval::print::push_upto_16(out, itoa::Buffer::new().format(v.end as i32));
            return true;
        }
        let Some(text) = self.short_text(v) else {
            return false;
        };
        match v.kind {
            // Mostly short (codes, prices): copied without a call.
            STRING | DECIMAL => crate::eval::print::push_upto_16(out, text),
            ESCAPED => self.decode(v, text, out),
            _ => return false,
        }
        true
    }

    fn size_bound(&self) -> usize {
        self.text.len()
    }

    fn str_member_to_escape(&self, node: u32, key: &str) -> Option<StrMember<'_>> {
        let (v, text) = self.short_str_member(node, key)?;
        Some(if v.kind == ESCAPED {
            let quote = self.quote(v);
            StrMember::JsEscaped {
                raw: text,
                quote,
                write: match quote {
                    b'"' => escape_javascript_quoted::<b'"'>,
                    b'\'' => escape_javascript_quoted::<b'\''>,
                    _ => escape_javascript_decoded,
                },
            }
        } else {
            StrMember::Text(text)
        })
    }

    fn with_str_member(&self, node: u32, key: &str, f: &mut dyn FnMut(&str)) -> bool {
        let Some((v, text)) = self.short_str_member(node, key) else {
            return false;
        };
        if v.kind == ESCAPED {
            // The document's buffer, taken out while `f` runs.
            let mut buf = std::mem::take(&mut self.keys.borrow_mut().1);
            buf.clear();
            self.decode(v, text, &mut buf);
            f(&buf);
            self.keys.borrow_mut().1 = buf;
        } else {
            f(text);
        }
        true
    }
}

/// The index after the node `n` at `i` and all it holds.
#[inline(always)]
fn after_node(i: usize, n: Node) -> usize {
    if n.is_container() {
        (n.end as usize).max(i + 1)
    } else {
        i + 1
    }
}

/// Eight bytes of `b` from `at`, little-endian, when there are eight.
#[inline(always)]
fn word_at(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..)?
        .first_chunk::<8>()
        .map(|w| u64::from_le_bytes(*w))
}

/// Where [`Document::find_member`] found a key.
enum Found {
    Absent,
    /// The node of its value (the last one, when the key is repeated).
    At(Node),
    /// Not searched: the object is large.
    TooMany,
}

impl Document {
    /// The text of the scalar node `v` (a string's content, a number's
    /// digits) when it is shorter than [`CHUNK`]: what is printed from the
    /// text at once (a longer one is printed in charged steps).
    fn short_text(&self, v: Node) -> Option<&str> {
        self.text
            .get(v.pos as usize..v.end as usize)
            .filter(|t| t.len() < CHUNK)
    }

    /// The content `raw` of the [`ESCAPED`] string node `n`, decoded into
    /// `out` (its quote is the byte before it).
    fn decode(&self, n: Node, raw: &str, out: &mut String) {
        decode_checked(raw, self.quote(n), out);
    }

    /// The quote of the string node `n` (the byte before its content).
    fn quote(&self, n: Node) -> u8 {
        let quote = self.text.as_bytes().get((n.pos as usize).wrapping_sub(1));
        quote.copied().unwrap_or(b'"')
    }

    /// The value of `key` in the object `node` and its text, when it is a
    /// short string ([`STRING`], or [`ESCAPED`]: its content undecoded).
    #[inline(always)]
    fn short_str_member(&self, node: u32, key: &str) -> Option<(Node, &str)> {
        let Found::At(v) = self.find_member(node, key) else {
            return None;
        };
        if v.kind != STRING && v.kind != ESCAPED {
            return None;
        }
        Some((v, self.short_text(v)?))
    }

    /// Whether the key node `k`, escaped or unquoted, reads as `key`.
    #[cold]
    #[inline(never)]
    fn key_is(&self, k: Node, key: &[u8]) -> bool {
        self.with_parser(|p| p.key_at(k).0.as_bytes() == key)
    }

    /// The node of the value of `key` in the object `node`. The walk of
    /// `members`, written out: through the iterator, this hot path (every
    /// `$obj.key` of a body) took about 50 instructions more per call. A
    /// repeated key takes its last value, so the walk reads every member,
    /// unless the scan found that the object repeats no key
    /// ([`DISTINCT_OBJECT`]); then it starts after the member the last
    /// search of the object found ([`Document::hint`]).
    #[inline(always)]
    fn find_member(&self, node: u32, key: &str) -> Found {
        let object = self.node(node as usize);
        let end = (object.end as usize).min(self.nodes.len());
        let first = node as usize + 1;
        if object.kind != DISTINCT_OBJECT {
            return match self.search_members(key, first, 0, end, false) {
                Search::Found(v, ..) | Search::Last(v) => Found::At(v),
                Search::Absent => Found::Absent,
                Search::TooMany => Found::TooMany,
            };
        }
        // An object that repeats no key: its first match is the one. The
        // search starts after the member the last search of this object
        // found, and goes round to it; each member keeps its place, so one
        // past `MEMBER_SEARCH_MAX` is met as the whole search meets it.
        let (at_node, from, place) = self.hint.get();
        let (from, place) = if at_node == node && from as usize > first {
            (from as usize, place as usize)
        } else {
            (first, 0)
        };
        let mut search = self.search_members(key, from, place, end, true);
        if from > first && matches!(search, Search::Absent | Search::TooMany) {
            // `from` follows a member within the limit: all of those before
            // it are, so only a match counts here.
            if let found @ Search::Found(..) = self.search_members(key, first, 0, from, true) {
                search = found;
            }
        }
        match search {
            Search::Found(v, next, place) => {
                self.hint.set((node, to_u32(next), to_u32(place)));
                Found::At(v)
            }
            Search::Last(v) => Found::At(v),
            Search::Absent => Found::Absent,
            Search::TooMany => Found::TooMany,
        }
    }

    /// The members of an object from the node `i`, the member there being
    /// its `place + 1`th, to the node `end`: where the key `key` is. With
    /// `first`, the first match ends the search; else the last one counts
    /// (a repeated key takes its last value). Past [`MEMBER_SEARCH_MAX`]
    /// members the search gives up.
    #[inline(always)]
    fn search_members(
        &self,
        key: &str,
        mut i: usize,
        mut place: usize,
        end: usize,
        first: bool,
    ) -> Search {
        let (text, key) = (self.text.as_bytes(), key.as_bytes());
        // A key of at most 8 bytes is compared as one word.
        let short = key.len() <= 8;
        let word = if short { short_word(key) } else { 0 };
        let mut found = None;
        while let (Some(k), Some(v)) = (self.nodes.get(i), self.nodes.get(i + 1)) {
            if i + 1 >= end {
                break;
            }
            place += 1;
            if place > MEMBER_SEARCH_MAX {
                return Search::TooMany;
            }
            let (start, stop) = (k.pos as usize + 1, k.end as usize);
            let same = if stop >= start {
                stop - start == key.len()
                    && match word_at(text, start) {
                        Some(w) if short => low_bytes(w, key.len()) == word,
                        _ => text.get(start..stop) == Some(key),
                    }
            } else {
                // Escaped or unquoted: read it.
                self.key_is(*k, key)
            };
            let next = if v.is_container() {
                (v.end as usize).max(i + 2)
            } else {
                i + 2
            };
            if same {
                if first {
                    return Search::Found(*v, next, place);
                }
                found = Some(*v);
            }
            i = next;
        }
        found.map_or(Search::Absent, Search::Last)
    }
}

/// What [`Document::search_members`] found.
enum Search {
    /// The first match: its value's node, the node after it, its place.
    Found(Node, usize, usize),
    /// The last match.
    Last(Node),
    Absent,
    TooMany,
}

/// Where the plain run of a string's content from `i` ends in `b`: at
/// `quote`, a backslash or the end of the text. Sixteen bytes at a time.
#[inline]
fn plain_end(b: &[u8], mut i: usize, quote: u8) -> usize {
    while let Some(chunk) = b.get(i..).and_then(|s| s.first_chunk::<16>()) {
        let stops = wide::quote_stops(chunk, quote);
        if stops != 0 {
            return i + stops.trailing_zeros() as usize;
        }
        i += 16;
    }
    byte_run(b, i, |c| c != quote && c != b'\\')
}

/// Where the run of `b` from `start` of bytes `plain` takes ends, for a run
/// that `b` ends (a string of its own, not a text with more after it): eight
/// bytes at a time while `stops` marks none of them (the high bit of each
/// byte that ends the run), and the last few bytes are the last word of `b`,
/// when the run covers the rest of it. `stops` must mark each byte alone (no
/// mark set or cleared by its neighbours), as those of escapeJavaScript and
/// decoding do.
#[inline(always)]
pub(super) fn run_end_in(
    b: &[u8],
    start: usize,
    stops: impl Fn(u64) -> u64,
    plain: impl Fn(u8) -> bool,
) -> usize {
    let i = match word_run(b, start, &stops) {
        Ok(end) => return end,
        Err(i) => i,
    };
    if i >= b.len() {
        return i;
    }
    match b.len().checked_sub(8).filter(|&at| at >= start && at < i) {
        Some(at) => {
            // Its bytes before `i` (1 to 7) are of the run: their marks dropped.
            let shift = 8 * (i - at) as u32;
            let z = word_at(b, at).map_or(0, |x| stops(x).checked_shr(shift).unwrap_or(0));
            if z != 0 {
                i + (z.trailing_zeros() / 8) as usize
            } else {
                b.len()
            }
        }
        None => byte_run(b, i, plain),
    }
}

/// The word loop of [`run_end_in`]: `Ok` at the first byte `stops` marks,
/// `Err` where fewer than 8 bytes are left.
#[inline(always)]
fn word_run(b: &[u8], mut i: usize, stops: &impl Fn(u64) -> u64) -> Result<usize, usize> {
    while let Some(chunk) = b.get(i..).and_then(|s| s.first_chunk::<8>()) {
        let z = stops(u64::from_le_bytes(*chunk));
        if z != 0 {
            return Ok(i + (z.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    Err(i)
}

/// The byte loop of [`run_end_in`] and [`plain_end`].
#[inline(always)]
fn byte_run(b: &[u8], mut i: usize, plain: impl Fn(u8) -> bool) -> usize {
    while b.get(i).is_some_and(|&c| plain(c)) {
        i += 1;
    }
    i
}

/// Where a string whose content has an escape at `i` (a backslash) ends: the
/// byte of its closing `quote`, when each escape is one json-smart reads
/// without error (`\uXXXX`, `\xXX`, or a backslash and any character) and
/// no `\u` escape is half of a surrogate pair written without its other
/// half. `None` otherwise, or when the text ends first.
fn escaped_end(b: &[u8], mut i: usize, quote: u8) -> Option<usize> {
    let hex = |at: usize, n: usize| hex_at(b, at, n);
    loop {
        match *b.get(i)? {
            c if c == quote => return Some(i),
            b'\\' => {}
            _ => return None,
        }
        let e = *b.get(i + 1)?;
        i += 2;
        match e {
            b'u' => {
                let v = hex(i, 4)?;
                i += 4;
                match v {
                    0xD800..=0xDBFF => {
                        if b.get(i..i + 2) != Some(b"\\u") {
                            return None;
                        }
                        if !(0xDC00..=0xDFFF).contains(&hex(i + 2, 4)?) {
                            return None;
                        }
                        i += 6;
                    }
                    0xDC00..=0xDFFF => return None,
                    _ => {}
                }
            }
            b'x' => {
                hex(i, 2)?;
                i += 2;
            }
            // Any other character, whole (json-smart drops unknown escapes).
            e if e >= 0x80 => {
                let len = match e {
                    0xC0..=0xDF => 2,
                    0xE0..=0xEF => 3,
                    _ => 4,
                };
                i += len - 1;
            }
            _ => {}
        }
        i = plain_end(b, i, quote);
    }
}

/// A number's text, as json-smart reads it: where it ends, and where its
/// common shape (`-?digits(.digits)?`) ends and what it holds.
struct NumberText {
    neg: bool,
    /// The shape's digits as an integer (wrapping past 19 digits).
    m: u64,
    digits: usize,
    /// How many of the digits are before the point, if there is one.
    frac: Option<usize>,
    plain_end: usize,
    /// The end of the run of digits and `-+.eE`.
    end: usize,
}

impl NumberText {
    /// Is this number, read from `b` at `start`, a `Double` written exactly
    /// as Java's `Double.toString` writes its value ([`java_decimal_digits`])?
    #[inline]
    fn java_text(&self, b: &[u8], start: usize) -> bool {
        let Some(int) = self.frac else {
            return false;
        };
        if self.end != self.plain_end || self.digits > 15 {
            return false;
        }
        let at = start + usize::from(self.neg);
        match (b.get(at..at + int), b.get(at + int + 1..self.end)) {
            (Some(i), Some(f)) => java_decimal_digits(i, f),
            _ => false,
        }
    }

    /// The value of a number of the common shape, typed without its text.
    #[inline]
    fn common(&self) -> Option<Value> {
        if self.end != self.plain_end || self.digits == 0 {
            return None;
        }
        let (neg, m, digits) = (self.neg, self.m, self.digits);
        match self.frac {
            // An integer of at most 18 digits: Integer or Long.
            None if digits <= 18 => {
                let v = if neg { -(m as i64) } else { m as i64 };
                Some(i32::try_from(v).map_or(Value::Long(v), Value::Int))
            }
            // A decimal whose digits a double holds exactly: one correctly
            // rounded division.
            Some(int) if digits <= 15 && digits > int => {
                let v = m as f64 / POWERS_OF_TEN.get(digits - int)?;
                Some(Value::Double(if neg { -v } else { v }))
            }
            _ => None,
        }
    }
}

fn number_text(b: &[u8], start: usize) -> NumberText {
    let neg = b.get(start) == Some(&b'-');
    let mut i = start + usize::from(neg);
    let (mut m, mut digits, mut frac) = (0u64, 0usize, None);
    while let Some(&c) = b.get(i) {
        match c {
            b'0'..=b'9' => {
                m = m.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
                digits += 1;
            }
            b'.' if frac.is_none() && digits > 0 => frac = Some(digits),
            _ => break,
        }
        i += 1;
    }
    let plain_end = i;
    while b
        .get(i)
        .is_some_and(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E'))
    {
        i += 1;
    }
    NumberText {
        neg,
        m,
        digits,
        frac,
        plain_end,
        end: i,
    }
}

/// The value of the `n` hex digits at `at` in `b`.
#[inline]
fn hex_at(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let digits = b.get(at..at + n)?;
    // Four (a `\uXXXX`) read as one word.
    if let (4, Some(four)) = (n, digits.first_chunk::<4>()) {
        return hex_value(four);
    }
    digits.iter().try_fold(0u32, |v, &h| {
        let d = match h {
            b'0'..=b'9' => h - b'0',
            b'a'..=b'f' => h - b'a' + 10,
            b'A'..=b'F' => h - b'A' + 10,
            _ => return None,
        };
        Some(v * 16 + u32::from(d))
    })
}

/// The content `raw` of a string quoted with `quote` (up to its closing
/// quote) that [`escaped_end`] accepted, decoded as
/// [`Parser::escaped_string`] decodes it, into `out`: control characters
/// and DEL written raw are dropped (the string has an escape), and so is an
/// escape json-smart does not know.
fn decode_checked(raw: &str, quote: u8, out: &mut String) {
    let b = raw.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let end = decoded_run_end(b, i, quote).min(b.len());
        if end > i {
            out.push_str(raw.get(i..end).unwrap_or(""));
        }
        // At a control character or DEL (dropped), a backslash (the closing
        // quote is not in `raw`), or the end.
        if b.get(end).is_some_and(|&c| c < 0x20 || c == 0x7f) {
            i = end + 1;
            continue;
        }
        // (Past the end: nothing, and the loop ends.)
        let (c, next) = decode_escape(b, end + 1);
        i = next;
        if let Some(c) = c {
            out.push(c);
        }
    }
}

/// The escape whose character (after the backslash) is at `at` in `b`, as
/// json-smart decodes it: the character it stands for (`None`: an escape
/// json-smart drops), and where the text goes on. Escapes are checked by
/// [`escaped_end`] before; unchecked text decodes to something, never fails.
#[inline(always)]
fn decode_escape(b: &[u8], at: usize) -> (Option<char>, usize) {
    let Some(&e) = b.get(at) else {
        return (None, at);
    };
    let mut i = at + 1;
    let c = match e {
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'"' | b'\\' | b'/' | b'\'' => char::from(e),
        b'u' => {
            let v = hex_at(b, i, 4).unwrap_or(0xFFFD);
            i += 4;
            let v = if (0xD800..=0xDBFF).contains(&v) {
                // Its low half follows (checked): `\\uDCxx`.
                let low = hex_at(b, i + 2, 4).unwrap_or(0xDC00);
                i += 6;
                0x10000 + ((v - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF)
            } else {
                v
            };
            char::from_u32(v).unwrap_or('\u{FFFD}')
        }
        b'x' => {
            let v = hex_at(b, i, 2).unwrap_or(0xFFFD);
            i += 2;
            char::from_u32(v).unwrap_or('\u{FFFD}')
        }
        // Any other character, whole, is dropped.
        e => {
            if e >= 0x80 {
                i += match e {
                    0xC0..=0xDF => 1,
                    0xE0..=0xEF => 2,
                    _ => 3,
                };
            }
            return (None, i);
        }
    };
    (Some(c), i)
}

/// Below this many bytes left, a run is found byte by byte.
const SHORT_RUN: usize = 32;

/// `escapeJavaScript` of what [`decode_checked`] makes of `raw`, in one pass
/// over `raw` without the decoded string: the bytes both leave as they are
/// are copied in runs, and each character either changes (an escape, a
/// quote, a slash, anything not printable ASCII) is decoded as
/// [`decode_checked`] decodes it, then escaped as
/// [`super::util::escape_javascript_into`] escapes it. Returns the decoded
/// string's length (what a call on it is charged for). The runs are
/// found 16 bytes at a time ([`js_runs`]).
pub(crate) fn escape_javascript_decoded(raw: &str, quote: u8, out: &mut String) -> usize {
    if !matches!(quote, b'"' | b'\'') {
        return escape_javascript_decoded_narrow(raw, quote, out);
    }
    js_runs::<true>(raw, quote, out, |out, i| {
        escape_decoded_char(raw, i, quote, out)
    })
}

/// [`escape_javascript_decoded`] of a string quoted with `Q` (`"` or `'`),
/// the quote known when compiling (`quote` is `Q`): the loop over the runs
/// keeps one register fewer, and compares with a constant.
pub(crate) fn escape_javascript_quoted<const Q: u8>(
    raw: &str,
    quote: u8,
    out: &mut String,
) -> usize {
    debug_assert!(quote == Q && matches!(Q, b'"' | b'\''));
    js_runs::<true>(raw, Q, out, |out, i| escape_decoded_char(raw, i, Q, out))
}

/// Copies the runs of `s` that escapeJavaScript (and decoding) leave as
/// they are into `out`, and hands each byte that ends one to `stop` (with
/// its place), which writes what it becomes and says where `s` goes on and
/// how many bytes it counts for (`None`: nothing more to read). The stops
/// of 16 bytes (32 with `ESCAPED`) are found at once ([`js_run_masks`]) and
/// serve every run that starts among those bytes: strings of names and
/// labels change a character every few bytes, and each run is then a count
/// of zeros. A quote, slash or backslash that escapeJavaScript writes after a
/// backslash is not handed to `stop`: the backslash is written, and the
/// byte starts the next run. Returns the runs' bytes and `stop`'s counts,
/// added up.
///
/// With `ESCAPED`, `s` is escaped text in quotes `quote` (`"` or `'`),
/// decoded, then escaped: its escapes `\\"`, `\\\\`, `\\/` and `\\'` are
/// written as they are, and are part of the runs, each counted as the one
/// byte it decodes to.
#[inline(always)]
pub(super) fn js_runs<const ESCAPED: bool>(
    s: &str,
    quote: u8,
    out: &mut String,
    mut stop: impl FnMut(&mut String, usize) -> Option<(usize, usize)>,
) -> usize {
    let b = s.as_bytes();
    let mut counted = 0;
    let mut i = 0;
    while i < b.len() {
        let base = i;
        let masks = js_run_masks::<ESCAPED>(b, base, quote);
        let end = (base + if ESCAPED { 32 } else { 16 }).min(b.len());
        // The stops from `i` on, and the escapes of the runs (from the last
        // stop on) not counted yet. Places within the chunk (`i`, `at`) are
        // below `end`, at most 31 bytes past `base`: the shifts by them are
        // exact.
        let mut rest = masks.stops;
        let mut pairs = masks.pairs;
        loop {
            // No stop among the rest: they are ASCII, so `end` is on a
            // character's boundary.
            let at = if rest == 0 {
                end
            } else {
                base + rest.trailing_zeros() as usize
            };
            if at > i {
                let run = b.get(i..at).unwrap_or(&[]);
                debug_assert!(run.is_ascii());
                // SAFETY: the run's bytes are ASCII: none is a stop, and
                // `wide::escape_stops` (all `js_run_masks` reads) marks
                // every byte past ASCII (those it unmarks, escapes and the
                // bytes written after a backslash, are ASCII); bytes past
                // `end` are not in it.
                unsafe { crate::eval::print::push_short_utf8(out, run) };
                counted += at - i;
            }
            if rest == 0 {
                // Each escape in the runs decodes to one byte.
                counted -= ones(pairs);
                i = end;
                break;
            }
            let bit = rest & rest.wrapping_neg();
            rest ^= bit;
            if masks.inserts & bit != 0 {
                // The byte is written after a backslash, with the next run.
                out.push('\\');
                i = at;
                continue;
            }
            counted -= ones(pairs & (bit - 1));
            match stop(out, at) {
                Some((next, n)) => (i, counted) = (next, counted + n),
                None => return counted,
            }
            if i >= end {
                break;
            }
            let from = 1u32.wrapping_shl((i - base) as u32);
            if masks.pairs << 1 & from != 0 {
                // `stop` read the backslash of an escape found here (as the
                // last byte of a longer one): the byte after it, unmarked, is
                // a character of its own. Its stops again from there.
                break;
            }
            // What `stop` read is no run.
            rest &= !(from - 1);
            pairs &= !(from - 1);
        }
    }
    counted
}

/// How many bits of `m` are set (mostly none or one: no table or
/// instruction of its own).
#[inline(always)]
fn ones(mut m: u32) -> usize {
    let mut n = 0;
    while m != 0 {
        n += 1;
        m &= m - 1;
    }
    n
}

/// What 16 or 32 bytes tell [`js_runs`] (bit `k` for byte `i + k`).
struct RunMasks {
    /// The bytes that end a run.
    stops: u32,
    /// The first bytes of the escapes written again as they are.
    pairs: u32,
    /// The stops written after a backslash as they are.
    inserts: u32,
}

/// [`RunMasks`] of the bytes of `b` from `i` (where a character, or with
/// `ESCAPED` an escape, starts): the bytes that decoding or escapeJavaScript
/// changes ([`wide::escape_stops`]), of 16 bytes, or with `ESCAPED` of 32 (a
/// plain string keeps 16: its longer runs were copied with a call, and took
/// longer). With `ESCAPED` (escaped text in quotes `quote`), without the
/// escapes that decoding and then escaping write again as they are: a
/// backslash that does not follow one, and `"`, `\\`, `/` or `'` after it.
#[inline(always)]
fn js_run_masks<const ESCAPED: bool>(b: &[u8], i: usize, quote: u8) -> RunMasks {
    if !ESCAPED {
        let m = js_escape_masks(b, i);
        return RunMasks {
            stops: m.stops,
            pairs: 0,
            inserts: m.backslash | m.double_quote | m.single_quote | m.slash,
        };
    }
    let m = js_window_masks(b, i);
    // Byte `i` starts an escape or a character, and so does the byte after
    // each plain byte or escape of a run from it: a backslash there starts
    // an escape, and `"`, `\\`, `/` or `'` after it ends that escape. A
    // backslash after a backslash is left a stop: it may end `\\` (and where
    // a longer escape ends on a backslash, `js_runs` reads the stops again
    // after it).
    let ends = m.backslash | m.double_quote | m.single_quote | m.slash;
    let pairs = m.backslash & ends >> 1 & !(m.backslash << 1);
    let stops = m.stops & !(pairs | pairs << 1);
    // Kept by decoding, escaped with a backslash: a slash, and the quote
    // that is not the string's.
    let other = if quote == b'"' {
        m.single_quote
    } else {
        m.double_quote
    };
    RunMasks {
        stops,
        pairs,
        inserts: stops & (m.slash | other),
    }
}

/// Bit `k` set when byte `i + k` of `b` (`k` < 16, within `b`) is one that
/// decoding or escapeJavaScript changes ([`wide::string_stops`] with `'`).
#[inline(always)]
pub(super) fn js_stops_from(b: &[u8], i: usize) -> u32 {
    js_escape_masks(b, i).stops
}

/// [`js_escape_masks`] of the 32 bytes of `b` from `i` (within `b`): two
/// chunks, whose runs and escapes are read in one pass (names and labels
/// are mostly shorter than 32 bytes).
#[inline(always)]
fn js_window_masks(b: &[u8], i: usize) -> wide::EscapeStops {
    match b.get(i..).and_then(|s| s.first_chunk::<16>()) {
        // (From `i + 16`, `b` ends within 16 bytes or goes on: its last 16
        // bytes are at or after `i`.)
        Some(chunk) => wide::escape_stops(chunk).then(js_escape_masks(b, i + 16)),
        None => js_escape_masks(b, i),
    }
}

/// [`wide::escape_stops`] of the 16 bytes of `b` from `i` (bit `k` for byte
/// `i + k`, within `b`).
#[inline(always)]
fn js_escape_masks(b: &[u8], i: usize) -> wide::EscapeStops {
    if let Some(chunk) = b.get(i..).and_then(|s| s.first_chunk::<16>()) {
        return wide::escape_stops(chunk);
    }
    let left = b.len().saturating_sub(i);
    // Fewer than 16 bytes left: the last 16 of `b`, those before `i`
    // shifted out.
    let last = b.len().checked_sub(16).and_then(|at| b.get(at..));
    if let Some(chunk) = last.and_then(|s| s.first_chunk::<16>()) {
        return wide::escape_stops(chunk).map(|m| m >> (16 - left));
    }
    // A string shorter than 16 bytes: put in a chunk, the bytes past it
    // masked off.
    let chunk = short_chunk(b.get(i..).unwrap_or(&[]));
    wide::escape_stops(&chunk).map(|m| m & ((1u32 << left) - 1))
}

/// The bytes of `b` (fewer than 16) at the start of a chunk, zeros after:
/// the two words a short `JStr` is made of ([`crate::eval::value::load_short`]).
#[inline(always)]
fn short_chunk(b: &[u8]) -> [u8; 16] {
    let (lo, hi) = crate::eval::value::load_short(b);
    (u128::from(hi) << 64 | u128::from(lo)).to_le_bytes()
}

/// [`escape_javascript_decoded`] for a string in quotes other than `"` and
/// `'`, whose stops [`wide::string_stops`] does not give: runs found a word
/// or a byte at a time.
fn escape_javascript_decoded_narrow(raw: &str, quote: u8, out: &mut String) -> usize {
    let b = raw.as_bytes();
    let mut decoded = 0;
    let mut i = 0;
    while i < b.len() {
        let run = i;
        let plain =
            |c: u8| super::util::JS_DECODED_PLAIN.get(usize::from(c)) == Some(&true) && c != quote;
        i = if b.len() - i < SHORT_RUN {
            // A short rest: byte by byte, cheaper than a word's setup.
            byte_run(b, i, plain)
        } else {
            run_end_in(b, i, |x| decode_stops(x, quote) | js_escapes(x), plain)
        }
        .min(b.len());
        if i > run {
            crate::eval::print::push_short(out, raw.get(run..i).unwrap_or(""));
            decoded += i - run;
        }
        if i >= b.len() {
            break;
        }
        match escape_decoded_char(raw, i, quote, out) {
            Some((next, n)) => (i, decoded) = (next, decoded + n),
            None => break,
        }
    }
    decoded
}

/// The byte at `i` of the escaped text `raw` (one that ends a run: an
/// escape, a quote, a slash, a control character, DEL or a character past
/// ASCII), decoded and escaped into `out`: where the text goes on, and how
/// many bytes the decoded string has for it. `None`: nothing more to read.
#[inline(always)]
fn escape_decoded_char(raw: &str, i: usize, quote: u8, out: &mut String) -> Option<(usize, usize)> {
    let b = raw.as_bytes();
    let escape = |c: char, out: &mut String| {
        super::util::escape_char(c, out);
        c.len_utf8()
    };
    let c = *b.get(i)?;
    // Dropped by decoding: control characters and DEL written raw.
    if c < 0x20 || c == 0x7f {
        return Some((i + 1, 0));
    }
    if matches!(c, b'"' | b'\'' | b'/') && c != quote {
        // Kept by decoding, escaped with a backslash.
        out.push('\\');
        out.push(char::from(c));
        return Some((i + 1, 1));
    }
    if c == b'\\' {
        match b.get(i + 1) {
            Some(&e @ (b'"' | b'\\' | b'/' | b'\'')) => {
                // Decoded to a character escaped with a backslash.
                out.push('\\');
                out.push(char::from(e));
                return Some((i + 2, 1));
            }
            Some(b'u') => {
                // A character past ASCII and not a surrogate: one UTF-16
                // unit, `\uXXXX` again in upper case.
                let x = b.get(i + 2..).and_then(|h| h.first_chunk::<4>());
                let x = x.map_or(0, |h| u32::from_le_bytes(*h));
                if let Some((lower, letter)) = hex_letters(x) {
                    let v = hex_letters_value(lower, letter);
                    if (0x80..0xd800).contains(&v) || (0xe000..=0xffff).contains(&v) {
                        // Its digits, the letters' case bit cleared.
                        push_u_escape(x & !(letter >> 2), out);
                        return Some((i + 6, if v < 0x800 { 2 } else { 3 }));
                    }
                }
            }
            _ => {}
        }
    }
    if c != b'\\' && c != quote {
        // Kept by decoding, changed by escaping: a character beyond ASCII.
        let ch = raw.get(i..).and_then(|t| t.chars().next())?;
        return Some((i + ch.len_utf8(), escape(ch, out)));
    }
    // An escape (as decode_checked reads it; past the end: nothing).
    let (ch, next) = decode_escape(b, i + 1);
    Some((next, ch.map_or(0, |ch| escape(ch, out))))
}

/// 10⁰ to 10¹⁵, each exact in a double.
const POWERS_OF_TEN: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// Is `t` a JSON number (`-?digits(.digits)?([eE][+-]?digits)?`)?
fn strict_number(t: &[u8]) -> bool {
    let mut i = 0;
    // Past a run of at least one digit.
    let digits = |i: &mut usize| {
        let s = *i;
        *i = digits(t, s);
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

/// Writes json-smart's compact text of the document `text` into `out`, exactly
/// what [`parse`] then [`Value::write_json`] would write, in one pass over the
/// text. Returns `false`, with `out` as it was, when the text is anything but
/// plain JSON whose first character is `{` or `[` (permissive syntax, repeated
/// keys, escapes in keys, long or unusual numbers, deep nesting, trailing
/// data): the caller then takes the slow path. What it writes is charged to
/// `budget`: the text's length first, then, every [`CHUNK`] bytes, what
/// escapes and rewritten numbers add to it.
pub fn compact(text: &str, out: &mut String, budget: &Budget) -> Result<bool, Exceeded> {
    compact_with::<false>(text, out, budget)
}

/// commons-lang's `escapeJavaScript` of what [`compact`] writes, in the same
/// one pass: `$util.escapeJavaScript($input.json('$'))` without the compact
/// text in between. Returns `false`, with `out` as it was, where [`compact`]
/// does. Charged as [`compact`] is, and the escaping's scan of the text.
pub fn compact_escaped(text: &str, out: &mut String, budget: &Budget) -> Result<bool, Exceeded> {
    budget.scan(text.len())?;
    compact_with::<true>(text, out, budget)
}

/// [`compact`], escaped for JavaScript when `ESC`.
fn compact_with<const ESC: bool>(
    text: &str,
    out: &mut String,
    budget: &Budget,
) -> Result<bool, Exceeded> {
    // Where json-smart's end-of-input mark ends the text is the tree's to say.
    if memchr::memchr(END_MARK, text.as_bytes()).is_some() {
        return Ok(false);
    }
    budget.build(text.len())?;
    let b = text.as_bytes();
    // Straight into `out`'s bytes (cut back to them when the pass fails).
    let mut o = std::mem::take(out).into_bytes();
    let start = o.len();
    let res = compact_into::<ESC>(b, &mut o, budget);
    let ok = matches!(res, Ok(Some(())));
    if !ok {
        o.truncate(start);
    }
    *out = utf8_string(o);
    res.map(|_| ok)
}

/// `o` as a string, without a check in release builds: what [`compact_into`]
/// appends to a string is UTF-8 by construction, and checking a megabyte
/// of output again was about a fortieth of the pass. Debug builds (the
/// tests) check it.
fn utf8_string(o: Vec<u8>) -> String {
    debug_assert!(
        simdutf8::basic::from_utf8(&o).is_ok(),
        "the compactor wrote bytes that are not UTF-8"
    );
    // SAFETY: `o` is UTF-8. It is a string's bytes, truncated back to
    // them when a pass fails, or what a complete pass of `compact_into`
    // appends to them (or to nothing), which writes only:
    // - ASCII bytes (brackets, separators, quotes, escapes, numbers,
    //   literals);
    // - runs of the text (a `&str`) that start and end on character
    //   boundaries: a string's plain runs stop at every byte past ASCII
    //   (`wide::string_stops`, `stops` for the last bytes), a key is copied
    //   whole from its chunk only when every byte before its closing quote
    //   is ASCII (`wide::string_stops`), and
    //   `Compactor::string_special` copies bytes past ASCII from the lead
    //   byte at a stop up to the next ASCII byte or lead byte;
    // - the UTF-8 encoding of a character: `char::encode_utf8`
    //   (`Compactor::json_char`), or `Compactor::plain_char` of a value
    //   `plain_unicode` accepts (below U+10000, not a surrogate).
    unsafe { String::from_utf8_unchecked(o) }
}

/// Appends the compact text of `b` to `o`: `Ok(None)` when the text needs
/// the slow path. Kept a call: inlined into its one caller, the pass was
/// about 4% dearer.
#[inline(never)]
fn compact_into<const ESC: bool>(
    b: &[u8],
    o: &mut Vec<u8>,
    budget: &Budget,
) -> Result<Option<()>, Exceeded> {
    // Compacting mostly shortens the text: room for it all, unless the
    // buffer already has most of that (reserved from an earlier render).
    if o.capacity() - o.len() < b.len() - b.len() / 4 {
        o.reserve(b.len());
    }
    let start = o.len();
    let mut c = Compactor::<ESC> {
        b,
        keys: Stack::new(),
        window: Window {
            at: usize::MAX,
            stops: 0,
        },
        meter: Meter {
            budget,
            charged_to: start + b.len(),
            exceeded: None,
        },
    };
    let first = skip_blanks(b, 0);
    let end = match b.get(first) {
        Some(b'{' | b'[') => c.document(first, o),
        _ => None,
    };
    let grown = o.len().saturating_sub(c.meter.charged_to);
    if let Some(e) = c.meter.exceeded {
        return Err(e);
    }
    // Blanks after the document; anything else is trailing data.
    let done = end.filter(|&r| skip_blanks(b, r) == b.len()).map(|_| ());
    if done.is_some() {
        budget.alloc(grown)?;
    }
    Ok(done)
}

/// One pass over the text, writing as it reads. Plain text is
/// copied in chunks of 8 bytes: a chunk is appended whole, then the output is
/// cut back to what belongs. With `ESC`, what it writes is escaped for
/// JavaScript (commons-lang's `escapeJavaScript`) as it goes.
///
/// What is not inlined into [`Compactor::document`] is given the parts it
/// needs (the text, the [`Meter`]), not the compactor: given its address,
/// the compactor lived in memory, and every key reloaded the text's bounds
/// and the key stack's length.
struct Compactor<'a, const ESC: bool> {
    b: &'a [u8],
    /// The key fingerprints of the open objects (on the stack while few).
    keys: Stack<u64, 32>,
    /// The string stops of 64 bytes from the last key or string that
    /// started past the last window's stops.
    window: Window,
    meter: Meter<'a>,
}

/// [`wide::string_stops`] (without `ESC`) of the 64 bytes of the text from
/// `at` (bit `i` for byte `at + i`), read where a key or a string starts
/// past the last window's stops ([`Compactor::stops_at`]). The keys and
/// short strings after it that start and end in it find where they end
/// from it, a shift and a count of zeros, without waiting for a load and a
/// mask at their own place: the pass's longest chain (each token's place
/// waits on the last one's) gets shorter.
#[derive(Clone, Copy)]
struct Window {
    at: usize,
    stops: u64,
}

impl Window {
    /// The stops of the bytes from `r` to the window's end (bit 0 for `r`;
    /// the bits past the window are clear, and all are when `r` is not in
    /// it). Only a set bit says something: none may mean the stops are not
    /// known.
    #[inline(always)]
    fn stops_from(self, r: usize) -> u64 {
        // Before `at`, the difference wraps past 63; before the first window
        // (`at` is `usize::MAX`) it may not, but that window has no stops.
        let off = r.wrapping_sub(self.at);
        if off < 64 {
            self.stops >> off
        } else {
            0
        }
    }
}

/// [`Window::stops`] of the 64 bytes of `c`.
#[inline(always)]
fn window_stops(c: &[u8; 64]) -> u64 {
    let mut m = 0;
    for (i, chunk) in c.chunks_exact(16).enumerate() {
        if let Some(chunk) = chunk.first_chunk::<16>() {
            m |= u64::from(wide::string_stops::<false>(chunk)) << (16 * i);
        }
    }
    m
}

/// What the compactor's output is charged to the budget.
struct Meter<'a> {
    budget: &'a Budget,
    /// The output length charged so far: the text's length is charged before
    /// the pass, and what rewrites add past it every [`CHUNK`] bytes.
    charged_to: usize,
    /// Set when the budget ran out (the pass then stops).
    exceeded: Option<Exceeded>,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// [`wide::string_stops`] of a word (the high bit of each byte that is one):
/// the last few bytes of a text.
#[inline(always)]
fn stops<const ESC: bool>(x: u64) -> u64 {
    // Without the high bits no sum below carries into the next byte.
    let x7 = x & LOW7;
    let ne = |c: u8| (x7 ^ (ONES * u64::from(c))) + LOW7;
    // High bit set: at least 0x20, not DEL (nor a byte above 0x7f).
    let printable = (x7 + ONES * 0x60) & !((x7 + ONES) | x);
    let mut plain = printable & ne(b'"') & ne(b'\\') & ne(b'/');
    if ESC {
        plain &= ne(b'\'');
    }
    !plain & HIGH
}

/// The high bit of each byte of `x` that `escapeJavaScript` does not write as
/// it is: the quotes, the backslash, `/`, control characters and every byte
/// above 0x7f (DEL is written as it is, unlike in [`stops`]).
#[inline]
pub(super) fn js_escapes(x: u64) -> u64 {
    let x7 = x & LOW7;
    let ne = |c: u8| (x7 ^ (ONES * u64::from(c))) + LOW7;
    // High bit set: 0x20 to 0x7f.
    let printable = (x7 + ONES * 0x60) & !x;
    !(printable & ne(b'"') & ne(b'\\') & ne(b'/') & ne(b'\'')) & HIGH
}

/// The high bit of each byte of `x` that ends a run a decoded string copies
/// as it is: `quote`, the backslash, control characters and DEL (bytes of
/// multi-byte characters are copied).
#[inline(always)]
fn decode_stops(x: u64, quote: u8) -> u64 {
    let x7 = x & LOW7;
    let ne = |c: u8| (x7 ^ (ONES * u64::from(c))) + LOW7;
    // High bit set: at least 0x20 and not DEL.
    let printable = (x7 + ONES * 0x60) & !(x7 + ONES);
    !((printable & ne(quote) & ne(b'\\')) | x) & HIGH
}

/// Where the run of `b` from `i` that a decoded string copies as it is ends
/// (see [`decode_stops`]).
#[inline]
fn decoded_run_end(b: &[u8], i: usize, quote: u8) -> usize {
    run_end_in(
        b,
        i,
        |x| decode_stops(x, quote),
        |c| c >= 0x20 && c != 0x7f && c != quote && c != b'\\',
    )
}

/// The high bit of each byte of `x` that is not a blank (above the space).
#[inline]
fn non_blanks(x: u64) -> u64 {
    (((x & LOW7) + ONES * 0x5f) | x) & HIGH
}

/// A fingerprint of an object key's text: equal keys have equal ones, and
/// keys of up to 7 bytes are their own (their bytes and their length).
#[inline(always)]
fn key_fingerprint(key: &[u8]) -> u64 {
    let len = (key.len() as u64) << 59;
    match (key.first_chunk::<8>(), key.last_chunk::<8>()) {
        (Some(first), Some(last)) => {
            u64::from_le_bytes(*first)
                ^ u64::from_le_bytes(*last)
                    .rotate_left(29)
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                ^ len
        }
        _ => {
            let mut padded = [0u8; 8];
            if let Some(to) = padded.get_mut(..key.len()) {
                to.copy_from_slice(key);
            }
            short_key_fingerprint(u64::from_le_bytes(padded), key.len())
        }
    }
}

/// The bytes of `key` (at most 8) as a little-endian word, the rest zero.
/// From two overlapping loads, not a copy into a padded buffer: a copy of a
/// length not known until run time is a call, and the word read back from
/// the buffer stalls on the bytes just stored (it was a third of the time
/// of a member search). (The fingerprint of a key at the very end of a text
/// keeps the copy: that path is inlined into the one-pass readers, where the
/// loads' branches cost more than the rare copy.)
#[inline(always)]
fn short_word(key: &[u8]) -> u64 {
    let n = key.len();
    if let (Some(lo), Some(hi)) = (key.first_chunk::<4>(), key.last_chunk::<4>()) {
        // The overlap, if any, holds the same bytes in both.
        let hi = u64::from(u32::from_le_bytes(*hi));
        return u64::from(u32::from_le_bytes(*lo))
            | hi.checked_shl(8 * (n as u32 - 4)).unwrap_or(0);
    }
    if let (Some(lo), Some(hi)) = (key.first_chunk::<2>(), key.last_chunk::<2>()) {
        let hi = u64::from(u16::from_le_bytes(*hi));
        return u64::from(u16::from_le_bytes(*lo)) | hi << (8 * (n as u32 - 2));
    }
    key.first().map_or(0, |&c| u64::from(c))
}

/// [`key_fingerprint`] of a key of at most 7 bytes, given a word whose low
/// bytes are the key's (what follows them is dropped): its bytes and its
/// length.
#[inline(always)]
fn short_key_fingerprint(w: u64, len: usize) -> u64 {
    low_bytes(w, len) | (len as u64) << 59
}

/// Two of 64 bits (or one, when they coincide), by a key's fingerprint: a
/// set of keys as one word (a Bloom filter), in which a key whose bits are
/// not all set is new. With two bits a key seen before is suspected about a
/// third as often as with one, for objects of up to a dozen keys: fewer
/// searches of the fingerprints noted.
#[inline(always)]
fn key_bits(fp: u64) -> u64 {
    let h = fp.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (1u64 << (h >> 58)) | (1u64 << ((h >> 52) & 63))
}

/// Notes a key's fingerprint `fp` in its object's filter `bloom`
/// ([`key_bits`]): whether the key may have been noted before (all its bits
/// were set already; only then are fingerprints compared).
#[inline(always)]
fn note_in_filter(bloom: &mut u64, fp: u64) -> bool {
    let bits = key_bits(fp);
    let seen = *bloom & bits == bits;
    *bloom |= bits;
    seen
}

/// The first `n` (at most 8) bytes of `x`, in order, the others zero.
#[inline]
fn low_bytes(x: u64, n: usize) -> u64 {
    x & u64::MAX.checked_shr(64 - 8 * n as u32).unwrap_or(0)
}

/// The high bit of each byte of `x` that is not an ASCII digit.
#[inline(always)]
fn non_digits(x: u64) -> u64 {
    let x7 = x & LOW7;
    // High bit set: at least `0`, at least `:`.
    (!(x7 + ONES * 0x50) | (x7 + ONES * 0x46) | x) & HIGH
}

/// The length of the number at the start of `chunk` when it ends inside it
/// and Java writes it as it is: an integer, or a plain decimal
/// ([`java_decimal_digits`]). `None` leaves it to [`Compactor::number`]'s
/// longer way (which also finds what is no number).
#[inline(always)]
fn short_plain_number(chunk: &[u8; 8]) -> Option<usize> {
    short_plain(chunk).map(|(end, _)| end)
}

/// Where a short plain number ends, and an integer's sign (negative) and
/// digits (`None` for a decimal).
pub(super) type ShortPlain<'a> = (usize, Option<(bool, &'a [u8])>);

/// [`short_plain_number`], with an integer's sign and digits (`None` for a
/// decimal): from the marks of the chunk's bytes that are not digits, each
/// byte looked at once. Shared with the body pass's short numbers.
#[inline(always)]
pub(super) fn short_plain(chunk: &[u8; 8]) -> Option<ShortPlain<'_>> {
    let x = u64::from_le_bytes(*chunk);
    let marks = non_digits(x);
    // The first byte from `at` on that is no digit, if the chunk has one.
    let run_end = |at: usize| {
        let m = marks.checked_shr(8 * at as u32).unwrap_or(0);
        (m != 0).then(|| at + (m.trailing_zeros() / 8) as usize)
    };
    let neg = chunk.first() == Some(&b'-');
    let int_start = usize::from(neg);
    let int_end = run_end(int_start)?;
    let int = chunk.get(int_start..int_end)?;
    if int.is_empty() || int.len() > 1 && int.first() == Some(&b'0') {
        return None;
    }
    match chunk.get(int_end)? {
        b'.' => {
            let frac_end = run_end(int_end + 1)?;
            let frac = chunk.get(int_end + 1..frac_end)?;
            let plain =
                !matches!(chunk.get(frac_end), Some(b'e' | b'E')) && java_decimal_digits(int, frac);
            plain.then_some((frac_end, None))
        }
        b'e' | b'E' => None,
        // `-0` is written 0.
        _ => (!neg || int != b"0").then_some((int_end, Some((neg, int)))),
    }
}

/// Is `t` (a JSON number with a fraction) written exactly as Java's
/// `Double.toString` writes its value? True for plain decimals of at most 15
/// significant digits (which doubles keep exactly, so no shorter text exists)
/// between 10⁻³ and 10⁷ without trailing zeros: `57.23`, `0.5`, `-3.0`.
#[cfg(test)]
fn java_double_text(t: &[u8]) -> bool {
    let t = t.strip_prefix(b"-").unwrap_or(t);
    let Some(dot) = t.iter().position(|&c| c == b'.') else {
        return false;
    };
    let (int, frac) = (t.get(..dot).unwrap_or(&[]), t.get(dot + 1..).unwrap_or(&[]));
    int.iter().chain(frac).all(u8::is_ascii_digit) && java_decimal_digits(int, frac)
}

/// [`java_double_text`] of the digits before and after the point.
#[inline(always)]
fn java_decimal_digits(int: &[u8], frac: &[u8]) -> bool {
    if int.is_empty() || int.len() > 7 || frac.is_empty() {
        return false;
    }
    let (zero_int, zero_frac) = (int == b"0", frac == b"0");
    if zero_frac {
        return zero_int || int.first() != Some(&b'0');
    }
    if frac.last() == Some(&b'0') {
        return false;
    }
    if zero_int {
        // Below 10⁻³ Java writes an exponent.
        let zeros = frac.iter().take_while(|&&c| c == b'0').count();
        return zeros < 3 && frac.len() - zeros <= 15;
    }
    int.first() != Some(&b'0') && int.len() + frac.len() <= 15
}

impl Meter<'_> {
    /// After a rewrite that may write more than it read (an escape, `\/`, a
    /// number): charges the output's growth past what was charged every
    /// [`CHUNK`] bytes.
    #[inline(always)]
    fn grown(&mut self, len: usize) -> Option<()> {
        if len >= self.charged_to + CHUNK {
            return self.charge_growth(len);
        }
        Some(())
    }

    #[cold]
    #[inline(never)]
    fn charge_growth(&mut self, len: usize) -> Option<()> {
        if let Err(e) = self.budget.alloc(len - self.charged_to) {
            self.exceeded = Some(e);
            return None;
        }
        self.charged_to = len;
        Some(())
    }
}

impl<const ESC: bool> Compactor<'_, ESC> {
    /// The string stops (without `ESC`) from `r`, where a key or a string
    /// starts (its first 16 bytes `chunk`): from the window while it has one
    /// past `r`, else from a new window at `r` (or only `chunk`'s, at the
    /// end of the text). Bit 0 is for `r`; only bits of stops are ever set,
    /// and the first set bit past bit 0 is the first stop past `r` unless
    /// it is past bit 15.
    #[inline(always)]
    fn stops_at(&mut self, r: usize, chunk: &[u8; 16]) -> u64 {
        let w = self.window.stops_from(r);
        if w & !1 != 0 {
            return w;
        }
        match self.b.get(r..).and_then(|s| s.first_chunk::<64>()) {
            Some(c) => {
                let stops = window_stops(c);
                self.window = Window { at: r, stops };
                stops
            }
            None => u64::from(wide::string_stops::<false>(chunk)),
        }
    }

    /// The document's value (an object or an array, its first byte at `r`),
    /// written to `o`: where it ends. One loop, without recursion, with the
    /// read position and the innermost open container in locals: what every
    /// step touches stays in registers.
    fn document(&mut self, mut r: usize, o: &mut Vec<u8>) -> Option<usize> {
        let b = self.b;
        let mut buf = [0; OUT_ROOM];
        let o = &mut Out {
            buf: &mut buf,
            w: 0,
            o,
        };
        // The containers around the innermost one; the first is the
        // document's level (no container). On the stack while shallow.
        let mut open: Stack<Open, 16> = Stack::new();
        let mut top = Open {
            object: false,
            bloom: 0,
            keys_at: 0,
        };
        'value: loop {
            // A value, at `r` or after blanks.
            r = skip_blanks(b, r);
            let c = *b.get(r)?;
            match c {
                b'{' | b'[' => {
                    if open.len() >= MAX_JSON_DEPTH {
                        return None;
                    }
                    o.put(&[c], 1);
                    r = skip_blanks(b, r + 1);
                    let next = *b.get(r)?;
                    // `{` + 2 is `}`, `[` + 2 is `]`.
                    if next == c + 2 {
                        // Empty: closed below.
                        o.put(&[next], 1);
                        r += 1;
                    } else {
                        open.push(top);
                        top = Open {
                            object: c == b'{',
                            bloom: 0,
                            keys_at: self.keys.len(),
                        };
                        if top.object {
                            if next != b'"' {
                                return None;
                            }
                            r = self.key(r, &mut top, o)?;
                        }
                        // Extra commas (`[1,,2]`, `[,1]`) are no value: the
                        // tree's.
                        continue 'value;
                    }
                }
                b'"' => r = self.string::<false>(r, o)?.0,
                b't' => r = literal(b, r, o, b"true")?,
                b'f' => r = literal(b, r, o, b"false")?,
                b'n' => r = literal(b, r, o, b"null")?,
                b'-' | b'0'..=b'9' => r = self.number(r, o)?,
                _ => return None,
            }
            // After a value: separators and closing brackets. What follows a
            // literal or a number is checked here: anything but a blank, `,`
            // or the closing bracket (`truex`, `12abc`, `1 2`) goes to the
            // tree.
            loop {
                if open.is_empty() {
                    // The document's value.
                    o.flush();
                    return Some(r);
                }
                r = skip_blanks(b, r);
                let c = *b.get(r)?;
                if c == b',' {
                    o.put(&[c], 1);
                    r += 1;
                    if top.object {
                        r = skip_blanks(b, r);
                        if b.get(r) != Some(&b'"') {
                            return None;
                        }
                        r = self.key(r, &mut top, o)?;
                    }
                    continue 'value;
                }
                if c != if top.object { b'}' } else { b']' } {
                    return None;
                }
                o.put(&[c], 1);
                r += 1;
                if top.object {
                    self.keys.truncate(top.keys_at);
                }
                top = open.pop()?;
            }
        }
    }

    /// The key at `r` of the object `top` (its first byte a double quote),
    /// and its colon: where the value after it starts (or its blanks).
    /// The fingerprints of its keys are noted, with two bits per fingerprint
    /// ([`key_bits`]): most keys are new, and a clear bit says so without
    /// comparing. Equal fingerprints go to the tree.
    #[inline(always)]
    fn key(&mut self, r: usize, top: &mut Open, o: &mut Out<'_>) -> Option<usize> {
        let b = self.b;
        // Most keys are short and plain, their colon at once: the key, its
        // quotes and the colon are one chunk, written whole.
        if let (false, Some(chunk)) = (ESC, b.get(r..).and_then(|s| s.first_chunk::<16>())) {
            // The closing quote's place (the opening one is not a stop); at
            // 16 or past, not in this chunk.
            let n = (self.stops_at(r, chunk) & !1).trailing_zeros() as usize;
            if chunk.get(n) == Some(&b'"') && chunk.get(n + 1) == Some(&b':') {
                let key = chunk.get(1..n)?;
                let fp = match chunk.first_chunk::<8>() {
                    Some(head) if key.len() <= 7 => {
                        short_key_fingerprint(u64::from_le_bytes(*head) >> 8, key.len())
                    }
                    _ => key_fingerprint(key),
                };
                self.note_key(fp, top)?;
                o.put(chunk, n + 2);
                return Some(r + n + 2);
            }
        }
        let start = r + 1;
        let (r, head) = self.string::<true>(r, o)?;
        let len = r - 1 - start;
        let fp = match len {
            0..=7 => short_key_fingerprint(head, len),
            _ => key_fingerprint(b.get(start..start + len)?),
        };
        self.note_key(fp, top)?;
        // Most often the colon comes at once.
        let mut r = r;
        if b.get(r) != Some(&b':') {
            r = skip_blanks(b, r);
            if b.get(r) != Some(&b':') {
                return None;
            }
        }
        o.put(b":", 1);
        Some(r + 1)
    }

    /// Notes the key whose fingerprint is `fp` in the object `top`; `None`
    /// when it may repeat one before it (or there are too many to compare):
    /// the tree decides.
    #[inline(always)]
    fn note_key(&mut self, fp: u64, top: &mut Open) -> Option<()> {
        // A repeat goes to the tree, which drops this pass (and its filter).
        if note_in_filter(&mut top.bloom, fp)
            && (self.keys.len().saturating_sub(top.keys_at) > 256
                || self.keys.contains_from(top.keys_at, &fp))
        {
            return None;
        }
        self.keys.push(fp);
        Some(())
    }

    /// A number at `r`: integers and plain decimals that Java writes alike
    /// are copied; other doubles are rewritten; what json-smart reads as
    /// something else (leading zeros, `-0`, long numbers) goes to the tree.
    /// Where it ends.
    #[inline(always)]
    fn number(&mut self, r: usize, o: &mut Out<'_>) -> Option<usize> {
        // Mostly short and plain: copied as one chunk.
        if let Some(chunk) = self.b.get(r..).and_then(|s| s.first_chunk::<8>()) {
            if let Some(n) = short_plain_number(chunk) {
                o.put(chunk, n);
                return Some(r + n);
            }
        }
        Self::long_number(&mut self.meter, self.b, r, o.flushed())
    }

    /// [`Compactor::number`] of what is not short and plain.
    #[inline(never)]
    fn long_number(m: &mut Meter<'_>, b: &[u8], start: usize, o: &mut Vec<u8>) -> Option<usize> {
        let int_start = start + usize::from(b.get(start) == Some(&b'-'));
        let int_end = digits(b, int_start);
        let int = b.get(int_start..int_end)?;
        if int.is_empty() || (int.first() == Some(&b'0') && int.len() > 1) {
            // `-`, `-x`, and leading zeros (json-smart drops them).
            return None;
        }
        let mut end = int_end;
        let mut frac = None;
        if b.get(end) == Some(&b'.') {
            let frac_end = digits(b, end + 1);
            frac = Some(b.get(end + 1..frac_end).filter(|f| !f.is_empty())?);
            end = frac_end;
        }
        let exponent = matches!(b.get(end), Some(b'e' | b'E'));
        if exponent {
            let digits_at = end + 1 + usize::from(matches!(b.get(end + 1), Some(b'+' | b'-')));
            end = digits(b, digits_at);
            if end == digits_at {
                return None;
            }
        }
        // Long numbers are BigIntegers and BigDecimals.
        if int.len() > 18 || end - start > 18 && (exponent || frac.is_some()) {
            return None;
        }
        let plain = match frac {
            // `-0` is written 0.
            None if !exponent => int_start == start || int != b"0",
            Some(frac) if !exponent => java_decimal_digits(int, frac),
            _ => false,
        };
        if plain {
            o.extend_from_slice(b.get(start..end)?);
            return Some(end);
        }
        if !exponent && frac.is_none() {
            return None;
        }
        let f = std::str::from_utf8(b.get(start..end)?)
            .ok()?
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())?;
        let mut s = String::new();
        write_java_double(f, &mut s);
        o.extend_from_slice(s.as_bytes());
        m.grown(o.len())?;
        Some(end)
    }

    /// A double-quoted string at `r`, copied in chunks of 8 bytes; json-smart
    /// writes `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t` back as they are,
    /// so only other characters are rewritten. A key (`KEY`) with an escape
    /// could repeat another in disguise: it goes to the tree. Gives where it
    /// ends, and the first 7 bytes of the content (as far as the text goes).
    #[inline(always)]
    fn string<const KEY: bool>(&mut self, mut r: usize, o: &mut Out<'_>) -> Option<(usize, u64)> {
        let b = self.b;
        let head;
        match b.get(r..).and_then(|s| s.first_chunk::<16>()) {
            // The first chunk holds the opening quote.
            Some(chunk) if !ESC => {
                head = chunk
                    .first_chunk::<8>()
                    .map_or(0, |h| u64::from_le_bytes(*h) >> 8);
                // This chunk's stops past the opening quote.
                let stops = (self.stops_at(r, chunk) & 0xfffe) as u32;
                if stops == 0 {
                    o.put(chunk, 16);
                    r += 16;
                } else {
                    let n = stops.trailing_zeros() as usize;
                    r += n;
                    if b.get(r) == Some(&b'"') {
                        // A short string, whole.
                        o.put(chunk, n + 1);
                        return Some((r + 1, head));
                    }
                    o.put(chunk, n);
                }
            }
            Some(chunk) => {
                head = chunk
                    .first_chunk::<8>()
                    .map_or(0, |h| u64::from_le_bytes(*h) >> 8);
                r = Self::quote(r, o);
            }
            None => {
                let t = b.get(r + 1..)?;
                head = t
                    .iter()
                    .take(7)
                    .rev()
                    .fold(0, |h, &c| h << 8 | u64::from(c));
                r = Self::quote(r, o);
            }
        }
        loop {
            match b.get(r..).and_then(|s| s.first_chunk::<16>()) {
                Some(chunk) => {
                    // From the window when it has a stop from here on (the
                    // runs between a short value's escapes).
                    let w = if ESC { 0 } else { self.window.stops_from(r) };
                    let stops = if w != 0 {
                        (w & 0xffff) as u32
                    } else {
                        wide::string_stops::<ESC>(chunk)
                    };
                    if stops == 0 {
                        o.put(chunk, 16);
                        r += 16;
                        continue;
                    }
                    let n = stops.trailing_zeros() as usize;
                    o.put(chunk, n);
                    r += n;
                }
                None => {
                    // The last bytes of the text.
                    while let Some(&c) = b.get(r) {
                        if stops::<ESC>(u64::from(c)) & 0x80 != 0 {
                            break;
                        }
                        o.put(&[c], 1);
                        r += 1;
                    }
                }
            }
            match *b.get(r)? {
                b'"' => {
                    r = Self::quote(r, o);
                    if ESC {
                        // Each quote grew by a byte.
                        self.meter.grown(o.len())?;
                    }
                    return Some((r, head));
                }
                b'\\' if KEY => return None,
                b'\\' => match *b.get(r + 1)? {
                    // Written back as they are.
                    e @ (b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                        r += 2;
                        Self::short_escape(o, e);
                        if ESC {
                            // Escaped again, it grew.
                            self.meter.grown(o.len())?;
                        }
                    }
                    // A character past Latin-1's controls, written as
                    // itself (or `\uXXXX` again): no longer than its escape.
                    b'u' => match b
                        .get(r + 2..)
                        .and_then(|s| s.first_chunk::<4>())
                        .and_then(hex_value)
                    {
                        Some(v) if plain_unicode(v) => {
                            r += 6;
                            Self::plain_char(o, v);
                        }
                        _ => {
                            r =
                                o.aside(|o| Self::string_special(&mut self.meter, b, b'\\', r, o))?
                        }
                    },
                    _ => r = o.aside(|o| Self::string_special(&mut self.meter, b, b'\\', r, o))?,
                },
                b'/' => {
                    r += 1;
                    Self::short_escape(o, b'/');
                    self.meter.grown(o.len())?;
                }
                c => r = o.aside(|o| Self::string_special(&mut self.meter, b, c, r, o))?,
            }
        }
    }

    /// Reads the double quote at `r` and writes it: where it ends.
    #[inline(always)]
    fn quote(r: usize, o: &mut Out<'_>) -> usize {
        if ESC {
            o.put(b"\\\"", 2);
        } else {
            o.put(b"\"", 1);
        }
        r + 1
    }

    /// Writes the character `v` (one that [`plain_unicode`] accepts) as
    /// [`Compactor::json_char`] does: its UTF-8 bytes, or with `ESC` its
    /// `\uXXXX`.
    #[inline(always)]
    fn plain_char(o: &mut Out<'_>, v: u32) {
        if ESC {
            hex_escape(o, b"\\u", v);
        } else if v < 0x800 {
            o.put(&[0xc0 | (v >> 6) as u8, 0x80 | (v & 0x3f) as u8], 2);
        } else {
            let bytes = [
                0xe0 | (v >> 12) as u8,
                0x80 | (v >> 6 & 0x3f) as u8,
                0x80 | (v & 0x3f) as u8,
            ];
            o.put(&bytes, 3);
        }
    }

    /// Writes json-smart's two-character escape `\e`.
    #[inline(always)]
    fn short_escape(o: &mut Out<'_>, e: u8) {
        if !ESC {
            o.put(&[b'\\', e], 2);
            return;
        }
        // escapeJavaScript doubles the backslash, and escapes `e` itself.
        match e {
            b'"' | b'\\' | b'/' => o.put(&[b'\\', b'\\', b'\\', e], 4),
            _ => o.put(&[b'\\', b'\\', e], 3),
        }
    }

    /// The byte `c` at `r` that stops a string's plain run, other than its
    /// closing quote, `/` and the two-character escapes json-smart writes
    /// back (which [`Compactor::string`] writes itself): where what it
    /// starts ends.
    #[inline(never)]
    fn string_special(
        m: &mut Meter<'_>,
        b: &[u8],
        c: u8,
        mut r: usize,
        o: &mut Out<'_>,
    ) -> Option<usize> {
        match c {
            b'\\' => match *b.get(r + 1)? {
                b'u' => {
                    let hex = b.get(r + 2..)?.first_chunk::<4>()?;
                    // Surrogates (pairs or lone) take the slow path.
                    let ch = char::from_u32(hex_value(hex)?)?;
                    r += 6;
                    Self::json_char(o, ch);
                }
                // `\xHH`, and the escapes json-smart drops: rare, left to
                // the tree.
                _ => return None,
            },
            b'\'' if ESC => {
                r += 1;
                o.put(b"\\'", 2);
            }
            // A control character or DEL, written raw: json-smart keeps it
            // in a string without escapes and drops it from one with, which
            // the tree tells apart.
            0..=0x7f => return None,
            0xc2 | 0xe2 => {
                // A multi-byte character that may need `\uXXXX`.
                let len = if c == 0xc2 { 2 } else { 3 };
                let ch = char_at(b, r, len)?;
                r += len;
                Self::json_char(o, ch);
            }
            _ if ESC => {
                // Every other character past ASCII is `\uXXXX` for
                // escapeJavaScript.
                while let Some(&c) = b.get(r) {
                    if c < 0x80 || c == 0xc2 || c == 0xe2 {
                        break;
                    }
                    let len = match c {
                        0xf0.. => 4,
                        0xe0.. => 3,
                        _ => 2,
                    };
                    let ch = char_at(b, r, len)?;
                    r += len;
                    Self::unicode_escapes(o, ch);
                }
            }
            _ => {
                // Other bytes of multi-byte characters stay as they are.
                o.put(&[c], 1);
                r += 1;
                while let Some(&c) = b.get(r) {
                    if c < 0x80 || c == 0xc2 || c == 0xe2 {
                        break;
                    }
                    o.put(&[c], 1);
                    r += 1;
                }
            }
        }
        m.grown(o.len())?;
        Some(r)
    }

    /// `\uXXXX` for each UTF-16 unit of `c`, as escapeJavaScript writes it.
    fn unicode_escapes(o: &mut Out<'_>, c: char) {
        // A lone surrogate as itself (see `crate::eval::jstring`).
        for unit in jstring::char_units(c) {
            hex_escape(o, b"\\u", u32::from(unit));
        }
    }

    /// Writes `c` as json-smart writes it inside a string (the text it came
    /// from already read).
    fn json_char(o: &mut Out<'_>, c: char) {
        let short = match c {
            '"' | '\\' | '/' => c as u8,
            '\n' => b'n',
            '\r' => b'r',
            '\t' => b't',
            '\u{8}' => b'b',
            '\u{c}' => b'f',
            '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{2000}'..='\u{20ff}' => {
                // escapeJavaScript doubles the backslash.
                if ESC {
                    hex_escape(o, b"\\\\u", c as u32);
                } else {
                    hex_escape(o, b"\\u", c as u32);
                }
                return;
            }
            '\'' if ESC => {
                o.put(b"\\'", 2);
                return;
            }
            c if ESC && !c.is_ascii() => {
                Self::unicode_escapes(o, c);
                return;
            }
            c => {
                // Its UTF-8 bytes, appended as one chunk and cut back.
                let mut buf = [0u8; 4];
                let n = c.encode_utf8(&mut buf).len();
                o.put(&buf, n);
                return;
            }
        };
        Self::short_escape(o, short);
    }
}

/// Whether the character `v` of a `\uXXXX` escape is one json-smart writes
/// as itself and escapeJavaScript as `\uXXXX`: past U+009F, not a
/// surrogate, not in U+2000..U+20FF.
#[inline(always)]
fn plain_unicode(v: u32) -> bool {
    (0xa0..0xd800).contains(&v) && !(0x2000..=0x20ff).contains(&v) || (0xe000..=0xffff).contains(&v)
}

/// An open container of [`Compactor::document`]: whether it is an object,
/// and for an object the bits of its keys' fingerprints so far
/// ([`key_bits`]) and where those start in [`Compactor::keys`].
#[derive(Clone, Copy, Default)]
struct Open {
    object: bool,
    bloom: u64,
    keys_at: usize,
}

/// The first byte at or after `i` that is not blank (JSON's blanks and
/// json-smart's: any byte up to the space), 8 at a time past the first two.
#[inline(always)]
fn skip_blanks(b: &[u8], i: usize) -> usize {
    // Mostly none, or one space.
    match b.get(i..).and_then(|s| s.first_chunk::<2>()) {
        Some(&[c, _]) if !is_ws(c) => return i,
        Some(&[_, c]) if !is_ws(c) => return i + 1,
        _ => {}
    }
    more_blanks(b, i)
}

/// [`skip_blanks`] past its first two bytes.
fn more_blanks(b: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = b.get(i..).and_then(|s| s.first_chunk::<8>()) {
        let stops = non_blanks(u64::from_le_bytes(*chunk));
        if stops != 0 {
            return i + (stops.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while b.get(i).is_some_and(|&c| is_ws(c)) {
        i += 1;
    }
    i
}

/// `word` at `r` of `b`, written to `o`: where it ends.
#[inline(always)]
fn literal<const N: usize>(b: &[u8], r: usize, o: &mut Out<'_>, word: &[u8; N]) -> Option<usize> {
    if b.get(r..)?.first_chunk::<N>()? != word {
        return None;
    }
    o.put(word, N);
    Some(r + N)
}

/// The end of the run of ASCII digits of `b` from `i`.
#[inline]
fn digits(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

/// The character of `len` bytes at `r` of `b`.
fn char_at(b: &[u8], r: usize, len: usize) -> Option<char> {
    std::str::from_utf8(b.get(r..r + len)?).ok()?.chars().next()
}

/// `prefix` and the four upper-case hex digits of `unit`. Inlined: given an
/// `Out`'s address, a call kept its write position in memory.
#[inline(always)]
fn hex_escape<const N: usize>(o: &mut Out<'_>, prefix: &[u8; N], unit: u32) {
    o.put(prefix, N);
    o.put(&hex4(unit), 4);
}

/// Where [`Compactor::document`] appends: bytes, a chunk at a time, through
/// a buffer on the stack, then the output. Long numbers rewritten are
/// written to the output itself ([`Out::flushed`]).
struct Out<'o> {
    buf: &'o mut [u8; OUT_ROOM],
    /// How much of `buf` is written.
    w: usize,
    o: &'o mut Vec<u8>,
}

const OUT_ROOM: usize = 1024;

impl Out<'_> {
    /// The output's length, with what the buffer holds.
    #[inline(always)]
    fn len(&self) -> usize {
        self.o.len() + self.w
    }

    #[inline(always)]
    fn flush(&mut self) {
        append(self.o, self.buf, self.w);
        self.w = 0;
    }

    /// `f` on a copy of this `Out`, its write position taken back after:
    /// for what is not inlined. `f` given this one's address, the write
    /// position lived in memory, not in a register, for the whole pass
    /// (every `put` a load and a store on the loop's critical path).
    #[inline(always)]
    fn aside<R>(&mut self, f: impl FnOnce(&mut Out<'_>) -> R) -> R {
        let mut t = Out {
            buf: &mut *self.buf,
            w: self.w,
            o: &mut *self.o,
        };
        let res = f(&mut t);
        self.w = t.w;
        res
    }

    /// The output, with what the buffer held appended.
    #[inline(always)]
    fn flushed(&mut self) -> &mut Vec<u8> {
        self.flush();
        self.o
    }

    /// Appends the first `n` bytes of `bytes` (written whole, then cut
    /// back: a copy of a constant length).
    #[inline(always)]
    fn put<const N: usize>(&mut self, bytes: &[u8; N], n: usize) {
        if self.w > OUT_ROOM - N {
            self.flush();
        }
        if let Some(to) = self.buf.get_mut(self.w..self.w + N) {
            to.copy_from_slice(bytes);
        }
        self.w += n;
    }
}

/// Appends the first `w` bytes of `buf` to `o`.
#[inline(never)]
fn append(o: &mut Vec<u8>, buf: &[u8; OUT_ROOM], w: usize) {
    o.extend_from_slice(buf.get(..w).unwrap_or(buf));
}

/// When the four bytes of `x` are hex digits (of either case): `x` in lower
/// case, and the high bit of each byte that is a letter.
#[inline(always)]
pub(super) fn hex_letters(x: u32) -> Option<(u32, u32)> {
    if x & 0x8080_8080 != 0 {
        return None;
    }
    // Letters in lower case (digits have the bit already).
    let lower = x | 0x2020_2020;
    // The high bit of each byte of `w` that is at least `c` (bytes below
    // 0x80: no sum carries).
    let ge = |w: u32, c: u8| w.wrapping_add(0x8080_8080 - 0x0101_0101 * u32::from(c)) & 0x8080_8080;
    let digit = ge(x, b'0') & !ge(x, b'9' + 1);
    let letter = ge(lower, b'a') & !ge(lower, b'f' + 1);
    (digit | letter == 0x8080_8080).then_some((lower, letter))
}

/// The value of four hex digits (of either case), if they are.
#[inline]
pub(crate) fn hex_value(hex: &[u8; 4]) -> Option<u32> {
    let (lower, letter) = hex_letters(u32::from_le_bytes(*hex))?;
    Some(hex_letters_value(lower, letter))
}

/// The value of four hex digits from what [`hex_letters`] tells of them.
#[inline(always)]
fn hex_letters_value(lower: u32, letter: u32) -> u32 {
    // Each byte's value: its low 4 bits, and 9 more for a letter.
    let v = (lower & 0x0f0f_0f0f) + (letter >> 7) * 9;
    // The first digit is the lowest byte and the most significant.
    let [a, b, c, d] = v.to_le_bytes().map(u32::from);
    a << 12 | b << 8 | c << 4 | d
}

/// `\uXXXX` with upper-case hex digits.
#[inline]
pub(crate) fn push_unicode_escape(unit: u32, out: &mut String) {
    push_u_escape(u32::from_le_bytes(hex4(unit)), out);
}

/// `\u` and the four bytes of `digits` (little-endian: the first is the
/// lowest), the high bit of each dropped (hex digits have none).
#[inline(always)]
fn push_u_escape(digits: u32, out: &mut String) {
    let [a, b, c, d] = (digits & 0x7f7f_7f7f).to_le_bytes();
    let escape = [b'\\', b'u', a, b, c, d];
    // SAFETY: the six bytes are ASCII (a backslash, `u`, and four bytes
    // below 0x80), each a character of its own: appended, the string stays
    // UTF-8. One copy of six bytes, where three `push_str` checked the room
    // and the table's character boundaries three times.
    unsafe { out.as_mut_vec() }.extend_from_slice(&escape);
}

/// The two upper-case hex digits of the low byte of `byte`.
#[inline]
fn hex_pair(byte: u32) -> [u8; 2] {
    let at = 2 * (byte & 0xff) as usize;
    let pair = HEX_PAIRS
        .as_bytes()
        .get(at..)
        .and_then(|p| p.first_chunk::<2>());
    pair.copied().unwrap_or(*b"00")
}

/// `00` to `FF`, the upper-case hex digits of each byte in turn.
static HEX_PAIRS: &str = concat!(
    "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
    "202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F",
    "404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F",
    "606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F",
    "808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9F",
    "A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF",
    "C0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF",
    "E0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF",
);

/// The last four hex digits of `unit`, upper-case.
#[inline]
fn hex4(unit: u32) -> [u8; 4] {
    let ([a, b], [c, d]) = (hex_pair(unit >> 8), hex_pair(unit));
    [a, b, c, d]
}

#[cfg(test)]
mod tests;
