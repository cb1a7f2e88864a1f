use super::*;

#[test]
fn smoke() {
    assert!(parse("a").is_ok());
}
