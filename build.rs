//! Marks whether `tmux` is installed, so that the end-to-end tests in
//! `tests/tmux.rs` are reported as ignored, with the reason, where it is not.

use std::process::Command;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(tmux)");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-changed=build.rs");
    let tmux = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if tmux {
        println!("cargo::rustc-cfg=tmux");
    }
}
