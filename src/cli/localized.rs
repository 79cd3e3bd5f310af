//! The command line's own text in a language clap does not speak: `--help`
//! and clap's usage errors, from the message catalogue (`cli-…`). In English
//! clap's own text is shown: the doc comments in `cli.rs`, which the English
//! catalogue repeats (a test holds them equal).

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

/// The subcommands, whose `about` is `cli-cmd-NAME`.
pub const COMMANDS: &[&str] = &[
    "summary", "presets", "diff", "export", "sweep", "import", "weights",
];

/// The command with help in the current language.
pub fn translate(cmd: Command) -> Command {
    let cmd = localized_args(cmd)
        .about(t!("cli-about"))
        .disable_version_flag(true)
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(t!("cli-show-version"))
                .help_heading(t!("cli-heading-options")),
        );
    COMMANDS.iter().fold(cmd, |cmd, name| {
        cmd.mut_subcommand(*name, |sub| {
            let about = crate::i18n::text(&format!("cli-cmd-{name}"));
            localized_args(sub).about(about).long_about(None)
        })
    })
}

/// The catalogue's message for argument `id` of `command`: `cli-arg-COMMAND-ID`
/// where the command says it its own way, else `cli-arg-ID`.
fn arg_message(command: &str, id: &str) -> String {
    let own = format!("cli-arg-{command}-{id}");
    if crate::i18n::has(&own) {
        own
    } else {
        format!("cli-arg-{id}")
    }
}

/// A command's own arguments, headings and help flag.
fn localized_args(cmd: Command) -> Command {
    let name = cmd.get_name().to_string();
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    let cmd = ids.into_iter().fold(cmd, |cmd, id| {
        let help = crate::i18n::text(&arg_message(&name, &id));
        cmd.mut_arg(id, |arg| {
            let heading = if arg.is_positional() {
                t!("cli-heading-arguments")
            } else {
                t!("cli-heading-options")
            };
            // One full stop, whether or not the catalogue wrote it.
            let sentence = format!("{}.", help.trim_end_matches('.'));
            // A flag (`--plot`) has no value to list or default to say.
            if !arg.get_action().takes_values() {
                return arg.help_heading(heading).help(sentence);
            }
            // clap writes "[possible values: …]" and "[default: …]" in English.
            let choices: Vec<String> = arg
                .get_possible_values()
                .iter()
                .map(|v| v.get_name().to_string())
                .collect();
            let default: Vec<String> = arg
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            let mut text = sentence;
            if !choices.is_empty() {
                text.push_str(&t!("cli-possible", values = choices.join(", ")));
            }
            if !default.is_empty() {
                text.push_str(&t!("cli-default", values = default.join(", ")));
            }
            arg.help_heading(heading)
                .help(text)
                .hide_possible_values(true)
                .hide_default_value(true)
        })
    });
    let template = format!(
        "{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
        t!("cli-usage")
    );
    let usage = localized_usage(&cmd);
    cmd.help_template(template)
        .override_usage(usage)
        .subcommand_help_heading(t!("cli-heading-commands"))
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(t!("cli-show-help"))
                .help_heading(t!("cli-heading-options")),
        )
}

/// clap's usage line with its placeholders in the session's language:
/// `layerlab summary [ПАРАМЕТРЫ] [ФАЙЛ]`.
fn localized_usage(cmd: &Command) -> String {
    let usage = cmd.clone().render_usage().to_string();
    let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage);
    // A subcommand taken out of its parent renders without the program.
    let usage = if usage.starts_with("layerlab") {
        usage.to_string()
    } else {
        format!("layerlab {usage}")
    };
    // Each line after the first is indented under the first's text.
    let lines: Vec<&str> = usage.lines().map(str::trim_start).collect();
    let words = [
        ("[OPTIONS]", t!("cli-usage-options")),
        ("[FILES]", t!("cli-usage-files")),
        ("[FILE]", t!("cli-usage-file")),
        ("<FILE>", t!("cli-usage-file-required")),
        ("<COMMAND>", t!("cli-usage-command")),
    ];
    let indent = " ".repeat(crate::text::width(&t!("cli-usage")) + 1);
    lines
        .iter()
        .map(|line| {
            words
                .iter()
                .fold(line.to_string(), |l, (from, to)| l.replace(from, to))
        })
        .collect::<Vec<_>>()
        .join(&format!("\n{indent}"))
}

/// A usage error in the current language, from what clap found.
pub fn error_text(e: &clap::Error) -> String {
    let get = |kind: ContextKind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let (arg, value) = (get(ContextKind::InvalidArg), get(ContextKind::InvalidValue));
    let text = match e.kind() {
        ErrorKind::InvalidValue => {
            let valid = get(ContextKind::ValidValue);
            let choices = if valid.is_empty() {
                String::new()
            } else {
                t!("cli-error-choices", valid = valid)
            };
            t!(
                "cli-error-invalid-value",
                value = value,
                arg = arg,
                choices = choices
            )
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map(|s| format!(": {s}"))
                .unwrap_or_default();
            t!(
                "cli-error-invalid-value",
                value = value,
                arg = arg,
                choices = why
            )
        }
        ErrorKind::UnknownArgument => {
            let hint = get(ContextKind::SuggestedArg);
            let hint = if hint.is_empty() {
                String::new()
            } else {
                t!("cli-error-hint", hint = hint)
            };
            t!("cli-error-unknown-argument", arg = arg, hint = hint)
        }
        ErrorKind::InvalidSubcommand => t!(
            "cli-error-invalid-subcommand",
            command = get(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::ArgumentConflict => t!(
            "cli-error-conflict",
            arg = arg,
            prior = get(ContextKind::PriorArg)
        ),
        ErrorKind::MissingRequiredArgument => t!("cli-error-missing", arg = arg),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            t!("cli-error-count", arg = arg)
        }
        // Rare kinds keep clap's own words.
        _ => e
            .to_string()
            .trim()
            .trim_start_matches("error: ")
            .to_string(),
    };
    format!("{}: {text}\n\n{}", t!("cli-error"), t!("cli-error-more"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::CommandFactory;

    /// The English catalogue repeats clap's help, which is the doc comments:
    /// they must not drift apart.
    #[test]
    fn the_english_catalogue_says_what_clap_says() {
        let cmd = Cli::command();
        let mut commands = vec![&cmd];
        commands.extend(COMMANDS.iter().filter_map(|n| cmd.find_subcommand(n)));
        for c in commands {
            for arg in c.get_arguments() {
                let id = arg.get_id().as_str();
                if let Some(help) = arg.get_help() {
                    let message = arg_message(c.get_name(), id);
                    assert_eq!(
                        crate::i18n::english(&message),
                        help.to_string(),
                        "{message}"
                    );
                }
            }
        }
        for name in COMMANDS {
            let sub = cmd.find_subcommand(name).expect("a subcommand");
            assert_eq!(
                crate::i18n::english(&format!("cli-cmd-{name}")),
                sub.get_about().map(|a| a.to_string()).unwrap_or_default()
            );
        }
        assert_eq!(
            crate::i18n::english("cli-about"),
            cmd.get_about().map(|a| a.to_string()).unwrap_or_default()
        );
    }
}
