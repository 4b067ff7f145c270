//! Reading a bulk export's JSONL file as a stream of complete lines, never the whole file.
//!
//! Resuming: the reader knows the byte offset after the last complete line it handed out. When
//! the connection breaks mid-file it asks again with `Range: bytes=<offset>-` (Shopify's storage
//! answers 206); a server that ignores the range answers 200 with the whole file, and the bytes
//! already read are skipped. The partial line that was in flight is dropped and read again, so
//! every line is handed out exactly once. The same works across runs: a sync that stopped
//! saves the position of its last committed line and starts a new download from there.

use std::time::Duration;

use reqwest::header::{CONTENT_RANGE, RANGE};
use reqwest::StatusCode;

use super::BulkError;

/// Consecutive failures (without a byte of progress in between) before giving up.
const MAX_ATTEMPTS: u32 = 5;
const FIRST_RETRY_WAIT: Duration = Duration::from_millis(200);
/// A silent connection for this long counts as broken.
const READ_TIMEOUT: Duration = Duration::from_secs(60);

/// How far into the file: lines and bytes before the next line to read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DownloadPosition {
    pub line: u64,
    pub byte: u64,
}

/// Complete lines, as they arrived (one network read or a few).
#[derive(Debug, Clone)]
pub struct LineChunk {
    data: Vec<u8>,
    start: DownloadPosition,
}

impl LineChunk {
    /// Each line (without its newline) with the position just after it.
    pub fn lines(&self) -> impl Iterator<Item = (&[u8], DownloadPosition)> + '_ {
        let mut position = self.start;
        let mut rest = &self.data[..];
        std::iter::from_fn(move || {
            if rest.is_empty() {
                return None;
            }
            let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
            let (line, after) = rest.split_at(end);
            rest = after;
            position.line += 1;
            position.byte += line.len() as u64;
            let text = line.strip_suffix(b"\n").unwrap_or(line);
            Some((text.strip_suffix(b"\r").unwrap_or(text), position))
        })
    }

    pub fn len_bytes(&self) -> usize {
        self.data.len()
    }
}

/// A bulk export file being read. The storage URL is signed: the Shopify access token is never
/// sent there (this client has no default headers).
pub struct BulkDownload {
    http: reqwest::Client,
    url: String,
    /// After the last line handed out.
    position: DownloadPosition,
    response: Option<reqwest::Response>,
    /// Bytes to drop from the start of a 200 answer to a resumed request.
    skip: u64,
    /// Bytes after the last newline received.
    pending: Vec<u8>,
    finished: bool,
    failures: u32,
    reconnections: u32,
}

impl BulkDownload {
    pub(crate) fn new(
        url: &str,
        from: DownloadPosition,
        connect_timeout: Duration,
    ) -> Result<Self, BulkError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("Shopdesk/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(connect_timeout)
            .read_timeout(READ_TIMEOUT)
            .build()
            .map_err(|source| BulkError::Download {
                attempts: 0,
                detail: "the HTTP client could not be set up".into(),
                source: Some(source),
            })?;
        Ok(BulkDownload {
            http,
            url: url.to_string(),
            position: from,
            response: None,
            skip: 0,
            pending: Vec::new(),
            finished: false,
            failures: 0,
            reconnections: 0,
        })
    }

    /// After the last line handed out.
    pub fn position(&self) -> DownloadPosition {
        self.position
    }

    /// Requests made after the first one (resumed downloads).
    pub fn reconnections(&self) -> u32 {
        self.reconnections
    }

    /// The next complete lines, or `None` at the end of the file.
    pub async fn next_chunk(&mut self) -> Result<Option<LineChunk>, BulkError> {
        loop {
            if self.finished {
                return Ok(None);
            }
            if self.response.is_none() {
                self.connect().await?;
                continue;
            }
            let Some(response) = self.response.as_mut() else {
                continue;
            };
            match response.chunk().await {
                Ok(Some(bytes)) => {
                    let mut bytes = &bytes[..];
                    if self.skip > 0 {
                        let skipped = (self.skip as usize).min(bytes.len());
                        bytes = &bytes[skipped..];
                        self.skip -= skipped as u64;
                    }
                    if bytes.is_empty() {
                        continue;
                    }
                    self.failures = 0;
                    if let Some(chunk) = self.take_lines(bytes) {
                        return Ok(Some(chunk));
                    }
                }
                Ok(None) => {
                    self.response = None;
                    self.finished = true;
                    // A last line without a newline is still a line.
                    if !self.pending.is_empty() {
                        let data = std::mem::take(&mut self.pending);
                        return Ok(Some(self.hand_out(data)));
                    }
                    return Ok(None);
                }
                Err(error) => {
                    self.response = None;
                    self.pending.clear();
                    self.failed("the connection broke during the download", Some(error))
                        .await?;
                }
            }
        }
    }

