//! `layerlab import` against the real frameworks: printouts of torchvision
//! models and Keras `to_json()` files, made by `scripts/import_fixtures.py`
//! with the numbers the frameworks gave (`tests/fixtures/import/expected.json`).

use layerlab::engine::analyze;
use layerlab::import::{Imported, import};
use layerlab::network::Shape;
use serde_json::Value;

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn expected() -> Value {
    let text = std::fs::read_to_string(fixture("expected.json")).expect("expected.json");
    serde_json::from_str(&text).expect("json")
}

/// The framework's input as layerlab's shape: PyTorch's is C, H, W already;
/// Keras' is channels last.
fn input_of(case: &Value, keras: bool) -> Shape {
    let dims: Vec<u64> = case["input"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_u64().unwrap())
        .collect();
    let dims = if keras && dims.len() == 3 {
        vec![dims[2], dims[0], dims[1]]
    } else {
        dims
    };
    Shape::from_dims(&dims).expect("a shape")
}

fn read(name: &str) -> (Imported, Value) {
    let all = expected();
    let case = all[name].clone();
    let keras = name.starts_with("keras");
    let path = if keras {
        fixture(&format!("{name}.json"))
    } else {
        fixture(&format!("{name}.txt"))
    };
    let text = layerlab::file::read_model(std::path::Path::new(&path)).expect("reads");
    let input = (!keras).then(|| input_of(&case, false));
    let imported = import(&text, input, name).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    (imported, case)
}

/// The framework's count, its output, no broken layer; for Sequential
/// models every layer's shape; and the file written reads back the same.
fn check(name: &str) {
    let (imported, case) = read(name);
    let net = &imported.net;
    let a = analyze(net);
    assert_eq!(a.error_at, None, "{name}: no broken layer");
    assert_eq!(
        a.totals.params,
        case["params"].as_u64(),
        "{name}: the framework's parameter count"
    );
    let out: Vec<u64> = case["output"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_u64().unwrap())
        .collect();
    assert_eq!(
        a.rows.last().and_then(|r| r.output).map(|s| s.to_vec()),
        Some(out),
        "{name}: the output"
    );
    let shapes = case["shapes"].as_array().unwrap();
    if !shapes.is_empty() {
        assert_eq!(a.rows.len(), shapes.len(), "{name}: a layer a module");
        for (i, (row, want)) in a.rows.iter().zip(shapes).enumerate() {
            let want: Vec<u64> = want
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d.as_u64().unwrap())
                .collect();
            assert_eq!(
                row.output.map(|s| s.to_vec()),
                Some(want),
                "{name}: layer {}",
                i + 1
            );
        }
    }
    let text = layerlab::import::file_text(&imported);
    let back = layerlab::file::parse(&text).expect("the file written reads back");
    assert_eq!(analyze(&back).totals.params, a.totals.params, "{name}");
}

#[test]
fn torchvision_printouts_import_with_pytorchs_counts() {
    for name in [
        "torch_vgg16",
        "torch_alexnet",
        "torch_resnet18",
        "torch_mobilenet_v2",
        "torch_sequential",
    ] {
        check(name);
    }
}

#[test]
fn keras_models_import_with_their_trainable_counts_and_say_the_rest() {
    for name in [
        "keras_vgg16",
        "keras_resnet50",
        "keras_mobilenet_v2",
        "keras_sequential",
    ] {
        check(name);
        let (imported, case) = read(name);
        let frozen = case["non_trainable"].as_u64().unwrap();
        let said = imported.header.join("\n");
        if frozen > 0 {
            let n = layerlab::units::grouped(frozen);
            assert!(
                said.contains(&format!("{n} non-trainable values")),
                "{said}"
            );
            let total = layerlab::units::grouped(case["params"].as_u64().unwrap() + frozen);
            assert!(said.contains(&format!("says {total} in all")), "{said}");
        } else {
            assert!(!said.contains("non-trainable"), "{said}");
        }
    }
}

#[test]
fn resnet50_has_25583592_trainable_parameters_in_16_residual_adds() {
    let (imported, _) = read("keras_resnet50");
    let a = analyze(&imported.net);
    assert_eq!(a.totals.params, Some(25_583_592));
    let adds = imported
        .net
        .layers
        .iter()
        .filter(|l| l.kind == layerlab::layer::Kind::Add)
        .count();
    assert_eq!(adds, 16, "3 + 4 + 6 + 3 bottlenecks");
}

#[test]
fn what_forward_implied_is_a_layer_with_a_note_saying_why() {
    let (vgg, _) = read("torch_vgg16");
    let flatten = vgg
        .net
        .layers
        .iter()
        .position(|l| l.kind == layerlab::layer::Kind::Flatten)
        .expect("a flatten");
    let note = &vgg.notes[&vec![flatten]];
    assert!(
        note.contains("7×7×512") && note.contains("25088 = all of its values"),
        "{note}"
    );
    let (mobilenet, _) = read("torch_mobilenet_v2");
    let pool = mobilenet
        .net
        .layers
        .iter()
        .position(|l| l.kind == layerlab::layer::Kind::GlobalAvgPool)
        .expect("a global pool");
    let note = &mobilenet.notes[&vec![pool]];
    assert!(note.contains("1280 = its channels"), "{note}");
    // The notes are comments in the file written.
    let text = layerlab::import::file_text(&mobilenet);
    assert!(
        text.contains("# implied: the map before is 7×7×1280"),
        "{text}"
    );
    // torchvision's residual blocks are adds; stride-2 inverted residuals are not.
    let (resnet, _) = read("torch_resnet18");
    let adds = resnet
        .net
        .layers
        .iter()
        .flat_map(|l| std::iter::once(l).chain(l.branches.iter().flatten()))
        .filter(|l| l.kind == layerlab::layer::Kind::Add)
        .count();
    assert_eq!(adds, 8, "two BasicBlocks in each of four stages");
}

