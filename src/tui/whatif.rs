//! The explorer's what-if tools: a pinned baseline to compare against, the
//! input size keys, and one-key fixes for a broken layer.

use super::app::{App, Effect, Mode, slug};
use super::history::Change;
use crate::compare::{Step, align};
use crate::engine::{Analysis, Status, analyze};
use crate::export::{Framework, export};
use crate::fixes::{Fix, Repair, fixes};
use crate::lang::tr;
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
}

impl Baseline {
    pub fn pin(net: &Network, current: &Network) -> Baseline {
        let mut b = Baseline {
            net: net.clone(),
            analysis: analyze(net),
            steps: Vec::new(),
            row_of_layer: Vec::new(),
        };
        b.compare(current);
        b
    }

    /// Re-aligns with the current network after a change.
    pub fn compare(&mut self, current: &Network) {
        self.steps = align(&self.net.layers, &current.layers);
        self.row_of_layer = vec![0; current.layers.len()];
        for (row, step) in self.steps.iter().enumerate() {
            if let Step::Matched { current, .. } | Step::Added { current } = *step {
                self.row_of_layer[current] = row + 1;
            }
        }
    }
}

impl App {
    pub(super) fn pin_baseline(&mut self) {
        self.baseline = Some(Baseline::pin(self.net(), self.net()));
        self.say(tr(
            "Pinned this network as the baseline: changes now show against it (B clears)",
            "Сеть запомнена как база: изменения теперь видны относительно неё (B — забыть)",
        ));
    }

    pub(super) fn clear_baseline(&mut self) {
        if self.baseline.take().is_some() {
            self.say(tr("Baseline cleared", "База забыта"));
        } else {
            self.fail(tr(
                "There is no baseline to clear (b pins one)",
                "Базы нет (b запоминает её)",
            ));
        }
    }

    /// `[` `]` `{` `}`: a new input height and width from the current ones.
    pub(super) fn resize_input(&mut self, resize: fn(u64) -> Option<u64>) {
        let Shape::Image { c, h, w } = self.net().input else {
            return self.fail(tr(
                "The input is a flat vector: it has no height or width to resize",
                "Вход — вектор: у него нет высоты и ширины",
            ));
        };
        // Files hold sizes as TOML integers (i64).
        let fits = |n: u64| resize(n).filter(|&n| n >= 1 && i64::try_from(n).is_ok());
        match (fits(h), fits(w)) {
            (Some(h), Some(w)) => self.commit(Change::Input {
                name: self.net().name.clone(),
                shape: Shape::Image { c, h, w },
            }),
            _ => self.fail(tr(
                format!("The input cannot go beyond {h}×{w} that way"),
                format!("Дальше {h}×{w} вход в эту сторону не изменить"),
            )),
        }
    }

    pub(super) fn open_fixes(&mut self) {
        let Some(i) = self.selected_layer() else {
            return self.fail(match (self.doc().min_input(), self.net().input) {
                (Some(min), Shape::Image { h, w, .. }) if h < min.h || w < min.w => tr(
                    format!("The input {h}×{w} is too small: every layer fits from {}×{} (] grows it, or f on the red row)", min.h, min.w),
                    format!("Вход {h}×{w} мал: все слои подходят от {}×{} (] увеличит его, или f на красной строке)", min.h, min.w),
                ),
                (Some(min), Shape::Image { .. }) => tr(
                    format!("The input is fine: every layer fits from {}×{} up", min.h, min.w),
                    format!("Вход в порядке: все слои подходят от {}×{}", min.h, min.w),
                ),
                _ => tr(
                    "f suggests fixes for a red row; select one",
                    "f предлагает исправления для красной строки; выберите её",
                )
                .to_string(),
            });
        };
        match self.analysis().rows[i].status {
            Status::Error(_) => {}
            Status::Unreachable => {
                let broken = self.analysis().error_at.map_or(0, |e| e + 1);
                return self.fail(tr(
                    format!("This row only waits for layer {broken}, which is broken: f on layer {broken} fixes it"),
                    format!("Эта строка лишь ждёт слой {broken}, а он сломан: f на слое {broken} исправит"),
                ));
            }
            _ => {
                return self.fail(tr(
                    "f suggests fixes for a red (broken) row; this one is fine",
                    "f предлагает исправления для красной (сломанной) строки; эта в порядке",
                ));
            }
        }
        let found = fixes(self.net(), self.analysis(), i);
        if found.is_empty() {
            return self.fail(tr(
                "No single change repairs this layer",
                "Одним изменением этот слой не починить",
            ));
        }
        self.mode = Mode::Fix {
            layer: i,
            fixes: found,
            choice: 0,
        };
    }

