//! `apigw-vtl lint`: find template bugs, in template files and in the OpenAPI,
//! SAM and CloudFormation documents that embed templates, with positions in the
//! file the user opened.
//!
//! The pieces:
//! - [`extract`]: files and documents → [`Embedded`] templates, each with an
//!   [`OffsetMap`] from template offsets to positions in its file;
//! - [`rules`]: the checks on one template → [`Finding`]s in template offsets;
//! - [`report`]: [`Diagnostic`]s (findings placed in files) → human, JSON,
//!   GitHub annotations or SARIF.

pub mod appsync;
pub mod config;
pub mod extract;
pub mod report;
pub mod rules;
pub mod samples;

mod fix;
pub use fix::{apply_fixes, FixError};

use std::ops::Range;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

/// Which template of a document this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TemplateKind {
    /// A whole `.vtl` / `.vm` file.
    File,
    /// An integration request template (`requestTemplates`, `RequestTemplates`).
    Request,
    /// An integration response template (`responseTemplates`, `ResponseTemplates`).
    Response,
    /// A gateway response template (`AWS::ApiGateway::GatewayResponse`, `x-amazon-apigateway-gateway-responses`).
    GatewayResponse,
}

/// How the template's text is written in its file, so a fix can be written back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escaping {
    /// Byte for byte (a template file, a YAML block scalar's line content, a YAML plain scalar).
    Raw,
    /// Inside a JSON string (`\"`, `\\`, `\n`, `\uXXXX`).
    JsonString,
    /// Inside a YAML double-quoted scalar.
    YamlDouble,
    /// Inside a YAML single-quoted scalar (`''` for `'`).
    YamlSingle,
}

/// One run of template bytes and the file bytes they came from. Where the two
/// lengths are equal the mapping is byte for byte; otherwise (an escape such as
/// `\n`, a CloudFormation `${Name}` placeholder) every template byte of the run
/// maps to the start of the file range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub template: Range<usize>,
    pub file: Range<usize>,
}

/// A 1-based position in a file; `column` counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct FilePos {
    pub line: u32,
    pub column: u32,
    /// Byte offset in the file.
    pub offset: usize,
}

/// Template offsets → file offsets, through sorted, non-overlapping segments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    segments: Vec<Segment>,
}

impl OffsetMap {
    /// The template is the file, or a slice of it starting at `file_start`, byte for byte.
    pub fn contiguous(file_start: usize, len: usize) -> OffsetMap {
        OffsetMap {
            segments: vec![Segment {
                template: 0..len,
                file: file_start..file_start + len,
            }],
        }
    }

    /// From segments in template order (consecutive template ranges).
    pub fn new(segments: Vec<Segment>) -> OffsetMap {
        OffsetMap { segments }
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The file byte offset of template byte `offset` (past the end: the end of the last segment).
    pub fn file_offset(&self, offset: usize) -> usize {
        let idx = self.segments.partition_point(|s| s.template.end <= offset);
        match self.segments.get(idx) {
            Some(s) if offset >= s.template.start => {
                if s.template.len() == s.file.len() {
                    s.file.start + (offset - s.template.start)
                } else {
                    s.file.start
                }
            }
            Some(s) => s.file.start,
            None => self.segments.last().map_or(0, |s| s.file.end),
        }
    }
}

/// What a template's integration is, as far as its document says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Integration {
    /// `AWS`, `AWS_PROXY`, `HTTP`, `HTTP_PROXY` or `MOCK`, when written.
    pub kind: Option<String>,
    /// The AWS service an `AWS` integration calls (`sqs`, `states`, `dynamodb`, …).
    pub service: Option<String>,
    /// The action the URI or subtype names (`StartExecution`), if any.
    pub action: Option<String>,
    /// The constant `Content-Type` header of the integration request, if mapped.
    pub content_type: Option<String>,
}

/// A template found in a file.
#[derive(Debug, Clone)]
pub struct Embedded {
    /// The template text as API Gateway receives it.
    pub source: String,
    pub kind: TemplateKind,
    /// The content type it is selected for (`application/json`), when the document says.
    pub content_type: Option<String>,
    /// Where in the document, e.g. `paths./pets.post.x-amazon-apigateway-integration.requestTemplates.application/json`
    /// (empty for a template file).
    pub location: String,
    pub map: OffsetMap,
    pub escaping: Escaping,
    /// The integration a request or response template belongs to, when its document says.
    pub integration: Option<Integration>,
}

/// A mechanical fix, in template offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub range: Range<usize>,
    pub replacement: String,
}

/// What a rule found in one template, in template offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub range: Range<usize>,
    pub message: String,
    pub hint: Option<String>,
    pub fix: Option<Fix>,
}

