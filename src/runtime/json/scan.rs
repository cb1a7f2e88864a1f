//! The fast path of reading a body on first use ([`super::parse_lazy`]): one
//! pass, without recursion, over a document in plain JSON, noting the same
//! nodes and charging the same bytes as the general reader does. It gives up
//! (`None`) on anything else (json-smart's permissive syntax, escaped keys,
//! repeated commas, deep nesting, errors), and the general reader then reads
//! the document from its start, so nothing it charged is charged twice: it
//! charges only once it is done.
//!
//! The pass is one function whose state is all in locals (the read
//! position, the charges, the innermost open container), so that it stays
//! in registers: through `&mut self` the charge counter alone was a load and
//! a store at every value. Whether an object repeats a key is decided from
//! its keys' fingerprints, as the general reader's searches need it
//! ([`Keys`]); an object whose keys so far are those of the last object
//! read at its depth, in the same order (the rows of an array of records),
//! is known to repeat none of them with one comparison per key.

#[cfg(test)]
mod reference;

use super::wide::{blank_stops, quote_stops};
use super::{
    escaped_end, key_fingerprint, number_text, number_value, plain_end, short_key_fingerprint,
    word_at, Node, ARRAY, DECIMAL, DISTINCT_OBJECT, DOUBLE, ESCAPED, FALSE, INT, KEY,
    MAX_JSON_DEPTH, MEMBER_SEARCH_MAX, NULL, OBJECT, SCALAR, SHARED_STRING_MAX, STRING, TRUE,
};
use crate::eval::budget::{Budget, Exceeded, CHUNK, CONTAINER_BYTES, ENTRY_BYTES, VALUE_BYTES};
use crate::eval::value::Value;

/// What the nodes of `text` (whose first character that is not blank is
/// `{` or `[`, and which holds no end-of-input mark) are, charged to
/// `budget`; `Ok(None)`: not plain JSON, nothing charged.
pub(super) fn plain(text: &str, budget: &Budget) -> Result<Option<Vec<Node>>, Exceeded> {
    let Some(s) = scan(text.as_bytes(), budget.bytes_left(), budget.steps_left()) else {
        return Ok(None);
    };
    budget.alloc(s.bytes)?;
    budget.steps(s.steps)?;
    Ok(Some(s.nodes))
}

/// What [`scan`] found: the nodes, and what the general reader's charges
/// add up to.
pub(super) struct Scanned {
    pub(super) nodes: Vec<Node>,
    pub(super) bytes: usize,
    pub(super) steps: u64,
}

/// The general reader's charges, as it makes them: the bytes built since
/// the last charge, and a charge every [`CHUNK`] bytes.
struct Charges {
    pending: usize,
    /// Apart, and charged out of line: what is touched at every value is
    /// `pending` alone.
    totals: Totals,
}

/// What the charges so far add up to.
struct Totals {
    bytes: usize,
    steps: u64,
    /// What the budget had left when the pass began: past it, the pass
    /// gives up, so that it never holds much more than the budget allows
    /// (the general reader then charges as it goes, and stops where the
    /// budget ends).
    bytes_room: usize,
    steps_room: u64,
}

impl Charges {
    /// The general reader's `built`.
    #[inline(always)]
    fn built(&mut self, n: usize) -> Option<()> {
        self.pending += n;
        if self.pending >= CHUNK {
            return self.totals.charge(std::mem::take(&mut self.pending));
        }
        Some(())
    }
}

impl Totals {
    /// A charge of `n` bytes: `None` past the room.
    #[cold]
    #[inline(never)]
    fn charge(&mut self, n: usize) -> Option<()> {
        self.add(n);
        (self.bytes <= self.bytes_room && self.steps <= self.steps_room).then_some(())
    }

    fn add(&mut self, n: usize) {
        self.bytes += n;
        self.steps += (n / VALUE_BYTES) as u64;
    }
}

