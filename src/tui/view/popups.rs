//! The popups over the table, a widget each: help, messages, lists, the
//! editing form, the path prompt, the questions, the fixes and the quiz's
//! answer. Their states and keys are in `tui::popup` (and `form`, `quiz`).

use super::super::app::{AfterDiscard, App, Mode};
use super::super::form::Form;
use super::super::keys::{self, ConfirmAction, FormAction, KEYS, ListAction};
use super::super::popup::{Help, List, Messages};
use super::super::quiz::{AnswerForm, QuizCell};
use super::super::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};
use tui_input::Input;

/// A centred box of at most `width` × `height`, cleared, with a border.
pub fn popup(
    t: &Theme,
    title: &str,
    width: u16,
    height: u16,
    area: Rect,
    buf: &mut Buffer,
) -> Rect {
    let r = centred(width, height, area);
    Clear.render(r, buf);
    let block = Block::bordered()
        .border_style(t.border)
        .title(Span::styled(title.to_string(), t.title));
    let inner = block.inner(r);
    block.render(r, buf);
    inner
}

/// Where a popup of `width` × `height` goes on `area`: in the middle.
fn centred(width: u16, height: u16, area: Rect) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [r] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(v);
    r
}

/// A popup of `lines` with a blank line and the key hint under them, as
/// tall as it needs.
fn boxed(
    t: &Theme,
    title: &str,
    width: u16,
    mut lines: Vec<Line>,
    hint: &str,
    area: Rect,
    buf: &mut Buffer,
) {
    lines.push(Line::raw(""));
    lines.push(Line::styled(hint.to_string(), t.muted));
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let inner = popup(t, title, width, height, area, buf);
    Paragraph::new(lines).render(inner, buf);
}

/// A keymap's rows for the help: keys and what they do.
fn entries<A>(map: &[keys::Binding<A>]) -> Vec<(&'static str, String)> {
    map.iter().map(|b| (b.label, b.describe())).collect()
}

/// The help's lines (those holding `find`, when it finds), its width and
/// its title.
fn help_text(t: &Theme, find: Option<&str>) -> (Vec<Line<'static>>, u16, String) {
    let key_width = (KEYS.iter().map(|b| b.label))
        .chain(keys::LIST_KEYS.iter().map(|b| b.label))
        .chain(keys::FORM_KEYS.iter().map(|b| b.label))
        .map(crate::text::width)
        .max()
        .unwrap_or(0)
        + 2;
    let mut lines: Vec<Line<'static>> = KEYS
        .iter()
        .map(|b| {
            Line::from(vec![
                Span::styled(format!(" {}", crate::text::pad(b.label, key_width)), t.key),
                Span::raw(b.describe()),
            ])
        })
        .collect();
    let mut section = |title: &str, rows: Vec<(&'static str, String)>| {
        lines.push(Line::raw(""));
        lines.push(Line::styled(format!(" {title}"), t.title));
        for (label, help) in rows {
            lines.push(Line::from(vec![
                Span::styled(format!(" {}", crate::text::pad(label, key_width)), t.key),
                Span::raw(help),
            ]));
        }
    };
    section(&t!("popups-in-lists"), entries(keys::LIST_KEYS));
    section(&t!("popups-in-forms-and-prompts"), entries(keys::FORM_KEYS));
    section(&t!("popups-in-questions"), entries(keys::CONFIRM_KEYS));
    section(&t!("popups-in-the-picture"), entries(keys::VIEW_KEYS));
    section(&t!("popups-in-this-help"), entries(keys::HELP_KEYS));
    lines.push(Line::raw(""));
    lines.push(Line::styled(t!("popups-mouse-click-a-row-to"), t.muted));
    let width = lines.iter().map(Line::width).max().unwrap_or(0) + 3;
    let width = u16::try_from(width).unwrap_or(u16::MAX);
    let title = match find {
        // Only the lines that hold what is typed, in any case.
        Some(text) => {
            let wanted = text.to_lowercase();
            lines.retain(|l| {
                let plain: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
                !plain.trim().is_empty() && plain.to_lowercase().contains(&wanted)
            });
            if lines.is_empty() {
                lines.push(Line::styled(
                    format!(" {}", t!("popups-help-nothing-found")),
                    t.muted,
                ));
            }
            format!(" {} /{text}▏ ", t!("popups-keys").trim())
        }
        None => t!("popups-keys"),
    };
    (lines, width, title)
}

