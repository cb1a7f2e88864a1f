//! Conformance corpus: every case in `tests/corpus/*.case` (format in
//! `tests/corpus/README.md`) is parsed, rendered and compared byte for byte.
//! All failures are reported at once; `APIGW_VTL_CASE=substring` runs a subset.

use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use apigw_vtl::runtime::{GatewayError, GatewayOptions, MappingTemplate, Request};
use apigw_vtl::{Context, Limits, NullMode, RenderOptions, Template};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ErrorKind {
    Parse,
    Render,
}

#[derive(Debug)]
enum Expect {
    Output(String),
    Error {
        kind: ErrorKind,
        pos: Option<(u32, u32)>,
        message: String,
    },
}

/// How an output is compared with its expectation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compare {
    /// Byte for byte (the default).
    Exact,
    /// Both sides whitespace-normalised first: newlines become spaces, the ends are
    /// trimmed and every run of whitespace becomes one space (for AWS records that
    /// were stored that way).
    Whitespace,
    /// Both sides parsed as JSON and compared as values (for AWS records stored parsed).
    Json,
}

#[derive(Debug)]
struct Case {
    file: String,
    line: usize,
    name: String,
    source: String,
    mode: NullMode,
    /// `event: NAME`: render as a mapping template against `tests/corpus/events/NAME.json`.
    event: Option<String>,
    /// `body: TEXT`: the request body, replacing the event's.
    body: Option<String>,
    /// `compare: ...`: how the output is compared with the expectation.
    compare: Compare,
    template: String,
    expect: Expect,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("corpus")
}

fn is_delimiter(line: &str) -> bool {
    line.starts_with("=== case: ")
        || line == "--- template"
        || line == "--- output"
        || line == "--- error"
}

fn parse_error_line(s: &str) -> Result<Expect, String> {
    let (head, message) = match s.split_once(" | ") {
        Some((h, m)) => (h.trim(), m.to_string()),
        None => (s.trim(), String::new()),
    };
    let mut words = head.split_whitespace();
    let kind = match words.next() {
        Some("parse") => ErrorKind::Parse,
        Some("render") => ErrorKind::Render,
        other => return Err(format!("bad error kind {other:?}")),
    };
    let pos = match words.next() {
        None => None,
        Some(p) => {
            let (l, c) = p
                .split_once(':')
                .ok_or_else(|| format!("bad position {p:?}"))?;
            Some((
                l.parse().map_err(|_| format!("bad line in {p:?}"))?,
                c.parse().map_err(|_| format!("bad column in {p:?}"))?,
            ))
        }
    };
    Ok(Expect::Error { kind, pos, message })
}

