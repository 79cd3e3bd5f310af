//! The network being explored, as one document: the network and its
//! analysis (always `analyze(&net)`), the undo history, and where it came
//! from and was saved to. Its fields are private: `apply`, `undo` and `redo`
//! are the only ways to change the network, and each keeps the analysis,
//! the smallest valid input and the history in step with it.

use super::history::{Change, History};
use crate::engine::{Analysis, Kept, analyze, analyze_changed_kept, analyze_from};
use crate::file::{Source, Stamp};
use crate::network::Network;
use crate::network::Shape;
use crate::smallest::smallest_within;

/// Layers the search for the smallest input may look through on a
/// keystroke (about a tenth of a millisecond's work); past it the header
/// leaves the smallest input out rather than slow the key down.
const SEARCH_BUDGET: u64 = 5_000;

/// Layers the search for the nearest working input sizes may analyse on a
/// keystroke, summed over the sizes tried (a U-Net's 128 tries: 8,000).
const NEAR_BUDGET: u64 = 20_000;
use std::path::{Path, PathBuf};

pub struct Document {
    net: Network,
    analysis: Analysis,
    /// Rows an edit let go of, for a later edit that gives their layers
    /// back their inputs (see `Kept`).
    kept: Kept,
    /// The smallest input height and width every layer accepts, when it
    /// was found within the search budget.
    min_input: Option<Shape>,
    /// When the network breaks at an input size its layers otherwise take
    /// (a U-Net at 65×65): the nearest sizes below and above that work.
    near_inputs: Vec<Shape>,
    history: History,
    /// Whether any top-level layer is a container: the explorer draws a
    /// tree then, and a plain table (row r is layer r − 1) otherwise.
    branching: bool,
    /// Identifies the current state, so that undoing back to what was saved
    /// counts as saved.
    version: u64,
    last_version: u64,
    saved_version: u64,
    path: Option<PathBuf>,
    /// Shown in the header when the network came from a preset.
    preset: Option<String>,
    /// The text the network was read from, which saving edits.
    source: Option<Source>,
    /// The file at `path` as it was when last opened or saved here.
    on_disk: Option<Stamp>,
}

fn branching(net: &Network) -> bool {
    net.layers.iter().any(|l| l.kind.is_container())
}

/// A change that could not be made, because what it names is gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gone;

impl Document {
    pub fn new(net: Network, path: Option<PathBuf>, preset: Option<String>) -> Document {
        let mut doc = Document {
            analysis: analyze(&net),
            kept: Kept::default(),
            min_input: smallest_within(&net, SEARCH_BUDGET),
            near_inputs: Vec::new(),
            branching: branching(&net),
            net,
            history: History::default(),
            version: 0,
            last_version: 0,
            saved_version: 0,
            path,
            preset,
            source: None,
            on_disk: None,
        };
        doc.find_near_inputs();
        doc
    }

    /// Finds the nearest working input sizes, when the input is no smaller
    /// than the smallest that fits and still the network breaks; only on
    /// networks small enough to try 2 × `NEAREST_REACH` sizes within a frame.
    fn find_near_inputs(&mut self) {
        self.near_inputs = Vec::new();
        if self.analysis.error_at.is_none() {
            return;
        }
        // Counted only as far as the budget reaches: a keystroke on a huge
        // network does not walk it for this.
        let tries = 2 * crate::fixes::NEAREST_REACH;
        let most = usize::try_from(NEAR_BUDGET / tries).unwrap_or(usize::MAX);
        let affordable = crate::layer::count_within(&self.net.layers, most);
        let small = self
            .min_input
            .is_some_and(|min| crate::smallest::too_small(self.net.input, min));
        if affordable && !small {
            self.near_inputs = crate::fixes::nearest_inputs(&self.net);
        }
    }

    /// The document as read from a file (or a preset's text): saving edits
    /// `source`, and `on_disk` tells whether the file changes under us.
    pub fn read(mut self, source: Option<Source>, on_disk: Option<Stamp>) -> Document {
        self.source = source;
        self.on_disk = on_disk;
        self
    }

