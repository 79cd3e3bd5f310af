//! Rearranging channels: `pixel_shuffle` (r² channels become an r×r patch:
//! super-resolution's upsampling), `channel_shuffle` (ShuffleNet's
//! interleaving of groups) and `slice` (part of the first dimension:
//! ShuffleNetV2's channel split, CSP's halves).

use super::{Family, Spatial, Step, keras_has_none};
use crate::engine::{Problem, Want};
use crate::export::{ExportError, Exported, helpers};
use crate::layer::{Field, Layer};
use crate::network::{Kernels, Shape};
use crate::units::thousands;

pub struct PixelShuffle;
pub struct ChannelShuffle;
pub struct Slice;

impl Family for PixelShuffle {
    /// A rearrangement: only the shapes.
    fn saved(
        &self,
        _layer: &Layer,
        _input: Shape,
        _output: Shape,
        _kernel: crate::memory::AttentionKernel,
    ) -> Option<super::Saved> {
        Some(super::Saved::NOTHING)
    }

    fn fields(&self) -> &'static [Field] {
        &[Field::Factor]
    }

    fn required(&self) -> &'static [Field] {
        &[Field::Factor]
    }

    fn spatial(&self) -> Spatial {
        Spatial::PixelShuffle
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        let Shape::Image { c, h, w } = input else {
            return Err(Problem::needs_image(layer.kind, input));
        };
        let r = layer.extra.factor.get();
        let square = r.checked_mul(r).filter(|&sq| c.is_multiple_of(sq));
        let Some(square) = square else {
            return Err(Problem::PixelShuffle {
                channels: c,
                factor: r,
            });
        };
        let side = |n: u64| n.checked_mul(r).ok_or(super::too_large("feature map"));
        Ok(Step::passthrough(Shape::Image {
            c: c / square,
            h: side(h)?,
            w: side(w)?,
        }))
    }

    fn size_lines(&self, layer: &Layer, input: Shape, output: Option<Shape>) -> Vec<String> {
        let (Shape::Image { c, h, w }, Some(out)) = (input, output) else {
            return super::unchanged(input, output);
        };
        let r = layer.extra.factor;
        vec![format!(
            "C: {c} / {r}² = {}, H: {h}·{r}, W: {w}·{r} → {out}",
            out.channels()
        )]
    }

    fn params_line(&self, _layer: &Layer, _input: Shape, _result: &str, _k: Kernels) -> String {
        t!("family-0-no-weights")
    }

    fn label(&self, layer: &Layer) -> String {
        format!("pixel_shuffle ×{}", layer.extra.factor)
    }

    fn resize(&self, layer: &mut Layer, step: super::Direction) -> Result<(), String> {
        layer.extra.factor = step
            .add_one(layer.extra.factor)
            .ok_or(t!("shuffle-factor-at-least-one"))?;
        Ok(())
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        out.push((
            format!("l{}", e.number),
            format!("nn.PixelShuffle({})", e.layer.extra.factor),
        ));
    }

    fn keras(&self, e: &Exported, _out: &mut Vec<String>) -> Result<(), ExportError> {
        // depth_to_space orders the channels of a patch differently.
        Err(keras_has_none(e, "pixel_shuffle"))
    }
}

impl Family for ChannelShuffle {
    /// A rearrangement: only the shapes.
    fn saved(
        &self,
        _layer: &Layer,
        _input: Shape,
        _output: Shape,
        _kernel: crate::memory::AttentionKernel,
    ) -> Option<super::Saved> {
        Some(super::Saved::NOTHING)
    }

