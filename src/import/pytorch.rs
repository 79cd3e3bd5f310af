//! A PyTorch printout, `print(model)`: a tree of modules, one a line, each
//! with its constructor's arguments (`Conv2d(3, 64, kernel_size=(7, 7), …)`)
//! or its children (`(layer1): Sequential(` … `)`). A printout shows the
//! modules, not `forward`: the modules are taken in the order printed, and
//! what `forward` must have done between them is read off the numbers (a
//! `Linear` whose `in_features` is C·H·W of the map before it was given a
//! flatten). torchvision's residual blocks are known by name.

mod blocks;
mod recent;

use super::{ImportError, Imported, make, output_of};
use crate::layer::{Field, Kind, Layer, Value};
use crate::network::{Network, Shape};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};

/// One module of the printout.
#[derive(Clone, Debug)]
struct Node {
    /// The attribute name in its parent (`conv1`, `0`), empty for the root.
    name: String,
    class: String,
    /// The constructor's arguments as printed, for a module without children.
    args: String,
    children: Vec<Node>,
    /// 1-based line.
    line: usize,
    /// `(0-11): 12 x Block(` in newer PyTorch: the same module this many times.
    repeat: u64,
}

/// Containers whose forward runs their children in the order printed.
const IN_ORDER: &[&str] = &[
    "Sequential",
    "Conv2dNormActivation",
    "Conv3dNormActivation",
    "ConvNormActivation",
    "ConvBNActivation",
    "ConvBNReLU",
    "TransformerEncoder",
    // torchvision's Sequential subclasses and ModuleDicts run in order.
    "_DenseBlock",
    "_Transition",
    "MLPBlock",
    "MLP",
    "BottleneckTransform",
    "SimpleStemIN",
    "AnyStage",
    "CNBlockConfig",
    "ASPPConv",
    "DeepLabHead",
    "FCNHead",
    "IntermediateLayerGetter",
    "BasicStem",
    "R2Plus1dStem",
    "Conv2Plus1D",
    "TemporalSeparableConv",
    "RegStage",
    "MetaNeXtStage",
    "MlpClassifierHead",
    // timm's Mlp and ConvMlp: fc1, act, drop, norm, fc2 as printed.
    "Mlp",
    "ConvMlp",
    // timm's separable convolutions: depthwise, then pointwise, as printed.
    "SeparableConv2d",
    "PreSeparableConv2d",
    "ClassifierHead",
    // timm's conv, norm(-act) and anti-aliasing pool, as printed.
    "ConvNormAct",
    "ConvNormActAa",
    "OsaStage",
    "SeparableConvNormAct",
];

/// Models whose forward is their children in order, with only a flatten or
/// a global pool before the classifier (which the numbers reveal), or what
/// `forward_extras` adds.
const KNOWN_MODELS: &[&str] = &[
    "VGG",
    "AlexNet",
    "ResNet",
    "MobileNetV2",
    "MobileNetV3",
    "MNASNet",
    "EfficientNet",
    "RegNet",
    "ConvNeXt",
    "ShuffleNetV2",
    "SqueezeNet",
    "DenseNet",
    "VisionTransformer",
    "GoogLeNet",
    "FCN",
    "DeepLabV3",
    "Inception3",
    "VideoResNet",
    "S3D",
    "MetaNeXt",
    "XceptionAligned",
    "CspNet",
    "VovNet",
    "LeNet",
    "MlpMixer",
    "LRASPP",
];

/// Printed modules that hold no weights: a block may leave them unread.
const WEIGHTLESS: &[&str] = &[
    "Identity",
    // Empty containers (ShuffleNetV2's `branch1` in its later blocks).
    "Sequential",
    "ModuleList",
    "ModuleDict",
    "Dropout",
    "Dropout1d",
    "Dropout2d",
    "Dropout3d",
    "AlphaDropout",
    "DropPath",
    "DropBlock2d",
    "StochasticDepth",
    "ReLU",
    "ReLU6",
    "GELU",
    "GELUTanh",
    "SiLU",
    "Sigmoid",
    "Tanh",
    "Softmax",
    "LogSoftmax",
    "Hardswish",
    "Hardsigmoid",
    "Hardtanh",
    "Mish",
    "ELU",
    "SELU",
    "LeakyReLU",
    "Flatten",
    "Unflatten",
    "MaxPool1d",
    "MaxPool2d",
    "MaxPool3d",
    "AvgPool1d",
    "AvgPool2d",
    "AvgPool3d",
    "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d",
    "AdaptiveAvgPool3d",
    "AdaptiveMaxPool1d",
    "AdaptiveMaxPool2d",
    "AdaptiveMaxPool3d",
    "Upsample",
    "RadixSoftmax",
    "SelectSeq",
    "Permute",
    "ChannelShuffle",
    "PixelShuffle",
    "ZeroPad2d",
    "QuantStub",
    "DeQuantStub",
    "FloatFunctional",
];

/// The class of a Hugging Face transformers model, when the printout is
/// one: its root named as transformers names its heads, or modules only
/// transformers defines inside.
fn hugging_face(root: &Node) -> Option<String> {
    const HEADS: &[&str] = &[
        "ForCausalLM",
        "LMHeadModel",
        "ForMaskedLM",
        "ForSequenceClassification",
        "ForTokenClassification",
        "ForQuestionAnswering",
        "ForConditionalGeneration",
        "ForImageClassification",
    ];
    const MODULES: &[&str] = &[
        "GELUActivation",
        "NewGELUActivation",
        "SiLUActivation",
        "FastGELUActivation",
        "PytorchGELUTanh",
        "Conv1D",
    ];
    fn inside(node: &Node) -> bool {
        MODULES.contains(&node.class.as_str())
            || node.class.ends_with("RotaryEmbedding")
            || node.class.ends_with("DecoderLayer")
            || node.children.iter().any(inside)
    }
    let named = HEADS.iter().any(|h| root.class.ends_with(h));
    (named || inside(root)).then(|| root.class.clone())
}

/// The most copies a `12 x Block` line may stand for, and the most layers
/// an import may write: past them the import stops and says so. (Each
/// module's input is found by analysing what came before it, so an import
/// takes time growing with the square of its layers: 10,000 take seconds.)
pub(super) const MAX_COPIES: u64 = 10_000;
/// The deepest a printout may nest its modules (real models: under 20).
const MAX_DEPTH: usize = 200;
const MAX_LAYERS: usize = 10_000;

pub fn import(text: &str, input: Shape, name: &str) -> Result<Imported, Vec<ImportError>> {
    let root = parse(text)?;
    let mut ctx = Ctx {
        errors: Vec::new(),
        notes: BTreeMap::new(),
        header: vec![t!("import-from-pytorch", class = root.class.clone())],
        layers: 0,
        too_many: false,
        kept: Vec::new(),
        dual_path: None,
        carried: None,
        read: HashSet::new(),
    };
    let mut layers = Vec::new();
    if root.children.is_empty() {
        ctx.leaf(&root, input, &mut layers, &[]);
    } else {
        let class = root.class.as_str();
        let class = class.strip_prefix("Quantizable").unwrap_or(class);
        if !IN_ORDER.contains(&class) && !KNOWN_MODELS.contains(&class) {
            ctx.header
                .push(t!("import-unknown-model", class = root.class.clone()));
        }
        if root.class == "VisionTransformer" && Ctx::child(&root, "patch_embed").is_some() {
            // timm's: whether it has a class token, register tokens and a
            // position for each is in its constructor, not its printout.
            ctx.fail(&root, t!("import-timm-vit"));
        } else if root.class == "VisionTransformer" {
            ctx.vision_transformer(&root, input, &mut layers);
        } else if root.class == "LRASPP" {
            ctx.module_once(&root, input, &mut layers, &[]);
            ctx.forward_extras(&root, input, &mut layers);
        } else {
            for child in &root.children {
                // A segmentation model's auxiliary head is a second output.
                if child.name == "aux_classifier" {
                    ctx.header
                        .push(t!("import-second-output", name = child.name.clone()));
                    continue;
                }
                // timm's MLP-Mixer averages its tokens before the head
                // (global_pool="avg", its default), in forward.
                if root.class == "MlpMixer" && ["head_drop", "head"].contains(&child.name.as_str())
                {
                    ctx.token_mean(input, &mut layers);
                }
                ctx.module(child, input, &mut layers, &[]);
            }
            ctx.forward_extras(&root, input, &mut layers);
        }
    }
    if !ctx.errors.is_empty() {
        // A transformers model: its config.json says what the printout
        // cannot (tied embeddings, heads), and layerlab builds from it.
        if let Some(class) = hugging_face(&root) {
            let advice = ImportError {
                line: Some(root.line),
                message: t!("import-hugging-face", class = class),
            };
            ctx.errors.insert(0, advice);
        }
        return Err(ctx.errors);
    }
    let net = Network {
        layers,
        input,
        ..Network::empty(name)
    };
    // Each module was checked against what came before it, but a guess
    // (a pool implied before a Linear inside a block) can still leave a
    // layer that does not fit: refused, never written broken.
    let analysis = crate::engine::analyze(&net);
    let path = analysis.error_path();
    if let Some(crate::engine::Status::Error(problem)) =
        row_at(&analysis.rows, &path).map(|r| &r.status)
    {
        // Numbered as the table numbers its rows (5.1.4: the fourth
        // layer of branch 1 of the fifth).
        let at: Vec<String> = path.iter().map(|n| (n + 1).to_string()).collect();
        let message = t!(
            "import-does-not-compute",
            row = at.join("."),
            why = crate::words::problem(problem)
        );
        return Err(vec![ImportError {
            line: Some(root.line),
            message,
        }]);
    }
    Ok(Imported {
        net,
        notes: ctx.notes,
        header: ctx.header,
    })
}