/// The help (`?`): every keymap, scrolled, or the lines `/` finds.
pub struct HelpPopup<'a> {
    pub theme: &'a Theme,
    pub help: &'a Help,
}

impl Widget for HelpPopup<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let (lines, width, title) = help_text(t, self.help.find.as_deref());
        scrolling(t, &title, width, lines, self.help.scroll.0, area, buf);
    }
}

/// How many of a scrolling popup's lines show on `area`, and how many are
/// hidden: the help's or the messages', as `mode` has them (the keys that
/// scroll them go by it while the mode is out of the app); 0 for others.
pub fn scroll_fit(app: &App, mode: &Mode, area: Rect) -> (usize, usize) {
    let t = app.session.theme;
    let lines = match mode {
        Mode::Help(help) => help_text(t, help.find.as_deref()).0.len(),
        Mode::Messages(_) => message_text(t, app.messages(), area).0.len(),
        _ => 0,
    };
    fit(lines, area)
}

/// Of `lines` in a popup as tall as they are or as `area` lets it be: how
/// many show, and how many are hidden.
fn fit(lines: usize, area: Rect) -> (usize, usize) {
    let height = u16::try_from(lines)
        .unwrap_or(u16::MAX)
        .saturating_add(2)
        .min(area.height);
    let room = usize::from(height.saturating_sub(2));
    (room, lines.saturating_sub(room))
}

/// Every message of the session (`M`), oldest first, each wrapped in full;
/// errors in the error colour. Scrolls as the help does.
pub struct MessagesPopup<'a> {
    pub theme: &'a Theme,
    pub messages: &'a [crate::tui::app::Message],
    pub state: Messages,
}

impl Widget for MessagesPopup<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let (lines, width) = message_text(t, self.messages, area);
        let title = t!("popups-messages", n = self.messages.len().to_string());
        scrolling(t, &title, width, lines, self.state.scroll.0, area, buf);
    }
}

/// The messages wrapped to the popup's width on `area`, and that width.
fn message_text(
    t: &Theme,
    messages: &[crate::tui::app::Message],
    area: Rect,
) -> (Vec<Line<'static>>, u16) {
    let width = area.width.saturating_sub(4).min(110);
    let room = usize::from(width.saturating_sub(3));
    let mut lines = Vec::new();
    for m in messages {
        let style = if m.is_error { t.error } else { t.good };
        let line = Line::from(vec![Span::raw(" • "), Span::styled(m.text.clone(), style)]);
        lines.extend(super::wrapped(vec![line], room));
    }
    (lines, width)
}

/// A popup of `lines`, as tall as they are or as the screen lets it be,
/// scrolled down by `scroll` lines (see `fit`).
fn scrolling(
    t: &Theme,
    title: &str,
    width: u16,
    lines: Vec<Line>,
    scroll: usize,
    area: Rect,
    buf: &mut Buffer,
) {
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let inner = popup(t, title, width, height, area, buf);
    let (room, hidden) = fit(lines.len(), area);
    let scroll = scroll.min(hidden);
    if hidden > 0 {
        let more = format!(
            " ↑↓ PgUp PgDn {}: {}–{} {} {} ",
            t!("popups-scroll"),
            scroll + 1,
            scroll + room,
            t!("popups-of"),
            lines.len()
        );
        let border_row = Rect {
            y: inner.bottom(),
            height: 1,
            ..inner
        };
        Line::styled(more, t.key)
            .right_aligned()
            .render(border_row, buf);
    }
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(room).collect();
    Paragraph::new(shown).render(inner, buf);
}

