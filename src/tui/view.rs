//! Drawing the explorer: `impl Widget for &App`. Header, layer table, detail
//! pane and footer, and the popups over them. Reads `App` and its `Analysis`
//! only; builds just the rows that are on screen.

use super::app::{App, Mode, PathPurpose};
use super::keys::{self, HINT};
use super::modes::OpenEntry;
use super::theme::Theme;
use super::tree::Selection;
use super::whatif::EXPORTS;
use crate::tui::quiz::QuizCell;

pub(super) mod memory;
pub use popups::{list_entry_at, scroll_fit};
mod graph;
pub mod picture;
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
use ratatui::widgets::{Block, Padding, Paragraph, StatefulWidget, Widget, Wrap};

/// Below this the layout cannot show a useful table.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// The detail pane's height when its lines fit (it grows when they do not).
const DETAIL_HEIGHT: u16 = 7;

/// Table rows (with its header) that a growing detail pane leaves.
const MIN_TABLE_ROWS: u16 = 6;

impl Widget for &App {
    /// Draws in the session's language.
    fn render(self, area: Rect, buf: &mut Buffer) {
        crate::lang::scoped(self.session.lang, || draw(self, area, buf));
        if self.session.ascii {
            // One pass over what was drawn: every symbol, whichever part of
            // the screen drew it, becomes its ASCII stand-in of one cell.
            let mut before = ' ';
            for cell in buf.content.iter_mut() {
                let symbol = cell.symbol();
                let first = symbol.chars().next().unwrap_or(' ');
                if !symbol.is_ascii() {
                    let ascii: String = symbol
                        .chars()
                        .map(|c| crate::ascii::after(before, c))
                        .collect();
                    cell.set_symbol(&ascii);
                }
                before = first;
            }
        }
    }
}

/// Where the parts of the screen go for `app` on `area`, with what the
/// detail pane and the footer's message hold: what a frame draws, and what
/// the keys that page and the mouse read (`App::page`), so that nothing
/// drawn has to be remembered.
pub struct Screen {
    pub header: Rect,
    /// The table, its header row included.
    pub table: Rect,
    pub detail: Rect,
    pub footer: Rect,
    title: String,
    lines: Vec<Line<'static>>,
    message: Option<Vec<Line<'static>>>,
}

/// `None` on a terminal too small for the app.
pub fn screen(app: &App, area: Rect) -> Option<Screen> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    // The detail pane grows to hold every line of its explanation, wrapped,
    // as far as the table keeps a few rows.
    // An open form takes the detail pane's place, so the table above it
    // shows what the form would make as it is typed.
    let form = match &app.mode {
        Mode::Edit(form) => Some(form),
        _ => None,
    };
    let (title, lines) = match form {
        Some(form) => (String::new(), popups::form_lines(app.session.theme, form)),
        None => detail(app),
    };
    let lines = match form {
        Some(_) => lines,
        None => wrapped(lines, usize::from(area.width.saturating_sub(4))),
    };
    // A message is read whole: the footer grows to hold it, wrapped, down
    // to a table of three rows and a detail pane of one; past that its
    // last line sends the reader to `M`.
    let room_for_message = area.height.saturating_sub(1 + 4 + 3 + 1).max(1);
    let message = message_lines(app, area.width, usize::from(room_for_message));
    let footer_height = 1 + u16::try_from(message.as_ref().map_or(1, Vec::len)).unwrap_or(1);
    let most = area
        .height
        .saturating_sub(1 + footer_height + MIN_TABLE_ROWS)
        .max(3);
    let needed = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let detail_height = needed.clamp(DETAIL_HEIGHT.min(most), most);
    let [header, table, detail, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(detail_height),
        Constraint::Length(footer_height),
    ])
    .areas(area);
    Some(Screen {
        header,
        table: table.inner(Margin::new(1, 0)),
        detail,
        footer,
        title,
        lines,
        message,
    })
}

