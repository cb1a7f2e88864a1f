//! Command-line parsing and the subcommands: a thin layer over the library.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use apigw_vtl::io;
use apigw_vtl::runtime::{GatewayError, GatewayOptions, MappingTemplate, Request};
use apigw_vtl::{Context, LineCol, NullMode, RenderOptions, Span, Template};
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "apigw-vtl",
    version,
    about = "Render and check Amazon API Gateway VTL mapping templates"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render a template against a request and print exactly the body API Gateway would send.
    Render(RenderArgs),
    /// Parse once, render many times, and report parse time and the median render time.
    Bench(BenchArgs),
    /// Check templates, and the OpenAPI / SAM / CloudFormation documents that hold them.
    Lint(LintArgs),
}

#[derive(Args)]
struct LintArgs {
    /// Template files (.vtl, .vm), documents (.json, .yaml, .yml, .template) or directories.
    #[arg(required_unless_present = "list_rules")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Human)]
    format: LintFormat,
    /// Switch a rule off (repeatable).
    #[arg(long = "allow", value_name = "RULE")]
    allow: Vec<String>,
    /// Make a rule an error (repeatable).
    #[arg(long = "deny", value_name = "RULE")]
    deny: Vec<String>,
    /// The request the output check renders request templates against (default:
    /// built-in samples: fields present, absent, tricky strings, empty body).
    #[arg(long, value_name = "FILE")]
    event: Option<PathBuf>,
    /// The config file (default: ./apigw-vtl.toml when it exists).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Do not read ./apigw-vtl.toml.
    #[arg(long)]
    no_config: bool,
    /// Report only findings not in this earlier `--format json` report.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Apply the mechanical fixes, then report what is left.
    #[arg(long)]
    fix: bool,
    /// List the rules and exit.
    #[arg(long)]
    list_rules: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum LintFormat {
    Human,
    Json,
    Github,
    Sarif,
}

#[derive(Args)]
struct RequestArgs {
    /// An API Gateway REST proxy event (version 1.0) to render against.
    #[arg(long, value_name = "FILE")]
    event: Option<PathBuf>,
    /// The request body, from a file or `-` for standard input (replaces the event's body).
    #[arg(long, value_name = "FILE|-")]
    body: Option<PathBuf>,
    /// A request header (repeatable).
    #[arg(long = "header", value_name = "NAME:VALUE")]
    headers: Vec<String>,
    /// A query-string parameter (repeatable).
    #[arg(long = "query", value_name = "NAME=VALUE")]
    query: Vec<String>,
    /// A path parameter (repeatable).
    #[arg(long = "path-param", value_name = "NAME=VALUE")]
    path_params: Vec<String>,
    /// A stage variable (repeatable).
    #[arg(long = "stage-var", value_name = "NAME=VALUE")]
    stage_vars: Vec<String>,
    /// How null references behave: `apigw` (API Gateway: empty text, equal to "",
    /// true in #if) or `velocity` (stock Velocity 1.7: the reference as written,
    /// false in #if; `#macro`/`#evaluate` run).
    #[arg(long, value_enum, default_value_t = Mode::Apigw)]
    null_mode: Mode,
}

#[derive(Args)]
struct RenderArgs {
    /// The template file (`-` for standard input).
    template: PathBuf,
    #[command(flatten)]
    request: RequestArgs,
    /// Render the bare engine with the members of this JSON object as variables
    /// (no `$input`, `$util`, `$context`).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["event", "body", "headers", "query", "path_params", "stage_vars"])]
    context: Option<PathBuf>,
    /// Also print the `$context` overrides the template set, as JSON on standard error.
    #[arg(long)]
    overrides: bool,
}

#[derive(Args)]
struct BenchArgs {
    /// The template file.
    template: PathBuf,
    #[command(flatten)]
    request: RequestArgs,
    /// Timed renders (after as many warm-up renders, at most 1000).
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    iterations: u64,
    /// Also measure throughput with this many threads rendering the one parsed
    /// template at once (each does `--iterations` renders), against one thread.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=256))]
    threads: u64,
    /// End with one JSON object: parse_ns (median), render_ns (median), iterations,
    /// output_bytes (and with --threads: threads, renders_per_s_1,
    /// renders_per_s_n, scaling).
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Mode {
    Apigw,
    Velocity,
}

pub fn run() -> i32 {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Render(a) => render(a),
        Command::Bench(a) => bench(a),
        Command::Lint(a) => lint(a),
    };
    match result {
        Ok(code) => code,
        Err(Failure::Usage(msg)) => {
            eprintln!("error: {}", one_line(&msg));
            2
        }
        Err(Failure::Reported) => 1,
    }
}

enum Failure {
    /// Bad input files or flags: exit 2.
    Usage(String),
    /// A template error, already printed: exit 1.
    Reported,
}

/// What an input file is, and the most of it that is read.
#[derive(Clone, Copy)]
enum Input {
    Template,
    Body,
    Event,
    Context,
}

impl Input {
    fn name(self) -> &'static str {
        match self {
            Input::Template => "template",
            Input::Body => "body",
            Input::Event => "event",
            Input::Context => "context",
        }
    }

