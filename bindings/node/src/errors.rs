//! The engine's errors, coded for `index.js` to rethrow as its `Error` subclasses.

use apigw_vtl::runtime::GatewayError;
use apigw_vtl::{ParseError, RenderError, RenderErrorKind};
use napi::{Error, Status};
use serde_json::{json, Value};

/// An error for `index.js` to rethrow as its `Error` subclass: the message is
/// a JSON object with `apigwVtl` (the class) and the fields of that class.
pub(crate) fn coded(mut fields: Value) -> Error {
    if let Value::Object(map) = &mut fields {
        map.insert("apigwVtl".into(), Value::Bool(true));
    }
    Error::new(Status::GenericFailure, fields.to_string())
}

pub(crate) fn syntax_error(e: &ParseError) -> Error {
    coded(
        json!({"class": "TemplateSyntaxError", "message": e.message, "line": e.pos.line, "column": e.pos.column}),
    )
}

pub(crate) fn render_error(e: &RenderError) -> Error {
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

pub(crate) fn request_error(field: &str, message: &str) -> Error {
    coded(json!({"class": "InvalidRequestError", "field": field, "message": message}))
}

pub(crate) fn type_error(message: String) -> Error {
    coded(json!({"class": "TypeError", "message": message}))
}

pub(crate) fn gateway_error(e: GatewayError) -> Error {
    match e {
        GatewayError::Parse(p) => syntax_error(&p),
        GatewayError::Render(r) => render_error(&r),
        GatewayError::Event(ev) => request_error(&format!("event.{}", ev.field), &ev.message),
        e @ GatewayError::BodyTooLarge { .. } => request_error("body", &e.to_string()),
    }
}
