//! `add`, `concat` and `block`: layers that hold layers. A merge runs each
//! of its branches on its input (an empty branch is the identity) and then
//! sums them (`add`: shapes must be identical, no broadcasting) or joins them
//! along channels (`concat`: every other dimension must agree; flat vectors
//! join their features). A block runs its layers `repeat` times, each
//! repetition with its own weights, on the previous one's output.
//!
//! The engine walks what a container holds (`engine::tree`); this module
//! says how branches meet and how a container reads in the table.

use super::{Direction, Family, Step};
use crate::engine::Problem;
use crate::export::{ExportError, Exported};
use crate::layer::{Field, Kind, Layer};
use crate::network::{Kernels, Shape};

pub struct Merge;

/// The shape leaving a merge of branches that gave `outputs`, or which
/// branch disagrees with the first and how.
pub fn merged(kind: Kind, outputs: &[Shape]) -> Result<Shape, Problem> {
    let Some((&first, rest)) = outputs.split_first() else {
        return Err(Problem::NoBranches { kind });
    };
    let mismatch = |i: usize, other: Shape| Problem::Mismatch {
        kind,
        first,
        branch: i + 2,
        other,
    };
    let mut out = first;
    for (i, &shape) in rest.iter().enumerate() {
        out = match (kind, out, shape) {
            (Kind::Add, _, _) if shape == first => first,
            // Concat joins PyTorch's dim 1: channels, or a vector's
            // features; every other dimension must agree.
            (Kind::Concat, a, b)
                if a.rank() == b.rank() && a.with_channels(1) == b.with_channels(1) =>
            {
                let c = (a.channels())
                    .checked_add(b.channels())
                    .ok_or(super::too_large("channel count"))?;
                a.with_channels(c)
            }
            _ => return Err(mismatch(i, shape)),
        };
    }
    Ok(out)
}

impl Family for Merge {
    fn fields(&self, kind: Kind) -> &'static [Field] {
        match kind {
            Kind::Block => &[Field::Name, Field::Repeat],
            _ => &[Field::Activation],
        }
    }

    /// Two identity branches for a merge (sum or join the input with
    /// itself) and an empty block: each a valid start to build on.
    fn defaults(&self, layer: &mut Layer) {
        if layer.kind.is_merge() {
            layer.branches = vec![Vec::new(), Vec::new()];
        } else {
            layer.branches = vec![Vec::new()];
        }
    }

    fn step(&self, layer: &Layer, input: Shape, kernels: Kernels) -> Result<Step, Problem> {
        crate::engine::container_step(layer, input, kernels)
    }

    fn size_lines(&self, layer: &Layer, input: Shape, output: Option<Shape>) -> Vec<String> {
        let Some(out) = output else {
            return vec![t!("family-cannot-be-computed")];
        };
        vec![match layer.kind {
            Kind::Add => t!("merge-add-size", out = out.to_string()),
            Kind::Concat => t!("merge-concat-size", out = out.to_string()),
            _ => t!(
                "merge-block-size",
                input = input.to_string(),
                repeat = layer.repeat.to_string(),
                out = out.to_string()
            ),
        }]
    }

    fn params_line(&self, layer: &Layer, _input: Shape, result: &str, _k: Kernels) -> String {
        match layer.kind {
            Kind::Block if layer.repeat.get() > 1 => t!(
                "merge-params-repeated",
                repeat = layer.repeat.to_string(),
                result = result.to_string()
            ),
            _ => t!("merge-params", result = result.to_string()),
        }
    }

    /// `+`/`-` on a block: one repetition more or less.
    fn resize(&self, layer: &mut Layer, step: Direction) -> Result<(), String> {
        if layer.kind != Kind::Block {
            return Err(t!("app-kind-has-no-kernel-or", kind = layer.kind.name()));
        }
        layer.repeat = step
            .add_one(layer.repeat)
            .ok_or(t!("merge-a-block-runs-at-least-once"))?;
        Ok(())
    }

    fn label(&self, layer: &Layer) -> String {
        match layer.kind {
            Kind::Block => {
                let mut s = "block".to_string();
                if let Some(name) = &layer.name {
                    s.push(' ');
                    s.push_str(&crate::text::visible(name));
                }
                if layer.repeat.get() > 1 {
                    s.push_str(&format!(" ×{}", layer.repeat));
                }
                s
            }
            kind => {
                let n = layer.branches.len();
                let mut s = format!("{} {}", kind.name(), t!("merge-branches", n = n));
                if let Some(a) = layer.activation {
                    s.push(' ');
                    s.push_str(a.name());
                }
                s
            }
        }
    }

    /// Containers are written by the exporters themselves, which need the
    /// layers inside (a module class per container).
    fn pytorch(&self, _e: &Exported, _out: &mut Vec<(String, String)>) {}

    fn keras(&self, _e: &Exported, _out: &mut Vec<String>) -> Result<(), ExportError> {
        Ok(())
    }
}
