//! The explorer as a user sees it: key events in, a rendered screen out
//! (ratatui's `TestBackend`), colours included.

mod common;

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use layerlab::engine::analyze;
use layerlab::presets;
use layerlab::tui::app::{App, Effect, Mode};
use layerlab::tui::keys::{self as keymaps, KEYS};
use layerlab::tui::quiz::QuizCell;
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use std::ops::Not;

fn open(preset: &str) -> App {
    App::new(
        presets::load(preset).expect("preset"),
        None,
        Some(preset.into()),
    )
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Presses each character as a key; returns the last effect, if any.
fn press(app: &mut App, keys: &str) -> Option<Effect> {
    keys.chars()
        .fold(None, |_, c| app.handle_event(&key(KeyCode::Char(c))))
}

/// Home: back to the input row.
fn home(app: &mut App) {
    app.handle_event(&key(KeyCode::Home));
}

fn draw(app: &App, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|f| f.render_widget(app, f.area()))
        .expect("draws");
    terminal.backend().buffer().clone()
}

fn lines(buf: &Buffer) -> Vec<String> {
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect()
}

fn screen(buf: &Buffer) -> String {
    lines(buf).join("\n")
}

/// The screen row whose text starts (after spaces and box lines) with `start`.
fn row_starting(buf: &Buffer, start: &str) -> u16 {
    let ls = lines(buf);
    let y = ls
        .iter()
        .position(|l| l.trim_start_matches([' ', '│']).starts_with(start));
    u16::try_from(y.unwrap_or_else(|| panic!("no row starting {start:?} in\n{}", ls.join("\n"))))
        .unwrap()
}

/// The screen row that contains `text`.
fn row_containing(buf: &Buffer, text: &str) -> u16 {
    let ls = lines(buf);
    let y = ls.iter().position(|l| l.contains(text));
    u16::try_from(y.unwrap_or_else(|| panic!("no row contains {text:?} in\n{}", ls.join("\n"))))
        .unwrap()
}

/// The colour of the first character of `text` on row `y`.
fn colour_of(buf: &Buffer, y: u16, text: &str) -> (Color, Modifier) {
    let line = &lines(buf)[usize::from(y)];
    let byte = line
        .find(text)
        .unwrap_or_else(|| panic!("{text:?} not on row {y}: {line}"));
    let x = u16::try_from(line[..byte].chars().count()).unwrap();
    let cell = &buf[(x, y)];
    (cell.fg, cell.modifier)
}

#[test]
fn lenet_screen_shows_every_layer_and_the_totals() {
    let app = open("lenet");
    let buf = draw(&app, 100, 30);
    insta::assert_snapshot!("lenet_screen", screen(&buf));
    assert!(screen(&buf).contains("Total params: 44,426"));
    let conv = row_starting(&buf, "1  conv 5×5 ×6 s1 p0 relu");
    assert!(lines(&buf)[usize::from(conv)].contains("24×24×6     156"));
}

#[test]
fn padding_stride_and_convention_keys_recompute_the_footer() {
    let mut app = open("lenet");
    press(&mut app, "P");
    assert!(screen(&draw(&app, 100, 30)).contains("Total params: 107,786"));
    press(&mut app, "P");
    assert!(screen(&draw(&app, 100, 30)).contains("Total params: 44,426"));
    press(&mut app, "c");
    let buf = draw(&app, 100, 30);
    assert!(screen(&buf).contains("Total params: 42,426"));
    assert!(screen(&buf).contains("kernels: shared (problem set)"));
}

#[test]
fn stride_two_turns_the_second_maxpool_red_and_dims_the_rest() {
    let mut app = open("lenet");
    press(&mut app, "S");
    let buf = draw(&app, 140, 30);
    insta::assert_snapshot!("lenet_stride2_screen", screen(&buf));
    let broken = row_starting(&buf, "4  maxpool");
    let text = &lines(&buf)[usize::from(broken)];
    assert!(
        text.contains("✗ input 1×1 is smaller than the 2×2 pooling window"),
        "{text}"
    );
    let (fg, modifier) = colour_of(&buf, broken, "maxpool");
    assert_eq!(fg, Color::Red);
    assert!(modifier.contains(Modifier::BOLD));
    for (later, label) in [
        ("5  flatten", "flatten"),
        ("6  dense 120", "dense 120 relu"),
        ("9  softmax", "softmax"),
    ] {
        let y = row_starting(&buf, later);
        let text = &lines(&buf)[usize::from(y)];
        // After its label, a row below the broken one has no number at all:
        // its shape, parameters, MACs and receptive field are all "—".
        let (_, after) = text.split_once(label).expect("the label is shown");
        let cells: Vec<&str> = after.split_whitespace().collect();
        assert_eq!(cells[..4], ["—", "—", "—", "—"], "{text}");
        assert!(!after.chars().any(|c| c.is_ascii_digit()), "{text}");
        assert_eq!(
            colour_of(&buf, y, &later[3..]).0,
            Color::DarkGray,
            "{later} is dimmed"
        );
    }
    assert_eq!(
        colour_of(&buf, row_starting(&buf, "1  conv"), "conv").0,
        Color::Yellow,
        "dropped pixels"
    );
    assert!(screen(&buf).contains("Total params: —   ✗ layer 4 cannot be computed"));
}

#[test]
fn the_detail_pane_explains_the_selected_layer_with_numbers() {
    let mut app = open("lenet");
    press(&mut app, "j");
    let text = screen(&draw(&app, 100, 30));
    assert!(text.contains("Layer 1 · conv 5×5 ×6 s1 p0 relu"), "{text}");
    assert!(text.contains("H, W: ⌊(28 + 2·0 − 5) / 1⌋ + 1 = 24"));
    assert!(text.contains("(5·5·1 + 1)·6 = 156"));
    press(&mut app, "S");
    press(&mut app, "jjj");
    let text = screen(&draw(&app, 100, 30));
    assert!(
        text.contains("broken       ✗ input 1×1 is smaller than the 2×2 pooling window"),
        "{text}"
    );
    assert!(text.contains("H, W: 1 + 2·0 = 1 < 2: the window does not fit"));
}

#[test]
fn help_lists_every_key_of_every_keymap() {
    let mut app = open("lenet");
    press(&mut app, "?");
    let text = screen(&draw(&app, 120, 110));
    let width = 13; // the longest label, "Shift+Tab ↑", and two spaces
    let rows = (KEYS.iter().map(|b| (b.label, b.help)))
        .chain(keymaps::LIST_KEYS.iter().map(|b| (b.label, b.help)))
        .chain(keymaps::FORM_KEYS.iter().map(|b| (b.label, b.help)))
        .chain(keymaps::CONFIRM_KEYS.iter().map(|b| (b.label, b.help)))
        .chain(keymaps::HELP_KEYS.iter().map(|b| (b.label, b.help)));
    for (label, help) in rows {
        let help = layerlab::i18n::english(help);
        assert!(
            text.contains(&format!("{label:<width$}{help}")),
            "{label} missing:\n{text}"
        );
    }
    for section in [
        "In lists",
        "In forms and prompts",
        "In questions",
        "In this help",
    ] {
        assert!(text.contains(section), "{section}");
    }
    // On a short terminal the help scrolls, down to its last line.
    let short = screen(&draw(&app, 100, 24));
    assert!(short.contains("↑↓ PgUp PgDn scroll: 1–22 of"), "{short}");
    // A page is what fits: PgDn shows lines 23–44, PgUp goes back.
    app.handle_event(&key(KeyCode::PageDown));
    let paged = screen(&draw(&app, 100, 24));
    assert!(paged.contains("scroll: 23–44 of"), "{paged}");
    app.handle_event(&key(KeyCode::PageUp));
    assert!(screen(&draw(&app, 100, 24)).contains("scroll: 1–22 of"));
    press(&mut app, "G");
    let bottom = screen(&draw(&app, 100, 24));
    assert!(
        bottom.contains("Mouse: click a row to select it"),
        "{bottom}"
    );
    // Past the end there is nothing more: one line up is one line up.
    app.handle_event(&key(KeyCode::Down));
    press(&mut app, "k");
    assert!(
        !screen(&draw(&app, 100, 24)).contains("Mouse: click a row"),
        "k after the end scrolls at once"
    );
    press(&mut app, "g");
    assert!(screen(&draw(&app, 100, 24)).contains("scroll: 1–22 of"));
    press(&mut app, "x");
    assert!(
        matches!(app.mode(), Mode::Table),
        "any other key closes help"
    );
}

#[test]
fn an_invalid_edit_is_refused_in_place_with_the_reason() {
    let mut app = open("lenet");
    press(&mut app, "j");
    app.handle_event(&key(KeyCode::Enter));
    // The first field is `filters` (6): erase it and type 0.
    app.handle_event(&key(KeyCode::Backspace));
    press(&mut app, "0");
    let buf = draw(&app, 100, 30);
    let y = row_containing(&buf, "✗ `filters` must be a positive integer");
    assert_eq!(colour_of(&buf, y, "✗").0, Color::Red);
    app.handle_event(&key(KeyCode::Enter));
    assert!(matches!(app.mode(), Mode::Edit(_)), "the form stays open");
    assert_eq!(
        app.net().layers[0].filters.get(),
        6,
        "the network is untouched"
    );
    assert!(screen(&draw(&app, 100, 30)).contains("Fix the fields in red first"));
    // Typing a valid value and pressing Enter applies it.
    app.handle_event(&key(KeyCode::Backspace));
    press(&mut app, "12");
    app.handle_event(&key(KeyCode::Enter));
    assert!(matches!(app.mode(), Mode::Table));
    assert_eq!(app.net().layers[0].filters.get(), 12);
    assert_eq!(app.analysis().rows[0].params, Some(312));
    assert!(screen(&draw(&app, 100, 30)).contains("24×24×12"));
}

#[test]
fn the_input_row_edits_the_input_shape() {
    let mut app = open("lenet");
    app.handle_event(&key(KeyCode::Enter));
    for _ in 0.."1, 28, 28".len() {
        app.handle_event(&key(KeyCode::Backspace));
    }
    press(&mut app, "3, 32, 32");
    app.handle_event(&key(KeyCode::Enter));
    let text = screen(&draw(&app, 100, 30));
    assert!(text.contains("input 32×32×3"), "{text}");
    assert!(text.contains("28×28×6"));
}

#[test]
fn the_input_form_reads_crosses_as_height_width_channels_and_says_so() {
    let mut app = open("lenet");
    app.handle_event(&key(KeyCode::Enter));
    for _ in 0.."1, 28, 28".len() {
        app.handle_event(&key(KeyCode::Backspace));
    }
    press(&mut app, "32x32x3");
    let form = screen(&draw(&app, 100, 30));
    assert!(form.contains("= H 32, W 32, C 3"), "{form}");
    app.handle_event(&key(KeyCode::Enter));
    assert_eq!(app.net().input.to_vec(), [3, 32, 32]);
    assert_eq!(app.analysis().totals.params, Some(62_006));
}

#[test]
fn undo_and_redo_walk_through_every_change() {
    let mut app = open("lenet");
    press(&mut app, "P");
    press(&mut app, "c");
    press(&mut app, "jd"); // remove the first conv
    assert_eq!(app.net().layers.len(), 8);
    press(&mut app, "u");
    assert_eq!(app.net().layers.len(), 9);
    press(&mut app, "u");
    assert!(screen(&draw(&app, 100, 30)).contains("Total params: 107,786"));
    press(&mut app, "u");
    assert!(screen(&draw(&app, 100, 30)).contains("Total params: 44,426"));
    assert!(
        screen(&draw(&app, 100, 30)).contains("preset lenet  "),
        "back to unmodified, no *"
    );
    press(&mut app, "u");
    assert!(screen(&draw(&app, 100, 30)).contains("Nothing to undo"));
    app.handle_event(&ctrl('r'));
    assert!(screen(&draw(&app, 100, 30)).contains("Total params: 107,786"));
    assert!(screen(&draw(&app, 100, 30)).contains("preset lenet*"));
}

#[test]
fn quitting_with_unsaved_changes_asks_first() {
    let mut app = open("lenet");
    assert_eq!(
        press(&mut app, "q"),
        Some(Effect::Quit),
        "nothing to lose: quits at once"
    );

    let mut app = open("lenet");
    press(&mut app, "P");
    assert_eq!(press(&mut app, "q"), None);
    let text = screen(&draw(&app, 100, 30));
    assert!(text.contains("Quit and lose what is not saved?"), "{text}");
    assert_eq!(press(&mut app, "n"), None, "n stays");
    assert!(matches!(app.mode(), Mode::Table));
    assert_eq!(app.analysis().totals.params, Some(107_786));
    press(&mut app, "q");
    assert_eq!(app.handle_event(&key(KeyCode::Esc)), None, "Esc stays too");
    assert!(matches!(app.mode(), Mode::Table));
    press(&mut app, "q");
    assert_eq!(press(&mut app, "y"), Some(Effect::Quit));
    assert_eq!(
        app.handle_event(&ctrl('c')),
        Some(Effect::Quit),
        "Ctrl+c never asks"
    );
}

