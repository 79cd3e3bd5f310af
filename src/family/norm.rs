//! The norms — `batchnorm`, `layernorm`, `rmsnorm`, `groupnorm`,
//! `instancenorm`, `grn` — and `dropout` and `drop_path` (no weights, nothing
//! changes shape): the layers that normalise and regularise.

use super::{Family, Spatial, Step, features, keras_has_none, too_large};
use crate::engine::{Problem, Want};
use crate::export::{ExportError, Exported, helpers};
use crate::layer::{Field, Layer};
use crate::network::{Kernels, Shape};

pub struct BatchNorm;

pub struct Dropout;

impl Family for BatchNorm {
    fn fields(&self) -> &'static [Field] {
        &[Field::Affine, Field::Weight, Field::Bias]
    }

    fn spatial(&self) -> Spatial {
        Spatial::Pointwise
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        let params = features(input)
            .checked_mul(learned(layer))
            .ok_or(too_large("parameter count"))?;
        Ok(Step {
            params,
            ..Step::passthrough(input)
        })
    }

    fn params_line(&self, layer: &Layer, input: Shape, result: &str, _k: Kernels) -> String {
        let c = features(input);
        let (scale, shift) = batch_learns(layer);
        match (scale, shift) {
            (true, true) => format!("2·{c} = {result}  {}", t!("norm-a-scale-and-a-shift")),
            (true, false) => format!("{c} = {result}  {}", t!("seq-a-scale-only")),
            (false, true) => format!("{c} = {result}  {}", t!("norm-a-shift-only")),
            (false, false) => format!("0  {}", t!("norm-no-affine")),
        }
    }

    fn label(&self, layer: &Layer) -> String {
        match batch_learns(layer) {
            (true, true) => "batchnorm",
            (true, false) => "batchnorm no-bias",
            (false, true) => "batchnorm no-weight",
            (false, false) => "batchnorm no-affine",
        }
        .to_string()
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let kind = match e.input {
            Shape::Image { .. } => "nn.BatchNorm2d",
            Shape::Volume { .. } => "nn.BatchNorm3d",
            Shape::Flat(_) | Shape::Matrix { .. } => "nn.BatchNorm1d",
        };
        let c = e.channels();
        let code = match batch_learns(e.layer) {
            (true, true) => format!("{kind}({c})"),
            (false, false) => format!("{kind}({c}, affine=False)"),
            (true, false) => format!("BatchNorm({kind}, {c}, bias=False)"),
            (false, true) => format!("BatchNorm({kind}, {c}, weight=False)"),
        };
        out.push((format!("l{}", e.number), code));
    }

    fn pytorch_helpers(&self, layer: &Layer) -> &'static [&'static str] {
        match batch_learns(layer) {
            (true, true) | (false, false) => &[],
            _ => &[helpers::BATCH_NORM],
        }
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let mut args = Vec::new();
        // A 2-D tensor keeps PyTorch's layout: its channels are axis 1.
        if let Shape::Matrix { .. } = e.input {
            args.push("axis=1".to_string());
        }
        let (scale, shift) = batch_learns(e.layer);
        if !shift {
            args.push("center=False".into());
        }
        if !scale {
            args.push("scale=False".into());
        }
        args.push(e.keras_name());
        out.push(format!("layers.BatchNormalization({})", args.join(", ")));
        Ok(())
    }
}

/// Whether a `batchnorm` learns its scale and its shift.
fn batch_learns(layer: &Layer) -> (bool, bool) {
    let affine = layer.extra.affine;
    (affine && layer.extra.weight, affine && layer.bias)
}

/// How many values a `batchnorm` learns per channel.
fn learned(layer: &Layer) -> u64 {
    let (scale, shift) = batch_learns(layer);
    u64::from(scale) + u64::from(shift)
}

impl Family for Dropout {
    /// The mask of kept values, one per value (the reference, a CPU step,
    /// stores it at the dtype); at rate 0 the output is the input.
    fn saved(
        &self,
        layer: &Layer,
        input: Shape,
        _output: Shape,
        _kernel: crate::memory::AttentionKernel,
    ) -> Option<super::Saved> {
        if layer.rate == 0.0 {
            return Some(super::Saved::VIEW);
        }
        Some(super::Saved {
            values: input.elements()?,
            why: super::Why::Mask,
            ..super::Saved::NOTHING
        })
    }

