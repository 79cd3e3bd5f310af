//! Saving into the user's own file. The TOML document that was read is kept
//! and only what changed is edited in it, so comments, blank lines, key
//! order and number spelling survive a save — the presets' header comments
//! included. A file that did not exist is written in the presets' layout.

use super::{FileError, parse, to_toml};
use crate::compare::{Step, align};
use crate::layer::{Kind, Layer};
use crate::network::{Kernels, Network};
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

/// A file as it was read or last saved: its document, and the network that
/// document describes (what edits are measured against).
#[derive(Clone, Debug)]
pub struct Source {
    doc: DocumentMut,
    net: Network,
}

impl Source {
    /// Whether the file sets `key` at its top (`kernels`, say), rather
    /// than leaving it to the default.
    pub fn states(&self, key: &str) -> bool {
        self.doc.contains_key(key)
    }

    /// Reads `text` as an architecture file for reading only (`summary`,
    /// `export`, `sweep`): its document holds only what is above the
    /// first layer, which `states` reads, so a 100,000-layer file is not
    /// held twice more. It never saves: the explorer reads with `parse`.
    pub fn parse_head(text: &str) -> Result<(Network, Source), FileError> {
        let net = parse(text)?;
        let head = text.find("\n[").map_or(text, |at| &text[..at + 1]);
        let head = if head.starts_with('[') { "" } else { head };
        let doc = head.parse::<DocumentMut>().unwrap_or_default();
        let source = Source {
            doc,
            net: Network::empty(""),
        };
        Ok((net, source))
    }

    /// Reads `text` as an architecture file, keeping its document.
    pub fn parse(text: &str) -> Result<(Network, Source), FileError> {
        let net = parse(text)?;
        let doc = text.parse::<DocumentMut>().map_err(|e| FileError {
            path: String::new(),
            line: None,
            message: e.to_string(),
        })?;
        let source = Source {
            doc,
            net: net.clone(),
        };
        Ok((net, source))
    }
}

/// The text to save for `net`, and the source it becomes: `source` with
/// only what differs from `source.net` edited, or a fresh file.
pub fn render(net: &Network, source: Option<&Source>) -> (String, Source) {
    let doc = match source {
        Some(s) => edited(s, net),
        None => to_toml(net)
            .parse::<DocumentMut>()
            .unwrap_or_else(|_| DocumentMut::new()),
    };
    let text = doc.to_string();
    let source = Source {
        doc,
        net: net.clone(),
    };
    (text, source)
}

fn edited(source: &Source, net: &Network) -> DocumentMut {
    let (mut doc, old) = (source.doc.clone(), &source.net);
    let root = doc.as_table_mut();
    if old.name != net.name {
        set(root, "name", Some(Value::from(net.name.as_str())));
    }
    if old.input != net.input {
        let dims = net.input.to_vec().into_iter().map(to_i64);
        set(root, "input", Some(Value::Array(dims.collect())));
    }
    if old.kernels != net.kernels {
        let shared = (net.kernels == Kernels::Shared).then(|| Value::from("shared"));
        set(root, "kernels", shared);
    }
    if old.budget != net.budget {
        root.remove("budget");
        if net.budget != crate::memory::Budget::default() {
            let mut table = toml_edit::Table::new();
            for (what, limit) in [
                ("memory", net.budget.memory),
                ("params", net.budget.params),
                ("macs", net.budget.macs),
            ] {
                if let Some(n) = limit {
                    let text = crate::memory::amount_text(n, what == "memory");
                    table.insert(what, toml_edit::value(text));
                }
            }
            root.insert("budget", Item::Table(table));
        }
    }
    match edit_layers(root.get("layer"), &old.layers, &net.layers, &mut Vec::new()) {
        None => {
            root.remove("layer");
        }
        Some(layers) => {
            root.insert("layer", Item::ArrayOfTables(layers));
        }
    }
    doc
}

/// Tables of layers that left their place in the file, each with the layer
/// it said: a layer written again elsewhere (moved with J/K, wrapped with
/// `r`, taken out of a block) takes its table back, comments and all.
type Spare<'a> = Vec<(&'a Layer, Table)>;

