//! A minimal W3C WebDriver client over plain HTTP (all this test needs: a session, finding
//! elements, clicks, attributes, text, async scripts and screenshots). tauri-driver listens on
//! loopback, so no TLS stack is needed.

use std::time::Duration;

use serde_json::{json, Value};

/// WebDriver key codes, for [`Session::press_keys`] and [`Session::press_chord`].
pub const ENTER: &str = "\u{E007}";
pub const CONTROL: &str = "\u{E009}";

/// The W3C key under which an element reference travels.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

#[derive(Debug)]
pub struct WebDriverError(pub String);

impl std::fmt::Display for WebDriverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WebDriverError {}

pub type Result<T> = std::result::Result<T, WebDriverError>;

/// One WebDriver session.
pub struct Session {
    http: reqwest::Client,
    base: String,
    id: String,
}

/// An element of the page, as the session knows it.
#[derive(Debug, Clone)]
pub struct Element {
    id: String,
}

impl Session {
    /// Creates a session with these `alwaysMatch` capabilities.
    pub async fn start(server: &str, capabilities: Value, timeout: Duration) -> Result<Session> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| WebDriverError(format!("http client: {e}")))?;
        let base = server.trim_end_matches('/').to_string();
        let value = send(
            &http,
            reqwest::Method::POST,
            &format!("{base}/session"),
            Some(json!({ "capabilities": { "alwaysMatch": capabilities } })),
        )
        .await?;
        let id = value["sessionId"]
            .as_str()
            .ok_or_else(|| WebDriverError(format!("no sessionId in {value}")))?
            .to_string();
        Ok(Session { http, base, id })
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value> {
        let url = format!("{}/session/{}{path}", self.base, self.id);
        send(&self.http, method, &url, body).await
    }

    /// All elements matching a CSS selector (possibly none).
    pub async fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        let value = self
            .call(
                reqwest::Method::POST,
                "/elements",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .await?;
        elements(value)
    }

    /// The first element matching a CSS selector, if any.
    pub async fn find(&self, css: &str) -> Result<Option<Element>> {
        Ok(self.find_all(css).await?.into_iter().next())
    }

    /// All elements under `parent` matching a CSS selector.
    pub async fn find_all_in(&self, parent: &Element, css: &str) -> Result<Vec<Element>> {
        let value = self
            .call(
                reqwest::Method::POST,
                &format!("/element/{}/elements", parent.id),
                Some(json!({ "using": "css selector", "value": css })),
            )
            .await?;
        elements(value)
    }

    pub async fn click(&self, element: &Element) -> Result<()> {
        self.call(
            reqwest::Method::POST,
            &format!("/element/{}/click", element.id),
            Some(json!({})),
        )
        .await
        .map(|_| ())
    }

    /// An attribute's value, or `None` when the element has no such attribute.
    pub async fn attr(&self, element: &Element, name: &str) -> Result<Option<String>> {
        let value = self
            .call(
                reqwest::Method::GET,
                &format!("/element/{}/attribute/{name}", element.id),
                None,
            )
            .await?;
        Ok(value.as_str().map(str::to_string))
    }

    /// The element's rendered text.
    pub async fn text(&self, element: &Element) -> Result<String> {
        let value = self
            .call(
                reqwest::Method::GET,
                &format!("/element/{}/text", element.id),
                None,
            )
            .await?;
        Ok(value.as_str().unwrap_or_default().to_string())
    }

    /// Types keys into whatever has focus (W3C key actions). Use [`ENTER`] for Enter.
    pub async fn press_keys(&self, keys: &str) -> Result<()> {
        let actions: Vec<Value> = keys
            .chars()
            .flat_map(|c| {
                let key = c.to_string();
                [
                    json!({ "type": "keyDown", "value": key }),
                    json!({ "type": "keyUp", "value": key }),
                ]
            })
            .collect();
        self.call(
            reqwest::Method::POST,
            "/actions",
            Some(json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] })),
        )
        .await?;
        self.call(reqwest::Method::DELETE, "/actions", None)
            .await
            .map(|_| ())
    }

    /// Presses `keys` together and releases them in reverse order: a chord such as
    /// Ctrl+Enter (`[CONTROL, ENTER]`).
    pub async fn press_chord(&self, keys: &[&str]) -> Result<()> {
        let mut actions: Vec<Value> = keys
            .iter()
            .map(|k| json!({ "type": "keyDown", "value": k }))
            .collect();
        actions.extend(
            keys.iter()
                .rev()
                .map(|k| json!({ "type": "keyUp", "value": k })),
        );
        self.call(
            reqwest::Method::POST,
            "/actions",
            Some(json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] })),
        )
        .await?;
        self.call(reqwest::Method::DELETE, "/actions", None)
            .await
            .map(|_| ())
    }

    /// Runs an async script; it finishes by calling its last argument.
    pub async fn execute_async(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.call(
            reqwest::Method::POST,
            "/execute/async",
            Some(json!({ "script": script, "args": args })),
        )
        .await
    }

    /// A PNG of the window's viewport.
    pub async fn screenshot(&self) -> Result<Vec<u8>> {
        use base64_decode::decode;
        let value = self.call(reqwest::Method::GET, "/screenshot", None).await?;
        let encoded = value
            .as_str()
            .ok_or_else(|| WebDriverError("screenshot: no data".into()))?;
        decode(encoded).map_err(WebDriverError)
    }

    /// Ends the session (the app window closes).
    pub async fn close(self) -> Result<()> {
        self.call(reqwest::Method::DELETE, "", None)
            .await
            .map(|_| ())
    }
}