/// An open container.
#[derive(Clone, Copy)]
struct Open {
    /// Its node.
    at: u32,
    /// How many values it holds so far.
    n: u32,
    /// The byte that closes it: `}` for an object, `]` for an array.
    close: u8,
    /// An object that may repeat a key: two of its keys have the same
    /// fingerprint, or it has more keys than [`MEMBER_SEARCH_MAX`] (which
    /// are not compared: past them a member search builds the map).
    repeats: bool,
    /// How many of an object's first keys are known to be those of the
    /// template ([`Keys`]) while all of its keys so far are: 0 once one is
    /// not.
    fast: u8,
    /// For an object, where its keys' fingerprints are in [`Keys::slots`];
    /// for an array, where those of the objects it holds are.
    base: u32,
}

impl Open {
    #[inline(always)]
    fn object(&self) -> bool {
        self.close == b'}'
    }

    /// Where the keys of an object opened in this container go.
    #[inline(always)]
    fn inner_base(&self) -> usize {
        self.base as usize + if self.object() { MEMBER_SEARCH_MAX } else { 0 }
    }
}

/// The key fingerprints of objects, [`MEMBER_SEARCH_MAX`] slots for each
/// depth of objects (an object and those it holds do not share slots;
/// objects one after the other at one depth do). The slots of a depth hold,
/// when an object opens there, the fingerprints of the last object closed
/// there: its template. `shapes` tells how many of them it had when it
/// repeated no key (0 when it did): those are pairwise distinct, so while
/// each key of the new object has the fingerprint of the template's key in
/// its place, the new object repeats no key. At the first that does not,
/// the key and each one after it is compared with the keys before it (and
/// overwrites the template's in its slot).
struct Keys {
    slots: Vec<u64>,
    /// For each slot, the text that led to its key when the key was last
    /// read the long way ([`Sep`]).
    seps: Vec<Sep>,
    shapes: Vec<u8>,
}

/// The text from where a key's separator starts (the end of the value
/// before it, or the object's opening bracket) up to its value (its colon
/// and the blanks after it), when it is at most 16 bytes: `, "sku": ` in the
/// rows of an array of records. The same text in the same place of the next
/// row is that key again, read with one comparison: its separator, the key
/// (whose fingerprint is its slot's, as the key's text is the same), its
/// colon and blanks (more may follow them).
#[derive(Clone, Copy)]
struct Sep {
    /// The text's bytes, little-endian, zero past its end.
    text: [u64; 2],
    /// The bytes of `text` that are compared: all ones for those of the
    /// text, zero past its end.
    mask: [u64; 2],
    /// How many bytes the text has.
    len: u8,
    /// Where the key's opening quote is in the text.
    quote: u8,
    /// How many bytes the key has.
    key_len: u8,
}

impl Sep {
    /// No text: a first byte that no separator starts with (one starts with
    /// a blank, a comma or a quote).
    const NONE: Sep = Sep {
        text: [b'x' as u64, 0],
        mask: [0xff, 0],
        len: 0,
        quote: 0,
        key_len: 0,
    };
}

impl Keys {
    /// An object opens at `base`: its slots exist, and how many of its keys
    /// the template there gives (the container's [`Open::fast`]).
    #[inline(always)]
    fn open(&mut self, base: usize) -> u8 {
        if self.slots.len() < base + MEMBER_SEARCH_MAX {
            self.grow(base);
        }
        self.shapes
            .get(base / MEMBER_SEARCH_MAX)
            .copied()
            .unwrap_or(0)
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, base: usize) {
        self.slots.resize(base + MEMBER_SEARCH_MAX, 0);
        self.seps.resize(base + MEMBER_SEARCH_MAX, Sep::NONE);
        self.shapes.resize(base / MEMBER_SEARCH_MAX + 1, 0);
    }

