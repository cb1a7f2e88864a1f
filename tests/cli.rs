//! The `apigw-vtl` binary as a user runs it. Expected bodies come from the
//! reference renderer (`../shared/oracle`, Velocity 1.7 with API Gateway's context)
//! for the same template and event; each test says so.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

mod support;
use support::{new_temp_dir, TempDir};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_apigw-vtl"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run apigw-vtl")
}

fn run_stdin(args: &[&str], stdin: &str) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn apigw-vtl");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn temp_dir(name: &str) -> TempDir {
    new_temp_dir(&format!("apigw-vtl-cli-{name}-"))
}

fn write(dir: &Path, name: &str, content: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, content).expect("write");
    p.to_string_lossy().into_owned()
}

/// Expected: oracle (`oracle render examples/start-execution.vtl examples/post-execution.json`).
const SEED_OUTPUT: &str = "{\n   \"input\": \"{\\\"name\\\":\\\"Ada O\\'Brien\\\",\\\"order\\\":{\\\"id\\\":42,\\\"items\\\":[{\\\"sku\\\":\\\"A-1\\\",\\\"qty\\\":2,\\\"price\\\":9.5},{\\\"sku\\\":\\\"B-2\\\",\\\"qty\\\":1,\\\"price\\\":120}],\\\"note\\\":\\\"line1\\\\nline2 \\\\\\\"quoted\\\\\\\" caf\\u00E9\\\"},\\\"gift\\\":false,\\\"coupon\\\":null}\",\n   \"stateMachineArn\": \"arn:aws:states:us-east-1:123456789012:stateMachine:HelloWorld\"\n}\n";

#[test]
fn renders_the_seed_preview_from_the_readme() {
    let out = run(&[
        "render",
        "examples/start-execution.vtl",
        "--event",
        "examples/post-execution.json",
    ]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), SEED_OUTPUT);
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn renders_the_stage_variable_variant() {
    // Expected: oracle; the same body, the ARN read from the event's stage variables.
    let out = run(&[
        "render",
        "examples/start-execution-stage.vtl",
        "--event",
        "examples/post-execution.json",
    ]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), SEED_OUTPUT);
}

#[test]
fn reads_the_template_from_stdin() {
    let out = run_stdin(
        &["render", "-", "--event", "examples/post-execution.json"],
        "$input.path('$.order.items[1].sku') $context.stage",
    );
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "B-2 alpha");
}

#[test]
fn request_flags_build_the_request() {
    let dir = temp_dir("flags");
    let body = write(&dir, "body.json", r#"{"n": [1, 2]}"#);
    let t = write(
        &dir,
        "t.vtl",
        "$input.path('$.n') $input.params('id') $input.params('q') $input.params('X-Key') $stageVariables.env $input.params()",
    );
    let out = run(&[
        "render",
        &t,
        "--body",
        &body,
        "--path-param",
        "id=7",
        "--query",
        "q=a=b",
        "--header",
        "X-Key: v1",
        "--stage-var",
        "env=dev",
    ]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "[1,2] 7 a=b v1 dev {path={id=7}, querystring={q=a=b}, header={X-Key=v1}}"
    );
}

#[test]
fn body_from_stdin_replaces_the_events_body() {
    let dir = temp_dir("stdin-body");
    let t = write(&dir, "t.vtl", "$input.json('$.a')");
    let out = run_stdin(
        &[
            "render",
            &t,
            "--event",
            "examples/post-execution.json",
            "--body",
            "-",
        ],
        r#"{"a": "x/y"}"#,
    );
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), r#""x\/y""#);
}

#[test]
fn overrides_print_as_json_on_stderr() {
    let dir = temp_dir("overrides");
    let t = write(
        &dir,
        "t.vtl",
        "#set($context.requestOverride.header.X-Trace = 'abc')#set($context.responseOverride.status = 202)ok",
    );
    let out = run(&["render", &t, "--overrides"]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "ok");
    let json: serde_json::Value = serde_json::from_str(&text(&out.stderr)).expect("JSON on stderr");
    assert_eq!(json["request_header"]["X-Trace"][0], "abc");
    assert_eq!(json["response_status"], "202");
}

