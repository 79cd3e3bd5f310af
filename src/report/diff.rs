//! `layerlab diff`: two networks side by side, layer by layer, as a table or
//! JSON. The layers are aligned as in the explorer's baseline comparison.

use crate::compare::{Step, align, change, signed};
use crate::engine::Analysis;
use crate::network::{Network, Shape};
use crate::text::visible;
use crate::units::or_dash;
use serde::Serialize;
use serde_json::Value as Json;

/// A network with its analysis and a name for headings.
pub struct Side<'a> {
    pub net: &'a Network,
    pub analysis: &'a Analysis,
    /// Where it came from: a path or `preset NAME`.
    pub source: String,
}

/// What happened to a layer between the two networks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Change {
    Same,
    Changed,
    Added,
    Removed,
}

impl Change {
    /// The JSON's word, the same in every language.
    fn name(self) -> &'static str {
        match self {
            Change::Same => "same",
            Change::Changed => "changed",
            Change::Added => "added",
            Change::Removed => "removed",
        }
    }

    /// The table's word.
    fn word(self) -> String {
        match self {
            Change::Same => t!("diff-same"),
            Change::Changed => t!("diff-changed"),
            Change::Added => t!("diff-added"),
            Change::Removed => t!("diff-removed"),
        }
    }
}

/// One aligned pair of layers, in words and numbers.
struct Line {
    change: Change,
    base_index: Option<usize>,
    index: Option<usize>,
    label: String,
    base_output: Option<Shape>,
    output: Option<Shape>,
    base_params: Option<u64>,
    params: Option<u64>,
}

fn lines(base: &Side, other: &Side) -> Vec<Line> {
    align(&base.net.layers, &other.net.layers)
        .into_iter()
        .map(|step| {
            let (b, o) = match step {
                Step::Matched { base, current } => (Some(base), Some(current)),
                Step::Added { current } => (None, Some(current)),
                Step::Removed { base } => (Some(base), None),
            };
            let base_row = b.map(|i| &base.analysis.rows[i]);
            let row = o.map(|i| &other.analysis.rows[i]);
            let (base_output, output) =
                (base_row.and_then(|r| r.output), row.and_then(|r| r.output));
            let (base_params, params) =
                (base_row.and_then(|r| r.params), row.and_then(|r| r.params));
            let change = match (b, o) {
                (Some(i), Some(j)) => {
                    let same = base.net.layers[i] == other.net.layers[j]
                        && base_output == output
                        && base_params == params;
                    if same { Change::Same } else { Change::Changed }
                }
                (None, _) => Change::Added,
                (_, None) => Change::Removed,
            };
            let label = match (b, o) {
                (_, Some(j)) => other.net.layers[j].label(),
                (Some(i), None) => base.net.layers[i].label(),
                (None, None) => String::new(),
            };
            Line {
                change,
                base_index: b,
                index: o,
                label,
                base_output,
                output,
                base_params,
                params,
            }
        })
        .collect()
}

fn shape_text(s: Option<Shape>) -> String {
    s.map_or_else(|| "—".to_string(), |s| s.to_string())
}

/// `before → after`, or the value alone when it did not change.
fn before_after(before: String, after: String, present: (bool, bool)) -> String {
    match present {
        (true, true) if before == after => after,
        (true, true) => format!("{before} → {after}"),
        (false, _) => after,
        (_, false) => before,
    }
}

pub fn table(base: &Side, other: &Side) -> String {
    let rows: Vec<[String; 6]> = lines(base, other)
        .iter()
        .map(|l| {
            let present = (l.base_index.is_some(), l.index.is_some());
            let number =
                |i: Option<usize>| i.map_or_else(|| "·".to_string(), |i| (i + 1).to_string());
            [
                format!("{:>3} {:>3}", number(l.base_index), number(l.index)),
                l.label.clone(),
                before_after(shape_text(l.base_output), shape_text(l.output), present),
                before_after(or_dash(l.base_params), or_dash(l.params), present),
                match (present, change(l.base_params, l.params)) {
                    ((true, true), Some(d)) if d != 0 => signed(d),
                    ((false, true), _) => l.params.map_or(String::new(), |p| signed(i128::from(p))),
                    ((true, false), _) => l
                        .base_params
                        .map_or(String::new(), |p| signed(-i128::from(p))),
                    _ => String::new(),
                },
                l.change.word().to_string(),
            ]
        })
        .collect();
    let headers = vec![
        "  a   b".to_string(),
        t!("header-layer"),
        t!("header-output"),
        t!("header-params"),
        t!("header-change"),
        String::new(),
    ];
    let table: Vec<Vec<String>> = std::iter::once(headers)
        .chain(rows.into_iter().map(Vec::from))
        .collect();
    // The change column's numbers align right; the last column is a word.
    let lines = crate::report::align(&table, &[4]);
    let total = |s: &Side| or_dash(s.analysis.totals.params);
    let params = t!("diff-params");
    let mut out = format!(
        "a: {} ({}) — {} {params}\nb: {} ({}) — {} {params}\n\n",
        visible(&base.net.name),
        visible(&base.source),
        total(base),
        visible(&other.net.name),
        visible(&other.source),
        total(other)
    );
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    let delta = change(base.analysis.totals.params, other.analysis.totals.params)
        .map_or_else(String::new, |d| format!(" ({})", signed(d)));
    out.push_str(&format!(
        "\n{}: {} → {}{delta}\n",
        t!("diff-total-params"),
        total(base),
        total(other)
    ));
    out
}

/// One side of `diff --format json`.
#[derive(Serialize)]
struct SideJson<'a> {
    name: &'a str,
    source: &'a str,
    total_params: Option<u64>,
}

/// One aligned pair of layers in `diff --format json`.
#[derive(Serialize)]
struct LineJson<'a> {
    change: &'static str,
    /// 1-based, in the baseline.
    base_index: Option<usize>,
    /// 1-based, in the other network.
    index: Option<usize>,
    label: &'a str,
    base_output: Option<Vec<u64>>,
    output: Option<Vec<u64>>,
    base_params: Option<u64>,
    params: Option<u64>,
    params_change: Option<serde_json::Number>,
}

#[derive(Serialize)]
struct DiffJson<'a> {
    base: SideJson<'a>,
    other: SideJson<'a>,
    layers: Vec<LineJson<'a>>,
    total_params_change: Option<serde_json::Number>,
}

/// The JSON of `diff --format json`; always English.
pub fn to_json(base: &Side, other: &Side) -> Json {
    crate::lang::machine(|| {
        let lines = lines(base, other);
        fn side<'a>(s: &'a Side) -> SideJson<'a> {
            SideJson {
                name: &s.net.name,
                source: &s.source,
                total_params: s.analysis.totals.params,
            }
        }
        let number = |c: Option<i128>| c.and_then(serde_json::Number::from_i128);
        let diff = DiffJson {
            base: side(base),
            other: side(other),
            layers: lines
                .iter()
                .map(|l| LineJson {
                    change: l.change.name(),
                    base_index: l.base_index.map(|i| i + 1),
                    index: l.index.map(|i| i + 1),
                    label: &l.label,
                    base_output: l.base_output.map(Shape::to_vec),
                    output: l.output.map(Shape::to_vec),
                    base_params: l.base_params,
                    params: l.params,
                    params_change: number(change(l.base_params, l.params)),
                })
                .collect(),
            total_params_change: number(change(
                base.analysis.totals.params,
                other.analysis.totals.params,
            )),
        };
        serde_json::to_value(diff).unwrap_or(Json::Null)
    })
}
