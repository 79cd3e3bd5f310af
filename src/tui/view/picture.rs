//! Drawing the picture of a layer (`v`, see `tui::visual`): the input grid
//! with its zero padding, the window of one output cell on it (dilation
//! shows as gaps), the output grid with that cell, and a caption with the
//! numbers; or the receptive field on the network's input. Marks are
//! characters as well as colours, so the mono theme shows everything:
//! `#` a pixel the window reads, `%` padding it reads, `0` padding, `x` a
//! pixel no window ever reads, `@` the output cell.

use super::super::app::App;
use super::super::keys::{self, ViewAction};
use super::super::theme::Theme;
use super::super::visual::View;
use crate::arithmetic::{Taps, receptive_region, window};
use crate::engine::AxisFit;
use crate::layer::{Hw, Kind, Layer};
use crate::network::Shape;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

/// What one axis of the input panel shows: the range of coordinates that
/// exist (padding included) and which of them are padding or never read.
struct Axis {
    /// First and last coordinate, padding included (padding is < 0 or ≥ `input`).
    from: i64,
    to: i64,
    input: i64,
    /// Real pixels from here on are never read.
    dropped_from: i64,
}

pub fn render(app: &App, view: &View, area: Rect, buf: &mut Buffer) {
    let t = app.session.theme;
    let (Some(layer), Some(row)) = (
        app.net().layer_at(&view.path),
        app.analysis().row_at(&view.path),
    ) else {
        return;
    };
    let shape = if view.field {
        app.net().input
    } else {
        match row.input {
            Some(shape) => shape,
            None => return,
        }
    };
    let Some([h, w]) = grid(shape) else {
        return;
    };
    let [oh, ow] = app.output_size(&view.path).unwrap_or([1, 1]);
    let depth = match (
        shape,
        app.analysis().row_at(&view.path).and_then(|r| r.output),
    ) {
        (Shape::Volume { d, .. }, Some(Shape::Volume { d: od, .. })) => Some((d, od)),
        _ => None,
    };
    let signal = matches!(shape, Shape::Matrix { .. });
    Clear.render(area, buf);
    let what = if view.field {
        t!("picture-receptive-field")
    } else {
        t!("picture-window")
    };
    let title = format!(
        " {} {} · {} · {what} ",
        t!("view-layer"),
        app.net().path_label(&view.path),
        layer.label()
    );
    let block = Block::bordered()
        .border_style(t.border)
        .title(Span::styled(title, t.title));
    let inner = block.inner(area);
    block.render(area, buf);
    let [grids, caption, hint] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(3),
        Constraint::Length(1),
    ])
    .areas(inner);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)]).areas(grids);

    let (lines, caption_lines, depths) = if view.field {
        let (lines, caption) = field(app, view, Hw { h, w }, t);
        (lines, caption, None)
    } else {
        arithmetic(layer, shape, view.cell, view.depth, t)
    };
    let (rows_axis, cols_axis, marks) = lines;
    let input_title = match (view.field, depth, depths) {
        (true, _, _) => t!("picture-network-input", shape = format!("{h}×{w}")),
        (false, _, _) if signal => t!("picture-input-signal", length = w.to_string()),
        (false, Some((d, _)), Some(read)) => t!(
            "picture-input-volume",
            shape = format!("{h}×{w}"),
            depths = read,
            of = d.to_string()
        ),
        _ => t!("picture-input", shape = format!("{h}×{w}")),
    };
    panel(&input_title, &rows_axis, &cols_axis, &*marks, t, left, buf);
    let out_rows = Axis {
        from: 0,
        to: oh as i64 - 1,
        input: oh as i64,
        dropped_from: oh as i64,
    };
    let out_cols = Axis {
        from: 0,
        to: ow as i64 - 1,
        input: ow as i64,
        dropped_from: ow as i64,
    };
    let cell = view.cell;
    let out_marks = move |r: i64, c: i64| {
        if [r as u64, c as u64] == cell {
            ('@', Mark::Current)
        } else {
            ('.', Mark::Plain)
        }
    };
    let centre = Taps {
        input: oh,
        taps: vec![cell[0] as i64],
    };
    let centre_c = Taps {
        input: ow,
        taps: vec![cell[1] as i64],
    };
    let output_title = match depth {
        _ if signal => t!("picture-output-signal", length = ow.to_string()),
        Some((_, od)) => t!(
            "picture-output-volume",
            shape = format!("{oh}×{ow}"),
            depth = view.depth.to_string(),
            of = od.to_string()
        ),
        None => t!("picture-output", shape = format!("{oh}×{ow}")),
    };
    panel_around(
        &output_title,
        (&out_rows, &centre),
        (&out_cols, &centre_c),
        &out_marks,
        t,
        right,
        buf,
    );
    Paragraph::new(caption_lines)
        .wrap(Wrap { trim: true })
        .render(caption, buf);
    // The keys that do something here: depth on a volume, the receptive
    // field on an image.
    let mut words = vec![
        (ViewAction::Right, "picture-hint-move"),
        (ViewAction::Play, "picture-hint-play"),
    ];
    if depth.is_some() {
        words.push((ViewAction::Deeper, "picture-hint-depth"));
    }
    if matches!(app.net().input, Shape::Image { .. }) {
        words.push((ViewAction::Switch, "picture-hint-switch"));
    }
    words.push((ViewAction::Close, "picture-hint-close"));
    Line::styled(keys::hint(keys::VIEW_KEYS, &words), t.muted).render(hint, buf);
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    Plain,
    Padding,
    Read,
    ReadPadding,
    Dropped,
    Current,
}

