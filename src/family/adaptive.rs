//! `adaptive_avgpool` and `adaptive_maxpool`: pooling to a fixed output size
//! whatever the input, as torchvision's classifiers end (VGG's 7×7,
//! ResNet's 1×1). PyTorch picks each window from ⌊i·in/out⌋ to ⌈(i+1)·in/out⌉,
//! so any input of at least one pixel works, even one smaller than the output.

use super::{Family, Step};
use crate::engine::Problem;
use crate::export::{ExportError, Exported, pair};
use crate::layer::{Field, Kind, Layer};
use crate::network::{Kernels, Shape};

pub struct Adaptive;

impl Family for Adaptive {
    fn fields(&self, _kind: Kind) -> &'static [Field] {
        &[Field::Output]
    }

    fn required(&self, _kind: Kind) -> &'static [Field] {
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

    fn label(&self, layer: &Layer) -> String {
        let what = if layer.kind == Kind::AdaptiveMaxPool {
            "max"
        } else {
            "avg"
        };
        format!(
            "adaptive {what}pool → {}×{}",
            layer.output.h, layer.output.w
        )
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let class = if e.layer.kind == Kind::AdaptiveMaxPool {
            "AdaptiveMaxPool2d"
        } else {
            "AdaptiveAvgPool2d"
        };
        out.push((
            format!("l{}", e.number),
            format!("nn.{class}({})", pair(e.layer.output)),
        ));
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let class = if e.layer.kind == Kind::AdaptiveMaxPool {
            "AdaptiveMaxPooling2D"
        } else {
            "AdaptiveAveragePooling2D"
        };
        out.push(format!(
            "layers.{class}({}, {})",
            pair(e.layer.output),
            e.keras_name()
        ));
        Ok(())
    }
}
