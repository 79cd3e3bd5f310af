//! A network as the user describes it: a name, an input shape, a kernel
//! convention and a list of layers. Nothing here computes; see `engine`.

use crate::layer::Layer;
use std::fmt;

/// The shape of a tensor flowing between layers (batch dimension left out).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shape {
    /// Channels × height × width, as PyTorch stores images.
    Image { c: u64, h: u64, w: u64 },
    /// A vector: features, or a sequence of token ids for `embedding`.
    Flat(u64),
    /// A 2-D tensor `[rows, cols]`. PyTorch reads the same tensor two ways,
    /// and so does layerlab: conv1d and 1-D pooling see a signal of `rows`
    /// channels and length `cols`; attention, recurrent layers, layernorm
    /// and dense see a sequence of `rows` positions of `cols` features.
    Matrix { rows: u64, cols: u64 },
    /// Channels × depth × height × width, a volume for conv3d and 3-D pooling.
    Volume { c: u64, d: u64, h: u64, w: u64 },
}

impl Shape {
    /// Number of values in the tensor, or `None` if it does not fit in u64.
    pub fn elements(self) -> Option<u64> {
        match self {
            Shape::Image { c, h, w } => c.checked_mul(h)?.checked_mul(w),
            Shape::Flat(n) => Some(n),
            Shape::Matrix { rows, cols } => rows.checked_mul(cols),
            Shape::Volume { c, d, h, w } => c.checked_mul(d)?.checked_mul(h)?.checked_mul(w),
        }
    }

    /// The last dimension, as PyTorch counts it: what layernorm normalises
    /// and dense connects.
    pub fn last(self) -> u64 {
        match self {
            Shape::Image { w, .. } | Shape::Volume { w, .. } => w,
            Shape::Flat(n) => n,
            Shape::Matrix { cols, .. } => cols,
        }
    }

    /// The channel dimension, PyTorch's dim 1 with the batch: what
    /// batchnorm normalises and concat joins.
    pub fn channels(self) -> u64 {
        match self {
            Shape::Image { c, .. } | Shape::Volume { c, .. } => c,
            Shape::Flat(n) => n,
            Shape::Matrix { rows, .. } => rows,
        }
    }

    /// The same shape with `channels` in the channel dimension.
    pub fn with_channels(self, channels: u64) -> Shape {
        match self {
            Shape::Image { h, w, .. } => Shape::Image { c: channels, h, w },
            Shape::Volume { d, h, w, .. } => Shape::Volume {
                c: channels,
                d,
                h,
                w,
            },
            Shape::Flat(_) => Shape::Flat(channels),
            Shape::Matrix { cols, .. } => Shape::Matrix {
                rows: channels,
                cols,
            },
        }
    }

    /// How many dimensions the tensor has, batch left out.
    pub fn rank(self) -> usize {
        self.to_vec().len()
    }

    /// Reads an input shape as people write it. Commas (or spaces) are
    /// channels-first, as PyTorch and files write it: `3, 32, 32` or
    /// `[3, 32, 32]`, `[C, D, H, W]` for a volume, `[L, E]` or `[C, L]` for a
    /// sequence or signal. Crosses are channels-last, as the table and Keras
    /// write images and volumes: `32×32×3`, `16×32×32×3`. One number is a
    /// vector (or a sequence of token ids).
    pub fn parse(text: &str) -> Result<Shape, String> {
        let text = text.trim();
        let hwc = text.contains(['×', 'x', 'X']);
        let bad = || {
            if hwc {
                t!("network-must-be-h-w-c")
            } else {
                t!("network-must-be-c-h-w")
            }
            .to_string()
        };
        // `[3, 224, 224]` as a file writes it, `(3, 224, 224)` as Python does.
        let inner = text
            .trim_start_matches(['[', '('])
            .trim_end_matches([']', ')'])
            .trim_end_matches(',');
        let dims: Vec<u64> = inner
            .split(|c: char| c == ',' || c == '×' || c == 'x' || c == 'X' || c.is_whitespace())
            .filter(|p| !p.is_empty())
            // Files hold sizes as TOML integers, so they stay within i64.
            .map(|p| {
                p.parse::<u64>()
                    .ok()
                    .filter(|&n| n > 0 && i64::try_from(n).is_ok())
            })
            .collect::<Option<_>>()
            .ok_or_else(bad)?;
        // `224 224 3`: channels first or last? Refused with both spellings
        // rather than guessed.
        if !hwc && !inner.contains(',') && dims.len() > 1 {
            return Err(t!("network-spaces-ambiguous", text = text.to_string()));
        }
        match (hwc, &dims[..]) {
            (true, &[h, w, c]) => Ok(Shape::Image { c, h, w }),
            (false, &[c, h, w]) => Ok(Shape::Image { c, h, w }),
            (true, &[d, h, w, c]) => Ok(Shape::Volume { c, d, h, w }),
            (false, &[c, d, h, w]) => Ok(Shape::Volume { c, d, h, w }),
            (false, &[rows, cols]) => Ok(Shape::Matrix { rows, cols }),
            (false, &[n]) => Ok(Shape::Flat(n)),
            _ => Err(bad()),
        }
    }

