use shopdesk_store::ShopRecord;

use super::{currency, MappingError};
use crate::queries::shop::ShopShop;

pub fn shop_record(shop: &ShopShop) -> Result<ShopRecord, MappingError> {
    let currency = currency(&shop.currency_code).map_err(|reason| {
        MappingError::new(format!("the shop {}", shop.myshopify_domain), reason)
    })?;
    Ok(ShopRecord {
        id: shop.id.clone(),
        domain: shop.myshopify_domain.clone(),
        name: shop.name.clone(),
        currency,
    })
}
