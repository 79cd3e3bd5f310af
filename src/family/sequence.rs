//! The transformer's layers on sequences `[L, E]` (L positions of E
//! features): `embedding` (token ids → vectors), `pos_embedding` (learned
//! positions, added), `layernorm`, `attention` (PyTorch's
//! `nn.MultiheadAttention`), `transformer` (one post-norm
//! `nn.TransformerEncoderLayer`) and `first_token` (BERT's `[CLS]`).
//! Counted as PyTorch counts them; attention's MACs grow with L².

use super::{Direction, Family, Step, product, too_large};
use crate::engine::{Problem, Want};
use crate::export::{ExportError, Exported};
use crate::layer::{Field, Kind, Layer};
use crate::network::{Kernels, Shape};
use crate::units::thousands;

pub struct Sequence;

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

/// Attention's four projections (Q, K, V and out), each E×E plus a bias:
/// 4E² + 4E, or 4E² without biases.
fn attention_params(e: u64, bias: bool) -> Result<u64, Problem> {
    let weights = product(&[4, e, e], "parameter count")?;
    let biases = if bias {
        product(&[4, e], "parameter count")?
    } else {
        0
    };
    weights
        .checked_add(biases)
        .ok_or(too_large("parameter count"))
}

/// Attention's MACs on L positions: the projections, 4·L·E², and the two
/// products with L² terms, QKᵀ and the weighted sum of V: 2·L²·E.
fn attention_macs(l: u64, e: u64) -> Result<u64, Problem> {
    let projections = product(&[4, l, e, e], "MAC count")?;
    let products = product(&[2, l, l, e], "MAC count")?;
    projections
        .checked_add(products)
        .ok_or(too_large("MAC count"))
}

/// The heads must split E evenly; PyTorch refuses otherwise.
fn check_heads(layer: &Layer, e: u64) -> Result<(), Problem> {
    let heads = layer.extra.heads.get();
    if e.is_multiple_of(heads) {
        Ok(())
    } else {
        Err(Problem::Heads { dim: e, heads })
    }
}

/// A transformer encoder layer's weights beyond attention: Linear(E, ff),
/// Linear(ff, E) and two LayerNorms.
fn feed_forward_params(e: u64, ff: u64) -> Result<u64, Problem> {
    let up = product(
        &[e.checked_add(1).ok_or(too_large("parameter count"))?, ff],
        "parameter count",
    )?;
    let down = product(
        &[ff.checked_add(1).ok_or(too_large("parameter count"))?, e],
        "parameter count",
    )?;
    let norms = product(&[4, e], "parameter count")?;
    up.checked_add(down)
        .and_then(|n| n.checked_add(norms))
        .ok_or(too_large("parameter count"))
}

