//! The Velocity 1.7 token manager, reproduced state for state.
//!
//! Velocity 1.7's lexer (`Parser.jjt`) is a JavaCC token manager with eleven
//! lexical states, a stack of saved states with parenthesis counters, and
//! `MORE` tokens (`$`, `#`, `#*` …) whose text becomes the prefix of the next
//! token. Nearly all of 1.7's whitespace handling lives in these token
//! definitions (a directive's `)` swallows trailing blanks and one newline,
//! `#set(` swallows the blanks in front of it, `#end`/`#else` swallow trailing
//! blanks plus a newline …), so the only way to be byte-exact is to lex the
//! same tokens in the same states. This module does exactly that:
//!
//! * every token kind has a matcher returning its longest match (written with
//!   nom where it helps); in each state the longest match over the state's
//!   kinds wins and ties go to the kind declared first in `Parser.jjt`;
//! * token actions (state pushes/pops, `lparen`/`rparen` counting, `backup`)
//!   are those of `Parser.jjt`;
//! * special tokens (`REFERENCE_TERMINATOR`, `DIRECTIVE_TERMINATOR`) are not
//!   returned; what 1.7 would print of them (`NodeUtils.getSpecialText`) is
//!   attached to the next token;
//! * a `MORE` prefix followed by end of input, or input no token of the current
//!   state matches, is a lexical error, as in 1.7 (`a$` does not parse).
//!
//! Positions are byte offsets into the lexed text.

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char as ch, one_of};
use nom::combinator::{opt, recognize};
use nom::multi::many0_count;
use nom::sequence::{pair, preceded, tuple};
use nom::IResult;

/// Lexical states of `Parser.jjt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Default,
    PreDirective,
    Directive,
    Reference,
    RefModifier,
    RefMod2,
    RefIndex,
    SingleLineComment,
    FormalComment,
    MultiLineComment,
    TextBlock,
}

/// Token kinds, in `Parser.jjt` declaration order (the order breaks ties).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum K {
    IndexLBracket,
    IndexRBracket,
    LBracket,
    RBracket,
    Comma,
    DoubleDot,
    Colon,
    LeftCurley,
    RightCurley,
    LParen,
    RParen,
    RefMod2RParen,
    EscapeDirective,
    SetDirective,
    // MORE
    Dollar,
    DollarBang,
    TextBlockStart,
    FormalCommentStart,
    MultiCommentStart,
    Hash,
    SingleLineCommentStart,
    DoubleEscape,
    Escape,
    Text,
    SingleLineComment,
    FormalComment,
    MultiLineComment,
    TextBlock,
    // SKIP in comments, MORE in text blocks
    Skip,
    MoreAny,
    Whitespace,
    StringLiteral,
    True,
    False,
    Newline,
    Minus,
    Plus,
    Multiply,
    Divide,
    Modulus,
    And,
    Or,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    Ne,
    Not,
    Equals,
    End,
    If,
    ElseIf,
    Else,
    IntegerLiteral,
    FloatLiteral,
    Word,
    BracketedWord,
    Identifier,
    Dot,
    LCurly,
    RCurly,
    // SPECIAL_TOKEN
    RefTerminator,
    DirectiveTerminator,
    EmptyIndex,
    Eof,
}

impl K {
    fn is_more(self) -> bool {
        matches!(
            self,
            K::Dollar
                | K::DollarBang
                | K::TextBlockStart
                | K::FormalCommentStart
                | K::MultiCommentStart
                | K::Hash
                | K::MoreAny
        )
    }

    fn is_special(self) -> bool {
        matches!(self, K::RefTerminator | K::DirectiveTerminator)
    }

