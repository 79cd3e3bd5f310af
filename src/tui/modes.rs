//! Keys inside the explorer's popups: help, the lists (add, open, export,
//! fixes), the editing and answer forms, the path prompt and the
//! unsaved-changes question. The table's own keys go through `keys.rs`.

use super::app::{AfterDiscard, App, Effect, Mode, PathPurpose};
use super::keys;
use super::whatif::EXPORTS;
use crate::lang::tr;
use crate::layer::Kind;
use crate::presets::PRESETS;
use crossterm::event::{Event, KeyCode, KeyEvent};
use std::path::PathBuf;
use tui_input::Input;

impl App {
    /// A key pressed while `mode`'s popup is open. The mode has been taken
    /// out of `self`; each arm puts back what should stay open.
    pub(super) fn popup_key(
        &mut self,
        mode: Mode,
        key: &KeyEvent,
        event: &Event,
    ) -> Option<Effect> {
        match mode {
            Mode::Table => {}
            // ↑↓ scroll a help that does not fit; any other key closes it.
            Mode::Help { scroll } => match key.code {
                KeyCode::Down | KeyCode::Char('j') | KeyCode::PageDown => {
                    self.mode = Mode::Help {
                        scroll: (scroll + 1).min(keys::KEYS.len()),
                    };
                }
                KeyCode::Up | KeyCode::Char('k') | KeyCode::PageUp => {
                    self.mode = Mode::Help {
                        scroll: scroll.saturating_sub(1),
                    };
                }
                _ => {}
            },
            Mode::Add { choice } => match list_key(key, choice, Kind::ALL.len()) {
                ListKey::Move(choice) => self.mode = Mode::Add { choice },
                ListKey::Jump(c) => {
                    let choice = jump(choice, c, Kind::ALL.map(Kind::name).as_slice());
                    self.mode = Mode::Add { choice };
                }
                ListKey::Choose => self.add_layer(Kind::ALL[choice]),
                ListKey::Cancel => {}
            },
            Mode::Open { choice } => match list_key(key, choice, PRESETS.len() + 1) {
                ListKey::Move(choice) => self.mode = Mode::Open { choice },
                ListKey::Jump(c) => {
                    let names: Vec<&str> =
                        PRESETS.iter().map(|p| p.name).chain(["a file"]).collect();
                    self.mode = Mode::Open {
                        choice: jump(choice, c, &names),
                    };
                }
                ListKey::Choose if choice < PRESETS.len() => self.open_preset(PRESETS[choice].name),
                ListKey::Choose => {
                    self.mode = Mode::Path {
                        purpose: PathPurpose::OpenFile,
                        input: Input::default(),
                    };
                }
                ListKey::Cancel => {}
            },
            Mode::Edit(mut form) => match key.code {
                KeyCode::Esc => self.say(tr(
                    "Edit cancelled: nothing changed",
                    "Правка отменена: ничего не изменилось",
                )),
                KeyCode::Enter => match form.evaluate(&self.net) {
                    Ok(change) => self.commit(change),
                    Err(_) => {
                        form.check(&self.net);
                        self.fail(tr(
                            "Fix the fields in red first (Esc cancels)",
                            "Сначала исправьте красные поля (Esc — отмена)",
                        ));
                        self.mode = Mode::Edit(form);
                    }
                },
                KeyCode::Tab | KeyCode::Down => {
                    form.next();
                    self.mode = Mode::Edit(form);
                }
                KeyCode::BackTab | KeyCode::Up => {
                    form.previous();
                    self.mode = Mode::Edit(form);
                }
                _ => {
                    form.type_into(event, &self.net);
                    self.mode = Mode::Edit(form);
                }
            },
            Mode::Path { purpose, mut input } => match key.code {
                KeyCode::Esc => {}
                KeyCode::Enter if input.value().trim().is_empty() => {
                    self.fail(tr(
                        "Type a path first (Esc cancels)",
                        "Сначала введите путь (Esc — отмена)",
                    ));
                    self.mode = Mode::Path { purpose, input };
                }
                KeyCode::Enter => {
                    let path = PathBuf::from(input.value().trim());
                    return Some(match purpose {
                        PathPurpose::SaveAs => Effect::Save {
                            path,
                            overwrite: false,
                        },
                        PathPurpose::OpenFile => Effect::OpenFile(path),
                    });
                }
                _ => {
                    super::form::feed(&mut input, event);
                    self.mode = Mode::Path { purpose, input };
                }
            },
            Mode::Fix {
                layer,
                fixes,
                choice,
            } => match list_key(key, choice, fixes.len()) {
                ListKey::Move(choice) => {
                    self.mode = Mode::Fix {
                        layer,
                        fixes,
                        choice,
                    }
                }
                ListKey::Jump(_) => {
                    self.mode = Mode::Fix {
                        layer,
                        fixes,
                        choice,
                    }
                }
                ListKey::Choose => {
                    if let Some(fix) = fixes.into_iter().nth(choice) {
                        self.apply_fix(fix);
                    }
                }
                ListKey::Cancel => {}
            },
            Mode::Export { choice } => match list_key(key, choice, EXPORTS.len()) {
                ListKey::Move(choice) => self.mode = Mode::Export { choice },
                ListKey::Jump(_) => self.mode = Mode::Export { choice },
                ListKey::Choose => return self.export_to(EXPORTS[choice]),
                ListKey::Cancel => {}
            },
            Mode::Answer(mut form) => match key.code {
                KeyCode::Esc => {}
                KeyCode::Enter => self.submit_answer(form),
                KeyCode::Tab | KeyCode::BackTab | KeyCode::Down | KeyCode::Up => {
                    form.next();
                    self.mode = Mode::Answer(form);
                }
                _ => {
                    form.type_into(event);
                    self.mode = Mode::Answer(form);
                }
            },
            Mode::Overwrite { effect, why } => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => return Some(effect),
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {
                    self.say(tr("Nothing was written", "Ничего не записано"))
                }
                _ => self.mode = Mode::Overwrite { effect, why },
            },
            Mode::Discard { then } => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => match then {
                    AfterDiscard::Quit => return Some(Effect::Quit),
                    AfterDiscard::Open => self.mode = Mode::Open { choice: 0 },
                },
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {}
                _ => self.mode = Mode::Discard { then },
            },
        }
        None
    }
}

enum ListKey {
    Move(usize),
    Jump(char),
    Choose,
    Cancel,
}

fn list_key(key: &KeyEvent, choice: usize, len: usize) -> ListKey {
    match key.code {
        KeyCode::Up | KeyCode::Char('k') => ListKey::Move(choice.saturating_sub(1)),
        KeyCode::Down | KeyCode::Char('j') => ListKey::Move((choice + 1).min(len - 1)),
        KeyCode::Home => ListKey::Move(0),
        KeyCode::End => ListKey::Move(len - 1),
        KeyCode::Enter => ListKey::Choose,
        KeyCode::Esc | KeyCode::Char('q') => ListKey::Cancel,
        KeyCode::Char(c) => ListKey::Jump(c),
        _ => ListKey::Move(choice),
    }
}

/// Typing a letter in a list moves to the next entry starting with it.
fn jump(choice: usize, c: char, names: &[&str]) -> usize {
    (1..=names.len())
        .map(|d| (choice + d) % names.len())
        .find(|&i| names[i].starts_with(c))
        .unwrap_or(choice)
}
