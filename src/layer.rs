//! The layer catalogue: every kind of layer layerlab knows, the fields each
//! kind takes, their defaults, and how a field's value is read and written.
//!
//! Files, the editing form and the table all go through this one catalogue,
//! so a field is spelled, validated and shown the same way everywhere.

use crate::family::Spatial;
use crate::size::Size;
use std::fmt;

/// How deep containers may nest. A file nested much deeper is past what
/// the TOML reader follows (about 40 `add`s), so layerlab neither writes
/// nor reads one.
pub const MAX_DEPTH: usize = 32;

/// A height × width pair: kernel sizes, strides, dilations, paddings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Hw {
    pub h: u64,
    pub w: u64,
}

impl Hw {
    pub const fn square(n: u64) -> Self {
        Hw { h: n, w: n }
    }
}

impl fmt::Display for Hw {
    /// `5` for a square pair, `5×3` otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.h == self.w {
            write!(f, "{}", self.h)
        } else {
            write!(f, "{}×{}", self.h, self.w)
        }
    }
}

/// How a convolution or pooling layer pads its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Padding {
    /// No padding (Keras' `"valid"`, the same as PyTorch's `padding=0`).
    Valid,
    /// Keras/TensorFlow `"same"`: output = ⌈input / stride⌉, for any stride.
    Same,
    /// PyTorch's integer padding: this many zeros on each side.
    Explicit(Hw),
}

/// The activation a conv or dense layer may carry as a shorthand, and
/// that an activation layer applies. `leaky_relu` and `gelu` as a shorthand
/// take their defaults (slope 0.01, exact GELU); as layers they have fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, strum::EnumIter, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Activation {
    Relu,
    Sigmoid,
    Tanh,
    Softmax,
    Gelu,
    Silu,
    Hardswish,
    Hardsigmoid,
    Relu6,
    Mish,
    Elu,
    LeakyRelu,
}

impl Activation {
    /// Every activation, in the order forms list them.
    pub fn iter() -> impl Iterator<Item = Activation> {
        <Activation as strum::IntoEnumIterator>::iter()
    }

    pub fn name(self) -> &'static str {
        self.into()
    }

    pub fn from_name(name: &str) -> Option<Activation> {
        Activation::iter().find(|a| a.name() == name)
    }
}

/// How `upsample` fills in the new pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UpsampleMode {
    Nearest,
    Bilinear,
}

impl UpsampleMode {
    pub fn name(self) -> &'static str {
        match self {
            UpsampleMode::Nearest => "nearest",
            UpsampleMode::Bilinear => "bilinear",
        }
    }
}

/// Zeros added on each side of an image by `zeropad`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Sides {
    pub top: u64,
    pub bottom: u64,
    pub left: u64,
    pub right: u64,
}

/// The depth axis of a 3-D window (conv3d, 3-D pooling); height and width
/// are the layer's `Hw` fields as for images.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Depth {
    pub kernel: u64,
    /// `None` means the kind's default, as for `Layer::stride`.
    pub stride: Option<u64>,
    /// Zeros before and after along depth (explicit padding only).
    pub padding: u64,
    pub dilation: u64,
}

/// Settings of the kinds added for sequences, recurrent nets and volumes.
#[derive(Clone, Debug, PartialEq)]
pub struct Extra {
    /// A 3-D window's depth axis.
    pub depth: Depth,
    /// `embedding`: tokens known, and the vector each becomes.
    pub vocab: Size,
    pub dim: Size,
    /// `pos_embedding`: positions learned, and token types added (BERT's 2).
    pub max_len: Size,
    pub types: u64,
    /// `attention` and `transformer`: heads, causal mask, feed-forward width.
    pub heads: Size,
    pub causal: bool,
    pub ff: Size,
    /// Recurrent layers: state size, stacked layers, both directions.
    pub hidden: Size,
    pub num_layers: Size,
    pub bidirectional: bool,
    /// `dense`: weights shared with an earlier embedding (a tied LM head).
    pub tied: bool,
    /// `leaky_relu`: the slope below zero.
    pub slope: f64,
    /// `gelu`: the tanh approximation instead of the exact erf.
    pub tanh: bool,
    /// `prelu`: one slope per channel instead of one in all.
    pub per_channel: bool,
    /// Norms: a learned scale (and shift, where the norm has one).
    pub affine: bool,
    /// `layernorm`, `rmsnorm`: normalise the channels at every position of
    /// a map (ConvNeXt's LayerNorm2d) instead of the last dimension.
    pub over_channels: bool,
    /// `attention`: key/value heads (grouped-query; `None` is `heads`),
    /// the width of a head (`None` is E / heads), the output projection's
    /// bias (`None` follows `bias`), an RMSNorm on queries and keys, rotary
    /// positions and a sliding window.
    pub kv_heads: Option<Size>,
    pub head_dim: Option<Size>,
    pub out_bias: Option<bool>,
    pub qk_norm: bool,
    /// With `qk_norm`: one norm over all heads' queries (h·d) and keys
    /// (kv·d), as OLMo 2, rather than one of d shared by every head.
    pub qk_norm_all: bool,
    pub rope: bool,
    pub window: Option<Size>,
    /// `upsample`: a fixed output height × width (`nn.Upsample(size=…)`),
    /// in place of the scale.
    pub size: Option<Hw>,
    /// `lstm`: its hidden state projected to this many features
    /// (`proj_size`), which the next step and layer read.
    pub proj: Option<Size>,
    /// `dense`: the features it was built for — an imported
    /// `Linear(in_features=1152)` — so that an input giving it others is an
    /// error, not a silently different layer (`None`: whatever comes).
    pub inputs: Option<Size>,
    /// `moe`: routed experts, how many each token uses, gated experts, and
    /// experts every token uses.
    pub experts: Size,
    pub top_k: u64,
    pub gated: bool,
    pub shared_experts: u64,
    /// `to_image`: the map a sequence is folded back into.
    pub height: Size,
    pub width: Size,
    /// `cls_token`: learned tokens put in front.
    pub tokens: Size,
    /// `pixel_shuffle`: how many times larger each side becomes.
    pub factor: Size,
    /// `slice`: the part of the first dimension kept, end exclusive.
    pub start: u64,
    pub end: u64,
    /// `mamba`: the state size N, the depthwise convolution's width, how
    /// much wider the inner stream is, and the rank of Δ (`None`: ⌈E/16⌉).
    pub state: Size,
    pub conv: Size,
    pub expand: Size,
    pub dt_rank: Option<Size>,
    /// `block`: one set of weights for every repetition (ALBERT).
    pub shared: bool,
    /// `batchnorm`: a learned scale γ (PyTorch's `weight`, Keras' `scale`);
    /// off, only the shift (Keras' `scale=False`).
    pub weight: bool,
}

