//! The network as a drawing for slides and papers: one self-contained SVG
//! (no script, no external reference, real text). A straight network of
//! images and vectors is drawn in the classic style, as the problem set
//! draws LeNet: layers flow left to right, each a box with its settings,
//! output shape and parameters, an image's feature map above it as a slab
//! whose height and depth follow its size and channels on a log scale, a
//! vector as a bar; the layers wrap into rows to keep a 16:9 slide's
//! proportions. A network with branches, blocks or sequences is drawn top
//! to bottom as a graph (`crate::graph`, which the explorer's graph view
//! lays out too): branches side by side, the merge joining them, blocks
//! framed, in columns side by side when it is long. A broken layer is red
//! and says why; the layers after it are grey. Pure: network and analysis
//! in, text out.

use crate::engine::Analysis;
use crate::graph::{self, State, Text};
use crate::network::{Network, Shape};
use crate::units::thousands;
use std::fmt::Write;

/// The colours of the explorer's themes, for the drawing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Look {
    /// White paper, dark ink: slides and papers.
    #[default]
    Light,
    Dark,
    /// Black and white only: the marks (✗, grey text) carry the meaning.
    Mono,
}

struct Palette {
    background: &'static str,
    ink: &'static str,
    muted: &'static str,
    fill: &'static str,
    slab: &'static str,
    error: &'static str,
    error_fill: &'static str,
    frame: &'static str,
}

impl Look {
    fn palette(self) -> Palette {
        match self {
            Look::Light => Palette {
                background: "#ffffff",
                ink: "#1a1a1a",
                muted: "#8a8a8a",
                fill: "#eef3fb",
                slab: "#7aa6dc",
                error: "#c62828",
                error_fill: "#fdecea",
                frame: "#5b7db1",
            },
            Look::Dark => Palette {
                background: "#1e1e1e",
                ink: "#e8e8e8",
                muted: "#8c8c8c",
                fill: "#2b3340",
                slab: "#4f7fbf",
                error: "#ff6b6b",
                error_fill: "#3a2323",
                frame: "#7fa7e0",
            },
            Look::Mono => Palette {
                background: "#ffffff",
                ink: "#000000",
                muted: "#777777",
                fill: "#ffffff",
                slab: "#bbbbbb",
                error: "#000000",
                error_fill: "#ffffff",
                frame: "#000000",
            },
        }
    }
}

/// How the drawing is made.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub look: Look,
    /// The drawing's width in pixels; its height follows (about 16:9 when
    /// the network's length allows).
    pub width: u32,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            look: Look::Light,
            width: 1600,
        }
    }
}

const GAP: i64 = 28;
const PAD: i64 = 10;
const LINE: i64 = 17;
const CHAR: i64 = 8;
const MARGIN: i64 = 24;