    /// How a token of this kind is named in error messages.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            K::IndexLBracket | K::LBracket => "'['",
            K::IndexRBracket | K::RBracket => "']'",
            K::Comma => "','",
            K::DoubleDot => "'..'",
            K::Colon => "':'",
            K::LeftCurley | K::LCurly => "'{'",
            K::RightCurley | K::RCurly => "'}'",
            K::LParen => "'('",
            K::RParen | K::RefMod2RParen => "')'",
            K::EscapeDirective => "an escaped directive",
            K::SetDirective => "'#set('",
            K::Dollar | K::DollarBang => "'$'",
            K::TextBlockStart => "'#[['",
            K::FormalCommentStart | K::MultiCommentStart => "'#*'",
            K::Hash => "'#'",
            K::SingleLineCommentStart => "'##'",
            K::DoubleEscape | K::Escape => "'\\'",
            K::Text => "text",
            K::SingleLineComment | K::Newline => "a newline",
            K::FormalComment | K::MultiLineComment => "'*#'",
            K::TextBlock => "']]#'",
            K::Skip | K::MoreAny => "a character",
            K::Whitespace => "whitespace",
            K::StringLiteral => "a string literal",
            K::True => "'true'",
            K::False => "'false'",
            K::Minus => "'-'",
            K::Plus => "'+'",
            K::Multiply => "'*'",
            K::Divide => "'/'",
            K::Modulus => "'%'",
            K::And => "'&&'",
            K::Or => "'||'",
            K::Lt => "'<'",
            K::Le => "'<='",
            K::Gt => "'>'",
            K::Ge => "'>='",
            K::EqEq => "'=='",
            K::Ne => "'!='",
            K::Not => "'!'",
            K::Equals => "'='",
            K::End => "'#end'",
            K::If => "'#if'",
            K::ElseIf => "'#elseif'",
            K::Else => "'#else'",
            K::IntegerLiteral => "an integer",
            K::FloatLiteral => "a number",
            K::Word | K::BracketedWord => "a word",
            K::Identifier => "an identifier",
            K::Dot => "'.'",
            K::RefTerminator | K::DirectiveTerminator => "a character",
            K::EmptyIndex => "'$['",
            K::Eof => "end of input",
        }
    }
}

/// One token. Its image is `text[start..end]` (a `MORE` prefix included).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub kind: K,
    pub start: usize,
    pub end: usize,
    /// What 1.7 prints of the special tokens in front of this one
    /// (`NodeUtils.specialText`): their `$`, `#` and `\…$` characters.
    pub special: Option<Box<str>>,
}

/// A lexical error: where, and a message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LexError {
    pub pos: usize,
    pub message: String,
}

#[derive(Debug, Clone, Copy)]
struct Frame {
    lparen: i32,
    rparen: i32,
    state: State,
}

/// The state stack never grows beyond this (1.7 has no bound; every push
/// consumes input, so this only caps memory on hostile input).
const MAX_STACK: usize = 100_000;

/// The token manager.
pub(crate) struct Lexer<'s> {
    text: &'s str,
    pos: usize,
    state: State,
    stack: Vec<Frame>,
    lparen: i32,
    rparen: i32,
    in_comment: bool,
    pub(crate) in_set: bool,
}

// Token kinds per state, in declaration order.
fn kinds(state: State) -> &'static [K] {
    use K::*;
    match state {
        State::Default => &[
            EscapeDirective,
            SetDirective,
            Dollar,
            DollarBang,
            TextBlockStart,
            FormalCommentStart,
            MultiCommentStart,
            Hash,
            SingleLineCommentStart,
            DoubleEscape,
            Escape,
            Text,
            EmptyIndex,
        ],
        State::PreDirective => &[
            Dollar,
            DollarBang,
            TextBlockStart,
            FormalCommentStart,
            MultiCommentStart,
            Hash,
            SingleLineCommentStart,
            End,
            If,
            ElseIf,
            Else,
            IntegerLiteral,
            FloatLiteral,
            Word,
            BracketedWord,
            DirectiveTerminator,
        ],
        State::Directive => &[
            LBracket,
            RBracket,
            Comma,
            DoubleDot,
            Colon,
            LeftCurley,
            RightCurley,
            LParen,
            RParen,
            Dollar,
            DollarBang,
            TextBlockStart,
            FormalCommentStart,
            MultiCommentStart,
            Hash,
            SingleLineCommentStart,
            Whitespace,
            StringLiteral,
            True,
            False,
            Newline,
            Minus,
            Plus,
            Multiply,
            Divide,
            Modulus,
            And,
            Or,
            Lt,
            Le,
            Gt,
            Ge,
            EqEq,
            Ne,
            Not,
            Equals,
            IntegerLiteral,
            FloatLiteral,
            Word,
            BracketedWord,
        ],
        State::Reference => &[
            IndexLBracket,
            SetDirective,
            Dollar,
            DollarBang,
            TextBlockStart,
            FormalCommentStart,
            MultiCommentStart,
            Hash,
            SingleLineCommentStart,
            True,
            False,
            Identifier,
            Dot,
            LCurly,
            RCurly,
            RefTerminator,
            EmptyIndex,
        ],
        State::RefModifier => &[
            IndexLBracket,
            LParen,
            SetDirective,
            Dollar,
            DollarBang,
            TextBlockStart,
            FormalCommentStart,
            MultiCommentStart,
            Hash,
            True,
            False,
            Identifier,
            Dot,
            LCurly,
            RCurly,
            RefTerminator,
        ],
        State::RefMod2 => &[
            LBracket,
            RBracket,
            Comma,
            DoubleDot,
            Colon,
            LeftCurley,
            RightCurley,
            RefMod2RParen,
            SetDirective,
            Dollar,
            DollarBang,
            TextBlockStart,
            FormalCommentStart,
            MultiCommentStart,
            Hash,
            Whitespace,
            StringLiteral,
            True,
            False,
            IntegerLiteral,
            FloatLiteral,
            Identifier,
            Dot,
        ],
        State::RefIndex => &[
            IndexRBracket,
            Dollar,
            DollarBang,
            TextBlockStart,
            FormalCommentStart,
            MultiCommentStart,
            Hash,
            Whitespace,
            StringLiteral,
            True,
            False,
            IntegerLiteral,
            FloatLiteral,
        ],
        State::SingleLineComment => &[
            Dollar,
            DollarBang,
            TextBlockStart,
            FormalCommentStart,
            MultiCommentStart,
            Hash,
            SingleLineComment,
            Skip,
        ],
        State::FormalComment => &[
            Dollar,
            DollarBang,
            TextBlockStart,
            FormalCommentStart,
            MultiCommentStart,
            Hash,
            FormalComment,
            Skip,
        ],
        State::MultiLineComment => &[
            Dollar,
            DollarBang,
            TextBlockStart,
            FormalCommentStart,
            MultiCommentStart,
            Hash,
            MultiLineComment,
            Skip,
        ],
        State::TextBlock => &[
            Dollar,
            DollarBang,
            TextBlockStart,
            FormalCommentStart,
            MultiCommentStart,
            Hash,
            TextBlock,
            MoreAny,
        ],
    }
}

