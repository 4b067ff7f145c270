//! A private D-Bus session bus, and the process-wide session-bus variable pointed at it.

use std::fs;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tempfile::TempDir;

use crate::util::first_line;

/// How long the daemon may take to print its address.
const START_TIMEOUT: Duration = Duration::from_secs(15);

/// A dbus-daemon of our own on a unix socket in a temp folder. Its config lists no service
/// directories, so nothing on the machine can be auto-started on it.
pub struct PrivateBus {
    daemon: Child,
    address: String,
    _dir: TempDir,
}

impl PrivateBus {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir for the bus");
        let config = dir.path().join("bus.conf");
        fs::write(&config, bus_config(&dir.path().join("bus"))).expect("bus config written");
        let mut daemon = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon starts (Debian package: dbus)");
        let stdout = daemon.stdout.take().expect("piped stdout");
        let address = match first_line(stdout, START_TIMEOUT) {
            Ok(address) => address,
            Err(error) => {
                let _ = daemon.kill();
                let _ = daemon.wait();
                panic!("dbus-daemon printed no address: {error}");
            }
        };
        Self {
            daemon,
            address,
            _dir: dir,
        }
    }

    pub fn address(&self) -> &str {
        &self.address
    }

    /// Whether some process owns `name` on this bus.
    pub fn has_owner(&self, name: &str) -> bool {
        Command::new("dbus-send")
            .arg(format!("--bus={}", self.address))
            .args([
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
            ])
            .arg(format!("string:{name}"))
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("boolean true"))
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

fn bus_config(socket: &Path) -> String {
    format!(
        r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
        socket.display()
    )
}

/// notify-rust finds the session bus only through DBUS_SESSION_BUS_ADDRESS, which is process-wide:
/// one test at a time holds it, and it is put back when the test ends.
pub struct BusSession {
    previous: Option<String>,
    _one_at_a_time: MutexGuard<'static, ()>,
}

static SESSION_LOCK: Mutex<()> = Mutex::new(());
const SESSION_VAR: &str = "DBUS_SESSION_BUS_ADDRESS";

impl BusSession {
    pub fn point_at(address: &str) -> Self {
        let guard = SESSION_LOCK.lock().unwrap_or_else(PoisonError::into_inner);
        let previous = std::env::var(SESSION_VAR).ok();
        std::env::set_var(SESSION_VAR, address);
        Self {
            previous,
            _one_at_a_time: guard,
        }
    }
}

impl Drop for BusSession {
    fn drop(&mut self) {
        match &self.previous {
            Some(previous) => std::env::set_var(SESSION_VAR, previous),
            None => std::env::remove_var(SESSION_VAR),
        }
    }
}
