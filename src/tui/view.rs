//! Drawing the explorer: `impl Widget for &App`. Header, layer table, detail
//! pane and footer, and the popups over them. Reads `App` and its `Analysis`
//! only; builds just the rows that are on screen.

use super::app::{AfterDiscard, App, Mode, PathPurpose};
use super::form::Form;
use super::keys::{self, HINT, KEYS};
use super::theme;

mod table;
use crate::engine::Status;
use crate::explain::explain;
use crate::layer::Kind;
use crate::network::Shape;
use crate::presets::PRESETS;
use crate::units::{bytes, or_dash, thousands};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Widget, Wrap};
use tui_input::Input;

/// Below this the layout cannot show a useful table.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

const DETAIL_HEIGHT: u16 = 7;

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            too_small(area, buf);
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
        match &self.mode {
            Mode::Table => {}
            Mode::Help { scroll } => render_help(*scroll, area, buf),
            Mode::Add { choice } => {
                let items = Kind::ALL
                    .iter()
                    .map(|k| (k.name().to_string(), k.description().to_string()));
                let title = match self.selected {
                    0 => " Add a layer at the top ".to_string(),
                    n => format!(" Add a layer after layer {n} "),
                };
                render_list(&title, items.collect(), *choice, area, buf);
            }
            Mode::Open { choice } => {
                let mut items: Vec<(String, String)> = PRESETS
                    .iter()
                    .map(|p| (p.name.to_string(), p.about.to_string()))
                    .collect();
                items.push((
                    "a file…".to_string(),
                    "type the path of an architecture file".to_string(),
                ));
                render_list(" Open ", items, *choice, area, buf);
            }
            Mode::Edit(form) => render_form(form, area, buf),
            Mode::Path { purpose, input } => {
                let title = match purpose {
                    PathPurpose::SaveAs => " Save as ",
                    PathPurpose::OpenFile => " Open file ",
                };
                render_path(title, input, area, buf);
            }
            Mode::Discard { then } => render_discard(*then, area, buf),
            Mode::Fix {
                layer,
                fixes,
                choice,
            } => render_fixes(*layer, fixes, *choice, area, buf),
        }
    }
}

