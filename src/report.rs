//! The `summary` command's renderings of an `Analysis`: an aligned table
//! (coloured when asked), markdown, CSV and JSON; `diff` and `sweep` have
//! theirs beside this file.

pub mod diff;
pub mod sweep;

use crate::engine::{Analysis, ReceptiveField, Row, Status};
use crate::explain::explain;
use crate::lang::tr;
use crate::network::{Network, Shape};
use crate::text::visible;
use crate::units::{bytes, or_dash, thousands};
use serde_json::{Value as Json, json};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Markdown,
    Csv,
    Json,
    Latex,
}

pub fn render(net: &Network, analysis: &Analysis, format: Format, color: bool) -> String {
    match format {
        Format::Table => table(net, analysis, color),
        Format::Markdown => markdown(net, analysis),
        Format::Latex => latex(net, analysis),
        Format::Csv => crate::lang::machine(|| csv(net, analysis)),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&to_json(net, analysis)).unwrap_or_default();
            s.push('\n');
            s
        }
    }
}

/// The column headers, in the current language (the explorer's table
/// shares the first six).
pub(crate) fn headers() -> [&'static str; 7] {
    tr(
        [
            "#",
            "layer",
            "output",
            "params",
            "MACs",
            "receptive field",
            "status",
        ],
        [
            "#",
            "слой",
            "выход",
            "параметры",
            "MAC",
            "рецептивное поле",
            "статус",
        ],
    )
}

/// The cells of one table row, as text; shared by table, markdown and CSV.
fn cells(net: &Network, analysis: &Analysis) -> Vec<[String; 7]> {
    let input = [
        "0".to_string(),
        tr("input", "вход").to_string(),
        net.input.to_string(),
        String::new(),
        String::new(),
        match net.input {
            Shape::Image { .. } => "1×1 /1".to_string(),
            Shape::Flat(_) => String::new(),
        },
        String::new(),
    ];
    let layers = net
        .layers
        .iter()
        .zip(&analysis.rows)
        .enumerate()
        .map(|(i, (layer, row))| {
            [
                (i + 1).to_string(),
                layer.label(),
                row.output
                    .map_or_else(|| "—".to_string(), |s| s.to_string()),
                or_dash(row.params),
                or_dash(row.macs),
                row.receptive_field
                    .map_or_else(|| "—".to_string(), |rf| rf.to_string()),
                status_text(row),
            ]
        });
    std::iter::once(input).chain(layers).collect()
}

fn status_text(row: &Row) -> String {
    match row.status {
        Status::Ok => String::new(),
        Status::Warning(d) => format!("! {d}"),
        Status::Error(p) => format!("✗ {p}"),
        Status::Unreachable => tr("unreachable", "недостижим").to_string(),
    }
}

fn totals_lines(analysis: &Analysis) -> Vec<String> {
    let t = &analysis.totals;
    let params = match (t.params, analysis.error_at) {
        (Some(p), _) => thousands(p),
        (None, Some(i)) => tr(
            format!("— (layer {} cannot be computed)", i + 1),
            format!("— (слой {} не вычисляется)", i + 1),
        ),
        (None, None) => "—".to_string(),
    };
    let mem = |b: Option<u64>| b.map_or_else(|| "—".to_string(), bytes);
    let (weights, activations) = (mem(t.weight_bytes), mem(t.activation_bytes));
    tr(
        vec![
            format!("Total params: {params}"),
            format!("Total MACs: {}", or_dash(t.macs)),
            format!("Memory (float32): weights {weights}, activations {activations}"),
        ],
        vec![
            format!("Всего параметров: {params}"),
            format!("Всего умножений-сложений (MAC): {}", or_dash(t.macs)),
            format!("Память (float32): веса {weights}, активации {activations}"),
        ],
    )
}

fn heading(net: &Network) -> String {
    let (name, input, kernels) = (visible(&net.name), net.input, net.kernels.word());
    tr(
        format!("{name} — input {input}, kernels {kernels}"),
        format!("{name} — вход {input}, ядра {kernels}"),
    )
}

const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

fn table(net: &Network, analysis: &Analysis, color: bool) -> String {
    let header: Vec<String> = headers().iter().map(|h| h.to_string()).collect();
    let rows: Vec<Vec<String>> = std::iter::once(header)
        .chain(cells(net, analysis).into_iter().map(Vec::from))
        .collect();
    let lines = align(&rows, &[0, 3, 4]);
    let mut out = String::new();
    let paint = |s: &str, style: &str| {
        if color {
            format!("{style}{s}{RESET}")
        } else {
            s.to_string()
        }
    };
    out.push_str(&paint(&heading(net), BOLD));
    out.push_str("\n\n");
    out.push_str(&paint(&lines[0], BOLD));
    out.push('\n');
    let statuses = std::iter::once(Status::Ok).chain(analysis.rows.iter().map(|r| r.status));
    for (text, status) in lines.into_iter().skip(1).zip(statuses) {
        out.push_str(&match status {
            Status::Ok => text,
            Status::Warning(_) => paint(&text, YELLOW),
            Status::Error(_) => paint(&text, RED),
            Status::Unreachable => paint(&text, DIM),
        });
        out.push('\n');
    }
    out.push('\n');
    for l in totals_lines(analysis) {
        out.push_str(&l);
        out.push('\n');
    }
    out
}

