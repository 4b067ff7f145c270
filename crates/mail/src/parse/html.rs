//! HTML from a mail is hostile input: it is cleaned here, in Rust, before anything stores or
//! shows it. The UI adds a sandboxed iframe and a strict CSP on top; this is the first wall.

use std::collections::HashSet;

use ammonia::{Builder, UrlRelative};

/// Replaces the `src` of a remote image: a 1x1 transparent GIF, so that no request leaves the
/// machine when the mail is shown. Remote images stay off until the user allows them, which
/// means cleaning the raw mail again under another policy.
pub const BLOCKED_IMAGE_SRC: &str =
    "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

/// Text width for HTML converted to text; wide, so that sentences are not cut mid-line.
const TEXT_WIDTH: usize = 120;

/// Cleans a mail's HTML: no script, no event handler, no form, frame or object, no style that
/// loads anything, no remote image, links opened without referrer. Text content is kept.
pub fn sanitize_html(html: &str) -> String {
    let mut builder = Builder::default();
    builder
        // Content dropped with the tag: raw-text elements whose text is code or markup.
        .add_clean_content_tags([
            "iframe", "noscript", "noembed", "noframes", "object", "title",
        ])
        .add_generic_attributes(["style", "align", "dir"])
        .url_schemes(HashSet::from(["http", "https", "mailto", "cid"]))
        // A relative URL in a mail has no base to resolve against; it can only misfire.
        .url_relative(UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer nofollow"))
        .attribute_filter(filter_attribute);
    builder.clean(html).to_string()
}

/// The plain text of a mail's HTML, from its cleaned form (so nothing hidden in a script or a
/// style becomes text).
pub fn html_to_text(html: &str) -> String {
    clean_html_to_text(&sanitize_html(html))
}

/// [`html_to_text`] for HTML that [`sanitize_html`] already cleaned.
pub(crate) fn clean_html_to_text(clean: &str) -> String {
    match html2text::config::plain().string_from_read(clean.as_bytes(), TEXT_WIDTH) {
        Ok(text) => text.trim_end().to_string(),
        // html2text only fails on pathological input; the cleaned markup without tags is better
        // than nothing.
        Err(_) => strip_tags(clean),
    }
}

fn filter_attribute<'v>(
    element: &str,
    attribute: &str,
    value: &'v str,
) -> Option<std::borrow::Cow<'v, str>> {
    match (element, attribute) {
        (_, "style") if style_loads_something(value) => None,
        ("img", "src") if !value.trim_start().to_ascii_lowercase().starts_with("cid:") => {
            Some(BLOCKED_IMAGE_SRC.into())
        }
        _ => Some(value.into()),
    }
}

/// True for a style that could fetch a resource or run code. CSS escapes (`\75 rl(`) and
/// comments (`ur/**/l(`) are refused outright rather than decoded.
fn style_loads_something(style: &str) -> bool {
    let compact: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    [
        "url(",
        "image(",
        "image-set(",
        "expression(",
        "@import",
        "\\",
        "/*",
        "behavior:",
    ]
    .iter()
    .any(|needle| compact.contains(needle))
}

fn strip_tags(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_image_blocked_inline_kept() {
        let out = sanitize_html(r#"<img src="https://t.example/p.gif"><img src="cid:logo@x">"#);
        assert!(!out.contains("t.example"));
        assert!(out.contains(BLOCKED_IMAGE_SRC));
        assert!(out.contains("cid:logo@x"));
    }

    #[test]
    fn style_with_url_dropped_plain_style_kept() {
        let out = sanitize_html(
            r#"<p style="background:url(https://x.example/a.png)">a</p><p style="color: red">b</p>"#,
        );
        assert!(!out.contains("x.example"));
        assert!(out.contains("color: red"));
        assert!(!sanitize_html(r#"<p style="background: \75 rl(x)">a</p>"#).contains("style"));
    }

    #[test]
    fn text_of_html() {
        let text = html_to_text("<p>Hello <b>there</b></p><script>alert(1)</script>");
        assert!(text.contains("Hello"));
        assert!(!text.contains("alert"));
    }
}
