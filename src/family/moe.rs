//! `moe`: a mixture of experts on a sequence, as Mixtral and DeepSeek hold
//! it. A router Linear(E, experts) without bias picks `top_k` experts per
//! token; each expert is a gated MLP (gate, up and down projections, no
//! biases: 3·E·ff) or, with `gated = false`, Linear(E, ff), the activation
//! and Linear(ff, E) with biases. `shared_experts` see every token. All the
//! experts are parameters; a token uses only its top_k and the shared ones:
//! the network's active parameters, and the MACs counted.

use super::{Family, Spatial, Step, keras_has_none, product, too_large};
use crate::engine::{Problem, Want};
use crate::export::{ExportError, Exported, helpers, pytorch_activation};
use crate::layer::{Activation, Field, Layer};
use crate::network::{Kernels, Shape};

pub struct Moe;

/// One expert's parameters and its MACs per token on E features.
fn expert(layer: &Layer, e: u64) -> Result<(u64, u64), Problem> {
    let ff = layer.extra.ff.get();
    let big = || too_large("parameter count");
    if layer.extra.gated {
        let weights = product(&[3, e, ff], "parameter count")?;
        return Ok((weights, weights));
    }
    let up = product(&[e.checked_add(1).ok_or_else(big)?, ff], "parameter count")?;
    let down = product(&[ff.checked_add(1).ok_or_else(big)?, e], "parameter count")?;
    let macs = product(&[2, e, ff], "MAC count")?;
    Ok((up.checked_add(down).ok_or_else(big)?, macs))
}

/// What `layer` weighs on E features: (all, active) parameters and MACs
/// per token.
fn counts(layer: &Layer, e: u64) -> Result<(u64, u64, u64), Problem> {
    let x = &layer.extra;
    let experts = x.experts.get();
    if x.top_k == 0 || x.top_k > experts {
        return Err(Problem::TopK {
            top_k: x.top_k,
            experts,
        });
    }
    let (one, one_macs) = expert(layer, e)?;
    let router = product(&[e, experts], "parameter count")?;
    let big = || too_large("parameter count");
    let with = |n: u64| -> Result<u64, Problem> {
        let n = n.checked_add(x.shared_experts).ok_or_else(big)?;
        router
            .checked_add(n.checked_mul(one).ok_or_else(big)?)
            .ok_or_else(big)
    };
    let used = x.top_k.checked_add(x.shared_experts).ok_or_else(big)?;
    let macs = router
        .checked_add(used.checked_mul(one_macs).ok_or(too_large("MAC count"))?)
        .ok_or(too_large("MAC count"))?;
    Ok((with(experts)?, with(x.top_k)?, macs))
}

impl Family for Moe {
    /// The router's input and weights, and for each of a token's top_k
    /// experts (and the shared ones) its copy of the token and what a
    /// feed-forward keeps: ff for a plain one, 4·ff for a gated one (the
    /// gate's input and output, the up projection, their product).
    fn saved(
        &self,
        layer: &Layer,
        input: Shape,
        _output: Shape,
        _kernel: crate::memory::AttentionKernel,
    ) -> Option<super::Saved> {
        let Shape::Matrix { rows: l, cols: e } = input else {
            return None;
        };
        let x = &layer.extra;
        let ff = x.ff.get();
        let inner = if x.gated {
            ff.checked_mul(4)?
        } else {
            ff.checked_mul(2)?
        };
        let used = x.top_k.checked_add(x.shared_experts)?;
        let per_token = used
            .checked_mul(e.checked_add(inner)?.checked_add(e)?)?
            .checked_add(x.experts.get())?;
        Some(super::Saved {
            values: l.checked_mul(per_token)?,
            why: super::Why::Moe,
            ..super::Saved::INPUT
        })
    }

