//! Shape inference and parameter counting: `analyze(&Network) -> Analysis`.
//!
//! Pure and allocation-light (one `Vec` of plain rows), because the explorer
//! runs it on every keystroke. The output-size rules are PyTorch's for integer
//! padding (including `ceil_mode`) and Keras/TensorFlow's for `"same"` and
//! `"valid"`. Every multiplication and sum is checked: absurd sizes become a
//! `TooLarge` error on that layer, never a wrapped number or a panic.
//! Human-readable formulas live in `explain`, built only for the layer shown.

use crate::family::Step;
use crate::layer::{Hw, Kind, Layer};
use crate::network::{Kernels, Network, Shape};

mod problem;
mod tree;
mod window;

pub use problem::{Dropped, NdAxis, Problem, Want};
use window::window_output;
pub use window::{Axis, AxisFit, AxisOutput, AxisRule, axes};

/// Bytes per value: layerlab sizes memory for float32.
pub const BYTES_PER_VALUE: u64 = 4;

/// What the engine found for a whole network.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// One row per top-level layer, in order (the input is not a row); a
    /// container's row holds the rows of what is inside it.
    pub rows: Vec<Row>,
    pub totals: Totals,
    /// Index (0-based) of the first broken top-level layer.
    pub error_at: Option<usize>,
}

impl Analysis {
    /// Where the first broken layer is, all the way down: its top-level
    /// index, then a (branch, index) pair for each container it is inside
    /// (a block's layers are its branch 0). Empty when nothing is broken.
    pub fn error_path(&self) -> Vec<usize> {
        let Some(top) = self.error_at else {
            return Vec::new();
        };
        let mut path = vec![top];
        let mut row = &self.rows[top];
        while let Status::Error(Problem::Inside { branch, index, .. }) = row.status {
            match row.inner.get(branch).and_then(|b| b.get(index)) {
                Some(inner) => {
                    path.extend([branch, index]);
                    row = inner;
                }
                None => break,
            }
        }
        path
    }

    /// The row at `path` (top-level index, then (branch, index) pairs).
    pub fn row_at(&self, path: &[usize]) -> Option<&Row> {
        let (&top, mut rest) = path.split_first()?;
        let mut row = self.rows.get(top)?;
        while let [branch, index, more @ ..] = rest {
            row = row.inner.get(*branch)?.get(*index)?;
            rest = more;
        }
        Some(row)
    }
}

/// What the engine found for one layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub input: Option<Shape>,
    pub output: Option<Shape>,
    /// For a container, everything inside it (every repetition of a block).
    pub params: Option<u64>,
    pub macs: Option<u64>,
    pub receptive_field: Option<ReceptiveField>,
    pub status: Status,
    /// Values the layer writes, for memory: its output, and for a container
    /// every output inside it too.
    pub activations: Option<u64>,
    /// Values the layer keeps for one sequence between tokens in inference
    /// (its family's `cache`, every pass of a block): the KV cache.
    pub cache: Option<u64>,
    /// Of `params`, those a token does not use: experts beyond a mixture's
    /// top_k. `params` less this is what is active.
    pub inactive: u64,
    /// The most values one layer holds at once, its input and its output
    /// (for a container, the most of any layer inside): what inference
    /// needs alive.
    pub peak: Option<u64>,
    /// A container's rows, one list per branch (a block has one: its layers
    /// in the repetition shown, the one that broke or else the first).
    /// Empty for other layers.
    pub inner: Vec<Vec<Row>>,
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
}

/// How much of the input image one output value sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReceptiveField {
    /// `size` input pixels; neighbouring outputs are `jump` pixels apart.
    Local { size: Hw, jump: Hw },
    /// After flatten, dense or global pooling: the whole input.
    Global,
}

impl ReceptiveField {
    /// What one input pixel sees of itself.
    pub const PIXEL: ReceptiveField = ReceptiveField::Local {
        size: Hw::square(1),
        jump: Hw::square(1),
    };
}