    fn max(self) -> usize {
        match self {
            Input::Template => io::TEMPLATE_MAX,
            Input::Body => io::BODY_MAX,
            Input::Event | Input::Context => io::EVENT_MAX,
        }
    }

    fn note(self) -> &'static str {
        match self {
            Input::Template => " (API Gateway allows 300 KB)",
            Input::Body => " (API Gateway allows 10 MB)",
            Input::Event | Input::Context => "",
        }
    }
}

/// Reads `path` (`-`: standard input) with the limit of its kind applied while
/// reading: a larger file, an endless pipe or `/dev/zero` is refused after the
/// limit, not read whole.
fn read_input(path: &Path, kind: Input) -> Result<String, Failure> {
    io::read_path(path, kind.max()).map_err(|e| {
        let name = display_name(path);
        Failure::Usage(match e {
            io::ReadError::Io(e) => format!("{name}: {e}"),
            e @ io::ReadError::TooLarge { .. } => {
                format!("{name}: the {} is {e}{}", kind.name(), kind.note())
            }
            e => format!("{name}: the {} is {e}", kind.name()),
        })
    })
}

fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}

/// Characters of the source line shown under an error, at most.
const SHOWN_LINE: usize = 160;

/// Characters of a message shown, at most.
const SHOWN_MESSAGE: usize = 500;

/// `FILE:LINE:COLUMN: error: message` (one line, however long or multi-line
/// the message), then the source line (at most [`SHOWN_LINE`] characters of it,
/// around the column) and a caret under the span.
fn report(file: &str, source: &str, pos: LineCol, span: Span, message: &str) -> Failure {
    let line_text = source
        .split('\n')
        .nth(pos.line.saturating_sub(1) as usize)
        .unwrap_or("")
        .trim_end_matches('\r');
    let chars: Vec<char> = line_text.chars().collect();
    let col = (pos.column.saturating_sub(1) as usize).min(chars.len());
    let (start, end) = if chars.len() <= SHOWN_LINE {
        (0, chars.len())
    } else {
        let start = col
            .saturating_sub(SHOWN_LINE / 2)
            .min(chars.len() - SHOWN_LINE);
        (start, start + SHOWN_LINE)
    };
    let shown: String = chars.get(start..end).unwrap_or(&[]).iter().collect();
    let (before, after) = (
        if start > 0 { "…" } else { "" },
        if end < chars.len() { "…" } else { "" },
    );
    let width = span
        .text(source)
        .chars()
        .take_while(|c| *c != '\n')
        .count()
        .clamp(1, end.saturating_sub(col).max(1));
    let pad: String = before
        .chars()
        .map(|_| ' ')
        .chain(
            chars
                .get(start..col)
                .unwrap_or(&[])
                .iter()
                .map(|c| if *c == '\t' { '\t' } else { ' ' }),
        )
        .collect();
    eprintln!(
        "{file}:{}:{}: error: {}",
        pos.line,
        pos.column,
        one_line(message)
    );
    eprintln!("  |");
    eprintln!("  | {before}{shown}{after}");
    eprintln!("  | {pad}{}", "^".repeat(width));
    Failure::Reported
}

