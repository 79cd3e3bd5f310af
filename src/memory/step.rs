//! Training memory as the peak of one step (forward, backward, optimizer),
//! from what autograd keeps: each layer's saved tensors (its family's
//! `saved`) live from its forward until its backward, its gradients from
//! its backward until the optimizer has stepped.
//!
//! A stretch of layers is summed up as a `Span`; two spans one after the
//! other, or a block's repetitions, combine without unrolling them, so a
//! 1,000-pass block costs one pass.

use crate::engine::{Analysis, Row};
use crate::family::{self, Saved};
use crate::layer::{Kind, Layer};
use crate::memory::AttentionKernel;
use crate::network::{Network, Shape};

/// When in a step the memory peaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// No training: what one forward pass needs alive at once.
    Inference,
    Forward,
    /// The backward pass: saved tensors not yet freed, gradients made.
    Backward,
    /// `optimizer.step()`: every gradient, and the step's temporaries.
    Optimizer,
}

impl Phase {
    /// "in the backward pass".
    pub fn text(self) -> String {
        match self {
            Phase::Inference => t!("memory-inference"),
            Phase::Forward => t!("memory-phase-forward"),
            Phase::Backward => t!("memory-phase-backward"),
            Phase::Optimizer => t!("memory-phase-optimizer"),
        }
    }
}

/// The highest point of a stretch's backward pass, above what was alive
/// before it, and the gradients among it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct High {
    total: u64,
    grads: u64,
}

impl High {
    fn plus(self, bytes: u64, grads: u64) -> Option<High> {
        Some(High {
            total: self.total.checked_add(bytes)?.checked_add(grads)?,
            grads: self.grads.checked_add(grads)?,
        })
    }

    fn max(self, other: High) -> High {
        if other.total > self.total {
            other
        } else {
            self
        }
    }
}

/// What a stretch of layers holds, in bytes for the whole batch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Span {
    /// Kept from its forward until its backward.
    saved: u64,
    /// Its parameters' gradients, made in its backward.
    grads: u64,
    /// The most its forward holds at once, above what was alive before.
    forward: u64,
    /// The most its backward holds at once: its saved tensors not yet
    /// freed, its gradients made so far and the running temporaries.
    backward: High,
}

impl Span {
    /// `self`, then `next`: `next`'s backward runs first, with all of
    /// `self` still saved; `self`'s runs after, with `next`'s gradients.
    fn then(self, next: Span) -> Option<Span> {
        Some(Span {
            saved: self.saved.checked_add(next.saved)?,
            grads: self.grads.checked_add(next.grads)?,
            forward: self.forward.max(self.saved.checked_add(next.forward)?),
            backward: next
                .backward
                .plus(self.saved, 0)?
                .max(self.backward.plus(0, next.grads)?),
        })
    }

    /// `n` passes of the same layers: the highest point is in the last
    /// pass's backward (every earlier pass still saved) or in the first
    /// pass's (every later pass's gradients made). A shared block's passes
    /// add to one set of gradients, made in the first backward.
    fn times(self, n: u64, shared: bool) -> Option<Span> {
        let Some(more) = n.checked_sub(1) else {
            return Some(Span::default());
        };
        let grads_after = if shared { 0 } else { self.grads };
        let last = self.backward.plus(self.saved.checked_mul(more)?, 0)?;
        let first = self.backward.plus(0, grads_after.checked_mul(more)?)?;
        Some(Span {
            saved: self.saved.checked_mul(n)?,
            grads: if shared {
                self.grads
            } else {
                self.grads.checked_mul(n)?
            },
            forward: self.forward.checked_add(self.saved.checked_mul(more)?)?,
            backward: last.max(first),
        })
    }
}

/// How the bytes are counted.
#[derive(Clone, Copy)]
pub(super) struct Counting<'a> {
    pub net: &'a Network,
    /// Bytes a value takes (activations, weights, gradients alike).
    pub bytes: u64,
    pub batch: u64,
    /// The gradient bytes of a layer's own parameters on its input (all of
    /// them, or only a LoRA's adapters).
    pub grads: &'a dyn Fn(&Layer, &Row) -> Option<u64>,
    pub attention: AttentionKernel,
    /// Each pass of a top-level block keeps only its input.
    pub checkpoint: bool,
    /// Top-level layers whose weights do not train.
    pub frozen: Option<crate::memory::Freeze>,
}

