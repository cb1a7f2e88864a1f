//! Parser tests. Expected texts were checked against Velocity 1.7 (the oracle).

use super::*;
use crate::syntax::ast::{Expr, Node, RefPart, UnaryOp};

fn p(src: &str) -> Block {
    match parse(src) {
        Ok(b) => b,
        Err(e) => panic!("{src:?} does not parse: {e}"),
    }
}

/// The texts of a block and its nested blocks, flattened, with `|` between
/// nodes and `<…>` for non-text nodes (a quick picture of what prints).
fn shape(b: &Block) -> String {
    let mut out = String::new();
    for n in b {
        match n {
            Node::Text(_, t) => out.push_str(t),
            Node::Ref(r) => out.push_str(&format!("<${}>", r.root)),
            Node::Set { target, .. } => out.push_str(&format!("<set {}>", target.root)),
            Node::If {
                branches,
                otherwise,
                ..
            } => {
                out.push_str("<if>");
                for (_, body) in branches {
                    out.push_str(&shape(body));
                    out.push_str("<|>");
                }
                if let Some(o) = otherwise {
                    out.push_str(&shape(o));
                }
                out.push_str("</if>");
            }
            Node::Foreach { var, body, .. } => {
                out.push_str(&format!("<foreach {var}>{}</foreach>", shape(body)))
            }
            Node::Break(..) => out.push_str("<break>"),
            Node::Stop(_) => out.push_str("<stop>"),
            Node::Macro { name, body, .. } => {
                out.push_str(&format!("<macro {name}>{}</macro>", shape(body)))
            }
            Node::MacroCall { name, args, .. } => {
                out.push_str(&format!("<call {name}/{}>", args.len()))
            }
            Node::Define { name, body, .. } => {
                out.push_str(&format!("<define {name}>{}</define>", shape(body)))
            }
            Node::Evaluate { .. } => out.push_str("<evaluate>"),
            Node::Include { .. } => out.push_str("<include>"),
        }
    }
    out
}

fn s(src: &str) -> String {
    shape(&p(src))
}

#[test]
fn plain_text() {
    assert_eq!(
        p("<html></html>"),
        vec![Node::Text(Span::new(0, 13), "<html></html>".into())]
    );
    assert_eq!(p(""), vec![]);
}

#[test]
fn directive_lines_lose_their_newline_keep_indentation() {
    assert_eq!(s("#if(true)\n  yes\n#end\n"), "<if>  yes\n<|></if>");
    assert_eq!(
        s("a\n    #if(true)\n    yes\n    #end\nb\n"),
        "a\n    <if>    yes\n    <|></if>b\n"
    );
    assert_eq!(s("a #if(true)yes#end b"), "a <if>yes<|></if> b");
    assert_eq!(
        s("#if(false)\none\n#else\ntwo\n#end\nafter"),
        "<if>one\n<|>two\n</if>after"
    );
    assert_eq!(s("#if(true)\nx\n#end  \ny"), "<if>x\n<|></if>y");
    assert_eq!(s("#if(true)x#end  y"), "<if>x<|></if>  y");
    assert_eq!(
        s("#if(true)\r\nx\r\n#end\r\ny\r\n"),
        "<if>x\r\n<|></if>y\r\n"
    );
    assert_eq!(s("#if (true) x #end"), "<if> x <|></if>");
    assert_eq!(s("#{if}(true)x#{else}y#{end}|"), "<if>x<|>y</if>|");
}

#[test]
fn set_eats_leading_blanks_only_at_token_start() {
    assert_eq!(s("  #set($a = 1)\nx"), "<set a>x");
    assert_eq!(s("abc  #set($a = 1)x"), "abc  <set a>x");
    assert_eq!(s("$a  #set($a = 2)x"), "<$a><set a>x");
    assert_eq!(s("x\n  #set($b = 1)\n$b"), "x\n  <set b><$b>");
    assert_eq!(
        s("#if(true)\n  #set($b = 1)\n#end\n$b"),
        "<if><set b><|></if><$b>"
    );
    assert_eq!(s("## c\n  #set($b = 1)$b"), "<set b><$b>");
    assert_eq!(s("#set($a=1)\t\n\tx"), "<set a>\tx");
}

#[test]
fn comments_and_text_blocks() {
    assert_eq!(s("## comment\ntext ## trailing\nmore\n"), "text more\n");
    assert_eq!(s("a#* c *#b\n#** doc *#\nc"), "ab\n\nc");
    assert_eq!(s("#[[ $a #if ]]# x"), " $a #if  x");
    assert_eq!(s("$##"), "$");
    assert_eq!(s("$#[[x]]#"), "[x");
}

