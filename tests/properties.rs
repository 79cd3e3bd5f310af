//! Property tests: the engine and the file reader never panic, whatever the
//! numbers; the engine's sizes agree with counting windows one by one; and a
//! saved network reads back unchanged.

use layerlab::engine::{Axis, AxisFit, AxisRule, Status, analyze, analyze_from};
use layerlab::file::{parse, to_toml};
mod common;

use common::network;
use layerlab::layer::{Hw, Kind, Layer, Padding};
use layerlab::network::{Network, Shape};
use layerlab::size::Size;
use layerlab::smallest::smallest_valid_input;
use proptest::prelude::*;

proptest! {
    #![proptest_config(common::ci_config(2000))]

    #[test]
    fn analysis_never_panics_and_stays_consistent(net in network()) {
        let a = analyze(&net);
        prop_assert_eq!(a.rows.len(), net.layers.len());
        let first_error = a.rows.iter().position(|r| matches!(r.status, Status::Error(_)));
        prop_assert_eq!(a.error_at, first_error);
        if let Some(i) = first_error {
            prop_assert!(a.rows[i + 1..].iter().all(|r| r.status == Status::Unreachable));
            prop_assert_eq!(a.totals.params, None);
        } else {
            let sum = a.rows.iter().map(|r| r.params.unwrap() as u128).sum::<u128>();
            prop_assert_eq!(a.totals.params.map(u128::from), Some(sum));
            // Each layer's input is the previous layer's output.
            let mut expected_input = net.input;
            for r in &a.rows {
                prop_assert_eq!(r.input, Some(expected_input));
                expected_input = r.output.unwrap();
            }
            // The peak is the most any one layer holds, input and output,
            // or the input alone (a container holds only what is inside).
            fn most(layers: &[Layer], rows: &[layerlab::engine::Row], m: Option<u64>) -> Option<u64> {
                layers.iter().zip(rows).fold(m, |m, (l, r)| {
                    if l.kind.is_container() {
                        l.branches.iter().zip(&r.inner).fold(m, |m, (b, inner)| most(b, inner, m))
                    } else {
                        let both = r.input.and_then(|i| i.elements()?.checked_add(r.output?.elements()?));
                        m.zip(both).map(|(m, b)| m.max(b))
                    }
                })
            }
            let most = most(&net.layers, &a.rows, net.input.elements());
            // The rows show one pass of a repeated block; the engine saw
            // them all, where a later pass may hold more.
            let mut repeats = false;
            for l in &net.layers {
                l.walk(&mut |l| repeats |= l.kind.is_container() && l.repeat.get() > 1);
            }
            if repeats {
                prop_assert!(a.totals.peak >= most, "{:?} < {:?}", a.totals.peak, most);
            } else {
                prop_assert_eq!(a.totals.peak, most);
            }
        }
    }

    /// Re-analysing from the first changed layer gives what a full analysis gives.
    #[test]
    fn incremental_analysis_equals_full_analysis(
        before in network(),
        tail in proptest::collection::vec(common::layer(), 0..6),
        cut in 0..12usize,
    ) {
        let cut = cut.min(before.layers.len());
        let mut after = before.clone();
        after.layers.truncate(cut);
        after.layers.extend(tail);
        let mut analysis = analyze(&before);
        analyze_from(&after, &mut analysis, cut);
        prop_assert_eq!(analysis, analyze(&after));
    }

    /// Re-analysing one changed layer gives what a full analysis gives,
    /// whether the rows below can stand or not.
    #[test]
    fn one_changed_layer_analyses_as_a_full_analysis(
        before in network(),
        replacement in common::layer(),
        at in 0..12usize,
    ) {
        let mut before = before;
        if before.layers.is_empty() {
            before.layers.push(replacement.clone());
        }
        let at = at % before.layers.len();
        let mut after = before.clone();
        // Half the time the replacement is the old layer with a change
        // inside that may keep its shape.
        after.layers[at] = if at % 2 == 0 { replacement } else {
            let mut l = after.layers[at].clone();
            l.bias = !l.bias;
            l
        };
        let mut analysis = analyze(&before);
        layerlab::engine::analyze_changed(&after, &mut analysis, at);
        prop_assert_eq!(analysis, analyze(&after));
    }

    /// Edits one layer at a time — some of them taking a layer back to
    /// what it was, so that rows kept from before come back into use —
    /// and after each the analysis is what a full analysis gives.
    #[test]
    fn edits_that_reuse_kept_rows_analyse_as_a_full_analysis(
        start in network(),
        edits in proptest::collection::vec((0..12usize, common::layer(), any::<bool>()), 1..8),
    ) {
        let original = start.clone();
        let mut net = start;
        if net.layers.is_empty() {
            return Ok(());
        }
        let mut analysis = analyze(&net);
        let mut kept = layerlab::engine::Kept::default();
        for (at, layer, back) in edits {
            let at = at % net.layers.len();
            net.layers[at] = if back { original.layers[at].clone() } else { layer };
            layerlab::engine::analyze_changed_kept(&net, &mut analysis, at, &mut kept);
            prop_assert_eq!(&analysis, &analyze(&net));
        }
    }

    #[test]
    fn saved_networks_read_back_unchanged(net in network()) {
        let text = to_toml(&net);
        if let Some((at, _)) = layerlab::text::first_control(&net.name) {
            // Such a name cannot come from a file or the form; a file
            // holding one is refused with where it is.
            let e = parse(&text).expect_err("a control character in the name is refused");
            prop_assert!(e.message.contains(&format!("character {at} is the control character")), "{}", e);
            return Ok(());
        }
        // Fields a kind does not take are not saved: compare what matters.
        let back = parse(&text).expect("a saved file parses");
        prop_assert_eq!(&back.name, &net.name);
        prop_assert_eq!(analyze(&back), analyze(&net));
        prop_assert_eq!(to_toml(&back), text);
    }

    /// Saving into a file's own document after any edits says exactly the
    /// edited network, whatever the file held before.
    #[test]
    fn saving_into_a_document_says_the_edited_network(
        mut before in network(),
        mut after in network(),
        keep in proptest::collection::vec(any::<bool>(), 12),
    ) {
        // Names a file can hold (see saved_networks_read_back_unchanged).
        before.name.retain(|c| !c.is_control());
        after.name.retain(|c| !c.is_control());
        let (_, source) = layerlab::file::Source::parse(&to_toml(&before)).expect("parses");
        // Some of the old layers kept in place, the new ones after them.
        let mut edited = after.clone();
        edited.layers = before.layers.iter().zip(&keep).filter(|(_, k)| **k)
            .map(|(l, _)| l.clone()).chain(after.layers.iter().cloned()).collect();
        let (text, _) = layerlab::file::save_text(&edited, Some(&source));
        let back = parse(&text).expect("a saved file parses");
        prop_assert_eq!(to_toml(&back), to_toml(&edited));
    }

    #[test]
    fn the_reader_never_panics_on_arbitrary_text(text in "\\PC*") {
        let _ = parse(&text);
    }

    #[test]
    fn the_reader_never_panics_on_odd_values(
        key in proptest::sample::select(vec!["filters", "kernel", "stride", "padding", "dilation",
            "groups", "bias", "ceil_mode", "rate", "activation", "units", "type", "input"]),
        value in proptest::sample::select(vec!["-1", "0", "9223372036854775807", "[0, 3]", "[1]",
            "[1, 2, 3]", "\"same\"", "\"x\"", "1.5", "nan", "inf", "true", "{ a = 1 }", "[]"]),
        kind in proptest::sample::select(Kind::iter().collect::<Vec<_>>()),
    ) {
        let text = format!("input = [1, 8, 8]\n[[layer]]\ntype = \"{}\"\n{key} = {value}\n", kind.name());
        if let Err(e) = parse(&text) {
            prop_assert!(e.line.is_some(), "{}", e);
        }
    }

    /// Floor-mode output = the number of window positions 0, s, 2s, … that
    /// fit inside the padded input, counted one by one.
    #[test]
    fn explicit_padding_matches_counting_windows(
        input in 1..40u64, kernel in 1..8u64, stride in 1..5u64, dilation in 1..4u64, pad in 0..4u64,
    ) {
        let span = dilation * (kernel - 1) + 1;
        let padded = input + 2 * pad;
        let count = (0..).step_by(stride as usize).take_while(|&x| x + span <= padded).count() as u64;
        let axis = Axis { input, kernel, stride, dilation, rule: AxisRule::Explicit { pad, ceil: false } };
        match axis.output() {
            AxisFit::Fits(o) => prop_assert_eq!(o.size, count),
            AxisFit::TooSmall => prop_assert_eq!(count, 0),
            AxisFit::Overflow => prop_assert!(false, "small numbers cannot overflow"),
        }
    }

    /// ceil_mode: windows may hang over the right edge, but each must start
    /// inside the image or the left padding (PyTorch's rule).
    #[test]
    fn ceil_mode_matches_counting_windows(
        input in 1..40u64, kernel in 1..8u64, stride in 1..5u64, pad_half in 0..4u64,
    ) {
        let pad = pad_half.min(kernel / 2);
        let padded = input + 2 * pad;
        let count = (0..)
            .step_by(stride as usize)
            .take_while(|&x| x + kernel <= padded || (x < input + pad && x + kernel < padded + stride))
            .count() as u64;
        let axis = Axis { input, kernel, stride, dilation: 1, rule: AxisRule::Explicit { pad, ceil: true } };
        match axis.output() {
            AxisFit::Fits(o) => prop_assert_eq!(o.size, count),
            AxisFit::TooSmall => prop_assert_eq!(count, 0),
            AxisFit::Overflow => prop_assert!(false, "small numbers cannot overflow"),
        }
    }

    /// "same": TensorFlow places ⌈n/s⌉ windows so that together with the
    /// padding they cover every input pixel.
    #[test]
    fn same_padding_covers_the_input(input in 1..60u64, kernel in 1..8u64, stride in 1..5u64) {
        let axis = Axis { input, kernel, stride, dilation: 1, rule: AxisRule::Same };
        let AxisFit::Fits(o) = axis.output() else { return Err(TestCaseError::fail("fits")) };
        prop_assert_eq!(o.size, input.div_ceil(stride));
        prop_assert!((o.size - 1) * stride < input, "the last window starts inside the input");
    }
}