/// What one training step holds at its peak, beyond the weights and the
/// optimizer's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Peak {
    pub phase: Phase,
    pub activations: u64,
    pub gradients: u64,
    /// The optimizer's temporaries (Adam's, for the largest tensor).
    pub optimizer: u64,
}

/// The peak of a training step: the batch, then the forward pass, the loss
/// (cross-entropy over the output's last dimension: its log-probabilities
/// kept, two gradients its size in backward), the backward pass, and the
/// optimizer's step with every gradient. `None` where a layer cannot be
/// computed or a number passes 2^64.
pub(super) fn peak(c: &Counting, analysis: &Analysis, step_temp: u64) -> Option<Peak> {
    // The caller holds the output (the logits) until the loss is done.
    let net = top_level(c, &analysis.rows)?;
    let output = match analysis.rows.last() {
        Some(row) => row.output?,
        None => c.net.input,
    };
    let o = values(c, output.elements()?)?;
    let loss = Span {
        saved: o,
        grads: 0,
        forward: o,
        backward: High {
            total: o.checked_mul(3)?,
            grads: 0,
        },
    };
    let step = net.then(loss)?;
    let batch = input_bytes(c)?;
    let forward = step.forward;
    let backward = step.backward.total;
    let optimizer = step.grads.checked_add(step_temp)?;
    Some(if optimizer >= backward && optimizer >= forward {
        Peak {
            phase: Phase::Optimizer,
            activations: batch,
            gradients: step.grads,
            optimizer: step_temp,
        }
    } else if backward >= forward {
        Peak {
            phase: Phase::Backward,
            activations: batch.checked_add(backward - step.backward.grads)?,
            gradients: step.backward.grads,
            optimizer: 0,
        }
    } else {
        Peak {
            phase: Phase::Forward,
            activations: batch.checked_add(forward)?,
            gradients: 0,
            optimizer: 0,
        }
    })
}

/// The batch itself: token ids are int64, other inputs at the dtype.
fn input_bytes(c: &Counting) -> Option<u64> {
    let ids = c
        .net
        .layers
        .first()
        .is_some_and(|l| l.kind == Kind::Embedding);
    let each = if ids { 8 } else { c.bytes };
    c.net
        .input
        .elements()?
        .checked_mul(each)?
        .checked_mul(c.batch)
}

fn values(c: &Counting, n: u64) -> Option<u64> {
    n.checked_mul(c.bytes)?.checked_mul(c.batch)
}

/// Layers one after another. `next_keeps`: whether what reads the last
/// output keeps it. Also returns whether the first layer keeps its input.
fn sequence(
    c: &Counting,
    layers: &[Layer],
    rows: &[Row],
    next_keeps: bool,
) -> Option<(Span, bool)> {
    let mut span = Span::default();
    let mut keeps = next_keeps;
    // Backwards, so each layer knows whether the next one keeps its output.
    for (layer, row) in layers.iter().zip(rows).rev() {
        let (own, first) = node(c, layer, row, keeps)?;
        span = own.then(span)?;
        keeps = first;
    }
    Some((span, keeps))
}

fn node(c: &Counting, layer: &Layer, row: &Row, next_keeps: bool) -> Option<(Span, bool)> {
    match layer.kind.spatial() {
        family::Spatial::Block => block(c, layer, row, next_keeps),
        family::Spatial::Merge(_) => merge(c, layer, row, next_keeps),
        _ => leaf(c, layer, row, next_keeps),
    }
}

/// What the layer keeps, with its `activation` shorthand: one that takes
/// its gradient from its output keeps that, the others the value before
/// the activation.
pub(super) fn saved(
    layer: &Layer,
    input: Shape,
    output: Shape,
    kernel: AttentionKernel,
) -> Option<Saved> {
    let mut s = family::of(layer.kind).saved(layer, input, output, kernel)?;
    if let Some(a) = layer.activation.filter(|_| layer.kind.carries_activation()) {
        if family::activation::keeps(a).output {
            s.output = true;
        } else {
            s.values = s.values.checked_add(output.elements()?)?;
        }
    }
    Some(s)
}

