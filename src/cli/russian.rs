//! The command line's own text in Russian: `--help` and clap's usage errors.
//! (The English text is the doc comments in `cli.rs`, as clap derives it.)

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

/// Help text for each argument, by its id.
const ARGS: &[(&str, &str)] = &[
    ("file", "Файл архитектуры (TOML)."),
    (
        "preset",
        "Встроенная сеть вместо файла (см. `layerlab presets`).",
    ),
    (
        "lang",
        "Язык всего, что говорит layerlab: en или ru. По умолчанию — из LC_ALL / LANG.",
    ),
    (
        "theme",
        "Цвета интерфейса: dark, light (белый фон, проектор) или mono (без цвета). \
         По умолчанию mono, если задан NO_COLOR, иначе dark.",
    ),
    ("format", "Как напечатать таблицу."),
    (
        "kernels",
        "Считать ядра свёрток как PyTorch/Keras (full) или как задачник (shared).",
    ),
    (
        "input",
        "Вход вместо указанного в файле: C,H,W (например 3,32,32) или H×W×C (например 32x32x3).",
    ),
    ("files", "Файлы архитектур (TOML)."),
    ("to", "Для какого фреймворка писать код."),
    ("output", "Записать модуль в этот файл, а не печатать."),
    (
        "sizes",
        "Какие стороны входа попробовать, включая края: ОТ..ДО (например 8..64).",
    ),
];

/// What each subcommand does.
const COMMANDS: &[(&str, &str)] = &[
    (
        "summary",
        "Напечатать размер выхода и число параметров каждого слоя и итоги.",
    ),
    (
        "presets",
        "Перечислить встроенные сети с их числом параметров.",
    ),
    ("diff", "Сравнить две сети слой за слоем (первая — база)."),
    (
        "export",
        "Напечатать (или записать) модуль Python, строящий сеть в PyTorch или Keras.",
    ),
    (
        "sweep",
        "Перебрать квадратные входы: какие годятся, размер выхода и число параметров при каждом.",
    ),
];

const TEMPLATE: &str = "{about-with-newline}\nИспользование: {usage}\n\n{all-args}{after-help}";

/// The command with Russian help.
pub fn translate(cmd: Command) -> Command {
    let cmd = russian_args(cmd)
        .about("Исследуйте архитектуры нейросетей: размеры выходов и число параметров, вживую")
        .disable_version_flag(true)
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("Показать версию")
                .help_heading("Параметры"),
        );
    COMMANDS.iter().fold(cmd, |cmd, (name, about)| {
        cmd.mut_subcommand(*name, |sub| {
            russian_args(sub).about(*about).long_about(None)
        })
    })
}

/// Russian help for a command's own arguments, headings and help flag.
fn russian_args(cmd: Command) -> Command {
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    let cmd = ids.into_iter().fold(cmd, |cmd, id| {
        let help = ARGS.iter().find(|(name, _)| *name == id).map(|(_, h)| *h);
        cmd.mut_arg(id, |arg| {
            let heading = if arg.is_positional() {
                "Аргументы"
            } else {
                "Параметры"
            };
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
            let mut text = help.unwrap_or_default().to_string();
            if !choices.is_empty() {
                text.push_str(&format!(" Можно: {}.", choices.join(", ")));
            }
            if !default.is_empty() {
                text.push_str(&format!(" По умолчанию: {}.", default.join(", ")));
            }
            arg.help_heading(heading)
                .help(text)
                .hide_possible_values(true)
                .hide_default_value(true)
        })
    });
    cmd.help_template(TEMPLATE)
        .subcommand_help_heading("Команды")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("Показать справку")
                .help_heading("Параметры"),
        )
}

/// A usage error in Russian, from what clap found.
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
                format!(" (можно: {valid})")
            };
            format!("недопустимое значение '{value}' для '{arg}'{choices}")
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map(|s| format!(": {s}"))
                .unwrap_or_default();
            format!("недопустимое значение '{value}' для '{arg}'{why}")
        }
        ErrorKind::UnknownArgument => {
            let hint = get(ContextKind::SuggestedArg);
            let hint = if hint.is_empty() {
                String::new()
            } else {
                format!("; может быть, '{hint}'?")
            };
            format!("неизвестный аргумент '{arg}'{hint}")
        }
        ErrorKind::InvalidSubcommand => {
            format!(
                "неизвестная команда '{}'",
                get(ContextKind::InvalidSubcommand)
            )
        }
        ErrorKind::ArgumentConflict => {
            format!("'{arg}' нельзя сочетать с '{}'", get(ContextKind::PriorArg))
        }
        ErrorKind::MissingRequiredArgument => format!("не хватает обязательного аргумента: {arg}"),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!("неверное число значений для '{arg}'")
        }
        // Rare kinds keep clap's own words.
        _ => e
            .to_string()
            .trim()
            .trim_start_matches("error: ")
            .to_string(),
    };
    format!("ошибка: {text}\n\nПодробнее: layerlab --help")
}
