//! `lstm`, `gru` and `rnn` on sequences `[L, E]`, counted as PyTorch
//! counts them: every gate has an input and a recurrent weight matrix and
//! two bias vectors (b_ih and b_hh), per layer and per direction. Later
//! layers read the previous layer's hidden·directions features. An LSTM
//! with `proj` (PyTorch's `proj_size`) projects its hidden state to proj
//! features (W_hr, proj × hidden): the recurrent matrices and the next
//! layer read those.

use super::{Direction, Family, Step, product, too_large};
use crate::engine::{Problem, Want};
use crate::export::{ExportError, Exported};
use crate::layer::{Field, Layer};
use crate::network::{Kernels, Shape};

/// The cell run at every position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    Lstm,
    Gru,
    Rnn,
}

impl Cell {
    /// Gates per cell: LSTM's input, forget, cell and output; GRU's reset,
    /// update and new; a plain RNN's one.
    fn gates(self) -> u64 {
        match self {
            Cell::Lstm => 4,
            Cell::Gru => 3,
            Cell::Rnn => 1,
        }
    }

    /// PyTorch's and Keras's class names.
    fn classes(self) -> (&'static str, &'static str) {
        match self {
            Cell::Lstm => ("LSTM", "LSTM"),
            Cell::Gru => ("GRU", "GRU"),
            Cell::Rnn => ("RNN", "SimpleRNN"),
        }
    }
}

pub struct Recurrent(pub Cell);

fn directions(layer: &Layer) -> u64 {
    if layer.extra.bidirectional { 2 } else { 1 }
}

/// The features a step gives back: hidden, or an LSTM's projection.
fn state(layer: &Layer) -> u64 {
    match (layer.kind, layer.extra.proj) {
        (crate::layer::Kind::Lstm, Some(p)) => p.get(),
        _ => layer.extra.hidden.get(),
    }
}

/// What one layer (one direction) weighs on `i` input features:
/// G·(h·(i + r) + 2h) with r the state it reads back (h, or an LSTM's
/// projection p, which adds p·h), without the 2h when there is no bias;
/// and the MACs of one step, G·h·(i + r) (+ p·h).
fn cell(g: u64, layer: &Layer, i: u64) -> Result<(u64, u64), Problem> {
    let (h, r) = (layer.extra.hidden.get(), state(layer));
    let big = || too_large("parameter count");
    let mut step = product(
        &[g, h, i.checked_add(r).ok_or_else(big)?],
        "parameter count",
    )?;
    if layer.kind == crate::layer::Kind::Lstm && layer.extra.proj.is_some() {
        step = step
            .checked_add(product(&[r, h], "parameter count")?)
            .ok_or_else(big)?;
    }
    let biases = if layer.bias {
        product(&[g, 2, h], "parameter count")?
    } else {
        0
    };
    Ok((step.checked_add(biases).ok_or_else(big)?, step))
}

impl Family for Recurrent {
    /// One input or hidden matrix of a layer: G·h rows of the input's
    /// features, or of h (both directions' h past the first layer).
    fn largest_weight(&self, layer: &Layer, input: Shape, _params: u64) -> Option<u64> {
        let h = layer.extra.hidden.get();
        let widest = input
            .last()
            .max(state(layer).checked_mul(directions(layer))?);
        self.0.gates().checked_mul(h)?.checked_mul(widest)
    }

    fn stacks(&self, layer: &Layer, input: Shape) -> Option<Vec<u64>> {
        let n = layer.extra.num_layers.get();
        if n < 2 {
            return None;
        }
        let dirs = directions(layer);
        let out = state(layer).checked_mul(dirs)?;
        let first = cell(self.0.gates(), layer, input.last()).ok()?.0;
        let later = cell(self.0.gates(), layer, out).ok()?.0;
        let mut all = vec![first.checked_mul(dirs)?];
        all.extend(std::iter::repeat_n(
            later.checked_mul(dirs)?,
            usize::try_from(n - 1).ok()?,
        ));
        Some(all)
    }

