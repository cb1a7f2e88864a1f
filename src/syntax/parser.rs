//! The Velocity 1.7 parser.
//!
//! A hand-written recursive-descent transcription of the productions of 1.7's
//! `Parser.jjt` over the tokens of `super::lexer`, which reproduces 1.7's
//! stateful token manager. The parser switches the lexer's state exactly where
//! 1.7's parser does (after a directive's name), so both see the same token
//! stream. It asks for tokens as it goes and keeps a window of them (lookahead
//! and the range lookahead's rewind need it); lists are built on scratch
//! stacks and moved into the tree at their final size; errors get their line
//! and column only when one is returned. What it builds is a [`Build`]'s
//! (`super::build`): the syntax tree, or, for a template parsed to be
//! rendered, the compiled program straight away.
//!
//! # Whitespace (what 1.7 prints, found in the grammar and checked against 1.7)
//!
//! Text is printed as the tokens that carry it; what a directive token swallows
//! is never printed:
//! - a directive's closing `)` (`#if(…)`, `#elseif(…)`, `#foreach(…)`, `#set(…)`,
//!   macro calls …) swallows the spaces and tabs after it **if** a newline
//!   (`\n`, `\r` or `\r\n`) follows them, and that one newline;
//! - `#end` and `#else` (also `#{end}`, `#{else}`) do the same;
//! - `#set(` swallows the spaces and tabs in front of it when they start a
//!   token: at the start of the template, or right after a reference, a
//!   directive's `)`, `#end`, `#else`, a comment; after plain text on the same
//!   line (`abc  #set(…)`, or indentation after a text line) they stay;
//! - blanks in front of any other directive stay (an indented `#if(…)` line
//!   keeps its indentation, loses its newline);
//! - `##` comments swallow their newline; `#* *#` comments swallow nothing;
//! - `#break`, `#stop` and other directives written without parentheses
//!   swallow nothing.
//!
//! # Other 1.7 behaviour kept
//! - a `$` or `#` the lexer cannot continue (`$ `, `#1`, `a#b`) is text, but a
//!   `$` or `#` at the very end of the template is a lexical error;
//! - identifiers are `[A-Za-z_][A-Za-z0-9_-]*`, so `$a-1` is the reference `a-1`;
//!   `$true`/`$false` do not parse;
//! - `"…"` strings containing `$` or `#` are parsed as templates; `""` inside
//!   `"…"` and `''` inside `'…'` are one quote, `\uXXXX` is decoded in `"…"`,
//!   nothing else is an escape (`\"` ends the string);
//! - a macro call is `#name(…)`, or `#name` alone, for any name that is no
//!   directive; printed as written when no macro is defined at render time.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use num_bigint::BigInt;

use super::ast::{BinOp, Block, IncludeKind, IntLit, Text, TreeName};
use super::build::{Build, Named, PartsOf, RefFields, Syntax};
use super::error::ParseError;
use super::intern::Interner;
use super::lexer::{starts_identifier, LexError, Lexer, State, Token, K};
use super::span::{LineCol, Span};

/// Maximum nesting depth, counted in units shared by everything that
/// recurses: a statement inside a directive's block costs 2 units, an
/// expression, a parenthesis, a value inside a list, map or method call, a
/// reference and an interpolated string 1 each. So at most 128 nested
/// directives, or about 128 nested parentheses. Deeper templates get a
/// [`ParseError`] instead of exhausting the stack (1.7 would overflow its
/// stack somewhere beyond; real templates stay far below).
pub const MAX_NESTING: usize = 256;

/// What a nested statement costs (its parsing uses the most stack).
const STATEMENT_COST: usize = 2;

/// Parses a whole template.
pub fn parse(source: &str) -> Result<Block, ParseError> {
    parse_nested(source, 0)
}

/// Parses text as if already `nested` units deep (see [`MAX_NESTING`]): for
/// text parsed while a render is under way (`#evaluate`), so that the stack the
/// parse needs shrinks as the render's grows.
pub fn parse_nested(source: &str, nested: usize) -> Result<Block, ParseError> {
    parse_counting(&Arc::from(source), nested).map(|(block, _)| block)
}

/// [`parse_nested`], also giving the number of distinct names in the tree
/// (the compile pass makes its tables of names at that size). The tree's
/// text nodes are ranges of `source` where their text is as written.
pub(crate) fn parse_counting(
    source: &Arc<str>,
    nested: usize,
) -> Result<(Block, Counts), ParseError> {
    let mut b = Syntax::<Arc<str>>::default();
    parse_with(source, nested, &mut b).map(|p| (p.block, p.counts))
}

/// A tree whose names are of the form `N`, as [`parse_named`] gives it.
#[cfg(test)]
pub(crate) struct Parsed<N> {
    pub tree: Block<N>,
    pub counts: Counts,
    /// The parse's list of names (which [`NameId`](super::ast::NameId)s number).
    pub names: Vec<Arc<str>>,
}

/// [`parse_counting`] into a tree whose names are of the form `N`; also
/// gives the parse's list of names.
#[cfg(test)]
pub(crate) fn parse_named<N: TreeName>(
    source: &Arc<str>,
    nested: usize,
) -> Result<Parsed<N>, ParseError> {
    let mut b = Syntax::<N>::default();
    let p = parse_with(source, nested, &mut b)?;
    Ok(Parsed {
        tree: p.block,
        counts: p.counts,
        names: p.names,
    })
}

/// What [`parse_with`] gives.
pub(crate) struct Built<B: Build> {
    /// The template's block.
    pub block: B::Block,
    pub counts: Counts,
    /// The parse's list of names (which [`NameId`](super::ast::NameId)s
    /// number; the builders keep what they need of it as they go).
    #[cfg(test)]
    pub names: Vec<Arc<str>>,
}

/// Parses `source` with the builder `b`, as if already `nested` units deep.
pub(crate) fn parse_with<B: Build>(
    source: &Arc<str>,
    nested: usize,
    b: &mut B,
) -> Result<Built<B>, ParseError> {
    let mut macros = HashSet::new();
    let mut p: Parser<'_, '_, B> = Parser::new(
        source,
        source,
        None,
        &mut macros,
        b,
        nested.min(MAX_NESTING),
    );
    // About one distinct name per this many bytes of a long template.
    p.scratch.names.reserve(source.len() / 160);
    // The token window and the stack of nodes at the sizes a long template
    // takes them to (at most a token per byte, a node per two), rather than
    // grown there by doubling.
    p.toks
        .reserve(source.len().min(2 * TOKEN_WINDOW) + LEX_AHEAD);
    p.scratch
        .nodes
        .reserve((source.len() / 2).min(2 * SPILL_AT));
    match p.template() {
        Ok(block) => {
            let counts = Counts {
                names: p.scratch.names.len(),
                strings: p.scratch.strings,
            };
            Ok(Built {
                block,
                counts,
                #[cfg(test)]
                names: std::mem::take(&mut p.scratch.names).into_names(),
            })
        }
        Err(e) => Err(ParseError::new(source, e.span, e.message)),
    }
}

/// [`parse`] lexing no token before the parser asks for it (as 1.7's
/// token manager does), for the tests that compare it with [`parse`].
#[cfg(test)]
pub(crate) fn parse_on_demand(source: &str) -> Result<Block, ParseError> {
    let source: Arc<str> = Arc::from(source);
    let mut macros = HashSet::new();
    let mut b = Syntax::<Arc<str>>::default();
    let mut p: Parser<'_, '_, Syntax<Arc<str>>> =
        Parser::new(&source, &source, None, &mut macros, &mut b, 0);
    p.lex_ahead = 0;
    p.template()
        .map_err(|e| ParseError::new(&source, e.span, e.message))
}

/// What [`parse_counting`] counts while it parses, so that the compilation
/// makes its tables at their size at once.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Counts {
    /// Distinct names.
    pub names: usize,
    /// String literals (at least as many as the program's constants).
    pub strings: usize,
}

/// A parse failure (its line and column are computed once, in [`parse`]).
/// `lexical` ones end speculative parses too.
#[derive(Debug, Clone)]
struct Fail {
    span: Span,
    message: String,
    lexical: bool,
}

/// Boxed: results stay small on the paths that succeed.
type PResult<T> = Result<T, Box<Fail>>;

/// The 1.7 directives, with whether they take a body.
fn builtin_directive(name: &str) -> Option<bool> {
    match name {
        "foreach" | "macro" | "literal" | "define" => Some(true),
        "include" | "parse" | "evaluate" | "break" | "stop" => Some(false),
        _ => None,
    }
}

/// A directive's arguments (most directives have at most three).
type Args<'a, B> = smallvec::SmallVec<[Arg<'a, B>; 3]>;

/// A directive argument (`DirectiveArg`): an expression or a bare word (as
/// written in the text: most words are `in` and are dropped unread).
enum Arg<'a, B: Build> {
    Expr(B::Expr),
    Word(Span, &'a str),
}

impl<B: Build> Arg<'_, B> {
    fn span(&self) -> Span {
        match self {
            Arg::Expr(e) => B::expr_span(e),
            Arg::Word(s, _) => *s,
        }
    }
}

struct Parser<'a, 'm, B: Build> {
    /// The template source (errors are reported against it).
    src: &'a str,
    /// The text being lexed: `src`, or an interpolated string's body.
    text: &'a str,
    /// `text`, shared by the text nodes that are ranges of it.
    buf: &'a Arc<str>,
    /// For interpolated strings: offset in `text` → offset in `src`.
    map: Option<Vec<u32>>,
    lx: Lexer<'a>,
    /// The tokens from some point on, as far as lexed: a window that
    /// [`Parser::statements`] trims between statements.
    toks: Vec<Token>,
    /// The next token's place in the window (token numbers below, the
    /// memos' keys included, count from the window's start: the window is
    /// trimmed only when the memos are dropped).
    cur: usize,
    macros: &'m mut HashSet<String>,
    /// What the parse builds.
    b: &'m mut B,
    depth: usize,
    /// A lexical error met while lexing ahead, for when its token is asked for.
    lex_error: Option<Box<LexError>>,
    /// How many speculative parses (the range lookahead) are under way.
    speculating: usize,
    /// Whether a speculative parse has begun since the window was last
    /// trimmed: only then can one be under way or the memos hold anything.
    memo_live: bool,
    /// Where lists are built (shared with the parsers of interpolated strings).
    scratch: Scratch<B>,
    /// `Reference()` results of speculative parses by first token number:
    /// the parse that follows reuses them, and nested lists would otherwise
    /// make the lookahead exponential.
    ref_memo: HashMap<usize, (RefOrText<B>, usize)>,
    /// `Reference()` failures of speculative parses by first token number and
    /// depth (what the result depends on): without them, nested lists whose
    /// references fail make the lookahead exponential.
    ref_fail_memo: HashMap<(usize, usize), Box<Fail>>,
    /// Tokens lexed ahead at most ([`LEX_AHEAD`]; none, to test that lexing
    /// ahead changes nothing).
    #[cfg(test)]
    lex_ahead: usize,
}