fn style(t: &Theme, mark: Mark) -> Style {
    match mark {
        Mark::Plain => t.muted,
        Mark::Padding => t.unreachable,
        Mark::Read | Mark::Current => t.selected,
        Mark::ReadPadding => t.changed,
        Mark::Dropped => t.warning,
    }
}

type Marks<'a> = dyn Fn(i64, i64) -> (char, Mark) + 'a;
type Drawn<'a> = ((Axis, Taps), (Axis, Taps), Box<Marks<'a>>);

/// The rows and columns a picture draws of `shape`: an image's height and
/// width, a signal's one row of samples, a volume's slice.
pub fn grid(shape: Shape) -> Option<[u64; 2]> {
    match shape {
        Shape::Image { h, w, .. } | Shape::Volume { h, w, .. } => Some([h, w]),
        Shape::Matrix { cols, .. } => Some([1, cols]),
        Shape::Flat(_) => None,
    }
}

/// `a–b`, or `a` when the range is one.
fn range(r: (u64, u64)) -> String {
    if r.0 == r.1 {
        r.0.to_string()
    } else {
        format!("{}–{}", r.0, r.1)
    }
}

/// The window of `cell` (of output depth slice `depth`, for a volume) on
/// the (padded) input, its caption, and the input depths it reads.
fn arithmetic<'a>(
    layer: &'a Layer,
    shape: Shape,
    cell: [u64; 2],
    depth: u64,
    t: &Theme,
) -> (Drawn<'a>, Vec<Line<'static>>, Option<String>) {
    let [h, w] = grid(shape).unwrap_or([1, 1]);
    let hw = Hw { h, w };
    let transposed = layer.kind == Kind::ConvTranspose2d;
    let signal = matches!(shape, Shape::Matrix { .. });
    // The axes the window slides along, and where this cell's window sits.
    let slid = (!transposed)
        .then(|| crate::arithmetic::picture_axes(layer, shape))
        .flatten();
    let fits = slid.and_then(|(_, ah, aw)| match (ah.output(), aw.output()) {
        (AxisFit::Fits(a), AxisFit::Fits(b)) => Some((a, b)),
        _ => None,
    });
    let taps = match slid {
        _ if transposed => window(layer, hw, cell),
        Some((_, ah, aw)) => crate::arithmetic::taps(ah, cell[0])
            .zip(crate::arithmetic::taps(aw, cell[1]))
            .map(|(a, b)| [a, b]),
        None => None,
    };
    let depth_taps = slid
        .and_then(|(d, _, _)| d)
        .and_then(|d| crate::arithmetic::taps(d, depth));
    let depths = depth_taps.as_ref().map(|d| match d.real() {
        Some(r) => range(r),
        None => t!("picture-padding-only"),
    });
    let axis = |n: u64, fit: Option<crate::engine::AxisOutput>| match fit {
        Some(o) => Axis {
            from: -(o.pad.0 as i64),
            to: n as i64 + o.pad.1 as i64 - 1,
            input: n as i64,
            dropped_from: n as i64 - o.dropped as i64,
        },
        None => Axis {
            from: 0,
            to: n as i64 - 1,
            input: n as i64,
            dropped_from: n as i64,
        },
    };
    let rows = axis(hw.h, fits.map(|f| f.0));
    let cols = axis(hw.w, fits.map(|f| f.1));
    let Some([tr, tc]) = taps else {
        let empty = |n| Taps {
            input: n,
            taps: Vec::new(),
        };
        let none: Box<Marks> = Box::new(|_, _| ('.', Mark::Plain));
        return (
            ((rows, empty(hw.h)), (cols, empty(hw.w)), none),
            vec![Line::raw(t!("picture-too-large"))],
            depths,
        );
    };
    let mut caption = Vec::new();
    let at = match &depths {
        _ if signal => cell[1].to_string(),
        Some(_) => format!("[{depth}, {}, {}]", cell[0], cell[1]),
        None => format!("[{}, {}]", cell[0], cell[1]),
    };
    let reads = match (tr.real(), tc.real(), &depths) {
        (_, Some(c), _) if signal => Some(t!(
            "picture-output-reads-signal",
            at = at.clone(),
            samples = range(c)
        )),
        (Some(r), Some(c), Some(d)) => Some(t!(
            "picture-output-reads-volume",
            at = at.clone(),
            depths = d.clone(),
            rows = range(r),
            cols = range(c)
        )),
        (Some(r), Some(c), None) => Some(t!(
            "picture-output-reads",
            at = at.clone(),
            rows = range(r),
            cols = range(c)
        )),
        _ => None,
    };
    match reads {
        Some(text) => caption.push(Line::styled(text, t.formula)),
        None if transposed => caption.push(Line::styled(
            t!("picture-output-gets-nothing", at = at),
            t.formula,
        )),
        None => caption.push(Line::styled(
            t!("picture-output-reads-only-padding", at = at),
            t.formula,
        )),
    }
    let ((pt, pb), (pl, pr)) = (tr.padding(), tc.padding());
    if pt + pb + pl + pr > 0 {
        let (rows, cols) = (pt + pb, pl + pr);
        let text = if signal {
            t!("picture-padding-read-signal", samples = cols)
        } else {
            t!("picture-padding-read", rows = rows, cols = cols)
        };
        caption.push(Line::styled(text, t.muted));
    }
    if rows.dropped_from < rows.input || cols.dropped_from < cols.input {
        let (lost_rows, lost_cols) = (
            rows.input - rows.dropped_from,
            cols.input - cols.dropped_from,
        );
        let text = if signal {
            t!("picture-never-read-signal", samples = lost_cols)
        } else {
            t!("picture-never-read", rows = lost_rows, cols = lost_cols)
        };
        caption.push(Line::styled(text, t.warning));
    }
    let (r_in, c_in) = (rows.input, cols.input);
    let (rd, cd) = (rows.dropped_from, cols.dropped_from);
    let (trs, tcs) = (tr.taps.clone(), tc.taps.clone());
    let marks: Box<Marks> = Box::new(move |r: i64, c: i64| {
        let padding = r < 0 || c < 0 || r >= r_in || c >= c_in;
        let read = trs.contains(&r) && tcs.contains(&c);
        match (read, padding) {
            (true, false) => ('#', Mark::Read),
            (true, true) => ('%', Mark::ReadPadding),
            (false, true) => ('0', Mark::Padding),
            _ if r >= rd || c >= cd => ('x', Mark::Dropped),
            _ => ('.', Mark::Plain),
        }
    });
    (((rows, tr), (cols, tc), marks), caption, depths)
}

