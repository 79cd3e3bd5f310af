//! The layer table: one row per layer (and, against a baseline, per removed
//! layer), built only for the rows on screen.

use super::super::app::App;
use super::super::quiz::{Quiz, QuizCell, Verdict};
use super::super::theme::Theme;
use super::super::whatif::TableRow;
use crate::compare::{Delta, change, delta, signed};
use crate::engine::{Row as Computed, Status};
use crate::layer::Layer;
use crate::network::Shape;
use crate::outline::{Item, Line as TreeLine, branch_label};
use crate::units::or_dash;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, StatefulWidget, Table, TableState, Widget};

/// The column headers: those of `summary`, with "vs baseline" for its status.
fn headers() -> [String; 7] {
    let mut h = crate::report::headers();
    h[6] = t!("table-vs-baseline");
    h
}

/// Blank cells between columns.
const SPACING: usize = 2;

/// The status a narrow table keeps room for before it drops columns.
const REMARK_ROOM: usize = 24;

/// One row's text, its style and its closing remark (status or mark).
#[derive(Default)]
struct Shown {
    cells: [String; 6],
    /// Styles of single cells over the row's (quiz verdicts).
    cell_styles: [Option<Style>; 6],
    /// A search match: the label's own text lit up, not its column.
    found: Option<Style>,
    versus: Line<'static>,
    style: Style,
    remark: String,
}

/// The layer table as a widget: the rows on screen only (a 100,000-layer
/// network's are never all built), drawn with the app's `TableState`: its
/// offset is the first row shown and its selection the row lit. Drawing
/// moves the offset when this frame's area (one the app has not been told
/// of yet) would leave the selection out of sight.
pub struct LayerTable<'a> {
    pub app: &'a App,
}

impl StatefulWidget for LayerTable<'_> {
    type State = TableState;

    fn render(self, area: Rect, buf: &mut Buffer, state: &mut TableState) {
        let visible = usize::from(area.height).saturating_sub(1).max(1);
        let selected = state.selected().unwrap_or(0);
        let mut top = state.offset();
        if selected < top {
            top = selected;
        } else if selected >= top + visible {
            top = selected + 1 - visible;
        }
        *state.offset_mut() = top.min(self.app.table_len().saturating_sub(visible));
        render(self.app, state, area, buf);
    }
}

fn render(app: &App, state: &TableState, area: Rect, buf: &mut Buffer) {
    let t = app.session.theme;
    let visible = usize::from(area.height).saturating_sub(1).max(1);
    let top = state.offset();
    let end = (top + visible).min(app.table_len());
    let selected = state.selected().unwrap_or(0);
    // The tree's lines on screen only.
    let rows = app.table_rows(top..end);
    let on_screen = rows.iter().filter_map(|r| match r {
        TableRow::Line(i) => Some(*i),
        _ => None,
    });
    let (first, last) = on_screen.fold((usize::MAX, 0), |(lo, hi), i| (lo.min(i), hi.max(i)));
    let lines = if first <= last {
        app.lines_in(first..last + 1)
    } else {
        Vec::new()
    };
    let shown: Vec<Shown> = rows
        .into_iter()
        .map(|r| shown(app, r, &lines, first))
        .collect();

    let comparing = app.baseline.is_some();
    let mut columns: Vec<usize> = (0..if comparing { 7 } else { 6 }).collect();
    let width = |c: usize| {
        let widest = shown
            .iter()
            .map(|s| {
                if c < 6 {
                    crate::text::width(&s.cells[c])
                } else {
                    s.versus.width()
                }
            })
            .max()
            .unwrap_or(0);
        u16::try_from(widest.max(crate::text::width(&headers()[c]))).unwrap_or(u16::MAX)
    };
    // A narrow terminal loses the receptive field, then the MACs, before a
    // label or a status is cut: what is left must fit with room for the
    // status (the detail pane has it whole, and `e` goes there).
    let remark = shown.iter().map(|s| crate::text::width(&s.remark)).max();
    let room = usize::from(area.width);
    for less_important in [5, 4] {
        let used: usize = columns
            .iter()
            .map(|&c| usize::from(width(c)) + SPACING)
            .sum();
        if used + remark.unwrap_or(0).min(REMARK_ROOM) > room {
            columns.retain(|&c| c != less_important);
        }
    }
    let mut constraints: Vec<Constraint> = columns
        .iter()
        .map(|&c| Constraint::Length(width(c)))
        .collect();
    constraints.push(Constraint::Fill(1));

    let right = |s: &str| Cell::from(Line::from(s.to_string()).right_aligned());
    let rows = shown.into_iter().enumerate().map(|(n, s)| {
        let style = if top + n == selected {
            s.style.patch(t.selected)
        } else {
            s.style
        };
        let mut versus = Some(s.versus);
        let mut cells: Vec<Cell> = columns
            .iter()
            .map(|&c| {
                let cell = match c {
                    6 => Cell::from(versus.take().unwrap_or_default()),
                    0 | 3 | 4 => right(&s.cells[c]),
                    // The tree's guides stay plain; the label itself lights up.
                    1 if s.found.is_some() => {
                        let text = &s.cells[1];
                        let start = text.len()
                            - text
                                .trim_start_matches(|ch: char| !ch.is_alphanumeric())
                                .len();
                        let (guides, label) = text.split_at(start);
                        Cell::from(Line::from(vec![
                            Span::raw(guides.to_string()),
                            Span::styled(label.to_string(), s.found.unwrap_or_default()),
                        ]))
                    }
                    _ => Cell::from(s.cells[c].clone()),
                };
                match s.cell_styles.get(c).copied().flatten() {
                    Some(style) => cell.style(style),
                    None => cell,
                }
            })
            .collect();
        cells.push(Cell::from(s.remark));
        Row::new(cells).style(style)
    });
    let names = headers();
    let header = Row::new(columns.iter().map(|&c| match c {
        0 | 3 | 4 => right(&names[c]),
        _ => Cell::from(names[c].clone()),
    }))
    .style(t.header_row);
    // Only the rows on screen were made: the table draws them all.
    let table = Table::new(rows, constraints)
        .header(header)
        .column_spacing(SPACING as u16);
    Widget::render(table, area, buf);
}

