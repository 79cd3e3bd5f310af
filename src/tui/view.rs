//! Drawing the explorer: `impl Widget for &App`. Header, layer table, detail
//! pane and footer, and the popups over them. Reads `App` and its `Analysis`
//! only; builds just the rows that are on screen.

use super::app::{App, Mode, PathPurpose};
use super::keys::{self, HINT};
use super::theme::Theme;
use super::whatif::EXPORTS;
use crate::lang::tr;
use crate::tui::quiz::QuizCell;

mod popups;
mod table;
use crate::engine::Status;
use crate::explain::explain;
use crate::layer::Kind;
use crate::network::Shape;
use crate::presets::PRESETS;
use crate::text::visible;
use crate::units::{bytes, or_dash, thousands};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph, Widget, Wrap};

/// Below this the layout cannot show a useful table.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

const DETAIL_HEIGHT: u16 = 7;

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            too_small(self.session.theme, area, buf);
            return;
        }
        let [header, table, detail, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(DETAIL_HEIGHT),
            Constraint::Length(2),
        ])
        .areas(area);
        render_header(self, header, buf);
        table::render(self, table.inner(Margin::new(1, 0)), buf);
        render_detail(self, detail, buf);
        render_footer(self, footer, buf);
        let t = self.session.theme;
        match &self.mode {
            Mode::Table => {}
            Mode::Help { scroll } => popups::render_help(t, *scroll, area, buf),
            Mode::Add { choice } => {
                let items = Kind::ALL
                    .iter()
                    .map(|k| (k.name().to_string(), k.description().to_string()));
                let title = match self.selected {
                    0 => tr(" Add a layer at the top ", " Добавить слой в начало ").to_string(),
                    n => tr(
                        format!(" Add a layer after layer {n} "),
                        format!(" Добавить слой после слоя {n} "),
                    ),
                };
                popups::render_list(t, &title, items.collect(), *choice, area, buf);
            }
            Mode::Open { choice } => {
                let mut items: Vec<(String, String)> = PRESETS
                    .iter()
                    .map(|p| (p.name.to_string(), p.describe().to_string()))
                    .collect();
                items.push((
                    tr("a file…", "файл…").to_string(),
                    tr(
                        "type the path of an architecture file",
                        "введите путь к файлу архитектуры",
                    )
                    .to_string(),
                ));
                popups::render_list(t, tr(" Open ", " Открыть "), items, *choice, area, buf);
            }
            Mode::Edit(form) => popups::render_form(t, form, area, buf),
            Mode::Path { purpose, input } => {
                let title = match purpose {
                    PathPurpose::SaveAs => tr(" Save as ", " Сохранить как "),
                    PathPurpose::OpenFile => tr(" Open file ", " Открыть файл "),
                };
                popups::render_path(t, title, input, area, buf);
            }
            Mode::Discard { then } => {
                let quiz = (self.quiz.as_ref())
                    .filter(|q| q.has_answers())
                    .map(super::quiz::score);
                popups::render_discard(t, *then, quiz, area, buf)
            }
            Mode::Answer(form) => popups::render_answer(t, form, area, buf),
            Mode::Overwrite { why, .. } => popups::render_overwrite(t, why, area, buf),
            Mode::Export { choice } => {
                let items = EXPORTS
                    .iter()
                    .map(|e| {
                        let (name, what) = e.describe();
                        (name.to_string(), what.to_string())
                    })
                    .collect();
                popups::render_list(t, tr(" Export ", " Экспорт "), items, *choice, area, buf);
            }
            Mode::Fix {
                layer,
                fixes,
                choice,
            } => popups::render_fixes(t, *layer, fixes, *choice, area, buf),
        }
    }
}