    pub(super) fn apply_fix(&mut self, fix: Fix) {
        let change = match fix.repair {
            Repair::Layer(i, layer) => Change::Layer(i, layer),
            Repair::Remove(i) => Change::Remove(i),
            Repair::Input(shape) => Change::Input {
                name: self.net().name.clone(),
                shape,
            },
        };
        self.commit(change);
        self.say(tr(
            format!("Fixed: {} ({}); u undoes", fix.what, fix.effect),
            format!("Исправлено: {} ({}); u отменит", fix.what, fix.effect),
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
}

impl App {
    /// Rows in the table: the input, the layers and, with a baseline, the
    /// removed baseline layers in their places.
    pub fn table_len(&self) -> usize {
        match &self.baseline {
            Some(b) => b.steps.len() + 1,
            None => self.net().layers.len() + 1,
        }
    }

    pub fn table_row(&self, row: usize) -> TableRow {
        match (row, &self.baseline) {
            (0, _) => TableRow::Input,
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

    /// The table row of the selection.
    pub fn selected_row(&self) -> usize {
        match (self.selected_layer(), &self.baseline) {
            (None, _) => 0,
            (Some(i), None) => i + 1,
            (Some(i), Some(b)) => b.row_of_layer.get(i).copied().unwrap_or(i + 1),
        }
    }

    /// Selects what is on table row `row`, if it can be selected.
    pub fn select_row(&mut self, row: usize) {
        match self.table_row(row.min(self.table_len() - 1)) {
            TableRow::Input => self.selected = 0,
            TableRow::Layer { index, .. } => self.selected = index + 1,
            TableRow::Removed { .. } => {}
        }
    }
}

/// What `x` can write, in the order its list shows them.
pub const EXPORTS: [ExportKind; 5] = [
    ExportKind::Code(Framework::Pytorch),
    ExportKind::Code(Framework::Keras),
    ExportKind::Table(Format::Markdown),
    ExportKind::Table(Format::Latex),
    ExportKind::Table(Format::Csv),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    Code(Framework),
    Table(Format),
}

impl ExportKind {
    /// The list entry: name and what it is.
    pub fn describe(self) -> (&'static str, &'static str) {
        match self {
            ExportKind::Code(Framework::Pytorch) => (
                "PyTorch",
                tr(
                    "a Python module building the network in torch.nn",
                    "модуль Python, строящий сеть в torch.nn",
                ),
            ),
            ExportKind::Code(Framework::Keras) => (
                "Keras",
                tr(
                    "a Python module building the network in keras",
                    "модуль Python, строящий сеть в keras",
                ),
            ),
            ExportKind::Table(Format::Latex) => (
                "LaTeX",
                tr(
                    "the table as a tabular, for a handout or a thesis",
                    "таблица как tabular, для раздатки или диплома",
                ),
            ),
            ExportKind::Table(Format::Csv) => (
                "CSV",
                tr(
                    "the table for a spreadsheet",
                    "таблица для электронных таблиц",
                ),
            ),
            ExportKind::Table(_) => (
                "Markdown",
                tr(
                    "the table for notes, issues and READMEs",
                    "таблица для заметок и README",
                ),
            ),
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
                    self.fail(tr(
                        format!("Cannot export to {}: {e}", framework.name()),
                        format!("Не экспортировать в {}: {e}", framework.name()),
                    ));
                    return None;
                }
            },
            ExportKind::Table(format) => report::render(self.net(), self.analysis(), format, false),
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
            Ok(()) => self.say(tr(
                format!("Exported to {}", path.display()),
                format!("Выгружено в {}", path.display()),
            )),
            Err(e) => self.fail(tr(
                format!("Could not write {}: {e}", path.display()),
                format!("Не удалось записать {}: {e}", path.display()),
            )),
        }
    }
}
