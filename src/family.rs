//! Layer families: everything layerlab knows about one family of layers in
//! one module — the fields its kinds take and their defaults, its shape
//! rule, parameter and MAC counts, the formulas the detail pane shows, its
//! label in the table and its PyTorch and Keras code. The catalogue, the
//! engine, `explain`, the table and the exporters ask `of(kind)` and never
//! match on the kind themselves. A new kind is a variant with its file name
//! in `layer::Kind`, a line in `of`, its family's module (or arms in an
//! existing one) and its `kind-NAME` description in each message catalogue.
//!
//! How a field is read, checked and written (`layer::Field`) is shared by
//! every family, so files and forms spell a field the same way everywhere.

pub(crate) mod activation;
mod adaptive;
mod attention;
mod conv;
mod dense;
mod mamba;
mod merge;
mod moe;
pub mod nd;
mod norm;
mod pad;
mod pool;
mod recurrent;
mod reshape;
mod sequence;
mod shuffle;
mod tokens;
mod transpose;

pub(crate) use attention::plain as plain_attention;
pub use merge::merged;
pub use nd::window_axes as nd_window_axes;
pub use transpose::transpose_axis;

use crate::engine::{Dropped, Problem};
use crate::export::{ExportError, Exported};
use crate::layer::{Activation, Field, Hw, Kind, Layer, Padding};
use crate::network::{Kernels, Shape};
use crate::size::Size;

/// Which way `+`/`-` and `>`/`<` go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

impl Direction {
    /// One more or one less, within what a file can hold.
    fn add_one(self, n: Size) -> Option<Size> {
        match self {
            Direction::Up => n.checked_add(1),
            Direction::Down => n.checked_sub(1),
        }
    }

    /// Twice or half (at least 1).
    fn double(self, n: Size) -> Option<Size> {
        match self {
            Direction::Up => n.checked_mul(2),
            Direction::Down => Some(n.halved()),
        }
    }
}

/// A window one pixel bigger or smaller on each axis, keeping its stride.
fn resize_window(layer: &mut Layer, step: Direction) -> Result<(), String> {
    let k = layer.kernel;
    let side = |n: u64| Size::new(n).and_then(|n| step.add_one(n)).map(Size::get);
    match (side(k.h), side(k.w)) {
        (Some(h), Some(w)) => {
            layer.set_kernel(Hw { h, w });
            Ok(())
        }
        _ if step == Direction::Up => Err(t!("app-the-kernel-cannot-grow-any")),
        _ => Err(t!(
            "app-the-kernel-cannot-shrink-below",
            a1 = k.h.to_string(),
            a2 = k.w.to_string()
        )),
    }
}

/// `>`/`<` on a layer with filters: twice or half as many.
fn double_filters(layer: &mut Layer, step: Direction) -> Result<(), String> {
    layer.filters = step
        .double(layer.filters)
        .ok_or(t!("app-too-many-filters-at-most"))?;
    Ok(())
}

/// A convolution's parameter formula: `(window·C + 1)·filters = result`,
/// with `·(C/g)` for groups and no `·C` when one kernel is shared across
/// the input channels. `window` is the taps written out (`5·5`, `3·3·3`).
fn conv_params_line(layer: &Layer, c: u64, window: &str, result: &str, kernels: Kernels) -> String {
    let depth = match (kernels, layer.groups.get()) {
        (Kernels::Shared, _) => String::new(),
        (Kernels::Full, 1) => format!("·{c}"),
        (Kernels::Full, g) => format!("·({c}/{g})"),
    };
    let note = match kernels {
        Kernels::Shared => t!("conv-one-kernel-shared-across-input"),
        Kernels::Full => String::new(),
    };
    if layer.bias {
        format!("({window}{depth} + 1)·{} = {result}{note}", layer.filters)
    } else {
        format!("{window}{depth}·{} = {result}{note}", layer.filters)
    }
}

/// A PyTorch convolution's closing arguments: `groups=…` and
/// `bias=False` where they differ from the defaults.
fn pytorch_groups_and_bias(layer: &Layer, args: &mut Vec<String>) {
    if layer.groups != Size::ONE {
        args.push(format!("groups={}", layer.groups));
    }
    if !layer.bias {
        args.push("bias=False".into());
    }
}

/// One computed layer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    pub output: Shape,
    pub params: u64,
    pub macs: u64,
    /// Pixels a window leaves out at the bottom and right edges.
    pub dropped: Option<Dropped>,
    /// Parameters a token does not use: a mixture of experts' experts
    /// beyond its top_k (`params` counts them all).
    pub inactive: u64,
}

