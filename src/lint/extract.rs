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

use super::{file_pos, Embedded, Escaping, FilePos, Integration, OffsetMap, TemplateKind};

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

/// A mapping key and the byte where it is written.
#[derive(Debug, Clone)]
struct Key {
    name: String,
    at: usize,
}

#[derive(Debug)]
enum Doc {
    Map(Vec<(Key, Node)>),
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
        if k.name == "<<" && depth < MAX_MERGE {
            merges.push(v);
        } else {
            out.push((k.name.as_str(), &**v));
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

/// What a file is, decided before it is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocKind {
    /// A `.vtl` / `.vm` file: the whole file is a template.
    TemplateFile,
    /// A CloudFormation or SAM template (`AWSTemplateFormatVersion`, or
    /// `Resources` with `AWS::` types).
    CloudFormation,
    /// An OpenAPI 3 / Swagger 2 document with `x-amazon-apigateway-*` extensions.
    OpenApi,
    /// A Serverless Framework service (`service` and `provider`).
    Serverless,
}

/// A finding about the document itself (not inside a template), in file bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocFinding {
    pub rule: &'static str,
    pub range: std::ops::Range<usize>,
    pub message: String,
}

/// What a file holds.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// `None`: not an API Gateway document (other JSON or YAML): skipped.
    pub kind: Option<DocKind>,
    pub templates: Vec<Embedded>,
    pub findings: Vec<DocFinding>,
    /// Files that AppSync resources of this document name as mapping
    /// templates (`RequestMappingTemplateS3Location`, …), as written.
    pub appsync_templates: Vec<String>,
}

/// Templates in `text`, the content of `path` (see [`extract_document`]).
pub fn extract(path: &Path, text: &str) -> Result<Vec<Embedded>, ExtractError> {
    extract_document(path, text).map(|d| d.templates)
}

/// What `text`, the content of `path`, is and the templates it holds, chosen
/// by its extension and its content. A JSON or YAML file that is not a
/// CloudFormation / SAM template, an OpenAPI document with API Gateway
/// extensions or a Serverless Framework service is skipped (`kind: None`),
/// also when it does not parse (a `tsconfig.json` with comments); a file that
/// reads as one of those and does not parse is an error.
pub fn extract_document(path: &Path, text: &str) -> Result<Document, ExtractError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let base = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = text.get(base..).unwrap_or("");
    let looks_json = body.trim_start().starts_with(['{', '[']);
    let parsed = match ext.as_str() {
        "vtl" | "vm" => {
            return Ok(Document {
                kind: Some(DocKind::TemplateFile),
                templates: vec![Embedded {
                    source: text.to_string(),
                    kind: TemplateKind::File,
                    content_type: None,
                    location: String::new(),
                    map: OffsetMap::contiguous(0, text.len()),
                    escaping: Escaping::Raw,
                    integration: None,
                }],
                ..Document::default()
            })
        }
        "json" => json::parse(text, base),
        "yaml" | "yml" => yaml::parse(text, base),
        "template" => {
            if looks_json {
                json::parse(text, base)
            } else {
                yaml::parse(text, base)
            }
        }
        _ => return Ok(Document::default()),
    };
    let doc = match parsed {
        Ok(doc) => doc,
        // A broken CloudFormation, OpenAPI or Serverless document is ours;
        // any other file that does not parse is not.
        Err(e) if looks_like_api_document(body) => return Err(e),
        Err(_) => return Ok(Document::default()),
    };
    let Some(kind) = classify(doc.untag()) else {
        return Ok(Document::default());
    };
    let mut w = Walker {
        text,
        out: Vec::new(),
        findings: Vec::new(),
        appsync: Vec::new(),
        full: false,
    };
    w.document(&doc, kind);
    if w.full {
        return Err(ExtractError::new(
            text,
            0,
            format!("more than {MAX_TEMPLATES} templates in one document"),
        ));
    }
    Ok(Document {
        kind: Some(kind),
        templates: w.out,
        findings: w.findings,
        appsync_templates: w.appsync,
    })
}

