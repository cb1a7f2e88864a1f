//! YAML documents: libyaml's events (through [`super::libyaml`], read as
//! PyYAML reads them) build the tree (short-form tags such as `!Sub` kept,
//! anchors and aliases resolved); each template scalar is then mapped onto the
//! file by walking its source text from its start alongside the parsed value,
//! by the YAML rules for its style.

use std::collections::HashMap;
use std::rc::Rc;

use super::libyaml::{Event, Reader, Style};
use super::pieces::Pieces;
use super::{Doc, ExtractError, Key, Node, Scalar, Src, MAX_DEPTH};

/// How many events a document may have.
const MAX_EVENTS: usize = 4_000_000;

enum Frame {
    Seq {
        items: Vec<Node>,
        anchor: Option<String>,
        tag: Option<String>,
    },
    Map {
        entries: Vec<(Key, Node)>,
        key: Option<Key>,
        anchor: Option<String>,
        tag: Option<String>,
    },
}

struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<String, Node>,
    root: Option<Node>,
}

impl Builder {
    /// A finished node goes to its parent (or becomes the root).
    fn add(&mut self, node: Node, anchor: Option<String>) {
        if let Some(a) = anchor {
            self.anchors.insert(a, Rc::clone(&node));
        }
        match self.stack.last_mut() {
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => {
                    *key = Some(match node.untag() {
                        Doc::Str(s) => Key {
                            name: s.value.clone(),
                            at: match s.src {
                                Src::Yaml { at, .. } | Src::Json { start: at } => at,
                            },
                        },
                        _ => Key {
                            name: String::new(),
                            at: 0,
                        },
                    })
                }
            },
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
        }
    }
}

/// `!Sub` → `Sub`: local tags only (`!!str` and the like are not functions).
fn tag_name(tag: Option<String>) -> Option<String> {
    let t = tag?;
    let name = t.strip_prefix('!')?;
    (!name.starts_with('!') && !name.is_empty()).then(|| name.to_string())
}

fn tagged(node: Doc, tag: Option<String>) -> Node {
    match tag {
        Some(t) => Rc::new(Doc::Tagged(t, Rc::new(node))),
        None => Rc::new(node),
    }
}

/// Where a scalar's own token starts, given where its node starts (at its
/// first property when it has a tag or an anchor): past `!tag`, `&anchor`,
/// blanks, line breaks and comments. The anchor is skipped by its name, as
/// libyaml read it: its name ends at the first character that is not a
/// letter, digit, `_` or `-` (`&9:-x` is the anchor `9` on the scalar `:-x`).
fn token_start(body: &str, mut at: usize, anchor: Option<&str>, has_tag: bool) -> usize {
    if anchor.is_none() && !has_tag {
        return at;
    }
    let b = body.as_bytes();
    let mut rounds = 0;
    while rounds < 8 {
        rounds += 1;
        match b.get(at) {
            Some(b'!') if b.get(at + 1) == Some(&b'<') => {
                while at < b.len() && b.get(at) != Some(&b'>') {
                    at += 1;
                }
                at += 1;
            }
            Some(b'&')
                if anchor.is_some_and(|n| body.get(at + 1..).is_some_and(|r| r.starts_with(n))) =>
            {
                at += 1 + anchor.map_or(0, str::len);
            }
            Some(b'!' | b'&') => {
                while at < b.len() && !matches!(b.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                    at += 1;
                }
            }
            _ => break,
        }
        loop {
            match b.get(at) {
                Some(b' ' | b'\t' | b'\n' | b'\r') => at += 1,
                Some(b'#') => {
                    while at < b.len() && !matches!(b.get(at), Some(b'\n' | b'\r')) {
                        at += 1;
                    }
                }
                _ => break,
            }
        }
    }
    at.min(body.len())
}

fn too_deep(text: &str, offset: usize) -> ExtractError {
    ExtractError::new(
        text,
        offset,
        format!("YAML: nested deeper than {MAX_DEPTH} levels"),
    )
}

