//! The drawing (`export --to svg`): snapshots of what it draws, and checks
//! that it says what the table says.

use layerlab::diagram::{Look, Options, svg};
use layerlab::engine::{Row, analyze};
use layerlab::layer::Layer;
use layerlab::network::Network;
use layerlab::presets;

fn drawn(net: &Network) -> String {
    svg(net, &analyze(net), &Options::default())
}

/// XML's spelling of text.
fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[test]
fn snapshots_of_lenet_a_broken_lenet_resnets_first_stage_a_unet_and_gpt2() {
    let mut stage = presets::load("resnet18").unwrap();
    stage.layers.truncate(5);
    stage.name = "resnet18, stem and first stage".into();
    let cases = [
        ("lenet", presets::load("lenet").unwrap()),
        ("lenet_stride2", presets::load("lenet-stride2").unwrap()),
        ("resnet18_stage1", stage),
        ("unet", presets::load("unet").unwrap()),
        ("gpt2", presets::load("gpt2").unwrap()),
    ];
    for (name, net) in cases {
        insta::assert_snapshot!(format!("svg_{name}"), drawn(&net));
    }
}

/// Every layer's label, and every computed output shape, as the table
/// writes them, is text in the drawing (real text: selectable, searchable),
/// down to the layers inside blocks and branches.
#[test]
fn every_label_and_shape_of_the_table_is_text_in_the_drawing() {
    fn check(layers: &[Layer], rows: &[Row], text: &str, depth: usize) {
        for (layer, row) in layers.iter().zip(rows) {
            let label = xml(&layer.label());
            assert!(text.contains(&format!(">{label}</text>")), "{label}");
            if let Some(out) = row.output {
                assert!(text.contains(&format!(">{out}</text>")), "{out} of {label}");
            }
            if let Some(p) = row.params.filter(|_| !layer.kind.is_container()) {
                let said = format!(">{} params</text>", layerlab::units::thousands(p));
                assert!(text.contains(&said), "{said} of {label}");
            }
            if depth < 4 {
                for (branch, inner) in layer.branches.iter().zip(&row.inner) {
                    check(branch, inner, text, depth + 1);
                }
            }
        }
    }
    for preset in [
        "lenet",
        "lenet-stride2",
        "resnet18",
        "unet",
        "gpt2",
        "llama3-8b",
        "vgg16",
    ] {
        let net = presets::load(preset).unwrap();
        let analysis = analyze(&net);
        let text = svg(&net, &analysis, &Options::default());
        check(&net.layers, &analysis.rows, &text, 0);
        assert!(
            text.contains(&format!(">{}</text>", net.input)),
            "{preset}'s input"
        );
        assert!(!text.contains("<script"), "no script");
        assert!(!text.contains("href=\"http"), "no external reference");
    }
}