fn draw(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(Screen {
        header,
        table,
        detail: detail_area,
        footer,
        title,
        lines,
        message,
    }) = screen(app, area)
    else {
        too_small(app.session.theme, area, buf);
        return;
    };
    let form = match &app.mode {
        Mode::Edit(form) => Some(form),
        _ => None,
    };
    render_header(app, header, buf);
    if app.graph_shown() {
        graph::render(app, table, buf);
    } else {
        let mut state = app.table_state();
        state.select(Some(app.selected_row()));
        table::LayerTable { app }.render(table, buf, &mut state);
    }
    match form {
        Some(form) => popups::FormPane {
            theme: app.session.theme,
            form,
            previewing: app.preview.is_some(),
        }
        .render(detail_area, buf),
        None => render_detail(app.session.theme, &title, lines, detail_area, buf),
    }
    render_footer(app, message, footer, buf);
    let t = app.session.theme;
    match &app.mode {
        // Their prompt is the footer's last line.
        Mode::Table | Mode::Search { .. } | Mode::GoTo { .. } => {}
        Mode::View(view) => {
            // Over the table and the detail pane; the header and footer stay.
            let over = Rect {
                y: area.y + 1,
                height: area.height.saturating_sub(3),
                ..area
            };
            picture::render(app, view, over, buf);
        }
        Mode::Help(help) => popups::HelpPopup { theme: t, help }.render(area, buf),
        Mode::Messages(state) => popups::MessagesPopup {
            theme: t,
            messages: app.messages(),
            state: *state,
        }
        .render(area, buf),
        Mode::Memory(fits) => memory::render(app, fits, t, area, buf),
        Mode::Add(list) => {
            let items = Kind::iter().map(|k| (k.name().to_string(), k.description().to_string()));
            let title = match app.selection() {
                Selection::Input => t!("view-add-a-layer-at-the").to_string(),
                Selection::Layer(p) => {
                    t!("view-add-a-layer-after-layer", n = app.net().path_label(&p))
                }
                Selection::Branch { branch, .. } => {
                    t!("view-add-a-layer-to-branch", n = (branch + 1).to_string())
                }
            };
            popups::ListPopup {
                theme: t,
                title,
                items: items.collect(),
                list: *list,
            }
            .render(area, buf);
        }
        Mode::Open { list, files } => {
            let items = super::modes::open_entries(files)
                .iter()
                .map(|e| {
                    let what = match e {
                        OpenEntry::File(_) => t!("view-in-this-folder"),
                        OpenEntry::Empty => t!("view-only-an-input-row"),
                        OpenEntry::Preset(name) => PRESETS
                            .iter()
                            .find(|p| p.name == *name)
                            .map_or(String::new(), |p| p.describe().to_string()),
                        OpenEntry::Path => t!("view-type-the-path-of-an"),
                    };
                    (e.name(), what)
                })
                .collect();
            popups::ListPopup {
                theme: t,
                title: t!("view-open"),
                items,
                list: *list,
            }
            .render(area, buf);
        }
        // Drawn in the detail pane's place, above.
        Mode::Edit(_) => {}
        Mode::ImportInput { path, input, .. } => {
            let name = path
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned());
            let title = format!(
                " {} ",
                t!("view-import-input", path = visible(&name).into_owned())
            );
            popups::PathPopup {
                theme: t,
                title,
                label: Some(t!("view-import-input-label")),
                input,
            }
            .render(area, buf);
        }
        Mode::Path { purpose, input } => {
            let title = match purpose {
                PathPurpose::SaveAs => t!("view-save-as"),
                PathPurpose::OpenFile => t!("view-open-file"),
            };
            popups::PathPopup {
                theme: t,
                title,
                label: None,
                input,
            }
            .render(area, buf);
        }
        Mode::Discard { then } => {
            let quiz = (app.quiz.as_ref())
                .filter(|q| q.has_answers())
                .map(super::quiz::score);
            popups::DiscardPopup {
                theme: t,
                then: *then,
                quiz,
            }
            .render(area, buf)
        }
        Mode::Answer(form) => popups::AnswerPopup { theme: t, form }.render(area, buf),
        Mode::Overwrite { why, .. } => popups::OverwritePopup { theme: t, why }.render(area, buf),
        Mode::Export(list) => {
            let items = EXPORTS
                .iter()
                .map(|e| {
                    let (name, what) = e.describe();
                    (name.to_string(), what.to_string())
                })
                .collect();
            popups::ListPopup {
                theme: t,
                title: t!("view-export"),
                items,
                list: *list,
            }
            .render(area, buf);
        }
        Mode::Fix { layer, fixes, list } => popups::FixesPopup {
            theme: t,
            layer: app.net().path_label(layer),
            fixes,
            list: *list,
        }
        .render(area, buf),
    }
}