/// One layer: its output, if it or the next layer keeps it, and what else
/// it keeps; its backward also holds the gradients of its input and output.
fn leaf(c: &Counting, layer: &Layer, row: &Row, next_keeps: bool) -> Option<(Span, bool)> {
    let (input, output) = (row.input?, row.output?);
    let s = saved(layer, input, output, c.attention)?;
    let (i, o) = (input.elements()?, output.elements()?);
    if s.view {
        // Its output is its input's storage: kept if the next layer keeps it.
        let temp = values(c, o)?;
        let span = Span {
            backward: High {
                total: temp,
                grads: 0,
            },
            ..Span::default()
        };
        return Some((span, next_keeps));
    }
    let kept_output = if s.output || next_keeps { o } else { 0 };
    let grads = (c.grads)(layer, row)?;
    let temp = values(c, i.checked_add(o)?.checked_add(s.temp)?)?;
    let written = values(c, o - kept_output)?;
    if let Some(stacks) = family::of(layer.kind).stacks(layer, input) {
        let fixed = s.bytes.checked_mul(c.batch)?;
        let span = stacked(
            c,
            &stacks,
            s.values,
            kept_output,
            grads,
            temp,
            written,
            fixed,
        )?;
        return Some((span, s.input));
    }
    let saved_bytes = values(c, kept_output.checked_add(s.values)?)?
        .checked_add(s.bytes.checked_mul(c.batch)?)?;
    let span = Span {
        saved: saved_bytes,
        grads,
        forward: saved_bytes.checked_add(written)?,
        backward: High {
            total: saved_bytes.checked_add(grads)?.checked_add(temp)?,
            grads,
        },
    };
    Some((span, s.input))
}

/// A layer that stacks layers of `stacks` parameters each (a two-layer
/// LSTM): each keeps its share of `kept` values, the last the output too,
/// and each makes its share of `grads` in its own backward, after the
/// backward of those above it has freed what they kept. Counted as one,
/// a two-layer LSTM's peak held both layers' tensors with both gradients:
/// 1.24× PyTorch's at batch 8. `fixed` bytes (per batch) are kept by the
/// first.
#[allow(clippy::too_many_arguments)]
fn stacked(
    c: &Counting,
    stacks: &[u64],
    kept: u64,
    kept_output: u64,
    grads: u64,
    temp: u64,
    written: u64,
    fixed: u64,
) -> Option<Span> {
    let n = u64::try_from(stacks.len()).ok()?;
    let params: u128 = stacks.iter().map(|&p| u128::from(p)).sum::<u128>().max(1);
    // Gradients in proportion to parameters; what the division leaves goes
    // to the last, so the shares add up.
    let mut shares = stacks
        .iter()
        .map(|&p| u64::try_from(u128::from(grads) * u128::from(p) / params).ok())
        .collect::<Option<Vec<u64>>>()?;
    let given = shares.iter().try_fold(0u64, |a, &g| a.checked_add(g))?;
    *shares.last_mut()? += grads.checked_sub(given)?;
    let mut whole: Option<Span> = None;
    for (k, &grads_k) in shares.iter().enumerate() {
        let last = k + 1 == shares.len();
        let share = kept / n + if last { kept % n } else { 0 };
        let values_kept = if last {
            share.checked_add(kept_output)?
        } else {
            share
        };
        let mut saved = values(c, values_kept)?;
        if k == 0 {
            saved = saved.checked_add(fixed)?;
        }
        let span = Span {
            saved,
            grads: grads_k,
            forward: saved.checked_add(if last { written } else { 0 })?,
            backward: High {
                total: saved.checked_add(grads_k)?.checked_add(temp)?,
                grads: grads_k,
            },
        };
        whole = Some(match whole {
            None => span,
            Some(w) => w.then(span)?,
        });
    }
    whole
}