/// Small networks of windows that break only by shrinking too far.
fn window_network() -> impl Strategy<Value = Network> {
    let window = (
        proptest::sample::select(vec![Kind::Conv2d, Kind::MaxPool, Kind::AvgPool, Kind::Relu]),
        (1..6u64, 1..6u64),
        (1..4u64, 1..4u64),
        0..4usize,
        1..3u64,
        any::<bool>(),
    )
        .prop_map(|(kind, (kh, kw), (sh, sw), pad, dilation, ceil_mode)| {
            let kernel = Hw { h: kh, w: kw };
            let padding = match pad {
                0 => Padding::Valid,
                1 => Padding::Same,
                // PyTorch allows pooling padding up to half the window.
                _ => Padding::Explicit(Hw {
                    h: (pad as u64 - 1).min(kh / 2),
                    w: (pad as u64 - 1).min(kw / 2),
                }),
            };
            Layer {
                kernel,
                stride: Some(Hw { h: sh, w: sw }),
                padding,
                dilation: Hw::square(dilation),
                ceil_mode,
                ..Layer::new(kind)
            }
        });
    (
        1..4u64,
        proptest::collection::vec(window, 0..6),
        any::<bool>(),
    )
        .prop_map(|(c, mut layers, head)| {
            if head {
                layers.push(Layer::new(Kind::Flatten));
                layers.push(Layer {
                    units: Size::new(3).unwrap(),
                    ..Layer::new(Kind::Dense)
                });
            }
            Network {
                input: Shape::Image { c, h: 1, w: 1 },
                layers,
                ..Network::empty("windows")
            }
        })
}