    /// The `k`th key of the object `o` (that does not repeat a key so far),
    /// whose fingerprint is `fp`: whether the object may repeat a key now.
    #[inline(always)]
    fn note(&mut self, o: &mut Open, fp: u64) {
        let k = o.n as usize;
        if k < usize::from(o.fast) && self.slots.get(o.base as usize + k) == Some(&fp) {
            return;
        }
        self.note_new(o, fp);
    }

    /// [`Keys::note`] of a key that is not the template's: compared with the
    /// object's keys before it. The new [`Open::fast`] and [`Open::repeats`].
    #[inline(never)]
    fn note_new(&mut self, o: &mut Open, fp: u64) {
        let (base, k) = (o.base as usize, o.n as usize);
        o.fast = 0;
        if k >= MEMBER_SEARCH_MAX {
            o.repeats = true;
            return;
        }
        o.repeats = self
            .slots
            .get(base..base + k)
            .is_some_and(|f| f.contains(&fp));
        if let Some(slot) = self.slots.get_mut(base + k) {
            *slot = fp;
        }
    }

    /// The key just noted ([`Keys::note`]) as the `k`th of the object `o`,
    /// its separator from `from` of `b` and its value at `value`, its
    /// opening quote at `quote` and its closing one at `end`: the text its
    /// slot keeps for the next object ([`Sep`]). (Its slot holds its
    /// fingerprint now.)
    #[inline(always)]
    fn keep_sep(
        &mut self,
        o: &Open,
        b: &[u8],
        from: usize,
        quote: usize,
        end: usize,
        value: usize,
    ) {
        let k = o.n as usize;
        if k >= MEMBER_SEARCH_MAX {
            return;
        }
        if let Some(slot) = self.seps.get_mut(o.base as usize + k) {
            *slot = sep_of(b, from, quote, end, value);
        }
    }

    /// When the object `o`'s next key is the template's in its place
    /// ([`Keys::note`] would find it so) and the text at `pos` is what led
    /// to that key in the last object read ([`Sep`]): its node, what it
    /// charges, and where its colon's next byte is. (The general path of
    /// [`key`] does the same for the same text.)
    #[inline(always)]
    fn template_key(&self, o: &Open, b: &[u8], pos: usize) -> Option<(Node, usize, usize)> {
        let k = o.n as usize;
        if k >= usize::from(o.fast) {
            return None;
        }
        let sep = self.seps.get(o.base as usize + k)?;
        let chunk = b.get(pos..)?.first_chunk::<16>()?;
        let (lo, hi) = chunk.split_at(8);
        let lo = u64::from_le_bytes(lo.try_into().ok()?);
        let hi = u64::from_le_bytes(hi.try_into().ok()?);
        let [t0, t1] = sep.text;
        let [m0, m1] = sep.mask;
        if ((lo ^ t0) & m0) | ((hi ^ t1) & m1) != 0 {
            return None;
        }
        let quote = pos + usize::from(sep.quote);
        let len = usize::from(sep.key_len);
        let node = Node {
            pos: quote as u32,
            end: (quote + len + 1) as u32,
            kind: KEY,
        };
        Some((node, len, pos + usize::from(sep.len)))
    }

    /// The object `o` closes: the template of its depth now.
    #[inline(always)]
    fn close(&mut self, o: &Open) {
        if let Some(s) = self.shapes.get_mut(o.base as usize / MEMBER_SEARCH_MAX) {
            // Without a repeat, at most `MEMBER_SEARCH_MAX` keys.
            *s = if o.repeats { 0 } else { o.n as u8 };
        }
    }
}