/// A message on one line (line breaks shown as `\n`), at most [`SHOWN_MESSAGE`]
/// characters.
fn one_line(message: &str) -> String {
    let mut s: String = message
        .replace("\r\n", "\\n")
        .replace(['\n', '\r'], "\\n")
        .chars()
        .take(SHOWN_MESSAGE)
        .collect();
    if message.chars().count() > SHOWN_MESSAGE {
        s.push('…');
    }
    s
}

fn split_pair<'a>(flag: &str, s: &'a str, sep: char) -> Result<(&'a str, &'a str), Failure> {
    match s.split_once(sep) {
        Some((k, v)) if !k.is_empty() => {
            Ok((k.trim(), if sep == ':' { v.trim_start() } else { v }))
        }
        _ => Err(Failure::Usage(format!(
            "--{flag} {s}: expected NAME{sep}VALUE"
        ))),
    }
}

fn options(mode: Mode) -> RenderOptions {
    RenderOptions {
        null_mode: match mode {
            Mode::Apigw => NullMode::ApiGateway,
            Mode::Velocity => NullMode::Velocity,
        },
        ..RenderOptions::default()
    }
}

/// The request: the event (if any), then the flags on top of it.
fn build_request(a: &RequestArgs) -> Result<Request, Failure> {
    let mut req = match &a.event {
        Some(p) => {
            let text = read_input(p, Input::Event)?;
            Request::from_event_text(text)
                .map_err(|e| Failure::Usage(format!("{}: {e}", p.display())))?
        }
        None => Request::default(),
    };
    if let Some(b) = &a.body {
        req.body = Some(read_input(b, Input::Body)?.into());
    }
    for h in &a.headers {
        let (k, v) = split_pair("header", h, ':')?;
        req.headers.insert(k.to_string(), v.to_string());
    }
    for q in &a.query {
        let (k, v) = split_pair("query", q, '=')?;
        req.query.insert(k.to_string(), v.to_string());
    }
    for p in &a.path_params {
        let (k, v) = split_pair("path-param", p, '=')?;
        req.path_params.insert(k.to_string(), v.to_string());
    }
    for s in &a.stage_vars {
        let (k, v) = split_pair("stage-var", s, '=')?;
        req.stage_variables.insert(k.to_string(), v.to_string());
    }
    Ok(req)
}

fn parse_template(name: &str, source: &str) -> Result<MappingTemplate, Failure> {
    MappingTemplate::parse(source).map_err(|e| report(name, source, e.pos, e.span, &e.message))
}

fn gateway_failure(name: &str, source: &str, e: GatewayError) -> Failure {
    match e {
        GatewayError::Parse(e) => report(name, source, e.pos, e.span, &e.message),
        GatewayError::Render(e) => report(name, source, e.pos, e.span, &e.message),
        other => Failure::Usage(other.to_string()),
    }
}

/// Writes to standard output; a reader that went away (`| head`) ends the output quietly.
fn write_stdout(s: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Usage(format!("<stdout>: {e}")))
        }
        _ => Ok(()),
    }
}

fn render(a: RenderArgs) -> Result<i32, Failure> {
    let name = display_name(&a.template);
    let source = read_input(&a.template, Input::Template)?;
    let opts = options(a.request.null_mode);
    if let Some(p) = &a.context {
        let json: serde_json::Value = serde_json::from_str(&read_input(p, Input::Context)?)
            .map_err(|e| Failure::Usage(format!("{}: invalid JSON: {e}", p.display())))?;
        if !json.is_object() {
            return Err(Failure::Usage(format!(
                "{}: the context must be a JSON object",
                p.display()
            )));
        }
        let t = Template::parse(&source)
            .map_err(|e| report(&name, &source, e.pos, e.span, &e.message))?;
        let out = t
            .render_with(&Context::from_json(json), &opts)
            .map_err(|e| report(&name, &source, e.pos, e.span, &e.message))?;
        write_stdout(&out)?;
        return Ok(0);
    }
    let req = build_request(&a.request)?;
    crate::release_freed_memory();
    let t = parse_template(&name, &source)?;
    let gw = GatewayOptions {
        render: opts,
        ..GatewayOptions::default()
    };
    let rendered = t
        .render(&req, &gw)
        .map_err(|e| gateway_failure(&name, &source, e))?;
    write_stdout(&rendered.body)?;
    if a.overrides {
        let json = serde_json::to_string_pretty(rendered.overrides()).unwrap_or_default();
        eprintln!("{json}");
    }
    Ok(0)
}