// ---------------------------------------------------------------------------
// Matchers: each returns the length of the longest match of its token's
// regular expression at the start of `s`.

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
fn string_literal(s: &str) -> Option<usize> {
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

fn match_kind(kind: K, s: &str) -> Option<usize> {
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
        Eof => None,
    }
}

/// `NodeUtils.getSpecialText` for one special token's image.
fn special_text_of(img: &str, out: &mut String) {
    let chars: Vec<char> = img.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars.get(i).copied().unwrap_or(' ');
        if c == '#' || c == '$' {
            out.push(c);
        }
        if c == '\\' {
            let mut j = i;
            let mut term = false;
            while j < chars.len() {
                let cc = chars.get(j).copied().unwrap_or(' ');
                j += 1;
                if cc == '\\' {
                    continue;
                }
                if cc == '$' {
                    term = true;
                }
                break;
            }
            if term {
                out.extend(chars.get(i..j).unwrap_or(&[]));
                i = j;
            }
        }
        i += 1;
    }
}

impl<'s> Lexer<'s> {
    pub(crate) fn new(text: &'s str) -> Lexer<'s> {
        Lexer {
            text,
            pos: 0,
            state: State::Default,
            stack: Vec::new(),
            lparen: 0,
            rparen: 0,
            in_comment: false,
            in_set: false,
        }
    }

    pub(crate) fn switch_to(&mut self, state: State) {
        self.state = state;
    }

    fn push(&mut self) -> Result<(), LexError> {
        if self.stack.len() >= MAX_STACK {
            return Err(LexError {
                pos: self.pos,
                message: "the template nests too deeply".into(),
            });
        }
        self.stack.push(Frame {
            lparen: self.lparen,
            rparen: self.rparen,
            state: self.state,
        });
        self.lparen = 0;
        Ok(())
    }

    /// `stateStackPop`: false (and back to DEFAULT) when the stack is empty.
    pub(crate) fn pop(&mut self) -> bool {
        match self.stack.pop() {
            Some(f) => {
                self.lparen = f.lparen;
                self.rparen = f.rparen;
                self.state = f.state;
                true
            }
            None => {
                self.lparen = 0;
                self.state = State::Default;
                false
            }
        }
    }

    fn rparen_handler(&mut self) {
        if self.in_comment {
            return;
        }
        // Each round pops one frame, so this ends.
        loop {
            if self.lparen > 0 {
                if self.lparen == self.rparen + 1 {
                    self.pop();
                } else {
                    self.rparen += 1;
                }
                return;
            }
            if !self.pop() {
                return;
            }
        }
    }

    /// The parser's `isLeftParenthesis`: only blanks, then `(`.
    pub(crate) fn is_left_parenthesis(&self) -> bool {
        let rest = self.text.get(self.pos..).unwrap_or("");
        for c in rest.chars() {
            match c {
                '(' => return true,
                ' ' | '\n' | '\r' | '\t' => {}
                _ => return false,
            }
        }
        false
    }

    /// The longest match in the current state: (kind, length).
    fn best_match(&self, at: usize) -> Option<(K, usize)> {
        let s = self.text.get(at..).unwrap_or("");
        if s.is_empty() {
            return None;
        }
        let mut best: Option<(K, usize)> = None;
        for &k in kinds(self.state) {
            if let Some(n) = match_kind(k, s) {
                if best.map_or(true, |(_, b)| n > b) {
                    best = Some((k, n));
                }
            }
        }
        best
    }

    /// The next token (`getNextToken`).
    pub(crate) fn next_token(&mut self) -> Result<Token, LexError> {
        let mut special: Option<String> = None;
        // Every round of either loop consumes input or returns.
        'token: loop {
            let start = self.pos;
            if start >= self.text.len() {
                return Ok(Token {
                    kind: K::Eof,
                    start,
                    end: start,
                    special: special.map(String::into_boxed_str),
                });
            }
            loop {
                let Some((kind, len)) = self.best_match(self.pos) else {
                    return Err(self.lex_error(start));
                };
                let match_end = self.pos + len;
                self.pos = match_end;
                if kind.is_more() {
                    self.more_action(kind)?;
                    continue;
                }
                if kind == K::Skip {
                    continue 'token;
                }
                if kind.is_special() {
                    let img = self.text.get(start..match_end).unwrap_or("");
                    // `tokenLiteral` ignores the chain when its last special token starts with `##`.
                    let text = special.get_or_insert_with(String::new);
                    if img.starts_with("##") {
                        text.clear();
                    } else {
                        special_text_of(img, text);
                    }
                    // Both terminators back up their character.
                    self.pos = match_end - len;
                    self.pop();
                    continue 'token;
                }
                self.token_action(kind, start)?;
                let special = special
                    .filter(|s| !s.is_empty())
                    .map(String::into_boxed_str);
                return Ok(Token {
                    kind,
                    start,
                    end: self.pos,
                    special,
                });
            }
        }
    }

