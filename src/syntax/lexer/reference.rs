//! The token matchers as first written: each token's regular expression as a
//! nom combinator over `&str`, and the longest match found by trying every kind
//! of the state in declaration order. Slow and plain; the tests check the
//! byte-level matchers and the first-byte table against it.

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char as ch, one_of};
use nom::combinator::{opt, recognize};
use nom::multi::many0_count;
use nom::sequence::{pair, preceded, tuple};
use nom::IResult;

use super::{kinds, State, K};

/// The longest match in `state` at the start of `s`: (kind, length).
pub(super) fn best_match(state: State, s: &str) -> Option<(K, usize)> {
    if s.is_empty() {
        return None;
    }
    let mut best: Option<(K, usize)> = None;
    for &k in kinds(state) {
        if let Some(n) = match_kind(k, s) {
            if best.map_or(true, |(_, b)| n > b) {
                best = Some((k, n));
            }
        }
    }
    best
}

type Res<'a> = IResult<&'a str, &'a str>;

fn len_of(r: Res<'_>) -> Option<usize> {
    match r {
        Ok((_, m)) if !m.is_empty() => Some(m.len()),
        _ => None,
    }
}

fn is_directive_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '@'
}
fn is_identifier_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// `("\n" | "\r" | "\r\n")`
fn newline(s: &str) -> Res<'_> {
    alt((tag("\r\n"), tag("\n"), tag("\r")))(s)
}

/// `( (" " | "\t")* newline )?` — the tail `)`, `#end` and `#else` swallow.
fn blank_line_tail(s: &str) -> Res<'_> {
    recognize(opt(pair(take_while(|c| c == ' ' || c == '\t'), newline)))(s)
}

/// `WORD: (LETTER | "_" | "@") (DIRECTIVE_CHAR)*`
fn word(s: &str) -> Res<'_> {
    recognize(pair(
        one_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_@"),
        take_while(is_directive_char),
    ))(s)
}

/// `BRACKETED_WORD: "{" (LETTER | "_") (DIRECTIVE_CHAR)* "}"`
fn bracketed_word(s: &str) -> Res<'_> {
    recognize(tuple((
        ch('{'),
        one_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"),
        take_while(is_directive_char),
        ch('}'),
    )))(s)
}

fn digits(s: &str) -> Res<'_> {
    take_while1(|c: char| c.is_ascii_digit())(s)
}

/// `EXPONENT: ["e","E"] (["+","-"])? (["0"-"9"])+`
fn exponent(s: &str) -> Res<'_> {
    recognize(tuple((one_of("eE"), opt(one_of("+-")), digits)))(s)
}

fn float_literal(s: &str) -> Option<usize> {
    let a = len_of(recognize(tuple((
        opt(ch('-')),
        digits,
        ch('.'),
        take_while(|c: char| c.is_ascii_digit()),
        opt(exponent),
    )))(s));
    let b = len_of(recognize(tuple((
        opt(ch('-')),
        ch('.'),
        digits,
        opt(exponent),
    )))(s));
    let c = len_of(recognize(tuple((opt(ch('-')), digits, exponent)))(s));
    [a, b, c].into_iter().flatten().max()
}

/// The longest string literal: a quote, then anything but that quote or a
/// doubled quote, then the quote (`\"` does not escape in 1.7).
pub(super) fn string_literal(s: &str) -> Option<usize> {
    let q = s.chars().next()?;
    if q != '"' && q != '\'' {
        return None;
    }
    let bytes = s.as_bytes();
    let qb = q as u8;
    let mut i = 1;
    let mut best = None;
    while i < bytes.len() {
        if bytes.get(i) == Some(&qb) {
            best = Some(i + 1);
            if bytes.get(i + 1) == Some(&qb) {
                i += 2;
                continue;
            }
            break;
        }
        i += 1;
    }
    best
}

fn char_len(s: &str) -> Option<usize> {
    s.chars().next().map(char::len_utf8)
}

