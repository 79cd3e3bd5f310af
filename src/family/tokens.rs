//! What vision transformers and ConvNeXt are made of: `to_tokens` (a
//! map's positions as a sequence), `to_image` (a sequence folded back into
//! a map), `cls_token` (learned tokens in front) and `layer_scale` (a
//! learned scale per feature). Layouts are PyTorch's: `[C, H, W]` becomes
//! `[H·W, C]` as `flatten(2).transpose(1, 2)` makes it.

use super::{Family, Spatial, Step, keras_has_none, product, too_large};
use crate::engine::{Problem, Want};
use crate::export::{ExportError, Exported, helpers};
use crate::layer::{Field, Layer};
use crate::network::{Kernels, Shape};
use crate::units::thousands;

pub struct ToTokens;
pub struct ToImage;
pub struct ClsToken;
pub struct LayerScale;

/// The sequence a layer reads: (L, E), or why it has none.
fn sequence(layer: &Layer, input: Shape) -> Result<(u64, u64), Problem> {
    match input {
        Shape::Matrix { rows, cols } => Ok((rows, cols)),
        got => Err(Problem::Needs {
            kind: layer.kind,
            want: Want::Sequence,
            got,
        }),
    }
}

impl Family for ToTokens {
    /// A view of the map (flattened, then transposed).
    fn saved(
        &self,
        _layer: &Layer,
        _input: Shape,
        _output: Shape,
        _kernel: crate::memory::AttentionKernel,
    ) -> Option<super::Saved> {
        Some(super::Saved::VIEW)
    }

    fn spatial(&self) -> Spatial {
        Spatial::Ends
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        let (c, positions) = match input {
            Shape::Image { c, h, w } => (c, product(&[h, w], "sequence length")?),
            Shape::Matrix { rows, cols } => (rows, cols),
            Shape::Volume { c, d, h, w } => (c, product(&[d, h, w], "sequence length")?),
            Shape::Flat(_) => {
                return Err(Problem::Needs {
                    kind: layer.kind,
                    want: Want::Map,
                    got: input,
                });
            }
        };
        Ok(Step::passthrough(Shape::Matrix {
            rows: positions,
            cols: c,
        }))
    }

    fn size_lines(&self, _layer: &Layer, input: Shape, output: Option<Shape>) -> Vec<String> {
        match output {
            Some(out) => vec![t!(
                "tokens-to-tokens-size",
                input = input.to_string(),
                out = out.to_string()
            )],
            None => super::unchanged(input, output),
        }
    }

    fn params_line(&self, _layer: &Layer, _input: Shape, _result: &str, _k: Kernels) -> String {
        t!("family-0-no-weights")
    }

    fn label(&self, _layer: &Layer) -> String {
        "to_tokens".to_string()
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        out.push((format!("l{}", e.number), "ToTokens()".into()));
    }

    fn pytorch_helpers(&self, _layer: &Layer) -> &'static [&'static str] {
        &[helpers::TO_TOKENS]
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let name = e.keras_name();
        out.push(match e.input {
            // Keras keeps a 2-D tensor as PyTorch does: swap its axes.
            Shape::Matrix { .. } => format!("layers.Permute((2, 1), {name})"),
            // Keras's maps are channels-last already.
            _ => format!("layers.Reshape((-1, {}), {name})", e.channels()),
        });
        Ok(())
    }
}

