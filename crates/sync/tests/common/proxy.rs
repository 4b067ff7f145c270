//! A proxy in front of the simulator that injects faults into real traffic: stop answering
//! after N requests (a sync interrupted half-way), or alter one value of a real answer (a
//! record Shopdesk cannot map).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::Value;

/// Changes a real answer's JSON before the client sees it.
pub type Tamper = fn(&mut Value);

pub struct FaultyProxy {
    url: String,
    forwarded: Arc<AtomicUsize>,
}

struct ProxyState {
    target: String,
    http: reqwest::Client,
    forwarded: Arc<AtomicUsize>,
    /// Requests after this many get a 503.
    fail_after: usize,
    tamper: Option<Tamper>,
}

impl FaultyProxy {
    /// Forwards `fail_after` requests to `target_graphql_url`, then answers 503.
    pub async fn failing_after(target_graphql_url: String, fail_after: usize) -> FaultyProxy {
        Self::start(target_graphql_url, fail_after, None).await
    }

    /// Forwards every request, passing each JSON answer through `tamper`.
    pub async fn tampering(target_graphql_url: String, tamper: Tamper) -> FaultyProxy {
        Self::start(target_graphql_url, usize::MAX, Some(tamper)).await
    }

    async fn start(target: String, fail_after: usize, tamper: Option<Tamper>) -> FaultyProxy {
        let forwarded = Arc::new(AtomicUsize::new(0));
        let state = Arc::new(ProxyState {
            target,
            http: reqwest::Client::new(),
            forwarded: forwarded.clone(),
            fail_after,
            tamper,
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let app = Router::new().fallback(forward).with_state(state);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FaultyProxy {
            url: format!("http://{address}/admin/api/2026-10/graphql.json"),
            forwarded,
        }
    }

    pub fn graphql_url(&self) -> String {
        self.url.clone()
    }

    /// Requests that reached the simulator.
    pub fn forwarded(&self) -> usize {
        self.forwarded.load(Ordering::SeqCst)
    }
}

async fn forward(
    State(proxy): State<Arc<ProxyState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if proxy.forwarded.load(Ordering::SeqCst) >= proxy.fail_after {
        return (StatusCode::SERVICE_UNAVAILABLE, "injected outage").into_response();
    }
    proxy.forwarded.fetch_add(1, Ordering::SeqCst);
    let mut request = proxy.http.post(&proxy.target).body(body.to_vec());
    for name in ["x-shopify-access-token", "content-type"] {
        if let Some(value) = headers.get(name) {
            request = request.header(name, value.clone());
        }
    }
    let answer = request.send().await.expect("simulator answers");
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap();
    let mut bytes = answer.bytes().await.expect("body").to_vec();
    if let Some(tamper) = proxy.tamper {
        if let Ok(mut json) = serde_json::from_slice::<Value>(&bytes) {
            tamper(&mut json);
            bytes = serde_json::to_vec(&json).unwrap();
        }
    }
    (status, [("content-type", "application/json")], bytes).into_response()
}
