//! `adaptive_avgpool` and `adaptive_maxpool`: pooling to a fixed output size
//! whatever the input, as torchvision's classifiers end (VGG's 7×7,
//! ResNet's 1×1). PyTorch picks each window from ⌊i·in/out⌋ to ⌈(i+1)·in/out⌉,
//! so any input of at least one pixel works, even one smaller than the output.

use super::{Family, Reduce, Step};
use crate::engine::Problem;
use crate::export::{ExportError, Exported, pair};
use crate::layer::{Field, Layer};
use crate::network::{Kernels, Shape};

pub struct Adaptive(pub Reduce);

impl Family for Adaptive {
    /// Average pooling to 1×1 is a mean, which needs only the shape;
    /// other sizes keep the input, and max pooling its indices too.
    fn saved(
        &self,
        layer: &Layer,
        _input: Shape,
        output: Shape,
        _kernel: crate::memory::AttentionKernel,
    ) -> Option<super::Saved> {
        Some(match self.0 {
            super::Reduce::Max => super::Saved::indices(output)?,
            super::Reduce::Avg if layer.output.h == 1 && layer.output.w == 1 => {
                super::Saved::NOTHING
            }
            super::Reduce::Avg => super::Saved::INPUT,
        })
    }

    fn spatial(&self) -> super::Spatial {
        super::Spatial::Adaptive
    }

    fn fields(&self) -> &'static [Field] {
        &[Field::Output]
    }

    fn required(&self) -> &'static [Field] {
        &[Field::Output]
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        let Shape::Image { c, .. } = input else {
            return Err(Problem::needs_image(layer.kind, input));
        };
        let o = layer.output;
        Ok(Step::passthrough(Shape::Image { c, h: o.h, w: o.w }))
    }

    fn size_lines(&self, layer: &Layer, input: Shape, output: Option<Shape>) -> Vec<String> {
        match (input, output) {
            (Shape::Image { h, w, .. }, Some(out)) => vec![t!(
                "adaptive-size",
                input = format!("{h}×{w}"),
                output = format!("{}×{}", layer.output.h, layer.output.w),
                out = out.to_string()
            )],
            _ => super::unchanged(input, output),
        }
    }

    fn params_line(&self, _layer: &Layer, _input: Shape, _result: &str, _k: Kernels) -> String {
        t!("family-0-no-weights")
    }

    fn label(&self, layer: &Layer) -> String {
        let what = match self.0 {
            Reduce::Max => "max",
            Reduce::Avg => "avg",
        };
        format!(
            "adaptive {what}pool → {}×{}",
            layer.output.h, layer.output.w
        )
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let class = match self.0 {
            Reduce::Max => "AdaptiveMaxPool2d",
            Reduce::Avg => "AdaptiveAvgPool2d",
        };
        out.push((
            format!("l{}", e.number),
            format!("nn.{class}({})", pair(e.layer.output)),
        ));
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let class = match self.0 {
            Reduce::Max => "AdaptiveMaxPooling2D",
            Reduce::Avg => "AdaptiveAveragePooling2D",
        };
        out.push(format!(
            "layers.{class}({}, {})",
            pair(e.layer.output),
            e.keras_name()
        ));
        Ok(())
    }
}
