//! Branching networks: the merge rules, the new layers' formulas (checked
//! against PyTorch's own numbers), the torchvision presets, the JSON tree
//! and files with nested layers.

use assert_cmd::Command;
use layerlab::engine::{Status, analyze};
use layerlab::file::{parse, to_toml};
use layerlab::network::Shape;

mod oracle;
use layerlab::presets;
use layerlab::smallest::smallest_valid_input;

fn net(layers: &str) -> layerlab::network::Network {
    parse(&format!("input = [6, 12, 12]\n{layers}")).unwrap()
}

fn message(src: &str) -> String {
    let n = net(src);
    let a = analyze(&n);
    let i = a.error_at.expect("broken");
    layerlab::words::status(a.rows[i].status).unwrap()
}

#[test]
fn the_torchvision_presets_count_as_torchvision_does() {
    for (name, params, smallest) in [
        ("resnet18", 11_689_512, 1),
        ("resnet50", 25_557_032, 1),
        ("mobilenet_v2", 3_504_872, 1),
        ("densenet121", 7_978_856, 29),
    ] {
        let n = presets::load(name).unwrap();
        let a = analyze(&n);
        assert_eq!(a.totals.params, Some(params), "{name}");
        assert_eq!(a.rows.last().unwrap().output.unwrap().to_vec(), [1000]);
        let min = smallest_valid_input(&n).unwrap();
        assert_eq!(
            min,
            Shape::Image {
                c: 3,
                h: smallest,
                w: smallest
            },
            "{name}"
        );
    }
    // DenseNet-121 from 29×29 runs, from 28×28 not.
    let mut d = presets::load("densenet121").unwrap();
    d.input = layerlab::network::Shape::Image { c: 3, h: 28, w: 28 };
    assert!(analyze(&d).error_at.is_some());
    // The U-Net's joins need an input its three poolings divide evenly.
    let mut u = presets::load("unet").unwrap();
    assert_eq!(
        analyze(&u).rows.last().unwrap().output.unwrap().to_vec(),
        [2, 64, 64]
    );
    u.input = layerlab::network::Shape::Image { c: 1, h: 60, w: 60 };
    assert!(analyze(&u).error_at.is_some(), "60 is not a multiple of 8");
}

#[test]
fn add_needs_identical_shapes_and_says_which_branch_differs() {
    let ok = net(
        "[[layer]]\ntype = \"add\"\n[[layer.branch]]\n[[layer.branch.layer]]\n\
                  type = \"conv2d\"\nfilters = 6\nkernel = 3\npadding = 1\n[[layer.branch]]\n",
    );
    let a = analyze(&ok);
    assert_eq!(a.rows[0].output.unwrap().to_vec(), [6, 12, 12]);
    assert_eq!(a.rows[0].params, Some(6 * 6 * 9 + 6));
    assert_eq!(
        message(
            "[[layer]]\ntype = \"add\"\n[[layer.branch]]\n[[layer.branch.layer]]\n\
                 type = \"conv2d\"\nfilters = 16\nkernel = 5\n[[layer.branch]]\n"
        ),
        "add: branch 1 gives 8×8×16, branch 2 gives 12×12×6; add needs identical shapes"
    );
    // No broadcasting: 1 channel does not add to 6.
    assert!(
        message(
            "[[layer]]\ntype = \"add\"\n[[layer.branch]]\n[[layer.branch.layer]]\n\
                 type = \"conv2d\"\nfilters = 1\nkernel = 1\n[[layer.branch]]\n"
        )
        .starts_with("add: branch 1 gives 12×12×1, branch 2 gives 12×12×6")
    );
    assert!(message("[[layer]]\ntype = \"add\"\n").starts_with("add has no branches"));
}

#[test]
fn concat_joins_channels_or_features_and_nothing_else() {
    let joined = net(
        "[[layer]]\ntype = \"concat\"\n[[layer.branch]]\n[[layer.branch]]\n\
                      [[layer.branch.layer]]\ntype = \"conv2d\"\nfilters = 10\nkernel = 1\n",
    );
    assert_eq!(
        analyze(&joined).rows[0].output.unwrap().to_vec(),
        [16, 12, 12]
    );
    let flat = net(
        "[[layer]]\ntype = \"flatten\"\n[[layer]]\ntype = \"concat\"\n\
                    [[layer.branch]]\n[[layer.branch]]\n[[layer.branch.layer]]\n\
                    type = \"dense\"\nunits = 10\n",
    );
    assert_eq!(analyze(&flat).rows[1].output.unwrap().to_vec(), [864 + 10]);
    assert_eq!(
        message(
            "[[layer]]\ntype = \"concat\"\n[[layer.branch]]\n[[layer.branch]]\n\
                 [[layer.branch.layer]]\ntype = \"maxpool\"\nkernel = 2\n"
        ),
        "concat: branch 1 gives 12×12×6, branch 2 gives 6×6×6; all but the channels must agree"
    );
}