/// What is drawn, placed relative to its item's top-left corner.
enum Mark {
    Rect {
        x: i64,
        y: i64,
        w: i64,
        h: i64,
        stroke: Tone,
        fill: Tone,
        dashed: bool,
    },
    Text {
        x: i64,
        y: i64,
        text: String,
        tone: Tone,
        bold: bool,
        mono: bool,
    },
    /// A polyline; `bool`: whether it ends in an arrow.
    Line(Vec<(i64, i64)>, Tone, bool),
    Slab {
        x: i64,
        y: i64,
        w: i64,
        h: i64,
        d: i64,
        tone: Tone,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tone {
    Ink,
    Muted,
    Fill,
    Slab,
    Error,
    ErrorFill,
    Frame,
    None,
}

/// A laid-out piece: its size, where edges enter and leave (heights from
/// its top), and its marks.
struct Item {
    w: i64,
    h: i64,
    /// The height at which an edge comes in on the left.
    mid: i64,
    /// The height at which an edge leaves on the right (below `mid` when a
    /// long sequence wrapped into rows).
    exit: i64,
    marks: Vec<Mark>,
}

impl Item {
    fn place(&self, dx: i64, dy: i64, out: &mut Vec<Mark>) {
        for m in &self.marks {
            out.push(match m {
                Mark::Rect {
                    x,
                    y,
                    w,
                    h,
                    stroke,
                    fill,
                    dashed,
                } => Mark::Rect {
                    x: x + dx,
                    y: y + dy,
                    w: *w,
                    h: *h,
                    stroke: *stroke,
                    fill: *fill,
                    dashed: *dashed,
                },
                Mark::Text {
                    x,
                    y,
                    text,
                    tone,
                    bold,
                    mono,
                } => Mark::Text {
                    x: x + dx,
                    y: y + dy,
                    text: text.clone(),
                    tone: *tone,
                    bold: *bold,
                    mono: *mono,
                },
                Mark::Line(points, tone, arrow) => Mark::Line(
                    points.iter().map(|(x, y)| (x + dx, y + dy)).collect(),
                    *tone,
                    *arrow,
                ),
                Mark::Slab {
                    x,
                    y,
                    w,
                    h,
                    d,
                    tone,
                } => Mark::Slab {
                    x: x + dx,
                    y: y + dy,
                    w: *w,
                    h: *h,
                    d: *d,
                    tone: *tone,
                },
            });
        }
    }
}

fn text_width(s: &str) -> i64 {
    i64::try_from(crate::text::width(s)).unwrap_or(i64::MAX / 4) * CHAR
}

/// The slab drawn for an output: an image's map (height by its size, depth
/// by its channels, both on a log scale), a vector's bar; nothing for
/// sequences and volumes, whose boxes say their shape.
fn slab(output: Option<Shape>) -> Option<(i64, i64, i64)> {
    let log = |n: u64| i64::from(64 - n.max(1).leading_zeros());
    match output? {
        Shape::Image { c, h, w } => {
            let height = 6 + 8 * log(h);
            let width = (6 + 8 * log(w)) / 3;
            Some((width, height, 2 + 3 * log(c)))
        }
        Shape::Flat(n) => Some((8, 6 + 6 * log(n), 0)),
        _ => None,
    }
}

/// A layer's box: its label, output shape and parameters; a broken one its
/// reason too; with its slab when `slabs`.
fn leaf(text: &Text, st: State, output: Option<Shape>) -> Item {
    node(lines(text), st, output, text.note.as_deref())
}

/// A node's lines (text, bold, monospace): label, shape, parameters, and
/// why it broke.
fn lines(text: &Text) -> Vec<(String, bool, bool)> {
    let dash = || "—".to_string();
    let mut lines = vec![
        (text.label.clone(), true, false),
        (text.shape.clone().unwrap_or_else(dash), false, true),
    ];
    // A shape with no count is the input's.
    if text.params.is_some() || text.shape.is_none() {
        let params = text
            .params
            .map_or_else(dash, |p| t!("diagram-params", n = thousands(p)));
        lines.push((params, false, false));
    }
    if let Some(r) = &text.reason {
        lines.push((format!("✗ {r}"), false, false));
    }
    lines
}

/// A box of `lines` (text, bold, monospace) in the look of `st`, under the
/// slab of `output` when it is fine. A fourth line is the reason it broke;
/// a `note` (what changed against a baseline) comes last, in the frame's
/// colour.
fn node(
    mut lines: Vec<(String, bool, bool)>,
    st: State,
    output: Option<Shape>,
    note: Option<&str>,
) -> Item {
    let noted = lines.len();
    if let Some(n) = note {
        lines.push((n.to_string(), false, false));
    }
    let inner_w = lines
        .iter()
        .map(|(t, _, _)| text_width(t))
        .max()
        .unwrap_or(0);
    let w = inner_w + 2 * PAD;
    let slab = if st == State::Fine {
        slab(output)
    } else {
        None
    };
    let above = slab.map_or(0, |(_, h, d)| h + d + 8);
    let box_h = LINE * i64::try_from(lines.len()).unwrap_or(3) + 2 * PAD - 4;
    let (stroke, fill, ink) = match st {
        State::Fine => (Tone::Ink, Tone::Fill, Tone::Ink),
        State::Broken => (Tone::Error, Tone::ErrorFill, Tone::Error),
        State::Waiting => (Tone::Muted, Tone::None, Tone::Muted),
    };
    let mut marks = Vec::new();
    if let Some((sw, sh, d)) = slab {
        marks.push(Mark::Slab {
            x: (w - sw - d) / 2,
            y: d,
            w: sw,
            h: sh,
            d,
            tone: Tone::Slab,
        });
    }
    marks.push(Mark::Rect {
        x: 0,
        y: above,
        w,
        h: box_h,
        stroke,
        fill,
        dashed: st == State::Waiting,
    });
    for (i, (text, bold, mono)) in lines.into_iter().enumerate() {
        let tone = if i == noted { Tone::Frame } else { ink };
        let i = i64::try_from(i).unwrap_or(0);
        marks.push(Mark::Text {
            x: PAD,
            y: above + PAD + LINE * i + 12,
            text,
            tone,
            bold,
            mono,
        });
    }
    Item {
        w,
        h: above + box_h,
        mid: above + box_h / 2,
        exit: above + box_h / 2,
        marks,
    }
}

/// `items` left to right, wrapping like text into rows of at most `room`
/// pixels; an arrow leaves each row's end and comes back round to the next
/// row's start. With `tail`, the last row's end is carried on to the
/// item's right edge, where what follows comes in.
fn chain(items: Vec<Item>, room: i64, tail: bool) -> Item {
    let mut rows: Vec<Vec<Item>> = vec![Vec::new()];
    let mut used = 0;
    for it in items {
        if used > 0 && used + GAP + it.w > room {
            rows.push(Vec::new());
            used = 0;
        }
        used += if used == 0 { it.w } else { GAP + it.w };
        rows.last_mut().expect("a row").push(it);
    }
    let lines: Vec<Item> = rows.into_iter().map(one_row).collect();
    if lines.len() == 1 {
        return lines.into_iter().next().expect("one row");
    }
    // Wrapped: the rows sit half a gap in, so the arrows that come round
    // stay inside the item.
    let inset = GAP / 2;
    let width = lines.iter().map(|l| l.w).max().unwrap_or(0) + 2 * inset;
    let mut marks = Vec::new();
    let mut y = 0;
    let mut end: Option<(i64, i64)> = None;
    for line in &lines {
        let at = y + line.mid;
        match end {
            None => marks.push(Mark::Line(vec![(0, at), (inset - 3, at)], Tone::Ink, true)),
            Some((x0, y0)) => {
                let turn = y - GAP / 2;
                marks.push(Mark::Line(
                    vec![
                        (x0, y0),
                        (width - inset / 2, y0),
                        (width - inset / 2, turn),
                        (inset / 2, turn),
                        (inset / 2, at),
                        (inset - 3, at),
                    ],
                    Tone::Ink,
                    true,
                ));
            }
        }
        line.place(inset, y, &mut marks);
        end = Some((inset + line.w, y + line.exit));
        y += line.h + GAP;
    }
    let (x_end, exit) = end.unwrap_or((0, 0));
    if tail {
        marks.push(Mark::Line(
            vec![(x_end, exit), (width, exit)],
            Tone::Ink,
            true,
        ));
    }
    Item {
        w: width,
        h: y - GAP,
        mid: lines[0].mid,
        exit,
        marks,
    }
}

/// Items on one line, joined where each leaves and the next comes in.
fn one_row(items: Vec<Item>) -> Item {
    let mid = items.iter().map(|i| i.mid).max().unwrap_or(0);
    let below = items.iter().map(|i| i.h - i.mid).max().unwrap_or(0);
    let mut marks = Vec::new();
    let mut x = 0;
    let mut out = mid;
    for (n, it) in items.iter().enumerate() {
        let top = mid - it.mid;
        if n > 0 {
            marks.push(Mark::Line(
                vec![
                    (x - GAP, out),
                    (x - GAP / 2, out),
                    (x - GAP / 2, mid),
                    (x - 3, mid),
                ],
                Tone::Ink,
                true,
            ));
        }
        it.place(x, top, &mut marks);
        out = top + it.exit;
        x += it.w + GAP;
    }
    Item {
        w: (x - GAP).max(0),
        h: mid + below,
        mid,
        exit: out,
        marks,
    }
}

/// The input's own box: its shape, under its slab.
fn input_item(net: &Network) -> Item {
    let lines = vec![
        (t!("diagram-input"), true, false),
        (net.input.to_string(), false, true),
    ];
    node(lines, State::Fine, Some(net.input), None)
}

/// The drawing of `net` (analysed as `analysis`), every container open.
pub fn svg(net: &Network, analysis: &Analysis, options: &Options) -> String {
    svg_with(net, analysis, options, &Extras::default())
}

/// What the explorer adds to a drawing: its folds and its baseline.
pub struct Extras<'a> {
    /// The network to compare with, and its analysis: each top-level layer
    /// that changed says by how many parameters (or that it is new), and
    /// the title the change in all.
    pub baseline: Option<(&'a Network, &'a Analysis)>,
    /// Whether the container at a path (the outline's paths) is drawn open;
    /// a folded one is one box.
    pub open: &'a dyn Fn(&[usize]) -> bool,
}

impl Default for Extras<'_> {
    fn default() -> Self {
        Extras {
            baseline: None,
            open: &|_| true,
        }
    }
}

