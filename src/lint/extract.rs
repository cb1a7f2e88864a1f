//! Files and documents → embedded templates, each with a map from template
//! offsets to the bytes of the file they came from.
//!
//! - `.vtl`, `.vm`: the whole file is a template.
//! - `.json`, `.yaml`, `.yml`, `.template`: an OpenAPI 3 / Swagger 2 document
//!   (`x-amazon-apigateway-integration.requestTemplates.*`,
//!   `…responses.*.responseTemplates.*`, `x-amazon-apigateway-gateway-responses.*.responseTemplates.*`)
//!   or a CloudFormation / SAM template (`AWS::ApiGateway::Method`
//!   `Integration.RequestTemplates` and `IntegrationResponses[].ResponseTemplates`,
//!   `AWS::ApiGateway::GatewayResponse` `ResponseTemplates`, and inline OpenAPI
//!   under `AWS::ApiGateway::RestApi` `Body` / `AWS::Serverless::Api`
//!   `DefinitionBody`). YAML short-form tags (`!Sub`, `!Ref`, …) are accepted.
//!
//! A template written as `Fn::Sub` / `!Sub` goes through CloudFormation first:
//! each `${Name}` placeholder is replaced by its name (`${AWS::Region}` →
//! `AWS::Region`, mapped to the whole placeholder), and `${!Literal}` becomes
//! `${Literal}`, as CloudFormation writes it.
//!
//! Positions map through JSON string escapes, YAML quoted-scalar escapes and
//! folding, and the indentation of YAML block scalars.

use std::path::{Path, PathBuf};

use super::{Embedded, Escaping, OffsetMap, Segment, TemplateKind};

/// A document that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ExtractError {
    pub message: String,
    /// Byte offset in the file.
    pub offset: usize,
}

/// How deep documents may nest.
pub const MAX_DEPTH: usize = 128;

/// A string value of a document, with where each of its bytes came from.
#[derive(Debug, Clone)]
struct Scalar {
    value: String,
    /// Per piece of the value: (value range, file range).
    pieces: Vec<(usize, usize, usize, usize)>,
    escaping: Escaping,
}

impl Scalar {
    fn file_offset(&self, value_offset: usize) -> usize {
        self.map().file_offset(value_offset)
    }

    fn map(&self) -> OffsetMap {
        compress(&self.pieces)
    }
}

/// Merges per-character pieces `(t_start, t_len, f_start, f_len)` into segments.
fn compress(pieces: &[(usize, usize, usize, usize)]) -> OffsetMap {
    let mut out: Vec<Segment> = Vec::new();
    for &(t, tl, f, fl) in pieces {
        if let Some(last) = out.last_mut() {
            let exact_last = last.template.len() == last.file.len();
            if tl == fl && exact_last && last.template.end == t && last.file.end == f {
                last.template.end = t + tl;
                last.file.end = f + fl;
                continue;
            }
        }
        out.push(Segment {
            template: t..t + tl,
            file: f..f + fl,
        });
    }
    OffsetMap::new(out)
}

#[derive(Debug, Clone)]
enum Doc {
    Map(Vec<(String, Doc)>),
    Seq(Vec<Doc>),
    Str(Scalar),
    /// A YAML tag (`!Sub` → `Sub`) on a node.
    Tagged(String, Box<Doc>),
    Other,
}

impl Doc {
    fn get(&self, key: &str) -> Option<&Doc> {
        match self {
            Doc::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn str(&self) -> Option<&str> {
        match self {
            Doc::Str(s) => Some(&s.value),
            _ => None,
        }
    }
}

/// Templates in `text`, the content of `path`.
pub fn extract(path: &Path, text: &str) -> Result<Vec<Embedded>, ExtractError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "vtl" | "vm" => Ok(vec![Embedded {
            source: text.to_string(),
            kind: TemplateKind::File,
            content_type: None,
            location: String::new(),
            map: OffsetMap::contiguous(0, text.len()),
            escaping: Escaping::Raw,
        }]),
        "json" => templates(&parse_json(text)?),
        "yaml" | "yml" => templates(&parse_yaml(text)?),
        "template" => {
            if text.trim_start().starts_with('{') {
                templates(&parse_json(text)?)
            } else {
                templates(&parse_yaml(text)?)
            }
        }
        _ => Ok(Vec::new()),
    }
}

