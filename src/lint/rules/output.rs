//! `invalid-json-output` and `render-error`: render for the sample request and
//! point from the first byte that breaks the JSON back to the template.

use super::finding;
use crate::eval::render::OutputPiece;
use crate::lint::{Finding, Sample};
use crate::runtime::{GatewayError, GatewayOptions, MappingTemplate, Request};

/// At most this many characters of printed output are quoted in a message.
const QUOTE_MAX: usize = 40;

/// Renders `m` against `sample`; a render failure, or output that is not JSON
/// because of the template, is a finding.
pub(super) fn check_output(m: &MappingTemplate, src: &str, sample: &Sample) -> Vec<Finding> {
    let name = sample.name.as_str();
    let sample: &Request = &sample.request;
    let (rendered, pieces) = match m.render_traced(sample, &GatewayOptions::default()) {
        Ok(r) => r,
        Err(GatewayError::Render(e)) => {
            return vec![finding(
                "render-error",
                e.span.range(),
                format!("rendering for {name} failed: {}", e.message),
                None,
            )];
        }
        Err(_) => return Vec::new(),
    };
    let body = rendered.body;
    if body.trim().is_empty() {
        return Vec::new();
    }
    let Err(e) = serde_json::from_str::<serde_json::Value>(&body) else {
        return Vec::new();
    };
    // When null references printed as `null` make valid JSON, the break comes from
    // what the sample request lacks, not from the template: not reported.
    let nulls = GatewayOptions {
        render: crate::RenderOptions {
            null_mode: crate::NullMode::JsonNull,
            ..crate::RenderOptions::default()
        },
        ..GatewayOptions::default()
    };
    if let Ok(r) = m.render(sample, &nulls) {
        if serde_json::from_str::<serde_json::Value>(&r.body).is_ok() {
            return Vec::new();
        }
    }
    let offset = line_col_offset(&body, e.line(), e.column());
    if after_empty_reference(m, &pieces, &body, offset) {
        return Vec::new();
    }
    let (range, what) = match blame(&pieces, offset) {
        Some(p) if p.output.end <= offset => untraced(m, p, src),
        Some(p) => describe(p, src, &body, offset),
        None => (0..0, String::new()),
    };
    let full = e.to_string();
    let reason = full
        .rfind(" at line ")
        .and_then(|i| full.get(..i))
        .unwrap_or(&full);
    let near: String = body
        .get(floor_char(&body, offset.saturating_sub(20))..)
        .unwrap_or("")
        .chars()
        .take(QUOTE_MAX)
        .collect();
    let mut message = format!(
        "for {name} the output is not valid JSON at output {}:{} ({reason})",
        e.line(),
        e.column()
    );
    if what.is_empty() {
        message.push_str(&format!("; near {near:?}"));
    } else {
        message.push_str(": ");
        message.push_str(&what);
    }
    vec![finding("invalid-json-output", range, message, None)]
}

/// Whether the offending byte is the first of a text that follows, in the
/// template, a reference which printed nothing: `"n": $input.json('$.x'),` where
/// the sample request has no `x` (an empty string, which `null` mode does not
/// change). The sample's data, not the template: not reported.
fn after_empty_reference(
    m: &MappingTemplate,
    pieces: &[OutputPiece],
    body: &str,
    offset: usize,
) -> bool {
    let Some(p) = pieces
        .iter()
        .filter(|p| p.output.start <= offset && offset < p.output.end)
        .min_by_key(|p| p.output.len())
    else {
        return false;
    };
    let lead = body.get(p.output.start..offset).unwrap_or("x");
    if !lead.trim().is_empty() {
        return false;
    }
    let mut before = None;
    crate::syntax::visit::for_each_reference(m.template().ast(), &mut |r| {
        if r.span.end == p.span.start {
            before = Some(r.span);
        }
    });
    let Some(r) = before else {
        return false;
    };
    !pieces
        .iter()
        .any(|q| q.span == r && q.output.end == p.output.start)
}

