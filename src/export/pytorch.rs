//! The PyTorch module: `torch.nn.Sequential` of named modules.

use super::{ExportError, Exported, Framework, heading, pytorch_activation};
use crate::engine::Analysis;
use crate::family;
use crate::network::Network;

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

/// The named modules for one layerlab layer, in order: what its family
/// writes, then the activation it carries, if any.
fn modules(e: &Exported) -> Vec<(String, String)> {
    let mut out = Vec::new();
    family::of(e.layer.kind).pytorch(e, &mut out);
    if let Some(a) = (e.layer.activation).filter(|_| e.layer.kind.carries_activation()) {
        out.push((format!("l{}_{}", e.number, a.name()), pytorch_activation(a)));
    }
    out
}