#[test]
fn a_dot_keras_file_is_read_through_its_config_json() {
    let text = layerlab::file::read_model(std::path::Path::new(&fixture("keras_sequential.keras")))
        .expect("reads the zip");
    let imported = import(&text, None, "zipped").expect("imports");
    assert_eq!(analyze(&imported.net).totals.params, Some(7_106));
}

#[test]
fn a_module_layerlab_does_not_know_is_counted_from_its_children_and_says_so() {
    let text = "Net(\n  (stem): MyStem(\n    (0): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1))\n    (1): ReLU()\n  )\n  (head): Linear(in_features=8, out_features=2, bias=True)\n)\n";
    let imported = import(text, Some(Shape::Image { c: 3, h: 3, w: 3 }), "t").expect("imports");
    assert_eq!(
        analyze(&imported.net).totals.params,
        Some(3 * 3 * 3 * 8 + 8 + 18)
    );
    assert!(
        imported.notes[&vec![0]].contains("MyStem is a module layerlab does not know")
            && imported.notes[&vec![0]].contains("weights it holds itself")
    );
    assert!(
        imported
            .header
            .iter()
            .any(|h| h.contains("Net is a module layerlab does not know"))
    );
}

#[test]
fn every_problem_in_a_file_is_listed_with_its_line() {
    let text = "Net(\n  (a): Conv2d(3, 8, kernel_size=(3, 3))\n  (b): Frobnicate(7)\n  (c): Linear(in_features=8)\n  (d): Wiggle()\n)\n";
    let problems = import(text, Some(Shape::Image { c: 3, h: 8, w: 8 }), "t").unwrap_err();
    let lines: Vec<Option<usize>> = problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [Some(3), Some(4), Some(5)], "{problems:?}");
    assert!(
        problems[0]
            .message
            .contains("`Frobnicate(7)`: Frobnicate is a module layerlab does not know")
    );
    assert!(problems[1].message.contains("`out_features` is missing"));
    // A Linear that fits no reading of the map before it names both numbers.
    let text = "Net(\n  (a): Conv2d(3, 8, kernel_size=(3, 3))\n  (b): Linear(in_features=100, out_features=2)\n)\n";
    let problems = import(text, Some(Shape::Image { c: 3, h: 8, w: 8 }), "t").unwrap_err();
    assert_eq!(problems[0].line, Some(3));
    assert!(
        problems[0].message.contains(
            "takes 100 features, but the map before it (6×6×8) has 288 values and 8 channels"
        ),
        "{}",
        problems[0].message
    );
}

/// Every distinct shape problem is listed, each at its line: a module that
/// does not fit what comes is still read, so the ones after it are
/// checked. Past a module that cannot be read at all the shapes are
/// unknown, and what would follow from that is not listed.
#[test]
fn every_distinct_shape_problem_is_listed_and_no_follow_on() {
    let input = Some(Shape::Image { c: 3, h: 32, w: 32 });
    let text = "Sequential(
  (0): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1))
  (1): BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
  (2): Conv2d(8, 16, kernel_size=(3, 3), stride=(1, 1))
  (3): Conv2d(32, 4, kernel_size=(3, 3), stride=(1, 1))
  (4): Flatten(start_dim=1, end_dim=-1)
  (5): Linear(in_features=999, out_features=10, bias=True)
)
";
    let problems = import(text, input, "t").unwrap_err();
    let lines: Vec<Option<usize>> = problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [Some(3), Some(5), Some(7)], "{problems:?}");
    assert!(
        problems[0]
            .message
            .contains("takes 16 input channels, but the layer before gives 8")
    );
    assert!(
        problems[1]
            .message
            .contains("takes 32 input channels, but the layer before gives 16")
    );
    // 4×26×26 after the second conv, as PyTorch would have made it.
    assert!(
        problems[2]
            .message
            .contains("takes 999 features, but the layer before gives 2704")
    );
    let text = "Sequential(
  (0): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1))
  (1): Frobnicate(7)
  (2): Conv2d(99, 16, kernel_size=(3, 3), stride=(1, 1))
  (3): Linear(in_features=5, out_features=10, bias=True)
)
";
    let problems = import(text, input, "t").unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].line, Some(3));
}

/// A block layerlab does not know whose children do not run one after
/// another (its forward splits or joins them) is refused by name at its
/// line, with the first misfit; what comes after it is not listed. When
/// its first child is what does not fit, the cause is before it, and the
/// child's own problem is listed.
#[test]
fn an_unknown_block_whose_children_do_not_chain_is_refused_by_name() {
    let input = Some(Shape::Image { c: 3, h: 16, w: 16 });
    let text = "Net(
  (stem): Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1))
  (block): SplitBlock(
    (a): Conv2d(16, 8, kernel_size=(1, 1), stride=(1, 1))
    (b): Conv2d(16, 8, kernel_size=(1, 1), stride=(1, 1))
  )
  (head): Conv2d(16, 4, kernel_size=(1, 1), stride=(1, 1))
)
";
    let problems = import(text, input, "t").unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].line, Some(3));
    let m = &problems[0].message;
    assert!(
        m.contains("`SplitBlock` is a module layerlab does not know"),
        "{m}"
    );
    assert!(m.contains("line 5: `Conv2d(16, 8"), "{m}");
    let text = "Net(
  (stem): Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1))
  (block): Wrapper(
    (a): Conv2d(32, 8, kernel_size=(1, 1), stride=(1, 1))
    (b): Conv2d(8, 8, kernel_size=(1, 1), stride=(1, 1))
  )
)
";
    let problems = import(text, input, "t").unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].line, Some(4));
    assert!(
        problems[0]
            .message
            .contains("takes 32 input channels, but the layer before gives 16")
    );
}