/// Parses one `.case` file.
fn parse_case_file(path: &Path) -> Result<Vec<Case>, String> {
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    let data = std::fs::read(path).map_err(|e| format!("{file}: {e}"))?;
    let data = String::from_utf8(data).map_err(|e| format!("{file}: not UTF-8: {e}"))?;
    let data = data.strip_suffix('\n').unwrap_or(&data);

    struct Raw {
        line: usize,
        name: String,
        headers: Vec<(String, String)>,
        sections: Vec<(String, Vec<String>)>,
    }
    let mut raws: Vec<Raw> = Vec::new();
    for (i, line) in data.split('\n').enumerate() {
        let lineno = i + 1;
        if let Some(name) = line.strip_prefix("=== case: ") {
            raws.push(Raw {
                line: lineno,
                name: name.trim().to_string(),
                headers: vec![],
                sections: vec![],
            });
            continue;
        }
        let Some(cur) = raws.last_mut() else {
            continue; // preamble: free text
        };
        if is_delimiter(line) {
            cur.sections
                .push((line.trim_start_matches("--- ").to_string(), vec![]));
            continue;
        }
        match cur.sections.last_mut() {
            Some((_, lines)) => lines.push(line.to_string()),
            None => {
                if line.trim().is_empty() {
                    continue;
                }
                let (k, v) = line
                    .split_once(':')
                    .ok_or_else(|| format!("{file}:{lineno}: bad header line {line:?}"))?;
                cur.headers
                    .push((k.trim().to_string(), v.trim().to_string()));
            }
        }
    }

    let mut cases = Vec::new();
    for raw in raws {
        let at = format!("{file}:{} ({})", raw.line, raw.name);
        let header = |key: &str| {
            raw.headers
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        let source = header("source").unwrap_or("").to_string();
        if !matches!(source.as_str(), "oracle" | "aws" | "inferred") {
            return Err(format!("{at}: source must be oracle, aws or inferred"));
        }
        let compare = match header("compare").unwrap_or("exact") {
            "exact" => Compare::Exact,
            "whitespace" => Compare::Whitespace,
            "json" => Compare::Json,
            c => return Err(format!("{at}: bad compare {c:?}")),
        };
        let body = header("body").map(str::to_string);
        if body.is_some() && header("event").is_none() {
            return Err(format!("{at}: body without event"));
        }
        let mode = match header("mode").unwrap_or("apigw") {
            "apigw" => NullMode::ApiGateway,
            "velocity" => NullMode::Velocity,
            // The oracle has no such mode: only hand-written expectations.
            "jsonnull" if source != "oracle" => NullMode::JsonNull,
            m => return Err(format!("{at}: bad mode {m:?}")),
        };
        let section = |kind: &str| {
            raw.sections
                .iter()
                .find(|(k, _)| k == kind)
                .map(|(_, lines)| lines.join("\n"))
        };
        let template = section("template").ok_or_else(|| format!("{at}: no template"))?;
        let expect = match (section("output"), section("error")) {
            (Some(out), None) => Expect::Output(out),
            (None, Some(err)) => parse_error_line(&err).map_err(|e| format!("{at}: {e}"))?,
            (None, None) => {
                return Err(format!(
                    "{at}: no expectation (run tests/tools/refresh-corpus.py)"
                ))
            }
            (Some(_), Some(_)) => return Err(format!("{at}: both output and error")),
        };
        let event = match header("event") {
            None => None,
            Some(name) => {
                let p = corpus_dir().join("events").join(format!("{name}.json"));
                Some(
                    std::fs::read_to_string(&p)
                        .map_err(|e| format!("{at}: {}: {e}", p.display()))?,
                )
            }
        };
        cases.push(Case {
            file: file.clone(),
            line: raw.line,
            name: raw.name,
            source,
            mode,
            event,
            body,
            compare,
            template,
            expect,
        });
    }
    Ok(cases)
}

fn load_corpus() -> Vec<Case> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("tests/corpus")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "case"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    for f in &files {
        match parse_case_file(f) {
            Ok(c) => cases.extend(c),
            Err(e) => problems.push(e),
        }
    }
    assert!(
        problems.is_empty(),
        "corpus errors:\n{}",
        problems.join("\n")
    );
    let mut names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    let dups: Vec<&&str> = names
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| &w[0])
        .collect();
    assert!(dups.is_empty(), "duplicate case names: {dups:?}");
    cases
}

/// What the engine did with one template.
#[derive(Debug)]
enum Got {
    Output(String),
    ParseError(u32, u32, String),
    RenderError(u32, u32, String),
    Panic(String),
}

