//! Undoable changes to a network. Each change, applied, gives back its
//! inverse, so undo and redo store only what changed (one layer, not the
//! whole network): a 10,000-layer network edits as cheaply as LeNet.

use crate::layer::{Hw, Layer, Padding};
use crate::network::{Kernels, Network, Shape};
use std::collections::VecDeque;

/// Where a layer is: its top-level index, then a (branch, index) pair for
/// each container on the way down (see `Network::layer_at`).
pub type Path = Vec<usize>;

/// One change a person makes, as a single undo step.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// Replace the layer at this path.
    Layer(Path, Layer),
    /// Replace several layers at once.
    Layers(Vec<(Path, Layer)>),
    /// Set the padding and stride of several layers (`P`, `S`: every
    /// convolution): a few bytes a layer, where `Layers` would hold each whole.
    Windows(Vec<(Path, Window)>),
    /// Insert a layer so that it is at this path.
    Insert(Path, Layer),
    Remove(Path),
    /// Swap the layer at the path with the one at this index of its list.
    Swap(Path, usize),
    Kernels(Kernels),
    /// The name, the input shape and the budget: the input row's form.
    Input {
        name: String,
        shape: Shape,
        budget: crate::memory::Budget,
    },
}

/// The top-level index all `paths` share, if they share one.
fn one_top<'a>(mut paths: impl Iterator<Item = &'a Path>) -> Option<usize> {
    let first = *paths.next()?.first()?;
    paths.all(|p| p.first() == Some(&first)).then_some(first)
}

/// How a window layer pads and steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub padding: Padding,
    pub stride: Option<Hw>,
    /// A 3-D window's stride along depth (other layers keep theirs).
    pub depth_stride: Option<u64>,
}

impl Window {
    pub fn of(layer: &Layer) -> Window {
        Window {
            padding: layer.padding,
            stride: layer.stride,
            depth_stride: layer.extra.depth.stride,
        }
    }

    /// Sets `layer`'s padding and stride to this window's.
    fn set(self, layer: &mut Layer) {
        (layer.padding, layer.stride) = (self.padding, self.stride);
        if layer.kind.window_axes() == 3 {
            layer.extra.depth.stride = self.depth_stride;
        }
    }
}

impl Change {
    /// True when applying the change would leave the network as it is.
    pub fn is_noop(&self, net: &Network) -> bool {
        match self {
            Change::Layer(p, l) => net.layer_at(p) == Some(l),
            Change::Layers(ls) => ls.iter().all(|(p, l)| net.layer_at(p) == Some(l)),
            Change::Windows(ws) => {
                (ws.iter()).all(|(p, w)| net.layer_at(p).map(Window::of) == Some(*w))
            }
            Change::Insert(..) | Change::Remove(_) => false,
            Change::Swap(p, j) => p.last() == Some(j),
            Change::Kernels(k) => net.kernels == *k,
            Change::Input {
                name,
                shape,
                budget,
            } => net.name == *name && net.input == *shape && net.budget == *budget,
        }
    }

    /// The first top-level layer whose analysis the change can affect: rows
    /// above it stay as they are.
    pub fn first_layer(&self) -> usize {
        let top = |p: &Path| p.first().copied().unwrap_or(0);
        match self {
            Change::Layer(p, _) | Change::Insert(p, _) | Change::Remove(p) => top(p),
            Change::Swap(p, j) if p.len() == 1 => top(p).min(*j),
            Change::Swap(p, _) => top(p),
            Change::Layers(ls) => ls.iter().map(|(p, _)| top(p)).min().unwrap_or(0),
            Change::Windows(ws) => ws.iter().map(|(p, _)| top(p)).min().unwrap_or(0),
            Change::Kernels(_) | Change::Input { .. } => 0,
        }
    }

    /// The one top-level layer the change replaces (or changes inside), if
    /// it touches only one and leaves the others where they are.
    pub fn only_layer(&self) -> Option<usize> {
        match self {
            Change::Layer(p, _) => p.first().copied(),
            Change::Layers(ls) => one_top(ls.iter().map(|(p, _)| p)),
            Change::Windows(ws) => one_top(ws.iter().map(|(p, _)| p)),
            _ => None,
        }
    }

