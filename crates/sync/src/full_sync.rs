//! The full sync: shop, customers, orders.

use shopdesk_shopify::ShopifyClient;
use shopdesk_store::Store;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::pass::{run_pass, Customers, Orders, Run};
use crate::{SyncError, SyncProgress, SyncReport, SyncResource};

/// Copies the whole store: the shop, then customers (pages of 200), then orders with their
/// line items, fulfillments and refunds (pages of 8, see `shopdesk_shopify::ORDERS_PAGE_SIZE`).
///
/// If an earlier run stopped half-way, this run continues it: a pass with a saved cursor goes
/// on from there, and a pass that run had finished is not repeated. When a pass completes, its
/// cursor is cleared and its watermark set to the highest `updatedAt` seen.
pub async fn full_sync(
    client: &ShopifyClient,
    store: &mut Store,
    mut progress: impl FnMut(SyncProgress),
) -> Result<SyncReport, SyncError> {
    let shop = client.fetch_shop().await?;
    store.upsert_shop(&shop)?;
    let run = match interrupted_run(store, &shop.id)? {
        Some(started_at) => {
            tracing::info!(%started_at, "continuing an interrupted sync");
            Run {
                started_at,
                continues_interrupted: true,
            }
        }
        None => Run {
            started_at: now_rfc3339(),
            continues_interrupted: false,
        },
    };

    let mut rejected = Vec::new();
    let customers =
        run_pass::<Customers>(client, store, &shop.id, &run, &mut rejected, &mut progress).await?;
    let orders =
        run_pass::<Orders>(client, store, &shop.id, &run, &mut rejected, &mut progress).await?;
    // An interrupted bulk import may have set indexes aside; this copy is complete now.
    store.restore_deferred_indexes()?;
    Ok(SyncReport {
        shop,
        started_at: run.started_at,
        customers,
        orders,
        rejected,
    })
}

/// The start time of a run that left a pass with a cursor, if any.
fn interrupted_run(store: &Store, shop_id: &str) -> Result<Option<String>, SyncError> {
    for resource in [SyncResource::Customers, SyncResource::Orders] {
        if let Some(checkpoint) = store.sync_checkpoint(shop_id, resource.as_str())? {
            if checkpoint.cursor.is_some() {
                if let Some(started_at) = checkpoint.pass_started_at {
                    return Ok(Some(started_at));
                }
            }
        }
    }
    Ok(None)
}

/// With sub-second digits: it identifies the run, so two runs must not share it.
fn now_rfc3339() -> String {
    let now = OffsetDateTime::now_utc();
    now.format(&Rfc3339)
        .unwrap_or_else(|_| now.unix_timestamp_nanos().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use shopdesk_shopify::ShopifyConfig;

    /// The app runs the sync on a multi-threaded runtime (`tokio::spawn` needs `Send`).
    #[test]
    fn the_sync_future_can_move_between_threads() {
        fn assert_send<T: Send>(_: &T) {}
        let client =
            ShopifyClient::new(ShopifyConfig::for_graphql_url("http://127.0.0.1:9/", "t")).unwrap();
        let mut store = Store::open_in_memory().unwrap();
        let sync = full_sync(&client, &mut store, |_| {});
        assert_send(&sync);
        drop(sync);
        let refresh =
            crate::refresh_customer_orders(&client, &mut store, "gid://shopify/Customer/1");
        assert_send(&refresh);
    }
}
