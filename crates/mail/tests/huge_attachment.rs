//! The hard-mail corpus's huge attachment: 25 MB, generated here rather than committed. Ingest
//! stores it once (raw) without turning it into text, memory stays a small multiple of the mail,
//! and saving it gives back exactly the bytes that were attached. (Alone in its test binary so
//! the process's peak memory is this test's.)

mod common;

use base64::Engine;
use common::*;
use shopdesk_mail::attachments::{attachment_bytes, save_unique};

const SIZE: usize = 25 * 1024 * 1024;

/// Deterministic, incompressible-looking bytes (a PDF-ish header then xorshift noise).
fn payload() -> Vec<u8> {
    let mut bytes = Vec::with_capacity(SIZE);
    bytes.extend_from_slice(b"%PDF-1.7\n");
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    while bytes.len() < SIZE {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    bytes.truncate(SIZE);
    bytes
}

fn huge_mail(attachment: &[u8]) -> Vec<u8> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(attachment);
    let mut raw = String::with_capacity(encoded.len() * 78 / 76 + 1024);
    raw.push_str(
        "From: Anna Becker <anna@example.com>\r\nTo: support@beanandburr.example\r\n\
         Subject: Invoice for order #1001\r\nDate: Thu, 26 Nov 2026 09:30:00 +0100\r\n\
         Message-ID: <huge@mail.example.com>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nThe scan of my invoice is attached.\r\n\
         --b1\r\nContent-Type: application/pdf; name=\"invoice.pdf\"\r\n\
         Content-Disposition: attachment; filename=\"../../invoice.pdf\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n",
    );
    for line in encoded.as_bytes().chunks(76) {
        raw.push_str(std::str::from_utf8(line).unwrap());
        raw.push_str("\r\n");
    }
    raw.push_str("--b1--\r\n");
    raw.into_bytes()
}

/// Peak resident memory of this process so far, in bytes (Linux; `None` elsewhere).
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[test]
fn huge_attachment_is_ingested_bounded_and_saved_byte_identical() {
    let attachment = payload();
    let raw = huge_mail(&attachment);
    let dir = tempfile::tempdir().unwrap();
    let mut store = shopdesk_store::Store::open(&dir.path().join("shopdesk.db")).unwrap();
    seed_shop(&mut store);
    let before = peak_rss();

    let report = ingest(&mut store, &raw);

    assert!(!report.flagged);
    let ticket = report.ticket_id.expect("ticket");
    let message = only_message(&store, ticket);
    assert_eq!(message.body_text, "The scan of my invoice is attached.");
    assert_eq!(message.attachments.len(), 1);
    assert_eq!(message.attachments[0].filename, "../../invoice.pdf");
    assert_eq!(message.attachments[0].size, SIZE as u64);
    assert_eq!(store.raw_message(message.id).unwrap(), raw);
    if let (Some(before), Some(after)) = (before, peak_rss()) {
        // The raw mail is ~34 MB; parsing, decoding and one SQLite write may hold a few copies,
        // never dozens.
        let grown = after.saturating_sub(before);
        assert!(
            grown < 8 * raw.len() as u64,
            "ingest grew peak memory by {grown} bytes for a {} byte mail",
            raw.len()
        );
    }

    let location = store
        .attachment_location(message.attachments[0].id)
        .unwrap();
    let bytes = attachment_bytes(
        &store.raw_message(location.message_row_id).unwrap(),
        location.index,
    )
    .expect("attachment");
    let saved = save_unique(dir.path(), &location.filename, &bytes).unwrap();
    assert_eq!(saved, dir.path().join("_.._invoice.pdf"));
    assert!(
        std::fs::read(&saved).unwrap() == attachment,
        "saved bytes differ"
    );
}
