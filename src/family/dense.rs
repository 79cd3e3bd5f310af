//! `dense`: every input feature connected to every unit (PyTorch's
//! `Linear`, Keras's `Dense`).

use super::{Direction, Family, Step, too_large, weights_suffix};
use crate::engine::Problem;
use crate::export::{ExportError, Exported};
use crate::layer::{Field, Kind, Layer};
use crate::network::{Kernels, Shape};

pub struct Dense;

impl Family for Dense {
    fn fields(&self, _kind: Kind) -> &'static [Field] {
        &[Field::Units, Field::Bias, Field::Activation]
    }

    fn required(&self, _kind: Kind) -> &'static [Field] {
        &[Field::Units]
    }

    fn step(&self, layer: &Layer, input: Shape, _kernels: Kernels) -> Result<Step, Problem> {
        let Shape::Flat(n) = input else {
            return Err(Problem::NeedsFlat { got: input });
        };
        let units = layer.units.get();
        let params = n
            .checked_add(u64::from(layer.bias))
            .and_then(|x| x.checked_mul(units))
            .ok_or(too_large("parameter count"))?;
        let macs = n.checked_mul(units).ok_or(too_large("MAC count"))?;
        Ok(Step {
            output: Shape::Flat(units),
            params,
            macs,
            dropped: None,
        })
    }

    fn params_line(&self, layer: &Layer, input: Shape, result: &str, _k: Kernels) -> String {
        let n = super::features(input);
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
        format!("dense {}{}", layer.units, weights_suffix(layer))
    }

    fn pytorch(&self, e: &Exported, out: &mut Vec<(String, String)>) {
        let bias = if e.layer.bias { "" } else { ", bias=False" };
        out.push((
            format!("l{}", e.number),
            format!("nn.Linear({}, {}{bias})", e.channels(), e.layer.units),
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
