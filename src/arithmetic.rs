//! Where a window sits on its input, for the explorer's picture of a layer
//! (`v`): which input rows and columns one output cell of a convolution,
//! pooling or transposed convolution reads, padding included; and the
//! region of the network's input that one output cell of any top-level
//! layer depends on (its receptive field, drawn). Pure numbers: the
//! drawing is in `tui::visual`.

use crate::engine::{Analysis, Axis, AxisFit, axes};
use crate::family::Spatial;
use crate::layer::{Hw, Layer, Padding};
use crate::network::{Network, Shape};

/// The taps of one output cell's window along one axis, in input
/// coordinates: below 0 or at `input` and past is padding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taps {
    pub input: u64,
    pub taps: Vec<i64>,
}

impl Taps {
    /// The input rows (or columns) the window reads, padding left out.
    pub fn real(&self) -> Option<(u64, u64)> {
        let inside = self
            .taps
            .iter()
            .filter(|&&t| t >= 0 && (t as u64) < self.input);
        let lo = inside.clone().min()?;
        let hi = inside.max()?;
        Some((*lo as u64, *hi as u64))
    }

    /// Taps in the padding before and after the input.
    pub fn padding(&self) -> (usize, usize) {
        let before = self.taps.iter().filter(|&&t| t < 0).count();
        let after = self
            .taps
            .iter()
            .filter(|&&t| t >= 0 && t as u64 >= self.input)
            .count();
        (before, after)
    }
}

/// The window of output cell `cell` ([row, column]) of a conv or pooling
/// layer on an input of `hw`, or the inputs a transposed convolution's
/// output cell gathers from. `None` for other kinds, a cell outside the
/// output, or numbers too large to draw.
pub fn window(layer: &Layer, hw: Hw, cell: [u64; 2]) -> Option<[Taps; 2]> {
    if layer.kind.spatial() == Spatial::Transpose {
        let pad = match layer.padding {
            Padding::Explicit(p) => p,
            _ => Hw::square(0),
        };
        let axis = |input: u64, k: u64, s: u64, p: u64, d: u64, o: u64| -> Option<Taps> {
            // Input i feeds output i·s − p + j·d for each tap j.
            let taps = (0..input)
                .filter(|&i| {
                    (0..k).any(|j| {
                        let at = i128::from(i) * i128::from(s) - i128::from(p)
                            + i128::from(j) * i128::from(d);
                        at == i128::from(o)
                    })
                })
                .map(|i| i as i64)
                .collect();
            Some(Taps { input, taps })
        };
        let (k, s, d) = (layer.kernel, layer.stride(), layer.dilation);
        if hw.h > MAX_DRAWN || hw.w > MAX_DRAWN {
            return None;
        }
        return Some([
            axis(hw.h, k.h, s.h, pad.h, d.h, cell[0])?,
            axis(hw.w, k.w, s.w, pad.w, d.w, cell[1])?,
        ]);
    }
    if !layer.kind.has_window() {
        return None;
    }
    let [ah, aw] = axes(layer, hw);
    Some([taps(ah, cell[0])?, taps(aw, cell[1])?])
}

/// The input coordinates the window of output `o` reads along `axis`
/// (padding below 0 or past the input), or `None` when `o` is not an
/// output or the window is too large to list tap by tap.
pub fn taps(axis: Axis, o: u64) -> Option<Taps> {
    let AxisFit::Fits(out) = axis.output() else {
        return None;
    };
    if o >= out.size || axis.kernel > MAX_DRAWN {
        return None;
    }
    let start = i64::try_from(o.checked_mul(axis.stride)?).ok()? - i64::try_from(out.pad.0).ok()?;
    let d = i64::try_from(axis.dilation).ok()?;
    let taps = (0..axis.kernel as i64).map(|j| start + j * d).collect();
    Some(Taps {
        input: axis.input,
        taps,
    })
}

