//! `add`, `concat`, `multiply` and `block`: layers that hold layers. A
//! merge runs each of its branches on its input (an empty branch is the
//! identity) and then sums them (`add`: shapes must be identical, no
//! broadcasting), joins them along channels (`concat`: every other
//! dimension must agree; flat vectors join their features) or multiplies
//! them (`multiply`: broadcasting as PyTorch does — a squeeze-excitation
//! gate, a gated MLP). A block runs its layers `repeat` times, each
//! repetition with its own weights (or one set, `shared`), on the previous
//! one's output.
//!
//! The engine walks what a container holds (`engine::tree`); this module
//! says how branches meet and how a container reads in the table.

use super::{Direction, Family, Meet, Spatial, Step};
use crate::engine::Problem;
use crate::export::{ExportError, Exported};
use crate::layer::{Field, Kind, Layer};
use crate::network::{Kernels, Shape};

/// `add` and `concat`.
pub struct Merge(pub Meet);

/// `block`: layers run one after another, `repeat` times.
pub struct Block;

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
    let Spatial::Merge(how) = kind.spatial() else {
        return Err(mismatch(0, first));
    };
    let mut out = first;
    for (i, &shape) in rest.iter().enumerate() {
        out = match how {
            Meet::Add if shape == first => first,
            // Concat joins PyTorch's dim 1: channels, or a vector's
            // features; every other dimension must agree.
            Meet::Concat
                if out.rank() == shape.rank() && out.with_channels(1) == shape.with_channels(1) =>
            {
                let c = (out.channels())
                    .checked_add(shape.channels())
                    .ok_or(super::too_large("channel count"))?;
                out.with_channels(c)
            }
            Meet::Multiply => broadcast(out, shape).ok_or(Problem::Broadcast {
                first,
                branch: i + 2,
                other: shape,
            })?,
            Meet::Add | Meet::Concat => return Err(mismatch(i, shape)),
        };
    }
    Ok(out)
}

/// PyTorch's broadcasting of two shapes of one rank: each dimension
/// agrees, or one of them is 1 and stretches. (The batch dimension in
/// front is why layerlab refuses two ranks: it would not line up.)
fn broadcast(a: Shape, b: Shape) -> Option<Shape> {
    let (a, b) = (a.to_vec(), b.to_vec());
    if a.len() != b.len() {
        return None;
    }
    let dims: Option<Vec<u64>> = (a.iter().zip(&b))
        .map(|(&x, &y)| match (x, y) {
            _ if x == y => Some(x),
            (1, y) => Some(y),
            (x, 1) => Some(x),
            _ => None,
        })
        .collect();
    Shape::from_dims(&dims?)
}

impl Family for Merge {
    /// A sum and a join need only the shapes for their gradients; a
    /// product needs each side (each branch's output).
    fn saved(
        &self,
        _layer: &Layer,
        _input: Shape,
        _output: Shape,
        _kernel: crate::memory::AttentionKernel,
    ) -> Option<super::Saved> {
        Some(match self.0 {
            Meet::Add | Meet::Concat => super::Saved::NOTHING,
            Meet::Multiply => super::Saved::INPUT,
        })
    }

    fn fields(&self) -> &'static [Field] {
        &[Field::Activation]
    }

    fn spatial(&self) -> Spatial {
        Spatial::Merge(self.0)
    }

    fn carries_activation(&self) -> bool {
        true
    }

    /// Two identity branches: sum or join the input with itself, a valid
    /// start to build on.
    fn defaults(&self, layer: &mut Layer) {
        layer.branches = vec![Vec::new(), Vec::new()];
    }

    fn step(&self, layer: &Layer, input: Shape, kernels: Kernels) -> Result<Step, Problem> {
        crate::engine::container_step(layer, input, kernels)
    }

    fn size_lines(&self, _layer: &Layer, _input: Shape, output: Option<Shape>) -> Vec<String> {
        let Some(out) = output else {
            return vec![t!("family-cannot-be-computed")];
        };
        vec![match self.0 {
            Meet::Add => t!("merge-add-size", out = out.to_string()),
            Meet::Concat => t!("merge-concat-size", out = out.to_string()),
            Meet::Multiply => t!("merge-multiply-size", out = out.to_string()),
        }]
    }

    fn params_line(&self, _layer: &Layer, _input: Shape, result: &str, _k: Kernels) -> String {
        t!("merge-params", result = result.to_string())
    }

    fn label(&self, layer: &Layer) -> String {
        let n = layer.branches.len();
        let mut s = format!("{} {}", layer.kind.name(), t!("merge-branches", n = n));
        if let Some(a) = layer.activation {
            s.push(' ');
            s.push_str(a.name());
        }
        s
    }

    /// Containers are written by the exporters themselves, which need the
    /// layers inside (a module class per container).
    fn pytorch(&self, _e: &Exported, _out: &mut Vec<(String, String)>) {}

    fn pytorch_helpers(&self, _layer: &Layer) -> &'static [&'static str] {
        match self.0 {
            Meet::Multiply => &[crate::export::helpers::MULTIPLY],
            Meet::Add | Meet::Concat => &[],
        }
    }

    fn keras(&self, _e: &Exported, _out: &mut Vec<String>) -> Result<(), ExportError> {
        Ok(())
    }
}

