//! The `apigw-vtl` command line: a thin layer over the library.

mod cli;

/// A render allocates many small values and frees them together; mimalloc does
/// that markedly faster than the system allocator (see the Performance section).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::run());
}
