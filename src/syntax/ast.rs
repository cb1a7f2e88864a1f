//! The syntax tree of a Velocity 1.7 template. Every node carries its [`Span`].
//!
//! Whitespace that Velocity 1.7 swallows around directives is already removed
//! by the parser: a [`Node::Text`] holds exactly the bytes the engine writes.
//!
//! Names are shared strings (`Arc<str>`): the parser makes one per distinct
//! name, and the compiled program shares them instead of copying. A tree
//! parsed only to be compiled holds numbers instead (see `TreeName`). Texts
//! are ranges of a shared string ([`Text`]), most of them of the template's
//! source.

use std::sync::Arc;

use super::intern::Interner;
use super::span::Span;
use num_bigint::BigInt;

/// How a syntax tree holds its names. The trees the linter and the public
/// API read hold shared strings (`Arc<str>`, the default of every type
/// here); a template parsed only to be compiled holds numbers into the
/// parse's list of names ([`NameId`]), which the parser hands out without
/// changing a shared count (one per name written, twice over: made, then
/// dropped by the compilation).
pub(crate) trait TreeName: Clone + std::fmt::Debug + PartialEq {
    /// Whether the names are numbers ([`TreeName::id`] gives one).
    const IDS: bool;
    /// The name `name`, from the parse's table of names.
    fn make(names: &mut Interner, name: &str) -> Self;
    /// [`TreeName::make`] for the bytes of a name, a slice of the text
    /// parsed on its characters' boundaries.
    fn make_bytes(names: &mut Interner, name: &[u8]) -> Self;
    /// Its shared string, given the parse's list of names.
    fn resolve<'t>(&'t self, names: &'t [Arc<str>]) -> Option<&'t Arc<str>>;
    /// Its number in the parse's list of names, if it is one.
    fn id(&self) -> Option<u32>;
    /// Its shared string, given the parse's list of names (the empty name
    /// for a number the list does not have, which a parse never makes).
    fn into_shared(self, names: &[Arc<str>]) -> Arc<str> {
        match self.resolve(names) {
            Some(s) => s.clone(),
            None => Arc::from(""),
        }
    }

    /// Its text, given the parse's list of names.
    fn text<'t>(&'t self, names: &'t [Arc<str>]) -> &'t str {
        self.resolve(names).map_or("", |s| s)
    }
}

impl TreeName for Arc<str> {
    const IDS: bool = false;

    #[inline(always)]
    fn make(names: &mut Interner, name: &str) -> Self {
        names.intern(name)
    }

    #[inline(always)]
    fn make_bytes(names: &mut Interner, name: &[u8]) -> Self {
        names.intern_bytes(name)
    }

    #[inline(always)]
    fn resolve<'t>(&'t self, _: &'t [Arc<str>]) -> Option<&'t Arc<str>> {
        Some(self)
    }

    #[inline(always)]
    fn id(&self) -> Option<u32> {
        None
    }

    /// Moved, not cloned.
    #[inline(always)]
    fn into_shared(self, _: &[Arc<str>]) -> Arc<str> {
        self
    }
}

/// A name as its number in the parse's list of names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NameId(u32);

impl TreeName for NameId {
    const IDS: bool = true;

    #[inline(always)]
    fn make(names: &mut Interner, name: &str) -> Self {
        NameId(names.id(name))
    }

    #[inline(always)]
    fn make_bytes(names: &mut Interner, name: &[u8]) -> Self {
        NameId(names.id_bytes(name))
    }

    #[inline(always)]
    fn resolve<'t>(&'t self, names: &'t [Arc<str>]) -> Option<&'t Arc<str>> {
        names.get(self.0 as usize)
    }

    #[inline(always)]
    fn id(&self) -> Option<u32> {
        Some(self.0)
    }
}

/// A sequence of nodes rendered one after the other.
pub type Block<N = Arc<str>> = Vec<Node<N>>;

/// The chain of a reference: most have one part or none, kept inline.
pub type Parts<N = Arc<str>> = smallvec::SmallVec<[RefPart<N>; 1]>;

