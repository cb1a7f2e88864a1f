//! JSONPath: `path NUL document`. The path compiles or fails with an offset
//! inside it; the document is read as json-smart reads it; the selection is
//! printed; all within a small budget.
//!
//! `cargo +nightly fuzz run jsonpath -- -dict=fuzz/jsonpath.dict` (see fuzz/README.md).

#![no_main]

#[path = "common.rs"]
mod common;

use apigw_vtl::eval::budget::Budget;
use apigw_vtl::runtime::json;
use apigw_vtl::runtime::jsonpath::JsonPath;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let parts = common::parts(src, 2);
    let path = parts.first().copied().unwrap_or("");
    let doc_text = parts.get(1).copied().unwrap_or("{}");
    let p = match JsonPath::compile(path) {
        Ok(p) => p,
        Err(e) => {
            assert!(e.offset <= path.chars().count() + 2, "{e:?}");
            return;
        }
    };
    let limits = common::limits();
    let budget = Budget::new(limits.steps_max, limits.memory_max);
    let Ok(doc) = json::parse_with_budget(doc_text, &budget) else {
        return;
    };
    if let Ok(sel) = p.select_with_budget(&doc, &budget) {
        if let Some(v) = sel.into_value() {
            let mut out = String::new();
            let _ = v.write_json(&mut out, &budget);
            let _ = v.write_java(&mut out, &budget);
        }
    }
});
