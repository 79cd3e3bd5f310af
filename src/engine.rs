//! Shape inference and parameter counting: `analyze(&Network) -> Analysis`.
//!
//! Pure and allocation-light (one `Vec` of plain rows), because the explorer
//! runs it on every keystroke. The output-size rules are PyTorch's for integer
//! padding (including `ceil_mode`) and Keras/TensorFlow's for `"same"` and
//! `"valid"`. Every multiplication and sum is checked: absurd sizes become a
//! `TooLarge` error on that layer, never a wrapped number or a panic.
//! Human-readable formulas live in `explain`, built only for the layer shown.

use crate::lang::{self, Lang, plural_ru};
use crate::layer::{Hw, Kind, Layer, Padding};
use crate::network::{Kernels, Network, Shape};
use std::fmt;

/// Bytes per value: layerlab sizes memory for float32.
pub const BYTES_PER_VALUE: u64 = 4;

/// What the engine found for a whole network.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// One row per layer, in order (the input is not a row).
    pub rows: Vec<Row>,
    pub totals: Totals,
    /// Index (0-based) of the first broken layer.
    pub error_at: Option<usize>,
}

/// What the engine found for one layer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Row {
    pub input: Option<Shape>,
    pub output: Option<Shape>,
    pub params: Option<u64>,
    pub macs: Option<u64>,
    pub receptive_field: Option<ReceptiveField>,
    pub status: Status,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Status {
    Ok,
    /// Valid, but the window does not tile the input: pixels are ignored.
    Warning(Dropped),
    /// This layer cannot be computed; the reason says why.
    Error(Problem),
    /// An earlier layer is broken, so this one has no input.
    Unreachable,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warning(_) => "warning",
            Status::Error(_) => "error",
            Status::Unreachable => "unreachable",
        }
    }

    /// The message shown beside the row, if any.
    pub fn message(self) -> Option<String> {
        match self {
            Status::Ok | Status::Unreachable => None,
            Status::Warning(d) => Some(d.to_string()),
            Status::Error(p) => Some(p.to_string()),
        }
    }
}

/// Input rows and columns that no window reaches, because the last window
/// ends before the image does (the division rounded down).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dropped {
    pub rows: u64,
    pub cols: u64,
}

impl fmt::Display for Dropped {
    /// `drops the last 1 row and 2 columns: the window does not tile the input`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (rows, cols) = (self.rows, self.cols);
        let parts: Vec<String> = match lang::get() {
            Lang::En => {
                let count = |n: u64, one: &str, many: &str| {
                    format!("{n} {}", if n == 1 { one } else { many })
                };
                [
                    (rows > 0).then(|| count(rows, "row", "rows")),
                    (cols > 0).then(|| count(cols, "column", "columns")),
                ]
                .into_iter()
                .flatten()
                .collect()
            }
            Lang::Ru => [
                (rows > 0)
                    .then(|| format!("{rows} {}", plural_ru(rows, "строку", "строки", "строк"))),
                (cols > 0).then(|| {
                    format!(
                        "{cols} {}",
                        plural_ru(cols, "столбец", "столбца", "столбцов")
                    )
                }),
            ]
            .into_iter()
            .flatten()
            .collect(),
        };
        match lang::get() {
            Lang::En => write!(
                f,
                "drops the last {}: the window does not tile the input",
                parts.join(" and ")
            ),
            Lang::Ru => write!(
                f,
                "теряет последние {}: окно не укладывается во вход целиком",
                parts.join(" и ")
            ),
        }
    }
}

/// How much of the input image one output value sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReceptiveField {
    /// `size` input pixels; neighbouring outputs are `jump` pixels apart.
    Local { size: Hw, jump: Hw },
    /// After flatten, dense or global pooling: the whole input.
    Global,
}

impl fmt::Display for ReceptiveField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReceptiveField::Local { size, jump } => {
                write!(f, "{}×{} /{}", size.h, size.w, jump)
            }
            ReceptiveField::Global => write!(f, "{}", lang::tr("all", "всё")),
        }
    }
}

