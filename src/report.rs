//! The `summary` command's renderings of an `Analysis`: an aligned table
//! (coloured when asked), markdown, CSV and JSON; `diff` and `sweep` have
//! theirs beside this file.

pub mod diff;
pub mod json;
pub mod sweep;

use crate::engine::{Analysis, Row, Status, analyze};
use crate::memory::{Budget, Memory, Setting, Use, max_batch, memory};
use crate::network::{Network, Shape};
use crate::outline::{self, Item, Line, branch_label};
use crate::text::visible;
use crate::units::{bytes, or_dash, thousands};
use serde_json::Value as Json;
use std::io::{self, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Markdown,
    Csv,
    Json,
    Latex,
}

pub fn render(net: &Network, analysis: &Analysis, format: Format, color: bool) -> String {
    render_for(net, analysis, format, color, &Fit::default())
}

/// What memory is counted for, and the limits to hold it against.
#[derive(Clone, Copy, Debug, Default)]
pub struct Fit {
    pub setting: Setting,
    pub budget: Budget,
}

impl Fit {
    /// The memory total and each limit's use, for `net` as analysed.
    pub fn uses(&self, net: &Network, analysis: &Analysis) -> Vec<Use> {
        let total = memory(net, analysis, self.setting).map(|m| m.total);
        let t = &analysis.totals;
        self.budget.check(total, t.params, t.macs)
    }
}

/// `render`, with memory counted for `fit`'s setting and its budget shown.
pub fn render_for(
    net: &Network,
    analysis: &Analysis,
    format: Format,
    color: bool,
    fit: &Fit,
) -> String {
    let mut text = Vec::new();
    // Writing to memory cannot fail.
    let _ = write_for(net, analysis, format, color, fit, &mut text);
    String::from_utf8(text).unwrap_or_default()
}

/// `render_for`, written to `out` as it is made: a 100,000-layer network's
/// summary is never whole in memory, in any format.
pub fn write_for(
    net: &Network,
    analysis: &Analysis,
    format: Format,
    color: bool,
    fit: &Fit,
    out: &mut dyn Write,
) -> io::Result<()> {
    let totals = totals_lines(net, analysis, fit);
    match format {
        Format::Table => table(net, analysis, color, &totals, out),
        Format::Markdown => markdown(net, analysis, &totals, out),
        Format::Latex => latex(net, analysis, &totals, out),
        Format::Csv => crate::lang::machine(|| csv(net, analysis, out)),
        Format::Json => json::write(net, analysis, fit, out),
    }
}

/// The column headers, in the current language (the explorer's table
/// shares the first six).
pub(crate) fn headers() -> [String; 7] {
    [
        "#".to_string(),
        t!("header-layer"),
        t!("header-output"),
        t!("header-params"),
        t!("header-macs"),
        t!("header-receptive-field"),
        t!("header-status"),
    ]
}

/// The cells of every row as text, the input's first, each with its
/// layer's row (none for the input and branch lines); shared by table,
/// markdown, LaTeX and CSV. Made as they are asked for: the table walks
/// them twice (widths, then lines) instead of keeping them.
fn cells<'a>(
    net: &'a Network,
    analysis: &'a Analysis,
) -> impl Iterator<Item = ([String; 7], Option<&'a Row>)> + 'a {
    let input = [
        "0".to_string(),
        t!("report-input").to_string(),
        net.input.to_string(),
        String::new(),
        String::new(),
        match net.input {
            Shape::Image { .. } => "1×1 /1".to_string(),
            _ => String::new(),
        },
        String::new(),
    ];
    let layers = tree(net, analysis).map(move |line| match line.item {
        Item::Layer { path, layer, row } => (
            [
                net.path_label(&path),
                format!("{}{}", line.guides, layer.label()),
                row.output
                    .map_or_else(|| "—".to_string(), |s| s.to_string()),
                or_dash(row.params),
                or_dash(row.macs),
                row.shown_receptive_field()
                    .map_or_else(|| "—".to_string(), crate::words::receptive_field),
                status_text(row),
            ],
            Some(row),
        ),
        Item::Branch { branch, layers, .. } => (
            [
                String::new(),
                format!("{}{}", line.guides, branch_label(branch, layers)),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ],
            None,
        ),
    });
    std::iter::once((input, None)).chain(layers)
}

/// Every line of the tree, every container open, made a few thousand at a
/// time: the whole tree of a huge network is never held at once.
fn tree<'a>(net: &'a Network, analysis: &'a Analysis) -> impl Iterator<Item = Line<'a>> + 'a {
    const CHUNK: usize = 4096;
    (0usize..)
        .map(move |k| {
            let start = k.saturating_mul(CHUNK);
            outline::lines_in(net, analysis, &|_| true, start..start.saturating_add(CHUNK))
        })
        .take_while(|chunk| !chunk.is_empty())
        .flatten()
}

