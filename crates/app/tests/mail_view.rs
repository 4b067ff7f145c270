//! The conversation's mail extras through the app layer on the demo data: remote images blocked
//! then loaded for one mail (and remembered), attachments saved byte-identical under a safe
//! unique name, plain text split into quotes, and an mbox imported with progress, twice.

use std::sync::atomic::AtomicBool;

use shopdesk_app::{App, SegmentKindView, DEMO_SUPPORT_ADDRESS};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_images_attachments_quotes_and_import() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start_demo(&dir.path().join("data")).await.unwrap();
    let tickets = app.list_tickets().unwrap();

    // Remote images: the hostile demo mail's tracking pixel is blocked and counted.
    let thanks = tickets
        .iter()
        .find(|t| t.subject == "Just wanted to say thank you")
        .expect("the demo's HTML-only mail");
    let details = app.mail_details(thanks.id).unwrap();
    let message = &details[0];
    assert_eq!(message.blocked_images, 1);
    assert!(!message.images_allowed);
    // The frame's HTML (served by the shell's mail scheme): blocked until allowed.
    let frame = app.mail_frame_html(message.message_id).unwrap();
    assert!(!frame.remote_images);
    assert!(frame.html.contains("best thing I bought"), "{}", frame.html);
    for gone in ["<script", "onerror", "mailtrack.example"] {
        assert!(!frame.html.contains(gone), "{gone} left in {}", frame.html);
    }
    // The shop's plain-text reply in the same thread has no HTML to serve.
    let reply = details.get(1).expect("the demo's reply to the mail");
    assert!(app
        .mail_frame_html(reply.message_id)
        .unwrap_err()
        .to_string()
        .contains("no readable HTML"));
    assert!(app
        .mail_frame_html(999_999)
        .unwrap_err()
        .to_string()
        .contains("does not exist"));

    let allowed = app.allow_remote_images(message.message_id).unwrap();
    assert!(allowed.images_allowed);
    assert_eq!(allowed.blocked_images, 0);
    // Remembered: reopening the ticket keeps the images.
    let again = app.mail_details(thanks.id).unwrap();
    assert!(again[0].images_allowed);
    let frame = app.mail_frame_html(message.message_id).unwrap();
    assert!(frame.remote_images);
    assert!(frame
        .html
        .contains("https://open.mailtrack.example/pixel.gif"));
    for gone in ["<script", "onerror", "cdn.example", "collect.example"] {
        assert!(!frame.html.contains(gone), "{gone} left in {}", frame.html);
    }
    // The ticket view carries no HTML at all: the frame loads it by id.
    let view = app.open_ticket(thanks.id).unwrap();
    assert!(view.messages[0].html_frame);
    let ipc_json = serde_json::to_string(&view).unwrap();
    assert!(!ipc_json.contains("mailtrack"), "{ipc_json}");

    // Attachments: the demo invoice PDF, saved twice without overwriting.
    let (invoice_ticket, invoice) = tickets
        .iter()
        .find_map(|t| {
            let details = app.mail_details(t.id).unwrap();
            details
                .into_iter()
                .flat_map(|d| d.attachments)
                .find(|a| a.content_type == "application/pdf")
                .map(|a| (t.id, a))
        })
        .expect("a demo mail with a PDF");
    let downloads = dir.path().join("Downloads");
    let first = app.save_attachment(invoice.id, &downloads).unwrap();
    let second = app.save_attachment(invoice.id, &downloads).unwrap();
    assert_ne!(first.path, second.path);
    let bytes = std::fs::read(&first.path).unwrap();
    assert_eq!(bytes.len() as u64, invoice.size);
    assert!(bytes.starts_with(b"%PDF"));
    assert_eq!(std::fs::read(&second.path).unwrap(), bytes);
    assert!(first.path.ends_with(&invoice.filename), "{}", first.path);
    assert!(app.mail_details(invoice_ticket).is_ok());
    assert!(app
        .save_attachment(999_999, &downloads)
        .unwrap_err()
        .to_string()
        .contains("does not exist"));

    // Import: a reply with a quoted tail threads onto a demo ticket; the quote is folded.
    let mbox = dir.path().join("export.mbox");
    let customer = thanks.customer_email.clone();
    std::fs::write(
        &mbox,
        format!(
            "From x Mon Nov  3 10:00:00 2025\nFrom: {customer}\nTo: {DEMO_SUPPORT_ADDRESS}\n\
             Subject: Re: Just wanted to say thank you [{token}]\nMessage-ID: <imp1@example.com>\n\
             Date: Mon, 3 Nov 2025 10:00:00 +0000\n\nOne more thing: the lid squeaks.\n\n\
             On Sun, 2 Nov 2025 at 09:00, Shop <{DEMO_SUPPORT_ADDRESS}> wrote:\n> Thanks!\n\n\
             From y Mon Nov  3 11:00:00 2025\nFrom: nobody-knows@example.net\nTo: {DEMO_SUPPORT_ADDRESS}\n\
             Subject: no id\n\nHello?\n",
            token = thanks.token,
        ),
    )
    .unwrap();
    let cancel = AtomicBool::new(false);
    let mut events = Vec::new();
    let done = app
        .import_mail(&mbox, &cancel, &mut |p| events.push(p))
        .unwrap();
    assert_eq!(
        (done.messages, done.imported, done.tickets_created),
        (2, 2, 1)
    );
    assert!(done.done && events.last().unwrap().done);
    assert_eq!(done.bytes_done, done.bytes_total);
    let details = app.mail_details(thanks.id).unwrap();
    let imported = details
        .iter()
        .find(|d| d.segments.iter().any(|s| s.text.contains("lid squeaks")))
        .expect("the imported reply is on the demo ticket");
    let kinds: Vec<_> = imported.segments.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, vec![SegmentKindView::Text, SegmentKindView::Quote]);
    assert_eq!(
        imported.segments[0].text,
        "One more thing: the lid squeaks."
    );

    let again = app.import_mail(&mbox, &cancel, &mut |_| {}).unwrap();
    assert_eq!((again.imported, again.duplicates), (0, 2));
}