pub(super) fn match_kind(kind: K, s: &str) -> Option<usize> {
    use K::*;
    let lit = |t: &'static str| {
        if s.starts_with(t) {
            Some(t.len())
        } else {
            None
        }
    };
    match kind {
        IndexLBracket | LBracket => lit("["),
        IndexRBracket | RBracket => lit("]"),
        Comma => lit(","),
        DoubleDot => lit(".."),
        Colon => lit(":"),
        LeftCurley | LCurly => lit("{"),
        RightCurley | RCurly => lit("}"),
        LParen => lit("("),
        RParen => len_of(recognize(pair(ch(')'), blank_line_tail))(s)),
        RefMod2RParen => lit(")"),
        EscapeDirective => len_of(recognize(tuple((
            many0_count(tag("\\\\")),
            tag("\\#"),
            alt((word, bracketed_word)),
        )))(s)),
        SetDirective => len_of(recognize(tuple((
            take_while(|c| c == ' ' || c == '\t'),
            alt((tag("#set"), tag("#{set}"))),
            take_while(|c| c == ' '),
            ch('('),
        )))(s)),
        Dollar => len_of(recognize(pair(take_while(|c| c == '\\'), ch('$')))(s)),
        DollarBang => len_of(recognize(tuple((
            take_while(|c| c == '\\'),
            ch('$'),
            take_while(|c| c == '\\'),
            ch('!'),
        )))(s)),
        TextBlockStart => lit("#[["),
        FormalCommentStart => {
            let rest = s.strip_prefix("#**")?;
            let c = rest.chars().next()?;
            if c == '#' {
                None
            } else {
                Some(3 + c.len_utf8())
            }
        }
        MultiCommentStart => lit("#*"),
        Hash => lit("#"),
        SingleLineCommentStart => lit("##"),
        DoubleEscape => lit("\\\\"),
        Escape => lit("\\"),
        Text => len_of(take_while1(|c| c != '$' && c != '#' && c != '\\')(s)),
        SingleLineComment => len_of(newline(s)),
        FormalComment | MultiLineComment => lit("*#"),
        TextBlock => lit("]]#"),
        Skip | MoreAny | RefTerminator | DirectiveTerminator => char_len(s),
        Whitespace => len_of(take_while1(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))(s)),
        StringLiteral => string_literal(s),
        True => lit("true"),
        False => lit("false"),
        Newline => len_of(newline(s)),
        Minus => lit("-"),
        Plus => lit("+"),
        Multiply => lit("*"),
        Divide => lit("/"),
        Modulus => lit("%"),
        And => lit("&&").or_else(|| lit("and")),
        Or => lit("||").or_else(|| lit("or")),
        Lt => lit("<").or_else(|| lit("lt")),
        Le => lit("<=").or_else(|| lit("le")),
        Gt => lit(">").or_else(|| lit("gt")),
        Ge => lit(">=").or_else(|| lit("ge")),
        EqEq => lit("==").or_else(|| lit("eq")),
        Ne => lit("!=").or_else(|| lit("ne")),
        Not => lit("!").or_else(|| lit("not")),
        Equals => lit("="),
        End => len_of(recognize(pair(
            alt((tag("end"), tag("{end}"))),
            blank_line_tail,
        ))(s)),
        If => lit("if").or_else(|| lit("{if}")),
        ElseIf => lit("elseif").or_else(|| lit("{elseif}")),
        Else => len_of(recognize(pair(
            alt((tag("else"), tag("{else}"))),
            blank_line_tail,
        ))(s)),
        IntegerLiteral => len_of(recognize(tuple((opt(ch('-')), digits, opt(tag("..")))))(s)),
        FloatLiteral => float_literal(s),
        Word => len_of(word(s)),
        BracketedWord => len_of(bracketed_word(s)),
        Identifier => len_of(recognize(pair(
            one_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"),
            take_while(is_identifier_char),
        ))(s)),
        Dot => len_of(recognize(preceded(
            ch('.'),
            one_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        ))(s)),
        EmptyIndex => ["$[", "$![", "$\\![", "$."]
            .iter()
            .filter_map(|t| lit(t))
            .max(),
        // The fast path's own (see `K::DotName`).
        DotName | Eof => None,
    }
}