    fn fields(&self) -> &'static [Field] {
        use Field::*;
        &[Experts, TopK, Ff, Gated, Activation, SharedExperts]
    }

    fn required(&self) -> &'static [Field] {
        &[Field::Experts, Field::TopK, Field::Ff]
    }

    fn spatial(&self) -> Spatial {
        Spatial::Ends
    }

    /// Mixtral's: 8 experts, 2 per token, SiLU-gated.
    fn defaults(&self, layer: &mut Layer) {
        layer.activation = Some(Activation::Silu);
        layer.extra.ff = super::size(256);
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        let Shape::Matrix { rows: l, cols: e } = input else {
            return Err(Problem::Needs {
                kind: layer.kind,
                want: Want::Sequence,
                got: input,
            });
        };
        let (params, active, per_token) = counts(layer, e)?;
        Ok(Step {
            params,
            macs: product(&[l, per_token], "MAC count")?,
            inactive: params - active,
            ..Step::passthrough(input)
        })
    }

    fn params_line(&self, layer: &Layer, input: Shape, result: &str, _k: Kernels) -> String {
        let (x, e) = (&layer.extra, input.last());
        let expert = if x.gated {
            format!("3·{e}·{}", x.ff)
        } else {
            format!("({e} + 1)·{ff} + ({ff} + 1)·{e}", ff = x.ff)
        };
        let experts = if x.shared_experts > 0 {
            format!("({} + {})", x.experts, x.shared_experts)
        } else {
            x.experts.to_string()
        };
        let active =
            counts(layer, e).map_or_else(|_| "—".into(), |(_, a, _)| crate::units::thousands(a));
        format!(
            "{e}·{} + {experts}·{expert} = {result}  {}",
            x.experts,
            t!(
                "moe-router-and-experts",
                active = active,
                top_k = x.top_k.to_string()
            )
        )
    }

    fn macs_line(&self, layer: &Layer, input: Shape, result: &str) -> Option<String> {
        let Shape::Matrix { rows: l, cols: e } = input else {
            return None;
        };
        let x = &layer.extra;
        let per = if x.gated { 3 } else { 2 };
        Some(format!(
            "{l}·({e}·{} + ({} + {})·{per}·{e}·{}) = {result}  {}",
            x.experts,
            x.top_k,
            x.shared_experts,
            x.ff,
            t!("moe-macs")
        ))
    }

    fn label(&self, layer: &Layer) -> String {
        let x = &layer.extra;
        let mut s = format!("moe {}×ff{} top{}", x.experts, x.ff, x.top_k);
        if x.shared_experts > 0 {
            s.push_str(&format!(" +{} shared", x.shared_experts));
        }
        if !x.gated {
            s.push_str(" ungated");
        }
        if let Some(a) = layer.activation.filter(|&a| a != Activation::Silu) {
            s.push(' ');
            s.push_str(a.name());
        }
        s
    }

    fn widen(&self, layer: &mut Layer, step: super::Direction) -> Result<(), String> {
        layer.extra.ff = step
            .double(layer.extra.ff)
            .ok_or(t!("app-too-many-units-at-most"))?;
        Ok(())
    }

    fn resize(&self, layer: &mut Layer, step: super::Direction) -> Result<(), String> {
        layer.extra.experts = step
            .add_one(layer.extra.experts)
            .ok_or(t!("moe-at-least-one-expert"))?;
        Ok(())
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let (l, x) = (e.layer, &e.layer.extra);
        let act = pytorch_activation(l.activation.unwrap_or(Activation::Silu));
        out.push((
            format!("l{}", e.number),
            format!(
                "MoE({}, {}, {}, {}, gated={}, act={act}, shared={})",
                e.input.last(),
                x.experts,
                x.top_k,
                x.ff,
                if x.gated { "True" } else { "False" },
                x.shared_experts
            ),
        ));
    }

    fn pytorch_helpers(&self, _layer: &Layer) -> &'static [&'static str] {
        &[helpers::MOE]
    }

    fn keras(&self, e: &Exported, _out: &mut Vec<String>) -> Result<(), ExportError> {
        Err(keras_has_none(e, "moe"))
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::Problem;
    use crate::family::try_step;
    use crate::layer::Kind;
    use crate::network::Shape;

    #[test]
    fn mixtrals_experts_count_all_and_two_active() {
        let input = Shape::Matrix {
            rows: 10,
            cols: 4096,
        };
        let s = try_step(
            Kind::Moe,
            &[("experts", "8"), ("top_k", "2"), ("ff", "14336")],
            input,
        )
        .unwrap();
        let expert = 3 * 4096 * 14336;
        assert_eq!(s.params, 4096 * 8 + 8 * expert);
        assert_eq!(s.params - s.inactive, 4096 * 8 + 2 * expert);
        assert_eq!(s.macs, 10 * (4096 * 8 + 2 * expert));
    }

    #[test]
    fn ungated_and_shared_experts() {
        let input = Shape::Matrix { rows: 1, cols: 8 };
        let s = try_step(
            Kind::Moe,
            &[
                ("experts", "4"),
                ("top_k", "1"),
                ("ff", "16"),
                ("gated", "false"),
                ("shared_experts", "2"),
            ],
            input,
        )
        .unwrap();
        let expert = (8 + 1) * 16 + (16 + 1) * 8;
        assert_eq!(s.params, 8 * 4 + 6 * expert);
        assert_eq!(s.params - s.inactive, 8 * 4 + 3 * expert);
    }

    #[test]
    fn top_k_must_be_from_one_to_the_experts() {
        let input = Shape::Matrix { rows: 1, cols: 8 };
        for k in ["0", "9"] {
            let e = try_step(
                Kind::Moe,
                &[("experts", "8"), ("top_k", k), ("ff", "4")],
                input,
            );
            assert!(matches!(e, Err(Problem::TopK { experts: 8, .. })), "{k}");
        }
    }
}