fn too_small(t: &Theme, area: Rect, buf: &mut Buffer) {
    let text = vec![
        Line::styled(t!("view-the-terminal-is-too-small"), t.error),
        Line::raw(format!(
            "{} {MIN_WIDTH}×{MIN_HEIGHT}; {} {}×{}.",
            t!("view-it-needs"),
            t!("view-this-one-is"),
            area.width,
            area.height
        )),
        Line::raw(t!("view-enlarge-the-window-or-press")),
    ];
    Paragraph::new(text)
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

/// The header: name, where it came from, the input, the convention, and
/// the quiz score and baseline when there are any. On a narrow terminal it
/// tries shorter forms, from the least to the most costly, and drops facts
/// only when words are as short as they go; the score and baseline stay.
fn render_header(app: &App, area: Rect, buf: &mut Buffer) {
    let width = usize::from(area.width);
    let line = (0..HEADER_FORMS)
        .map(|form| header_line(app, form))
        .find(|l| l.width() <= width)
        .unwrap_or_else(|| header_line(app, HEADER_FORMS - 1));
    line.render(area, buf);
}

/// How many forms `header_line` has, widest first.
const HEADER_FORMS: usize = 5;

/// The header in form `form`: 0 is the widest; 1 has narrower separators;
/// 2 shorter words; 3 leaves out where the network came from; 4 also the
/// kernel convention.
fn header_line(app: &App, form: usize) -> Line<'static> {
    let t = app.session.theme;
    let dirty = if app.is_dirty() { "*" } else { "" };
    let source = match (&app.doc().path(), &app.doc().preset()) {
        (Some(p), _) => format!("{}{dirty}", visible(&p.display().to_string())),
        (None, Some(name)) if form >= 2 => format!("{name}{dirty}"),
        (None, Some(name)) => format!("{} {name}{dirty}", t!("view-preset")),
        (None, None) => format!("{}{dirty}", t!("view-not-saved")),
    };
    let kernels = match (app.net().kernels, form >= 2) {
        (crate::network::Kernels::Full, false) => t!("view-full-pytorch-keras"),
        (crate::network::Kernels::Shared, false) => t!("view-shared-problem-set"),
        (crate::network::Kernels::Full, true) => t!("view-full"),
        (crate::network::Kernels::Shared, true) => t!("view-shared"),
    };
    let gap = if form == 0 { "  │  " } else { " │ " };
    let sep = || Span::styled(gap, t.border);
    let mut spans = vec![Span::styled(
        format!(" {}", visible(&app.net().name)),
        t.title,
    )];
    if form < 3 {
        spans.extend([sep(), Span::raw(source)]);
    }
    spans.extend([
        sep(),
        Span::raw(format!("{} {}", t!("view-input"), app.net().input)),
    ]);
    // In a quiz, where the network breaks is an answer.
    let quizzing = app.quiz_hides_any();
    let near = app.doc().near_inputs();
    if !near.is_empty() && !quizzing {
        // Its layers take smaller inputs, but not this one: say which do.
        let sizes: Vec<String> = near
            .iter()
            .map(|s| crate::smallest::size_text(*s))
            .collect();
        spans.push(Span::styled(
            format!(" ({})", t!("view-works-at", sizes = sizes.join(", "))),
            t.error,
        ));
    } else if let Some(min) = app.doc().min_input().filter(|_| !quizzing) {
        let style = if crate::smallest::too_small(app.net().input, min) {
            t.error
        } else {
            t.muted
        };
        let fits = if form >= 2 {
            t!("view-fits-from-short")
        } else {
            t!("view-fits-from")
        };
        spans.push(Span::styled(
            format!(" ({fits} {})", crate::smallest::size_text(min)),
            style,
        ));
    }
    if form < 4 {
        spans.extend([
            sep(),
            Span::raw(format!("{}: {kernels}", t!("view-kernels"))),
        ]);
    }
    if let Some(quiz) = &app.quiz {
        spans.extend([sep(), Span::styled(crate::tui::quiz::score(quiz), t.key)]);
    }
    if let Some(b) = &app.baseline {
        let word = if form >= 2 {
            t!("view-baseline-short")
        } else {
            format!("{}:", t!("view-baseline"))
        };
        spans.extend([
            sep(),
            Span::styled(
                format!(
                    "{word} {} ({})",
                    visible(&b.net.name),
                    or_dash(b.analysis.totals.params)
                ),
                t.changed,
            ),
        ]);
    }
    Line::from(spans)
}

