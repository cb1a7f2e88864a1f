//! Every example of the hardening work (templates and inputs that crashed the
//! engine, hung it or made it eat memory) ends, with the engine's defaults:
//! with Java's output where Java succeeds, else with a clear one-line error.
//! No timing here; the defaults are what makes them end (the memory ones with
//! a counting allocator: `tests/limits.rs`; endless inputs: `tests/cli.rs`;
//! stack depth: `tests/stack.rs`; leaks: `tests/leaks.rs`).

use std::process::Command;

use apigw_vtl::runtime::{GatewayError, GatewayOptions, MappingTemplate, Request};
use apigw_vtl::{NullMode, RenderErrorKind, RenderOptions};

fn render(template: &str, body: &str, mode: NullMode) -> Result<String, (RenderErrorKind, String)> {
    let m = MappingTemplate::parse(template).unwrap_or_else(|e| panic!("{template}: {e}"));
    let request = Request {
        body: Some(body.into()),
        ..Request::default()
    };
    let opts = GatewayOptions {
        render: RenderOptions {
            null_mode: mode,
            ..RenderOptions::default()
        },
        ..GatewayOptions::default()
    };
    m.render(&request, &opts)
        .map(|r| r.body)
        .map_err(|e| match e {
            GatewayError::Render(e) => (e.kind, e.message),
            other => panic!("{template}: {other}"),
        })
}

/// Ends with a limit error whose message says `message`, on one line.
fn limited(template: &str, mode: NullMode, message: &str) {
    match render(template, "{}", mode) {
        Err((kind, m)) => {
            assert_eq!(kind, RenderErrorKind::Limit, "{template}: {m}");
            assert!(m.contains(message), "{template}: {m}");
            assert!(!m.contains('\n'), "{template}: one line: {m}");
        }
        Ok(out) => panic!("{template}: expected an error, got {} bytes", out.len()),
    }
}

const GW: NullMode = NullMode::ApiGateway;
const STOCK: NullMode = NullMode::Velocity;

#[test]
fn collections_that_hold_themselves_print_as_in_java() {
    let ok = |t: &str| render(t, "{}", GW).unwrap_or_else(|e| panic!("{t}: {e:?}"));
    assert_eq!(
        ok("#set($l=[1])#set($d=$l.add($l))$l"),
        "[1, (this Collection)]"
    );
    assert_eq!(ok("#set($m={})#set($d=$m.put('a',$m))$m"), "{a=(this Map)}");
    // As written in the report (Velocity 1.7 reads `l` as a word; the
    // reference renderer prints the same).
    assert_eq!(ok("#set($l=[])$l.add(l) $l.size()"), "true 1");
    assert_eq!(ok("#set($l=[])$l.add($l) $l.size()"), "true 1");
}

#[test]
fn linting_a_document_with_a_self_holding_list_ends() {
    let dir = tempfile::Builder::new()
        .prefix("apigw-vtl-attacks-")
        .tempdir()
        .expect("temp dir");
    let dir = dir.path();
    let doc = serde_json::json!({
        "openapi": "3.0.1",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"post": {"x-amazon-apigateway-integration": {
            "type": "aws",
            "httpMethod": "POST",
            "uri": "arn:aws:apigateway:us-east-1:states:action/StartExecution",
            "requestTemplates": {
                "application/json": "#set($l=[1])#set($d=$l.add($l))$l #set($m={})#set($d=$m.put('a',$m))$m"
            }
        }}}}
    });
    let path = dir.join("openapi.json");
    std::fs::write(&path, doc.to_string()).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_apigw-vtl"))
        .args(["lint", &path.to_string_lossy()])
        .output()
        .expect("run apigw-vtl lint");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn nested_loops_with_empty_bodies_end() {
    // A billion iterations: every one is a step.
    limited(
        "#foreach($i in [1..1000])#foreach($j in [1..1000])#foreach($k in [1..1000])#end#end#end",
        GW,
        "budget",
    );
    limited(
        "#set($r = [1..1000])#foreach($i in $r)#foreach($j in $r)#foreach($k in $r)#end#end#end",
        GW,
        "evaluation budget of 10000000 steps exceeded",
    );
}

#[test]
fn macro_recursion_inside_long_loops_ends() {
    limited(
        "#macro(r $n)#if($n > 0)#set($k = $n - 1)#r($k)#end#end\
         #foreach($i in [1..1000])#foreach($j in [1..1000])#r(20)#end#end",
        STOCK,
        "evaluation budget",
    );
}

