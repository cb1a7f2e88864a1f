//! Evaluation: values, operators, Java method emulation and the tree walker.

pub mod compile;
pub mod error;
pub mod jregex;
pub mod methods;
pub mod number;
pub mod ops;
pub mod options;
pub mod render;
pub mod value;
