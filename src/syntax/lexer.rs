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
//! * every token kind has a matcher over bytes returning its longest match
//!   ([`matchers`]: byte tests and scans, nom combinators for numbers,
//!   bracketed words and escaped directives); in each state the longest match
//!   over the state's kinds wins and ties go to the kind declared first in
//!   `Parser.jjt`. A table built at compile time lists the kinds that can
//!   start with each byte, and the commonest cases (text, identifiers, the
//!   `$`/`#` prefixes, reference terminators …) are decided from one or two
//!   bytes; tests check both against plain matchers that try every kind;
//! * token actions (state pushes/pops, `lparen`/`rparen` counting, `backup`)
//!   are those of `Parser.jjt`;
//! * special tokens (`REFERENCE_TERMINATOR`, `DIRECTIVE_TERMINATOR`) are not
//!   returned; what 1.7 would print of them (`NodeUtils.getSpecialText`) is
//!   attached to the next token;
//! * a `MORE` prefix followed by end of input, or input no token of the current
//!   state matches, is a lexical error, as in 1.7 (`a$` does not parse).
//!
//! The tokens met at nearly every step (text, `$name` and its dots and
//! identifiers, the terminator that ends a reference, `#set(`, `#if`,
//! `#end`, a directive's blanks, strings, parentheses and words …) are lexed
//! by one direct path per state ([`Lexer::fast_token`]) that gives what the
//! longest match and the token actions would; everything else goes through
//! the general loop. The property tests compare whole token streams with the
//! reference matchers, which never take the direct path.
//!
//! Positions are byte offsets into the lexed text. Tokens are 16-byte `Copy`
//! values (kind, byte range, special text's number); the parser takes them in
//! batches ([`Lexer::lex_into`]); lexing allocates nothing per token.

mod matchers;
#[cfg(test)]
mod reference;
#[cfg(test)]
mod tests;

pub(crate) use matchers::whitespace_len;
use matchers::{candidates, match_kind};

/// Whether an identifier can start with `b` (a letter or `_`): one load.
#[inline(always)]
pub(crate) fn starts_identifier(b: u8) -> bool {
    matchers::is(b, matchers::IDENTIFIER_START)
}

/// Lexical states of `Parser.jjt`. Four bytes, so that a [`Frame`] has no
/// padding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
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

impl State {
    /// Every state, in declaration order (`ALL[s as usize] == s`).
    pub(crate) const ALL: [State; 11] = [
        State::Default,
        State::PreDirective,
        State::Directive,
        State::Reference,
        State::RefModifier,
        State::RefMod2,
        State::RefIndex,
        State::SingleLineComment,
        State::FormalComment,
        State::MultiLineComment,
        State::TextBlock,
    ];
}

/// Token kinds, in `Parser.jjt` declaration order (the order breaks ties).
/// Four bytes, so that a [`Token`] has no padding: a token stored is its
/// four fields, not bytes copied from wherever it was built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u32)]
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
    // Not a token of 1.7: made by the fast path only.
    /// `.name`: a [`K::Dot`] and the [`K::Identifier`] after it, as one
    /// token (see [`Token::dot_name`]). A reference's dotted parts are the
    /// commonest pair of tokens; lexed and read as one, a parse is quicker.
    DotName,
    Eof,
}

/// Every token kind, in declaration order (`ALL[k as usize] == k`).
#[cfg(test)]
pub(crate) const ALL_KINDS: [K; 67] = [
    K::IndexLBracket,
    K::IndexRBracket,
    K::LBracket,
    K::RBracket,
    K::Comma,
    K::DoubleDot,
    K::Colon,
    K::LeftCurley,
    K::RightCurley,
    K::LParen,
    K::RParen,
    K::RefMod2RParen,
    K::EscapeDirective,
    K::SetDirective,
    K::Dollar,
    K::DollarBang,
    K::TextBlockStart,
    K::FormalCommentStart,
    K::MultiCommentStart,
    K::Hash,
    K::SingleLineCommentStart,
    K::DoubleEscape,
    K::Escape,
    K::Text,
    K::SingleLineComment,
    K::FormalComment,
    K::MultiLineComment,
    K::TextBlock,
    K::Skip,
    K::MoreAny,
    K::Whitespace,
    K::StringLiteral,
    K::True,
    K::False,
    K::Newline,
    K::Minus,
    K::Plus,
    K::Multiply,
    K::Divide,
    K::Modulus,
    K::And,
    K::Or,
    K::Lt,
    K::Le,
    K::Gt,
    K::Ge,
    K::EqEq,
    K::Ne,
    K::Not,
    K::Equals,
    K::End,
    K::If,
    K::ElseIf,
    K::Else,
    K::IntegerLiteral,
    K::FloatLiteral,
    K::Word,
    K::BracketedWord,
    K::Identifier,
    K::Dot,
    K::LCurly,
    K::RCurly,
    K::RefTerminator,
    K::DirectiveTerminator,
    K::EmptyIndex,
    K::DotName,
    K::Eof,
];

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
            K::Dot | K::DotName => "'.'",
            K::RefTerminator | K::DirectiveTerminator => "a character",
            K::EmptyIndex => "'$['",
            K::Eof => "end of input",
        }
    }
}

