//! A Keras model as `model.to_json()` writes it (Keras 2 and 3, Sequential
//! and Functional; a `.keras` file's `config.json` is the same text). Its
//! input shape is in the file, channels last (`[224, 224, 3]` is layerlab's
//! 3×224×224). A Functional graph made of adds and concatenations becomes
//! merges: each merge's branches run from the layer that every path into it
//! passes (its dominator), so any nest of branches reads back as one.

use super::{ImportError, Imported, line_of, make, output_of};
use crate::layer::{Activation, Field, Kind, Layer, MAX_DEPTH, Value};
use crate::network::{Network, Shape};
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// One layer of the file: its class, settings, and the layers it reads.
struct Node<'a> {
    class: &'a str,
    name: String,
    config: &'a Json,
    preds: Vec<usize>,
    /// Its call takes plain numbers beside its tensors (`x + 3.0`).
    scalars: bool,
}

/// A piece of the graph in order: one layer, or a merge of branches.
enum Piece {
    One(usize),
    Merge(usize, Vec<Vec<Piece>>),
}

pub fn import(text: &str, input: Option<Shape>, name: &str) -> Result<Imported, Vec<ImportError>> {
    let fail = |line: Option<usize>, message: String| vec![ImportError { line, message }];
    let json: Json = serde_json::from_str(text)
        .map_err(|e| fail(Some(e.line()), t!("import-bad-json", why = e.to_string())))?;
    // The model may be the whole file or, in a `.keras` archive's metadata,
    // under "config".
    let class = json.get("class_name").and_then(Json::as_str).unwrap_or("");
    let config = json.get("config").unwrap_or(&Json::Null);
    let Some(layers) = config.get("layers").and_then(Json::as_array) else {
        return Err(fail(Some(1), t!("import-not-a-model")));
    };
    let mut nodes: Vec<Node> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for l in layers {
        let class = l.get("class_name").and_then(Json::as_str).unwrap_or("?");
        let config = l.get("config").unwrap_or(&Json::Null);
        let name = (l.get("name").or_else(|| config.get("name")))
            .and_then(Json::as_str)
            .unwrap_or("?")
            .to_string();
        let mut preds = Vec::new();
        let mut names = Vec::new();
        let first = l.get("inbound_nodes").and_then(|n| n.get(0));
        if let Some(first) = first {
            inbound(first, &mut names);
        }
        let scalars = first
            .and_then(|n| n.get("args"))
            .and_then(Json::as_array)
            .is_some_and(|args| args.iter().any(Json::is_number));
        for n in names {
            match index.get(&n) {
                Some(&i) => preds.push(i),
                None => {
                    return Err(fail(
                        line_of(text, &format!("\"{name}\"")),
                        t!("import-unknown-inbound", layer = name.clone(), from = n),
                    ));
                }
            }
        }
        index.insert(name.clone(), nodes.len());
        nodes.push(Node {
            class,
            name,
            config,
            preds,
            scalars,
        });
    }
    let sequential = class == "Sequential" || nodes.iter().all(|n| n.preds.is_empty());
    if sequential {
        // One after another; the input, when there is an InputLayer, first.
        for (i, node) in nodes.iter_mut().enumerate().skip(1) {
            node.preds = vec![i - 1];
        }
    }
    let shape = match input {
        Some(s) => Some(s),
        None => model_input(&json, config, &nodes).map_err(|e| fail(None, e))?,
    };
    let Some(shape) = shape else {
        return Err(fail(None, t!("import-keras-no-input")));
    };
    let graph = Graph {
        nodes: &nodes,
        text,
    };
    let pieces = graph.pieces(sequential).map_err(|e| fail(e.0, e.1))?;
    // Keras keeps channels last: `(steps, channels)` for a 1-D conv is
    // layerlab's `[C, L]`, so the input is turned when 1-D layers read it.
    let first = nodes.iter().find(|n| n.class != "InputLayer");
    let signal = first.is_some_and(|n| ONE_D.contains(&n.class));
    let shape = match shape {
        Shape::Matrix { rows, cols } if signal && input.is_none() => Shape::Matrix {
            rows: cols,
            cols: rows,
        },
        other => other,
    };
    let mut ctx = Ctx {
        errors: Vec::new(),
        notes: BTreeMap::new(),
        frozen: 0,
        text,
        signal,
        chain: sequential,
        constants: 0,
    };
    let mut out = Vec::new();
    ctx.convert(&nodes, &pieces, shape, &mut out, &[]);
    if !ctx.errors.is_empty() {
        return Err(ctx.errors);
    }
    let model = config.get("name").and_then(Json::as_str).unwrap_or(name);
    let version = json.get("keras_version").and_then(Json::as_str);
    let mut header = vec![t!(
        "import-from-keras",
        class = class.to_string(),
        name = model.to_string()
    )];
    if let Some(v) = version {
        header[0].push_str(&format!(" (Keras {v})"));
    }
    if ctx.constants > 0 {
        header.push(t!("import-keras-constants", n = ctx.constants.to_string()));
    }
    if ctx.frozen > 0 {
        let net = Network {
            layers: out.clone(),
            input: shape,
            ..Network::empty(name)
        };
        let params = crate::engine::analyze(&net).totals.params.unwrap_or(0);
        header.push(t!(
            "import-keras-non-trainable",
            n = crate::units::grouped(ctx.frozen),
            total = crate::units::grouped(params.saturating_add(ctx.frozen))
        ));
    }
    Ok(Imported {
        net: Network {
            layers: out,
            input: shape,
            ..Network::empty(name)
        },
        notes: ctx.notes,
        header,
    })
}

