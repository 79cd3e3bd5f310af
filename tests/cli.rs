//! The command line as a user meets it: exit statuses, exact error messages,
//! and each output format, against the fixture files in `tests/fixtures`.

#[path = "common/names.rs"]
mod names;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn layerlab() -> Command {
    let mut cmd = Command::cargo_bin("layerlab").expect("the binary is built");
    cmd.env_remove("NO_COLOR");
    // English, whatever the machine's locale; Russian is tested explicitly.
    cmd.env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        // The tester's own settings file stays out of it.
        .env("XDG_CONFIG_HOME", "/nonexistent/layerlab-tests");
    cmd
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn stdout_of(args: &[&str]) -> String {
    let out = layerlab().args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Each malformed file exits with status 2 and says where and what.
#[test]
fn malformed_files_name_the_line_and_field_and_exit_2() {
    let cases = [
        (
            "invalid_stride.toml",
            ":17: layer 3: `stride` must be a positive integer or [h, w], got -1",
        ),
        (
            "invalid_kernal.toml",
            ":7: layer 1: unknown field `kernal` for conv2d; did you mean `kernel`? \
             conv2d takes: filters, kernel, stride, padding, dilation, groups, bias, activation",
        ),
        (
            "invalid_lstm.toml",
            // lstm is known now; the file gives it a dense layer's field.
            ":9: layer 2: unknown field `units` for lstm; lstm takes: hidden, layers, bidirectional, bias, proj",
        ),
        (
            "invalid_zero_input.toml",
            ":2: `input` must be a list of positive integers: [C, H, W] for an image (e.g. [1, 28, 28]), \
             [L] for tokens or a vector, [L, E] or [C, L] for a sequence or signal, [C, D, H, W] for a volume; \
             got [1, 0, 28]",
        ),
        (
            "invalid_syntax.toml",
            // Read a layer at a time, the unclosed array is found where it is.
            ":2: unclosed array, expected `]`",
        ),
        (
            "invalid_layers.toml",
            ":4: unknown field `layers`, expected one of `name`, `input`, `kernels`, `budget`, `layer`; \
             write each layer as a `[[layer]]` table",
        ),
        (
            "invalid_missing_units.toml",
            ":7: layer 2: dense needs `units` (a positive integer)",
        ),
        (
            "invalid_kernels.toml",
            ":3: `kernels` must be \"full\" or \"shared\", got \"depthwise\"",
        ),
        (
            "invalid_padding.toml",
            ":8: layer 1: `padding` must be a non-negative integer, [h, w], \"valid\" or \"same\", got \"full\"",
        ),
    ];
    for (file, message) in cases {
        let path = fixture(file);
        layerlab()
            .args(["summary", &path])
            .assert()
            .code(2)
            .stdout("")
            .stderr(format!("error: {path}{message}\n"));
    }
}

#[test]
fn a_missing_file_or_preset_is_an_error_with_status_2() {
    layerlab()
        .args(["summary", "no/such/file.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: no/such/file.toml: cannot read the file:",
        ));
    layerlab()
        .args(["summary", "--preset", "resnet"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid value 'resnet' for '--preset <PRESET>'",
        ));
    layerlab()
        .args(["summary"])
        .assert()
        .code(2)
        .stderr("error: give an architecture file or --preset NAME (see `layerlab presets`)\n");
}

#[test]
fn table_shows_shapes_params_and_totals_plain_when_piped() {
    let out = stdout_of(&["summary", "--preset", "lenet"]);
    insta::assert_snapshot!("lenet_table", out);
    assert!(!out.contains('\x1b'), "no colour codes when piped");
    let shared = stdout_of(&["summary", "--preset", "lenet", "--kernels", "shared"]);
    assert!(shared.contains("Total params: 42,426\n"), "{shared}");
}

#[test]
fn a_broken_layer_is_marked_and_the_command_still_succeeds() {
    let out = stdout_of(&["summary", "--preset", "lenet-stride2"]);
    insta::assert_snapshot!("lenet_stride2_table", out);
    let row = out
        .lines()
        .find(|l| l.starts_with("4  maxpool"))
        .expect("row 4");
    assert!(
        row.ends_with("✗ input 1×1 is smaller than the 2×2 pooling window"),
        "{row}"
    );
}

#[test]
fn markdown_and_csv_carry_the_same_rows() {
    let md = stdout_of(&["summary", "--preset", "lenet", "--format", "markdown"]);
    insta::assert_snapshot!("lenet_markdown", md);
    let csv = stdout_of(&["summary", "--preset", "lenet-stride2", "--format", "csv"]);
    insta::assert_snapshot!("lenet_stride2_csv", csv);
    let latex = stdout_of(&["summary", "--preset", "lenet", "--format", "latex"]);
    insta::assert_snapshot!("lenet_latex", latex);
    assert!(latex.contains("\\begin{tabular}{rllrrll}") && latex.ends_with("\\end{tabular}\n"));
    assert!(latex.contains(
        "1 & conv 5$\\times$5 $\\times$6 s1 p0 relu & 24$\\times$24$\\times$6 & 156 & 86{,}400"
    ));
}

#[test]
fn json_has_the_documented_fields() {
    let out = stdout_of(&["summary", &fixture("valid_groups.toml"), "--format", "json"]);
    let v: Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["name"], "grouped");
    assert_eq!(v["input"], serde_json::json!([4, 33, 33]));
    assert_eq!(v["kernels"], "full");
    assert_eq!(v["total_params"], 344);
    assert_eq!(v["error_at"], Value::Null);
    let conv = &v["layers"][0];
    assert_eq!(conv["index"], 1);
    assert_eq!(conv["type"], "conv2d");
    assert_eq!(conv["input"], serde_json::json!([4, 33, 33]));
    assert_eq!(conv["output"], serde_json::json!([8, 16, 15]));
    assert_eq!(conv["params"], 248);
    assert_eq!(conv["status"], "ok");
    assert_eq!(conv["formulas"]["params"], "(3·5·(4/2) + 1)·8 = 248");
    assert_eq!(v["layers"][3]["output"], serde_json::json!([8]));

    let broken = stdout_of(&["summary", "--preset", "lenet-stride2", "--format", "json"]);
    let v: Value = serde_json::from_str(&broken).expect("valid JSON");
    assert_eq!(v["error_at"], 4);
    assert_eq!(v["total_params"], Value::Null);
    assert_eq!(v["layers"][3]["status"], "error");
    assert_eq!(
        v["layers"][3]["message"],
        "input 1×1 is smaller than the 2×2 pooling window"
    );
    assert_eq!(v["layers"][4]["status"], "unreachable");
    assert_eq!(v["layers"][4]["output"], Value::Null);
    assert_eq!(v["layers"][4]["params"], Value::Null);
}

#[test]
fn presets_lists_every_preset_with_both_totals() {
    let out = stdout_of(&["presets"]);
    insta::assert_snapshot!("presets", out);
    for expected in [
        "795,010 params",
        "44,426 params (42,426 shared)",
        "107,786 params (105,786 shared)",
        "breaks at layer 4",
        "138,357,544 params",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in\n{out}");
    }
}

#[test]
fn the_explorer_refuses_a_bad_file_before_touching_the_terminal() {
    let path = fixture("invalid_stride.toml");
    layerlab()
        .arg(&path)
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "error: {path}:17: layer 3: `stride` must be a positive integer or [h, w], got -1\n"
        ));
}

