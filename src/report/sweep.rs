//! `layerlab sweep`: which square input sizes (or sequence lengths) a
//! network accepts, with the output shape, total parameters and MACs at each.

use crate::engine::{Analysis, analyze};
use crate::network::{Network, Shape};
use crate::smallest::with_length;
use crate::text::visible;
use crate::units::or_dash;
use serde::Serialize;
use serde_json::Value as Json;

/// The most sizes one sweep will try.
pub const MAX_SIZES: u64 = 100_000;

/// Parses `8..64` or `8..=64` (both ends included) or a single `28`.
pub fn parse_sizes(text: &str) -> Result<(u64, u64), String> {
    let bad = || t!("sweep-sizes-must-be-from-to", text = text.to_string());
    let number = |s: &str| {
        s.trim()
            .parse::<u64>()
            .ok()
            .filter(|&n| n > 0 && i64::try_from(n).is_ok())
    };
    let (from, to) = match text.split_once("..") {
        Some((a, b)) => (
            number(a).ok_or_else(bad)?,
            number(b.trim_start_matches('=')).ok_or_else(bad)?,
        ),
        None => {
            let n = number(text).ok_or_else(bad)?;
            (n, n)
        }
    };
    if from > to {
        return Err(t!("sweep-sizes-text-is-empty-the", text = text.to_string()));
    }
    if to - from >= MAX_SIZES {
        let n = to - from + 1;
        return Err(t!(
            "sweep-sizes-text-has-n-sizes",
            text = text.to_string(),
            n = n.to_string(),
            MAX_SIZES = MAX_SIZES.to_string()
        ));
    }
    Ok((from, to))
}

/// What one input size gives: only what the sweep shows, so that trying
/// 1,600 sizes of a 10,000-layer network keeps 1,600 of these, not 1,600
/// analyses.
struct Trial {
    side: u64,
    input: Shape,
    output: Option<Shape>,
    params: Option<u64>,
    macs: Option<u64>,
    /// fp32 inference at batch 1, as `summary` counts it by default.
    memory: Option<u64>,
    /// 0-based, with the broken layer's message.
    error: Option<(usize, String)>,
}

fn trials(net: &Network, from: u64, to: u64) -> impl Iterator<Item = Trial> + '_ {
    // One copy of the network, its input changed for each size.
    let mut sized = net.clone();
    (from..=to).map(move |side| {
        sized.input = with_length(net, side).unwrap_or(net.input);
        let analysis = analyze(&sized);
        Trial {
            side,
            input: sized.input,
            output: final_output(&analysis, sized.input),
            params: analysis.totals.params,
            macs: analysis.totals.macs,
            memory: crate::memory::memory(&sized, &analysis, Default::default()).map(|m| m.total),
            error: analysis.error_at.map(|i| {
                (
                    i,
                    crate::words::status(analysis.rows[i].status).unwrap_or_default(),
                )
            }),
        }
    })
}

fn final_output(a: &Analysis, input: Shape) -> Option<Shape> {
    match a.rows.last() {
        None => Some(input),
        Some(r) => r.output,
    }
}

