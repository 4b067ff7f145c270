//! A throw-away Secret Service: a private dbus-daemon plus gnome-keyring-daemon in a temp
//! HOME, so the tests never touch the developer's own keychain.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use shopdesk_test_support::dbus::PrivateBus;
use tempfile::TempDir;

const START_TIMEOUT: Duration = Duration::from_secs(10);
pub const KEYRING_PASSWORD: &str = "test-keyring-password";

/// A temp HOME with XDG dirs, its own bus, and (when started) gnome-keyring on it.
pub struct Desktop {
    pub bus: PrivateBus,
    keyring: Option<Child>,
    root: TempDir,
}

impl Desktop {
    pub fn new() -> Self {
        let root = tempfile::tempdir().expect("temp HOME");
        for dir in ["home", "data", "config", "cache", "runtime"] {
            fs::create_dir_all(root.path().join(dir)).expect("XDG dir");
        }
        set_private(&root.path().join("runtime"));
        let bus = PrivateBus::start();
        Desktop {
            bus,
            keyring: None,
            root,
        }
    }

    /// Where gnome-keyring keeps its (encrypted) keyring files.
    pub fn keyrings_dir(&self) -> PathBuf {
        self.root.path().join("data/keyrings")
    }

    /// Starts gnome-keyring's Secret Service. `unlock`: give it the login password on stdin,
    /// as PAM does at login; without it the login keyring stays locked (or uncreated).
    pub fn start_keyring(&mut self, unlock: bool) {
        self.stop_keyring();
        let root = self.root.path();
        let mut command = Command::new("gnome-keyring-daemon");
        // --foreground keeps it our child, so we stop it by its own id.
        command
            .args(["--foreground", "--replace", "--components=secrets"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", root.join("home"))
            .env("XDG_DATA_HOME", root.join("data"))
            .env("XDG_CONFIG_HOME", root.join("config"))
            .env("XDG_CACHE_HOME", root.join("cache"))
            .env("XDG_RUNTIME_DIR", root.join("runtime"))
            .env("DBUS_SESSION_BUS_ADDRESS", self.bus.address())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if unlock {
            command.arg("--unlock");
        }
        let mut child = command
            .spawn()
            .expect("gnome-keyring-daemon starts (Debian package: gnome-keyring)");
        let mut stdin = child.stdin.take().expect("piped stdin");
        if unlock {
            stdin
                .write_all(KEYRING_PASSWORD.as_bytes())
                .expect("password written");
        }
        drop(stdin);
        self.keyring = Some(child);
        let deadline = Instant::now() + START_TIMEOUT;
        while !self.bus.has_owner("org.freedesktop.secrets") {
            assert!(
                Instant::now() < deadline,
                "gnome-keyring did not take org.freedesktop.secrets"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Freezes the daemon (SIGSTOP): it still owns its bus name but answers nothing, like a
    /// keychain stuck behind a password prompt nobody sees.
    pub fn freeze_keyring(&self) {
        let child = self.keyring.as_ref().expect("keyring started");
        let status = Command::new("kill")
            .args(["-STOP", &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "SIGSTOP sent");
    }

    pub fn stop_keyring(&mut self) {
        if let Some(mut child) = self.keyring.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Every regular file under the temp root that contains `needle`.
    pub fn files_containing(&self, needle: &[u8]) -> Vec<PathBuf> {
        let mut found = Vec::new();
        let mut pending = vec![self.root.path().to_path_buf()];
        while let Some(dir) = pending.pop() {
            let Ok(entries) = fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                if kind.is_dir() {
                    pending.push(path);
                } else if kind.is_file() {
                    let bytes = fs::read(&path).unwrap_or_default();
                    if bytes.windows(needle.len()).any(|w| w == needle) {
                        found.push(path);
                    }
                }
            }
        }
        found
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        self.stop_keyring();
    }
}

#[cfg(unix)]
fn set_private(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o700));
}

/// keyring (zbus) finds the session bus through this process-wide variable; the scenarios
/// run one after another in a single #[test], so nothing else reads it meanwhile.
pub fn point_session_bus_at(address: &str) {
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", address);
}