fn status_text(row: &Row) -> String {
    match row.status {
        Status::Ok => String::new(),
        Status::Warning(d) => format!("! {}", crate::words::dropped(&d)),
        Status::Error(p) => format!("✗ {}", crate::words::problem(&p)),
        Status::Unreachable => t!("report-unreachable").to_string(),
    }
}

fn totals_lines(net: &Network, analysis: &Analysis, fit: &Fit) -> Vec<String> {
    let t = &analysis.totals;
    let params = match (t.params, analysis.error_at) {
        (Some(p), _) => crate::units::params_with_active(p, t.active_params),
        (None, Some(i)) => t!("report-layer-cannot-be-computed", a1 = (i + 1).to_string()),
        (None, None) => "—".to_string(),
    };
    let mut lines = vec![t!("report-total-params", params = params)];
    if let Some(lora) = fit.setting.lora {
        let adapters = crate::memory::lora_params(net, analysis, lora);
        lines.push(t!(
            "report-lora",
            rank = lora.rank.to_string(),
            targets = lora.targets(),
            adapters = or_dash(adapters),
            percent = match (adapters, t.params) {
                (Some(a), Some(p)) if p > 0 => format!("{:.2}", a as f64 * 100.0 / p as f64),
                _ => "—".to_string(),
            }
        ));
    }
    if let Some(freeze) = fit.setting.freeze.filter(|_| fit.setting.lora.is_none()) {
        lines.push(t!(
            "report-freeze",
            layers = freeze.label(),
            trainable = or_dash(crate::memory::trainable_params(analysis, net, &fit.setting)),
            params = or_dash(t.params)
        ));
    }
    lines.extend([
        t!("report-total-macs", macs = or_dash(t.macs)),
        memory_line(net, analysis, fit.setting),
    ]);
    lines.extend(memory_notes(net, analysis, fit.setting));
    for u in fit.uses(net, analysis) {
        lines.push(budget_line(&u));
    }
    if let Some(limit) = fit.budget.memory
        && crate::smallest::has_context(net)
    {
        lines.push(match crate::memory::max_context(net, fit.setting, limit) {
            // One more position would break the network (a learned position
            // table ends there): the memory is not what limits it.
            Some(n) if breaks_at(net, n + 1) => t!(
                "report-max-context-network",
                limit = bytes(limit),
                batch = thousands(fit.setting.batch),
                length = thousands(n)
            ),
            Some(n) => t!(
                "report-max-context",
                limit = bytes(limit),
                batch = thousands(fit.setting.batch),
                length = thousands(n)
            ),
            None => t!("report-no-context", limit = bytes(limit)),
        });
    }
    if let Some(limit) = fit.budget.memory {
        let batch = max_batch(net, analysis, fit.setting, limit);
        lines.push(match batch {
            Some(n) => t!(
                "report-max-batch",
                limit = bytes(limit),
                batch = thousands(n)
            ),
            None => t!("report-no-batch", limit = bytes(limit)),
        });
    }
    lines
}

/// `Memory (fp32, inference, batch 1): weights …, activations …, total …`.
fn memory_line(net: &Network, analysis: &Analysis, setting: Setting) -> String {
    let m = memory(net, analysis, setting);
    let part = |f: fn(&Memory) -> u64| m.as_ref().map_or_else(|| "—".to_string(), |m| bytes(f(m)));
    let (dtype, batch) = (setting.dtype.name(), thousands(setting.batch));
    match setting.train {
        None if m.is_some_and(|m| m.kv_cache > 0) => t!(
            "report-memory-inference-cache",
            dtype = dtype,
            batch = batch,
            weights = part(|m| m.weights),
            activations = part(|m| m.activations),
            cache = part(|m| m.kv_cache),
            kv_dtype = setting.cache_dtype().name(),
            total = part(|m| m.total)
        ),
        None => t!(
            "report-memory-inference",
            dtype = dtype,
            batch = batch,
            weights = part(|m| m.weights),
            activations = part(|m| m.activations),
            total = part(|m| m.total)
        ),
        Some(opt) => t!(
            "report-memory-training",
            dtype = dtype,
            batch = batch,
            optimizer = opt.name(),
            phase = m.map_or_else(|| "—".to_string(), |m| m.phase.text()),
            weights = part(|m| m.weights),
            gradients = part(|m| m.gradients),
            state = part(|m| m.optimizer),
            activations = part(|m| m.activations),
            total = part(|m| m.total)
        ),
    }
}

