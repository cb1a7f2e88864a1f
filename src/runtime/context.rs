//! `$context` and `$stageVariables`, and the overrides a template sets.
//!
//! `$context` is built from the event's `requestContext`:
//! - top-level keys whose value is null or absent are absent (`$context.keySet()`
//!   lists only keys with a value, as recorded against AWS);
//! - nested nulls (`identity.accessKey`, …) are empty strings;
//! - `authorizer.*` values are strings (numbers and booleans stringified, as AWS
//!   documents), `authorizer.claims` stays a map of strings;
//! - `requestOverride` holds `header`, `querystring` and `path` maps and
//!   `responseOverride` a `header` map (plus `status` once set). Setting the same
//!   override twice is an error, as on AWS (which answers 5XX).

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use indexmap::IndexMap;

use crate::eval::methods;
use crate::eval::value::{HostObject, Key, StrKey, Value};

/// A map whose entries may each be set once (`$context.requestOverride.header` …).
#[derive(Debug)]
pub(crate) struct OverrideMap {
    name: &'static str,
    map: Value,
    set: RefCell<HashSet<Key>>,
}

impl OverrideMap {
    pub(crate) fn new(name: &'static str, entries: crate::eval::value::Entries) -> Rc<OverrideMap> {
        Rc::new(OverrideMap {
            name,
            map: Value::new_map(entries),
            set: RefCell::new(HashSet::new()),
        })
    }

    fn first_set(&self, key: Key) -> Result<(), String> {
        let shown = key.to_value().to_java_string();
        if self.set.borrow_mut().insert(key) {
            Ok(())
        } else {
            Err(format!(
                "$context.{}.{shown} is overridden twice: API Gateway allows each override once",
                self.name
            ))
        }
    }

    /// The entries as they stand.
    pub(crate) fn value(&self) -> &Value {
        &self.map
    }
}

impl HostObject for OverrideMap {
    fn property(&self, name: &str) -> Option<Value> {
        methods::get_property(&self.map, name)
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        if name == "put" {
            if let [k, _] = args {
                if let Err(e) = self.first_set(k.to_key()) {
                    return Some(Err(e));
                }
            }
        }
        methods::call_method(&self.map, name, args)
    }

    fn to_java_string(&self) -> String {
        self.map.to_java_string()
    }

    fn set_property(&self, name: &str, value: Value) -> Option<Result<(), String>> {
        if let Err(e) = self.first_set(Key::str(name)) {
            return Some(Err(e));
        }
        methods::set_property(&self.map, name, value)
    }
}

fn stringify(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::str(""),
        serde_json::Value::String(s) => Value::str(s),
        serde_json::Value::Object(o) => {
            let mut m = crate::eval::value::entries_with_capacity(o.len());
            for (k, v) in o {
                m.insert(Key::str(k), stringify(v));
            }
            Value::new_map(m)
        }
        other => Value::str(&other.to_string()),
    }
}

fn no_nulls(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::str(""),
        serde_json::Value::Object(o) => {
            let mut m = crate::eval::value::entries_with_capacity(o.len());
            for (k, v) in o {
                m.insert(Key::str(k), no_nulls(v));
            }
            Value::new_map(m)
        }
        other => Value::from_json(other),
    }
}

/// The per-render `$context` and handles on its override maps.
pub(crate) struct ContextValue {
    pub(crate) value: Value,
    pub(crate) request: [Rc<OverrideMap>; 3],
    pub(crate) response: Rc<OverrideMap>,
    pub(crate) response_header: Rc<OverrideMap>,
}

pub(crate) fn build_context(rc: &serde_json::Map<String, serde_json::Value>) -> ContextValue {
    let mut m = crate::eval::value::entries_with_capacity(rc.len() + 2);
    for (k, v) in rc {
        if v.is_null() || k == "requestOverride" || k == "responseOverride" {
            continue;
        }
        let value = if k == "authorizer" {
            stringify(v)
        } else {
            no_nulls(v)
        };
        m.insert(Key::str(k), value);
    }
    let header = OverrideMap::new("requestOverride.header", Default::default());
    let querystring = OverrideMap::new("requestOverride.querystring", Default::default());
    let path = OverrideMap::new("requestOverride.path", Default::default());
    let mut ro = crate::eval::value::Entries::default();
    ro.insert(Key::str("header"), Value::Object(header.clone()));
    ro.insert(Key::str("querystring"), Value::Object(querystring.clone()));
    ro.insert(Key::str("path"), Value::Object(path.clone()));
    m.insert(Key::str("requestOverride"), Value::new_map(ro));
    let response_header = OverrideMap::new("responseOverride.header", Default::default());
    let mut so = crate::eval::value::Entries::default();
    so.insert(Key::str("header"), Value::Object(response_header.clone()));
    let response = OverrideMap::new("responseOverride", so);
    m.insert(
        Key::str("responseOverride"),
        Value::Object(response.clone()),
    );
    ContextValue {
        value: Value::new_map(m),
        request: [header, querystring, path],
        response,
        response_header,
    }
}

impl ContextValue {
    /// The overrides the template set.
    pub(crate) fn overrides(&self) -> super::Overrides {
        let [h, q, p] = &self.request;
        let mut response_header = entries(&self.response_header);
        let response_status = match self.response.value() {
            Value::Map(m) => m
                .borrow()
                .entries
                .get(&StrKey("status"))
                .filter(|v| !v.is_null())
                .map(Value::to_java_string),
            _ => None,
        };
        response_header.retain(|_, v| !v.is_empty());
        super::Overrides {
            request_header: entries(h),
            request_querystring: entries(q),
            request_path: entries(p),
            response_header,
            response_status,
        }
    }
}

fn entries(m: &OverrideMap) -> IndexMap<String, Vec<String>> {
    let mut out = IndexMap::new();
    if let Value::Map(map) = m.value() {
        for (k, v) in &map.borrow().entries {
            let values = match v {
                Value::Null => continue,
                Value::List(l) => l.borrow().items.iter().map(Value::to_java_string).collect(),
                other => vec![other.to_java_string()],
            };
            out.insert(k.to_value().to_java_string(), values);
        }
    }
    out
}

/// `$stageVariables`: a map of strings.
pub(crate) fn stage_variables(vars: &IndexMap<String, String>) -> Value {
    let mut m = crate::eval::value::entries_with_capacity(vars.len());
    for (k, v) in vars {
        m.insert(Key::str(k), Value::str(v));
    }
    Value::new_map(m)
}
