//! End to end: the real `layerlab` binary in a real terminal (tmux), driven
//! by keys and read back with colours, as a person would use it.
//!
//! Needs `tmux`. `.ci/run` installs it; on a machine without it this test
//! says so and passes, except under CI, where it fails.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
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
                start.elapsed() < Duration::from_secs(10),
                "the screen never showed {text:?}:\n{screen}"
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

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn lenet_in_a_real_terminal_padding_stride_and_quit() {
    if !tmux_available() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install tmux for this test"
        );
        eprintln!("tmux is not installed: skipping the end-to-end test");
        return;
    }
    let tmux = Tmux {
        socket: format!("layerlab-test-{}", std::process::id()),
    };
    let bin = env!("CARGO_BIN_EXE_layerlab");
    let started = tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "app",
        "-x",
        "120",
        "-y",
        "36",
        "env",
        "TERM=xterm-256color",
        bin,
    ]);
    assert!(
        started.status.success(),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );
    tmux.run(&["set-option", "-t", "app", "remain-on-exit", "on"]);

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
    tmux.wait_for("Quit and lose the unsaved changes?");
    tmux.keys("n");
    tmux.wait_for("Total params: —");
    tmux.keys("q");
    tmux.wait_for("Quit and lose the unsaved changes?");
    tmux.keys("y");
    let start = Instant::now();
    while tmux.pane("#{pane_dead}") != "1" {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "layerlab did not quit"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(tmux.pane("#{pane_dead_status}"), "0", "exit status");
    assert_eq!(
        tmux.pane("#{alternate_on}"),
        "0",
        "the terminal is back from the alternate screen"
    );
}
