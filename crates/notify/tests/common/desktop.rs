use std::sync::mpsc;
use std::time::Duration;

use shopdesk_notify::{BurstPolicy, Notifier, NotifierConfig, TicketNotice};

use super::{BusSession, Listener, ListenerOptions, PrivateBus};

/// A private bus with the listener on it, and a notifier pointed at that bus. Fields drop in
/// order: the notifier first, the session variable last.
pub struct Desktop {
    pub notifier: Notifier,
    pub listener: Listener,
    /// Ticket ids that clicks opened.
    pub opened: mpsc::Receiver<i64>,
    _bus: PrivateBus,
    _session: BusSession,
}

/// Short enough that a test waits little for a summary.
const QUICK_BURST: BurstPolicy = BurstPolicy {
    max_individual: 3,
    window: Duration::from_secs(10),
    summary_delay: Duration::from_millis(300),
};

impl Desktop {
    pub fn start(options: ListenerOptions, config: NotifierConfig) -> Self {
        let bus = PrivateBus::start();
        let session = BusSession::point_at(bus.address());
        let listener = Listener::start(bus.address(), options);
        let (notifier, opened) = notifier_with_channel(config);
        Self {
            notifier,
            listener,
            opened,
            _bus: bus,
            _session: session,
        }
    }
}

/// A notifier whose clicks land in a channel.
pub fn notifier_with_channel(config: NotifierConfig) -> (Notifier, mpsc::Receiver<i64>) {
    let (opened_tx, opened_rx) = mpsc::sync_channel(16);
    let notifier = Notifier::new(config, move |ticket_id| {
        let _ = opened_tx.try_send(ticket_id);
    })
    .expect("notifier starts");
    (notifier, opened_rx)
}

pub fn zoe_notice(ticket_id: i64) -> TicketNotice {
    TicketNotice {
        ticket_id,
        customer_name: Some("Zoë Martin".into()),
        customer_email: "zoe@example.com".into(),
        subject: "Where is my order?".into(),
        preview: "Hi, I ordered the blue mug last week.\nIt has not arrived.".into(),
        order_name: Some("#1001".into()),
    }
}

pub fn quick_config() -> NotifierConfig {
    NotifierConfig {
        burst: QUICK_BURST,
        ..NotifierConfig::default()
    }
}
