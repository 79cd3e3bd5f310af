//! `attention` on a sequence `[L, E]`: h query heads of width d (E / h
//! unless `head_dim` says), kv key/value heads (grouped-query; 1 is
//! multi-query), biases on q, k, v (`bias`) and on the output
//! (`out_bias`), an RMSNorm of d on queries and keys (`qk_norm`), rotary
//! positions (`rope`, no weights, no length limit) and a sliding window.
//! At the defaults it is PyTorch's `nn.MultiheadAttention`: 4E² + 4E.

use super::sequence::{py_bool, sequence};
use super::{Direction, Family, Spatial, Step, keras_has_none, product, too_large};
use crate::engine::Problem;
use crate::export::{ExportError, Exported, helpers};
use crate::layer::{Field, Layer};
use crate::network::{Kernels, Shape};
use crate::units::thousands;

pub struct Attention;

/// The heads of an attention layer on E features: h, kv and d, checked
/// as PyTorch would refuse them.
#[derive(Clone, Copy)]
struct Heads {
    h: u64,
    kv: u64,
    d: u64,
}

fn heads(layer: &Layer, e: u64) -> Result<Heads, Problem> {
    let x = &layer.extra;
    let h = x.heads.get();
    let d = match x.head_dim {
        Some(d) => d.get(),
        None if e.is_multiple_of(h) => e / h,
        None => return Err(Problem::Heads { dim: e, heads: h }),
    };
    let kv = x.kv_heads.map_or(h, |kv| kv.get());
    if !h.is_multiple_of(kv) {
        return Err(Problem::KvHeads {
            heads: h,
            kv_heads: kv,
        });
    }
    if x.rope && !d.is_multiple_of(2) {
        return Err(Problem::OddHeadDim { head_dim: d });
    }
    Ok(Heads { h, kv, d })
}

/// Whether the output projection has a bias.
fn out_bias(layer: &Layer) -> bool {
    layer.extra.out_bias.unwrap_or(layer.bias)
}

/// E·h·d (q) + 2·E·kv·d (k, v) + h·d·E (out), plus h·d + 2·kv·d with
/// `bias`, E with `out_bias` and 2·d with `qk_norm` (h·d + kv·d when it
/// spans all heads).
fn params(layer: &Layer, e: u64, hs: Heads) -> Result<u64, Problem> {
    let Heads { h, kv, d } = hs;
    let p = |f: &[u64]| product(f, "parameter count");
    let mut parts = vec![p(&[e, h, d])?, p(&[2, e, kv, d])?, p(&[h, d, e])?];
    if layer.bias {
        parts.extend([p(&[h, d])?, p(&[2, kv, d])?]);
    }
    if out_bias(layer) {
        parts.push(e);
    }
    if layer.extra.qk_norm && layer.extra.qk_norm_all {
        parts.extend([p(&[h, d])?, p(&[kv, d])?]);
    } else if layer.extra.qk_norm {
        parts.push(p(&[2, d])?);
    }
    (parts.into_iter())
        .try_fold(0u64, u64::checked_add)
        .ok_or(too_large("parameter count"))
}

/// The keys each query reads: all L, or the window.
fn keys(layer: &Layer, l: u64) -> u64 {
    layer.extra.window.map_or(l, |w| w.get().min(l))
}

/// L·E·(h·d + 2·kv·d) + L·h·d·E + 2·L·S·h·d.
fn macs(layer: &Layer, l: u64, e: u64, hs: Heads) -> Result<u64, Problem> {
    let Heads { h, kv, d } = hs;
    let m = |f: &[u64]| product(f, "MAC count");
    let qkv = m(&[h, d])?
        .checked_add(m(&[2, kv, d])?)
        .ok_or(too_large("MAC count"))?;
    [
        m(&[l, e, qkv])?,
        m(&[l, h, d, e])?,
        m(&[2, l, keys(layer, l), h, d])?,
    ]
    .into_iter()
    .try_fold(0u64, u64::checked_add)
    .ok_or(too_large("MAC count"))
}

/// `, dropout=0.1` for dropout on the weights, nothing without.
fn dropout(layer: &Layer, name: &str) -> String {
    if layer.rate > 0.0 {
        format!(", {name}={}", layer.rate)
    } else {
        String::new()
    }
}

/// Whether only `nn.MultiheadAttention`'s settings are used.
pub(crate) fn plain(layer: &Layer) -> bool {
    let x = &layer.extra;
    x.kv_heads.is_none_or(|kv| kv == x.heads)
        && x.head_dim.is_none()
        && out_bias(layer) == layer.bias
        && !x.qk_norm
        && !x.rope
        && x.window.is_none()
}

