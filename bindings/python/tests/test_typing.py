"""The shipped stubs describe what the module exports."""

import ast
import pathlib

import apigw_vtl
from apigw_vtl import _native

PKG = pathlib.Path(apigw_vtl.__file__).parent


def test_py_typed_and_stubs_ship():
    assert (PKG / "py.typed").exists()
    assert (PKG / "_native.pyi").exists()


def test_stubs_name_every_native_export():
    tree = ast.parse((PKG / "_native.pyi").read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    exported = {n for n in dir(_native) if not n.startswith("_") or n == "__version__"}
    assert exported <= names, exported - names
    assert set(apigw_vtl.__all__) <= names | {
        "ApigwVtlError", "InvalidRequestError", "TemplateRenderError", "TemplateSyntaxError",
        "Diagnostic", "Overrides", "Position",
    }


def test_the_package_docstring_example_runs():
    import doctest

    assert doctest.testmod(apigw_vtl).failed == 0


def test_stubtest_finds_the_stubs_true_to_the_module():
    import subprocess
    import sys

    import pytest

    pytest.importorskip("mypy")
    done = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "apigw_vtl._native"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