#[test]
fn doubling_filters_stops_at_what_a_file_can_hold() {
    let mut app = open("lenet");
    press(&mut app, "j");
    press(&mut app, &">".repeat(62));
    let filters = app.net().layers[0].filters.get();
    assert_eq!(filters, 6 << 60, "the last doubling that fits");
    assert_eq!(
        app.message().as_ref().map(|m| m.text.as_str()),
        Some("too many filters: at most 9,223,372,036,854,775,807")
    );
    let text = layerlab::file::to_toml(app.net());
    let back = layerlab::file::parse(&text).expect("layerlab reads its own file");
    assert_eq!(back.layers[0].filters.get(), filters);
}

#[test]
fn esc_on_the_table_never_quits() {
    let mut app = open("lenet");
    for _ in 0..3 {
        assert_eq!(app.handle_event(&key(KeyCode::Esc)), None);
    }
    assert!(matches!(app.mode(), Mode::Table));
    // Esc closes a popup and stays.
    press(&mut app, "?");
    assert_eq!(app.handle_event(&key(KeyCode::Esc)), None);
    assert!(matches!(app.mode(), Mode::Table));
}

#[test]
fn a_quiz_with_answers_is_not_lost_to_one_key() {
    let mut app = open("lenet");
    press(&mut app, "jjjQ");
    app.handle_event(&key(KeyCode::Enter));
    press(&mut app, "8x8x16");
    app.handle_event(&key(KeyCode::Enter));
    assert_eq!(press(&mut app, "q"), None, "the score would be lost");
    let text = screen(&draw(&app, 100, 30));
    assert!(
        text.contains("The quiz (quiz: 1 of 1 right) ends with it."),
        "{text}"
    );
    assert_eq!(press(&mut app, "y"), Some(Effect::Quit));
}

#[test]
fn an_edit_takes_back_verdicts_on_values_it_changed() {
    let mut app = open("lenet");
    press(&mut app, "jjjQ");
    app.handle_event(&key(KeyCode::Enter));
    press(&mut app, "8x8x16");
    app.handle_event(&key(KeyCode::Tab));
    press(&mut app, "2416");
    app.handle_event(&key(KeyCode::Enter));
    assert_eq!(
        app.quiz().as_ref().map(|q| (q.right, q.tried)),
        Some((2, 2))
    );
    // Padding every convolution changes layer 3's output (12×12×16) but not
    // its parameters: the shape verdict goes, the count stays.
    press(&mut app, "P");
    let quiz = app.quiz().expect("still quizzing");
    assert_eq!((quiz.right, quiz.tried), (1, 1));
    assert!(
        quiz.hides(2, QuizCell::Output),
        "the changed shape is hidden again"
    );
    assert!(
        !quiz.hides(2, QuizCell::Params),
        "the unchanged count stays answered"
    );
    let buf = draw(&app, 120, 30);
    let conv = row_starting(&buf, "3  conv");
    assert!(!lines(&buf)[usize::from(conv)].contains("12×12×16"));
    assert!(screen(&buf).contains("quiz: 1 of 1 right"));
    // Undo brings the old value back, but the verdict stays taken back:
    // it must be answered again.
    press(&mut app, "u");
    assert!(app.quiz().as_ref().unwrap().hides(2, QuizCell::Output));
}

#[test]
fn saving_without_a_path_asks_for_one_and_marks_the_network_saved() {
    let mut app = open("lenet");
    press(&mut app, "P");
    assert_eq!(app.handle_event(&ctrl('s')), None);
    assert!(screen(&draw(&app, 100, 30)).contains("lenet.toml"));
    let effect = app.handle_event(&key(KeyCode::Enter));
    assert_eq!(
        effect,
        Some(Effect::Save {
            path: "lenet.toml".into(),
            overwrite: false
        })
    );
    let (_, source) = layerlab::file::Source::parse(&layerlab::file::to_toml(app.net())).unwrap();
    app.saved("lenet.toml".into(), Ok(source), None);
    let text = screen(&draw(&app, 100, 30));
    assert!(text.contains("lenet.toml  │"), "{text}");
    assert!(text.contains("Saved to lenet.toml"));
    assert_eq!(
        press(&mut app, "q"),
        Some(Effect::Quit),
        "saved: no question"
    );
}

/// Types `path` into the open path prompt (replacing its suggestion) and
/// presses Enter; returns the effect.
fn type_path(app: &mut App, path: &std::path::Path) -> Option<Effect> {
    for _ in 0..40 {
        app.handle_event(&key(KeyCode::Backspace));
    }
    app.handle_event(&Event::Paste(path.display().to_string()));
    app.handle_event(&key(KeyCode::Enter))
}

/// Runs an effect as the explorer's loop does, on the real file system.
fn perform(app: &mut App, effect: Option<Effect>) {
    if let Some(effect) = effect {
        let _ = layerlab::tui::perform(app, effect);
    }
}

#[test]
fn save_as_onto_an_existing_file_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let thesis = dir.path().join("thesis.toml");
    std::fs::write(&thesis, "my thesis").unwrap();
    let mut app = open("lenet");
    press(&mut app, "P");
    app.handle_event(&ctrl('s'));
    let effect = type_path(&mut app, &thesis);
    perform(&mut app, effect);
    let text = screen(&draw(&app, 120, 30));
    assert!(
        text.contains("thesis.toml already exists. Replace it?"),
        "{text}"
    );
    press(&mut app, "n");
    assert_eq!(std::fs::read_to_string(&thesis).unwrap(), "my thesis");
    assert!(app.is_dirty(), "nothing was saved");
    // Asked again, y replaces it.
    app.handle_event(&ctrl('s'));
    let effect = type_path(&mut app, &thesis);
    perform(&mut app, effect);
    let effect = press(&mut app, "y");
    perform(&mut app, effect);
    assert!(!app.is_dirty());
    assert_eq!(
        layerlab::file::load(&thesis).unwrap().layers.len(),
        app.net().layers.len()
    );
}

#[test]
fn exporting_over_an_existing_file_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let thesis = dir.path().join("thesis.toml");
    std::fs::write(
        &thesis,
        layerlab::file::to_toml(&presets::load("lenet").unwrap()),
    )
    .unwrap();
    let tex = dir.path().join("thesis.tex");
    std::fs::write(&tex, "\\chapter{Years of work}").unwrap();
    let mut app = App::new(layerlab::file::load(&thesis).unwrap(), Some(thesis), None);
    press(&mut app, "x");
    app.handle_event(&key(KeyCode::Down));
    app.handle_event(&key(KeyCode::Down));
    app.handle_event(&key(KeyCode::Down)); // LaTeX
    let effect = app.handle_event(&key(KeyCode::Enter));
    perform(&mut app, effect);
    assert!(screen(&draw(&app, 120, 30)).contains("thesis.tex already exists. Replace it?"));
    app.handle_event(&key(KeyCode::Esc));
    assert_eq!(
        std::fs::read_to_string(&tex).unwrap(),
        "\\chapter{Years of work}"
    );
    assert!(screen(&draw(&app, 120, 30)).contains("Nothing was written"));
}

#[test]
fn saving_over_changes_another_program_made_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("net.toml");
    std::fs::write(
        &path,
        layerlab::file::to_toml(&presets::load("lenet").unwrap()),
    )
    .unwrap();
    let mut app = open("lenet");
    perform(&mut app, Some(Effect::OpenFile(path.clone())));
    press(&mut app, "P");
    // Saving a file nobody else touched does not ask.
    let effect = app.handle_event(&ctrl('s'));
    perform(&mut app, effect);
    assert!(!app.is_dirty(), "saved at once");
    // Another program writes to it.
    std::fs::write(
        &path,
        "name = \"theirs\"\ninput = [1, 28, 28]\n# their work\n",
    )
    .unwrap();
    press(&mut app, "P");
    let effect = app.handle_event(&ctrl('s'));
    perform(&mut app, effect);
    let text = screen(&draw(&app, 140, 30));
    assert!(text.contains("was changed by another program"), "{text}");
    press(&mut app, "n");
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("# their work")
    );
}

#[test]
fn the_session_outlives_the_network_opened() {
    let mut app = open("lenet");
    app.session_mut().theme = &layerlab::tui::theme::MONO;
    press(&mut app, "ojj"); // a new empty network, mlp, lenet
    app.handle_event(&key(KeyCode::Enter));
    assert_eq!(app.doc().preset(), Some("lenet"));
    assert_eq!(
        app.session().theme.name,
        "mono",
        "--theme mono and NO_COLOR stay"
    );
    assert!(
        draw(&app, 100, 30)
            .content()
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
    );
}

#[test]
fn opening_a_preset_or_a_file_guards_unsaved_changes() {
    let mut app = open("lenet");
    press(&mut app, "P");
    press(&mut app, "o");
    assert!(
        screen(&draw(&app, 100, 30)).contains("Open another network and lose what is not saved?")
    );
    press(&mut app, "n");
    assert_eq!(
        app.analysis().totals.params,
        Some(107_786),
        "n keeps the changes"
    );
    press(&mut app, "oy");
    assert!(screen(&draw(&app, 100, 30)).contains("problem г: LeNet, convolutions at stride 2"));
    press(&mut app, "jjjjj"); // new empty, mlp, lenet, lenet-padded, lenet-stride2, lenet5
    app.handle_event(&key(KeyCode::Enter));
    let text = screen(&draw(&app, 100, 30));
    assert!(
        text.contains("LeNet-5  │  preset lenet5  │  input 32×32×1"),
        "{text}"
    );
    assert!(text.contains("Total params: 61,706"));

    // The last entry asks for a path; the loop opens it and reports back.
    press(&mut app, "o");
    app.handle_event(&key(KeyCode::End));
    app.handle_event(&key(KeyCode::Enter));
    press(&mut app, "nets/missing.toml");
    let effect = app.handle_event(&key(KeyCode::Enter));
    assert_eq!(effect, Some(Effect::OpenFile("nets/missing.toml".into())));
    let error = layerlab::file::load_source(std::path::Path::new("nets/missing.toml"));
    app.opened("nets/missing.toml".into(), error, None);
    let text = screen(&draw(&app, 100, 30));
    assert!(
        text.contains("nets/missing.toml: cannot read the file"),
        "{text}"
    );
    assert!(
        text.contains("Total params: 61,706"),
        "a failed open keeps the network"
    );
}

#[test]
fn adding_moving_and_resizing_layers() {
    let mut app = open("lenet");
    press(&mut app, "a");
    assert!(screen(&draw(&app, 100, 30)).contains("Add a layer at the top"));
    press(&mut app, "b"); // jump to batchnorm
    app.handle_event(&key(KeyCode::Enter));
    assert_eq!(app.net().layers[0].kind.name(), "batchnorm");
    assert_eq!(app.analysis().totals.params, Some(44_428));
    app.handle_event(&Event::Key(KeyEvent::new(
        KeyCode::Down,
        KeyModifiers::SHIFT,
    )));
    assert_eq!(app.net().layers[1].kind.name(), "batchnorm");
    assert_eq!(
        app.analysis().totals.params,
        Some(44_426 + 12),
        "after the first conv: 6 channels"
    );
    press(&mut app, "k+"); // the conv's kernel 5 → 6: 28 − 6 + 1 = 23
    assert_eq!(
        app.analysis().rows[0].output.unwrap().to_string(),
        "23×23×6"
    );
    press(&mut app, "-->"); // kernel 4, filters doubled
    assert_eq!(
        app.analysis().rows[0].output.unwrap().to_string(),
        "25×25×12"
    );
}

#[test]
fn a_small_terminal_says_so_instead_of_drawing_garbage() {
    let app = open("lenet");
    let text = screen(&draw(&app, 50, 12));
    assert!(text.contains("The terminal is too small for layerlab."));
    assert!(text.contains("It needs 60×16; this one is 50×12."));
}

