"""One render of the seed template, timed from Python: apigw_vtl beside airspeed.

airspeed (the `airspeed-ext` distribution) is the Velocity engine LocalStack
renders API Gateway templates with. It is given a small `$input` / `$util` /
`$context` / `$stageVariables` of the kind an emulator builds (written here,
not LocalStack's own code), so the times compare the engines. Each engine is
timed twice: rendering a template parsed once, and parsing and rendering per
request (what emulators do today).

    pip install './bindings/python[bench]'
    python bindings/python/bench/seed.py
"""

from __future__ import annotations

import json
import pathlib
import platform
import statistics
import sys
import time
from typing import Any, Callable

import airspeed

from apigw_vtl import MappingTemplate

REPO = pathlib.Path(__file__).resolve().parents[3]
SOURCE = (REPO / "examples" / "start-execution.vtl").read_text(encoding="utf-8")
EVENT = json.loads((REPO / "examples" / "post-execution.json").read_text(encoding="utf-8"))


class Input:
    """`$input` over the event: body, json(path), path(path), params()."""

    def __init__(self, event: dict) -> None:
        self.body = event.get("body") or "{}"
        self._event = event

    def _select(self, path: str) -> Any:
        value: Any = json.loads(self.body)
        for part in path.lstrip("$").split("."):
            if part:
                value = value.get(part) if isinstance(value, dict) else None
        return value

    def json(self, path: str) -> str:
        return json.dumps(self._select(path))

    def path(self, path: str) -> Any:
        return self._select(path)

    def params(self, name: str | None = None) -> Any:
        e = self._event
        groups = {
            "path": e.get("pathParameters") or {},
            "querystring": e.get("queryStringParameters") or {},
            "header": e.get("headers") or {},
        }
        if name is None:
            return groups
        for g in groups.values():
            if name in g:
                return g[name]
        return None


class Util:
    """`$util.escapeJavaScript` and friends, the way a Python emulator writes them."""

    def escapeJavaScript(self, s: Any) -> str:  # noqa: N802 (the VTL name)
        return json.dumps(str(s))[1:-1].replace("'", "\\'")


def namespace(event: dict) -> dict:
    return {
        "input": Input(event),
        "util": Util(),
        "context": event.get("requestContext") or {},
        "stageVariables": event.get("stageVariables") or {},
    }


def timed(cases: list[tuple[str, Callable[[], object]]], rounds: int = 15, round_s: float = 0.05) -> list[tuple[str, float, float]]:
    """Per case, the best and the median over `rounds` of the mean time of one call, in µs.

    Rounds of the cases alternate, so that load from elsewhere on the machine
    falls on every case alike.
    """
    sizes = []
    for _, fn in cases:
        fn()
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < round_s:
            fn()
            n += 1
        sizes.append(max(1, n))
    samples: list[list[float]] = [[] for _ in cases]
    for _ in range(rounds):
        for i, (_, fn) in enumerate(cases):
            n = sizes[i]
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            samples[i].append((time.perf_counter() - t0) / n * 1e6)
    return [(name, min(s), statistics.median(s)) for (name, _), s in zip(cases, samples)]


def main() -> int:
    ours = MappingTemplate(SOURCE)
    theirs = airspeed.Template(SOURCE)
    expected = ours.render(EVENT).body
    airspeed_out = theirs.merge(namespace(EVENT))

    rows = timed([
        ("apigw_vtl: render (template parsed once)", lambda: ours.render(EVENT)),
        ("apigw_vtl: parse + render", lambda: MappingTemplate(SOURCE).render(EVENT)),
        ("airspeed: render (template parsed once)", lambda: theirs.merge(namespace(EVENT))),
        ("airspeed: parse + render", lambda: airspeed.Template(SOURCE).merge(namespace(EVENT))),
    ])
    base = rows[0][1]
    print(f"seed template (examples/start-execution.vtl + examples/post-execution.json), "
          f"Python {platform.python_version()}, airspeed-ext "
          f"{_version('airspeed-ext')}, apigw-vtl {_version('apigw-vtl')}")
    print()
    print("| engine | one render (best of 15) | median of 15 | vs apigw_vtl |")
    print("| --- | ---: | ---: | ---: |")
    for name, best, median in rows:
        print(f"| {name} | {best:,.1f} µs | {median:,.1f} µs | {best / base:,.1f}x |")
    print()
    print(f"airspeed output identical to API Gateway's: {'yes' if airspeed_out == expected else 'no'}")
    return 0


def _version(dist: str) -> str:
    from importlib.metadata import version

    try:
        return version(dist)
    except Exception:  # noqa: BLE001
        return "?"


if __name__ == "__main__":
    sys.exit(main())
