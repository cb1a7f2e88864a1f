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
