//! The interactive explorer. This file is the only one that touches the
//! terminal (and, for saving and opening, the file system): it draws the
//! `App`, reads events, and carries out the `Effect`s that `App` returns.

pub mod app;
pub mod form;
pub mod history;
pub mod keys;
mod modes;
pub mod quiz;
pub mod theme;
pub mod view;
pub mod whatif;

use crate::file;
use crate::lang::tr;
use crate::network::Network;
use anyhow::Context;
use app::{App, Effect};
use crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use ratatui::DefaultTerminal;
use std::io::{IsTerminal, stdout};
use std::ops::ControlFlow;
use std::path::PathBuf;

/// Runs the explorer until the user quits. The terminal is restored on every
/// way out, a panic included.
pub fn run(
    net: Network,
    path: Option<PathBuf>,
    preset: Option<String>,
    theme: &'static theme::Theme,
) -> anyhow::Result<()> {
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        anyhow::bail!(tr(
            "the explorer needs a terminal; for a table in a pipe or a script, use `layerlab summary`",
            "интерфейсу нужен терминал; для таблицы в конвейере или скрипте есть `layerlab summary`",
        ));
    }
    let mut terminal = ratatui::try_init().context(tr(
        "cannot set up the terminal",
        "не удалось настроить терминал",
    ))?;
    // ratatui's hook restores the screen on a panic; mouse capture and
    // bracketed paste are ours to undo first.
    let restore_screen = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(stdout(), DisableMouseCapture, DisableBracketedPaste);
        restore_screen(info);
    }));
    let result = execute!(stdout(), EnableMouseCapture, EnableBracketedPaste)
        .context("cannot set up the terminal")
        .and_then(|()| {
            let on_disk = path.as_deref().and_then(file::stamp);
            let mut app = App::new(net, path, preset);
            app.theme = theme;
            app.on_disk = on_disk;
            event_loop(&mut terminal, app)
        });
    let _ = execute!(stdout(), DisableMouseCapture, DisableBracketedPaste);
    ratatui::restore();
    result
}

fn event_loop(terminal: &mut DefaultTerminal, mut app: App) -> anyhow::Result<()> {
    loop {
        terminal.draw(|frame| frame.render_widget(&app, frame.area()))?;
        let event = event::read().context("cannot read from the terminal")?;
        if let Some(effect) = app.handle_event(&event)
            && perform(&mut app, effect).is_break()
        {
            return Ok(());
        }
    }
}

/// Carries out what `App::update` asked of the world (the file system, or
/// quitting) and reports back to the app. A write that would replace a file
/// the user has not agreed to replace comes back as a question instead.
pub fn perform(app: &mut App, effect: Effect) -> ControlFlow<()> {
    match effect {
        Effect::Quit => return ControlFlow::Break(()),
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
                let result = file::save(&app.net, &path);
                let now = file::stamp(&path);
                app.saved(path, result, now);
            }
        }
        Effect::OpenFile(path) => {
            let now = file::stamp(&path);
            let result = file::load(&path);
            app.opened(path, result, now);
        }
        Effect::Write {
            path,
            contents,
            overwrite,
        } => {
            if !overwrite && file::stamp(&path).is_some() {
                let why = tr(
                    format!("{} already exists. Replace it?", path.display()),
                    format!("{} уже есть. Заменить?", path.display()),
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
