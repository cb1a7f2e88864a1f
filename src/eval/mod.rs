//! Evaluation: values, operators, Java method emulation and the tree walker.

pub mod budget;
pub(crate) mod cycles;
pub mod jregex;
pub mod jstring;
pub mod methods;
pub mod number;
pub mod ops;
pub mod print;
pub mod render;
pub mod value;