/// Whether `net` at this length cannot be computed.
fn breaks_at(net: &Network, length: u64) -> bool {
    crate::smallest::with_length(net, length).is_none_or(|input| {
        let sized = Network {
            input,
            ..net.clone()
        };
        analyze(&sized).error_at.is_some()
    })
}

/// What else the memory line was counted with, a line each: the overhead,
/// ZeRO's division, mixed precision, checkpointing, the attention kernel.
fn memory_notes(net: &Network, analysis: &Analysis, setting: Setting) -> Vec<String> {
    let mut notes = Vec::new();
    if setting.overhead > 0 {
        notes.push(t!("report-overhead", bytes = bytes(setting.overhead)));
    }
    if setting.train.is_none() {
        return notes;
    }
    if let Some(z) = setting.zero {
        let one = memory(
            net,
            analysis,
            Setting {
                zero: None,
                ..setting
            },
        );
        notes.push(t!(
            "report-zero",
            stage = z.stage.to_string(),
            shards = thousands(z.shards),
            single = one.map_or_else(|| "—".to_string(), |m| bytes(m.total))
        ));
    }
    if let Some(master) = setting.master {
        notes.push(t!(
            "report-master",
            master = master.name(),
            dtype = setting.dtype.name()
        ));
    }
    if setting.checkpoint {
        notes.push(t!("report-checkpoint"));
    }
    if setting.attention == crate::memory::AttentionKernel::Flash {
        notes.push(t!("report-flash"));
    }
    notes
}

/// `Budget params: 61,100,840 of 5,000,000 ✗ over by 56,100,840`.
pub fn budget_line(u: &Use) -> String {
    let amount = |n: u64| {
        if u.what == "memory" {
            bytes(n)
        } else {
            thousands(n)
        }
    };
    let (what, limit) = (u.what, amount(u.limit));
    match u.used {
        None => t!("report-budget-unknown", what = what, limit = limit),
        Some(used) if u.ok => t!(
            "report-budget-ok",
            what = what,
            used = amount(used),
            limit = limit
        ),
        Some(used) => t!(
            "report-budget-over",
            what = what,
            used = amount(used),
            limit = limit,
            over = amount(used - u.limit)
        ),
    }
}

fn heading(net: &Network) -> String {
    let (name, input, kernels) = (visible(&net.name), net.input, net.kernels.word());
    t!(
        "report-name-input-input-kernels-kernels",
        name = name.to_string(),
        input = input.to_string(),
        kernels = kernels.to_string()
    )
}

const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

fn table(
    net: &Network,
    analysis: &Analysis,
    color: bool,
    totals: &[String],
    out: &mut dyn Write,
) -> io::Result<()> {
    let header = headers();
    let rows = || std::iter::once((header.clone(), None)).chain(cells(net, analysis));
    // Two passes over rows made on the fly: memory stays small on a network
    // of 100,000 layers.
    let mut widths = [0; 6];
    for (row, _) in rows() {
        for (w, text) in widths.iter_mut().zip(&row) {
            *w = (*w).max(crate::text::width(text));
        }
    }
    let paint = |s: &str, style: &str| {
        if color {
            format!("{style}{s}{RESET}")
        } else {
            s.to_string()
        }
    };
    writeln!(out, "{}", paint(&heading(net), BOLD))?;
    if let Some(legend) = crate::words::shape_legend(net) {
        writeln!(out, "{}", paint(&legend, DIM))?;
    }
    writeln!(out)?;
    for (n, (row, computed)) in rows().enumerate() {
        let text = aligned(&row, &widths, &[0, 3, 4]);
        let text = match (n, computed.map(|r| r.status)) {
            (0, _) => paint(&text, BOLD),
            (_, None | Some(Status::Ok)) => text,
            (_, Some(Status::Warning(_))) => paint(&text, YELLOW),
            (_, Some(Status::Error(_))) => paint(&text, RED),
            (_, Some(Status::Unreachable)) => paint(&text, DIM),
        };
        writeln!(out, "{text}")?;
    }
    writeln!(out)?;
    for l in totals {
        writeln!(out, "{l}")?;
    }
    Ok(())
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
                .map(|t| crate::text::width(t))
                .max()
                .unwrap_or(0)
        })
        .collect();
    rows.iter().map(|r| aligned(r, &widths, right)).collect()
}