/// Whether `node` reshapes the vector a global average pool just made
/// (`here`, the last of `list`) back to a 1×1 map of its channels.
fn keeps_pooled_map(node: &Node, here: Option<Shape>, list: &[Layer]) -> bool {
    let target: Option<Vec<u64>> = node
        .config
        .get("target_shape")
        .and_then(Json::as_array)
        .and_then(|a| a.iter().map(Json::as_u64).collect());
    node.class == "Reshape"
        && list.last().is_some_and(|l| l.kind == Kind::GlobalAvgPool)
        && matches!((target.as_deref(), here), (Some([1, 1, c]), Some(Shape::Flat(n))) if *c == n)
}

/// The Keras layers that read `(steps, channels)` along the steps.
const ONE_D: &[&str] = &[
    "Conv1D",
    "MaxPooling1D",
    "AveragePooling1D",
    "MaxPool1D",
    "AveragePool1D",
];

/// The input shape `text` gives, if it parses and gives one.
pub fn input_of(text: &str) -> Option<Shape> {
    let json: Json = serde_json::from_str(text).ok()?;
    let config = json.get("config")?;
    let layers = config.get("layers")?.as_array()?;
    let first = layers.first()?;
    let node = Node {
        class: "",
        name: String::new(),
        config: first.get("config").unwrap_or(&Json::Null),
        preds: Vec::new(),
        scalars: false,
    };
    model_input(&json, config, &[node]).ok().flatten()
}

/// The names of the layers an inbound node reads: Keras 3 writes tensors
/// with a `keras_history`, Keras 2 lists `[name, node, tensor, {…}]`.
fn inbound(node: &Json, names: &mut Vec<String>) {
    match node {
        Json::Object(map) => {
            if let Some(h) = map
                .get("keras_history")
                .and_then(|h| h.get(0))
                .and_then(Json::as_str)
            {
                names.push(h.to_string());
                return;
            }
            for v in map.values() {
                inbound(v, names);
            }
        }
        Json::Array(items) => {
            if let (Some(Json::String(name)), Some(Json::Number(_))) = (items.first(), items.get(1))
            {
                names.push(name.clone());
                return;
            }
            for v in items {
                inbound(v, names);
            }
        }
        _ => {}
    }
}

/// The input shape the file gives, channels last, as layerlab's; an error
/// when it gives one that no network can take (a 0, or a size past i64), so
/// that an import never writes a file layerlab cannot open.
fn model_input(json: &Json, config: &Json, nodes: &[Node]) -> Result<Option<Shape>, String> {
    let dims =
        |v: &Json| -> Option<Vec<Json>> { Some(v.as_array()?.iter().skip(1).cloned().collect()) };
    let from_layer = nodes.first().and_then(|n| {
        ["batch_shape", "batch_input_shape"]
            .iter()
            .find_map(|k| n.config.get(*k))
            .and_then(dims)
    });
    let from_build = config
        .get("build_input_shape")
        .or_else(|| json.get("build_config").and_then(|b| b.get("input_shape")))
        .and_then(dims);
    let Some(raw) = from_layer.or(from_build) else {
        return Ok(None);
    };
    // `None` sizes (a sequence of any length) leave the input to --input.
    if raw.iter().any(Json::is_null) {
        return Ok(None);
    }
    let sizes: Option<Vec<u64>> = raw
        .iter()
        .map(|v| v.as_u64().filter(|&n| (1..=i64::MAX as u64).contains(&n)))
        .collect();
    let Some(d) = sizes else {
        let written: Vec<String> = raw.iter().map(Json::to_string).collect();
        return Err(t!("import-keras-bad-input", shape = written.join(", ")));
    };
    Ok(match d.as_slice() {
        [n] => Some(Shape::Flat(*n)),
        [l, e] => Some(Shape::Matrix { rows: *l, cols: *e }),
        [h, w, c] => Some(Shape::Image {
            c: *c,
            h: *h,
            w: *w,
        }),
        [d, h, w, c] => Some(Shape::Volume {
            c: *c,
            d: *d,
            h: *h,
            w: *w,
        }),
        _ => None,
    })
}

struct Graph<'a> {
    nodes: &'a [Node<'a>],
    text: &'a str,
}

type GraphError = (Option<usize>, String);