/// Every kind of layer, in the order the "add layer" list shows them. The
/// list (`Kind::iter()`) and the names files use are derived from here;
/// what a kind does is its family's (`family::of`).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::EnumString,
)]
pub enum Kind {
    #[strum(serialize = "conv2d")]
    Conv2d,
    #[strum(serialize = "maxpool")]
    MaxPool,
    #[strum(serialize = "avgpool")]
    AvgPool,
    #[strum(serialize = "flatten")]
    Flatten,
    #[strum(serialize = "dense")]
    Dense,
    #[strum(serialize = "batchnorm")]
    BatchNorm,
    #[strum(serialize = "dropout")]
    Dropout,
    #[strum(serialize = "global_avgpool")]
    GlobalAvgPool,
    #[strum(serialize = "relu")]
    Relu,
    #[strum(serialize = "sigmoid")]
    Sigmoid,
    #[strum(serialize = "tanh")]
    Tanh,
    #[strum(serialize = "softmax")]
    Softmax,
    #[strum(serialize = "add")]
    Add,
    #[strum(serialize = "concat")]
    Concat,
    #[strum(serialize = "block")]
    Block,
    #[strum(serialize = "conv_transpose2d")]
    ConvTranspose2d,
    #[strum(serialize = "upsample")]
    Upsample,
    #[strum(serialize = "adaptive_avgpool")]
    AdaptiveAvgPool,
    #[strum(serialize = "adaptive_maxpool")]
    AdaptiveMaxPool,
    #[strum(serialize = "zeropad")]
    ZeroPad,
    #[strum(serialize = "conv1d")]
    Conv1d,
    #[strum(serialize = "maxpool1d")]
    MaxPool1d,
    #[strum(serialize = "avgpool1d")]
    AvgPool1d,
    #[strum(serialize = "conv3d")]
    Conv3d,
    #[strum(serialize = "maxpool3d")]
    MaxPool3d,
    #[strum(serialize = "avgpool3d")]
    AvgPool3d,
    #[strum(serialize = "embedding")]
    Embedding,
    #[strum(serialize = "pos_embedding")]
    PosEmbedding,
    #[strum(serialize = "layernorm")]
    LayerNorm,
    #[strum(serialize = "attention")]
    Attention,
    #[strum(serialize = "transformer")]
    Transformer,
    #[strum(serialize = "lstm")]
    Lstm,
    #[strum(serialize = "gru")]
    Gru,
    #[strum(serialize = "rnn")]
    Rnn,
    #[strum(serialize = "first_token")]
    FirstToken,
    #[strum(serialize = "gelu")]
    Gelu,
    #[strum(serialize = "silu")]
    Silu,
    #[strum(serialize = "hardswish")]
    Hardswish,
    #[strum(serialize = "hardsigmoid")]
    Hardsigmoid,
    #[strum(serialize = "relu6")]
    Relu6,
    #[strum(serialize = "mish")]
    Mish,
    #[strum(serialize = "elu")]
    Elu,
    #[strum(serialize = "leaky_relu")]
    LeakyRelu,
    #[strum(serialize = "prelu")]
    Prelu,
    #[strum(serialize = "star_relu")]
    StarRelu,
    #[strum(serialize = "groupnorm")]
    GroupNorm,
    #[strum(serialize = "instancenorm")]
    InstanceNorm,
    #[strum(serialize = "grn")]
    Grn,
    #[strum(serialize = "rmsnorm")]
    RmsNorm,
    #[strum(serialize = "multiply")]
    Multiply,
    #[strum(serialize = "moe")]
    Moe,
    #[strum(serialize = "mamba")]
    Mamba,
    #[strum(serialize = "to_tokens")]
    ToTokens,
    #[strum(serialize = "to_image")]
    ToImage,
    #[strum(serialize = "cls_token")]
    ClsToken,
    #[strum(serialize = "layer_scale")]
    LayerScale,
    #[strum(serialize = "drop_path")]
    DropPath,
    #[strum(serialize = "pixel_shuffle")]
    PixelShuffle,
    #[strum(serialize = "channel_shuffle")]
    ChannelShuffle,
    #[strum(serialize = "slice")]
    Slice,
}

impl Kind {
    /// Every kind, in the order the "add layer" list shows them.
    pub fn iter() -> impl Iterator<Item = Kind> + Clone {
        <Kind as strum::IntoEnumIterator>::iter()
    }

    /// The name used in files (`type = "conv2d"`).
    pub fn name(self) -> &'static str {
        self.into()
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        name.parse().ok()
    }

    /// One line for the "add layer" list: the catalogue's `kind-NAME`.
    pub fn description(self) -> String {
        crate::i18n::text(&format!("kind-{}", self.name()))
    }

    /// The fields this kind takes, in the order files and forms list them.
    pub fn fields(self) -> &'static [Field] {
        crate::family::of(self).fields()
    }

    /// Fields a file must give for this kind (the rest have defaults).
    pub fn required(self) -> &'static [Field] {
        crate::family::of(self).required()
    }

    /// What the kind does to the positions of a map, as its family says.
    pub fn spatial(self) -> Spatial {
        crate::family::of(self).spatial()
    }

    /// A 2-D convolution (its dilation spreads the window).
    pub fn is_conv(self) -> bool {
        matches!(
            self.spatial(),
            Spatial::Window {
                axes: 2,
                pool: None
            }
        )
    }

    /// 2-D pooling.
    pub fn is_pool(self) -> bool {
        matches!(
            self.spatial(),
            Spatial::Window {
                axes: 2,
                pool: Some(_)
            }
        )
    }

    /// How many axes a window of this kind slides along: 1 for conv1d and
    /// 1-D pooling, 3 for conv3d and 3-D pooling, 2 for every other kind
    /// (whose windows, where they have one, are height × width).
    pub fn window_axes(self) -> usize {
        match self.spatial() {
            Spatial::Window { axes, .. } => axes,
            _ => 2,
        }
    }

    /// Windows of any rank: what `p` pads and `s` strides.
    pub fn slides(self) -> bool {
        matches!(self.spatial(), Spatial::Window { .. })
    }

    /// Convolutions of any rank: what `P` and `S` reach.
    pub fn convolves(self) -> bool {
        matches!(self.spatial(), Spatial::Window { pool: None, .. })
    }

    /// Pooling of any rank: its stride defaults to its window.
    pub fn pools(self) -> bool {
        matches!(self.spatial(), Spatial::Window { pool: Some(_), .. })
    }

    /// Recurrent layers: a cell run over every position.
    pub fn is_recurrent(self) -> bool {
        crate::family::of(self).recurrent()
    }

    /// Conv and dense layers may carry an `activation` shorthand, and a
    /// merge may apply one after it sums or joins its branches.
    pub fn carries_activation(self) -> bool {
        crate::family::of(self).carries_activation()
    }

    /// `add` and `concat`: branches that each see the input, then meet.
    pub fn is_merge(self) -> bool {
        matches!(self.spatial(), Spatial::Merge(_))
    }

    /// Kinds that hold layers of their own: the merges and `block`.
    pub fn is_container(self) -> bool {
        matches!(self.spatial(), Spatial::Merge(_) | Spatial::Block)
    }

    /// Conv and pooling layers slide a window over the image.
    pub fn has_window(self) -> bool {
        matches!(self.spatial(), Spatial::Window { axes: 2, .. })
    }
}

/// A layer's `Extra`, shared with other layers until one changes it: most
/// layers never set these (a ReLU, a convolution), and a 100,000-layer
/// network then holds one copy of their defaults, not 100,000 (256 bytes
/// each). Reads see the settings; a write copies them first, for this
/// layer alone.
#[derive(Clone, Debug, PartialEq)]
pub struct Shared(std::sync::Arc<Extra>);

impl Default for Shared {
    fn default() -> Shared {
        static DEFAULTS: std::sync::LazyLock<std::sync::Arc<Extra>> =
            std::sync::LazyLock::new(|| std::sync::Arc::new(Extra::defaults()));
        Shared(std::sync::Arc::clone(&DEFAULTS))
    }
}

impl From<Extra> for Shared {
    fn from(extra: Extra) -> Shared {
        Shared(std::sync::Arc::new(extra))
    }
}

impl std::ops::Deref for Shared {
    type Target = Extra;
    fn deref(&self) -> &Extra {
        &self.0
    }
}

impl std::ops::DerefMut for Shared {
    fn deref_mut(&mut self) -> &mut Extra {
        std::sync::Arc::make_mut(&mut self.0)
    }
}

