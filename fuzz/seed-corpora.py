#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora from the test corpus and fixtures.

    python3 fuzz/seed-corpora.py        (from the repository root)

fuzz/corpus/<target>/ gets one file per seed (named by a hash of its content):
- parse, render: every template of tests/corpus/*.case; render's seeds are
  `template NUL body NUL headers`, with the case's body or its event's body;
- jsonpath: every literal path of `$input.json('…')` / `$input.path('…')` in
  the corpus, each paired with every distinct body (`path NUL document`);
- json: every body and event of the corpus;
- util: every string literal in the corpus templates, and the bodies;
- lint: every JSON and YAML file under tests/lint/fixtures, with the kind byte
  the target reads first.
"""
import hashlib
import json
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
import importlib.util

spec = importlib.util.spec_from_file_location(
    "refresh", os.path.join(ROOT, "tests", "tools", "refresh-corpus.py")
)
refresh = importlib.util.module_from_spec(spec)
spec.loader.exec_module(refresh)

CORPUS = os.path.join(ROOT, "tests", "corpus")
OUT = os.path.join(ROOT, "fuzz", "corpus")


def put(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def event_body(name):
    try:
        with open(os.path.join(CORPUS, "events", name + ".json"), encoding="utf-8") as f:
            ev = json.load(f)
    except (OSError, ValueError):
        return None
    b = ev.get("body") if isinstance(ev, dict) else None
    return b if isinstance(b, str) else None


def main():
    templates, bodies, paths, strings = [], set(), set(), set()
    for fn in sorted(os.listdir(CORPUS)):
        if not fn.endswith(".case"):
            continue
        _, cases = refresh.parse_file(os.path.join(CORPUS, fn))
        for c in cases:
            t = c.section("template")
            if t is None:
                continue
            body = c.header("body")
            if body is None and c.header("event"):
                body = event_body(c.header("event"))
            templates.append((t, body))
            if body is not None:
                bodies.add(body)
            for m in re.finditer(r"\$input\.(?:json|path)\('([^']*)'\)", t):
                paths.add(m.group(1))
            for m in re.finditer(r"\"([^\"$#\\]{0,200})\"|'([^'$#\\]{0,200})'", t):
                strings.add(m.group(1) or m.group(2) or "")
    for ev in sorted(os.listdir(os.path.join(CORPUS, "events"))):
        with open(os.path.join(CORPUS, "events", ev), encoding="utf-8") as f:
            text = f.read()
        put("json", text)
        b = event_body(ev[: -len(".json")])
        if b is not None:
            bodies.add(b)
    for t, body in templates:
        put("parse", t)
        put("render", t + "\0" + (body or "") + "\0Accept: application/json\nX-Id: a'b")
    for b in bodies:
        put("json", b)
        put("util", b)
    for s in strings:
        put("util", s)
    docs = sorted(bodies, key=len)[:40]
    for p in sorted(paths):
        for d in docs:
            put("jsonpath", p + "\0" + d)
    fixtures = os.path.join(ROOT, "tests", "lint", "fixtures")
    for dirpath, _, files in os.walk(fixtures):
        for fn in files:
            kind = {".json": 0, ".yaml": 1, ".yml": 2}.get(os.path.splitext(fn)[1])
            if kind is None:
                continue
            with open(os.path.join(dirpath, fn), "rb") as f:
                put("lint", bytes([kind]) + f.read())
    for t in sorted(os.listdir(OUT)):
        print(t, len(os.listdir(os.path.join(OUT, t))))


main()
