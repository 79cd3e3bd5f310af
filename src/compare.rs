//! Comparing a network with a baseline: which layers match, which were added
//! or removed, and what changed in each matched layer's shape and parameters.
//!
//! Layers are aligned by a diff over the layer sequence, so inserting a layer
//! near the top does not mark every layer below it as changed.

use crate::engine::Analysis;
use crate::layer::Layer;
use crate::network::Shape;

/// One step of the alignment of a baseline's layers with the current ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Baseline layer `base` and current layer `current` are the same layer
    /// (possibly with changed settings).
    Matched { base: usize, current: usize },
    /// The current layer has no counterpart in the baseline.
    Added { current: usize },
    /// The baseline layer is gone.
    Removed { base: usize },
}

/// Above this many cells the alignment of a changed middle stretch falls
/// back to matching by position, keeping a keystroke fast on huge networks.
const MAX_DP_CELLS: usize = 1_000_000;

/// Aligns `base` with `current`. Equal layers at both ends are matched
/// directly; in between, a weighted longest-common-subsequence prefers
/// identical layers, then layers of the same kind.
pub fn align(base: &[Layer], current: &[Layer]) -> Vec<Step> {
    let prefix = base.iter().zip(current).take_while(|(a, b)| a == b).count();
    let suffix = base[prefix..]
        .iter()
        .rev()
        .zip(current[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (b_mid, c_mid) = (
        &base[prefix..base.len() - suffix],
        &current[prefix..current.len() - suffix],
    );
    let mut steps: Vec<Step> = (0..prefix)
        .map(|i| Step::Matched {
            base: i,
            current: i,
        })
        .collect();
    let middle = if b_mid.len().saturating_mul(c_mid.len()) <= MAX_DP_CELLS {
        align_middle(b_mid, c_mid)
    } else {
        by_position(b_mid.len(), c_mid.len())
    };
    steps.extend(middle.into_iter().map(|s| match s {
        Step::Matched { base, current } => Step::Matched {
            base: base + prefix,
            current: current + prefix,
        },
        Step::Added { current } => Step::Added {
            current: current + prefix,
        },
        Step::Removed { base } => Step::Removed {
            base: base + prefix,
        },
    }));
    let (b_tail, c_tail) = (base.len() - suffix, current.len() - suffix);
    steps.extend((0..suffix).map(|i| Step::Matched {
        base: b_tail + i,
        current: c_tail + i,
    }));
    steps
}

/// How well two layers match: identical beats any same-kind pair, and
/// among layers of one kind, more equal settings match better.
fn score(a: &Layer, b: &Layer) -> u32 {
    if a == b {
        100
    } else if a.kind == b.kind {
        let same = a.kind.fields().iter().filter(|f| f.same(a, b)).count();
        10 + u32::try_from(same).unwrap_or(0)
    } else {
        0
    }
}

fn align_middle(base: &[Layer], current: &[Layer]) -> Vec<Step> {
    let (n, m) = (base.len(), current.len());
    // best[i][j]: the best score aligning base[i..] with current[j..].
    let width = m + 1;
    let mut best = vec![0u32; (n + 1) * width];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let s = score(&base[i], &current[j]);
            let matched = if s > 0 {
                s + best[(i + 1) * width + j + 1]
            } else {
                0
            };
            best[i * width + j] = matched
                .max(best[(i + 1) * width + j])
                .max(best[i * width + j + 1]);
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut steps = Vec::with_capacity(n.max(m));
    while i < n && j < m {
        let s = score(&base[i], &current[j]);
        if s > 0 && best[i * width + j] == s + best[(i + 1) * width + j + 1] {
            steps.push(Step::Matched {
                base: i,
                current: j,
            });
            i += 1;
            j += 1;
        } else if best[i * width + j] == best[(i + 1) * width + j] {
            steps.push(Step::Removed { base: i });
            i += 1;
        } else {
            steps.push(Step::Added { current: j });
            j += 1;
        }
    }
    steps.extend((i..n).map(|base| Step::Removed { base }));
    steps.extend((j..m).map(|current| Step::Added { current }));
    steps
}

fn by_position(n: usize, m: usize) -> Vec<Step> {
    let common = n.min(m);
    let mut steps: Vec<Step> = (0..common)
        .map(|i| Step::Matched {
            base: i,
            current: i,
        })
        .collect();
    steps.extend((common..n).map(|base| Step::Removed { base }));
    steps.extend((common..m).map(|current| Step::Added { current }));
    steps
}

/// What changed in a matched layer (or what an added/removed one brings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delta {
    /// `Some((before, after))` when the output shape differs.
    pub shape: Option<(Option<Shape>, Option<Shape>)>,
    /// Parameters after minus before; `None` when either is unknown.
    pub params: Option<i128>,
    /// The layer's settings differ from the baseline's.
    pub settings_changed: bool,
}

impl Delta {
    pub fn is_change(&self) -> bool {
        self.shape.is_some() || self.params.is_some_and(|p| p != 0) || self.settings_changed
    }
}

/// The change of a matched layer against its baseline layer.
pub fn delta(base: (&Layer, &Analysis, usize), current: (&Layer, &Analysis, usize)) -> Delta {
    let (b_layer, b_analysis, b) = base;
    let (c_layer, c_analysis, c) = current;
    let (before, after) = (&b_analysis.rows[b], &c_analysis.rows[c]);
    Delta {
        shape: (before.output != after.output).then_some((before.output, after.output)),
        params: change(before.params, after.params),
        settings_changed: b_layer != c_layer,
    }
}

/// `after − before` when both are known.
pub fn change(before: Option<u64>, after: Option<u64>) -> Option<i128> {
    Some(i128::from(after?) - i128::from(before?))
}

/// `+63,360`, `−2,000` (a true minus sign), `±0`.
pub fn signed(n: i128) -> String {
    let digits = crate::units::thousands(n.unsigned_abs().min(u128::from(u64::MAX)) as u64);
    match n.signum() {
        1 => format!("+{digits}"),
        -1 => format!("−{digits}"),
        _ => "±0".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::{Hw, Kind};

    fn conv(filters: u64) -> Layer {
        Layer {
            filters: crate::size::Size::new(filters).unwrap(),
            ..Layer::new(Kind::Conv2d)
        }
    }

    fn lenet() -> Vec<Layer> {
        crate::presets::load("lenet").unwrap().layers
    }

    #[test]
    fn an_insertion_near_the_top_matches_everything_below() {
        let base = lenet();
        let mut current = base.clone();
        current.insert(1, Layer::new(Kind::BatchNorm));
        let steps = align(&base, &current);
        assert_eq!(steps[1], Step::Added { current: 1 });
        assert_eq!(steps.len(), 10);
        for (b, step) in steps
            .iter()
            .filter(|s| !matches!(s, Step::Added { .. }))
            .enumerate()
        {
            assert!(matches!(step, Step::Matched { base, .. } if *base == b));
        }
    }

    #[test]
    fn a_removal_is_a_removal_and_the_rest_stay_matched() {
        let base = lenet();
        let mut current = base.clone();
        current.remove(2); // the second conv
        let steps = align(&base, &current);
        assert!(steps.contains(&Step::Removed { base: 2 }));
        assert!(steps.contains(&Step::Matched {
            base: 3,
            current: 2
        }));
        assert_eq!(
            steps
                .iter()
                .filter(|s| matches!(s, Step::Matched { .. }))
                .count(),
            8
        );
    }

    #[test]
    fn a_changed_layer_is_matched_not_removed_and_added() {
        let base = vec![conv(6), Layer::new(Kind::MaxPool), conv(16)];
        let mut current = base.clone();
        current[2].kernel = Hw::square(3);
        assert_eq!(
            align(&base, &current),
            [0, 1, 2].map(|i| Step::Matched {
                base: i,
                current: i
            })
        );
    }

    #[test]
    fn identical_layers_win_over_same_kind() {
        // A new conv inserted above an existing one: the old conv must match
        // its identical self, not the new one.
        let base = vec![conv(6), Layer::new(Kind::Flatten)];
        let current = vec![conv(32), conv(6), Layer::new(Kind::Flatten)];
        assert_eq!(
            align(&base, &current),
            [
                Step::Added { current: 0 },
                Step::Matched {
                    base: 0,
                    current: 1
                },
                Step::Matched {
                    base: 1,
                    current: 2
                }
            ]
        );
    }

    #[test]
    fn a_changed_layer_matches_its_closest_counterpart() {
        // Padding added to the second conv and a new 3×3 conv inserted
        // before it: the old conv matches its padded self, not the newcomer.
        let base = lenet();
        let mut current = base.clone();
        current[2].padding = crate::layer::Padding::Same;
        current.insert(
            2,
            Layer {
                kernel: Hw::square(3),
                ..conv(16)
            },
        );
        let steps = align(&base, &current);
        assert_eq!(steps[2], Step::Added { current: 2 });
        assert_eq!(
            steps[3],
            Step::Matched {
                base: 2,
                current: 3
            }
        );
    }

    #[test]
    fn huge_changes_fall_back_to_positions() {
        let base: Vec<Layer> = (0..3000).map(|i| conv(i + 1)).collect();
        let current: Vec<Layer> = (0..3001).map(|i| conv(i + 7)).collect();
        let steps = align(&base, &current);
        assert_eq!(steps.len(), 3001);
        assert_eq!(steps[3000], Step::Added { current: 3000 });
    }

    #[test]
    fn signed_changes_use_a_true_minus() {
        assert_eq!(signed(63_360), "+63,360");
        assert_eq!(signed(-2_000), "−2,000");
        assert_eq!(signed(0), "±0");
    }
}