/// The explorer opens a printout through `o` (the loop finds it is one):
/// it asks for the input shape, then shows the network, unsaved.
#[test]
fn the_explorer_asks_a_printouts_input_shape_then_opens_it() {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    use layerlab::tui::app::{App, Effect, Mode};
    let key = |c| Event::Key(KeyEvent::new(c, KeyModifiers::NONE));
    let mut app = App::new(layerlab::presets::load("lenet").unwrap(), None, None);
    let path = std::path::PathBuf::from(fixture("torch_vgg16.txt"));
    let text = layerlab::tui::importable(&path).expect("a printout");
    app.import_text(path.clone(), text);
    assert!(matches!(app.mode(), Mode::ImportInput { .. }));
    for c in "3,224,x".chars() {
        app.handle_event(&key(KeyCode::Char(c)));
    }
    app.handle_event(&key(KeyCode::Enter));
    assert!(
        matches!(app.mode(), Mode::ImportInput { .. }),
        "refused in place"
    );
    app.handle_event(&key(KeyCode::Backspace));
    app.handle_event(&key(KeyCode::Char('2')));
    for c in "24".chars() {
        app.handle_event(&key(KeyCode::Char(c)));
    }
    assert_eq!(app.handle_event(&key(KeyCode::Enter)), None);
    assert_eq!(app.analysis().totals.params, Some(138_357_544));
    assert_eq!(app.doc().path(), None, "the printout is never written over");
    let message = app.message().expect("says what it did").text.clone();
    assert!(message.contains("138,357,544 parameters"), "{message}");
    // Saving asks for a path, and keeps the notes as comments.
    let effect = app.update(layerlab::tui::keys::Action::Save);
    assert!(!matches!(effect, Some(Effect::Save { .. })), "no path yet");
    assert!(matches!(app.mode(), Mode::Path { .. }), "a path is asked");
    let (text, _) = layerlab::file::save_text(app.doc().net(), app.doc().source());
    assert!(
        text.contains("# implied: the map before is 7×7×512"),
        "{text}"
    );

    // A Keras model needs no question.
    let keras = std::path::PathBuf::from(fixture("keras_sequential.json"));
    let text = layerlab::tui::importable(&keras).expect("a Keras model");
    app.import_text(keras, text);
    assert!(matches!(app.mode(), Mode::Table));
    assert_eq!(app.analysis().totals.params, Some(7_106));
}

/// Today's models as torchvision and timm print them: every block class
/// the importer knows, with PyTorch's count and output.
#[test]
fn todays_printouts_import_with_pytorchs_counts() {
    for name in [
        "torch_efficientnet_b0",
        "torch_mobilenet_v3_small",
        "torch_convnext_tiny",
        "torch_vit_b_32",
        "torch_regnet_y_400mf",
        "torch_shufflenet_v2_x0_5",
        "torch_squeezenet1_1",
        "torch_densenet121",
        "torch_fcn_resnet50",
        "torch_quantizable_resnet18",
        "torch_deeplabv3_mobilenet_v3_large",
        "torch_lraspp_mobilenet_v3_large",
        "torch_r2plus1d_18",
        "torch_s3d",
        "timm_resnet50d",
        "timm_resnet10t",
        "timm_poolformer_s12",
        "timm_densenet121",
        "timm_repvgg_a0",
        "timm_ghostnet_100",
        "timm_resnext26ts",
        "timm_seresnet18",
        "timm_regnetx_002",
        "timm_regnetv_040",
        "timm_inception_next_atto",
        "timm_xception41",
        "timm_xception41p",
        "timm_cspresnet50",
        "timm_cspdarknet53",
        "timm_ese_vovnet19b_dw",
        "timm_efficientnet_b0_gn",
        "timm_convnext_atto",
        "timm_res2net50d",
        "timm_dpn48b",
        "timm_dpn68",
        "timm_nfnet_f0",
        "timm_nf_regnet_b1",
        "timm_resnetv2_50x1_bit",
        "timm_convnext_atto_rms",
        "timm_mixer_s16_224",
        "timm_dla34",
        "timm_dla60_res2net",
        "timm_efficientnet_blur_b0",
        "timm_ecaresnet26t",
        "timm_mixnet_s",
        "timm_legacy_seresnet18",
        "timm_gernet_s",
        "timm_mobileone_s0",
        "timm_convnextv2_atto",
        "torch_flatten_start2",
        "torch_upsample_size",
        "timm_ghostnetv2_100",
        "torch_lstm_proj",
        "timm_caformer_s18",
        "timm_poolformerv2_s12",
        "timm_resnest14d",
        "timm_skresnet18",
        "timm_gcresnext26ts",
        "timm_starnet_s1",
        "timm_repvit_m0_9",
        "timm_gmixer_12_224",
        "timm_resmlp_12_224",
        "timm_hgnet_tiny",
        "timm_selecsls42b",
        "timm_fastvit_sa12",
        "timm_mambaout_femto",
        "timm_test_mambaout",
        "timm_cspnext_tiny",
        "timm_sedarknet21",
        "timm_gmlp_ti16_224",
        "timm_fasternet_t0",
        "timm_repghostnet_050",
    ] {
        check(name);
    }
}

/// Arguments that change a count are honoured, every layer's shape as
/// PyTorch's: LayerNorm without bias or affine, RMSNorm, a positional
/// stride, a pool's own stride, the new norms and activations.
#[test]
fn printed_arguments_that_change_counts_are_honoured() {
    for name in [
        "torch_layernorm_no_bias",
        "torch_groupnorm_no_bias",
        "torch_layernorm_no_affine",
        "torch_rmsnorm",
        "torch_batchnorm_affine_bias",
        "torch_conv_positional",
        "torch_pool_stride",
        "torch_norms",
        "torch_activations",
    ] {
        check(name);
    }
}

/// What layerlab cannot follow is refused with the reason, never counted
/// wrong: a norm of other channels, a Hugging Face printout of hidden weights.
#[test]
fn arguments_that_cannot_be_followed_are_refused_by_name() {
    let all = expected();
    for name in ["torch_batchnorm_channels", "hf_llama_tiny"] {
        let case = &all[name];
        let text = std::fs::read_to_string(fixture(&format!("{name}.txt"))).unwrap();
        let problems = match import(&text, Some(input_of(case, false)), name) {
            Ok(imported) => panic!(
                "{name} imported with {:?} parameters (PyTorch {})",
                analyze(&imported.net).totals.params,
                case["params"]
            ),
            Err(problems) => problems,
        };
        let why = case["refuse"].as_str().unwrap();
        assert!(
            problems
                .iter()
                .any(|p| p.message.contains(why) && p.line.is_some()),
            "{name}: {problems:?} names {why} and its line"
        );
    }
}