/// Lines of aligned columns, two spaces apart: the columns listed in
/// `right` (numbers) align right, the others left, and the last column is
/// free text that sets no width.
pub(crate) fn align(rows: &[Vec<String>], right: &[usize]) -> Vec<String> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns.saturating_sub(1))
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|t| t.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    rows.iter()
        .map(|r| {
            let mut line = String::new();
            for (c, text) in r.iter().enumerate() {
                let pad = " ".repeat(widths.get(c).map_or(0, |w| w - text.chars().count()));
                if right.contains(&c) {
                    line.push_str(&pad);
                    line.push_str(text);
                } else {
                    line.push_str(text);
                    line.push_str(&pad);
                }
                line.push_str("  ");
            }
            line.trim_end().to_string()
        })
        .collect()
}

fn markdown(net: &Network, analysis: &Analysis) -> String {
    let mut out = format!("### {}\n\n", heading(net));
    out.push_str(&format!("| {} |\n", headers().join(" | ")));
    out.push_str("|--:|---|---|--:|--:|---|---|\n");
    for r in cells(net, analysis) {
        let escaped: Vec<String> = r.iter().map(|c| c.replace('|', "\\|")).collect();
        out.push_str(&format!("| {} |\n", escaped.join(" | ")));
    }
    out.push('\n');
    for l in totals_lines(analysis) {
        out.push_str(&format!("{l}  \n"));
    }
    out
}

/// A `tabular` for a thesis or a handout (needs only plain LaTeX).
fn latex(net: &Network, analysis: &Analysis) -> String {
    let escape = |text: &str| {
        let mut out = String::new();
        for ch in text.chars() {
            match ch {
                '\\' => out.push_str("\\textbackslash{}"),
                '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                    out.push('\\');
                    out.push(ch);
                }
                '~' => out.push_str("\\textasciitilde{}"),
                '^' => out.push_str("\\textasciicircum{}"),
                '×' => out.push_str("$\\times$"),
                '—' => out.push_str("---"),
                '✗' => out.push_str("$\\times$"),
                '·' => out.push_str("$\\cdot$"),
                '→' => out.push_str("$\\to$"),
                '−' => out.push('-'),
                // LaTeX's own thin space between thousands.
                ',' => out.push_str("{,}"),
                c => out.push(c),
            }
        }
        out
    };
    let mut out = format!("% {}\n", heading(net));
    out.push_str("\\begin{tabular}{rllrrll}\n\\hline\n");
    out.push_str(&format!(
        "{} \\\\\n\\hline\n",
        headers().map(escape).join(" & ")
    ));
    for r in cells(net, analysis) {
        let row: Vec<String> = r.iter().map(|c| escape(c)).collect();
        out.push_str(&format!("{} \\\\\n", row.join(" & ")));
    }
    out.push_str("\\hline\n");
    for l in totals_lines(analysis) {
        out.push_str(&format!("\\multicolumn{{7}}{{l}}{{{}}} \\\\\n", escape(&l)));
    }
    out.push_str("\\end{tabular}\n");
    out
}

fn csv(net: &Network, analysis: &Analysis) -> String {
    let quote = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::from("index,layer,output,params,macs,receptive_field,status,message\n");
    let statuses = std::iter::once(Status::Ok).chain(analysis.rows.iter().map(|r| r.status));
    let raw = |r: Option<&Row>, f: fn(&Row) -> Option<u64>| {
        r.and_then(f).map(|n| n.to_string()).unwrap_or_default()
    };
    let rows = std::iter::once(None).chain(analysis.rows.iter().map(Some));
    for ((c, status), row) in cells(net, analysis).into_iter().zip(statuses).zip(rows) {
        // Spreadsheets want empty cells, not dashes, where a value is unknown.
        let blank = |s: &String| if s == "—" { String::new() } else { s.clone() };
        let fields = [
            c[0].clone(),
            c[1].clone(),
            blank(&c[2]),
            raw(row, |r| r.params),
            raw(row, |r| r.macs),
            blank(&c[5]),
            status.name().to_string(),
            status.message().unwrap_or_default(),
        ];
        let quoted: Vec<String> = fields.iter().map(|f| quote(f)).collect();
        out.push_str(&quoted.join(","));
        out.push('\n');
    }
    out
}

/// The JSON object of `summary --format json` (see README for the fields).
pub fn to_json(net: &Network, analysis: &Analysis) -> Json {
    crate::lang::machine(|| json_in_english(net, analysis))
}

fn json_in_english(net: &Network, analysis: &Analysis) -> Json {
    let layers: Vec<Json> = net
        .layers
        .iter()
        .zip(&analysis.rows)
        .enumerate()
        .map(|(i, (layer, row))| {
            let why = explain(layer, row, net.kernels);
            json!({
                "index": i + 1,
                "type": layer.kind.name(),
                "label": layer.label(),
                "input": row.input.map(Shape::to_vec),
                "output": row.output.map(Shape::to_vec),
                "params": row.params,
                "macs": row.macs,
                "receptive_field": row.receptive_field.map(|rf| match rf {
                    ReceptiveField::Local { size, jump } =>
                        json!({"size": [size.h, size.w], "jump": [jump.h, jump.w]}),
                    ReceptiveField::Global => json!("global"),
                }),
                "status": row.status.name(),
                "message": row.status.message(),
                "formulas": (row.input.is_some()).then(|| json!({"output": why.size, "params": why.params})),
            })
        })
        .collect();
    let t = &analysis.totals;
    json!({
        "name": net.name,
        "input": net.input.to_vec(),
        "kernels": net.kernels.name(),
        "layers": layers,
        "total_params": t.params,
        "total_macs": t.macs,
        "weight_bytes": t.weight_bytes,
        "activation_bytes": t.activation_bytes,
        "error_at": analysis.error_at.map(|i| i + 1),
    })
}
