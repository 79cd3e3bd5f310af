//! The small popups' own states and what keys and the wheel do to them:
//! a list (add a layer, open, export, fixes), the help, the messages. Each
//! knows only itself — the entries it is shown, how much of it fits — and
//! says what happened; the app decides what that means for the network.
//! Their drawing is in `view/popups.rs` (`ListPopup`, `HelpPopup`,
//! `MessagesPopup`), one widget each.

use super::keys::{self, HelpAction, ListAction};
use crossterm::event::{KeyCode, KeyEvent};

/// A list popup: which entry is chosen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct List {
    pub choice: usize,
}

/// What a key did to a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Picked {
    /// The choice moved (or stayed): the list stays open.
    Moved,
    /// Enter on entry `n`.
    Take(usize),
    Cancel,
}

impl List {
    /// A key in a list of `names`: the list keys move and take; a letter
    /// no key binds jumps to the next entry starting with it, whatever its
    /// case (`K` reaches `Keras`, as `k` is a key of its own).
    pub fn key(&mut self, key: &KeyEvent, names: &[&str]) -> Picked {
        let last = names.len().saturating_sub(1);
        match keys::action_in(keys::LIST_KEYS, key) {
            Some(ListAction::Up) => self.choice = self.choice.saturating_sub(1),
            Some(ListAction::Down) => self.choice = (self.choice + 1).min(last),
            Some(ListAction::First) => self.choice = 0,
            Some(ListAction::Last) => self.choice = last,
            Some(ListAction::Choose) => return Picked::Take(self.choice),
            Some(ListAction::Cancel) => return Picked::Cancel,
            None => {
                if let KeyCode::Char(c) = key.code {
                    self.choice = jump(self.choice, c, names);
                }
            }
        }
        Picked::Moved
    }

    /// A click on entry `at`: the first chooses it, a second takes it.
    pub fn click(&mut self, at: usize) -> Picked {
        if at == self.choice {
            return Picked::Take(at);
        }
        self.choice = at;
        Picked::Moved
    }
}

/// The next entry after `choice` whose name starts with `c`, any case.
fn jump(choice: usize, c: char, names: &[&str]) -> usize {
    let starts = |name: &str| {
        name.chars()
            .next()
            .is_some_and(|first| first.to_lowercase().eq(c.to_lowercase()))
    };
    (1..=names.len())
        .map(|d| (choice + d) % names.len())
        .find(|&i| starts(names[i]))
        .unwrap_or(choice)
}

/// How far a scrolling popup is scrolled. What fits is the screen's to
/// say: `fit` is (lines shown, lines hidden) as the terminal lays it out,
/// and the scroll never goes past the last line, where a key more would
/// only have to be taken back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scroll(pub usize);

impl Scroll {
    /// Where `action` takes it.
    pub fn step(self, action: HelpAction, (room, hidden): (usize, usize)) -> Scroll {
        let now = self.0.min(hidden);
        let next = match action {
            HelpAction::ScrollDown => now.saturating_add(1),
            HelpAction::ScrollUp => now.saturating_sub(1),
            HelpAction::PageDown => now.saturating_add(room.max(1)),
            HelpAction::PageUp => now.saturating_sub(room.max(1)),
            HelpAction::Top => 0,
            HelpAction::Bottom => hidden,
            HelpAction::Find => now,
        };
        Scroll(next.min(hidden))
    }

    /// Three lines a notch of the wheel, `down` or up.
    pub fn wheel(self, down: bool, (_, hidden): (usize, usize)) -> Scroll {
        let now = self.0.min(hidden);
        Scroll(if down {
            now.saturating_add(3).min(hidden)
        } else {
            now.saturating_sub(3)
        })
    }
}

/// The help (`?`): scrolled, and finding (`/`) what is typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Help {
    pub scroll: Scroll,
    /// What `/` is finding: only the lines that hold it are shown, and
    /// letters type into it.
    pub find: Option<String>,
}

