//! `--fix`: writing a rule's [`Fix`] (in template offsets) back into the file
//! the template came from.
//!
//! A fix's template range is mapped to file bytes through the template's
//! [`OffsetMap`]; a range that starts or ends inside an escape (`\"` in a JSON
//! string) or a CloudFormation `${Name}` placeholder is refused, since no file
//! range holds exactly those template bytes. The replacement is written as the
//! template's container needs it ([`Escaping`]): JSON-escaped in a JSON string,
//! with YAML escapes in a double-quoted scalar, `'` doubled in a single-quoted
//! one, as is otherwise. A line break is refused where it would break the
//! document's indentation or folding (everywhere but a template file and the
//! two escaped forms). Overlapping fixes are refused; the rest are applied from
//! the end of the file so earlier offsets stay valid.

use std::ops::Range;

use super::{Embedded, Escaping, Fix, OffsetMap, TemplateKind};

/// Why fixes were not applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FixError {
    /// Two fixes touch the same file bytes (or insert at the same place).
    #[error("two fixes overlap (file bytes {first:?} and {second:?})")]
    Overlap {
        first: Range<usize>,
        second: Range<usize>,
    },
    /// The fix's range starts or ends inside an escape or a placeholder, or
    /// outside the template.
    #[error("the fix at template bytes {0:?} does not fall on whole file characters (it splits an escape or a placeholder)")]
    Unmappable(Range<usize>),
    /// The replacement cannot be written in the template's container.
    #[error("{0}")]
    Unencodable(String),
}

/// One edit in file offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

/// The file bytes holding template bytes `r`, if `r` starts and ends on
/// segment-aligned positions.
fn file_range(map: &OffsetMap, r: &Range<usize>) -> Option<Range<usize>> {
    let segs = map.segments();
    let total = segs.last().map_or(0, |s| s.template.end);
    if r.start > r.end || r.end > total {
        return None;
    }
    // The start: the file position of template byte `r.start`.
    let start = if r.start == total {
        segs.last().map_or(0, |s| s.file.end)
    } else {
        let s = segs
            .iter()
            .find(|s| s.template.start <= r.start && r.start < s.template.end)?;
        if s.template.len() == s.file.len() {
            s.file.start + (r.start - s.template.start)
        } else if r.start == s.template.start {
            s.file.start
        } else {
            return None;
        }
    };
    if r.end == r.start {
        return Some(start..start);
    }
    // The end: just past the file bytes of template byte `r.end - 1`.
    let last = r.end - 1;
    let s = segs
        .iter()
        .find(|s| s.template.start <= last && last < s.template.end)?;
    let end = if s.template.len() == s.file.len() {
        s.file.start + (r.end - s.template.start)
    } else if r.end == s.template.end {
        s.file.end
    } else {
        return None;
    };
    (start <= end).then_some(start..end)
}

/// Whether the template sits in a CloudFormation `Fn::Sub` string, where `${…}`
/// in a replacement would be substituted.
fn in_sub(file_text: &str, map: &OffsetMap) -> bool {
    map.segments().iter().any(|s| {
        s.template.len() != s.file.len()
            && file_text
                .get(s.file.clone())
                .is_some_and(|f| f.starts_with("${"))
    })
}