/// One token. Its image is `text[start..end]` (a `MORE` prefix included).
/// Sixteen bytes: results carrying one are returned in registers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Token {
    pub start: u32,
    pub end: u32,
    /// What 1.7 prints of the special tokens in front of this one
    /// (`NodeUtils.specialText`: their `$`, `#` and `\…$` characters): 0
    /// when there is nothing (nearly always), else 1 + its number in
    /// [`Lexer::special`]'s list.
    special: u32,
    pub kind: K,
}

impl Token {
    /// Where the token starts, as an offset.
    #[inline(always)]
    pub(crate) fn at(&self) -> usize {
        self.start as usize
    }

    /// Where the token ends, as an offset.
    #[inline(always)]
    pub(crate) fn to(&self) -> usize {
        self.end as usize
    }

    /// The identifier of a [`K::DotName`] token: the token the general
    /// loop lexes after its [`K::Dot`].
    #[inline(always)]
    pub(crate) fn dot_name(&self) -> Token {
        Token {
            start: self.start + 1,
            end: self.end,
            special: 0,
            kind: K::Identifier,
        }
    }
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

/// By kind: whether a batch of [`Lexer::lex_into`] can end after it (a
/// directive name, `)`, the end): one load per token.
static ENDS_BATCH: [bool; K::Eof as usize + 1] = {
    let mut t = [false; K::Eof as usize + 1];
    t[K::Eof as usize] = true;
    t[K::Word as usize] = true;
    t[K::BracketedWord as usize] = true;
    t[K::RParen as usize] = true;
    t
};

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
    /// The special text of all tokens so far (see [`Token`]).
    specials: String,
    /// Each token's part of `specials`, for the tokens that have one.
    special_ranges: Vec<(u32, u32)>,
    /// Match with [`reference::best_match`] instead (to test one against the other).
    #[cfg(test)]
    use_reference: bool,
}

// Token kinds per state, in declaration order.
const fn kinds(state: State) -> &'static [K] {
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

/// The second byte of `s` (0 if none): read only by the paths that need it,
/// not for every token.
#[inline(always)]
fn second(s: &[u8]) -> u8 {
    s.get(1).copied().unwrap_or(0)
}

