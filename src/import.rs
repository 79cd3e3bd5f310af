//! Bringing a model in: a PyTorch printout (`print(model)`), a Keras
//! `model.to_json()` or a Hugging Face `config.json` becomes a layerlab
//! network, without Python. What the
//! text does not say but implies (a flatten that `forward` did) is written
//! into the network as a layer with a note saying why; what is not
//! understood is an error naming its line, and every such problem in the
//! file is listed, never dropped quietly. Pure: text in, network out.

pub mod gguf;
pub mod hf_config;
pub mod keras;
pub mod pytorch;
pub mod safetensors;

use crate::layer::{Field, Kind, Layer, Value};
use crate::network::{Network, Shape};
use std::collections::BTreeMap;
use std::fmt;

/// A network read from another framework's text, with what to say about it.
#[derive(Clone, Debug)]
pub struct Imported {
    pub net: Network,
    /// Notes on single layers, by path: what was implied or guessed, and why.
    pub notes: BTreeMap<Vec<usize>, String>,
    /// Notes on the whole: where it came from, what the framework counts
    /// that layerlab does not.
    pub header: Vec<String>,
}

/// One thing in the file that could not be understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// 1-based line, where the problem has one.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{} {line}: {}", t!("file-line"), self.message),
            None => write!(f, "{}", self.message),
        }
    }
}

/// The two formats, told apart by their first character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `print(model)`: `ResNet(` then `(conv1): Conv2d(…)` lines.
    Pytorch,
    /// `model.to_json()` (or a `.keras` file's `config.json`).
    Keras,
    /// A Hugging Face model's `config.json`: `"model_type": "llama"`, …
    HfConfig,
}

impl Format {
    /// The format of `text`, if it is one of them.
    pub fn of(text: &str) -> Option<Format> {
        let first = text.lines().map(str::trim).find(|l| !l.is_empty())?;
        if first.starts_with('{') {
            let config = serde_json::from_str::<serde_json::Value>(text)
                .is_ok_and(|json| hf_config::is_config(&json));
            return Some(if config {
                Format::HfConfig
            } else {
                Format::Keras
            });
        }
        let name: String = first
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
            .collect();
        let rest = &first[name.len()..];
        (!name.is_empty()
            && name.chars().next().is_some_and(char::is_alphabetic)
            && rest.starts_with('('))
        .then_some(Format::Pytorch)
    }
}

/// Reads `text` (any of the formats) as a network called `name`. A
/// printout needs the `input` shape (it does not say); a Keras file and a
/// config.json have their own, which `input` replaces when given.
pub fn import(text: &str, input: Option<Shape>, name: &str) -> Result<Imported, Vec<ImportError>> {
    let imported = read(text, input, name).map_err(once_each)?;
    // What a layerlab file cannot hold is refused here, not written into a
    // file that will not open.
    let depth = imported.net.layers.iter().map(Layer::depth).max();
    if depth.is_some_and(|d| d > crate::layer::MAX_DEPTH) {
        let max = crate::layer::MAX_DEPTH.to_string();
        return Err(vec![ImportError {
            line: None,
            message: t!("import-nested-past-files", max = max),
        }]);
    }
    Ok(imported)
}

/// Each problem once: the same problem in every copy of a block (twelve
/// transformer layers printed one by one) is listed at its first line,
/// saying how many times and where else it comes.
fn once_each(errors: Vec<ImportError>) -> Vec<ImportError> {
    let mut seen: Vec<(ImportError, Vec<usize>)> = Vec::new();
    for e in errors {
        match seen
            .iter_mut()
            .find(|(first, _)| first.message == e.message)
        {
            Some((_, lines)) => lines.extend(e.line),
            None => {
                let lines = e.line.into_iter().collect();
                seen.push((e, lines));
            }
        }
    }
    seen.into_iter()
        .map(|(mut e, lines)| {
            // A block printed once for all its copies (`12 x Block`)
            // repeats a problem at one line.
            let mut distinct: Vec<usize> = Vec::new();
            for l in &lines {
                if !distinct.contains(l) {
                    distinct.push(*l);
                }
            }
            if distinct.len() > 1 {
                let mut shown: Vec<String> =
                    distinct.iter().take(4).map(usize::to_string).collect();
                if distinct.len() > 4 {
                    shown.push("…".to_string());
                }
                e.message = t!(
                    "import-repeated",
                    message = e.message,
                    n = lines.len().to_string(),
                    lines = shown.join(", ")
                );
            } else if lines.len() > 1 {
                e.message = t!(
                    "import-repeated-copies",
                    message = e.message,
                    n = lines.len().to_string()
                );
            }
            e
        })
        .collect()
}

