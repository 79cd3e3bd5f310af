//! Export to framework code: a complete Python module that builds the network
//! in PyTorch (`torch.nn.Sequential`, with `Add`, `Concat` and `Block` module
//! classes for containers) or Keras (`keras.Sequential`, or the functional
//! API with `layers.Add` and `layers.Concatenate` when the network branches)
//! so that the framework's own shapes and parameter counts equal layerlab's.
//!
//! Settings without a direct equivalent are translated, not dropped: `"same"`
//! padding with a stride becomes explicit (possibly uneven) padding in
//! PyTorch, integer padding and `ceil_mode` become `ZeroPadding2D` in Keras.
//! What cannot be expressed (shared kernels, a broken layer) is refused.
//!
//! Each layerlab layer `n` is the module named `l{n}`; padding before it is
//! `l{n}_pad` and its activation `l{n}_{name}`; inside containers, layer i of
//! branch b is `l{n}_{b}_{i}` and of a block's repetition r `l{n}_{r}_{i}`. `scripts/check_export.py`
//! uses these names to compare every layer's shape with layerlab's.

pub mod helpers;
mod keras;
mod pytorch;

use crate::engine::{Analysis, AxisFit, Row, Status, analyze, axes};
use crate::family::Spatial;
use crate::layer::{Activation, Hw, Kind, Layer};
use crate::network::{Kernels, Network, Shape};
use crate::text::visible;
use crate::units::grouped;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Framework {
    Pytorch,
    Keras,
}

impl Framework {
    pub fn name(self) -> &'static str {
        match self {
            Framework::Pytorch => "PyTorch",
            Framework::Keras => "Keras",
        }
    }
}

/// Why a network cannot be exported faithfully.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportError(pub String);

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ExportError {}

/// The Python module for `net` in `framework`.
pub fn export(
    net: &Network,
    analysis: &Analysis,
    framework: Framework,
) -> Result<String, ExportError> {
    if net.kernels == Kernels::Shared {
        let name = framework.name();
        return Err(ExportError(t!(
            "export-kernels-shared-one-kernel-per",
            name = name.to_string()
        )));
    }
    if let Some(i) = analysis.error_at {
        let why = crate::words::status(analysis.rows[i].status).unwrap_or_default();
        let (n, name) = (i + 1, framework.name());
        return Err(ExportError(t!(
            "export-layer-n-cannot-be-computed",
            n = n.to_string(),
            why = why.to_string(),
            name = name.to_string()
        )));
    }
    let mut budget = MAX_EXPORTED;
    let layers = (net.layers.iter().zip(&analysis.rows).enumerate())
        .map(|(i, (layer, row))| node((i + 1).to_string(), layer, row, net.kernels, &mut budget))
        .collect::<Result<Vec<_>, _>>()?;
    match framework {
        Framework::Pytorch => pytorch::module(net, analysis, &layers),
        Framework::Keras => keras::module(net, analysis, &layers),
    }
}

/// The tied heads of `net` and the embeddings they borrow from, as
/// top-level layer numbers (1-based). A tie inside a container is refused:
/// the export names only top-level modules to tie.
fn ties(net: &Network) -> Result<Vec<(usize, usize)>, ExportError> {
    let mut out = Vec::new();
    for (i, layer) in net.layers.iter().enumerate() {
        let mut nested = false;
        for child in layer.children() {
            child.walk(&mut |l| nested |= l.kind == Kind::Dense && l.extra.tied);
        }
        if nested {
            return Err(ExportError(t!(
                "export-nested-tie",
                n = (i + 1).to_string()
            )));
        }
        if layer.kind != Kind::Dense || !layer.extra.tied {
            continue;
        }
        let borrowed = net.layers[..i]
            .iter()
            .rposition(|l| l.kind == Kind::Embedding && l.extra.vocab == layer.units);
        match borrowed {
            Some(e) => out.push((i + 1, e + 1)),
            None => {
                return Err(ExportError(t!(
                    "export-nested-tie",
                    n = (i + 1).to_string()
                )));
            }
        }
    }
    Ok(out)
}

/// Whether the input is token ids: an embedding reads it first.
fn reads_tokens(net: &Network) -> bool {
    net.layers
        .first()
        .is_some_and(|l| l.kind == Kind::Embedding)
}

/// Layers an export writes out at most: each repetition of a block is
/// written with its own weights, so a huge `repeat` would make a huge file.
const MAX_EXPORTED: usize = 20_000;

