//! One layer's row, containers included: a plain layer is one step of its
//! family; a merge runs each branch on its input and meets them; a block
//! runs its layers `repeat` times. Sums inside are checked like the
//! network's, so a container's row holds everything it holds.

use super::window::next_receptive_field;
use super::{Problem, ReceptiveField, Row, Status, Sums, step};
use crate::family::Spatial;
use crate::layer::{Kind, Layer};
use crate::network::{Kernels, Shape};

/// A block is unrolled repetition by repetition while its shape still
/// changes (a DenseNet block grows its channels each time), and blocks nest:
/// a top-level layer may compute this many layers inside it, no more, so a
/// huge `repeat` is refused rather than taking minutes on a keystroke.
pub(super) const BUDGET: u64 = 1_000_000;

/// The row for a top-level layer on `input`, whose pixels see `rf` of the image.
pub(super) fn top(layer: &Layer, input: Shape, rf: ReceptiveField, kernels: Kernels) -> Row {
    node(layer, input, rf, kernels, &mut BUDGET.clone())
}

fn node(
    layer: &Layer,
    input: Shape,
    rf: ReceptiveField,
    kernels: Kernels,
    budget: &mut u64,
) -> Row {
    let Some(left) = budget.checked_sub(1) else {
        return Row::broken(input, Problem::TooManyRepetitions { limit: BUDGET });
    };
    *budget = left;
    if layer.kind.is_container() {
        return container(layer, input, rf, kernels, budget);
    }
    let computed = step(layer, input, kernels).and_then(|s| {
        let rf = next_receptive_field(rf, layer, input, s.output)?;
        Ok((s, rf))
    });
    match computed {
        Ok((s, rf)) => Row {
            input: Some(input),
            output: Some(s.output),
            params: Some(s.params),
            macs: Some(s.macs),
            receptive_field: Some(rf),
            status: s.dropped.map_or(Status::Ok, Status::Warning),
            activations: s.output.elements(),
            cache: crate::family::of(layer.kind).cache(layer, input),
            inactive: s.inactive,
            peak: (input.elements())
                .zip(s.output.elements())
                .and_then(|(i, o)| i.checked_add(o)),
            inner: Vec::new(),
        },
        Err(problem) => Row::broken(input, problem),
    }
}

/// What a list of layers gives, one after another.
struct Sequence {
    rows: Vec<Row>,
    /// The shape and field leaving the last layer; `None` once one breaks.
    out: Option<(Shape, ReceptiveField)>,
    /// The first broken layer, and why it broke.
    broken: Option<usize>,
    sums: Sums,
}

fn sequence(
    layers: &[Layer],
    input: Shape,
    rf: ReceptiveField,
    kernels: Kernels,
    budget: &mut u64,
) -> Sequence {
    let mut seq = Sequence {
        rows: Vec::with_capacity(layers.len()),
        out: Some((input, rf)),
        broken: None,
        sums: Sums::ZERO,
    };
    for (i, layer) in layers.iter().enumerate() {
        let Some((input, rf)) = seq.out else {
            seq.rows.push(Row::unreachable());
            continue;
        };
        let mut row = node(layer, input, rf, kernels, budget);
        if row.output.is_some()
            && let Err(problem) = seq.sums.add_row(&row)
        {
            row = Row::broken(input, problem);
        }
        seq.out = row.output.zip(row.receptive_field);
        if seq.out.is_none() {
            seq.broken = Some(i);
        }
        seq.rows.push(row);
    }
    seq
}

fn container(
    layer: &Layer,
    input: Shape,
    rf: ReceptiveField,
    kernels: Kernels,
    budget: &mut u64,
) -> Row {
    let run = match layer.kind.spatial() {
        Spatial::Block => block(layer, input, rf, kernels, budget),
        // Only containers come here: the rest are merges.
        _ => merge(layer, input, rf, kernels, budget),
    };
    let (inner, result) = run;
    let result =
        result.and_then(|(output, rf, sums)| shared(layer, input, output, rf, sums, kernels));
    let mut row = match result {
        Ok((output, rf, sums)) => Row {
            input: Some(input),
            output: Some(output),
            params: Some(sums.params),
            macs: Some(sums.macs),
            receptive_field: Some(rf),
            status: Status::Ok,
            activations: sums.activations,
            cache: sums.cache,
            inactive: sums.inactive,
            peak: sums.peak,
            inner: Vec::new(),
        },
        Err(problem) => Row::broken(input, problem),
    };
    row.inner = inner;
    row
}

/// A shared block's sums: its passes run one set of weights (checked
/// pass by pass in `block`), so the parameters count once while the MACs
/// count every pass.
fn shared(
    layer: &Layer,
    input: Shape,
    output: Shape,
    rf: ReceptiveField,
    mut sums: Sums,
    kernels: Kernels,
) -> Result<(Shape, ReceptiveField, Sums), Problem> {
    if !layer.extra.shared || layer.kind.spatial() != Spatial::Block || layer.repeat.get() < 2 {
        return Ok((output, rf, sums));
    }
    let body: &[Layer] = layer.branches.first().map_or(&[], Vec::as_slice);
    let once = sequence(
        body,
        input,
        ReceptiveField::PIXEL,
        kernels,
        &mut BUDGET.clone(),
    )
    .sums;
    sums.params = once.params;
    sums.inactive = once.inactive;
    Ok((output, rf, sums))
}

