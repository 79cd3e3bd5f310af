//! How long the engine takes on a very large network (10,000 layers).

use criterion::{Criterion, criterion_group, criterion_main};
use layerlab::engine::analyze;
use layerlab::layer::{Hw, Kind, Layer, Padding};
use layerlab::network::{Network, Shape};
use std::hint::black_box;

/// 10,000 layers: blocks of same-padded conv → batchnorm → relu on a
/// 3×224×224 image, then flatten and a classifier.
pub fn deep_network(layers: usize) -> Network {
    let conv = Layer {
        filters: 64,
        padding: Padding::Same,
        kernel: Hw::square(3),
        ..Layer::new(Kind::Conv2d)
    };
    let block = [conv, Layer::new(Kind::BatchNorm), Layer::new(Kind::Relu)];
    let mut all: Vec<Layer> = block.iter().cycle().take(layers - 3).cloned().collect();
    all.push(Layer::new(Kind::GlobalAvgPool));
    all.push(Layer {
        units: 1000,
        ..Layer::new(Kind::Dense)
    });
    all.push(Layer::new(Kind::Softmax));
    Network {
        name: "deep".into(),
        input: Shape::Image {
            c: 3,
            h: 224,
            w: 224,
        },
        layers: all,
        ..Network::empty("deep")
    }
}

fn bench(c: &mut Criterion) {
    let lenet = layerlab::presets::load("lenet").expect("preset");
    c.bench_function("analyze lenet", |b| b.iter(|| analyze(black_box(&lenet))));
    let deep = deep_network(10_000);
    assert!(analyze(&deep).error_at.is_none());
    c.bench_function("analyze 10,000 layers", |b| {
        b.iter(|| analyze(black_box(&deep)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
