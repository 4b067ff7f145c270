//! A real SMTP receiver on 127.0.0.1 for the outbox tests: tests/support/smtp_sink.py (Python
//! aiosmtpd), started on a free port and killed by its PID when dropped. Every wait is bounded.

use std::net::{Ipv4Addr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::free_port;
use crate::util::{python, script};

const START_TIMEOUT: Duration = Duration::from_secs(20);

pub struct SmtpSink {
    child: Child,
    dir: TempDir,
    pub port: u16,
}

impl SmtpSink {
    /// A sink on a free port that requires this login.
    pub fn start(user: &str, password: &str) -> SmtpSink {
        SmtpSink::start_on(free_port(), user, password)
    }

    /// A sink on `port` (one nothing listened on before, see [`free_port`]).
    pub fn start_on(port: u16, user: &str, password: &str) -> SmtpSink {
        SmtpSink::spawn(port, &["--auth".into(), format!("{user}:{password}")])
    }

    /// A sink that requires AUTH XOAUTH2 as `user`, with a bearer token that `tokeninfo_url`
    /// (the local OAuth server's, see `oauth_server`) says is live. Its envelopes' "mechanism"
    /// is "XOAUTH2".
    pub fn start_xoauth2(user: &str, tokeninfo_url: &str) -> SmtpSink {
        let args = [
            "--auth".to_string(),
            format!("{user}:"),
            "--xoauth2-tokeninfo".into(),
            tokeninfo_url.to_string(),
        ];
        SmtpSink::spawn(free_port(), &args)
    }

    fn spawn(port: u16, auth_args: &[String]) -> SmtpSink {
        let dir = tempfile::Builder::new()
            .prefix("shopdesk-smtp-sink-")
            .tempdir()
            .expect("temp dir for the SMTP sink");
        let log = std::fs::File::create(dir.path().join("sink.log")).expect("sink log");
        let child = Command::new(python())
            .arg(script("smtp_sink.py"))
            .args(["--port", &port.to_string()])
            .arg("--out")
            .arg(dir.path().join("out"))
            .arg("--control")
            .arg(dir.path().join("control"))
            .args(auth_args)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("sink log"))
            .stderr(log)
            .spawn()
            .expect("start tests/support/smtp_sink.py");
        let mut sink = SmtpSink { child, dir, port };
        let deadline = Instant::now() + START_TIMEOUT;
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            if let Ok(Some(status)) = sink.child.try_wait() {
                panic!("the SMTP sink exited ({status}): {}", sink.log());
            }
            assert!(
                Instant::now() < deadline,
                "the SMTP sink did not listen within {START_TIMEOUT:?}: {}",
                sink.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        sink
    }

    /// Answers the end of every following message with this reply line ("451 4.3.0 Busy").
    pub fn answer(&self, reply: &str) {
        let control = self.dir.path().join("control");
        let aside = self.dir.path().join("control.part");
        std::fs::write(&aside, reply).expect("write the sink's control file");
        std::fs::rename(aside, control).expect("move the sink's control file");
    }

    /// Accepts every following message again.
    pub fn accept(&self) {
        self.answer("accept");
    }

    /// The messages accepted so far, oldest first, as received.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        self.files("eml")
            .iter()
            .map(|path| std::fs::read(path).expect("read a received message"))
            .collect()
    }

    /// The envelope (mail_from, rcpt_tos, login) of each accepted message, oldest first.
    pub fn envelopes(&self) -> Vec<serde_json::Value> {
        self.files("json")
            .iter()
            .map(|path| {
                let text = std::fs::read_to_string(path).expect("read an envelope");
                serde_json::from_str(&text).expect("an envelope is JSON")
            })
            .collect()
    }

    /// One line per end of DATA the sink answered: "250 accepted" or the refusal it gave.
    pub fn attempts(&self) -> Vec<String> {
        std::fs::read_to_string(self.out().join("attempts.log"))
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("sink.log")).unwrap_or_default()
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    fn files(&self, extension: &str) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(self.out()) else {
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = entries
            .map(|e| e.expect("read the sink folder").path())
            .filter(|p| p.extension().is_some_and(|x| x == extension))
            .collect();
        files.sort();
        files
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        // Ours, by its PID.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