/// Network-wide sums. `None` where a layer is broken or a sum overflowed.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Totals {
    pub params: Option<u64>,
    /// The parameters a token uses: all of them but a mixture's experts
    /// beyond its top_k.
    pub active_params: Option<u64>,
    pub macs: Option<u64>,
    /// Weights as float32.
    pub weight_bytes: Option<u64>,
    /// The input and every layer's output as float32, for one image.
    pub activation_bytes: Option<u64>,
    /// The same in values: every output once.
    pub activations: Option<u64>,
    /// The KV cache's values for one sequence (see `Row::cache`).
    pub cache: Option<u64>,
    /// The most values one layer holds at once (see `Row::peak`), the
    /// input's own among them: summed as the engine goes, so a keystroke
    /// never walks the network for the footer's memory.
    pub peak: Option<u64>,
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

/// Rows the analysis let go of, each with the receptive field it was
/// computed from: when an edit makes the rows below unreachable, or gives
/// them other inputs, and a later edit gives a layer back the very input it
/// had (`+` then `-`, a break then its mend), its row is taken back rather
/// than computed again. Only for rows whose layers have not changed since:
/// `analyze_changed` forgets the changed layer's, and any other change
/// clears them all.
#[derive(Debug, Default)]
pub struct Kept {
    rows: Vec<Option<(ReceptiveField, Row)>>,
}

impl Kept {
    pub fn clear(&mut self) {
        self.rows = Vec::new();
    }

    fn forget(&mut self, index: usize) {
        if let Some(slot) = self.rows.get_mut(index) {
            *slot = None;
        }
    }

    fn keep(&mut self, index: usize, rf: ReceptiveField, row: Row) {
        if self.rows.len() <= index {
            self.rows.resize_with(index + 1, || None);
        }
        self.rows[index] = Some((rf, row));
    }

    /// The row kept for layer `index` if it was computed on `input` and
    /// `rf`.
    fn take(&mut self, index: usize, input: Shape, rf: ReceptiveField) -> Option<Row> {
        let slot = self.rows.get_mut(index)?;
        match slot {
            Some((kept_rf, row)) if *kept_rf == rf && row.input == Some(input) => {
                slot.take().map(|(_, row)| row)
            }
            _ => None,
        }
    }
}

/// Recomputes the rows from top-level layer `start` on, keeping those
/// above (they cannot have changed).
pub fn analyze_from(net: &Network, out: &mut Analysis, start: usize) {
    analyze_from_kept(net, out, start, &mut Kept::default());
}

/// `analyze_from`, taking back from `kept` the rows of layers below `start`
/// that get the inputs they had, and keeping there the computed rows it
/// replaces. The layers below `start` must be those `kept` was kept for.
fn analyze_from_kept(net: &Network, out: &mut Analysis, start: usize, kept: &mut Kept) {
    let start = start.min(out.rows.len()).min(net.layers.len());
    let rows = &mut out.rows;
    let old = rows.split_off(start);
    rows.reserve(net.layers.len() - start);
    let mut error_at = out.error_at.filter(|&e| e < start);
    let mut flow = match rows.last() {
        None => Some((net.input, ReceptiveField::PIXEL)),
        Some(r) => r.output.zip(r.receptive_field),
    };
    // The field each old row was computed from: the one above it left.
    let mut old_rf = flow.map_or(ReceptiveField::PIXEL, |(_, rf)| rf);
    let mut old = old.into_iter();
    let mut sums = Sums::start(net.input);
    for r in rows.iter() {
        // These sums succeeded when the rows were made.
        let _ = sums.add_row(r);
    }
    // The embeddings above, gathered only when a tied layer asks.
    let mut embeddings: Option<Vec<(u64, u64)>> = None;
    for (i, layer) in net.layers.iter().enumerate().skip(start) {
        // The changed layer's own old row is of no use again.
        let replaced = old.next();
        let reusable = i > start;
        let Some((input, rf)) = flow else {
            rows.push(Row::unreachable());
            keep_replaced(kept, (i, reusable), &mut old_rf, replaced);
            continue;
        };
        // A tied layer is checked against the embeddings above, which may
        // have changed: it is always computed.
        let again = (i > start && !ties(layer))
            .then(|| kept.take(i, input, rf))
            .flatten();
        let mut row = match again {
            Some(row) => row,
            None => tree::top(layer, input, rf, net.kernels),
        };
        keep_replaced(kept, (i, reusable), &mut old_rf, replaced);
        if row.output.is_some() && ties(layer) {
            let above = embeddings.get_or_insert_with(|| embeddings_in(&net.layers[..i]));
            if let Some(problem) = untied(layer, &row, above) {
                row = Row::broken(input, problem);
            }
        }
        if let Some(above) = &mut embeddings {
            above.extend(embeddings_in(std::slice::from_ref(layer)));
        }
        if row.output.is_some()
            && let Err(problem) = sums.add_row(&row)
        {
            row = Row::broken(input, problem);
        }
        flow = row.output.zip(row.receptive_field);
        if flow.is_none() {
            error_at = Some(i);
        }
        rows.push(row);
    }
    out.totals = if error_at.is_some() {
        Totals::default()
    } else {
        sums.totals()
    };
    out.error_at = error_at;
}

