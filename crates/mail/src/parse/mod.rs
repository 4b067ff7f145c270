//! Raw RFC 5322 bytes to the fields a ticket needs. Never fails: what cannot be read is
//! reported in [`ParsedMail::parse_error`] and the raw bytes are kept for a human to look at.

mod html;

use mail_parser::{Address, HeaderValue, Message, MessageParser, MimeHeaders, PartType};
use shopdesk_store::{Direction, NewAttachment, NewMessage};

use crate::timefmt;
use html::clean_html_to_text;

pub use html::{
    html_to_text, sanitize_html, sanitize_html_with, CleanHtml, RemoteImages, BLOCKED_IMAGE_SRC,
};

/// One address with its display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub address: String,
    pub name: Option<String>,
}

/// What a mail says, before threading decides where it goes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedMail {
    /// Message-ID without angle brackets.
    pub message_id: Option<String>,
    /// In-Reply-To ids, without angle brackets (normally one).
    pub in_reply_to: Vec<String>,
    /// References, oldest first, without angle brackets.
    pub references: Vec<String>,
    /// The author: From, else Sender.
    pub from: Option<Mailbox>,
    pub reply_to: Option<Mailbox>,
    pub to: Vec<Mailbox>,
    pub subject: String,
    /// The Date header in RFC 3339 UTC; `None` when missing or unreadable.
    pub sent_at: Option<String>,
    pub body_text: String,
    /// Sanitized HTML body; never the original markup.
    pub body_html: Option<String>,
    pub attachments: Vec<NewAttachment>,
    /// Why the mail could not be read properly; such a mail is stored raw and flagged.
    pub parse_error: Option<String>,
    pub raw: Vec<u8>,
    pub source: String,
}

/// Parses one raw mail. `source` says where it came from ("imap:INBOX", "mbox:...", "demo").
pub fn parse_message(raw: &[u8], source: &str) -> ParsedMail {
    let mut parsed = ParsedMail {
        raw: raw.to_vec(),
        source: source.to_string(),
        ..ParsedMail::default()
    };
    let Some(message) = MessageParser::default().parse(raw) else {
        parsed.parse_error = Some(if raw.iter().all(u8::is_ascii_whitespace) {
            "The mail is empty.".to_string()
        } else {
            "The mail has no readable header section; it is kept as received.".to_string()
        });
        return parsed;
    };
    read_headers(&message, &mut parsed);
    read_bodies(&message, &mut parsed);
    parsed.parse_error = problem_of(&parsed).or_else(|| damaged_part(&message));
    parsed
}

/// A stored mail's HTML cleaned again under `images` (the user allowed its remote images).
/// `None` if the mail has no HTML part or cannot be parsed.
pub fn html_of_raw(raw: &[u8], images: RemoteImages) -> Option<CleanHtml> {
    let message = MessageParser::default().parse(raw)?;
    let html: Vec<&str> = message
        .html_bodies()
        .filter_map(|part| match &part.body {
            PartType::Html(html) => Some(html.as_ref()),
            _ => None,
        })
        .collect();
    (!html.is_empty()).then(|| sanitize_html_with(&html.join("\n"), images))
}

impl ParsedMail {
    /// The record the store keeps. `now` (RFC 3339 UTC) stands in for a missing or unreadable
    /// Date.
    pub fn into_new_message(self, direction: Direction, now: &str) -> NewMessage {
        let (from_address, from_name) = match self.from {
            Some(from) => (from.address, from.name),
            None => (String::new(), None),
        };
        NewMessage {
            message_id: self.message_id,
            // The nearest parent; the store keeps one.
            in_reply_to: self.in_reply_to.into_iter().next(),
            references: self.references,
            direction: Some(direction),
            from_address,
            from_name,
            to_addresses: self.to.into_iter().map(|m| m.address).collect(),
            subject: self.subject,
            sent_at: self.sent_at.unwrap_or_else(|| now.to_string()),
            body_text: self.body_text,
            body_html: self.body_html,
            raw: self.raw,
            parse_error: self.parse_error,
            source: self.source,
            attachments: self.attachments,
        }
    }
}

