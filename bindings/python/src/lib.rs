//! The native half of the `apigw_vtl` Python package: parse, render and lint
//! through the engine's public API. The Python half (`python/apigw_vtl`) holds
//! the exception classes and the type stubs.

use std::path::PathBuf;

use apigw_vtl::lint as vtl_lint;
use apigw_vtl::runtime::{GatewayOptions, MappingTemplate as Engine};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyString};

mod errors;
mod request;

use errors::{gateway_error, syntax_error};
use request::{to_request, type_name, Parts};

/// A mapping template, parsed once; immutable, so any number of threads may
/// render it at once (the GIL is released while rendering).
#[pyclass(frozen, module = "apigw_vtl._native")]
struct MappingTemplate {
    inner: Engine,
}

#[pymethods]
impl MappingTemplate {
    #[new]
    fn new(py: Python<'_>, source: &str) -> PyResult<Self> {
        let inner = py
            .detach(|| Engine::parse(source))
            .map_err(|e| syntax_error(py, &e))?;
        Ok(MappingTemplate { inner })
    }

    /// The template's text.
    #[getter]
    fn source(&self) -> &str {
        self.inner.template().source()
    }

    #[pyo3(signature = (event=None, *, body=None, headers=None, query=None, path_params=None, stage_variables=None, context=None))]
    #[allow(clippy::too_many_arguments)]
    fn render(
        &self,
        py: Python<'_>,
        event: Option<&Bound<'_, PyAny>>,
        body: Option<&Bound<'_, PyAny>>,
        headers: Option<&Bound<'_, PyAny>>,
        query: Option<&Bound<'_, PyAny>>,
        path_params: Option<&Bound<'_, PyAny>>,
        stage_variables: Option<&Bound<'_, PyAny>>,
        context: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<RenderResult> {
        let parts = Parts {
            body,
            headers,
            query,
            path_params,
            stage_variables,
            context,
        };
        let request = to_request(py, event, &parts)?;
        let opts = GatewayOptions::default();
        let rendered = py
            .detach(|| self.inner.render(&request, &opts))
            .map_err(|e| gateway_error(py, e))?;
        let overrides = serde_json::to_value(rendered.overrides())
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let overrides = from_json(py, &overrides)?.cast_into::<PyDict>()?.unbind();
        Ok(RenderResult {
            body: rendered.body,
            overrides,
        })
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let src = self.inner.template().source();
        let mut head: String = src.chars().take(40).collect();
        if head.len() < src.len() {
            head.push_str("...");
        }
        Ok(format!(
            "MappingTemplate({})",
            PyString::new(py, &head).repr()?
        ))
    }
}

/// What a render produced: the body, and the `$context` overrides the template set.
#[pyclass(frozen, get_all, module = "apigw_vtl._native")]
struct RenderResult {
    body: String,
    overrides: Py<PyDict>,
}

#[pymethods]
impl RenderResult {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let body = PyString::new(py, &self.body).repr()?;
        let overrides = self.overrides.bind(py).repr()?;
        Ok(format!("RenderResult(body={body}, overrides={overrides})"))
    }
}

/// JSON → Python (numbers as int when whole, else float).
fn from_json<'py>(py: Python<'py>, v: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    use serde_json::Value;
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(from_json(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, item) in map {
                dict.set_item(k, from_json(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

/// Lints template text (`str`; `filename` says what kind of document it is)
/// or the files under a path (`os.PathLike`: a file or a directory).
#[pyfunction]
#[pyo3(signature = (source, *, filename=None, allow=Vec::new(), deny=Vec::new(), event=None))]
fn lint(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    filename: Option<String>,
    allow: Vec<String>,
    deny: Vec<String>,
    event: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyList>> {
    let config = vtl_lint::rules::RuleConfig::new(&allow, &deny).map_err(PyValueError::new_err)?;
    let samples = match event {
        Some(ev) if !ev.is_none() => vtl_lint::Samples::with_request(
            "the given event",
            to_request(py, Some(ev), &Parts::none())?,
        ),
        _ => vtl_lint::Samples::builtin(),
    };
    let opts = vtl_lint::LintOptions {
        config,
        samples,
        file_config: None,
        baseline: None,
    };
    let diagnostics = if let Ok(text) = source.cast::<PyString>() {
        let text = text.to_cow()?.into_owned();
        let name = PathBuf::from(filename.unwrap_or_else(|| "template.vtl".to_string()));
        py.detach(|| vtl_lint::lint_file(&name, &text, &opts).diagnostics)
    } else {
        let path: PathBuf = source.extract().map_err(|_| {
            PyTypeError::new_err(format!(
                "lint: expected template text (str) or a path (os.PathLike), got {}",
                type_name(source)
            ))
        })?;
        if filename.is_some() {
            return Err(PyTypeError::new_err(
                "lint: filename names template text; a path names itself",
            ));
        }
        py.detach(|| vtl_lint::run_lint(&[path], &opts, false))
            .map_err(pyo3::exceptions::PyOSError::new_err)?
            .diagnostics
    };
    let list = PyList::empty(py);
    for d in &diagnostics {
        let v = serde_json::to_value(d).map_err(|e| PyValueError::new_err(e.to_string()))?;
        list.append(from_json(py, &v)?)?;
    }
    Ok(list.unbind())
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<MappingTemplate>()?;
    m.add_class::<RenderResult>()?;
    m.add_function(wrap_pyfunction!(lint, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
