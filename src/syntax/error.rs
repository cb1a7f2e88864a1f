//! The error of a template that does not parse.

use super::span::{LineCol, Span};

/// A template that does not parse: the span it concerns, its 1-based line and
/// column, and a message.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{pos}: {message}")]
pub struct ParseError {
    pub message: String,
    pub span: Span,
    pub pos: LineCol,
}

impl ParseError {
    /// An error at `span` of `source` (its line and column are computed here).
    pub fn new(source: &str, span: Span, message: impl Into<String>) -> ParseError {
        ParseError {
            message: message.into(),
            span,
            pos: LineCol::of(source, span.start as usize),
        }
    }
}
