//! Sliding windows (convolution and pooling) along one axis: PyTorch's
//! output-size rule for integer padding and `ceil_mode`, TensorFlow's for
//! `"same"`, and how the receptive field grows through them.

use super::{Problem, ReceptiveField};
use crate::family::Spatial;
use crate::layer::{Hw, Kind, Layer, Padding, UpsampleMode};
use crate::network::Shape;

/// One spatial axis of a sliding window, as the engine and `explain` see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Axis {
    pub input: u64,
    pub kernel: u64,
    pub stride: u64,
    pub dilation: u64,
    pub rule: AxisRule,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AxisRule {
    /// PyTorch: `pad` zeros each side; `ceil` rounds up (pooling's `ceil_mode`).
    Explicit { pad: u64, ceil: bool },
    /// Keras/TensorFlow `"same"`.
    Same,
}

/// Whether a window fits along one axis, and what it computes to if so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AxisFit {
    Fits(AxisOutput),
    /// The padded input is smaller than the window's span.
    TooSmall,
    /// A number went past 2^64.
    Overflow,
}

/// What one axis of a window computes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AxisOutput {
    pub size: u64,
    /// Input pixels past the last window.
    pub dropped: u64,
    /// PyTorch's `ceil_mode` dropped a last window that would start in the padding.
    pub ceil_dropped_last: bool,
    /// Zeros the windows reach before and after the input: what a framework
    /// without `"same"` or `ceil_mode` must pad to compute the same windows.
    pub pad: (u64, u64),
}

impl Axis {
    /// The window's span after dilation: d·(k − 1) + 1.
    pub fn span(&self) -> Option<u64> {
        self.dilation.checked_mul(self.kernel - 1)?.checked_add(1)
    }

    /// The output size, or why there is none.
    pub fn output(&self) -> AxisFit {
        let Some(span) = self.span() else {
            return AxisFit::Overflow;
        };
        let (s, input) = (self.stride, self.input);
        match self.rule {
            AxisRule::Same => {
                let size = input.div_ceil(s);
                // TensorFlow puts the smaller half of the padding first.
                let covered = (size - 1).checked_mul(s).and_then(|x| x.checked_add(span));
                let Some(covered) = covered else {
                    return AxisFit::Overflow;
                };
                let pad_total = covered.saturating_sub(input);
                let pad_before = pad_total / 2;
                let dropped = (pad_before + input).saturating_sub(covered);
                AxisFit::Fits(AxisOutput {
                    size,
                    dropped,
                    ceil_dropped_last: false,
                    pad: (pad_before, pad_total - pad_before),
                })
            }
            AxisRule::Explicit { pad, ceil } => {
                let Some(padded) = pad.checked_mul(2).and_then(|p| p.checked_add(input)) else {
                    return AxisFit::Overflow;
                };
                // PyTorch's pooling_output_shape: ⌊(padded − span + (s − 1 if
                // ceil)) / s⌋ + 1, rounding toward −∞, and at least 1. With
                // ceil_mode the window may overhang an input smaller than it.
                let extra = if ceil { s - 1 } else { 0 };
                let room = i128::from(padded) - i128::from(span) + i128::from(extra);
                let size = room.div_euclid(i128::from(s)) + 1;
                if size < 1 {
                    return AxisFit::TooSmall;
                }
                // size ≤ padded + 1: it fits in a u64.
                let mut size = size as u64;
                let mut ceil_dropped_last = false;
                // PyTorch: with ceil_mode the last window must start inside the
                // image or its left padding, not in the right padding.
                if ceil
                    && (size - 1)
                        .checked_mul(s)
                        .is_none_or(|start| start >= input + pad)
                {
                    size -= 1;
                    ceil_dropped_last = true;
                }
                let covered = ((size - 1) * s).saturating_add(span);
                let dropped = (pad + input).saturating_sub(covered);
                // With ceil_mode the last window may hang past the right padding.
                let after = covered.saturating_sub(input + pad).max(pad);
                AxisFit::Fits(AxisOutput {
                    size,
                    dropped,
                    ceil_dropped_last,
                    pad: (pad, after),
                })
            }
        }
    }
}

