//! End to end: the real `layerlab` binary in a real terminal (tmux), driven
//! by keys and read back with colours, as a person would use it.
//!
//! Needs `tmux`. `.ci/run` installs it; on a machine without it (as
//! `build.rs` found at build time) every test here is ignored, with the reason.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// How long a test waits for the screen to show what it expects. Generous:
/// a loaded machine (or a debug build) is slow, and slowness is not what
/// these tests check; speed is measured by the benchmarks.
const PATIENCE: Duration = Duration::from_secs(60);

struct Tmux {
    socket: String,
    /// Where the shell around layerlab writes its exit status.
    status: tempfile::TempPath,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs")
    }

    /// The pane's text, with colours as escape sequences when `colours`.
    fn screen(&self, colours: bool) -> String {
        let mut args = vec!["capture-pane", "-p", "-t", "app"];
        if colours {
            args.push("-e");
        }
        String::from_utf8_lossy(&self.run(&args).stdout).into_owned()
    }

    fn keys(&self, keys: &str) {
        self.run(&["send-keys", "-t", "app", keys]);
    }

    /// Waits until the screen shows `text`; fails with the screen if it never does.
    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen(false);
            if screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "the screen never showed {text:?}:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen no longer shows `text` (a popup closed).
    fn wait_without(&self, text: &str) {
        let start = Instant::now();
        while self.screen(false).contains(text) {
            assert!(
                start.elapsed() < PATIENCE,
                "the screen kept showing {text:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn pane(&self, format: &str) -> String {
        let out = self.run(&["display-message", "-p", "-t", "app", format]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// layerlab with `args` in a fresh tmux server.
fn start(name: &str, args: &[&str]) -> Tmux {
    start_with(name, &[], args)
}

/// `start`, with extra `NAME=value` settings in layerlab's environment.
fn start_with(name: &str, env: &[&str], args: &[&str]) -> Tmux {
    start_sized(name, (120, 36), env, args)
}

/// `start_with` in a terminal of `size` (columns, rows).
fn start_sized(name: &str, size: (u16, u16), env: &[&str], args: &[&str]) -> Tmux {
    let status = tempfile::NamedTempFile::new()
        .expect("temp file")
        .into_temp_path();
    std::fs::remove_file(&status).expect("the status file starts absent");
    let tmux = Tmux {
        socket: format!("layerlab-{name}-{}", std::process::id()),
        status,
    };
    // A shell runs layerlab and records its exit status: tmux's own
    // #{pane_dead_status} is not always filled in.
    let quoted: Vec<String> = std::iter::once(env!("CARGO_BIN_EXE_layerlab"))
        .chain(args.iter().copied())
        .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
        .collect();
    // The shell then records the terminal's settings as layerlab left
    // them, and stays, so the pane (and what layerlab left on it) can still
    // be read; the server is killed when the test ends.
    let script = format!(
        "{}; s=$?; stty -a > '{status}.stty'; echo $s > '{status}'; sleep 60",
        quoted.join(" "),
        status = tmux.status.display()
    );
    let (columns, rows) = (size.0.to_string(), size.1.to_string());
    let mut command = vec![
        "new-session",
        "-d",
        "-s",
        "app",
        "-x",
        &columns,
        "-y",
        &rows,
    ];
    command.extend([
        "env",
        "TERM=xterm-256color",
        "LANG=C.UTF-8",
        "LC_ALL=C.UTF-8",
        // The tester's own settings file stays out of it.
        "XDG_CONFIG_HOME=/nonexistent/layerlab-tests",
    ]);
    command.extend(env);
    command.extend(["sh", "-c", &script]);
    let started = tmux.run(&command);
    assert!(
        started.status.success(),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );
    tmux
}

impl Tmux {
    /// Waits for layerlab to exit, then checks its status and the screen.
    fn wait_until_quit(&self) {
        self.wait_until_exit(0);
    }

    /// Waits for layerlab to exit with `code`, then checks that the terminal
    /// is as it was: the main screen, the cursor shown, line editing and
    /// echo on.
    fn wait_until_exit(&self, code: i32) {
        let start = Instant::now();
        let status = loop {
            if let Ok(text) = std::fs::read_to_string(&self.status)
                && text.ends_with('\n')
            {
                break text;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "layerlab did not quit:\n{}",
                self.screen(false)
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        assert_eq!(status.trim(), code.to_string(), "exit status");
        assert_eq!(
            self.pane("#{alternate_on}"),
            "0",
            "the terminal is back from the alternate screen"
        );
        assert_eq!(self.pane("#{cursor_flag}"), "1", "the cursor is shown");
        let stty = std::fs::read_to_string(format!("{}.stty", self.status.display()))
            .expect("the shell recorded stty");
        let flags: Vec<&str> = stty.split_whitespace().collect();
        for flag in ["icanon", "echo", "isig", "icrnl", "opost"] {
            assert!(
                flags.contains(&flag),
                "stty has {flag}: raw mode is off\n{stty}"
            );
        }
    }

    /// The process id of layerlab, the child of the pane's shell.
    fn layerlab_pid(&self) -> String {
        let shell = self.pane("#{pane_pid}");
        let children = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children"))
            .expect("the shell's children");
        children
            .split_whitespace()
            .next()
            .expect("layerlab runs")
            .to_string()
    }
}

#[test]
#[cfg_attr(
    not(tmux),
    ignore = "tmux is not installed (apt-get install tmux); .ci/run installs it"
)]
fn lenet_in_a_real_terminal_padding_stride_and_quit() {
    let tmux = start("lenet", &[]);
    tmux.wait_for("Total params: 44,426");
    tmux.keys("P");
    tmux.wait_for("Total params: 107,786");
    tmux.keys("P");
    tmux.wait_for("Total params: 44,426");
    tmux.keys("S");
    tmux.wait_for("✗ input 1×1 is smaller than the 2×2");

    let coloured = tmux.screen(true);
    let row = coloured
        .lines()
        .find(|l| l.contains("4  maxpool"))
        .unwrap_or_else(|| panic!("no row 4 in\n{coloured}"));
    assert!(
        row.contains("\x1b[38;5;1m") || row.contains("\x1b[31m"),
        "the broken row is red: {row:?}"
    );

    // Unsaved changes: q asks, n stays, q then y quits.
    tmux.keys("q");
    tmux.wait_for("Quit and lose what is not saved?");
    tmux.keys("n");
    tmux.wait_without("Quit and lose what is not saved?");
    assert!(
        tmux.screen(false).contains("Total params: —"),
        "n stays, changes kept"
    );
    tmux.keys("q");
    tmux.wait_for("Quit and lose what is not saved?");
    tmux.keys("y");
    tmux.wait_until_quit();
}

#[test]
#[cfg_attr(
    not(tmux),
    ignore = "tmux is not installed (apt-get install tmux); .ci/run installs it"
)]
fn a_new_file_is_built_saved_and_read_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mine.toml");
    let tmux = start("save", &[path.to_str().unwrap()]);
    tmux.wait_for("Total params: 0");
    tmux.keys("a");
    tmux.wait_for("Add a layer at the top");
    tmux.keys("Enter"); // conv2d, the first in the list
    let screen = tmux.wait_for("Total params: 160");
    assert!(screen.contains("conv 3×3 ×16"), "{screen}");
    assert!(
        screen.contains("mine.toml*"),
        "unsaved changes are marked:\n{screen}"
    );
    tmux.keys("C-s");
    tmux.wait_for("Saved to");
    tmux.keys("q"); // nothing unsaved: no question
    tmux.wait_until_quit();
    let saved = layerlab::file::load(&path).expect("the saved file reads back");
    assert_eq!(saved.layers.len(), 1);
    assert_eq!(saved.layers[0].filters.get(), 16);
    assert_eq!(saved.name, "mine");
}

#[test]
#[cfg_attr(
    not(tmux),
    ignore = "tmux is not installed (apt-get install tmux); .ci/run installs it"
)]
fn summary_is_coloured_in_a_terminal_and_plain_with_no_color() {
    let tmux = start("summary", &["summary", "--preset", "lenet-stride2"]);
    tmux.wait_until_quit();
    let coloured = tmux.screen(true);
    let row = coloured
        .lines()
        .find(|l| l.contains("4  maxpool"))
        .expect("row 4");
    assert!(
        row.contains("\x1b[31m"),
        "the broken row is red in a terminal: {row:?}"
    );
    assert!(row.contains("✗ input 1×1 is smaller than the 2×2 pooling window"));

    let tmux = start_with(
        "nocolor",
        &["NO_COLOR=1"],
        &["summary", "--preset", "lenet-stride2"],
    );
    tmux.wait_until_quit();
    let row = tmux
        .screen(true)
        .lines()
        .find(|l| l.contains("4  maxpool"))
        .expect("row 4")
        .to_string();
    assert!(
        !row.contains("\x1b[31m"),
        "NO_COLOR: no colour, the ✗ mark stays: {row:?}"
    );
    assert!(row.contains("✗ input 1×1"));
}

