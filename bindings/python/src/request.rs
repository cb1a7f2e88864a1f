//! Host values → the engine's [`Request`]: the one module that knows its fields.

use apigw_vtl::runtime::Request;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use crate::errors::request_error;

/// Nesting accepted in the dicts and lists handed over (events are a few levels deep).
const DEPTH_MAX: usize = 128;

/// The parts of a request given beside (or instead of) an event.
pub(crate) struct Parts<'a, 'py> {
    pub(crate) body: Option<&'a Bound<'py, PyAny>>,
    pub(crate) headers: Option<&'a Bound<'py, PyAny>>,
    pub(crate) query: Option<&'a Bound<'py, PyAny>>,
    pub(crate) path_params: Option<&'a Bound<'py, PyAny>>,
    pub(crate) stage_variables: Option<&'a Bound<'py, PyAny>>,
    pub(crate) context: Option<&'a Bound<'py, PyAny>>,
}

/// Host values → the engine's [`Request`].
/// The event (a proxy event dict, or its JSON text) is read as the CLI reads
/// `--event`; each part given replaces the event's.
pub(crate) fn to_request(
    py: Python<'_>,
    event: Option<&Bound<'_, PyAny>>,
    parts: &Parts<'_, '_>,
) -> PyResult<Request> {
    let mut request = match event {
        None => Request::default(),
        Some(ev) if ev.is_none() => Request::default(),
        Some(ev) => {
            let text = if let Ok(d) = ev.cast::<PyDict>() {
                let mut request = event_from_dict(py, d)?;
                apply_parts(&mut request, parts)?;
                return Ok(request);
            } else if let Ok(s) = ev.cast::<PyString>() {
                s.to_cow()?.into_owned()
            } else if let Ok(b) = ev.cast::<PyBytes>() {
                String::from_utf8(b.as_bytes().to_vec())
                    .map_err(|_| PyValueError::new_err("event: the bytes are not UTF-8"))?
            } else {
                return Err(PyTypeError::new_err(format!(
                    "event: expected a dict or its JSON text, got {}",
                    ev.get_type().name()?
                )));
            };
            Request::from_event_json(&text)
                .map_err(|e| request_error(py, &format!("event.{}", e.field), &e.message))?
        }
    };
    apply_parts(&mut request, parts)?;
    Ok(request)
}

/// A proxy event dict read as [`Request::from_event_json`] reads its JSON text
/// (the tests check the two agree), without the detour through JSON text.
// `.into()` keeps this independent of the string types `Request` uses.
#[allow(clippy::useless_conversion)]
fn event_from_dict(py: Python<'_>, ev: &Bound<'_, PyDict>) -> PyResult<Request> {
    let bad = |field: &str, expected: &str, got: &Bound<'_, PyAny>| {
        request_error(
            py,
            &format!("event.{field}"),
            &format!("expected {expected}, got {}", type_name(got)),
        )
    };
    let string = |field: &str| -> PyResult<Option<String>> {
        match ev.get_item(field)? {
            None => Ok(None),
            Some(v) if v.is_none() => Ok(None),
            Some(v) => match v.cast::<PyString>() {
                Ok(s) => Ok(Some(s.to_cow()?.into_owned())),
                Err(_) => Err(bad(field, "a string", &v)),
            },
        }
    };
    let mut request = Request {
        body: string("body")?.map(Into::into),
        ..Request::default()
    };
    for (field, target) in [
        ("headers", &mut request.headers),
        ("queryStringParameters", &mut request.query),
        ("pathParameters", &mut request.path_params),
        ("stageVariables", &mut request.stage_variables),
    ] {
        let Some(map) = ev.get_item(field)?.filter(|m| !m.is_none()) else {
            continue;
        };
        let map = map
            .cast::<PyDict>()
            .map_err(|_| bad(field, "a map", &map))?;
        for (k, v) in map.iter() {
            let key = k
                .cast::<PyString>()
                .map_err(|_| bad(field, "string keys", &k))?;
            let key = key.to_cow()?;
            let value = if v.is_none() {
                String::new()
            } else {
                v.cast::<PyString>()
                    .map_err(|_| bad(&format!("{field}.{key}"), "a string", &v))?
                    .to_cow()?
                    .into_owned()
            };
            target.insert(key.into_owned().into(), value.into());
        }
    }
    if let Some(ctx) = ev.get_item("requestContext")?.filter(|c| !c.is_none()) {
        if ctx.cast::<PyDict>().is_err() {
            return Err(bad("requestContext", "a map", &ctx));
        }
        if let serde_json::Value::Object(map) = to_json(&ctx, At::Root("event.requestContext"), 0)?
        {
            request.request_context = std::sync::Arc::new(map);
        }
    }
    // Filled from elsewhere in the event when requestContext lacks them.
    for (field, key) in [("httpMethod", "httpMethod"), ("resource", "resourcePath")] {
        if let Some(v) = string(field)? {
            std::sync::Arc::make_mut(&mut request.request_context)
                .entry(key)
                .or_insert(serde_json::Value::String(v));
        }
    }
    Ok(request)
}

