//! `layerlab diff`: two networks side by side, layer by layer, as a table or
//! JSON. The layers are aligned as in the explorer's baseline comparison.

use crate::compare::{Step, align, change, signed};
use crate::engine::{Analysis, Row};
use crate::layer::{Kind, Layer};
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

/// One aligned pair of layers (or branches), in words and numbers.
struct Line {
    change: Change,
    /// 0-based top-level indices, for top-level layers only.
    base_index: Option<usize>,
    index: Option<usize>,
    /// Where the layer is on each side: `5` or `5.2.1` (see `Network::path_label`).
    base_path: Option<String>,
    path: Option<String>,
    /// Containers above the line.
    depth: usize,
    /// A container or a branch: its change is what is inside it.
    holds: bool,
    label: String,
    base_output: Option<Shape>,
    output: Option<Shape>,
    base_params: Option<u64>,
    params: Option<u64>,
}

/// One side of a list of layers being compared: the layers, their rows,
/// and the path label of the list (`""` at the top, `5.2` for branch 2 of
/// layer 5, `5` for block 5's layers).
#[derive(Clone, Copy)]
struct List<'a> {
    layers: &'a [Layer],
    rows: &'a [Row],
    prefix: &'a str,
}

impl<'a> List<'a> {
    fn label(&self, i: usize) -> String {
        if self.prefix.is_empty() {
            (i + 1).to_string()
        } else {
            format!("{}.{}", self.prefix, i + 1)
        }
    }

    fn row(&self, i: usize) -> Option<&'a Row> {
        self.rows.get(i)
    }
}

fn lines(base: &Side, other: &Side) -> Vec<Line> {
    let mut out = Vec::new();
    compare(
        List {
            layers: &base.net.layers,
            rows: &base.analysis.rows,
            prefix: "",
        },
        List {
            layers: &other.net.layers,
            rows: &other.analysis.rows,
            prefix: "",
        },
        0,
        &mut out,
    );
    out
}

/// Aligns two lists of layers, and inside every pair of containers that
/// differ, what they hold: a block's layers, a merge's branches by position
/// (a branch only one side has is added or removed whole).
fn compare(base: List, other: List, depth: usize, out: &mut Vec<Line>) {
    for step in align(base.layers, other.layers) {
        let (b, o) = match step {
            Step::Matched { base, current } => (Some(base), Some(current)),
            Step::Added { current } => (None, Some(current)),
            Step::Removed { base } => (Some(base), None),
        };
        let base_row = b.and_then(|i| base.row(i));
        let row = o.and_then(|i| other.row(i));
        let (base_output, output) = (base_row.and_then(|r| r.output), row.and_then(|r| r.output));
        let (base_params, params) = (base_row.and_then(|r| r.params), row.and_then(|r| r.params));
        let change = match (b, o) {
            (Some(i), Some(j)) => {
                let same = base.layers[i] == other.layers[j]
                    && base_output == output
                    && base_params == params;
                if same { Change::Same } else { Change::Changed }
            }
            (None, _) => Change::Added,
            (_, None) => Change::Removed,
        };
        let label = match (b, o) {
            (_, Some(j)) => other.layers[j].label(),
            (Some(i), None) => base.layers[i].label(),
            (None, None) => String::new(),
        };
        let (base_path, path) = (b.map(|i| base.label(i)), o.map(|j| other.label(j)));
        out.push(Line {
            change,
            base_index: b.filter(|_| depth == 0),
            index: o.filter(|_| depth == 0),
            base_path: base_path.clone(),
            path: path.clone(),
            depth,
            holds: (b.map(|i| &base.layers[i]).or(o.map(|j| &other.layers[j])))
                .is_some_and(|l| l.kind.is_container()),
            label,
            base_output,
            output,
            base_params,
            params,
        });
        let (Some(i), Some(j), Change::Changed) = (b, o, change) else {
            continue;
        };
        let (bp, op) = (base_path.unwrap_or_default(), path.unwrap_or_default());
        let sides = (
            (&base.layers[i], base_row, bp.as_str()),
            (&other.layers[j], row, op.as_str()),
        );
        inside(sides.0, sides.1, depth, out);
    }
}

