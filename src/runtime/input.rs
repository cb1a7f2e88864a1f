//! `$input` and `$util` as host objects.
//!
//! `$input`:
//! - `body` / `getBody()`: the body text; an empty or absent body is `{}`.
//! - `json(path)`: the JSON text of what the path selects (json-smart style:
//!   compact, `/` written `\/`); `""` when the path matches nothing; `null` for
//!   a JSON null.
//! - `path(path)`: the value itself: objects are ordered maps that print
//!   `{k=v}`, arrays print as compact JSON; null when nothing matches.
//! - `params()`: `{path={…}, querystring={…}, header={…}}`; `params(name)`:
//!   path, then query string, then header (exact-case names); `""` when absent.
//!
//! The body is parsed once per render, on first use, as json-smart's permissive
//! mode reads it: text that is not JSON becomes a string (`a=b` → `"a=b"`); text
//! that starts like JSON but is broken is an error (API Gateway answers 400
//! "Could not process payload").

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use indexmap::IndexMap;

use super::json;
use super::jsonpath::{JsonPath, Selection};
use super::util;
use crate::eval::value::{entries_with_capacity, HostObject, Key, StrKey, Value};

/// Literal JSONPaths compiled when the template was parsed; one that does not
/// compile fails when (and only if) the call runs, as on API Gateway.
pub(crate) type PathCache =
    HashMap<Box<str>, Result<Arc<JsonPath>, String>, crate::eval::value::Hasher>;

/// Paths built at render time and compiled then, kept for the render (at most this many).
const DYNAMIC_PATHS_MAX: usize = 256;

/// The error message of a path that does not compile.
pub(crate) fn invalid_path(e: &super::jsonpath::PathError) -> String {
    format!("com.jayway.jsonpath.InvalidPathException: {}", e.message)
}

/// `$input.params()` and its three maps.
#[derive(Debug)]
pub(crate) struct Params {
    all: Value,
    path: Value,
    query: Value,
    header: Value,
}

fn str_map(m: &IndexMap<String, String>) -> Value {
    let mut out = entries_with_capacity(m.len());
    for (k, v) in m {
        out.insert(Key::str(k), Value::str(v));
    }
    Value::new_map(out)
}

impl Params {
    pub(crate) fn new(req: &super::Request) -> Params {
        let path = str_map(&req.path_params);
        let query = str_map(&req.query);
        let header = str_map(&req.headers);
        let mut all = entries_with_capacity(3);
        all.insert(Key::str("path"), path.clone());
        all.insert(Key::str("querystring"), query.clone());
        all.insert(Key::str("header"), header.clone());
        Params {
            all: Value::new_map(all),
            path,
            query,
            header,
        }
    }
}

#[derive(Debug)]
pub(crate) struct Input {
    /// The body, shared with the request.
    body: Option<Arc<str>>,
    /// `$input.body` as a value, made on first use.
    body_value: RefCell<Option<Rc<str>>>,
    /// Built only when the template may call `params` (see the gateway's plan).
    params: Option<Params>,
    compiled: Arc<PathCache>,
    dynamic: RefCell<HashMap<Box<str>, Rc<JsonPath>, crate::eval::value::Hasher>>,
    /// The body parsed, on first use: `$input.path` hands out its nodes (shared,
    /// as json-smart's objects are in Java).
    doc: RefCell<Option<Result<Value, String>>>,
}

impl Input {
    pub(crate) fn new(
        body: Option<Arc<str>>,
        params: Option<Params>,
        compiled: Arc<PathCache>,
    ) -> Input {
        Input {
            body,
            body_value: RefCell::new(None),
            params,
            compiled,
            dynamic: RefCell::new(HashMap::default()),
            doc: RefCell::new(None),
        }
    }

    /// The body as templates read it: an empty or absent body is `{}`.
    fn text(&self) -> &str {
        match self.body.as_deref() {
            None | Some("") => "{}",
            Some(b) => b,
        }
    }

    fn body_value(&self) -> Value {
        let mut cached = self.body_value.borrow_mut();
        let rc = cached.get_or_insert_with(|| Rc::from(self.text()));
        Value::Str(rc.clone())
    }

    fn doc(&self) -> Result<Value, String> {
        if let Some(d) = self.doc.borrow().as_ref() {
            return d.clone();
        }
        let text = self.text();
        let text = if text.trim().is_empty() { "{}" } else { text };
        let parsed = json::parse(text).map_err(|e| format!("Could not process payload{e}"));
        *self.doc.borrow_mut() = Some(parsed.clone());
        parsed
    }

    fn compiled_path(&self, path: &str) -> Result<Rc<JsonPath>, String> {
        if let Some(p) = self.dynamic.borrow().get(path) {
            return Ok(p.clone());
        }
        let p = Rc::new(JsonPath::compile(path).map_err(|e| invalid_path(&e))?);
        let mut d = self.dynamic.borrow_mut();
        if d.len() < DYNAMIC_PATHS_MAX {
            d.insert(Box::from(path), p.clone());
        }
        Ok(p)
    }

