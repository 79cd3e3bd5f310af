//! Sequences, signals and volumes: each new layer's formula with numbers a
//! reader can check by hand, the presets' totals, the red rows (positions,
//! heads, an untied head, windows too large along an axis), attention's MACs
//! at two lengths, and 300 random networks run in real PyTorch.

use layerlab::engine::{Analysis, Status, analyze};
use layerlab::file::parse;
use layerlab::network::Shape;
use layerlab::presets;

mod oracle;

fn net(input: &str, layers: &str) -> Analysis {
    analyze(&parse(&format!("input = {input}\n{layers}")).unwrap())
}

/// The parameters of a network's only layer.
fn params(input: &str, layer: &str) -> u64 {
    let a = net(input, &format!("[[layer]]\n{layer}\n"));
    assert_eq!(a.error_at, None, "{layer}");
    a.rows[0].params.unwrap()
}

fn message(a: &Analysis) -> String {
    let i = a.error_at.expect("a broken layer");
    layerlab::words::status(a.rows[i].status).unwrap()
}

#[test]
fn each_layer_counts_as_pytorch_does() {
    // nn.Embedding(100, 16): a 16-vector per token.
    assert_eq!(
        params("[8]", "type = \"embedding\"\nvocab = 100\ndim = 16"),
        1_600
    );
    // (max_len + types)·E = (10 + 2)·16.
    let pos = "type = \"pos_embedding\"\nmax_len = 10\ntypes = 2";
    assert_eq!(params("[8, 16]", pos), 192);
    // LayerNorm(16): 2E, or E without a bias.
    assert_eq!(params("[8, 16]", "type = \"layernorm\""), 32);
    assert_eq!(params("[8, 16]", "type = \"layernorm\"\nbias = false"), 16);
    // MultiheadAttention(16, 4): 4E² + 4E; 4E² without biases.
    assert_eq!(params("[8, 16]", "type = \"attention\"\nheads = 4"), 1_088);
    let no_bias = "type = \"attention\"\nheads = 4\nbias = false";
    assert_eq!(params("[8, 16]", no_bias), 1_024);
    // TransformerEncoderLayer(16, 4, 32): 1,088 + (16+1)·32 + (32+1)·16 + 4·16.
    let encoder = "type = \"transformer\"\nheads = 4\nff = 32";
    assert_eq!(params("[8, 16]", encoder), 1_088 + 544 + 528 + 64);
    // LSTM(16, 8): 4·(8·(16 + 8) + 2·8) = 832; GRU 3·…, RNN 1·….
    assert_eq!(params("[8, 16]", "type = \"lstm\"\nhidden = 8"), 832);
    assert_eq!(params("[8, 16]", "type = \"gru\"\nhidden = 8"), 624);
    assert_eq!(params("[8, 16]", "type = \"rnn\"\nhidden = 8"), 208);
    // Two layers, both directions: the second reads 2·8 features.
    let deep = "type = \"lstm\"\nhidden = 8\nlayers = 2\nbidirectional = true";
    assert_eq!(params("[8, 16]", deep), 2 * (832 + 4 * (8 * (16 + 8) + 16)));
    assert_eq!(
        params("[8, 16]", "type = \"lstm\"\nhidden = 8\nbias = false"),
        768
    );
    // Dense on every position: (E + 1)·units.
    assert_eq!(params("[8, 16]", "type = \"dense\"\nunits = 4"), 68);
    // Conv1d(3, 8, 5): (3·5 + 1)·8; Conv3d(3, 8, (1, 3, 3)): (3·9 + 1)·8.
    assert_eq!(
        params("[3, 50]", "type = \"conv1d\"\nfilters = 8\nkernel = 5"),
        128
    );
    let c3d = "type = \"conv3d\"\nfilters = 8\nkernel = [1, 3, 3]";
    assert_eq!(params("[3, 4, 16, 16]", c3d), 224);
    // BatchNorm1d(C) on [C, L], BatchNorm3d(C) on a volume: 2C.
    assert_eq!(params("[6, 50]", "type = \"batchnorm\""), 12);
    assert_eq!(params("[5, 4, 8, 8]", "type = \"batchnorm\""), 10);
}

#[test]
fn shapes_follow_pytorch() {
    let out = |input: &str, layer: &str| {
        let a = net(input, &format!("[[layer]]\n{layer}\n"));
        a.rows[0].output.map(Shape::to_vec)
    };
    assert_eq!(
        out("[8]", "type = \"embedding\"\nvocab = 9\ndim = 4"),
        Some(vec![8, 4])
    );
    let bi = "type = \"gru\"\nhidden = 8\nbidirectional = true";
    assert_eq!(out("[8, 16]", bi), Some(vec![8, 16]));
    // ⌊(50 + 2·2 − 2·(5 − 1) − 1) / 3⌋ + 1 = 16.
    let conv = "type = \"conv1d\"\nfilters = 4\nkernel = 5\nstride = 3\npadding = 2\ndilation = 2";
    assert_eq!(out("[3, 50]", conv), Some(vec![4, 16]));
    let pool = "type = \"maxpool3d\"\nkernel = [1, 2, 2]";
    assert_eq!(out("[3, 16, 112, 112]", pool), Some(vec![3, 16, 56, 56]));
    assert_eq!(out("[8, 16]", "type = \"first_token\""), Some(vec![16]));
    assert_eq!(out("[3, 4, 8, 8]", "type = \"flatten\""), Some(vec![768]));
}

