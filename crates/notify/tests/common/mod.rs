//! Real parts for the D-Bus tests: a private dbus-daemon, the Python notification listener, and
//! the session-bus variable pointed at them. Everything is killed on drop; every wait is bounded.

#![allow(dead_code, unused_imports)] // each test binary uses its own share of these helpers

mod bus;
mod desktop;
mod listener;

use std::io::{BufRead, BufReader, Read};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

pub use bus::{BusSession, PrivateBus};
pub use desktop::{notifier_with_channel, quick_config, zoe_notice, Desktop};
pub use listener::{Listener, ListenerOptions};

/// How long a helper may take to start (the Python listener imports, connects, owns its name).
pub const START_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a notification may take to reach the listener.
pub const ARRIVAL_TIMEOUT: Duration = Duration::from_secs(5);

/// The first line `output` prints, or an error after `timeout`. The reader keeps draining the
/// stream on its thread, so a chatty child never blocks on a full pipe.
fn first_line(output: impl Read + Send + 'static, timeout: Duration) -> Result<String, String> {
    let (line_tx, line_rx) = mpsc::channel();
    thread::spawn(move || {
        let mut lines = BufReader::new(output).lines();
        if let Some(Ok(line)) = lines.next() {
            let _ = line_tx.send(line);
        }
        for _ in lines {}
    });
    line_rx
        .recv_timeout(timeout)
        .map_err(|_| format!("no output within {timeout:?}"))
}

/// Polls `probe` until it returns Some, or gives up after `timeout`.
pub fn wait_until<T>(timeout: Duration, mut probe: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = probe() {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        thread::sleep(Duration::from_millis(20));
    }
}