/// Why a layer cannot be computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The (padded) input is smaller than the (dilated) window.
    ShrunkTooFar {
        input: Hw,
        /// Zeros added on each side (explicit padding only).
        padding: Hw,
        kernel: Hw,
        /// The window's span after dilation.
        span: Hw,
        pooling: bool,
    },
    /// A conv or pooling layer placed after the image was flattened.
    NeedsImage { kind: Kind, got: u64 },
    /// A dense layer given an image: it needs `flatten` first.
    NeedsFlat { got: Shape },
    /// `groups` does not divide the input channels and the filters.
    Groups {
        groups: u64,
        channels: u64,
        filters: u64,
    },
    /// PyTorch refuses pooling padding above half the window.
    PoolPadding { padding: Hw, kernel: Hw },
    /// A number past 2^64: `what` says which.
    TooLarge { what: &'static str },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ru = lang::get() == Lang::Ru;
        match *self {
            Problem::ShrunkTooFar {
                input,
                padding,
                kernel,
                span,
                pooling,
            } => {
                let (i, k) = (
                    format!("{}×{}", input.h, input.w),
                    format!("{}×{}", kernel.h, kernel.w),
                );
                let padded = format!(
                    "{}×{}",
                    input.h.saturating_add(padding.h.saturating_mul(2)),
                    input.w.saturating_add(padding.w.saturating_mul(2))
                );
                match (ru, padding == Hw::square(0)) {
                    (false, true) => write!(f, "input {i} is smaller than the {k} ")?,
                    (false, false) => write!(
                        f,
                        "padded input {padded} ({i} plus padding {padding}) is smaller than the {k} "
                    )?,
                    (true, true) => write!(f, "вход {i} меньше ")?,
                    (true, false) => write!(
                        f,
                        "вход с дополнением {padded} ({i} и дополнение {padding}) меньше "
                    )?,
                }
                match (ru, pooling) {
                    (false, true) => write!(f, "pooling window")?,
                    (false, false) => write!(f, "kernel")?,
                    (true, true) => write!(f, "окна пулинга {k}")?,
                    (true, false) => write!(f, "ядра {k}")?,
                }
                if span != kernel {
                    let s = format!("{}×{}", span.h, span.w);
                    match ru {
                        false => write!(f, " (which dilation spreads over {s})")?,
                        true => write!(f, " (с прореживанием оно занимает {s})")?,
                    }
                }
                Ok(())
            }
            Problem::NeedsImage { kind, got } => match ru {
                false => write!(
                    f,
                    "{} needs an image (C×H×W) but gets a flat vector of {got}: move it before `flatten`",
                    kind.name()
                ),
                true => write!(
                    f,
                    "{} нужна картинка (C×H×W), а на входе вектор длины {got}: поставьте слой до `flatten`",
                    kind.name()
                ),
            },
            Problem::NeedsFlat { got } => match ru {
                false => write!(
                    f,
                    "dense needs a flat vector but gets {got}: add a `flatten` layer before it"
                ),
                true => write!(
                    f,
                    "dense нужен вектор, а на входе {got}: добавьте перед ним слой `flatten`"
                ),
            },
            Problem::Groups {
                groups,
                channels,
                filters,
            } => match ru {
                false => write!(
                    f,
                    "groups = {groups} must divide both the input channels ({channels}) and the filters ({filters})"
                ),
                true => write!(
                    f,
                    "groups = {groups} должно делить и число входных каналов ({channels}), и число фильтров ({filters})"
                ),
            },
            Problem::PoolPadding { padding, kernel } => {
                let half = Hw {
                    h: kernel.h / 2,
                    w: kernel.w / 2,
                };
                match ru {
                    false => write!(
                        f,
                        "padding {padding} is more than half the {}×{} window (at most {half}); PyTorch refuses it",
                        kernel.h, kernel.w
                    ),
                    true => write!(
                        f,
                        "дополнение {padding} больше половины окна {}×{} (не больше {half}); PyTorch такое не примет",
                        kernel.h, kernel.w
                    ),
                }
            }
            Problem::TooLarge { what } => match ru {
                false => write!(f, "the {what} is too large to count (over 2^64)"),
                true => write!(
                    f,
                    "{} слишком велико, не сосчитать (больше 2^64)",
                    too_large_ru(what)
                ),
            },
        }
    }
}

