//! The editing form: one text box per field of the selected layer (from the
//! layer catalogue) or of the input, checked as it is typed. A field with a
//! few possible values (the layer's type, activation, padding, yes/no
//! settings) is a choice to cycle with ←/→ or Space, not text to type.

use super::history::Change;
use crate::layer::{Activation, Field, Kind, Layer, Value};
use crate::network::{Network, Shape};
use crossterm::event::Event;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

/// What the form edits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The network's name and input shape (the input row).
    Input,
    /// The layer at this path (see `Network::layer_at`).
    Layer(Vec<usize>),
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub label: String,
    pub input: Input,
    /// Why the text is not a valid value, shown in red under the field.
    pub error: Option<String>,
    /// How a valid text was understood, shown dim under the field (the
    /// input shape: `H 32, W 32, C 3`), so a misreading is seen before Enter.
    pub note: Option<String>,
    /// The values a choice cycles through; empty for a text box.
    pub choices: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Form {
    pub target: Target,
    pub title: String,
    pub entries: Vec<Entry>,
    pub focus: usize,
    /// The kind a layer form makes; its first entry chooses it (containers,
    /// whose type holds their branches, have no such entry).
    pub kind: Option<Kind>,
}

impl Form {
    pub fn for_layer(net: &Network, path: &[usize]) -> Option<Form> {
        let layer = net.layer_at(path)?;
        let mut entries = Vec::new();
        if !layer.kind.is_container() {
            let kinds = Kind::iter().filter(|k| !k.is_container());
            let mut e = entry(t!("form-type"), layer.kind.name().to_string());
            e.choices = kinds.map(|k| k.name().to_string()).collect();
            entries.push(e);
        }
        entries.extend(field_entries(layer));
        let title = format!("{} {}", t!("form-layer"), net.path_label(path));
        Some(Form {
            target: Target::Layer(path.to_vec()),
            title,
            // The first setting, where there is one: the type is one
            // Shift+Tab away.
            focus: usize::from(entries.len() > 1 && !layer.kind.is_container()),
            entries,
            kind: Some(layer.kind),
        })
    }

    /// How many entries come before the kind's fields (the type's).
    fn offset(&self) -> usize {
        match self.kind {
            Some(k) if !k.is_container() => 1,
            _ => 0,
        }
    }

    /// Whether the focused entry is a choice.
    pub fn on_choice(&self) -> bool {
        self.entries
            .get(self.focus)
            .is_some_and(|e| !e.choices.is_empty())
    }

    /// ←/→ or Space on a choice: the previous or next value, round.
    pub fn cycle(&mut self, forward: bool, net: &Network) {
        let Some(e) = self.entries.get_mut(self.focus) else {
            return;
        };
        let n = e.choices.len();
        if n == 0 {
            return;
        }
        let at = e.choices.iter().position(|c| c == e.input.value());
        let next = match (at, forward) {
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
            (None, _) => 0,
        };
        e.input = Input::new(e.choices[next].clone());
        self.chosen(net);
    }

    /// A letter typed on a choice: the next value starting with it.
    pub fn jump(&mut self, c: char, net: &Network) {
        let Some(e) = self.entries.get_mut(self.focus) else {
            return;
        };
        let n = e.choices.len();
        let at = e
            .choices
            .iter()
            .position(|v| v == e.input.value())
            .unwrap_or(0);
        if let Some(i) = (1..=n)
            .map(|d| (at + d) % n)
            .find(|&i| e.choices[i].starts_with(c))
        {
            e.input = Input::new(e.choices[i].clone());
            self.chosen(net);
        }
    }

    /// After a choice changed: a new type brings its own fields, keeping
    /// what was typed in the fields both types have.
    fn chosen(&mut self, net: &Network) {
        let typed = (self.offset() == 1 && self.focus == 0)
            .then(|| Kind::from_name(self.entries[0].input.value()))
            .flatten();
        if let (Some(kind), Target::Layer(path)) = (typed, &self.target)
            && Some(kind) != self.kind
            && let Some(original) = net.layer_at(path)
        {
            let before: Vec<(String, Entry)> = (self.entries.drain(1..))
                .map(|e| (e.label.clone(), e))
                .collect();
            let fresh = field_entries(&converted(original, kind));
            self.entries.extend(fresh.into_iter().map(|f| {
                match before.iter().find(|(label, _)| *label == f.label) {
                    Some((_, kept)) => kept.clone(),
                    None => f,
                }
            }));
            self.kind = Some(kind);
        }
        self.check(net);
    }

    pub fn for_input(net: &Network) -> Form {
        let dims: Vec<String> = net.input.to_vec().iter().map(u64::to_string).collect();
        let entries = vec![
            entry(t!("form-name"), net.name.clone()),
            entry(t!("form-input-c-h-w-or"), dims.join(", ")),
            entry(t!("form-budget"), net.budget.text()),
        ];
        let mut form = Form {
            target: Target::Input,
            title: t!("form-network-and-input").to_string(),
            entries,
            focus: 1,
            kind: None,
        };
        form.check(net);
        form
    }

    /// Passes a key or paste to the focused text box and re-checks it.
    pub fn type_into(&mut self, event: &Event, net: &Network) {
        self.type_only(event);
        self.check(net);
    }

    /// Passes a key or paste to the focused text box, leaving the check
    /// to whoever reads the fields next (see `App::end_batch`).
    pub fn type_only(&mut self, event: &Event) {
        if let Some(e) = self.entries.get_mut(self.focus) {
            feed(&mut e.input, event);
        }
    }

    pub fn next(&mut self) {
        self.focus = (self.focus + 1) % self.entries.len().max(1);
    }