/// The two axes of a conv or pooling layer on an input of `hw`.
pub fn axes(layer: &Layer, hw: Hw) -> [Axis; 2] {
    let stride = layer.stride();
    let dilation = if layer.kind.is_conv() {
        layer.dilation
    } else {
        Hw::square(1)
    };
    let ceil = layer.kind.is_pool() && layer.ceil_mode;
    let rule = |pad: fn(Hw) -> u64| match layer.padding {
        Padding::Same => AxisRule::Same,
        Padding::Valid => AxisRule::Explicit { pad: 0, ceil },
        Padding::Explicit(p) => AxisRule::Explicit { pad: pad(p), ceil },
    };
    [
        Axis {
            input: hw.h,
            kernel: layer.kernel.h,
            stride: stride.h,
            dilation: dilation.h,
            rule: rule(|p| p.h),
        },
        Axis {
            input: hw.w,
            kernel: layer.kernel.w,
            stride: stride.w,
            dilation: dilation.w,
            rule: rule(|p| p.w),
        },
    ]
}

pub(super) fn window_output(layer: &Layer, hw: Hw) -> Result<(AxisOutput, AxisOutput), Problem> {
    let too_large = Problem::TooLarge { what: "window" };
    if layer.kind.is_pool()
        && let Padding::Explicit(p) = layer.padding
        && (p.h > layer.kernel.h / 2 || p.w > layer.kernel.w / 2)
    {
        return Err(Problem::PoolPadding {
            padding: p,
            kernel: layer.kernel,
        });
    }
    let [ah, aw] = axes(layer, hw);
    match (ah.output(), aw.output()) {
        (AxisFit::Fits(h), AxisFit::Fits(w)) => Ok((h, w)),
        (AxisFit::TooSmall, _) | (_, AxisFit::TooSmall) => Err(Problem::ShrunkTooFar {
            input: hw,
            padding: match layer.padding {
                Padding::Explicit(p) => p,
                _ => Hw::square(0),
            },
            kernel: layer.kernel,
            span: Hw {
                h: ah.span().ok_or(too_large)?,
                w: aw.span().ok_or(too_large)?,
            },
            pooling: layer.kind.is_pool(),
        }),
        _ => Err(too_large),
    }
}