impl Step {
    /// A layer that passes its input on, with no weights and no arithmetic.
    pub fn passthrough(shape: Shape) -> Step {
        Step {
            output: shape,
            params: 0,
            macs: 0,
            dropped: None,
            inactive: 0,
        }
    }
}

/// What a kind does to the positions of a map (an image's pixels, a
/// signal's samples, a volume's voxels): how the receptive field, the
/// region one output cell reads and the smallest valid input pass through
/// it. Every kind says which; the engine, `arithmetic` and `smallest`
/// match on this, never on the kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spatial {
    /// Each output position reads the same input position: activations,
    /// norms, gates, channel rearrangements.
    Pointwise,
    /// A window slides along `axes` axes (1, 2 or 3): convolutions
    /// (`pool: None`), and pooling, whose stride defaults to the window.
    Window { axes: usize, pool: Option<Reduce> },
    /// A transposed convolution: each output gathers ⌈span / s⌉ inputs.
    Transpose,
    /// Each input pixel becomes `scale` pixels (nearest copies, bilinear
    /// also blends a neighbour).
    Upsample,
    /// Adaptive pooling: the layer sets the output size.
    Adaptive,
    /// Zeros around the image.
    ZeroPad,
    /// `pixel_shuffle`: each input pixel's r² channels become r×r pixels.
    PixelShuffle,
    /// What comes out is no longer positions of the input map: flatten,
    /// global pooling, a dense layer, tokens, sequences.
    Ends,
    /// Branches that each read the input, then meet.
    Merge(Meet),
    /// Layers one after another, repeated.
    Block,
}

/// What a layer's backward pass needs from its forward pass, kept from one
/// to the other: PyTorch's saved tensors, as its eager kernels keep them.
/// Training memory is these, alive together, at the step's peak.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Saved {
    /// The layer keeps its input, its output: tensors shared with the
    /// layers beside it, so they are counted once between them.
    pub input: bool,
    pub output: bool,
    /// Values of its own, at the dtype: statistics, intermediates, masks.
    pub values: u64,
    /// Bytes at a fixed width whatever the dtype: int64 indices.
    pub bytes: u64,
    /// The output is a view of the input: no storage of its own.
    pub view: bool,
    /// Values alive only while its backward runs, beyond the gradients of
    /// its input and output (the gradients of attention's L×L weights).
    pub temp: u64,
    /// What it keeps and why, in words.
    pub why: Why,
}

/// Why a layer keeps what it keeps, for the detail pane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    Input,
    Nothing,
    Output,
    View,
    Indices,
    Mask,
    Norm,
    RmsNorm,
    GeluTanh,
    Transformer,
    Recurrent,
    Moe,
    Mamba,
    Attention,
}

impl Why {
    pub fn text(self) -> String {
        match self {
            Why::Input => t!("memory-keeps-input"),
            Why::Nothing => t!("memory-keeps-nothing"),
            Why::Output => t!("memory-keeps-output"),
            Why::View => t!("memory-keeps-view"),
            Why::Indices => t!("memory-keeps-indices"),
            Why::Mask => t!("memory-keeps-mask"),
            Why::Norm => t!("memory-keeps-norm"),
            Why::RmsNorm => t!("memory-keeps-rmsnorm"),
            Why::GeluTanh => t!("memory-keeps-gelu-tanh"),
            Why::Transformer => t!("memory-keeps-transformer"),
            Why::Recurrent => t!("memory-keeps-recurrent"),
            Why::Moe => t!("memory-keeps-moe"),
            Why::Mamba => t!("memory-keeps-mamba"),
            Why::Attention => t!("memory-keeps-attention"),
        }
    }
}

impl Saved {
    /// The input, as most kernels need it for their weights' or their own
    /// gradient (conv, dense, norms, GELU, SiLU…).
    pub const INPUT: Saved = Saved {
        input: true,
        output: false,
        values: 0,
        bytes: 0,
        view: false,
        temp: 0,
        why: Why::Input,
    };
    /// Nothing: the gradient needs only the shapes (add, concat, padding).
    pub const NOTHING: Saved = Saved {
        input: false,
        why: Why::Nothing,
        ..Saved::INPUT
    };
    /// The output, whose values give the gradient (ReLU, sigmoid, tanh,
    /// softmax).
    pub const OUTPUT: Saved = Saved {
        input: false,
        output: true,
        why: Why::Output,
        ..Saved::INPUT
    };
    /// Max pooling: its input, and an int64 index per output value (where
    /// each maximum came from).
    pub fn indices(output: Shape) -> Option<Saved> {
        Some(Saved {
            bytes: output.elements()?.checked_mul(8)?,
            why: Why::Indices,
            ..Saved::INPUT
        })
    }

