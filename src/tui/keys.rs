//! The keymaps: which key does what, one map per context — the layer table
//! (`KEYS`), lists (`LIST_KEYS`), forms and prompts (`FORM_KEYS`), yes/no
//! questions (`CONFIRM_KEYS`) and the help overlay (`HELP_KEYS`). Dispatch,
//! the `?` help, the footer and every popup's hint line are all read from
//! these maps, so they cannot drift apart.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What a person can ask of the explorer from the layer table. What each
/// one does, in words, is written once: in `KEYS`, where help reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, strum::EnumIter)]
pub enum Action {
    SelectUp,
    SelectDown,
    PageUp,
    PageDown,
    SelectFirst,
    SelectLast,
    AddLayer,
    RemoveLayer,
    Edit,
    MoveUp,
    MoveDown,
    TogglePadding,
    TogglePaddingAll,
    CycleStride,
    CycleStrideAll,
    Grow,
    Shrink,
    Widen,
    Narrow,
    ToggleKernels,
    Undo,
    Redo,
    Save,
    Open,
    Help,
    Quit,
    Dismiss,
    Suspend,
    ForceQuit,
    PinBaseline,
    ClearBaseline,
    ShrinkInput,
    GrowInput,
    HalveInput,
    DoubleInput,
    Fix,
    Quiz,
    Export,
    Unfold,
    Fold,
    WrapResidual,
    AddBranch,
    View,
    Graph,
    Memory,
    Messages,
    Search,
    SearchNext,
    SearchPrevious,
    NextBroken,
    GoTo,
    Copy,
    Duplicate,
    SaveAs,
}

/// One row of a keymap: keys and the action they ask for in its context.
pub struct Binding<A: 'static = Action> {
    /// How the keys are written in help and hints.
    pub label: &'static str,
    pub keys: &'static [Key],
    pub action: A,
    /// The catalogue's message saying what the action does, for the help.
    pub help: &'static str,
}

/// A key with the modifiers it must be pressed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

const fn plain(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}