/// The files to lint under `paths`: files as given; directories walked
/// recursively, respecting `.gitignore`, keeping template and document files.
pub fn collect_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            for entry in ignore::WalkBuilder::new(p)
                .sort_by_file_name(|a, b| a.cmp(b))
                .build()
            {
                let entry = entry.map_err(|e| e.to_string())?;
                let path = entry.path();
                if path.is_file() && is_lintable(path) {
                    out.push(path.to_path_buf());
                }
            }
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(format!("{}: no such file or directory", p.display()));
        }
    }
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

fn templates(doc: &Doc) -> Result<Vec<Embedded>, ExtractError> {
    let mut out = Vec::new();
    let root = untag(doc);
    if root.get("openapi").is_some() || root.get("swagger").is_some() || root.get("paths").is_some()
    {
        openapi(root, "", &mut out);
    }
    if let Some(Doc::Map(resources)) = root.get("Resources").map(untag) {
        for (name, res) in resources {
            cfn_resource(name, untag(res), &mut out);
        }
    }
    Ok(out)
}

fn untag(d: &Doc) -> &Doc {
    match d {
        Doc::Tagged(_, inner) => untag(inner),
        other => other,
    }
}

fn entries(d: &Doc) -> &[(String, Doc)] {
    match untag(d) {
        Doc::Map(e) => e,
        _ => &[],
    }
}

fn openapi(root: &Doc, prefix: &str, out: &mut Vec<Embedded>) {
    for (path, item) in root.get("paths").map(entries).unwrap_or(&[]) {
        for (method, op) in entries(item) {
            let Some(integ) = untag(op).get("x-amazon-apigateway-integration") else {
                continue;
            };
            let base = format!("{prefix}paths.{path}.{method}.x-amazon-apigateway-integration");
            for (ct, t) in untag(integ)
                .get("requestTemplates")
                .map(entries)
                .unwrap_or(&[])
            {
                push_template(
                    t,
                    TemplateKind::Request,
                    ct,
                    format!("{base}.requestTemplates.{ct}"),
                    out,
                );
            }
            for (status, resp) in untag(integ).get("responses").map(entries).unwrap_or(&[]) {
                for (ct, t) in untag(resp)
                    .get("responseTemplates")
                    .map(entries)
                    .unwrap_or(&[])
                {
                    push_template(
                        t,
                        TemplateKind::Response,
                        ct,
                        format!("{base}.responses.{status}.responseTemplates.{ct}"),
                        out,
                    );
                }
            }
        }
    }
    for (kind, resp) in root
        .get("x-amazon-apigateway-gateway-responses")
        .map(entries)
        .unwrap_or(&[])
    {
        for (ct, t) in untag(resp)
            .get("responseTemplates")
            .map(entries)
            .unwrap_or(&[])
        {
            push_template(
                t,
                TemplateKind::GatewayResponse,
                ct,
                format!(
                    "{prefix}x-amazon-apigateway-gateway-responses.{kind}.responseTemplates.{ct}"
                ),
                out,
            );
        }
    }
}

fn cfn_resource(name: &str, res: &Doc, out: &mut Vec<Embedded>) {
    let Some(ty) = res.get("Type").and_then(|t| untag(t).str()) else {
        return;
    };
    let Some(props) = res.get("Properties").map(untag) else {
        return;
    };
    let base = format!("Resources.{name}.Properties");
    match ty {
        "AWS::ApiGateway::Method" => {
            let Some(integ) = props.get("Integration").map(untag) else {
                return;
            };
            for (ct, t) in integ.get("RequestTemplates").map(entries).unwrap_or(&[]) {
                push_template(
                    t,
                    TemplateKind::Request,
                    ct,
                    format!("{base}.Integration.RequestTemplates.{ct}"),
                    out,
                );
            }
            if let Some(Doc::Seq(responses)) = integ.get("IntegrationResponses").map(untag) {
                for (i, r) in responses.iter().enumerate() {
                    for (ct, t) in untag(r)
                        .get("ResponseTemplates")
                        .map(entries)
                        .unwrap_or(&[])
                    {
                        push_template(
                            t,
                            TemplateKind::Response,
                            ct,
                            format!("{base}.Integration.IntegrationResponses[{i}].ResponseTemplates.{ct}"),
                            out,
                        );
                    }
                }
            }
        }
        "AWS::ApiGateway::GatewayResponse" => {
            for (ct, t) in props.get("ResponseTemplates").map(entries).unwrap_or(&[]) {
                push_template(
                    t,
                    TemplateKind::GatewayResponse,
                    ct,
                    format!("{base}.ResponseTemplates.{ct}"),
                    out,
                );
            }
        }
        "AWS::ApiGateway::RestApi" => {
            if let Some(body) = props.get("Body") {
                openapi(untag(body), &format!("{base}.Body."), out);
            }
        }
        "AWS::Serverless::Api" => {
            if let Some(body) = props.get("DefinitionBody") {
                openapi(untag(body), &format!("{base}.DefinitionBody."), out);
            }
        }
        _ => {}
    }
}

