import json

import pytest

from apigw_vtl import InvalidRequestError, MappingTemplate, RenderResult

from .conftest import EXAMPLES, cli_render


def test_seed_matches_the_command_line_byte_for_byte(seed_template, seed_event):
    expected = cli_render("examples/start-execution.vtl", "--event", "examples/post-execution.json")
    out = MappingTemplate(seed_template).render(seed_event)
    assert out.body.encode("utf-8") == expected
    # The event as JSON text gives the same.
    text = (EXAMPLES / "post-execution.json").read_text(encoding="utf-8")
    assert MappingTemplate(seed_template).render(text).body.encode("utf-8") == expected
    assert "\\u00E9" in out.body and "O\\'Brien" in out.body


def test_stage_variables_template_matches_the_command_line(seed_event):
    source = (EXAMPLES / "start-execution-stage.vtl").read_text(encoding="utf-8")
    expected = cli_render("examples/start-execution-stage.vtl", "--event", "examples/post-execution.json")
    assert MappingTemplate(source).render(seed_event).body.encode("utf-8") == expected


def test_parts_without_an_event():
    t = MappingTemplate(
        "$input.params('id') $input.params('q') $input.params('H') "
        "$stageVariables.env $context.stage $input.path('$.a')"
    )
    out = t.render(
        body='{"a": 7}',
        headers={"H": "h"},
        query={"q": "1"},
        path_params={"id": "abc"},
        stage_variables={"env": "dev"},
        context={"stage": "prod"},
    )
    assert out.body == "abc 1 h dev prod 7"


def test_parts_replace_the_events(seed_event):
    t = MappingTemplate("$input.params().header.keySet() $context.stage|$input.body")
    out = t.render(seed_event, headers={"X-One": "1"}, context={"stage": "beta"}, body="plain")
    assert out.body == "[X-One] beta|plain"


def test_body_forms():
    t = MappingTemplate("$input.json('$')")
    assert t.render(body={"a": [1, 2.5, True, None]}).body == '{"a":[1,2.5,true,null]}'
    assert t.render(body=b'{"b": "\xc3\xa9"}').body == '{"b":"\u00e9"}'
    assert t.render().body == "{}"
    assert t.render(body=[1, 2]).body == "[1,2]"


def test_big_integers_keep_their_digits():
    t = MappingTemplate("$input.json('$.n')")
    assert t.render(body={"n": 123456789012345678901234567890}).body == "123456789012345678901234567890"


def test_overrides_come_back_as_a_dict():
    t = MappingTemplate(
        '#set($context.requestOverride.header.X = "1")'
        '#set($context.responseOverride.status = 404)'
        '#set($context.responseOverride.header.Y = ["a", "b"])ok'
    )
    out = t.render()
    assert isinstance(out, RenderResult)
    assert out.body == "ok"
    assert out.overrides == {
        "request_header": {"X": ["1"]},
        "request_querystring": {},
        "request_path": {},
        "response_header": {"Y": ["a", "b"]},
        "response_status": "404",
    }


def test_a_malformed_event_names_the_field():
    t = MappingTemplate("x")
    with pytest.raises(InvalidRequestError) as e:
        t.render({"headers": {"Accept": 1}})
    assert e.value.field == "event.headers.Accept"
    assert isinstance(e.value, ValueError)
    with pytest.raises(InvalidRequestError) as e:
        t.render('{"body": {}}')
    assert e.value.field == "event.body"


def test_wrong_python_types_are_type_errors():
    t = MappingTemplate("x")
    with pytest.raises(TypeError, match=r'headers\["A"\]: expected str, got int'):
        t.render(headers={"A": 1})
    with pytest.raises(TypeError, match="event: expected a dict"):
        t.render(42)
    with pytest.raises(TypeError, match="body: expected str"):
        t.render(body=3.5)
    with pytest.raises(TypeError, match=r"context.x: object cannot be sent as JSON"):
        t.render(context={"x": object()})
    with pytest.raises(ValueError, match="(?i)nan is not a JSON number"):
        t.render(body={"x": float("nan")})


def test_deeply_nested_values_are_refused_not_crashing():
    deep: list = []
    cur = deep
    for _ in range(1000):
        nxt: list = []
        cur.append(nxt)
        cur = nxt
    with pytest.raises(ValueError, match="nested more than"):
        MappingTemplate("x").render(body=deep)
    cyclic: dict = {}
    cyclic["self"] = cyclic
    with pytest.raises(ValueError, match="nested more than"):
        MappingTemplate("x").render(context=cyclic)


def test_a_body_over_10_mb_is_refused():
    with pytest.raises(InvalidRequestError) as e:
        MappingTemplate("x").render(body="a" * (10 * 1024 * 1024 + 1))
    assert e.value.field == "body"


def test_template_object_basics(seed_template):
    t = MappingTemplate(seed_template)
    assert t.source == seed_template
    assert repr(t).startswith("MappingTemplate('{\\n")
    assert "RenderResult(body='ok'" in repr(MappingTemplate("ok").render())


def test_json_event_from_the_file_matches_the_dict(seed_template, seed_event):
    t = MappingTemplate(seed_template)
    assert t.render(json.dumps(seed_event).encode()).body == t.render(seed_event).body


@pytest.mark.parametrize(
    "event",
    [
        {},
        {"httpMethod": "GET", "resource": "/r", "requestContext": None, "headers": None},
        {"httpMethod": "GET", "requestContext": {"httpMethod": "PUT", "n": 1.5, "big": 2**70}},
        {"headers": {"B": None, "A": "1"}, "queryStringParameters": {"q": ""}, "body": None},
        {"pathParameters": {"id": "é"}, "stageVariables": {"s": "v"}, "other": [1, {"x": None}]},
    ],
)
def test_an_event_dict_reads_as_its_json_text(event):
    t = MappingTemplate(
        "$input.params() $stageVariables.keySet() $context.keySet() $context.httpMethod "
        "$context.resourcePath $context.n $context.big $input.body"
    )
    assert t.render(event).body == t.render(json.dumps(event)).body
    assert t.render(event).body == t.render(json.dumps(event).encode()).body


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"headers": {"Accept": 1}}, "event.headers.Accept"),
        ({"headers": []}, "event.headers"),
        ({"body": {}}, "event.body"),
        ({"requestContext": "x"}, "event.requestContext"),
        ({"httpMethod": 1}, "event.httpMethod"),
    ],
)
def test_a_bad_event_dict_names_the_field_as_its_json_text_does(event, field):
    t = MappingTemplate("x")
    for form in (event, json.dumps(event)):
        with pytest.raises(InvalidRequestError) as e:
            t.render(form)
        assert e.value.field == field