impl Graph<'_> {
    fn line(&self, i: usize) -> Option<usize> {
        line_of(self.text, &format!("\"{}\"", self.nodes[i].name))
    }

    /// The graph as a sequence of layers and merges, from the input to the
    /// output.
    fn pieces(&self, sequential: bool) -> Result<Vec<Piece>, GraphError> {
        let n = self.nodes.len();
        if n == 0 {
            return Err((None, t!("import-not-a-model")));
        }
        if sequential {
            let start = usize::from(self.nodes[0].class == "InputLayer");
            return Ok((start..n).map(Piece::One).collect());
        }
        let inputs: Vec<usize> = (0..n).filter(|&i| self.nodes[i].preds.is_empty()).collect();
        if inputs.len() != 1 {
            return Err((
                None,
                t!("import-several-inputs", n = inputs.len().to_string()),
            ));
        }
        // Immediate dominators, in the file's (topological) order.
        let mut idom: Vec<Option<usize>> = vec![None; n];
        for i in 0..n {
            if let Some(&p) = self.nodes[i].preds.iter().find(|&&p| p >= i) {
                return Err((
                    self.line(i),
                    t!("import-not-in-order", layer = self.nodes[p].name.clone()),
                ));
            }
            let mut preds = self.nodes[i].preds.iter().copied();
            let Some(first) = preds.next() else { continue };
            // Walk the later of the two up its dominators until they meet;
            // with one input every chain ends there.
            let meet = preds.try_fold(first, |a, b| {
                let (mut a, mut b) = (a, b);
                while a != b {
                    let later = if a > b { &mut a } else { &mut b };
                    *later = idom[*later]?;
                }
                Some(a)
            });
            match meet {
                Some(m) => idom[i] = Some(m),
                None => {
                    let layer = self.nodes[i].name.clone();
                    return Err((self.line(i), t!("import-not-nested", layer = layer)));
                }
            }
        }
        let used: Vec<bool> = (0..n)
            .map(|i| (0..n).any(|j| self.nodes[j].preds.contains(&i)))
            .collect();
        let outputs: Vec<usize> = (0..n).filter(|&i| !used[i]).collect();
        if outputs.len() != 1 {
            return Err((
                None,
                t!("import-several-outputs", n = outputs.len().to_string()),
            ));
        }
        // Each layer is walked once in a nest of branches; more means layers
        // shared between branches, which cannot be a nest (and would take
        // exponentially long to walk).
        let budget = std::cell::Cell::new(2 * n + 16);
        let pieces = self.chain(outputs[0], inputs[0], &idom, &budget, 0)?;
        // Every layer once: a layer read on two paths that no single merge
        // joins cannot be a branch.
        let mut seen = vec![0; n];
        count(&pieces, &mut seen);
        if let Some(i) = (0..n).find(|&i| seen[i] > 1 || (seen[i] == 0 && i != inputs[0])) {
            return Err((
                self.line(i),
                t!("import-not-nested", layer = self.nodes[i].name.clone()),
            ));
        }
        Ok(pieces)
    }

    /// The pieces after `stop` up to and including `end`, `depth` merges in.
    fn chain(
        &self,
        end: usize,
        stop: usize,
        idom: &[Option<usize>],
        budget: &std::cell::Cell<usize>,
        depth: usize,
    ) -> Result<Vec<Piece>, GraphError> {
        let mut out = Vec::new();
        let mut at = end;
        while at != stop {
            let node = &self.nodes[at];
            match budget.get().checked_sub(1) {
                Some(left) => budget.set(left),
                None => {
                    let layer = node.name.clone();
                    return Err((self.line(at), t!("import-not-nested", layer = layer)));
                }
            }
            match node.preds.as_slice() {
                [] => {
                    return Err((
                        self.line(at),
                        t!("import-not-nested", layer = node.name.clone()),
                    ));
                }
                [p] => {
                    out.push(Piece::One(at));
                    at = *p;
                }
                preds => {
                    let from = idom[at].ok_or_else(|| {
                        (
                            self.line(at),
                            t!("import-not-nested", layer = node.name.clone()),
                        )
                    })?;
                    // A file nests at most MAX_DEPTH containers; past that
                    // the walk stops here rather than deeper into the stack.
                    if depth >= MAX_DEPTH {
                        let max = MAX_DEPTH.to_string();
                        return Err((self.line(at), t!("import-nested-past-files", max = max)));
                    }
                    let branches = preds
                        .iter()
                        .map(|&p| self.chain(p, from, idom, budget, depth + 1))
                        .collect::<Result<Vec<_>, _>>()?;
                    out.push(Piece::Merge(at, branches));
                    at = from;
                }
            }
        }
        out.reverse();
        Ok(out)
    }
}

fn count(pieces: &[Piece], seen: &mut [u32]) {
    for p in pieces {
        match p {
            Piece::One(i) => seen[*i] += 1,
            Piece::Merge(i, branches) => {
                seen[*i] += 1;
                for b in branches {
                    count(b, seen);
                }
            }
        }
    }
}

struct Ctx<'a> {
    errors: Vec<ImportError>,
    notes: BTreeMap<Vec<usize>, String>,
    /// Values Keras keeps but does not train (BatchNormalization's moving
    /// mean and variance).
    frozen: u64,
    text: &'a str,
    /// The input is a signal: Keras' `(steps, channels)`, read as
    /// layerlab's `[C, L]` because 1-D convolutions and pools read it.
    signal: bool,
    /// The model is one chain of layers (a Sequential): a sequence met by
    /// a 1-D convolution can be turned once, and all after it read so.
    chain: bool,
    /// Layers that add or multiply a plain number, left out of the table.
    constants: usize,
}