#[test]
fn things_that_stay_text() {
    assert_eq!(
        s("$ 5 $2 a$. $a. $a.1 # a #1 a#b"),
        "$ 5 $2 a$. <$a>. <$a>.1 # a #1 a<call b/0>"
    );
    assert_eq!(s("$a.b("), "<$a>(");
    assert!(parse("$a.b(x").is_err());
    assert_eq!(s("x\\"), "x\\");
    assert_eq!(s("()"), "()");
}

#[test]
fn escapes() {
    let b = p("\\$a \\\\$a \\\\\\$a");
    let counts: Vec<u32> = b
        .iter()
        .filter_map(|n| match n {
            Node::Ref(r) => Some(r.backslashes),
            _ => None,
        })
        .collect();
    assert_eq!(counts, vec![1, 2, 3]);
    if let Some(Node::Ref(r)) = b.first() {
        assert_eq!(r.span, Span::new(0, 3));
    }
    assert_eq!(s("\\#set \\#if \\#foo"), "#set #if \\#foo");
    assert_eq!(s("\\\\#if(true)x#end"), "\\<if>x<|></if>");
    assert_eq!(s("\\\\#foo"), "\\\\<call foo/0>");
    assert_eq!(s("\\\\\\#if"), "\\#if");
    assert_eq!(s("#macro(m)x#end\\#m"), "<macro m>x</macro>#m");
}

#[test]
fn references() {
    let b = p("$a.b[1].c(2)[0]x");
    let Some(Node::Ref(r)) = b.first() else {
        panic!("{b:?}")
    };
    assert_eq!(r.root.as_ref(), "a");
    assert_eq!(r.span, Span::new(0, 15));
    assert_eq!(r.parts.len(), 4);
    assert!(
        matches!(&r.parts[2], RefPart::Method(sp, n, a) if n.as_ref() == "c" && a.len() == 1 && *sp == Span::new(8, 12))
    );
    assert_eq!(s("$!{a}x$!a ${a-b}"), "<$a>x<$a> <$a-b>");
    assert_eq!(s("$a-1"), "<$a-1>");
    let b = p("$!{a}");
    let Some(Node::Ref(r)) = b.first() else {
        panic!()
    };
    assert!(r.silent && r.formal);
}

#[test]
fn set_target_name_is_first_token_minus_one_char() {
    let b = p("#set(${a} = 5)");
    let Some(Node::Set { target, .. }) = b.first() else {
        panic!()
    };
    assert_eq!(target.root.as_ref(), "{");
}

#[test]
fn literals() {
    let b = p("#set($a = [1, 2147483648, 99999999999999999999, 1.5, -2, true, 'x''y', \"a\"\"b\", [1..3], {\"k\": 1}])");
    let Some(Node::Set {
        value: Expr::List(_, items),
        ..
    }) = b.first()
    else {
        panic!("{b:?}")
    };
    assert!(matches!(items[0], Expr::Int(_, IntLit::Int(1))));
    assert!(matches!(items[1], Expr::Int(_, IntLit::Long(2147483648))));
    assert!(matches!(items[2], Expr::Int(_, IntLit::Big(_))));
    assert!(matches!(items[3], Expr::Float(_, f) if f == 1.5));
    assert!(matches!(items[4], Expr::Int(_, IntLit::Int(-2))));
    assert!(matches!(items[5], Expr::Bool(_, true)));
    assert!(
        matches!(&items[6], Expr::Str { value, interpolated: None, .. } if value.as_ref() == "x'y")
    );
    assert!(
        matches!(&items[7], Expr::Str { value, interpolated: None, .. } if value.as_ref() == "a\"b")
    );
    assert!(matches!(items[8], Expr::Range(..)));
    assert!(matches!(&items[9], Expr::Map(_, e) if e.len() == 1));
}

#[test]
fn interpolated_strings_have_absolute_spans() {
    let src = "#set($s = \"x $a.b y\")";
    let b = p(src);
    let Some(Node::Set {
        value: Expr::Str {
            interpolated: Some(inner),
            ..
        },
        ..
    }) = b.first()
    else {
        panic!("{b:?}")
    };
    assert_eq!(shape(inner), "x <$a> y");
    let Some(Node::Ref(r)) = inner.get(1) else {
        panic!()
    };
    assert_eq!(r.span.text(src), "$a.b");
    let Some(Node::Text(sp, t)) = inner.last() else {
        panic!()
    };
    assert_eq!(t.as_ref(), " y");
    assert_eq!(sp.text(src), " y");
}

