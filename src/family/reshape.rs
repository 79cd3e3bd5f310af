//! `flatten` and `global_avgpool`: from an image to a vector, all of it or
//! one mean per channel.

use super::{Family, Spatial, Step, too_large};
use crate::engine::Problem;
use crate::export::{ExportError, Exported};
use crate::layer::Layer;
use crate::network::{Kernels, Shape};
use crate::units::thousands;

/// Every value of the input in one vector.
pub struct Flatten;

/// The mean of each channel of an image, signal or volume.
pub struct GlobalAvgPool;

impl Family for Flatten {
    /// A view of the input.
    fn saved(
        &self,
        _layer: &Layer,
        _input: Shape,
        _output: Shape,
        _kernel: crate::memory::AttentionKernel,
    ) -> Option<super::Saved> {
        Some(super::Saved::VIEW)
    }

    fn spatial(&self) -> Spatial {
        Spatial::Ends
    }

    fn step(&self, _layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        let n = input.elements().ok_or(too_large("flattened vector"))?;
        Ok(Step::passthrough(Shape::Flat(n)))
    }

    fn size_lines(&self, _layer: &Layer, input: Shape, output: Option<Shape>) -> Vec<String> {
        match (input, output) {
            (Shape::Image { c, h, w }, Some(out)) => vec![format!(
                "{h}·{w}·{c} = {}",
                thousands(out.elements().unwrap_or(0))
            )],
            (Shape::Image { c, h, w }, None) => vec![t!(
                "reshape-h-w-c-is-too",
                h = h.to_string(),
                w = w.to_string(),
                c = c.to_string()
            )],
            _ => super::unchanged(input, output),
        }
    }

    fn params_line(&self, _layer: &Layer, _input: Shape, _result: &str, _k: Kernels) -> String {
        t!("family-0-no-weights")
    }

    fn label(&self, _layer: &Layer) -> String {
        "flatten".to_string()
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        out.push((format!("l{}", e.number), "nn.Flatten()".into()));
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        out.push(format!("layers.Flatten({})", e.keras_name()));
        Ok(())
    }
}

impl Family for GlobalAvgPool {
    /// A mean over each map: its gradient needs only the shape.
    fn saved(
        &self,
        _layer: &Layer,
        _input: Shape,
        _output: Shape,
        _kernel: crate::memory::AttentionKernel,
    ) -> Option<super::Saved> {
        Some(super::Saved::NOTHING)
    }

    fn spatial(&self) -> Spatial {
        Spatial::Ends
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        match input {
            Shape::Flat(n) => Err(Problem::NeedsImage {
                kind: layer.kind,
                got: n,
            }),
            shape => Ok(Step::passthrough(Shape::Flat(shape.channels()))),
        }
    }

    fn size_lines(&self, _layer: &Layer, input: Shape, output: Option<Shape>) -> Vec<String> {
        match input {
            Shape::Image { c, h, w } => vec![t!(
                "reshape-the-mean-of-each-h",
                h = h.to_string(),
                w = w.to_string(),
                c = c.to_string()
            )],
            _ => super::unchanged(input, output),
        }
    }

    fn params_line(&self, _layer: &Layer, _input: Shape, _result: &str, _k: Kernels) -> String {
        t!("family-0-no-weights")
    }

    fn label(&self, _layer: &Layer) -> String {
        "global avgpool".to_string()
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let n = &e.number;
        let pool = match e.input {
            Shape::Matrix { .. } => "nn.AdaptiveAvgPool1d(1)",
            Shape::Volume { .. } => "nn.AdaptiveAvgPool3d(1)",
            Shape::Image { .. } | Shape::Flat(_) => "nn.AdaptiveAvgPool2d(1)",
        };
        out.push((format!("l{n}_pool"), pool.into()));
        out.push((format!("l{n}"), "nn.Flatten()".into()));
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let name = e.keras_name();
        out.push(match e.input {
            Shape::Matrix { .. } => {
                format!("layers.GlobalAveragePooling1D(data_format=\"channels_first\", {name})")
            }
            Shape::Volume { .. } => format!("layers.GlobalAveragePooling3D({name})"),
            Shape::Image { .. } | Shape::Flat(_) => {
                format!("layers.GlobalAveragePooling2D({name})")
            }
        });
        Ok(())
    }
}
