//! Files and documents → embedded templates, each with a map from template
//! offsets to the bytes of the file they came from.
//!
//! - `.vtl`, `.vm`: the whole file is a template.
//! - `.json`, `.yaml`, `.yml`, and `.template` when it reads as JSON or YAML:
//!   - an OpenAPI 3 / Swagger 2 document: `paths.*.*.x-amazon-apigateway-integration`
//!     `requestTemplates.*` ([`TemplateKind::Request`]) and
//!     `responses.*.responseTemplates.*` ([`TemplateKind::Response`]);
//!     `x-amazon-apigateway-gateway-responses.*.responseTemplates.*`
//!     ([`TemplateKind::GatewayResponse`]);
//!   - a CloudFormation / SAM template: `AWS::ApiGateway::Method`
//!     `Integration.RequestTemplates.*` and `Integration.IntegrationResponses[].ResponseTemplates.*`,
//!     `AWS::ApiGateway::GatewayResponse` `ResponseTemplates.*`, and the inline
//!     OpenAPI document of `AWS::ApiGateway::RestApi` `Body` and
//!     `AWS::Serverless::Api` `DefinitionBody`.
//!
//!   Any other document holds no templates. YAML short-form tags (`!Sub`,
//!   `!Ref`, `!GetAtt`, …), anchors, aliases and `<<` merge keys are accepted.
//!
//! A template value is a string, `Fn::Sub` / `!Sub` of a string or of
//! `[string, {vars}]`, or `Fn::Join` / `!Join` of strings only (any other
//! intrinsic function: the template is skipped). Under `Fn::Sub`,
//! CloudFormation substitutes before API Gateway sees the template:
//! - each `${Name}` placeholder (`${AWS::Region}`, `${Res.Attr}`, `${Var}`) is
//!   replaced by its name without `${}` (`AWS::Region`): plain text that lints
//!   clean inside a JSON string and in template text, and that says in a
//!   message what stood there. It maps, as one [`Segment`], to the whole
//!   placeholder in the file;
//! - `${!Literal}` becomes `${Literal}`, each byte mapped exactly.
//!
//! Positions are exact: the map goes through JSON string escapes (surrogate
//! pairs included), YAML double-quoted escapes and escaped line breaks,
//! single-quoted `''`, the line folding of flow scalars and of `>` blocks (a
//! folded line break maps to the break in the file), and the indentation of
//! block scalars (explicit indentation indicators and chomping included).

use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::{file_pos, Embedded, Escaping, FilePos, OffsetMap, TemplateKind};

mod json;
mod libyaml;
mod pieces;
#[cfg(test)]
mod tests;
mod yaml;

use pieces::Pieces;

/// A document that could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{}: {message}", pos.line, pos.column)]
pub struct ExtractError {
    pub message: String,
    /// Byte offset in the file (the same as `pos.offset`).
    pub offset: usize,
    pub pos: FilePos,
}

impl ExtractError {
    fn new(text: &str, offset: usize, message: String) -> ExtractError {
        let pos = file_pos(text, offset);
        ExtractError {
            message,
            offset: pos.offset,
            pos,
        }
    }
}

/// How deep a document may nest (mappings and sequences); deeper is an error.
pub const MAX_DEPTH: usize = 128;

/// How many templates one document may hold (aliases can multiply them).
pub const MAX_TEMPLATES: usize = 10_000;

/// A string of a document: its value and where its token starts.
#[derive(Debug, Clone)]
struct Scalar {
    value: String,
    src: Src,
}

#[derive(Debug, Clone, Copy)]
enum Src {
    /// A JSON string token whose opening quote is at this byte.
    Json { start: usize },
    /// A YAML scalar token starting at this byte (its start mark).
    Yaml { at: usize, style: libyaml::Style },
}

impl Scalar {
    /// Where each byte of the value came from, and how the value is written.
    fn locate(&self, text: &str) -> (Pieces, Escaping) {
        use libyaml::Style as S;
        let (found, at, escaping) = match self.src {
            Src::Json { start } => {
                let mut p = Pieces::new();
                let ok =
                    json::decode(text, start, Some(&mut p)).is_some_and(|(v, _)| v == self.value);
                (ok.then_some(p), start, Escaping::JsonString)
            }
            Src::Yaml { at, style } => (
                yaml::locate(text, at, &self.value, style),
                at,
                match style {
                    S::DoubleQuoted => Escaping::YamlDouble,
                    S::SingleQuoted => Escaping::YamlSingle,
                    _ => Escaping::Raw,
                },
            ),
        };
        let pieces = found.unwrap_or_else(|| {
            // Not expected: the whole value at the token's start.
            let mut p = Pieces::new();
            p.push(self.value.len(), at, 0);
            p
        });
        (pieces, escaping)
    }
}

