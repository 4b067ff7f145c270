//! The variants of one product, with stock: what the replacement dialog offers instead of the
//! ordered variant.

use serde::Deserialize;
use serde_json::json;

use super::json_query;
use super::order_state::Nodes;
use crate::{ShopifyClient, ShopifyError};

json_query!(ProductVariantsQuery, action_product_variants);

/// The document, for schema checks outside this crate.
pub const PRODUCT_VARIANTS_DOCUMENT: &str = crate::queries::action_product_variants::QUERY;

/// One variant of a product and whether a replacement can send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantOption {
    pub id: String,
    pub title: String,
    /// `None` when the shop doesn't track the variant's stock.
    pub inventory_quantity: Option<i64>,
    /// `DENY` or `CONTINUE` (sells when out of stock).
    pub inventory_policy: String,
}

impl VariantOption {
    /// In stock, untracked, or sold even when out of stock.
    pub fn can_send(&self) -> bool {
        self.inventory_policy == "CONTINUE" || self.inventory_quantity.is_none_or(|q| q > 0)
    }
}

impl ShopifyClient {
    /// The product's variants (up to 50); empty when the product does not exist.
    pub async fn product_variants(
        &self,
        product_id: &str,
    ) -> Result<Vec<VariantOption>, ShopifyError> {
        #[derive(Deserialize)]
        struct Data {
            product: Option<RawProduct>,
        }
        #[derive(Deserialize)]
        struct RawProduct {
            variants: Nodes<RawVariant>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct RawVariant {
            id: String,
            title: String,
            inventory_quantity: Option<i64>,
            inventory_policy: String,
        }
        let data: Data = self
            .execute_as::<ProductVariantsQuery, _>(json!({ "id": product_id }))
            .await?;
        Ok(data
            .product
            .map(|p| p.variants.nodes)
            .unwrap_or_default()
            .into_iter()
            .map(|v| VariantOption {
                id: v.id,
                title: v.title,
                inventory_quantity: v.inventory_quantity,
                inventory_policy: v.inventory_policy,
            })
            .collect())
    }
}