/// A broken network is drawn up to its red layer, which says why; the
/// layers after it are grey and dashed, and show no numbers.
#[test]
fn a_broken_layer_is_red_with_its_reason_and_the_rest_grey() {
    let net = presets::load("lenet-stride2").unwrap();
    let text = drawn(&net);
    assert!(text.contains("LeNet, stride 2 — layer 4 cannot be computed"));
    let reason = "✗ input 1×1 is smaller than the 2×2 pooling window";
    let line = text
        .lines()
        .find(|l| l.contains(reason))
        .expect("the reason");
    assert!(line.contains(r##"fill="#c62828""##), "red: {line}");
    let dense = text
        .lines()
        .find(|l| l.contains(">dense 120 relu</text>"))
        .expect("a later layer");
    assert!(dense.contains(r##"fill="#8a8a8a""##), "grey: {dense}");
    assert!(!text.contains("30,840 params"), "no count past the break");
}

/// The drawing follows the theme and the language, and names are escaped.
#[test]
fn themes_language_and_escaped_names() {
    let mut net = presets::load("lenet").unwrap();
    net.name = "<b>LeNet & co</b>".into();
    let analysis = analyze(&net);
    let dark = svg(
        &net,
        &analysis,
        &Options {
            look: Look::Dark,
            width: 1600,
        },
    );
    assert!(dark.contains(r##"fill="#1e1e1e""##), "a dark background");
    let mono = svg(
        &net,
        &analysis,
        &Options {
            look: Look::Mono,
            width: 800,
        },
    );
    assert!(mono.contains(r#"width="800""#));
    for colour in ["#c62828", "#7aa6dc", "#eef3fb"] {
        assert!(!mono.contains(colour), "no colour in mono: {colour}");
    }
    assert!(dark.contains("&lt;b&gt;LeNet &amp; co&lt;/b&gt;"));
    assert!(!dark.contains("<b>"));
    let russian = layerlab::lang::scoped(layerlab::lang::Lang::Ru, || {
        svg(&net, &analysis, &Options::default())
    });
    assert!(russian.contains(">вход</text>"), "Russian labels");
    assert!(russian.contains("параметров: 44 426"), "{russian}");
}

/// A thousand layers draw in well under a second (the benchmark times it
/// closely; this only guards against a quadratic turn).
#[test]
fn a_thousand_layer_network_draws_at_once() {
    let mut net = presets::load("vgg16").unwrap();
    let conv = net.layers[1].clone();
    net.layers.splice(2..2, std::iter::repeat_n(conv, 1000));
    let analysis = analyze(&net);
    let text = svg(&net, &analysis, &Options::default());
    assert_eq!(text.matches("conv 3×3 ×64 s1 p1 relu</text>").count(), 1002);
}

/// README's picture of LeNet is what `export --to svg` draws today.
#[test]
fn the_readme_picture_is_what_the_exporter_draws() {
    let shipped = include_str!("../assets/lenet.svg");
    let now = drawn(&presets::load("lenet").unwrap());
    assert_eq!(
        shipped, now,
        "run: layerlab export --preset lenet --to svg -o assets/lenet.svg"
    );
    assert!(include_str!("../README.md").contains("![LeNet, drawn by layerlab](assets/lenet.svg)"));
}

/// Against a baseline, each layer that changed says by how many parameters
/// and the title the change in all: LeNet padded against LeNet, where the
/// first dense layer reads 7×7×16 = 784 features instead of 4×4×16 = 256.
#[test]
fn against_a_baseline_the_changed_layers_say_by_how_much() {
    let base = presets::load("lenet").unwrap();
    let padded = presets::load("lenet-padded").unwrap();
    let (a, b) = (analyze(&padded), analyze(&base));
    let extras = layerlab::diagram::Extras {
        baseline: Some((&base, &b)),
        ..Default::default()
    };
    let text = layerlab::diagram::svg_with(&padded, &a, &Options::default(), &extras);
    assert!(text.contains("+63,360 against the baseline"), "the title");
    // dense 120: 784·120 + 120 = 94,200 against 256·120 + 120 = 30,840.
    assert!(text.contains(">94,200 params</text>"));
    assert_eq!(
        text.matches("+63,360 params against the baseline").count(),
        1
    );
    // Padding changes the convolutions' settings, not their counts.
    assert!(text.contains(">changed, same parameters</text>"));
    // Without a baseline, no note.
    assert!(!drawn(&padded).contains("against the baseline"));
}

/// A folded container is one box with its repeat count: GPT-2 with its
/// block folded draws `block h ×12` once, not its twelve layers' parts.
#[test]
fn a_folded_block_is_one_box() {
    let net = presets::load("gpt2").unwrap();
    let analysis = analyze(&net);
    // Table row 4, the fourth top-level layer: path [3].
    let folded = |p: &[usize]| p != [3];
    let extras = layerlab::diagram::Extras {
        open: &folded,
        ..Default::default()
    };
    let text = layerlab::diagram::svg_with(&net, &analysis, &Options::default(), &extras);
    assert!(text.contains(">block h ×12</text>"));
    assert!(
        text.contains(">85,054,464 params</text>"),
        "the block's 12 passes"
    );
    assert!(
        !text.contains(">attention 12h causal</text>"),
        "nothing inside drawn"
    );
    assert!(drawn(&net).contains(">attention 12h causal</text>"));
}

/// A branching network is a graph drawn top to bottom: in ResNet-18's
/// second stage, each residual add is below the layers of both its
/// branches, on the body's line, and the shortcut's convolution beside the
/// body, not under it.
#[test]
fn a_branching_network_flows_top_to_bottom_with_branches_side_by_side() {
    use layerlab::graph::{Metrics, layout};
    let net = presets::load("resnet18").unwrap();
    let analysis = analyze(&net);
    let m = Metrics {
        node: &|t, _| (i64::try_from(t.label.chars().count()).unwrap() + 4, 3),
        title: &|t| i64::try_from(t.chars().count()).unwrap(),
        step: 1,
        gap: 2,
        frame_side: 2,
        frame_top: 1,
        frame_bottom: 1,
        title_dx: 2,
        identity: 1,
        max_depth: 9,
    };
    let g = layout(&net, &analysis, &m, &|_| true, &[], None);
    let node = |path: &[usize]| {
        g.nodes
            .iter()
            .find(|n| n.path.as_deref() == Some(path))
            .unwrap_or_else(|| panic!("no node {path:?}"))
            .place
    };
    // layer2 is top-level layer 5: a block whose first add's branches are
    // the body (conv, bn, relu, conv, bn) and the shortcut (conv, bn).
    let add = node(&[5, 0, 0]);
    let body: Vec<_> = (0..5).map(|j| node(&[5, 0, 0, 0, j])).collect();
    let shortcut: Vec<_> = (0..2).map(|j| node(&[5, 0, 0, 1, j])).collect();
    for p in body.iter().chain(&shortcut) {
        assert!(p.bottom() < add.y, "{p:?} above {add:?}");
    }
    let centre = |p: &layerlab::graph::Place| p.x + p.w / 2;
    for p in &body {
        assert_eq!(centre(p), centre(&add), "the body runs straight down");
    }
    assert!(body.windows(2).all(|w| w[0].bottom() < w[1].y));
    for s in &shortcut {
        assert!(s.x > body.iter().map(|p| p.right()).max().unwrap());
        assert!(s.y < body[4].y, "side by side, not below");
    }
    // The block is a frame around its layers.
    let frame = g.frames.iter().find(|f| f.path == [5]).unwrap();
    assert_eq!(frame.title, "block layer2");
    for p in body.iter().chain(&shortcut).chain([&add]) {
        assert!(frame.place.x < p.x && p.right() < frame.place.right());
        assert!(frame.place.y < p.y && p.bottom() < frame.place.bottom());
    }
}

/// A long branching network comes in columns side by side near a 16:9
/// slide, not one column a slide cannot show: at the default width,
/// ResNet-18 and -50, GPT-2, and U-Net, whose one concat holds the whole
/// way down and up (its branches wrap into columns of their own).
#[test]
fn a_long_graph_comes_in_columns_near_a_slides_proportions() {
    for preset in ["resnet18", "resnet50", "gpt2", "unet"] {
        let text = drawn(&presets::load(preset).unwrap());
        let view = text
            .split("viewBox=\"0 0 ")
            .nth(1)
            .and_then(|v| v.split('"').next())
            .unwrap();
        let (w, h) = view.split_once(' ').unwrap();
        let (w, h): (f64, f64) = (w.parse().unwrap(), h.parse().unwrap());
        let ratio = w / h;
        assert!((1.2..3.2).contains(&ratio), "{preset}: {w}×{h}: {ratio}");
    }
}
