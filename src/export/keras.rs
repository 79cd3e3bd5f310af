//! The Keras module: `keras.Sequential`, channels last.

use super::{ExportError, Exported, Framework, heading};
use crate::engine::Analysis;
use crate::family;
use crate::network::{Network, Shape};

pub(super) fn module(
    net: &Network,
    analysis: &Analysis,
    layers: &[Exported],
) -> Result<String, ExportError> {
    let mut body = String::new();
    for e in layers {
        body.push_str(&format!("        # {}\n", e.comment));
        for code in keras_layers(e)? {
            let comma = if code.starts_with('#') { "" } else { "," };
            body.push_str(&format!("        {code}{comma}\n"));
        }
    }
    let input = channels_last(net.input);
    let output = channels_last(layers.last().map_or(net.input, |e| e.output));
    let params = analysis.totals.params.unwrap_or(0);
    Ok(format!(
        r#""""{heading}"""
import keras
from keras import layers

INPUT_SHAPE = {input}  # Keras puts channels last: (height, width, channels)
EXPECTED_OUTPUT = {output}
EXPECTED_PARAMS = {params}


def build() -> keras.Sequential:
    return keras.Sequential([
        keras.Input(shape=INPUT_SHAPE),
{body}    ])


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

/// `(28, 28, 1)` or `(10,)`.
fn channels_last(shape: Shape) -> String {
    match shape {
        Shape::Image { c, h, w } => format!("({h}, {w}, {c})"),
        Shape::Flat(n) => format!("({n},)"),
    }
}

/// The Keras layers for one layerlab layer, from its family (which writes
/// the activation it carries as Keras's `activation=` argument).
fn keras_layers(e: &Exported) -> Result<Vec<String>, ExportError> {
    let mut out = Vec::new();
    family::of(e.layer.kind).keras(e, &mut out)?;
    Ok(out)
}
