fn main() {
    std::process::exit(apigw_vtl_cli::run());
}
mod apigw_vtl_cli {
    pub fn run() -> i32 {
        0
    }
}