impl Family for ToImage {
    /// A view of the tokens, folded back.
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
        &[Field::Height, Field::Width]
    }

    fn required(&self) -> &'static [Field] {
        &[Field::Height, Field::Width]
    }

    fn spatial(&self) -> Spatial {
        Spatial::Ends
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        let (l, e) = sequence(layer, input)?;
        let (height, width) = (layer.extra.height.get(), layer.extra.width.get());
        if height.checked_mul(width) != Some(l) {
            return Err(Problem::Fold {
                len: l,
                height,
                width,
            });
        }
        Ok(Step::passthrough(Shape::Image {
            c: e,
            h: height,
            w: width,
        }))
    }

    fn size_lines(&self, layer: &Layer, input: Shape, output: Option<Shape>) -> Vec<String> {
        let (h, w) = (layer.extra.height, layer.extra.width);
        match (input, output) {
            (Shape::Matrix { rows, .. }, Some(out)) => {
                vec![format!("{} = {h}·{w} → {out}", thousands(rows))]
            }
            _ => super::unchanged(input, output),
        }
    }

    fn params_line(&self, _layer: &Layer, _input: Shape, _result: &str, _k: Kernels) -> String {
        t!("family-0-no-weights")
    }

    fn label(&self, layer: &Layer) -> String {
        format!("to_image {}×{}", layer.extra.height, layer.extra.width)
    }

    fn widen(&self, layer: &mut Layer, step: super::Direction) -> Result<(), String> {
        let x = &mut layer.extra;
        match (step.double(x.height), step.double(x.width)) {
            (Some(h), Some(w)) => {
                (x.height, x.width) = (h, w);
                Ok(())
            }
            _ => Err(t!("app-too-many-units-at-most")),
        }
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let x = &e.layer.extra;
        out.push((
            format!("l{}", e.number),
            format!("ToImage({}, {})", x.height, x.width),
        ));
    }

    fn pytorch_helpers(&self, _layer: &Layer) -> &'static [&'static str] {
        &[helpers::TO_IMAGE]
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let x = &e.layer.extra;
        out.push(format!(
            "layers.Reshape(({}, {}, {}), {})",
            x.height,
            x.width,
            e.input.last(),
            e.keras_name()
        ));
        Ok(())
    }
}

impl Family for ClsToken {
    /// A join: only the shapes.
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
        &[Field::Tokens]
    }

    fn spatial(&self) -> Spatial {
        Spatial::Ends
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        let (l, e) = sequence(layer, input)?;
        let t = layer.extra.tokens.get();
        Ok(Step {
            params: product(&[t, e], "parameter count")?,
            ..Step::passthrough(Shape::Matrix {
                rows: l.checked_add(t).ok_or(too_large("sequence length"))?,
                cols: e,
            })
        })
    }

    fn size_lines(&self, layer: &Layer, input: Shape, output: Option<Shape>) -> Vec<String> {
        match (input, output) {
            (Shape::Matrix { rows, .. }, Some(out)) => vec![format!(
                "L: {} + {} = {}  ({out})",
                thousands(rows),
                layer.extra.tokens,
                thousands(out.channels())
            )],
            _ => super::unchanged(input, output),
        }
    }

    fn params_line(&self, layer: &Layer, input: Shape, result: &str, _k: Kernels) -> String {
        format!(
            "{}·{} = {result}  {}",
            layer.extra.tokens,
            input.last(),
            t!("tokens-a-vector-per-token")
        )
    }

    fn label(&self, layer: &Layer) -> String {
        match layer.extra.tokens.get() {
            1 => "cls_token".to_string(),
            n => format!("cls_token ×{n}"),
        }
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        out.push((
            format!("l{}", e.number),
            format!("ClsToken({}, {})", e.input.last(), e.layer.extra.tokens),
        ));
    }

    fn pytorch_helpers(&self, _layer: &Layer) -> &'static [&'static str] {
        &[helpers::CLS_TOKEN]
    }

    fn keras(&self, e: &Exported, _out: &mut Vec<String>) -> Result<(), ExportError> {
        Err(keras_has_none(e, "cls_token"))
    }
}

/// Features a layer scale learns one number for: the channels of a map,
/// a sequence's E, a vector's N.
fn scaled(input: Shape) -> u64 {
    match input {
        Shape::Image { c, .. } | Shape::Volume { c, .. } => c,
        Shape::Matrix { cols, .. } => cols,
        Shape::Flat(n) => n,
    }
}

