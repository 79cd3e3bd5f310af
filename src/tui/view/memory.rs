//! The memory view (`m`): where the weights and the activations go, layer by
//! layer, as bars; what training adds to inference; and the largest batch
//! each common GPU size holds. The lesson is in the bars: VGG-16's first
//! dense layer holds three quarters of its weights, a U-Net's first maps
//! most of its activations.

use super::super::app::App;
use super::super::theme::Theme;
use crate::memory::{Dtype, Memory, Optimizer, Setting, max_batch, memory};
use crate::units::{bytes, thousands};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Widget, Wrap};

/// GPU memory sizes the view answers "which batch fits?" for.
const GPUS: [u64; 4] = [8 << 30, 16 << 30, 24 << 30, 80 << 30];

/// Training as the view shows it: Adam, the usual choice, in fp32.
const TRAINING: Setting = Setting {
    dtype: Dtype::Fp32,
    train: Some(Optimizer::Adam),
    ..Setting::DEFAULT
};

/// What fits each GPU size: the largest training batch and, for a network
/// that reads a sequence, the longest context in inference. Searches, so
/// made once when the view opens rather than on every frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fits {
    batches: Vec<Option<u64>>,
    contexts: Option<Vec<Option<u64>>>,
}

impl Fits {
    pub fn of(net: &crate::network::Network, analysis: &crate::engine::Analysis) -> Fits {
        let batches = GPUS
            .iter()
            .map(|&gpu| max_batch(net, analysis, TRAINING, gpu))
            .collect();
        let contexts = crate::smallest::has_context(net).then(|| {
            GPUS.iter()
                .map(|&gpu| crate::memory::max_context(net, Setting::default(), gpu))
                .collect()
        });
        Fits { batches, contexts }
    }
}

pub fn render(app: &App, fits: &Fits, t: &Theme, area: Rect, buf: &mut Buffer) {
    Clear.render(area, buf);
    let block = Block::bordered()
        .border_style(t.border)
        .padding(Padding::horizontal(1))
        .title(Span::styled(t!("memory-title"), t.title));
    let inner = block.inner(area);
    block.render(area, buf);
    let (net, analysis) = (app.net(), app.analysis());
    let inference = memory(net, analysis, Setting::default());
    let training = memory(net, analysis, TRAINING);
    let (Some(inference), Some(training)) = (inference, training) else {
        Paragraph::new(Line::styled(t!("memory-broken"), t.error)).render(inner, buf);
        return;
    };
    let width = usize::from(inner.width);
    let mut lines = Vec::new();
    // Two bar lists share what the summary and the GPU lines leave.
    let room = usize::from(inner.height).saturating_sub(15) / 2;
    let names: Vec<String> = net.layers.iter().map(|l| l.label()).collect();
    let params: Vec<u64> = (analysis.rows.iter())
        .map(|r| r.params.unwrap_or(0))
        .collect();
    // Values each layer writes, as fp32 bytes.
    let outputs: Vec<u64> = (analysis.rows.iter())
        .map(|r| r.activations.unwrap_or(0).saturating_mul(4))
        .collect();
    lines.push(Line::styled(t!("memory-params-by-layer"), t.title));
    lines.extend(bars(t, &names, &params, room, width, &|n| thousands(n)));
    lines.push(Line::raw(""));
    lines.push(Line::styled(t!("memory-outputs-by-layer"), t.title));
    lines.extend(bars(t, &names, &outputs, room, width, &|n| bytes(n)));
    lines.push(Line::raw(""));
    lines.push(Line::styled(t!("memory-totals"), t.title));
    lines.extend(breakdown(t, &inference, &training, width));
    lines.push(Line::raw(""));
    let per_gpu = |found: &[Option<u64>]| -> String {
        (GPUS.iter().zip(found))
            .map(|(&gpu, n)| format!("{} → {}", bytes(gpu), n.map_or("—".to_string(), thousands)))
            .collect::<Vec<_>>()
            .join("   ")
    };
    lines.push(Line::from(vec![
        Span::styled(t!("memory-largest-batch"), t.muted),
        Span::raw(per_gpu(&fits.batches)),
    ]));
    if let Some(contexts) = &fits.contexts {
        lines.push(Line::from(vec![
            Span::styled(t!("memory-longest-context"), t.muted),
            Span::raw(per_gpu(contexts)),
        ]));
    }
    lines.push(Line::styled(
        t!("memory-peak-at", phase = training.phase.text()),
        t.muted,
    ));
    lines.push(Line::styled(t!("memory-left-out"), t.muted));
    // The network's budget, if it has one: each limit, red when over.
    let budget = super::budget_spans(app, t);
    if !budget.is_empty() {
        let mut spans = vec![Span::styled(t!("memory-budget"), t.muted)];
        spans.extend(budget);
        lines.push(Line::from(spans));
    }
    lines.push(Line::styled(t!("memory-close"), t.muted));
    // Long lines (the GPU sizes, what is left out) wrap rather than lose their end.
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(inner, buf);
}