#[test]
fn a_mouse_click_selects_the_row_under_it() {
    let mut app = open("lenet");
    app.handle_event(&Event::Resize(100, 30));
    let buf = draw(&app, 100, 30);
    let y = row_starting(&buf, "3  conv");
    app.handle_event(&Event::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 5,
        row: y,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(app.selected(), 3);
    app.handle_event(&Event::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 5,
        row: y,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(app.selected(), 4);
}

#[test]
fn a_large_network_scrolls_and_keeps_the_selection_on_screen() {
    let mut net = presets::load("vgg16").unwrap();
    let block = net.layers[..2].to_vec();
    for _ in 0..5000 {
        net.layers.insert(2, block[1].clone());
    }
    let mut app = App::new(net, None, None);
    app.handle_event(&Event::Resize(100, 30));
    app.handle_event(&key(KeyCode::End));
    let text = screen(&draw(&app, 100, 30));
    assert!(
        text.contains(&format!("{}  softmax", app.net().layers.len())),
        "{text}"
    );
    app.handle_event(&key(KeyCode::PageUp));
    let text = screen(&draw(&app, 100, 30));
    assert!(text.contains(&format!("Layer {} ·", app.selected())));
}

#[test]
fn a_pinned_baseline_shows_what_changed_and_the_change_in_totals() {
    let mut app = open("lenet");
    press(&mut app, "bP");
    let buf = draw(&app, 140, 30);
    insta::assert_snapshot!("baseline_padded", screen(&buf));
    let text = screen(&buf);
    assert!(text.contains("Total params: 107,786 (+63,360)"), "{text}");
    assert!(text.contains("baseline: LeNet (44,426)"));
    let conv = row_starting(&buf, "1  conv");
    assert!(lines(&buf)[usize::from(conv)].contains("24×24×6 → 28×28×6"));
    let dense = row_starting(&buf, "6  dense 120");
    assert!(lines(&buf)[usize::from(dense)].contains("+63,360"));
    assert_eq!(
        colour_of(&buf, dense, "+63,360").0,
        Color::Green,
        "a gain is green"
    );
    let footer = row_containing(&buf, "Total params: 107,786");
    assert_eq!(colour_of(&buf, footer, "(+63,360)").0, Color::Green);
    let unchanged = row_starting(&buf, "7  dense 84");
    assert!(
        !lines(&buf)[usize::from(unchanged)].contains('+'),
        "unchanged rows say nothing"
    );
    // Back to the baseline: no changes left to show.
    press(&mut app, "P");
    assert!(screen(&draw(&app, 140, 30)).contains("Total params: 44,426 (±0)"));
    press(&mut app, "B");
    assert!(!screen(&draw(&app, 140, 30)).contains("vs baseline"));
}

#[test]
fn a_removed_layer_is_marked_removed_and_the_rows_below_unchanged() {
    let mut app = open("lenet");
    press(&mut app, "jjjj"); // after the second max-pool
    press(&mut app, "a");
    press(&mut app, "b"); // batchnorm
    app.handle_event(&key(KeyCode::Enter));
    press(&mut app, "b"); // pin with the batchnorm in
    press(&mut app, "d"); // and remove it
    let buf = draw(&app, 140, 30);
    let removed = row_containing(&buf, "removed");
    let text = &lines(&buf)[usize::from(removed)];
    assert!(text.contains("batchnorm") && text.contains("−32"), "{text}");
    assert_eq!(
        colour_of(&buf, removed, "batchnorm").1 & Modifier::CROSSED_OUT,
        Modifier::CROSSED_OUT
    );
    for below in [
        "5  flatten",
        "6  dense 120",
        "7  dense 84",
        "8  dense 10",
        "9  softmax",
    ] {
        let y = row_starting(&buf, below);
        let row = &lines(&buf)[usize::from(y)];
        assert!(
            !row.contains('→') && !row.contains('+') && !row.contains('−'),
            "{row}"
        );
    }
    assert!(screen(&buf).contains("Total params: 44,426 (−32)"));
}

#[test]
fn fixes_on_the_red_row_each_leave_the_network_valid() {
    let mut app = open("lenet-stride2");
    press(&mut app, "jjjjf");
    let Mode::Fix { fixes, .. } = &app.mode() else {
        panic!("the fix list is open")
    };
    let offered = fixes.clone();
    assert!(offered.len() >= 4);
    let text = screen(&draw(&app, 120, 40));
    for fix in &offered {
        assert!(text.contains(&fix.what), "{} listed:\n{text}", fix.what);
        let fixed = layerlab::fixes::apply(app.net(), &fix.repair);
        assert_eq!(
            analyze(&fixed).error_at,
            None,
            "{} leaves the network valid",
            fix.what
        );
    }
    assert!(text.contains("→ network valid, 15,626 params"));
    // Apply the first (zero-pad the max-pool), then undo it in one step.
    app.handle_event(&key(KeyCode::Enter));
    assert_eq!(app.analysis().error_at, None);
    let text = screen(&draw(&app, 120, 40));
    assert!(text.contains("Total params: 15,626"), "{text}");
    assert!(text.contains("4  maxpool 2×2 s2 same"));
    press(&mut app, "u");
    assert_eq!(app.analysis().error_at, Some(3));
    press(&mut app, "k");
    press(&mut app, "f");
    assert!(
        matches!(app.mode(), Mode::Table),
        "no fixes for a valid row"
    );
    assert!(screen(&draw(&app, 120, 40)).contains("this one is fine"));
}

#[test]
fn resizing_a_window_changes_the_window_and_nothing_else() {
    let mut app = open("lenet");
    press(&mut app, "jj+");
    assert_eq!(app.net().layers[1].label(), "maxpool 3×3 s2 p0");
    assert!(screen(&draw(&app, 120, 40)).contains("2  maxpool 3×3 s2 p0"));
    // The "shrink the window" fix keeps the stride too.
    let mut app = open("lenet-stride2");
    press(&mut app, "jjjjf");
    let Mode::Fix { fixes, .. } = &app.mode() else {
        panic!("the fix list is open")
    };
    let shrink = fixes
        .iter()
        .find(|f| f.what.contains("window to"))
        .expect("a shrink fix is offered");
    let layerlab::fixes::Repair::Layer(_, layer) = &shrink.repair else {
        panic!("shrinking replaces the layer")
    };
    assert_eq!(layer.label(), "maxpool 1×1 s2 p0");
}

#[test]
fn f_off_the_red_row_says_where_the_fix_is() {
    let mut app = open("lenet-stride2");
    press(&mut app, "Gf");
    assert!(matches!(app.mode(), Mode::Table));
    let said = &app.message().as_ref().expect("a message").text;
    assert_eq!(
        said,
        "This row only waits for layer 4, which is broken: f on layer 4 fixes it"
    );
    home(&mut app);
    press(&mut app, "f");
    let said = &app.message().as_ref().expect("a message").text;
    assert_eq!(
        said,
        "The input 28×28 is too small: every layer fits from 31×31 (] grows it, or f on the red row)"
    );
    let mut app = open("lenet");
    press(&mut app, "f");
    assert_eq!(
        app.message().as_ref().map(|m| m.text.as_str()),
        Some("The input is fine: every layer fits from 16×16 up")
    );
}

#[test]
fn input_size_keys_follow_live_and_the_input_row_turns_red_below_the_minimum() {
    let mut app = open("lenet");
    let text = screen(&draw(&app, 120, 30));
    assert!(text.contains("input 28×28×1 (fits from 16×16)"), "{text}");
    press(&mut app, "{"); // 14×14
    let buf = draw(&app, 160, 30);
    assert!(screen(&buf).contains("input 14×14×1 (fits from 16×16)"));
    let input = row_starting(&buf, "0  input");
    assert!(
        lines(&buf)[usize::from(input)]
            .contains("✗ smaller than 16×16, the smallest input every layer accepts")
    );
    assert_eq!(colour_of(&buf, input, "input").0, Color::Red);
    press(&mut app, "]]");
    let buf = draw(&app, 120, 30);
    assert!(screen(&buf).contains("Total params: 15,626"), "16×16 fits");
    assert_ne!(
        colour_of(&buf, row_starting(&buf, "0  input"), "input").0,
        Color::Red
    );
    press(&mut app, "}[");
    assert!(screen(&draw(&app, 120, 30)).contains("input 31×31×1"));
}

#[test]
fn every_theme_keeps_the_broken_row_unmistakable() {
    use layerlab::tui::theme::{DARK, LIGHT, MONO};
    let mut app = open("lenet");
    press(&mut app, "Sjjjj");
    for (theme, red, yellow) in [
        (&DARK, Color::Red, Color::Yellow),
        // The 16 standard colours, which every terminal and projector has.
        (&LIGHT, Color::Red, Color::Magenta),
        (&MONO, Color::Reset, Color::Reset),
    ] {
        app.session_mut().theme = theme;
        let buf = draw(&app, 140, 30);
        let broken = row_starting(&buf, "4  maxpool");
        assert!(
            lines(&buf)[usize::from(broken)].contains("✗ input 1×1 is smaller"),
            "{}",
            theme.name
        );
        let (fg, modifier) = colour_of(&buf, broken, "maxpool");
        assert_eq!(fg, red, "{}", theme.name);
        assert!(
            modifier.contains(Modifier::BOLD),
            "{}: broken rows are bold",
            theme.name
        );
        let warned = row_starting(&buf, "1  conv");
        assert!(
            lines(&buf)[usize::from(warned)].contains("! drops the last"),
            "{}",
            theme.name
        );
        assert_eq!(colour_of(&buf, warned, "conv").0, yellow, "{}", theme.name);
    }
    // Mono: no colour anywhere on the screen.
    app.session_mut().theme = &MONO;
    let buf = draw(&app, 140, 30);
    assert!(
        buf.content()
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
    );
}

#[test]
fn quiz_mode_hides_checks_answers_and_keeps_score() {
    let mut app = open("lenet");
    press(&mut app, "jjjQ"); // quiz from layer 3 down
    let buf = draw(&app, 120, 30);
    let conv = row_starting(&buf, "3  conv");
    assert!(
        lines(&buf)[usize::from(conv)].contains("8×8×16").not(),
        "hidden"
    );
    assert!(
        lines(&buf)[usize::from(conv)].contains("?             ?"),
        "{}",
        lines(&buf)[usize::from(conv)]
    );
    assert!(
        lines(&buf)[usize::from(row_starting(&buf, "2  maxpool"))].contains("12×12×6"),
        "above stays shown"
    );
    assert!(screen(&buf).contains("Total params: ?"));
    assert!(screen(&buf).contains("quiz: 0 of 0 right"));
    assert!(
        !screen(&buf).contains("(5·5·6 + 1)·16"),
        "no formula gives it away"
    );

    // A right shape and a wrong parameter count.
    app.handle_event(&key(KeyCode::Enter));
    assert!(screen(&draw(&app, 120, 30)).contains("Your answer for layer 3"));
    press(&mut app, "8x8x16");
    app.handle_event(&key(KeyCode::Tab));
    press(&mut app, "2400");
    app.handle_event(&key(KeyCode::Enter));
    let buf = draw(&app, 160, 30);
    let text = screen(&buf);
    assert!(
        text.contains("Layer 3: ✓ output right; ✗ parameters: you said 2400; it is (5·5·6 + 1)·16 = 2,416  (score 1 of 2)"),
        "{text}"
    );
    assert!(text.contains("quiz: 1 of 2 right"));
    let conv = row_starting(&buf, "3  conv");
    assert_eq!(
        colour_of(&buf, conv, "8×8×16").0,
        Color::Green,
        "a right answer is revealed in green"
    );
    assert_eq!(
        colour_of(&buf, conv, "2,416").0,
        Color::Yellow,
        "a wrong one shows the correct value"
    );
    assert!(
        text.contains("parameters   (5·5·6 + 1)·16 = 2,416"),
        "the formula is in the detail pane"
    );

    // An answer that cannot be read is refused in place.
    press(&mut app, "j");
    app.handle_event(&key(KeyCode::Enter));
    press(&mut app, "big");
    app.handle_event(&key(KeyCode::Enter));
    assert!(matches!(app.mode(), Mode::Answer(_)));
    assert!(screen(&draw(&app, 120, 30)).contains("Write the shape as the table does"));
    app.handle_event(&key(KeyCode::Esc));

    // Leaving the quiz reveals everything.
    press(&mut app, "Q");
    let text = screen(&draw(&app, 120, 30));
    assert!(text.contains("Quiz over: 1 of 2 right"), "{text}");
    assert!(text.contains("Total params: 44,426") && text.contains("4×4×16"));
}

#[test]
fn x_exports_beside_the_architecture_file_and_says_where() {
    let net = presets::load("lenet").unwrap();
    let mut app = App::new(net.clone(), Some("nets/lenet.toml".into()), None);
    press(&mut app, "x");
    let text = screen(&draw(&app, 100, 30));
    assert!(
        text.contains("PyTorch") && text.contains("Keras") && text.contains("LaTeX"),
        "{text}"
    );
    let Some(Effect::Write { path, contents, .. }) = app.handle_event(&key(KeyCode::Enter)) else {
        panic!("PyTorch is written")
    };
    assert_eq!(path, std::path::PathBuf::from("nets/lenet_pytorch.py"));
    assert_eq!(
        contents,
        layerlab::export::export(&net, &analyze(&net), layerlab::export::Framework::Pytorch)
            .unwrap()
    );
    app.wrote(path, Ok(()));
    assert!(screen(&draw(&app, 100, 30)).contains("Exported to nets/lenet_pytorch.py"));

    // A preset goes to the current folder under its name; a table too.
    let mut app = open("lenet");
    press(&mut app, "xjjj"); // Keras, Markdown, LaTeX
    let Some(Effect::Write { path, contents, .. }) = app.handle_event(&key(KeyCode::Enter)) else {
        panic!("LaTeX is written")
    };
    assert_eq!(path, std::path::PathBuf::from("lenet.tex"));
    assert!(contents.starts_with("% LeNet"));

    // The drawing, in the session's theme: the dark explorer draws dark.
    let mut app = open("lenet");
    press(&mut app, "x");
    assert!(screen(&draw(&app, 100, 30)).contains("SVG"));
    app.handle_event(&key(KeyCode::End));
    let Some(Effect::Write { path, contents, .. }) = app.handle_event(&key(KeyCode::Enter)) else {
        panic!("the drawing is written")
    };
    assert_eq!(path, std::path::PathBuf::from("lenet.svg"));
    assert!(contents.starts_with("<svg") && contents.contains("LeNet — 44,426 parameters"));
    assert!(
        contents.contains(r##"fill="#1e1e1e""##),
        "dark, as the explorer"
    );
    // With a baseline pinned, the drawing says what changed against it.
    press(&mut app, "bP");
    press(&mut app, "x");
    app.handle_event(&key(KeyCode::End));
    let Some(Effect::Write { contents, .. }) = app.handle_event(&key(KeyCode::Enter)) else {
        panic!("the drawing is written")
    };
    assert!(
        contents.contains("+63,360 against the baseline"),
        "{contents}"
    );

    // What cannot be exported is refused in place, with the reason.
    press(&mut app, "c");
    press(&mut app, "x");
    assert_eq!(app.handle_event(&key(KeyCode::Enter)), None);
    assert!(
        screen(&draw(&app, 200, 30)).contains("Cannot export to PyTorch: kernels = \"shared\"")
    );
}

#[test]
fn the_russian_interface_says_everything_in_russian() {
    use layerlab::lang::Lang;
    // The session's language: every event and every frame speak it.
    let mut app = open_in("lenet", Lang::Ru);
    let text = screen(&draw(&app, 120, 30));
    assert!(text.contains("Всего параметров: 44 426"), "{text}");
    assert!(text.contains("вход 28×28×1 (подходит от 16×16)"), "{text}");
    assert!(text.contains("слой") && text.contains("выход") && text.contains("параметры"));
    assert!(text.contains("? справка  q выход"));
    press(&mut app, "Sjjjj");
    let text = screen(&draw(&app, 140, 30));
    assert!(
        text.contains("✗ вход 1×1 меньше окна пулинга 2×2"),
        "{text}"
    );
    assert!(text.contains("Всего параметров: —   ✗ слой 4 не вычисляется"));
    press(&mut app, "?");
    let text = screen(&draw(&app, 140, 50));
    assert!(
        text.contains("Клавиши") && text.contains("выбрать слой выше"),
        "{text}"
    );
    press(&mut app, "x");
    press(&mut app, "q");
    let text = screen(&draw(&app, 120, 30));
    assert!(text.contains("Выйти и потерять несохранённое?"), "{text}");
    // Opening another network keeps the session's language.
    press(&mut app, "n");
    press(&mut app, "o");
    app.handle_event(&key(KeyCode::Enter));
    app.handle_event(&key(KeyCode::Char('y')));
    let text = screen(&draw(&app, 120, 30));
    assert!(text.contains("Всего параметров"), "{text}");
}

fn open_in(preset: &str, lang: layerlab::lang::Lang) -> App {
    let mut app = open(preset);
    app.session_mut().lang = lang;
    app
}

/// Every screen of the explorer in Russian: each preset, each row's detail,
/// every popup. Any Latin word on them must be a name (of a layer type, a
/// field, a framework, a key), never English prose.
#[test]
fn no_english_prose_on_any_russian_screen() {
    use layerlab::lang::Lang;
    let mut screens = Vec::new();
    for preset in [
        "lenet",
        "lenet-stride2",
        "lenet5",
        "mlp",
        "resnet18",
        "unet",
        // Pictures of 1-D windows (3-D: below, one screen; every key on
        // c3d-small would take long for what it adds).
        "ecg1d",
    ] {
        let mut app = open_in(preset, Lang::Ru);
        for _ in 0..=app.net().layers.len() {
            screens.push(screen(&draw(&app, 160, 50)));
            press(&mut app, "j");
        }
        home(&mut app);
        for keys in ["?", "a", "o", "x", "\n", "Q"] {
            if keys == "\n" {
                app.handle_event(&key(KeyCode::Enter));
            } else {
                press(&mut app, keys);
            }
            screens.push(screen(&draw(&app, 160, 50)));
            app.handle_event(&key(KeyCode::Esc));
        }
        // Every key of the table, each from a fresh start, with its message.
        for b in KEYS {
            let mut app = open_in(preset, Lang::Ru);
            press(&mut app, "jjjj");
            if let Some(k) = b.keys.first() {
                app.handle_event(&Event::Key(KeyEvent::new(k.code, k.modifiers)));
            }
            screens.push(screen(&draw(&app, 160, 50)));
        }
    }
    let mut volume = open_in("c3d-small", Lang::Ru);
    press(&mut volume, "jv");
    volume.handle_event(&key(KeyCode::PageDown));
    screens.push(screen(&draw(&volume, 160, 50)));
    // Names that stay as they are in any language.
    const NAMES: &[&str] = &[
        // Programs named as they are spelt.
        "tmux",
        "SSH",
        // The budget's syntax, typed as written: memory=8GiB,params=5M,macs=1G.
        "memory",
        "params",
        "macs",
        "8GiB",
        "Adam",
        "adam",
        "gpt2",
        "bert",
        "base",
        "tagger",
        "ecg1d",
        "c3d",
        "small",
        "GPT",
        "BERT",
        "uncased",
        "pre",
        "norm",
        "CNN",
        "C3D",
        "CLS",
        "GELU",
        "GRU",
        "LSTM",
        "MultiheadAttention",
        "attention",
        "avgpool1d",
        "avgpool3d",
        "conv1d",
        "conv3d",
        "embedding",
        "first_token",
        "gelu",
        "gru",
        "layernorm",
        "lstm",
        "maxpool1d",
        "maxpool3d",
        "pos_embedding",
        "rnn",
        "transformer",
        "conv",
        "conv2d",
        "maxpool",
        "avgpool",
        "global",
        "global_avgpool",
        "flatten",
        "dense",
        "batchnorm",
        "dropout",
        "relu",
        "sigmoid",
        "tanh",
        "softmax",
        "add",
        "concat",
        "block",
        "conv_transpose2d",
        "upsample",
        "adaptive_avgpool",
        "adaptive_maxpool",
        "zeropad",
        "repeat",
        "output_padding",
        "scale",
        "mode",
        "nearest",
        "bilinear",
        "output",
        "top",
        "bottom",
        "left",
        "right",
        "name",
        "DenseNet",
        "Inception",
        "ResNet",
        "U-Net",
        "MobileNetV2",
        "Net",
        // Block names the preset's file gives, as torchvision names them.
        "layer1",
        "layer2",
        "layer3",
        "layer4",
        "resnet18",
        "resnet50",
        "mobilenet_v2",
        "densenet121",
        "unet",
        "same",
        "valid",
        "none",
        "full",
        "shared",
        "filters",
        "units",
        "kernel",
        "stride",
        "padding",
        "dilation",
        "groups",
        "bias",
        "ceil",
        "ceil_mode",
        "rate",
        "activation",
        "true",
        "false",
        "PyTorch",
        "Keras",
        "LaTeX",
        "CSV",
        "SVG",
        "Markdown",
        "MAC",
        "MACs",
        "ReLU",
        "Linear",
        "Dense",
        "Ctrl",
        "Shift",
        "Enter",
        "Esc",
        "Tab",
        "Space",
        "PgUp",
        "PgDn",
        "Home",
        "End",
        "Del",
        "LeNet",
        "MLP",
        "AlexNet",
        "VGG",
        "float32",
        "torch",
        "keras",
        "tabular",
        "README",
        "error",
        "KiB",
        "MiB",
        "GiB",
        "max",
        "lenet",
        "mlp",
        "alexnet",
        "vgg16",
        "lenet5",
        "toml",
        "bias",
        "zero",
        "padded",
        "stride",
        "tanh",
        "Softmax",
        "KaTeX",
        "network",
        "valid",
        "fg",
        "no",
        "py",
        "md",
        "tex",
        "Python",
        "torchvision",
        "stride2",
        "SiLU",
        "ELU",
        "Mish",
        "PReLU",
        "StarReLU",
        "MetaFormer",
        "LeakyReLU",
        "Hardswish",
        "Hardsigmoid",
        "MobileNetV3",
        "softplus",
    ];
    let mut english = std::collections::BTreeSet::new();
    for text in &screens {
        for word in text.split(|c: char| !c.is_ascii_alphanumeric() && c != '_') {
            let latin = word.chars().filter(char::is_ascii_alphabetic).count();
            // A name cut short by the edge of the screen is still a name.
            let name = NAMES.iter().any(|n| n.starts_with(word))
                || word.starts_with("lenet")
                || common::names::named(word);
            if latin >= 3 && !name {
                english.insert(word.to_string());
            }
        }
    }
    assert!(
        english.is_empty(),
        "English on Russian screens: {english:?}"
    );
}

proptest! {
    #![proptest_config(common::ci_config(300))]

    /// Random keys on random networks: no panic; the selection and the
    /// analysis always match the network; and whatever the keys made, even
    /// sizes doubled past what a file holds, saves to a file that reads back
    /// as the same network.
    #[test]
    fn random_keys_never_panic_or_lose_step(
        net in prop_oneof![
            4 => common::network(),
            1 => proptest::sample::select(vec!["gpt2", "lstm-tagger", "ecg1d", "c3d-small", "unet"])
                .prop_map(|p| presets::load(p).expect("preset")),
        ],
        // Each key pressed once, or held down (as `>` to double filters
        // past what a file can hold).
        keys in proptest::collection::vec((
            proptest::sample::select(vec![
                "j", "k", "G", "g", "a", "d", "p", "P", "s", "S", "+", "-", ">", "<", "c", "u", "o",
                "?", "q", "n", "y", "J", "K", "0", "x", "[", "]", "{", "}", "b", "B", "f", ",", "↵", "⇥",
                "⎋", "⌫", "^r", "⇞", "⇟", "Q", "2", "x", "9", "=", "l", "h", "r", "A", "r", "l", "m",
            ]),
            prop_oneof![9 => Just(1usize), 1 => 60..80usize],
        ), 0..60),
    ) {
        let mut app = App::new(net, None, None);
        let keys = keys.into_iter().flat_map(|(k, times)| std::iter::repeat_n(k, times));
        for k in keys {
            let event = match k {
                "↵" => key(KeyCode::Enter),
                "⇥" => key(KeyCode::Tab),
                "⎋" => key(KeyCode::Esc),
                "⌫" => key(KeyCode::Backspace),
                "^r" => ctrl('r'),
                "⇞" => key(KeyCode::PageUp),
                "⇟" => key(KeyCode::PageDown),
                c => key(KeyCode::Char(c.chars().next().unwrap())),
            };
            if app.handle_event(&event) == Some(Effect::Quit) {
                break;
            }
            prop_assert!(app.selected() < app.table_len());
            prop_assert_eq!(app.analysis(), &analyze(app.net()));
            draw(&app, 80, 24);
        }
        if layerlab::text::first_control(&app.net().name).is_none() {
            let text = layerlab::file::to_toml(app.net());
            let back = layerlab::file::parse(&text);
            prop_assert!(back.is_ok(), "layerlab refuses its own file: {:?}\n{}", back, text);
            prop_assert_eq!(layerlab::file::to_toml(&back.unwrap()), text);
        }
    }
}

#[test]
fn r_wraps_a_layer_in_a_residual_block_and_f_offers_the_projection() {
    let mut app = open("lenet");
    home(&mut app);
    press(&mut app, "jjjr");
    let buf = draw(&app, 140, 40);
    let y = row_containing(&buf, "add (2 branches)");
    assert_eq!(colour_of(&buf, y, "add").0, Color::Red, "{}", screen(&buf));
    assert!(screen(&buf).contains("✗ add: branch 1 gives 8×8×16, branch 2 gives 12×12×6"));
    assert!(screen(&buf).contains("│ └ conv 5×5 ×16 s1 p0 relu"));
    assert!(screen(&buf).contains("└ branch 2: identity"));
    // The fixes are tried first and shown with what they lead to.
    press(&mut app, "f");
    let Mode::Fix { fixes, .. } = &app.mode() else {
        panic!("f opens the fixes: {:?}", app.mode());
    };
    assert_eq!(
        fixes[0].what,
        "project the skip of layer 3 with conv 5×5 ×16 s1 p0 no-bias and a batchnorm"
    );
    assert_eq!(fixes[0].effect, "network valid, 46,858 params");
    app.handle_event(&key(KeyCode::Enter));
    assert_eq!(app.analysis().totals.params, Some(46_858));
    press(&mut app, "uu");
    assert_eq!(app.analysis().totals.params, Some(44_426));
    assert_eq!(app.net(), &presets::load("lenet").unwrap());
}

#[test]
fn containers_fold_and_unfold_and_edits_reach_inside_them() {
    let mut app = open("resnet18");
    let folded = screen(&draw(&app, 140, 40));
    assert!(folded.contains("block layer1 ×2"));
    assert!(
        !folded.contains("branch 1"),
        "big presets open folded:\n{folded}"
    );
    // Row 5 is layer1: unfold it, then its add, and step into the body.
    home(&mut app);
    press(&mut app, "jjjjjl");
    press(&mut app, "jl");
    let open = screen(&draw(&app, 140, 40));
    assert!(open.contains("└ add (2 branches) relu"), "{open}");
    assert!(open.contains("  ├ branch 1"), "{open}");
    // Onto the body's last conv: `>` doubles its filters, which breaks the add.
    press(&mut app, "jjjjj>");
    assert_eq!(app.selected_path(), Some(vec![4, 0, 0, 0, 3]));
    assert_eq!(app.analysis().error_at, Some(4));
    assert_eq!(app.analysis().error_path(), [4, 0, 0]);
    assert!(
        screen(&draw(&app, 160, 40))
            .contains("✗ add: branch 1 gives 56×56×128, branch 2 gives 56×56×64")
    );
    press(&mut app, "u");
    assert_eq!(app.analysis().totals.params, Some(11_689_512));
    // `h` goes up to the holding container and folds it.
    press(&mut app, "hh");
    assert_eq!(app.selected_path(), Some(vec![4, 0, 0]));
    // S reaches every convolution, nested ones included: the stem's
    // stride 2 steps to 3, and every other follows it.
    press(&mut app, "S");
    let strided = app.net().layer_at(&[4, 0, 0, 0, 0]).map(|l| l.stride().h);
    assert_eq!(strided, Some(3));
}

#[test]
fn a_baseline_names_what_changed_inside_a_block_and_a_quiz_hides_inside_too() {
    let mut app = open("resnet18");
    press(&mut app, "b");
    // The tree stays a tree against a baseline: into layer1's first add,
    // onto the body's first conv, and double its filters.
    home(&mut app);
    press(&mut app, "jjjjjljljj");
    assert_eq!(app.selected_path(), Some(vec![4, 0, 0, 0, 0]));
    press(&mut app, ">");
    let conv = app.net().layer_at(&[4, 0, 0, 0, 0]).unwrap();
    assert_eq!(conv.filters.get(), 128);
    let text = screen(&draw(&app, 200, 40));
    let row = text
        .lines()
        .find(|l| l.contains("block layer1 ×2"))
        .unwrap_or_else(|| panic!("{text}"));
    // Both repetitions: the conv, its batchnorm and the conv after it grow.
    assert!(row.contains("+147,712"), "{row}");
    assert!(row.contains("inside: 5.1.1.1 changed"), "{row}");
    // A removed top-level layer keeps a row of its own, marked removed.
    press(&mut app, "Gd");
    let text = screen(&draw(&app, 200, 40));
    assert!(
        text.lines()
            .any(|l| l.contains("dense 1000") && l.contains("removed")),
        "{text}"
    );

    // In a quiz, the rows inside a container asked about show nothing.
    let mut quiz = open("resnet18");
    press(&mut quiz, "gjjjjjl");
    press(&mut quiz, "gQ");
    let text = screen(&draw(&quiz, 160, 40));
    let inner = text
        .lines()
        .find(|l| l.contains("└ add (2 branches) relu"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(inner.contains('?'), "{inner}");
    assert!(
        !inner.contains("73,984"),
        "the answer is not on screen: {inner}"
    );
}

#[test]
fn branches_and_the_layers_in_them_are_added_moved_edited_and_removed_with_undo() {
    use layerlab::layer::Kind;
    let mut app = open("lenet");
    home(&mut app);
    press(&mut app, "jjjr"); // layer 3 wrapped: add [conv], [identity]
    press(&mut app, "A");
    assert_eq!(app.net().layers[2].branches.len(), 3);
    // Rows: 3 add, 4 branch 1, 5 conv, 6 branch 2, 7 branch 3.
    home(&mut app);
    press(&mut app, "jjjjjjj");
    assert_eq!(app.selected_path(), None, "a branch row");
    press(&mut app, "a");
    press(&mut app, "r");
    app.handle_event(&key(KeyCode::Enter));
    assert_eq!(
        app.net().layer_at(&[2, 2, 0]).map(|l| l.kind),
        Some(Kind::Relu)
    );
    // A batchnorm after the conv of branch 1, then moved above it.
    home(&mut app);
    press(&mut app, "jjjjj");
    assert_eq!(app.selected_path(), Some(vec![2, 0, 0]));
    press(&mut app, "ab");
    app.handle_event(&key(KeyCode::Enter));
    assert_eq!(app.selected_path(), Some(vec![2, 0, 1]));
    press(&mut app, "K");
    assert_eq!(
        app.net().layer_at(&[2, 0, 0]).map(|l| l.kind),
        Some(Kind::BatchNorm)
    );
    assert_eq!(
        app.selected_path(),
        Some(vec![2, 0, 0]),
        "the selection follows"
    );
    // Enter edits a nested layer, titled by where it is.
    press(&mut app, "j");
    app.handle_event(&key(KeyCode::Enter));
    let Mode::Edit(form) = &app.mode() else {
        panic!("Enter edits: {:?}", app.mode());
    };
    assert!(form.title.contains("3.1.2"), "{}", form.title);
    assert_eq!(form.entries[0].input.value(), "conv2d", "the type, first");
    app.handle_event(&key(KeyCode::Esc));
    // d on a branch row removes the branch (row 8: branch 3, holding the relu).
    home(&mut app);
    press(&mut app, "jjjjjjjj");
    assert_eq!(app.selected_path(), None, "a branch row");
    press(&mut app, "d");
    assert_eq!(app.net().layers[2].branches.len(), 2);
    // Every step undoes, back to LeNet.
    for _ in 0..6 {
        press(&mut app, "u");
    }
    assert_eq!(app.net(), &presets::load("lenet").unwrap());
    assert_eq!(app.analysis().totals.params, Some(44_426));
}

/// The picture text of `app` (rows of the frame inside the picture's box).
fn picture(app: &App) -> String {
    screen(&draw(app, 110, 40))
}

#[test]
fn v_draws_a_layer_s_window_and_its_receptive_field() {
    let mut app = open("lenet");
    press(&mut app, "jv");
    let first = picture(&app);
    assert!(
        first.contains("output [0, 0] ← input rows 0–4, columns 0–4"),
        "{first}"
    );
    insta::assert_snapshot!("picture_lenet_conv1", first);
    // The window's pixels are marked, in the selection's style too.
    let buf = draw(&app, 110, 40);
    let y = row_starting(&buf, "# # # # #");
    assert!(colour_of(&buf, y, "#").1.contains(Modifier::REVERSED));
    assert!(!colour_of(&buf, y, ".").1.contains(Modifier::REVERSED));
    press(&mut app, "l");
    let moved = picture(&app);
    assert!(
        moved.contains("output [0, 1] ← input rows 0–4, columns 1–5"),
        "{moved}"
    );
    insta::assert_snapshot!("picture_lenet_conv1_right", moved);
    // p pads the layer from inside the picture, which redraws at once.
    press(&mut app, "p");
    let padded = picture(&app);
    assert!(
        padded.contains("output [0, 1] ← input rows 0–2, columns 0–3"),
        "{padded}"
    );
    assert!(
        padded.contains("2 of its rows and 1 of its columns are zeros"),
        "{padded}"
    );
    insta::assert_snapshot!("picture_lenet_conv1_padded", padded);
    assert_eq!(app.net().layers[0].padding, layerlab::layer::Padding::Same);
    // Stride 2 leaves the last row and column unread.
    press(&mut app, "ps");
    let strided = picture(&app);
    assert!(
        strided.contains("the last 1 row and 1 column are never read"),
        "{strided}"
    );
    insta::assert_snapshot!("picture_lenet_conv1_stride2", strided);
    app.handle_event(&key(KeyCode::Esc));
    assert!(matches!(app.mode(), Mode::Table));
    // The receptive field of LeNet's second conv: 14×14 of the input.
    let mut app = open("lenet");
    press(&mut app, "jjjv");
    app.handle_event(&key(KeyCode::Tab));
    let field = picture(&app);
    assert!(
        field.contains("output [0, 0] ← network input rows 0–13, columns 0–13: 14×14 pixels"),
        "{field}"
    );
    insta::assert_snapshot!("picture_lenet_conv2_field", field);
}

#[test]
fn space_steps_through_the_output_cells_row_by_row() {
    let mut app = open("lenet");
    press(&mut app, "jv ");
    for _ in 0..layerlab::tui::visual::TICKS_PER_STEP {
        app.tick();
    }
    assert!(picture(&app).contains("output [0, 1]"));
    // To the end of the first row, and on to the next.
    for _ in 0..23 * layerlab::tui::visual::TICKS_PER_STEP {
        app.tick();
    }
    assert!(picture(&app).contains("output [1, 0] ← input rows 1–5, columns 0–4"));
    press(&mut app, " ");
    assert!(!app.tick(), "stopped");
}

/// The footer's MACs figure, as the screen writes it.
fn footer_macs(buf: &Buffer) -> String {
    let line = &lines(buf)[usize::from(row_containing(buf, "Total params:"))];
    let after = line.split("MACs ").nth(1).expect("the footer shows MACs");
    after.split_whitespace().next().unwrap().to_string()
}

#[test]
fn gpt2_opens_with_its_total_and_the_input_length_changes_macs_not_params() {
    let mut app = open("gpt2");
    let buf = draw(&app, 120, 40);
    assert!(screen(&buf).contains("Total params: 124,439,808"));
    assert_eq!(footer_macs(&buf), "145,824,153,600");
    // The head is tied to the embedding: no weights of its own.
    let head = row_starting(&buf, "6  dense 50257 tied no-bias");
    assert!(lines(&buf)[usize::from(head)].contains("[1024, 50257]           0"));
    // { halves the sequence, ] adds a token: the MACs move, the params stay.
    press(&mut app, "{");
    let half = footer_macs(&draw(&app, 120, 40));
    press(&mut app, "]");
    let buf = draw(&app, 120, 40);
    assert!(screen(&buf).contains("input 513"));
    assert!(screen(&buf).contains("Total params: 124,439,808"));
    assert_ne!(footer_macs(&buf), half);
    // Half the tokens: the linear terms halve, attention's 2·L²·E quarters.
    assert_eq!(half, "68,080,238,592");
    // Past 1,024 tokens the positions row turns red, with both numbers.
    press(&mut app, "}");
    let buf = draw(&app, 120, 40);
    let row = row_starting(&buf, "2  pos_embedding 1024");
    assert_eq!(colour_of(&buf, row, "pos_embedding").0, Color::Red);
    assert!(screen(&buf).contains("Total params: —"));
    press(&mut app, "j");
    press(&mut app, "j");
    let buf = draw(&app, 120, 40);
    assert!(
        screen(&buf).contains("1,026 tokens, but only 1,024 positions"),
        "{}",
        screen(&buf)
    );
}

#[test]
fn the_detail_pane_shows_attention_macs_with_the_users_numbers() {
    let mut app = open("gpt2");
    // g selects the input; eight rows down is 4.1.1.2, the attention (the
    // "branch 1" line between 4.1 and 4.1.1.1 is a row too).
    home(&mut app);
    press(&mut app, "jjjjjjjj");
    assert!(screen(&draw(&app, 160, 45)).contains("Layer 4.1.1.2 · attention 12h causal"));
    let buf = draw(&app, 160, 45);
    assert!(
        screen(&buf).contains("4·1024·768² + 2·1024²·768 = 4,026,531,840"),
        "{}",
        screen(&buf)
    );
    assert!(screen(&buf).contains("[1024, 768] → [1024, 768]  (L × E)"));
}

#[test]
fn s_and_p_reach_1d_and_3d_windows_and_plus_grows_every_axis() {
    let mut app = open("c3d-small");
    // Row 1 is the first conv3d: s strides depth, height and width.
    home(&mut app);
    press(&mut app, "js");
    let buf = draw(&app, 120, 40);
    let row = row_starting(&buf, "1  conv3d 3 ×32 s2 p1 relu");
    assert!(
        lines(&buf)[usize::from(row)].contains("8×56×56×32"),
        "{}",
        screen(&buf)
    );
    // + grows the window on every axis: 4×4×4 taps on 3 channels, 32 filters.
    press(&mut app, "+");
    let buf = draw(&app, 120, 40);
    let row = row_starting(&buf, "1  conv3d 4 ×32 s2 p1 relu");
    assert!(
        lines(&buf)[usize::from(row)].contains("6,176"),
        "{}",
        screen(&buf)
    );
    // P on the ECG net pads every conv1d "same"; the header says the least length.
    let mut app = open("ecg1d");
    assert!(screen(&draw(&app, 120, 40)).contains("(fits from 8)"));
    press(&mut app, "S");
    let buf = draw(&app, 120, 40);
    assert!(
        screen(&buf).contains("conv1d 7 ×32 s2 p3 no-bias"),
        "{}",
        screen(&buf)
    );
    // 43 → 22 → 11 → 6 → 3 → 2 → 1 → 1: each stride-2 stage halves it.
    assert!(screen(&buf).contains("(fits from 43)"), "{}", screen(&buf));
}

#[test]
fn the_add_list_scrolls_to_keep_the_choice_in_sight() {
    let mut app = open("lenet");
    press(&mut app, "a");
    // 36 kinds on an 80×24 screen: the last ones start below the fold.
    let buf = draw(&app, 80, 24);
    assert!(!screen(&buf).contains("first_token"));
    for _ in 0..34 {
        press(&mut app, "j");
    }
    let buf = draw(&app, 80, 24);
    let row = row_containing(&buf, "first_token");
    let style = |y: u16| {
        let cell = &buf[(30, y)];
        (cell.fg, cell.bg, cell.modifier)
    };
    assert_ne!(
        style(row),
        style(row - 1),
        "the chosen row is highlighted:\n{}",
        screen(&buf)
    );
    assert!(
        screen(&buf).contains("Enter"),
        "the hint stays:\n{}",
        screen(&buf)
    );
    app.handle_event(&key(KeyCode::Enter));
    assert_eq!(app.net().layers[0].kind, layerlab::layer::Kind::FirstToken);
}

#[test]
fn m_shows_where_vgg16s_memory_goes() {
    let mut app = open("vgg16");
    press(&mut app, "m");
    let buf = draw(&app, 120, 40);
    insta::assert_snapshot!("memory_vgg16", screen(&buf));
    // The lesson: the first dense layer holds three quarters of the weights,
    // and its bar is the one that stands out.
    let row = row_containing(&buf, "20 dense 4096 relu");
    assert!(lines(&buf)[usize::from(row)].contains("102,764,544  74.3%"));
    assert_eq!(colour_of(&buf, row, "█").0, Color::Yellow);
    let next = row_containing(&buf, "22 dense 4096 relu");
    assert_eq!(colour_of(&buf, next, "█").0, Color::Green);
    // Training with Adam peaks at its step: weights, gradients, twice the
    // weights of state and two temporaries of the first dense layer's size
    // (1,055.6 + 784 MiB), as PyTorch measures it (2,895.7 MiB in all).
    assert!(
        screen(&buf).contains("█ weights 527.8 MiB   █ gradients 527.8 MiB   █ optimizer 1.8 GiB")
    );
    assert!(screen(&buf).contains("2.8 GiB"), "{}", screen(&buf));
    assert!(screen(&buf).contains("8.0 GiB → 86"), "{}", screen(&buf));
    // Any key goes back to the table.
    press(&mut app, "x");
    assert!(screen(&draw(&app, 120, 40)).contains("Total params: 138,357,544"));
    assert!(!screen(&draw(&app, 120, 40)).contains("Largest training batch"));
}

#[test]
fn m_on_lenet_and_on_a_broken_network() {
    let mut app = open("lenet");
    press(&mut app, "m");
    insta::assert_snapshot!("memory_lenet", screen(&draw(&app, 100, 36)));
    let mut broken = open("lenet-stride2");
    press(&mut broken, "m");
    let buf = draw(&broken, 100, 30);
    let row = row_containing(&buf, "A layer cannot be computed");
    assert_eq!(colour_of(&buf, row, "A layer").0, Color::Red);
}

/// An LLM's memory view: the KV cache beside inference's parts, the
/// longest context each GPU size holds, when training peaks, and what the
/// figures leave out.
#[test]
fn m_on_llama_shows_the_cache_the_longest_context_and_what_is_left_out() {
    let mut app = open("llama3-8b");
    press(&mut app, "m");
    let text = screen(&draw(&app, 140, 44));
    assert!(
        text.contains("KV cache 2.0 GiB"),
        "fp32, 8,192 tokens:\n{text}"
    );
    let line = text
        .lines()
        .find(|l| l.contains("Longest context"))
        .unwrap_or_else(|| panic!("{text}"));
    // 30 GiB of fp32 weights fill 8, 16 and 24 GiB: no context fits; 80 GiB
    // holds one.
    assert!(
        line.contains("8.0 GiB → —") && line.contains("80.0 GiB → "),
        "{line}"
    );
    assert!(!line.contains("80.0 GiB → —"), "{line}");
    assert!(text.contains("in the backward pass"), "{text}");
    assert!(text.contains("Left out: the CUDA context"), "{text}");
    // An image network has no context line.
    let mut lenet = open("lenet");
    press(&mut lenet, "m");
    assert!(!screen(&draw(&lenet, 100, 36)).contains("Longest context"));
}

#[test]
fn a_budget_set_on_the_input_row_shows_in_the_footer_red_when_over() {
    let mut app = open("lenet");
    // The input row's form: name, input, then the budget.
    app.handle_event(&key(KeyCode::Enter));
    app.handle_event(&key(KeyCode::Tab));
    press(&mut app, "params=40K,memory=1MiB");
    app.handle_event(&key(KeyCode::Enter));
    let buf = draw(&app, 140, 30);
    let footer = row_containing(&buf, "Total params: 44,426");
    assert_eq!(
        colour_of(&buf, footer, "params 44,426/40,000 ✗").0,
        Color::Red
    );
    assert_eq!(
        colour_of(&buf, footer, "memory 190.4 KiB/1.0 MiB ✓").0,
        Color::Green
    );
    // Saved with the network, and undone as one change.
    assert!(
        layerlab::file::to_toml(app.net())
            .contains("[budget]\nmemory = \"1MiB\"\nparams = \"40K\"\n")
    );
    press(&mut app, "u");
    assert!(!screen(&draw(&app, 140, 30)).contains("params 44,426/40,000"));
    // A budget that does not read is refused in place.
    app.handle_event(&key(KeyCode::Enter));
    app.handle_event(&key(KeyCode::Tab));
    press(&mut app, "weights=5M");
    app.handle_event(&key(KeyCode::Enter));
    assert!(
        screen(&draw(&app, 140, 30)).contains("`weights=5M` is not a budget"),
        "{}",
        screen(&draw(&app, 140, 30))
    );
}

#[test]
fn the_memory_view_shows_the_budget_red_when_over() {
    let mut net = presets::load("vgg16").unwrap();
    net.budget = layerlab::memory::Budget::parse("params=100M,memory=1GiB").unwrap();
    let mut app = App::new(net, None, Some("vgg16".into()));
    press(&mut app, "m");
    let buf = draw(&app, 120, 40);
    insta::assert_snapshot!("memory_vgg16_over_budget", screen(&buf));
    let row = row_containing(&buf, "Budget (fp32, inference):");
    assert_eq!(
        colour_of(&buf, row, "params 138,357,544/100,000,000 ✗").0,
        Color::Red
    );
    assert_eq!(
        colour_of(&buf, row, "memory 552.3 MiB/1.0 GiB ✓").0,
        Color::Green
    );
}

#[test]
fn v_draws_a_signal_as_one_row_and_a_volume_by_depth_slice() {
    // ecg1d's first conv1d: kernel 7, padding 3, on 2,500 samples.
    let mut app = open("ecg1d");
    press(&mut app, "jv");
    let signal = picture(&app);
    assert!(signal.contains("output 0 ← input samples 0–3"), "{signal}");
    assert!(signal.contains("3 of its samples are zeros"), "{signal}");
    insta::assert_snapshot!("picture_ecg1d_conv1", signal);
    press(&mut app, "llll");
    assert!(picture(&app).contains("output 4 ← input samples 1–7"));
    app.handle_event(&key(KeyCode::Tab));
    assert!(
        picture(&app).contains("the receptive field is drawn on an image input"),
        "Tab says why it stays"
    );

    // c3d-small's first conv3d: 3×3×3, padding 1, on 16 frames.
    let mut app = open("c3d-small");
    press(&mut app, "jv");
    let volume = picture(&app);
    assert!(
        volume.contains("output [0, 0, 0] ← input depths 0–1, rows 0–1, columns 0–1"),
        "{volume}"
    );
    app.handle_event(&key(KeyCode::PageDown));
    app.handle_event(&key(KeyCode::PageDown));
    press(&mut app, "jl");
    let deeper = picture(&app);
    assert!(deeper.contains("depth slice 2 of 16"), "{deeper}");
    assert!(
        deeper.contains("output [2, 1, 1] ← input depths 1–3, rows 0–2, columns 0–2"),
        "{deeper}"
    );
    insta::assert_snapshot!("picture_c3d_conv1_depth2", deeper);
    app.handle_event(&key(KeyCode::PageUp));
    assert!(picture(&app).contains("depth slice 1 of 16"));
}

#[test]
fn llamas_block_unfolds_into_grouped_attention_and_a_gated_mlp() {
    let mut app = open("llama3-8b");
    let buf = draw(&app, 140, 40);
    assert!(
        screen(&buf).contains("Total params: 8,030,261,248"),
        "{}",
        screen(&buf)
    );
    // g selects the input: down to the block of 32 layers, unfold it, then
    // its two residual adds and what they hold.
    home(&mut app);
    press(&mut app, "jjl");
    press(&mut app, "jl");
    press(&mut app, "jjjjjl");
    let open = screen(&draw(&app, 140, 40));
    assert!(open.contains("block layers ×32"), "{open}");
    assert!(
        open.contains("attention 32h kv8 causal rope no-bias"),
        "{open}"
    );
    assert!(open.contains("multiply (2 branches)"), "{open}");
    assert!(open.contains("dense 14336 no-bias silu"), "{open}");
    assert!(open.contains("[8192, 14336]     117,440,512"), "{open}");
    // Up to the attention: its formula with 32 heads of 128 sharing 8
    // key/value heads.
    // (The identity branch's row lies between.)
    press(&mut app, "kk");
    assert_eq!(app.selected_path(), Some(vec![1, 0, 0, 0, 1]));
    let detail = screen(&draw(&app, 140, 40));
    assert!(
        detail.contains("4096·32·128 + 2·4096·8·128 + 32·128·4096 = 41,943,040"),
        "{detail}"
    );
}

#[test]
fn s_and_plus_on_efficientnet_reach_its_depthwise_convolutions() {
    let mut app = open("efficientnet_b0");
    assert_eq!(app.analysis().totals.params, Some(5_288_548));
    // Layer 4 is the first MBConv: unfold it; its first layer is the 3×3
    // depthwise convolution (32 groups).
    home(&mut app);
    press(&mut app, "jjjjlj");
    assert_eq!(app.selected_path(), Some(vec![3, 0, 0]));
    let depthwise = |app: &App| app.net().layer_at(&[3, 0, 0]).map(|l| l.label());
    assert_eq!(
        depthwise(&app).as_deref(),
        Some("conv 3×3 ×32 s1 p1 g32 no-bias")
    );
    press(&mut app, "+");
    assert_eq!(
        depthwise(&app).as_deref(),
        Some("conv 4×4 ×32 s1 p1 g32 no-bias")
    );
    assert!(screen(&draw(&app, 140, 40)).contains("conv 4×4 ×32 s1 p1 g32 no-bias"));
    press(&mut app, "u");
    // S strides every convolution, the depthwise ones deep inside blocks
    // and the squeeze-excitation gates' 1×1s too.
    press(&mut app, "S");
    let mut strides = Vec::new();
    for layer in &app.net().layers {
        layer.walk(&mut |l| {
            if l.kind.convolves() && l.groups.get() > 1 {
                strides.push(l.stride().h);
            }
        });
    }
    // 16 MBConvs written as 12 bodies: a stage's repeated blocks share one
    // written body (`block ×n`).
    assert_eq!(strides.len(), 12, "every MBConv's depthwise convolution");
    assert!(strides.iter().all(|&s| s > 1), "{strides:?}");
}

#[test]
fn a_mixture_of_experts_shows_its_active_parameters_beside_the_total() {
    let app = open("mixtral-8x7b");
    let buf = draw(&app, 140, 40);
    assert!(
        screen(&buf).contains("Total params: active 12,879,925,248 of 46,702,792,704"),
        "{}",
        screen(&buf)
    );
    // Without a mixture the footer says one number.
    let llama = screen(&draw(&open("llama3-8b"), 140, 40));
    assert!(llama.contains("Total params: 8,030,261,248 "), "{llama}");
}

/// Only an accepted answer counts, and once: a right shape beside an
/// unreadable count is refused as a whole, however often Enter is pressed.
#[test]
fn a_refused_answer_scores_nothing_however_often_it_is_sent() {
    let mut app = open("lenet");
    press(&mut app, "jjjQ");
    app.handle_event(&key(KeyCode::Enter));
    press(&mut app, "8x8x16");
    app.handle_event(&key(KeyCode::Tab));
    press(&mut app, "abc");
    for _ in 0..3 {
        app.handle_event(&key(KeyCode::Enter));
    }
    let text = screen(&draw(&app, 160, 30));
    assert!(text.contains("quiz: 0 of 0 right"), "{text}");
    assert!(text.contains("not \"abc\""), "{text}");
    // Corrected, it counts once: the shape and the count, 2 of 2.
    for _ in 0..3 {
        app.handle_event(&key(KeyCode::Backspace));
    }
    press(&mut app, "2416");
    app.handle_event(&key(KeyCode::Enter));
    app.handle_event(&key(KeyCode::Enter));
    let text = screen(&draw(&app, 160, 30));
    assert!(text.contains("quiz: 2 of 2 right"), "{text}");
}

/// In a quiz nothing gives a hidden answer away: the memory view, the
/// copied table, the picture, export, fixes and "next broken" are refused
/// with the reason; the header's "fits from" and a red input row are not
/// shown; the form's example is no answer of LeNet's.
#[test]
fn a_quiz_gives_no_hidden_answer_away() {
    let mut app = open("lenet-stride2");
    let before = screen(&draw(&app, 160, 30));
    assert!(before.contains("fits from"), "{before}");
    press(&mut app, "jQ");
    for k in ["m", "y", "v", "x", "f", "e"] {
        let effect = press(&mut app, k);
        assert!(effect.is_none(), "{k} does nothing");
        let text = screen(&draw(&app, 160, 30));
        assert!(text.contains("not during the quiz"), "{k}: {text}");
        assert!(!text.contains("Memory: where it goes"), "{k}");
    }
    let text = screen(&draw(&app, 160, 30));
    assert!(!text.contains("fits from"), "{text}");
    let buf = draw(&app, 160, 30);
    let input = row_starting(&buf, "0  input");
    assert_ne!(
        colour_of(&buf, input, "input").0,
        Color::Red,
        "the input row is not red"
    );
    app.handle_event(&key(KeyCode::Enter));
    let form = screen(&draw(&app, 160, 30));
    assert!(form.contains("7×5×3"), "{form}");
    for answer in ["24×24×6", "12×12×6", "256"] {
        assert!(!form.contains(answer), "the example gives {answer} away");
    }
}

/// A quiz of nothing is refused.
#[test]
fn a_quiz_on_an_empty_network_is_refused() {
    let mut app = App::new(layerlab::network::Network::empty("empty"), None, None);
    press(&mut app, "Q");
    let text = screen(&draw(&app, 120, 30));
    assert!(text.contains("no layers to ask about"), "{text}");
    assert!(!text.contains("quiz: 0 of 0"), "{text}");
}

/// A paste reaches the search and go-to prompts (it was dropped), and a
/// long paste goes in at once, where the cursor is, newlines as spaces.
#[test]
fn a_paste_reaches_search_and_go_to_at_the_cursor() {
    let mut app = open("lenet");
    press(&mut app, "/");
    app.handle_event(&Event::Paste("dense".into()));
    app.handle_event(&key(KeyCode::Enter));
    let buf = draw(&app, 120, 30);
    let selected = lines(&buf)
        .into_iter()
        .find(|l| l.contains("dense 120"))
        .unwrap_or_default();
    assert!(!selected.is_empty(), "the search found the dense layer");
    assert_eq!(app.search_query().as_deref(), Some("dense"));

    press(&mut app, ":");
    app.handle_event(&Event::Paste("3".into()));
    app.handle_event(&key(KeyCode::Enter));
    let text = screen(&draw(&app, 120, 30));
    assert!(text.contains("conv 5×5 ×16"), "{text}");

    // 100,000 characters at once, then one typed after them.
    press(&mut app, "/");
    app.handle_event(&Event::Paste("a\nb".repeat(33_334)));
    press(&mut app, "Z");
    let query = app.search_query().unwrap_or_default();
    assert_eq!(
        query.chars().count(),
        100_003,
        "all of it, and the key after"
    );
    assert!(
        query.starts_with("a b") && query.ends_with("bz"),
        "{}",
        &query[..10]
    );
}

/// In a terminal too small for the app, the help's scrolling keys do not
/// overflow (they panicked in an overflow-checked build).
#[test]
fn help_keys_in_a_tiny_terminal_do_not_panic() {
    let mut app = open("lenet");
    for size in [(40, 12), (20, 5), (1, 1)] {
        press(&mut app, "?");
        let _ = draw(&app, size.0, size.1);
        for code in [
            KeyCode::Char('G'),
            KeyCode::PageDown,
            KeyCode::PageDown,
            KeyCode::End,
            KeyCode::Down,
        ] {
            app.handle_event(&key(code));
            let _ = draw(&app, size.0, size.1);
        }
        app.handle_event(&key(KeyCode::Esc));
        let _ = draw(&app, size.0, size.1);
    }
}

/// An in-place edit of the same size whose modification time is put back
/// is still noticed (the status-change time cannot be put back).
#[test]
fn an_edit_that_puts_the_mtime_back_is_still_noticed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("net.toml");
    let ours = layerlab::file::to_toml(&presets::load("lenet").unwrap());
    std::fs::write(&path, &ours).unwrap();
    let mut app = open("lenet");
    perform(&mut app, Some(Effect::OpenFile(path.clone())));
    let when = std::fs::metadata(&path).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    // Same length, other text, written in place, the old mtime put back.
    let theirs = ours.replacen("lenet", "LENET", 1);
    assert_eq!(theirs.len(), ours.len());
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    use std::io::Write;
    (&file).write_all(theirs.as_bytes()).unwrap();
    file.set_modified(when).unwrap();
    drop(file);
    press(&mut app, "P");
    let effect = app.handle_event(&ctrl('s'));
    perform(&mut app, effect);
    let text = screen(&draw(&app, 140, 30));
    assert!(text.contains("was changed by another program"), "{text}");
}

/// The vim habit: `:q` quits (asking first about unsaved work), `:q!`
/// without asking; F1 opens the help as `?` does.
#[test]
fn colon_q_quits_and_f1_opens_help() {
    let mut app = open("lenet");
    press(&mut app, ":q");
    assert_eq!(app.handle_event(&key(KeyCode::Enter)), Some(Effect::Quit));
    let mut app = open("lenet");
    press(&mut app, "P:q");
    assert_eq!(
        app.handle_event(&key(KeyCode::Enter)),
        None,
        "unsaved: asks"
    );
    assert!(screen(&draw(&app, 120, 30)).contains("Quit and lose what is not saved?"));
    press(&mut app, "n");
    press(&mut app, ":q!");
    assert_eq!(app.handle_event(&key(KeyCode::Enter)), Some(Effect::Quit));
    let mut app = open("lenet");
    app.handle_event(&key(KeyCode::F(1)));
    assert!(screen(&draw(&app, 120, 60)).contains("go to a layer by number"));
}

/// `e` goes straight to the innermost broken layer, not to the folded
/// block around it first.
#[test]
fn e_goes_to_the_innermost_broken_layer() {
    let net = layerlab::file::parse(
        "name = \"nested\"\ninput = [1, 28, 28]\n\n[[layer]]\ntype = \"conv2d\"\nfilters = 4\nkernel = 3\n\n\
         [[layer]]\ntype = \"block\"\nname = \"stage\"\n\n[[layer.layer]]\ntype = \"conv2d\"\nfilters = 4\nkernel = 3\n\n\
         [[layer.layer]]\ntype = \"conv2d\"\nfilters = 4\nkernel = 40\n",
    )
    .expect("parses");
    let mut app = App::new(net, None, None);
    press(&mut app, "e");
    assert_eq!(
        app.selected_path(),
        Some(vec![1, 0, 1]),
        "the conv 40×40 inside the block"
    );
    let text = screen(&draw(&app, 140, 30));
    assert!(text.contains("40×40"), "{text}");
}

/// Esc followed at once by a key arrives as Alt+key (tmux, most
/// terminals): it acts as Esc and then the key, in a popup as on the table.
#[test]
fn esc_then_a_key_at_once_is_esc_and_the_key() {
    let alt = |c: char| Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT));
    let mut app = open("lenet");
    app.handle_event(&alt('j'));
    assert_eq!(app.selected_path(), Some(vec![0]), "j moved to layer 1");
    press(&mut app, "?");
    assert!(screen(&draw(&app, 120, 60)).contains("go to a layer by number"));
    app.handle_event(&alt('j'));
    let text = screen(&draw(&app, 120, 30));
    assert!(
        !text.contains("go to a layer by number"),
        "Esc closed the help"
    );
    assert_eq!(app.selected_path(), Some(vec![1]), "and j moved on");
}

fn wheel(kind: MouseEventKind) -> Event {
    Event::Mouse(MouseEvent {
        kind,
        column: 40,
        row: 10,
        modifiers: KeyModifiers::NONE,
    })
}

/// A message longer than the footer is never cut: at 80×24 it wraps over
/// as many lines as it takes, a path longer than a line broken where it
/// must; past what the screen can spare, its last line sends the reader
/// to M, which shows every message of the session in full.
#[test]
fn a_long_message_is_read_whole_at_80x24_and_m_reads_every_message_again() {
    let mut app = open("lenet");
    let folder = "a-very-long-folder-name-".repeat(8);
    let path = std::path::PathBuf::from(format!("/nowhere/{folder}/net.toml"));
    let error = layerlab::file::FileError {
        path: path.display().to_string(),
        line: None,
        message: format!(
            "cannot read the file: {} THE-END",
            "no such folder ".repeat(6)
        ),
    };
    app.opened(path.clone(), Err(error), None);
    let buf = draw(&app, 80, 24);
    let footer: String = lines(&buf)[12..].concat();
    let squeezed: String = footer.split_whitespace().collect();
    assert!(
        squeezed.contains(&folder.replace(' ', "")),
        "{}",
        screen(&buf)
    );
    assert!(footer.contains("THE-END"), "{}", screen(&buf));
    assert_eq!(
        colour_of(&buf, row_containing(&buf, "THE-END"), "THE-END").0,
        Color::Red
    );
    assert!(screen(&buf).contains("3  conv"), "the table keeps rows");

    // Longer than the screen can spare: the last line says M reads it.
    let huge = layerlab::file::FileError {
        path: String::new(),
        line: None,
        message: format!("{} LAST-WORDS", "a problem in words ".repeat(120)),
    };
    app.opened(path, Err(huge), None);
    let text = screen(&draw(&app, 80, 24));
    assert!(
        text.contains("the message goes on: M reads it whole"),
        "{text}"
    );
    assert!(!text.contains("LAST-WORDS"));
    // Any key clears the footer; M then reads both messages, the newest at
    // the bottom, and the keys and the wheel scroll back to the first.
    press(&mut app, "M");
    let text = screen(&draw(&app, 80, 24));
    assert!(text.contains("Messages (2)"), "{text}");
    assert!(text.contains("LAST-WORDS"), "opens at the newest: {text}");
    app.handle_event(&key(KeyCode::Home));
    assert!(screen(&draw(&app, 80, 24)).contains("THE-END"));
    for _ in 0..40 {
        app.handle_event(&wheel(MouseEventKind::ScrollDown));
    }
    let text = screen(&draw(&app, 80, 24));
    assert!(
        text.contains("LAST-WORDS") && !text.contains("THE-END"),
        "{text}"
    );
    app.handle_event(&key(KeyCode::Esc));
    assert!(!screen(&draw(&app, 80, 24)).contains("Messages ("));
}

#[test]
fn m_with_no_messages_and_an_unknown_key_say_so() {
    let mut app = open("lenet");
    press(&mut app, "M");
    assert!(screen(&draw(&app, 100, 30)).contains("no messages yet"));
    press(&mut app, "Z");
    let buf = draw(&app, 100, 30);
    assert!(screen(&buf).contains("Z is not a key here: ? lists them"));
    assert_eq!(
        app.net(),
        &presets::load("lenet").unwrap(),
        "and did nothing"
    );
    // A control key that does nothing stays quiet.
    app.handle_event(&ctrl('x'));
    assert!(!screen(&draw(&app, 100, 30)).contains("not a key here"));
}

/// The wheel scrolls the help, and moves the choice in a list.
#[test]
fn the_wheel_scrolls_the_help_and_moves_through_lists() {
    let mut app = open("lenet");
    press(&mut app, "?");
    let first = screen(&draw(&app, 100, 24));
    assert!(first.contains("select the layer above"), "{first}");
    app.handle_event(&wheel(MouseEventKind::ScrollDown));
    app.handle_event(&wheel(MouseEventKind::ScrollDown));
    let scrolled = screen(&draw(&app, 100, 24));
    assert!(!scrolled.contains("select the layer above"), "{scrolled}");
    app.handle_event(&wheel(MouseEventKind::ScrollUp));
    app.handle_event(&wheel(MouseEventKind::ScrollUp));
    assert!(screen(&draw(&app, 100, 24)).contains("select the layer above"));
    app.handle_event(&key(KeyCode::Esc));
    press(&mut app, "a");
    let before = screen(&draw(&app, 100, 30));
    app.handle_event(&wheel(MouseEventKind::ScrollDown));
    app.handle_event(&wheel(MouseEventKind::ScrollDown));
    app.handle_event(&key(KeyCode::Enter));
    // The third kind of the catalogue went in after the input row.
    let third = layerlab::layer::Kind::iter().nth(2).unwrap();
    assert_eq!(app.net().layers[0].kind, third, "{before}");
}

/// The fixes `f` offers are what the message suggests: GPT-2 at 1,025
/// tokens ("shorten the input or raise max_len") gets max_len 1,025 and
/// the input 1,024, before removing the layer.
#[test]
fn f_on_gpt2_past_its_positions_offers_max_len_and_the_input_it_takes() {
    let mut app = open("gpt2");
    press(&mut app, "]ef");
    let Mode::Fix { fixes, .. } = &app.mode() else {
        panic!("the fix list is open")
    };
    let what: Vec<&str> = fixes.iter().map(|f| f.what.as_str()).collect();
    assert_eq!(
        what,
        [
            "set max_len of layer 2 to 1,025",
            "input 1024, the nearest size that works",
            "remove layer 2 (pos_embedding 1024)"
        ]
    );
    let text = screen(&draw(&app, 120, 40));
    assert!(
        text.contains("→ network valid, 124,440,576 params"),
        "{text}"
    );
    press(&mut app, "j");
    app.handle_event(&key(KeyCode::Enter));
    let text = screen(&draw(&app, 120, 40));
    assert!(text.contains("Total params: 124,439,808") && text.contains("input 1024"));
}

/// A U-Net at 65×65 breaks where its skips meet, though its layers take
/// inputs down to 8×8: the header and the red input row say so and name
/// the nearest sizes that work, and f on the input row offers them.
#[test]
fn a_unet_at_65_says_on_its_input_row_which_sizes_work_and_f_offers_them() {
    let mut app = open("unet");
    press(&mut app, "]");
    let buf = draw(&app, 120, 40);
    let text = screen(&buf);
    assert!(
        text.contains("input 65×65×1 (works at 64×64, 72×72)"),
        "{text}"
    );
    let input_row = row_starting(&buf, "0  input");
    assert_eq!(colour_of(&buf, input_row, "65×65×1").0, Color::Red);
    assert!(
        text.contains("✗ layer 7 breaks at 65×65; 64×64, 72×72 work (f on this row offers them)"),
        "{text}"
    );
    home(&mut app);
    press(&mut app, "f");
    let Mode::Fix { fixes, .. } = &app.mode() else {
        panic!(
            "the input row's fixes are open: {}",
            screen(&draw(&app, 120, 40))
        )
    };
    assert_eq!(fixes.len(), 2);
    assert!(screen(&draw(&app, 120, 40)).contains("Fixes for the input"));
    app.handle_event(&key(KeyCode::Enter));
    let buf = draw(&app, 120, 40);
    assert_eq!(app.net().input.to_string(), "64×64×1");
    assert_eq!(app.analysis().error_at, None);
    assert!(
        !screen(&buf).contains("works at"),
        "the header is back to fits from"
    );
    let input_row = row_starting(&buf, "0  input");
    assert_ne!(colour_of(&buf, input_row, "64×64×1").0, Color::Red);
    // In a quiz the input row gives nothing away.
    press(&mut app, "]");
    let mut quiz = app;
    press(&mut quiz, "gjQ");
    let text = screen(&draw(&quiz, 120, 40));
    assert!(
        !text.contains("works at") && !text.contains("breaks at"),
        "{text}"
    );
}

/// `/` in the help keeps only the lines that hold what is typed; Esc shows
/// them all again, and a second Esc closes the help.
#[test]
fn slash_in_the_help_finds_the_keys_for_a_word() {
    let mut app = open("lenet");
    press(&mut app, "?/undo");
    let text = screen(&draw(&app, 120, 40));
    assert!(text.contains("Keys /undo"), "{text}");
    assert!(text.contains("│ u ") || text.contains(" u   "), "{text}");
    assert!(text.contains("undo"), "{text}");
    assert!(!text.contains("select the layer above"), "{text}");
    app.handle_event(&key(KeyCode::Backspace));
    app.handle_event(&key(KeyCode::Backspace));
    app.handle_event(&key(KeyCode::Backspace));
    app.handle_event(&key(KeyCode::Backspace));
    press(&mut app, "zzzz");
    assert!(screen(&draw(&app, 120, 40)).contains("no key's line holds that"));
    app.handle_event(&key(KeyCode::Esc));
    let text = screen(&draw(&app, 120, 40));
    assert!(
        text.contains("select the layer above"),
        "all lines again: {text}"
    );
    app.handle_event(&key(KeyCode::Esc));
    assert!(matches!(app.mode(), Mode::Table));
}

/// A page is what the screen shows at the terminal's size, which comes
/// with the resize event (nothing is read back from the last frame): PgDn
/// on a long VGG-16 moves further at 120×50 than at 80×24, and the table keeps
/// the selection in sight at either size.
#[test]
fn a_page_follows_the_terminal_size_the_resize_event_gives() {
    let mut net = presets::load("vgg16").unwrap();
    let conv = net.layers[1].clone();
    net.layers.splice(2..2, std::iter::repeat_n(conv, 100));
    let mut app = App::new(net, None, None);
    app.handle_event(&Event::Resize(80, 24));
    let small = app.page();
    app.handle_event(&key(KeyCode::PageDown));
    assert_eq!(app.selected(), small);
    let text = screen(&draw(&app, 80, 24));
    assert!(text.contains(&format!("Layer {small} ·")), "{text}");
    app.handle_event(&Event::Resize(120, 50));
    app.handle_event(&key(KeyCode::Home));
    let large = app.page();
    app.handle_event(&key(KeyCode::PageDown));
    assert_eq!(app.selected(), large);
    assert!(large > small + 20, "{large} rows against {small}");
    // The table scrolled so that the selection is its last row on screen.
    app.handle_event(&Event::Resize(80, 24));
    app.handle_event(&key(KeyCode::End));
    let last = app.selected();
    assert_eq!(app.scroll() + app.page(), last + 1);
    let buf = draw(&app, 80, 24);
    assert!(screen(&buf).contains(&format!("{last}  softmax")));
}

/// In a list, a click chooses the entry under it and a second click takes
/// it, wherever the list is scrolled to.
#[test]
fn a_click_in_a_list_chooses_and_a_second_takes() {
    let mut app = open("lenet");
    app.handle_event(&Event::Resize(100, 30));
    press(&mut app, "a");
    let click = |app: &mut App, column: u16, row: u16| {
        app.handle_event(&Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        }));
    };
    let buf = draw(&app, 100, 30);
    let y = row_containing(&buf, " maxpool ");
    let column = (0..99u16)
        .find(|&c| buf[(c, y)].symbol() == "m" && buf[(c + 1, y)].symbol() == "a")
        .expect("maxpool's cell");
    click(&mut app, column, y);
    let Mode::Add(list) = app.mode() else {
        panic!("the list stays open")
    };
    assert_eq!(
        layerlab::layer::Kind::iter()
            .nth(list.choice)
            .unwrap()
            .name(),
        "maxpool"
    );
    click(&mut app, column, y);
    assert!(matches!(app.mode(), Mode::Table), "taken");
    assert_eq!(app.net().layers[0].kind.name(), "maxpool");
    // A click outside the entries does nothing.
    press(&mut app, "a");
    click(&mut app, 0, 0);
    assert!(matches!(app.mode(), Mode::Add(_)));
}