fn run(case: &Case) -> Got {
    let opts = RenderOptions {
        null_mode: case.mode,
        limits: Limits::default(),
    };
    let template = case.template.clone();
    if let Some(event) = &case.event {
        let event = event.clone();
        let body = case.body.clone();
        let result = panic::catch_unwind(AssertUnwindSafe(move || {
            let mut request = match Request::from_event_json(&event) {
                Ok(r) => r,
                Err(e) => return Got::Panic(format!("bad event: {e}")),
            };
            if body.is_some() {
                request.body = body.map(Into::into);
            }
            let gw = GatewayOptions {
                render: opts,
                ..GatewayOptions::default()
            };
            match MappingTemplate::parse(&template) {
                Err(e) => Got::ParseError(e.pos.line, e.pos.column, e.message),
                Ok(t) => match t.render(&request, &gw) {
                    Ok(r) => Got::Output(r.body),
                    Err(GatewayError::Parse(e)) => {
                        Got::ParseError(e.pos.line, e.pos.column, e.message)
                    }
                    Err(GatewayError::Render(e)) => {
                        Got::RenderError(e.pos.line, e.pos.column, e.message)
                    }
                    Err(e) => Got::RenderError(0, 0, e.to_string()),
                },
            }
        }));
        return result.unwrap_or_else(|p| Got::Panic(panic_text(p)));
    }
    let result = panic::catch_unwind(AssertUnwindSafe(move || match Template::parse(&template) {
        Err(e) => Got::ParseError(e.pos.line, e.pos.column, e.message),
        Ok(t) => match t.render_with(&Context::new(), &opts) {
            Ok(s) => Got::Output(s),
            Err(e) => Got::RenderError(e.pos.line, e.pos.column, e.message),
        },
    }));
    result.unwrap_or_else(|p| Got::Panic(panic_text(p)))
}

fn panic_text(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "<non-string panic>".into())
}

/// `None` when the case passes, else a short cause.
fn check(case: &Case, got: &Got) -> Option<&'static str> {
    match (&case.expect, got) {
        (_, Got::Panic(_)) => Some("panic"),
        (Expect::Output(e), Got::Output(g)) => match case.compare {
            Compare::Exact => (e != g).then_some("wrong output"),
            Compare::Whitespace => {
                (normalize_whitespace(e) != normalize_whitespace(g)).then_some("wrong output")
            }
            Compare::Json => match (
                serde_json::from_str::<serde_json::Value>(e),
                serde_json::from_str::<serde_json::Value>(g),
            ) {
                (Ok(e), Ok(g)) => (e != g).then_some("wrong output (as JSON)"),
                (Err(_), _) => Some("expectation is not JSON"),
                (_, Err(_)) => Some("output is not JSON"),
            },
        },
        (Expect::Output(_), Got::ParseError(..)) => Some("unexpected parse error"),
        (Expect::Output(_), Got::RenderError(..)) => Some("unexpected render error"),
        (Expect::Error { .. }, Got::Output(_)) => Some("missing error"),
        (Expect::Error { kind, pos, .. }, Got::ParseError(l, c, _)) => {
            if *kind != ErrorKind::Parse {
                Some("parse error, expected render error")
            } else if pos.is_some_and(|p| p != (*l, *c)) {
                Some("parse error at wrong position")
            } else {
                None
            }
        }
        (Expect::Error { kind, pos, .. }, Got::RenderError(l, c, _)) => {
            if *kind != ErrorKind::Render {
                Some("render error, expected parse error")
            } else if pos.is_some_and(|p| p != (*l, *c)) {
                Some("render error at wrong position")
            } else {
                None
            }
        }
    }
}

/// Newlines to spaces, ends trimmed, runs of whitespace to one space.
fn normalize_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn describe_expect(e: &Expect) -> String {
    match e {
        Expect::Output(s) => format!("{s:?}"),
        Expect::Error { kind, pos, message } => {
            let pos = pos.map(|(l, c)| format!(" at {l}:{c}")).unwrap_or_default();
            format!("{kind:?} error{pos} ({message})")
        }
    }
}

fn describe_got(g: &Got) -> String {
    match g {
        Got::Output(s) => format!("{s:?}"),
        Got::ParseError(l, c, m) => format!("Parse error at {l}:{c} ({m})"),
        Got::RenderError(l, c, m) => format!("Render error at {l}:{c} ({m})"),
        Got::Panic(m) => format!("PANIC: {m}"),
    }
}