/// The receptive field of `view.cell` on the network's input.
fn field<'a>(app: &'a App, view: &View, hw: Hw, t: &Theme) -> (Drawn<'a>, Vec<Line<'static>>) {
    let region = view
        .path
        .first()
        .and_then(|&i| receptive_region(app.net(), app.analysis(), i, view.cell));
    let axis = |n: u64| Axis {
        from: 0,
        to: n as i64 - 1,
        input: n as i64,
        dropped_from: n as i64,
    };
    let at = format!("[{}, {}]", view.cell[0], view.cell[1]);
    let mut caption = Vec::new();
    let (rows, cols) = region.map_or(((0, 0), (0, 0)), |r| (r.rows, r.cols));
    let taps = |(a, b): (u64, u64), n: u64| Taps {
        input: n,
        taps: (a as i64..=b as i64).collect(),
    };
    match region {
        Some(r) => {
            let span = |(a, b): (u64, u64)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}–{b}")
                }
            };
            caption.push(Line::styled(
                t!(
                    "picture-field-reads",
                    at = at,
                    rows = span(r.rows),
                    cols = span(r.cols),
                    size = format!("{}×{}", r.rows.1 - r.rows.0 + 1, r.cols.1 - r.cols.0 + 1)
                ),
                t.formula,
            ));
            if let Some(rf) = app
                .analysis()
                .row_at(&view.path)
                .and_then(|r| r.receptive_field)
            {
                caption.push(Line::styled(
                    t!(
                        "picture-field-column",
                        rf = crate::words::receptive_field(rf)
                    ),
                    t.muted,
                ));
            }
        }
        None => caption.push(Line::styled(t!("picture-field-none", at = at), t.formula)),
    }
    let found = region.is_some();
    let marks: Box<Marks> = Box::new(move |r: i64, c: i64| {
        let inside = found
            && (rows.0 as i64..=rows.1 as i64).contains(&r)
            && (cols.0 as i64..=cols.1 as i64).contains(&c);
        if inside {
            ('#', Mark::Read)
        } else {
            ('.', Mark::Plain)
        }
    });
    (
        (
            (axis(hw.h), taps(rows, hw.h)),
            (axis(hw.w), taps(cols, hw.w)),
            marks,
        ),
        caption,
    )
}

