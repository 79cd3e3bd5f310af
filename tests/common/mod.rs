//! Generators shared by the property tests: random networks whose numbers are
//! small most of the time and absurd (up to i64::MAX) some of the time.

use layerlab::layer::{Activation, Hw, Kind, Layer, Padding};
use layerlab::network::{Kernels, Network, Shape};
use proptest::prelude::*;

/// Small sizes most of the time, absurd ones (up to i64::MAX) some of the time.
pub fn size() -> impl Strategy<Value = u64> {
    prop_oneof![8 => 1..10u64, 1 => 1..=i64::MAX as u64]
}

pub fn hw() -> impl Strategy<Value = Hw> {
    prop_oneof![
        size().prop_map(Hw::square),
        (size(), size()).prop_map(|(h, w)| Hw { h, w })
    ]
}

pub fn padding() -> impl Strategy<Value = Padding> {
    prop_oneof![
        Just(Padding::Valid),
        Just(Padding::Same),
        (0..4u64, 0..4u64).prop_map(|(h, w)| Padding::Explicit(Hw { h, w })),
        size().prop_map(|p| Padding::Explicit(Hw::square(p))),
    ]
}

pub fn layer() -> impl Strategy<Value = Layer> {
    (
        proptest::sample::select(Kind::ALL.to_vec()),
        (
            size(),
            size(),
            hw(),
            proptest::option::of(hw()),
            padding(),
            hw(),
        ),
        (
            size(),
            any::<bool>(),
            any::<bool>(),
            0..4usize,
            proptest::option::of(0..4usize),
        ),
    )
        .prop_map(
            |(
                kind,
                (filters, units, kernel, stride, padding, dilation),
                (groups, bias, ceil_mode, rate, act),
            )| Layer {
                kind,
                filters,
                units,
                kernel,
                stride,
                padding,
                dilation,
                groups,
                bias,
                ceil_mode,
                rate: [0.0, 0.25, 0.5, 0.9][rate],
                activation: act.map(|i| Activation::ALL[i]),
            },
        )
}

pub fn network() -> impl Strategy<Value = Network> {
    (
        prop_oneof![
            (size(), size(), size()).prop_map(|(c, h, w)| Shape::Image { c, h, w }),
            size().prop_map(Shape::Flat)
        ],
        any::<bool>(),
        proptest::collection::vec(layer(), 0..12),
    )
        .prop_map(|(input, shared, layers)| Network {
            name: "random".into(),
            input,
            kernels: if shared {
                Kernels::Shared
            } else {
                Kernels::Full
            },
            layers,
        })
}
