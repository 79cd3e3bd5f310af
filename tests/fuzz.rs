//! A fuzz harness for what reads other programs' files: the PyTorch printout,
//! Keras JSON and Hugging Face config importers, and the safetensors and
//! GGUF header readers. Each starts from a real file of its kind (the fixtures, made by
//! the frameworks) and mutates its bytes: flips, deletions, insertions of
//! the characters the grammar turns on, duplicated and spliced spans, and
//! numbers swapped for edge values. Whatever comes out must be an answer or
//! a list of problems, never a panic, and a network that came in must
//! analyse and save without one either.
//!
//! Bounded for `cargo test` (`common::cases`); a long run by hand:
//! `LAYERLAB_FUZZ_CASES=100000 cargo test --release --test fuzz`.

// Only the case counts of the shared helpers are used here.
#[allow(dead_code)]
mod common;

use layerlab::engine::analyze;
use layerlab::import::{self, Imported};
use layerlab::network::Shape;
use proptest::prelude::*;
use std::path::Path;

/// A byte the grammar turns on, more often than chance would pick it.
const TOKENS: &[&[u8]] = &[
    b"(",
    b")",
    b"[",
    b"]",
    b"{",
    b"}",
    b",",
    b":",
    b"=",
    b"\"",
    b"\n",
    b"  ",
    b"x",
    b"-",
    b"0",
    b"9223372036854775807",
    b"18446744073709551616",
    b"1e308",
    b"-1",
    b"null",
    b"true",
    b"Sequential(",
    b"Linear(in_features=8, out_features=8, bias=True)",
    b"Conv2d(3, 8, kernel_size=(3, 3), stride=(2, 2))",
    b"(0-11): 12 x ",
    b"\"class_name\": \"Add\"",
    b"\"num_hidden_layers\": 100000000",
    b"\xff\xfe",
    b"\x1b]0;",
];

#[derive(Clone, Debug)]
enum Mutation {
    Flip(usize, u8),
    Delete(usize, usize),
    Insert(usize, usize),
    Duplicate(usize, usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::Flip(at, b)),
        (any::<usize>(), 1..64usize).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(at, t)| Mutation::Insert(at, t)),
        (any::<usize>(), 1..256usize, any::<usize>())
            .prop_map(|(from, n, to)| Mutation::Duplicate(from, n, to)),
    ]
}

/// `seed` with the mutations applied in turn (positions taken modulo the
/// length at that point, so every mutation lands somewhere).
fn mutate(seed: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for m in mutations {
        let len = b.len().max(1);
        match *m {
            Mutation::Flip(at, byte) => {
                if !b.is_empty() {
                    b[at % len] = byte;
                }
            }
            Mutation::Delete(at, n) => {
                let at = at % len;
                let end = (at + n).min(b.len());
                if at < end {
                    b.drain(at..end);
                }
            }
            Mutation::Insert(at, t) => {
                let at = at % (b.len() + 1);
                b.splice(at..at, TOKENS[t].iter().copied());
            }
            Mutation::Duplicate(from, n, to) => {
                let from = from % len;
                let end = (from + n).min(b.len());
                let span = b.get(from..end).unwrap_or_default().to_vec();
                let to = to % (b.len() + 1);
                b.splice(to..to, span);
            }
        }
    }
    b
}

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What came in is a network like any other: it analyses, and it saves.
fn holds(imported: Result<Imported, Vec<import::ImportError>>) {
    match imported {
        Ok(i) => {
            let _ = analyze(&i.net);
            let _ = import::file_text(&i);
        }
        Err(problems) => assert!(!problems.is_empty(), "a refusal names its problems"),
    }
}

fn seeds(names: &[&str]) -> Vec<Vec<u8>> {
    names.iter().map(|n| fixture(n)).collect()
}