#[test]
fn a_block_counts_every_repetition_on_the_shape_it_gets() {
    // DenseNet's rule: each repetition joins 4 new channels to its input.
    let grow = "[[layer]]\ntype = \"block\"\nrepeat = 3\n[[layer.layer]]\ntype = \"concat\"\n\
                [[layer.layer.branch]]\n[[layer.layer.branch]]\n[[layer.layer.branch.layer]]\n\
                type = \"conv2d\"\nfilters = 4\nkernel = 3\npadding = 1\nbias = false\n";
    let a = analyze(&net(grow));
    assert_eq!(a.rows[0].output.unwrap().to_vec(), [18, 12, 12]);
    assert_eq!(a.rows[0].params, Some((6 + 10 + 14) * 4 * 9));
    // A shape-keeping block of a million repetitions is counted at once.
    let keep = "[[layer]]\ntype = \"block\"\nrepeat = 1000000\n[[layer.layer]]\n\
                type = \"conv2d\"\nfilters = 6\nkernel = 3\npadding = 1\n";
    let a = analyze(&net(keep));
    assert_eq!(a.rows[0].params, Some(1_000_000 * (6 * 6 * 9 + 6)));
    // A block that breaks in its third repetition says so.
    let shrink = "[[layer]]\ntype = \"block\"\nrepeat = 4\n[[layer.layer]]\n\
                  type = \"conv2d\"\nfilters = 6\nkernel = 5\n";
    let a = analyze(&net(shrink));
    assert!(matches!(a.rows[0].status, Status::Error(_)));
    assert_eq!(
        layerlab::words::status(a.rows[0].status).unwrap(),
        "layer 1 inside cannot be computed in repetition 3"
    );
    assert_eq!(a.error_path(), [0, 0, 0]);
}

#[test]
fn the_new_layers_follow_pytorch() {
    // nn.ConvTranspose2d(6, 8, 3, stride=2, padding=1, output_padding=1): 12 → 24, 6·8·9 + 8.
    let t = net(
        "[[layer]]\ntype = \"conv_transpose2d\"\nfilters = 8\nkernel = 3\nstride = 2\n\
                 padding = 1\noutput_padding = 1\n",
    );
    let a = analyze(&t);
    assert_eq!(a.rows[0].output.unwrap().to_vec(), [8, 24, 24]);
    assert_eq!(a.rows[0].params, Some(6 * 8 * 9 + 8));
    assert!(
        message(
            "[[layer]]\ntype = \"conv_transpose2d\"\nfilters = 8\nkernel = 3\noutput_padding = 1\n"
        )
        .starts_with("output padding 1 must be smaller than the stride (1) or the dilation (1)")
    );
    let up = net("[[layer]]\ntype = \"upsample\"\nscale = [2, 3]\nmode = \"bilinear\"\n");
    assert_eq!(analyze(&up).rows[0].output.unwrap().to_vec(), [6, 24, 36]);
    let ad = net("[[layer]]\ntype = \"adaptive_avgpool\"\noutput = [7, 7]\n");
    assert_eq!(analyze(&ad).rows[0].output.unwrap().to_vec(), [6, 7, 7]);
    let pad = net("[[layer]]\ntype = \"zeropad\"\ntop = 0\nbottom = 1\nleft = 2\nright = 3\n");
    assert_eq!(analyze(&pad).rows[0].output.unwrap().to_vec(), [6, 13, 17]);
}

