//! Why a layer cannot be computed, and what a valid layer leaves out: the
//! engine's verdicts, as data. `words` says them in the reader's language.

use crate::layer::{Hw, Kind};
use crate::network::Shape;

/// Input rows and columns that no window reaches, because the last window
/// ends before the image does (the division rounded down).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dropped {
    pub rows: u64,
    pub cols: u64,
    /// A signal's samples past the last window (conv1d, 1-D pooling).
    pub samples: u64,
}

/// Why a layer cannot be computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The (padded) input is smaller than the (dilated) window.
    ShrunkTooFar {
        input: Hw,
        /// Zeros added on each side (explicit padding only).
        padding: Hw,
        kernel: Hw,
        /// The window's span after dilation.
        span: Hw,
        pooling: bool,
    },
    /// A conv or pooling layer placed after the image was flattened.
    NeedsImage { kind: Kind, got: u64 },
    /// A dense layer given an image: it needs `flatten` first.
    NeedsFlat { got: Shape },
    /// A dense layer built for `want` features (`inputs`, as an imported
    /// `Linear(in_features=…)` is) given `got`.
    Inputs { want: u64, got: u64 },
    /// `groups` does not divide the input channels and the filters.
    Groups {
        groups: u64,
        channels: u64,
        filters: u64,
    },
    /// PyTorch refuses pooling padding above half the window.
    PoolPadding { padding: Hw, kernel: Hw },
    /// A number past 2^64: `what` says which.
    TooLarge { what: &'static str },
    /// A merge whose branches do not meet: `branch` (1-based) gives `other`
    /// where branch 1 gives `first`.
    Mismatch {
        kind: Kind,
        first: Shape,
        branch: usize,
        other: Shape,
    },
    /// A merge with no branches at all.
    NoBranches { kind: Kind },
    /// A layer inside this container is broken: layer `index` of branch
    /// `branch` (0-based; a block's layers are branch 0), in repetition
    /// `repetition` (1-based) of a repeated block.
    Inside {
        kind: Kind,
        branch: usize,
        index: usize,
        repetition: Option<u64>,
    },
    /// A transposed convolution's output padding must be below its stride
    /// or its dilation.
    OutputPadding {
        output_padding: Hw,
        stride: Hw,
        dilation: Hw,
    },
    /// The padding removes everything the layer would give.
    Empty { kind: Kind },
    /// A block whose shape changes in more repetitions than are unrolled.
    TooManyRepetitions { limit: u64 },
    /// `"same"` padding where PyTorch takes only numbers.
    NeedsExplicitPadding { kind: Kind },
    /// A layer given a tensor of another kind than it reads.
    Needs { kind: Kind, want: Want, got: Shape },
    /// A sequence longer than the positions `pos_embedding` has learned.
    TooLong { len: u64, max_len: u64 },
    /// Attention's heads must split the features evenly.
    Heads { dim: u64, heads: u64 },
    /// A 1-D or 3-D window larger than its (padded) input along `axis`.
    AxisTooSmall {
        axis: NdAxis,
        input: u64,
        /// Zeros on each side along this axis.
        padding: u64,
        kernel: u64,
        span: u64,
        pooling: bool,
    },
    /// PyTorch refuses pooling padding above half the window, on any axis.
    PoolPaddingAxis {
        axis: NdAxis,
        padding: u64,
        kernel: u64,
    },
    /// A tied dense layer with no earlier embedding of its shape to share.
    Untied { units: u64, features: u64 },
    /// `groups` does not divide the channels (groupnorm, channel_shuffle).
    SplitGroups {
        kind: Kind,
        channels: u64,
        groups: u64,
    },
    /// Key/value heads must divide the query heads.
    KvHeads { heads: u64, kv_heads: u64 },
    /// Rotary positions turn pairs of features: a head must be even.
    OddHeadDim { head_dim: u64 },
    /// An LSTM's projection must be smaller than its hidden state
    /// (PyTorch: "proj_size has to be smaller than hidden_size").
    Projection { proj: u64, hidden: u64 },
    /// Normalising a single value: PyTorch refuses it for one sample
    /// (instancenorm on one position, groupnorm with one value a group).
    SingleValue { kind: Kind, values: u64 },
    /// `multiply`'s branches whose shapes do not broadcast (or differ in rank).
    Broadcast {
        first: Shape,
        branch: usize,
        other: Shape,
    },
    /// A mixture of experts routing each token to `top_k` of `experts`.
    TopK { top_k: u64, experts: u64 },
    /// `to_image`: L positions cannot fold into height × width.
    Fold { len: u64, height: u64, width: u64 },
    /// `slice`: the part kept is empty or past the end.
    Slice { start: u64, end: u64, size: u64 },
    /// A shared block's pass that changes the shape: the next pass, with
    /// the same weights, cannot take it.
    SharedShape { input: Shape, output: Shape },
    /// `pixel_shuffle`: the channels must be a multiple of factor².
    PixelShuffle { channels: u64, factor: u64 },
}

impl Problem {
    /// What a layer of `kind` that reads images says of `got`.
    pub fn needs_image(kind: Kind, got: Shape) -> Problem {
        match got {
            Shape::Flat(n) => Problem::NeedsImage { kind, got: n },
            _ => Problem::Needs {
                kind,
                want: Want::Image,
                got,
            },
        }
    }
}

/// The kinds of tensor a layer may need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    /// `[C, H, W]`.
    Image,
    /// `[C, L]`, for conv1d and 1-D pooling.
    Signal,
    /// `[C, D, H, W]`, for conv3d and 3-D pooling.
    Volume,
    /// `[L, E]`, for attention, recurrent layers and `pos_embedding`.
    Sequence,
    /// `[L]` token ids, for `embedding`.
    Tokens,
    /// A map with channels first: a signal, image or volume.
    Map,
}

/// The axes of 1-D and 3-D windows, named in messages and formulas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NdAxis {
    Length,
    Depth,
    Height,
    Width,
}

impl NdAxis {
    /// `L`, `D`, `H`, `W`: the formulas' axis names.
    pub fn letter(self) -> &'static str {
        match self {
            NdAxis::Length => "L",
            NdAxis::Depth => "D",
            NdAxis::Height => "H",
            NdAxis::Width => "W",
        }
    }
}
