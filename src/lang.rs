//! Which language layerlab speaks: English or Russian. The words themselves
//! are in the message catalogues (`i18n`).
//!
//! The engine knows no language: its findings are data, put into words by
//! `words` and the views. Those read the language of the scope they run in:
//! the command line runs in the language it was given (`scoped`), the
//! explorer in its session's language around each event and each frame,
//! and machine output (JSON, CSV) in English (`machine`). Each thread starts
//! in English.

use std::cell::Cell;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    #[default]
    En,
    Ru,
}

thread_local! {
    static LANG: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// Runs `f` speaking `lang`, then goes back to the language before.
pub fn scoped<T>(lang: Lang, f: impl FnOnce() -> T) -> T {
    let before = get();
    LANG.with(|l| l.set(lang));
    let out = f();
    LANG.with(|l| l.set(before));
    out
}

pub fn get() -> Lang {
    LANG.with(Cell::get)
}

/// Runs `f` in English: machine output (JSON, CSV) is read by programs and
/// must not change with the reader's language.
pub fn machine<T>(f: impl FnOnce() -> T) -> T {
    scoped(Lang::En, f)
}

impl Lang {
    pub fn from_name(name: &str) -> Option<Lang> {
        match name {
            "en" => Some(Lang::En),
            "ru" => Some(Lang::Ru),
            _ => None,
        }
    }

    /// From the locale variables, as programs read them: `LC_ALL` first,
    /// then `LC_MESSAGES`, then `LANG`; `ru_*` is Russian, anything else English.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .filter_map(|v| var(v).filter(|s| !s.is_empty()))
            .next()
            .unwrap_or_default();
        if locale.starts_with("ru") {
            Lang::Ru
        } else {
            Lang::En
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locale_decides_in_the_usual_order() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Lang::from_env(env(&[("LANG", "ru_RU.UTF-8")])), Lang::Ru);
        assert_eq!(
            Lang::from_env(env(&[("LANG", "ru_RU.UTF-8"), ("LC_ALL", "C")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_env(env(&[("LANG", "en_US.UTF-8"), ("LC_ALL", "ru_RU")])),
            Lang::Ru
        );
        assert_eq!(Lang::from_env(env(&[])), Lang::En);
    }

    #[test]
    fn a_scope_speaks_its_language_on_its_own_thread_and_ends() {
        scoped(Lang::Ru, || {
            assert_eq!(get(), Lang::Ru);
            let other = std::thread::spawn(get).join().unwrap();
            assert_eq!(other, Lang::En);
            assert_eq!(machine(get), Lang::En);
            assert_eq!(get(), Lang::Ru, "back after the machine scope");
        });
        assert_eq!(get(), Lang::En);
    }
}
