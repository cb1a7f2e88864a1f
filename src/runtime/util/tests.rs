use super::*;
use proptest::prelude::*;

type Case = (
    &'static str,
    &'static str,
    Result<&'static str, &'static str>,
);

/// `$util.<fn>('input')` → output or `IllegalArgumentException` message.
// expected: oracle
const CASES: &[Case] = &[
    ("escape_javascript", "a'b\"c\\d/e\u{8}\u{c}\u{a}\u{d}\u{9}\u{1}\u{1f} x\u{7f}\u{80}\u{e9}\u{20ac}\u{1f600}~", Ok("a\\'b\\\"c\\\\d\\/e\\b\\f\\n\\r\\t\\u0001\\u001F x\u{7f}\\u0080\\u00E9\\u20AC\\uD83D\\uDE00~")),
    ("escape_javascript", "", Ok("")),
    ("escape_javascript", "plain", Ok("plain")),
    ("escape_javascript", "</script>", Ok("<\\/script>")),
    ("escape_javascript", "\u{ff}\u{100}\u{ffff}", Ok("\\u00FF\\u0100\\uFFFF")),
    ("url_encode", "a b~*._-!'()&=+/?%\u{e9}\u{20ac}\u{1f600}", Ok("a+b%7E*._-%21%27%28%29%26%3D%2B%2F%3F%25%C3%A9%E2%82%AC%F0%9F%98%80")),
    ("url_encode", "", Ok("")),
    ("url_encode", "AZaz09", Ok("AZaz09")),
    ("url_encode", "\u{9}\u{a}", Ok("%09%0A")),
    ("url_encode", "\u{7f}", Ok("%7F")),
    ("url_decode", "a+b%20%7e%C3%A9%e2%82%ac%F0%9F%98%80", Ok("a b ~\u{e9}\u{20ac}\u{1f600}")),
    ("url_decode", "%ff%fe", Ok("\u{fffd}\u{fffd}")),
    ("url_decode", "%C3", Ok("\u{fffd}")),
    ("url_decode", "%G1", Err("URLDecoder: Illegal hex characters in escape (%) pattern - Error at index 0 in: \"G1\"")),
    ("url_decode", "abc%", Err("URLDecoder: Incomplete trailing escape (%) pattern")),
    ("url_decode", "abc%4", Err("URLDecoder: Incomplete trailing escape (%) pattern")),
    ("url_decode", "%-1", Err("URLDecoder: Illegal hex characters in escape (%) pattern - negative value")),
    ("url_decode", "\u{e9}+%41", Ok("\u{e9} A")),
    ("url_decode", "%ED%A0%80", Ok("\u{fffd}")),
    ("url_decode", "%+1", Ok("\u{1}")),
    ("url_decode", "%E2%82", Ok("\u{fffd}")),
    ("url_decode", "%F0%9F%98", Ok("\u{fffd}")),
    ("url_decode", "%F0%9F", Ok("\u{fffd}")),
    ("url_decode", "%F5%80%80%80", Ok("\u{fffd}\u{fffd}\u{fffd}\u{fffd}")),
    ("url_decode", "%C0%80", Ok("\u{fffd}\u{fffd}")),
    ("url_decode", "%E0%80%80", Ok("\u{fffd}\u{fffd}\u{fffd}")),
    ("url_decode", "%F4%90%80%80", Ok("\u{fffd}\u{fffd}\u{fffd}\u{fffd}")),
    ("url_decode", "%80%80", Ok("\u{fffd}\u{fffd}")),
    ("url_decode", "%E2%28%A1", Ok("\u{fffd}(\u{fffd}")),
    ("url_decode", "%%", Err("URLDecoder: Incomplete trailing escape (%) pattern")),
    ("url_decode", "%1", Err("URLDecoder: Incomplete trailing escape (%) pattern")),
    ("url_decode", "plain", Ok("plain")),
    ("url_decode", "%ef%bc%a1", Ok("\u{ff21}")),
    ("url_decode", "%\u{ff21}\u{ff11}", Ok("\u{fffd}")),
    ("url_decode", "100%", Err("URLDecoder: Incomplete trailing escape (%) pattern")),
    ("base64_encode", "hello \u{e9}\u{1f600}", Ok("aGVsbG8gw6nwn5iA")),
    ("base64_encode", "", Ok("")),
    ("base64_encode", "a", Ok("YQ==")),
    ("base64_encode", "ab", Ok("YWI=")),
    ("base64_encode", "abc", Ok("YWJj")),
    ("base64_encode", "abcd", Ok("YWJjZA==")),
    ("base64_decode", "aGVsbG8=", Ok("hello")),
    ("base64_decode", "aGVsbG8", Ok("hello")),
    ("base64_decode", "aGVsbA", Ok("hell")),
    ("base64_decode", "aGVsbA=", Err("Input byte array has wrong 4-byte ending unit")),
    ("base64_decode", "aGVs bG8=", Err("Illegal base64 character 20")),
    ("base64_decode", "aGVsbG8=\u{a}", Err("Input byte array has incorrect ending byte at 8")),
    ("base64_decode", "a-_b", Err("Illegal base64 character 2d")),
    ("base64_decode", "a", Err("Input byte[] should at least have 2 bytes for base64 bytes")),
    ("base64_decode", "//79", Ok("\u{fffd}\u{fffd}\u{fffd}")),
    ("base64_decode", "aGVsbG8==", Err("Input byte array has incorrect ending byte at 8")),
    ("base64_decode", "aGVsbG8=x", Err("Input byte array has incorrect ending byte at 8")),
    ("base64_decode", "", Ok("")),
    ("base64_decode", "aGk=aGk=", Err("Input byte array has incorrect ending byte at 4")),
    ("base64_decode", "aR==", Ok("i")),
    ("base64_decode", "aR", Ok("i")),
    ("base64_decode", "a===", Err("Last unit does not have enough valid bits")),
    ("base64_decode", "=", Err("Input byte[] should at least have 2 bytes for base64 bytes")),
    ("base64_decode", "==", Err("Input byte array has wrong 4-byte ending unit")),
    ("base64_decode", "ab=c", Err("Input byte array has wrong 4-byte ending unit")),
    ("base64_decode", "aGVs\u{e9}", Err("Illegal base64 character -17")),
    ("base64_decode", "aGVs\u{4e00}", Err("Illegal base64 character 3f")),
    ("base64_decode", "YQ==YQ==", Err("Input byte array has incorrect ending byte at 4")),
    ("base64_decode", "8J+YgA==", Ok("\u{1f600}")),
    ("base64_decode", "wA==", Ok("\u{fffd}")),
    ("base64_decode", "7aCA", Ok("\u{fffd}")),
];

