use super::*;
use serde_json::json;

#[path = "oracle_cases.rs"]
mod oracle_cases;

fn doc(name: &str) -> Value {
    let text = match name {
        "store" => oracle_cases::STORE,
        _ => oracle_cases::MIXED,
    };
    crate::runtime::json::parse(text).expect("test document")
}

/// The compact JSON of what a path gives, as `$input.json` prints it.
fn shown(v: &Option<Value>) -> Option<String> {
    v.as_ref().map(Value::to_json_string)
}

/// What `$input.json(path)` would print, structurally: `Ok(None)` for `""`.
fn run_path(path: &str, d: &Value) -> Result<Option<Value>, String> {
    let p = JsonPath::compile(path).map_err(|e| e.to_string())?;
    p.eval(d).map_err(|e| e.to_string())
}

#[test]
fn oracle_cases_match() {
    // expected: oracle (see oracle_cases.rs)
    let mut failures = Vec::new();
    for (d, path, expected) in oracle_cases::CASES {
        let got = run_path(path, &doc(d));
        let ok = match (*expected, &got) {
            ("ERR", Err(_)) => true,
            ("", Ok(None)) => true,
            (e, Ok(Some(v))) if e != "ERR" && !e.is_empty() => {
                let want = crate::runtime::json::parse(e).expect("oracle output is JSON");
                want.to_json_string() == v.to_json_string()
            }
            _ => false,
        };
        if !ok {
            failures.push(format!("{d} {path}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn compile_errors_carry_offsets() {
    // expected: oracle (these are InvalidPathException there)
    let e = JsonPath::compile("$. store").err().map(|e| e.offset);
    assert_eq!(e, Some(2));
    let e = JsonPath::compile("  $x").err().map(|e| e.offset);
    assert_eq!(e, Some(3));
    assert!(JsonPath::compile("$..").is_err());
    assert!(JsonPath::compile("").is_err());
    assert!(JsonPath::compile("$[\"a\"]").is_err());
}

#[test]
fn filter_regexes_are_checked_when_the_path_compiles_and_built_when_used() {
    // A bad pattern fails the path, as Jayway's Pattern.compile does, whether
    // fancy-regex or the regex crate would refuse it.
    for p in [
        "$[?(@.a =~ /*a/)]",
        "$[?(@.a =~ /\\p{Foo}/)]",
        "$[?(@.a =~ /[z-a]/)]",
    ] {
        let e = JsonPath::compile(p).err().map(|e| e.message);
        assert!(
            e.as_deref()
                .is_some_and(|m| m.contains("PatternSyntaxException")),
            "{p}: {e:?}"
        );
    }
    // A pattern that is slow to build compiles at once (nothing is built)...
    let slow = format!("$[?(@.a =~ /x{}/)]", "$".repeat(5000));
    let p = JsonPath::compile(&slow).expect("compiles");
    // ...and a render that uses it pays for the building first.
    let doc = crate::runtime::json::parse(r#"[{"a":"x"}]"#).expect("parses");
    let budget = Budget::new(1_000_000, usize::MAX);
    let e = p.select_with_budget(&doc, &budget).err().map(|e| e.kind);
    assert!(matches!(e, Some(EvalErrorKind::Budget(_))), "{e:?}");
    let small = JsonPath::compile("$[?(@.a =~ /X$/i)]").expect("compiles");
    let found = small
        .select_with_budget(&doc, &Budget::new(1_000_000, usize::MAX))
        .map(|s| s.into_value().map(|v| v.to_json_string()));
    assert_eq!(found, Ok(Some(r#"[{"a":"x"}]"#.to_string())));
}

#[test]
fn definiteness() {
    for (p, d) in [
        ("$.a.b", true),
        ("$.a[0]", true),
        ("$['a','b']", true),
        ("$.a[(@.length-1)]", true),
        ("$.a[*]", false),
        ("$..a", false),
        ("$.a[0,1]", false),
        ("$.a[1:]", false),
        ("$.a[?(@.b)]", false),
    ] {
        assert_eq!(JsonPath::compile(p).map(|p| p.is_definite()), Ok(d), "{p}");
    }
}

#[test]
fn send_sync_and_shared_select() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<JsonPath>();
    let d = crate::runtime::json::parse(r#"{"a": [{"b": 1}, {"b": 2}]}"#).expect("parses");
    let p = JsonPath::compile("$.a[*]").expect("compiles");
    let Ok(Selection::Many(v)) = p.select(&d) else {
        panic!("many");
    };
    // What a path selects is the document's own node, as in Java.
    let Some(Value::Map(first)) = v.first() else {
        panic!("a map");
    };
    let Ok(Selection::One(Value::Map(again))) =
        JsonPath::compile("$.a[0]").expect("compiles").select(&d)
    else {
        panic!("one");
    };
    assert!(Rc::ptr_eq(first, &again));
}

fn nested(depth: usize) -> Value {
    let mut v = json!({"x": 1});
    for _ in 0..depth {
        v = json!({"a": [v]});
    }
    Value::from_json(&v)
}

#[test]
fn deep_scan_is_depth_bounded() {
    let d = nested(MAX_EVAL_DEPTH);
    let p = JsonPath::compile("$..x").expect("compiles");
    let r = p.eval(&d);
    assert!(
        matches!(
            r,
            Err(EvalError {
                kind: EvalErrorKind::Limit,
                ..
            })
        ),
        "{r:?}"
    );
    let shallow = nested(50);
    assert_eq!(
        p.eval(&shallow).map(|v| shown(&v)),
        Ok(Some("[1]".to_string()))
    );
}

#[test]
fn long_paths_are_depth_bounded() {
    let path = format!("${}", ".a".repeat(MAX_EVAL_DEPTH + 5));
    let p = JsonPath::compile(&path).expect("compiles");
    let mut d = json!(1);
    for _ in 0..MAX_EVAL_DEPTH + 5 {
        d = json!({ "a": d });
    }
    assert!(p.eval(&Value::from_json(&d)).is_err());
}

#[test]
fn nested_filters_are_bounded() {
    let mut f = String::from("@.x");
    for _ in 0..(MAX_PATH_NESTING + 2) {
        f = format!("@[?({f})]");
    }
    assert!(JsonPath::compile(&format!("$[?({f})]")).is_err());
}

proptest::proptest! {
    #[test]
    fn no_path_panics(p in "[$@.\\[\\]*?()'\"a-c0-9:,!=<>~/ &|-]{0,30}") {
        if let Ok(path) = JsonPath::compile(&p) {
            let _ = path.eval(&doc("mixed"));
            let _ = path.eval(&doc("store"));
        }
    }

    #[test]
    fn arbitrary_paths_do_not_panic(p in "\\PC{0,40}") {
        if let Ok(path) = JsonPath::compile(&p) {
            let _ = path.eval(&doc("mixed"));
        }
    }
}

proptest::proptest! {
    #[test]
    fn simple_paths_compile_as_the_general_compiler_compiles_them(
        steps in proptest::collection::vec(
            proptest::prop_oneof![
                "\\.[a-zA-Z0-9_-]{0,4}",
                "\\[[0-9]{0,11}\\]",
                "[.\\[\\]$@*' ?,:a1-]{1,2}",
            ],
            0..5,
        ),
        root in "[$@ a]?",
    ) {
        let p = format!("{root}{}", steps.concat());
        let simple = super::compile::compile_simple(&p);
        let general = super::compile::compile_general(&p, 0, 0);
        if let Some(c) = simple {
            let general = general.map_err(|e| format!("{p}: {e}"));
            let Ok(g) = general else {
                return Err(proptest::test_runner::TestCaseError::fail(format!("{p}: general fails")));
            };
            proptest::prop_assert_eq!(format!("{:?}", c.tokens), format!("{:?}", g.tokens), "{}", p);
            proptest::prop_assert_eq!(c.is_root_path, g.is_root_path);
        }
    }
}

#[test]
fn the_commonest_paths_take_the_simple_compiler() {
    for p in ["$", "$.a", "$.items[0].sku", "$[12].a-b_c.d9", "$.a[0][1]"] {
        assert!(super::compile::compile_simple(p).is_some(), "{p}");
    }
    for p in [
        "$.",
        "$..a",
        "$.a b",
        " $.a",
        "$['a']",
        "$[-1]",
        "$.*",
        "a.b",
        "$[1234567890]",
    ] {
        assert!(super::compile::compile_simple(p).is_none(), "{p}");
    }
}
