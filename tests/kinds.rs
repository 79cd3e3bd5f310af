//! Every kind of layer, walked through `Kind::iter()`: what no compiler
//! can check. Each kind has its description in every language and a row in
//! the README's table of kinds that says the same; each builds a network
//! that exports to PyTorch (and to Keras, or is refused with the reason);
//! each window agrees with counting its taps one by one on the receptive
//! field and the region it reads.

use layerlab::arithmetic::{receptive_region, window};
use layerlab::engine::{ReceptiveField, analyze};
use layerlab::export::{Framework, export};
use layerlab::family::Spatial;
use layerlab::lang::{self, Lang};
use layerlab::layer::{Hw, Kind, Layer, Padding};
use layerlab::network::{Network, Shape};

/// Inputs of every kind of tensor, small enough for any window.
const INPUTS: [Shape; 6] = [
    Shape::Image { c: 8, h: 12, w: 12 },
    Shape::Matrix { rows: 8, cols: 16 },
    Shape::Flat(8),
    Shape::Volume {
        c: 8,
        d: 6,
        h: 6,
        w: 6,
    },
    Shape::Image { c: 8, h: 1, w: 1 },
    Shape::Matrix { rows: 4, cols: 4 },
];

/// A network of one `kind` layer (`inside` a container) on the first
/// input it accepts, set up as a user would start.
fn one_layer(kind: Kind) -> Option<Network> {
    let mut layer = Layer::new(kind);
    // Kinds whose defaults depend on the input: fit them to it.
    layer.extra.height = layerlab::size::Size::new(2).unwrap();
    layer.extra.width = layerlab::size::Size::new(4).unwrap();
    layer.groups = layerlab::size::Size::new(2).unwrap();
    if kind.is_container() {
        layer.branches = vec![vec![Layer::new(Kind::Relu)]; layer.branches.len().max(1)];
    }
    let first = INPUTS.into_iter().find_map(|input| {
        let net = Network {
            input,
            layers: vec![layer.clone()],
            ..Network::empty("one")
        };
        analyze(&net).error_at.is_none().then_some(net)
    });
    // `embedding` reads token ids: a vector, then the layer's own.
    first.or_else(|| {
        let mut net = Network {
            input: Shape::Flat(8),
            layers: vec![Layer::new(Kind::Embedding), layer],
            ..Network::empty("one")
        };
        net.layers[0].extra.vocab = layerlab::size::Size::new(10).unwrap();
        analyze(&net).error_at.is_none().then_some(net)
    })
}

#[test]
fn every_kind_has_its_description_in_every_language() {
    for kind in Kind::iter() {
        let id = format!("kind-{}", kind.name());
        for l in [Lang::En, Lang::Ru] {
            let text = lang::scoped(l, || layerlab::i18n::text(&id));
            assert!(
                layerlab::i18n::has(&id) && !text.is_empty() && text != id,
                "{kind:?} has no {id} in {l:?}"
            );
        }
    }
}

#[test]
fn every_kind_has_a_readme_row_saying_what_it_is() {
    let readme = include_str!("../README.md");
    let start = readme
        .find("<!-- kinds: tests/kinds.rs reads this table -->")
        .expect("the README's table of kinds");
    let table = &readme[start..];
    let mut missing = Vec::new();
    for kind in Kind::iter() {
        let what = layerlab::i18n::english(&format!("kind-{}", kind.name()));
        let row = format!("| `{}` | {what} |", kind.name());
        if !table.contains(&row) {
            missing.push(row);
        }
    }
    assert!(
        missing.is_empty(),
        "README rows missing or different:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_kind_builds_and_exports_to_pytorch_and_keras_or_says_why_not() {
    for kind in Kind::iter() {
        let net = one_layer(kind).unwrap_or_else(|| panic!("no input takes a lone {kind:?}"));
        let a = analyze(&net);
        let torch = export(&net, &a, Framework::Pytorch)
            .unwrap_or_else(|e| panic!("{kind:?} does not export to PyTorch: {e}"));
        assert!(torch.contains("nn.Sequential"), "{kind:?}:\n{torch}");
        if let Err(e) = export(&net, &a, Framework::Keras) {
            assert!(
                e.0.contains("Keras") && e.0.len() > 30,
                "{kind:?} is refused by Keras without a reason: {e}"
            );
        }
    }
}

/// The input rows and columns output cell `cell` of `layer` reads on an
/// input of `hw`, found tap by tap.
fn taps(layer: &Layer, hw: Hw, cell: [u64; 2]) -> Option<((u64, u64), (u64, u64))> {
    let [rows, cols] = window(layer, hw, cell)?;
    Some((rows.real()?, cols.real()?))
}

#[test]
fn every_window_agrees_with_its_taps_on_field_and_region() {
    let windows: Vec<Kind> = Kind::iter()
        .filter(|k| {
            matches!(
                k.spatial(),
                Spatial::Window { axes: 2, .. } | Spatial::Transpose
            )
        })
        .collect();
    assert!(windows.len() >= 4, "{windows:?}");
    for &kind in &windows {
        for (k, s, p, d) in [
            (1, 1, 0, 1),
            (3, 1, 1, 1),
            (3, 2, 0, 1),
            (2, 2, 0, 1),
            (3, 1, 0, 2),
        ] {
            let mut layer = Layer::new(kind);
            layer.kernel = Hw::square(k);
            layer.stride = Some(Hw::square(s));
            layer.padding = Padding::Explicit(Hw::square(p.min(k / 2)));
            let dilates = kind.convolves() || kind.spatial() == Spatial::Transpose;
            let d = if dilates { d } else { 1 };
            layer.dilation = Hw::square(d);
            let hw = Hw { h: 9, w: 9 };
            let net = Network {
                input: Shape::Image { c: 2, h: 9, w: 9 },
                layers: vec![layer.clone()],
                ..Network::empty("one")
            };
            let a = analyze(&net);
            if a.error_at.is_some() {
                continue;
            }
            let Some(Shape::Image { h, w, .. }) = a.rows[0].output else {
                panic!("{kind:?} leaves an image")
            };
            let cell = [h / 2, w / 2];
            let by_taps = taps(&layer, hw, cell);
            let region = receptive_region(&net, &a, 0, cell).map(|r| (r.rows, r.cols));
            assert_eq!(region, by_taps, "{kind:?} k{k} s{s} p{p} d{d}: region");
            // A window reads at most its span: the field is that span.
            if let (Some(ReceptiveField::Local { size, .. }), Some(((r0, r1), _))) =
                (a.rows[0].receptive_field, by_taps)
                && kind.spatial() != Spatial::Transpose
            {
                let span = d * (k - 1) + 1;
                assert_eq!(size.h, span, "{kind:?} k{k} d{d}: field");
                assert!(r1 - r0 < span, "{kind:?}: the taps fit in the field");
            }
        }
    }
}