/// How a row's status reads and colours it.
fn status_look(t: &Theme, row: &Computed) -> (Style, String) {
    match row.status {
        Status::Ok => (t.text, String::new()),
        Status::Warning(d) => (t.warning, format!("! {}", crate::words::dropped(&d))),
        Status::Error(p) => (t.error, format!("✗ {}", crate::words::problem(&p))),
        Status::Unreachable => (t.unreachable, "—".to_string()),
    }
}

/// `◆ 69% of the params over budget` on the top-level layer that holds the
/// most of a resource whose budget is exceeded (params or MACs), else nothing.
fn heaviest_mark(app: &App, index: usize) -> Option<String> {
    let (net, analysis) = (app.net(), app.analysis());
    let budget = net.budget;
    let totals = &analysis.totals;
    let over = |limit: Option<u64>, used: Option<u64>| limit.zip(used).is_some_and(|(l, u)| u > l);
    // What is counted, whether over, what each row holds of it, the total.
    type Resource = (
        &'static str,
        bool,
        fn(&crate::engine::Row) -> Option<u64>,
        Option<u64>,
    );
    // Called for every row on screen: the whole network's memory is walked
    // only when there is a memory budget to hold it to.
    let memory = budget
        .memory
        .and_then(|_| crate::memory::memory(net, analysis, Default::default()))
        .map(|m| m.total);
    let resources: [Resource; 3] = [
        (
            "params",
            over(budget.params, totals.params),
            |r| r.params,
            totals.params,
        ),
        (
            "macs",
            over(budget.macs, totals.macs),
            |r| r.macs,
            totals.macs,
        ),
        // A layer's weight on memory: its weights and what it reads and
        // writes, in fp32 as the footer counts.
        (
            "memory",
            over(budget.memory, memory),
            |r| {
                let io = r.input?.elements()?.checked_add(r.output?.elements()?)?;
                r.params?.checked_add(io)?.checked_mul(4)
            },
            memory,
        ),
    ];
    for (what, exceeded, of, total) in resources {
        if !exceeded {
            continue;
        }
        let most = (0..analysis.rows.len()).max_by_key(|&i| of(&analysis.rows[i]).unwrap_or(0))?;
        if most == index {
            // Counts go up to 2^64: the share is taken in u128.
            let share = 100 * u128::from(of(&analysis.rows[index])?) / u128::from(total?.max(1));
            return Some(t!("table-heaviest", share = share.to_string(), what = what));
        }
    }
    None
}

