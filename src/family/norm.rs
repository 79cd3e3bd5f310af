//! `batchnorm` (a scale and a shift per channel) and `dropout` (no weights,
//! nothing changes shape): the layers that regularise.

use super::{Family, Step, features, too_large};
use crate::engine::Problem;
use crate::export::{ExportError, Exported};
use crate::layer::{Field, Kind, Layer};
use crate::network::{Kernels, Shape};

pub struct Norm;

impl Family for Norm {
    fn fields(&self, kind: Kind) -> &'static [Field] {
        match kind {
            Kind::Dropout => &[Field::Rate],
            _ => &[],
        }
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        if layer.kind == Kind::Dropout {
            return Ok(Step::passthrough(input));
        }
        let params = features(input)
            .checked_mul(2)
            .ok_or(too_large("parameter count"))?;
        Ok(Step {
            params,
            ..Step::passthrough(input)
        })
    }

    fn params_line(&self, layer: &Layer, input: Shape, result: &str, _k: Kernels) -> String {
        if layer.kind == Kind::Dropout {
            return t!("norm-0-no-weights").to_string();
        }
        format!(
            "2·{} = {result}  {}",
            features(input),
            t!("norm-a-scale-and-a-shift")
        )
    }

    fn label(&self, layer: &Layer) -> String {
        match layer.kind {
            Kind::Dropout => format!("dropout {}", layer.rate),
            kind => kind.name().to_string(),
        }
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let code = match (e.layer.kind, e.input) {
            (Kind::Dropout, _) => format!("nn.Dropout(p={})", e.layer.rate),
            (_, Shape::Image { .. }) => format!("nn.BatchNorm2d({})", e.channels()),
            (_, Shape::Volume { .. }) => format!("nn.BatchNorm3d({})", e.channels()),
            (_, Shape::Flat(_) | Shape::Matrix { .. }) => {
                format!("nn.BatchNorm1d({})", e.channels())
            }
        };
        out.push((format!("l{}", e.number), code));
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let name = e.keras_name();
        out.push(match e.layer.kind {
            Kind::Dropout => format!("layers.Dropout({}, {name})", e.layer.rate),
            // A 2-D tensor keeps PyTorch's layout: its channels are axis 1.
            _ if matches!(e.input, Shape::Matrix { .. }) => {
                format!("layers.BatchNormalization(axis=1, {name})")
            }
            _ => format!("layers.BatchNormalization({name})"),
        });
        Ok(())
    }
}
