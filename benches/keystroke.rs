//! One keystroke in the explorer, end to end: the key is mapped to an action,
//! the network is changed (with its undo snapshot), the analysis recomputed,
//! and a 200×60 frame rendered into a `TestBackend`.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use layerlab::tui::app::App;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn key(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// Grows then shrinks the selected conv's kernel (or presses `keys` in
/// turn), drawing after each key.
fn keystrokes(c: &mut Criterion, name: &str, app: App, select: usize) {
    pressing(c, name, app, select, ['+', '-']);
}

fn pressing(c: &mut Criterion, name: &str, mut app: App, select: usize, keys: [char; 2]) {
    app.select_line(select);
    events(c, name, app, [key(keys[0]), key(keys[1])], (200, 60));
}

/// Sends the two `events` in turn, drawing a frame of `size` after each.
fn events(c: &mut Criterion, name: &str, mut app: App, events: [Event; 2], size: (u16, u16)) {
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("test terminal");
    // The app lays its pages out for the terminal it is told of.
    app.handle_event(&Event::Resize(size.0, size.1));
    let mut first = true;
    c.bench_function(name, |b| {
        b.iter(|| {
            app.handle_event(if first { &events[0] } else { &events[1] });
            first = !first;
            terminal
                .draw(|f| f.render_widget(&app, f.area()))
                .expect("draws");
        })
    });
}

/// The residual network with block 500 unfolded and its first convolution
/// selected (with `l`, `j`, `j`), and the selected row.
fn residual_app() -> (App, usize) {
    let mut app = App::new(common::residual_network(1_000), None, None);
    app.select_line(500);
    for c in ['l', 'j', 'j'] {
        app.handle_event(&key(c));
    }
    assert_eq!(app.selected_path(), Some(vec![499, 0, 0]));
    let at = app.selected();
    (app, at)
}

/// A token network of `n` pre-norm sub-layers as GPT-2 writes them: an
/// embedding (dim 256), then `add`s of (layernorm, attention) and of
/// (layernorm, dense 1024 gelu, dense 256), each with the identity.
fn transformer(n: usize) -> layerlab::network::Network {
    use layerlab::layer::{Activation, Kind, Layer};
    use layerlab::size::Size;
    let size = |n| Size::new(n).unwrap();
    let residual = |body: Vec<Layer>| Layer {
        branches: vec![body, Vec::new()],
        ..Layer::new(Kind::Add)
    };
    let mut embedding = Layer::new(Kind::Embedding);
    (embedding.extra.vocab, embedding.extra.dim) = (size(32_000), size(256));
    let mut layers = vec![embedding];
    for i in 0..n {
        let norm = Layer::new(Kind::LayerNorm);
        layers.push(residual(if i % 2 == 0 {
            vec![norm, Layer::new(Kind::Attention)]
        } else {
            let dense = |units, activation| Layer {
                units: size(units),
                activation,
                ..Layer::new(Kind::Dense)
            };
            vec![norm, dense(1024, Some(Activation::Gelu)), dense(256, None)]
        }));
    }
    layerlab::network::Network {
        input: layerlab::network::Shape::Flat(1024),
        layers,
        ..layerlab::network::Network::empty("transformer")
    }
}

