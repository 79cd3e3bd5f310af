//! `layerlab import config.json` against transformers: each fixture in
//! `tests/fixtures/config/` is a published model's config.json as
//! transformers writes it, with the parameters transformers counted for the
//! class its `architectures` entry names, built on the meta device
//! (`scripts/config_fixtures.py`). `config_hub/` holds configs as the hub
//! serves them (older, fewer keys), counted the same way.

use layerlab::engine::analyze;
use layerlab::import::{Format, import};
use layerlab::layer::{Kind, Layer};
use layerlab::network::Shape;
use serde_json::Value;
use std::collections::BTreeSet;

fn fixture(path: &str) -> String {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn expected() -> serde_json::Map<String, Value> {
    let all: Value = serde_json::from_str(&fixture("config/expected.json")).expect("json");
    all.as_object().expect("an object").clone()
}

/// The model types the import issue lists: each has a fixture.
const LISTED: &[&str] = &[
    "llama",
    "mistral",
    "mixtral",
    "qwen2",
    "qwen3",
    "gemma",
    "gemma2",
    "phi",
    "phi3",
    "gpt2",
    "gpt_neox",
    "falcon",
    "opt",
    "bloom",
    "bert",
    "roberta",
    "distilbert",
    "albert",
    "vit",
    "mamba",
];

#[test]
fn every_listed_model_type_imports_with_transformers_count() {
    let cases = expected();
    let types: BTreeSet<&str> = cases
        .values()
        .map(|c| c["model_type"].as_str().unwrap())
        .collect();
    for t in LISTED {
        assert!(types.contains(t), "a fixture of model_type {t}");
    }
    for (name, case) in &cases {
        let text = fixture(&format!("config/{name}.json"));
        assert_eq!(Format::of(&text), Some(Format::HfConfig), "{name}");
        let imported = import(&text, None, name).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let a = analyze(&imported.net);
        assert_eq!(a.error_at, None, "{name}: no broken layer");
        assert_eq!(
            a.totals.params,
            case["total_params"].as_u64(),
            "{name} ({}): transformers' count",
            case["architecture"]
        );
        assert!(
            imported.header[0].contains(case["architecture"].as_str().unwrap()),
            "{name}: the header names the class built: {:?}",
            imported.header
        );
        // The file written reads back the same.
        let back = layerlab::file::parse(&layerlab::import::file_text(&imported)).expect(name);
        assert_eq!(analyze(&back).totals.params, a.totals.params, "{name}");
    }
}

/// At the length transformers ran, the output is transformers' (the base
/// BERT, ALBERT and ViT models end in their pooler, which their first
/// output is not).
#[test]
fn outputs_are_transformers_at_the_same_length() {
    for (name, case) in expected() {
        let (Some(length), Some(out)) = (case["length"].as_u64(), case["output"].as_array()) else {
            continue;
        };
        if ["bert-base-model", "albert-base-model"].contains(&name.as_str()) {
            continue;
        }
        let text = fixture(&format!("config/{name}.json"));
        let imported = import(&text, Some(Shape::Flat(length)), &name).expect("imports");
        let a = analyze(&imported.net);
        let want: Vec<u64> = out.iter().map(|d| d.as_u64().unwrap()).collect();
        assert_eq!(
            a.rows.last().and_then(|r| r.output).map(|s| s.to_vec()),
            Some(want),
            "{name}"
        );
    }
}

#[test]
fn configs_as_the_hub_serves_them_import_with_transformers_count() {
    for (file, total) in [
        ("Mistral-7B-v0.1.json", 7_241_732_096u64),
        ("gpt2.json", 124_439_808),
    ] {
        let text = fixture(&format!("config_hub/{file}"));
        let imported = import(&text, None, file).expect(file);
        assert_eq!(analyze(&imported.net).totals.params, Some(total), "{file}");
    }
}

/// The settings that change no count are still followed: Mistral's window,
/// Mixtral's experts (active parameters), Gemma 2's alternating windows,
/// Qwen3's norms on queries and keys, the input the config gives.
#[test]
fn windows_experts_and_lengths_come_from_the_config() {
    let text = fixture("config_hub/Mistral-7B-v0.1.json");
    let net = import(&text, None, "mistral").unwrap().net;
    assert_eq!(net.input, Shape::Flat(32768), "max_position_embeddings");
    assert_eq!(windows(&net), [Some(4096)], "every layer slides");

    let text = fixture("config/mixtral-8x7b.json");
    let a = analyze(&import(&text, None, "mixtral").unwrap().net);
    assert_eq!(a.totals.active_params, Some(12_879_925_248));
    assert_eq!(a.totals.params, Some(46_702_792_704));

    let text = fixture("config/gemma2-2b.json");
    let net = import(&text, None, "gemma2").unwrap().net;
    assert_eq!(windows(&net), [Some(4096), None], "13 × (sliding, full)");
    let qwen3 = import(&fixture("config/qwen3-0.6b.json"), None, "qwen3")
        .unwrap()
        .net;
    assert!(
        all(&qwen3.layers)
            .iter()
            .any(|l| l.kind == Kind::Attention && l.extra.qk_norm)
    );
}

/// Every layer of `layers`, blocks and branches opened, in order.
fn all(layers: &[Layer]) -> Vec<&Layer> {
    let mut out = Vec::new();
    for l in layers {
        out.push(l);
        for b in &l.branches {
            out.extend(all(b));
        }
    }
    out
}

/// The windows of the attention layers written (a block's once).
fn windows(net: &layerlab::network::Network) -> Vec<Option<u64>> {
    all(&net.layers)
        .into_iter()
        .filter(|l| l.kind == Kind::Attention)
        .map(|l| l.extra.window.map(|w| w.get()))
        .collect()
}

fn problems(text: &str) -> Vec<String> {
    match import(text, None, "bad") {
        Ok(_) => panic!("{text} imports"),
        Err(problems) => problems.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn what_cannot_be_built_is_refused_by_name_and_line() {
    let unknown = problems("{\n  \"model_type\": \"t5\",\n  \"d_model\": 512\n}");
    assert!(unknown[0].contains("t5"), "{unknown:?}");
    assert!(unknown[0].starts_with("line 2"), "{unknown:?}");

    let typo = problems(
        "{\"model_type\": \"llama\",\n \"hidden_size\": \"4096\",\n \"vocab_size\": 10,\n \
         \"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"intermediate_size\": 8}",
    );
    assert_eq!(typo.len(), 1, "{typo:?}");
    assert!(
        typo[0].starts_with("line 2") && typo[0].contains("hidden_size"),
        "{typo:?}"
    );

    let missing = problems("{\"model_type\": \"gpt2\", \"n_embd\": 64}");
    assert!(
        missing.iter().any(|p| p.contains("vocab_size")),
        "{missing:?}"
    );

    // Structure this import does not follow is refused, not counted wrong.
    let cross = problems(
        "{\"model_type\": \"gpt2\", \"vocab_size\": 10, \"n_embd\": 8, \"n_layer\": 1, \
         \"n_head\": 2, \"add_cross_attention\": true}",
    );
    assert!(cross[0].contains("add_cross_attention"), "{cross:?}");

    let head = problems(
        "{\"model_type\": \"llama\", \"architectures\": [\"LlamaForSequenceClassification\"], \
         \"vocab_size\": 10, \"hidden_size\": 8, \"num_hidden_layers\": 1, \
         \"num_attention_heads\": 2, \"intermediate_size\": 8}",
    );
    assert!(
        head[0].contains("LlamaForSequenceClassification"),
        "{head:?}"
    );
}

/// Without `architectures`, the base model: no head, and the header says so.
#[test]
fn a_config_without_architectures_is_the_base_model() {
    let text = "{\"model_type\": \"llama\", \"vocab_size\": 100, \"hidden_size\": 8, \
                \"num_hidden_layers\": 1, \"num_attention_heads\": 2, \"intermediate_size\": 16}";
    let imported = import(text, None, "tiny").unwrap();
    assert!(imported.header.iter().any(|h| h.contains("LlamaModel")));
    // embedding 800 + 2 norms 16 + attention 4·64 + gated MLP 3·128 + norm 8
    assert_eq!(
        analyze(&imported.net).totals.params,
        Some(800 + 16 + 256 + 384 + 8)
    );
}
