//! Why a layer cannot be computed, and what a valid layer leaves out:
//! the engine's verdicts, in words and numbers for people.

use crate::lang::{self, Lang, plural_ru};
use crate::layer::{Hw, Kind};
use crate::network::Shape;
use std::fmt;

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