fn call(f: &str, s: &str) -> Result<String, String> {
    match f {
        "escape_javascript" => Ok(escape_javascript(s)),
        "url_encode" => Ok(url_encode(s)),
        "url_decode" => url_decode(s),
        "base64_encode" => Ok(base64_encode(s)),
        "base64_decode" => base64_decode(s),
        _ => Err(format!("unknown function {f}")),
    }
}

#[test]
fn oracle_cases_match() {
    let mut failures = Vec::new();
    for (f, input, expected) in CASES {
        let got = call(f, input);
        let want = expected.map(str::to_string).map_err(str::to_string);
        if got != want {
            failures.push(format!("{f}({input:?}): expected {want:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn java_utf8_decoding_matches_jdk() {
    // expected: oracle (via $util.urlDecode)
    assert_eq!(java_utf8_decode(&[0xED, 0xA0, 0x80]), "\u{FFFD}");
    assert_eq!(java_utf8_decode(&[0xE2, 0x82]), "\u{FFFD}");
    assert_eq!(java_utf8_decode(&[0xE2, 0x28, 0xA1]), "\u{FFFD}(\u{FFFD}");
    assert_eq!(java_utf8_decode(&[0xF0, 0x9F, 0x98]), "\u{FFFD}");
    assert_eq!(
        java_utf8_decode("h\u{e9}\u{1F600}".as_bytes()),
        "h\u{e9}\u{1F600}"
    );
}

proptest! {
    /// A word or 16 bytes at a time, or one character at a time, the same
    /// escapes (short strings and long ones take different scans).
    #[test]
    fn escape_javascript_does_not_depend_on_runs(s in "[a-z/'\"\\\\ \u{0}-\u{1f}\u{7f}é€😀~]{0,150}") {
        let mut one_by_one = String::new();
        for c in s.chars() {
            escape_javascript_into(c.encode_utf8(&mut [0; 4]), &mut one_by_one);
        }
        prop_assert_eq!(escape_javascript(&s), one_by_one);
    }

    #[test]
    fn no_input_panics(s in "\\PC*", b in proptest::collection::vec(any::<u8>(), 0..64)) {
        let _ = escape_javascript(&s);
        let _ = url_encode(&s);
        let _ = url_decode(&s);
        let _ = base64_encode(&s);
        let _ = base64_decode(&s);
        let _ = parse_json(&s);
        let _ = java_utf8_decode(&b);
    }

    #[test]
    fn structured_inputs_do_not_panic(s in "[%+0-9a-fA-FG=/\\[\\]{}:,'\" .eE-]{0,40}") {
        let _ = url_decode(&s);
        let _ = base64_decode(&s);
        let _ = parse_json(&s);
    }

    #[test]
    fn url_round_trip(s in "\\PC*") {
        prop_assert_eq!(url_decode(&url_encode(&s)), Ok(s.clone()));
    }

    #[test]
    fn base64_round_trip(s in "\\PC*") {
        prop_assert_eq!(base64_decode(&base64_encode(&s)), Ok(s.clone()));
    }

    #[test]
    fn valid_utf8_decodes_unchanged(s in "\\PC*") {
        prop_assert_eq!(java_utf8_decode(s.as_bytes()), s.clone());
    }
}

#[test]
fn escape_javascript_finds_a_stop_at_every_place() {
    // Every length around the 8-byte words and the 16-byte chunks the runs
    // are read in (short strings by words, from 64 bytes by chunks), and
    // every place of each kind of byte that ends a run, the last few bytes
    // too.
    for c in ["\"", "'", "\\", "/", "\u{1}", "\n", "\u{7f}", "é", "😀"] {
        for len in 0..100 {
            for at in 0..=len {
                let s = format!("{}{c}{}", "a".repeat(at), "b".repeat(len - at));
                let mut one_by_one = String::new();
                for ch in s.chars() {
                    escape_javascript_into(ch.encode_utf8(&mut [0; 4]), &mut one_by_one);
                }
                assert_eq!(escape_javascript(&s), one_by_one, "{s:?}");
            }
        }
    }
}

#[test]
fn short_strings_are_copied_only_when_nothing_in_them_changes() {
    // Under 16 bytes a string with nothing to escape is copied whole; one
    // that has any of these, anywhere, is escaped (expected text written out).
    let escaped = [
        ("\"", "\\\""),
        ("'", "\\'"),
        ("\\", "\\\\"),
        ("/", "\\/"),
        ("\u{1}", "\\u0001"),
        ("\n", "\\n"),
        ("\t", "\\t"),
        ("é", "\\u00E9"),
        ("€", "\\u20AC"),
        ("😀", "\\uD83D\\uDE00"),
    ];
    for len in 0..16 {
        let plain = "x~ A".repeat(4).chars().take(len).collect::<String>();
        assert_eq!(escape_javascript(&plain), plain);
        // Appended after text, into a string with room and without.
        for mut out in [String::from("ab"), String::with_capacity(64) + "ab"] {
            escape_javascript_into(&plain, &mut out);
            assert_eq!(out, format!("ab{plain}"));
        }
        for (c, want) in escaped {
            for at in 0..=len.saturating_sub(c.len()) {
                let (a, b) = plain.split_at(at.min(plain.len()));
                let s = format!("{a}{c}{}", b.get(c.len().min(b.len())..).unwrap_or(""));
                let expect = format!("{a}{want}{}", b.get(c.len().min(b.len())..).unwrap_or(""));
                assert_eq!(escape_javascript(&s), expect, "{s:?}");
            }
        }
    }
    // DEL is a stop of the mask but escapeJavaScript leaves it.
    assert_eq!(escape_javascript("a\u{7f}b"), "a\u{7f}b");
}
