//! The user's settings file, `$XDG_CONFIG_HOME/layerlab/config.toml` (or
//! the platform's config folder): the theme, language, kernel convention
//! and ASCII mode to start with. Flags on the command line win over it; it
//! wins over the environment (`LANG`, `NO_COLOR`), being the more deliberate
//! choice. A file that is there but wrong is an error naming its line, as
//! architecture files are: a setting must never be ignored in silence.

use crate::file::FileError;
use crate::lang::Lang;
use crate::network::Kernels;
use crate::tui::theme::ThemeName;
use clap::ValueEnum;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// What the file says; `None` where it says nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Config {
    pub theme: Option<ThemeName>,
    pub lang: Option<Lang>,
    pub kernels: Option<Kernels>,
    pub ascii: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    theme: Option<Spanned<String>>,
    lang: Option<Spanned<String>>,
    kernels: Option<Spanned<String>>,
    ascii: Option<bool>,
}

/// Where the file is looked for: `$XDG_CONFIG_HOME/layerlab/config.toml`
/// when that variable holds an absolute path, else the platform's config
/// folder (`~/.config` on Linux, `~/Library/Application Support` on macOS).
pub fn path(var: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let base = var("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(dirs::config_dir)?;
    Some(base.join("layerlab").join("config.toml"))
}

/// Reads the file at `path`; no file is no settings. A file that cannot be
/// read as one (a FIFO, a device, `XDG_CONFIG_HOME` naming a file, a link
/// to /dev/zero) gives the defaults and a warning to say so, so that no
/// command waits or stops for it; a file that reads but is malformed is an
/// error naming its line.
pub fn load(path: &Path) -> Result<(Config, Option<String>), FileError> {
    let shown = path.display().to_string();
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Config::default(), None)),
        _ => {}
    }
    match crate::file::read_text(path) {
        Ok(text) => parse(&text)
            .map(|c| (c, None))
            .map_err(|e| FileError { path: shown, ..e }),
        Err(why) => {
            let warning = t!(
                "config-cannot-read",
                e = format!("{}: {why}", crate::text::visible(&shown))
            );
            Ok((Config::default(), Some(warning)))
        }
    }
}

/// The settings in `text`.
pub fn parse(text: &str) -> Result<Config, FileError> {
    let raw: Raw = toml::from_str(text).map_err(|e| FileError {
        path: String::new(),
        line: e.span().map(|s| crate::file::line_of(text, s.start)),
        message: crate::file::toml_message(text, &e),
    })?;
    Ok(Config {
        theme: choice(text, "theme", raw.theme.as_ref())?,
        lang: choice(text, "lang", raw.lang.as_ref())?,
        kernels: choice(text, "kernels", raw.kernels.as_ref())?,
        ascii: raw.ascii,
    })
}

/// One of a setting's names, or an error at its line listing them.
fn choice<T: ValueEnum>(
    text: &str,
    key: &str,
    value: Option<&Spanned<String>>,
) -> Result<Option<T>, FileError> {
    let Some(value) = value else {
        return Ok(None);
    };
    let names: Vec<String> = (T::value_variants().iter())
        .filter_map(|v| Some(v.to_possible_value()?.get_name().to_string()))
        .collect();
    T::from_str(value.get_ref(), true)
        .map(Some)
        .map_err(|_| FileError {
            path: String::new(),
            line: Some(crate::file::line_of(text, value.span().start)),
            message: t!(
                "config-not-one-of",
                key = key.to_string(),
                value = value.get_ref().clone(),
                names = names.join(", ")
            ),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_is_read() {
        let c = parse("theme = \"light\"\nlang = \"ru\"\nkernels = \"shared\"\nascii = true\n")
            .unwrap();
        assert_eq!(c.theme, Some(ThemeName::Light));
        assert_eq!(c.lang, Some(Lang::Ru));
        assert_eq!(c.kernels, Some(Kernels::Shared));
        assert_eq!(c.ascii, Some(true));
        assert_eq!(parse("").unwrap(), Config::default());
    }

    #[test]
    fn a_wrong_setting_names_its_line_and_the_choices() {
        let e = parse("# mine\ntheme = \"dark\"\nlang = \"fr\"\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert_eq!(e.message, "lang must be one of en, ru, not “fr”");
        let e = parse("theme = \"dark\"\ncolour = \"red\"\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("colour"), "{}", e.message);
        let e = parse("ascii = \"yes\"\n").unwrap_err();
        assert_eq!(e.line, Some(1));
    }

    #[test]
    fn xdg_config_home_wins_when_absolute() {
        let env = |v: &'static str| move |name: &str| (name == "XDG_CONFIG_HOME").then(|| v.into());
        assert_eq!(
            path(env("/tmp/cfg")),
            Some(PathBuf::from("/tmp/cfg/layerlab/config.toml"))
        );
        // A relative one is to be ignored, says the XDG specification.
        assert_ne!(
            path(env("cfg")),
            Some(PathBuf::from("cfg/layerlab/config.toml"))
        );
    }
}
