//! Syntax: the AST with spans and the nom parser for Velocity 1.7.

pub mod ast;
mod lexer;
pub mod parser;
pub mod span;
pub mod visit;

pub use parser::parse;