type Node = Rc<Doc>;

#[derive(Debug)]
enum Doc {
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
    Str(Scalar),
    /// A YAML local tag (`!Sub` → `Sub`) on a node.
    Tagged(String, Node),
    Other,
}

/// How deep `<<` merge keys are followed.
const MAX_MERGE: usize = 8;

impl Doc {
    /// The node under a tag.
    fn untag(&self) -> &Doc {
        let mut d = self;
        while let Doc::Tagged(_, inner) = d {
            d = inner;
        }
        d
    }

    fn get(&self, key: &str) -> Option<&Doc> {
        self.entries()
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }

    /// A mapping's entries, with those of `<<` merge keys after its own.
    fn entries(&self) -> Vec<(&str, &Doc)> {
        let mut out = Vec::new();
        collect_entries(self, &mut out, 0);
        out
    }

    fn str(&self) -> Option<&str> {
        match self {
            Doc::Str(s) => Some(&s.value),
            _ => None,
        }
    }
}

fn collect_entries<'a>(d: &'a Doc, out: &mut Vec<(&'a str, &'a Doc)>, depth: usize) {
    let Doc::Map(entries) = d.untag() else {
        return;
    };
    let mut merges = Vec::new();
    for (k, v) in entries {
        if k == "<<" && depth < MAX_MERGE {
            merges.push(v);
        } else {
            out.push((k.as_str(), &**v));
        }
    }
    for m in merges {
        let mut more = Vec::new();
        match m.untag() {
            Doc::Seq(items) => {
                for i in items {
                    collect_entries(i, &mut more, depth + 1);
                }
            }
            other => collect_entries(other, &mut more, depth + 1),
        }
        for (k, v) in more {
            if !out.iter().any(|(o, _)| *o == k) {
                out.push((k, v));
            }
        }
    }
}

/// Templates in `text`, the content of `path`, chosen by its extension (and,
/// for `.template`, its content). A document that holds none gives none; one
/// that does not parse is an error.
pub fn extract(path: &Path, text: &str) -> Result<Vec<Embedded>, ExtractError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let base = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = text.get(base..).unwrap_or("");
    let looks_json = body.trim_start().starts_with(['{', '[']);
    let doc = match ext.as_str() {
        "vtl" | "vm" => {
            return Ok(vec![Embedded {
                source: text.to_string(),
                kind: TemplateKind::File,
                content_type: None,
                location: String::new(),
                map: OffsetMap::contiguous(0, text.len()),
                escaping: Escaping::Raw,
            }])
        }
        "json" => json::parse(text, base)?,
        "yaml" | "yml" => yaml::parse(text, base)?,
        "template" => {
            let parsed = if looks_json {
                json::parse(text, base)
            } else {
                yaml::parse(text, base)
            };
            match parsed {
                Ok(doc) => doc,
                // A `.template` of some other kind is not ours; a broken
                // CloudFormation or OpenAPI document is.
                Err(e) if mentions_api(body) => return Err(e),
                Err(_) => return Ok(Vec::new()),
            }
        }
        _ => return Ok(Vec::new()),
    };
    let mut w = Walker {
        text,
        out: Vec::new(),
        full: false,
    };
    w.document(&doc);
    if w.full {
        return Err(ExtractError::new(
            text,
            0,
            format!("more than {MAX_TEMPLATES} templates in one document"),
        ));
    }
    Ok(w.out)
}

fn mentions_api(text: &str) -> bool {
    [
        "AWSTemplateFormatVersion",
        "Resources",
        "openapi",
        "swagger",
    ]
    .iter()
    .any(|k| text.contains(k))
}

/// The files to lint under `paths`: files as given (any extension), and in
/// directories, recursively, the `.vtl .vm .json .yaml .yml .template` files
/// not excluded by `.gitignore` / `.ignore` files and not hidden. Sorted, each
/// once.
pub fn collect_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let walk = ignore::WalkBuilder::new(p)
                .require_git(false)
                .sort_by_file_name(|a, b| a.cmp(b))
                .build();
            for entry in walk {
                let entry = entry.map_err(|e| e.to_string())?;
                let path = entry.path();
                if entry.file_type().is_some_and(|t| t.is_file()) && is_lintable(path) {
                    out.push(path.to_path_buf());
                }
            }
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(format!("{}: no such file or directory", p.display()));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn is_lintable(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("vtl" | "vm" | "json" | "yaml" | "yml" | "template")
    )
}

