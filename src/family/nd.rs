//! `conv1d`, `maxpool1d`, `avgpool1d` on signals `[C, L]` and `conv3d`,
//! `maxpool3d`, `avgpool3d` on volumes `[C, D, H, W]`: the same sliding
//! window as their 2-D kin, along one axis or three. Each axis follows
//! `engine::Axis`, the rule images use, so 1-D, 2-D and 3-D agree.

use super::{Direction, Family, Reduce, Spatial, Step, conv_suffix, too_large};
use crate::engine::{Axis, AxisFit, AxisRule, Dropped, NdAxis, Problem, Want};
use crate::explain::axis_formula;
use crate::export::{ExportError, Exported};
use crate::layer::{Field, Hw, Layer, Padding};
use crate::network::{Kernels, Shape};
use crate::size::Size;

/// A window along one axis (`axes: 1`, signals) or three (volumes):
/// a convolution, or pooling by `pool`.
pub struct Nd {
    pub axes: usize,
    pub pool: Option<super::Reduce>,
}

/// The channels of `input` and the axes the window slides along, named.
pub fn window_axes(layer: &Layer, input: Shape) -> Result<(u64, Vec<(NdAxis, Axis)>), Problem> {
    let conv = layer.kind.convolves();
    let ceil = !conv && layer.ceil_mode;
    let rule = |pad: u64| match layer.padding {
        Padding::Same => AxisRule::Same,
        Padding::Valid => AxisRule::Explicit { pad: 0, ceil },
        Padding::Explicit(_) => AxisRule::Explicit { pad, ceil },
    };
    let pad = match layer.padding {
        Padding::Explicit(p) => p,
        _ => Hw::square(0),
    };
    let (s, k) = (layer.stride(), layer.kernel);
    let dil = if conv { layer.dilation } else { Hw::square(1) };
    let axis = |input, kernel, stride, dilation, pad| Axis {
        input,
        kernel,
        stride,
        dilation,
        rule: rule(pad),
    };
    match (layer.kind.window_axes(), input) {
        (1, Shape::Matrix { rows, cols }) => Ok((
            rows,
            vec![(NdAxis::Length, axis(cols, k.w, s.w, dil.w, pad.w))],
        )),
        (3, Shape::Volume { c, d, h, w }) => {
            let depth = &layer.extra.depth;
            let dd = if conv { depth.dilation } else { 1 };
            Ok((
                c,
                vec![
                    (
                        NdAxis::Depth,
                        axis(d, depth.kernel, layer.depth_stride(), dd, depth.padding),
                    ),
                    (NdAxis::Height, axis(h, k.h, s.h, dil.h, pad.h)),
                    (NdAxis::Width, axis(w, k.w, s.w, dil.w, pad.w)),
                ],
            ))
        }
        (1, got) => Err(Problem::Needs {
            kind: layer.kind,
            want: Want::Signal,
            got,
        }),
        (_, got) => Err(Problem::Needs {
            kind: layer.kind,
            want: Want::Volume,
            got,
        }),
    }
}

/// The output sizes along each axis, and the pixels left past the last window.
fn slide(layer: &Layer, input: Shape) -> Result<(u64, Vec<u64>, Option<Dropped>), Problem> {
    let (channels, axes) = window_axes(layer, input)?;
    let mut sizes = Vec::with_capacity(axes.len());
    let mut dropped = Dropped {
        rows: 0,
        cols: 0,
        samples: 0,
    };
    for (name, a) in &axes {
        if !layer.kind.convolves()
            && let AxisRule::Explicit { pad, .. } = a.rule
            && pad > a.kernel / 2
        {
            return Err(Problem::PoolPaddingAxis {
                axis: *name,
                padding: pad,
                kernel: a.kernel,
            });
        }
        // PyTorch's avg_pool3d (alone among the pools) also wants the
        // unpadded input at least as large as the window on every axis.
        if layer.kind.spatial()
            == (Spatial::Window {
                axes: 3,
                pool: Some(Reduce::Avg),
            })
            && a.input < a.kernel
        {
            return Err(Problem::AxisTooSmall {
                axis: *name,
                input: a.input,
                padding: 0,
                kernel: a.kernel,
                span: a.kernel,
                pooling: true,
            });
        }
        match a.output() {
            AxisFit::Fits(o) => {
                sizes.push(o.size);
                match name {
                    NdAxis::Height => dropped.rows = o.dropped,
                    NdAxis::Width => dropped.cols = o.dropped,
                    NdAxis::Length => dropped.samples = o.dropped,
                    NdAxis::Depth => {}
                }
            }
            AxisFit::TooSmall => {
                return Err(Problem::AxisTooSmall {
                    axis: *name,
                    input: a.input,
                    padding: match a.rule {
                        AxisRule::Explicit { pad, .. } => pad,
                        AxisRule::Same => 0,
                    },
                    kernel: a.kernel,
                    span: a.span().ok_or(too_large("window"))?,
                    pooling: !layer.kind.convolves(),
                });
            }
            AxisFit::Overflow => return Err(too_large("window")),
        }
    }
    let dropped = (dropped.rows > 0 || dropped.cols > 0 || dropped.samples > 0).then_some(dropped);
    Ok((channels, sizes, dropped))
}

