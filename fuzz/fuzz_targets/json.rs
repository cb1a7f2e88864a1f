//! The body reader: json-smart's permissive parse, and the one-pass compaction
//! of `$input.json('$')`, which must write exactly what parsing and writing
//! back writes whenever it takes the text.
//!
//! `cargo +nightly fuzz run json` (see fuzz/README.md).

#![no_main]

#[path = "common.rs"]
mod common;

use apigw_vtl::eval::budget::Budget;
use apigw_vtl::runtime::json;
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
});
