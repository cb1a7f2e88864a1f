//! Diagnostics → text: human (rustc-style), JSON, GitHub workflow annotations, SARIF 2.1.0.
//!
//! The human format is written here rather than with `annotate-snippets` or
//! `codespan-reporting`: it needs one primary span per diagnostic, positions
//! already computed in file coordinates (through escapes and YAML folding, which
//! those crates would recompute from byte offsets), a window on very long lines
//! (minified JSON documents), and byte-stable output for the snapshot tests —
//! about a hundred lines, against a dependency whose layout changes between
//! releases.

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
    /// Template files taken for AppSync resolvers, not checked.
    pub appsync_skipped: usize,
    /// Findings left out because the baseline knows them.
    pub baseline_known: usize,
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
            appsync_skipped: 0,
            baseline_known: 0,
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

/// Renders the report. `texts` holds each file's content (by the name the
/// diagnostics use), for source lines.
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

/// Characters of a source line shown around the span: long lines (minified
/// JSON) are cut to a window.
const LINE_WINDOW: usize = 120;
/// Characters kept before the span in a cut line.
const LINE_CONTEXT: usize = 40;

/// The source line shown for a diagnostic: the text, the number of display
/// characters before the span, and the caret count.
fn snippet(text: &str, d: &Diagnostic) -> (String, String, usize) {
    let line = text
        .split('\n')
        .nth(d.start.line.saturating_sub(1) as usize)
        .unwrap_or("")
        .trim_end_matches('\r');
    let chars: Vec<char> = line.chars().collect();
    let col = (d.start.column.saturating_sub(1) as usize).min(chars.len());
    let width = if d.end.line == d.start.line {
        (d.end.column.saturating_sub(d.start.column) as usize).max(1)
    } else {
        chars.len().saturating_sub(col).max(1)
    };
    let (from, prefix) = if chars.len() > LINE_WINDOW && col > LINE_CONTEXT {
        (col - LINE_CONTEXT, "...")
    } else {
        (0, "")
    };
    let to = (from + LINE_WINDOW).min(chars.len());
    let suffix = if to < chars.len() { "..." } else { "" };
    let shown: String = chars.get(from..to).unwrap_or(&[]).iter().collect();
    let indent: String = prefix
        .chars()
        .map(|_| ' ')
        .chain(
            chars
                .get(from..col)
                .unwrap_or(&[])
                .iter()
                .map(|c| if *c == '\t' { '\t' } else { ' ' }),
        )
        .collect();
    let width = width.min(to.saturating_sub(col).max(1));
    (format!("{prefix}{shown}{suffix}"), indent, width)
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
    let sev_code = |s: Severity| match s {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
        Severity::Note => "1;36",
    };
    let mut out = String::new();
    for d in diags {
        let num = d.start.line.to_string();
        let pad = " ".repeat(num.len());
        let bar = paint("1;34", "|");
        let _ = writeln!(
            out,
            "{}{}: {}",
            paint(sev_code(d.severity), label(d.severity)),
            paint(sev_code(d.severity), &format!("[{}]", d.rule)),
            paint("1", &d.message)
        );
        let _ = writeln!(
            out,
            "{pad}{} {}:{}:{}",
            paint("1;34", "-->"),
            d.file,
            d.start.line,
            d.start.column
        );
        if let Some(text) = texts.get(&d.file) {
            let (line, indent, width) = snippet(text, d);
            let carets = paint(sev_code(d.severity), &"^".repeat(width));
            let _ = writeln!(out, "{pad} {bar}");
            let _ = writeln!(out, "{} {bar} {line}", paint("1;34", &num));
            let _ = writeln!(out, "{pad} {bar} {indent}{carets}");
        }
        if !d.location.is_empty() {
            let _ = writeln!(out, "{pad} = template: {}", d.location);
        }
        if let Some(h) = &d.hint {
            let _ = writeln!(out, "{pad} = help: {h}");
        }
        if d.fixable {
            let _ = writeln!(out, "{pad} = note: `apigw-vtl lint --fix` mends this");
        }
        out.push('\n');
    }
    let notes = if summary.notes > 0 {
        format!(", {}", plural(summary.notes, "note"))
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "{}, {}{notes} in {} ({} checked)",
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(summary.files, "file"),
        plural(summary.templates, "template"),
    );
    if summary.appsync_skipped > 0 {
        let _ = writeln!(
            out,
            "info: skipped {} (AppSync resolvers, not API Gateway templates)",
            plural(summary.appsync_skipped, "AppSync template file")
        );
    }
    if summary.baseline_known > 0 {
        let _ = writeln!(
            out,
            "info: {} in the baseline not shown",
            plural(summary.baseline_known, "known finding")
        );
    }
    out
}