    fn select(&self, path: &str) -> Result<Selection, String> {
        let doc = self.doc()?;
        match self.compiled.get(path) {
            Some(Ok(p)) => p.select(&doc).map_err(|e| e.to_string()),
            Some(Err(e)) => Err(e.clone()),
            None => self
                .compiled_path(path)?
                .select(&doc)
                .map_err(|e| e.to_string()),
        }
    }

    /// `$input.json(path)` written into `out`.
    fn write_json(&self, path: &str, out: &mut String) -> Result<(), String> {
        // The whole body, not yet parsed: validate, compact and escape in one pass.
        if path == "$" && self.doc.borrow().is_none() && json::compact(self.text(), out) {
            return Ok(());
        }
        match self.select(path)? {
            Selection::NotFound => {}
            Selection::One(v) => v.write_json(out),
            sel @ Selection::Many(_) => {
                if let Some(v) = sel.into_value() {
                    v.write_json(out);
                }
            }
        }
        Ok(())
    }

    fn json(&self, path: &str) -> Result<Value, String> {
        let mut s = String::new();
        self.write_json(path, &mut s)?;
        Ok(Value::Str(Rc::from(s)))
    }

    fn path(&self, path: &str) -> Result<Value, String> {
        Ok(self.select(path)?.into_value().unwrap_or(Value::Null))
    }

    fn params(&self) -> Result<&Params, String> {
        self.params
            .as_ref()
            .ok_or_else(|| "internal error: the request parameters were not prepared".into())
    }

    fn param(&self, name: &str) -> Result<Value, String> {
        let p = self.params()?;
        for m in [&p.path, &p.query, &p.header] {
            if let Value::Map(m) = m {
                if let Some(v) = m.borrow().entries.get(&StrKey(name)) {
                    return Ok(v.clone());
                }
            }
        }
        Ok(Value::str(""))
    }
}

/// The one `String` argument of a `$input` / `$util` call: `Some(None)` for null;
/// `None` for anything but a string (no Java method takes it, so the call is null).
fn str_arg(args: &[Value]) -> Option<Option<&str>> {
    match args {
        [Value::Null] => Some(None),
        [Value::Str(s)] => Some(Some(s)),
        _ => None,
    }
}

/// A path argument: null or empty is Jayway's `IllegalArgumentException`.
fn path_arg(args: &[Value]) -> Option<Result<&str, String>> {
    match str_arg(args)? {
        Some(p) if !p.is_empty() => Some(Ok(p)),
        _ => Some(Err(
            "java.lang.IllegalArgumentException: path can not be null or empty".into(),
        )),
    }
}

impl HostObject for Input {
    fn property(&self, name: &str) -> Option<Value> {
        match name {
            "body" => Some(self.body_value()),
            _ => None,
        }
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        match (name, args) {
            ("getBody", []) => Some(Ok(self.body_value())),
            ("params", []) => Some(self.params().map(|p| p.all.clone())),
            ("params", [_]) => {
                let n = str_arg(args)??;
                Some(self.param(n))
            }
            ("json", [_]) => Some(path_arg(args)?.and_then(|p| self.json(p))),
            ("path", [_]) => Some(path_arg(args)?.and_then(|p| self.path(p))),
            _ => None,
        }
    }

    fn write_call(
        &self,
        name: &str,
        args: &[Value],
        out: &mut String,
    ) -> Option<Result<(), String>> {
        match (name, args) {
            ("json", [_]) => Some(path_arg(args)?.and_then(|p| self.write_json(p, out))),
            _ => None,
        }
    }

    fn to_java_string(&self) -> String {
        "com.amazonaws.apigateway.Input".into()
    }
}

/// `$util`: the six functions API Gateway has. Any other name is null, silently.
#[derive(Debug)]
pub(crate) struct Util;

impl HostObject for Util {
    fn property(&self, _name: &str) -> Option<Value> {
        None
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let arg = str_arg(args)?;
        let Some(s) = arg else {
            // A null argument gives "" (recorded against AWS for escapeJavaScript and urlEncode).
            return match name {
                "escapeJavaScript" | "urlEncode" | "urlDecode" | "base64Encode"
                | "base64Decode" => Some(Ok(Value::str(""))),
                "parseJson" => Some(Ok(Value::Null)),
                _ => None,
            };
        };
        Some(match name {
            "escapeJavaScript" => Ok(Value::str(&util::escape_javascript(s))),
            "urlEncode" => Ok(Value::str(&util::url_encode(s))),
            "urlDecode" => util::url_decode(s).map(|v| Value::str(&v)),
            "base64Encode" => Ok(Value::str(&util::base64_encode(s))),
            "base64Decode" => util::base64_decode(s).map(|v| Value::str(&v)),
            "parseJson" => util::parse_json(s),
            _ => return None,
        })
    }

    fn write_call(
        &self,
        name: &str,
        args: &[Value],
        out: &mut String,
    ) -> Option<Result<(), String>> {
        match (name, args) {
            ("escapeJavaScript", [Value::Str(s)]) => {
                util::escape_javascript_into(s, out);
                Some(Ok(()))
            }
            _ => None,
        }
    }

    fn to_java_string(&self) -> String {
        "com.amazonaws.apigateway.Util".into()
    }
}