/// [`Sep`] of the text of `b` from `from` to the value at `value` (a key's
/// from its opening quote at `quote` to its closing one at `end`), or
/// [`Sep::NONE`] when it is longer than 16 bytes.
fn sep_of(b: &[u8], from: usize, quote: usize, end: usize, value: usize) -> Sep {
    let len = value - from;
    let Some(text) = b.get(from..value).filter(|_| len <= 16) else {
        return Sep::NONE;
    };
    let mut bytes = [0u8; 16];
    let mut mask = [0u8; 16];
    if let (Some(t), Some(m)) = (bytes.get_mut(..len), mask.get_mut(..len)) {
        t.copy_from_slice(text);
        m.fill(0xff);
    }
    let word = |a: &[u8; 16], at: usize| word_at(a, at).unwrap_or(0);
    Sep {
        text: [word(&bytes, 0), word(&bytes, 8)],
        mask: [word(&mask, 0), word(&mask, 8)],
        len: len as u8,
        quote: (quote - from) as u8,
        key_len: (end - quote - 1) as u8,
    }
}

/// The nodes of `b` (a document whose first byte that is not blank is `{`
/// or `[`) and their charges, the budget leaving `bytes_room` and
/// `steps_room`; `None`: not plain JSON, or past the budget.
pub(super) fn scan(b: &[u8], bytes_room: usize, steps_room: u64) -> Option<Scanned> {
    // Positions and node numbers are kept in 32 bits ([`super::parse_lazy`]
    // reads longer texts with the general reader).
    if b.len() >= u32::MAX as usize {
        return None;
    }
    let mut ch = Charges {
        pending: 0,
        totals: Totals {
            bytes: 0,
            steps: 0,
            bytes_room,
            steps_room,
        },
    };
    // About a node per 8 bytes, within what the budget leaves (the charges
    // are larger than the nodes).
    let mut nodes: Vec<Node> =
        Vec::with_capacity((b.len() / 8).min(bytes_room / std::mem::size_of::<Node>()));
    let mut keys = Keys {
        slots: Vec::new(),
        seps: Vec::new(),
        shapes: Vec::new(),
    };
    // The open containers but the innermost, which is `cur`; first a
    // container that holds the document.
    let mut outer: Vec<Open> = Vec::new();
    let mut cur = Open {
        at: 0,
        n: 0,
        close: b']',
        repeats: false,
        base: 0,
        fast: 0,
    };
    let mut i = skip_ws(b, 0);
    if !matches!(b.get(i), Some(b'{' | b'[')) {
        return None;
    }
    'value: loop {
        // A value at `i`, after its key if any (whose bytes are charged
        // with it).
        ch.built(VALUE_BYTES)?;
        let c = *b.get(i)?;
        match c {
            b'{' | b'[' => {
                // (The document's container is one of `outer`.)
                if outer.len() >= MAX_JSON_DEPTH {
                    return None;
                }
                let object = c == b'{';
                let base = cur.inner_base();
                outer.push(cur);
                cur = Open {
                    at: nodes.len() as u32,
                    n: 0,
                    close: c + 2,
                    repeats: false,
                    fast: 0,
                    base: base as u32,
                };
                nodes.push(Node {
                    pos: i as u32,
                    end: 0,
                    kind: if object { OBJECT } else { ARRAY },
                });
                let from = i + 1;
                if object {
                    cur.fast = keys.open(base);
                    if let Some((node, len, at)) = keys.template_key(&cur, b, from) {
                        ch.pending += len;
                        nodes.push(node);
                        i = skip_ws(b, at);
                        continue 'value;
                    }
                }
                i = skip_ws(b, from);
                let next = *b.get(i)?;
                if object {
                    if next == b'"' {
                        i = key(b, from, i, &mut cur, &mut keys, &mut nodes, &mut ch)?;
                        continue 'value;
                    }
                    if next != b'}' {
                        return None;
                    }
                } else if next != b']' {
                    continue 'value;
                }
                // An empty container: closed below.
            }
            b'"' => {
                cur.n += 1;
                let start = i + 1;
                let mut end = string_end(b, i);
                match b.get(end) {
                    Some(b'"') => {
                        if end - start > SHARED_STRING_MAX {
                            ch.built(end - start)?;
                        }
                        nodes.push(Node {
                            pos: start as u32,
                            end: end as u32,
                            kind: STRING,
                        });
                    }
                    Some(b'\\') => {
                        // Escapes: checked here, decoded when read.
                        end = escaped_string_end(b, end)?;
                        ch.built(end - start)?;
                        nodes.push(Node {
                            pos: start as u32,
                            end: end as u32,
                            kind: ESCAPED,
                        });
                    }
                    _ => return None,
                }
                i = end + 1;
            }
            b'-' | b'0'..=b'9' => {
                cur.n += 1;
                let (node, end) = number(b, i, cur.object())?;
                nodes.push(node);
                i = end;
            }
            b't' | b'f' | b'n' => {
                cur.n += 1;
                let (word, kind): (&[u8; 4], u8) = match c {
                    b't' => (b"true", TRUE),
                    // `false`: its `f` is `c`.
                    b'f' => (b"alse", FALSE),
                    _ => (b"null", NULL),
                };
                let at = i + usize::from(c == b'f');
                if b.get(at..).and_then(|s| s.first_chunk::<4>()) != Some(word) {
                    return None;
                }
                nodes.push(Node {
                    pos: i as u32,
                    end: 0,
                    kind,
                });
                i = at + 4;
            }
            _ => return None,
        }
        // After a value (what follows a number or literal is what ends it
        // for the general reader: a comma or the closing bracket, else it
        // is text): separators and closing brackets.
        loop {
            // In the rows of an array of records, the separator and key of
            // the last row in this place, compared at once.
            if let Some((node, len, at)) = keys.template_key(&cur, b, i) {
                ch.pending += len;
                nodes.push(node);
                i = skip_ws(b, at);
                continue 'value;
            }
            let from = i;
            i = skip_ws(b, i);
            let c = *b.get(i)?;
            if c == b',' {
                i = skip_ws(b, i + 1);
                if cur.object() {
                    if b.get(i) != Some(&b'"') {
                        return None;
                    }
                    i = key(b, from, i, &mut cur, &mut keys, &mut nodes, &mut ch)?;
                }
                // In an array, repeated or trailing commas (the general
                // reader's) are no value: the match of values gives up on
                // the comma or closing bracket.
                continue 'value;
            }
            if c != cur.close {
                return None;
            }
            i += 1;
            let per = if cur.object() {
                ENTRY_BYTES
            } else {
                VALUE_BYTES
            };
            ch.built(CONTAINER_BYTES + cur.n as usize * per)?;
            if !close(&mut cur, &mut outer, &mut keys, &mut nodes)? {
                // The document's value: what follows it is not read.
                ch.totals.add(ch.pending);
                return Some(Scanned {
                    nodes,
                    bytes: ch.totals.bytes,
                    steps: ch.totals.steps,
                });
            }
        }
    }
}

