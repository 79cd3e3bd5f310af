//! The key table: which key does what. Dispatch, the `?` help overlay and the
//! footer's hint are all read from `KEYS`, so they cannot drift apart.

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

/// One row of the key table.
pub struct Binding {
    /// How the keys are written in help and hints.
    pub label: &'static str,
    pub keys: &'static [Key],
    pub action: Action,
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

/// The explorer's keys, in the order help lists them.
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

impl Binding {
    /// What the action does, in the current language.
    pub fn describe(&self) -> &'static str {
        crate::lang::tr(self.help, self.help_ru)
    }
}

/// The action a key press asks for, if any.
pub fn action_for(event: &KeyEvent) -> Option<Action> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    KEYS.iter()
        .find(|b| b.keys.iter().any(|k| matches(k, event)))
        .map(|b| b.action)
}

/// The first key of an action, as help writes it (`Ctrl+s`).
pub fn key_for(action: Action) -> &'static str {
    KEYS.iter()
        .find(|b| b.action == action)
        .and_then(|b| b.label.split(' ').next())
        .unwrap_or("")
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
    fn the_readme_key_table_matches_the_key_table() {
        let readme = include_str!("../../README.md");
        for b in KEYS {
            let row = format!("| `{}` | {} |", b.label, b.help);
            assert!(readme.contains(&row), "README.md lacks the row {row}");
        }
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