impl Block {
    fn helpers(layer: &Layer) -> &'static [&'static str] {
        if layer.extra.shared {
            &[crate::export::helpers::SHARED]
        } else {
            &[]
        }
    }
}

impl Family for Block {
    fn fields(&self) -> &'static [Field] {
        &[Field::Name, Field::Repeat, Field::Shared]
    }

    fn spatial(&self) -> Spatial {
        Spatial::Block
    }

    /// An empty block.
    fn defaults(&self, layer: &mut Layer) {
        layer.branches = vec![Vec::new()];
    }

    fn step(&self, layer: &Layer, input: Shape, kernels: Kernels) -> Result<Step, Problem> {
        crate::engine::container_step(layer, input, kernels)
    }

    fn size_lines(&self, layer: &Layer, input: Shape, output: Option<Shape>) -> Vec<String> {
        let Some(out) = output else {
            return vec![t!("family-cannot-be-computed")];
        };
        vec![t!(
            "merge-block-size",
            input = input.to_string(),
            repeat = layer.repeat.to_string(),
            out = out.to_string()
        )]
    }

    fn params_line(&self, layer: &Layer, _input: Shape, result: &str, _k: Kernels) -> String {
        if layer.extra.shared && layer.repeat.get() > 1 {
            t!(
                "merge-params-shared",
                repeat = layer.repeat.to_string(),
                result = result.to_string()
            )
        } else if layer.repeat.get() > 1 {
            t!(
                "merge-params-repeated",
                repeat = layer.repeat.to_string(),
                result = result.to_string()
            )
        } else {
            t!("merge-params", result = result.to_string())
        }
    }

    /// `+`/`-` on a block: one repetition more or less.
    fn resize(&self, layer: &mut Layer, step: Direction) -> Result<(), String> {
        layer.repeat = step
            .add_one(layer.repeat)
            .ok_or(t!("merge-a-block-runs-at-least-once"))?;
        Ok(())
    }

    fn label(&self, layer: &Layer) -> String {
        let mut s = "block".to_string();
        if let Some(name) = &layer.name {
            s.push(' ');
            s.push_str(&crate::text::visible(name));
        }
        if layer.repeat.get() > 1 {
            s.push_str(&format!(" ×{}", layer.repeat));
        }
        if layer.extra.shared {
            s.push_str(" shared");
        }
        s
    }

    fn pytorch(&self, _e: &Exported, _out: &mut Vec<(String, String)>) {}

    fn pytorch_helpers(&self, layer: &Layer) -> &'static [&'static str] {
        Block::helpers(layer)
    }

    fn keras(&self, _e: &Exported, _out: &mut Vec<String>) -> Result<(), ExportError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::merged;
    use crate::engine::Problem;
    use crate::layer::Kind;
    use crate::network::Shape;

    #[test]
    fn multiply_broadcasts_as_pytorch_and_add_stays_strict() {
        let map = Shape::Image { c: 32, h: 7, w: 7 };
        let gate = Shape::Image { c: 32, h: 1, w: 1 };
        assert_eq!(merged(Kind::Multiply, &[map, gate]), Ok(map));
        assert_eq!(merged(Kind::Multiply, &[gate, map]), Ok(map));
        assert!(merged(Kind::Add, &[map, gate]).is_err());
        let wrong = Shape::Image { c: 16, h: 1, w: 1 };
        assert_eq!(
            merged(Kind::Multiply, &[map, wrong]),
            Err(Problem::Broadcast {
                first: map,
                branch: 2,
                other: wrong
            })
        );
        assert!(matches!(
            merged(Kind::Multiply, &[map, Shape::Flat(32)]),
            Err(Problem::Broadcast { .. })
        ));
    }
}