#[test]
fn presets_have_their_published_totals() {
    for (name, total) in [
        ("gpt2", 124_439_808),
        ("bert-base", 109_482_240),
        ("lstm-tagger", 3_784_580),
        // Checked in PyTorch by scripts/preset_totals.py.
        ("ecg1d", 104_389),
        ("c3d-small", 1_190_245),
    ] {
        let a = analyze(&presets::load(name).unwrap());
        assert_eq!(a.totals.params, Some(total), "{name}");
    }
}

#[test]
fn the_tied_head_is_counted_once_and_shown() {
    let gpt2 = presets::load("gpt2").unwrap();
    let head = gpt2.layers.last().unwrap();
    assert_eq!(head.label(), "dense 50257 tied no-bias");
    let a = analyze(&gpt2);
    assert_eq!(a.rows.last().unwrap().params, Some(0));
    // Without the embedding it borrows from, the head is a red row.
    let mut alone = gpt2.clone();
    alone.layers[0].extra.vocab = layerlab::size::Size::new(50_000).unwrap();
    let a = analyze(&alone);
    assert_eq!(a.error_at, Some(gpt2.layers.len() - 1));
    assert_eq!(
        message(&a),
        "tied dense 50257 needs an earlier embedding of 50257 tokens × 768: none matches"
    );
}

#[test]
fn too_many_tokens_and_uneven_heads_are_red_rows() {
    let gpt2 = presets::load("gpt2").unwrap();
    let long = layerlab::network::Network {
        input: Shape::Flat(2_048),
        ..gpt2
    };
    let a = analyze(&long);
    assert_eq!(a.error_at, Some(1), "the positions row");
    assert_eq!(
        message(&a),
        "2,048 tokens, but only 1,024 positions: shorten the input or raise max_len"
    );
    assert_eq!(a.totals.params, None);
    let a = net("[8, 30]", "[[layer]]\ntype = \"attention\"\nheads = 4\n");
    assert_eq!(
        message(&a),
        "30 features cannot be split into 4 heads: E must be divisible by the heads"
    );
    assert!(matches!(a.rows[0].status, Status::Error(_)));
}

#[test]
fn wrong_tensors_and_short_axes_say_what_they_need() {
    let a = net("[1, 28, 28]", "[[layer]]\ntype = \"lstm\"\nhidden = 8\n");
    assert_eq!(
        message(&a),
        "lstm needs a sequence [L, E] but gets an image 28×28×1: add a `flatten` first"
    );
    let a = net("[100]", "[[layer]]\ntype = \"attention\"\nheads = 2\n");
    assert_eq!(
        message(&a),
        "attention needs a sequence [L, E] but gets a vector of 100: start with an `embedding`"
    );
    let a = net(
        "[3, 4]",
        "[[layer]]\ntype = \"conv1d\"\nfilters = 2\nkernel = 5\n",
    );
    assert_eq!(message(&a), "length 4 is smaller than the 5 kernel");
    let a = net(
        "[3, 2, 8, 8]",
        "[[layer]]\ntype = \"maxpool3d\"\nkernel = 3\npadding = 0\n",
    );
    assert_eq!(message(&a), "depth 2 is smaller than the 3 pooling window");
    // PyTorch's avg_pool3d wants the window inside the unpadded input.
    let a = net(
        "[3, 2, 8, 8]",
        "[[layer]]\ntype = \"avgpool3d\"\nkernel = 3\npadding = 1\n",
    );
    assert_eq!(message(&a), "depth 2 is smaller than the 3 pooling window");
}

#[test]
fn attention_macs_grow_with_the_square_of_the_length() {
    let macs = |l: u64| {
        let a = net(
            &format!("[{l}, 16]"),
            "[[layer]]\ntype = \"attention\"\nheads = 4\n",
        );
        a.rows[0].macs.unwrap()
    };
    // 4·L·E² + 2·L²·E: 4·8·256 + 2·64·16, then 4·16·256 + 2·256·16.
    assert_eq!(macs(8), 8_192 + 2_048);
    assert_eq!(macs(16), 16_384 + 8_192);
    // The detail pane writes the same with the user's numbers.
    let n = parse("input = [8, 16]\n[[layer]]\ntype = \"attention\"\nheads = 4\n").unwrap();
    let a = analyze(&n);
    let why = layerlab::explain::explain(&n.layers[0], &a.rows[0], n.kernels);
    assert_eq!(
        why.macs.unwrap(),
        "4·8·16² + 2·8²·16 = 10,240  (projections, then QKᵀ and the weighted sum: L² grows fast)"
    );
}

