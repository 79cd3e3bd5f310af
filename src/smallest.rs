//! Which input sizes a network accepts: the smallest height and width for
//! which no window has shrunk too far, found by walking the layers backwards.
//!
//! Each spatial axis is independent and a window's output size grows with
//! its input, so the requirement "at least 1 pixel out of the last window"
//! can be carried back layer by layer: each window layer turns "at least
//! `need` out" into "at least `n` in" for the smallest such `n`.

use crate::engine::{Axis, AxisFit, AxisRule, axes};
use crate::family::transpose_axis;
use crate::family::{Reduce, Spatial};
use crate::layer::{Hw, Kind, Layer};
use crate::network::{Kernels, Network, Shape};

/// The smallest input for which every layer can be computed: no conv or
/// pooling window larger than what is left of the image (the signal's
/// length, the volume's depth, height and width), and every merge's
/// branches agreeing. Channels stay as they are. `None` for a vector or a
/// sequence (any length from 1 up will do, or none), when no size works
/// (a merge whose branches never agree), or when the answer would pass 2^64.
pub fn smallest_valid_input(net: &Network) -> Option<Shape> {
    smallest_within(net, u64::MAX)
}

/// The spatial sizes of `input` as the search sees them: [depth, height,
/// width], with 1 for axes the input does not have. A signal's length is
/// its width. `None` where no window slides (vectors, sequences).
fn spatial(net: &Network) -> Option<[u64; 3]> {
    match net.input {
        Shape::Image { h, w, .. } => Some([1, h, w]),
        Shape::Volume { d, h, w, .. } => Some([d, h, w]),
        Shape::Matrix { cols, .. } if is_signal(net) => Some([1, 1, cols]),
        _ => None,
    }
}

/// `input` with its spatial sizes set to `dims` ([depth, height, width]).
fn with_spatial(input: Shape, [d, h, w]: [u64; 3]) -> Shape {
    match input {
        Shape::Image { c, .. } => Shape::Image { c, h, w },
        Shape::Volume { c, .. } => Shape::Volume { c, d, h, w },
        Shape::Matrix { rows, .. } => Shape::Matrix { rows, cols: w },
        flat => flat,
    }
}

/// Whether a 2-D input is a signal for conv1d and 1-D pooling rather than
/// a sequence: a 1-D window reads it.
pub fn is_signal(net: &Network) -> bool {
    let mut signal = false;
    for layer in &net.layers {
        layer.walk(&mut |l| signal |= l.kind.window_axes() == 1);
    }
    signal
}

/// Whether `input` is smaller than `min` along some spatial axis.
pub fn too_small(input: Shape, min: Shape) -> bool {
    let (a, b) = (input.to_vec(), min.to_vec());
    a.len() == b.len() && a.iter().zip(&b).any(|(x, y)| x < y)
}

/// `input` grown to at least `min` along every axis.
pub fn grown_to(input: Shape, min: Shape) -> Shape {
    let (a, b) = (input.to_vec(), min.to_vec());
    if a.len() != b.len() {
        return input;
    }
    let dims: Vec<u64> = a.iter().zip(&b).map(|(x, y)| *x.max(y)).collect();
    Shape::from_dims(&dims).unwrap_or(input)
}

/// The spatial size of a shape for messages: `16×16` for an image, `23`
/// for a signal's length, `3×16×16` for a volume.
pub fn size_text(shape: Shape) -> String {
    match shape {
        Shape::Image { h, w, .. } => format!("{h}×{w}"),
        Shape::Volume { d, h, w, .. } => format!("{d}×{h}×{w}"),
        Shape::Matrix { cols, .. } => cols.to_string(),
        Shape::Flat(n) => n.to_string(),
    }
}

