//! mbox and Maildir import: generated mailboxes (plain mbox, a Gmail-Takeout-like mboxrd with
//! X-GM-THRID and X-Gmail-Labels, a Maildir), same threading as live mail, progress, and no
//! duplicates on re-import, including mail without a Message-ID.

mod common;

use std::io::Write;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

use common::*;
use shopdesk_mail::import::{import_mail, ImportError, ImportProgress, ImportRequest};
use shopdesk_store::{Direction, Store};

fn run(store: &Mutex<Store>, path: &Path) -> (ImportProgress, Vec<ImportProgress>) {
    let cancel = AtomicBool::new(false);
    let request = ImportRequest {
        path,
        support_address: SUPPORT,
        now: NOW,
        cancel: &cancel,
    };
    let mut seen = Vec::new();
    let done = import_mail(store, &request, &mut |p| seen.push(p.clone())).expect("import");
    (done, seen)
}

/// A Gmail Takeout-style mbox: "From <thread id>@xxx <date>" lines, X-GM-THRID and labels,
/// mboxrd escaping of body lines starting with "From ".
fn takeout_mbox() -> String {
    let mut mbox = String::new();
    let mails = [
        (
            "Inbox,Opened",
            mail(
                "Anna Becker <anna@example.com>",
                "Grinder broken (order #1001)",
                "t1@mail.example.com",
                &["X-GM-THRID: 1780000000000000001"],
                "Hi,\n\nFrom what I can tell the burr is cracked.\nPlease help.",
            ),
        ),
        (
            "Sent",
            mail(
                &format!("Bean & Burr <{SUPPORT}>"),
                "Re: Grinder broken (order #1001)",
                "t2@beanandburr.example",
                &[
                    "X-GM-THRID: 1780000000000000001",
                    "In-Reply-To: <t1@mail.example.com>",
                    "References: <t1@mail.example.com>",
                ],
                "Sorry to hear that, a new burr is on its way.",
            ),
        ),
        (
            "Inbox",
            mail(
                "Anna Becker <anna@example.com>",
                "Re: Grinder broken (order #1001)",
                "t3@mail.example.com",
                &[
                    "X-GM-THRID: 1780000000000000001",
                    "In-Reply-To: <t2@beanandburr.example>",
                ],
                "Thanks!",
            ),
        ),
        (
            "Spam",
            mail(
                "Winner <win@lottery.example>",
                "You won",
                "spam1@lottery.example",
                &[],
                "Click",
            ),
        ),
    ];
    for (labels, raw) in mails {
        let raw = String::from_utf8(raw).unwrap();
        let raw = raw.replacen("\r\n", &format!("\r\nX-Gmail-Labels: {labels}\r\n"), 1);
        mbox.push_str("From 1780000000000000001@xxx Mon Nov 03 10:00:00 +0000 2025\n");
        for line in raw.replace("\r\n", "\n").lines() {
            let quotes = line.chars().take_while(|&c| c == '>').count();
            if line[quotes..].starts_with("From ") {
                mbox.push('>');
            }
            mbox.push_str(line);
            mbox.push('\n');
        }
        mbox.push('\n');
    }
    mbox
}

#[test]
fn gmail_takeout_mbox_threads_skips_spam_and_reimports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("All mail Including Spam and Trash.mbox");
    std::fs::write(&path, takeout_mbox()).unwrap();
    let store = Mutex::new(shop_store());

    let (done, seen) = run(&store, &path);
    assert_eq!(
        (done.messages, done.imported, done.skipped, done.duplicates),
        (4, 3, 1, 0)
    );
    assert_eq!(done.tickets_created, 1);
    assert_eq!(done.bytes_done, done.bytes_total);
    assert_eq!(seen.len(), 4);
    assert!(seen.windows(2).all(|w| w[0].bytes_done <= w[1].bytes_done));

    let store_ref = store.lock().unwrap();
    let tickets = store_ref.list_tickets(10).unwrap();
    assert_eq!(tickets.len(), 1, "one thread, spam left out");
    let messages = store_ref.messages_for_ticket(tickets[0].ticket.id).unwrap();
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[1].direction, Direction::Outbound);
    assert!(messages
        .iter()
        .all(|m| m.source.starts_with("mbox:All mail")));
    // The mboxrd escape is undone: the customer wrote "From what I can tell".
    assert!(messages[0].body_text.contains("\nFrom what I can tell"));
    assert_eq!(
        store_ref.ticket_order_ids(tickets[0].ticket.id).unwrap(),
        vec![order_gid(1001)]
    );
    drop(store_ref);

    let (again, _) = run(&store, &path);
    assert_eq!((again.imported, again.duplicates), (0, 3));
    assert_eq!(store.lock().unwrap().messages_count().unwrap(), 3);
}

#[test]
fn mail_without_message_id_is_not_stored_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.mbox");
    let raw = "From: Ben Okafor <ben@example.org>\nTo: support@beanandburr.example\n\
               Subject: no id here\nDate: Mon, 3 Nov 2025 10:00:00 +0000\n\nWhere is #1002?\n";
    std::fs::write(&path, format!("From ben Mon Nov  3 10:00:00 2025\n{raw}\n")).unwrap();
    let store = Mutex::new(shop_store());
    assert_eq!(run(&store, &path).0.imported, 1);
    let (again, _) = run(&store, &path);
    assert_eq!((again.imported, again.duplicates), (0, 1));
    assert_eq!(store.lock().unwrap().messages_count().unwrap(), 1);
}

#[test]
fn maildir_cur_and_new_with_a_broken_mail_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("Support");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    let write = |sub: &str, name: &str, bytes: &[u8]| {
        let mut f = std::fs::File::create(maildir.join(sub).join(name)).unwrap();
        f.write_all(bytes).unwrap();
    };
    write(
        "cur",
        "1700000001.M1P1.host:2,S",
        &mail(
            "Anna Becker <anna@example.com>",
            "Question",
            "m1@x.example",
            &[],
            "Hello",
        ),
    );
    write(
        "new",
        "1700000002.M2P1.host",
        &mail(
            "Anna Becker <anna@example.com>",
            "Re: Question",
            "m2@x.example",
            &["In-Reply-To: <m1@x.example>"],
            "Anyone?",
        ),
    );
    write(
        "new",
        "1700000003.M3P1.host",
        &fixture("broken-garbage.eml"),
    );
    // Still being delivered: not imported.
    write("tmp", "1700000004.M4P1.host", b"From: x@y.example\n\nhalf");

    let store = Mutex::new(shop_store());
    let (done, seen) = run(&store, &maildir);
    assert_eq!((done.messages, done.imported, done.flagged), (3, 3, 1));
    assert_eq!(seen.last().unwrap().bytes_done, done.bytes_total);
    let store = store.into_inner().unwrap();
    let flagged = store.flagged_messages().unwrap();
    assert_eq!(flagged.len(), 1);
    assert_eq!(
        store.raw_message(flagged[0]).unwrap(),
        fixture("broken-garbage.eml")
    );
    assert_eq!(store.tickets_count().unwrap(), 1);
}

#[test]
fn a_folder_that_is_not_a_maildir_is_refused_with_advice() {
    let dir = tempfile::tempdir().unwrap();
    let store = Mutex::new(shop_store());
    let cancel = AtomicBool::new(false);
    let request = ImportRequest {
        path: dir.path(),
        support_address: SUPPORT,
        now: NOW,
        cancel: &cancel,
    };
    let err = import_mail(&store, &request, &mut |_| {}).unwrap_err();
    assert!(matches!(err, ImportError::NotMail { .. }));
    assert!(err.to_string().contains("Maildir"));
}
