//! This crate's test helpers: test mail and a real SQLite file. The servers (a throw-away
//! Dovecot, an SMTP sink) come from the shared shopdesk-test-support crate.

#![allow(dead_code, unused_imports)] // each test binary uses a different part

pub use shopdesk_test_support::{dovecot, smtp_sink};

use std::sync::{Arc, Mutex};

use shopdesk_mailbox::SharedStore;
use shopdesk_store::Store;
use tempfile::TempDir;

/// A store in a real SQLite file; the dir lives as long as the value.
pub struct FileStore {
    pub store: SharedStore,
    _dir: TempDir,
}

impl FileStore {
    pub fn new() -> FileStore {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("shopdesk.db")).expect("open store");
        FileStore {
            store: Arc::new(Mutex::new(store)),
            _dir: dir,
        }
    }

    pub fn messages(&self) -> i64 {
        self.store.lock().unwrap().messages_count().unwrap()
    }
}

/// A customer's question; `tag` keeps Message-IDs apart between tests.
pub fn customer_mail(tag: &str, n: u32) -> Vec<u8> {
    format!(
        "From: Customer {n} <customer{n}@example.com>\r\n\
         To: support@shop.test\r\n\
         Subject: Where is my order #{order}? ({tag})\r\n\
         Message-ID: <{tag}-{n}@example.com>\r\n\
         Date: Mon, 2 Mar 2026 10:00:00 +0000\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         \r\n\
         Hello, my order #{order} has not arrived yet. Can you check? Thanks, customer {n}\r\n",
        order = 1000 + n
    )
    .into_bytes()
}

/// The shop's answer to [`customer_mail`], as the Sent folder keeps it.
pub fn support_reply(tag: &str, n: u32) -> Vec<u8> {
    format!(
        "From: Shop Support <support@shop.test>\r\n\
         To: Customer {n} <customer{n}@example.com>\r\n\
         Subject: Re: Where is my order #{order}? ({tag})\r\n\
         Message-ID: <reply-{tag}-{n}@shop.test>\r\n\
         In-Reply-To: <{tag}-{n}@example.com>\r\n\
         References: <{tag}-{n}@example.com>\r\n\
         Date: Mon, 2 Mar 2026 11:00:00 +0000\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         \r\n\
         It left our warehouse yesterday.\r\n",
        order = 1000 + n
    )
    .into_bytes()
}