#[test]
fn operators_and_precedence() {
    let b = p("#set($a = 1 + 2 * 3 == 7 && !false || $b)");
    let Some(Node::Set { value, .. }) = b.first() else {
        panic!()
    };
    let Expr::Binary(_, BinOp::Or, l, _) = value else {
        panic!("{value:?}")
    };
    let Expr::Binary(_, BinOp::And, l, r) = l.as_ref() else {
        panic!()
    };
    assert!(matches!(r.as_ref(), Expr::Unary(_, UnaryOp::Not, _)));
    assert!(matches!(l.as_ref(), Expr::Binary(_, BinOp::Eq, _, _)));
    assert!(parse("#if($a eq 1 and $b ne 2 or not $c)x#end").is_ok());
    // `-1` after a value is a number, not a minus: 1.7 rejects it.
    assert!(parse("#set($a = 1 -1)").is_err());
    assert!(parse("#set($a = 1 - 1)").is_ok());
}

/// Every level is left-associative, and binds as 1.7's grammar nests them.
#[test]
fn operators_associate_left_at_every_level() {
    fn shape(e: &Expr, src: &str) -> String {
        match e {
            Expr::Binary(sp, op, l, r) => {
                let s = format!("({} {op:?} {})", shape(l, src), shape(r, src));
                assert_eq!(sp.text(src).trim(), sp.text(src), "span of {s}");
                s
            }
            Expr::Unary(_, _, x) => format!("!{}", shape(x, src)),
            Expr::Paren(_, x) => format!("[{}]", shape(x, src)),
            other => other.span().text(src).to_string(),
        }
    }
    for (expr, want) in [
        ("1 - 2 - 3", "((1 Sub 2) Sub 3)"),
        ("8 / 4 * 2 % 3", "(((8 Div 4) Mul 2) Mod 3)"),
        ("1 + 2 * 3 - 4", "((1 Add (2 Mul 3)) Sub 4)"),
        ("1 * 2 + 3 * 4", "((1 Mul 2) Add (3 Mul 4))"),
        ("$a < $b == $c > $d", "(($a Lt $b) Eq ($c Gt $d))"),
        ("$a == $b != $c", "(($a Eq $b) Ne $c)"),
        ("$a || $b && $c || $d", "(($a Or ($b And $c)) Or $d)"),
        (
            "!$a + 1 <= (2 - $b) * 3",
            "((!$a Add 1) Le ([(2 Sub $b)] Mul 3))",
        ),
    ] {
        let src = format!("#set($x = {expr})");
        let b = p(&src);
        let Some(Node::Set { value, .. }) = b.first() else {
            panic!("{src}")
        };
        assert_eq!(shape(value, &src), want, "{src}");
    }
}

#[test]
fn directives() {
    assert_eq!(
        s("#foreach($i in [1..3])\n  $i\n#end\n"),
        "<foreach i>  <$i>\n</foreach>"
    );
    assert_eq!(
        s("#macro(m $x)[$x]#end#m(1)|"),
        "<macro m>[<$x>]</macro><call m/1>|"
    );
    assert_eq!(
        s("#foo #foo() #foo(1 'a' $b)"),
        "<call foo/0> <call foo/0> <call foo/3>"
    );
    assert_eq!(s("#define($d)hi#end$d"), "<define d>hi</define><$d>");
    assert_eq!(
        s("#evaluate('x')#include('a')#parse('b')"),
        "<evaluate><include><include>"
    );
    assert_eq!(
        s("#foreach($i in $l)#break#end#stop x"),
        "<foreach i><break></foreach><stop> x"
    );
    assert_eq!(s("#literal()$a#end"), "$a");
    // A macro call prints as written, `)` with its swallowed newline.
    let src = "#foo()  \nz";
    let b = p(src);
    assert_eq!(b.first().map(|n| n.span().text(src)), Some("#foo()  \n"));
}