proptest! {
    /// The smallest valid input agrees with trying every size from 1×1 to 40×40.
    #[test]
    fn smallest_valid_input_matches_brute_force(net in window_network()) {
        let min = smallest_valid_input(&net).expect("small numbers");
        let c = match net.input { Shape::Image { c, .. } => c, _ => 1 };
        for h in 1..=40 {
            for w in 1..=40 {
                let sized = Network { input: Shape::Image { c, h, w }, ..net.clone() };
                let valid = analyze(&sized).error_at.is_none();
                let Shape::Image { h: mh, w: mw, .. } = min else { panic!("an image gives an image") };
                prop_assert_eq!(valid, h >= mh && w >= mw, "at {}×{}, smallest {:?}", h, w, min);
            }
        }
    }

    /// For signals: the smallest length agrees with trying every length to 80.
    #[test]
    fn smallest_signal_length_matches_brute_force(net in nd_window_network(1)) {
        let Some(min) = smallest_valid_input(&net) else {
            // Only a 1-D window makes a 2-D input a signal with a least length.
            prop_assert!(net.layers.iter().all(|l| l.kind.window_axes() != 1));
            return Ok(());
        };
        let Shape::Matrix { rows, cols: least } = min else { panic!("a signal gives a signal: {min:?}") };
        for l in 1..=80 {
            let sized = Network { input: Shape::Matrix { rows, cols: l }, ..net.clone() };
            let valid = analyze(&sized).error_at.is_none();
            prop_assert_eq!(valid, l >= least, "at length {}, smallest {}", l, least);
        }
    }

    /// For volumes: every depth, height and width to 10 agrees with the
    /// smallest valid input.
    #[test]
    fn smallest_volume_matches_brute_force(net in nd_window_network(3)) {
        let Some(min) = smallest_valid_input(&net) else {
            // Past 10 on an axis: nothing to compare within the box.
            return Ok(());
        };
        let Shape::Volume { c, d: md, h: mh, w: mw } = min else { panic!("a volume gives a volume") };
        for d in 1..=10 {
            for h in 1..=10 {
                for w in 1..=10 {
                    let sized = Network { input: Shape::Volume { c, d, h, w }, ..net.clone() };
                    let valid = analyze(&sized).error_at.is_none();
                    prop_assert_eq!(valid, d >= md && h >= mh && w >= mw,
                        "at {}×{}×{}, smallest {:?}", d, h, w, min);
                }
            }
        }
    }
}

