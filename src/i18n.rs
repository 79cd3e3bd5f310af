//! Everything layerlab says to people, in one message catalogue per
//! language: `i18n/en/layerlab.ftl` and `i18n/ru/layerlab.ftl` (Fluent).
//! `t!("id", name = value)` looks a message up in the current language;
//! i18n-embed-fl checks at compile time that the English catalogue has it,
//! with those arguments, and the tests below that every language has every
//! message. A third language is a third folder and one line in `Lang`.
//! Machine output (JSON, CSV) does not go through here.

use crate::lang::{self, Lang};
use i18n_embed::LanguageLoader;
use i18n_embed::fluent::{FluentLanguageLoader, fluent_language_loader};
use rust_embed::RustEmbed;
use std::sync::LazyLock;

#[derive(RustEmbed)]
#[folder = "i18n"]
struct Catalogues;

fn load(lang: &str) -> FluentLanguageLoader {
    let loader: FluentLanguageLoader = fluent_language_loader!();
    if let Ok(id) = lang.parse::<unic_langid::LanguageIdentifier>() {
        // The catalogues are compiled in and checked by the tests below.
        let _ = loader.load_languages(&Catalogues, &[id]);
    }
    // No Unicode isolation marks around arguments: terminals show them.
    loader.set_use_isolating(false);
    loader
}

static EN: LazyLock<FluentLanguageLoader> = LazyLock::new(|| load("en"));
static RU: LazyLock<FluentLanguageLoader> = LazyLock::new(|| load("ru"));

/// The catalogue of the current language.
pub fn loader() -> &'static FluentLanguageLoader {
    match lang::get() {
        Lang::En => &EN,
        Lang::Ru => &RU,
    }
}

/// How a language writes numbers, read once from its catalogue: the
/// thousands separator and decimal mark, and the units of bytes.
pub struct Numbers {
    pub group: char,
    pub decimal: char,
    pub byte_units: [String; 6],
}

fn numbers_of(loader: &FluentLanguageLoader) -> Numbers {
    let first = |id: &str, default: char| loader.get(id).chars().next().unwrap_or(default);
    Numbers {
        group: first("number-group-separator", ','),
        decimal: first("number-decimal-mark", '.'),
        byte_units: ["b", "kib", "mib", "gib", "tib", "pib"]
            .map(|u| loader.get(&format!("unit-{u}"))),
    }
}

static EN_NUMBERS: LazyLock<Numbers> = LazyLock::new(|| numbers_of(&EN));
static RU_NUMBERS: LazyLock<Numbers> = LazyLock::new(|| numbers_of(&RU));

/// How the current language writes numbers (cached: every cell uses it).
pub fn numbers() -> &'static Numbers {
    match lang::get() {
        Lang::En => &EN_NUMBERS,
        Lang::Ru => &RU_NUMBERS,
    }
}

/// A message by an id known only at run time (the key table's help, the
/// presets' descriptions); the tests check those ids too.
/// An I/O error in the session's language: the common kinds said in words
/// (the OS's own message is English whatever the locale), the rest as the
/// OS says them.
pub fn io_error(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => i18n_embed_fl::fl!(loader(), "io-not-found"),
        K::PermissionDenied => i18n_embed_fl::fl!(loader(), "io-permission-denied"),
        K::IsADirectory => i18n_embed_fl::fl!(loader(), "io-is-a-directory"),
        K::NotADirectory => i18n_embed_fl::fl!(loader(), "io-not-a-directory"),
        K::StorageFull => i18n_embed_fl::fl!(loader(), "io-storage-full"),
        K::ReadOnlyFilesystem => i18n_embed_fl::fl!(loader(), "io-read-only"),
        K::InvalidData => i18n_embed_fl::fl!(loader(), "io-invalid-data"),
        _ => e.to_string(),
    }
}

pub fn text(id: &str) -> String {
    loader().get(id)
}

/// Whether the catalogues have a message `id`.
pub fn has(id: &str) -> bool {
    EN.has(id)
}

/// A message in English whatever the language, for tests that hold the
/// README (which is English) against the key tables.
pub fn english(id: &str) -> String {
    EN.get(id)
}

/// Looks a message up in the current language: `t!("id")` or
/// `t!("id", name = value, …)`.
#[macro_export]
macro_rules! t {
    ($id:literal) => {
        i18n_embed_fl::fl!($crate::i18n::loader(), $id)
    };
    ($id:literal, $($args:tt)*) => {
        i18n_embed_fl::fl!($crate::i18n::loader(), $id, $($args)*)
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn ids(lang: &str) -> BTreeSet<String> {
        let file = Catalogues::get(&format!("{lang}/layerlab.ftl")).expect("catalogue");
        let text = String::from_utf8(file.data.into_owned()).expect("UTF-8");
        text.lines()
            .filter_map(|l| l.split_once(" = ").map(|(id, _)| id))
            .filter(|id| !id.starts_with([' ', '#', '.', '*', '[']) && !id.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The languages with a catalogue: the folders under `i18n/`.
    fn languages() -> BTreeSet<String> {
        Catalogues::iter()
            .filter_map(|path| path.split_once('/').map(|(lang, _)| lang.to_string()))
            .collect()
    }

    #[test]
    fn every_language_has_every_message() {
        let en = ids("en");
        assert!(en.len() > 200, "the English catalogue is read");
        let langs = languages();
        assert!(langs.contains("ru"), "{langs:?}");
        for lang in langs {
            let other = ids(&lang);
            let missing: Vec<_> = en.difference(&other).collect();
            let extra: Vec<_> = other.difference(&en).collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
            assert!(
                extra.is_empty(),
                "{lang} has messages English lacks: {extra:?}"
            );
        }
    }

    #[test]
    fn every_message_reads_in_every_language() {
        for (lang, loader) in [("en", &*EN), ("ru", &*RU)] {
            for id in ids("en") {
                assert!(loader.has(&id), "{lang}: {id} does not parse");
            }
        }
        // Ids chosen at run time: every key's help, every preset, every
        // hint word, the byte units.
        let mut dynamic: Vec<String> = crate::tui::keys::KEYS
            .iter()
            .map(|b| b.help.to_string())
            .collect();
        dynamic.extend(
            crate::presets::PRESETS
                .iter()
                .map(|p| format!("preset-{}", p.name.replace('.', "_"))),
        );
        dynamic.extend(crate::tui::keys::HINT.iter().map(|(_, id)| id.to_string()));
        for id in dynamic {
            assert!(EN.has(&id) && RU.has(&id), "{id} is in every catalogue");
        }
    }
}