/// A finding placed in a file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub file: String,
    pub start: FilePos,
    pub end: FilePos,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Where in the document the template is (empty for a template file).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub location: String,
    /// Whether `--fix` can mend it.
    pub fixable: bool,
}

/// The 1-based line and column of byte `offset` in `text` (columns count characters).
pub fn file_pos(text: &str, offset: usize) -> FilePos {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|b| *b == b'\n').count() as u32 + 1;
    let column = text
        .get(line_start..offset)
        .map_or(0, |s| s.chars().count()) as u32
        + 1;
    FilePos {
        line,
        column,
        offset,
    }
}

/// What a lint run needs besides the files.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    pub config: rules::RuleConfig,
    /// What the output check renders against ([`Samples::builtin`] by default).
    pub samples: Samples,
    /// `apigw-vtl.toml`: which files, per-path ignores (its rule levels are in `config`).
    pub file_config: Option<config::Config>,
    /// Known findings not to report.
    pub baseline: Option<config::Baseline>,
}

/// The findings in one file, placed in it, and the fixes that can be applied.
#[derive(Debug, Clone, Default)]
pub struct FileResult {
    /// What the file is (`None`: not an API Gateway document, skipped).
    pub kind: Option<extract::DocKind>,
    /// Whether the file was checked: an API Gateway document or template file
    /// (broken or not), not skipped.
    pub checked: bool,
    /// A template file taken for an AppSync resolver: skipped.
    pub appsync: bool,
    /// Template files AppSync resources of this document name.
    pub appsync_templates: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// The templates found in the file.
    pub templates: Vec<Embedded>,
    /// Mechanical fixes: the index of their template in `templates`, and the fix.
    pub fixes: Vec<(usize, Fix)>,
}

pub use samples::{sample_request, Sample, Samples};

/// Lints one file's text. `path` names the file in the diagnostics (and its
/// extension says what kind of file it is); nothing is read from disk.
pub fn lint_file(path: &std::path::Path, text: &str, opts: &LintOptions) -> FileResult {
    let file = path.to_string_lossy().replace('\\', "/");
    let mut result = FileResult::default();
    let doc = match extract::extract_document(path, text) {
        Ok(d) => d,
        Err(e) => {
            if let Some(severity) = opts.config.severity("document-syntax", Severity::Error) {
                let pos = file_pos(text, e.offset);
                result.diagnostics.push(Diagnostic {
                    rule: "document-syntax",
                    severity,
                    file,
                    start: pos,
                    end: pos,
                    message: e.message,
                    hint: rules::rule_info("document-syntax").map(|r| r.help.to_string()),
                    location: String::new(),
                    fixable: false,
                });
            }
            // A broken API Gateway document is checked (and found wanting).
            result.checked = true;
            return result;
        }
    };
    result.kind = doc.kind;
    result.appsync_templates = doc.appsync_templates;
    if doc.kind == Some(extract::DocKind::TemplateFile)
        && (appsync::is_appsync_path(&file) || appsync::is_appsync_source(text))
    {
        result.appsync = true;
        return result;
    }
    result.checked = doc.kind.is_some();
    for f in doc.findings {
        let Some(severity) = opts.config.severity(f.rule, Severity::Warning) else {
            continue;
        };
        let start = file_pos(text, f.range.start);
        let end = file_pos(text, f.range.end.max(f.range.start));
        result.diagnostics.push(Diagnostic {
            rule: f.rule,
            severity,
            file: file.clone(),
            start,
            end,
            message: f.message,
            hint: rules::rule_info(f.rule).map(|r| r.help.to_string()),
            location: String::new(),
            fixable: false,
        });
    }
    let templates = doc.templates;
    for (index, t) in templates.iter().enumerate() {
        for f in rules::check_with(t, &opts.config, &opts.samples) {
            let start = file_pos(text, t.map.file_offset(f.range.start));
            let end_off = if f.range.end > f.range.start {
                // The end of the last byte, not the start of the next one (which may be far away).
                t.map.file_offset(f.range.end - 1) + 1
            } else {
                start.offset
            };
            let end = file_pos(text, end_off.max(start.offset));
            result.diagnostics.push(Diagnostic {
                rule: f.rule,
                severity: f.severity,
                file: file.clone(),
                start,
                end,
                message: f.message,
                hint: f.hint,
                location: t.location.clone(),
                fixable: f.fix.is_some(),
            });
            if let Some(fix) = f.fix {
                result.fixes.push((index, fix));
            }
        }
    }
    result
        .diagnostics
        .sort_by_key(|d| (d.start.offset, d.end.offset));
    result.templates = templates;
    result
}