fn read(text: &str, input: Option<Shape>, name: &str) -> Result<Imported, Vec<ImportError>> {
    match Format::of(text) {
        Some(Format::Pytorch) => match input {
            Some(shape) => pytorch::import(text, shape, name),
            None => Err(vec![ImportError {
                line: None,
                message: t!("import-needs-input"),
            }]),
        },
        Some(Format::Keras) => keras::import(text, input, name),
        Some(Format::HfConfig) => hf_config::import(text, input, name),
        None => Err(vec![ImportError {
            line: Some(1),
            message: t!("import-unknown-format"),
        }]),
    }
}

/// Whether `text` leaves its input shape to be given: a printout always
/// does, a Keras file when it has none (`[None, None, 3]`).
pub fn needs_input(text: &str) -> bool {
    match Format::of(text) {
        Some(Format::Pytorch) => true,
        Some(Format::Keras) => keras::input_of(text).is_none(),
        Some(Format::HfConfig) | None => false,
    }
}

/// The network at `path`: a layerlab file, or a model to import (a Keras
/// file, a config.json, a printout given `input`), so that `summary`,
/// `export`, `diff` and `sweep` take what the explorer opens. A printout
/// without `input` is refused with the option that brings it in.
pub fn load(
    path: &std::path::Path,
    input: Option<Shape>,
) -> Result<Network, crate::file::FileError> {
    let shown = path.display().to_string();
    let fail = |line: Option<usize>, message: String| crate::file::FileError {
        path: shown.clone(),
        line,
        message,
    };
    let text = crate::file::read_model(path).map_err(|m| fail(None, m))?;
    if Format::of(&text).is_none() {
        return crate::file::parse(&text).map_err(|e| fail(e.line, e.message));
    }
    if input.is_none() && needs_input(&text) {
        return Err(fail(
            None,
            t!("import-load-needs-input", path = shown.clone()),
        ));
    }
    let name = path
        .file_stem()
        .map_or("imported".into(), |s| s.to_string_lossy().into_owned());
    import(&text, input, &name)
        .map(|imported| imported.net)
        .map_err(|problems| {
            let line = problems.first().and_then(|p| p.line);
            let all: Vec<String> = problems.iter().map(ToString::to_string).collect();
            fail(line, all.join("; "))
        })
}

/// The imported network as a layerlab file, its notes as comments.
pub fn file_text(imported: &Imported) -> String {
    crate::file::to_toml_noted(&imported.net, &imported.header, &imported.notes)
}

/// A layer of `kind` with `settings`, each checked as a file's would be.
pub(crate) fn make(kind: Kind, settings: &[(Field, Value)]) -> Result<Layer, String> {
    let mut layer = Layer::new(kind);
    for (field, value) in settings {
        field
            .set(&mut layer, value)
            .map_err(|e| format!("{}: {e}", field.name()))?;
    }
    Ok(layer)
}

/// Appends `layer` to `list` (whose path is `base`), with its note. A note
/// is said once, on the first layer it is about: thirty ReLU6s need not
/// each say they count as ReLUs.
pub(crate) fn push_noted(
    notes: &mut BTreeMap<Vec<usize>, String>,
    list: &mut Vec<Layer>,
    base: &[usize],
    layer: Layer,
    note: Option<String>,
) {
    if let Some(note) = note.filter(|n| !notes.values().any(|said| said == n)) {
        let mut path = base.to_vec();
        path.push(list.len());
        notes.insert(path, note);
    }
    list.push(layer);
}

/// The output of `layers` on `input`, or `None` where one cannot be
/// computed (then nothing after it can be checked). Each layer's step
/// alone, as the engine takes it: no table rows, no copy of the layers
/// (an import asks this before every module).
pub(crate) fn output_of(input: Shape, layers: &[Layer]) -> Option<Shape> {
    layers.iter().try_fold(input, |shape, layer| {
        crate::family::of(layer.kind)
            .step(layer, shape, crate::network::Kernels::Full)
            .ok()
            .map(|step| step.output)
    })
}

/// The 1-based line of the first `needle` in `text`.
pub(crate) fn line_of(text: &str, needle: &str) -> Option<usize> {
    let at = text.find(needle)?;
    Some(text[..at].bytes().filter(|&b| b == b'\n').count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_is_told_by_the_first_line() {
        assert_eq!(Format::of("ResNet(\n  (conv1): …"), Some(Format::Pytorch));
        assert_eq!(Format::of("\n  Sequential(\n"), Some(Format::Pytorch));
        assert_eq!(Format::of(" {\"class_name\": …"), Some(Format::Keras));
        assert_eq!(
            Format::of("{\"model_type\": \"llama\", \"hidden_size\": 8}"),
            Some(Format::HfConfig)
        );
        assert_eq!(Format::of("name = \"lenet\""), None);
        assert_eq!(Format::of(""), None);
    }
}