/// The row at `path` (top index, then branch and index pairs).
fn row_at<'a>(rows: &'a [crate::engine::Row], path: &[usize]) -> Option<&'a crate::engine::Row> {
    let (&top, mut rest) = path.split_first()?;
    let mut row = rows.get(top)?;
    while let [branch, index, more @ ..] = rest {
        row = row.inner.get(*branch)?.get(*index)?;
        rest = more;
    }
    Some(row)
}

/// The printout as a tree, or what is wrong with its lines.
fn parse(text: &str) -> Result<Node, Vec<ImportError>> {
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let mut errors = Vec::new();
    let err = |line: usize, message: String| ImportError {
        line: Some(line),
        message,
    };
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let t = raw.trim();
        if t.is_empty() {
            continue;
        }
        if root.is_some() {
            errors.push(err(line, t!("import-after-the-end")));
            break;
        }
        if t == ")" {
            match stack.pop() {
                Some(done) => match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => root = Some(done),
                },
                None => errors.push(err(line, t!("import-unopened"))),
            }
            continue;
        }
        match header(t) {
            Some((name, repeat, class, rest)) => {
                let node = |args: &str| Node {
                    name: name.to_string(),
                    class: class.to_string(),
                    args: args.to_string(),
                    children: Vec::new(),
                    line,
                    repeat,
                };
                if rest.is_empty() {
                    // Deeper than any real model nests: refuse before the
                    // tree is deep enough to overflow the stack walking it.
                    if stack.len() >= MAX_DEPTH {
                        return Err(vec![err(line, t!("import-too-deep", max = MAX_DEPTH))]);
                    }
                    stack.push(node(""));
                } else if let Some(args) = closed(rest) {
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(node(args)),
                        None => root = Some(node(args)),
                    }
                } else {
                    errors.push(err(line, t!("import-unclosed-line", text = t.to_string())));
                }
            }
            // A module with both arguments and children prints its
            // arguments on lines of their own, first.
            None if stack.last().is_some_and(|n| n.children.is_empty()) => {
                let parent = stack.last_mut().expect("checked");
                if !parent.args.is_empty() {
                    parent.args.push_str(", ");
                }
                parent.args.push_str(t);
            }
            None => errors.push(err(line, t!("import-not-a-module", text = t.to_string()))),
        }
    }
    if let Some(open) = stack.first() {
        let last = stack.last().unwrap_or(open);
        errors.push(err(
            last.line,
            t!(
                "import-truncated",
                class = last.class.clone(),
                line = last.line.to_string()
            ),
        ));
    }
    match (root, errors.is_empty()) {
        (Some(root), true) => Ok(root),
        (None, true) => Err(vec![ImportError {
            line: None,
            message: t!("import-empty"),
        }]),
        _ => Err(errors),
    }
}

/// `(name): 12 x Class(rest` split up; the name and count are optional.
fn header(t: &str) -> Option<(&str, u64, &str, &str)> {
    let (name, t) = match t.strip_prefix('(') {
        Some(after) => {
            let (name, rest) = after.split_once("): ")?;
            (name, rest)
        }
        None => ("", t),
    };
    let (repeat, t) = match t.split_once(" x ") {
        Some((n, rest)) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => {
            (n.parse().ok()?, rest)
        }
        _ => (1, t),
    };
    let end = t.find('(')?;
    let class = &t[..end];
    if class.is_empty()
        || !class
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
    {
        return None;
    }
    Some((name, repeat, class, &t[end + 1..]))
}

/// The arguments of `rest` (what follows the class's `(`) when its closing
/// `)` ends the line.
fn closed(rest: &str) -> Option<&str> {
    let mut depth = 1i32;
    for (i, c) in rest.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return (i + 1 == rest.len()).then(|| &rest[..i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// A constructor's arguments: positional and by name, and which of them
/// the import has read, so that none is dropped without a word.
struct Args {
    positional: Vec<String>,
    named: Vec<(String, String)>,
    /// Positional ones first, then named.
    read: RefCell<Vec<bool>>,
}

/// Arguments that change no shape and no count (numerics, memory, the
/// order of a batch): a printout may show them, and they are not read.
const HARMLESS: &[&str] = &[
    "eps",
    "momentum",
    "track_running_stats",
    "inplace",
    "padding_idx",
    "max_norm",
    "norm_type",
    "scale_grad_by_freq",
    "sparse",
    "batch_first",
    "padding_mode",
    "align_corners",
    "recompute_scale_factor",
    "dim",
    "return_indices",
    "count_include_pad",
    "divisor_override",
    "alpha",
    "dropout",
    "nonlinearity",
    "init",
    "mode",
];

impl Args {
    fn of(text: &str) -> Args {
        let mut parts = Vec::new();
        let (mut depth, mut start) = (0i32, 0);
        for (i, c) in text.char_indices() {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(text[start..i].trim());
                    start = i + 1;
                }
                _ => {}
            }
        }
        parts.push(text[start..].trim());
        let mut args = Args {
            positional: Vec::new(),
            named: Vec::new(),
            read: RefCell::new(Vec::new()),
        };
        for p in parts.into_iter().filter(|p| !p.is_empty()) {
            match p.split_once('=') {
                Some((k, v)) if k.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                    args.named
                        .push((k.trim().to_string(), v.trim().to_string()));
                }
                _ => args.positional.push(p.to_string()),
            }
        }
        args.read = RefCell::new(vec![false; args.positional.len() + args.named.len()]);
        args
    }

    /// The argument called `key`, or else the `index`th positional one.
    fn get(&self, key: &str, index: usize) -> Option<&str> {
        let at = match self.named.iter().position(|(k, _)| k == key) {
            Some(i) => self.positional.len() + i,
            None if index < self.positional.len() => index,
            None => return None,
        };
        self.read.borrow_mut()[at] = true;
        match at.checked_sub(self.positional.len()) {
            Some(i) => Some(self.named[i].1.as_str()),
            None => Some(self.positional[at].as_str()),
        }
    }

    /// The arguments shown but not read, as printed (`proj_size=32`).
    fn unread(&self) -> Vec<String> {
        let read = self.read.borrow();
        let positional = self.positional.iter().enumerate();
        let named = self.named.iter().enumerate();
        positional
            .filter(|(i, _)| !read[*i])
            .map(|(_, p)| p.clone())
            .chain(
                named
                    .filter(|(i, (k, _))| {
                        !read[self.positional.len() + i] && !HARMLESS.contains(&k.as_str())
                    })
                    .map(|(_, (k, v))| format!("{k}={v}")),
            )
            .collect()
    }

    fn named(&self, key: &str) -> Option<&str> {
        self.get(key, usize::MAX)
    }
}

/// The numbers of `(7, 7)`, `(7,)`, `7` or `[7, 7]`.
fn numbers(text: &str) -> Option<Vec<i64>> {
    let inner = text
        .trim()
        .trim_matches(|c| c == '(' || c == ')' || c == '[' || c == ']');
    inner
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            // `2.0` is a whole number; a float past 2^53 is not exact, and
            // is refused rather than rounded.
            p.parse::<i64>().ok().or_else(|| {
                p.parse::<f64>()
                    .ok()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0)
                    .map(|f| f as i64)
            })
        })
        .collect()
}

/// A window setting as layerlab writes it: one number, `[h, w]`, `[d, h, w]`.
fn window_value(text: &str, axes: usize) -> Option<Value> {
    let n = numbers(text)?;
    match (n.as_slice(), axes) {
        ([a], _) => Some(Value::Int(*a)),
        ([a, b], 2) if a == b => Some(Value::Int(*a)),
        ([a, b], 2) => Some(Value::Pair(*a, *b)),
        ([a, b, c], 3) if a == b && b == c => Some(Value::Int(*a)),
        ([a, b, c], 3) => Some(Value::Triple(*a, *b, *c)),
        _ => None,
    }
}

fn boolean(text: &str) -> Option<bool> {
    match text.trim() {
        "True" => Some(true),
        "False" => Some(false),
        _ => None,
    }
}

/// A norm with a learned scale but no shift (`bias=False`) has counts
/// layerlab's group and instance norms do not (C, not 2C).
fn no_shift_alone(affine: bool, bias: bool) -> Result<(), String> {
    if affine && !bias {
        return Err(t!("import-norm-no-bias"));
    }
    Ok(())
}

/// What is being built: errors and notes, as the modules are read.
struct Ctx {
    errors: Vec<ImportError>,
    notes: BTreeMap<Vec<usize>, String>,
    header: Vec<String>,
    /// Layers written so far, and whether `MAX_LAYERS` was passed.
    layers: usize,
    too_many: bool,
    /// Where in `errors` a module was still read (a shape that does not
    /// fit): while every error is one of these, the layers after are checked.
    kept: Vec<usize>,
    /// DPN's residual width, set by a stage's first (projecting)
    /// `DualPathBlock` for the blocks after it, whose printout cannot say it.
    dual_path: Option<u64>,
    /// SelecSLS's x, the first part of the [x | skip] its blocks carry:
    /// what its `SelectSeq` takes.
    carried: Option<u64>,
    /// The lines of the modules read so far: a block's child holding
    /// weights that none of its reading touched is an error.
    read: HashSet<usize>,
}

impl Ctx {
    fn fail(&mut self, node: &Node, message: String) {
        self.errors.push(ImportError {
            line: Some(node.line),
            message,
        });
    }