    /// A view: flatten, reshape.
    pub const VIEW: Saved = Saved {
        input: false,
        view: true,
        why: Why::View,
        ..Saved::INPUT
    };
}

/// How a merge's branches meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Meet {
    /// Summed: every branch gives the same shape.
    Add,
    /// Joined along the first dimension (PyTorch's dim 1).
    Concat,
    /// Multiplied element-wise, broadcasting as PyTorch does.
    Multiply,
}

/// The largest value or the mean: what a pooling window takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reduce {
    Max,
    Avg,
}

/// What a family does for each of its kinds. `of(kind)` hands out one
/// value per kind, carrying what tells the family's kinds apart, so no
/// family asks which kind it is.
pub trait Family: Sync {
    /// The fields the kind takes, in the order files and forms list them.
    fn fields(&self) -> &'static [Field] {
        &[]
    }

    /// The fields a file must give (the rest have defaults).
    fn required(&self) -> &'static [Field] {
        &[]
    }

    /// What the kind does to the positions of a map.
    fn spatial(&self) -> Spatial;

    /// Whether the kind may carry an `activation` shorthand.
    fn carries_activation(&self) -> bool {
        false
    }

    /// Whether the kind runs a cell over every position.
    fn recurrent(&self) -> bool {
        false
    }

    /// Changes the shared defaults of a new layer where the family's differ.
    fn defaults(&self, _layer: &mut Layer) {}

    /// The output shape, parameters and MACs of `layer` on `input`, or why
    /// it cannot be computed. Every multiplication is checked.
    fn step(&self, layer: &Layer, input: Shape, kernels: Kernels) -> Result<Step, Problem>;

    /// How the output size comes about, one line per distinct axis.
    fn size_lines(&self, _layer: &Layer, input: Shape, output: Option<Shape>) -> Vec<String> {
        unchanged(input, output)
    }

    /// How the parameter count comes about; `result` is the count written out.
    fn params_line(&self, layer: &Layer, input: Shape, result: &str, k: Kernels) -> String;

    /// How the MAC count comes about, for layers where it is worth a line
    /// of its own (attention's L², a recurrent layer's steps).
    fn macs_line(&self, _layer: &Layer, _input: Shape, _result: &str) -> Option<String> {
        None
    }

    /// The values inference keeps for one sequence between tokens, on
    /// `input`: a causal attention's keys and values over min(L, window)
    /// positions, a Mamba's convolution and scan states. The KV cache.
    fn cache(&self, _layer: &Layer, _input: Shape) -> Option<u64> {
        Some(0)
    }

    /// The most weights one of its tensors holds, of its `params`: what
    /// Adam's step makes temporaries of, one tensor at a time.
    fn largest_weight(&self, _layer: &Layer, _input: Shape, params: u64) -> Option<u64> {
        Some(params)
    }

    /// The parameters of each of the layers the layer stacks and runs one
    /// after another (a two-layer LSTM's two), on `input`; `None` when it is
    /// one layer. Backward runs them in turn: the first's gradients are
    /// made after the last's saved tensors are freed.
    fn stacks(&self, _layer: &Layer, _input: Shape) -> Option<Vec<u64>> {
        None
    }

    /// What the layer keeps for its backward pass, on `input` giving
    /// `output` (`None` where a count passes 2^64).
    fn saved(
        &self,
        _layer: &Layer,
        _input: Shape,
        _output: Shape,
        _kernel: crate::memory::AttentionKernel,
    ) -> Option<Saved> {
        Some(Saved::INPUT)
    }

    /// The LoRA adapters' parameters on `input`: R·(in + out) for each of
    /// this layer's matrices that `lora` names.
    fn lora(&self, _layer: &Layer, _input: Shape, _lora: crate::memory::Lora) -> Option<u64> {
        Some(0)
    }

    /// The table's short description: `conv 5×5 ×6 s1 p0 relu`.
    fn label(&self, layer: &Layer) -> String;

    /// `+`/`-`: one step bigger or smaller — the window by a pixel, a dense
    /// layer by a unit. Refused, with the reason, where it means nothing.
    fn resize(&self, layer: &mut Layer, _step: Direction) -> Result<(), String> {
        Err(t!("app-kind-has-no-kernel-or", kind = layer.kind.name()))
    }

    /// `>`/`<`: twice or half as wide — filters or units.
    fn widen(&self, layer: &mut Layer, _step: Direction) -> Result<(), String> {
        Err(t!("app-kind-has-no-filters-or", kind = layer.kind.name()))
    }

    /// The PyTorch modules for the layer: (name, code), named `l{n}` and
    /// `l{n}_…` for what goes before it.
    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>);

    /// The helper classes (`export::helpers`) the PyTorch code needs.
    fn pytorch_helpers(&self, _layer: &Layer) -> &'static [&'static str] {
        &[]
    }

    /// The Keras layers for the layer, or why Keras cannot say it.
    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError>;
}