/// The Russian for what `TooLarge` names.
fn too_large_ru(what: &str) -> &'static str {
    match what {
        "total parameter count" => "общее число параметров",
        "total MAC count" => "общее число умножений-сложений",
        "parameter count" => "число параметров",
        "MAC count" => "число умножений-сложений",
        "flattened vector" => "длина вытянутого вектора",
        "receptive field" => "рецептивное поле",
        "kernel" => "ядро",
        _ => "окно",
    }
}

/// Network-wide sums. `None` where a layer is broken or a sum overflowed.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Totals {
    pub params: Option<u64>,
    pub macs: Option<u64>,
    /// Weights as float32.
    pub weight_bytes: Option<u64>,
    /// The input and every layer's output as float32, for one image.
    pub activation_bytes: Option<u64>,
}

/// Infers every layer's shape and counts its parameters.
pub fn analyze(net: &Network) -> Analysis {
    let mut analysis = Analysis {
        rows: Vec::new(),
        totals: Totals::default(),
        error_at: None,
    };
    analyze_from(net, &mut analysis, 0);
    analysis
}

/// Brings `out` up to date for `net` when only layers from `start` on (and
/// not the input or the kernel convention) differ from the network `out` was
/// computed for. The explorer calls this on every keystroke: the rows above
/// the edit are kept, so an edit low in a 10,000-layer network is cheap.
pub fn analyze_from(net: &Network, out: &mut Analysis, start: usize) {
    let start = start.min(out.rows.len()).min(net.layers.len());
    let rows = &mut out.rows;
    rows.truncate(start);
    rows.reserve(net.layers.len() - start);
    let mut error_at = out.error_at.filter(|&e| e < start);
    let mut flow = match rows.last() {
        None => Some((
            net.input,
            ReceptiveField::Local {
                size: Hw::square(1),
                jump: Hw::square(1),
            },
        )),
        Some(r) => r.output.zip(r.receptive_field),
    };
    let mut sums = Sums::start(net.input);
    for r in rows.iter() {
        if let (Some(params), Some(macs), Some(output)) = (r.params, r.macs, r.output) {
            // These sums succeeded when the rows were made.
            let _ = sums.add(params, macs, output);
        }
    }
    for (i, layer) in net.layers.iter().enumerate().skip(start) {
        let Some((input, rf)) = flow else {
            rows.push(Row::unreachable());
            continue;
        };
        let computed = step(layer, input, net.kernels)
            .and_then(|s| Ok((s, next_receptive_field(rf, layer, s.output)?)))
            .and_then(|(s, rf)| sums.add(s.params, s.macs, s.output).map(|()| (s, rf)));
        match computed {
            Ok((s, next_rf)) => {
                rows.push(Row {
                    input: Some(input),
                    output: Some(s.output),
                    params: Some(s.params),
                    macs: Some(s.macs),
                    receptive_field: Some(next_rf),
                    status: s.dropped.map_or(Status::Ok, Status::Warning),
                });
                flow = Some((s.output, next_rf));
            }
            Err(problem) => {
                rows.push(Row {
                    input: Some(input),
                    status: Status::Error(problem),
                    ..Row::unreachable()
                });
                error_at = Some(i);
                flow = None;
            }
        }
    }
    out.totals = if error_at.is_some() {
        Totals::default()
    } else {
        sums.totals()
    };
    out.error_at = error_at;
}

impl Row {
    fn unreachable() -> Row {
        Row {
            input: None,
            output: None,
            params: None,
            macs: None,
            receptive_field: None,
            status: Status::Unreachable,
        }
    }
}

/// Running sums, checked as they grow.
struct Sums {
    params: u64,
    macs: u64,
    activations: Option<u64>,
}

impl Sums {
    fn start(input: Shape) -> Sums {
        Sums {
            params: 0,
            macs: 0,
            activations: input.elements(),
        }
    }

