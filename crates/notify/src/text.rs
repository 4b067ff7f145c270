//! Text hygiene for notification fields. Mail text is hostile input: a subject may carry line
//! breaks that fake extra lines, or bidi overrides that reverse what the user reads.

const ELLIPSIS: char = '…';

/// One line of text: control and bidi-override characters become spaces, runs of whitespace
/// collapse to one space, and the ends are trimmed.
pub(crate) fn single_line(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if is_unsafe(c) { ' ' } else { c })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first line of `text` that has anything on it, as a single line.
pub(crate) fn first_line(text: &str) -> String {
    text.lines()
        .map(single_line)
        .find(|line| !line.is_empty())
        .unwrap_or_default()
}

/// At most `max_chars` characters, the last one an ellipsis when anything was cut.
pub(crate) fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let kept: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    format!("{}{ELLIPSIS}", kept.trim_end())
}

/// Escapes the characters that a server advertising "body-markup" would read as markup, so that
/// a subject like `<img src=...>` can't make the server fetch a remote image.
pub(crate) fn escape_body_markup(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_line_removes_breaks_controls_and_bidi_overrides() {
        assert_eq!(
            single_line("  Where is\r\nmy\torder?\u{202E}gpj.exe \u{7} "),
            "Where is my order? gpj.exe"
        );
    }

    #[test]
    fn first_line_skips_blank_lines() {
        assert_eq!(
            first_line("\n  \nHello there,\nsecond line"),
            "Hello there,"
        );
        assert_eq!(first_line(" \n\t"), "");
    }

    #[test]
    fn truncate_counts_characters_not_bytes() {
        assert_eq!(truncate("Zoë", 3), "Zoë");
        assert_eq!(truncate("Zoë Martin", 5), "Zoë…");
        assert_eq!(truncate("abcdef", 4).chars().count(), 4);
        assert_eq!(truncate("abcdef", 4), "abc…");
    }

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape_body_markup("<img src=\"http://t.example/x\"> & co"),
            "&lt;img src=\"http://t.example/x\"&gt; &amp; co"
        );
    }
}