/// Tokens the window keeps before it is trimmed.
const TOKEN_WINDOW: usize = 1024;

/// Tokens lexed ahead at most (see [`Parser::lex_to`]).
const LEX_AHEAD: usize = 64;

/// [`KIND_BITS`]: a token printed as text where a statement starts.
const TEXT_TOKEN: u8 = 1;
/// [`KIND_BITS`]: another token a statement starts with.
const STATEMENT_START: u8 = 2;
/// [`KIND_BITS`]: a first token of `Parameter()` after its optional whitespace.
const PARAMETER_START: u8 = 4;
/// [`KIND_BITS`]: a bare word (a directive argument).
const WORD: u8 = 8;

/// What the parser asks of a token's kind at nearly every step, by kind:
/// one load and a bit test.
static KIND_BITS: [u8; K::Eof as usize + 1] = {
    let mut t = [0u8; K::Eof as usize + 1];
    let text = [
        K::Text,
        K::Dot,
        K::DotName,
        K::RParen,
        K::LParen,
        K::IntegerLiteral,
        K::FloatLiteral,
        K::StringLiteral,
        K::Escape,
        K::LCurly,
        K::RCurly,
        K::EmptyIndex,
    ];
    let statement = [
        K::If,
        K::Identifier,
        K::SingleLineCommentStart,
        K::MultiLineComment,
        K::FormalComment,
        K::TextBlock,
        K::SetDirective,
        K::EscapeDirective,
        K::DoubleEscape,
        K::Word,
        K::BracketedWord,
    ];
    let parameter = [
        K::StringLiteral,
        K::IntegerLiteral,
        K::LBracket,
        K::LeftCurley,
        K::True,
        K::False,
        K::Identifier,
        K::LCurly,
        K::FloatLiteral,
    ];
    let mut i = 0;
    while i < text.len() {
        t[text[i] as usize] |= TEXT_TOKEN;
        i += 1;
    }
    i = 0;
    while i < statement.len() {
        t[statement[i] as usize] |= STATEMENT_START;
        i += 1;
    }
    i = 0;
    while i < parameter.len() {
        t[parameter[i] as usize] |= PARAMETER_START;
        i += 1;
    }
    t[K::Word as usize] |= WORD;
    t
};

/// Whether kind `k` has one of the bits `bits` of [`KIND_BITS`].
#[inline(always)]
fn kind_is(k: K, bits: u8) -> bool {
    KIND_BITS[k as usize] & bits != 0
}

fn is_text_token(k: K) -> bool {
    kind_is(k, TEXT_TOKEN)
}

fn starts_statement(k: K) -> bool {
    kind_is(k, TEXT_TOKEN | STATEMENT_START)
}

/// First tokens of `Parameter()` after its optional whitespace.
fn starts_parameter(k: K) -> bool {
    kind_is(k, PARAMETER_START)
}

fn starts_directive_arg(k: K) -> bool {
    kind_is(k, PARAMETER_START | WORD)
}

impl<'a, 'm, B: Build> Parser<'a, 'm, B> {
    fn new(
        src: &'a str,
        buf: &'a Arc<str>,
        map: Option<Vec<u32>>,
        macros: &'m mut HashSet<String>,
        b: &'m mut B,
        depth: usize,
    ) -> Parser<'a, 'm, B> {
        let text: &'a str = buf;
        Parser {
            src,
            text,
            buf,
            map,
            lx: Lexer::new(text),
            toks: Vec::new(),
            cur: 0,
            macros,
            b,
            depth,
            lex_error: None,
            speculating: 0,
            memo_live: false,
            scratch: Scratch::default(),
            ref_memo: HashMap::new(),
            ref_fail_memo: HashMap::new(),
            #[cfg(test)]
            lex_ahead: LEX_AHEAD,
        }
    }

    // ----- positions and errors -------------------------------------------

    /// A name of the tree: one shared string per distinct name.
    #[inline(always)]
    fn name(&mut self, name: &str) -> B::Name {
        <B::Name as TreeName>::make(&mut self.scratch.names, name)
    }

    /// Absolute source offset of a `text` offset.
    fn abs(&self, pos: usize) -> usize {
        match &self.map {
            Some(m) => m.get(pos).or_else(|| m.last()).map_or(pos, |&p| p as usize),
            None => pos,
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.abs(start), self.abs(end))
    }

    fn tspan(&self, t: &Token) -> Span {
        self.span(t.at(), t.to())
    }

