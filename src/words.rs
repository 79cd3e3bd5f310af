//! The engine's findings in words, in the reader's language: why a layer
//! cannot be computed, what a window leaves out, how far a value sees. The
//! engine itself knows no language; the tables, the explorer, the JSON and
//! the exporters ask here.

use crate::engine::{Dropped, NdAxis, Problem, ReceptiveField, Status, Want};
use crate::layer::{Hw, Kind};
use crate::network::Shape;
use crate::units::thousands;

/// The message beside a row, if it has one.
pub fn status(status: Status) -> Option<String> {
    match status {
        Status::Ok | Status::Unreachable => None,
        Status::Warning(d) => Some(dropped(&d)),
        Status::Error(p) => Some(problem(&p)),
    }
}

/// `drops the last 1 row and 2 columns: the window does not tile the input`
pub fn dropped(d: &Dropped) -> String {
    let (rows, cols) = (d.rows, d.cols);
    if d.samples > 0 {
        return t!("dropped", what = t!("dropped-samples", samples = d.samples));
    }
    let what = match (rows > 0, cols > 0) {
        (true, true) => t!("dropped-rows-and-columns", rows = rows, cols = cols),
        (true, false) => t!("dropped-rows", rows = rows),
        _ => t!("dropped-columns", cols = cols),
    };
    t!("dropped", what = what)
}

