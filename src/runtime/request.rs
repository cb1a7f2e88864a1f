//! The request a mapping template runs against: an API Gateway REST proxy event
//! (version 1.0, the JSON Lambda proxy integrations receive and
//! `sam local generate-event apigateway aws-proxy` prints), or one built by hand.
//!
//! The event is modelled here rather than with an events crate because a mapping
//! template sees header names exactly as the client sent them, in the order sent
//! (`$input.params().header` prints them), and `requestContext` may carry any
//! key (`$context.keySet()` lists them): crates that model the event normalise
//! header names and drop unknown context keys.

use std::sync::Arc;

use indexmap::IndexMap;
use serde::Deserialize;

/// A malformed event: the field that is wrong and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invalid event: field `{field}`: {message}")]
pub struct EventError {
    /// The path of the field, e.g. `headers.Accept` (`.` for the whole event).
    pub field: String,
    pub message: String,
}

type StrMap = Option<IndexMap<String, Option<String>>>;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProxyEvent {
    resource: Option<String>,
    http_method: Option<String>,
    headers: StrMap,
    query_string_parameters: StrMap,
    path_parameters: StrMap,
    stage_variables: StrMap,
    request_context: Option<serde_json::Map<String, serde_json::Value>>,
    /// Given as the event gives it: `isBase64Encoded` is not applied (nor is it by the
    /// reference renderer), and the multi-value maps are not read.
    body: Option<String>,
}

/// A request as a mapping template sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Request {
    /// The body as text (`None` when absent; absent and empty both read as `{}`).
    /// Shared, not copied, by every render of the request.
    pub body: Option<Arc<str>>,
    /// Header name → value, names as sent.
    pub headers: IndexMap<String, String>,
    /// Query-string parameter → value (one value each, the last one sent).
    pub query: IndexMap<String, String>,
    /// Path parameter → value.
    pub path_params: IndexMap<String, String>,
    /// Stage variable → value.
    pub stage_variables: IndexMap<String, String>,
    /// The event's `requestContext`, as given.
    pub request_context: serde_json::Map<String, serde_json::Value>,
}

/// A single-value map (`headers`, `queryStringParameters` …): `$input.params()`
/// holds one value each; the event's multi-value maps are not read.
fn single(map: StrMap) -> IndexMap<String, String> {
    let mut out = IndexMap::new();
    if let Some(m) = map {
        for (k, v) in m {
            out.insert(k, v.unwrap_or_default());
        }
    }
    out
}

impl Request {
    /// Reads a REST proxy event. Missing fields are fine; a field of the wrong
    /// type is an [`EventError`] naming it.
    pub fn from_event_json(text: &str) -> Result<Request, EventError> {
        // serde would read a JSON array as the struct's fields in order; an event
        // is an object, and anything else is refused by name.
        if !text.trim_start().starts_with('{') {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
                let kind = match v {
                    serde_json::Value::Array(_) => "an array",
                    serde_json::Value::String(_) => "a string",
                    serde_json::Value::Number(_) => "a number",
                    serde_json::Value::Bool(_) => "a boolean",
                    serde_json::Value::Null => "null",
                    serde_json::Value::Object(_) => "an object",
                };
                return Err(EventError {
                    field: ".".into(),
                    message: format!(
                        "the event is {kind}; an API Gateway REST proxy event is a JSON object"
                    ),
                });
            }
        }
        let de = &mut serde_json::Deserializer::from_str(text);
        let ev: ProxyEvent = serde_path_to_error::deserialize(de).map_err(|e| EventError {
            field: e.path().to_string(),
            message: e.inner().to_string(),
        })?;
        let body = ev.body.map(Arc::from);
        let mut request_context = ev.request_context.unwrap_or_default();
        // Fill what the event says elsewhere when requestContext lacks it.
        if let Some(m) = ev.http_method {
            request_context
                .entry("httpMethod")
                .or_insert(serde_json::Value::String(m));
        }
        if let Some(r) = ev.resource {
            request_context
                .entry("resourcePath")
                .or_insert(serde_json::Value::String(r));
        }
        Ok(Request {
            body,
            headers: single(ev.headers),
            query: single(ev.query_string_parameters),
            path_params: single(ev.path_parameters),
            stage_variables: single(ev.stage_variables),
            request_context,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_shared_event_shape() {
        let r = Request::from_event_json(
            r#"{"headers":{"Accept":"a"},"multiValueQueryStringParameters":{"q":["1","2"]},
                "queryStringParameters":null,"pathParameters":null,"body":"x","requestContext":{"stage":"s"}}"#,
        )
        .unwrap();
        assert_eq!(r.headers.get("Accept").map(String::as_str), Some("a"));
        assert_eq!(r.query.get("q"), None);
        assert_eq!(r.body.as_deref(), Some("x"));
    }

    #[test]
    fn refuses_an_event_that_is_not_an_object() {
        // An array of the right length would otherwise fill the fields in order.
        for (text, kind) in [
            ("[]", "an array"),
            (r#"[null,null,null,null,null,null,null,"b"]"#, "an array"),
            (" \"x\"", "a string"),
            ("1", "a number"),
            ("null", "null"),
        ] {
            let e = Request::from_event_json(text).unwrap_err();
            assert_eq!(e.field, ".");
            assert!(
                e.message.starts_with(&format!("the event is {kind};")),
                "{e}"
            );
        }
        assert!(Request::from_event_json("[1,").is_err());
        assert!(Request::from_event_json(" {}").is_ok());
    }

    #[test]
    fn names_the_bad_field() {
        let e = Request::from_event_json(r#"{"headers":{"Accept":1}}"#).unwrap_err();
        assert_eq!(e.field, "headers.Accept");
        let e = Request::from_event_json(r#"{"body":{}}"#).unwrap_err();
        assert_eq!(e.field, "body");
    }
}