    pub fn net(&self) -> &Network {
        &self.net
    }

    pub fn analysis(&self) -> &Analysis {
        &self.analysis
    }

    pub fn min_input(&self) -> Option<Shape> {
        self.min_input
    }

    /// The nearest input sizes that work, when the network breaks at its
    /// own though its layers take smaller ones (see `find_near_inputs`).
    pub fn near_inputs(&self) -> &[Shape] {
        &self.near_inputs
    }

    pub fn is_branching(&self) -> bool {
        self.branching
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn preset(&self) -> Option<&str> {
        self.preset.as_deref()
    }

    pub fn source(&self) -> Option<&Source> {
        self.source.as_ref()
    }

    pub fn on_disk(&self) -> Option<Stamp> {
        self.on_disk
    }

    pub fn is_dirty(&self) -> bool {
        self.version != self.saved_version
    }

    /// Makes `change` as one undo step and brings the analysis up to date.
    /// `Ok(false)`: the change would change nothing and was not recorded.
    pub fn apply(&mut self, change: Change) -> Result<bool, Gone> {
        if change.is_noop(&self.net) {
            return Ok(false);
        }
        let (first, only) = (change.first_layer(), change.only_layer());
        let inverse = change.apply(&mut self.net).ok_or(Gone)?;
        self.history.record(inverse, self.version);
        self.last_version += 1;
        self.version = self.last_version;
        self.recompute(first, only);
        Ok(true)
    }

    /// Takes back the last change; `false` when there is none.
    pub fn undo(&mut self) -> bool {
        self.step(true)
    }

    /// Makes again the last change undone; `false` when there is none.
    pub fn redo(&mut self) -> bool {
        self.step(false)
    }

    fn step(&mut self, back: bool) -> bool {
        match self.history.step(&mut self.net, back, self.version) {
            Some((version, first, only)) => {
                self.version = version;
                self.recompute(first, only);
                true
            }
            None => false,
        }
    }

    /// Recomputes from layer `first` down: the rows above cannot have
    /// changed; when `only` that layer changed, perhaps it alone.
    fn recompute(&mut self, first: usize, only: Option<usize>) {
        match only {
            Some(i) => analyze_changed_kept(&self.net, &mut self.analysis, i, &mut self.kept),
            None => {
                // Layers moved, came or went: rows kept by index no longer
                // belong to them.
                self.kept.clear();
                analyze_from(&self.net, &mut self.analysis, first)
            }
        }
        self.min_input = smallest_within(&self.net, SEARCH_BUDGET);
        self.branching = branching(&self.net);
        self.find_near_inputs();
    }

    /// The network was saved to `path` as `source`; the file is now `on_disk`.
    pub fn saved(&mut self, path: PathBuf, source: Source, on_disk: Option<Stamp>) {
        self.saved_version = self.version;
        self.path = Some(path);
        self.preset = None;
        self.source = Some(source);
        self.on_disk = on_disk;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::{Kind, Layer};

    #[test]
    fn every_way_to_change_keeps_the_analysis_equal_to_a_fresh_one() {
        let mut doc = Document::new(crate::presets::load("lenet").unwrap(), None, None);
        assert_eq!(
            doc.apply(Change::Insert(vec![2], Layer::new(Kind::Relu))),
            Ok(true)
        );
        assert_eq!(doc.analysis(), &analyze(doc.net()));
        assert!(doc.is_dirty());
        assert_eq!(doc.apply(Change::Remove(vec![99])), Err(Gone));
        assert_eq!(
            doc.apply(Change::Swap(vec![1], 1)),
            Ok(false),
            "a no-op is no step"
        );
        assert!(doc.undo());
        assert_eq!(doc.analysis(), &analyze(doc.net()));
        assert!(!doc.is_dirty(), "back where it started");
        assert!(!doc.undo());
        assert!(doc.redo());
        assert_eq!(doc.net().layers.len(), 10);
    }
}
