//! `conv_transpose2d` and `upsample`: layers that make the image larger, as
//! decoders (U-Net) and generators use them. Shapes and counts are
//! PyTorch's `ConvTranspose2d` and `Upsample`.

use super::{Direction, Family, Step, conv_suffix, too_large};
use crate::engine::Problem;
use crate::export::{ExportError, Exported, pair};
use crate::layer::{Field, Hw, Layer, Padding, UpsampleMode};
use crate::network::{Kernels, Shape};
use crate::size::Size;

/// Which of the two: a learned transposed convolution, or a fixed upsampling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grow {
    ConvTranspose,
    Upsample,
}

pub struct Transpose(pub Grow);

/// One axis of a transposed convolution, PyTorch's rule:
/// (in − 1)·s − 2p + d·(k − 1) + output_padding + 1, or `None` when the
/// padding leaves nothing (or the numbers pass 2^64).
pub fn transpose_axis(input: u64, k: u64, s: u64, p: u64, d: u64, op: u64) -> Option<u64> {
    let grown = (input - 1)
        .checked_mul(s)?
        .checked_add(d.checked_mul(k - 1)?)?
        .checked_add(op)?
        .checked_add(1)?;
    grown.checked_sub(p.checked_mul(2)?).filter(|&n| n > 0)
}

fn image(layer: &Layer, input: Shape) -> Result<(u64, u64, u64), Problem> {
    match input {
        Shape::Image { c, h, w } => Ok((c, h, w)),
        other => Err(Problem::needs_image(layer.kind, other)),
    }
}

fn transpose_step(layer: &Layer, input: Shape, kernels: Kernels) -> Result<Step, Problem> {
    let (c, h, w) = image(layer, input)?;
    let pad = match layer.padding {
        Padding::Valid => Hw::square(0),
        Padding::Explicit(p) => p,
        Padding::Same => return Err(Problem::NeedsExplicitPadding { kind: layer.kind }),
    };
    let (k, s, d, op) = (
        layer.kernel,
        layer.stride(),
        layer.dilation,
        layer.output_padding,
    );
    // PyTorch: "output padding must be smaller than either stride or dilation".
    if !(op.h < s.h || op.h < d.h) || !(op.w < s.w || op.w < d.w) {
        return Err(Problem::OutputPadding {
            output_padding: op,
            stride: s,
            dilation: d,
        });
    }
    let (filters, groups) = super::grouped(layer, c)?;
    let axis = |n, k, s, p, d, op| {
        transpose_axis(n, k, s, p, d, op).ok_or(Problem::Empty { kind: layer.kind })
    };
    let oh = axis(h, k.h, s.h, pad.h, d.h, op.h)?;
    let ow = axis(w, k.w, s.w, pad.w, d.w, op.w)?;
    let window = k.h.checked_mul(k.w).ok_or(too_large("kernel"))?;
    // Weights are C_in × (C_out / groups) × kh × kw; the shared-kernel
    // convention counts one kh × kw kernel per output channel.
    let weights = match kernels {
        Kernels::Full => super::product(&[c, filters / groups, window], "parameter count")?,
        Kernels::Shared => window
            .checked_mul(filters)
            .ok_or(too_large("parameter count"))?,
    };
    let params = weights
        .checked_add(if layer.bias { filters } else { 0 })
        .ok_or(too_large("parameter count"))?;
    // Every input value is spread over a window of every output channel in its group.
    let macs = super::product(&[h, w, c, filters / groups, window], "MAC count")?;
    Ok(Step {
        output: Shape::Image {
            c: filters,
            h: oh,
            w: ow,
        },
        params,
        macs,
        dropped: None,
        inactive: 0,
    })
}

fn upsample_step(layer: &Layer, input: Shape) -> Result<Step, Problem> {
    let (c, h, w) = image(layer, input)?;
    // A fixed size, whatever comes (`nn.Upsample(size=…)`).
    if let Some(size) = layer.extra.size {
        return Ok(Step::passthrough(Shape::Image {
            c,
            h: size.h,
            w: size.w,
        }));
    }
    let s = layer.scale;
    let oh = h.checked_mul(s.h).ok_or(too_large("feature map"))?;
    let ow = w.checked_mul(s.w).ok_or(too_large("feature map"))?;
    Ok(Step::passthrough(Shape::Image { c, h: oh, w: ow }))
}

impl Family for Transpose {
    /// A transposed convolution keeps its input for the weights' gradient;
    /// upsampling needs only the shapes.
    fn saved(
        &self,
        _layer: &Layer,
        _input: Shape,
        _output: Shape,
        _kernel: crate::memory::AttentionKernel,
    ) -> Option<super::Saved> {
        Some(match self.0 {
            Grow::ConvTranspose => super::Saved::INPUT,
            Grow::Upsample => super::Saved::NOTHING,
        })
    }

