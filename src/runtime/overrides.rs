//! What an override must be for API Gateway to apply it.
//!
//! AWS documents one failure of an override: setting the same one twice gives
//! a 5XX. It documents nothing for an override that cannot be sent at all: a
//! header name that is not an HTTP token, a header value with a line break (no
//! HTTP message may carry one: it would end the header), a status that is not a
//! whole number from 100 to 599. Such an override cannot be applied as
//! written, so the engine treats it as the documented case is treated: the
//! render fails (API Gateway's answer would be a 5XX), with a message that
//! names the override, rather than sending a header API Gateway would not.
//! Query-string and path overrides are encoded into the URL, so any text goes.
//! `apigw-vtl lint` warns about literal ones (`invalid-override`).

/// Why `name` cannot be an HTTP header name (RFC 9110 `token`), if it cannot.
pub fn header_name_problem(name: &str) -> Option<String> {
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() {
        return Some("an HTTP header name cannot be empty".into());
    }
    name.chars().find(|&c| !token(c)).map(|c| {
        format!(
            "{} cannot be in an HTTP header name (letters, digits and !#$%&'*+-.^_`|~ only)",
            shown(c)
        )
    })
}

/// Why `value` cannot be an HTTP header value, if it cannot: a line break or
/// a NUL.
pub fn header_value_problem(value: &str) -> Option<String> {
    let c = value.chars().find(|c| matches!(c, '\r' | '\n' | '\0'))?;
    Some(format!(
        "the value holds {}, which no HTTP header may",
        shown(c)
    ))
}

/// Why `status` (the text of the value set) cannot be an HTTP status, if it
/// cannot: it must be a whole number from 100 to 599 (`400`, `"400"`).
pub fn status_problem(status: &str) -> Option<String> {
    let ok = status.len() == 3
        && status.bytes().all(|b| b.is_ascii_digit())
        && (b'1'..=b'5').contains(&status.as_bytes()[0]);
    (!ok).then(|| {
        let mut s: String = status.chars().take(40).collect();
        if s.len() < status.len() {
            s.push('…');
        }
        format!("{s:?} is not an HTTP status: a whole number from 100 to 599")
    })
}

fn shown(c: char) -> String {
    match c {
        '\r' => "a carriage return (CR)".into(),
        '\n' => "a line feed (LF)".into(),
        '\0' => "a NUL".into(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c => format!("{c:?}"),
    }
}

/// The first override of a finished render that cannot be applied (a value
/// changed after it was set, e.g. a list of header values that grew), as its
/// message.
pub(crate) fn first_problem(o: &super::Overrides) -> Option<String> {
    for (what, map) in [
        ("requestOverride.header", &o.request_header),
        ("responseOverride.header", &o.response_header),
    ] {
        for (name, values) in map {
            let problem = header_name_problem(name)
                .or_else(|| values.iter().find_map(|v| header_value_problem(v)));
            if let Some(p) = problem {
                return Some(message(&format!("{what}.{}", name.escape_default()), &p));
            }
        }
    }
    let status = o.response_status.as_deref()?;
    status_problem(status).map(|p| message("responseOverride.status", &p))
}

/// The message of an override that cannot be applied.
pub(crate) fn message(what: &str, problem: &str) -> String {
    format!("$context.{what}: {problem}; API Gateway cannot apply this override (5XX)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_values_and_statuses() {
        assert!(header_name_problem("X-Amz-Date").is_none());
        assert!(header_name_problem("a b").is_some());
        assert!(header_name_problem("a:b").is_some());
        assert!(header_name_problem("a\nb").is_some());
        assert!(header_name_problem("").is_some());
        assert!(header_value_problem("text/plain; q=1").is_none());
        assert!(header_value_problem("a\r\nSet-Cookie: x").is_some());
        for ok in ["100", "200", "404", "599"] {
            assert!(status_problem(ok).is_none(), "{ok}");
        }
        for bad in [
            "abc", "-1", "2.5", "600", "099", " 200", "2000", "", "400.0",
        ] {
            assert!(status_problem(bad).is_some(), "{bad}");
        }
    }
}
