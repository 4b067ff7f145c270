//! The notifier's orchestration against a fake backend; the real D-Bus path is in tests/.

use std::collections::VecDeque;
use std::sync::mpsc;
use std::time::Duration;

use super::*;
use crate::content::NotificationContent;

/// Records what it was asked to show and answers with scripted results (default: shown).
#[derive(Default)]
struct FakeBackend {
    shown: Mutex<Vec<NotificationContent>>,
    clicks: Mutex<Vec<ClickWatch>>,
    answers: Mutex<VecDeque<Result<u32, ShowError>>>,
}

impl NotificationBackend for Arc<FakeBackend> {
    fn show(
        &self,
        content: &NotificationContent,
        click: Option<ClickWatch>,
    ) -> Result<u32, ShowError> {
        let mut shown = self.shown.lock().unwrap();
        shown.push(content.clone());
        self.clicks.lock().unwrap().extend(click);
        let id = shown.len() as u32;
        self.answers.lock().unwrap().pop_front().unwrap_or(Ok(id))
    }
}

fn notice(ticket_id: i64) -> TicketNotice {
    TicketNotice {
        ticket_id,
        customer_name: Some("Zoë Martin".into()),
        customer_email: "zoe@example.com".into(),
        subject: "Where is my order?".into(),
        preview: "Hi".into(),
        order_name: None,
    }
}

fn notifier(burst: BurstPolicy) -> (Notifier, Arc<FakeBackend>, mpsc::Receiver<i64>) {
    let backend = Arc::new(FakeBackend::default());
    let (opened, opened_rx) = mpsc::channel();
    let opened = Mutex::new(opened);
    let on_open: OpenTicket = Arc::new(move |id| opened.lock().unwrap().send(id).unwrap());
    let config = NotifierConfig {
        burst,
        ..NotifierConfig::default()
    };
    let notifier = Notifier::with_backend(config, Box::new(Arc::clone(&backend)), on_open)
        .expect("notifier starts");
    (notifier, backend, opened_rx)
}

fn wait_for_shown(backend: &FakeBackend, count: usize) -> Vec<NotificationContent> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let shown = backend.shown.lock().unwrap().clone();
        if shown.len() >= count || Instant::now() > deadline {
            return shown;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

const FAST: BurstPolicy = BurstPolicy {
    max_individual: 3,
    window: Duration::from_secs(10),
    summary_delay: Duration::from_millis(50),
};

#[test]
fn a_shown_ticket_opens_on_click() {
    let (notifier, backend, opened) = notifier(FAST);
    let outcome = notifier.notify_new_ticket(&notice(42), NoticeOrigin::Live);
    assert_eq!(
        outcome.unwrap(),
        NoticeOutcome::Shown { notification_id: 1 }
    );

    let watch = backend.clicks.lock().unwrap().pop().expect("a click watch");
    (watch.on_click)();
    assert_eq!(opened.recv_timeout(Duration::from_secs(1)), Ok(42));
}

#[test]
fn overflow_is_summarized_once_the_burst_is_quiet() {
    let (notifier, backend, _) = notifier(FAST);
    let outcomes: Vec<_> = (0..5)
        .map(|id| {
            notifier
                .notify_customer_reply(&notice(id), NoticeOrigin::Live)
                .unwrap()
        })
        .collect();
    assert_eq!(outcomes[3], NoticeOutcome::HeldForSummary);

    let shown = wait_for_shown(&backend, 4);
    assert_eq!(shown.len(), 4);
    assert_eq!(shown[3].title, "2 more customer replies");
    thread::sleep(Duration::from_millis(100));
    assert_eq!(backend.shown.lock().unwrap().len(), 4, "one summary only");
}

#[test]
fn unavailable_is_an_outcome_and_logged_once_per_outage() {
    let (notifier, backend, _) = notifier(FAST);
    let no_server = || Err(ShowError::Unavailable(Unavailable::NoNotificationServer));
    backend
        .answers
        .lock()
        .unwrap()
        .extend([no_server(), no_server()]);

    for id in 0..2 {
        let outcome = notifier.notify_new_ticket(&notice(id), NoticeOrigin::Live);
        assert_eq!(
            outcome.unwrap(),
            NoticeOutcome::Unavailable(Unavailable::NoNotificationServer)
        );
        assert!(notifier.shared.unavailable_logged.load(Ordering::Relaxed));
    }
    let back = notifier.notify_new_ticket(&notice(3), NoticeOrigin::Live);
    assert!(matches!(back, Ok(NoticeOutcome::Shown { .. })));
    assert!(!notifier.shared.unavailable_logged.load(Ordering::Relaxed));
}

#[test]
fn a_server_failure_is_a_typed_error_with_only_the_error_name() {
    let (notifier, backend, _) = notifier(FAST);
    backend
        .answers
        .lock()
        .unwrap()
        .push_back(Err(ShowError::from_message(
            "org.freedesktop.DBus.Error.NoReply: no reply to 'Where is my order?'",
        )));
    let error = notifier
        .notify_new_ticket(&notice(1), NoticeOrigin::Live)
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the notification server failed: org.freedesktop.DBus.Error.NoReply"
    );
}

#[test]
fn dropping_the_notifier_stops_the_click_watches() {
    let (notifier, backend, _) = notifier(FAST);
    notifier
        .notify_new_ticket(&notice(1), NoticeOrigin::Live)
        .unwrap();
    let watch = backend.clicks.lock().unwrap().pop().expect("a click watch");
    drop(notifier);
    futures_lite::future::block_on(watch.stop.stopped());
}