/// What a lint run found, for the report and the exit code.
#[derive(Debug, Clone, Default)]
pub struct LintOutcome {
    /// Every file's diagnostics: files in the order they were found, each file's by position.
    pub diagnostics: Vec<Diagnostic>,
    /// Each linted file's text (after `--fix`), by the name its diagnostics use.
    pub texts: std::collections::HashMap<String, String>,
    pub summary: report::Summary,
    /// What `--fix` did, one line per event (for standard error).
    pub fix_log: Vec<String>,
}

impl LintOutcome {
    /// 1 when any diagnostic is an error, else 0.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.summary.errors > 0)
    }
}

/// The name a file has in diagnostics: the path as given, without `./`
/// components, with `/` separators.
pub fn display_name(path: &std::path::Path) -> String {
    use std::path::Component;
    let parts: Vec<String> = path
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| match c {
            Component::RootDir => String::new(),
            other => other.as_os_str().to_string_lossy().into_owned(),
        })
        .collect();
    match parts.as_slice() {
        [] => ".".to_string(),
        [root] if root.is_empty() => "/".to_string(),
        _ => parts.join("/"),
    }
}

/// Lints the files under `paths` (files, and directories walked respecting
/// `.gitignore`), applying the mechanical fixes first when `fix` is set. An
/// `Err` is a usage or I/O error (a path that does not exist, a file that
/// cannot be read or written): exit code 2.
pub fn run_lint(
    paths: &[std::path::PathBuf],
    opts: &LintOptions,
    fix: bool,
) -> Result<LintOutcome, String> {
    let select = |p: &std::path::Path| {
        opts.file_config
            .as_ref()
            .map_or(true, |c| c.selects(&display_name(p)))
    };
    let files = extract::collect_paths_with(paths, &select)?;
    let is_template = |p: &std::path::Path| {
        matches!(
            p.extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .as_deref(),
            Some("vtl" | "vm")
        )
    };
    // Documents first: their AppSync resources name resolver templates.
    let (docs, template_files): (Vec<_>, Vec<_>) = files.iter().partition(|p| !is_template(p));
    let mut out = LintOutcome::default();
    let mut seen = std::collections::HashSet::new();
    let mut appsync_named = std::collections::HashSet::new();
    let mut templates = 0;
    let mut checked = 0;
    for path in docs.into_iter().chain(template_files) {
        let name = display_name(path);
        if !seen.insert(name.clone()) {
            continue;
        }
        if is_template(path) && appsync_named.contains(&normalize(&name)) {
            out.summary.appsync_skipped += 1;
            continue;
        }
        let text = crate::io::read_path(path, crate::io::LINT_FILE_MAX).map_err(|e| match e {
            crate::io::ReadError::Io(e) => format!("{}: {e}", path.display()),
            other => format!("{}: the file is {other}", path.display()),
        })?;
        let (text, result) = if fix {
            fix_file(path, &name, text, opts, &mut out.fix_log)?
        } else {
            let r = lint_file(std::path::Path::new(&name), &text, opts);
            (text, r)
        };
        let dir = std::path::Path::new(&name)
            .parent()
            .map(|d| d.to_string_lossy().into_owned())
            .unwrap_or_default();
        for r in &result.appsync_templates {
            let joined = if dir.is_empty() || r.starts_with('/') {
                r.clone()
            } else {
                format!("{dir}/{r}")
            };
            appsync_named.insert(normalize(&joined));
        }
        if result.appsync {
            out.summary.appsync_skipped += 1;
            continue;
        }
        if !result.checked {
            continue;
        }
        checked += 1;
        templates += result.templates.len();
        let mut diags = result.diagnostics;
        if let Some(c) = &opts.file_config {
            diags.retain(|d| !c.ignores(d));
        }
        out.diagnostics.extend(diags);
        out.texts.insert(name, text);
    }
    // By file, then by position (each file's are already in order).
    out.diagnostics.sort_by(|a, b| a.file.cmp(&b.file));
    let known = match &opts.baseline {
        Some(b) => b.filter(&mut out.diagnostics),
        None => 0,
    };
    let appsync_skipped = out.summary.appsync_skipped;
    out.summary = report::Summary::of(&out.diagnostics, checked, templates);
    out.summary.appsync_skipped = appsync_skipped;
    out.summary.baseline_known = known;
    Ok(out)
}

