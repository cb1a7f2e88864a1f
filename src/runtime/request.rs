//! The request a mapping template runs against: an API Gateway REST proxy event
//! (version 1.0, the JSON Lambda proxy integrations receive and
//! `sam local generate-event apigateway aws-proxy` prints), or one built by hand.
//!
//! The event is modelled here rather than with an events crate because a mapping
//! template sees header names exactly as the client sent them, in the order sent
//! (`$input.params().header` prints them), and `requestContext` may carry any
//! key (`$context.keySet()` lists them): crates that model the event normalise
//! header names and drop unknown context keys.

use std::sync::Arc;

use indexmap::IndexMap;
use serde::Deserialize;

/// The entry named `name` of one of the request's maps (`len` entries,
/// `entries` in order, `hashed` the map's own lookup). The event's maps are
/// mostly small (`requestContext` has about 20 entries, a request a dozen
/// headers): comparing names is cheaper than hashing one (`IndexMap` and
/// serde_json's maps hash with SipHash), and a render looks up every name the
/// template uses; a map of more than 32 entries is hashed.
#[inline]
pub(crate) fn entry_named<'a, V>(
    len: usize,
    mut entries: impl Iterator<Item = (&'a String, &'a V)>,
    hashed: impl FnOnce() -> Option<(&'a String, &'a V)>,
    name: &str,
) -> Option<(&'a str, &'a V)> {
    let found = if len > 32 {
        hashed()
    } else {
        entries.find(|(k, _)| crate::eval::value::same_text(k, name))
    };
    found.map(|(k, v)| (k.as_str(), v))
}

/// A malformed event: the field that is wrong and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invalid event: field `{field}`: {message}")]
pub struct EventError {
    /// The path of the field, e.g. `headers.Accept` (`.` for the whole event).
    pub field: String,
    pub message: String,
}

/// A JSON object of the event read straight into its final form, sized once;
/// `null` reads as empty.
trait EventMap: Default {
    /// What each value is read as.
    type Entry: serde::de::DeserializeOwned;
    /// What a message says was expected.
    const EXPECTING: &'static str;
    /// The room made when the reader cannot tell the size.
    const SIZE: usize;
    fn with_capacity(n: usize) -> Self;
    fn put(&mut self, key: String, value: Self::Entry);
}

/// A single-value map (`headers`, `queryStringParameters` …): a `null` value
/// reads as empty. One value each: `$input.params()` holds one; the event's
/// multi-value maps are not read.
impl EventMap for IndexMap<String, String> {
    type Entry = Option<String>;
    const EXPECTING: &'static str = "a map of strings or null";
    const SIZE: usize = 8;
    fn with_capacity(n: usize) -> Self {
        IndexMap::with_capacity(n)
    }
    fn put(&mut self, key: String, value: Option<String>) {
        self.insert(key, value.unwrap_or_default());
    }
}

/// `requestContext` (about 20 keys in an event).
impl EventMap for serde_json::Map<String, serde_json::Value> {
    type Entry = serde_json::Value;
    const EXPECTING: &'static str = "a map";
    const SIZE: usize = 24;
    fn with_capacity(n: usize) -> Self {
        serde_json::Map::with_capacity(n)
    }
    fn put(&mut self, key: String, value: serde_json::Value) {
        self.insert(key, value);
    }
}

struct EventMapVisitor<M>(std::marker::PhantomData<M>);