proptest! {
    #![proptest_config(common::ci_config(2000))]

    #[test]
    fn the_printout_importer_never_panics(
        seed in 0..15usize,
        mutations in proptest::collection::vec(mutation(), 1..8),
    ) {
        let seeds = seeds(&[
            "import/torch_resnet18.txt",
            "import/torch_lstm_proj.txt",
            "import/torch_vit_b_32.txt",
            "import/timm_convnext_atto.txt",
            // Blocks known by their forward: branches, splits, nested concats.
            "import/torch_inception_v3.txt",
            "import/torch_s3d.txt",
            "import/timm_cspresnet50.txt",
            "import/timm_ese_vovnet19b_dw.txt",
            "import/timm_inception_next_atto.txt",
            "import/hf_llama_tiny.txt",
            // Splits, reused and carried maps as slices; gates; transposes.
            "import/timm_dla60_res2net.txt",
            "import/timm_dpn48b.txt",
            "import/timm_ghostnetv2_100.txt",
            "import/timm_mixer_s16_224.txt",
            "import/timm_ecaresnet26t.txt",
        ]);
        let text = String::from_utf8_lossy(&mutate(&seeds[seed], &mutations)).into_owned();
        let input = Shape::Image { c: 3, h: 224, w: 224 };
        holds(import::pytorch::import(&text, input, "fuzz"));
        // The same text through the front door, which picks the format.
        let _ = import::import(&text, Some(input), "fuzz").map(|i| holds(Ok(i)));
    }

    #[test]
    fn the_keras_importer_never_panics(
        seed in 0..6usize,
        mutations in proptest::collection::vec(mutation(), 1..8),
    ) {
        let seeds = seeds(&[
            "import/keras_sequential.json",
            "import/keras_conv1d.json",
            "import/keras_mobilenet_v2.json",
            "import/keras_mobilenet_v3_small.json",
            "import/keras_batchnorm_center_scale.json",
            "import/keras_text_cnn.json",
        ]);
        let text = String::from_utf8_lossy(&mutate(&seeds[seed], &mutations)).into_owned();
        holds(import::keras::import(&text, None, "fuzz"));
        let _ = import::keras::input_of(&text);
    }

    #[test]
    fn the_config_importer_never_panics(
        seed in 0..7usize,
        mutations in proptest::collection::vec(mutation(), 1..8),
    ) {
        let seeds = seeds(&[
            "config/gemma-2b.json",
            "config/bert-base-uncased.json",
            "config/falcon-7b.json",
            "config/albert-base-v2.json",
            "config/qwen1.5-moe-a2.7b.json",
            "config/gemma-3-1b.json",
            "config/electra-small-sst2.json",
        ]);
        let text = String::from_utf8_lossy(&mutate(&seeds[seed], &mutations)).into_owned();
        // A short sequence: the fuzz is of the reader, not of a 2,048-token analysis.
        holds(import::hf_config::import(&text, Some(Shape::Flat(16)), "fuzz"));
        holds(import::hf_config::import(&text, None, "fuzz"));
    }

    #[test]
    fn the_safetensors_header_reader_never_panics(
        mutations in proptest::collection::vec(mutation(), 1..8),
    ) {
        let header = br#"{"__metadata__":{"format":"pt"},"conv1.weight":{"dtype":"F32","shape":[64,3,7,7],"data_offsets":[0,37632]},"bn1.running_mean":{"dtype":"F32","shape":[64],"data_offsets":[37632,37888]},"bn1.num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[37888,37896]},"fc.bias":{"dtype":"BF16","shape":[1000],"data_offsets":[37896,39896]}}"#;
        let json = mutate(header, &mutations);
        if let Ok(tensors) = import::safetensors::tensors(&json) {
            let _ = import::safetensors::summary(&tensors);
        }
        // And as a file: the 8-byte length, which the mutation may also reach.
        let mut file = (json.len() as u64).to_le_bytes().to_vec();
        file.extend_from_slice(&json);
        let bytes = mutate(&file, &mutations[..1]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.safetensors");
        std::fs::write(&path, bytes).unwrap();
        if let Ok(tensors) = import::safetensors::read(&path) {
            let _ = import::safetensors::summary(&tensors);
        }
    }

    #[test]
    fn the_gguf_header_reader_never_panics(
        mutations in proptest::collection::vec(mutation(), 1..8),
    ) {
        // The header of a file gguf-py wrote (scripts/gguf_fixture.py): its
        // metadata, vocabulary and tensor list, without the weights.
        let whole = fixture("gguf/tiny.gguf");
        let header = &whole[..whole.len().min(4096)];
        let bytes = mutate(header, &mutations);
        if let Ok(tensors) = import::gguf::tensors(bytes.as_slice()) {
            let _ = import::safetensors::summary(&tensors);
        }
    }
}
