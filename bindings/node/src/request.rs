//! Host values → the engine's [`Request`]: the one module that knows its fields.

use apigw_vtl::runtime::Request;
use napi::Result;
use serde_json::Value;

use crate::errors::{request_error, type_error};

/// The JSON kind of a value, for messages.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Host values → the engine's [`Request`].
/// `event` is a proxy event's JSON text, read as the CLI reads `--event`;
/// `parts` is `{body, headers, query, pathParams, stageVariables, context}` as
/// JSON text, each part given replacing the event's.
// `.into()` keeps this independent of the string types `Request` uses.
#[allow(clippy::useless_conversion)]
pub(crate) fn to_request(event: Option<&str>, parts: Option<&str>) -> Result<Request> {
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
        Some(Value::Object(map)) => request.request_context = std::sync::Arc::new(map.clone()),
        Some(other) => {
            return Err(type_error(format!(
                "context: expected an object (the event's requestContext), got {}",
                kind(other)
            )))
        }
    }
    Ok(request)
}
