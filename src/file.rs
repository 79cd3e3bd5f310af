//! Architecture files (TOML): reading them with errors that name the line and
//! field and say what would fix it, and writing them back atomically.

mod document;

use crate::memory::Budget;
pub use document::Source;

use crate::layer::{Kind, Layer, MAX_DEPTH, Value};
use crate::network::{Kernels, Network, Shape};
use crate::text::{first_control, visible};
use serde::Deserialize;
use std::fmt;
use std::io::{Read, Write};
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
        // The path and the message may quote what the user wrote: escape
        // control characters, as everywhere text leaves layerlab.
        let (path, message) = (visible(&self.path), visible(&self.message));
        match (path.is_empty(), self.line) {
            (false, Some(line)) => write!(f, "{path}:{line}: {message}"),
            (false, None) => write!(f, "{path}: {message}"),
            (true, Some(line)) => write!(f, "{} {line}: {message}", t!("file-line")),
            (true, None) => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for FileError {}

/// A file as found on disk, to notice when another program has changed it:
/// its modification time, size and inode (a save by rename changes it),
/// and its status-change time, which a program that writes in place and
/// puts the modification time back cannot put back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    modified: Option<std::time::SystemTime>,
    len: u64,
    inode: u64,
    changed: (i64, i64),
}

/// The stamp of the file at `path` (through links), `None` when there is none.
pub fn stamp(path: &Path) -> Option<Stamp> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    Some(Stamp {
        modified: meta.modified().ok(),
        len: meta.len(),
        inode: meta.ino(),
        changed: (meta.ctime(), meta.ctime_nsec()),
    })
}

/// Files larger than this are not architecture files: refuse them instead
/// of reading until memory runs out (`/dev/zero`).
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// Reads and checks an architecture file.
pub fn load(path: &Path) -> Result<Network, FileError> {
    read_with(path, parse)
}

/// Reads the file at `path` with `parse`; errors name the file.
fn read_with<T>(
    path: &Path,
    parse: impl FnOnce(&str) -> Result<T, FileError>,
) -> Result<T, FileError> {
    let shown = path.display().to_string();
    let text = read_text(path).map_err(|message| FileError {
        path: shown.clone(),
        line: None,
        message,
    })?;
    parse(&text).map_err(|e| FileError { path: shown, ..e })
}

/// The text of a model to import: the file itself, or for a `.keras`
/// archive (a zip) the `config.json` inside it, which is what
/// `model.to_json()` writes.
pub fn read_model(path: &Path) -> Result<String, String> {
    let mut magic = [0u8; 4];
    let zipped = std::fs::metadata(path).is_ok_and(|m| m.is_file())
        && std::fs::File::open(path)
            .and_then(|mut f| f.read_exact(&mut magic))
            .is_ok()
        && magic == *b"PK\x03\x04";
    if !zipped {
        return read_text(path);
    }
    let cannot = |e: &dyn std::fmt::Display| t!("file-cannot-read-the-file-e", e = e.to_string());
    let file = std::fs::File::open(path)
        .map_err(|e| t!("file-cannot-read-the-file-e", e = crate::i18n::io_error(&e)))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| cannot(&e))?;
    let entry = archive
        .by_name("config.json")
        .map_err(|_| t!("file-keras-without-config"))?;
    let mut bytes = Vec::new();
    entry
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| cannot(&e))?;
    String::from_utf8(bytes).map_err(|e| cannot(&e))
}

/// The metadata of `path` if it is a regular file; else why not. Every
/// file layerlab reads is checked so before it is opened: opening a FIFO
/// waits for a writer for ever.
pub fn regular(path: &Path) -> Result<std::fs::Metadata, String> {
    let meta = std::fs::metadata(path)
        .map_err(|e| t!("file-cannot-read-the-file-e", e = crate::i18n::io_error(&e)))?;
    if meta.is_file() {
        return Ok(meta);
    }
    let what = if meta.is_dir() {
        t!("file-a-folder")
    } else {
        t!("file-not-a-regular-file-a")
    };
    Err(t!("file-what-give-the-path-of", what = what.to_string()))
}

