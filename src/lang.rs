//! Which language layerlab speaks: English or Russian. The words themselves
//! are in the message catalogues (`i18n`).
//!
//! The language is a setting of the whole run, read in many places — an
//! engine error's `Display`, the table headers, a form's refusal — so it is
//! kept per thread instead of being passed through every one of them. The
//! command line sets it once; each test thread starts in English and may
//! pick its own.

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

pub fn set(lang: Lang) {
    LANG.with(|l| l.set(lang));
}

pub fn get() -> Lang {
    LANG.with(Cell::get)
}

/// Runs `f` in English: machine output (JSON, CSV) is read by programs and
/// must not change with the reader's language.
pub fn machine<T>(f: impl FnOnce() -> T) -> T {
    let lang = get();
    set(Lang::En);
    let out = f();
    set(lang);
    out
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
    fn each_thread_has_its_own_language() {
        set(Lang::Ru);
        assert_eq!(get(), Lang::Ru);
        let other = std::thread::spawn(get).join().unwrap();
        assert_eq!(other, Lang::En);
        set(Lang::En);
    }
}