// ---------------------------------------------------------------------------
// Finding templates in a document

struct Walker<'a> {
    text: &'a str,
    out: Vec<Embedded>,
    /// More than [`MAX_TEMPLATES`] were found.
    full: bool,
}

impl Walker<'_> {
    fn document(&mut self, doc: &Doc) {
        let root = doc.untag();
        if root.get("openapi").is_some() || root.get("swagger").is_some() {
            self.openapi(root, "");
        }
        if root.get("Resources").is_some()
            || root.get("AWSTemplateFormatVersion").is_some()
            || root.get("Transform").is_some()
        {
            for (name, res) in root.get("Resources").map(Doc::entries).unwrap_or_default() {
                self.cfn_resource(name, res.untag());
            }
        }
    }

    fn openapi(&mut self, root: &Doc, prefix: &str) {
        for (path, item) in root.get("paths").map(Doc::entries).unwrap_or_default() {
            for (method, op) in item.entries() {
                let Some(integ) = op.get("x-amazon-apigateway-integration") else {
                    continue;
                };
                let base = format!("{prefix}paths.{path}.{method}.x-amazon-apigateway-integration");
                for (ct, t) in integ
                    .get("requestTemplates")
                    .map(Doc::entries)
                    .unwrap_or_default()
                {
                    let loc = format!("{base}.requestTemplates.{ct}");
                    self.template(t, TemplateKind::Request, ct, loc);
                }
                for (status, resp) in integ.get("responses").map(Doc::entries).unwrap_or_default() {
                    for (ct, t) in resp
                        .get("responseTemplates")
                        .map(Doc::entries)
                        .unwrap_or_default()
                    {
                        let loc = format!("{base}.responses.{status}.responseTemplates.{ct}");
                        self.template(t, TemplateKind::Response, ct, loc);
                    }
                }
            }
        }
        let gateway = root.get("x-amazon-apigateway-gateway-responses");
        for (kind, resp) in gateway.map(Doc::entries).unwrap_or_default() {
            for (ct, t) in resp
                .get("responseTemplates")
                .map(Doc::entries)
                .unwrap_or_default()
            {
                let loc = format!(
                    "{prefix}x-amazon-apigateway-gateway-responses.{kind}.responseTemplates.{ct}"
                );
                self.template(t, TemplateKind::GatewayResponse, ct, loc);
            }
        }
    }

    fn cfn_resource(&mut self, name: &str, res: &Doc) {
        let Some(ty) = res.get("Type").and_then(Doc::str) else {
            return;
        };
        let Some(props) = res.get("Properties") else {
            return;
        };
        let base = format!("Resources.{name}.Properties");
        match ty {
            "AWS::ApiGateway::Method" => {
                let Some(integ) = props.get("Integration") else {
                    return;
                };
                for (ct, t) in integ
                    .get("RequestTemplates")
                    .map(Doc::entries)
                    .unwrap_or_default()
                {
                    let loc = format!("{base}.Integration.RequestTemplates.{ct}");
                    self.template(t, TemplateKind::Request, ct, loc);
                }
                if let Some(Doc::Seq(responses)) = integ.get("IntegrationResponses").map(Doc::untag)
                {
                    for (i, r) in responses.iter().enumerate() {
                        for (ct, t) in r
                            .get("ResponseTemplates")
                            .map(Doc::entries)
                            .unwrap_or_default()
                        {
                            let loc = format!(
                                "{base}.Integration.IntegrationResponses[{i}].ResponseTemplates.{ct}"
                            );
                            self.template(t, TemplateKind::Response, ct, loc);
                        }
                    }
                }
            }
            "AWS::ApiGateway::GatewayResponse" => {
                for (ct, t) in props
                    .get("ResponseTemplates")
                    .map(Doc::entries)
                    .unwrap_or_default()
                {
                    let loc = format!("{base}.ResponseTemplates.{ct}");
                    self.template(t, TemplateKind::GatewayResponse, ct, loc);
                }
            }
            "AWS::ApiGateway::RestApi" => {
                if let Some(body) = props.get("Body") {
                    self.openapi(body.untag(), &format!("{base}.Body."));
                }
            }
            "AWS::Serverless::Api" => {
                if let Some(body) = props.get("DefinitionBody") {
                    self.openapi(body.untag(), &format!("{base}.DefinitionBody."));
                }
            }
            _ => {}
        }
    }

    /// A template value: a string, `Fn::Sub` / `!Sub` of a string (or of
    /// `[string, vars]`), `Fn::Join` / `!Join` of strings; anything else is skipped.
    fn template(&mut self, value: &Doc, kind: TemplateKind, ct: &str, location: String) {
        if self.out.len() >= MAX_TEMPLATES {
            self.full = true;
            return;
        }
        let Some((source, pieces, escaping)) = self.template_text(value) else {
            return;
        };
        self.out.push(Embedded {
            source,
            kind,
            content_type: Some(ct.to_string()),
            location,
            map: pieces.to_map(),
            escaping,
        });
    }

    fn template_text(&self, value: &Doc) -> Option<(String, Pieces, Escaping)> {
        let (func, arg) = intrinsic(value);
        match func {
            None => match value {
                Doc::Str(s) => {
                    let (p, e) = s.locate(self.text);
                    Some((s.value.clone(), p, e))
                }
                _ => None,
            },
            Some("Sub") => {
                let s = match arg {
                    Doc::Str(s) => s,
                    Doc::Seq(items) => match items.first().map(|i| &**i) {
                        Some(Doc::Str(s)) => s,
                        _ => return None,
                    },
                    _ => return None,
                };
                let (p, e) = s.locate(self.text);
                let (source, pieces) = substitute(&s.value, &p);
                Some((source, pieces, e))
            }
            Some("Join") => self.join(arg),
            Some(_) => None,
        }
    }

    /// `Fn::Join: [delimiter, [strings…]]`, with strings only.
    fn join(&self, arg: &Doc) -> Option<(String, Pieces, Escaping)> {
        let Doc::Seq(args) = arg else { return None };
        let [delim, parts] = args.as_slice() else {
            return None;
        };
        let Doc::Str(delim) = &**delim else {
            return None;
        };
        let Doc::Seq(parts) = &**parts else {
            return None;
        };
        let (dp, escaping) = delim.locate(self.text);
        let mut source = String::new();
        let mut pieces = Pieces::new();
        for (i, part) in parts.iter().enumerate() {
            let Doc::Str(s) = &**part else {
                return None;
            };
            if i > 0 {
                append(&mut source, &mut pieces, &delim.value, &dp, 0);
            }
            let (p, _) = s.locate(self.text);
            append(&mut source, &mut pieces, &s.value, &p, 0);
        }
        Some((source, pieces, escaping))
    }
}

