//! `apigw-vtl lint` as CI runs it, over templates written to a temporary
//! directory: exit codes, the four formats' shapes, `--fix`, `--allow`/`--deny`.
//! (SARIF schema validation: `tests/lint_sarif.rs`; the fixture snapshots:
//! `tests/lint_snapshots.rs`.)

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod support;
use support::{new_temp_dir, TempDir};

fn lint_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apigw-vtl"))
        .arg("lint")
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("run apigw-vtl lint")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A fresh temporary directory holding `files`.
fn temp_dir(name: &str, files: &[(&str, &str)]) -> TempDir {
    let d = new_temp_dir(&format!("apigw-vtl-lint-{name}-"));
    for (f, content) in files {
        let p = d.join(f);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, content).expect("write");
    }
    d
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).expect("read")
}

const CLEAN: &str = "#set($b = $input.path('$'))\n{\n  \"id\": \"$input.params('id')\",\n  \"stage\": \"$context.stage\"\n}\n";
/// `escape-javascript-quote`, a warning with a fix.
const WARN: &str = "{\n  \"input\": \"$util.escapeJavaScript($input.json('$'))\"\n}\n";
/// `unknown-util-function`, an error (on `toJson`, 1:17).
const ERROR: &str = "{\"name\": \"$util.toJson($input.path('$.name'))\"}\n";

#[test]
fn exit_0_when_clean_or_only_warnings() {
    let d = temp_dir("exit0", &[("clean.vtl", CLEAN)]);
    let out = lint_in(&d, &["."]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(
        text(&out.stdout),
        "0 errors, 0 warnings in 1 file (1 template checked)\n"
    );
    let d = temp_dir("exit0w", &[("clean.vtl", CLEAN), ("warn.vtl", WARN)]);
    let out = lint_in(&d, &["."]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).ends_with("0 errors, 1 warning in 2 files (2 templates checked)\n"));
}