    fn fields(&self) -> &'static [Field] {
        use Field::*;
        match self.0 {
            Grow::Upsample => &[Scale, Size, Mode],
            Grow::ConvTranspose => &[
                Filters,
                Kernel,
                Stride,
                Padding,
                OutputPadding,
                Dilation,
                Groups,
                Bias,
                Activation,
            ],
        }
    }

    fn required(&self) -> &'static [Field] {
        match self.0 {
            Grow::Upsample => &[],
            Grow::ConvTranspose => &[Field::Filters, Field::Kernel],
        }
    }

    fn spatial(&self) -> super::Spatial {
        match self.0 {
            Grow::Upsample => super::Spatial::Upsample,
            Grow::ConvTranspose => super::Spatial::Transpose,
        }
    }

    fn carries_activation(&self) -> bool {
        self.0 == Grow::ConvTranspose
    }

    /// A 2×2 kernel, as U-Net's decoder uses it (with stride 2, which a
    /// file must say: PyTorch's default stride, and a file's, is 1).
    fn defaults(&self, layer: &mut Layer) {
        if self.0 == Grow::ConvTranspose {
            layer.kernel = Hw::square(2);
        }
    }

    fn step(&self, layer: &Layer, input: Shape, kernels: Kernels) -> Result<Step, Problem> {
        match self.0 {
            Grow::Upsample => upsample_step(layer, input),
            Grow::ConvTranspose => transpose_step(layer, input, kernels),
        }
    }

    fn size_lines(&self, layer: &Layer, input: Shape, output: Option<Shape>) -> Vec<String> {
        let Shape::Image { h, w, .. } = input else {
            return super::unchanged(input, output);
        };
        match self.0 {
            Grow::Upsample if layer.extra.size.is_some() => {
                let size = layer.extra.size.unwrap_or(layer.scale);
                vec![t!(
                    "transpose-to-size",
                    input = format!("{h}×{w}"),
                    size = size.to_string()
                )]
            }
            Grow::Upsample => {
                let s = layer.scale;
                vec![format!(
                    "H: {h}·{} = {}, W: {w}·{} = {}",
                    s.h,
                    h.saturating_mul(s.h),
                    s.w,
                    w.saturating_mul(s.w)
                )]
            }
            Grow::ConvTranspose => {
                let p = match layer.padding {
                    Padding::Explicit(p) => p,
                    _ => Hw::square(0),
                };
                let (k, s, d, op) = (
                    layer.kernel,
                    layer.stride(),
                    layer.dilation,
                    layer.output_padding,
                );
                let line = |name: &str, n: u64, k: u64, s: u64, p: u64, d: u64, op: u64| {
                    let out = transpose_axis(n, k, s, p, d, op)
                        .map_or_else(|| "—".to_string(), |o| o.to_string());
                    format!("{name}: ({n} − 1)·{s} − 2·{p} + {d}·({k} − 1) + {op} + 1 = {out}")
                };
                vec![
                    line("H", h, k.h, s.h, p.h, d.h, op.h),
                    line("W", w, k.w, s.w, p.w, d.w, op.w),
                ]
            }
        }
    }

    fn params_line(&self, layer: &Layer, input: Shape, result: &str, kernels: Kernels) -> String {
        if self.0 == Grow::Upsample {
            return t!("family-0-no-weights");
        }
        let c = super::features(input);
        let (k, f, g) = (layer.kernel, layer.filters, layer.groups.get());
        let weights = match (kernels, g) {
            (Kernels::Shared, _) => format!("{}·{}·{f}", k.h, k.w),
            (Kernels::Full, 1) => format!("{c}·{f}·{}·{}", k.h, k.w),
            (Kernels::Full, g) => format!("{c}·({f}/{g})·{}·{}", k.h, k.w),
        };
        if layer.bias {
            format!("{weights} + {f} = {result}")
        } else {
            format!("{weights} = {result}")
        }
    }

    fn resize(&self, layer: &mut Layer, step: Direction) -> Result<(), String> {
        match self.0 {
            // A fixed size grows or shrinks by a pixel a side.
            Grow::Upsample if layer.extra.size.is_some() => {
                let size = layer.extra.size.unwrap_or(layer.scale);
                let side = |n: u64| Size::new(n).and_then(|n| step.add_one(n)).map(Size::get);
                match (side(size.h), side(size.w)) {
                    (Some(h), Some(w)) => {
                        layer.extra.size = Some(Hw { h, w });
                        Ok(())
                    }
                    _ => Err(t!(
                        "app-the-kernel-cannot-shrink-below",
                        a1 = size.h.to_string(),
                        a2 = size.w.to_string()
                    )),
                }
            }
            Grow::Upsample => {
                let side = |n: u64| Size::new(n).and_then(|n| step.add_one(n)).map(Size::get);
                match (side(layer.scale.h), side(layer.scale.w)) {
                    (Some(h), Some(w)) => {
                        layer.scale = Hw { h, w };
                        Ok(())
                    }
                    _ => Err(t!(
                        "app-the-kernel-cannot-shrink-below",
                        a1 = layer.scale.h.to_string(),
                        a2 = layer.scale.w.to_string()
                    )),
                }
            }
            Grow::ConvTranspose => super::resize_window(layer, step),
        }
    }

    fn widen(&self, layer: &mut Layer, step: Direction) -> Result<(), String> {
        if self.0 == Grow::Upsample {
            return Err(t!("app-kind-has-no-filters-or", kind = layer.kind.name()));
        }
        super::double_filters(layer, step)
    }

    fn label(&self, layer: &Layer) -> String {
        match self.0 {
            Grow::Upsample => match layer.extra.size {
                Some(size) => format!("upsample to {}×{} {}", size.h, size.w, layer.mode.name()),
                None => format!("upsample ×{} {}", layer.scale, layer.mode.name()),
            },
            Grow::ConvTranspose => {
                let k = layer.kernel;
                let p = match layer.padding {
                    Padding::Explicit(p) => p,
                    _ => Hw::square(0),
                };
                let mut s = format!(
                    "convT {}×{} ×{} s{} p{p}",
                    k.h,
                    k.w,
                    layer.filters,
                    layer.stride()
                );
                if layer.output_padding != Hw::square(0) {
                    s.push_str(&format!(" op{}", layer.output_padding));
                }
                s + &conv_suffix(layer)
            }
        }
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let (n, l) = (&e.number, e.layer);
        if self.0 == Grow::Upsample {
            let mode = match l.mode {
                UpsampleMode::Nearest => "\"nearest\"".to_string(),
                UpsampleMode::Bilinear => "\"bilinear\", align_corners=False".to_string(),
            };
            let by = match l.extra.size {
                Some(size) => format!("size={}", pair(size)),
                None => format!("scale_factor={}", pair(l.scale)),
            };
            out.push((format!("l{n}"), format!("nn.Upsample({by}, mode={mode})")));
            return;
        }
        let mut args = vec![
            format!("{}, {}", e.channels(), l.filters),
            format!("kernel_size={}", pair(l.kernel)),
            format!("stride={}", pair(l.stride())),
        ];
        if let Padding::Explicit(p) = l.padding
            && p != Hw::square(0)
        {
            args.push(format!("padding={}", pair(p)));
        }
        if l.output_padding != Hw::square(0) {
            args.push(format!("output_padding={}", pair(l.output_padding)));
        }
        if l.groups != Size::ONE {
            args.push(format!("groups={}", l.groups));
        }
        if !l.bias {
            args.push("bias=False".into());
        }
        if l.dilation != Hw::square(1) {
            args.push(format!("dilation={}", pair(l.dilation)));
        }
        out.push((
            format!("l{n}"),
            format!("nn.ConvTranspose2d({})", args.join(", ")),
        ));
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let l = e.layer;
        if self.0 == Grow::Upsample {
            if let Some(size) = l.extra.size {
                out.push(format!(
                    "layers.Resizing({}, {}, interpolation=\"{}\", {})",
                    size.h,
                    size.w,
                    l.mode.name(),
                    e.keras_name()
                ));
                return Ok(());
            }
            out.push(format!(
                "layers.UpSampling2D(size={}, interpolation=\"{}\", {})",
                pair(l.scale),
                l.mode.name(),
                e.keras_name()
            ));
            return Ok(());
        }
        let pad = match l.padding {
            Padding::Explicit(p) => p,
            _ => Hw::square(0),
        };
        if l.padding == Padding::Same || l.groups != Size::ONE || l.dilation != Hw::square(1) {
            return Err(ExportError(t!(
                "transpose-keras-cannot",
                n = e.number.to_string(),
                label = self.label(l)
            )));
        }
        let mut args = vec![
            l.filters.to_string(),
            pair(l.kernel),
            format!("strides={}", pair(l.stride())),
        ];
        if l.output_padding != Hw::square(0) {
            args.push(format!("output_padding={}", pair(l.output_padding)));
        }
        if !l.bias {
            args.push("use_bias=False".into());
        }
        args.extend(e.keras_activation());
        if pad == Hw::square(0) {
            args.push(e.keras_name());
            out.push(format!("layers.Conv2DTranspose({})", args.join(", ")));
        } else {
            // PyTorch's padding takes rows and columns off the full output:
            // Keras writes the full one and crops it.
            args.push(format!("name=\"l{}_full\"", e.number));
            out.push(format!("layers.Conv2DTranspose({})", args.join(", ")));
            out.push(format!(
                "layers.Cropping2D((({0}, {0}), ({1}, {1})), {2})",
                pad.h,
                pad.w,
                e.keras_name()
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::family::try_step;
    use crate::layer::Kind;
    use crate::network::Shape;

    /// An upsample to a fixed size gives that size whatever comes, and
    /// no weights.
    #[test]
    fn an_upsample_to_a_size_gives_that_size() {
        let map = Shape::Image { c: 3, h: 9, w: 9 };
        let step = try_step(Kind::Upsample, &[("size", "[20, 30]")], map).unwrap();
        let want = Shape::Image { c: 3, h: 20, w: 30 };
        assert_eq!((step.params, step.output), (0, want));
    }
}
