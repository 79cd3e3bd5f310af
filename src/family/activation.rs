//! Activations as layers of their own — `relu`, `sigmoid`, `tanh`,
//! `softmax`, `gelu` (exact or `approximate = "tanh"`), `silu`,
//! `hardswish`, `hardsigmoid`, `relu6`, `mish`, `elu`, `leaky_relu`
//! (`slope`): no weights, nothing changes shape — and `prelu`, whose slope
//! is learned: one in all, or one per channel (`nn.PReLU(num_parameters)`),
//! and `star_relu` (MetaFormer's s·relu(x)² + b, one learned s and b).
//! Conv and dense layers may also carry one as an `activation` shorthand;
//! the exporters write that after the layer.

use super::{Family, Spatial, Step};
use crate::engine::Problem;
use crate::export::{ExportError, Exported, keras_activation_name, pytorch_activation};
use crate::layer::{Activation, Field, Layer};
use crate::network::{Kernels, Shape};

/// A layer that applies one activation.
pub struct Activations(pub Activation);

/// `prelu`: a learned slope below zero.
pub struct Prelu;

/// `star_relu`: MetaFormer's StarReLU, s·relu(x)² + b, with one learned
/// scale and one learned bias for every value (timm's `StarReLU`).
pub struct StarRelu;

/// PyTorch's default slope of `leaky_relu`.
const DEFAULT_SLOPE: f64 = 0.01;

impl Family for Activations {
    /// ReLU, sigmoid, tanh and softmax take their gradient from their
    /// output; the rest from their input. The tanh GELU as transformers'
    /// `gelu_new` computes it (GPT-2's) keeps three more tensors its size:
    /// x³'s term, the tanh and ½·x.
    fn saved(
        &self,
        layer: &Layer,
        input: Shape,
        _output: Shape,
        _kernel: crate::memory::AttentionKernel,
    ) -> Option<super::Saved> {
        if self.0 == Activation::Gelu && layer.extra.tanh {
            return Some(super::Saved {
                values: input.elements()?.checked_mul(3)?,
                why: super::Why::GeluTanh,
                ..super::Saved::INPUT
            });
        }
        Some(keeps(self.0))
    }

    fn fields(&self) -> &'static [Field] {
        match self.0 {
            Activation::LeakyRelu => &[Field::Slope],
            Activation::Gelu => &[Field::Approximate],
            Activation::Relu
            | Activation::Sigmoid
            | Activation::Tanh
            | Activation::Softmax
            | Activation::Silu
            | Activation::Hardswish
            | Activation::Hardsigmoid
            | Activation::Relu6
            | Activation::Mish
            | Activation::Elu => &[],
        }
    }

    fn spatial(&self) -> Spatial {
        Spatial::Pointwise
    }

    fn step(&self, _layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        Ok(Step::passthrough(input))
    }

    fn params_line(&self, _layer: &Layer, _input: Shape, _result: &str, _k: Kernels) -> String {
        t!("family-0-no-weights")
    }

    fn label(&self, layer: &Layer) -> String {
        let x = &layer.extra;
        match self.0 {
            Activation::LeakyRelu if x.slope != DEFAULT_SLOPE => {
                format!("leaky_relu {}", x.slope)
            }
            Activation::Gelu if x.tanh => "gelu tanh".to_string(),
            a => a.name().to_string(),
        }
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let x = &e.layer.extra;
        let code = match self.0 {
            Activation::LeakyRelu if x.slope != DEFAULT_SLOPE => {
                format!("nn.LeakyReLU(negative_slope={})", x.slope)
            }
            Activation::Gelu if x.tanh => "nn.GELU(approximate=\"tanh\")".to_string(),
            a => pytorch_activation(a),
        };
        out.push((format!("l{}", e.number), code));
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let (name, x) = (e.keras_name(), &e.layer.extra);
        out.push(match self.0 {
            Activation::Relu => format!("layers.ReLU({name})"),
            Activation::Softmax => format!("layers.Softmax({name})"),
            Activation::LeakyRelu => {
                format!("layers.LeakyReLU(negative_slope={}, {name})", x.slope)
            }
            Activation::Gelu if x.tanh => format!(
                "layers.Activation(lambda v: keras.activations.gelu(v, approximate=True), {name})"
            ),
            a => format!(
                "layers.Activation(\"{}\", {name})",
                keras_activation_name(a)
            ),
        });
        Ok(())
    }
}

/// PReLU's learned slopes on `input`: one, or one per channel (dim 1).
fn slopes(layer: &Layer, input: Shape) -> u64 {
    if layer.extra.per_channel {
        input.channels()
    } else {
        1
    }
}