/// Why layer `e` has no Keras export: Keras has no layer for `what`.
fn keras_has_none(e: &Exported, what: &str) -> ExportError {
    ExportError(t!(
        "export-keras-has-none",
        n = e.number.to_string(),
        what = what.to_string()
    ))
}

/// The family value that knows `kind`: the one place a kind is sent to
/// its home. The match is exhaustive, so a new kind does not compile
/// until it has one.
pub fn of(kind: Kind) -> &'static dyn Family {
    use Activation as A;
    use Reduce::{Avg, Max};
    match kind {
        Kind::Conv2d => &conv::Conv,
        Kind::MaxPool => &pool::Pool(Max),
        Kind::AvgPool => &pool::Pool(Avg),
        Kind::Dense => &dense::Dense,
        Kind::Flatten => &reshape::Flatten,
        Kind::GlobalAvgPool => &reshape::GlobalAvgPool,
        Kind::BatchNorm => &norm::BatchNorm,
        Kind::Dropout => &norm::Dropout,
        Kind::Relu => &activation::Activations(A::Relu),
        Kind::Sigmoid => &activation::Activations(A::Sigmoid),
        Kind::Tanh => &activation::Activations(A::Tanh),
        Kind::Softmax => &activation::Activations(A::Softmax),
        Kind::Gelu => &activation::Activations(A::Gelu),
        Kind::Conv1d => &nd::Nd {
            axes: 1,
            pool: None,
        },
        Kind::MaxPool1d => &nd::Nd {
            axes: 1,
            pool: Some(Max),
        },
        Kind::AvgPool1d => &nd::Nd {
            axes: 1,
            pool: Some(Avg),
        },
        Kind::Conv3d => &nd::Nd {
            axes: 3,
            pool: None,
        },
        Kind::MaxPool3d => &nd::Nd {
            axes: 3,
            pool: Some(Max),
        },
        Kind::AvgPool3d => &nd::Nd {
            axes: 3,
            pool: Some(Avg),
        },
        Kind::Embedding => &sequence::Sequence(sequence::Seq::Embedding),
        Kind::PosEmbedding => &sequence::Sequence(sequence::Seq::PosEmbedding),
        Kind::LayerNorm => &norm::LayerNorm,
        Kind::Attention => &attention::Attention,
        Kind::Transformer => &sequence::Sequence(sequence::Seq::Transformer),
        Kind::FirstToken => &sequence::Sequence(sequence::Seq::FirstToken),
        Kind::Lstm => &recurrent::Recurrent(recurrent::Cell::Lstm),
        Kind::Gru => &recurrent::Recurrent(recurrent::Cell::Gru),
        Kind::Rnn => &recurrent::Recurrent(recurrent::Cell::Rnn),
        Kind::Add => &merge::Merge(Meet::Add),
        Kind::Concat => &merge::Merge(Meet::Concat),
        Kind::Block => &merge::Block,
        Kind::ConvTranspose2d => &transpose::Transpose(transpose::Grow::ConvTranspose),
        Kind::Upsample => &transpose::Transpose(transpose::Grow::Upsample),
        Kind::AdaptiveAvgPool => &adaptive::Adaptive(Avg),
        Kind::AdaptiveMaxPool => &adaptive::Adaptive(Max),
        Kind::ZeroPad => &pad::Pad,
        Kind::Silu => &activation::Activations(A::Silu),
        Kind::Hardswish => &activation::Activations(A::Hardswish),
        Kind::Hardsigmoid => &activation::Activations(A::Hardsigmoid),
        Kind::Relu6 => &activation::Activations(A::Relu6),
        Kind::Mish => &activation::Activations(A::Mish),
        Kind::Elu => &activation::Activations(A::Elu),
        Kind::LeakyRelu => &activation::Activations(A::LeakyRelu),
        Kind::Prelu => &activation::Prelu,
        Kind::StarRelu => &activation::StarRelu,
        Kind::GroupNorm => &norm::GroupNorm,
        Kind::InstanceNorm => &norm::InstanceNorm,
        Kind::Grn => &norm::Grn,
        Kind::RmsNorm => &norm::RmsNorm,
        Kind::Multiply => &merge::Merge(Meet::Multiply),
        Kind::Moe => &moe::Moe,
        Kind::Mamba => &mamba::Mamba,
        Kind::ToTokens => &tokens::ToTokens,
        Kind::ToImage => &tokens::ToImage,
        Kind::ClsToken => &tokens::ClsToken,
        Kind::LayerScale => &tokens::LayerScale,
        Kind::DropPath => &norm::DropPath,
        Kind::PixelShuffle => &shuffle::PixelShuffle,
        Kind::ChannelShuffle => &shuffle::ChannelShuffle,
        Kind::Slice => &shuffle::Slice,
    }
}

