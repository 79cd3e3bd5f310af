//! The graph view (`g`): the network drawn in the table's place as boxes
//! and lines, top to bottom — where a merge's branches leave and join,
//! which the table can only indent. Laid out by `crate::graph`, as the SVG
//! diagram is; drawn here in character cells. The selection is the
//! table's: the view keeps the selected layer's box in sight (centred when
//! the graph is larger than the screen) and lights it up; folded
//! containers are one box, as in the table; a broken layer is red with its
//! reason and the layers after it grey. The ASCII pass over the frame
//! turns the lines into `+ - |`.

use super::super::app::App;
use super::super::theme::Theme;
use super::super::tree::Selection;
use crate::graph::{self, Edge, Layout, Metrics, Place, State, Text};
use crate::text::width;
use crate::units::thousands;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// How wide a box's text may run before its reason wraps.
const MOST: usize = 40;

/// The lines inside a node's box (its label is in the top border).
fn inside(text: &Text, state: State) -> Vec<String> {
    let mut lines = match (state, &text.shape) {
        (State::Fine, Some(shape)) => vec![match text.params {
            Some(p) => format!("{shape} · {}", thousands(p)),
            None => shape.clone(),
        }],
        (State::Broken, _) => {
            let reason = text.reason.as_deref().unwrap_or_default();
            let line = Line::from(vec![Span::raw(""), Span::raw(format!("✗ {reason}"))]);
            super::wrapped(vec![line], MOST)
                .iter()
                .map(|l| l.to_string().trim_end().to_string())
                .collect()
        }
        _ => vec!["—".to_string()],
    };
    if let Some(n) = &text.note {
        lines.push(n.clone());
    }
    lines
}

/// The cells the parts of the graph take.
fn metrics() -> Metrics<'static> {
    Metrics {
        node: &|text, state| {
            let lines = inside(text, state);
            let inner = lines
                .iter()
                .map(|l| width(l))
                .chain([width(&text.label) + 2])
                .max()
                .unwrap_or(0);
            let w = i64::try_from(inner + 4).unwrap_or(i64::MAX / 4);
            let h = i64::try_from(lines.len() + 2).unwrap_or(i64::MAX / 4);
            (w, h)
        },
        title: &|t| i64::try_from(width(t) + 2).unwrap_or(i64::MAX / 4),
        step: 1,
        gap: 2,
        frame_side: 2,
        frame_top: 1,
        frame_bottom: 1,
        title_dx: 2,
        identity: 1,
        max_depth: usize::MAX,
    }
}

/// The graph of what `app` shows, folded as its table is.
pub fn layout(app: &App) -> Layout {
    graph::layout(
        app.net(),
        app.analysis(),
        &metrics(),
        &|p| app.is_open(p),
        &[],
        None,
    )
}

/// Where the selection is in `layout`: the box of the selected layer (the
/// input's, on the input row), or the frame of an open block; a branch row
/// lights up its merge's box.
fn selected(app: &App, layout: &Layout) -> Option<(Place, bool)> {
    let path = match app.selection() {
        Selection::Input => None,
        Selection::Layer(p) => Some(p),
        Selection::Branch { merge, .. } => Some(merge),
    };
    if let Some(n) = layout.nodes.iter().find(|n| n.path == path) {
        return Some((n.place, true));
    }
    let path = path?;
    let f = layout.frames.iter().find(|f| f.path == path)?;
    Some((f.place, false))
}

/// How far the view is moved to keep `p` in sight: to its middle, within
/// the graph's ends.
fn offset(graph: i64, room: i64, start: i64, length: i64) -> i64 {
    if graph <= room {
        return 0;
    }
    (start + length / 2 - room / 2).clamp(0, graph - room)
}

// The four directions a line leaves a cell in.
const UP: u8 = 1;
const DOWN: u8 = 2;
const LEFT: u8 = 4;
const RIGHT: u8 = 8;

