import pathlib

import pytest

from apigw_vtl import lint

from .conftest import REPO


def test_lint_text_gives_json_shaped_diagnostics():
    diags = lint('{"input": "$util.escapeJavaScript($input.json(\'$\'))"}')
    assert [d["rule"] for d in diags] == ["escape-javascript-quote"]
    d = diags[0]
    assert d["severity"] == "warning"
    assert d["file"] == "template.vtl"
    assert (d["start"]["line"], d["start"]["column"]) == (1, 12)
    assert d["fixable"] is True
    assert "hint" in d


def test_lint_reports_syntax_errors_with_positions():
    diags = lint("ok\n#if(", filename="broken.vtl")
    assert [(d["rule"], d["file"], d["start"]["line"]) for d in diags] == [("syntax", "broken.vtl", 2)]


def test_allow_and_deny():
    text = '{"input": "$util.escapeJavaScript($input.json(\'$\'))"}'
    assert lint(text, allow=["escape-javascript-quote"]) == []
    assert lint(text, deny=["escape-javascript-quote"])[0]["severity"] == "error"
    with pytest.raises(ValueError, match="no-such-rule"):
        lint(text, allow=["no-such-rule"])


def test_lint_a_document_by_filename_and_by_path():
    path = REPO / "tests" / "lint" / "fixtures" / "openapi.yaml"
    by_path = lint(path)
    assert by_path and all(d["location"].startswith("paths.") for d in by_path)
    by_text = lint(path.read_text(encoding="utf-8"), filename=str(path))
    assert [d["rule"] for d in by_text] == [d["rule"] for d in by_path]


def test_lint_a_directory(tmp_path: pathlib.Path):
    (tmp_path / "a.vtl").write_text("$input.nope()", encoding="utf-8")
    (tmp_path / "b.vtl").write_text("fine", encoding="utf-8")
    diags = lint(tmp_path)
    assert [d["rule"] for d in diags] == ["unknown-input-member"]
    assert diags[0]["file"].endswith("a.vtl")


def test_lint_errors():
    with pytest.raises(OSError):
        lint(pathlib.Path("/no/such/dir"))
    with pytest.raises(TypeError):
        lint(42)