/// Keeps the row `replaced` that layer `index` had, computed on `rf`, when
/// it was computed and whole and its layer is `reusable` (unchanged); `rf`
/// moves on to what it left.
fn keep_replaced(
    kept: &mut Kept,
    (index, reusable): (usize, bool),
    rf: &mut ReceptiveField,
    replaced: Option<Row>,
) {
    let Some(row) = replaced else {
        return;
    };
    let next = row.receptive_field;
    let whole = row.status != Status::Unreachable && !matches!(row.status, Status::Error(_));
    if reusable && whole {
        kept.keep(index, *rf, row);
    }
    if let Some(next) = next {
        *rf = next;
    }
}

/// Brings `out` up to date for `net` when top-level layer `index` is the
/// only difference from the network `out` was computed for. When the layer
/// leaves the same shape and field as before, the rows below stand as they
/// are and only the totals are summed again: an edit deep inside block 500
/// of a 1,000-block network recomputes one block, not five hundred.
pub fn analyze_changed(net: &Network, out: &mut Analysis, index: usize) {
    analyze_changed_kept(net, out, index, &mut Kept::default());
}

/// `analyze_changed`, with the rows `kept` from earlier edits taken back
/// where the layers below get again the inputs they had (see `Kept`).
pub fn analyze_changed_kept(net: &Network, out: &mut Analysis, index: usize, kept: &mut Kept) {
    kept.forget(index);
    let same_length = out.rows.len() == net.layers.len();
    let flow = match index.checked_sub(1) {
        None => Some((net.input, ReceptiveField::PIXEL)),
        Some(above) => out
            .rows
            .get(above)
            .and_then(|r| r.output.zip(r.receptive_field)),
    };
    let (Some(layer), Some((input, rf)), true) = (net.layers.get(index), flow, same_length) else {
        return analyze_from_kept(net, out, index, kept);
    };
    // A tied layer depends on the embeddings above it, and an embedding
    // on the tied layers below: the full pass checks both.
    let mut tying = false;
    layer.walk(&mut |l| {
        tying |= l.kind == Kind::Embedding || (l.kind == Kind::Dense && l.extra.tied)
    });
    if tying {
        return analyze_from_kept(net, out, index, kept);
    }
    // A row below broken by a total past 2^64 may mend (or a new one break)
    // when this layer's counts change: only a full pass can say.
    let by_totals = |r: &Row| matches!(r.status, Status::Error(Problem::TooLarge { what }) if what.starts_with("total"));
    if out.rows[index..].iter().any(by_totals) {
        return analyze_from_kept(net, out, index, kept);
    }
    let row = tree::top(layer, input, rf, net.kernels);
    let old = &out.rows[index];
    if row.output.is_none()
        || (row.output, row.receptive_field) != (old.output, old.receptive_field)
    {
        return analyze_from_kept(net, out, index, kept);
    }
    out.rows[index] = row;
    let mut sums = Sums::start(net.input);
    for r in &out.rows {
        if sums.add_row(r).is_err() {
            // A total past 2^64 breaks a row: let the full pass say which.
            return analyze_from_kept(net, out, index, kept);
        }
    }
    if out.error_at.is_none() {
        out.totals = sums.totals();
    }
}

