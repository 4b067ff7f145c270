use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::Value;
use tempfile::TempDir;

use super::{first_line, wait_until, ARRIVAL_TIMEOUT, START_TIMEOUT};

/// tests/support/notification_listener.py, run from the repo's .venv (scripts/setup-debian.sh),
/// or from SHOPDESK_TEST_PYTHON.
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
            .arg(repo_root().join("tests/support/notification_listener.py"))
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

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn python() -> PathBuf {
    std::env::var_os("SHOPDESK_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".venv/bin/python"))
}