fn bench(a: BenchArgs) -> Result<i32, Failure> {
    let name = display_name(&a.template);
    let source = read_input(&a.template, Input::Template)?;
    let req = build_request(&a.request)?;
    let gw = GatewayOptions {
        render: options(a.request.null_mode),
        ..GatewayOptions::default()
    };
    // Parse time in the steady state, as an emulator that parses templates as
    // they change sees it: the median of 11 to 21 parses (as many as
    // `--iterations` allows) after a first one. The first timed parses still
    // fill the allocator's pages (the first one's memory is kept), so a
    // median of fewer would be one of them. Each is the time to a template
    // ready to render; it is dropped after (as the criterion bench `parse`
    // does), and the next parse reuses its memory.
    let t = parse_template(&name, &source)?;
    let mut parses: Vec<u128> = (0..a.iterations.clamp(11, 21))
        .map(|_| {
            let t0 = Instant::now();
            let parsed = parse_template(&name, &source);
            let ns = t0.elapsed().as_nanos();
            drop(std::hint::black_box(parsed));
            ns
        })
        .collect();
    parses.sort_unstable();
    let parse_ns = parses.get(parses.len() / 2).copied().unwrap_or(0);
    let first = t
        .render(&req, &gw)
        .map_err(|e| gateway_failure(&name, &source, e))?;
    let output_bytes = first.body.len();
    for _ in 0..a.iterations.min(1000) {
        let _ = t.render(&req, &gw);
    }
    // Time batches so the clock's resolution does not dominate short renders.
    let batch = (a.iterations / 100).clamp(1, 1000);
    let mut samples = Vec::new();
    let mut done = 0u64;
    while done < a.iterations {
        let n = batch.min(a.iterations - done);
        let start = Instant::now();
        for _ in 0..n {
            let _ = t.render(&req, &gw);
        }
        samples.push(start.elapsed().as_nanos() / u128::from(n));
        done += n;
    }
    samples.sort_unstable();
    let render_ns = samples.get(samples.len() / 2).copied().unwrap_or(0);
    let throughput = (a.threads > 1).then(|| {
        // Each thread renders a request of its own, as a gateway's threads
        // each serve their own requests: only the template is shared (a
        // request's body and requestContext are shared by its clones, so
        // they are copied).
        let requests: Vec<Request> = (0..a.threads)
            .map(|_| Request {
                body: req.body.as_deref().map(std::sync::Arc::from),
                request_context: std::sync::Arc::new((*req.request_context).clone()),
                ..req.clone()
            })
            .collect();
        let run = |threads: u64| -> f64 {
            let start = Instant::now();
            std::thread::scope(|s| {
                for r in requests.iter().take(threads as usize) {
                    s.spawn(|| {
                        for _ in 0..a.iterations {
                            let _ = t.render(r, &gw);
                        }
                    });
                }
            });
            (threads * a.iterations) as f64 / start.elapsed().as_secs_f64().max(1e-9)
        };
        let one = run(1);
        let many = run(a.threads);
        (one, many)
    });
    use std::fmt::Write as _;
    let mut report = String::new();
    let _ = writeln!(report, "template:    {name}");
    let _ = writeln!(
        report,
        "parse:       {parse_ns} ns (median of {})",
        parses.len()
    );
    let _ = writeln!(
        report,
        "render:      {render_ns} ns (median over {} batches)",
        samples.len()
    );
    let _ = writeln!(report, "iterations:  {}", a.iterations);
    let _ = writeln!(report, "output:      {output_bytes} bytes");
    if let Some((one, many)) = throughput {
        let _ = writeln!(report, "throughput:  {one:.0} renders/s on 1 thread");
        let _ = writeln!(
            report,
            "             {many:.0} renders/s on {} threads ({:.2}x)",
            a.threads,
            many / one
        );
    }
    if a.json {
        let mut j = serde_json::json!({
            "parse_ns": parse_ns as u64,
            "render_ns": render_ns as u64,
            "iterations": a.iterations,
            "output_bytes": output_bytes,
        });
        if let (Some((one, many)), Some(obj)) = (throughput, j.as_object_mut()) {
            obj.insert("threads".into(), a.threads.into());
            obj.insert("renders_per_s_1".into(), (one.round() as u64).into());
            obj.insert("renders_per_s_n".into(), (many.round() as u64).into());
            obj.insert(
                "scaling".into(),
                serde_json::json!((many / one * 100.0).round() / 100.0),
            );
        }
        let _ = writeln!(report, "{j}");
    }
    write_stdout(&report)?;
    Ok(0)
}

