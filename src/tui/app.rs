//! The explorer's state and how it changes. `App::handle_event` turns a
//! terminal event into an `Action` (through the key table) or text for a form;
//! `App::update` changes the network and recomputes the analysis. Nothing here
//! touches the terminal or the file system: saving, opening files and
//! quitting are returned as `Effect`s for the loop in `tui.rs` to carry out.

use super::document::{Document, Gone};
use super::form::Form;
use super::history::{Change, Window};
use super::keys::{self, Action};
use super::popup::{Help, List, Messages, Picked};
use super::quiz::{AnswerForm, Quiz};
use super::theme::{self, Theme};
use super::tree::Selection;
use super::whatif::Baseline;
use crate::engine::Analysis;
use crate::family::{self, Direction};
use crate::file::{FileError, Source, Stamp};
use crate::fixes::Fix;
use crate::lang::Lang;
use crate::layer::{Hw, Kind, Layer, Padding};
use crate::network::Network;
use crate::presets;
use crate::text::visible;
use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use ratatui::layout::Rect;
use ratatui::widgets::TableState;
use std::collections::BTreeSet;
use std::path::PathBuf;
use tui_input::Input;

/// Something for the loop to do outside the app's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    Quit,
    /// Give the terminal back to the shell until `fg`.
    Suspend,
    /// Save the network to `path`. `overwrite` is set once the user agreed
    /// to replace what is there (another file, or one changed on disk).
    Save {
        path: PathBuf,
        overwrite: bool,
    },
    OpenFile(PathBuf),
    /// Complete the path typed so far (Tab in a path prompt; see
    /// `App::completed`).
    Complete(String),
    /// List the architecture files of the current folder for the Open list
    /// (see `App::listed`).
    ListFolder,
    /// Put `text` on the clipboard (OSC 52, which reaches through tmux and
    /// SSH); `what` says what it is, for the footer.
    Copy {
        text: String,
        what: String,
    },
    /// Write an export (code or a table) to a file.
    Write {
        path: PathBuf,
        contents: String,
        overwrite: bool,
    },
}