#[test]
fn nested_files_read_back_and_errors_say_where_inside() {
    for name in [
        "resnet18",
        "resnet50",
        "mobilenet_v2",
        "densenet121",
        "unet",
    ] {
        let n = presets::load(name).unwrap();
        assert_eq!(parse(&to_toml(&n)).unwrap(), n, "{name}");
    }
    let e = parse(
        "input = [1, 8, 8]\n[[layer]]\ntype = \"add\"\n[[layer.branch]]\n\
         [[layer.branch.layer]]\ntype = \"conv2d\"\nfilters = 4\nkernal = 3\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with("line 8: layer 1.1.1: unknown field `kernal`"),
        "{e}"
    );
    let e = parse("input = [1, 8, 8]\n[[layer]]\ntype = \"relu\"\n[[layer.branch]]\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("relu has no branches"), "{e}");
}

#[test]
fn json_nests_branches_and_blocks_and_says_where_it_breaks() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("res.toml");
    std::fs::write(
        &file,
        "input = [6, 12, 12]\n[[layer]]\ntype = \"block\"\nname = \"stage\"\n\
         [[layer.layer]]\ntype = \"relu\"\n[[layer.layer]]\ntype = \"add\"\n\
         [[layer.layer.branch]]\n[[layer.layer.branch.layer]]\ntype = \"conv2d\"\n\
         filters = 16\nkernel = 5\n[[layer.layer.branch]]\n",
    )
    .unwrap();
    let out = Command::cargo_bin("layerlab")
        .unwrap()
        .args(["summary", file.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["error_at"], 1);
    assert_eq!(json["error_path"], "1.2");
    assert_eq!(json["smallest_input"], serde_json::Value::Null);
    let block = &json["layers"][0];
    assert_eq!(block["type"], "block");
    assert_eq!(block["repeat"], 1);
    let add = &block["layers"][1];
    assert_eq!(
        add["branches"][0][0]["output"],
        serde_json::json!([16, 8, 8])
    );
    assert_eq!(add["branches"][1], serde_json::json!([]));
    let resnet = Command::cargo_bin("layerlab")
        .unwrap()
        .args(["summary", "--preset", "densenet121", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&resnet.stdout).unwrap();
    assert_eq!(json["total_params"], 7_978_856);
    assert_eq!(json["smallest_input"], serde_json::json!([29, 29]));
}

#[test]
fn containers_nest_at_most_32_deep_in_files_and_in_the_explorer() {
    let nest = |n: usize| {
        let mut text = String::from("input = [1, 8, 8]\n");
        let mut header = String::from("layer");
        for _ in 0..n {
            text.push_str(&format!("[[{header}]]\ntype = \"block\"\n"));
            header.push_str(".layer");
        }
        text + &format!("[[{header}]]\ntype = \"relu\"\n")
    };
    assert!(parse(&nest(32)).is_ok());
    let e = parse(&nest(33)).unwrap_err().to_string();
    assert!(
        e.ends_with("containers nest too deep: at most 32 levels, one inside another"),
        "{e}"
    );
    // `r` held down stops at the limit, saying so, and what it made reads back.
    let mut app = layerlab::tui::app::App::new(parse(&nest(0)).unwrap(), None, None);
    app.update(layerlab::tui::keys::Action::SelectLast);
    for _ in 0..40 {
        // Each wrap selects the new add, which the next wraps again.
        app.update(layerlab::tui::keys::Action::WrapResidual);
    }
    assert_eq!(
        app.message().map(|m| m.text.as_str()),
        Some("containers may nest at most 32 levels deep")
    );
    let text = to_toml(app.net());
    assert_eq!(parse(&text).unwrap().layers[0].depth(), 32);
}

/// 300 random branching networks built and run in PyTorch 1.13 by
/// `scripts/tree_cases.py 300 tests/fixtures/torch_trees.json 5`: every
/// top-level layer's output and parameters, or where PyTorch refused.
#[test]
fn random_branching_networks_match_pytorch() {
    let (valid, refused) = oracle::check(include_str!("fixtures/torch_trees.json"));
    assert_eq!(valid + refused, 300);
    assert!(
        valid > 80 && refused > 80,
        "{valid} valid, {refused} refused"
    );
}

#[test]
fn diff_goes_inside_changed_containers_and_shows_a_removed_branch() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, branches: &str| {
        let path = dir.path().join(name);
        std::fs::write(
            &path,
            format!(
                "input = [8, 8, 8]\n[[layer]]\ntype = \"concat\"\n[[layer.branch]]\n\
                 [[layer.branch.layer]]\ntype = \"conv2d\"\nfilters = 4\nkernel = 1\n{branches}"
            ),
        )
        .unwrap();
        path
    };
    let a = write("a.toml", "[[layer.branch]]\n[[layer.branch]]\n");
    let b = write("b.toml", "[[layer.branch]]\n");
    let out = Command::cargo_bin("layerlab")
        .unwrap()
        .args([
            "diff",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines = json["layers"].as_array().unwrap();
    let summary: Vec<(String, String, u64)> = lines
        .iter()
        .map(|l| {
            (
                l["change"].as_str().unwrap().to_string(),
                l["label"].as_str().unwrap().to_string(),
                l["depth"].as_u64().unwrap(),
            )
        })
        .collect();
    let expect = |c: &str, l: &str, d: u64| (c.to_string(), l.to_string(), d);
    assert_eq!(
        summary,
        [
            expect("changed", "concat (2 branches)", 0),
            expect("same", "branch 1", 1),
            expect("same", "branch 2: identity", 1),
            expect("removed", "branch 3: identity", 1),
        ]
    );
    assert_eq!(lines[3]["base_path"], "1.3");
    assert_eq!(lines[3]["path"], serde_json::Value::Null);
}

/// The engine keeps the inference peak (the most one layer holds, input
/// and output) as it goes: on every preset, trees included, it is what a
/// walk over every layer inside every container finds.
#[test]
fn the_peak_the_engine_keeps_is_the_most_any_layer_inside_holds() {
    fn walk(rows: &[layerlab::engine::Row], most: &mut u64) {
        for row in rows {
            if row.inner.is_empty() {
                let both = row.input.unwrap().elements().unwrap()
                    + row.output.unwrap().elements().unwrap();
                *most = (*most).max(both);
            }
            for branch in &row.inner {
                walk(branch, most);
            }
        }
    }
    for p in presets::PRESETS {
        let net = presets::load(p.name).unwrap();
        let a = analyze(&net);
        if a.error_at.is_some() {
            assert_eq!(a.totals.peak, None, "{}", p.name);
            continue;
        }
        let mut most = net.input.elements().unwrap();
        walk(&a.rows, &mut most);
        assert_eq!(a.totals.peak, Some(most), "{}", p.name);
    }
}