/// The `[[…layer]]` tables for `new`, edited from `item` (the tables that
/// said `old`): matched layers keep their table, comments and all; others
/// are written fresh, or take the table of an equal layer that left.
/// `None` when there are no layers.
fn edit_layers<'a>(
    item: Option<&Item>,
    old: &'a [Layer],
    new: &[Layer],
    spare: &mut Spare<'a>,
) -> Option<ArrayOfTables> {
    let tables: Vec<Table> = match item.and_then(Item::as_array_of_tables) {
        Some(a) if a.len() == old.len() => a.iter().cloned().collect(),
        // Layers written some other way (an inline array): write them anew.
        _ => Vec::new(),
    };
    let steps = align(old, new);
    let kept =
        |base: usize, current: usize| base < tables.len() && old[base].kind == new[current].kind;
    for step in &steps {
        match *step {
            Step::Removed { base } if base < tables.len() => {
                keep_spare(&tables[base], &old[base], spare)
            }
            Step::Matched { base, current } if base < tables.len() && !kept(base, current) => {
                keep_spare(&tables[base], &old[base], spare)
            }
            _ => {}
        }
    }
    let mut layers = ArrayOfTables::new();
    for step in steps {
        let table = match step {
            Step::Matched { base, current } if kept(base, current) => {
                let mut t = tables[base].clone();
                update(&mut t, &old[base], &new[current], spare);
                t
            }
            Step::Matched { current, .. } | Step::Added { current } => fresh(&new[current], spare),
            Step::Removed { .. } => continue,
        };
        layers.push(table);
    }
    (!layers.is_empty()).then_some(layers)
}

/// Puts `table` (which said `layer`) and the tables of the layers inside it
/// among the spares.
fn keep_spare<'a>(table: &Table, layer: &'a Layer, spare: &mut Spare<'a>) {
    let nested = |t: &Table| -> Vec<Table> {
        t.get("layer")
            .and_then(Item::as_array_of_tables)
            .map(|a| a.iter().cloned().collect())
            .unwrap_or_default()
    };
    let lists: Vec<Vec<Table>> = if layer.kind == Kind::Block {
        vec![nested(table)]
    } else {
        table
            .get("branch")
            .and_then(Item::as_array_of_tables)
            .map(|a| a.iter().map(nested).collect())
            .unwrap_or_default()
    };
    for (tables, layers) in lists.iter().zip(&layer.branches) {
        if tables.len() == layers.len() {
            for (t, l) in tables.iter().zip(layers) {
                keep_spare(t, l, spare);
            }
        }
    }
    spare.push((layer, table.clone()));
}

/// A spare table for `layer`, placed where it is put: the document orders
/// tables by their place in the file read, which a moved one no longer has.
fn take_spare(layer: &Layer, spare: &mut Spare) -> Option<Table> {
    let at = spare.iter().position(|(l, _)| *l == layer)?;
    let mut table = spare.swap_remove(at).1;
    unplace(&mut table);
    Some(table)
}

fn unplace(table: &mut Table) {
    table.set_position(None);
    for (_, item) in table.iter_mut() {
        match item {
            Item::Table(t) => unplace(t),
            Item::ArrayOfTables(a) => a.iter_mut().for_each(unplace),
            _ => {}
        }
    }
}