fn too_small(area: Rect, buf: &mut Buffer) {
    let text = vec![
        Line::styled("The terminal is too small for layerlab.", theme::ERROR),
        Line::raw(format!(
            "It needs {MIN_WIDTH}×{MIN_HEIGHT}; this one is {}×{}.",
            area.width, area.height
        )),
        Line::raw("Enlarge the window, or press q to quit."),
    ];
    Paragraph::new(text)
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

fn render_header(app: &App, area: Rect, buf: &mut Buffer) {
    let dirty = if app.is_dirty() { "*" } else { "" };
    let source = match (&app.path, &app.preset) {
        (Some(p), _) => format!("{}{dirty}", p.display()),
        (None, Some(name)) => format!("preset {name}{dirty}"),
        (None, None) => format!("not saved{dirty}"),
    };
    let kernels = match app.net.kernels {
        crate::network::Kernels::Full => "full (PyTorch/Keras)",
        crate::network::Kernels::Shared => "shared (problem set)",
    };
    let sep = || Span::styled("  │  ", theme::BORDER);
    let mut spans = vec![
        Span::styled(format!(" {}", app.net.name), theme::TITLE),
        sep(),
        Span::raw(source),
        sep(),
        Span::raw(format!("input {}", app.net.input)),
    ];
    if let (Some(min), Shape::Image { h, w, .. }) = (app.min_input, app.net.input) {
        let style = if h < min.h || w < min.w {
            theme::ERROR
        } else {
            theme::MUTED
        };
        spans.push(Span::styled(
            format!(" (fits from {}×{})", min.h, min.w),
            style,
        ));
    }
    spans.extend([sep(), Span::raw(format!("kernels: {kernels}"))]);
    if let Some(b) = &app.baseline {
        spans.extend([
            sep(),
            Span::styled(
                format!(
                    "baseline: {} ({})",
                    b.net.name,
                    or_dash(b.analysis.totals.params)
                ),
                theme::CHANGED,
            ),
        ]);
    }
    Line::from(spans).render(area, buf);
}

fn render_detail(app: &App, area: Rect, buf: &mut Buffer) {
    let label = |s: &'static str| Span::styled(format!("{s:<13}"), theme::MUTED);
    let (title, lines) = match app.selected_layer() {
        None => {
            let lines = vec![
                Line::from(vec![label("input"), Span::raw(shape_words(app.net.input))]),
                Line::from(vec![
                    label(""),
                    Span::styled(
                        "Enter edits the input shape and the network's name",
                        theme::MUTED,
                    ),
                ]),
            ];
            (" Input ".to_string(), lines)
        }
        Some(i) => {
            let layer = &app.net.layers[i];
            let row = &app.analysis.rows[i];
            let why = explain(layer, row, app.net.kernels);
            let shape = |s: Option<Shape>| s.map_or_else(|| "—".to_string(), |s| s.to_string());
            let mut lines = vec![Line::from(vec![
                label("shape"),
                Span::raw(format!("{} → {}", shape(row.input), shape(row.output))),
                Span::styled(
                    row.receptive_field
                        .map_or(String::new(), |rf| format!("    receptive field {rf}")),
                    theme::MUTED,
                ),
            ])];
            match row.status {
                Status::Error(p) => lines.push(Line::from(vec![
                    label("broken"),
                    Span::styled(format!("✗ {p}"), theme::ERROR),
                ])),
                Status::Warning(d) => lines.push(Line::from(vec![
                    label("note"),
                    Span::styled(format!("! {d}"), theme::WARNING),
                ])),
                Status::Unreachable => lines.push(Line::from(vec![
                    label("unreachable"),
                    Span::styled(
                        format!(
                            "layer {} above is broken, so this one has no input",
                            app.analysis.error_at.map_or(0, |e| e + 1)
                        ),
                        theme::UNREACHABLE,
                    ),
                ])),
                Status::Ok => {}
            }
            for (n, s) in why.size.iter().enumerate() {
                lines.push(Line::from(vec![
                    label(if n == 0 { "output size" } else { "" }),
                    Span::styled(s.clone(), theme::FORMULA),
                ]));
            }
            lines.push(Line::from(vec![
                label("parameters"),
                Span::styled(why.params, theme::FORMULA),
            ]));
            (format!(" Layer {} · {} ", i + 1, layer.label()), lines)
        }
    };
    Paragraph::new(lines)
        .block(
            Block::bordered()
                .border_style(theme::BORDER)
                .padding(Padding::horizontal(1))
                .title(Span::styled(title, theme::TITLE)),
        )
        .render(area, buf);
}

fn shape_words(shape: Shape) -> String {
    match shape {
        Shape::Image { c, h, w } => format!(
            "{shape}: {h} high, {w} wide, {c} channel{}",
            if c == 1 { "" } else { "s" }
        ),
        Shape::Flat(n) => format!("a flat vector of {n}"),
    }
}

fn render_footer(app: &App, area: Rect, buf: &mut Buffer) {
    let [totals, hint] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    let t = &app.analysis.totals;
    let line = match (t.params, app.analysis.error_at) {
        (Some(p), _) => Line::from(vec![
            Span::styled(format!(" Total params: {}", thousands(p)), theme::TOTAL),
            match table::total_change(app) {
                Some(d) => Span::styled(
                    format!(" ({})", crate::compare::signed(d)),
                    if d > 0 {
                        theme::MORE
                    } else if d < 0 {
                        theme::LESS
                    } else {
                        theme::MUTED
                    },
                ),
                None => Span::raw(""),
            },
            Span::raw(format!("   MACs {}", or_dash(t.macs))),
            Span::styled(
                format!(
                    "   weights {}   activations {}",
                    t.weight_bytes.map_or("—".to_string(), bytes),
                    t.activation_bytes.map_or("—".to_string(), bytes)
                ),
                theme::MUTED,
            ),
        ]),
        (None, Some(i)) => Line::from(vec![
            Span::styled(" Total params: —", theme::TOTAL),
            Span::styled(
                format!("   ✗ layer {} cannot be computed", i + 1),
                theme::ERROR,
            ),
        ]),
        (None, None) => Line::styled(" Total params: —", theme::TOTAL),
    };
    line.render(totals, buf);
    let bottom = match &app.message {
        Some(m) => Line::styled(
            format!(" {}", m.text),
            if m.is_error {
                theme::ERROR
            } else {
                theme::GOOD
            },
        ),
        None => {
            let mut spans = vec![Span::raw(" ")];
            for (action, word) in HINT {
                spans.push(Span::styled(keys::key_for(*action), theme::KEY));
                spans.push(Span::styled(format!(" {word}  "), theme::MUTED));
            }
            Line::from(spans)
        }
    };
    bottom.render(hint, buf);
}

/// A centred box of at most `width` × `height`, cleared, with a border.
fn popup(title: &str, width: u16, height: u16, area: Rect, buf: &mut Buffer) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [r] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(v);
    Clear.render(r, buf);
    let block = Block::bordered()
        .border_style(theme::BORDER)
        .title(Span::styled(title.to_string(), theme::TITLE));
    let inner = block.inner(r);
    block.render(r, buf);
    inner
}

