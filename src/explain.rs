//! The formulas behind a row, with the user's numbers substituted:
//! `⌊(28 + 2·0 − 5) / 1⌋ + 1 = 24` and `(5·5·1 + 1)·6 = 156`.
//!
//! Built on demand for the one layer on screen (and for `--format json`),
//! never for the whole network on every keystroke.

use crate::engine::{Axis, AxisFit, AxisRule, Row, axes};
use crate::layer::{Hw, Layer};
use crate::network::{Kernels, Shape};
use crate::units::thousands;

/// How a layer's output size and parameter count come about.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// One line per distinct axis (`H, W: …` when both are computed alike).
    pub size: Vec<String>,
    pub params: String,
    /// How the MACs come about, where a family says (attention, recurrent).
    pub macs: Option<String>,
    /// What training keeps of it for the backward pass, and why.
    pub keeps: Option<String>,
}

pub fn explain(layer: &Layer, row: &Row, kernels: Kernels) -> Explanation {
    let Some(input) = row.input else {
        let none = t!("explain-an-earlier-layer-is-broken").to_string();
        return Explanation {
            size: vec![none.clone()],
            params: none,
            macs: None,
            keeps: None,
        };
    };
    Explanation {
        size: size_lines(layer, input, row.output),
        params: params_line(layer, input, row, kernels),
        macs: row
            .macs
            .and_then(|m| crate::family::of(layer.kind).macs_line(layer, input, &thousands(m))),
        keeps: row
            .output
            .and_then(|output| crate::memory::keeps_line(layer, input, output)),
    }
}

fn size_lines(layer: &Layer, input: Shape, output: Option<Shape>) -> Vec<String> {
    crate::family::of(layer.kind).size_lines(layer, input, output)
}

/// The output size of a window sliding over the image: one formula for
/// both axes when they are computed alike, else one each.
pub(crate) fn window_lines(layer: &Layer, input: Shape, output: Option<Shape>) -> Vec<String> {
    let Shape::Image { h, w, .. } = input else {
        return vec![match output {
            Some(out) => out.to_string(),
            None => t!("explain-cannot-be-computed").to_string(),
        }];
    };
    let [ah, aw] = axes(layer, Hw { h, w });
    if ah == aw {
        vec![format!("H, W: {}", axis_formula(&ah))]
    } else {
        vec![
            format!("H: {}", axis_formula(&ah)),
            format!("W: {}", axis_formula(&aw)),
        ]
    }
}

pub(crate) fn axis_formula(a: &Axis) -> String {
    let out = a.output();
    match a.rule {
        AxisRule::Same => match out {
            AxisFit::Fits(o) => format!("⌈{} / {}⌉ = {}", a.input, a.stride, o.size),
            _ => t!("explain-too-large-to-compute").to_string(),
        },
        AxisRule::Explicit { pad, ceil } => {
            let window = if a.dilation == 1 {
                a.kernel.to_string()
            } else {
                format!("{}·({} − 1) − 1", a.dilation, a.kernel)
            };
            let inner = format!("({} + 2·{pad} − {window}) / {}", a.input, a.stride);
            match out {
                AxisFit::Fits(o) if ceil && o.ceil_dropped_last => format!(
                    "⌈{inner}⌉ + 1 − 1 = {} {}",
                    o.size,
                    t!("explain-the-last-window-would-start")
                ),
                AxisFit::Fits(o) if ceil => format!("⌈{inner}⌉ + 1 = {}", o.size),
                AxisFit::Fits(o) => format!("⌊{inner}⌋ + 1 = {}", o.size),
                AxisFit::Overflow => t!("explain-too-large-to-compute").to_string(),
                AxisFit::TooSmall => {
                    let span = a.span().unwrap_or(u64::MAX);
                    format!(
                        "{} + 2·{pad} = {} < {span}: {}",
                        a.input,
                        a.input.saturating_add(pad.saturating_mul(2)),
                        t!("explain-the-window-does-not-fit")
                    )
                }
            }
        }
    }
}

fn params_line(layer: &Layer, input: Shape, row: &Row, kernels: Kernels) -> String {
    let result = match row.params {
        Some(p) => thousands(p),
        None => {
            return t!("explain-this-layer-cannot-be-computed").to_string();
        }
    };
    crate::family::of(layer.kind).params_line(layer, input, &result, kernels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::analyze;
    use crate::layer::Kind;
    use crate::layer::{Activation, Padding};
    use crate::network::Network;

    fn conv(filters: u64, k: u64) -> Layer {
        Layer {
            filters: crate::size::Size::new(filters).unwrap(),
            kernel: Hw::square(k),
            activation: Some(Activation::Relu),
            ..Layer::new(Kind::Conv2d)
        }
    }

    fn net(layers: Vec<Layer>) -> Network {
        Network {
            layers,
            ..Network::empty("t")
        }
    }

    fn explained(n: &Network, i: usize) -> Explanation {
        let a = analyze(n);
        explain(&n.layers[i], &a.rows[i], n.kernels)
    }

    #[test]
    fn conv_formulas_substitute_the_numbers() {
        let n = net(vec![conv(6, 5)]);
        let e = explained(&n, 0);
        assert_eq!(e.size[0], "H, W: ⌊(28 + 2·0 − 5) / 1⌋ + 1 = 24");
        assert_eq!(e.params, "(5·5·1 + 1)·6 = 156");
        let shared = Network {
            kernels: Kernels::Shared,
            ..net(vec![conv(6, 5), conv(16, 5)])
        };
        assert_eq!(
            explained(&shared, 1).params,
            "(5·5 + 1)·16 = 416  (one kernel shared across input channels)"
        );
    }

    #[test]
    fn same_padding_and_dense_formulas() {
        let mut c = conv(6, 5);
        c.padding = Padding::Same;
        c.stride = Some(Hw::square(2));
        let n = net(vec![
            c,
            Layer::new(Kind::Flatten),
            Layer {
                units: crate::size::Size::new(120).unwrap(),
                ..Layer::new(Kind::Dense)
            },
        ]);
        assert_eq!(explained(&n, 0).size[0], "H, W: ⌈28 / 2⌉ = 14");
        assert_eq!(explained(&n, 1).size[0], "14·14·6 = 1,176");
        assert_eq!(explained(&n, 2).params, "(1176 + 1)·120 = 141,240");
    }

    #[test]
    fn a_broken_window_says_why_in_numbers() {
        let n = Network {
            input: Shape::Image { c: 1, h: 1, w: 1 },
            ..net(vec![Layer::new(Kind::MaxPool)])
        };
        let e = explained(&n, 0);
        assert_eq!(e.size[0], "H, W: 1 + 2·0 = 1 < 2: the window does not fit");
        assert_eq!(e.params, "— (this layer cannot be computed)");
    }
}
