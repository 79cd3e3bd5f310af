//! The explorer's what-if tools: a pinned baseline to compare against, the
//! input size keys, and one-key fixes for a broken layer.

use super::app::{App, Effect, Mode, slug};
use super::history::Change;
use crate::compare::{Step, align};
use crate::engine::{Analysis, Problem, Status, analyze};
use crate::export::{Framework, export};
use crate::fixes::{Fix, Repair, fixes};
use crate::network::{Network, Shape};
use crate::report::{self, Format};
use std::path::{Path, PathBuf};

/// A network pinned with `b`, and how the current one lines up with it.
pub struct Baseline {
    pub net: Network,
    pub analysis: Analysis,
    /// The alignment of the baseline's layers with the current ones.
    pub steps: Vec<Step>,
    /// For each current layer, its table row (row 0 is the input; removed
    /// baseline layers take rows of their own).
    pub row_of_layer: Vec<usize>,
    /// For each current top-level layer, the baseline layer it matches.
    pub base_of: Vec<Option<usize>>,
}

impl Baseline {
    pub fn pin(net: &Network, current: &Network) -> Baseline {
        let mut b = Baseline {
            net: net.clone(),
            analysis: analyze(net),
            steps: Vec::new(),
            row_of_layer: Vec::new(),
            base_of: Vec::new(),
        };
        b.compare(current);
        b
    }

    /// Re-aligns with the current network after a change.
    pub fn compare(&mut self, current: &Network) {
        self.steps = align(&self.net.layers, &current.layers);
        self.row_of_layer = vec![0; current.layers.len()];
        self.base_of = vec![None; current.layers.len()];
        for (row, step) in self.steps.iter().enumerate() {
            if let Step::Matched { current, .. } | Step::Added { current } = *step {
                self.row_of_layer[current] = row + 1;
            }
            if let Step::Matched { base, current } = *step {
                self.base_of[current] = Some(base);
            }
        }
    }
}

impl App {
    pub(super) fn pin_baseline(&mut self) {
        self.baseline = Some(Baseline::pin(self.net(), self.net()));
        self.say(t!("whatif-pinned-this-network-as-the"));
    }

    pub(super) fn clear_baseline(&mut self) {
        if self.baseline.take().is_some() {
            self.say(t!("whatif-baseline-cleared"));
        } else {
            self.fail(t!("whatif-there-is-no-baseline-to"));
        }
    }

    /// `[` `]` `{` `}`: a new input height and width from the current ones
    /// (a volume keeps its depth), or a new length for a sequence or signal.
    pub(super) fn resize_input(&mut self, resize: fn(u64) -> Option<u64>) {
        // Files hold sizes as TOML integers (i64).
        let fits = |n: u64| resize(n).filter(|&n| n >= 1 && i64::try_from(n).is_ok());
        let input = self.net().input;
        let shape = match input {
            Shape::Image { c, h, w } => fits(h).zip(fits(w)).map(|(h, w)| Shape::Image { c, h, w }),
            Shape::Volume { c, d, h, w } => {
                fits(h)
                    .zip(fits(w))
                    .map(|(h, w)| Shape::Volume { c, d, h, w })
            }
            _ => {
                let Some(length) = crate::smallest::length(self.net()) else {
                    return self.fail(t!("whatif-the-input-is-a-flat"));
                };
                fits(length).and_then(|n| crate::smallest::with_length(self.net(), n))
            }
        };
        match shape {
            Some(shape) => self.commit(Change::Input {
                name: self.net().name.clone(),
                shape,
                budget: self.net().budget,
            }),
            None => self.fail(t!(
                "whatif-the-input-cannot-go-beyond",
                input = input.to_string()
            )),
        }
    }

    pub(super) fn open_fixes(&mut self) {
        let Some(path) = self.selected_path() else {
            // At a size the network breaks at, the nearest that work.
            if !self.doc().near_inputs().is_empty() {
                let broken = self.analysis().error_path();
                let found: Vec<Fix> = fixes(self.net(), self.analysis(), &broken)
                    .into_iter()
                    .filter(|f| matches!(f.repair, Repair::Input(_)))
                    .collect();
                if !found.is_empty() {
                    self.mode = Mode::Fix {
                        layer: Vec::new(),
                        fixes: found,
                        list: super::popup::List::default(),
                    };
                    return;
                }
            }
            let input = self.net().input;
            return self.fail(match self.doc().min_input() {
                Some(min) if crate::smallest::too_small(input, min) => t!(
                    "whatif-the-input-h-w-is",
                    input = crate::smallest::size_text(input),
                    min = crate::smallest::size_text(min)
                ),
                Some(min) => t!(
                    "whatif-the-input-is-fine-every",
                    min = crate::smallest::size_text(min)
                ),
                None => t!("whatif-f-suggests-fixes-for-a").to_string(),
            });
        };
        match self.analysis().row_at(&path).map(|r| r.status) {
            Some(Status::Error(Problem::Inside { .. })) => {
                let inner = self.net().path_label(&self.analysis().error_path());
                return self.fail(t!("whatif-the-problem-is-inside", inner = inner));
            }
            Some(Status::Error(_)) => {}
            Some(Status::Unreachable) => {
                let broken = self.analysis().error_at.map_or(0, |e| e + 1);
                return self.fail(t!(
                    "whatif-this-row-only-waits-for",
                    broken = broken.to_string()
                ));
            }
            _ => {
                return self.fail(t!("whatif-f-suggests-fixes-for-a-2"));
            }
        }
        let found = fixes(self.net(), self.analysis(), &path);
        if found.is_empty() {
            return self.fail(t!("whatif-no-single-change-repairs-this"));
        }
        self.mode = Mode::Fix {
            layer: path,
            fixes: found,
            list: super::popup::List::default(),
        };
    }

