//! A local Shopify Admin GraphQL API (version 2026-10) for tests and the demo store.
//!
//! It serves `POST /admin/api/2026-10/graphql.json` with `X-Shopify-Access-Token` auth, validates
//! every document against Shopify's real schema, and answers from a deterministic seeded store.
//!
//! ```no_run
//! # async fn demo() -> Result<(), shopdesk_shopify_sim::SimError> {
//! use shopdesk_shopify_sim::{SimConfig, Simulator};
//! let sim = Simulator::start(SimConfig::demo()).await?;
//! println!("{} with token {}", sim.graphql_url(), sim.access_token());
//! sim.shutdown().await;
//! # Ok(()) }
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub mod activity;
mod bulk;
mod connection;
mod cost;
pub mod events;
mod executor;
pub mod faults;
mod filter;
mod http;
pub mod model;
pub mod mutations;
pub mod oauth;
mod refunds;
pub mod search;
mod seed;
mod throttle;
mod variables;

pub use activity::{Activity, ActivityDriver, ActivityKind, ActivityStep};
pub use bulk::{
    BulkDownloadStats, BulkErrorCode, BulkOperationInfo, BulkOperations, BulkOutputOrder,
    BulkStatus, MAX_CONCURRENT_QUERY_OPERATIONS, MAX_CONNECTIONS, MAX_NESTING_DEPTH,
    URL_LIFETIME_SECONDS,
};
pub use connection::MAX_PAGE_SIZE;
pub use cost::MAX_QUERY_COST;
pub use executor::{format_amount, format_time, gid, parse_gid};
pub use faults::{Fault, Faults, SimStats};
pub use model::ShopState;
pub use seed::{seed_shop, SEED_EPOCH};
pub use throttle::ThrottleStatus;

/// What store to seed and how to guard it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimConfig {
    pub seed: u64,
    pub customers: usize,
    pub orders: usize,
    pub access_token: String,
    pub shop_name: String,
    /// The shop currency, an ISO 4217 code.
    pub currency: String,
    /// Where bulk operation results go, in a `shopdesk-sim-bulk-*` folder of their own that
    /// the simulator removes when dropped; `None` is the system temp dir. Starting a simulator
    /// also removes the folders there whose simulator's process is gone.
    pub bulk_parent_dir: Option<PathBuf>,
}

impl SimConfig {
    /// The demo store: a coffee roaster with about 40 customers and 120 orders, in EUR.
    pub fn demo() -> Self {
        SimConfig {
            seed: 2026,
            customers: 40,
            orders: 120,
            access_token: "shpat_demo_0000000000000000000000000000".into(),
            shop_name: "Northwind Coffee Co.".into(),
            currency: "EUR".into(),
            bulk_parent_dir: None,
        }
    }

    /// The demo shop with another seed and size (tests, benchmarks).
    pub fn sized(seed: u64, customers: usize, orders: usize) -> Self {
        SimConfig {
            seed,
            customers,
            orders,
            ..SimConfig::demo()
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("invalid simulator configuration: {0}")]
    InvalidConfig(String),
    #[error("could not listen on {address}: {source}")]
    Bind {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("the schema could not be loaded: {0}")]
    Schema(String),
    #[error(
        "could not create the bulk operations folder in {}: {source}; \
         make that folder writable or set SimConfig::bulk_parent_dir to one that is",
        parent.display()
    )]
    BulkFolder {
        parent: PathBuf,
        source: std::io::Error,
    },
}

/// A running simulator. Dropping it without [`Simulator::shutdown`] leaves the server running
/// until the Tokio runtime ends.
pub struct Simulator {
    address: SocketAddr,
    access_token: String,
    shop: Arc<RwLock<ShopState>>,
    bucket: Arc<Mutex<throttle::LeakyBucket>>,
    bulk: Arc<bulk::BulkOperations>,
    faults: Arc<Faults>,
    counters: Arc<faults::Counters>,
    auth: Arc<oauth::Auth>,
    stop: oneshot::Sender<()>,
    server: JoinHandle<()>,
}

