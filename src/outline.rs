//! A network as the lines of a tree table: every layer, with the layers a
//! container holds indented under it behind guides (`├ └ │`), a merge's
//! branches each under a line of their own. The `summary` table shows every
//! line; the explorer folds containers the user closed.
//!
//! A layer's path is its top-level index, then a (branch, index) pair for
//! each container on the way down (a block's layers are its branch 0), as
//! `Network::layer_at` reads it. A branch is named by its merge's path and
//! its own index.

use crate::engine::{Analysis, Row};
use crate::layer::{Kind, Layer};
use crate::network::Network;

/// One line of the tree table.
#[derive(Clone, Debug, PartialEq)]
pub struct Line<'a> {
    /// What the line shows.
    pub item: Item<'a>,
    /// The guides before the label: `│ ├ ` for a layer two levels down.
    pub guides: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Item<'a> {
    Layer {
        path: Vec<usize>,
        layer: &'a Layer,
        row: &'a Row,
    },
    /// Branch `branch` of the merge at `merge`, holding `layers` layers.
    Branch {
        merge: Vec<usize>,
        branch: usize,
        layers: usize,
    },
}

impl Line<'_> {
    /// The layer's path, or the merge's and then the branch's index.
    pub fn path(&self) -> Vec<usize> {
        match &self.item {
            Item::Layer { path, .. } => path.clone(),
            Item::Branch { merge, branch, .. } => {
                let mut p = merge.clone();
                p.push(*branch);
                p
            }
        }
    }
}

/// A row for layers that cannot be reached (inside a container that never
/// ran): no input, nothing computed.
static UNREACHABLE: Row = Row {
    input: None,
    output: None,
    params: None,
    macs: None,
    receptive_field: None,
    status: crate::engine::Status::Unreachable,
    activations: None,
    inner: Vec::new(),
};

/// Every line of the table below the input, containers opened where `open`
/// says so (it is asked with the container's path).
pub fn lines<'a>(
    net: &'a Network,
    analysis: &'a Analysis,
    open: &dyn Fn(&[usize]) -> bool,
) -> Vec<Line<'a>> {
    let mut out = Vec::with_capacity(net.layers.len());
    for (i, (layer, row)) in net.layers.iter().zip(&analysis.rows).enumerate() {
        let path = vec![i];
        let opened = layer.kind.is_container() && open(&path);
        out.push(Line {
            item: Item::Layer { path, layer, row },
            guides: String::new(),
        });
        if opened {
            inside(layer, row, &[i], "", open, &mut out);
        }
    }
    out
}

/// The lines under an open container at `path`, each behind `prefix`.
fn inside<'a>(
    layer: &'a Layer,
    row: &'a Row,
    path: &[usize],
    prefix: &str,
    open: &dyn Fn(&[usize]) -> bool,
    out: &mut Vec<Line<'a>>,
) {
    let rows = |b: usize| row.inner.get(b).map_or(&[][..], Vec::as_slice);
    if layer.kind == Kind::Block {
        let body = layer.branches.first().map_or(&[][..], Vec::as_slice);
        sequence(body, rows(0), path, 0, prefix, open, out);
        return;
    }
    let count = layer.branches.len();
    for (b, branch) in layer.branches.iter().enumerate() {
        let last = b + 1 == count;
        out.push(Line {
            item: Item::Branch {
                merge: path.to_vec(),
                branch: b,
                layers: branch.len(),
            },
            guides: format!("{prefix}{}", if last { "└ " } else { "├ " }),
        });
        let deeper = format!("{prefix}{}", if last { "  " } else { "│ " });
        sequence(branch, rows(b), path, b, &deeper, open, out);
    }
}

fn sequence<'a>(
    layers: &'a [Layer],
    rows: &'a [Row],
    parent: &[usize],
    branch: usize,
    prefix: &str,
    open: &dyn Fn(&[usize]) -> bool,
    out: &mut Vec<Line<'a>>,
) {
    for (i, layer) in layers.iter().enumerate() {
        let last = i + 1 == layers.len();
        let row = rows.get(i).unwrap_or(&UNREACHABLE);
        let mut path = parent.to_vec();
        path.extend([branch, i]);
        let opened = layer.kind.is_container() && open(&path);
        out.push(Line {
            item: Item::Layer {
                path: path.clone(),
                layer,
                row,
            },
            guides: format!("{prefix}{}", if last { "└ " } else { "├ " }),
        });
        if opened {
            let deeper = format!("{prefix}{}", if last { "  " } else { "│ " });
            inside(layer, row, &path, &deeper, open, out);
        }
    }
}

/// `branch 2`, or `branch 2: identity` when it holds no layers.
pub fn branch_label(branch: usize, layers: usize) -> String {
    if layers == 0 {
        t!("outline-branch-identity", n = (branch + 1).to_string())
    } else {
        t!("outline-branch", n = (branch + 1).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::analyze;

    #[test]
    fn a_residual_block_draws_its_branches_under_it() {
        let net = crate::file::parse(
            "input = [8, 8, 8]\n[[layer]]\ntype = \"add\"\n[[layer.branch]]\n\
             [[layer.branch.layer]]\ntype = \"conv2d\"\nfilters = 8\nkernel = 3\npadding = 1\n\
             [[layer.branch.layer]]\ntype = \"batchnorm\"\n[[layer.branch]]\n\
             [[layer]]\ntype = \"flatten\"\n",
        )
        .unwrap();
        let analysis = analyze(&net);
        let drawn: Vec<String> = lines(&net, &analysis, &|_| true)
            .iter()
            .map(|l| match &l.item {
                Item::Layer { layer, path, .. } => {
                    format!("{}{} {}", l.guides, net.path_label(path), layer.label())
                }
                Item::Branch { branch, layers, .. } => {
                    format!("{}{}", l.guides, branch_label(*branch, *layers))
                }
            })
            .collect();
        assert_eq!(
            drawn,
            [
                "1 add (2 branches)",
                "├ branch 1",
                "│ ├ 1.1.1 conv 3×3 ×8 s1 p1",
                "│ └ 1.1.2 batchnorm",
                "└ branch 2: identity",
                "2 flatten",
            ]
        );
        assert_eq!(lines(&net, &analysis, &|_| false).len(), 2, "folded");
    }
}