impl Family for LayerScale {
    fn fields(&self) -> &'static [Field] {
        &[Field::Bias]
    }

    /// A scale alone (LayerScale's γ); a shift too with `bias` (ResMLP's
    /// `Affine`).
    fn defaults(&self, layer: &mut Layer) {
        layer.bias = false;
    }

    fn spatial(&self) -> Spatial {
        Spatial::Pointwise
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        Ok(Step {
            params: scaled(input).saturating_mul(1 + u64::from(layer.bias)),
            ..Step::passthrough(input)
        })
    }

    fn params_line(&self, layer: &Layer, input: Shape, result: &str, _k: Kernels) -> String {
        if layer.bias {
            return format!(
                "2·{} = {result}  {}",
                scaled(input),
                t!("tokens-a-scale-and-shift-per-feature")
            );
        }
        format!(
            "{} = {result}  {}",
            scaled(input),
            t!("tokens-a-scale-per-feature")
        )
    }

    fn label(&self, layer: &Layer) -> String {
        if layer.bias {
            "layer_scale +bias".to_string()
        } else {
            "layer_scale".to_string()
        }
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let n = scaled(e.input);
        let mut args = vec![n.to_string()];
        if matches!(e.input, Shape::Image { .. } | Shape::Volume { .. }) {
            args.push("channels_first=True".into());
        }
        if e.layer.bias {
            args.push("bias=True".into());
        }
        out.push((
            format!("l{}", e.number),
            format!("LayerScale({})", args.join(", ")),
        ));
    }

    fn pytorch_helpers(&self, _layer: &Layer) -> &'static [&'static str] {
        &[helpers::LAYER_SCALE]
    }

    fn keras(&self, e: &Exported, _out: &mut Vec<String>) -> Result<(), ExportError> {
        Err(keras_has_none(e, "layer_scale"))
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::Problem;
    use crate::family::try_step;
    use crate::layer::Kind;
    use crate::network::Shape;

    #[test]
    fn a_vit_stem_becomes_tokens_with_a_class_token() {
        let map = Shape::Image {
            c: 768,
            h: 14,
            w: 14,
        };
        let tokens = try_step(Kind::ToTokens, &[], map).unwrap().output;
        assert_eq!(
            tokens,
            Shape::Matrix {
                rows: 196,
                cols: 768
            }
        );
        let cls = try_step(Kind::ClsToken, &[], tokens).unwrap();
        assert_eq!(
            (cls.output, cls.params),
            (
                Shape::Matrix {
                    rows: 197,
                    cols: 768
                },
                768
            )
        );
        let signal = Shape::Matrix {
            rows: 12,
            cols: 100,
        };
        assert_eq!(
            try_step(Kind::ToTokens, &[], signal).unwrap().output,
            Shape::Matrix {
                rows: 100,
                cols: 12
            }
        );
    }

    #[test]
    fn to_image_folds_exactly_or_is_red() {
        let seq = Shape::Matrix { rows: 16, cols: 32 };
        let ok = try_step(Kind::ToImage, &[("height", "4"), ("width", "4")], seq).unwrap();
        assert_eq!(ok.output, Shape::Image { c: 32, h: 4, w: 4 });
        assert_eq!(
            try_step(Kind::ToImage, &[("height", "5"), ("width", "4")], seq),
            Err(Problem::Fold {
                len: 16,
                height: 5,
                width: 4
            })
        );
    }

    #[test]
    fn layer_scale_learns_a_number_per_feature() {
        let p = |input| try_step(Kind::LayerScale, &[], input).unwrap().params;
        assert_eq!(
            p(Shape::Image {
                c: 96,
                h: 56,
                w: 56
            }),
            96
        );
        assert_eq!(
            p(Shape::Matrix {
                rows: 197,
                cols: 768
            }),
            768
        );
        assert_eq!(p(Shape::Flat(10)), 10);
    }
}