#[test]
fn parse_errors() {
    let e = parse("#if(true)\nyes").unwrap_err();
    assert_eq!((e.pos.line, e.pos.column), (2, 3));
    let e = parse("#if(false)a#else b#elseif(true)c#end").unwrap_err();
    assert_eq!((e.pos.line, e.pos.column), (1, 19));
    let e = parse("#set($p = \"a,b\".split(\",\"))$p").unwrap_err();
    assert_eq!((e.pos.line, e.pos.column), (1, 17));
    for bad in [
        "a$",
        "#",
        "#end",
        "x #else",
        "#set($a = )",
        "#set($a = 1",
        "$true",
        "#set($a = [ ])",
        "$a#set($b=1)[",
        "#foreach",
        "#macro",
        "#if(true x#end",
        "${a",
        "$a[",
    ] {
        assert!(parse(bad).is_err(), "{bad:?} should not parse");
    }
    for good in [
        "#set($b=1)[",
        "#foreach($i in)x#end",
        "#stop",
        "$a.b(",
        "\\\\",
        "#{if x",
    ] {
        assert!(parse(good).is_ok(), "{good:?} should parse");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = "#if(true)".repeat(5000);
    assert!(parse(&deep).is_err());
    let deep = format!("#set($a = {}1{})", "(".repeat(5000), ")".repeat(5000));
    assert!(parse(&deep).is_err());
    let deep = format!("#set($a = {}1{})", "[".repeat(5000), "]".repeat(5000));
    assert!(parse(&deep).is_err());
    let deep = format!("$a{}", ".m($a".repeat(3000));
    assert!(parse(&deep).is_err());
    let ok = format!("#set($a = {}1{})", "[".repeat(60), "]".repeat(60));
    assert!(parse(&ok).is_ok());
}

#[test]
fn nested_lists_in_method_args_parse_in_linear_time() {
    // The range lookahead re-reads references; memoised, this stays fast.
    let src = format!("#set($x = {}1{})", "[$a.m(".repeat(40), ")]".repeat(40));
    let t = std::time::Instant::now();
    assert!(parse(&src).is_ok());
    assert!(t.elapsed() < std::time::Duration::from_secs(2));
}

#[test]
fn long_blocks_merge_text_like_short_ones() {
    // Blocks past SPILL_AT nodes grow in their own vector; text after a
    // `#literal` node still merges into it, other text still merges.
    let tail = "#literal()L#end t1$!{b}t2\\#if x";
    for n in [3, SPILL_AT + 5] {
        let src = format!("{}{tail}", "a$x ".repeat(n));
        let b = p(&src);
        let expected = p(tail);
        let got = b.get(b.len() - expected.len()..).unwrap();
        let strip = |nodes: &[Node]| -> Vec<String> {
            nodes
                .iter()
                .map(|n| match n {
                    Node::Text(_, t) => format!("text {t:?}"),
                    Node::Ref(r) => format!("ref {}", r.root),
                    other => format!("{other:?}").chars().take(8).collect(),
                })
                .collect()
        };
        assert_eq!(strip(got), strip(&expected), "n = {n}");
        // `a`, `$x`, then ` a`, `$x` …, then ` `, then the tail.
        assert_eq!(b.len(), 2 * n + 1 + expected.len(), "n = {n}");
        // Spans stay exact.
        for node in &b {
            let sp = node.span();
            assert!(sp.start <= sp.end && sp.end as usize <= src.len());
        }
    }
}

#[test]
fn lexing_ahead_keeps_errors_in_order() {
    // The parser fails at `2` before the lexer would reach the trailing `$`
    // (a lexical error): the parse error is the one reported.
    let e = parse("$a.b(1 2 x $").unwrap_err();
    assert!(e.message.starts_with("unexpected \"2\""), "{}", e.message);
    assert_eq!((e.pos.line, e.pos.column), (1, 8));
    // A lexical error the parser does reach is reported where it is.
    let e = parse("$a.b(1, 2 $").unwrap_err();
    assert!(e.message.starts_with("lexical error"), "{}", e.message);
}

#[test]
fn failing_references_in_nested_lists_are_parsed_once() {
    // Each list's range lookahead parses the reference in it; when those
    // references fail, trying them again at every level took 2^depth steps.
    let depth = 40;
    let src = format!(
        "#set($a = {}1{})",
        "[$x.m(".repeat(depth),
        ")".repeat(depth)
    );
    let e = parse(&src).unwrap_err();
    assert!(
        e.message.starts_with("unexpected \")\"") && e.message.ends_with("in the list"),
        "{}",
        e.message
    );
    // Balanced, it parses.
    let src = format!(
        "#set($a = {}1{})",
        "[$x.m(".repeat(depth),
        ")]".repeat(depth)
    );
    assert!(parse(&src).is_ok());
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn never_panics(src in "[$#\\\\(){}\\[\\]\"'.,:a-z0-9 \\n!=<>*+-]{0,40}") {
            let _ = parse(&src);
        }

        #[test]
        fn never_panics_on_any_text(src in any::<String>()) {
            let _ = parse(&src);
        }

        #[test]
        fn spans_are_in_bounds(src in "(#if\\(\\$a\\)|#end|#set\\(\\$b = \"x\\$c\"\\)|\\$d\\.e\\(1\\)| |\n|x|##c\n)*") {
            if let Ok(b) = parse(&src) {
                for n in &b {
                    let sp = n.span();
                    prop_assert!(sp.start <= sp.end && (sp.end as usize) <= src.len());
                }
            }
        }
    }
}

