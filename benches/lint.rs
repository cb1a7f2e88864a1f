//! Lints 1,000 templates (in memory, no file I/O) through every rule, the
//! output check included. Target: under one second for the set.
//!
//! - `lint/1000 templates`: the rules alone, on 1,000 `Embedded` templates;
//! - `lint/1000 templates in 10 OpenAPI documents`: the whole per-file pipeline
//!   (`lint_file`: extract from YAML, check, place findings in the file).

use apigw_vtl::lint::{
    lint_file, rules, sample_request, Embedded, Escaping, LintOptions, OffsetMap, TemplateKind,
};
use criterion::{criterion_group, criterion_main, Criterion};

fn templates() -> Vec<Embedded> {
    let shapes = [
        "#set($inputRoot = $input.path('$'))\n{\n  \"id\": \"$input.params('id')\",\n  \"items\": [\n#foreach($i in $inputRoot.items)\n    {\"sku\": \"$i.sku\", \"qty\": $i.qty}#if($foreach.hasNext),#end\n\n#end\n  ],\n  \"name\": \"$util.escapeJavaScript($inputRoot.name).replaceAll(\"\\\\'\",\"'\")\"\n}\n",
        "{\n   \"input\": \"$util.escapeJavaScript($input.json('$'))\",\n   \"stateMachineArn\": \"$util.escapeJavaScript($stageVariables.get('stateMachineArn'))\"\n}\n",
        "#set($m = {})\n$m.put('a', 1)\n{\"stage\": \"$context.stage\", \"ip\": \"$context.identity.sourceIp\", \"x\": \"$context.requestID\"}\n",
        "#set($allParams = $input.params())\n{\n#foreach($type in $allParams.keySet())\n  #set($params = $allParams.get($type))\n\"$type\": {\n  #foreach($p in $params.keySet())\n  \"$p\": \"$util.escapeJavaScript($params.get($p)).replaceAll(\"\\\\'\",\"'\")\"#if($foreach.hasNext),#end\n  #end\n}#if($foreach.hasNext),#end\n#end\n}\n",
        "{\"body\": $input.json('$.items[?(@.qty > 1)]'), \"t\": \"$util.toJson($x)\"}\n",
    ];
    (0..1000)
        .map(|i| {
            let source = format!("## template {i}\n{}", shapes[i % shapes.len()]);
            Embedded {
                map: OffsetMap::contiguous(0, source.len()),
                source,
                kind: TemplateKind::Request,
                content_type: Some("application/json".into()),
                location: String::new(),
                escaping: Escaping::Raw,
                integration: None,
            }
        })
        .collect()
}

/// Ten OpenAPI documents in YAML, 100 operations each, every template a block scalar.
fn documents() -> Vec<String> {
    let set = templates();
    set.chunks(100)
        .map(|chunk| {
            let mut doc = String::from("openapi: 3.0.1\ninfo:\n  title: bench\n  version: \"1\"\npaths:\n");
            for (i, t) in chunk.iter().enumerate() {
                doc.push_str(&format!(
                    "  /r{i}:\n    post:\n      x-amazon-apigateway-integration:\n        type: aws\n        requestTemplates:\n          application/json: |\n"
                ));
                for line in t.source.lines() {
                    doc.push_str("            ");
                    doc.push_str(line);
                    doc.push('\n');
                }
            }
            doc
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let set = templates();
    let cfg = rules::RuleConfig::default();
    let sample = sample_request();
    let mut g = c.benchmark_group("lint");
    g.sample_size(10);
    g.bench_function("1000 templates", |b| {
        b.iter(|| {
            set.iter()
                .map(|t| rules::check(t, &cfg, &sample).len())
                .sum::<usize>()
        })
    });
    let docs = documents();
    let opts = LintOptions {
        config: rules::RuleConfig::default(),
        ..LintOptions::default()
    };
    let path = std::path::Path::new("api.yaml");
    let found: usize = docs
        .iter()
        .map(|d| lint_file(path, d, &opts).templates.len())
        .sum();
    assert_eq!(found, 1000, "every generated template is extracted");
    g.bench_function("1000 templates in 10 OpenAPI documents", |b| {
        b.iter(|| {
            docs.iter()
                .map(|d| lint_file(path, d, &opts).diagnostics.len())
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