/// Byte offset of the first difference, for long outputs.
fn first_difference(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

#[test]
fn conformance_corpus() {
    let cases = load_corpus();
    assert!(cases.len() >= 220, "corpus too small: {}", cases.len());
    let filter = std::env::var("APIGW_VTL_CASE").ok();
    let selected: Vec<&Case> = cases
        .iter()
        .filter(|c| filter.as_deref().map_or(true, |f| c.name.contains(f)))
        .collect();

    // Keep panics of the engine from flooding the output; they are reported below.
    let hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let results: Vec<(&Case, Got)> = selected.iter().map(|c| (*c, run(c))).collect();
    panic::set_hook(hook);

    let mut report = String::new();
    let mut causes: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut per_file: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    let mut per_source: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    let mut failed = 0;
    for (case, got) in &results {
        let entry = per_file.entry(case.file.as_str()).or_default();
        entry.0 += 1;
        let by_source = per_source.entry(case.source.as_str()).or_default();
        by_source.0 += 1;
        let Some(cause) = check(case, got) else {
            continue;
        };
        failed += 1;
        entry.1 += 1;
        by_source.1 += 1;
        *causes.entry(cause).or_default() += 1;
        let _ = writeln!(
            report,
            "\n--- FAIL {} ({}:{}, mode {:?}, source {}): {cause}",
            case.name, case.file, case.line, case.mode, case.source
        );
        let _ = writeln!(report, "  template: {:?}", case.template);
        let _ = writeln!(report, "  expected: {}", describe_expect(&case.expect));
        let _ = writeln!(report, "  got:      {}", describe_got(got));
        if let (Expect::Output(e), Got::Output(g)) = (&case.expect, got) {
            let at = first_difference(e, g);
            if e.len() > 40 || g.len() > 40 {
                let _ = writeln!(
                    report,
                    "  first difference at byte {at}: expected {:?} got {:?}",
                    e.get(at..)
                        .unwrap_or("")
                        .chars()
                        .take(30)
                        .collect::<String>(),
                    g.get(at..)
                        .unwrap_or("")
                        .chars()
                        .take(30)
                        .collect::<String>()
                );
            }
        }
    }
    let _ = writeln!(report, "\n=== per file (failed / total):");
    for (file, (total, bad)) in &per_file {
        let _ = writeln!(report, "  {file:<24} {bad:>4} / {total}");
    }
    let _ = writeln!(report, "=== per source (failed / total):");
    for (source, (total, bad)) in &per_source {
        let _ = writeln!(report, "  {source:<24} {bad:>4} / {total}");
    }
    let _ = writeln!(report, "=== by cause:");
    for (cause, n) in &causes {
        let _ = writeln!(report, "  {cause:<40} {n}");
    }
    let _ = writeln!(
        report,
        "=== {failed} of {} cases failed ({} in corpus)",
        results.len(),
        cases.len()
    );
    if failed > 0 {
        panic!("{report}");
    }
    println!("{report}");
}

/// The corpus files must survive a parse/serialize round trip in the refresh tool;
/// here we check the invariants the tool relies on.
#[test]
fn corpus_is_well_formed() {
    let cases = load_corpus();
    for c in &cases {
        for line in c.template.split('\n') {
            assert!(!is_delimiter(line), "{}: delimiter-like line", c.name);
        }
        if c.source != "oracle" {
            assert!(
                matches!(c.expect, Expect::Output(_)) || matches!(c.expect, Expect::Error { .. })
            );
        }
    }
}

/// Every AWS-recorded render of localstack/airspeed's `tests/test_templating.py`
/// is in the corpus (`aws-airspeed.case`), runs through the gateway path
/// (`event:` + `body:`) and is named after its test and `render-result-N`.
#[test]
fn airspeed_records_are_all_present() {
    let cases = load_corpus();
    let airspeed: Vec<&Case> = cases
        .iter()
        .filter(|c| c.name.starts_with("airspeed."))
        .collect();
    assert_eq!(airspeed.len(), 205, "airspeed AWS records in the corpus");
    for c in &airspeed {
        assert_eq!(c.source, "aws", "{}", c.name);
        assert!(c.event.is_some() && c.body.is_some(), "{}", c.name);
        let n = c.name.rsplit('.').next().unwrap_or("");
        assert!(
            n.strip_prefix("render-result-")
                .is_some_and(|d| d.parse::<u32>().is_ok()),
            "{}",
            c.name
        );
    }
}
