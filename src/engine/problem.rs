//! Why a layer cannot be computed, and what a valid layer leaves out:
//! the engine's verdicts, in words and numbers for people.

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
        let what = match (rows > 0, cols > 0) {
            (true, true) => t!("dropped-rows-and-columns", rows = rows, cols = cols),
            (true, false) => t!("dropped-rows", rows = rows),
            _ => t!("dropped-columns", cols = cols),
        };
        f.write_str(&t!("dropped", what = what))
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
        let hw = |x: Hw| format!("{}×{}", x.h, x.w);
        let text = match *self {
            Problem::ShrunkTooFar {
                input,
                padding,
                kernel,
                span,
                pooling,
            } => {
                let window = if pooling {
                    t!("problem-pooling-window", kernel = hw(kernel))
                } else {
                    t!("problem-kernel", kernel = hw(kernel))
                };
                let padded = hw(Hw {
                    h: input.h.saturating_add(padding.h.saturating_mul(2)),
                    w: input.w.saturating_add(padding.w.saturating_mul(2)),
                });
                let mut text = if padding == Hw::square(0) {
                    t!("problem-shrunk", input = hw(input), window = window)
                } else {
                    t!(
                        "problem-shrunk-padded",
                        padded = padded,
                        input = hw(input),
                        padding = padding.to_string(),
                        window = window
                    )
                };
                if span != kernel {
                    text.push_str(&t!("problem-dilated-span", span = hw(span)));
                }
                text
            }
            Problem::NeedsImage { kind, got } => {
                t!(
                    "problem-needs-image",
                    kind = kind.name(),
                    got = got.to_string()
                )
            }
            Problem::NeedsFlat { got } => t!("problem-needs-flat", got = got.to_string()),
            Problem::Groups {
                groups,
                channels,
                filters,
            } => t!(
                "problem-groups",
                groups = groups.to_string(),
                channels = channels.to_string(),
                filters = filters.to_string()
            ),
            Problem::PoolPadding { padding, kernel } => t!(
                "problem-pool-padding",
                padding = padding.to_string(),
                kernel = hw(kernel),
                half = Hw {
                    h: kernel.h / 2,
                    w: kernel.w / 2,
                }
                .to_string()
            ),
            Problem::TooLarge { what } => {
                t!(
                    "problem-too-large",
                    what = crate::i18n::text(&format!("count-{what}").replace(' ', "-"))
                )
            }
        };
        f.write_str(&text)
    }
}