/// One row's cells padded to `widths` (see `align`).
fn aligned(row: &[String], widths: &[usize], right: &[usize]) -> String {
    let mut line = String::new();
    for (c, text) in row.iter().enumerate() {
        let width = widths.get(c).copied().unwrap_or(0);
        let pad = " ".repeat(width.saturating_sub(crate::text::width(text)));
        if right.contains(&c) {
            line.push_str(&pad);
            line.push_str(text);
        } else {
            line.push_str(text);
            line.push_str(&pad);
        }
        line.push_str("  ");
    }
    line.truncate(line.trim_end().len());
    line
}

/// Text for a Markdown cell or heading: a name may hold `|` (which ends a
/// cell) or HTML, which a renderer would run as markup.
fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

fn markdown(
    net: &Network,
    analysis: &Analysis,
    totals: &[String],
    out: &mut dyn Write,
) -> io::Result<()> {
    write!(out, "### {}\n\n", markdown_text(&heading(net)))?;
    if let Some(legend) = crate::words::shape_legend(net) {
        write!(out, "{legend}\n\n")?;
    }
    writeln!(out, "| {} |", headers().join(" | "))?;
    writeln!(out, "|--:|---|---|--:|--:|---|---|")?;
    for (r, _) in cells(net, analysis) {
        let escaped: Vec<String> = r.iter().map(|c| markdown_text(c)).collect();
        writeln!(out, "| {} |", escaped.join(" | "))?;
    }
    writeln!(out)?;
    for l in totals {
        writeln!(out, "{l}  ")?;
    }
    Ok(())
}

/// A `tabular` for a thesis or a handout (needs only plain LaTeX).
fn latex(
    net: &Network,
    analysis: &Analysis,
    totals: &[String],
    out: &mut dyn Write,
) -> io::Result<()> {
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
    writeln!(out, "% {}", heading(net))?;
    writeln!(out, "\\begin{{tabular}}{{rllrrll}}\n\\hline")?;
    writeln!(
        out,
        "{} \\\\\n\\hline",
        headers().map(|h| escape(&h)).join(" & ")
    )?;
    for (r, _) in cells(net, analysis) {
        let row: Vec<String> = r.iter().map(|c| escape(c)).collect();
        writeln!(out, "{} \\\\", row.join(" & "))?;
    }
    writeln!(out, "\\hline")?;
    for l in totals {
        writeln!(out, "\\multicolumn{{7}}{{l}}{{{}}} \\\\", escape(l))?;
    }
    writeln!(out, "\\end{{tabular}}")
}

fn csv(net: &Network, analysis: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    let quote = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    writeln!(
        out,
        "index,layer,output,params,macs,receptive_field,status,message"
    )?;
    let raw = |r: Option<&Row>, f: fn(&Row) -> Option<u64>| {
        r.and_then(f).map(|n| n.to_string()).unwrap_or_default()
    };
    for (c, row) in cells(net, analysis) {
        let status = row.map_or(Status::Ok, |r| r.status);
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
            crate::words::status(status).unwrap_or_default(),
        ];
        let quoted: Vec<String> = fields.iter().map(|f| quote(f)).collect();
        writeln!(out, "{}", quoted.join(","))?;
    }
    Ok(())
}

/// The JSON object of `summary --format json`, as a value (see `json::write`
/// for the streamed text).
pub fn to_json(net: &Network, analysis: &Analysis) -> Json {
    let mut text = Vec::new();
    match json::write(net, analysis, &Fit::default(), &mut text) {
        Ok(()) => serde_json::from_slice(&text).unwrap_or(Json::Null),
        Err(_) => Json::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::{Kind, Layer};

    /// The tree is made a chunk at a time; across the chunks' seams every
    /// line comes once, in order: 500 residual blocks give 6,000 lines
    /// (the add, its two branch lines, nine layers), two seams.
    #[test]
    fn the_summary_of_a_big_tree_has_every_line_once_in_order() {
        let body = vec![Layer::new(Kind::Relu); 9];
        let block = Layer {
            branches: vec![body, Vec::new()],
            ..Layer::new(Kind::Add)
        };
        let net = Network {
            layers: vec![block; 500],
            ..Network::empty("deep")
        };
        let analysis = analyze(&net);
        let whole = outline::lines(&net, &analysis, &|_| true);
        assert_eq!(whole.len(), 6_000);
        let csv = render(&net, &analysis, Format::Csv, false);
        let labels: Vec<&str> = csv
            .lines()
            .skip(2)
            .map(|l| l.split(',').next().unwrap_or_default())
            .collect();
        let expected: Vec<String> = whole
            .iter()
            .map(|l| match &l.item {
                Item::Layer { path, .. } => net.path_label(path),
                Item::Branch { .. } => String::new(),
            })
            .collect();
        assert_eq!(labels, expected);
    }
}
