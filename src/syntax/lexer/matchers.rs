//! Token matchers over bytes, and which kinds can start with which byte.
//!
//! [`match_kind`] gives the length of the longest match of a token kind's
//! regular expression (from `Parser.jjt`) at the start of a byte slice.
//! Numbers, bracketed words and escaped directives (`\#if`, `\\#{end}`),
//! whose expressions have several optional parts, are nom combinators over
//! `&[u8]`; every other kind, the ones met at nearly every token, is a direct
//! byte test or scan: text is a `memchr` search for the next `$`, `#` or `\`,
//! identifiers, words and whitespace are runs of a byte class.
//!
//! [`candidates`] lists, per lexical state and first byte, the kinds of the state
//! that can match there, in declaration order, so the lexer tries one to
//! three kinds per token instead of every kind of the state.
//!
//! All matches end on a character boundary: every expression ends with an
//! ASCII byte, except the "any character" ones, which take a whole UTF-8
//! sequence.

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1, take_while_m_n};
use nom::combinator::{opt, recognize};
use nom::multi::many0_count;
use nom::sequence::tuple;
use nom::IResult;

use super::{kinds, State, K};

type Res<'a> = IResult<&'a [u8], &'a [u8]>;

fn len_of(r: Res<'_>) -> Option<usize> {
    match r {
        Ok((_, m)) if !m.is_empty() => Some(m.len()),
        _ => None,
    }
}

pub(super) const fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}
const fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'@'
}
pub(super) const fn is_identifier_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}
const fn is_directive_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'@'
}
const fn is_identifier_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}
const fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The index of the first byte at or after `from` that is not `pred`.
#[inline]
fn run(s: &[u8], from: usize, pred: impl Fn(u8) -> bool) -> usize {
    s.get(from..)
        .and_then(|r| r.iter().position(|&b| !pred(b)))
        .map_or(s.len(), |p| from + p)
}

/// The length of `("\n" | "\r" | "\r\n")` at `s[at..]`, 0 if none.
fn newline_at(s: &[u8], at: usize) -> usize {
    match s.get(at..) {
        Some([b'\r', b'\n', ..]) => 2,
        Some([b'\n' | b'\r', ..]) => 1,
        _ => 0,
    }
}

/// `t` at the start of `s`, then `( (" " | "\t")* newline )?`: the tail
/// that `)`, `#end` and `#else` swallow.
fn with_blank_line_tail(s: &[u8], t: &[u8]) -> Option<usize> {
    if !s.starts_with(t) {
        return None;
    }
    Some(blank_line_tail(s, t.len()))
}

/// The length of the first `at` bytes of `s` and the tail of
/// [`with_blank_line_tail`] after them: for the lexer's direct paths, which
/// have seen the `)`, `end` or `else` already.
#[inline]
pub(super) fn blank_line_tail(s: &[u8], at: usize) -> usize {
    let blanks = run(s, at, is_blank);
    match newline_at(s, blanks) {
        0 => at,
        n => blanks + n,
    }
}

/// The length of the text (`$`, `#` and `\\` end it) at the start of `s`:
/// its first 16 bytes are scanned a word at a time (the text between two
/// references is short), the rest by `memchr`.
#[inline]
pub(super) fn text_len(s: &[u8]) -> usize {
    match in_first_words(s, |v| {
        has_byte(v, b'$') | has_byte(v, b'#') | has_byte(v, b'\\')
    }) {
        Ok(i) => i,
        Err(at) => {
            let rest = s.get(at..).unwrap_or(&[]);
            at + memchr::memchr3(b'$', b'#', b'\\', rest).unwrap_or(rest.len())
        }
    }
}

/// Where `b` first is in `s`: its first 16 bytes are scanned a word at a
/// time (strings are short), the rest by `memchr`.
#[inline]
fn byte_in(s: &[u8], b: u8) -> Option<usize> {
    match in_first_words(s, |v| has_byte(v, b)) {
        Ok(i) => Some(i),
        Err(at) => memchr::memchr(b, s.get(at..)?).map(|n| at + n),
    }
}

