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
}

/// One row of a keymap: keys and the action they ask for in its context.
pub struct Binding<A: 'static = Action> {
    /// How the keys are written in help and hints.
    pub label: &'static str,
    pub keys: &'static [Key],
    pub action: A,
    /// What the action does, for the help overlay.
    pub help: &'static str,
    pub help_ru: &'static str,
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
        help: "select the layer above",
        help_ru: "выбрать слой выше",
    },
    Binding {
        label: "↓ j",
        keys: &[plain(KeyCode::Down), ch('j')],
        action: Action::SelectDown,
        help: "select the layer below",
        help_ru: "выбрать слой ниже",
    },
    Binding {
        label: "PgUp",
        keys: &[plain(KeyCode::PageUp)],
        action: Action::PageUp,
        help: "up one screen",
        help_ru: "на экран вверх",
    },
    Binding {
        label: "PgDn",
        keys: &[plain(KeyCode::PageDown)],
        action: Action::PageDown,
        help: "down one screen",
        help_ru: "на экран вниз",
    },
    Binding {
        label: "Home g",
        keys: &[plain(KeyCode::Home), ch('g')],
        action: Action::SelectFirst,
        help: "select the input row",
        help_ru: "выбрать строку входа",
    },
    Binding {
        label: "End G",
        keys: &[plain(KeyCode::End), ch('G')],
        action: Action::SelectLast,
        help: "select the last layer",
        help_ru: "выбрать последний слой",
    },
    Binding {
        label: "a",
        keys: &[ch('a')],
        action: Action::AddLayer,
        help: "add a layer after the selection",
        help_ru: "добавить слой после выбранного",
    },
    Binding {
        label: "d Del",
        keys: &[ch('d'), plain(KeyCode::Delete)],
        action: Action::RemoveLayer,
        help: "remove the selected layer",
        help_ru: "удалить выбранный слой",
    },
    Binding {
        label: "Enter",
        keys: &[plain(KeyCode::Enter)],
        action: Action::Edit,
        help: "edit the layer's fields (the input shape on the input row; in a quiz: answer)",
        help_ru: "изменить поля слоя (на строке входа — размер входа; в викторине — ответить)",
    },
    Binding {
        label: "Shift+↑ K",
        keys: &[shift(KeyCode::Up), ch('K')],
        action: Action::MoveUp,
        help: "move the layer up",
        help_ru: "переместить слой вверх",
    },
    Binding {
        label: "Shift+↓ J",
        keys: &[shift(KeyCode::Down), ch('J')],
        action: Action::MoveDown,
        help: "move the layer down",
        help_ru: "переместить слой вниз",
    },
    Binding {
        label: "p",
        keys: &[ch('p')],
        action: Action::TogglePadding,
        help: "zero padding of this conv/pool: none ↔ same",
        help_ru: "дополнение нулями у этой свёртки/пулинга: нет ↔ same",
    },
    Binding {
        label: "P",
        keys: &[ch('P')],
        action: Action::TogglePaddingAll,
        help: "zero padding of every convolution: none ↔ same",
        help_ru: "дополнение нулями у всех свёрток: нет ↔ same",
    },
    Binding {
        label: "s",
        keys: &[ch('s')],
        action: Action::CycleStride,
        help: "stride of this conv/pool: 1 → 2 → 3 → 1",
        help_ru: "шаг этой свёртки/пулинга: 1 → 2 → 3 → 1",
    },
    Binding {
        label: "S",
        keys: &[ch('S')],
        action: Action::CycleStrideAll,
        help: "stride of every convolution: 1 → 2 → 3 → 1",
        help_ru: "шаг всех свёрток: 1 → 2 → 3 → 1",
    },
    Binding {
        label: "+",
        keys: &[ch('+'), ch('=')],
        action: Action::Grow,
        help: "grow the kernel or window (dense: +1 unit)",
        help_ru: "увеличить ядро или окно (dense: +1 нейрон)",
    },
    Binding {
        label: "-",
        keys: &[ch('-')],
        action: Action::Shrink,
        help: "shrink the kernel or window (dense: −1 unit)",
        help_ru: "уменьшить ядро или окно (dense: −1 нейрон)",
    },
    Binding {
        label: ">",
        keys: &[ch('>')],
        action: Action::Widen,
        help: "double the filters (conv) or units (dense)",
        help_ru: "удвоить фильтры (conv) или нейроны (dense)",
    },
    Binding {
        label: "<",
        keys: &[ch('<')],
        action: Action::Narrow,
        help: "halve the filters (conv) or units (dense)",
        help_ru: "вдвое меньше фильтров (conv) или нейронов (dense)",
    },
    Binding {
        label: "c",
        keys: &[ch('c')],
        action: Action::ToggleKernels,
        help: "kernel convention: full (PyTorch/Keras) ↔ shared (problem set)",
        help_ru: "счёт ядер: полные (PyTorch/Keras) ↔ общие (задачник)",
    },
    Binding {
        label: "f",
        keys: &[ch('f')],
        action: Action::Fix,
        help: "fixes for the selected red row, each with its effect",
        help_ru: "исправления для выбранной красной строки, у каждого — его результат",
    },
    Binding {
        label: "b",
        keys: &[ch('b')],
        action: Action::PinBaseline,
        help: "pin this network as the baseline to compare with",
        help_ru: "запомнить эту сеть как базу для сравнения",
    },
    Binding {
        label: "B",
        keys: &[ch('B')],
        action: Action::ClearBaseline,
        help: "clear the baseline",
        help_ru: "забыть базу",
    },
    Binding {
        label: "[",
        keys: &[ch('[')],
        action: Action::ShrinkInput,
        help: "input height and width −1",
        help_ru: "высота и ширина входа −1",
    },
    Binding {
        label: "]",
        keys: &[ch(']')],
        action: Action::GrowInput,
        help: "input height and width +1",
        help_ru: "высота и ширина входа +1",
    },
    Binding {
        label: "{",
        keys: &[ch('{')],
        action: Action::HalveInput,
        help: "halve the input height and width",
        help_ru: "вдвое уменьшить высоту и ширину входа",
    },
    Binding {
        label: "}",
        keys: &[ch('}')],
        action: Action::DoubleInput,
        help: "double the input height and width",
        help_ru: "вдвое увеличить высоту и ширину входа",
    },
    Binding {
        label: "Q",
        keys: &[ch('Q')],
        action: Action::Quiz,
        help: "quiz: hide shapes and parameters from this layer down (again: end it)",
        help_ru: "викторина: скрыть размеры и параметры с этого слоя вниз (ещё раз — закончить)",
    },
    Binding {
        label: "u",
        keys: &[ch('u')],
        action: Action::Undo,
        help: "undo",
        help_ru: "отменить",
    },
    Binding {
        label: "Ctrl+r",
        keys: &[ctrl('r')],
        action: Action::Redo,
        help: "redo",
        help_ru: "вернуть",
    },
    Binding {
        label: "Ctrl+s",
        keys: &[ctrl('s')],
        action: Action::Save,
        help: "save (asks for a path when there is none)",
        help_ru: "сохранить (спросит путь, если его нет)",
    },
    Binding {
        label: "x",
        keys: &[ch('x')],
        action: Action::Export,
        help: "export: PyTorch or Keras code, or the table (Markdown, LaTeX, CSV)",
        help_ru: "экспорт: код PyTorch или Keras, либо таблица (Markdown, LaTeX, CSV)",
    },
    Binding {
        label: "o",
        keys: &[ch('o')],
        action: Action::Open,
        help: "open a preset or a file",
        help_ru: "открыть встроенную сеть или файл",
    },
    Binding {
        label: "?",
        keys: &[ch('?')],
        action: Action::Help,
        help: "this help",
        help_ru: "эта справка",
    },
    Binding {
        label: "q",
        keys: &[ch('q')],
        action: Action::Quit,
        help: "quit (asks first if there are unsaved changes or a quiz)",
        help_ru: "выйти (спросит, если есть несохранённое или викторина)",
    },
    Binding {
        label: "Esc",
        keys: &[plain(KeyCode::Esc)],
        action: Action::Dismiss,
        help: "close the message; in a popup, close it (Esc never quits)",
        help_ru: "убрать сообщение; во всплывающем окне — закрыть его (Esc не выходит)",
    },
    Binding {
        label: "Ctrl+z",
        keys: &[ctrl('z')],
        action: Action::Suspend,
        help: "suspend to the shell (fg comes back)",
        help_ru: "приостановить и выйти в оболочку (fg вернёт)",
    },
    Binding {
        label: "Ctrl+c",
        keys: &[ctrl('c')],
        action: Action::ForceQuit,
        help: "quit at once",
        help_ru: "выйти сразу",
    },
];

