//! `layerlab export`: the generated PyTorch and Keras modules for every
//! preset and for networks that need translating ("same" with strides,
//! integer padding, dilation, groups, ceil_mode), reviewed as snapshots.
//! `scripts/check_export.py` runs the same modules in the real frameworks.

use assert_cmd::Command;
use predicates::prelude::*;

fn layerlab() -> Command {
    let mut cmd = Command::cargo_bin("layerlab").expect("the binary is built");
    cmd.env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    cmd
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn export(source: &[&str], to: &str) -> String {
    let out = layerlab()
        .arg("export")
        .args(source)
        .args(["--to", to])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{source:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn every_preset_exports_to_both_frameworks() {
    for preset in ["mlp", "lenet", "lenet-padded", "lenet5", "alexnet", "vgg16"] {
        for to in ["pytorch", "keras"] {
            insta::assert_snapshot!(format!("{preset}_{to}"), export(&["--preset", preset], to));
        }
    }
}

#[test]
fn settings_without_a_direct_equivalent_are_translated() {
    for file in ["export_same_stride.toml", "export_padding.toml"] {
        for to in ["pytorch", "keras"] {
            let code = export(&[&fixture(file)], to);
            insta::assert_snapshot!(format!("{}_{to}", file.trim_end_matches(".toml")), code);
        }
    }
    // "same" with stride 2 on 29 rows pads 1 above and 2 below: PyTorch needs it spelt out.
    let torch = export(&[&fixture("export_same_stride.toml")], "pytorch");
    assert!(
        torch.contains(r#"("l1_pad", nn.ZeroPad2d((1, 1, 1, 2))),"#),
        "{torch}"
    );
    // ceil_mode becomes explicit zeros in Keras, which has no ceil_mode.
    let keras = export(&[&fixture("export_padding.toml")], "keras");
    assert!(
        keras.contains(r#"layers.ZeroPadding2D(((1, 1), (1, 1)), name="l4_pad"),"#),
        "{keras}"
    );
}

#[test]
fn what_cannot_be_expressed_is_refused_with_the_reason() {
    layerlab()
        .args(["export", "--preset", "lenet-stride2", "--to", "pytorch"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "error: cannot export to PyTorch: layer 4 cannot be computed (input 1×1 is smaller \
             than the 2×2 pooling window); PyTorch would refuse to build it: fix it first\n",
        );
    let dir = tempfile::tempdir().expect("temp dir");
    let shared = dir.path().join("shared.toml");
    std::fs::write(&shared, "input = [1, 28, 28]\nkernels = \"shared\"\n").expect("written");
    layerlab()
        .args(["export", shared.to_str().unwrap(), "--to", "keras"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: cannot export to Keras: kernels = \"shared\" (one kernel per filter shared across input channels) has no Keras equivalent",
        ));
    let strided = dir.path().join("strided.toml");
    std::fs::write(
        &strided,
        "input = [1, 28, 28]\n[[layer]]\ntype = \"conv2d\"\nfilters = 4\nkernel = 3\nstride = 2\ndilation = 2\n",
    )
    .expect("written");
    layerlab()
        .args(["export", strided.to_str().unwrap(), "--to", "keras"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "Keras cannot combine a stride above 1 with dilation above 1",
        ));
    // PyTorch can.
    layerlab()
        .args(["export", strided.to_str().unwrap(), "--to", "pytorch"])
        .assert()
        .success();
}

#[test]
fn output_goes_to_a_file_when_asked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("lenet.py");
    layerlab()
        .args([
            "export",
            "--preset",
            "lenet",
            "--to",
            "pytorch",
            "-o",
            path.to_str().unwrap(),
        ])
        .assert()
        .success()
        .stdout("")
        .stderr(format!("Wrote {} (PyTorch module)\n", path.display()));
    let written = std::fs::read_to_string(&path).expect("written");
    assert_eq!(written, export(&["--preset", "lenet"], "pytorch"));
}

#[test]
fn branching_networks_export_as_modules_and_the_functional_api() {
    let source = fixture("export_residual.toml");
    let torch = export(&[&source], "pytorch");
    insta::assert_snapshot!("residual_pytorch", torch);
    assert!(torch.contains("class Add(nn.Module):"));
    assert!(torch.contains("class Concat(nn.Module):"));
    // Each repetition of the block has its own weights, on its own input:
    // 8 channels in the first, 12 in the second.
    assert!(torch.contains("(\"l3_1_1_2_1\", nn.Conv2d(8, 4, kernel_size=(3, 3)"));
    assert!(torch.contains("(\"l3_2_1_2_1\", nn.Conv2d(12, 4, kernel_size=(3, 3)"));
    let keras = export(&[&source], "keras");
    insta::assert_snapshot!("residual_keras", keras);
    assert!(keras.contains("x = layers.Add(name=\"l2\")([x2_1, x2_2])"));
    assert!(keras.contains("layers.Cropping2D(((1, 1), (1, 1)), name=\"l4\")"));
}

#[test]
fn sequences_signals_and_volumes_export_to_both_frameworks() {
    for preset in ["lstm-tagger", "ecg1d", "c3d-small"] {
        for to in ["pytorch", "keras"] {
            insta::assert_snapshot!(format!("{preset}_{to}"), export(&["--preset", preset], to));
        }
    }
    // GPT-2's head is the embedding's own table in both frameworks.
    let torch = export(&["--preset", "gpt2"], "pytorch");
    assert!(
        torch.contains("model.l6.weight = model.l1.weight  # tied: one table"),
        "{torch}"
    );
    assert!(torch.contains("dtype=torch.long"), "token ids are integers");
    let keras = export(&["--preset", "gpt2"], "keras");
    assert!(
        keras.contains("embedding_l1 = layers.Embedding(50257, 768, name=\"l1\")"),
        "{keras}"
    );
    assert!(
        keras.contains("x = TiedDense(embedding_l1, use_bias=False, name=\"l6\")(x)"),
        "{keras}"
    );
    // Keras's LSTM keeps one bias per gate: the module says by how much.
    let keras = export(&["--preset", "lstm-tagger"], "keras");
    assert!(keras.contains("KERAS_DIFFERS = {\"l2\": 4096}"), "{keras}");
    assert!(keras.contains("EXPECTED_PARAMS = 3780484  # layerlab's 3784580"));
}
