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
use crate::eval::budget::{Budget, Exceeded, CHUNK};
use crate::eval::value::{CallError, CallResult, Entries, HostObject, JStr, Key, StrKey, Value};

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

/// `$input.params()` and its three maps, or only the values of the names a
/// template passes to `$input.params('name')`.
#[derive(Debug)]
pub(crate) enum Params {
    /// The template may read any parameter (it calls `$input.params()`, or
    /// passes a name it computes): the three maps, and the map of them.
    All {
        all: Value,
        path: Value,
        query: Value,
        header: Value,
    },
    /// The template reads parameters only as `$input.params('name')` with
    /// these literal names: their values (in the names' order), looked up
    /// once, and no map made.
    Named {
        names: Arc<[Box<str>]>,
        values: Vec<Value>,
    },
}

fn str_map(m: &IndexMap<String, String>) -> Value {
    // The request's keys are distinct already; the entries are written in
    // place as the vector is filled.
    let mut items = Vec::with_capacity(m.len());
    for (k, v) in m {
        items.push((Key::str(k), Value::str(v)));
    }
    Value::new_map(Entries::from_unique(items))
}

impl Params {
    pub(crate) fn new(req: &super::Request) -> Params {
        let path = str_map(&req.path_params);
        let query = str_map(&req.query);
        let header = str_map(&req.headers);
        let all = Entries::from_unique(vec![
            (Key::str("path"), path.clone()),
            (Key::str("querystring"), query.clone()),
            (Key::str("header"), header.clone()),
        ]);
        Params::All {
            all: Value::new_map(all),
            path,
            query,
            header,
        }
    }

    /// The values of `names` only, as [`Input::param`] finds them in the maps
    /// [`Params::new`] makes: the first of the path parameters, the query
    /// string and the headers that has the name, else the empty string.
    pub(crate) fn named(req: &super::Request, names: &Arc<[Box<str>]>) -> Params {
        let values = names
            .iter()
            .map(|n| {
                [&req.path_params, &req.query, &req.headers]
                    .into_iter()
                    .find_map(|m| lookup(m, n))
                    .map_or_else(|| Value::str(""), Value::str)
            })
            .collect();
        Params::Named {
            names: Arc::clone(names),
            values,
        }
    }
}

/// `m.get(name)`, as [`entry_named`](super::request::entry_named) finds it.
fn lookup<'a>(m: &'a IndexMap<String, String>, name: &str) -> Option<&'a str> {
    super::request::entry_named(m.len(), m.iter(), || m.get_key_value(name), name)
        .map(|(_, v)| v.as_str())
}

