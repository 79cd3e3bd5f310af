//! Quiz mode, for the classroom: the output shapes and parameter counts from
//! the selected layer down are hidden; a student answers a row with Enter, a
//! right answer is revealed in green, a wrong one shows the correct value
//! and the formula behind it, and the score is kept.

use super::app::{App, Mode};
use super::keys::Action;
use crate::engine::Row;
use crate::explain::explain;
use crate::network::Shape;
use crate::units::thousands;
use crossterm::event::Event;
use tui_input::Input;

/// How a student's answer to one cell went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Right,
    Wrong { typed: String },
}

/// The two cells of a row a quiz hides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuizCell {
    /// The output shape.
    Output,
    /// The parameter count.
    Params,
}

impl QuizCell {
    pub const BOTH: [QuizCell; 2] = [QuizCell::Output, QuizCell::Params];

    /// The cell's name, as the answer form and the verdict say it.
    pub fn word(self) -> String {
        match self {
            QuizCell::Output => t!("quiz-output"),
            QuizCell::Params => t!("quiz-parameters"),
        }
    }
}

/// The verdicts for one layer's two quizzed cells, each with the value it
/// judged: an edit that changes the value takes the verdict back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answers {
    pub shape: Option<Verdict>,
    pub params: Option<Verdict>,
    shape_judged: Option<Shape>,
    params_judged: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quiz {
    /// Layers from this index down are quizzed.
    pub from: usize,
    /// Verdicts by layer index.
    pub answers: Vec<Answers>,
    pub right: u32,
    pub tried: u32,
}

impl Quiz {
    fn answers(&self, layer: usize) -> Option<&Answers> {
        layer
            .checked_sub(self.from)
            .and_then(|i| self.answers.get(i))
    }

    /// Whether layer `layer`'s `cell` is still hidden.
    pub fn hides(&self, layer: usize, cell: QuizCell) -> bool {
        layer >= self.from && self.verdict(layer, cell).is_none()
    }

    /// The verdict on a revealed cell, if it was answered.
    pub fn verdict(&self, layer: usize, cell: QuizCell) -> Option<&Verdict> {
        let a = self.answers(layer)?;
        match cell {
            QuizCell::Output => a.shape.as_ref(),
            QuizCell::Params => a.params.as_ref(),
        }
    }

    /// After an edit: a verdict on a value that has since changed no longer
    /// holds, so its cell is hidden again and it leaves the score.
    pub fn recheck(&mut self, rows: &[Row]) {
        let (mut right, mut tried) = (0, 0);
        for (i, a) in self.answers.iter_mut().enumerate() {
            let row = rows.get(self.from + i);
            if a.shape.is_some() && row.map(|r| r.output) != Some(a.shape_judged) {
                a.shape = None;
            }
            if a.params.is_some() && row.map(|r| r.params) != Some(a.params_judged) {
                a.params = None;
            }
            for v in [&a.shape, &a.params].into_iter().flatten() {
                tried += 1;
                right += u32::from(*v == Verdict::Right);
            }
        }
        (self.right, self.tried) = (right, tried);
    }

    /// Whether the quiz has answers a quit would lose.
    pub fn has_answers(&self) -> bool {
        self.tried > 0
    }

    /// Whether anything is still hidden: the totals would give it away.
    pub fn hides_any(&self, layers: usize) -> bool {
        (self.from..layers).any(|i| QuizCell::BOTH.iter().any(|&c| self.hides(i, c)))
    }
}

/// The answer form: a text box for each cell of the row still hidden.
#[derive(Clone, Debug)]
pub struct AnswerForm {
    pub layer: usize,
    /// A text box for each hidden cell.
    pub entries: Vec<(QuizCell, Input)>,
    pub focus: usize,
}

impl AnswerForm {
    pub fn type_into(&mut self, event: &Event) {
        if let Some((_, input)) = self.entries.get_mut(self.focus) {
            super::form::feed(input, event);
        }
    }

    pub fn next(&mut self) {
        self.focus = (self.focus + 1) % self.entries.len().max(1);
    }
}

/// What a student may type for "this layer cannot be computed", in either language.
const ERROR_WORDS: &[&str] = &["error", "ошибка", "none", "-", "—", "✗", "broken"];

