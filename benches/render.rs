use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let src = "#set($x = 1)$x";
    c.bench_function("parse", |b| b.iter(|| apigw_vtl::Template::parse(src)));
}

criterion_group!(benches, bench);
criterion_main!(benches);
