//! Fault injection: what a real Shopify (or the network to it) does on a bad day, on demand.
//!
//! Faults are queued for the next requests (`sim.faults().push(Fault::ServerError(503))`), or
//! drawn at random with a seeded probability (`set_random`). Each request to the GraphQL
//! endpoint takes at most one fault:
//!
//! | fault | what the client sees | the request ran? |
//! |---|---|---|
//! | `TooManyRequests` | HTTP 429 with `Retry-After` | no |
//! | `ServerError(500/502/503)` | that status | no |
//! | `DropConnection` | the connection closes without an answer | no |
//! | `Slow(d)` | the normal answer, `d` later | yes |
//! | `TruncatedBody` | headers, then half the body, then the connection closes | yes |
//! | `CutJson` | a 200 whose body is the first half of the JSON | yes |
//! | `Throttled` | Shopify's THROTTLED error (the bucket is emptied first) | no |
//! | `ResponseLostAfterCommit` | like `DropConnection`, but after the request ran | yes |
//! | `TimeoutAfterCommit(d)` | no answer for `d`, then the connection closes (a client timeout) | yes |
//! | `Tamper(f)` | the normal JSON answer, altered by `f` (bad records) | yes |
//!
//! Faults for mutations only (queries are never hit by them; a mutation fault is taken before
//! the general queue):
//!
//! - `sim.faults().push_mutation(fault)`: the next mutation request gets `fault`.
//! - `sim.faults().arm_mutation(n, fault)`: the n-th mutation request from now (1-based) gets it;
//!   the ones before pass.
//! - `sim.faults().set_random_mutations(seed, probability, choices)`: every mutation request not
//!   covered by the queue gets one of `choices` with `probability`, from a stream seeded by
//!   `seed` (reproducible).
//! - `sim.faults().clear()` disarms everything.
//!
//! `ResponseLostAfterCommit`/`TimeoutAfterCommit` apply the mutation, then lose the answer (a
//! retry must not do it twice); `ServerError`, `TooManyRequests`, `DropConnection` and
//! `Throttled` refuse it before it runs; `Slow` delays it.

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

use crate::http::{self, AppState};

mod io;
mod mutations;

pub(crate) use io::{ConnControl, FaultListener};

/// Alters a JSON answer before it is sent.
pub type Tamper = Arc<dyn Fn(&mut Value) + Send + Sync>;

#[derive(Clone)]
pub enum Fault {
    TooManyRequests { retry_after: Duration },
    ServerError(u16),
    DropConnection,
    Slow(Duration),
    TruncatedBody,
    CutJson,
    Throttled,
    ResponseLostAfterCommit,
    TimeoutAfterCommit(Duration),
    Tamper(Tamper),
}

impl Fault {
    /// A short name, for counts and messages.
    pub fn name(&self) -> &'static str {
        match self {
            Fault::TooManyRequests { .. } => "429",
            Fault::ServerError(500) => "500",
            Fault::ServerError(502) => "502",
            Fault::ServerError(503) => "503",
            Fault::ServerError(_) => "5xx",
            Fault::DropConnection => "dropped",
            Fault::Slow(_) => "slow",
            Fault::TruncatedBody => "truncated",
            Fault::CutJson => "cut JSON",
            Fault::Throttled => "THROTTLED",
            Fault::ResponseLostAfterCommit => "lost after commit",
            Fault::TimeoutAfterCommit(_) => "timeout after commit",
            Fault::Tamper(_) => "tampered",
        }
    }

    /// A tampering fault from a closure.
    pub fn tamper(f: impl Fn(&mut Value) + Send + Sync + 'static) -> Fault {
        Fault::Tamper(Arc::new(f))
    }
}

impl fmt::Debug for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::TooManyRequests { retry_after } => {
                write!(f, "429 (Retry-After {retry_after:?})")
            }
            Fault::Slow(delay) => write!(f, "slow ({delay:?})"),
            Fault::TimeoutAfterCommit(delay) => write!(f, "timeout after commit ({delay:?})"),
            other => f.write_str(other.name()),
        }
    }
}

/// The faults waiting for the next requests.
#[derive(Default)]
pub struct Faults {
    queue: Mutex<VecDeque<Fault>>,
    random: Mutex<Option<RandomFaults>>,
    mutations: mutations::MutationFaults,
    injected: AtomicU64,
}

struct RandomFaults {
    rng: ChaCha8Rng,
    probability: f64,
    choices: Vec<Fault>,
}

impl Faults {
    /// The next request gets `fault` (after those already queued).
    pub fn push(&self, fault: Fault) {
        if let Ok(mut queue) = self.queue.lock() {
            queue.push_back(fault);
        }
    }

    /// The next `count` requests get `fault`.
    pub fn push_n(&self, fault: Fault, count: usize) {
        for _ in 0..count {
            self.push(fault.clone());
        }
    }

    /// When nothing is queued, each request gets one of `choices` with `probability`,
    /// drawn from a stream seeded with `seed`.
    pub fn set_random(&self, seed: u64, probability: f64, choices: Vec<Fault>) {
        if let Ok(mut random) = self.random.lock() {
            *random = Some(RandomFaults {
                rng: ChaCha8Rng::seed_from_u64(seed),
                probability: probability.clamp(0.0, 1.0),
                choices,
            });
        }
    }

    /// The next mutation request gets `fault` (queries are not counted).
    pub fn push_mutation(&self, fault: Fault) {
        self.mutations.arm(1, fault);
    }

    /// The `nth` mutation request from now (1-based) gets `fault`; those before pass.
    pub fn arm_mutation(&self, nth: usize, fault: Fault) {
        self.mutations.arm(nth, fault);
    }