/// The first byte of `s` that `hits` marks (by [`has_byte`]'s high bits of
/// a little-endian word) among its first 16, read a word at a time: `Ok` with
/// its index, or `Err` with where the search is to go on.
#[inline(always)]
fn in_first_words(s: &[u8], hits: impl Fn(u64) -> u64) -> Result<usize, usize> {
    let mut at = 0;
    while at < 16 {
        let Some(w) = s.get(at..at + 8) else {
            break;
        };
        let mut b = [0u8; 8];
        b.copy_from_slice(w);
        let found = hits(u64::from_le_bytes(b));
        if found != 0 {
            return Ok(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    Err(at)
}

/// The high bit of each byte of `v` equal to `b`, and maybe of bytes above
/// the first such byte (the lowest bit set is always the first match).
#[inline]
fn has_byte(v: u64, b: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let x = v ^ (ONES * u64::from(b));
    x.wrapping_sub(ONES) & !x & (ONES << 7)
}

/// Whether `#set(` (or `#{set}(`) can start at `s` after its blanks: the
/// first byte after them is `#`. When not, the blanks start no `#set(`.
#[inline]
pub(super) fn may_start_set(s: &[u8]) -> bool {
    s.get(run(s, 0, is_blank)) == Some(&b'#')
}

/// Whether text in the default state can start with `b` and nothing else
/// can (`$`, `#` and `\\` start other tokens, blanks can start `#set(`).
#[inline]
pub(super) const fn is_plain_text_start(b: u8) -> bool {
    !matches!(b, b'$' | b'#' | b'\\' | b' ' | b'\t')
}

/// Whether `b`, after a reference (in the `Reference` and `RefModifier`
/// states), starts nothing but the reference terminator, and makes no special
/// text: not `[`, `(`, blanks (`#set(`), `#`, `$`, `\\`, `{`, `}`, `.`, an
/// identifier's first byte.
#[inline]
pub(super) const fn is_plain_terminator(b: u8) -> bool {
    !matches!(
        b,
        b'[' | b'(' | b' ' | b'\t' | b'#' | b'$' | b'\\' | b'{' | b'}' | b'.'
    ) && !is_identifier_start(b)
}

/// [`CLASS`] bits: an ASCII letter.
pub(super) const ALPHA: u8 = 1;
/// [`CLASS`] bits: [`is_identifier_start`].
pub(super) const IDENTIFIER_START: u8 = 2;
/// [`CLASS`] bits: [`is_plain_terminator`].
pub(super) const PLAIN_TERMINATOR: u8 = 4;
/// [`CLASS`] bits: [`is_plain_text_start`].
pub(super) const PLAIN_TEXT_START: u8 = 8;

/// The byte classes the lexer's direct paths test at nearly every token,
/// by byte: one load and a bit test instead of range and set tests.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let mut c = 0;
        if b.is_ascii_alphabetic() {
            c |= ALPHA;
        }
        if is_identifier_start(b) {
            c |= IDENTIFIER_START;
        }
        if is_plain_terminator(b) {
            c |= PLAIN_TERMINATOR;
        }
        if is_plain_text_start(b) {
            c |= PLAIN_TEXT_START;
        }
        t[i] = c;
        i += 1;
    }
    t
};

/// Whether `b` is of one of the classes `bits` ([`CLASS`]).
#[inline(always)]
pub(super) fn is(b: u8, bits: u8) -> bool {
    CLASS[b as usize] & bits != 0
}

/// The length of a run of directive characters (letters, digits, `_`, `@`)
/// at the start of `s`.
#[inline]
pub(super) fn directive_word_len(s: &[u8]) -> usize {
    s.iter()
        .position(|&b| !DIRECTIVE_CHAR[b as usize])
        .unwrap_or(s.len())
}

/// [`is_directive_char`] as a table.
static DIRECTIVE_CHAR: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = is_directive_char(b as u8);
        b += 1;
    }
    t
};

/// The length of a run of ASCII digits at the start of `s`.
#[inline]
pub(super) fn digits_len(s: &[u8]) -> usize {
    run(s, 0, |b| b.is_ascii_digit())
}

/// The length of a run of whitespace (1.7's `WHITESPACE` token: space, tab,
/// newline, carriage return) at the start of `s`.
#[inline]
pub(crate) fn whitespace_len(s: &[u8]) -> usize {
    run(s, 0, is_whitespace)
}

/// The kind of the identifier `s[..n]`: `true` and `false` are their own.
#[inline]
pub(super) fn identifier_kind(s: &[u8], n: usize) -> K {
    match s.get(..n) {
        Some(b"true") => K::True,
        Some(b"false") => K::False,
        _ => K::Identifier,
    }
}