    pub(super) fn apply_fix(&mut self, fix: Fix) {
        let change = match fix.repair {
            Repair::Layer(p, layer) => Change::Layer(p, layer),
            Repair::Remove(p) => Change::Remove(p),
            Repair::Input(shape) => Change::Input {
                name: self.net().name.clone(),
                shape,
                budget: self.net().budget,
            },
        };
        self.commit(change);
        self.say(t!(
            "whatif-fixed-u-undoes",
            a1 = fix.what.to_string(),
            a2 = fix.effect.to_string()
        ));
    }
}

/// What one row of the table shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableRow {
    Input,
    /// Current layer `index`, matched with baseline layer `base` when a
    /// baseline is pinned (`None` then means the layer was added).
    Layer {
        index: usize,
        base: Option<usize>,
    },
    /// A baseline layer that is no longer in the network.
    Removed {
        base: usize,
    },
    /// Line `line` of the tree (a layer inside a container, or a branch).
    Line(usize),
}

impl App {
    /// Rows in the table: the input, the layers and, with a baseline, the
    /// removed baseline layers in their places.
    pub fn table_len(&self) -> usize {
        match &self.baseline {
            Some(_) if !self.is_flat() => self.compared_rows().len() + 1,
            Some(b) => b.steps.len() + 1,
            None => self.rows(),
        }
    }

    pub fn table_row(&self, row: usize) -> TableRow {
        match (row, &self.baseline) {
            (0, _) => TableRow::Input,
            (r, None) if !self.is_flat() => TableRow::Line(r - 1),
            (r, Some(_)) if !self.is_flat() => {
                (self.compared_rows().get(r - 1).copied()).unwrap_or(TableRow::Input)
            }
            (r, None) => TableRow::Layer {
                index: r - 1,
                base: None,
            },
            (r, Some(b)) => match b.steps[r - 1] {
                Step::Matched { base, current } => TableRow::Layer {
                    index: current,
                    base: Some(base),
                },
                Step::Added { current } => TableRow::Layer {
                    index: current,
                    base: None,
                },
                Step::Removed { base } => TableRow::Removed { base },
            },
        }
    }

    /// Table rows `range` (fewer at the end).
    pub fn table_rows(&self, range: std::ops::Range<usize>) -> Vec<TableRow> {
        if self.baseline.is_some() && !self.is_flat() {
            let all = self.compared_rows();
            return range
                .filter_map(|r| match r {
                    0 => Some(TableRow::Input),
                    r => all.get(r - 1).copied(),
                })
                .collect();
        }
        let len = self.table_len();
        range
            .filter(|&r| r < len)
            .map(|r| self.table_row(r))
            .collect()
    }

    /// A tree against a baseline: each top-level layer's lines (itself and
    /// what it holds, where open) in the order of the alignment, with the
    /// removed baseline layers in their places.
    fn compared_rows(&self) -> Vec<TableRow> {
        let Some(b) = &self.baseline else {
            return Vec::new();
        };
        let lines = self.lines();
        let mut starts = vec![lines.len(); self.net().layers.len() + 1];
        for (i, line) in lines.iter().enumerate().rev() {
            if let crate::outline::Item::Layer { path, .. } = &line.item
                && let [top] = path[..]
            {
                starts[top] = i;
            }
        }
        let mut rows = Vec::with_capacity(lines.len() + b.steps.len());
        for step in &b.steps {
            match *step {
                Step::Matched { current, .. } | Step::Added { current } => {
                    let end = starts.get(current + 1).copied().unwrap_or(lines.len());
                    rows.extend((starts[current]..end.max(starts[current])).map(TableRow::Line));
                }
                Step::Removed { base } => rows.push(TableRow::Removed { base }),
            }
        }
        rows
    }