/// DeepLabV3's ASPP is five branches of one map, concatenated; the pooled
/// one is scaled back to the map's size, as its `forward` does unseen, and
/// the file says so. S3D's forward ends with a mean, said the same way.
#[test]
fn aspp_and_s3d_say_what_their_forward_does_unseen() {
    use layerlab::layer::Kind;
    let (deeplab, _) = read("torch_deeplabv3_mobilenet_v3_large");
    let concat = deeplab
        .net
        .layers
        .iter()
        .flat_map(|l| std::iter::once(l).chain(l.branches.iter().flatten()))
        .find(|l| l.kind == Kind::Concat && l.branches.len() == 5)
        .expect("ASPP's five branches");
    let pooled = concat.branches[4].last().expect("the pooled branch");
    assert_eq!(pooled.kind, Kind::Upsample);
    let text = layerlab::import::file_text(&deeplab);
    assert!(
        text.contains("# implied: ASPPPooling's forward scales its 1×1 map back"),
        "{text}"
    );
    let (s3d, _) = read("torch_s3d");
    assert_eq!(
        s3d.net.layers.last().map(|l| l.kind),
        Some(Kind::GlobalAvgPool)
    );
    let text = layerlab::import::file_text(&s3d);
    assert!(
        text.contains("# implied: the model's forward ends with the mean"),
        "{text}"
    );
}

/// InceptionNeXt's blocks scale by a `gamma` the printout does not show:
/// counted as timm builds it, and the file says so.
#[test]
fn a_parameter_the_printout_hides_is_said_where_it_is_counted() {
    let (net, _) = read("timm_inception_next_atto");
    let text = layerlab::import::file_text(&net);
    assert!(
        text.contains("# MetaNeXtBlock scales its result per channel by `gamma`"),
        "{text}"
    );
}

/// An OsaBlock of more convolutions than a file nests concatenations is
/// refused at its line before the walk goes that deep (100,000 of them
/// would overflow the stack).
#[test]
fn an_osa_block_past_what_a_file_nests_is_refused_not_a_crash() {
    let convs: String = (0..100_000)
        .map(|i| {
            format!(
                "      ({i}): Conv2d(8, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n"
            )
        })
        .collect();
    let text = format!(
        "Net(\n  (b): OsaBlock(\n    (conv_mid): SequentialAppendList(\n{convs}    )\n    (conv_concat): Conv2d(8, 8, kernel_size=(1, 1), stride=(1, 1))\n  )\n)\n"
    );
    let problems = import(&text, Some(Shape::Image { c: 8, h: 8, w: 8 }), "osa").unwrap_err();
    assert_eq!(problems[0].line, Some(3), "{problems:?}");
    assert!(
        problems[0].message.contains("nest more than 32 levels"),
        "{problems:?}"
    );
}

/// GoogLeNet's and Inception v3's side heads run only in training: the
/// table leaves them out, and says how many parameters that is, which
/// makes up PyTorch's count.
#[test]
fn inception_nets_leave_their_training_heads_out_and_say_how_many_parameters() {
    for (name, heads) in [("torch_googlenet", 2), ("torch_inception_v3", 1)] {
        let (imported, case) = read(name);
        let a = analyze(&imported.net);
        assert_eq!(a.error_at, None, "{name}: no broken layer");
        let left_out = case["left_out"].as_u64().unwrap();
        assert_eq!(
            a.totals.params.map(|p| p + left_out),
            case["params"].as_u64(),
            "{name}"
        );
        let out = a.rows.last().and_then(|r| r.output).map(|s| s.to_vec());
        assert_eq!(
            out,
            Some(vec![case["output"][0].as_u64().unwrap()]),
            "{name}"
        );
        let said: Vec<&String> = imported
            .header
            .iter()
            .filter(|h| h.contains("InceptionAux"))
            .collect();
        assert_eq!(said.len(), heads, "{name}: {:?}", imported.header);
        let numbers: u64 = said
            .iter()
            .filter_map(|h| {
                let after = h.split("left out with its ").nth(1)?;
                after
                    .split(' ')
                    .next()?
                    .replace(',', "")
                    .parse::<u64>()
                    .ok()
            })
            .sum();
        assert_eq!(numbers, left_out, "{name}");
    }
}

/// A printout standing for more copies than can be imported is refused
/// with the limit, not cut short without a word; nested repeats multiply.
#[test]
fn too_many_copies_are_refused_not_capped() {
    let text =
        "Sequential(\n  (0-19999): 20000 x Linear(in_features=12, out_features=12, bias=True)\n)\n";
    let problems = import(text, Some(Shape::Flat(12)), "many").unwrap_err();
    assert!(problems[0].message.contains("20000"), "{problems:?}");
    let nested = "Sequential(\n  (0-9999): 10000 x Sequential(\n    (0-9999): 10000 x Linear(in_features=12, out_features=12, bias=True)\n  )\n)\n";
    let problems = import(nested, Some(Shape::Flat(12)), "nested").unwrap_err();
    assert!(problems[0].message.contains("10000"), "{problems:?}");
    // A block that keeps each copy's output (HGNet's) lists its copies
    // one by one: past the limit it is refused, not allocated.
    let listed = "Net(\n  (0): HighPerfGpuBlock(\n    (layers): ModuleList(\n      (0-99999999999): 100000000000 x Conv2d(8, 8, kernel_size=(1, 1), stride=(1, 1))\n    )\n    (aggregation): Conv2d(8, 8, kernel_size=(1, 1), stride=(1, 1))\n  )\n)\n";
    let input = Shape::Image { c: 8, h: 4, w: 4 };
    let problems = import(listed, Some(input), "listed").unwrap_err();
    assert!(problems[0].message.contains("100000000000"), "{problems:?}");
}