    /// Appends `layer` to `list` (whose path is `base`), with its note.
    fn push(&mut self, list: &mut Vec<Layer>, base: &[usize], layer: Layer, note: Option<String>) {
        self.layers += 1;
        super::push_noted(&mut self.notes, list, base, layer, note);
    }

    /// Appends what `node` computes to `list`, which starts from `input`.
    fn module(&mut self, node: &Node, input: Shape, list: &mut Vec<Layer>, base: &[usize]) {
        if node.repeat > MAX_COPIES {
            let n = node.repeat.to_string();
            return self.fail(node, t!("import-too-many-copies", n = n, max = MAX_COPIES));
        }
        for _ in 0..node.repeat {
            if self.layers >= MAX_LAYERS {
                if !self.too_many {
                    self.too_many = true;
                    self.fail(node, t!("import-too-many-layers", max = MAX_LAYERS));
                }
                return;
            }
            self.module_once(node, input, list, base);
        }
    }

    /// The parameters of `node` read on its own from `input`, for a part
    /// the table leaves out but the framework counts; `None` when it
    /// cannot be read.
    fn aside(&self, node: &Node, input: Shape) -> Option<u64> {
        let mut ctx = Ctx {
            errors: Vec::new(),
            notes: BTreeMap::new(),
            header: Vec::new(),
            layers: 0,
            too_many: false,
            kept: Vec::new(),
            dual_path: None,
            carried: None,
            read: HashSet::new(),
        };
        let mut layers = Vec::new();
        for child in &node.children {
            ctx.module(child, input, &mut layers, &[]);
        }
        let net = Network {
            layers,
            input,
            ..Network::empty("aside")
        };
        let params = crate::engine::analyze(&net).totals.params;
        ctx.errors.is_empty().then_some(params).flatten()
    }

    /// What a known model's `forward` does after its children that the
    /// printout cannot show: DenseNet's final ReLU, SqueezeNet's flatten.
    fn forward_extras(&mut self, root: &Node, input: Shape, list: &mut Vec<Layer>) {
        let out = output_of(input, list);
        match root.class.as_str() {
            // S3D's forward ends with the mean of its classifier's map.
            "S3D" if out.is_some_and(|s| matches!(s, Shape::Volume { .. })) => {
                let note = t!("import-forward-mean");
                self.push(list, &[], Layer::new(Kind::GlobalAvgPool), Some(note));
            }
            "SqueezeNet" | "QuantizableSqueezeNet"
                if out.is_some_and(|s| !matches!(s, Shape::Flat(_))) =>
            {
                let note = t!("import-forward-flatten");
                self.push(list, &[], Layer::new(Kind::Flatten), Some(note));
            }
            // Segmentation: forward scales the classifier's map back up to
            // the input's size (bilinear), which a printout does not show.
            "FCN" | "DeepLabV3" | "LRASPP" => match (input, out) {
                (Shape::Image { h, w, .. }, Some(Shape::Image { h: oh, w: ow, .. }))
                    if oh > 0 && ow > 0 && h % oh == 0 && w % ow == 0 =>
                {
                    let (sh, sw) = (h / oh, w / ow);
                    let scale = if sh == sw {
                        Value::Int(i64::try_from(sh).unwrap_or(1))
                    } else {
                        Value::Pair(
                            i64::try_from(sh).unwrap_or(1),
                            i64::try_from(sw).unwrap_or(1),
                        )
                    };
                    let up = make(
                        Kind::Upsample,
                        &[
                            (Field::Scale, scale),
                            (Field::Mode, Value::Word("bilinear".into())),
                        ],
                    );
                    match up {
                        Ok(up) => self.push(list, &[], up, Some(t!("import-forward-upsample"))),
                        Err(e) => self.fail(root, e),
                    }
                }
                _ => self.fail(root, t!("import-forward-resize")),
            },
            _ => {}
        }
    }

    pub(super) fn module_once(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        self.read.insert(node.line);
        let errors = self.errors.len();
        self.module_read(node, input, list, base);
        // What layerlab knows of a block's forward must have read every
        // child that holds weights: one left unread would be counted short
        // without a word. (After an error its children are not looked at.)
        if !node.children.is_empty() && self.errors.len() == errors {
            self.unread(node);
        }
    }

    /// Children of `node` that hold weights and that nothing read: each
    /// an error naming it, once.
    fn unread(&mut self, node: &Node) {
        for child in &node.children {
            if self.read.contains(&child.line) {
                continue;
            }
            if !child.children.is_empty() {
                self.unread(child);
            } else if !WEIGHTLESS.contains(&child.class.as_str()) {
                self.read.insert(child.line);
                let message = t!(
                    "import-child-unread",
                    class = child.class.clone(),
                    block = node.class.clone()
                );
                self.fail(child, message);
            }
        }
    }

    /// `node` and all it holds, read by a handler from their printed
    /// arguments (or left out and said so).
    pub(super) fn mark_read(&mut self, node: &Node) {
        self.read.insert(node.line);
        for child in &node.children {
            self.mark_read(child);
        }
    }

