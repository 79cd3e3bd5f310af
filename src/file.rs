//! Architecture files (TOML): reading them with errors that name the line and
//! field and say what would fix it, and writing them back atomically.

use crate::lang::tr;
use crate::layer::{Kind, Layer, Value};
use crate::network::{Kernels, Network, Shape};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// A file that could not be read as a network: where, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    /// The file as the user named it (empty when parsing a string).
    pub path: String,
    /// 1-based line, when the problem has one.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.path.is_empty(), self.line) {
            (false, Some(line)) => write!(f, "{}:{line}: {}", self.path, self.message),
            (false, None) => write!(f, "{}: {}", self.path, self.message),
            (true, Some(line)) => write!(f, "{} {line}: {}", tr("line", "строка"), self.message),
            (true, None) => write!(f, "{}", self.message),
        }
    }
}

impl std::error::Error for FileError {}

/// Reads and checks an architecture file.
pub fn load(path: &Path) -> Result<Network, FileError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| FileError {
        path: shown.clone(),
        line: None,
        message: tr(
            format!("cannot read the file: {e}"),
            format!("не удалось прочитать файл: {e}"),
        ),
    })?;
    parse(&text).map_err(|e| FileError { path: shown, ..e })
}

type RawTable = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    name: Option<Spanned<String>>,
    input: Option<Spanned<toml::Value>>,
    kernels: Option<Spanned<toml::Value>>,
    #[serde(default)]
    layer: Vec<Spanned<RawTable>>,
}

/// Parses the text of an architecture file.
pub fn parse(src: &str) -> Result<Network, FileError> {
    let at = |span: Range<usize>, message: String| FileError {
        path: String::new(),
        line: Some(line_of(src, span.start)),
        message,
    };
    let raw: RawFile = toml::from_str(src).map_err(|e| FileError {
        path: String::new(),
        line: e.span().map(|s| line_of(src, s.start)),
        message: toml_message(&e),
    })?;
    let mut net = Network::empty("untitled");
    if let Some(name) = raw.name {
        net.name = name.into_inner();
    }
    let Some(input) = raw.input else {
        return Err(FileError {
            path: String::new(),
            line: None,
            message: tr(
                "missing `input`: add a line such as `input = [1, 28, 28]` (channels, height, width)",
                "нет `input`: добавьте строку вроде `input = [1, 28, 28]` (каналы, высота, ширина)",
            )
            .to_string(),
        });
    };
    net.input = input_shape(input.get_ref()).ok_or_else(|| {
        at(
            input.span(),
            tr(
                format!(
                    "`input` must be [C, H, W] (or [N] for a flat vector) with positive integers, e.g. [1, 28, 28]; got {}",
                    &src[input.span()]
                ),
                format!(
                    "`input` должен быть [C, H, W] (или [N] для вектора) из целых положительных чисел, например [1, 28, 28]; а здесь {}",
                    &src[input.span()]
                ),
            ),
        )
    })?;
    if let Some(k) = raw.kernels {
        net.kernels = k
            .get_ref()
            .as_str()
            .and_then(Kernels::from_name)
            .ok_or_else(|| {
                at(
                    k.span(),
                    tr(
                        format!(
                            "`kernels` must be \"full\" or \"shared\", got {}",
                            &src[k.span()]
                        ),
                        format!(
                            "`kernels` должно быть \"full\" или \"shared\", а здесь {}",
                            &src[k.span()]
                        ),
                    ),
                )
            })?;
    }
    for (i, table) in raw.layer.iter().enumerate() {
        net.layers.push(parse_layer(src, i + 1, table)?);
    }
    Ok(net)
}

