//! What reaches a real notification server over a real (private) D-Bus session bus.

mod common;

use std::thread;
use std::time::Duration;

use common::{quick_config, zoe_notice, Desktop, ListenerOptions};
use serde_json::json;
use shopdesk_notify::{NoticeOrigin, NoticeOutcome};

#[test]
fn a_new_ticket_shows_with_name_subject_order_preview_and_open_action() {
    let desktop = Desktop::start(ListenerOptions::default(), quick_config());

    let outcome = desktop
        .notifier
        .notify_new_ticket(&zoe_notice(42), NoticeOrigin::Live)
        .expect("shown");

    assert_eq!(outcome, NoticeOutcome::Shown { notification_id: 1 });
    let notifications = desktop.listener.wait_for_notifications(1);
    assert_eq!(
        notifications[0],
        json!({
            "id": 1,
            "app_name": "Shopdesk",
            "replaces_id": 0,
            "summary": "New ticket from Zoë Martin",
            "body": "Where is my order?\nOrder #1001\nHi, I ordered the blue mug last week.",
            "actions": ["default", "Open"],
            "hints": {"category": "email.arrived", "desktop-entry": "shopdesk"},
        })
    );
}

#[test]
fn a_customer_reply_shows_as_replied() {
    let desktop = Desktop::start(ListenerOptions::default(), quick_config());
    let mut notice = zoe_notice(7);
    notice.order_name = None;
    notice.preview = "\n\nThanks, it arrived today!".into();

    desktop
        .notifier
        .notify_customer_reply(&notice, NoticeOrigin::Live)
        .expect("shown");

    let notification = &desktop.listener.wait_for_notifications(1)[0];
    assert_eq!(notification["summary"], "Zoë Martin replied");
    assert_eq!(
        notification["body"],
        "Where is my order?\nThanks, it arrived today!"
    );
    assert_eq!(notification["actions"], json!(["default", "Open"]));
}

#[test]
fn a_burst_of_ten_gives_three_notifications_and_one_summary() {
    let desktop = Desktop::start(ListenerOptions::default(), quick_config());

    let outcomes: Vec<NoticeOutcome> = (1..=10)
        .map(|id| {
            desktop
                .notifier
                .notify_new_ticket(&zoe_notice(id), NoticeOrigin::Live)
                .expect("no error")
        })
        .collect();

    let shown = outcomes
        .iter()
        .filter(|o| matches!(o, NoticeOutcome::Shown { .. }))
        .count();
    assert_eq!(shown, 3);
    let notifications = desktop.listener.wait_for_notifications(4);
    let titles: Vec<&str> = notifications
        .iter()
        .map(|n| n["summary"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        titles,
        [
            "New ticket from Zoë Martin",
            "New ticket from Zoë Martin",
            "New ticket from Zoë Martin",
            "7 more new tickets"
        ]
    );
    assert_eq!(notifications[3]["body"], "Open Shopdesk to read them.");
    assert_eq!(
        notifications[3]["actions"],
        json!([]),
        "a summary opens no ticket"
    );
    assert_eq!(notifications[3]["hints"]["category"], "email.arrived");

    // Well past the summary delay: still one summary.
    thread::sleep(Duration::from_millis(700));
    assert_eq!(desktop.listener.notifications().len(), 4);
}

#[test]
fn an_initial_sync_shows_only_a_summary() {
    let desktop = Desktop::start(ListenerOptions::default(), quick_config());

    for id in 1..=12 {
        let outcome = desktop
            .notifier
            .notify_new_ticket(&zoe_notice(id), NoticeOrigin::InitialSync)
            .expect("no error");
        assert_eq!(outcome, NoticeOutcome::HeldForSummary);
    }
    desktop
        .notifier
        .notify_customer_reply(&zoe_notice(13), NoticeOrigin::InitialSync)
        .expect("no error");

    let notifications = desktop.listener.wait_for_notifications(1);
    assert_eq!(notifications[0]["summary"], "12 new tickets and 1 reply");
    thread::sleep(Duration::from_millis(700));
    assert_eq!(desktop.listener.notifications().len(), 1);
}

#[test]
fn a_server_that_reads_markup_gets_the_mail_text_escaped() {
    let options = ListenerOptions {
        capabilities: Some("actions,body,body-markup"),
        ..ListenerOptions::default()
    };
    let desktop = Desktop::start(options, quick_config());
    let mut notice = zoe_notice(5);
    notice.subject = "Refund <img src=\"http://tracker.example/p.gif\"> & more".into();

    desktop
        .notifier
        .notify_new_ticket(&notice, NoticeOrigin::Live)
        .expect("shown");

    let body = desktop.listener.wait_for_notifications(1)[0]["body"].clone();
    assert_eq!(
        body.as_str().and_then(|b| b.lines().next()),
        Some("Refund &lt;img src=\"http://tracker.example/p.gif\"&gt; &amp; more")
    );
}