pub(super) fn next_receptive_field(
    rf: ReceptiveField,
    layer: &Layer,
    input: Shape,
    output: Shape,
) -> Result<ReceptiveField, Problem> {
    let ReceptiveField::Local { size, jump } = rf else {
        return Ok(ReceptiveField::Global);
    };
    if !matches!(output, Shape::Image { .. }) {
        return Ok(ReceptiveField::Global);
    }
    let too_large = Problem::TooLarge {
        what: "receptive field",
    };
    let widen = |by: Hw, jump: Hw| -> Result<ReceptiveField, Problem> {
        let grow = |size: u64, by: u64, jump: u64| size.checked_add(by.checked_mul(jump)?);
        Ok(ReceptiveField::Local {
            size: Hw {
                h: grow(size.h, by.h, jump.h).ok_or(too_large)?,
                w: grow(size.w, by.w, jump.w).ok_or(too_large)?,
            },
            jump,
        })
    };
    // Layers that make the image larger bring neighbouring outputs closer:
    // the jump shrinks by the scale (kept whole, at least one pixel).
    let closer = |by: Hw| Hw {
        h: (jump.h / by.h).max(1),
        w: (jump.w / by.w).max(1),
    };
    match layer.spatial() {
        // Each output of a transposed convolution gathers ⌈span / s⌉
        // neighbouring inputs.
        Spatial::Transpose => {
            let span = |k: u64, d: u64| d.checked_mul(k - 1).and_then(|n| n.checked_add(1));
            let (k, d, s) = (layer.kernel, layer.dilation, layer.stride());
            let sh = span(k.h, d.h).ok_or(too_large)?;
            let sw = span(k.w, d.w).ok_or(too_large)?;
            let by = Hw {
                h: sh.div_ceil(s.h) - 1,
                w: sw.div_ceil(s.w) - 1,
            };
            widen(by, jump).map(|rf| match rf {
                ReceptiveField::Local { size, .. } => ReceptiveField::Local {
                    size,
                    jump: closer(s),
                },
                global => global,
            })
        }
        // Nearest copies a pixel; bilinear blends two neighbours on each axis.
        Spatial::Upsample => {
            let by = match layer.mode {
                UpsampleMode::Bilinear => Hw::square(1),
                UpsampleMode::Nearest => Hw::square(0),
            };
            widen(by, jump).map(|rf| match rf {
                ReceptiveField::Local { size, .. } => ReceptiveField::Local {
                    size,
                    jump: closer(layer.scale),
                },
                global => global,
            })
        }
        // Each output pixel reads one input pixel (across r² channels).
        Spatial::PixelShuffle => {
            let r = Hw::square(layer.extra.factor.get());
            widen(Hw::square(0), jump).map(|rf| match rf {
                ReceptiveField::Local { size, .. } => ReceptiveField::Local {
                    size,
                    jump: closer(r),
                },
                global => global,
            })
        }
        Spatial::Adaptive => {
            let (Shape::Image { h, w, .. }, Shape::Image { h: oh, w: ow, .. }) = (input, output)
            else {
                return Ok(rf);
            };
            if (oh, ow) == (1, 1) {
                return Ok(ReceptiveField::Global);
            }
            // The widest window PyTorch picks spans ⌈in / out⌉ + 1 pixels at
            // most; an upsample to a size copies one pixel (nearest) or
            // blends two neighbours (bilinear).
            let by = match (layer.kind, layer.mode) {
                (Kind::Upsample, UpsampleMode::Nearest) => Hw::square(0),
                (Kind::Upsample, UpsampleMode::Bilinear) => Hw::square(1),
                _ => Hw {
                    h: h.div_ceil(oh),
                    w: w.div_ceil(ow),
                },
            };
            widen(by, jump)
        }
        Spatial::Window { axes: 2, .. } => window_field(layer, size, jump),
        // 1-D and 3-D windows do not leave an image.
        Spatial::Window { .. } => Ok(ReceptiveField::Global),
        // Zeros and per-pixel layers change no pixel's view.
        Spatial::Pointwise | Spatial::ZeroPad => Ok(rf),
        Spatial::Ends => Ok(ReceptiveField::Global),
        // Containers follow their layers (`engine::tree`).
        Spatial::Merge(_) | Spatial::Block => Ok(rf),
    }
}

