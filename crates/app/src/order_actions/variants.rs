//! The variants of a product, with stock, for the replacement dialog (the typed document and
//! client call live in `shopdesk-shopify`: `graphql/action_product_variants.graphql`).

use shopdesk_shopify::{ShopifyClient, ShopifyError};

use super::views::VariantOptionView;

/// The document, re-exported for this crate's schema-validation test.
pub use shopdesk_shopify::actions::PRODUCT_VARIANTS_DOCUMENT;

/// The product's variants; an out-of-stock variant the shop doesn't oversell is marked so.
pub async fn product_variants(
    client: &ShopifyClient,
    product_id: &str,
) -> Result<Vec<VariantOptionView>, ShopifyError> {
    Ok(client
        .product_variants(product_id)
        .await?
        .into_iter()
        .map(|v| VariantOptionView {
            in_stock: v.can_send(),
            available: v.inventory_quantity,
            variant_id: v.id,
            title: v.title,
        })
        .collect())
}
