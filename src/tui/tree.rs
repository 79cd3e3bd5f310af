//! The explorer's view of a tree: which containers are open, what each
//! table row is, and the actions that only trees have — folding, wrapping
//! a layer in a residual block, adding a branch.

use super::app::App;
use super::history::{Change, Path};
use crate::layer::{Kind, Layer, MAX_DEPTH};
use crate::outline::{self, Item, Line};

/// Networks with more layers than this (counting those inside containers)
/// open with their containers folded.
pub const FOLD_ABOVE: usize = 24;

/// What the selected row is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    Input,
    Layer(Path),
    /// Branch `branch` of the merge at `merge`.
    Branch {
        merge: Path,
        branch: usize,
    },
}

impl App {
    /// Whether the container at `path` shows what it holds.
    pub fn is_open(&self, path: &[usize]) -> bool {
        self.fold_by_default == self.toggled.contains(path)
    }

    /// The table's lines below the input.
    pub fn lines(&self) -> Vec<Line<'_>> {
        outline::lines(self.net(), self.analysis(), &|p| self.is_open(p))
    }

    /// True when every line is a top-level layer: row `r` is layer `r - 1`,
    /// with no outline to build (a 100,000-layer file stays cheap).
    pub(super) fn is_flat(&self) -> bool {
        !self.doc().is_branching()
    }

    /// Lines `range` of the table below the input (see `lines`).
    pub fn lines_in(&self, range: std::ops::Range<usize>) -> Vec<Line<'_>> {
        outline::lines_in(self.net(), self.analysis(), &|p| self.is_open(p), range)
    }

    /// Rows in the tree view: the input and every line.
    pub(super) fn rows(&self) -> usize {
        if self.is_flat() {
            self.net().layers.len() + 1
        } else {
            outline::count(self.net(), self.analysis(), &|p| self.is_open(p)) + 1
        }
    }

    pub fn selection(&self) -> Selection {
        let Some(line) = self.selected.checked_sub(1) else {
            return Selection::Input;
        };
        if self.is_flat() {
            return Selection::Layer(vec![line]);
        }
        match self.lines_in(line..line + 1).first().map(|l| &l.item) {
            Some(Item::Layer { path, .. }) => Selection::Layer(path.clone()),
            Some(Item::Branch { merge, branch, .. }) => Selection::Branch {
                merge: merge.clone(),
                branch: *branch,
            },
            None => Selection::Input,
        }
    }

    /// The path of the selected layer, `None` on the input or a branch row.
    pub fn selected_path(&self) -> Option<Path> {
        match self.selection() {
            Selection::Layer(p) => Some(p),
            _ => None,
        }
    }

    /// Selects the row showing the layer at `path`, opening its containers.
    pub(super) fn select_path(&mut self, path: &[usize]) {
        let mut parent = path.to_vec();
        while parent.len() > 2 {
            parent.truncate(parent.len() - 2);
            if !self.is_open(&parent) {
                self.toggle(&parent);
            }
        }
        if self.is_flat() {
            self.selected = path[0] + 1;
            return;
        }
        let found = self.lines().iter().position(|l| match &l.item {
            Item::Layer { path: p, .. } => p == path,
            _ => false,
        });
        if let Some(i) = found {
            self.selected = i + 1;
        }
    }

    fn toggle(&mut self, path: &[usize]) {
        if !self.toggled.remove(path) {
            self.toggled.insert(path.to_vec());
        }
    }

    /// `→`/`l`: shows what the selected container holds.
    pub(super) fn unfold(&mut self) {
        match self.selection() {
            Selection::Layer(p)
                if self
                    .net()
                    .layer_at(&p)
                    .is_some_and(|l| l.kind.is_container()) =>
            {
                if !self.is_open(&p) {
                    self.toggle(&p);
                }
            }
            _ => self.fail(t!("tree-nothing-to-unfold")),
        }
    }

    /// `←`/`h`: folds the selected container, or goes to the one holding
    /// the selected row.
    pub(super) fn fold(&mut self) {
        let selection = self.selection();
        if let Selection::Layer(p) = &selection
            && self
                .net()
                .layer_at(p)
                .is_some_and(|l| l.kind.is_container())
            && self.is_open(p)
        {
            return self.toggle(&p.clone());
        }
        let parent = match selection {
            Selection::Layer(p) if p.len() > 2 => p[..p.len() - 2].to_vec(),
            Selection::Branch { merge, .. } => merge,
            _ => return self.fail(t!("tree-nothing-to-fold")),
        };
        self.select_path(&parent);
    }

    /// `r`: wraps the selected layer in a residual block, an `add` whose
    /// other branch is the identity.
    pub(super) fn wrap_residual(&mut self) {
        let Some(path) = self.selected_path() else {
            return self.fail(t!("app-select-a-layer-first-this"));
        };
        let Some(layer) = self.net().layer_at(&path).cloned() else {
            return;
        };
        if (path.len() - 1) / 2 + 1 + layer.depth() > MAX_DEPTH {
            return self.fail(t!("tree-too-deep", max = MAX_DEPTH.to_string()));
        }
        let label = layer.label();
        let wrapped = Layer {
            branches: vec![vec![layer], Vec::new()],
            ..Layer::new(Kind::Add)
        };
        self.commit(Change::Layer(path.clone(), wrapped));
        if !self.is_open(&path) {
            self.toggle(&path);
        }
        self.select_path(&path);
        let n = self.net().path_label(&path);
        self.say(t!("tree-wrapped", n = n, label = label));
    }

    /// `A`: a new, empty branch (the identity) on the selected merge.
    pub(super) fn add_branch(&mut self) {
        let merge = match self.selection() {
            Selection::Branch { merge, .. } => merge,
            Selection::Layer(p) if self.net().layer_at(&p).is_some_and(|l| l.kind.is_merge()) => p,
            _ => return self.fail(t!("tree-select-a-merge")),
        };
        let Some(mut layer) = self.net().layer_at(&merge).cloned() else {
            return;
        };
        layer.branches.push(Vec::new());
        let n = layer.branches.len();
        self.commit(Change::Layer(merge.clone(), layer));
        if !self.is_open(&merge) {
            self.toggle(&merge);
        }
        self.say(t!("tree-branch-added", n = n.to_string()));
    }

    /// Calls `f` with every convolution in the network, those inside
    /// containers too, and its path; `f` returns false to stop.
    pub(super) fn each_conv(&self, mut f: impl FnMut(&[usize], &Layer) -> bool) {
        fn walk(
            layers: &[Layer],
            at: &mut Path,
            f: &mut dyn FnMut(&[usize], &Layer) -> bool,
        ) -> bool {
            for (i, l) in layers.iter().enumerate() {
                at.push(i);
                if l.kind.convolves() && !f(at, l) {
                    return false;
                }
                for (b, branch) in l.branches.iter().enumerate() {
                    at.push(b);
                    if !walk(branch, at, f) {
                        return false;
                    }
                    at.pop();
                }
                at.pop();
            }
            true
        }
        walk(&self.net().layers, &mut Vec::new(), &mut f);
    }
}
