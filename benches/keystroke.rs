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

/// Grows then shrinks the selected conv's kernel, drawing after each key.
fn keystrokes(c: &mut Criterion, name: &str, mut app: App, select: usize) {
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("test terminal");
    app.selected = select;
    let mut grow = true;
    c.bench_function(name, |b| {
        b.iter(|| {
            app.handle_event(&key(if grow { '+' } else { '-' }));
            grow = !grow;
            terminal
                .draw(|f| f.render_widget(&app, f.area()))
                .expect("draws");
        })
    });
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
}

criterion_group!(benches, bench);
criterion_main!(benches);