/// The container `cur` closes (charged): its node's end, and the
/// container around it is `cur` now (with one more value); `Some(false)`
/// when that is the one that holds the document. Out of line: inlined, the
/// places of `outer` and of the slots were read again after each value, for
/// the loop of the closing brackets.
#[inline(never)]
fn close(
    cur: &mut Open,
    outer: &mut Vec<Open>,
    keys: &mut Keys,
    nodes: &mut [Node],
) -> Option<bool> {
    let object = cur.object();
    let end = nodes.len() as u32;
    if let Some(node) = nodes.get_mut(cur.at as usize) {
        node.end = end;
        if object && !cur.repeats {
            node.kind = DISTINCT_OBJECT;
        }
    }
    if object {
        keys.close(cur);
    }
    *cur = outer.pop()?;
    if outer.is_empty() {
        return Some(false);
    }
    cur.n += 1;
    Some(true)
}

/// A key in double quotes without escapes at `pos` of the object `o`,
/// and its colon: where the value after it starts (its first byte that is
/// not blank). Its separator starts at `from` (see [`Sep`]).
#[inline(always)]
fn key(
    b: &[u8],
    from: usize,
    pos: usize,
    o: &mut Open,
    keys: &mut Keys,
    nodes: &mut Vec<Node>,
    ch: &mut Charges,
) -> Option<usize> {
    let start = pos + 1;
    // Most keys are short and plain, their colon at once: the key, its
    // quotes and the colon are one chunk.
    if let Some(chunk) = b.get(pos..).and_then(|s| s.first_chunk::<16>()) {
        // The closing quote's place (the opening one is not a stop).
        let n = (quote_stops(chunk, b'"') & !1).trailing_zeros() as usize;
        if chunk.get(n) == Some(&b'"') && chunk.get(n + 1) == Some(&b':') {
            let len = n - 1;
            // (A key noted has its text kept with its fingerprint, even when
            // it is a repeat.)
            let noted = !o.repeats;
            if noted {
                let fp = match chunk.first_chunk::<8>() {
                    Some(head) if len <= 7 => {
                        short_key_fingerprint(u64::from_le_bytes(*head) >> 8, len)
                    }
                    _ => key_fingerprint(chunk.get(1..n)?),
                };
                keys.note(o, fp);
            }
            let value = skip_ws(b, pos + n + 2);
            if noted {
                keys.keep_sep(o, b, from, pos, pos + n, value);
            }
            // Charged with the next value, as the general reader does.
            ch.pending += len;
            nodes.push(Node {
                pos: pos as u32,
                end: (pos + n) as u32,
                kind: KEY,
            });
            return Some(value);
        }
    }
    let end = plain_end(b, start, b'"');
    if b.get(end) != Some(&b'"') {
        return None;
    }
    let len = end - start;
    let fp = (!o.repeats).then(|| match word_at(b, start) {
        // From one load.
        Some(w) if len < 8 => short_key_fingerprint(w, len),
        _ => key_fingerprint(b.get(start..end).unwrap_or_default()),
    });
    if let Some(fp) = fp {
        keys.note(o, fp);
    }
    ch.pending += len;
    nodes.push(Node {
        pos: pos as u32,
        end: end as u32,
        kind: KEY,
    });
    let mut i = end + 1;
    // Most often the colon comes at once.
    if b.get(i) != Some(&b':') {
        i = skip_ws(b, i);
        if b.get(i) != Some(&b':') {
            return None;
        }
    }
    let value = skip_ws(b, i + 1);
    if fp.is_some() {
        keys.keep_sep(o, b, from, pos, end, value);
    }
    Some(value)
}

