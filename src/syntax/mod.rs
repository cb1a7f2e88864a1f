//! Syntax: the AST with spans, and the Velocity 1.7 parser: a hand-written
//! recursive-descent parser ([`parser`]) over a transcription of 1.7's JavaCC
//! token manager (`lexer`: eleven lexical states, longest match over byte
//! matchers, a few of them nom combinators). Nothing here imports the rest of
//! the crate.

pub mod ast;
pub(crate) mod build;
pub mod error;
pub(crate) mod intern;
mod lexer;
pub mod parser;
pub mod span;
pub mod visit;

pub use error::ParseError;
pub use parser::{parse, parse_nested};

pub(crate) use lexer::whitespace_len;
