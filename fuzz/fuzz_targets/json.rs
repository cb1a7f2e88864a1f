//! The body reader: json-smart's permissive parse, and the one-pass compaction
//! of `$input.json('$')`, which must write exactly what parsing and writing
//! back writes whenever it takes the text; escaped for JavaScript in the same
//! pass (`$util.escapeJavaScript($input.json('$'))`), exactly what escaping
//! that text writes, taking the same texts.
//!
//! `cargo +nightly fuzz run json` (see fuzz/README.md).

#![no_main]

#[path = "common.rs"]
mod common;

use apigw_vtl::eval::budget::Budget;
use apigw_vtl::runtime::{json, util};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let limits = common::limits();
    let budget = Budget::new(limits.steps_max, limits.memory_max);
    let parsed = json::parse_with_budget(text, &budget);
    let mut fast = String::new();
    let compacted = json::compact(text, &mut fast, &Budget::unmetered());
    if let (Ok(true), Ok(v)) = (compacted, &parsed) {
        let mut slow = String::new();
        if v.write_json(&mut slow, &Budget::unmetered()).is_ok() {
            assert_eq!(fast, slow, "compact and parse-then-write differ on {text:?}");
        }
    }
    let mut escaped = String::new();
    let took = json::compact_escaped(text, &mut escaped, &Budget::unmetered());
    assert_eq!(took, compacted, "compact and compact_escaped disagree on {text:?}");
    let expected = match took {
        Ok(true) => util::escape_javascript(&fast),
        _ => String::new(),
    };
    assert_eq!(escaped, expected, "compact_escaped is not escapeJavaScript(compact) on {text:?}");
});