#[test]
fn evaluating_a_doubling_string_ends() {
    // The text doubles on every pass: the template limit stops it.
    limited(
        "#set($s = 'x')#foreach($i in [1..64])#set($s = \"$s$s\")#evaluate($s)#end",
        STOCK,
        "#evaluate: the text is 524288 bytes, over the template limit of 307200 bytes",
    );
    // Text that doubles itself, then evaluates itself.
    limited(
        "#set($s = '#set($s = \"$s$s\")#evaluate($s)')#evaluate($s)",
        STOCK,
        "over the template limit of 307200 bytes",
    );
}

#[test]
fn ranges_kept_in_a_list_end() {
    // 1,000 ranges of a million elements: every element is built, and charged
    // (a step and its bytes).
    limited(
        "#set($l = [])#foreach($i in [1..1000])#set($d = $l.add([1..1000000]))#end$l.size()",
        GW,
        "budget",
    );
}

#[test]
fn regexes_that_take_long_to_build_end() {
    // Found by fuzzing: every `$` is a lookaround the regex engine builds on
    // its own, hundreds of microseconds each. Building is charged before it
    // starts, so this one never starts.
    let dollars = "$".repeat(20_000);
    limited(
        &format!("#set($s = 'ab')$s.matches('{dollars}')"),
        GW,
        "evaluation budget",
    );
    // In JSONPath filters the regex is built when first used, by the render,
    // and charged to it: a thousand such paths cost the template nothing until
    // they run.
    let paths: String = (0..1000)
        .map(|i| format!("$input.json('$[?(@.a =~ /{i}{}/)]')", "$".repeat(60)))
        .collect();
    assert_eq!(render(&paths, "{}", GW), Ok("[]".repeat(1000)));
    match render(&paths, r#"[{"a":"x"}]"#, GW) {
        Err((RenderErrorKind::Limit, m)) => assert!(m.contains("evaluation budget"), "{m}"),
        other => panic!("expected the budget to end it: {other:?}"),
    }
}

#[test]
fn case_folding_the_complement_of_a_class_ends() {
    // Found by fuzzing: ignoring Unicode case (`(?iu)`) the regex crate folds
    // a class code point by code point, and a class that holds a complement
    // (`[x[^1]]`) walks all of Unicode, about 7 ms each: 400 of them took
    // 4.5 s to build. The folding is charged before the build starts.
    let classes = "[x[^1]]".repeat(400);
    limited(
        &format!("#set($s = 'ab')$s.matches('(?iu){classes}')"),
        GW,
        "evaluation budget",
    );
    // Java's plain `(?i)` folds ASCII letters only: the translation spells
    // them out and nothing is folded over Unicode.
    assert_eq!(
        render(
            &format!("#set($s = 'ab')$s.matches('(?i){classes}')"),
            "{}",
            GW
        ),
        Ok("false".into())
    );
    // Classes without a complement fold in microseconds and are charged
    // next to nothing. (Whether one class with a complement builds within
    // the budget depends on the machine: its time beyond the charge is
    // charged too.)
    let small = "[x-z]".repeat(400);
    assert_eq!(
        render(
            &format!("#set($s = 'X')$s.matches('(?iu)[a-x]{small}')"),
            "{}",
            GW
        ),
        Ok("false".into())
    );
    assert_eq!(
        render("#set($s = 'X')$s.matches('(?iu)[a-x]')", "{}", GW),
        Ok("true".into())
    );
    // A JSONPath filter's regex is only parsed when the path compiles (no
    // folding), and built when first used, charged to the render.
    let path = format!("$input.json('$[?(@.a =~ /(?iu){classes}/)]')");
    let many: String = (0..50).map(|_| path.as_str()).collect();
    assert_eq!(render(&many, "{}", GW), Ok("[]".repeat(50)));
    match render(&path, r#"[{"a":"x"}]"#, GW) {
        Err((RenderErrorKind::Limit, m)) => assert!(m.contains("evaluation budget"), "{m}"),
        other => panic!("expected the budget to end it: {other:?}"),
    }
    // `/…/i` is Java's CASE_INSENSITIVE alone: ASCII letters fold, cheaply.
    let path = format!("$input.json('$[?(@.a =~ /{classes}/i)]')");
    assert_eq!(render(&path, r#"[{"a":"x"}]"#, GW), Ok("[]".into()));
}

#[test]
fn deeply_nested_regex_classes_end() {
    // Each nested `[` was a level of recursion in the regex translation: 100,000
    // of them overflowed the stack.
    let deep = "[".repeat(100_000);
    limited(
        &format!("#set($s = 'ab')$s.matches('{deep}')"),
        GW,
        "evaluation budget",
    );
    let deep = format!("{}a{}", "[".repeat(1_000), "]".repeat(1_000));
    match render(&format!("$input.json('$[?(@.a =~ /{deep}/)]')"), "{}", GW) {
        Err((_, m)) => assert!(m.contains("nested deeper than 64 levels"), "{m}"),
        other => panic!("expected an error: {other:?}"),
    }
}