/// Whether `layer` holds a dense layer tied to an embedding.
fn ties(layer: &Layer) -> bool {
    let mut tied = false;
    layer.walk(&mut |l| tied |= l.kind == Kind::Dense && l.extra.tied);
    tied
}

/// (vocab, dim) of every embedding in `layers`, nested ones too.
fn embeddings_in(layers: &[Layer]) -> Vec<(u64, u64)> {
    let mut found = Vec::new();
    for layer in layers {
        layer.walk(&mut |l| {
            if l.kind == Kind::Embedding {
                found.push((l.extra.vocab.get(), l.extra.dim.get()));
            }
        });
    }
    found
}

/// Why a tied dense layer in `layer` has no embedding to share: a tied
/// `dense U` on F features borrows the U × F table of an earlier
/// `embedding(U, F)`, as GPT-2's head borrows its token embedding.
fn untied(layer: &Layer, row: &Row, embeddings: &[(u64, u64)]) -> Option<Problem> {
    if layer.kind == Kind::Dense && layer.extra.tied {
        let (units, features) = (layer.units.get(), row.input?.last());
        return (!embeddings.contains(&(units, features)))
            .then_some(Problem::Untied { units, features });
    }
    (layer.branches.iter().zip(&row.inner))
        .flat_map(|(layers, rows)| layers.iter().zip(rows))
        .find_map(|(l, r)| untied(l, r, embeddings))
}

/// The output, parameters and MACs of a container on `input`, or why it
/// cannot be computed: what `family::of(add)` answers.
pub fn container_step(layer: &Layer, input: Shape, kernels: Kernels) -> Result<Step, Problem> {
    let row = tree::top(layer, input, ReceptiveField::PIXEL, kernels);
    match (row.status, row.output, row.params, row.macs) {
        (Status::Error(p), ..) => Err(p),
        (_, Some(output), Some(params), Some(macs)) => Ok(Step {
            output,
            params,
            macs,
            dropped: None,
            inactive: row.inactive,
        }),
        _ => Err(Problem::TooLarge {
            what: "parameter count",
        }),
    }
}

impl Row {
    /// The receptive field as tables show it: only for images and what is
    /// made of them. layerlab follows the field over height and width, so
    /// for a sequence, signal or volume it says nothing rather than guess.
    pub fn shown_receptive_field(&self) -> Option<ReceptiveField> {
        match self.output? {
            Shape::Matrix { .. } | Shape::Volume { .. } => None,
            _ => self.receptive_field,
        }
    }

    fn unreachable() -> Row {
        Row {
            input: None,
            output: None,
            params: None,
            macs: None,
            receptive_field: None,
            status: Status::Unreachable,
            activations: None,
            cache: None,
            inactive: 0,
            peak: None,
            inner: Vec::new(),
        }
    }

    fn broken(input: Shape, problem: Problem) -> Row {
        Row {
            input: Some(input),
            status: Status::Error(problem),
            ..Row::unreachable()
        }
    }
}

/// Running sums, checked as they grow.
#[derive(Clone, Copy)]
struct Sums {
    params: u64,
    macs: u64,
    activations: Option<u64>,
    cache: Option<u64>,
    /// Parameters counted in `params` that a token does not use.
    inactive: u64,
    /// The most of any one layer (see `Row::peak`): a maximum, not a sum.
    peak: Option<u64>,
}

