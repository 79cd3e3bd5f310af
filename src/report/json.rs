//! `summary --format json`: serde structs written straight to the output, a
//! layer at a time, so a network of a million layers never exists as a JSON
//! tree in memory. Always English: programs read it.

use crate::engine::{Analysis, ReceptiveField, Row};
use crate::explain::explain;
use crate::layer::Layer;
use crate::memory::{AttentionKernel, Memory, max_batch, memory};
use crate::network::{Kernels, Network, Shape};
use crate::report::Fit;
use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};
use std::collections::BTreeMap;
use std::io::Write;

#[derive(Serialize)]
struct Summary<'a> {
    name: &'a str,
    input: Vec<u64>,
    kernels: &'static str,
    layers: Layers<'a>,
    total_params: Option<u64>,
    /// What a token uses: `total_params` less a mixture's unused experts.
    active_params: Option<u64>,
    /// With `--lora`: the adapters' parameters, which are all that train;
    /// with `--freeze`, all but the frozen layers'; else every parameter.
    trainable_params: Option<u64>,
    total_macs: Option<u64>,
    weight_bytes: Option<u64>,
    activation_bytes: Option<u64>,
    /// 1-based, the top-level layer.
    error_at: Option<usize>,
    /// Where inside it: `5.2.1` is layer 1 of branch 2 of layer 5.
    error_path: Option<String>,
    /// The smallest input every layer accepts, its spatial sizes only:
    /// [H, W] for an image, [L] for a signal, [D, H, W] for a volume.
    smallest_input: Option<Vec<u64>>,
    /// What the memory is counted for, and the bytes of each part.
    dtype: &'static str,
    train: Option<&'static str>,
    batch: u64,
    /// Training's attention kernel, checkpointing, master weights and ZeRO.
    #[serde(skip_serializing_if = "Option::is_none")]
    attention: Option<&'static str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    checkpoint: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    master: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    zero: Option<ZeroEntry>,
    memory: Option<Memory>,
    /// Each limit given: {limit, used, ok}; empty without a budget.
    budget: BTreeMap<&'static str, Limit>,
    /// The largest batch whose total fits the memory budget; null without
    /// one, or when not even one sample fits.
    max_batch: Option<u64>,
    /// The longest sequence that fits the memory budget at the batch; null
    /// without one, for a network that reads no sequence, or when none fits.
    max_context: Option<u64>,
}

#[derive(Serialize)]
struct ZeroEntry {
    stage: u8,
    shards: u64,
}

#[derive(Serialize)]
struct Limit {
    limit: u64,
    used: Option<u64>,
    ok: bool,
}

/// The layers, serialized one by one as they are asked for.
struct Layers<'a> {
    net: &'a Network,
    analysis: &'a Analysis,
}