/// Edits the fields of `table` whose saved value differs between `old` and
/// `new`; the rest, and every comment, stay as they are.
fn update<'a>(table: &mut Table, old: &'a Layer, new: &Layer, spare: &mut Spare<'a>) {
    for &field in new.kind.fields() {
        let (was, now) = (field.to_toml(old), field.to_toml(new));
        if was != now {
            set(table, field.name(), now.as_ref().map(edit_value));
        }
    }
    if old.branches == new.branches {
        return;
    }
    if new.kind == Kind::Block {
        let body = |l: &'a Layer| l.branches.first().map_or(&[][..], Vec::as_slice);
        let now = new.branches.first().map_or(&[][..], Vec::as_slice);
        match edit_layers(table.get("layer"), body(old), now, spare) {
            Some(layers) => table.insert("layer", Item::ArrayOfTables(layers)),
            None => table.remove("layer"),
        };
        return;
    }
    // Branches by position: a branch's table keeps its layers' comments
    // while it stays where it was.
    let old_tables: Vec<Table> = match table.get("branch").and_then(Item::as_array_of_tables) {
        Some(a) if a.len() == old.branches.len() => a.iter().cloned().collect(),
        _ => Vec::new(),
    };
    let mut branches = ArrayOfTables::new();
    for (b, layers) in new.branches.iter().enumerate() {
        let (mut t, was) = match (old_tables.get(b), old.branches.get(b)) {
            (Some(t), Some(was)) => (t.clone(), was.as_slice()),
            _ => (fresh_branch(), &[][..]),
        };
        match edit_layers(t.get("layer"), was, layers, spare) {
            Some(l) => t.insert("layer", Item::ArrayOfTables(l)),
            None => t.remove("layer"),
        };
        branches.push(t);
    }
    if branches.is_empty() {
        table.remove("branch");
    } else {
        table.insert("branch", Item::ArrayOfTables(branches));
    }
}

fn fresh_branch() -> Table {
    let mut t = Table::new();
    t.decor_mut().set_prefix("\n");
    t
}

/// A `[[layer]]` table for a layer that is new to the file, with what it
/// holds as nested `[[….branch]]` / `[[….layer]]` tables.
fn fresh(layer: &Layer, spare: &mut Spare) -> Table {
    if let Some(t) = take_spare(layer, spare) {
        return t;
    }
    let mut t = Table::new();
    t.insert("type", Item::Value(Value::from(layer.kind.name())));
    for &field in layer.kind.fields() {
        if let Some(v) = field.to_toml(layer) {
            t.insert(field.name(), Item::Value(edit_value(&v)));
        }
    }
    if layer.kind == Kind::Block {
        let body = layer.branches.first().map_or(&[][..], Vec::as_slice);
        if let Some(layers) = edit_layers(None, &[], body, spare) {
            t.insert("layer", Item::ArrayOfTables(layers));
        }
    } else if layer.kind.is_merge() && !layer.branches.is_empty() {
        let mut branches = ArrayOfTables::new();
        for branch in &layer.branches {
            let mut b = fresh_branch();
            if let Some(layers) = edit_layers(None, &[], branch, spare) {
                b.insert("layer", Item::ArrayOfTables(layers));
            }
            branches.push(b);
        }
        t.insert("branch", Item::ArrayOfTables(branches));
    }
    t.decor_mut().set_prefix("\n");
    t
}

/// Sets `key` to `value` keeping the old value's comments and spacing, or
/// removes the key for `None` (the default, which files leave out).
fn set(table: &mut Table, key: &str, value: Option<Value>) {
    match (value, table.get_mut(key).and_then(Item::as_value_mut)) {
        (Some(mut new), Some(old)) => {
            *new.decor_mut() = old.decor().clone();
            *old = new;
        }
        (Some(new), None) => {
            table.insert(key, Item::Value(new));
        }
        (None, _) => {
            table.remove(key);
        }
    }
}