#[test]
#[cfg_attr(
    not(tmux),
    ignore = "tmux is not installed (apt-get install tmux); .ci/run installs it"
)]
fn no_color_gives_the_explorer_its_mono_theme() {
    let tmux = start_with("mono", &["NO_COLOR=1"], &["--preset", "lenet-stride2"]);
    tmux.wait_for("Total params: —");
    let screen = tmux.screen(true);
    let row = screen
        .lines()
        .find(|l| l.contains("4  maxpool"))
        .expect("row 4");
    assert!(row.contains('✗'), "the mark carries the meaning: {row:?}");
    assert!(row.contains("\x1b[1m"), "and bold: {row:?}");
    for colour in ["\x1b[38;5;", "\x1b[31m", "\x1b[33m", "\x1b[32m", "\x1b[36m"] {
        assert!(
            !screen.contains(colour),
            "no colour {colour:?} on the screen"
        );
    }
    tmux.keys("C-c");
    tmux.wait_until_quit();
}

#[test]
#[cfg_attr(
    not(tmux),
    ignore = "tmux is not installed (apt-get install tmux); .ci/run installs it"
)]
fn sigterm_restores_the_terminal() {
    for (signal, number) in [("TERM", 15), ("HUP", 1), ("QUIT", 3), ("INT", 2)] {
        let tmux = start(&format!("sig{signal}"), &[]);
        tmux.wait_for("Total params: 44,426");
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), &tmux.layerlab_pid()])
            .status()
            .expect("kill runs");
        assert!(killed.success());
        tmux.wait_until_exit(128 + number);
    }
}

