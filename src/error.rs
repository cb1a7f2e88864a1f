//! Errors, each with the span it concerns and its 1-based line and column.
//!
//! [`RenderError`] belongs to [`crate::eval`] and is re-exported here.

pub use crate::eval::error::{RenderError, RenderErrorKind};
use crate::syntax::span::{LineCol, Span};

/// A template that does not parse.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{pos}: {message}")]
pub struct ParseError {
    pub message: String,
    pub span: Span,
    pub pos: LineCol,
}

impl ParseError {
    pub fn new(source: &str, span: Span, message: impl Into<String>) -> ParseError {
        ParseError {
            message: message.into(),
            span,
            pos: LineCol::of(source, span.start as usize),
        }
    }
}

/// Any error of this crate.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("parse error at {0}")]
    Parse(#[from] ParseError),
    #[error("render error at {0}")]
    Render(#[from] RenderError),
}