/// The length of an identifier at the start of `s`, which starts with a
/// letter or `_`.
#[inline]
pub(super) fn identifier_len(s: &[u8]) -> usize {
    let mut i = 1;
    // Two bytes a round while two are left (one bound test for both).
    while let Some(&[a, b]) = s.get(i..i + 2) {
        if !IDENTIFIER_CHAR[a as usize] {
            return i;
        }
        if !IDENTIFIER_CHAR[b as usize] {
            return i + 1;
        }
        i += 2;
    }
    match s.get(i) {
        Some(&b) if IDENTIFIER_CHAR[b as usize] => i + 1,
        _ => i,
    }
}

/// [`is_identifier_char`] as a table.
static IDENTIFIER_CHAR: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = is_identifier_char(b as u8);
        b += 1;
    }
    t
};

/// The end of a run of backslashes starting at `at`.
fn backslashes(s: &[u8], at: usize) -> usize {
    run(s, at, |b| b == b'\\')
}

/// `WORD: (LETTER | "_" | "@") (DIRECTIVE_CHAR)*`
fn word_len(s: &[u8]) -> Option<usize> {
    if !is_word_start(*s.first()?) {
        return None;
    }
    Some(run(s, 1, is_directive_char))
}

fn word(s: &[u8]) -> Res<'_> {
    match word_len(s).and_then(|n| s.split_at_checked(n)) {
        Some((m, rest)) => Ok((rest, m)),
        None => Err(nom::Err::Error(nom::error::Error::new(
            s,
            nom::error::ErrorKind::TakeWhile1,
        ))),
    }
}

/// `BRACKETED_WORD: "{" (LETTER | "_") (DIRECTIVE_CHAR)* "}"`
fn bracketed_word(s: &[u8]) -> Res<'_> {
    recognize(tuple((
        tag("{"),
        take_while_m_n(1, 1, is_identifier_start),
        take_while(is_directive_char),
        tag("}"),
    )))(s)
}

fn digits(s: &[u8]) -> Res<'_> {
    take_while1(|b: u8| b.is_ascii_digit())(s)
}

/// `EXPONENT: ["e","E"] (["+","-"])? (["0"-"9"])+`
fn exponent(s: &[u8]) -> Res<'_> {
    recognize(tuple((
        take_while_m_n(1, 1, |b| b == b'e' || b == b'E'),
        opt(take_while_m_n(1, 1, |b| b == b'+' || b == b'-')),
        digits,
    )))(s)
}

/// `INTEGER_LITERAL: ("-")? (["0"-"9"])+`, with the `..` 1.7 takes and gives back.
fn integer_literal(s: &[u8]) -> Option<usize> {
    len_of(recognize(tuple((opt(tag("-")), digits, opt(tag("..")))))(s))
}

/// `FLOATING_POINT_LITERAL`: the longest of its three forms.
fn float_literal(s: &[u8]) -> Option<usize> {
    let a = len_of(recognize(tuple((
        opt(tag("-")),
        digits,
        tag("."),
        take_while(|b: u8| b.is_ascii_digit()),
        opt(exponent),
    )))(s));
    let b = len_of(recognize(tuple((
        opt(tag("-")),
        tag("."),
        digits,
        opt(exponent),
    )))(s));
    let c = len_of(recognize(tuple((opt(tag("-")), digits, exponent)))(s));
    a.max(b).max(c)
}

/// `\#name`, `\#{name}`, after any number of `\\` pairs.
fn escape_directive(s: &[u8]) -> Option<usize> {
    len_of(recognize(tuple((
        many0_count(tag("\\\\")),
        tag("\\#"),
        alt((word, bracketed_word)),
    )))(s))
}

/// `(" " | "\t")* ("#set" | "#{set}") (" ")* "("`
fn set_directive(s: &[u8]) -> Option<usize> {
    let at = run(s, 0, is_blank);
    let rest = s.get(at..)?;
    let name = if rest.starts_with(b"#set") {
        4
    } else if rest.starts_with(b"#{set}") {
        6
    } else {
        return None;
    };
    let at = run(s, at + name, |b| b == b' ');
    (s.get(at) == Some(&b'(')).then_some(at + 1)
}