/// A burst of keys typed into a form (as the event loop hands them over,
/// between `begin_batch` and `end_batch`) is checked and previewed once at
/// its end, and ends where the same keys one at a time end.
#[test]
fn a_burst_of_keys_in_a_form_is_checked_once_and_ends_where_single_keys_do() {
    let burst = |batched: bool| {
        let mut app = open("lenet");
        press(&mut app, "j");
        app.handle_event(&key(KeyCode::Enter));
        app.handle_event(&key(KeyCode::Backspace));
        if batched {
            app.begin_batch();
        }
        for c in "12".chars() {
            app.handle_event(&key(KeyCode::Char(c)));
        }
        if batched {
            // Mid-burst the preview still shows the field as it was.
            assert!(!screen(&draw(&app, 120, 40)).contains("×12 s1"));
            app.end_batch();
        }
        screen(&draw(&app, 120, 40))
    };
    let single = burst(false);
    assert!(single.contains("conv 5×5 ×12 s1 p0 relu"), "{single}");
    assert_eq!(burst(true), single);
}

/// A long value scrolls in its field so the cursor and the text before it
/// are in sight, wide characters counted by their cells; Home shows the
/// start again.
#[test]
fn a_long_field_keeps_its_cursor_and_end_in_sight() {
    let mut app = open("lenet");
    press(&mut app, "j");
    app.handle_event(&key(KeyCode::Enter));
    app.handle_event(&Event::Paste(format!("{}END", "1".repeat(3000))));
    let buf = draw(&app, 100, 30);
    let y = row_containing(&buf, "filters");
    let line = &lines(&buf)[usize::from(y)];
    assert!(line.contains("111END"), "{line}");
    // The cursor is the reversed cell just after the end.
    let x = u16::try_from(line.find("END").unwrap() + 3).unwrap();
    let cursor = buf[(x - 2, y)].style().bg.or(buf[(x - 3, y)].style().bg);
    assert!(cursor.is_some(), "{line}");
    app.handle_event(&key(KeyCode::Home));
    let buf = draw(&app, 100, 30);
    let line = &lines(&buf)[usize::from(row_containing(&buf, "filters"))];
    assert!(!line.contains("END"), "the start again: {line}");
    // Wide characters take two cells each and still fit.
    app.handle_event(&key(KeyCode::End));
    app.handle_event(&Event::Paste("残差块".repeat(40)));
    let buf = draw(&app, 100, 30);
    let line = &lines(&buf)[usize::from(row_containing(&buf, "filters"))];
    // (A wide character's second cell reads as a space here.)
    assert!(line.replace(' ', "").contains("残差块残差块"), "{line}");
}