/// The drawing of `net` with the explorer's folds and baseline.
pub fn svg_with(net: &Network, analysis: &Analysis, options: &Options, extras: &Extras) -> String {
    draw(net, analysis, options, extras)
}

/// What changed in each current top-level layer against the baseline.
fn notes(net: &Network, analysis: &Analysis, base: (&Network, &Analysis)) -> Vec<Option<String>> {
    let (base, base_analysis) = base;
    let mut notes = vec![None; net.layers.len()];
    for step in crate::compare::align(&base.layers, &net.layers) {
        match step {
            crate::compare::Step::Matched {
                base: b,
                current: c,
            } => {
                let now = analysis.rows.get(c).and_then(|r| r.params);
                let was = base_analysis.rows.get(b).and_then(|r| r.params);
                notes[c] = match (now, was) {
                    (Some(n), Some(w)) if n != w => Some(t!("diagram-delta", delta = signed(n, w))),
                    _ if base.layers[b] != net.layers[c] => Some(t!("diagram-changed")),
                    _ => None,
                };
            }
            crate::compare::Step::Added { current: c } => notes[c] = Some(t!("diagram-new")),
            crate::compare::Step::Removed { .. } => {}
        }
    }
    notes
}

/// `now − was` with its sign: `+63,360`, `−2,416`.
fn signed(now: u64, was: u64) -> String {
    if now >= was {
        format!("+{}", thousands(now - was))
    } else {
        format!("−{}", thousands(was - now))
    }
}

