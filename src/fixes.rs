//! One-step fixes for a broken layer: each candidate is tried on a copy of
//! the network, and only those that make the broken row valid are offered,
//! each with what it leads to.

use crate::engine::{Analysis, Problem, Status, analyze};
use crate::layer::{Hw, Layer, Padding};
use crate::network::{Network, Shape};
use crate::smallest::smallest_valid_input;
use crate::units::thousands;

/// A change that repairs a broken layer.
#[derive(Clone, Debug, PartialEq)]
pub enum Repair {
    /// Replace the layer at this index.
    Layer(usize, Layer),
    Remove(usize),
    Input(Shape),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Fix {
    /// What the fix does: "pad layer 4 (same)".
    pub what: String,
    /// What it leads to: "network valid, 2,572 params".
    pub effect: String,
    pub repair: Repair,
}

/// The fixes for layer `index` (0-based), best first; empty when the layer
/// is not broken or no single change repairs it.
pub fn fixes(net: &Network, analysis: &Analysis, index: usize) -> Vec<Fix> {
    let Some(row) = analysis.rows.get(index) else {
        return Vec::new();
    };
    let Status::Error(problem) = row.status else {
        return Vec::new();
    };
    let layer = &net.layers[index];
    let n = index + 1;
    let mut candidates: Vec<(String, Repair)> = Vec::new();
    if let Problem::ShrunkTooFar { input, padding, .. } = problem {
        if layer.padding != Padding::Same {
            let padded = Layer {
                padding: Padding::Same,
                ..layer.clone()
            };
            candidates.push((
                t!("fixes-zero-pad-layer-n-same", n = n.to_string()),
                Repair::Layer(index, padded),
            ));
        }
        if let Some(kernel) = largest_fitting_kernel(layer, input, padding) {
            let (from, to) = (
                format!("{}×{}", layer.kernel.h, layer.kernel.w),
                format!("{}×{}", kernel.h, kernel.w),
            );
            let what = if layer.kind.is_pool() {
                t!("fixes-shrink-window", n = n, from = from, to = to)
            } else {
                t!("fixes-shrink-kernel", n = n, from = from, to = to)
            };
            let mut smaller = layer.clone();
            smaller.set_kernel(kernel);
            candidates.push((what, Repair::Layer(index, smaller)));
        }
        // A stride of 1 here, or on the strided layers that shrank the image.
        let strided = (0..=index)
            .rev()
            .filter(|&j| net.layers[j].kind.has_window() && net.layers[j].stride() != Hw::square(1))
            .take(3);
        for j in strided {
            let (k, label) = (j + 1, net.layers[j].label());
            let what = t!(
                "fixes-set-the-stride-of-layer",
                k = k.to_string(),
                label = label.to_string()
            );
            let unstrided = Layer {
                stride: Some(Hw::square(1)),
                ..net.layers[j].clone()
            };
            candidates.push((what, Repair::Layer(j, unstrided)));
        }
    }
    candidates.push((
        t!(
            "fixes-remove-layer-n",
            n = n.to_string(),
            a1 = layer.label().to_string()
        ),
        Repair::Remove(index),
    ));
    if let (Shape::Image { c, h, w }, Some(min)) = (net.input, smallest_valid_input(net))
        && (h < min.h || w < min.w)
    {
        let grown = Shape::Image {
            c,
            h: h.max(min.h),
            w: w.max(min.w),
        };
        candidates.push((
            t!("fixes-grow-the-input-to-grown", grown = grown.to_string()),
            Repair::Input(grown),
        ));
    }
    candidates
        .into_iter()
        .filter_map(|(what, repair)| {
            let fixed = apply(net, &repair);
            let after = analyze(&fixed);
            // Removing the row leaves its successor at the same index.
            let first_ok = if matches!(repair, Repair::Remove(_)) {
                index
            } else {
                index + 1
            };
            if after.error_at.is_some_and(|e| e < first_ok) {
                return None;
            }
            let effect = match (after.error_at, after.totals.params) {
                (None, Some(p)) => t!(
                    "fixes-network-valid-params",
                    a1 = (thousands(p)).to_string()
                ),
                (Some(e), _) => t!("fixes-this-row-valid-layer-still", a1 = (e + 1).to_string()),
                (None, None) => t!("fixes-network-valid").to_string(),
            };
            Some(Fix {
                what,
                effect,
                repair,
            })
        })
        .collect()
}

/// The network with the repair made.
pub fn apply(net: &Network, repair: &Repair) -> Network {
    let mut fixed = net.clone();
    match repair {
        Repair::Layer(i, layer) => fixed.layers[*i] = layer.clone(),
        Repair::Remove(i) => {
            fixed.layers.remove(*i);
        }
        Repair::Input(shape) => fixed.input = *shape,
    }
    fixed
}

/// The largest kernel, no larger than the current one, whose dilated span
/// fits the padded input on both axes; `None` if it would be the same.
fn largest_fitting_kernel(layer: &Layer, input: Hw, padding: Hw) -> Option<Hw> {
    let dilation = if layer.kind.is_conv() {
        layer.dilation
    } else {
        Hw::square(1)
    };
    // d·(k − 1) + 1 ≤ n + 2p  ⇔  k ≤ (n + 2p − 1) / d + 1
    let fit = |n: u64, p: u64, d: u64, k: u64| -> Option<u64> {
        let room = n.checked_add(p.checked_mul(2)?)?.checked_sub(1)?;
        Some((room / d).checked_add(1)?.min(k))
    };
    let kernel = Hw {
        h: fit(input.h, padding.h, dilation.h, layer.kernel.h)?,
        w: fit(input.w, padding.w, dilation.w, layer.kernel.w)?,
    };
    (kernel != layer.kernel).then_some(kernel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fix_for_stride_two_lenet_makes_it_valid() {
        let net = crate::presets::load("lenet-stride2").unwrap();
        let analysis = analyze(&net);
        let offered = fixes(&net, &analysis, 3);
        let whats: Vec<&str> = offered.iter().map(|f| f.what.as_str()).collect();
        assert_eq!(
            whats,
            [
                "zero-pad layer 4 (\"same\")",
                "shrink layer 4's 2×2 window to 1×1",
                "set the stride of layer 3 (conv 5×5 ×16 s2 p0 relu) to 1",
                "set the stride of layer 2 (maxpool 2×2 s2 p0) to 1",
                "remove layer 4 (maxpool 2×2 s2 p0)",
                "grow the input to 31×31×1, the smallest that fits",
            ]
        );
        for fix in &offered {
            let after = analyze(&apply(&net, &fix.repair));
            assert_eq!(
                after.error_at, None,
                "{} leaves the network valid",
                fix.what
            );
            assert!(fix.effect.starts_with("network valid, "), "{}", fix.effect);
        }
    }

    #[test]
    fn a_valid_row_has_no_fixes() {
        let net = crate::presets::load("lenet").unwrap();
        assert!(fixes(&net, &analyze(&net), 0).is_empty());
    }
}
