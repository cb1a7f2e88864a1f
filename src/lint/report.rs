//! Diagnostics → text: human (rustc-style), JSON, GitHub workflow annotations, SARIF 2.1.0.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::rules::RULES;
use super::{Diagnostic, Severity};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
    Sarif,
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    pub files: usize,
    pub templates: usize,
}

impl Summary {
    pub fn of(diags: &[Diagnostic], files: usize, templates: usize) -> Summary {
        let count = |s| diags.iter().filter(|d| d.severity == s).count();
        Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            notes: count(Severity::Note),
            files,
            templates,
        }
    }
}

/// `error`, `warning`, `note`.
pub fn label(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Renders the report. `texts` holds each file's content, for source lines.
pub fn render(
    format: Format,
    diags: &[Diagnostic],
    texts: &HashMap<String, String>,
    summary: Summary,
    color: bool,
) -> String {
    match format {
        Format::Human => human(diags, texts, summary, color),
        Format::Json => json(diags, summary),
        Format::Github => github(diags),
        Format::Sarif => sarif(diags),
    }
}

fn human(
    diags: &[Diagnostic],
    texts: &HashMap<String, String>,
    summary: Summary,
    color: bool,
) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    for d in diags {
        let sev = match d.severity {
            Severity::Error => paint("1;31", "error"),
            Severity::Warning => paint("1;33", "warning"),
            Severity::Note => paint("1;36", "note"),
        };
        let _ = writeln!(out, "{sev}[{}]: {}", d.rule, paint("1", &d.message));
        let _ = writeln!(out, "  --> {}:{}:{}", d.file, d.start.line, d.start.column);
        if !d.location.is_empty() {
            let _ = writeln!(out, "   = in {}", d.location);
        }
        if let Some(text) = texts.get(&d.file) {
            let line = text
                .split('\n')
                .nth(d.start.line.saturating_sub(1) as usize)
                .unwrap_or("")
                .trim_end_matches('\r');
            let num = d.start.line.to_string();
            let pad = " ".repeat(num.len());
            let indent: String = line
                .chars()
                .take(d.start.column.saturating_sub(1) as usize)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let width = if d.end.line == d.start.line {
                (d.end.column.saturating_sub(d.start.column) as usize).max(1)
            } else {
                line.chars()
                    .count()
                    .saturating_sub(d.start.column as usize - 1)
                    .max(1)
            };
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{num} | {line}");
            let carets = "^".repeat(width.min(200));
            let carets = match d.severity {
                Severity::Error => paint("1;31", &carets),
                Severity::Warning => paint("1;33", &carets),
                Severity::Note => paint("1;36", &carets),
            };
            let _ = writeln!(out, "{pad} | {indent}{carets}");
        }
        if let Some(h) = &d.hint {
            let _ = writeln!(out, "   = help: {h}");
        }
        if d.fixable {
            let _ = writeln!(out, "   = fixable with --fix");
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{}, {} in {} ({} checked)",
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(summary.files, "file"),
        plural(summary.templates, "template"),
    );
    out
}

/// `{"diagnostics": [...], "summary": {...}}`: each diagnostic has `rule`,
/// `severity`, `file`, `start`/`end` (`line`, `column`, `offset`), `message`,
/// `hint`, `location` and `fixable`.
fn json(diags: &[Diagnostic], summary: Summary) -> String {
    let v = serde_json::json!({ "diagnostics": diags, "summary": summary });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

fn gh_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_escape_prop(s: &str) -> String {
    gh_escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands: `::error file=…,line=…,col=…::message`.
fn github(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let cmd = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let _ = writeln!(
            out,
            "::{cmd} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            gh_escape_prop(&d.file),
            d.start.line,
            d.start.column,
            d.end.line,
            d.end.column.max(d.start.column + 1),
            gh_escape_prop(&format!("apigw-vtl {}", d.rule)),
            gh_escape_data(&match &d.hint {
                Some(h) => format!("{} ({h})", d.message),
                None => d.message.clone(),
            }),
        );
    }
    out
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// SARIF 2.1.0: one run, the rules as `tool.driver.rules`, one result per diagnostic.
fn sarif(diags: &[Diagnostic]) -> String {
    let rules: Vec<serde_json::Value> = RULES
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": { "text": r.description },
                "fullDescription": { "text": r.description },
                "help": { "text": r.help },
                "defaultConfiguration": { "level": sarif_level(r.severity) },
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let index = RULES.iter().position(|r| r.id == d.rule).unwrap_or(0);
            let mut text = d.message.clone();
            if let Some(h) = &d.hint {
                let _ = write!(text, " ({h})");
            }
            serde_json::json!({
                "ruleId": d.rule,
                "ruleIndex": index,
                "level": sarif_level(d.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": d.file.trim_start_matches("./") },
                        "region": {
                            "startLine": d.start.line,
                            "startColumn": d.start.column,
                            "endLine": d.end.line,
                            "endColumn": d.end.column.max(d.start.column + 1),
                        }
                    }
                }],
            })
        })
        .collect();
    let v = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "apigw-vtl",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::FilePos;

    fn diag() -> Diagnostic {
        Diagnostic {
            rule: "unknown-util-function",
            severity: Severity::Error,
            file: "api.yaml".into(),
            start: FilePos {
                line: 2,
                column: 5,
                offset: 9,
            },
            end: FilePos {
                line: 2,
                column: 14,
                offset: 18,
            },
            message: "$util.toJson does not exist, really".into(),
            hint: Some("use one, of six".into()),
            location: "paths./x.post".into(),
            fixable: false,
        }
    }

    #[test]
    fn human_has_position_source_and_caret() {
        let mut texts = HashMap::new();
        texts.insert(
            "api.yaml".to_string(),
            "x: 1\nabc $util.toJson(1)\n".to_string(),
        );
        let out = render(
            Format::Human,
            &[diag()],
            &texts,
            Summary::of(&[diag()], 1, 1),
            false,
        );
        assert!(out.starts_with("error[unknown-util-function]: $util.toJson does not exist, really\n  --> api.yaml:2:5\n"));
        assert!(
            out.contains("2 | abc $util.toJson(1)\n  |     ^^^^^^^^^\n"),
            "{out}"
        );
        assert!(
            out.contains("1 error, 0 warnings in 1 file (1 template checked)"),
            "{out}"
        );
    }

    #[test]
    fn github_escapes_properties_and_data() {
        let out = render(
            Format::Github,
            &[diag()],
            &HashMap::new(),
            Summary::default(),
            false,
        );
        assert_eq!(
            out,
            "::error file=api.yaml,line=2,col=5,endLine=2,endColumn=14,title=apigw-vtl unknown-util-function::$util.toJson does not exist, really (use one, of six)\n"
        );
    }

    #[test]
    fn sarif_and_json_are_json() {
        let s = render(
            Format::Sarif,
            &[diag()],
            &HashMap::new(),
            Summary::default(),
            false,
        );
        let v: serde_json::Value = serde_json::from_str(&s).expect("SARIF is JSON");
        assert_eq!(v["version"], "2.1.0");
        assert_eq!(
            v["runs"][0]["results"][0]["ruleId"],
            "unknown-util-function"
        );
        assert_eq!(
            v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
            2
        );
        let j = render(
            Format::Json,
            &[diag()],
            &HashMap::new(),
            Summary::of(&[diag()], 1, 1),
            false,
        );
        let v: serde_json::Value = serde_json::from_str(&j).expect("JSON");
        assert_eq!(v["summary"]["errors"], 1);
        assert_eq!(v["diagnostics"][0]["start"]["line"], 2);
    }
}