/// `smallest_valid_input`, looking at most `budget` layers through (summed
/// over the sizes tried) where branches must meet: `None` also when the
/// budget runs out first. The explorer asks this on every keystroke with a
/// budget that keeps it well inside a frame; `summary` asks without one.
pub fn smallest_within(net: &Network, mut budget: u64) -> Option<Shape> {
    spatial(net)?;
    let merges = net.layers.iter().any(has_merge);
    // Where branches must meet, sizes are tried in turn below: only if the
    // budget covers one try at least.
    let most = usize::try_from(budget).unwrap_or(usize::MAX);
    if merges && !crate::layer::count_within(&net.layers, most) {
        return None;
    }
    let need = need_before(&net.layers, [1, 1, 1])?;
    if !merges {
        // Each window alone decides, and the walk back found the least.
        return Some(with_spatial(net.input, need));
    }
    // Branches must also meet: a U-Net's skip joins only sizes its pooling
    // divides evenly. Sizes at or above the windows' least are tried in turn.
    for k in 0..MERGE_SEARCH {
        let [d, h, w] = need;
        let input = with_spatial(
            net.input,
            [d.checked_add(k)?, h.checked_add(k)?, w.checked_add(k)?],
        );
        match flows(&net.layers, input, net.kernels, &mut budget) {
            Flow::Through(_) => return Some(input),
            Flow::Broken => {}
            Flow::OutOfBudget => return None,
        }
    }
    None
}

enum Flow {
    Through(Shape),
    Broken,
    OutOfBudget,
}

/// What leaves `layers` on `input`: the engine's shape rules without its
/// rows and sums, as the search tries many sizes.
fn flows(layers: &[Layer], mut shape: Shape, kernels: Kernels, budget: &mut u64) -> Flow {
    for layer in layers {
        match through(layer, shape, kernels, budget) {
            Flow::Through(next) => shape = next,
            other => return other,
        }
    }
    Flow::Through(shape)
}

fn through(layer: &Layer, shape: Shape, kernels: Kernels, budget: &mut u64) -> Flow {
    let Some(left) = budget.checked_sub(1) else {
        return Flow::OutOfBudget;
    };
    *budget = left;
    match layer.spatial() {
        Spatial::Block => {
            let body = layer.branches.first().map_or(&[][..], Vec::as_slice);
            let mut shape = shape;
            for _ in 0..layer.repeat.get() {
                match flows(body, shape, kernels, budget) {
                    // Later repetitions compute the same.
                    Flow::Through(next) if next == shape => break,
                    Flow::Through(next) => shape = next,
                    other => return other,
                }
            }
            Flow::Through(shape)
        }
        Spatial::Merge(_) => {
            let mut outs = Vec::with_capacity(layer.branches.len());
            for branch in &layer.branches {
                match flows(branch, shape, kernels, budget) {
                    Flow::Through(out) => outs.push(out),
                    other => return other,
                }
            }
            match crate::family::merged(layer.kind, &outs) {
                Ok(out) => Flow::Through(out),
                Err(_) => Flow::Broken,
            }
        }
        Spatial::Pointwise
        | Spatial::Window { .. }
        | Spatial::Transpose
        | Spatial::Upsample
        | Spatial::Adaptive
        | Spatial::ZeroPad
        | Spatial::PixelShuffle
        | Spatial::Ends => match crate::family::of(layer.kind).step(layer, shape, kernels) {
            Ok(step) => Flow::Through(step.output),
            Err(_) => Flow::Broken,
        },
    }
}

/// How far past the windows' least size to look for one where every merge
/// agrees: enough for five halvings (a U-Net's 32).
const MERGE_SEARCH: u64 = 64;

/// Repetitions of a block walked back one by one, as many as the engine
/// computes at most.
const UNROLL: u64 = 1_000_000;

fn has_merge(layer: &Layer) -> bool {
    layer.kind.is_merge() || layer.children().any(has_merge)
}

/// [depth, height, width]: what must leave a layer, or reach it. A
/// signal's length is its width; axes a tensor lacks stay 1.
type Need = [u64; 3];

/// What `layers` need to receive so that at least `need` leaves them,
/// walking back from the last layer.
fn need_before(layers: &[Layer], mut need: Need) -> Option<Need> {
    for layer in layers.iter().rev() {
        need = need_through(layer, need)?;
    }
    Some(need)
}