/// The longest string literal: a quote, then anything but that quote or a
/// doubled quote, then the quote (`\"` does not escape in 1.7).
pub(super) fn string_literal(s: &[u8]) -> Option<usize> {
    let q = *s.first()?;
    if q != b'"' && q != b'\'' {
        return None;
    }
    let mut i = 1;
    // A doubled quote is one quote in the string, or the end of it followed
    // by another quote: the longer match wins when one follows.
    let mut best = None;
    // Each round moves past a quote.
    while let Some(n) = s.get(i..).and_then(|r| byte_in(r, q)) {
        i += n;
        best = Some(i + 1);
        if s.get(i + 1) != Some(&q) {
            break;
        }
        i += 2;
    }
    best
}

/// The length of the character `s` starts with (`s` starts on a boundary).
fn char_len(s: &[u8]) -> Option<usize> {
    let n = match *s.first()? {
        b if b < 0x80 => 1,
        b if b < 0xE0 => 2,
        b if b < 0xF0 => 3,
        _ => 4,
    };
    Some(n.min(s.len()))
}

#[inline]
fn lit(s: &[u8], t: &[u8]) -> Option<usize> {
    if s.starts_with(t) {
        Some(t.len())
    } else {
        None
    }
}

/// The length of the longest match of `kind` at the start of `s`.
#[inline]
pub(super) fn match_kind(kind: K, s: &[u8]) -> Option<usize> {
    use K::*;
    match kind {
        IndexLBracket | LBracket => lit(s, b"["),
        IndexRBracket | RBracket => lit(s, b"]"),
        Comma => lit(s, b","),
        DoubleDot => lit(s, b".."),
        Colon => lit(s, b":"),
        LeftCurley | LCurly => lit(s, b"{"),
        RightCurley | RCurly => lit(s, b"}"),
        LParen => lit(s, b"("),
        RParen => with_blank_line_tail(s, b")"),
        RefMod2RParen => lit(s, b")"),
        EscapeDirective => escape_directive(s),
        SetDirective => set_directive(s),
        Dollar => {
            let at = backslashes(s, 0);
            (s.get(at) == Some(&b'$')).then_some(at + 1)
        }
        DollarBang => {
            let at = backslashes(s, 0);
            if s.get(at) != Some(&b'$') {
                return None;
            }
            let at = backslashes(s, at + 1);
            (s.get(at) == Some(&b'!')).then_some(at + 1)
        }
        TextBlockStart => lit(s, b"#[["),
        FormalCommentStart => {
            let rest = s.strip_prefix(b"#**")?;
            if rest.first()? == &b'#' {
                None
            } else {
                Some(3 + char_len(rest)?)
            }
        }
        MultiCommentStart => lit(s, b"#*"),
        Hash => lit(s, b"#"),
        SingleLineCommentStart => lit(s, b"##"),
        DoubleEscape => lit(s, b"\\\\"),
        Escape => lit(s, b"\\"),
        Text => match text_len(s) {
            0 => None,
            n => Some(n),
        },
        SingleLineComment | Newline => match newline_at(s, 0) {
            0 => None,
            n => Some(n),
        },
        FormalComment | MultiLineComment => lit(s, b"*#"),
        TextBlock => lit(s, b"]]#"),
        Skip | MoreAny | RefTerminator | DirectiveTerminator => char_len(s),
        Whitespace => {
            let n = run(s, 0, is_whitespace);
            (n > 0).then_some(n)
        }
        StringLiteral => string_literal(s),
        True => lit(s, b"true"),
        False => lit(s, b"false"),
        Minus => lit(s, b"-"),
        Plus => lit(s, b"+"),
        Multiply => lit(s, b"*"),
        Divide => lit(s, b"/"),
        Modulus => lit(s, b"%"),
        And => lit(s, b"&&").or_else(|| lit(s, b"and")),
        Or => lit(s, b"||").or_else(|| lit(s, b"or")),
        Lt => lit(s, b"<").or_else(|| lit(s, b"lt")),
        Le => lit(s, b"<=").or_else(|| lit(s, b"le")),
        Gt => lit(s, b">").or_else(|| lit(s, b"gt")),
        Ge => lit(s, b">=").or_else(|| lit(s, b"ge")),
        EqEq => lit(s, b"==").or_else(|| lit(s, b"eq")),
        Ne => lit(s, b"!=").or_else(|| lit(s, b"ne")),
        Not => lit(s, b"!").or_else(|| lit(s, b"not")),
        Equals => lit(s, b"="),
        End => with_blank_line_tail(s, b"end").or_else(|| with_blank_line_tail(s, b"{end}")),
        If => lit(s, b"if").or_else(|| lit(s, b"{if}")),
        ElseIf => lit(s, b"elseif").or_else(|| lit(s, b"{elseif}")),
        Else => with_blank_line_tail(s, b"else").or_else(|| with_blank_line_tail(s, b"{else}")),
        IntegerLiteral => integer_literal(s),
        FloatLiteral => float_literal(s),
        Word => word_len(s),
        BracketedWord => len_of(bracketed_word(s)),
        Identifier => {
            if !is_identifier_start(*s.first()?) {
                return None;
            }
            Some(identifier_len(s))
        }
        Dot => match s {
            [b'.', c, ..] if c.is_ascii_alphabetic() => Some(2),
            _ => None,
        },
        EmptyIndex => match s.strip_prefix(b"$")? {
            [b'[' | b'.', ..] => Some(2),
            [b'!', b'[', ..] => Some(3),
            [b'\\', b'!', b'[', ..] => Some(4),
            _ => None,
        },
        // The fast path's own: no state's matchers have it.
        DotName | Eof => None,
    }
}

