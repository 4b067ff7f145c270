//! Clicking a notification, bounded click watches, and desktops without notifications, over a
//! real (private) D-Bus session bus.

mod common;

use std::time::{Duration, Instant};

use common::{
    notifier_with_channel, quick_config, wait_until, zoe_notice, BusSession, Desktop,
    ListenerOptions, PrivateBus, ARRIVAL_TIMEOUT,
};
use serde_json::json;
use shopdesk_notify::{ClickWatchPolicy, NoticeOrigin, NoticeOutcome, NotifierConfig, Unavailable};

#[test]
fn clicking_a_notification_opens_its_ticket() {
    let options = ListenerOptions {
        invoke_default_after_ms: Some(200),
        ..ListenerOptions::default()
    };
    let desktop = Desktop::start(options, quick_config());

    let started = Instant::now();
    desktop
        .notifier
        .notify_new_ticket(&zoe_notice(42), NoticeOrigin::Live)
        .expect("shown");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "showing does not wait for the click"
    );

    assert_eq!(desktop.opened.recv_timeout(ARRIVAL_TIMEOUT), Ok(42));
    assert!(desktop.opened.try_recv().is_err(), "opened once");
}

#[test]
fn past_the_watch_cap_the_oldest_notification_is_closed() {
    let config = NotifierConfig {
        clicks: ClickWatchPolicy {
            max_watches: 1,
            lifetime: Duration::from_secs(60),
        },
        ..quick_config()
    };
    let desktop = Desktop::start(ListenerOptions::default(), config);

    for id in [1, 2] {
        desktop
            .notifier
            .notify_new_ticket(&zoe_notice(id), NoticeOrigin::Live)
            .expect("shown");
    }

    let closed = wait_until(ARRIVAL_TIMEOUT, || {
        let log = desktop.listener.log();
        log.into_iter().find(|line| line.get("closed").is_some())
    });
    assert_eq!(closed, Some(json!({"closed": 1})));
}

#[test]
fn a_watch_past_its_lifetime_closes_its_notification() {
    let config = NotifierConfig {
        clicks: ClickWatchPolicy {
            max_watches: 10,
            lifetime: Duration::from_millis(300),
        },
        ..quick_config()
    };
    let desktop = Desktop::start(ListenerOptions::default(), config);

    desktop
        .notifier
        .notify_new_ticket(&zoe_notice(1), NoticeOrigin::Live)
        .expect("shown");

    let closed = wait_until(ARRIVAL_TIMEOUT, || {
        let log = desktop.listener.log();
        log.into_iter().find(|line| line.get("closed").is_some())
    });
    assert_eq!(closed, Some(json!({"closed": 1})));
}

#[test]
fn no_notification_server_on_the_bus_is_unavailable_not_an_error() {
    let bus = PrivateBus::start();
    let _session = BusSession::point_at(bus.address());
    let (notifier, _opened) = notifier_with_channel(quick_config());

    let started = Instant::now();
    for id in [1, 2] {
        let outcome = notifier.notify_new_ticket(&zoe_notice(id), NoticeOrigin::Live);
        assert_eq!(
            outcome.expect("not an error"),
            NoticeOutcome::Unavailable(Unavailable::NoNotificationServer)
        );
    }
    assert!(started.elapsed() < Duration::from_secs(2), "fails fast");
}

#[test]
fn no_session_bus_at_all_is_unavailable_not_an_error() {
    let nowhere = tempfile::tempdir().expect("temp dir");
    let address = format!("unix:path={}", nowhere.path().join("no-bus").display());
    let _session = BusSession::point_at(&address);
    let (notifier, _opened) = notifier_with_channel(quick_config());

    let outcome = notifier.notify_customer_reply(&zoe_notice(1), NoticeOrigin::Live);

    assert_eq!(
        outcome.expect("not an error"),
        NoticeOutcome::Unavailable(Unavailable::NoSessionBus)
    );
}
