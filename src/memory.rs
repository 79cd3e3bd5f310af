//! Will it fit? Memory by number format, batch and optimizer, and budgets
//! on memory, parameters and MACs. Pure: it reads an `Analysis` and knows no
//! terminal. The definitions are stated in the README and are what a
//! framework allocates for the tensors themselves; they leave out its
//! workspace, fragmentation and mixed-precision master copies.

use crate::engine::{Analysis, Row};
use crate::layer::Layer;
use crate::network::{Network, Shape};

mod step;

pub use step::Phase;

/// How values are stored: floating-point and integer formats, and the
/// block formats of llama.cpp's GGUF files (weights only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Dtype {
    #[default]
    Fp32,
    Fp16,
    Bf16,
    Fp8,
    Int8,
    /// Half a byte a weight (GPTQ/AWQ-style, scales not counted).
    Int4,
    /// GGUF Q4_0: 32 weights in 18 bytes (16 of nibbles, an fp16 scale).
    #[value(name = "q4_0")]
    Q4_0,
    /// GGUF Q8_0: 32 weights in 34 bytes.
    #[value(name = "q8_0")]
    Q8_0,
    /// GGUF Q4_K: 256 weights in 144 bytes (super-blocks with 6-bit scales).
    #[value(name = "q4_k")]
    Q4K,
    /// GGUF Q5_K: 256 weights in 176 bytes.
    #[value(name = "q5_k")]
    Q5K,
    /// GGUF Q6_K: 256 weights in 210 bytes.
    #[value(name = "q6_k")]
    Q6K,
}

impl Dtype {
    /// Bytes a value takes: activations, gradients, the KV cache, and the
    /// weights of a plain format. The weight-only formats compute in fp16,
    /// as llama.cpp does by default, so their activations take 2.
    pub fn bytes(self) -> u64 {
        match self {
            Dtype::Fp32 => 4,
            Dtype::Fp16 | Dtype::Bf16 => 2,
            Dtype::Fp8 | Dtype::Int8 => 1,
            Dtype::Int4 | Dtype::Q4_0 | Dtype::Q8_0 | Dtype::Q4K | Dtype::Q5K | Dtype::Q6K => 2,
        }
    }

    /// (weights, bytes) per block of a weight-only format; `None` for a
    /// format that stores every value alike.
    fn block(self) -> Option<(u64, u64)> {
        match self {
            Dtype::Fp32 | Dtype::Fp16 | Dtype::Bf16 | Dtype::Fp8 | Dtype::Int8 => None,
            Dtype::Int4 => Some((2, 1)),
            Dtype::Q4_0 => Some((32, 18)),
            Dtype::Q8_0 => Some((32, 34)),
            Dtype::Q4K => Some((256, 144)),
            Dtype::Q5K => Some((256, 176)),
            Dtype::Q6K => Some((256, 210)),
        }
    }

    /// Whether only weights can be stored so (no training in it).
    pub fn weights_only(self) -> bool {
        self.block().is_some()
    }

    /// The bytes of one tensor of `n` weights: whole blocks for the block
    /// formats (a partial block takes a whole one).
    pub fn weight_bytes(self, n: u64) -> Option<u64> {
        match self.block() {
            Some((per, size)) => n.div_ceil(per).checked_mul(size),
            None => n.checked_mul(self.bytes()),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Dtype::Fp32 => "fp32",
            Dtype::Fp16 => "fp16",
            Dtype::Bf16 => "bf16",
            Dtype::Fp8 => "fp8",
            Dtype::Int8 => "int8",
            Dtype::Int4 => "int4",
            Dtype::Q4_0 => "q4_0",
            Dtype::Q8_0 => "q8_0",
            Dtype::Q4K => "q4_k",
            Dtype::Q5K => "q5_k",
            Dtype::Q6K => "q6_k",
        }
    }
}

/// The optimizer a training run keeps state for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Optimizer {
    Sgd,
    Momentum,
    Adam,
}

impl Optimizer {
    /// Copies of the weights it keeps: none, a velocity, two moments.
    pub fn states(self) -> u64 {
        match self {
            Optimizer::Sgd => 0,
            Optimizer::Momentum => 1,
            Optimizer::Adam => 2,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Optimizer::Sgd => "sgd",
            Optimizer::Momentum => "momentum",
            Optimizer::Adam => "adam",
        }
    }
}

/// Low-rank adapters (LoRA) for fine-tuning: rank R on the projections
/// named. Each adapted matrix of `in × out` gains R·(in + out) parameters,
/// the only ones trained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lora {
    pub rank: u64,
    /// Attention's query, key, value and output projections.
    pub q: bool,
    pub k: bool,
    pub v: bool,
    pub o: bool,
    /// Every dense layer.
    pub dense: bool,
}

impl Lora {
    /// `8` (every dense and attention projection) or `8:q,v`.
    pub fn parse(text: &str) -> Result<Lora, String> {
        let bad = || t!("lora-bad", text = text.to_string());
        let (rank, targets) = match text.split_once(':') {
            Some((r, t)) => (r, Some(t)),
            None => (text, None),
        };
        let rank: u64 = rank
            .trim()
            .parse()
            .ok()
            .filter(|&r| r > 0)
            .ok_or_else(bad)?;
        let mut lora = Lora {
            rank,
            q: targets.is_none(),
            k: targets.is_none(),
            v: targets.is_none(),
            o: targets.is_none(),
            dense: targets.is_none(),
        };
        for target in targets.iter().flat_map(|t| t.split(',')).map(str::trim) {
            match target {
                "q" => lora.q = true,
                "k" => lora.k = true,
                "v" => lora.v = true,
                "o" => lora.o = true,
                "dense" => lora.dense = true,
                _ => return Err(bad()),
            }
        }
        Ok(lora)
    }

