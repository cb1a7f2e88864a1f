//! The native half of the `apigw-vtl` Node.js package: parse, render and lint
//! through the engine's public API. The JavaScript half (`index.js`) turns the
//! request into JSON text on the way in and errors into `Error` subclasses on
//! the way out; requests travel as JSON so that numbers keep their digits and
//! headers their order.

use std::path::PathBuf;

mod errors;
mod request;

use apigw_vtl::lint as vtl_lint;
use apigw_vtl::runtime::{GatewayOptions, MappingTemplate as Engine, Overrides, Rendered, Request};
use napi::bindgen_prelude::{AsyncTask, Env};
use napi::{Error, Result, Task};

use errors::{coded, gateway_error, syntax_error, type_error};
use napi_derive::napi;
use request::{kind, to_request};
use serde_json::{json, Value};

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
        overrides: overrides_json(r.overrides()),
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
    let given = |r| vtl_lint::Samples::with_request("the given event", r);
    let samples = match opts.get("event") {
        None | Some(Value::Null) => vtl_lint::Samples::builtin(),
        Some(Value::String(text)) => given(to_request(Some(text), None)?),
        Some(ev @ Value::Object(_)) => given(to_request(Some(&ev.to_string()), None)?),
        Some(other) => {
            return Err(type_error(format!(
                "options.event: expected an object or its JSON text, got {}",
                kind(other)
            )))
        }
    };
    Ok(vtl_lint::LintOptions {
        config,
        samples,
        file_config: None,
        baseline: None,
    })
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