/// The actions the footer hint names, most needed first (a narrow terminal
/// cuts the line from the right).
pub const HINT: &[(Action, &str, &str)] = &[
    (Action::Help, "help", "справка"),
    (Action::Quit, "quit", "выход"),
    (Action::AddLayer, "add", "добавить"),
    (Action::RemoveLayer, "delete", "удалить"),
    (Action::Edit, "edit", "изменить"),
    (Action::TogglePaddingAll, "pad all", "дополнить все"),
    (Action::CycleStrideAll, "stride all", "шаг всех"),
    (Action::Grow, "kernel", "ядро"),
    (Action::ToggleKernels, "convention", "счёт ядер"),
    (Action::Undo, "undo", "отменить"),
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
        help: "the entry above",
        help_ru: "пункт выше",
    },
    Binding {
        label: "↓ j",
        keys: &[plain(KeyCode::Down), ch('j')],
        action: ListAction::Down,
        help: "the entry below",
        help_ru: "пункт ниже",
    },
    Binding {
        label: "Home",
        keys: &[plain(KeyCode::Home)],
        action: ListAction::First,
        help: "the first entry",
        help_ru: "первый пункт",
    },
    Binding {
        label: "End",
        keys: &[plain(KeyCode::End)],
        action: ListAction::Last,
        help: "the last entry",
        help_ru: "последний пункт",
    },
    Binding {
        label: "Enter",
        keys: &[plain(KeyCode::Enter)],
        action: ListAction::Choose,
        help: "take the entry",
        help_ru: "взять пункт",
    },
    Binding {
        label: "Esc q",
        keys: &[plain(KeyCode::Esc), ch('q')],
        action: ListAction::Cancel,
        help: "close the list, taking nothing",
        help_ru: "закрыть список, ничего не взяв",
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
}