    fn fields(&self) -> &'static [Field] {
        &[Field::Groups]
    }

    fn required(&self) -> &'static [Field] {
        &[Field::Groups]
    }

    fn spatial(&self) -> Spatial {
        Spatial::Pointwise
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        let (c, groups) = (input.channels(), layer.groups.get());
        if matches!(input, Shape::Flat(_)) {
            return Err(Problem::Needs {
                kind: layer.kind,
                want: Want::Map,
                got: input,
            });
        }
        if !c.is_multiple_of(groups) {
            return Err(Problem::SplitGroups {
                kind: layer.kind,
                channels: c,
                groups,
            });
        }
        Ok(Step::passthrough(input))
    }

    fn params_line(&self, _layer: &Layer, _input: Shape, _result: &str, _k: Kernels) -> String {
        t!("family-0-no-weights")
    }

    fn label(&self, layer: &Layer) -> String {
        format!("channel_shuffle {}g", layer.groups)
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        out.push((
            format!("l{}", e.number),
            format!("nn.ChannelShuffle({})", e.layer.groups),
        ));
    }

    fn keras(&self, e: &Exported, _out: &mut Vec<String>) -> Result<(), ExportError> {
        Err(keras_has_none(e, "channel_shuffle"))
    }
}

impl Family for Slice {
    /// A view of part of the input.
    fn saved(
        &self,
        _layer: &Layer,
        _input: Shape,
        _output: Shape,
        _kernel: crate::memory::AttentionKernel,
    ) -> Option<super::Saved> {
        Some(super::Saved::VIEW)
    }

    fn fields(&self) -> &'static [Field] {
        &[Field::Start, Field::End]
    }

    fn required(&self) -> &'static [Field] {
        &[Field::Start, Field::End]
    }

    fn spatial(&self) -> Spatial {
        Spatial::Pointwise
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        let (start, end, size) = (layer.extra.start, layer.extra.end, input.channels());
        if start >= end || end > size {
            return Err(Problem::Slice { start, end, size });
        }
        Ok(Step::passthrough(input.with_channels(end - start)))
    }

    fn size_lines(&self, layer: &Layer, input: Shape, output: Option<Shape>) -> Vec<String> {
        let x = &layer.extra;
        match output {
            Some(out) => vec![format!(
                "{} − {} = {} / {}  → {out}",
                x.end,
                x.start,
                thousands(x.end.saturating_sub(x.start)),
                thousands(input.channels())
            )],
            None => super::unchanged(input, output),
        }
    }

    fn params_line(&self, _layer: &Layer, _input: Shape, _result: &str, _k: Kernels) -> String {
        t!("family-0-no-weights")
    }

    fn label(&self, layer: &Layer) -> String {
        format!("slice {}..{}", layer.extra.start, layer.extra.end)
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let x = &e.layer.extra;
        out.push((
            format!("l{}", e.number),
            format!("Slice({}, {})", x.start, x.end),
        ));
    }

    fn pytorch_helpers(&self, _layer: &Layer) -> &'static [&'static str] {
        &[helpers::SLICE]
    }

    fn keras(&self, e: &Exported, _out: &mut Vec<String>) -> Result<(), ExportError> {
        Err(keras_has_none(e, "slice"))
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::Problem;
    use crate::family::try_step;
    use crate::layer::Kind;
    use crate::network::Shape;

    #[test]
    fn shuffles_and_slices_keep_their_rules() {
        let map = Shape::Image { c: 36, h: 8, w: 8 };
        let up = try_step(Kind::PixelShuffle, &[("factor", "3")], map).unwrap();
        assert_eq!(up.output, Shape::Image { c: 4, h: 24, w: 24 });
        assert_eq!(
            try_step(Kind::PixelShuffle, &[("factor", "4")], map),
            Err(Problem::PixelShuffle {
                channels: 36,
                factor: 4
            })
        );
        assert!(try_step(Kind::ChannelShuffle, &[("groups", "4")], map).is_ok());
        assert!(try_step(Kind::ChannelShuffle, &[("groups", "5")], map).is_err());
        let half = try_step(Kind::Slice, &[("start", "18"), ("end", "36")], map).unwrap();
        assert_eq!(half.output, Shape::Image { c: 18, h: 8, w: 8 });
        for (start, end) in [("18", "18"), ("0", "37")] {
            assert!(try_step(Kind::Slice, &[("start", start), ("end", end)], map).is_err());
        }
    }
}