/// A layer to write, with what a container holds.
pub enum Node<'a> {
    Plain(Exported<'a>),
    /// `add` or `concat`, and the layers of each branch.
    Merge(Exported<'a>, Vec<Vec<Node<'a>>>),
    /// A block, and the layers of each of its repetitions.
    Block(Exported<'a>, Vec<Vec<Node<'a>>>),
}

impl<'a> Node<'a> {
    pub fn exported(&self) -> &Exported<'a> {
        match self {
            Node::Plain(e) | Node::Merge(e, _) | Node::Block(e, _) => e,
        }
    }
}

/// The node for `layer`, named `l{id}`: a merge's branch b layer i is
/// `l{id}_{b}_{i}`, a block's repetition r layer i `l{id}_{r}_{i}` (1-based).
fn node<'a>(
    id: String,
    layer: &'a Layer,
    row: &Row,
    kernels: Kernels,
    budget: &mut usize,
) -> Result<Node<'a>, ExportError> {
    *budget = budget.checked_sub(1).ok_or_else(|| {
        ExportError(t!(
            "export-too-many-layers",
            max = grouped(MAX_EXPORTED as u64)
        ))
    })?;
    let e = Exported::new(
        id.clone(),
        layer,
        row.input,
        row.output,
        row.params,
        row.status,
    );
    let list = |prefix: String, layers: &'a [Layer], rows: &[Row], budget: &mut usize| {
        (layers.iter().zip(rows).enumerate())
            .map(|(i, (l, r))| node(format!("{prefix}_{}", i + 1), l, r, kernels, budget))
            .collect::<Result<Vec<_>, _>>()
    };
    Ok(match layer.kind.spatial() {
        Spatial::Block => {
            let body = layer.branches.first().map_or(&[][..], Vec::as_slice);
            let mut shape = e.input;
            let mut repetitions = Vec::new();
            // A shared block's passes run one body: it is written once.
            let written = if layer.extra.shared {
                1
            } else {
                layer.repeat.get()
            };
            for r in 1..=written {
                // Each repetition sees the shape the one before left.
                let sub = Network {
                    name: String::new(),
                    input: shape,
                    kernels,
                    budget: Default::default(),
                    layers: body.to_vec(),
                };
                let rows = analyze(&sub).rows;
                repetitions.push(list(format!("{id}_{r}"), body, &rows, budget)?);
                shape = rows.last().and_then(|r| r.output).unwrap_or(shape);
            }
            Node::Block(e, repetitions)
        }
        Spatial::Merge(_) => {
            let mut branches = Vec::new();
            for (b, branch) in layer.branches.iter().enumerate() {
                let rows = row.inner.get(b).map_or(&[][..], Vec::as_slice);
                branches.push(list(format!("{id}_{}", b + 1), branch, rows, budget)?);
            }
            Node::Merge(e, branches)
        }
        Spatial::Pointwise
        | Spatial::Window { .. }
        | Spatial::Transpose
        | Spatial::Upsample
        | Spatial::Adaptive
        | Spatial::ZeroPad
        | Spatial::PixelShuffle
        | Spatial::Ends => Node::Plain(e),
    })
}

/// One layer with everything the code writers need (each family writes
/// its own code from this, see `family`).
pub struct Exported<'a> {
    /// The layer is module `l{number}`: `5` for top-level layer 5, `5_2_1`
    /// for layer 1 of branch 2 of layer 5 (see `node`).
    pub number: String,
    pub layer: &'a Layer,
    pub input: Shape,
    pub output: Shape,
    /// Zeros the windows reach on each side: ((top, bottom), (left, right)).
    pub pad: ((u64, u64), (u64, u64)),
    pub comment: String,
}