fn too_small(t: &Theme, area: Rect, buf: &mut Buffer) {
    let text = vec![
        Line::styled(
            tr(
                "The terminal is too small for layerlab.",
                "Терминал слишком мал для layerlab.",
            ),
            t.error,
        ),
        Line::raw(format!(
            "{} {MIN_WIDTH}×{MIN_HEIGHT}; {} {}×{}.",
            tr("It needs", "Нужно"),
            tr("this one is", "а здесь"),
            area.width,
            area.height
        )),
        Line::raw(tr(
            "Enlarge the window, or press q to quit.",
            "Увеличьте окно или нажмите q, чтобы выйти.",
        )),
    ];
    Paragraph::new(text)
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

fn render_header(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.session.theme;
    let dirty = if app.is_dirty() { "*" } else { "" };
    let source = match (&app.doc().path(), &app.doc().preset()) {
        (Some(p), _) => format!("{}{dirty}", visible(&p.display().to_string())),
        (None, Some(name)) => format!("{} {name}{dirty}", tr("preset", "встроенная")),
        (None, None) => format!("{}{dirty}", tr("not saved", "не сохранена")),
    };
    let kernels = match app.net().kernels {
        crate::network::Kernels::Full => tr("full (PyTorch/Keras)", "полные (PyTorch/Keras)"),
        crate::network::Kernels::Shared => tr("shared (problem set)", "общие (задачник)"),
    };
    let sep = || Span::styled("  │  ", t.border);
    let mut spans = vec![
        Span::styled(format!(" {}", visible(&app.net().name)), t.title),
        sep(),
        Span::raw(source),
        sep(),
        Span::raw(format!("{} {}", tr("input", "вход"), app.net().input)),
    ];
    if let (Some(min), Shape::Image { h, w, .. }) = (app.doc().min_input(), app.net().input) {
        let style = if h < min.h || w < min.w {
            t.error
        } else {
            t.muted
        };
        spans.push(Span::styled(
            format!(" ({} {}×{})", tr("fits from", "подходит от"), min.h, min.w),
            style,
        ));
    }
    spans.extend([
        sep(),
        Span::raw(format!("{}: {kernels}", tr("kernels", "ядра"))),
    ]);
    if let Some(quiz) = &app.quiz {
        spans.extend([sep(), Span::styled(crate::tui::quiz::score(quiz), t.key)]);
    }
    if let Some(b) = &app.baseline {
        spans.extend([
            sep(),
            Span::styled(
                format!(
                    "{}: {} ({})",
                    tr("baseline", "база"),
                    visible(&b.net.name),
                    or_dash(b.analysis.totals.params)
                ),
                t.changed,
            ),
        ]);
    }
    Line::from(spans).render(area, buf);
}

fn render_detail(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.session.theme;
    let label = |s: &'static str| Span::styled(format!("{s:<13}"), t.muted);
    let (title, lines) = match app.selected_layer() {
        None => {
            let lines = vec![
                Line::from(vec![
                    label(tr("input", "вход")),
                    Span::raw(shape_words(app.net().input)),
                ]),
                Line::from(vec![
                    label(""),
                    Span::styled(
                        tr(
                            "Enter edits the input shape and the network's name",
                            "Enter меняет размер входа и имя сети",
                        ),
                        t.muted,
                    ),
                ]),
            ];
            (tr(" Input ", " Вход ").to_string(), lines)
        }
        Some(i)
            if app
                .quiz
                .as_ref()
                .is_some_and(|q| QuizCell::BOTH.iter().any(|&c| q.hides(i, c))) =>
        {
            let lines = vec![
                Line::from(vec![
                    label(tr("quiz", "викторина")),
                    Span::styled(
                        tr(
                            "What is this layer's output shape, and how many parameters has it?",
                            "Какого размера выход этого слоя и сколько у него параметров?",
                        ),
                        t.key,
                    ),
                ]),
                Line::from(vec![
                    label(""),
                    Span::styled(
                        tr(
                            "Enter to answer; the formulas show once you have.",
                            "Enter — ответить; формулы появятся после ответа.",
                        ),
                        t.muted,
                    ),
                ]),
            ];
            (
                format!(
                    " {} {} · {} ",
                    tr("Layer", "Слой"),
                    i + 1,
                    app.net().layers[i].label()
                ),
                lines,
            )
        }
        Some(i) => {
            let layer = &app.net().layers[i];
            let row = &app.analysis().rows[i];
            let why = explain(layer, row, app.net().kernels);
            let shape = |s: Option<Shape>| s.map_or_else(|| "—".to_string(), |s| s.to_string());
            let mut lines = vec![Line::from(vec![
                label(tr("shape", "размеры")),
                Span::raw(format!("{} → {}", shape(row.input), shape(row.output))),
                Span::styled(
                    row.receptive_field.map_or(String::new(), |rf| {
                        format!("    {} {rf}", tr("receptive field", "рецептивное поле"))
                    }),
                    t.muted,
                ),
            ])];
            match row.status {
                Status::Error(p) => lines.push(Line::from(vec![
                    label(tr("broken", "сломан")),
                    Span::styled(format!("✗ {p}"), t.error),
                ])),
                Status::Warning(d) => lines.push(Line::from(vec![
                    label(tr("note", "заметка")),
                    Span::styled(format!("! {d}"), t.warning),
                ])),
                Status::Unreachable => lines.push(Line::from(vec![
                    label(tr("unreachable", "недостижим")),
                    Span::styled(
                        {
                            let n = app.analysis().error_at.map_or(0, |e| e + 1);
                            tr(
                                format!("layer {n} above is broken, so this one has no input"),
                                format!("слой {n} выше сломан, поэтому у этого нет входа"),
                            )
                        },
                        t.unreachable,
                    ),
                ])),
                Status::Ok => {}
            }
            for (n, s) in why.size.iter().enumerate() {
                lines.push(Line::from(vec![
                    label(if n == 0 {
                        tr("output size", "выход")
                    } else {
                        ""
                    }),
                    Span::styled(s.clone(), t.formula),
                ]));
            }
            lines.push(Line::from(vec![
                label(tr("parameters", "параметры")),
                Span::styled(why.params, t.formula),
            ]));
            (
                format!(" {} {} · {} ", tr("Layer", "Слой"), i + 1, layer.label()),
                lines,
            )
        }
    };
    Paragraph::new(lines)
        .block(
            Block::bordered()
                .border_style(t.border)
                .padding(Padding::horizontal(1))
                .title(Span::styled(title, t.title)),
        )
        .render(area, buf);
}

fn shape_words(shape: Shape) -> String {
    match shape {
        Shape::Image { c, h, w } => tr(
            format!(
                "{shape}: {h} high, {w} wide, {c} channel{}",
                if c == 1 { "" } else { "s" }
            ),
            format!(
                "{shape}: высота {h}, ширина {w}, {c} {}",
                crate::lang::plural_ru(c, "канал", "канала", "каналов")
            ),
        ),
        Shape::Flat(n) => tr(format!("a flat vector of {n}"), format!("вектор длины {n}")),
    }
}

/// The footer's words, which tests and teachers look for.
fn total_params() -> &'static str {
    tr("Total params", "Всего параметров")
}

