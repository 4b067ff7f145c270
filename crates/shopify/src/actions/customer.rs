//! One customer re-read after an order action (their orders count and total spent changed),
//! without their orders: cheap enough to do after every action.

use serde::Deserialize;
use serde_json::json;
use shopdesk_store::CustomerRecord;

use super::json_query;
use crate::mapping::customer_record;
use crate::queries::customers_page::CustomerFields;
use crate::{ShopifyClient, ShopifyError};

json_query!(CustomerQuery, action_customer);

impl ShopifyClient {
    /// The customer as the store keeps it; `None` when Shopify has no such customer, or when
    /// the answer can't be mapped (the next sync reports that).
    pub async fn refreshed_customer_record(
        &self,
        shop_id: &str,
        customer_id: &str,
    ) -> Result<Option<CustomerRecord>, ShopifyError> {
        #[derive(Deserialize)]
        struct Data {
            customer: Option<CustomerFields>,
        }
        let data: Data = self
            .execute_as::<CustomerQuery, _>(json!({ "id": customer_id }))
            .await?;
        Ok(data
            .customer
            .and_then(|fields| customer_record(shop_id, &fields).ok()))
    }
}
