//! Each `$util` function on any string, with the properties the Java
//! functions have: URL decoding undoes URL encoding, Base64 decoding undoes
//! Base64 encoding, escapeJavaScript leaves only printable ASCII.
//!
//! `cargo +nightly fuzz run util` (see fuzz/README.md).

#![no_main]

use apigw_vtl::runtime::util;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let escaped = util::escape_javascript(s);
    assert!(
        escaped.bytes().all(|b| (0x20..=0x7f).contains(&b)),
        "escapeJavaScript left a raw character in {escaped:?}"
    );
    let encoded = util::url_encode(s);
    assert_eq!(util::url_decode(&encoded).as_deref(), Ok(s), "URL round trip");
    let _ = util::url_decode(s);
    let b64 = util::base64_encode(s);
    assert_eq!(util::base64_decode(&b64).as_deref(), Ok(s), "Base64 round trip");
    let _ = util::base64_decode(s);
    let _ = util::parse_json(s);
});