/// The field after a 2-D conv or pooling window.
fn window_field(layer: &Layer, size: Hw, jump: Hw) -> Result<ReceptiveField, Problem> {
    let too_large = Problem::TooLarge {
        what: "receptive field",
    };
    let [ah, aw] = axes(layer, Hw::square(1));
    // Each layer widens the field by (span − 1) steps of the incoming jump.
    let grow = |size: u64, jump: u64, axis: Axis| -> Option<(u64, u64)> {
        let widened = size.checked_add(axis.span()?.checked_sub(1)?.checked_mul(jump)?)?;
        Some((widened, jump.checked_mul(axis.stride)?))
    };
    let (sh, jh) = grow(size.h, jump.h, ah).ok_or(too_large)?;
    let (sw, jw) = grow(size.w, jump.w, aw).ok_or(too_large)?;
    Ok(ReceptiveField::Local {
        size: Hw { h: sh, w: sw },
        jump: Hw { h: jh, w: jw },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(input: u64, kernel: u64, stride: u64, dilation: u64, rule: AxisRule) -> Axis {
        Axis {
            input,
            kernel,
            stride,
            dilation,
            rule,
        }
    }

    fn explicit(pad: u64, ceil: bool) -> AxisRule {
        AxisRule::Explicit { pad, ceil }
    }

    impl AxisFit {
        fn fits(self) -> AxisOutput {
            match self {
                AxisFit::Fits(o) => o,
                other => panic!("expected a fit, got {other:?}"),
            }
        }
    }

    fn size(a: Axis) -> Option<u64> {
        match a.output() {
            AxisFit::Fits(o) => Some(o.size),
            _ => None,
        }
    }

    #[test]
    fn conv_output_size_is_pytorch_floor_rule() {
        // ⌊(28 + 0 − 5) / 1⌋ + 1 = 24, the problem set's first convolution.
        assert_eq!(size(axis(28, 5, 1, 1, explicit(0, false))), Some(24));
        // ⌊(28 − 5) / 2⌋ + 1 = 12 (problem г).
        assert_eq!(size(axis(28, 5, 2, 1, explicit(0, false))), Some(12));
        // Dilation 2 spreads a 3-tap kernel over 5 pixels: ⌊(15 + 6 − 5) / 1⌋ + 1.
        assert_eq!(size(axis(15, 3, 1, 2, explicit(3, false))), Some(17));
        // Padded 9 < dilated span 13: no output.
        assert_eq!(
            axis(5, 7, 1, 2, explicit(2, false)).output(),
            AxisFit::TooSmall
        );
    }

    #[test]
    fn ceil_mode_drops_a_last_window_that_starts_in_the_padding() {
        // 5 + 2·1 = 7, window 2, stride 2: ⌈5/2⌉ + 1 = 4, but the 4th window
        // would start at 6 ≥ 5 + 1, inside the right padding, so 3.
        let a = axis(5, 2, 2, 1, explicit(1, true)).output().fits();
        assert_eq!(a.size, 3);
        assert!(a.ceil_dropped_last);
        // Without padding the extra window starts inside the image and stays.
        assert_eq!(size(axis(5, 2, 2, 1, explicit(0, true))), Some(3));
        assert_eq!(size(axis(5, 2, 2, 1, explicit(0, false))), Some(2));
    }

    #[test]
    fn ceil_mode_lets_a_window_overhang_an_input_smaller_than_it() {
        // PyTorch: MaxPool2d(3, ceil_mode=True) on 2×4 gives 1×2 (stride 3):
        // ⌊(2 − 3 + 2) / 3⌋ + 1 = 1. Without ceil_mode it refuses.
        assert_eq!(size(axis(2, 3, 3, 1, explicit(0, true))), Some(1));
        assert_eq!(size(axis(4, 3, 3, 1, explicit(0, true))), Some(2));
        assert_eq!(
            axis(2, 3, 3, 1, explicit(0, false)).output(),
            AxisFit::TooSmall
        );
        // ⌊(1 − 3 + 0) / 1⌋ + 1 = −1: too small even with ceil_mode.
        assert_eq!(
            axis(1, 3, 1, 1, explicit(0, true)).output(),
            AxisFit::TooSmall
        );
    }

    #[test]
    fn same_padding_is_ceil_of_input_over_stride_for_any_stride() {
        assert_eq!(size(axis(28, 5, 1, 1, AxisRule::Same)), Some(28));
        assert_eq!(size(axis(19, 1, 3, 1, AxisRule::Same)), Some(7));
        assert_eq!(size(axis(1, 9, 4, 3, AxisRule::Same)), Some(1));
    }

    #[test]
    fn dropped_pixels_count_only_real_rows_past_the_last_window() {
        // 24 − 5 = 19 is odd with stride 2: one row is never reached.
        let a = axis(24, 5, 2, 1, explicit(0, false)).output().fits();
        assert_eq!((a.size, a.dropped), (10, 1));
        // 5 + 2 = 7, window 2 stride 2: the dropped row is padding, not image.
        let a = axis(5, 2, 2, 1, explicit(1, false)).output().fits();
        assert_eq!((a.size, a.dropped), (3, 0));
        // 'same' with stride 3 and a 1×1 kernel skips the last row of 5.
        let a = axis(5, 1, 3, 1, AxisRule::Same).output().fits();
        assert_eq!((a.size, a.dropped), (2, 1));
    }

    #[test]
    fn huge_numbers_are_reported_not_wrapped() {
        assert_eq!(
            axis(5, u64::MAX / 2, 1, 4, explicit(0, false)).output(),
            AxisFit::Overflow
        );
        assert_eq!(
            axis(5, 3, 1, 1, explicit(u64::MAX / 2 + 1, false)).output(),
            AxisFit::Overflow
        );
    }
}