pub fn table(net: &Network, from: u64, to: u64) -> String {
    let (name, kernels) = (visible(&net.name), net.kernels.word());
    let (name, from_text, to_text) = (name.to_string(), from.to_string(), to.to_string());
    let mut out = match net.input {
        Shape::Image { .. } | Shape::Volume { .. } => t!(
            "sweep-name-square-inputs-from-to",
            name = name,
            from = from_text,
            to = to_text,
            kernels = kernels.to_string()
        ),
        _ => t!(
            "sweep-name-lengths-from-to",
            name = name,
            from = from_text,
            to = to_text
        ),
    };
    let rows: Vec<[String; 5]> = trials(net, from, to)
        .map(|t| {
            let status = match &t.error {
                None => "✓".to_string(),
                Some((i, message)) => format!("✗ {} {}: {message}", t!("sweep-layer"), i + 1),
            };
            let output = t.output.map_or_else(|| "—".to_string(), |s| s.to_string());
            [
                t.input.to_string(),
                output,
                or_dash(t.params),
                or_dash(t.macs),
                status,
            ]
        })
        .collect();
    let headers = vec![
        t!("header-input"),
        t!("header-output"),
        t!("header-params"),
        t!("header-macs"),
        t!("header-valid"),
    ];
    let table: Vec<Vec<String>> = std::iter::once(headers)
        .chain(rows.into_iter().map(Vec::from))
        .collect();
    for line in crate::report::align(&table, &[2, 3]) {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `sweep --plot`: parameters, MACs and memory (fp32 inference) against the
/// input size, as line charts drawn with ratatui into text. Sizes a layer
/// refuses leave a gap.
pub fn plot(net: &Network, from: u64, to: u64) -> String {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::symbols::Marker;
    use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Widget};
    let trials: Vec<Trial> = trials(net, from, to).collect();
    // Each chart: its title, what it reads of a trial, how its axis writes it.
    type Series = (String, fn(&Trial) -> Option<u64>, fn(u64) -> String);
    let series: [Series; 3] = [
        (
            t!("sweep-plot-params"),
            |t| t.params,
            crate::units::thousands,
        ),
        (t!("sweep-plot-macs"), |t| t.macs, crate::units::thousands),
        (t!("sweep-plot-memory"), |t| t.memory, crate::units::bytes),
    ];
    let mut out = String::new();
    for (title, value, label) in series {
        let points: Vec<(f64, f64)> = (trials.iter())
            .filter_map(|t| Some((t.side as f64, value(t)? as f64)))
            .collect();
        let (Some(low), Some(high)) = (
            trials.iter().filter_map(value).min(),
            trials.iter().filter_map(value).max(),
        ) else {
            continue;
        };
        // A flat line sits in the middle of its chart.
        let (bottom, top) = if low == high {
            (low.saturating_sub(1), high.saturating_add(1))
        } else {
            (low, high)
        };
        let data = Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .data(&points);
        let chart = Chart::new(vec![data])
            .block(Block::bordered().title(format!(" {title} ")))
            .x_axis(
                Axis::default()
                    .bounds([from as f64, to.max(from + 1) as f64])
                    .labels([from.to_string(), to.to_string()]),
            )
            .y_axis(
                Axis::default()
                    .bounds([bottom as f64, top as f64])
                    .labels([label(bottom), label(top)]),
            );
        let area = Rect::new(0, 0, 78, 12);
        let mut buf = Buffer::empty(area);
        chart.render(area, &mut buf);
        for y in 0..area.height {
            let line: String = (0..area.width).map(|x| buf[(x, y)].symbol()).collect();
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

/// One size in `sweep --format json`.
#[derive(Serialize)]
struct SizeJson {
    side: u64,
    input: Vec<u64>,
    valid: bool,
    output: Option<Vec<u64>>,
    total_params: Option<u64>,
    total_macs: Option<u64>,
    /// 1-based.
    error_at: Option<usize>,
    message: Option<String>,
}

#[derive(Serialize)]
struct SweepJson<'a> {
    name: &'a str,
    kernels: &'static str,
    sizes: Vec<SizeJson>,
}

/// The JSON of `sweep --format json`; always English.
pub fn to_json(net: &Network, from: u64, to: u64) -> Json {
    crate::lang::machine(|| {
        let sizes = trials(net, from, to)
            .map(|t| SizeJson {
                side: t.side,
                input: t.input.to_vec(),
                valid: t.error.is_none(),
                output: t.output.map(Shape::to_vec),
                total_params: t.params,
                total_macs: t.macs,
                error_at: t.error.as_ref().map(|(i, _)| i + 1),
                message: t.error.map(|(_, m)| m),
            })
            .collect();
        let sweep = SweepJson {
            name: &net.name,
            kernels: net.kernels.name(),
            sizes,
        };
        serde_json::to_value(sweep).unwrap_or(Json::Null)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_inclusive_ranges() {
        assert_eq!(parse_sizes("8..64"), Ok((8, 64)));
        assert_eq!(parse_sizes("8..=64"), Ok((8, 64)));
        assert_eq!(parse_sizes("28"), Ok((28, 28)));
        assert!(parse_sizes("0..4").is_err());
        assert!(parse_sizes("9..4").is_err());
        assert!(parse_sizes("1..1000000000").is_err());
        assert!(parse_sizes("a..b").is_err());
    }
}
