//! Helpers for sync tests: a started simulator, a store in a temp file, the records the
//! simulator's state should produce, and a proxy that injects faults.
#![allow(dead_code)]

pub mod expected;
pub mod proxy;

use shopdesk_shopify::{ShopifyClient, ShopifyConfig};
use shopdesk_shopify_sim::{SimConfig, Simulator};
use shopdesk_store::Store;
use tempfile::TempDir;

/// A simulator whose cost bucket refills at once, for tests that are not about pacing
/// (with Shopify's 100 points a second, the demo store alone takes about 25 s to copy).
pub async fn start(config: SimConfig) -> Simulator {
    let sim = start_with_shopify_limits(config).await;
    sim.set_throttle(2_000.0, 1_000_000.0);
    sim
}

/// A simulator with the default bucket (2,000 points, 100 a second).
pub async fn start_with_shopify_limits(config: SimConfig) -> Simulator {
    Simulator::start(config).await.expect("simulator starts")
}

pub fn client_for(url: &str, token: &str) -> ShopifyClient {
    ShopifyClient::new(ShopifyConfig::for_graphql_url(url, token)).expect("client")
}

pub fn client(sim: &Simulator) -> ShopifyClient {
    client_for(&sim.graphql_url(), sim.access_token())
}

/// A real SQLite file in a temporary folder (kept alive by the returned `TempDir`).
pub fn temp_store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("shopdesk.sqlite")).expect("store opens");
    (dir, store)
}