/// The detail pane's lines wrapped to `width`: each line is a label column
/// (its first span) and words; words that do not fit go on to lines of
/// their own under the words, not under the label.
fn wrapped(lines: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for line in lines {
        let mut spans = line.spans.into_iter();
        let Some(label) = spans.next() else {
            out.push(Line::default());
            continue;
        };
        let indent = crate::text::width(&label.content);
        let room = width.saturating_sub(indent).max(8);
        let mut current = vec![label];
        let mut used = 0;
        for span in spans {
            // Words keep their spaces so the text reads as it was written;
            // one wider than the line (a long path) is broken where it must.
            let words = span
                .content
                .split_inclusive(' ')
                .flat_map(|w| pieces(w, room));
            for word in words {
                let len = crate::text::width(&word);
                let bare = crate::text::width(word.trim_end());
                if used > 0 && used + bare > room {
                    out.push(Line::from(std::mem::take(&mut current)));
                    current.push(Span::raw(" ".repeat(indent)));
                    used = 0;
                }
                current.push(Span::styled(word, span.style));
                used += len;
            }
        }
        out.push(Line::from(current));
    }
    out
}

/// `word` in pieces of at most `room` cells (one piece when it fits).
fn pieces(word: &str, room: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut piece = String::new();
    let mut used = 0;
    for c in word.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > room && used > 0 && c != ' ' {
            out.push(std::mem::take(&mut piece));
            used = 0;
        }
        piece.push(c);
        used += w;
    }
    out.push(piece);
    out
}

fn render_detail(t: &Theme, title: &str, lines: Vec<Line>, area: Rect, buf: &mut Buffer) {
    Paragraph::new(lines)
        .block(
            Block::bordered()
                .border_style(t.border)
                .padding(Padding::horizontal(1))
                .title(Span::styled(title.to_string(), t.title)),
        )
        .render(area, buf);
}

/// Why the input row is red, when it is: smaller than every layer takes,
/// or a size the network breaks at though its layers take smaller ones.
/// Nothing during a quiz (where it breaks is an answer).
pub(super) fn input_trouble(app: &App) -> Option<String> {
    if app.quiz_hides_any() {
        return None;
    }
    let input = app.net().input;
    let near = app.doc().near_inputs();
    if !near.is_empty() {
        let at = app.analysis().error_at.map_or(0, |i| i + 1);
        let sizes: Vec<String> = near
            .iter()
            .map(|s| crate::smallest::size_text(*s))
            .collect();
        return Some(t!(
            "view-input-breaks",
            input = crate::smallest::size_text(input),
            layer = at.to_string(),
            sizes = sizes.join(", ")
        ));
    }
    let min = app.doc().min_input()?;
    crate::smallest::too_small(input, min).then(|| {
        t!(
            "table-smaller-than-the-smallest-input",
            min = crate::smallest::size_text(min)
        )
    })
}

