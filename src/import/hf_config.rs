//! A Hugging Face `config.json`: the few numbers every model on the hub
//! ships, and how people describe an LLM. The network is built as
//! transformers builds the class the config's `architectures` entry names
//! (`LlamaForCausalLM` with its head, `BertModel` without one), with
//! transformers' defaults for what the file leaves out. A setting that
//! would change the structure in a way not followed here is refused by
//! name, never ignored.

use super::{ImportError, Imported, line_of, make};
use crate::layer::{Field, Kind, Layer, Value};
use crate::network::{Network, Shape};
use serde_json::{Map, Value as Json};
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Whether `json` is a config.json (it names a `model_type`) rather than a
/// Keras file (which has a `class_name`).
pub fn is_config(json: &Json) -> bool {
    json.get("model_type").is_some_and(Json::is_string) && json.get("class_name").is_none()
}

/// The settings, read with their defaults; a setting of the wrong type is
/// an error naming it and its line.
struct Config<'a> {
    map: &'a Map<String, Json>,
    text: &'a str,
    errors: RefCell<Vec<ImportError>>,
}

impl Config<'_> {
    fn fail(&self, key: &str, message: String) {
        self.errors.borrow_mut().push(ImportError {
            line: line_of(self.text, &format!("\"{key}\"")),
            message,
        });
    }

    /// The first of `keys` present and not null.
    fn find<'k>(&self, keys: &[&'k str]) -> Option<(&'k str, &Json)> {
        keys.iter()
            .find_map(|k| self.map.get(*k).filter(|v| !v.is_null()).map(|v| (*k, v)))
    }

    /// A whole number of at least 1 (0 where `zero` allows it).
    fn count_or(&self, keys: &[&str], zero: bool) -> Option<i64> {
        let (key, v) = self.find(keys)?;
        match v.as_i64().filter(|&n| n > 0 || (zero && n == 0)) {
            Some(n) => Some(n),
            None => {
                self.fail(
                    key,
                    t!("config-not-a-count", key = key, value = v.to_string()),
                );
                None
            }
        }
    }

    /// A count that has a default.
    fn int(&self, keys: &[&str], default: i64) -> i64 {
        self.count_or(keys, true).unwrap_or(default)
    }

    /// A count the model cannot be built without.
    fn need(&self, keys: &[&str]) -> i64 {
        self.count_or(keys, false).unwrap_or_else(|| {
            if self.find(keys).is_none() {
                self.fail(keys[0], t!("config-missing", key = keys[0]));
            }
            1
        })
    }

    fn flag(&self, key: &str, default: bool) -> bool {
        match self.find(&[key]) {
            None => default,
            Some((_, Json::Bool(b))) => *b,
            Some((_, v)) => {
                self.fail(
                    key,
                    t!("config-not-a-flag", key = key, value = v.to_string()),
                );
                default
            }
        }
    }

    fn word(&self, keys: &[&str], default: &str) -> String {
        match self.find(keys) {
            None => default.to_string(),
            Some((_, Json::String(s))) => s.clone(),
            Some((key, v)) => {
                self.fail(
                    key,
                    t!("config-not-a-word", key = key, value = v.to_string()),
                );
                default.to_string()
            }
        }
    }

    /// Refuses a setting whose value changes the structure in a way this
    /// import does not follow.
    fn refuse_if(&self, key: &str, bad: impl Fn(&Json) -> bool) {
        if let Some((_, v)) = self.find(&[key])
            && bad(v)
        {
            self.fail(
                key,
                t!("config-unsupported", key = key, value = v.to_string()),
            );
        }
    }

    /// Layer `i`'s attention: sliding when `layer_types` says so (or every
    /// layer, when the config has a window and no `layer_types`).
    fn layer_types(&self, layers: i64) -> Option<Vec<bool>> {
        let list = self.map.get("layer_types")?.as_array()?;
        let sliding: Vec<bool> = list
            .iter()
            .map(|t| t.as_str() == Some("sliding_attention"))
            .collect();
        if i64::try_from(sliding.len()).ok() != Some(layers) {
            self.fail(
                "layer_types",
                t!(
                    "config-layer-types",
                    n = sliding.len().to_string(),
                    layers = layers.to_string()
                ),
            );
            return None;
        }
        Some(sliding)
    }
}