impl<'de, M: EventMap> serde::de::Visitor<'de> for EventMapVisitor<M> {
    type Value = M;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(M::EXPECTING)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<M, E> {
        Ok(M::default())
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<M, E> {
        Ok(M::default())
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<M, D::Error> {
        d.deserialize_map(self)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<M, A::Error> {
        let mut m = M::with_capacity(a.size_hint().unwrap_or(M::SIZE));
        while let Some((k, v)) = a.next_entry::<String, M::Entry>()? {
            m.put(k, v);
        }
        Ok(m)
    }
}

fn event_map<'de, D: serde::Deserializer<'de>, M: EventMap>(d: D) -> Result<M, D::Error> {
    d.deserialize_option(EventMapVisitor(std::marker::PhantomData))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProxyEvent<'a> {
    resource: Option<String>,
    http_method: Option<String>,
    #[serde(default, deserialize_with = "event_map")]
    headers: IndexMap<String, String>,
    #[serde(default, deserialize_with = "event_map")]
    query_string_parameters: IndexMap<String, String>,
    #[serde(default, deserialize_with = "event_map")]
    path_parameters: IndexMap<String, String>,
    #[serde(default, deserialize_with = "event_map")]
    stage_variables: IndexMap<String, String>,
    #[serde(default, deserialize_with = "event_map")]
    request_context: serde_json::Map<String, serde_json::Value>,
    /// Given as the event gives it: `isBase64Encoded` is not applied (nor is it by the
    /// reference renderer), and the multi-value maps are not read. Kept as JSON
    /// text here and decoded once into its shared form: a large body is neither
    /// buffered nor copied on the way.
    #[serde(borrow)]
    body: Option<&'a serde_json::value::RawValue>,
}

/// Where the event's `body` is in its text: `None` for null; the bytes between
/// the quotes of a JSON string otherwise.
fn body_range(text: &str, raw: &str) -> Result<Option<std::ops::Range<usize>>, EventError> {
    let trimmed = raw.trim();
    if trimmed == "null" {
        return Ok(None);
    }
    if trimmed.len() < 2 || !trimmed.starts_with('"') || !trimmed.ends_with('"') {
        return Err(EventError {
            field: "body".into(),
            message: format!(
                "invalid type: {}, expected a string or null",
                trimmed.chars().take(40).collect::<String>()
            ),
        });
    }
    // `raw` borrows from `text`: its place there, found by address.
    let start = (trimmed.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize) + 1;
    Ok(Some(start..start + trimmed.len() - 2))
}

/// Decodes the JSON string content `buf[range]` in place (a decoded string is
/// never longer than its escaped form) and returns it as shared text.
fn decode_body(buf: &mut [u8], range: std::ops::Range<usize>) -> Result<Arc<str>, EventError> {
    let bad = |m: &str| EventError {
        field: "body".into(),
        message: m.into(),
    };
    let hex4 = |buf: &[u8], at: usize| super::json::hex_value(buf.get(at..)?.first_chunk()?);
    let (start, end) = (range.start, range.end);
    let mut r = start;
    let mut w = start;
    while r < end {
        let c = *buf
            .get(r)
            .ok_or_else(|| bad("the body string ends early"))?;
        if c != b'\\' {
            if let Some(x) = buf.get_mut(w) {
                *x = c;
            }
            r += 1;
            w += 1;
            continue;
        }
        let e = *buf
            .get(r + 1)
            .ok_or_else(|| bad("invalid escape in the body string"))?;
        r += 2;
        let ch = match e {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let v = hex4(buf, r).ok_or_else(|| bad("invalid escape in the body string"))?;
                r += 4;
                let code = match v {
                    0xD800..=0xDBFF => {
                        let low = (buf.get(r..r + 2) == Some(b"\\u"))
                            .then(|| hex4(buf, r + 2))
                            .flatten()
                            .filter(|l| (0xDC00..=0xDFFF).contains(l))
                            .ok_or_else(|| bad("lone leading surrogate in hex escape"))?;
                        r += 6;
                        0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                    }
                    _ => v,
                };
                char::from_u32(code).ok_or_else(|| bad("lone trailing surrogate in hex escape"))?
            }
            _ => return Err(bad("invalid escape in the body string")),
        };
        let mut tmp = [0u8; 4];
        for &b in ch.encode_utf8(&mut tmp).as_bytes() {
            if let Some(x) = buf.get_mut(w) {
                *x = b;
            }
            w += 1;
        }
    }
    let text = buf
        .get(start..w)
        .and_then(|b| std::str::from_utf8(b).ok())
        .ok_or_else(|| bad("the body is not UTF-8 once decoded"))?;
    Ok(Arc::from(text))
}

/// A request as a mapping template sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Request {
    /// The body as text (`None` when absent; absent and empty both read as `{}`).
    /// Shared, not copied, by every render of the request.
    pub body: Option<Arc<str>>,
    /// Header name → value, names as sent.
    pub headers: IndexMap<String, String>,
    /// Query-string parameter → value (one value each, the last one sent).
    pub query: IndexMap<String, String>,
    /// Path parameter → value.
    pub path_params: IndexMap<String, String>,
    /// Stage variable → value.
    pub stage_variables: IndexMap<String, String>,
    /// The event's `requestContext`, as given. Shared, not copied, by every
    /// render of the request (`$context` reads it on first use).
    pub request_context: Arc<serde_json::Map<String, serde_json::Value>>,
}

impl Request {
    /// Reads a REST proxy event. Missing fields are fine; a field of the wrong
    /// type is an [`EventError`] naming it.
    pub fn from_event_json(text: &str) -> Result<Request, EventError> {
        let (mut req, body) = Request::read_event(text)?;
        if let Some(range) = body {
            let mut buf = text.get(range.clone()).unwrap_or("").as_bytes().to_vec();
            let len = buf.len();
            req.body = Some(decode_body(&mut buf, 0..len)?);
        }
        Ok(req)
    }