#[test]
#[cfg_attr(
    not(tmux),
    ignore = "tmux is not installed (apt-get install tmux); .ci/run installs it"
)]
fn esc_on_the_table_does_not_quit() {
    let tmux = start("esc", &[]);
    tmux.wait_for("Total params: 44,426");
    tmux.keys("Escape");
    tmux.keys("Escape");
    tmux.keys("j");
    // The j after the Escapes is handled: layerlab is still there.
    tmux.wait_for("(5·5·1 + 1)·6 = 156");
    assert!(
        std::fs::metadata(&tmux.status).is_err(),
        "layerlab is still running"
    );
    assert_eq!(tmux.pane("#{alternate_on}"), "1");
    tmux.keys("q");
    tmux.wait_until_quit();
}

#[test]
#[cfg_attr(
    not(tmux),
    ignore = "tmux is not installed (apt-get install tmux); .ci/run installs it"
)]
fn a_long_paste_or_burst_followed_by_tab_is_handled_at_once() {
    let tmux = start("paste", &[]);
    tmux.wait_for("Total params: 44,426");
    tmux.keys("Enter"); // the input row's form; focus on the shape
    tmux.wait_for("› input C, H, W");
    // A 3,000-character paste (bracketed, as terminals send it) into the
    // shape field, then Tab: the focus moves to the budget at once.
    let long = "7".repeat(3000);
    tmux.run(&["set-buffer", "-b", "long", &long]);
    tmux.run(&["paste-buffer", "-p", "-b", "long", "-t", "app"]);
    tmux.keys("Tab");
    tmux.wait_for("› budget");
    assert!(
        tmux.screen(false).contains("must be C, H, W"),
        "3,000 sevens are no shape"
    );
    // The same as typed keys, not a paste: on to the name, round again.
    tmux.run(&["send-keys", "-t", "app", "-l", &"x".repeat(3000)]);
    tmux.keys("Tab");
    tmux.wait_for("› name");
    tmux.keys("Escape");
    tmux.wait_for("Edit cancelled");
    tmux.keys("q");
    tmux.wait_until_quit();
}