impl Ctx<'_> {
    fn fail(&mut self, node: &Node, message: String) {
        // `model.to_json()` writes one line: a line number says nothing
        // there, and the layer's class and name say where.
        let one_line = !self.text.trim_end().contains('\n');
        let line = (!one_line)
            .then(|| line_of(self.text, &format!("\"{}\"", node.name)))
            .flatten();
        self.errors.push(ImportError {
            line,
            message: format!("{} “{}”: {message}", node.class, node.name),
        });
    }

    fn push(&mut self, list: &mut Vec<Layer>, base: &[usize], layer: Layer, note: Option<String>) {
        super::push_noted(&mut self.notes, list, base, layer, note);
    }

    fn convert(
        &mut self,
        nodes: &[Node],
        pieces: &[Piece],
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        for piece in pieces {
            let here = if self.errors.is_empty() {
                output_of(input, list)
            } else {
                None
            };
            match piece {
                Piece::One(i) => {
                    let node = &nodes[*i];
                    if keeps_pooled_map(node, here, list) {
                        // GlobalAveragePooling2D then Reshape((1, 1, C)), as
                        // Keras' squeeze-excitation writes it: one pool that
                        // keeps the map, 1×1×C.
                        if let (Some(last), Ok(pool)) = (
                            list.last_mut(),
                            make(Kind::AdaptiveAvgPool, &[(Field::Output, Value::Int(1))]),
                        ) {
                            *last = pool;
                        }
                        continue;
                    }
                    match self.layers_for(node, here) {
                        Ok(made) => {
                            for (layer, note) in made {
                                self.push(list, base, layer, note);
                            }
                        }
                        Err(why) => self.fail(node, why),
                    }
                }
                Piece::Merge(i, branches) => {
                    let node = &nodes[*i];
                    let kind = match node.class {
                        // Inception-ResNet's x + scale · branch: an add
                        // (the fixed scale has no weights).
                        "Add" | "CustomScaleLayer" => Kind::Add,
                        "Multiply" => Kind::Multiply,
                        "Concatenate" => {
                            let axis = node.config.get("axis").and_then(Json::as_i64).unwrap_or(-1);
                            let rank = here.map_or(3, |s| s.rank());
                            if axis != -1 && axis != rank as i64 {
                                self.fail(node, t!("import-concat-axis", axis = axis.to_string()));
                            }
                            Kind::Concat
                        }
                        other => {
                            self.fail(node, t!("import-unknown-merge", class = other.to_string()));
                            continue;
                        }
                    };
                    let at = here.unwrap_or(input);
                    let mut path = base.to_vec();
                    path.push(list.len());
                    let mut merge = Layer::new(kind);
                    merge.branches = branches
                        .iter()
                        .enumerate()
                        .map(|(b, pieces)| {
                            let mut branch = Vec::new();
                            let branch_base = [path.clone(), vec![b]].concat();
                            self.convert(nodes, pieces, at, &mut branch, &branch_base);
                            branch
                        })
                        .collect();
                    list.push(merge);
                }
            }
        }
    }

    /// The layers for one Keras layer (none for an InputLayer; a separable
    /// convolution is two), each with a note where one is due.
    fn layers_for(
        &mut self,
        node: &Node,
        here: Option<Shape>,
    ) -> Result<Vec<(Layer, Option<String>)>, String> {
        // A text CNN: an Embedding's (steps, features) met by a Conv1D,
        // which reads them as (steps, channels). In a chain, the sequence
        // is turned to layerlab's [C, L] here and every later layer reads
        // the signal so; elsewhere this is refused below.
        if ONE_D.contains(&node.class)
            && !self.signal
            && self.chain
            && let Some(Shape::Matrix { rows, cols }) = here
        {
            self.signal = true;
            let turned = Some(Shape::Matrix {
                rows: cols,
                cols: rows,
            });
            let mut made = vec![(Layer::new(Kind::ToTokens), Some(t!("import-keras-turn")))];
            made.extend(self.layers_for(node, turned)?);
            return Ok(made);
        }
        let c = node.config;
        let int = |key: &str| -> Result<i64, String> {
            c.get(key)
                .and_then(Json::as_i64)
                .ok_or_else(|| t!("import-missing-argument", key = key))
        };
        // A setting that is there but cannot be read is an error, never
        // layerlab's default in its place.
        let window_value = |v: &Json| -> Option<Value> {
            match v {
                Json::Number(n) => Some(Value::Int(n.as_i64()?)),
                Json::Array(a) => {
                    let v: Vec<i64> = a.iter().map(Json::as_i64).collect::<Option<_>>()?;
                    match v.as_slice() {
                        [a] => Some(Value::Int(*a)),
                        [a, b] if a == b => Some(Value::Int(*a)),
                        [a, b] => Some(Value::Pair(*a, *b)),
                        [a, b, c] if a == b && b == c => Some(Value::Int(*a)),
                        [a, b, c] => Some(Value::Triple(*a, *b, *c)),
                        _ => None,
                    }
                }
                _ => None,
            }
        };
        let window = |key: &str| -> Result<Option<Value>, String> {
            match c.get(key) {
                None | Some(Json::Null) => Ok(None),
                Some(v) => window_value(v)
                    .map(Some)
                    .ok_or_else(|| t!("import-not-a-number", key = key, value = v.to_string())),
            }
        };
        let padding = || -> Result<Option<(Field, Value)>, String> {
            match c.get("padding") {
                None => Ok(None),
                Some(Json::String(p)) if p == "valid" => Ok(None),
                Some(Json::String(p)) if p == "same" => {
                    Ok(Some((Field::Padding, Value::Word("same".into()))))
                }
                // Causal pads only the start, by what "same" pads in all:
                // the same length at every stride (⌈L/s⌉) and the same
                // weights; only which steps each output sees differs.
                Some(Json::String(p)) if p == "causal" => {
                    Ok(Some((Field::Padding, Value::Word("same".into()))))
                }
                Some(v) => Err(t!("import-keras-padding", value = v.to_string())),
            }
        };
        let signal = self.signal;
        let on_steps = |here: Option<Shape>| -> Result<(), String> {
            // A Dense, a norm or a recurrent layer reads Keras' last axis:
            // the channels, which a signal read as [C, L] does not keep last.
            if signal && matches!(here, Some(Shape::Matrix { .. })) {
                return Err(t!("import-keras-signal", class = node.class.to_string()));
            }
            Ok(())
        };
        let bias = c.get("use_bias").and_then(Json::as_bool).unwrap_or(true);
        if c.get("data_format").and_then(Json::as_str) == Some("channels_first") {
            return Err(t!("import-channels-first"));
        }
        let activation = || -> Result<(Option<Activation>, Option<String>), String> {
            match c
                .get("activation")
                .and_then(Json::as_str)
                .unwrap_or("linear")
            {
                "linear" => Ok((None, None)),
                name => activation(name),
            }
        };
        let one = |layer: Layer| Ok(vec![(layer, None)]);
        let channels = here.map(|s| s.channels());
        match node.class {
            "InputLayer" => Ok(Vec::new()),
            // `x + 3.0`, `x * (1 / 6)`: a plain number, no weights, the
            // same shape (MobileNetV3's hard sigmoid, relu6(x + 3) / 6).
            "Add" | "Multiply" | "Subtract" | "TrueDivide" | "Divide"
                if node.preds.len() == 1 && node.scalars =>
            {
                self.constants += 1;
                Ok(Vec::new())
            }
            // A Sequential model used as a layer (ConvNeXt's stem and
            // downsampling layers): its layers in order, in its place.
            "Sequential" => {
                let inner = c
                    .get("layers")
                    .and_then(Json::as_array)
                    .ok_or_else(|| t!("import-not-a-model"))?;
                let mut made: Vec<(Layer, Option<String>)> = Vec::new();
                let mut at = here;
                for l in inner {
                    let config = l.get("config").unwrap_or(&Json::Null);
                    let inner = Node {
                        class: l.get("class_name").and_then(Json::as_str).unwrap_or("?"),
                        name: (config.get("name").and_then(Json::as_str).unwrap_or("?")).into(),
                        config,
                        preds: Vec::new(),
                        scalars: false,
                    };
                    let more = self
                        .layers_for(&inner, at)
                        .map_err(|why| format!("{} “{}”: {why}", inner.class, inner.name))?;
                    let layers: Vec<Layer> = more.iter().map(|(l, _)| l.clone()).collect();
                    at = at.and_then(|h| output_of(h, &layers));
                    made.extend(more);
                }
                Ok(made)
            }
            "Conv1D" | "Conv2D" | "Conv3D" => {
                let kind = match node.class {
                    "Conv1D" => Kind::Conv1d,
                    "Conv2D" => Kind::Conv2d,
                    _ => Kind::Conv3d,
                };
                let mut s = vec![
                    (Field::Filters, Value::Int(int("filters")?)),
                    (Field::Bias, Value::Bool(bias)),
                ];
                if kind == Kind::Conv1d && !signal {
                    return Err(t!("import-keras-conv1d-sequence"));
                }
                let kernel = window("kernel_size")?
                    .ok_or_else(|| t!("import-missing-argument", key = "kernel_size"))?;
                s.push((Field::Kernel, kernel));
                for (key, field) in [
                    ("strides", Field::Stride),
                    ("dilation_rate", Field::Dilation),
                ] {
                    if let Some(v) = window(key)? {
                        s.push((field, v));
                    }
                }
                if let Some(g) = c.get("groups").and_then(Json::as_i64).filter(|&g| g != 1) {
                    s.push((Field::Groups, Value::Int(g)));
                }
                s.extend(padding()?);
                let mut layer = make(kind, &s)?;
                let (act, note) = activation()?;
                layer.activation = act;
                let causal = c.get("padding").and_then(Json::as_str) == Some("causal");
                let note = if causal {
                    Some(t!("import-causal-same"))
                } else {
                    note
                };
                Ok(vec![(layer, note)])
            }
            "DepthwiseConv2D" | "SeparableConv2D" => {
                let c_in = channels.ok_or_else(|| t!("import-needs-channels"))?;
                let multiplier = c
                    .get("depth_multiplier")
                    .and_then(Json::as_i64)
                    .unwrap_or(1);
                let c_in = i64::try_from(c_in).map_err(|_| t!("import-needs-channels"))?;
                let separable = node.class == "SeparableConv2D";
                let mut s = vec![
                    (Field::Filters, Value::Int(c_in * multiplier)),
                    (Field::Groups, Value::Int(c_in)),
                    (Field::Bias, Value::Bool(bias && !separable)),
                ];
                let kernel = window("kernel_size")?
                    .ok_or_else(|| t!("import-missing-argument", key = "kernel_size"))?;
                s.push((Field::Kernel, kernel));
                for (key, field) in [
                    ("strides", Field::Stride),
                    ("dilation_rate", Field::Dilation),
                ] {
                    if let Some(v) = window(key)? {
                        s.push((field, v));
                    }
                }
                s.extend(padding()?);
                let mut depthwise = make(Kind::Conv2d, &s)?;
                let note = Some(t!("import-depthwise"));
                if !separable {
                    let (act, act_note) = activation()?;
                    depthwise.activation = act;
                    return Ok(vec![(depthwise, note.or(act_note))]);
                }
                let mut pointwise = make(
                    Kind::Conv2d,
                    &[
                        (Field::Filters, Value::Int(int("filters")?)),
                        (Field::Kernel, Value::Int(1)),
                        (Field::Bias, Value::Bool(bias)),
                    ],
                )?;
                let (act, _) = activation()?;
                pointwise.activation = act;
                Ok(vec![
                    (depthwise, Some(t!("import-separable"))),
                    (pointwise, None),
                ])
            }
            // On a map Keras' Dense reads each position's channels (its
            // last axis): a 1×1 convolution, the same weights. So on a
            // signal read as [C, L].
            "Dense"
                if matches!(here, Some(Shape::Image { .. } | Shape::Volume { .. }))
                    || (signal && matches!(here, Some(Shape::Matrix { .. }))) =>
            {
                let kind = match here {
                    Some(Shape::Volume { .. }) => Kind::Conv3d,
                    Some(Shape::Matrix { .. }) => Kind::Conv1d,
                    _ => Kind::Conv2d,
                };
                let mut layer = make(
                    kind,
                    &[
                        (Field::Filters, Value::Int(int("units")?)),
                        (Field::Kernel, Value::Int(1)),
                        (Field::Bias, Value::Bool(bias)),
                    ],
                )?;
                let (act, note) = activation()?;
                layer.activation = act;
                Ok(vec![(
                    layer,
                    Some(note.unwrap_or(t!("import-dense-on-map"))),
                )])
            }
            "Dense" => {
                on_steps(here)?;
                let mut layer = make(
                    Kind::Dense,
                    &[
                        (Field::Units, Value::Int(int("units")?)),
                        (Field::Bias, Value::Bool(bias)),
                    ],
                )?;
                let (act, note) = activation()?;
                layer.activation = act;
                Ok(vec![(layer, note)])
            }
            "Flatten" => one(Layer::new(Kind::Flatten)),
            "MaxPooling1D" | "MaxPooling2D" | "MaxPooling3D" | "AveragePooling1D"
            | "AveragePooling2D" | "AveragePooling3D" => {
                let kind = match node.class {
                    "MaxPooling1D" => Kind::MaxPool1d,
                    "MaxPooling2D" => Kind::MaxPool,
                    "MaxPooling3D" => Kind::MaxPool3d,
                    "AveragePooling1D" => Kind::AvgPool1d,
                    "AveragePooling2D" => Kind::AvgPool,
                    _ => Kind::AvgPool3d,
                };
                if matches!(kind, Kind::MaxPool1d | Kind::AvgPool1d) && !signal {
                    return Err(t!("import-keras-conv1d-sequence"));
                }
                // Keras' pool_size defaults to 2, its strides to the pool.
                let pool = window("pool_size")?.unwrap_or(Value::Int(2));
                let mut s = vec![(Field::Kernel, pool)];
                if let Some(v) = window("strides")? {
                    s.push((Field::Stride, v));
                }
                s.extend(padding()?);
                one(make(kind, &s)?)
            }
            // Over a signal's steps: a mean per channel, or a max pool as
            // long as the signal (then flattened).
            "GlobalAveragePooling1D" | "GlobalMaxPooling1D"
                if signal && c.get("keepdims").and_then(Json::as_bool) != Some(true) =>
            {
                let Some(Shape::Matrix { cols: steps, .. }) = here else {
                    return Err(t!("import-keras-signal", class = node.class.to_string()));
                };
                if node.class == "GlobalAveragePooling1D" {
                    return one(Layer::new(Kind::GlobalAvgPool));
                }
                let steps = Value::Int(i64::try_from(steps).unwrap_or(i64::MAX));
                let pool = make(Kind::MaxPool1d, &[(Field::Kernel, steps)])?;
                Ok(vec![
                    (pool, Some(t!("import-global-max-1d"))),
                    (Layer::new(Kind::Flatten), None),
                ])
            }
            "GlobalAveragePooling2D" | "GlobalMaxPooling2D" => {
                let keep = c.get("keepdims").and_then(Json::as_bool).unwrap_or(false);
                let kind = if node.class == "GlobalAveragePooling2D" {
                    Kind::AdaptiveAvgPool
                } else {
                    Kind::AdaptiveMaxPool
                };
                let pool = make(kind, &[(Field::Output, Value::Int(1))])?;
                match (node.class, keep) {
                    ("GlobalAveragePooling2D", false) => one(Layer::new(Kind::GlobalAvgPool)),
                    (_, true) => one(pool),
                    _ => Ok(vec![
                        (pool, Some(t!("import-global-max"))),
                        (Layer::new(Kind::Flatten), None),
                    ]),
                }
            }
            "BatchNormalization" => {
                let center = c.get("center").and_then(Json::as_bool).unwrap_or(true);
                let scale = c.get("scale").and_then(Json::as_bool).unwrap_or(true);
                self.frozen = self
                    .frozen
                    .saturating_add(channels.unwrap_or(0).saturating_mul(2));
                one(make(
                    Kind::BatchNorm,
                    &[
                        (Field::Weight, Value::Bool(scale)),
                        (Field::Bias, Value::Bool(center)),
                    ],
                )?)
            }
            "LayerNormalization" => {
                on_steps(here)?;
                let center = c.get("center").and_then(Json::as_bool).unwrap_or(true);
                let scale = c.get("scale").and_then(Json::as_bool).unwrap_or(true);
                // Keras counts the batch axis: the last is -1 or the rank.
                let rank = here.map_or(-1, |h| h.rank() as i64);
                let axes: Option<Vec<i64>> = match c.get("axis") {
                    None => Some(vec![-1]),
                    Some(Json::Number(n)) => n.as_i64().map(|a| vec![a]),
                    Some(Json::Array(v)) => v.iter().map(Json::as_i64).collect(),
                    Some(_) => None,
                };
                if !matches!(axes.as_deref(), Some([a]) if *a == -1 || *a == rank) {
                    return Err(t!("import-keras-norm-axis"));
                }
                let mut s = match (scale, center) {
                    (true, bias) => vec![(Field::Bias, Value::Bool(bias))],
                    (false, false) => vec![(Field::Affine, Value::Bool(false))],
                    (false, true) => return Err(t!("import-no-affine")),
                };
                // A map's last axis in Keras is its channels.
                if matches!(here, Some(Shape::Image { .. } | Shape::Volume { .. })) {
                    s.push((Field::Over, Value::Word("channels".into())));
                }
                one(make(Kind::LayerNorm, &s)?)
            }
            "Dropout" | "SpatialDropout1D" | "SpatialDropout2D" | "SpatialDropout3D"
            | "AlphaDropout" | "GaussianDropout" => {
                let rate = c.get("rate").and_then(Json::as_f64).unwrap_or(0.5);
                one(make(Kind::Dropout, &[(Field::Rate, Value::Float(rate))])?)
            }
            "Activation" => {
                let name = c
                    .get("activation")
                    .and_then(Json::as_str)
                    .unwrap_or("linear");
                if name == "linear" {
                    return Ok(Vec::new());
                }
                let (act, note) = activation()?;
                Ok(vec![(Layer::new(kind_of(act)), note)])
            }
            "ReLU" => {
                let six = c.get("max_value").and_then(Json::as_f64) == Some(6.0);
                let note = six.then(|| t!("import-as-relu", class = "ReLU(max_value=6)"));
                let leaky = c
                    .get("negative_slope")
                    .and_then(Json::as_f64)
                    .is_some_and(|s| s != 0.0);
                let note = note.or_else(|| {
                    leaky.then(|| t!("import-as-relu", class = "ReLU(negative_slope)"))
                });
                Ok(vec![(Layer::new(Kind::Relu), note)])
            }
            "Softmax" => one(Layer::new(Kind::Softmax)),
            "LeakyReLU" | "ELU" => Ok(vec![(
                Layer::new(Kind::Relu),
                Some(t!("import-as-relu", class = node.class)),
            )]),
            "ZeroPadding2D" => {
                let (t, b, l, r) = match c.get("padding") {
                    Some(Json::Number(n)) => {
                        let n = n.as_i64().unwrap_or(0);
                        (n, n, n, n)
                    }
                    Some(Json::Array(a)) => {
                        let pair = |v: &Json| -> Option<(i64, i64)> {
                            match v {
                                Json::Number(n) => Some((n.as_i64()?, n.as_i64()?)),
                                Json::Array(p) => Some((p.first()?.as_i64()?, p.get(1)?.as_i64()?)),
                                _ => None,
                            }
                        };
                        let h = a
                            .first()
                            .and_then(pair)
                            .ok_or_else(|| t!("import-missing-argument", key = "padding"))?;
                        let w = a
                            .get(1)
                            .and_then(pair)
                            .ok_or_else(|| t!("import-missing-argument", key = "padding"))?;
                        (h.0, h.1, w.0, w.1)
                    }
                    _ => return Err(t!("import-missing-argument", key = "padding")),
                };
                one(make(
                    Kind::ZeroPad,
                    &[
                        (Field::Top, Value::Int(t)),
                        (Field::Bottom, Value::Int(b)),
                        (Field::Left, Value::Int(l)),
                        (Field::Right, Value::Int(r)),
                    ],
                )?)
            }
            "UpSampling2D" => {
                let size = window("size")?.unwrap_or(Value::Int(2));
                let mode = match c.get("interpolation").and_then(Json::as_str) {
                    Some("bilinear") => "bilinear",
                    _ => "nearest",
                };
                one(make(
                    Kind::Upsample,
                    &[
                        (Field::Scale, size),
                        (Field::Mode, Value::Word(mode.into())),
                    ],
                )?)
            }
            "Embedding" => one(make(
                Kind::Embedding,
                &[
                    (Field::Vocab, Value::Int(int("input_dim")?)),
                    (Field::Dim, Value::Int(int("output_dim")?)),
                ],
            )?),
            "Rescaling" => Ok(Vec::new()),
            // Mean and variance fixed from data (adapt), no trainable
            // weights: the identity in the table, its values said.
            "Normalization" => {
                let c = channels.unwrap_or(0);
                self.frozen = self
                    .frozen
                    .saturating_add(c.saturating_mul(2).saturating_add(1));
                Ok(Vec::new())
            }
            // ConvNeXt's learned per-channel scale (keras.applications').
            "LayerScale" => one(Layer::new(Kind::LayerScale)),
            // To a vector of all the values: a flatten (MobileNet's head).
            "Reshape" => {
                let target: Option<Vec<u64>> = c
                    .get("target_shape")
                    .and_then(Json::as_array)
                    .and_then(|a| a.iter().map(Json::as_u64).collect());
                match (target.as_deref(), here.and_then(|s| s.elements())) {
                    (Some([n]), Some(all)) if *n == all => Ok(vec![(
                        Layer::new(Kind::Flatten),
                        Some(t!("import-reshape-flatten")),
                    )]),
                    _ => Err(t!("import-reshape")),
                }
            }
            other => Err(t!("import-unknown-keras-layer", class = other.to_string())),
        }
    }
}