/// Random conv and pooling layers of one rank (1: signals, 3: volumes),
/// on one channel or a few, maybe ending in a classifier head.
fn nd_window_network(axes: usize) -> impl Strategy<Value = Network> {
    let kinds = if axes == 1 {
        vec![Kind::Conv1d, Kind::MaxPool1d, Kind::AvgPool1d]
    } else {
        vec![Kind::Conv3d, Kind::MaxPool3d, Kind::AvgPool3d]
    };
    let limit = if axes == 1 { 6u64 } else { 3 };
    let window = (
        proptest::sample::select(kinds),
        proptest::collection::vec((1..=limit, 1..4u64, 0..4usize, 1..3u64), 3),
        any::<bool>(),
    )
        .prop_map(move |(kind, per_axis, ceil_mode)| {
            let mut layer = Layer {
                ceil_mode,
                ..Layer::new(kind)
            };
            let pools = kind != Kind::Conv1d && kind != Kind::Conv3d;
            let pad = |p: usize, k: u64| {
                if pools {
                    (p as u64).min(k / 2)
                } else {
                    p as u64
                }
            };
            let [(kd, sd, pd, dd), (kh, sh, ph, dh), (kw, sw, pw, dw)] =
                [per_axis[0], per_axis[1], per_axis[2]];
            layer.kernel = Hw { h: kh, w: kw };
            layer.stride = Some(Hw { h: sh, w: sw });
            layer.dilation = Hw { h: dh, w: dw };
            layer.padding = if pw == 3 {
                Padding::Same
            } else {
                Padding::Explicit(Hw {
                    h: pad(ph % 3, kh),
                    w: pad(pw, kw),
                })
            };
            layer.extra.depth.kernel = kd;
            layer.extra.depth.stride = Some(sd);
            layer.extra.depth.padding = pad(pd % 3, kd);
            layer.extra.depth.dilation = dd;
            layer
        });
    (
        1..4u64,
        proptest::collection::vec(window, 0..5),
        any::<bool>(),
    )
        .prop_map(move |(c, mut layers, head)| {
            if head {
                layers.push(Layer::new(Kind::Flatten));
                layers.push(Layer {
                    units: Size::new(3).unwrap(),
                    ..Layer::new(Kind::Dense)
                });
            }
            let input = if axes == 1 {
                Shape::Matrix { rows: c, cols: 1 }
            } else {
                Shape::Volume {
                    c,
                    d: 1,
                    h: 1,
                    w: 1,
                }
            };
            Network {
                input,
                layers,
                ..Network::empty("nd windows")
            }
        })
}