/// The text of a regular file of at most `MAX_FILE_BYTES`. A FIFO, a device
/// or a folder is refused before it is opened: opening a FIFO would wait for
/// a writer for ever.
pub fn read_text(path: &Path) -> Result<String, String> {
    let cannot =
        |e: std::io::Error| t!("file-cannot-read-the-file-e", e = crate::i18n::io_error(&e));
    let meta = regular(path)?;
    let too_large = || {
        let limit = MAX_FILE_BYTES >> 20;
        t!(
            "file-too-large-for-an-architecture",
            limit = limit.to_string()
        )
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|e| {
        t!(
            "file-not-utf-8-text-byte",
            a1 = (e.utf8_error().valid_up_to() + 1).to_string()
        )
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    name: Option<Spanned<String>>,
    input: Option<Spanned<toml::Value>>,
    kernels: Option<Spanned<toml::Value>>,
    budget: Option<Spanned<toml::Value>>,
    #[serde(default)]
    layer: Vec<Spanned<RawLayer>>,
}

/// A `[[layer]]` table as written: its settings, and for a container what it
/// holds (`[[….branch]]` tables of a merge, `[[….layer]]` tables of a block),
/// every key with where it is in the file.
#[derive(Default)]
struct RawLayer {
    entries: Vec<(Spanned<String>, Spanned<toml::Value>)>,
    branches: Option<(Spanned<String>, Vec<Spanned<RawBranch>>)>,
    layers: Option<(Spanned<String>, Vec<Spanned<RawLayer>>)>,
}

/// A `[[….branch]]` table: its layers, and any other key (which is wrong).
#[derive(Default)]
struct RawBranch {
    layers: Vec<Spanned<RawLayer>>,
    stray: Option<Spanned<String>>,
}

impl<'de> Deserialize<'de> for RawLayer {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = RawLayer;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a layer table")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawLayer, A::Error> {
                let mut raw = RawLayer::default();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    match key.get_ref().as_str() {
                        "branch" => raw.branches = Some((key, map.next_value()?)),
                        "layer" => raw.layers = Some((key, map.next_value()?)),
                        _ => raw.entries.push((key, map.next_value()?)),
                    }
                }
                Ok(raw)
            }
        }
        d.deserialize_map(Visit)
    }
}

impl<'de> Deserialize<'de> for RawBranch {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = RawBranch;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a branch table")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawBranch, A::Error> {
                let mut raw = RawBranch::default();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    if key.get_ref() == "layer" {
                        raw.layers = map.next_value()?;
                    } else {
                        map.next_value::<toml::Value>()?;
                        raw.stray.get_or_insert(key);
                    }
                }
                Ok(raw)
            }
        }
        d.deserialize_map(Visit)
    }
}

/// Parses the text of an architecture file.
pub fn parse(src: &str) -> Result<Network, FileError> {
    too_many_layers(src, MAX_LAYERS)?;
    let Some(starts) = layer_headers(src) else {
        return parse_whole(src);
    };
    // A layer at a time: the parse tree of a 100,000-layer file would take
    // 2 KB a layer; one layer's tree is freed before the next is read.
    let head = &src[..starts[0]];
    let mut net = parse_head(head, &read_toml(head)?)?;
    net.layers.reserve(starts.len());
    let ends = starts.iter().skip(1).copied().chain([src.len()]);
    for (i, (start, end)) in starts.iter().copied().zip(ends).enumerate() {
        let chunk = &src[start..end];
        let below = |e: FileError| FileError {
            line: e.line.map(|l| l + line_of(src, start) - 1),
            ..e
        };
        let raw = read_toml(chunk).map_err(below)?;
        let ([table], None) = (&raw.layer[..], &raw.budget) else {
            // Not one layer table after all (or a `[budget]` below the
            // layers): read the file whole.
            return parse_whole(src);
        };
        net.layers
            .push(parse_layer(chunk, &(i + 1).to_string(), table).map_err(below)?);
    }
    Ok(net)
}

/// The most layers a file may hold, at every level. A layer takes about
/// 1 KB in memory (its settings and its row of the analysis) however few
/// bytes its table takes, so 64 MB of `[[layer]]` lines would take 3 GB;
/// a million is a hundred times the deepest real network.
pub const MAX_LAYERS: usize = 1_000_000;

/// Refuses, at the first layer past the limit, a file of more than
/// `max` layers, before any of them is read.
fn too_many_layers(src: &str, max: usize) -> Result<(), FileError> {
    let mut layers = 0;
    let mut offset = 0;
    for line in src.split_inclusive('\n') {
        let code = line.trim_start();
        if code.starts_with("[[")
            && code
                .split('#')
                .next()
                .unwrap_or("")
                .trim_end()
                .ends_with("layer]]")
        {
            layers += 1;
            if layers > max {
                return Err(FileError {
                    path: String::new(),
                    line: Some(line_of(src, offset)),
                    message: t!(
                        "file-too-many-layers",
                        max = crate::units::thousands(max as u64)
                    ),
                });
            }
        }
        offset += line.len();
    }
    Ok(())
}

