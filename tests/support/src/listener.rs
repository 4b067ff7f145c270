//! A stand-in desktop notification server for tests.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;

use crate::util::{first_line, python, script};
use crate::wait_until;

/// How long the listener may take to start (it imports, connects, owns its name).
pub const START_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a notification may take to reach the listener.
pub const ARRIVAL_TIMEOUT: Duration = Duration::from_secs(5);

/// tests/support/notification_listener.py on a bus: it owns org.freedesktop.Notifications and
/// logs every Notify call as a JSON line.
pub struct Listener {
    process: Child,
    dir: TempDir,
}

#[derive(Default)]
pub struct ListenerOptions {
    pub invoke_default_after_ms: Option<u64>,
    pub capabilities: Option<&'static str>,
}

impl Listener {
    pub fn start(bus_address: &str, options: ListenerOptions) -> Self {
        let dir = tempfile::tempdir().expect("temp dir for the listener");
        let mut command = Command::new(python());
        command
            .arg(script("notification_listener.py"))
            .arg(dir.path().join("notifications.jsonl"))
            .env("DBUS_SESSION_BUS_ADDRESS", bus_address)
            .stdin(Stdio::null())
            .stdout(Stdio::piped());
        if let Some(ms) = options.invoke_default_after_ms {
            command.arg(format!("--invoke-default-after-ms={ms}"));
        }
        if let Some(capabilities) = options.capabilities {
            command.arg(format!("--capabilities={capabilities}"));
        }
        let mut process = command.spawn().unwrap_or_else(|error| {
            panic!("the notification listener starts ({error}); run scripts/setup-debian.sh")
        });
        let stdout = process.stdout.take().expect("piped stdout");
        let ready = first_line(stdout, START_TIMEOUT);
        if ready.as_deref() != Ok("ready") {
            let _ = process.kill();
            let _ = process.wait();
            panic!("the notification listener did not get ready: {ready:?}");
        }
        Self { process, dir }
    }

    /// Every line the listener wrote so far, in order.
    pub fn log(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(self.dir.path().join("notifications.jsonl"))
            .unwrap_or_default();
        text.lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect()
    }

    /// The Notify calls so far.
    pub fn notifications(&self) -> Vec<Value> {
        let log = self.log();
        log.into_iter()
            .filter(|line| line.get("summary").is_some())
            .collect()
    }

    /// The Notify calls, once there are at least `count` (panics after a bounded wait).
    pub fn wait_for_notifications(&self, count: usize) -> Vec<Value> {
        wait_until(ARRIVAL_TIMEOUT, || {
            let notifications = self.notifications();
            (notifications.len() >= count).then_some(notifications)
        })
        .unwrap_or_else(|| {
            panic!(
                "expected {count} notifications within {ARRIVAL_TIMEOUT:?}, got {:?}",
                self.notifications()
            )
        })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}
