//! The loopback redirect of RFC 8252: a listener on 127.0.0.1 with a port the system picks,
//! waiting for the one request the browser makes when the provider sends it back.

use std::time::Duration;

use oauth2::url::Url;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::OAuthError;

/// The longest a connected browser may take to send its request line and headers.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// A redirect request is a GET with a query: anything longer is not one.
const MAX_REQUEST_BYTES: usize = 16 * 1024;

pub(crate) struct Loopback {
    listener: TcpListener,
    redirect_uri: String,
}

/// The query of the redirect, and the page the browser is shown for it.
pub(crate) struct Redirect {
    pub query: Vec<(String, String)>,
    stream: TcpStream,
}

impl Loopback {
    pub async fn bind() -> Result<Loopback, OAuthError> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|source| OAuthError::Listener { source })?;
        let port = listener
            .local_addr()
            .map_err(|source| OAuthError::Listener { source })?
            .port();
        Ok(Loopback {
            listener,
            redirect_uri: format!("http://127.0.0.1:{port}/"),
        })
    }

    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Waits for a request to `/` with a query. Other requests (a favicon, a stray probe) get
    /// a 404 and the wait goes on.
    pub async fn next_redirect(&self) -> Result<Redirect, OAuthError> {
        loop {
            let (mut stream, _) = self
                .listener
                .accept()
                .await
                .map_err(|source| OAuthError::Listener { source })?;
            let target = match tokio::time::timeout(REQUEST_TIMEOUT, read_target(&mut stream)).await
            {
                Ok(Some(target)) => target,
                _ => continue,
            };
            let Ok(url) = Url::parse(&format!("http://127.0.0.1{target}")) else {
                continue;
            };
            if url.path() != "/" || url.query().is_none() {
                let _ = respond(&mut stream, "404 Not Found", "Not found").await;
                continue;
            }
            let query = url.query_pairs().into_owned().collect();
            return Ok(Redirect { query, stream });
        }
    }
}

impl Redirect {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Shows the browser a short page, so the user knows to go back to Shopdesk.
    pub async fn answer(mut self, message: &str) {
        let _ = respond(&mut self.stream, "200 OK", message).await;
    }
}

/// The request target of `GET <target> HTTP/1.1`, once the headers are in.
async fn read_target(stream: &mut TcpStream) -> Option<String> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 || buffer.len() + read > MAX_REQUEST_BYTES {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let head = String::from_utf8_lossy(&buffer);
    let mut parts = head.lines().next()?.split(' ');
    match (parts.next(), parts.next()) {
        (Some("GET"), Some(target)) if target.starts_with('/') => Some(target.to_string()),
        _ => None,
    }
}

async fn respond(stream: &mut TcpStream, status: &str, message: &str) -> std::io::Result<()> {
    let body = format!(
        "<!doctype html><meta charset=\"utf-8\"><title>Shopdesk</title>\
         <p style=\"font-family:sans-serif\">{}</p>",
        escape(message)
    );
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