/// The longest match for the commonest (state, first byte) pairs, decided
/// from a byte or two without trying each candidate; `None` when the pair is
/// not one of them (the caller then tries the candidates). The property tests
/// check it against the reference matchers.
#[inline]
pub(super) fn quick_match(state: State, s: &[u8]) -> Option<(K, usize)> {
    use State::*;
    let b = *s.first()?;
    let next = s.get(1).copied();
    Some(match (state, b) {
        // Every state has the `MORE` prefixes, declared before every other
        // kind that can start with `$` or `#`, and no other kind that is
        // longer without one of these second bytes.
        (_, b'$') if !matches!(next, Some(b'!' | b'[' | b'.' | b'\\')) => (K::Dollar, 1),
        (_, b'#') if !matches!(next, Some(b's' | b'{' | b'[' | b'*' | b'#')) => (K::Hash, 1),
        (Default, _) if !matches!(b, b'$' | b'#' | b'\\' | b' ' | b'\t') => (K::Text, text_len(s)),
        (Reference | RefModifier | RefMod2, _) if is_identifier_start(b) => {
            let n = identifier_len(s);
            let kind = match s.get(..n) {
                Some(b"true") => K::True,
                Some(b"false") => K::False,
                _ => K::Identifier,
            };
            (kind, n)
        }
        (Reference | RefModifier, b'.') => match next {
            Some(c) if c.is_ascii_alphabetic() => (K::Dot, 2),
            _ => (K::RefTerminator, 1),
        },
        // Bytes that start nothing but the reference terminator.
        (Reference | RefModifier, _)
            if !matches!(
                b,
                b'[' | b'(' | b' ' | b'\t' | b'#' | b'$' | b'\\' | b'{' | b'}'
            ) =>
        {
            (K::RefTerminator, char_len(s)?)
        }
        // (In `RefMod2` blanks can start `#set(`.)
        (Directive | RefIndex, b' ' | b'\t' | b'\n' | b'\r') | (RefMod2, b'\n' | b'\r') => {
            (K::Whitespace, run(s, 0, is_whitespace))
        }
        (Directive | RefMod2 | RefIndex, b'"' | b'\'') => (K::StringLiteral, string_literal(s)?),
        (Directive, b')') => (K::RParen, with_blank_line_tail(s, b")")?),
        (RefMod2, b')') => (K::RefMod2RParen, 1),
        (Directive | RefModifier, b'(') => (K::LParen, 1),
        (Directive | RefMod2, b',') => (K::Comma, 1),
        _ => return None,
    })
}