/// The size line of a layer that keeps its input's shape.
fn unchanged(input: Shape, output: Option<Shape>) -> Vec<String> {
    match output {
        Some(out) if out == input => vec![t!("family-unchanged-out", out = out.to_string())],
        Some(out) => vec![format!("{out}")],
        None => vec![t!("family-cannot-be-computed").to_string()],
    }
}

/// ` s2 p0`, ` s1 same`: how a window moves and pads, for labels.
fn window_suffix(layer: &Layer) -> String {
    let padding = match layer.padding {
        Padding::Valid => " p0".to_string(),
        Padding::Same => " same".to_string(),
        Padding::Explicit(p) => format!(" p{p}"),
    };
    format!(" s{}{padding}", layer.stride())
}

/// ` d2 g4 no-bias relu`: what a convolution's label ends with, dilation and
/// groups where they are not 1.
fn conv_suffix(layer: &Layer) -> String {
    let mut s = String::new();
    if layer.dilation != Hw::square(1) {
        s.push_str(&format!(" d{}", layer.dilation));
    }
    if layer.groups != Size::ONE {
        s.push_str(&format!(" g{}", layer.groups));
    }
    s + &weights_suffix(layer)
}

/// ` no-bias relu`: the bias and activation shorthand of conv and dense.
fn weights_suffix(layer: &Layer) -> String {
    let mut s = String::new();
    if !layer.bias {
        s.push_str(" no-bias");
    }
    if let Some(a) = layer.activation {
        s.push(' ');
        s.push_str(a.name());
    }
    s
}

/// The features a layer sees: channels of an image, signal or volume, or
/// a vector's length.
fn features(input: Shape) -> u64 {
    input.channels()
}

/// A convolution's filters and groups on `channels` inputs, once `groups`
/// divides both (PyTorch refuses it otherwise).
fn grouped(layer: &Layer, channels: u64) -> Result<(u64, u64), Problem> {
    let (filters, groups) = (layer.filters.get(), layer.groups.get());
    if !channels.is_multiple_of(groups) || !filters.is_multiple_of(groups) {
        return Err(Problem::Groups {
            groups,
            channels,
            filters,
        });
    }
    Ok((filters, groups))
}

/// The product of `factors`, or `what` is too large to count.
fn product(factors: &[u64], what: &'static str) -> Result<u64, Problem> {
    (factors.iter().copied())
        .try_fold(1u64, u64::checked_mul)
        .ok_or(too_large(what))
}

/// `n` as a size, for defaults known to be positive.
fn size(n: u64) -> Size {
    Size::new(n).unwrap_or(Size::ONE)
}

fn too_large(what: &'static str) -> Problem {
    Problem::TooLarge { what }
}

/// For the families' tests: `kind` with `settings` (as a file writes them,
/// `"heads = 32"`) on `input`.
#[cfg(test)]
pub(crate) fn try_step(
    kind: Kind,
    settings: &[(&str, &str)],
    input: Shape,
) -> Result<Step, Problem> {
    of(kind).step(&test_layer(kind, settings), input, Kernels::Full)
}

/// For tests: a layer of `kind` with `settings` as a file writes them.
#[cfg(test)]
pub(crate) fn test_layer(kind: Kind, settings: &[(&str, &str)]) -> Layer {
    let mut layer = Layer::new(kind);
    for (name, value) in settings {
        let field = kind
            .fields()
            .iter()
            .find(|f| f.name() == *name)
            .unwrap_or_else(|| panic!("{kind:?} has no {name}"));
        field
            .set(&mut layer, &crate::layer::Value::parse_text(value))
            .unwrap_or_else(|e| panic!("{name} = {value}: {e}"));
    }
    layer
}
