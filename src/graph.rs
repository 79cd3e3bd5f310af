//! The network as a graph drawn top to bottom: a node per layer, a merge's
//! branches side by side between a fork and the merge's own node that joins
//! them, a block's layers inside a frame. Laid out once for both drawings of
//! it — the explorer's graph view (`g`, in character cells) and the SVG
//! diagram of a branching network (in pixels): how much room a node's text
//! takes is the drawing's to say (`Metrics`), where everything goes is said
//! here. Pure: network, analysis and folds in, positions out.
//!
//! Every piece is entered at the top on one column, its axis, and left at
//! the bottom on another, its exit (the same but for a sequence wrapped
//! into columns), so pieces stack by putting each one's axis under the
//! exit of the one before. A merge's first branch that holds layers runs
//! straight down; the others fork off beside it and come back into the
//! join. For a slide, sequences taller than a column wrap into columns
//! side by side; in the terminal they scroll.

use crate::engine::{Analysis, Row, Status};
use crate::layer::{Kind, Layer};
use crate::network::Network;

/// How a node reads: fine, broken (it says why), or waiting on a broken
/// layer before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Fine,
    Broken,
    Waiting,
}

impl State {
    pub fn of(row: Option<&Row>) -> State {
        match row.map(|r| r.status) {
            Some(Status::Error(_)) => State::Broken,
            Some(Status::Unreachable) | None => State::Waiting,
            _ => State::Fine,
        }
    }
}

/// What a node says: the layer's label, and its output shape and
/// parameters when it computes, or why it does not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub label: String,
    pub shape: Option<String>,
    pub params: Option<u64>,
    pub reason: Option<String>,
    /// What changed against a baseline, when one is drawn.
    pub note: Option<String>,
}

/// A rectangle in the drawing's units, its top-left corner first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Place {
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
}

impl Place {
    pub fn bottom(&self) -> i64 {
        self.y + self.h
    }
    pub fn right(&self) -> i64 {
        self.x + self.w
    }
}

#[derive(Clone, Debug)]
pub struct Node {
    /// The layer's path (see `outline`); `None` is the input.
    pub path: Option<Vec<usize>>,
    pub text: Text,
    pub state: State,
    pub place: Place,
}

/// An open block: its layers are drawn inside.
#[derive(Clone, Debug)]
pub struct Frame {
    pub path: Vec<usize>,
    /// As the table labels the block: `block layer1 ×2`.
    pub title: String,
    pub state: State,
    pub place: Place,
    /// Where the title starts: right of the axis, so that the line running
    /// through the frame never crosses it.
    pub title_x: i64,
}

/// A line through `points` (each turn a right angle); `arrow` when it ends
/// at a node, which it points into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    pub points: Vec<(i64, i64)>,
    pub arrow: bool,
}

/// The graph, placed.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    pub w: i64,
    pub h: i64,
    pub nodes: Vec<Node>,
    pub frames: Vec<Frame>,
    pub edges: Vec<Edge>,
    /// The top of each identity branch's line (a skip connection), which
    /// a drawing may label.
    pub identities: Vec<(i64, i64)>,
}

/// The sizes a drawing gives the graph's parts, in its own units.
pub struct Metrics<'a> {
    /// A node's width and height for its text.
    pub node: &'a dyn Fn(&Text, State) -> (i64, i64),
    /// A block title's width.
    pub title: &'a dyn Fn(&str) -> i64,
    /// The room an edge between two pieces takes, above and below a fork.
    pub step: i64,
    /// Between branches side by side, and between columns.
    pub gap: i64,
    /// A frame's room left and right of what it holds.
    pub frame_side: i64,
    /// A frame's room above what it holds (its border, and its title where
    /// the drawing puts it there) and below.
    pub frame_top: i64,
    pub frame_bottom: i64,
    /// From the axis to where a frame's title starts.
    pub title_dx: i64,
    /// How wide an identity branch (a bare line) is.
    pub identity: i64,
    /// Containers this deep or deeper are drawn folded.
    pub max_depth: usize,
}

