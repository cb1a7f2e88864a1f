//! Render errors, each with the span it concerns and its 1-based line and column.

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
    /// A limit in [`super::options::Limits`] was exceeded.
    Limit,
    /// Anything else the engine refuses at render time.
    Invalid,
    /// Writing to the output failed.
    Write,
}