/// Parses the first document of `text[base..]`; offsets are in `text`.
pub(super) fn parse(text: &str, base: usize) -> Result<Node, ExtractError> {
    let body = text.get(base..).unwrap_or("");
    let mut b = Builder {
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
    };
    let mut reader = Reader::new(body.as_bytes());
    let at = |off: usize| base + off.min(body.len());
    let mut events = 0;
    loop {
        let ev = reader
            .next_event()
            .map_err(|e| ExtractError::new(text, at(e.offset), format!("YAML: {}", e.message)))?;
        events += 1;
        if events > MAX_EVENTS {
            return Err(ExtractError::new(
                text,
                base,
                format!("YAML: more than {MAX_EVENTS} nodes"),
            ));
        }
        match ev {
            Event::StreamStart | Event::DocumentStart => {}
            Event::StreamEnd | Event::DocumentEnd => break,
            Event::Scalar {
                value,
                style,
                anchor,
                tag,
                start,
                ..
            } => {
                let tok = token_start(body, start, anchor.as_deref(), tag.is_some());
                let node = tagged(
                    Doc::Str(Scalar {
                        value,
                        src: Src::Yaml { at: at(tok), style },
                    }),
                    tag_name(tag),
                );
                b.add(node, anchor);
            }
            Event::Alias { anchor, .. } => {
                let node = b
                    .anchors
                    .get(&anchor)
                    .cloned()
                    .unwrap_or_else(|| Rc::new(Doc::Other));
                b.add(node, None);
            }
            Event::SequenceStart { anchor, tag, start } => {
                if b.stack.len() >= MAX_DEPTH {
                    return Err(too_deep(text, at(start)));
                }
                b.stack.push(Frame::Seq {
                    items: Vec::new(),
                    anchor,
                    tag: tag_name(tag),
                });
            }
            Event::MappingStart { anchor, tag, start } => {
                if b.stack.len() >= MAX_DEPTH {
                    return Err(too_deep(text, at(start)));
                }
                b.stack.push(Frame::Map {
                    entries: Vec::new(),
                    key: None,
                    anchor,
                    tag: tag_name(tag),
                });
            }
            Event::SequenceEnd | Event::MappingEnd => match b.stack.pop() {
                Some(Frame::Seq { items, anchor, tag }) => {
                    b.add(tagged(Doc::Seq(items), tag), anchor)
                }
                Some(Frame::Map {
                    entries,
                    anchor,
                    tag,
                    ..
                }) => b.add(tagged(Doc::Map(entries), tag), anchor),
                None => {}
            },
        }
        if b.root.is_some() {
            break;
        }
    }
    Ok(b.root.unwrap_or_else(|| Rc::new(Doc::Other)))
}

// ---------------------------------------------------------------------------
// Mapping a scalar onto the file

/// Where each byte of `value` (a scalar of `style` whose token starts at byte
/// `at`: its quote, its first character, or a block scalar's `|` / `>`) came
/// from; `None` when the source text does not read as that value.
pub(super) fn locate(text: &str, at: usize, value: &str, style: Style) -> Option<Pieces> {
    if value.is_empty() {
        return Some(Pieces::new());
    }
    let walk = |f: usize| Walk {
        text,
        value,
        f,
        t: 0,
        pieces: Pieces::new(),
    };
    let done = |w: Walk| (w.t == value.len() && w.pieces.len() == value.len()).then_some(w.pieces);
    match style {
        Style::Literal | Style::Folded => {
            if value.bytes().all(|b| b == b'\n') {
                // Line breaks only, no content line: all at the start.
                let mut p = Pieces::new();
                p.push(value.len(), at, 0);
                return Some(p);
            }
            for f in block_content_starts(text, at)? {
                let mut w = walk(f);
                if w.block().is_some() {
                    if let Some(p) = done(w) {
                        return Some(p);
                    }
                }
            }
            None
        }
        Style::Plain => {
            let mut w = walk(at);
            w.flow(Flow::Plain)?;
            done(w)
        }
        Style::SingleQuoted => {
            let mut w = walk(at);
            w.expect_file("'")?;
            w.flow(Flow::Single)?;
            done(w)
        }
        Style::DoubleQuoted => {
            let mut w = walk(at);
            w.expect_file("\"")?;
            w.flow(Flow::Double)?;
            done(w)
        }
    }
}