fn need_through(layer: &Layer, need: Need) -> Option<Need> {
    let [d, h, w] = need;
    match layer.spatial() {
        Spatial::Window { axes: 1, .. } => {
            let probe = Shape::Matrix { rows: 1, cols: 1 };
            let (_, axes) = crate::family::nd_window_axes(layer, probe).ok()?;
            Some([d, h, smallest_input(axes[0].1, w)?])
        }
        Spatial::Window { axes: 3, pool } => {
            let probe = Shape::Volume {
                c: 1,
                d: 1,
                h: 1,
                w: 1,
            };
            let (_, axes) = crate::family::nd_window_axes(layer, probe).ok()?;
            // avg_pool3d also wants the unpadded input to hold the window.
            let least = |a: Axis, need| {
                let n = smallest_input(a, need)?;
                Some(match pool {
                    Some(Reduce::Avg) => n.max(a.kernel),
                    Some(Reduce::Max) | None => n,
                })
            };
            Some([
                least(axes[0].1, d)?,
                least(axes[1].1, h)?,
                least(axes[2].1, w)?,
            ])
        }
        // Past these the map is gone (or sized by the layer): any input
        // of size 1 gets through.
        Spatial::Ends | Spatial::Adaptive => Some([1, 1, 1]),
        Spatial::Merge(_) | Spatial::Block => container_need(layer, need),
        Spatial::Pointwise => Some(need),
        Spatial::Window { .. }
        | Spatial::Transpose
        | Spatial::Upsample
        | Spatial::PixelShuffle
        | Spatial::ZeroPad => {
            let plane = need_in_plane(layer, Hw { h, w })?;
            Some([d, plane.h, plane.w])
        }
    }
}

/// What a container needs to receive so that `need` leaves it.
fn container_need(layer: &Layer, need: Need) -> Option<Need> {
    if layer.kind.spatial() == Spatial::Block {
        let body = layer.branches.first().map_or(&[][..], Vec::as_slice);
        // The last repetition must leave `need`; each one before it must
        // leave what the next needs. Once the need stops changing, the
        // repetitions before ask the same.
        let repeat = layer.repeat.get();
        let mut need = need;
        let mut settled = false;
        for _ in 0..repeat.min(UNROLL) {
            let before = need_before(body, need)?;
            settled = before == need;
            if settled {
                break;
            }
            need = before;
        }
        // The engine refuses a block still changing past this many.
        if !settled && repeat > UNROLL {
            return None;
        }
        return Some(need);
    }
    let mut most = [1, 1, 1];
    for branch in &layer.branches {
        let n = need_before(branch, need)?;
        for (m, x) in most.iter_mut().zip(n) {
            *m = (*m).max(x);
        }
    }
    Some(most)
}

/// What a 2-D layer needs of the height and width it receives.
fn need_in_plane(layer: &Layer, need: Hw) -> Option<Hw> {
    let per_axis = |f: &dyn Fn(u64, usize) -> Option<u64>| -> Option<Hw> {
        Some(Hw {
            h: f(need.h, 0)?,
            w: f(need.w, 1)?,
        })
    };
    Some(match layer.spatial() {
        Spatial::Window { .. } => {
            let [ah, aw] = axes(layer, Hw::square(1));
            Hw {
                h: smallest_input(ah, need.h)?,
                w: smallest_input(aw, need.w)?,
            }
        }
        Spatial::PixelShuffle => {
            let r = layer.extra.factor.get();
            Hw {
                h: need.h.div_ceil(r),
                w: need.w.div_ceil(r),
            }
        }
        Spatial::Upsample => per_axis(&|n, a| {
            let s = if a == 0 { layer.scale.h } else { layer.scale.w };
            Some(n.div_ceil(s))
        })?,
        Spatial::ZeroPad => {
            let s = layer.sides;
            Hw {
                h: need.h.saturating_sub(s.top.saturating_add(s.bottom)).max(1),
                w: need.w.saturating_sub(s.left.saturating_add(s.right)).max(1),
            }
        }
        Spatial::Transpose => per_axis(&|n, a| {
            let pick = |hw: Hw| if a == 0 { hw.h } else { hw.w };
            let pad = match layer.padding {
                crate::layer::Padding::Explicit(p) => pick(p),
                _ => 0,
            };
            let (k, s, d, op) = (
                pick(layer.kernel),
                pick(layer.stride()),
                pick(layer.dilation),
                pick(layer.output_padding),
            );
            // The output grows with the input: search up from 1.
            let gives = |i: u64| transpose_axis(i, k, s, pad, d, op).is_some_and(|o| o >= n);
            let (mut lo, mut hi) = (1u64, n.max(1).checked_add(pad.checked_mul(2)?)?);
            if !gives(hi) {
                return None;
            }
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if gives(mid) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            Some(hi)
        })?,
        Spatial::Pointwise
        | Spatial::Adaptive
        | Spatial::Ends
        | Spatial::Merge(_)
        | Spatial::Block => need,
    })
}

