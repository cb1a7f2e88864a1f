use super::*;

fn lex(s: &str) -> Result<Vec<(K, String)>, Box<LexError>> {
    let mut lx = Lexer::new(s);
    let mut out = Vec::new();
    for _ in 0..10_000 {
        let t = lx.next_token()?;
        if t.kind == K::Eof {
            return Ok(out);
        }
        out.push((t.kind, s[t.at()..t.to()].to_string()));
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
            (K::DotName, ".y".into()),
            (K::Text, " c".into()),
        ]
    );
    // `true` and `false` after a dot are tokens of their own kinds.
    let t = lex("$x.true.y").unwrap();
    assert_eq!(
        t,
        vec![
            (K::Identifier, "$x".into()),
            (K::Dot, ".".into()),
            (K::True, "true".into()),
            (K::DotName, ".y".into()),
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
    assert_eq!(reference::string_literal("\"a\"\"b\" x"), Some(6));
    assert_eq!(reference::string_literal("\"a\\\" x"), Some(4));
    assert_eq!(reference::string_literal("'a''"), Some(3));
    assert_eq!(reference::string_literal("\"abc"), None);
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

#[test]
fn states_are_listed_in_order() {
    for (i, s) in State::ALL.iter().enumerate() {
        assert_eq!(*s as usize, i);
    }
}

#[test]
fn string_literal_bytes() {
    use matchers::string_literal as sl;
    assert_eq!(sl(b"\"a\"\"b\" x"), Some(6));
    assert_eq!(sl(b"\"a\"\"b"), Some(3));
    assert_eq!(sl(b"'a'''"), Some(5));
    assert_eq!(sl(b"\"abc"), None);
}

/// The tokens of `s` (kind, start, end, special text), or the error, lexed
/// from the default state with the fast or the reference matchers.
type Stream = Result<Vec<(K, usize, usize, String)>, Box<LexError>>;

fn stream(s: &str, use_reference: bool) -> Stream {
    let mut lx = Lexer::new(s);
    lx.use_reference = use_reference;
    let mut out = Vec::new();
    // Every token but the last consumes input.
    for _ in 0..=s.len() {
        let t = lx.next_token()?;
        if t.kind == K::DotName {
            // The fast path's pair: the tokens 1.7 has for it.
            assert!(!use_reference, "the general loop made a DotName");
            let id = t.dot_name();
            out.push((K::Dot, t.at(), id.at(), lx.special(&t).to_string()));
            out.push((K::Identifier, id.at(), id.to(), String::new()));
            continue;
        }
        out.push((t.kind, t.at(), t.to(), lx.special(&t).to_string()));
        if t.kind == K::Eof {
            break;
        }
    }
    Ok(out)
}

/// Pieces of VTL that reach every lexical state and most token kinds.
const PIECES: &[&str] = &[
    "$",
    "#",
    "\\",
    "\\\\",
    "$!",
    "${",
    "$!{",
    "}",
    "{",
    "#set(",
    "#set (",
    " #set(",
    "\t#{set}(",
    "#if(",
    "#{if}",
    "#elseif(",
    "#else",
    "#{else}",
    "#end",
    "#{end}",
    "#foreach(",
    " in ",
    "#macro(",
    "#@b(",
    "#m",
    "[",
    "]",
    "..",
    "(",
    ")",
    "'",
    "\"",
    "a",
    "b1",
    "x-y",
    "_z",
    "@w",
    ".",
    ",",
    ":",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "##",
    "#*",
    "#**",
    "*#",
    "#[[",
    "]]#",
    "1",
    "-",
    "-2",
    "2.5",
    "2.5e3",
    ".5",
    "1E+5",
    "&&",
    "||",
    "==",
    "!=",
    "!",
    "<",
    "<=",
    ">",
    ">=",
    "=",
    "and",
    "or",
    "not",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "true",
    "false",
    "+",
    "*",
    "/",
    "%",
    "\u{e9}",
    "\u{1F600}",
    "$a.b(",
    "$\\!",
    "\\#if",
    "$.",
    "$[",
    "$\\![",
    "end",
    "if",
    "else",
    "elseif",
    "set",
];

fn pieces() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|v| v.concat())
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10000))]

        /// Per state, the first-byte table and the byte matchers find the
        /// same longest match as trying every kind with the reference matchers.
        #[test]
        fn best_match_agrees_with_reference(s in pieces(), state in prop::sample::select(&State::ALL[..])) {
            let mut lx = Lexer::new(&s);
            lx.switch_to(state);
            prop_assert_eq!(lx.best_match(0), reference::best_match(state, &s));
        }

        #[test]
        fn every_kind_agrees_with_reference(s in pieces(), k in 0usize..64) {
            let all: Vec<K> = State::ALL.iter().flat_map(|&st| kinds(st).iter().copied()).collect();
            let kind = all[k % all.len()];
            let fast = matchers::match_kind(kind, s.as_bytes());
            prop_assert_eq!(fast, reference::match_kind(kind, &s));
            if fast.is_some() {
                prop_assert!(matchers::can_start(kind, s.as_bytes()[0]));
            }
        }

        #[test]
        fn token_streams_agree_with_reference(s in pieces()) {
            prop_assert_eq!(stream(&s, false), stream(&s, true));
        }

        #[test]
        fn token_streams_agree_on_any_text(s in "[$#\\\\(){}\\[\\]\"'.,:a-z0-9 \n\r\t!=<>*+&|@%/_-]{0,60}") {
            prop_assert_eq!(stream(&s, false), stream(&s, true));
        }
    }
}

/// Every state, every pair of interesting characters and a few endings: the
/// fast matching decides as the reference does (the first two bytes are what
/// its shortcuts look at).
#[test]
fn best_match_agrees_with_reference_on_all_short_inputs() {
    let alphabet: Vec<char> = "$#\\!.[]{}()'\",:=<>*+-/%&| \t\r\nabefilnorstz_@09é"
        .chars()
        .collect();
    let endings = [
        "", "x", "(", "et(", "set(", "{set}(", "*", "[", "#", "a..b'", "![",
    ];
    for &state in &State::ALL {
        for &a in &alphabet {
            for &b in &alphabet {
                for end in endings {
                    let s = format!("{a}{b}{end}");
                    let mut lx = Lexer::new(&s);
                    lx.switch_to(state);
                    assert_eq!(
                        lx.best_match(0),
                        reference::best_match(state, &s),
                        "{state:?} {s:?}"
                    );
                }
            }
        }
    }
}