    /// The projections adapted, as the summary names them.
    pub fn targets(&self) -> String {
        [
            (self.q, "q"),
            (self.k, "k"),
            (self.v, "v"),
            (self.o, "o"),
            (self.dense, "dense"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, name)| *name)
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// Top-level layers `first..=last` (0-based) frozen: their weights
/// (all of a block's passes) keep no gradients and no optimizer state,
/// and when they begin the network, nothing before the first trained
/// layer needs backward, so they keep nothing for it either (PyTorch
/// records no graph for them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Freeze {
    pub first: usize,
    pub last: usize,
}

impl Freeze {
    /// `4` or `1-4`: top-level layers as the table numbers them.
    pub fn parse(text: &str) -> Result<Freeze, String> {
        let bad = || t!("freeze-bad", text = text.to_string());
        let number = |n: &str| n.trim().parse::<usize>().ok()?.checked_sub(1);
        let (first, last) = match text.split_once('-') {
            Some((a, b)) => (number(a).ok_or_else(bad)?, number(b).ok_or_else(bad)?),
            None => {
                let n = number(text).ok_or_else(bad)?;
                (n, n)
            }
        };
        if first > last {
            return Err(bad());
        }
        Ok(Freeze { first, last })
    }

    /// Refused when it names a layer past the network's last.
    pub fn check(self, net: &Network) -> Result<(), String> {
        if self.last < net.layers.len() {
            return Ok(());
        }
        Err(t!(
            "freeze-past-end",
            layer = (self.last + 1).to_string(),
            layers = net.layers.len().to_string()
        ))
    }

    pub fn contains(self, index: usize) -> bool {
        (self.first..=self.last).contains(&index)
    }

    /// How many top-level layers from the first are frozen: the stretch
    /// that records no graph.
    pub fn prefix(self) -> usize {
        if self.first == 0 { self.last + 1 } else { 0 }
    }

    /// `1-4`, as given.
    pub fn label(self) -> String {
        if self.first == self.last {
            (self.first + 1).to_string()
        } else {
            format!("{}-{}", self.first + 1, self.last + 1)
        }
    }

    /// The parameters of the frozen layers.
    pub fn params(self, analysis: &Analysis) -> Option<u64> {
        let rows = analysis.rows.get(self.first..=self.last)?;
        rows.iter()
            .try_fold(0u64, |sum, row| sum.checked_add(row.params?))
    }
}

/// The parameters that train: the adapters with LoRA, else all but the
/// frozen layers'.
pub fn trainable_params(analysis: &Analysis, net: &Network, setting: &Setting) -> Option<u64> {
    match (setting.lora, setting.freeze) {
        (Some(lora), _) => lora_params(net, analysis, lora),
        (None, Some(f)) => analysis.totals.params?.checked_sub(f.params(analysis)?),
        (None, None) => analysis.totals.params,
    }
}

/// The adapters' parameters: each layer's, from its family, on the input
/// the analysis gave it; a block's passes each have their own, but a
/// shared block's one set serves every pass. `None` where a layer cannot be
/// computed.
pub fn lora_params(net: &Network, analysis: &Analysis, lora: Lora) -> Option<u64> {
    let copies = |l: &Layer| if l.extra.shared { 1 } else { l.repeat.get() };
    per_layer_sum(
        net,
        analysis,
        &|l, input| crate::family::of(l.kind).lora(l, input, lora),
        &copies,
    )
}

/// `own` of every layer on the input the analysis gave it, a block's
/// layers `copies` times. `None` where a layer cannot be computed.
fn per_layer_sum(
    net: &Network,
    analysis: &Analysis,
    own: &dyn Fn(&Layer, Shape) -> Option<u64>,
    copies: &dyn Fn(&Layer) -> u64,
) -> Option<u64> {
    fn walk(
        layers: &[Layer],
        rows: &[Row],
        own: &dyn Fn(&Layer, Shape) -> Option<u64>,
        copies: &dyn Fn(&Layer) -> u64,
    ) -> Option<u64> {
        let mut sum = 0u64;
        for (layer, row) in layers.iter().zip(rows) {
            let mut inner = 0u64;
            for (branch, inner_rows) in layer.branches.iter().zip(&row.inner) {
                inner = inner.checked_add(walk(branch, inner_rows, own, copies)?)?;
            }
            let n = if layer.kind == crate::layer::Kind::Block {
                copies(layer)
            } else {
                1
            };
            sum = sum
                .checked_add(own(layer, row.input?)?)?
                .checked_add(inner.checked_mul(n)?)?;
        }
        Some(sum)
    }
    walk(&net.layers, &analysis.rows, own, copies)
}

/// What the memory is counted for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setting {
    pub dtype: Dtype,
    /// `None` for inference.
    pub train: Option<Optimizer>,
    pub batch: u64,
    /// How the KV cache is stored; `None`: as the weights.
    pub kv_dtype: Option<Dtype>,
    /// How attention runs in training: what it keeps for backward.
    pub attention: AttentionKernel,
    /// Activation checkpointing: each top-level block's passes keep only
    /// their input, and recompute the rest in backward.
    pub checkpoint: bool,
    /// Mixed precision: master weights and optimizer state in this format
    /// (fp32), the model in `dtype`.
    pub master: Option<Dtype>,
    /// ZeRO across data-parallel GPUs: the memory of one of them.
    pub zero: Option<Zero>,
    /// Bytes outside the network (the CUDA context, the framework's
    /// workspace): its own line, in the total.
    pub overhead: u64,
    /// Fine-tuning with adapters: only they have gradients and optimizer
    /// state; the frozen base keeps none.
    pub lora: Option<Lora>,
    /// Top-level layers whose weights do not train.
    pub freeze: Option<Freeze>,
}

impl Setting {
    /// fp32 inference at batch 1, with nothing else.
    pub const DEFAULT: Setting = Setting {
        dtype: Dtype::Fp32,
        train: None,
        batch: 1,
        kv_dtype: None,
        attention: AttentionKernel::Eager,
        checkpoint: false,
        master: None,
        zero: None,
        overhead: 0,
        lora: None,
        freeze: None,
    };
}

impl Setting {
    /// How the KV cache is stored: `--kv-dtype`, else as the activations
    /// (fp16 under a weight-only format). A block format quantises the
    /// cache in its blocks, as llama.cpp's `--cache-type-k q8_0` does.
    pub fn cache_dtype(&self) -> Dtype {
        match self.kv_dtype {
            Some(d) => d,
            None if self.dtype.weights_only() => Dtype::Fp16,
            None => self.dtype,
        }
    }
}

