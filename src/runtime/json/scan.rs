//! The fast path of reading a body on first use ([`super::parse_lazy`]): one
//! pass, without recursion, over a document in plain JSON, noting the same
//! nodes and charging the same bytes as the general reader does. It gives up
//! (`None`) on anything else (json-smart's permissive syntax, escaped keys,
//! repeated commas, deep nesting, errors), and the general reader then reads
//! the document from its start, so nothing it charged is charged twice: it
//! charges only once it is done.

use super::{
    escaped_end, number_text, number_value, plain_end, Node, ARRAY, ESCAPED, MAX_JSON_DEPTH,
    OBJECT, SHARED_STRING_MAX, STRING,
};
use crate::eval::budget::{Budget, Exceeded, CHUNK, CONTAINER_BYTES, ENTRY_BYTES, VALUE_BYTES};
use crate::eval::value::Value;

/// What the nodes of `text` (whose first character that is not blank is
/// `{` or `[`, and which holds no end-of-input mark) are, charged to
/// `budget`; `Ok(None)`: not plain JSON, nothing charged.
pub(super) fn plain(text: &str, budget: &Budget) -> Result<Option<Vec<Node>>, Exceeded> {
    let mut s = Scan {
        b: text.as_bytes(),
        i: 0,
        nodes: Vec::with_capacity(text.len() / 8),
        pending: 0,
        bytes: 0,
        steps: 0,
    };
    if s.document().is_none() {
        return Ok(None);
    }
    s.flush();
    budget.alloc(s.bytes)?;
    budget.steps(s.steps)?;
    Ok(Some(s.nodes))
}

struct Scan<'a> {
    b: &'a [u8],
    i: usize,
    nodes: Vec<Node>,
    /// Bytes built since the last charge, as the general reader counts them.
    pending: usize,
    /// What the general reader's charges add up to.
    bytes: usize,
    steps: u64,
}

/// An open container: its node, how many values it holds so far, and
/// whether it is an object.
struct Open {
    at: usize,
    n: usize,
    object: bool,
}

