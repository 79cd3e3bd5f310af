//! `zeropad`: zeros around the image, a different number on each side, as
//! Keras models pad before a strided convolution (`ZeroPadding2D`).

use super::{Family, Step, too_large};
use crate::engine::Problem;
use crate::export::{ExportError, Exported};
use crate::layer::{Field, Layer};
use crate::network::{Kernels, Shape};

pub struct Pad;

impl Family for Pad {
    /// Its gradient is a crop: only the shapes.
    fn saved(
        &self,
        _layer: &Layer,
        _input: Shape,
        _output: Shape,
        _kernel: crate::memory::AttentionKernel,
    ) -> Option<super::Saved> {
        Some(super::Saved::NOTHING)
    }

    fn spatial(&self) -> super::Spatial {
        super::Spatial::ZeroPad
    }

    fn fields(&self) -> &'static [Field] {
        &[Field::Top, Field::Bottom, Field::Left, Field::Right]
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        let Shape::Image { c, h, w } = input else {
            return Err(Problem::needs_image(layer.kind, input));
        };
        let s = layer.sides;
        let grow = |n: u64, a: u64, b: u64| {
            n.checked_add(a)
                .and_then(|n| n.checked_add(b))
                .ok_or(too_large("feature map"))
        };
        Ok(Step::passthrough(Shape::Image {
            c,
            h: grow(h, s.top, s.bottom)?,
            w: grow(w, s.left, s.right)?,
        }))
    }

    fn size_lines(&self, layer: &Layer, input: Shape, output: Option<Shape>) -> Vec<String> {
        let (Shape::Image { h, w, .. }, Some(Shape::Image { h: oh, w: ow, .. })) = (input, output)
        else {
            return super::unchanged(input, output);
        };
        let s = layer.sides;
        vec![
            format!("H: {} + {h} + {} = {oh}", s.top, s.bottom),
            format!("W: {} + {w} + {} = {ow}", s.left, s.right),
        ]
    }

    fn params_line(&self, _layer: &Layer, _input: Shape, _result: &str, _k: Kernels) -> String {
        t!("family-0-no-weights")
    }

    fn label(&self, layer: &Layer) -> String {
        let s = layer.sides;
        format!("zeropad t{} b{} l{} r{}", s.top, s.bottom, s.left, s.right)
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let s = e.layer.sides;
        out.push((
            format!("l{}", e.number),
            format!(
                "nn.ZeroPad2d(({}, {}, {}, {}))",
                s.left, s.right, s.top, s.bottom
            ),
        ));
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let s = e.layer.sides;
        out.push(format!(
            "layers.ZeroPadding2D((({}, {}), ({}, {})), {})",
            s.top,
            s.bottom,
            s.left,
            s.right,
            e.keras_name()
        ));
        Ok(())
    }
}
