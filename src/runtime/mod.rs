//! Pieces of the API Gateway runtime that templates call into.
//!
//! - [`jsonpath`]: the JSONPath dialect of `$input.json(path)` / `$input.path(path)`,
//!   a port of Jayway JsonPath 2.0.0's compiler and evaluator over json-smart values.
//! - [`util`]: the `$util` functions (`escapeJavaScript`, `urlEncode`, `urlDecode`,
//!   `base64Encode`, `base64Decode`, `parseJson`) as the Java libraries behind
//!   them behave.
//!
//! Both are pure: no I/O, no global state, no panics on any input.

pub mod jsonpath;
pub mod util;

mod context;
mod gateway;
mod input;
mod request;

pub use gateway::{GatewayError, GatewayOptions, MappingTemplate, Overrides, Rendered};
pub use request::{EventError, Request};