    fn module_read(&mut self, node: &Node, input: Shape, list: &mut Vec<Layer>, base: &[usize]) {
        // torchvision's quantizable models are its float ones with stubs
        // and FloatFunctionals: known by their children like the rest.
        let class = node.class.as_str();
        match class.strip_prefix("Quantizable").unwrap_or(class) {
            // FasterNet's, not torchvision's Sequential of that name.
            "MLPBlock" if Self::has(node, &["mlp", "spatial_mixing"]) => {
                self.faster_block(node, input, list, base)
            }
            c if IN_ORDER.contains(&c) || c == "ModuleList" => {
                for child in &node.children {
                    self.module(child, input, list, base);
                }
            }
            "BasicBlock" | "Bottleneck" if Self::has(node, &["conv1", "bn1", "act1"]) => {
                self.timm_residual(node, input, list, base)
            }
            "BasicBlock" | "Bottleneck" if Self::has(node, &["conv1", "bn1", "conv2"]) => {
                self.residual(node, input, list, base)
            }
            "Bottleneck" if Self::has(node, &["conv1", "conv2", "se", "conv3", "act3"]) => {
                self.timm_regnet(node, input, list, base)
            }
            "PreBottleneck" if Self::has(node, &["norm1", "conv1", "norm2", "conv2", "conv3"]) => {
                self.timm_regnet(node, input, list, base)
            }
            // torchvision's video blocks: each convN a Sequential of its
            // convolution, norm (and ReLU), the same forward otherwise.
            "BasicBlock" | "Bottleneck"
                if Self::has(node, &["conv1", "conv2", "relu"])
                    && Self::child(node, "conv1").is_some_and(|c| !c.children.is_empty()) =>
            {
                self.residual(node, input, list, base)
            }
            "InvertedResidual" | "MBConv" | "FusedMBConv"
                if Self::child(node, "conv")
                    .or(Self::child(node, "block"))
                    .is_some() =>
            {
                self.inverted(node, input, list, base)
            }
            "InvertedResidual" if Self::has(node, &["branch2"]) => {
                self.shuffle_unit(node, input, list, base)
            }
            "MultiheadAttention" => self.attention(node, input, list, base),
            "SqueezeExcitation" if Self::has(node, &["avgpool", "fc1", "fc2"]) => {
                self.squeeze_excitation(node, input, list, base)
            }
            "ResBottleneckBlock" if Self::has(node, &["f"]) => {
                self.res_bottleneck(node, input, list, base)
            }
            "Fire" if Self::has(node, &["squeeze", "expand1x1", "expand3x3"]) => {
                self.fire(node, input, list, base)
            }
            // torchvision's, and timm's (its norms carry their ReLU).
            "_DenseLayer" | "DenseLayer" if Self::has(node, &["norm1", "conv1", "conv2"]) => {
                self.dense_layer(node, input, list, base)
            }
            "CNBlock" => self.cn_block(node, input, list, base),
            "SEModule" | "SqueezeExcite" if !node.children.is_empty() => {
                self.timm_se(node, input, list, base)
            }
            "InvertedResidual" | "DepthwiseSeparableConv"
                if Self::has(node, &["conv_dw", "conv_pw"]) =>
            {
                self.timm_inverted(node, input, list, base)
            }
            "BatchNormAct2d" => self.norm_act(node, "BatchNorm2d", input, list, base),
            "GroupNormAct" => self.norm_act(node, "GroupNorm", input, list, base),
            "ConvNeXtBlock" if Self::has(node, &["conv_dw", "norm", "mlp"]) => {
                self.convnext_block(node, input, list, base)
            }
            "SelectAdaptivePool2d" => self.select_pool(node, input, list, base),
            "GhostModule"
                if Self::has(node, &["primary_conv", "cheap_operation"])
                    && node.children.len() == 2 =>
            {
                self.ghost_module(node, input, list, base)
            }
            "GhostModuleV2"
                if Self::has(node, &["primary_conv", "cheap_operation", "short_conv"]) =>
            {
                self.ghost_module_v2(node, input, list, base)
            }
            "GhostBottleneck" if Self::has(node, &["ghost1", "ghost2", "shortcut"]) => {
                self.ghost_bottleneck(node, input, list, base)
            }
            "BottleneckBlock" if Self::has(node, &["conv1_1x1", "conv2_kxk", "conv3_1x1"]) => {
                self.byob_bottleneck(node, input, list, base)
            }
            "BasicBlock" if Self::has(node, &["conv1_kxk", "conv2_kxk"]) => {
                self.byob_bottleneck(node, input, list, base)
            }
            "EdgeBlock" if Self::has(node, &["conv1_kxk", "conv2_1x1"]) => {
                self.byob_bottleneck(node, input, list, base)
            }
            "DarkBlock" if Self::has(node, &["conv1_1x1", "conv2_kxk"]) => {
                self.byob_bottleneck(node, input, list, base)
            }
            "MobileOneBlock" if Self::has(node, &["conv_kxk"]) => {
                self.mobileone_block(node, input, list, base)
            }
            "CrossStage" | "CrossStage3"
                if Self::has(
                    node,
                    &["conv_down", "conv_exp", "blocks", "conv_transition"],
                ) =>
            {
                self.cross_stage(node, input, list, base)
            }
            // CSPNet's: conv1–conv3 added to the input, then act3.
            "BottleneckBlock" if Self::has(node, &["conv1", "conv2", "conv3", "act3"]) => {
                self.timm_residual(node, input, list, base)
            }
            // CSPDarkNet's: conv1, attn and conv2 added to the input.
            "DarkBlock" if Self::has(node, &["conv1", "conv2"]) => {
                let names = Self::present(node, &["conv1", "attn", "conv2", "drop_path"]);
                self.beside_input(Kind::Add, node, &names, input, list, base)
            }
            // Flatten(start_dim=2) keeps the channels: [C, H·W], which is
            // to_tokens ([H·W, C]) swapped back by a second to_tokens.
            "Flatten"
                if node.children.is_empty()
                    && Args::of(&node.args).get("start_dim", 0) == Some("2")
                    && matches!(Args::of(&node.args).get("end_dim", 1), None | Some("-1"))
                    && matches!(
                        output_of(input, list),
                        Some(Shape::Image { .. } | Shape::Volume { .. })
                    ) =>
            {
                self.push(
                    list,
                    base,
                    Layer::new(Kind::ToTokens),
                    Some(t!("import-flatten-2")),
                );
                self.push(list, base, Layer::new(Kind::ToTokens), None);
            }
            // timm's StarReLU learns a scale and a bias of its own, which
            // its printout (a ReLU inside) does not show: said once.
            "StarReLU" if node.children.is_empty() || Self::has(node, &["relu"]) => {
                let note = self.unsaid(t!("import-star-relu"));
                self.push(list, base, Layer::new(Kind::StarRelu), note)
            }
            "BlurPool2d" | "LayerScale2d" | "LayerScale" | "Affine"
                if node.children.is_empty() && node.args.trim().is_empty() =>
            {
                let note = match class {
                    "BlurPool2d" => t!("import-blur-pool"),
                    "Affine" => t!("import-unprinted-affine-shift", class = node.class.clone()),
                    _ => t!("import-unprinted-scale", class = node.class.clone()),
                };
                self.leaf_noted(node, input, list, base, note)
            }
            "RmsNorm2d" if node.children.is_empty() && node.args.trim().is_empty() => {
                let note = t!("import-unprinted-affine", class = node.class.clone());
                self.leaf_noted(node, input, list, base, note)
            }
            "ScaledStdConv2d" | "ScaledStdConv2dSame" if node.children.is_empty() => {
                self.scaled_std_conv(node, input, list, base)
            }
            "NormFreeBlock" if Self::has(node, &["act1", "conv1", "conv3"]) => {
                self.norm_free_block(node, input, list, base)
            }
            // FastViT's PatchEmbed is a Sequential `proj` on the map alone.
            "PatchEmbed" if Self::child(node, "proj").is_some_and(|p| p.class == "Sequential") => {
                self.run(node, &["proj"], input, list, base)
            }
            "PatchEmbed" if Self::has(node, &["proj"]) => self.patch_embed(node, input, list, base),
            "MixerBlock" if Self::has(node, &["norm1", "mlp_tokens", "norm2", "mlp_channels"]) => {
                self.mixer_block(node, input, list, base)
            }
            "ResBlock" if Self::has(node, &["norm1", "linear_tokens", "norm2", "mlp_channels"]) => {
                self.mixer_block(node, input, list, base)
            }
            "EcaModule" | "EfficientChannelAttn" if Self::has(node, &["conv", "gate"]) => {
                self.eca(node, input, list, base)
            }
            "MixedConv2d" if !node.children.is_empty() => self.mixed_conv(node, input, list, base),
            // timm's legacy SENet blocks: their ReLU printed once, used after
            // each norm; the gate (`se_module`) before the sum.
            "SEResNetBottleneck" | "SEBottleneck" | "SEResNeXtBottleneck"
                if Self::has(node, &["conv1", "conv2", "conv3", "se_module", "relu"]) =>
            {
                let body = [
                    "conv1",
                    "bn1",
                    "relu",
                    "conv2",
                    "bn2",
                    "relu",
                    "conv3",
                    "bn3",
                    "se_module",
                ];
                self.residual_of(node, &body, &["relu"], input, list, base)
            }
            "SEResNetBlock" if Self::has(node, &["conv1", "conv2", "se_module", "relu"]) => {
                let body = ["conv1", "bn1", "relu", "conv2", "bn2", "se_module"];
                self.residual_of(node, &body, &["relu"], input, list, base)
            }
            "DlaTree" if Self::has(node, &["tree1", "tree2"]) => {
                self.dla_tree(node, input, list, base)
            }
            "PreActBottleneck" | "PreActBasic" if Self::has(node, &["norm1", "conv1", "conv2"]) => {
                let body = ["conv1", "norm2", "conv2", "norm3", "conv3", "drop_path"];
                self.pre_activated(node, "norm1", &body, input, list, base)
            }
            "DualPathBlock" if Self::has(node, &["c1x1_a", "c3x3_b", "c1x1_c"]) => {
                self.dual_path_block(node, input, list, base)
            }
            "Bottle2neck" if Self::has(node, &["conv1", "bn1", "convs", "bns", "conv3"]) => {
                self.bottle2neck(node, input, list, base)
            }
            "OsaBlock" if Self::has(node, &["conv_mid", "conv_concat"]) => {
                self.osa_block(node, input, list, base)
            }
            "XceptionModule" | "PreXceptionModule" if Self::has(node, &["stack"]) => {
                self.xception_module(node, input, list, base)
            }
            "InceptionDWConv2d" if Self::has(node, &["dwconv_hw", "dwconv_w", "dwconv_h"]) => {
                self.inception_dw(node, input, list, base)
            }
            "MetaNeXtBlock" if Self::has(node, &["token_mixer", "norm", "mlp"]) => {
                self.metanext_block(node, input, list, base)
            }
            "RepVggBlock" if Self::has(node, &["conv_kxk"]) => {
                self.repvgg_block(node, input, list, base)
            }
            "SplitAttn" if Self::has(node, &["conv", "fc1", "fc2", "rsoftmax"]) => {
                self.split_attn(node, input, list, base)
            }
            // ResNeSt's: its pools (`avd_first`, `avd_last`) are children,
            // printed where forward runs them.
            "ResNestBottleneck" if Self::has(node, &["conv1", "conv2", "conv3", "act3"]) => {
                let body = [
                    "conv1",
                    "bn1",
                    "act1",
                    "avd_first",
                    "conv2",
                    "bn2",
                    "drop_block",
                    "act2",
                    "avd_last",
                    "conv3",
                    "bn3",
                ];
                let body = Self::present(node, &body);
                self.residual_of(node, &body, &["act3"], input, list, base)
            }
            "SelectiveKernel" if Self::has(node, &["paths", "attn"]) => {
                self.selective_kernel(node, input, list, base)
            }
            "SelectiveKernelBasic" | "SelectiveKernelBottleneck"
                if Self::has(node, &["conv1", "conv2", "act"]) =>
            {
                let body = ["conv1", "conv2", "conv3", "se", "drop_path"];
                let body = Self::present(node, &body);
                self.residual_of(node, &body, &["act"], input, list, base)
            }
            "GlobalContext" if Self::has(node, &["gate"]) => {
                self.global_context(node, input, list, base)
            }
            "Block" if Self::has(node, &["dwconv", "f1", "f2", "g", "dwconv2"]) => {
                self.star_block(node, input, list, base)
            }
            "RepVitClassifier" | "DistilledHead" if Self::has(node, &["head"]) => {
                self.distilled_head(node, input, list, base)
            }
            "GluMlp" if Self::has(node, &["fc1", "act", "fc2"]) => {
                self.glu_mlp(node, input, list, base)
            }
            "LRASPP"
                if Self::has(node, &["backbone", "classifier"])
                    && Self::child(node, "classifier").is_some_and(|c| c.class == "LRASPPHead") =>
            {
                self.lraspp(node, input, list, base)
            }
            "HighPerfGpuBlock" if Self::has(node, &["layers", "aggregation"]) => {
                self.high_perf_block(node, input, list, base)
            }
            // HGNet's effective squeeze-excitation: a gate from the means.
            "EseModule" if Self::has(node, &["conv", "sigmoid"]) => {
                self.timm_se(node, input, list, base)
            }
            "SelecSlsBlock" if Self::has(node, &["conv1", "conv5", "conv6"]) => {
                self.selecsls_block(node, input, list, base)
            }
            "SelectSeq" if node.children.is_empty() && node.args.trim().is_empty() => {
                match self.carried.take().map(|x| blocks::slice(0, x)) {
                    Some(Ok(first)) => {
                        let note = t!("import-select-seq");
                        self.push(list, base, first, Some(note))
                    }
                    _ => self.fail(
                        node,
                        t!("import-unknown-module", class = node.class.clone()),
                    ),
                }
            }
            "ReparamLargeKernelConv" if Self::has(node, &["large_conv"]) => {
                let after = ["se", "act"];
                let branches = ["large_conv", "small_conv"];
                self.summed_branches(node, &branches, &after, input, list, base)
            }
            "RepConditionalPosEnc" if Self::has(node, &["pos_enc"]) => {
                self.summed_branches(node, &["pos_enc", ""], &[], input, list, base)
            }
            "RepMixer" if Self::has(node, &["norm", "mixer", "layer_scale"]) => {
                self.rep_mixer(node, input, list, base)
            }
            "RepMixerBlock" if Self::has(node, &["token_mixer", "mlp"]) => {
                self.rep_mixer_block(node, input, list, base)
            }
            "AttentionBlock" if Self::has(node, &["norm", "token_mixer", "mlp"]) => {
                self.fastvit_attention_block(node, input, list, base)
            }
            // MambaOut's channels-last parts.
            "Stem" if Self::has(node, &["conv1", "conv2", "norm2"]) => {
                self.mambaout_part(node, input, list, base)
            }
            // Its children in the order its forward runs them.
            "Downsample" | "DownsampleNormFirst"
                if Self::has(node, &["norm", "conv"])
                    && node.children.len() == 2
                    && Self::child(node, "norm").is_some_and(|n| n.class == "LayerNorm") =>
            {
                self.mambaout_part(node, input, list, base)
            }
            "GatedConvBlock" if Self::has(node, &["norm", "fc1", "conv", "fc2"]) => {
                self.gated_conv_block(node, input, list, base)
            }
            "MlpHead" | "ClNormMlpClassifierHead" if Self::has(node, &["norm", "fc"]) => {
                self.mlp_head(node, input, list, base)
            }
            "CspNextLayer"
                if Self::has(node, &["short_conv", "main_conv", "blocks", "final_conv"]) =>
            {
                self.csp_next_layer(node, input, list, base)
            }
            "SPPBottleneck" if Self::has(node, &["conv1", "poolings", "conv2"]) => {
                self.spp_bottleneck(node, input, list, base)
            }
            // Whether it adds its input is not printed (none in the last
            // stage): not added, said; the count is the same either way.
            "CspNextBlock" if Self::has(node, &["conv1", "conv2"]) => {
                let first = list.len();
                let names = Self::present(node, &["conv1", "conv2", "drop_path"]);
                self.run(node, &names, input, list, base);
                let note = t!("import-residual-unprinted", class = node.class.clone());
                if let (Some(note), true) = (self.unsaid(note), list.len() > first) {
                    self.notes.insert([base, &[first]].concat(), note);
                }
            }
            "GatedMlp" if Self::has(node, &["fc1", "gate", "fc2"]) => {
                self.gated_mlp(node, input, list, base)
            }
            // gMLP's: the gated MLP beside its input.
            "SpatialGatingBlock" if Self::has(node, &["norm", "mlp_channels"]) => {
                let names = Self::present(node, &["norm", "mlp_channels", "drop_path"]);
                self.beside_input(Kind::Add, node, &names, input, list, base)
            }
            "Partial_conv3" if Self::has(node, &["partial_conv3"]) => {
                self.partial_conv(node, input, list, base)
            }
            // FasterNet's stage prints `downsample` after `blocks`; its
            // forward runs it first.
            "Block" if Self::has(node, &["blocks", "downsample"]) && node.children.len() == 2 => {
                self.run(node, &["downsample", "blocks"], input, list, base)
            }
            "RepGhostModule" if Self::has(node, &["primary_conv", "cheap_operation"]) => {
                self.rep_ghost_module(node, input, list, base)
            }
            "RepGhostBottleneck" if Self::has(node, &["ghost1", "ghost2"]) => {
                self.rep_ghost_bottleneck(node, input, list, base)
            }
            "MetaFormerStage" if Self::has(node, &["downsample", "blocks"]) => {
                self.metaformer_stage(node, input, list, base)
            }
            "MetaFormerBlock" if Self::has(node, &["norm1", "token_mixer", "norm2", "mlp"]) => {
                self.metaformer_block(node, input, list, base)
            }
            "Inception" if Self::has(node, &["branch1", "branch2", "branch3", "branch4"]) => {
                self.inception(node, input, list, base)
            }
            "SepInceptionBlock3D"
                if Self::has(node, &["branch0", "branch1", "branch2", "branch3"]) =>
            {
                self.inception(node, input, list, base)
            }
            "InceptionA" | "InceptionB" | "InceptionC" | "InceptionD" | "InceptionE"
                if Self::child(node, "branch3x3")
                    .or(Self::child(node, "branch1x1"))
                    .or(Self::child(node, "branch3x3_1"))
                    .is_some() =>
            {
                self.inception_v3(node, input, list, base)
            }
            "ASPP" if Self::has(node, &["convs", "project"]) => self.aspp(node, input, list, base),
            "BasicConv2d" if Self::has(node, &["conv", "bn"]) => {
                self.basic_conv(node, input, list, base)
            }
            // GoogLeNet's side classifiers: its forward uses them only in
            // training, and the table is of inference.
            "InceptionAux" => {
                // Left out of the table, its count said below.
                self.mark_read(node);
                // Its forward first pools what it reads to 4×4 (GoogLeNet)
                // or 5×5 (Inception v3): its count follows from that.
                let first_conv = node.children.first().and_then(|c| {
                    let conv = Self::child(c, "conv").unwrap_or(c);
                    Args::of(&conv.args)
                        .get("in_channels", 0)?
                        .parse::<u64>()
                        .ok()
                });
                let side = if Self::child(node, "fc1").is_some() {
                    4
                } else {
                    5
                };
                let params = first_conv.and_then(|c| {
                    self.aside(
                        node,
                        Shape::Image {
                            c,
                            h: side,
                            w: side,
                        },
                    )
                });
                let note = t!(
                    "import-training-only",
                    name = node.name.clone(),
                    class = node.class.clone(),
                    params = params.map_or("?".into(), crate::units::thousands)
                );
                self.header.push(note);
            }

            "TransformerEncoderLayer" => self.encoder_layer(node, list, base),
            _ if node.children.is_empty() => self.leaf(node, input, list, base),
            // A module layerlab does not know: its children in the order
            // printed, and a note saying so on the first of them.
            // Settings of its own beside children: weights of its own that
            // the printout cannot show (timm's norm-and-activation modules).
            class if !node.args.is_empty() => self.fail(
                node,
                t!(
                    "import-own-settings",
                    class = class.to_string(),
                    args = node.args.clone()
                ),
            ),
            class => {
                let first = list.len();
                let errors = self.errors.len();
                for child in &node.children {
                    self.module(child, input, list, base);
                }
                self.does_not_chain(node, errors);
                if list.len() > first {
                    let mut path = base.to_vec();
                    path.push(first);
                    let note = t!("import-unknown-container", class = class.to_string());
                    self.notes.insert(path, note);
                }
            }
        }
    }