/// A template value: a string, `!Sub` / `Fn::Sub` of a string (or of `[string, vars]`).
fn push_template(
    value: &Doc,
    kind: TemplateKind,
    ct: &str,
    location: String,
    out: &mut Vec<Embedded>,
) {
    let (scalar, sub) = match value {
        Doc::Str(s) => (s, false),
        Doc::Tagged(tag, inner) if tag == "Sub" => match untag(inner) {
            Doc::Str(s) => (s, true),
            Doc::Seq(items) => match items.first().map(untag) {
                Some(Doc::Str(s)) => (s, true),
                _ => return,
            },
            _ => return,
        },
        Doc::Map(e) if e.len() == 1 && e.first().is_some_and(|(k, _)| k == "Fn::Sub") => {
            match e.first().map(|(_, v)| untag(v)) {
                Some(Doc::Str(s)) => (s, true),
                Some(Doc::Seq(items)) => match items.first().map(untag) {
                    Some(Doc::Str(s)) => (s, true),
                    _ => return,
                },
                _ => return,
            }
        }
        _ => return,
    };
    let (source, map) = if sub {
        substitute(scalar)
    } else {
        (scalar.value.clone(), scalar.map())
    };
    out.push(Embedded {
        source,
        kind,
        content_type: Some(ct.to_string()),
        location,
        map,
        escaping: scalar.escaping,
    });
}

/// CloudFormation's `Fn::Sub` on a template: `${Name}` → `Name`, `${!X}` → `${X}`.
fn substitute(s: &Scalar) -> (String, OffsetMap) {
    let v = &s.value;
    let mut out = String::with_capacity(v.len());
    let mut pieces = Vec::new();
    let mut i = 0;
    while i < v.len() {
        let rest = v.get(i..).unwrap_or("");
        if rest.starts_with("${") {
            if let Some(close) = rest.find('}') {
                let inner = rest.get(2..close).unwrap_or("");
                let f_start = s.file_offset(i);
                let f_end = s.file_offset(i + close) + 1;
                if let Some(lit) = inner.strip_prefix('!') {
                    // `${!Literal}` → `${Literal}`: each part maps exactly.
                    let t = out.len();
                    out.push_str("${");
                    pieces.push((t, 2, s.file_offset(i), 2));
                    let t = out.len();
                    out.push_str(lit);
                    pieces.push((t, lit.len(), s.file_offset(i + 3), lit.len()));
                    let t = out.len();
                    out.push('}');
                    pieces.push((t, 1, s.file_offset(i + close), 1));
                } else {
                    let t = out.len();
                    out.push_str(inner);
                    pieces.push((t, inner.len().max(1), f_start, f_end - f_start));
                }
                i += close + 1;
                continue;
            }
        }
        let Some(c) = rest.chars().next() else {
            break;
        };
        let t = out.len();
        out.push(c);
        let n = c.len_utf8();
        let f = s.file_offset(i);
        let f_next = if i + n < v.len() {
            s.file_offset(i + n)
        } else {
            f + n
        };
        pieces.push((t, n, f, f_next.saturating_sub(f).max(1)));
        i += n;
    }
    (out, compress(&pieces))
}

// ---------------------------------------------------------------------------
// JSON with positions

fn parse_json(text: &str) -> Result<Doc, ExtractError> {
    let mut p = JsonParser { text, pos: 0 };
    p.ws();
    let doc = p.value(0)?;
    Ok(doc)
}

struct JsonParser<'a> {
    text: &'a str,
    pos: usize,
}