#[test]
#[cfg_attr(
    not(tmux),
    ignore = "tmux is not installed (apt-get install tmux); .ci/run installs it"
)]
fn saving_through_a_symlink_keeps_the_link_the_mode_and_the_comments() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let real = dir.path().join("real.toml");
    let original = format!(
        "# My LeNet: keep this comment.\n{}",
        layerlab::presets::PRESETS[1].source
    );
    std::fs::write(&real, &original).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    let link = dir.path().join("net.toml");
    std::os::unix::fs::symlink(&real, &link).unwrap();

    let tmux = start("symlink", &[link.to_str().unwrap()]);
    tmux.wait_for("Total params: 44,426");
    tmux.keys("P");
    tmux.wait_for("Total params: 107,786");
    tmux.keys("C-s");
    tmux.wait_for("Saved to");
    tmux.keys("q");
    tmux.wait_until_quit();

    let meta = std::fs::symlink_metadata(&link).unwrap();
    assert!(meta.file_type().is_symlink(), "the link is still a link");
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the mode is kept");
    let saved = std::fs::read_to_string(&real).unwrap();
    assert!(
        saved.starts_with("# My LeNet: keep this comment.\n"),
        "{saved}"
    );
    // The preset's own comments survive too, and the change is there.
    for line in original.lines().filter(|l| l.trim_start().starts_with('#')) {
        assert!(saved.contains(line), "{line:?} kept in\n{saved}");
    }
    let net = layerlab::file::load(&real).unwrap();
    assert_eq!(layerlab::engine::analyze(&net).totals.params, Some(107_786));
}

#[test]
#[cfg_attr(
    not(tmux),
    ignore = "tmux is not installed (apt-get install tmux); .ci/run installs it"
)]
fn resnet18_is_a_tree_and_a_residual_wrap_breaks_lenet_until_undone() {
    let tmux = start("resnet", &["--preset", "resnet18"]);
    tmux.wait_for("Total params: 11,689,512");
    // Big presets open folded; l (or →) unfolds the selected container:
    // row 8 is the block layer4, and its first add below it.
    tmux.keys("Home");
    for _ in 0..8 {
        tmux.keys("j");
    }
    tmux.wait_for("Layer 8 · block layer4");
    tmux.keys("l");
    tmux.wait_for("└ add (2 branches) relu");
    tmux.keys("j");
    tmux.keys("Right");
    let screen = tmux.wait_for("│ ├ branch 1");
    assert!(screen.contains("├ add (2 branches) relu"), "{screen}");
    assert!(
        screen.contains("│ │ ├ conv 3×3 ×512 s2 p1 no-bias"),
        "{screen}"
    );
    tmux.keys("q");
    tmux.wait_until_quit();

    let tmux = start("wrap", &[]);
    tmux.wait_for("Total params: 44,426");
    for key in ["Home", "j", "j", "j", "r"] {
        tmux.keys(key);
    }
    tmux.wait_for("add: branch 1 gives 8×8×16, branch 2 gives 12×12×6");
    let coloured = tmux.screen(true);
    let row = coloured
        .lines()
        .find(|l| l.contains("3  add (2 branches)"))
        .unwrap_or_else(|| panic!("no add row in\n{coloured}"));
    assert!(row.contains('✗'), "{row:?}");
    assert!(
        row.contains("\x1b[38;5;1m") || row.contains("\x1b[31m"),
        "the broken merge is red: {row:?}"
    );
    tmux.keys("u");
    tmux.wait_for("Total params: 44,426");
    tmux.keys("q");
    tmux.wait_until_quit();
}

