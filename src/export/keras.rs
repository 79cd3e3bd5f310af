//! The Keras module: `keras.Sequential`, channels last.

use super::{ExportError, Exported, Framework, heading, pair};
use crate::engine::Analysis;
use crate::lang::tr;
use crate::layer::{Activation, Hw, Kind, Padding};
use crate::network::{Network, Shape};
use crate::size::Size;

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

fn keras_layers(e: &Exported) -> Result<Vec<String>, ExportError> {
    let n = e.number;
    let l = e.layer;
    let name = format!("name=\"l{n}\"");
    let ((top, bottom), (left, right)) = e.pad;
    let zero_padding = || {
        format!("layers.ZeroPadding2D((({top}, {bottom}), ({left}, {right})), name=\"l{n}_pad\")")
    };
    let activation = l
        .activation
        .filter(|_| matches!(l.kind, Kind::Conv2d | Kind::Dense))
        .map(|a| format!("activation=\"{}\"", a.name()));
    let mut out = Vec::new();
    match l.kind {
        Kind::Conv2d => {
            let stride = l.stride();
            if l.dilation != Hw::square(1) && stride != Hw::square(1) {
                let label = l.label();
                return Err(ExportError(tr(
                    format!(
                        "layer {n} ({label}): Keras cannot combine a stride above 1 with dilation above 1 in \
                         one Conv2D; use stride 1 or dilation 1 there to export to Keras"
                    ),
                    format!(
                        "слой {n} ({label}): в Keras у Conv2D не может быть сразу шаг больше 1 и \
                         прореживание больше 1; поставьте там шаг 1 или прореживание 1"
                    ),
                )));
            }
            let mut args = vec![l.filters.to_string(), pair(l.kernel)];
            if stride != Hw::square(1) {
                args.push(format!("strides={}", pair(stride)));
            }
            match l.padding {
                Padding::Same => args.push("padding=\"same\"".into()),
                Padding::Explicit(p) if p != Hw::square(0) => out.push(zero_padding()),
                _ => {}
            }
            if l.dilation != Hw::square(1) {
                args.push(format!("dilation_rate={}", pair(l.dilation)));
            }
            if l.groups != Size::ONE {
                args.push(format!("groups={}", l.groups));
            }
            if !l.bias {
                args.push("use_bias=False".into());
            }
            args.extend(activation);
            args.push(name);
            out.push(format!("layers.Conv2D({})", args.join(", ")));
        }
        Kind::MaxPool | Kind::AvgPool => {
            let mut args = vec![
                format!("pool_size={}", pair(l.kernel)),
                format!("strides={}", pair(l.stride())),
            ];
            match l.padding {
                Padding::Same => args.push("padding=\"same\"".into()),
                // Integer padding and ceil_mode: pad explicitly, ceil_mode's
                // overhanging last window as extra zeros at the bottom/right.
                _ if top + bottom + left + right > 0 => {
                    if l.kind == Kind::MaxPool {
                        out.push(
                            "# PyTorch pads max-pooling with −∞; zeros give the same shapes".into(),
                        );
                    }
                    out.push(zero_padding());
                }
                _ => {}
            }
            args.push(name);
            let class = if l.kind == Kind::MaxPool {
                "MaxPooling2D"
            } else {
                "AveragePooling2D"
            };
            out.push(format!("layers.{class}({})", args.join(", ")));
        }
        Kind::Flatten => out.push(format!("layers.Flatten({name})")),
        Kind::Dense => {
            let mut args = vec![l.units.to_string()];
            if !l.bias {
                args.push("use_bias=False".into());
            }
            args.extend(activation);
            args.push(name);
            out.push(format!("layers.Dense({})", args.join(", ")));
        }
        Kind::BatchNorm => out.push(format!("layers.BatchNormalization({name})")),
        Kind::Dropout => out.push(format!("layers.Dropout({}, {name})", l.rate)),
        Kind::GlobalAvgPool => out.push(format!("layers.GlobalAveragePooling2D({name})")),
        Kind::Relu => out.push(format!("layers.ReLU({name})")),
        Kind::Sigmoid => out.push(format!(
            "layers.Activation(\"{}\", {name})",
            Activation::Sigmoid.name()
        )),
        Kind::Tanh => out.push(format!(
            "layers.Activation(\"{}\", {name})",
            Activation::Tanh.name()
        )),
        Kind::Softmax => out.push(format!("layers.Softmax({name})")),
    }
    Ok(out)
}