/// A layer the search matches has its label lit up.
fn found(app: &App, layer: &Layer, shown: &mut Shown) {
    if let Some(query) = app.search_query()
        && crate::tui::find::matches(layer, &query)
    {
        shown.found = Some(app.session.theme.found);
    }
}

/// What table row `row` shows; `lines` are the tree's lines from line `first` on.
fn shown(app: &App, row: TableRow, lines: &[TreeLine], first: usize) -> Shown {
    let t = app.session.theme;
    match row {
        TableRow::Line(i) => {
            let Some(line) = i.checked_sub(first).and_then(|i| lines.get(i)) else {
                return Shown::default();
            };
            match &line.item {
                Item::Layer { path, layer, row } => {
                    let (style, remark) = status_look(t, row);
                    let label = format!("{}{}", line.guides, layer.label());
                    let versus = match (&app.baseline, &path[..]) {
                        (Some(b), &[index]) => {
                            let base = b.base_of.get(index).copied().flatten();
                            versus_cell(app, index, base, row, layer)
                        }
                        _ => Line::default(),
                    };
                    let mut shown = Shown {
                        cells: layer_cells(&app.net().path_label(path), &label, row),
                        style,
                        remark,
                        versus,
                        ..Default::default()
                    };
                    found(app, layer, &mut shown);
                    // Over a budget: the layer that weighs most on it says so.
                    if let (&[index], true) = (&path[..], shown.remark.is_empty())
                        && let Some(mark) = heaviest_mark(app, index)
                    {
                        shown.remark = mark;
                        shown.cell_styles[3] = Some(t.error);
                    }
                    if let Some(quiz) = &app.quiz {
                        if path.len() == 1 {
                            quizzed(&mut shown, quiz, path[0], t);
                        } else if QuizCell::BOTH.iter().any(|&c| quiz.hides(path[0], c)) {
                            // Inside a container still asked about, nothing
                            // gives its answer away.
                            for col in 2..6 {
                                shown.cells[col] = "?".into();
                            }
                            shown.remark = String::new();
                            shown.style = t.text;
                        }
                    }
                    shown
                }
                Item::Branch { branch, layers, .. } => Shown {
                    cells: [
                        String::new(),
                        format!("{}{}", line.guides, branch_label(*branch, *layers)),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ],
                    style: t.muted,
                    ..Default::default()
                },
            }
        }
        TableRow::Input => {
            let (style, remark) = match super::input_trouble(app) {
                Some(why) => (t.error, why),
                None => (t.text, String::new()),
            };
            let versus = match &app.baseline {
                Some(b) if b.net.input != app.net().input => {
                    Line::styled(format!("{} → {}", b.net.input, app.net().input), t.changed)
                }
                _ => Line::default(),
            };
            Shown {
                cells: input_cells(app.net().input),
                versus,
                style,
                remark,
                ..Default::default()
            }
        }
        TableRow::Layer { index, base } => {
            let row = &app.analysis().rows[index];
            let layer = &app.net().layers[index];
            let (style, remark) = status_look(t, row);
            let versus = versus_cell(app, index, base, row, layer);
            let mut shown = Shown {
                cells: layer_cells(&(index + 1).to_string(), &layer.label(), row),
                versus,
                style,
                remark,
                ..Default::default()
            };
            found(app, layer, &mut shown);
            if let Some(quiz) = &app.quiz {
                quizzed(&mut shown, quiz, index, t);
            }
            shown
        }
        TableRow::Removed { base } => {
            // Removed rows only exist while a baseline is pinned.
            let Some(b) = &app.baseline else {
                return Shown::default();
            };
            let row = &b.analysis.rows[base];
            let mut spans = vec![Span::styled(t!("table-removed"), t.less)];
            if let Some(p) = row.params.filter(|&p| p > 0) {
                spans.push(Span::styled(
                    format!("  {}", signed(-i128::from(p))),
                    t.less,
                ));
            }
            let dash = || "—".to_string();
            Shown {
                cells: [
                    dash(),
                    b.net.layers[base].label(),
                    dash(),
                    dash(),
                    dash(),
                    dash(),
                ],
                versus: Line::from(spans),
                style: t.removed,
                ..Default::default()
            }
        }
    }
}