    /// A module layerlab does not know, read as its children in order,
    /// whose children do not fit one after another (errors from `since`
    /// on, past its first module): its forward does something else. One
    /// error, naming it, stands for theirs; the shapes after it are
    /// unknown, so none are checked.
    fn does_not_chain(&mut self, node: &Node, since: usize) {
        let inside: Vec<usize> = self.kept.iter().copied().filter(|&i| i >= since).collect();
        let Some(&first) = inside.first() else {
            return;
        };
        let (line, why) = {
            let e = &self.errors[first];
            (e.line.unwrap_or(node.line), e.message.clone())
        };
        // Its first child not fitting says its input was wrong: the cause
        // is outside it, in a block around it.
        if node.children.get(1).is_none_or(|second| line < second.line) {
            return;
        }
        let mut i = 0;
        self.errors.retain(|_| {
            i += 1;
            !inside.contains(&(i - 1))
        });
        self.kept.retain(|k| *k < since);
        let message = t!(
            "import-does-not-chain",
            class = node.class.clone(),
            line = line.to_string(),
            why = why
        );
        self.fail(node, message);
    }

    /// `node` lacks the child `name` that the block it is named for has.
    fn lacks(&mut self, node: &Node, name: &str) {
        let message = t!(
            "import-block-lacks",
            class = node.class.clone(),
            name = name.to_string()
        );
        self.fail(node, message);
    }

