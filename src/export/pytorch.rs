//! The PyTorch module: `torch.nn.Sequential` of named modules.

use super::{ExportError, Exported, Framework, heading, pair};
use crate::engine::Analysis;
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
        for (name, code) in modules(e) {
            body.push_str(&format!("        (\"{name}\", {code}),\n"));
        }
    }
    let input = tuple(&net.input.to_vec());
    let output = tuple(&layers.last().map_or(net.input, |e| e.output).to_vec());
    let params = analysis.totals.params.unwrap_or(0);
    Ok(format!(
        r#""""{heading}"""
from collections import OrderedDict

import torch
from torch import nn

INPUT_SHAPE = {input}
EXPECTED_OUTPUT = {output}
EXPECTED_PARAMS = {params}


def build() -> nn.Sequential:
    return nn.Sequential(OrderedDict([
{body}    ]))


if __name__ == "__main__":
    model = build().eval()
    output = model(torch.zeros(1, *INPUT_SHAPE))
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    print("output", tuple(output.shape[1:]), "parameters", params)
    assert tuple(output.shape[1:]) == EXPECTED_OUTPUT, "output shape differs from layerlab's"
    assert params == EXPECTED_PARAMS, "parameter count differs from layerlab's"
"#,
        heading = heading(net, analysis, Framework::Pytorch),
    ))
}

/// `(1, 28, 28)` or `(10,)`.
fn tuple(dims: &[u64]) -> String {
    match dims {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            dims.iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The named modules for one layerlab layer, in order.
fn modules(e: &Exported) -> Vec<(String, String)> {
    let n = e.number;
    let l = e.layer;
    let mut out = Vec::new();
    let ((top, bottom), (left, right)) = e.pad;
    let mut args: Vec<String> = Vec::new();
    match l.kind {
        Kind::Conv2d => {
            args.push(format!("{}, {}", e.channels(), l.filters));
            args.push(format!("kernel_size={}", pair(l.kernel)));
            if l.stride() != Hw::square(1) {
                args.push(format!("stride={}", pair(l.stride())));
            }
            match l.padding {
                Padding::Valid => {}
                Padding::Explicit(p) if p == Hw::square(0) => {}
                Padding::Explicit(p) => args.push(format!("padding={}", pair(p))),
                // "same" as TensorFlow pads: evenly when it can, else the
                // extra zero goes after (bottom, right), which PyTorch's
                // symmetric `padding` cannot say.
                Padding::Same if e.is_even() => {
                    if top > 0 || left > 0 {
                        args.push(format!("padding=({top}, {left})"));
                    }
                }
                Padding::Same => out.push((
                    format!("l{n}_pad"),
                    format!("nn.ZeroPad2d(({left}, {right}, {top}, {bottom}))"),
                )),
            }
            if l.dilation != Hw::square(1) {
                args.push(format!("dilation={}", pair(l.dilation)));
            }
            if l.groups != Size::ONE {
                args.push(format!("groups={}", l.groups));
            }
            if !l.bias {
                args.push("bias=False".into());
            }
            out.push((format!("l{n}"), format!("nn.Conv2d({})", args.join(", "))));
        }
        Kind::MaxPool | Kind::AvgPool => {
            let max = l.kind == Kind::MaxPool;
            args.push(format!("kernel_size={}", pair(l.kernel)));
            args.push(format!("stride={}", pair(l.stride())));
            let fits_inside = top <= l.kernel.h / 2 && left <= l.kernel.w / 2;
            match l.padding {
                Padding::Valid => {}
                Padding::Explicit(p) if p == Hw::square(0) => {}
                Padding::Explicit(p) => args.push(format!("padding={}", pair(p))),
                Padding::Same if e.is_even() && fits_inside => {
                    if top > 0 || left > 0 {
                        args.push(format!("padding=({top}, {left})"));
                        if !max {
                            // Keras averages only the image pixels at the border.
                            args.push("count_include_pad=False".into());
                        }
                    }
                }
                Padding::Same => {
                    let pads = format!("({left}, {right}, {top}, {bottom})");
                    out.push((
                        format!("l{n}_pad"),
                        if max {
                            // Padding that never wins a max, as Keras pads.
                            format!("nn.ConstantPad2d({pads}, float(\"-inf\"))")
                        } else {
                            // Same shapes; Keras would leave the zeros out of the average.
                            format!("nn.ZeroPad2d({pads})")
                        },
                    ));
                }
            }
            if l.ceil_mode && l.padding != Padding::Same {
                args.push("ceil_mode=True".into());
            }
            let class = if max { "MaxPool2d" } else { "AvgPool2d" };
            out.push((format!("l{n}"), format!("nn.{class}({})", args.join(", "))));
        }
        Kind::Flatten => out.push((format!("l{n}"), "nn.Flatten()".into())),
        Kind::Dense => {
            let bias = if l.bias { "" } else { ", bias=False" };
            out.push((
                format!("l{n}"),
                format!("nn.Linear({}, {}{bias})", e.channels(), l.units),
            ));
        }
        Kind::BatchNorm => {
            let class = match e.input {
                Shape::Image { .. } => "BatchNorm2d",
                Shape::Flat(_) => "BatchNorm1d",
            };
            out.push((format!("l{n}"), format!("nn.{class}({})", e.channels())));
        }
        Kind::Dropout => out.push((format!("l{n}"), format!("nn.Dropout(p={})", l.rate))),
        Kind::GlobalAvgPool => {
            out.push((format!("l{n}_pool"), "nn.AdaptiveAvgPool2d(1)".into()));
            out.push((format!("l{n}"), "nn.Flatten()".into()));
        }
        Kind::Relu => out.push((format!("l{n}"), activation(Activation::Relu))),
        Kind::Sigmoid => out.push((format!("l{n}"), activation(Activation::Sigmoid))),
        Kind::Tanh => out.push((format!("l{n}"), activation(Activation::Tanh))),
        Kind::Softmax => out.push((format!("l{n}"), activation(Activation::Softmax))),
    }
    if let Some(a) = l
        .activation
        .filter(|_| matches!(l.kind, Kind::Conv2d | Kind::Dense))
    {
        out.push((format!("l{n}_{}", a.name()), activation(a)));
    }
    out
}

fn activation(a: Activation) -> String {
    match a {
        Activation::Relu => "nn.ReLU()",
        Activation::Sigmoid => "nn.Sigmoid()",
        Activation::Tanh => "nn.Tanh()",
        // Over channels (dimension 1), as Keras applies it on its last axis.
        Activation::Softmax => "nn.Softmax(dim=1)",
    }
    .to_string()
}