    /// Complete lines of `pending` + `bytes`; keeps what follows the last newline.
    fn take_lines(&mut self, bytes: &[u8]) -> Option<LineChunk> {
        let Some(last_newline) = memchr::memrchr(b'\n', bytes) else {
            self.pending.extend_from_slice(bytes);
            return None;
        };
        let mut data = std::mem::take(&mut self.pending);
        data.extend_from_slice(&bytes[..=last_newline]);
        self.pending.extend_from_slice(&bytes[last_newline + 1..]);
        Some(self.hand_out(data))
    }

    fn hand_out(&mut self, data: Vec<u8>) -> LineChunk {
        let start = self.position;
        let newlines = memchr::memchr_iter(b'\n', &data).count() as u64;
        let unterminated = u64::from(data.last().is_some_and(|b| *b != b'\n'));
        self.position.line += newlines + unterminated;
        self.position.byte += data.len() as u64;
        LineChunk { data, start }
    }

    /// (Re)opens the file at the current position.
    async fn connect(&mut self) -> Result<(), BulkError> {
        let offset = self.position.byte;
        let mut request = self.http.get(&self.url);
        if offset > 0 {
            request = request.header(RANGE, format!("bytes={offset}-"));
        }
        if self.failures > 0 || offset > 0 {
            self.reconnections += 1;
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                return self
                    .failed("the file could not be requested", Some(error))
                    .await
            }
        };
        let status = response.status();
        match status {
            StatusCode::OK => {
                // The whole file again: drop what was already read.
                self.skip = offset;
                self.response = Some(response);
            }
            StatusCode::PARTIAL_CONTENT => {
                let expected = format!("bytes {offset}-");
                let starts_right = response
                    .headers()
                    .get(CONTENT_RANGE)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|range| range.starts_with(&expected));
                if !starts_right {
                    return self
                        .failed("the server resumed at the wrong place", None)
                        .await;
                }
                self.skip = 0;
                self.response = Some(response);
            }
            // Nothing after `offset`: every line was read before.
            StatusCode::RANGE_NOT_SATISFIABLE => self.finished = true,
            status if status.is_server_error() => {
                return self
                    .failed(&format!("the server answered {status}"), None)
                    .await
            }
            status => {
                return Err(BulkError::FileUnavailable {
                    status: status.as_u16(),
                })
            }
        }
        Ok(())
    }

    /// Counts a failure; waits before the next attempt, or gives up.
    async fn failed(
        &mut self,
        what: &str,
        source: Option<reqwest::Error>,
    ) -> Result<(), BulkError> {
        self.failures += 1;
        if self.failures >= MAX_ATTEMPTS {
            return Err(BulkError::Download {
                attempts: self.failures,
                detail: what.to_string(),
                source,
            });
        }
        tracing::warn!(
            failures = self.failures,
            line = self.position.line,
            "{what}; resuming the bulk download"
        );
        tokio::time::sleep(FIRST_RETRY_WAIT * 2u32.pow(self.failures - 1)).await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_carry_the_position_after_them() {
        let chunk = LineChunk {
            data: b"{\"a\":1}\n{\"b\":2}\r\n".to_vec(),
            start: DownloadPosition {
                line: 10,
                byte: 100,
            },
        };
        let lines: Vec<_> = chunk.lines().collect();
        assert_eq!(lines[0].0, b"{\"a\":1}");
        assert_eq!(
            lines[0].1,
            DownloadPosition {
                line: 11,
                byte: 108
            }
        );
        assert_eq!(lines[1].0, b"{\"b\":2}");
        assert_eq!(
            lines[1].1,
            DownloadPosition {
                line: 12,
                byte: 117
            }
        );
    }
}