    /// How a parsed shape reads, for echoing back what was understood:
    /// `H 32, W 32, C 3`.
    pub fn reading(self) -> String {
        match self {
            Shape::Image { c, h, w } => format!("H {h}, W {w}, C {c}"),
            Shape::Flat(n) => t!("network-n-features", n = n.to_string()),
            Shape::Matrix { rows, cols } => t!(
                "network-matrix-reading",
                rows = rows.to_string(),
                cols = cols.to_string()
            ),
            Shape::Volume { c, d, h, w } => format!("D {d}, H {h}, W {w}, C {c}"),
        }
    }

    /// Channels-first, as PyTorch and the JSON output write it.
    pub fn to_vec(self) -> Vec<u64> {
        match self {
            Shape::Image { c, h, w } => vec![c, h, w],
            Shape::Flat(n) => vec![n],
            Shape::Matrix { rows, cols } => vec![rows, cols],
            Shape::Volume { c, d, h, w } => vec![c, d, h, w],
        }
    }

    /// Builds a shape from PyTorch's dimensions (batch left out), as files
    /// and JSON write it.
    pub fn from_dims(dims: &[u64]) -> Option<Shape> {
        match *dims {
            [n] => Some(Shape::Flat(n)),
            [rows, cols] => Some(Shape::Matrix { rows, cols }),
            [c, h, w] => Some(Shape::Image { c, h, w }),
            [c, d, h, w] => Some(Shape::Volume { c, d, h, w }),
            _ => None,
        }
    }
}

impl fmt::Display for Shape {
    /// `24×24×6` (height × width × channels, the notation of the problem set
    /// and of Keras), `8×16×16×32` for a volume (depth first, channels last),
    /// `256` for a vector. A 2-D tensor is written as PyTorch holds it,
    /// `[1024, 768]`: its brackets tell it from an image, and the reader
    /// knows it as (L, E) or (C, L) from the layer (see `reading`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Shape::Image { c, h, w } => write!(f, "{h}×{w}×{c}"),
            Shape::Flat(n) => write!(f, "{n}"),
            Shape::Matrix { rows, cols } => write!(f, "[{rows}, {cols}]"),
            Shape::Volume { c, d, h, w } => write!(f, "{d}×{h}×{w}×{c}"),
        }
    }
}

/// How convolution kernels are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, clap::ValueEnum)]
pub enum Kernels {
    /// A kh × kw × C_in kernel per filter, as PyTorch and Keras count.
    #[default]
    Full,
    /// One kh × kw kernel per filter shared across input channels: the
    /// convention of the problem set layerlab grew from.
    Shared,
}

