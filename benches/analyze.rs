//! How long the engine takes on a very large network (10,000 layers).

use criterion::{Criterion, criterion_group, criterion_main};
mod common;

use layerlab::engine::analyze;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let lenet = layerlab::presets::load("lenet").expect("preset");
    c.bench_function("analyze lenet", |b| b.iter(|| analyze(black_box(&lenet))));
    let deep = common::deep_network(10_000);
    assert!(analyze(&deep).error_at.is_none());
    c.bench_function("analyze 10,000 layers", |b| {
        b.iter(|| analyze(black_box(&deep)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