/// One container on one side: the layer, its row, its path label.
type Held<'a> = (&'a Layer, Option<&'a Row>, &'a str);

/// What two containers of the same kind hold, compared: a block's layers,
/// a merge's branches by position (a branch only one side has is added or
/// removed whole).
fn inside(base: Held, other: Held, depth: usize, out: &mut Vec<Line>) {
    let ((bl, base_row, bp), (ol, row, op)) = (base, other);
    if !bl.kind.is_container() || bl.kind != ol.kind {
        return;
    }
    let inner = |row: Option<&'_ Row>, b: usize| -> Vec<Row> {
        row.and_then(|r| r.inner.get(b))
            .cloned()
            .unwrap_or_default()
    };
    if bl.kind == Kind::Block {
        let (brows, orows) = (inner(base_row, 0), inner(row, 0));
        let body = |l: &Layer| l.branches.first().cloned().unwrap_or_default();
        let (bbody, obody) = (body(bl), body(ol));
        compare(
            List {
                layers: &bbody,
                rows: &brows,
                prefix: bp,
            },
            List {
                layers: &obody,
                rows: &orows,
                prefix: op,
            },
            depth + 1,
            out,
        );
        return;
    }
    for k in 0..bl.branches.len().max(ol.branches.len()) {
        let (bb, ob) = (bl.branches.get(k), ol.branches.get(k));
        let (bprefix, oprefix) = (format!("{bp}.{}", k + 1), format!("{op}.{}", k + 1));
        let params = |branch: Option<&Vec<Layer>>, row: Option<&Row>| {
            let rows = inner(row, k);
            branch.map(|_| rows.iter().filter_map(|r| r.params).sum::<u64>())
        };
        let change = match (bb, ob) {
            (Some(x), Some(y)) if x == y => Change::Same,
            (Some(_), Some(_)) => Change::Changed,
            (None, _) => Change::Added,
            (_, None) => Change::Removed,
        };
        let layers = bb.or(ob).map_or(0, Vec::len);
        out.push(Line {
            change,
            base_index: None,
            index: None,
            base_path: bb.map(|_| bprefix.clone()),
            path: ob.map(|_| oprefix.clone()),
            depth: depth + 1,
            holds: true,
            label: crate::outline::branch_label(k, layers),
            base_output: None,
            output: None,
            base_params: params(bb, base_row),
            params: params(ob, row),
        });
        if let (Some(x), Some(y), Change::Changed) = (bb, ob, change) {
            let (brows, orows) = (inner(base_row, k), inner(row, k));
            compare(
                List {
                    layers: x,
                    rows: &brows,
                    prefix: &bprefix,
                },
                List {
                    layers: y,
                    rows: &orows,
                    prefix: &oprefix,
                },
                depth + 2,
                out,
            );
        }
    }
}

/// What changed inside two versions of one container, for the explorer's
/// "vs baseline" cell: `5.1.1.1 changed`, `5.3 removed`, … (layers and
/// branches only; the containers around them are implied).
pub fn changes_inside(base: Held, other: Held) -> Vec<String> {
    let mut lines = Vec::new();
    inside(base, other, 0, &mut lines);
    lines
        .iter()
        // A changed container's own line repeats what its contents say.
        .filter(|l| l.change != Change::Same && !(l.change == Change::Changed && l.holds))
        .map(|l| {
            let at = l
                .path
                .as_ref()
                .or(l.base_path.as_ref())
                .cloned()
                .unwrap_or_default();
            format!("{at} {}", l.change.word())
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
            let present = (l.base_path.is_some(), l.path.is_some());
            let number = |p: &Option<String>| p.clone().unwrap_or_else(|| "·".to_string());
            [
                format!("{:>3} {:>3}", number(&l.base_path), number(&l.path)),
                format!("{}{}", "  ".repeat(l.depth), l.label),
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
    /// Where the layer is in each network, `5.2.1` inside containers.
    base_path: Option<&'a str>,
    path: Option<&'a str>,
    /// Containers above it.
    depth: usize,
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
                    base_path: l.base_path.as_deref(),
                    path: l.path.as_deref(),
                    depth: l.depth,
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