impl Kernels {
    pub fn name(self) -> &'static str {
        match self {
            Kernels::Full => "full",
            Kernels::Shared => "shared",
        }
    }

    pub fn from_name(name: &str) -> Option<Kernels> {
        match name {
            "full" => Some(Kernels::Full),
            "shared" => Some(Kernels::Shared),
            _ => None,
        }
    }

    /// The convention in words, for tables (files and JSON keep `name`).
    pub fn word(self) -> String {
        match self {
            Kernels::Full => t!("network-full"),
            Kernels::Shared => t!("network-shared"),
        }
    }

    pub fn toggled(self) -> Kernels {
        match self {
            Kernels::Full => Kernels::Shared,
            Kernels::Shared => Kernels::Full,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    pub name: String,
    pub input: Shape,
    pub kernels: Kernels,
    /// Limits on memory, parameters and MACs (the file's `[budget]`).
    pub budget: crate::memory::Budget,
    pub layers: Vec<Layer>,
}

impl Network {
    /// An empty network on a 28×28 grey image, for a file that does not exist yet.
    pub fn empty(name: &str) -> Network {
        Network {
            // A name from a file name: nothing in it may reach a terminal raw.
            name: crate::text::visible(name).into_owned(),
            input: Shape::Image { c: 1, h: 28, w: 28 },
            kernels: Kernels::Full,
            budget: crate::memory::Budget::default(),
            layers: Vec::new(),
        }
    }
}

impl Network {
    /// The layer at `path`: a top-level index, then a (branch, index) pair
    /// for each container on the way down (a block's layers are branch 0).
    pub fn layer_at(&self, path: &[usize]) -> Option<&Layer> {
        let (&top, mut rest) = path.split_first()?;
        let mut layer = self.layers.get(top)?;
        while let [branch, index, more @ ..] = rest {
            layer = layer.branches.get(*branch)?.get(*index)?;
            rest = more;
        }
        Some(layer)
    }

    pub fn layer_at_mut(&mut self, path: &[usize]) -> Option<&mut Layer> {
        let (&index, list) = path.split_last()?;
        self.list_mut(list)?.get_mut(index)
    }

    /// The list of layers a path's last index counts in: the top level for
    /// `[]`, a branch for `[…, layer, branch]`.
    pub fn list(&self, list: &[usize]) -> Option<&Vec<Layer>> {
        let mut layers = &self.layers;
        for pair in list.chunks(2) {
            let [index, branch] = pair else { return None };
            layers = layers.get(*index)?.branches.get(*branch)?;
        }
        Some(layers)
    }

    pub fn list_mut(&mut self, list: &[usize]) -> Option<&mut Vec<Layer>> {
        let mut layers = &mut self.layers;
        for pair in list.chunks(2) {
            let [index, branch] = pair else { return None };
            layers = layers.get_mut(*index)?.branches.get_mut(*branch)?;
        }
        Some(layers)
    }

    /// `5.2.1` for layer 1 of branch 2 of layer 5, `5.1` for layer 1 of
    /// block 5: 1-based, as files and the table number them.
    pub fn path_label(&self, path: &[usize]) -> String {
        let Some((&top, mut rest)) = path.split_first() else {
            return String::new();
        };
        let mut label = (top + 1).to_string();
        let mut layer = self.layers.get(top);
        while let [branch, index, more @ ..] = rest {
            if layer.is_some_and(|l| l.kind.is_merge()) {
                label.push_str(&format!(".{}", branch + 1));
            }
            label.push_str(&format!(".{}", index + 1));
            layer = layer.and_then(|l| l.branches.get(*branch)?.get(*index));
            rest = more;
        }
        label
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shapes as people write them: Python's tuple, a file's list; spaces
    /// alone are refused, as they do not say where the channels are.
    #[test]
    fn shapes_are_read_as_people_write_them_or_refused_with_both_forms() {
        let image = Shape::Image {
            c: 3,
            h: 224,
            w: 224,
        };
        assert_eq!(Shape::parse("(3, 224, 224)"), Ok(image));
        assert_eq!(Shape::parse("[3, 224, 224]"), Ok(image));
        assert_eq!(Shape::parse("224×224×3"), Ok(image));
        let spaces = Shape::parse("224 224 3").unwrap_err();
        assert!(
            spaces.contains("3,224,224") && spaces.contains("224×224×3"),
            "{spaces}"
        );
        assert_eq!(Shape::parse("2048"), Ok(Shape::Flat(2048)));
    }

    #[test]
    fn shapes_are_read_in_the_usual_spellings() {
        assert_eq!(
            Shape::parse("1, 28, 28"),
            Ok(Shape::Image { c: 1, h: 28, w: 28 })
        );
        assert_eq!(
            Shape::parse("[3,32,32]"),
            Ok(Shape::Image { c: 3, h: 32, w: 32 })
        );
        // Crosses read as the table writes shapes: height × width × channels.
        assert_eq!(
            Shape::parse("32x32x3"),
            Ok(Shape::Image { c: 3, h: 32, w: 32 })
        );
        assert_eq!(
            Shape::parse("224×224×3"),
            Ok(Shape::Image {
                c: 3,
                h: 224,
                w: 224
            })
        );
        assert_eq!(
            Shape::parse("224×224×3").unwrap().reading(),
            "H 224, W 224, C 3"
        );
        assert!(Shape::parse("28×28").is_err());
        assert_eq!(Shape::parse("784"), Ok(Shape::Flat(784)));
        assert!(Shape::parse("1, 0, 28").is_err());
        assert_eq!(
            Shape::parse("1024, 768"),
            Ok(Shape::Matrix {
                rows: 1024,
                cols: 768
            })
        );
        assert_eq!(
            Shape::parse("3, 16, 112, 112"),
            Ok(Shape::Volume {
                c: 3,
                d: 16,
                h: 112,
                w: 112
            })
        );
        assert_eq!(
            Shape::parse("16×112×112×3"),
            Shape::parse("3, 16, 112, 112")
        );
        assert!(Shape::parse("1, 2, 3, 4, 5").is_err());
        assert!(Shape::parse("").is_err());
        assert!(Shape::parse("1, 28, 9223372036854775808").is_err());
    }
}
