//! ASCII mode: for terminals that cannot show box lines, `×` or `✗` (the
//! Linux console, `TERM=dumb`, a locale that is not UTF-8) and for those who
//! ask with `--ascii`. Every symbol becomes one ASCII character of the same
//! width, so layouts stay as they are and nothing is lost: `28x28x1`, `X`
//! for a broken layer, `!` for a warning, `+-|` borders.

/// Whether the environment calls for ASCII: `TERM` is `linux` or `dumb`, or
/// the locale (the first of LC_ALL, LC_CTYPE, LANG that is set) is not
/// UTF-8. No locale at all is the C locale, which is ASCII.
pub fn wanted_by(var: impl Fn(&str) -> Option<String>) -> bool {
    if matches!(var("TERM").as_deref(), Some("linux" | "dumb")) {
        return true;
    }
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .into_iter()
        .filter_map(|v| var(v).filter(|s| !s.is_empty()))
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    !(locale.contains("utf-8") || locale.contains("utf8"))
}

/// The ASCII stand-in for one character. Letters of any alphabet stay
/// (a Russian screen stays Russian); a symbol with no stand-in becomes `?`.
pub fn char_for(c: char) -> char {
    if c.is_ascii() || c.is_alphabetic() {
        return c;
    }
    match c {
        '×' => 'x',
        '✗' | '✘' => 'X',
        '✓' | '✔' => 'v',
        '⚠' => '!',
        '─' | '━' | '═' | '╌' | '┄' => '-',
        '│' | '┃' | '║' | '╎' | '┆' | '▏' | '▕' => '|',
        '┌' | '┐' | '└' | '┘' | '├' | '┤' | '┬' | '┴' | '┼' | '╭' | '╮' | '╰' | '╯' => {
            '+'
        }
        '╔' | '╗' | '╚' | '╝' | '╠' | '╣' | '╦' | '╩' | '╬' => '+',
        '→' | '›' | '»' | '▶' | '▸' => '>',
        '←' | '‹' | '«' | '◀' | '◂' => '<',
        '↑' | '▲' | '▴' => '^',
        '↓' | '▼' | '▾' => 'v',
        '↔' | '—' | '–' | '−' | '‐' => '-',
        // A dot between numbers multiplies (`2·0`); see `text` for the
        // separator between words.
        '·' | '∙' => '*',
        '…' | '•' => '.',
        '⌊' | '⌈' => '[',
        '⌋' | '⌉' => ']',
        '◆' | '●' | '★' | '■' => '*',
        '○' | '◇' | '□' => 'o',
        '█' | '▓' | '▉' | '▊' | '▋' | '▌' => '#',
        '▒' => ':',
        '░' => '.',
        '≥' => '>',
        '≤' => '<',
        '≈' | '∼' => '~',
        '“' | '”' | '„' => '"',
        '‘' | '’' => '\'',
        '²' => '2',
        '³' => '3',
        '\u{a0}' | '\u{2009}' | '\u{202f}' => ' ',
        // Braille dots (the sweep's charts): some dots, or none.
        '\u{2800}' => ' ',
        '\u{2801}'..='\u{28ff}' => '.',
        _ => '?',
    }
}

/// `text` in ASCII (see `char_for`). A `·` with a space before it
/// separates words (`Layer 4 · maxpool`) and becomes `-`.
pub fn text(text: &str) -> String {
    let mut before = ' ';
    text.chars()
        .map(|c| {
            let ascii = after(before, c);
            before = c;
            ascii
        })
        .collect()
}

/// `c` in ASCII, knowing the character `before` it.
pub fn after(before: char, c: char) -> char {
    match c {
        '·' if before == ' ' => '-',
        _ => char_for(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_decides_when_not_asked() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                (pairs.iter())
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert!(!wanted_by(env(&[("LANG", "en_US.UTF-8")])));
        assert!(!wanted_by(env(&[("LC_ALL", "ru_RU.utf8")])));
        assert!(wanted_by(env(&[
            ("LANG", "en_US.UTF-8"),
            ("TERM", "linux")
        ])));
        assert!(wanted_by(env(&[("LANG", "C.UTF-8"), ("TERM", "dumb")])));
        assert!(wanted_by(env(&[("LANG", "en_US.ISO-8859-1")])));
        assert!(wanted_by(env(&[])), "no locale is the C locale");
        // LC_ALL wins over LANG, as the C library has it.
        assert!(wanted_by(env(&[("LC_ALL", "C"), ("LANG", "en_US.UTF-8")])));
    }

    #[test]
    fn symbols_become_one_ascii_character_and_letters_stay() {
        assert_eq!(
            text("┌ conv 5×5 ✗ input 1×1 → — ⚠ ─┐"),
            "+ conv 5x5 X input 1x1 > - ! -+"
        );
        assert_eq!(
            text("Layer 4 · maxpool: ⌊(1 + 2·0 − 2) / 2⌋ + 1"),
            "Layer 4 - maxpool: [(1 + 2*0 - 2) / 2] + 1"
        );
        assert_eq!(text("Всего параметров: 44 426"), "Всего параметров: 44 426");
        for c in ['×', '✗', '│', '…', '⣿'] {
            assert!(char_for(c).is_ascii());
        }
    }
}
