//! The body scan as it was before its rewrite, kept for the tests only: the
//! rewritten scan must note the same nodes, charge the same totals and give
//! up on the same documents (and within the same budget) as this one.

use super::super::{
    escaped_end, key_fingerprint, note_in_filter, number_text, number_value, plain_end,
    short_key_fingerprint, short_plain_number, word_at, Node, ARRAY, DISTINCT_OBJECT, ESCAPED,
    FALSE, MAX_JSON_DEPTH, MEMBER_SEARCH_MAX, NULL, OBJECT, SHARED_STRING_MAX, STRING, TRUE,
};
use crate::eval::budget::{CHUNK, CONTAINER_BYTES, ENTRY_BYTES, VALUE_BYTES};
use crate::eval::value::Value;

/// What the nodes of `b` are and what they charge (bytes, steps), the
/// budget leaving `bytes_room` and `steps_room`; `None`: not plain JSON.
pub(in super::super) fn scan(
    b: &[u8],
    bytes_room: usize,
    steps_room: u64,
) -> Option<(Vec<Node>, usize, u64)> {
    let mut s = Scan {
        b,
        nodes: Vec::new(),
        fingerprints: Vec::new(),
        pending: 0,
        bytes: 0,
        steps: 0,
        bytes_room,
        steps_room,
    };
    s.document()?;
    s.flush();
    Some((s.nodes, s.bytes, s.steps))
}

struct Scan<'a> {
    b: &'a [u8],
    nodes: Vec<Node>,
    /// The key fingerprints of the open objects (of those that repeat no
    /// key so far).
    fingerprints: Vec<u64>,
    /// Bytes built since the last charge, as the general reader counts them.
    pending: usize,
    /// What the general reader's charges add up to.
    bytes: usize,
    steps: u64,
    /// What the budget had left when the pass began: past it, the pass
    /// gives up, so that it never holds much more than the budget allows
    /// (the general reader then charges as it goes, and stops where the
    /// budget ends).
    bytes_room: usize,
    steps_room: u64,
}

/// An open container: its node, how many values it holds so far, whether
/// it is an object, and, for an object, the filter of its keys'
/// fingerprints ([`note_in_filter`]), where they start in
/// [`Scan::fingerprints`], and whether it may repeat a key (two of them
/// have the same fingerprint, or it has more keys than
/// [`MEMBER_SEARCH_MAX`], which are not compared).
struct Open {
    at: usize,
    n: usize,
    object: bool,
    bloom: u64,
    keys_at: usize,
    repeats: bool,
}