const LIST_WIDTH: u16 = 76;

/// The first of `len` entries a list shows on `area` with `choice` chosen,
/// and how many it shows: as many as the screen holds (borders, a blank
/// line and the hint take four rows), scrolled so the choice is always in
/// sight: 36 kinds of layer do not fit on a 24-line terminal.
fn list_window(len: usize, choice: usize, area: Rect) -> (usize, usize) {
    let room = usize::from(area.height.saturating_sub(4)).max(1);
    let start = (choice + 1)
        .saturating_sub(room)
        .min(len.saturating_sub(room));
    (start, room)
}

/// The entry of a list of `len` (with `choice` chosen, drawn on `area`)
/// under the mouse at `column`, `row`.
pub fn list_entry_at(
    len: usize,
    choice: usize,
    area: Rect,
    column: u16,
    row: u16,
) -> Option<usize> {
    let (start, room) = list_window(len, choice, area);
    let shown = len.saturating_sub(start).min(room);
    let height = u16::try_from(shown + 2)
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let inner = Block::bordered().inner(centred(LIST_WIDTH, height, area));
    let inside = column >= inner.x && column < inner.right() && row >= inner.y;
    let line = usize::from(row.checked_sub(inner.y)?);
    (inside && line < shown).then_some(start + line)
}

/// A list to pick from: each entry's name and what it is, the chosen one
/// lit, scrolled to keep it in sight.
pub struct ListPopup<'a> {
    pub theme: &'a Theme,
    pub title: String,
    pub items: Vec<(String, String)>,
    pub list: List,
}

impl Widget for ListPopup<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let ListPopup {
            theme: t,
            title,
            items,
            list,
        } = self;
        render_list(t, &title, items, list.choice, area, buf);
    }
}

fn render_list(
    t: &Theme,
    title: &str,
    items: Vec<(String, String)>,
    choice: usize,
    area: Rect,
    buf: &mut Buffer,
) {
    let name_width = items
        .iter()
        .map(|(n, _)| crate::text::width(n))
        .max()
        .unwrap_or(0)
        + 2;
    let (start, room) = list_window(items.len(), choice, area);
    let lines: Vec<Line> = items
        .into_iter()
        .enumerate()
        .skip(start)
        .take(room)
        .map(|(i, (name, about))| {
            let style = if i == choice { t.selected } else { t.text };
            Line::from(vec![
                Span::styled(
                    format!(" {}", crate::text::pad(&name, name_width)),
                    style.patch(t.title),
                ),
                Span::styled(about, style),
            ])
        })
        .collect();
    let hint = keys::hint(
        keys::LIST_KEYS,
        &[
            (ListAction::Down, "word-choose"),
            (ListAction::Choose, "word-take"),
            (ListAction::Cancel, "word-cancel"),
        ],
    );
    boxed(t, title, LIST_WIDTH, lines, &hint, area, buf);
}

/// A text box's line: the text with the cursor shown as a reversed cell.
/// The cursor stays in sight: as much before it as fits, then what follows.
/// Only the part on screen is measured (walking back from the cursor), so a
/// long field costs no more to draw than a short one; tui-input's
/// `visual_scroll` measures the whole value, several times a frame.
pub(super) fn input_line(t: &Theme, input: &Input, width: usize, focused: bool) -> Line<'static> {
    use unicode_width::UnicodeWidthChar;
    let cells = |c: char| c.width().unwrap_or(0);
    let value = input.value();
    let at = value
        .char_indices()
        .nth(input.cursor())
        .map_or(value.len(), |(i, _)| i);
    let (before, after) = value.split_at(at);
    let room = width.saturating_sub(1);
    let (mut used, mut start) = (0, before.len());
    for (i, c) in before.char_indices().rev() {
        if used + cells(c) > room {
            break;
        }
        used += cells(c);
        start = i;
    }
    let mut left = width.saturating_sub(used);
    let shown_after: String = after
        .chars()
        .take_while(|&c| {
            let fits = cells(c) <= left;
            left = left.saturating_sub(cells(c));
            fits
        })
        .collect();
    let before = before[start..].to_string();
    if !focused {
        return Line::raw(before + &shown_after);
    }
    let mut rest = shown_after.chars();
    let at = rest.next().map_or(" ".to_string(), |c| c.to_string());
    Line::from(vec![
        Span::raw(before),
        Span::styled(at, t.selected),
        Span::raw(rest.collect::<String>()),
    ])
}