/// The replacement written as the template's container needs it.
pub(crate) fn encode(replacement: &str, t: &Embedded) -> Result<String, FixError> {
    let refuse = |why: &str| {
        Err(FixError::Unencodable(format!(
            "the replacement {replacement:?} {why}"
        )))
    };
    match t.escaping {
        Escaping::Raw => {
            if t.kind != TemplateKind::File && replacement.contains(['\n', '\r']) {
                return refuse(
                    "has a line break, which would break the document's indentation here",
                );
            }
            Ok(replacement.to_string())
        }
        Escaping::JsonString => {
            let quoted = serde_json::to_string(replacement)
                .map_err(|e| FixError::Unencodable(e.to_string()))?;
            Ok(quoted
                .strip_prefix('"')
                .and_then(|q| q.strip_suffix('"'))
                .unwrap_or("")
                .to_string())
        }
        Escaping::YamlDouble => {
            let mut s = String::with_capacity(replacement.len());
            for c in replacement.chars() {
                match c {
                    '"' => s.push_str("\\\""),
                    '\\' => s.push_str("\\\\"),
                    '\n' => s.push_str("\\n"),
                    '\r' => s.push_str("\\r"),
                    '\t' => s.push_str("\\t"),
                    '\0' => s.push_str("\\0"),
                    '\u{1b}' => s.push_str("\\e"),
                    '\u{85}' => s.push_str("\\N"),
                    '\u{2028}' => s.push_str("\\L"),
                    '\u{2029}' => s.push_str("\\P"),
                    c if (c as u32) < 0x20 || (0x7f..0xa0).contains(&(c as u32)) => {
                        s.push_str(&format!("\\x{:02X}", c as u32));
                    }
                    '\u{feff}' => s.push_str("\\uFEFF"),
                    c => s.push(c),
                }
            }
            Ok(s)
        }
        Escaping::YamlSingle => {
            if replacement.contains(['\n', '\r']) {
                return refuse("has a line break, which a single-quoted YAML scalar folds");
            }
            if replacement
                .chars()
                .any(|c| c != '\t' && (c.is_control() || c == '\u{feff}'))
            {
                return refuse(
                    "has a control character, which a single-quoted YAML scalar cannot hold",
                );
            }
            Ok(replacement.replace('\'', "''"))
        }
    }
}

/// The file edit for one fix.
pub(crate) fn edit(file_text: &str, t: &Embedded, fix: &Fix) -> Result<Edit, FixError> {
    let range = file_range(&t.map, &fix.range)
        .filter(|r| {
            r.end <= file_text.len()
                && file_text.is_char_boundary(r.start)
                && file_text.is_char_boundary(r.end)
        })
        .ok_or_else(|| FixError::Unmappable(fix.range.clone()))?;
    if fix.replacement.contains("${") && in_sub(file_text, &t.map) {
        return Err(FixError::Unencodable(format!(
            "the replacement {:?} has `${{`, which Fn::Sub would substitute",
            fix.replacement
        )));
    }
    Ok(Edit {
        range,
        text: encode(&fix.replacement, t)?,
    })
}

/// Applies `edits` (file offsets) to `text`: identical edits count once,
/// overlapping ones (or two at the same place) are refused.
pub(crate) fn apply_edits(text: &str, mut edits: Vec<Edit>) -> Result<String, FixError> {
    edits.sort_by(|a, b| {
        (a.range.start, a.range.end, &a.text).cmp(&(b.range.start, b.range.end, &b.text))
    });
    edits.dedup();
    for w in edits.windows(2) {
        if let [a, b] = w {
            if b.range.start < a.range.end || b.range.start == a.range.start {
                return Err(FixError::Overlap {
                    first: a.range.clone(),
                    second: b.range.clone(),
                });
            }
        }
    }
    let mut out = text.to_string();
    for e in edits.iter().rev() {
        if e.range.end > out.len()
            || !out.is_char_boundary(e.range.start)
            || !out.is_char_boundary(e.range.end)
        {
            return Err(FixError::Unmappable(e.range.clone()));
        }
        out.replace_range(e.range.clone(), &e.text);
    }
    Ok(out)
}