    /// The error for input no token matches, placed where 1.7's token
    /// manager gives up: after the longest prefix some token could still
    /// have continued (an unterminated string runs to the end).
    fn lex_error(&self, start: usize) -> LexError {
        let rest = self.text.get(self.pos..).unwrap_or("");
        let has = |k: K| kinds(self.state).contains(&k);
        let partial = if rest.is_empty() {
            0
        } else if (rest.starts_with('"') || rest.starts_with('\'')) && has(K::StringLiteral) {
            rest.len()
        } else if rest.starts_with('\\') {
            rest.len() - rest.trim_start_matches('\\').len()
        } else if (rest.starts_with('.') && (has(K::DoubleDot) || has(K::FloatLiteral)))
            || (rest.starts_with('-') && has(K::IntegerLiteral))
            || ((rest.starts_with('&') || rest.starts_with('|')) && has(K::And))
        {
            1
        } else {
            0
        };
        let pos = self.pos + partial;
        let after = self.text.get(start..pos).unwrap_or("");
        let after = super::span::excerpt(after, 40);
        let message = match self.text.get(pos..).and_then(|r| r.chars().next()) {
            None => format!("lexical error: unexpected end of input after {after}"),
            Some(c) => format!("lexical error: unexpected character {c:?} after {after}"),
        };
        LexError { pos, message }
    }

    fn more_action(&mut self, kind: K) -> Result<(), LexError> {
        if self.in_comment {
            return Ok(());
        }
        match kind {
            K::Dollar | K::DollarBang => {
                if self.state == State::Reference {
                    self.pop();
                }
                self.push()?;
                self.switch_to(State::Reference);
            }
            K::TextBlockStart => {
                self.in_comment = true;
                self.push()?;
                self.switch_to(State::TextBlock);
            }
            K::FormalCommentStart => {
                // backup(1): give back the character after `#**`.
                let back = self
                    .text
                    .get(..self.pos)
                    .and_then(|t| t.chars().next_back())
                    .map_or(0, char::len_utf8);
                self.pos -= back;
                self.in_comment = true;
                self.push()?;
                self.switch_to(State::FormalComment);
            }
            K::MultiCommentStart => {
                self.in_comment = true;
                self.push()?;
                self.switch_to(State::MultiLineComment);
            }
            K::Hash => {
                if self.state == State::Reference || self.state == State::RefModifier {
                    self.pop();
                }
                self.push()?;
                self.switch_to(State::PreDirective);
            }
            _ => {}
        }
        Ok(())
    }