fn lint(a: LintArgs) -> Result<i32, Failure> {
    use apigw_vtl::lint::{self, report, rules};
    use std::io::IsTerminal;

    if a.list_rules {
        let mut out = String::new();
        for r in rules::RULES {
            out.push_str(&format!(
                "{:<26} {:<8} {}\n",
                r.id,
                report::label(r.severity),
                r.description
            ));
        }
        write_stdout(&out)?;
        return Ok(0);
    }
    let file_config = match (&a.config, a.no_config) {
        (Some(p), _) => Some(lint::config::Config::load(p).map_err(Failure::Usage)?),
        (None, false) if std::path::Path::new(lint::config::CONFIG_FILE).is_file() => Some(
            lint::config::Config::load(std::path::Path::new(lint::config::CONFIG_FILE))
                .map_err(Failure::Usage)?,
        ),
        _ => None,
    };
    // The config file's levels first, then the command line's flags.
    let mut config = rules::RuleConfig::default();
    if let Some(c) = &file_config {
        c.apply_levels(&mut config).map_err(Failure::Usage)?;
    }
    for r in &a.allow {
        config.allow(r).map_err(Failure::Usage)?;
    }
    for r in &a.deny {
        if a.allow.iter().any(|x| x.trim() == r.trim()) {
            return Err(Failure::Usage(format!(
                "rule '{}' is both allowed and denied",
                r.trim()
            )));
        }
        config.deny(r).map_err(Failure::Usage)?;
    }
    let samples = match &a.event {
        Some(p) => lint::Samples::with_request(
            "the given event",
            Request::from_event_json(&read_input(p, Input::Event)?)
                .map_err(|e| Failure::Usage(format!("{}: {e}", p.display())))?,
        ),
        None => lint::Samples::builtin(),
    };
    let baseline = match &a.baseline {
        Some(p) => Some(lint::config::Baseline::load(p).map_err(Failure::Usage)?),
        None => None,
    };
    let opts = lint::LintOptions {
        config,
        samples,
        file_config,
        baseline,
    };
    let outcome = lint::run_lint(&a.paths, &opts, a.fix).map_err(Failure::Usage)?;
    for line in &outcome.fix_log {
        eprintln!("{line}");
    }
    let format = match a.format {
        LintFormat::Human => report::Format::Human,
        LintFormat::Json => report::Format::Json,
        LintFormat::Github => report::Format::Github,
        LintFormat::Sarif => report::Format::Sarif,
    };
    let color = matches!(a.format, LintFormat::Human)
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").map_or(true, |v| v.is_empty());
    write_stdout(&report::render(
        format,
        &outcome.diagnostics,
        &outcome.texts,
        outcome.summary,
        color,
    ))?;
    Ok(outcome.exit_code())
}