fn edit_value(v: &toml::Value) -> Value {
    match v {
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => Value::from(*f),
        toml::Value::Boolean(b) => Value::from(*b),
        toml::Value::String(s) => Value::from(s.as_str()),
        toml::Value::Array(a) => Value::Array(a.iter().map(edit_value).collect()),
        // The catalogue writes only the kinds above.
        other => Value::from(other.to_string()),
    }
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::{Hw, Kind, Padding};

    const FILE: &str = "\
# LeNet, from the problem set.
name = \"LeNet\"   # the name
input = [1, 28, 28]

# Feature extractor
[[layer]]
type = \"conv2d\"
filters = 6    # six maps
kernel = 5
stride = 1

[[layer]]
type = \"maxpool\"
kernel = 2

# Classifier
[[layer]]
type = \"flatten\"

[[layer]]
type = \"dense\"
units = 10
";

    fn edit(f: impl FnOnce(&mut Network)) -> String {
        let (mut net, source) = Source::parse(FILE).unwrap();
        f(&mut net);
        let (text, _) = render(&net, Some(&source));
        assert_eq!(
            parse(&text).unwrap(),
            net,
            "the text says what the network is"
        );
        text
    }

    #[test]
    fn an_unchanged_network_saves_byte_for_byte() {
        assert_eq!(edit(|_| {}), FILE);
    }

    #[test]
    fn a_changed_field_changes_that_line_only() {
        let text = edit(|n| n.layers[0].filters = crate::size::Size::new(16).unwrap());
        assert_eq!(
            text,
            FILE.replace("filters = 6    # six maps", "filters = 16    # six maps")
        );
        let text = edit(|n| n.layers[0].padding = Padding::Same);
        assert_eq!(
            text,
            FILE.replace("stride = 1\n", "stride = 1\npadding = \"same\"\n")
        );
    }

    #[test]
    fn inserted_and_removed_layers_keep_the_other_tables_and_comments() {
        let text = edit(|n| {
            n.layers.remove(1);
            n.layers.insert(2, Layer::new(Kind::Relu));
        });
        assert!(
            text.starts_with("# LeNet, from the problem set.\nname = \"LeNet\"   # the name\n")
        );
        assert!(
            text.contains("# Classifier\n[[layer]]\ntype = \"flatten\""),
            "{text}"
        );
        assert!(!text.contains("maxpool"));
        assert!(text.contains("[[layer]]\ntype = \"relu\"\n"), "{text}");
        assert!(text.contains("filters = 6    # six maps"));
    }

    /// A layer moved (J/K), wrapped in a residual (r) or taken out again
    /// keeps the comments above and beside it.
    #[test]
    fn a_moved_or_wrapped_layer_keeps_its_comments() {
        let text = edit(|n| n.layers.swap(0, 1));
        assert!(
            text.contains(
                "[[layer]]\ntype = \"maxpool\"\nkernel = 2\n\n# Feature extractor\n[[layer]]\ntype = \"conv2d\"\nfilters = 6    # six maps\n"
            ),
            "{text}"
        );
        let text = edit(|n| n.layers.swap(2, 3));
        assert!(
            text.ends_with("units = 10\n\n# Classifier\n[[layer]]\ntype = \"flatten\"\n"),
            "{text}"
        );
        let wrap = |n: &mut Network| {
            let conv = n.layers.remove(0);
            let add = Layer {
                branches: vec![vec![conv], Vec::new()],
                ..Layer::new(Kind::Add)
            };
            n.layers.insert(0, add);
        };
        let text = edit(wrap);
        assert!(
            text.contains("# Feature extractor\n[[layer.branch.layer]]\ntype = \"conv2d\"\nfilters = 6    # six maps\n"),
            "{text}"
        );
        // And out again, from the file the wrap saved.
        let (mut net, source) = Source::parse(&text).unwrap();
        let add = net.layers.remove(0);
        net.layers.insert(0, add.branches[0][0].clone());
        let (back, _) = render(&net, Some(&source));
        assert!(
            back.contains(
                "# Feature extractor\n[[layer]]\ntype = \"conv2d\"\nfilters = 6    # six maps\n"
            ),
            "{back}"
        );
        assert_eq!(parse(&back).unwrap(), net);
    }

    #[test]
    fn a_grown_window_writes_the_stride_it_keeps() {
        let text = edit(|n| n.layers[1].set_kernel(Hw::square(3)));
        assert!(
            text.contains("type = \"maxpool\"\nkernel = 3\nstride = 2\n"),
            "{text}"
        );
    }

    #[test]
    fn the_header_edits_in_place() {
        let text = edit(|n| {
            n.name = "LeNet, wider".into();
            n.kernels = Kernels::Shared;
            n.input = crate::network::Shape::Image { c: 3, h: 32, w: 32 };
        });
        assert!(
            text.contains("name = \"LeNet, wider\"   # the name\n"),
            "{text}"
        );
        assert!(text.contains("input = [3, 32, 32]\n"));
        assert!(text.contains("kernels = \"shared\""));
    }
}