/// The top-level layers: frozen ones make no gradients, and those
/// before the first trained layer keep nothing for backward (no graph is
/// recorded for them: only their output, if the next layer keeps it).
/// With checkpointing, blocks are `checkpointed`.
fn top_level(c: &Counting, rows: &[Row]) -> Option<Span> {
    let no_grads = |_: &Layer, _: &Row| Some(0);
    let frozen = Counting {
        grads: &no_grads,
        ..*c
    };
    let untracked = c.frozen.map_or(0, |f| f.prefix()).min(rows.len());
    let mut span = Span::default();
    let mut keeps = true;
    for (i, (layer, row)) in c.net.layers.iter().zip(rows).enumerate().rev() {
        if i < untracked {
            break;
        }
        let c = if c.frozen.is_some_and(|f| f.contains(i)) {
            &frozen
        } else {
            c
        };
        let (own, first) = if c.checkpoint && layer.kind == Kind::Block {
            (checkpointed(c, layer, row)?, true)
        } else {
            node(c, layer, row, keeps)?
        };
        span = own.then(span)?;
        keeps = first;
    }
    if untracked == 0 {
        return Some(span);
    }
    // The frozen stretch runs as inference: its last output stays if the
    // first trained layer keeps it.
    let (forward, out) = no_graph(&c.net.layers[..untracked], &rows[..untracked])?;
    let kept = if keeps { values(c, out)? } else { 0 };
    let stretch = Span {
        saved: kept,
        grads: 0,
        forward: values(c, forward)?,
        backward: High {
            total: kept,
            grads: 0,
        },
    };
    stretch.then(span)
}

/// A forward pass that records no graph: the most it holds at once above
/// its input, and its output, in values per sample. Each layer holds its
/// input and output; a merge holds its input while its branches run, and
/// each finished branch's output until they meet.
fn no_graph(layers: &[Layer], rows: &[Row]) -> Option<(u64, u64)> {
    let mut most = 0u64;
    // The output of the layer before, alive while the next one runs.
    let mut held = 0u64;
    for (layer, row) in layers.iter().zip(rows) {
        let (peak, out) = match layer.kind.spatial() {
            family::Spatial::Block => {
                let (pass, out) = no_graph(
                    layer.branches.first().map_or(&[], Vec::as_slice),
                    row.inner.first().map_or(&[], Vec::as_slice),
                )?;
                // A later pass reads the one before's output, and the
                // block's input is let go by then (each pass is a layer of
                // its own in the framework's sequence).
                let input = row.input?.elements()?;
                let later = if layer.repeat.get() > 1 {
                    out.checked_add(pass)?.saturating_sub(input)
                } else {
                    0
                };
                (pass.max(later), out)
            }
            family::Spatial::Merge(_) => {
                let mut finished = 0u64;
                let mut peak = 0u64;
                for (branch, inner) in layer.branches.iter().zip(&row.inner) {
                    let (p, out) = no_graph(branch, inner)?;
                    peak = peak.max(finished.checked_add(p)?);
                    finished = finished.checked_add(out)?;
                }
                let out = row.output?.elements()?;
                (peak.max(finished.checked_add(out)?), out)
            }
            _ => {
                let view = saved(layer, row.input?, row.output?, AttentionKernel::Eager)?.view;
                let out = row.output?.elements()?;
                (if view { 0 } else { out }, out)
            }
        };
        most = most.max(held.checked_add(peak)?);
        held = out;
    }
    // An empty branch (an identity) hands on its input: nothing new.
    Some((most, if layers.is_empty() { 0 } else { held }))
}

/// A top-level block with activation checkpointing: each pass keeps only
/// its input through the forward pass (the previous pass's output); in
/// backward the pass runs again and holds what it keeps only while its
/// own backward runs. Its input is kept too, as the first checkpoint.
fn checkpointed(c: &Counting, layer: &Layer, row: &Row) -> Option<Span> {
    // A pass recomputed holds all it keeps, and its checkpoint (the
    // output it hands on), only while its backward runs. (A block whose
    // passes change the shape is counted by its pass shown.)
    let pass = single_pass(c, layer, row, true)?;
    let out = values(c, row.output?.elements()?)?;
    let one = Span {
        saved: out,
        grads: pass.grads,
        forward: pass.forward,
        backward: pass.backward.plus(out, 0)?,
    };
    one.times(layer.repeat.get(), layer.extra.shared)
}

