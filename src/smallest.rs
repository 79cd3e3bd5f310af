//! Which input sizes a network accepts: the smallest height and width for
//! which no window has shrunk too far, found by walking the layers backwards.
//!
//! Each spatial axis is independent and a window's output size grows with
//! its input, so the requirement "at least 1 pixel out of the last window"
//! can be carried back layer by layer: each window layer turns "at least
//! `need` out" into "at least `n` in" for the smallest such `n`.

use crate::engine::{Axis, AxisFit, AxisRule, axes};
use crate::layer::{Hw, Kind};
use crate::network::{Network, Shape};

/// The smallest input height and width for which no conv or pooling window
/// is larger than what is left of the image. `None` for a flat input, or
/// when the answer would pass 2^64.
pub fn smallest_valid_input(net: &Network) -> Option<Hw> {
    let Shape::Image { .. } = net.input else {
        return None;
    };
    let mut need = Hw::square(1);
    for layer in net.layers.iter().rev() {
        match layer.kind {
            // Past these the image is gone: any 1×1 image gets through.
            Kind::Flatten | Kind::GlobalAvgPool => need = Hw::square(1),
            k if k.has_window() => {
                let [ah, aw] = axes(layer, Hw::square(1));
                need = Hw {
                    h: smallest_input(ah, need.h)?,
                    w: smallest_input(aw, need.w)?,
                };
            }
            _ => {}
        }
    }
    Some(need)
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
    // With ceil_mode a smaller input may do: output size is monotone in the
    // input, so search between 1 and the floor-mode answer.
    let (mut lo, mut hi) = (1, upper);
    if !fits(hi) {
        return None;
    }
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