// `.into()` keeps this independent of the string types `Request` uses.
#[allow(clippy::useless_conversion)]
fn apply_parts(request: &mut Request, parts: &Parts<'_, '_>) -> PyResult<()> {
    if let Some(b) = parts.body.filter(|b| !b.is_none()) {
        request.body = Some(body_text(b)?.into());
    }
    for (value, name, target) in [
        (parts.headers, "headers", &mut request.headers),
        (parts.query, "query", &mut request.query),
        (parts.path_params, "path_params", &mut request.path_params),
        (
            parts.stage_variables,
            "stage_variables",
            &mut request.stage_variables,
        ),
    ] {
        if let Some(map) = value.filter(|m| !m.is_none()) {
            target.clear();
            for item in map.call_method0("items")?.try_iter()? {
                let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item?.extract()?;
                let key = k.cast::<PyString>().map_err(|_| {
                    PyTypeError::new_err(format!("{name}: keys must be str, got {}", type_name(&k)))
                })?;
                let key = key.to_cow()?.into_owned();
                let val = if v.is_none() {
                    String::new()
                } else {
                    v.cast::<PyString>()
                        .map_err(|_| {
                            PyTypeError::new_err(format!(
                                "{name}[{key:?}]: expected str, got {}",
                                type_name(&v)
                            ))
                        })?
                        .to_cow()?
                        .into_owned()
                };
                target.insert(key.into(), val.into());
            }
        }
    }
    if let Some(ctx) = parts.context.filter(|c| !c.is_none()) {
        match to_json(ctx, At::Root("context"), 0)? {
            serde_json::Value::Object(map) => request.request_context = std::sync::Arc::new(map),
            _ => {
                return Err(PyTypeError::new_err(format!(
                    "context: expected a dict (the event's requestContext), got {}",
                    type_name(ctx)
                )))
            }
        }
    }
    Ok(())
}

/// The body as text: `str`, UTF-8 `bytes`, or a dict / list sent as compact JSON.
fn body_text(b: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = b.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    if let Ok(bytes) = b.cast::<PyBytes>() {
        return String::from_utf8(bytes.as_bytes().to_vec())
            .map_err(|_| PyValueError::new_err("body: the bytes are not UTF-8"));
    }
    if b.cast::<PyDict>().is_ok() || b.cast::<PyList>().is_ok() {
        return Ok(to_json(b, At::Root("body"), 0)?.to_string());
    }
    Err(PyTypeError::new_err(format!(
        "body: expected str, bytes, dict or list, got {}",
        type_name(b)
    )))
}

pub(crate) fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type()
        .name()
        .map_or_else(|_| "?".to_string(), |n| n.to_string())
}

/// Where a value sits in what was handed over, spelled out only for messages.
#[derive(Clone, Copy)]
enum At<'a> {
    Root(&'a str),
    Key(&'a At<'a>, &'a str),
    Index(&'a At<'a>, usize),
}

impl std::fmt::Display for At<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            At::Root(name) => f.write_str(name),
            At::Key(parent, key) => write!(f, "{parent}.{key}"),
            At::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// A Python value made of dicts, lists, tuples, str, int, float, bool and None → JSON.
fn to_json(v: &Bound<'_, PyAny>, at: At<'_>, depth: usize) -> PyResult<serde_json::Value> {
    use serde_json::Value;
    if depth > DEPTH_MAX {
        return Err(PyValueError::new_err(format!(
            "{at}: nested more than {DEPTH_MAX} levels deep"
        )));
    }
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if v.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if v.cast::<PyInt>().is_ok() {
        if let Ok(i) = v.extract::<i64>() {
            return Ok(Value::from(i));
        }
        // Beyond 64 bits: Python's digits are valid JSON number text.
        let text = v.repr()?.to_cow()?.into_owned();
        return serde_json::from_str::<serde_json::Number>(&text)
            .map(Value::Number)
            .map_err(|_| PyValueError::new_err(format!("{at}: {text} is not a JSON number")));
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        let x = f.value();
        return serde_json::Number::from_f64(x)
            .map(Value::Number)
            .ok_or_else(|| PyValueError::new_err(format!("{at}: {x} is not a JSON number")));
    }
    if let Ok(d) = v.cast::<PyDict>() {
        let mut map = serde_json::Map::new();
        for (k, item) in d.iter() {
            let key = k.cast::<PyString>().map_err(|_| {
                PyTypeError::new_err(format!("{at}: keys must be str, got {}", type_name(&k)))
            })?;
            let key = key.to_cow()?;
            let value = to_json(&item, At::Key(&at, &key), depth + 1)?;
            map.insert(key.into_owned(), value);
        }
        return Ok(Value::Object(map));
    }
    if v.cast::<PyList>().is_ok() || v.cast::<PyTuple>().is_ok() {
        let mut items = Vec::new();
        for (i, item) in v.try_iter()?.enumerate() {
            items.push(to_json(&item?, At::Index(&at, i), depth + 1)?);
        }
        return Ok(Value::Array(items));
    }
    Err(PyTypeError::new_err(format!(
        "{at}: {} cannot be sent as JSON",
        type_name(v)
    )))
}

impl Parts<'_, '_> {
    pub(crate) fn none() -> Self {
        Parts {
            body: None,
            headers: None,
            query: None,
            path_params: None,
            stage_variables: None,
            context: None,
        }
    }
}