    /// Each mutation request not covered by `arm_mutation`/`push_mutation` gets one of
    /// `choices` with `probability`, drawn from a stream seeded with `seed`.
    pub fn set_random_mutations(&self, seed: u64, probability: f64, choices: Vec<Fault>) {
        self.mutations.set_random(seed, probability, choices);
    }

    /// No more faults: empties the queues and stops random ones.
    pub fn clear(&self) {
        self.mutations.clear();
        if let Ok(mut queue) = self.queue.lock() {
            queue.clear();
        }
        if let Ok(mut random) = self.random.lock() {
            *random = None;
        }
    }

    /// Queued faults not yet served.
    pub fn pending(&self) -> usize {
        self.queue.lock().map_or(0, |queue| queue.len())
    }

    /// Faults served so far.
    pub fn injected(&self) -> u64 {
        self.injected.load(Ordering::SeqCst)
    }

    fn next(&self) -> Option<Fault> {
        let queued = self.queue.lock().ok().and_then(|mut q| q.pop_front());
        let fault = queued.or_else(|| {
            let mut random = self.random.lock().ok()?;
            let random = random.as_mut()?;
            if random.choices.is_empty() || !random.rng.random_bool(random.probability) {
                return None;
            }
            let index = random.rng.random_range(0..random.choices.len());
            Some(random.choices[index].clone())
        })?;
        self.injected.fetch_add(1, Ordering::SeqCst);
        Some(fault)
    }
}

/// The GraphQL endpoint with the next fault, if any, applied around it.
pub(crate) async fn graphql_with_faults(
    State(app): State<Arc<AppState>>,
    ConnectInfo(connection): ConnectInfo<ConnControl>,
    Path(version): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mutation_fault = if app.faults.mutations.armed() && mutations::is_mutation_request(&body) {
        let fault = app.faults.mutations.next();
        if fault.is_some() {
            app.faults.injected.fetch_add(1, Ordering::SeqCst);
        }
        fault
    } else {
        None
    };
    let Some(fault) = mutation_fault.or_else(|| app.faults.next()) else {
        return http::graphql(State(app), Path(version), headers, body).await;
    };
    let run = |app: Arc<AppState>| http::graphql(State(app), Path(version), headers, body);
    match fault {
        Fault::TooManyRequests { retry_after } => {
            let mut response = (
                StatusCode::TOO_MANY_REQUESTS,
                json!({"errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."})
                    .to_string(),
            )
                .into_response();
            let seconds = format!("{:.1}", retry_after.as_secs_f64());
            if let Ok(value) = HeaderValue::from_str(&seconds) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Fault::ServerError(status) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            // Shopify's edge answers 502/503 with an HTML page, not JSON.
            let page = format!("<html><body><h1>{status}</h1></body></html>");
            (status, [(header::CONTENT_TYPE, "text/html")], page).into_response()
        }
        Fault::DropConnection => {
            connection.drop_connection();
            StatusCode::OK.into_response()
        }
        Fault::Slow(delay) => {
            tokio::time::sleep(delay).await;
            run(app).await
        }
        Fault::Throttled => {
            if let Ok(mut bucket) = app.bucket.lock() {
                bucket.drain(std::time::Instant::now());
            }
            run(app).await
        }
        Fault::ResponseLostAfterCommit => {
            let response = run(app).await;
            connection.drop_connection();
            response
        }
        Fault::TimeoutAfterCommit(delay) => {
            let response = run(app).await;
            tokio::time::sleep(delay).await;
            connection.drop_connection();
            response
        }
        Fault::TruncatedBody => {
            let (response, bytes) = buffered(run(app).await).await;
            connection.truncate_body(bytes.len() / 2);
            with_body(response, bytes)
        }
        Fault::CutJson => {
            let (response, bytes) = buffered(run(app).await).await;
            let cut = bytes.slice(..bytes.len() / 2);
            with_body(response, cut)
        }
        Fault::Tamper(tamper) => {
            let (response, bytes) = buffered(run(app).await).await;
            match serde_json::from_slice::<Value>(&bytes) {
                Ok(mut json) => {
                    tamper(&mut json);
                    with_body(response, Bytes::from(json.to_string()))
                }
                Err(_) => with_body(response, bytes),
            }
        }
    }
}

async fn buffered(response: Response) -> (Response, Bytes) {
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    (Response::from_parts(parts, Body::empty()), bytes)
}

fn with_body(response: Response, bytes: Bytes) -> Response {
    let (mut parts, _) = response.into_parts();
    // The length is the new body's; hyper computes it.
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}

/// What the simulator served, for tests and benchmarks ("zero THROTTLED" is counted here).
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub requests: AtomicU64,
    pub throttled: AtomicU64,
    pub points_consumed: AtomicU64,
}

/// A snapshot of [`Counters`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SimStats {
    /// GraphQL requests priced or executed (those answered by an injected 429, 5xx or
    /// dropped connection never get there: `faults_injected` counts them).
    pub requests: u64,
    /// Answers with a THROTTLED error.
    pub throttled: u64,
    /// Points taken from the bucket: the sum of actual query costs.
    pub points_consumed: u64,
    /// Faults served.
    pub faults_injected: u64,
}

impl Counters {
    pub fn snapshot(&self, faults: &Faults) -> SimStats {
        SimStats {
            requests: self.requests.load(Ordering::SeqCst),
            throttled: self.throttled.load(Ordering::SeqCst),
            points_consumed: self.points_consumed.load(Ordering::SeqCst),
            faults_injected: faults.injected(),
        }
    }

    pub fn reset(&self) {
        self.requests.store(0, Ordering::SeqCst);
        self.throttled.store(0, Ordering::SeqCst);
        self.points_consumed.store(0, Ordering::SeqCst);
    }
}