    fn fields(&self) -> &'static [Field] {
        &[Field::Rate]
    }

    fn spatial(&self) -> Spatial {
        Spatial::Pointwise
    }

    fn step(&self, _layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        Ok(Step::passthrough(input))
    }

    fn params_line(&self, _layer: &Layer, _input: Shape, _result: &str, _k: Kernels) -> String {
        t!("norm-0-no-weights")
    }

    fn label(&self, layer: &Layer) -> String {
        format!("dropout {}", layer.rate)
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        out.push((
            format!("l{}", e.number),
            format!("nn.Dropout(p={})", e.layer.rate),
        ));
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        out.push(format!(
            "layers.Dropout({}, {})",
            e.layer.rate,
            e.keras_name()
        ));
        Ok(())
    }
}

/// `drop_path`: stochastic depth, a whole sample's branch dropped at a
/// time. No weights, nothing changes shape.
pub struct DropPath;

impl Family for DropPath {
    /// One number per sample: too little to count.
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
        &[Field::Rate]
    }

    fn spatial(&self) -> Spatial {
        Spatial::Pointwise
    }

    /// timm's usual rate.
    fn defaults(&self, layer: &mut Layer) {
        layer.rate = 0.1;
    }

    fn step(&self, _layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        Ok(Step::passthrough(input))
    }

    fn params_line(&self, _layer: &Layer, _input: Shape, _result: &str, _k: Kernels) -> String {
        t!("norm-0-no-weights")
    }

    fn label(&self, layer: &Layer) -> String {
        format!("drop_path {}", layer.rate)
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        out.push((
            format!("l{}", e.number),
            format!("DropPath({})", e.layer.rate),
        ));
    }

    fn pytorch_helpers(&self, _layer: &Layer) -> &'static [&'static str] {
        &[helpers::DROP_PATH]
    }

    fn keras(&self, e: &Exported, _out: &mut Vec<String>) -> Result<(), ExportError> {
        Err(keras_has_none(e, "drop_path"))
    }
}

/// The features a norm normalises on `input`: the last dimension, or the
/// channels at every position of a map (`over = "channels"`).
fn normalised(layer: &Layer, input: Shape) -> Result<u64, Problem> {
    if !layer.extra.over_channels {
        return Ok(input.last());
    }
    map_channels(layer, input)
}

/// The channels of a map (dim 1 of a signal, image or volume), or why
/// `input` is none.
fn map_channels(layer: &Layer, input: Shape) -> Result<u64, Problem> {
    match input {
        Shape::Flat(_) => Err(Problem::Needs {
            kind: layer.kind,
            want: Want::Map,
            got: input,
        }),
        Shape::Image { .. } | Shape::Volume { .. } | Shape::Matrix { .. } => Ok(input.channels()),
    }
}

/// Positions of a map: everything but its channels.
fn positions(input: Shape) -> u64 {
    input
        .elements()
        .map_or(u64::MAX, |n| n / input.channels().max(1))
}

/// `layernorm`: a mean and variance over the last dimension (or the
/// channels of a map), then a learned scale and shift (`bias`) per feature.
pub struct LayerNorm;

/// `rmsnorm`: a root-mean-square scale only (`nn.RMSNorm`).
pub struct RmsNorm;

/// `groupnorm`: statistics over groups of channels, per sample.
pub struct GroupNorm;

/// `instancenorm`: statistics per channel and sample; no scale unless
/// `affine` (as `nn.InstanceNorm2d`).
pub struct InstanceNorm;

/// `grn`: ConvNeXt V2's global response normalization. Each channel's
/// L2 norm over the positions, divided by the mean of those norms, scales
/// the input; a learned scale and shift per channel, added to the input.
pub struct Grn;

/// `, over channels` or nothing, for labels.
fn over_suffix(layer: &Layer) -> &'static str {
    if layer.extra.over_channels {
        " channels"
    } else {
        ""
    }
}

impl Family for LayerNorm {
    /// The input, and a mean and a reciprocal deviation per position.
    fn saved(
        &self,
        layer: &Layer,
        input: Shape,
        _output: Shape,
        _kernel: crate::memory::AttentionKernel,
    ) -> Option<super::Saved> {
        let rows = vectors(layer, input)?;
        Some(super::Saved {
            values: rows.checked_mul(2)?,
            why: super::Why::Norm,
            ..super::Saved::INPUT
        })
    }