/// Builds the network `config.json` (`text`) describes, on `input` (token
/// ids, or an image for ViT) or the length the config gives.
pub fn import(text: &str, input: Option<Shape>, name: &str) -> Result<Imported, Vec<ImportError>> {
    let json: Json = serde_json::from_str(text).map_err(|e| {
        vec![ImportError {
            line: Some(e.line()),
            message: t!("import-bad-json", why = e.to_string()),
        }]
    })?;
    let Some(map) = json.as_object() else {
        return Err(vec![ImportError {
            line: Some(1),
            message: t!("import-unknown-format"),
        }]);
    };
    let c = Config {
        map,
        text,
        errors: RefCell::new(Vec::new()),
    };
    let model_type = c.word(&["model_type"], "");
    let arch = match map.get("architectures").and_then(|a| a.as_array()) {
        Some(list) => list
            .first()
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string(),
        None => String::new(),
    };
    let mut header = Vec::new();
    let built = build(&c, &model_type, &arch);
    // A setting that could not be read is the cause of what follows from it.
    let errors = c.errors.into_inner();
    if !errors.is_empty() {
        return Err(errors);
    }
    let (layers, default_input, class) = built.map_err(|message| {
        vec![ImportError {
            line: line_of(text, "\"model_type\""),
            message,
        }]
    })?;
    let input = input.unwrap_or(default_input);
    header.push(t!(
        "config-from",
        class = class,
        model_type = model_type.clone(),
        input = input.to_string()
    ));
    if arch.is_empty() {
        header.push(t!(
            "config-no-architectures",
            class = class_base(&model_type)
        ));
    }
    if map.contains_key("quantization_config") {
        header.push(t!("config-quantized"));
    }
    Ok(Imported {
        net: Network {
            layers,
            input,
            ..Network::empty(name)
        },
        notes: BTreeMap::new(),
        header,
    })
}

/// The base class transformers builds for a `model_type` without
/// `architectures` (`LlamaModel`), as it would be named.
fn class_base(model_type: &str) -> String {
    let known = [
        ("llama", "Llama"),
        ("mistral", "Mistral"),
        ("mixtral", "Mixtral"),
        ("qwen2", "Qwen2"),
        ("qwen3", "Qwen3"),
        ("qwen2_moe", "Qwen2Moe"),
        ("qwen3_moe", "Qwen3Moe"),
        ("gemma3_text", "Gemma3Text"),
        ("gemma", "Gemma"),
        ("gemma2", "Gemma2"),
        ("phi", "Phi"),
        ("phi3", "Phi3"),
        ("olmo2", "Olmo2"),
        ("gpt2", "GPT2"),
        ("gpt_neox", "GPTNeoX"),
        ("falcon", "Falcon"),
        ("gptj", "GPTJ"),
        ("starcoder2", "Starcoder2"),
        ("opt", "OPT"),
        ("bloom", "Bloom"),
        ("bert", "Bert"),
        ("roberta", "Roberta"),
        ("distilbert", "DistilBert"),
        ("albert", "Albert"),
        ("electra", "Electra"),
        ("vit", "ViT"),
        ("mamba", "Mamba"),
    ];
    let stem = known
        .iter()
        .find(|(t, _)| *t == model_type)
        .map_or(model_type, |(_, s)| s);
    format!("{stem}Model")
}

/// What the `architectures` entry asks on top of the base model.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Head {
    /// `…Model`: the last hidden states (BERT and ViT with their pooler).
    None,
    /// `…ForCausalLM`, `…LMHeadModel`: logits over the vocabulary.
    CausalLm,
    /// `…ForMaskedLM`: a transform, a norm, then the tied decoder.
    MaskedLm,
    /// `…ForImageClassification`: a dense on the class token.
    Classify,
    /// `…ForSequenceClassification` of an encoder: a classifier on the
    /// first token.
    Sequence,
}

fn head_of(arch: &str) -> Result<Head, String> {
    let head = if arch.is_empty() || (arch.ends_with("Model") && !arch.ends_with("LMHeadModel")) {
        Head::None
    } else if arch.ends_with("ForCausalLM") || arch.ends_with("LMHeadModel") {
        Head::CausalLm
    } else if arch.ends_with("ForMaskedLM") {
        Head::MaskedLm
    } else if arch.ends_with("ForImageClassification") {
        Head::Classify
    } else if arch.ends_with("ForSequenceClassification") {
        Head::Sequence
    } else {
        return Err(t!("config-unknown-architecture", arch = arch));
    };
    Ok(head)
}

type Built = (Vec<Layer>, Shape, String);

