//! Demo mails as RFC 5322 bytes. Every MIME boundary, Message-ID and Date is given explicitly,
//! because mail-builder's own defaults (random boundaries, the clock, the host name) would make
//! the same seed produce different bytes.

use std::io;

use mail_builder::headers::address::Address;
use mail_builder::headers::content_type::ContentType;
use mail_builder::mime::MimePart;
use mail_builder::MessageBuilder;

#[derive(Debug, Clone)]
pub(super) struct Person {
    pub name: String,
    pub address: String,
}

#[derive(Debug, Clone)]
pub(super) struct Attachment {
    pub content_type: &'static str,
    pub filename: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone)]
pub(super) struct DemoMail {
    pub from: Person,
    pub to: Person,
    pub reply_to: Option<Person>,
    pub subject: String,
    /// Without angle brackets, like all ids here.
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    /// Unix seconds.
    pub date: i64,
    pub text: String,
    pub html: Option<String>,
    pub attachments: Vec<Attachment>,
}

pub(super) fn compose(mail: &DemoMail) -> io::Result<Vec<u8>> {
    // Boundaries derived from the Message-ID: unique per mail, same on every run.
    let boundary = |kind: &str| format!("=_{kind}_{}", boundary_safe(&mail.message_id));
    let text = MimePart::new("text/plain", crlf(&mail.text));
    let mut body = match &mail.html {
        Some(html) => MimePart::new(
            ContentType::new("multipart/alternative").attribute("boundary", boundary("alt")),
            vec![text, MimePart::new("text/html", crlf(html))],
        ),
        None => text,
    };
    if !mail.attachments.is_empty() {
        let mut parts = vec![body];
        for attachment in &mail.attachments {
            parts.push(
                MimePart::new(attachment.content_type, attachment.bytes.as_slice())
                    .attachment(attachment.filename.as_str()),
            );
        }
        body = MimePart::new(
            ContentType::new("multipart/mixed").attribute("boundary", boundary("mixed")),
            parts,
        );
    }

    let mut builder = MessageBuilder::new()
        .from(address(&mail.from))
        .to(address(&mail.to))
        .subject(mail.subject.as_str())
        .date(mail.date)
        .message_id(mail.message_id.as_str());
    if let Some(reply_to) = &mail.reply_to {
        builder = builder.reply_to(address(reply_to));
    }
    if let Some(parent) = &mail.in_reply_to {
        builder = builder.in_reply_to(parent.as_str());
    }
    if !mail.references.is_empty() {
        builder = builder.references(mail.references.as_slice());
    }
    builder.body(body).write_to_vec()
}

/// A mail damaged in transfer: a header of binary junk, and the MIME structure cut off in the
/// middle of a base64 attachment, with no closing boundary.
pub(super) fn compose_broken(mail: &DemoMail) -> Vec<u8> {
    let boundary = format!("=_broken_{}", boundary_safe(&mail.message_id));
    let date = mail_builder::headers::date::Date::new(mail.date).to_rfc822();
    let mut raw = Vec::new();
    raw.extend_from_slice(
        format!(
            "From: {} <{}>\r\nTo: <{}>\r\nSubject: {}\r\nDate: {date}\r\nMessage-ID: <{}>\r\n",
            mail.from.name, mail.from.address, mail.to.address, mail.subject, mail.message_id
        )
        .as_bytes(),
    );
    raw.extend_from_slice(b"X-Mailer-\xff\xfe\x00: \x01\x02\x1b[0m\xc3(\xa0\xa1 ::: \r\n");
    raw.extend_from_slice(
        format!(
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n\
             --{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n\
             --{boundary}\r\nContent-Type: image/jpeg; name=\"kettle-leak.jpg\"\r\n\
             Content-Disposition: attachment; filename=\"kettle-leak.jpg\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n\
             /9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0a\r\n\
             HBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIy",
            crlf(&mail.text)
        )
        .as_bytes(),
    );
    raw
}

fn address(person: &Person) -> Address<'_> {
    Address::new_address(Some(person.name.as_str()), person.address.as_str())
}

fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\n', "\r\n")
}

fn boundary_safe(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}
