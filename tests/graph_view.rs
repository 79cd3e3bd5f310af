//! The graph view (`g`) as a user sees it: keys in, a rendered screen out
//! (ratatui's `TestBackend`), colours included.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use layerlab::presets;
use layerlab::tui::app::App;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

fn open(preset: &str) -> App {
    App::new(presets::load(preset).unwrap(), None, Some(preset.into()))
}

fn press(app: &mut App, keys: &str) {
    for c in keys.chars() {
        app.handle_event(&Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
    }
}

fn draw(app: &App, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| f.render_widget(app, f.area())).unwrap();
    terminal.backend().buffer().clone()
}

fn lines(buf: &Buffer) -> Vec<String> {
    (0..buf.area.height)
        .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect())
        .collect()
}

/// Where `text` first is on screen: (column, row), in cells.
fn find(buf: &Buffer, text: &str) -> Option<(u16, u16)> {
    lines(buf).iter().enumerate().find_map(|(y, l)| {
        let at = l.find(text)?;
        let x = l[..at].chars().count();
        Some((u16::try_from(x).ok()?, u16::try_from(y).ok()?))
    })
}

fn at(buf: &Buffer, text: &str) -> (u16, u16) {
    find(buf, text).unwrap_or_else(|| panic!("{text:?} not on\n{}", lines(buf).join("\n")))
}

#[test]
fn a_straight_network_reads_like_the_table_turned_into_boxes() {
    let mut app = open("lenet");
    press(&mut app, "g");
    let buf = draw(&app, 100, 60);
    let screen = lines(&buf).join("\n");
    // The table's header row is gone; each layer is a box with its label in
    // the top border and its output shape and parameters inside.
    assert!(!screen.contains("receptive field"), "{screen}");
    let input = at(&buf, "┌ input ");
    let conv = at(&buf, "┌ conv 5×5 ×6 ");
    assert!(conv.1 > input.1);
    assert_eq!(at(&buf, "24×24×6 · 156").1, conv.1 + 1);
    let dense = at(&buf, "┌ dense 10 ");
    assert!(dense.1 > conv.1);
    assert!(screen.contains("10 · 850"), "{screen}");
    // An arrow points into every box below the input.
    let arrows = screen.matches('▼').count();
    assert_eq!(arrows, app.net().layers.len(), "{screen}");
    // The status line says how to go back.
    assert!(screen.contains("g again for the table"), "{screen}");
    press(&mut app, "g");
    assert!(
        lines(&draw(&app, 100, 60))
            .join("\n")
            .contains("receptive field")
    );
}

#[test]
fn the_selected_box_lights_up_and_stays_in_sight() {
    let mut app = open("lenet");
    press(&mut app, "gj");
    let buf = draw(&app, 100, 30);
    let (x, y) = at(&buf, "24×24×6 · 156");
    assert!(
        buf[(x, y)].modifier.contains(Modifier::REVERSED),
        "{:?} {}",
        buf[(x, y)],
        app.selected()
    );
    let (x, y) = at(&buf, "┌ input ");
    assert!(!buf[(x, y)].modifier.contains(Modifier::REVERSED));
    // The last layer is far below a 30-row screen's first page: selecting
    // it scrolls the graph to it.
    assert!(find(&buf, "10 · 850").is_none());
    app.handle_event(&Event::Key(KeyEvent::new(KeyCode::End, KeyModifiers::NONE)));
    let buf = draw(&app, 100, 30);
    let last = app.net().layers.last().unwrap().label();
    let (x, y) = at(&buf, &format!("┌ {last} "));
    assert!(buf[(x + 3, y + 1)].modifier.contains(Modifier::REVERSED));
    assert!(find(&buf, "┌ input ").is_none());
}

#[test]
fn a_residual_block_shows_where_the_branches_leave_and_join() {
    // `r` wraps LeNet's second convolution in a residual block: an add whose
    // other branch is the identity (padding 2 keeps the shapes equal).
    let mut app = open("lenet-padded");
    press(&mut app, "gjjjr");
    let buf = draw(&app, 120, 70);
    let screen = lines(&buf).join("\n");
    let fork = at(&buf, "├─");
    let conv = at(&buf, "┌ conv 5×5 ×16");
    let add = at(&buf, "┌ add (2 branches)");
    // Fork above the body, the body above the join, the add below them.
    assert!(fork.1 < conv.1 && conv.1 < add.1, "{screen}");
    let joins: Vec<usize> = lines(&buf)
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains('┘') && l.contains('├'))
        .map(|(y, _)| y)
        .collect();
    assert!(
        joins
            .iter()
            .any(|&y| y > usize::from(conv.1) && y < usize::from(add.1)),
        "{screen}"
    );
    // The skip runs down beside the body, from the fork's corner to the
    // join's.
    let row = &lines(&buf)[usize::from(fork.1)];
    let corner = row
        .chars()
        .position(|c| c == '┐')
        .expect("the fork's corner");
    for y in fork.1 + 1..add.1 - 3 {
        let c = lines(&buf)[usize::from(y)].chars().nth(corner);
        assert_eq!(c, Some('│'), "row {y} of\n{screen}");
    }
}