/// A laid-out piece, its top-left corner at (0, 0).
#[derive(Default)]
struct Piece {
    w: i64,
    h: i64,
    /// The column where the flow enters at the top, and where it leaves at
    /// the bottom.
    axis: i64,
    exit: i64,
    /// Whether what comes in meets a node (an arrow) rather than a fork or
    /// a frame's line.
    into_node: bool,
    out: Layout,
}

impl Piece {
    /// Adds `p` with its corner at (dx, dy).
    fn put(&mut self, p: Piece, dx: i64, dy: i64) {
        let Layout {
            nodes,
            frames,
            edges,
            identities,
            ..
        } = p.out;
        self.out.nodes.extend(nodes.into_iter().map(|mut n| {
            n.place.x += dx;
            n.place.y += dy;
            n
        }));
        self.out.frames.extend(frames.into_iter().map(|mut f| {
            f.place.x += dx;
            f.place.y += dy;
            f.title_x += dx;
            f
        }));
        self.out.edges.extend(edges.into_iter().map(|mut e| {
            for (x, y) in &mut e.points {
                *x += dx;
                *y += dy;
            }
            e
        }));
        self.out
            .identities
            .extend(identities.into_iter().map(|(x, y)| (x + dx, y + dy)));
    }

    fn edge(&mut self, points: Vec<(i64, i64)>, arrow: bool) {
        self.out.edges.push(Edge { points, arrow });
    }
}

/// What the walk needs besides the layers: the drawing's sizes, which
/// containers are open, and the notes against a baseline (top level).
struct Walk<'a> {
    m: &'a Metrics<'a>,
    open: &'a dyn Fn(&[usize]) -> bool,
    notes: &'a [Option<String>],
    path: Vec<usize>,
    /// How tall a column may be before a sequence wraps (`None`: never).
    column: Option<i64>,
}

/// What a layer's node says, from its row.
pub fn text(layer: &Layer, row: Option<&Row>, note: Option<String>) -> Text {
    let fine = State::of(row) == State::Fine;
    Text {
        label: crate::text::visible(&layer.label()).into_owned(),
        shape: row
            .and_then(|r| r.output)
            .filter(|_| fine)
            .map(|s| s.to_string()),
        params: row.and_then(|r| r.params).filter(|_| fine),
        reason: match row.map(|r| r.status) {
            Some(s @ Status::Error(_)) => crate::words::status(s),
            _ => None,
        },
        note,
    }
}

/// The graph of `net`: the input's node, then every layer; containers for
/// which `open` is false (and those `max_depth` deep) are one node. With
/// `column` the top level wraps into columns of about that height, side by
/// side; `notes` are what changed in each top-level layer.
pub fn layout(
    net: &Network,
    analysis: &Analysis,
    metrics: &Metrics,
    open: &dyn Fn(&[usize]) -> bool,
    notes: &[Option<String>],
    column: Option<i64>,
) -> Layout {
    let mut walk = Walk {
        m: metrics,
        open,
        notes,
        path: Vec::new(),
        column,
    };
    let input = Text {
        label: t!("diagram-input"),
        shape: Some(net.input.to_string()),
        params: None,
        reason: None,
        note: None,
    };
    let mut items = vec![leaf(metrics, None, input, State::Fine)];
    for (i, l) in net.layers.iter().enumerate() {
        walk.path.push(i);
        items.push(piece(&mut walk, l, analysis.rows.get(i), 0));
        walk.path.pop();
    }
    let whole = match column {
        Some(height) => columns(metrics, items, height, false),
        None => sequence(metrics, items),
    };
    Layout {
        w: whole.w,
        h: whole.h,
        ..whole.out
    }
}

fn leaf(m: &Metrics, path: Option<Vec<usize>>, text: Text, state: State) -> Piece {
    let (w, h) = (m.node)(&text, state);
    Piece {
        w,
        h,
        axis: w / 2,
        exit: w / 2,
        into_node: true,
        out: Layout {
            nodes: vec![Node {
                path,
                text,
                state,
                place: Place { x: 0, y: 0, w, h },
            }],
            ..Layout::default()
        },
    }
}

