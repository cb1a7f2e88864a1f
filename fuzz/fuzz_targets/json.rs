//! The body reader: json-smart's permissive parse, and the one-pass compaction
//! of `$input.json('$')`, which must write exactly what parsing and writing
//! back writes whenever it takes the text; escaped for JavaScript in the same
//! pass (`$util.escapeJavaScript($input.json('$'))`), exactly what escaping
//! that text writes, taking the same texts. The reader of request bodies,
//! which builds objects and arrays on first use, agrees with the whole
//! parse: the same error, or the same values, read member by member first
//! (and members printed, or escaped for JavaScript, from the body's text
//! print as the values do, or as escaping them does).
//!
//! `cargo +nightly fuzz run json` (see fuzz/README.md).

#![no_main]

#[path = "common.rs"]
mod common;

use apigw_vtl::eval::budget::Budget;
use apigw_vtl::eval::value::{Key, Value};
use apigw_vtl::runtime::{json, util};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let limits = common::limits();
    let budget = Budget::new(limits.steps_max, limits.memory_max);
    let parsed = json::parse_with_budget(text, &budget);
    let lazy = json::parse_lazy(
        &std::sync::Arc::from(text),
        &Budget::new(limits.steps_max, limits.memory_max),
    );
    match (&parsed, &lazy) {
        (Ok(whole), Ok(lazy)) => {
            if let (Value::Map(w), Value::Map(l)) = (whole, lazy) {
                for (k, v) in w.borrow().entries.iter() {
                    if let Key::Str(k) = k {
                        // Printed, or handed over as text, from the body.
                        let mut out = String::new();
                        if l.borrow().write_member(k, &mut out) {
                            assert_eq!(out, v.to_java_string(), "member {k} of {text:?}");
                        }
                        let mut seen = None;
                        if l.borrow()
                            .with_str_member(k, &mut |s| seen = Some(s.to_string()))
                        {
                            assert!(matches!(v, Value::Str(_)), "member {k} of {text:?}");
                            assert_eq!(seen.as_deref(), Some(&*v.to_java_string()));
                        }
                        // Escaped for JavaScript straight from the body's
                        // text: as escaping the decoded string.
                        let mut escaped = String::new();
                        let len = match l.borrow().str_member_to_escape(k) {
                            Some(m) => m.write_js_escaped(&mut escaped),
                            None => None,
                        };
                        if let (Some(len), Value::Str(s)) = (len, v) {
                            assert_eq!(
                                escaped,
                                util::escape_javascript(s),
                                "member {k} of {text:?}"
                            );
                            assert_eq!(len, s.len(), "member {k} of {text:?}");
                        }
                        let read = l.borrow().get_str(k);
                        assert_eq!(
                            read.to_json_string(),
                            v.to_json_string(),
                            "member {k} of {text:?}"
                        );
                    }
                }
            }
            assert_eq!(lazy.to_json_string(), whole.to_json_string(), "{text:?}");
            assert_eq!(lazy.to_java_string(), whole.to_java_string(), "{text:?}");
        }
        (Err(json::JsonError::Invalid(a)), Err(json::JsonError::Invalid(b))) => {
            assert_eq!(a, b, "{text:?}")
        }
        // Limits: the body reader charges escaped strings as written.
        (Err(json::JsonError::Limit(_)), _) | (_, Err(json::JsonError::Limit(_))) => {}
        _ => panic!("the readers disagree on {text:?}: {parsed:?} / {lazy:?}"),
    }
    let mut fast = String::new();
    let compacted = json::compact(text, &mut fast, &Budget::unmetered());
    if let (Ok(true), Ok(v)) = (compacted, &parsed) {
        let mut slow = String::new();
        if v.write_json(&mut slow, &Budget::unmetered()).is_ok() {
            assert_eq!(
                fast, slow,
                "compact and parse-then-write differ on {text:?}"
            );
        }
    }
    let mut escaped = String::new();
    let took = json::compact_escaped(text, &mut escaped, &Budget::unmetered());
    assert_eq!(
        took, compacted,
        "compact and compact_escaped disagree on {text:?}"
    );
    let expected = match took {
        Ok(true) => util::escape_javascript(&fast),
        _ => String::new(),
    };
    assert_eq!(
        escaped, expected,
        "compact_escaped is not escapeJavaScript(compact) on {text:?}"
    );
});
