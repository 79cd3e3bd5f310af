//! The PyTorch module: `torch.nn.Sequential` of named modules, with a
//! module class per container kind when the network branches.

use super::{ExportError, Exported, Framework, Node, heading, pytorch_activation};
use crate::engine::Analysis;
use crate::family::{self, Meet, Spatial};
use crate::layer::Kind;
use crate::network::Network;

/// The classes for containers, written only when the network has them.
const ADD: &str = r#"
class Add(nn.Module):
    """layerlab's `add`: runs every branch on the input and sums them
    (an empty branch is the identity; shapes must match, no broadcasting)."""

    def __init__(self, *branches):
        super().__init__()
        self.branches = nn.ModuleList(branches)

    def forward(self, x):
        outputs = [branch(x) for branch in self.branches]
        total = outputs[0]
        for y in outputs[1:]:
            assert y.shape == total.shape, "add: the branches' shapes differ"
            total = total + y
        return total
"#;

const CONCAT: &str = r#"
class Concat(nn.Module):
    """layerlab's `concat`: runs every branch on the input and joins them
    along channels (features, for vectors)."""

    def __init__(self, *branches):
        super().__init__()
        self.branches = nn.ModuleList(branches)

    def forward(self, x):
        return torch.cat([branch(x) for branch in self.branches], dim=1)
"#;

const BLOCK: &str = r#"
class Block(nn.Sequential):
    """layerlab's `block`: its repetitions one after another, each with its
    own weights (a Sequential of Sequentials)."""
"#;

pub(super) fn module(
    net: &Network,
    analysis: &Analysis,
    layers: &[Node],
) -> Result<String, ExportError> {
    let body = entries(layers, 2);
    let mut classes = String::new();
    for (kind, code) in [
        (Kind::Add, ADD),
        (Kind::Concat, CONCAT),
        (Kind::Block, BLOCK),
    ] {
        if uses(layers, kind) {
            classes.push_str(code);
            classes.push('\n');
        }
    }
    // The helper classes the layers ask for, each once, in the order met.
    let mut helpers: Vec<&str> = Vec::new();
    for layer in &net.layers {
        layer.walk(&mut |l| {
            for &code in family::of(l.kind).pytorch_helpers(l) {
                if !helpers.contains(&code) {
                    helpers.push(code);
                }
            }
        });
    }
    for code in helpers {
        classes.push_str(code);
        classes.push('\n');
    }
    let ties = super::ties(net)?
        .iter()
        .map(|(head, embedding)| {
            format!("    model.l{head}.weight = model.l{embedding}.weight  # tied: one table\n")
        })
        .collect::<String>();
    // Token ids are integers; everything else is float.
    let dtype = if super::reads_tokens(net) {
        "torch.long"
    } else {
        "torch.float32"
    };
    let input = tuple(&net.input.to_vec());
    let last = layers.last().map_or(net.input, |n| n.exported().output);
    let output = tuple(&last.to_vec());
    let params = analysis.totals.params.unwrap_or(0);
    Ok(format!(
        r#""""{heading}"""
from collections import OrderedDict

import torch
from torch import nn

INPUT_SHAPE = {input}
EXPECTED_OUTPUT = {output}
EXPECTED_PARAMS = {params}

{classes}
def build() -> nn.Sequential:
    model = nn.Sequential(OrderedDict([
{body}    ]))
{ties}    return model


def example_input():
    return torch.zeros(1, *INPUT_SHAPE, dtype={dtype})


if __name__ == "__main__":
    model = build().eval()
    output = model(example_input())
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    print("output", tuple(output.shape[1:]), "parameters", params)
    assert tuple(output.shape[1:]) == EXPECTED_OUTPUT, "output shape differs from layerlab's"
    assert params == EXPECTED_PARAMS, "parameter count differs from layerlab's"
"#,
        heading = heading(net, analysis, Framework::Pytorch),
    ))
}

/// Whether any node, at any depth, is a container of `kind`.
fn uses(nodes: &[Node], kind: Kind) -> bool {
    nodes.iter().any(|n| match n {
        Node::Plain(_) => false,
        Node::Merge(e, inner) | Node::Block(e, inner) => {
            e.layer.kind == kind || inner.iter().any(|list| uses(list, kind))
        }
    })
}

/// The `("name", module),` lines of an OrderedDict for `nodes`, each
/// layer's comment first, indented by `depth` levels of four spaces.
fn entries(nodes: &[Node], depth: usize) -> String {
    let pad = "    ".repeat(depth);
    let mut out = String::new();
    for node in nodes {
        let e = node.exported();
        out.push_str(&format!("{pad}# {}\n", e.comment));
        match node {
            Node::Plain(_) => {
                for (name, code) in modules(e) {
                    out.push_str(&format!("{pad}(\"{name}\", {code}),\n"));
                }
            }
            Node::Merge(_, inner) | Node::Block(_, inner) => {
                let class = match e.layer.kind.spatial() {
                    Spatial::Merge(Meet::Add) => "Add(".to_string(),
                    Spatial::Merge(Meet::Concat) => "Concat(".to_string(),
                    Spatial::Merge(Meet::Multiply) => "Multiply(".to_string(),
                    // One body run `repeat` times with the same weights.
                    Spatial::Block if e.layer.extra.shared => format!("Shared({},", e.layer.repeat),
                    // Only containers are merges and blocks.
                    _ => "Block(".to_string(),
                };
                out.push_str(&format!("{pad}(\"l{}\", {class}\n", e.number));
                for list in inner {
                    if list.is_empty() {
                        out.push_str(&format!("{pad}    nn.Sequential(),  # the identity\n"));
                        continue;
                    }
                    out.push_str(&format!("{pad}    nn.Sequential(OrderedDict([\n"));
                    out.push_str(&entries(list, depth + 2));
                    out.push_str(&format!("{pad}    ])),\n"));
                }
                out.push_str(&format!("{pad})),\n"));
                // The merge's activation, after it.
                if let Some((name, code)) = activation(e) {
                    out.push_str(&format!("{pad}(\"{name}\", {code}),\n"));
                }
            }
        }
    }
    out
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
    out.extend(activation(e));
    out
}

fn activation(e: &Exported) -> Option<(String, String)> {
    let a = (e.layer.activation).filter(|_| e.layer.kind.carries_activation())?;
    Some((format!("l{}_{}", e.number, a.name()), pytorch_activation(a)))
}
