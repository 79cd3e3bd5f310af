//! Every colour and emphasis the explorer uses, in one place.

use ratatui::style::{Color, Modifier, Style};

pub const TEXT: Style = Style::new();
pub const TITLE: Style = Style::new().add_modifier(Modifier::BOLD);
pub const MUTED: Style = Style::new().fg(Color::DarkGray);
pub const HEADER_ROW: Style = Style::new()
    .add_modifier(Modifier::BOLD)
    .add_modifier(Modifier::UNDERLINED);
pub const SELECTED: Style = Style::new().add_modifier(Modifier::REVERSED);
/// A layer that cannot be computed, and any refusal.
pub const ERROR: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
/// Dropped pixels: valid, but worth a look.
pub const WARNING: Style = Style::new().fg(Color::Yellow);
/// Layers after a broken one.
pub const UNREACHABLE: Style = Style::new().fg(Color::DarkGray).add_modifier(Modifier::DIM);
pub const GOOD: Style = Style::new().fg(Color::Green);
pub const KEY: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
pub const BORDER: Style = Style::new().fg(Color::DarkGray);
pub const FORMULA: Style = Style::new().fg(Color::Cyan);
pub const TOTAL: Style = Style::new().add_modifier(Modifier::BOLD);
/// Against a baseline: more parameters, fewer, a changed shape, a removed layer.
pub const MORE: Style = Style::new().fg(Color::Green);
pub const LESS: Style = Style::new().fg(Color::Magenta);
pub const CHANGED: Style = Style::new().fg(Color::Cyan);
pub const REMOVED: Style = Style::new()
    .fg(Color::Magenta)
    .add_modifier(Modifier::CROSSED_OUT);
