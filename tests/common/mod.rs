//! Generators shared by the property tests: random networks whose numbers are
//! small most of the time and at the edges some of the time (1, 2, powers of
//! two, i64::MAX and its neighbours: what doubling with `>` reaches), with
//! names of every kind of text.

// Used by the screen tests, not the property tests.
#[allow(dead_code)]
pub mod names;

use layerlab::layer::{
    Activation, Depth, Extra, Hw, Kind, Layer, Padding, Shared, Sides, UpsampleMode,
};
use layerlab::memory::Budget;
use layerlab::network::{Kernels, Network, Shape};
use layerlab::size::Size;
use proptest::prelude::*;

/// How many cases a property test tries: `default`, or as many as
/// `LAYERLAB_FUZZ_CASES` says, for a long run by hand:
/// `LAYERLAB_FUZZ_CASES=200000 cargo test --release --test properties`.
pub fn cases(default: u32) -> u32 {
    std::env::var("LAYERLAB_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// `cases(default)` cases; on CI (`CI` set) from a fixed seed, so that a
/// run that lands is a run that can be repeated exactly. Locally every run
/// draws new cases (or `PROPTEST_RNG_SEED=n` repeats one).
pub fn ci_config(default: u32) -> ProptestConfig {
    let mut config = ProptestConfig::with_cases(cases(default));
    if std::env::var_os("CI").is_some() && std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = proptest::test_runner::RngSeed::Fixed(0x1a7e_21ab);
    }
    config
}

/// Small sizes most of the time, edge ones some of the time, up to the
/// largest a file can hold.
pub fn size() -> impl Strategy<Value = u64> {
    prop_oneof![
        8 => 1..10u64,
        1 => 1..=i64::MAX as u64,
        1 => proptest::sample::select(vec![
            1,
            2,
            1 << 31,
            1 << 32,
            1 << 62,
            (i64::MAX as u64) - 1,
            i64::MAX as u64,
        ]),
    ]
}

/// A count (filters, units, groups) in the same spread.
pub fn count() -> impl Strategy<Value = Size> {
    size().prop_map(|n| Size::new(n).expect("size() stays within 1..=i64::MAX"))
}

/// Names as people write them, and as files may hold them: empty, long,
/// non-Latin, with quotes, backslashes and TOML's own punctuation.
pub fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-zA-Z0-9 _-]{1,20}",
        "\\PC{0,40}",
        "(.|\n){0,12}",
        Just("LeNet — «свёртки» ×2".to_string()),
        Just("a \"quoted\" \\ name = [[layer]]".to_string()),
        Just("x".repeat(500)),
    ]
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

/// One layer of any kind; containers hold random layers of their own, up
/// to three deep.
pub fn layer() -> impl Strategy<Value = Layer> {
    let plain: Vec<Kind> = Kind::iter().filter(|k| !k.is_container()).collect();
    setting_layer(proptest::sample::select(plain).boxed()).prop_recursive(3, 24, 4, |inner| {
        let kinds = proptest::sample::select(vec![Kind::Add, Kind::Concat, Kind::Block]);
        (
            setting_layer(kinds.boxed()),
            proptest::collection::vec(proptest::collection::vec(inner, 0..4), 0..4),
            prop_oneof![4 => 1..4u64, 1 => size()],
        )
            .prop_map(|(mut layer, mut branches, repeat)| {
                if layer.kind == Kind::Block {
                    branches.truncate(1);
                    branches.resize(1, Vec::new());
                }
                layer.branches = branches;
                layer.repeat = Size::new(repeat).unwrap();
                layer
            })
    })
}

/// A layer of one of `kinds` with random settings (and nothing inside).
fn setting_layer(kinds: BoxedStrategy<Kind>) -> impl Strategy<Value = Layer> {
    (older_settings(kinds), modern_settings()).prop_map(|(mut layer, modern)| {
        let old = (*layer.extra).clone();
        *layer.extra = Extra {
            depth: old.depth,
            vocab: old.vocab,
            dim: old.dim,
            max_len: old.max_len,
            types: old.types,
            heads: old.heads,
            causal: old.causal,
            ff: old.ff,
            hidden: old.hidden,
            num_layers: old.num_layers,
            bidirectional: old.bidirectional,
            tied: old.tied,
            ..modern
        };
        layer
    })
}