fn render_help(scroll: usize, area: Rect, buf: &mut Buffer) {
    let key_width = KEYS
        .iter()
        .map(|b| b.label.chars().count())
        .max()
        .unwrap_or(0)
        + 2;
    let mut lines: Vec<Line> = KEYS
        .iter()
        .map(|b| {
            Line::from(vec![
                Span::styled(format!(" {:<key_width$}", b.label), theme::KEY),
                Span::raw(b.help),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        " In forms: Tab/Shift+Tab move between fields, Enter applies, Esc cancels.",
        theme::MUTED,
    ));
    lines.push(Line::styled(
        " Mouse: click a row to select it, scroll to move.   Any other key closes this help.",
        theme::MUTED,
    ));
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let inner = popup(" Keys ", 88, height, area, buf);
    let room = usize::from(inner.height);
    let hidden = lines.len().saturating_sub(room);
    let scroll = scroll.min(hidden);
    if hidden > 0 {
        let more = format!(
            " ↑↓ scroll: {}–{} of {} ",
            scroll + 1,
            scroll + room,
            lines.len()
        );
        let border_row = Rect {
            y: inner.bottom(),
            height: 1,
            ..inner
        };
        Line::styled(more, theme::KEY)
            .right_aligned()
            .render(border_row, buf);
    }
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(room).collect();
    Paragraph::new(shown).render(inner, buf);
}

fn render_list(
    title: &str,
    items: Vec<(String, String)>,
    choice: usize,
    area: Rect,
    buf: &mut Buffer,
) {
    let name_width = items
        .iter()
        .map(|(n, _)| n.chars().count())
        .max()
        .unwrap_or(0)
        + 2;
    let height = u16::try_from(items.len())
        .unwrap_or(u16::MAX)
        .saturating_add(4);
    let inner = popup(title, 76, height, area, buf);
    let mut lines: Vec<Line> = items
        .into_iter()
        .enumerate()
        .map(|(i, (name, about))| {
            let style = if i == choice {
                theme::SELECTED
            } else {
                theme::TEXT
            };
            Line::from(vec![
                Span::styled(format!(" {name:<name_width$}"), style.patch(theme::TITLE)),
                Span::styled(about, style),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        " ↑↓ choose   Enter take   Esc cancel",
        theme::MUTED,
    ));
    Paragraph::new(lines).render(inner, buf);
}

/// A text box's line: the text with the cursor shown as a reversed cell.
fn input_line(input: &Input, width: usize, focused: bool) -> Line<'static> {
    let scroll = input.visual_scroll(width.saturating_sub(1));
    let text: String = input.value().chars().skip(scroll).collect();
    if !focused {
        return Line::raw(text);
    }
    let cursor = input.visual_cursor().saturating_sub(scroll);
    let before: String = text.chars().take(cursor).collect();
    let at: String = text
        .chars()
        .nth(cursor)
        .map_or(" ".to_string(), |c| c.to_string());
    let after: String = text.chars().skip(cursor + 1).collect();
    Line::from(vec![
        Span::raw(before),
        Span::styled(at, theme::SELECTED),
        Span::raw(after),
    ])
}

fn render_form(form: &Form, area: Rect, buf: &mut Buffer) {
    let label_width = form
        .entries
        .iter()
        .map(|e| e.label.len())
        .max()
        .unwrap_or(0)
        + 2;
    let mut lines = Vec::new();
    for (i, e) in form.entries.iter().enumerate() {
        let focused = i == form.focus;
        let marker = if focused { "›" } else { " " };
        let label_style = if e.error.is_some() {
            theme::ERROR
        } else if focused {
            theme::KEY
        } else {
            theme::MUTED
        };
        let mut spans = vec![Span::styled(
            format!("{marker} {:<label_width$}", e.label),
            label_style,
        )];
        let field = input_line(&e.input, 40, focused);
        let field_style = if e.error.is_some() {
            theme::ERROR
        } else {
            Style::new()
        };
        spans.extend(field.spans.into_iter().map(|s| {
            let style = field_style.patch(s.style);
            s.style(style)
        }));
        lines.push(Line::from(spans));
        if let Some(err) = &e.error {
            lines.push(Line::styled(
                format!("  {:<label_width$}✗ {err}", ""),
                theme::ERROR,
            ));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        " Tab next field   Enter apply   Esc cancel",
        theme::MUTED,
    ));
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let inner = popup(&format!(" {} ", form.title), 78, height, area, buf);
    Paragraph::new(lines).render(inner, buf);
}

fn render_path(title: &str, input: &Input, area: Rect, buf: &mut Buffer) {
    let inner = popup(title, 70, 5, area, buf);
    let mut field = vec![Span::styled(" path  ", theme::KEY)];
    field.extend(input_line(input, 58, true).spans);
    let lines = vec![
        Line::from(field),
        Line::raw(""),
        Line::styled(" Enter confirm   Esc cancel", theme::MUTED),
    ];
    Paragraph::new(lines).render(inner, buf);
}

fn render_discard(then: AfterDiscard, area: Rect, buf: &mut Buffer) {
    let question = match then {
        AfterDiscard::Quit => "Quit and lose the unsaved changes?",
        AfterDiscard::Open => "Open another network and lose the unsaved changes?",
    };
    let inner = popup(" Unsaved changes ", 60, 6, area, buf);
    let text = Text::from(vec![
        Line::raw(format!(" {question}")),
        Line::raw(""),
        Line::from(vec![
            Span::styled(" y", theme::KEY),
            Span::raw(" discard them   "),
            Span::styled("n", theme::KEY),
            Span::raw(" stay   (then "),
            Span::styled(keys::key_for(keys::Action::Save), theme::KEY),
            Span::raw(" saves)"),
        ]),
    ]);
    Paragraph::new(text).render(inner, buf);
}

/// Each fix with what it leads to, tried before it is offered.
fn render_fixes(
    layer: usize,
    fixes: &[crate::fixes::Fix],
    choice: usize,
    area: Rect,
    buf: &mut Buffer,
) {
    let mut lines = Vec::new();
    for (i, fix) in fixes.iter().enumerate() {
        let style = if i == choice {
            theme::SELECTED
        } else {
            theme::TEXT
        };
        lines.push(Line::styled(
            format!(" {} ", fix.what),
            style.patch(theme::TITLE),
        ));
        lines.push(Line::styled(format!("   → {}", fix.effect), theme::GOOD));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        " ↑↓ choose   Enter apply (u undoes)   Esc cancel",
        theme::MUTED,
    ));
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let inner = popup(
        &format!(" Fixes for layer {} ", layer + 1),
        80,
        height,
        area,
        buf,
    );
    Paragraph::new(lines).render(inner, buf);
}
