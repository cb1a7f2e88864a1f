//! The `apigw-vtl` command line: a thin layer over the library.

mod cli;

/// A render allocates many small values and frees them together; mimalloc does
/// that markedly faster than the system allocator (see the Performance section).
/// Its v2 line (the `v2` feature): v3 shares state between threads, and two
/// threads rendering a short template got 1.2-1.7x the throughput of one,
/// against 1.8-2.1x with v2, at the same speed on one thread; and a 10 MB
/// pass-through peaked at 48.9 MB, against 34.8 MB with v2.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::run());
}
