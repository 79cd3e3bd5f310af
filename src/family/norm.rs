//! `batchnorm` (a scale and a shift per channel) and `dropout` (no weights,
//! nothing changes shape): the layers that regularise.

use super::{Family, Spatial, Step, features, too_large};
use crate::engine::Problem;
use crate::export::{ExportError, Exported};
use crate::layer::{Field, Layer};
use crate::network::{Kernels, Shape};

pub struct BatchNorm;

pub struct Dropout;

impl Family for BatchNorm {
    fn spatial(&self) -> Spatial {
        Spatial::Pointwise
    }

    fn step(&self, _layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        let params = features(input)
            .checked_mul(2)
            .ok_or(too_large("parameter count"))?;
        Ok(Step {
            params,
            ..Step::passthrough(input)
        })
    }

    fn params_line(&self, _layer: &Layer, input: Shape, result: &str, _k: Kernels) -> String {
        format!(
            "2·{} = {result}  {}",
            features(input),
            t!("norm-a-scale-and-a-shift")
        )
    }

    fn label(&self, _layer: &Layer) -> String {
        "batchnorm".to_string()
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let code = match e.input {
            Shape::Image { .. } => format!("nn.BatchNorm2d({})", e.channels()),
            Shape::Volume { .. } => format!("nn.BatchNorm3d({})", e.channels()),
            Shape::Flat(_) | Shape::Matrix { .. } => format!("nn.BatchNorm1d({})", e.channels()),
        };
        out.push((format!("l{}", e.number), code));
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let name = e.keras_name();
        out.push(match e.input {
            // A 2-D tensor keeps PyTorch's layout: its channels are axis 1.
            Shape::Matrix { .. } => format!("layers.BatchNormalization(axis=1, {name})"),
            _ => format!("layers.BatchNormalization({name})"),
        });
        Ok(())
    }
}

impl Family for Dropout {
    fn fields(&self) -> &'static [Field] {
        &[Field::Rate]
    }

    fn spatial(&self) -> Spatial {
        Spatial::Pointwise
    }

    fn step(&self, _layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        Ok(Step::passthrough(input))
    }

    fn params_line(&self, _layer: &Layer, _input: Shape, _result: &str, _k: Kernels) -> String {
        t!("norm-0-no-weights")
    }

    fn label(&self, layer: &Layer) -> String {
        format!("dropout {}", layer.rate)
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        out.push((
            format!("l{}", e.number),
            format!("nn.Dropout(p={})", e.layer.rate),
        ));
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        out.push(format!(
            "layers.Dropout({}, {})",
            e.layer.rate,
            e.keras_name()
        ));
        Ok(())
    }
}
