//! A plain-text body split into what the sender wrote, what they quoted, and their signature,
//! so the conversation can fold the quoted history every reply drags along.
//!
//! Recognised: `>` quoted blocks; an attribution line ("On <date>, X wrote:", also wrapped over
//! two lines as Gmail does) with the quote after it; Outlook's "-----Original Message-----" or a
//! "From:/Sent:" header block, after which everything is the quoted original; the "-- "
//! signature separator.

/// What a stretch of a plain-text body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentKind {
    /// What the sender wrote: always shown.
    Text,
    /// Quoted history (with its attribution line): shown folded.
    Quote,
    /// The sender's signature: shown folded.
    Signature,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextSegment {
    pub kind: SegmentKind,
    pub text: String,
}

/// Splits a plain-text body into segments; joining their texts with newlines gives back the
/// body's lines (blank lines at a segment's edges are dropped).
pub fn split_quotes(body: &str) -> Vec<TextSegment> {
    let lines: Vec<&str> = body.lines().collect();
    let mut kinds = vec![SegmentKind::Text; lines.len()];
    let mut i = 0;
    let mut in_signature = false;
    while i < lines.len() {
        let line = lines[i];
        if starts_original_message(&lines, i) {
            kinds[i..].fill(SegmentKind::Quote);
            break;
        }
        if let Some(attribution_len) = attribution_at(&lines, i) {
            let after = i + attribution_len;
            match quote_block_end(&lines, after) {
                Some(end) => {
                    kinds[i..end].fill(SegmentKind::Quote);
                    i = end;
                    in_signature = false;
                }
                // An attribution with no ">" lines after it: the rest is the quoted mail.
                None => {
                    kinds[i..].fill(SegmentKind::Quote);
                    break;
                }
            }
            continue;
        }
        if is_quoted(line) {
            let end = quote_block_end(&lines, i).unwrap_or(i + 1);
            kinds[i..end].fill(SegmentKind::Quote);
            i = end;
            in_signature = false;
            continue;
        }
        if line.trim_end() == "--" {
            in_signature = true;
        }
        if in_signature {
            kinds[i] = SegmentKind::Signature;
        }
        i += 1;
    }
    group(&lines, &kinds)
}

fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

/// The end (exclusive) of the `>` block starting at or after `start` (blank lines before it
/// and inside it belong to it); `None` if no quoted line comes next.
fn quote_block_end(lines: &[&str], start: usize) -> Option<usize> {
    let mut i = start;
    while i < lines.len() && lines[i].trim().is_empty() {
        i += 1;
    }
    if i >= lines.len() || !is_quoted(lines[i]) {
        return None;
    }
    let mut end = i;
    while i < lines.len() {
        if is_quoted(lines[i]) {
            end = i + 1;
        } else if !lines[i].trim().is_empty() {
            break;
        }
        i += 1;
    }
    Some(end)
}

/// How many lines the attribution starting at `i` takes (1 or 2), if one does.
fn attribution_at(lines: &[&str], i: usize) -> Option<usize> {
    let first = lines[i].trim();
    if !looks_like_attribution_start(first) {
        return None;
    }
    if ends_attribution(first) {
        return Some(1);
    }
    // Gmail wraps long attributions: "On Mon, ... John Doe <" / "john@example.com> wrote:".
    let next = lines.get(i + 1)?.trim();
    (ends_attribution(next) && first.len() + next.len() < 200).then_some(2)
}

fn looks_like_attribution_start(line: &str) -> bool {
    ["On ", "Le ", "Am ", "El ", "Il ", "Op "]
        .iter()
        .any(|p| line.starts_with(p))
}

fn ends_attribution(line: &str) -> bool {
    let line = line.trim_end_matches(':').trim_end();
    !line.is_empty() && {
        let lower = line.to_lowercase();
        [
            "wrote",
            "a écrit",
            "schrieb",
            "escribió",
            "ha scritto",
            "schreef",
        ]
        .iter()
        .any(|w| lower.ends_with(w))
    }
}

