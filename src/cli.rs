//! Command-line parsing and the subcommands.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use apigw_vtl::{Context, LineCol, NullMode, RenderOptions, Span, Template};
use clap::{Parser, Subcommand, ValueEnum};

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
    /// Render a template and print exactly its output.
    Render {
        /// The template file (`-` for standard input).
        template: PathBuf,
        /// A JSON object whose members become the template's variables.
        #[arg(long, value_name = "FILE")]
        context: Option<PathBuf>,
        /// How null references print: `apigw` (empty text, the default) or
        /// `velocity` (stock Velocity 1.7: the reference's source text).
        #[arg(long, value_enum, default_value_t = Mode::Apigw)]
        null_mode: Mode,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Mode {
    Apigw,
    Velocity,
}

pub fn run() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Render {
            template,
            context,
            null_mode,
        } => render(&template, context.as_deref(), null_mode),
    }
}

fn read_input(path: &Path) -> Result<String, String> {
    if path == Path::new("-") {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| format!("<stdin>: {e}"))?;
        Ok(s)
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
    }
}

fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}

/// `FILE:LINE:COLUMN: error: message`, the source line and a caret under the column.
fn report(file: &str, source: &str, pos: LineCol, span: Span, message: &str) {
    let line_text = source
        .lines()
        .nth(pos.line.saturating_sub(1) as usize)
        .unwrap_or("");
    let width = span
        .text(source)
        .chars()
        .take_while(|c| *c != '\n')
        .count()
        .max(1);
    let pad: String = line_text
        .chars()
        .take(pos.column.saturating_sub(1) as usize)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    eprintln!("{file}:{}:{}: error: {message}", pos.line, pos.column);
    eprintln!("  | {line_text}");
    eprintln!("  | {pad}{}", "^".repeat(width));
}

fn render(template: &Path, context: Option<&Path>, mode: Mode) -> i32 {
    let name = display_name(template);
    let source = match read_input(template) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let ctx = match context {
        None => Context::new(),
        Some(p) => match read_input(p).and_then(|s| {
            serde_json::from_str::<serde_json::Value>(&s)
                .map_err(|e| format!("{}: invalid JSON: {e}", p.display()))
        }) {
            Ok(serde_json::Value::Object(m)) => Context::from_json(serde_json::Value::Object(m)),
            Ok(_) => {
                eprintln!("error: {}: the context must be a JSON object", p.display());
                return 2;
            }
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        },
    };
    let t = match Template::parse(&source) {
        Ok(t) => t,
        Err(e) => {
            report(&name, &source, e.pos, e.span, &e.message);
            return 1;
        }
    };
    let opts = RenderOptions {
        null_mode: match mode {
            Mode::Apigw => NullMode::ApiGateway,
            Mode::Velocity => NullMode::Velocity,
        },
        ..RenderOptions::default()
    };
    match t.render_with(&ctx, &opts) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(out.as_bytes())
                .and_then(|_| stdout.flush())
                .is_err()
            {
                return 2;
            }
            0
        }
        Err(e) => {
            report(&name, &source, e.pos, e.span, &e.message);
            1
        }
    }
}