/// One pass of a block, as without checkpointing.
fn single_pass(c: &Counting, layer: &Layer, row: &Row, next_keeps: bool) -> Option<Span> {
    let body: &[Layer] = layer.branches.first().map_or(&[], Vec::as_slice);
    let rows: &[Row] = row.inner.first().map_or(&[], Vec::as_slice);
    Some(sequence(c, body, rows, next_keeps)?.0)
}

/// Branches that each read the input, run one after the other, then meet.
fn merge(c: &Counting, layer: &Layer, row: &Row, next_keeps: bool) -> Option<(Span, bool)> {
    let (input, output) = (row.input?, row.output?);
    let s = saved(layer, input, output, c.attention)?;
    let o = output.elements()?;
    let kept = values(c, if s.output || next_keeps { o } else { 0 })?;
    // Backward holds the output's gradient and one per branch.
    let temp = values(c, o.checked_mul(layer.branches.len() as u64 + 1)?)?;
    let op = Span {
        saved: kept,
        grads: 0,
        forward: values(c, o)?,
        backward: High {
            total: kept.checked_add(temp)?,
            grads: 0,
        },
    };
    let op_first = s.input;
    let mut span = Span::default();
    let mut first = false;
    for (branch, rows) in layer.branches.iter().zip(&row.inner) {
        let (b, keeps) = sequence(c, branch, rows, op_first)?;
        span = span.then(b)?;
        first |= keeps;
    }
    Some((span.then(op)?, first))
}