/// Why a layer cannot be computed, with its numbers.
pub fn problem(p: &Problem) -> String {
    let hw = |x: Hw| format!("{}×{}", x.h, x.w);
    match *p {
        Problem::ShrunkTooFar {
            input,
            padding,
            kernel,
            span,
            pooling,
        } => {
            let window = window_words(pooling, hw(kernel));
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
        Problem::Inputs { want, got } => t!(
            "problem-inputs",
            want = crate::units::thousands(want),
            got = crate::units::thousands(got),
            n = want.to_string()
        ),
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
        Problem::Mismatch {
            kind,
            first,
            branch,
            other,
        } => {
            let (first, branch, other) = (first.to_string(), branch.to_string(), other.to_string());
            if kind == Kind::Add {
                t!(
                    "problem-mismatch-add",
                    first = first,
                    branch = branch,
                    other = other
                )
            } else {
                t!(
                    "problem-mismatch-concat",
                    first = first,
                    branch = branch,
                    other = other
                )
            }
        }
        Problem::NoBranches { kind } => t!("problem-no-branches", kind = kind.name()),
        Problem::Inside {
            kind,
            branch,
            index,
            repetition,
        } => {
            let index = (index + 1).to_string();
            match (kind, repetition) {
                (Kind::Block, Some(r)) => {
                    t!(
                        "problem-inside-repetition",
                        index = index,
                        repetition = r.to_string()
                    )
                }
                (Kind::Block, None) => t!("problem-inside-block", index = index),
                _ => t!(
                    "problem-inside-branch",
                    index = index,
                    branch = (branch + 1).to_string()
                ),
            }
        }
        Problem::OutputPadding {
            output_padding,
            stride,
            dilation,
        } => t!(
            "problem-output-padding",
            output_padding = output_padding.to_string(),
            stride = stride.to_string(),
            dilation = dilation.to_string()
        ),
        Problem::Empty { kind } => t!("problem-empty", kind = kind.name()),
        Problem::NeedsExplicitPadding { kind } => {
            t!("problem-needs-explicit-padding", kind = kind.name())
        }
        Problem::TooManyRepetitions { limit } => t!(
            "problem-too-many-repetitions",
            limit = crate::units::thousands(limit)
        ),
        Problem::Needs { kind, want, got } => {
            let want_words = match want {
                Want::Image => t!("want-image"),
                Want::Signal => t!("want-signal"),
                Want::Volume => t!("want-volume"),
                Want::Sequence => t!("want-sequence"),
                Want::Tokens => t!("want-tokens"),
                Want::Map => t!("want-map"),
            };
            let shape = got.to_string();
            let got_words = match got {
                Shape::Flat(n) => t!("got-flat", n = n.to_string()),
                Shape::Matrix { .. } => t!("got-matrix", shape = shape),
                Shape::Image { .. } => t!("got-image", shape = shape),
                Shape::Volume { .. } => t!("got-volume", shape = shape),
            };
            let mut text = t!(
                "problem-needs",
                kind = kind.name(),
                want = want_words,
                got = got_words
            );
            match (want, got) {
                (Want::Sequence, Shape::Flat(_)) => {
                    text.push_str(&t!("problem-needs-fix-embedding"))
                }
                (Want::Tokens | Want::Sequence, Shape::Image { .. } | Shape::Volume { .. }) => {
                    text.push_str(&t!("problem-needs-fix-flatten"))
                }
                _ => {}
            }
            text
        }
        Problem::TooLong { len, max_len } => t!(
            "problem-too-long",
            len = crate::units::thousands(len),
            max_len = crate::units::thousands(max_len)
        ),
        Problem::Heads { dim, heads } => t!(
            "problem-heads",
            dim = dim.to_string(),
            heads = heads.to_string()
        ),
        Problem::AxisTooSmall {
            axis,
            input,
            padding,
            kernel,
            span,
            pooling,
        } => {
            let window = window_words(pooling, kernel.to_string());
            let mut text = if padding == 0 {
                t!(
                    "problem-axis-shrunk",
                    axis = axis_name(axis),
                    input = input.to_string(),
                    window = window
                )
            } else {
                t!(
                    "problem-axis-shrunk-padded",
                    axis = axis_name(axis),
                    padded = input.saturating_add(padding.saturating_mul(2)).to_string(),
                    input = input.to_string(),
                    padding = padding.to_string(),
                    window = window
                )
            };
            if span != kernel {
                text.push_str(&t!("problem-dilated-span", span = span.to_string()));
            }
            text
        }
        Problem::PoolPaddingAxis {
            axis,
            padding,
            kernel,
        } => t!(
            "problem-axis-pool-padding",
            padding = padding.to_string(),
            axis = axis_name(axis),
            kernel = kernel.to_string(),
            half = (kernel / 2).to_string()
        ),
        Problem::Untied { units, features } => t!(
            "problem-untied",
            units = units.to_string(),
            features = features.to_string()
        ),
        Problem::SplitGroups {
            kind,
            channels,
            groups,
        } => t!(
            "problem-split-groups",
            kind = kind.name(),
            channels = thousands(channels),
            groups = thousands(groups)
        ),
        Problem::KvHeads { heads, kv_heads } => t!(
            "problem-kv-heads",
            heads = heads.to_string(),
            kv_heads = kv_heads.to_string()
        ),
        Problem::OddHeadDim { head_dim } => {
            t!("problem-odd-head-dim", head_dim = head_dim.to_string())
        }
        Problem::Projection { proj, hidden } => t!(
            "problem-projection",
            proj = proj.to_string(),
            hidden = hidden.to_string()
        ),
        Problem::SingleValue { kind, values } => t!(
            "problem-single-value",
            kind = kind.name(),
            values = values.to_string()
        ),
        Problem::Broadcast {
            first,
            branch,
            other,
        } => {
            let (rank, first, branch, other) = (
                first.rank() != other.rank(),
                first.to_string(),
                branch.to_string(),
                other.to_string(),
            );
            if rank {
                t!(
                    "problem-broadcast-rank",
                    first = first,
                    branch = branch,
                    other = other
                )
            } else {
                t!(
                    "problem-broadcast",
                    first = first,
                    branch = branch,
                    other = other
                )
            }
        }
        Problem::TopK { top_k, experts } => t!(
            "problem-top-k",
            top_k = top_k.to_string(),
            experts = experts.to_string()
        ),
        Problem::Fold { len, height, width } => t!(
            "problem-fold",
            len = thousands(len),
            height = height.to_string(),
            width = width.to_string(),
            cells = thousands(height.saturating_mul(width))
        ),
        Problem::Slice { start, end, size } => t!(
            "problem-slice",
            start = start.to_string(),
            end = end.to_string(),
            size = thousands(size)
        ),
        Problem::SharedShape { input, output } => t!(
            "problem-shared-shape",
            input = input.to_string(),
            output = output.to_string()
        ),
        Problem::PixelShuffle { channels, factor } => t!(
            "problem-pixel-shuffle",
            channels = thousands(channels),
            factor = factor.to_string(),
            square = thousands(factor.saturating_mul(factor))
        ),
        Problem::TooLarge { what } => {
            t!(
                "problem-too-large",
                what = crate::i18n::text(&format!("count-{what}").replace(' ', "-"))
            )
        }
    }
}

/// `the 5×5 kernel`, `the 2 pooling window`.
fn window_words(pooling: bool, kernel: String) -> String {
    if pooling {
        t!("problem-pooling-window", kernel = kernel)
    } else {
        t!("problem-kernel", kernel = kernel)
    }
}

fn axis_name(axis: NdAxis) -> String {
    match axis {
        NdAxis::Length => t!("axis-length"),
        NdAxis::Depth => t!("axis-depth"),
        NdAxis::Height => t!("axis-height"),
        NdAxis::Width => t!("axis-width"),
    }
}

/// `6×6 /2`: the window one output value sees, and the step between
/// neighbouring outputs; or "all" of the input.
pub fn receptive_field(rf: ReceptiveField) -> String {
    match rf {
        ReceptiveField::Local { size, jump } => format!("{}×{} /{}", size.h, size.w, jump),
        ReceptiveField::Global => t!("engine-all"),
    }
}

/// What the shapes of a network that is not an image network mean: a
/// 2-D shape is written as PyTorch holds it, and a volume channels last.
pub fn shape_legend(net: &crate::network::Network) -> Option<String> {
    let mut two_d = matches!(net.input, Shape::Matrix { .. });
    let mut volume = matches!(net.input, Shape::Volume { .. });
    for layer in &net.layers {
        layer.walk(&mut |l| {
            two_d |= l.kind == Kind::Embedding || l.kind.window_axes() == 1;
            volume |= l.kind.window_axes() == 3;
        });
    }
    match (two_d, volume) {
        (true, _) => Some(t!("legend-two-d")),
        (false, true) => Some(t!("legend-volume")),
        _ => None,
    }
}

/// How the axes of `shape` read after a layer of `kind`: `L × E` for a
/// sequence, `C × L` for what conv1d and 1-D pooling make.
pub fn axes(kind: Kind, shape: Shape) -> &'static str {
    match shape {
        Shape::Matrix { .. } if kind.window_axes() == 1 => "C × L",
        Shape::Matrix { .. } => "L × E",
        Shape::Volume { .. } => "D×H×W×C",
        Shape::Image { .. } => "H×W×C",
        Shape::Flat(_) => "",
    }
}
