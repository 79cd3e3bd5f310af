//! The picture of one layer (`v`): the state of the view and what its keys
//! do. For a convolution, pooling or transposed convolution it shows the
//! layer's own arithmetic — where the window of one output cell sits on the
//! (padded) input; `Tab` (and `v` on any other top-level layer) shows the
//! receptive field instead — the region of the network's input that the
//! output cell depends on. The drawing is in `view/picture.rs`; the numbers
//! in `crate::arithmetic`.

use super::app::{App, Mode};
use super::keys::ViewAction;
use crate::network::Shape;

/// Whether the picture of `kind` is its own window: convolutions and pools
/// of any rank, and the transposed convolution.
fn windowed(kind: crate::layer::Kind) -> bool {
    kind.has_window() || kind.window_axes() != 2 || kind == crate::layer::Kind::ConvTranspose2d
}

/// Frames of the event loop (50 ms each) between two steps of `Space`.
pub const TICKS_PER_STEP: u32 = 6;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    /// The layer shown (see `Network::layer_at`).
    pub path: Vec<usize>,
    /// The output cell: row, column (a signal's one row: 0, sample).
    pub cell: [u64; 2],
    /// The output depth slice, for a 3-D layer.
    pub depth: u64,
    /// The receptive field rather than the layer's own window.
    pub field: bool,
    /// Stepping through the cells, and frames since the last step.
    pub playing: bool,
    pub ticks: u32,
}

impl App {
    /// `v`: the picture of the selected layer.
    pub(super) fn open_view(&mut self) {
        let Some(path) = self.selected_path() else {
            return self.fail(t!("visual-select-a-layer"));
        };
        let Some(layer) = self.net().layer_at(&path) else {
            return;
        };
        let windowed = windowed(layer.kind);
        if !windowed && path.len() > 1 {
            return self.fail(t!("visual-inside-only-windows"));
        }
        // A layer's own window is drawn on whatever it slides over; a
        // receptive field only on an image.
        if !windowed && !matches!(self.net().input, Shape::Image { .. }) {
            return self.fail(t!("visual-needs-an-image"));
        }
        if self.output_size(&path).is_none() {
            return self.fail(t!("visual-cannot-be-computed"));
        }
        self.mode = Mode::View(View {
            path,
            cell: [0, 0],
            depth: 0,
            field: !windowed,
            playing: false,
            ticks: 0,
        });
    }

    /// The output rows and columns the picture of the layer at `path`
    /// draws (see `view::picture::grid`), if it has an output.
    pub fn output_size(&self, path: &[usize]) -> Option<[u64; 2]> {
        let output = self.analysis().row_at(path)?.output?;
        Some(super::view::picture::grid(output).unwrap_or([1, 1]))
    }

    /// How many depth slices the output of the layer at `path` has (1 but
    /// for a volume).
    pub fn output_depth(&self, path: &[usize]) -> u64 {
        match self.analysis().row_at(path).and_then(|r| r.output) {
            Some(Shape::Volume { d, .. }) => d,
            _ => 1,
        }
    }

    /// A key in the picture; `view` is the state it was in.
    pub(super) fn view_key(&mut self, mut view: View, action: ViewAction) {
        let size = self.output_size(&view.path).unwrap_or([1, 1]);
        let [r, c] = &mut view.cell;
        match action {
            ViewAction::Left => *c = c.saturating_sub(1),
            ViewAction::Right => *c = (*c + 1).min(size[1] - 1),
            ViewAction::Up => *r = r.saturating_sub(1),
            ViewAction::Down => *r = (*r + 1).min(size[0] - 1),
            ViewAction::Play => view.playing = !view.playing,
            ViewAction::Deeper => {
                view.depth = (view.depth + 1).min(self.output_depth(&view.path) - 1);
            }
            ViewAction::Shallower => view.depth = view.depth.saturating_sub(1),
            ViewAction::Switch => {
                let windowed = (self.net().layer_at(&view.path)).is_some_and(|l| windowed(l.kind));
                if view.path.len() > 1 {
                    self.fail(t!("visual-inside-only-windows"));
                } else if !matches!(self.net().input, Shape::Image { .. }) {
                    self.fail(t!("picture-field-images-only"));
                } else if windowed {
                    view.field = !view.field;
                }
            }
            ViewAction::Close => return,
            edit => {
                // The table's own keys, on this layer: the picture redraws.
                self.select_path(&view.path);
                let _ = self.update(match edit {
                    ViewAction::Pad => super::keys::Action::TogglePadding,
                    ViewAction::Stride => super::keys::Action::CycleStride,
                    ViewAction::Grow => super::keys::Action::Grow,
                    _ => super::keys::Action::Shrink,
                });
                // The output may have shrunk under the cell.
                view.depth = view.depth.min(self.output_depth(&view.path) - 1);
                match self.output_size(&view.path) {
                    Some([h, w]) => view.cell = [view.cell[0].min(h - 1), view.cell[1].min(w - 1)],
                    None => {
                        self.fail(t!("visual-cannot-be-computed"));
                        return;
                    }
                }
            }
        }
        self.mode = Mode::View(view);
    }

    /// A frame passed without a key: a playing picture steps on. True when
    /// there is something new to draw.
    pub fn tick(&mut self) -> bool {
        let Mode::View(view) = &mut self.mode else {
            return false;
        };
        if !view.playing {
            return false;
        }
        view.ticks += 1;
        if view.ticks < TICKS_PER_STEP {
            return false;
        }
        view.ticks = 0;
        let path = view.path.clone();
        let [h, w] = self.output_size(&path).unwrap_or([1, 1]);
        if let Mode::View(view) = &mut self.mode {
            let [r, c] = &mut view.cell;
            *c += 1;
            if *c >= w {
                *c = 0;
                *r = (*r + 1) % h;
            }
        }
        true
    }
}
