//! A one-answer HTTP server for the statuses the simulator does not produce (429, 5xx) and
//! for a server that never answers (timeouts).

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serves `response` (a raw HTTP/1.1 response) to every request; returns the GraphQL URL.
pub async fn answering(response: &'static str) -> String {
    answering_in_turn(vec![response]).await
}

/// Serves the responses in turn, the last one to every later request.
pub async fn answering_in_turn(responses: Vec<&'static str>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut served = 0;
        while let Ok((mut socket, _)) = listener.accept().await {
            let response = responses[served.min(responses.len() - 1)];
            served += 1;
            read_request(&mut socket).await;
            let _ = socket.write_all(response.as_bytes()).await;
            let _ = socket.shutdown().await;
        }
    });
    format!("http://{address}/admin/api/2026-10/graphql.json")
}

/// A raw HTTP/1.1 answer with a JSON body.
pub fn json_response(body: &str) -> &'static str {
    let text = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    Box::leak(text.into_boxed_str())
}

/// Accepts connections and reads requests but never answers.
pub async fn silent() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((mut socket, _)) = listener.accept().await {
            read_request(&mut socket).await;
            open.push(socket); // kept open, unanswered
        }
    });
    format!("http://{address}/admin/api/2026-10/graphql.json")
}

/// Reads the head and a `Content-Length` body.
async fn read_request(socket: &mut tokio::net::TcpStream) {
    let mut received = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        let Ok(n) = socket.read(&mut buffer).await else {
            return;
        };
        if n == 0 {
            return;
        }
        received.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&received);
        if let Some(head_end) = text.find("\r\n\r\n") {
            let length = text[..head_end]
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .unwrap_or(0usize);
            if received.len() >= head_end + 4 + length {
                return;
            }
        }
    }
}
