//! The interactive explorer. This file is the only one that touches the
//! terminal (and, for saving and opening, the file system): it draws the
//! `App`, reads events, and carries out the `Effect`s that `App` returns.

pub mod app;
pub mod document;
pub mod find;
pub mod form;
pub mod history;
pub mod keys;
pub mod modes;
pub mod popup;
pub mod quiz;
pub mod theme;
pub mod tree;
pub mod view;
pub mod visual;
pub mod whatif;

use crate::file;
use crate::network::Network;
use anyhow::Context;
use app::{App, Effect, Session};
use crossterm::cursor::Show;
use crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use document::Document;
use ratatui::DefaultTerminal;
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGSTOP, SIGTERM, SIGTSTP};
use signal_hook::iterator::Signals;
use std::io::{IsTerminal, stdout};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Runs the explorer until the user quits. The terminal is restored on every
/// way out: quitting, an error, a panic, and the signals that end a program
/// (SIGTERM, SIGHUP when the terminal window closes, SIGQUIT, SIGINT), after
/// which layerlab exits with 128 + the signal's number, as shells expect.
pub fn run(
    net: Network,
    source: Option<file::Source>,
    path: Option<PathBuf>,
    preset: Option<String>,
    session: Session,
    import_input: Option<crate::network::Shape>,
) -> anyhow::Result<ExitCode> {
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        anyhow::bail!(t!("tui-the-explorer-needs-a-terminal"));
    }
    // Registered before the terminal changes, so no signal can find it
    // half set up with nobody to restore it.
    let mut signals = Signals::new([SIGTERM, SIGHUP, SIGQUIT, SIGINT, SIGTSTP])
        .context("cannot watch for signals")?;
    watchdog()?;
    let mut terminal = enter().context(t!("tui-cannot-set-up-the-terminal"))?;
    // ratatui's hook restores the screen on a panic; mouse capture and
    // bracketed paste are ours to undo first.
    let restore_screen = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(stdout(), DisableMouseCapture, DisableBracketedPaste);
        restore_screen(info);
    }));
    // A model to import opens (or asks for its input shape, unless
    // `import_input` gives it) at once; the file itself is never written
    // over.
    let import = path
        .as_deref()
        .and_then(|p| importable(p).map(|t| (p.to_path_buf(), t)));
    let (path, net) = match &import {
        Some((p, _)) => {
            let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned());
            (None, Network::empty(stem.as_deref().unwrap_or("imported")))
        }
        None => (path, net),
    };
    let on_disk = path.as_deref().and_then(file::stamp);
    let doc = Document::new(net, path, preset).read(source, on_disk);
    let mut app = App::with(doc, session);
    // The terminal's size, as a resize would say it, for the page keys.
    if let Ok(size) = terminal.size() {
        app.handle_event(&event::Event::Resize(size.width, size.height));
    }
    // `--input` says what a printout does not: no need to ask.
    if let Some((p, text)) = import {
        crate::lang::scoped(app.session.lang, || match import_input {
            Some(shape) => app.import_with(&p, &text, Some(shape)),
            None => app.import_text(p, text),
        });
    }
    let result = event_loop(&mut terminal, app, &mut signals);
    leave();
    match result? {
        Some(signal) => Ok(ExitCode::from(u8::try_from(128 + signal).unwrap_or(1))),
        None => Ok(ExitCode::SUCCESS),
    }
}

/// The event loop notices SIGTERM and SIGHUP between events; while it is
/// busy (a huge paste, a slow import) a closed terminal would leave it
/// running. This thread gives it a second, then restores the terminal and
/// ends the program itself, with 128 + the signal's number.
fn watchdog() -> anyhow::Result<()> {
    let mut ending = Signals::new([SIGTERM, SIGHUP]).context("cannot watch for signals")?;
    std::thread::spawn(move || {
        if let Some(signal) = ending.forever().next() {
            std::thread::sleep(Duration::from_secs(1));
            leave();
            std::process::exit(128 + signal);
        }
    });
    Ok(())
}

/// Raw mode, the alternate screen, mouse capture and bracketed paste.
fn enter() -> std::io::Result<DefaultTerminal> {
    let terminal = ratatui::try_init()?;
    execute!(stdout(), EnableMouseCapture, EnableBracketedPaste)?;
    Ok(terminal)
}

/// The terminal as layerlab found it, with the cursor shown.
fn leave() {
    let _ = execute!(stdout(), DisableMouseCapture, DisableBracketedPaste, Show);
    ratatui::restore();
}

#[allow(clippy::collapsible_match)] // the guard would have to move the effect
/// Draws, reads events and carries out effects until the user quits
/// (`None`) or a signal ends the program (`Some(signal)`).
fn event_loop(
    terminal: &mut DefaultTerminal,
    mut app: App,
    signals: &mut Signals,
) -> anyhow::Result<Option<i32>> {
    let mut draw = true;
    loop {
        for signal in signals.pending() {
            if signal == SIGTSTP {
                suspend(terminal)?;
                draw = true;
            } else {
                return Ok(Some(signal));
            }
        }
        if draw {
            terminal.draw(|frame| frame.render_widget(&app, frame.area()))?;
        }
        // Wake up now and then to notice signals; draw only after events.
        draw = event::poll(SIGNAL_CHECK).context("cannot read from the terminal")?;
        if !draw {
            // A playing picture steps on by itself.
            draw = app.tick();
            continue;
        }
        // Every event already waiting is handled before the next frame: a
        // burst of keys (a paste the terminal types out, a held key) is
        // drawn once, not once a key. Signals are looked at between frames.
        let start = std::time::Instant::now();
        app.begin_batch();
        loop {
            let event = event::read().context("cannot read from the terminal")?;
            match app.handle_event(&event) {
                Some(Effect::Suspend) => suspend(terminal)?,
                Some(effect) => {
                    if perform(&mut app, effect).is_break() {
                        return Ok(None);
                    }
                }
                None => {}
            }
            let more = start.elapsed() < BATCH
                && event::poll(Duration::ZERO).context("cannot read from the terminal")?;
            if !more {
                break;
            }
        }
        app.end_batch();
    }
}