impl Scan<'_> {
    /// The general reader's `built`: a charge every [`CHUNK`] bytes.
    #[inline(always)]
    fn built(&mut self, n: usize) -> Option<()> {
        self.pending += n;
        if self.pending >= CHUNK {
            self.flush();
            if self.bytes > self.bytes_room || self.steps > self.steps_room {
                return None;
            }
        }
        Some(())
    }

    fn flush(&mut self) {
        let n = std::mem::take(&mut self.pending);
        self.bytes += n;
        self.steps += (n / VALUE_BYTES) as u64;
    }

    /// The document, in one loop with its position in a local: the read
    /// position is what every step touches, so it stays in a register.
    fn document(&mut self) -> Option<()> {
        let b = self.b;
        let mut i = skip_ws(b, 0);
        let mut open: Vec<Open> = Vec::new();
        'value: loop {
            // A value.
            i = skip_ws(b, i);
            self.built(VALUE_BYTES)?;
            let pos = i;
            let c = *b.get(i)?;
            if c == b'{' || c == b'[' {
                if open.len() >= MAX_JSON_DEPTH {
                    return None;
                }
                let object = c == b'{';
                open.push(Open {
                    at: self.nodes.len(),
                    n: 0,
                    object,
                    bloom: 0,
                    keys_at: self.fingerprints.len(),
                    repeats: false,
                });
                self.nodes
                    .push(Node::container(pos, if object { OBJECT } else { ARRAY }));
                i += 1;
                i = skip_ws(b, i);
                match *b.get(i)? {
                    b'}' if object => {}
                    b']' if !object => {}
                    b'"' if object => {
                        i = self.key(i, open.last_mut()?)?;
                        continue 'value;
                    }
                    _ if object => return None,
                    _ => continue 'value,
                }
                // An empty container: closed below.
            } else {
                let o = open.last_mut()?;
                o.n += 1;
                let object = o.object;
                i = self.scalar(i, c, object)?;
            }
            // After a value: separators and closing brackets.
            loop {
                i = skip_ws(b, i);
                let top = open.last_mut()?;
                let c = *b.get(i)?;
                if c == b',' {
                    i += 1;
                    i = skip_ws(b, i);
                    let next = *b.get(i)?;
                    if top.object {
                        if next != b'"' {
                            return None;
                        }
                        i = self.key(i, top)?;
                    } else if next == b',' || next == b']' {
                        // Repeated or trailing commas: the general reader's.
                        return None;
                    }
                    continue 'value;
                }
                if c != if top.object { b'}' } else { b']' } {
                    return None;
                }
                i += 1;
                let per = if top.object { ENTRY_BYTES } else { VALUE_BYTES };
                self.built(CONTAINER_BYTES + top.n * per)?;
                let end = super::super::to_u32(self.nodes.len());
                if let Some(node) = self.nodes.get_mut(top.at) {
                    node.end = end;
                    if top.object && !top.repeats {
                        node.kind = DISTINCT_OBJECT;
                    }
                }
                self.fingerprints.truncate(top.keys_at);
                open.pop();
                match open.last_mut() {
                    Some(o) => o.n += 1,
                    // The document's value: what follows it is not read.
                    None => return Some(()),
                }
            }
        }
    }

    /// A key in double quotes without escapes at `pos` of the object `o`,
    /// and its colon: where the value after it starts (or its blanks).
    #[inline(always)]
    fn key(&mut self, pos: usize, o: &mut Open) -> Option<usize> {
        let b = self.b;
        let start = pos + 1;
        // Most keys are short and plain, their colon at once: the key, its
        // quotes and the colon are one chunk.
        if let Some(chunk) = b.get(pos..).and_then(|s| s.first_chunk::<16>()) {
            // The closing quote's place (the opening one is not a stop).
            let n = (super::super::wide::quote_stops(chunk, b'"') & !1).trailing_zeros() as usize;
            if chunk.get(n) == Some(&b'"') && chunk.get(n + 1) == Some(&b':') {
                self.note_key(
                    o,
                    #[inline(always)]
                    || {
                        let key = chunk.get(1..n)?;
                        Some(match chunk.first_chunk::<8>() {
                            Some(head) if key.len() <= 7 => {
                                short_key_fingerprint(u64::from_le_bytes(*head) >> 8, key.len())
                            }
                            _ => key_fingerprint(key),
                        })
                    },
                )?;
                self.pending += n - 1;
                self.nodes.push(Node::key(pos, Some(pos + n)));
                let i = pos + n + 2;
                return (i < b.len()).then_some(i);
            }
        }
        let end = plain_end(b, start, b'"');
        if b.get(end) != Some(&b'"') {
            return None;
        }
        self.note_key(o, || {
            let len = end - start;
            Some(match word_at(b, start) {
                // From one load.
                Some(w) if len < 8 => short_key_fingerprint(w, len),
                _ => key_fingerprint(b.get(start..end)?),
            })
        })?;
        // Charged with the next value, as the general reader does.
        self.pending += end - start;
        self.nodes.push(Node::key(pos, Some(end)));
        let mut i = end + 1;
        // Most often the colon comes at once.
        if b.get(i) != Some(&b':') {
            i = skip_ws(b, i);
            if b.get(i) != Some(&b':') {
                return None;
            }
        }
        i += 1;
        (i < b.len()).then_some(i)
    }

    /// Notes a key of the object `o` whose fingerprint `fp` gives, and
    /// whether the object may repeat a key.
    #[inline(always)]
    fn note_key(&mut self, o: &mut Open, fp: impl FnOnce() -> Option<u64>) -> Option<()> {
        // Past the keys a member search reads, a search builds the map: no
        // need to know, and no quadratic comparing of fingerprints.
        if o.n >= MEMBER_SEARCH_MAX {
            o.repeats = true;
        }
        if !o.repeats {
            let fp = fp()?;
            if note_in_filter(&mut o.bloom, fp)
                && self
                    .fingerprints
                    .get(o.keys_at..)
                    .is_some_and(|f| f.contains(&fp))
            {
                o.repeats = true;
            }
            self.fingerprints.push(fp);
        }
        Some(())
    }

    /// A string, number or literal at `pos` (its first byte `c`), in an
    /// object or an array: where it ends.
    #[inline(always)]
    fn scalar(&mut self, pos: usize, c: u8, object: bool) -> Option<usize> {
        let b = self.b;
        let (stop, at) = if object {
            (b'}', super::super::Stop::OBJECT)
        } else {
            (b']', super::super::Stop::ARRAY)
        };
        let (node, i) = match c {
            b'"' => {
                let start = pos + 1;
                let end = plain_end(b, start, b'"');
                if b.get(end) == Some(&b'"') {
                    if end - start > SHARED_STRING_MAX {
                        self.built(end - start)?;
                    }
                    (Node::string(start, end, STRING), end + 1)
                } else {
                    // Escapes: checked here, decoded when read.
                    let end = escaped_end(b, end, b'"')?;
                    self.built(end - start)?;
                    (Node::string(start, end, ESCAPED), end + 1)
                }
            }
            b'-' | b'0'..=b'9' => {
                let mut node = Node::scalar(pos, at);
                // Mostly short and plain (an integer, or a decimal Java
                // writes as it is), in the chunk that starts at it.
                let chunk = b.get(pos..).and_then(|s| s.first_chunk::<8>());
                if let Some((chunk, n)) = chunk.and_then(|c| Some((c, short_plain_number(c)?))) {
                    let end = pos + n;
                    value_ends(b, end, stop)?;
                    let digits = chunk.get(..n)?;
                    if digits.contains(&b'.') {
                        node.keep_decimal(end);
                    } else {
                        // At most 7 digits: an Integer.
                        let (neg, digits) = match digits.split_first() {
                            Some((b'-', rest)) => (true, rest),
                            _ => (false, digits),
                        };
                        let m = digits
                            .iter()
                            .fold(0i32, |m, &d| m * 10 + i32::from(d - b'0'));
                        node.keep_int(if neg { -m } else { m });
                    }
                    self.nodes.push(node);
                    return Some(end);
                }
                let n = number_text(b, pos);
                value_ends(b, n.end, stop)?;
                if n.java_text(b, pos) {
                    // Printed as written; its value is read when asked for.
                    node.keep_decimal(n.end);
                    self.nodes.push(node);
                    return Some(n.end);
                }
                let v = match n.common() {
                    Some(v) => v,
                    None => {
                        let text = std::str::from_utf8(b.get(pos..n.end)?).ok()?;
                        number_value(text).ok()?
                    }
                };
                // Kept when an Integer or a Double, else read again when
                // built; text where the general reader reads text.
                match v {
                    Value::Int(i) => node.keep_int(i),
                    Value::Double(d) => node.keep_double(d),
                    Value::Str(_) => return None,
                    _ => {}
                }
                (node, n.end)
            }
            b't' | b'f' | b'n' => {
                let (word, kind): (&[u8; 4], u8) = match c {
                    b't' => (b"true", TRUE),
                    // `false`: its `f` is `c`.
                    b'f' => (b"alse", FALSE),
                    _ => (b"null", NULL),
                };
                let at_word = pos + usize::from(c == b'f');
                if b.get(at_word..).and_then(|s| s.first_chunk::<4>()) != Some(word) {
                    return None;
                }
                let end = at_word + 4;
                value_ends(b, end, stop)?;
                let mut node = Node::scalar(pos, at);
                node.kind = kind;
                (node, end)
            }
            _ => return None,
        };
        self.nodes.push(node);
        Some(i)
    }
}

/// The first byte at or after `i` that is not blank (JSON's blanks and
/// json-smart's: any byte up to the space). The compactor's
/// [`super::skip_blanks`] finds the same byte, but in this pass its two-byte
/// load and word loop cost more: `#foreach` over 1,000 items read with it
/// took 2.4% more instructions (this pass alone 5% more).
#[inline(always)]
fn skip_ws(b: &[u8], mut i: usize) -> usize {
    // Mostly none, or one space.
    match b.get(i) {
        Some(&c) if c > b' ' => return i,
        Some(_) if b.get(i + 1).is_some_and(|&c| c > b' ') => return i + 1,
        _ => {}
    }
    while let Some(&c) = b.get(i) {
        if c > b' ' {
            break;
        }
        i += 1;
    }
    i
}

/// After a number or literal ending at `i`, blanks, then a comma or `stop`
/// (what ends it for the general reader; anything else makes it text).
#[inline(always)]
fn value_ends(b: &[u8], i: usize, stop: u8) -> Option<()> {
    let next = *b.get(skip_ws(b, i))?;
    (next == b',' || next == stop).then_some(())
}
