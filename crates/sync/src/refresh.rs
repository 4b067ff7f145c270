//! Refreshing one customer and their orders, when a ticket about them opens.

use shopdesk_shopify::ShopifyClient;
use shopdesk_store::{CustomerRecord, Store};

use crate::{RejectedRecord, SyncError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshReport {
    /// `None` when Shopify no longer has the customer (deleted or merged), or when it could not
    /// be mapped (then it is in `rejected`).
    pub customer: Option<CustomerRecord>,
    /// Orders written.
    pub orders: usize,
    pub rejected: Vec<RejectedRecord>,
    pub requests: u32,
}

/// Fetches the customer and their orders (newest first, up to
/// `shopdesk_shopify::CUSTOMER_ORDERS_LIMIT`) and writes them. Sync checkpoints are
/// left alone: this is a look at one customer, not part of a pass.
pub async fn refresh_customer_orders(
    client: &ShopifyClient,
    store: &mut Store,
    customer_id: &str,
) -> Result<RefreshReport, SyncError> {
    let shop_id = match store.shop()? {
        Some(shop) => shop.id,
        None => {
            // Not synced yet: the shop row must exist before its customers and orders.
            let shop = client.fetch_shop().await?;
            store.upsert_shop(&shop)?;
            shop.id
        }
    };
    let Some(fetched) = client.fetch_customer_orders(&shop_id, customer_id).await? else {
        return Ok(RefreshReport {
            customer: None,
            orders: 0,
            rejected: Vec::new(),
            requests: 1,
        });
    };
    if let Some(customer) = &fetched.customer {
        store.upsert_customers_page(std::slice::from_ref(customer), None)?;
    }
    store.upsert_orders_page(&fetched.orders, None)?;
    Ok(RefreshReport {
        customer: fetched.customer,
        orders: fetched.orders.len(),
        rejected: fetched.rejected.into_iter().map(Into::into).collect(),
        requests: fetched.requests,
    })
}
