//! A gateway render: `template NUL body NUL header lines (Name: value)`.
//! Rendered as a mapping template in API Gateway's and stock Velocity's null
//! modes, and as a bare template: nothing may panic, overrun the stack or the
//! limits; errors carry a position.
//!
//! `cargo +nightly fuzz run render -- -dict=fuzz/vtl.dict` (see fuzz/README.md).

#![no_main]

#[path = "common.rs"]
mod common;

use apigw_vtl::runtime::{MappingTemplate, Request};
use apigw_vtl::{Context, NullMode, RenderOptions, Template};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let parts = common::parts(src, 3);
    let template = parts.first().copied().unwrap_or("");
    let limits = common::limits();
    let Ok(m) = MappingTemplate::parse_with(template, &limits) else {
        return;
    };
    let mut req = Request::default();
    req.body = parts.get(1).map(|b| (*b).into());
    for line in parts.get(2).copied().unwrap_or("").lines().take(8) {
        if let Some((k, v)) = line.split_once(':') {
            req.headers.insert(k.into(), v.trim_start().into());
        }
    }
    req.query.insert("q".into(), "1".into());
    req.path_params.insert("id".into(), "a/b".into());
    req.stage_variables.insert("env".into(), "dev".into());
    for mode in [NullMode::ApiGateway, NullMode::Velocity] {
        if let Ok(out) = m.render(&req, &common::gateway(mode)) {
            assert!(out.body.len() <= limits.output_max, "output over the limit");
        }
    }
    if let Ok(t) = Template::parse_with(template, &limits) {
        let _ = t.render_with(
            &Context::new(),
            &RenderOptions {
                null_mode: NullMode::Velocity,
                limits,
            },
        );
    }
});