    pub fn previous(&mut self) {
        let n = self.entries.len().max(1);
        self.focus = (self.focus + n - 1) % n;
    }

    /// Updates every field's error from what is typed now.
    pub fn check(&mut self, net: &Network) {
        let errors = self.evaluate(net).err().unwrap_or_default();
        for (entry, error) in self
            .entries
            .iter_mut()
            .zip(errors.into_iter().chain(std::iter::repeat(None)))
        {
            entry.error = error;
        }
        if self.target == Target::Input {
            self.entries[1].note = Shape::parse(self.entries[1].input.value())
                .ok()
                .map(Shape::reading);
        }
    }

    /// The change the form describes, or each field's error (`None` where fine).
    pub fn evaluate(&self, net: &Network) -> Result<Change, Vec<Option<String>>> {
        match &self.target {
            Target::Input => {
                let name = self.entries[0].input.value().trim().to_string();
                let name_error = if name.is_empty() {
                    Some(t!("form-the-name-must-not-be").to_string())
                } else {
                    crate::text::first_control(&name)
                        .map(|(at, _)| t!("form-character-at-is-a-control", at = at.to_string()))
                };
                let shape = Shape::parse(self.entries[1].input.value());
                // No limits is an empty box, not an error.
                let budget = match self.entries[2].input.value().trim() {
                    "" => Ok(crate::memory::Budget::default()),
                    text => crate::memory::Budget::parse(text),
                };
                match (name_error, shape, budget) {
                    (None, Ok(shape), Ok(budget)) => Ok(Change::Input {
                        name,
                        shape,
                        budget,
                    }),
                    (n, s, b) => Err(vec![n, s.err(), b.err()]),
                }
            }
            Target::Layer(path) => {
                let Some(original) = net.layer_at(path) else {
                    return Err(vec![Some(
                        t!("form-this-layer-no-longer-exists").to_string(),
                    )]);
                };
                let kind = self.kind.unwrap_or(original.kind);
                let mut draft = if kind == original.kind {
                    original.clone()
                } else {
                    converted(original, kind)
                };
                let fields: &[Field] = kind.fields();
                // The type's entry is a choice among valid names: no error.
                let errors: Vec<Option<String>> =
                    std::iter::repeat_n(None, self.offset())
                        .chain(fields.iter().zip(&self.entries[self.offset()..]).map(
                            |(field, e)| {
                                field
                                    .set(&mut draft, &Value::parse_text(e.input.value()))
                                    .err()
                            },
                        ))
                        .collect();
                if errors.iter().all(Option::is_none) {
                    Ok(Change::Layer(path.clone(), draft))
                } else {
                    Err(errors)
                }
            }
        }
    }
}

/// Passes a key or a paste to a one-line text box. tui-input ignores
/// pastes, so their characters are typed one by one; a line break or a tab
/// in them becomes a space and other control characters are dropped, since
/// a one-line box cannot hold them and a terminal must never be sent them.
pub fn feed(input: &mut Input, event: &Event) {
    match event {
        // At once: inserting a paste a character at a time re-walks the
        // field for each, and a 1 MiB paste took minutes.
        Event::Paste(text) => {
            let pasted: String = text
                .chars()
                .filter_map(|c| match c {
                    '\n' | '\r' | '\t' => Some(' '),
                    c if c.is_control() => None,
                    c => Some(c),
                })
                .collect();
            let value = input.value();
            let at = value
                .char_indices()
                .nth(input.cursor())
                .map_or(value.len(), |(i, _)| i);
            let mut joined = String::with_capacity(value.len() + pasted.len());
            joined.push_str(&value[..at]);
            joined.push_str(&pasted);
            joined.push_str(&value[at..]);
            let cursor = input.cursor() + pasted.chars().count();
            *input = Input::new(joined).with_cursor(cursor);
        }
        _ => {
            input.handle_event(event);
        }
    }
}

fn entry(label: String, text: String) -> Entry {
    Entry {
        label,
        input: Input::new(text),
        error: None,
        note: None,
        choices: Vec::new(),
    }
}

/// An entry for each of `layer`'s fields, choices where there are few values.
fn field_entries(layer: &Layer) -> Vec<Entry> {
    (layer.kind.fields().iter())
        .map(|f| {
            let mut e = entry(f.name().to_string(), f.text(layer));
            e.choices = choices(*f, e.input.value());
            e
        })
        .collect()
}

/// The values field `f` offers to cycle through (`current` among them), or
/// none for a number to type.
fn choices(f: Field, current: &str) -> Vec<String> {
    let words: Vec<&str> = match f {
        Field::Activation => std::iter::once("none")
            .chain(Activation::iter().map(|a| a.name()))
            .collect(),
        // The usual paddings; an unusual one the layer has stays among them.
        Field::Padding => vec!["valid", "same", "1", "2", "3"],
        Field::Bias | Field::CeilMode | Field::Causal | Field::Bidirectional | Field::Tied => {
            vec!["true", "false"]
        }
        Field::Mode => vec!["nearest", "bilinear"],
        Field::QkNorm => vec!["false", "true", "all"],
        _ => return Vec::new(),
    };
    let mut out: Vec<String> = words.into_iter().map(str::to_string).collect();
    if !out.iter().any(|w| w == current) {
        out.insert(2.min(out.len()), current.to_string());
    }
    out
}

/// `original` made a `kind`: the new kind's defaults, with every setting
/// the two kinds share carried over (a conv's kernel to a pool's window).
fn converted(original: &Layer, kind: Kind) -> Layer {
    let mut layer = Layer::new(kind);
    layer.name = original.name.clone();
    for f in kind.fields() {
        if original.kind.fields().contains(f) {
            let _ = f.set(&mut layer, &Value::parse_text(&f.text(original)));
        }
    }
    layer
}
