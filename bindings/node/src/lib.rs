//! The native half of the `apigw-vtl` Node.js package: parse, render and lint
//! through the engine's public API. The JavaScript half (`index.js`) turns the
//! request into JSON text on the way in and errors into `Error` subclasses on
//! the way out; requests travel as JSON so that numbers keep their digits and
//! headers their order.

use std::path::PathBuf;

use apigw_vtl::runtime::{
    GatewayError, GatewayOptions, MappingTemplate as Engine, Overrides, Rendered, Request,
};
use apigw_vtl::{lint as vtl_lint, ParseError, RenderError, RenderErrorKind};
use napi::bindgen_prelude::{AsyncTask, Env};
use napi::{Error, Result, Status, Task};
use napi_derive::napi;
use serde_json::{json, Value};

/// An error for `index.js` to rethrow as its `Error` subclass: the message is
/// a JSON object with `apigwVtl` (the class) and the fields of that class.
fn coded(mut fields: Value) -> Error {
    if let Value::Object(map) = &mut fields {
        map.insert("apigwVtl".into(), Value::Bool(true));
    }
    Error::new(Status::GenericFailure, fields.to_string())
}

fn syntax_error(e: &ParseError) -> Error {
    coded(
        json!({"class": "TemplateSyntaxError", "message": e.message, "line": e.pos.line, "column": e.pos.column}),
    )
}

fn render_error(e: &RenderError) -> Error {
    let kind = match e.kind {
        RenderErrorKind::MethodFailed => "method-failed",
        RenderErrorKind::Unsupported => "unsupported",
        RenderErrorKind::Limit => "limit",
        RenderErrorKind::Invalid => "invalid",
        RenderErrorKind::Write => "write",
    };
    coded(
        json!({"class": "TemplateRenderError", "message": e.message, "line": e.pos.line, "column": e.pos.column, "kind": kind}),
    )
}

fn request_error(field: &str, message: &str) -> Error {
    coded(json!({"class": "InvalidRequestError", "field": field, "message": message}))
}

fn type_error(message: String) -> Error {
    coded(json!({"class": "TypeError", "message": message}))
}

fn gateway_error(e: GatewayError) -> Error {
    match e {
        GatewayError::Parse(p) => syntax_error(&p),
        GatewayError::Render(r) => render_error(&r),
        GatewayError::Event(ev) => request_error(&format!("event.{}", ev.field), &ev.message),
        e @ GatewayError::BodyTooLarge { .. } => request_error("body", &e.to_string()),
    }
}

/// The JSON kind of a value, for messages.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Host values → the engine's [`Request`]: the one place that knows its fields.
/// `event` is a proxy event's JSON text, read as the CLI reads `--event`;
/// `parts` is `{body, headers, query, pathParams, stageVariables, context}` as
/// JSON text, each part given replacing the event's.
// `.into()` keeps this independent of the string types `Request` uses.
#[allow(clippy::useless_conversion)]
fn to_request(event: Option<&str>, parts: Option<&str>) -> Result<Request> {
    let mut request = match event {
        None => Request::default(),
        Some(text) => Request::from_event_json(text)
            .map_err(|e| request_error(&format!("event.{}", e.field), &e.message))?,
    };
    let parts = match parts {
        None => return Ok(request),
        Some(text) => {
            serde_json::from_str::<Value>(text).map_err(|e| type_error(format!("request: {e}")))?
        }
    };
    let parts = match parts {
        Value::Null => return Ok(request),
        Value::Object(map) => map,
        other => {
            return Err(type_error(format!(
                "request: expected an object, got {}",
                kind(&other)
            )))
        }
    };
    match parts.get("body") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => request.body = Some(s.clone().into()),
        Some(v @ (Value::Object(_) | Value::Array(_))) => request.body = Some(v.to_string().into()),
        Some(other) => {
            return Err(type_error(format!(
                "body: expected a string, object or array, got {}",
                kind(other)
            )))
        }
    }
    for (name, target) in [
        ("headers", &mut request.headers),
        ("query", &mut request.query),
        ("pathParams", &mut request.path_params),
        ("stageVariables", &mut request.stage_variables),
    ] {
        match parts.get(name) {
            None | Some(Value::Null) => {}
            Some(Value::Object(map)) => {
                target.clear();
                for (k, v) in map {
                    let v = match v {
                        Value::String(s) => s.clone(),
                        Value::Null => String::new(),
                        other => {
                            return Err(type_error(format!(
                                "{name}[{k:?}]: expected a string, got {}",
                                kind(other)
                            )))
                        }
                    };
                    target.insert(k.clone().into(), v.into());
                }
            }
            Some(other) => {
                return Err(type_error(format!(
                    "{name}: expected an object, got {}",
                    kind(other)
                )))
            }
        }
    }
    match parts.get("context") {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => request.request_context = map.clone(),
        Some(other) => {
            return Err(type_error(format!(
                "context: expected an object (the event's requestContext), got {}",
                kind(other)
            )))
        }
    }
    Ok(request)
}

