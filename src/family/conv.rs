//! `conv2d`: filters sliding over the image, with PyTorch's and Keras's
//! padding, stride, dilation and groups, counted with full-depth kernels or,
//! as the problem set counts, one kernel shared across input channels.

use super::{Direction, Family, Step, conv_suffix, too_large, window_suffix};
use crate::engine::{Problem, window_step};
use crate::explain::window_lines;
use crate::export::{ExportError, Exported, pair};
use crate::layer::{Field, Hw, Layer, Padding};
use crate::network::{Kernels, Shape};
use crate::size::Size;

pub struct Conv;

impl Family for Conv {
    fn spatial(&self) -> super::Spatial {
        super::Spatial::Window {
            axes: 2,
            pool: None,
        }
    }

    fn carries_activation(&self) -> bool {
        true
    }

    fn fields(&self) -> &'static [Field] {
        use Field::*;
        &[
            Filters, Kernel, Stride, Padding, Dilation, Groups, Bias, Activation,
        ]
    }

    fn required(&self) -> &'static [Field] {
        &[Field::Filters, Field::Kernel]
    }

    fn step(&self, layer: &Layer, input: Shape, kernels: Kernels) -> Result<Step, Problem> {
        let (c, oh, ow, dropped) = window_step(layer, input)?;
        let (filters, groups) = super::grouped(layer, c)?;
        let k = layer.kernel;
        let window = k.h.checked_mul(k.w).ok_or(too_large("kernel"))?;
        let per_filter = match kernels {
            Kernels::Full => window.checked_mul(c / groups),
            Kernels::Shared => Some(window),
        }
        .ok_or(too_large("parameter count"))?;
        let params = per_filter
            .checked_add(u64::from(layer.bias))
            .and_then(|n| n.checked_mul(filters))
            .ok_or(too_large("parameter count"))?;
        // Every output value is one dot product over the full-depth window,
        // whichever way the kernels are counted.
        let macs = super::product(&[oh, ow, filters, window, c / groups], "MAC count")?;
        Ok(Step {
            output: Shape::Image {
                c: filters,
                h: oh,
                w: ow,
            },
            params,
            macs,
            dropped,
            inactive: 0,
        })
    }

    fn size_lines(&self, layer: &Layer, input: Shape, output: Option<Shape>) -> Vec<String> {
        let mut lines = window_lines(layer, input, output);
        lines.push(t!("conv-channels-filters", a1 = layer.filters.to_string()));
        lines
    }

    fn params_line(&self, layer: &Layer, input: Shape, result: &str, kernels: Kernels) -> String {
        let k = layer.kernel;
        let window = format!("{}·{}", k.h, k.w);
        super::conv_params_line(layer, input.channels(), &window, result, kernels)
    }

    fn resize(&self, layer: &mut Layer, step: Direction) -> Result<(), String> {
        super::resize_window(layer, step)
    }

    fn widen(&self, layer: &mut Layer, step: Direction) -> Result<(), String> {
        super::double_filters(layer, step)
    }

    fn label(&self, layer: &Layer) -> String {
        let k = layer.kernel;
        let mut s = format!("conv {}×{} ×{}", k.h, k.w, layer.filters);
        s.push_str(&window_suffix(layer));
        s + &conv_suffix(layer)
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let (n, l) = (&e.number, e.layer);
        let ((top, bottom), (left, right)) = e.pad;
        let mut args = vec![
            format!("{}, {}", e.channels(), l.filters),
            format!("kernel_size={}", pair(l.kernel)),
        ];
        if l.stride() != Hw::square(1) {
            args.push(format!("stride={}", pair(l.stride())));
        }
        match l.padding {
            Padding::Valid => {}
            Padding::Explicit(p) if p == Hw::square(0) => {}
            Padding::Explicit(p) => args.push(format!("padding={}", pair(p))),
            // "same" as TensorFlow pads: evenly when it can, else the
            // extra zero goes after (bottom, right), which PyTorch's
            // symmetric `padding` cannot say.
            Padding::Same if e.is_even() => {
                if top > 0 || left > 0 {
                    args.push(format!("padding=({top}, {left})"));
                }
            }
            Padding::Same => out.push((
                format!("l{n}_pad"),
                format!("nn.ZeroPad2d(({left}, {right}, {top}, {bottom}))"),
            )),
        }
        if l.dilation != Hw::square(1) {
            args.push(format!("dilation={}", pair(l.dilation)));
        }
        super::pytorch_groups_and_bias(l, &mut args);
        out.push((format!("l{n}"), format!("nn.Conv2d({})", args.join(", "))));
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let (n, l) = (&e.number, e.layer);
        let stride = l.stride();
        if l.dilation != Hw::square(1) && stride != Hw::square(1) {
            let label = self.label(l);
            return Err(ExportError(t!(
                "conv-layer-n-label-keras-cannot",
                n = n.to_string(),
                label = label.to_string()
            )));
        }
        let mut args = vec![l.filters.to_string(), pair(l.kernel)];
        if stride != Hw::square(1) {
            args.push(format!("strides={}", pair(stride)));
        }
        match l.padding {
            Padding::Same => args.push("padding=\"same\"".into()),
            Padding::Explicit(p) if p != Hw::square(0) => out.push(e.keras_zero_padding()),
            _ => {}
        }
        if l.dilation != Hw::square(1) {
            args.push(format!("dilation_rate={}", pair(l.dilation)));
        }
        if l.groups != Size::ONE {
            args.push(format!("groups={}", l.groups));
        }
        if !l.bias {
            args.push("use_bias=False".into());
        }
        args.extend(e.keras_activation());
        args.push(e.keras_name());
        out.push(format!("layers.Conv2D({})", args.join(", ")));
        Ok(())
    }
}
