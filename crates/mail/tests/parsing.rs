//! Hard mails: hostile HTML, old charsets, broken MIME, unreadable dates.

mod common;

use common::*;
use shopdesk_mail::parse::BLOCKED_IMAGE_SRC;
use shopdesk_mail::{ingest_raw, parse_message, IngestContext, MailError};
use shopdesk_store::TicketTarget;

#[test]
fn hostile_html_is_sanitized_and_its_text_kept() {
    let mut store = shop_store();
    let report = ingest(&mut store, &fixture("hostile-html.eml"));
    assert!(!report.flagged);
    let message = only_message(&store, report.ticket_id.unwrap());
    let html = message.body_html.expect("sanitized html");
    let lower = html.to_lowercase();

    for gone in [
        "<script",
        "document.cookie",
        "onerror",
        "onload",
        "onclick",
        "onmouseover",
        "<iframe",
        "frame fallback",
        "<form",
        "<input",
        "password",
        "<object",
        "<svg",
        "<meta",
        "<base",
        "<link",
        "<style",
        "@import",
        "javascript:",
        "url(",
        "evil.example",
        "tracker.example",
    ] {
        assert!(
            !lower.contains(gone),
            "{gone:?} survived sanitizing:\n{html}"
        );
    }
    // The remote pixel points at the blocked placeholder, the relative `src="x"` is dropped,
    // inline (cid:) images stay.
    assert_eq!(html.matches(BLOCKED_IMAGE_SRC).count(), 1, "{html}");
    assert!(!html.contains(r#"src="x""#));
    assert!(html.contains("cid:photo1@mail.example.com"));
    // Harmless styling and links stay, links without referrer.
    assert!(html.contains("font-weight: bold"));
    assert!(html.contains(r#"href="https://beanandburr.example/care""#));
    assert!(html.contains("noreferrer"));
    // The words stay, in the HTML and in the text made from it.
    for kept in [
        "strange noise",
        "order #1001",
        "Kind regards, Anna",
        "Log in",
        "click me",
    ] {
        assert!(html.contains(kept), "{kept:?} lost from html");
    }
    for kept in ["strange noise", "order #1001", "Kind regards, Anna"] {
        assert!(message.body_text.contains(kept), "{kept:?} lost from text");
    }
    assert!(!message.body_text.contains("steal"));
    assert!(!message.body_text.contains("color: red"));
    assert_eq!(report.linked_orders, [order_gid(1001)]);
}

#[test]
fn windows_1252_subject_name_and_body_are_decoded() {
    let mut store = shop_store();
    let report = ingest(&mut store, &fixture("windows-1252.eml"));
    let ticket = store.ticket(report.ticket_id.unwrap()).unwrap();
    let message = only_message(&store, ticket.id);
    assert_eq!(message.subject, "Cafetière cassée – commande 1004");
    assert_eq!(message.from_name.as_deref(), Some("Chloé Martin"));
    assert!(
        message
            .body_text
            .contains("J’ai payé 89 € pour ça… « Très déçue »"),
        "{}",
        message.body_text
    );
    assert_eq!(
        ticket.customer_id.as_deref(),
        Some(customer_gid(3).as_str())
    );
    assert_eq!(message.sent_at, "2026-11-23T16:45:00Z");
}

#[test]
fn iso_2022_jp_subject_name_and_body_are_decoded() {
    let mut store = shop_store();
    let report = ingest(&mut store, &fixture("iso-2022-jp.eml"));
    let message = only_message(&store, report.ticket_id.unwrap());
    assert_eq!(message.subject, "ミルクジャグの注文について");
    assert_eq!(message.from_name.as_deref(), Some("田中 由紀"));
    assert!(
        message
            .body_text
            .contains("注文番号 #1007 のミルクジャグがまだ届きません。"),
        "{}",
        message.body_text
    );
    assert_eq!(message.sent_at, "2026-11-22T12:10:00Z");
    // An unknown sender: any existing order it names is linked.
    assert_eq!(report.linked_orders, [order_gid(1007)]);
}

#[test]
fn garbage_is_stored_raw_flagged_and_on_no_ticket() {
    let mut store = shop_store();
    let raw = fixture("broken-garbage.eml");
    let report = ingest(&mut store, &raw);
    assert!(report.flagged);
    assert_eq!(report.ticket_id, None);
    assert!(!report.created_ticket);
    assert_eq!(store.flagged_messages().unwrap(), [report.message_row_id]);
    assert_eq!(store.raw_message(report.message_row_id).unwrap(), raw);
    assert_eq!(store.tickets_count().unwrap(), 0);

    let parsed = parse_message(&raw, "test");
    let problem = parsed.parse_error.expect("a parse error");
    assert!(problem.contains("no sender"), "{problem}");
}

#[test]
fn truncated_mime_from_a_customer_is_flagged_on_their_ticket() {
    let mut store = shop_store();
    let raw = fixture("truncated-mime.eml");
    let report = ingest(&mut store, &raw);
    assert!(report.flagged);
    assert!(report.created_ticket);
    let ticket = store.ticket(report.ticket_id.unwrap()).unwrap();
    assert_eq!(
        ticket.customer_id.as_deref(),
        Some(customer_gid(3).as_str())
    );
    let message = only_message(&store, ticket.id);
    assert!(message.body_text.contains("photos of the carafe"));
    assert!(message.parse_error.unwrap().contains("truncated"));
    assert_eq!(store.raw_message(message.id).unwrap(), raw);
    assert_eq!(report.linked_orders, [order_gid(1004)]);
}

#[test]
fn unreadable_or_missing_date_falls_back_to_the_ingest_time() {
    let mut store = shop_store();
    let report = ingest(&mut store, &fixture("garbled-date.eml"));
    assert!(!report.flagged);
    assert_eq!(only_message(&store, report.ticket_id.unwrap()).sent_at, NOW);

    let no_date =
        b"From: ben@example.org\r\nSubject: hi\r\nMessage-ID: <nodate@x.example>\r\n\r\nhello\r\n";
    let report = ingest(&mut store, no_date);
    assert_eq!(only_message(&store, report.ticket_id.unwrap()).sent_at, NOW);
}

#[test]
fn a_date_far_in_the_future_is_not_trusted() {
    let mut store = shop_store();
    let raw = b"From: ben@example.org\r\nSubject: from the future\r\n\
        Date: Fri, 1 Jan 2100 00:00:00 +0000\r\nMessage-ID: <future@x.example>\r\n\r\nhi\r\n";
    let report = ingest(&mut store, raw);
    assert_eq!(only_message(&store, report.ticket_id.unwrap()).sent_at, NOW);
}

#[test]
fn mail_without_message_id_is_kept_and_threaded_by_its_bytes() {
    let mut store = shop_store();
    let raw = b"From: Ben <ben@example.org>\r\nSubject: no id\r\n\r\nhello\r\n";
    let report = ingest(&mut store, raw);
    assert!(report.created_ticket);
    assert!(!report.flagged);
    let ticket = store.ticket(report.ticket_id.unwrap()).unwrap();
    assert_eq!(ticket.token.len(), 9);
    assert_eq!(only_message(&store, ticket.id).message_id, None);
}

#[test]
fn attachments_are_listed_with_type_and_decoded_size() {
    let raw = "From: Anna <anna@example.com>\r\nSubject: photo\r\nMessage-ID: <att@x.example>\r\n\
        MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
        --b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n\
        --b\r\nContent-Type: image/PNG\r\nContent-Disposition: attachment; filename=\"crack.png\"\r\n\
        Content-Transfer-Encoding: base64\r\n\r\naGVsbG8gd29ybGQ=\r\n\
        --b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERg==\r\n\
        --b--\r\n";
    let parsed = parse_message(raw.as_bytes(), "test");
    assert_eq!(parsed.parse_error, None);
    assert_eq!(parsed.body_text, "See attached.");
    let listed: Vec<(&str, &str, u64)> = parsed
        .attachments
        .iter()
        .map(|a| (a.filename.as_str(), a.content_type.as_str(), a.size))
        .collect();
    assert_eq!(
        listed,
        [
            ("crack.png", "image/png", 11),
            ("attachment-2", "application/pdf", 4)
        ]
    );
}

#[test]
fn html_only_mail_gets_its_text_from_the_html() {
    let raw = b"From: a@example.com\r\nSubject: x\r\nContent-Type: text/html\r\n\r\n\
        <p>Hello <b>there</b></p><script>var secret = 1;</script>";
    let parsed = parse_message(raw, "test");
    assert!(parsed.body_text.contains("Hello"));
    assert!(parsed.body_text.contains("there"));
    assert!(!parsed.body_text.contains("secret"));
}

#[test]
fn nothing_panics_on_arbitrary_bytes() {
    // A cheap fuzz: prefixes of the hard fixtures and some byte soup.
    let mut inputs: Vec<Vec<u8>> = Vec::new();
    for name in ["hostile-html.eml", "truncated-mime.eml", "iso-2022-jp.eml"] {
        let raw = fixture(name);
        for cut in (0..raw.len()).step_by(7) {
            inputs.push(raw[..cut].to_vec());
        }
    }
    inputs.extend((0u8..=255).map(|b| vec![b; 64]));
    let mut store = shop_store();
    for (n, raw) in inputs.iter().enumerate() {
        let ctx = IngestContext {
            source: format!("fuzz-{n}"),
            ..ctx()
        };
        ingest_raw(&mut store, raw, &ctx).expect("ingest never fails on content");
    }
}

#[test]
fn bad_context_is_a_typed_error() {
    let mut store = shop_store();
    let raw = mail("anna@example.com", "x", "ctx@x.example", &[], "x");
    let bad_time = IngestContext {
        now: "yesterday".to_string(),
        ..ctx()
    };
    assert!(matches!(
        ingest_raw(&mut store, &raw, &bad_time),
        Err(MailError::InvalidIngestTime(_))
    ));
    let bad_support = IngestContext {
        support_address: "support".to_string(),
        ..ctx()
    };
    let error = ingest_raw(&mut store, &raw, &bad_support).unwrap_err();
    assert!(error.to_string().contains("settings"), "{error}");
    assert_eq!(store.messages_count().unwrap(), 0);
}

#[test]
fn parsed_mail_without_sender_targets_no_ticket() {
    let store = shop_store();
    let parsed = parse_message(&fixture("broken-garbage.eml"), "test");
    let plan = shopdesk_mail::plan_thread(&store, &parsed, SUPPORT).unwrap();
    assert_eq!(plan.target, TicketTarget::None);
}