pub const FORM_KEYS: &[Binding<FormAction>] = &[
    Binding {
        label: "Enter",
        keys: &[plain(KeyCode::Enter)],
        action: FormAction::Apply,
        help: "apply the form (or the path typed)",
        help_ru: "применить форму (или введённый путь)",
    },
    Binding {
        label: "Esc",
        keys: &[plain(KeyCode::Esc)],
        action: FormAction::Cancel,
        help: "close it, changing nothing",
        help_ru: "закрыть, ничего не меняя",
    },
    Binding {
        label: "Tab ↓",
        keys: &[plain(KeyCode::Tab), plain(KeyCode::Down)],
        action: FormAction::Next,
        help: "the next field",
        help_ru: "следующее поле",
    },
    Binding {
        label: "Shift+Tab ↑",
        keys: &[
            plain(KeyCode::BackTab),
            shift(KeyCode::BackTab),
            plain(KeyCode::Up),
        ],
        action: FormAction::Previous,
        help: "the previous field",
        help_ru: "предыдущее поле",
    },
];

/// In a yes/no question (unsaved changes, replacing a file).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, strum::EnumIter)]
pub enum ConfirmAction {
    /// Go on.
    Yes,
    /// Stay, doing nothing.
    No,
}

pub const CONFIRM_KEYS: &[Binding<ConfirmAction>] = &[
    Binding {
        label: "y",
        keys: &[ch('y'), ch('Y')],
        action: ConfirmAction::Yes,
        help: "yes, go on",
        help_ru: "да, продолжить",
    },
    Binding {
        label: "n Esc",
        keys: &[ch('n'), ch('N'), plain(KeyCode::Esc)],
        action: ConfirmAction::No,
        help: "no, stay",
        help_ru: "нет, остаться",
    },
];

/// In this help. Any other key closes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, strum::EnumIter)]
pub enum HelpAction {
    /// Show the lines below.
    ScrollDown,
    /// Show the lines above.
    ScrollUp,
}

pub const HELP_KEYS: &[Binding<HelpAction>] = &[
    Binding {
        label: "↓ j PgDn",
        keys: &[plain(KeyCode::Down), ch('j'), plain(KeyCode::PageDown)],
        action: HelpAction::ScrollDown,
        help: "scroll this help down (any other key closes it)",
        help_ru: "листать справку вниз (другая клавиша закрывает её)",
    },
    Binding {
        label: "↑ k PgUp",
        keys: &[plain(KeyCode::Up), ch('k'), plain(KeyCode::PageUp)],
        action: HelpAction::ScrollUp,
        help: "scroll this help up",
        help_ru: "листать справку вверх",
    },
];

impl<A> Binding<A> {
    /// What the action does, in the current language.
    pub fn describe(&self) -> &'static str {
        crate::lang::tr(self.help, self.help_ru)
    }
}

/// How many rows the keymaps give the help overlay, at most.
pub fn help_rows() -> usize {
    KEYS.len() + LIST_KEYS.len() + FORM_KEYS.len() + CONFIRM_KEYS.len() + HELP_KEYS.len()
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
/// cancel`, each key as the map writes it, each word in the language.
pub fn hint<A: PartialEq + Copy>(map: &[Binding<A>], words: &[(A, &str, &str)]) -> String {
    words
        .iter()
        .map(|&(action, en, ru)| format!(" {} {}", key_in(map, action), crate::lang::tr(en, ru)))
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
        for (action, _, _) in HINT {
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
            .chain(HELP_KEYS.iter().map(|b| (b.label, b.help)));
        for (label, help) in rows {
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
