//! Text from files and command lines on its way out of layerlab: control
//! characters (an escape sequence in a network's name would retitle or
//! scramble the user's terminal; a line break would end a LaTeX comment or a
//! Python docstring) are shown as escapes instead of being sent raw.

use std::borrow::Cow;

/// `text` with every control character written as a `\u{..}` escape.
/// The cells `text` takes in a terminal: two for a CJK character, none
/// for a combining mark. Columns are aligned by this, not by characters.
pub fn width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// `text` and spaces to fill `cells` cells (by display width, as `{:<n}`
/// would by characters).
pub fn pad(text: &str, cells: usize) -> String {
    let mut s = text.to_string();
    s.push_str(&" ".repeat(cells.saturating_sub(width(text))));
    s
}

/// The start of `text` that fits in `cells` cells.
pub fn fit(text: &str, cells: usize) -> &str {
    let mut used = 0;
    for (i, c) in text.char_indices() {
        used += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used > cells {
            return &text[..i];
        }
    }
    text
}

pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// The first control character in `text` and its 1-based position, for an
/// error that says where it is.
pub fn first_control(text: &str) -> Option<(usize, char)> {
    text.chars()
        .enumerate()
        .find(|(_, c)| c.is_control())
        .map(|(i, c)| (i + 1, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(visible("LeNet — ×"), "LeNet — ×");
        assert_eq!(visible("a\u{1b}]0;pwned\u{7}b"), "a\\u{1b}]0;pwned\\u{7}b");
        assert_eq!(visible("x\ny\0"), "x\\u{a}y\\u{0}");
        assert_eq!(first_control("ab\u{1b}"), Some((3, '\u{1b}')));
        assert_eq!(first_control("abc"), None);
    }
}