fn glyph(bits: u8) -> char {
    match bits {
        0 => ' ',
        b if b == UP | DOWN | LEFT | RIGHT => '┼',
        b if b == UP | DOWN | RIGHT => '├',
        b if b == UP | DOWN | LEFT => '┤',
        b if b == DOWN | LEFT | RIGHT => '┬',
        b if b == UP | LEFT | RIGHT => '┴',
        b if b == DOWN | RIGHT => '┌',
        b if b == DOWN | LEFT => '┐',
        b if b == UP | RIGHT => '└',
        b if b == UP | LEFT => '┘',
        b if b & (UP | DOWN) != 0 && b & (LEFT | RIGHT) == 0 => '│',
        _ => '─',
    }
}

/// What one frame of the view draws: lines as direction bits per cell
/// (so that where they meet they join: `├ ┬ ┼`), each cell's style, and
/// text over them.
struct Canvas {
    area: Rect,
    /// The graph's point at the area's top-left corner.
    origin: (i64, i64),
    bits: Vec<u8>,
    styles: Vec<Style>,
    arrows: Vec<bool>,
}

impl Canvas {
    fn index(&self, x: i64, y: i64) -> Option<usize> {
        let (cx, cy) = (x - self.origin.0, y - self.origin.1);
        let (w, h) = (i64::from(self.area.width), i64::from(self.area.height));
        ((0..w).contains(&cx) && (0..h).contains(&cy))
            .then(|| usize::try_from(cy * w + cx).unwrap_or(0))
    }

    fn line_bits(&mut self, x: i64, y: i64, bits: u8, style: Style) {
        if let Some(i) = self.index(x, y) {
            self.bits[i] |= bits;
            self.styles[i] = style;
        }
    }

    /// A straight run from `a` to `b` (one coordinate shared).
    fn run(&mut self, a: (i64, i64), b: (i64, i64), style: Style) {
        let (x0, y0) = a;
        let (x1, y1) = b;
        if y0 == y1 && x0 != x1 {
            let (l, r) = (x0.min(x1), x0.max(x1));
            for x in l..=r {
                let mut bits = 0;
                if x > l {
                    bits |= LEFT;
                }
                if x < r {
                    bits |= RIGHT;
                }
                self.line_bits(x, y0, bits, style);
            }
        } else if x0 == x1 && y0 != y1 {
            let (t, b) = (y0.min(y1), y0.max(y1));
            for y in t..=b {
                let mut bits = 0;
                if y > t {
                    bits |= UP;
                }
                if y < b {
                    bits |= DOWN;
                }
                self.line_bits(x0, y, bits, style);
            }
        }
    }

    /// An edge: every edge comes down out of something above its first
    /// cell and goes on into what is below its last, or points into it.
    fn edge(&mut self, e: &Edge, style: Style) {
        let (Some(&first), Some(&last)) = (e.points.first(), e.points.last()) else {
            return;
        };
        for pair in e.points.windows(2) {
            self.run(pair[0], pair[1], style);
        }
        self.line_bits(first.0, first.1, UP, style);
        // What it leaves shows where: `┬` in a box's bottom border.
        if let Some(i) = self.index(first.0, first.1 - 1) {
            self.bits[i] |= DOWN;
        }
        if e.arrow {
            if let Some(i) = self.index(last.0, last.1) {
                self.arrows[i] = true;
            }
        } else {
            self.line_bits(last.0, last.1, DOWN, style);
        }
    }

    /// A box's border; `out` marks the middle of its bottom, where the
    /// flow leaves it.
    fn border(&mut self, p: Place, style: Style) {
        let (r, b) = (p.right() - 1, p.bottom() - 1);
        self.run((p.x, p.y), (r, p.y), style);
        self.run((p.x, b), (r, b), style);
        self.run((p.x, p.y), (p.x, b), style);
        self.run((r, p.y), (r, b), style);
    }