/// What kind of API Gateway document `root` is, if any.
fn classify(root: &Doc) -> Option<DocKind> {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return Some(DocKind::CloudFormation);
    }
    let aws_resources = root.get("Resources").is_some_and(|r| {
        r.entries().iter().any(|(_, res)| {
            res.get("Type")
                .and_then(Doc::str)
                .is_some_and(|t| t.starts_with("AWS::"))
        })
    });
    if aws_resources {
        return Some(DocKind::CloudFormation);
    }
    if (root.get("openapi").is_some() || root.get("swagger").is_some())
        && has_gateway_extension(root, 0)
    {
        return Some(DocKind::OpenApi);
    }
    if root.get("service").is_some() && root.get("provider").is_some() {
        return Some(DocKind::Serverless);
    }
    None
}

/// Whether any key of `d` (to a bounded depth) is an `x-amazon-apigateway-*` extension.
fn has_gateway_extension(d: &Doc, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    match d.untag() {
        Doc::Map(entries) => entries.iter().any(|(k, v)| {
            k.name.starts_with("x-amazon-apigateway-") || has_gateway_extension(v, depth + 1)
        }),
        Doc::Seq(items) => items.iter().any(|i| has_gateway_extension(i, depth + 1)),
        _ => false,
    }
}

/// Whether text that does not parse reads as one of the documents the linter
/// checks (by its top-level keys, as written in JSON or YAML).
fn looks_like_api_document(text: &str) -> bool {
    let top = |key: &str| {
        text.contains(&format!("\"{key}\""))
            || text.lines().any(|l| {
                l.strip_prefix(key)
                    .is_some_and(|r| r.trim_start().starts_with(':'))
            })
    };
    top("AWSTemplateFormatVersion")
        || (top("Resources") && text.contains("AWS::"))
        || ((top("openapi") || top("swagger")) && text.contains("x-amazon-apigateway-"))
        || (top("service") && top("provider"))
}

/// The files to lint under `paths`: files as given (any extension), and in
/// directories, recursively, the `.vtl .vm .json .yaml .yml .template` files
/// not excluded by `.gitignore` / `.ignore` files and not hidden. Sorted, each
/// once.
pub fn collect_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    collect_paths_with(paths, &|_| true)
}