#[test]
fn folded_containers_are_one_box_and_open_as_a_frame() {
    // ResNet-18 opens folded, as its table does.
    let mut app = open("resnet18");
    press(&mut app, "gjjjjj");
    let buf = draw(&app, 120, 60);
    let screen = lines(&buf).join("\n");
    assert!(screen.contains("┌ block layer1 ×2 "), "{screen}");
    assert!(screen.contains("56×56×64 · 147,968"), "{screen}");
    assert!(!screen.contains("conv 3×3 ×64 s1 p1"), "{screen}");
    // `l` opens it: a frame titled as the table titles it, the layers inside.
    press(&mut app, "l");
    let buf = draw(&app, 120, 60);
    let screen = lines(&buf).join("\n");
    let title = at(&buf, " block layer1 ×2 ");
    let frame = lines(&buf)[usize::from(title.1)].clone();
    assert!(frame.contains('┌') && frame.contains('┐'), "{screen}");
    assert!(screen.contains("┌ add (2 branches) relu "), "{screen}");
    assert!(at(&buf, "┌ add (2 branches) relu ").1 > title.1);
    // `h` folds it again.
    press(&mut app, "h");
    let screen = lines(&draw(&app, 120, 60)).join("\n");
    assert!(screen.contains("┌ block layer1 ×2 "), "{screen}");
    assert!(!screen.contains("add (2 branches) relu"), "{screen}");
}

#[test]
fn a_broken_layer_is_red_with_its_reason_and_the_rest_grey() {
    let mut app = open("lenet-stride2");
    press(&mut app, "g");
    let broken = app.analysis().error_at.expect("lenet-stride2 breaks");
    // Select the broken layer so the view shows it.
    press(&mut app, &"j".repeat(broken + 1));
    let buf = draw(&app, 120, 40);
    let screen = lines(&buf).join("\n");
    let (x, y) = at(&buf, "✗");
    assert_eq!(buf[(x, y)].fg, Color::Red, "{screen}");
    // Its label is in the border above the reason, red too.
    let label = app.net().layers[broken].label();
    let border = &lines(&buf)[usize::from(y) - 1];
    let lx = border.find(&label).expect("the label above the reason");
    let lx = u16::try_from(border[..lx].chars().count()).unwrap();
    assert_eq!(buf[(lx, y - 1)].fg, Color::Red, "{screen}");
    // Below it the layers wait: grey boxes with a dash.
    let after = app.net().layers[broken + 1].label();
    let (ax, ay) = at(&buf, &format!("┌ {after}"));
    assert!(ay > y);
    assert_eq!(buf[(ax, ay)].fg, Color::DarkGray);
    assert_eq!(
        lines(&buf)[usize::from(ay) + 1].trim_matches([' ', '│']),
        "—"
    );
}

#[test]
fn ascii_mode_draws_the_graph_in_ascii() {
    let mut app = open("lenet-padded");
    app.session_mut().ascii = true;
    press(&mut app, "gjjjr");
    let buf = draw(&app, 120, 70);
    let screen = lines(&buf).join("\n");
    assert!(screen.is_ascii(), "{screen}");
    assert!(screen.contains("+ conv 5x5 x16"), "{screen}");
    assert!(screen.contains('|') && screen.contains('v'), "{screen}");
}

#[test]
fn the_quiz_keeps_the_graph_closed_and_the_help_names_it() {
    let mut app = open("lenet");
    press(&mut app, "g");
    press(&mut app, "Q");
    assert!(!app.graph_shown(), "a quiz is answered in the table");
    press(&mut app, "g");
    assert!(!app.graph_shown());
    assert!(
        app.message()
            .is_some_and(|m| m.text.contains("hidden answers")),
        "{:?}",
        app.message()
    );
    press(&mut app, "Q?");
    let screen = lines(&draw(&app, 120, 60)).join("\n");
    assert!(
        screen.contains("the graph view in the table's place"),
        "{screen}"
    );
}