/// Whether some match of `kind` starts with byte `b`.
pub(super) const fn can_start(kind: K, b: u8) -> bool {
    use K::*;
    match kind {
        IndexLBracket | LBracket => b == b'[',
        IndexRBracket | RBracket => b == b']',
        Comma => b == b',',
        DoubleDot | Dot => b == b'.',
        Colon => b == b':',
        LeftCurley | LCurly => b == b'{',
        RightCurley | RCurly => b == b'}',
        LParen => b == b'(',
        RParen | RefMod2RParen => b == b')',
        EscapeDirective | DoubleEscape | Escape => b == b'\\',
        SetDirective => b == b' ' || b == b'\t' || b == b'#',
        Dollar | DollarBang => b == b'\\' || b == b'$',
        TextBlockStart | FormalCommentStart | MultiCommentStart | Hash | SingleLineCommentStart => {
            b == b'#'
        }
        Text => !matches!(b, b'$' | b'#' | b'\\'),
        SingleLineComment | Newline => b == b'\n' || b == b'\r',
        FormalComment | MultiLineComment | Multiply => b == b'*',
        TextBlock => b == b']',
        Skip | MoreAny | RefTerminator | DirectiveTerminator => true,
        Whitespace => is_whitespace(b),
        StringLiteral => b == b'"' || b == b'\'',
        True => b == b't',
        False => b == b'f',
        Minus => b == b'-',
        Plus => b == b'+',
        Divide => b == b'/',
        Modulus => b == b'%',
        And => b == b'&' || b == b'a',
        Or => b == b'|' || b == b'o',
        Lt | Le => b == b'<' || b == b'l',
        Gt | Ge => b == b'>' || b == b'g',
        EqEq => b == b'=' || b == b'e',
        Ne | Not => b == b'!' || b == b'n',
        Equals => b == b'=',
        End | ElseIf | Else => b == b'e' || b == b'{',
        If => b == b'i' || b == b'{',
        IntegerLiteral => b == b'-' || b.is_ascii_digit(),
        FloatLiteral => b == b'-' || b == b'.' || b.is_ascii_digit(),
        Word => is_word_start(b),
        BracketedWord => b == b'{',
        Identifier => is_identifier_start(b),
        EmptyIndex => b == b'$',
        DotName | Eof => false,
    }
}

/// The most kinds of one state that can start with one byte.
const MAX_CANDIDATES: usize = 12;

/// Kinds of one state that can start with one byte, in declaration order.
#[derive(Clone, Copy)]
pub(super) struct Candidates {
    len: u8,
    kinds: [K; MAX_CANDIDATES],
}

impl Candidates {
    pub(super) fn as_slice(&self) -> &[K] {
        self.kinds.get(..self.len as usize).unwrap_or(&[])
    }
}

/// Per lexical state (in [`State::ALL`] order) and first byte: the
/// candidates. Built at compile time.
static TABLE: [[Candidates; 256]; State::ALL.len()] = build_table();

const fn build_table() -> [[Candidates; 256]; State::ALL.len()] {
    let empty = Candidates {
        len: 0,
        kinds: [K::Eof; MAX_CANDIDATES],
    };
    let mut table = [[empty; 256]; State::ALL.len()];
    let mut si = 0;
    while si < State::ALL.len() {
        let ks = kinds(State::ALL[si]);
        let mut b = 0;
        while b < 256 {
            let mut n = 0;
            let mut i = 0;
            while i < ks.len() {
                if can_start(ks[i], b as u8) {
                    assert!(n < MAX_CANDIDATES, "raise MAX_CANDIDATES");
                    table[si][b].kinds[n] = ks[i];
                    n += 1;
                }
                i += 1;
            }
            table[si][b].len = n as u8;
            b += 1;
        }
        si += 1;
    }
    table
}

/// The kinds of `state` that can start with `b`, in declaration order.
#[inline]
pub(super) fn candidates(state: State, b: u8) -> &'static [K] {
    TABLE
        .get(state as usize)
        .and_then(|row| row.get(b as usize))
        .map_or(&[], Candidates::as_slice)
}

#[cfg(test)]
mod class_tests {
    use super::*;

    #[test]
    fn the_class_table_is_the_predicates() {
        for b in 0..=255u8 {
            assert_eq!(is(b, ALPHA), b.is_ascii_alphabetic(), "{b}");
            assert_eq!(is(b, IDENTIFIER_START), is_identifier_start(b), "{b}");
            assert_eq!(is(b, PLAIN_TERMINATOR), is_plain_terminator(b), "{b}");
            assert_eq!(is(b, PLAIN_TEXT_START), is_plain_text_start(b), "{b}");
        }
    }

    #[test]
    fn identifier_len_is_the_run_of_identifier_bytes() {
        let bytes = [b'a', b'Z', b'0', b'_', b'-', b'.', b' ', b'$', 0xc3, 0xa9];
        // Every string of up to five of these bytes after a first letter.
        for len in 0..=5u32 {
            for code in 0..bytes.len().pow(len) {
                let mut s = vec![b'x'];
                let mut c = code;
                for _ in 0..len {
                    s.push(bytes[c % bytes.len()]);
                    c /= bytes.len();
                }
                let run = 1 + s[1..]
                    .iter()
                    .take_while(|&&b| is_identifier_char(b))
                    .count();
                assert_eq!(identifier_len(&s), run, "{s:?}");
            }
        }
    }
}