    /// The input, the output, and per step and stacked layer the gates
    /// and the state (G + 1 vectors of h per direction), which backward
    /// through time replays.
    fn saved(
        &self,
        layer: &Layer,
        input: Shape,
        _output: Shape,
        _kernel: crate::memory::AttentionKernel,
    ) -> Option<super::Saved> {
        let Shape::Matrix { rows: l, .. } = input else {
            return None;
        };
        let per_step = (self.0.gates() + 1)
            .checked_mul(layer.extra.hidden.get())?
            .checked_mul(directions(layer))?
            .checked_mul(layer.extra.num_layers.get())?;
        Some(super::Saved {
            output: true,
            values: l.checked_mul(per_step)?,
            why: super::Why::Recurrent,
            ..super::Saved::INPUT
        })
    }

    fn spatial(&self) -> super::Spatial {
        super::Spatial::Ends
    }

    fn recurrent(&self) -> bool {
        true
    }

    fn fields(&self) -> &'static [Field] {
        match self.0 {
            Cell::Lstm => &[
                Field::Hidden,
                Field::Layers,
                Field::Bidirectional,
                Field::Bias,
                Field::Proj,
            ],
            _ => &[
                Field::Hidden,
                Field::Layers,
                Field::Bidirectional,
                Field::Bias,
            ],
        }
    }

    fn required(&self) -> &'static [Field] {
        &[Field::Hidden]
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        let Shape::Matrix { rows: l, cols: e } = input else {
            return Err(Problem::Needs {
                kind: layer.kind,
                want: Want::Sequence,
                got: input,
            });
        };
        let dirs = directions(layer);
        if let Some(p) = layer.extra.proj.filter(|_| self.0 == Cell::Lstm)
            && p.get() >= layer.extra.hidden.get()
        {
            return Err(Problem::Projection {
                proj: p.get(),
                hidden: layer.extra.hidden.get(),
            });
        }
        let out = product(&[state(layer), dirs], "feature count")?;
        let (first, first_step) = cell(self.0.gates(), layer, e)?;
        let later_layers = layer.extra.num_layers.get() - 1;
        let (later, later_step) = if later_layers > 0 {
            cell(self.0.gates(), layer, out)?
        } else {
            (0, 0)
        };
        let per_direction = product(&[later, later_layers], "parameter count")?
            .checked_add(first)
            .ok_or(too_large("parameter count"))?;
        let params = product(&[per_direction, dirs], "parameter count")?;
        let step_macs = product(&[later_step, later_layers], "MAC count")?
            .checked_add(first_step)
            .ok_or(too_large("MAC count"))?;
        let macs = product(&[step_macs, dirs, l], "MAC count")?;
        Ok(Step {
            params,
            macs,
            ..Step::passthrough(Shape::Matrix { rows: l, cols: out })
        })
    }

    fn size_lines(&self, layer: &Layer, input: Shape, output: Option<Shape>) -> Vec<String> {
        match (input, output) {
            (Shape::Matrix { rows, .. }, Some(out)) => vec![t!(
                "rnn-size",
                l = rows.to_string(),
                hidden = state(layer).to_string(),
                dirs = directions(layer).to_string(),
                out = out.to_string()
            )],
            _ => super::unchanged(input, output),
        }
    }

    fn params_line(&self, layer: &Layer, input: Shape, result: &str, _k: Kernels) -> String {
        let (g, h, e) = (self.0.gates(), layer.extra.hidden, input.last());
        let r = state(layer);
        let out = r.saturating_mul(directions(layer));
        let bias = if layer.bias {
            format!(" + 2·{h}")
        } else {
            String::new()
        };
        // An LSTM's projection W_hr: r·h more.
        let proj = if self.0 == Cell::Lstm && layer.extra.proj.is_some() {
            format!(" + {r}·{h}")
        } else {
            String::new()
        };
        let one = |i: u64| format!("{g}·({h}·({i} + {r}){bias}){proj}");
        let mut sum = one(e);
        let later = layer.extra.num_layers.get() - 1;
        if later > 0 {
            sum = format!("{sum} + {later}·({})", one(out));
        }
        let formula = if layer.extra.bidirectional {
            format!("2·({sum})")
        } else {
            sum
        };
        let note = if layer.bias {
            t!("rnn-two-biases")
        } else {
            String::new()
        };
        format!("{formula} = {result}{note}")
    }

    fn macs_line(&self, layer: &Layer, input: Shape, result: &str) -> Option<String> {
        let Shape::Matrix { rows: l, cols: e } = input else {
            return None;
        };
        let (g, h, r) = (self.0.gates(), layer.extra.hidden, state(layer));
        let proj = if self.0 == Cell::Lstm && layer.extra.proj.is_some() {
            format!(" + {l}·{r}·{h}")
        } else {
            String::new()
        };
        Some(format!(
            "{l}·{g}·{h}·({e} + {r}){proj}{} = {result}  {}",
            if layer.extra.num_layers.get() > 1 || layer.extra.bidirectional {
                " + …"
            } else {
                ""
            },
            t!("rnn-every-step")
        ))
    }

    fn label(&self, layer: &Layer) -> String {
        let mut s = format!("{} {}", layer.kind.name(), layer.extra.hidden);
        if layer.extra.num_layers.get() > 1 {
            s.push_str(&format!(" ×{}", layer.extra.num_layers));
        }
        if layer.extra.bidirectional {
            s.push_str(" bi");
        }
        if let Some(p) = layer.extra.proj.filter(|_| self.0 == Cell::Lstm) {
            s.push_str(&format!(" proj{p}"));
        }
        if !layer.bias {
            s.push_str(" no-bias");
        }
        s
    }

    fn resize(&self, layer: &mut Layer, step: Direction) -> Result<(), String> {
        layer.extra.num_layers = step
            .add_one(layer.extra.num_layers)
            .ok_or(t!("rnn-at-least-one-layer"))?;
        Ok(())
    }

    fn widen(&self, layer: &mut Layer, step: Direction) -> Result<(), String> {
        layer.extra.hidden = step
            .double(layer.extra.hidden)
            .ok_or(t!("app-too-many-units-at-most"))?;
        Ok(())
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let l = e.layer;
        let class = self.0.classes().0;
        let mut args = vec![format!("{}, {}", e.input.last(), l.extra.hidden)];
        if l.extra.num_layers.get() > 1 {
            args.push(format!("num_layers={}", l.extra.num_layers));
        }
        if l.extra.bidirectional {
            args.push("bidirectional=True".into());
        }
        if !l.bias {
            args.push("bias=False".into());
        }
        if let Some(p) = l.extra.proj.filter(|_| self.0 == Cell::Lstm) {
            args.push(format!("proj_size={p}"));
        }
        args.push("batch_first=True".into());
        out.push((
            format!("l{}", e.number),
            format!("Sequence(nn.{class}({}))", args.join(", ")),
        ));
    }

    fn pytorch_helpers(&self, _layer: &Layer) -> &'static [&'static str] {
        &[crate::export::helpers::RECURRENT]
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let l = e.layer;
        if l.extra.proj.is_some() && self.0 == Cell::Lstm {
            return Err(super::keras_has_none(e, "lstm proj"));
        }
        let class = self.0.classes().1;
        let mut args = vec![
            l.extra.hidden.to_string(),
            "return_sequences=True".to_string(),
        ];
        if !l.bias {
            args.push("use_bias=False".into());
        }
        // Stacked layers are Keras layers of their own; the last is `l{n}`.
        let stacked = l.extra.num_layers.get();
        for i in 1..=stacked {
            let cell = format!("layers.{class}({})", args.join(", "));
            let name = if i == stacked {
                e.keras_name()
            } else {
                format!("name=\"l{}_{i}\"", e.number)
            };
            out.push(if l.extra.bidirectional {
                format!("layers.Bidirectional({cell}, {name})")
            } else {
                format!("{}, {name})", cell.trim_end_matches(')'))
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::Problem;
    use crate::family::try_step;
    use crate::layer::Kind;
    use crate::network::Shape;

    /// PyTorch's `LSTM(64, 128, proj_size=32)`: 54,272 weights and 32
    /// features a step; a projection as wide as the state is refused, as
    /// PyTorch refuses it.
    #[test]
    fn a_projected_lstm_counts_as_pytorch() {
        let seq = Shape::Matrix { rows: 10, cols: 64 };
        let step = try_step(Kind::Lstm, &[("hidden", "128"), ("proj", "32")], seq).unwrap();
        let out = Shape::Matrix { rows: 10, cols: 32 };
        assert_eq!((step.params, step.output), (54_272, out));
        let wide = try_step(Kind::Lstm, &[("hidden", "128"), ("proj", "128")], seq);
        assert_eq!(
            wide.unwrap_err(),
            Problem::Projection {
                proj: 128,
                hidden: 128
            }
        );
    }
}