fn piece(walk: &mut Walk, layer: &Layer, row: Option<&Row>, depth: usize) -> Piece {
    let note = match walk.path.as_slice() {
        [i] => walk.notes.get(*i).cloned().flatten(),
        _ => None,
    };
    let state = State::of(row);
    if !layer.kind.is_container() || depth >= walk.m.max_depth || !(walk.open)(&walk.path) {
        let text = text(layer, row, note);
        return leaf(walk.m, Some(walk.path.clone()), text, state);
    }
    let inner =
        |b: usize| -> &[Row] { row.and_then(|r| r.inner.get(b)).map_or(&[], Vec::as_slice) };
    let mut branches = Vec::with_capacity(layer.branches.len());
    for (b, layers) in layer.branches.iter().enumerate() {
        let rows = inner(b);
        let mut items = Vec::with_capacity(layers.len());
        walk.path.push(b);
        for (j, l) in layers.iter().enumerate() {
            walk.path.push(j);
            items.push(piece(walk, l, rows.get(j), depth + 1));
            walk.path.pop();
        }
        walk.path.pop();
        branches.push(arrange(walk.m, items, walk.column));
    }
    if layer.kind == Kind::Block {
        let body = branches
            .pop()
            .unwrap_or_else(|| sequence(walk.m, Vec::new()));
        let mut title = crate::text::visible(&layer.label()).into_owned();
        if let Some(n) = note {
            title = format!("{title} · {n}");
        }
        return frame(walk.m, walk.path.clone(), title, state, body);
    }
    let join = leaf(
        walk.m,
        Some(walk.path.clone()),
        text(layer, row, note),
        state,
    );
    merge(walk.m, branches, join)
}

/// Pieces one under the other, each one's axis under the exit of the one
/// before, an edge between each two.
fn sequence(m: &Metrics, items: Vec<Piece>) -> Piece {
    if items.is_empty() {
        // Nothing in between: the line runs straight through.
        return Piece {
            w: m.identity,
            ..Piece::default()
        };
    }
    // Where each piece's left edge goes, before the leftmost is moved to 0.
    let mut lefts = Vec::with_capacity(items.len());
    let mut at = 0;
    for p in &items {
        lefts.push(at - p.axis);
        at = at - p.axis + p.exit;
    }
    let shift = -lefts.iter().copied().min().unwrap_or(0);
    let w = (items.iter().zip(&lefts))
        .map(|(p, l)| l + shift + p.w)
        .max()
        .unwrap_or(0);
    let first = &items[0];
    let mut out = Piece {
        w,
        axis: lefts[0] + shift + first.axis,
        exit: at + shift,
        into_node: first.into_node,
        ..Piece::default()
    };
    let mut y = 0;
    for (n, (p, left)) in items.into_iter().zip(lefts).enumerate() {
        let x = left + shift;
        if n > 0 {
            let a = x + p.axis;
            out.edge(vec![(a, y), (a, y + m.step - 1)], p.into_node);
            y += m.step;
        }
        let h = p.h;
        out.put(p, x, y);
        y += h;
    }
    out.h = y;
    out
}

/// `items` one under the other, or in columns when `column` says how tall
/// one may be and they are taller.
fn arrange(m: &Metrics, items: Vec<Piece>, column: Option<i64>) -> Piece {
    let tall = items.iter().map(|p| p.h + m.step).sum::<i64>() - m.step;
    match column {
        Some(height) if tall > height && items.len() > 1 => columns(m, items, height, true),
        _ => sequence(m, items),
    }
}

