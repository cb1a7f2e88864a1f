//! Syntax: the AST with spans and the nom parser for Velocity 1.7.

pub mod ast;
pub mod error;
mod lexer;
pub mod parser;
pub mod span;
pub mod visit;

pub use error::ParseError;
pub use parser::parse;