    /// Text at (x, y), cut at the area's edges.
    fn text(&self, buf: &mut Buffer, x: i64, y: i64, s: &str, style: Style) {
        let mut x = x;
        for ch in s.chars() {
            let w = i64::try_from(width(&ch.to_string())).unwrap_or(1);
            if let Some(i) = self.index(x, y) {
                let (cx, cy) = self.cell(i);
                if x + w - 1 - self.origin.0 < i64::from(self.area.width) {
                    buf[(cx, cy)].set_char(ch).set_style(style);
                }
            }
            x += w;
        }
    }

    fn cell(&self, i: usize) -> (u16, u16) {
        let w = usize::from(self.area.width.max(1));
        let (cx, cy) = (i % w, i / w);
        (
            self.area.x + u16::try_from(cx).unwrap_or(0),
            self.area.y + u16::try_from(cy).unwrap_or(0),
        )
    }

    fn paint(&self, buf: &mut Buffer) {
        for (i, (&bits, &style)) in self.bits.iter().zip(&self.styles).enumerate() {
            let c = if self.arrows[i] { '▼' } else { glyph(bits) };
            if c != ' ' {
                buf[self.cell(i)].set_char(c).set_style(style);
            }
        }
    }
}

fn node_style(t: &Theme, state: State) -> Style {
    match state {
        State::Fine => t.text,
        State::Broken => t.error,
        State::Waiting => t.unreachable,
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let t = app.session.theme;
    let layout = layout(app);
    let chosen = selected(app, &layout);
    let (w, h) = (i64::from(area.width), i64::from(area.height));
    let (ox, oy) = chosen.map_or((0, 0), |(p, _)| {
        (offset(layout.w, w, p.x, p.w), offset(layout.h, h, p.y, p.h))
    });
    let cells = usize::from(area.width) * usize::from(area.height);
    let mut canvas = Canvas {
        area,
        origin: (ox, oy),
        bits: vec![0; cells],
        styles: vec![Style::default(); cells],
        arrows: vec![false; cells],
    };
    let seen = |p: &Place| p.bottom() > oy && p.y < oy + h && p.right() > ox && p.x < ox + w;
    for f in layout.frames.iter().filter(|f| seen(&f.place)) {
        let style = match f.state {
            State::Fine => t.border,
            s => node_style(t, s),
        };
        canvas.border(f.place, style);
    }
    for e in &layout.edges {
        canvas.edge(e, t.border);
    }
    for n in layout.nodes.iter().filter(|n| seen(&n.place)) {
        canvas.border(n.place, node_style(t, n.state));
    }
    canvas.paint(buf);
    for f in layout.frames.iter().filter(|f| seen(&f.place)) {
        let style = match f.state {
            State::Fine => t.title,
            s => node_style(t, s),
        };
        let style = match chosen {
            Some((p, false)) if p == f.place => style.patch(t.selected),
            _ => style,
        };
        canvas.text(buf, f.title_x, f.place.y, &format!(" {} ", f.title), style);
    }
    for n in layout.nodes.iter().filter(|n| seen(&n.place)) {
        let lit = matches!(chosen, Some((p, true)) if p == n.place);
        let style = node_style(t, n.state);
        let label_style = if lit {
            style.patch(t.title).patch(t.selected)
        } else {
            style.patch(t.title)
        };
        let p = n.place;
        canvas.text(
            buf,
            p.x + 1,
            p.y,
            &format!(" {} ", n.text.label),
            label_style,
        );
        for (i, line) in inside(&n.text, n.state).iter().enumerate() {
            let y = p.y + 1 + i64::try_from(i).unwrap_or(0);
            // The whole inside of the selected box lights up.
            let fill = " ".repeat(usize::try_from(p.w - 2).unwrap_or(0));
            let inner = if lit { style.patch(t.selected) } else { style };
            canvas.text(buf, p.x + 1, y, &fill, inner);
            canvas.text(buf, p.x + 2, y, line, inner);
        }
    }
}