fn overrides_json(o: &Overrides) -> Value {
    json!({
        "requestHeader": o.request_header,
        "requestQuerystring": o.request_querystring,
        "requestPath": o.request_path,
        "responseHeader": o.response_header,
        "responseStatus": o.response_status,
    })
}

/// What a render produced: the body, and the `$context` overrides the template set.
#[napi(object)]
pub struct RenderOutput {
    pub body: String,
    pub overrides: Value,
}

fn output(r: Rendered) -> RenderOutput {
    RenderOutput {
        overrides: overrides_json(&r.overrides),
        body: r.body,
    }
}

/// A mapping template, parsed once; immutable.
#[napi]
pub struct NativeTemplate {
    inner: Engine,
}

#[napi]
impl NativeTemplate {
    #[napi(constructor)]
    pub fn new(source: String) -> Result<Self> {
        let inner = Engine::parse(&source).map_err(|e| syntax_error(&e))?;
        Ok(NativeTemplate { inner })
    }

    #[napi(getter)]
    pub fn source(&self) -> String {
        self.inner.template().source().to_string()
    }

    /// Renders on the calling thread; `event` and `parts` as [`to_request`] takes them.
    #[napi]
    pub fn render(&self, event: Option<String>, parts: Option<String>) -> Result<RenderOutput> {
        let request = to_request(event.as_deref(), parts.as_deref())?;
        self.inner
            .render(&request, &GatewayOptions::default())
            .map(output)
            .map_err(gateway_error)
    }

    /// Renders on the libuv thread pool.
    #[napi(ts_return_type = "Promise<RenderOutput>")]
    pub fn render_async(
        &self,
        event: Option<String>,
        parts: Option<String>,
    ) -> Result<AsyncTask<RenderTask>> {
        let request = to_request(event.as_deref(), parts.as_deref())?;
        Ok(AsyncTask::new(RenderTask {
            template: self.inner.clone(),
            request,
        }))
    }
}

pub struct RenderTask {
    template: Engine,
    request: Request,
}

impl Task for RenderTask {
    type Output = Rendered;
    type JsValue = RenderOutput;

    fn compute(&mut self) -> Result<Rendered> {
        self.template
            .render(&self.request, &GatewayOptions::default())
            .map_err(gateway_error)
    }

    fn resolve(&mut self, _env: Env, out: Rendered) -> Result<RenderOutput> {
        Ok(output(out))
    }
}

/// Lint options as JSON text: `{allow, deny, event}`.
fn lint_options(options: Option<&str>) -> Result<vtl_lint::LintOptions> {
    let opts = match options {
        None => Value::Null,
        Some(t) => serde_json::from_str(t).map_err(|e| type_error(format!("options: {e}")))?,
    };
    let list = |name: &str| -> Result<Vec<String>> {
        match opts.get(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| match i {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(type_error(format!(
                        "options.{name}: expected rule names, got {}",
                        kind(other)
                    ))),
                })
                .collect(),
            Some(other) => Err(type_error(format!(
                "options.{name}: expected an array of rule names, got {}",
                kind(other)
            ))),
        }
    };
    let config = vtl_lint::rules::RuleConfig::new(&list("allow")?, &list("deny")?)
        .map_err(|e| coded(json!({"class": "RangeError", "message": e})))?;
    let sample = match opts.get("event") {
        None | Some(Value::Null) => vtl_lint::sample_request(),
        Some(Value::String(text)) => to_request(Some(text), None)?,
        Some(ev @ Value::Object(_)) => to_request(Some(&ev.to_string()), None)?,
        Some(other) => {
            return Err(type_error(format!(
                "options.event: expected an object or its JSON text, got {}",
                kind(other)
            )))
        }
    };
    Ok(vtl_lint::LintOptions { config, sample })
}

fn diagnostics_json(diags: &[vtl_lint::Diagnostic]) -> Result<Value> {
    serde_json::to_value(diags).map_err(|e| Error::from_reason(e.to_string()))
}

/// Lints template text; `filename` names it and says what kind of document it is.
#[napi(ts_return_type = "Diagnostic[]")]
pub fn lint_text(text: String, filename: String, options: Option<String>) -> Result<Value> {
    let opts = lint_options(options.as_deref())?;
    let result = vtl_lint::lint_file(&PathBuf::from(filename), &text, &opts);
    diagnostics_json(&result.diagnostics)
}

/// Lints the files under `paths` (files and directories).
#[napi(ts_return_type = "Diagnostic[]")]
pub fn lint_files(paths: Vec<String>, options: Option<String>) -> Result<Value> {
    let opts = lint_options(options.as_deref())?;
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    let outcome = vtl_lint::run_lint(&paths, &opts, false)
        .map_err(|e| coded(json!({"class": "Error", "message": e})))?;
    diagnostics_json(&outcome.diagnostics)
}