    /// Applies the change and returns the change that undoes it, or `None`
    /// (leaving the network alone) when a path leads nowhere.
    pub fn apply(self, net: &mut Network) -> Option<Change> {
        let split = |p: &Path| p.split_last().map(|(&i, list)| (list.to_vec(), i));
        Some(match self {
            Change::Layer(p, layer) => {
                let old = std::mem::replace(net.layer_at_mut(&p)?, layer);
                Change::Layer(p, old)
            }
            Change::Layers(layers) => {
                if layers.iter().any(|(p, _)| net.layer_at(p).is_none()) {
                    return None;
                }
                let mut old = Vec::with_capacity(layers.len());
                for (p, l) in layers {
                    let slot = net.layer_at_mut(&p)?;
                    old.push((p, std::mem::replace(slot, l)));
                }
                Change::Layers(old)
            }
            Change::Windows(windows) => {
                if windows.iter().any(|(p, _)| net.layer_at(p).is_none()) {
                    return None;
                }
                let mut old = Vec::with_capacity(windows.len());
                for (p, w) in windows {
                    let layer = net.layer_at_mut(&p)?;
                    old.push((p, Window::of(layer)));
                    w.set(layer);
                }
                Change::Windows(old)
            }
            Change::Insert(p, layer) => {
                let (list, i) = split(&p)?;
                let list = net.list_mut(&list)?;
                if i > list.len() {
                    return None;
                }
                list.insert(i, layer);
                Change::Remove(p)
            }
            Change::Remove(p) => {
                let (list, i) = split(&p)?;
                let list = net.list_mut(&list)?;
                if i >= list.len() {
                    return None;
                }
                Change::Insert(p, list.remove(i))
            }
            Change::Swap(p, j) => {
                let (list, i) = split(&p)?;
                let list = net.list_mut(&list)?;
                if i >= list.len() || j >= list.len() {
                    return None;
                }
                list.swap(i, j);
                Change::Swap(p, j)
            }
            Change::Kernels(k) => Change::Kernels(std::mem::replace(&mut net.kernels, k)),
            Change::Input {
                name,
                shape,
                budget,
            } => Change::Input {
                name: std::mem::replace(&mut net.name, name),
                shape: std::mem::replace(&mut net.input, shape),
                budget: std::mem::replace(&mut net.budget, budget),
            },
        })
    }
}

impl Change {
    /// Roughly the memory the change holds: `P` on a million-layer network
    /// holds every convolution, so the history is capped by bytes, not steps.
    pub fn bytes(&self) -> usize {
        std::mem::size_of::<Change>()
            + match self {
                Change::Layers(ls) => ls.len() * std::mem::size_of::<(Path, Layer)>(),
                Change::Windows(ws) => ws.len() * std::mem::size_of::<(Path, Window)>(),
                Change::Input { name, .. } => name.len(),
                _ => 0,
            }
    }
}

/// How many changes `u` can take back, at most.
const DEPTH: usize = 1000;
/// How much memory the undo and redo stacks may hold together; the oldest
/// changes are forgotten first.
pub const BUDGET: usize = 64 << 20;

/// Undo and redo stacks. Each entry is the change that goes back (or
/// forward) and the version number of the state it leads to.
#[derive(Debug, Default)]
pub struct History {
    undo: VecDeque<(Change, u64)>,
    redo: Vec<(Change, u64)>,
    /// What the entries of both stacks hold, by `Change::bytes`.
    bytes: usize,
}

impl History {
    /// Records the inverse of a change just made from the state `version`.
    /// A single change larger than the whole budget is not kept at all.
    pub fn record(&mut self, inverse: Change, version: u64) {
        self.bytes -= self.redo.drain(..).map(|(c, _)| c.bytes()).sum::<usize>();
        let size = inverse.bytes();
        while self.undo.len() >= DEPTH || (self.bytes + size > BUDGET && !self.undo.is_empty()) {
            if let Some((old, _)) = self.undo.pop_front() {
                self.bytes -= old.bytes();
            }
        }
        if size <= BUDGET {
            self.bytes += size;
            self.undo.push_back((inverse, version));
        }
    }