    fn fields(&self) -> &'static [Field] {
        &[Field::Affine, Field::Bias, Field::Over]
    }

    fn spatial(&self) -> Spatial {
        Spatial::Pointwise
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        let d = normalised(layer, input)?;
        let per = match (layer.extra.affine, layer.bias) {
            (false, _) => 0,
            (true, true) => 2,
            (true, false) => 1,
        };
        Ok(Step {
            params: d.checked_mul(per).ok_or(too_large("parameter count"))?,
            ..Step::passthrough(input)
        })
    }

    fn params_line(&self, layer: &Layer, input: Shape, result: &str, _k: Kernels) -> String {
        let d = normalised(layer, input).unwrap_or(0);
        match (layer.extra.affine, layer.bias) {
            (false, _) => format!("0  {}", t!("norm-no-affine")),
            (true, true) => format!("2·{d} = {result}  {}", t!("seq-a-scale-and-a-shift")),
            (true, false) => format!("{d} = {result}  {}", t!("seq-a-scale-only")),
        }
    }

    fn label(&self, layer: &Layer) -> String {
        let mut s = format!("layernorm{}", over_suffix(layer));
        if !layer.extra.affine {
            s.push_str(" no-affine");
        } else if !layer.bias {
            s.push_str(" no-bias");
        }
        s
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let (l, d) = (e.layer, normalised(e.layer, e.input).unwrap_or(0));
        let mut norm = if l.bias || !l.extra.affine {
            format!("nn.LayerNorm({d})")
        } else {
            format!("LayerNorm({d}, bias=False)")
        };
        if !l.extra.affine {
            norm = format!("nn.LayerNorm({d}, elementwise_affine=False)");
        }
        if l.extra.over_channels {
            norm = format!("Channels({norm})");
        }
        out.push((format!("l{}", e.number), norm));
    }

    fn pytorch_helpers(&self, layer: &Layer) -> &'static [&'static str] {
        match (layer.extra.over_channels, layer.bias || !layer.extra.affine) {
            (true, true) => &[helpers::CHANNELS],
            (true, false) => &[helpers::CHANNELS, helpers::LAYER_NORM],
            (false, true) => &[],
            (false, false) => &[helpers::LAYER_NORM],
        }
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let (l, name) = (e.layer, e.keras_name());
        // Keras keeps a map's channels last and a 2-D tensor as PyTorch does.
        let fits = match e.input {
            Shape::Image { .. } | Shape::Volume { .. } => l.extra.over_channels,
            Shape::Matrix { .. } | Shape::Flat(_) => !l.extra.over_channels,
        };
        if !fits {
            return Err(keras_has_none(e, "layernorm over the last axis of a map"));
        }
        let mut args = vec!["epsilon=1e-5".to_string()];
        if !l.extra.affine {
            args.push("center=False, scale=False".into());
        } else if !l.bias {
            args.push("center=False".into());
        }
        args.push(name);
        out.push(format!("layers.LayerNormalization({})", args.join(", ")));
        Ok(())
    }
}

impl Family for RmsNorm {
    /// The input, the normalised values (x · rsqrt(mean x²), which the
    /// scale multiplies) and a reciprocal per position: how transformers'
    /// RMSNorm and `nn.RMSNorm` both run.
    fn saved(
        &self,
        layer: &Layer,
        input: Shape,
        _output: Shape,
        _kernel: crate::memory::AttentionKernel,
    ) -> Option<super::Saved> {
        let n = input.elements()?;
        let rows = vectors(layer, input)?;
        Some(super::Saved {
            values: n.checked_add(rows)?,
            why: super::Why::RmsNorm,
            ..super::Saved::INPUT
        })
    }