impl Default for Setting {
    fn default() -> Setting {
        Setting::DEFAULT
    }
}

/// How attention is computed, which decides what it keeps for backward.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum AttentionKernel {
    /// Softmax of the scores, written out: the h·L·L weights are kept
    /// (transformers' "eager").
    #[default]
    Eager,
    /// A fused kernel (FlashAttention, PyTorch's scaled_dot_product_attention):
    /// the output and one log-sum-exp per head and position, no L×L.
    Flash,
}

/// ZeRO (DeepSpeed's Zero Redundancy Optimizer) over `shards` GPUs: stage
/// 1 divides the optimizer state among them, 2 the gradients too, 3 the
/// weights too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Zero {
    pub stage: u8,
    pub shards: u64,
}

/// Bytes, each part and their sum. In training, each part is what the
/// step holds at its peak (`phase`): the gradients are all there only by
/// the optimizer's step, and the activations at their most early in
/// backward.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Memory {
    pub weights: u64,
    pub gradients: u64,
    /// The optimizer's state, and at its step its temporaries.
    pub optimizer: u64,
    pub activations: u64,
    /// Inference's KV cache (and a Mamba's states) for the input's length,
    /// in `total`; 0 in training, which keeps none.
    pub kv_cache: u64,
    /// What `--overhead` adds outside the network (the CUDA context, the
    /// framework's workspace), in `total`.
    pub overhead: u64,
    pub total: u64,
    /// When the peak is.
    pub phase: Phase,
}

/// The memory of a network as analysed, or `None` when a layer is broken
/// or a number passes 2^64.
///
/// - weights = params × bytes (with LoRA, the adapters' too);
/// - inference: activations = batch × bytes × the largest input + output
///   of any one layer, and the KV cache: batch × the values every causal
///   attention (and Mamba) keeps × the cache's bytes;
/// - training: the peak of one step (`step::peak`): what each layer keeps
///   for backward, the gradients made so far, the optimizer's state
///   (states × the trained weights) and Adam's temporaries (two copies of
///   the largest layer's weights, made one tensor at a time).
pub fn memory(net: &Network, analysis: &Analysis, setting: Setting) -> Option<Memory> {
    let m = unshared(net, analysis, setting)?;
    let m = match setting.zero {
        Some(zero) => zero.divide(m)?,
        None => m,
    };
    Some(Memory {
        overhead: setting.overhead,
        total: m.total.checked_add(setting.overhead)?,
        ..m
    })
}

impl Zero {
    /// One GPU's share: the optimizer state (stage 1), the gradients (2)
    /// and the weights (3) divided among the shards, as DeepSpeed's ZeRO
    /// partitions them; activations are each GPU's own batch.
    fn divide(self, m: Memory) -> Option<Memory> {
        let share = |n: u64, from: u8| {
            if self.stage >= from {
                n.div_ceil(self.shards.max(1))
            } else {
                n
            }
        };
        let (weights, gradients, optimizer) = (
            share(m.weights, 3),
            share(m.gradients, 2),
            share(m.optimizer, 1),
        );
        Some(Memory {
            weights,
            gradients,
            optimizer,
            total: weights
                .checked_add(gradients)?
                .checked_add(optimizer)?
                .checked_add(m.activations)?
                .checked_add(m.kv_cache)?,
            ..m
        })
    }
}

/// `memory` on one device, before ZeRO's division and the overhead.
fn unshared(net: &Network, analysis: &Analysis, setting: Setting) -> Option<Memory> {
    let bytes = setting.dtype.bytes();
    let base = weights(net, analysis, setting.dtype)?;
    let Some(opt) = setting.train else {
        let activations = peak(analysis)?
            .checked_mul(bytes)?
            .checked_mul(setting.batch)?;
        let kv_cache = setting
            .cache_dtype()
            .weight_bytes(cache_values(analysis)?.checked_mul(setting.batch)?)?;
        return Some(Memory {
            weights: base,
            gradients: 0,
            optimizer: 0,
            activations,
            kv_cache,
            overhead: 0,
            total: base.checked_add(activations)?.checked_add(kv_cache)?,
            phase: Phase::Inference,
        });
    };
    if setting.dtype.weights_only() && setting.lora.is_none() {
        // Only adapters train on a quantised base (QLoRA).
        return None;
    }
    // What has gradients: every weight, or only the adapters.
    let (trained, largest) = match setting.lora {
        Some(lora) => (
            lora_params(net, analysis, lora)?,
            largest(net, analysis, None, &|l, r| {
                crate::family::of(l.kind).lora(l, r.input?, lora)
            })?,
        ),
        None => (
            trainable_params(analysis, net, &setting)?,
            largest(net, analysis, setting.freeze, &|l, r| {
                crate::family::of(l.kind).largest_weight(l, r.input?, r.params?)
            })?,
        ),
    };
    let weights = match setting.lora {
        Some(_) => base.checked_add(trained.checked_mul(bytes)?)?,
        None => base,
    };
    let grads = |layer: &Layer, row: &Row| -> Option<u64> {
        let n = match setting.lora {
            Some(lora) => crate::family::of(layer.kind).lora(layer, row.input?, lora)?,
            None => row.params?,
        };
        n.checked_mul(bytes)
    };
    let counting = step::Counting {
        net,
        bytes,
        batch: setting.batch,
        grads: &grads,
        attention: setting.attention,
        checkpoint: setting.checkpoint,
        frozen: setting.freeze,
    };
    // Mixed precision: the optimizer steps fp32 master weights, and keeps
    // its state in fp32 too.
    let (state_bytes, master) = match setting.master {
        Some(m) => (m.bytes(), trained.checked_mul(m.bytes())?),
        None => (bytes, 0),
    };
    // Adam's step, one tensor at a time: √v and √v / bias correction.
    let step_temp = match opt {
        Optimizer::Adam => largest.checked_mul(state_bytes)?.checked_mul(2)?,
        Optimizer::Sgd | Optimizer::Momentum => 0,
    };
    let p = step::peak(&counting, analysis, step_temp)?;
    let optimizer = trained
        .checked_mul(state_bytes)?
        .checked_mul(opt.states())?
        .checked_add(master)?
        .checked_add(p.optimizer)?;
    Some(Memory {
        weights,
        gradients: p.gradients,
        optimizer,
        activations: p.activations,
        kv_cache: 0,
        overhead: 0,
        total: weights
            .checked_add(p.gradients)?
            .checked_add(optimizer)?
            .checked_add(p.activations)?,
        phase: p.phase,
    })
}

