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

use super::jsonpath::{JsonPath, Selection};
use super::util;
use crate::eval::value::{HostObject, Key, Value};

/// Literal JSONPaths compiled when the template was parsed; one that does not
/// compile fails when (and only if) the call runs, as on API Gateway.
pub(crate) type PathCache = HashMap<Box<str>, Result<Arc<JsonPath>, String>>;

/// The error message of a path that does not compile.
pub(crate) fn invalid_path(e: &super::jsonpath::PathError) -> String {
    format!("com.jayway.jsonpath.InvalidPathException: {}", e.message)
}

#[derive(Debug)]
pub(crate) struct Input {
    body: Rc<str>,
    params: Value,
    path: Value,
    query: Value,
    header: Value,
    compiled: Arc<PathCache>,
    dynamic: RefCell<HashMap<Box<str>, Rc<JsonPath>>>,
    doc: RefCell<Option<Result<Rc<serde_json::Value>, String>>>,
}

fn str_map(m: &IndexMap<String, String>) -> Value {
    let mut out = crate::eval::value::entries_with_capacity(m.len());
    for (k, v) in m {
        out.insert(Key::str(k), Value::str(v));
    }
    Value::new_map(out)
}

impl Input {
    pub(crate) fn new(req: &super::Request, compiled: Arc<PathCache>) -> Input {
        let body = match req.body.as_deref() {
            None | Some("") => "{}",
            Some(b) => b,
        };
        let path = str_map(&req.path_params);
        let query = str_map(&req.query);
        let header = str_map(&req.headers);
        let mut params = crate::eval::value::Entries::default();
        params.insert(Key::str("path"), path.clone());
        params.insert(Key::str("querystring"), query.clone());
        params.insert(Key::str("header"), header.clone());
        Input {
            body: Rc::from(body),
            params: Value::new_map(params),
            path,
            query,
            header,
            compiled,
            dynamic: RefCell::new(HashMap::new()),
            doc: RefCell::new(None),
        }
    }

    fn doc(&self) -> Result<Rc<serde_json::Value>, String> {
        if let Some(d) = self.doc.borrow().as_ref() {
            return d.clone();
        }
        let text: &str = if self.body.trim().is_empty() {
            "{}"
        } else {
            &self.body
        };
        let parsed = util::parse_json(text)
            .map(Rc::new)
            .map_err(|e| format!("Could not process payload{e}"));
        *self.doc.borrow_mut() = Some(parsed.clone());
        parsed
    }

    fn select<T>(&self, path: &str, f: impl FnOnce(Selection<'_>) -> T) -> Result<T, String> {
        let doc = self.doc()?;
        match self.compiled.get(path) {
            Some(Ok(p)) => return p.select(&doc).map(f).map_err(|e| e.to_string()),
            Some(Err(e)) => return Err(e.clone()),
            None => {}
        }
        let p = {
            let cached = self.dynamic.borrow().get(path).cloned();
            match cached {
                Some(p) => p,
                None => {
                    let p = Rc::new(JsonPath::compile(path).map_err(|e| invalid_path(&e))?);
                    let mut d = self.dynamic.borrow_mut();
                    if d.len() < 256 {
                        d.insert(Box::from(path), p.clone());
                    }
                    p
                }
            }
        };
        p.select(&doc).map(f).map_err(|e| e.to_string())
    }

    fn json(&self, path: &str) -> Result<Value, String> {
        self.select(path, |sel| match sel {
            Selection::NotFound => Value::str(""),
            Selection::One(v) => Value::str(&Value::from_json(&v).to_json_string()),
            Selection::Many(vs) => {
                let arr =
                    serde_json::Value::Array(vs.into_iter().map(|v| v.into_owned()).collect());
                Value::str(&Value::from_json(&arr).to_json_string())
            }
        })
    }

    fn path(&self, path: &str) -> Result<Value, String> {
        self.select(path, |sel| match sel.into_value() {
            None => Value::Null,
            Some(v) => Value::from_json(&v),
        })
    }

    fn param(&self, name: &str) -> Value {
        for m in [&self.path, &self.query, &self.header] {
            if let Value::Map(m) = m {
                if let Some(v) = m.borrow().entries.get(&Key::str(name)) {
                    return v.clone();
                }
            }
        }
        Value::str("")
    }
}

/// The one `String` argument of a `$input` / `$util` call: `Some(None)` for null;
/// `None` for anything but a string (no Java method takes it, so the call is null).
fn str_arg(args: &[Value]) -> Option<Option<String>> {
    match args {
        [Value::Null] => Some(None),
        [Value::Str(s)] => Some(Some(s.to_string())),
        _ => None,
    }
}

/// A path argument: null or empty is Jayway's `IllegalArgumentException`.
fn path_arg(args: &[Value]) -> Option<Result<String, String>> {
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
            "body" => Some(Value::Str(self.body.clone())),
            _ => None,
        }
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        match (name, args) {
            ("getBody", []) => Some(Ok(Value::Str(self.body.clone()))),
            ("params", []) => Some(Ok(self.params.clone())),
            ("params", [_]) => {
                let n = str_arg(args)??;
                Some(Ok(self.param(&n)))
            }
            ("json", [_]) => Some(path_arg(args)?.and_then(|p| self.json(&p))),
            ("path", [_]) => Some(path_arg(args)?.and_then(|p| self.path(&p))),
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
            "escapeJavaScript" => Ok(Value::str(&util::escape_javascript(&s))),
            "urlEncode" => Ok(Value::str(&util::url_encode(&s))),
            "urlDecode" => util::url_decode(&s).map(|v| Value::str(&v)),
            "base64Encode" => Ok(Value::str(&util::base64_encode(&s))),
            "base64Decode" => util::base64_decode(&s).map(|v| Value::str(&v)),
            "parseJson" => util::parse_json(&s).map(|v| Value::from_json(&v)),
            _ => return None,
        })
    }

    fn to_java_string(&self) -> String {
        "com.amazonaws.apigateway.Util".into()
    }
}