fn build(c: &Config, model_type: &str, arch: &str) -> Result<Built, String> {
    let head = head_of(arch)?;
    let class = if arch.is_empty() {
        class_base(model_type)
    } else {
        arch.to_string()
    };
    let layers = match model_type {
        "llama" | "mistral" | "mixtral" | "qwen2" | "qwen2_moe" | "qwen3" | "qwen3_moe"
        | "gemma" | "gemma2" | "gemma3_text" | "phi3" | "olmo2" => decoder(c, model_type, head)?,
        "phi" | "gpt_neox" | "falcon" | "gptj" | "starcoder2" => parallel(c, model_type, head)?,
        "gpt2" | "opt" | "bloom" => classic(c, model_type, head)?,
        "bert" | "roberta" | "distilbert" | "albert" | "electra" => encoder(c, model_type, head)?,
        "vit" => vit(c, head)?,
        "mamba" => mamba(c, head)?,
        "" => return Err(t!("config-missing", key = "model_type")),
        other => return Err(t!("config-unknown-type", model_type = other)),
    };
    if (head == Head::Classify && model_type != "vit")
        || (matches!(head, Head::MaskedLm | Head::Sequence) && !is_encoder(model_type))
    {
        return Err(t!("config-unknown-architecture", arch = arch));
    }
    let length = match model_type {
        "vit" => None,
        // RoBERTa's positions start after the padding index: two fewer fit.
        "roberta" => Some(c.int(&["max_position_embeddings"], 514).saturating_sub(2)),
        "mamba" => None,
        _ => Some(c.int(
            &["max_position_embeddings", "n_positions", "seq_length"],
            2048,
        )),
    };
    let input = match (model_type, length) {
        ("vit", _) => {
            let size = c.int(&["image_size"], 224);
            Shape::Image {
                c: unsigned(c.int(&["num_channels"], 3)),
                h: unsigned(size),
                w: unsigned(size),
            }
        }
        (_, Some(l)) => Shape::Flat(unsigned(l)),
        (_, None) => Shape::Flat(2048),
    };
    Ok((layers, input, class))
}

fn is_encoder(model_type: &str) -> bool {
    matches!(
        model_type,
        "bert" | "roberta" | "distilbert" | "albert" | "electra"
    )
}

fn unsigned(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(1)
}

fn int(n: i64) -> Value {
    Value::Int(n)
}

fn word(w: &str) -> Value {
    Value::Word(w.to_string())
}

/// A container of `kind` holding `branches`.
fn merge(kind: Kind, branches: Vec<Vec<Layer>>) -> Layer {
    let mut layer = Layer::new(kind);
    layer.branches = branches;
    layer
}

/// `layers` run `repeat` times, as transformers' `layers` ModuleList.
fn block(name: &str, repeat: i64, layers: Vec<Layer>) -> Result<Layer, String> {
    let mut b = make(
        Kind::Block,
        &[(Field::Name, word(name)), (Field::Repeat, int(repeat))],
    )?;
    b.branches = vec![layers];
    Ok(b)
}

/// A residual: the input plus what `body` computes from it.
fn residual(body: Vec<Layer>) -> Layer {
    merge(Kind::Add, vec![body, Vec::new()])
}

fn dense(units: i64, bias: bool) -> Result<Layer, String> {
    make(
        Kind::Dense,
        &[(Field::Units, int(units)), (Field::Bias, Value::Bool(bias))],
    )
}

/// The activation layer transformers' `hidden_act` names (`ACT2FN`).
fn activation(name: &str) -> Result<Layer, String> {
    let (kind, tanh) = match name {
        "silu" | "swish" => (Kind::Silu, false),
        "gelu" | "gelu_python" => (Kind::Gelu, false),
        "gelu_new" | "gelu_pytorch_tanh" | "gelu_fast" | "gelu_accurate" => (Kind::Gelu, true),
        "relu" => (Kind::Relu, false),
        "relu6" => (Kind::Relu6, false),
        "tanh" => (Kind::Tanh, false),
        "sigmoid" => (Kind::Sigmoid, false),
        "mish" => (Kind::Mish, false),
        other => return Err(t!("config-unknown-activation", name = other)),
    };
    if tanh {
        make(kind, &[(Field::Approximate, word("tanh"))])
    } else {
        Ok(Layer::new(kind))
    }
}

/// A two-layer MLP: up to `ff`, the activation, back to `dim`.
fn mlp(dim: i64, ff: i64, act: &str, bias: bool) -> Result<Vec<Layer>, String> {
    Ok(vec![dense(ff, bias)?, activation(act)?, dense(dim, bias)?])
}

/// A gated MLP (SwiGLU, GeGLU): act(gate(x)) · up(x), then down.
fn gated_mlp(dim: i64, ff: i64, act: &str, bias: bool) -> Result<Vec<Layer>, String> {
    let gate = vec![dense(ff, bias)?, activation(act)?];
    let up = vec![dense(ff, bias)?];
    Ok(vec![
        merge(Kind::Multiply, vec![gate, up]),
        dense(dim, bias)?,
    ])
}

struct Attention {
    heads: i64,
    kv_heads: i64,
    head_dim: i64,
    bias: bool,
    out_bias: bool,
    qk_norm: bool,
    /// The q and k norms span all heads (OLMo 2), not one head's d.
    qk_norm_all: bool,
    rope: bool,
    causal: bool,
    window: Option<i64>,
}