/// Pieces of directives, references and text, in any order: where lexing
/// ahead could go wrong (a `)` that closes `#set(` or not, a directive's
/// name and its words, blanks and newlines after them, errors).
const PIECES: &[&str] = &[
    "#set(",
    "$a",
    "$b.c",
    "$d.e('x')",
    "${f}",
    "$!g",
    " = ",
    "=",
    " in ",
    "in",
    "#foreach(",
    "#if(",
    "#elseif(",
    "#else",
    "#end",
    "#macro(m $p)",
    "#m(",
    "#m",
    "#{if}",
    "#break",
    "#stop",
    "#define($h)",
    "#evaluate(",
    "#literal()",
    "(",
    ")",
    ")\n",
    " ",
    "\n",
    "'y'",
    "\"z$a\"",
    "1",
    "2.5",
    "[1..3]",
    "[$a, 'w']",
    "{'k': 1}",
    " && ",
    " + ",
    "!",
    ",",
    "x",
    "##c\n",
    "#*c*#",
    "\\",
    "\\#if",
    "$",
    "#",
    "$a[0]",
    "true",
    "$a.m($b, 2)",
];

mod on_demand {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// Lexing ahead in batches changes neither the tree nor the error
        /// (message and place) from lexing each token when it is asked for.
        #[test]
        fn lexing_ahead_changes_nothing(
            v in proptest::collection::vec(proptest::sample::select(PIECES), 0..30)
        ) {
            let src = v.concat();
            let ahead = format!("{:?}", parse(&src));
            prop_assert_eq!(ahead, format!("{:?}", parse_on_demand(&src)), "{:?}", src);
        }
    }
}

/// The kind tests as they were written before [`KIND_BITS`].
mod kind_tests {
    use super::*;
    use crate::syntax::lexer::ALL_KINDS;

    fn old_is_text_token(k: K) -> bool {
        matches!(
            k,
            K::Text
                | K::Dot
                | K::DotName
                | K::RParen
                | K::LParen
                | K::IntegerLiteral
                | K::FloatLiteral
                | K::StringLiteral
                | K::Escape
                | K::LCurly
                | K::RCurly
                | K::EmptyIndex
        )
    }

    fn old_starts_statement(k: K) -> bool {
        old_is_text_token(k)
            || matches!(
                k,
                K::If
                    | K::Identifier
                    | K::SingleLineCommentStart
                    | K::MultiLineComment
                    | K::FormalComment
                    | K::TextBlock
                    | K::SetDirective
                    | K::EscapeDirective
                    | K::DoubleEscape
                    | K::Word
                    | K::BracketedWord
            )
    }

    /// First tokens of `Parameter()` after its optional whitespace.
    fn old_starts_parameter(k: K) -> bool {
        matches!(
            k,
            K::StringLiteral
                | K::IntegerLiteral
                | K::LBracket
                | K::LeftCurley
                | K::True
                | K::False
                | K::Identifier
                | K::LCurly
                | K::FloatLiteral
        )
    }

    fn old_starts_directive_arg(k: K) -> bool {
        old_starts_parameter(k) || k == K::Word
    }

    #[test]
    fn the_kind_table_is_the_kind_tests() {
        for (i, &k) in ALL_KINDS.iter().enumerate() {
            assert_eq!(k as usize, i);
            assert_eq!(is_text_token(k), old_is_text_token(k), "{k:?}");
            assert_eq!(starts_statement(k), old_starts_statement(k), "{k:?}");
            assert_eq!(starts_parameter(k), old_starts_parameter(k), "{k:?}");
            assert_eq!(
                starts_directive_arg(k),
                old_starts_directive_arg(k),
                "{k:?}"
            );
        }
        assert_eq!(ALL_KINDS.len(), K::Eof as usize + 1);
    }
}

#[test]
fn an_unexpected_token_is_shown_without_its_line_end() {
    // The grammar's `)` at a directive's end takes the blanks and the line
    // end after it; the error shows and spans the `)` alone.
    let src = "#if($b.x == )  \n#end";
    let e = parse(src).unwrap_err();
    assert!(
        e.message.starts_with("unexpected \")\" (')')"),
        "{}",
        e.message
    );
    assert_eq!((e.pos.line, e.pos.column), (1, 13));
    assert_eq!((e.span.start, e.span.end), (12, 13));
    // So does a stray `#end`.
    let e = parse("x\n#end  \ny").unwrap_err();
    assert!(
        e.message.starts_with("unexpected \"#end\""),
        "{}",
        e.message
    );
    assert_eq!((e.span.start, e.span.end), (2, 6));
}