impl<'a> Exported<'a> {
    fn new(
        id: String,
        layer: &'a Layer,
        input: Option<Shape>,
        output: Option<Shape>,
        params: Option<u64>,
        status: Status,
    ) -> Exported<'a> {
        // Only called on a network without broken layers: shapes are known.
        let (input, output) = (
            input.unwrap_or(Shape::Flat(0)),
            output.unwrap_or(Shape::Flat(0)),
        );
        let pad = match input {
            Shape::Image { h, w, .. } if layer.kind.has_window() => {
                let [ah, aw] = axes(layer, Hw { h, w });
                let pad_of = |fit: AxisFit| match fit {
                    AxisFit::Fits(o) => o.pad,
                    _ => (0, 0),
                };
                (pad_of(ah.output()), pad_of(aw.output()))
            }
            _ => ((0, 0), (0, 0)),
        };
        let mut comment = format!("{}: {} → {}", id.replace('_', "."), layer.label(), output);
        if let Some(p) = params.filter(|&p| p > 0) {
            comment.push_str(&format!(", {} params", grouped(p)));
        }
        if matches!(status, Status::Warning(_)) {
            comment.push_str(" (drops edge pixels)");
        }
        Exported {
            number: id,
            layer,
            input,
            output,
            pad,
            comment,
        }
    }

    /// Input channels, or features of a vector.
    pub fn channels(&self) -> u64 {
        self.input.channels()
    }

    /// Whether the padding is the same on both sides of each axis.
    pub fn is_even(&self) -> bool {
        let ((t, b), (l, r)) = self.pad;
        t == b && l == r
    }

    /// `name="l4"`: how Keras names the layer.
    pub fn keras_name(&self) -> String {
        format!("name=\"l{}\"", self.number)
    }

    /// Explicit zero padding before the layer, as Keras writes it.
    pub fn keras_zero_padding(&self) -> String {
        let ((top, bottom), (left, right)) = self.pad;
        let n = &self.number;
        format!("layers.ZeroPadding2D((({top}, {bottom}), ({left}, {right})), name=\"l{n}_pad\")")
    }

    /// `activation="relu"` for a conv or dense layer that carries one.
    pub fn keras_activation(&self) -> Option<String> {
        (self.layer.activation)
            .filter(|_| self.layer.kind.carries_activation())
            .map(|a| format!("activation=\"{}\"", keras_activation_name(a)))
    }
}

/// `(5, 5)`
pub fn pair(hw: Hw) -> String {
    format!("({}, {})", hw.h, hw.w)
}

/// The PyTorch module for an activation.
pub fn pytorch_activation(a: Activation) -> String {
    match a {
        Activation::Relu => "nn.ReLU()",
        Activation::Sigmoid => "nn.Sigmoid()",
        Activation::Tanh => "nn.Tanh()",
        // Over channels (dimension 1), as Keras applies it on its last axis.
        Activation::Softmax => "nn.Softmax(dim=1)",
        Activation::Gelu => "nn.GELU()",
        Activation::Silu => "nn.SiLU()",
        Activation::Hardswish => "nn.Hardswish()",
        Activation::Hardsigmoid => "nn.Hardsigmoid()",
        Activation::Relu6 => "nn.ReLU6()",
        Activation::Mish => "nn.Mish()",
        Activation::Elu => "nn.ELU()",
        Activation::LeakyRelu => "nn.LeakyReLU()",
    }
    .to_string()
}

/// Keras's name for an activation.
pub fn keras_activation_name(a: Activation) -> &'static str {
    match a {
        Activation::Hardswish => "hard_swish",
        Activation::Hardsigmoid => "hard_sigmoid",
        Activation::Relu
        | Activation::Sigmoid
        | Activation::Tanh
        | Activation::Softmax
        | Activation::Gelu
        | Activation::Silu
        | Activation::Relu6
        | Activation::Mish
        | Activation::Elu
        | Activation::LeakyRelu => a.name(),
    }
}

/// A one-line docstring-safe description of the network.
fn heading(net: &Network, analysis: &Analysis, framework: Framework) -> String {
    let total = analysis
        .totals
        .params
        .map_or_else(|| "—".to_string(), grouped);
    let order = match net.input {
        Shape::Image { .. } | Shape::Volume { .. } => " (channels first)",
        _ => "",
    };
    format!(
        "{} as a {} model, exported by layerlab: input {:?}{order}, {total} parameters.",
        visible(&net.name).replace('\\', "/").replace('"', "'"),
        framework.name(),
        net.input.to_vec()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::analyze;

    #[test]
    fn shared_kernels_and_broken_networks_are_refused() {
        let mut net = crate::presets::load("lenet").unwrap();
        net.kernels = Kernels::Shared;
        let err = export(&net, &analyze(&net), Framework::Pytorch).unwrap_err();
        assert!(err.0.starts_with("kernels = \"shared\""), "{err}");
        let broken = crate::presets::load("lenet-stride2").unwrap();
        let err = export(&broken, &analyze(&broken), Framework::Keras).unwrap_err();
        assert_eq!(
            err.0,
            "layer 4 cannot be computed (input 1×1 is smaller than the 2×2 pooling window); \
             Keras would refuse to build it: fix it first"
        );
    }
}