impl Attention {
    fn layer(&self, sliding: bool) -> Result<Layer, String> {
        let mut settings = vec![
            (Field::Heads, int(self.heads)),
            (Field::KvHeads, int(self.kv_heads)),
            (Field::HeadDim, int(self.head_dim)),
            (Field::Bias, Value::Bool(self.bias)),
            (Field::OutBias, Value::Bool(self.out_bias)),
            (Field::Causal, Value::Bool(self.causal)),
        ];
        if self.qk_norm_all {
            settings.push((Field::QkNorm, Value::Word("all".into())));
        } else if self.qk_norm {
            settings.push((Field::QkNorm, Value::Bool(true)));
        }
        if self.rope {
            settings.push((Field::Rope, Value::Bool(true)));
        }
        if let (true, Some(w)) = (sliding, self.window) {
            settings.push((Field::Window, int(w)));
        }
        make(Kind::Attention, &settings)
    }
}

/// `repeat` layers made by `one(i)`, as one block: the shortest period of
/// the layers' kinds (Gemma 2's sliding and full attention alternate).
fn layers_block(
    name: &str,
    n: i64,
    sliding: &[bool],
    one: impl Fn(bool) -> Result<Vec<Layer>, String>,
) -> Result<Layer, String> {
    let len = sliding.len();
    let period = (1..=len.max(1))
        .find(|&p| len.is_multiple_of(p) && (p..len).all(|i| sliding[i] == sliding[i - p]))
        .unwrap_or(1);
    let mut body = Vec::new();
    for i in 0..period.min(len.max(1)) {
        body.extend(one(sliding.get(i).copied().unwrap_or(false))?);
    }
    let repeat = if len == 0 {
        n
    } else {
        i64::try_from(len / period).unwrap_or(1)
    };
    block(name, repeat, body)
}

/// The decoders of the Llama line: pre-norm RMSNorm blocks of grouped-query
/// attention with rotary positions and a gated MLP (or a mixture of them).
fn decoder(c: &Config, model_type: &str, head: Head) -> Result<Vec<Layer>, String> {
    let dim = c.need(&["hidden_size"]);
    let vocab = c.need(&["vocab_size"]);
    let n = c.need(&["num_hidden_layers"]);
    let heads = c.need(&["num_attention_heads"]);
    let kv_heads = c.int(&["num_key_value_heads"], heads);
    let gemma = matches!(model_type, "gemma" | "gemma2" | "gemma3_text");
    let head_dim_default = match model_type {
        "qwen3" | "qwen3_moe" => 128,
        _ if gemma => 256,
        _ => dim / heads.max(1),
    };
    let head_dim = c.int(&["head_dim"], head_dim_default);
    let ff = c.need(&["intermediate_size"]);
    let act_default = if gemma { "gelu_pytorch_tanh" } else { "silu" };
    let act = c.word(&["hidden_activation", "hidden_act"], act_default);
    let attention_bias = c.flag("attention_bias", false);
    let mlp_bias = c.flag("mlp_bias", false);
    let (bias, out_bias) = match model_type {
        // Qwen2's q, k and v have biases, its output projection none.
        "qwen2" | "qwen2_moe" => (true, false),
        _ => (attention_bias, attention_bias),
    };
    let window = match model_type {
        "mistral" | "mixtral" | "phi3" | "gemma2" | "gemma3_text" => {
            c.count_or(&["sliding_window"], false)
        }
        "qwen2" | "qwen2_moe" if c.flag("use_sliding_window", false) => {
            c.count_or(&["sliding_window"], false)
        }
        _ => None,
    };
    let sliding = match c.layer_types(n) {
        Some(types) => types,
        None => {
            let every = window.is_some() && !matches!(model_type, "gemma2" | "gemma3_text");
            let mut all = vec![every; usize::try_from(n).unwrap_or(0)];
            if model_type == "gemma2" {
                // Gemma 2 alternates: even layers slide, odd ones see all.
                for (i, s) in all.iter_mut().enumerate() {
                    *s = i % 2 == 0;
                }
            }
            if model_type == "gemma3_text" {
                // Gemma 3: every sixth layer sees all, the rest slide.
                let every = c.int(&["sliding_window_pattern", "_sliding_window_pattern"], 6);
                let every = usize::try_from(every).unwrap_or(6).max(1);
                for (i, s) in all.iter_mut().enumerate() {
                    *s = (i + 1) % every != 0;
                }
            }
            all
        }
    };
    let attention = Attention {
        heads,
        kv_heads,
        head_dim,
        bias,
        out_bias,
        qk_norm: matches!(model_type, "qwen3" | "qwen3_moe" | "gemma3_text" | "olmo2"),
        // OLMo 2 normalises all heads' queries (keys) at once.
        qk_norm_all: model_type == "olmo2",
        rope: true,
        causal: true,
        window,
    };
    // Mixtral's experts are as wide as its MLP would be; Qwen's MoE
    // experts have a width of their own, and every layer is sparse unless
    // the config says otherwise (which is not followed).
    let moe = matches!(model_type, "qwen2_moe" | "qwen3_moe");
    if moe {
        c.refuse_if("mlp_only_layers", |v| {
            v.as_array().is_some_and(|a| !a.is_empty())
        });
        c.refuse_if("decoder_sparse_step", |v| v.as_i64() != Some(1));
    }
    let experts = (model_type == "mixtral" || moe).then(|| {
        let width = if moe {
            c.int(&["moe_intermediate_size"], 1408)
        } else {
            ff
        };
        (
            c.int(
                &["num_local_experts", "num_experts"],
                if moe { 60 } else { 8 },
            ),
            c.int(&["num_experts_per_tok"], if moe { 4 } else { 2 }),
            width,
        )
    });
    // Qwen2-MoE adds a shared expert, scaled by a sigmoid gate of its own.
    let shared =
        (model_type == "qwen2_moe").then(|| c.int(&["shared_expert_intermediate_size"], 5632));
    // Gemma 2 and 3 norm before and after each half; OLMo 2 only after.
    let sandwich = matches!(model_type, "gemma2" | "gemma3_text");
    let post_only = model_type == "olmo2";
    let norm = || Layer::new(Kind::RmsNorm);
    let one = |slides: bool| -> Result<Vec<Layer>, String> {
        let (mut attn, mut ffn) = if post_only {
            (vec![attention.layer(slides)?], Vec::new())
        } else {
            (vec![norm(), attention.layer(slides)?], vec![norm()])
        };
        match experts {
            Some((e, k, width)) => {
                let routed = make(
                    Kind::Moe,
                    &[
                        (Field::Experts, int(e)),
                        (Field::TopK, int(k)),
                        (Field::Ff, int(width)),
                    ],
                )?;
                match shared {
                    Some(shared) => {
                        let gate = vec![dense(1, false)?, Layer::new(Kind::Sigmoid)];
                        let expert = gated_mlp(dim, shared, &act, false)?;
                        let gated = merge(Kind::Multiply, vec![expert, gate]);
                        ffn.push(merge(Kind::Add, vec![vec![routed], vec![gated]]));
                    }
                    None => ffn.push(routed),
                }
            }
            None => ffn.extend(gated_mlp(dim, ff, &act, mlp_bias)?),
        }
        if sandwich || post_only {
            attn.push(norm());
            ffn.push(norm());
        }
        Ok(vec![residual(attn), residual(ffn)])
    };
    let mut layers = vec![embedding(vocab, dim)?];
    layers.push(layers_block("layers", n, &sliding, one)?);
    layers.push(norm());
    let tied_default = gemma || model_type == "qwen3";
    if head == Head::CausalLm {
        layers.push(lm_head(
            vocab,
            c.flag("tie_word_embeddings", tied_default),
            false,
        )?);
    }
    Ok(layers)
}