/// A block's passes. When its first pass leaves the shape as it found it
/// every pass is the same; otherwise each pass is analysed on its own input.
fn block(c: &Counting, layer: &Layer, row: &Row, next_keeps: bool) -> Option<(Span, bool)> {
    let body: &[Layer] = layer.branches.first().map_or(&[], Vec::as_slice);
    let rows: &[Row] = row.inner.first().map_or(&[], Vec::as_slice);
    let n = layer.repeat.get();
    let input = row.input?;
    let pass_out = rows.last().map_or(Some(input), |r| r.output)?;
    // Within the block, a pass's output goes to the next pass's first layer.
    let (_, first) = sequence(c, body, rows, next_keeps)?;
    if pass_out == input {
        let (pass, _) = sequence(c, body, rows, first)?;
        return Some((pass.times(n, layer.extra.shared)?, first));
    }
    let mut span = Span::default();
    let mut shape = input;
    for done in 0..n {
        let pass_net = Network {
            name: String::new(),
            input: shape,
            kernels: c.net.kernels,
            budget: Default::default(),
            layers: body.to_vec(),
        };
        let a = crate::engine::analyze(&pass_net);
        let keeps = if done + 1 == n { next_keeps } else { first };
        let (pass, _) = sequence(c, body, &a.rows, keeps)?;
        span = span.then(pass)?;
        let out = a.rows.last().map_or(Some(shape), |r| r.output)?;
        if out == shape {
            // Every later pass is this one again.
            let rest = pass.times(n - done - 1, layer.extra.shared)?;
            return Some((span.then(rest)?, first));
        }
        shape = out;
    }
    Some((span, first))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::test_layer;
    use crate::memory::{Optimizer, Setting, memory};

    fn seq(l: u64, e: u64) -> Shape {
        Shape::Matrix { rows: l, cols: e }
    }

    fn img(c: u64, h: u64, w: u64) -> Shape {
        Shape::Image { c, h, w }
    }

    /// What each kind keeps, as PyTorch's kernels save it (measured with
    /// saved-tensor hooks on torch 2.x).
    #[test]
    fn each_kind_keeps_what_its_backward_needs() {
        let keeps = |kind, settings: &[(&str, &str)], input: Shape| {
            let layer = test_layer(kind, settings);
            let out = family::of(kind)
                .step(&layer, input, crate::network::Kernels::Full)
                .unwrap()
                .output;
            saved(&layer, input, out, AttentionKernel::Eager).unwrap()
        };
        let x = img(8, 16, 16);
        let conv = keeps(Kind::Conv2d, &[("filters", "8"), ("kernel", "3")], x);
        assert!(conv.input && !conv.output && conv.values == 0);
        // A ReLU shorthand keeps the output; a GELU one the value before it.
        let relu = keeps(
            Kind::Conv2d,
            &[("filters", "8"), ("kernel", "3"), ("activation", "relu")],
            x,
        );
        assert!(relu.input && relu.output && relu.values == 0);
        let gelu = keeps(
            Kind::Dense,
            &[("units", "10"), ("activation", "gelu")],
            seq(4, 6),
        );
        assert_eq!((gelu.output, gelu.values), (false, 40));
        // Max pooling: an int64 index per output value.
        let pool = keeps(Kind::MaxPool, &[("kernel", "2")], x);
        assert_eq!(pool.bytes, 8 * 8 * 8 * 8);
        assert_eq!(keeps(Kind::AvgPool, &[("kernel", "2")], x).bytes, 0);
        assert!(keeps(Kind::Relu, &[], x).output);
        assert!(keeps(Kind::Relu6, &[], x).input, "hardtanh reads its input");
        assert!(keeps(Kind::Flatten, &[], x).view);
        assert_eq!(
            keeps(Kind::Dropout, &[("rate", "0.1")], x).values,
            8 * 16 * 16
        );
        assert!(keeps(Kind::Dropout, &[("rate", "0")], x).view);
        assert_eq!(keeps(Kind::GlobalAvgPool, &[], x), Saved::NOTHING);
        // A mean and a deviation per token; RMSNorm its normalised values.
        assert_eq!(keeps(Kind::LayerNorm, &[], seq(10, 64)).values, 20);
        assert_eq!(keeps(Kind::RmsNorm, &[], seq(10, 64)).values, 640 + 10);
        let tanh = keeps(Kind::Gelu, &[("approximate", "tanh")], seq(10, 64));
        assert_eq!(tanh.values, 3 * 640);
        // GPT-2's attention: q, k, v, the joined heads; h·L·L weights,
        // their dropout mask and the dropped weights.
        let gpt2 = keeps(
            Kind::Attention,
            &[("heads", "12"), ("rate", "0.1")],
            seq(1024, 768),
        );
        assert_eq!(gpt2.values, 1024 * (4 * 768 + 3 * 12 * 1024));
        assert_eq!(gpt2.temp, 2 * 12 * 1024 * 1024);
        let llama = keeps(
            Kind::Attention,
            &[("heads", "32"), ("kv_heads", "8")],
            seq(10, 4096),
        );
        assert_eq!(
            llama.values,
            10 * (4 * 4096 + 32 * 10),
            "keys repeated to every head"
        );
        // A fused kernel: the output and a log-sum-exp per head, no L×L.
        let layer = test_layer(Kind::Attention, &[("heads", "12"), ("rate", "0.1")]);
        let flash = saved(
            &layer,
            seq(1024, 768),
            seq(1024, 768),
            AttentionKernel::Flash,
        )
        .unwrap();
        assert_eq!(flash.values, 1024 * (5 * 768 + 12));
        assert_eq!(flash.temp, 0);
        assert_eq!(keeps(Kind::Add, &[], x), Saved::NOTHING);
        assert!(keeps(Kind::Multiply, &[], x).input);
    }

    /// A small network worked by hand: 1×8×8 → conv 3×3 ×2 relu (2×6×6)
    /// → flatten → dense 4, fp32, batch 1.
    fn tiny() -> Network {
        crate::file::parse(
            r#"
input = [1, 8, 8]
[[layer]]
type = "conv2d"
filters = 2
kernel = 3
activation = "relu"
[[layer]]
type = "flatten"
[[layer]]
type = "dense"
units = 4
"#,
        )
        .unwrap()
    }

    /// SGD: the peak is in backward, at the convolution: its 72 kept
    /// outputs (288 bytes) and its temporaries (the gradients of its 64
    /// inputs and 72 outputs, 544) and every gradient (80 + 1,168), above
    /// the weights (1,248) and the batch (256); the dense layer's and the
    /// loss's saved tensors are freed by then.
    #[test]
    fn a_steps_peak_worked_by_hand() {
        let net = tiny();
        let a = crate::engine::analyze(&net);
        let sgd = Setting {
            train: Some(Optimizer::Sgd),
            ..Setting::default()
        };
        let m = memory(&net, &a, sgd).unwrap();
        assert_eq!(m.phase, Phase::Backward);
        assert_eq!((m.weights, m.gradients, m.optimizer), (1_248, 1_248, 0));
        assert_eq!(m.activations, 256 + 288 + 544);
        assert_eq!(m.total, 1_248 + 1_248 + 1_088);
        // Adam's step holds every gradient, both moments, and two copies of
        // the largest layer's weights (the dense layer's 1,168 bytes).
        let adam = Setting {
            train: Some(Optimizer::Adam),
            ..Setting::default()
        };
        let m = memory(&net, &a, adam).unwrap();
        assert_eq!(m.phase, Phase::Optimizer);
        assert_eq!((m.gradients, m.optimizer), (1_248, 2 * 1_248 + 2 * 1_168));
        assert_eq!(m.activations, 256, "only the batch is left");
        assert_eq!(m.total, 1_248 + 1_248 + 4_832 + 256);
    }

    /// A two-layer LSTM runs its layers in turn, backward too: its peak
    /// is in the first layer's backward, with that layer's kept tensors,
    /// every gradient and the temporaries, the second layer's kept tensors
    /// freed. On [4, 3] with h = 2, fp32: the layers weigh 56 and 48
    /// parameters (416 bytes); each keeps 4 steps × 5 vectors of 2 (160
    /// bytes), the second its output too; the temporaries are the input's
    /// and output's gradients (80).
    #[test]
    fn a_stacked_lstms_layers_free_in_turn() {
        let net = crate::file::parse(
            "input = [4, 3]\n[[layer]]\ntype = \"lstm\"\nhidden = 2\nlayers = 2\n",
        )
        .unwrap();
        let a = crate::engine::analyze(&net);
        let sgd = Setting {
            train: Some(Optimizer::Sgd),
            ..Setting::default()
        };
        let m = memory(&net, &a, sgd).unwrap();
        assert_eq!(m.phase, Phase::Backward);
        assert_eq!((m.weights, m.gradients), (416, 416));
        assert_eq!(
            m.activations,
            48 + 160 + 80,
            "the batch, the first layer's, temporaries"
        );
        assert_eq!(m.total, 416 + 416 + 288);
    }

    /// A block of n passes costs what its passes unrolled cost.
    #[test]
    fn a_blocks_passes_count_as_if_unrolled() {
        let body = r#"
[[layer.layer]]
type = "dense"
units = 16
activation = "gelu"
[[layer.layer]]
type = "layernorm"
"#;
        let folded = format!("input = [10, 16]\n[[layer]]\ntype = \"block\"\nrepeat = 5\n{body}");
        let unrolled = format!(
            "input = [10, 16]\n{}",
            (0..5)
                .map(|_| format!("[[layer]]\ntype = \"block\"\n{body}"))
                .collect::<String>()
        );
        let sgd = Setting {
            train: Some(Optimizer::Sgd),
            batch: 3,
            ..Setting::default()
        };
        let at = |text: &str| {
            let net = crate::file::parse(text).unwrap();
            memory(&net, &crate::engine::analyze(&net), sgd).unwrap()
        };
        assert_eq!(at(&folded), at(&unrolled));
    }

    /// Checkpointing GPT-2's blocks keeps one block's tensors at a time:
    /// the peak falls to under a third, and a network without blocks is
    /// unchanged.
    #[test]
    fn checkpointing_keeps_one_pass_at_a_time() {
        let adam = Setting {
            train: Some(Optimizer::Adam),
            batch: 4,
            ..Setting::default()
        };
        let at = |name: &str, checkpoint| {
            let net = crate::presets::load(name).unwrap();
            let a = crate::engine::analyze(&net);
            memory(&net, &a, Setting { checkpoint, ..adam })
                .unwrap()
                .total
        };
        let (plain, checkpointed) = (at("gpt2", false), at("gpt2", true));
        assert!(checkpointed * 3 < plain, "{checkpointed} of {plain}");
        assert_eq!(at("lenet", true), at("lenet", false));
    }
}