/// Pieces in columns of about `height`, side by side, the flow going from
/// the foot of each column round to the head of the next — the shape of a
/// slide rather than of a scroll. `nested`: something comes in above the
/// first column and goes on below the last, so lines lead there.
fn columns(m: &Metrics, items: Vec<Piece>, height: i64, nested: bool) -> Piece {
    let mut cols: Vec<Vec<Piece>> = vec![Vec::new()];
    let mut used = 0;
    for p in items {
        if used > 0 && used + m.step + p.h > height {
            cols.push(Vec::new());
            used = 0;
        }
        used += if used == 0 { p.h } else { m.step + p.h };
        cols.last_mut().expect("a column").push(p);
    }
    let cols: Vec<Piece> = cols.into_iter().map(|c| sequence(m, c)).collect();
    if cols.len() == 1 {
        return cols.into_iter().next().expect("one column");
    }
    // Room above and below the columns for the lines that come round.
    let top = m.step;
    let h = cols.iter().map(|c| c.h).max().unwrap_or(0) + 2 * m.step;
    let mut out = Piece {
        h,
        into_node: false,
        ..Piece::default()
    };
    let mut x = 0;
    let mut foot: Option<(i64, i64)> = None;
    for (n, c) in cols.into_iter().enumerate() {
        let axis = x + c.axis;
        if n == 0 {
            out.axis = axis;
            if nested {
                out.edge(vec![(axis, 0), (axis, top - 1)], c.into_node);
            }
        }
        if let Some((fx, fy)) = foot {
            let between = x - m.gap / 2;
            out.edge(
                vec![
                    (fx, fy),
                    (fx, h - m.step / 2),
                    (between, h - m.step / 2),
                    (between, m.step / 2),
                    (axis, m.step / 2),
                    (axis, top - 1),
                ],
                c.into_node,
            );
        }
        foot = Some((x + c.exit, top + c.h));
        let w = c.w;
        out.put(c, x, top);
        x += w + m.gap;
    }
    if let Some((fx, fy)) = foot {
        out.exit = fx;
        if nested {
            out.edge(vec![(fx, fy), (fx, h - 1)], false);
        }
    }
    out.w = x - m.gap;
    out
}

/// A block's layers in a frame titled as the table titles it.
fn frame(m: &Metrics, path: Vec<usize>, title: String, state: State, body: Piece) -> Piece {
    let axis = m.frame_side + body.axis;
    let title_x = axis + m.title_dx;
    let w = (body.w + 2 * m.frame_side).max(title_x + (m.title)(&title) + m.frame_side);
    let content_y = m.frame_top + m.step;
    let content_bottom = content_y + body.h;
    let h = content_bottom + m.step + m.frame_bottom;
    let exit = m.frame_side + body.exit;
    let mut out = Piece {
        w,
        h,
        axis,
        exit,
        into_node: false,
        ..Piece::default()
    };
    out.out.frames.push(Frame {
        path,
        title,
        state,
        place: Place { x: 0, y: 0, w, h },
        title_x,
    });
    out.edge(vec![(axis, 0), (axis, content_y - 1)], body.into_node);
    out.edge(vec![(exit, content_bottom), (exit, h - 1)], false);
    out.put(body, m.frame_side, content_y);
    out
}

/// A merge: its branches side by side under a fork, the first that holds
/// layers straight down the axis (a residual block's body; a U-Net's path
/// down and up, its skip beside it), then the merge's own node joining
/// them.
fn merge(m: &Metrics, branches: Vec<Piece>, join: Piece) -> Piece {
    if branches.is_empty() {
        return join;
    }
    let top = 1 + m.step;
    let tallest = branches.iter().map(|b| b.h).max().unwrap_or(0);
    let join_y = top + tallest + m.step;
    // The branches' axes, left to right.
    let mut axes = Vec::with_capacity(branches.len());
    let mut x = 0;
    for b in &branches {
        axes.push(x + b.axis);
        x += b.w + m.gap;
    }
    let width = x - m.gap;
    let straight = branches.iter().position(|b| b.h > 0).unwrap_or(0);
    // The join is centred on the axis; it may reach further left than the
    // branches do.
    let shift = (join.axis - axes[straight]).max(0);
    let axis = axes[straight] + shift;
    let mut out = Piece {
        w: (width + shift).max(axis - join.axis + join.w),
        h: join_y + m.step + 1 + join.h,
        axis,
        exit: axis,
        into_node: false,
        ..Piece::default()
    };
    let mut x = shift;
    for (b, a) in branches.into_iter().zip(axes) {
        let a = a + shift;
        out.edge(vec![(axis, 0), (a, 0), (a, top - 1)], b.into_node);
        let e = a - b.axis + b.exit;
        out.edge(vec![(e, top + b.h), (e, join_y), (axis, join_y)], false);
        if b.h == 0 {
            out.out.identities.push((a, top));
        }
        let w = b.w;
        out.put(b, x, top);
        x += w + m.gap;
    }
    out.edge(vec![(axis, join_y), (axis, join_y + m.step)], true);
    let join_axis = join.axis;
    out.put(join, axis - join_axis, join_y + m.step + 1);
    out
}
