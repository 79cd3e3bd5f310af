//! A PyTorch printout, `print(model)`: a tree of modules, one a line, each
//! with its constructor's arguments (`Conv2d(3, 64, kernel_size=(7, 7), …)`)
//! or its children (`(layer1): Sequential(` … `)`). A printout shows the
//! modules, not `forward`: the modules are taken in the order printed, and
//! what `forward` must have done between them is read off the numbers (a
//! `Linear` whose `in_features` is C·H·W of the map before it was given a
//! flatten). torchvision's residual blocks are known by name.

use super::{ImportError, Imported, make, output_of};
use crate::layer::{Field, Kind, Layer, Value};
use crate::network::{Network, Shape};
use std::collections::BTreeMap;

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
];

/// Models whose forward is their children in order, with only a flatten or
/// a global pool before the classifier (which the numbers reveal).
const KNOWN_MODELS: &[&str] = &["VGG", "AlexNet", "ResNet", "MobileNetV2", "LeNet"];

pub fn import(text: &str, input: Shape, name: &str) -> Result<Imported, Vec<ImportError>> {
    let root = parse(text)?;
    let mut ctx = Ctx {
        errors: Vec::new(),
        notes: BTreeMap::new(),
        header: vec![t!("import-from-pytorch", class = root.class.clone())],
    };
    let mut layers = Vec::new();
    if root.children.is_empty() {
        ctx.leaf(&root, input, &mut layers, &[]);
    } else {
        if !IN_ORDER.contains(&root.class.as_str()) && !KNOWN_MODELS.contains(&root.class.as_str())
        {
            ctx.header
                .push(t!("import-unknown-model", class = root.class.clone()));
        }
        for child in &root.children {
            ctx.module(child, input, &mut layers, &[]);
        }
    }
    if !ctx.errors.is_empty() {
        return Err(ctx.errors);
    }
    Ok(Imported {
        net: Network {
            layers,
            input,
            ..Network::empty(name)
        },
        notes: ctx.notes,
        header: ctx.header,
    })
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

/// A constructor's arguments: positional and by name.
struct Args {
    positional: Vec<String>,
    named: Vec<(String, String)>,
}

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
        args
    }

    /// The argument called `key`, or else the `index`th positional one.
    fn get(&self, key: &str, index: usize) -> Option<&str> {
        self.named
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .or_else(|| self.positional.get(index).map(String::as_str))
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
            p.parse::<f64>()
                .ok()
                .filter(|f| f.fract() == 0.0)
                .map(|f| f as i64)
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

/// What is being built: errors and notes, as the modules are read.
struct Ctx {
    errors: Vec<ImportError>,
    notes: BTreeMap<Vec<usize>, String>,
    header: Vec<String>,
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
        super::push_noted(&mut self.notes, list, base, layer, note);
    }

    /// Appends what `node` computes to `list`, which starts from `input`.
    fn module(&mut self, node: &Node, input: Shape, list: &mut Vec<Layer>, base: &[usize]) {
        for _ in 0..node.repeat.min(10_000) {
            self.module_once(node, input, list, base);
        }
    }

    fn module_once(&mut self, node: &Node, input: Shape, list: &mut Vec<Layer>, base: &[usize]) {
        match node.class.as_str() {
            c if IN_ORDER.contains(&c) || c == "ModuleList" => {
                for child in &node.children {
                    self.module(child, input, list, base);
                }
            }
            "BasicBlock" | "Bottleneck" => self.residual(node, input, list, base),
            "InvertedResidual" if Self::child(node, "conv").is_some() => {
                self.inverted(node, input, list, base)
            }
            "MultiheadAttention" => self.attention(node, input, list, base),
            // Multiplies its input by a gate computed from it: not a sum or
            // a concatenation, which is all layerlab's merges are.
            "SqueezeExcitation" => self.fail(node, t!("import-squeeze-excitation")),

            "TransformerEncoderLayer" => self.encoder_layer(node, list, base),
            _ if node.children.is_empty() => self.leaf(node, input, list, base),
            // A module layerlab does not know: its children in the order
            // printed, and a note saying so on the first of them.
            class => {
                let first = list.len();
                for child in &node.children {
                    self.module(child, input, list, base);
                }
                if list.len() > first {
                    let mut path = base.to_vec();
                    path.push(first);
                    let note = t!(
                        "import-unknown-container",
                        class = class.to_string(),
                        line = node.line.to_string()
                    );
                    self.notes.insert(path, note);
                }
            }
        }
    }

    /// The named child of `node`.
    fn child<'a>(node: &'a Node, name: &str) -> Option<&'a Node> {
        node.children.iter().find(|c| c.name == name)
    }

    /// torchvision's `BasicBlock` and `Bottleneck`: the body, added to the
    /// input or to its `downsample`, then a ReLU.
    fn residual(&mut self, node: &Node, input: Shape, list: &mut Vec<Layer>, base: &[usize]) {
        let body: &[&str] = if node.class == "BasicBlock" {
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
                None => self.fail(
                    node,
                    t!(
                        "import-block-lacks",
                        class = node.class.clone(),
                        name = name.to_string()
                    ),
                ),
            }
        }
        if let Some(down) = Self::child(node, "downsample") {
            let skip_base = [path, vec![1]].concat();
            self.module(down, here, &mut branches[1], &skip_base);
        }
        let mut add = Layer::new(Kind::Add);
        add.activation = Some(crate::layer::Activation::Relu);
        add.branches = branches;
        list.push(add);
    }

    /// torchvision's `InvertedResidual`: its `conv`, plus the input when
    /// the stride is 1 and the channels stay (as its `use_res_connect`).
    fn inverted(&mut self, node: &Node, input: Shape, list: &mut Vec<Layer>, base: &[usize]) {
        let Some(conv) = Self::child(node, "conv") else {
            return self.fail(
                node,
                t!(
                    "import-block-lacks",
                    class = node.class.clone(),
                    name = "conv"
                ),
            );
        };
        let here = output_of(input, list).unwrap_or(input);
        let mut path = base.to_vec();
        path.push(list.len());
        let mut body = Vec::new();
        self.module(conv, here, &mut body, &[path.clone(), vec![0]].concat());
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
            None => self.fail(
                node,
                t!(
                    "import-block-lacks",
                    class = node.class.clone(),
                    name = "linear1"
                ),
            ),
        }
    }

    /// A module without children: its layer (or none, or what `forward`
    /// implied before it).
    fn leaf(&mut self, node: &Node, input: Shape, list: &mut Vec<Layer>, base: &[usize]) {
        let args = Args::of(&node.args);
        let here = if self.errors.is_empty() {
            output_of(input, list)
        } else {
            None
        };
        let shown = format!("{}({})", node.class, node.args);
        let made = self.layer_for(node, &args, here, list, base);
        match made {
            Ok(Some((layer, note))) => self.push(list, base, layer, note),
            Ok(None) => {}
            Err(why) => self.fail(node, t!("import-cannot-read", module = shown, why = why)),
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
        let bias = args.named("bias").and_then(boolean).unwrap_or(true);
        let class = node.class.as_str();
        let conv_kind = match class {
            "Conv1d" => Some((Kind::Conv1d, 1)),
            "Conv2d" => Some((Kind::Conv2d, 2)),
            "Conv3d" => Some((Kind::Conv3d, 3)),
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
        let layer = if let Some((kind, axes)) = conv_kind {
            let inputs = int("in_channels", 0)?;
            if let Some(c) = here.map(Shape::channels)
                && i64::try_from(c).ok() != Some(inputs)
            {
                return Err(t!(
                    "import-channels",
                    want = inputs.to_string(),
                    got = c.to_string()
                ));
            }
            let mut settings = vec![
                (Field::Filters, Value::Int(int("out_channels", 1)?)),
                (Field::Bias, Value::Bool(bias)),
            ];
            let kernel = window("kernel_size", 2, axes)?
                .ok_or_else(|| t!("import-missing-argument", key = "kernel_size"))?;
            settings.push((Field::Kernel, kernel));
            for (key, field) in [
                ("stride", Field::Stride),
                ("dilation", Field::Dilation),
                ("output_padding", Field::OutputPadding),
            ] {
                if let Some(v) = window(key, usize::MAX, axes)? {
                    settings.push((field, v));
                }
            }
            match args.named("padding") {
                Some(p) if p.trim_matches('\'') == "same" => {
                    settings.push((Field::Padding, Value::Word("same".into())));
                }
                Some(p) if p.trim_matches('\'') == "valid" => {}
                Some(_) => {
                    if let Some(v) = window("padding", usize::MAX, axes)? {
                        settings.push((Field::Padding, v));
                    }
                }
                None => {}
            }
            if let Some(g) = args.named("groups") {
                let g = g.parse::<i64>().map_err(|_| {
                    t!("import-not-a-number", key = "groups", value = g.to_string())
                })?;
                settings.push((Field::Groups, Value::Int(g)));
            }
            make(kind, &settings)?
        } else if let Some((kind, axes)) = pool_kind {
            let mut settings = Vec::new();
            let kernel = window("kernel_size", 0, axes)?
                .ok_or_else(|| t!("import-missing-argument", key = "kernel_size"))?;
            settings.push((Field::Kernel, kernel));
            if let Some(v) = window("stride", 1, axes)? {
                settings.push((Field::Stride, v));
            }
            if let Some(v) = window("padding", 2, axes)? {
                settings.push((Field::Padding, v));
            }
            if let Some(d) = args.named("dilation")
                && numbers(d).is_some_and(|n| n.iter().any(|&x| x != 1))
            {
                return Err(t!("import-dilated-pool"));
            }
            if args.named("ceil_mode").and_then(boolean) == Some(true) {
                settings.push((Field::CeilMode, Value::Bool(true)));
            }
            make(kind, &settings)?
        } else {
            match class {
                "BatchNorm1d" | "BatchNorm2d" | "BatchNorm3d" => {
                    if args.named("affine").and_then(boolean) == Some(false) {
                        return Err(t!("import-no-affine"));
                    }
                    Layer::new(Kind::BatchNorm)
                }
                "ReLU" => Layer::new(Kind::Relu),
                "Sigmoid" => Layer::new(Kind::Sigmoid),
                "Tanh" => Layer::new(Kind::Tanh),
                "Softmax" => Layer::new(Kind::Softmax),
                "GELU" => Layer::new(Kind::Gelu),
                // Elementwise, no weights: the same shapes and counts as a ReLU.
                "ReLU6" | "LeakyReLU" | "SiLU" | "Hardswish" | "Hardsigmoid" | "ELU" | "Mish"
                | "PReLU" | "LogSoftmax" => {
                    if class == "PReLU" {
                        return Err(t!("import-prelu"));
                    }
                    let note = t!("import-as-relu", class = class);
                    return Ok(Some((Layer::new(Kind::Relu), Some(note))));
                }
                // Identity, and what is the identity at inference.
                "Identity" | "StochasticDepth" => return Ok(None),
                "Flatten" => Layer::new(Kind::Flatten),
                "Dropout" | "Dropout1d" | "Dropout2d" | "Dropout3d" | "AlphaDropout" => {
                    let p = args.get("p", 0).unwrap_or("0.5");
                    let p: f64 = p
                        .parse()
                        .map_err(|_| t!("import-not-a-number", key = "p", value = p.to_string()))?;
                    make(Kind::Dropout, &[(Field::Rate, Value::Float(p))])?
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
                    let scale = args
                        .named("scale_factor")
                        .ok_or_else(|| t!("import-missing-argument", key = "scale_factor"))?;
                    let v = window_value(scale, 2).ok_or_else(|| {
                        t!(
                            "import-not-a-number",
                            key = "scale_factor",
                            value = scale.to_string()
                        )
                    })?;
                    let mode = match (class, args.named("mode").map(|m| m.trim_matches('\''))) {
                        ("UpsamplingBilinear2d", _) | (_, Some("bilinear")) => "bilinear",
                        _ => "nearest",
                    };
                    make(
                        Kind::Upsample,
                        &[(Field::Scale, v), (Field::Mode, Value::Word(mode.into()))],
                    )?
                }
                "ZeroPad2d" => {
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
                "LayerNorm" => Layer::new(Kind::LayerNorm),
                "LSTM" | "GRU" | "RNN" => {
                    let kind = match class {
                        "LSTM" => Kind::Lstm,
                        "GRU" => Kind::Gru,
                        _ => Kind::Rnn,
                    };
                    if let (Some(e), Some(want)) =
                        (here.map(|s| s.last()), args.get("input_size", 0))
                        && want.parse::<u64>().ok() != Some(e)
                    {
                        return Err(t!(
                            "import-features",
                            want = want.to_string(),
                            got = e.to_string()
                        ));
                    }
                    let layers = args.named("num_layers").unwrap_or("1");
                    let bidirectional = args
                        .named("bidirectional")
                        .and_then(boolean)
                        .unwrap_or(false);
                    make(
                        kind,
                        &[
                            (Field::Hidden, Value::Int(int("hidden_size", 1)?)),
                            (Field::Layers, Value::parse_text(layers)),
                            (Field::Bidirectional, Value::Bool(bidirectional)),
                            (Field::Bias, Value::Bool(bias)),
                        ],
                    )?
                }
                "Linear" | "NonDynamicallyQuantizableLinear" | "LazyLinear" => {
                    let inputs = int("in_features", 0)?;
                    let units = int("out_features", 1)?;
                    self.implied_before_linear(node, inputs, here, list, base)?;
                    make(
                        Kind::Dense,
                        &[
                            (Field::Units, Value::Int(units)),
                            (Field::Bias, Value::Bool(bias)),
                        ],
                    )?
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
                "import-linear-mismatch",
                want = inputs.to_string(),
                got = n.to_string(),
                shape = here.to_string()
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