    fn image(&self, t: &Token) -> &'a str {
        self.text.get(t.at()..t.to()).unwrap_or("")
    }

    /// The bytes of a token: its image (a token lies on the text's
    /// characters' boundaries), without the checks of them.
    #[inline]
    fn image_bytes(&self, t: &Token) -> &'a [u8] {
        self.text.as_bytes().get(t.at()..t.to()).unwrap_or(&[])
    }

    /// The name that is the token's image.
    #[inline]
    fn name_of(&mut self, t: &Token) -> B::Name {
        let bytes = self.image_bytes(t);
        <B::Name as TreeName>::make_bytes(&mut self.scratch.names, bytes)
    }

    #[cold]
    fn fail(&self, span: Span, message: impl Into<String>) -> Box<Fail> {
        Box::new(Fail {
            span,
            message: message.into(),
            lexical: false,
        })
    }

    #[cold]
    fn lex_fail(&self, e: LexError) -> Box<Fail> {
        let p = self.abs(e.pos);
        Box::new(Fail {
            span: Span::new(p, p),
            message: e.message,
            lexical: true,
        })
    }

    /// "unexpected X; expected Y" at token `t`.
    #[cold]
    fn unexpected(&self, t: &Token, expected: &str) -> Box<Fail> {
        let found = if t.kind == K::Eof {
            "end of input".to_string()
        } else {
            format!(
                "{} ({})",
                crate::syntax::span::excerpt(self.shown_image(t), 20),
                t.kind.describe()
            )
        };
        self.fail(
            self.err_span(t),
            format!("unexpected {found}; expected {expected}"),
        )
    }

    /// Where 1.7 reports an unexpected token: the token (as
    /// [`Self::shown_image`] shows it), or the last character of the input
    /// for end of input.
    fn err_span(&self, t: &Token) -> Span {
        if t.kind == K::Eof {
            let last = self
                .text
                .get(..t.at())
                .and_then(|r| r.chars().next_back())
                .map_or(0, char::len_utf8);
            self.span(t.at() - last, t.at())
        } else {
            self.span(t.at(), t.at() + self.shown_image(t).len())
        }
    }

    /// The token's text as an error shows it: a `)`, `#end` or `#else`
    /// without the blanks and line end the grammar makes part of it.
    fn shown_image(&self, t: &Token) -> &'a str {
        let image = self.image(t);
        match t.kind {
            K::RParen | K::End | K::Else => {
                let bare = image.trim_end_matches([' ', '\t', '\r', '\n']);
                if bare.is_empty() {
                    image
                } else {
                    bare
                }
            }
            _ => image,
        }
    }

    fn enter(&mut self, at: usize) -> PResult<()> {
        self.enter_by(at, 1)
    }

    fn enter_by(&mut self, at: usize, cost: usize) -> PResult<()> {
        self.depth += cost;
        if self.depth > MAX_NESTING {
            let s = self.span(at, at);
            return Err(self.fail(
                s,
                format!("the template nests deeper than {MAX_NESTING} levels"),
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.leave_by(1);
    }

    fn leave_by(&mut self, cost: usize) {
        self.depth = self.depth.saturating_sub(cost);
    }

    // ----- tokens -----------------------------------------------------------

    /// The token `n` ahead of the cursor (fetched from the lexer as needed).
    #[inline(always)]
    fn peek_tok(&mut self, n: usize) -> PResult<Token> {
        match self.toks.get(self.cur + n) {
            Some(t) => Ok(*t),
            None => self.lex_to(n),
        }
    }

    /// Lexes up to the token `n` ahead of the cursor and returns it (the last
    /// token, end of input, when there are fewer).
    ///
    /// It lexes a few tokens further while that cannot change them: up to a
    /// token after which the parser changes the lexer (a directive name, after
    /// which it switches the lexer's state; a `)`, which can close `#set(`), or
    /// the end. A lexical error met ahead is kept for when its token is asked
    /// for, so errors come where and when they did.
    #[cold]
    #[inline(never)]
    fn lex_to(&mut self, n: usize) -> PResult<Token> {
        let want = self.cur + n;
        let have = self.toks.len();
        if have <= want && !self.toks.last().is_some_and(|t| t.kind == K::Eof) {
            if let Some(e) = self.lex_error.take() {
                return Err(self.lex_fail(*e));
            }
            let ahead = self.lex_ahead();
            if let Err(e) = self.lx.lex_into(&mut self.toks, want + 1 - have, ahead) {
                if self.toks.len() > want {
                    // Met while lexing ahead: for when its token is asked for.
                    self.lex_error = Some(e);
                } else {
                    return Err(self.lex_fail(*e));
                }
            }
        }
        match self.toks.get(want).or_else(|| self.toks.last()) {
            Some(t) => Ok(*t),
            None => Err(self.fail(Span::default(), "internal: no token")),
        }
    }

    /// Tokens lexed ahead at most (see [`Parser::lex_to`]).
    #[inline(always)]
    fn lex_ahead(&self) -> usize {
        #[cfg(test)]
        return self.lex_ahead;
        #[cfg(not(test))]
        LEX_AHEAD
    }

    /// Drops the tokens before the cursor but one (the last token read), and
    /// the memo: no speculation is under way, so nothing will look back.
    fn trim(&mut self) {
        if self.speculating > 0 || self.cur < TOKEN_WINDOW {
            return;
        }
        let keep_from = self.cur - 1;
        self.toks.drain(..keep_from);
        self.cur -= keep_from;
        self.ref_memo.clear();
        self.ref_fail_memo.clear();
        self.memo_live = false;
    }

    #[inline(always)]
    fn peek(&mut self, n: usize) -> PResult<K> {
        match self.toks.get(self.cur + n) {
            Some(t) => Ok(t.kind),
            None => Ok(self.lex_to(n)?.kind),
        }
    }

    #[inline]
    fn bump(&mut self) -> PResult<Token> {
        let t = self.peek_tok(0)?;
        if t.kind != K::Eof {
            self.cur += 1;
        }
        Ok(t)
    }

    /// Steps over the next token, just looked at and found to be of a kind
    /// other than the end of input (so it is in the window: nothing to lex).
    #[inline(always)]
    fn step(&mut self) {
        self.cur += 1;
    }

    /// The next token, which must be of kind `k`. Inlined (the parser
    /// expects a token at every other step), with the failure out of line.
    #[inline(always)]
    fn expect(&mut self, k: K, what: &str) -> PResult<Token> {
        self.expect_with(k, || what.to_string())
    }

    /// [`Parser::expect`] with the expectation written only when needed.
    #[inline(always)]
    fn expect_with(&mut self, k: K, what: impl FnOnce() -> String) -> PResult<Token> {
        let t = self.peek_tok(0)?;
        if t.kind == k {
            if k != K::Eof {
                self.cur += 1;
            }
            Ok(t)
        } else {
            Err(self.unexpected(&t, &what()))
        }
    }

    #[inline]
    fn skip_ws(&mut self) -> PResult<()> {
        if self.peek(0)? == K::Whitespace {
            self.step();
        }
        Ok(())
    }

    // ----- statements -------------------------------------------------------

    fn template(&mut self) -> PResult<B::Block> {
        let block = self.statements()?;
        let t = self.peek_tok(0)?;
        if t.kind != K::Eof {
            let what = match t.kind {
                K::End => "a directive to close: #end without #if, #foreach, #macro or #define",
                K::Else | K::ElseIf => "an #if before #else/#elseif",
                _ => "text, a reference or a directive",
            };
            return Err(self.unexpected(&t, what));
        }
        Ok(block)
    }

    /// `( Statement() )*`
    fn statements(&mut self) -> PResult<B::Block> {
        let mut out = self.scratch.open(self.buf);
        out.from = self.peek_tok(0)?.at();
        // Every statement consumes at least one token.
        loop {
            let t = self.peek_tok(0)?;
            if !starts_statement(t.kind) {
                break;
            }
            (self.scratch.at, self.scratch.len) = (t.at(), self.text.len());
            let plain = self.depth + STATEMENT_COST <= MAX_NESTING;
            if t.kind != K::LCurly && is_text_token(t.kind) && plain {
                // Text (what [`Parser::statement`] does with it, in short).
                self.cur += 1;
                let span = self.tspan(&t);
                let special = self.lx.special(&t);
                if !special.is_empty() {
                    self.scratch.push_text(&mut out, span, special);
                }
                self.scratch.push_source(&mut out, span, self.image(&t));
            } else if t.kind == K::Identifier && plain {
                // A reference (likewise).
                self.depth += STATEMENT_COST;
                let r = self.reference_at(t);
                self.depth -= STATEMENT_COST;
                self.push_reference(&mut out, r?);
            } else {
                self.statement(&mut out, t)?;
            }
            self.trim();
        }
        let height = out.height;
        Ok(B::block(self.scratch.finish(out), height))
    }

    /// Pushes a node the builder has just made on `out`, noting how deep
    /// it nests.
    #[inline(always)]
    fn push_built(&mut self, out: &mut Out<'a, B>, node: B::Node) {
        let h = self.b.last_height();
        out.height = out.height.max(h);
        self.scratch.push(out, node);
    }

    /// `t`: the next token, just looked at (one that starts a statement).
    fn statement(&mut self, out: &mut Out<'a, B>, t: Token) -> PResult<()> {
        self.enter_by(t.at(), STATEMENT_COST)?;
        let r = self.statement_inner(&t, out);
        self.leave_by(STATEMENT_COST);
        r
    }

    #[inline(always)]
    fn statement_inner(&mut self, t: &Token, out: &mut Out<'a, B>) -> PResult<()> {
        if t.kind == K::If {
            return self.if_statement(*t, out);
        }
        // LOOKAHEAD(2) Reference()
        if t.kind == K::Identifier || (t.kind == K::LCurly && self.peek(1)? == K::Identifier) {
            let r = self.reference()?;
            self.push_reference(out, r);
            return Ok(());
        }
        match t.kind {
            K::SingleLineCommentStart | K::MultiLineComment | K::FormalComment => {
                self.bump()?;
                if t.kind == K::SingleLineCommentStart && self.peek(0)? == K::SingleLineComment {
                    self.bump()?;
                }
                let img = self.image(t);
                let cut = img.find("##").or_else(|| img.find("#*")).unwrap_or(0);
                let prefix = img.get(..cut).unwrap_or("");
                self.scratch.push_source(out, self.tspan(t), prefix);
            }
            K::TextBlock => {
                self.bump()?;
                let img = self.image(t);
                let body = img.get(3..img.len().saturating_sub(3)).unwrap_or("");
                self.scratch.push_source(out, self.tspan(t), body);
            }
            K::SetDirective => self.set_directive(*t, out)?,
            K::EscapeDirective => {
                self.bump()?;
                let text = self.escaped_directive(self.image(t));
                self.scratch.push_text(out, self.tspan(t), &text);
            }
            K::DoubleEscape => self.escape(out, *t)?,
            K::Word | K::BracketedWord => self.directive(out, *t)?,
            k if is_text_token(k) => {
                self.bump()?;
                // The special text in front, then the token (they merge).
                let span = self.tspan(t);
                self.scratch.push_text(out, span, self.lx.special(t));
                self.scratch.push_source(out, span, self.image(t));
            }
            _ => return Err(self.unexpected(t, "text, a reference or a directive")),
        }
        Ok(())
    }

    /// `Parser.escapedDirective`: `\#if` prints `#if`, `\\\#if` prints `\#if`;
    /// an unknown name keeps all its backslashes.
    fn escaped_directive(&self, img: &str) -> String {
        let last = img.rfind('\\').unwrap_or(0);
        let directive = img.get(last + 1..).unwrap_or("");
        let mut tag = directive.get(1..).unwrap_or("");
        if tag.starts_with('{') {
            tag = tag.get(1..tag.len().saturating_sub(1)).unwrap_or("");
        }
        let known = builtin_directive(tag).is_some()
            || self.macros.contains(tag)
            || matches!(tag, "if" | "end" | "set" | "else" | "elseif");
        if known {
            format!("{}{}", img.get(..last / 2).unwrap_or(""), directive)
        } else {
            img.to_string()
        }
    }

    /// `Escape()`: a run of `\\` pairs. Before a directive each pair prints
    /// one backslash, elsewhere two.
    /// `first`: the next token, just looked at.
    fn escape(&mut self, out: &mut Out<'a, B>, first: Token) -> PResult<()> {
        self.step();
        let mut count = 1usize;
        let mut end = first.to();
        // Each round consumes a token.
        while self.peek(0)? == K::DoubleEscape {
            end = self.bump()?.to();
            count += 1;
        }
        let next = self.peek_tok(0)?;
        let control = matches!(next.kind, K::If | K::Else | K::ElseIf | K::End) || {
            let tag = self.image(&next).get(1..).unwrap_or("");
            builtin_directive(tag).is_some() || self.macros.contains(tag)
        };
        let s = if control { "\\" } else { "\\\\" }.repeat(count);
        self.scratch.push_text(out, self.span(first.at(), end), &s);
        Ok(())
    }

    /// `SetDirective()`, pushed on `out` (made there: made here and then
    /// pushed, the node would be copied on the way).
    /// `set`: the next token, just looked at.
    fn set_directive(&mut self, set: Token, out: &mut Out<'a, B>) -> PResult<()> {
        self.step();
        let hash = byte_at(self.image(&set), b'#').unwrap_or(0);
        let start = set.at() + hash;
        self.skip_ws()?;
        let t = self.peek_tok(0)?;
        if !(t.kind == K::Identifier || t.kind == K::LCurly) {
            return Err(self.unexpected(&t, "a reference after #set("));
        }
        let target = self.reference_at(t)?;
        self.skip_ws()?;
        self.expect(K::Equals, "'=' in #set")?;
        let value = self.expression()?;
        let rp = self.expect(K::RParen, "')' to close #set(")?;
        self.lx.in_set = false;
        if self.peek(0)? == K::Newline {
            self.step();
        }
        let target = match target.into_ref() {
            Ok(mut r) => {
                // A simple target is named by its first token minus one
                // character (`ASTSetDirective`): `#set(${a} = 1)` sets `{`.
                // A plain `$name` is named so already (see
                // [`Parser::build_reference`]): nothing to compare.
                let formal = t.kind == K::LCurly;
                let plain = !formal
                    && matches!(self.image_bytes(&t), [b'$', c, ..] if starts_identifier(*c));
                if B::is_bare(&r) && !plain {
                    let written = self.image(&t);
                    let first = if formal {
                        written
                            .find('{')
                            .and_then(|i| written.get(..=i))
                            .unwrap_or(written)
                    } else {
                        written
                    };
                    let mut cs = first.chars();
                    cs.next();
                    if self.b.root_text(&r, self.scratch.names.names()) != cs.as_str() {
                        let name = self.name(cs.as_str());
                        self.b.rename_root(&mut r, name, self.scratch.names.names());
                    }
                }
                r
            }
            Err((span, _)) => return Err(self.fail(span, "#set needs a reference to assign to")),
        };
        let span = self.span(start, rp.at() + 1);
        let node = self.b.set(span, target, value);
        self.push_built(out, node);
        Ok(())
    }

    /// `IfStatement()`, pushed on `out` (as [`Parser::set_directive`]).
    /// `if_tok`: the next token, just looked at.
    fn if_statement(&mut self, if_tok: Token, out: &mut Out<'a, B>) -> PResult<()> {
        self.step();
        let start = if_tok.at()
            + self
                .image(&if_tok)
                .bytes()
                .rposition(|b| b == b'#')
                .unwrap_or(0);
        let mut branches = B::branches();
        let cond = self.condition("#if")?;
        let body = self.statements()?;
        self.b.branch(&mut branches, cond, body);
        // Each round consumes an #elseif token.
        while self.peek(0)? == K::ElseIf {
            self.step();
            let cond = self.condition("#elseif")?;
            let body = self.statements()?;
            self.b.branch(&mut branches, cond, body);
        }
        let mut otherwise = None;
        if self.peek(0)? == K::Else {
            self.step();
            otherwise = Some(self.statements()?);
        }
        let end = self.peek_tok(0)?;
        if end.kind != K::End {
            let at = LineCol::of(self.src, self.abs(if_tok.at()));
            return Err(self.unexpected(&end, &format!("#end to close the #if at {at}")));
        }
        self.bump()?;
        let span = self.span(start, end.to());
        let node = self.b.if_(span, branches, otherwise);
        self.push_built(out, node);
        Ok(())
    }

    /// `[<WHITESPACE>] <LPAREN> Expression() <RPAREN>` after `#if` / `#elseif`.
    fn condition(&mut self, what: &str) -> PResult<B::Expr> {
        self.skip_ws()?;
        self.expect_with(K::LParen, || format!("'(' after {what}"))?;
        let e = self.expression()?;
        self.expect_with(K::RParen, || format!("')' to close {what}("))?;
        Ok(e)
    }

    /// `Directive()`: built-in directives and macro calls.
    /// `word`: the next token, just looked at.
    fn directive(&mut self, out: &mut Out<'a, B>, word: Token) -> PResult<()> {
        self.step();
        let img = self.image(&word);
        let name: &str = if word.kind == K::BracketedWord {
            img.get(2..img.len().saturating_sub(1)).unwrap_or("")
        } else {
            img.get(1..).unwrap_or("")
        };
        let start = word.at();
        let builtin = builtin_directive(name);
        let is_block = builtin.unwrap_or(name.starts_with('@'));
        let is_macro_def = name == "macro";
        // 1.7's parser switches the lexer here; no token after the name has been read.
        self.lx.switch_to(State::Directive);

        if !self.lx.is_left_parenthesis() {
            if is_macro_def {
                return Err(self.fail(
                    self.tspan(&word),
                    "#macro needs parentheses and a macro name",
                ));
            }
            self.lx.pop();
            let span = self.span(start, word.to());
            let node = match name {
                "break" => self.b.break_(span, None),
                "stop" => self.b.stop(span),
                _ if builtin.is_some() => {
                    return Err(self.fail(span, format!("#{name} needs arguments in parentheses")));
                }
                _ => {
                    let name = self.name(name);
                    self.b
                        .macro_call(span, name, Vec::new(), self.scratch.names.names())
                }
            };
            self.push_built(out, node);
            return Ok(());
        }

        // ([<WHITESPACE>] <LPAREN>) ( LOOKAHEAD(2) [<WHITESPACE>] [<COMMA> [<WHITESPACE>]] DirectiveArg() )* [<WHITESPACE>] <RPAREN>
        self.skip_ws()?;
        self.expect(K::LParen, "'('")?;
        let mut args = Args::new();
        // Each round consumes at least the argument's first token.
        loop {
            let k0 = self.peek(0)?;
            let go = match k0 {
                K::Whitespace => {
                    let k1 = self.peek(1)?;
                    k1 == K::Comma || starts_directive_arg(k1)
                }
                K::Comma => {
                    let k1 = self.peek(1)?;
                    k1 == K::Whitespace || starts_directive_arg(k1)
                }
                k => starts_directive_arg(k),
            };
            if !go {
                break;
            }
            self.skip_ws()?;
            if self.peek(0)? == K::Comma {
                self.step();
                self.skip_ws()?;
            }
            let arg = self.directive_arg()?;
            if let Arg::Word(span, w) = &arg {
                let pos = args.len();
                let ok = (is_macro_def && pos == 0)
                    || (name == "foreach" && pos == 1)
                    || builtin.is_none();
                if !ok {
                    return Err(self.fail(
                        *span,
                        format!(
                            "invalid argument {} to #{name}",
                            crate::syntax::span::excerpt(w, 40)
                        ),
                    ));
                }
            } else if is_macro_def && args.is_empty() {
                return Err(self.fail(
                    arg.span(),
                    "the first argument of #macro must be the macro name (a bare word)",
                ));
            }
            args.push(arg);
        }
        self.skip_ws()?;
        let rp = self.expect_with(K::RParen, || format!("')' to close #{name}("))?;
        let head_span = self.span(start, rp.at() + 1);

        if !is_block {
            let node = self.line_directive(name, start, &rp, head_span, args)?;
            self.push_built(out, node);
            return Ok(());
        }

        let body = self.statements()?;
        let end = self.peek_tok(0)?;
        if end.kind != K::End {
            let at = LineCol::of(self.src, self.abs(word.at()));
            return Err(self.unexpected(&end, &format!("#end to close the #{name} at {at}")));
        }
        self.bump()?;
        let span = self.span(start, end.to());
        if name == "foreach" {
            return self.foreach(span, head_span, args, body, out);
        }
        let node = match name {
            "macro" => {
                let mut it = args.into_iter();
                let mname = match it.next() {
                    Some(Arg::Word(_, w)) => w,
                    _ => return Err(self.fail(head_span, "#macro needs a name")),
                };
                let params = it
                    .map(|a| match a {
                        Arg::Expr(e) => match B::into_ref(e) {
                            Ok(r) => Named::Ref(r),
                            Err(e) => {
                                let s = B::expr_span(&e);
                                Named::Name(self.name(s.text(self.src)), s)
                            }
                        },
                        Arg::Word(s, w) => Named::Name(self.name(w), s),
                    })
                    .collect();
                self.macros.insert(mname.to_string());
                let name = self.name(mname);
                self.b
                    .macro_def(span, name, params, body, self.scratch.names.names())
            }
            "define" => {
                if args.len() != 1 {
                    return Err(self.fail(
                        head_span,
                        "#define needs exactly one argument: the reference to define",
                    ));
                }
                let dname = match args.into_iter().next().map(|a| self.named(a)) {
                    Some(Ok(n)) => n,
                    Some(Err(s)) => {
                        Named::Name(self.name(s.text(self.src).get(1..).unwrap_or("")), s)
                    }
                    None => Named::Name(self.name(""), Span::default()),
                };
                self.b.define(span, dname, body, self.scratch.names.names())
            }
            "literal" => {
                // `#literal()`: its body as written.
                let text = self
                    .src
                    .get(self.abs(rp.to())..self.abs(end.at()))
                    .unwrap_or("");
                B::text(span, text.into())
            }
            _ => {
                // `#@name(…) … #end`: a block macro call.
                let name = self.name(name);
                let args = args.into_iter().map(|a| self.arg_expr(a)).collect();
                self.b
                    .macro_call(span, name, args, self.scratch.names.names())
            }
        };
        self.push_built(out, node);
        Ok(())
    }

    fn line_directive(
        &mut self,
        name: &str,
        start: usize,
        rp: &Token,
        head: Span,
        args: Args<'a, B>,
    ) -> PResult<B::Node> {
        Ok(match name {
            "include" | "parse" => {
                let kind = if name == "include" {
                    IncludeKind::Include
                } else {
                    IncludeKind::Parse
                };
                let args = args.into_iter().map(|a| self.arg_expr(a)).collect();
                self.b.include(head, kind, args)
            }
            "evaluate" => {
                if args.len() != 1 {
                    return Err(self.fail(head, "#evaluate() requires exactly one argument"));
                }
                match args.into_iter().next() {
                    Some(Arg::Expr(e)) if B::is_str_or_ref(&e) => self.b.evaluate(head, e),
                    Some(a) => {
                        return Err(self.fail(
                            a.span(),
                            "#evaluate() argument must be a string literal or reference",
                        ))
                    }
                    None => {
                        return Err(self.fail(head, "#evaluate() requires exactly one argument"))
                    }
                }
            }
            "break" => {
                if args.len() > 1 {
                    return Err(self.fail(head, "#break accepts at most one scope argument"));
                }
                let scope = match args.into_iter().next() {
                    Some(Arg::Expr(e)) => Some(e),
                    Some(Arg::Word(span, _)) => {
                        return Err(
                            self.fail(span, "#break takes a scope reference such as $foreach")
                        )
                    }
                    None => None,
                };
                self.b.break_(head, scope)
            }
            "stop" => {
                if args.len() > 1 {
                    return Err(self.fail(head, "#stop accepts at most one scope argument"));
                }
                self.b.stop(head)
            }
            _ => {
                // Printed as written, the `)`'s swallowed blanks included.
                let span = self.span(start, rp.to());
                let name = self.name(name);
                let args = args.into_iter().map(|a| self.arg_expr(a)).collect();
                self.b
                    .macro_call(span, name, args, self.scratch.names.names())
            }
        })
    }

    fn arg_expr(&mut self, a: Arg<'a, B>) -> B::Expr {
        match a {
            Arg::Expr(e) => e,
            Arg::Word(span, w) => self.b.str(span, w.into()),
        }
    }

    /// A directive argument written as a reference, or its span.
    fn named(&mut self, a: Arg<'a, B>) -> Result<Named<B>, Span> {
        match a {
            Arg::Expr(e) => match B::into_ref(e) {
                Ok(r) => Ok(Named::Ref(r)),
                Err(e) => Err(B::expr_span(&e)),
            },
            Arg::Word(s, _) => Err(s),
        }
    }

    /// `#foreach`, pushed on `out` (as [`Parser::set_directive`]).
    fn foreach(
        &mut self,
        span: Span,
        head: Span,
        args: Args<'a, B>,
        body: B::Block,
        out: &mut Out<'a, B>,
    ) -> PResult<()> {
        if args.len() < 2 {
            return Err(self.fail(head, "#foreach needs `$item in $list`"));
        }
        let mut it = args.into_iter();
        let var = match it.next().map(|a| self.named(a)) {
            Some(Ok(n)) => n,
            Some(Err(s)) => Named::Name(self.name(s.text(self.src).get(1..).unwrap_or("")), s),
            None => return Err(self.fail(head, "#foreach needs a loop variable")),
        };
        let _in = it.next();
        // `#foreach($i in)` iterates 1.7's block node: nothing.
        let iterable = match it.next() {
            Some(a) => self.arg_expr(a),
            None => self.b.list(head, Vec::new()),
        };
        let node = self
            .b
            .foreach(span, var, iterable, body, self.scratch.names.names());
        self.push_built(out, node);
        Ok(())
    }

    /// `DirectiveArg()`
    fn directive_arg(&mut self) -> PResult<Arg<'a, B>> {
        let t = self.peek_tok(0)?;
        match t.kind {
            K::Identifier | K::LCurly => Ok(Arg::Expr(self.reference_expr(t)?)),
            K::Word => {
                self.bump()?;
                Ok(Arg::Word(self.tspan(&t), self.image(&t)))
            }
            K::StringLiteral => Ok(Arg::Expr(self.string_literal(&t)?)),
            K::IntegerLiteral => Ok(Arg::Expr(self.integer_literal()?)),
            K::LBracket if self.range_ahead()? => Ok(Arg::Expr(self.integer_range()?)),
            K::FloatLiteral => Ok(Arg::Expr(self.float_literal()?)),
            K::LeftCurley => Ok(Arg::Expr(self.map()?)),
            K::LBracket => Ok(Arg::Expr(self.object_array()?)),
            K::True | K::False => {
                self.bump()?;
                Ok(Arg::Expr(self.b.bool(self.tspan(&t), t.kind == K::True)))
            }
            _ => Err(self.unexpected(&t, "a directive argument")),
        }
    }

    // ----- references -------------------------------------------------------

    fn push_reference(&mut self, out: &mut Out<'a, B>, r: RefOrText<B>) {
        match r {
            RefOrText::Ref(r) => {
                let node = self.b.printed(r);
                self.push_built(out, node);
            }
            RefOrText::Prefixed(p) => {
                let (r, span, text) = *p;
                self.scratch.push_text(out, span, &text);
                let node = self.b.printed(r);
                self.push_built(out, node);
            }
            RefOrText::Text(t) => self.scratch.push_text(out, t.0, &t.1),
        }
    }

    /// `t`: the next token, just looked at.
    fn reference_expr(&mut self, t: Token) -> PResult<B::Expr> {
        let r = self.reference_box(t)?;
        Ok(self.b.ref_expr(r))
    }

    /// [`Parser::reference_expr`]'s reference (a result small enough for
    /// registers). `t`: the next token, just looked at.
    fn reference_box(&mut self, t: Token) -> PResult<Box<B::Ref>> {
        match self.reference_at(t)?.into_ref() {
            Ok(r) => Ok(r),
            Err((span, s)) => {
                let root = self.name(&s);
                let r = RefFields {
                    span,
                    root,
                    root_span: span,
                    silent: false,
                    formal: false,
                    backslashes: 0,
                };
                Ok(self
                    .b
                    .reference(r, &mut PartsOf::<B>::new(), self.scratch.names.names()))
            }
        }
    }

    /// `Reference()`
    fn reference(&mut self) -> PResult<RefOrText<B>> {
        let first = self.peek_tok(0)?;
        self.reference_at(first)
    }

    /// [`Parser::reference`], `first` being the next token, just looked at.
    fn reference_at(&mut self, first: Token) -> PResult<RefOrText<B>> {
        if self.memo_live {
            return self.memo_reference();
        }
        self.enter(first.at())?;
        let r = self.reference_inner(first);
        self.leave();
        r
    }

    /// [`Parser::reference`] while a speculative parse is under way or may
    /// have left results to reuse (out of line: nearly always there are
    /// none). With none, it parses as [`Parser::reference`] does.
    #[inline(never)]
    fn memo_reference(&mut self) -> PResult<RefOrText<B>> {
        let at = self.cur;
        if let Some((r, end)) = self.ref_memo.get(&at) {
            let r = r.clone();
            self.cur = *end;
            return Ok(r);
        }
        if let Some(f) = self.ref_fail_memo.get(&(at, self.depth)) {
            return Err(f.clone());
        }
        let depth = self.depth;
        let first = self.peek_tok(0)?;
        self.enter(first.at())?;
        let r = self.reference_inner(first);
        self.leave();
        let r = match r {
            Ok(r) => r,
            Err(f) => {
                if self.speculating > 0 && !f.lexical {
                    self.ref_fail_memo.insert((at, depth), f.clone());
                }
                return Err(f);
            }
        };
        if self.speculating > 0 {
            self.ref_memo.insert(at, (r.clone(), self.cur));
        }
        Ok(r)
    }

    /// `first`: the next token, just looked at.
    fn reference_inner(&mut self, first: Token) -> PResult<RefOrText<B>> {
        if first.kind != K::Eof {
            self.step();
        }
        let formal = first.kind == K::LCurly;
        let ident = if formal {
            self.expect(K::Identifier, "an identifier after '${'")?
        } else {
            first
        };
        let mut parts = PartsOf::<B>::new();
        // Where the last token read ends.
        let mut end = ident.to();
        // `[…]` parts after the name and after each `.` part (`indexes`
        // takes all of them, so one of these kinds at a time is looked at),
        // and `.` parts: LOOKAHEAD(2) <DOT> … : a DOT is always followed by
        // an identifier.
        loop {
            let t = self.peek_tok(0)?;
            let id = match t.kind {
                K::IndexLBracket => {
                    end = self.indexes(&mut parts, end)?;
                    continue;
                }
                // `.name`, lexed as one token.
                K::DotName => {
                    self.step();
                    t.dot_name()
                }
                K::Dot => {
                    // The `.` just looked at.
                    self.step();
                    self.expect(K::Identifier, "an identifier after '.'")?
                }
                _ => break,
            };
            let name = self.name_of(&id);
            // LOOKAHEAD(3) Method(): the token after the `(`, if it is one.
            let after = if self.peek(0)? == K::LParen {
                let a = self.peek_tok(1)?;
                let k = a.kind;
                (k == K::Whitespace || k == K::RefMod2RParen || starts_parameter(k)).then_some(a)
            } else {
                None
            };
            if let Some(a) = after {
                // The `(` just looked at; `a` is the next token now.
                self.step();
                let args = if a.kind == K::RefMod2RParen {
                    Vec::new()
                } else {
                    let e = self.parameter_at(a)?;
                    if self.peek(0)? == K::Comma {
                        let args_from = self.scratch.exprs.len();
                        self.scratch.exprs.push(e);
                        // Each round consumes a comma.
                        while self.peek(0)? == K::Comma {
                            self.step();
                            let e = self.parameter()?;
                            self.scratch.exprs.push(e);
                        }
                        take_from(&mut self.scratch.exprs, args_from)
                    } else {
                        // The commonest: one argument, made where it goes.
                        vec![e]
                    }
                };
                let rp = self.peek_tok(0)?;
                if rp.kind != K::RefMod2RParen {
                    return Err(self.unexpected(&rp, "',' or ')' in the method call"));
                }
                self.step();
                let span = self.span(id.at(), rp.to());
                let part = self.b.method(span, name, args, self.scratch.names.names());
                parts.push(part);
                end = rp.to();
            } else {
                let span = self.span(id.at(), id.to());
                let part = self.b.property(span, name, self.scratch.names.names());
                parts.push(part);
                end = id.to();
            }
        }
        if formal {
            end = self.expect(K::RCurly, "'}' to close '${'")?.to();
        }
        self.build_reference(&first, &ident, &mut parts, formal, end)
    }

    /// `[index]` parts, pushed on `parts`; gives where the last `]` ends
    /// (`end` if there is none). Out of line: few references have them.
    #[inline(never)]
    fn indexes(&mut self, parts: &mut PartsOf<B>, mut end: usize) -> PResult<usize> {
        // Each round consumes a '['.
        while self.peek(0)? == K::IndexLBracket {
            let lb = self.bump()?;
            self.skip_ws()?;
            let t = self.peek_tok(0)?;
            let e = match t.kind {
                K::StringLiteral => self.string_literal(&t)?,
                K::IntegerLiteral => self.integer_literal()?,
                K::True | K::False => {
                    self.bump()?;
                    self.b.bool(self.tspan(&t), t.kind == K::True)
                }
                K::Identifier | K::LCurly => self.reference_expr(t)?,
                _ => {
                    return Err(
                        self.unexpected(&t, "a string, integer, boolean or reference as index")
                    )
                }
            };
            self.skip_ws()?;
            let rb = self.expect(K::IndexRBracket, "']' to close the index")?;
            let span = self.span(lb.at(), rb.to());
            let part = self.b.index(span, e);
            parts.push(part);
            end = rb.to();
        }
        Ok(end)
    }

    /// `ASTReference.getRoot`: escapes, prefix and kind from the first token.
    #[inline]
    fn build_reference(
        &mut self,
        first: &Token,
        ident: &Token,
        parts: &mut PartsOf<B>,
        formal: bool,
        end: usize,
    ) -> PResult<RefOrText<B>> {
        let bytes = self.image_bytes(first);
        // The common `$name` and `${name}`: no escapes, prefix or `!`.
        let plain = match bytes {
            [b'$', b'{'] => formal,
            [b'$', c, ..] => !formal && starts_identifier(*c),
            _ => false,
        };
        if plain {
            let (name, root_span) = if formal {
                (self.image_bytes(ident), self.tspan(ident))
            } else {
                (
                    bytes.get(1..).unwrap_or(&[]),
                    self.span(first.at() + 1, ident.to()),
                )
            };
            let r = RefFields {
                span: self.span(first.at(), end),
                root: <B::Name as TreeName>::make_bytes(&mut self.scratch.names, name),
                root_span,
                silent: false,
                formal,
                backslashes: 0,
            };
            return Ok(RefOrText::Ref(self.b.reference(
                r,
                parts,
                self.scratch.names.names(),
            )));
        }
        let img = self.image(first);
        self.build_escaped_reference(img, (first, ident), formal, end, parts)
    }

    /// [`Parser::build_reference`] for a reference with escapes, a prefix or
    /// a `!` (out of line: most have none).
    /// `img`: the image of `first`.
    #[inline(never)]
    fn build_escaped_reference(
        &mut self,
        img: &'a str,
        (first, ident): (&Token, &Token),
        formal: bool,
        end: usize,
        parts: &mut PartsOf<B>,
    ) -> PResult<RefOrText<B>> {
        let bytes = img.as_bytes();
        // Where the name starts: after the last `$` or `!`.
        let after_sigil = bytes
            .iter()
            .rposition(|&b| b == b'$' || b == b'!')
            .map_or(0, |i| i + 1);
        let name = if formal {
            self.image(ident)
        } else {
            img.get(after_sigil..).unwrap_or("")
        };
        let root_span = if formal {
            self.tspan(ident)
        } else {
            self.span(first.at() + after_sigil, ident.to())
        };
        let n = bytes.iter().take_while(|&&b| b == b'\\').count();
        if bytes.contains(&b'\\') && img.contains("\\!") {
            // `$\!x`: not a reference; 1.7 prints it as a null one.
            let r = RefFields {
                span: self.span(first.at(), end),
                root: self.name(&format!("\\!{}", name)),
                root_span,
                silent: false,
                formal,
                backslashes: 0,
            };
            return Ok(RefOrText::Ref(self.b.reference(
                r,
                &mut PartsOf::<B>::new(),
                self.scratch.names.names(),
            )));
        }
        let rest = img.get(n..).unwrap_or("");
        let dollar = rest.bytes().rposition(|b| b == b'$');
        let Some(dollar) = dollar else {
            // A "runt": an identifier the lexer took for a reference; 1.7 prints the token.
            return Ok(RefOrText::Text(Box::new((
                self.tspan(first),
                rest.to_string(),
            ))));
        };
        let escaped = n % 2 == 1;
        let more_prefix = rest.get(..dollar).unwrap_or("");
        let silent = rest.get(dollar..).is_some_and(|r| r.starts_with("$!"));
        let (span_start, backslashes, prefix) = if more_prefix.is_empty() {
            (first.at(), n as u32, None)
        } else if escaped {
            // 1.7 drops the prefix of an escaped reference (`\$$b` prints `\$b` when null).
            (first.at() + n + dollar, n as u32, None)
        } else {
            let p = format!("{}{}", "\\".repeat(n / 2), more_prefix);
            let at = first.at() + n + dollar;
            (at, 0, Some((self.span(first.at(), at), p)))
        };
        let r = RefFields {
            span: self.span(span_start, end),
            root: self.name(name),
            root_span,
            silent,
            formal,
            backslashes,
        };
        let r = self.b.reference(r, parts, self.scratch.names.names());
        Ok(match prefix {
            None => RefOrText::Ref(r),
            Some((span, text)) => RefOrText::Prefixed(Box::new((r, span, text))),
        })
    }

    // ----- expressions ------------------------------------------------------

    /// `Expression()` = `ConditionalOrExpression()`
    fn expression(&mut self) -> PResult<B::Expr> {
        let t = self.peek_tok(0)?;
        self.enter(t.at())?;
        let r = self.expression_at(t);
        self.leave();
        r
    }

    /// [`Parser::binary_expr_at`] at the lowest precedence, `t` being the
    /// next token. An expression that starts with a reference (most are
    /// one reference alone), blanks in front or not, is parsed as
    /// [`Parser::operand`] and [`Parser::primary_at`] parse it, then the
    /// operators after it, if any (without the calls between, which copy
    /// the result on its way up).
    fn expression_at(&mut self, t: Token) -> PResult<B::Expr> {
        let t = match t.kind {
            K::Identifier => t,
            K::Whitespace if self.peek(1)? == K::Identifier => {
                self.step();
                self.peek_tok(0)?
            }
            _ => return self.binary_expr_at(0, t),
        };
        self.enter(t.at())?;
        let r = self.reference_box(t);
        self.leave();
        let r = r?;
        self.skip_ws()?;
        if binary_op(self.peek(0)?).is_none() {
            // Made where it goes.
            return Ok(self.b.ref_expr(r));
        }
        let l = self.b.ref_expr(r);
        self.binary_after(0, l)
    }

    /// `ConditionalOrExpression()` down to `MultiplicativeExpression()`: the
    /// operators of precedence `min` and above, each level left-associative,
    /// by precedence climbing (one call per operand instead of one per level;
    /// the recursion is at most one call per level deep).
    /// `t`: the next token, just looked at.
    fn binary_expr_at(&mut self, min: u8, t: Token) -> PResult<B::Expr> {
        let l = self.operand(t)?;
        self.binary_after(min, l)
    }

    /// The operators of precedence `min` and above after the operand `l`
    /// (see [`Parser::binary_expr_at`]).
    #[inline(always)]
    fn binary_after(&mut self, min: u8, mut l: B::Expr) -> PResult<B::Expr> {
        // Each round consumes an operator.
        loop {
            let Some((op, prec)) = binary_op(self.peek(0)?) else {
                return Ok(l);
            };
            if prec < min {
                return Ok(l);
            }
            // The operator just looked at.
            self.step();
            let next = self.peek_tok(0)?;
            let r = self.binary_expr_at(prec + 1, next)?;
            l = self.b.binary(op, l, r);
        }
    }

    /// `UnaryExpression()`: `!` operands, else a primary expression. `t0`:
    /// the next token, just looked at.
    #[inline]
    fn operand(&mut self, t0: Token) -> PResult<B::Expr> {
        let k0 = t0.kind;
        if k0 == K::Not || (k0 == K::Whitespace && self.peek(1)? == K::Not) {
            self.not_expr()
        } else {
            self.primary_at(t0)
        }
    }

    /// `"!" UnaryExpression()`
    fn not_expr(&mut self) -> PResult<B::Expr> {
        self.skip_ws()?;
        let t = self.bump()?;
        self.enter(t.at())?;
        let e = match self.peek_tok(0) {
            Ok(next) => self.operand(next),
            Err(f) => Err(f),
        };
        self.leave();
        let e = e?;
        let span = Span::new(self.abs(t.at()), B::expr_span(&e).end as usize);
        Ok(self.b.not(span, e))
    }

    /// `PrimaryExpression()`
    /// `t`: the next token, just looked at.
    fn primary_at(&mut self, mut t: Token) -> PResult<B::Expr> {
        if t.kind == K::Whitespace {
            self.step();
            t = self.peek_tok(0)?;
        }
        self.enter(t.at())?;
        let e = self.primary_inner(&t);
        self.leave();
        let e = e?;
        self.skip_ws()?;
        Ok(e)
    }

    fn primary_inner(&mut self, t: &Token) -> PResult<B::Expr> {
        Ok(match t.kind {
            K::StringLiteral => self.string_literal(t)?,
            K::Identifier | K::LCurly => self.reference_expr(*t)?,
            K::IntegerLiteral => self.integer_literal()?,
            K::LBracket if self.range_ahead()? => self.integer_range()?,
            K::FloatLiteral => self.float_literal()?,
            K::LeftCurley => self.map()?,
            K::LBracket => self.object_array()?,
            K::True | K::False => {
                self.bump()?;
                self.b.bool(self.tspan(t), t.kind == K::True)
            }
            K::LParen => {
                self.bump()?;
                let e = self.expression()?;
                let rp = self.expect(K::RParen, "')'")?;
                let span = self.span(t.at(), rp.at() + 1);
                self.b.paren(span, e)
            }
            _ => return Err(self.unexpected(t, "an expression")),
        })
    }

    /// `Parameter()`: method arguments, list and map elements.
    fn parameter(&mut self) -> PResult<B::Expr> {
        let t = self.peek_tok(0)?;
        self.parameter_at(t)
    }

    /// [`Parser::parameter`], `t` being the next token, just looked at.
    fn parameter_at(&mut self, mut t: Token) -> PResult<B::Expr> {
        if t.kind == K::Whitespace {
            self.step();
            t = self.peek_tok(0)?;
        }
        self.enter(t.at())?;
        let e = self.parameter_inner(&t);
        self.leave();
        let e = e?;
        self.skip_ws()?;
        Ok(e)
    }

    fn parameter_inner(&mut self, t: &Token) -> PResult<B::Expr> {
        Ok(match t.kind {
            K::StringLiteral => self.string_literal(t)?,
            K::IntegerLiteral => self.integer_literal()?,
            K::LBracket if self.range_ahead()? => self.integer_range()?,
            K::LeftCurley => self.map()?,
            K::LBracket => self.object_array()?,
            K::True | K::False => {
                self.bump()?;
                self.b.bool(self.tspan(t), t.kind == K::True)
            }
            K::Identifier | K::LCurly => self.reference_expr(*t)?,
            K::FloatLiteral => self.float_literal()?,
            _ => return Err(self.unexpected(t, "a value")),
        })
    }

    /// `LOOKAHEAD(<LBRACKET> [<WHITESPACE>] (Reference() | IntegerLiteral()) [<WHITESPACE>] <DOUBLEDOT>)`
    fn range_ahead(&mut self) -> PResult<bool> {
        let (save, depth) = (self.cur, self.depth);
        let lens = self.scratch.lens();
        self.speculating += 1;
        self.memo_live = true;
        let r = self.range_ahead_inner();
        self.speculating -= 1;
        self.cur = save;
        self.depth = depth;
        self.scratch.truncate(lens);
        match r {
            Ok(b) => Ok(b),
            Err(e) if e.lexical => Err(e),
            Err(_) => Ok(false),
        }
    }

    fn range_ahead_inner(&mut self) -> PResult<bool> {
        self.bump()?; // '['
        self.skip_ws()?;
        match self.peek(0)? {
            K::IntegerLiteral => {
                self.bump()?;
            }
            K::Identifier => {
                self.reference()?;
            }
            K::LCurly if self.peek(1)? == K::Identifier => {
                self.reference()?;
            }
            _ => return Ok(false),
        }
        self.skip_ws()?;
        Ok(self.peek(0)? == K::DoubleDot)
    }

    /// `IntegerRange()`
    fn integer_range(&mut self) -> PResult<B::Expr> {
        let lb = self.bump()?;
        self.skip_ws()?;
        let from = self.range_end()?;
        self.skip_ws()?;
        self.expect(K::DoubleDot, "'..'")?;
        self.skip_ws()?;
        let to = self.range_end()?;
        self.skip_ws()?;
        let rb = self.expect(K::RBracket, "']' to close the range")?;
        let span = self.span(lb.at(), rb.to());
        Ok(self.b.range(span, from, to))
    }

    fn range_end(&mut self) -> PResult<B::Expr> {
        let t = self.peek_tok(0)?;
        match t.kind {
            K::IntegerLiteral => self.integer_literal(),
            K::Identifier | K::LCurly => self.reference_expr(t),
            _ => Err(self.unexpected(&t, "an integer or a reference in the range")),
        }
    }

    /// `ObjectArray()`
    fn object_array(&mut self) -> PResult<B::Expr> {
        let lb = self.bump()?;
        let items_from = self.scratch.exprs.len();
        let k = self.peek(0)?;
        if k == K::Whitespace || starts_parameter(k) {
            let e = self.parameter()?;
            self.scratch.exprs.push(e);
            // Each round consumes a comma.
            while self.peek(0)? == K::Comma {
                self.step();
                let e = self.parameter()?;
                self.scratch.exprs.push(e);
            }
        }
        let rb = self.expect(K::RBracket, "',' or ']' in the list")?;
        let items = take_from(&mut self.scratch.exprs, items_from);
        let span = self.span(lb.at(), rb.to());
        Ok(self.b.list(span, items))
    }

    /// `Map()`
    fn map(&mut self) -> PResult<B::Expr> {
        let lc = self.bump()?;
        let mut entries = Vec::new();
        // LOOKAHEAD(2) Parameter()
        let k0 = self.peek(0)?;
        let has_entries =
            starts_parameter(k0) || (k0 == K::Whitespace && starts_parameter(self.peek(1)?));
        if has_entries {
            // Each round consumes at least a ':'.
            loop {
                let k = self.parameter()?;
                self.expect(K::Colon, "':' in the map")?;
                let v = self.parameter()?;
                entries.push((k, v));
                if self.peek(0)? != K::Comma {
                    break;
                }
                self.bump()?;
            }
        } else {
            self.skip_ws()?;
        }
        let t = self.peek_tok(0)?;
        if t.kind != K::RightCurley && t.kind != K::RCurly {
            return Err(self.unexpected(&t, "',' or '}' in the map"));
        }
        self.bump()?;
        let span = self.span(lc.at(), t.to());
        Ok(self.b.map(span, entries))
    }

    fn integer_literal(&mut self) -> PResult<B::Expr> {
        let t = self.bump()?;
        let img = self.image(&t);
        let span = self.tspan(&t);
        let lit = if let Ok(i) = img.parse::<i32>() {
            IntLit::Int(i)
        } else if let Ok(l) = img.parse::<i64>() {
            IntLit::Long(l)
        } else if let Ok(b) = img.parse::<BigInt>() {
            IntLit::Big(b)
        } else {
            return Err(self.fail(
                span,
                format!("invalid integer {}", crate::syntax::span::excerpt(img, 40)),
            ));
        };
        Ok(self.b.int(span, lit))
    }

    fn float_literal(&mut self) -> PResult<B::Expr> {
        let t = self.bump()?;
        let img = self.image(&t);
        let span = self.tspan(&t);
        match img.parse::<f64>() {
            Ok(f) => Ok(self.b.float(span, f)),
            Err(_) => Err(self.fail(
                span,
                format!("invalid number {}", crate::syntax::span::excerpt(img, 40)),
            )),
        }
    }

    /// `StringLiteral()` with `ASTStringLiteral`'s processing.
    /// `t`: the next token, just looked at (a string literal).
    fn string_literal(&mut self, t: &Token) -> PResult<B::Expr> {
        let t = *t;
        self.step();
        self.scratch.strings += 1;
        let img = self.image(&t);
        let body = img.get(1..img.len().saturating_sub(1)).unwrap_or("");
        // Nothing to process: no quote (a doubled one), and in `"…"` no `$`
        // or `#` (a template inside) and no backslash (a `\u` escape, or
        // nothing: then processing gives the body too). Short: scanned byte
        // by byte.
        let plain = match img.as_bytes().first() {
            Some(b'\'') => !body.bytes().any(|b| b == b'\''),
            _ => !body
                .bytes()
                .any(|b| matches!(b, b'"' | b'$' | b'#' | b'\\')),
        };
        if plain {
            // The body as written: a range of the text, nothing copied.
            let value = Text::slice_of(self.buf, body);
            return Ok(self.b.str(self.tspan(&t), value));
        }
        self.processed_string_literal(&t)
    }

    /// [`Parser::string_literal`] for a literal whose body is processed
    /// (out of line: most are plain).
    #[inline(never)]
    fn processed_string_literal(&mut self, t: &Token) -> PResult<B::Expr> {
        let img = self.image(t);
        let span = self.tspan(t);
        let quote = img.chars().next().unwrap_or('"');
        let body_start = t.at() + 1;
        let body = img.get(1..img.len().saturating_sub(1)).unwrap_or("");
        let interpolate = quote == '"' && (img.contains('$') || img.contains('#'));
        // The processed body and, for each of its bytes, the source offset.
        let mut value = String::with_capacity(body.len());
        let mut offs: Vec<u32> = Vec::with_capacity(body.len() + 2);
        let bytes = body.as_bytes();
        let mut i = 0;
        let mut pending_high: Option<(u16, usize)> = None;
        // Each round consumes at least one character.
        while i < body.len() {
            let at = body_start + i;
            if quote == '"' && bytes.get(i) == Some(&b'\\') && bytes.get(i + 1) == Some(&b'u') {
                let hex = body.get(i + 2..i + 6).unwrap_or("");
                let unit = if hex.len() == 4 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    u16::from_str_radix(hex, 16).ok()
                } else {
                    None
                };
                let Some(unit) = unit else {
                    return Err(self.fail(
                        self.span(at, at + 2),
                        "invalid \\u escape in a string literal",
                    ));
                };
                if (0xD800..0xDC00).contains(&unit) {
                    if let Some((_, hat)) = pending_high.take() {
                        push_mapped(&mut value, &mut offs, '\u{FFFD}', self.abs(hat));
                    }
                    pending_high = Some((unit, at));
                } else {
                    let c = match pending_high.take() {
                        Some((hi, hat)) if (0xDC00..0xE000).contains(&unit) => {
                            let cp =
                                0x10000 + (((hi as u32) - 0xD800) << 10) + ((unit as u32) - 0xDC00);
                            let c = char::from_u32(cp).unwrap_or('\u{FFFD}');
                            push_mapped(&mut value, &mut offs, c, self.abs(hat));
                            i += 6;
                            continue;
                        }
                        Some((_, hat)) => {
                            push_mapped(&mut value, &mut offs, '\u{FFFD}', self.abs(hat));
                            char::from_u32(unit as u32).unwrap_or('\u{FFFD}')
                        }
                        None => char::from_u32(unit as u32).unwrap_or('\u{FFFD}'),
                    };
                    push_mapped(&mut value, &mut offs, c, self.abs(at));
                }
                i += 6;
                continue;
            }
            if let Some((_, hat)) = pending_high.take() {
                push_mapped(&mut value, &mut offs, '\u{FFFD}', self.abs(hat));
            }
            let c = body.get(i..).and_then(|r| r.chars().next()).unwrap_or(' ');
            push_mapped(&mut value, &mut offs, c, self.abs(at));
            i += c.len_utf8();
            if c == quote && body.get(i..).is_some_and(|r| r.starts_with(quote)) {
                i += 1;
            }
        }
        if let Some((_, hat)) = pending_high.take() {
            push_mapped(&mut value, &mut offs, '\u{FFFD}', self.abs(hat));
        }
        let close = self.abs(t.to().saturating_sub(1));
        if interpolate {
            let body = self.interpolate(&value, offs, close, span)?;
            return Ok(self.b.interpolated(span, value.into(), body));
        }
        Ok(self.b.str(span, value.into()))
    }

    /// Parses an interpolated string's body as a template (1.7 appends a space
    /// unless the body contains `##`, and cuts the last character of the output).
    fn interpolate(
        &mut self,
        value: &str,
        mut offs: Vec<u32>,
        close: usize,
        span: Span,
    ) -> PResult<B::Block> {
        self.enter(span.start as usize)?;
        let line_comment = value.contains("##");
        let mut text = value.to_string();
        if !line_comment {
            text.push(' ');
            offs.push(close as u32);
        }
        offs.push(close as u32);
        let text: Arc<str> = Arc::from(text);
        let mut sub = Parser::new(
            self.src,
            &text,
            Some(offs),
            self.macros,
            &mut *self.b,
            self.depth,
        );
        #[cfg(test)]
        {
            sub.lex_ahead = self.lex_ahead;
        }
        sub.scratch = std::mem::take(&mut self.scratch);
        let r = sub.template();
        self.scratch = std::mem::take(&mut sub.scratch);
        self.leave();
        let mut block = match r {
            Ok(b) => b,
            Err(mut f) => {
                f.message = format!(
                    "in the string literal at {}: {}",
                    LineCol::of(self.src, span.start as usize),
                    f.message
                );
                f.lexical = false;
                return Err(f);
            }
        };
        if !line_comment {
            let nodes = B::nodes_of(&mut block);
            if let Some((s, t)) = nodes.last_mut().and_then(B::text_of) {
                if t.ends_with(' ') {
                    if t.len() == 1 {
                        nodes.pop();
                    } else {
                        t.cut_end(1);
                        s.end = s.end.min(close as u32);
                    }
                }
            }
        }
        Ok(block)
    }
}

