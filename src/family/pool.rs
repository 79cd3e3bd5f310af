//! `maxpool` and `avgpool`: a window's largest value or mean, per channel,
//! with PyTorch's `ceil_mode` and padding (at most half the window) and
//! Keras's `"same"`.

use super::{Direction, Family, Reduce, Step, window_suffix};
use crate::engine::{Problem, window_step};
use crate::explain::window_lines;
use crate::export::{ExportError, Exported, pair};
use crate::layer::{Field, Hw, Layer, Padding};
use crate::network::{Kernels, Shape};

pub struct Pool(pub Reduce);

impl Family for Pool {
    /// Max pooling keeps its input and an int64 index per output value
    /// (where each maximum came from); average pooling its input.
    fn saved(
        &self,
        _layer: &Layer,
        _input: Shape,
        output: Shape,
        _kernel: crate::memory::AttentionKernel,
    ) -> Option<super::Saved> {
        Some(match self.0 {
            super::Reduce::Max => super::Saved::indices(output)?,
            super::Reduce::Avg => super::Saved::INPUT,
        })
    }

    fn spatial(&self) -> super::Spatial {
        super::Spatial::Window {
            axes: 2,
            pool: Some(self.0),
        }
    }

    fn fields(&self) -> &'static [Field] {
        &[
            Field::Kernel,
            Field::Stride,
            Field::Padding,
            Field::CeilMode,
        ]
    }

    fn required(&self) -> &'static [Field] {
        &[Field::Kernel]
    }

    /// A 2×2 window, whose stride is the window: halving the image.
    fn defaults(&self, layer: &mut Layer) {
        layer.kernel = Hw::square(2);
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        let (c, h, w, dropped) = window_step(layer, input)?;
        Ok(Step {
            dropped,
            ..Step::passthrough(Shape::Image { c, h, w })
        })
    }

    fn size_lines(&self, layer: &Layer, input: Shape, output: Option<Shape>) -> Vec<String> {
        window_lines(layer, input, output)
    }

    fn resize(&self, layer: &mut Layer, step: Direction) -> Result<(), String> {
        super::resize_window(layer, step)
    }

    fn params_line(&self, _layer: &Layer, _input: Shape, _result: &str, _k: Kernels) -> String {
        t!("family-0-no-weights")
    }

    fn label(&self, layer: &Layer) -> String {
        let k = layer.kernel;
        let mut s = format!("{} {}×{}", layer.kind.name(), k.h, k.w);
        s.push_str(&window_suffix(layer));
        if layer.ceil_mode {
            s.push_str(" ceil");
        }
        s
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let (n, l) = (&e.number, e.layer);
        let max = self.0 == Reduce::Max;
        let ((top, bottom), (left, right)) = e.pad;
        let mut args = vec![
            format!("kernel_size={}", pair(l.kernel)),
            format!("stride={}", pair(l.stride())),
        ];
        let fits_inside = top <= l.kernel.h / 2 && left <= l.kernel.w / 2;
        match l.padding {
            Padding::Valid => {}
            Padding::Explicit(p) if p == Hw::square(0) => {}
            Padding::Explicit(p) => args.push(format!("padding={}", pair(p))),
            Padding::Same if e.is_even() && fits_inside => {
                if top > 0 || left > 0 {
                    args.push(format!("padding=({top}, {left})"));
                    if !max {
                        // Keras averages only the image pixels at the border.
                        args.push("count_include_pad=False".into());
                    }
                }
            }
            Padding::Same => {
                let pads = format!("({left}, {right}, {top}, {bottom})");
                out.push((
                    format!("l{n}_pad"),
                    if max {
                        // Padding that never wins a max, as Keras pads.
                        format!("nn.ConstantPad2d({pads}, float(\"-inf\"))")
                    } else {
                        // Same shapes; Keras would leave the zeros out of the average.
                        format!("nn.ZeroPad2d({pads})")
                    },
                ));
            }
        }
        if l.ceil_mode && l.padding != Padding::Same {
            args.push("ceil_mode=True".into());
        }
        let class = if max { "MaxPool2d" } else { "AvgPool2d" };
        out.push((format!("l{n}"), format!("nn.{class}({})", args.join(", "))));
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let l = e.layer;
        let ((top, bottom), (left, right)) = e.pad;
        let mut args = vec![
            format!("pool_size={}", pair(l.kernel)),
            format!("strides={}", pair(l.stride())),
        ];
        match l.padding {
            Padding::Same => args.push("padding=\"same\"".into()),
            // Integer padding and ceil_mode: pad explicitly, ceil_mode's
            // overhanging last window as extra zeros at the bottom/right.
            _ if top + bottom + left + right > 0 => {
                if self.0 == Reduce::Max {
                    out.push(
                        "# PyTorch pads max-pooling with −∞; zeros give the same shapes".into(),
                    );
                }
                out.push(e.keras_zero_padding());
            }
            _ => {}
        }
        args.push(e.keras_name());
        let class = match self.0 {
            Reduce::Max => "MaxPooling2D",
            Reduce::Avg => "AveragePooling2D",
        };
        out.push(format!("layers.{class}({})", args.join(", ")));
        Ok(())
    }
}