impl Family for Prelu {
    fn fields(&self) -> &'static [Field] {
        &[Field::PerChannel]
    }

    fn spatial(&self) -> Spatial {
        Spatial::Pointwise
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        Ok(Step {
            params: slopes(layer, input),
            ..Step::passthrough(input)
        })
    }

    fn params_line(&self, layer: &Layer, input: Shape, result: &str, _k: Kernels) -> String {
        if layer.extra.per_channel {
            format!(
                "{} = {result}  {}",
                input.channels(),
                t!("act-a-slope-per-channel")
            )
        } else {
            format!("1 = {result}  {}", t!("act-one-slope-for-all"))
        }
    }

    fn label(&self, layer: &Layer) -> String {
        if layer.extra.per_channel {
            "prelu per-channel".to_string()
        } else {
            "prelu".to_string()
        }
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        out.push((
            format!("l{}", e.number),
            format!("nn.PReLU({})", slopes(e.layer, e.input)),
        ));
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        // Keras learns a slope per value unless axes share one; channels
        // are last in its maps, first of a 2-D tensor.
        let rank = e.input.rank();
        let shared: Vec<String> = match (e.layer.extra.per_channel, e.input) {
            (true, Shape::Matrix { .. }) => vec!["2".into()],
            (true, _) => (1..rank).map(|a| a.to_string()).collect(),
            (false, _) => (1..=rank).map(|a| a.to_string()).collect(),
        };
        out.push(format!(
            "layers.PReLU(shared_axes=[{}], {})",
            shared.join(", "),
            e.keras_name()
        ));
        Ok(())
    }
}

impl Family for StarRelu {
    fn spatial(&self) -> Spatial {
        Spatial::Pointwise
    }

    fn step(&self, _layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        Ok(Step {
            params: 2,
            ..Step::passthrough(input)
        })
    }

    fn params_line(&self, _layer: &Layer, _input: Shape, result: &str, _k: Kernels) -> String {
        format!("1 + 1 = {result}  {}", t!("act-one-scale-one-bias"))
    }

    fn label(&self, _layer: &Layer) -> String {
        "star_relu".to_string()
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        out.push((format!("l{}", e.number), "StarReLU()".to_string()));
    }

    fn pytorch_helpers(&self, _layer: &Layer) -> &'static [&'static str] {
        &[crate::export::helpers::STAR_RELU]
    }

    fn keras(&self, e: &Exported, _out: &mut Vec<String>) -> Result<(), ExportError> {
        Err(super::keras_has_none(e, "star_relu"))
    }
}

/// What an activation keeps for its gradient: its output (ReLU, sigmoid,
/// tanh, softmax: the derivative is a function of it), else its input.
/// Also what a conv's or dense layer's `activation` shorthand adds.
pub fn keeps(activation: Activation) -> super::Saved {
    match activation {
        Activation::Relu | Activation::Sigmoid | Activation::Tanh | Activation::Softmax => {
            super::Saved::OUTPUT
        }
        Activation::Gelu
        | Activation::Silu
        | Activation::Hardswish
        | Activation::Hardsigmoid
        | Activation::Relu6
        | Activation::Mish
        | Activation::Elu
        | Activation::LeakyRelu => super::Saved::INPUT,
    }
}

#[cfg(test)]
mod tests {
    use crate::family::try_step;
    use crate::layer::Kind;
    use crate::network::Shape;

    /// StarReLU learns two numbers whatever it is given, and keeps the shape.
    #[test]
    fn star_relu_learns_a_scale_and_a_bias() {
        for input in [Shape::Image { c: 64, h: 8, w: 8 }, Shape::Flat(7)] {
            let step = try_step(Kind::StarRelu, &[], input).unwrap();
            assert_eq!((step.params, step.output), (2, input));
        }
    }

    #[test]
    fn prelu_learns_one_slope_or_one_per_channel() {
        let map = Shape::Image { c: 64, h: 8, w: 8 };
        assert_eq!(try_step(Kind::Prelu, &[], map).unwrap().params, 1);
        assert_eq!(
            try_step(Kind::Prelu, &[("per_channel", "true")], map)
                .unwrap()
                .params,
            64
        );
        for kind in [
            Kind::Silu,
            Kind::Hardswish,
            Kind::Mish,
            Kind::LeakyRelu,
            Kind::Gelu,
        ] {
            let s = try_step(kind, &[], map).unwrap();
            assert_eq!((s.output, s.params), (map, 0), "{kind:?}");
        }
    }
}