impl Extra {
    /// What a new layer starts with.
    fn defaults() -> Extra {
        let size = |n: u64| Size::new(n).unwrap_or(Size::ONE);
        Extra {
            depth: Depth {
                kernel: 3,
                stride: None,
                padding: 0,
                dilation: 1,
            },
            vocab: Size::new(1000).unwrap_or(Size::ONE),
            dim: Size::new(64).unwrap_or(Size::ONE),
            max_len: Size::new(512).unwrap_or(Size::ONE),
            types: 0,
            heads: Size::new(8).unwrap_or(Size::ONE),
            causal: false,
            ff: Size::new(2048).unwrap_or(Size::ONE),
            hidden: Size::new(128).unwrap_or(Size::ONE),
            num_layers: Size::ONE,
            bidirectional: false,
            tied: false,
            slope: 0.01,
            tanh: false,
            per_channel: false,
            affine: true,
            over_channels: false,
            kv_heads: None,
            head_dim: None,
            out_bias: None,
            qk_norm: false,
            qk_norm_all: false,
            rope: false,
            window: None,
            size: None,
            proj: None,
            inputs: None,
            experts: size(8),
            top_k: 2,
            gated: true,
            shared_experts: 0,
            height: size(1),
            width: size(1),
            tokens: Size::ONE,
            factor: size(2),
            start: 0,
            end: 1,
            state: size(16),
            conv: size(4),
            expand: size(2),
            dt_rank: None,
            shared: false,
            weight: true,
        }
    }
}

/// One layer with all its settings. Fields its kind does not take keep their
/// defaults and are ignored, so changing a layer's kind never loses a value.
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    pub kind: Kind,
    pub filters: Size,
    pub units: Size,
    pub kernel: Hw,
    /// `None` means the kind's default: 1 for conv, the window for pooling.
    pub stride: Option<Hw>,
    pub padding: Padding,
    pub dilation: Hw,
    pub groups: Size,
    pub bias: bool,
    pub ceil_mode: bool,
    pub rate: f64,
    pub activation: Option<Activation>,
    /// `conv_transpose2d`: rows and columns added to one side of the output.
    pub output_padding: Hw,
    /// `upsample`: how many times larger, and how.
    pub scale: Hw,
    pub mode: UpsampleMode,
    /// Adaptive pooling: the output height and width, whatever the input.
    pub output: Hw,
    /// `zeropad`: zeros on each side.
    pub sides: Sides,
    /// A block's label, shown in the table.
    pub name: Option<String>,
    /// How many times a block's layers run one after another.
    pub repeat: Size,
    /// The settings only sequence, recurrent and 3-D kinds read, boxed:
    /// most layers never look at them, and every keystroke reads every
    /// layer of a 100,000-layer network.
    pub extra: Shared,
    /// What a container holds: a merge's branches (an empty branch is the
    /// identity), or a block's layers as its one branch.
    pub branches: Vec<Vec<Layer>>,
}

impl Layer {
    /// What this layer does to the positions of a map: its kind's rule,
    /// but an upsample to a fixed size sizes its output as an adaptive
    /// pool does (whatever comes), and reads pixels as one does.
    pub fn spatial(&self) -> Spatial {
        if self.kind == Kind::Upsample && self.extra.size.is_some() {
            return Spatial::Adaptive;
        }
        self.kind.spatial()
    }

    /// The output size a layer sized by itself gives (adaptive pools, an
    /// upsample to a fixed size).
    pub fn fixed_output(&self) -> Hw {
        self.extra.size.unwrap_or(self.output)
    }

    /// A layer of this kind with sensible settings for the "add" command
    /// (its family may change the shared defaults below).
    pub fn new(kind: Kind) -> Layer {
        let mut layer = Layer {
            kind,
            filters: Size::new(16).unwrap_or(Size::ONE),
            units: Size::new(64).unwrap_or(Size::ONE),
            kernel: Hw::square(3),
            stride: None,
            padding: Padding::Valid,
            dilation: Hw::square(1),
            groups: Size::ONE,
            bias: true,
            ceil_mode: false,
            rate: 0.5,
            activation: None,
            output_padding: Hw::square(0),
            scale: Hw::square(2),
            mode: UpsampleMode::Nearest,
            output: Hw::square(1),
            sides: Sides {
                top: 1,
                bottom: 1,
                left: 1,
                right: 1,
            },
            name: None,
            repeat: Size::ONE,
            extra: Shared::default(),
            branches: Vec::new(),
        };
        crate::family::of(kind).defaults(&mut layer);
        layer
    }

    /// The stride actually used, with the kind's default filled in.
    pub fn stride(&self) -> Hw {
        match self.stride {
            Some(s) => s,
            None if self.kind.pools() => self.kernel,
            None => Hw::square(1),
        }
    }

    /// A 3-D window's stride along depth, with the default filled in.
    pub fn depth_stride(&self) -> u64 {
        match self.extra.depth.stride {
            Some(s) => s,
            None if self.kind.pools() => self.extra.depth.kernel,
            None => 1,
        }
    }

    /// Sets the kernel (or pooling window) and nothing else. A pooling
    /// layer's default stride is its window, so an implicit stride is pinned
    /// first: growing a `maxpool 2×2 s2` gives `3×3 s2`, not `3×3 s3`.
    pub fn set_kernel(&mut self, kernel: Hw) {
        if self.stride.is_none() {
            self.stride = Some(self.stride());
        }
        self.kernel = kernel;
    }

    /// Sets a 3-D window's depth, pinning an implicit stride as `set_kernel` does.
    pub fn set_depth_kernel(&mut self, kernel: u64) {
        if self.extra.depth.stride.is_none() {
            self.extra.depth.stride = Some(self.depth_stride());
        }
        self.extra.depth.kernel = kernel;
    }

    /// A short description for tables: `conv 5×5 ×6 s1 p0 relu`.
    pub fn label(&self) -> String {
        crate::family::of(self.kind).label(self)
    }

    /// The layers inside a container (every branch, in order); none for
    /// other kinds.
    pub fn children(&self) -> impl Iterator<Item = &Layer> {
        self.branches.iter().flatten()
    }

    /// This layer and every layer inside it, depth first.
    pub fn walk(&self, f: &mut impl FnMut(&Layer)) {
        f(self);
        for child in self.children() {
            child.walk(f);
        }
    }

    /// How many containers deep this layer goes: 0 for a plain layer, 1
    /// for a container of plain layers, and so on.
    pub fn depth(&self) -> usize {
        match self.children().map(Layer::depth).max() {
            Some(d) => d + 1,
            None => usize::from(self.kind.is_container()),
        }
    }

    /// Layers in all, counting this one and everything inside it.
    pub fn count(&self) -> usize {
        1 + self.children().map(Layer::count).sum::<usize>()
    }
}

/// Whether `layers` hold at most `most` layers in all, those inside
/// containers too; stops counting once past it.
pub fn count_within(layers: &[Layer], most: usize) -> bool {
    fn walk(layers: &[Layer], left: &mut usize) -> bool {
        for layer in layers {
            let Some(l) = left.checked_sub(1) else {
                return false;
            };
            *left = l;
            if !layer.branches.iter().all(|b| walk(b, left)) {
                return false;
            }
        }
        true
    }
    let mut left = most;
    walk(layers, &mut left)
}

/// A setting of a layer, as named in files and in the editing form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Filters,
    Units,
    Kernel,
    Stride,
    Padding,
    Dilation,
    Groups,
    Bias,
    CeilMode,
    Rate,
    Activation,
    OutputPadding,
    Scale,
    Mode,
    Output,
    Top,
    Bottom,
    Left,
    Right,
    Name,
    Repeat,
    Vocab,
    Dim,
    MaxLen,
    Types,
    Heads,
    Causal,
    Ff,
    Hidden,
    Layers,
    Bidirectional,
    Tied,
    Slope,
    Approximate,
    PerChannel,
    Affine,
    Over,
    KvHeads,
    HeadDim,
    OutBias,
    QkNorm,
    Rope,
    Window,
    Inputs,
    Experts,
    TopK,
    Gated,
    SharedExperts,
    Height,
    Width,
    Tokens,
    Factor,
    Start,
    End,
    State,
    Conv,
    Expand,
    DtRank,
    Shared,
    Weight,
    Size,
    Proj,
}