impl Family for Attention {
    /// The query or the output projection, E·h·d.
    fn largest_weight(&self, layer: &Layer, input: Shape, _params: u64) -> Option<u64> {
        let e = input.last();
        let Heads { h, d, .. } = heads(layer, e).ok()?;
        e.checked_mul(h)?.checked_mul(d)
    }

    fn fields(&self) -> &'static [Field] {
        use Field::*;
        &[
            Heads, KvHeads, HeadDim, Bias, OutBias, QkNorm, Rope, Window, Causal, Rate,
        ]
    }

    fn required(&self) -> &'static [Field] {
        &[Field::Heads]
    }

    /// No dropout on the weights unless asked (`rate`), as today's LLMs.
    fn defaults(&self, layer: &mut Layer) {
        layer.rate = 0.0;
    }

    fn spatial(&self) -> Spatial {
        Spatial::Ends
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        let (l, e) = sequence(layer, input)?;
        let hs = heads(layer, e)?;
        Ok(Step {
            params: params(layer, e, hs)?,
            macs: macs(layer, l, e, hs)?,
            ..Step::passthrough(input)
        })
    }

    /// 2·kv·d values a position (a key and a value per key/value head),
    /// over the positions a token can see: all L, or the window.
    fn cache(&self, layer: &Layer, input: Shape) -> Option<u64> {
        if !layer.extra.causal {
            return Some(0);
        }
        let Shape::Matrix { rows: l, cols: e } = input else {
            return None;
        };
        let Heads { kv, d, .. } = heads(layer, e).ok()?;
        let seen = layer.extra.window.map_or(l, |w| l.min(w.get()));
        2u64.checked_mul(kv)?.checked_mul(d)?.checked_mul(seen)
    }

    /// Eager attention, as transformers runs it: the input (for the
    /// projections), q, k and v with every head's (grouped keys and values
    /// repeated to h heads), the h·L·L weights after softmax (and with
    /// dropout on them its mask and the dropped weights), the joined heads
    /// (the output projection's input), and with `qk_norm` the RMSNorm's
    /// normalised q and k. Backward holds two more h·L·L: the gradients of
    /// the weights and of the scores. A fused kernel keeps the output and a
    /// log-sum-exp per head and position instead of the h·L·L (its dropout
    /// is replayed from the random seed).
    fn saved(
        &self,
        layer: &Layer,
        input: Shape,
        _output: Shape,
        kernel: crate::memory::AttentionKernel,
    ) -> Option<super::Saved> {
        let Shape::Matrix { rows: l, cols: e } = input else {
            return None;
        };
        let Heads { h, kv, d } = heads(layer, e).ok()?;
        let hd = h.checked_mul(d)?;
        let mut per_token = hd.checked_mul(4)?;
        if layer.extra.qk_norm {
            per_token = per_token.checked_add(hd)?.checked_add(kv.checked_mul(d)?)?;
        }
        let (weights, temp) = match kernel {
            crate::memory::AttentionKernel::Eager => {
                let copies = if layer.rate > 0.0 { 3 } else { 1 };
                let temp = l.checked_mul(h)?.checked_mul(l)?.checked_mul(2)?;
                (h.checked_mul(l)?.checked_mul(copies)?, temp)
            }
            crate::memory::AttentionKernel::Flash => (hd.checked_add(h)?, 0),
        };
        per_token = per_token.checked_add(weights)?;
        Some(super::Saved {
            values: l.checked_mul(per_token)?,
            temp,
            why: super::Why::Attention,
            ..super::Saved::INPUT
        })
    }

    /// q: E → h·d, k and v: E → kv·d, o: h·d → E.
    fn lora(&self, layer: &Layer, input: Shape, lora: crate::memory::Lora) -> Option<u64> {
        let e = input.last();
        let Heads { h, kv, d } = heads(layer, e).ok()?;
        let (hd, kvd) = (h.checked_mul(d)?, kv.checked_mul(d)?);
        let sides = [
            (lora.q, e.checked_add(hd)?),
            (lora.k, e.checked_add(kvd)?),
            (lora.v, e.checked_add(kvd)?),
            (lora.o, hd.checked_add(e)?),
        ];
        sides
            .iter()
            .filter(|(on, _)| *on)
            .try_fold(0u64, |sum, (_, n)| {
                sum.checked_add(n.checked_mul(lora.rank)?)
            })
    }

    fn params_line(&self, layer: &Layer, input: Shape, result: &str, _k: Kernels) -> String {
        let e = input.last();
        let Ok(Heads { h, kv, d }) = heads(layer, e) else {
            return t!("family-cannot-be-computed");
        };
        if plain(layer) {
            let bias = if layer.bias {
                format!(" + 4·{e}")
            } else {
                String::new()
            };
            return format!("4·{e}²{bias} = {result}  {}", t!("seq-q-k-v-and-out"));
        }
        let mut s = format!("{e}·{h}·{d} + 2·{e}·{kv}·{d} + {h}·{d}·{e}");
        if layer.bias {
            s.push_str(&format!(" + {h}·{d} + 2·{kv}·{d}"));
        }
        if out_bias(layer) {
            s.push_str(&format!(" + {e}"));
        }
        if layer.extra.qk_norm && layer.extra.qk_norm_all {
            s.push_str(&format!(" + {h}·{d} + {kv}·{d}"));
        } else if layer.extra.qk_norm {
            s.push_str(&format!(" + 2·{d}"));
        }
        format!("{s} = {result}  {}", t!("attention-parts"))
    }

    fn macs_line(&self, layer: &Layer, input: Shape, result: &str) -> Option<String> {
        let Shape::Matrix { rows: l, cols: e } = input else {
            return None;
        };
        let Heads { h, kv, d } = heads(layer, e).ok()?;
        if plain(layer) {
            return Some(format!(
                "4·{l}·{e}² + 2·{l}²·{e} = {result}  {}",
                t!("seq-attention-macs")
            ));
        }
        let s = keys(layer, l);
        Some(format!(
            "{l}·{e}·({h}·{d} + 2·{kv}·{d}) + {l}·{h}·{d}·{e} + 2·{l}·{s}·{h}·{d} = {result}  {}",
            t!("attention-macs", keys = thousands(s))
        ))
    }

    fn label(&self, layer: &Layer) -> String {
        let x = &layer.extra;
        let mut s = format!("attention {}h", x.heads);
        if let Some(kv) = x.kv_heads.filter(|&kv| kv != x.heads) {
            s.push_str(&format!(" kv{kv}"));
        }
        if let Some(d) = x.head_dim {
            s.push_str(&format!(" d{d}"));
        }
        if x.causal {
            s.push_str(" causal");
        }
        if x.rope {
            s.push_str(" rope");
        }
        if let Some(w) = x.window {
            s.push_str(&format!(" w{w}"));
        }
        if x.qk_norm && x.qk_norm_all {
            s.push_str(" qk-norm-all");
        } else if x.qk_norm {
            s.push_str(" qk-norm");
        }
        match (layer.bias, out_bias(layer)) {
            (true, true) => {}
            (false, false) => s.push_str(" no-bias"),
            (true, false) => s.push_str(" qkv-bias"),
            (false, true) => s.push_str(" out-bias"),
        }
        s
    }

    /// `+`/`-`: one head more or less.
    fn resize(&self, layer: &mut Layer, step: Direction) -> Result<(), String> {
        layer.extra.heads = step
            .add_one(layer.extra.heads)
            .ok_or(t!("seq-at-least-one-head"))?;
        Ok(())
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let (l, dim) = (e.layer, e.input.last());
        let x = &l.extra;
        let code = if plain(l) {
            format!(
                "SelfAttention({dim}, {}, bias={}, causal={}{})",
                x.heads,
                py_bool(l.bias),
                py_bool(x.causal),
                dropout(l, "dropout")
            )
        } else {
            let hs = heads(l, dim).unwrap_or(Heads {
                h: x.heads.get(),
                kv: x.heads.get(),
                d: 1,
            });
            let window = x
                .window
                .map_or_else(|| "None".to_string(), |w| w.to_string());
            format!(
                "GroupedAttention({dim}, {}, {}, {}, bias={}, out_bias={}, qk_norm={}, rope={}, window={window}, causal={}{})",
                hs.h,
                hs.kv,
                hs.d,
                py_bool(l.bias),
                py_bool(out_bias(l)),
                match (x.qk_norm, x.qk_norm_all) {
                    (true, true) => "\"all\"",
                    (on, _) => py_bool(on),
                },
                py_bool(x.rope),
                py_bool(x.causal),
                dropout(l, "dropout")
            )
        };
        out.push((format!("l{}", e.number), code));
    }

    fn pytorch_helpers(&self, layer: &Layer) -> &'static [&'static str] {
        if plain(layer) {
            &[helpers::ATTENTION]
        } else {
            &[helpers::GROUPED_ATTENTION]
        }
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let (l, name, dim) = (e.layer, e.keras_name(), e.input.last());
        if plain(l) {
            out.push(format!(
                "SelfAttention({}, {dim} // {}, use_bias={}, causal={}{}, {name})",
                l.extra.heads,
                l.extra.heads,
                py_bool(l.bias),
                py_bool(l.extra.causal),
                dropout(l, "dropout")
            ));
            return Ok(());
        }
        // Keras's GroupQueryAttention has kv heads and a head size of its
        // own, but one bias switch for all four projections and no rotary
        // positions, query/key norms or windows.
        let x = &l.extra;
        let keras_can = out_bias(l) == l.bias && !x.qk_norm && !x.rope && x.window.is_none();
        let hs = heads(l, dim).ok().filter(|_| keras_can);
        let Some(hs) = hs else {
            return Err(keras_has_none(
                e,
                "grouped-query attention with these settings",
            ));
        };
        out.push(format!(
            "GroupedSelfAttention({}, {}, {}, use_bias={}, causal={}{}, {name})",
            hs.h,
            hs.kv,
            hs.d,
            py_bool(l.bias),
            py_bool(x.causal),
            dropout(l, "dropout")
        ));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::Problem;
    use crate::family::try_step;
    use crate::layer::Kind;
    use crate::network::Shape;

    fn seq(l: u64, e: u64) -> Shape {
        Shape::Matrix { rows: l, cols: e }
    }

    #[test]
    fn at_the_defaults_it_is_multihead_attention() {
        let s = try_step(Kind::Attention, &[("heads", "12")], seq(1024, 768)).unwrap();
        assert_eq!(s.params, 4 * 768 * 768 + 4 * 768);
        assert_eq!(s.macs, 4 * 1024 * 768 * 768 + 2 * 1024 * 1024 * 768);
    }

    #[test]
    fn grouped_query_attention_counts_llama_and_qwen() {
        // Llama 3 8B: 32 heads of 128, 8 key/value heads, no biases.
        let llama = [
            ("heads", "32"),
            ("kv_heads", "8"),
            ("bias", "false"),
            ("rope", "true"),
        ];
        let s = try_step(Kind::Attention, &llama, seq(8192, 4096)).unwrap();
        assert_eq!(s.params, 4096 * 4096 * 2 + 2 * 4096 * 8 * 128);
        // Qwen3: heads of 128 wider than E / heads, RMSNorm on q and k.
        let qwen = [
            ("heads", "16"),
            ("kv_heads", "8"),
            ("head_dim", "128"),
            ("bias", "false"),
            ("qk_norm", "true"),
        ];
        let s = try_step(Kind::Attention, &qwen, seq(10, 1024)).unwrap();
        assert_eq!(s.params, 1024 * 2048 + 2 * 1024 * 1024 + 2048 * 1024 + 256);
        // Qwen2: q, k, v with biases, the output without.
        let qwen2 = [("heads", "2"), ("kv_heads", "1"), ("out_bias", "false")];
        let s = try_step(Kind::Attention, &qwen2, seq(3, 8)).unwrap();
        assert_eq!(s.params, 8 * 8 + 2 * 8 * 4 + 8 * 8 + (8 + 2 * 4));
    }

    #[test]
    fn a_window_caps_the_keys_each_query_reads() {
        let full = try_step(Kind::Attention, &[("heads", "4")], seq(100, 16)).unwrap();
        let windowed = try_step(
            Kind::Attention,
            &[("heads", "4"), ("window", "10")],
            seq(100, 16),
        )
        .unwrap();
        assert_eq!(full.params, windowed.params);
        assert_eq!(full.macs - windowed.macs, 2 * 100 * (100 - 10) * 16);
    }

    #[test]
    fn pytorch_refusals_are_red() {
        let e = |s: &[(&str, &str)], e: u64| try_step(Kind::Attention, s, seq(4, e)).unwrap_err();
        assert_eq!(
            e(&[("heads", "4"), ("kv_heads", "3")], 16),
            Problem::KvHeads {
                heads: 4,
                kv_heads: 3
            }
        );
        assert_eq!(
            e(&[("heads", "5")], 32),
            Problem::Heads { dim: 32, heads: 5 }
        );
        assert_eq!(
            e(&[("heads", "2"), ("head_dim", "7"), ("rope", "true")], 16),
            Problem::OddHeadDim { head_dim: 7 }
        );
    }
}