/// An output shape as a student writes it: `24×24×6`, `24x24x6`, `24 24 6`
/// (height, width, channels, as the table shows them), `256`, or `error`
/// for a layer that cannot be computed.
fn parse_shape_answer(text: &str) -> Option<Option<Shape>> {
    let t = text.trim().to_lowercase();
    if ERROR_WORDS.contains(&t.as_str()) || t == "x" {
        return Some(None);
    }
    let dims: Vec<u64> = t
        .split(|c: char| c == '×' || c == 'x' || c == '*' || c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    match dims[..] {
        [h, w, c] => Some(Some(Shape::Image { c, h, w })),
        [n] => Some(Some(Shape::Flat(n))),
        _ => None,
    }
}

/// A parameter count as a student writes it: `44426`, `44,426`, `44 426`.
fn parse_count_answer(text: &str) -> Option<Option<u64>> {
    let t = text.trim().to_lowercase();
    if ERROR_WORDS.contains(&t.as_str()) {
        return Some(None);
    }
    let digits: String = t
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '_' | '\u{a0}'))
        .collect();
    digits.parse().ok().map(Some)
}

impl App {
    /// Whether a quiz is on and still hides an answer.
    pub fn quiz_hides_any(&self) -> bool {
        self.quiz
            .as_ref()
            .is_some_and(|q| q.hides_any(self.net().layers.len()))
    }

    /// `m`, `y`, `v`, `g`, `x`, `f` and `e` show counts, shapes or where the
    /// network breaks: in a quiz that hides any, they are refused.
    pub(super) fn refused_in_quiz(&mut self, action: Action) -> bool {
        let reveals = matches!(
            action,
            Action::Memory
                | Action::Copy
                | Action::View
                | Action::Graph
                | Action::Export
                | Action::Fix
                | Action::NextBroken
        );
        if reveals && self.quiz_hides_any() {
            self.fail(t!("quiz-would-reveal"));
            return true;
        }
        false
    }

    pub(super) fn toggle_quiz(&mut self) {
        if self.quiz.is_none() && self.net().layers.is_empty() {
            return self.fail(t!("quiz-nothing-to-ask"));
        }
        match self.quiz.take() {
            Some(q) => self.say(t!(
                "quiz-quiz-over-of-right-everything",
                a1 = q.right.to_string(),
                a2 = q.tried.to_string()
            )),
            None => {
                // The graph shows every shape and count: the quiz is the table's.
                self.graph = false;
                let from = self.selected_layer().unwrap_or(0);
                let layers = self.net().layers.len().saturating_sub(from);
                self.quiz = Some(Quiz {
                    from,
                    answers: vec![Answers::default(); layers],
                    right: 0,
                    tried: 0,
                });
                let n = from + 1;
                self.say(t!(
                    "quiz-quiz-shapes-and-parameters-from",
                    n = n.to_string()
                ));
            }
        }
    }

    /// Enter in a quiz: the answer form for the selected row, if it hides anything.
    pub(super) fn open_answer(&mut self) -> bool {
        let (Some(quiz), Some(layer)) = (&self.quiz, self.selected_layer()) else {
            return false;
        };
        let entries: Vec<(QuizCell, Input)> = QuizCell::BOTH
            .into_iter()
            .filter(|&cell| quiz.hides(layer, cell))
            .map(|cell| (cell, Input::default()))
            .collect();
        if entries.is_empty() {
            return false;
        }
        self.mode = Mode::Answer(AnswerForm {
            layer,
            entries,
            focus: 0,
        });
        true
    }