/// `parse` without reading a layer at a time, for files it cannot split.
fn parse_whole(src: &str) -> Result<Network, FileError> {
    let raw = read_toml(src)?;
    let mut net = parse_head(src, &raw)?;
    for (i, table) in raw.layer.iter().enumerate() {
        net.layers
            .push(parse_layer(src, &(i + 1).to_string(), table)?);
    }
    Ok(net)
}

/// Where each `[[layer]]` header line starts, when the file can be read a
/// layer at a time: it has such headers, no multi-line strings (the only
/// place a header-like line could hide) and nothing above the first header
/// that defines `layer` another way.
fn layer_headers(src: &str) -> Option<Vec<usize>> {
    if src.contains("\"\"\"") || src.contains("'''") {
        return None;
    }
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in src.split_inclusive('\n') {
        let code = line.split('#').next().unwrap_or("").trim();
        let header = code
            .strip_prefix("[[")
            .and_then(|c| c.strip_suffix("]]"))
            .map(str::trim);
        match header {
            Some("layer") => starts.push(offset),
            _ if starts.is_empty() && code.starts_with("layer") => return None,
            _ => {}
        }
        offset += line.len();
    }
    (!starts.is_empty()).then_some(starts)
}

fn read_toml(src: &str) -> Result<RawFile, FileError> {
    toml::from_str(src).map_err(|e| FileError {
        path: String::new(),
        line: e.span().map(|s| line_of(src, s.start)),
        message: toml_message(src, &e),
    })
}

/// The name, input and kernel convention: everything above the layers.
fn parse_head(src: &str, raw: &RawFile) -> Result<Network, FileError> {
    let at = |span: Range<usize>, message: String| FileError {
        path: String::new(),
        line: Some(line_of(src, span.start)),
        message,
    };
    let mut net = Network::empty("untitled");
    if let Some(name) = &raw.name {
        if let Some((at_char, c)) = first_control(name.get_ref()) {
            let code = c.escape_unicode();
            return Err(at(
                name.span(),
                t!(
                    "file-name-must-be-one-line",
                    at_char = at_char.to_string(),
                    code = code.to_string()
                ),
            ));
        }
        net.name = name.get_ref().clone();
    }
    let Some(input) = &raw.input else {
        return Err(FileError {
            path: String::new(),
            line: None,
            message: t!("file-missing-input-add-a-line").to_string(),
        });
    };
    net.input = input_shape(input.get_ref()).ok_or_else(|| {
        at(
            input.span(),
            t!("file-input-must-be-c-h", a1 = src[input.span()].to_string()),
        )
    })?;
    if let Some(k) = &raw.kernels {
        net.kernels = k
            .get_ref()
            .as_str()
            .and_then(Kernels::from_name)
            .ok_or_else(|| {
                at(
                    k.span(),
                    t!(
                        "file-kernels-must-be-full-or",
                        a1 = src[k.span()].to_string()
                    ),
                )
            })?;
    }
    if let Some(budget) = &raw.budget {
        net.budget = parse_budget(src, budget)?;
    }
    Ok(net)
}

/// The `[budget]` table: `memory = "8GiB"`, `params = "5M"`, `macs = 1000000000`.
fn parse_budget(src: &str, budget: &Spanned<toml::Value>) -> Result<Budget, FileError> {
    let at = |span: Range<usize>, message: String| FileError {
        path: String::new(),
        line: Some(line_of(src, span.start)),
        message,
    };
    let Some(table) = budget.get_ref().as_table() else {
        return Err(at(budget.span(), t!("file-budget-table")));
    };
    let mut out = Budget::default();
    for (key, value) in table {
        let memory = key == "memory";
        let n = Budget::amount(value, memory)
            .ok_or_else(|| at(budget.span(), t!("file-budget-value", key = key.clone())))?;
        match key.as_str() {
            "memory" => out.memory = Some(n),
            "params" => out.params = Some(n),
            "macs" => out.macs = Some(n),
            _ => return Err(at(budget.span(), t!("file-budget-key", key = key.clone()))),
        }
    }
    Ok(out)
}