impl Sums {
    fn start(input: Shape) -> Sums {
        Sums {
            params: 0,
            macs: 0,
            activations: input.elements(),
            cache: Some(0),
            inactive: 0,
            peak: input.elements(),
        }
    }

    const ZERO: Sums = Sums {
        params: 0,
        macs: 0,
        activations: Some(0),
        cache: Some(0),
        inactive: 0,
        peak: Some(0),
    };

    fn add_row(&mut self, row: &Row) -> Result<(), Problem> {
        let (Some(params), Some(macs)) = (row.params, row.macs) else {
            return Ok(());
        };
        self.add(Sums {
            params,
            macs,
            activations: row.activations,
            cache: row.cache,
            inactive: row.inactive,
            peak: row.peak,
        })
    }

    fn add(&mut self, other: Sums) -> Result<(), Problem> {
        let too_large = |what| Problem::TooLarge { what };
        self.params = (self.params)
            .checked_add(other.params)
            .ok_or(too_large("total parameter count"))?;
        self.macs = (self.macs)
            .checked_add(other.macs)
            .ok_or(too_large("total MAC count"))?;
        // Memory overflowing is not a reason to refuse a layer: its total is just unknown.
        self.activations = (self.activations).and_then(|a| a.checked_add(other.activations?));
        self.cache = (self.cache).and_then(|a| a.checked_add(other.cache?));
        // At most `params`, which did not overflow.
        self.inactive = self.inactive.saturating_add(other.inactive);
        self.peak = self.peak.zip(other.peak).map(|(a, b)| a.max(b));
        Ok(())
    }

    /// `n` times these sums, for the repetitions of a block that no longer
    /// change its shape.
    fn times(self, n: u64) -> Result<Sums, Problem> {
        let too_large = |what| Problem::TooLarge { what };
        Ok(Sums {
            params: (self.params)
                .checked_mul(n)
                .ok_or(too_large("total parameter count"))?,
            macs: self
                .macs
                .checked_mul(n)
                .ok_or(too_large("total MAC count"))?,
            activations: self.activations.and_then(|a| a.checked_mul(n)),
            cache: self.cache.and_then(|a| a.checked_mul(n)),
            inactive: self.inactive.saturating_mul(n),
            peak: self.peak,
        })
    }

    fn totals(&self) -> Totals {
        Totals {
            params: Some(self.params),
            active_params: Some(self.params - self.inactive.min(self.params)),
            macs: Some(self.macs),
            weight_bytes: self.params.checked_mul(BYTES_PER_VALUE),
            activation_bytes: self
                .activations
                .and_then(|a| a.checked_mul(BYTES_PER_VALUE)),
            activations: self.activations,
            cache: self.cache,
            peak: self.peak,
        }
    }
}

/// One layer's output shape, parameters and MACs, by its family.
fn step(layer: &Layer, input: Shape, kernels: Kernels) -> Result<Step, Problem> {
    crate::family::of(layer.kind).step(layer, input, kernels)
}

