//! The Keras module, channels last: `keras.Sequential` for a straight line
//! of layers, the functional API (`layers.Add`, `layers.Concatenate`) when
//! the network branches.

use super::{ExportError, Exported, Framework, Node, heading};
use crate::engine::Analysis;
use crate::family;
use crate::layer::Kind;
use crate::network::{Network, Shape};

pub(super) fn module(
    net: &Network,
    analysis: &Analysis,
    layers: &[Node],
) -> Result<String, ExportError> {
    let branching = layers.iter().any(|n| !matches!(n, Node::Plain(_)));
    let build = if branching {
        let mut body = String::new();
        functional(layers, "x", &mut body)?;
        format!(
            "def build() -> keras.Model:\n    inputs = keras.Input(shape=INPUT_SHAPE)\n    x = inputs\n{body}    return keras.Model(inputs, x)\n"
        )
    } else {
        let mut body = String::new();
        for node in layers {
            let e = node.exported();
            body.push_str(&format!("        # {}\n", e.comment));
            for code in keras_layers(e)? {
                let comma = if code.starts_with('#') { "" } else { "," };
                body.push_str(&format!("        {code}{comma}\n"));
            }
        }
        format!(
            "def build() -> keras.Sequential:\n    return keras.Sequential([\n        keras.Input(shape=INPUT_SHAPE),\n{body}    ])\n"
        )
    };
    let input = channels_last(net.input);
    let last = layers.last().map_or(net.input, |n| n.exported().output);
    let output = channels_last(last);
    let params = analysis.totals.params.unwrap_or(0);
    Ok(format!(
        r#""""{heading}"""
import keras
from keras import layers

INPUT_SHAPE = {input}  # Keras puts channels last: (height, width, channels)
EXPECTED_OUTPUT = {output}
EXPECTED_PARAMS = {params}


{build}

if __name__ == "__main__":
    model = build()
    model.summary()
    # Batch norm's moving mean and variance are not trained: layerlab, like
    # PyTorch, does not count them as parameters.
    params = sum(int(keras.ops.size(w)) for w in model.trainable_weights)
    output = tuple(model.output.shape[1:])
    print("output", output, "trainable parameters", params)
    assert output == EXPECTED_OUTPUT, "output shape differs from layerlab's"
    assert params == EXPECTED_PARAMS, "parameter count differs from layerlab's"
"#,
        heading = heading(net, analysis, Framework::Keras),
    ))
}

/// Functional-API lines for `nodes`, each taking and leaving the tensor in
/// the Python variable `var`.
fn functional(nodes: &[Node], var: &str, out: &mut String) -> Result<(), ExportError> {
    for node in nodes {
        let e = node.exported();
        out.push_str(&format!("    # {}\n", e.comment));
        match node {
            Node::Plain(e) => {
                for code in keras_layers(e)? {
                    if code.starts_with('#') {
                        out.push_str(&format!("    {code}\n"));
                    } else {
                        out.push_str(&format!("    {var} = {code}({var})\n"));
                    }
                }
            }
            Node::Block(e, repetitions) => {
                for list in repetitions {
                    functional(list, var, out)?;
                }
                // The block's own name, for what leaves it.
                let n = &e.number;
                out.push_str(&format!(
                    "    {var} = layers.Identity(name=\"l{n}\")({var})\n"
                ));
            }
            Node::Merge(e, branches) => {
                let n = &e.number;
                let mut names = Vec::new();
                for (b, list) in branches.iter().enumerate() {
                    let branch = format!("x{n}_{}", b + 1);
                    out.push_str(&format!("    {branch} = {var}\n"));
                    functional(list, &branch, out)?;
                    names.push(branch);
                }
                let merge = match (e.layer.kind, names.len()) {
                    // Keras merges need two inputs or more.
                    (_, 1) => format!("layers.Identity(name=\"l{n}\")({})", names[0]),
                    (Kind::Add, _) => format!("layers.Add(name=\"l{n}\")([{}])", names.join(", ")),
                    _ => format!(
                        "layers.Concatenate(axis=-1, name=\"l{n}\")([{}])",
                        names.join(", ")
                    ),
                };
                out.push_str(&format!("    {var} = {merge}\n"));
                if let Some(a) = e.layer.activation {
                    let a = a.name();
                    out.push_str(&format!(
                        "    {var} = layers.Activation(\"{a}\", name=\"l{n}_{a}\")({var})\n"
                    ));
                }
            }
        }
    }
    Ok(())
}

/// `(28, 28, 1)` or `(10,)`.
fn channels_last(shape: Shape) -> String {
    match shape {
        Shape::Image { c, h, w } => format!("({h}, {w}, {c})"),
        Shape::Flat(n) => format!("({n},)"),
        // Keras's Conv1D reads (L, C) where PyTorch's reads (C, L); a
        // sequence (L, E) is the same either way.
        Shape::Matrix { rows, cols } => format!("({rows}, {cols})"),
        Shape::Volume { c, d, h, w } => format!("({d}, {h}, {w}, {c})"),
    }
}

/// The Keras layers for one layerlab layer, from its family (which writes
/// the activation it carries as Keras's `activation=` argument).
fn keras_layers(e: &Exported) -> Result<Vec<String>, ExportError> {
    let mut out = Vec::new();
    family::of(e.layer.kind).keras(e, &mut out)?;
    Ok(out)
}