/// The form's lines: a field a line (a choice between `‹ ›`), each error
/// or note under its field, then a blank line and the keys.
pub fn form_lines(t: &Theme, form: &Form) -> Vec<Line<'static>> {
    let label_width = form
        .entries
        .iter()
        .map(|e| crate::text::width(&e.label))
        .max()
        .unwrap_or(0)
        + 2;
    let mut lines = Vec::new();
    for (i, e) in form.entries.iter().enumerate() {
        let focused = i == form.focus;
        let marker = if focused { "›" } else { " " };
        let label_style = if e.error.is_some() {
            t.error
        } else if focused {
            t.key
        } else {
            t.muted
        };
        let mut spans = vec![Span::styled(
            format!("{marker} {}", crate::text::pad(&e.label, label_width)),
            label_style,
        )];
        if e.choices.is_empty() {
            let field = input_line(t, &e.input, 40, focused);
            let field_style = if e.error.is_some() {
                t.error
            } else {
                Style::new()
            };
            spans.extend(field.spans.into_iter().map(|s| {
                let style = field_style.patch(s.style);
                s.style(style)
            }));
        } else {
            let value = format!("‹ {} ›", e.input.value());
            let style = if focused { t.selected } else { Style::new() };
            spans.push(Span::styled(value, style));
            if focused {
                let n = e.choices.len();
                let at = e.choices.iter().position(|c| c == e.input.value());
                spans.push(Span::styled(
                    format!("  {}/{n}", at.map_or(0, |a| a + 1)),
                    t.muted,
                ));
            }
        }
        lines.push(Line::from(spans));
        if let Some(err) = &e.error {
            lines.push(Line::styled(
                format!("  {:<label_width$}✗ {err}", ""),
                t.error,
            ));
        } else if let Some(note) = &e.note {
            lines.push(Line::styled(
                format!("  {:<label_width$}= {note}", ""),
                t.muted,
            ));
        }
    }
    let on_choice = form.on_choice();
    let mut words = vec![(FormAction::Next, "word-next-field")];
    if on_choice {
        words.push((FormAction::NextChoice, "word-next-choice"));
    }
    words.extend([
        (FormAction::Apply, "word-apply"),
        (FormAction::Cancel, "word-cancel"),
    ]);
    let hint = keys::hint(keys::FORM_KEYS, &words);
    lines.push(Line::raw(""));
    lines.push(Line::styled(hint, t.muted));
    lines
}

/// The form in `area`, which is as tall as its lines (it takes the detail
/// pane's place, so the table above shows the change as it is typed).
/// `previewing`: the table shows the change, which the title says.
pub struct FormPane<'a> {
    pub theme: &'a Theme,
    pub form: &'a Form,
    pub previewing: bool,
}

impl Widget for FormPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        render_form(self.theme, self.form, self.previewing, area, buf);
    }
}

fn render_form(t: &Theme, form: &Form, previewing: bool, area: Rect, buf: &mut Buffer) {
    Clear.render(area, buf);
    let title = if previewing {
        format!(" {} · {} ", form.title, t!("popups-previewed"))
    } else {
        format!(" {} ", form.title)
    };
    let block = Block::bordered()
        .border_style(t.key)
        .padding(ratatui::widgets::Padding::horizontal(1))
        .title(Span::styled(title, t.title));
    let inner = block.inner(area);
    block.render(area, buf);
    Paragraph::new(form_lines(t, form)).render(inner, buf);
}

