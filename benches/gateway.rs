//! Gateway renders of the standard workloads: a parsed `MappingTemplate`
//! rendered against real requests (bodies, headers, `$context`), as an
//! emulator renders per request. The same kinds of workload as
//! `../shared/perf/workloads.py`, generated here so the benchmark needs nothing
//! outside the repository.
//!
//! `cargo bench --bench gateway` (`-- seed` for one group). Besides the
//! standard workloads, a few common templates ([`common`]).

use std::hint::black_box;

use apigw_vtl::runtime::{GatewayOptions, MappingTemplate, Request};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const EVENT: &str = include_str!("../examples/post-execution.json");

const SEED: &str = "{\n   \"input\": \"$util.escapeJavaScript($input.json('$'))\",\n   \"stateMachineArn\": \"arn:aws:states:us-east-1:123456789012:stateMachine:HelloWorld\"\n}";

const FOREACH: &str = r#"#set($root = $input.path('$'))
{"customer": "$root.customer", "lines": [
#foreach($it in $root.items)
  {"sku": "$it.sku", "qty": $it.qty, "total": $it.price, "label": "$util.escapeJavaScript($it.name)"}#if($foreach.hasNext),#end
#end
]}"#;

const PARAMS: &str = r#"#set($allParams = $input.params())
{
"body-json" : $input.json('$'),
"params" : {
#foreach($type in $allParams.keySet())
    #set($params = $allParams.get($type))
"$type" : {
    #foreach($paramName in $params.keySet())
    "$paramName" : "$util.escapeJavaScript($params.get($paramName))"
        #if($foreach.hasNext),#end
    #end
}
    #if($foreach.hasNext),#end
#end
},
"stage-variables" : {
#foreach($key in $stageVariables.keySet())
"$key" : "$util.escapeJavaScript($stageVariables.get($key))"
    #if($foreach.hasNext),#end
#end
},
"context" : {
    "account-id" : "$context.identity.accountId",
    "api-id" : "$context.apiId",
    "http-method" : "$context.httpMethod",
    "request-id" : "$context.requestId",
    "resource-path" : "$context.resourcePath",
    "source-ip" : "$context.identity.sourceIp",
    "stage" : "$context.stage",
    "user-agent" : "$context.identity.userAgent"
    }
}"#;

/// A body of `n` order lines, as a client would send it (spaces after `:` and `,`).
fn items_body(n: usize) -> String {
    let mut s = String::from("{\"customer\": \"c-9\", \"items\": [");
    for i in 0..n {
        if i > 0 {
            s.push_str(", ");
        }
        let price = ((i * 7919) % 10_000) as f64 / 100.0;
        s.push_str(&format!(
            "{{\"sku\": \"SKU-{i:06}\", \"qty\": {}, \"price\": {price}, \"name\": \"Item \\\"{i}\\\" it's / caf\\u00e9\", \"tags\": [\"a\", \"b{}\"], \"gift\": {}, \"note\": null}}",
            i % 7,
            i % 5,
            i % 2 == 0
        ));
    }
    s.push_str("]}");
    s
}

fn request(body: Option<String>) -> Request {
    let mut r = Request::from_event_json(EVENT).expect("the example event reads");
    if let Some(b) = body {
        r.body = Some(b.into());
    }
    r
}

fn bench(c: &mut Criterion, name: &str, template: &str, req: &Request, bytes: usize) {
    let t = MappingTemplate::parse(template).expect("the template parses");
    let opts = GatewayOptions::default();
    let mut g = c.benchmark_group(name);
    if bytes > 0 {
        g.throughput(Throughput::Bytes(bytes as u64));
    }
    g.bench_function("render", |b| {
        b.iter(|| t.render(black_box(req), &opts).map(|r| r.body.len()))
    });
    g.finish();
}

fn seed(c: &mut Criterion) {
    bench(c, "seed-small-body", SEED, &request(None), 0);
    let big = items_body(7000);
    let n = big.len();
    bench(c, "seed-1mb-body", SEED, &request(Some(big)), n);
}

/// `template` over the 1 MB body (7,000 order lines).
fn one_mb(c: &mut Criterion, name: &str, template: &str) {
    let big = items_body(7000);
    let n = big.len();
    bench(c, name, template, &request(Some(big)), n);
}

fn passthrough(c: &mut Criterion) {
    one_mb(c, "passthrough-1mb", "$input.json('$')");
}

fn foreach(c: &mut Criterion) {
    let body = items_body(1000);
    let n = body.len();
    bench(c, "foreach-1000", FOREACH, &request(Some(body)), n);
}

/// The example event's request with 40 headers in place of its own.
fn forty_headers() -> Request {
    let mut r = request(None);
    r.headers.clear();
    for i in 0..40 {
        r.headers.insert(
            format!("X-Header-{i:02}"),
            format!("value {i}; q=0.{}", i % 10),
        );
    }
    r
}

fn params(c: &mut Criterion) {
    bench(c, "params-40-headers", PARAMS, &forty_headers(), 0);
}

/// Common templates beside the standard workloads: parameters read by name
/// over 40 headers, the `$context` block of the params template alone, and
/// an SQS integration's `urlEncode` of a 1 MB body.
fn common(c: &mut Criterion) {
    let r = forty_headers();
    let named = r#"{"id": "$input.params('id')", "ua": "$util.escapeJavaScript($input.params('User-Agent'))", "q": "$input.params("q")", "none": "$input.params('nope')"}"#;
    bench(c, "params-by-name-40-headers", named, &r, 0);
    let context = PARAMS
        .get(PARAMS.find("\"context\"").unwrap_or(0)..)
        .unwrap_or(PARAMS);
    bench(c, "context-block", context, &r, 0);
    one_mb(
        c,
        "sqs-url-encode-1mb",
        "Action=SendMessage&MessageBody=$util.urlEncode($input.body)",
    );
}

fn parse(c: &mut Criterion) {
    // About 250 KB of realistic blocks, as the parse workload.
    let mut big = String::new();
    let mut i = 0;
    while big.len() < 250_000 {
        big.push_str(&format!(
            "#set($v{i} = $input.path('$.items[{}].sku'))\n",
            i % 50
        ));
        big.push_str(&FOREACH.replace("$it", &format!("$it{i}")));
        big.push('\n');
        i += 1;
    }
    let mut g = c.benchmark_group("parse-250kb");
    g.throughput(Throughput::Bytes(big.len() as u64));
    g.bench_function("parse", |b| {
        b.iter(|| MappingTemplate::parse(black_box(&big)).is_ok())
    });
    g.finish();
}

/// Reading a proxy event: what an emulator does per request before rendering.
fn event(c: &mut Criterion) {
    let mut g = c.benchmark_group("event");
    g.throughput(Throughput::Bytes(EVENT.len() as u64));
    g.bench_function("read", |b| {
        b.iter(|| Request::from_event_json(black_box(EVENT)).is_ok())
    });
    g.finish();
}

criterion_group!(
    benches,
    seed,
    passthrough,
    foreach,
    params,
    common,
    parse,
    event
);
criterion_main!(benches);