/// Where the plain run of the content of the string whose opening quote is
/// at `pos` ends: at its closing quote, a backslash or the end of `b`.
#[inline(always)]
fn string_end(b: &[u8], pos: usize) -> usize {
    match b.get(pos..).and_then(|s| s.first_chunk::<16>()) {
        Some(chunk) => {
            let stops = quote_stops(chunk, b'"') & !1;
            if stops != 0 {
                pos + stops.trailing_zeros() as usize
            } else {
                plain_end(b, pos + 16, b'"')
            }
        }
        None => plain_end(b, pos + 1, b'"'),
    }
}

/// [`escaped_end`] of a string in double quotes whose content has an
/// escape at `at` (a backslash): the byte of its closing quote, or `None`.
/// The stops (quotes and backslashes) of the 32 bytes from `at` are found
/// at once, for all the escapes among them (most strings with escapes end
/// there), not again after each; a `\\u` escape's digits are checked, not
/// read. The escapes of other kinds (`\\x`, a backslash and a character
/// past ASCII, a `\\u` whose first digit is `d`, as a surrogate's is) are
/// rare: [`escaped_end`] reads the rest of the string from there.
#[inline(never)]
fn escaped_string_end(b: &[u8], mut at: usize) -> Option<usize> {
    // The window's first byte, and its stops (none past the text's end).
    let w = at;
    let stops = window_stops(b, at) | window_stops(b, at + 16) << 16;
    loop {
        // At a backslash.
        let next = match *b.get(at + 1)? {
            b'u' => {
                let four = u32::from_le_bytes(*b.get(at + 2..)?.first_chunk::<4>()?);
                if four as u8 | 0x20 == b'd' {
                    return escaped_end(b, at, b'"');
                }
                // Hex digits, checked (the value is read when decoded).
                super::hex_letters(four)?;
                at + 6
            }
            b'x' | 0x80.. => return escaped_end(b, at, b'"'),
            _ => at + 2,
        };
        let rest = stops.checked_shr((next - w) as u32).unwrap_or(0);
        if rest == 0 {
            // Past the window (or the text's end): one stop at a time.
            return escaped_end(b, plain_end(b, next, b'"'), b'"');
        }
        at = next + rest.trailing_zeros() as usize;
        match *b.get(at)? {
            b'"' => return Some(at),
            b'\\' => {}
            _ => return None,
        }
    }
}