/// Keras keeps channels last: a Conv1D on (steps, channels) is layerlab's
/// conv1d on [C, L], with Keras' count; LayerNormalization's center and
/// scale, and pooling's default window, are Keras'.
#[test]
fn keras_settings_that_change_counts_are_keras() {
    for name in [
        "keras_conv1d",
        "keras_layernorm_scale_only",
        "keras_layernorm_plain",
        "keras_pool_default",
        "keras_batchnorm_center_scale",
        "keras_conv1d_dense",
        "keras_embedding_conv1d",
        "keras_text_cnn",
        "keras_conv1d_causal",
        "keras_convnext_tiny",
        "keras_mobilenet_v3_small",
    ] {
        check(name);
    }
    // MobileNetV3's hard sigmoid adds and multiplies plain numbers: not
    // rows, but said.
    let (v3, _) = read("keras_mobilenet_v3_small");
    assert!(
        v3.header
            .iter()
            .any(|h| h.contains("layers add to or multiply by a plain number")),
        "{:?}",
        v3.header
    );
}

/// A Conv1D over an embedding beside a layer that reads the sequence as it
/// is (a branch) is refused with the reason, never read as something else.
#[test]
fn keras_layers_layerlab_would_misread_are_refused() {
    let name = "keras_embedding_conv1d_branch";
    let case = &expected()[name];
    let text = std::fs::read_to_string(fixture(&format!("{name}.json"))).unwrap();
    let problems = import(&text, None, name).expect_err(name);
    let why = case["refuse"].as_str().unwrap();
    assert!(
        problems.iter().any(|p| p.message.contains(why)),
        "{name}: {problems:?} says {why}"
    );
    // A setting there but unreadable is an error, not layerlab's default.
    let text = std::fs::read_to_string(fixture("keras_conv1d.json")).unwrap();
    let mut json: Value = serde_json::from_str(&text).unwrap();
    json["config"]["layers"][1]["config"]["strides"] = serde_json::json!([1.5]);
    let problems = import(&json.to_string(), None, "broken").expect_err("a float stride");
    assert!(problems[0].message.contains("strides"), "{problems:?}");
}

/// A Keras problem in a one-line `to_json()` names the layer, not `:1:`;
/// in an indented file, the layer's line.
#[test]
fn keras_problems_name_the_layer_and_a_line_only_where_there_are_lines() {
    let text = std::fs::read_to_string(fixture("keras_embedding_conv1d_branch.json")).unwrap();
    let indented = import(&text, None, "indented").expect_err("a conv over an embedding");
    assert!(indented[0].line.is_some_and(|l| l > 1), "{indented:?}");
    let json: Value = serde_json::from_str(&text).unwrap();
    let one_line = import(&json.to_string(), None, "one line").expect_err("the same");
    assert_eq!(one_line[0].line, None, "{one_line:?}");
    let name = json["config"]["layers"][2]["config"]["name"]
        .as_str()
        .unwrap();
    assert!(
        one_line[0].message.contains(&format!("Conv1D “{name}”")),
        "{one_line:?}"
    );
}

/// A Keras input of 0 or past i64 is refused at import, naming the shape: it
/// was written into a file layerlab then could not open.
#[test]
fn a_keras_input_no_network_can_take_is_refused_at_import() {
    let model = |shape: &str| {
        format!(
            r#"{{"class_name": "Sequential", "config": {{"name": "s", "layers": [
            {{"class_name": "InputLayer", "config": {{"batch_shape": [null, {shape}]}}}},
            {{"class_name": "Dense", "config": {{"units": 4}}}}]}}}}"#
        )
    };
    // JSON reads a number past u64 as a float, and says it so.
    for (shape, said) in [
        ("0, 4", "(0, 4,"),
        ("99999999999999999999, 4", "(1e+20, 4,"),
        ("9223372036854775808", "(9223372036854775808,"),
    ] {
        let problems = import(&model(shape), None, "s").expect_err(shape);
        assert!(
            problems[0]
                .message
                .contains("from 1 to 9,223,372,036,854,775,807")
                && problems[0].message.contains(said),
            "{shape}: {}",
            problems[0].message
        );
    }
    // A length left open is no error: the input is for --input to give.
    let open = import(&model("null, 4"), None, "s").expect_err("no input");
    assert!(open[0].message.contains("--input"), "{}", open[0].message);
    let fine = import(&model("3, 4"), None, "s").expect("an input");
    assert_eq!(analyze(&fine.net).totals.params, Some(20));
}

/// Keras adds each of whose branches holds the one before: 5,000 of them
/// overflowed the stack (exit 134), and 40 wrote a file nested past the 32
/// levels layerlab opens. Both are refused, naming the limit; 32 come in.
#[test]
fn keras_merges_nested_past_what_a_file_holds_are_refused() {
    let nested = |n: usize| {
        let mut layers = vec![
            r#"{"class_name": "InputLayer", "name": "in", "config": {"batch_shape": [null, 8], "name": "in"}, "inbound_nodes": []}"#.to_string(),
            r#"{"class_name": "Dense", "name": "d", "config": {"units": 8, "name": "d"}, "inbound_nodes": [[["in", 0, 0, {}]]]}"#.to_string(),
        ];
        let mut prev = "d".to_string();
        for i in 0..n {
            layers.push(format!(
                r#"{{"class_name": "Add", "name": "a{i}", "config": {{"name": "a{i}"}}, "inbound_nodes": [[["{prev}", 0, 0, {{}}], ["in", 0, 0, {{}}]]]}}"#
            ));
            prev = format!("a{i}");
        }
        format!(
            r#"{{"class_name": "Functional", "config": {{"name": "m", "layers": [{}], "input_layers": [["in", 0, 0]], "output_layers": [["{prev}", 0, 0]]}}}}"#,
            layers.join(",\n")
        )
    };
    for n in [33, 5000] {
        let problems = import(&nested(n), None, "m").expect_err("too deep");
        assert!(
            problems[0].message.contains("more than 32 levels deep"),
            "{n}: {}",
            problems[0].message
        );
    }
    let fine = import(&nested(32), None, "m").expect("32 levels");
    let text = layerlab::import::file_text(&fine);
    let reread = layerlab::file::parse(&text).expect("the file it writes opens");
    assert_eq!(analyze(&reread).totals.params, Some(72));
}