/// The `room` layers that weigh most, in network order, each a bar as long
/// as its share of the largest, with its amount and share of the total.
fn bars<'a>(
    t: &Theme,
    names: &[String],
    amounts: &[u64],
    room: usize,
    width: usize,
    amount: &dyn Fn(u64) -> String,
) -> Vec<Line<'a>> {
    // Up to 2^64 each: summed in u128.
    let total: u128 = amounts.iter().map(|&n| u128::from(n)).sum();
    let most = amounts.iter().copied().max().unwrap_or(0);
    let mut heaviest: Vec<usize> = (0..amounts.len()).collect();
    heaviest.sort_by_key(|&i| std::cmp::Reverse(amounts[i]));
    heaviest.truncate(room.max(1));
    heaviest.sort_unstable();
    let name_width = 24.min(width / 3);
    let bar_width = width.saturating_sub(name_width + 26).max(4);
    heaviest
        .into_iter()
        .map(|i| {
            let n = amounts[i];
            let share = if total == 0 {
                0.0
            } else {
                n as f64 / total as f64
            };
            let len = if most == 0 {
                0
            } else {
                ((n as f64 / most as f64) * bar_width as f64).round() as usize
            };
            let numbered = format!("{} {}", i + 1, names[i]);
            let name = crate::text::fit(&numbered, name_width);
            // The heaviest layer stands out: it is the lesson.
            let style = if n == most && n > 0 {
                t.warning
            } else {
                t.good
            };
            Line::from(vec![
                Span::raw(format!("{} ", crate::text::pad(name, name_width))),
                Span::styled("█".repeat(len), style),
                Span::raw(" ".repeat(bar_width - len)),
                Span::raw(format!(
                    " {:>12} {:>6}",
                    amount(n),
                    crate::units::percent(share)
                )),
            ])
        })
        .collect()
}

/// Inference and training (Adam) as stacked bars on one scale: weights,
/// gradients, optimizer state, activations.
fn breakdown<'a>(t: &Theme, inference: &Memory, training: &Memory, width: usize) -> Vec<Line<'a>> {
    // One scale for both rows, set by the larger, and no bar past the
    // room: a bar is a string as long as it is drawn.
    let room = width.saturating_sub(40).max(10);
    let scale = room as f64 / training.total.max(inference.total).max(1) as f64;
    let parts = |m: &Memory| {
        [
            (m.weights, t.good, t!("memory-weights")),
            (m.gradients, t.more, t!("memory-gradients")),
            (m.optimizer, t.changed, t!("memory-optimizer")),
            (m.activations, t.warning, t!("memory-activations")),
            (m.kv_cache, t.title, t!("memory-kv-cache")),
        ]
    };
    let row = |label: String, m: &Memory| {
        let mut spans = vec![Span::raw(crate::text::pad(&label, 22))];
        let mut left = room;
        for (n, style, _) in parts(m) {
            let len = ((n as f64 * scale).round() as usize).min(left);
            left -= len;
            spans.push(Span::styled("█".repeat(len), style));
        }
        spans.push(Span::raw(format!(" {}", bytes(m.total))));
        Line::from(spans)
    };
    // Training's parts, and inference's KV cache (training keeps none).
    let shown = Memory {
        kv_cache: inference.kv_cache,
        ..*training
    };
    let legend: Vec<Span> = parts(&shown)
        .into_iter()
        .filter(|(n, _, name)| *n > 0 || *name != t!("memory-kv-cache"))
        .flat_map(|(n, style, name)| {
            [
                Span::styled("█ ", style),
                Span::styled(format!("{name} {}   ", bytes(n)), Style::default()),
            ]
        })
        .collect();
    vec![
        row(t!("memory-inference"), inference),
        row(t!("memory-training"), training),
        Line::from(legend),
    ]
}
