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
    cache: None,
    inactive: 0,
    peak: None,
    inner: Vec::new(),
};

/// Every line of the table below the input, containers opened where `open`
/// says so (it is asked with the container's path).
pub fn lines<'a>(
    net: &'a Network,
    analysis: &'a Analysis,
    open: &dyn Fn(&[usize]) -> bool,
) -> Vec<Line<'a>> {
    lines_in(net, analysis, open, 0..usize::MAX)
}

/// How many lines `lines` would give, without making them.
pub fn count(net: &Network, analysis: &Analysis, open: &dyn Fn(&[usize]) -> bool) -> usize {
    let mut walk = Walk::new(open, usize::MAX..usize::MAX);
    walk.list(&net.layers, &analysis.rows);
    walk.index
}

/// Lines `range` of `lines` (fewer at the end), making only those: the
/// explorer draws a screenful of a 10,000-layer tree on every keystroke.
pub fn lines_in<'a>(
    net: &'a Network,
    analysis: &'a Analysis,
    open: &dyn Fn(&[usize]) -> bool,
    range: std::ops::Range<usize>,
) -> Vec<Line<'a>> {
    let mut walk = Walk::new(open, range);
    walk.list(&net.layers, &analysis.rows);
    walk.out
}

/// A depth-first walk over the lines, counting them all and making those
/// in `range`.
struct Walk<'o, 'a> {
    open: &'o dyn Fn(&[usize]) -> bool,
    range: std::ops::Range<usize>,
    /// The number of the next line.
    index: usize,
    out: Vec<Line<'a>>,
    /// The path of the list being walked (see `Network::list`), then the index.
    path: Vec<usize>,
    /// For each level of guides: whether that level's item was the last.
    lasts: Vec<bool>,
}

impl<'o, 'a> Walk<'o, 'a> {
    fn new(open: &'o dyn Fn(&[usize]) -> bool, range: std::ops::Range<usize>) -> Self {
        Walk {
            open,
            range,
            index: 0,
            out: Vec::new(),
            path: Vec::new(),
            lasts: Vec::new(),
        }
    }

    fn done(&self) -> bool {
        self.index >= self.range.end
    }

    /// `│ ├ ` for the current level's guides.
    fn guides(&self) -> String {
        let mut g = String::new();
        if let Some((last, above)) = self.lasts.split_last() {
            for &l in above {
                g.push_str(if l { "  " } else { "│ " });
            }
            g.push_str(if *last { "└ " } else { "├ " });
        }
        g
    }

    fn emit(&mut self, item: impl FnOnce(&Self) -> Item<'a>) {
        if self.range.contains(&self.index) {
            let line = Line {
                item: item(self),
                guides: self.guides(),
            };
            self.out.push(line);
        }
        self.index += 1;
    }

    /// The layers of one list, with their rows (missing rows: unreachable).
    fn list(&mut self, layers: &'a [Layer], rows: &'a [Row]) {
        let nested = !self.path.is_empty();
        for (i, layer) in layers.iter().enumerate() {
            if self.done() {
                return;
            }
            let row = rows.get(i).unwrap_or(&UNREACHABLE);
            self.path.push(i);
            if nested {
                self.lasts.push(i + 1 == layers.len());
            }
            self.emit(|w| Item::Layer {
                path: w.path.clone(),
                layer,
                row,
            });
            if layer.kind.is_container() && (self.open)(&self.path) {
                self.inside(layer, row);
            }
            if nested {
                self.lasts.pop();
            }
            self.path.pop();
        }
    }

    /// What an open container holds: a block's layers, or each branch of a
    /// merge under a line of its own.
    fn inside(&mut self, layer: &'a Layer, row: &'a Row) {
        let rows = |b: usize| row.inner.get(b).map_or(&[][..], Vec::as_slice);
        if layer.kind == Kind::Block {
            let body = layer.branches.first().map_or(&[][..], Vec::as_slice);
            self.path.push(0);
            self.list(body, rows(0));
            self.path.pop();
            return;
        }
        let count = layer.branches.len();
        for (b, branch) in layer.branches.iter().enumerate() {
            if self.done() {
                return;
            }
            self.lasts.push(b + 1 == count);
            self.emit(|w| Item::Branch {
                merge: w.path.clone(),
                branch: b,
                layers: branch.len(),
            });
            self.path.push(b);
            self.list(branch, rows(b));
            self.path.pop();
            self.lasts.pop();
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
        assert_eq!(count(&net, &analysis, &|_| true), 6);
        let middle = lines_in(&net, &analysis, &|_| true, 2..4);
        assert_eq!(middle.len(), 2);
        assert_eq!(middle[0].guides, "│ ├ ");
        assert_eq!(middle[1].path(), [0, 0, 1]);
    }
}