impl JsonParser<'_> {
    fn err(&self, message: impl Into<String>) -> ExtractError {
        ExtractError {
            message: message.into(),
            offset: self.pos,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Doc, ExtractError> {
        if depth > MAX_DEPTH {
            return Err(self.err(format!("JSON nested deeper than {MAX_DEPTH} levels")));
        }
        match self.peek() {
            Some(b'{') => {
                self.pos += 1;
                let mut entries = Vec::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.pos += 1;
                    return Ok(Doc::Map(entries));
                }
                loop {
                    self.ws();
                    if self.peek() != Some(b'"') {
                        return Err(self.err("expected a string key"));
                    }
                    let key = self.string()?.value;
                    self.ws();
                    if self.peek() != Some(b':') {
                        return Err(self.err("expected ':'"));
                    }
                    self.pos += 1;
                    self.ws();
                    let v = self.value(depth + 1)?;
                    entries.push((key, v));
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            return Ok(Doc::Map(entries));
                        }
                        _ => return Err(self.err("expected ',' or '}'")),
                    }
                }
            }
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.pos += 1;
                    return Ok(Doc::Seq(items));
                }
                loop {
                    self.ws();
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(Doc::Seq(items));
                        }
                        _ => return Err(self.err("expected ',' or ']'")),
                    }
                }
            }
            Some(b'"') => Ok(Doc::Str(self.string()?)),
            Some(_) => {
                let start = self.pos;
                while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'+' | b'.'))
                {
                    self.pos += 1;
                }
                if self.pos == start {
                    return Err(self.err("expected a JSON value"));
                }
                Ok(Doc::Other)
            }
            None => Err(self.err("unexpected end of the document")),
        }
    }

    /// A string token, decoded, with each character's file bytes.
    fn string(&mut self) -> Result<Scalar, ExtractError> {
        self.pos += 1;
        let mut value = String::new();
        let mut pieces = Vec::new();
        loop {
            let start = self.pos;
            let rest = self.text.get(start..).unwrap_or("");
            let Some(c) = rest.chars().next() else {
                return Err(self.err("unterminated string"));
            };
            match c {
                '"' => {
                    self.pos += 1;
                    return Ok(Scalar {
                        value,
                        pieces,
                        escaping: Escaping::JsonString,
                    });
                }
                '\\' => {
                    let e = rest.get(1..2).unwrap_or("");
                    let (decoded, used): (String, usize) = match e {
                        "n" => ("\n".into(), 2),
                        "t" => ("\t".into(), 2),
                        "r" => ("\r".into(), 2),
                        "b" => ("\u{8}".into(), 2),
                        "f" => ("\u{c}".into(), 2),
                        "\"" | "\\" | "/" => (e.to_string(), 2),
                        "u" => {
                            let hex = |s: &str| u32::from_str_radix(s, 16).ok();
                            let Some(u) = rest.get(2..6).and_then(hex) else {
                                return Err(self.err("bad \\u escape"));
                            };
                            if (0xD800..0xDC00).contains(&u) && rest.get(6..8) == Some("\\u") {
                                let low = rest.get(8..12).and_then(hex).unwrap_or(0);
                                let c = 0x10000
                                    + ((u - 0xD800) << 10)
                                    + (low.wrapping_sub(0xDC00) & 0x3FF);
                                (char::from_u32(c).unwrap_or('\u{FFFD}').to_string(), 12)
                            } else {
                                (char::from_u32(u).unwrap_or('\u{FFFD}').to_string(), 6)
                            }
                        }
                        _ => return Err(self.err("bad escape")),
                    };
                    let t = value.len();
                    value.push_str(&decoded);
                    pieces.push((t, decoded.len(), start, used));
                    self.pos += used;
                }
                c => {
                    let t = value.len();
                    value.push(c);
                    pieces.push((t, c.len_utf8(), start, c.len_utf8()));
                    self.pos += c.len_utf8();
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// YAML with positions

struct Events {
    events: Vec<(yaml_rust2::Event, usize)>,
}

impl yaml_rust2::parser::MarkedEventReceiver for Events {
    fn on_event(&mut self, ev: yaml_rust2::Event, mark: yaml_rust2::scanner::Marker) {
        if self.events.len() < 2_000_000 {
            self.events.push((ev, mark.index()));
        }
    }
}

fn parse_yaml(text: &str) -> Result<Doc, ExtractError> {
    let mut rx = Events { events: Vec::new() };
    let mut parser = yaml_rust2::parser::Parser::new_from_str(text);
    // Char index → byte offset.
    let char_to_byte: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect();
    let byte_of = |ci: usize| char_to_byte.get(ci).copied().unwrap_or(text.len());
    if let Err(e) = parser.load(&mut rx, false) {
        return Err(ExtractError {
            message: format!("YAML: {}", e.info()),
            offset: byte_of(e.marker().index()),
        });
    }
    let mut i = 0;
    // Skip to the first document's root node.
    while let Some((ev, _)) = rx.events.get(i) {
        if matches!(
            ev,
            yaml_rust2::Event::Scalar(..)
                | yaml_rust2::Event::MappingStart(..)
                | yaml_rust2::Event::SequenceStart(..)
        ) {
            break;
        }
        i += 1;
    }
    if i >= rx.events.len() {
        return Ok(Doc::Other);
    }
    yaml_node(text, &rx.events, &mut i, &byte_of, 0)
}

fn tag_name(tag: &Option<yaml_rust2::parser::Tag>) -> Option<String> {
    let t = tag.as_ref()?;
    if t.handle == "!" {
        Some(t.suffix.clone())
    } else {
        None
    }
}

fn yaml_node(
    text: &str,
    events: &[(yaml_rust2::Event, usize)],
    i: &mut usize,
    byte_of: &dyn Fn(usize) -> usize,
    depth: usize,
) -> Result<Doc, ExtractError> {
    use yaml_rust2::Event;
    let Some((ev, mark)) = events.get(*i) else {
        return Ok(Doc::Other);
    };
    let at = byte_of(*mark);
    if depth > MAX_DEPTH {
        return Err(ExtractError {
            message: format!("YAML nested deeper than {MAX_DEPTH} levels"),
            offset: at,
        });
    }
    *i += 1;
    let (doc, tag) = match ev {
        Event::Scalar(value, style, _, tag) => (
            Doc::Str(yaml_scalar(text, at, value, *style)),
            tag_name(tag),
        ),
        Event::SequenceStart(_, tag) => {
            let mut items = Vec::new();
            while let Some((ev, _)) = events.get(*i) {
                if matches!(ev, Event::SequenceEnd) {
                    *i += 1;
                    break;
                }
                items.push(yaml_node(text, events, i, byte_of, depth + 1)?);
            }
            (Doc::Seq(items), tag_name(tag))
        }
        Event::MappingStart(_, tag) => {
            let mut entries = Vec::new();
            while let Some((ev, _)) = events.get(*i) {
                if matches!(ev, Event::MappingEnd) {
                    *i += 1;
                    break;
                }
                let key = match yaml_node(text, events, i, byte_of, depth + 1)? {
                    Doc::Str(s) => s.value,
                    _ => String::new(),
                };
                let value = yaml_node(text, events, i, byte_of, depth + 1)?;
                entries.push((key, value));
            }
            (Doc::Map(entries), tag_name(tag))
        }
        _ => (Doc::Other, None),
    };
    Ok(match tag {
        Some(t) => Doc::Tagged(t, Box::new(doc)),
        None => doc,
    })
}

/// Maps a YAML scalar's value back onto the file, starting at its token (`at`).
fn yaml_scalar(
    text: &str,
    at: usize,
    value: &str,
    style: yaml_rust2::scanner::TScalarStyle,
) -> Scalar {
    use yaml_rust2::scanner::TScalarStyle as S;
    let (escaping, body_start) = match style {
        S::DoubleQuoted => (Escaping::YamlDouble, at + 1),
        S::SingleQuoted => (Escaping::YamlSingle, at + 1),
        // For block scalars the mark is already at the first content character.
        _ => (Escaping::Raw, at),
    };
    let pieces = if style == S::DoubleQuoted {
        align_double_quoted(text, body_start, value)
    } else {
        align(text, body_start, value)
    };
    Scalar {
        value: value.to_string(),
        pieces,
        escaping,
    }
}

/// Walks the value and the file together: equal characters map one to one;
/// file characters the value does not have (indentation, a doubled quote, the
/// second char of a line break) are skipped; a value character with no match
/// (a folded line break) maps to the current file position.
fn align(text: &str, start: usize, value: &str) -> Vec<(usize, usize, usize, usize)> {
    let mut pieces = Vec::with_capacity(value.len());
    let mut f = start;
    for (t, c) in value.char_indices() {
        let n = c.len_utf8();
        // Skip file characters until this one, over a short stretch of layout only.
        let mut g = f;
        let mut found = None;
        while let Some(fc) = text.get(g..).and_then(|r| r.chars().next()) {
            if fc == c {
                found = Some(g);
                break;
            }
            if !(fc == ' ' || fc == '\t' || fc == '\n' || fc == '\r' || fc == '\'' || fc == '#')
                || g - f > 256
            {
                break;
            }
            g += fc.len_utf8();
        }
        match found {
            Some(g) => {
                pieces.push((t, n, g, n));
                f = g + n;
            }
            None => {
                // A line break folded into a space, or the like: stand on the current byte.
                let fl = text
                    .get(f..)
                    .and_then(|r| r.chars().next())
                    .map_or(1, char::len_utf8);
                pieces.push((t, n, f, fl));
                f += fl;
            }
        }
    }
    pieces
}

/// Like [`align`], decoding a double-quoted scalar's escapes.
fn align_double_quoted(text: &str, start: usize, value: &str) -> Vec<(usize, usize, usize, usize)> {
    let mut pieces = Vec::with_capacity(value.len());
    let mut f = start;
    let mut chars = value.char_indices().peekable();
    while let Some((t, c)) = chars.next() {
        let n = c.len_utf8();
        let rest = text.get(f..).unwrap_or("");
        if rest.starts_with('\\') {
            let used = match rest.get(1..2) {
                Some("x") => 4,
                Some("u") => 6,
                Some("U") => 10,
                Some("\n") => {
                    // An escaped line break: skip it and the next line's indentation.
                    let mut g = f + 2;
                    while matches!(text.as_bytes().get(g), Some(b' ' | b'\t')) {
                        g += 1;
                    }
                    f = g;
                    let rest2 = text.get(f..).unwrap_or("");
                    let len = if rest2.starts_with(c) { n } else { 1 };
                    pieces.push((t, n, f, len));
                    f += len;
                    continue;
                }
                _ => 2,
            };
            pieces.push((t, n, f, used));
            f += used;
        } else if rest.starts_with(c) {
            pieces.push((t, n, f, n));
            f += n;
        } else {
            // Folding: a line break (and the next line's indentation) read as a space or newline.
            pieces.push((t, n, f, 1));
            let mut g = f;
            while matches!(text.as_bytes().get(g), Some(b'\n' | b'\r')) {
                g += 1;
            }
            while matches!(text.as_bytes().get(g), Some(b' ' | b'\t')) {
                g += 1;
            }
            f = g.max(f + 1);
        }
        let _ = chars.peek();
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::file_pos;

    /// The file text at the position the template offset of `needle` maps to.
    fn at(file: &str, t: &Embedded, needle: &str) -> String {
        let off = t.source.find(needle).expect("needle in template");
        let f = t.map.file_offset(off);
        file.get(f..)
            .unwrap_or("")
            .chars()
            .take(needle.chars().count())
            .collect()
    }

    #[test]
    fn vtl_file() {
        let text = "a $b\n";
        let t = extract(Path::new("x.vtl"), text).expect("extract");
        assert_eq!(t.len(), 1);
        assert_eq!(at(text, &t[0], "$b"), "$b");
    }

    #[test]
    fn openapi_json_maps_through_escapes() {
        let text = r#"{"openapi": "3.0.1", "paths": {"/x": {"post": {"x-amazon-apigateway-integration": {
  "requestTemplates": {"application/json": "{\n  \"a\": \"caf\u00e9 $input.path('$.a')\",\n  \"b\": $util.nope()\n}"},
  "responses": {"default": {"responseTemplates": {"application/json": "$input.json('$')"}}}}}}}}"#;
        let t = extract(Path::new("api.json"), text).expect("extract");
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].kind, TemplateKind::Request);
        assert_eq!(t[0].content_type.as_deref(), Some("application/json"));
        assert_eq!(
            t[0].location,
            "paths./x.post.x-amazon-apigateway-integration.requestTemplates.application/json"
        );
        assert!(t[0].source.contains("\"a\": \"café $input"));
        assert_eq!(at(text, &t[0], "$input.path"), "$input.path");
        assert_eq!(at(text, &t[0], "$util.nope"), "$util.nope");
        let pos = file_pos(
            text,
            t[0].map.file_offset(t[0].source.find("$util").unwrap_or(0)),
        );
        assert_eq!((pos.line, pos.column), (2, 101));
        assert_eq!(t[1].kind, TemplateKind::Response);
    }

    #[test]
    fn openapi_yaml_block_scalars() {
        let text = "openapi: 3.0.1\npaths:\n  /x:\n    post:\n      x-amazon-apigateway-integration:\n        requestTemplates:\n          application/json: |\n            {\n              \"a\": \"$input.path('$.a')\",\n              \"b\": $util.nope()\n            }\n          text/plain: >-\n            one $input.body\n            two $context.stage\n          application/xml: \"x\\n$input.json('$')\"\n";
        let t = extract(Path::new("api.yaml"), text).expect("extract");
        assert_eq!(t.len(), 3);
        assert_eq!(at(text, &t[0], "$util.nope"), "$util.nope");
        let pos = file_pos(
            text,
            t[0].map.file_offset(t[0].source.find("$util").unwrap_or(0)),
        );
        assert_eq!((pos.line, pos.column), (10, 20));
        assert_eq!(t[1].source, "one $input.body two $context.stage");
        assert_eq!(at(text, &t[1], "$context.stage"), "$context.stage");
        assert_eq!(t[2].source, "x\n$input.json('$')");
        assert_eq!(at(text, &t[2], "$input.json"), "$input.json");
    }

    #[test]
    fn sam_sub_placeholders() {
        let text = "Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      DefinitionBody:\n        openapi: 3.0.1\n        paths:\n          /x:\n            post:\n              x-amazon-apigateway-integration:\n                requestTemplates:\n                  application/json: !Sub |\n                    {\"arn\": \"arn:aws:states:${AWS::Region}:${AWS::AccountId}:x\", \"v\": \"${!stageVariables.env}\", \"b\": $input.json('$')}\n";
        let t = extract(Path::new("template.yaml"), text).expect("extract");
        assert_eq!(t.len(), 1);
        assert_eq!(
            t[0].source,
            "{\"arn\": \"arn:aws:states:AWS::Region:AWS::AccountId:x\", \"v\": \"${stageVariables.env}\", \"b\": $input.json('$')}\n"
        );
        assert_eq!(at(text, &t[0], "$input.json"), "$input.json");
        assert_eq!(
            at(text, &t[0], "stageVariables.env}"),
            "stageVariables.env}"
        );
        assert!(t[0]
            .location
            .starts_with("Resources.Api.Properties.DefinitionBody.paths./x.post"));
    }

    #[test]
    fn cloudformation_json() {
        let text = r#"{"Resources": {"M": {"Type": "AWS::ApiGateway::Method", "Properties": {"Integration": {
  "RequestTemplates": {"application/json": {"Fn::Sub": "{\"s\": \"${AWS::Region}\", \"i\": $input.json('$')}"}},
  "IntegrationResponses": [{"ResponseTemplates": {"application/json": "$input.path('$.x')"}}]}}},
  "G": {"Type": "AWS::ApiGateway::GatewayResponse", "Properties": {"ResponseTemplates": {"application/json": "{\"m\": $context.error.messageString}"}}}}}"#;
        let t = extract(Path::new("stack.json"), text).expect("extract");
        assert_eq!(t.len(), 3);
        assert_eq!(
            t[0].source,
            "{\"s\": \"AWS::Region\", \"i\": $input.json('$')}"
        );
        assert_eq!(at(text, &t[0], "$input.json"), "$input.json");
        assert_eq!(t[1].location, "Resources.M.Properties.Integration.IntegrationResponses[0].ResponseTemplates.application/json");
        assert_eq!(t[2].kind, TemplateKind::GatewayResponse);
    }

    #[test]
    fn bad_documents_are_errors_not_panics() {
        assert!(extract(Path::new("a.json"), "{\"a\": ").is_err());
        assert!(extract(Path::new("a.yaml"), "a: [\n").is_err());
        assert!(extract(Path::new("a.yaml"), "just: text")
            .expect("ok")
            .is_empty());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,200}") {
            let _ = extract(Path::new("a.json"), &s);
            let _ = extract(Path::new("a.yaml"), &s);
        }
    }
}
