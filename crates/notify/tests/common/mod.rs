//! Real parts for the D-Bus tests: a private dbus-daemon, the Python notification listener, and
//! the session-bus variable pointed at them (from the shared shopdesk-test-support crate), plus
//! this crate's notifier helpers. Everything is killed on drop; every wait is bounded.

#![allow(dead_code, unused_imports)] // each test binary uses its own share of these helpers

mod desktop;

pub use desktop::{notifier_with_channel, quick_config, zoe_notice, Desktop};
pub use shopdesk_test_support::dbus::{BusSession, PrivateBus};
pub use shopdesk_test_support::listener::{
    Listener, ListenerOptions, ARRIVAL_TIMEOUT, START_TIMEOUT,
};
pub use shopdesk_test_support::wait_until;
