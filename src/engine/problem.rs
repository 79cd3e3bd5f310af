//! Why a layer cannot be computed, and what a valid layer leaves out: the
//! engine's verdicts, as data. `words` says them in the reader's language.

use crate::layer::{Hw, Kind};
use crate::network::Shape;

/// Input rows and columns that no window reaches, because the last window
/// ends before the image does (the division rounded down).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dropped {
    pub rows: u64,
    pub cols: u64,
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
