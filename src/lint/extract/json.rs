//! JSON documents: `serde_json` checks the document (and says where it is
//! wrong); a small tokenizer then builds the tree, remembering where each
//! string starts so a template's bytes can be mapped through its escapes.

use std::rc::Rc;

use super::pieces::Pieces;
use super::{Doc, ExtractError, Key, Node, Scalar, Src, MAX_DEPTH};

/// Parses `text[base..]` (after a byte order mark, if any); offsets are in `text`.
pub(super) fn parse(text: &str, base: usize) -> Result<Node, ExtractError> {
    let body = text.get(base..).unwrap_or("");
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(body) {
        let offset = base + line_col_offset(body, e.line(), e.column());
        let message = e.to_string();
        // serde_json appends " at line L column C"; the position is given apart.
        let message = match message.rfind(" at line ") {
            Some(i) => message.get(..i).unwrap_or(&message).to_string(),
            None => message,
        };
        return Err(ExtractError::new(text, offset, format!("JSON: {message}")));
    }
    let mut p = Parser { text, pos: base };
    p.ws();
    p.value(0)
}

/// The byte offset of serde_json's 1-based line and column (columns count bytes).
fn line_col_offset(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text.get(start..).and_then(|r| r.find('\n')) {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    let mut off = (start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(off) {
        off -= 1;
    }
    off
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn err(&self, message: &str) -> ExtractError {
        ExtractError::new(self.text, self.pos, format!("JSON: {message}"))
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, ExtractError> {
        if depth > MAX_DEPTH {
            return Err(self.err(&format!("nested deeper than {MAX_DEPTH} levels")));
        }
        match self.peek() {
            Some(b'{') => {
                self.pos += 1;
                let mut entries = Vec::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.pos += 1;
                    return Ok(Rc::new(Doc::Map(entries)));
                }
                loop {
                    self.ws();
                    if self.peek() != Some(b'"') {
                        return Err(self.err("expected a string key"));
                    }
                    let at = self.pos;
                    let key = Key {
                        name: self.string()?.value,
                        at,
                    };
                    self.ws();
                    if self.peek() != Some(b':') {
                        return Err(self.err("expected ':'"));
                    }
                    self.pos += 1;
                    self.ws();
                    let v = self.value(depth + 1)?;
                    entries.push((key, v));
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            return Ok(Rc::new(Doc::Map(entries)));
                        }
                        _ => return Err(self.err("expected ',' or '}'")),
                    }
                }
            }
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.pos += 1;
                    return Ok(Rc::new(Doc::Seq(items)));
                }
                loop {
                    self.ws();
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(Rc::new(Doc::Seq(items)));
                        }
                        _ => return Err(self.err("expected ',' or ']'")),
                    }
                }
            }
            Some(b'"') => Ok(Rc::new(Doc::Str(self.string()?))),
            Some(_) => {
                let start = self.pos;
                while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'+' | b'.'))
                {
                    self.pos += 1;
                }
                if self.pos == start {
                    return Err(self.err("expected a value"));
                }
                Ok(Rc::new(Doc::Other))
            }
            None => Err(self.err("unexpected end of the document")),
        }
    }

    fn string(&mut self) -> Result<Scalar, ExtractError> {
        let start = self.pos;
        match decode(self.text, start, None) {
            Some((value, end)) => {
                self.pos = end;
                Ok(Scalar {
                    value,
                    src: Src::Json { start },
                })
            }
            None => Err(self.err("bad string")),
        }
    }
}

/// Decodes the JSON string token whose opening quote is at `start`: its value
/// and the offset just past its closing quote; with `pieces`, where each value
/// byte came from.
pub(super) fn decode(
    text: &str,
    start: usize,
    mut pieces: Option<&mut Pieces>,
) -> Option<(String, usize)> {
    if text.as_bytes().get(start) != Some(&b'"') {
        return None;
    }
    let mut pos = start + 1;
    let mut value = String::new();
    let hex = |s: Option<&str>| -> Option<u32> {
        let s = s?;
        if s.len() == 4 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
            u32::from_str_radix(s, 16).ok()
        } else {
            None
        }
    };
    loop {
        let rest = text.get(pos..)?;
        let c = rest.chars().next()?;
        let (decoded, used) = match c {
            '"' => return Some((value, pos + 1)),
            '\\' => match rest.as_bytes().get(1)? {
                b'n' => ('\n', 2),
                b't' => ('\t', 2),
                b'r' => ('\r', 2),
                b'b' => ('\u{8}', 2),
                b'f' => ('\u{c}', 2),
                b'"' => ('"', 2),
                b'\\' => ('\\', 2),
                b'/' => ('/', 2),
                b'u' => {
                    let u = hex(rest.get(2..6))?;
                    if (0xD800..0xDC00).contains(&u) && rest.get(6..8) == Some("\\u") {
                        match hex(rest.get(8..12)) {
                            Some(low) if (0xDC00..0xE000).contains(&low) => {
                                let c = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
                                (char::from_u32(c).unwrap_or('\u{FFFD}'), 12)
                            }
                            _ => ('\u{FFFD}', 6),
                        }
                    } else {
                        (char::from_u32(u).unwrap_or('\u{FFFD}'), 6)
                    }
                }
                _ => return None,
            },
            c => (c, c.len_utf8()),
        };
        value.push(decoded);
        if let Some(p) = pieces.as_deref_mut() {
            p.push(decoded.len_utf8(), pos, used);
        }
        pos += used;
    }
}