/// Reads one layer table; `number` says where it is (`3`, or `3.2.1` for
/// layer 1 of branch 2 of layer 3, `3.1` for layer 1 of block 3).
fn parse_layer(src: &str, number: &str, table: &Spanned<RawLayer>) -> Result<Layer, FileError> {
    parse_nested(src, number, table, 0)
}

/// `parse_layer` for a layer inside `depth` containers.
fn parse_nested(
    src: &str,
    number: &str,
    table: &Spanned<RawLayer>,
    depth: usize,
) -> Result<Layer, FileError> {
    let at = |span: Range<usize>, message: String| FileError {
        path: String::new(),
        line: Some(line_of(src, span.start)),
        message: format!("{} {number}: {message}", t!("file-layer")),
    };
    let known_kinds = || Kind::iter().map(Kind::name).collect::<Vec<_>>().join(", ");
    let entries = &table.get_ref().entries;
    let Some((_, type_value)) = entries.iter().find(|(k, _)| k.get_ref() == "type") else {
        return Err(at(
            table.span(),
            t!("file-missing-type-one-of", a1 = known_kinds().to_string()),
        ));
    };
    let kind = match type_value.get_ref().as_str() {
        Some(name) => Kind::from_name(name).ok_or_else(|| {
            let hint = suggest(name, Kind::iter().map(Kind::name))
                .map(|s| t!("file-did-you-mean-s", s = s.to_string()))
                .unwrap_or_default();
            at(
                type_value.span(),
                t!(
                    "file-unknown-layer-type-name-hint",
                    name = name.to_string(),
                    hint = hint.to_string(),
                    a1 = known_kinds().to_string()
                ),
            )
        })?,
        None => {
            return Err(at(
                type_value.span(),
                t!(
                    "file-type-must-be-a-string",
                    a1 = src[type_value.span()].to_string()
                ),
            ));
        }
    };
    let mut layer = Layer::new(kind);
    let takes = || {
        let names: Vec<&str> = kind.fields().iter().map(|f| f.name()).collect();
        if names.is_empty() {
            t!("file-takes-no-settings", a1 = kind.name().to_string())
        } else {
            t!(
                "file-takes",
                a1 = kind.name().to_string(),
                a2 = (names.join(", ")).to_string()
            )
        }
    };
    parse_children(src, number, depth, table.get_ref(), &mut layer, &at)?;
    for (key, value) in entries {
        let name = key.get_ref().as_str();
        if name == "type" {
            continue;
        }
        let Some(field) = kind.fields().iter().copied().find(|f| f.name() == name) else {
            let hint = suggest(name, kind.fields().iter().map(|f| f.name()))
                .map(|s| t!("file-did-you-mean-s", s = s.to_string()))
                .unwrap_or_default();
            return Err(at(
                key.span(),
                t!(
                    "file-unknown-field-name-for-hint",
                    name = name.to_string(),
                    a1 = kind.name().to_string(),
                    hint = hint.to_string(),
                    a2 = takes().to_string()
                ),
            ));
        };
        field
            .set(&mut layer, &Value::from_toml(value.get_ref()))
            .map_err(|why| {
                let got = &src[value.span()];
                at(
                    value.span(),
                    t!(
                        "file-why-got-got",
                        why = why.to_string(),
                        got = got.to_string()
                    ),
                )
            })?;
    }
    for field in kind.required() {
        if !entries.iter().any(|(k, _)| k.get_ref() == field.name()) {
            return Err(at(
                table.span(),
                t!(
                    "file-needs",
                    a1 = kind.name().to_string(),
                    a2 = field.name().to_string(),
                    a3 = field.expected().to_string()
                ),
            ));
        }
    }
    Ok(layer)
}

