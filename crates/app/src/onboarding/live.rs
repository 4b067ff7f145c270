//! Live mode: the merchant's own store (and mailbox), from the saved settings and keychain.

use std::path::{Path, PathBuf};

use shopdesk_mailbox::MailAccount;
use shopdesk_shopify::{ShopifyClient, ShopifyConfig};
use shopdesk_sync::{IncrementalReport, SyncResource};

use super::views::ShopSyncProgressView;
use crate::{open_store, App, AppError};

/// A saved store with its secrets, ready to run.
#[derive(Debug, Clone)]
pub struct LiveSetup {
    pub shop_domain: String,
    /// With the token or the client id and secret (client credentials tokens are minted and
    /// renewed by the client itself, before they expire).
    pub shop: ShopifyConfig,
    /// The support mailbox, when one was saved and its password is in the keychain.
    pub mail: Option<MailAccount>,
}

/// What a live [`App`] keeps: the client (with its token source) and where the data is.
pub struct LiveRuntime {
    client: ShopifyClient,
    shop_domain: String,
    data_dir: PathBuf,
}

impl App {
    /// Opens the database in `data_dir` and brings it up to date with the store: a full sync
    /// the first time (progress per page), which resumes where an interrupted one stopped.
    /// If Shopify cannot be reached but the store was synced before, the app starts on the
    /// local copy.
    pub async fn start_live(
        data_dir: &Path,
        setup: &LiveSetup,
        mut progress: impl FnMut(ShopSyncProgressView),
    ) -> Result<App, AppError> {
        let mut store = open_store(data_dir)?;
        let client =
            ShopifyClient::new(setup.shop.clone()).map_err(shopdesk_sync::SyncError::from)?;
        let synced = shopdesk_sync::full_sync(&client, &mut store, |p| {
            progress(ShopSyncProgressView {
                resource: match p.resource {
                    SyncResource::Customers => "customers".into(),
                    SyncResource::Orders => "orders".into(),
                },
                records: u32::try_from(p.records).unwrap_or(u32::MAX),
                done: !p.has_more,
            })
        })
        .await;
        match synced {
            Ok(report) => tracing::info!(
                shop = %setup.shop_domain,
                customers = report.customers.records,
                orders = report.orders.records,
                "store synced"
            ),
            Err(error) if store.shop()?.is_some() => {
                tracing::warn!(shop = %setup.shop_domain, %error, "sync failed; starting on the local copy")
            }
            Err(error) => return Err(error.into()),
        }
        let mut app = App::assemble(store, None);
        app.live = Some(LiveRuntime {
            client,
            shop_domain: setup.shop_domain.clone(),
            data_dir: data_dir.to_path_buf(),
        });
        Ok(app)
    }

    /// The connected store's domain in live mode.
    pub fn live_shop_domain(&self) -> Option<&str> {
        self.live.as_ref().map(|l| l.shop_domain.as_str())
    }

    /// One incremental sync of the live store now, on its own database connection (so the UI's
    /// reads are not blocked while it waits for Shopify).
    pub async fn sync_shop_now(&self) -> Result<IncrementalReport, AppError> {
        let live = self
            .live
            .as_ref()
            .ok_or_else(|| AppError::Demo("no live store is connected in this mode".to_string()))?;
        let mut store = open_store(&live.data_dir)?;
        let report = shopdesk_sync::incremental_sync(&live.client, &mut store, |_| {}).await?;
        Ok(report)
    }
}

impl App {
    /// Keeps the live store fresh in the background (the sync runner: incremental syncs on a
    /// schedule, a customer's orders refreshed when a ticket opens).
    pub async fn keep_live_store_synced(&self) -> Result<(), AppError> {
        let Some(live) = self.live.as_ref() else {
            return Ok(());
        };
        self.start_shopify_sync(live.client.clone(), crate::SyncRunnerOptions::default())
            .await
            .map(drop)
    }
}
