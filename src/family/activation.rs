//! `relu`, `sigmoid`, `tanh`, `softmax` as layers of their own: no weights,
//! nothing changes shape. (Conv and dense layers may also carry one as an
//! `activation` shorthand; the exporters write that after the layer.)

use super::{Family, Step};
use crate::engine::Problem;
use crate::export::{ExportError, Exported, pytorch_activation};
use crate::layer::{Activation, Kind, Layer};
use crate::network::{Kernels, Shape};

pub struct Activations;

/// The activation a kind applies.
fn activation(kind: Kind) -> Activation {
    match kind {
        Kind::Sigmoid => Activation::Sigmoid,
        Kind::Tanh => Activation::Tanh,
        Kind::Softmax => Activation::Softmax,
        Kind::Gelu => Activation::Gelu,
        _ => Activation::Relu,
    }
}

impl Family for Activations {
    fn step(&self, _layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        Ok(Step::passthrough(input))
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let code = pytorch_activation(activation(e.layer.kind));
        out.push((format!("l{}", e.number), code));
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let name = e.keras_name();
        out.push(match activation(e.layer.kind) {
            Activation::Relu => format!("layers.ReLU({name})"),
            Activation::Softmax => format!("layers.Softmax({name})"),
            a => format!("layers.Activation(\"{}\", {name})", a.name()),
        });
        Ok(())
    }
}