const fn ch(c: char) -> Key {
    plain(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

const fn shift(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::SHIFT,
    }
}

/// The explorer's keys on the layer table, in the order help lists them.
pub const KEYS: &[Binding] = &[
    Binding {
        label: "↑ k",
        keys: &[plain(KeyCode::Up), ch('k')],
        action: Action::SelectUp,
        help: "key-select-up",
    },
    Binding {
        label: "↓ j",
        keys: &[plain(KeyCode::Down), ch('j')],
        action: Action::SelectDown,
        help: "key-select-down",
    },
    Binding {
        label: "PgUp",
        keys: &[plain(KeyCode::PageUp)],
        action: Action::PageUp,
        help: "key-page-up",
    },
    Binding {
        label: "PgDn",
        keys: &[plain(KeyCode::PageDown)],
        action: Action::PageDown,
        help: "key-page-down",
    },
    Binding {
        label: "Home",
        keys: &[plain(KeyCode::Home)],
        action: Action::SelectFirst,
        help: "key-select-first",
    },
    Binding {
        label: "End G",
        keys: &[plain(KeyCode::End), ch('G')],
        action: Action::SelectLast,
        help: "key-select-last",
    },
    Binding {
        label: "→ l",
        keys: &[plain(KeyCode::Right), ch('l')],
        action: Action::Unfold,
        help: "key-unfold",
    },
    Binding {
        label: "← h",
        keys: &[plain(KeyCode::Left), ch('h')],
        action: Action::Fold,
        help: "key-fold",
    },
    Binding {
        label: "/",
        keys: &[ch('/')],
        action: Action::Search,
        help: "key-search",
    },
    Binding {
        label: "n",
        keys: &[ch('n')],
        action: Action::SearchNext,
        help: "key-search-next",
    },
    Binding {
        label: "N",
        keys: &[ch('N')],
        action: Action::SearchPrevious,
        help: "key-search-previous",
    },
    Binding {
        label: "e",
        keys: &[ch('e')],
        action: Action::NextBroken,
        help: "key-next-broken",
    },
    Binding {
        label: ":",
        keys: &[ch(':')],
        action: Action::GoTo,
        help: "key-go-to",
    },
    Binding {
        label: "a",
        keys: &[ch('a')],
        action: Action::AddLayer,
        help: "key-add-layer",
    },
    Binding {
        label: "A",
        keys: &[ch('A')],
        action: Action::AddBranch,
        help: "key-add-branch",
    },
    Binding {
        label: "r",
        keys: &[ch('r')],
        action: Action::WrapResidual,
        help: "key-wrap-residual",
    },
    Binding {
        label: "v",
        keys: &[ch('v')],
        action: Action::View,
        help: "key-view",
    },
    Binding {
        label: "g",
        keys: &[ch('g')],
        action: Action::Graph,
        help: "key-graph",
    },
    Binding {
        label: "m",
        keys: &[ch('m')],
        action: Action::Memory,
        help: "key-memory",
    },
    Binding {
        label: "M",
        keys: &[ch('M')],
        action: Action::Messages,
        help: "key-messages",
    },
    Binding {
        label: "D",
        keys: &[ch('D')],
        action: Action::Duplicate,
        help: "key-duplicate",
    },
    Binding {
        label: "d Del",
        keys: &[ch('d'), plain(KeyCode::Delete)],
        action: Action::RemoveLayer,
        help: "key-remove-layer",
    },
    Binding {
        label: "Enter",
        keys: &[plain(KeyCode::Enter)],
        action: Action::Edit,
        help: "key-edit",
    },
    Binding {
        label: "Shift+↑ K",
        keys: &[shift(KeyCode::Up), ch('K')],
        action: Action::MoveUp,
        help: "key-move-up",
    },
    Binding {
        label: "Shift+↓ J",
        keys: &[shift(KeyCode::Down), ch('J')],
        action: Action::MoveDown,
        help: "key-move-down",
    },
    Binding {
        label: "p",
        keys: &[ch('p')],
        action: Action::TogglePadding,
        help: "key-toggle-padding",
    },
    Binding {
        label: "P",
        keys: &[ch('P')],
        action: Action::TogglePaddingAll,
        help: "key-toggle-padding-all",
    },
    Binding {
        label: "s",
        keys: &[ch('s')],
        action: Action::CycleStride,
        help: "key-cycle-stride",
    },
    Binding {
        label: "S",
        keys: &[ch('S')],
        action: Action::CycleStrideAll,
        help: "key-cycle-stride-all",
    },
    Binding {
        label: "+",
        keys: &[ch('+'), ch('=')],
        action: Action::Grow,
        help: "key-grow",
    },
    Binding {
        label: "-",
        keys: &[ch('-')],
        action: Action::Shrink,
        help: "key-shrink",
    },
    Binding {
        label: ">",
        keys: &[ch('>')],
        action: Action::Widen,
        help: "key-widen",
    },
    Binding {
        label: "<",
        keys: &[ch('<')],
        action: Action::Narrow,
        help: "key-narrow",
    },
    Binding {
        label: "c",
        keys: &[ch('c')],
        action: Action::ToggleKernels,
        help: "key-toggle-kernels",
    },
    Binding {
        label: "f",
        keys: &[ch('f')],
        action: Action::Fix,
        help: "key-fix",
    },
    Binding {
        label: "b",
        keys: &[ch('b')],
        action: Action::PinBaseline,
        help: "key-pin-baseline",
    },
    Binding {
        label: "B",
        keys: &[ch('B')],
        action: Action::ClearBaseline,
        help: "key-clear-baseline",
    },
    Binding {
        label: "[",
        keys: &[ch('[')],
        action: Action::ShrinkInput,
        help: "key-shrink-input",
    },
    Binding {
        label: "]",
        keys: &[ch(']')],
        action: Action::GrowInput,
        help: "key-grow-input",
    },
    Binding {
        label: "{",
        keys: &[ch('{')],
        action: Action::HalveInput,
        help: "key-halve-input",
    },
    Binding {
        label: "}",
        keys: &[ch('}')],
        action: Action::DoubleInput,
        help: "key-double-input",
    },
    Binding {
        label: "Q",
        keys: &[ch('Q')],
        action: Action::Quiz,
        help: "key-quiz",
    },
    Binding {
        label: "u",
        keys: &[ch('u')],
        action: Action::Undo,
        help: "key-undo",
    },
    Binding {
        label: "Ctrl+r",
        keys: &[ctrl('r')],
        action: Action::Redo,
        help: "key-redo",
    },
    Binding {
        label: "Ctrl+s",
        keys: &[ctrl('s')],
        action: Action::Save,
        help: "key-save",
    },
    Binding {
        label: "W",
        keys: &[ch('W')],
        action: Action::SaveAs,
        help: "key-save-as",
    },
    Binding {
        label: "y",
        keys: &[ch('y')],
        action: Action::Copy,
        help: "key-copy",
    },
    Binding {
        label: "x",
        keys: &[ch('x')],
        action: Action::Export,
        help: "key-export",
    },
    Binding {
        label: "o",
        keys: &[ch('o')],
        action: Action::Open,
        help: "key-open",
    },
    Binding {
        label: "? F1",
        keys: &[ch('?'), plain(KeyCode::F(1))],
        action: Action::Help,
        help: "key-help",
    },
    Binding {
        label: "q",
        keys: &[ch('q')],
        action: Action::Quit,
        help: "key-quit",
    },
    Binding {
        label: "Esc",
        keys: &[plain(KeyCode::Esc)],
        action: Action::Dismiss,
        help: "key-dismiss",
    },
    Binding {
        label: "Ctrl+z",
        keys: &[ctrl('z')],
        action: Action::Suspend,
        help: "key-suspend",
    },
    Binding {
        label: "Ctrl+c",
        keys: &[ctrl('c')],
        action: Action::ForceQuit,
        help: "key-force-quit",
    },
];

/// The actions the footer hint names, most needed first (a narrow terminal
/// cuts the line from the right).
pub const HINT: &[(Action, &str)] = &[
    (Action::Help, "hint-help"),
    (Action::Quit, "hint-quit"),
    (Action::Search, "hint-search"),
    (Action::AddLayer, "hint-add-layer"),
    (Action::RemoveLayer, "hint-remove-layer"),
    (Action::Edit, "hint-edit"),
    (Action::TogglePaddingAll, "hint-toggle-padding-all"),
    (Action::CycleStrideAll, "hint-cycle-stride-all"),
    (Action::Grow, "hint-grow"),
    (Action::ToggleKernels, "hint-toggle-kernels"),
    (Action::Undo, "hint-undo"),
];

/// In a list (add a layer, open, export, fixes). A letter not bound here
/// jumps to the next entry starting with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, strum::EnumIter)]
pub enum ListAction {
    /// Move to the entry above.
    Up,
    /// Move to the entry below.
    Down,
    /// Move to the first entry.
    First,
    /// Move to the last entry.
    Last,
    /// Take the entry.
    Choose,
    /// Close the list, taking nothing.
    Cancel,
}

pub const LIST_KEYS: &[Binding<ListAction>] = &[
    Binding {
        label: "↑ k",
        keys: &[plain(KeyCode::Up), ch('k')],
        action: ListAction::Up,
        help: "key-list-up",
    },
    Binding {
        label: "↓ j",
        keys: &[plain(KeyCode::Down), ch('j')],
        action: ListAction::Down,
        help: "key-list-down",
    },
    Binding {
        label: "Home",
        keys: &[plain(KeyCode::Home)],
        action: ListAction::First,
        help: "key-list-first",
    },
    Binding {
        label: "End",
        keys: &[plain(KeyCode::End)],
        action: ListAction::Last,
        help: "key-list-last",
    },
    Binding {
        label: "Enter",
        keys: &[plain(KeyCode::Enter)],
        action: ListAction::Choose,
        help: "key-list-choose",
    },
    Binding {
        label: "Esc q",
        keys: &[plain(KeyCode::Esc), ch('q')],
        action: ListAction::Cancel,
        help: "key-list-cancel",
    },
];

/// In a form, the quiz's answer form and a path prompt. Other keys type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, strum::EnumIter)]
pub enum FormAction {
    /// Apply what the form says (or take the path typed).
    Apply,
    /// Close the form, changing nothing.
    Cancel,
    /// Move to the next field.
    Next,
    /// Move to the previous field.
    Previous,
    /// On a choice, the next value (elsewhere the key types or moves the cursor).
    NextChoice,
    /// On a choice, the previous value.
    PreviousChoice,
}

pub const FORM_KEYS: &[Binding<FormAction>] = &[
    Binding {
        label: "Enter",
        keys: &[plain(KeyCode::Enter)],
        action: FormAction::Apply,
        help: "key-form-apply",
    },
    Binding {
        label: "Esc",
        keys: &[plain(KeyCode::Esc)],
        action: FormAction::Cancel,
        help: "key-form-cancel",
    },
    Binding {
        label: "Tab ↓",
        keys: &[plain(KeyCode::Tab), plain(KeyCode::Down)],
        action: FormAction::Next,
        help: "key-form-next",
    },
    Binding {
        label: "Shift+Tab ↑",
        keys: &[
            plain(KeyCode::BackTab),
            shift(KeyCode::BackTab),
            plain(KeyCode::Up),
        ],
        action: FormAction::Previous,
        help: "key-form-previous",
    },
    Binding {
        label: "→ Space",
        keys: &[plain(KeyCode::Right), ch(' ')],
        action: FormAction::NextChoice,
        help: "key-form-next-choice",
    },
    Binding {
        label: "←",
        keys: &[plain(KeyCode::Left)],
        action: FormAction::PreviousChoice,
        help: "key-form-previous-choice",
    },
];

/// The action of a key in a text box: the choice keys type or move the
/// cursor there, as in any text box.
pub fn text_action(event: &KeyEvent) -> Option<FormAction> {
    action_in(FORM_KEYS, event)
        .filter(|a| !matches!(a, FormAction::NextChoice | FormAction::PreviousChoice))
}

/// In the picture of a layer (`v`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, strum::EnumIter)]
pub enum ViewAction {
    Left,
    Right,
    Up,
    Down,
    /// Start or stop stepping through the output cells, row by row.
    Play,
    /// Between the layer's arithmetic and its receptive field.
    Switch,
    /// The next or previous output depth slice of a 3-D layer.
    Deeper,
    Shallower,
    Pad,
    Stride,
    Grow,
    Shrink,
    Close,
}

pub const VIEW_KEYS: &[Binding<ViewAction>] = &[
    Binding {
        label: "← h",
        keys: &[plain(KeyCode::Left), ch('h')],
        action: ViewAction::Left,
        help: "key-view-left",
    },
    Binding {
        label: "→ l",
        keys: &[plain(KeyCode::Right), ch('l')],
        action: ViewAction::Right,
        help: "key-view-right",
    },
    Binding {
        label: "↑ k",
        keys: &[plain(KeyCode::Up), ch('k')],
        action: ViewAction::Up,
        help: "key-view-up",
    },
    Binding {
        label: "↓ j",
        keys: &[plain(KeyCode::Down), ch('j')],
        action: ViewAction::Down,
        help: "key-view-down",
    },
    Binding {
        label: "Space",
        keys: &[ch(' ')],
        action: ViewAction::Play,
        help: "key-view-play",
    },
    Binding {
        label: "Tab",
        keys: &[plain(KeyCode::Tab)],
        action: ViewAction::Switch,
        help: "key-view-switch",
    },
    Binding {
        label: "PgDn",
        keys: &[plain(KeyCode::PageDown)],
        action: ViewAction::Deeper,
        help: "key-view-deeper",
    },
    Binding {
        label: "PgUp",
        keys: &[plain(KeyCode::PageUp)],
        action: ViewAction::Shallower,
        help: "key-view-shallower",
    },
    Binding {
        label: "p",
        keys: &[ch('p')],
        action: ViewAction::Pad,
        help: "key-toggle-padding",
    },
    Binding {
        label: "s",
        keys: &[ch('s')],
        action: ViewAction::Stride,
        help: "key-cycle-stride",
    },
    Binding {
        label: "+",
        keys: &[ch('+'), ch('=')],
        action: ViewAction::Grow,
        help: "key-grow",
    },
    Binding {
        label: "-",
        keys: &[ch('-')],
        action: ViewAction::Shrink,
        help: "key-shrink",
    },
    Binding {
        label: "Esc v q",
        keys: &[plain(KeyCode::Esc), ch('v'), ch('q')],
        action: ViewAction::Close,
        help: "key-view-close",
    },
];

/// In a yes/no question (unsaved changes, replacing a file).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, strum::EnumIter)]
pub enum ConfirmAction {
    /// Go on.
    Yes,
    /// Stay, doing nothing.
    No,
    /// Save, then go on (only where there is something to save).
    SaveFirst,
}

pub const CONFIRM_KEYS: &[Binding<ConfirmAction>] = &[
    Binding {
        label: "y",
        keys: &[ch('y'), ch('Y')],
        action: ConfirmAction::Yes,
        help: "key-confirm-yes",
    },
    Binding {
        label: "n Esc",
        keys: &[ch('n'), ch('N'), plain(KeyCode::Esc)],
        action: ConfirmAction::No,
        help: "key-confirm-no",
    },
    Binding {
        label: "s",
        keys: &[ch('s'), ch('S')],
        action: ConfirmAction::SaveFirst,
        help: "key-confirm-save-first",
    },
];

/// In this help. Any other key closes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, strum::EnumIter)]
pub enum HelpAction {
    /// Show the line below.
    ScrollDown,
    /// Show the line above.
    ScrollUp,
    PageDown,
    PageUp,
    Top,
    Bottom,
    /// Type words to keep only the lines that hold them.
    Find,
}

pub const HELP_KEYS: &[Binding<HelpAction>] = &[
    Binding {
        label: "↓ j",
        keys: &[plain(KeyCode::Down), ch('j')],
        action: HelpAction::ScrollDown,
        help: "key-help-scroll-down",
    },
    Binding {
        label: "↑ k",
        keys: &[plain(KeyCode::Up), ch('k')],
        action: HelpAction::ScrollUp,
        help: "key-help-scroll-up",
    },
    Binding {
        label: "PgDn Space",
        keys: &[plain(KeyCode::PageDown), ch(' ')],
        action: HelpAction::PageDown,
        help: "key-help-page-down",
    },
    Binding {
        label: "PgUp",
        keys: &[plain(KeyCode::PageUp)],
        action: HelpAction::PageUp,
        help: "key-help-page-up",
    },
    Binding {
        label: "Home g",
        keys: &[plain(KeyCode::Home), ch('g')],
        action: HelpAction::Top,
        help: "key-help-top",
    },
    Binding {
        label: "End G",
        keys: &[plain(KeyCode::End), ch('G')],
        action: HelpAction::Bottom,
        help: "key-help-bottom",
    },
    Binding {
        label: "/",
        keys: &[ch('/')],
        action: HelpAction::Find,
        help: "key-help-find",
    },
];

impl<A> Binding<A> {
    /// What the action does, in the current language.
    pub fn describe(&self) -> String {
        crate::i18n::text(self.help)
    }
}

/// The action a key press asks for on the layer table, if any.
pub fn action_for(event: &KeyEvent) -> Option<Action> {
    action_in(KEYS, event)
}

/// The action a key press asks for in the context of `map`, if any.
pub fn action_in<A: Copy>(map: &[Binding<A>], event: &KeyEvent) -> Option<A> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    map.iter()
        .find(|b| b.keys.iter().any(|k| matches(k, event)))
        .map(|b| b.action)
}