#[test]
fn exit_1_on_an_error_finding_and_on_a_document_that_does_not_parse() {
    let d = temp_dir("exit1", &[("bad.vtl", ERROR)]);
    assert_eq!(lint_in(&d, &["bad.vtl"]).status.code(), Some(1));
    let d = temp_dir(
        "syntax",
        &[(
            "api.json",
            "{\"openapi\": \"3.0.1\", \"paths\": {\"/a\": {\"x-amazon-apigateway-integration\": {\n",
        )],
    );
    let out = lint_in(&d, &["--format", "json", "."]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&text(&out.stdout)).expect("JSON");
    assert_eq!(v["diagnostics"][0]["rule"], "document-syntax");
    assert_eq!(v["diagnostics"][0]["file"], "api.json");
    // ... which `--allow document-syntax` accepts.
    assert_eq!(
        lint_in(&d, &["--allow", "document-syntax", "."])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn exit_2_on_usage_and_io_errors() {
    let d = temp_dir("exit2", &[("clean.vtl", CLEAN)]);
    let out = lint_in(&d, &["--allow", "no-such-rule", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no-such-rule"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(lint_in(&d, &["no/such/dir"]).status.code(), Some(2));
    assert_eq!(
        lint_in(&d, &["--format", "xml", "."]).status.code(),
        Some(2)
    );
    assert_eq!(lint_in(&d, &[]).status.code(), Some(2), "no path");
    assert_eq!(
        lint_in(&d, &["--event", "missing.json", "."]).status.code(),
        Some(2)
    );
    std::fs::write(d.join("latin1.vtl"), b"caf\xe9\n").expect("write");
    let out = lint_in(&d, &["."]);
    assert_eq!(out.status.code(), Some(2), "an unreadable (non-UTF-8) file");
    assert!(text(&out.stderr).contains("latin1.vtl"));
}

#[test]
fn list_rules() {
    let out = lint_in(Path::new(env!("CARGO_MANIFEST_DIR")), &["--list-rules"]);
    assert_eq!(out.status.code(), Some(0));
    let s = text(&out.stdout);
    for id in [
        "escape-javascript-quote",
        "unknown-util-function",
        "document-syntax",
    ] {
        assert!(s.lines().any(|l| l.starts_with(id)), "{id} in {s}");
    }
}

#[test]
fn human_format() {
    let d = temp_dir("human", &[("sub/bad.vtl", ERROR)]);
    let out = lint_in(&d, &["."]);
    let s = text(&out.stdout);
    assert!(
        s.starts_with("error[unknown-util-function]: $util.toJson does not exist on API Gateway"),
        "{s}"
    );
    assert!(s.contains("\n --> sub/bad.vtl:1:17\n"), "{s}");
    assert!(
        s.contains(
            "1 | {\"name\": \"$util.toJson($input.path('$.name'))\"}\n  |                 ^^^^^^"
        ),
        "{s}"
    );
    assert!(s.contains("\n  = help: "), "{s}");
    assert!(
        s.ends_with("1 error, 0 warnings in 1 file (1 template checked)\n"),
        "{s}"
    );
    assert!(!s.contains('\x1b'), "no colour when not on a terminal");
}

#[test]
fn json_format() {
    let d = temp_dir("json", &[("bad.vtl", ERROR), ("warn.vtl", WARN)]);
    let out = lint_in(&d, &["--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_str(&text(&out.stdout)).expect("JSON");
    assert_eq!(
        v["summary"],
        serde_json::json!({"errors": 1, "warnings": 1, "notes": 0, "files": 2, "templates": 2, "appsync_skipped": 0, "baseline_known": 0})
    );
    let d0 = &v["diagnostics"][0];
    assert_eq!(d0["rule"], "unknown-util-function");
    assert_eq!(d0["severity"], "error");
    assert_eq!(d0["file"], "bad.vtl");
    assert_eq!(
        d0["start"],
        serde_json::json!({"line": 1, "column": 17, "offset": 16})
    );
    assert_eq!(d0["fixable"], false);
    assert!(
        d0.get("location").is_none(),
        "a template file has no location"
    );
    let d1 = &v["diagnostics"][1];
    assert_eq!(d1["rule"], "escape-javascript-quote");
    assert_eq!(d1["fixable"], true);
}

#[test]
fn github_format() {
    let d = temp_dir("github", &[("bad.vtl", ERROR), ("warn.vtl", WARN)]);
    let out = lint_in(&d, &["--format", "github", "."]);
    assert_eq!(out.status.code(), Some(1));
    let s = text(&out.stdout);
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines.len(), 2, "{s}");
    assert!(
        lines[0].starts_with(
            "::error file=bad.vtl,line=1,col=17,endLine=1,endColumn=46,title=unknown-util-function::"
        ),
        "{s}"
    );
    assert!(
        lines[1].starts_with("::warning file=warn.vtl,line=2,col="),
        "{s}"
    );
    assert!(lines[1].contains(",title=escape-javascript-quote::"), "{s}");
}

#[test]
fn sarif_format() {
    let d = temp_dir("sarif", &[("dir/bad.vtl", ERROR)]);
    let out = lint_in(&d, &["--format", "sarif", "."]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&text(&out.stdout)).expect("JSON");
    assert_eq!(v["version"], "2.1.0");
    let r = &v["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "unknown-util-function");
    assert_eq!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "dir/bad.vtl"
    );
    assert_eq!(
        r["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 1, "startColumn": 17, "endLine": 1, "endColumn": 46})
    );
}

#[test]
fn allow_and_deny_switch_rules() {
    let d = temp_dir("allow", &[("warn.vtl", WARN)]);
    assert_eq!(lint_in(&d, &["warn.vtl"]).status.code(), Some(0));
    let out = lint_in(&d, &["--deny", "escape-javascript-quote", "warn.vtl"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).starts_with("error[escape-javascript-quote]"));
    let out = lint_in(&d, &["--allow", "escape-javascript-quote", "warn.vtl"]);
    assert_eq!(
        text(&out.stdout),
        "0 errors, 0 warnings in 1 file (1 template checked)\n"
    );
    // Both at once for one rule is a usage error.
    let out = lint_in(
        &d,
        &[
            "--allow",
            "escape-javascript-quote",
            "--deny",
            "escape-javascript-quote",
            ".",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn fix_rewrites_template_files_json_strings_and_yaml() {
    let api_json = r#"{"openapi": "3.0.1", "paths": {"/x": {"post": {"x-amazon-apigateway-integration": {"requestTemplates": {"application/json": "{\"a\": \"$util.escapeJavaScript($input.body)\",\n \"b\": \"caf\u00e9\"}"}}}}}}"#;
    let api_yaml = "openapi: 3.0.1\npaths:\n  /x:\n    post:\n      x-amazon-apigateway-integration:\n        requestTemplates:\n          application/json: |\n            {\"a\": \"$util.escapeJavaScript($input.body)\"}\n        responses:\n          default:\n            responseTemplates:\n              application/json: \"#set($m = {})\\n$m.put('a', 1)\\n{\\\"ok\\\": true}\"\n";
    let d = temp_dir(
        "fix",
        &[
            (
                "t.vtl",
                "{\"a\": \"$util.escapeJavaScript($input.body)\"}\n#set($m = {})$m.put('k', 1)\n",
            ),
            ("api.json", api_json),
            ("api.yaml", api_yaml),
            ("untouched.vtl", CLEAN),
        ],
    );
    let before = lint_in(&d, &["--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_str(&text(&before.stdout)).expect("JSON");
    let fixable = v["diagnostics"]
        .as_array()
        .map_or(0, |a| a.iter().filter(|d| d["fixable"] == true).count());
    assert_eq!(fixable, 5, "{}", text(&before.stdout));

    let out = lint_in(&d, &["--fix", "."]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert_eq!(
        text(&out.stdout),
        "0 errors, 0 warnings in 4 files (5 templates checked)\n",
        "the report after --fix is what is left: nothing"
    );
    let err = text(&out.stderr);
    assert!(err.contains("t.vtl: fixed 2 findings"), "{err}");
    assert!(err.contains("api.json: fixed 1 finding"), "{err}");
    assert!(err.contains("api.yaml: fixed 2 findings"), "{err}");
    assert!(!err.contains("untouched.vtl"), "{err}");

    assert_eq!(
        read(&d.join("t.vtl")),
        "{\"a\": \"$util.escapeJavaScript($input.body).replaceAll(\"\\\\'\",\"'\")\"}\n#set($m = {})#set($ignore = $m.put('k', 1))\n"
    );
    assert_eq!(read(&d.join("untouched.vtl")), CLEAN);
    // The JSON document still parses and holds the fixed template; the rest is byte for byte.
    let fixed = read(&d.join("api.json"));
    assert_eq!(
        fixed,
        api_json.replace(
            r#"$util.escapeJavaScript($input.body)"#,
            r#"$util.escapeJavaScript($input.body).replaceAll(\"\\\\'\",\"'\")"#
        )
    );
    let v: serde_json::Value = serde_json::from_str(&fixed).expect("still JSON");
    assert_eq!(
        v["paths"]["/x"]["post"]["x-amazon-apigateway-integration"]["requestTemplates"]
            ["application/json"],
        "{\"a\": \"$util.escapeJavaScript($input.body).replaceAll(\"\\\\'\",\"'\")\",\n \"b\": \"café\"}"
    );
    // YAML: the block scalar as is, the double-quoted scalar with YAML escapes.
    let fixed = read(&d.join("api.yaml"));
    assert!(
        fixed.contains("            {\"a\": \"$util.escapeJavaScript($input.body).replaceAll(\"\\\\'\",\"'\")\"}\n"),
        "{fixed}"
    );
    assert!(
        fixed.contains("application/json: \"#set($m = {})\\n#set($ignore = $m.put('a', 1))\\n{\\\"ok\\\": true}\"\n"),
        "{fixed}"
    );
    // Idempotent.
    let again = lint_in(&d, &["--fix", "."]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(text(&again.stderr), "");
}

#[test]
fn fix_leaves_what_it_cannot_mend_and_reports_it() {
    let both = "{\"name\": \"$util.toJson($input.path('$.name'))\",\n \"input\": \"$util.escapeJavaScript($input.json('$'))\"}\n";
    let d = temp_dir("fixrest", &[("both.vtl", both)]);
    let out = lint_in(&d, &["--fix", "--format", "json", "both.vtl"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&text(&out.stdout)).expect("JSON");
    let rules: Vec<&str> = v["diagnostics"]
        .as_array()
        .map(|a| a.iter().filter_map(|d| d["rule"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(rules, ["unknown-util-function"]);
    assert!(text(&out.stderr).contains("both.vtl: fixed 1 finding"));
    assert!(read(&d.join("both.vtl")).contains(".replaceAll("));
}

#[test]
fn the_docs_list_every_rule() {
    let docs = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/lint.md"));
    let out = lint_in(Path::new(env!("CARGO_MANIFEST_DIR")), &["--list-rules"]);
    for line in text(&out.stdout).lines() {
        let id = line.split_whitespace().next().unwrap_or("");
        assert!(
            docs.contains(&format!("| `{id}` |")),
            "docs/lint.md does not list the rule {id}"
        );
    }
}

fn json_of(out: &Output) -> serde_json::Value {
    serde_json::from_str(&text(&out.stdout)).expect("JSON")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lint/fixtures")
}

#[test]
fn other_json_and_yaml_files_are_skipped_silently() {
    let out = lint_in(&fixtures(), &["--format", "json", "skipped"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let v = json_of(&out);
    assert_eq!(v["diagnostics"], serde_json::json!([]));
    assert_eq!(v["summary"]["files"], 0);
}

#[test]
fn appsync_resolvers_are_skipped_with_one_info_line() {
    let out = lint_in(&fixtures(), &["--format", "json", "appsync"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let v = json_of(&out);
    assert_eq!(v["diagnostics"], serde_json::json!([]));
    // Named by the AppSync resolver (2), in mapping_templates/ (1), by content (1).
    assert_eq!(v["summary"]["appsync_skipped"], 4);
    assert_eq!(v["summary"]["files"], 1);
    let human = text(&lint_in(&fixtures(), &["appsync"]).stdout);
    let info: Vec<&str> = human.lines().filter(|l| l.starts_with("info:")).collect();
    assert_eq!(
        info,
        ["info: skipped 4 AppSync template files (AppSync resolvers, not API Gateway templates)"]
    );
}

#[test]
fn allow_works_for_document_syntax() {
    let out = lint_in(&fixtures(), &["broken-stack.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    let out = lint_in(
        &fixtures(),
        &[
            "--allow",
            "document-syntax",
            "--format",
            "json",
            "broken-stack.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json_of(&out)["diagnostics"], serde_json::json!([]));
}

#[test]
fn a_baseline_leaves_out_known_findings() {
    let d = temp_dir("baseline", &[("bad.vtl", ERROR), ("warn.vtl", WARN)]);
    let report = lint_in(&d, &["--format", "json", "."]);
    std::fs::write(d.join("baseline.json"), &report.stdout).expect("write");
    let out = lint_in(
        &d,
        &["--baseline", "baseline.json", "--format", "json", "."],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let v = json_of(&out);
    assert_eq!(v["diagnostics"], serde_json::json!([]));
    assert_eq!(v["summary"]["baseline_known"], 2);
    // A new finding is reported; the known ones stay out, even moved down a line.
    std::fs::write(d.join("bad.vtl"), format!("\n{ERROR}")).expect("write");
    std::fs::write(d.join("new.vtl"), ERROR).expect("write");
    let out = lint_in(
        &d,
        &["--baseline", "baseline.json", "--format", "json", "."],
    );
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    let files: Vec<&str> = v["diagnostics"]
        .as_array()
        .map(|a| a.iter().filter_map(|d| d["file"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(files, ["new.vtl"]);
    // Not a report: a usage error.
    std::fs::write(d.join("nope.json"), "[]").expect("write");
    assert_eq!(
        lint_in(&d, &["--baseline", "nope.json", "."]).status.code(),
        Some(2)
    );
}

#[test]
fn a_config_file_selects_files_sets_levels_and_ignores_paths() {
    let d = temp_dir(
        "config",
        &[
            ("api/warn.vtl", WARN),
            ("legacy/bad.vtl", ERROR),
            ("vendor/bad.vtl", ERROR),
            (
                "apigw-vtl.toml",
                "exclude = ['vendor/**']\n[rules]\nescape-javascript-quote = 'error'\n[[ignore]]\npaths = ['legacy/**']\nrules = ['unknown-util-function']\n",
            ),
        ],
    );
    let out = lint_in(&d, &["--format", "json", "."]);
    let v = json_of(&out);
    assert_eq!(out.status.code(), Some(1), "{v}");
    let got: Vec<(String, String, String)> = v["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| {
                    (
                        d["file"].as_str().unwrap_or("").to_string(),
                        d["rule"].as_str().unwrap_or("").to_string(),
                        d["severity"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        got,
        [(
            "api/warn.vtl".to_string(),
            "escape-javascript-quote".to_string(),
            "error".to_string()
        )]
    );
    assert_eq!(v["summary"]["files"], 2);
    // --no-config: every file, default levels.
    let v = json_of(&lint_in(&d, &["--no-config", "--format", "json", "."]));
    assert_eq!(v["summary"]["files"], 3);
    // A bad config is a usage error that names the problem.
    std::fs::write(d.join("apigw-vtl.toml"), "[rules]\nno-such-rule = 'off'\n").expect("write");
    let out = lint_in(&d, &["."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("unknown rule 'no-such-rule'"),
        "{}",
        text(&out.stderr)
    );
}
