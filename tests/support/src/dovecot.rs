//! A throw-away Dovecot on 127.0.0.1, set up as shared/PLATFORM.md describes: a temp dir with
//! its config, users file and maildirs, a free port, started with `dovecot -c`, stopped with
//! `doveadm -c ... stop` when dropped. Every wait is bounded.

use std::net::{Ipv4Addr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use async_imap::Session;
use futures::TryStreamExt;
use shopdesk_mailbox::{MailboxConfig, Security};
use tempfile::TempDir;
use tokio::net::TcpStream as AsyncTcpStream;

use crate::free_port;

pub const USER: &str = "support@shop.test";
pub const PASSWORD: &str = "secret";

const START_TIMEOUT: Duration = Duration::from_secs(15);
const STOP_TIMEOUT: Duration = Duration::from_secs(15);
const CLIENT_TIMEOUT: Duration = Duration::from_secs(20);

pub struct Dovecot {
    // Dropped after the server is stopped (fields drop after `Drop::drop` runs).
    dir: TempDir,
    pub port: u16,
}

impl Dovecot {
    pub fn start() -> Dovecot {
        Dovecot::start_with("")
    }

    /// Started with `extra` appended to the PLATFORM.md configuration.
    pub fn start_with(extra: &str) -> Dovecot {
        Dovecot::start_configured(extra, None)
    }

    /// Also offers AUTH=XOAUTH2 and AUTH=OAUTHBEARER, with tokens checked by Dovecot's oauth2
    /// passdb at `tokeninfo_url` (the local OAuth server's, `OAuthServer::tokeninfo_url`), which
    /// must say `active: true` and name the test user in `email`. LOGIN with the password works
    /// as before.
    pub fn start_with_oauth(tokeninfo_url: &str) -> Dovecot {
        Dovecot::start_configured("", Some(tokeninfo_url))
    }

    fn start_configured(extra: &str, oauth_tokeninfo_url: Option<&str>) -> Dovecot {
        let dir = tempfile::Builder::new()
            .prefix("shopdesk-dovecot-")
            .tempdir()
            .expect("temp dir for Dovecot");
        let port = free_port();
        let root = dir.path();
        for sub in ["run", "state", "log", "mail"] {
            std::fs::create_dir_all(root.join(sub)).expect("Dovecot folders");
        }
        let mut config = config_text(root, port, oauth_tokeninfo_url.is_some()) + extra;
        if let Some(url) = oauth_tokeninfo_url {
            config += &oauth_passdb(root);
            std::fs::write(root.join("oauth2.conf.ext"), oauth_settings(url)).expect("oauth2");
        }
        std::fs::write(root.join("dovecot.conf"), config).expect("config");
        std::fs::write(root.join("users"), format!("{USER}:{{PLAIN}}{PASSWORD}\n")).expect("users");
        // Dovecot's unprivileged processes must read T and own the maildirs.
        run(Command::new("chmod").arg("755").arg(root));
        run(Command::new("chown")
            .args(["-R", "dovecot:dovecot"])
            .arg(root.join("mail")));
        let server = Dovecot { dir, port };
        server.launch();
        server
    }

    /// The account settings for this server's test user.
    pub fn config(&self) -> MailboxConfig {
        MailboxConfig::new(USER, "127.0.0.1", self.port, Security::Plain, PASSWORD)
    }

    pub fn launch(&self) {
        let status = Command::new(binary("dovecot"))
            .arg("-c")
            .arg(self.config_path())
            // The daemon keeps inherited pipes open: give it none.
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run dovecot (installed by scripts/setup-debian.sh)");
        assert!(status.success(), "dovecot did not start: {}", self.log());
        let deadline = Instant::now() + START_TIMEOUT;
        while TcpStream::connect((Ipv4Addr::LOCALHOST, self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "Dovecot did not listen within {START_TIMEOUT:?}: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops the server and waits for its master process to exit.
    pub fn stop(&self) {
        let master = self.master_pid();
        let _ = Command::new(binary("doveadm"))
            .arg("-c")
            .arg(self.config_path())
            .arg("stop")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let Some(pid) = master else { return };
        let deadline = Instant::now() + STOP_TIMEOUT;
        while is_running(pid) {
            if Instant::now() >= deadline {
                // Ours, by its id: never leave a server behind.
                let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A logged-in IMAP client for setting up mail, as the test user.
    pub async fn client(&self) -> TestImap {
        let tcp = within(AsyncTcpStream::connect((Ipv4Addr::LOCALHOST, self.port)))
            .await
            .expect("connect to Dovecot");
        let mut client = async_imap::Client::new(tcp);
        within(client.read_response())
            .await
            .expect("greeting")
            .expect("a greeting");
        let session = within(client.login(USER, PASSWORD))
            .await
            .map_err(|(e, _)| e)
            .expect("test login");
        TestImap { session }
    }

    /// The maildir of the test user.
    pub fn maildir(&self) -> PathBuf {
        self.dir.path().join("mail").join(USER)
    }

    fn config_path(&self) -> PathBuf {
        self.dir.path().join("dovecot.conf")
    }

    fn master_pid(&self) -> Option<u32> {
        std::fs::read_to_string(self.dir.path().join("run/master.pid"))
            .ok()
            .and_then(|pid| pid.trim().parse().ok())
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("log/dovecot.log")).unwrap_or_default()
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        self.stop();
    }
}

pub struct TestImap {
    session: Session<AsyncTcpStream>,
}

impl TestImap {
    pub async fn append(&mut self, folder: &str, raw: &[u8]) {
        within(self.session.append(folder, None, None, raw))
            .await
            .expect("APPEND");
    }

    pub async fn create(&mut self, folder: &str) {
        within(self.session.create(folder)).await.expect("CREATE");
    }

    pub async fn delete(&mut self, folder: &str) {
        within(self.session.delete(folder)).await.expect("DELETE");
    }

    /// The flags of every message in `folder`, as the server stores them.
    pub async fn flags(&mut self, folder: &str) -> Vec<String> {
        within(self.session.examine(folder)).await.expect("EXAMINE");
        let session = &mut self.session;
        let fetches: Vec<_> =
            within(async { session.fetch("1:*", "FLAGS").await?.try_collect().await })
                .await
                .expect("FETCH FLAGS");
        fetches
            .iter()
            .flat_map(|f| f.flags().map(|flag| format!("{flag:?}")))
            .collect()
    }

    /// Every message in `folder`, as the server stores it, without marking any `\Seen`.
    pub async fn messages(&mut self, folder: &str) -> Vec<Vec<u8>> {
        let mailbox = within(self.session.examine(folder)).await.expect("EXAMINE");
        if mailbox.exists == 0 {
            return Vec::new();
        }
        let session = &mut self.session;
        let fetches: Vec<_> = within(async {
            session
                .fetch("1:*", "BODY.PEEK[]")
                .await?
                .try_collect()
                .await
        })
        .await
        .expect("FETCH BODY.PEEK[]");
        fetches
            .iter()
            .filter_map(|f| f.body().map(<[u8]>::to_vec))
            .collect()
    }

    /// The names of all folders.
    pub async fn folders(&mut self) -> Vec<String> {
        let session = &mut self.session;
        let names: Vec<_> =
            within(async { session.list(Some(""), Some("*")).await?.try_collect().await })
                .await
                .expect("LIST");
        names.iter().map(|n| n.name().to_string()).collect()
    }

    pub async fn logout(mut self) {
        let _ = within(self.session.logout()).await;
    }
}

async fn within<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(CLIENT_TIMEOUT, future)
        .await
        .expect("the test IMAP client timed out")
}

fn config_text(root: &Path, port: u16, oauth: bool) -> String {
    let t = root.display();
    let mechanisms = if oauth {
        "plain login xoauth2 oauthbearer"
    } else {
        "plain login"
    };
    format!(
        "base_dir = {t}/run
state_dir = {t}/state
log_path = {t}/log/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = {mechanisms}
default_internal_user = dovecot
default_login_user = dovenull
default_internal_group = dovecot
mail_location = maildir:{t}/mail/%u
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {t}/users
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={t}/mail/%u
}}
first_valid_uid = 1
"
    )
}

/// Dovecot 2.3's oauth2 passdb, for the token mechanisms only (the password still goes to the
/// users file).
fn oauth_passdb(root: &Path) -> String {
    format!(
        "passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {}/oauth2.conf.ext
}}
",
        root.display()
    )
}

fn oauth_settings(tokeninfo_url: &str) -> String {
    format!(
        "tokeninfo_url = {tokeninfo_url}
username_attribute = email
active_attribute = active
active_value = true
"
    )
}

/// The Debian path when PATH lacks /usr/sbin (as for a non-login root shell).
fn binary(name: &str) -> PathBuf {
    ["/usr/sbin", "/usr/bin"]
        .iter()
        .map(|dir| Path::new(dir).join(name))
        .find(|path| path.exists())
        .unwrap_or_else(|| PathBuf::from(name))
}

fn run(command: &mut Command) {
    let status = command.status().expect("run a setup command");
    assert!(status.success(), "{command:?} failed");
}

/// Alive and not a zombie (a daemon's zombie may linger where nobody reaps it).
fn is_running(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(") ")
            .is_some_and(|(_, rest)| !rest.starts_with('Z')),
        Err(_) => false,
    }
}