/// Where the ASCII byte `b` first is in `s` (a short image: a plain scan
/// costs less than a search's setting up).
fn byte_at(s: &str, b: u8) -> Option<usize> {
    s.bytes().position(|c| c == b)
}

fn push_mapped(value: &mut String, offs: &mut Vec<u32>, c: char, at: usize) {
    value.push(c);
    for _ in 0..c.len_utf8() {
        offs.push(at as u32);
    }
}

/// A parsed `Reference()`: a reference (with text 1.7 prints in front of it),
/// or text when 1.7 treats it as a plain token. Boxed parts only: results
/// carrying one are returned in registers.
enum RefOrText<B: Build> {
    Ref(Box<B::Ref>),
    Prefixed(Box<(Box<B::Ref>, Span, String)>),
    Text(Box<(Span, String)>),
}

impl<B: Build> Clone for RefOrText<B> {
    fn clone(&self) -> Self {
        match self {
            RefOrText::Ref(r) => RefOrText::Ref(r.clone()),
            RefOrText::Prefixed(p) => RefOrText::Prefixed(p.clone()),
            RefOrText::Text(t) => RefOrText::Text(t.clone()),
        }
    }
}

impl<B: Build> RefOrText<B> {
    /// The reference (without its prefix), or the text.
    fn into_ref(self) -> Result<Box<B::Ref>, (Span, String)> {
        match self {
            RefOrText::Ref(r) => Ok(r),
            RefOrText::Prefixed(p) => Ok(p.0),
            RefOrText::Text(t) => Err(*t),
        }
    }
}