#[test]
#[cfg_attr(
    not(tmux),
    ignore = "tmux is not installed (apt-get install tmux); .ci/run installs it"
)]
fn v_pictures_the_first_convolution_and_l_moves_its_window() {
    let tmux = start("picture", &[]);
    tmux.wait_for("Total params: 44,426");
    tmux.keys("j");
    tmux.keys("v");
    tmux.wait_for("output [0, 0] ← input rows 0–4, columns 0–4");
    tmux.keys("l");
    tmux.wait_for("output [0, 1] ← input rows 0–4, columns 1–5");
    // v again closes the picture (an Escape right before a key could reach
    // layerlab as Alt and that key).
    tmux.keys("v");
    tmux.wait_without("output [0, 1]");
    tmux.keys("q");
    tmux.wait_until_quit();
}

#[test]
#[cfg_attr(
    not(tmux),
    ignore = "tmux is not installed (apt-get install tmux); .ci/run installs it"
)]
fn gpt2_in_a_real_terminal_the_length_moves_macs_and_not_params() {
    let tmux = start("gpt2", &["--preset", "gpt2"]);
    let screen = tmux.wait_for("Total params: 124,439,808");
    assert!(screen.contains("MACs 145,824,153,600"), "{screen}");
    // [ drops a token: 1,023 positions, the same weights, fewer MACs.
    tmux.keys("[");
    let screen = tmux.wait_for("input 1023");
    assert!(screen.contains("Total params: 124,439,808"), "{screen}");
    assert!(!screen.contains("MACs 145,824,153,600"), "{screen}");
    // ] twice goes past the 1,024 positions GPT-2 learned: a red row.
    tmux.keys("]");
    tmux.wait_for("input 1024");
    tmux.keys("]");
    tmux.wait_for("Total params: —");
    let coloured = tmux.screen(true);
    let row = coloured
        .lines()
        .find(|l| l.contains("2  pos_embedding"))
        .unwrap_or_else(|| panic!("no positions row in\n{coloured}"));
    assert!(
        row.contains("\x1b[38;5;1m") || row.contains("\x1b[31m"),
        "the positions row is red: {row:?}"
    );
    tmux.keys("u");
    tmux.wait_for("Total params: 124,439,808");
    tmux.keys("q");
    tmux.wait_for("Quit and lose what is not saved?");
    tmux.keys("y");
    tmux.wait_until_quit();
}

#[test]
#[cfg_attr(
    not(tmux),
    ignore = "tmux is not installed (apt-get install tmux); .ci/run installs it"
)]
fn search_go_to_and_copy_as_a_terminal_user_reaches_for_them() {
    let tmux = start("habits", &["--preset", "vgg16"]);
    tmux.wait_for("Total params: 138,357,544");
    // /dense, Enter, then n: two different dense layers.
    tmux.keys("/dense");
    tmux.wait_for("/dense");
    tmux.keys("Enter");
    let first = tmux.wait_for("match 1 of 3");
    assert!(first.contains("Layer 20 · dense 4096 relu"), "{first}");
    tmux.keys("n");
    let second = tmux.wait_for("match 2 of 3");
    assert!(second.contains("Layer 22 · dense 4096 relu"), "{second}");
    // :14 Enter selects layer 14.
    tmux.keys(":14");
    tmux.wait_for(":14");
    tmux.keys("Enter");
    tmux.wait_for("Layer 14 · maxpool 2×2 s2 p0");
    // y puts the table in tmux's paste buffer (OSC 52).
    tmux.run(&["set-option", "-s", "set-clipboard", "on"]);
    tmux.keys("y");
    tmux.wait_for("copied the table (26 rows, Markdown) to the clipboard");
    let start = Instant::now();
    let buffer = loop {
        let out = tmux.run(&["show-buffer"]);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if text.contains("| 1 | conv 3×3 ×64 s1 p1 relu |") || start.elapsed() > PATIENCE {
            break text;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        buffer.contains("| 1 | conv 3×3 ×64 s1 p1 relu | 224×224×64 | 1,792 |"),
        "the paste buffer: {buffer:?}"
    );
    assert!(buffer.contains("Total params: 138,357,544"), "{buffer}");
    tmux.keys("q");
    tmux.wait_until_quit();
}

#[test]
#[cfg_attr(
    not(tmux),
    ignore = "tmux is not installed (apt-get install tmux); .ci/run installs it"
)]
fn at_80x24_e_finds_the_broken_layer_and_its_whole_reason() {
    let tmux = start_sized("narrow", (80, 24), &[], &["--preset", "lenet-stride2"]);
    tmux.wait_for("Total params: —");
    tmux.keys("e");
    let screen = tmux.wait_for("Layer 4 · maxpool 2×2 s2 p0");
    assert!(
        screen.contains("input 1×1 is smaller than the 2×2 pooling window"),
        "{screen}"
    );
    for label in ["conv 5×5 ×16 s2 p0 relu", "dense 120 relu", "softmax"] {
        assert!(screen.contains(label), "{label} is whole:\n{screen}");
    }
    tmux.keys("q");
    tmux.wait_until_quit();
}