fn read_headers(message: &Message<'_>, parsed: &mut ParsedMail) {
    parsed.message_id = message.message_id().and_then(clean_id);
    parsed.in_reply_to = ids_of(message.in_reply_to());
    parsed.references = ids_of(message.references());
    parsed.from = first_mailbox(message.from()).or_else(|| first_mailbox(message.sender()));
    parsed.reply_to = first_mailbox(message.reply_to());
    parsed.to = message.to().map(mailboxes).unwrap_or_default();
    parsed.subject = message.subject().map(clean_line).unwrap_or_default();
    parsed.sent_at = message
        .date()
        .filter(|date| date.is_valid())
        .and_then(|date| timefmt::utc_from_unix(date.to_timestamp()));
}

fn read_bodies(message: &Message<'_>, parsed: &mut ParsedMail) {
    let plain: Vec<&str> = message
        .text_bodies()
        .filter_map(|part| match &part.body {
            PartType::Text(text) => Some(text.as_ref()),
            _ => None,
        })
        .collect();
    let html: Vec<&str> = message
        .html_bodies()
        .filter_map(|part| match &part.body {
            PartType::Html(html) => Some(html.as_ref()),
            _ => None,
        })
        .collect();
    let clean_html = (!html.is_empty()).then(|| sanitize_html(&html.join("\n")));
    parsed.body_text = if !plain.is_empty() {
        join_texts(&plain)
    } else {
        clean_html
            .as_deref()
            .map(clean_html_to_text)
            .unwrap_or_default()
    };
    parsed.body_html = clean_html;
    parsed.attachments = message
        .attachments()
        .enumerate()
        .map(|(index, part)| NewAttachment {
            filename: part
                .attachment_name()
                .map(clean_line)
                .filter(|name| !name.is_empty())
                .unwrap_or_else(|| format!("attachment-{}", index + 1)),
            content_type: part
                .content_type()
                .map(|ct| match ct.subtype() {
                    Some(sub) => format!("{}/{}", ct.ctype(), sub),
                    None => ct.ctype().to_string(),
                })
                .unwrap_or_else(|| "application/octet-stream".to_string())
                .to_ascii_lowercase(),
            size: part.len() as u64,
        })
        .collect();
}

/// A mail nobody could answer or file is flagged: no sender at all, or nothing in it.
fn problem_of(parsed: &ParsedMail) -> Option<String> {
    let empty = parsed.body_text.trim().is_empty() && parsed.attachments.is_empty();
    match (&parsed.from, empty) {
        (None, true) => Some(
            "The mail has no sender (From) and no readable body; its headers or MIME structure \
             are probably damaged. It is kept as received."
                .to_string(),
        ),
        (None, false) => Some(
            "The mail has no sender address (From), so it cannot be answered; it is kept as \
             received."
                .to_string(),
        ),
        (Some(_), _) => None,
    }
}

/// A part whose end could not be found (a boundary missing, the mail cut off in transfer):
/// mail-parser recovers its bytes, but what the reader sees may be incomplete.
fn damaged_part(message: &Message<'_>) -> Option<String> {
    let index = message
        .parts
        .iter()
        // A mail with headers and no body at all is marked too; that one is merely empty.
        .position(|part| part.is_encoding_problem && part.offset_end > part.offset_body)?;
    Some(format!(
        "MIME part {} of the mail is damaged or truncated (a boundary is missing or the mail was \
         cut off); what could be read is shown, and the mail is kept as received.",
        index + 1
    ))
}

fn join_texts(parts: &[&str]) -> String {
    let texts: Vec<&str> = parts
        .iter()
        .map(|t| t.trim_end())
        .filter(|t| !t.is_empty())
        .collect();
    texts.join("\n\n")
}

fn ids_of(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => clean_id(id).into_iter().collect(),
        HeaderValue::TextList(ids) => ids.iter().filter_map(|id| clean_id(id)).collect(),
        _ => Vec::new(),
    }
}

fn clean_id(id: &str) -> Option<String> {
    let id = id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    (!id.is_empty() && !id.contains(char::is_whitespace)).then(|| id.to_string())
}

fn first_mailbox(address: Option<&Address<'_>>) -> Option<Mailbox> {
    address.map(mailboxes)?.into_iter().next()
}

fn mailboxes(address: &Address<'_>) -> Vec<Mailbox> {
    address
        .iter()
        .filter_map(|addr| {
            let address = addr.address()?.trim();
            // A bare word is not an address; replies to it would bounce.
            if !address.contains('@') {
                return None;
            }
            Some(Mailbox {
                address: address.to_string(),
                name: addr.name().map(clean_line).filter(|n| !n.is_empty()),
            })
        })
        .collect()
}

/// One header line as text: folded whitespace and control characters collapsed.
fn clean_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
