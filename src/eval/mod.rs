//! Evaluation: values, operators, Java method emulation and the tree walker.

pub mod budget;
pub mod compile;
pub(crate) mod cycles;
pub(crate) mod direct;
pub mod entries;
pub mod error;
pub mod jparse;
pub mod jregex;
pub mod jstring;
pub mod lazy;
pub mod methods;
pub mod number;
pub mod ops;
pub mod options;
pub mod print;
pub mod render;
pub mod value;