impl Serialize for Layers<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.net.layers.len()))?;
        for (i, (layer, row)) in self.net.layers.iter().zip(&self.analysis.rows).enumerate() {
            seq.serialize_element(&LayerEntry::new(i, layer, row, self.net.kernels))?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct LayerEntry {
    /// 1-based.
    index: usize,
    #[serde(rename = "type")]
    kind: &'static str,
    label: String,
    input: Option<Vec<u64>>,
    output: Option<Vec<u64>>,
    params: Option<u64>,
    macs: Option<u64>,
    receptive_field: Option<Field>,
    status: &'static str,
    message: Option<String>,
    formulas: Option<Formulas>,
    /// A merge's branches, each a list of entries like this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    branches: Option<Vec<Vec<LayerEntry>>>,
    /// A block's layers (in its first repetition, or the one that broke).
    #[serde(skip_serializing_if = "Option::is_none")]
    layers: Option<Vec<LayerEntry>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    repeat: Option<u64>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Field {
    Local { size: [u64; 2], jump: [u64; 2] },
    Global(&'static str),
}

#[derive(Serialize)]
struct Formulas {
    output: Vec<String>,
    params: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    macs: Option<String>,
    /// What training keeps of the layer for backward, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    training_keeps: Option<String>,
}

impl LayerEntry {
    /// The entry for `layer`, the `i`-th (0-based) of its list.
    fn new(i: usize, layer: &Layer, row: &Row, kernels: Kernels) -> LayerEntry {
        let list = |layers: &[Layer], rows: Option<&Vec<Row>>| -> Vec<LayerEntry> {
            let rows = rows.map_or(&[][..], Vec::as_slice);
            (layers.iter().zip(rows).enumerate())
                .map(|(j, (l, r))| LayerEntry::new(j, l, r, kernels))
                .collect()
        };
        let (branches, layers, repeat) = match layer.kind {
            crate::layer::Kind::Block => (
                None,
                Some(list(
                    layer.branches.first().map_or(&[], Vec::as_slice),
                    row.inner.first(),
                )),
                Some(layer.repeat.get()),
            ),
            k if k.is_merge() => (
                Some(
                    (layer.branches.iter().enumerate())
                        .map(|(b, branch)| list(branch, row.inner.get(b)))
                        .collect(),
                ),
                None,
                None,
            ),
            _ => (None, None, None),
        };
        let formulas = row.input.map(|_| {
            let why = explain(layer, row, kernels);
            Formulas {
                output: why.size,
                params: why.params,
                macs: why.macs,
                training_keeps: why.keeps,
            }
        });
        LayerEntry {
            index: i + 1,
            kind: layer.kind.name(),
            label: layer.label(),
            input: row.input.map(Shape::to_vec),
            output: row.output.map(Shape::to_vec),
            params: row.params,
            macs: row.macs,
            receptive_field: row.shown_receptive_field().map(|rf| match rf {
                ReceptiveField::Local { size, jump } => Field::Local {
                    size: [size.h, size.w],
                    jump: [jump.h, jump.w],
                },
                ReceptiveField::Global => Field::Global("global"),
            }),
            status: row.status.name(),
            message: crate::words::status(row.status),
            formulas,
            branches,
            layers,
            repeat,
        }
    }
}

/// Writes the JSON of `summary --format json` to `out`, pretty-printed, with
/// a final newline.
pub fn write(
    net: &Network,
    analysis: &Analysis,
    fit: &Fit,
    out: impl Write,
) -> std::io::Result<()> {
    let t = &analysis.totals;
    let setting = fit.setting;
    let budget = (fit.uses(net, analysis).into_iter())
        .map(|u| {
            let limit = Limit {
                limit: u.limit,
                used: u.used,
                ok: u.ok,
            };
            (u.what, limit)
        })
        .collect();
    let summary = Summary {
        name: &net.name,
        input: net.input.to_vec(),
        kernels: net.kernels.name(),
        layers: Layers { net, analysis },
        total_params: t.params,
        active_params: t.active_params,
        trainable_params: crate::memory::trainable_params(analysis, net, &setting),
        total_macs: t.macs,
        weight_bytes: t.weight_bytes,
        activation_bytes: t.activation_bytes,
        error_at: analysis.error_at.map(|i| i + 1),
        error_path: analysis
            .error_at
            .map(|_| net.path_label(&analysis.error_path())),
        smallest_input: crate::smallest::smallest_valid_input(net)
            .map(|min| min.to_vec().split_off(1)),
        dtype: setting.dtype.name(),
        train: setting.train.map(|o| o.name()),
        batch: setting.batch,
        attention: setting.train.map(|_| match setting.attention {
            AttentionKernel::Eager => "eager",
            AttentionKernel::Flash => "flash",
        }),
        checkpoint: setting.checkpoint,
        master: setting.master.map(|d| d.name()),
        zero: setting.zero.map(|z| ZeroEntry {
            stage: z.stage,
            shards: z.shards,
        }),
        memory: memory(net, analysis, setting),
        budget,
        max_batch: (fit.budget.memory).and_then(|limit| max_batch(net, analysis, setting, limit)),
        max_context: (fit.budget.memory)
            .and_then(|limit| crate::memory::max_context(net, setting, limit)),
    };
    let mut out = std::io::BufWriter::new(out);
    crate::lang::machine(|| serde_json::to_writer_pretty(&mut out, &summary))?;
    out.write_all(b"\n")?;
    out.flush()
}