/// Where a block scalar's first content line may start (at its indentation),
/// from its `|` / `>` indicator at `at`: the first line after the header that is
/// not blank, at its own indentation; with an explicit indentation indicator
/// (relative to an indentation the text alone does not tell), at each smaller
/// one too, widest first.
fn block_content_starts(text: &str, at: usize) -> Option<Vec<usize>> {
    let rest = text.get(at..)?;
    let header_len = rest.find(['\n', '\r'])?;
    let header = rest.get(..header_len)?;
    let explicit = header
        .split([' ', '\t', '#'])
        .next()
        .is_some_and(|h| h.bytes().any(|b| b.is_ascii_digit()));
    let mut f = at + header_len;
    f += break_len(text, f)?;
    // Blank lines up to the first one with content: (start, spaces).
    let mut blanks = Vec::new();
    loop {
        let line = text.get(f..)?;
        let spaces = line.bytes().take_while(|b| *b == b' ').count();
        match break_len(text, f + spaces) {
            Some(l) => {
                blanks.push((f, spaces));
                f += spaces + l;
            }
            None => {
                if f + spaces >= text.len() {
                    return None;
                }
                if !explicit {
                    return Some(vec![f + spaces]);
                }
                // A blank line with more spaces than the indentation is content.
                let widest = blanks.iter().map(|(_, n)| *n).fold(spaces, usize::max);
                return Some(
                    (0..=widest)
                        .rev()
                        .map(|i| {
                            blanks
                                .iter()
                                .find(|(_, n)| *n > i)
                                .map_or(f + i, |(s, _)| s + i)
                        })
                        .collect(),
                );
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flow {
    Plain,
    Single,
    Double,
}

struct Walk<'a> {
    text: &'a str,
    value: &'a str,
    /// Byte offset in the file.
    f: usize,
    /// Byte offset in the value.
    t: usize,
    pieces: Pieces,
}

/// The length of the line break at `f` (`\r\n`, `\n` or `\r`), if any.
fn break_len(text: &str, f: usize) -> Option<usize> {
    match text.as_bytes().get(f..) {
        Some([b'\r', b'\n', ..]) => Some(2),
        Some([b'\n' | b'\r', ..]) => Some(1),
        _ => None,
    }
}

/// Skips spaces and tabs from `f`.
fn skip_blanks(text: &str, mut f: usize) -> usize {
    while matches!(text.as_bytes().get(f), Some(b' ' | b'\t')) {
        f += 1;
    }
    f
}

impl Walk<'_> {
    fn rest(&self) -> &str {
        self.value.get(self.t..).unwrap_or("")
    }

    /// The file has `s` at `f` (not part of the value): step over it.
    fn expect_file(&mut self, s: &str) -> Option<()> {
        self.text.get(self.f..)?.starts_with(s).then_some(())?;
        self.f += s.len();
        Some(())
    }

    /// The value has `s` next, from `fl` file bytes at `f`.
    fn emit(&mut self, s: &str, f: usize, fl: usize) -> Option<()> {
        self.rest().starts_with(s).then_some(())?;
        self.pieces.push(s.len(), f, fl);
        self.t += s.len();
        Some(())
    }

    /// Line folding in a flow scalar at a line end (`f` at the blanks before
    /// a break): one break alone reads as a space, each further (empty) line
    /// as a line feed; the next line's leading blanks are dropped.
    fn fold(&mut self) -> Option<bool> {
        let b0 = skip_blanks(self.text, self.f);
        let Some(l0) = break_len(self.text, b0) else {
            return Some(false);
        };
        let mut f = b0 + l0;
        let mut empties = Vec::new();
        loop {
            let g = skip_blanks(self.text, f);
            match break_len(self.text, g) {
                Some(l) => {
                    empties.push((g, l));
                    f = g + l;
                }
                None => {
                    f = g;
                    break;
                }
            }
        }
        if empties.is_empty() {
            self.emit(" ", b0, l0)?;
        }
        for (g, l) in empties {
            self.emit("\n", g, l)?;
        }
        self.f = f;
        Some(true)
    }

    fn flow(&mut self, kind: Flow) -> Option<()> {
        while self.t < self.value.len() {
            if self.fold()? {
                continue;
            }
            let rest = self.text.get(self.f..)?;
            let c = rest.chars().next()?;
            if c == ' ' || c == '\t' {
                // Blanks inside a line are content (`fold` saw no line break after them).
                let n = skip_blanks(self.text, self.f) - self.f;
                let run = rest.get(..n)?;
                let f = self.f;
                self.emit(run, f, n)?;
                self.f += n;
                continue;
            }
            if kind == Flow::Double && c == '\\' {
                let next = rest.get(1..)?.chars().next()?;
                let hex = |n: usize| -> Option<char> {
                    let h = rest.get(2..2 + n)?;
                    if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                        return None;
                    }
                    char::from_u32(u32::from_str_radix(h, 16).ok()?)
                };
                let (d, used) = match next {
                    '\n' | '\r' => {
                        // An escaped line break: nothing, then the empty lines as line feeds.
                        self.f += 1;
                        let l = break_len(self.text, self.f)?;
                        self.f += l;
                        loop {
                            let g = skip_blanks(self.text, self.f);
                            match break_len(self.text, g) {
                                Some(l) => {
                                    self.emit("\n", g, l)?;
                                    self.f = g + l;
                                }
                                None => {
                                    self.f = g;
                                    break;
                                }
                            }
                        }
                        continue;
                    }
                    '0' => ('\0', 2),
                    'a' => ('\u{7}', 2),
                    'b' => ('\u{8}', 2),
                    't' | '\t' => ('\t', 2),
                    'n' => ('\n', 2),
                    'v' => ('\u{b}', 2),
                    'f' => ('\u{c}', 2),
                    'r' => ('\r', 2),
                    'e' => ('\u{1b}', 2),
                    ' ' => (' ', 2),
                    '"' => ('"', 2),
                    '/' => ('/', 2),
                    '\\' => ('\\', 2),
                    'N' => ('\u{85}', 2),
                    '_' => ('\u{a0}', 2),
                    'L' => ('\u{2028}', 2),
                    'P' => ('\u{2029}', 2),
                    'x' => (hex(2)?, 4),
                    'u' => (hex(4)?, 6),
                    'U' => (hex(8)?, 10),
                    _ => return None,
                };
                let mut buf = [0u8; 4];
                let f = self.f;
                self.emit(d.encode_utf8(&mut buf), f, used)?;
                self.f += used;
            } else if kind == Flow::Single && rest.starts_with("''") {
                let f = self.f;
                self.emit("'", f, 2)?;
                self.f += 2;
            } else {
                let mut buf = [0u8; 4];
                let f = self.f;
                self.emit(c.encode_utf8(&mut buf), f, c.len_utf8())?;
                self.f += c.len_utf8();
            }
        }
        Some(())
    }

    /// A literal (`|`) or folded (`>`) block scalar, from its first content
    /// line at the block's indentation.
    fn block(&mut self) -> Option<()> {
        let text = self.text;
        let at = self.f;
        let line_start = text.get(..at)?.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let prefix = text.get(line_start..at)?;
        if !prefix.bytes().all(|b| b == b' ') {
            return None;
        }
        let indent = prefix.len();
        // Leading empty lines (before the first content line) are line feeds.
        let lead = self.value.bytes().take_while(|b| *b == b'\n').count();
        let mut breaks = Vec::new();
        let mut end = line_start;
        for _ in 0..lead {
            let (b, l) = match text.as_bytes().get(..end)? {
                [.., b'\r', b'\n'] => (end - 2, 2),
                [.., b'\n' | b'\r'] => (end - 1, 1),
                _ => return None,
            };
            let start = text.get(..b)?.rfind(['\n', '\r']).map_or(0, |i| i + 1);
            if !text.get(start..b)?.bytes().all(|c| c == b' ') {
                return None;
            }
            breaks.push((b, l));
            end = start;
        }
        for (b, l) in breaks.into_iter().rev() {
            self.emit("\n", b, l)?;
        }
        loop {
            // A content line, after the indentation.
            let rest = text.get(self.f..)?;
            let eol = rest.find(['\n', '\r']).unwrap_or(rest.len());
            let content = rest.get(..eol)?;
            let f = self.f;
            self.emit(content, f, content.len())?;
            self.f += eol;
            if self.t >= self.value.len() {
                return Some(());
            }
            let Some(l0) = break_len(text, self.f) else {
                // The value goes on past the end of the file: line feeds added there.
                while self.rest().starts_with('\n') {
                    let f = self.f;
                    self.emit("\n", f, 0)?;
                }
                return Some(());
            };
            let b0 = self.f;
            self.f += l0;
            // Empty lines: spaces up to the indentation only.
            let mut empties = Vec::new();
            loop {
                let mut g = self.f;
                while g - self.f < indent && text.as_bytes().get(g) == Some(&b' ') {
                    g += 1;
                }
                match break_len(text, g) {
                    Some(l) => {
                        empties.push((g, l));
                        self.f = g + l;
                    }
                    None => break,
                }
            }
            let k = empties.len();
            let m = self.rest().bytes().take_while(|b| *b == b'\n').count();
            let goes_on = self.t + m < self.value.len();
            if m == 0 {
                // Folded: a single line break between two lines reads as a space.
                if k != 0 {
                    return None;
                }
                self.emit(" ", b0, l0)?;
            } else if m == k && goes_on {
                // Folded: the first break dropped, each empty line a line feed.
                for (g, l) in empties {
                    self.emit("\n", g, l)?;
                }
            } else if m <= k + 1 {
                self.emit("\n", b0, l0)?;
                for (g, l) in empties.into_iter().take(m - 1) {
                    self.emit("\n", g, l)?;
                }
            } else {
                return None;
            }
            if self.t >= self.value.len() {
                return Some(());
            }
            let line = text.get(self.f..)?;
            if line.len() < indent || !line.as_bytes().get(..indent)?.iter().all(|b| *b == b' ') {
                return None;
            }
            self.f += indent;
        }
    }
}