#[derive(Debug)]
pub(crate) struct Input {
    /// The body, shared with the request.
    body: Option<Arc<str>>,
    /// `$input.body` as a value, made on first use.
    body_value: RefCell<Option<JStr>>,
    /// Built only when the template may call `params` (see the gateway's plan).
    params: Option<Params>,
    compiled: Arc<PathCache>,
    dynamic: RefCell<HashMap<Box<str>, Rc<JsonPath>, crate::eval::value::Hasher>>,
    /// The body parsed, on first use: `$input.path` hands out its nodes (shared,
    /// as json-smart's objects are in Java).
    doc: RefCell<Option<Result<Value, CallError>>>,
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
        let rc = cached.get_or_insert_with(|| JStr::new(self.text()));
        Value::Str(rc.clone())
    }

    fn doc(&self, budget: &Budget) -> Result<Value, CallError> {
        if let Some(d) = self.doc.borrow().as_ref() {
            return d.clone();
        }
        let parsed = match &self.body {
            // Objects and arrays read on first use, from the request's text.
            Some(body) if !body.trim().is_empty() => json::parse_lazy(body, budget),
            _ => json::parse_with_budget("{}", budget),
        };
        let parsed = parsed.map_err(|e| match e {
            json::JsonError::Invalid(m) => CallError::Java(format!(
                "Could not process payload: the body is not JSON json-smart reads: {m} (API Gateway answers 400)"
            )),
            json::JsonError::Limit(e) => CallError::from(e),
        });
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

    fn select(&self, path: &str, budget: &Budget) -> Result<Selection, CallError> {
        let doc = self.doc(budget)?;
        let failed = |e: super::jsonpath::EvalError| match e.kind {
            super::jsonpath::EvalErrorKind::Budget(x) => CallError::from(x),
            _ => CallError::Java(e.to_string()),
        };
        match self.compiled.get(path) {
            Some(Ok(p)) => p.select_with_budget(&doc, budget).map_err(failed),
            Some(Err(e)) => Err(CallError::Java(e.clone())),
            None => {
                // A path built at render time is compiled now: its text is scanned.
                budget.scan(path.len().saturating_mul(4))?;
                self.compiled_path(path)?
                    .select_with_budget(&doc, budget)
                    .map_err(failed)
            }
        }
    }

    /// `$input.json(path)` written into `out`, charged as it is written.
    fn write_json(&self, path: &str, out: &mut String, budget: &Budget) -> Result<(), CallError> {
        // The whole body, not yet parsed: validate and compact in one pass.
        if let Some(text) = self.unparsed_whole(path) {
            if json::compact(text, out, budget)? {
                return Ok(());
            }
        }
        match self.select(path, budget)? {
            Selection::NotFound => {}
            Selection::One(v) => v.write_json(out, budget)?,
            sel @ Selection::Many(_) => {
                if let Some(v) = sel.into_value() {
                    v.write_json(out, budget)?;
                }
            }
        }
        Ok(())
    }

    /// The body's text when `path` selects the whole body and the body is not
    /// parsed yet: then `$input.json` can write it from the text in one pass.
    fn unparsed_whole(&self, path: &str) -> Option<&str> {
        (path == "$" && self.doc.borrow().is_none()).then(|| self.text())
    }

    fn json(&self, path: &str, budget: &Budget) -> Result<Value, CallError> {
        let mut s = String::new();
        self.write_json(path, &mut s, budget)?;
        Ok(Value::Str(JStr::from(s)))
    }

    fn path(&self, path: &str, budget: &Budget) -> Result<Value, CallError> {
        Ok(self
            .select(path, budget)?
            .into_value()
            .unwrap_or(Value::Null))
    }

    fn params(&self) -> Result<&Params, String> {
        self.params
            .as_ref()
            .ok_or_else(|| "internal error: the request parameters were not prepared".into())
    }

    fn param(&self, name: &str) -> Result<Value, String> {
        match self.params()? {
            Params::All {
                path,
                query,
                header,
                ..
            } => {
                for m in [path, query, header] {
                    if let Value::Map(m) = m {
                        if let Some(v) = m.borrow().entries.get(&StrKey(name)) {
                            return Ok(v.clone());
                        }
                    }
                }
                Ok(Value::str(""))
            }
            Params::Named { names, values } => names
                .iter()
                .position(|n| crate::eval::value::same_text(n, name))
                .and_then(|i| values.get(i))
                .cloned()
                .ok_or_else(|| format!("internal error: the parameter {name} was not prepared")),
        }
    }

    /// `$input.params()`: the map of the three maps.
    fn all_params(&self) -> Result<Value, String> {
        match self.params()? {
            Params::All { all, .. } => Ok(all.clone()),
            Params::Named { .. } => {
                Err("internal error: the request parameters were not prepared".into())
            }
        }
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

    fn call(&self, name: &str, args: &[Value], budget: &Budget) -> CallResult {
        match (name, args) {
            ("getBody", []) => Some(Ok(self.body_value())),
            ("params", []) => Some(self.all_params().map_err(CallError::Java)),
            ("params", [_]) => {
                let n = str_arg(args)??;
                Some(self.param(n).map_err(CallError::Java))
            }
            ("json", [_]) => Some(
                path_arg(args)?
                    .map_err(CallError::Java)
                    .and_then(|p| self.json(p, budget)),
            ),
            ("path", [_]) => Some(
                path_arg(args)?
                    .map_err(CallError::Java)
                    .and_then(|p| self.path(p, budget)),
            ),
            _ => None,
        }
    }

    fn write_call(
        &self,
        name: &str,
        args: &[Value],
        out: &mut String,
        budget: &Budget,
    ) -> Option<Result<(), CallError>> {
        match (name, args) {
            ("json", [_]) => Some(
                path_arg(args)?
                    .map_err(CallError::Java)
                    .and_then(|p| self.write_json(p, out, budget)),
            ),
            _ => None,
        }
    }

    fn write_escaped_call(
        &self,
        name: &str,
        args: &[Value],
        out: &mut String,
        budget: &Budget,
    ) -> Option<Result<(), CallError>> {
        // The whole body, not yet parsed: validate, compact and escape in one
        // pass; anything else is the usual call, then escaped.
        let ("json", [Value::Str(path)]) = (name, args) else {
            return None;
        };
        match json::compact_escaped(self.unparsed_whole(path)?, out, budget) {
            Ok(true) => Some(Ok(())),
            Ok(false) => None,
            Err(e) => Some(Err(e.into())),
        }
    }

    fn to_java_string(&self) -> String {
        "com.amazonaws.apigateway.Input".into()
    }

    fn for_each_value(&self, f: &mut dyn FnMut(&Value)) {
        if let Ok(doc) = self.doc.try_borrow() {
            if let Some(Ok(d)) = doc.as_ref() {
                f(d);
            }
        }
        match &self.params {
            Some(Params::All {
                all,
                path,
                query,
                header,
            }) => {
                for v in [all, path, query, header] {
                    f(v);
                }
            }
            Some(Params::Named { values, .. }) => values.iter().for_each(f),
            None => {}
        }
    }
}

/// Applies `f` to `s` a chunk at a time (cut at character boundaries),
/// charging `budget` for what each chunk adds to `out`: `f` must treat each
/// character on its own.
#[inline]
fn chunked(
    s: &str,
    out: &mut String,
    budget: &Budget,
    f: fn(&str, &mut String),
) -> Result<(), Exceeded> {
    budget.scan(s.len())?;
    if s.len() <= CHUNK {
        // One chunk (most arguments: a parameter, a body's string).
        let before = out.len();
        f(s, out);
        return budget.alloc(out.len() - before);
    }
    let mut rest = s;
    while !rest.is_empty() {
        let mut cut = rest.len().min(CHUNK);
        while cut > 0 && !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        if cut == 0 {
            cut = rest.len();
        }
        let (piece, tail) = rest.split_at(cut);
        let before = out.len();
        f(piece, out);
        budget.alloc(out.len() - before)?;
        rest = tail;
    }
    Ok(())
}

/// A `$util` function that builds a string a chunk at a time.
fn chunked_value(s: &str, budget: &Budget, f: fn(&str, &mut String)) -> Result<Value, CallError> {
    // Room for the text and a half: a long result is not copied at each doubling.
    let mut out = String::with_capacity(s.len().saturating_add(s.len() / 2));
    chunked(s, &mut out, budget, f)?;
    Ok(Value::str(&out))
}

/// `$util`: the six functions API Gateway has. Any other name is null, silently.
#[derive(Debug)]
pub(crate) struct Util;

impl HostObject for Util {
    fn property(&self, _name: &str) -> Option<Value> {
        None
    }

    /// Each function is charged a scan of its argument and what it builds, as
    /// it builds it.
    fn call(&self, name: &str, args: &[Value], budget: &Budget) -> CallResult {
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
        // What decoding builds is at most the argument's size.
        let shrinking = |f: fn(&str) -> Result<String, String>| {
            budget.build(s.len())?;
            budget.scan(s.len())?;
            f(s).map(|v| Value::str(&v)).map_err(CallError::Java)
        };
        Some(match name {
            "escapeJavaScript" => chunked_value(s, budget, util::escape_javascript_into),
            "urlEncode" => chunked_value(s, budget, util::url_encode_into),
            "urlDecode" => shrinking(util::url_decode),
            "base64Encode" => budget
                .build(s.len().div_ceil(3).saturating_mul(4))
                .map_err(CallError::from)
                .map(|()| Value::str(&util::base64_encode(s))),
            "base64Decode" => shrinking(util::base64_decode),
            // Read as a body is (objects and arrays built on first use),
            // from a copy of the string that the values it holds share.
            "parseJson" => {
                let read = budget
                    .build(s.len())
                    .map_err(json::JsonError::Limit)
                    .and_then(|()| json::parse_lazy(&Arc::from(s), budget));
                read.map_err(|e| match e {
                    json::JsonError::Invalid(m) => CallError::Java(m),
                    json::JsonError::Limit(e) => CallError::from(e),
                })
            }
            _ => return None,
        })
    }

    fn write_call(
        &self,
        name: &str,
        args: &[Value],
        out: &mut String,
        budget: &Budget,
    ) -> Option<Result<(), CallError>> {
        match (name, args) {
            ("escapeJavaScript", [Value::Str(s)]) => {
                Some(chunked(s, out, budget, util::escape_javascript_into).map_err(CallError::from))
            }
            _ => None,
        }
    }

    fn write_str_call(
        &self,
        name: &str,
        arg: &str,
        out: &mut String,
        budget: &Budget,
    ) -> Option<Result<(), Box<CallError>>> {
        (name == "escapeJavaScript").then(|| {
            chunked(arg, out, budget, util::escape_javascript_into)
                .map_err(|e| Box::new(CallError::from(e)))
        })
    }

    fn str_writer(&self, name: &str) -> Option<fn(&str, &mut String)> {
        // What `write_str_call` does in one chunk.
        (name == "escapeJavaScript")
            .then_some(util::escape_javascript_into as fn(&str, &mut String))
    }

    fn escapes_javascript(&self, name: &str) -> bool {
        name == "escapeJavaScript"
    }

    fn to_java_string(&self) -> String {
        "com.amazonaws.apigateway.Util".into()
    }
}