async fn send(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    body: Option<Value>,
) -> Result<Value> {
    let mut request = http.request(method.clone(), url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request
        .send()
        .await
        .map_err(|e| WebDriverError(format!("{method} {url}: {e}")))?;
    let status = response.status();
    let body: Value = response
        .json()
        .await
        .map_err(|e| WebDriverError(format!("{method} {url}: bad JSON: {e}")))?;
    let value = body.get("value").cloned().unwrap_or(Value::Null);
    if !status.is_success() {
        return Err(WebDriverError(format!(
            "{method} {url}: {status}: {} {}",
            value["error"].as_str().unwrap_or(""),
            value["message"].as_str().unwrap_or("")
        )));
    }
    Ok(value)
}

fn elements(value: Value) -> Result<Vec<Element>> {
    value
        .as_array()
        .ok_or_else(|| WebDriverError(format!("expected a list of elements, got {value}")))?
        .iter()
        .map(|e| {
            e[ELEMENT_KEY]
                .as_str()
                .map(|id| Element { id: id.to_string() })
                .ok_or_else(|| WebDriverError(format!("not an element: {e}")))
        })
        .collect()
}

/// Standard base64 (RFC 4648, with padding) decoding, for screenshots: small enough to keep here
/// rather than pull in a crate.
mod base64_decode {
    pub fn decode(input: &str) -> Result<Vec<u8>, String> {
        let mut out = Vec::with_capacity(input.len() * 3 / 4);
        let mut buffer: u32 = 0;
        let mut bits = 0u32;
        for c in input.bytes() {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                b'=' => break,
                b'\r' | b'\n' | b' ' => continue,
                _ => return Err(format!("screenshot: invalid base64 byte {c}")),
            };
            buffer = (buffer << 6) | u32::from(v);
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((buffer >> bits) as u8);
                buffer &= (1 << bits) - 1;
            }
        }
        Ok(out)
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn decodes_rfc4648_vectors() {
            for (plain, encoded) in [
                ("", ""),
                ("f", "Zg=="),
                ("fo", "Zm8="),
                ("foo", "Zm9v"),
                ("foob", "Zm9vYg=="),
                ("fooba", "Zm9vYmE="),
                ("foobar", "Zm9vYmFy"),
            ] {
                assert_eq!(super::decode(encoded).unwrap(), plain.as_bytes());
            }
            assert!(super::decode("Zm9v!").is_err());
        }
    }
}
