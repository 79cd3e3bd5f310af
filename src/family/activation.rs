//! `relu`, `sigmoid`, `tanh`, `softmax` as layers of their own: no weights,
//! nothing changes shape. (Conv and dense layers may also carry one as an
//! `activation` shorthand; the exporters write that after the layer.)

use super::{Family, Step};
use crate::engine::Problem;
use crate::export::{ExportError, Exported, pytorch_activation};
use crate::layer::{Activation, Layer};
use crate::network::{Kernels, Shape};

/// A layer that applies one activation.
pub struct Activations(pub Activation);

impl Family for Activations {
    fn spatial(&self) -> super::Spatial {
        super::Spatial::Pointwise
    }

    fn params_line(&self, _layer: &Layer, _input: Shape, _result: &str, _k: Kernels) -> String {
        t!("family-0-no-weights")
    }

    fn label(&self, _layer: &Layer) -> String {
        self.0.name().to_string()
    }

    fn step(&self, _layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        Ok(Step::passthrough(input))
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let code = pytorch_activation(self.0);
        out.push((format!("l{}", e.number), code));
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let name = e.keras_name();
        out.push(match self.0 {
            Activation::Relu => format!("layers.ReLU({name})"),
            Activation::Softmax => format!("layers.Softmax({name})"),
            a => format!("layers.Activation(\"{}\", {name})", a.name()),
        });
        Ok(())
    }
}