/// How long a burst of waiting events may be handled before a frame is
/// drawn anyway, so that a long one still shows progress.
const BATCH: Duration = Duration::from_millis(100);

/// How long the loop waits for an event before it looks for signals.
const SIGNAL_CHECK: Duration = Duration::from_millis(50);

/// Ctrl+z, or SIGTSTP from outside: give the terminal back, stop until `fg`,
/// then take it again and redraw everything.
fn suspend(terminal: &mut DefaultTerminal) -> anyhow::Result<()> {
    leave();
    // SIGTSTP is ours now, so stop with SIGSTOP, which cannot be caught.
    signal_hook::low_level::raise(SIGSTOP).context("cannot suspend")?;
    *terminal = enter().context("cannot set up the terminal again")?;
    terminal.clear()?;
    Ok(())
}

/// The text at `path` when it is a model to import (a PyTorch printout or
/// a Keras JSON or `.keras`), not an architecture file.
pub fn importable(path: &std::path::Path) -> Option<String> {
    let text = file::read_model(path).ok()?;
    crate::import::Format::of(&text).map(|_| text)
}

/// Puts `text` on the terminal's clipboard with OSC 52. tmux (with
/// `set-clipboard on`) keeps it as a paste buffer and passes it on; over SSH
/// it reaches the local terminal, which is the point.
fn copy(text: &str) -> std::io::Result<()> {
    use base64::Engine;
    use std::io::Write;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = stdout().lock();
    write!(out, "\x1b]52;c;{encoded}\x07")?;
    out.flush()
}

/// Inside tmux, whether it drops what OSC 52 copies: only with
/// `set-clipboard on` does tmux take an application's copy (`external`, its
/// default, and `off` ignore it), and no terminal confirms one. The setting
/// when it drops it; `None` outside tmux or when it takes it.
fn tmux_keeps_the_copy() -> Option<String> {
    std::env::var_os("TMUX")?;
    let out = std::process::Command::new("tmux")
        .args(["show-options", "-sv", "set-clipboard"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let setting = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && setting != "on").then_some(setting)
}

/// Carries out what `App::update` asked of the world (the file system, or
/// quitting) and reports back to the app. A write that would replace a file
/// the user has not agreed to replace comes back as a question instead.
pub fn perform(app: &mut App, effect: Effect) -> ControlFlow<()> {
    // What it reports, it says in the session's language.
    crate::lang::scoped(app.session.lang, || carry_out(app, effect))
}

fn carry_out(app: &mut App, effect: Effect) -> ControlFlow<()> {
    match effect {
        Effect::Quit => return ControlFlow::Break(()),
        // Only the loop can give the terminal away; nothing to do elsewhere.
        Effect::Suspend => {}
        Effect::Save { path, overwrite } => {
            let conflict = (!overwrite)
                .then(|| app.write_conflict(&path, file::stamp(&path)))
                .flatten();
            if let Some(why) = conflict {
                let effect = Effect::Save {
                    path,
                    overwrite: true,
                };
                app.confirm_overwrite(effect, why);
            } else {
                let result = file::save(app.doc().net(), app.doc().source(), &path);
                let now = file::stamp(&path);
                // Save and quit (or open): what waited goes on.
                if let Some(next) = app.saved(path, result, now) {
                    return carry_out(app, next);
                }
            }
        }
        Effect::Copy { text, what } => match (copy(&text), tmux_keeps_the_copy()) {
            (Ok(()), Some(setting)) => app.fail(t!("app-tmux-clipboard", setting = setting)),
            (result, _) => app.copied(what, result),
        },
        Effect::Complete(typed) => {
            let (text, names) = file::complete(&typed);
            app.completed(text, names);
        }
        Effect::ListFolder => app.listed(file::architectures_in(std::path::Path::new("."))),
        Effect::OpenFile(path) => match importable(&path) {
            Some(text) => app.import_text(path, text),
            None => {
                let now = file::stamp(&path);
                let result = file::load_source(&path);
                app.opened(path, result, now);
            }
        },
        Effect::Write {
            path,
            contents,
            overwrite,
        } => {
            if !overwrite && file::stamp(&path).is_some() {
                let why = t!(
                    "tui-already-exists-replace-it",
                    a1 = path.display().to_string()
                );
                let effect = Effect::Write {
                    path,
                    contents,
                    overwrite: true,
                };
                app.confirm_overwrite(effect, why);
            } else {
                let result = file::write_atomic(&path, contents.as_bytes());
                app.wrote(path, result);
            }
        }
    }
    ControlFlow::Continue(())
}
