//! What keys do inside the explorer's popups: help, the lists (add, open,
//! export, fixes), the editing and answer forms, the path prompt and the
//! yes/no questions. Which key is which action comes from the keymap of each
//! context in `keys.rs`; keys no map binds type into the open text box (or,
//! in a list, jump to an entry).

use super::app::{AfterDiscard, App, Effect, Mode, PathPurpose};
use super::keys::{self, ConfirmAction, FormAction};
use super::popup::Picked;
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
            Mode::Memory(_) => {}
            Mode::View(view) => match keys::action_in(keys::VIEW_KEYS, key) {
                Some(action) => self.view_key(view, action),
                None => self.mode = Mode::View(view),
            },
            // Scrolling keys scroll a help that does not fit; any other key closes it.
            Mode::Help(mut help) => {
                let fit = self.popup_fit(&Mode::Help(help.clone()));
                if help.key(key, fit) {
                    self.mode = Mode::Help(help);
                }
            }
            // The messages scroll as the help does.
            Mode::Messages(mut messages) => {
                if messages.key(key, self.popup_fit(&Mode::Messages(messages))) {
                    self.mode = Mode::Messages(messages);
                }
            }
            Mode::Add(mut list) => {
                let names: Vec<&str> = Kind::iter().map(Kind::name).collect();
                match list.key(key, &names) {
                    Picked::Moved => self.mode = Mode::Add(list),
                    Picked::Take(n) => {
                        if let Some(kind) = Kind::iter().nth(n) {
                            self.add_layer(kind)
                        }
                    }
                    Picked::Cancel => {}
                }
            }
            Mode::Open { mut list, files } => {
                let entries = open_entries(&files);
                let names: Vec<String> = entries.iter().map(OpenEntry::name).collect();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                match list.key(key, &names) {
                    Picked::Moved => self.mode = Mode::Open { list, files },
                    Picked::Cancel => {}
                    Picked::Take(choice) => match entries.get(choice) {
                        Some(OpenEntry::File(path)) => {
                            return Some(Effect::OpenFile(path.to_path_buf()));
                        }
                        Some(OpenEntry::Empty) => self.open_empty(),
                        Some(OpenEntry::Preset(name)) => self.open_preset(name),
                        Some(OpenEntry::Path) | None => {
                            self.mode = Mode::Path {
                                purpose: PathPurpose::OpenFile,
                                input: Input::default(),
                            };
                        }
                    },
                }
            }
            Mode::Edit(mut form) => {
                let net = self.doc().net();
                let action = keys::action_in(keys::FORM_KEYS, key);
                match action {
                    Some(FormAction::Cancel) => {
                        self.preview = None;
                        self.say(t!("modes-edit-cancelled-nothing-changed"));
                        return None;
                    }
                    Some(FormAction::Apply) => match form.evaluate(net) {
                        Ok(change) => {
                            self.preview = None;
                            self.commit(change);
                            return None;
                        }
                        Err(_) => {
                            form.check(net);
                            self.fail(t!("modes-fix-the-fields-in-red"));
                        }
                    },
                    Some(FormAction::Next) => form.next(),
                    Some(FormAction::Previous) => form.previous(),
                    Some(FormAction::NextChoice | FormAction::PreviousChoice)
                        if form.on_choice() =>
                    {
                        form.cycle(action == Some(FormAction::NextChoice), net);
                    }
                    // A letter on a choice jumps to a value starting with it.
                    _ if form.on_choice() => {
                        if let KeyCode::Char(c) = key.code {
                            form.jump(c, net);
                        }
                    }
                    // In a burst of keys only the last is checked and
                    // previewed: the rest would be drawn over unseen, and
                    // each check reads the whole field.
                    _ if self.batching => {
                        form.type_only(event);
                        self.form_stale = true;
                        self.mode = Mode::Edit(form);
                        return None;
                    }
                    _ => form.type_into(event, net),
                }
                // The table shows what Enter would make, as it is typed.
                self.preview_form(&form);
                self.mode = Mode::Edit(form);
            }
            Mode::Path { purpose, mut input } => match keys::text_action(key) {
                Some(FormAction::Cancel) => self.after_save = None,
                Some(FormAction::Apply) if input.value().trim().is_empty() => {
                    self.fail(t!("modes-type-a-path-first-esc"));
                    self.mode = Mode::Path { purpose, input };
                }
                Some(FormAction::Apply) => {
                    let path = crate::file::expand_home(input.value().trim());
                    return Some(match purpose {
                        PathPurpose::SaveAs => Effect::Save {
                            path,
                            overwrite: false,
                        },
                        PathPurpose::OpenFile => Effect::OpenFile(path),
                    });
                }
                // One field: Tab completes the path instead.
                Some(FormAction::Next) if key.code == KeyCode::Tab => {
                    let typed = input.value().to_string();
                    self.mode = Mode::Path { purpose, input };
                    return Some(Effect::Complete(typed));
                }
                Some(FormAction::Next | FormAction::Previous) => {
                    self.mode = Mode::Path { purpose, input };
                }
                _ => {
                    super::form::feed(&mut input, event);
                    self.mode = Mode::Path { purpose, input };
                }
            },
            Mode::ImportInput {
                path,
                text,
                mut input,
            } => match keys::text_action(key) {
                Some(FormAction::Cancel) => self.say(t!("modes-import-cancelled")),
                Some(FormAction::Apply) => match crate::network::Shape::parse(input.value()) {
                    Ok(shape) => self.import_with(&path, &text, Some(shape)),
                    Err(why) => {
                        self.fail(why);
                        self.mode = Mode::ImportInput { path, text, input };
                    }
                },
                Some(FormAction::Next | FormAction::Previous) => {
                    self.mode = Mode::ImportInput { path, text, input };
                }
                _ => {
                    super::form::feed(&mut input, event);
                    self.mode = Mode::ImportInput { path, text, input };
                }
            },
            Mode::Search { mut input } => match keys::text_action(key) {
                Some(FormAction::Cancel) => self.search = None,
                Some(FormAction::Apply) => self.search_for(input.value().to_string()),
                Some(FormAction::Next | FormAction::Previous) => {
                    self.mode = Mode::Search { input };
                }
                _ => {
                    super::form::feed(&mut input, event);
                    self.mode = Mode::Search { input };
                }
            },
            Mode::GoTo { mut input } => match keys::text_action(key) {
                Some(FormAction::Cancel) => {}
                // `:q` (and `:q!`), as in vim: quit, asking first about
                // unsaved work unless `!` says not to.
                Some(FormAction::Apply) if matches!(input.value().trim(), "q" | "quit" | "q!") => {
                    let action = if input.value().trim() == "q!" {
                        keys::Action::ForceQuit
                    } else {
                        keys::Action::Quit
                    };
                    return self.update(action);
                }
                Some(FormAction::Apply) => {
                    if let Err(why) = self.go_to(input.value()) {
                        self.fail(why);
                        self.mode = Mode::GoTo { input };
                    }
                }
                Some(FormAction::Next | FormAction::Previous) => {
                    self.mode = Mode::GoTo { input };
                }
                _ => {
                    super::form::feed(&mut input, event);
                    self.mode = Mode::GoTo { input };
                }
            },
            Mode::Fix {
                layer,
                fixes,
                mut list,
            } => {
                let names: Vec<&str> = fixes.iter().map(|f| f.what.as_str()).collect();
                match list.key(key, &names) {
                    Picked::Moved => self.mode = Mode::Fix { layer, fixes, list },
                    Picked::Take(n) => {
                        if let Some(fix) = fixes.into_iter().nth(n) {
                            self.apply_fix(fix);
                        }
                    }
                    Picked::Cancel => {}
                }
            }
            Mode::Export(mut list) => {
                let names = EXPORTS.map(|e| e.describe().0);
                match list.key(key, &names) {
                    Picked::Moved => self.mode = Mode::Export(list),
                    Picked::Take(n) => return self.export_to(EXPORTS[n]),
                    Picked::Cancel => {}
                }
            }
            Mode::Answer(mut form) => match keys::text_action(key) {
                Some(FormAction::Cancel) => {}
                Some(FormAction::Apply) => self.submit_answer(form),
                // Two boxes at most: the next one is the other one.
                Some(FormAction::Next | FormAction::Previous) => {
                    form.next();
                    self.mode = Mode::Answer(form);
                }
                _ => {
                    form.type_into(event);
                    self.mode = Mode::Answer(form);
                }
            },
            Mode::Overwrite { effect, why } => match keys::action_in(keys::CONFIRM_KEYS, key) {
                Some(ConfirmAction::Yes) => return Some(effect),
                Some(ConfirmAction::No) => {
                    self.after_save = None;
                    self.say(t!("modes-nothing-was-written"));
                }
                Some(ConfirmAction::SaveFirst) | None => {
                    self.mode = Mode::Overwrite { effect, why }
                }
            },
            Mode::Discard { then } => match keys::action_in(keys::CONFIRM_KEYS, key) {
                Some(ConfirmAction::Yes) => match then {
                    AfterDiscard::Quit => return Some(Effect::Quit),
                    AfterDiscard::Open => return Some(self.open_list()),
                },
                Some(ConfirmAction::No) => {}
                Some(ConfirmAction::SaveFirst) => {
                    self.after_save = Some(then);
                    return self.update(keys::Action::Save);
                }
                None => self.mode = Mode::Discard { then },
            },
        }
        None
    }
}

/// An entry of the Open list.
pub enum OpenEntry<'a> {
    File(&'a std::path::Path),
    Empty,
    Preset(&'static str),
    /// Type a path.
    Path,
}

impl OpenEntry<'_> {
    /// The entry's name, as the list shows it and letters jump to it.
    pub fn name(&self) -> String {
        match self {
            OpenEntry::File(p) => crate::text::visible(&p.display().to_string()).into_owned(),
            OpenEntry::Empty => t!("modes-new-empty-network"),
            OpenEntry::Preset(name) => name.to_string(),
            OpenEntry::Path => t!("view-a-file"),
        }
    }
}

/// The Open list: the folder's files first (one's own work is what one
/// opens most), then a new empty network, the presets, and any other file.
pub fn open_entries(files: &[PathBuf]) -> Vec<OpenEntry<'_>> {
    (files.iter().map(|f| OpenEntry::File(f)))
        .chain([OpenEntry::Empty])
        .chain(PRESETS.iter().map(|p| OpenEntry::Preset(p.name)))
        .chain([OpenEntry::Path])
        .collect()
}