/// `NodeUtils.getSpecialText` for one special token's image. Byte-wise: the
/// characters it looks for are ASCII, and it copies nothing else.
fn special_text_of(img: &str, out: &mut String) {
    let bytes = img.as_bytes();
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        if c == b'#' || c == b'$' {
            out.push(char::from(c));
        }
        if c == b'\\' {
            // A run of backslashes and the `$` after it are copied.
            let run = bytes
                .get(i..)
                .map_or(0, |r| r.iter().take_while(|&&b| b == b'\\').count());
            if bytes.get(i + run) == Some(&b'$') {
                out.push_str(img.get(i..=i + run).unwrap_or(""));
                // 1.7 also skips the character after the `$`.
                i += run + 1;
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
            specials: String::new(),
            special_ranges: Vec::new(),
            #[cfg(test)]
            use_reference: false,
        }
    }

    pub(crate) fn switch_to(&mut self, state: State) {
        self.state = state;
    }

    #[inline]
    fn push(&mut self) -> Result<(), Box<LexError>> {
        if self.stack.len() >= MAX_STACK {
            return Err(self.too_deep());
        }
        self.stack.push(Frame {
            lparen: self.lparen,
            rparen: self.rparen,
            state: self.state,
        });
        self.lparen = 0;
        Ok(())
    }

    #[cold]
    fn too_deep(&self) -> Box<LexError> {
        Box::new(LexError {
            pos: self.pos,
            message: "the template nests too deeply".into(),
        })
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

    /// The special text of a token (see [`Token`]).
    pub(crate) fn special(&self, t: &Token) -> &str {
        let Some(i) = t.special.checked_sub(1) else {
            return "";
        };
        let (from, to) = self
            .special_ranges
            .get(i as usize)
            .copied()
            .unwrap_or((0, 0));
        self.specials.get(from as usize..to as usize).unwrap_or("")
    }

    /// The longest match in the current state: (kind, length). Ties go to
    /// the kind declared first.
    #[inline]
    fn best_match(&self, at: usize) -> Option<(K, usize)> {
        #[cfg(test)]
        if self.use_reference {
            return reference::best_match(self.state, self.text.get(at..).unwrap_or(""));
        }
        let s = self.text.as_bytes().get(at..)?;
        let b = *s.first()?;
        if let Some(m) = matchers::quick_match(self.state, s) {
            return Some(m);
        }
        let mut best: Option<(K, usize)> = None;
        for &k in candidates(self.state, b) {
            if let Some(n) = match_kind(k, s) {
                if best.map_or(true, |(_, b)| n > b) {
                    best = Some((k, n));
                }
            }
        }
        best
    }

    /// The next token (`getNextToken`); the parser takes them by [`Lexer::lex_into`].
    #[cfg(test)]
    pub(crate) fn next_token(&mut self) -> Result<Token, Box<LexError>> {
        if self.use_reference {
            return self.next_token_general();
        }
        match self.fast_token(self.text.as_bytes()) {
            Some(t) => Ok(t),
            None => self.next_token_general(),
        }
    }

    /// Lexes tokens onto `out`: `need` of them (fewer at the end of input),
    /// then up to `ahead` more while the last one is not a token after which
    /// the parser may change the lexer (a directive name, `)`, the end). An
    /// error is returned with the tokens lexed before it on `out`.
    pub(crate) fn lex_into(
        &mut self,
        out: &mut Vec<Token>,
        need: usize,
        ahead: usize,
    ) -> Result<(), Box<LexError>> {
        let total = need.saturating_add(ahead);
        out.reserve(total);
        // The text, read once for the batch.
        let bytes: &'s [u8] = self.text.as_bytes();
        // `i` counts the tokens lexed before this one.
        for i in 0..total {
            #[cfg(test)]
            let fast = if self.use_reference {
                None
            } else {
                self.fast_token(bytes)
            };
            #[cfg(not(test))]
            let fast = self.fast_token(bytes);
            let t = match fast {
                Some(t) => t,
                None => self.next_token_general()?,
            };
            out.push(t);
            // The kinds that can end a batch first: one test for the others.
            if ENDS_BATCH[t.kind as usize]
                && (t.kind == K::Eof || i + 1 >= need)
                && self.parser_may_act(t.kind)
            {
                break;
            }
        }
        Ok(())
    }

    /// Whether the parser may change the lexer after a token of kind `k`
    /// (one of [`ENDS_BATCH`]'s), just lexed: after a directive's name (it
    /// switches the state and reads the text after the name), and after a
    /// `)` while `in_set` holds (`#set(`'s closes it, and the parser clears
    /// `in_set` then). Not after a word lexed in a directive's parentheses
    /// (`in`: an argument, which the parser reads and nothing more), nor
    /// after any other `)`: `in_set` is set by `#set(` only and cleared by
    /// the parser only, once it has read the `)` that closes it, so a `)`
    /// lexed while it is clear closes no `#set(`. The parser tests compare
    /// whole parses with lexing on demand.
    #[inline]
    fn parser_may_act(&self, k: K) -> bool {
        match k {
            K::RParen => self.in_set,
            K::Word => !(self.state == State::Directive && self.lparen > 0),
            _ => true,
        }
    }

    /// The commonest tokens, lexed without the general loop, with the same
    /// result: text; `$name` (the `$` prefix and its state push, then the
    /// identifier); `#name` for a name no other token can take (the `#`
    /// prefix, then the word); a reference's identifiers, dots, `(`, `[`
    /// and the terminator that ends it (a character that is no token of the
    /// reference states: the state is popped and the character lexed again);
    /// a method call's strings, commas and `)`; a directive's blanks,
    /// strings, parentheses, commas, `=` and plain words. `None` when the
    /// input is none of these; nothing has changed then but a terminator's
    /// pop, which the general loop would also have done first. The property
    /// tests check the token streams against the reference matchers.
    /// `bytes`: the text's.
    #[inline(always)]
    fn fast_token(&mut self, bytes: &'s [u8]) -> Option<Token> {
        use matchers as m;
        let start = self.pos;
        // At most one terminator, then a token of the popped state.
        for _ in 0..2 {
            let s = bytes.get(start..)?;
            let b = *s.first()?;
            if b == b'$' {
                // `Dollar` (MORE) before an identifier: every state has it,
                // and no longer token starts so.
                if !m::is(second(s), m::IDENTIFIER_START)
                    || self.in_comment
                    || self.stack.len() >= MAX_STACK
                {
                    return None;
                }
                if self.state == State::Reference {
                    self.pop();
                }
                self.push().ok()?;
                self.state = State::Reference;
                let id = s.get(1..).unwrap_or(&[]);
                let n = m::identifier_len(id);
                return Some(self.token(m::identifier_kind(id, n), start, start + 1 + n));
            }
            let (kind, end) = match self.state {
                State::Default => {
                    if m::is(b, m::PLAIN_TEXT_START) || (m::is_blank(b) && !m::may_start_set(s)) {
                        (K::Text, start + m::text_len(s))
                    } else if m::is_blank(b) || (b == b'#' && matches!(second(s), b's' | b'{')) {
                        // Blanks start text unless they start `#set(`.
                        match m::match_kind(K::SetDirective, s) {
                            Some(n) => {
                                if self.in_comment {
                                    return None;
                                }
                                self.push().ok()?;
                                self.in_set = true;
                                self.state = State::Directive;
                                self.lparen += 1;
                                (K::SetDirective, start + n)
                            }
                            None if b != b'#' => (K::Text, start + m::text_len(s)),
                            None => return None,
                        }
                    } else if b == b'#' && m::is(second(s), m::ALPHA) {
                        // `Hash` (MORE), then in `PreDirective` a word, or
                        // `#end`, `#if`, `#else`, `#elseif` (which beat a
                        // word as long as they are whole).
                        if self.in_comment || self.stack.len() >= MAX_STACK {
                            return None;
                        }
                        let word = s.get(1..).unwrap_or(&[]);
                        let n = m::directive_word_len(word);
                        let (kind, len) = match word.get(..n) {
                            Some(b"if") => (K::If, n),
                            Some(b"elseif") => (K::ElseIf, n),
                            Some(b"end") => (K::End, m::blank_line_tail(word, 3)),
                            Some(b"else") => (K::Else, m::blank_line_tail(word, 4)),
                            _ => (K::Word, n),
                        };
                        self.push().ok()?;
                        match kind {
                            K::If | K::ElseIf => self.state = State::Directive,
                            K::End | K::Else => {
                                self.pop();
                            }
                            _ => self.state = State::PreDirective,
                        }
                        (kind, start + 1 + len)
                    } else {
                        return None;
                    }
                }
                State::Reference | State::RefModifier => {
                    if m::is(b, m::IDENTIFIER_START) {
                        let n = m::identifier_len(s);
                        (m::identifier_kind(s, n), start + n)
                    } else if b == b'.' {
                        if !m::is(second(s), m::ALPHA) {
                            return None;
                        }
                        // `Dot` takes the letter after it and gives it back;
                        // in `RefModifier`, the identifier from that letter
                        // is lexed next: both as one token, unless the
                        // identifier is `true` or `false` (kinds of their own).
                        self.state = State::RefModifier;
                        let id = s.get(1..).unwrap_or(&[]);
                        let n = m::identifier_len(id);
                        match m::identifier_kind(id, n) {
                            K::Identifier => (K::DotName, start + 1 + n),
                            _ => (K::Dot, start + 1),
                        }
                    } else if b == b'(' && self.state == State::RefModifier {
                        if !self.in_comment {
                            self.lparen += 1;
                        }
                        self.state = State::RefMod2;
                        (K::LParen, start + 1)
                    } else if b == b'[' {
                        self.push().ok()?;
                        self.state = State::RefIndex;
                        (K::IndexLBracket, start + 1)
                    } else if m::is(b, m::PLAIN_TERMINATOR)
                        || (m::is_blank(b)
                            && (!m::may_start_set(s)
                                || m::match_kind(K::SetDirective, s).is_none()))
                    {
                        // `RefTerminator`: no special text (no `$`, `#` or
                        // `\\`), backed up, and the state popped.
                        self.pop();
                        continue;
                    } else {
                        return None;
                    }
                }
                State::Directive | State::RefMod2 | State::RefIndex if b.is_ascii_digit() => {
                    // `IntegerLiteral`, unless a `.` or an exponent follows
                    // the digits (a float, or a range's `..`).
                    let n = m::digits_len(s);
                    if matches!(s.get(n), Some(b'.' | b'e' | b'E')) {
                        return None;
                    }
                    if self.lparen == 0
                        && !self.in_set
                        && self.state != State::RefMod2
                        && self.state != State::RefIndex
                    {
                        self.pop();
                    }
                    (K::IntegerLiteral, start + n)
                }
                State::RefMod2 => match b {
                    b')' => {
                        self.state = State::Reference;
                        (K::RefMod2RParen, start + 1)
                    }
                    b',' => (K::Comma, start + 1),
                    b'"' | b'\'' => (K::StringLiteral, start + m::string_literal(s)?),
                    _ => return None,
                },
                State::Directive => match b {
                    b' ' | b'\t' | b'\n' | b'\r' => (K::Whitespace, start + m::whitespace_len(s)),
                    b'"' | b'\'' => {
                        let end = start + m::string_literal(s)?;
                        if !self.in_set && self.lparen == 0 {
                            self.pop();
                        }
                        (K::StringLiteral, end)
                    }
                    b')' => {
                        let end = start + m::blank_line_tail(s, 1);
                        self.rparen_handler();
                        (K::RParen, end)
                    }
                    b'(' => {
                        if !self.in_comment {
                            self.lparen += 1;
                        }
                        (K::LParen, start + 1)
                    }
                    b',' => (K::Comma, start + 1),
                    b'=' if second(s) != b'=' => (K::Equals, start + 1),
                    // Letters that start no operator or literal.
                    _ if b.is_ascii_alphabetic()
                        && !matches!(b, b'a' | b'o' | b'l' | b'g' | b'e' | b'n' | b't' | b'f') =>
                    {
                        (K::Word, start + m::directive_word_len(s))
                    }
                    _ => return None,
                },
                _ => return None,
            };
            return Some(self.token(kind, start, end));
        }
        None
    }

    /// A token from `start` to `end` with no special text, the position moved to `end`.
    #[inline(always)]
    fn token(&mut self, kind: K, start: usize, end: usize) -> Token {
        self.pos = end;
        Token {
            kind,
            start: start as u32,
            end: end as u32,
            special: 0,
        }
    }

    /// The next token by the general loop: the longest match of the state's
    /// kinds, `MORE` prefixes, special tokens and token actions.
    #[inline(never)]
    fn next_token_general(&mut self) -> Result<Token, Box<LexError>> {
        let special_start = self.specials.len();
        let special = |lx: &mut Lexer<'_>| {
            if lx.specials.len() == special_start {
                return 0;
            }
            lx.special_ranges
                .push((special_start as u32, lx.specials.len() as u32));
            lx.special_ranges.len() as u32
        };
        // Every round of either loop consumes input or returns.
        'token: loop {
            let start = self.pos;
            if start >= self.text.len() {
                return Ok(Token {
                    kind: K::Eof,
                    start: start as u32,
                    end: start as u32,
                    special: special(self),
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
                    if img.starts_with("##") {
                        self.specials.truncate(special_start);
                    } else {
                        special_text_of(img, &mut self.specials);
                    }
                    // Both terminators back up their character.
                    self.pos = match_end - len;
                    self.pop();
                    continue 'token;
                }
                self.token_action(kind, start)?;
                return Ok(Token {
                    kind,
                    start: start as u32,
                    end: self.pos as u32,
                    special: special(self),
                });
            }
        }
    }

    /// The error for input no token matches, placed where 1.7's token
    /// manager gives up: after the longest prefix some token could still
    /// have continued (an unterminated string runs to the end).
    #[cold]
    fn lex_error(&self, start: usize) -> Box<LexError> {
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
        Box::new(LexError { pos, message })
    }

    fn more_action(&mut self, kind: K) -> Result<(), Box<LexError>> {
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

    #[inline]
    fn token_action(&mut self, kind: K, start: usize) -> Result<(), Box<LexError>> {
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