    /// Checks the answers typed; refuses (keeping the form) what cannot be read.
    pub(super) fn submit_answer(&mut self, form: AnswerForm) {
        let layer = form.layer;
        let (Some(row), Some(l)) = (
            self.analysis().rows.get(layer).cloned(),
            self.net().layers.get(layer),
        ) else {
            return;
        };
        let why = explain(l, &row, self.net().kernels);
        // Every answer is read before any counts: one that cannot be read
        // refuses the form as it is, and nothing is scored twice.
        let mut judged = Vec::new();
        for &(cell, ref input) in &form.entries {
            let typed = input.value().trim().to_string();
            let still_hidden = self.quiz.as_ref().is_some_and(|q| q.hides(layer, cell));
            if typed.is_empty() || !still_hidden {
                continue;
            }
            let right = match cell {
                QuizCell::Output => parse_shape_answer(&typed).map(|a| a == row.output),
                QuizCell::Params => parse_count_answer(&typed).map(|a| a == row.params),
            };
            match (right, cell) {
                (Some(right), _) => judged.push((cell, typed, right)),
                (None, QuizCell::Output) => {
                    self.fail(t!("quiz-write-the-shape", typed = format!("{typed:?}")));
                    self.mode = Mode::Answer(form);
                    return;
                }
                (None, QuizCell::Params) => {
                    self.fail(t!("quiz-write-the-count", typed = format!("{typed:?}")));
                    self.mode = Mode::Answer(form);
                    return;
                }
            }
        }
        let mut said = Vec::new();
        for (cell, typed, right) in judged {
            let shape = cell == QuizCell::Output;
            let correct = if shape {
                let value = row.output.map_or_else(
                    || t!("quiz-the-layer-cannot-be-computed").to_string(),
                    |s| s.to_string(),
                );
                format!("{value} ({})", why.size.join("; "))
            } else {
                why.params.clone()
            };
            let what = cell.word();
            said.push(if right {
                t!("quiz-what-right", what = what.to_string())
            } else {
                t!(
                    "quiz-what-you-said-typed-it",
                    what = what.to_string(),
                    typed = typed.to_string(),
                    correct = correct.to_string()
                )
            });
            let Some(quiz) = &mut self.quiz else { return };
            quiz.tried += 1;
            quiz.right += u32::from(right);
            let verdict = if right {
                Verdict::Right
            } else {
                Verdict::Wrong { typed }
            };
            // Layers added since the quiz began have no slot yet.
            if let Some(i) = layer.checked_sub(quiz.from)
                && quiz.answers.len() <= i
            {
                quiz.answers.resize(i + 1, Answers::default());
            }
            if let Some(a) = layer
                .checked_sub(quiz.from)
                .and_then(|i| quiz.answers.get_mut(i))
            {
                if shape {
                    a.shape = Some(verdict);
                    a.shape_judged = row.output;
                } else {
                    a.params = Some(verdict);
                    a.params_judged = row.params;
                }
            }
        }
        let Some(quiz) = &self.quiz else { return };
        if said.is_empty() {
            return self.fail(t!("quiz-type-an-answer-first-esc"));
        }
        let score = t!(
            "quiz-score-of",
            a1 = quiz.right.to_string(),
            a2 = quiz.tried.to_string()
        );
        let all_right = said.iter().all(|s| s.starts_with('✓'));
        let text = format!(
            "{} {}: {}  ({score})",
            t!("quiz-layer"),
            layer + 1,
            said.join("; ")
        );
        if all_right {
            self.say(text);
        } else {
            self.fail(text);
        }
    }
}

/// The score as the header shows it.
pub fn score(quiz: &Quiz) -> String {
    let (right, tried) = (
        thousands(u64::from(quiz.right)),
        thousands(u64::from(quiz.tried)),
    );
    t!(
        "quiz-quiz-right-of-tried-right",
        right = right.to_string(),
        tried = tried.to_string()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_as_students_write_them() {
        assert_eq!(
            parse_shape_answer("24×24×6"),
            Some(Some(Shape::Image { c: 6, h: 24, w: 24 }))
        );
        assert_eq!(
            parse_shape_answer(" 24x24x6 "),
            Some(Some(Shape::Image { c: 6, h: 24, w: 24 }))
        );
        assert_eq!(parse_shape_answer("256"), Some(Some(Shape::Flat(256))));
        assert_eq!(parse_shape_answer("error"), Some(None));
        assert_eq!(parse_shape_answer("Ошибка"), Some(None));
        assert_eq!(parse_count_answer("ошибка"), Some(None));
        assert_eq!(parse_shape_answer("big"), None);
        assert_eq!(parse_count_answer("44,426"), Some(Some(44_426)));
        assert_eq!(parse_count_answer("44 426"), Some(Some(44_426)));
        assert_eq!(parse_count_answer("lots"), None);
    }
}