/// The first key of a table action, as help writes it (`Ctrl+s`).
pub fn key_for(action: Action) -> &'static str {
    key_in(KEYS, action)
}

/// The first key of `action` in `map`.
pub fn key_in<A: PartialEq>(map: &[Binding<A>], action: A) -> &'static str {
    map.iter()
        .find(|b| b.action == action)
        .and_then(|b| b.label.split(' ').next())
        .unwrap_or("")
}

/// A popup's hint line from its keymap: ` Tab next field   Enter apply   Esc
/// cancel`, each key as the map writes it, each word (a message id) in the
/// language.
pub fn hint<A: PartialEq + Copy>(map: &[Binding<A>], words: &[(A, &str)]) -> String {
    words
        .iter()
        .map(|&(action, id)| format!(" {} {}", key_in(map, action), crate::i18n::text(id)))
        .collect::<Vec<_>>()
        .join("  ")
}

fn matches(key: &Key, event: &KeyEvent) -> bool {
    if key.code != event.code {
        return false;
    }
    // Terminals differ on whether a typed `P` or `+` carries SHIFT: for
    // printable characters the character itself decides.
    let relevant = KeyModifiers::CONTROL | KeyModifiers::ALT;
    match key.code {
        KeyCode::Char(_) => (event.modifiers & relevant) == (key.modifiers & relevant),
        _ => event.modifiers == key.modifiers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_key_and_no_key_does_two_things() {
        use strum::IntoEnumIterator;
        for action in Action::iter() {
            let bound = KEYS.iter().filter(|b| b.action == action).count();
            assert_eq!(bound, 1, "{action:?} has one row in the key table");
            assert!(!key_for(action).is_empty(), "{action:?} has a key");
        }
        let mut seen = Vec::new();
        for b in KEYS {
            for k in b.keys {
                assert!(!seen.contains(k), "{k:?} bound twice");
                seen.push(*k);
            }
            assert!(!b.help.is_empty());
        }
        for (action, _) in HINT {
            assert!(
                !key_for(*action).is_empty(),
                "{action:?} in the hint has no key"
            );
        }
    }

    #[test]
    fn the_readme_key_tables_match_the_keymaps() {
        let readme = include_str!("../../README.md");
        let rows = (KEYS.iter().map(|b| (b.label, b.help)))
            .chain(LIST_KEYS.iter().map(|b| (b.label, b.help)))
            .chain(FORM_KEYS.iter().map(|b| (b.label, b.help)))
            .chain(CONFIRM_KEYS.iter().map(|b| (b.label, b.help)))
            .chain(HELP_KEYS.iter().map(|b| (b.label, b.help)))
            .chain(VIEW_KEYS.iter().map(|b| (b.label, b.help)));
        for (label, help) in rows {
            let help = crate::i18n::english(help);
            let row = format!("| `{label}` | {help} |");
            assert!(readme.contains(&row), "README.md lacks the row {row}");
        }
    }

    #[test]
    fn every_popup_action_has_a_key_and_no_key_does_two_things_in_a_context() {
        use strum::IntoEnumIterator;
        fn check<A: Copy + PartialEq + std::fmt::Debug + IntoEnumIterator>(map: &[Binding<A>]) {
            for action in A::iter() {
                assert_eq!(
                    map.iter().filter(|b| b.action == action).count(),
                    1,
                    "{action:?} has one row"
                );
            }
            let keys: Vec<&Key> = map.iter().flat_map(|b| b.keys).collect();
            for (i, k) in keys.iter().enumerate() {
                assert!(!keys[i + 1..].contains(k), "{k:?} bound twice");
            }
        }
        check(LIST_KEYS);
        check(FORM_KEYS);
        check(CONFIRM_KEYS);
        check(HELP_KEYS);
        check(VIEW_KEYS);
    }

    #[test]
    fn shift_is_ignored_for_characters_but_not_for_arrows() {
        let typed = |code, modifiers| KeyEvent::new(code, modifiers);
        assert_eq!(
            action_for(&typed(KeyCode::Char('P'), KeyModifiers::SHIFT)),
            Some(Action::TogglePaddingAll)
        );
        assert_eq!(
            action_for(&typed(KeyCode::Up, KeyModifiers::SHIFT)),
            Some(Action::MoveUp)
        );
        assert_eq!(
            action_for(&typed(KeyCode::Up, KeyModifiers::NONE)),
            Some(Action::SelectUp)
        );
        assert_eq!(
            action_for(&typed(KeyCode::Char('s'), KeyModifiers::CONTROL)),
            Some(Action::Save)
        );
        assert_eq!(
            action_for(&typed(KeyCode::Char('z'), KeyModifiers::NONE)),
            None
        );
    }
}