    /// What the history holds now, in bytes.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Steps back (or forward) one change; returns the version now current
    /// the first layer it touched and the only one, if it touched one only;
    /// `None` when there is nothing to step to.
    pub fn step(
        &mut self,
        net: &mut Network,
        back: bool,
        version: u64,
    ) -> Option<(u64, usize, Option<usize>)> {
        let (change, target) = if back {
            self.undo.pop_back()?
        } else {
            self.redo.pop()?
        };
        let (first, only) = (change.first_layer(), change.only_layer());
        self.bytes -= change.bytes();
        let inverse = change.apply(net)?;
        self.bytes += inverse.bytes();
        if back {
            self.redo.push((inverse, version));
        } else {
            self.undo.push_back((inverse, version));
        }
        Some((target, first, only))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::Kind;

    #[test]
    fn every_change_undoes_to_the_same_network() {
        let start = crate::presets::load("lenet").unwrap();
        let changes = vec![
            Change::Layer(vec![0], Layer::new(Kind::Dense)),
            Change::Layers(vec![
                (vec![0], Layer::new(Kind::Relu)),
                (vec![2], Layer::new(Kind::Tanh)),
            ]),
            Change::Insert(vec![9], Layer::new(Kind::Dropout)),
            Change::Remove(vec![3]),
            Change::Swap(vec![1], 4),
            Change::Windows(vec![(
                vec![0],
                Window {
                    padding: Padding::Same,
                    stride: Some(Hw::square(2)),
                    depth_stride: None,
                },
            )]),
            Change::Kernels(Kernels::Shared),
            Change::Input {
                budget: crate::memory::Budget {
                    params: Some(5),
                    ..Default::default()
                },
                name: "x".into(),
                shape: Shape::Flat(7),
            },
        ];
        for change in changes {
            let mut net = start.clone();
            let inverse = change.clone().apply(&mut net).expect("in range");
            assert_ne!(net, start, "{change:?} changed something");
            inverse.apply(&mut net).expect("in range");
            assert_eq!(net, start, "{change:?} undone");
        }
    }

    #[test]
    fn out_of_range_changes_do_nothing() {
        let mut net = crate::presets::load("lenet").unwrap();
        let before = net.clone();
        for change in [
            Change::Remove(vec![9]),
            Change::Insert(vec![10], Layer::new(Kind::Relu)),
            Change::Swap(vec![0], 9),
            Change::Remove(vec![0, 0, 0]),
        ] {
            assert_eq!(change.apply(&mut net), None);
        }
        assert_eq!(net, before);
    }

    #[test]
    fn the_history_forgets_the_oldest_changes_past_its_budget() {
        let mut net = crate::presets::load("lenet").unwrap();
        let relu = Layer::new(Kind::Relu);
        // Each step holds 200,000 layers, as `P` on a huge network would.
        let big = || Change::Layers(vec![(vec![0], relu.clone()); 200_000]);
        let per_step = big().bytes();
        let mut history = History::default();
        for version in 0..200 {
            history.record(big(), version);
            assert!(history.bytes() <= BUDGET, "{} > {BUDGET}", history.bytes());
        }
        let kept = history.undo.len();
        assert_eq!(kept, BUDGET / per_step, "as many steps as fit");
        // The newest steps are still there to undo, and redo takes no more.
        for _ in 0..kept {
            assert!(history.step(&mut net, true, 999).is_some());
            assert!(history.bytes() <= BUDGET);
        }
        assert!(history.step(&mut net, true, 999).is_none());
        // A new change clears the redo stack and what it held.
        history.record(Change::Kernels(Kernels::Shared), 1000);
        assert_eq!(history.bytes(), Change::Kernels(Kernels::Shared).bytes());
    }
}