/// The weights' bytes. A block format stores each layer's matrices in its
/// blocks and its vectors (a norm's scale and shift: what a pointwise layer
/// holds) in fp32, as llama.cpp leaves 1-D tensors; a K-quant mix such as
/// Q4_K_M, which keeps a few matrices in Q6_K, is counted all in one format.
fn weights(net: &Network, analysis: &Analysis, dtype: Dtype) -> Option<u64> {
    let params = analysis.totals.params?;
    if !dtype.weights_only() {
        return params.checked_mul(dtype.bytes());
    }
    fn walk(layers: &[Layer], rows: &[Row], dtype: Dtype) -> Option<u64> {
        let mut sum = 0u64;
        for (layer, row) in layers.iter().zip(rows) {
            let own = if layer.kind.is_container() {
                let copies = if layer.extra.shared {
                    1
                } else {
                    layer.repeat.get()
                };
                let mut inner = 0u64;
                for (branch, rows) in layer.branches.iter().zip(&row.inner) {
                    inner = inner.checked_add(walk(branch, rows, dtype)?)?;
                }
                // A merge runs once; a block's layers `copies` times (a
                // block whose passes change shape, by its pass shown).
                let n = if layer.kind == crate::layer::Kind::Block {
                    copies
                } else {
                    1
                };
                inner.checked_mul(n)?
            } else if layer.kind.spatial() == crate::family::Spatial::Pointwise {
                row.params?.checked_mul(4)?
            } else {
                dtype.weight_bytes(row.params?)?
            };
            sum = sum.checked_add(own)?;
        }
        Some(sum)
    }
    walk(&net.layers, &analysis.rows, dtype)
}

/// The most `own` gives any one layer, inside containers too, but not
/// in the frozen top-level layers.
fn largest(
    net: &Network,
    analysis: &Analysis,
    frozen: Option<Freeze>,
    own: &dyn Fn(&Layer, &Row) -> Option<u64>,
) -> Option<u64> {
    fn walk(
        layers: &[Layer],
        rows: &[Row],
        own: &dyn Fn(&Layer, &Row) -> Option<u64>,
    ) -> Option<u64> {
        let mut most = 0u64;
        for (layer, row) in layers.iter().zip(rows) {
            if layer.kind.is_container() {
                for (branch, inner) in layer.branches.iter().zip(&row.inner) {
                    most = most.max(walk(branch, inner, own)?);
                }
            } else {
                most = most.max(own(layer, row)?);
            }
        }
        Some(most)
    }
    let mut most = 0u64;
    for (i, (layer, row)) in net.layers.iter().zip(&analysis.rows).enumerate() {
        if !frozen.is_some_and(|f| f.contains(i)) {
            let one = std::slice::from_ref(layer);
            most = most.max(walk(one, std::slice::from_ref(row), own)?);
        }
    }
    Some(most)
}

/// The largest batch whose total stays within `limit` bytes, or `None`
/// when not even one sample fits (or the network cannot be computed).
/// Memory only grows with the batch, so a search finds it.
pub fn max_batch(net: &Network, analysis: &Analysis, setting: Setting, limit: u64) -> Option<u64> {
    let fits = |batch: u64| {
        memory(net, analysis, Setting { batch, ..setting }).is_some_and(|m| m.total <= limit)
    };
    largest_fitting(&fits)
}

/// The longest context (a sequence's length) whose memory stays within
/// `limit` at the setting's batch; `None` when the network reads no
/// sequence or not even one position fits. Beyond a learned position
/// table's length the network breaks, which also counts as not fitting.
pub fn max_context(net: &Network, setting: Setting, limit: u64) -> Option<u64> {
    if !crate::smallest::has_context(net) {
        return None;
    }
    let fits = |length: u64| {
        let Some(input) = crate::smallest::with_length(net, length) else {
            return false;
        };
        let sized = Network {
            input,
            ..net.clone()
        };
        let a = crate::engine::analyze(&sized);
        memory(&sized, &a, setting).is_some_and(|m| m.total <= limit)
    };
    largest_fitting(&fits)
}

/// The largest n ≥ 1 with `fits(n)`, for a `fits` true up to some n and
/// false after: doubling, then halving the gap (about 2·log₂ n calls).
fn largest_fitting(fits: &dyn Fn(u64) -> bool) -> Option<u64> {
    if !fits(1) {
        return None;
    }
    let (mut low, mut high) = (1u64, 2u64);
    while fits(high) {
        low = high;
        high = high.checked_mul(2)?;
    }
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        if fits(mid) {
            low = mid;
        } else {
            high = mid;
        }
    }
    Some(low)
}

/// The cache values of one sequence: each layer's, from its family, on the
/// input the analysis gave it; a block's `repeat` passes each keep their
/// own (shared weights or not). The engine sums them as it analyses, so a
/// keystroke never walks the network for them. `None` where a layer cannot
/// be computed.
pub fn cache_values(analysis: &Analysis) -> Option<u64> {
    analysis.totals.cache
}

/// What training keeps of one layer for its backward pass, and why, with
/// its own bytes for one sample in fp32: `keeps its input … · 1.5 MiB`.
/// (Whether its output is kept also depends on the next layer.)
pub fn keeps_line(layer: &Layer, input: Shape, output: Shape) -> Option<String> {
    if layer.kind.is_container() {
        return None;
    }
    let s = step::saved(layer, input, output, AttentionKernel::Eager)?;
    let mut values = s.values;
    if s.input {
        values = values.checked_add(input.elements()?)?;
    }
    if s.output {
        values = values.checked_add(output.elements()?)?;
    }
    let own = values.checked_mul(4)?.checked_add(s.bytes)?;
    Some(format!(
        "{} · {}",
        s.why.text(),
        t!("memory-a-sample", bytes = crate::units::bytes(own))
    ))
}

