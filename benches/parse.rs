//! Parse throughput on about 250 KB of template.
//!
//! `cargo bench --bench parse` (`-- parse/mapping` for one benchmark).
//!
//! * `parse/syntax/blocks-250k` and `parse/mapping/blocks-250k`: the standard
//!   parse workload (the blocks `workloads.py` writes as `large.vtl`, built here
//!   the same way): many `#set` / `#foreach` / `#if` blocks dense with
//!   references, through [`Template::parse`] and through
//!   [`MappingTemplate::parse`] (which also compiles the literal JSONPaths);
//! * `parse/syntax/text-250k`: mostly plain JSON text with a few references.
//!
//! Each tree is dropped outside the timed part, before the next parse.

use std::hint::black_box;
use std::time::{Duration, Instant};

use apigw_vtl::runtime::MappingTemplate;
use apigw_vtl::Template;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

/// The `foreach` workload template.
const BLOCK: &str = r#"#set($root = $input.path('$'))
{"customer": "$root.customer", "lines": [
#foreach($it in $root.items)
  {"sku": "$it.sku", "qty": $it.qty, "total": $it.price, "label": "$util.escapeJavaScript($it.name)"}#if($foreach.hasNext),#end
#end
]}"#;

const SIZE: usize = 250_000;

/// Blocks with numbered names until the template reaches [`SIZE`] bytes.
fn blocks() -> String {
    let mut out = String::new();
    let mut i = 0;
    while out.len() < SIZE {
        out.push_str(&format!(
            "#set($v{i} = $input.path('$.items[{}].sku'))\n",
            i % 50
        ));
        out.push_str(&BLOCK.replace("$it", &format!("$it{i}")));
        out.push('\n');
        i += 1;
    }
    out
}

/// JSON text with a reference now and then.
fn text() -> String {
    let mut out = String::from("{\n");
    let mut i = 0;
    while out.len() < SIZE {
        out.push_str(&format!(
            "  \"field{i}\": {{\"name\": \"a plain value, with some words in it\", \"n\": {i}, \"tags\": [\"x\", \"y\"]}},\n"
        ));
        if i % 20 == 0 {
            out.push_str(&format!("  \"ref{i}\": \"$input.params('p{i}')\",\n"));
        }
        i += 1;
    }
    out.push_str("  \"end\": true\n}\n");
    out
}

/// The time `n` runs of `f` take, each result dropped outside the timed part
/// (the next run reuses its memory, as a process parsing template after
/// template does).
fn timed<T>(n: u64, mut f: impl FnMut() -> T) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..n {
        let start = Instant::now();
        let out = f();
        total += start.elapsed();
        drop(black_box(out));
    }
    total
}

fn parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    for (name, src) in [("blocks-250k", blocks()), ("text-250k", text())] {
        if let Err(e) = Template::parse(&src) {
            eprintln!("{name} does not parse: {e}");
            continue;
        }
        g.throughput(Throughput::Bytes(src.len() as u64));
        g.bench_with_input(BenchmarkId::new("syntax", name), &src, |b, src| {
            b.iter_custom(|n| timed(n, || Template::parse(black_box(src))))
        });
        if name == "blocks-250k" {
            g.bench_with_input(BenchmarkId::new("mapping", name), &src, |b, src| {
                b.iter_custom(|n| timed(n, || MappingTemplate::parse(black_box(src))))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