/// The settings of the kinds of today's architectures (norms, grouped
/// attention, experts, tokens, Mamba, shared blocks), at random.
fn modern_settings() -> impl Strategy<Value = Extra> {
    (
        (
            -1.0..1.0f64,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        ),
        (
            proptest::option::of(count()),
            proptest::option::of(count()),
            proptest::option::of(any::<bool>()),
            any::<bool>(),
            any::<bool>(),
            proptest::option::of(count()),
        ),
        (count(), 0..10u64, any::<bool>(), 0..3u64),
        (count(), count(), count(), count(), 0..20u64, 0..40u64),
        (
            count(),
            count(),
            count(),
            proptest::option::of(count()),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (slope, tanh, per_channel, affine, over_channels),
                (kv_heads, head_dim, out_bias, qk_norm, rope, window),
                (experts, top_k, gated, shared_experts),
                (height, width, tokens, factor, start, end),
                (state, conv, expand, dt_rank, shared),
            )| {
                Extra {
                    slope,
                    tanh,
                    per_channel,
                    affine,
                    over_channels,
                    kv_heads,
                    head_dim,
                    out_bias,
                    qk_norm,
                    rope,
                    window,
                    experts,
                    top_k,
                    gated,
                    shared_experts,
                    height,
                    width,
                    tokens,
                    factor,
                    start,
                    end,
                    state,
                    conv,
                    expand,
                    dt_rank,
                    shared,
                    ..*Layer::new(Kind::Conv2d).extra
                }
            },
        )
}

/// The settings of the kinds layerlab had before today's architectures.
fn older_settings(kinds: BoxedStrategy<Kind>) -> impl Strategy<Value = Layer> {
    (
        kinds,
        (
            count(),
            count(),
            hw(),
            proptest::option::of(hw()),
            padding(),
            hw(),
        ),
        (
            count(),
            any::<bool>(),
            any::<bool>(),
            0..4usize,
            proptest::option::of(0..4usize),
        ),
        (
            hw(),
            hw(),
            any::<bool>(),
            hw(),
            (0..3u64, 0..3u64, 0..3u64, size()),
        ),
        (
            (count(), count(), count(), 0..3u64),
            (count(), any::<bool>(), count()),
            (
                count(),
                prop_oneof![4 => 1..4u64, 1 => size()],
                any::<bool>(),
                any::<bool>(),
            ),
            (size(), proptest::option::of(size()), 0..3u64, size()),
        ),
    )
        .prop_map(
            |(
                kind,
                (filters, units, kernel, stride, padding, dilation),
                (groups, bias, ceil_mode, rate, act),
                (output_padding, scale, bilinear, output, (top, bottom, left, right)),
                (
                    (vocab, dim, max_len, types),
                    (heads, causal, ff),
                    (hidden, num_layers, bidirectional, tied),
                    (dk, ds, dp, dd),
                ),
            )| Layer {
                extra: Shared::from(Extra {
                    depth: Depth {
                        kernel: dk,
                        stride: ds,
                        padding: dp,
                        dilation: dd,
                    },
                    vocab,
                    dim,
                    max_len,
                    types,
                    heads,
                    causal,
                    ff,
                    hidden,
                    num_layers: Size::new(num_layers).unwrap(),
                    bidirectional,
                    tied,
                    ..*Layer::new(kind).extra
                }),
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
                activation: act.and_then(|i| Activation::iter().nth(i)),
                output_padding: Hw {
                    h: output_padding.h - 1,
                    w: output_padding.w - 1,
                },
                scale,
                mode: if bilinear {
                    UpsampleMode::Bilinear
                } else {
                    UpsampleMode::Nearest
                },
                output,
                sides: Sides {
                    top,
                    bottom,
                    left,
                    right,
                },
                name: None,
                repeat: Size::ONE,
                branches: Vec::new(),
            },
        )
}

pub fn network() -> impl Strategy<Value = Network> {
    (
        prop_oneof![
            (size(), size(), size()).prop_map(|(c, h, w)| Shape::Image { c, h, w }),
            size().prop_map(Shape::Flat),
            (size(), size()).prop_map(|(rows, cols)| Shape::Matrix { rows, cols }),
            (size(), size(), size(), size()).prop_map(|(c, d, h, w)| Shape::Volume { c, d, h, w }),
        ],
        any::<bool>(),
        proptest::collection::vec(layer(), 0..12),
        name(),
        proptest::array::uniform3(proptest::option::of(size())),
    )
        .prop_map(
            |(input, shared, layers, name, [memory, params, macs])| Network {
                name,
                input,
                kernels: if shared {
                    Kernels::Shared
                } else {
                    Kernels::Full
                },
                budget: Budget {
                    memory,
                    params,
                    macs,
                },
                layers,
            },
        )
}