/// A binary operator's token: the operator and its precedence, lowest first
/// (`||`, `&&`, `==` `!=`, `<` `>` `<=` `>=`, `+` `-`, `*` `/` `%`).
fn binary_op(k: K) -> Option<(BinOp, u8)> {
    Some(match k {
        K::Or => (BinOp::Or, 0),
        K::And => (BinOp::And, 1),
        K::EqEq => (BinOp::Eq, 2),
        K::Ne => (BinOp::Ne, 2),
        K::Lt => (BinOp::Lt, 3),
        K::Gt => (BinOp::Gt, 3),
        K::Le => (BinOp::Le, 3),
        K::Ge => (BinOp::Ge, 3),
        K::Plus => (BinOp::Add, 4),
        K::Minus => (BinOp::Sub, 4),
        K::Multiply => (BinOp::Mul, 5),
        K::Divide => (BinOp::Div, 5),
        K::Modulus => (BinOp::Mod, 5),
        _ => return None,
    })
}

/// A block being built: its nodes are those of [`Scratch::nodes`] from
/// `start` on, or, once there are many, `spilled`. Consecutive text is merged
/// into one node; the text waits until something else comes, in `pending`
/// while it is one slice of the text being parsed (made a node without a
/// copy in between), else in `text`.
struct Out<'t, B: Build> {
    start: usize,
    spilled: Option<Vec<B::Node>>,
    /// How deep the walker nests inside the nodes so far (see
    /// [`Build::last_height`]).
    height: u32,
    /// Where the block starts in the text (to size `spilled`).
    from: usize,
    /// A slice of `buf`.
    pending: &'t str,
    /// The text being parsed, shared.
    buf: &'t Arc<str>,
    text: String,
    text_span: Span,
}