impl Simulator {
    /// Seeds the store and serves it on 127.0.0.1 at a free port.
    pub async fn start(config: SimConfig) -> Result<Simulator, SimError> {
        Simulator::start_on(config, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Seeds the store and serves it on `address` (port 0 picks a free one).
    pub async fn start_on(config: SimConfig, address: SocketAddr) -> Result<Simulator, SimError> {
        // Seeding a large store, parsing the schema and sweeping the temp dir are blocking
        // work: keep them off the reactor.
        let seed_config = config.clone();
        let (shop, bulk_folder) = tokio::task::spawn_blocking(move || {
            shopdesk_shopify_schema::schema();
            let shop = seed_shop(&seed_config)?;
            let parent = (seed_config.bulk_parent_dir.clone()).unwrap_or_else(std::env::temp_dir);
            let folder = bulk::folder::BulkFolder::create(&parent)
                .map_err(|source| SimError::BulkFolder { parent, source })?;
            Ok::<_, SimError>((shop, folder))
        })
        .await
        .map_err(|e| SimError::Schema(e.to_string()))??;
        let shop = Arc::new(RwLock::new(shop));

        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|source| SimError::Bind { address, source })?;
        let address = listener
            .local_addr()
            .map_err(|source| SimError::Bind { address, source })?;
        let bucket = Arc::new(Mutex::new(throttle::LeakyBucket::default()));
        let faults = Arc::new(Faults::default());
        let counters = Arc::new(faults::Counters::default());
        let bulk =
            bulk::BulkOperations::new(shop.clone(), format!("http://{address}"), bulk_folder);
        // Tokens expire on the bulk operations' clock: one simulated clock for the shop.
        let clock = bulk.clone();
        let auth = Arc::new(oauth::Auth::new(
            &config.access_token,
            Arc::new(move || clock.now()),
        ));
        let app = http::router(Arc::new(http::AppState {
            shop: shop.clone(),
            bucket: bucket.clone(),
            bulk: bulk.clone(),
            faults: faults.clone(),
            counters: counters.clone(),
            auth: auth.clone(),
        }));
        // Connections carry a handle the fault injector uses to drop or cut an answer.
        let listener = faults::FaultListener(listener);
        let app = app.into_make_service_with_connect_info::<faults::ConnControl>();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let shutdown = async move {
                let _ = stopped.await;
            };
            // Serving only ends on shutdown or a fatal listener error; neither needs handling here.
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await;
        });
        Ok(Simulator {
            address,
            access_token: config.access_token,
            shop,
            bucket,
            bulk,
            faults,
            counters,
            auth,
            stop,
            server,
        })
    }

    /// `http://127.0.0.1:PORT`, what a client uses as the shop domain.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn graphql_url(&self) -> String {
        format!(
            "{}/admin/api/{}/graphql.json",
            self.base_url(),
            http::API_VERSION
        )
    }

    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// The live store, for tests to read expected values from (never hard-code seeded data).
    pub fn state(&self) -> Arc<RwLock<ShopState>> {
        self.shop.clone()
    }

    /// Replaces the cost bucket (full, with this size and refill rate per second). The default
    /// is Shopify's Standard plan: 2000 points, 100 per second.
    pub fn set_throttle(&self, maximum_available: f64, restore_rate: f64) {
        if let Ok(mut bucket) = self.bucket.lock() {
            *bucket = throttle::LeakyBucket::new(maximum_available, restore_rate);
        }
    }

    /// The bucket as the next response would report it (before that request's cost).
    pub fn throttle_status(&self) -> Option<ThrottleStatus> {
        let mut bucket = self.bucket.lock().ok()?;
        Some(bucket.refund(0, std::time::Instant::now()))
    }

    /// The shop's bulk operations, with hooks for tests (pause, line order, injected failures,
    /// broken downloads, the URL clock).
    pub fn bulk(&self) -> &BulkOperations {
        &self.bulk
    }

    /// Faults for the next requests (see [`faults`]).
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Requests, THROTTLED answers and points consumed since start (or the last reset).
    pub fn stats(&self) -> SimStats {
        self.counters.snapshot(&self.faults)
    }

    pub fn reset_stats(&self) {
        self.counters.reset();
    }

    /// Stops accepting requests, lets in-flight ones finish, and waits for the server task.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = self.server.await;
    }
}
