//! `GET /bulk/<token>.jsonl`: the result file of a bulk operation, as Shopify's storage serves
//! it: no access token (the random URL is the secret), `Range: bytes=N-` honoured with a 206,
//! 403 once the URL has expired. A test can make a download break after N bytes.

use std::io::SeekFrom;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use super::{BulkOperations, BulkStatus, URL_LIFETIME_SECONDS};
use crate::http::AppState;

const CHUNK: usize = 64 * 1024;

pub(crate) async fn download(
    State(app): State<Arc<AppState>>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let bulk = &app.bulk;
    let Some(token) = file.strip_suffix(".jsonl") else {
        return (StatusCode::NOT_FOUND, "No such object").into_response();
    };
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let (path, cut, honour_range) = {
        let now = bulk.now();
        let mut inner = bulk.inner();
        let found = inner
            .operations
            .iter()
            .find(|op| op.token == token)
            .map(|op| (op.status, op.completed_at, op.object_count));
        let Some((status, completed_at, objects)) = found else {
            return (StatusCode::NOT_FOUND, "No such object").into_response();
        };
        let finished = matches!(status, BulkStatus::Completed | BulkStatus::Failed);
        if !finished || objects == 0 {
            return (StatusCode::NOT_FOUND, "No such object").into_response();
        }
        if completed_at.is_some_and(|at| now >= at + URL_LIFETIME_SECONDS) {
            return (StatusCode::FORBIDDEN, "Request has expired").into_response();
        }
        inner.stats.requests += 1;
        if range.is_some() {
            inner.stats.range_requests += 1;
        }
        let cut = inner.download_cuts.pop_front();
        (bulk.file_path(token), cut, inner.range_requests)
    };
    serve(bulk.clone(), path, range.filter(|_| honour_range), cut).await
}

async fn serve(
    bulk: Arc<BulkOperations>,
    path: std::path::PathBuf,
    range: Option<String>,
    cut: Option<u64>,
) -> Response {
    let Ok(mut file) = tokio::fs::File::open(&path).await else {
        return (StatusCode::NOT_FOUND, "No such object").into_response();
    };
    let Ok(length) = file.metadata().await.map(|m| m.len()) else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "Cannot read the file").into_response();
    };
    let start = match range.as_deref().map(|r| parse_range_start(r, length)) {
        None => None,
        Some(Some(start)) => Some(start),
        Some(None) => {
            let mut response = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
            if let Ok(value) = HeaderValue::from_str(&format!("bytes */{length}")) {
                response.headers_mut().insert(header::CONTENT_RANGE, value);
            }
            return response;
        }
    };
    let offset = start.unwrap_or(0);
    if file.seek(SeekFrom::Start(offset)).await.is_err() {
        return (StatusCode::INTERNAL_SERVER_ERROR, "Cannot read the file").into_response();
    }
    let remaining = length - offset;
    // The body stops after `cut` bytes with an error, which makes the server drop the
    // connection mid-body: the client sees fewer bytes than Content-Length announced.
    let budget = cut.unwrap_or(u64::MAX);
    let stream = futures::stream::unfold((file, 0u64), move |(mut file, sent)| {
        let bulk = bulk.clone();
        async move {
            if sent == u64::MAX {
                return None;
            }
            if sent >= budget {
                // Let the bytes already sent reach the client before the connection drops.
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                bulk.inner().stats.cut += 1;
                let error =
                    std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "injected fault");
                return Some((Err(error), (file, u64::MAX)));
            }
            let mut buffer = vec![0u8; CHUNK];
            match file.read(&mut buffer).await {
                Ok(0) => None,
                Ok(read) => {
                    let allowed = (budget - sent).min(read as u64) as usize;
                    buffer.truncate(allowed);
                    Some((Ok(Bytes::from(buffer)), (file, sent + allowed as u64)))
                }
                Err(error) => Some((Err(error), (file, u64::MAX))),
            }
        }
    });
    let mut response = Response::new(Body::from_stream(stream));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/jsonl"),
    );
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Ok(value) = HeaderValue::from_str(&remaining.to_string()) {
        headers.insert(header::CONTENT_LENGTH, value);
    }
    if start.is_some() {
        *response.status_mut() = StatusCode::PARTIAL_CONTENT;
        let last = length.saturating_sub(1);
        if let Ok(value) = HeaderValue::from_str(&format!("bytes {offset}-{last}/{length}")) {
            response.headers_mut().insert(header::CONTENT_RANGE, value);
        }
    }
    response
}

/// `bytes=N-` (what Shopdesk sends; `bytes=N-M` is served to the end too): the start, if
/// inside the file.
fn parse_range_start(range: &str, length: u64) -> Option<u64> {
    let spec = range.trim().strip_prefix("bytes=")?;
    let (start, _) = spec.split_once('-')?;
    let start: u64 = start.trim().parse().ok()?;
    (start < length).then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range_start("bytes=0-", 10), Some(0));
        assert_eq!(parse_range_start("bytes=7-", 10), Some(7));
        assert_eq!(parse_range_start("bytes=7-9", 10), Some(7));
        assert_eq!(parse_range_start("bytes=10-", 10), None);
        assert_eq!(parse_range_start("items=1-", 10), None);
    }
}