impl Family for Sequence {
    fn fields(&self, kind: Kind) -> &'static [Field] {
        match kind {
            Kind::Embedding => &[Field::Vocab, Field::Dim],
            Kind::PosEmbedding => &[Field::MaxLen, Field::Types],
            Kind::LayerNorm => &[Field::Bias],
            Kind::Attention => &[Field::Heads, Field::Bias, Field::Causal],
            Kind::Transformer => &[Field::Heads, Field::Ff, Field::Causal],
            _ => &[],
        }
    }

    fn required(&self, kind: Kind) -> &'static [Field] {
        match kind {
            Kind::Embedding => &[Field::Vocab, Field::Dim],
            Kind::PosEmbedding => &[Field::MaxLen],
            Kind::Attention => &[Field::Heads],
            Kind::Transformer => &[Field::Heads, Field::Ff],
            _ => &[],
        }
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        match layer.kind {
            Kind::Embedding => {
                let Shape::Flat(l) = input else {
                    return Err(Problem::Needs {
                        kind: layer.kind,
                        want: Want::Tokens,
                        got: input,
                    });
                };
                let (vocab, dim) = (layer.extra.vocab.get(), layer.extra.dim.get());
                Ok(Step {
                    params: product(&[vocab, dim], "parameter count")?,
                    ..Step::passthrough(Shape::Matrix { rows: l, cols: dim })
                })
            }
            Kind::PosEmbedding => {
                let (l, e) = sequence(layer, input)?;
                let max_len = layer.extra.max_len.get();
                if l > max_len {
                    return Err(Problem::TooLong { len: l, max_len });
                }
                let rows = max_len
                    .checked_add(layer.extra.types)
                    .ok_or(too_large("parameter count"))?;
                Ok(Step {
                    params: product(&[rows, e], "parameter count")?,
                    ..Step::passthrough(input)
                })
            }
            Kind::LayerNorm => {
                let per = if layer.bias { 2 } else { 1 };
                Ok(Step {
                    params: product(&[per, input.last()], "parameter count")?,
                    ..Step::passthrough(input)
                })
            }
            Kind::Attention => {
                let (l, e) = sequence(layer, input)?;
                check_heads(layer, e)?;
                Ok(Step {
                    params: attention_params(e, layer.bias)?,
                    macs: attention_macs(l, e)?,
                    ..Step::passthrough(input)
                })
            }
            Kind::Transformer => {
                let (l, e) = sequence(layer, input)?;
                check_heads(layer, e)?;
                let ff = layer.extra.ff.get();
                let params = attention_params(e, true)?
                    .checked_add(feed_forward_params(e, ff)?)
                    .ok_or(too_large("parameter count"))?;
                let macs = attention_macs(l, e)?
                    .checked_add(product(&[2, l, e, ff], "MAC count")?)
                    .ok_or(too_large("MAC count"))?;
                Ok(Step {
                    params,
                    macs,
                    ..Step::passthrough(input)
                })
            }
            _ => {
                let (_, e) = sequence(layer, input)?;
                Ok(Step::passthrough(Shape::Flat(e)))
            }
        }
    }

    fn size_lines(&self, layer: &Layer, input: Shape, output: Option<Shape>) -> Vec<String> {
        match (layer.kind, input, output) {
            (Kind::Embedding, Shape::Flat(l), Some(out)) => {
                vec![t!(
                    "seq-embedding-size",
                    l = l.to_string(),
                    dim = layer.extra.dim.to_string(),
                    out = out.to_string()
                )]
            }
            (Kind::PosEmbedding, Shape::Matrix { rows, .. }, _) => vec![t!(
                "seq-positions-size",
                l = thousands(rows),
                max_len = thousands(layer.extra.max_len.get())
            )],
            (Kind::FirstToken, Shape::Matrix { cols, .. }, _) => {
                vec![t!("seq-first-token-size", e = cols.to_string())]
            }
            _ => super::unchanged(input, output),
        }
    }

    fn params_line(&self, layer: &Layer, input: Shape, result: &str, _k: Kernels) -> String {
        let e = input.last();
        match layer.kind {
            Kind::Embedding => format!(
                "{}·{} = {result}  {}",
                layer.extra.vocab,
                layer.extra.dim,
                t!("seq-a-vector-per-token")
            ),
            Kind::PosEmbedding if layer.extra.types > 0 => format!(
                "({} + {})·{e} = {result}  {}",
                layer.extra.max_len,
                layer.extra.types,
                t!("seq-positions-and-types")
            ),
            Kind::PosEmbedding => format!(
                "{}·{e} = {result}  {}",
                layer.extra.max_len,
                t!("seq-a-vector-per-position")
            ),
            Kind::LayerNorm if layer.bias => {
                format!("2·{e} = {result}  {}", t!("seq-a-scale-and-a-shift"))
            }
            Kind::LayerNorm => format!("{e} = {result}  {}", t!("seq-a-scale-only")),
            Kind::Attention if layer.bias => {
                format!("4·{e}² + 4·{e} = {result}  {}", t!("seq-q-k-v-and-out"))
            }
            Kind::Attention => format!("4·{e}² = {result}  {}", t!("seq-q-k-v-and-out")),
            Kind::Transformer => format!(
                "(4·{e}² + 4·{e}) + ({e} + 1)·{ff} + ({ff} + 1)·{e} + 4·{e} = {result}  {}",
                t!("seq-transformer-parts"),
                ff = layer.extra.ff
            ),
            _ => t!("family-0-no-weights").to_string(),
        }
    }

    fn macs_line(&self, layer: &Layer, input: Shape, result: &str) -> Option<String> {
        let Shape::Matrix { rows: l, cols: e } = input else {
            return None;
        };
        let attention = format!("4·{l}·{e}² + 2·{l}²·{e}");
        match layer.kind {
            Kind::Attention => Some(format!(
                "{attention} = {result}  {}",
                t!("seq-attention-macs")
            )),
            Kind::Transformer => Some(format!(
                "{attention} + 2·{l}·{e}·{} = {result}  {}",
                layer.extra.ff,
                t!("seq-transformer-macs")
            )),
            _ => None,
        }
    }

    fn label(&self, layer: &Layer) -> String {
        match layer.kind {
            Kind::Embedding => format!("embedding {}→{}", layer.extra.vocab, layer.extra.dim),
            Kind::PosEmbedding if layer.extra.types > 0 => {
                format!(
                    "pos_embedding {} +{} types",
                    layer.extra.max_len, layer.extra.types
                )
            }
            Kind::PosEmbedding => format!("pos_embedding {}", layer.extra.max_len),
            Kind::LayerNorm if !layer.bias => "layernorm no-bias".to_string(),
            Kind::Attention => {
                let mut s = format!("attention {}h", layer.extra.heads);
                if layer.extra.causal {
                    s.push_str(" causal");
                }
                if !layer.bias {
                    s.push_str(" no-bias");
                }
                s
            }
            Kind::Transformer => {
                let mut s = format!("transformer {}h ff{}", layer.extra.heads, layer.extra.ff);
                if layer.extra.causal {
                    s.push_str(" causal");
                }
                s
            }
            kind => kind.name().to_string(),
        }
    }

    fn resize(&self, layer: &mut Layer, step: Direction) -> Result<(), String> {
        match layer.kind {
            Kind::Attention | Kind::Transformer => {
                layer.extra.heads = step
                    .add_one(layer.extra.heads)
                    .ok_or(t!("seq-at-least-one-head"))?;
                Ok(())
            }
            kind => Err(t!("app-kind-has-no-kernel-or", kind = kind.name())),
        }
    }

    fn widen(&self, layer: &mut Layer, step: Direction) -> Result<(), String> {
        let field = match layer.kind {
            Kind::Embedding => &mut layer.extra.dim,
            Kind::Transformer => &mut layer.extra.ff,
            Kind::PosEmbedding => &mut layer.extra.max_len,
            kind => return Err(t!("app-kind-has-no-filters-or", kind = kind.name())),
        };
        *field = step
            .double(*field)
            .ok_or(t!("app-too-many-units-at-most"))?;
        Ok(())
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let (n, l) = (&e.number, e.layer);
        let dim = e.input.last();
        let code = match l.kind {
            Kind::Embedding => format!("nn.Embedding({}, {})", l.extra.vocab, l.extra.dim),
            Kind::PosEmbedding => format!(
                "Positions({}, {dim}, types={})",
                l.extra.max_len, l.extra.types
            ),
            Kind::LayerNorm if l.bias => format!("nn.LayerNorm({dim})"),
            Kind::LayerNorm => format!("LayerNorm({dim}, bias=False)"),
            Kind::Attention => format!(
                "SelfAttention({dim}, {}, bias={}, causal={})",
                l.extra.heads,
                py_bool(l.bias),
                py_bool(l.extra.causal)
            ),
            Kind::Transformer => format!(
                "Encoder({dim}, {}, {}, causal={})",
                l.extra.heads,
                l.extra.ff,
                py_bool(l.extra.causal)
            ),
            _ => "FirstToken()".to_string(),
        };
        out.push((format!("l{n}"), code));
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let (l, name) = (e.layer, e.keras_name());
        let dim = e.input.last();
        out.push(match l.kind {
            Kind::Embedding => format!(
                "layers.Embedding({}, {}, {name})",
                l.extra.vocab, l.extra.dim
            ),
            Kind::PosEmbedding => {
                format!(
                    "Positions({}, {dim}, types={}, {name})",
                    l.extra.max_len, l.extra.types
                )
            }
            Kind::LayerNorm if l.bias => format!("layers.LayerNormalization(epsilon=1e-5, {name})"),
            Kind::LayerNorm => {
                format!("layers.LayerNormalization(epsilon=1e-5, center=False, {name})")
            }
            Kind::Attention => format!(
                "SelfAttention({}, {dim} // {}, use_bias={}, causal={}, {name})",
                l.extra.heads,
                l.extra.heads,
                py_bool(l.bias),
                py_bool(l.extra.causal)
            ),
            Kind::Transformer => format!(
                "EncoderLayer({dim}, {}, {}, {name})",
                l.extra.heads, l.extra.ff
            ),
            _ => format!("FirstToken({name})"),
        });
        Ok(())
    }
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}