fn bench(c: &mut Criterion) {
    let lenet = layerlab::presets::load("lenet").expect("preset");
    keystrokes(
        c,
        "keystroke lenet (edit, recompute, render 200x60)",
        App::new(lenet, None, None),
        3,
    );
    let deep = common::deep_network(10_000);
    keystrokes(
        c,
        "keystroke 10,000 layers (edit, recompute, render 200x60)",
        App::new(deep, None, None),
        5_002,
    );
    // A branching network: 1,000 residual blocks of ten layers, edited on
    // a convolution inside block 500. `>`/`<` double and halve its
    // filters, and the block keeps its shape; `+`/`-` grow and shrink its
    // kernel, so the block breaks and mends and every block below is
    // recomputed.
    for (keys, what) in [(['>', '<'], "> <"), (['+', '-'], "+ -")] {
        let (app, at) = residual_app();
        pressing(
            c,
            &format!(
                "keystroke 10,000 layers in 1,000 residual blocks, nested conv {what} (edit, recompute, render 200x60)"
            ),
            app,
            at,
            keys,
        );
    }
    // The graph view (`g`) in the table's place: the same keys, the graph
    // laid out again and drawn around the selection.
    let (mut app, at) = residual_app();
    app.handle_event(&key('g'));
    pressing(
        c,
        "keystroke graph view, 1,000 residual blocks, nested conv > < (edit, recompute, lay out, render 200x60)",
        app,
        at,
        ['>', '<'],
    );
    let mut app = App::new(common::deep_network(10_000), None, None);
    app.handle_event(&key('g'));
    keystrokes(
        c,
        "keystroke graph view, 10,000 layers (edit, recompute, lay out, render 200x60)",
        app,
        5_002,
    );
    // Sequences: GPT-2's input one token shorter and back (every row
    // recomputed, attention's L² with it), and a 2,000-sub-layer
    // transformer whose embedding doubles and halves its width, so every
    // attention and dense below changes shape.
    let gpt2 = layerlab::presets::load("gpt2").expect("preset");
    pressing(
        c,
        "keystroke gpt2, [ ] on the input (edit, recompute, render 200x60)",
        App::new(gpt2, None, None),
        0,
        ['[', ']'],
    );
    pressing(
        c,
        "keystroke 2,000 transformer sub-layers, > < on the embedding (edit, recompute, render 200x60)",
        App::new(transformer(2_000), None, None),
        1,
        ['>', '<'],
    );
    // Today's LLMs: Llama 3 8B's input a token shorter and back (8,192
    // tokens: every row recomputed, attention's L² with it), and Mixtral's
    // experts, one more and one fewer (`+`/`-` on its moe, deep in the block).
    // Opening it: the preset read, analysed and its first frame drawn.
    c.bench_function("open llama3-8b (read, analyse, first frame 200x60)", |b| {
        let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("test terminal");
        b.iter(|| {
            let app = App::new(
                layerlab::presets::load("llama3-8b").expect("preset"),
                None,
                None,
            );
            terminal
                .draw(|f| f.render_widget(&app, f.area()))
                .expect("draws");
        })
    });
    let llama = layerlab::presets::load("llama3-8b").expect("preset");
    pressing(
        c,
        "keystroke llama3-8b, [ ] on the input (edit, recompute, render 200x60)",
        App::new(llama, None, None),
        0,
        ['[', ']'],
    );
    let mut mixtral = App::new(
        layerlab::presets::load("mixtral-8x7b").expect("preset"),
        None,
        None,
    );
    mixtral.select_line(2);
    // Unfold the block (its adds open with it), then down past the
    // attention to the mixture.
    for c in ['l', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j'] {
        mixtral.handle_event(&key(c));
    }
    assert_eq!(
        mixtral.selected_path(),
        Some(vec![1, 0, 1, 0, 1]),
        "the moe"
    );
    let at = mixtral.selected();
    pressing(
        c,
        "keystroke mixtral-8x7b, + - on the moe's experts (edit, recompute, render 200x60)",
        mixtral,
        at,
        ['+', '-'],
    );
    // The worst place to edit: the first layer, so every row below is
    // recomputed; and `P`, which changes every convolution at once.
    let huge = common::deep_network(100_000);
    keystrokes(
        c,
        "keystroke 100,000 layers, first layer (edit, recompute, render 200x60)",
        App::new(huge.clone(), None, None),
        1,
    );
    pressing(
        c,
        "keystroke 100,000 layers, P on every conv (edit, recompute, render 200x60)",
        App::new(huge.clone(), None, None),
        1,
        ['P', 'P'],
    );
    // Typing in the form of the first layer: each key previews the whole
    // network (a copy, recomputed), drawn at 80×24 where the header,
    // table and footer take their narrow forms.
    let mut typing = App::new(huge, None, None);
    typing.select_line(1);
    typing.handle_event(&Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    events(
        c,
        "keystroke 100,000 layers, typing in the first layer's form (preview, recompute, render 80x24)",
        typing,
        [
            key('1'),
            Event::Key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE)),
        ],
        (80, 24),
    );
    // Typing at the end of a 3,000-character paste in LeNet's form: what a
    // key costs should not grow with the field.
    let mut long = App::new(
        layerlab::presets::load("lenet").expect("preset"),
        None,
        None,
    );
    long.select_line(1);
    long.handle_event(&Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    long.handle_event(&Event::Paste("1".repeat(3000)));
    events(
        c,
        "keystroke lenet, typing after a 3,000-character paste (check, render 100x30)",
        long,
        [
            key('2'),
            Event::Key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE)),
        ],
        (100, 30),
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
