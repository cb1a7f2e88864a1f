import pytest

from apigw_vtl import ApigwVtlError, MappingTemplate, TemplateRenderError, TemplateSyntaxError


def test_syntax_errors_carry_line_and_column():
    with pytest.raises(TemplateSyntaxError) as e:
        MappingTemplate("line one\nx #if(")
    err = e.value
    assert (err.line, err.column) == (2, 6)
    assert "expected an expression" in err.message
    assert str(err) == f"2:6: {err.message}"
    assert isinstance(err, ApigwVtlError) and isinstance(err, ValueError)


def test_syntax_error_columns_count_characters():
    with pytest.raises(TemplateSyntaxError) as e:
        MappingTemplate('"caf\u00e9 $stageVariables.get(a:b)"')
    # Columns count characters: "é" is one column, two bytes.
    assert (e.value.line, e.value.column) == (1, 28)


def test_templates_over_300_kb_are_refused():
    with pytest.raises(TemplateSyntaxError, match="300 KB"):
        MappingTemplate("a" * (300 * 1024 + 1))


def test_render_errors_carry_line_column_and_kind():
    t = MappingTemplate('a\n  $input.json("$[")')
    with pytest.raises(TemplateRenderError) as e:
        t.render(body="{}")
    err = e.value
    assert (err.line, err.column, err.kind) == (2, 10, "method-failed")
    assert "InvalidPathException" in err.message
    assert str(err).startswith("2:10: ")


def test_limits_are_render_errors():
    with pytest.raises(TemplateRenderError) as e:
        MappingTemplate("x\n #set($a = [1..2000000])").render()
    assert (e.value.line, e.value.column, e.value.kind) == (2, 12, "limit")