/// A Keras activation's name as layerlab's, with a note when it only
/// stands in for one (the same shape, no weights).
fn activation(name: &str) -> Result<(Option<Activation>, Option<String>), String> {
    // Keras' names for layerlab's activations; the rest without weights
    // count as a relu, and say so.
    let known = match name {
        "swish" => Some(Activation::Silu),
        "hard_silu" | "hard_swish" => Some(Activation::Hardswish),
        "hard_sigmoid" => Some(Activation::Hardsigmoid),
        other => Activation::from_name(other),
    };
    Ok(match (known, name) {
        (Some(act), _) => (Some(act), None),
        (None, "selu" | "softplus" | "softsign" | "exponential" | "celu") => (
            Some(Activation::Relu),
            Some(t!("import-as-relu", class = name)),
        ),
        (None, other) => return Err(t!("import-unknown-activation", name = other.to_string())),
    })
}

/// The layer kind of an activation: the kind of the same name.
fn kind_of(act: Option<Activation>) -> Kind {
    let name = act.map_or("relu", Activation::name);
    <Kind as strum::IntoEnumIterator>::iter()
        .find(|k| k.name() == name)
        .unwrap_or(Kind::Relu)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Keras 2 Functional model: `inbound_nodes` as `[[name, 0, 0, {}]]`.
    fn keras2(layers: &[(&str, &str, &str, &[&str])]) -> String {
        let items: Vec<String> = layers
            .iter()
            .map(|(class, name, config, inbound)| {
                let nodes: Vec<String> = inbound.iter().map(|n| format!("[\"{n}\", 0, 0, {{}}]")).collect();
                let inbound = if nodes.is_empty() { "[]".to_string() } else { format!("[[{}]]", nodes.join(", ")) };
                format!("{{\"class_name\": \"{class}\", \"name\": \"{name}\", \"config\": {{\"name\": \"{name}\"{config}}}, \"inbound_nodes\": {inbound}}}")
            })
            .collect();
        format!(
            "{{\"class_name\": \"Model\", \"config\": {{\"name\": \"m\", \"layers\": [{}]}}, \"keras_version\": \"2.15.0\"}}",
            items.join(", ")
        )
    }

    #[test]
    fn a_keras_2_graph_with_nested_merges_becomes_nested_branches() {
        let conv = ", \"filters\": 4, \"kernel_size\": [3, 3], \"padding\": \"same\"";
        let text = keras2(&[
            (
                "InputLayer",
                "in",
                ", \"batch_input_shape\": [null, 8, 8, 4]",
                &[],
            ),
            ("Conv2D", "a", conv, &["in"]),
            ("Conv2D", "b", conv, &["a"]),
            ("Add", "inner", "", &["a", "b"]),
            ("Add", "outer", "", &["in", "inner"]),
            ("Flatten", "f", "", &["outer"]),
        ]);
        let imported = import(&text, None, "t").unwrap();
        let net = &imported.net;
        assert_eq!(net.input, Shape::Image { c: 4, h: 8, w: 8 });
        assert_eq!(net.layers[0].kind, Kind::Add, "the outer add first");
        let outer = &net.layers[0].branches;
        assert!(outer[0].is_empty(), "the input itself is one branch");
        assert_eq!(outer[1][0].kind, Kind::Conv2d);
        assert_eq!(outer[1][1].kind, Kind::Add, "then the inner add");
        assert_eq!(net.layers[1].kind, Kind::Flatten);
        let params = crate::engine::analyze(net).totals.params;
        assert_eq!(params, Some(2 * (3 * 3 * 4 * 4 + 4)));
    }

    #[test]
    fn a_layer_shared_by_branches_that_do_not_meet_is_refused() {
        let conv = ", \"filters\": 4, \"kernel_size\": [1, 1]";
        // `a` feeds both adds, which meet only later: no nest of branches.
        let text = keras2(&[
            (
                "InputLayer",
                "in",
                ", \"batch_input_shape\": [null, 8, 8, 4]",
                &[],
            ),
            ("Conv2D", "a", conv, &["in"]),
            ("Conv2D", "b", conv, &["in"]),
            ("Add", "x", "", &["a", "b"]),
            ("Add", "y", "", &["a", "x"]),
            ("Add", "z", "", &["b", "y"]),
        ]);
        let e = import(&text, None, "t").unwrap_err();
        assert!(
            e[0].message.contains("no single add or concatenate joins"),
            "{:?}",
            e
        );
    }
}
