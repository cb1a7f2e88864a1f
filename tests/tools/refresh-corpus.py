#!/usr/bin/env python3
"""Fill / refresh the expected results of tests/corpus/*.case from the oracle.

    tests/tools/refresh-corpus.py [--oracle PATH] [--check] [FILE.case ...]

Every case marked `source: oracle` is rendered by the real Velocity 1.7 oracle
(`oracle batch`, one JVM per mode; `mode: velocity` runs with ORACLE_NULL=literal)
and its `--- output` / `--- error` section is rewritten from the result.
Cases marked `source: aws` (from AWS records) or `source: inferred` (nothing
decides; the choice is explained in a note) are never touched: their
expectation is written by hand.  With --check nothing is written; the tool
exits 1 if any expectation would change.  See tests/corpus/README.md.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.normpath(os.path.join(HERE, "..", "corpus"))
DEFAULT_ORACLE = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "oracle", "oracle"))

CASE_RE = re.compile(r"^=== case: (\S+)$")
SECTION_RE = re.compile(r"^--- (template|output|error)$")
HEADER_RE = re.compile(r"^([a-z]+): ?(.*)$")
POS_RE = re.compile(r"line (\d+), column (\d+)")


class Case:
    def __init__(self, name, lineno):
        self.name = name
        self.lineno = lineno
        self.headers = []  # [(key, value)] in order
        self.sections = []  # [(kind, text)] in order

    def header(self, key, default=None):
        for k, v in self.headers:
            if k == key:
                return v
        return default

    def section(self, kind):
        for k, v in self.sections:
            if k == kind:
                return v
        return None


def parse_file(path):
    """Parses a .case file (bytes-exact; only '\\n' separates lines)."""
    with open(path, "rb") as f:
        data = f.read().decode("utf-8")
    if data.endswith("\n"):
        data = data[:-1]
    lines = data.split("\n")
    cases, cur, sec = [], None, None
    preamble = []
    for i, line in enumerate(lines, 1):
        m = CASE_RE.match(line)
        if m:
            cur = Case(m.group(1), i)
            cases.append(cur)
            sec = None
            continue
        m = SECTION_RE.match(line)
        if m and cur is not None:
            sec = [m.group(1), []]
            cur.sections.append(sec)
            continue
        if cur is None:
            preamble.append(line)
        elif sec is None:
            if line.strip() == "":
                continue
            m = HEADER_RE.match(line)
            if not m:
                sys.exit(f"{path}:{i}: bad header line {line!r}")
            cur.headers.append((m.group(1), m.group(2)))
        else:
            sec[1].append(line)
    for c in cases:
        c.sections = [(k, "\n".join(v)) for k, v in c.sections]
    return preamble, cases


def serialize(preamble, cases):
    out = []
    out.extend(preamble)
    for c in cases:
        out.append(f"=== case: {c.name}")
        for k, v in c.headers:
            out.append(f"{k}: {v}")
        for k, v in c.sections:
            for line in v.split("\n"):
                if CASE_RE.match(line) or SECTION_RE.match(line):
                    sys.exit(f"case {c.name}: a {k} line looks like a delimiter: {line!r}")
            out.append(f"--- {k}")
            out.append(v)
    return ("\n".join(out) + "\n").encode("utf-8")


def error_line(msg):
    """`parse L:C | message`, `render L:C | message` or `render | message`."""
    msg = " ".join(msg.split())
    kind = "parse" if "ParseException" in msg.split(":")[0] else "render"
    m = POS_RE.search(msg)
    pos = f" {m.group(1)}:{m.group(2)}" if m else ""
    return f"{kind}{pos} | {msg}"


EVENTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus", "events")


def event_of(case):
    """The request a case renders against: `event: NAME` is tests/corpus/events/NAME.json."""
    name = case.header("event")
    if name is None:
        return {}
    with open(os.path.join(EVENTS_DIR, name + ".json"), encoding="utf-8") as f:
        event = json.load(f)
    body = case.header("body")
    if body is not None:
        event["body"] = body
    return event


def run_oracle(oracle, cases, literal):
    if not cases:
        return {}
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for i, c in enumerate(cases):
            f.write(json.dumps({"id": str(i), "template": c.section("template"), "event": event_of(c)}) + "\n")
        name = f.name
    env = dict(os.environ)
    if literal:
        env["ORACLE_NULL"] = "literal"
    else:
        env.pop("ORACLE_NULL", None)
    try:
        res = subprocess.run([oracle, "batch", name], env=env, capture_output=True, check=True)
    finally:
        os.unlink(name)
    results = {}
    for line in res.stdout.decode("utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            results[cases[int(r["id"])].name] = r
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oracle", default=os.environ.get("APIGW_VTL_ORACLE", DEFAULT_ORACLE))
    ap.add_argument("--check", action="store_true")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    files = args.files or sorted(
        os.path.join(CORPUS, f) for f in os.listdir(CORPUS) if f.endswith(".case")
    )
    parsed = {f: parse_file(f) for f in files}
    names = set()
    todo = {False: [], True: []}
    for f, (_, cases) in parsed.items():
        for c in cases:
            if c.name in names:
                sys.exit(f"{f}: duplicate case name {c.name}")
            names.add(c.name)
            if c.section("template") is None:
                sys.exit(f"{f}: case {c.name} has no template")
            src = c.header("source")
            mode = c.header("mode", "apigw")
            if mode not in ("apigw", "velocity", "jsonnull"):
                sys.exit(f"{f}: case {c.name}: bad mode {mode}")
            if mode == "jsonnull" and src == "oracle":
                sys.exit(f"{f}: case {c.name}: the oracle has no jsonnull mode")
            if src == "oracle":
                todo[mode == "velocity"].append(c)
            elif src in ("aws", "inferred"):
                if c.section("output") is None and c.section("error") is None:
                    sys.exit(f"{f}: {src} case {c.name} needs a hand-written expectation")
            else:
                sys.exit(f"{f}: case {c.name}: source must be oracle, aws or inferred")
            if c.header("compare", "exact") not in ("exact", "whitespace", "json"):
                sys.exit(f"{f}: case {c.name}: bad compare {c.header('compare')}")
    results = {}
    for literal, cases in todo.items():
        results.update(run_oracle(args.oracle, cases, literal))
    changed = 0
    for f, (pre, cases) in parsed.items():
        file_changed = False
        for c in cases:
            if c.header("source") != "oracle":
                continue
            r = results.get(c.name)
            if r is None:
                sys.exit(f"no oracle result for {c.name}")
            if "error" in r:
                new = [("error", error_line(r["error"]))]
            else:
                new = [("output", r["output"])]
            old = [(k, v) for k, v in c.sections if k != "template"]
            if old != new:
                changed += 1
                file_changed = True
                print(f"{'would update' if args.check else 'updated'}: {c.name}")
                c.sections = [(k, v) for k, v in c.sections if k == "template"] + new
        if file_changed and not args.check:
            with open(f, "wb") as out:
                out.write(serialize(pre, cases))
    total = sum(len(v) for v in todo.values())
    print(f"{total} oracle cases, {changed} {'stale' if args.check else 'updated'}, {len(names)} cases in all")
    if args.check and changed:
        sys.exit(1)


if __name__ == "__main__":
    main()
