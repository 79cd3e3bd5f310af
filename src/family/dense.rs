//! `dense`: every input feature connected to every unit (PyTorch's
//! `Linear`, Keras's `Dense`).

use super::{Direction, Family, Step, too_large, weights_suffix};
use crate::engine::Problem;
use crate::export::{ExportError, Exported};
use crate::layer::{Field, Layer};
use crate::network::{Kernels, Shape};

pub struct Dense;

fn units(layer: &Layer) -> u64 {
    layer.units.get()
}

impl Family for Dense {
    fn spatial(&self) -> super::Spatial {
        super::Spatial::Ends
    }

    fn carries_activation(&self) -> bool {
        true
    }

    fn fields(&self) -> &'static [Field] {
        &[
            Field::Units,
            Field::Bias,
            Field::Activation,
            Field::Tied,
            Field::Inputs,
        ]
    }

    fn required(&self) -> &'static [Field] {
        &[Field::Units]
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        // Dense acts on the last dimension: a vector's features, or each
        // position of a sequence.
        let (positions, n, output) = match input {
            Shape::Flat(n) => (1, n, Shape::Flat(units(layer))),
            Shape::Matrix { rows, cols } => (
                rows,
                cols,
                Shape::Matrix {
                    rows,
                    cols: units(layer),
                },
            ),
            _ => return Err(Problem::NeedsFlat { got: input }),
        };
        if let Some(want) = layer.extra.inputs.map(crate::size::Size::get)
            && want != n
        {
            return Err(Problem::Inputs { want, got: n });
        }
        let units = layer.units.get();
        // A tied layer borrows an embedding's weights: only its bias is new.
        let weights = if layer.extra.tied { 0 } else { n };
        let params = weights
            .checked_add(u64::from(layer.bias))
            .and_then(|x| x.checked_mul(units))
            .ok_or(too_large("parameter count"))?;
        let macs = super::product(&[positions, n, units], "MAC count")?;
        Ok(Step {
            output,
            params,
            macs,
            dropped: None,
            inactive: 0,
        })
    }

    /// R·(in + units); a tied head borrows its weights and is not adapted.
    fn lora(&self, layer: &Layer, input: Shape, lora: crate::memory::Lora) -> Option<u64> {
        if !lora.dense || layer.extra.tied {
            return Some(0);
        }
        input
            .last()
            .checked_add(layer.units.get())?
            .checked_mul(lora.rank)
    }

    fn params_line(&self, layer: &Layer, input: Shape, result: &str, _k: Kernels) -> String {
        let n = input.last();
        if layer.extra.tied {
            let bias = if layer.bias {
                format!("{} = {result}", layer.units)
            } else {
                format!("0 = {result}")
            };
            return format!(
                "{bias}  {}",
                t!(
                    "dense-tied",
                    units = layer.units.to_string(),
                    n = n.to_string()
                )
            );
        }
        if layer.bias {
            format!("({n} + 1)·{} = {result}", layer.units)
        } else {
            format!("{n}·{} = {result}", layer.units)
        }
    }

    fn resize(&self, layer: &mut Layer, step: Direction) -> Result<(), String> {
        layer.units = step
            .add_one(layer.units)
            .ok_or(t!("app-a-dense-layer-needs-at"))?;
        Ok(())
    }

    fn widen(&self, layer: &mut Layer, step: Direction) -> Result<(), String> {
        layer.units = step
            .double(layer.units)
            .ok_or(t!("app-too-many-units-at-most"))?;
        Ok(())
    }

    fn label(&self, layer: &Layer) -> String {
        let tied = if layer.extra.tied { " tied" } else { "" };
        format!("dense {}{tied}{}", layer.units, weights_suffix(layer))
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let bias = if e.layer.bias { "" } else { ", bias=False" };
        out.push((
            format!("l{}", e.number),
            format!("nn.Linear({}, {}{bias})", e.input.last(), e.layer.units),
        ));
    }

    fn keras(&self, e: &Exported, out: &mut Vec<String>) -> Result<(), ExportError> {
        let mut args = vec![e.layer.units.to_string()];
        if !e.layer.bias {
            args.push("use_bias=False".into());
        }
        args.extend(e.keras_activation());
        args.push(e.keras_name());
        out.push(format!("layers.Dense({})", args.join(", ")));
        Ok(())
    }
}