/// A value as written in a file or typed into the form, before it is checked
/// against the field it is meant for.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Int(i64),
    Pair(i64, i64),
    /// Depth, height and width of a 3-D window.
    Triple(i64, i64, i64),
    Float(f64),
    Bool(bool),
    Word(String),
    /// A whole number beyond what a file can hold (past ±i64::MAX).
    OutOfRange,
    /// Something of another shape (a table, a long array): its TOML type name.
    Other(&'static str),
}

impl Value {
    /// Reads what a person typed into a form field: `5`, `5x3`, `[5, 3]`,
    /// `same`, `true`, `0.25`.
    pub fn parse_text(text: &str) -> Value {
        let t = text.trim();
        let t = t
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or(t);
        if let Ok(i) = t.parse::<i64>() {
            return Value::Int(i);
        }
        let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
        if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
            return Value::OutOfRange;
        }
        if let Ok(f) = t.parse::<f64>()
            && t.chars().any(|c| c.is_ascii_digit())
        {
            return Value::Float(f);
        }
        match t {
            "true" | "yes" | "on" => return Value::Bool(true),
            "false" | "no" | "off" => return Value::Bool(false),
            _ => {}
        }
        let inner = t
            .strip_prefix('[')
            .and_then(|s| s.strip_suffix(']'))
            .unwrap_or(t);
        let parts: Vec<&str> = inner
            .split(|c: char| c == ',' || c == 'x' || c == '×' || c == '*' || c.is_whitespace())
            .filter(|p| !p.is_empty())
            .collect();
        if let [a, b] = parts[..]
            && let (Ok(a), Ok(b)) = (a.parse(), b.parse())
        {
            return Value::Pair(a, b);
        }
        if let [a, b, c] = parts[..]
            && let (Ok(a), Ok(b), Ok(c)) = (a.parse(), b.parse(), c.parse())
        {
            return Value::Triple(a, b, c);
        }
        if t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !t.is_empty() {
            return Value::Word(t.to_ascii_lowercase());
        }
        Value::Other("text")
    }

    /// Reads a value from a parsed TOML file.
    pub fn from_toml(v: &toml::Value) -> Value {
        match v {
            toml::Value::Integer(i) => Value::Int(*i),
            toml::Value::Float(f) => Value::Float(*f),
            toml::Value::Boolean(b) => Value::Bool(*b),
            toml::Value::String(s) => Value::Word(s.clone()),
            toml::Value::Array(a) => match a.as_slice() {
                // A list of one is how PyTorch writes a 1-D window: `kernel_size=(5,)`.
                [toml::Value::Integer(n)] => Value::Int(*n),
                [toml::Value::Integer(h), toml::Value::Integer(w)] => Value::Pair(*h, *w),
                [
                    toml::Value::Integer(d),
                    toml::Value::Integer(h),
                    toml::Value::Integer(w),
                ] => Value::Triple(*d, *h, *w),
                _ => Value::Other("array"),
            },
            other => Value::Other(other.type_str()),
        }
    }
}

