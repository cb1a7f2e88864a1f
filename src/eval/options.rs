//! What a render may do: how nulls print and the limits that bound it.

/// How null and undefined references print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NullMode {
    /// API Gateway: as empty text; `null == ""` is true; a null reference is
    /// true in `#if`, `&&`, `||` (and `!` of it false); `#macro` and
    /// `#evaluate` are not executed and print as written.
    #[default]
    ApiGateway,
    /// Stock Velocity 1.7: a null reference prints its source text (`$missing`);
    /// `#macro` and `#evaluate` run.
    Velocity,
    /// API Gateway's semantics, except that a null reference prints `null`: for
    /// tools that check the structure of the output whatever the data (lint).
    JsonNull,
}

/// Limits that bound every render. All are checked; exceeding one is an error
/// except `foreach_max`, which stops the loop as API Gateway does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Iterations per `#foreach` (API Gateway: 1000). The loop stops there.
    pub foreach_max: usize,
    /// Bytes of output (default 64 MiB).
    pub output_max: usize,
    /// Nesting of evaluation: macro calls, `#evaluate`, interpolated strings, `#define` (default 64).
    pub depth_max: usize,
    /// Template source size in bytes (API Gateway: 300 KB = 307,200 bytes).
    pub template_max: usize,
    /// Elements of one `[a..b]` range (default 1,000,000).
    pub range_max: usize,
    /// Evaluation steps of one render: nodes and expressions visited, loop
    /// iterations, elements and bytes (one per 64) that methods, JSONPath and
    /// printing go through (default 10,000,000). See [`super::budget`].
    pub steps_max: u64,
    /// Bytes one render may build: strings, list and map slots, parsed body
    /// nodes, output, the request body itself. Counted as built and never
    /// refunded, so a render never holds more (default 256 MiB). See [`super::budget`].
    pub memory_max: usize,
}

impl Limits {
    /// A fresh budget of these limits' steps and memory, for one render.
    pub fn budget(&self) -> super::budget::Budget {
        super::budget::Budget::new(self.steps_max, self.memory_max)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            foreach_max: 1000,
            output_max: 64 << 20,
            depth_max: 64,
            template_max: 300 * 1024,
            range_max: 1_000_000,
            steps_max: 10_000_000,
            memory_max: 256 << 20,
        }
    }
}

/// Options of one render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RenderOptions {
    pub null_mode: NullMode,
    pub limits: Limits,
}