/// A one-line prompt: `label` (a path, by default) and its text box.
pub struct PathPopup<'a> {
    pub theme: &'a Theme,
    pub title: String,
    pub label: Option<String>,
    pub input: &'a Input,
}

impl Widget for PathPopup<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let label = self.label.as_deref();
        render_path(self.theme, &self.title, label, self.input, area, buf);
    }
}

fn render_path(
    t: &Theme,
    title: &str,
    label: Option<&str>,
    input: &Input,
    area: Rect,
    buf: &mut Buffer,
) {
    let inner = popup(t, title, 70, 5, area, buf);
    let label = label.map_or_else(|| t!("popups-path"), str::to_string);
    let mut field = vec![Span::styled(label, t.key)];
    field.extend(input_line(t, input, 58, true).spans);
    let lines = vec![
        Line::from(field),
        Line::raw(""),
        Line::styled(
            keys::hint(
                keys::FORM_KEYS,
                &[
                    (FormAction::Apply, "word-confirm"),
                    (FormAction::Cancel, "word-cancel"),
                ],
            ),
            t.muted,
        ),
    ];
    Paragraph::new(lines).render(inner, buf);
}

/// Unsaved changes would be lost: quit or open anyway, stay, or save
/// first. `quiz` is the score of a quiz in progress, which leaving would
/// lose too.
pub struct DiscardPopup<'a> {
    pub theme: &'a Theme,
    pub then: AfterDiscard,
    pub quiz: Option<String>,
}

impl Widget for DiscardPopup<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        render_discard(self.theme, self.then, self.quiz, area, buf);
    }
}

fn render_discard(
    t: &Theme,
    then: AfterDiscard,
    quiz: Option<String>,
    area: Rect,
    buf: &mut Buffer,
) {
    let question = match then {
        AfterDiscard::Quit => t!("popups-quit-and-lose-what-is"),
        AfterDiscard::Open => t!("popups-open-another-network-and-lose"),
    };
    let lost = match quiz {
        Some(score) => t!("popups-the-quiz-score-ends-with", score = score.to_string()),
        None => String::new(),
    };
    let inner = popup(t, &t!("popups-unsaved-changes"), 60, 6, area, buf);
    let text = Text::from(vec![
        Line::raw(format!(" {question}")),
        Line::raw(lost),
        Line::from(vec![
            Span::styled(
                format!(" {}", keys::key_in(keys::CONFIRM_KEYS, ConfirmAction::Yes)),
                t.key,
            ),
            Span::raw(t!("popups-discard-them")),
            Span::styled(keys::key_in(keys::CONFIRM_KEYS, ConfirmAction::No), t.key),
            Span::raw(t!("popups-stay")),
            Span::styled(
                keys::key_in(keys::CONFIRM_KEYS, ConfirmAction::SaveFirst),
                t.key,
            ),
            Span::raw(match then {
                AfterDiscard::Quit => t!("popups-save-and-quit"),
                AfterDiscard::Open => t!("popups-save-and-open"),
            }),
        ]),
    ]);
    Paragraph::new(text).render(inner, buf);
}

/// A write that would replace a file: `why` says which, `y`/`n` decide.
pub struct OverwritePopup<'a> {
    pub theme: &'a Theme,
    pub why: &'a str,
}

impl Widget for OverwritePopup<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        render_overwrite(self.theme, self.why, area, buf);
    }
}