/// An imported `Linear(in_features=400)` takes 400 features and no other
/// count: at 32×32 instead of 28×28 the first dense layer would get 576, and
/// is red, saying so, where without the pin it would silently become a
/// larger layer than the model has. The pin is the file's `inputs = 400`,
/// read back as written; the smallest input is still found, and `f` offers
/// to take the features that come.
#[test]
fn an_imported_linear_takes_the_features_it_was_built_for() {
    let (imported, _) = read("torch_sequential");
    let net = &imported.net;
    let dense = net
        .layers
        .iter()
        .position(|l| l.kind.name() == "dense")
        .unwrap();
    let text = layerlab::file::to_toml(net);
    assert!(text.contains("inputs = 400"), "{text}");
    let back = layerlab::file::parse(&text).unwrap();
    assert_eq!(
        back.layers[dense].extra.inputs,
        net.layers[dense].extra.inputs
    );

    let wider = layerlab::network::Network {
        input: Shape::Image { c: 1, h: 32, w: 32 },
        ..net.clone()
    };
    let a = analyze(&wider);
    assert_eq!(a.error_at, Some(dense));
    let said = layerlab::words::status(a.rows[dense].status).unwrap();
    assert_eq!(
        said,
        "dense expects 400 features, gets 576: it was built for 400 (inputs = 400); \
         change what comes before it, or set inputs to any"
    );
    let fixes = layerlab::fixes::fixes(&wider, &a, &[dense]);
    let take = fixes
        .iter()
        .find(|f| f.what.contains("inputs"))
        .unwrap_or_else(|| panic!("{:?}", fixes.iter().map(|f| &f.what).collect::<Vec<_>>()));
    assert!(take.what.contains("576"), "{}", take.what);
    // At the size it was built for, it computes as PyTorch counts it.
    assert_eq!(analyze(net).rows[dense].params, Some(400 * 120 + 120));
}

/// A problem in every copy of a block, printed copy by copy, is listed
/// once, at its first line, with how many times and where it comes.
#[test]
fn a_problem_repeated_in_every_copy_is_listed_once() {
    let copy = |i: usize| {
        format!(
            "    ({i}): Block(\n      (attn): FooAttention(64)\n      (fc): Linear(in_features=8, out_features=8, bias=True)\n    )\n"
        )
    };
    let text = format!(
        "Net(\n  (layers): ModuleList(\n{}  )\n  (bar): BarNorm(8)\n)\n",
        (0..12).map(copy).collect::<String>()
    );
    let errors = import(&text, Some(Shape::Flat(8)), "repeated").unwrap_err();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].line, Some(4));
    assert!(
        errors[0].message.contains("FooAttention")
            && errors[0].message.ends_with("(×12: lines 4, 8, 12, 16, …)"),
        "{}",
        errors[0].message
    );
    assert!(errors[1].message.contains("BarNorm") && !errors[1].message.contains('×'));
    // Printed once for all its copies, as newer PyTorch prints them: one
    // line, said as every copy.
    let text = "Net(\n  (layers): ModuleList(\n    (0-11): 12 x Block(\n      (attn): FooAttention(64)\n    )\n  )\n)\n";
    let errors = import(text, Some(Shape::Flat(8)), "folded").unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, Some(4));
    assert!(
        errors[0]
            .message
            .ends_with("(×12: once in each copy of its block)"),
        "{}",
        errors[0].message
    );
}

/// timm's ResNet-D shortcut pools with `ceil_mode=True`, which the
/// printout of an `AvgPool2d` never shows: read from the shortcut it is in,
/// resnet10t comes in at its own 176×176 with PyTorch's count, its note
/// saying why, where taking the printout at its word would break it.
#[test]
fn a_timm_avg_down_shortcut_pools_with_ceil_mode() {
    let (imported, _) = read("timm_resnet10t");
    let mut pools = 0;
    for l in &imported.net.layers {
        l.walk(&mut |l| {
            if l.kind.name() == "avgpool" {
                assert!(l.ceil_mode);
                pools += 1;
            }
        });
    }
    assert_eq!(pools, 3, "one in each strided stage's first shortcut");
    assert!(
        imported
            .notes
            .values()
            .any(|n| n.contains("ceil_mode=True"))
    );
}

/// timm's `MetaFormerBlock` is two residual halves (token mixer, then MLP),
/// each scaled by a `Scale()` that holds a weight per channel; its norms
/// are `GroupNorm1`: PoolFormer-S12 comes in with timm's 11,915,176, 12
/// blocks of two adds each.
#[test]
fn a_poolformer_is_two_residual_halves_per_block() {
    let (imported, _) = read("timm_poolformer_s12");
    let mut adds = 0;
    let mut scales = 0;
    for l in &imported.net.layers {
        l.walk(&mut |l| match l.kind.name() {
            "add" => adds += 1,
            "layer_scale" => scales += 1,
            _ => {}
        });
    }
    assert_eq!((adds, scales), (24, 24));
    assert_eq!(analyze(&imported.net).totals.params, Some(11_915_176));
}