#[derive(Debug, Clone, PartialEq)]
pub enum Node<N = Arc<str>> {
    /// Literal output (escapes such as `\#` already resolved where 1.7 resolves them).
    Text(Span, Text),
    /// `$a`, `$!a`, `${a.b()}` … written into the output.
    Ref(Box<Reference<N>>),
    /// `#set($target = value)`.
    Set {
        span: Span,
        target: Box<Reference<N>>,
        value: Expr<N>,
    },
    /// `#if(c) … #elseif(c) … #else … #end`.
    If {
        span: Span,
        branches: Vec<(Expr<N>, Block<N>)>,
        otherwise: Option<Block<N>>,
    },
    /// `#foreach($var in iterable) … #end`.
    Foreach {
        span: Span,
        var: N,
        var_span: Span,
        /// Boxed: it would make every node bigger.
        iterable: Box<Expr<N>>,
        body: Block<N>,
    },
    /// `#break`, or `#break($scope)` naming the loop to leave (`$foreach.parent`).
    Break(Span, Option<Box<Expr<N>>>),
    /// `#stop`.
    Stop(Span),
    /// `#macro(name $p1 $p2) … #end`. `span` covers the whole definition, body included.
    Macro {
        span: Span,
        name: N,
        params: Box<[N]>,
        body: Block<N>,
    },
    /// `#name(args…)` or `#name` for a name that is no built-in directive.
    /// `span` covers the call as written (the text printed when nothing is called).
    MacroCall {
        span: Span,
        name: N,
        args: Vec<Expr<N>>,
    },
    /// `#define($name) … #end`.
    Define { span: Span, name: N, body: Block<N> },
    /// `#evaluate(expr)`. `span` covers the directive as written.
    Evaluate { span: Span, arg: Expr<N> },
    /// `#include(…)` / `#parse(…)`: parsed, refused at render time.
    Include {
        span: Span,
        kind: IncludeKind,
        args: Vec<Expr<N>>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncludeKind {
    Include,
    Parse,
}

/// The bytes of a text node: a range of a shared string (the template's
/// source where the text is as written, so that text nodes allocate nothing).
///
/// The range is always one of `buf` (within it, on character boundaries):
/// every constructor and change checks it, so that reading the text, which
/// the walker does for every text node it prints, needs no check.
#[derive(Clone)]
pub struct Text {
    buf: Arc<str>,
    start: u32,
    end: u32,
}

impl Text {
    /// The text `buf[start..end]` (empty when that is no range of `buf`).
    pub fn new(buf: &Arc<str>, start: usize, end: usize) -> Text {
        Text::checked(buf.clone(), start, end)
    }

    /// The text `s`, a slice of `buf` (as [`Text::new`] with its offsets).
    /// A non-empty `&str` lying within `buf` starts and ends on characters of
    /// `buf` (it is UTF-8 itself: it cannot start with a character's
    /// continuation or stop inside one), so only its place is checked.
    #[inline]
    pub(crate) fn slice_of(buf: &Arc<str>, s: &str) -> Text {
        let start = (s.as_ptr() as usize).wrapping_sub(buf.as_ptr() as usize);
        let end = start.wrapping_add(s.len());
        match (u32::try_from(start), u32::try_from(end)) {
            (Ok(a), Ok(b)) if a < b && end <= buf.len() => Text {
                buf: buf.clone(),
                start: a,
                end: b,
            },
            _ => Text::new(buf, start, end),
        }
    }

    /// `buf[start..end]`, or the empty text when that is no range of `buf`
    /// or does not fit the offsets.
    fn checked(buf: Arc<str>, start: usize, end: usize) -> Text {
        let range = match (u32::try_from(start), u32::try_from(end)) {
            (Ok(s), Ok(e)) if buf.get(start..end).is_some() => (s, e),
            _ => (0, 0),
        };
        Text {
            buf,
            start: range.0,
            end: range.1,
        }
    }

    /// Drops the last `n` bytes (when they end a character; else nothing is
    /// dropped).
    pub(crate) fn cut_end(&mut self, n: usize) {
        let end = (self.end as usize)
            .saturating_sub(n)
            .max(self.start as usize);
        if self.buf.is_char_boundary(end) {
            // Within the old range, so a u32.
            self.end = end as u32;
        }
    }
}

impl std::ops::Deref for Text {
    type Target = str;

    #[inline]
    fn deref(&self) -> &str {
        // SAFETY: `start..end` is a range of `buf` on character boundaries:
        // `checked` makes every `Text` so, `cut_end` keeps it so, and `buf`
        // never changes.
        unsafe {
            self.buf
                .get_unchecked(self.start as usize..self.end as usize)
        }
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::checked(Arc::from(s), 0, s.len())
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        let len = s.len();
        Text::checked(Arc::from(s), 0, len)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        **self == **other
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&**self, f)
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

/// A reference: `$root` followed by any chain of `.prop`, `.method(args)`, `[index]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference<N = Arc<str>> {
    /// The whole reference as written, from the first backslash (if any) to the last char.
    pub span: Span,
    /// The identifier after `$`, `$!`, `${`, `$!{`.
    pub root: N,
    pub root_span: Span,
    pub parts: Parts<N>,
    /// `$!a` / `$!{a}`: a null value renders as empty text.
    pub silent: bool,
    /// `${a}` / `$!{a}`.
    pub formal: bool,
    /// Backslashes immediately in front of `$` that belong to this reference
    /// (Velocity 1.7 decides escaping from their count and from whether the
    /// reference is defined at render time).
    pub backslashes: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RefPart<N = Arc<str>> {
    /// `.name` — getter, `get("name")` on maps, or `isName` for booleans.
    Property(Span, N),
    /// `.name(args…)`.
    Method(Span, N, Vec<Expr<N>>),
    /// `[expr]`.
    Index(Span, Expr<N>),
}

impl<N> RefPart<N> {
    pub fn span(&self) -> Span {
        match self {
            RefPart::Property(s, _) | RefPart::Method(s, _, _) | RefPart::Index(s, _) => *s,
        }
    }
}

/// An integer literal, typed as Velocity 1.7 types it: `Integer`, else `Long`, else `BigInteger`.
#[derive(Debug, Clone, PartialEq)]
pub enum IntLit {
    Int(i32),
    Long(i64),
    Big(BigInt),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr<N = Arc<str>> {
    Ref(Box<Reference<N>>),
    /// A string literal. `interpolated` is `Some` for a double-quoted string
    /// containing `$` or `#`: its body parsed as a template (rendered at evaluation).
    /// `value` is a range of the source when the body needs no processing.
    Str {
        span: Span,
        value: Text,
        /// Boxed: it would make every expression bigger.
        interpolated: Option<Box<Block<N>>>,
    },
    Int(Span, IntLit),
    Float(Span, f64),
    Bool(Span, bool),
    /// `[a, b, c]`.
    List(Span, Vec<Expr<N>>),
    /// `[from..to]`.
    Range(Span, Box<Expr<N>>, Box<Expr<N>>),
    /// `{k: v, …}`.
    Map(Span, Vec<(Expr<N>, Expr<N>)>),
    Unary(Span, UnaryOp, Box<Expr<N>>),
    Binary(Span, BinOp, Box<Expr<N>>, Box<Expr<N>>),
    /// `( expr )` kept so that truthiness of literals stays as 1.7 has it.
    Paren(Span, Box<Expr<N>>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

impl<N> Expr<N> {
    pub fn span(&self) -> Span {
        match self {
            Expr::Ref(r) => r.span,
            Expr::Str { span, .. } => *span,
            Expr::Int(s, _)
            | Expr::Float(s, _)
            | Expr::Bool(s, _)
            | Expr::List(s, _)
            | Expr::Range(s, _, _)
            | Expr::Map(s, _)
            | Expr::Unary(s, _, _)
            | Expr::Binary(s, _, _, _)
            | Expr::Paren(s, _) => *s,
        }
    }
}

impl<N> Node<N> {
    pub fn span(&self) -> Span {
        match self {
            Node::Text(s, _) | Node::Break(s, _) | Node::Stop(s) => *s,
            Node::Ref(r) => r.span,
            Node::Set { span, .. }
            | Node::If { span, .. }
            | Node::Foreach { span, .. }
            | Node::Macro { span, .. }
            | Node::MacroCall { span, .. }
            | Node::Define { span, .. }
            | Node::Evaluate { span, .. }
            | Node::Include { span, .. } => *span,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Text;
    use std::sync::Arc;

    #[test]
    fn a_text_is_always_a_range_of_its_buffer() {
        let buf: Arc<str> = Arc::from("aé€b");
        assert_eq!(&*Text::new(&buf, 1, 6), "é€");
        // Out of the buffer, reversed, or inside a character: empty.
        for (start, end) in [(0, 99), (4, 2), (2, 6), (1, 5), (99, 99)] {
            assert_eq!(&*Text::new(&buf, start, end), "", "{start}..{end}");
        }
        let mut t = Text::new(&buf, 0, 7);
        // Inside `€`: nothing dropped.
        t.cut_end(2);
        assert_eq!(&*t, "aé€b");
        t.cut_end(1);
        assert_eq!(&*t, "aé€");
        t = Text::new(&buf, 0, 7);
        t.cut_end(4);
        assert_eq!(&*t, "aé");
        t.cut_end(99);
        assert_eq!(&*t, "");
        assert_eq!(&*Text::from(String::from("x€")), "x€");
        assert_eq!(&*Text::from("x€"), "x€");
    }
}
