//! Token matchers over bytes, and which kinds can start with which byte.
//!
//! [`match_kind`] gives the length of the longest match of a token kind's
//! regular expression (from `Parser.jjt`) at the start of a byte slice. The
//! compound expressions (`#set(`, escaped directives, `$!` prefixes, numbers,
//! the blank-line tail of `)`, `#end` and `#else` …) are nom combinators over
//! `&[u8]`; the ones that run over long stretches of input are plain byte
//! scans: text (a `memchr` search for the next `$`, `#` or `\`), identifiers,
//! words, whitespace, string literals.
//!
//! [`Table`] lists, per lexical state and first byte, the kinds of the state
//! that can match there, in declaration order, so the lexer tries one or two
//! kinds per token instead of every kind of the state.
//!
//! All matches end on a character boundary: every expression ends with an
//! ASCII byte, except the "any character" ones, which take a whole UTF-8
//! sequence.

use std::sync::OnceLock;

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1, take_while_m_n};
use nom::combinator::{opt, recognize};
use nom::multi::many0_count;
use nom::sequence::{pair, tuple};
use nom::IResult;

use super::{kinds, State, K};

type Res<'a> = IResult<&'a [u8], &'a [u8]>;

fn len_of(r: Res<'_>) -> Option<usize> {
    match r {
        Ok((_, m)) if !m.is_empty() => Some(m.len()),
        _ => None,
    }
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}
fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'@'
}
fn is_identifier_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}
fn is_directive_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'@'
}
fn is_identifier_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}
fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The index of the first byte at or after `from` that is not `pred`.
fn run(s: &[u8], from: usize, pred: impl Fn(u8) -> bool) -> usize {
    s.get(from..)
        .and_then(|r| r.iter().position(|&b| !pred(b)))
        .map_or(s.len(), |p| from + p)
}

/// `("\n" | "\r" | "\r\n")`
fn newline(s: &[u8]) -> Res<'_> {
    alt((tag("\r\n"), tag("\n"), tag("\r")))(s)
}

/// `( (" " | "\t")* newline )?` — the tail `)`, `#end` and `#else` swallow.
fn blank_line_tail(s: &[u8]) -> Res<'_> {
    recognize(opt(pair(take_while(is_blank), newline)))(s)
}

/// `WORD: (LETTER | "_" | "@") (DIRECTIVE_CHAR)*`
fn word(s: &[u8]) -> Res<'_> {
    recognize(pair(
        take_while_m_n(1, 1, is_word_start),
        take_while(is_directive_char),
    ))(s)
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
    while let Some(n) = s.get(i..).and_then(|r| memchr::memchr(q, r)) {
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

fn lit(s: &[u8], t: &[u8]) -> Option<usize> {
    if s.starts_with(t) {
        Some(t.len())
    } else {
        None
    }
}

/// The length of the longest match of `kind` at the start of `s`.
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
        RParen => len_of(recognize(pair(tag(")"), blank_line_tail))(s)),
        RefMod2RParen => lit(s, b")"),
        EscapeDirective => len_of(recognize(tuple((
            many0_count(tag("\\\\")),
            tag("\\#"),
            alt((word, bracketed_word)),
        )))(s)),
        SetDirective => len_of(recognize(tuple((
            take_while(is_blank),
            alt((tag("#set"), tag("#{set}"))),
            take_while(|b| b == b' '),
            tag("("),
        )))(s)),
        Dollar => len_of(recognize(pair(take_while(|b| b == b'\\'), tag("$")))(s)),
        DollarBang => len_of(recognize(tuple((
            take_while(|b| b == b'\\'),
            tag("$"),
            take_while(|b| b == b'\\'),
            tag("!"),
        )))(s)),
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
        Text => {
            let n = memchr::memchr3(b'$', b'#', b'\\', s).unwrap_or(s.len());
            (n > 0).then_some(n)
        }
        SingleLineComment | Newline => len_of(newline(s)),
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
        End => len_of(recognize(pair(
            alt((tag("end"), tag("{end}"))),
            blank_line_tail,
        ))(s)),
        If => lit(s, b"if").or_else(|| lit(s, b"{if}")),
        ElseIf => lit(s, b"elseif").or_else(|| lit(s, b"{elseif}")),
        Else => len_of(recognize(pair(
            alt((tag("else"), tag("{else}"))),
            blank_line_tail,
        ))(s)),
        IntegerLiteral => len_of(recognize(tuple((opt(tag("-")), digits, opt(tag("..")))))(s)),
        FloatLiteral => float_literal(s),
        Word => len_of(word(s)),
        BracketedWord => len_of(bracketed_word(s)),
        Identifier => {
            if !is_identifier_start(*s.first()?) {
                return None;
            }
            Some(run(s, 1, is_identifier_char))
        }
        Dot => match s {
            [b'.', c, ..] if c.is_ascii_alphabetic() => Some(2),
            _ => None,
        },
        EmptyIndex => {
            let rest = s.strip_prefix(b"$")?;
            match rest {
                [b'[', ..] | [b'.', ..] => Some(2),
                [b'!', b'[', ..] => Some(3),
                [b'\\', b'!', b'[', ..] => Some(4),
                _ => None,
            }
        }
        Eof => None,
    }
}

/// Whether some match of `kind` starts with byte `b`.
pub(super) fn can_start(kind: K, b: u8) -> bool {
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
        Eof => false,
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

/// Per lexical state (in [`State::ALL`] order) and first byte: the candidates.
pub(super) struct Table(Vec<[Candidates; 256]>);

impl Table {
    /// The table, built on first use.
    pub(super) fn get() -> &'static Table {
        static TABLE: OnceLock<Table> = OnceLock::new();
        TABLE.get_or_init(Table::build)
    }

    fn build() -> Table {
        let empty = Candidates {
            len: 0,
            kinds: [K::Eof; MAX_CANDIDATES],
        };
        let rows = State::ALL
            .iter()
            .map(|&state| {
                let mut row = [empty; 256];
                for (b, cands) in (0..=255u8).zip(row.iter_mut()) {
                    for &k in kinds(state) {
                        if can_start(k, b) {
                            // A test checks that no state needs more slots.
                            if let Some(slot) = cands.kinds.get_mut(cands.len as usize) {
                                *slot = k;
                                cands.len += 1;
                            }
                        }
                    }
                }
                row
            })
            .collect();
        Table(rows)
    }

    /// The kinds of `state` that can start with `b`.
    #[inline]
    pub(super) fn candidates(&self, state: State, b: u8) -> &[K] {
        self.0
            .get(state as usize)
            .and_then(|row| row.get(b as usize))
            .map_or(&[], Candidates::as_slice)
    }

    /// Whether some state has more candidates for a byte than fit.
    #[cfg(test)]
    pub(super) fn overflows() -> bool {
        State::ALL.iter().any(|&state| {
            (0..=255u8)
                .any(|b| kinds(state).iter().filter(|&&k| can_start(k, b)).count() > MAX_CANDIDATES)
        })
    }
}
