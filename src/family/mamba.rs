//! `mamba`: a Mamba (S6) mixer on a sequence `[L, E]`, its weights as
//! Hugging Face's `MambaMixer` holds them. With di = expand·E and
//! r = dt_rank (⌈E/16⌉ by default): in_proj E·2di, a depthwise conv of
//! `conv` taps with bias di·conv + di, x_proj di·(r + 2N), dt_proj r·di + di,
//! A di·N, D di and out_proj di·E.

use super::{Family, Spatial, Step, keras_has_none, product, too_large};
use crate::engine::{Problem, Want};
use crate::export::{ExportError, Exported, helpers};
use crate::layer::{Field, Layer};
use crate::network::{Kernels, Shape};

pub struct Mamba;

/// (di, r, N, conv) on E features.
fn sizes(layer: &Layer, e: u64) -> Result<(u64, u64, u64, u64), Problem> {
    let x = &layer.extra;
    let di = product(&[x.expand.get(), e], "parameter count")?;
    let r = x.dt_rank.map_or(e.div_ceil(16), |r| r.get());
    Ok((di, r, x.state.get(), x.conv.get()))
}

/// Parameters and MACs per position.
fn counts(layer: &Layer, e: u64) -> Result<(u64, u64), Problem> {
    let (di, r, n, conv) = sizes(layer, e)?;
    let p = |f: &[u64]| product(f, "parameter count");
    // x_proj's outputs: Δ's rank, then B and C.
    let xr = r
        .checked_add(p(&[2, n])?)
        .ok_or(too_large("parameter count"))?;
    let parts = [
        p(&[e, 2, di])?,
        p(&[di, conv])?,
        di,
        p(&[di, xr])?,
        p(&[r, di])?,
        di,
        p(&[di, n])?,
        di,
        p(&[di, e])?,
    ];
    let params = (parts.iter().copied())
        .try_fold(0u64, u64::checked_add)
        .ok_or(too_large("parameter count"))?;
    // The projections and the conv once per position, and the scan's
    // state update and read-out (2·di·N).
    let m = |f: &[u64]| product(f, "MAC count");
    let macs = [
        m(&[e, 2, di])?,
        m(&[di, conv])?,
        m(&[di, xr])?,
        m(&[r, di])?,
        m(&[2, di, n])?,
        m(&[di, e])?,
    ]
    .into_iter()
    .try_fold(0u64, u64::checked_add)
    .ok_or(too_large("MAC count"))?;
    Ok((params, macs))
}

impl Family for Mamba {
    /// transformers' `MambaMixer` without its CUDA kernels (the reference
    /// on a machine without them): per token the projections' inputs and
    /// outputs (about 8·di), and the scan's discretised A and B·u and every
    /// step's state, di·N each.
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
        let (di, _, n, _) = sizes(layer, e).ok()?;
        let per_token = di
            .checked_mul(8)?
            .checked_add(di.checked_mul(n)?.checked_mul(3)?)?;
        Some(super::Saved {
            values: l.checked_mul(per_token)?,
            why: super::Why::Mamba,
            ..super::Saved::INPUT
        })
    }

    fn fields(&self) -> &'static [Field] {
        &[Field::State, Field::Conv, Field::Expand, Field::DtRank]
    }

    fn spatial(&self) -> Spatial {
        Spatial::Ends
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        let Shape::Matrix { rows: l, cols: e } = input else {
            return Err(Problem::Needs {
                kind: layer.kind,
                want: Want::Sequence,
                got: input,
            });
        };
        let (params, per_position) = counts(layer, e)?;
        Ok(Step {
            params,
            macs: product(&[l, per_position], "MAC count")?,
            ..Step::passthrough(input)
        })
    }

    /// Its states, whatever the length (transformers' MambaCache): the
    /// convolution's last `conv` inputs and the scan's N values, per
    /// inner channel.
    fn cache(&self, layer: &Layer, input: Shape) -> Option<u64> {
        let (di, _, n, conv) = sizes(layer, input.last()).ok()?;
        di.checked_mul(conv.checked_add(n)?)
    }

    fn params_line(&self, layer: &Layer, input: Shape, result: &str, _k: Kernels) -> String {
        let e = input.last();
        let Ok((di, r, n, conv)) = sizes(layer, e) else {
            return t!("explain-too-large-to-compute");
        };
        format!(
            "{e}·2·{di} + ({conv} + 1)·{di} + {di}·({r} + 2·{n}) + ({r} + 1)·{di} + {di}·{n} + {di} + {di}·{e} = {result}  {}",
            t!("mamba-parts")
        )
    }

    fn label(&self, layer: &Layer) -> String {
        let x = &layer.extra;
        format!("mamba N{} conv{} ×{}", x.state, x.conv, x.expand)
    }

    fn widen(&self, layer: &mut Layer, step: super::Direction) -> Result<(), String> {
        layer.extra.state = step
            .double(layer.extra.state)
            .ok_or(t!("app-too-many-units-at-most"))?;
        Ok(())
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let x = &e.layer.extra;
        let dt = x
            .dt_rank
            .map_or_else(|| "None".to_string(), |r| r.to_string());
        out.push((
            format!("l{}", e.number),
            format!(
                "Mamba({}, state={}, conv={}, expand={}, dt_rank={dt})",
                e.input.last(),
                x.state,
                x.conv,
                x.expand
            ),
        ));
    }

    fn pytorch_helpers(&self, _layer: &Layer) -> &'static [&'static str] {
        &[helpers::MAMBA]
    }

    fn keras(&self, e: &Exported, _out: &mut Vec<String>) -> Result<(), ExportError> {
        Err(keras_has_none(e, "mamba"))
    }
}

#[cfg(test)]
mod tests {
    use crate::family::try_step;
    use crate::layer::Kind;
    use crate::network::Shape;

    #[test]
    fn mamba_130ms_mixer_as_hugging_face_holds_it() {
        // d_model 768: di 1536, dt_rank ⌈768/16⌉ = 48, N 16, conv 4.
        let s = try_step(
            Kind::Mamba,
            &[],
            Shape::Matrix {
                rows: 2048,
                cols: 768,
            },
        )
        .unwrap();
        let di = 1536;
        assert_eq!(
            s.params,
            768 * 2 * di + di * 4 + di + di * (48 + 32) + 48 * di + di + di * 16 + di + di * 768
        );
        assert_eq!(s.params, 3_770_880);
        let set = [
            ("state", "4"),
            ("conv", "3"),
            ("expand", "1"),
            ("dt_rank", "2"),
        ];
        let s = try_step(Kind::Mamba, &set, Shape::Matrix { rows: 5, cols: 8 }).unwrap();
        assert_eq!(
            s.params,
            8 * 16 + 8 * 3 + 8 + 8 * (2 + 8) + 2 * 8 + 8 + 8 * 4 + 8 + 8 * 8
        );
    }
}