#[test]
fn diff_compares_layer_by_layer_with_the_change_in_totals() {
    let out = stdout_of(&["diff", "--preset", "lenet", "--preset", "lenet-padded"]);
    insta::assert_snapshot!("diff_lenet_padded", out);
    assert!(
        out.ends_with("Total params: 44,426 → 107,786 (+63,360)\n"),
        "{out}"
    );

    let json = stdout_of(&[
        "diff",
        "--preset",
        "lenet",
        &fixture("valid_groups.toml"),
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(v["base"]["name"], "LeNet");
    assert_eq!(v["other"]["source"], fixture("valid_groups.toml"));
    assert_eq!(v["total_params_change"], 344 - 44_426);
    let first = &v["layers"][0];
    assert_eq!(first["change"], "changed");
    assert_eq!(first["base_params"], 156);
    assert_eq!(first["params"], 248);
    assert_eq!(first["params_change"], 92);

    layerlab()
        .args(["diff", "--preset", "lenet"])
        .assert()
        .code(2)
        .stderr("error: diff compares two networks: give two files, two --preset NAME, or one of each (got 1)\n");
}

#[test]
fn diff_marks_an_inserted_layer_as_added_and_nothing_else_as_changed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bn.toml");
    let lenet = layerlab::presets::load("lenet").expect("preset");
    let mut with_bn = lenet.clone();
    with_bn.layers.insert(
        1,
        layerlab::layer::Layer::new(layerlab::layer::Kind::BatchNorm),
    );
    layerlab::file::save(&with_bn, None, &path).expect("saved");
    let json = stdout_of(&[
        "diff",
        "--preset",
        "lenet",
        path.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&json).expect("valid JSON");
    let changes: Vec<&str> = v["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["change"].as_str().unwrap())
        .collect();
    assert_eq!(
        changes,
        [
            "same", "added", "same", "same", "same", "same", "same", "same", "same", "same"
        ]
    );
    assert_eq!(v["total_params_change"], 12);
}

#[test]
fn sweep_lists_which_input_sizes_work() {
    let out = stdout_of(&["sweep", "--preset", "lenet", "--sizes", "12..17"]);
    insta::assert_snapshot!("sweep_lenet", out);
    let json = stdout_of(&[
        "sweep",
        "--preset",
        "lenet-stride2",
        "--sizes",
        "28..=31",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&json).expect("valid JSON");
    let valid: Vec<bool> = v["sizes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["valid"].as_bool().unwrap())
        .collect();
    assert_eq!(
        valid,
        [false, false, false, true],
        "lenet-stride2 needs 31×31"
    );
    assert_eq!(v["sizes"][0]["error_at"], 4);
    assert_eq!(v["sizes"][3]["output"], serde_json::json!([10]));
    layerlab()
        .args(["sweep", "--preset", "lenet", "--sizes", "9..4"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`--sizes` 9..4 is empty"));
}

#[test]
fn input_overrides_the_files_input() {
    let out = stdout_of(&[
        "summary", "--preset", "lenet", "--input", "3,32,32", "--format", "json",
    ]);
    let v: Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["input"], serde_json::json!([3, 32, 32]));
    assert_eq!(v["layers"][0]["params"], 456, "(5·5·3 + 1)·6");
    assert_eq!(v["total_params"], 62_006);
    layerlab()
        .args(["summary", "--preset", "lenet", "--input", "3,0,32"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid value '3,0,32' for '--input <SHAPE>': must be C, H, W (e.g. 1, 28, 28), H×W×C (e.g. 28×28×1), \
             L, E or C, L (e.g. 1024, 768), C, D, H, W, or one number for tokens or a vector",
        ));
}

#[test]
fn crosses_read_height_by_width_by_channels_as_the_table_writes() {
    for spelling in ["224×224×3", "224x224x3", "3,224,224"] {
        let out = stdout_of(&[
            "summary", "--preset", "vgg16", "--input", spelling, "--format", "json",
        ]);
        let v: Value = serde_json::from_str(&out).expect("valid JSON");
        assert_eq!(v["input"], serde_json::json!([3, 224, 224]), "{spelling}");
        assert_eq!(v["total_params"], 138_357_544, "{spelling}");
    }
    // The table echoes the reading back in its own notation.
    let table = stdout_of(&["summary", "--preset", "lenet", "--input", "32x32x3"]);
    assert!(table.starts_with("LeNet — input 32×32×3,"), "{table}");
}

#[test]
fn russian_follows_lang_or_the_locale() {
    let ru = layerlab()
        .args(["summary", "--preset", "lenet", "--lang", "ru"])
        .output()
        .expect("runs");
    let text = String::from_utf8(ru.stdout).expect("utf-8");
    assert!(text.contains("Всего параметров: 44 426"), "{text}");
    assert!(text.contains("#  слой"), "{text}");
    let by_locale = layerlab()
        .env("LANG", "ru_RU.UTF-8")
        .args(["summary", "--preset", "lenet-stride2"])
        .output()
        .expect("runs");
    let text = String::from_utf8(by_locale.stdout).expect("utf-8");
    assert!(
        text.contains("✗ вход 1×1 меньше окна пулинга 2×2"),
        "{text}"
    );
    assert!(text.contains("недостижим"));
    layerlab()
        .args(["summary", &fixture("invalid_stride.toml"), "--lang", "ru"])
        .assert()
        .code(2)
        .stderr(format!(
            "ошибка: {}:17: слой 3: `stride`: нужно целое положительное число или [h, w], а здесь -1\n",
            fixture("invalid_stride.toml")
        ));
    // --lang wins over the locale.
    let en = layerlab()
        .env("LC_ALL", "ru_RU.UTF-8")
        .args(["presets", "--lang", "en"])
        .output()
        .expect("runs");
    assert!(
        String::from_utf8(en.stdout)
            .unwrap()
            .contains("44,426 params (42,426 shared)")
    );
}

#[test]
fn help_and_usage_errors_speak_russian_too() {
    let help = layerlab()
        .args(["--lang", "ru", "--help"])
        .output()
        .expect("runs");
    assert!(help.status.success());
    let text = String::from_utf8(help.stdout).expect("utf-8");
    assert!(
        text.contains("Использование: layerlab [ПАРАМЕТРЫ] [ФАЙЛ]"),
        "{text}"
    );
    assert!(
        text.contains("Показать справку") && text.contains("Команды:"),
        "{text}"
    );
    layerlab()
        .args(["summary", "--preset", "resnet", "--lang", "ru"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "ошибка: недопустимое значение 'resnet' для '--preset <PRESET>' (можно: mlp, lenet,",
        ));
    // The language flag may come before the command.
    let out = stdout_of(&["--lang", "ru", "summary", "--preset", "lenet"]);
    assert!(out.contains("Всего параметров: 44 426"));
}

#[test]
fn the_explorer_without_a_terminal_says_what_to_use_instead() {
    layerlab()
        .write_stdin("")
        .assert()
        .code(2)
        .stdout("")
        .stderr("error: the explorer needs a terminal; for a table in a pipe or a script, use `layerlab summary`\n");
}

#[test]
fn a_reader_that_stops_early_is_no_error_and_a_full_disk_is_said() {
    use std::process::{Command as Std, Stdio};
    let mut child = Std::new(env!("CARGO_BIN_EXE_layerlab"))
        .args(["sweep", "--preset", "lenet", "--sizes", "1..20000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    // Like `| head -1`: read a little, then close the pipe.
    let mut first = [0u8; 16];
    let mut stdout = child.stdout.take().expect("piped");
    std::io::Read::read_exact(&mut stdout, &mut first).expect("some output");
    drop(stdout);
    let out = child.wait_with_output().expect("exits");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "quiet");

    if std::path::Path::new("/dev/full").exists() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full opens");
        let out = Std::new(env!("CARGO_BIN_EXE_layerlab"))
            .args(["summary", "--preset", "vgg16"])
            .env("LANG", "C")
            .env_remove("LC_ALL")
            .stdout(full)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "error: cannot write the output: No space left on device (os error 28)\n"
        );
    }
}

#[test]
fn control_characters_from_a_file_never_reach_the_terminal_raw() {
    let dir = tempfile::tempdir().expect("temp dir");
    let evil = dir.path().join("evil.toml");
    std::fs::write(
        &evil,
        "name = \"x\\u001b]0;pwned\\u0007\"\ninput = [1, 28, 28]\n",
    )
    .unwrap();
    let out = layerlab()
        .args(["summary", evil.to_str().unwrap()])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).expect("utf-8");
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
        "{stderr:?}"
    );
    assert!(
        stderr.ends_with(
            "evil.toml:1: `name` must be one line of plain text; character 2 is the control character \\u{1b}: remove it\n"
        ),
        "{stderr}"
    );
    // A path with an escape sequence in it is quoted escaped too.
    let out = layerlab()
        .args(["summary", "no\u{1b}[2Jsuch.toml"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8(out.stderr).expect("utf-8");
    assert!(
        stderr.starts_with("error: no\\u{1b}[2Jsuch.toml: cannot read the file"),
        "{stderr}"
    );
}

#[test]
fn machine_output_does_not_change_with_the_language() {
    for format in ["json", "csv"] {
        for preset in ["lenet-stride2", "lenet"] {
            let en = stdout_of(&["summary", "--preset", preset, "--format", format]);
            let ru = stdout_of(&[
                "summary", "--preset", preset, "--format", format, "--lang", "ru",
            ]);
            assert_eq!(en, ru, "{preset} as {format}");
        }
    }
    let en = stdout_of(&[
        "sweep", "--preset", "lenet", "--sizes", "10..20", "--format", "json",
    ]);
    let ru = stdout_of(&[
        "sweep", "--preset", "lenet", "--sizes", "10..20", "--format", "json", "--lang", "ru",
    ]);
    assert_eq!(en, ru);
    let json = stdout_of(&[
        "summary",
        "--preset",
        "lenet-stride2",
        "--format",
        "json",
        "--lang",
        "ru",
    ]);
    assert!(json.contains("\"message\": \"input 1×1 is smaller than the 2×2 pooling window\""));
}

#[test]
fn russian_tables_have_no_english_prose() {
    let runs: &[&[&str]] = &[
        &["summary", "--preset", "lenet-stride2"],
        &["summary", "--preset", "lenet", "--format", "markdown"],
        &["summary", "--preset", "lenet", "--format", "latex"],
        &["diff", "--preset", "lenet", "--preset", "lenet-padded"],
        &["sweep", "--preset", "lenet", "--sizes", "12..20"],
        &["presets"],
    ];
    const NAMES: &[&str] = &[
        "gpt2",
        "bert",
        "base",
        "lstm",
        "tagger",
        "ecg1d",
        "c3d",
        "small",
        "GPT",
        "BERT",
        "uncased",
        "pre",
        "norm",
        "LSTM",
        "CNN",
        "C3D",
        "conv1d",
        "conv3d",
        "conv",
        "maxpool",
        "avgpool",
        "global",
        "flatten",
        "dense",
        "relu",
        "tanh",
        "softmax",
        "same",
        "valid",
        "dropout",
        "batchnorm",
        "PyTorch",
        "Keras",
        "MAC",
        "LeNet",
        "MLP",
        "AlexNet",
        "VGG",
        "float32",
        "torchvision",
        "KiB",
        "MiB",
        "GiB",
        "zero",
        "padded",
        "stride",
        "lenet",
        "mlp",
        "alexnet",
        "vgg16",
        "lenet5",
        "stride2",
        "resnet18",
        "resnet50",
        "mobilenet_v2",
        "densenet121",
        "unet",
        "ResNet",
        "MobileNetV2",
        "DenseNet",
        "U",
        "Net",
        "add",
        "concat",
        "block",
        "begin",
        "end",
        "tabular",
        "hline",
        "rllrrll",
        "textbf",
        "times",
        "cdot",
        "sigmoid",
        "tanh",
        "layerlab",
        "multicolumn",
        "textsf",
        "emph",
        "textcolor",
        "red",
        "mathrm",
        "ceil",
        "no",
    ];
    for args in runs {
        let mut all = args.to_vec();
        all.extend(["--lang", "ru"]);
        let out = stdout_of(&all);
        for word in out.split(|c: char| !c.is_ascii_alphanumeric() && c != '_') {
            let latin = word.chars().filter(char::is_ascii_alphabetic).count();
            assert!(
                latin < 3 || NAMES.iter().any(|n| n.starts_with(word)) || names::named(word),
                "English {word:?} in Russian {args:?}:\n{out}"
            );
        }
    }
}

#[test]
fn a_network_over_budget_exits_1_and_says_by_how_much() {
    layerlab()
        .args([
            "summary",
            "--preset",
            "vgg16",
            "--budget",
            "params=5M,memory=8GiB",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("Total params: 138,357,544"))
        .stderr("Budget params: 138,357,544 of 5,000,000 ✗ over by 133,357,544\n");
    // Within every limit: status 0, and the table says so.
    layerlab()
        .args([
            "summary",
            "--preset",
            "vgg16",
            "--budget",
            "params=200M,macs=16G",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "Budget params: 138,357,544 of 200,000,000 ✓",
        ))
        .stderr("");
    // A broken network cannot be held to a budget: that is a failure too.
    layerlab()
        .args([
            "summary",
            "--preset",
            "lenet-stride2",
            "--budget",
            "params=1M",
        ])
        .assert()
        .code(1)
        .stderr("Budget params: unknown (a layer is broken) of 1,000,000 ✗\n");
    layerlab()
        .args(["summary", "--preset", "lenet", "--budget", "weights=5M"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`weights=5M` is not a budget: write memory=8GiB (or 8GB), params=5M (or 5,000,000) or macs=1G",
        ));
}

#[test]
fn memory_json_follows_dtype_training_and_batch() {
    let out = stdout_of(&[
        "summary",
        "--preset",
        "vgg16",
        "--format",
        "json",
        "--dtype",
        "fp16",
        "--train",
        "adam",
        "--batch",
        "8",
        "--budget",
        "memory=8GiB",
    ]);
    let v: Value = serde_json::from_str(&out).expect("valid JSON");
    let m = &v["memory"];
    assert_eq!(m["weights"], 276_715_088, "138,357,544 params × 2 bytes");
    assert_eq!(m["gradients"], 276_715_088);
    // Adam's step is the peak: two moments, and two temporaries the size of
    // the largest layer (the first dense layer's 102,764,544 weights).
    assert_eq!(m["optimizer"], 553_430_176 + 4 * 102_764_544u64);
    assert_eq!(m["phase"], "optimizer");
    let (w, g, o, a) = (
        m["weights"].as_u64().unwrap(),
        m["gradients"].as_u64().unwrap(),
        m["optimizer"].as_u64().unwrap(),
        m["activations"].as_u64().unwrap(),
    );
    assert_eq!(m["total"].as_u64().unwrap(), w + g + o + a);
    assert_eq!(
        (v["dtype"].as_str(), v["train"].as_str(), &v["batch"]),
        (Some("fp16"), Some("adam"), &Value::from(8))
    );
    assert_eq!(v["budget"]["memory"]["ok"], true);
    // The largest batch that fits 8 GiB: it fits, one more does not.
    let most = v["max_batch"].as_u64().unwrap();
    let total_at = |batch: u64| {
        let out = stdout_of(&[
            "summary",
            "--preset",
            "vgg16",
            "--format",
            "json",
            "--dtype",
            "fp16",
            "--train",
            "adam",
            "--batch",
            &batch.to_string(),
        ]);
        let v: Value = serde_json::from_str(&out).unwrap();
        v["memory"]["total"].as_u64().unwrap()
    };
    assert!(
        total_at(most) <= 8 << 30 && total_at(most + 1) > 8 << 30,
        "{most}"
    );
}

#[test]
fn sweep_plot_draws_params_macs_and_memory_against_the_size() {
    let out = stdout_of(&["sweep", "--preset", "lenet", "--sizes", "12..64", "--plot"]);
    // The table first, then one chart each, its range on the y axis.
    assert!(out.starts_with("LeNet — square inputs 12..64"));
    for title in [
        "┌ parameters ",
        "┌ MACs ",
        "┌ memory (fp32, inference, batch 1) ",
    ] {
        assert!(out.contains(title), "{title} in\n{out}");
    }
    // Parameters grow with the input (the first dense layer reads more):
    // 15,626 at 16×16, the smallest that works, 338,186 at 64×64.
    assert!(
        out.contains("│338,186│") && out.contains("│15,626 │"),
        "{out}"
    );
    assert!(out.contains('⣀'), "the line is drawn in braille");
}

#[test]
fn a_files_budget_holds_it_unless_the_command_line_says_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lenet.toml");
    let lenet =
        std::fs::read_to_string(format!("{}/assets/lenet.toml", env!("CARGO_MANIFEST_DIR")))
            .unwrap();
    let with_budget = lenet.replacen(
        "\n[[layer]]",
        "\n[budget]\nparams = \"40K\"\n\n[[layer]]",
        1,
    );
    std::fs::write(&path, &with_budget).unwrap();
    let path = path.to_str().unwrap();
    layerlab()
        .args(["summary", path])
        .assert()
        .code(1)
        .stderr("Budget params: 44,426 of 40,000 ✗ over by 4,426\n");
    layerlab()
        .args(["summary", path, "--budget", "params=50K"])
        .assert()
        .code(0);
    // A budget the file cannot hold says where and what would do.
    let bad = with_budget.replace("params = \"40K\"", "weights = \"40K\"");
    std::fs::write(dir.path().join("bad.toml"), bad).unwrap();
    let bad_path = dir.path().join("bad.toml");
    layerlab()
        .args(["summary", bad_path.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`budget` takes memory, params and macs, not `weights`",
        ));
}

/// The settings file: its language and kernel convention apply, flags win,
/// and a wrong setting is an error naming the file and line.
#[test]
fn the_settings_file_is_read_and_a_wrong_one_names_its_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("layerlab")).unwrap();
    let config = dir.path().join("layerlab/config.toml");
    std::fs::write(&config, "lang = \"ru\"\nkernels = \"shared\"\n").unwrap();
    let run = |args: &[&str]| {
        layerlab()
            .env("XDG_CONFIG_HOME", dir.path())
            .args(args)
            .output()
            .expect("runs")
    };
    let out = String::from_utf8(run(&["summary", "--preset", "lenet"]).stdout).unwrap();
    assert!(out.contains("Всего параметров: 42 426"), "{out}");
    let out = run(&[
        "summary",
        "--preset",
        "lenet",
        "--lang",
        "en",
        "--kernels",
        "full",
    ]);
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(out.contains("Total params: 44,426"), "flags win: {out}");

    std::fs::write(&config, "# mine\n\nascii = true\ncolour = \"red\"\n").unwrap();
    let out = run(&["summary", "--preset", "lenet"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(&format!("{}:4: ", config.display())), "{err}");
    assert!(err.contains("unknown field `colour`"), "{err}");
}

/// `import`: what it cannot read exits 2 and says where and what, every
/// problem of the file; what it reads goes to stdout or `-o`, with the
/// count on stderr.
#[test]
fn import_writes_a_file_and_names_every_problem_with_its_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let run = |args: &[&str]| layerlab().arg("import").args(args).output().expect("runs");
    let stderr = |out: &std::process::Output| String::from_utf8_lossy(&out.stderr).into_owned();

    let unknown = write(
        "unknown.txt",
        "Net(\n  (a): Conv2d(3, 8, kernel_size=(3, 3))\n  (b): Frobnicate(7)\n  (c): Wiggle()\n)\n",
    );
    let out = run(&[&unknown, "--input", "3,32,32"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "error: {unknown}:3: `Frobnicate(7)`: Frobnicate is a module layerlab does not know"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("error: {unknown}:4: `Wiggle()`")),
        "both are listed: {err}"
    );
    assert!(out.stdout.is_empty(), "nothing half-written");

    let truncated = write(
        "truncated.txt",
        "VGG(\n  (features): Sequential(\n    (0): Conv2d(3, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n",
    );
    let err = stderr(&run(&[&truncated, "--input", "3,224,224"]));
    assert!(
        err.contains(&format!(
            "{truncated}:2: the printout is cut short: `Sequential(` on line 2 is never closed"
        )),
        "{err}"
    );

    let bad = write(
        "bad.json",
        "{\"class_name\": \"Sequential\", \"config\": {\"layers\": [}\n",
    );
    let out = run(&[&bad]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("{bad}:1: not valid JSON: ")),
        "{}",
        stderr(&out)
    );

    let printout = fixture("import/torch_resnet18.txt");
    let out = run(&[&printout]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "a PyTorch printout does not say the input shape: give it with --input C,H,W"
        )
    );

    // Read: to stdout, or to a file that summary then reads.
    let out = run(&[&printout, "--input", "3,224,224"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("type = \"add\""));
    assert!(stderr(&out).contains("imported: 11,689,512 parameters, output 1000"));
    let to = dir.path().join("resnet50.toml");
    let out = run(&[
        &fixture("import/keras_resnet50.json"),
        "-o",
        to.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = stdout_of(&["summary", to.to_str().unwrap()]);
    assert!(summary.contains("Total params: 25,583,592"), "{summary}");
}

/// `weights`: a safetensors header counted without reading the weights;
/// what is not one says so.
#[test]
fn weights_counts_a_safetensors_header_by_dtype_and_module() {
    let dir = tempfile::tempdir().expect("temp dir");
    let header = br#"{"__metadata__":{"format":"pt"},"embed.weight":{"dtype":"BF16","shape":[1000,64],"data_offsets":[0,128000]},"layers.0.proj.weight":{"dtype":"BF16","shape":[64,64],"data_offsets":[128000,136192]},"layers.1.proj.weight":{"dtype":"BF16","shape":[64,64],"data_offsets":[136192,144384]},"norm.weight":{"dtype":"F32","shape":[64],"data_offsets":[144384,144640]}}"#;
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(header);
    // The weights are never read: a file cut after its header counts the same.
    let path = dir.path().join("model.safetensors");
    std::fs::write(&path, &bytes).unwrap();
    let out = stdout_of(&["weights", path.to_str().unwrap()]);
    assert!(
        out.contains("4 tensors, 72,256 parameters, 141.2 KiB of weights"),
        "{out}"
    );
    assert!(out.contains("BF16"), "{out}");
    let row = out
        .lines()
        .find(|l| l.starts_with("layers.*.proj"))
        .expect("a row for both layers");
    assert!(row.contains(" 2 ") && row.ends_with("8,192"), "{row}");
    let json: Value = serde_json::from_str(&stdout_of(&[
        "weights",
        path.to_str().unwrap(),
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(json["params"], 72_256);
    assert_eq!(json["by_dtype"]["F32"]["bytes"], 256);

    // import knows it is not an architecture.
    let out = layerlab()
        .args(["import", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("`layerlab weights` counts its parameters")
    );
    // A truncated header.
    std::fs::write(&path, &bytes[..20]).unwrap();
    let out = layerlab()
        .args(["weights", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("its header is cut off"));
}

#[test]
fn a_mixture_of_experts_gives_both_totals() {
    let json: serde_json::Value = serde_json::from_str(&stdout_of(&[
        "summary",
        "--preset",
        "mixtral-8x7b",
        "--format",
        "json",
    ]))
    .expect("JSON");
    assert_eq!(json["total_params"], 46_702_792_704u64);
    assert_eq!(json["active_params"], 12_879_925_248u64);
    let text = stdout_of(&["summary", "--preset", "mixtral-8x7b"]);
    assert!(text.contains("Total params: active 12,879,925,248 of 46,702,792,704"));
    // Without experts the two agree, and JSON still says both.
    let json: serde_json::Value = serde_json::from_str(&stdout_of(&[
        "summary",
        "--preset",
        "llama3-8b",
        "--format",
        "json",
    ]))
    .expect("JSON");
    assert_eq!(json["total_params"], 8_030_261_248u64);
    assert_eq!(json["active_params"], json["total_params"]);
}

/// `summary`, `diff` and `export` take a config.json as they take a file;
/// a printout, which does not say its input, takes it from `--input`, and
/// without it is refused with the option.
#[test]
fn commands_take_a_config_json_and_a_printout_with_its_input() {
    let mixtral = fixture("config/mixtral-8x7b.json");
    let json: Value =
        serde_json::from_str(&stdout_of(&["summary", &mixtral, "--format", "json"])).unwrap();
    assert_eq!(json["total_params"], 46_702_792_704u64);
    assert_eq!(json["active_params"], 12_879_925_248u64);
    let table = stdout_of(&["summary", &fixture("config/llama3-8b.json")]);
    assert!(table.contains("8,030,261,248"), "{table}");
    let diff = stdout_of(&[
        "diff",
        &fixture("config/llama3-8b.json"),
        &fixture("config_hub/Mistral-7B-v0.1.json"),
    ]);
    assert!(diff.contains("8,030,261,248 → 7,241,732,096"), "{diff}");
    let export = stdout_of(&[
        "export",
        &fixture("config/qwen3-0.6b.json"),
        "--to",
        "pytorch",
    ]);
    assert!(export.contains("596,049,920 parameters"), "{export}");
    layerlab()
        .args(["summary", &fixture("import/torch_vgg16.txt")])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("layerlab import").and(predicate::str::contains("--input")),
        );
    // VGG-16 as torchvision prints it, at 224×224: PyTorch's 138,357,544.
    let vgg = fixture("import/torch_vgg16.txt");
    let json: Value = serde_json::from_str(&stdout_of(&[
        "summary",
        &vgg,
        "--input",
        "3,224,224",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(json["total_params"], 138_357_544u64);
    let export = stdout_of(&["export", &vgg, "--input", "3,224,224", "--to", "keras"]);
    assert!(export.contains("138,357,544 parameters"), "{export}");
    let sweep = stdout_of(&["sweep", &vgg, "--input", "3,224,224", "--sizes", "200..224"]);
    assert!(sweep.contains("224"), "{sweep}");
    let resnet = fixture("import/torch_resnet18.txt");
    let diff = stdout_of(&["diff", &resnet, &vgg, "--input", "3,224,224"]);
    assert!(diff.contains("11,689,512 → 138,357,544"), "{diff}");
}

/// A file of this test's own, in a folder of its own under the system's.
fn scratch(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("layerlab-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("written");
    path
}

/// 20,000 nested Sequentials (a 380 KB printout) overflowed the stack and
/// aborted; now the import refuses past 200 levels, naming the line.
#[test]
fn a_printout_nested_past_any_model_is_refused_not_a_crash() {
    let n = 20_000;
    let mut text = "Sequential(\n".repeat(n);
    text.push_str("(0): Linear(in_features=4, out_features=4, bias=True)\n");
    text.push_str(&")\n".repeat(n));
    let path = scratch("deep.txt", &text);
    layerlab()
        .args(["import", path.to_str().unwrap(), "--input", "4"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("deep.txt:201:").and(predicate::str::contains("200")));
}

/// Names reach Markdown escaped: HTML in a block name is text, not markup,
/// and `|` does not end the cell.
#[test]
fn markdown_escapes_html_and_pipes_in_names() {
    let path = scratch(
        "html.toml",
        "name = \"a<b>&c\"\ninput = [1, 8, 8]\n\n[[layer]]\ntype = \"block\"\n\
         name = \"<img src=x onerror=alert(1)>|x\"\n\n[[layer.layer]]\ntype = \"relu\"\n",
    );
    let md = stdout_of(&["summary", path.to_str().unwrap(), "--format", "markdown"]);
    assert!(!md.contains("<img"), "{md}");
    assert!(
        md.contains("&lt;img src=x onerror=alert(1)&gt;\\|x"),
        "{md}"
    );
    assert!(md.contains("a&lt;b&gt;&amp;c"), "{md}");
}

/// Every file layerlab reads is checked before it is opened: a FIFO given
/// to `import` or `weights` is refused at once (they waited for ever), and
/// a settings file that cannot be read gives the defaults with a warning
/// (every command, even `presets`, used to hang or stop).
#[test]
fn a_fifo_or_a_settings_path_that_is_no_file_does_not_hang_or_stop() {
    let dir = std::env::temp_dir().join(format!("layerlab-fifo-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("layerlab")).unwrap();
    let fifo = dir.join("layerlab").join("config.toml");
    let _ = std::fs::remove_file(&fifo);
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let fifo_path = fifo.to_str().unwrap();
    for args in [
        vec!["import", fifo_path, "--input", "3"],
        vec!["weights", fifo_path],
    ] {
        layerlab()
            .args(&args)
            .timeout(std::time::Duration::from_secs(20))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("not a regular file"));
    }
    layerlab()
        .env("XDG_CONFIG_HOME", &dir)
        .arg("presets")
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .success()
        .stdout(predicate::str::contains("lenet"))
        .stderr(predicate::str::contains("warning").and(predicate::str::contains("defaults")));
    let file = scratch("not-a-folder", "");
    layerlab()
        .env("XDG_CONFIG_HOME", &file)
        .arg("presets")
        .assert()
        .success()
        .stderr(predicate::str::contains("warning"));
}

/// Inference memory holds the KV cache: Llama 3 8B at 8,192 tokens in bf16
/// keeps exactly 1 GiB, half of that with an fp8 cache; the summary says it.
#[test]
fn summary_counts_the_kv_cache_in_inference_memory() {
    let json = |extra: &[&str]| -> Value {
        let mut args = vec![
            "summary",
            "--preset",
            "llama3-8b",
            "--dtype",
            "bf16",
            "--format",
            "json",
        ];
        args.extend(extra);
        serde_json::from_str(&stdout_of(&args)).unwrap()
    };
    let bf16 = json(&[]);
    assert_eq!(bf16["memory"]["kv_cache"], 1_073_741_824u64);
    let fp8 = json(&["--kv-dtype", "fp8"]);
    assert_eq!(fp8["memory"]["kv_cache"], 536_870_912u64);
    assert_eq!(
        bf16["memory"]["total"].as_u64().unwrap() - fp8["memory"]["total"].as_u64().unwrap(),
        536_870_912
    );
    let table = stdout_of(&["summary", "--preset", "llama3-8b", "--dtype", "bf16"]);
    assert!(table.contains("KV cache 1.0 GiB (bf16"), "{table}");
}

/// `-o` writes only a regular file: a FIFO (or a device, or a link to one)
/// is refused and left as it was, not replaced by a regular file.
#[test]
fn an_output_that_is_not_a_regular_file_is_refused_and_left_alone() {
    let dir = std::env::temp_dir().join(format!("layerlab-out-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("out.py");
    let _ = std::fs::remove_file(&fifo);
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    layerlab()
        .args([
            "export",
            "--preset",
            "lenet",
            "--to",
            "pytorch",
            "-o",
            fifo.to_str().unwrap(),
        ])
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .failure()
        .stderr(predicate::str::contains("not a regular file"));
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata(&fifo).unwrap().file_type().is_fifo(),
        "still a FIFO"
    );
}

/// A file name holding an escape sequence is written out, never sent raw
/// to the terminal (it could retitle the window or clear the screen).
#[test]
fn paths_and_names_from_files_reach_the_terminal_escaped() {
    let path = scratch("evil\x1b]0;pwned\x07.txt", "Frobnicate(\n");
    let out = layerlab()
        .args(["import", path.to_str().unwrap(), "--input", "3"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains('\x1b'), "{stderr:?}");
    assert!(stderr.contains("evil"), "{stderr:?}");
}

/// Totals past 2^64 are said to be too large, not printed saturated.
#[test]
fn weights_past_two_to_the_64_are_too_large_to_count() {
    let tensors: Vec<String> = (0..5)
        .map(|i| format!("\"t{i}\": {{\"dtype\": \"U8\", \"shape\": [4611686018427387904], \"data_offsets\": [0, 0]}}"))
        .collect();
    let header = format!("{{{}}}", tensors.join(", "));
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend(header.as_bytes());
    let dir = std::env::temp_dir().join(format!("layerlab-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.safetensors");
    std::fs::write(&path, bytes).unwrap();
    layerlab()
        .args(["weights", path.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("too large to count"))
        .stdout(predicate::str::contains("18,446,744,073,709,551,615").not());
}

/// `--kernels shared` works wherever a network is read: the explorer's
/// command line, `sweep`, `diff` and `export` (which refuses it with the
/// reason: PyTorch has no shared kernels), as `summary` always did.
#[test]
fn kernels_shared_is_taken_by_every_command() {
    let sweep = stdout_of(&[
        "sweep",
        "--preset",
        "lenet",
        "--sizes",
        "28..28",
        "--kernels",
        "shared",
    ]);
    assert!(sweep.contains("42,426"), "{sweep}");
    let diff = stdout_of(&[
        "diff",
        "--preset",
        "lenet",
        "--preset",
        "lenet-padded",
        "--kernels",
        "shared",
    ]);
    assert!(diff.contains("42,426 → 105,786"), "{diff}");
    layerlab()
        .args([
            "export",
            "--preset",
            "lenet",
            "--to",
            "pytorch",
            "--kernels",
            "shared",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no PyTorch equivalent"));
    let summary = stdout_of(&["summary", "--preset", "lenet", "--kernels", "shared"]);
    assert!(summary.contains("Total params: 42,426"), "{summary}");
}

/// A new file in a folder that does not exist is said at the start, not
/// at the first save.
#[test]
fn a_new_file_in_a_missing_folder_is_refused_at_the_start() {
    layerlab()
        .arg("/nonexistent-layerlab-folder/new.toml")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "/nonexistent-layerlab-folder does not exist",
        ));
}

/// `--lora 8:q,v` on Llama 3 8B: 3,407,872 trainable parameters, in JSON
/// and in the table, and training memory keeps state only for them.
#[test]
fn lora_shows_trainable_beside_total_parameters() {
    let json: Value = serde_json::from_str(&stdout_of(&[
        "summary",
        "--preset",
        "llama3-8b",
        "--lora",
        "8:q,v",
        "--train",
        "adam",
        "--dtype",
        "bf16",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(json["trainable_params"], 3_407_872u64);
    assert_eq!(json["total_params"], 8_030_261_248u64);
    // The adapters alone have optimizer state: two moments in bf16.
    assert_eq!(json["memory"]["optimizer"], 3_407_872u64 * 2 * 2);
    let plain: Value = serde_json::from_str(&stdout_of(&[
        "summary", "--preset", "lenet", "--format", "json",
    ]))
    .unwrap();
    assert_eq!(
        plain["trainable_params"], 44_426u64,
        "without LoRA every parameter trains"
    );
    let table = stdout_of(&["summary", "--preset", "llama3-8b", "--lora", "8:q,v"]);
    assert!(
        table.contains("LoRA r=8 on q, v: 3,407,872 trainable parameters"),
        "{table}"
    );
    layerlab()
        .args(["summary", "--preset", "lenet", "--lora", "8:x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a LoRA setting"));
}

/// `--freeze 1-8` on ResNet-18 trains only the head: the table says how
/// many parameters train, JSON counts Adam's moments for them alone, and
/// a layer past the end, a freeze without training or beside LoRA are
/// refused with exit 2.
#[test]
fn freeze_trains_only_the_layers_left_unfrozen() {
    let args = [
        "summary", "--preset", "resnet18", "--train", "adam", "--freeze", "1-8",
    ];
    let table = stdout_of(&args);
    assert!(
        table.contains("Layers 1-8 frozen: 513,000 of 11,689,512 parameters train"),
        "{table}"
    );
    let json: Value =
        serde_json::from_str(&stdout_of(&[&args[..], &["--format", "json"]].concat())).unwrap();
    assert_eq!(json["trainable_params"], 513_000u64);
    assert_eq!(json["memory"]["optimizer"], 513_000u64 * 2 * 4);
    assert_eq!(json["memory"]["gradients"], 0u64);
    layerlab()
        .args([
            "summary", "--preset", "lenet", "--train", "sgd", "--freeze", "1-99",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--freeze names layer 99, but the network has 9 top-level layers",
        ));
    layerlab()
        .args(["summary", "--preset", "lenet", "--freeze", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--train"));
    layerlab()
        .args([
            "summary", "--preset", "lenet", "--train", "sgd", "--freeze", "1", "--lora", "8",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

/// A block named in Chinese takes two cells a character: the columns after
/// it still line up with the header's, by display width.
#[test]
fn columns_align_by_display_width() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cjk.toml");
    std::fs::write(
        &path,
        "input = [1, 28, 28]\n[[layer]]\ntype = \"block\"\nname = \"残差块残差块\"\n[[layer.layer]]\ntype = \"relu\"\n[[layer]]\ntype = \"flatten\"\n",
    )
    .unwrap();
    let out = stdout_of(&["summary", path.to_str().unwrap()]);
    let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let column = |line: &str, cell: &str| width(&line[..line.find(cell).unwrap()]);
    let header = out.lines().find(|l| l.contains("output")).unwrap();
    let block = out.lines().find(|l| l.contains("残差块残差块")).unwrap();
    let flat = out.lines().find(|l| l.contains("flatten")).unwrap();
    let at = column(header, "output");
    assert_eq!(column(block, "28×28×1"), at, "{out}");
    assert_eq!(column(flat, "784"), at, "{out}");
}

/// `export --to svg` prints the drawing or writes it with -o, in the theme
/// asked for; a width no slide has is refused by clap with the range.
#[test]
fn export_to_svg_draws_the_network() {
    let out = layerlab()
        .args(["export", "--preset", "lenet-stride2", "--to", "svg"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let svg = String::from_utf8(out.stdout).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("✗ input 1×1 is smaller than the 2×2 pooling window"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("net.svg");
    layerlab()
        .args([
            "export", "--preset", "lenet", "--to", "svg", "--theme", "dark", "--width", "1200",
            "-o",
        ])
        .arg(&path)
        .assert()
        .success()
        .stderr(predicates::str::contains("(the drawing, 1200 pixels wide)"));
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains(r##"fill="#1e1e1e""##) && written.contains(r#"width="1200""#));
    layerlab()
        .args([
            "export", "--preset", "lenet", "--to", "svg", "--width", "10",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("200..=20000"));
}

/// `weights` reads a GGUF file's header (llama.cpp's format) as gguf-py
/// reads it: tensors, values and bytes by quantization type, whole blocks
/// (scripts/gguf_fixture.py wrote the file and printed these numbers).
#[test]
fn weights_reads_a_gguf_header_by_quantization_type() {
    let out = layerlab()
        .args(["weights", &fixture("gguf/tiny.gguf"), "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["tensors"], 6);
    assert_eq!(json["params"], 419_072);
    assert_eq!(json["bytes"], 421_376);
    for (dtype, values, bytes) in [
        ("F16", 25_600, 51_200),
        ("F32", 256, 1_024),
        ("Q4_K", 65_536, 36_864),
        ("Q6_K", 65_536, 53_760),
        ("Q8_0", 262_144, 278_528),
    ] {
        assert_eq!(json["by_dtype"][dtype]["values"], values, "{dtype}");
        assert_eq!(json["by_dtype"][dtype]["bytes"], bytes, "{dtype}");
    }
    // A file cut inside its header, and one that only starts like GGUF.
    let dir = tempfile::tempdir().unwrap();
    let whole = std::fs::read(fixture("gguf/tiny.gguf")).unwrap();
    let cut = dir.path().join("cut.gguf");
    std::fs::write(&cut, &whole[..300]).unwrap();
    layerlab()
        .args(["weights"])
        .arg(&cut)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("the header is cut short"));
    let odd = dir.path().join("odd.gguf");
    let mut bytes = whole[..24].to_vec();
    bytes[4] = 9; // version 9
    std::fs::write(&odd, &bytes).unwrap();
    layerlab()
        .args(["weights"])
        .arg(&odd)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "GGUF version 9 is not one layerlab reads",
        ));
}

/// torchvision's ResNet-18 state dict (its header, written by safetensors
/// from `resnet18().state_dict()`): 11,689,512 parameters, as
/// `parameters()` counts them, and 9,620 buffer values beside them.
#[test]
fn weights_separates_batch_norm_buffers_from_parameters() {
    let out = layerlab()
        .args([
            "weights",
            &fixture("resnet18_header.safetensors"),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["params"], 11_689_512);
    assert_eq!(json["buffers"], 9_620);
    let modules = json["by_module"].as_array().unwrap();
    let counted: u64 = modules.iter().map(|m| m["params"].as_u64().unwrap()).sum();
    assert_eq!(counted, 11_689_512, "the module table counts parameters");
    layerlab()
        .args(["weights", &fixture("resnet18_header.safetensors")])
        .assert()
        .success()
        .stdout(predicates::str::contains("11,689,512 parameters"))
        .stdout(predicates::str::contains(
            "and 9,620 buffer values beside them",
        ));
}

/// A note said in each copy of a block reaches the terminal once, with how
/// many times: 36 copies of an unknown block are one line, not 36.
#[test]
fn an_import_says_a_repeated_note_once_with_its_count() {
    let block = "  (b): Foo(\n    (fc): Linear(in_features=4, out_features=4, bias=True)\n  )\n";
    let text = format!("Sequential(\n{}{})\n", block, block.replace("(b)", "(c)"));
    let path = scratch("repeated_note.txt", &text);
    let out = layerlab()
        .args(["import", path.to_str().unwrap(), "--input", "4"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let foo: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("Foo is a module"))
        .collect();
    assert_eq!(foo.len(), 1, "{err}");
    assert!(foo[0].ends_with("(×2)"), "{err}");
}
