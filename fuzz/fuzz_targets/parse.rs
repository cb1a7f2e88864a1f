//! Parses arbitrary UTF-8 and, when it parses, renders it in both null modes with
//! small limits, as a bare template and as a mapping template against a request
//! with a JSON body. Nothing may panic; errors are fine.
//!
//! `cargo +nightly fuzz run parse` (from the repository root).

#![no_main]

use apigw_vtl::runtime::{GatewayOptions, MappingTemplate, Request};
use apigw_vtl::{Context, Limits, NullMode, RenderOptions, Template};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let limits = Limits {
        foreach_max: 50,
        output_max: 64 * 1024,
        depth_max: 16,
        template_max: 64 * 1024,
        range_max: 10_000,
        steps_max: 200_000,
        memory_max: 4 << 20,
    };
    let Ok(t) = Template::parse_with(src, &limits) else {
        return;
    };
    let ctx = Context::new();
    for null_mode in [NullMode::ApiGateway, NullMode::Velocity] {
        let _ = t.render_with(&ctx, &RenderOptions { null_mode, limits });
    }
    if let Ok(m) = MappingTemplate::parse_with(src, &limits) {
        let mut req = Request::default();
        req.body = Some(r#"{"a":[1,{"b":"x/y"}],"s":"é'\"","n":null}"#.into());
        req.headers.insert("Accept".into(), "application/json".into());
        req.query.insert("q".into(), "1".into());
        req.stage_variables.insert("env".into(), "dev".into());
        let opts = GatewayOptions {
            render: RenderOptions {
                null_mode: NullMode::ApiGateway,
                limits,
            },
            ..GatewayOptions::default()
        };
        let _ = m.render(&req, &opts);
    }
});