/// The detail pane's title and lines for the selected row, before wrapping.
fn detail(app: &App) -> (String, Vec<Line<'static>>) {
    let t = app.session.theme;
    let label = |s: String| Span::styled(crate::text::pad(&s, 13), t.muted);
    let selected = app.selected_path();
    let top_level = selected.as_ref().filter(|p| p.len() == 1).map(|p| p[0]);
    let (title, lines) = match (selected, top_level) {
        (None, _) => {
            let lines = vec![
                Line::from(vec![
                    label(t!("view-input")),
                    Span::raw(shape_words(app.net())),
                ]),
                Line::from(vec![
                    label(String::new()),
                    Span::styled(t!("view-enter-edits-the-input-shape"), t.muted),
                ]),
            ];
            let lines = match input_trouble(app) {
                Some(why) => {
                    let mut l = vec![Line::from(vec![
                        label(t!("view-broken")),
                        Span::styled(why, t.error),
                    ])];
                    l.extend(lines);
                    l
                }
                None => lines,
            };
            (t!("view-input-2").to_string(), lines)
        }
        (Some(_), Some(i))
            if app
                .quiz
                .as_ref()
                .is_some_and(|q| QuizCell::BOTH.iter().any(|&c| q.hides(i, c))) =>
        {
            let lines = vec![
                Line::from(vec![
                    label(t!("view-quiz")),
                    Span::styled(t!("view-what-is-this-layer-s"), t.key),
                ]),
                Line::from(vec![
                    label(String::new()),
                    Span::styled(t!("view-enter-to-answer-the-formulas"), t.muted),
                ]),
            ];
            (
                format!(
                    " {} {} · {} ",
                    t!("view-layer"),
                    i + 1,
                    app.net().layers[i].label()
                ),
                lines,
            )
        }
        (Some(path), _) => {
            let (Some(layer), Some(row)) =
                (app.net().layer_at(&path), app.analysis().row_at(&path))
            else {
                return (String::new(), Vec::new());
            };
            let why = explain(layer, row, app.net().kernels);
            let shape = |s: Option<Shape>| s.map_or_else(|| "—".to_string(), |s| s.to_string());
            let mut lines = vec![Line::from(vec![
                label(t!("view-shape")),
                Span::raw(format!("{} → {}", shape(row.input), shape(row.output))),
                Span::styled(
                    row.output
                        .map(|s| crate::words::axes(layer.kind, s))
                        .filter(|a| {
                            matches!(row.output, Some(Shape::Matrix { .. })) && !a.is_empty()
                        })
                        .map_or(String::new(), |a| format!("  ({a})")),
                    t.muted,
                ),
                Span::styled(
                    row.shown_receptive_field().map_or(String::new(), |rf| {
                        let rf = crate::words::receptive_field(rf);
                        format!("    {} {rf}", t!("view-receptive-field"))
                    }),
                    t.muted,
                ),
            ])];
            match row.status {
                Status::Error(p) => lines.push(Line::from(vec![
                    label(t!("view-broken")),
                    Span::styled(format!("✗ {}", crate::words::problem(&p)), t.error),
                ])),
                Status::Warning(d) => lines.push(Line::from(vec![
                    label(t!("view-note")),
                    Span::styled(format!("! {}", crate::words::dropped(&d)), t.warning),
                ])),
                Status::Unreachable => lines.push(Line::from(vec![
                    label(t!("view-unreachable")),
                    Span::styled(
                        {
                            let n = app.analysis().error_at.map_or(0, |e| e + 1);
                            t!("view-layer-n-above-is-broken", n = n.to_string())
                        },
                        t.unreachable,
                    ),
                ])),
                Status::Ok => {}
            }
            for (n, s) in why.size.iter().enumerate() {
                lines.push(Line::from(vec![
                    label(if n == 0 {
                        t!("view-output-size")
                    } else {
                        String::new()
                    }),
                    Span::styled(s.clone(), t.formula),
                ]));
            }
            lines.push(Line::from(vec![
                label(t!("view-parameters")),
                Span::styled(why.params, t.formula),
            ]));
            if let Some(macs) = why.macs {
                lines.push(Line::from(vec![
                    label(t!("view-macs-formula")),
                    Span::styled(macs, t.formula),
                ]));
            }
            if let Some(keeps) = why.keeps {
                lines.push(Line::from(vec![
                    label(t!("view-training-keeps")),
                    Span::styled(keeps, t.muted),
                ]));
            }
            (
                format!(
                    " {} {} · {} ",
                    t!("view-layer"),
                    app.net().path_label(&path),
                    layer.label()
                ),
                lines,
            )
        }
    };
    (title, lines)
}