#[test]
#[cfg_attr(
    not(tmux),
    ignore = "tmux is not installed (apt-get install tmux); .ci/run installs it"
)]
fn ascii_mode_shows_only_ascii_and_a_settings_file_sets_the_language() {
    let tmux = start("ascii", &["--ascii", "--preset", "lenet-stride2"]);
    tmux.wait_for("Total params: -");
    tmux.keys("e");
    let screen = tmux.wait_for("X input 1x1 is smaller than the 2x2 pooling window");
    let odd: Vec<char> = screen.chars().filter(|c| !c.is_ascii()).collect();
    assert!(odd.is_empty(), "not ASCII: {odd:?}\n{screen}");
    tmux.keys("q");
    tmux.wait_until_quit();

    // A locale that is not UTF-8 asks for it too.
    let latin = start_with(
        "latin1",
        &["LANG=en_US.ISO-8859-1", "LC_ALL=en_US.ISO-8859-1"],
        &[],
    );
    latin.wait_for("28x28x1");
    latin.keys("q");
    latin.wait_until_quit();

    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("layerlab")).unwrap();
    std::fs::write(
        dir.path().join("layerlab/config.toml"),
        "# mine\nlang = \"ru\"\ntheme = \"light\"\n",
    )
    .unwrap();
    let home = format!("XDG_CONFIG_HOME={}", dir.path().display());
    let ru = start_with("config", &[&home], &[]);
    ru.wait_for("Всего параметров: 44 426");
    ru.keys("q");
    ru.wait_until_quit();

    // A wrong one is an error naming its line, and nothing starts.
    std::fs::write(
        dir.path().join("layerlab/config.toml"),
        "theme = \"blue\"\n",
    )
    .unwrap();
    let wrong = start_with("badconfig", &[&home], &[]);
    wrong.wait_for("config.toml:1: theme must be one of dark, light, mono, not “blue”");
    wrong.wait_until_exit(2);
}

#[test]
#[cfg_attr(
    not(tmux),
    ignore = "tmux is not installed (apt-get install tmux); .ci/run installs it"
)]
fn ctrl_z_gives_the_terminal_back_and_continuing_redraws_it() {
    let tmux = start("suspend", &[]);
    tmux.wait_for("Total params: 44,426");
    tmux.keys("P");
    tmux.wait_for("Total params: 107,786");
    let pid = tmux.layerlab_pid();
    tmux.keys("C-z");
    // Stopped: the shell's screen is back, line editing on.
    let start = Instant::now();
    while tmux.pane("#{alternate_on}") != "0" {
        assert!(start.elapsed() < PATIENCE, "still on the alternate screen");
        std::thread::sleep(Duration::from_millis(50));
    }
    let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("stat");
    assert!(
        state.split_whitespace().nth(2) == Some("T"),
        "stopped: {state}"
    );
    // What `fg` sends: the same network, redrawn whole, changes kept.
    Command::new("kill")
        .args(["-CONT", &pid])
        .status()
        .expect("kill");
    tmux.wait_for("Total params: 107,786");
    assert_eq!(tmux.pane("#{alternate_on}"), "1");
    tmux.keys("u");
    tmux.wait_for("Total params: 44,426");
    tmux.keys("q");
    tmux.wait_until_quit();
}

