//! How long the engine takes on very large networks, drawing a thousand
//! layers, and reading and printing a 100,000-layer file in each format.

use criterion::{Criterion, criterion_group, criterion_main};
mod common;

use layerlab::engine::analyze;
use layerlab::report::{self, Format};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let lenet = layerlab::presets::load("lenet").expect("preset");
    c.bench_function("analyze lenet", |b| b.iter(|| analyze(black_box(&lenet))));
    let deep = common::deep_network(10_000);
    assert!(analyze(&deep).error_at.is_none());
    c.bench_function("analyze 10,000 layers", |b| {
        b.iter(|| analyze(black_box(&deep)))
    });
    let residual = common::residual_network(1_000);
    assert!(analyze(&residual).error_at.is_none());
    c.bench_function("analyze 1,000 residual blocks (10,000 layers)", |b| {
        b.iter(|| analyze(black_box(&residual)))
    });

    // The drawing (`export --to svg`) of a thousand layers, and of a
    // thousand in a hundred residual blocks.
    let options = layerlab::diagram::Options::default();
    for (name, net) in [
        ("svg of 1,000 layers", common::deep_network(1_000)),
        (
            "svg of 100 residual blocks (1,000 layers)",
            common::residual_network(100),
        ),
    ] {
        let analysis = analyze(&net);
        c.bench_function(name, |b| {
            b.iter(|| layerlab::diagram::svg(black_box(&net), &analysis, &options))
        });
    }

    let huge = common::deep_network(100_000);
    let text = layerlab::file::to_toml(&huge);
    let mut group = c.benchmark_group("100,000 layers");
    group.sample_size(10);
    group.bench_function("read the file", |b| {
        b.iter(|| layerlab::file::parse(black_box(&text)))
    });
    let analysis = analyze(&huge);
    for format in [
        Format::Table,
        Format::Json,
        Format::Csv,
        Format::Markdown,
        Format::Latex,
    ] {
        group.bench_function(format!("summary {format:?}"), |b| {
            b.iter(|| report::render(black_box(&huge), &analysis, format, false))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
