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

pub mod extract;
pub mod report;
pub mod rules;

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
    /// The request the output check renders against ([`sample_request`] by default).
    pub sample: crate::runtime::Request,
}

/// The findings in one file, placed in it, and the fixes that can be applied.
#[derive(Debug, Clone)]
pub struct FileResult {
    pub diagnostics: Vec<Diagnostic>,
    /// Mechanical fixes: the template they belong to and the fix.
    pub fixes: Vec<(Embedded, Fix)>,
}

/// A synthetic POST request: a JSON body with common shapes, headers, a query
/// string, path parameters, stage variables and a request context.
pub fn sample_request() -> crate::runtime::Request {
    let event = r#"{
      "resource": "/items/{id}", "path": "/items/42", "httpMethod": "POST",
      "headers": {"Accept": "application/json", "Content-Type": "application/json", "Host": "example.execute-api.us-east-1.amazonaws.com", "User-Agent": "curl/8.5.0"},
      "queryStringParameters": {"mode": "async", "limit": "10"},
      "pathParameters": {"id": "42", "proxy": "items/42"},
      "stageVariables": {"env": "dev", "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Example"},
      "requestContext": {"accountId": "123456789012", "apiId": "a1b2c3d4e5", "domainName": "example.execute-api.us-east-1.amazonaws.com",
        "extendedRequestId": "Nq1xKFv2IAMEbXw=", "httpMethod": "POST", "path": "/dev/items/42", "protocol": "HTTP/1.1",
        "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "requestTime": "25/Nov/2026:03:19:13 +0000", "requestTimeEpoch": 1795576753000,
        "resourceId": "x1y2z3", "resourcePath": "/items/{id}", "stage": "dev",
        "identity": {"sourceIp": "198.51.100.7", "userAgent": "curl/8.5.0", "accountId": null, "caller": null, "user": null, "userArn": null}},
      "body": "{\"id\":\"42\",\"name\":\"Ada O'Brien\",\"email\":\"ada@example.com\",\"count\":3,\"price\":9.5,\"active\":true,\"tags\":[\"a\",\"b\"],\"items\":[{\"sku\":\"A-1\",\"qty\":2},{\"sku\":\"B-2\",\"qty\":1}],\"address\":{\"city\":\"Paris\",\"zip\":\"75001\"},\"note\":null}",
      "isBase64Encoded": false
    }"#;
    crate::runtime::Request::from_event_json(event).unwrap_or_default()
}

/// Lints one file's text.
pub fn lint_file(path: &std::path::Path, text: &str, opts: &LintOptions) -> FileResult {
    let file = path.to_string_lossy().replace('\\', "/");
    let mut result = FileResult {
        diagnostics: Vec::new(),
        fixes: Vec::new(),
    };
    let templates = match extract::extract(path, text) {
        Ok(t) => t,
        Err(e) => {
            let pos = file_pos(text, e.offset);
            result.diagnostics.push(Diagnostic {
                rule: "document-syntax",
                severity: Severity::Error,
                file,
                start: pos,
                end: pos,
                message: e.message,
                hint: None,
                location: String::new(),
                fixable: false,
            });
            return result;
        }
    };
    for t in templates {
        for f in rules::check(&t, &opts.config, &opts.sample) {
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
                message: f.message.clone(),
                hint: f.hint.clone(),
                location: t.location.clone(),
                fixable: f.fix.is_some(),
            });
            if let Some(fix) = f.fix {
                result.fixes.push((t.clone(), fix));
            }
        }
    }
    result
}

/// The replacement written as the template's container needs it.
fn encode(replacement: &str, escaping: Escaping) -> Result<String, String> {
    Ok(match escaping {
        Escaping::Raw => {
            if replacement.contains('\n') {
                return Err("a fix with a line break cannot be written into this template".into());
            }
            replacement.to_string()
        }
        Escaping::JsonString => {
            let quoted = serde_json::to_string(replacement).map_err(|e| e.to_string())?;
            quoted
                .get(1..quoted.len().saturating_sub(1))
                .unwrap_or("")
                .to_string()
        }
        Escaping::YamlDouble => {
            let mut s = String::new();
            for c in replacement.chars() {
                match c {
                    '"' => s.push_str("\\\""),
                    '\\' => s.push_str("\\\\"),
                    '\n' => s.push_str("\\n"),
                    c => s.push(c),
                }
            }
            s
        }
        Escaping::YamlSingle => replacement.replace('\'', "''"),
    })
}

/// Applies fixes to a file's text. Overlapping fixes are refused.
pub fn apply_fixes(text: &str, fixes: &[(Embedded, Fix)]) -> Result<String, String> {
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for (t, fix) in fixes {
        let start = t.map.file_offset(fix.range.start);
        let end = if fix.range.end > fix.range.start {
            t.map.file_offset(fix.range.end - 1) + 1
        } else {
            start
        };
        edits.push((start, end.max(start), encode(&fix.replacement, t.escaping)?));
    }
    edits.sort_by_key(|e| (e.0, e.1));
    for w in edits.windows(2) {
        if let [a, b] = w {
            if b.0 < a.1 {
                return Err("overlapping fixes".into());
            }
        }
    }
    let mut out = text.to_string();
    for (start, end, rep) in edits.into_iter().rev() {
        if start > end
            || end > out.len()
            || !out.is_char_boundary(start)
            || !out.is_char_boundary(end)
        {
            return Err("a fix does not fall on the file's text".into());
        }
        out.replace_range(start..end, &rep);
    }
    Ok(out)
}