/// The intrinsic function a value is (`Fn::Sub: x` or `!Sub x` → `("Sub", x)`).
fn intrinsic(value: &Doc) -> (Option<&str>, &Doc) {
    match value {
        Doc::Tagged(tag, inner) => (Some(tag.as_str()), inner),
        Doc::Map(entries) => match entries.as_slice() {
            [(k, v)] if k.starts_with("Fn::") || k == "Ref" => {
                (Some(k.strip_prefix("Fn::").unwrap_or(k)), v)
            }
            _ => (None, value),
        },
        _ => (None, value),
    }
}

/// Appends `s` to `source`: the text at value offset `at` of a value mapped by `map`.
fn append(source: &mut String, pieces: &mut Pieces, s: &str, map: &Pieces, at: usize) {
    for (i, c) in s.char_indices() {
        let r = map.file_range(at + i, c.len_utf8());
        source.push(c);
        pieces.push(c.len_utf8(), r.start, r.len());
    }
}

/// CloudFormation's `Fn::Sub` on a template (`value`, mapped by `map`):
/// `${Name}` → `Name`, mapped to the whole placeholder; `${!X}` → `${X}`.
fn substitute(value: &str, map: &Pieces) -> (String, Pieces) {
    let mut out = String::with_capacity(value.len());
    let mut pieces = Pieces::new();
    let mut i = 0;
    while let Some(rest) = value.get(i..).filter(|r| !r.is_empty()) {
        if let Some(inner) = rest
            .strip_prefix("${")
            .and_then(|r| r.find('}').and_then(|close| r.get(..close)))
            .filter(|inner| !inner.is_empty())
        {
            let close = i + 2 + inner.len();
            if let Some(lit) = inner.strip_prefix('!') {
                // `${!Literal}` → `${Literal}`, the `!` dropped.
                append(&mut out, &mut pieces, "${", map, i);
                append(&mut out, &mut pieces, lit, map, i + 3);
                append(&mut out, &mut pieces, "}", map, close);
            } else {
                let start = map.file_range(i, 1).start;
                let end = map.file_range(close, 1).end;
                out.push_str(inner);
                pieces.push(inner.len(), start, end.saturating_sub(start));
            }
            i = close + 1;
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        let r = map.file_range(i, c.len_utf8());
        out.push(c);
        pieces.push(c.len_utf8(), r.start, r.len());
        i += c.len_utf8();
    }
    (out, pieces)
}
