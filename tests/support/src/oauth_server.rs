//! A local OAuth2 server on 127.0.0.1 for the mailbox OAuth tests: tests/support/oauth-server
//! (oauth2-mock-server under Node, installed with `npm ci` by scripts/setup-debian.sh), started on
//! a port it picks, killed by its PID when dropped. Its tokens name [`OAuthServer::user`]; what it
//! does beyond the mock (single-use refresh tokens, required PKCE verifiers, /tokeninfo, the
//! /_control switches) is described in server.js.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;

use crate::util::{first_line, workspace_root};

const START_TIMEOUT: Duration = Duration::from_secs(20);
const CONTROL_TIMEOUT: Duration = Duration::from_secs(10);

pub struct OAuthServer {
    child: Child,
    dir: TempDir,
    pub port: u16,
    user: String,
}

impl OAuthServer {
    /// A server whose tokens belong to `user` (the mailbox address).
    pub fn start(user: &str) -> OAuthServer {
        let folder = workspace_root().join("tests/support/oauth-server");
        assert!(
            folder.join("node_modules/oauth2-mock-server").exists(),
            "{}/node_modules is missing: run `bash scripts/setup-debian.sh` (npm ci there)",
            folder.display()
        );
        let dir = tempfile::Builder::new()
            .prefix("shopdesk-oauth-")
            .tempdir()
            .expect("temp dir for the OAuth server");
        let log = dir.path().join("events.jsonl");
        let stderr = std::fs::File::create(dir.path().join("stderr.log")).expect("stderr log");
        let mut child = Command::new("node")
            .arg(folder.join("server.js"))
            .args(["--port", "0", "--user", user])
            .arg("--log")
            .arg(&log)
            .current_dir(&folder)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start node tests/support/oauth-server/server.js (Node 20.19+)");
        let stdout = child.stdout.take().expect("piped stdout");
        let line = first_line(stdout, START_TIMEOUT);
        let port = line
            .as_deref()
            .ok()
            .and_then(|l| l.strip_prefix("listening "))
            .and_then(|p| p.trim().parse().ok());
        let Some(port) = port else {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = std::fs::read_to_string(dir.path().join("stderr.log")).unwrap_or_default();
            panic!("the OAuth server did not start: {line:?} {stderr}");
        };
        OAuthServer {
            child,
            dir,
            port,
            user: user.to_string(),
        }
    }

    /// The mailbox the tokens are for.
    pub fn user(&self) -> &str {
        &self.user
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn authorize_url(&self) -> String {
        format!("{}/authorize", self.url())
    }

    pub fn token_url(&self) -> String {
        format!("{}/token", self.url())
    }

    /// Dovecot's `tokeninfo_url` (the token is appended); also answers a Bearer header.
    pub fn tokeninfo_url(&self) -> String {
        format!("{}/tokeninfo?access_token=", self.url())
    }

    /// Every access token issued so far stops working (as if expired server-side).
    pub fn expire_access_tokens(&self) {
        self.control("expire-access-tokens");
    }

    /// Every refresh token stops working (as if the user revoked the app's access).
    pub fn revoke_refresh_tokens(&self) {
        self.control("revoke-refresh-tokens");
    }

    /// The next sign-in page redirects back with `error=access_denied`.
    pub fn deny_next_authorization(&self) {
        self.control("deny-next-authorization");
    }

    /// Tokens issued from now on say they last `seconds`.
    pub fn set_token_lifetime(&self, seconds: u64) {
        self.control(&format!("token-lifetime?seconds={seconds}"));
    }

    /// What the server logged: one JSON object per authorize, token or tokeninfo request.
    pub fn events(&self) -> Vec<Value> {
        std::fs::read_to_string(self.log_path())
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect()
    }

    /// The token requests with this `grant` ("authorization_code", "refresh_token").
    pub fn token_requests(&self, grant: &str) -> Vec<Value> {
        self.events()
            .into_iter()
            .filter(|e| e["event"] == "token" && e["grant"] == grant)
            .collect()
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("events.jsonl")
    }

    fn control(&self, what: &str) {
        let mut stream =
            TcpStream::connect((Ipv4Addr::LOCALHOST, self.port)).expect("connect to the server");
        stream.set_read_timeout(Some(CONTROL_TIMEOUT)).ok();
        write!(
            stream,
            "POST /_control/{what} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .expect("send a control request");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        assert!(
            answer.starts_with("HTTP/1.1 204"),
            "control {what}: {answer}"
        );
    }
}

impl Drop for OAuthServer {
    fn drop(&mut self) {
        // Ours, by its PID.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