fn embedding(vocab: i64, dim: i64) -> Result<Layer, String> {
    make(
        Kind::Embedding,
        &[(Field::Vocab, int(vocab)), (Field::Dim, int(dim))],
    )
}

/// The projection to the vocabulary; `tied` borrows the embedding's weights.
fn lm_head(vocab: i64, tied: bool, bias: bool) -> Result<Layer, String> {
    let mut settings = vec![(Field::Units, int(vocab)), (Field::Bias, Value::Bool(bias))];
    if tied {
        settings.push((Field::Tied, Value::Bool(true)));
    }
    make(Kind::Dense, &settings)
}

/// How a LayerNorm decoder of the Phi, GPT-NeoX and Falcon kind is built.
struct Blocks {
    kv_heads: i64,
    /// Biases on q, k, v and the output projection.
    attn_bias: bool,
    mlp_bias: bool,
    ff: i64,
    act: String,
    /// One norm before both branches (else one for each).
    shared_norm: bool,
    /// x + attn(norm x) + mlp(norm' x), rather than one after the other.
    parallel: bool,
    tied: bool,
    head_bias: bool,
}

/// LayerNorm decoders with rotary positions: parallel blocks (Phi,
/// GPT-NeoX, Falcon, GPT-J), one norm shared or one for each, or
/// sequential ones (StarCoder2, Falcon-RW).
fn parallel(c: &Config, model_type: &str, head: Head) -> Result<Vec<Layer>, String> {
    let dim = c.need(&["hidden_size", "n_embd"]);
    let vocab = c.need(&["vocab_size"]);
    let n = c.need(&["num_hidden_layers", "n_layer"]);
    let heads = c.need(&["num_attention_heads", "n_head"]);
    let b = match model_type {
        "phi" => {
            c.refuse_if("qk_layernorm", |v| v == &Json::Bool(true));
            Blocks {
                kv_heads: c.int(&["num_key_value_heads"], heads),
                attn_bias: true,
                mlp_bias: true,
                ff: c.int(&["intermediate_size"], 8192),
                act: c.word(&["hidden_act"], "gelu_new"),
                shared_norm: true,
                parallel: true,
                tied: c.flag("tie_word_embeddings", false),
                head_bias: true,
            }
        }
        "gpt_neox" => {
            let bias = c.flag("attention_bias", true);
            Blocks {
                kv_heads: heads,
                attn_bias: bias,
                mlp_bias: bias,
                ff: c.int(&["intermediate_size"], 4 * dim),
                act: c.word(&["hidden_act"], "gelu"),
                shared_norm: false,
                parallel: c.flag("use_parallel_residual", true),
                tied: c.flag("tie_word_embeddings", false),
                head_bias: false,
            }
        }
        // GPT-J: q, k, v and out without biases, the MLP and head with them.
        "gptj" => Blocks {
            kv_heads: heads,
            attn_bias: false,
            mlp_bias: true,
            ff: c.int(&["n_inner"], 4 * dim),
            act: c.word(&["activation_function"], "gelu_new"),
            shared_norm: true,
            parallel: true,
            tied: c.flag("tie_word_embeddings", false),
            head_bias: true,
        },
        "starcoder2" => {
            let bias = c.flag("use_bias", true);
            Blocks {
                kv_heads: c.int(&["num_key_value_heads"], 2),
                attn_bias: bias,
                mlp_bias: bias,
                ff: c.int(&["intermediate_size"], 12288),
                act: c.word(&["hidden_act"], "gelu_pytorch_tanh"),
                shared_norm: false,
                parallel: false,
                tied: c.flag("tie_word_embeddings", true),
                head_bias: false,
            }
        }
        _ => {
            // Falcon: the new decoder has kv heads and a norm per branch;
            // the first one shares one key/value head (multi-query).
            let new = c.flag("new_decoder_architecture", false);
            let kv = if new {
                c.int(&["num_kv_heads"], heads)
            } else if c.flag("multi_query", true) {
                1
            } else {
                heads
            };
            let norms = if new {
                c.int(&["num_ln_in_parallel_attn"], 2)
            } else {
                1
            };
            let bias = c.flag("bias", false);
            Blocks {
                kv_heads: kv,
                attn_bias: bias,
                mlp_bias: bias,
                ff: c.int(&["ffn_hidden_size"], 4 * dim),
                act: c.word(&["activation"], "gelu"),
                shared_norm: norms == 1,
                parallel: new || c.flag("parallel_attn", true),
                tied: c.flag("tie_word_embeddings", true),
                head_bias: false,
            }
        }
    };
    // Falcon-RW's ALiBi biases the scores by distance: no rotation, no weights.
    let alibi = model_type == "falcon" && c.flag("alibi", false);
    let attention = Attention {
        heads,
        kv_heads: b.kv_heads,
        head_dim: dim / heads.max(1),
        bias: b.attn_bias,
        out_bias: b.attn_bias,
        qk_norm: false,
        qk_norm_all: false,
        rope: !alibi,
        causal: true,
        window: None,
    };
    let (ff, act, bias) = (b.ff, b.act.as_str(), b.mlp_bias);
    let norm = || Layer::new(Kind::LayerNorm);
    let body = if !b.parallel {
        vec![
            residual(vec![norm(), attention.layer(false)?]),
            residual([vec![norm()], mlp(dim, ff, act, bias)?].concat()),
        ]
    } else if b.shared_norm {
        let both = merge(
            Kind::Add,
            vec![vec![attention.layer(false)?], mlp(dim, ff, act, bias)?],
        );
        vec![residual(vec![norm(), both])]
    } else {
        vec![merge(
            Kind::Add,
            vec![
                Vec::new(),
                vec![norm(), attention.layer(false)?],
                [vec![norm()], mlp(dim, ff, act, bias)?].concat(),
            ],
        )]
    };
    let mut layers = vec![embedding(vocab, dim)?, block("layers", n, body)?, norm()];
    if head == Head::CausalLm {
        layers.push(lm_head(vocab, b.tied, b.head_bias)?);
    }
    Ok(layers)
}