impl Help {
    /// A key in the help; `false` when it closes it. While `/` finds,
    /// letters type into what it finds, Backspace takes one back and Esc
    /// shows every line again; the scrolling keys scroll either way, and
    /// without a find any other key closes the help.
    pub fn key(&mut self, key: &KeyEvent, fit: (usize, usize)) -> bool {
        let action = keys::action_in(keys::HELP_KEYS, key);
        let Some(text) = &mut self.find else {
            match action {
                Some(HelpAction::Find) => {
                    self.scroll = Scroll(0);
                    self.find = Some(String::new());
                }
                Some(a) => self.scroll = self.scroll.step(a, fit),
                None => return false,
            }
            return true;
        };
        match key.code {
            KeyCode::Char(c) => {
                text.push(c);
                self.scroll = Scroll(0);
            }
            KeyCode::Backspace => {
                text.pop();
                self.scroll = Scroll(0);
            }
            KeyCode::Esc => {
                self.find = None;
                self.scroll = Scroll(0);
            }
            _ => {
                if let Some(a) = action {
                    self.scroll = self.scroll.step(a, fit);
                }
            }
        }
        true
    }
}

/// The session's messages (`M`), scrolled as the help is; it opens at the
/// end, where the newest is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Messages {
    pub scroll: Scroll,
}

impl Default for Messages {
    fn default() -> Messages {
        Messages {
            scroll: Scroll(usize::MAX),
        }
    }
}

impl Messages {
    /// A key in the messages; `false` when it closes them.
    pub fn key(&mut self, key: &KeyEvent, fit: (usize, usize)) -> bool {
        match keys::action_in(keys::HELP_KEYS, key) {
            Some(a) => {
                self.scroll = self.scroll.step(a, fit);
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn a_list_moves_jumps_takes_and_cancels() {
        let names = ["conv2d", "dense", "Keras", "dropout"];
        let mut list = List::default();
        assert_eq!(list.key(&key(KeyCode::Down), &names), Picked::Moved);
        assert_eq!(list.choice, 1);
        // `d` jumps on to the next name starting with d, round the end.
        list.key(&key(KeyCode::Char('d')), &names);
        assert_eq!(list.choice, 3);
        list.key(&key(KeyCode::Char('d')), &names);
        assert_eq!(list.choice, 1);
        // `K` is a key of its own in lists; an unbound capital jumps.
        list.key(&key(KeyCode::Char('K')), &names);
        assert_eq!(list.choice, 2);
        list.key(&key(KeyCode::End), &names);
        assert_eq!(list.choice, 3);
        assert_eq!(list.key(&key(KeyCode::Enter), &names), Picked::Take(3));
        assert_eq!(list.key(&key(KeyCode::Esc), &names), Picked::Cancel);
        assert_eq!(list.click(0), Picked::Moved);
        assert_eq!(list.click(0), Picked::Take(0));
    }

    #[test]
    fn the_help_scrolls_finds_and_closes() {
        let fit = (10, 25);
        let mut help = Help::default();
        assert!(help.key(&key(KeyCode::PageDown), fit));
        assert_eq!(help.scroll, Scroll(10));
        assert!(help.key(&key(KeyCode::End), fit));
        assert_eq!(help.scroll, Scroll(25), "no further than the last line");
        assert!(help.key(&key(KeyCode::Char('/')), fit));
        assert!(help.key(&key(KeyCode::Char('q')), fit), "typed, not quit");
        assert_eq!(help.find.as_deref(), Some("q"));
        assert!(help.key(&key(KeyCode::Backspace), fit));
        assert_eq!(help.find.as_deref(), Some(""));
        assert!(help.key(&key(KeyCode::Esc), fit));
        assert_eq!(help.find, None);
        assert!(!help.key(&key(KeyCode::Char('x')), fit), "closes");
    }

    #[test]
    fn the_messages_open_at_the_end_and_the_wheel_scrolls_three_lines() {
        let fit = (5, 12);
        let mut messages = Messages::default();
        assert!(messages.key(&key(KeyCode::Up), fit));
        assert_eq!(messages.scroll, Scroll(11));
        assert_eq!(messages.scroll.wheel(true, fit), Scroll(12));
        assert_eq!(messages.scroll.wheel(false, fit), Scroll(8));
        assert!(!messages.key(&key(KeyCode::Char('x')), fit));
    }
}
