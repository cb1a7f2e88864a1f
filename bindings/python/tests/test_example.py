"""The README's emulator example, run as written."""

import json
import os
import runpy

from .conftest import EXAMPLES, cli_render

HERE = os.path.join(os.path.dirname(__file__), "..", "examples")


def test_the_emulator_example_renders_the_seed_request_as_the_command_line(monkeypatch):
    monkeypatch.chdir(HERE)
    example = runpy.run_path("emulator.py")
    event = json.loads((EXAMPLES / "post-execution.json").read_text(encoding="utf-8"))
    body, overrides = example["integration_request"](
        "POST", "https://api.example.com/alpha/execution?mode=async&trace=on", event["headers"], event["body"]
    )
    expected = cli_render("examples/start-execution.vtl", "--event", "examples/post-execution.json")
    assert body.encode("utf-8") == expected
    assert overrides["response_status"] is None
