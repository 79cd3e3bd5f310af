//! The Keras module, channels last: `keras.Sequential` for a straight line
//! of layers, the functional API (`layers.Add`, `layers.Concatenate`) when
//! the network branches.

use super::{ExportError, Exported, Framework, Node, heading};
use crate::engine::Analysis;
use crate::family::{self, Meet, Spatial};
use crate::layer::Kind;
use crate::network::{Network, Shape};

const POSITIONS: &str = r#"
class Positions(layers.Layer):
    """layerlab's `pos_embedding`: learned positions added to the sequence
    (and `types` token-type vectors, BERT's, counted with them)."""

    def __init__(self, max_len, dim, types=0, **kwargs):
        super().__init__(**kwargs)
        self.max_len, self.dim, self.types = max_len, dim, types

    def build(self, shape):
        assert shape[1] <= self.max_len, "the sequence is longer than max_len"
        self.table = self.add_weight(shape=(self.max_len + self.types, self.dim), initializer="zeros")

    def call(self, x):
        return x + self.table[: x.shape[1]]
"#;

const ATTENTION: &str = r#"
class SelfAttention(layers.Layer):
    """layerlab's `attention`: MultiHeadAttention of the sequence on itself."""

    def __init__(self, heads, key_dim, use_bias=True, causal=False, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.attention = layers.MultiHeadAttention(heads, key_dim, use_bias=use_bias, dropout=dropout)
        self.causal = causal

    def call(self, x):
        return self.attention(x, x, use_causal_mask=self.causal)
"#;

const GROUPED_ATTENTION: &str = r#"
class GroupedSelfAttention(layers.Layer):
    """layerlab's `attention` with kv_heads or head_dim: Keras's
    GroupQueryAttention of the sequence on itself (Keras 3.4 or later)."""

    def __init__(self, heads, kv_heads, head_dim, use_bias=True, causal=False, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.attention = layers.GroupQueryAttention(head_dim, heads, kv_heads, use_bias=use_bias, dropout=dropout)
        self.causal = causal

    def call(self, x):
        return self.attention(x, x, use_causal_mask=self.causal)
"#;

const ENCODER: &str = r#"
class EncoderLayer(layers.Layer):
    """layerlab's `transformer`: PyTorch's post-norm TransformerEncoderLayer
    (attention, add and norm; feed-forward, add and norm)."""

    def __init__(self, dim, heads, ff, causal=False, **kwargs):
        super().__init__(**kwargs)
        self.attention = layers.MultiHeadAttention(heads, dim // heads)
        self.norm1 = layers.LayerNormalization(epsilon=1e-5)
        self.up = layers.Dense(ff, activation="relu")
        self.down = layers.Dense(dim)
        self.norm2 = layers.LayerNormalization(epsilon=1e-5)
        self.causal = causal

    def call(self, x):
        x = self.norm1(x + self.attention(x, x, use_causal_mask=self.causal))
        return self.norm2(x + self.down(self.up(x)))
"#;

const FIRST_TOKEN: &str = r#"
class FirstToken(layers.Layer):
    """layerlab's `first_token`: the first position of each sequence ([CLS])."""

    def call(self, x):
        return x[:, 0]
"#;

const TIED: &str = r#"
class TiedDense(layers.Layer):
    """A dense layer that borrows an embedding's table (a tied LM head)."""

    def __init__(self, embedding, use_bias=True, **kwargs):
        super().__init__(**kwargs)
        self.embedding, self.use_bias = embedding, use_bias

    def build(self, shape):
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.embedding.input_dim,), initializer="zeros")

    def call(self, x):
        y = keras.ops.matmul(x, keras.ops.transpose(self.embedding.embeddings))
        return y + self.bias if self.use_bias else y
"#;

const PAD_LENGTH: &str = r#"
class PadLength(layers.Layer):
    """Zeros before and after a signal (batch, channels, length)."""

    def __init__(self, before, after, **kwargs):
        super().__init__(**kwargs)
        self.sides = (before, after)

    def call(self, x):
        return keras.ops.pad(x, [[0, 0], [0, 0], list(self.sides)])
"#;

pub(super) fn module(
    net: &Network,
    analysis: &Analysis,
    layers: &[Node],
) -> Result<String, ExportError> {
    let ties = super::ties(net)?;
    // A tied head needs its embedding by name: the functional API says it.
    let branching = !ties.is_empty() || layers.iter().any(|n| !matches!(n, Node::Plain(_)));
    let dtype = if super::reads_tokens(net) {
        ", dtype=\"int32\""
    } else {
        ""
    };
    let build = if branching {
        let mut body = String::new();
        for (_, embedding) in &ties {
            let e = layers[embedding - 1].exported();
            let code = keras_layers(e)?.concat();
            body.push_str(&format!("    embedding_l{embedding} = {code}\n"));
        }
        functional(layers, "x", &ties, &mut body)?;
        format!(
            "def build() -> keras.Model:\n    inputs = keras.Input(shape=INPUT_SHAPE{dtype})\n    x = inputs\n{body}    return keras.Model(inputs, x)\n"
        )
    } else {
        let mut body = String::new();
        for node in layers {
            let e = node.exported();
            body.push_str(&format!("        # {}\n", e.comment));
            for code in keras_layers(e)? {
                let comma = if code.starts_with('#') { "" } else { "," };
                body.push_str(&format!("        {code}{comma}\n"));
            }
        }
        format!(
            "def build() -> keras.Sequential:\n    return keras.Sequential([\n        keras.Input(shape=INPUT_SHAPE{dtype}),\n{body}    ])\n"
        )
    };
    let has = |f: &dyn Fn(&crate::layer::Layer) -> bool| {
        let mut found = false;
        for layer in &net.layers {
            layer.walk(&mut |l| found |= f(l));
        }
        found
    };
    let mut classes = String::new();
    for (used, code) in [
        (has(&|l| l.kind == Kind::PosEmbedding), POSITIONS),
        (
            has(&|l| l.kind == Kind::Attention && !family::plain_attention(l)),
            GROUPED_ATTENTION,
        ),
        (
            has(&|l| l.kind == Kind::Attention && family::plain_attention(l)),
            ATTENTION,
        ),
        (has(&|l| l.kind == Kind::Transformer), ENCODER),
        (has(&|l| l.kind == Kind::FirstToken), FIRST_TOKEN),
        (!ties.is_empty(), TIED),
        (
            has(&|l| l.kind.window_axes() == 1 && needs_pad_layer(l)),
            PAD_LENGTH,
        ),
    ] {
        if used {
            classes.push_str(code);
            classes.push('\n');
        }
    }
    let differs = differences(layers);
    let params = analysis.totals.params.unwrap_or(0);
    let expected = if differs.is_empty() {
        format!("EXPECTED_PARAMS = {params}")
    } else {
        let map = (differs.iter())
            .map(|(name, d)| format!("\"{name}\": {d}"))
            .collect::<Vec<_>>()
            .join(", ");
        let keras = params.saturating_sub(differs.iter().map(|(_, d)| d).sum::<u64>());
        format!(
            "# Keras's LSTM and SimpleRNN keep one bias vector per gate where PyTorch\n\
             # keeps two (b_ih and b_hh): these layers have this many more weights in\n\
             # layerlab's count (PyTorch's) than in Keras's.\n\
             KERAS_DIFFERS = {{{map}}}\n\
             EXPECTED_PARAMS = {keras}  # layerlab's {params}, less KERAS_DIFFERS"
        )
    };
    let input = channels_last(net.input);
    let last = layers.last().map_or(net.input, |n| n.exported().output);
    let output = channels_last(last);
    Ok(format!(
        r#""""{heading}"""
import keras
from keras import layers

INPUT_SHAPE = {input}  # {layout}
EXPECTED_OUTPUT = {output}
{expected}

{classes}
{build}

if __name__ == "__main__":
    model = build()
    model.summary()
    # Batch norm's moving mean and variance are not trained: layerlab, like
    # PyTorch, does not count them as parameters.
    # A tied table counts once.
    weights = {{id(w): w for w in model.trainable_weights}}.values()
    params = sum(int(keras.ops.size(w)) for w in weights)
    output = tuple(model.compute_output_shape((1, *INPUT_SHAPE))[1:])
    print("output", output, "trainable parameters", params)
    assert output == EXPECTED_OUTPUT, "output shape differs from layerlab's"
    assert params == EXPECTED_PARAMS, "parameter count differs from layerlab's"
"#,
        heading = heading(net, analysis, Framework::Keras),
        layout = layout(net.input),
    ))
}

/// Functional-API lines for `nodes`, each taking and leaving the tensor in
/// the Python variable `var`.
fn functional(
    nodes: &[Node],
    var: &str,
    ties: &[(usize, usize)],
    out: &mut String,
) -> Result<(), ExportError> {
    for node in nodes {
        let e = node.exported();
        out.push_str(&format!("    # {}\n", e.comment));
        match node {
            Node::Plain(e) if tied_to(e, ties).is_some() || embedding_of(e, ties) => {
                let n = &e.number;
                let code = match tied_to(e, ties) {
                    Some(m) => {
                        let bias = if e.layer.bias { "True" } else { "False" };
                        format!("TiedDense(embedding_l{m}, use_bias={bias}, name=\"l{n}\")")
                    }
                    None => format!("embedding_l{n}"),
                };
                out.push_str(&format!("    {var} = {code}({var})\n"));
            }
            Node::Plain(e) => {
                for code in keras_layers(e)? {
                    if code.starts_with('#') {
                        out.push_str(&format!("    {code}\n"));
                    } else {
                        out.push_str(&format!("    {var} = {code}({var})\n"));
                    }
                }
            }
            Node::Block(e, repetitions) => {
                if e.layer.extra.shared && e.layer.repeat.get() > 1 {
                    return Err(ExportError(t!(
                        "export-keras-has-none",
                        n = e.number.clone(),
                        what = "a block whose passes share their weights"
                    )));
                }
                for list in repetitions {
                    functional(list, var, ties, out)?;
                }
                // The block's own name, for what leaves it.
                let n = &e.number;
                out.push_str(&format!(
                    "    {var} = layers.Identity(name=\"l{n}\")({var})\n"
                ));
            }
            Node::Merge(e, branches) => {
                let n = &e.number;
                let mut names = Vec::new();
                for (b, list) in branches.iter().enumerate() {
                    let branch = format!("x{n}_{}", b + 1);
                    out.push_str(&format!("    {branch} = {var}\n"));
                    functional(list, &branch, ties, out)?;
                    names.push(branch);
                }
                let merge = match (e.layer.kind.spatial(), names.len()) {
                    // Keras merges need two inputs or more.
                    (_, 1) => format!("layers.Identity(name=\"l{n}\")({})", names[0]),
                    (Spatial::Merge(Meet::Add), _) => {
                        format!("layers.Add(name=\"l{n}\")([{}])", names.join(", "))
                    }
                    (Spatial::Merge(Meet::Multiply), _) => {
                        format!("layers.Multiply(name=\"l{n}\")([{}])", names.join(", "))
                    }
                    _ => {
                        // PyTorch's dim 1: channels last in Keras's images
                        // and volumes, the first axis of a 2-D tensor.
                        let axis = match e.output {
                            Shape::Matrix { .. } => 1,
                            _ => -1,
                        };
                        format!(
                            "layers.Concatenate(axis={axis}, name=\"l{n}\")([{}])",
                            names.join(", ")
                        )
                    }
                };
                out.push_str(&format!("    {var} = {merge}\n"));
                if let Some(a) = e.layer.activation {
                    let a = crate::export::keras_activation_name(a);
                    out.push_str(&format!(
                        "    {var} = layers.Activation(\"{a}\", name=\"l{n}_{a}\")({var})\n"
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The top-level embedding a tied head at `e` borrows from.
fn tied_to(e: &Exported, ties: &[(usize, usize)]) -> Option<usize> {
    let n: usize = e.number.parse().ok()?;
    ties.iter().find(|(head, _)| *head == n).map(|(_, m)| *m)
}

/// Whether `e` is an embedding a tied head borrows from.
fn embedding_of(e: &Exported, ties: &[(usize, usize)]) -> bool {
    let n: Option<usize> = e.number.parse().ok();
    ties.iter().any(|(_, m)| Some(*m) == n)
}

/// Whether a 1-D window pads with zeros of its own before it (explicit
/// padding or a `ceil_mode` overhang: Keras's pools know only "valid" and
/// "same").
fn needs_pad_layer(l: &crate::layer::Layer) -> bool {
    matches!(l.padding, crate::layer::Padding::Explicit(_)) || l.ceil_mode
}

/// How many more weights layerlab (PyTorch) counts than Keras, per Keras
/// layer name: Keras's LSTM keeps one bias vector per gate (4h fewer per
/// layer and direction), SimpleRNN one (h fewer). GRU's `reset_after`
/// keeps two, as PyTorch does.
fn differences(nodes: &[Node]) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for node in nodes {
        match node {
            Node::Plain(e) => {
                let l = e.layer;
                let per = match l.kind {
                    Kind::Lstm => 4,
                    Kind::Rnn => 1,
                    _ => 0,
                };
                if per > 0 && l.bias {
                    let dirs = if l.extra.bidirectional { 2 } else { 1 };
                    let d = per * l.extra.hidden.get() * dirs * l.extra.num_layers.get();
                    out.push((format!("l{}", e.number), d));
                }
            }
            Node::Merge(_, inner) | Node::Block(_, inner) => {
                for list in inner {
                    out.extend(differences(list));
                }
            }
        }
    }
    out
}

/// What INPUT_SHAPE's axes are, said in the module.
fn layout(input: Shape) -> &'static str {
    match input {
        Shape::Image { .. } => "Keras puts channels last: (height, width, channels)",
        Shape::Volume { .. } => "Keras puts channels last: (depth, height, width, channels)",
        Shape::Matrix { .. } => {
            "as PyTorch: (L, E) for a sequence, (C, L) for a signal (channels_first)"
        }
        Shape::Flat(_) => "a vector, or token ids",
    }
}

/// `(28, 28, 1)` or `(10,)`.
fn channels_last(shape: Shape) -> String {
    match shape {
        Shape::Image { c, h, w } => format!("({h}, {w}, {c})"),
        Shape::Flat(n) => format!("({n},)"),
        // Keras's Conv1D reads (L, C) where PyTorch's reads (C, L); a
        // sequence (L, E) is the same either way.
        Shape::Matrix { rows, cols } => format!("({rows}, {cols})"),
        Shape::Volume { c, d, h, w } => format!("({d}, {h}, {w}, {c})"),
    }
}

/// The Keras layers for one layerlab layer, from its family (which writes
/// the activation it carries as Keras's `activation=` argument).
fn keras_layers(e: &Exported) -> Result<Vec<String>, ExportError> {
    let mut out = Vec::new();
    family::of(e.layer.kind).keras(e, &mut out)?;
    Ok(out)
}
