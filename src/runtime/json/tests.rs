use super::*;
use proptest::prelude::*;

/// The general reader's result for `text`, having checked that the reader
/// that builds on first use ([`parse_lazy`]) agrees with it: the same error,
/// or the same values, read member by member before anything is built and
/// then whole. Every test here that reads a document checks both.
fn parse(text: &str) -> Result<Value, String> {
    let eager = super::parse(text);
    let lazy = parse_lazy(&Arc::from(text), &Budget::unmetered()).map_err(|e| e.to_string());
    match (&eager, &lazy) {
        (Ok(e), Ok(l)) => {
            if let (Value::Map(em), Value::Map(lm)) = (e, l) {
                for (k, v) in em.borrow().entries.iter() {
                    if let Key::Str(k) = k {
                        // Printed or handed over as text from the body, as the value prints.
                        let mut out = String::from("<");
                        if lm.borrow().write_member(k, &mut out) {
                            assert_eq!(out, format!("<{}", v.to_java_string()), "{text:?}: {k}");
                        }
                        let mut seen = None;
                        if lm
                            .borrow()
                            .with_str_member(k, &mut |s| seen = Some(s.to_string()))
                        {
                            assert!(matches!(v, Value::Str(_)), "{text:?}: {k}");
                            assert_eq!(seen.as_deref(), Some(&*v.to_java_string()), "{text:?}");
                        }
                        // escapeJavaScript of it, straight from the body's text.
                        let escaped = lm.borrow().str_member_to_escape(k).map(|m| match m {
                            StrMember::Text(s) => crate::runtime::util::escape_javascript(s),
                            escaped => {
                                let mut out = String::new();
                                escaped.write_js_escaped(&mut out);
                                out
                            }
                        });
                        if escaped.is_some() {
                            let want = crate::runtime::util::escape_javascript(&v.to_java_string());
                            assert_eq!(escaped, Some(want), "{text:?}: {k}");
                        }
                        let read = lm.borrow().get_str(k);
                        assert_eq!(read.to_json_string(), v.to_json_string(), "{text:?}: {k}");
                    }
                }
            }
            assert_eq!(l.to_java_string(), e.to_java_string(), "{text:?}");
            assert_eq!(l.to_json_string(), e.to_json_string(), "{text:?}");
            assert_eq!(l.java_class_name(), e.java_class_name(), "{text:?}");
        }
        (Err(e), Err(l)) => assert_eq!(l, e, "{text:?}"),
        _ => panic!("{text:?}: read on first use {lazy:?}, whole {eager:?}"),
    }
    eager
}

fn java(s: &str) -> String {
    parse(s)
        .unwrap_or_else(|e| panic!("{s}: {e}"))
        .to_java_string()
}

fn json(s: &str) -> String {
    parse(s)
        .unwrap_or_else(|e| panic!("{s}: {e}"))
        .to_json_string()
}

fn class(s: &str) -> String {
    parse(s)
        .unwrap_or_else(|e| panic!("{s}: {e}"))
        .java_class_name()
}

