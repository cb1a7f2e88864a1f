//! What the targets share: small limits, so that each run is short and the
//! fuzzer makes hundreds of thousands of runs a second where the input allows.

use apigw_vtl::runtime::GatewayOptions;
use apigw_vtl::{Limits, NullMode, RenderOptions};

/// Limits far below the defaults: the same code paths, a thousandth of the work.
#[allow(dead_code)]
pub fn limits() -> Limits {
    Limits {
        foreach_max: 20,
        output_max: 16 * 1024,
        depth_max: 16,
        template_max: 16 * 1024,
        range_max: 1_000,
        steps_max: 5_000,
        memory_max: 256 * 1024,
    }
}

#[allow(dead_code)]
pub fn gateway(null_mode: NullMode) -> GatewayOptions {
    GatewayOptions {
        render: RenderOptions {
            null_mode,
            limits: limits(),
        },
        body_max: 16 * 1024,
    }
}

/// The parts of an input separated by NUL characters (at most `n`; the last
/// takes the rest).
#[allow(dead_code)]
pub fn parts(src: &str, n: usize) -> Vec<&str> {
    src.splitn(n, '\0').collect()
}