#[test]
fn context_mode_renders_the_bare_engine() {
    let out = run(&[
        "render",
        "examples/order.vtl",
        "--context",
        "examples/order.json",
    ]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    // Expected: oracle, with the context passed as the body and read with $input.path.
    assert_eq!(
        text(&out.stdout),
        "{\n  \"customer\": \"Ada O'Brien\",\n  \"items\": [\n    {\"sku\": \"A-1\", \"amount\": 19.0},\n    {\"sku\": \"B-2\", \"amount\": 120}\n  ],\n  \"total\": 139.0,\n  \"note\": \"LEAVE AT THE DOOR\"\n}\n"
    );
}

#[test]
fn a_template_error_points_at_line_and_column() {
    let dir = temp_dir("error");
    let t = write(
        &dir,
        "seed.vtl",
        "{\n   \"stateMachineArn\": \"$util.escapeJavaScript($stageVariables.get(arn:aws:states:us-east-1:123456789012:stateMachine:HelloWorld))\"\n}\n",
    );
    let out = run(&["render", &t, "--event", "examples/post-execution.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    let err = text(&out.stderr);
    // Velocity 1.7 reports the same place: "Encountered \":\" at template[line 2, column 70]".
    assert!(err.starts_with(&format!("{t}:2:70: error: ")), "{err}");
    assert!(err.contains("\n  | "), "{err}");
    let caret_line = err.lines().last().unwrap_or("");
    assert_eq!(caret_line.find('^'), Some(4 + 69), "{err}");
}

#[test]
fn a_render_error_points_at_its_call() {
    let out = run_stdin(&["render", "-"], "ok\n$input.json('$.a[')");
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.starts_with("<stdin>:2:8: error: "), "{err}");
    assert!(err.contains("InvalidPathException"), "{err}");
}

#[test]
fn missing_files_and_bad_events_exit_2() {
    let out = run(&["render", "no/such/template.vtl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no/such/template.vtl"));

    let dir = temp_dir("bad-event");
    let ev = write(&dir, "ev.json", r#"{"headers": {"Accept": 1}}"#);
    let t = write(&dir, "t.vtl", "x");
    let out = run(&["render", &t, "--event", &ev]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("headers.Accept"),
        "{}",
        text(&out.stderr)
    );

    let out = run(&["render", &t, "--query", "novalue"]);
    assert_eq!(out.status.code(), Some(2));

    // An event that is a JSON array is refused, naming the file, whatever its length.
    let arr = write(
        &dir,
        "array.json",
        r#"[null, null, null, null, null, null, null, "b"]"#,
    );
    let out = run(&["render", &t, "--event", &arr]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("array.json") && err.contains("the event is an array"),
        "{err}"
    );
}

#[test]
fn bench_reports_json_on_its_last_line() {
    let out = run(&[
        "bench",
        "examples/start-execution.vtl",
        "--event",
        "examples/post-execution.json",
        "--iterations",
        "50",
        "--json",
    ]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let last = stdout.lines().last().expect("a last line");
    let json: serde_json::Value = serde_json::from_str(last).expect("JSON");
    for key in ["parse_ns", "render_ns", "iterations", "output_bytes"] {
        assert!(json.get(key).is_some_and(|v| v.is_u64()), "{key} in {last}");
    }
    assert_eq!(json["iterations"], 50);
    assert_eq!(json["output_bytes"], SEED_OUTPUT.len());
}

/// Runs the binary with `stdin` from a file, stdout and stderr captured.
fn run_with_stdin_file(args: &[&str], stdin: &Path) -> Output {
    bin()
        .args(args)
        .stdin(std::fs::File::open(stdin).expect("open stdin file"))
        .output()
        .expect("run apigw-vtl")
}

#[test]
fn inputs_are_read_with_their_limit_applied_while_reading() {
    let dir = temp_dir("bounded");
    let t = write(&dir, "t.vtl", "$input.body");
    let one_line = |out: &Output| {
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        let err = text(&out.stderr);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        err
    };
    // Endless inputs (a device; a pipe from one) end at the limit of their kind.
    if Path::new("/dev/zero").exists() {
        let err = one_line(&run(&["render", "/dev/zero"]));
        assert_eq!(
            err,
            "error: /dev/zero: the template is larger than the limit of 307200 bytes (API Gateway allows 300 KB)\n"
        );
        let err = one_line(&run(&["render", &t, "--body", "/dev/zero"]));
        assert!(
            err.contains("the body is larger than the limit of 10485760 bytes"),
            "{err}"
        );
        let err = one_line(&run(&["render", &t, "--event", "/dev/zero"]));
        assert!(
            err.contains("the event is larger than the limit of 33554432 bytes"),
            "{err}"
        );
        let err = one_line(&run_with_stdin_file(
            &["render", "-"],
            Path::new("/dev/zero"),
        ));
        assert!(
            err.starts_with("error: <stdin>: the template is larger"),
            "{err}"
        );
        let err = one_line(&run_with_stdin_file(
            &["render", &t, "--body", "-"],
            Path::new("/dev/zero"),
        ));
        assert!(
            err.starts_with("error: <stdin>: the body is larger"),
            "{err}"
        );
        let out = bin().args(["lint", "/dev/zero"]).output().expect("run");
        let err = one_line(&out);
        assert!(
            err.contains("/dev/zero: the file is larger than the limit of 16777216 bytes"),
            "{err}"
        );
    }
    // A file one byte over the template limit.
    let big = write(&dir, "big.vtl", &"a".repeat(300 * 1024 + 1));
    let err = one_line(&run(&["render", &big]));
    assert!(
        err.contains("the template is larger than the limit of 307200 bytes"),
        "{err}"
    );
    // Exactly at the limit is read (and parsed).
    let at = write(&dir, "at.vtl", &"a".repeat(300 * 1024));
    let out = run(&["render", &at]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Not UTF-8.
    let bad = dir.join("bad.vtl");
    std::fs::write(&bad, b"ab\xffc").expect("write");
    let err = one_line(&run(&["render", &bad.to_string_lossy()]));
    assert!(
        err.ends_with("bad.vtl: the template is not UTF-8 text (invalid byte at offset 2)\n"),
        "{err}"
    );
}

#[test]
fn errors_in_long_lines_quote_a_short_excerpt() {
    // A lexical error at the end of a 200 KB line: the message, the line cut to
    // 160 characters around the column, and the caret.
    let dir = temp_dir("long-line");
    let src = format!("$x.{}(\n", "a".repeat(200_000));
    let t = write(&dir, "t.vtl", &src);
    let out = run(&["render", &t]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.len() < 700, "{} bytes of stderr", err.len());
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 4, "{err}");
    assert!(
        lines[0].ends_with(":1:200005: error: unexpected end of input; expected a value"),
        "{err}"
    );
    assert!(
        lines[2].starts_with("  | …aaaa") && lines[2].ends_with("a("),
        "{err}"
    );
    // The caret sits under the column: the end of the input, right after `(`.
    let column = |l: &str, c: char| l.chars().position(|x| x == c);
    assert_eq!(
        column(lines[3], '^'),
        column(lines[2], '(').map(|i| i + 1),
        "{err}"
    );

    // A message that quotes text: at most a short excerpt of it.
    let t = write(&dir, "m.vtl", &format!("#macro(m {})", "e".repeat(5000)));
    let out = run(&["render", &t, "--null-mode", "velocity"]);
    let err = text(&out.stderr);
    assert!(err.lines().next().is_some_and(|l| l.len() < 200), "{err}");
    assert!(
        err.contains("\"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee…\""),
        "{err}"
    );
}

#[test]
fn bench_measures_threads_rendering_one_template() {
    let out = run(&[
        "bench",
        "examples/start-execution.vtl",
        "--event",
        "examples/post-execution.json",
        "--iterations",
        "20",
        "--threads",
        "2",
        "--json",
    ]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("renders/s on 2 threads"), "{stdout}");
    let last = stdout.lines().last().expect("a last line");
    let json: serde_json::Value = serde_json::from_str(last).expect("JSON");
    assert_eq!(json["threads"], 2);
    for key in ["renders_per_s_1", "renders_per_s_n"] {
        assert!(json[key].as_u64().is_some_and(|n| n > 0), "{key} in {last}");
    }
    assert!(json["scaling"].as_f64().is_some_and(|s| s > 0.0), "{last}");
}
