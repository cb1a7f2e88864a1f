//! Pieces of the API Gateway runtime that templates call into.
//!
//! - [`jsonpath`]: the JSONPath dialect of `$input.json(path)` / `$input.path(path)`,
//!   a port of Jayway JsonPath 2.0.0's compiler and evaluator over json-smart values.
//! - [`util`]: the `$util` functions (`escapeJavaScript`, `urlEncode`, `urlDecode`,
//!   `base64Encode`, `base64Decode`, `parseJson`) as the Java libraries behind
//!   them behave.
//!
//! Both are pure: no I/O, no global state, no panics on any input.
//!
//! [`MappingTemplate`] puts them together with `$context` and `$stageVariables`:
//!
//! ```
//! use apigw_vtl::runtime::{GatewayOptions, MappingTemplate, Request};
//!
//! let template = MappingTemplate::parse(r#"{"id": "$input.params('id')", "n": $input.path('$.items').size()}"#)?;
//! let mut request = Request::default();
//! request.path_params.insert("id".into(), "abc".into());
//! request.body = Some(r#"{"items": [1, 2, 3]}"#.into());
//! let out = template.render(&request, &GatewayOptions::default())?;
//! assert_eq!(out.body, r#"{"id": "abc", "n": 3}"#);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod json;
pub mod jsonpath;
pub mod overrides;
pub mod util;

mod context;
mod gateway;
mod input;
mod request;

pub use gateway::{GatewayError, GatewayOptions, MappingTemplate, Overrides, Rendered};
pub use request::{EventError, Request};
