//! Helpers for Shopdesk's end-to-end tests: locating the built app, starting `tauri-driver` on
//! free ports, and making sure every process a test started is gone when the test ends.
//!
//! The tests themselves are in `tests/`; they are `#[ignore]`d because they need a display
//! (Xvfb), a D-Bus session, `tauri-driver` and `WebKitWebDriver`. `scripts/test.sh` runs them.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub mod actions;
pub mod forms;
pub mod harness;
pub mod webdriver;

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("tests/e2e sits two levels below the workspace root")
        .to_path_buf()
}

/// The built `shopdesk` binary: `SHOPDESK_BIN` if set, else the one beside this test in the same
/// target directory (so `CARGO_TARGET_DIR` is honoured).
pub fn app_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("SHOPDESK_BIN") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("the test knows its own path");
    // <target>/debug/deps/<test binary>
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test binary lives in <target>/<profile>/deps");
    profile_dir.join(format!("shopdesk{}", std::env::consts::EXE_SUFFIX))
}

/// A TCP port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

/// Two distinct free ports (tauri-driver's own and the native WebKitWebDriver's).
pub fn two_free_ports() -> (u16, u16) {
    // Hold both listeners at once so the OS cannot hand out the same port twice.
    let a = TcpListener::bind("127.0.0.1:0").expect("a free local port");
    let b = TcpListener::bind("127.0.0.1:0").expect("a free local port");
    (
        a.local_addr().expect("bound").port(),
        b.local_addr().expect("bound").port(),
    )
}

/// A child process started in its own process group; dropping the guard stops the whole group
/// (the process and whatever it started: WebKitWebDriver, the app, WebKit's helpers), first
/// politely, then by force. Works on failure too, since `Drop` runs while a panic unwinds.
pub struct ProcessGuard {
    name: String,
    child: Option<Child>,
}

impl ProcessGuard {
    /// Spawns `command` in a new process group.
    pub fn spawn(name: &str, mut command: Command) -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        let child = command.stdin(Stdio::null()).spawn()?;
        Ok(Self {
            name: name.to_string(),
            child: Some(child),
        })
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Returns an error if the process has already exited.
    pub fn check_running(&mut self) -> Result<(), String> {
        match self.child.as_mut().map(Child::try_wait) {
            Some(Ok(Some(status))) => Err(format!("{} exited early: {status}", self.name)),
            Some(Err(err)) => Err(format!("{}: {err}", self.name)),
            _ => Ok(()),
        }
    }

    fn signal_group(pid: u32, signal: &str) {
        // The group id is the child's pid (process_group(0)); `kill -SIG -- -PGID` reaches all.
        let _ = Command::new("kill")
            .args([signal, "--", &format!("-{pid}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }

    /// Stops the process group and waits (bounded) for the leader to exit.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let pid = child.id();
        if matches!(child.try_wait(), Ok(None)) {
            Self::signal_group(pid, "-TERM");
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if !matches!(child.try_wait(), Ok(None)) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        // Anything left in the group (helpers that ignored TERM) goes now.
        Self::signal_group(pid, "-KILL");
        let _ = child.kill();
        let _ = child.wait();
        eprintln!("e2e: stopped {} (pid {pid})", self.name);
    }
}

impl Drop for ProcessGuard {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Polls `check` every `every` until it returns `Some`, or gives up after `timeout` with an error
/// naming `what`.
pub async fn poll<T, F, Fut>(
    what: &str,
    timeout: Duration,
    every: Duration,
    mut check: F,
) -> Result<T, String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return Ok(value);
        }
        if Instant::now() >= deadline {
            return Err(format!("timed out after {timeout:?} waiting for {what}"));
        }
        tokio::time::sleep(every).await;
    }
}

/// "PARTIALLY_REFUNDED" -> "Partially refunded", as the UI shows a status.
pub fn humanize_status(status: &str) -> String {
    let text = status
        .trim()
        .to_lowercase()
        .split(['_', ' '])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A decimal string in canonical form, so "24.9", "24.90" and "24.900" compare equal.
pub fn canonical_decimal(amount: &str) -> String {
    let amount = amount.trim();
    let (sign, digits) = match amount.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", amount),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let body = if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    };
    if body == "0" {
        body
    } else {
        format!("{sign}{body}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_read_like_the_ui() {
        assert_eq!(humanize_status("PARTIALLY_REFUNDED"), "Partially refunded");
        assert_eq!(humanize_status("PAID"), "Paid");
        assert_eq!(humanize_status(""), "");
    }

    #[test]
    fn decimals_compare_by_value() {
        assert_eq!(canonical_decimal("24.90"), "24.9");
        assert_eq!(canonical_decimal("24.9"), "24.9");
        assert_eq!(canonical_decimal("0.00"), "0");
        assert_eq!(canonical_decimal("-0.0"), "0");
        assert_eq!(canonical_decimal("100"), "100");
        assert_eq!(canonical_decimal("-5.50"), "-5.5");
    }

    #[test]
    fn ports_are_distinct() {
        let (a, b) = two_free_ports();
        assert_ne!(a, b);
        assert_ne!(free_port(), 0);
    }
}