/// Outlook's quoted original: a separator line, or a "From:" header followed by "Sent:"/"Date:".
fn starts_original_message(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim();
    let lower = line.to_ascii_lowercase();
    if lower.starts_with("-----original message-----")
        || lower.starts_with("-----forwarded message-----")
        || lower.starts_with("---------- forwarded message")
        || lower.starts_with("begin forwarded message:")
    {
        return true;
    }
    // "________________________________" then "From: ..." (Outlook on the web / new Outlook).
    let is_rule = line.len() >= 10 && line.chars().all(|c| c == '_');
    let header_at = |j: usize| lines.get(j).map(|l| l.trim_start().to_ascii_lowercase());
    let from_then_sent = |j: usize| {
        header_at(j).is_some_and(|l| l.starts_with("from:"))
            && header_at(j + 1).is_some_and(|l| l.starts_with("sent:") || l.starts_with("date:"))
    };
    (is_rule && from_then_sent(i + 1)) || from_then_sent(i)
}

fn group(lines: &[&str], kinds: &[SegmentKind]) -> Vec<TextSegment> {
    let mut segments: Vec<TextSegment> = Vec::new();
    let mut start = 0;
    while start < lines.len() {
        let kind = kinds[start];
        let mut end = start;
        while end < lines.len() && kinds[end] == kind {
            end += 1;
        }
        let text = lines[start..end].join("\n");
        let text = text.trim_matches('\n').trim_end();
        if !text.trim().is_empty() {
            segments.push(TextSegment {
                kind,
                text: text.to_string(),
            });
        }
        start = end;
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::SegmentKind::{Quote, Signature, Text};
    use super::*;

    fn kinds(body: &str) -> Vec<SegmentKind> {
        split_quotes(body).into_iter().map(|s| s.kind).collect()
    }

    #[test]
    fn gmail_reply_with_wrapped_attribution() {
        let body = "Thanks, that works!\n\nOn Mon, Nov 3, 2025 at 10:04 AM Shop Support <\n\
                    support@shop.example> wrote:\n\n> Hi Ana,\n>\n> Your order #1001 shipped.\n> \
                    --\n> Shop\n";
        let segments = split_quotes(body);
        assert_eq!(kinds(body), vec![Text, Quote]);
        assert_eq!(segments[0].text, "Thanks, that works!");
        assert!(segments[1].text.starts_with("On Mon, Nov 3"));
        assert!(segments[1].text.ends_with("> Shop"));
    }

    #[test]
    fn outlook_original_message_takes_the_rest() {
        let body = "Please cancel it.\n\nBest regards\nTom\n\n-----Original Message-----\n\
                    From: Shop <support@shop.example>\nSent: Monday, November 3, 2025 10:04 AM\n\
                    To: Tom <tom@example.com>\nSubject: Your order\n\nHi Tom, your order shipped.\n";
        let segments = split_quotes(body);
        assert_eq!(kinds(body), vec![Text, Quote]);
        assert!(segments[0].text.ends_with("Tom"));
        assert!(segments[1].text.contains("Hi Tom, your order shipped."));
    }

    #[test]
    fn outlook_web_rule_and_header_block() {
        let body =
            "Where is it?\n\n________________________________\nFrom: Shop <s@shop.example>\n\
                    Sent: 03 November 2025 10:04\nSubject: Order\n\nShipped.";
        assert_eq!(kinds(body), vec![Text, Quote]);
    }

    #[test]
    fn apple_mail_attribution_and_signature() {
        let body = "It arrived broken.\n\n-- \nAna Souza\nSent from my iPhone\n\n\
                    On 3 Nov 2025, at 10:04, Shop Support <support@shop.example> wrote:\n\n\
                    > Your order shipped.\n> Tracking: 1Z999\n";
        let segments = split_quotes(body);
        assert_eq!(kinds(body), vec![Text, Signature, Quote]);
        assert!(segments[1].text.contains("Sent from my iPhone"));
        assert!(segments[2].text.contains("Tracking: 1Z999"));
    }

    #[test]
    fn interleaved_quotes_keep_answers_visible() {
        let body = "> Which size?\nM please.\n> Which colour?\n\nBlue.\n";
        assert_eq!(kinds(body), vec![Quote, Text, Quote, Text]);
    }

    #[test]
    fn plain_text_is_one_segment_and_nothing_is_lost() {
        let body = "Hello,\n\nwhere is my order #1002?\nThanks";
        let segments = split_quotes(body);
        assert_eq!(segments.len(), 1);
        assert_eq!(segments[0].text, body);
        assert!(split_quotes("").is_empty());
    }

    #[test]
    fn a_sentence_starting_with_on_is_not_an_attribution() {
        let body = "On Monday I ordered a lamp.\nIt never came.";
        assert_eq!(kinds(body), vec![Text]);
    }
}