type Outcome = (
    Vec<Vec<Row>>,
    Result<(Shape, ReceptiveField, Sums), Problem>,
);

fn merge(
    layer: &Layer,
    input: Shape,
    rf: ReceptiveField,
    kernels: Kernels,
    budget: &mut u64,
) -> Outcome {
    let runs: Vec<Sequence> = (layer.branches.iter())
        .map(|b| sequence(b, input, rf, kernels, budget))
        .collect();
    let broken = runs
        .iter()
        .enumerate()
        .find_map(|(b, run)| run.broken.map(|i| (b, i)));
    let result = (|| {
        if let Some((branch, index)) = broken {
            return Err(Problem::Inside {
                kind: layer.kind,
                branch,
                index,
                repetition: None,
            });
        }
        let outs: Vec<(Shape, ReceptiveField)> = runs.iter().filter_map(|r| r.out).collect();
        let shapes: Vec<Shape> = outs.iter().map(|&(s, _)| s).collect();
        let output = crate::family::merged(layer.kind, &shapes)?;
        // The field follows the branch that sees the most.
        let rf = (outs.iter().map(|&(_, rf)| rf))
            .max_by_key(|rf| match rf {
                ReceptiveField::Global => (1, 0),
                ReceptiveField::Local { size, .. } => (0, size.h.max(size.w)),
            })
            .unwrap_or(rf);
        let mut sums = Sums::ZERO;
        for run in &runs {
            sums.add(run.sums)?;
        }
        sums.add(Sums {
            activations: output.elements(),
            ..Sums::ZERO
        })?;
        Ok((output, rf, sums))
    })();
    (runs.into_iter().map(|r| r.rows).collect(), result)
}

fn block(
    layer: &Layer,
    input: Shape,
    rf: ReceptiveField,
    kernels: Kernels,
    budget: &mut u64,
) -> Outcome {
    let body: &[Layer] = layer.branches.first().map_or(&[], Vec::as_slice);
    let repeat = layer.repeat.get();
    let mut shown: Option<Vec<Row>> = None;
    let mut total = Sums::ZERO;
    let (mut shape, mut field) = (input, rf);
    let mut done = 0;
    // A shared block's weights are the first pass's: a later pass whose
    // layers would need other weights (other channels or features)
    // cannot run with them.
    let mut first: Option<Sums> = None;
    while done < repeat {
        let run = sequence(body, shape, field, kernels, budget);
        if layer.extra.shared
            && run.out.is_some()
            && let Some(f) = first
            && (f.params, f.inactive) != (run.sums.params, run.sums.inactive)
        {
            let problem = Problem::SharedShape {
                input,
                output: shape,
            };
            return (vec![shown.unwrap_or(run.rows)], Err(problem));
        }
        first.get_or_insert(run.sums);
        let Some((next, next_rf)) = run.out else {
            let index = run.broken.unwrap_or(0);
            let problem = Problem::Inside {
                kind: Kind::Block,
                branch: 0,
                index,
                repetition: (repeat > 1).then_some(done + 1),
            };
            return (vec![run.rows], Err(problem));
        };
        if let Err(p) = total.add(run.sums) {
            return (vec![shown.unwrap_or(run.rows)], Err(p));
        }
        done += 1;
        // Once a repetition leaves the shape as it found it, every later
        // one computes the same: count them at once. The field then grows
        // by the same amount each time (its jump no longer changes).
        if next == shape
            && let (
                ReceptiveField::Local { size, jump },
                ReceptiveField::Local {
                    size: grown,
                    jump: next_jump,
                },
            ) = (field, next_rf)
            && jump == next_jump
        {
            let left = repeat - done;
            let result = run.sums.times(left).and_then(|rest| total.add(rest));
            let extend = |from: u64, to: u64| {
                (to - from)
                    .checked_mul(left)
                    .and_then(|d| to.checked_add(d))
            };
            let size = extend(size.h, grown.h).zip(extend(size.w, grown.w));
            let shown = shown.unwrap_or(run.rows);
            return match (result, size) {
                (Ok(()), Some((h, w))) => {
                    let rf = ReceptiveField::Local {
                        size: crate::layer::Hw { h, w },
                        jump,
                    };
                    (vec![shown], Ok((next, rf, total)))
                }
                (Err(p), _) => (vec![shown], Err(p)),
                (_, None) => (
                    vec![shown],
                    Err(Problem::TooLarge {
                        what: "receptive field",
                    }),
                ),
            };
        }
        if next == shape && field == ReceptiveField::Global && next_rf == field {
            let result = run.sums.times(repeat - done).and_then(|r| total.add(r));
            let shown = shown.unwrap_or(run.rows);
            return match result {
                Ok(()) => (vec![shown], Ok((next, next_rf, total))),
                Err(p) => (vec![shown], Err(p)),
            };
        }
        if shown.is_none() {
            shown = Some(run.rows);
        }
        (shape, field) = (next, next_rf);
    }
    let shown = shown.unwrap_or_else(|| sequence(body, input, rf, kernels, budget).rows);
    (vec![shown], Ok((shape, field, total)))
}
