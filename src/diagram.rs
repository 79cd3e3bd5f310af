//! The network as a drawing for slides and papers: one self-contained SVG
//! (no script, no external reference, real text). Layers flow left to
//! right, each a box with its settings, output shape and parameters; an
//! image's feature map is drawn above its box as a slab whose height and
//! depth follow its size and channels on a log scale, a vector as a bar, as
//! the problem set draws LeNet. A merge's branches run side by side, one
//! above the other, into the merge; a block is framed with its repeat
//! count. A broken layer is red and says why; the layers after it are
//! grey. The top-level layers wrap into rows so the drawing keeps a 16:9
//! slide's proportions. Pure: network and analysis in, text out.

use crate::engine::{Analysis, Row, Status};
use crate::layer::{Kind, Layer};
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
    Line(Vec<(i64, i64)>, Tone),
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
                Mark::Line(points, tone) => Mark::Line(
                    points.iter().map(|(x, y)| (x + dx, y + dy)).collect(),
                    *tone,
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

/// How a row reads: broken (with why), waiting on a broken one, or fine.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Fine,
    Broken,
    Waiting,
}

fn state(row: Option<&Row>) -> State {
    match row.map(|r| r.status) {
        Some(Status::Error(_)) => State::Broken,
        Some(Status::Unreachable) | None => State::Waiting,
        _ => State::Fine,
    }
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
/// reason too.
fn leaf(layer: &Layer, row: Option<&Row>, note: Option<&str>) -> Item {
    let st = state(row);
    let label = crate::text::visible(&layer.label()).into_owned();
    let shape = match (st, row.and_then(|r| r.output)) {
        (State::Fine, Some(s)) => s.to_string(),
        _ => "—".to_string(),
    };
    let params = match (st, row.and_then(|r| r.params)) {
        (State::Fine, Some(p)) => t!("diagram-params", n = thousands(p)),
        _ => "—".to_string(),
    };
    let reason = match (st, row) {
        (State::Broken, Some(r)) => crate::words::status(r.status).map(|w| format!("✗ {w}")),
        _ => None,
    };
    let mut lines = vec![
        (label, true, false),
        (shape, false, true),
        (params, false, false),
    ];
    if let Some(r) = reason {
        lines.push((r, false, false));
    }
    node(lines, st, row.and_then(|r| r.output), note)
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

/// Layers one after another, left to right, joined by arrows, in rows of
/// at most `room` pixels.
fn sequence(at: &mut At, layers: &[Layer], rows: &[Row], depth: usize, room: i64) -> Item {
    let mut items = Vec::with_capacity(layers.len());
    for (i, l) in layers.iter().enumerate() {
        at.path.push(i);
        items.push(item(at, l, rows.get(i), depth, room, None));
        at.path.pop();
    }
    chain(items, room, true)
}

/// Where the walk is (the path of the layer drawn, as the explorer's
/// outline numbers it: a block's layer `j` is `[i, 0, j]`, a merge's
/// branch `b` layer `j` is `[i, b, j]`) and which containers are open.
struct At<'a> {
    path: Vec<usize>,
    open: &'a dyn Fn(&[usize]) -> bool,
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
            None => marks.push(Mark::Line(vec![(0, at), (inset - 3, at)], Tone::Ink)),
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
                ));
            }
        }
        line.place(inset, y, &mut marks);
        end = Some((inset + line.w, y + line.exit));
        y += line.h + GAP;
    }
    let (x_end, exit) = end.unwrap_or((0, 0));
    if tail {
        marks.push(Mark::Line(vec![(x_end, exit), (width, exit)], Tone::Ink));
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

/// A container: a merge's branches stacked into its join, or a block's
/// layers in a frame.
fn item(
    at: &mut At,
    layer: &Layer,
    row: Option<&Row>,
    depth: usize,
    room: i64,
    note: Option<&str>,
) -> Item {
    // A folded container is one box, with its repeat count; past a few
    // levels every container is: a slide cannot show more, and the table can.
    if !layer.kind.is_container() || depth >= 4 || !(at.open)(&at.path) {
        return leaf(layer, row, note);
    }
    let inner =
        |b: usize| -> &[Row] { row.and_then(|r| r.inner.get(b)).map_or(&[], Vec::as_slice) };
    if layer.kind == Kind::Block {
        let body = layer.branches.first().map_or(&[][..], Vec::as_slice);
        at.path.push(0);
        let content = sequence(at, body, inner(0), depth + 1, room - 2 * PAD);
        at.path.pop();
        // Titled as the table labels it: `block layer1 ×2`.
        let title = crate::text::visible(&layer.label()).into_owned();
        let title = match note {
            Some(n) => format!("{title} · {n}"),
            None => title,
        };
        let mut marks = Vec::new();
        let top = LINE + 6;
        let w = content.w.max(text_width(&title)) + 2 * PAD;
        let h = content.h + top + PAD;
        marks.push(Mark::Rect {
            x: 0,
            y: 0,
            w,
            h,
            stroke: Tone::Frame,
            fill: Tone::None,
            dashed: true,
        });
        marks.push(Mark::Text {
            x: PAD,
            y: LINE,
            text: title,
            tone: Tone::Frame,
            bold: true,
            mono: false,
        });
        content.place(PAD, top, &mut marks);
        return Item {
            w,
            h,
            mid: top + content.mid,
            exit: top + content.exit,
            marks,
        };
    }
    // A merge: each branch (the identity where empty) one above the other,
    // then the merge's own box, which the branches join.
    let mut branches = Vec::with_capacity(layer.branches.len());
    for (b, layers) in layer.branches.iter().enumerate() {
        branches.push(if layers.is_empty() {
            identity()
        } else {
            // Room for the fork, the join and its box.
            at.path.push(b);
            let branch = sequence(
                at,
                layers,
                inner(b),
                depth + 1,
                (room - 3 * GAP - 240).max(480),
            );
            at.path.pop();
            branch
        });
    }
    let join = leaf(layer, row, note);
    let width = branches.iter().map(|b| b.w).max().unwrap_or(0);
    let total: i64 = branches.iter().map(|b| b.h).sum::<i64>()
        + GAP / 2 * i64::try_from(branches.len().saturating_sub(1)).unwrap_or(0);
    // The flow comes in level with the first branch and leaves the join at
    // that height too, so a straight line runs through; the others fork off.
    let first = branches.first().map_or(0, |b| b.mid);
    let shift = (join.mid - first).max(0);
    let mid = shift + first;
    let h = (shift + total).max(mid + join.h - join.mid);
    let mut marks = Vec::new();
    let (start, end) = (GAP, GAP + width + GAP);
    let mut y = shift;
    for b in &branches {
        let (at, leaves) = (y + b.mid, y + b.exit);
        // Out of the fork, through the branch, into the join.
        marks.push(Mark::Line(
            vec![(0, mid), (GAP / 2, mid), (GAP / 2, at), (start - 3, at)],
            Tone::Ink,
        ));
        b.place(start, y, &mut marks);
        marks.push(Mark::Line(
            vec![
                (start + b.w, leaves),
                (end - GAP / 2, leaves),
                (end - GAP / 2, mid),
                (end - 3, mid),
            ],
            Tone::Ink,
        ));
        y += b.h + GAP / 2;
    }
    join.place(end, mid - join.mid, &mut marks);
    Item {
        w: end + join.w,
        h,
        mid,
        exit: mid,
        marks,
    }
}

fn identity() -> Item {
    let text = t!("diagram-identity");
    let w = text_width(&text) + PAD;
    Item {
        w,
        h: LINE + 4,
        mid: (LINE + 4) / 2,
        exit: (LINE + 4) / 2,
        marks: vec![
            Mark::Line(vec![(0, (LINE + 4) / 2), (w, (LINE + 4) / 2)], Tone::Muted),
            Mark::Text {
                x: PAD / 2,
                y: LINE - 4,
                text,
                tone: Tone::Muted,
                bold: false,
                mono: false,
            },
        ],
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
    let mut at = At {
        path: Vec::new(),
        open: extras.open,
    };
    let mut items = vec![input_item(net)];
    for (i, l) in net.layers.iter().enumerate() {
        let note = notes.get(i).and_then(Option::as_deref);
        at.path.push(i);
        items.push(item(&mut at, l, analysis.rows.get(i), 0, room, note));
        at.path.pop();
    }
    let drawing = chain(items, room, false);
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
    drawing.place(MARGIN - GAP / 2, y, &mut marks);
    let width = drawing.w - GAP;
    let y = y + drawing.h + GAP * 2;
    let content_w = (width + 2 * MARGIN).max(i64::from(options.width));
    let content_h = y - GAP * 2 + MARGIN;
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
        Mark::Line(points, tone) => {
            let path: Vec<String> = points.iter().map(|(x, y)| format!("{x},{y}")).collect();
            writeln!(
                out,
                r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="1.3" marker-end="url(#arrow)"/>"#,
                path.join(" "),
                colour(*tone, p)
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
