//! Behaviour that was right but that no test kept so: each was broken on
//! purpose in a copy of the code and every test stayed green. These fail
//! when it breaks again.

use assert_cmd::Command;
use layerlab::engine::analyze;
use layerlab::file::{Source, save_text};

fn layerlab() -> Command {
    let mut cmd = Command::cargo_bin("layerlab").expect("the binary is built");
    cmd.env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("XDG_CONFIG_HOME", "/nonexistent/layerlab-tests");
    cmd
}

fn scratch(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("layerlab-guards-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("written");
    path
}

fn stdout(args: &[&str]) -> String {
    let out = layerlab().args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

const RESIDUAL: &str = r#"name = "commented"
input = [3, 16, 16]

[[layer]]
type = "add"

[[layer.branch]]

# the body's first conv: why it is 3×3
[[layer.branch.layer]]
type = "conv2d"
filters = 3
kernel = 3
padding = 1 # same size out

[[layer.branch.layer]]
type = "relu"

[[layer.branch]]
"#;

/// Comments inside a merge's branches stay when an edit touches that
/// branch: the line above a layer and those on its lines.
#[test]
fn comments_inside_a_branch_survive_an_edit_of_that_branch() {
    let (mut net, source) = Source::parse(RESIDUAL).expect("parses");
    let conv = &mut net.layers[0].branches[0][0];
    conv.filters = layerlab::size::Size::new(3).unwrap();
    conv.kernel = layerlab::layer::Hw::square(5);
    conv.padding = layerlab::layer::Padding::Explicit(layerlab::layer::Hw::square(2));
    let (text, _) = save_text(&net, Some(&source));
    assert!(
        text.contains("# the body's first conv: why it is 3×3"),
        "{text}"
    );
    assert!(text.contains("# same size out"), "{text}");
    assert!(text.contains("kernel = 5"), "{text}");
    let back = layerlab::file::parse(&text).expect("reads back");
    assert_eq!(analyze(&back).totals.params, analyze(&net).totals.params);
}

/// The receptive field in a summary's CSV: `7×7 /1` → 7.
fn field_side(csv: &str, row: usize) -> u64 {
    let line = csv.lines().nth(row + 1).expect("a row");
    let cells: Vec<&str> = line.split(',').collect();
    cells[5].split('×').next().unwrap().parse().expect("a size")
}

/// PyTorch's bilinear upsample reads a 2×2 neighbourhood of the map
/// before it, so the receptive field after it is wider than after a
/// nearest-neighbour upsample (which reads one pixel).
#[test]
fn a_bilinear_upsample_widens_the_receptive_field() {
    let net = |mode: &str| {
        format!(
            "name = \"up\"\ninput = [1, 16, 16]\n\n[[layer]]\ntype = \"conv2d\"\nfilters = 1\n\
             kernel = 3\n\n[[layer]]\ntype = \"upsample\"\nscale = 2\nmode = \"{mode}\"\n\n\
             [[layer]]\ntype = \"conv2d\"\nfilters = 1\nkernel = 3\n"
        )
    };
    let nearest = scratch("nearest.toml", &net("nearest"));
    let bilinear = scratch("bilinear.toml", &net("bilinear"));
    let csv = |p: &std::path::Path| stdout(&["summary", p.to_str().unwrap(), "--format", "csv"]);
    let (n, b) = (csv(&nearest), csv(&bilinear));
    assert_eq!(
        field_side(&n, 1),
        field_side(&b, 1),
        "the same before the upsample"
    );
    for row in [2, 3] {
        assert!(
            field_side(&b, row) > field_side(&n, row),
            "row {row}: bilinear {} > nearest {}",
            field_side(&b, row),
            field_side(&n, row)
        );
    }
}

/// CSV doubles a `"` inside a quoted field, so a block named with quotes
/// and commas stays one cell.
#[test]
fn csv_escapes_quotes_and_commas() {
    let path = scratch(
        "quoted.toml",
        "name = \"q\"\ninput = [1, 8, 8]\n\n[[layer]]\ntype = \"block\"\n\
         name = 'say \"hi\", twice'\n\n[[layer.layer]]\ntype = \"relu\"\n",
    );
    let csv = stdout(&["summary", path.to_str().unwrap(), "--format", "csv"]);
    let row = csv.lines().nth(2).expect("the block's row");
    assert!(row.contains("\"block say \"\"hi\"\", twice"), "{row}");
}

/// PyTorch's ZeroPad2d takes (left, right, top, bottom): the export writes
/// layerlab's sides in that order.
#[test]
fn zeropad_exports_in_pytorchs_order() {
    let path = scratch(
        "pad.toml",
        "name = \"pad\"\ninput = [1, 8, 8]\n\n[[layer]]\ntype = \"zeropad\"\n\
         left = 1\nright = 2\ntop = 3\nbottom = 4\n",
    );
    let code = stdout(&["export", path.to_str().unwrap(), "--to", "pytorch"]);
    assert!(code.contains("nn.ZeroPad2d((1, 2, 3, 4))"), "{code}");
}