    fn add(&mut self, params: u64, macs: u64, output: Shape) -> Result<(), Problem> {
        let too_large = |what| Problem::TooLarge { what };
        self.params = (self.params)
            .checked_add(params)
            .ok_or(too_large("total parameter count"))?;
        self.macs = (self.macs)
            .checked_add(macs)
            .ok_or(too_large("total MAC count"))?;
        // Memory overflowing is not a reason to refuse a layer: its total is just unknown.
        self.activations = (self.activations).and_then(|a| a.checked_add(output.elements()?));
        Ok(())
    }

    fn totals(&self) -> Totals {
        Totals {
            params: Some(self.params),
            macs: Some(self.macs),
            weight_bytes: self.params.checked_mul(BYTES_PER_VALUE),
            activation_bytes: self
                .activations
                .and_then(|a| a.checked_mul(BYTES_PER_VALUE)),
        }
    }
}

/// One computed layer.
#[derive(Clone, Copy, Debug)]
struct Step {
    output: Shape,
    params: u64,
    macs: u64,
    dropped: Option<Dropped>,
}

impl Step {
    fn passthrough(shape: Shape) -> Step {
        Step {
            output: shape,
            params: 0,
            macs: 0,
            dropped: None,
        }
    }
}

fn step(layer: &Layer, input: Shape, kernels: Kernels) -> Result<Step, Problem> {
    let too_large = |what| Problem::TooLarge { what };
    match layer.kind {
        Kind::Conv2d | Kind::MaxPool | Kind::AvgPool => {
            let Shape::Image { c, h, w } = input else {
                let got = input.elements().unwrap_or(u64::MAX);
                return Err(Problem::NeedsImage {
                    kind: layer.kind,
                    got,
                });
            };
            let (oh, ow) = window_output(layer, Hw { h, w })?;
            let dropped = Dropped {
                rows: oh.dropped,
                cols: ow.dropped,
            };
            let dropped = (dropped.rows > 0 || dropped.cols > 0).then_some(dropped);
            if layer.kind.is_pool() {
                let output = Shape::Image {
                    c,
                    h: oh.size,
                    w: ow.size,
                };
                return Ok(Step {
                    dropped,
                    ..Step::passthrough(output)
                });
            }
            let (filters, groups) = (layer.filters, layer.groups);
            if c % groups != 0 || filters % groups != 0 {
                return Err(Problem::Groups {
                    groups,
                    channels: c,
                    filters,
                });
            }
            let k = layer.kernel;
            let window = k.h.checked_mul(k.w).ok_or(too_large("kernel"))?;
            let per_filter = match kernels {
                Kernels::Full => window.checked_mul(c / groups),
                Kernels::Shared => Some(window),
            }
            .ok_or(too_large("parameter count"))?;
            let params = per_filter
                .checked_add(u64::from(layer.bias))
                .and_then(|n| n.checked_mul(filters))
                .ok_or(too_large("parameter count"))?;
            // Every output value is one dot product over the full-depth window,
            // whichever way the kernels are counted.
            let macs = [oh.size, ow.size, filters, window, c / groups]
                .into_iter()
                .try_fold(1u64, u64::checked_mul)
                .ok_or(too_large("MAC count"))?;
            let output = Shape::Image {
                c: filters,
                h: oh.size,
                w: ow.size,
            };
            Ok(Step {
                output,
                params,
                macs,
                dropped,
            })
        }
        Kind::Flatten => {
            let n = input.elements().ok_or(too_large("flattened vector"))?;
            Ok(Step::passthrough(Shape::Flat(n)))
        }
        Kind::Dense => {
            let Shape::Flat(n) = input else {
                return Err(Problem::NeedsFlat { got: input });
            };
            let units = layer.units;
            let params = n
                .checked_add(u64::from(layer.bias))
                .and_then(|x| x.checked_mul(units))
                .ok_or(too_large("parameter count"))?;
            let macs = n.checked_mul(units).ok_or(too_large("MAC count"))?;
            Ok(Step {
                output: Shape::Flat(units),
                params,
                macs,
                dropped: None,
            })
        }
        Kind::BatchNorm => {
            let features = match input {
                Shape::Image { c, .. } => c,
                Shape::Flat(n) => n,
            };
            let params = features
                .checked_mul(2)
                .ok_or(too_large("parameter count"))?;
            Ok(Step {
                params,
                ..Step::passthrough(input)
            })
        }
        Kind::GlobalAvgPool => match input {
            Shape::Image { c, .. } => Ok(Step::passthrough(Shape::Flat(c))),
            Shape::Flat(n) => Err(Problem::NeedsImage {
                kind: layer.kind,
                got: n,
            }),
        },
        Kind::Dropout | Kind::Relu | Kind::Sigmoid | Kind::Tanh | Kind::Softmax => {
            Ok(Step::passthrough(input))
        }
    }
}