/// The axes a window layer slides along on `input`, as a picture lays them
/// out: depth (3-D only), rows, columns. A signal `[C, L]` is one row: its
/// rows axis is a single pixel no window moves along.
pub fn picture_axes(layer: &Layer, input: Shape) -> Option<(Option<Axis>, Axis, Axis)> {
    match (layer.kind.window_axes(), input) {
        (2, Shape::Image { h, w, .. }) if layer.kind.has_window() => {
            let [ah, aw] = axes(layer, Hw { h, w });
            Some((None, ah, aw))
        }
        (1 | 3, shape) => {
            let (_, found) = crate::family::nd::window_axes(layer, shape).ok()?;
            match found.as_slice() {
                [(_, length)] => {
                    let one = Axis {
                        input: 1,
                        kernel: 1,
                        stride: 1,
                        dilation: 1,
                        rule: crate::engine::AxisRule::Explicit {
                            pad: 0,
                            ceil: false,
                        },
                    };
                    Some((None, one, *length))
                }
                [(_, d), (_, h), (_, w)] => Some((Some(*d), *h, *w)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Sides of grids and kernels beyond which nothing is drawn tap by tap.
const MAX_DRAWN: u64 = 1 << 20;

/// A region of the network's input: rows and columns, inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub rows: (u64, u64),
    pub cols: (u64, u64),
}

/// The region of the network's input that output cell `cell` of top-level
/// layer `index` depends on, through every layer before it: padding left
/// out, clipped at the borders. `None` when the network has no image input,
/// the layer or one before it cannot be computed, or the cell is outside
/// its output.
pub fn receptive_region(
    net: &Network,
    analysis: &Analysis,
    index: usize,
    cell: [u64; 2],
) -> Option<Region> {
    let Shape::Image { h, w, .. } = net.input else {
        return None;
    };
    let Shape::Image { h: oh, w: ow, .. } = analysis.rows.get(index)?.output? else {
        return None;
    };
    if cell[0] >= oh || cell[1] >= ow {
        return None;
    }
    let mut region = Region {
        rows: (cell[0], cell[0]),
        cols: (cell[1], cell[1]),
    };
    for i in (0..=index).rev() {
        let row = &analysis.rows[i];
        region = back(&net.layers[i], row.input?, &row.inner, region)?;
    }
    Some(clip(region, Hw { h, w }))
}

fn clip(r: Region, hw: Hw) -> Region {
    let c = |(a, b): (u64, u64), n: u64| (a.min(n - 1), b.min(n - 1));
    Region {
        rows: c(r.rows, hw.h),
        cols: c(r.cols, hw.w),
    }
}

/// What `layer`, seeing `input`, needs of it for `region` of its output.
fn back(
    layer: &Layer,
    input: Shape,
    inner: &[Vec<crate::engine::Row>],
    region: Region,
) -> Option<Region> {
    let Shape::Image { h, w, .. } = input else {
        // A vector in: every pixel before it counts.
        return Some(Region {
            rows: (0, u64::MAX),
            cols: (0, u64::MAX),
        });
    };
    let whole = Region {
        rows: (0, h - 1),
        cols: (0, w - 1),
    };
    let hw = Hw { h, w };
    let range = |lo: i128, hi: i128, n: u64| -> Option<(u64, u64)> {
        let lo = lo.max(0);
        let hi = hi.min(i128::from(n) - 1);
        (lo <= hi).then_some((lo as u64, hi as u64))
    };
    Some(match layer.spatial() {
        Spatial::Window { axes: 2, .. } => {
            let [ah, aw] = axes(layer, hw);
            let axis = |a: crate::engine::Axis, (lo, hi): (u64, u64)| -> Option<(u64, u64)> {
                let AxisFit::Fits(out) = a.output() else {
                    return None;
                };
                let (s, p) = (i128::from(a.stride), i128::from(out.pad.0));
                let (d, k, n) = (
                    i128::from(a.dilation),
                    i128::from(a.kernel),
                    i128::from(a.input),
                );
                // The first and last input pixel (not padding) cell o reads:
                // with dilation the window may skip the pixels at the edges.
                let real = |o: i128| -> Option<(i128, i128)> {
                    let start = o * s - p;
                    let first = if start >= 0 { 0 } else { (-start + d - 1) / d };
                    let last = (k - 1).min((n - 1 - start).div_euclid(d));
                    (first <= last).then(|| (start + first * d, start + last * d))
                };
                let (lo, hi) = (i128::from(lo), i128::from(hi));
                // Cells further in only start later: stop at the first one
                // that starts inside the input (and, from the end, at the
                // first that ends inside it).
                let mut first: Option<i128> = None;
                for o in lo..=hi {
                    if let Some((f, _)) = real(o) {
                        first = Some(first.map_or(f, |x: i128| x.min(f)));
                    }
                    if o * s - p >= 0 {
                        break;
                    }
                }
                let mut last: Option<i128> = None;
                for o in (lo..=hi).rev() {
                    if let Some((_, l)) = real(o) {
                        last = Some(last.map_or(l, |x: i128| x.max(l)));
                    }
                    if o * s - p + (k - 1) * d < n {
                        break;
                    }
                }
                range(first?, last?, a.input)
            };
            Region {
                rows: axis(ah, region.rows)?,
                cols: axis(aw, region.cols)?,
            }
        }
        Spatial::Transpose => {
            let pad = match layer.padding {
                Padding::Explicit(p) => p,
                _ => Hw::square(0),
            };
            let axis = |(lo, hi): (u64, u64), n: u64, k: u64, s: u64, p: u64, d: u64| {
                // Input i reaches outputs i·s − p + j·d for j < k: the
                // first and last inputs that reach any output in lo..=hi
                // (with dilation some outputs are reached by none).
                let (lo, hi) = (i128::from(lo), i128::from(hi));
                let (s, p, d, k) = (i128::from(s), i128::from(p), i128::from(d), i128::from(k));
                let reaches = |i: i128| {
                    let start = i * s - p;
                    let first = lo.max(start);
                    // The first tap at or after `first`.
                    let tap = start + (first - start + d - 1).div_euclid(d) * d;
                    tap <= hi.min(start + (k - 1) * d)
                };
                let from = ((lo + p - (k - 1) * d).div_euclid(s)).max(0);
                let to = ((hi + p).div_euclid(s)).min(i128::from(n) - 1);
                let first = (from..=to).find(|&i| reaches(i))?;
                let last = (from..=to).rev().find(|&i| reaches(i))?;
                range(first, last, n)
            };
            let (k, s, d) = (layer.kernel, layer.stride(), layer.dilation);
            Region {
                rows: axis(region.rows, h, k.h, s.h, pad.h, d.h)?,
                cols: axis(region.cols, w, k.w, s.w, pad.w, d.w)?,
            }
        }
        // Output pixel (i, j) reads input pixel (i / r, j / r).
        Spatial::PixelShuffle => {
            let r = layer.extra.factor.get();
            Region {
                rows: (region.rows.0 / r, region.rows.1 / r),
                cols: (region.cols.0 / r, region.cols.1 / r),
            }
        }
        Spatial::Upsample => {
            let s = layer.scale;
            Region {
                rows: (region.rows.0 / s.h, region.rows.1 / s.h),
                cols: (region.cols.0 / s.w, region.cols.1 / s.w),
            }
        }
        Spatial::Adaptive => {
            let o = layer.fixed_output();
            // PyTorch's windows: ⌊i·in/out⌋ to ⌈(i + 1)·in/out⌉ − 1.
            let axis = |(lo, hi): (u64, u64), n: u64, out: u64| {
                let (n, out) = (u128::from(n), u128::from(out));
                let first = u128::from(lo) * n / out;
                let last = ((u128::from(hi) + 1) * n).div_ceil(out) - 1;
                (first as u64, last as u64)
            };
            Region {
                rows: axis(region.rows, h, o.h),
                cols: axis(region.cols, w, o.w),
            }
        }
        Spatial::ZeroPad => {
            let s = layer.sides;
            let shift = |(lo, hi): (u64, u64), before: u64, n: u64| {
                range(
                    i128::from(lo) - i128::from(before),
                    i128::from(hi) - i128::from(before),
                    n,
                )
            };
            Region {
                rows: shift(region.rows, s.top, h)?,
                cols: shift(region.cols, s.left, w)?,
            }
        }
        // 1-D and 3-D windows never see an image.
        Spatial::Ends | Spatial::Window { .. } => whole,
        Spatial::Block => {
            // The body, repetition by repetition from the last (each
            // repetition's shapes as the first's: blocks keep their size).
            let (Some(body), Some(rows)) = (layer.branches.first(), inner.first()) else {
                return Some(region);
            };
            let mut region = region;
            for _ in 0..layer.repeat.get().min(u64::from(u16::MAX)) {
                region = through(body, rows, region)?;
            }
            region
        }
        Spatial::Merge(_) => {
            // Every branch reads the input: the union of what each needs.
            let mut all: Option<Region> = None;
            for (b, branch) in layer.branches.iter().enumerate() {
                let rows = inner.get(b).map_or(&[][..], Vec::as_slice);
                let r = through(branch, rows, region)?;
                all = Some(match all {
                    None => r,
                    Some(a) => Region {
                        rows: (a.rows.0.min(r.rows.0), a.rows.1.max(r.rows.1)),
                        cols: (a.cols.0.min(r.cols.0), a.cols.1.max(r.cols.1)),
                    },
                });
            }
            all.unwrap_or(region)
        }
        Spatial::Pointwise => region,
    })
    .map(|r| clip(r, hw))
}

/// `region` of what leaves `layers` walked back to what enters them.
fn through(layers: &[Layer], rows: &[crate::engine::Row], mut region: Region) -> Option<Region> {
    for (layer, row) in layers.iter().zip(rows).rev() {
        region = back(layer, row.input?, &row.inner, region)?;
    }
    Some(region)
}