fn shaped(input: Shape, channels: u64, sizes: &[u64]) -> Shape {
    match (input, sizes) {
        (Shape::Volume { .. }, &[d, h, w]) => Shape::Volume {
            c: channels,
            d,
            h,
            w,
        },
        (_, &[l, ..]) => Shape::Matrix {
            rows: channels,
            cols: l,
        },
        _ => input,
    }
}

/// The zeros the windows reach before and after the input along each axis
/// (`"same"` as TensorFlow computes them, explicit padding, ceil_mode's
/// overhang), for `input`.
fn pads(layer: &Layer, input: Shape) -> Vec<(u64, u64)> {
    let Ok((_, axes)) = window_axes(layer, input) else {
        return Vec::new();
    };
    (axes.iter())
        .map(|(_, a)| match a.output() {
            AxisFit::Fits(o) => o.pad,
            _ => (0, 0),
        })
        .collect()
}

/// Taps in one filter's window on one channel: k, or kd·kh·kw.
fn taps(layer: &Layer) -> Result<u64, Problem> {
    let k = layer.kernel;
    match layer.kind.window_axes() {
        1 => Ok(k.w),
        _ => super::product(&[layer.extra.depth.kernel, k.h, k.w], "kernel"),
    }
}

/// `7` or `3×3×3`: the window as labels and formulas write it.
fn window_text(layer: &Layer) -> String {
    Field::Kernel.text(layer)
}

impl Family for Nd {
    /// As the 2-D kinds: a max pool's int64 indices beside its input.
    fn saved(
        &self,
        _layer: &Layer,
        _input: Shape,
        output: Shape,
        _kernel: crate::memory::AttentionKernel,
    ) -> Option<super::Saved> {
        Some(match self.pool {
            Some(super::Reduce::Max) => super::Saved::indices(output)?,
            _ => super::Saved::INPUT,
        })
    }

