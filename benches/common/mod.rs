//! Networks for the benchmarks.

use layerlab::layer::{Hw, Kind, Layer, Padding};
use layerlab::network::{Network, Shape};
use layerlab::size::Size;

/// A very deep network of `layers` layers: blocks of same-padded conv → batchnorm → relu on a
/// 3×224×224 image, then flatten and a classifier.
pub fn deep_network(layers: usize) -> Network {
    let conv = Layer {
        filters: Size::new(64).unwrap_or(Size::ONE),
        padding: Padding::Same,
        kernel: Hw::square(3),
        ..Layer::new(Kind::Conv2d)
    };
    let block = [conv, Layer::new(Kind::BatchNorm), Layer::new(Kind::Relu)];
    let mut all: Vec<Layer> = block.iter().cycle().take(layers - 3).cloned().collect();
    all.push(Layer::new(Kind::GlobalAvgPool));
    all.push(Layer {
        units: Size::new(1000).unwrap_or(Size::ONE),
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

/// `blocks` residual blocks (an `add` of conv → batchnorm → relu, three
/// times, and the identity: ten layers each) on a 64×56×56 map, then a
/// classifier: a branching network of ten layers per block.
pub fn residual_network(blocks: usize) -> Network {
    let conv = Layer {
        filters: Size::new(64).unwrap_or(Size::ONE),
        padding: Padding::Explicit(Hw::square(1)),
        kernel: Hw::square(3),
        bias: false,
        ..Layer::new(Kind::Conv2d)
    };
    let body: Vec<Layer> = [conv, Layer::new(Kind::BatchNorm), Layer::new(Kind::Relu)]
        .iter()
        .cycle()
        .take(9)
        .cloned()
        .collect();
    let block = Layer {
        branches: vec![body, Vec::new()],
        ..Layer::new(Kind::Add)
    };
    let mut all = vec![block; blocks];
    all.push(Layer::new(Kind::GlobalAvgPool));
    all.push(Layer {
        units: Size::new(1000).unwrap_or(Size::ONE),
        ..Layer::new(Kind::Dense)
    });
    Network {
        name: "residual".into(),
        input: Shape::Image {
            c: 64,
            h: 56,
            w: 56,
        },
        layers: all,
        ..Network::empty("residual")
    }
}