impl Scan<'_> {
    /// The general reader's `built`: a charge every [`CHUNK`] bytes.
    #[inline(always)]
    fn built(&mut self, n: usize) {
        self.pending += n;
        if self.pending >= CHUNK {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let n = std::mem::take(&mut self.pending);
        self.bytes += n;
        self.steps += (n / VALUE_BYTES) as u64;
    }

    #[inline(always)]
    fn ws(&mut self) {
        while self.b.get(self.i).is_some_and(|&c| c <= b' ') {
            self.i += 1;
        }
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn document(&mut self) -> Option<()> {
        let mut open: Vec<Open> = Vec::new();
        self.ws();
        'value: loop {
            // A value.
            self.ws();
            self.built(VALUE_BYTES);
            let pos = self.i;
            let c = self.peek()?;
            if c == b'{' || c == b'[' {
                if open.len() >= MAX_JSON_DEPTH {
                    return None;
                }
                let object = c == b'{';
                open.push(Open {
                    at: self.nodes.len(),
                    n: 0,
                    object,
                });
                self.nodes
                    .push(Node::container(pos, if object { OBJECT } else { ARRAY }));
                self.i += 1;
                self.ws();
                match self.peek()? {
                    b'}' if object => {}
                    b']' if !object => {}
                    b'"' if object => {
                        self.key()?;
                        continue 'value;
                    }
                    _ if object => return None,
                    _ => continue 'value,
                }
                // An empty container: closed below.
            } else {
                let o = open.last_mut()?;
                let stop = if o.object { b'}' } else { b']' };
                o.n += 1;
                self.scalar(c, stop)?;
            }
            // After a value: separators and closing brackets.
            loop {
                self.ws();
                let top = open.last()?;
                let c = self.peek()?;
                let close = if top.object { b'}' } else { b']' };
                if c == close {
                    self.i += 1;
                    let per = if top.object { ENTRY_BYTES } else { VALUE_BYTES };
                    self.built(CONTAINER_BYTES + top.n * per);
                    let end = super::to_u32(self.nodes.len());
                    if let Some(node) = self.nodes.get_mut(top.at) {
                        node.end = end;
                    }
                    open.pop();
                    match open.last_mut() {
                        Some(o) => o.n += 1,
                        // The document's value: what follows it is not read.
                        None => return Some(()),
                    }
                    continue;
                }
                if c != b',' {
                    return None;
                }
                self.i += 1;
                self.ws();
                if top.object {
                    if self.peek()? != b'"' {
                        return None;
                    }
                    self.key()?;
                } else if matches!(self.peek()?, b',' | b']') {
                    // Repeated or trailing commas: the general reader's.
                    return None;
                }
                continue 'value;
            }
        }
    }

    /// A key in double quotes without escapes, and its colon.
    fn key(&mut self) -> Option<()> {
        let pos = self.i;
        let start = pos + 1;
        let end = plain_end(self.b, start, b'"');
        if self.b.get(end) != Some(&b'"') {
            return None;
        }
        // Charged with the next value, as the general reader does.
        self.pending += end - start;
        self.nodes.push(Node::key(pos, Some(end)));
        self.i = end + 1;
        self.ws();
        if self.peek()? != b':' {
            return None;
        }
        self.i += 1;
        (self.i < self.b.len()).then_some(())
    }

    /// A string, number or literal at the read position (its first byte
    /// `c`), in a container that `stop` closes.
    fn scalar(&mut self, c: u8, stop: u8) -> Option<()> {
        let pos = self.i;
        let at = if stop == b'}' {
            super::Stop::OBJECT
        } else {
            super::Stop::ARRAY
        };
        let mut node = Node::scalar(pos, at);
        match c {
            b'"' => {
                let start = pos + 1;
                let end = plain_end(self.b, start, b'"');
                if self.b.get(end) == Some(&b'"') {
                    if end - start > SHARED_STRING_MAX {
                        self.built(end - start);
                    }
                    node = Node::string(start, end, STRING);
                    self.i = end + 1;
                } else {
                    // Escapes: checked here, decoded when read.
                    let end = escaped_end(self.b, end, b'"')?;
                    self.built(end - start);
                    node = Node::string(start, end, ESCAPED);
                    self.i = end + 1;
                }
            }
            b'-' | b'0'..=b'9' => {
                if let Some(v) = self.number(stop)? {
                    node.keep(&v);
                }
            }
            b't' | b'f' | b'n' => {
                let (word, v): (&[u8], Value) = match c {
                    b't' => (b"true", Value::Bool(true)),
                    b'f' => (b"false", Value::Bool(false)),
                    _ => (b"null", Value::Null),
                };
                if self.b.get(pos..pos + word.len()) != Some(word) {
                    return None;
                }
                self.i += word.len();
                self.value_ends(stop)?;
                node.keep(&v);
            }
            _ => return None,
        }
        self.nodes.push(node);
        Some(())
    }

    /// After a number or literal, blanks, then a comma or `stop` (what ends
    /// it for the general reader; anything else makes it text).
    fn value_ends(&mut self, stop: u8) -> Option<()> {
        self.ws();
        let next = self.peek()?;
        (next == b',' || next == stop).then_some(())
    }

    /// A number as the general reader types it, in a container that `stop`
    /// closes (`Some(None)`: one to read again when built); `None` where
    /// the general reader would read text, or fail.
    fn number(&mut self, stop: u8) -> Option<Option<Value>> {
        let start = self.i;
        let n = number_text(self.b, start);
        self.i = n.end;
        self.value_ends(stop)?;
        if let Some(v) = n.common() {
            return Some(Some(v));
        }
        let text = std::str::from_utf8(self.b.get(start..n.end)?).ok()?;
        // Read again when built; here only whether it is one.
        match number_value(text).ok()? {
            Value::Str(_) => None,
            v @ (Value::Int(_) | Value::Double(_)) => Some(Some(v)),
            _ => Some(None),
        }
    }
}
