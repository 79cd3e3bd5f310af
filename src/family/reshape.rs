//! `flatten` and `global_avgpool`: from an image to a vector, all of it or
//! one mean per channel.

use super::{Family, Step, too_large};
use crate::engine::Problem;
use crate::export::{ExportError, Exported};
use crate::layer::{Kind, Layer};
use crate::network::{Kernels, Shape};
use crate::units::thousands;

pub struct Reshape;

impl Family for Reshape {
    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        match (layer.kind, input) {
            (Kind::GlobalAvgPool, Shape::Flat(n)) => Err(Problem::NeedsImage {
                kind: layer.kind,
                got: n,
            }),
            // The mean of each channel of an image, signal or volume.
            (Kind::GlobalAvgPool, shape) => Ok(Step::passthrough(Shape::Flat(shape.channels()))),
            _ => {
                let n = input.elements().ok_or(too_large("flattened vector"))?;
                Ok(Step::passthrough(Shape::Flat(n)))
            }
        }
    }

    fn size_lines(&self, layer: &Layer, input: Shape, output: Option<Shape>) -> Vec<String> {
        match (layer.kind, input, output) {
            (Kind::Flatten, Shape::Image { c, h, w }, Some(out)) => vec![format!(
                "{h}·{w}·{c} = {}",
                thousands(out.elements().unwrap_or(0))
            )],
            (Kind::Flatten, Shape::Image { c, h, w }, None) => vec![t!(
                "reshape-h-w-c-is-too",
                h = h.to_string(),
                w = w.to_string(),
                c = c.to_string()
            )],
            (Kind::GlobalAvgPool, Shape::Image { c, h, w }, _) => vec![t!(
                "reshape-the-mean-of-each-h",
                h = h.to_string(),
                w = w.to_string(),
                c = c.to_string()
            )],
            _ => super::unchanged(input, output),
        }
    }

    fn label(&self, layer: &Layer) -> String {
        match layer.kind {
            Kind::GlobalAvgPool => "global avgpool".to_string(),
            kind => kind.name().to_string(),
        }
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let n = &e.number;
        if e.layer.kind == Kind::GlobalAvgPool {
            let pool = match e.input {
                Shape::Matrix { .. } => "nn.AdaptiveAvgPool1d(1)",
                Shape::Volume { .. } => "nn.AdaptiveAvgPool3d(1)",
                _ => "nn.AdaptiveAvgPool2d(1)",
            };
            out.push((format!("l{n}_pool"), pool.into()));
        }
        out.push((format!("l{n}"), "nn.Flatten()".into()));
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        if let (Kind::GlobalAvgPool, Shape::Matrix { .. }) = (e.layer.kind, e.input) {
            out.push(format!(
                "layers.GlobalAveragePooling1D(data_format=\"channels_first\", {})",
                e.keras_name()
            ));
            return Ok(());
        }
        let class = match (e.layer.kind, e.input) {
            (Kind::GlobalAvgPool, Shape::Volume { .. }) => "GlobalAveragePooling3D",
            (Kind::GlobalAvgPool, _) => "GlobalAveragePooling2D",
            _ => "Flatten",
        };
        out.push(format!("layers.{class}({})", e.keras_name()));
        Ok(())
    }
}