/// Blocks with more nodes than this (the template's top level, typically)
/// grow in a vector of their own: copying them at the end would touch their
/// memory twice.
const SPILL_AT: usize = 256;

/// Stacks that lists are built on before they move into the tree at their
/// final size: one allocation per list, and no capacity to spare.
struct Scratch<B: Build> {
    nodes: Vec<B::Node>,
    exprs: Vec<B::Expr>,
    /// Text buffers for [`Out`], kept for reuse.
    texts: Vec<String>,
    /// Where the statement being parsed starts, and the text's length.
    at: usize,
    len: usize,
    /// The names of the tree (see [`Parser::name`]).
    names: Interner,
    /// The string literals parsed (see [`Counts`]).
    strings: usize,
}

impl<B: Build> Default for Scratch<B> {
    fn default() -> Scratch<B> {
        Scratch {
            nodes: Vec::new(),
            exprs: Vec::new(),
            texts: Vec::new(),
            at: 0,
            len: 0,
            names: Interner::default(),
            strings: 0,
        }
    }
}

/// The items of `stack` from `from` on, moved into a vector of their number
/// in one copy (`split_off(0)` would hand over the stack's own buffer).
fn take_from<T>(stack: &mut Vec<T>, from: usize) -> Vec<T> {
    let from = from.min(stack.len());
    if from == 0 {
        let mut v = Vec::with_capacity(stack.len());
        v.append(stack);
        v
    } else {
        stack.split_off(from)
    }
}

