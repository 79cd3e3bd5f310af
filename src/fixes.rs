//! One-step fixes for a broken layer: each candidate is tried on a copy of
//! the network, and only those that make the broken row valid are offered,
//! each with what it leads to.

use crate::engine::{Analysis, Problem, Status, analyze};
use crate::layer::{Hw, Kind, Layer, Padding};
use crate::network::{Network, Shape};
use crate::smallest::smallest_valid_input;
use crate::units::thousands;

/// A change that repairs a broken layer.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)] // a handful at a time, in a popup
pub enum Repair {
    /// Replace the layer at this path (see `Network::layer_at`).
    Layer(Vec<usize>, Layer),
    Remove(Vec<usize>),
    Input(Shape),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Fix {
    /// What the fix does: "pad layer 4 (same)".
    pub what: String,
    /// What it leads to: "network valid, 2,572 params".
    pub effect: String,
    pub repair: Repair,
}

/// The divisors of `of` nearest to `n`, below and above it.
fn nearest_divisors(n: u64, of: u64) -> Vec<u64> {
    let divides = |d: &u64| *d > 0 && of.is_multiple_of(*d);
    // Each way bounded: a size past 2^40 must not freeze the screen while
    // every number below it is tried.
    let below = (1..n.min(of.saturating_add(1)))
        .rev()
        .take(1 << 16)
        .find(divides);
    let above = (n.saturating_add(1)..=of).take(1 << 16).find(divides);
    below.into_iter().chain(above).collect()
}

/// Fixes that change one setting of the broken layer itself to the
/// nearest value that PyTorch takes: groups, heads, key/value heads, a
/// mixture's top_k, a head's width, a slice's end, a fold's sides.
fn setting_fixes(
    layer: &Layer,
    problem: Problem,
    here: &[usize],
    n: &str,
) -> Vec<(String, Repair)> {
    use crate::layer::{Field, Value};
    let mut values: Vec<(Field, i64)> = Vec::new();
    let int = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    match problem {
        Problem::SplitGroups {
            channels, groups, ..
        } => values.extend(
            nearest_divisors(groups, channels)
                .into_iter()
                .map(|g| (Field::Groups, int(g))),
        ),
        Problem::Heads { dim, heads } => values.extend(
            nearest_divisors(heads, dim)
                .into_iter()
                .map(|h| (Field::Heads, int(h))),
        ),
        Problem::KvHeads { heads, kv_heads } => values.extend(
            nearest_divisors(kv_heads, heads)
                .into_iter()
                .map(|kv| (Field::KvHeads, int(kv))),
        ),
        Problem::TopK { top_k, experts } => {
            values.push((Field::TopK, int(top_k.clamp(1, experts))));
        }
        Problem::OddHeadDim { head_dim } => {
            values.push((Field::HeadDim, int(head_dim.saturating_add(1))));
            if head_dim > 1 {
                values.push((Field::HeadDim, int(head_dim - 1)));
            }
        }
        Problem::Slice { start, size, .. } if start < size => values.push((Field::End, int(size))),
        Problem::Projection { hidden, .. } if hidden > 1 => {
            values.push((Field::Proj, int(hidden / 2)));
        }
        Problem::TooLong { len, .. } => values.push((Field::MaxLen, int(len))),
        Problem::Inputs { got, .. } => values.push((Field::Inputs, int(got))),
        Problem::Fold { len, .. } => {
            // The most nearly square sides whose product is L.
            // Tried from √L down, a bounded number of them (L may be
            // past 2^60): else one row of L.
            let h = (1..=len.isqrt())
                .rev()
                .take(1 << 20)
                .find(|d| len.is_multiple_of(*d))
                .unwrap_or(1);
            values.extend([(Field::Height, int(h)), (Field::Width, int(len / h))]);
            let mut folded = layer.clone();
            let both = values
                .drain(..)
                .all(|(f, v)| f.set(&mut folded, &Value::Int(v)).is_ok());
            return if both {
                vec![(
                    t!(
                        "fixes-fold-into",
                        n = n.to_string(),
                        h = h.to_string(),
                        w = (len / h).to_string()
                    ),
                    Repair::Layer(here.to_vec(), folded),
                )]
            } else {
                Vec::new()
            };
        }
        _ => {}
    }
    values
        .into_iter()
        .filter_map(|(field, v)| {
            let mut changed = layer.clone();
            field.set(&mut changed, &Value::Int(v)).ok()?;
            let what = t!(
                "fixes-set-field",
                field = field.name(),
                n = n.to_string(),
                value = thousands(u64::try_from(v).unwrap_or(0))
            );
            Some((what, Repair::Layer(here.to_vec(), changed)))
        })
        .collect()
}

/// The fixes for the layer at `path`, best first; empty when the layer is
/// not broken or no single change repairs it.
pub fn fixes(net: &Network, analysis: &Analysis, path: &[usize]) -> Vec<Fix> {
    let (Some(row), Some(layer)) = (analysis.row_at(path), net.layer_at(path)) else {
        return Vec::new();
    };
    let Status::Error(problem) = row.status else {
        return Vec::new();
    };
    let index = path[0];
    let here = path.to_vec();
    let n = net.path_label(path);
    let mut candidates: Vec<(String, Repair)> = Vec::new();
    if let Problem::Mismatch {
        kind: Kind::Add,
        first,
        ..
    } = problem
    {
        candidates.extend(merge_fixes(layer, row, first, &here, &n));
    }
    if let Problem::ShrunkTooFar { input, padding, .. } = problem {
        if layer.padding != Padding::Same {
            let padded = Layer {
                padding: Padding::Same,
                ..layer.clone()
            };
            candidates.push((
                t!("fixes-zero-pad-layer-n-same", n = n.to_string()),
                Repair::Layer(here.clone(), padded),
            ));
        }
        if let Some(kernel) = largest_fitting_kernel(layer, input, padding) {
            let (from, to) = (
                format!("{}×{}", layer.kernel.h, layer.kernel.w),
                format!("{}×{}", kernel.h, kernel.w),
            );
            let what = if layer.kind.is_pool() {
                t!("fixes-shrink-window", n = n.clone(), from = from, to = to)
            } else {
                t!("fixes-shrink-kernel", n = n.clone(), from = from, to = to)
            };
            let mut smaller = layer.clone();
            smaller.set_kernel(kernel);
            candidates.push((what, Repair::Layer(here.clone(), smaller)));
        }
        // A stride of 1 here, or on the strided layers that shrank the image.
        let strided = (0..=index)
            .rev()
            .filter(|_| path.len() == 1)
            .filter(|&j| net.layers[j].kind.has_window() && net.layers[j].stride() != Hw::square(1))
            .take(3);
        for j in strided {
            let (k, label) = (j + 1, net.layers[j].label());
            let what = t!(
                "fixes-set-the-stride-of-layer",
                k = k.to_string(),
                label = label.to_string()
            );
            let unstrided = Layer {
                stride: Some(Hw::square(1)),
                ..net.layers[j].clone()
            };
            candidates.push((what, Repair::Layer(vec![j], unstrided)));
        }
    }
    candidates.extend(setting_fixes(layer, problem, &here, &n));
    if let Some(min) = smallest_valid_input(net)
        && crate::smallest::too_small(net.input, min)
    {
        let grown = crate::smallest::grown_to(net.input, min);
        candidates.push((
            t!("fixes-grow-the-input-to-grown", grown = grown.to_string()),
            Repair::Input(grown),
        ));
    }
    if let Some(unbatched) = without_batch(net.input) {
        candidates.push((
            t!("fixes-drop-the-batch", shape = unbatched.to_string()),
            Repair::Input(unbatched),
        ));
    }
    for near in nearest_inputs(net) {
        let offered = |r: &Repair| matches!(r, Repair::Input(s) if *s == near);
        if !candidates.iter().any(|(_, r)| offered(r)) {
            candidates.push((
                t!("fixes-nearest-input", shape = near.to_string()),
                Repair::Input(near),
            ));
        }
    }
    // Taking the layer out mends any row, so it is the last resort.
    candidates.push((
        t!(
            "fixes-remove-layer-n",
            n = n.to_string(),
            a1 = layer.label().to_string()
        ),
        Repair::Remove(here.clone()),
    ));
    candidates
        .into_iter()
        .filter_map(|(what, repair)| {
            let fixed = apply(net, &repair);
            let after = analyze(&fixed);
            // Removing the row leaves its successor at the same index.
            let first_ok = if matches!(repair, Repair::Remove(_)) {
                index
            } else {
                index + 1
            };
            if after.error_at.is_some_and(|e| e < first_ok) {
                return None;
            }
            // Inside a container the fix must mend the container itself.
            if path.len() > 1 && after.error_at == Some(index) {
                return None;
            }
            let effect = match (after.error_at, after.totals.params) {
                (None, Some(p)) => t!(
                    "fixes-network-valid-params",
                    a1 = (thousands(p)).to_string()
                ),
                (Some(e), _) => t!("fixes-this-row-valid-layer-still", a1 = (e + 1).to_string()),
                (None, None) => t!("fixes-network-valid").to_string(),
            };
            Some(Fix {
                what,
                effect,
                repair,
            })
        })
        .collect()
}

/// How far from the input size the search for one that works goes, each way.
pub const NEAREST_REACH: u64 = 64;

/// The input sizes nearest to the network's, below and above, at which the
/// whole network works: a U-Net at 65×65 works at 64×64 and 72×72, GPT-2 at
/// 1,025 tokens at 1,024. The image's height and width move together, a
/// sequence's length or a signal's; channels and features stay.
pub fn nearest_inputs(net: &Network) -> Vec<Shape> {
    let resized = |d: i64| -> Option<Shape> {
        let by = |n: u64| n.checked_add_signed(d).filter(|&m| m > 0);
        Some(match net.input {
            Shape::Image { c, h, w } => Shape::Image {
                c,
                h: by(h)?,
                w: by(w)?,
            },
            Shape::Flat(n) => Shape::Flat(by(n)?),
            Shape::Matrix { rows, cols } if crate::smallest::is_signal(net) => Shape::Matrix {
                rows,
                cols: by(cols)?,
            },
            Shape::Matrix { rows, cols } => Shape::Matrix {
                rows: by(rows)?,
                cols,
            },
            Shape::Volume { .. } => return None,
        })
    };
    let works = |shape: &Shape| {
        let tried = Network {
            input: *shape,
            ..net.clone()
        };
        analyze(&tried).error_at.is_none()
    };
    let reach = i64::try_from(NEAREST_REACH).unwrap_or(64);
    let below = (1..=reach).filter_map(|d| resized(-d)).find(works);
    let above = (1..=reach).filter_map(resized).find(works);
    below.into_iter().chain(above).collect()
}

/// An image typed with PyTorch's batch dimension in front (1, 3, 224, 224),
/// which reads as a volume: the image without it. (Three sizes from 1 are
/// a one-channel image, as LeNet's.)
fn without_batch(input: Shape) -> Option<Shape> {
    match input.to_vec().as_slice() {
        [1, rest @ ..] if rest.len() == 3 => Shape::from_dims(rest),
        _ => None,
    }
}

/// The network with the repair made.
pub fn apply(net: &Network, repair: &Repair) -> Network {
    let mut fixed = net.clone();
    match repair {
        Repair::Layer(p, layer) => {
            if let Some(slot) = fixed.layer_at_mut(p) {
                *slot = layer.clone();
            }
        }
        Repair::Remove(p) => {
            if let Some((&i, list)) = p.split_last()
                && let Some(list) = fixed.list_mut(list)
                && i < list.len()
            {
                list.remove(i);
            }
        }
        Repair::Input(shape) => fixed.input = *shape,
    }
    fixed
}

/// For an `add` whose branches disagree: make every other branch give what
/// the first (the body) gives, with a convolution on it (a 1×1 projection
/// with the right stride where one fits, as ResNet's downsampling skips);
/// or pad the body's windows so it keeps the image size, then project.
fn merge_fixes(
    layer: &Layer,
    row: &crate::engine::Row,
    first: Shape,
    here: &[usize],
    n: &str,
) -> Vec<(String, Repair)> {
    let outputs: Vec<Option<Shape>> = (0..layer.branches.len())
        .map(|b| match row.inner.get(b).and_then(|r| r.last()) {
            Some(r) => r.output,
            None => row.input,
        })
        .collect();
    let project = |layer: &mut Layer, target: Shape| -> Option<String> {
        let Shape::Image {
            c: filters,
            h: m,
            w: mw,
        } = target
        else {
            return None;
        };
        let mut described = None;
        for (b, out) in outputs.iter().enumerate().skip(1) {
            let Some(Shape::Image { h, w, .. }) = *out else {
                return None;
            };
            if *out == Some(target) {
                continue;
            }
            let ((sh, kh), (sw, kw)) = (window_for(h, m)?, window_for(w, mw)?);
            let conv = Layer {
                filters: crate::size::Size::new(filters)?,
                kernel: Hw { h: kh, w: kw },
                stride: Some(Hw { h: sh, w: sw }),
                bias: false,
                ..Layer::new(Kind::Conv2d)
            };
            described.get_or_insert(conv.label());
            let branch = layer.branches.get_mut(b)?;
            branch.push(conv);
            branch.push(Layer::new(Kind::BatchNorm));
        }
        described
    };
    let mut out = Vec::new();
    let mut projected = layer.clone();
    if let Some(label) = project(&mut projected, first) {
        out.push((
            t!("fixes-project-the-skip", n = n.to_string(), label = label),
            Repair::Layer(here.to_vec(), projected),
        ));
    }
    // Pad the body so it keeps the image, then project the channels.
    let mut padded = layer.clone();
    if let Some(body) = padded.branches.first_mut()
        && body
            .iter()
            .any(|l| l.kind.has_window() && l.padding != Padding::Same)
    {
        for l in body.iter_mut().filter(|l| l.kind.has_window()) {
            l.padding = Padding::Same;
        }
        let body_out = (|| {
            let mut shape = row.input?;
            for l in padded.branches.first()? {
                shape = crate::family::of(l.kind)
                    .step(l, shape, crate::network::Kernels::Full)
                    .ok()?
                    .output;
            }
            Some(shape)
        })();
        if let Some(target) = body_out {
            let label = project(&mut padded, target);
            let what = match label {
                Some(label) => t!(
                    "fixes-pad-the-body-and-project",
                    n = n.to_string(),
                    label = label
                ),
                None => t!("fixes-pad-the-body", n = n.to_string()),
            };
            out.push((what, Repair::Layer(here.to_vec(), padded)));
        }
    }
    out
}

/// The (stride, kernel) of a convolution without padding that turns `n`
/// pixels into `m`: the largest whole stride n / m, and the smallest kernel
/// that then gives exactly `m` (1 for ResNet's 56 → 28).
fn window_for(n: u64, m: u64) -> Option<(u64, u64)> {
    if m == 0 || m > n {
        return None;
    }
    let s = (n / m).max(1);
    let k = n.checked_sub(m.checked_mul(s)?)?.checked_add(1)?.max(1);
    // ⌊(n − k) / s⌋ + 1 = m
    ((n - k) / s + 1 == m).then_some((s, k))
}

/// The largest kernel, no larger than the current one, whose dilated span
/// fits the padded input on both axes; `None` if it would be the same.
fn largest_fitting_kernel(layer: &Layer, input: Hw, padding: Hw) -> Option<Hw> {
    let dilation = if layer.kind.is_conv() {
        layer.dilation
    } else {
        Hw::square(1)
    };
    // d·(k − 1) + 1 ≤ n + 2p  ⇔  k ≤ (n + 2p − 1) / d + 1
    let fit = |n: u64, p: u64, d: u64, k: u64| -> Option<u64> {
        let room = n.checked_add(p.checked_mul(2)?)?.checked_sub(1)?;
        Some((room / d).checked_add(1)?.min(k))
    };
    let kernel = Hw {
        h: fit(input.h, padding.h, dilation.h, layer.kernel.h)?,
        w: fit(input.w, padding.w, dilation.w, layer.kernel.w)?,
    };
    (kernel != layer.kernel).then_some(kernel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divisor_searches_end_on_sizes_past_2_to_the_40() {
        // 2^61 − 1 is prime: every number below 2^40 would have been tried.
        assert!(nearest_divisors(1 << 40, (1 << 61) - 1).is_empty());
        assert_eq!(nearest_divisors(5, 12), vec![4, 6]);
    }

    /// The fixes offered for the only layer of a one-layer network.
    fn offered(input: Shape, layer: Layer) -> Vec<String> {
        let net = Network {
            input,
            layers: vec![layer],
            ..Network::empty("one")
        };
        let a = analyze(&net);
        assert_eq!(a.error_at, Some(0), "the layer is red");
        fixes(&net, &a, &[0]).into_iter().map(|f| f.what).collect()
    }

    fn with(kind: Kind, settings: &[(crate::layer::Field, crate::layer::Value)]) -> Layer {
        let mut l = Layer::new(kind);
        for (f, v) in settings {
            f.set(&mut l, v).unwrap();
        }
        l
    }

    #[test]
    fn todays_red_rows_are_offered_the_nearest_setting_that_works() {
        use crate::layer::{Field as F, Value::Int};
        let image = Shape::Image { c: 96, h: 4, w: 4 };
        let seq = Shape::Matrix { rows: 16, cols: 30 };
        let fix = offered(image, with(Kind::GroupNorm, &[(F::Groups, Int(5))]));
        assert_eq!(
            fix[..2],
            ["set groups of layer 1 to 4", "set groups of layer 1 to 6"]
        );
        let fix = offered(seq, with(Kind::Attention, &[(F::Heads, Int(4))]));
        assert_eq!(
            fix[..2],
            ["set heads of layer 1 to 3", "set heads of layer 1 to 5"]
        );
        let fix = offered(
            seq,
            with(Kind::Attention, &[(F::Heads, Int(6)), (F::KvHeads, Int(4))]),
        );
        assert_eq!(
            fix[..2],
            [
                "set kv_heads of layer 1 to 3",
                "set kv_heads of layer 1 to 6"
            ]
        );
        let fix = offered(
            seq,
            with(Kind::Moe, &[(F::Experts, Int(8)), (F::TopK, Int(10))]),
        );
        assert_eq!(fix[0], "set top_k of layer 1 to 8");
        let fix = offered(
            Shape::Matrix { rows: 12, cols: 8 },
            with(Kind::ToImage, &[(F::Height, Int(5)), (F::Width, Int(4))]),
        );
        assert_eq!(fix[0], "fold layer 1 into 3×4");
        let fix = offered(
            Shape::Image { c: 16, h: 2, w: 2 },
            with(Kind::Slice, &[(F::Start, Int(8)), (F::End, Int(24))]),
        );
        assert_eq!(fix[0], "set end of layer 1 to 16");
    }

    #[test]
    fn every_fix_for_stride_two_lenet_makes_it_valid() {
        let net = crate::presets::load("lenet-stride2").unwrap();
        let analysis = analyze(&net);
        let offered = fixes(&net, &analysis, &[3]);
        let whats: Vec<&str> = offered.iter().map(|f| f.what.as_str()).collect();
        assert_eq!(
            whats,
            [
                "zero-pad layer 4 (\"same\")",
                "shrink layer 4's 2×2 window to 1×1",
                "set the stride of layer 3 (conv 5×5 ×16 s2 p0 relu) to 1",
                "set the stride of layer 2 (maxpool 2×2 s2 p0) to 1",
                "grow the input to 31×31×1, the smallest that fits",
                "remove layer 4 (maxpool 2×2 s2 p0)",
            ]
        );
        for fix in &offered {
            let after = analyze(&apply(&net, &fix.repair));
            assert_eq!(
                after.error_at, None,
                "{} leaves the network valid",
                fix.what
            );
            assert!(fix.effect.starts_with("network valid, "), "{}", fix.effect);
        }
    }

    /// 1, 3, 224, 224 is PyTorch's input with its batch: read as a volume,
    /// it breaks the first convolution, and dropping the 1 mends it; LeNet's
    /// one channel of 1, 28, 28 is no batch.
    #[test]
    fn an_input_with_a_batch_dimension_is_offered_without_it() {
        let mut net = crate::presets::load("resnet18").unwrap();
        net.input = Shape::Volume {
            c: 1,
            d: 3,
            h: 224,
            w: 224,
        };
        let a = analyze(&net);
        let fixes = fixes(&net, &a, &[0]);
        let drop = fixes
            .iter()
            .find(|f| f.what == "drop the batch dimension (the leading 1): input 224×224×3")
            .unwrap_or_else(|| panic!("{fixes:?}"));
        assert_eq!(
            drop.repair,
            Repair::Input(Shape::Image {
                c: 3,
                h: 224,
                w: 224
            })
        );
        assert_eq!(without_batch(Shape::Image { c: 1, h: 28, w: 28 }), None);
    }

    #[test]
    fn a_valid_row_has_no_fixes() {
        let net = crate::presets::load("lenet").unwrap();
        assert!(fixes(&net, &analyze(&net), &[0]).is_empty());
    }
}