/// A `/`-separated path with `.` and `..` components resolved by the text alone.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split(['/', '\\']) {
        match p {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    if path.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

/// Passes of fix, re-lint: a fix refused for overlapping another is tried again
/// on the fixed text.
const FIX_PASSES: usize = 8;

/// Applies the file's fixes (several passes), writes the file when anything
/// changed, and returns the final text and its findings.
fn fix_file(
    path: &std::path::Path,
    name: &str,
    mut text: String,
    opts: &LintOptions,
    log: &mut Vec<String>,
) -> Result<(String, FileResult), String> {
    let lint_path = std::path::Path::new(name);
    let mut result = lint_file(lint_path, &text, opts);
    let mut fixed = 0;
    for _ in 0..FIX_PASSES {
        if result.fixes.is_empty() {
            break;
        }
        let plan = plan_fixes(&text, &result);
        for why in &plan.refused {
            let line = format!("{name}: a fix was not applied: {why}");
            if !log.contains(&line) {
                log.push(line);
            }
        }
        if plan.count == 0 {
            break;
        }
        let new_text = match fix::apply_edits(&text, plan.edits) {
            Ok(t) => t,
            Err(e) => {
                log.push(format!("{name}: fixes not applied: {e}"));
                break;
            }
        };
        // The rewritten document must hold exactly the intended templates.
        let holds = extract::extract(lint_path, &new_text).is_ok_and(|now| {
            now.len() == plan.expected.len()
                && now
                    .iter()
                    .zip(&plan.expected)
                    .all(|(t, want)| want.as_deref() == Some(t.source.as_str()))
        });
        if !holds {
            log.push(format!(
                "{name}: fixes not applied: the rewritten document would not hold the intended templates"
            ));
            break;
        }
        text = new_text;
        fixed += plan.count;
        result = lint_file(lint_path, &text, opts);
    }
    if fixed > 0 {
        std::fs::write(path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
        log.push(format!(
            "{name}: fixed {fixed} finding{}",
            if fixed == 1 { "" } else { "s" }
        ));
    }
    Ok((text, result))
}

/// One pass's fixes: file edits that do not overlap, and each template's source
/// as it should read after them (`None` if a fix does not apply to it).
struct FixPlan {
    edits: Vec<fix::Edit>,
    count: usize,
    expected: Vec<Option<String>>,
    refused: Vec<String>,
}

fn plan_fixes(text: &str, result: &FileResult) -> FixPlan {
    let mut candidates = Vec::new();
    let mut refused = Vec::new();
    for (index, f) in &result.fixes {
        let Some(t) = result.templates.get(*index) else {
            continue;
        };
        match fix::edit(text, t, f) {
            Ok(e) => candidates.push((e, *index, f)),
            Err(e) => refused.push(e.to_string()),
        }
    }
    candidates.sort_by_key(|c| (c.0.range.start, c.0.range.end));
    let mut edits: Vec<fix::Edit> = Vec::new();
    let mut per_template: Vec<Vec<&Fix>> = vec![Vec::new(); result.templates.len()];
    let mut count = 0;
    for (e, index, f) in candidates {
        let fits = match edits.last() {
            None => true,
            Some(prev) if *prev == e => true,
            Some(prev) => e.range.start >= prev.range.end && e.range.start != prev.range.start,
        };
        if !fits {
            // Left for the next pass, on the fixed text.
            continue;
        }
        if edits.last() != Some(&e) {
            count += 1;
            edits.push(e);
        }
        if let Some(list) = per_template.get_mut(index) {
            list.push(f);
        }
    }
    let expected = result
        .templates
        .iter()
        .zip(per_template)
        .map(|(t, mut fixes)| {
            fixes.sort_by_key(|f| std::cmp::Reverse(f.range.start));
            let mut s = t.source.clone();
            for f in fixes {
                if f.range.start > f.range.end
                    || f.range.end > s.len()
                    || !s.is_char_boundary(f.range.start)
                    || !s.is_char_boundary(f.range.end)
                {
                    return None;
                }
                s.replace_range(f.range.clone(), &f.replacement);
            }
            Some(s)
        })
        .collect();
    FixPlan {
        edits,
        count,
        expected,
        refused,
    }
}

#[cfg(test)]
mod run_tests {
    use super::*;

    #[test]
    fn the_sample_request_parses() {
        let r = sample_request();
        assert!(r.body.as_deref().is_some_and(|b| b.contains("Ada")));
        assert_eq!(r.path_params.get("id").map(String::as_str), Some("42"));
        assert!(!r.request_context.is_empty());
    }

    #[test]
    fn display_names_drop_dot_components() {
        assert_eq!(display_name(std::path::Path::new("./a/./b.vtl")), "a/b.vtl");
        assert_eq!(display_name(std::path::Path::new("a/b.yaml")), "a/b.yaml");
        assert_eq!(
            display_name(std::path::Path::new("/tmp/x.json")),
            "/tmp/x.json"
        );
        assert_eq!(display_name(std::path::Path::new(".")), ".");
    }
}