fn render_overwrite(t: &Theme, why: &str, area: Rect, buf: &mut Buffer) {
    let lines: Vec<Line> = wrap_words(why, 74)
        .into_iter()
        .map(|l| Line::raw(format!(" {l}")))
        .collect();
    let title = t!("popups-replace-a-file");
    let hint = keys::hint(
        keys::CONFIRM_KEYS,
        &[
            (ConfirmAction::Yes, "word-replace"),
            (ConfirmAction::No, "word-write-nothing"),
        ],
    );
    boxed(t, &title, 78, lines, &hint, area, buf);
}

/// `text` in lines of at most `width` characters, broken at spaces (a word
/// longer than a line, such as a long path, is cut).
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let last = lines.last_mut().expect("starts with one line");
        let len = crate::text::width(last);
        if len > 0 && len + 1 + crate::text::width(word) > width {
            lines.push(String::new());
        }
        let last = lines.last_mut().expect("at least one line");
        if !last.is_empty() {
            last.push(' ');
        }
        last.push_str(word);
    }
    lines
}

/// Each fix with what it leads to, tried before it is offered; `layer`
/// names the broken layer ("" for the input row).
pub struct FixesPopup<'a> {
    pub theme: &'a Theme,
    pub layer: String,
    pub fixes: &'a [crate::fixes::Fix],
    pub list: List,
}

impl Widget for FixesPopup<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let choice = self.list.choice;
        render_fixes(self.theme, &self.layer, self.fixes, choice, area, buf);
    }
}

fn render_fixes(
    t: &Theme,
    layer: &str,
    fixes: &[crate::fixes::Fix],
    choice: usize,
    area: Rect,
    buf: &mut Buffer,
) {
    let mut lines = Vec::new();
    for (i, fix) in fixes.iter().enumerate() {
        let style = if i == choice { t.selected } else { t.text };
        lines.push(Line::styled(
            format!(" {} ", fix.what),
            style.patch(t.title),
        ));
        lines.push(Line::styled(format!("   → {}", fix.effect), t.good));
    }
    let hint = keys::hint(
        keys::LIST_KEYS,
        &[
            (ListAction::Down, "word-choose"),
            (ListAction::Choose, "word-apply-undoable"),
            (ListAction::Cancel, "word-cancel"),
        ],
    );
    // The input row's fixes have no layer to name.
    let title = match layer {
        "" => format!(" {} ", t!("popups-fixes-for-the-input")),
        _ => format!(" {} {} ", t!("popups-fixes-for-layer"), layer),
    };
    boxed(t, &title, 80, lines, &hint, area, buf);
}

/// The quiz answer form: a box for each hidden cell of the row.
pub struct AnswerPopup<'a> {
    pub theme: &'a Theme,
    pub form: &'a AnswerForm,
}

impl Widget for AnswerPopup<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        render_answer(self.theme, self.form, area, buf);
    }
}

fn render_answer(t: &Theme, form: &AnswerForm, area: Rect, buf: &mut Buffer) {
    let mut lines = Vec::new();
    for (i, (cell, input)) in form.entries.iter().enumerate() {
        let focused = i == form.focus;
        let label = match cell {
            QuizCell::Output => t!("popups-output-shape"),
            QuizCell::Params => t!("popups-parameters"),
        };
        let mut spans = vec![Span::styled(
            format!(
                "{} {}",
                if focused { "›" } else { " " },
                crate::text::pad(&label, 14)
            ),
            if focused { t.key } else { t.muted },
        )];
        spans.extend(input_line(t, input, 30, focused).spans);
        lines.push(Line::from(spans));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        t!("popups-shapes-as-the-table-writes"),
        t.muted,
    ));
    let hint = keys::hint(
        keys::FORM_KEYS,
        &[
            (FormAction::Next, "word-next"),
            (FormAction::Apply, "word-check"),
            (FormAction::Cancel, "word-cancel"),
        ],
    );
    let title = format!(
        " {} {} ",
        t!("popups-your-answer-for-layer"),
        form.layer + 1
    );
    boxed(t, &title, 64, lines, &hint, area, buf);
}
