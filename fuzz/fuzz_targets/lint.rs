//! Lint extraction from documents: the first byte picks JSON or YAML, the
//! rest is the document. Every template found must point inside the text.
//!
//! `cargo +nightly fuzz run lint -- -dict=fuzz/lint.dict` (see fuzz/README.md).

#![no_main]

use apigw_vtl::lint::extract;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let name = match kind % 3 {
        0 => "api.json",
        1 => "template.yaml",
        _ => "serverless.yml",
    };
    if let Ok(templates) = extract::extract(std::path::Path::new(name), text) {
        for t in &templates {
            for seg in t.map.segments() {
                assert!(
                    seg.file.start <= seg.file.end && seg.file.end <= text.len(),
                    "segment {seg:?} outside the {}-byte document",
                    text.len()
                );
            }
            let _ = t.map.file_offset(t.source.len());
        }
    }
});
