import json
import os
import pathlib
import shutil
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"


def cli_render(*args: str) -> bytes:
    """The command line's output for `apigw-vtl render ARGS` (the reference for the bindings).

    Uses $APIGW_VTL_CLI when set, else `cargo run` in the repository.
    """
    exe = os.environ.get("APIGW_VTL_CLI")
    if exe:
        cmd = [exe, "render", *args]
    else:
        cargo = shutil.which("cargo")
        if cargo is None:
            pytest.fail("set APIGW_VTL_CLI to the apigw-vtl binary, or put cargo on PATH")
        cmd = [cargo, "run", "--quiet", "--bin", "apigw-vtl", "--", "render", *args]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, check=False)
    if done.returncode != 0:
        pytest.fail(f"{cmd} failed: {done.stderr.decode(errors='replace')}")
    return done.stdout


@pytest.fixture(scope="session")
def seed_template() -> str:
    return (EXAMPLES / "start-execution.vtl").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_event() -> dict:
    return json.loads((EXAMPLES / "post-execution.json").read_text(encoding="utf-8"))
