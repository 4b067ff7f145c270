//! Helpers for the cross-crate tests: what the app told the shell, test mail, bounded waits.

#![allow(dead_code)] // each test binary uses its own share

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use shopdesk_app::{
    AppEvents, MailChannelView, MailOptions, MailProgressView, MailStateView, MailStatusView,
};
use shopdesk_mailbox::{Backoff, OutboxOptions, WatchOptions};
use shopdesk_notify::{BurstPolicy, NotifierConfig};
use shopdesk_store::Store;

/// No single wait of a test may take longer than this.
pub const WAIT: Duration = Duration::from_secs(30);

/// Polls `probe` until it gives a value; panics after [`WAIT`], naming what did not happen.
pub async fn eventually<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(value) = probe() {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "{what} did not happen within {WAIT:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Everything the app told the shell, in order.
#[derive(Default)]
pub struct Recorder {
    pub opened: Mutex<Vec<i64>>,
    pub changes: Mutex<u32>,
    pub progress: Mutex<Vec<MailProgressView>>,
    pub statuses: Mutex<Vec<MailStatusView>>,
}

impl AppEvents for Recorder {
    fn tickets_changed(&self) {
        *self.changes.lock().unwrap() += 1;
    }
    fn open_ticket(&self, ticket_id: i64) {
        self.opened.lock().unwrap().push(ticket_id);
    }
    fn mail_progress(&self, progress: MailProgressView) {
        self.progress.lock().unwrap().push(progress);
    }
    fn mail_status(&self, status: MailStatusView) {
        self.statuses.lock().unwrap().push(status);
    }
}

impl Recorder {
    pub fn saw(&self, channel: MailChannelView, state: MailStateView) -> bool {
        let statuses = self.statuses.lock().unwrap();
        statuses
            .iter()
            .any(|s| s.channel == channel && s.state == state)
    }

    pub fn changes(&self) -> u32 {
        *self.changes.lock().unwrap()
    }
}

/// Short waits, so summaries, reconnects and retries happen within a test.
pub fn quick_options() -> MailOptions {
    let fast = Backoff {
        initial: Duration::from_millis(200),
        max: Duration::from_secs(1),
    };
    MailOptions {
        watch: WatchOptions {
            backoff: fast,
            ..WatchOptions::default()
        },
        outbox: OutboxOptions {
            backoff: fast,
            max_attempts: 3,
            poll_interval: Duration::from_secs(2),
        },
        notifier: NotifierConfig {
            burst: BurstPolicy {
                summary_delay: Duration::from_millis(300),
                ..BurstPolicy::default()
            },
            ..NotifierConfig::default()
        },
    }
}

/// A customer of the synced demo shop, as the store holds them.
pub struct Customer {
    pub name: String,
    pub email: String,
    /// The name of one of their orders ("#1042").
    pub order_name: String,
}

/// A customer with an e-mail address and at least one order, read from the app's database.
pub fn customer_with_an_order(data_dir: &Path) -> Customer {
    let store = Store::open(&data_dir.join("shopdesk.db")).expect("open the app's database");
    store
        .customers()
        .expect("customers")
        .into_iter()
        .find_map(|customer| {
            let email = customer.email.clone()?;
            let order = store
                .orders_for_customer(&customer.id)
                .ok()?
                .into_iter()
                .next()?;
            Some(Customer {
                name: customer.display_name,
                email,
                order_name: order.name,
            })
        })
        .expect("the demo shop has a customer with an order")
}

/// A plain-text mail to the support address; `in_reply_to` threads it.
pub fn mail(
    from: &str,
    message_id: &str,
    subject: &str,
    in_reply_to: Option<&str>,
    body: &str,
) -> Vec<u8> {
    let threading = in_reply_to
        .map(|parent| format!("In-Reply-To: <{parent}>\r\nReferences: <{parent}>\r\n"))
        .unwrap_or_default();
    format!(
        "From: {from}\r\n\
         To: support@shop.test\r\n\
         Subject: {subject}\r\n\
         Message-ID: <{message_id}>\r\n\
         {threading}\
         Date: Mon, 2 Mar 2026 10:00:00 +0000\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         \r\n\
         {body}\r\n"
    )
    .into_bytes()
}

/// The value of `name` in a raw message's header.
pub fn header(raw: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    let head = text.split("\r\n\r\n").next().unwrap_or_default();
    let prefix = format!("{}:", name.to_ascii_lowercase());
    head.lines()
        .find(|line| line.to_ascii_lowercase().starts_with(&prefix))
        .map(|line| line[prefix.len()..].trim().to_string())
}