fn draw(net: &Network, analysis: &Analysis, options: &Options, extras: &Extras) -> String {
    let p = options.look.palette();
    let room = i64::from(options.width) - 2 * MARGIN;
    let base = extras.baseline;
    let notes = base.map(|b| notes(net, analysis, b)).unwrap_or_default();
    let (drawing, x) = if is_graph(net) {
        (
            graph_drawing(net, analysis, extras.open, &notes, room),
            MARGIN,
        )
    } else {
        (classic(net, analysis, &notes, room), MARGIN - GAP / 2)
    };
    let mut title = format!(
        "{} — {}",
        crate::text::visible(&net.name),
        match analysis.totals.params {
            Some(n) => t!("diagram-total", n = thousands(n)),
            None => match analysis.error_at {
                Some(i) => t!("diagram-broken", n = (i + 1).to_string()),
                None => String::new(),
            },
        }
    );
    if let Some((Some(now), Some(was))) =
        base.map(|(_, a)| (analysis.totals.params, a.totals.params))
    {
        title.push_str(&format!(
            " ({})",
            t!("diagram-against", delta = signed(now, was))
        ));
    }
    let mut marks = vec![Mark::Text {
        x: MARGIN,
        y: MARGIN + 4,
        text: title,
        tone: Tone::Ink,
        bold: true,
        mono: false,
    }];
    let y = MARGIN + 24;
    drawing.place(x, y, &mut marks);
    let width = drawing.w + x - MARGIN;
    let content_w = (width + 2 * MARGIN).max(i64::from(options.width));
    let content_h = y + drawing.h + MARGIN;
    let shown_w = i64::from(options.width);
    let shown_h = content_h * shown_w / content_w.max(1);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{shown_w}" height="{shown_h}" viewBox="0 0 {content_w} {content_h}" font-family="sans-serif" font-size="13">"#
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&net.name));
    let _ = writeln!(
        out,
        r#"<defs><marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="{}"/></marker></defs>"#,
        p.ink
    );
    let _ = writeln!(
        out,
        r#"<rect x="0" y="0" width="{content_w}" height="{content_h}" fill="{}"/>"#,
        p.background
    );
    for m in &marks {
        write_mark(&mut out, m, &p);
    }
    out.push_str("</svg>\n");
    out
}