#[test]
#[cfg_attr(
    not(tmux),
    ignore = "tmux is not installed (apt-get install tmux); .ci/run installs it"
)]
fn a_pytorch_printout_opens_after_its_input_shape_is_given_or_at_once_with_input() {
    let printout = format!(
        "{}/tests/fixtures/import/torch_resnet18.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let tmux = start("import", &[&printout]);
    tmux.wait_for("the file does not say its input");
    tmux.keys("3,224,224");
    tmux.keys("Enter");
    let screen = tmux.wait_for("Total params: 11,689,512");
    assert!(screen.contains("add (2 branches) relu"), "{screen}");
    assert!(
        screen.contains("not saved"),
        "the printout is not written over: {screen}"
    );
    tmux.keys("q");
    tmux.wait_until_quit();
    // With --input it opens at once.
    let tmux = start("import-input", &[&printout, "--input", "3,224,224"]);
    let screen = tmux.wait_for("Total params: 11,689,512");
    assert!(!screen.contains("does not say its input"), "{screen}");
    assert!(screen.contains("not saved"), "{screen}");
    tmux.keys("q");
    tmux.wait_until_quit();
}

#[test]
#[cfg_attr(
    not(tmux),
    ignore = "tmux is not installed (apt-get install tmux); .ci/run installs it"
)]
fn llamas_block_unfolds_in_a_real_terminal_and_efficientnet_strides_its_depthwise_convs() {
    let tmux = start_sized("llama", (140, 40), &[], &["--preset", "llama3-8b"]);
    tmux.wait_for("Total params: 8,030,261,248");
    // Down to the block of 32 layers, unfold it and its attention add.
    tmux.keys("Home");
    for k in ["j", "j", "l", "j", "l"] {
        tmux.keys(k);
    }
    let screen = tmux.wait_for("attention 32h kv8 causal rope no-bias");
    assert!(screen.contains("block layers ×32"), "{screen}");
    tmux.keys("q");
    tmux.wait_until_quit();

    let tmux = start_sized("effnet", (140, 40), &[], &["--preset", "efficientnet_b0"]);
    tmux.wait_for("Total params: 5,288,548");
    for k in ["Home", "j", "j", "j", "j", "l", "j"] {
        tmux.keys(k);
    }
    tmux.wait_for("conv 3×3 ×32 s1 p1 g32 no-bias");
    tmux.keys("+");
    tmux.wait_for("conv 4×4 ×32 s1 p1 g32 no-bias");
    // S: every convolution steps its stride, the depthwise one shown too.
    tmux.keys("S");
    // (The stem's stride 2 steps to 3, and every convolution follows.)
    tmux.wait_for("conv 4×4 ×32 s3 p1 g32 no-bias");
    tmux.keys("q");
    // Unsaved changes: the question, then quit without saving.
    tmux.wait_for("Quit and lose what is not saved?");
    tmux.keys("y");
    tmux.wait_until_quit();
}

#[test]
#[cfg_attr(
    not(tmux),
    ignore = "tmux is not installed (apt-get install tmux); .ci/run installs it"
)]
fn f_on_gpt2_and_on_a_unet_offers_what_their_messages_suggest() {
    let tmux = start("fixes-gpt2", &["--preset", "gpt2"]);
    tmux.wait_for("Total params: 124,439,808");
    tmux.keys("]");
    tmux.wait_for("input 1025 (works at 1024)");
    tmux.keys("e");
    tmux.keys("f");
    let screen = tmux.wait_for("Fixes for layer 2");
    for offer in [
        "set max_len of layer 2 to 1,025",
        "input 1024, the nearest size that works",
    ] {
        assert!(screen.contains(offer), "{offer}:\n{screen}");
    }
    tmux.keys("q");
    tmux.keys("q");
    tmux.keys("y");
    tmux.wait_until_quit();

    let tmux = start("fixes-unet", &["--preset", "unet"]);
    tmux.wait_for("Total params: 482,466");
    tmux.keys("]");
    tmux.wait_for("(works at 64×64, 72×72)");
    tmux.keys("f");
    let screen = tmux.wait_for("Fixes for the input");
    assert!(
        screen.contains("input 72×72×1, the nearest size that works"),
        "{screen}"
    );
    tmux.keys("Enter");
    tmux.wait_for("Total params: 482,466");
    tmux.wait_for("input 64×64×1");
    tmux.keys("q");
    tmux.keys("y");
    tmux.wait_until_quit();
}

