use shopdesk_money::Money;
use shopdesk_store::{
    FulfillmentRecord, IdKind, LineItemRecord, OrderRecord, RefundRecord, ShippingAddress,
    TrackingRecord,
};

use super::{check_id, currency, enum_text, MappingError};
use crate::queries::orders_page::{
    LineItemFields, MoneyFields, OrderFields, OrderFieldsFulfillments, OrderFieldsRefunds,
    OrderFieldsShippingAddress,
};

fn money(value: &MoneyFields) -> Result<Money, String> {
    super::money(&value.amount, &value.currency_code)
}

/// Maps an order with its first page of line items followed by `more_line_items` (fetched
/// with OrderLineItemsPage when the order has more than one page). Takes the fields by value:
/// their strings move into the record (a bulk import maps some million of them).
pub fn order_record(
    shop_id: &str,
    mut o: OrderFields,
    more_line_items: Vec<LineItemFields>,
) -> Result<OrderRecord, MappingError> {
    let items = std::mem::take(&mut o.line_items.nodes);
    let fail = |reason: String| MappingError::new(format!("order {} ({})", o.name, o.id), reason);
    check_id(IdKind::Order, &o.id).map_err(fail)?;
    if let Some(customer) = &o.customer {
        check_id(IdKind::Customer, &customer.id).map_err(|e| fail(format!("customer: {e}")))?;
    }

    let total = money(&o.total_price_set.shop_money).map_err(|e| fail(format!("total: {e}")))?;
    // Every shop-money amount of an order is in the shop's currency; the store relies on it.
    let shop_amount = |what: &str, value: Option<&MoneyFields>| {
        let Some(value) = value else {
            // Shopify leaves subtotal/tax null on some orders (nothing to charge): zero.
            return Ok(Money::zero(total.currency));
        };
        let amount = money(value).map_err(|e| fail(format!("{what}: {e}")))?;
        if amount.currency != total.currency {
            return Err(fail(format!(
                "{what} is in {} but the total is in {}",
                amount.currency, total.currency
            )));
        }
        Ok(amount)
    };
    let subtotal = shop_amount(
        "subtotal",
        o.subtotal_price_set.as_ref().map(|s| &s.shop_money),
    )?;
    let shipping = shop_amount("shipping", Some(&o.total_shipping_price_set.shop_money))?;
    let tax = shop_amount("tax", o.total_tax_set.as_ref().map(|s| &s.shop_money))?;
    let current_total = shop_amount("current total", Some(&o.current_total_price_set.shop_money))?;
    let refunded = shop_amount("refunded", Some(&o.total_refunded_set.shop_money))?;
    let presentment_total = money(&o.total_price_set.presentment_money)
        .map_err(|e| fail(format!("presentment total: {e}")))?;
    let presentment_currency = currency(&o.presentment_currency_code).map_err(fail)?;

    let line_items = items
        .into_iter()
        .chain(more_line_items)
        .map(line_item_record)
        .collect::<Result<Vec<_>, _>>()
        .map_err(fail)?;
    let refunds = o
        .refunds
        .iter()
        .map(|r| refund_record(r, &o.updated_at))
        .collect::<Result<Vec<_>, _>>()
        .map_err(fail)?;
    let shipping_address = o.shipping_address.take().map(shipping_address);

    let fulfillments = o
        .fulfillments
        .iter()
        .map(fulfillment_record)
        .collect::<Result<Vec<_>, _>>()
        .map_err(fail)?;

    Ok(OrderRecord {
        id: o.id,
        shop_id: shop_id.to_string(),
        customer_id: o.customer.map(|c| c.id),
        name: o.name,
        email: o.email,
        created_at: o.created_at,
        processed_at: o.processed_at,
        updated_at: o.updated_at,
        cancelled_at: o.cancelled_at,
        cancel_reason: o.cancel_reason.as_ref().map(enum_text),
        closed_at: o.closed_at,
        // Null for some orders (e.g. nothing to pay); kept as an empty status.
        financial_status: o
            .display_financial_status
            .as_ref()
            .map(enum_text)
            .unwrap_or_default(),
        fulfillment_status: enum_text(&o.display_fulfillment_status),
        presentment_currency,
        subtotal,
        shipping,
        tax,
        total,
        current_total,
        refunded,
        presentment_total,
        note: o.note,
        tags: o.tags,
        shipping_address,
        status_page_url: Some(o.status_page_url),
        line_items,
        fulfillments,
        refunds,
    })
}

pub(crate) fn line_item_record(item: LineItemFields) -> Result<LineItemRecord, String> {
    let unit_price = money(&item.original_unit_price_set.shop_money)
        .map_err(|e| format!("line item {} ({}): unit price: {e}", item.name, item.id))?;
    check_id(IdKind::LineItem, &item.id).map_err(|e| format!("line item {}: {e}", item.name))?;
    Ok(LineItemRecord {
        id: item.id,
        name: item.name,
        sku: item.sku,
        variant_title: item.variant_title,
        quantity: item.quantity,
        current_quantity: item.current_quantity,
        refundable_quantity: item.refundable_quantity,
        unfulfilled_quantity: item.unfulfilled_quantity,
        unit_price,
        variant_id: item.variant.map(|v| v.id),
        product_id: item.product.map(|p| p.id),
    })
}

fn shipping_address(a: OrderFieldsShippingAddress) -> ShippingAddress {
    ShippingAddress {
        name: a.name,
        first_name: a.first_name,
        last_name: a.last_name,
        company: a.company,
        address1: a.address1,
        address2: a.address2,
        city: a.city,
        province: a.province,
        province_code: a.province_code,
        zip: a.zip,
        country: a.country,
        country_code: a.country_code_v2.as_ref().map(enum_text),
        phone: a.phone,
    }
}

fn fulfillment_record(f: &OrderFieldsFulfillments) -> Result<FulfillmentRecord, String> {
    Ok(FulfillmentRecord {
        id: check_id(IdKind::Fulfillment, &f.id)
            .map(|()| f.id.clone())
            .map_err(|e| format!("fulfillment: {e}"))?,
        status: enum_text(&f.status),
        display_status: f.display_status.as_ref().map(enum_text),
        created_at: f.created_at.clone(),
        delivered_at: f.delivered_at.clone(),
        tracking: f
            .tracking_info
            .iter()
            .map(|t| TrackingRecord {
                company: t.company.clone(),
                number: t.number.clone(),
                url: t.url.clone(),
            })
            .collect(),
    })
}

fn refund_record(r: &OrderFieldsRefunds, order_updated_at: &str) -> Result<RefundRecord, String> {
    let amount = money(&r.total_refunded_set.shop_money)
        .map_err(|e| format!("refund {}: amount: {e}", r.id))?;
    Ok(RefundRecord {
        id: check_id(IdKind::Refund, &r.id)
            .map(|()| r.id.clone())
            .map_err(|e| format!("refund: {e}"))?,
        // Nullable in the schema; a refund cannot be later than the order's last change.
        created_at: r
            .created_at
            .clone()
            .unwrap_or_else(|| order_updated_at.to_string()),
        note: r.note.clone(),
        amount,
    })
}