/// What conv and pooling layers share: the window slid over the image.
/// Gives the channels in, the output height and width, and what the window
/// leaves out at the edges.
pub(crate) fn window_step(
    layer: &Layer,
    input: Shape,
) -> Result<(u64, u64, u64, Option<Dropped>), Problem> {
    let Shape::Image { c, h, w } = input else {
        return Err(Problem::needs_image(layer.kind, input));
    };
    let (oh, ow) = window_output(layer, Hw { h, w })?;
    let dropped = Dropped {
        rows: oh.dropped,
        cols: ow.dropped,
        samples: 0,
    };
    let dropped = (dropped.rows > 0 || dropped.cols > 0).then_some(dropped);
    Ok((c, oh.size, ow.size, dropped))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::{Hw, Kind, Layer};
    use crate::size::Size;

    fn grouped(channels: u64, filters: u64, groups: u64) -> Analysis {
        let conv = Layer {
            filters: Size::new(filters).unwrap(),
            groups: Size::new(groups).unwrap(),
            kernel: Hw::square(3),
            ..Layer::new(Kind::Conv2d)
        };
        analyze(&Network {
            input: Shape::Image {
                c: channels,
                h: 8,
                w: 8,
            },
            layers: vec![conv],
            ..Network::empty("groups")
        })
    }

    #[test]
    fn a_row_broken_by_the_totals_mends_when_a_layer_above_shrinks() {
        // 2·U + (U + 1) parameters pass 2^64; without the first bias, U + (U + 1) do not.
        let units = Size::new(7_000_000_000_000_000_000).unwrap();
        let dense = |bias| Layer {
            units,
            bias,
            ..Layer::new(Kind::Dense)
        };
        let one = Layer {
            units: Size::ONE,
            ..Layer::new(Kind::Dense)
        };
        let mut net = Network {
            input: Shape::Flat(1),
            layers: vec![dense(true), one],
            ..Network::empty("totals")
        };
        let mut analysis = analyze(&net);
        assert_eq!(analysis.error_at, Some(1), "the total overflows at row 2");
        net.layers[0] = dense(false);
        analyze_changed(&net, &mut analysis, 0);
        assert_eq!(analysis, analyze(&net));
        assert_eq!(analysis.error_at, None);
    }

    #[test]
    fn groups_must_divide_channels_and_filters() {
        // PyTorch: Conv2d(6, 12, 3, groups=3) has 12 filters of 3·3·2 weights.
        let ok = grouped(6, 12, 3);
        assert_eq!(ok.rows[0].params, Some((3 * 3 * 2 + 1) * 12));
        for (channels, filters, groups) in [(6, 12, 4), (6, 10, 3)] {
            let broken = grouped(channels, filters, groups);
            assert_eq!(broken.error_at, Some(0));
            assert_eq!(
                crate::words::status(broken.rows[0].status).unwrap(),
                format!(
                    "groups = {groups} must divide both the input channels ({channels}) and the filters ({filters})"
                )
            );
        }
    }
}

#[cfg(test)]
mod shared_blocks {
    use super::*;
    use crate::layer::Field;
    use crate::layer::Value;

    fn shared_conv(filters: i64, stride: i64, repeat: i64) -> Network {
        let mut conv = Layer::new(Kind::Conv2d);
        Field::Filters.set(&mut conv, &Value::Int(filters)).unwrap();
        Field::Stride.set(&mut conv, &Value::Int(stride)).unwrap();
        Field::Padding.set(&mut conv, &Value::Int(1)).unwrap();
        let mut block = Layer::new(Kind::Block);
        block.branches = vec![vec![conv]];
        Field::Repeat.set(&mut block, &Value::Int(repeat)).unwrap();
        Field::Shared.set(&mut block, &Value::Bool(true)).unwrap();
        Network {
            input: Shape::Image {
                c: 16,
                h: 32,
                w: 32,
            },
            layers: vec![block],
            ..Network::empty("shared")
        }
    }

    #[test]
    fn a_shared_block_counts_its_weights_once_and_its_work_every_pass() {
        let a = analyze(&shared_conv(16, 1, 3));
        let one = (9 * 16 + 1) * 16;
        assert_eq!(a.totals.params, Some(one));
        assert_eq!(a.totals.macs, Some(3 * 32 * 32 * 16 * 9 * 16));
        // Striding passes shrink the map but fit the same weights.
        let a = analyze(&shared_conv(16, 2, 2));
        assert_eq!(a.totals.params, Some(one));
        assert_eq!(a.rows[0].output, Some(Shape::Image { c: 16, h: 8, w: 8 }));
        // A pass that changes the channels would need other weights.
        let a = analyze(&shared_conv(32, 1, 2));
        assert_eq!(a.error_at, Some(0));
        assert!(matches!(
            a.rows[0].status,
            Status::Error(Problem::SharedShape { .. })
        ));
    }
}