impl Field {
    /// The name in files and forms.
    pub fn name(self) -> &'static str {
        match self {
            Field::Filters => "filters",
            Field::Units => "units",
            Field::Kernel => "kernel",
            Field::Stride => "stride",
            Field::Padding => "padding",
            Field::Dilation => "dilation",
            Field::Groups => "groups",
            Field::Bias => "bias",
            Field::CeilMode => "ceil_mode",
            Field::Rate => "rate",
            Field::Activation => "activation",
            Field::OutputPadding => "output_padding",
            Field::Scale => "scale",
            Field::Mode => "mode",
            Field::Output => "output",
            Field::Top => "top",
            Field::Bottom => "bottom",
            Field::Left => "left",
            Field::Right => "right",
            Field::Name => "name",
            Field::Repeat => "repeat",
            Field::Vocab => "vocab",
            Field::Dim => "dim",
            Field::MaxLen => "max_len",
            Field::Types => "types",
            Field::Heads => "heads",
            Field::Causal => "causal",
            Field::Ff => "ff",
            Field::Hidden => "hidden",
            Field::Layers => "layers",
            Field::Bidirectional => "bidirectional",
            Field::Tied => "tied",
            Field::Slope => "slope",
            Field::Approximate => "approximate",
            Field::PerChannel => "per_channel",
            Field::Affine => "affine",
            Field::Over => "over",
            Field::KvHeads => "kv_heads",
            Field::HeadDim => "head_dim",
            Field::OutBias => "out_bias",
            Field::QkNorm => "qk_norm",
            Field::Rope => "rope",
            Field::Window => "window",
            Field::Proj => "proj",
            Field::Size => "size",
            Field::Inputs => "inputs",
            Field::Experts => "experts",
            Field::TopK => "top_k",
            Field::Gated => "gated",
            Field::SharedExperts => "shared_experts",
            Field::Height => "height",
            Field::Width => "width",
            Field::Tokens => "tokens",
            Field::Factor => "factor",
            Field::Start => "start",
            Field::End => "end",
            Field::State => "state",
            Field::Conv => "conv",
            Field::Expand => "expand",
            Field::DtRank => "dt_rank",
            Field::Shared => "shared",
            Field::Weight => "weight",
        }
    }

    /// Kernel, stride, dilation and padding: one number or one per axis.
    fn is_window(self) -> bool {
        matches!(
            self,
            Field::Kernel | Field::Stride | Field::Dilation | Field::Padding
        )
    }

    /// What the field accepts on a layer of `kind`, phrased to follow
    /// "must be": a 1-D window takes one number, a 3-D window one or three.
    pub fn expected_for(self, kind: Kind) -> String {
        match (self.is_window(), kind.window_axes(), self) {
            (true, 1, Field::Padding) => t!("layer-a-non-negative-integer-or-same"),
            (true, 1, _) => t!("layer-a-positive-integer"),
            (true, 3, Field::Padding) => t!("layer-a-non-negative-integer-d-h-w"),
            (true, 3, _) => t!("layer-a-positive-integer-or-d-h-w"),
            _ => self.expected(),
        }
    }

    /// What the field accepts, phrased to follow "must be".
    pub fn expected(self) -> String {
        match self {
            Field::Filters
            | Field::Units
            | Field::Groups
            | Field::Repeat
            | Field::Vocab
            | Field::Dim
            | Field::MaxLen
            | Field::Heads
            | Field::Ff
            | Field::Hidden
            | Field::Layers => t!("layer-a-positive-integer"),
            Field::Types => t!("layer-a-non-negative-integer"),
            Field::Kernel | Field::Stride | Field::Dilation | Field::Scale | Field::Output => {
                t!("layer-a-positive-integer-or-h")
            }
            Field::Padding => t!("layer-a-non-negative-integer-h"),
            Field::OutputPadding => t!("layer-a-non-negative-integer-or-h"),
            Field::Top | Field::Bottom | Field::Left | Field::Right => {
                t!("layer-a-non-negative-integer")
            }
            Field::Mode => t!("layer-nearest-or-bilinear"),
            Field::Name => t!("layer-one-line-of-text"),
            Field::Bias | Field::CeilMode | Field::Causal | Field::Bidirectional | Field::Tied => {
                t!("layer-true-or-false")
            }
            Field::Rate => t!("layer-a-number-from-0-up"),
            Field::Activation => t!("layer-one-of-relu-sigmoid-tanh"),
            Field::Experts
            | Field::Height
            | Field::Width
            | Field::Tokens
            | Field::Factor
            | Field::State
            | Field::Conv
            | Field::Expand => t!("layer-a-positive-integer"),
            Field::KvHeads | Field::HeadDim | Field::DtRank => {
                t!("layer-a-positive-integer-or-auto")
            }
            Field::Window | Field::Proj => t!("layer-a-positive-integer-or-none"),
            Field::Size => t!("layer-a-size-or-none"),
            Field::Inputs => t!("layer-a-positive-integer-or-any"),
            Field::TopK | Field::SharedExperts | Field::Start | Field::End => {
                t!("layer-a-non-negative-integer")
            }
            Field::PerChannel
            | Field::Affine
            | Field::OutBias
            | Field::Rope
            | Field::Gated
            | Field::Shared
            | Field::Weight => t!("layer-true-or-false"),
            Field::QkNorm => t!("layer-true-false-or-all"),
            Field::Slope => t!("layer-a-number"),
            Field::Approximate => t!("layer-none-or-tanh"),
            Field::Over => t!("layer-last-or-channels"),
        }
    }

    /// The current value as text for the form (and the table's detail pane).
    pub fn text(self, layer: &Layer) -> String {
        let x = &layer.extra;
        let auto =
            |n: Option<Size>, word: &str| n.map_or_else(|| word.to_string(), |n| n.to_string());
        match self {
            Field::Filters => layer.filters.to_string(),
            Field::Units => layer.units.to_string(),
            Field::Kernel => window_text(layer, layer.kernel, layer.extra.depth.kernel),
            Field::Stride => window_text(layer, layer.stride(), layer.depth_stride()),
            Field::Padding => match layer.padding {
                Padding::Valid => "valid".to_string(),
                Padding::Same => "same".to_string(),
                Padding::Explicit(p) => window_text(layer, p, layer.extra.depth.padding),
            },
            Field::Dilation => window_text(layer, layer.dilation, layer.extra.depth.dilation),
            Field::Groups => layer.groups.to_string(),
            Field::Bias => layer.bias.to_string(),
            Field::CeilMode => layer.ceil_mode.to_string(),
            Field::Rate => layer.rate.to_string(),
            Field::Activation => layer.activation.map_or("none", |a| a.name()).to_string(),
            Field::OutputPadding => layer.output_padding.to_string(),
            Field::Scale => layer.scale.to_string(),
            Field::Mode => layer.mode.name().to_string(),
            Field::Output => layer.output.to_string(),
            Field::Top => layer.sides.top.to_string(),
            Field::Bottom => layer.sides.bottom.to_string(),
            Field::Left => layer.sides.left.to_string(),
            Field::Right => layer.sides.right.to_string(),
            Field::Name => layer.name.clone().unwrap_or_default(),
            Field::Repeat => layer.repeat.to_string(),
            Field::Vocab => layer.extra.vocab.to_string(),
            Field::Dim => layer.extra.dim.to_string(),
            Field::MaxLen => layer.extra.max_len.to_string(),
            Field::Types => layer.extra.types.to_string(),
            Field::Heads => layer.extra.heads.to_string(),
            Field::Causal => layer.extra.causal.to_string(),
            Field::Ff => layer.extra.ff.to_string(),
            Field::Hidden => layer.extra.hidden.to_string(),
            Field::Layers => layer.extra.num_layers.to_string(),
            Field::Bidirectional => layer.extra.bidirectional.to_string(),
            Field::Tied => layer.extra.tied.to_string(),
            Field::Slope => x.slope.to_string(),
            Field::Approximate => if x.tanh { "tanh" } else { "none" }.to_string(),
            Field::PerChannel => x.per_channel.to_string(),
            Field::Affine => x.affine.to_string(),
            Field::Over => if x.over_channels { "channels" } else { "last" }.to_string(),
            Field::KvHeads => auto(x.kv_heads, "auto"),
            Field::HeadDim => auto(x.head_dim, "auto"),
            Field::OutBias => x.out_bias.unwrap_or(layer.bias).to_string(),
            Field::QkNorm if x.qk_norm && x.qk_norm_all => "all".to_string(),
            Field::QkNorm => x.qk_norm.to_string(),
            Field::Rope => x.rope.to_string(),
            Field::Window => auto(x.window, "none"),
            Field::Proj => auto(x.proj, "none"),
            Field::Size => x.size.map_or_else(|| "none".to_string(), |s| s.to_string()),
            Field::Inputs => auto(x.inputs, "any"),
            Field::Experts => x.experts.to_string(),
            Field::TopK => x.top_k.to_string(),
            Field::Gated => x.gated.to_string(),
            Field::SharedExperts => x.shared_experts.to_string(),
            Field::Height => x.height.to_string(),
            Field::Width => x.width.to_string(),
            Field::Tokens => x.tokens.to_string(),
            Field::Factor => x.factor.to_string(),
            Field::Start => x.start.to_string(),
            Field::End => x.end.to_string(),
            Field::State => x.state.to_string(),
            Field::Conv => x.conv.to_string(),
            Field::Expand => x.expand.to_string(),
            Field::DtRank => auto(x.dt_rank, "auto"),
            Field::Shared => x.shared.to_string(),
            Field::Weight => x.weight.to_string(),
        }
    }

    /// Whether two layers agree on this field.
    pub fn same(self, a: &Layer, b: &Layer) -> bool {
        match self {
            Field::Filters => a.filters == b.filters,
            Field::Units => a.units == b.units,
            Field::Kernel => a.kernel == b.kernel && a.extra.depth.kernel == b.extra.depth.kernel,
            Field::Stride => a.stride() == b.stride() && a.depth_stride() == b.depth_stride(),
            Field::Padding => {
                a.padding == b.padding && a.extra.depth.padding == b.extra.depth.padding
            }
            Field::Dilation => {
                a.dilation == b.dilation && a.extra.depth.dilation == b.extra.depth.dilation
            }
            Field::Groups => a.groups == b.groups,
            Field::Bias => a.bias == b.bias,
            Field::Size => a.extra.size == b.extra.size,
            Field::CeilMode => a.ceil_mode == b.ceil_mode,
            Field::Rate => a.rate == b.rate,
            Field::Activation => a.activation == b.activation,
            Field::OutputPadding => a.output_padding == b.output_padding,
            Field::Scale => a.scale == b.scale,
            Field::Mode => a.mode == b.mode,
            Field::Output => a.output == b.output,
            Field::Top => a.sides.top == b.sides.top,
            Field::Bottom => a.sides.bottom == b.sides.bottom,
            Field::Left => a.sides.left == b.sides.left,
            Field::Right => a.sides.right == b.sides.right,
            Field::Name => a.name == b.name,
            Field::Repeat => a.repeat == b.repeat,
            Field::Vocab => a.extra.vocab == b.extra.vocab,
            Field::Dim => a.extra.dim == b.extra.dim,
            Field::MaxLen => a.extra.max_len == b.extra.max_len,
            Field::Types => a.extra.types == b.extra.types,
            Field::Heads => a.extra.heads == b.extra.heads,
            Field::Causal => a.extra.causal == b.extra.causal,
            Field::Ff => a.extra.ff == b.extra.ff,
            Field::Hidden => a.extra.hidden == b.extra.hidden,
            Field::Layers => a.extra.num_layers == b.extra.num_layers,
            Field::Bidirectional => a.extra.bidirectional == b.extra.bidirectional,
            Field::Tied => a.extra.tied == b.extra.tied,
            Field::Slope
            | Field::Approximate
            | Field::PerChannel
            | Field::Affine
            | Field::Over
            | Field::KvHeads
            | Field::HeadDim
            | Field::OutBias
            | Field::QkNorm
            | Field::Rope
            | Field::Window
            | Field::Proj
            | Field::Inputs
            | Field::Experts
            | Field::TopK
            | Field::Gated
            | Field::SharedExperts
            | Field::Height
            | Field::Width
            | Field::Tokens
            | Field::Factor
            | Field::Start
            | Field::End
            | Field::State
            | Field::Conv
            | Field::Expand
            | Field::DtRank
            | Field::Shared
            | Field::Weight => self.text(a) == self.text(b),
        }
    }

    /// The value to write to a file, or `None` when it is the default and
    /// would only add noise.
    pub fn to_toml(self, layer: &Layer) -> Option<toml::Value> {
        use toml::Value as T;
        // Every way into an Hw comes from an i64 or is checked against it.
        let int = |n: u64| T::Integer(i64::try_from(n).unwrap_or(i64::MAX));
        let pair = |hw: Hw| {
            if hw.h == hw.w {
                int(hw.h)
            } else {
                T::Array(vec![int(hw.h), int(hw.w)])
            }
        };
        // A window setting: one number per axis of the kind's window.
        let window = |hw: Hw, depth: u64| match layer.kind.window_axes() {
            1 => int(hw.w),
            3 if hw.h == hw.w && depth == hw.h => int(hw.h),
            3 => T::Array(vec![int(depth), int(hw.h), int(hw.w)]),
            _ => pair(hw),
        };
        let d = &layer.extra.depth;
        let b = |on: bool| on.then_some(T::Boolean(true));
        match self {
            Field::Filters => Some(T::Integer(layer.filters.to_i64())),
            Field::Units => Some(T::Integer(layer.units.to_i64())),
            Field::Kernel => Some(window(layer.kernel, d.kernel)),
            Field::Stride => layer
                .stride
                .map(|s| window(s, layer.depth_stride()))
                .or_else(|| d.stride.map(|ds| window(layer.stride(), ds))),
            Field::Padding => match layer.padding {
                Padding::Valid => None,
                Padding::Same => Some(T::String("same".into())),
                Padding::Explicit(p) => Some(window(p, d.padding)),
            },
            Field::Dilation => {
                let (dil, axes) = (layer.dilation, layer.kind.window_axes());
                let dilated = match axes {
                    1 => dil.w != 1,
                    3 => dil != Hw::square(1) || d.dilation != 1,
                    _ => dil != Hw::square(1),
                };
                dilated.then(|| window(dil, d.dilation))
            }
            Field::Groups => (layer.groups != Size::ONE
                || layer.kind.required().contains(&Field::Groups))
            .then_some(T::Integer(layer.groups.to_i64())),
            // Written where it differs from the kind's (a layer scale has
            // no shift unless it says so).
            Field::Bias => {
                (layer.bias != Layer::new(layer.kind).bias).then_some(T::Boolean(layer.bias))
            }
            Field::CeilMode => layer.ceil_mode.then_some(T::Boolean(true)),
            Field::Rate => Some(T::Float(layer.rate)),
            // Written where it differs from the kind's (a mixture of experts
            // has SiLU unless it says otherwise, so it may say "none").
            Field::Activation => (layer.activation != Layer::new(layer.kind).activation)
                .then(|| T::String(layer.activation.map_or("none", |a| a.name()).into())),
            Field::OutputPadding => {
                (layer.output_padding != Hw::square(0)).then(|| pair(layer.output_padding))
            }
            Field::Scale => layer.extra.size.is_none().then(|| pair(layer.scale)),
            Field::Size => layer.extra.size.map(pair),
            Field::Mode => {
                (layer.mode != UpsampleMode::Nearest).then(|| T::String(layer.mode.name().into()))
            }
            Field::Output => Some(pair(layer.output)),
            Field::Top => Some(T::Integer(to_i64(layer.sides.top))),
            Field::Bottom => Some(T::Integer(to_i64(layer.sides.bottom))),
            Field::Left => Some(T::Integer(to_i64(layer.sides.left))),
            Field::Right => Some(T::Integer(to_i64(layer.sides.right))),
            Field::Name => layer.name.clone().map(T::String),
            Field::Repeat => (layer.repeat != Size::ONE).then(|| T::Integer(layer.repeat.to_i64())),
            Field::Vocab => Some(T::Integer(layer.extra.vocab.to_i64())),
            Field::Dim => Some(T::Integer(layer.extra.dim.to_i64())),
            Field::MaxLen => Some(T::Integer(layer.extra.max_len.to_i64())),
            Field::Types => (layer.extra.types > 0).then(|| int(layer.extra.types)),
            Field::Heads => Some(T::Integer(layer.extra.heads.to_i64())),
            Field::Causal => b(layer.extra.causal),
            Field::Ff => Some(T::Integer(layer.extra.ff.to_i64())),
            Field::Hidden => Some(T::Integer(layer.extra.hidden.to_i64())),
            Field::Layers => (layer.extra.num_layers != Size::ONE)
                .then(|| T::Integer(layer.extra.num_layers.to_i64())),
            Field::Bidirectional => b(layer.extra.bidirectional),
            Field::Tied => b(layer.extra.tied),
            // The newer settings are written where they differ from the
            // kind's default, and always where the kind requires them.
            Field::Slope
            | Field::Approximate
            | Field::PerChannel
            | Field::Affine
            | Field::Over
            | Field::KvHeads
            | Field::HeadDim
            | Field::OutBias
            | Field::QkNorm
            | Field::Rope
            | Field::Window
            | Field::Proj
            | Field::Inputs
            | Field::Experts
            | Field::TopK
            | Field::Gated
            | Field::SharedExperts
            | Field::Height
            | Field::Width
            | Field::Tokens
            | Field::Factor
            | Field::Start
            | Field::End
            | Field::State
            | Field::Conv
            | Field::Expand
            | Field::DtRank
            | Field::Shared
            | Field::Weight => {
                let x = &layer.extra;
                let required = layer.kind.required().contains(&self);
                // `out_bias` defaults to `bias`, not to a fixed value: it is
                // written where it differs from this layer's own `bias`.
                if self == Field::OutBias {
                    return x.out_bias.filter(|&o| o != layer.bias).map(T::Boolean);
                }
                if !required && self.same(layer, &Layer::new(layer.kind)) {
                    return None;
                }
                let opt = |n: Option<Size>| n.map(|n| T::Integer(n.to_i64()));
                match self {
                    Field::Slope => Some(T::Float(x.slope)),
                    Field::Approximate | Field::Over => Some(T::String(self.text(layer))),
                    Field::PerChannel => Some(T::Boolean(x.per_channel)),
                    Field::Affine => Some(T::Boolean(x.affine)),
                    Field::QkNorm if x.qk_norm && x.qk_norm_all => {
                        Some(T::String("all".to_string()))
                    }
                    Field::QkNorm => Some(T::Boolean(x.qk_norm)),
                    Field::Rope => Some(T::Boolean(x.rope)),
                    Field::Gated => Some(T::Boolean(x.gated)),
                    Field::Shared => Some(T::Boolean(x.shared)),
                    Field::Weight => Some(T::Boolean(x.weight)),
                    Field::KvHeads => opt(x.kv_heads),
                    Field::HeadDim => opt(x.head_dim),
                    Field::Window => opt(x.window),
                    Field::Proj => opt(x.proj),
                    Field::Inputs => opt(x.inputs),
                    Field::DtRank => opt(x.dt_rank),
                    Field::TopK => Some(int(x.top_k)),
                    Field::SharedExperts => Some(int(x.shared_experts)),
                    Field::Start => Some(int(x.start)),
                    Field::End => Some(int(x.end)),
                    Field::Experts => Some(T::Integer(x.experts.to_i64())),
                    Field::Height => Some(T::Integer(x.height.to_i64())),
                    Field::Width => Some(T::Integer(x.width.to_i64())),
                    Field::Tokens => Some(T::Integer(x.tokens.to_i64())),
                    Field::Factor => Some(T::Integer(x.factor.to_i64())),
                    Field::State => Some(T::Integer(x.state.to_i64())),
                    Field::Conv => Some(T::Integer(x.conv.to_i64())),
                    Field::Expand => Some(T::Integer(x.expand.to_i64())),
                    _ => None,
                }
            }
        }
    }

    /// Checks `value` for this field and stores it in `layer`. The error says
    /// what the field expects; the caller adds where (file line or form).
    pub fn set(self, layer: &mut Layer, value: &Value) -> Result<(), String> {
        if *value == Value::OutOfRange {
            return Err(t!("layer-field-too-large", field = self.name()));
        }
        let bad = || {
            t!(
                "layer-must-be",
                a1 = self.name().to_string(),
                a2 = self.expected_for(layer.kind).to_string()
            )
        };
        let positive = |i: i64| u64::try_from(i).ok().filter(|&n| n > 0);
        let pair = |v: &Value| match *v {
            Value::Int(i) => positive(i).map(Hw::square),
            Value::Pair(h, w) => Some(Hw {
                h: positive(h)?,
                w: positive(w)?,
            }),
            _ => None,
        };
        let non_negative_pair = |v: &Value| match *v {
            Value::Int(i) => u64::try_from(i).ok().map(Hw::square),
            Value::Pair(h, w) => Some(Hw {
                h: u64::try_from(h).ok()?,
                w: u64::try_from(w).ok()?,
            }),
            _ => None,
        };
        match self {
            Field::Filters
            | Field::Units
            | Field::Groups
            | Field::Repeat
            | Field::Vocab
            | Field::Dim
            | Field::MaxLen
            | Field::Heads
            | Field::Ff
            | Field::Hidden
            | Field::Layers => {
                let Value::Int(i) = *value else {
                    return Err(bad());
                };
                let n = Size::from_i64(i).ok_or_else(bad)?;
                *match self {
                    Field::Filters => &mut layer.filters,
                    Field::Units => &mut layer.units,
                    Field::Repeat => &mut layer.repeat,
                    Field::Vocab => &mut layer.extra.vocab,
                    Field::Dim => &mut layer.extra.dim,
                    Field::MaxLen => &mut layer.extra.max_len,
                    Field::Heads => &mut layer.extra.heads,
                    Field::Ff => &mut layer.extra.ff,
                    Field::Hidden => &mut layer.extra.hidden,
                    Field::Layers => &mut layer.extra.num_layers,
                    _ => &mut layer.groups,
                } = n;
            }
            Field::Types => {
                let Value::Int(i) = *value else {
                    return Err(bad());
                };
                layer.extra.types = u64::try_from(i).map_err(|_| bad())?;
            }
            Field::Causal | Field::Bidirectional | Field::Tied => {
                let Value::Bool(b) = *value else {
                    return Err(bad());
                };
                *match self {
                    Field::Causal => &mut layer.extra.causal,
                    Field::Bidirectional => &mut layer.extra.bidirectional,
                    _ => &mut layer.extra.tied,
                } = b;
            }
            Field::Scale => layer.scale = pair(value).ok_or_else(bad)?,
            Field::Size => {
                layer.extra.size = match value {
                    Value::Word(w) if w == "none" => None,
                    v => Some(pair(v).ok_or_else(bad)?),
                }
            }
            Field::Output => layer.output = pair(value).ok_or_else(bad)?,
            Field::OutputPadding => {
                layer.output_padding = non_negative_pair(value).ok_or_else(bad)?
            }
            Field::Top | Field::Bottom | Field::Left | Field::Right => {
                let Value::Int(i) = *value else {
                    return Err(bad());
                };
                let n = u64::try_from(i).map_err(|_| bad())?;
                let side = match self {
                    Field::Top => &mut layer.sides.top,
                    Field::Bottom => &mut layer.sides.bottom,
                    Field::Left => &mut layer.sides.left,
                    _ => &mut layer.sides.right,
                };
                *side = n;
            }
            Field::Mode => {
                layer.mode = match value {
                    Value::Word(w) if w == "nearest" => UpsampleMode::Nearest,
                    Value::Word(w) if w == "bilinear" => UpsampleMode::Bilinear,
                    _ => return Err(bad()),
                }
            }
            Field::Name => {
                let Value::Word(w) = value else {
                    return Err(bad());
                };
                if crate::text::first_control(w).is_some() {
                    return Err(bad());
                }
                layer.name = (!w.is_empty()).then(|| w.clone());
            }
            Field::Kernel | Field::Stride | Field::Dilation => {
                let (hw, depth) = window_value(layer.kind, value, 1).ok_or_else(bad)?;
                let d = &mut layer.extra.depth;
                match self {
                    Field::Kernel => layer.kernel = hw,
                    Field::Stride => layer.stride = Some(hw),
                    _ => layer.dilation = hw,
                }
                if let Some(depth) = depth {
                    match self {
                        Field::Kernel => d.kernel = depth,
                        Field::Stride => d.stride = Some(depth),
                        _ => d.dilation = depth,
                    }
                }
            }
            Field::Padding => match value {
                Value::Word(w) if w == "same" => layer.padding = Padding::Same,
                Value::Word(w) if w == "valid" => {
                    layer.padding = Padding::Valid;
                    layer.extra.depth.padding = 0;
                }
                _ => {
                    let (hw, depth) = window_value(layer.kind, value, 0).ok_or_else(bad)?;
                    layer.padding = Padding::Explicit(hw);
                    layer.extra.depth.padding = depth.unwrap_or(layer.extra.depth.padding);
                }
            },
            Field::Bias | Field::CeilMode => {
                let Value::Bool(b) = *value else {
                    return Err(bad());
                };
                if self == Field::Bias {
                    layer.bias = b;
                } else {
                    layer.ceil_mode = b;
                }
            }
            Field::Rate => {
                let r = match *value {
                    Value::Float(f) => f,
                    Value::Int(i) => i as f64,
                    _ => return Err(bad()),
                };
                if !(0.0..1.0).contains(&r) {
                    return Err(bad());
                }
                layer.rate = r;
            }
            Field::Activation => {
                let Value::Word(w) = value else {
                    return Err(bad());
                };
                layer.activation = match w.as_str() {
                    "none" | "linear" => None,
                    name => Some(Activation::from_name(name).ok_or_else(bad)?),
                };
            }
            Field::Experts
            | Field::Height
            | Field::Width
            | Field::Tokens
            | Field::Factor
            | Field::State
            | Field::Conv
            | Field::Expand => {
                let Value::Int(i) = *value else {
                    return Err(bad());
                };
                let n = Size::from_i64(i).ok_or_else(bad)?;
                let x = &mut layer.extra;
                *match self {
                    Field::Experts => &mut x.experts,
                    Field::Height => &mut x.height,
                    Field::Width => &mut x.width,
                    Field::Tokens => &mut x.tokens,
                    Field::Factor => &mut x.factor,
                    Field::State => &mut x.state,
                    Field::Conv => &mut x.conv,
                    _ => &mut x.expand,
                } = n;
            }
            Field::KvHeads
            | Field::HeadDim
            | Field::DtRank
            | Field::Window
            | Field::Inputs
            | Field::Proj => {
                let n = match value {
                    Value::Word(w) if w == "auto" || w == "none" || w == "any" => None,
                    &Value::Int(i) => Some(Size::from_i64(i).ok_or_else(bad)?),
                    _ => return Err(bad()),
                };
                let x = &mut layer.extra;
                *match self {
                    Field::KvHeads => &mut x.kv_heads,
                    Field::HeadDim => &mut x.head_dim,
                    Field::DtRank => &mut x.dt_rank,
                    Field::Inputs => &mut x.inputs,
                    Field::Proj => &mut x.proj,
                    _ => &mut x.window,
                } = n;
            }
            Field::TopK | Field::SharedExperts | Field::Start | Field::End => {
                let Value::Int(i) = *value else {
                    return Err(bad());
                };
                let n = u64::try_from(i).map_err(|_| bad())?;
                let x = &mut layer.extra;
                *match self {
                    Field::TopK => &mut x.top_k,
                    Field::SharedExperts => &mut x.shared_experts,
                    Field::Start => &mut x.start,
                    _ => &mut x.end,
                } = n;
            }
            // Per head (true) or over all heads (`all`).
            Field::QkNorm => {
                let (on, all) = match value {
                    Value::Bool(on) => (*on, false),
                    Value::Word(w) if w == "all" => (true, true),
                    _ => return Err(bad()),
                };
                layer.extra.qk_norm = on;
                layer.extra.qk_norm_all = all;
            }
            Field::PerChannel
            | Field::Affine
            | Field::OutBias
            | Field::Rope
            | Field::Gated
            | Field::Shared
            | Field::Weight => {
                let Value::Bool(on) = *value else {
                    return Err(bad());
                };
                let x = &mut layer.extra;
                match self {
                    Field::OutBias => x.out_bias = Some(on),
                    Field::PerChannel => x.per_channel = on,
                    Field::Affine => x.affine = on,
                    Field::Rope => x.rope = on,
                    Field::Gated => x.gated = on,
                    Field::Weight => x.weight = on,
                    _ => x.shared = on,
                }
            }
            Field::Slope => {
                let r = match *value {
                    Value::Float(f) if f.is_finite() => f,
                    Value::Int(i) => i as f64,
                    _ => return Err(bad()),
                };
                layer.extra.slope = r;
            }
            Field::Approximate => {
                layer.extra.tanh = match value {
                    Value::Word(w) if w == "tanh" => true,
                    Value::Word(w) if w == "none" => false,
                    _ => return Err(bad()),
                }
            }
            Field::Over => {
                layer.extra.over_channels = match value {
                    Value::Word(w) if w == "channels" => true,
                    Value::Word(w) if w == "last" => false,
                    _ => return Err(bad()),
                }
            }
        }
        Ok(())
    }
}