/// GPT-2, OPT and BLOOM: pre-norm (OPT may be post-norm) LayerNorm blocks
/// of multi-head attention and a plain MLP, every projection with a bias.
fn classic(c: &Config, model_type: &str, head: Head) -> Result<Vec<Layer>, String> {
    let dim = c.need(&["hidden_size", "n_embd", "d_model"]);
    let vocab = c.need(&["vocab_size"]);
    let n = c.need(&["num_hidden_layers", "n_layer"]);
    let heads = c.need(&["num_attention_heads", "n_head"]);
    let attention = Attention {
        heads,
        kv_heads: heads,
        head_dim: dim / heads.max(1),
        bias: true,
        out_bias: true,
        qk_norm: false,
        qk_norm_all: false,
        rope: false,
        causal: true,
        window: None,
    };
    let norm = || Layer::new(Kind::LayerNorm);
    let mut layers = Vec::new();
    let (ff, act, pre_norm) = match model_type {
        "gpt2" => {
            c.refuse_if("add_cross_attention", |v| v == &Json::Bool(true));
            let positions = c.int(&["n_positions", "max_position_embeddings"], 1024);
            layers.push(embedding(vocab, dim)?);
            layers.push(make(
                Kind::PosEmbedding,
                &[(Field::MaxLen, int(positions))],
            )?);
            let ff = c.int(&["n_inner"], 4 * dim);
            (ff, c.word(&["activation_function"], "gelu_new"), true)
        }
        "opt" => {
            c.refuse_if("enable_bias", |v| v == &Json::Bool(false));
            let proj = c.int(&["word_embed_proj_dim"], dim);
            let positions = c.int(&["max_position_embeddings"], 2048);
            layers.push(embedding(vocab, proj)?);
            if proj != dim {
                layers.push(dense(dim, false)?);
            }
            // OPT's learned positions start at an offset of 2.
            layers.push(make(
                Kind::PosEmbedding,
                &[(Field::MaxLen, int(positions + 2))],
            )?);
            let ff = c.int(&["ffn_dim"], 3072);
            (
                ff,
                c.word(&["activation_function"], "relu"),
                c.flag("do_layer_norm_before", true),
            )
        }
        _ => {
            // BLOOM: ALiBi positions (no parameters), a norm on the embedding.
            layers.push(embedding(vocab, dim)?);
            layers.push(norm());
            (4 * dim, "gelu_new".to_string(), true)
        }
    };
    let body = if pre_norm {
        vec![
            residual(vec![norm(), attention.layer(false)?]),
            residual([vec![norm()], mlp(dim, ff, &act, true)?].concat()),
        ]
    } else {
        vec![
            residual(vec![attention.layer(false)?]),
            norm(),
            residual(mlp(dim, ff, &act, true)?),
            norm(),
        ]
    };
    layers.push(block("layers", n, body)?);
    let proj = c.int(&["word_embed_proj_dim"], dim);
    if pre_norm {
        layers.push(norm());
    }
    if model_type == "opt" && proj != dim {
        layers.push(dense(proj, false)?);
    }
    if head == Head::CausalLm {
        layers.push(lm_head(vocab, c.flag("tie_word_embeddings", true), false)?);
    }
    Ok(layers)
}