/// Whether `net` is drawn as a graph, top to bottom: it has containers,
/// or it reads sequences or volumes, which have no feature maps to draw.
fn is_graph(net: &Network) -> bool {
    net.layers.iter().any(|l| l.kind.is_container())
        || !matches!(net.input, Shape::Image { .. } | Shape::Flat(_))
}

/// A straight network in the classic style: the input and each layer left
/// to right under its feature map, in rows of at most `room` pixels.
fn classic(net: &Network, analysis: &Analysis, notes: &[Option<String>], room: i64) -> Item {
    let mut items = vec![input_item(net)];
    for (i, l) in net.layers.iter().enumerate() {
        let row = analysis.rows.get(i);
        let note = notes.get(i).cloned().flatten();
        let text = graph::text(l, row, note);
        items.push(leaf(&text, State::of(row), row.and_then(|r| r.output)));
    }
    chain(items, room, false)
}

/// The pixel sizes of the graph's parts.
fn metrics() -> graph::Metrics<'static> {
    graph::Metrics {
        node: &|text, st| {
            let it = leaf(text, st, None);
            (it.w, it.h)
        },
        title: &text_width,
        step: GAP,
        gap: GAP,
        frame_side: PAD,
        frame_top: LINE + 6,
        frame_bottom: PAD,
        title_dx: PAD,
        identity: 70,
        max_depth: 4,
    }
}

/// A branching network top to bottom, in as many columns as bring it
/// nearest a 16:9 slide `room` pixels wide.
fn graph_drawing(
    net: &Network,
    analysis: &Analysis,
    open: &dyn Fn(&[usize]) -> bool,
    notes: &[Option<String>],
    room: i64,
) -> Item {
    let m = metrics();
    let lay = |column| graph::layout(net, analysis, &m, open, notes, column);
    // How far a layout's proportions are from 16:9, as a ratio ≥ 1; a
    // drawing narrower than the slide is as wide as the slide.
    let off = |l: &graph::Layout| {
        let r = l.w.max(room) as f64 * 9.0 / (l.h.max(1) as f64 * 16.0);
        if r >= 1.0 { r } else { 1.0 / r }
    };
    let mut best = lay(None);
    let tall = best.h;
    for n in 2..=64 {
        if best.w.max(room) * 9 >= best.h * 16 {
            break;
        }
        let next = lay(Some(tall / n));
        if off(&next) >= off(&best) {
            break;
        }
        best = next;
    }
    graph_item(&best)
}