/// A window setting as `kind` takes it: one number for every axis, or one
/// per axis (height and width; depth, height and width for a 3-D window),
/// each at least `min`. Gives height × width and, where the value says it,
/// the depth.
fn window_value(kind: Kind, value: &Value, min: i64) -> Option<(Hw, Option<u64>)> {
    let n = |i: i64| u64::try_from(i).ok().filter(|_| i >= min);
    let axes = kind.window_axes();
    match (value, axes) {
        // Only a 3-D window has a depth; others leave it as it was, so a
        // layer read back from a file equals the one written.
        (&Value::Int(i), _) => n(i).map(|v| (Hw::square(v), (axes == 3).then_some(v))),
        (&Value::Pair(h, w), 2) => Some((Hw { h: n(h)?, w: n(w)? }, None)),
        (&Value::Triple(d, h, w), 3) => Some((Hw { h: n(h)?, w: n(w)? }, Some(n(d)?))),
        _ => None,
    }
}

/// A window setting as a form shows it: `5` for conv1d (its one axis is
/// the width), `3×3×3` or `3` for conv3d, `5×3` or `5` otherwise.
fn window_text(layer: &Layer, hw: Hw, depth: u64) -> String {
    match layer.kind.window_axes() {
        1 => hw.w.to_string(),
        3 if hw.h == hw.w && depth == hw.h => depth.to_string(),
        3 => format!("{depth}×{}×{}", hw.h, hw.w),
        _ => hw.to_string(),
    }
}