fn shape_words(net: &crate::network::Network) -> String {
    let shape = net.input;
    let tokens = net
        .layers
        .first()
        .is_some_and(|l| l.kind == crate::layer::Kind::Embedding);
    match shape {
        Shape::Flat(n) if tokens => t!("view-token-ids", n = crate::units::thousands(n)),
        Shape::Image { c, h, w } => t!(
            "view-shape-words",
            shape = shape.to_string(),
            h = h,
            w = w,
            c = c
        ),
        Shape::Flat(n) => t!("view-a-flat-vector-of-n", n = n.to_string()),
        other => other.reading(),
    }
}

/// The footer's budget: each limit's use, red when over (fp32, inference,
/// batch 1, as the footer counts memory).
pub(super) fn budget_spans(app: &App, t: &Theme) -> Vec<Span<'static>> {
    let fit = crate::report::Fit {
        setting: crate::memory::Setting::default(),
        budget: app.net().budget,
    };
    let mut spans = Vec::new();
    for u in fit.uses(app.net(), app.analysis()) {
        let amount = |n: u64| {
            if u.what == "memory" {
                bytes(n)
            } else {
                thousands(n)
            }
        };
        let used = u.used.map_or("—".to_string(), amount);
        let mark = if u.ok { "✓" } else { "✗" };
        spans.push(Span::styled(
            format!("   {} {}/{} {mark}", u.what, used, amount(u.limit)),
            if u.ok { t.good } else { t.error },
        ));
    }
    spans
}

/// The search or go-to prompt, as `less` and vim draw theirs: `/dense▏`,
/// with what Enter and Esc do.
fn prompt_line(t: &Theme, prompt: Option<(&str, &tui_input::Input)>, width: u16) -> Line<'static> {
    let Some((sign, input)) = prompt else {
        return Line::default();
    };
    let hint = keys::hint(
        keys::FORM_KEYS,
        &[
            (keys::FormAction::Apply, "word-confirm"),
            (keys::FormAction::Cancel, "word-cancel"),
        ],
    );
    let room = usize::from(width).saturating_sub(crate::text::width(&hint) + 4);
    let mut spans = vec![Span::styled(format!(" {sign}"), t.key)];
    spans.extend(popups::input_line(t, input, room.max(8), true).spans);
    let used: usize = spans.iter().map(|s| crate::text::width(&s.content)).sum();
    spans.push(Span::raw(" ".repeat(room.saturating_sub(used) + 2)));
    spans.push(Span::styled(hint, t.muted));
    Line::from(spans)
}

/// The footer's words, which tests and teachers look for.
fn total_params() -> String {
    t!("view-total-params")
}

/// How many forms `totals_line` has, widest first.
const TOTALS_FORMS: usize = 4;