/// BERT and its kin: embeddings and their norm, post-norm encoder layers
/// (`transformer`), and a pooler or a masked-language head.
fn encoder(c: &Config, model_type: &str, head: Head) -> Result<Vec<Layer>, String> {
    let dim = c.need(&["hidden_size", "dim"]);
    let vocab = c.need(&["vocab_size"]);
    let n = c.need(&["num_hidden_layers", "n_layers"]);
    let heads = c.need(&["num_attention_heads", "n_heads"]);
    let ff = c.int(&["intermediate_size", "hidden_dim"], 4 * dim);
    c.refuse_if("add_cross_attention", |v| v == &Json::Bool(true));
    c.refuse_if("num_hidden_groups", |v| v.as_i64() != Some(1));
    c.refuse_if("inner_group_num", |v| v.as_i64() != Some(1));
    let positions = c.int(&["max_position_embeddings"], 512);
    let types = match model_type {
        "distilbert" => 0,
        _ => c.int(&["type_vocab_size"], 2),
    };
    // ALBERT's and ELECTRA's embeddings are narrower, projected up.
    let embed = match model_type {
        "albert" | "electra" => c.int(&["embedding_size"], 128),
        _ => dim,
    };
    let mut layers = vec![
        embedding(vocab, embed)?,
        make(
            Kind::PosEmbedding,
            &[(Field::MaxLen, int(positions)), (Field::Types, int(types))],
        )?,
        Layer::new(Kind::LayerNorm),
    ];
    if embed != dim {
        layers.push(dense(dim, true)?);
    }
    let layer = make(
        Kind::Transformer,
        &[(Field::Heads, int(heads)), (Field::Ff, int(ff))],
    )?;
    let mut encoder = block("encoder", n, vec![layer])?;
    // ALBERT runs one layer's weights n times.
    encoder.extra.shared = model_type == "albert";
    layers.push(encoder);
    match head {
        Head::MaskedLm => {
            let act = c.word(&["hidden_act", "activation"], "gelu");
            layers.push(dense(embed, true)?);
            layers.push(activation(&act)?);
            layers.push(Layer::new(Kind::LayerNorm));
            layers.push(lm_head(vocab, c.flag("tie_word_embeddings", true), true)?);
        }
        // DistilBERT and ELECTRA have no pooler.
        Head::None if !matches!(model_type, "distilbert" | "electra") => {
            layers.extend(pooler(dim)?);
        }
        // RoBERTa's classification head is a pooler of its own (dense,
        // tanh) and DistilBERT's a dense of ReLU: the same weights.
        Head::Sequence => {
            if matches!(model_type, "distilbert" | "electra") {
                let act = if model_type == "electra" {
                    c.word(&["hidden_act"], "gelu")
                } else {
                    "relu".into()
                };
                layers.push(Layer::new(Kind::FirstToken));
                layers.push(dense(dim, true)?);
                layers.push(activation(&act)?);
            } else {
                layers.extend(pooler(dim)?);
            }
            layers.push(dense(labels(c), true)?);
        }
        _ => {}
    }
    Ok(layers)
}