#[test]
#[cfg_attr(
    not(tmux),
    ignore = "tmux is not installed (apt-get install tmux); .ci/run installs it"
)]
fn at_80x24_a_long_message_is_read_in_full_and_esc_then_a_key_is_both() {
    let tmux = start_sized("long-message", (80, 24), &[], &[]);
    tmux.wait_for("Total params: 44,426");
    // Save as, to a path in a folder that is not there.
    let folder = "a-folder-with-a-very-long-name-".repeat(4);
    tmux.keys("W");
    tmux.wait_for("Save as");
    tmux.run(&["send-keys", "-t", "app", "C-u"]);
    tmux.run(&[
        "send-keys",
        "-t",
        "app",
        "-l",
        &format!("/nowhere/{folder}/net.toml"),
    ]);
    tmux.keys("Enter");
    let screen = tmux.wait_for("Nothing on disk was changed.");
    let joined: String = screen.split_whitespace().collect();
    assert!(joined.contains(&folder), "the whole path:\n{screen}");
    // M reads it again; Esc and j sent at once (tmux passes them as Alt+j)
    // close it and move down.
    tmux.keys("M");
    tmux.wait_for("Messages (1)");
    tmux.run(&["send-keys", "-t", "app", "Escape", "j"]);
    tmux.wait_for("Layer 1 · conv 5×5 ×6 s1 p0 relu");
    tmux.wait_without("Messages (1)");
    tmux.keys("q");
    tmux.wait_until_quit();
}

#[test]
#[cfg_attr(
    not(tmux),
    ignore = "tmux is not installed (apt-get install tmux); .ci/run installs it"
)]
fn y_says_so_when_tmux_drops_the_copy() {
    let tmux = start("clipboard-off", &[]);
    tmux.wait_for("Total params: 44,426");
    tmux.run(&["set-option", "-s", "set-clipboard", "off"]);
    tmux.keys("y");
    tmux.wait_for("not copied: tmux's set-clipboard is off");
    tmux.run(&["set-option", "-s", "set-clipboard", "on"]);
    tmux.keys("y");
    tmux.wait_for("copied the table (10 rows, Markdown) to the clipboard");
    tmux.keys("q");
    tmux.wait_until_quit();
}

#[test]
#[cfg_attr(
    not(tmux),
    ignore = "tmux is not installed (apt-get install tmux); .ci/run installs it"
)]
fn g_draws_resnet18_as_a_graph_that_follows_the_selection_and_unfolds() {
    let tmux = start("graph", &["--preset", "resnet18"]);
    tmux.wait_for("Total params: 11,689,512");
    tmux.keys("g");
    let screen = tmux.wait_for("┌ input ");
    assert!(screen.contains("112×112×64 · 9,408"), "{screen}");
    assert!(!screen.contains("receptive field"), "{screen}");
    // Down to layer1 and open it: a frame, and the residual add in it.
    for _ in 0..5 {
        tmux.keys("j");
    }
    tmux.wait_for("Layer 5 · block layer1");
    tmux.keys("l");
    tmux.keys("j");
    tmux.keys("l");
    let screen = tmux.wait_for("┌ add (2 branches) relu ");
    // The block's frame, which the flow crosses on its way out.
    assert!(
        screen
            .lines()
            .any(|l| l.trim_start().starts_with('└') && l.contains('┼')),
        "{screen}"
    );
    // The body's first conv, selected, lights up (reverse video).
    tmux.keys("j");
    tmux.keys("j");
    tmux.wait_for("Layer 5.1.1.1");
    let coloured = tmux.screen(true);
    let lit = coloured
        .lines()
        .find(|l| l.contains("56×56×64 · 36,864"))
        .unwrap_or_else(|| panic!("the conv's box is not on\n{coloured}"));
    assert!(lit.contains("\x1b[7m"), "{lit:?}");
    // Back to the table.
    tmux.keys("g");
    tmux.wait_for("receptive field");
    tmux.keys("q");
    tmux.wait_until_quit();
}