#[test]
fn absurd_sizes_give_a_clear_error_not_a_panic() {
    let conv = Layer {
        filters: Size::new(6).unwrap(),
        kernel: Hw::square(1_000_000_000_000),
        ..Layer::new(Kind::Conv2d)
    };
    let a = analyze(&Network {
        layers: vec![conv],
        ..Network::empty("huge kernel")
    });
    assert_eq!(
        layerlab::words::status(a.rows[0].status).unwrap(),
        "input 28×28 is smaller than the 1000000000000×1000000000000 kernel"
    );
    // Twenty dense layers of a billion units: the 19th overflows the total.
    let mut layers = vec![Layer::new(Kind::Flatten)];
    layers.extend((0..20).map(|_| Layer {
        units: Size::new(1_000_000_000).unwrap(),
        ..Layer::new(Kind::Dense)
    }));
    let a = analyze(&Network {
        layers,
        ..Network::empty("wide")
    });
    let i = a.error_at.expect("an overflow is reported");
    assert_eq!(
        layerlab::words::status(a.rows[i].status).unwrap(),
        "the total parameter count is too large to count (over 2^64)"
    );
}

/// A random stack of window layers (conv, pooling, transposed conv) with
/// small numbers, on a small image.
fn window_stack() -> impl Strategy<Value = Network> {
    let layer = (0..3usize, 1..5u64, 1..4u64, 0..3u64, 1..3u64, any::<bool>()).prop_map(
        |(kind, k, s, p, d, ceil)| {
            let kind = [Kind::Conv2d, Kind::MaxPool, Kind::ConvTranspose2d][kind];
            let mut l = Layer::new(kind);
            l.kernel = Hw::square(k);
            l.stride = Some(Hw::square(s));
            l.padding = Padding::Explicit(Hw::square(if kind == Kind::MaxPool {
                p.min(k / 2)
            } else {
                p
            }));
            if kind != Kind::MaxPool {
                l.dilation = Hw::square(d);
            }
            l.ceil_mode = ceil && kind == Kind::MaxPool;
            if kind == Kind::ConvTranspose2d && p >= 1 {
                l.output_padding = Hw::square(0);
            }
            l
        },
    );
    (proptest::collection::vec(layer, 1..4), 3..14u64, 3..14u64).prop_map(|(layers, h, w)| {
        Network {
            input: Shape::Image { c: 2, h, w },
            layers,
            ..Network::empty("stack")
        }
    })
}

proptest! {
    #![proptest_config(common::ci_config(500))]

    /// The receptive region of an output cell, by its formula, is what the
    /// taps of every cell give, found tap by tap, layer by layer: at each
    /// layer the smallest rectangle holding every input pixel read by some
    /// cell of the rectangle above (the region the table's receptive-field
    /// column measures, dilation's gaps included).
    #[test]
    fn receptive_regions_match_tap_by_tap(net in window_stack(), pick in any::<(u64, u64)>()) {
        use layerlab::arithmetic::{receptive_region, window};
        use std::collections::BTreeSet;
        let a = analyze(&net);
        if a.error_at.is_some() {
            // Nothing to picture where a layer cannot be computed.
            return Ok(());
        }
        let last = net.layers.len() - 1;
        let Some(Shape::Image { h, w, .. }) = a.rows[last].output else { unreachable!() };
        let cell = [pick.0 % h, pick.1 % w];
        let mut cells: BTreeSet<(u64, u64)> = [(cell[0], cell[1])].into();
        for i in (0..=last).rev() {
            let Some(Shape::Image { h, w, .. }) = a.rows[i].input else { unreachable!() };
            let mut below = BTreeSet::new();
            for &(r, c) in &cells {
                let [rows, cols] = window(&net.layers[i], Hw { h, w }, [r, c]).expect("a window");
                for &tr in rows.taps.iter().filter(|&&t| t >= 0 && (t as u64) < h) {
                    for &tc in cols.taps.iter().filter(|&&t| t >= 0 && (t as u64) < w) {
                        below.insert((tr as u64, tc as u64));
                    }
                }
            }
            // The rectangle around them.
            cells = match (below.iter().map(|c| c.0).min(), below.iter().map(|c| c.0).max()) {
                (Some(r0), Some(r1)) => {
                    let c0 = below.iter().map(|c| c.1).min().unwrap();
                    let c1 = below.iter().map(|c| c.1).max().unwrap();
                    (r0..=r1).flat_map(|r| (c0..=c1).map(move |c| (r, c))).collect()
                }
                _ => BTreeSet::new(),
            };
        }
        let region = receptive_region(&net, &a, last, cell);
        match (cells.iter().map(|c| c.0).min(), region) {
            (None, None) => {}
            (Some(_), Some(r)) => {
                let rows = (cells.iter().map(|c| c.0).min().unwrap(), cells.iter().map(|c| c.0).max().unwrap());
                let cols = (cells.iter().map(|c| c.1).min().unwrap(), cells.iter().map(|c| c.1).max().unwrap());
                prop_assert_eq!((r.rows, r.cols), (rows, cols));
            }
            (set, r) => prop_assert!(false, "tap by tap {:?}, formula {:?}", set, r),
        }
    }
}

