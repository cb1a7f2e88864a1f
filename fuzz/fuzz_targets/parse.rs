//! Parses arbitrary UTF-8 and, when it parses, renders it in both null modes with
//! small limits. Neither may panic; errors are fine.
//!
//! `cargo +nightly fuzz run parse` (from the repository root).

#![no_main]

use apigw_vtl::{Context, Limits, NullMode, RenderOptions, Template};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(t) = Template::parse(src) else {
        return;
    };
    let limits = Limits {
        foreach_max: 50,
        output_max: 64 * 1024,
        depth_max: 16,
        template_max: 64 * 1024,
    };
    let ctx = Context::new();
    for null_mode in [NullMode::ApiGateway, NullMode::Velocity] {
        let _ = t.render_with(&ctx, &RenderOptions { null_mode, limits });
    }
});