    /// The named child of `node`.
    fn child<'a>(node: &'a Node, name: &str) -> Option<&'a Node> {
        node.children.iter().find(|c| c.name == name)
    }

    /// torchvision's `BasicBlock` and `Bottleneck`: the body, added to the
    /// input or to its `downsample`, then a ReLU.
    fn residual(&mut self, node: &Node, input: Shape, list: &mut Vec<Layer>, base: &[usize]) {
        let video = Self::child(node, "bn1").is_none();
        let body: &[&str] = if video && node.class.ends_with("BasicBlock") {
            &["conv1", "conv2"]
        } else if video {
            &["conv1", "conv2", "conv3"]
        } else if node.class.ends_with("BasicBlock") {
            &["conv1", "bn1", "relu", "conv2", "bn2"]
        } else {
            &[
                "conv1", "bn1", "relu", "conv2", "bn2", "relu", "conv3", "bn3",
            ]
        };
        let here = output_of(input, list).unwrap_or(input);
        let mut path = base.to_vec();
        path.push(list.len());
        let mut branches = vec![Vec::new(), Vec::new()];
        let body_base = [path.clone(), vec![0]].concat();
        for name in body {
            match Self::child(node, name) {
                Some(c) => self.module(c, here, &mut branches[0], &body_base),
                None => self.lacks(node, name),
            }
        }
        if let Some(down) = Self::child(node, "downsample") {
            let skip_base = [path, vec![1]].concat();
            self.module(down, here, &mut branches[1], &skip_base);
            self.avg_down(&mut branches[1], &skip_base);
        }
        let mut add = Layer::new(Kind::Add);
        add.activation = Some(crate::layer::Activation::Relu);
        add.branches = branches;
        list.push(add);
    }

    /// torchvision's `InvertedResidual`: its `conv`, plus the input when
    /// the stride is 1 and the channels stay (as its `use_res_connect`).
    fn inverted(&mut self, node: &Node, input: Shape, list: &mut Vec<Layer>, base: &[usize]) {
        let Some(conv) = Self::child(node, "conv").or(Self::child(node, "block")) else {
            return self.lacks(node, "conv");
        };
        let here = output_of(input, list).unwrap_or(input);
        let mut path = base.to_vec();
        path.push(list.len());
        let mut body = Vec::new();
        self.module(conv, here, &mut body, &[path.clone(), vec![0]].concat());
        if let Some(depth) = Self::child(node, "stochastic_depth") {
            self.module(depth, here, &mut body, &[path.clone(), vec![0]].concat());
        }
        let strided = body
            .iter()
            .any(|l| l.kind == Kind::Conv2d && l.stride().h > 1);
        let kept = output_of(here, &body).is_some_and(|out| out == here);
        if !strided && kept {
            let mut add = Layer::new(Kind::Add);
            add.branches = vec![body, Vec::new()];
            list.push(add);
        } else {
            // No skip: the body's layers, in a block that keeps them together.
            let mut block = Layer::new(Kind::Block);
            block.branches = vec![body];
            list.push(block);
        }
    }

    /// `MultiheadAttention`: its printout shows only `out_proj`; the query,
    /// key and value projections are parameters of its own, counted by
    /// layerlab's `attention`.
    fn attention(&mut self, node: &Node, input: Shape, list: &mut Vec<Layer>, base: &[usize]) {
        // One layer holds all it prints (in_proj, out_proj).
        self.mark_read(node);
        let out = Self::child(node, "out_proj").map(|o| Args::of(&o.args));
        let bias = out
            .as_ref()
            .and_then(|a| a.named("bias").and_then(boolean))
            .unwrap_or(true);
        let dim = out
            .as_ref()
            .and_then(|a| a.get("in_features", 0)?.parse::<u64>().ok());
        let here = output_of(input, list);
        if let (Some(dim), Some(here)) = (dim, here)
            && here.last() != dim
        {
            return self.fail(
                node,
                t!(
                    "import-features",
                    want = dim.to_string(),
                    got = here.last().to_string()
                ),
            );
        }
        match make(
            Kind::Attention,
            &[
                (Field::Heads, Value::Int(1)),
                (Field::Bias, Value::Bool(bias)),
            ],
        ) {
            Ok(layer) => self.push(list, base, layer, Some(t!("import-heads-unknown"))),
            Err(e) => self.fail(node, e),
        }
    }

    /// `TransformerEncoderLayer`: self-attention and a feed-forward of
    /// `linear1`'s width, each with its norm, as layerlab's `transformer`.
    fn encoder_layer(&mut self, node: &Node, list: &mut Vec<Layer>, base: &[usize]) {
        // One layer holds all it prints (attention, feed-forward, norms).
        self.mark_read(node);
        let ff = Self::child(node, "linear1")
            .map(|l| Args::of(&l.args))
            .and_then(|a| a.get("out_features", 1).and_then(|v| v.parse::<i64>().ok()));
        match ff.map(|ff| {
            make(
                Kind::Transformer,
                &[(Field::Ff, Value::Int(ff)), (Field::Heads, Value::Int(1))],
            )
        }) {
            Some(Ok(layer)) => {
                let note = t!("import-heads-unknown");
                self.push(list, base, layer, Some(note));
            }
            Some(Err(e)) => self.fail(node, e),
            None => self.lacks(node, "linear1"),
        }
    }

    /// A module without children: its layer (or none, or what `forward`
    /// implied before it).
    pub(super) fn leaf(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        self.read.insert(node.line);
        let args = Args::of(&node.args);
        // Past a module that could not be read the shapes are unknown, and
        // checking them would list its consequences as problems.
        let here = if self.errors.len() == self.kept.len() {
            output_of(input, list)
        } else {
            None
        };
        let shown = format!("{}({})", node.class, node.args);
        let made = self.layer_for(node, &args, here, list, base);
        let unread = args.unread();
        match made {
            // Every argument shown is honoured, or the module is refused.
            Ok(_) if !unread.is_empty() => self.fail(
                node,
                t!(
                    "import-cannot-read",
                    module = shown,
                    why = t!("import-unread", args = unread.join(", "))
                ),
            ),
            Ok(Some((layer, note))) => self.push(list, base, layer, note),
            Ok(None) => {}
            Err(why) => {
                // What reads without the shape check did not fit what came
                // (16 channels where 8 come): it is still a layer, so the
                // layers after it are checked and each distinct problem is
                // listed, not only the first.
                let unchecked = match here {
                    Some(_) => (self.layer_for(node, &Args::of(&node.args), None, list, base))
                        .ok()
                        .flatten(),
                    None => None,
                };
                self.fail(node, t!("import-cannot-read", module = shown, why = why));
                if let Some((layer, note)) = unchecked {
                    self.kept.push(self.errors.len() - 1);
                    self.push(list, base, layer, note);
                }
            }
        }
    }

    /// The layer for `node`, with a note; `None` for what computes nothing
    /// (`Identity`). A `Linear` may first add what `forward` did to `list`.
    fn layer_for(
        &mut self,
        node: &Node,
        args: &Args,
        here: Option<Shape>,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) -> Result<Option<(Layer, Option<String>)>, String> {
        let int = |key: &str, index: usize| -> Result<i64, String> {
            let text = args
                .get(key, index)
                .ok_or_else(|| t!("import-missing-argument", key = key))?;
            text.parse::<i64>()
                .map_err(|_| t!("import-not-a-number", key = key, value = text.to_string()))
        };
        let window = |key: &str, index: usize, axes: usize| -> Result<Option<Value>, String> {
            match args.get(key, index) {
                None => Ok(None),
                Some(text) => window_value(text, axes)
                    .map(Some)
                    .ok_or_else(|| t!("import-not-a-number", key = key, value = text.to_string())),
            }
        };
        let flag = |key: &str, index: usize, default: bool| -> Result<bool, String> {
            match args.get(key, index) {
                None => Ok(default),
                Some(text) => boolean(text)
                    .ok_or_else(|| t!("import-not-a-flag", key = key, value = text.to_string())),
            }
        };
        let class = node.class.as_str();
        // Positions as the constructors take them: Conv2d(in, out, kernel,
        // stride, padding, dilation, groups, bias); ConvTranspose2d puts
        // output_padding before groups and dilation last.
        let conv_kind = match class {
            "Conv1d" => Some((Kind::Conv1d, 1)),
            // timm's weight-standardized convolutions count as Conv2d (the
            // standardizing has no weights; ScaledStdConv2d's gain is added
            // where it is read).
            "Conv2d"
            | "Conv2dSame"
            | "StdConv2d"
            | "StdConv2dSame"
            | "ScaledStdConv2d"
            | "ScaledStdConv2dSame" => Some((Kind::Conv2d, 2)),
            // torchvision's video ResNets subclass Conv3d, printing the same.
            "Conv3d" | "Conv3DSimple" | "Conv3DNoTemporal" => Some((Kind::Conv3d, 3)),
            "ConvTranspose2d" => Some((Kind::ConvTranspose2d, 2)),
            _ => None,
        };
        let pool_kind = match class {
            "MaxPool1d" => Some((Kind::MaxPool1d, 1)),
            "MaxPool2d" => Some((Kind::MaxPool, 2)),
            "MaxPool3d" => Some((Kind::MaxPool3d, 3)),
            "AvgPool1d" => Some((Kind::AvgPool1d, 1)),
            "AvgPool2d" => Some((Kind::AvgPool, 2)),
            "AvgPool3d" => Some((Kind::AvgPool3d, 3)),
            _ => None,
        };
        let channels_are = |key: &str, index: usize| -> Result<(), String> {
            let want = int(key, index)?;
            match here.map(Shape::channels) {
                Some(c) if i64::try_from(c).ok() != Some(want) => Err(t!(
                    "import-channels",
                    want = want.to_string(),
                    got = c.to_string()
                )),
                _ => Ok(()),
            }
        };
        let features_are = |key: &str, index: usize| -> Result<(), String> {
            let want = int(key, index)?;
            match here.map(|s| s.last()) {
                Some(e) if i64::try_from(e).ok() != Some(want) => Err(t!(
                    "import-features",
                    want = want.to_string(),
                    got = e.to_string()
                )),
                _ => Ok(()),
            }
        };
        // `(768,)`: the last dimension, which is all layerlab's norms take.
        let normalized = |index: usize| -> Result<(), String> {
            let text = args
                .get("normalized_shape", index)
                .ok_or_else(|| t!("import-missing-argument", key = "normalized_shape"))?;
            match (numbers(text).as_deref(), here) {
                (Some([n]), Some(h)) if u64::try_from(*n).ok() != Some(h.last()) => Err(t!(
                    "import-features",
                    want = n.to_string(),
                    got = h.last().to_string()
                )),
                (Some([_]), _) => Ok(()),
                _ => Err(t!("import-norm-shape", shape = text.to_string())),
            }
        };
        let layer = if let Some((kind, axes)) = conv_kind {
            channels_are("in_channels", 0)?;
            let transpose = kind == Kind::ConvTranspose2d;
            let (groups_at, bias_at, dilation_at) = if transpose { (6, 7, 8) } else { (6, 7, 5) };
            let mut settings = vec![
                (Field::Filters, Value::Int(int("out_channels", 1)?)),
                (Field::Bias, Value::Bool(flag("bias", bias_at, true)?)),
            ];
            let kernel = window("kernel_size", 2, axes)?
                .ok_or_else(|| t!("import-missing-argument", key = "kernel_size"))?;
            settings.push((Field::Kernel, kernel));
            for (key, at, field) in [
                ("stride", 3, Field::Stride),
                ("dilation", dilation_at, Field::Dilation),
                (
                    "output_padding",
                    if transpose { 5 } else { usize::MAX },
                    Field::OutputPadding,
                ),
            ] {
                if let Some(v) = window(key, at, axes)? {
                    settings.push((field, v));
                }
            }
            match args.get("padding", 4).map(|p| p.trim_matches('\'')) {
                Some("same") => settings.push((Field::Padding, Value::Word("same".into()))),
                Some("valid") | None => {}
                Some(_) => {
                    if let Some(v) = window("padding", 4, axes)? {
                        settings.push((Field::Padding, v));
                    }
                }
            }
            // timm's Conv2dSame pads as TensorFlow's "same" in forward.
            if class.ends_with("Conv2dSame") {
                settings.retain(|(f, _)| *f != Field::Padding);
                settings.push((Field::Padding, Value::Word("same".into())));
            }
            if args.get("groups", groups_at).is_some() {
                settings.push((Field::Groups, Value::Int(int("groups", groups_at)?)));
            }
            make(kind, &settings)?
        } else if let Some((kind, axes)) = pool_kind {
            let max = matches!(kind, Kind::MaxPool | Kind::MaxPool1d | Kind::MaxPool3d);
            let mut settings = Vec::new();
            let kernel = window("kernel_size", 0, axes)?
                .ok_or_else(|| t!("import-missing-argument", key = "kernel_size"))?;
            settings.push((Field::Kernel, kernel));
            // PyTorch prints `stride=None` for a stride left to the window.
            if args.get("stride", 1) != Some("None")
                && let Some(v) = window("stride", 1, axes)?
            {
                settings.push((Field::Stride, v));
            }
            if let Some(v) = window("padding", 2, axes)? {
                settings.push((Field::Padding, v));
            }
            if max
                && let Some(d) = args.get("dilation", 3)
                && numbers(d).is_none_or(|n| n.iter().any(|&x| x != 1))
            {
                return Err(t!("import-dilated-pool"));
            }
            if flag("ceil_mode", if max { 5 } else { 3 }, false)? {
                settings.push((Field::CeilMode, Value::Bool(true)));
            }
            make(kind, &settings)?
        } else {
            match class {
                "BatchNorm1d" | "BatchNorm2d" | "BatchNorm3d" => {
                    channels_are("num_features", 0)?;
                    make(
                        Kind::BatchNorm,
                        &[
                            (Field::Affine, Value::Bool(flag("affine", 3, true)?)),
                            (Field::Bias, Value::Bool(flag("bias", usize::MAX, true)?)),
                        ],
                    )?
                }
                // timm's GroupNorm1 (and …NoBias) is a GroupNorm of one
                // group, printed as one.
                "GroupNorm" | "GroupNorm1" | "GroupNorm1NoBias" => {
                    channels_are("num_channels", 1)?;
                    make(
                        Kind::GroupNorm,
                        &[
                            (Field::Groups, Value::Int(int("num_groups", 0)?)),
                            (Field::Affine, Value::Bool(flag("affine", 3, true)?)),
                            (Field::Bias, Value::Bool(flag("bias", 4, true)?)),
                        ],
                    )?
                }
                "InstanceNorm1d" | "InstanceNorm2d" | "InstanceNorm3d" => {
                    channels_are("num_features", 0)?;
                    no_shift_alone(flag("affine", 3, false)?, flag("bias", usize::MAX, true)?)?;
                    make(
                        Kind::InstanceNorm,
                        &[(Field::Affine, Value::Bool(flag("affine", 3, false)?))],
                    )?
                }
                // timm's LayerNormNoBias prints as a LayerNorm (bias=False).
                "LayerNorm" | "LayerNormNoBias" | "RMSNorm" => {
                    normalized(0)?;
                    let kind = if class != "RMSNorm" {
                        Kind::LayerNorm
                    } else {
                        Kind::RmsNorm
                    };
                    let mut settings = vec![(
                        Field::Affine,
                        Value::Bool(flag("elementwise_affine", 2, true)?),
                    )];
                    if kind == Kind::LayerNorm {
                        settings.push((Field::Bias, Value::Bool(flag("bias", 3, true)?)));
                    }
                    make(kind, &settings)?
                }
                // torchvision's and timm's LayerNorm2d: over the channels.
                // timm's prints nothing: its channels are what comes, and
                // its weight (affine=True, timm's default) is said where read.
                "RmsNorm2d" if node.args.trim().is_empty() => make(
                    Kind::RmsNorm,
                    &[(Field::Over, Value::Word("channels".into()))],
                )?,
                // ConvNeXt V2's: a scale and a shift per channel, printed
                // with no settings (its channels are what comes).
                "GlobalResponseNorm" if node.args.trim().is_empty() => Layer::new(Kind::Grn),
                // timm's LayerScale2d prints nothing: a weight per channel.
                // timm's LayerScale (channels last, or over tokens) too.
                "LayerScale2d" | "LayerScale" if node.args.trim().is_empty() => {
                    Layer::new(Kind::LayerScale)
                }
                // ResMLP's Affine: a scale and a shift per feature, unprinted.
                "Affine" if node.args.trim().is_empty() => {
                    make(Kind::LayerScale, &[(Field::Bias, Value::Bool(true))])?
                }
                // timm's anti-aliasing BlurPool2d: a fixed binomial filter
                // (no weights), stride 2 and padding (k − 1) / 2 by default,
                // which halves a side rounding up as a 3×3, stride-2,
                // padding-1 average pool does (its note says so).
                "BlurPool2d" if node.args.trim().is_empty() => make(
                    Kind::AvgPool,
                    &[
                        (Field::Kernel, Value::Int(3)),
                        (Field::Stride, Value::Int(2)),
                        (Field::Padding, Value::Int(1)),
                    ],
                )?,
                "LayerNorm2d" | "LayerNorm2dNoBias" => {
                    let text = args
                        .get("normalized_shape", 0)
                        .ok_or_else(|| t!("import-missing-argument", key = "normalized_shape"))?;
                    match (numbers(text).as_deref(), here.map(Shape::channels)) {
                        (Some([n]), Some(c)) if u64::try_from(*n).ok() != Some(c) => {
                            return Err(t!(
                                "import-channels",
                                want = n.to_string(),
                                got = c.to_string()
                            ));
                        }
                        (Some([_]), _) => {}
                        _ => return Err(t!("import-norm-shape", shape = text.to_string())),
                    }
                    make(
                        Kind::LayerNorm,
                        &[
                            (Field::Over, Value::Word("channels".into())),
                            (
                                Field::Affine,
                                Value::Bool(flag("elementwise_affine", 2, true)?),
                            ),
                            (Field::Bias, Value::Bool(flag("bias", 3, true)?)),
                        ],
                    )?
                }
                "ReLU" => Layer::new(Kind::Relu),
                "Sigmoid" => Layer::new(Kind::Sigmoid),
                "Tanh" => Layer::new(Kind::Tanh),
                "Softmax" => Layer::new(Kind::Softmax),
                "SiLU" => Layer::new(Kind::Silu),
                "Hardswish" => Layer::new(Kind::Hardswish),
                "Hardsigmoid" => Layer::new(Kind::Hardsigmoid),
                "ReLU6" => Layer::new(Kind::Relu6),
                "Mish" => Layer::new(Kind::Mish),
                "ELU" => Layer::new(Kind::Elu),
                "GELUTanh" | "GELUTanhApprox" => make(
                    Kind::Gelu,
                    &[(Field::Approximate, Value::Word("tanh".into()))],
                )?,
                "GELU" => match args.get("approximate", 0).map(|a| a.trim_matches('\'')) {
                    None | Some("none") => Layer::new(Kind::Gelu),
                    Some(a) => make(Kind::Gelu, &[(Field::Approximate, Value::Word(a.into()))])?,
                },
                "LeakyReLU" => match args.get("negative_slope", 0) {
                    None => Layer::new(Kind::LeakyRelu),
                    Some(s) => make(Kind::LeakyRelu, &[(Field::Slope, Value::parse_text(s))])?,
                },
                "PReLU" => {
                    let n = match args.get("num_parameters", 0) {
                        None => 1,
                        Some(_) => int("num_parameters", 0)?,
                    };
                    if n != 1 {
                        channels_are("num_parameters", 0)?;
                    }
                    make(Kind::Prelu, &[(Field::PerChannel, Value::Bool(n != 1))])?
                }
                // Same shape, no weights: counted as a softmax, and said so.
                "LogSoftmax" => {
                    let note = t!("import-as-relu", class = class);
                    return Ok(Some((Layer::new(Kind::Softmax), Some(note))));
                }
                "PixelShuffle" => make(
                    Kind::PixelShuffle,
                    &[(Field::Factor, Value::Int(int("upscale_factor", 0)?))],
                )?,
                "ChannelShuffle" => make(
                    Kind::ChannelShuffle,
                    &[(Field::Groups, Value::Int(int("groups", 0)?))],
                )?,
                "Identity" | "QuantStub" | "DeQuantStub" | "FloatFunctional" => return Ok(None),
                // Stochastic depth: the identity at inference, no weights.
                "StochasticDepth" | "DropPath" => {
                    let p = args.get("p", 0).or_else(|| args.get("drop_prob", 0));
                    let p: f64 = p.unwrap_or("0").parse().map_err(|_| {
                        t!(
                            "import-not-a-number",
                            key = "p",
                            value = p.unwrap_or("").to_string()
                        )
                    })?;
                    make(Kind::DropPath, &[(Field::Rate, Value::Float(p))])?
                }
                "Flatten" => {
                    let start = args.get("start_dim", 0).unwrap_or("1");
                    let end = args.get("end_dim", 1).unwrap_or("-1");
                    if start != "1" || end != "-1" {
                        return Err(t!(
                            "import-flatten-dims",
                            start = start.to_string(),
                            end = end.to_string()
                        ));
                    }
                    Layer::new(Kind::Flatten)
                }
                "Dropout" | "Dropout1d" | "Dropout2d" | "Dropout3d" | "AlphaDropout" => {
                    let p = args.get("p", 0).unwrap_or("0.5");
                    let p: f64 = p
                        .parse()
                        .map_err(|_| t!("import-not-a-number", key = "p", value = p.to_string()))?;
                    make(Kind::Dropout, &[(Field::Rate, Value::Float(p))])?
                }
                // The video models' pool to one value a channel, flattened
                // by their forward before `fc`: a global average pool.
                "AdaptiveAvgPool3d"
                    if args
                        .get("output_size", 0)
                        .and_then(numbers)
                        .is_some_and(|n| n.iter().all(|&v| v == 1)) =>
                {
                    Layer::new(Kind::GlobalAvgPool)
                }
                "AdaptiveAvgPool2d" | "AdaptiveMaxPool2d" => {
                    let size = args.get("output_size", 0).unwrap_or("1");
                    let v = window_value(size, 2).ok_or_else(|| {
                        t!(
                            "import-not-a-number",
                            key = "output_size",
                            value = size.to_string()
                        )
                    })?;
                    let kind = if class == "AdaptiveAvgPool2d" {
                        Kind::AdaptiveAvgPool
                    } else {
                        Kind::AdaptiveMaxPool
                    };
                    make(kind, &[(Field::Output, v)])?
                }
                "Upsample" | "UpsamplingNearest2d" | "UpsamplingBilinear2d" => {
                    // A fixed size (`size=(20, 20)`), or a scale.
                    let (field, key, text) = match args.get("size", 0).filter(|s| *s != "None") {
                        Some(size) => (Field::Size, "size", size),
                        None => {
                            let scale = args.get("scale_factor", 1).ok_or_else(|| {
                                t!("import-missing-argument", key = "scale_factor")
                            })?;
                            (Field::Scale, "scale_factor", scale)
                        }
                    };
                    let v = window_value(text, 2).ok_or_else(|| {
                        t!("import-not-a-number", key = key, value = text.to_string())
                    })?;
                    let mode = match (class, args.get("mode", 2).map(|m| m.trim_matches('\''))) {
                        ("UpsamplingBilinear2d", _) | (_, Some("bilinear")) => "bilinear",
                        (_, None | Some("nearest")) => "nearest",
                        (_, Some(other)) => {
                            return Err(t!("import-upsample-mode", mode = other.to_string()));
                        }
                    };
                    make(
                        Kind::Upsample,
                        &[(field, v), (Field::Mode, Value::Word(mode.into()))],
                    )?
                }
                // A constant of 0 is ZeroPad2d (BiT's stems print this).
                "ZeroPad2d" | "ConstantPad2d" => {
                    if class == "ConstantPad2d" {
                        let value = args.get("value", 1).unwrap_or("");
                        if value.parse::<f64>().ok() != Some(0.0) {
                            return Err(t!("import-constant-pad", value = value.to_string()));
                        }
                    }
                    let p = args
                        .get("padding", 0)
                        .and_then(numbers)
                        .ok_or_else(|| t!("import-missing-argument", key = "padding"))?;
                    let (l, r, t, b) = match p.as_slice() {
                        [a] => (*a, *a, *a, *a),
                        [l, r, t, b] => (*l, *r, *t, *b),
                        _ => return Err(t!("import-missing-argument", key = "padding")),
                    };
                    make(
                        Kind::ZeroPad,
                        &[
                            (Field::Left, Value::Int(l)),
                            (Field::Right, Value::Int(r)),
                            (Field::Top, Value::Int(t)),
                            (Field::Bottom, Value::Int(b)),
                        ],
                    )?
                }
                "Embedding" => make(
                    Kind::Embedding,
                    &[
                        (Field::Vocab, Value::Int(int("num_embeddings", 0)?)),
                        (Field::Dim, Value::Int(int("embedding_dim", 1)?)),
                    ],
                )?,
                "LSTM" | "GRU" | "RNN" => {
                    let kind = match class {
                        "LSTM" => Kind::Lstm,
                        "GRU" => Kind::Gru,
                        _ => Kind::Rnn,
                    };
                    features_are("input_size", 0)?;
                    let layers = args.get("num_layers", 2).unwrap_or("1");
                    let mut settings = vec![
                        (Field::Hidden, Value::Int(int("hidden_size", 1)?)),
                        (Field::Layers, Value::parse_text(layers)),
                        (
                            Field::Bidirectional,
                            Value::Bool(flag("bidirectional", usize::MAX, false)?),
                        ),
                        (Field::Bias, Value::Bool(flag("bias", 3, true)?)),
                    ];
                    // An LSTM's projected hidden state (only PyTorch's LSTM
                    // takes proj_size; 0 is none).
                    if let Some(p) = args.get("proj_size", usize::MAX).filter(|p| *p != "0") {
                        if kind != Kind::Lstm {
                            return Err(t!("import-proj-size", size = p.to_string()));
                        }
                        settings.push((Field::Proj, Value::parse_text(p)));
                    }
                    make(kind, &settings)?
                }
                "Linear" | "NonDynamicallyQuantizableLinear" | "LazyLinear" => {
                    let inputs = int("in_features", 0)?;
                    let units = int("out_features", 1)?;
                    let bias = flag("bias", 2, true)?;
                    self.implied_before_linear(node, inputs, here, list, base)?;
                    let mut settings = vec![
                        (Field::Units, Value::Int(units)),
                        (Field::Bias, Value::Bool(bias)),
                    ];
                    // It takes what it was built for, and nothing else: a
                    // new input size that changes its features is an error
                    // (a lazy one, `in_features=0`, takes what comes).
                    if inputs > 0 {
                        settings.push((Field::Inputs, Value::Int(inputs)));
                    }
                    make(Kind::Dense, &settings)?
                }
                _ => return Err(t!("import-unknown-module", class = class)),
            }
        };
        Ok(Some((layer, None)))
    }

    /// What `forward` did between a map of `here` and a `Linear` taking
    /// `inputs` features: nothing (a vector, or a sequence's last axis of
    /// that size), a flatten (C·H·W), or a global average pool (C).
    fn implied_before_linear(
        &mut self,
        node: &Node,
        inputs: i64,
        here: Option<Shape>,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) -> Result<(), String> {
        let Some(here) = here else {
            return Ok(());
        };
        let inputs = u64::try_from(inputs).unwrap_or(0);
        let line = node.line.to_string();
        match here {
            Shape::Flat(n) | Shape::Matrix { cols: n, .. } if n == inputs => Ok(()),
            Shape::Flat(n) | Shape::Matrix { cols: n, .. } => Err(t!(
                "import-features",
                want = inputs.to_string(),
                got = n.to_string()
            )),
            map if map.elements() == Some(inputs) => {
                let note = t!(
                    "import-implied-flatten",
                    shape = map.to_string(),
                    n = inputs.to_string(),
                    line = line
                );
                self.push(list, base, Layer::new(Kind::Flatten), Some(note));
                Ok(())
            }
            map if map.channels() == inputs => {
                let note = t!(
                    "import-implied-pool",
                    shape = map.to_string(),
                    n = inputs.to_string(),
                    line = line
                );
                self.push(list, base, Layer::new(Kind::GlobalAvgPool), Some(note));
                Ok(())
            }
            map => Err(t!(
                "import-linear-mismatch",
                want = inputs.to_string(),
                got = map.elements().map_or("?".to_string(), |n| n.to_string()),
                channels = map.channels().to_string(),
                shape = map.to_string()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_into_a_tree() {
        let text = "Net(\n  (features): Sequential(\n    (0): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1))\n    (1): ReLU(inplace=True)\n  )\n  (0-2): 3 x Linear(in_features=8, out_features=8, bias=True)\n)\n";
        let root = parse(text).unwrap();
        assert_eq!(root.class, "Net");
        assert_eq!(root.children[0].name, "features");
        assert_eq!(root.children[0].children[1].args, "inplace=True");
        assert_eq!(root.children[1].repeat, 3);
        assert_eq!(root.children[1].line, 6);
    }

    #[test]
    fn arguments_split_at_the_top_level() {
        let a = Args::of("3, 64, kernel_size=(7, 7), stride=(2, 2), bias=False");
        assert_eq!(a.get("in_channels", 0), Some("3"));
        assert_eq!(a.get("kernel_size", 2), Some("(7, 7)"));
        assert_eq!(a.named("bias"), Some("False"));
        assert_eq!(window_value("(7, 7)", 2), Some(Value::Int(7)));
        assert_eq!(window_value("(1, 7)", 2), Some(Value::Pair(1, 7)));
        assert_eq!(window_value("(3,)", 1), Some(Value::Int(3)));
    }

    #[test]
    fn a_truncated_printout_names_what_is_left_open() {
        let e =
            parse("VGG(\n  (features): Sequential(\n    (0): Conv2d(3, 64, kernel_size=(3, 3))\n")
                .unwrap_err();
        assert_eq!(e[0].line, Some(2));
        assert!(e[0].message.contains("Sequential"), "{}", e[0].message);
    }
}
