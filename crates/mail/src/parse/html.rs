//! HTML from a mail is hostile input: it is cleaned here, in Rust, before anything stores or
//! shows it. The UI adds a sandboxed iframe and a strict CSP on top; this is the first wall.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use ammonia::{Builder, UrlRelative};

/// Replaces the `src` of a remote image: a 1x1 transparent GIF, so that no request leaves the
/// machine when the mail is shown. Remote images stay off until the user allows them, which
/// means cleaning the raw mail again under another policy.
pub const BLOCKED_IMAGE_SRC: &str =
    "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

/// Text width for HTML converted to text; wide, so that sentences are not cut mid-line.
const TEXT_WIDTH: usize = 120;

/// Whether a mail's remote images may load. Blocked is the default: a remote image tells the
/// sender when and where the mail was read (tracking pixels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RemoteImages {
    #[default]
    Blocked,
    /// The user allowed images for this mail: `https:` image sources are kept (nothing else
    /// changes: no script, handler, form, frame, and no style that loads anything).
    AllowHttps,
}

/// A mail's cleaned HTML and how many of its images were blocked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanHtml {
    pub html: String,
    /// Images whose source was replaced by [`BLOCKED_IMAGE_SRC`] (remote, or a scheme that is
    /// never allowed such as `data:`/`javascript:`).
    pub blocked_images: usize,
    /// Of those, the ones an `https:` source would load if the user allowed images.
    pub remote_images: usize,
}

/// Cleans a mail's HTML: no script, no event handler, no form, frame or object, no style that
/// loads anything, no remote image, links opened without referrer. Text content is kept.
pub fn sanitize_html(html: &str) -> String {
    sanitize_html_with(html, RemoteImages::Blocked).html
}

/// [`sanitize_html`] under a remote-image policy, counting what was blocked.
pub fn sanitize_html_with(html: &str, images: RemoteImages) -> CleanHtml {
    let blocked = Arc::new(AtomicUsize::new(0));
    let remote = Arc::new(AtomicUsize::new(0));
    let (blocked_in_filter, remote_in_filter) = (blocked.clone(), remote.clone());
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
        .attribute_filter(move |element, attribute, value| {
            let verdict = filter_attribute(element, attribute, value, images);
            if let Verdict::Blocked { remote } = verdict {
                blocked_in_filter.fetch_add(1, Ordering::Relaxed);
                if remote {
                    remote_in_filter.fetch_add(1, Ordering::Relaxed);
                }
            }
            verdict.into_value(value)
        });
    let html = builder.clean(html).to_string();
    CleanHtml {
        html,
        blocked_images: blocked.load(Ordering::Relaxed),
        remote_images: remote.load(Ordering::Relaxed),
    }
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

enum Verdict {
    Keep,
    Drop,
    /// An image source replaced by the placeholder; `remote`: an https source.
    Blocked {
        remote: bool,
    },
}

impl Verdict {
    fn into_value(self, value: &str) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            Verdict::Keep => Some(value.into()),
            Verdict::Drop => None,
            Verdict::Blocked { .. } => Some(BLOCKED_IMAGE_SRC.into()),
        }
    }
}

fn filter_attribute(element: &str, attribute: &str, value: &str, images: RemoteImages) -> Verdict {
    match (element, attribute) {
        (_, "style") if style_loads_something(value) => Verdict::Drop,
        ("img", "src") => {
            let src = value.trim_start().to_ascii_lowercase();
            let https = src.starts_with("https://");
            if src.starts_with("cid:") || (https && images == RemoteImages::AllowHttps) {
                Verdict::Keep
            } else {
                // http: too when allowed: mixed content, and the frame's CSP allows https only.
                Verdict::Blocked {
                    remote: https || src.starts_with("http://"),
                }
            }
        }
        _ => Verdict::Keep,
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

    const HOSTILE: &str = r#"<p>Hi</p><img src="https://t.example/pixel.gif" width="1" height="1">
        <img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">
        <img src="javascript:alert(1)"><img src="http://plain.example/a.png">
        <p style="background:url(https://css.example/bg.png)">styled</p>
        <img src="https://ok.example/logo.png" onerror="alert(2)"><script>alert(3)</script>
        <form action="https://f.example"><input name="q"></form><iframe src="https://i.example"></iframe>"#;

    #[test]
    fn tracking_pixel_blocked_by_default_and_counted() {
        let clean = sanitize_html_with(HOSTILE, RemoteImages::Blocked);
        assert!(!clean.html.contains("t.example"), "{}", clean.html);
        assert!(!clean.html.contains("ok.example"));
        // data: and javascript: sources are dropped outright (not a scheme mail may use).
        assert!(!clean.html.contains("javascript:") && !clean.html.contains("data:image/svg"));
        assert_eq!(clean.blocked_images, 3);
        assert_eq!(clean.remote_images, 3);
    }

    #[test]
    fn https_images_allowed_after_opt_in_nothing_else() {
        let clean = sanitize_html_with(HOSTILE, RemoteImages::AllowHttps);
        let html = &clean.html;
        assert!(
            html.contains(r#"src="https://t.example/pixel.gif""#),
            "{html}"
        );
        assert!(html.contains(r#"src="https://ok.example/logo.png""#));
        for banned in [
            "javascript:",
            "data:image/svg",
            "plain.example",
            "css.example",
            "onerror",
            "<script",
            "alert(",
            "<form",
            "<input",
            "<iframe",
            "i.example",
            "f.example",
        ] {
            assert!(!html.contains(banned), "{banned} survived: {html}");
        }
        // Still blocked: plain http.
        assert_eq!(clean.blocked_images, 1);
        assert_eq!(clean.remote_images, 1);
    }

    #[test]
    fn text_of_html() {
        let text = html_to_text("<p>Hello <b>there</b></p><script>alert(1)</script>");
        assert!(text.contains("Hello"));
        assert!(!text.contains("alert"));
    }
}