/// How many classes a classifier has: `num_labels`, or as many as the
/// `id2label` transformers saves in its place (two by default).
fn labels(c: &Config) -> i64 {
    let named = c
        .map
        .get("id2label")
        .and_then(Json::as_object)
        .map_or(2, |m| i64::try_from(m.len()).unwrap_or(2));
    c.int(&["num_labels"], named)
}

/// BERT's and ViT's pooler: the first token through a dense of tanh.
fn pooler(dim: i64) -> Result<[Layer; 2], String> {
    let dense = make(
        Kind::Dense,
        &[(Field::Units, int(dim)), (Field::Activation, word("tanh"))],
    )?;
    Ok([Layer::new(Kind::FirstToken), dense])
}

/// ViT: patches as tokens, a class token and positions, pre-norm encoder
/// blocks, a final norm, then a pooler or a classifier on the class token.
fn vit(c: &Config, head: Head) -> Result<Vec<Layer>, String> {
    let dim = c.need(&["hidden_size"]);
    let n = c.need(&["num_hidden_layers"]);
    let heads = c.need(&["num_attention_heads"]);
    let ff = c.int(&["intermediate_size"], 4 * dim);
    let patch = c.int(&["patch_size"], 16);
    let size = c.int(&["image_size"], 224);
    let bias = c.flag("qkv_bias", true);
    let tokens = (size / patch.max(1)) * (size / patch.max(1)) + 1;
    let act = c.word(&["hidden_act"], "gelu");
    let attention = Attention {
        heads,
        kv_heads: heads,
        head_dim: dim / heads.max(1),
        bias,
        out_bias: true,
        qk_norm: false,
        qk_norm_all: false,
        rope: false,
        causal: false,
        window: None,
    };
    let norm = || Layer::new(Kind::LayerNorm);
    let body = vec![
        residual(vec![norm(), attention.layer(false)?]),
        residual([vec![norm()], mlp(dim, ff, &act, true)?].concat()),
    ];
    let mut layers = vec![
        make(
            Kind::Conv2d,
            &[
                (Field::Filters, int(dim)),
                (Field::Kernel, int(patch)),
                (Field::Stride, int(patch)),
            ],
        )?,
        Layer::new(Kind::ToTokens),
        Layer::new(Kind::ClsToken),
        make(Kind::PosEmbedding, &[(Field::MaxLen, int(tokens))])?,
        block("encoder", n, body)?,
        norm(),
    ];
    match head {
        Head::Classify => {
            layers.push(Layer::new(Kind::FirstToken));
            layers.push(dense(labels(c), true)?);
        }
        _ if c.flag("add_pooling_layer", true) => {
            layers.extend(pooler(dim)?);
        }
        _ => {}
    }
    Ok(layers)
}

/// Mamba: pre-norm residual blocks of the S6 mixer, a final norm, a tied head.
fn mamba(c: &Config, head: Head) -> Result<Vec<Layer>, String> {
    let dim = c.need(&["hidden_size", "d_model"]);
    let vocab = c.need(&["vocab_size"]);
    let n = c.need(&["num_hidden_layers", "n_layer"]);
    c.refuse_if("use_bias", |v| v == &Json::Bool(true));
    c.refuse_if("use_conv_bias", |v| v == &Json::Bool(false));
    let mut settings = vec![
        (Field::State, int(c.int(&["state_size"], 16))),
        (Field::Conv, int(c.int(&["conv_kernel"], 4))),
        (Field::Expand, int(c.int(&["expand"], 2))),
    ];
    if let Some(Json::Number(r)) = c.map.get("time_step_rank")
        && let Some(r) = r.as_i64()
    {
        settings.push((Field::DtRank, int(r)));
    }
    let body = vec![residual(vec![
        Layer::new(Kind::RmsNorm),
        make(Kind::Mamba, &settings)?,
    ])];
    let mut layers = vec![
        embedding(vocab, dim)?,
        block("layers", n, body)?,
        Layer::new(Kind::RmsNorm),
    ];
    if head == Head::CausalLm {
        layers.push(lm_head(vocab, c.flag("tie_word_embeddings", true), false)?);
    }
    Ok(layers)
}
