//! The engine's errors as the exception classes of `apigw_vtl._errors`.

use apigw_vtl::runtime::GatewayError;
use apigw_vtl::{ParseError, RenderError, RenderErrorKind};
use pyo3::prelude::*;

/// An instance of one of the exception classes in `apigw_vtl._errors`.
fn error<'py>(py: Python<'py>, class: &str, args: impl pyo3::call::PyCallArgs<'py>) -> PyErr {
    let made = py
        .import("apigw_vtl._errors")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call1(args));
    match made {
        Ok(e) => PyErr::from_value(e),
        Err(e) => e,
    }
}

pub(crate) fn syntax_error(py: Python<'_>, e: &ParseError) -> PyErr {
    error(
        py,
        "TemplateSyntaxError",
        (e.message.as_str(), e.pos.line, e.pos.column),
    )
}

pub(crate) fn render_error(py: Python<'_>, e: &RenderError) -> PyErr {
    let kind = match e.kind {
        RenderErrorKind::MethodFailed => "method-failed",
        RenderErrorKind::Unsupported => "unsupported",
        RenderErrorKind::Limit => "limit",
        RenderErrorKind::Invalid => "invalid",
        RenderErrorKind::Write => "write",
    };
    error(
        py,
        "TemplateRenderError",
        (e.message.as_str(), e.pos.line, e.pos.column, kind),
    )
}

pub(crate) fn request_error(py: Python<'_>, field: &str, message: &str) -> PyErr {
    error(py, "InvalidRequestError", (field, message))
}

pub(crate) fn gateway_error(py: Python<'_>, e: GatewayError) -> PyErr {
    match e {
        GatewayError::Parse(p) => syntax_error(py, &p),
        GatewayError::Render(r) => render_error(py, &r),
        GatewayError::Event(ev) => request_error(py, &format!("event.{}", ev.field), &ev.message),
        e @ GatewayError::BodyTooLarge { .. } => request_error(py, "body", &e.to_string()),
    }
}