/// The stops of a string in double quotes in the 16 bytes of `b` from
/// `at` ([`quote_stops`]); 0 when fewer are left.
#[inline(always)]
fn window_stops(b: &[u8], at: usize) -> u32 {
    b.get(at..)
        .and_then(|s| s.first_chunk::<16>())
        .map_or(0, |c| quote_stops(c, b'"'))
}

/// The number at `pos` in an object (`object`) or an array: its node, and
/// where it ends; `None` when the general reader reads text there.
#[inline(always)]
fn number(b: &[u8], pos: usize, object: bool) -> Option<(Node, usize)> {
    let scalar = SCALAR + if object { 2 } else { 1 };
    let node = |kind, end| Node {
        pos: pos as u32,
        end,
        kind,
    };
    // Mostly short and plain (an integer, or a decimal Java writes as it
    // is), in the chunk that starts at it.
    if let Some((n, int)) = b
        .get(pos..)
        .and_then(|s| s.first_chunk::<8>())
        .and_then(short_number)
    {
        let end = pos + n;
        return Some(match int {
            Some(m) => (node(INT, m as u32), end),
            None => (node(DECIMAL, end as u32), end),
        });
    }
    let n = number_text(b, pos);
    if n.java_text(b, pos) {
        // Printed as written; its value is read when asked for.
        return Some((node(DECIMAL, n.end as u32), n.end));
    }
    let v = match n.common() {
        Some(v) => v,
        None => {
            let text = std::str::from_utf8(b.get(pos..n.end)?).ok()?;
            number_value(text).ok()?
        }
    };
    // Kept when an Integer or a Double, else read again when built; text
    // where the general reader reads text.
    let node = match v {
        Value::Int(i) => node(INT, i as u32),
        Value::Double(d) => {
            let bits = d.to_bits();
            Node {
                pos: (bits >> 32) as u32,
                end: bits as u32,
                kind: DOUBLE,
            }
        }
        Value::Str(_) => return None,
        _ => node(scalar, 0),
    };
    Some((node, n.end))
}

/// [`super::short_plain`] of `chunk`, with the value of the number when it
/// is an integer (at most 7 digits: an Integer), `None` for a decimal.
#[inline(always)]
fn short_number(chunk: &[u8; 8]) -> Option<(usize, Option<i32>)> {
    let (end, int) = super::short_plain(chunk)?;
    Some((
        end,
        int.map(|(neg, digits)| {
            let m = digits
                .iter()
                .fold(0i32, |m, &d| m * 10 + i32::from(d - b'0'));
            if neg {
                -m
            } else {
                m
            }
        }),
    ))
}