proptest! {
    #![proptest_config(common::ci_config(2000))]

    /// A signal's picture: the samples each output of a conv1d or 1-D pool
    /// reads, found by sliding its window along the zero-padded signal one
    /// start at a time, as the frameworks define it.
    #[test]
    fn signal_windows_match_sliding_along_the_padded_signal(
        length in 1u64..40,
        k in 1u64..8,
        s in 1u64..5,
        p in 0u64..4,
        d in 1u64..4,
        kind in prop_oneof![Just(Kind::Conv1d), Just(Kind::MaxPool1d), Just(Kind::AvgPool1d)],
    ) {
        use layerlab::arithmetic::{picture_axes, taps};
        let mut layer = Layer::new(kind);
        layer.kernel = Hw::square(k);
        layer.stride = Some(Hw::square(s));
        layer.padding = Padding::Explicit(Hw::square(p));
        layer.dilation = Hw::square(d);
        let input = Shape::Matrix { rows: 2, cols: length };
        let a = analyze(&Network { layers: vec![layer.clone()], input, ..Network::empty("t") });
        let row = &a.rows[0];
        let Some((None, _, axis)) = picture_axes(&layer, input) else {
            return Err(TestCaseError::fail("a signal has one axis"));
        };
        // Pools neither dilate nor (in PyTorch) pad past half the window.
        let d = if kind == Kind::Conv1d { d } else { 1 };
        let padded = length + 2 * p;
        let span = d * (k - 1) + 1;
        let starts: Vec<u64> = (0..padded).step_by(s as usize).filter(|&st| st + span <= padded).collect();
        match row.output {
            Some(Shape::Matrix { cols, .. }) => {
                prop_assert_eq!(cols, starts.len() as u64);
                for (o, &start) in starts.iter().enumerate() {
                    let found = taps(axis, o as u64).expect("a window");
                    let slid: Vec<i64> =
                        (0..k).map(|j| (start + j * d) as i64 - p as i64).collect();
                    prop_assert_eq!(&found.taps, &slid, "output {}", o);
                }
                prop_assert!(taps(axis, starts.len() as u64).is_none(), "no output past the last");
            }
            _ => prop_assert!(
                starts.is_empty() || (kind != Kind::Conv1d && 2 * p > k),
                "refused, yet {} windows fit", starts.len()
            ),
        }
    }
}

proptest! {
    // Drawing is slower than analysing: fewer cases.
    #![proptest_config(common::ci_config(500))]

    /// The drawing never panics, whatever the network (sizes at the edges,
    /// names of every kind, broken or not), and is one SVG document.
    #[test]
    fn the_drawing_never_panics(net in network(), width in 200u32..4000) {
        let a = analyze(&net);
        let options = layerlab::diagram::Options { width, ..Default::default() };
        let svg = layerlab::diagram::svg(&net, &a, &options);
        prop_assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        prop_assert_eq!(svg.matches("<svg").count(), 1);
    }
}