fn parse_layer(src: &str, number: usize, table: &Spanned<RawTable>) -> Result<Layer, FileError> {
    let at = |span: Range<usize>, message: String| FileError {
        path: String::new(),
        line: Some(line_of(src, span.start)),
        message: format!("{} {number}: {message}", tr("layer", "слой")),
    };
    let known_kinds = || Kind::ALL.map(Kind::name).join(", ");
    let entries = table.get_ref();
    let Some((_, type_value)) = entries.iter().find(|(k, _)| k.get_ref() == "type") else {
        return Err(at(
            table.span(),
            tr(
                format!("missing `type`: one of {}", known_kinds()),
                format!("нет `type`: один из {}", known_kinds()),
            ),
        ));
    };
    let kind = match type_value.get_ref().as_str() {
        Some(name) => Kind::from_name(name).ok_or_else(|| {
            let hint = suggest(name, Kind::ALL.map(Kind::name).iter().copied())
                .map(|s| {
                    tr(
                        format!("did you mean `{s}`? "),
                        format!("может быть, `{s}`? "),
                    )
                })
                .unwrap_or_default();
            at(
                type_value.span(),
                tr(
                    format!(
                        "unknown layer type `{name}`; {hint}layerlab knows: {}",
                        known_kinds()
                    ),
                    format!(
                        "неизвестный тип слоя `{name}`; {hint}layerlab знает: {}",
                        known_kinds()
                    ),
                ),
            )
        })?,
        None => {
            return Err(at(
                type_value.span(),
                tr(
                    format!(
                        "`type` must be a string such as \"conv2d\", got {}",
                        &src[type_value.span()]
                    ),
                    format!(
                        "`type` должен быть строкой вроде \"conv2d\", а здесь {}",
                        &src[type_value.span()]
                    ),
                ),
            ));
        }
    };
    let mut layer = Layer::new(kind);
    let takes = || {
        let names: Vec<&str> = kind.fields().iter().map(|f| f.name()).collect();
        if names.is_empty() {
            tr(
                format!("{} takes no settings", kind.name()),
                format!("у {} нет настроек", kind.name()),
            )
        } else {
            tr(
                format!("{} takes: {}", kind.name(), names.join(", ")),
                format!("у {} есть: {}", kind.name(), names.join(", ")),
            )
        }
    };
    for (key, value) in entries {
        let name = key.get_ref().as_str();
        if name == "type" {
            continue;
        }
        let Some(field) = kind.fields().iter().copied().find(|f| f.name() == name) else {
            let hint = suggest(name, kind.fields().iter().map(|f| f.name()))
                .map(|s| {
                    tr(
                        format!("did you mean `{s}`? "),
                        format!("может быть, `{s}`? "),
                    )
                })
                .unwrap_or_default();
            return Err(at(
                key.span(),
                tr(
                    format!(
                        "unknown field `{name}` for {}; {hint}{}",
                        kind.name(),
                        takes()
                    ),
                    format!(
                        "неизвестное поле `{name}` у {}; {hint}{}",
                        kind.name(),
                        takes()
                    ),
                ),
            ));
        };
        field
            .set(&mut layer, &Value::from_toml(value.get_ref()))
            .map_err(|why| {
                let got = &src[value.span()];
                at(
                    value.span(),
                    tr(format!("{why}, got {got}"), format!("{why}, а здесь {got}")),
                )
            })?;
    }
    for field in kind.required() {
        if !entries.keys().any(|k| k.get_ref() == field.name()) {
            return Err(at(
                table.span(),
                tr(
                    format!(
                        "{} needs `{}` ({})",
                        kind.name(),
                        field.name(),
                        field.expected()
                    ),
                    format!(
                        "у {} должно быть `{}` ({})",
                        kind.name(),
                        field.name(),
                        field.expected()
                    ),
                ),
            ));
        }
    }
    Ok(layer)
}

fn input_shape(v: &toml::Value) -> Option<Shape> {
    let dims: Vec<u64> = v
        .as_array()?
        .iter()
        .map(|x| {
            x.as_integer()
                .and_then(|i| u64::try_from(i).ok())
                .filter(|&n| n > 0)
        })
        .collect::<Option<_>>()?;
    match dims[..] {
        [c, h, w] => Some(Shape::Image { c, h, w }),
        [n] => Some(Shape::Flat(n)),
        _ => None,
    }
}

/// The closest known name to a misspelled one, if any is close.
fn suggest<'a>(typed: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    known
        .map(|k| (strsim::damerau_levenshtein(typed, k), k))
        .filter(|&(d, k)| d <= 2.max(k.len() / 3))
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// toml's own message, without the source excerpt it draws (we give the line).
fn toml_message(e: &toml::de::Error) -> String {
    let msg = e.message().trim();
    if msg.starts_with("unknown field `layers`") {
        return tr(
            format!("{msg}; write each layer as a `[[layer]]` table"),
            format!("{msg}; каждый слой пишется таблицей `[[layer]]`"),
        );
    }
    // The TOML parser's own words are English; say in the reader's language what they are.
    tr(
        msg.to_string(),
        format!("ошибка в синтаксисе TOML (текст парсера): {msg}"),
    )
}