/// One spatial axis of a sliding window, as the engine and `explain` see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Axis {
    pub input: u64,
    pub kernel: u64,
    pub stride: u64,
    pub dilation: u64,
    pub rule: AxisRule,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AxisRule {
    /// PyTorch: `pad` zeros each side; `ceil` rounds up (pooling's `ceil_mode`).
    Explicit { pad: u64, ceil: bool },
    /// Keras/TensorFlow `"same"`.
    Same,
}

/// Whether a window fits along one axis, and what it computes to if so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AxisFit {
    Fits(AxisOutput),
    /// The padded input is smaller than the window's span.
    TooSmall,
    /// A number went past 2^64.
    Overflow,
}

/// What one axis of a window computes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AxisOutput {
    pub size: u64,
    /// Input pixels past the last window.
    pub dropped: u64,
    /// PyTorch's `ceil_mode` dropped a last window that would start in the padding.
    pub ceil_dropped_last: bool,
    /// Zeros the windows reach before and after the input: what a framework
    /// without `"same"` or `ceil_mode` must pad to compute the same windows.
    pub pad: (u64, u64),
}

impl Axis {
    /// The window's span after dilation: d·(k − 1) + 1.
    pub fn span(&self) -> Option<u64> {
        self.dilation.checked_mul(self.kernel - 1)?.checked_add(1)
    }

    /// The output size, or why there is none.
    pub fn output(&self) -> AxisFit {
        let Some(span) = self.span() else {
            return AxisFit::Overflow;
        };
        let (s, input) = (self.stride, self.input);
        match self.rule {
            AxisRule::Same => {
                let size = input.div_ceil(s);
                // TensorFlow puts the smaller half of the padding first.
                let covered = (size - 1).checked_mul(s).and_then(|x| x.checked_add(span));
                let Some(covered) = covered else {
                    return AxisFit::Overflow;
                };
                let pad_total = covered.saturating_sub(input);
                let pad_before = pad_total / 2;
                let dropped = (pad_before + input).saturating_sub(covered);
                AxisFit::Fits(AxisOutput {
                    size,
                    dropped,
                    ceil_dropped_last: false,
                    pad: (pad_before, pad_total - pad_before),
                })
            }
            AxisRule::Explicit { pad, ceil } => {
                let Some(padded) = pad.checked_mul(2).and_then(|p| p.checked_add(input)) else {
                    return AxisFit::Overflow;
                };
                // PyTorch's pooling_output_shape: ⌊(padded − span + (s − 1 if
                // ceil)) / s⌋ + 1, rounding toward −∞, and at least 1. With
                // ceil_mode the window may overhang an input smaller than it.
                let extra = if ceil { s - 1 } else { 0 };
                let room = i128::from(padded) - i128::from(span) + i128::from(extra);
                let size = room.div_euclid(i128::from(s)) + 1;
                if size < 1 {
                    return AxisFit::TooSmall;
                }
                // size ≤ padded + 1: it fits in a u64.
                let mut size = size as u64;
                let mut ceil_dropped_last = false;
                // PyTorch: with ceil_mode the last window must start inside the
                // image or its left padding, not in the right padding.
                if ceil
                    && (size - 1)
                        .checked_mul(s)
                        .is_none_or(|start| start >= input + pad)
                {
                    size -= 1;
                    ceil_dropped_last = true;
                }
                let covered = ((size - 1) * s).saturating_add(span);
                let dropped = (pad + input).saturating_sub(covered);
                // With ceil_mode the last window may hang past the right padding.
                let after = covered.saturating_sub(input + pad).max(pad);
                AxisFit::Fits(AxisOutput {
                    size,
                    dropped,
                    ceil_dropped_last,
                    pad: (pad, after),
                })
            }
        }
    }
}