impl<B: Build> Scratch<B> {
    fn open<'t>(&mut self, buf: &'t Arc<str>) -> Out<'t, B> {
        Out {
            start: self.nodes.len(),
            spilled: None,
            height: 0,
            from: 0,
            pending: "",
            buf,
            text: self.texts.pop().unwrap_or_default(),
            text_span: Span::default(),
        }
    }

    #[inline]
    fn push(&mut self, out: &mut Out<'_, B>, node: B::Node) {
        if !out.pending.is_empty() || !out.text.is_empty() {
            self.flush(out);
        }
        self.push_node(out, node);
    }

    /// Inlined: a node is pushed for nearly every statement, and a call
    /// would copy it once more on the way.
    #[inline(always)]
    fn push_node(&mut self, out: &mut Out<'_, B>, node: B::Node) {
        self.target(out).push(node);
    }

    /// The vector the block's next node goes to (the block spilled first
    /// when it has grown long): a node made as it is pushed there is made
    /// in its place.
    #[inline(always)]
    fn target<'s>(&'s mut self, out: &'s mut Out<'_, B>) -> &'s mut Vec<B::Node> {
        if out.spilled.is_none() && self.nodes.len() - out.start >= SPILL_AT {
            self.spill(out);
        }
        match &mut out.spilled {
            Some(v) => v,
            None => &mut self.nodes,
        }
    }

    /// Moves a block that has grown long into a vector of its own, with room
    /// for as many nodes as the rest of the text holds at the density so far
    /// (growing by doubling would copy them all).
    #[cold]
    #[inline(never)]
    fn spill(&mut self, out: &mut Out<'_, B>) {
        let done = self.at.saturating_sub(out.from).max(1);
        let rest = self.len.saturating_sub(out.from);
        let guess = (SPILL_AT * (rest / done)).saturating_add(SPILL_AT * (rest % done) / done);
        let room = (guess + guess / 8 + 16).clamp(4 * SPILL_AT, rest.max(4 * SPILL_AT));
        let mut v = Vec::with_capacity(room);
        v.extend(self.nodes.drain(out.start.min(self.nodes.len())..));
        out.spilled = Some(v);
    }

    /// Removes and returns the block's last node if it is text.
    fn pop_text(&mut self, out: &mut Out<'_, B>) -> Option<(Span, Text)> {
        let nodes = match &mut out.spilled {
            Some(v) => v,
            None if self.nodes.len() > out.start => &mut self.nodes,
            None => return None,
        };
        match nodes.pop().map(B::into_text) {
            Some(Ok(text)) => Some(text),
            Some(Err(other)) => {
                nodes.push(other);
                None
            }
            None => None,
        }
    }

    /// Appends text, merging with a preceding text node.
    fn push_text(&mut self, out: &mut Out<'_, B>, span: Span, s: &str) {
        if s.is_empty() {
            return;
        }
        if !out.pending.is_empty() {
            out.text.push_str(std::mem::take(&mut out.pending));
        }
        if out.text.is_empty() {
            // A text node pushed as a node (`#literal`) takes text after it.
            match self.pop_text(out) {
                Some((prev_span, prev)) => {
                    out.text.push_str(&prev);
                    out.text_span = prev_span;
                }
                None => out.text_span = span,
            }
        }
        out.text_span = out.text_span.join(span);
        out.text.push_str(s);
    }

    /// [`Scratch::push_text`] for a slice of the text being parsed, kept as
    /// a slice while it is the only text waiting (and made a range of the
    /// text, not a copy).
    #[inline]
    fn push_source<'t>(&mut self, out: &mut Out<'t, B>, span: Span, s: &'t str) {
        if s.is_empty() {
            return;
        }
        if out.pending.is_empty() && out.text.is_empty() && !self.last_is_text(out) {
            out.pending = s;
            out.text_span = span;
        } else {
            self.push_text(out, span, s);
        }
    }

    /// Whether the block's last node is text.
    fn last_is_text(&self, out: &Out<'_, B>) -> bool {
        let last = match &out.spilled {
            Some(v) => v.last(),
            None => self.nodes.get(out.start..).and_then(<[B::Node]>::last),
        };
        last.is_some_and(B::is_text)
    }

    #[inline(never)]
    fn flush(&mut self, out: &mut Out<'_, B>) {
        // Each text node is made where it goes (made first and then
        // pushed, its copy's wide loads would wait on the narrow stores that
        // made it).
        let span = out.text_span;
        if !out.pending.is_empty() {
            let text = Text::slice_of(out.buf, std::mem::take(&mut out.pending));
            self.target(out).push(B::text(span, text));
        } else if !out.text.is_empty() {
            let text: Text = out.text.as_str().into();
            out.text.clear();
            self.target(out).push(B::text(span, text));
        }
    }

    fn finish(&mut self, mut out: Out<'_, B>) -> Vec<B::Node> {
        self.flush(&mut out);
        self.texts.push(std::mem::take(&mut out.text));
        match out.spilled {
            Some(mut v) => {
                v.shrink_to_fit();
                v
            }
            None => take_from(&mut self.nodes, out.start),
        }
    }

    fn lens(&self) -> [usize; 2] {
        [self.nodes.len(), self.exprs.len()]
    }

    /// Drops what was pushed since [`Scratch::lens`] (after a speculative parse).
    fn truncate(&mut self, [nodes, exprs]: [usize; 2]) {
        self.nodes.truncate(nodes);
        self.exprs.truncate(exprs);
    }
}

#[cfg(test)]
mod tests;
