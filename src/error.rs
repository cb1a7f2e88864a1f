//! Errors, each with the span it concerns and its 1-based line and column.
//!
//! [`ParseError`] belongs to [`crate::syntax`] and [`RenderError`] to
//! [`crate::eval`]; both are re-exported here.

pub use crate::eval::error::{RenderError, RenderErrorKind};
pub use crate::syntax::error::ParseError;

/// Any error of this crate.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("parse error at {0}")]
    Parse(#[from] ParseError),
    #[error("render error at {0}")]
    Render(#[from] RenderError),
}