    fn fields(&self) -> &'static [Field] {
        use Field::*;
        match self.pool {
            None => &[
                Filters, Kernel, Stride, Padding, Dilation, Groups, Bias, Activation,
            ],
            Some(_) => &[Kernel, Stride, Padding, CeilMode],
        }
    }

    fn required(&self) -> &'static [Field] {
        match self.pool {
            None => &[Field::Filters, Field::Kernel],
            Some(_) => &[Field::Kernel],
        }
    }

    fn spatial(&self) -> Spatial {
        Spatial::Window {
            axes: self.axes,
            pool: self.pool,
        }
    }

    fn carries_activation(&self) -> bool {
        self.pool.is_none()
    }

    fn defaults(&self, layer: &mut Layer) {
        if layer.kind.pools() {
            layer.kernel = Hw::square(2);
            layer.extra.depth.kernel = 2;
        }
    }

    fn step(&self, layer: &Layer, input: Shape, kernels: Kernels) -> Result<Step, Problem> {
        let (c, sizes, dropped) = slide(layer, input)?;
        if layer.kind.pools() {
            return Ok(Step {
                dropped,
                ..Step::passthrough(shaped(input, c, &sizes))
            });
        }
        let (filters, groups) = super::grouped(layer, c)?;
        let window = taps(layer)?;
        let per_filter = match kernels {
            Kernels::Full => window.checked_mul(c / groups),
            Kernels::Shared => Some(window),
        }
        .ok_or(too_large("parameter count"))?;
        let params = per_filter
            .checked_add(u64::from(layer.bias))
            .and_then(|n| n.checked_mul(filters))
            .ok_or(too_large("parameter count"))?;
        let positions = super::product(&sizes, "MAC count")?;
        let macs = super::product(&[positions, filters, window, c / groups], "MAC count")?;
        Ok(Step {
            output: shaped(input, filters, &sizes),
            params,
            macs,
            dropped,
            inactive: 0,
        })
    }

    fn size_lines(&self, layer: &Layer, input: Shape, output: Option<Shape>) -> Vec<String> {
        let Ok((_, axes)) = window_axes(layer, input) else {
            return super::unchanged(input, output);
        };
        let mut lines: Vec<String> = (axes.iter())
            .map(|(name, a)| format!("{}: {}", name.letter(), axis_formula(a)))
            .collect();
        if !layer.kind.pools() {
            lines.push(t!("conv-channels-filters", a1 = layer.filters.to_string()));
        }
        lines
    }

    fn params_line(&self, layer: &Layer, input: Shape, result: &str, kernels: Kernels) -> String {
        if layer.kind.pools() {
            return t!("family-0-no-weights").to_string();
        }
        let k = layer.kernel;
        let window = match layer.kind.window_axes() {
            1 => k.w.to_string(),
            _ => format!("{}·{}·{}", layer.extra.depth.kernel, k.h, k.w),
        };
        super::conv_params_line(layer, input.channels(), &window, result, kernels)
    }

    fn resize(&self, layer: &mut Layer, step: Direction) -> Result<(), String> {
        let d = layer.extra.depth.kernel;
        super::resize_window(layer, step)?;
        if layer.kind.window_axes() == 3 {
            match Size::new(d).and_then(|n| step.add_one(n)) {
                Some(n) => layer.set_depth_kernel(n.get()),
                None => layer.set_depth_kernel(d),
            }
        }
        Ok(())
    }

    fn widen(&self, layer: &mut Layer, step: Direction) -> Result<(), String> {
        if layer.kind.pools() {
            return Err(t!("app-kind-has-no-filters-or", kind = layer.kind.name()));
        }
        super::double_filters(layer, step)
    }

    fn label(&self, layer: &Layer) -> String {
        let window = window_text(layer);
        let stride = Field::Stride.text(layer);
        let padding = match layer.padding {
            Padding::Valid => " p0".to_string(),
            Padding::Same => " same".to_string(),
            Padding::Explicit(_) => format!(" p{}", Field::Padding.text(layer)),
        };
        let mut s = match self.pool {
            None => format!("conv{}d {window} ×{}", self.axes, layer.filters),
            Some(_) => format!("{} {window}", layer.kind.name()),
        };
        s.push_str(&format!(" s{stride}{padding}"));
        if layer.kind.pools() {
            if layer.ceil_mode {
                s.push_str(" ceil");
            }
            s
        } else {
            let mut flat = layer.clone();
            // The suffix speaks of dilation as an Hw; a 1-D window's is its width.
            if layer.kind.window_axes() == 1 {
                flat.dilation = Hw::square(layer.dilation.w);
            }
            s + &conv_suffix(&flat)
        }
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let (n, l) = (&e.number, e.layer);
        let dims = l.kind.window_axes();
        let tuple = |field: Field| match dims {
            1 => Field::text(field, l),
            _ => {
                let t = field.text(l);
                if t.contains('×') {
                    format!("({})", t.replace('×', ", "))
                } else {
                    t
                }
            }
        };
        let class = match self.pool {
            None => format!("Conv{}d", self.axes),
            Some(Reduce::Max) => format!("MaxPool{}d", self.axes),
            Some(Reduce::Avg) => format!("AvgPool{}d", self.axes),
        };
        let mut args = Vec::new();
        if !l.kind.pools() {
            args.push(format!("{}, {}", e.input.channels(), l.filters));
        }
        args.push(format!("kernel_size={}", tuple(Field::Kernel)));
        args.push(format!("stride={}", tuple(Field::Stride)));
        match l.padding {
            Padding::Valid => {}
            Padding::Explicit(_) => args.push(format!("padding={}", tuple(Field::Padding))),
            // "same" as TensorFlow pads it: evenly where it can (a
            // convolution's own padding), else zeros before the layer.
            Padding::Same => {
                let pads = pads(l, e.input);
                let even = pads.iter().all(|(a, b)| a == b);
                if even && !l.kind.pools() {
                    let p: Vec<String> = pads.iter().map(|(a, _)| a.to_string()).collect();
                    args.push(format!("padding=({},)", p.join(", ")));
                } else {
                    // ConstantPadNd lists the last axis first.
                    let sides: Vec<String> = pads
                        .iter()
                        .rev()
                        .map(|(a, b)| format!("{a}, {b}"))
                        .collect();
                    out.push((
                        format!("l{n}_pad"),
                        format!("nn.ConstantPad{dims}d(({}), 0.0)", sides.join(", ")),
                    ));
                }
            }
        }
        if l.kind.pools() {
            if l.ceil_mode {
                args.push("ceil_mode=True".into());
            }
            if self.pool == Some(Reduce::Avg) && matches!(l.padding, Padding::Explicit(_)) {
                args.push("count_include_pad=True".into());
            }
        } else {
            if Field::Dilation.text(l) != "1" {
                args.push(format!("dilation={}", tuple(Field::Dilation)));
            }
            super::pytorch_groups_and_bias(l, &mut args);
        }
        out.push((format!("l{n}"), format!("nn.{class}({})", args.join(", "))));
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let l = e.layer;
        let n = &e.number;
        let one_d = l.kind.window_axes() == 1;
        let strided = Field::Stride.text(l) != "1";
        if !l.kind.pools() && strided && Field::Dilation.text(l) != "1" {
            return Err(ExportError(t!(
                "conv-layer-n-label-keras-cannot",
                n = n.to_string(),
                label = self.label(l)
            )));
        }
        let tuple = |field: Field| {
            let t = field.text(l);
            if t.contains('×') {
                format!("({})", t.replace('×', ", "))
            } else {
                t
            }
        };
        // Keras pads only "valid" or "same": explicit zeros and ceil_mode's
        // overhang become a padding layer before, as for images.
        let mut padding = "";
        match l.padding {
            Padding::Same => padding = "same",
            _ if matches!(l.padding, Padding::Explicit(_)) || l.ceil_mode => {
                let pads = pads(l, e.input);
                if pads.iter().any(|&(a, b)| a > 0 || b > 0) {
                    out.push(if one_d {
                        let (a, b) = pads[0];
                        format!("PadLength({a}, {b}, name=\"l{n}_pad\")")
                    } else {
                        let sides: Vec<String> =
                            pads.iter().map(|(a, b)| format!("({a}, {b})")).collect();
                        format!(
                            "layers.ZeroPadding3D(({}), name=\"l{n}_pad\")",
                            sides.join(", ")
                        )
                    });
                }
            }
            _ => {}
        }
        let class = match self.pool {
            None => format!("Conv{}D", self.axes),
            Some(Reduce::Max) => format!("MaxPooling{}D", self.axes),
            Some(Reduce::Avg) => format!("AveragePooling{}D", self.axes),
        };
        let mut args = Vec::new();
        if l.kind.pools() {
            args.push(format!("pool_size={}", tuple(Field::Kernel)));
        } else {
            args.push(l.filters.to_string());
            args.push(tuple(Field::Kernel));
        }
        args.push(format!("strides={}", tuple(Field::Stride)));
        if !padding.is_empty() {
            args.push(format!("padding=\"{padding}\""));
        }
        // A signal keeps PyTorch's layout, channels before length.
        if one_d {
            args.push("data_format=\"channels_first\"".into());
        }
        if !l.kind.pools() {
            if Field::Dilation.text(l) != "1" {
                args.push(format!("dilation_rate={}", tuple(Field::Dilation)));
            }
            if l.groups != Size::ONE {
                args.push(format!("groups={}", l.groups));
            }
            if !l.bias {
                args.push("use_bias=False".into());
            }
            args.extend(e.keras_activation());
        }
        args.push(e.keras_name());
        out.push(format!("layers.{class}({})", args.join(", ")));
        Ok(())
    }
}