/// The largest input + output of any one layer (inside containers too),
/// in values: what inference needs alive at once. The engine keeps it as
/// it analyses (`Totals::peak`); `None` when a layer is broken.
fn peak(analysis: &Analysis) -> Option<u64> {
    analysis.totals.peak
}

/// Limits a network must stay within; any may be absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Budget {
    pub memory: Option<u64>,
    pub params: Option<u64>,
    pub macs: Option<u64>,
}

impl Budget {
    /// Reads `memory=8GiB,params=5M,macs=1G` (any subset). Counts take
    /// K, M, G (thousands); memory also KiB, MiB, GiB (1024s) and B.
    pub fn parse(text: &str) -> Result<Budget, String> {
        let mut budget = Budget::default();
        // `params=40,000,macs=1G`: a piece without `=` is the rest of the
        // number before it, grouped by commas as people write it.
        let mut parts: Vec<String> = Vec::new();
        for piece in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match parts.last_mut() {
                Some(last) if !piece.contains('=') => {
                    last.push_str(piece);
                }
                _ => parts.push(piece.to_string()),
            }
        }
        for part in &parts {
            let bad = || t!("budget-bad", part = part.to_string());
            let (key, value) = part.split_once('=').ok_or_else(bad)?;
            let n = amount(value.trim(), key.trim() == "memory").ok_or_else(bad)?;
            if n == 0 {
                return Err(t!("budget-zero", part = part.to_string()));
            }
            match key.trim() {
                "memory" => budget.memory = Some(n),
                "params" => budget.params = Some(n),
                "macs" => budget.macs = Some(n),
                _ => return Err(bad()),
            }
        }
        if budget == Budget::default() {
            return Err(t!("budget-bad", part = text.to_string()));
        }
        Ok(budget)
    }

    /// Each limit given, with what the network uses (`None` when a layer is
    /// broken) and whether it stays within.
    pub fn check(&self, memory: Option<u64>, params: Option<u64>, macs: Option<u64>) -> Vec<Use> {
        [
            ("memory", self.memory, memory),
            ("params", self.params, params),
            ("macs", self.macs, macs),
        ]
        .into_iter()
        .filter_map(|(what, limit, used)| {
            let limit = limit?;
            Some(Use {
                what,
                limit,
                used,
                ok: used.is_some_and(|u| u <= limit),
            })
        })
        .collect()
    }
}

impl Budget {
    /// `memory=8GiB,params=5M`: as `parse` reads it; empty for no limits.
    pub fn text(&self) -> String {
        let mut parts = Vec::new();
        for (what, limit) in [
            ("memory", self.memory),
            ("params", self.params),
            ("macs", self.macs),
        ] {
            if let Some(n) = limit {
                parts.push(format!("{what}={}", amount_text(n, what == "memory")));
            }
        }
        parts.join(",")
    }

    /// Reads a file's `[budget]` value: a number, or text with a unit.
    pub fn amount(value: &toml::Value, memory: bool) -> Option<u64> {
        match value {
            toml::Value::Integer(i) => u64::try_from(*i).ok(),
            toml::Value::String(s) => amount(s.trim(), memory),
            _ => None,
        }
    }
}

/// `8GiB`, `5M`, `1500`: the shortest exact spelling `amount` reads back.
pub fn amount_text(n: u64, memory: bool) -> String {
    let units: &[(u64, &str)] = if memory {
        &[
            (1 << 40, "TiB"),
            (1 << 30, "GiB"),
            (1 << 20, "MiB"),
            (1 << 10, "KiB"),
        ]
    } else {
        &[
            (1_000_000_000_000, "T"),
            (1_000_000_000, "G"),
            (1_000_000, "M"),
            (1_000, "K"),
        ]
    };
    for &(size, unit) in units {
        if n >= size && n.is_multiple_of(size) {
            return format!("{}{unit}", n / size);
        }
    }
    n.to_string()
}

/// One limit and what the network uses of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Use {
    pub what: &'static str,
    pub limit: u64,
    pub used: Option<u64>,
    pub ok: bool,
}

/// `500MiB`, `1.5GB`, `0`: an amount of memory, for `--overhead`.
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    amount(text, true).ok_or_else(|| t!("memory-bad-bytes", text = text))
}