/// The first byte at or after `i` that is not blank (JSON's blanks and
/// json-smart's: any byte up to the space), or the end of `b`. Mostly none
/// or one; past two, sixteen at a time.
#[inline(always)]
fn skip_ws(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        Some(&c) if c > b' ' => return i,
        Some(_) if b.get(i + 1).is_some_and(|&c| c > b' ') => return i + 1,
        _ => {}
    }
    skip_blank_run(b, i + 2)
}

/// [`skip_ws`] of a longer run of blanks (an indented document's).
#[inline(never)]
fn skip_blank_run(b: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = b.get(i..).and_then(|s| s.first_chunk::<16>()) {
        let stops = blank_stops(chunk);
        if stops != 0 {
            return i + stops.trailing_zeros() as usize;
        }
        i += 16;
    }
    while b.get(i).is_some_and(|&c| c <= b' ') {
        i += 1;
    }
    i.min(b.len())
}

#[cfg(test)]
pub(super) fn reference(b: &[u8], bytes_room: usize, steps_room: u64) -> Option<Scanned> {
    reference::scan(b, bytes_room, steps_room).map(|(nodes, bytes, steps)| Scanned {
        nodes,
        bytes,
        steps,
    })
}

#[cfg(test)]
mod tests {
    use super::{super::escaped_end, super::short_plain_number, escaped_string_end, short_number};
    use proptest::prelude::*;

    /// Text made of a string's pieces: plain runs of several lengths,
    /// escapes of each kind (good and bad), quotes, and bytes past ASCII.
    fn arb_escaped() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "[a-z ]{0,20}",
            Just("\\\"".to_string()),
            Just("\\\\".to_string()),
            Just("\\n".to_string()),
            Just("\\/".to_string()),
            Just("\\u00e9".to_string()),
            Just("\\u00E9".to_string()),
            Just("\\uD83D\\uDE00".to_string()),
            Just("\\ud83d\\ude00".to_string()),
            Just("\\uDE00".to_string()),
            Just("\\uD800x".to_string()),
            Just("\\ud7ff".to_string()),
            Just("\\u12g4".to_string()),
            Just("\\u12".to_string()),
            Just("\\x41".to_string()),
            Just("\\xZ1".to_string()),
            Just("\\\u{e9}".to_string()),
            Just("\\\u{1F600}".to_string()),
            Just("\"".to_string()),
            Just("\u{e9}".to_string()),
            Just("\u{1}".to_string()),
        ];
        proptest::collection::vec(piece, 0..12).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        /// From each backslash of the text (cut short by up to 15 bytes),
        /// the same end as [`escaped_end`]'s, or none.
        #[test]
        fn escaped_strings_end_where_they_did(text in arb_escaped(), cut in 0usize..16) {
            let b = text.as_bytes();
            let b = b.get(..b.len().saturating_sub(cut)).unwrap_or(b);
            for (at, _) in b.iter().enumerate().filter(|&(_, &c)| c == b'\\') {
                prop_assert_eq!(
                    escaped_string_end(b, at),
                    escaped_end(b, at, b'"'),
                    "{:?} from {}",
                    text,
                    at
                );
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20000))]

        /// The short numbers are [`short_plain_number`]'s, and an integer's
        /// value is what its text says.
        #[test]
        fn short_numbers_are_the_plain_ones(text in prop_oneof![
            "[-0-9.eE,\\]} x]{8}",
            "-?[0-9]{1,7}(\\.[0-9]{1,6})?[,\\]}eE. ][0-9,x]{7}",
        ]) {
            let Some(chunk) = text.as_bytes().first_chunk::<8>() else {
                return Ok(());
            };
            let got = short_number(chunk);
            prop_assert_eq!(got.map(|(n, _)| n), short_plain_number(chunk), "{}", text);
            if let Some((n, int)) = got {
                let t = text.get(..n).unwrap_or_default();
                match int {
                    Some(v) => prop_assert_eq!(t.parse::<i32>().ok(), Some(v), "{}", text),
                    None => prop_assert!(t.contains('.'), "{}", text),
                }
            }
        }
    }
}