/// What a container holds: a merge's `branch` tables, a block's `layer`
/// tables. Other kinds hold nothing, and say where their layers belong.
fn parse_children(
    src: &str,
    number: &str,
    depth: usize,
    raw: &RawLayer,
    layer: &mut Layer,
    at: &dyn Fn(Range<usize>, String) -> FileError,
) -> Result<(), FileError> {
    let kind = layer.kind;
    let misplaced = |key: &Spanned<String>, message: String| Err(at(key.span(), message));
    match (&raw.branches, &raw.layers) {
        (Some((key, _)), _) if !kind.is_merge() => misplaced(
            key,
            t!("file-branches-belong-to-merges", kind = kind.name()),
        ),
        (_, Some((key, _))) if kind != Kind::Block => {
            misplaced(key, t!("file-layers-belong-to-blocks", kind = kind.name()))
        }
        (Some((key, _)), _) | (_, Some((key, _))) if depth >= MAX_DEPTH => {
            misplaced(key, t!("file-nested-too-deep", max = MAX_DEPTH.to_string()))
        }
        (branches, _) if kind.is_merge() => {
            let branches = branches.as_ref().map_or(&[][..], |(_, b)| b.as_slice());
            layer.branches = Vec::with_capacity(branches.len());
            for (b, branch) in branches.iter().enumerate() {
                if let Some(key) = &branch.get_ref().stray {
                    return misplaced(
                        key,
                        t!(
                            "file-a-branch-holds-only-layers",
                            key = key.get_ref().as_str()
                        ),
                    );
                }
                let layers = (branch.get_ref().layers.iter().enumerate())
                    .map(|(i, l)| {
                        let n = format!("{number}.{}.{}", b + 1, i + 1);
                        parse_nested(src, &n, l, depth + 1)
                    })
                    .collect::<Result<_, _>>()?;
                layer.branches.push(layers);
            }
            Ok(())
        }
        (_, layers) if kind == Kind::Block => {
            let layers = layers.as_ref().map_or(&[][..], |(_, l)| l.as_slice());
            let body = (layers.iter().enumerate())
                .map(|(i, l)| parse_nested(src, &format!("{number}.{}", i + 1), l, depth + 1))
                .collect::<Result<_, _>>()?;
            layer.branches = vec![body];
            Ok(())
        }
        _ => Ok(()),
    }
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
    Shape::from_dims(&dims)
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
pub(crate) fn toml_message(src: &str, e: &toml::de::Error) -> String {
    let msg = e.message().trim();
    // A number past i64 reaches serde as an i128; say what the limit is.
    if let Some(number) = msg
        .strip_prefix("invalid type: integer `")
        .and_then(|rest| rest.split_once("` as i128"))
        .map(|(n, _)| n)
    {
        let key = e
            .span()
            .and_then(|s| src[..s.start.min(src.len())].lines().last())
            .and_then(|line| line.split_once('='))
            .map(|(k, _)| format!("`{}` ", k.trim()))
            .unwrap_or_default();
        return if number.starts_with('-') {
            t!(
                "file-key-number-is-too-small",
                key = key.to_string(),
                number = number.to_string()
            )
        } else {
            t!("file-key-number-is-too-large", key = key, number = number)
        };
    }
    if msg.contains("recursion limit") {
        return t!("file-nested-too-deep", max = MAX_DEPTH.to_string());
    }
    if msg.starts_with("unknown field `layers`") {
        return t!("file-msg-write-each-layer-as", msg = msg.to_string());
    }
    // The TOML parser's own words are English; say in the reader's language what they are.
    t!("file-toml-syntax", msg = msg)
}

pub(crate) fn line_of(src: &str, offset: usize) -> usize {
    src.as_bytes()[..offset.min(src.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The file text for a network, in the same layout as the presets.
pub fn to_toml(net: &Network) -> String {
    to_toml_noted(net, &[], &std::collections::BTreeMap::new())
}

/// `to_toml` with comments: `header` lines at the top, and a note above
/// each layer whose path is in `notes` (what an import implied, and why).
pub fn to_toml_noted(
    net: &Network,
    header: &[String],
    notes: &std::collections::BTreeMap<Vec<usize>, String>,
) -> String {
    let mut out = String::new();
    for line in header {
        out.push_str(&comment(line));
    }
    out.push_str(&format!(
        "name = {}\n",
        toml::Value::String(net.name.clone())
    ));
    let dims: Vec<String> = net.input.to_vec().iter().map(u64::to_string).collect();
    out.push_str(&format!("input = [{}]\n", dims.join(", ")));
    if net.kernels == Kernels::Shared {
        out.push_str("kernels = \"shared\"\n");
    }
    if net.budget != Budget::default() {
        out.push_str(&format!("\n[budget]\n{}", budget_lines(&net.budget)));
    }
    write_layers(&mut out, "layer", &net.layers, &mut Vec::new(), notes);
    out
}

/// `text` as TOML comment lines, one `# ` a line.
fn comment(text: &str) -> String {
    text.lines()
        .map(|l| format!("# {}\n", visible(l)))
        .collect()
}

/// `memory = "8GiB"` and the like, a line for each limit set.
fn budget_lines(budget: &Budget) -> String {
    let mut out = String::new();
    for (what, limit) in [
        ("memory", budget.memory),
        ("params", budget.params),
        ("macs", budget.macs),
    ] {
        if let Some(n) = limit {
            let text = crate::memory::amount_text(n, what == "memory");
            out.push_str(&format!("{what} = {}\n", toml::Value::String(text)));
        }
    }
    out
}

/// `[[layer]]` tables for `layers` under `header` (`layer`, `layer.branch.layer`, …).
fn write_layers(
    out: &mut String,
    header: &str,
    layers: &[Layer],
    path: &mut Vec<usize>,
    notes: &std::collections::BTreeMap<Vec<usize>, String>,
) {
    for (i, layer) in layers.iter().enumerate() {
        path.push(i);
        out.push('\n');
        if let Some(note) = notes.get(path.as_slice()) {
            out.push_str(&comment(note));
        }
        out.push_str(&format!("[[{header}]]\ntype = \"{}\"\n", layer.kind.name()));
        for field in layer.kind.fields() {
            if let Some(v) = field.to_toml(layer) {
                out.push_str(&format!("{} = {v}\n", field.name()));
            }
        }
        match layer.kind {
            Kind::Block => {
                let body = layer.branches.first().map_or(&[][..], Vec::as_slice);
                path.push(0);
                write_layers(out, &format!("{header}.layer"), body, path, notes);
                path.pop();
            }
            kind if kind.is_merge() => {
                for (b, branch) in layer.branches.iter().enumerate() {
                    out.push_str(&format!("\n[[{header}.branch]]\n"));
                    path.push(b);
                    write_layers(out, &format!("{header}.branch.layer"), branch, path, notes);
                    path.pop();
                }
            }
            _ => {}
        }
        path.pop();
    }
}

/// Writes the network to `path` atomically (see `write_atomic`), editing
/// `source`, the document it was read from, where there is one. Returns the
/// source the file now is.
pub fn save(net: &Network, source: Option<&Source>, path: &Path) -> std::io::Result<Source> {
    let (text, saved) = save_text(net, source);
    write_atomic(path, text.as_bytes())?;
    Ok(saved)
}

/// The text `save` writes, and the source the file then is.
pub fn save_text(net: &Network, source: Option<&Source>) -> (String, Source) {
    document::render(net, source)
}

/// Reads an architecture file and keeps its document for saving.
/// A typed path with a leading `~` read as the home folder, as shells do.
pub fn expand_home(typed: &str) -> std::path::PathBuf {
    let home = || std::env::var_os("HOME").map(std::path::PathBuf::from);
    match typed.strip_prefix('~') {
        Some("") => home().unwrap_or_else(|| typed.into()),
        Some(rest) if rest.starts_with('/') => match home() {
            Some(h) => h.join(&rest[1..]),
            None => typed.into(),
        },
        _ => typed.into(),
    }
}

/// Tab in a path prompt: the typed text completed as far as every match
/// agrees (a folder gets its `/`), and the names that match, sorted.
pub fn complete(typed: &str) -> (String, Vec<String>) {
    let (folder_typed, stem) = match typed.rfind('/') {
        Some(i) => (&typed[..=i], &typed[i + 1..]),
        None => ("", typed),
    };
    let folder = if folder_typed.is_empty() {
        std::path::PathBuf::from(".")
    } else {
        expand_home(folder_typed)
    };
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return (typed.to_string(), Vec::new());
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            // Hidden files only when asked for with a dot.
            if !name.starts_with(stem) || (name.starts_with('.') && !stem.starts_with('.')) {
                return None;
            }
            let dir = e.file_type().is_ok_and(|t| t.is_dir()) || e.path().is_dir();
            Some(if dir { format!("{name}/") } else { name })
        })
        .collect();
    names.sort();
    let Some(first) = names.first() else {
        return (typed.to_string(), names);
    };
    // The longest start every name shares.
    let mut common = first.clone();
    for n in &names[1..] {
        let shared = common
            .char_indices()
            .zip(n.chars())
            .find(|((_, a), b)| a != b)
            .map_or(common.len().min(n.len()), |((i, _), _)| i);
        common.truncate(shared);
    }
    (format!("{folder_typed}{common}"), names)
}

/// The architecture files (`.toml`) directly in `folder`, by name; none
/// when it cannot be read.
pub fn architectures_in(folder: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut found: Vec<std::path::PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.strip_prefix(folder).map(Path::to_path_buf).unwrap_or(p))
        .collect();
    found.sort();
    found
}

pub fn load_source(path: &Path) -> Result<(Network, Source), FileError> {
    read_with(path, Source::parse)
}

/// `load_source` for reading only: see `Source::parse_head`.
pub fn load_for_reading(path: &Path) -> Result<(Network, Source), FileError> {
    read_with(path, Source::parse_head)
}

/// Writes `bytes` to `path` so that a crash, a full disk or a planted link
/// can never leave a half-written or wrong file:
///
/// - a symlink is written through: its target is replaced, the link stays
///   (a dangling one creates its target);
/// - a hard-linked file is written in place, so every name sees the new
///   text (the temporary file holds it until then);
/// - the temporary file beside it gets a random name and is created
///   exclusively, so a link planted under a guessable name is never followed;
/// - the old file's permissions and owner carry over (a 0600 file stays 0600);
/// - the data and then the folder are flushed before the rename is trusted.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    // Through links: the file to replace is what the path finally names,
    // and a link to a file not there yet (dangling) makes that file.
    let target = match std::fs::canonicalize(path) {
        Ok(real) => real,
        Err(_) => dangling_target(path).unwrap_or_else(|| path.to_path_buf()),
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let old = std::fs::metadata(&target).ok().filter(|m| m.is_file());
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // New files get the usual 0666 less the umask, as any editor makes them.
    let mode = old
        .as_ref()
        .map_or(0o666, |m| m.permissions().mode() & 0o7777);
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .permissions(std::fs::Permissions::from_mode(mode))
        .tempfile_in(&dir)?;
    tmp.write_all(bytes)?;
    if let Some(m) = &old {
        // Keep the owner where we may (root saving a user's file); an
        // ordinary user cannot give a file away, and need not.
        let _ = std::os::unix::fs::fchown(tmp.as_file(), Some(m.uid()), Some(m.gid()));
        // The umask does not apply to an explicit chmod: the exact old mode.
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    tmp.as_file().sync_all()?;
    if old.as_ref().is_some_and(|m| m.nlink() > 1) {
        // Hard-linked: a rename would leave the other names on the old
        // text. Write in place instead; the full new text is on disk in
        // the temporary file until the copy is.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&target)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        return tmp.close();
    }
    tmp.persist(&target).map_err(|e| e.error)?;
    // The rename is durable only once the folder itself is on disk.
    std::fs::File::open(&dir)?.sync_all()
}

/// What a symlink whose target does not exist names (relative to the
/// link's folder), to create it; `None` when `path` is no such link.
fn dangling_target(path: &Path) -> Option<PathBuf> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_symlink() {
        return None;
    }
    let to = std::fs::read_link(path).ok()?;
    Some(match path.parent() {
        Some(dir) if to.is_relative() => dir.join(to),
        _ => to,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(src: &str) -> String {
        parse(src).unwrap_err().to_string()
    }

    /// Saving keeps a hard link shared and makes a dangling link's target.
    #[test]
    fn saving_keeps_hard_links_and_follows_dangling_links() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.toml");
        let b = dir.path().join("b.toml");
        std::fs::write(&a, "old").unwrap();
        std::fs::hard_link(&a, &b).unwrap();
        write_atomic(&a, b"new").unwrap();
        assert_eq!(
            std::fs::read_to_string(&b).unwrap(),
            "new",
            "the other name"
        );
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 2, "no temporary file left");
        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink("target.toml", &link).unwrap();
        write_atomic(&link, b"made").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        let made = dir.path().join("target.toml");
        assert_eq!(std::fs::read_to_string(made).unwrap(), "made");
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
        let src = format!("{HEAD}\n[[layer]]\ntype = \"capsule\"\n");
        assert!(
            err(&src).starts_with(
                "line 5: layer 1: unknown layer type `capsule`; layerlab knows: conv2d,"
            )
        );
        let src = format!("{HEAD}\n[[layer]]\ntype = \"dense\"\n");
        assert_eq!(
            err(&src),
            "line 4: layer 1: dense needs `units` (a positive integer)"
        );
        assert_eq!(
            err("input = [1, 0, 28]\n"),
            "line 1: `input` must be a list of positive integers: [C, H, W] for an image (e.g. [1, 28, 28]), \
             [L] for tokens or a vector, [L, E] or [C, L] for a sequence or signal, [C, D, H, W] for a volume; \
             got [1, 0, 28]"
        );
    }

    #[test]
    fn a_name_with_control_characters_is_refused_where_it_is() {
        let src = "input = [1, 28, 28]\nname = \"x\\u001b]0;pwned\\u0007\"\n";
        assert_eq!(
            err(src),
            "line 2: `name` must be one line of plain text; character 2 is the control character \\u{1b}: remove it"
        );
        // An unknown type quoting an escape sequence is shown escaped.
        let src = format!("{HEAD}[[layer]]\ntype = \"\\u001b[2J\"\n");
        assert!(
            err(&src).contains("unknown layer type `\\u{1b}[2J`"),
            "{}",
            err(&src)
        );
    }

    #[test]
    fn numbers_past_what_a_file_holds_say_the_limit() {
        let src = format!(
            "{HEAD}[[layer]]\ntype = \"conv2d\"\nkernel = 3\nfilters = 99999999999999999999\n"
        );
        assert_eq!(
            err(&src),
            "line 6: `filters` 99999999999999999999 is too large: at most 9,223,372,036,854,775,807"
        );
        assert_eq!(
            err("input = [1, 28, 99999999999999999999]\n"),
            "line 1: `input` 99999999999999999999 is too large: at most 9,223,372,036,854,775,807"
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
        save(&net, None, &path).unwrap();
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
    fn saving_writes_through_a_link_and_keeps_mode_and_owner() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.toml");
        std::fs::write(&real, "old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
        let owner = std::fs::metadata(&real).unwrap().uid();
        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink(),
            "the link stays a link"
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        let meta = std::fs::metadata(&real).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert_eq!(meta.uid(), owner);
    }

    #[test]
    fn a_new_file_gets_the_usual_mode_and_a_planted_link_is_not_followed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        // The name the first version used for its temporary file.
        let planted = dir
            .path()
            .join(format!(".net.toml.{}.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let path = dir.path().join("net.toml");
        write_atomic(&path, b"x").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o600, 0o600, "readable and writable by its owner");
        assert_ne!(mode, 0o600, "not the temporary file's private mode");
    }

    /// 2.6 million `[[layer]]` lines fit in 64 MB and took 2.8 GB to read:
    /// past the limit the file is refused at the first layer too many,
    /// nested ones counted.
    #[test]
    fn a_file_of_more_layers_than_the_limit_is_refused_at_the_first_too_many() {
        let layer = "[[layer]]\ntype = \"relu\"\n";
        let head = "name = \"n\"\ninput = [8]\n";
        assert!(too_many_layers(&format!("{head}{}", layer.repeat(5)), 5).is_ok());
        let nested =
            "[[layer]]\ntype = \"block\"\n  [[layer.layer]] # one more\n  type = \"relu\"\n";
        let over = format!("{head}{}{nested}", layer.repeat(4));
        let e = too_many_layers(&over, 5).expect_err("past the limit");
        assert_eq!(e.line, Some(3 + 2 * 4 + 2));
        assert!(e.message.contains("more than 5 layers"), "{}", e.message);
        // parse applies the limit: a file past it is refused whole.
        let past = format!("{head}{}", layer.repeat(MAX_LAYERS + 1));
        let e = parse(&past).expect_err("past MAX_LAYERS");
        assert!(
            e.message.contains("more than 1,000,000 layers"),
            "{}",
            e.message
        );
    }

    #[test]
    fn only_regular_files_of_sane_size_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let e = load(&fifo).unwrap_err().to_string();
            assert!(e.contains("not a regular file"), "{e}");
        }
        let e = load(Path::new("/dev/zero")).unwrap_err().to_string();
        assert_eq!(
            e,
            "/dev/zero: not a regular file (a pipe, socket or device): give the path of an architecture file (.toml)"
        );
        let e = load(dir.path()).unwrap_err().to_string();
        assert!(e.contains("a folder: give the path"), "{e}");
        let big = dir.path().join("big.toml");
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(MAX_FILE_BYTES + 1).unwrap();
        let e = load(&big).unwrap_err().to_string();
        assert!(
            e.ends_with("too large for an architecture file (over 64 MiB)"),
            "{e}"
        );
    }

    #[test]
    fn a_failed_save_changes_nothing_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-folder").join("net.toml");
        assert!(save(&crate::presets::load("lenet").unwrap(), None, &path).is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