/// The two axes of a conv or pooling layer on an input of `hw`.
pub fn axes(layer: &Layer, hw: Hw) -> [Axis; 2] {
    let stride = layer.stride();
    let dilation = if layer.kind.is_conv() {
        layer.dilation
    } else {
        Hw::square(1)
    };
    let ceil = layer.kind.is_pool() && layer.ceil_mode;
    let rule = |pad: fn(Hw) -> u64| match layer.padding {
        Padding::Same => AxisRule::Same,
        Padding::Valid => AxisRule::Explicit { pad: 0, ceil },
        Padding::Explicit(p) => AxisRule::Explicit { pad: pad(p), ceil },
    };
    [
        Axis {
            input: hw.h,
            kernel: layer.kernel.h,
            stride: stride.h,
            dilation: dilation.h,
            rule: rule(|p| p.h),
        },
        Axis {
            input: hw.w,
            kernel: layer.kernel.w,
            stride: stride.w,
            dilation: dilation.w,
            rule: rule(|p| p.w),
        },
    ]
}

fn window_output(layer: &Layer, hw: Hw) -> Result<(AxisOutput, AxisOutput), Problem> {
    let too_large = Problem::TooLarge { what: "window" };
    if layer.kind.is_pool()
        && let Padding::Explicit(p) = layer.padding
        && (p.h > layer.kernel.h / 2 || p.w > layer.kernel.w / 2)
    {
        return Err(Problem::PoolPadding {
            padding: p,
            kernel: layer.kernel,
        });
    }
    let [ah, aw] = axes(layer, hw);
    match (ah.output(), aw.output()) {
        (AxisFit::Fits(h), AxisFit::Fits(w)) => Ok((h, w)),
        (AxisFit::TooSmall, _) | (_, AxisFit::TooSmall) => Err(Problem::ShrunkTooFar {
            input: hw,
            padding: match layer.padding {
                Padding::Explicit(p) => p,
                _ => Hw::square(0),
            },
            kernel: layer.kernel,
            span: Hw {
                h: ah.span().ok_or(too_large)?,
                w: aw.span().ok_or(too_large)?,
            },
            pooling: layer.kind.is_pool(),
        }),
        _ => Err(too_large),
    }
}

