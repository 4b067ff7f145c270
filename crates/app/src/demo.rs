//! Demo mode: the simulator's demo store, synced for real, and the demo mailbox ingested through
//! the same path as IMAP mail. A newcomer sees the whole product with no account.

use std::path::Path;
use std::sync::Mutex;

use shopdesk_shopify::{ShopifyClient, ShopifyConfig};
use shopdesk_shopify_sim::{SimConfig, Simulator};

use crate::views::DemoInfo;
use crate::{open_store, App, AppError};

/// The demo mailbox is generated from this seed: every demo run shows the same tickets.
pub const DEMO_SEED: u64 = 2026;
pub const DEMO_SUPPORT_ADDRESS: &str = "support@northwind-coffee.test";

const PLUS_BUCKET_SIZE: f64 = 20_000.0;
const PLUS_RESTORE_RATE: f64 = 1_000.0;

pub(crate) struct DemoRuntime {
    simulator: Simulator,
}

impl DemoRuntime {
    pub(crate) fn info(&self) -> DemoInfo {
        DemoInfo {
            graphql_url: self.simulator.graphql_url(),
            access_token: self.simulator.access_token().to_string(),
            support_address: DEMO_SUPPORT_ADDRESS.to_string(),
        }
    }
}

impl App {
    /// Starts the demo: the simulated shop on loopback, a full sync of it into the database in
    /// `data_dir`, then the demo mailbox. Running it again on the same folder changes nothing
    /// (upserts, and mail is de-duplicated by Message-ID).
    pub async fn start_demo(data_dir: &Path) -> Result<App, AppError> {
        let mut store = open_store(data_dir)?;
        let simulator = Simulator::start(SimConfig::demo())
            .await
            .map_err(|e| AppError::Demo(e.to_string()))?;
        // The demo shop is on Shopify Plus limits (a 20,000-point bucket restoring 1,000 a
        // second), so the first sync takes a second, not the 20 s a Standard plan would need.
        simulator.set_throttle(PLUS_BUCKET_SIZE, PLUS_RESTORE_RATE);
        let client = ShopifyClient::new(ShopifyConfig::for_graphql_url(
            simulator.graphql_url(),
            simulator.access_token().to_string(),
        ))
        .map_err(|e| AppError::Demo(e.to_string()))?;
        let report = shopdesk_sync::full_sync(&client, &mut store, |_| {}).await?;
        tracing::info!(?report, "demo store synced");

        let mailbox = shopdesk_mail::demo::demo_mailbox(&store, DEMO_SEED, DEMO_SUPPORT_ADDRESS)?;
        let context = shopdesk_mail::IngestContext {
            source: "demo".to_string(),
            support_address: DEMO_SUPPORT_ADDRESS.to_string(),
            now: now_rfc3339(),
        };
        for raw in &mailbox {
            shopdesk_mail::ingest_raw(&mut store, raw, &context)?;
        }
        tracing::info!(messages = mailbox.len(), "demo mailbox ingested");
        Ok(App {
            store: Mutex::new(store),
            demo: Some(DemoRuntime { simulator }),
        })
    }
}

fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}
