//! Every colour and emphasis the explorer uses, in one place, for each of
//! the three themes. Whatever the theme, a broken row also carries `✗` and
//! bold, so it stays unmistakable without colour.

use ratatui::style::{Color, Modifier, Style};

/// The styles of one theme.
#[derive(Debug, PartialEq, Eq)]
pub struct Theme {
    pub name: &'static str,
    pub text: Style,
    pub title: Style,
    pub muted: Style,
    pub header_row: Style,
    pub selected: Style,
    /// A layer that cannot be computed, and any refusal.
    pub error: Style,
    /// Dropped pixels: valid, but worth a look.
    pub warning: Style,
    /// Layers after a broken one.
    pub unreachable: Style,
    pub good: Style,
    pub key: Style,
    pub border: Style,
    pub formula: Style,
    pub total: Style,
    /// Against a baseline: more parameters, fewer, a changed shape, a removed layer.
    pub more: Style,
    pub less: Style,
    pub changed: Style,
    pub removed: Style,
    /// A layer the search (`/`) matches.
    pub found: Style,
}

const BOLD: Modifier = Modifier::BOLD;

/// For dark terminal backgrounds (the default).
pub const DARK: Theme = Theme {
    name: "dark",
    text: Style::new(),
    title: Style::new().add_modifier(BOLD),
    muted: Style::new().fg(Color::DarkGray),
    header_row: Style::new()
        .add_modifier(BOLD)
        .add_modifier(Modifier::UNDERLINED),
    selected: Style::new().add_modifier(Modifier::REVERSED),
    error: Style::new().fg(Color::Red).add_modifier(BOLD),
    warning: Style::new().fg(Color::Yellow),
    unreachable: Style::new().fg(Color::DarkGray).add_modifier(Modifier::DIM),
    good: Style::new().fg(Color::Green),
    key: Style::new().fg(Color::Cyan).add_modifier(BOLD),
    border: Style::new().fg(Color::DarkGray),
    formula: Style::new().fg(Color::Cyan),
    total: Style::new().add_modifier(BOLD),
    more: Style::new().fg(Color::Green),
    less: Style::new().fg(Color::Magenta),
    changed: Style::new().fg(Color::Cyan),
    removed: Style::new()
        .fg(Color::Magenta)
        .add_modifier(Modifier::CROSSED_OUT),
    found: Style::new().fg(Color::Black).bg(Color::Yellow),
};

/// For white backgrounds and projectors, in the 16 standard colours so it
/// works on every terminal: the dark ones only (yellow and cyan on white
/// wash out), with bold where a colour alone is too faint.
pub const LIGHT: Theme = Theme {
    name: "light",
    text: Style::new(),
    title: Style::new().add_modifier(BOLD),
    // Grey (colour 8) washes out on a projector: the footer's figures and
    // "(fits from …)" are muted, and must read on white.
    muted: Style::new().fg(Color::Black),
    header_row: Style::new()
        .add_modifier(BOLD)
        .add_modifier(Modifier::UNDERLINED),
    selected: Style::new().add_modifier(Modifier::REVERSED),
    error: Style::new().fg(Color::Red).add_modifier(BOLD),
    warning: Style::new().fg(Color::Magenta).add_modifier(BOLD),
    unreachable: Style::new().fg(Color::DarkGray),
    good: Style::new().fg(Color::Green),
    key: Style::new().fg(Color::Blue).add_modifier(BOLD),
    border: Style::new().fg(Color::DarkGray),
    formula: Style::new().fg(Color::Blue),
    total: Style::new().add_modifier(BOLD),
    more: Style::new().fg(Color::Green),
    less: Style::new().fg(Color::Magenta),
    changed: Style::new().fg(Color::Blue),
    removed: Style::new()
        .fg(Color::Magenta)
        .add_modifier(Modifier::CROSSED_OUT),
    found: Style::new().fg(Color::White).bg(Color::Blue),
};

/// No colour at all: marks, bold, underline, dim and reverse carry the
/// meaning. Chosen by `--theme mono` or the `NO_COLOR` variable.
pub const MONO: Theme = Theme {
    name: "mono",
    text: Style::new(),
    title: Style::new().add_modifier(BOLD),
    muted: Style::new(),
    header_row: Style::new()
        .add_modifier(BOLD)
        .add_modifier(Modifier::UNDERLINED),
    selected: Style::new().add_modifier(Modifier::REVERSED),
    error: Style::new().add_modifier(BOLD),
    warning: Style::new().add_modifier(Modifier::ITALIC),
    unreachable: Style::new().add_modifier(Modifier::DIM),
    good: Style::new(),
    key: Style::new().add_modifier(BOLD),
    border: Style::new(),
    formula: Style::new(),
    total: Style::new().add_modifier(BOLD),
    more: Style::new(),
    less: Style::new(),
    changed: Style::new(),
    removed: Style::new().add_modifier(Modifier::CROSSED_OUT),
    found: Style::new()
        .add_modifier(BOLD)
        .add_modifier(Modifier::UNDERLINED),
};

pub const THEMES: [&Theme; 3] = [&DARK, &LIGHT, &MONO];

/// The themes by name, as `--theme` takes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ThemeName {
    Dark,
    /// White backgrounds, projectors.
    Light,
    /// No colour.
    Mono,
}

impl ThemeName {
    pub fn theme(self) -> &'static Theme {
        match self {
            ThemeName::Dark => &DARK,
            ThemeName::Light => &LIGHT,
            ThemeName::Mono => &MONO,
        }
    }
}

#[cfg(test)]
mod light_tests {
    use super::*;

    /// On white, text needs a dark colour: no yellow, cyan, white or grey,
    /// except where faintness is the point (unreachable rows, borders).
    #[test]
    fn the_light_themes_text_reads_on_white() {
        let t = LIGHT;
        let faint = [
            Color::Yellow,
            Color::Cyan,
            Color::White,
            Color::Gray,
            Color::DarkGray,
        ];
        for (name, style) in [
            ("muted", t.muted),
            ("error", t.error),
            ("warning", t.warning),
            ("good", t.good),
            ("key", t.key),
            ("formula", t.formula),
            ("more", t.more),
            ("less", t.less),
            ("changed", t.changed),
        ] {
            assert!(
                style.fg.is_none_or(|c| !faint.contains(&c)),
                "{name}: {:?}",
                style.fg
            );
        }
    }
}
