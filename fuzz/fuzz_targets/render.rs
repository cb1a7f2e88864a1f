//! A gateway render: `template NUL body NUL header lines (Name: value)`.
//! The input's length picks one of three renders: a mapping template in API
//! Gateway's null mode, in stock Velocity's, or a bare template (one render per
//! input, so that the fuzzer's mutations reach all three at the cost of one).
//! Nothing may panic, overrun the stack or the limits.
//!
//! `cargo +nightly fuzz run render -- -dict=fuzz/vtl.dict` (see fuzz/README.md).

#![no_main]

#[path = "common.rs"]
mod common;

use apigw_vtl::runtime::{MappingTemplate, Request};

/// An event whose requestContext has each kind of value `$context` reads: a
/// nested map (`identity`), `authorizer` (stringified) with a map inside, a
/// number, nulls at the top and inside, a list.
const EVENT: &str = r#"{"requestContext": {"apiId": "a1", "stage": "dev",
  "requestTimeEpoch": 1795576753000, "extendedRequestId": null,
  "identity": {"sourceIp": "198.51.100.7", "user": null, "userAgent": "curl/8"},
  "authorizer": {"principalId": "u1", "n": 3, "claims": {"sub": "x", "email": "a@b"}},
  "list": [1, "a", null]}}"#;
use apigw_vtl::{Context, NullMode, RenderOptions, Template};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let parts = common::parts(src, 3);
    let template = parts.first().copied().unwrap_or("");
    let limits = common::limits();
    match data.len() % 3 {
        2 => {
            if let Ok(t) = Template::parse_with(template, &limits) {
                if let Ok(out) = t.render_with(
                    &Context::new(),
                    &RenderOptions {
                        null_mode: NullMode::Velocity,
                        limits,
                    },
                ) {
                    assert!(out.len() <= limits.output_max, "output over the limit");
                }
            }
        }
        n => {
            let Ok(m) = MappingTemplate::parse_with(template, &limits) else {
                return;
            };
            let mut req = Request::from_event_json(EVENT).unwrap_or_default();
            req.body = parts.get(1).map(|b| (*b).into());
            for line in parts.get(2).copied().unwrap_or("").lines().take(8) {
                if let Some((k, v)) = line.split_once(':') {
                    req.headers.insert(k.into(), v.trim_start().into());
                }
            }
            req.query.insert("q".into(), "1".into());
            req.path_params.insert("id".into(), "a/b".into());
            req.stage_variables.insert("env".into(), "dev".into());
            let mode = if n == 0 {
                NullMode::ApiGateway
            } else {
                NullMode::Velocity
            };
            if let Ok(out) = m.render(&req, &common::gateway(mode)) {
                assert!(out.body.len() <= limits.output_max, "output over the limit");
            }
        }
    }
});