/// Applies fixes to a file's text: each fix's template range is mapped to the
/// file through its template's [`OffsetMap`] and its replacement encoded for the
/// template's [`Escaping`]. All or nothing: any fix that cannot be written, or
/// two that overlap, and nothing is applied. (The same fix reached through two
/// templates — a YAML alias — is applied once.)
pub fn apply_fixes(file_text: &str, fixes: &[(&Embedded, &Fix)]) -> Result<String, FixError> {
    let edits = fixes
        .iter()
        .map(|(t, f)| edit(file_text, t, f))
        .collect::<Result<Vec<_>, _>>()?;
    apply_edits(file_text, edits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::Segment;

    fn embedded(map: OffsetMap, escaping: Escaping, kind: TemplateKind, source: &str) -> Embedded {
        Embedded {
            source: source.to_string(),
            kind,
            content_type: Some("application/json".into()),
            location: String::new(),
            map,
            escaping,
            integration: None,
        }
    }

    fn fix(range: Range<usize>, replacement: &str) -> Fix {
        Fix {
            range,
            replacement: replacement.to_string(),
        }
    }

    /// Segments for `file[start..end]` holding a JSON string's content, each escape
    /// (`\"`, `\\`, `\n`, `\uXXXX`) one run.
    fn json_map(file: &str, start: usize, end: usize) -> (OffsetMap, String) {
        let inner = file.get(start..end).unwrap_or("");
        let source: String = serde_json::from_str(&format!("\"{inner}\"")).unwrap_or_default();
        let mut segs = Vec::new();
        let (mut t, mut f) = (0, start);
        let b = inner.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let (flen, tlen) = if b.get(i) == Some(&b'\\') {
                match b.get(i + 1) {
                    Some(b'u') => (6, 1),
                    _ => (2, 1),
                }
            } else {
                let ch = inner
                    .get(i..)
                    .and_then(|s| s.chars().next())
                    .map_or(1, char::len_utf8);
                (ch, ch)
            };
            segs.push(Segment {
                template: t..t + tlen,
                file: f..f + flen,
            });
            t += tlen;
            f += flen;
            i += flen;
        }
        (OffsetMap::new(segs), source)
    }

    #[test]
    fn raw_template_file_takes_replacements_as_is_even_multiline() {
        let text = "a $m.put(1)\nb\n";
        let t = embedded(
            OffsetMap::contiguous(0, text.len()),
            Escaping::Raw,
            TemplateKind::File,
            text,
        );
        let f = fix(2..11, "#set($x = $m.put(1))\n");
        assert_eq!(
            apply_fixes(text, &[(&t, &f)]),
            Ok("a #set($x = $m.put(1))\n\nb\n".to_string())
        );
    }

    #[test]
    fn raw_block_scalar_refuses_line_breaks() {
        let text = "t: |\n  a $m.put(1)\n";
        let src = "a $m.put(1)\n";
        let t = embedded(
            OffsetMap::contiguous(7, src.len()),
            Escaping::Raw,
            TemplateKind::Request,
            src,
        );
        let f = fix(2..11, "#set($x = $m.put(1))\n");
        assert!(matches!(
            apply_fixes(text, &[(&t, &f)]),
            Err(FixError::Unencodable(_))
        ));
        let f = fix(2..11, "#set($x = $m.put(1))");
        assert_eq!(
            apply_fixes(text, &[(&t, &f)]),
            Ok("t: |\n  a #set($x = $m.put(1))\n".to_string())
        );
    }

    #[test]
    fn json_string_escapes_the_replacement_and_maps_through_escapes() {
        //          0         1         2         3
        let file = r#"{"t": "{\"a\": \"$util.escapeJavaScript($x)\"}"}"#;
        let start = 7;
        let end = file.len() - 2;
        let (map, source) = json_map(file, start, end);
        assert_eq!(source, r#"{"a": "$util.escapeJavaScript($x)"}"#);
        let t = embedded(map, Escaping::JsonString, TemplateKind::Request, &source);
        let call = "$util.escapeJavaScript($x)";
        let at = source.find(call).unwrap_or(0);
        let f = fix(
            at + call.len()..at + call.len(),
            ".replaceAll(\"\\\\'\",\"'\")",
        );
        let out = apply_fixes(file, &[(&t, &f)]);
        assert_eq!(
            out,
            Ok(
                r#"{"t": "{\"a\": \"$util.escapeJavaScript($x).replaceAll(\"\\\\'\",\"'\")\"}"}"#
                    .to_string()
            )
        );
        // Still a JSON document, holding the intended template.
        let v: serde_json::Value =
            serde_json::from_str(&out.unwrap_or_default()).unwrap_or_default();
        assert_eq!(
            v["t"],
            r#"{"a": "$util.escapeJavaScript($x).replaceAll("\\'","'")"}"#
        );
        // Newlines and control characters become escapes.
        let f = fix(0..0, "#set($a = 1)\n\t");
        assert_eq!(
            apply_fixes(file, &[(&t, &f)]).map(|s| s.get(7..24).unwrap_or("").to_string()),
            Ok(r"#set($a = 1)\n\t{".to_string())
        );
    }

    #[test]
    fn a_fix_that_splits_an_escape_is_refused() {
        let file = r#"{"t": "a\"b"}"#;
        let (map, source) = json_map(file, 7, file.len() - 2);
        assert_eq!(source, "a\"b");
        let t = embedded(map, Escaping::JsonString, TemplateKind::Request, &source);
        // Template bytes 1..2 are the one `"`: the whole `\"` in the file.
        assert_eq!(
            apply_fixes(file, &[(&t, &fix(1..2, "'"))]),
            Ok(r#"{"t": "a'b"}"#.to_string())
        );
        // A placeholder run (three template bytes from one file range) cannot be split.
        let map = OffsetMap::new(vec![
            Segment {
                template: 0..1,
                file: 0..1,
            },
            Segment {
                template: 1..4,
                file: 1..9,
            },
        ]);
        let t = embedded(map, Escaping::Raw, TemplateKind::Request, "ax-y");
        assert_eq!(
            apply_fixes("a${Stage}", &[(&t, &fix(2..4, "z"))]),
            Err(FixError::Unmappable(2..4))
        );
        assert!(matches!(
            apply_fixes("a${Stage}", &[(&t, &fix(0..1, "${x}"))]),
            Err(FixError::Unencodable(_))
        ));
        assert_eq!(
            apply_fixes("a${Stage}", &[(&t, &fix(1..4, "q"))]),
            Ok("aq".to_string())
        );
    }

    #[test]
    fn yaml_double_quoted_escapes() {
        let text = "t: \"a $m.put(1)\"\n";
        let src = "a $m.put(1)";
        let t = embedded(
            OffsetMap::contiguous(4, src.len()),
            Escaping::YamlDouble,
            TemplateKind::Request,
            src,
        );
        let f = fix(2..11, "#set($x = \"q\\\")\n\u{1}");
        assert_eq!(
            apply_fixes(text, &[(&t, &f)]),
            Ok("t: \"a #set($x = \\\"q\\\\\\\")\\n\\x01\"\n".to_string())
        );
    }

    #[test]
    fn yaml_single_quoted_doubles_quotes_and_refuses_line_breaks() {
        let text = "t: 'a $m.put(''k'', 1)'\n";
        let src = "a $m.put('k', 1)";
        let map = OffsetMap::new(vec![
            Segment {
                template: 0..9,
                file: 4..13,
            },
            Segment {
                template: 9..10,
                file: 13..15,
            },
            Segment {
                template: 10..11,
                file: 15..16,
            },
            Segment {
                template: 11..12,
                file: 16..18,
            },
            Segment {
                template: 12..16,
                file: 18..22,
            },
        ]);
        let t = embedded(map, Escaping::YamlSingle, TemplateKind::Request, src);
        let f = fix(2..16, "#set($x = $m.put('k', 1))");
        assert_eq!(
            apply_fixes(text, &[(&t, &f)]),
            Ok("t: 'a #set($x = $m.put(''k'', 1))'\n".to_string())
        );
        assert!(matches!(
            apply_fixes(text, &[(&t, &fix(0..1, "b\n"))]),
            Err(FixError::Unencodable(_))
        ));
    }

    #[test]
    fn overlapping_fixes_are_refused_identical_ones_applied_once() {
        let text = "abcdef";
        let t = embedded(
            OffsetMap::contiguous(0, text.len()),
            Escaping::Raw,
            TemplateKind::File,
            text,
        );
        let (a, b) = (fix(1..3, "X"), fix(2..4, "Y"));
        assert!(matches!(
            apply_fixes(text, &[(&t, &a), (&t, &b)]),
            Err(FixError::Overlap { .. })
        ));
        let (c, d) = (fix(3..3, "X"), fix(3..3, "Y"));
        assert!(matches!(
            apply_fixes(text, &[(&t, &c), (&t, &d)]),
            Err(FixError::Overlap { .. })
        ));
        // Applied from the end: both offsets stay right.
        let (e, f) = (fix(0..1, "AA"), fix(4..6, ""));
        assert_eq!(
            apply_fixes(text, &[(&t, &e), (&t, &f), (&t, &e)]),
            Ok("AAbcd".to_string())
        );
        // Out of the template, or of the file: refused, no panic.
        assert!(apply_fixes(text, &[(&t, &fix(5..9, ""))]).is_err());
        assert!(apply_fixes("ab", &[(&t, &fix(1..4, ""))]).is_err());
    }
}