fn next_receptive_field(
    rf: ReceptiveField,
    layer: &Layer,
    output: Shape,
) -> Result<ReceptiveField, Problem> {
    let ReceptiveField::Local { size, jump } = rf else {
        return Ok(ReceptiveField::Global);
    };
    if !matches!(output, Shape::Image { .. }) {
        return Ok(ReceptiveField::Global);
    }
    if !layer.kind.has_window() {
        return Ok(rf);
    }
    let too_large = Problem::TooLarge {
        what: "receptive field",
    };
    let [ah, aw] = axes(layer, Hw::square(1));
    // Each layer widens the field by (span − 1) steps of the incoming jump.
    let grow = |size: u64, jump: u64, axis: Axis| -> Option<(u64, u64)> {
        let widened = size.checked_add(axis.span()?.checked_sub(1)?.checked_mul(jump)?)?;
        Some((widened, jump.checked_mul(axis.stride)?))
    };
    let (sh, jh) = grow(size.h, jump.h, ah).ok_or(too_large)?;
    let (sw, jw) = grow(size.w, jump.w, aw).ok_or(too_large)?;
    Ok(ReceptiveField::Local {
        size: Hw { h: sh, w: sw },
        jump: Hw { h: jh, w: jw },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(input: u64, kernel: u64, stride: u64, dilation: u64, rule: AxisRule) -> Axis {
        Axis {
            input,
            kernel,
            stride,
            dilation,
            rule,
        }
    }

    fn explicit(pad: u64, ceil: bool) -> AxisRule {
        AxisRule::Explicit { pad, ceil }
    }

    impl AxisFit {
        fn fits(self) -> AxisOutput {
            match self {
                AxisFit::Fits(o) => o,
                other => panic!("expected a fit, got {other:?}"),
            }
        }
    }

    fn size(a: Axis) -> Option<u64> {
        match a.output() {
            AxisFit::Fits(o) => Some(o.size),
            _ => None,
        }
    }

    #[test]
    fn conv_output_size_is_pytorch_floor_rule() {
        // ⌊(28 + 0 − 5) / 1⌋ + 1 = 24, the problem set's first convolution.
        assert_eq!(size(axis(28, 5, 1, 1, explicit(0, false))), Some(24));
        // ⌊(28 − 5) / 2⌋ + 1 = 12 (problem г).
        assert_eq!(size(axis(28, 5, 2, 1, explicit(0, false))), Some(12));
        // Dilation 2 spreads a 3-tap kernel over 5 pixels: ⌊(15 + 6 − 5) / 1⌋ + 1.
        assert_eq!(size(axis(15, 3, 1, 2, explicit(3, false))), Some(17));
        // Padded 9 < dilated span 13: no output.
        assert_eq!(
            axis(5, 7, 1, 2, explicit(2, false)).output(),
            AxisFit::TooSmall
        );
    }

    #[test]
    fn ceil_mode_drops_a_last_window_that_starts_in_the_padding() {
        // 5 + 2·1 = 7, window 2, stride 2: ⌈5/2⌉ + 1 = 4, but the 4th window
        // would start at 6 ≥ 5 + 1, inside the right padding, so 3.
        let a = axis(5, 2, 2, 1, explicit(1, true)).output().fits();
        assert_eq!(a.size, 3);
        assert!(a.ceil_dropped_last);
        // Without padding the extra window starts inside the image and stays.
        assert_eq!(size(axis(5, 2, 2, 1, explicit(0, true))), Some(3));
        assert_eq!(size(axis(5, 2, 2, 1, explicit(0, false))), Some(2));
    }

    #[test]
    fn ceil_mode_lets_a_window_overhang_an_input_smaller_than_it() {
        // PyTorch: MaxPool2d(3, ceil_mode=True) on 2×4 gives 1×2 (stride 3):
        // ⌊(2 − 3 + 2) / 3⌋ + 1 = 1. Without ceil_mode it refuses.
        assert_eq!(size(axis(2, 3, 3, 1, explicit(0, true))), Some(1));
        assert_eq!(size(axis(4, 3, 3, 1, explicit(0, true))), Some(2));
        assert_eq!(
            axis(2, 3, 3, 1, explicit(0, false)).output(),
            AxisFit::TooSmall
        );
        // ⌊(1 − 3 + 0) / 1⌋ + 1 = −1: too small even with ceil_mode.
        assert_eq!(
            axis(1, 3, 1, 1, explicit(0, true)).output(),
            AxisFit::TooSmall
        );
    }

    #[test]
    fn same_padding_is_ceil_of_input_over_stride_for_any_stride() {
        assert_eq!(size(axis(28, 5, 1, 1, AxisRule::Same)), Some(28));
        assert_eq!(size(axis(19, 1, 3, 1, AxisRule::Same)), Some(7));
        assert_eq!(size(axis(1, 9, 4, 3, AxisRule::Same)), Some(1));
    }

    #[test]
    fn dropped_pixels_count_only_real_rows_past_the_last_window() {
        // 24 − 5 = 19 is odd with stride 2: one row is never reached.
        let a = axis(24, 5, 2, 1, explicit(0, false)).output().fits();
        assert_eq!((a.size, a.dropped), (10, 1));
        // 5 + 2 = 7, window 2 stride 2: the dropped row is padding, not image.
        let a = axis(5, 2, 2, 1, explicit(1, false)).output().fits();
        assert_eq!((a.size, a.dropped), (3, 0));
        // 'same' with stride 3 and a 1×1 kernel skips the last row of 5.
        let a = axis(5, 1, 3, 1, AxisRule::Same).output().fits();
        assert_eq!((a.size, a.dropped), (2, 1));
    }

    #[test]
    fn huge_numbers_are_reported_not_wrapped() {
        assert_eq!(
            axis(5, u64::MAX / 2, 1, 4, explicit(0, false)).output(),
            AxisFit::Overflow
        );
        assert_eq!(
            axis(5, 3, 1, 1, explicit(u64::MAX / 2 + 1, false)).output(),
            AxisFit::Overflow
        );
    }
}