fn line_of(src: &str, offset: usize) -> usize {
    src.as_bytes()[..offset.min(src.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The file text for a network, in the same layout as the presets.
pub fn to_toml(net: &Network) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "name = {}\n",
        toml::Value::String(net.name.clone())
    ));
    let dims: Vec<String> = net.input.to_vec().iter().map(u64::to_string).collect();
    out.push_str(&format!("input = [{}]\n", dims.join(", ")));
    if net.kernels == Kernels::Shared {
        out.push_str("kernels = \"shared\"\n");
    }
    for layer in &net.layers {
        out.push_str(&format!("\n[[layer]]\ntype = \"{}\"\n", layer.kind.name()));
        for field in layer.kind.fields() {
            if let Some(v) = field.to_toml(layer) {
                out.push_str(&format!("{} = {v}\n", field.name()));
            }
        }
    }
    out
}

/// Writes the network to `path` atomically: a temporary file beside it is
/// written and flushed to disk, then renamed over the old one, so a crash or
/// a full disk leaves either the old file or the new one, never half of one.
pub fn save(net: &Network, path: &Path) -> std::io::Result<()> {
    write_atomic(path, to_toml(net).as_bytes())
}

/// Writes `bytes` to `path` through a temporary file beside it and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(src: &str) -> String {
        parse(src).unwrap_err().to_string()
    }

    const HEAD: &str = "name = \"t\"\ninput = [1, 28, 28]\n";

    #[test]
    fn errors_name_the_line_the_field_and_the_fix() {
        let src =
            format!("{HEAD}\n[[layer]]\ntype = \"conv2d\"\nfilters = 6\nkernel = 5\nstride = -1\n");
        assert_eq!(
            err(&src),
            "line 8: layer 1: `stride` must be a positive integer or [h, w], got -1"
        );
        let src = format!("{HEAD}\n[[layer]]\ntype = \"conv2d\"\nfilters = 6\nkernal = 5\n");
        assert_eq!(
            err(&src),
            "line 7: layer 1: unknown field `kernal` for conv2d; did you mean `kernel`? \
             conv2d takes: filters, kernel, stride, padding, dilation, groups, bias, activation"
        );
        let src = format!("{HEAD}\n[[layer]]\ntype = \"lstm\"\n");
        assert!(
            err(&src)
                .starts_with("line 5: layer 1: unknown layer type `lstm`; layerlab knows: conv2d,")
        );
        let src = format!("{HEAD}\n[[layer]]\ntype = \"dense\"\n");
        assert_eq!(
            err(&src),
            "line 4: layer 1: dense needs `units` (a positive integer)"
        );
        assert_eq!(
            err("input = [1, 0, 28]\n"),
            "line 1: `input` must be [C, H, W] (or [N] for a flat vector) with positive integers, e.g. [1, 28, 28]; got [1, 0, 28]"
        );
    }

    #[test]
    fn saved_text_reads_back_as_the_same_network() {
        let src = format!(
            "{HEAD}kernels = \"shared\"\n\n[[layer]]\ntype = \"conv2d\"\nfilters = 6\nkernel = [5, 3]\n\
             padding = \"same\"\ndilation = 2\ngroups = 1\nbias = false\nactivation = \"tanh\"\n\n\
             [[layer]]\ntype = \"maxpool\"\nkernel = 3\nstride = 2\npadding = 1\nceil_mode = true\n\n\
             [[layer]]\ntype = \"dropout\"\nrate = 0.25\n"
        );
        let net = parse(&src).unwrap();
        assert_eq!(parse(&to_toml(&net)).unwrap(), net);
    }

    #[test]
    fn save_replaces_the_file_whole_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("net.toml");
        std::fs::write(&path, "old contents").unwrap();
        let net = crate::presets::load("lenet5").unwrap();
        save(&net, &path).unwrap();
        assert_eq!(
            load(&path).unwrap(),
            net,
            "a file saved and reopened gives the same network"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["net.toml"]);
    }

    #[test]
    fn a_failed_save_changes_nothing_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-folder").join("net.toml");
        assert!(save(&crate::presets::load("lenet").unwrap(), &path).is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