fn panel(
    title: &str,
    rows: &(Axis, Taps),
    cols: &(Axis, Taps),
    marks: &Marks,
    t: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    panel_around(
        title,
        (&rows.0, &rows.1),
        (&cols.0, &cols.1),
        marks,
        t,
        area,
        buf,
    );
}

/// A grid of `marks`, two columns a cell, showing as much of the axes as
/// fits around what `rows`/`cols` taps mark (the window, the cell).
fn panel_around(
    title: &str,
    rows: (&Axis, &Taps),
    cols: (&Axis, &Taps),
    marks: &Marks,
    t: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    if area.height < 2 || area.width < 4 {
        return;
    }
    let visible_rows = i64::from(area.height - 1);
    let visible_cols = i64::from(area.width / 2);
    let (r0, r1) = around(rows.0, rows.1, visible_rows);
    let (c0, c1) = around(cols.0, cols.1, visible_cols);
    // One row (a signal) has only its samples to say.
    let showing = if rows.0.input == 1 && r0 == r1 {
        t!("picture-showing-samples", cols = format!("{c0}…{c1}"))
    } else {
        t!(
            "picture-showing",
            rows = format!("{r0}…{r1}"),
            cols = format!("{c0}…{c1}")
        )
    };
    let mut lines = vec![Line::styled(format!("{title}  {showing}"), t.title)];
    for r in r0..=r1 {
        let spans: Vec<Span> = (c0..=c1)
            .map(|c| {
                let (ch, mark) = marks(r, c);
                Span::styled(format!("{ch} "), style(t, mark))
            })
            .collect();
        lines.push(Line::from(spans));
    }
    Paragraph::new(lines).render(area, buf);
}

/// The first and last coordinate to show of `axis`, at most `room` of them,
/// around the marked taps (centred on them when they do not all fit).
fn around(axis: &Axis, taps: &Taps, room: i64) -> (i64, i64) {
    let room = room.max(1);
    if axis.to - axis.from < room {
        return (axis.from, axis.to);
    }
    let (lo, hi) = match (taps.taps.iter().min(), taps.taps.iter().max()) {
        (Some(&a), Some(&b)) => (a, b),
        _ => (axis.from, axis.from),
    };
    let mid = lo + (hi - lo) / 2;
    let start = (mid - room / 2).clamp(axis.from, axis.to - room + 1);
    (start, start + room - 1)
}