    /// The table row of the selection.
    pub fn selected_row(&self) -> usize {
        match (self.selected_layer(), &self.baseline) {
            (_, None) => self.selected,
            (_, Some(_)) if !self.is_flat() => match self.selected.checked_sub(1) {
                None => 0,
                Some(line) => (self.compared_rows().iter())
                    .position(|r| *r == TableRow::Line(line))
                    .map_or(0, |p| p + 1),
            },
            (None, _) => 0,
            (Some(i), Some(b)) => b.row_of_layer.get(i).copied().unwrap_or(i + 1),
        }
    }

    /// Selects what is on table row `row`, if it can be selected.
    pub fn select_row(&mut self, row: usize) {
        match self.table_row(row.min(self.table_len() - 1)) {
            TableRow::Input => self.selected = 0,
            TableRow::Layer { index, .. } => self.selected = index + 1,
            TableRow::Line(line) => self.selected = line + 1,
            TableRow::Removed { .. } => {}
        }
    }
}

/// What `x` can write, in the order its list shows them.
pub const EXPORTS: [ExportKind; 6] = [
    ExportKind::Code(Framework::Pytorch),
    ExportKind::Code(Framework::Keras),
    ExportKind::Table(Format::Markdown),
    ExportKind::Table(Format::Latex),
    ExportKind::Table(Format::Csv),
    ExportKind::Drawing,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    Code(Framework),
    Table(Format),
    /// The network drawn, in the session's theme and language (SVG).
    Drawing,
}

impl ExportKind {
    /// The list entry: name and what it is.
    pub fn describe(self) -> (&'static str, String) {
        match self {
            ExportKind::Code(Framework::Pytorch) => {
                ("PyTorch", t!("whatif-a-python-module-building-the"))
            }
            ExportKind::Code(Framework::Keras) => {
                ("Keras", t!("whatif-a-python-module-building-the-2"))
            }
            ExportKind::Table(Format::Latex) => ("LaTeX", t!("whatif-the-table-as-a-tabular")),
            ExportKind::Table(Format::Csv) => ("CSV", t!("whatif-the-table-for-a-spreadsheet")),
            ExportKind::Table(_) => ("Markdown", t!("whatif-the-table-for-notes-issues")),
            ExportKind::Drawing => ("SVG", t!("whatif-the-network-drawn")),
        }
    }

    /// The file name's ending, after the network's own name.
    fn suffix(self) -> &'static str {
        match self {
            ExportKind::Code(Framework::Pytorch) => "_pytorch.py",
            ExportKind::Code(Framework::Keras) => "_keras.py",
            ExportKind::Table(Format::Latex) => ".tex",
            ExportKind::Table(Format::Csv) => ".csv",
            ExportKind::Table(_) => ".md",
            ExportKind::Drawing => ".svg",
        }
    }
}

impl App {
    /// `x` then a choice: the file to write beside the architecture file (or
    /// in the current folder for a preset), with its contents.
    pub(super) fn export_to(&mut self, kind: ExportKind) -> Option<Effect> {
        let contents = match kind {
            ExportKind::Code(framework) => match export(self.net(), self.analysis(), framework) {
                Ok(code) => code,
                Err(e) => {
                    self.fail(t!(
                        "whatif-cannot-export-to-e",
                        a1 = framework.name().to_string(),
                        e = e.to_string()
                    ));
                    return None;
                }
            },
            ExportKind::Table(format) => report::render(self.net(), self.analysis(), format, false),
            ExportKind::Drawing => {
                let look = match self.session.theme.name {
                    "dark" => crate::diagram::Look::Dark,
                    "mono" => crate::diagram::Look::Mono,
                    _ => crate::diagram::Look::Light,
                };
                let options = crate::diagram::Options {
                    look,
                    ..crate::diagram::Options::default()
                };
                // As the table shows it: folded containers are one box, and
                // with a baseline pinned each changed layer says by how much.
                let open = |p: &[usize]| self.is_open(p);
                let extras = crate::diagram::Extras {
                    baseline: self.baseline.as_ref().map(|b| (&b.net, &b.analysis)),
                    open: &open,
                };
                crate::diagram::svg_with(self.net(), self.analysis(), &options, &extras)
            }
        };
        let (folder, stem) = match &self.doc().path() {
            Some(p) => (
                p.parent().map(Path::to_path_buf).unwrap_or_default(),
                p.file_stem()
                    .map_or("network".into(), |s| s.to_string_lossy().into_owned()),
            ),
            None => (
                PathBuf::new(),
                slug(self.doc().preset().unwrap_or(&self.net().name)),
            ),
        };
        let path = folder.join(format!("{stem}{}", kind.suffix()));
        Some(Effect::Write {
            path,
            contents,
            overwrite: false,
        })
    }

    /// The loop reports how writing an export went.
    pub fn wrote(&mut self, path: PathBuf, result: std::io::Result<()>) {
        match result {
            Ok(()) => self.say(t!("whatif-exported-to", a1 = path.display().to_string())),
            Err(e) => self.fail(t!(
                "whatif-could-not-write-e",
                a1 = path.display().to_string(),
                e = e.to_string()
            )),
        }
    }
}