/// The "vs baseline" cell of top-level layer `index`, matched with
/// baseline layer `base` (`None`: added).
fn versus_cell(
    app: &App,
    index: usize,
    base: Option<usize>,
    row: &Computed,
    layer: &Layer,
) -> Line<'static> {
    let t = app.session.theme;
    match (&app.baseline, base) {
        (None, _) => Line::default(),
        (Some(_), None) => {
            let mut spans = vec![Span::styled(t!("table-added"), t.more)];
            if let Some(p) = row.params.filter(|&p| p > 0) {
                spans.push(Span::styled(format!("  {}", signed(i128::from(p))), t.more));
            }
            Line::from(spans)
        }
        (Some(b), Some(j)) => {
            let mut line = versus(
                t,
                delta(
                    (&b.net.layers[j], &b.analysis, j),
                    (layer, app.analysis(), index),
                ),
            );
            // Inside a changed container: which layers and branches.
            let base = &b.net.layers[j];
            if base.kind.is_container() && base != layer {
                let (bl, ol) = ((j + 1).to_string(), (index + 1).to_string());
                let inside = crate::report::diff::changes_inside(
                    (base, b.analysis.rows.get(j), &bl),
                    (layer, Some(row), &ol),
                );
                if !inside.is_empty() {
                    let shown: Vec<&str> = inside.iter().take(3).map(String::as_str).collect();
                    let more = if inside.len() > 3 { ", …" } else { "" };
                    line.spans.push(Span::styled(
                        format!("  {}: {}{more}", t!("table-inside"), shown.join(", ")),
                        t.changed,
                    ));
                }
            }
            line
        }
    }
}

/// In a quiz, a row still hiding a cell gives nothing away: no MACs, no
/// receptive field, no status or colour; answered cells show their verdict.
fn quizzed(shown: &mut Shown, quiz: &Quiz, index: usize, t: &Theme) {
    let (shape_hidden, params_hidden) = (
        quiz.hides(index, QuizCell::Output),
        quiz.hides(index, QuizCell::Params),
    );
    if shape_hidden || params_hidden {
        for col in [4, 5] {
            shown.cells[col] = "?".into();
        }
        shown.remark = String::new();
        shown.style = t.text;
        shown.versus = Line::default();
    }
    for (col, cell, hidden) in [
        (2, QuizCell::Output, shape_hidden),
        (3, QuizCell::Params, params_hidden),
    ] {
        if hidden {
            shown.cells[col] = "?".into();
        }
        shown.cell_styles[col] = match quiz.verdict(index, cell) {
            Some(Verdict::Right) => Some(t.good),
            Some(Verdict::Wrong { .. }) => Some(t.warning),
            None => None,
        };
    }
}

/// `12×12×6 → 14×14×6  +63,360`, coloured by the sign of the change.
fn versus(t: &Theme, d: Delta) -> Line<'static> {
    let mut spans = Vec::new();
    if let Some((before, after)) = d.shape {
        let shape = |s: Option<Shape>| s.map_or_else(|| "—".to_string(), |s| s.to_string());
        spans.push(Span::styled(
            format!("{} → {}", shape(before), shape(after)),
            t.changed,
        ));
    }
    if let Some(p) = d.params.filter(|&p| p != 0) {
        let style = if p > 0 { t.more } else { t.less };
        if !spans.is_empty() {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(signed(p), style));
    }
    if spans.is_empty() && d.settings_changed {
        spans.push(Span::styled(t!("table-changed"), t.changed));
    }
    Line::from(spans)
}

/// The footer's change of the total against the baseline, if any.
pub fn total_change(app: &App) -> Option<i128> {
    let b = app.baseline.as_ref()?;
    change(b.analysis.totals.params, app.analysis().totals.params)
}

fn input_cells(input: Shape) -> [String; 6] {
    let rf = match input {
        Shape::Image { .. } => "1×1 /1",
        _ => "",
    };
    [
        "0".into(),
        t!("table-input"),
        input.to_string(),
        String::new(),
        String::new(),
        rf.into(),
    ]
}

fn layer_cells(number: &str, label: &str, row: &Computed) -> [String; 6] {
    let dash = || "—".to_string();
    [
        number.to_string(),
        label.to_string(),
        row.output.map_or_else(dash, |s| s.to_string()),
        or_dash(row.params),
        or_dash(row.macs),
        row.shown_receptive_field()
            .map_or_else(dash, crate::words::receptive_field),
    ]
}