/// timm's `RepVggBlock` as trained sums three branches — its 3×3 and 1×1
/// convolutions and, where the shape stays, the input through a BatchNorm —
/// then applies its ReLU: RepVGG-A0 comes in with timm's 9,108,968.
#[test]
fn a_repvgg_block_sums_its_three_branches() {
    let (imported, _) = read("timm_repvgg_a0");
    let widths: Vec<usize> = imported
        .net
        .layers
        .iter()
        .flat_map(|l| {
            let mut w = Vec::new();
            l.walk(&mut |l| {
                if l.kind.name() == "add" {
                    w.push(l.branches.len());
                }
            });
            w
        })
        .collect();
    // 22 blocks: the stem and each stage's first block (5) have no
    // identity BatchNorm (the shape changes); the other 17 do.
    assert_eq!(widths.len(), 22, "{widths:?}");
    assert_eq!(widths.iter().filter(|&&w| w == 3).count(), 17, "{widths:?}");
    assert_eq!(analyze(&imported.net).totals.params, Some(9_108_968));
}

/// A DPN block after a stage's first cannot show its residual width: one
/// printed without that first block is refused by name, not guessed.
#[test]
fn a_dual_path_block_without_its_stage_is_refused() {
    let full = std::fs::read_to_string(fixture("timm_dpn68.txt")).unwrap();
    let lines: Vec<&str> = full.lines().collect();
    // conv2_2 alone: a non-projecting block reading conv2_1's 112 channels.
    let start = lines.iter().position(|l| l.contains("(conv2_2)")).unwrap();
    let end = lines.iter().position(|l| l.contains("(conv2_3)")).unwrap();
    let text = format!("DPN(\n{}\n)\n", lines[start..end].join("\n"));
    let errors = import(
        &text,
        Some(Shape::Image {
            c: 112,
            h: 56,
            w: 56,
        }),
        "t",
    )
    .unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].message.contains("DualPathBlock")
            && errors[0].message.contains("residual part's width"),
        "{}",
        errors[0].message
    );
}

/// NFNet's weights a printout hides are said: ScaledStdConv2d's gain
/// (counted, once in the notes) and skipinit's (not in timm's nfnet_f0).
#[test]
fn nfnet_says_the_weights_its_printout_hides() {
    let (imported, _) = read("timm_nfnet_f0");
    let gains = imported.notes.values().filter(|n| n.contains("`gain`"));
    assert_eq!(gains.count(), 1, "{:?}", imported.notes);
    assert!(
        imported.header.iter().any(|h| h.contains("skipinit=True")),
        "{:?}",
        imported.header
    );
}

/// timm's ViT hides its class and register tokens and position table: it
/// is refused with that reason, not mistaken for torchvision's.
#[test]
fn a_timm_vit_is_refused_for_what_its_printout_hides() {
    let text = "VisionTransformer(\n  (patch_embed): PatchEmbed(\n    (proj): Conv2d(3, 192, kernel_size=(16, 16), stride=(16, 16))\n    (norm): Identity()\n  )\n  (head): Linear(in_features=192, out_features=1000, bias=True)\n)\n";
    let errors = import(
        text,
        Some(Shape::Image {
            c: 3,
            h: 224,
            w: 224,
        }),
        "t",
    )
    .unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].message.contains("class token"),
        "{}",
        errors[0].message
    );
    assert!(
        !errors[0].message.contains("conv_proj"),
        "{}",
        errors[0].message
    );
}

/// A DLA tree's root whose width fits neither way of keeping tensors (with
/// or without the downsampled input) is refused by name, not guessed.
#[test]
fn a_dla_root_of_another_width_is_refused() {
    let full = std::fs::read_to_string(fixture("timm_dla34.txt")).unwrap();
    let text = full.replacen(
        "Conv2d(128, 64, kernel_size=(1, 1)",
        "Conv2d(130, 64, kernel_size=(1, 1)",
        1,
    );
    assert_ne!(text, full);
    let errors = import(
        &text,
        Some(Shape::Image {
            c: 3,
            h: 224,
            w: 224,
        }),
        "t",
    )
    .unwrap_err();
    assert!(
        errors
            .iter()
            .any(|e| e.message.starts_with("DlaTree: its root's input width")),
        "{errors:?}"
    );
}

/// A guess that leaves a layer unable to compute (a pool implied before a
/// Linear inside a block, a convolution after it) is refused with the row
/// that would be red, never written as a broken file.
#[test]
fn a_printout_whose_layers_do_not_compute_is_refused() {
    let text = "Net(\n  (0): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1))\n  (1): Foo(\n    (fc): Linear(in_features=8, out_features=8, bias=True)\n  )\n  (2): Conv2d(8, 8, kernel_size=(1, 1), stride=(1, 1))\n)\n";
    let errors = import(text, Some(Shape::Image { c: 3, h: 8, w: 8 }), "t").unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].message.contains("layer 4 would be red")
            && errors[0].message.contains("conv2d needs an image"),
        "{}",
        errors[0].message
    );
}

/// StarReLU's scale and bias are weights a printout hides (its ReLU is
/// all it shows): each is layerlab's `star_relu`, 2 weights, as timm's
/// `sum(p.numel())` counts: 20 + 2 + 2.
#[test]
fn star_relu_counts_its_hidden_scale_and_bias() {
    let text = "Net(\n  (0): Linear(in_features=4, out_features=4, bias=True)\n  (1): StarReLU(\n    (relu): ReLU()\n  )\n  (2): StarReLU(\n    (relu): ReLU()\n  )\n)\n";
    let imported = import(text, Some(Shape::Flat(4)), "t").expect("imports");
    let a = analyze(&imported.net);
    assert_eq!(a.totals.params, Some(24));
    let kinds: Vec<&str> = imported.net.layers.iter().map(|l| l.kind.name()).collect();
    assert_eq!(kinds, ["dense", "star_relu", "star_relu"]);
}

