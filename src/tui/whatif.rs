//! The explorer's what-if tools: a pinned baseline to compare against, the
//! input size keys, and one-key fixes for a broken layer.

use super::app::{App, Mode};
use super::history::Change;
use crate::compare::{Step, align};
use crate::engine::{Analysis, Status, analyze};
use crate::fixes::{Fix, Repair, fixes};
use crate::network::{Network, Shape};

/// A network pinned with `b`, and how the current one lines up with it.
pub struct Baseline {
    pub net: Network,
    pub analysis: Analysis,
    /// The alignment of the baseline's layers with the current ones.
    pub steps: Vec<Step>,
    /// For each current layer, its table row (row 0 is the input; removed
    /// baseline layers take rows of their own).
    pub row_of_layer: Vec<usize>,
}

impl Baseline {
    pub fn pin(net: &Network, current: &Network) -> Baseline {
        let mut b = Baseline {
            net: net.clone(),
            analysis: analyze(net),
            steps: Vec::new(),
            row_of_layer: Vec::new(),
        };
        b.compare(current);
        b
    }

    /// Re-aligns with the current network after a change.
    pub fn compare(&mut self, current: &Network) {
        self.steps = align(&self.net.layers, &current.layers);
        self.row_of_layer = vec![0; current.layers.len()];
        for (row, step) in self.steps.iter().enumerate() {
            if let Step::Matched { current, .. } | Step::Added { current } = *step {
                self.row_of_layer[current] = row + 1;
            }
        }
    }
}

impl App {
    pub(super) fn pin_baseline(&mut self) {
        self.baseline = Some(Baseline::pin(&self.net, &self.net));
        self.say("Pinned this network as the baseline: changes now show against it (B clears)");
    }

    pub(super) fn clear_baseline(&mut self) {
        if self.baseline.take().is_some() {
            self.say("Baseline cleared");
        } else {
            self.fail("There is no baseline to clear (b pins one)");
        }
    }

    /// `[` `]` `{` `}`: a new input height and width from the current ones.
    pub(super) fn resize_input(&mut self, resize: fn(u64) -> Option<u64>) {
        let Shape::Image { c, h, w } = self.net.input else {
            return self.fail("The input is a flat vector: it has no height or width to resize");
        };
        // Files hold sizes as TOML integers (i64).
        let fits = |n: u64| resize(n).filter(|&n| n >= 1 && i64::try_from(n).is_ok());
        match (fits(h), fits(w)) {
            (Some(h), Some(w)) => self.commit(Change::Input {
                name: self.net.name.clone(),
                shape: Shape::Image { c, h, w },
            }),
            _ => self.fail(format!("The input cannot go beyond {h}×{w} that way")),
        }
    }

    pub(super) fn open_fixes(&mut self) {
        let Some(i) = self.selected_layer() else {
            return self.fail("f suggests fixes for a red row; select one");
        };
        if !matches!(self.analysis.rows[i].status, Status::Error(_)) {
            return self.fail("f suggests fixes for a red (broken) row; this one is fine");
        }
        let found = fixes(&self.net, &self.analysis, i);
        if found.is_empty() {
            return self.fail("No single change repairs this layer");
        }
        self.mode = Mode::Fix {
            layer: i,
            fixes: found,
            choice: 0,
        };
    }

    pub(super) fn apply_fix(&mut self, fix: Fix) {
        let change = match fix.repair {
            Repair::Layer(i, layer) => Change::Layer(i, layer),
            Repair::Remove(i) => Change::Remove(i),
            Repair::Input(shape) => Change::Input {
                name: self.net.name.clone(),
                shape,
            },
        };
        self.commit(change);
        self.say(format!("Fixed: {} ({}); u undoes", fix.what, fix.effect));
    }
}

/// What one row of the table shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableRow {
    Input,
    /// Current layer `index`, matched with baseline layer `base` when a
    /// baseline is pinned (`None` then means the layer was added).
    Layer {
        index: usize,
        base: Option<usize>,
    },
    /// A baseline layer that is no longer in the network.
    Removed {
        base: usize,
    },
}

impl App {
    /// Rows in the table: the input, the layers and, with a baseline, the
    /// removed baseline layers in their places.
    pub fn table_len(&self) -> usize {
        match &self.baseline {
            Some(b) => b.steps.len() + 1,
            None => self.net.layers.len() + 1,
        }
    }

    pub fn table_row(&self, row: usize) -> TableRow {
        match (row, &self.baseline) {
            (0, _) => TableRow::Input,
            (r, None) => TableRow::Layer {
                index: r - 1,
                base: None,
            },
            (r, Some(b)) => match b.steps[r - 1] {
                Step::Matched { base, current } => TableRow::Layer {
                    index: current,
                    base: Some(base),
                },
                Step::Added { current } => TableRow::Layer {
                    index: current,
                    base: None,
                },
                Step::Removed { base } => TableRow::Removed { base },
            },
        }
    }

    /// The table row of the selection.
    pub fn selected_row(&self) -> usize {
        match (self.selected_layer(), &self.baseline) {
            (None, _) => 0,
            (Some(i), None) => i + 1,
            (Some(i), Some(b)) => b.row_of_layer.get(i).copied().unwrap_or(i + 1),
        }
    }

    /// Selects what is on table row `row`, if it can be selected.
    pub fn select_row(&mut self, row: usize) {
        match self.table_row(row.min(self.table_len() - 1)) {
            TableRow::Input => self.selected = 0,
            TableRow::Layer { index, .. } => self.selected = index + 1,
            TableRow::Removed { .. } => {}
        }
    }
}