/// What has the keyboard: the table, or a popup over it.
#[derive(Clone, Debug)]
pub enum Mode {
    Table,
    /// The key list, scrolled on short terminals, finding with `/`.
    Help(Help),
    /// Every message of this session, newest last, in full (`M`),
    /// scrolled like the help.
    Messages(Messages),
    /// Picking the type of a new layer.
    Add(List),
    Edit(Form),
    /// Picking what to open: a `.toml` of the current folder (`files`, as
    /// the loop found them), a new empty network, a preset, or "a file…".
    Open {
        list: List,
        files: Vec<PathBuf>,
    },
    /// Typing a path.
    Path {
        purpose: PathPurpose,
        input: Input,
    },
    /// Unsaved changes would be lost: `y` goes on with `then`, `n` stays.
    Discard {
        then: AfterDiscard,
    },
    /// A write would replace a file it should not without asking: `why`
    /// says which; `y` carries out `effect`, `n` writes nothing.
    Overwrite {
        effect: Effect,
        why: String,
    },
    /// Typing the input shape of a model being opened (`text`, read from
    /// `path`) that does not say it: a printout never does.
    ImportInput {
        path: PathBuf,
        text: String,
        input: Input,
    },
    /// Picking what to export.
    Export(List),
    /// Typing a search (`/`); matches light up as it is typed.
    Search {
        input: Input,
    },
    /// Typing a layer's number or path (`:`).
    GoTo {
        input: Input,
    },
    /// Answering a quizzed row.
    Answer(AnswerForm),
    /// The picture of a layer (`v`).
    View(super::visual::View),
    /// Where the memory goes (`m`); any key closes it. The searches for
    /// what fits are made once, when it opens.
    Memory(super::view::memory::Fits),
    /// Picking one of the fixes for the broken layer at path `layer`.
    Fix {
        layer: Vec<usize>,
        fixes: Vec<Fix>,
        list: List,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathPurpose {
    SaveAs,
    OpenFile,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterDiscard {
    Quit,
    Open,
}

/// How many messages `M` keeps.
const HISTORY: usize = 100;

/// A message in the footer until the next key, wrapped to as many lines
/// as it takes; `M` reads it again later.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub is_error: bool,
}

/// What outlives the network on screen: opening another file keeps it.
pub struct Session {
    pub theme: &'static Theme,
    /// The language every event is handled and every frame drawn in.
    pub lang: Lang,
    /// Only ASCII on screen (see `crate::ascii`).
    pub ascii: bool,
}

/// The explorer's state. Its fields belong to the explorer (`tui`): the
/// rest of the program, tests and benches included, reads it through the
/// methods below and changes it through events and actions.
pub struct App {
    /// The network, its analysis and history, where it came from.
    doc: Document,
    pub(super) session: Session,
    /// 0 is the input row; `i + 1` is layer `i`.
    pub(super) selected: usize,
    pub(super) mode: Mode,
    pub(super) message: Option<Message>,
    /// Handling a burst of waiting events (see `begin_batch`): typing into
    /// a form leaves its check and preview until the burst ends.
    pub(super) batching: bool,
    /// A form was typed into and not yet checked.
    pub(super) form_stale: bool,
    /// The messages said so far, oldest first (at most `HISTORY`): `M`
    /// reads them whole, however long.
    pub(super) history: Vec<Message>,
    /// The network pinned with `b`, compared with the current one.
    pub(super) baseline: Option<Baseline>,
    /// The graph view (`g`) in the table's place.
    pub(super) graph: bool,
    /// Quiz mode (`Q`): which cells are hidden, and the score.
    pub(super) quiz: Option<Quiz>,
    /// The table's scroll: its first row on screen, moved after each event
    /// so that the selection stays in sight. The view draws the table with
    /// it, the selected row (`selected_row`) added.
    pub(super) table: TableState,
    /// The terminal's size, as the last resize said: what the layout of
    /// the screen, and so a page of the table, follows.
    pub(super) size: Rect,
    /// Containers opened or closed against the default (see `tree`).
    pub(super) toggled: BTreeSet<Vec<usize>>,
    /// Big networks open with every container folded.
    pub(super) fold_by_default: bool,
    /// The last search (`/`), which `n` and `N` step through.
    pub(super) search: Option<String>,
    /// The network as the open form would make it, shown while it is
    /// typed (see `App::net`).
    pub(super) preview: Option<Box<(Network, Analysis)>>,
    /// What to go on with once a save succeeds (`s` in the unsaved-changes
    /// question): quitting, or the Open list.
    pub(super) after_save: Option<AfterDiscard>,
}

impl App {
    pub fn new(net: Network, path: Option<PathBuf>, preset: Option<String>) -> App {
        App::with(
            Document::new(net, path, preset),
            Session {
                theme: &theme::DARK,
                lang: Lang::En,
                ascii: false,
            },
        )
    }

    /// A fresh explorer on `doc` in `session`.
    pub fn with(doc: Document, session: Session) -> App {
        let size: usize = doc.net().layers.iter().map(Layer::count).sum();
        App {
            toggled: BTreeSet::new(),
            fold_by_default: size > super::tree::FOLD_ABOVE,
            search: None,
            after_save: None,
            preview: None,
            doc,
            session,
            baseline: None,
            graph: false,
            quiz: None,
            selected: 0,
            mode: Mode::Table,
            message: None,
            history: Vec::new(),
            batching: false,
            form_stale: false,
            table: TableState::default(),
            size: Rect::new(0, 0, 80, 24),
        }
    }

    /// The network, its analysis and where it came from.
    pub fn doc(&self) -> &Document {
        &self.doc
    }

    /// The theme, language and ASCII mode the app draws and speaks in.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The session, to change how the app looks or speaks.
    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }

    /// The selected line: 0 is the input row, `i + 1` the tree's line `i`
    /// (layer `i` in a network without containers).
    pub fn selected(&self) -> usize {
        self.selected
    }

    /// Selects the tree's line `line` (0: the input row), as the arrow keys
    /// would reach it, whether or not it is on screen (a benchmark's start).
    pub fn select_line(&mut self, line: usize) {
        self.selected = line;
        self.follow_selection();
    }

    /// What has the keyboard: the table, or a popup over it.
    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    /// The message in the footer, until the next key.
    pub fn message(&self) -> Option<&Message> {
        self.message.as_ref()
    }

    /// Whether the graph view (`g`) is in the table's place.
    pub fn graph_shown(&self) -> bool {
        self.graph
    }

    /// The quiz, when one is on.
    pub fn quiz(&self) -> Option<&Quiz> {
        self.quiz.as_ref()
    }

    /// The network on screen: while a form is open, as the form would
    /// make it (the document itself changes only on Enter).
    pub fn net(&self) -> &Network {
        match &self.preview {
            Some(p) => &p.0,
            None => self.doc.net(),
        }
    }

    /// Always `analyze(self.net())`.
    pub fn analysis(&self) -> &Analysis {
        match &self.preview {
            Some(p) => &p.1,
            None => self.doc.analysis(),
        }
    }

    /// Recomputes the preview for what `form` says now; none while it says
    /// something invalid or nothing new.
    pub(super) fn preview_form(&mut self, form: &Form) {
        self.preview = match form.evaluate(self.doc.net()) {
            Ok(change) if !change.is_noop(self.doc.net()) => {
                let mut net = self.doc.net().clone();
                change.apply(&mut net).map(|_| {
                    let analysis = crate::engine::analyze(&net);
                    Box::new((net, analysis))
                })
            }
            _ => None,
        };
    }

    pub fn is_dirty(&self) -> bool {
        self.doc.is_dirty()
    }

    /// Whether leaving this network would lose anything: unsaved changes, or
    /// a quiz with answers in it.
    fn has_unsaved_work(&self) -> bool {
        self.is_dirty() || self.quiz.as_ref().is_some_and(|q| q.has_answers())
    }

    /// The selected top-level layer, `None` on the input row and on rows
    /// inside containers.
    pub fn selected_layer(&self) -> Option<usize> {
        match self.selected_path() {
            Some(p) if p.len() == 1 => Some(p[0]),
            _ => None,
        }
    }

    /// Rows the table shows at once (at least one), on the screen as the
    /// terminal's size lays it out.
    pub fn page(&self) -> usize {
        let table = super::view::screen(self, self.size).map_or(0, |s| s.table.height);
        usize::from(table).saturating_sub(1).max(1)
    }

    /// The table's first row on screen.
    pub fn scroll(&self) -> usize {
        self.table.offset()
    }

    /// The table's scroll and selected row, as the table widget takes them.
    pub fn table_state(&self) -> TableState {
        self.table
    }

    /// How many lines the help or message list of `mode` shows, and hides.
    pub(super) fn popup_fit(&self, mode: &Mode) -> (usize, usize) {
        super::view::scroll_fit(self, mode, self.size)
    }

    /// The event loop is about to hand over every event already waiting
    /// before it draws: keys typed into a form are checked once, at the end.
    pub fn begin_batch(&mut self) {
        self.batching = true;
    }

    /// The burst is over: the open form is checked and its preview made, as
    /// after any single key.
    pub fn end_batch(&mut self) {
        self.batching = false;
        if std::mem::take(&mut self.form_stale)
            && let Mode::Edit(mut form) = std::mem::replace(&mut self.mode, Mode::Table)
        {
            crate::lang::scoped(self.session.lang, || {
                form.check(self.doc.net());
                self.preview_form(&form);
            });
            self.mode = Mode::Edit(form);
        }
    }

    /// Scrolls the table just enough that the selection is on screen.
    fn follow_selection(&mut self) {
        let (page, row) = (self.page(), self.selected_row());
        let mut top = self.table.offset();
        if row < top {
            top = row;
        } else if row >= top + page {
            top = row + 1 - page;
        }
        *self.table.offset_mut() = top.min(self.table_len().saturating_sub(page));
    }

    pub fn handle_event(&mut self, event: &Event) -> Option<Effect> {
        let before = (self.selected, self.size);
        let effect = crate::lang::scoped(self.session.lang, || self.handle(event));
        self.follow_if_moved(before);
        effect
    }

    /// Scrolls to the selection when it, or the terminal, changed: laying
    /// out the screen costs a tenth of a keystroke on a large network, and
    /// an edit that leaves the selection where it was scrolls nothing (the
    /// frame keeps the selection in sight if the detail pane grew).
    fn follow_if_moved(&mut self, before: (usize, Rect)) {
        if (self.selected, self.size) != before {
            self.follow_selection();
        }
    }

    fn handle(&mut self, event: &Event) -> Option<Effect> {
        match event {
            // Esc then a key at once reaches us as Alt+key (how terminals
            // and tmux send Meta): no key of layerlab's uses Alt, so it is
            // Esc, then the key, and neither is lost.
            Event::Key(key)
                if key.kind != KeyEventKind::Release
                    && key.modifiers.contains(KeyModifiers::ALT)
                    && matches!(key.code, KeyCode::Char(_)) =>
            {
                let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
                self.message = None;
                if let Some(effect) = self.handle_key(&esc, &Event::Key(esc)) {
                    return Some(effect);
                }
                let mut plain = *key;
                plain.modifiers.remove(KeyModifiers::ALT);
                self.handle_key(&plain, &Event::Key(plain))
            }
            Event::Key(key) if key.kind != KeyEventKind::Release => {
                self.message = None;
                self.handle_key(key, event)
            }
            // The page the keys move by follows the terminal's size.
            Event::Resize(width, height) => {
                self.size = Rect::new(0, 0, *width, *height);
                None
            }
            Event::Paste(_) => {
                self.type_text(event);
                None
            }
            // The wheel scrolls the help and the messages, three lines a notch.
            Event::Mouse(m) if matches!(self.mode, Mode::Help(_) | Mode::Messages(_)) => {
                let fit = self.popup_fit(&self.mode);
                let down = match m.kind {
                    MouseEventKind::ScrollUp => false,
                    MouseEventKind::ScrollDown => true,
                    _ => return None,
                };
                if let Mode::Help(Help { scroll, .. }) | Mode::Messages(Messages { scroll }) =
                    &mut self.mode
                {
                    *scroll = scroll.wheel(down, fit);
                }
                None
            }
            // A click on a list's entry chooses it; on the chosen one, takes it.
            Event::Mouse(m)
                if m.kind == MouseEventKind::Down(MouseButton::Left)
                    && matches!(
                        self.mode,
                        Mode::Add(_) | Mode::Open { .. } | Mode::Export(_)
                    ) =>
            {
                let (len, list) = match &mut self.mode {
                    Mode::Add(list) => (Kind::iter().count(), list),
                    Mode::Open { list, files } => (super::modes::open_entries(files).len(), list),
                    Mode::Export(list) => (super::whatif::EXPORTS.len(), list),
                    _ => return None,
                };
                let at = super::view::list_entry_at(len, list.choice, self.size, m.column, m.row)?;
                if list.click(at) == Picked::Moved {
                    return None;
                }
                let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
                self.handle_key(&enter, &Event::Key(enter))
            }
            // In the lists and the form a notch is ↑ or ↓.
            Event::Mouse(m)
                if matches!(
                    self.mode,
                    Mode::Add(_)
                        | Mode::Open { .. }
                        | Mode::Export(_)
                        | Mode::Fix { .. }
                        | Mode::Edit(_)
                ) =>
            {
                let code = match m.kind {
                    MouseEventKind::ScrollUp => KeyCode::Up,
                    MouseEventKind::ScrollDown => KeyCode::Down,
                    _ => return None,
                };
                let arrow = KeyEvent::new(code, KeyModifiers::NONE);
                self.handle_key(&arrow, &Event::Key(arrow))
            }
            Event::Mouse(m) if matches!(self.mode, Mode::Table) => {
                match m.kind {
                    MouseEventKind::ScrollUp => self.update(Action::SelectUp),
                    MouseEventKind::ScrollDown => self.update(Action::SelectDown),
                    MouseEventKind::Down(MouseButton::Left) => {
                        let area = super::view::screen(self, self.size)
                            .map_or(Rect::default(), |s| s.table);
                        // The first line of the table area is its header.
                        let first = area.y.saturating_add(1);
                        if m.column >= area.x
                            && m.column < area.right()
                            && m.row >= first
                            && m.row < area.bottom()
                        {
                            let row = self.table.offset() + usize::from(m.row - first);
                            if row < self.table_len() {
                                self.select_row(row);
                            }
                        }
                        None
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn handle_key(&mut self, key: &KeyEvent, event: &Event) -> Option<Effect> {
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            return Some(Effect::Quit);
        }
        match std::mem::replace(&mut self.mode, Mode::Table) {
            Mode::Table => match keys::action_for(key) {
                Some(action) => self.update(action),
                // A letter that does nothing says so, rather than nothing.
                None => {
                    let plain = (key.modifiers - KeyModifiers::SHIFT).is_empty();
                    // (A control character, a newline typed in, has no name.)
                    if let KeyCode::Char(c) = key.code
                        && plain
                        && !c.is_control()
                    {
                        self.say(t!("app-unknown-key", key = c.to_string()));
                    }
                    None
                }
            },
            popup => self.popup_key(popup, key, event),
        }
    }

    /// Pasted text goes to whatever text box is open.
    fn type_text(&mut self, event: &Event) {
        match &mut self.mode {
            Mode::Edit(form) => form.type_into(event, self.doc.net()),
            Mode::Path { input, .. } | Mode::Search { input } | Mode::GoTo { input } => {
                super::form::feed(input, event)
            }
            Mode::Answer(form) => form.type_into(event),
            _ => {}
        }
    }

    /// Carries out one action from the key table.
    pub fn update(&mut self, action: Action) -> Option<Effect> {
        let before = (self.selected, self.size);
        let effect = crate::lang::scoped(self.session.lang, || self.act(action));
        self.follow_if_moved(before);
        effect
    }

    fn act(&mut self, action: Action) -> Option<Effect> {
        if self.refused_in_quiz(action) {
            return None;
        }
        let last = self.rows() - 1;
        match action {
            Action::SelectUp => self.selected = self.selected.saturating_sub(1),
            Action::SelectDown => self.selected = (self.selected + 1).min(last),
            Action::PageUp => self.selected = self.selected.saturating_sub(self.page()),
            Action::PageDown => self.selected = (self.selected + self.page()).min(last),
            Action::SelectFirst => self.selected = 0,
            Action::SelectLast => self.selected = last,
            Action::AddLayer => self.mode = Mode::Add(List::default()),
            Action::RemoveLayer => match self.selection() {
                Selection::Input => self.fail(t!("app-the-input-row-cannot-be")),
                Selection::Layer(p) => {
                    let label = self.doc.net().layer_at(&p).map(Layer::label);
                    let n = self.doc.net().path_label(&p);
                    self.commit(Change::Remove(p));
                    self.say(t!(
                        "app-removed-layer-label-u-undoes",
                        a1 = n,
                        label = label.unwrap_or_default()
                    ));
                }
                Selection::Branch { merge, branch } => {
                    if let Some(mut layer) = self.doc.net().layer_at(&merge).cloned() {
                        layer.branches.remove(branch);
                        self.commit(Change::Layer(merge, layer));
                    }
                }
            },
            Action::Edit if self.open_answer() => {}
            Action::Edit => {
                self.mode = match self.selection() {
                    Selection::Input => Mode::Edit(Form::for_input(self.doc.net())),
                    Selection::Branch { .. } => {
                        self.fail(t!("app-select-a-layer-first-this"));
                        Mode::Table
                    }
                    Selection::Layer(p) => match Form::for_layer(self.doc.net(), &p) {
                        Some(form) if !form.entries.is_empty() => Mode::Edit(form),
                        _ => {
                            let kind = self.doc.net().layer_at(&p).map_or("", |l| l.kind.name());
                            self.fail(t!("app-kind-has-no-settings-to", kind = kind.to_string()));
                            Mode::Table
                        }
                    },
                }
            }
            Action::MoveUp | Action::MoveDown => {
                let up = action == Action::MoveUp;
                let len = |p: &[usize]| self.doc.net().list(&p[..p.len() - 1]).map_or(0, Vec::len);
                match self.selected_path() {
                    Some(p) if up && p[p.len() - 1] > 0 => self.swap(p, false),
                    Some(p) if !up && p[p.len() - 1] + 1 < len(&p) => self.swap(p, true),
                    _ if up => self.fail(t!("app-already-at-the-top")),
                    _ => self.fail(t!("app-already-at-the-bottom")),
                }
            }
            Action::Unfold => self.unfold(),
            Action::Fold => self.fold(),
            Action::WrapResidual => self.wrap_residual(),
            Action::AddBranch => self.add_branch(),
            Action::View => self.open_view(),
            Action::Graph => {
                self.graph = !self.graph;
                let said = if self.graph {
                    t!("graph-shown")
                } else {
                    t!("graph-hidden")
                };
                self.say(said);
            }
            Action::TogglePadding => self.change_selected(|l| {
                if !l.kind.slides() {
                    let kind = l.kind.name();
                    return Err(t!("app-p-pads-conv-and-pooling", kind = kind.to_string()));
                }
                l.padding = if l.padding == Padding::Same {
                    Padding::Valid
                } else {
                    Padding::Same
                };
                Ok(())
            }),
            Action::TogglePaddingAll => {
                let mut all_same = true;
                self.each_conv(|_, l| {
                    all_same &= l.padding == Padding::Same;
                    all_same
                });
                let padding = if all_same {
                    Padding::Valid
                } else {
                    Padding::Same
                };
                self.change_convs(|w| w.padding = padding);
            }
            Action::CycleStride => self.change_selected(|l| {
                if !l.kind.slides() {
                    let kind = l.kind.name();
                    return Err(t!("app-s-sets-the-stride-of", kind = kind.to_string()));
                }
                // A signal's one axis is the width.
                let next = next_stride(l.stride().w);
                l.stride = Some(Hw::square(next));
                if l.kind.window_axes() == 3 {
                    l.extra.depth.stride = Some(next);
                }
                Ok(())
            }),
            Action::CycleStrideAll => {
                let mut first = 1;
                self.each_conv(|_, l| {
                    first = l.stride().w;
                    false
                });
                let next = next_stride(first);
                self.change_convs(|w| {
                    w.stride = Some(Hw::square(next));
                    w.depth_stride = Some(next);
                });
            }
            Action::Grow => self.change_selected(|l| family::of(l.kind).resize(l, Direction::Up)),
            Action::Shrink => {
                self.change_selected(|l| family::of(l.kind).resize(l, Direction::Down))
            }
            Action::Widen => self.change_selected(|l| family::of(l.kind).widen(l, Direction::Up)),
            Action::Narrow => {
                self.change_selected(|l| family::of(l.kind).widen(l, Direction::Down))
            }
            Action::ToggleKernels => self.commit(Change::Kernels(self.doc.net().kernels.toggled())),
            Action::Undo => self.step_history(true),
            Action::Redo => self.step_history(false),
            Action::Save => match self.doc.path() {
                Some(path) => {
                    return Some(Effect::Save {
                        path: path.to_path_buf(),
                        overwrite: false,
                    });
                }
                None => {
                    let suggested = format!("{}.toml", slug(&self.doc.net().name));
                    self.mode = Mode::Path {
                        purpose: PathPurpose::SaveAs,
                        input: Input::new(suggested),
                    };
                }
            },
            Action::Open if self.has_unsaved_work() => {
                self.mode = Mode::Discard {
                    then: AfterDiscard::Open,
                }
            }
            Action::Open => return Some(self.open_list()),
            Action::Help => self.mode = Mode::Help(Help::default()),
            // Opens at the end, where the newest message is.
            Action::Messages if self.history.is_empty() => self.say(t!("app-no-messages")),
            Action::Messages => self.mode = Mode::Messages(Messages::default()),
            Action::Memory => {
                self.mode = Mode::Memory(super::view::memory::Fits::of(self.net(), self.analysis()))
            }
            Action::Quit if self.has_unsaved_work() => {
                self.mode = Mode::Discard {
                    then: AfterDiscard::Quit,
                }
            }
            Action::Quit | Action::ForceQuit => return Some(Effect::Quit),
            Action::Suspend => return Some(Effect::Suspend),
            // Every key clears the message already; Esc also ends a search,
            // and must never quit.
            Action::Dismiss => self.search = None,
            Action::Search => self.start_search(),
            Action::SearchNext => self.step_search(true),
            Action::SearchPrevious => self.step_search(false),
            Action::NextBroken => self.next_broken(),
            Action::GoTo => {
                self.mode = Mode::GoTo {
                    input: Input::default(),
                }
            }
            Action::Copy => {
                let text = crate::report::render(
                    self.doc.net(),
                    self.doc.analysis(),
                    crate::report::Format::Markdown,
                    false,
                );
                // The table's rows: its lines but the header and the rule.
                let rows = (text.lines().filter(|l| l.starts_with('|')))
                    .count()
                    .saturating_sub(2);
                let what = t!("app-copied-table", rows = rows.to_string());
                return Some(Effect::Copy { text, what });
            }
            Action::Duplicate => self.duplicate(),
            Action::SaveAs => {
                let suggested = match self.doc.path() {
                    Some(p) => p.display().to_string(),
                    None => format!("{}.toml", slug(&self.doc.net().name)),
                };
                self.mode = Mode::Path {
                    purpose: PathPurpose::SaveAs,
                    input: Input::new(suggested),
                };
            }
            Action::PinBaseline => self.pin_baseline(),
            Action::ClearBaseline => self.clear_baseline(),
            Action::ShrinkInput => self.resize_input(|n| n.checked_sub(1)),
            Action::GrowInput => self.resize_input(|n| n.checked_add(1)),
            Action::HalveInput => self.resize_input(|n| Some((n / 2).max(1))),
            Action::DoubleInput => self.resize_input(|n| n.checked_mul(2)),
            Action::Fix => self.open_fixes(),
            Action::Quiz => self.toggle_quiz(),
            Action::Export => self.mode = Mode::Export(List::default()),
        }
        None
    }

    /// Makes `change` as one undo step; the document recomputes the
    /// analysis, and what is drawn from it follows.
    pub(super) fn commit(&mut self, change: Change) {
        match self.doc.apply(change) {
            Ok(true) => self.follow(),
            Ok(false) => {}
            Err(Gone) => self.fail(t!("app-that-layer-no-longer-exists")),
        }
    }

    /// Changes the selected layer through `f`; an `Err` is shown and changes nothing.
    fn change_selected(&mut self, f: impl FnOnce(&mut Layer) -> Result<(), String>) {
        let Some(p) = self.selected_path() else {
            return self.fail(t!("app-select-a-layer-first-this"));
        };
        let Some(mut layer) = self.doc.net().layer_at(&p).cloned() else {
            return;
        };
        match f(&mut layer) {
            Ok(()) => self.commit(Change::Layer(p, layer)),
            Err(why) => self.fail(why),
        }
    }

    /// Swaps the layer at `p` with its neighbour below (`down`) or above.
    fn swap(&mut self, mut p: Vec<usize>, down: bool) {
        let last = p.len() - 1;
        let other = if down { p[last] + 1 } else { p[last] - 1 };
        self.commit(Change::Swap(p.clone(), other));
        p[last] = other;
        self.select_path(&p);
    }

    /// The padding and stride of every convolution, those inside containers
    /// too, changed through `f`.
    fn change_convs(&mut self, f: impl Fn(&mut Window)) {
        let mut changed: Vec<(Vec<usize>, Window)> = Vec::new();
        self.each_conv(|p, l| {
            let mut w = Window::of(l);
            f(&mut w);
            changed.push((p.to_vec(), w));
            true
        });
        if changed.is_empty() {
            return self.fail(t!("app-there-are-no-convolutions-in"));
        }
        self.commit(Change::Windows(changed));
    }

    fn step_history(&mut self, back: bool) {
        let stepped = if back {
            self.doc.undo()
        } else {
            self.doc.redo()
        };
        match stepped {
            true => {
                self.follow();
                self.say(if back {
                    t!("app-undone-ctrl-r-redoes")
                } else {
                    t!("app-redone")
                });
            }
            false => self.fail(if back {
                t!("app-nothing-to-undo")
            } else {
                t!("app-nothing-to-redo")
            }),
        }
    }

    /// After the network changed: the selection, the baseline comparison
    /// and the quiz follow it.
    fn follow(&mut self) {
        self.selected = self.selected.min(self.rows() - 1);
        if let Some(b) = &mut self.baseline {
            b.compare(self.doc.net());
        }
        if let Some(q) = &mut self.quiz {
            q.recheck(&self.doc.analysis().rows);
        }
    }

    /// Inserts a new layer below the selected one, in the same list (at
    /// the start of a selected branch, at the top from the input row).
    pub(super) fn add_layer(&mut self, kind: Kind) {
        let at = match self.selection() {
            Selection::Input => vec![0],
            Selection::Layer(mut p) => {
                let last = p.len() - 1;
                p[last] += 1;
                p
            }
            Selection::Branch { mut merge, branch } => {
                merge.extend([branch, 0]);
                merge
            }
        };
        if kind.is_container() && at.len() / 2 + 1 > crate::layer::MAX_DEPTH {
            let max = crate::layer::MAX_DEPTH.to_string();
            return self.fail(t!("tree-too-deep", max = max));
        }
        // A new layer takes the settings of the nearest one of its kind in
        // the same list, above first: a third conv like the second.
        let (list, i) = at.split_at(at.len() - 1);
        let siblings = self.doc.net().list(list).map_or(&[][..], Vec::as_slice);
        let i = i[0].min(siblings.len());
        let like = (siblings[..i].iter().enumerate().rev())
            .chain(siblings[i..].iter().enumerate().map(|(j, l)| (i + j, l)))
            .find(|(_, l)| l.kind == kind && !kind.is_container());
        let (layer, copied) = match like {
            Some((j, l)) => {
                let mut p = list.to_vec();
                p.push(j);
                let from = self.doc.net().path_label(&p);
                (
                    Layer {
                        name: None,
                        ..l.clone()
                    },
                    Some(from),
                )
            }
            None => (Layer::new(kind), None),
        };
        self.commit(Change::Insert(at.clone(), layer));
        self.select_path(&at);
        let added = t!(
            "app-added-as-layer-enter-edits",
            a1 = kind.name().to_string(),
            a2 = self.doc.net().path_label(&at)
        );
        match copied {
            Some(from) => self.say(format!("{added}; {}", t!("app-settings-of", n = from))),
            None => self.say(added),
        }
    }

    /// The Open list, with the folder's files still to come from the loop.
    pub(super) fn open_list(&mut self) -> Effect {
        self.mode = Mode::Open {
            list: List::default(),
            files: Vec::new(),
        };
        Effect::ListFolder
    }

    /// The loop reports the architecture files of the current folder.
    pub fn listed(&mut self, found: Vec<PathBuf>) {
        if let Mode::Open { files, .. } = &mut self.mode {
            *files = found;
        }
    }

    /// The loop completed the typed path: `text` replaces it; when several
    /// names still match, the footer lists them.
    pub fn completed(&mut self, text: String, names: Vec<String>) {
        if let Mode::Path { input, .. } = &mut self.mode {
            *input = Input::new(text);
        }
        match names.len() {
            0 => self.fail(t!("app-no-file-matches")),
            1 => {}
            n => {
                let shown: Vec<&str> = names.iter().take(8).map(String::as_str).collect();
                let more = if n > 8 { " …" } else { "" };
                self.say(format!("{}{more}", shown.join("  ")));
            }
        }
    }

    /// "a new empty network" in the Open list: nothing but the input row,
    /// not saved anywhere yet.
    pub(super) fn open_empty(&mut self) {
        let net = Network::empty(&t!("app-untitled"));
        self.replace(Document::new(net, None, None));
        self.say(t!("app-new-empty-network"));
    }

    /// `D`: a copy of the selected layer right below it.
    fn duplicate(&mut self) {
        let Some(p) = self.selected_path() else {
            return self.fail(t!("app-select-a-layer-first-this"));
        };
        let Some(layer) = self.doc.net().layer_at(&p).cloned() else {
            return;
        };
        let mut at = p.clone();
        let last = at.len() - 1;
        at[last] += 1;
        self.commit(Change::Insert(at.clone(), layer));
        self.select_path(&at);
        self.say(t!(
            "app-duplicated",
            a1 = self.doc.net().path_label(&p),
            a2 = self.doc.net().path_label(&at)
        ));
    }

    /// The loop reports that the clipboard was given `what`.
    pub fn copied(&mut self, what: String, result: std::io::Result<()>) {
        match result {
            Ok(()) => self.say(what),
            Err(e) => self.fail(t!("app-could-not-copy", e = e.to_string())),
        }
    }

    pub(super) fn open_preset(&mut self, name: &str) {
        match presets::load_source(name) {
            Ok((net, source)) => {
                let doc = Document::new(net, None, Some(name.to_string()));
                self.replace(doc.read(Some(source), None));
                self.say(t!("app-opened-preset-name", name = name.to_string()));
            }
            Err(e) => self.fail(e.to_string()),
        }
    }

    /// Starts over on another document: selection, baseline and quiz go
    /// with the old one; the session stays.
    fn replace(&mut self, doc: Document) {
        let session = Session {
            theme: self.session.theme,
            lang: self.session.lang,
            ascii: self.session.ascii,
        };
        *self = App::with(doc, session);
    }

    /// Why writing to `path` must be confirmed first, if it must: `now` is
    /// the file there as the loop just found it (`None`: no file).
    pub fn write_conflict(&self, path: &std::path::Path, now: Option<Stamp>) -> Option<String> {
        let now = now?;
        let shown = path.display();
        if self.doc.path() != Some(path) {
            return Some(t!(
                "app-shown-already-exists-replace-it",
                shown = shown.to_string()
            ));
        }
        (self.doc.on_disk() != Some(now)).then(|| {
            t!(
                "app-shown-was-changed-by-another",
                shown = shown.to_string()
            )
        })
    }

    /// The loop found that `effect` would replace a file: ask first.
    pub fn confirm_overwrite(&mut self, effect: Effect, why: String) {
        self.mode = Mode::Overwrite { effect, why };
    }

    /// The loop reports how a save went, and how the file stands afterwards.
    /// What comes back is what was waiting for the save, if anything.
    pub fn saved(
        &mut self,
        path: PathBuf,
        result: std::io::Result<Source>,
        now: Option<Stamp>,
    ) -> Option<Effect> {
        let then = self.after_save.take();
        match result {
            Ok(source) => {
                self.say(t!("app-saved-to", a1 = path.display().to_string()));
                self.doc.saved(path, source, now);
                match then? {
                    AfterDiscard::Quit => Some(Effect::Quit),
                    AfterDiscard::Open => Some(self.open_list()),
                }
            }
            Err(e) => {
                let shown = path.display();
                self.fail(t!(
                    "app-could-not-save-to-shown",
                    shown = shown.to_string(),
                    e = e.to_string()
                ));
                None
            }
        }
    }

    /// The loop reports how opening a file went, and the file's stamp.
    pub fn opened(
        &mut self,
        path: PathBuf,
        result: Result<(Network, Source), FileError>,
        now: Option<Stamp>,
    ) {
        match result {
            Ok((net, source)) => {
                self.say(t!("app-opened", a1 = path.display().to_string()));
                let message = self.message.take();
                self.replace(Document::new(net, Some(path), None).read(Some(source), now));
                self.message = message;
            }
            Err(e) => self.fail(e.to_string()),
        }
    }

    /// The loop found that `path` is a PyTorch printout or a Keras model
    /// (`text`): one that gives its input shape opens at once, one that
    /// does not (a printout, always) first asks for it.
    pub fn import_text(&mut self, path: PathBuf, text: String) {
        if crate::import::needs_input(&text) {
            self.mode = Mode::ImportInput {
                path,
                text,
                input: Input::default(),
            };
        } else {
            self.import_with(&path, &text, None);
        }
    }

    /// Imports `text` (from `path`) on `input`; the network opens unsaved,
    /// its notes kept as comments for when it is saved.
    pub(super) fn import_with(
        &mut self,
        path: &std::path::Path,
        text: &str,
        input: Option<crate::network::Shape>,
    ) {
        let shown = path.display().to_string();
        let name = path
            .file_stem()
            .map_or("imported".into(), |s| s.to_string_lossy().into_owned());
        let imported = match crate::import::import(text, input, &name) {
            Ok(imported) => imported,
            Err(problems) => {
                let first = problems
                    .first()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                let more = problems.len().saturating_sub(1);
                return self.fail(t!(
                    "app-cannot-import",
                    path = shown,
                    first = first,
                    more = more.to_string()
                ));
            }
        };
        let written = crate::import::file_text(&imported);
        match Source::parse(&written) {
            Ok((net, source)) => {
                let params = crate::units::or_dash(crate::engine::analyze(&net).totals.params);
                self.replace(Document::new(net, None, None).read(Some(source), None));
                self.say(t!("app-imported", path = shown, params = params));
            }
            Err(e) => self.fail(e.to_string()),
        }
    }

    /// Messages quote paths and names the user gave: their control
    /// characters are shown as escapes, never sent to the terminal.
    pub(super) fn say(&mut self, text: impl Into<String>) {
        self.tell(text.into(), false);
    }

    pub(super) fn fail(&mut self, text: impl Into<String>) {
        self.tell(text.into(), true);
    }

    fn tell(&mut self, text: String, is_error: bool) {
        let message = Message {
            text: visible(&text).into_owned(),
            is_error,
        };
        if self.history.len() == HISTORY {
            self.history.remove(0);
        }
        self.history.push(message.clone());
        self.message = Some(message);
    }

    /// What `M` shows: the messages said so far, oldest first.
    pub fn messages(&self) -> &[Message] {
        &self.history
    }
}

fn next_stride(s: u64) -> u64 {
    match s {
        1 => 2,
        2 => 3,
        _ => 1,
    }
}

/// A file name from a network name: `LeNet, stride 2` → `lenet-stride-2`.
pub(super) fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if s.is_empty() {
        "network".to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lenet() -> App {
        App::new(presets::load("lenet").unwrap(), None, Some("lenet".into()))
    }

    #[test]
    fn every_change_recomputes_and_undo_returns_to_the_saved_state() {
        let mut app = lenet();
        app.update(Action::TogglePaddingAll);
        assert_eq!(app.analysis().totals.params, Some(107_786));
        assert!(app.is_dirty());
        app.update(Action::Undo);
        assert_eq!(app.analysis().totals.params, Some(44_426));
        assert!(
            !app.is_dirty(),
            "undoing back to the opened state is not a change"
        );
        app.update(Action::Redo);
        assert_eq!(app.analysis().totals.params, Some(107_786));
    }

    #[test]
    fn refused_changes_leave_the_network_alone_and_say_why() {
        let mut app = lenet();
        app.update(Action::TogglePadding); // on the input row
        assert!(app.message.as_ref().unwrap().is_error);
        app.selected = 5; // flatten
        app.update(Action::Grow);
        assert_eq!(
            app.message.as_ref().unwrap().text,
            "flatten has no kernel or units to resize"
        );
        assert!(!app.is_dirty());
    }

    #[test]
    fn slugs_make_file_names() {
        assert_eq!(slug("LeNet, stride 2"), "lenet-stride-2");
        assert_eq!(slug("!!"), "network");
    }
}
