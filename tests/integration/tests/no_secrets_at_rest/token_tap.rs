//! A TCP relay in front of the local OAuth2 server that keeps what the server answered, so the
//! test knows every access and refresh token the app was given (the app never shows them).

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub struct TokenTap {
    pub port: u16,
    answers: Arc<Mutex<Vec<u8>>>,
}

impl TokenTap {
    /// Relays 127.0.0.1:<port> to 127.0.0.1:`upstream`.
    pub async fn start(upstream: u16) -> TokenTap {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let answers = Arc::new(Mutex::new(Vec::new()));
        let kept = answers.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let kept = kept.clone();
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)).await else {
                        return;
                    };
                    let (mut client_read, mut client_write) = client.into_split();
                    let (mut server_read, mut server_write) = server.into_split();
                    let up = tokio::spawn(async move {
                        let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
                        let _ = server_write.shutdown().await;
                    });
                    let mut buffer = [0u8; 8192];
                    while let Ok(n) = server_read.read(&mut buffer).await {
                        if n == 0 || client_write.write_all(&buffer[..n]).await.is_err() {
                            break;
                        }
                        kept.lock().unwrap().extend_from_slice(&buffer[..n]);
                    }
                    let _ = client_write.shutdown().await;
                    up.abort();
                });
            }
        });
        TokenTap { port, answers }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every value of `"<field>":"…"` the server answered (access_token, refresh_token).
    pub fn tokens(&self, field: &str) -> Vec<String> {
        let text = String::from_utf8_lossy(&self.answers.lock().unwrap()).to_string();
        let marker = format!("\"{field}\":\"");
        let mut found = Vec::new();
        let mut rest = text.as_str();
        while let Some(start) = rest.find(&marker) {
            rest = &rest[start + marker.len()..];
            if let Some(end) = rest.find('"') {
                found.push(rest[..end].to_string());
                rest = &rest[end..];
            }
        }
        found.sort();
        found.dedup();
        found
    }
}
