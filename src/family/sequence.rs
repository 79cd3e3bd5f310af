//! The transformer's layers on sequences `[L, E]` (L positions of E
//! features): `embedding` (token ids → vectors), `pos_embedding` (learned
//! positions, added), `transformer` (one post-norm
//! `nn.TransformerEncoderLayer`) and `first_token` (BERT's `[CLS]`).
//! Counted as PyTorch counts them; attention's MACs grow with L².

use super::{Direction, Family, Step, product, too_large};
use crate::engine::{Problem, Want};
use crate::export::{ExportError, Exported, helpers};
use crate::layer::{Field, Layer};
use crate::network::{Kernels, Shape};
use crate::units::thousands;

/// Which of the sequence layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seq {
    Embedding,
    PosEmbedding,
    Transformer,
    FirstToken,
}

pub struct Sequence(pub Seq);

/// The sequence a layer reads: (L, E), or why it has none.
pub(super) fn sequence(layer: &Layer, input: Shape) -> Result<(u64, u64), Problem> {
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
pub(super) fn attention_params(e: u64, bias: bool) -> Result<u64, Problem> {
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
pub(super) fn attention_macs(l: u64, e: u64) -> Result<u64, Problem> {
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
    /// Token ids for the embedding's gradient (they are the input); a
    /// sum for positions; a view for the first token; and for the fused
    /// encoder layer (`nn.TransformerEncoderLayer`, post-norm, ReLU,
    /// dropout 0.1) what its parts keep: q, k, v and the joined heads,
    /// three dropout masks, both norms' inputs, the feed-forward's ReLU
    /// output, its mask and dropped values, and the eager attention's
    /// h·L·L weights with their dropout mask and dropped values.
    fn saved(
        &self,
        layer: &Layer,
        input: Shape,
        _output: Shape,
        kernel: crate::memory::AttentionKernel,
    ) -> Option<super::Saved> {
        match self.0 {
            Seq::Embedding => Some(super::Saved::INPUT),
            Seq::PosEmbedding => Some(super::Saved::NOTHING),
            Seq::FirstToken => Some(super::Saved::VIEW),
            Seq::Transformer => {
                let Shape::Matrix { rows: l, cols: e } = input else {
                    return None;
                };
                let (h, f) = (layer.extra.heads.get(), layer.extra.ff.get());
                // A fused kernel: the output and a log-sum-exp per head.
                let (weights, temp) = match kernel {
                    crate::memory::AttentionKernel::Eager => (
                        h.checked_mul(l)?.checked_mul(3)?,
                        h.checked_mul(l)?.checked_mul(l)?.checked_mul(2)?,
                    ),
                    crate::memory::AttentionKernel::Flash => (e.checked_add(h)?, 0),
                };
                let per_token = e
                    .checked_mul(9)?
                    .checked_add(weights)?
                    .checked_add(f.checked_mul(3)?)?;
                Some(super::Saved {
                    values: l.checked_mul(per_token)?,
                    temp,
                    why: super::Why::Transformer,
                    ..super::Saved::INPUT
                })
            }
        }
    }

    fn fields(&self) -> &'static [Field] {
        match self.0 {
            Seq::Embedding => &[Field::Vocab, Field::Dim],
            Seq::PosEmbedding => &[Field::MaxLen, Field::Types],
            Seq::Transformer => &[Field::Heads, Field::Ff, Field::Causal],
            Seq::FirstToken => &[],
        }
    }

    fn required(&self) -> &'static [Field] {
        match self.0 {
            Seq::Embedding => &[Field::Vocab, Field::Dim],
            Seq::PosEmbedding => &[Field::MaxLen],
            Seq::Transformer => &[Field::Heads, Field::Ff],
            Seq::FirstToken => &[],
        }
    }

    fn spatial(&self) -> super::Spatial {
        match self.0 {
            Seq::Embedding | Seq::PosEmbedding | Seq::Transformer | Seq::FirstToken => {
                super::Spatial::Ends
            }
        }
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        match self.0 {
            Seq::Embedding => {
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
            Seq::PosEmbedding => {
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
            Seq::Transformer => {
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
            Seq::FirstToken => {
                let (_, e) = sequence(layer, input)?;
                Ok(Step::passthrough(Shape::Flat(e)))
            }
        }
    }

    fn size_lines(&self, layer: &Layer, input: Shape, output: Option<Shape>) -> Vec<String> {
        match (self.0, input, output) {
            (Seq::Embedding, Shape::Flat(l), Some(out)) => {
                vec![t!(
                    "seq-embedding-size",
                    l = l.to_string(),
                    dim = layer.extra.dim.to_string(),
                    out = out.to_string()
                )]
            }
            (Seq::PosEmbedding, Shape::Matrix { rows, .. }, _) => vec![t!(
                "seq-positions-size",
                l = thousands(rows),
                max_len = thousands(layer.extra.max_len.get())
            )],
            (Seq::FirstToken, Shape::Matrix { cols, .. }, _) => {
                vec![t!("seq-first-token-size", e = cols.to_string())]
            }
            _ => super::unchanged(input, output),
        }
    }

    /// A transformer layer's four E × E projections, and its two feed-forward
    /// matrices (E → ff → E) when dense layers are adapted.
    fn lora(&self, layer: &Layer, input: Shape, lora: crate::memory::Lora) -> Option<u64> {
        if self.0 != Seq::Transformer {
            return Some(0);
        }
        let e = input.last();
        let ff = layer.extra.ff.get();
        let square = e.checked_mul(2)?;
        let projections = [lora.q, lora.k, lora.v, lora.o]
            .iter()
            .filter(|on| **on)
            .count() as u64;
        let feed = if lora.dense {
            e.checked_add(ff)?.checked_mul(2)?
        } else {
            0
        };
        square
            .checked_mul(projections)?
            .checked_add(feed)?
            .checked_mul(lora.rank)
    }

    /// A causal transformer layer keeps a key and a value of E for every
    /// position it has seen.
    fn cache(&self, layer: &Layer, input: Shape) -> Option<u64> {
        match (self.0, input) {
            (Seq::Transformer, Shape::Matrix { rows: l, cols: e }) if layer.extra.causal => {
                2u64.checked_mul(e)?.checked_mul(l)
            }
            _ => Some(0),
        }
    }

    fn params_line(&self, layer: &Layer, input: Shape, result: &str, _k: Kernels) -> String {
        let e = input.last();
        match self.0 {
            Seq::Embedding => format!(
                "{}·{} = {result}  {}",
                layer.extra.vocab,
                layer.extra.dim,
                t!("seq-a-vector-per-token")
            ),
            Seq::PosEmbedding if layer.extra.types > 0 => format!(
                "({} + {})·{e} = {result}  {}",
                layer.extra.max_len,
                layer.extra.types,
                t!("seq-positions-and-types")
            ),
            Seq::PosEmbedding => format!(
                "{}·{e} = {result}  {}",
                layer.extra.max_len,
                t!("seq-a-vector-per-position")
            ),
            Seq::Transformer => format!(
                "(4·{e}² + 4·{e}) + ({e} + 1)·{ff} + ({ff} + 1)·{e} + 4·{e} = {result}  {}",
                t!("seq-transformer-parts"),
                ff = layer.extra.ff
            ),
            Seq::FirstToken => t!("family-0-no-weights").to_string(),
        }
    }

    fn macs_line(&self, layer: &Layer, input: Shape, result: &str) -> Option<String> {
        let Shape::Matrix { rows: l, cols: e } = input else {
            return None;
        };
        let attention = format!("4·{l}·{e}² + 2·{l}²·{e}");
        match self.0 {
            Seq::Transformer => Some(format!(
                "{attention} + 2·{l}·{e}·{} = {result}  {}",
                layer.extra.ff,
                t!("seq-transformer-macs")
            )),
            Seq::Embedding | Seq::PosEmbedding | Seq::FirstToken => None,
        }
    }

    fn label(&self, layer: &Layer) -> String {
        match self.0 {
            Seq::Embedding => format!("embedding {}→{}", layer.extra.vocab, layer.extra.dim),
            Seq::PosEmbedding if layer.extra.types > 0 => {
                format!(
                    "pos_embedding {} +{} types",
                    layer.extra.max_len, layer.extra.types
                )
            }
            Seq::PosEmbedding => format!("pos_embedding {}", layer.extra.max_len),
            Seq::Transformer => {
                let mut s = format!("transformer {}h ff{}", layer.extra.heads, layer.extra.ff);
                if layer.extra.causal {
                    s.push_str(" causal");
                }
                s
            }
            Seq::FirstToken => layer.kind.name().to_string(),
        }
    }

    fn resize(&self, layer: &mut Layer, step: Direction) -> Result<(), String> {
        match self.0 {
            Seq::Transformer => {
                layer.extra.heads = step
                    .add_one(layer.extra.heads)
                    .ok_or(t!("seq-at-least-one-head"))?;
                Ok(())
            }
            Seq::Embedding | Seq::PosEmbedding | Seq::FirstToken => {
                Err(t!("app-kind-has-no-kernel-or", kind = layer.kind.name()))
            }
        }
    }

    fn widen(&self, layer: &mut Layer, step: Direction) -> Result<(), String> {
        let field = match self.0 {
            Seq::Embedding => &mut layer.extra.dim,
            Seq::Transformer => &mut layer.extra.ff,
            Seq::PosEmbedding => &mut layer.extra.max_len,
            Seq::FirstToken => {
                return Err(t!("app-kind-has-no-filters-or", kind = layer.kind.name()));
            }
        };
        *field = step
            .double(*field)
            .ok_or(t!("app-too-many-units-at-most"))?;
        Ok(())
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let (n, l) = (&e.number, e.layer);
        let dim = e.input.last();
        let code = match self.0 {
            Seq::Embedding => format!("nn.Embedding({}, {})", l.extra.vocab, l.extra.dim),
            Seq::PosEmbedding => format!(
                "Positions({}, {dim}, types={})",
                l.extra.max_len, l.extra.types
            ),
            Seq::Transformer => format!(
                "Encoder({dim}, {}, {}, causal={})",
                l.extra.heads,
                l.extra.ff,
                py_bool(l.extra.causal)
            ),
            Seq::FirstToken => "FirstToken()".to_string(),
        };
        out.push((format!("l{n}"), code));
    }

    fn pytorch_helpers(&self, _layer: &Layer) -> &'static [&'static str] {
        match self.0 {
            Seq::Embedding => &[],
            Seq::PosEmbedding => &[helpers::POSITIONS],
            Seq::Transformer => &[helpers::ENCODER],
            Seq::FirstToken => &[helpers::FIRST_TOKEN],
        }
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let (l, name) = (e.layer, e.keras_name());
        let dim = e.input.last();
        out.push(match self.0 {
            Seq::Embedding => format!(
                "layers.Embedding({}, {}, {name})",
                l.extra.vocab, l.extra.dim
            ),
            Seq::PosEmbedding => {
                format!(
                    "Positions({}, {dim}, types={}, {name})",
                    l.extra.max_len, l.extra.types
                )
            }
            Seq::Transformer => format!(
                "EncoderLayer({dim}, {}, {}, {name})",
                l.extra.heads, l.extra.ff
            ),
            Seq::FirstToken => format!("FirstToken({name})"),
        });
        Ok(())
    }
}

pub(super) fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}