/// `8GiB`, `5M`, `1.5G`, `1000`: a whole number of bytes or things.
fn amount(text: &str, memory: bool) -> Option<u64> {
    // `40,000`, `40 000` and `40_000` are forty thousand.
    let text: String = text
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' ' | '\u{a0}'))
        .collect();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    // Units as people write them, in any case: K, M, G, T are powers of
    // 1000 (and so are KB, MB, GB, TB); KiB, MiB, GiB, TiB of 1024.
    let scale: u64 = match unit.to_ascii_lowercase().as_str() {
        "" => 1,
        "b" if memory => 1,
        "k" | "kb" => 1_000,
        "m" | "mb" => 1_000_000,
        "g" | "gb" => 1_000_000_000,
        "t" | "tb" => 1_000_000_000_000,
        "kib" if memory => 1 << 10,
        "mib" if memory => 1 << 20,
        "gib" if memory => 1 << 30,
        "tib" if memory => 1 << 40,
        _ => return None,
    };
    let kilo_bytes = matches!(
        unit.to_ascii_lowercase().as_str(),
        "kb" | "mb" | "gb" | "tb"
    );
    if kilo_bytes && !memory {
        return None;
    }
    if let Ok(n) = number.parse::<u64>() {
        return n.checked_mul(scale);
    }
    let x: f64 = number.parse().ok()?;
    let n = (x * scale as f64).round();
    (x.is_finite() && x >= 0.0 && n < u64::MAX as f64).then_some(n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::analyze;

    fn vgg16() -> (Network, Analysis) {
        let net = crate::presets::load("vgg16").unwrap();
        let a = analyze(&net);
        (net, a)
    }

    fn cache_of(preset: &str, setting: Setting) -> Memory {
        let net = crate::presets::load(preset).unwrap();
        memory(&net, &analyze(&net), setting).unwrap()
    }

    const BF16: Setting = Setting {
        dtype: Dtype::Bf16,
        ..Setting::DEFAULT
    };

    /// 32 layers × 2 (key, value) × 8 kv heads × 128 × 2 bytes = 128 KiB a
    /// token: exactly 1 GiB at Llama 3's 8,192 tokens, in the total.
    #[test]
    fn llama3_8b_keeps_one_gib_of_kv_cache_at_8192_tokens_in_bf16() {
        let m = cache_of("llama3-8b", BF16);
        assert_eq!(m.kv_cache, 1_073_741_824);
        assert_eq!(m.total, m.weights + m.activations + m.kv_cache);
        let batch4 = cache_of("llama3-8b", Setting { batch: 4, ..BF16 });
        assert_eq!(batch4.kv_cache, 4 * 1_073_741_824);
        let fp8 = Setting {
            kv_dtype: Some(Dtype::Fp8),
            ..BF16
        };
        assert_eq!(cache_of("llama3-8b", fp8).kv_cache, 536_870_912);
    }

    /// Mistral's 4,096-token window caps what each layer keeps: at 8,192
    /// tokens, half of what Llama's full attention keeps.
    #[test]
    fn a_sliding_window_caps_the_cache() {
        assert_eq!(
            cache_of("mistral-7b", BF16).kv_cache,
            32 * 2 * 8 * 128 * 2 * 4096
        );
    }

    /// GPT-2: every head keeps its own keys (2·E a token per layer); BERT's
    /// encoder is not causal and keeps none; Mamba keeps its states,
    /// whatever the length; training keeps no cache.
    #[test]
    fn the_cache_follows_each_kind() {
        assert_eq!(cache_of("gpt2", BF16).kv_cache, 12 * 2 * 768 * 1024 * 2);
        assert_eq!(cache_of("bert-base", BF16).kv_cache, 0);
        assert_eq!(
            cache_of("mamba-130m", BF16).kv_cache,
            24 * 1536 * (4 + 16) * 2
        );
        let adam = Setting {
            train: Some(Optimizer::Adam),
            ..BF16
        };
        assert_eq!(cache_of("llama3-8b", adam).kv_cache, 0);
    }

    /// The largest batch counts each sequence's cache.
    #[test]
    fn the_largest_batch_leaves_room_for_each_sequences_cache() {
        let net = crate::presets::load("llama3-8b").unwrap();
        let a = analyze(&net);
        let limit = 80 << 30;
        let n = max_batch(&net, &a, BF16, limit).unwrap();
        let at = |batch| memory(&net, &a, Setting { batch, ..BF16 }).unwrap();
        assert!(at(n).total <= limit && at(n + 1).total > limit, "{n}");
        assert_eq!(at(n).kv_cache, n * (1 << 30), "a GiB for each of {n}");
    }

    /// Budgets as people write them: `8GB` (SI), `40,000`, `5m`, any case;
    /// a limit of 0 is refused.
    #[test]
    fn budgets_are_read_as_people_write_them() {
        let b = Budget::parse("memory=8GB,params=40,000,macs=5m").unwrap();
        assert_eq!(b.memory, Some(8_000_000_000));
        assert_eq!(b.params, Some(40_000));
        assert_eq!(b.macs, Some(5_000_000));
        assert_eq!(Budget::parse("memory=8gib").unwrap().memory, Some(8 << 30));
        assert_eq!(
            Budget::parse("params=1 500 000").unwrap().params,
            Some(1_500_000)
        );
        let zero = Budget::parse("memory=0").unwrap_err();
        assert!(zero.contains("memory=0"), "{zero}");
        assert!(
            Budget::parse("params=5GB").is_err(),
            "bytes are not a count"
        );
    }

    /// LoRA r = 8 on Llama 3 8B's q and v: 32 × 8·((4096 + 4096) +
    /// (4096 + 1024)) = 3,407,872; on every projection and dense layer
    /// (its untied head too) 22,030,336. A shared block's one set of
    /// adapters serves all its passes.
    #[test]
    fn lora_counts_r_times_in_plus_out_per_adapted_matrix() {
        let net = crate::presets::load("llama3-8b").unwrap();
        let a = analyze(&net);
        let qv = Lora::parse("8:q,v").unwrap();
        assert_eq!(lora_params(&net, &a, qv), Some(3_407_872));
        let all = Lora::parse("8").unwrap();
        assert_eq!(lora_params(&net, &a, all), Some(22_030_336));
        let albert = crate::presets::load("albert-base").unwrap();
        let once = lora_params(&albert, &analyze(&albert), Lora::parse("4:q").unwrap());
        assert_eq!(
            once,
            Some(4 * (768 + 768)),
            "one shared layer, adapted once"
        );
        assert!(Lora::parse("0").is_err() && Lora::parse("8:x").is_err());
    }

    /// Fine-tuning with LoRA: the frozen base keeps no gradients or
    /// optimizer state; the adapters keep both.
    #[test]
    fn lora_training_keeps_state_only_for_the_adapters() {
        let net = crate::presets::load("llama3-8b").unwrap();
        let a = analyze(&net);
        let setting = Setting {
            train: Some(Optimizer::Adam),
            lora: Some(Lora::parse("8:q,v").unwrap()),
            ..BF16
        };
        let m = memory(&net, &a, setting).unwrap();
        // At the peak (in backward) some adapters have their gradients.
        assert!(m.gradients <= 3_407_872 * 2, "{}", m.gradients);
        assert_eq!(m.phase, Phase::Backward, "8,192 tokens of activations");
        assert_eq!(m.optimizer, 2 * 3_407_872 * 2);
        assert_eq!(m.weights, (8_030_261_248 + 3_407_872) * 2);
        assert_eq!(
            m.total,
            m.weights + m.gradients + m.optimizer + m.activations
        );
    }

    /// ResNet-18 with layers 1-8 frozen trains its head's 513,000
    /// parameters: Adam keeps two moments for them alone, and the frozen
    /// stretch records no graph, so at the peak (batchnorm 1 running) it
    /// holds the image, conv 1's output and batchnorm 1's own: 150,528 +
    /// 2 × 802,816 values, nothing saved for backward.
    #[test]
    fn freezing_the_first_layers_trains_only_the_rest() {
        let net = crate::presets::load("resnet18").unwrap();
        let a = analyze(&net);
        let freeze = Freeze::parse("1-8").unwrap();
        let setting = Setting {
            train: Some(Optimizer::Adam),
            freeze: Some(freeze),
            ..Setting::DEFAULT
        };
        assert_eq!(trainable_params(&a, &net, &setting), Some(513_000));
        let m = memory(&net, &a, setting).unwrap();
        assert_eq!(m.optimizer, 2 * 513_000 * 4);
        assert_eq!(m.gradients, 0, "the peak comes before any gradient");
        assert_eq!(m.phase, Phase::Forward);
        assert_eq!(m.activations, (150_528 + 2 * 802_816) * 4);
        let whole = memory(
            &net,
            &a,
            Setting {
                freeze: None,
                ..setting
            },
        )
        .unwrap();
        // Unfrozen, the peak is Adam's step: every moment, and two copies
        // of the largest layer (a 3×3×512 conv's 2,359,296 weights).
        assert_eq!(whole.optimizer, (2 * 11_689_512 + 2 * 2_359_296) * 4);
    }

    /// A frozen layer after a trained one still passes gradients back,
    /// so it keeps what it saves for backward: only its own weights'
    /// gradients go (LeNet's layers 3-4, conv 2's 2,416 parameters).
    #[test]
    fn freezing_middle_layers_keeps_their_activations() {
        let net = crate::presets::load("lenet").unwrap();
        let a = analyze(&net);
        let sgd = Setting {
            train: Some(Optimizer::Sgd),
            batch: 64,
            ..Setting::DEFAULT
        };
        let middle = Setting {
            freeze: Some(Freeze::parse("3-4").unwrap()),
            ..sgd
        };
        let (whole, frozen) = (
            memory(&net, &a, sgd).unwrap(),
            memory(&net, &a, middle).unwrap(),
        );
        assert_eq!(trainable_params(&a, &net, &middle), Some(44_426 - 2_416));
        assert_eq!(frozen.activations, whole.activations);
        assert_eq!(whole.gradients - frozen.gradients, 2_416 * 4);
    }

    #[test]
    fn freeze_reads_a_layer_or_a_range_as_the_table_numbers_them() {
        assert_eq!(Freeze::parse("4"), Ok(Freeze { first: 3, last: 3 }));
        assert_eq!(Freeze::parse("1-8"), Ok(Freeze { first: 0, last: 7 }));
        assert_eq!(Freeze::parse("1-8").unwrap().label(), "1-8");
        for bad in ["0", "8-1", "a", "1-", "-3", ""] {
            let e = Freeze::parse(bad).unwrap_err();
            assert!(e.contains("e.g. 1-8"), "{bad}: {e}");
        }
        let lenet = crate::presets::load("lenet").unwrap();
        let e = Freeze::parse("1-99").unwrap().check(&lenet).unwrap_err();
        assert!(
            e.contains("layer 99") && e.contains("9 top-level layers"),
            "{e}"
        );
        assert!(Freeze::parse("9").unwrap().check(&lenet).is_ok());
    }

    /// VGG-16 in fp16 with Adam at batch 8: the peak is Adam's step (its
    /// dense layers' weights outweigh the maps), with every gradient, both
    /// moments and two copies of the largest layer (the first dense
    /// layer's 102,764,544 weights) as temporaries.
    #[test]
    fn training_vgg16_in_fp16_with_adam_at_batch_8() {
        let (net, a) = vgg16();
        let setting = Setting {
            dtype: Dtype::Fp16,
            train: Some(Optimizer::Adam),
            batch: 8,
            ..Setting::DEFAULT
        };
        let m = memory(&net, &a, setting).unwrap();
        // 138,357,544 parameters × 2 bytes.
        assert_eq!(m.weights, 276_715_088);
        assert_eq!(m.gradients, 276_715_088);
        assert_eq!(m.optimizer, 2 * 276_715_088 + 2 * 2 * 102_764_544);
        assert_eq!(m.phase, Phase::Optimizer);
        // Only the batch is alive then: 8 × 3×224×224 × 2 bytes.
        assert_eq!(m.activations, 8 * 3 * 224 * 224 * 2);
        assert_eq!(
            m.total,
            m.weights + m.gradients + m.optimizer + m.activations
        );
    }

    #[test]
    fn inference_keeps_only_the_largest_layer_alive() {
        let (net, a) = vgg16();
        let m = memory(&net, &a, Setting::default()).unwrap();
        assert_eq!((m.gradients, m.optimizer), (0, 0));
        // VGG-16's second convolution: 64×224×224 in and out.
        assert_eq!(m.activations, 4 * 2 * 64 * 224 * 224);
        assert_eq!(m.total, 4 * 138_357_544 + 4 * 128 * 224 * 224);
        let sgd = Setting {
            train: Some(Optimizer::Sgd),
            ..Setting::default()
        };
        assert_eq!(memory(&net, &a, sgd).unwrap().optimizer, 0);
        let int8 = Setting {
            dtype: Dtype::Int8,
            ..Setting::default()
        };
        assert_eq!(memory(&net, &a, int8).unwrap().weights, 138_357_544);
    }

    #[test]
    fn max_batch_is_the_largest_that_fits() {
        let (net, a) = vgg16();
        let setting = Setting {
            train: Some(Optimizer::Momentum),
            ..Setting::default()
        };
        let limit = 8 << 30;
        let n = max_batch(&net, &a, setting, limit).unwrap();
        let at = |batch| {
            memory(&net, &a, Setting { batch, ..setting })
                .unwrap()
                .total
        };
        assert!(at(n) <= limit && at(n + 1) > limit, "batch {n}");
        // Not even the weights fit in 100 MB.
        assert_eq!(max_batch(&net, &a, setting, 100_000_000), None);
    }

    #[test]
    fn budgets_read_units_and_say_what_is_over() {
        let b = Budget::parse("memory=8GiB, params=5M,macs=1.5G").unwrap();
        assert_eq!(b.memory, Some(8 << 30));
        assert_eq!(b.params, Some(5_000_000));
        assert_eq!(b.macs, Some(1_500_000_000));
        assert_eq!(Budget::parse("memory=512").unwrap().memory, Some(512));
        assert!(Budget::parse("params=5MiB").is_err(), "MiB is for memory");
        assert!(Budget::parse("weights=5M").is_err());
        assert!(Budget::parse("").is_err());
        let uses = b.check(Some(1 << 30), Some(6_000_000), None);
        assert_eq!(uses.len(), 3);
        assert!(uses[0].ok);
        assert!(!uses[1].ok, "6M params is over 5M");
        assert!(!uses[2].ok, "unknown MACs are not within a budget");
    }

    /// ZeRO divides per GPU: stage 1 the optimizer state, 2 the gradients
    /// too, 3 the weights too; the activations are each GPU's own. Mixed
    /// precision keeps fp32 master weights and Adam's moments: 16 bytes a
    /// parameter with bf16 weights and gradients. The overhead is its own
    /// part of the total.
    #[test]
    fn zero_master_weights_and_overhead() {
        let (net, a) = vgg16();
        let params = 138_357_544u64;
        let bf16 = Setting {
            dtype: Dtype::Bf16,
            train: Some(Optimizer::Adam),
            master: Some(Dtype::Fp32),
            ..Setting::DEFAULT
        };
        let one = memory(&net, &a, bf16).unwrap();
        assert_eq!(one.phase, Phase::Optimizer);
        // bf16 weights and gradients, fp32 master and moments, and Adam's
        // two fp32 temporaries of the first dense layer.
        assert_eq!(one.weights + one.gradients, 4 * params);
        assert_eq!(one.optimizer, 12 * params + 2 * 4 * 102_764_544);
        for (stage, w, g, o) in [(1, 1, 1, 8), (2, 1, 8, 8), (3, 8, 8, 8)] {
            let zero = Setting {
                zero: Some(Zero { stage, shards: 8 }),
                ..bf16
            };
            let m = memory(&net, &a, zero).unwrap();
            assert_eq!(m.weights, one.weights.div_ceil(w), "stage {stage}");
            assert_eq!(m.gradients, one.gradients.div_ceil(g), "stage {stage}");
            assert_eq!(m.optimizer, one.optimizer.div_ceil(o), "stage {stage}");
            assert_eq!(m.activations, one.activations);
        }
        let with = memory(
            &net,
            &a,
            Setting {
                overhead: 500 << 20,
                ..bf16
            },
        )
        .unwrap();
        assert_eq!(
            (with.overhead, with.total),
            (500 << 20, one.total + (500 << 20))
        );
    }

    /// GGUF's block formats: whole blocks of 32 or 256 weights, each with
    /// its scales; a partial block takes a whole one.
    #[test]
    fn gguf_blocks_take_their_bytes() {
        for (dtype, weights, bytes) in [
            (Dtype::Q4_0, 32, 18),
            (Dtype::Q8_0, 32, 34),
            (Dtype::Q4K, 256, 144),
            (Dtype::Q5K, 256, 176),
            (Dtype::Q6K, 256, 210),
            (Dtype::Int4, 2, 1),
        ] {
            assert_eq!(dtype.weight_bytes(weights), Some(bytes), "{dtype:?}");
            assert_eq!(dtype.weight_bytes(weights * 1000 + 1), Some(bytes * 1001));
        }
        // The problem set's MLP in Q4_0: 785,000 and 10,010 weights, each
        // layer in whole blocks of 32.
        let net = crate::presets::load("mlp").unwrap();
        let a = analyze(&net);
        let q4 = Setting {
            dtype: Dtype::Q4_0,
            ..Setting::DEFAULT
        };
        let m = memory(&net, &a, q4).unwrap();
        assert_eq!(m.weights, 24_532 * 18 + 313 * 18);
        // Activations compute in fp16.
        assert_eq!(m.activations, 2 * (784 + 1000));
        // Norms stay in fp32: Llama 3 8B's 65 RMSNorms of 4,096.
        let llama = crate::presets::load("llama3-8b").unwrap();
        let a = analyze(&llama);
        let q8_0 = Setting {
            dtype: Dtype::Q8_0,
            ..q4
        };
        let q8 = memory(&llama, &a, q8_0).unwrap();
        let norms = 65 * 4096;
        let matrices = 8_030_261_248 - norms;
        assert!(
            q8.weights >= norms * 4 + matrices / 32 * 34,
            "{}",
            q8.weights
        );
        assert!(q8.weights < norms * 4 + matrices / 32 * 34 + 1_000 * 34);
        // A weight-only format does not train, but adapters on it do.
        let adam = Setting {
            train: Some(Optimizer::Adam),
            ..q8_0
        };
        assert_eq!(memory(&llama, &a, adam), None);
        let qlora = Setting {
            lora: Some(Lora::parse("8:q,v").unwrap()),
            ..adam
        };
        assert!(memory(&llama, &a, qlora).is_some());
    }

    /// The longest context that fits: Llama 3 8B in bf16 within 24 GiB at
    /// batch 1; one more token would not fit. GPT-2 stops at its 1,024
    /// learned positions; an image network has no context.
    #[test]
    fn the_longest_context_that_fits() {
        let net = crate::presets::load("llama3-8b").unwrap();
        let limit = 24 << 30;
        let n = max_context(&net, BF16, limit).unwrap();
        let at = |length| {
            let input = crate::smallest::with_length(&net, length).unwrap();
            let sized = Network {
                input,
                ..net.clone()
            };
            memory(&sized, &analyze(&sized), BF16).unwrap().total
        };
        assert!(at(n) <= limit && at(n + 1) > limit, "{n}");
        assert!((20_000..30_000).contains(&n), "{n}");
        let gpt2 = crate::presets::load("gpt2").unwrap();
        assert_eq!(max_context(&gpt2, Setting::DEFAULT, 80 << 30), Some(1024));
        let (vgg, _) = vgg16();
        assert_eq!(max_context(&vgg, Setting::DEFAULT, 80 << 30), None);
    }
}