#[test]
fn windows_files_and_forms_take_one_number_or_one_per_axis() {
    // A 1-D window takes a number or a list of one; a pair is refused.
    let ok = parse("input = [3, 50]\n[[layer]]\ntype = \"conv1d\"\nfilters = 2\nkernel = [5]\n");
    assert_eq!(ok.unwrap().layers[0].label(), "conv1d 5 ×2 s1 p0");
    let err =
        parse("input = [3, 50]\n[[layer]]\ntype = \"conv1d\"\nfilters = 2\nkernel = [5, 3]\n")
            .unwrap_err();
    assert_eq!(
        err.message,
        "layer 1: `kernel` must be a positive integer, got [5, 3]"
    );
    // A 3-D window: [d, h, w], written back as it was read.
    let src = "input = [3, 16, 32, 32]\n\n[[layer]]\ntype = \"conv3d\"\nfilters = 4\nkernel = [1, 3, 3]\nstride = [1, 2, 2]\n";
    let n = parse(src).unwrap();
    assert_eq!(n.layers[0].label(), "conv3d 1×3×3 ×4 s1×2×2 p0");
    let text = layerlab::file::to_toml(&n);
    assert!(
        text.contains("kernel = [1, 3, 3]\nstride = [1, 2, 2]"),
        "{text}"
    );
    assert_eq!(parse(&text).unwrap(), n);
}

/// 300 random sequence, signal and volume networks built and run in
/// PyTorch 1.13 by `scripts/seq_cases.py 300 tests/fixtures/torch_sequences.json 5`.
#[test]
fn random_sequence_networks_match_pytorch() {
    let (valid, refused) = oracle::check(include_str!("fixtures/torch_sequences.json"));
    assert_eq!(valid + refused, 300);
    assert!(
        valid > 150 && refused > 40,
        "{valid} valid, {refused} refused"
    );
}

#[test]
fn the_readme_transformer_example_reads_and_counts_as_it_says() {
    let readme = include_str!("../README.md");
    let marker = "<!-- transformer example: tests/sequences.rs reads this block -->";
    let block = readme
        .split(marker)
        .nth(1)
        .expect("the README has the example");
    let toml = block
        .split("```toml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a toml block after the marker");
    let a = analyze(&parse(toml).expect("the example parses"));
    // Checked in PyTorch: scripts/preset_totals.py on the same file.
    assert_eq!(a.totals.params, Some(5_339_138));
    assert!(readme.contains("A small transformer classifier (5,339,138 parameters"));
    assert_eq!(a.rows.last().unwrap().output, Some(Shape::Flat(2)));
}

#[test]
fn the_readme_llm_example_counts_as_transformers_does() {
    let readme = include_str!("../README.md");
    let marker = "<!-- llm example: tests/sequences.rs reads this block -->";
    let block = readme
        .split(marker)
        .nth(1)
        .expect("the README has the example");
    let toml = block
        .split("```toml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a toml block after the marker");
    let a = analyze(&parse(toml).expect("the example parses"));
    // transformers' LlamaForCausalLM(LlamaConfig(vocab_size=1000,
    // hidden_size=128, intermediate_size=352, num_hidden_layers=4,
    // num_attention_heads=8, num_key_value_heads=2, tie_word_embeddings=True)).
    assert_eq!(a.totals.params, Some(833_664));
    assert!(readme.contains("A small Llama (833,664 parameters"));
    assert_eq!(
        a.rows.last().unwrap().output,
        Some(Shape::Matrix {
            rows: 256,
            cols: 1000
        })
    );
}

#[test]
fn signals_and_volumes_have_a_smallest_input() {
    use layerlab::smallest::{size_text, smallest_valid_input};
    let ecg = presets::load("ecg1d").unwrap();
    assert_eq!(size_text(smallest_valid_input(&ecg).unwrap()), "8");
    let c3d = presets::load("c3d-small").unwrap();
    assert_eq!(size_text(smallest_valid_input(&c3d).unwrap()), "8×16×16");
    // A sequence has no least length: any from 1 up will do.
    assert_eq!(smallest_valid_input(&presets::load("gpt2").unwrap()), None);
}

#[test]
fn a_signal_window_that_does_not_tile_says_samples() {
    // ⌊(9 − 2) / 2⌋ + 1 = 4 windows cover 8 of the 9 samples.
    let a = net("[3, 9]", "[[layer]]\ntype = \"maxpool1d\"\nkernel = 2\n");
    assert_eq!(
        layerlab::words::status(a.rows[0].status).unwrap(),
        "drops the last 1 sample: the window does not tile the input"
    );
}
