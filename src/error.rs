//! Errors, each with the span it concerns and its 1-based line and column.
//!
//! [`ParseError`] belongs to [`crate::syntax`] and is re-exported here.

pub use crate::syntax::error::ParseError;
use crate::syntax::span::{LineCol, Span};

/// A failure while rendering.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{pos}: {message}")]
pub struct RenderError {
    pub kind: RenderErrorKind,
    pub message: String,
    pub span: Span,
    pub pos: LineCol,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderErrorKind {
    /// A Java method threw (1.7: `MethodInvocationException`).
    MethodFailed,
    /// `#include` / `#parse`: no file access.
    Unsupported,
    /// A limit in [`crate::Limits`] was exceeded.
    Limit,
    /// Anything else the engine refuses at render time.
    Invalid,
    /// Writing to the output failed.
    Write,
}

/// Any error of this crate.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("parse error at {0}")]
    Parse(#[from] ParseError),
    #[error("render error at {0}")]
    Render(#[from] RenderError),
}