/// A known block read by its forward must read every child that holds
/// weights: one it does not (here a `Linear` no MobileOneBlock has) is
/// refused by name at its line, never left out of the count.
#[test]
fn a_weighted_child_a_known_block_does_not_read_is_refused() {
    let text = "Net(\n  (0): MobileOneBlock(\n    (conv_kxk): ModuleList(\n      (0): Conv2d(4, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n    )\n    (extra): Linear(in_features=4, out_features=4, bias=True)\n    (act): ReLU()\n  )\n)\n";
    let problems = import(text, Some(Shape::Image { c: 4, h: 8, w: 8 }), "t").unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].line, Some(6), "{problems:?}");
    assert!(
        problems[0]
            .message
            .contains("`Linear` is inside MobileOneBlock"),
        "{}",
        problems[0].message
    );
}

/// FasterNet's `MLPBlock` is its own block, not torchvision's Sequential of
/// that name: its partial convolution and MLP are added to its input
/// (counted the same either way, so the count alone would not tell).
#[test]
fn fasternets_mlp_block_is_a_residual_not_a_chain() {
    let (imported, _) = read("timm_fasternet_t0");
    let kinds: Vec<&str> = imported.net.layers[..4]
        .iter()
        .map(|l| l.kind.name())
        .collect();
    assert_eq!(kinds, ["conv2d", "batchnorm", "add", "conv2d"]);
    let body = &imported.net.layers[2].branches[1];
    assert_eq!(
        body[0].kind.name(),
        "concat",
        "the partial convolution first"
    );
}

/// A fused-qkv `Attention` is read only inside MetaFormer's blocks: BEiT's
/// and SAM's classes of the same name and children hold query and value
/// biases and position tables a printout does not show, so one met
/// elsewhere is refused, never counted short.
#[test]
fn an_attention_outside_metaformer_is_refused_not_counted_short() {
    let attention = "  (0): Attention(\n    (qkv): Linear(in_features=8, out_features=24, bias=False)\n    (attn_drop): Dropout(p=0.0, inplace=False)\n    (proj): Linear(in_features=8, out_features=8, bias=True)\n    (proj_drop): Dropout(p=0.0, inplace=False)\n  )\n";
    let tokens = Shape::Matrix { rows: 4, cols: 8 };
    let beit = format!("Block(\n{attention})\n");
    let problems = import(&beit, Some(tokens), "beit").unwrap_err();
    assert!(problems[0].message.contains("`Attention`"), "{problems:?}");
    let metaformer = format!(
        "MetaFormerBlock(\n  (norm1): LayerNorm((8,), eps=1e-06, elementwise_affine=True, bias=False)\n{}  (drop_path1): Identity()\n  (layer_scale1): Identity()\n  (res_scale1): Identity()\n  (norm2): LayerNorm((8,), eps=1e-06, elementwise_affine=True, bias=False)\n  (mlp): Linear(in_features=8, out_features=8, bias=False)\n  (drop_path2): Identity()\n  (layer_scale2): Identity()\n  (res_scale2): Identity()\n)\n",
        attention.replace("(0): Attention", "(token_mixer): Attention")
    );
    let indented: String = metaformer.lines().map(|l| format!("  {l}\n")).collect();
    let metaformer = format!(
        "Net(\n{})\n",
        indented.replacen("  MetaFormerBlock", "  (0): MetaFormerBlock", 1)
    );
    let imported = import(&metaformer, Some(tokens), "metaformer").expect("imports");
    // norm 8 + qkv 192 + proj 72 + norm 8 + mlp 64
    assert_eq!(analyze(&imported.net).totals.params, Some(344));
}

/// `Flatten(start_dim=2)` keeps the channels apart: PyTorch gives 297
/// parameters and an output of [4, 5] for this Sequential at 3×8×8.
#[test]
fn flatten_from_dim_2_keeps_the_channels() {
    let text = "Sequential(\n  (0): Conv2d(3, 4, kernel_size=(3, 3), stride=(1, 1))\n  (1): Flatten(start_dim=2, end_dim=-1)\n  (2): Linear(in_features=36, out_features=5, bias=True)\n)\n";
    let imported = import(text, Some(Shape::Image { c: 3, h: 8, w: 8 }), "t").expect("imports");
    let a = analyze(&imported.net);
    assert_eq!(a.totals.params, Some(297));
    assert_eq!(
        a.rows.last().and_then(|r| r.output),
        Some(Shape::Matrix { rows: 4, cols: 5 })
    );
}

/// `nn.Upsample(size=(20, 20))` gives 20×20 whatever comes: PyTorch counts
/// 112 parameters and an output of 4×18×18 for this Sequential at 3×9×9.
#[test]
fn an_upsample_to_a_size_imports_as_that_size() {
    let text = "Sequential(\n  (0): Upsample(size=(20, 20), mode='nearest')\n  (1): Conv2d(3, 4, kernel_size=(3, 3), stride=(1, 1))\n)\n";
    let imported = import(text, Some(Shape::Image { c: 3, h: 9, w: 9 }), "t").expect("imports");
    let a = analyze(&imported.net);
    assert_eq!(a.totals.params, Some(112));
    assert_eq!(
        a.rows.last().and_then(|r| r.output),
        Some(Shape::Image { c: 4, h: 18, w: 18 })
    );
}

/// A `PatchEmbed` whose norm is a map's (FasterNet's: BatchNorm2d) keeps
/// the map; a ViT's or Mixer's (LayerNorm, Identity) makes tokens.
#[test]
fn a_patch_embed_with_a_map_norm_keeps_the_map() {
    let text = "Net(\n  (patch_embed): PatchEmbed(\n    (proj): Conv2d(3, 8, kernel_size=(4, 4), stride=(4, 4))\n    (norm): BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n  )\n  (head): Conv2d(8, 8, kernel_size=(1, 1), stride=(1, 1))\n)\n";
    let imported = import(text, Some(Shape::Image { c: 3, h: 8, w: 8 }), "t").expect("imports");
    let a = analyze(&imported.net);
    // 3·8·16 + 8, 2·8, 8·8 + 8: as PyTorch counts them.
    assert_eq!(a.totals.params, Some(392 + 16 + 72));
    assert_eq!(
        a.rows.last().and_then(|r| r.output),
        Some(Shape::Image { c: 8, h: 2, w: 2 })
    );
}