#[test]
fn permissive_syntax() {
    // expected: oracle (Java toString of `$util.parseJson(...)` and its classes)
    assert_eq!(
        json(r#"{"a":1,"b":[1,2.50,"x"],"c":null,"d":true}"#),
        r#"{"a":1,"b":[1,2.5,"x"],"c":null,"d":true}"#
    );
    assert_eq!(java("abc"), "abc");
    assert_eq!(java("abc def"), "abc def");
    assert_eq!(java("{a:b, 'c':'d', e : f g}"), "{a=b, c=d, e=f g}");
    assert_eq!(json("[1,2,]"), "[1,2]");
    assert_eq!(json(r#"{"a":1,}"#), r#"{"a":1}"#);
    assert_eq!(json("[1,,2]"), "[1,2]");
    assert_eq!(java("007"), "7");
    assert_eq!(java("-0"), "0");
    assert_eq!(java("-"), "0");
    assert_eq!(class("12345678901"), "java.lang.Long");
    assert_eq!(class("2147483647"), "java.lang.Integer");
    assert_eq!(
        class("123456789012345678901234567890"),
        "java.math.BigInteger"
    );
    assert_eq!(
        java("123456789012345678901234567890"),
        "123456789012345678901234567890"
    );
    assert_eq!(java("1.00000000000000000001"), "1.00000000000000000001");
    assert_eq!(class("1.00000000000000000001"), "java.math.BigDecimal");
    assert_eq!(
        java("12345678901234567890.5e3"),
        "1.23456789012345678905E+22"
    );
    assert_eq!(java("1.5e3"), "1500.0");
    assert_eq!(java("1."), "1.0");
    assert_eq!(java("1e5"), "100000.0");
    assert_eq!(java("1e400"), "Infinity");
    assert_eq!(json("[1e400]"), "[null]");
    assert_eq!(java("1 2"), "1 2");
    assert_eq!(java("12abc"), "12abc");
    assert_eq!(java("+1"), "+1");
    assert_eq!(java(".5"), ".5");
    assert_eq!(java("0x10"), "0x10");
    assert_eq!(json(r#"{"a":1} x"#), r#"{"a":1}"#);
    assert_eq!(json("[1,2]]"), "[1,2]");
    assert_eq!(java("'it''s'"), "it");
    assert!(parse("  ").is_ok_and(|v| v.is_null()));
    assert!(parse("").is_ok_and(|v| v.is_null()));
    assert!(parse("null").is_ok_and(|v| v.is_null()));
    assert_eq!(class("true"), "java.lang.Boolean");
    assert_eq!(class("True"), "java.lang.String");
    assert_eq!(json(r#"{"a":1,"b":0,"a":2}"#), r#"{"a":2,"b":0}"#);
    assert_eq!(java(r#""a\u0041\n""#), "aA\n");
    assert_eq!(json("[1 2]"), r#"["1 2"]"#);
    assert_eq!(json("[abc, d e]"), r#"["abc","d e"]"#);
    assert_eq!(json("[\"a\u{1}b\"]"), r#"["a\u0001b"]"#);
    assert_eq!(json("[Infinity,-Infinity]"), r#"["Infinity","-Infinity"]"#);
    assert_eq!(java(r#"{"z":1,"a":2,"m":3}"#), "{z=1, a=2, m=3}");
    // A lone surrogate is kept (as its stand-in, see crate::eval::jstring).
    assert_eq!(
        java(r#""\ud83d\ude00 \ud800x""#),
        format!(
            "\u{1F600} {}x",
            crate::eval::jstring::lone(0xD800).unwrap_or('?')
        )
    );
    assert_eq!(java("\"caf\u{e9}\""), "caf\u{e9}");
}

#[test]
fn errors_are_json_smart_messages() {
    // expected: oracle (`$util.parseJson` exception messages)
    assert!(parse(r#"{"a"}"#).is_err());
    assert_eq!(
        parse(r#"{"a":[}"#).map(|_| ()),
        Err("Unexpected character (}) at position 6.".into())
    );
    assert!(parse(r#"{"a":1"#).is_err_and(|e| e.starts_with("Unexpected End Of File position")));
    assert_eq!(
        parse(r#""abc"#).map(|_| ()),
        Err("Unexpected End Of File position 4: null".into())
    );
    // Positions count characters, not bytes.
    assert_eq!(
        parse("{\"\u{e9}\u{e9}\":[}").map(|_| ()),
        Err("Unexpected character (}) at position 7.".into())
    );
    // After a key or a value, an object tells the position before the
    // character; after a value it is a token.
    for (text, message) in [
        (r#"{"k" x}"#, "Unexpected character (x) at position 4."),
        (r#"{"a":"s"   x}"#, "Unexpected token x at position 10."),
        (r#"{"k":'a''b'}"#, "Unexpected token ' at position 7."),
        (r#"["a":1]"#, "Unexpected character (:) at position 4."),
        (r#"["a"}]"#, "Unexpected character (}) at position 4."),
    ] {
        assert_eq!(parse(text).map(|_| ()), Err(message.into()), "{text}");
    }
}

#[test]
fn array_values_need_no_comma_between() {
    // expected: oracle (json-smart reads the next value where a comma or the
    // closing bracket would be)
    assert_eq!(json("['a''b']"), r#"["a","b"]"#);
    assert_eq!(json(r#"["a" "b"]"#), r#"["a","b"]"#);
    assert_eq!(json("['a'1]"), r#"["a",1]"#);
    assert_eq!(json("['a'x]"), r#"["a","x"]"#);
    assert_eq!(json("['it''s', 1 2 'x']"), r#"["it","s","1 2 'x'"]"#);
    assert_eq!(
        json(r#"{"a":["x" {"b":1} [2]]}"#),
        r#"{"a":["x",{"b":1},[2]]}"#
    );
}

/// A text that ends early: json-smart names the last character's position,
/// or inside a string the text's length, in UTF-16 units, and says it met
/// `EOF` in an array or right after a colon, `null` elsewhere (each checked
/// against the oracle).
#[test]
fn an_early_end_is_told_as_json_smart_tells_it() {
    for (text, position, met) in [
        ("{a", 1, "null"),
        ("{\"a\"", 3, "null"),
        ("{\"a\":", 4, "EOF"),
        ("{\"a\": ", 5, "null"),
        ("{\"a\":1,", 6, "null"),
        ("{\"a\":{", 5, "null"),
        ("{\"a\":[", 5, "EOF"),
        ("{", 0, "null"),
        ("[", 0, "EOF"),
        ("  [", 2, "EOF"),
        ("[1", 1, "EOF"),
        ("[1 ", 2, "EOF"),
        ("[1,", 2, "EOF"),
        ("[tru", 3, "EOF"),
        ("[{}", 2, "EOF"),
        ("{\"\u{e9}\":", 4, "EOF"),
        ("[\"\u{1F600}\",", 5, "EOF"),
        // Strings: no quote character after the opening one, or one (escaped).
        ("{\"ab", 4, "null"),
        ("['ab", 4, "null"),
        ("[\"\u{1F600}", 4, "null"),
        ("[\"ab\\", 5, "null"),
        ("[\"\\u12", 6, "null"),
        ("[\"a\\\"b", 5, "null"),
        ("[\"a\\\"b\\", 7, "null"),
        ("[\"a\\\"\\u1", 8, "EOF"),
    ] {
        assert_eq!(
            parse(text).map(|_| ()),
            Err(format!("Unexpected End Of File position {position}: {met}")),
            "{text:?}"
        );
    }
    // A lone surrogate in the text (its stand-in) is one unit, as in Java.
    let lone = crate::eval::jstring::lone(0xD800).unwrap_or('?');
    assert_eq!(
        parse(&format!("[\"{lone}\",")).map(|_| ()),
        Err("Unexpected End Of File position 4: EOF".to_string())
    );
}

#[test]
fn depth_is_bounded() {
    let deep = "[".repeat(MAX_JSON_DEPTH + 10);
    assert!(parse(&deep).is_err());
    let ok = format!("{}{}", "[".repeat(100), "]".repeat(100));
    assert!(parse(&ok).is_ok());
    let mut out = String::new();
    assert!(compact(&ok, &mut out, &Budget::unmetered()) == Ok(true));
    assert_eq!(out, ok);
}

/// The compact pass counts its open containers as the tree's descent does:
/// it takes `MAX_JSON_DEPTH` nested containers, not one more, and writes
/// what the tree writes.
#[test]
fn compact_depth_is_the_trees() {
    for depth in [MAX_JSON_DEPTH - 1, MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1] {
        for (open, close) in [("[", "]"), ("{\"a\": ", "}"), ("[{\"a\":", "}]")] {
            let n = depth / open.matches(['[', '{']).count();
            let text = format!("{}1{}", open.repeat(n), close.repeat(n));
            let nested = n * open.matches(['[', '{']).count();
            let mut out = String::new();
            let took = compact(&text, &mut out, &Budget::unmetered());
            assert!(took == Ok(nested <= MAX_JSON_DEPTH), "{nested}");
            if took == Ok(true) {
                assert_eq!(Some(out), via_tree(&text));
            } else {
                assert!(out.is_empty());
            }
        }
    }
}

fn via_tree(text: &str) -> Option<String> {
    parse(text).ok().map(|v| v.to_json_string())
}

/// json-smart reads a string without escapes as it is written, and one with
/// escapes character by character, dropping control characters and DEL
/// written raw (checked against the oracle).
#[test]
fn raw_controls_are_dropped_from_strings_with_escapes() {
    for (text, java_text) in [
        ("{\"a\":\"x\u{7f}y\"}", "{a=x\u{7f}y}"),
        ("{\"a\":\"x\u{1}y\"}", "{a=x\u{1}y}"),
        ("{\"a\":\"x\u{7f}y\\\\n\"}", "{a=xy\\n}"),
        (
            "{\"a\":\"1\t2\n3\r4\u{0}5\u{b}6\u{c}7\u{8}8\u{1f}\\\\n\"}",
            "{a=12345678\\n}",
        ),
        ("{\"a\u{7f}\\\\n\":\"x\"}", "{a\\n=x}"),
        ("{\"a\":'x\u{7f}\\\\n'}", "{a=x\\n}"),
        ("{\"a\":\"\u{85}\u{7f}\\\\n\"}", "{a=\u{85}\\n}"),
        // Unquoted text keeps them.
        ("{\"a\":x\u{7f}y}", "{a=x\u{7f}y}"),
    ] {
        assert_eq!(java(text), java_text, "{text:?}");
        // The one-pass writer leaves raw control characters to the tree.
        let mut out = String::new();
        assert!(
            compact(text, &mut out, &Budget::unmetered()) == Ok(false),
            "{text:?}"
        );
        assert!(
            compact_escaped(text, &mut out, &Budget::unmetered()) == Ok(false),
            "{text:?}"
        );
        assert_eq!(out, "");
    }
}

#[test]
fn compact_matches_the_tree() {
    for text in [
        r#"{"a": 1, "b": [1, 2.50, "x/y", null, true, false], "c": {"d": "\u00e9\n\"q\""}}"#,
        r#"[ -0.0, 1e5, 1E-7, 0.001, 123456789012345678, -5, 0 ]"#,
        "{\"s\":\"\u{85}\u{2028}\u{e9}\u{1F600}\\/\\b\\f\\t\\r\"}",
        r#"{}"#,
        r#"[]"#,
        r#"  [ {} , [ ] ]  "#,
    ] {
        let mut out = String::from("prefix");
        assert!(
            compact(text, &mut out, &Budget::unmetered()) == Ok(true),
            "{text}"
        );
        assert_eq!(
            out.strip_prefix("prefix"),
            via_tree(text).as_deref(),
            "{text}"
        );
    }
}

#[test]
fn compact_leaves_the_unusual_to_the_tree() {
    for text in [
        r#"{"a":1,"a":2}"#,
        r#"{"a\u0062":1,"ab":2}"#,
        "[1,2,]",
        "[1,,2]",
        "{a:1}",
        "['a']",
        "[007]",
        "[-0]",
        "[1e400]",
        "[1.00000000000000000001]",
        "[12345678901234567890]",
        r#"["\ud800"]"#,
        r#"["\q"]"#,
        "[truex]",
        "[1 2]",
        r#"{"a":1} x"#,
        "\"str\"",
        "12",
        "",
        "[1",
    ] {
        let mut out = String::from("keep");
        assert!(
            compact(text, &mut out, &Budget::unmetered()) == Ok(false),
            "{text}"
        );
        assert_eq!(out, "keep");
    }
    // Many keys, one repeated far apart.
    let mut doc: Vec<String> = (0..40).map(|i| format!("\"k{i}\":{i}")).collect();
    doc.push("\"k3\":0".into());
    let text = format!("{{{}}}", doc.join(","));
    assert!(compact(&text, &mut String::new(), &Budget::unmetered()) == Ok(false));
    doc.pop();
    let text = format!("{{{}}}", doc.join(","));
    let mut out = String::new();
    assert!(compact(&text, &mut out, &Budget::unmetered()) == Ok(true));
    assert_eq!(Some(out), via_tree(&text));
}

/// `compact` takes `text` and writes what the tree writes; `compact_escaped`
/// writes that escaped for JavaScript.
fn assert_compacts(text: &str) {
    let escaped = via_tree(text).map(|t| crate::runtime::util::escape_javascript(&t));
    for prefix in ["", "a long prefix, longer than the text itself........"] {
        let mut out = String::from(prefix);
        assert!(
            compact(text, &mut out, &Budget::unmetered()) == Ok(true),
            "{text:?}"
        );
        assert_eq!(
            out.strip_prefix(prefix),
            via_tree(text).as_deref(),
            "{text:?}"
        );
        let mut out = String::from(prefix);
        assert!(
            compact_escaped(text, &mut out, &Budget::unmetered()) == Ok(true),
            "{text:?}"
        );
        assert_eq!(out.strip_prefix(prefix), escaped.as_deref(), "{text:?}");
    }
}

/// `compact_escaped` takes what `compact` takes, and writes its text escaped
/// for JavaScript; what it refuses leaves `out` as it was.
fn assert_escapes_as_compact(text: &str) -> Result<(), TestCaseError> {
    let mut plain = String::from("prefix");
    let took = compact(text, &mut plain, &Budget::unmetered());
    let mut escaped = String::from("prefix");
    let took_escaped = compact_escaped(text, &mut escaped, &Budget::unmetered());
    prop_assert_eq!(took, took_escaped, "{}", text);
    let expected = match took {
        Ok(true) => format!(
            "prefix{}",
            crate::runtime::util::escape_javascript(plain.get(6..).unwrap_or(""))
        ),
        _ => "prefix".to_string(),
    };
    prop_assert_eq!(escaped, expected, "{}", text);
    Ok(())
}

#[test]
fn compact_blanks_strings_and_keys() {
    for text in [
        // Blanks of every kind and length, inside and around.
        "\t\r\n [ 1 ,\t2\n,\r\n3          ,          4 ]\n\n\n\n\n\n\n\n\n\n",
        "{\n        \"a\"        :        {\n                \"b\" : [ ]        }        }",
        "[\u{1}1]",
        // Strings across chunks, with every rewrite at every offset.
        r#"["","a","abcdefg","abcdefgh","abcdefghi","abcdefghijklmnopq"]"#,
        r#"["/","a/","abcdefg/","abcdefgh/","/abcdefghijklmnopq/","\/x\\y\"z"]"#,
        "[\"\u{80}\u{9f}\u{a0}\u{2000}\u{20ff}\u{2100}\u{1fff}\"]",
        "[\"\u{65e5}\u{672c}\u{8a9e}\u{306e}\u{6587}\u{5b57}\u{5217}\u{3067}\u{3059}\u{3002}\", \"\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\"]",
        r#"["\u0041\u002f\u002F\u00e9\u0001\u007f\u2028\uFFFF\b\f\n\r\t"]"#,
        // The last bytes of the text: short strings and numbers at the end.
        r#"["x"]"#,
        r#"["é"]"#,
        r#"["a/"]"#,
        "[1]",
        "[-1.5]",
        "[1e5]",
        "[true]",
        "[null,false]",
        // Keys of every length: all different.
        r#"{"":0,"a":1,"abcdefg":2,"abcdefgh":3,"abcdefghi":4,"abcdefgX":5,"abcdefghX":6}"#,
        r#"{"k1234567890123456":1,"k1234567890123457":2,"x1234567890123456":3}"#,
        r#"{"a":{"a":{"a":1},"b":2},"b":{"a":3}}"#,
        "{\"a/b\":1,\"é\":2,\"\u{2028}\":3}",
        // What escapeJavaScript rewrites besides: quotes, 4-byte characters.
        r#"{"it's":"'","q":"\u0027\u0022'\"'","x":"'abcdefgh'abcdefgh'"}"#,
        "[\"\u{1F600}a\u{1F600}\u{e9}\u{85}\u{2028}\u{10FFFF}\", \"\u{ffff}\u{a0}\"]",
        // Numbers Java writes alike, and ones it writes its own way.
        "[0,-1,7,2147483648,123456789012345678,-123456789012345678]",
        "[1.0,-0.0,0.5,0.001,0.25,57.23,1234567.5,9999999.9,100.0]",
        "[0.0001,12345678.5,1.50,1e5,1E+2,1.5e-3,2e0,-1E-7,0.1234567890123456]",
    ] {
        assert_compacts(text);
    }
    // Many keys: the first ones kept aside, the others in the shared list.
    for n in [7, 8, 9, 30, 100, 250] {
        let doc: Vec<String> = (0..n).map(|i| format!("\"key{i}\":{i}")).collect();
        let text = format!(
            "{{\"x\":{{{}}},\"y\":[{{{}}}]}}",
            doc.join(","),
            doc.join(",")
        );
        assert_compacts(&text);
    }
}

#[test]
fn compact_finds_every_repeated_key() {
    let keys = [
        "",
        "a",
        "abcdefg",
        "abcdefgh",
        "abcdefghi",
        "abcdefghijklm",
        "abcdefghijklmn",
        "abcdefghijklmnopq",
    ];
    // A key followed at once by its colon in one chunk is read apart from
    // one with a blank before its colon: the two must still meet.
    for (k, colon) in keys.iter().flat_map(|k| [(k, ":"), (k, " :")]) {
        for n in [0, 1, 7, 8, 9, 40] {
            for at in [0, n / 2, n] {
                let mut doc: Vec<String> = (0..n).map(|i| format!("\"k{i}\":{i}")).collect();
                doc.insert(at.min(doc.len()), format!("\"{k}\":1"));
                doc.push(format!("\"{k}\"{colon}2"));
                let text = format!("[{{{}}}]", doc.join(","));
                let mut out = String::from("keep");
                assert!(
                    compact(&text, &mut out, &Budget::unmetered()) == Ok(false),
                    "{text}"
                );
                assert_eq!(out, "keep");
                // Equal keys in different objects are no repeat.
                let text = format!("[{{\"{k}\":1,\"z\":{{\"{k}\":2}}}},{{\"{k}\":3}}]");
                assert_compacts(&text);
            }
        }
    }
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|i| serde_json::json!(i)),
        (-1e12f64..1e12).prop_map(|f| serde_json::json!(f)),
        "[a-z\"'\\\\/\u{0}-\u{1f}\u{7f}-\u{a0}\u{2000}-\u{2030}\u{e9}\u{1F600} ]{0,8}"
            .prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            proptest::collection::vec(("[a-c]{1,2}", inner), 0..6)
                .prop_map(|kv| { serde_json::Value::Object(kv.into_iter().collect()) }),
        ]
    })
}

/// Documents `compact` must take: no repeated keys, numbers json-smart reads as Java does.
fn arb_plain_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i32>().prop_map(|i| serde_json::json!(i)),
        (-1_000_000i64..1_000_000, 1u32..4).prop_map(|(m, e)| {
            serde_json::Value::Number(
                serde_json::Number::from_f64(m as f64 / 10f64.powi(e as i32))
                    .unwrap_or_else(|| 0.into()),
            )
        }),
        "[a-z\"'\\\\/\u{0}-\u{1f}\u{80}-\u{a0}\u{2000}-\u{2030}\u{e9}\u{65e5}\u{1F600} ]{0,20}"
            .prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 48, 10, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..10).prop_map(serde_json::Value::Array),
            proptest::collection::vec(("[a-z/\u{e9}]{0,12}", inner), 0..12)
                .prop_map(|kv| { serde_json::Value::Object(kv.into_iter().collect()) }),
        ]
    })
}

proptest! {
    #[test]
    fn compact_agrees_with_parse_then_write(doc in arb_json(), pretty in any::<bool>()) {
        let doc = serde_json::json!([doc]);
        let text = if pretty {
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        } else {
            serde_json::to_string(&doc).unwrap_or_default()
        };
        let mut out = String::new();
        if compact(&text, &mut out, &Budget::unmetered()) == Ok(true) {
            prop_assert_eq!(Some(out), via_tree(&text));
        }
        assert_escapes_as_compact(&text)?;
    }

    #[test]
    fn compact_takes_plain_documents(doc in arb_plain_json(), pretty in any::<bool>()) {
        let doc = serde_json::json!({"doc": doc});
        let text = if pretty {
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        } else {
            serde_json::to_string(&doc).unwrap_or_default()
        };
        let mut out = String::from("prefix");
        prop_assert!(compact(&text, &mut out, &Budget::unmetered()) == Ok(true), "{}", text);
        let expected = via_tree(&text);
        prop_assert_eq!(out.strip_prefix("prefix"), expected.as_deref());
        assert_escapes_as_compact(&text)?;
    }

    #[test]
    fn nothing_panics(s in "\\PC*") {
        let _ = parse(&s);
        let _ = compact(&s, &mut String::new(), &Budget::unmetered());
        assert_escapes_as_compact(&s)?;
    }

    #[test]
    fn structured_text_does_not_panic(s in "[\\[\\]{}:,'\" .eE0-9a\\\\u-]{0,40}") {
        let _ = parse(&s);
        let mut out = String::new();
        if compact(&s, &mut out, &Budget::unmetered()) == Ok(true) {
            prop_assert_eq!(Some(out), via_tree(&s));
        }
        assert_escapes_as_compact(&s)?;
    }
}

proptest! {
    /// Numbers of every form and length, at every offset from the text's end:
    /// the chunk that takes short plain ones agrees with the longer way and
    /// with the tree, when compacting and when the body is read on first use.
    #[test]
    fn compact_numbers_agree_with_the_tree(
        n in "-?(0|[1-9][0-9]{0,8}|0[0-9]{1,3})?(\\.[0-9]{0,8})?([eE][-+]?[0-9]{0,3})?",
        pad in "[ ]{0,9}",
        tail in prop_oneof![Just(",0]"), Just("]"), Just(" ]"), Just("x]"), Just(".5]"), Just("e]")],
    ) {
        let text = format!("[{pad}{n}{tail}");
        let mut out = String::new();
        let took = compact(&text, &mut out, &Budget::unmetered());
        if took == Ok(true) {
            prop_assert_eq!(Some(out), via_tree(&text));
        }
        let mut chunk = [b' '; 8];
        for (to, from) in chunk.iter_mut().zip(format!("{n}{tail}").bytes()) {
            *to = from;
        }
        let ends = matches!(tail, ",0]" | "]" | " ]");
        if let Some(len) = short_plain_number(&chunk).filter(|_| ends) {
            // Judged plain: the whole number, which the tree writes as it is.
            prop_assert_eq!(n.len(), len);
            prop_assert!(took == Ok(true), "{}", text);
            prop_assert_eq!(via_tree(&format!("[{n}]")), Some(format!("[{n}]")));
        }
        assert_escapes_as_compact(&text)?;
        // Read on first use (the scan's chunk for short plain ones, else the
        // longer way) as an item and as a member, each printing as the
        // general reader's value does (checked by `parse`); blanks after the
        // document keep the number's chunk whole.
        let member = tail.replace(']', "}").replace(",0", ",\"z\":0");
        for t in [format!("{text}        "), format!("{{\"k\":{pad}{n}{member}        ")] {
            let eager = super::parse(&t).map(|v| v.to_java_string());
            let lazy = parse(&t).map(|v| v.to_java_string());
            prop_assert_eq!(eager, lazy, "{}", t);
        }
    }
}

#[test]
fn short_plain_numbers() {
    for (text, len) in [
        ("0,", Some(1)),
        ("-0,", None),
        ("-0.0]", Some(4)),
        ("13.44, ", Some(5)),
        ("1234567}", Some(7)),
        ("12345678", None),
        ("1.50]", None),
        ("0.001]", Some(5)),
        ("0.0001]", None),
        ("007]", None),
        ("1e5]", None),
        ("1.5E2]", None),
        ("-]", None),
        ("1.]", None),
        ("-12.5]", Some(5)),
    ] {
        let mut chunk = [b' '; 8];
        for (to, from) in chunk.iter_mut().zip(text.bytes()) {
            *to = from;
        }
        assert_eq!(short_plain_number(&chunk), len, "{text}");
        if let Some(len) = len {
            let n = text.get(..len).unwrap_or("");
            assert_eq!(
                via_tree(&format!("[{n}]")),
                Some(format!("[{n}]")),
                "{text}"
            );
        }
    }
}

#[test]
fn plain_decimals_are_written_as_java_writes_them() {
    // A plain decimal judged canonical must be exactly Double.toString's text.
    let mut rng: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut checked = 0;
    for _ in 0..400_000 {
        let int_digits = (next() % 8) as usize;
        let frac_digits = 1 + (next() % 9) as usize;
        let int: String = if int_digits == 0 {
            "0".into()
        } else {
            (0..int_digits)
                .map(|i| {
                    let d = next() % 10;
                    char::from(b'0' + if i == 0 { 1 + (d % 9) as u8 } else { d as u8 })
                })
                .collect()
        };
        let frac: String = (0..frac_digits)
            .map(|_| char::from(b'0' + (next() % 10) as u8))
            .collect();
        let text = format!("{}{int}.{frac}", if next() % 2 == 0 { "-" } else { "" });
        if java_double_text(text.as_bytes()) {
            checked += 1;
            let mut out = String::new();
            write_java_double(text.parse().unwrap_or(0.0), &mut out);
            assert_eq!(out, text);
        }
    }
    assert!(checked > 100_000, "{checked}");
}

#[test]
fn numbers_read_on_the_way_match_the_general_reader() {
    // expected: the general number reader (oracle-checked in `permissive_syntax`).
    for text in [
        "0",
        "-0",
        "7",
        "007",
        "-007",
        "2147483647",
        "2147483648",
        "-2147483648",
        "-2147483649",
        "123456789012345678",
        "-123456789012345678",
        "1234567890123456789",
        "0.5",
        "-0.5",
        "-0.0",
        "00.5",
        "26.22",
        "1.5",
        "123456789012345",
        "1234567890.12345",
        "1234567890.123456",
        "0.000000000000001",
        "1.",
        "-",
        "1.5.5",
        "1e5",
        "1.5e3",
        "1-2",
        "9007199254740993",
    ] {
        let fast = parse(&format!("[{text}]")).map(|v| v.to_json_string());
        let general = number_value(text).map(|v| format!("[{}]", v.to_json_string()));
        assert_eq!(fast, general, "{text}");
        let fast = parse(text).map(|v| v.java_class_name());
        let general = number_value(text).map(|v| v.java_class_name());
        assert_eq!(fast, general, "{text}");
    }
    assert_eq!(json("[12abc, 1 2, -x]"), r#"["12abc","1 2","-x"]"#);
}

#[test]
fn literals_stand_alone_or_are_text() {
    // expected: oracle (json-smart reads `true x` as the text `true x`)
    assert_eq!(json("[true ,false\t, null ]"), "[true,false,null]");
    assert_eq!(json(r#"{"a":null , "b" : true}"#), r#"{"a":null,"b":true}"#);
    assert_eq!(
        json("[true x, truex, nul, nullnull]"),
        r#"["true x","truex","nul","nullnull"]"#
    );
    assert!(parse("true  ").is_ok_and(|v| v.java_class_name() == "java.lang.Boolean"));
    assert_eq!(java("true x"), "true x");
    assert_eq!(java("{a: true false}"), "{a=true false}");
}

#[test]
fn shared_strings_and_keys_keep_their_text() {
    // Strings and keys of up to 16 bytes are shared; equal first and last
    // words with different middles stay apart.
    let texts = [
        "",
        "a",
        "abcdefg",
        "abcdefgh",
        "abcdefgh1",
        "abcdefgh12345678",
        "abcdefgh02345678",
        "abcdefghXabcdefgh",
        "abcdefghYabcdefgh",
        "abcdefgh",
        "a",
    ];
    let doc = serde_json::json!({
        "list": texts,
        "maps": texts.iter().map(|t| serde_json::json!({ *t: t, "x": t })).collect::<Vec<_>>(),
    });
    let text = doc.to_string();
    assert_eq!(via_tree(&text), Some(text.replace('/', "\\/")));
    // More distinct keys than the cache holds, each twice.
    let keys: Vec<String> = (0..2000)
        .map(|i| format!("\"k{}\":{i}", i % 1000))
        .collect();
    let text = format!("{{{}}}", keys.join(","));
    let expected: Vec<String> = (0..1000)
        .map(|i| format!("\"k{i}\":{}", i + 1000))
        .collect();
    assert_eq!(via_tree(&text), Some(format!("{{{}}}", expected.join(","))));
    // A key written with escapes is the same key.
    assert_eq!(json(r#"{"a":1,"\u0061":2,"b":3}"#), r#"{"a":2,"b":3}"#);
    // Escaped strings one after another do not share their decoding buffer.
    assert_eq!(
        json(r#"["a\nb","c","\u0041\t","d\"e","long string without escapes"]"#),
        r#"["a\nb","c","A\t","d\"e","long string without escapes"]"#
    );
}

proptest! {
    #[test]
    fn decimals_read_as_the_standard_library_reads_them(
        m in 0u64..10_000_000_000_000_000,
        point in 0usize..17,
        neg in any::<bool>(),
    ) {
        let digits = m.to_string();
        let point = point.min(digits.len().saturating_sub(1));
        let (int, frac) = digits.split_at(digits.len() - point);
        let text = format!("{}{int}.{}", if neg { "-" } else { "" }, if frac.is_empty() { "0" } else { frac });
        let Ok(Value::Double(d)) = parse(&format!("[{text}]"))
            .map(|v| match v { Value::List(l) => l.borrow().items.first().cloned().unwrap_or_default(), v => v })
        else {
            // Long ones are BigDecimals.
            prop_assert!(text.len() > 18, "{}", text);
            return Ok(());
        };
        prop_assert_eq!(d.to_bits(), text.parse::<f64>().unwrap_or_default().to_bits(), "{}", text);
    }
}

#[test]
fn repeated_keys_keep_their_first_place_and_take_the_last_value() {
    // Small objects (found by their words) and large ones (hashed) alike;
    // short keys, keys longer than 16 bytes that share their first and last
    // 8 bytes, and keys written with escapes.
    assert_eq!(java(r#"{"a":1,"b":2,"a":3}"#), "{a=3, b=2}");
    assert_eq!(java(r#"{"a":1,"\u0061":2,"b":3}"#), "{a=2, b=3}");
    let (x, y) = ("abcdefgh-1-ijklmnop", "abcdefgh-2-ijklmnop");
    assert_eq!(
        java(&format!(r#"{{"{x}":1,"{y}":2,"{x}":3}}"#)),
        format!("{{{x}=3, {y}=2}}")
    );
    for n in [2, 5, 6, 7, 8, 9, 20] {
        let mut parts: Vec<String> = (0..n).map(|i| format!("\"k{i}\":{i}")).collect();
        parts.push("\"k0\":\"last\"".into());
        parts.push(format!("\"k{}\":\"end\"", n - 1));
        let text = format!("{{{}}}", parts.join(","));
        let mut want: Vec<String> = (0..n).map(|i| format!("k{i}={i}")).collect();
        if let Some(first) = want.first_mut() {
            *first = "k0=last".into();
        }
        if let Some(last) = want.last_mut() {
            *last = format!("k{}=end", n - 1);
        }
        assert_eq!(java(&text), format!("{{{}}}", want.join(", ")), "{n} keys");
    }
}

#[test]
fn compact_escaped_charges_what_escaping_adds() {
    // 40,000 `\"` escapes: 80 KB of text, 160 KB escaped.
    let text = format!("[\"{}\"]", "\\\"".repeat(40_000));
    let mut out = String::new();
    assert!(compact_escaped(&text, &mut out, &Budget::unmetered()) == Ok(true));
    assert_eq!(out.len(), 3 + 40_000 * 4 + 3);
    let tight = Budget::new(u64::MAX, 120_000);
    assert!(matches!(
        compact_escaped(&text, &mut String::new(), &tight),
        Err(Exceeded::Bytes(_))
    ));
}

/// json-smart's escapes beyond JSON's: `\'`, `\xHH`, and any other escaped
/// character dropped with its backslash (checked against the oracle).
#[test]
fn escapes_read_as_json_smart_reads_them() {
    assert_eq!(java(r#"{"a":"x\qy\'z\x41\x7e"}"#), "{a=xy'zA~}");
    for (text, message) in [
        (
            r#"{"a":"x\u12g4y"}"#,
            "Unexpected unicode escape sequence g at position 11.",
        ),
        (
            r#"{"a":"x\x4gy"}"#,
            "Unexpected unicode escape sequence g at position 10.",
        ),
        (
            r#"["\x4""#,
            "Unexpected unicode escape sequence \" at position 5.",
        ),
        (r#"{"a":"x\x4"#, "Unexpected End Of File position 10: null"),
    ] {
        assert_eq!(parse(text).map(|_| ()), Err(message.to_string()), "{text}");
    }
}

/// json-smart's end-of-input mark, the character 0x1A, ends the text where
/// its reader meets it outside a string it takes verbatim (checked against
/// the oracle).
#[test]
fn the_end_of_input_mark_ends_the_text() {
    assert_eq!(java("{\"a\":\"x\u{1a}y\"}"), "{a=x\u{1a}y}");
    assert_eq!(java("{\"a\u{1a}b\":1}"), "{a\u{1a}b=1}");
    assert_eq!(java("{\"a\":1}\u{1a}garbage"), "{a=1}");
    assert_eq!(java("{\"a\":\"\\\u{1a}b\"}"), "{a=b}");
    assert!(matches!(parse("\u{1a}{}"), Ok(Value::Str(s)) if s.is_empty()));
    for (text, message) in [
        (
            "{\"a\":\"x\u{1a}y\\n\"}",
            "Unexpected End Of File position 6: null",
        ),
        (
            "{\"a\\n\u{1a}b\":1}",
            "Unexpected End Of File position 4: null",
        ),
        ("[\"ab\u{1a}\\n", "Unexpected End Of File position 7: null"),
        (
            "[\"a\\u12\u{1a}\"]",
            "Unexpected End Of File position 7: EOF",
        ),
        ("{\"a\":1\u{1a}}", "Unexpected End Of File position 5: null"),
        ("[1 \u{1a} ]", "Unexpected End Of File position 2: EOF"),
        ("{\u{1a}", "Unexpected End Of File position 0: null"),
    ] {
        assert_eq!(
            parse(text).map(|_| ()),
            Err(message.to_string()),
            "{text:?}"
        );
    }
    let mut out = String::new();
    assert!(compact("{\"a\":\"x\u{1a}y\"}", &mut out, &Budget::unmetered()) == Ok(false));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Reading on first use agrees with the general reader (checked by
    /// [`parse`]) on text made of JSON's pieces, escapes and json-smart's
    /// permissive syntax.
    #[test]
    fn read_on_first_use_agrees_on_pieces(
        open in "[\\[{]",
        s in "[\\[\\]{}:,'\" \t.eE0-9abdfnx\\\\u+\\-\u{1a}\u{e9}]{0,48}",
    ) {
        let _ = parse(&format!("{open}{s}"));
    }

    #[test]
    fn read_on_first_use_agrees_on_documents(doc in arb_json(), pretty in any::<bool>()) {
        let doc = serde_json::json!({"doc": doc, "list": [doc]});
        let text = if pretty {
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        } else {
            serde_json::to_string(&doc).unwrap_or_default()
        };
        let _ = parse(&text);
    }

    #[test]
    fn read_on_first_use_agrees_on_escapes(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("\\u00e9"), Just("\\uD83D\\uDE00"), Just("\\uD83D"), Just("\\uDE00"),
                Just("\\x41"), Just("\\q"), Just("\\\u{e9}"), Just("\\\""), Just("\\/"),
                Just("\u{1}"), Just("\u{7f}"), Just("a"), Just("\\u12"), Just("\\"),
            ],
            0..6,
        ),
        key in any::<bool>(),
    ) {
        let s = parts.concat();
        let text = if key {
            format!("{{\"{s}\": 1, \"b\": \"{s}\"}}")
        } else {
            format!("[\"{s}\", {{\"k\": \"{s}\"}}]")
        };
        let _ = parse(&text);
    }
}

proptest! {
    /// Strings with escapes, raw control characters, DEL, quotes of the other
    /// kind and multi-byte characters, read member by member (each decoded
    /// from the text) and whole, in both quotes.
    #[test]
    fn escaped_strings_decode_alike(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("\\\\n".to_string()), Just("\\\\\"".to_string()), Just("\\\\'".to_string()),
                Just("\\\\u00e9".to_string()), Just("\\\\uD83D\\\\uDE00".to_string()),
                Just("\\\\/".to_string()), Just("\\\\x41".to_string()), Just("\\\\q".to_string()),
                Just("\u{1}".to_string()), Just("\u{1f}".to_string()), Just("\u{7f}".to_string()),
                Just("\t".to_string()), "[a-z é€😀/']{0,12}",
            ],
            0..8,
        ),
    ) {
        let s: String = parts.concat();
        let double = format!("{{\"k\": \"{}\", \"n\": 1}}", s.replace('"', ""));
        prop_assert!(parse(&double).is_ok(), "{}", double);
        let single = format!("{{'k': '{}', 'n': 1}}", s.replace('\'', ""));
        prop_assert!(parse(&single).is_ok(), "{}", single);
    }
}

#[test]
fn the_scan_knows_which_objects_repeat_a_key() {
    // The kinds of the object nodes, in document order (`D` for an object
    // known to repeat no key), having checked that members read by key
    // agree with the general reader (see `parse`).
    let objects = |t: &str| {
        assert!(parse(t).is_ok(), "{t}");
        let nodes = scan::plain(t, &Budget::unmetered()).ok().flatten();
        nodes.map(|n| {
            n.iter()
                .filter_map(|n| match n.kind {
                    OBJECT => Some('O'),
                    DISTINCT_OBJECT => Some('D'),
                    _ => None,
                })
                .collect::<String>()
        })
    };
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        objects(r#"{"a": 1, "b": {"a": 2, "b": 3}, "c": [{"a": 1}, {"a": 2}], "d": {}}"#),
        some("DDDDD")
    );
    assert_eq!(objects(r#"{"a": 1, "b": 2, "a": 3}"#), some("O"));
    // A repeat after a nested object that holds the same keys.
    assert_eq!(
        objects(r#"{"a": {"a": 1, "b": 2}, "b": 3, "a": 4}"#),
        some("OD")
    );
    assert_eq!(
        objects(r#"[{"k": 1}, {"x": {"k": 2}, "k": 3, "k": 4}, {"k": 5}]"#),
        some("DODD")
    );
    // A key whose colon follows at once is read apart from one with a blank
    // before it: every length, either way round, is a repeat.
    for k in [
        "",
        "a",
        "abcdef",
        "abcdefg",
        "abcdefgh",
        "abcdefghijklm",
        "abcdefghijklmn",
    ] {
        for (c1, c2) in [(":", " :"), (" :", ":"), (":", ":")] {
            let t = format!(r#"{{"{k}"{c1} 1, "x": 0, "{k}"{c2} 2}}"#);
            assert_eq!(objects(&t), some("O"), "{t}");
            let t = format!(r#"{{"{k}"{c1} 1, "x": 0, "{k}-"{c2} 2}}"#);
            assert_eq!(objects(&t), some("D"), "{t}");
        }
    }
    // Long keys alike in their first and last 8 bytes share a fingerprint:
    // counted as a repeat, so searches read every member.
    assert_eq!(
        objects(r#"{"abcdefgh-1-ijklmnop": 1, "abcdefgh-2-ijklmnop": 2}"#),
        some("O")
    );
    // As many keys as a member search reads, and a repeat among them;
    // one more key than that is not compared (a search builds the map).
    let many: Vec<String> = (0..MEMBER_SEARCH_MAX)
        .map(|i| format!("\"key{i}\": {i}"))
        .collect();
    assert_eq!(objects(&format!("{{{}}}", many.join(", "))), some("D"));
    let mut repeated = many.clone();
    repeated[MEMBER_SEARCH_MAX - 1] = "\"key7\": 0".into();
    assert_eq!(objects(&format!("{{{}}}", repeated.join(", "))), some("O"));
    let mut more = many.clone();
    more.push("\"more\": 0".into());
    assert_eq!(objects(&format!("{{{}}}", more.join(", "))), some("O"));
    // A large object is read in one pass: 200,000 keys (comparing each
    // with all before it took seconds).
    let large: Vec<String> = (0..200_000).map(|i| format!("\"k{i}\":{i}")).collect();
    assert_eq!(objects(&format!("{{{}}}", large.join(","))), some("O"));
}

#[test]
fn escaped_strings_decode_alike_at_every_place() {
    // A string with an escape, and one more escape, raw control character,
    // DEL or multi-byte character at each place, around the 8-byte words
    // the runs are read in (`parse` compares the strings read in place).
    for c in ["\\n", "\\u00e9", "\\/", "\u{1}", "\u{7f}", "é", "😀"] {
        for len in 0..20 {
            for at in 0..=len {
                let s = format!("\\t{}{c}{}", "a".repeat(at), "b".repeat(len - at));
                let doc = format!("{{\"k\": \"{s}\", \"n\": 1}}");
                assert!(parse(&doc).is_ok(), "{doc}");
            }
        }
    }
}

/// The pieces of strings with escapes, well formed or not.
fn arb_escaped_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("a"),
        Just("Z09 "),
        Just("\\\""),
        Just("\\'"),
        Just("\\\\"),
        Just("\\/"),
        Just("\\b\\f\\n\\r\\t"),
        Just("\\u00e9"),
        Just("\\u0041"),
        Just("\\u0027"),
        Just("\\u001f"),
        Just("\\ud83d\\ude00"),
        Just("\\ud800"),
        Just("\\udc00"),
        Just("\\x41"),
        Just("\\q"),
        Just("\\é"),
        Just("\\"),
        Just("\\u12"),
        Just("\""),
        Just("'"),
        Just("/"),
        Just("é"),
        Just("€😀"),
        Just("\u{1}"),
        Just("\u{7f}"),
        Just("\t"),
        Just("<b>"),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    /// escapeJavaScript straight from a string's escaped text (as the body
    /// reader checks it) writes what decoding it and escaping the result
    /// writes, and tells its decoded length.
    #[test]
    fn escaping_the_escaped_text_is_escaping_the_decoded_string(
        raw in arb_escaped_text(),
        single in any::<bool>(),
    ) {
        let quote = if single { b'\'' } else { b'"' };
        // As the body reader takes it: the escapes checked, up to the quote.
        let text = format!("{raw}{}", char::from(quote));
        let first = plain_end(text.as_bytes(), 0, quote);
        let end = if first == raw.len() {
            Some(first)
        } else {
            escaped_end(text.as_bytes(), first, quote)
        };
        prop_assume!(end == Some(raw.len()));
        let (want, decoded) = decoded_then_escaped(&raw, quote);
        let mut got = String::from("x");
        let n = escape_javascript_decoded(&raw, quote, &mut got);
        prop_assert_eq!(&got, &want);
        prop_assert_eq!(n, decoded);
        // The same, by the function of the quote a member's escape is
        // handed ([`StrMember::JsEscaped`]).
        let mut by_quote = String::from("x");
        let n = if single {
            escape_javascript_quoted::<b'\''>(&raw, quote, &mut by_quote)
        } else {
            escape_javascript_quoted::<b'"'>(&raw, quote, &mut by_quote)
        };
        prop_assert_eq!(by_quote, want);
        prop_assert_eq!(n, decoded);
    }
}

/// Escapes written again as they are (`\\"`, `\\\\`, `\\/`, `\\'`) are copied
/// with the runs around them; each place where one may seem to start but
/// does not (after a backslash, or inside a longer escape that ends on its
/// backslash: `\\u12\\"`, `\\x4\\"`, a surrogate's unchecked half) is a stop of
/// its own. Every piece in every place of the 32-byte masks, quoted either
/// way, writes what decoding and then escaping writes.
#[test]
fn escapes_written_as_they_are_end_only_where_they_do() {
    let pieces = [
        "\\\"",
        "\\\\",
        "\\/",
        "\\'",
        "\\\\\\\"",
        "\\\\\"",
        "\\\\\\\\\\\"",
        "\\u12\\\"",
        "\\u1\\\\\"",
        "\\x4\\\"",
        "\\ud800ab\\\"",
        "\\ud800\\u12\\\"",
        "\\\\u0041",
        "\\u00e9\\/",
        "\\é\\\"",
        "'\\\"/",
        "\"\\'",
        "\\",
    ];
    for piece in pieces {
        for pad in 0..40 {
            for tail in ["", "ab", "\\\"", "xyz\\/"] {
                let raw = format!("{}{piece}{tail}", "p".repeat(pad));
                for quote in [b'"', b'\''] {
                    let (want, decoded) = decoded_then_escaped(&raw, quote);
                    let mut got = String::from("x");
                    let n = escape_javascript_decoded(&raw, quote, &mut got);
                    assert_eq!(got, want, "{raw:?} in {}", char::from(quote));
                    assert_eq!(n, decoded, "{raw:?}");
                }
            }
        }
    }
}

/// A body's string member for escapeJavaScript: its text when written
/// without escapes, else its escaped text and the function of its quote,
/// which writes what escaping the decoded member writes; absent, long, or
/// not a string: `None`.
#[test]
fn str_member_to_escape_hands_out_the_member_as_written() {
    // "g": an escaped string of `CHUNK` bytes or more, read as a value.
    let text = format!(
        r#"{{"a": "plain", "b": "it's \"q\" / caf\u00e9", 'c': 'x\'y"z/\u20ac', "d": 5, "e": {{"f": 1}}, "g": "\"{}"}}"#,
        "x".repeat(CHUNK)
    );
    let Ok(Value::Map(m)) = parse_lazy(&Arc::from(text.as_str()), &Budget::unmetered()) else {
        panic!("not a map");
    };
    let m = m.borrow();
    let escaped = |k: &str| {
        m.str_member_to_escape(k).map(|s| match s {
            StrMember::Text(t) => format!("text {t}"),
            escaped => {
                let mut out = String::new();
                let n = escaped.write_js_escaped(&mut out);
                format!("escaped {out} {n:?}")
            }
        })
    };
    assert_eq!(escaped("a").as_deref(), Some("text plain"));
    assert_eq!(
        escaped("b").as_deref(),
        Some(r#"escaped it\'s \"q\" \/ caf\u00E9 Some(16)"#)
    );
    assert_eq!(
        escaped("c").as_deref(),
        Some(r#"escaped x\'y\"z\/\u20AC Some(9)"#)
    );
    for k in ["d", "e", "g", "h"] {
        assert_eq!(escaped(k), None, "{k}");
    }
}

/// What a member search found, comparable.
fn found_key(f: Found) -> (u8, u32, u8) {
    match f {
        Found::At(v) => (1, v.pos, v.kind),
        Found::Absent => (2, 0, 0),
        Found::TooMany => (3, 0, 0),
    }
}

proptest! {
    /// A member search that starts where the last one of the object found
    /// its key finds what a search from the object's first member finds:
    /// the first (only) match of an object that repeats no key, the last
    /// of one that does, and gives up past `MEMBER_SEARCH_MAX` members.
    #[test]
    fn member_searches_from_the_last_found_find_what_whole_searches_find(
        keys in proptest::collection::vec(0usize..24, 0..22),
        nested in proptest::collection::vec(any::<bool>(), 22),
        lookups in proptest::collection::vec(0usize..26, 0..40),
        objects in 1usize..3,
    ) {
        let name = |i: usize| format!("k{i}");
        let members: Vec<String> = keys
            .iter()
            .enumerate()
            .map(|(n, &k)| {
                let value = if nested.get(n) == Some(&true) {
                    format!("{{\"{}\": {n}}}", name(k))
                } else {
                    n.to_string()
                };
                format!("\"{}\": {value}", name(k))
            })
            .collect();
        let object = format!("{{{}}}", members.join(", "));
        // One object or several alike in an array (hints of other objects).
        let text = if objects == 1 {
            object
        } else {
            format!("[{}]", vec![object; objects].join(", "))
        };
        let nodes = scan::plain(&text, &Budget::unmetered()).ok().flatten();
        prop_assert!(nodes.is_some(), "{}", text);
        let doc = Document {
            text: Arc::from(text.as_str()),
            nodes: nodes.unwrap_or_default(),
            mark: false,
            keys: RefCell::new((Vec::new(), String::new())),
            budget: Budget::unmetered(),
            hint: Cell::new((u32::MAX, 0, 0)),
            lent: Default::default(),
        };
        // The object, or the array's objects (each ends where the next starts).
        let mut object_nodes = Vec::new();
        let mut i = usize::from(objects > 1);
        while let Some(n) = doc.nodes.get(i) {
            object_nodes.push(i as u32);
            if objects == 1 {
                break;
            }
            i = n.end as usize;
        }
        prop_assert_eq!(object_nodes.len(), objects);
        for (n, &k) in lookups.iter().enumerate() {
            let node = object_nodes.get(n % object_nodes.len().max(1)).copied().unwrap_or(0);
            let key = name(k);
            let hinted = found_key(doc.find_member(node, &key));
            let kept = doc.hint.get();
            doc.hint.set((u32::MAX, 0, 0));
            let whole = found_key(doc.find_member(node, &key));
            doc.hint.set(kept);
            prop_assert_eq!(hinted, whole, "{} in node {} of {}", key, node, text);
        }
    }
}

#[test]
fn hex_values_are_those_of_four_hex_digits() {
    // Every byte at every place, against the digits' own reading.
    for c in 0..=255u8 {
        for at in 0..4 {
            let mut hex = *b"0aF9";
            if let Some(h) = hex.get_mut(at) {
                *h = c;
            }
            let expected = std::str::from_utf8(&hex)
                .ok()
                .filter(|t| t.bytes().all(|b| b.is_ascii_hexdigit()))
                .and_then(|t| u32::from_str_radix(t, 16).ok());
            assert_eq!(hex_value(&hex), expected, "{hex:?}");
        }
    }
    assert_eq!(hex_value(b"ffff"), Some(0xffff));
    assert_eq!(hex_value(b"00e9"), Some(0xe9));
    assert_eq!(hex_value(b"ABCD"), Some(0xabcd));
}

proptest! {
    #[test]
    fn short_word_is_the_key_padded_with_zeros(key in proptest::collection::vec(any::<u8>(), 0..=8)) {
        let mut padded = [0u8; 8];
        padded[..key.len()].copy_from_slice(&key);
        prop_assert_eq!(short_word(&key), u64::from_le_bytes(padded));
    }
}

/// One to five `\uXXXX` escapes of BMP characters, in either case: any, and
/// those at the edges of the ranges json-smart and escapeJavaScript treat
/// apart (U+0080..U+009F, U+2000..U+20FF, surrogates, two- and three-byte
/// UTF-8), and the quotes, slash and backslash.
fn unicode_escapes() -> impl Strategy<Value = String> {
    let unit = prop_oneof![
        0u32..0x10000,
        prop::sample::select(vec![
            0x41, 0x7f, 0x80, 0x9f, 0xa0, 0xe9, 0x7ff, 0x800, 0x1fff, 0x2000, 0x2028, 0x20ff,
            0x2100, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfffe, 0xffff, 0x22, 0x27,
            0x2f, 0x5c,
        ]),
    ];
    (proptest::collection::vec(unit, 1..6), any::<bool>()).prop_map(|(units, upper)| {
        units
            .iter()
            .map(|u| {
                if upper {
                    format!("\\u{u:04X}")
                } else {
                    format!("\\u{u:04x}")
                }
            })
            .collect()
    })
}

proptest! {
    /// `\uXXXX` escapes of any BMP character, near each edge of the ranges
    /// json-smart writes back as escapes (U+0080..U+009F, U+2000..U+20FF,
    /// surrogates) or as UTF-8 of two and three bytes: compacted (and
    /// escaped for JavaScript) as the tree writes them.
    #[test]
    fn compact_writes_unicode_escapes_as_the_tree(escapes in unicode_escapes()) {
        let text = format!("{{\"k\": \"a{escapes}b\", \"l\": [\"{escapes}\"]}}");
        let mut out = String::new();
        if compact(&text, &mut out, &Budget::unmetered()) == Ok(true) {
            prop_assert_eq!(Some(out), via_tree(&text), "{}", text);
        }
        assert_escapes_as_compact(&text)?;
    }
}

/// Keys of every length around a chunk's 8 bytes, with the colon at once or
/// after blanks, repeated or not: compacted as the tree writes them, and the
/// scan knows which objects repeat a key.
#[test]
fn keys_of_every_length_and_colon() {
    for len in 0..=9 {
        let k: String = "abcdefghij".chars().take(len).collect();
        for colon in [":", " :", ":\t", "\n: "] {
            for (text, repeats) in [
                (format!("{{\"{k}\"{colon}1,\"{k}x\"{colon}2}}"), false),
                (format!("{{\"{k}\"{colon}1, \"{k}\"{colon}2}}"), true),
                (
                    format!("[{{\"{k}\"{colon}\"v\"}},{{\"{k}\"{colon}[]}}]"),
                    false,
                ),
                (
                    format!("{{\"q\":0,\"{k}\"{colon}1,\"{k}\"{colon}[2]}}"),
                    true,
                ),
            ] {
                let mut out = String::new();
                let took = compact(&text, &mut out, &Budget::unmetered());
                assert_eq!(took, Ok(!repeats), "{text}");
                if !repeats {
                    assert_eq!(Some(out), via_tree(&text), "{text}");
                }
                let nodes = scan::plain(&text, &Budget::unmetered()).ok().flatten();
                let kinds: Option<String> = nodes.map(|n| {
                    n.iter()
                        .filter_map(|n| match n.kind {
                            OBJECT => Some('O'),
                            DISTINCT_OBJECT => Some('D'),
                            _ => None,
                        })
                        .collect()
                });
                let first = kinds.as_deref().and_then(|k| k.chars().next());
                assert_eq!(first, Some(if repeats { 'O' } else { 'D' }), "{text}");
                assert!(parse(&text).is_ok(), "{text}");
            }
        }
    }
}

proptest! {
    /// `\uXXXX` escapes of any BMP character in members read on first use:
    /// printed, and escaped for JavaScript straight from the text, as the
    /// general reader's decoded string is (checked by [`parse`]).
    #[test]
    fn members_with_unicode_escapes_escape_as_decoded(escapes in unicode_escapes()) {
        for text in [
            format!("{{\"k\": \"a{escapes}b\", \"n\": 1}}"),
            format!("{{'k': 'a{escapes}b', 'n': 1}}"),
        ] {
            let eager = super::parse(&text).map(|v| v.to_java_string());
            let lazy = parse(&text).map(|v| v.to_java_string());
            prop_assert_eq!(eager, lazy, "{}", text);
        }
    }
}

/// The body scan and the one it replaced note the same nodes, charge the
/// same totals and give up on the same documents, with the whole budget
/// and with less room than the document needs, in bytes or in steps.
fn assert_scans_alike(text: &str) {
    let b = text.as_bytes();
    let same = |bytes_room: usize, steps_room: u64| {
        let new = scan::scan(b, bytes_room, steps_room).map(|s| (s.nodes, s.bytes, s.steps));
        let old = scan::reference(b, bytes_room, steps_room).map(|s| (s.nodes, s.bytes, s.steps));
        assert_eq!(new, old, "{text:?} (room {bytes_room}, {steps_room})");
        new
    };
    if let Some((_, bytes, steps)) = same(usize::MAX, u64::MAX) {
        for cut in [1, 2, CHUNK - 1, CHUNK, CHUNK + 1, bytes / 2] {
            same(bytes.saturating_sub(cut), u64::MAX);
            same(usize::MAX, steps.saturating_sub(cut as u64));
        }
    }
}

#[test]
fn the_scan_reads_what_it_read_before() {
    for t in [
        "{}",
        "[]",
        " \t\n[ ]",
        "{\"a\":1}",
        "{\"a\" : 1 , \"b\":[true,false,null,-0,0.5,1e5,12345678901,\"x\"]}",
        "[{\"sku\": \"SKU-1\", \"qty\": 0, \"price\": 26.22, \"name\": \"It\\\"em\\u00e9\"}]",
        "[1,,2]",
        "[1,]",
        "{\"a\":1,}",
        "{'a':1}",
        "{a:1}",
        "[1 2]",
        "[12abc]",
        "[truex]",
        "[tru]",
        "{\"a\\u0041\":1}",
        "{\"a\":\"\\uD800\"}",
        "[\"\\uD83D\\uDE00\", \"\\x41\", \"\\q\", \"\\\u{e9}\"]",
        "[1] trailing",
        "[\"unterminated",
        "{\"a\":1",
        "[-]",
        "[007]",
        "[1.0e]",
        "[123456789012345678901234567890]",
        "[1.5, 2.25e3, -0.0]",
    ] {
        assert_scans_alike(t);
    }
}

/// Closing brackets in runs, at every depth, after each kind of value,
/// and with rows whose keys are the last row's (the template the close of
/// an object leaves): as before.
#[test]
fn the_scan_closes_as_before() {
    for t in [
        "[[[[]]]]",
        "{\"a\":{\"b\":{\"c\":{}}}}",
        "[{\"a\":[{\"b\":[1]}]},{\"a\":[{\"b\":[2]}]}]",
        "[[1],[\"x\"],[true],[null],[{}],[[]],[1.5]]",
        "[{\"a\":1,\"b\":2},{\"a\":3,\"b\":4},{\"b\":5,\"a\":6},{\"a\":7,\"a\":8}]",
        "{\"x\":[{\"k\":1}],\"y\":[{\"k\":2},{\"j\":3}]} ]",
        "[[1]]]",
        "[[1]}",
        "[{\"a\":1]",
        "[ [ 1 ] , [ 2 ] ]",
    ] {
        assert_scans_alike(t);
    }
    // Long runs of closes, across charges of a chunk.
    for depth in [300, 450] {
        assert_scans_alike(&format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
    }
    let rows = format!(
        "[{}{{\"k\":0}}]",
        "{\"k\":[[[{\"v\":\"x\"}]]]},".repeat(400)
    );
    assert_scans_alike(&rows);
}

/// Rows whose keys are compared with the last row's as words (the
/// template's keys of up to five bytes): the same keys, ones that differ in
/// a byte, a length or what follows the quote, repeats after the template's
/// keys, the empty key, keys of five to eight bytes, and a key at the end
/// of the text: as before.
#[test]
fn the_scan_reads_template_keys_as_before() {
    let rows = [
        r#"{"a":1,"bc":2}"#,
        r#"{"a":1,"bc":2}"#,
        r#"{"a" :1,"bc":2}"#,
        r#"{"ab":1,"bc":2}"#,
        r#"{"":1,"bc":2}"#,
        r#"{"":1,"bc":2}"#,
        r#"{"b":1,"bc":2}"#,
        r#"{"b":1,"bc":2,"b":3}"#,
        r#"{"b":1,"bc":2}"#,
        r#"{"b":1,"bd":2}"#,
        r#"{"abcde":1,"abcdef":2,"abcdefgh":3}"#,
        r#"{"abcde":1,"abcdef":2,"abcdefgh":3}"#,
        r#"{"abcdE":1,"abcdef":2,"abcdefgh":3}"#,
        r#"{"abcde":1,"abcdeg":2,"abcdefgh":4}"#,
        r#"{"abcde":1,"abcdeg":2,"abcdefgh":4,"abcde":5}"#,
        r#"{"a\u0062":1}"#,
        r#"{"ab":1}"#,
    ];
    for n in 1..=rows.len() {
        let take = rows.get(..n).unwrap_or(&[]);
        assert_scans_alike(&format!("[{}]", take.join(",")));
        assert_scans_alike(&format!("[{}]", take.join(" , ")));
        assert_scans_alike(&format!("{{\"x\":[{}]}}", take.join(",")));
    }
    // The last key near the end of the text (fewer than 8 bytes after its
    // quote).
    for t in [
        r#"[{"a":1},{"a":2}]"#,
        r#"[{"a":1},{"a""#,
        r#"[{"a":1},{"a"#,
    ] {
        assert_scans_alike(t);
    }
}

/// Rows whose keys are read with what leads to them in the last row (the
/// separator, the key and its colon as one text of up to 16 bytes): the
/// same text, texts that differ only in their blanks, texts of 15 to 17
/// bytes, blanks before a colon, after an opening bracket and before a
/// value, indented rows, and a text cut short at the end of the document:
/// as before.
#[test]
fn the_scan_reads_separators_as_before() {
    let keys = [
        "a",
        "sku",
        "abcdefgh",
        "abcdefghij",
        "abcdefghijk",
        "abcdefghijkl",
    ];
    let seps = [",", ", ", " ,", ",\n    ", ", \t", "\n,"];
    let colons = [":", " :", ": ", ":\n"];
    for key in keys {
        for sep in seps {
            for colon in colons {
                let row = |v: u32| {
                    format!("{{\"id\"{colon}{v}{sep}\"{key}\"{colon}{v}{sep}\"z\"{colon}\"{v}\"}}")
                };
                let rows: Vec<String> = (0..3).map(row).collect();
                assert_scans_alike(&format!("[{}]", rows.join(",")));
                assert_scans_alike(&format!("[{}]", rows.join(sep)));
                // Rows whose blanks change from one to the next.
                let mixed = format!("[{}, {}]", row(0), row(1).replace(sep, ","));
                assert_scans_alike(&mixed);
                let mixed = format!("[{}, {}]", row(0).replace(colon, ":"), row(1));
                assert_scans_alike(&mixed);
                // The last row cut short at each byte of its separator.
                let whole = format!("[{},{}]", row(0), row(1));
                for cut in whole.len().saturating_sub(40)..whole.len() {
                    assert_scans_alike(whole.get(..cut).unwrap_or_default());
                }
            }
        }
    }
    // Blanks after the opening bracket, and rows whose first key differs.
    for t in [
        r#"[{ "a":1},{ "a":2},{"a":3},{  "a":4}]"#,
        r#"[{"a":1},{"b":2},{"a":3,"a":4},{"a":5}]"#,
        r#"[{"a":1,"b":2},{"a":1,"b":2,"b":3},{"a":1,"b":2}]"#,
        r#"[{"a":1},{"a" :2},{"a":3}]"#,
        "[{\"a\":1},{\"a\":\t2},{\"a\": 3}]",
    ] {
        assert_scans_alike(t);
    }
}

/// Rows of records whose blanks are drawn at random at each place, from a
/// few keys: read as before.
fn arb_spaced_records() -> impl Strategy<Value = String> {
    let blank = prop_oneof![
        Just(""),
        Just(""),
        Just(" "),
        Just("\n  "),
        Just("\t"),
        Just("\n            ")
    ];
    let key = prop_oneof![
        Just("a"),
        Just("sku"),
        Just("price"),
        Just("abcdefghijk"),
        Just("abcdefghijklmnop")
    ];
    let value = prop_oneof![
        Just("1"),
        Just("\"x\""),
        Just("[1, 2]"),
        Just("{\"a\": 1}"),
        Just("null")
    ];
    let member = (
        blank.clone(),
        key,
        blank.clone(),
        blank.clone(),
        value,
        blank,
    )
        .prop_map(|(b0, k, b1, b2, v, b3)| format!("{b0}\"{k}\"{b1}:{b2}{v}{b3}"));
    let row = proptest::collection::vec(member, 0..6).prop_map(|m| format!("{{{}}}", m.join(",")));
    proptest::collection::vec(row, 1..8).prop_map(|rows| format!("[{}]", rows.join(",")))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn the_scan_reads_spaced_records_as_before(text in arb_spaced_records()) {
        assert_scans_alike(&text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Random documents, compact or indented, and text made of JSON's
    /// pieces and json-smart's permissive syntax: scanned as before.
    #[test]
    fn the_scan_reads_random_documents_as_before(doc in arb_json(), pretty in any::<bool>()) {
        let doc = serde_json::json!({"doc": doc, "list": [doc, doc]});
        let text = if pretty {
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        } else {
            serde_json::to_string(&doc).unwrap_or_default()
        };
        assert_scans_alike(&text);
    }

    #[test]
    fn the_scan_reads_plain_documents_as_before(doc in arb_plain_json(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        } else {
            serde_json::to_string(&doc).unwrap_or_default()
        };
        assert_scans_alike(&format!("[{text}]"));
        assert_scans_alike(&format!("{{\"k\": {text}, \"l\": [{text}, {text}]}}"));
    }

    #[test]
    fn the_scan_reads_pieces_as_before(
        open in "[\\[{]",
        s in "[\\[\\]{}:,'\" \t\n.eE0-9abdfnltrux\\\\+\\-\u{1a}\u{e9}]{0,64}",
    ) {
        assert_scans_alike(&format!("{open}{s}"));
    }
}

/// Arrays of records whose keys come from a few, so that rows share their
/// keys (in order, in part, or in another order), repeat one, nest records
/// at the same and other depths, or hold more keys than a member search
/// reads: the scan finds the same repeats as before.
fn arb_records() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("a"),
        Just("b"),
        Just("sku"),
        Just("abcdefgh"),
        Just("abcdefgh-1-ijklmnop"),
        Just("abcdefgh-2-ijklmnop"),
    ];
    let value = prop_oneof![
        Just("1".to_string()),
        Just("\"x\"".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("{\"a\": 1, \"a\": 2}".to_string()),
        Just("[{\"a\": 1}, {\"a\": 2, \"b\": 3}]".to_string()),
    ];
    let row = proptest::collection::vec((key, value), 0..20).prop_map(|members| {
        let members: Vec<String> = members
            .iter()
            .map(|(k, v)| format!("\"{k}\": {v}"))
            .collect();
        format!("{{{}}}", members.join(", "))
    });
    (proptest::collection::vec(row, 0..8), any::<bool>()).prop_map(|(rows, nest)| {
        let list = format!("[{}]", rows.join(", "));
        if nest {
            format!("{{\"rows\": {list}, \"more\": {{\"rows\": {list}}}}}")
        } else {
            list
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn the_scan_finds_repeated_keys_in_records_as_before(text in arb_records()) {
        assert_scans_alike(&text);
    }
}

#[test]
fn the_scan_reads_rows_that_share_keys_as_before() {
    let row = |keys: &[&str]| {
        let members: Vec<String> = keys.iter().map(|k| format!("\"{k}\": 0")).collect();
        format!("{{{}}}", members.join(","))
    };
    let many: Vec<String> = (0..=MEMBER_SEARCH_MAX).map(|i| format!("k{i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    for rows in [
        // The same keys, then one more, one fewer, another order, a repeat.
        vec![
            &["a", "b"][..],
            &["a", "b"],
            &["a", "b", "c"],
            &["a"],
            &["b", "a"],
            &["a", "a"],
        ],
        vec![&["a", "b", "c"][..], &["a", "b", "a"], &["a", "b", "c"]],
        // A repeat of the template's key in a row that differs first.
        vec![&["a", "b", "c"][..], &["x", "c", "c"]],
        // As many keys as a search reads, and one more.
        vec![
            &many[..MEMBER_SEARCH_MAX],
            &many[..MEMBER_SEARCH_MAX],
            &many[..],
            &many[..],
        ],
    ] {
        let rows: Vec<String> = rows.iter().map(|r| row(r)).collect();
        let text = format!("[{}]", rows.join(","));
        assert_scans_alike(&text);
        assert!(parse(&text).is_ok());
        // The same rows as members, and each in a row of its own.
        let text = format!("{{\"x\": {}}}", rows.join(", \"x\": "));
        assert_scans_alike(&text);
        let nested: Vec<String> = rows.iter().map(|r| format!("{{\"in\": {r}}}")).collect();
        assert_scans_alike(&format!("[{}]", nested.join(",")));
    }
    // A row whose nested record, at the next depth, holds the keys the
    // next row's template has there.
    assert_scans_alike(r#"[{"a": 1, "b": 2}, {"a": {"a": 1}, "a": 3}, {"a": 1, "b": 2}]"#);
    assert_scans_alike(r#"[{"a": {"b": 1}, "c": 2}, {"a": {"b": 1, "b": 2}, "c": 3}]"#);
    // Indented, with every kind of blank, and escapes at every place
    // around the 16-byte chunks.
    for pad in 0..40 {
        let p = " \t\r\n\u{1}".repeat(pad / 5) + &" ".repeat(pad % 5);
        let s = "y".repeat(pad);
        assert_scans_alike(&format!(
            "{p}[{p}{{{p}\"{s}\"{p}:{p}\"{s}\\\"{s}\"{p},{p}\"k\":{p}[{p}1{p},{p}-2.5{p}]{p}}}{p}]{p}"
        ));
        assert_scans_alike(&format!("[\"{s}\\u00e9{s}\\\\\", \"{s}\\/\", {pad}]"));
    }
}

/// A string's content for [`arb_windowed`]: plain runs of lengths around the
/// 16-, 32- and 64-byte boundaries, between escapes, `/`, quotes and
/// characters past ASCII (some that json-smart writes `\uXXXX`).
fn arb_window_string() -> impl Strategy<Value = String> {
    let run = prop_oneof![
        (0usize..=3, 12usize..=20).prop_map(|(a, b)| "a".repeat(a) + &"x".repeat(b)),
        (28usize..=36).prop_map(|n| "y".repeat(n)),
        (60usize..=68).prop_map(|n| "z".repeat(n)),
        "[a-z ]{0,8}",
    ];
    let special = prop_oneof![
        Just("\\\"".to_string()),
        Just("\\\\".to_string()),
        Just("/".to_string()),
        Just("\\/".to_string()),
        Just("\\n".to_string()),
        Just("\\u00e9".to_string()),
        Just("\\u2028".to_string()),
        Just("'".to_string()),
        Just("é".to_string()),
        Just("\u{85}".to_string()),
        Just("日本".to_string()),
        Just("😀".to_string()),
    ];
    proptest::collection::vec((run, special), 0..4).prop_map(|parts| {
        parts
            .into_iter()
            .fold(String::new(), |mut s, (run, special)| {
                s.push_str(&run);
                s.push_str(&special);
                s
            })
    })
}

/// Records of keys of every length up to past 16 bytes and values (strings
/// from [`arb_window_string`], numbers, literals, arrays of strings), compact
/// or with runs of blanks of every length, after a prefix of blanks of
/// every length: tokens at every place around the compactor's windows of 64
/// bytes, and at the text's end, where a window no longer fits.
fn arb_windowed() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        arb_window_string().prop_map(|s| format!("\"{s}\"")),
        Just("12.5".to_string()),
        Just("-7".to_string()),
        Just("true".to_string()),
        Just("null".to_string()),
        proptest::collection::vec(arb_window_string(), 0..4).prop_map(|v| {
            let items: Vec<String> = v.iter().map(|s| format!("\"{s}\"")).collect();
            format!("[{}]", items.join(", "))
        }),
    ];
    let member = ("[a-k]{0,18}", value);
    let record = proptest::collection::vec(member, 0..6);
    (
        proptest::collection::vec(record, 1..5),
        0usize..70,
        prop_oneof![Just(0usize), Just(1), 0usize..20],
    )
        .prop_map(|(records, lead, gap)| {
            let blanks = |n: usize| " \n\t".chars().cycle().take(n).collect::<String>();
            let sep = format!(",{}", blanks(gap));
            let colon = format!(":{}", blanks(gap % 3));
            let rows: Vec<String> = records
                .iter()
                .map(|r| {
                    // Keys made distinct, as json-smart's repeats go to the tree.
                    let members: Vec<String> = r
                        .iter()
                        .enumerate()
                        .map(|(i, (k, v))| format!("\"{k}{i}\"{colon}{v}"))
                        .collect();
                    format!("{{{}}}", members.join(&sep))
                })
                .collect();
            format!("{}[{}]{}", blanks(lead), rows.join(&sep), blanks(gap % 7))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Keys and strings that start and end in a window of stops, or cross
    /// its end, or start where none fits: compacted as the tree writes them
    /// (and escaped for JavaScript as that text is).
    #[test]
    fn compact_windows_agree_with_the_tree(text in arb_windowed()) {
        let mut out = String::from("prefix");
        prop_assert!(compact(&text, &mut out, &Budget::unmetered()) == Ok(true), "{}", text);
        let expected = via_tree(&text);
        prop_assert!(expected.is_some(), "{}", text);
        prop_assert_eq!(out.strip_prefix("prefix"), expected.as_deref(), "{}", text);
        assert_escapes_as_compact(&text)?;
        // Each record alone, with the window's place moved along the text.
        for cut in [1, 15, 16, 17, 31, 32, 33, 63, 64, 65] {
            if let Some(tail) = text.get(cut.min(text.len())..) {
                let t = format!("[{}", tail.trim_start_matches(|c: char| c != '{'));
                let mut out = String::new();
                if compact(&t, &mut out, &Budget::unmetered()) == Ok(true) {
                    prop_assert_eq!(Some(out), via_tree(&t), "{}", t);
                }
            }
        }
    }
}

/// A window's stops are [`wide::string_stops`]'s of its four chunks, and
/// from a place in it, the stops from there to its end.
#[test]
fn window_stops_are_each_bytes_stop() {
    for c in 0..=255u8 {
        for at in 0..64 {
            let mut text = [b'a'; 64];
            if let Some(x) = text.get_mut(at) {
                *x = c;
            }
            let stop = !(0x20..0x7f).contains(&c) || matches!(c, b'"' | b'\\' | b'/');
            let stops = window_stops(&text);
            assert_eq!(stops, u64::from(stop) << at, "byte {c:#x} at {at}");
            let w = Window { at: 1000, stops };
            for r in [999, 1000, 1000 + at, 1063, 1064, 2000, usize::MAX] {
                let want = match r.checked_sub(1000) {
                    Some(off) if off < 64 => stops >> off,
                    _ => 0,
                };
                assert_eq!(w.stops_from(r), want, "from {r}");
            }
        }
    }
}

/// What escaping the escaped text `raw` (quoted with `quote`) straight from
/// the text must write after an `x`: escapeJavaScript of the decoded
/// string, and the decoded string's length.
fn decoded_then_escaped(raw: &str, quote: u8) -> (String, usize) {
    let mut decoded = String::new();
    decode_checked(raw, quote, &mut decoded);
    let mut want = String::from("x");
    crate::runtime::util::escape_javascript_into(&decoded, &mut want);
    (want, decoded.len())
}
