//! Terminal habits (#12), as a user meets them on screen (ratatui's
//! `TestBackend`): search, jump to the broken layer, go-to, copy, ASCII
//! mode, the light theme's colours, narrow terminals, forms that preview.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use layerlab::lang::Lang;
use layerlab::presets;
use layerlab::tui::app::{App, Effect, Mode};
use layerlab::tui::theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;

fn open(preset: &str) -> App {
    App::new(
        presets::load(preset).expect("preset"),
        None,
        Some(preset.into()),
    )
}

fn open_in(preset: &str, lang: Lang) -> App {
    let mut app = open(preset);
    app.session_mut().lang = lang;
    app
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn press(app: &mut App, keys: &str) -> Option<Effect> {
    keys.chars()
        .fold(None, |_, c| app.handle_event(&key(KeyCode::Char(c))))
}

fn enter(app: &mut App) -> Option<Effect> {
    app.handle_event(&key(KeyCode::Enter))
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

/// The footer's last line, where messages and prompts are.
fn footer(app: &App) -> String {
    let buf = draw(app, 120, 36);
    lines(&buf).last().cloned().unwrap_or_default()
}

/// The background of the first cell of `text` on the screen.
fn background_of(buf: &Buffer, text: &str) -> Color {
    let ls = lines(buf);
    for (y, l) in ls.iter().enumerate() {
        if let Some(byte) = l.find(text) {
            let x = l[..byte].chars().count();
            return buf[(x as u16, y as u16)].bg;
        }
    }
    panic!("{text:?} is not on the screen:\n{}", ls.join("\n"));
}

#[test]
fn slash_searches_labels_n_and_shift_n_step_and_esc_ends_it() {
    let mut app = open("lenet");
    press(&mut app, "/dense");
    // While typing, the prompt is in the footer and matches light up.
    let buf = draw(&app, 120, 36);
    assert!(screen(&buf).contains("/dense"), "{}", screen(&buf));
    assert_eq!(background_of(&buf, "dense 120 relu"), Color::Yellow);
    assert_eq!(background_of(&buf, "dense 84 relu"), Color::Yellow);
    assert_eq!(background_of(&buf, "maxpool 2×2"), Color::Reset);
    // The label's own text lights up, not the rest of its column.
    assert_eq!(background_of(&buf, "relu           120"), Color::Yellow);
    assert_eq!(background_of(&buf, "           120"), Color::Reset);
    enter(&mut app);
    assert_eq!(
        app.selected_path(),
        Some(vec![5]),
        "the first dense: layer 6"
    );
    assert!(footer(&app).contains("match 1 of 3: layer 6 · dense 120 relu"));
    press(&mut app, "n");
    assert_eq!(app.selected_path(), Some(vec![6]));
    press(&mut app, "nn");
    assert_eq!(app.selected_path(), Some(vec![5]), "n wraps to the first");
    press(&mut app, "N");
    assert_eq!(app.selected_path(), Some(vec![7]), "N wraps to the last");
    // `×` can be typed as `x`.
    press(&mut app, "/5x5");
    enter(&mut app);
    assert_eq!(app.selected_path(), Some(vec![0]), "after layer 8: layer 1");
    app.handle_event(&key(KeyCode::Esc));
    let buf = draw(&app, 120, 36);
    assert_eq!(
        background_of(&buf, "conv 5×5 ×16"),
        Color::Reset,
        "Esc ends the search"
    );
    press(&mut app, "n");
    assert!(footer(&app).contains("no search yet: / searches"));
    press(&mut app, "/lstm");
    enter(&mut app);
    assert!(footer(&app).contains("no layer matches “lstm”"));
}

#[test]
fn search_finds_layers_inside_folded_blocks_and_opens_them() {
    let mut app2 = open("resnet18");
    press(&mut app2, "/1×1");
    enter(&mut app2);
    let path = app2.selected_path().expect("a 1×1 conv");
    assert!(path.len() > 1, "inside a block: {path:?}");
    let label = app2.net().path_label(&path);
    assert!(
        screen(&draw(&app2, 120, 36)).contains(&format!("Layer {label}")),
        "the detail pane shows it, so the row is on screen"
    );
}

#[test]
fn e_jumps_to_the_next_broken_layer_and_says_when_there_is_none() {
    let mut app = open("lenet-stride2");
    press(&mut app, "e");
    assert_eq!(app.selected_path(), Some(vec![3]), "layer 4");
    press(&mut app, "e");
    assert_eq!(app.selected_path(), Some(vec![3]), "wraps to the only one");
    let mut fine = open("lenet");
    press(&mut fine, "je");
    assert_eq!(fine.selected_path(), Some(vec![0]), "stays");
    assert!(footer(&fine).contains("no broken layer: every layer computes"));
}

#[test]
fn colon_goes_to_a_layer_by_number_or_path_and_refuses_what_is_not_there() {
    let mut app = open("vgg16");
    press(&mut app, ":14");
    assert!(footer(&app).contains(":14"), "the prompt: {}", footer(&app));
    enter(&mut app);
    assert_eq!(app.selected_path(), Some(vec![13]));
    assert!(matches!(app.mode(), Mode::Table));
    press(&mut app, ":99");
    enter(&mut app);
    let text = screen(&draw(&app, 120, 36));
    assert!(
        text.contains("there is no layer 99: the network has 25 layers"),
        "{text}"
    );
    assert!(
        matches!(app.mode(), Mode::GoTo { .. }),
        "the prompt stays open"
    );
    app.handle_event(&key(KeyCode::Esc));
    assert_eq!(app.selected_path(), Some(vec![13]));

    // Inside blocks: layer 2 of branch 1 of the add at 5.
    let mut net = open("resnet18");
    let label = net.net().path_label(&[4, 0, 0, 0, 1]);
    press(&mut net, &format!(":{label}"));
    enter(&mut net);
    assert_eq!(net.selected_path(), Some(vec![4, 0, 0, 0, 1]), "{label}");
}

#[test]
fn y_copies_the_table_as_markdown_and_the_footer_says_so() {
    let mut app = open("lenet");
    let Some(Effect::Copy { text, what }) = press(&mut app, "y") else {
        panic!("y copies");
    };
    assert!(
        text.contains("| 1 | conv 5×5 ×6 s1 p0 relu | 24×24×6 | 156 |"),
        "{text}"
    );
    assert!(text.contains("44,426"), "{text}");
    app.copied(what, Ok(()));
    assert!(
        footer(&app).contains("copied the table (10 rows, Markdown) to the clipboard"),
        "{}",
        footer(&app)
    );
}

#[test]
fn d_duplicates_the_selected_layer_below_it_and_u_takes_it_back() {
    let mut app = open("lenet");
    press(&mut app, "jjjD");
    assert_eq!(app.net().layers.len(), 10);
    assert_eq!(app.selected_path(), Some(vec![3]), "the copy is selected");
    assert_eq!(app.net().layers[3].label(), "conv 5×5 ×16 s1 p0 relu");
    assert!(footer(&app).contains("duplicated layer 3 as layer 4"));
    press(&mut app, "u");
    assert_eq!(app.analysis().totals.params, Some(44_426));
}

#[test]
fn shift_w_saves_as_a_new_path() {
    let mut app = open("lenet");
    press(&mut app, "W");
    assert!(screen(&draw(&app, 100, 30)).contains("lenet.toml"));
    for _ in 0.."lenet.toml".len() {
        app.handle_event(&key(KeyCode::Backspace));
    }
    press(&mut app, "mine.toml");
    assert_eq!(
        enter(&mut app),
        Some(Effect::Save {
            path: "mine.toml".into(),
            overwrite: false
        })
    );
}

#[test]
fn ctrl_z_asks_the_loop_to_suspend() {
    let mut app = open("lenet");
    let effect = app.handle_event(&Event::Key(KeyEvent::new(
        KeyCode::Char('z'),
        KeyModifiers::CONTROL,
    )));
    assert_eq!(effect, Some(Effect::Suspend));
}

#[test]
fn ascii_mode_draws_only_ascii_with_the_same_information() {
    let mut app = open("lenet-stride2");
    app.session_mut().ascii = true;
    press(&mut app, "e");
    let mut screens = vec![screen(&draw(&app, 100, 30))];
    let text = &screens[0];
    assert!(text.contains("X input 1x1 is smaller than the 2x2 pooling window"));
    assert!(text.contains("! drops the last 1 row"), "{text}");
    assert!(text.contains("+ Layer 4 - maxpool 2x2 s2 p0 ---"), "{text}");
    assert!(
        text.contains("| output size  H, W: 1 + 2*0 = 1 < 2"),
        "{text}"
    );
    for keys in ["?", "m", "\n"] {
        let mut shown = open("lenet");
        shown.session_mut().ascii = true;
        press(&mut shown, "j");
        press(&mut shown, keys);
        screens.push(screen(&draw(&shown, 100, 40)));
    }
    let mut picture = open("lenet");
    picture.session_mut().ascii = true;
    press(&mut picture, "jv");
    screens.push(screen(&draw(&picture, 100, 40)));
    for s in &screens {
        let odd: Vec<char> = s.chars().filter(|c| !c.is_ascii()).collect();
        assert!(odd.is_empty(), "not ASCII: {odd:?} in\n{s}");
        assert!(
            !s.contains('?') || s.contains("? help"),
            "no symbol lost:\n{s}"
        );
    }
}

#[test]
fn the_light_theme_uses_only_the_16_standard_colours() {
    for preset in ["lenet", "lenet-stride2"] {
        let mut app = open(preset);
        app.session_mut().theme = &theme::LIGHT;
        press(&mut app, "b>/dense");
        let buf = draw(&app, 140, 40);
        for cell in buf.content() {
            for colour in [cell.fg, cell.bg] {
                assert!(
                    !matches!(colour, Color::Indexed(_) | Color::Rgb(..)),
                    "{preset}: {colour:?} at {:?}",
                    cell.symbol()
                );
            }
        }
    }
}

/// The screen at 80×24, for the snapshots.
fn at_80x24(app: &App) -> String {
    screen(&draw(app, 80, 24))
}

#[test]
fn eighty_by_twenty_four_keeps_labels_whole_in_english_and_russian() {
    for lang in [Lang::En, Lang::Ru] {
        let tag = match lang {
            Lang::En => "en",
            Lang::Ru => "ru",
        };
        let lenet = open_in("lenet", lang);
        insta::assert_snapshot!(format!("lenet_80x24_{tag}"), at_80x24(&lenet));
        let mut vgg = open_in("vgg16", lang);
        press(&mut vgg, "b");
        insta::assert_snapshot!(format!("vgg16_80x24_baseline_{tag}"), at_80x24(&vgg));
        let mut broken = open_in("lenet-stride2", lang);
        press(&mut broken, "e");
        let text = at_80x24(&broken);
        insta::assert_snapshot!(format!("lenet_stride2_80x24_{tag}"), text);
        // Every label is whole; so is the reason, in the detail pane.
        for layer in &broken.net().layers {
            assert!(text.contains(&layer.label()), "{}", layer.label());
        }
        let reason = match lang {
            Lang::En => "input 1×1 is smaller than the 2×2 pooling window",
            Lang::Ru => "1×1",
        };
        assert!(text.contains(reason), "{text}");
        for layer in &vgg.net().layers[..12] {
            assert!(at_80x24(&vgg).contains(&layer.label()), "{}", layer.label());
        }
    }
}

#[test]
fn a_long_reason_wraps_in_the_detail_pane_which_grows_to_hold_it() {
    let mut app = open("lenet-stride2");
    // The input row is red too: its reason is long.
    press(&mut app, "e");
    let buf = draw(&app, 60, 24);
    let text = screen(&buf);
    let words = "input 1×1 is smaller than the 2×2 pooling window";
    let flat: String = lines(&buf)
        .iter()
        .map(|l| l.trim_matches(|c| c == '│' || c == ' ').to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(words), "{text}");
}

#[test]
fn the_form_previews_the_change_in_the_table_and_esc_takes_it_back() {
    let mut app = open("lenet");
    press(&mut app, "j");
    enter(&mut app);
    // filters: 6 → 8, typed.
    app.handle_event(&key(KeyCode::Backspace));
    press(&mut app, "8");
    let text = screen(&draw(&app, 100, 36));
    assert!(text.contains("24×24×8"), "the table shows it: {text}");
    assert!(text.contains("Total params: 45,278"), "{text}");
    assert!(text.contains("Enter keeps it"), "{text}");
    assert!(!app.is_dirty(), "nothing changed yet");
    app.handle_event(&key(KeyCode::Esc));
    assert!(screen(&draw(&app, 100, 36)).contains("Total params: 44,426"));
    assert_eq!(app.analysis().totals.params, Some(44_426));
}

#[test]
fn choices_cycle_and_the_type_brings_its_own_fields() {
    let mut app = open("lenet");
    press(&mut app, "j");
    enter(&mut app);
    // To the activation (the last field) and round its values.
    app.handle_event(&key(KeyCode::BackTab));
    app.handle_event(&key(KeyCode::BackTab));
    let text = screen(&draw(&app, 100, 36));
    assert!(text.contains("› activation  ‹ relu ›"), "{text}");
    app.handle_event(&key(KeyCode::Right));
    assert!(screen(&draw(&app, 100, 36)).contains("‹ sigmoid ›"));
    press(&mut app, " ");
    assert!(screen(&draw(&app, 100, 36)).contains("‹ tanh ›"));
    app.handle_event(&key(KeyCode::Left));
    app.handle_event(&key(KeyCode::Left));
    press(&mut app, "n"); // a letter jumps: none
    assert!(screen(&draw(&app, 100, 36)).contains("‹ none ›"));
    enter(&mut app);
    assert_eq!(app.net().layers[0].label(), "conv 5×5 ×6 s1 p0");

    // The type: conv2d → avgpool keeps the kernel as the window. A letter
    // jumps among the types starting with it.
    enter(&mut app);
    app.handle_event(&key(KeyCode::BackTab));
    for _ in 0..10 {
        let Mode::Edit(form) = &app.mode() else {
            panic!("the form stays open")
        };
        if form.entries[0].input.value() == "avgpool" {
            break;
        }
        press(&mut app, "a");
    }
    let text = screen(&draw(&app, 100, 36));
    assert!(text.contains("‹ avgpool ›"), "{text}");
    assert!(!text.contains("filters"), "a pool has no filters: {text}");
    assert!(
        text.lines()
            .any(|l| l.contains("kernel") && l.trim_end_matches(['│', ' ']).ends_with(" 5")),
        "{text}"
    );
    enter(&mut app);
    assert_eq!(app.net().layers[0].label(), "avgpool 5×5 s1 p0");
    assert_eq!(
        app.analysis().rows[0].output.unwrap().to_string(),
        "24×24×1"
    );
}

#[test]
fn a_new_layer_copies_the_nearest_of_its_kind() {
    let mut app = open("lenet");
    press(&mut app, "jjj"); // conv 5×5 ×16
    press(&mut app, "a");
    // The add list: c jumps to concat, conv1d, conv2d…
    while !matches!(app.mode(), Mode::Add(list) if layerlab::layer::Kind::iter().nth(list.choice).map(|k| k.name()) == Some("conv2d"))
    {
        press(&mut app, "c");
    }
    enter(&mut app);
    assert_eq!(app.net().layers[3].label(), "conv 5×5 ×16 s1 p0 relu");
    assert!(
        footer(&app).contains("settings copied from layer 3"),
        "{}",
        footer(&app)
    );
}

#[test]
fn quitting_with_unsaved_changes_offers_to_save_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    let mut app = App::new(presets::load("lenet").unwrap(), Some(path.clone()), None);
    press(&mut app, "P");
    press(&mut app, "q");
    let text = screen(&draw(&app, 100, 30));
    assert!(text.contains("s save, then quit"), "{text}");
    let Some(Effect::Save { path: to, .. }) = press(&mut app, "s") else {
        panic!("s saves");
    };
    assert_eq!(to, path);
    let saved = layerlab::file::save(app.doc().net(), None, &path);
    assert_eq!(
        app.saved(path.clone(), saved, None),
        Some(Effect::Quit),
        "then quits"
    );
    // With no path yet, the path is asked first; Esc there quits nothing.
    let mut fresh = open("lenet");
    press(&mut fresh, "Pqs");
    assert!(matches!(fresh.mode(), Mode::Path { .. }));
    fresh.handle_event(&key(KeyCode::Esc));
    let failed = Err(std::io::Error::other("disk full"));
    assert_eq!(fresh.saved(path, failed, None), None, "nothing waits");
}

#[test]
fn open_lists_the_folders_files_and_a_new_empty_network() {
    let mut app = open("lenet");
    assert_eq!(press(&mut app, "o"), Some(Effect::ListFolder));
    app.listed(vec!["mine.toml".into(), "yours.toml".into()]);
    let text = screen(&draw(&app, 100, 36));
    assert!(text.contains("mine.toml"), "{text}");
    assert!(text.contains("a new empty network"), "{text}");
    press(&mut app, "y");
    assert_eq!(enter(&mut app), Some(Effect::OpenFile("yours.toml".into())));
    // The new empty network: nothing but the input.
    press(&mut app, "o");
    app.listed(vec!["mine.toml".into()]);
    press(&mut app, "j");
    enter(&mut app);
    assert!(app.net().layers.is_empty());
    assert!(
        footer(&app).contains("a new empty network"),
        "{}",
        footer(&app)
    );
}

#[test]
fn tab_completes_a_path_and_a_tilde_is_the_home_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("lenet-wide.toml"), "").unwrap();
    std::fs::write(dir.path().join("lenet-deep.toml"), "").unwrap();
    std::fs::create_dir(dir.path().join("nets")).unwrap();
    let typed = format!("{}/len", dir.path().display());
    let (text, names) = layerlab::file::complete(&typed);
    assert_eq!(text, format!("{}/lenet-", dir.path().display()));
    assert_eq!(names, ["lenet-deep.toml", "lenet-wide.toml"]);
    let (text, _) = layerlab::file::complete(&format!("{}/n", dir.path().display()));
    assert!(text.ends_with("/nets/"), "a folder gets its slash: {text}");

    let mut app = open("lenet");
    press(&mut app, "W");
    for _ in 0..20 {
        app.handle_event(&key(KeyCode::Backspace));
    }
    press(&mut app, &typed);
    let effect = app.handle_event(&key(KeyCode::Tab));
    assert_eq!(effect, Some(Effect::Complete(typed.clone())));
    let (text, names) = layerlab::file::complete(&typed);
    app.completed(text, names);
    let shown = screen(&draw(&app, 120, 36));
    assert!(
        shown.contains("lenet-deep.toml  lenet-wide.toml"),
        "{shown}"
    );

    let home = std::env::var("HOME").unwrap();
    assert_eq!(
        layerlab::file::expand_home("~/nets/a.toml"),
        std::path::PathBuf::from(home).join("nets/a.toml")
    );
    assert_eq!(
        layerlab::file::expand_home("a~b"),
        std::path::PathBuf::from("a~b")
    );
}

#[test]
fn a_letter_jumps_in_every_list_whatever_its_case() {
    let mut app = open("lenet");
    press(&mut app, "x");
    press(&mut app, "K"); // k is a key (up); K reaches Keras
    let Mode::Export(list) = app.mode() else {
        panic!("the export list")
    };
    assert_eq!(list.choice, 1, "Keras");
    press(&mut app, "c");
    let Mode::Export(list) = app.mode() else {
        panic!("the export list")
    };
    assert_eq!(list.choice, 4, "CSV");
}