    fn fields(&self) -> &'static [Field] {
        &[Field::Affine, Field::Over]
    }

    fn spatial(&self) -> Spatial {
        Spatial::Pointwise
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        let d = normalised(layer, input)?;
        Ok(Step {
            params: if layer.extra.affine { d } else { 0 },
            ..Step::passthrough(input)
        })
    }

    fn params_line(&self, layer: &Layer, input: Shape, result: &str, _k: Kernels) -> String {
        if !layer.extra.affine {
            return format!("0  {}", t!("norm-no-affine"));
        }
        let d = normalised(layer, input).unwrap_or(0);
        format!("{d} = {result}  {}", t!("seq-a-scale-only"))
    }

    fn label(&self, layer: &Layer) -> String {
        let mut s = format!("rmsnorm{}", over_suffix(layer));
        if !layer.extra.affine {
            s.push_str(" no-affine");
        }
        s
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let (l, d) = (e.layer, normalised(e.layer, e.input).unwrap_or(0));
        let mut norm = if l.extra.affine {
            format!("nn.RMSNorm({d})")
        } else {
            format!("nn.RMSNorm({d}, elementwise_affine=False)")
        };
        if l.extra.over_channels {
            norm = format!("Channels({norm})");
        }
        out.push((format!("l{}", e.number), norm));
    }

    fn pytorch_helpers(&self, layer: &Layer) -> &'static [&'static str] {
        if layer.extra.over_channels {
            &[helpers::CHANNELS]
        } else {
            &[]
        }
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let l = e.layer;
        let fits = match e.input {
            Shape::Image { .. } | Shape::Volume { .. } => l.extra.over_channels,
            Shape::Matrix { .. } | Shape::Flat(_) => !l.extra.over_channels,
        };
        if !fits || !l.extra.affine {
            return Err(keras_has_none(e, "this rmsnorm"));
        }
        out.push(format!(
            "layers.RMSNormalization(epsilon=1e-6, {})",
            e.keras_name()
        ));
        Ok(())
    }
}

/// A group norm's weights per channel: a scale and a shift, the scale
/// alone (`bias=False`, timm's `GroupNorm1NoBias`), or none.
fn per_channel(layer: &Layer) -> u64 {
    match (layer.extra.affine, layer.bias) {
        (false, _) => 0,
        (true, false) => 1,
        (true, true) => 2,
    }
}

impl Family for GroupNorm {
    fn fields(&self) -> &'static [Field] {
        &[Field::Groups, Field::Affine, Field::Bias]
    }

    fn required(&self) -> &'static [Field] {
        &[Field::Groups]
    }

    fn spatial(&self) -> Spatial {
        Spatial::Pointwise
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        let c = map_channels(layer, input)?;
        let groups = layer.groups.get();
        if !c.is_multiple_of(groups) {
            return Err(Problem::SplitGroups {
                kind: layer.kind,
                channels: c,
                groups,
            });
        }
        // PyTorch refuses one value per group for a single sample.
        let values = (c / groups).saturating_mul(positions(input));
        if values == 1 {
            return Err(Problem::SingleValue {
                kind: layer.kind,
                values,
            });
        }
        let params = c
            .checked_mul(per_channel(layer))
            .ok_or(too_large("parameter count"))?;
        Ok(Step {
            params,
            ..Step::passthrough(input)
        })
    }

    fn params_line(&self, layer: &Layer, input: Shape, result: &str, _k: Kernels) -> String {
        let c = input.channels();
        match per_channel(layer) {
            0 => format!("0  {}", t!("norm-no-affine")),
            1 => format!("{c} = {result}  {}", t!("seq-a-scale-only")),
            _ => format!("2·{c} = {result}  {}", t!("norm-a-scale-and-a-shift")),
        }
    }

    fn label(&self, layer: &Layer) -> String {
        let mut s = format!("groupnorm {}g", layer.groups);
        if !layer.extra.affine {
            s.push_str(" no-affine");
        } else if !layer.bias {
            s.push_str(" no-bias");
        }
        s
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let mut code = format!("nn.GroupNorm({}, {}", e.layer.groups, e.channels());
        if !e.layer.extra.affine {
            code.push_str(", affine=False");
        } else if !e.layer.bias {
            code.push_str(", bias=False");
        }
        code.push(')');
        out.push((format!("l{}", e.number), code));
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let axis = if matches!(e.input, Shape::Matrix { .. }) {
            1
        } else {
            -1
        };
        let affine = match per_channel(e.layer) {
            0 => "center=False, scale=False, ",
            1 => "center=False, ",
            _ => "",
        };
        out.push(format!(
            "layers.GroupNormalization(groups={}, axis={axis}, epsilon=1e-5, {affine}{})",
            e.layer.groups,
            e.keras_name()
        ));
        Ok(())
    }
}