/// The smallest input (≥ 1) for which this axis gives at least `need` outputs.
fn smallest_input(axis: Axis, need: u64) -> Option<u64> {
    let span = axis.span()?;
    let stride = axis.stride;
    let fits =
        |n: u64| matches!(Axis { input: n, ..axis }.output(), AxisFit::Fits(o) if o.size >= need);
    let upper = match axis.rule {
        // ⌈n / s⌉ ≥ need
        AxisRule::Same => return (need - 1).checked_mul(stride)?.checked_add(1),
        // ⌊(n + 2p − span) / s⌋ + 1 ≥ need: enough for ceil_mode as well,
        // which never gives fewer outputs than rounding down.
        AxisRule::Explicit { pad, .. } => {
            let floor_need = (need - 1).checked_mul(stride)?.checked_add(span)?;
            floor_need.saturating_sub(pad.checked_mul(2)?).max(1)
        }
    };
    if !fits(upper) {
        return None;
    }
    // Rounding down, the least input is exactly that.
    if matches!(axis.rule, AxisRule::Explicit { ceil: false, .. }) {
        return Some(upper);
    }
    // With ceil_mode a smaller input may do: output size is monotone in the
    // input, so search between 1 and the floor-mode answer.
    let (mut lo, mut hi) = (1, upper);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if fits(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Some(hi)
}

/// The input of `net` with its length or side set to `n`: what `--input N`,
/// `sweep` and the explorer's `[ ] { }` change. An image's height and
/// width, a volume's height and width (its depth kept), a signal's length,
/// a sequence's positions, a token sequence's length. `None` for a vector
/// of features, which has no size to sweep.
pub fn with_length(net: &Network, n: u64) -> Option<Shape> {
    Some(match net.input {
        Shape::Image { c, .. } => Shape::Image { c, h: n, w: n },
        Shape::Volume { c, d, .. } => Shape::Volume { c, d, h: n, w: n },
        Shape::Matrix { rows, .. } if is_signal(net) => Shape::Matrix { rows, cols: n },
        Shape::Matrix { cols, .. } => Shape::Matrix { rows: n, cols },
        Shape::Flat(_) if reads_tokens(net) => Shape::Flat(n),
        Shape::Flat(_) => return None,
    })
}

/// Whether the network reads a sequence (token ids or positions of
/// features) whose length is its context.
pub fn has_context(net: &Network) -> bool {
    match net.input {
        Shape::Flat(_) => reads_tokens(net),
        Shape::Matrix { .. } => !is_signal(net),
        Shape::Image { .. } | Shape::Volume { .. } => false,
    }
}

/// The length `with_length` changes, as it is now.
pub fn length(net: &Network) -> Option<u64> {
    Some(match net.input {
        Shape::Image { h, .. } | Shape::Volume { h, .. } => h,
        Shape::Matrix { cols, .. } if is_signal(net) => cols,
        Shape::Matrix { rows, .. } => rows,
        Shape::Flat(n) if reads_tokens(net) => n,
        Shape::Flat(_) => return None,
    })
}

/// Whether a vector input is a sequence of token ids: an embedding reads it.
fn reads_tokens(net: &Network) -> bool {
    net.layers
        .first()
        .is_some_and(|l| l.kind == Kind::Embedding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::analyze;

    fn lenet() -> Network {
        crate::presets::load("lenet").unwrap()
    }

    #[test]
    fn lenet_needs_at_least_16_by_16() {
        // 16 → conv5 → 12 → pool → 6 → conv5 → 2 → pool → 1; padded: 4 → 4 → 2 → 2 → 1.
        let image = |side| {
            Some(Shape::Image {
                c: 1,
                h: side,
                w: side,
            })
        };
        assert_eq!(smallest_valid_input(&lenet()), image(16));
        assert_eq!(
            smallest_valid_input(&crate::presets::load("lenet-padded").unwrap()),
            image(4)
        );
    }

    #[test]
    fn stride_two_lenet_needs_more_than_28() {
        let net = crate::presets::load("lenet-stride2").unwrap();
        let min = smallest_valid_input(&net).unwrap();
        assert_eq!(size_text(min), "31×31");
        let sized = |n| Network {
            input: with_length(&net, n).unwrap(),
            ..net.clone()
        };
        assert!(analyze(&sized(31)).error_at.is_none());
        assert!(analyze(&sized(30)).error_at.is_some());
    }
}
