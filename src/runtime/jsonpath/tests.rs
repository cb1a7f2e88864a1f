use super::*;
use serde_json::json;

#[path = "oracle_cases.rs"]
mod oracle_cases;

fn doc(name: &str) -> Value {
    let text = match name {
        "store" => oracle_cases::STORE,
        _ => oracle_cases::MIXED,
    };
    serde_json::from_str(text).expect("test document")
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
                let want: Value = serde_json::from_str(e).expect("oracle output is JSON");
                &want == v
            }
            _ => false,
        };
        if !ok {
            failures.push(format!("{d} {path}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
