//! Every answer of the problem set layerlab grew from (problem 6, parts а–г),
//! reproduced from the presets in both kernel conventions.

use layerlab::engine::{Analysis, Problem, Status, analyze};
use layerlab::network::{Kernels, Network, Shape};
use layerlab::presets;

fn preset(name: &str, kernels: Kernels) -> (Network, Analysis) {
    let net = Network {
        kernels,
        ..presets::load(name).expect("preset parses")
    };
    let analysis = analyze(&net);
    (net, analysis)
}

fn shapes(a: &Analysis) -> Vec<String> {
    a.rows
        .iter()
        .map(|r| r.output.map_or("—".into(), |s| s.to_string()))
        .collect()
}

fn params(a: &Analysis) -> Vec<Option<u64>> {
    a.rows.iter().map(|r| r.params).collect()
}

#[test]
fn part_a_mlp_has_795010_parameters() {
    let (_, a) = preset("mlp", Kernels::Full);
    assert_eq!(shapes(&a), ["784", "1000", "10", "10"]);
    // 784·1000 + 1000 + 1000·10 + 10
    assert_eq!(params(&a), [Some(0), Some(785_000), Some(10_010), Some(0)]);
    assert_eq!(a.totals.params, Some(795_010));
}

#[test]
fn part_b_lenet_shapes_and_both_totals() {
    let (_, full) = preset("lenet", Kernels::Full);
    assert_eq!(
        shapes(&full),
        [
            "24×24×6",
            "12×12×6",
            "8×8×16",
            "4×4×16",
            "256",
            "120",
            "84",
            "10",
            "10"
        ]
    );
    assert_eq!(full.totals.params, Some(44_426));

    let (_, shared) = preset("lenet", Kernels::Shared);
    assert_eq!(
        shapes(&shared),
        shapes(&full),
        "the convention changes counts, not shapes"
    );
    // (5·5 + 1)·6 = 156 and (5·5 + 1)·16 = 416, as the problem set counts.
    assert_eq!(shared.rows[0].params, Some(156));
    assert_eq!(shared.rows[2].params, Some(416));
    // 256·120 + 120 + 120·84 + 84 + 84·10 + 10 = 41,854 in the dense layers.
    let dense: u64 = shared.rows[5..8].iter().filter_map(|r| r.params).sum();
    assert_eq!(dense, 41_854);
    assert_eq!(shared.totals.params, Some(42_426));
}

#[test]
fn part_c_zero_padding_keeps_the_size_through_convolutions() {
    let (_, full) = preset("lenet-padded", Kernels::Full);
    assert_eq!(
        shapes(&full),
        [
            "28×28×6",
            "14×14×6",
            "14×14×16",
            "7×7×16",
            "784",
            "120",
            "84",
            "10",
            "10"
        ]
    );
    assert_eq!(full.totals.params, Some(107_786));
    let (_, shared) = preset("lenet-padded", Kernels::Shared);
    // Convolutions: 156 + 416 = 572; dense: 784·120 + 120 + … = 105,214.
    assert_eq!(
        shared.rows[0].params.unwrap() + shared.rows[2].params.unwrap(),
        572
    );
    let dense: u64 = shared.rows[5..8].iter().filter_map(|r| r.params).sum();
    assert_eq!(dense, 105_214);
    assert_eq!(shared.totals.params, Some(105_786));
}

#[test]
fn part_d_stride_two_breaks_at_the_second_pooling() {
    for kernels in [Kernels::Full, Kernels::Shared] {
        let (_, a) = preset("lenet-stride2", kernels);
        assert_eq!(&shapes(&a)[..3], ["12×12×6", "6×6×6", "1×1×16"]);
        assert_eq!(
            a.error_at,
            Some(3),
            "the second max-pool (layer 4) is broken"
        );
        assert_eq!(
            a.rows[3].status,
            Status::Error(Problem::ShrunkTooFar {
                input: layerlab::layer::Hw::square(1),
                padding: layerlab::layer::Hw::square(0),
                kernel: layerlab::layer::Hw::square(2),
                span: layerlab::layer::Hw::square(2),
                pooling: true,
            })
        );
        assert_eq!(
            layerlab::words::status(a.rows[3].status).unwrap(),
            "input 1×1 is smaller than the 2×2 pooling window"
        );
        assert!(
            a.rows[4..]
                .iter()
                .all(|r| r.status == Status::Unreachable && r.output.is_none())
        );
        assert_eq!(a.totals.params, None);
    }
}

#[test]
fn classic_presets_match_their_published_counts() {
    let total = |name| preset(name, Kernels::Full).1.totals.params;
    assert_eq!(total("lenet5"), Some(61_706));
    assert_eq!(total("alexnet"), Some(61_100_840));
    assert_eq!(total("vgg16"), Some(138_357_544));
    let (_, vgg) = preset("vgg16", Kernels::Full);
    assert_eq!(
        vgg.rows[17].output,
        Some(Shape::Image { c: 512, h: 7, w: 7 })
    );
}
