//! `apigw-vtl lint --format json` over each fixture document in
//! `tests/lint/fixtures/`, compared with `tests/lint/expected/<fixture>.json`;
//! the fixtures under `clean/` must give no findings. After an intended change,
//! regenerate the expected files with `APIGW_VTL_BLESS=1 cargo test --test lint_snapshots`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn lint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apigw-vtl"))
        .arg("lint")
        .args(args)
        .current_dir(manifest())
        .output()
        .expect("run apigw-vtl lint")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn bless() -> bool {
    std::env::var_os("APIGW_VTL_BLESS").is_some()
}

/// The fixture documents (files directly in `tests/lint/fixtures/`, not the README).
fn fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(manifest().join("tests/lint/fixtures"))
        .expect("tests/lint/fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e != "md"))
        .collect();
    v.sort();
    v
}

#[test]
fn fixture_findings_match_the_expected_files() {
    let expected_dir = manifest().join("tests/lint/expected");
    let mut failures = Vec::new();
    let mut names = Vec::new();
    for f in fixtures() {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let rel = format!("tests/lint/fixtures/{name}");
        let out = lint(&["--format", "json", &rel]);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{rel}: {}",
            text(&out.stderr)
        );
        let got = text(&out.stdout);
        let expected_path = expected_dir.join(format!("{name}.json"));
        names.push(format!("{name}.json"));
        if bless() {
            std::fs::create_dir_all(&expected_dir).expect("mkdir");
            std::fs::write(&expected_path, &got).expect("bless");
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == got => {}
            Ok(expected) => failures.push(format!(
                "{rel}: findings changed\n--- expected ({})\n{expected}\n--- got\n{got}",
                expected_path.display()
            )),
            Err(_) => failures.push(format!("{rel}: no {}", expected_path.display())),
        }
    }
    // Expected files whose fixture is gone.
    for e in std::fs::read_dir(&expected_dir)
        .into_iter()
        .flatten()
        .flatten()
    {
        let n = e.file_name().to_string_lossy().into_owned();
        if n.ends_with(".json") && !names.contains(&n) {
            if bless() {
                let _ = std::fs::remove_file(e.path());
            } else {
                failures.push(format!("{}: no fixture for it", e.path().display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\nrerun with APIGW_VTL_BLESS=1 if the change is intended",
        failures.join("\n\n")
    );
}

#[test]
fn clean_fixtures_give_no_findings() {
    let out = lint(&["--format", "json", "tests/lint/fixtures/clean"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let v: serde_json::Value = serde_json::from_str(&text(&out.stdout)).expect("JSON");
    assert_eq!(
        v["diagnostics"],
        serde_json::json!([]),
        "{}",
        text(&out.stdout)
    );
    assert!(v["summary"]["files"].as_u64().is_some_and(|n| n > 0));
    assert_eq!(v["summary"]["files"], v["summary"]["templates"]);
}

/// Positions in each kind of document, checked by hand (the snapshot would
/// accept a shifted one once blessed).
#[test]
fn every_document_kind_is_read_and_placed() {
    let out = lint(&["--format", "json", "tests/lint/fixtures"]);
    let v: serde_json::Value = serde_json::from_str(&text(&out.stdout)).expect("JSON");
    let diags = v["diagnostics"].as_array().cloned().unwrap_or_default();
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