/// One JSON document, pretty-printed:
///
/// ```text
/// {"diagnostics": [{"rule", "severity", "file", "start", "end", "message",
///                   "hint"?, "location"?, "fixable"}, ...],
///  "summary": {"errors", "warnings", "notes", "files", "templates",
///              "appsync_skipped", "baseline_known"}}
/// ```
///
/// `severity` is `error`, `warning` or `note`; `start` and `end` are
/// `{"line", "column", "offset"}` in the file (1-based line and column, columns
/// in characters, `offset` in bytes from 0; `end` is just past the span);
/// `hint` is absent when the rule has none; `location` (where the template is in
/// its document, dot-separated) is absent for a template file. Diagnostics come
/// file by file, each file's by position. The field names are stable; new
/// fields may be added.
fn json(diags: &[Diagnostic], summary: Summary) -> String {
    let v = serde_json::json!({ "diagnostics": diags, "summary": summary });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// Escapes a workflow command's message (GitHub's `escapeData`).
fn gh_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value (GitHub's `escapeProperty`).
fn gh_escape_prop(s: &str) -> String {
    gh_escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The end column of a span for formats that want a non-empty one on a line.
fn end_column(d: &Diagnostic) -> u32 {
    if d.end.line == d.start.line {
        d.end.column.max(d.start.column + 1)
    } else {
        d.end.column.max(1)
    }
}

/// GitHub Actions workflow commands, one per diagnostic:
/// `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=RULE::message`
/// (`notice` for notes).
fn github(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let cmd = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut message = d.message.clone();
        if let Some(h) = &d.hint {
            let _ = write!(message, " ({h})");
        }
        let _ = writeln!(
            out,
            "::{cmd} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            gh_escape_prop(&d.file),
            d.start.line,
            d.start.column,
            d.end.line,
            end_column(d),
            gh_escape_prop(d.rule),
            gh_escape_data(&message),
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

/// A file name as a SARIF `artifactLocation.uri`: a relative reference with `/`
/// separators (code scanning resolves it against the repository root), or a
/// `file:` URI for an absolute path; bytes outside RFC 3986's unreserved set,
/// sub-delimiters, `@` and `/` are percent-encoded (`:` too, so a relative path
/// never reads as a scheme).
pub fn sarif_uri(file: &str) -> String {
    let file = file.replace('\\', "/");
    let rel = file.trim_start_matches("./");
    let mut enc = String::with_capacity(rel.len());
    for b in rel.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&b) {
            enc.push(char::from(b));
        } else {
            let _ = write!(enc, "%{b:02X}");
        }
    }
    if enc.starts_with('/') {
        format!("file://{enc}")
    } else {
        enc
    }
}

/// Where the tool is documented: the package's repository or homepage, when
/// Cargo.toml names one.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_REPOSITORY"), env!("CARGO_PKG_HOMEPAGE")]
        .into_iter()
        .find(|u| !u.is_empty())
}

/// SARIF 2.1.0: one run, the rules as `tool.driver.rules`, one result per
/// diagnostic. Columns count Unicode code points (`columnKind`), as ours do.
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
            let mut text = d.message.clone();
            if let Some(h) = &d.hint {
                let _ = write!(text, " ({h})");
            }
            let mut result = serde_json::json!({
                "ruleId": d.rule,
                "level": sarif_level(d.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": sarif_uri(&d.file) },
                        "region": {
                            "startLine": d.start.line,
                            "startColumn": d.start.column,
                            "endLine": d.end.line,
                            "endColumn": end_column(d),
                        }
                    }
                }],
            });
            if let Some(index) = RULES.iter().position(|r| r.id == d.rule) {
                result["ruleIndex"] = index.into();
            }
            if !d.location.is_empty() {
                result["locations"][0]["logicalLocations"] = serde_json::json!([{
                    "fullyQualifiedName": d.location,
                    "kind": "object",
                }]);
            }
            result
        })
        .collect();
    let mut driver = serde_json::json!({
        "name": "apigw-vtl",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": rules,
    });
    if let Some(uri) = information_uri() {
        driver["informationUri"] = uri.into();
    }
    let v = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "columnKind": "unicodeCodePoints",
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

    fn pos(line: u32, column: u32, offset: usize) -> FilePos {
        FilePos {
            line,
            column,
            offset,
        }
    }

    fn diag() -> Diagnostic {
        Diagnostic {
            rule: "unknown-util-function",
            severity: Severity::Error,
            file: "api.yaml".into(),
            start: pos(2, 5, 9),
            end: pos(2, 14, 18),
            message: "$util.toJson does not exist, really".into(),
            hint: Some("use one, of six: 100%".into()),
            location: "paths./x.post".into(),
            fixable: false,
        }
    }

    fn texts(file: &str, text: &str) -> HashMap<String, String> {
        let mut t = HashMap::new();
        t.insert(file.to_string(), text.to_string());
        t
    }

    #[test]
    fn human_has_position_source_caret_help_and_summary() {
        let texts = texts("api.yaml", "x: 1\nabc $util.toJson(1)\n");
        let out = render(
            Format::Human,
            &[diag()],
            &texts,
            Summary::of(&[diag()], 1, 1),
            false,
        );
        assert_eq!(
            out,
            "error[unknown-util-function]: $util.toJson does not exist, really\n \
             --> api.yaml:2:5\n  |\n2 | abc $util.toJson(1)\n  |     ^^^^^^^^^\n  \
             = template: paths./x.post\n  = help: use one, of six: 100%\n\n\
             1 error, 0 warnings in 1 file (1 template checked)\n"
        );
    }

    #[test]
    fn human_colours_only_when_asked() {
        let texts = texts("api.yaml", "x: 1\nabc $util.toJson(1)\n");
        let s = Summary::of(&[diag()], 1, 1);
        assert!(!render(Format::Human, &[diag()], &texts, s, false).contains('\x1b'));
        let coloured = render(Format::Human, &[diag()], &texts, s, true);
        assert!(coloured.contains("\x1b[1;31merror\x1b[0m"), "{coloured}");
    }

    #[test]
    fn human_cuts_long_lines_around_the_span_and_handles_tabs_and_multiline_spans() {
        let line = format!("{}$util.toJson(1){}", "a".repeat(500), "b".repeat(500));
        let mut d = diag();
        d.start = pos(1, 501, 500);
        d.end = pos(1, 516, 515);
        let out = render(
            Format::Human,
            &[d.clone()],
            &texts("api.yaml", &line),
            Summary::default(),
            false,
        );
        let shown = out.lines().nth(3).unwrap_or("");
        assert!(shown.starts_with("1 | ...aaaa"), "{shown}");
        assert!(shown.ends_with("bbb..."), "{shown}");
        assert!(shown.chars().count() < 140, "{shown}");
        let carets = out.lines().nth(4).unwrap_or("");
        assert_eq!(carets, format!("  | {}{}", " ".repeat(43), "^".repeat(15)));
        // A tab before the span stays a tab under it; a span over lines underlines to the end of its first.
        d.start = pos(1, 3, 2);
        d.end = pos(2, 2, 9);
        let out = render(
            Format::Human,
            &[d],
            &texts("api.yaml", "\tx$abc\nq\n"),
            Summary::default(),
            false,
        );
        assert!(out.contains("1 | \tx$abc\n  | \t ^^^^\n"), "{out}");
        // A file it has no text for: no snippet, no panic.
        let out = render(
            Format::Human,
            &[diag()],
            &HashMap::new(),
            Summary::default(),
            false,
        );
        assert!(out.contains(" --> api.yaml:2:5\n  = template"), "{out}");
    }

    #[test]
    fn human_summary_counts_notes_when_there_are_some() {
        let mut n = diag();
        n.severity = Severity::Note;
        let out = render(
            Format::Human,
            &[],
            &HashMap::new(),
            Summary::of(&[diag(), n.clone(), n], 2, 3),
            false,
        );
        assert_eq!(
            out,
            "1 error, 0 warnings, 2 notes in 2 files (3 templates checked)\n"
        );
    }

    #[test]
    fn github_escapes_properties_and_data() {
        let mut d = diag();
        d.file = "dir,1/a:b.yaml".into();
        d.message = "line one\nline two\r".into();
        let out = render(
            Format::Github,
            &[d, diag()],
            &HashMap::new(),
            Summary::default(),
            false,
        );
        assert_eq!(
            out,
            "::error file=dir%2C1/a%3Ab.yaml,line=2,col=5,endLine=2,endColumn=14,title=unknown-util-function::line one%0Aline two%0D (use one, of six: 100%25)\n\
             ::error file=api.yaml,line=2,col=5,endLine=2,endColumn=14,title=unknown-util-function::$util.toJson does not exist, really (use one, of six: 100%25)\n"
        );
    }

    #[test]
    fn github_levels_and_empty_spans() {
        let mut d = diag();
        d.severity = Severity::Note;
        d.end = d.start;
        let out = render(
            Format::Github,
            &[d],
            &HashMap::new(),
            Summary::default(),
            false,
        );
        assert!(
            out.starts_with("::notice file=api.yaml,line=2,col=5,endLine=2,endColumn=6,"),
            "{out}"
        );
    }

    #[test]
    fn sarif_shape() {
        let mut unknown = diag();
        unknown.rule = "not-a-rule";
        unknown.file = "./dir/my file.yaml".into();
        let s = render(
            Format::Sarif,
            &[diag(), unknown],
            &HashMap::new(),
            Summary::default(),
            false,
        );
        let v: serde_json::Value = serde_json::from_str(&s).unwrap_or_default();
        assert_eq!(v["version"], "2.1.0");
        let run = &v["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "apigw-vtl");
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let rules = run["tool"]["driver"]["rules"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(rules.len(), RULES.len());
        let r0 = &run["results"][0];
        assert_eq!(r0["ruleId"], "unknown-util-function");
        let idx = r0["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
        assert_eq!(
            rules.get(idx).map(|r| r["id"].clone()),
            Some(r0["ruleId"].clone())
        );
        assert_eq!(r0["level"], "error");
        let loc = &r0["locations"][0];
        assert_eq!(
            loc["physicalLocation"]["artifactLocation"]["uri"],
            "api.yaml"
        );
        assert_eq!(loc["physicalLocation"]["region"]["startLine"], 2);
        assert_eq!(loc["physicalLocation"]["region"]["endColumn"], 14);
        assert_eq!(
            loc["logicalLocations"][0]["fullyQualifiedName"],
            "paths./x.post"
        );
        let r1 = &run["results"][1];
        assert!(r1.get("ruleIndex").is_none());
        assert_eq!(
            r1["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "dir/my%20file.yaml"
        );
    }

    #[test]
    fn sarif_uris() {
        assert_eq!(sarif_uri("a/b.vtl"), "a/b.vtl");
        assert_eq!(sarif_uri("./a\\b c%.vtl"), "a/b%20c%25.vtl");
        assert_eq!(sarif_uri("c:x.vtl"), "c%3Ax.vtl");
        assert_eq!(sarif_uri("/tmp/é.json"), "file:///tmp/%C3%A9.json");
    }

    #[test]
    fn json_shape() {
        let j = render(
            Format::Json,
            &[diag()],
            &HashMap::new(),
            Summary::of(&[diag()], 1, 1),
            false,
        );
        let v: serde_json::Value = serde_json::from_str(&j).unwrap_or_default();
        assert_eq!(
            v["summary"],
            serde_json::json!({"errors": 1, "warnings": 0, "notes": 0, "files": 1, "templates": 1, "appsync_skipped": 0, "baseline_known": 0})
        );
        assert_eq!(
            v["diagnostics"][0],
            serde_json::json!({
                "rule": "unknown-util-function", "severity": "error", "file": "api.yaml",
                "start": {"line": 2, "column": 5, "offset": 9},
                "end": {"line": 2, "column": 14, "offset": 18},
                "message": "$util.toJson does not exist, really",
                "hint": "use one, of six: 100%", "location": "paths./x.post", "fixable": false
            })
        );
    }
}
