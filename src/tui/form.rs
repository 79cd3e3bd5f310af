//! The editing form: one text box per field of the selected layer (from the
//! layer catalogue) or of the input, checked as it is typed.

use super::history::Change;
use crate::layer::{Field, Value};
use crate::network::{Network, Shape};
use crossterm::event::Event;
use tui_input::backend::crossterm::EventHandler;
use tui_input::{Input, InputRequest};

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
}

#[derive(Clone, Debug)]
pub struct Form {
    pub target: Target,
    pub title: String,
    pub entries: Vec<Entry>,
    pub focus: usize,
}

impl Form {
    pub fn for_layer(net: &Network, path: &[usize]) -> Option<Form> {
        let layer = net.layer_at(path)?;
        let entries = layer
            .kind
            .fields()
            .iter()
            .map(|f| entry(f.name().to_string(), f.text(layer)))
            .collect();
        let title = format!(
            "{} {}: {}",
            t!("form-layer"),
            net.path_label(path),
            layer.kind.name()
        );
        Some(Form {
            target: Target::Layer(path.to_vec()),
            title,
            entries,
            focus: 0,
        })
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
        };
        form.check(net);
        form
    }

    /// Passes a key or paste to the focused text box and re-checks it.
    pub fn type_into(&mut self, event: &Event, net: &Network) {
        if let Some(e) = self.entries.get_mut(self.focus) {
            feed(&mut e.input, event);
        }
        self.check(net);
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
                let mut draft = original.clone();
                let fields: &[Field] = original.kind.fields();
                let errors: Vec<Option<String>> = fields
                    .iter()
                    .zip(&self.entries)
                    .map(|(field, e)| {
                        field
                            .set(&mut draft, &Value::parse_text(e.input.value()))
                            .err()
                    })
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
        Event::Paste(text) => {
            for c in text.chars() {
                let c = match c {
                    '\n' | '\r' | '\t' => ' ',
                    c if c.is_control() => continue,
                    c => c,
                };
                input.handle(InputRequest::InsertChar(c));
            }
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
    }
}
