//! What keys do inside the explorer's popups: help, the lists (add, open,
//! export, fixes), the editing and answer forms, the path prompt and the
//! yes/no questions. Which key is which action comes from the keymap of each
//! context in `keys.rs`; keys no map binds type into the open text box (or,
//! in a list, jump to an entry).

use super::app::{AfterDiscard, App, Effect, Mode, PathPurpose};
use super::keys::{self, ConfirmAction, FormAction, HelpAction, ListAction};
use super::whatif::EXPORTS;
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
            // Any key closes the memory view.
            Mode::Memory => {}
            Mode::View(view) => match keys::action_in(keys::VIEW_KEYS, key) {
                Some(action) => self.view_key(view, action),
                None => self.mode = Mode::View(view),
            },
            // Scrolling keys scroll a help that does not fit; any other key closes it.
            Mode::Help { scroll } => match keys::action_in(keys::HELP_KEYS, key) {
                // The view shows as far as there is to show; past that,
                // a key more would only have to be taken back.
                Some(HelpAction::ScrollDown) => {
                    self.mode = Mode::Help {
                        scroll: (scroll + 1).min(keys::help_rows()),
                    };
                }
                Some(HelpAction::ScrollUp) => {
                    self.mode = Mode::Help {
                        scroll: scroll.saturating_sub(1),
                    };
                }
                None => {}
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
            Mode::Edit(mut form) => match keys::action_in(keys::FORM_KEYS, key) {
                Some(FormAction::Cancel) => self.say(t!("modes-edit-cancelled-nothing-changed")),
                Some(FormAction::Apply) => match form.evaluate(self.net()) {
                    Ok(change) => self.commit(change),
                    Err(_) => {
                        form.check(self.net());
                        self.fail(t!("modes-fix-the-fields-in-red"));
                        self.mode = Mode::Edit(form);
                    }
                },
                Some(FormAction::Next) => {
                    form.next();
                    self.mode = Mode::Edit(form);
                }
                Some(FormAction::Previous) => {
                    form.previous();
                    self.mode = Mode::Edit(form);
                }
                None => {
                    form.type_into(event, self.net());
                    self.mode = Mode::Edit(form);
                }
            },
            Mode::Path { purpose, mut input } => match keys::action_in(keys::FORM_KEYS, key) {
                Some(FormAction::Cancel) => {}
                Some(FormAction::Apply) if input.value().trim().is_empty() => {
                    self.fail(t!("modes-type-a-path-first-esc"));
                    self.mode = Mode::Path { purpose, input };
                }
                Some(FormAction::Apply) => {
                    let path = PathBuf::from(input.value().trim());
                    return Some(match purpose {
                        PathPurpose::SaveAs => Effect::Save {
                            path,
                            overwrite: false,
                        },
                        PathPurpose::OpenFile => Effect::OpenFile(path),
                    });
                }
                // One field: nothing to move to.
                Some(FormAction::Next | FormAction::Previous) => {
                    self.mode = Mode::Path { purpose, input };
                }
                None => {
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
            Mode::Answer(mut form) => match keys::action_in(keys::FORM_KEYS, key) {
                Some(FormAction::Cancel) => {}
                Some(FormAction::Apply) => self.submit_answer(form),
                // Two boxes at most: the next one is the other one.
                Some(FormAction::Next | FormAction::Previous) => {
                    form.next();
                    self.mode = Mode::Answer(form);
                }
                None => {
                    form.type_into(event);
                    self.mode = Mode::Answer(form);
                }
            },
            Mode::Overwrite { effect, why } => match keys::action_in(keys::CONFIRM_KEYS, key) {
                Some(ConfirmAction::Yes) => return Some(effect),
                Some(ConfirmAction::No) => self.say(t!("modes-nothing-was-written")),
                None => self.mode = Mode::Overwrite { effect, why },
            },
            Mode::Discard { then } => match keys::action_in(keys::CONFIRM_KEYS, key) {
                Some(ConfirmAction::Yes) => match then {
                    AfterDiscard::Quit => return Some(Effect::Quit),
                    AfterDiscard::Open => self.mode = Mode::Open { choice: 0 },
                },
                Some(ConfirmAction::No) => {}
                None => self.mode = Mode::Discard { then },
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

/// What a key does in a list of `len` entries with `choice` selected.
fn list_key(key: &KeyEvent, choice: usize, len: usize) -> ListKey {
    let last = len.saturating_sub(1);
    match keys::action_in(keys::LIST_KEYS, key) {
        Some(ListAction::Up) => ListKey::Move(choice.saturating_sub(1)),
        Some(ListAction::Down) => ListKey::Move((choice + 1).min(last)),
        Some(ListAction::First) => ListKey::Move(0),
        Some(ListAction::Last) => ListKey::Move(last),
        Some(ListAction::Choose) => ListKey::Choose,
        Some(ListAction::Cancel) => ListKey::Cancel,
        None => match key.code {
            KeyCode::Char(c) => ListKey::Jump(c),
            _ => ListKey::Move(choice),
        },
    }
}

/// Typing a letter in a list moves to the next entry starting with it.
fn jump(choice: usize, c: char, names: &[&str]) -> usize {
    (1..=names.len())
        .map(|d| (choice + d) % names.len())
        .find(|&i| names[i].starts_with(c))
        .unwrap_or(choice)
}
