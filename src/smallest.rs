//! Which input sizes a network accepts: the smallest height and width for
//! which no window has shrunk too far, found by walking the layers backwards.
//!
//! Each spatial axis is independent and a window's output size grows with
//! its input, so the requirement "at least 1 pixel out of the last window"
//! can be carried back layer by layer: each window layer turns "at least
//! `need` out" into "at least `n` in" for the smallest such `n`.

use crate::engine::{Axis, AxisFit, AxisRule, axes};
use crate::family::transpose_axis;
use crate::layer::{Hw, Kind, Layer};
use crate::network::{Kernels, Network, Shape};

/// The smallest input height and width for which every layer can be
/// computed: no conv or pooling window larger than what is left of the
/// image, and every merge's branches agreeing. `None` for a flat input, when
/// no size works (a merge whose branches never agree), or when the answer
/// would pass 2^64.
pub fn smallest_valid_input(net: &Network) -> Option<Hw> {
    smallest_within(net, u64::MAX)
}

/// `smallest_valid_input`, looking at most `budget` layers through (summed
/// over the sizes tried) where branches must meet: `None` also when the
/// budget runs out first. The explorer asks this on every keystroke with a
/// budget that keeps it well inside a frame; `summary` asks without one.
pub fn smallest_within(net: &Network, mut budget: u64) -> Option<Hw> {
    let Shape::Image { c, .. } = net.input else {
        return None;
    };
    let merges = net.layers.iter().any(has_merge);
    // Where branches must meet, sizes are tried in turn below: only if the
    // budget covers one try at least.
    if merges && budget < net.layers.iter().map(Layer::count).sum::<usize>() as u64 {
        return None;
    }
    let need = need_before(&net.layers, Hw::square(1))?;
    if !merges {
        // Each window alone decides, and the walk back found the least.
        return Some(need);
    }
    // Branches must also meet: a U-Net's skip joins only sizes its pooling
    // divides evenly. Sizes at or above the windows' least are tried in turn.
    for k in 0..MERGE_SEARCH {
        let hw = Hw {
            h: need.h.checked_add(k)?,
            w: need.w.checked_add(k)?,
        };
        let input = Shape::Image {
            c,
            h: hw.h,
            w: hw.w,
        };
        match flows(&net.layers, input, net.kernels, &mut budget) {
            Flow::Through(_) => return Some(hw),
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
    match layer.kind {
        Kind::Block => {
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
        k if k.is_merge() => {
            let mut outs = Vec::with_capacity(layer.branches.len());
            for branch in &layer.branches {
                match flows(branch, shape, kernels, budget) {
                    Flow::Through(out) => outs.push(out),
                    other => return other,
                }
            }
            match crate::family::merged(k, &outs) {
                Ok(out) => Flow::Through(out),
                Err(_) => Flow::Broken,
            }
        }
        k => match crate::family::of(k).step(layer, shape, kernels) {
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

/// What `layers` need to receive so that at least `need` leaves them,
/// walking back from the last layer.
fn need_before(layers: &[Layer], mut need: Hw) -> Option<Hw> {
    for layer in layers.iter().rev() {
        need = need_through(layer, need)?;
    }
    Some(need)
}

fn need_through(layer: &Layer, need: Hw) -> Option<Hw> {
    let per_axis = |f: &dyn Fn(u64, usize) -> Option<u64>| -> Option<Hw> {
        Some(Hw {
            h: f(need.h, 0)?,
            w: f(need.w, 1)?,
        })
    };
    Some(match layer.kind {
        // Past these the image is gone (or sized by the layer): any 1×1
        // image gets through.
        Kind::Flatten | Kind::GlobalAvgPool | Kind::AdaptiveAvgPool | Kind::AdaptiveMaxPool => {
            Hw::square(1)
        }
        k if k.has_window() => {
            let [ah, aw] = axes(layer, Hw::square(1));
            Hw {
                h: smallest_input(ah, need.h)?,
                w: smallest_input(aw, need.w)?,
            }
        }
        Kind::Upsample => per_axis(&|n, a| {
            let s = if a == 0 { layer.scale.h } else { layer.scale.w };
            Some(n.div_ceil(s))
        })?,
        Kind::ZeroPad => {
            let s = layer.sides;
            Hw {
                h: need.h.saturating_sub(s.top.saturating_add(s.bottom)).max(1),
                w: need.w.saturating_sub(s.left.saturating_add(s.right)).max(1),
            }
        }
        Kind::ConvTranspose2d => per_axis(&|n, a| {
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
        Kind::Block => {
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
            need
        }
        k if k.is_merge() => {
            let mut most = Hw::square(1);
            for branch in &layer.branches {
                let n = need_before(branch, need)?;
                most = Hw {
                    h: most.h.max(n.h),
                    w: most.w.max(n.w),
                };
            }
            most
        }
        _ => need,
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

/// For `sweep`: a square input of side `n` with `input`'s channels (a flat
/// input stays as it is).
pub fn with_side(input: Shape, n: u64) -> Shape {
    match input {
        Shape::Image { c, .. } => Shape::Image { c, h: n, w: n },
        flat => flat,
    }
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
        assert_eq!(smallest_valid_input(&lenet()), Some(Hw::square(16)));
        assert_eq!(
            smallest_valid_input(&crate::presets::load("lenet-padded").unwrap()),
            Some(Hw::square(4))
        );
    }

    #[test]
    fn stride_two_lenet_needs_more_than_28() {
        let net = crate::presets::load("lenet-stride2").unwrap();
        let min = smallest_valid_input(&net).unwrap();
        assert_eq!(min, Hw::square(31));
        let sized = |n| Network {
            input: with_side(net.input, n),
            ..net.clone()
        };
        assert!(analyze(&sized(31)).error_at.is_none());
        assert!(analyze(&sized(30)).error_at.is_some());
    }
}
