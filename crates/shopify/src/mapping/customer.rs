use shopdesk_store::{CustomerRecord, IdKind};

use super::{check_id, money, MappingError};
use crate::queries::customers_page::CustomerFields;

pub fn customer_record(shop_id: &str, c: &CustomerFields) -> Result<CustomerRecord, MappingError> {
    let fail = |reason: String| {
        MappingError::new(format!("customer {} ({})", c.display_name, c.id), reason)
    };
    // UnsignedInt64 arrives as a JSON string.
    let number_of_orders = c.number_of_orders.parse::<i64>().map_err(|_| {
        fail(format!(
            "numberOfOrders \"{}\" is not a count",
            c.number_of_orders
        ))
    })?;
    let amount_spent = money(&c.amount_spent.amount, &c.amount_spent.currency_code)
        .map_err(|e| fail(format!("amountSpent: {e}")))?;
    Ok(CustomerRecord {
        id: check_id(IdKind::Customer, &c.id)
            .map(|()| c.id.clone())
            .map_err(fail)?,
        shop_id: shop_id.to_string(),
        display_name: c.display_name.clone(),
        first_name: c.first_name.clone(),
        last_name: c.last_name.clone(),
        email: c
            .default_email_address
            .as_ref()
            .map(|e| e.email_address.clone()),
        phone: c
            .default_phone_number
            .as_ref()
            .map(|p| p.phone_number.clone()),
        number_of_orders,
        amount_spent,
        tags: c.tags.clone(),
        note: c.note.clone(),
        created_at: c.created_at.clone(),
        updated_at: c.updated_at.clone(),
    })
}