    /// Like [`Request::from_event_json`], taking the text: the body is decoded in
    /// place, so reading a large event holds the text and the body only.
    pub fn from_event_text(text: String) -> Result<Request, EventError> {
        let (mut req, body) = Request::read_event(&text)?;
        if let Some(range) = body {
            let mut buf = text.into_bytes();
            req.body = Some(decode_body(&mut buf, range)?);
        }
        Ok(req)
    }

    /// Everything but the body, and where the body is in the text.
    fn read_event(text: &str) -> Result<(Request, Option<std::ops::Range<usize>>), EventError> {
        // serde would read a JSON array as the struct's fields in order; an event
        // is an object, and anything else is refused by name.
        if !text.trim_start().starts_with('{') {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
                let kind = match v {
                    serde_json::Value::Array(_) => "an array",
                    serde_json::Value::String(_) => "a string",
                    serde_json::Value::Number(_) => "a number",
                    serde_json::Value::Bool(_) => "a boolean",
                    serde_json::Value::Null => "null",
                    serde_json::Value::Object(_) => "an object",
                };
                return Err(EventError {
                    field: ".".into(),
                    message: format!(
                        "the event is {kind}; an API Gateway REST proxy event is a JSON object"
                    ),
                });
            }
        }
        // Read plainly; only a bad event is read again to name the field at fault.
        let ev: ProxyEvent<'_> = match serde_json::from_str(text) {
            Ok(ev) => ev,
            Err(plain) => {
                let de = &mut serde_json::Deserializer::from_str(text);
                return Err(
                    match serde_path_to_error::deserialize::<_, ProxyEvent<'_>>(de) {
                        Err(e) => EventError {
                            field: e.path().to_string(),
                            message: e.inner().to_string(),
                        },
                        Ok(_) => EventError {
                            field: ".".into(),
                            message: plain.to_string(),
                        },
                    },
                );
            }
        };
        let body = match ev.body {
            Some(raw) => body_range(text, raw.get())?,
            None => None,
        };
        let mut request_context = ev.request_context;
        // Fill what the event says elsewhere when requestContext lacks it.
        if let Some(m) = ev.http_method {
            request_context
                .entry("httpMethod")
                .or_insert(serde_json::Value::String(m));
        }
        if let Some(r) = ev.resource {
            request_context
                .entry("resourcePath")
                .or_insert(serde_json::Value::String(r));
        }
        let req = Request {
            body: None,
            headers: ev.headers,
            query: ev.query_string_parameters,
            path_params: ev.path_parameters,
            stage_variables: ev.stage_variables,
            request_context: Arc::new(request_context),
        };
        Ok((req, body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_shared_event_shape() {
        let r = Request::from_event_json(
            r#"{"headers":{"Accept":"a"},"multiValueQueryStringParameters":{"q":["1","2"]},
                "queryStringParameters":null,"pathParameters":null,"body":"x","requestContext":{"stage":"s"}}"#,
        )
        .unwrap();
        assert_eq!(r.headers.get("Accept").map(String::as_str), Some("a"));
        assert_eq!(r.query.get("q"), None);
        assert_eq!(r.body.as_deref(), Some("x"));
    }

    #[test]
    fn refuses_an_event_that_is_not_an_object() {
        // An array of the right length would otherwise fill the fields in order.
        for (text, kind) in [
            ("[]", "an array"),
            (r#"[null,null,null,null,null,null,null,"b"]"#, "an array"),
            (" \"x\"", "a string"),
            ("1", "a number"),
            ("null", "null"),
        ] {
            let e = Request::from_event_json(text).unwrap_err();
            assert_eq!(e.field, ".");
            assert!(
                e.message.starts_with(&format!("the event is {kind};")),
                "{e}"
            );
        }
        assert!(Request::from_event_json("[1,").is_err());
        assert!(Request::from_event_json(" {}").is_ok());
    }

    #[test]
    fn bodies_decode_as_json_strings() {
        for body in ["plain", "a\"b\\c/d\n\t\u{1}", "caf\u{e9} \u{1F600}", ""] {
            let event = serde_json::json!({ "body": body }).to_string();
            let r = Request::from_event_json(&event).unwrap();
            assert_eq!(r.body.as_deref(), Some(body));
        }
        let r = Request::from_event_json(r#"{"body":"\ud83d\ude00\u00e9\/"}"#).unwrap();
        assert_eq!(r.body.as_deref(), Some("\u{1F600}\u{e9}/"));
        assert!(Request::from_event_json(r#"{"body":null}"#)
            .unwrap()
            .body
            .is_none());
        let e = Request::from_event_json(r#"{"body":"\ud800x"}"#).unwrap_err();
        assert_eq!(e.field, "body");
    }

    proptest::proptest! {
        #[test]
        fn any_string_body_reads_back(s in "\\PC*") {
            let event = serde_json::json!({ "h": 1, "body": s, "x": [] }).to_string();
            let r = Request::from_event_json(&event).unwrap();
            proptest::prop_assert_eq!(r.body.as_deref(), Some(s.as_str()));
            let r = Request::from_event_text(event).unwrap();
            proptest::prop_assert_eq!(r.body.as_deref(), Some(s.as_str()));
        }
    }

    #[test]
    fn names_the_bad_field() {
        let e = Request::from_event_json(r#"{"headers":{"Accept":1}}"#).unwrap_err();
        assert_eq!(e.field, "headers.Accept");
        let e = Request::from_event_json(r#"{"body":{}}"#).unwrap_err();
        assert_eq!(e.field, "body");
    }

    /// Small maps searched by name and large ones hashed find what `get`
    /// finds.
    #[test]
    fn entries_are_found_by_name_as_get_finds_them() {
        for n in [0, 1, 5, 32, 33, 100] {
            let m: IndexMap<String, String> = (0..n)
                .map(|i| (format!("X-Header-{i:02}"), format!("v{i}")))
                .collect();
            for name in [
                "X-Header-00",
                "X-Header-32",
                "X-Header-99",
                "x-header-00",
                "",
            ] {
                let found = entry_named(m.len(), m.iter(), || m.get_key_value(name), name);
                let want = m.get_key_value(name).map(|(k, v)| (k.as_str(), v));
                assert_eq!(found, want, "{n} entries, {name}");
            }
        }
    }
}