/// A count as a file's integer: every count layerlab holds came from one.
fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_text_reads_the_usual_spellings() {
        assert_eq!(Value::parse_text(" 5 "), Value::Int(5));
        assert_eq!(Value::parse_text("5x3"), Value::Pair(5, 3));
        assert_eq!(Value::parse_text("[5, 3]"), Value::Pair(5, 3));
        assert_eq!(Value::parse_text("5×3"), Value::Pair(5, 3));
        assert_eq!(Value::parse_text("same"), Value::Word("same".into()));
        assert_eq!(Value::parse_text("\"same\""), Value::Word("same".into()));
        assert_eq!(Value::parse_text("0.25"), Value::Float(0.25));
        assert_eq!(Value::parse_text("false"), Value::Bool(false));
        assert_eq!(Value::parse_text("5,"), Value::Other("text"));
        assert_eq!(Value::parse_text("99999999999999999999"), Value::OutOfRange);
    }

    #[test]
    fn fields_refuse_zero_negative_and_wrong_types() {
        let mut l = Layer::new(Kind::Conv2d);
        assert_eq!(
            Field::Stride.set(&mut l, &Value::Int(-1)).unwrap_err(),
            "`stride` must be a positive integer or [h, w]"
        );
        assert!(Field::Kernel.set(&mut l, &Value::Pair(3, 0)).is_err());
        assert_eq!(
            Field::Filters
                .set(&mut l, &Value::parse_text("9223372036854775808"))
                .unwrap_err(),
            "`filters` is too large: at most 9,223,372,036,854,775,807"
        );
        assert!(Field::Filters.set(&mut l, &Value::Float(2.5)).is_err());
        assert!(Field::Rate.set(&mut l, &Value::Float(1.0)).is_err());
        assert!(
            Field::Activation
                .set(&mut l, &Value::Word("swish".into()))
                .is_err()
        );
        assert_eq!(
            l,
            Layer::new(Kind::Conv2d),
            "a refused value changes nothing"
        );
        Field::Padding.set(&mut l, &Value::Int(0)).unwrap();
        assert_eq!(l.padding, Padding::Explicit(Hw::square(0)));
    }

    #[test]
    fn count_within_counts_inside_containers_and_stops_past_the_limit() {
        let block = Layer {
            branches: vec![vec![Layer::new(Kind::Relu); 3], vec![]],
            ..Layer::new(Kind::Add)
        };
        let layers = vec![block.clone(), Layer::new(Kind::Relu), block];
        let all: usize = layers.iter().map(Layer::count).sum();
        assert_eq!(all, 9);
        assert!(count_within(&layers, 9));
        assert!(!count_within(&layers, 8));
        assert!(count_within(&[], 0));
        assert!(!count_within(&layers, 0));
    }

    #[test]
    fn labels_show_the_key_settings() {
        let mut l = Layer::new(Kind::Conv2d);
        l.kernel = Hw::square(5);
        l.filters = Size::new(6).unwrap();
        l.stride = Some(Hw::square(1));
        l.padding = Padding::Explicit(Hw::square(0));
        l.activation = Some(Activation::Relu);
        assert_eq!(l.label(), "conv 5×5 ×6 s1 p0 relu");
        let pool = Layer::new(Kind::MaxPool);
        assert_eq!(pool.label(), "maxpool 2×2 s2 p0");
    }

    #[test]
    fn a_new_window_keeps_the_stride_it_had() {
        let mut pool = Layer::new(Kind::MaxPool);
        pool.set_kernel(Hw::square(3));
        assert_eq!(pool.label(), "maxpool 3×3 s2 p0");
        let mut conv = Layer::new(Kind::Conv2d);
        conv.set_kernel(Hw::square(5));
        assert_eq!(conv.stride(), Hw::square(1));
    }

    #[test]
    fn every_kind_round_trips_its_name() {
        for k in Kind::iter() {
            assert_eq!(Kind::from_name(k.name()), Some(k));
        }
    }
}
