//! `apigw-vtl lint` as CI runs it: exit codes, the four formats, `--fix`, and a
//! snapshot of the findings over the fixture documents in `tests/lint/fixtures/`
//! (regenerate with `APIGW_VTL_BLESS=1 cargo test --test lint_cli`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn lint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apigw-vtl"))
        .arg("lint")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run apigw-vtl lint")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("apigw-vtl-lint-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[test]
fn clean_templates_exit_0_with_no_findings() {
    let out = lint(&["tests/lint/fixtures/clean"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(
        text(&out.stdout),
        "0 errors, 0 warnings in 3 files (3 templates checked)\n"
    );
}

#[test]
fn fixture_findings_match_the_snapshot() {
    let out = lint(&["--format", "json", "tests/lint/fixtures"]);
    assert_eq!(out.status.code(), Some(1));
    let got = text(&out.stdout);
    let expected_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lint/expected/fixtures.json");
    if std::env::var_os("APIGW_VTL_BLESS").is_some() {
        std::fs::create_dir_all(expected_path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&expected_path, &got).expect("bless");
    }
    let expected =
        std::fs::read_to_string(&expected_path).expect("tests/lint/expected/fixtures.json");
    assert_eq!(
        got, expected,
        "findings changed; rerun with APIGW_VTL_BLESS=1 if intended"
    );
}

#[test]
fn every_document_kind_is_read_and_placed() {
    let out = lint(&["--format", "json", "tests/lint/fixtures"]);
    let v: serde_json::Value = serde_json::from_str(&text(&out.stdout)).expect("JSON");
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    let find = |file: &str, rule: &str| {
        diags
            .iter()
            .find(|d| d["file"].as_str().is_some_and(|f| f.ends_with(file)) && d["rule"] == rule)
            .map(|d| {
                (
                    d["start"]["line"].as_u64().unwrap_or(0),
                    d["start"]["column"].as_u64().unwrap_or(0),
                )
            })
    };
    // The seed's unquoted ARN, in a template file.
    assert_eq!(find("seed-unquoted-arn.vtl", "syntax"), Some((3, 70)));
    // A YAML block scalar.
    assert_eq!(
        find("openapi.yaml", "unknown-util-function"),
        Some((16, 30))
    );
    // A JSON string with escapes (`\n`, `\"`, `\u00e9`) before the finding.
    assert_eq!(
        find("openapi.json", "unknown-context-variable"),
        Some((8, 136))
    );
    // `!Sub |` with `${AWS::Region}` placeholders before the finding.
    assert_eq!(find("sam.yaml", "unknown-context-variable"), Some((22, 42)));
    // CloudFormation JSON, Fn::Sub.
    assert_eq!(find("stack.json", "unsupported-directive"), Some((9, 46)));
}

#[test]
fn github_format_is_one_annotation_per_finding() {
    let out = lint(&[
        "--format",
        "github",
        "tests/lint/fixtures/seed-unquoted-arn.vtl",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let s = text(&out.stdout);
    assert!(
        s.starts_with("::error file=tests/lint/fixtures/seed-unquoted-arn.vtl,line=3,col=70,"),
        "{s}"
    );
    assert_eq!(s.lines().count(), 1);
}

#[test]
fn human_format_shows_the_line_and_a_caret() {
    let out = lint(&["tests/lint/fixtures/seed-unquoted-arn.vtl"]);
    let s = text(&out.stdout);
    assert!(s.starts_with("error[syntax]: "), "{s}");
    assert!(
        s.contains("  --> tests/lint/fixtures/seed-unquoted-arn.vtl:3:70\n"),
        "{s}"
    );
    assert!(
        s.contains(
            "\n  |                                                                      ^\n"
        ),
        "{s}"
    );
}

#[test]
fn sarif_validates_against_the_schema() {
    let out = lint(&["--format", "sarif", "tests/lint/fixtures"]);
    let sarif: serde_json::Value = serde_json::from_str(&text(&out.stdout)).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let Some(schema_path) = std::env::var_os("SARIF_SCHEMA") else {
        eprintln!("SARIF schema validation SKIPPED: set SARIF_SCHEMA to sarif-schema-2.1.0.json (.ci/run does)");
        return;
    };
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).expect("schema"))
            .expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid: {errors:#?}");
}

#[test]
fn usage_and_io_errors_exit_2() {
    assert_eq!(
        lint(&["--allow", "no-such-rule", "tests/lint/fixtures/clean"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(lint(&["no/such/dir"]).status.code(), Some(2));
    let out = lint(&["--list-rules"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("escape-javascript-quote"));
}

#[test]
fn allow_and_deny_switch_rules() {
    let f = "tests/lint/fixtures/start-execution.vtl";
    assert_eq!(lint(&[f]).status.code(), Some(0), "a warning alone exits 0");
    assert_eq!(
        lint(&["--deny", "escape-javascript-quote", f])
            .status
            .code(),
        Some(1)
    );
    let out = lint(&["--allow", "escape-javascript-quote", f]);
    assert_eq!(
        text(&out.stdout),
        "0 errors, 0 warnings in 1 file (1 template checked)\n"
    );
}

#[test]
fn fix_rewrites_template_files_and_json_strings() {
    let dir = temp_dir("fix");
    let vtl = dir.join("t.vtl");
    std::fs::write(
        &vtl,
        "{\"a\": \"$util.escapeJavaScript($input.body)\"}\n#set($m = {})$m.put('k', 1)\n",
    )
    .expect("write");
    let json = dir.join("api.json");
    std::fs::write(
        &json,
        r#"{"openapi": "3.0.1", "paths": {"/x": {"post": {"x-amazon-apigateway-integration": {"requestTemplates": {"application/json": "{\"a\": \"$util.escapeJavaScript($input.body)\"}"}}}}}}"#,
    )
    .expect("write");
    let d = dir.to_string_lossy().into_owned();
    let out = lint(&["--fix", &d]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&vtl).expect("read"),
        "{\"a\": \"$util.escapeJavaScript($input.body).replaceAll(\"\\\\'\",\"'\")\"}\n#set($m = {})#set($ignore = $m.put('k', 1))\n"
    );
    let fixed = std::fs::read_to_string(&json).expect("read");
    assert!(
        fixed.contains(r#"$util.escapeJavaScript($input.body).replaceAll(\"\\\\'\",\"'\")"#),
        "{fixed}"
    );
    let again = lint(&[&d]);
    assert_eq!(
        text(&again.stdout),
        "0 errors, 0 warnings in 2 files (2 templates checked)\n"
    );
}

#[test]
fn templates_over_300_kb_are_errors() {
    let dir = temp_dir("size");
    let big = dir.join("big.vtl");
    std::fs::write(&big, "x".repeat(310 * 1024)).expect("write");
    let out = lint(&["--format", "json", &big.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&text(&out.stdout)).expect("JSON");
    assert_eq!(v["diagnostics"][0]["rule"], "template-size");
}