fn render_footer(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.session.theme;
    let [totals_area, hint] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    let totals = app.analysis().totals;
    let hidden = app
        .quiz
        .as_ref()
        .is_some_and(|q| q.hides_any(app.net().layers.len()));
    let line = match (totals.params, app.analysis().error_at) {
        _ if hidden => Line::styled(
            tr(
                " Total params: ?   (the quiz is on: Q ends it)",
                " Всего параметров: ?   (идёт викторина: Q — закончить)",
            ),
            t.total,
        ),
        (Some(p), _) => Line::from(vec![
            Span::styled(format!(" {}: {}", total_params(), thousands(p)), t.total),
            match table::total_change(app) {
                Some(d) => Span::styled(
                    format!(" ({})", crate::compare::signed(d)),
                    if d > 0 {
                        t.more
                    } else if d < 0 {
                        t.less
                    } else {
                        t.muted
                    },
                ),
                None => Span::raw(""),
            },
            Span::raw(format!("   {} {}", tr("MACs", "MAC"), or_dash(totals.macs))),
            Span::styled(
                format!(
                    "   {} {}   {} {}",
                    tr("weights", "веса"),
                    totals.weight_bytes.map_or("—".to_string(), bytes),
                    tr("activations", "активации"),
                    totals.activation_bytes.map_or("—".to_string(), bytes)
                ),
                t.muted,
            ),
        ]),
        (None, Some(i)) => Line::from(vec![
            Span::styled(format!(" {}: —", total_params()), t.total),
            Span::styled(
                tr(
                    format!("   ✗ layer {} cannot be computed", i + 1),
                    format!("   ✗ слой {} не вычисляется", i + 1),
                ),
                t.error,
            ),
        ]),
        (None, None) => Line::styled(format!(" {}: —", total_params()), t.total),
    };
    line.render(totals_area, buf);
    let bottom = match &app.message {
        Some(m) => Line::styled(
            format!(" {}", m.text),
            if m.is_error { t.error } else { t.good },
        ),
        None => {
            let mut spans = vec![Span::raw(" ")];
            for (action, en, ru) in HINT {
                let word = tr(en, ru);
                spans.push(Span::styled(keys::key_for(*action), t.key));
                spans.push(Span::styled(format!(" {word}  "), t.muted));
            }
            Line::from(spans)
        }
    };
    bottom.render(hint, buf);
}