/// The totals in form `form`: 0 is the widest; 1 has narrower gaps; 2 gives
/// memory as one figure (weights and activations); 3 leaves memory to the
/// budget and the `m` view.
/// `m` is the footer's memory and `budget` its budget spans, computed once
/// a frame however many forms are tried.
fn totals_line(
    app: &App,
    form: usize,
    m: Option<&crate::memory::Memory>,
    budget: &[Span<'static>],
) -> Line<'static> {
    let t = app.session.theme;
    let gap = if form == 0 { "   " } else { "  " };
    let totals = app.analysis().totals;
    let hidden = app
        .quiz
        .as_ref()
        .is_some_and(|q| q.hides_any(app.net().layers.len()));
    match (totals.params, app.analysis().error_at) {
        _ if hidden => Line::styled(t!("view-total-params-the-quiz-is"), t.total),
        (Some(p), _) => {
            let total = crate::units::params_with_active(p, totals.active_params);
            let mut spans = vec![Span::styled(
                format!(" {}: {total}", total_params()),
                t.total,
            )];
            if let Some(d) = table::total_change(app) {
                let style = match d.signum() {
                    1 => t.more,
                    -1 => t.less,
                    _ => t.muted,
                };
                spans.push(Span::styled(
                    format!(" ({})", crate::compare::signed(d)),
                    style,
                ));
            }
            spans.push(Span::raw(format!(
                "{gap}{} {}",
                t!("view-macs"),
                or_dash(totals.macs)
            )));
            let part =
                |f: fn(&crate::memory::Memory) -> u64| m.map_or("—".to_string(), |m| bytes(f(m)));
            let memory = match form {
                0 | 1 => format!(
                    "{gap}{} {}{gap}{} {}",
                    t!("view-weights"),
                    part(|m| m.weights),
                    t!("view-activations"),
                    part(|m| m.activations)
                ),
                2 => format!("{gap}{} {}", t!("view-memory"), part(|m| m.total)),
                _ => String::new(),
            };
            spans.push(Span::styled(memory, t.muted));
            spans.extend(budget.iter().cloned());
            Line::from(spans)
        }
        (None, Some(i)) => Line::from(vec![
            Span::styled(format!(" {}: —", total_params()), t.total),
            Span::styled(
                t!("view-layer-cannot-be-computed", a1 = (i + 1).to_string()),
                t.error,
            ),
        ]),
        (None, None) => Line::styled(format!(" {}: —", total_params()), t.total),
    }
}

/// The message under the totals, wrapped to `width`, in at most `room`
/// lines (the last then says that `M` reads the rest); `None` when there is
/// none, or when a prompt has the line.
fn message_lines(app: &App, width: u16, room: usize) -> Option<Vec<Line<'static>>> {
    let m = app.message.as_ref()?;
    if matches!(app.mode, Mode::Search { .. } | Mode::GoTo { .. }) {
        return None;
    }
    let t = app.session.theme;
    let style = if m.is_error { t.error } else { t.good };
    let line = Line::from(vec![Span::raw(" "), Span::styled(m.text.clone(), style)]);
    let mut lines = wrapped(vec![line], usize::from(width.saturating_sub(2)));
    if lines.len() > room {
        lines.truncate(room.saturating_sub(1));
        lines.push(Line::styled(
            format!(" {}", t!("view-message-goes-on")),
            t.key,
        ));
    }
    Some(lines)
}

fn render_footer(app: &App, message: Option<Vec<Line>>, area: Rect, buf: &mut Buffer) {
    let t = app.session.theme;
    let [totals_area, hint] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let width = usize::from(totals_area.width);
    // As `summary` counts it by default: fp32, inference, batch 1; once,
    // however many forms are tried.
    let m = crate::memory::memory(app.net(), app.analysis(), crate::memory::Setting::default());
    let budget = budget_spans(app, app.session.theme);
    let line = (0..TOTALS_FORMS)
        .map(|form| totals_line(app, form, m.as_ref(), &budget))
        .find(|l| l.width() <= width)
        .unwrap_or_else(|| totals_line(app, TOTALS_FORMS - 1, m.as_ref(), &budget));
    let prompt = match &app.mode {
        Mode::Search { input } => Some(("/", input)),
        Mode::GoTo { input } => Some((":", input)),
        _ => None,
    };
    // A refused go-to keeps its prompt open and says why on the line above.
    match &app.message {
        Some(m) if prompt.is_some() => Line::styled(format!(" {}", m.text), t.error),
        _ => line,
    }
    .render(totals_area, buf);
    if let Some(lines) = message {
        Paragraph::new(lines).render(hint, buf);
        return;
    }
    let bottom = if prompt.is_some() {
        prompt_line(t, prompt, hint.width)
    } else {
        let mut spans = vec![Span::raw(" ")];
        for (action, id) in HINT {
            let word = crate::i18n::text(id);
            spans.push(Span::styled(keys::key_for(*action), t.key));
            spans.push(Span::styled(format!(" {word}  "), t.muted));
        }
        Line::from(spans)
    };
    bottom.render(hint, buf);
}