    fn token_action(&mut self, kind: K, start: usize) -> Result<(), LexError> {
        match kind {
            K::IndexLBracket => {
                self.push()?;
                self.switch_to(State::RefIndex);
            }
            K::IndexRBracket => {
                self.pop();
            }
            K::LParen => {
                if !self.in_comment {
                    self.lparen += 1;
                }
                if self.state == State::RefModifier {
                    self.switch_to(State::RefMod2);
                }
            }
            K::RParen => self.rparen_handler(),
            K::RefMod2RParen => self.switch_to(State::Reference),
            K::SetDirective if !self.in_comment => {
                self.push()?;
                self.in_set = true;
                self.switch_to(State::Directive);
                self.lparen += 1;
            }
            K::SingleLineCommentStart if !self.in_comment => {
                if self.state == State::Reference {
                    self.pop();
                }
                self.in_comment = true;
                self.push()?;
                self.switch_to(State::SingleLineComment);
            }
            K::SingleLineComment | K::FormalComment | K::MultiLineComment | K::TextBlock => {
                self.in_comment = false;
                self.pop();
            }
            K::StringLiteral
                if self.state == State::Directive && !self.in_set && self.lparen == 0 =>
            {
                self.pop();
            }
            K::Newline => {
                self.pop();
                self.in_set = false;
            }
            K::End | K::Else => {
                self.pop();
            }
            K::If | K::ElseIf => self.switch_to(State::Directive),
            K::IntegerLiteral => {
                if self
                    .text
                    .get(start..self.pos)
                    .is_some_and(|t| t.ends_with(".."))
                {
                    self.pos -= 2;
                }
                if self.lparen == 0
                    && !self.in_set
                    && self.state != State::RefMod2
                    && self.state != State::RefIndex
                {
                    self.pop();
                }
            }
            K::FloatLiteral if self.lparen == 0 && !self.in_set && self.state != State::RefMod2 => {
                self.pop();
            }
            K::Dot => {
                self.pos -= 1; // the letter after '.' (ASCII)
                self.switch_to(State::RefModifier);
            }
            K::RCurly => {
                self.pop();
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(s: &str) -> Result<Vec<(K, String)>, LexError> {
        let mut lx = Lexer::new(s);
        let mut out = Vec::new();
        for _ in 0..10_000 {
            let t = lx.next_token()?;
            if t.kind == K::Eof {
                return Ok(out);
            }
            out.push((t.kind, s[t.start..t.end].to_string()));
        }
        panic!("too many tokens");
    }

    #[test]
    fn text_and_references() {
        let t = lex("ab $x.y c").unwrap();
        assert_eq!(
            t,
            vec![
                (K::Text, "ab ".into()),
                (K::Identifier, "$x".into()),
                (K::Dot, ".".into()),
                (K::Identifier, "y".into()),
                (K::Text, " c".into()),
            ]
        );
    }

    #[test]
    fn directive_tokens_swallow_blank_line_tail() {
        let t = lex("#end  \nx").unwrap();
        assert_eq!(t[0], (K::End, "#end  \n".into()));
        let t = lex("  #set($a = 1)  \nx").unwrap();
        assert_eq!(t[0], (K::SetDirective, "  #set(".into()));
        assert!(t.contains(&(K::RParen, ")  \n".into())));
    }

    #[test]
    fn trailing_more_is_a_lexical_error() {
        assert!(lex("a$").is_err());
        assert!(lex("a#").is_err());
    }

    #[test]
    fn string_literals() {
        assert_eq!(string_literal("\"a\"\"b\" x"), Some(6));
        assert_eq!(string_literal("\"a\\\" x"), Some(4));
        assert_eq!(string_literal("'a''"), Some(3));
        assert_eq!(string_literal("\"abc"), None);
    }

    #[test]
    fn special_text() {
        let mut s = String::new();
        special_text_of("$ ", &mut s);
        assert_eq!(s, "$");
        let mut s = String::new();
        special_text_of("a\\\\$b#", &mut s);
        assert_eq!(s, "\\\\$#");
    }
}
