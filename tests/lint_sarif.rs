//! `apigw-vtl lint --format sarif` against the official SARIF 2.1.0 JSON schema,
//! read from the file `$SARIF_SCHEMA` (`.ci/run` takes it from an npm package;
//! without it the validation is skipped, saying so).

use std::path::{Path, PathBuf};
use std::process::Command;

mod support;
use support::{new_temp_dir, TempDir};

fn sarif(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_apigw-vtl"))
        .arg("lint")
        .arg("--format")
        .arg("sarif")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run apigw-vtl lint");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("SARIF is JSON")
}

fn validator() -> Option<jsonschema::Validator> {
    let Some(path) = std::env::var_os("SARIF_SCHEMA") else {
        eprintln!(
            "SARIF schema validation SKIPPED: SARIF_SCHEMA is not set \
             (point it at the SARIF 2.1.0 JSON schema; .ci/run does)"
        );
        return None;
    };
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("SARIF_SCHEMA={}: {e}", PathBuf::from(&path).display()));
    let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema is JSON");
    Some(jsonschema::validator_for(&schema).expect("the schema compiles"))
}

fn errors(v: &jsonschema::Validator, doc: &serde_json::Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect()
}

/// A temporary directory with findings in files whose names need encoding.
fn odd_names() -> TempDir {
    let d = new_temp_dir("apigw-vtl-sarif-");
    std::fs::create_dir_all(d.join("dir with space")).expect("mkdir");
    std::fs::write(
        d.join("dir with space/café #1.vtl"),
        "{\"name\": \"$util.toJson($input.path('$.name'))\", \"q\": \"$util.escapeJavaScript($input.body)\"}\n",
    )
    .expect("write");
    std::fs::write(
        d.join("broken.json"),
        "{\"openapi\": \"3.0.1\",\n  \"paths\": {\"/a\": {\"x-amazon-apigateway-integration\": [",
    )
    .expect("write");
    d
}

#[test]
fn sarif_output_validates_against_the_schema() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let odd = odd_names();
    let absolute = odd.join("broken.json");
    let docs = [
        sarif(manifest, &["tests/lint/fixtures"]),
        sarif(&odd, &["."]),
        sarif(manifest, &[&absolute.to_string_lossy()]),
        sarif(manifest, &["tests/lint/fixtures/clean"]),
    ];
    // The shape, with or without the schema.
    for doc in &docs {
        assert_eq!(doc["version"], "2.1.0");
        assert_eq!(doc["runs"].as_array().map(Vec::len), Some(1));
    }
    let uris: Vec<String> = docs[1]["runs"][0]["results"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|x| {
                    x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                        .as_str()
                        .map(String::from)
                })
                .collect()
        })
        .unwrap_or_default();
    assert!(
        uris.contains(&"dir%20with%20space/caf%C3%A9%20%231.vtl".to_string()),
        "{uris:?}"
    );
    assert!(uris.contains(&"broken.json".to_string()), "{uris:?}");
    let abs = &docs[2]["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        ["artifactLocation"]["uri"];
    assert!(
        abs.as_str().is_some_and(|u| u.starts_with("file:///")),
        "{abs}"
    );

    let Some(v) = validator() else { return };
    for doc in &docs {
        let errs = errors(&v, doc);
        assert!(errs.is_empty(), "SARIF invalid: {errs:#?}");
    }
    // The validator does reject what is not SARIF 2.1.0.
    let mut bad = docs[0].clone();
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(errors(&v, &bad).len() >= 2, "{:#?}", errors(&v, &bad));
}