/// [`collect_paths`], keeping of the files found in directories those `select` accepts.
pub fn collect_paths_with(
    paths: &[PathBuf],
    select: &dyn Fn(&Path) -> bool,
) -> Result<Vec<PathBuf>, String> {
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
                if entry.file_type().is_some_and(|t| t.is_file())
                    && is_lintable(path)
                    && select(path)
                {
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
    findings: Vec<DocFinding>,
    appsync: Vec<String>,
    /// More than [`MAX_TEMPLATES`] were found.
    full: bool,
}

/// The keys of `x-amazon-apigateway-integration`.
const INTEGRATION_KEYS: &[&str] = &[
    "cacheKeyParameters",
    "cacheNamespace",
    "connectionId",
    "connectionType",
    "contentHandling",
    "credentials",
    "httpMethod",
    "integrationSubtype",
    "integrationTarget",
    "passthroughBehavior",
    "payloadFormatVersion",
    "requestParameters",
    "requestTemplates",
    "responseParameters",
    "responseTransferMode",
    "responses",
    "timeoutInMillis",
    "tlsConfig",
    "type",
    "uri",
];

/// The keys of one `responses` entry of `x-amazon-apigateway-integration`.
const INTEGRATION_RESPONSE_KEYS: &[&str] = &[
    "contentHandling",
    "responseParameters",
    "responseTemplates",
    "statusCode",
];

/// Names written for an integration key in other places (CloudFormation, SAM).
const INTEGRATION_ALIASES: &[(&str, &str)] = &[
    ("integrationresponses", "responses"),
    ("integrationhttpmethod", "httpMethod"),
    ("timeout", "timeoutInMillis"),
    ("requesttemplate", "requestTemplates"),
    ("responsetemplate", "responseTemplates"),
];

/// The known key `key` was probably meant as, if any.
fn did_you_mean(key: &str, known: &[&'static str]) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase();
    if let Some(k) = known.iter().find(|k| k.eq_ignore_ascii_case(key)) {
        return Some(k);
    }
    if let Some((_, k)) = INTEGRATION_ALIASES
        .iter()
        .find(|(a, k)| *a == lower && known.contains(k))
    {
        return Some(k);
    }
    known
        .iter()
        .map(|k| (edit_distance(&lower, &k.to_ascii_lowercase()), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
        .map(|(_, k)| k)
}

/// Levenshtein distance (short keys only: longer ones are not compared).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() > 64 || b.len() > 64 {
        return usize::MAX;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

impl Walker<'_> {
    fn document(&mut self, doc: &Doc, kind: DocKind) {
        let root = doc.untag();
        match kind {
            DocKind::OpenApi => self.openapi(root, ""),
            DocKind::CloudFormation => self.cfn_resources(root, ""),
            DocKind::Serverless => self.serverless(root),
            DocKind::TemplateFile => {}
        }
    }

    fn cfn_resources(&mut self, root: &Doc, prefix: &str) {
        for (name, res) in root.get("Resources").map(Doc::entries).unwrap_or_default() {
            self.cfn_resource(prefix, name, res.untag());
        }
    }

    /// Keys of `map` not in `known`: a finding each, with a suggestion.
    fn unknown_keys(&mut self, map: &Doc, known: &[&'static str], what: &str) {
        let Doc::Map(entries) = map.untag() else {
            return;
        };
        for (k, _) in entries {
            if known.contains(&k.name.as_str()) || k.name == "<<" || k.name.starts_with("x-") {
                continue;
            }
            let hint = match did_you_mean(&k.name, known) {
                Some(m) => format!("; did you mean '{m}'?"),
                None if k.name.contains('/') && known.contains(&"responseTemplates") => {
                    "; a content type: did you mean to put it under 'responseTemplates'?".into()
                }
                None if k.name.contains('/') && known.contains(&"requestTemplates") => {
                    "; a content type: did you mean to put it under 'requestTemplates'?".into()
                }
                None => format!("; the keys are {}", known.join(", ")),
            };
            self.findings.push(DocFinding {
                rule: "unknown-integration-key",
                range: k.at..k.at + key_len(self.text, k),
                message: format!(
                    "'{}' is not a key of {what}: API Gateway ignores it{hint}",
                    k.name
                ),
            });
        }
    }

    fn openapi(&mut self, root: &Doc, prefix: &str) {
        for (path, item) in root.get("paths").map(Doc::entries).unwrap_or_default() {
            for (method, op) in item.entries() {
                let Some(integ) = op.get("x-amazon-apigateway-integration") else {
                    continue;
                };
                self.unknown_keys(integ, INTEGRATION_KEYS, "x-amazon-apigateway-integration");
                let info = Integration::of_openapi(self, integ);
                let base = format!("{prefix}paths.{path}.{method}.x-amazon-apigateway-integration");
                for (ct, t) in integ
                    .get("requestTemplates")
                    .map(Doc::entries)
                    .unwrap_or_default()
                {
                    let loc = format!("{base}.requestTemplates.{ct}");
                    self.template_for(t, TemplateKind::Request, ct, loc, Some(&info));
                }
                for (status, resp) in integ.get("responses").map(Doc::entries).unwrap_or_default() {
                    self.unknown_keys(
                        resp,
                        INTEGRATION_RESPONSE_KEYS,
                        "an x-amazon-apigateway-integration response",
                    );
                    for (ct, t) in resp
                        .get("responseTemplates")
                        .map(Doc::entries)
                        .unwrap_or_default()
                    {
                        let loc = format!("{base}.responses.{status}.responseTemplates.{ct}");
                        self.template_for(t, TemplateKind::Response, ct, loc, Some(&info));
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

    fn cfn_resource(&mut self, prefix: &str, name: &str, res: &Doc) {
        let Some(ty) = res.get("Type").and_then(Doc::str) else {
            return;
        };
        let Some(props) = res.get("Properties") else {
            return;
        };
        let base = format!("{prefix}Resources.{name}.Properties");
        match ty {
            "AWS::ApiGateway::Method" => {
                let Some(integ) = props.get("Integration") else {
                    return;
                };
                let info = Integration::of_cfn(self, integ);
                for (ct, t) in integ
                    .get("RequestTemplates")
                    .map(Doc::entries)
                    .unwrap_or_default()
                {
                    let loc = format!("{base}.Integration.RequestTemplates.{ct}");
                    self.template_for(t, TemplateKind::Request, ct, loc, Some(&info));
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
                            self.template_for(t, TemplateKind::Response, ct, loc, Some(&info));
                        }
                    }
                }
            }
            "AWS::ApiGatewayV2::Integration" => {
                let info = Integration::of_cfn(self, props);
                for (key, t) in props
                    .get("RequestTemplates")
                    .map(Doc::entries)
                    .unwrap_or_default()
                {
                    let loc = format!("{base}.RequestTemplates.{key}");
                    self.template_for(t, TemplateKind::Request, key, loc, Some(&info));
                }
            }
            "AWS::ApiGatewayV2::IntegrationResponse" => {
                for (key, t) in props
                    .get("ResponseTemplates")
                    .map(Doc::entries)
                    .unwrap_or_default()
                {
                    let loc = format!("{base}.ResponseTemplates.{key}");
                    self.template(t, TemplateKind::Response, key, loc);
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
                for (kind, resp) in props
                    .get("GatewayResponses")
                    .map(Doc::entries)
                    .unwrap_or_default()
                {
                    for (ct, t) in resp
                        .get("ResponseTemplates")
                        .map(Doc::entries)
                        .unwrap_or_default()
                    {
                        let loc = format!("{base}.GatewayResponses.{kind}.ResponseTemplates.{ct}");
                        self.template(t, TemplateKind::GatewayResponse, ct, loc);
                    }
                }
            }
            t if t.starts_with("AWS::AppSync::") || t == "AWS::Serverless::GraphQLApi" => {
                self.appsync_paths(props, 0);
            }
            _ => {}
        }
    }

    /// The `.vtl` files an AppSync resource names (mapping template locations).
    fn appsync_paths(&mut self, d: &Doc, depth: usize) {
        if depth > 16 {
            return;
        }
        match d.untag() {
            Doc::Str(s) => {
                let v = s.value.trim();
                if v.to_ascii_lowercase().ends_with(".vtl") && !v.starts_with("s3://") {
                    self.appsync.push(v.to_string());
                }
            }
            Doc::Map(entries) => {
                for (_, v) in entries {
                    self.appsync_paths(v, depth + 1);
                }
            }
            Doc::Seq(items) => {
                for i in items {
                    self.appsync_paths(i, depth + 1);
                }
            }
            Doc::Tagged(..) | Doc::Other => {}
        }
    }

    /// A Serverless Framework service: `functions.*.events[].http` request and
    /// response templates, and CloudFormation resources under `resources`.
    fn serverless(&mut self, root: &Doc) {
        for (fname, func) in root.get("functions").map(Doc::entries).unwrap_or_default() {
            let Some(Doc::Seq(events)) = func.get("events").map(Doc::untag) else {
                continue;
            };
            for (i, ev) in events.iter().enumerate() {
                let Some(http) = ev.get("http") else {
                    continue;
                };
                let base = format!("functions.{fname}.events[{i}].http");
                let info = Integration {
                    kind: http.get("integration").and_then(Doc::str).map(|k| {
                        match k.to_ascii_lowercase().as_str() {
                            "lambda" => "AWS".to_string(),
                            "lambda-proxy" | "aws_proxy" => "AWS_PROXY".to_string(),
                            other => other.to_ascii_uppercase(),
                        }
                    }),
                    service: Some("lambda".into()),
                    ..Integration::default()
                };
                if let Some(req) = http.get("request") {
                    for (ct, t) in req.get("template").map(Doc::entries).unwrap_or_default() {
                        let loc = format!("{base}.request.template.{ct}");
                        self.template_for(t, TemplateKind::Request, ct, loc, Some(&info));
                    }
                }
                if let Some(resp) = http.get("response") {
                    self.serverless_response(resp, &format!("{base}.response"));
                    for (code, sc) in resp
                        .get("statusCodes")
                        .map(Doc::entries)
                        .unwrap_or_default()
                    {
                        self.serverless_response(
                            sc,
                            &format!("{base}.response.statusCodes.{code}"),
                        );
                    }
                }
            }
        }
        if let Some(res) = root.get("resources") {
            self.cfn_resources(res.untag(), "resources.");
        }
    }

    /// `template:` of a Serverless Framework response: one template (for
    /// `application/json`) or one per content type.
    fn serverless_response(&mut self, resp: &Doc, base: &str) {
        let Some(t) = resp.get("template") else {
            return;
        };
        match t.untag() {
            Doc::Map(_) if intrinsic(t).0.is_none() => {
                for (ct, v) in t.entries() {
                    self.template(
                        v,
                        TemplateKind::Response,
                        ct,
                        format!("{base}.template.{ct}"),
                    );
                }
            }
            _ => self.template(
                t,
                TemplateKind::Response,
                "application/json",
                format!("{base}.template"),
            ),
        }
    }

    fn template(&mut self, value: &Doc, kind: TemplateKind, ct: &str, location: String) {
        self.template_for(value, kind, ct, location, None);
    }

    /// A template value: a string, `Fn::Sub` / `!Sub` of a string (or of
    /// `[string, vars]`), `Fn::Join` / `!Join` of strings; anything else is skipped.
    fn template_for(
        &mut self,
        value: &Doc,
        kind: TemplateKind,
        ct: &str,
        location: String,
        integration: Option<&Integration>,
    ) {
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
            integration: integration.cloned(),
        });
    }

    /// A string value (through `Fn::Sub` and `Fn::Join`), as text.
    fn string_of(&self, value: &Doc) -> Option<String> {
        self.template_text(value).map(|(s, _, _)| s)
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

/// The length in the file of the key `k` as written (quotes included).
fn key_len(text: &str, k: &Key) -> usize {
    match text.as_bytes().get(k.at) {
        Some(b'"') => {
            json::decode(text, k.at, None).map_or(k.name.len() + 2, |(_, end)| end - k.at)
        }
        Some(b'\'') => k.name.len() + 2,
        _ => k.name.len(),
    }
}

impl Integration {
    /// From an `x-amazon-apigateway-integration` object.
    fn of_openapi(w: &Walker, integ: &Doc) -> Integration {
        let mut i = Integration {
            kind: integ
                .get("type")
                .and_then(Doc::str)
                .map(str::to_ascii_uppercase),
            ..Integration::default()
        };
        if let Some(uri) = integ.get("uri").and_then(|u| w.string_of(u)) {
            i.set_uri(&uri);
        }
        i.content_type = request_content_type(integ.get("requestParameters"));
        i
    }

    /// From a CloudFormation `Integration` property or an `AWS::ApiGatewayV2::Integration`.
    fn of_cfn(w: &Walker, integ: &Doc) -> Integration {
        let mut i = Integration {
            kind: integ
                .get("Type")
                .or_else(|| integ.get("IntegrationType"))
                .and_then(Doc::str)
                .map(str::to_ascii_uppercase),
            ..Integration::default()
        };
        if let Some(uri) = integ
            .get("Uri")
            .or_else(|| integ.get("IntegrationUri"))
            .and_then(|u| w.string_of(u))
        {
            i.set_uri(&uri);
        }
        if let Some((svc, action)) = integ
            .get("IntegrationSubtype")
            .and_then(Doc::str)
            .and_then(|s| s.split_once('-'))
        {
            i.service = Some(svc.to_ascii_lowercase());
            i.action = Some(action.to_string());
        }
        i.content_type = request_content_type(integ.get("RequestParameters"));
        i
    }

    /// `arn:aws:apigateway:REGION:SERVICE:action/ACTION` or `…:SERVICE:path/…`.
    fn set_uri(&mut self, uri: &str) {
        let parts: Vec<&str> = uri.split(':').collect();
        let Some(at) = parts
            .iter()
            .position(|p| p.starts_with("action/") || p.starts_with("path/"))
        else {
            return;
        };
        if !uri.contains("apigateway") {
            return;
        }
        self.service = at
            .checked_sub(1)
            .and_then(|i| parts.get(i))
            .map(|s| s.to_ascii_lowercase());
        if let Some(a) = parts.get(at).and_then(|p| p.strip_prefix("action/")) {
            let a = a.split(['?', '&', '/']).next().unwrap_or(a);
            self.action = Some(a.to_string());
        }
    }
}

/// The constant `'…'` an integration maps to its request's `Content-Type` header.
fn request_content_type(params: Option<&Doc>) -> Option<String> {
    params?.entries().into_iter().find_map(|(k, v)| {
        if !k.eq_ignore_ascii_case("integration.request.header.Content-Type") {
            return None;
        }
        let v = v.str()?.trim();
        let inner = v.strip_prefix('\'')?.strip_suffix('\'')?;
        Some(inner.to_ascii_lowercase())
    })
}

/// The intrinsic function a value is (`Fn::Sub: x` or `!Sub x` → `("Sub", x)`).
fn intrinsic(value: &Doc) -> (Option<&str>, &Doc) {
    match value {
        Doc::Tagged(tag, inner) => (Some(tag.as_str()), inner),
        Doc::Map(entries) => match entries.as_slice() {
            [(k, v)] if k.name.starts_with("Fn::") || k.name == "Ref" => {
                (Some(k.name.strip_prefix("Fn::").unwrap_or(&k.name)), v)
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