impl Family for InstanceNorm {
    fn fields(&self) -> &'static [Field] {
        &[Field::Affine]
    }

    fn spatial(&self) -> Spatial {
        Spatial::Pointwise
    }

    /// No learned scale, as `nn.InstanceNorm2d`.
    fn defaults(&self, layer: &mut Layer) {
        layer.extra.affine = false;
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        let c = map_channels(layer, input)?;
        let values = positions(input);
        if values == 1 {
            return Err(Problem::SingleValue {
                kind: layer.kind,
                values,
            });
        }
        let params = if layer.extra.affine {
            c.checked_mul(2).ok_or(too_large("parameter count"))?
        } else {
            0
        };
        Ok(Step {
            params,
            ..Step::passthrough(input)
        })
    }

    fn params_line(&self, layer: &Layer, input: Shape, result: &str, _k: Kernels) -> String {
        if !layer.extra.affine {
            return format!("0  {}", t!("norm-no-affine"));
        }
        format!(
            "2·{} = {result}  {}",
            input.channels(),
            t!("norm-a-scale-and-a-shift")
        )
    }

    fn label(&self, layer: &Layer) -> String {
        if layer.extra.affine {
            "instancenorm affine".to_string()
        } else {
            "instancenorm".to_string()
        }
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let rank = match e.input {
            Shape::Matrix { .. } => 1,
            Shape::Volume { .. } => 3,
            Shape::Image { .. } | Shape::Flat(_) => 2,
        };
        let affine = if e.layer.extra.affine {
            ", affine=True"
        } else {
            ""
        };
        out.push((
            format!("l{}", e.number),
            format!("nn.InstanceNorm{rank}d({}{affine})", e.channels()),
        ));
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        // One group per channel is an instance norm.
        let axis = if matches!(e.input, Shape::Matrix { .. }) {
            1
        } else {
            -1
        };
        let affine = if e.layer.extra.affine {
            ""
        } else {
            "center=False, scale=False, "
        };
        out.push(format!(
            "layers.GroupNormalization(groups={}, axis={axis}, epsilon=1e-5, {affine}{})",
            e.channels(),
            e.keras_name()
        ));
        Ok(())
    }
}

/// The vectors a layer or RMS norm normalises one by one: every position
/// of the last dimension's rows, or every pixel's channels.
fn vectors(layer: &Layer, input: Shape) -> Option<u64> {
    let width = if layer.extra.over_channels {
        input.channels()
    } else {
        input.last()
    };
    Some(input.elements()? / width.max(1))
}

impl Family for Grn {
    fn spatial(&self) -> Spatial {
        // Every output reads every position (the norms are global).
        Spatial::Ends
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        let c = map_channels(layer, input)?;
        Ok(Step {
            params: c.checked_mul(2).ok_or(too_large("parameter count"))?,
            ..Step::passthrough(input)
        })
    }

    fn params_line(&self, _layer: &Layer, input: Shape, result: &str, _k: Kernels) -> String {
        format!(
            "2·{} = {result}  {}",
            input.channels(),
            t!("norm-a-scale-and-a-shift")
        )
    }

    fn label(&self, _layer: &Layer) -> String {
        "grn".to_string()
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        out.push((format!("l{}", e.number), format!("Grn({})", e.channels())));
    }

    fn pytorch_helpers(&self, _layer: &Layer) -> &'static [&'static str] {
        &[helpers::GRN]
    }

    fn keras(&self, e: &Exported, _out: &mut Vec<String>) -> Result<(), ExportError> {
        Err(keras_has_none(e, "grn"))
    }
}

#[cfg(test)]
mod tests {
    /// ConvNeXt V2's GRN: a scale and a shift per channel of a map, its
    /// shape kept; a vector has no positions to take norms over.
    #[test]
    fn grn_learns_two_weights_per_channel_of_a_map() {
        use crate::family::try_step;
        use crate::layer::Kind;
        let map = Shape::Image {
            c: 160,
            h: 56,
            w: 56,
        };
        let step = try_step(Kind::Grn, &[], map).unwrap();
        assert_eq!((step.params, step.output), (320, map));
        assert!(try_step(Kind::Grn, &[], Shape::Flat(160)).is_err());
    }

    use crate::engine::Problem;
    use crate::family::try_step;
    use crate::layer::Kind;
    use crate::network::Shape;