/// The piece that wrote output byte `offset`: the innermost one containing it,
/// else the last one before it (the output ended early).
fn blame(pieces: &[OutputPiece], offset: usize) -> Option<&OutputPiece> {
    pieces
        .iter()
        .filter(|p| p.output.start <= offset && offset < p.output.end)
        .min_by_key(|p| p.output.len())
        .or_else(|| {
            pieces
                .iter()
                .filter(|p| p.output.end <= offset)
                .max_by_key(|p| (p.output.end, std::cmp::Reverse(p.output.len())))
        })
}

/// The offending byte was written by something the trace does not record (a
/// directive printed as written), after piece `p`: the template node right
/// after `p`'s span, else the character there.
fn untraced(m: &MappingTemplate, p: &OutputPiece, src: &str) -> (std::ops::Range<usize>, String) {
    let at = p.span.end as usize;
    let mut found: Option<std::ops::Range<usize>> = None;
    node_at(m.template().ast(), at, &mut found);
    let range = found.unwrap_or_else(|| {
        let len = src
            .get(at..)
            .and_then(|s| s.chars().next())
            .map_or(0, char::len_utf8);
        at..at + len
    });
    let text = src.get(range.clone()).unwrap_or("");
    (range, format!("this printed {}", quote(text.trim_end())))
}

/// The widest node of `block` (at any depth) that starts at byte `at`.
fn node_at(
    block: &crate::syntax::ast::Block,
    at: usize,
    found: &mut Option<std::ops::Range<usize>>,
) {
    use crate::syntax::visit::{for_each_statement, Walk};
    for_each_statement(block, &mut |n| {
        let r = n.span().range();
        if r.start == at && !found.as_ref().is_some_and(|f| f.len() >= r.len()) {
            *found = Some(r.clone());
        }
        if r.start > at || r.end <= at {
            Walk::Skip
        } else {
            Walk::Descend
        }
    });
}

/// The template range to report for piece `p`, and what it printed.
fn describe(
    p: &OutputPiece,
    src: &str,
    body: &str,
    offset: usize,
) -> (std::ops::Range<usize>, String) {
    let written = p.span.text(src);
    let printed = body.get(p.output.clone()).unwrap_or("");
    let quoted = quote(printed);
    let first = written.trim_start_matches('\\').chars().next();
    match first {
        Some('$') => (p.span.range(), format!("this reference printed {quoted}")),
        Some('#') => (p.span.range(), format!("this printed {quoted}")),
        _ => {
            // Literal text written as is: point at the very character.
            if written == printed {
                let within = offset.saturating_sub(p.output.start).min(written.len());
                let within = floor_char(written, within);
                let len = written
                    .get(within..)
                    .and_then(|s| s.chars().next())
                    .map_or(0, char::len_utf8);
                let start = p.span.start as usize + within;
                let c = written.get(within..within + len).unwrap_or("");
                let what = if offset >= p.output.end {
                    "the output ends after this text".to_string()
                } else {
                    format!("the template's text {c:?} here")
                };
                (start..start + len, what)
            } else {
                (p.span.range(), format!("this text printed {quoted}"))
            }
        }
    }
}

fn quote(s: &str) -> String {
    let mut q: String = s.chars().take(QUOTE_MAX).collect();
    if q.len() < s.len() {
        q.push('…');
    }
    format!("{q:?}")
}

/// The largest char boundary of `s` at or before `i`.
fn floor_char(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Byte offset of serde_json's 1-based `line` and `column` (a byte count, the
/// offending byte's) in `text`, clamped to the last byte.
pub(super) fn line_col_offset(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    let last = floor_char(text, text.len().saturating_sub(1));
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let at = offset + column.saturating_sub(1).min(l.len());
            return floor_char(text, at.min(last));
        }
        offset += l.len();
    }
    last
}