/// The marks of a laid-out graph.
fn graph_item(l: &graph::Layout) -> Item {
    let mut marks = Vec::new();
    for f in &l.frames {
        let tone = match f.state {
            State::Broken => Tone::Error,
            State::Waiting => Tone::Muted,
            State::Fine => Tone::Frame,
        };
        marks.push(Mark::Rect {
            x: f.place.x,
            y: f.place.y,
            w: f.place.w,
            h: f.place.h,
            stroke: tone,
            fill: Tone::None,
            dashed: true,
        });
        marks.push(Mark::Text {
            x: f.title_x,
            y: f.place.y + LINE,
            text: f.title.clone(),
            tone,
            bold: true,
            mono: false,
        });
    }
    for e in &l.edges {
        marks.push(Mark::Line(e.points.clone(), Tone::Ink, e.arrow));
    }
    for &(x, y) in &l.identities {
        marks.push(Mark::Text {
            x: x + 4,
            y: y + LINE,
            text: t!("diagram-identity"),
            tone: Tone::Muted,
            bold: false,
            mono: false,
        });
    }
    for n in &l.nodes {
        leaf(&n.text, n.state, None).place(n.place.x, n.place.y, &mut marks);
    }
    Item {
        w: l.w,
        h: l.h,
        mid: 0,
        exit: 0,
        marks,
    }
}

fn colour(tone: Tone, p: &Palette) -> &'static str {
    match tone {
        Tone::Ink => p.ink,
        Tone::Muted => p.muted,
        Tone::Fill => p.fill,
        Tone::Slab => p.slab,
        Tone::Error => p.error,
        Tone::ErrorFill => p.error_fill,
        Tone::Frame => p.frame,
        Tone::None => "none",
    }
}

fn write_mark(out: &mut String, m: &Mark, p: &Palette) {
    let _ = match m {
        Mark::Rect {
            x,
            y,
            w,
            h,
            stroke,
            fill,
            dashed,
        } => writeln!(
            out,
            r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="4" fill="{}" stroke="{}"{}/>"#,
            colour(*fill, p),
            colour(*stroke, p),
            if *dashed {
                r#" stroke-dasharray="5,3""#
            } else {
                ""
            }
        ),
        Mark::Text {
            x,
            y,
            text,
            tone,
            bold,
            mono,
        } if !text.is_empty() => writeln!(
            out,
            r#"<text x="{x}" y="{y}" fill="{}"{}{}>{}</text>"#,
            colour(*tone, p),
            if *bold { r#" font-weight="bold""# } else { "" },
            if *mono {
                r#" font-family="monospace""#
            } else {
                ""
            },
            escape(text)
        ),
        Mark::Text { .. } => Ok(()),
        Mark::Line(points, tone, arrow) => {
            let path: Vec<String> = points.iter().map(|(x, y)| format!("{x},{y}")).collect();
            writeln!(
                out,
                r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="1.3"{}/>"#,
                path.join(" "),
                colour(*tone, p),
                if *arrow {
                    r#" marker-end="url(#arrow)""#
                } else {
                    ""
                }
            )
        }
        Mark::Slab {
            x,
            y,
            w,
            h,
            d,
            tone,
        } => {
            let c = colour(*tone, p);
            // A front face and, behind it, the top and side the depth shows.
            writeln!(
                out,
                r#"<path d="M{x},{y} l{d},{nd} h{w} l{nd},{d} z M{xr},{y} l{d},{nd} v{h} l{nd},{d} z" fill="{c}" fill-opacity="0.55" stroke="{}"/><rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{c}" stroke="{}"/>"#,
                p.ink,
                p.ink,
                nd = -d,
                xr = x + w,
            )
        }
    };
}

/// Text as XML takes it.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in crate::text::visible(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}