    const IMAGE: Shape = Shape::Image { c: 96, h: 7, w: 7 };
    const SEQ: Shape = Shape::Matrix { rows: 10, cols: 8 };

    #[test]
    fn layernorm_counts_as_pytorch_with_and_without_affine_and_bias() {
        let p = |s: &[(&str, &str)], input| try_step(Kind::LayerNorm, s, input).unwrap().params;
        assert_eq!(p(&[], SEQ), 16);
        assert_eq!(p(&[("bias", "false")], SEQ), 8);
        assert_eq!(p(&[("affine", "false")], SEQ), 0);
        assert_eq!(p(&[("over", "channels")], IMAGE), 192);
        assert_eq!(p(&[("over", "channels"), ("bias", "false")], IMAGE), 96);
    }

    #[test]
    fn batchnorm_learns_a_scale_a_shift_both_or_neither() {
        let p = |s: &[(&str, &str)]| try_step(Kind::BatchNorm, s, IMAGE).unwrap().params;
        assert_eq!(p(&[]), 192);
        // PyTorch's bias=False, Keras' center=False: the scale only.
        assert_eq!(p(&[("bias", "false")]), 96);
        // Keras' scale=False: the shift only.
        assert_eq!(p(&[("weight", "false")]), 96);
        assert_eq!(p(&[("affine", "false")]), 0);
        assert_eq!(p(&[("weight", "false"), ("bias", "false")]), 0);
    }

    #[test]
    fn batchnorm_exports_what_it_learns() {
        use crate::engine::analyze;
        use crate::export::{Framework, export};
        use crate::network::Network;
        let net = |settings: &str| {
            let text = format!(
                "input = [3, 8, 8]\n[[layer]]\ntype = \"conv2d\"\nfilters = 4\nkernel = 3\n\
                 [[layer]]\ntype = \"batchnorm\"\n{settings}\n"
            );
            crate::file::parse(&text).unwrap()
        };
        let code = |n: &Network, f| export(n, &analyze(n), f).unwrap();
        let shift = net("weight = false");
        assert!(code(&shift, Framework::Keras).contains("BatchNormalization(scale=False,"));
        let torch = code(&shift, Framework::Pytorch);
        assert!(
            torch.contains("BatchNorm(nn.BatchNorm2d, 4, weight=False)"),
            "{torch}"
        );
        assert!(torch.contains("def BatchNorm(kind, channels"), "{torch}");
        let plain = code(&net("affine = false"), Framework::Pytorch);
        assert!(plain.contains("nn.BatchNorm2d(4, affine=False)"), "{plain}");
        assert!(!plain.contains("def BatchNorm("), "{plain}");
        let keras = code(&net("bias = false"), Framework::Keras);
        assert!(
            keras.contains("BatchNormalization(center=False,"),
            "{keras}"
        );
    }

    #[test]
    fn rmsnorm_has_a_scale_only() {
        let p = |s: &[(&str, &str)], input| try_step(Kind::RmsNorm, s, input).unwrap().params;
        assert_eq!(p(&[], SEQ), 8);
        assert_eq!(p(&[("affine", "false")], SEQ), 0);
        assert_eq!(p(&[("over", "channels")], IMAGE), 96);
    }

    #[test]
    fn group_and_instance_norms_and_their_refusals() {
        let g = |groups: &str, input| try_step(Kind::GroupNorm, &[("groups", groups)], input);
        assert_eq!(g("32", IMAGE).unwrap().params, 192);
        assert_eq!(
            g("5", IMAGE),
            Err(Problem::SplitGroups {
                kind: Kind::GroupNorm,
                channels: 96,
                groups: 5
            })
        );
        let one = Shape::Image { c: 8, h: 1, w: 1 };
        assert_eq!(
            g("8", one),
            Err(Problem::SingleValue {
                kind: Kind::GroupNorm,
                values: 1
            })
        );
        assert!(g("4", one).is_ok(), "two values a group");
        let i = |s: &[(&str, &str)], input| try_step(Kind::InstanceNorm, s, input);
        assert_eq!(i(&[], IMAGE).unwrap().params, 0);
        assert_eq!(i(&[("affine", "true")], IMAGE).unwrap().params, 192);
        assert!(matches!(i(&[], one), Err(Problem::SingleValue { .. })));
        assert!(matches!(i(&[], Shape::Flat(8)), Err(Problem::Needs { .. })));
    }
}
