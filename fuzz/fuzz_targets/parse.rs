//! The parser over any UTF-8: it must answer (a tree or an error with a
//! position inside the text), never panic, and stay within its limits; and
//! the program it builds for rendering must be the one the compile pass
//! makes of the syntax tree the linter reads.
//!
//! `cargo +nightly fuzz run parse -- -dict=fuzz/vtl.dict` (see fuzz/README.md).

#![no_main]

#[path = "common.rs"]
mod common;

use apigw_vtl::Template;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    match Template::parse_with(src, &common::limits()) {
        Ok(t) => {
            let _ = t.ast();
            if let Err(e) = apigw_vtl::fuzzing::direct_build_agrees(src) {
                panic!("{e}");
            }
        }
        Err(e) => {
            assert!(e.span.end as usize <= src.len(), "span past the end: {e:?}");
            assert!(e.pos.line >= 1 && e.pos.column >= 1, "{e:?}");
        }
    }
});
