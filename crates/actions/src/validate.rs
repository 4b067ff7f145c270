//! Checks of a request, before anything is written: first its shape alone, then against the
//! order's fresh state. Each failure is an [`InvalidRequest`] with a sentence for the dialog.

use std::collections::HashSet;

use shopdesk_money::{Currency, Money};
use shopdesk_shopify::actions::{ActionOrder, SuggestedRefund, VariantInfo};

use crate::error::InvalidRequest;
use crate::types::{
    ActionRequest, CancelRequest, OrderEditRequest, RefundRequest, ReplacementRequest,
    ShippingRefund,
};

/// What can be checked without Shopify.
pub(crate) fn shape(request: &ActionRequest) -> Result<(), InvalidRequest> {
    match request {
        ActionRequest::Refund(r) => {
            if r.lines.is_empty() && r.shipping == ShippingRefund::None {
                return Err(InvalidRequest::NothingSelected);
            }
            lines_shape(r.lines.iter().map(|l| (&l.line_item_id, l.quantity)))?;
            if let ShippingRefund::Amount(amount) = &r.shipping {
                if amount.amount.is_sign_negative() {
                    return Err(InvalidRequest::Amount(
                        "The shipping amount can't be negative.".into(),
                    ));
                }
                fits_minor_units(amount)?;
            }
            if let Some(total) = &r.confirmed_total {
                fits_minor_units(total)?;
            }
            Ok(())
        }
        ActionRequest::Replacement(r) => {
            if r.lines.is_empty() {
                return Err(InvalidRequest::NothingSelected);
            }
            lines_shape(r.lines.iter().map(|l| (&l.line_item_id, l.quantity)))
        }
        ActionRequest::Cancel(r) => match r.staff_note.as_deref().map(|n| n.chars().count()) {
            Some(length) if length > 255 => Err(InvalidRequest::StaffNoteTooLong { length }),
            _ => Ok(()),
        },
        ActionRequest::Edit(r) => {
            let no_tags = r.tags.as_ref().is_none_or(|t| t.is_empty());
            if r.note.is_none() && no_tags && r.shipping_address.is_none() {
                return Err(InvalidRequest::NothingToEdit);
            }
            Ok(())
        }
    }
}

fn lines_shape<'a>(lines: impl Iterator<Item = (&'a String, i64)>) -> Result<(), InvalidRequest> {
    let mut seen = HashSet::new();
    for (id, quantity) in lines {
        if quantity < 1 {
            return Err(InvalidRequest::ZeroQuantity { item: id.clone() });
        }
        if !seen.insert(id) {
            return Err(InvalidRequest::DuplicateLine { item: id.clone() });
        }
    }
    Ok(())
}

/// No "10.005 EUR", no "100.5 JPY".
pub(crate) fn fits_minor_units(amount: &Money) -> Result<(), InvalidRequest> {
    Money::parse_exact(&amount.amount.to_string(), amount.currency)
        .map(|_| ())
        .map_err(|e| InvalidRequest::Amount(format!("{e}.")))
}

pub(crate) fn same_currency(
    amount: &Money,
    expected: Currency,
    order: &str,
) -> Result<(), InvalidRequest> {
    if amount.currency == expected {
        Ok(())
    } else {
        Err(InvalidRequest::CurrencyMismatch {
            given: amount.currency.code().into(),
            expected: expected.code().into(),
            order: order.into(),
        })
    }
}

/// Equal to the currency's minor unit (24.9 and 24.90 are the same amount).
pub(crate) fn same_amount(a: &Money, b: &Money) -> bool {
    a.currency == b.currency && a.rounded().amount == b.rounded().amount
}

/// Above the agent's limit; a limit in another currency than the refund counts as exceeded
/// (no exchange rates here: the owner decides).
pub(crate) fn exceeds_limit(total: &Money, limit: Option<&Money>) -> bool {
    match limit {
        None => false,
        Some(limit) if limit.currency != total.currency => true,
        Some(limit) => total.rounded().amount > limit.rounded().amount,
    }
}

pub(crate) fn refund(request: &RefundRequest, order: &ActionOrder) -> Result<(), InvalidRequest> {
    for line in &request.lines {
        let item = order
            .line_item(&line.line_item_id)
            .ok_or_else(|| unknown_line(&line.line_item_id, order))?;
        if line.quantity > item.refundable_quantity {
            return Err(InvalidRequest::AboveRefundable {
                item: item.name.clone(),
                refundable: item.refundable_quantity,
            });
        }
    }
    if let ShippingRefund::Amount(amount) = &request.shipping {
        same_currency(amount, order.currency, &order.name)?;
    }
    if let Some(total) = &request.confirmed_total {
        same_currency(total, order.currency, &order.name)?;
    }
    Ok(())
}

/// Checks that need Shopify's suggestion for the selection.
pub(crate) fn refund_amounts(
    request: &RefundRequest,
    suggestion: &SuggestedRefund,
) -> Result<(), InvalidRequest> {
    if let ShippingRefund::Amount(amount) = &request.shipping {
        if amount.amount > suggestion.maximum_refundable_shipping.amount {
            return Err(InvalidRequest::ShippingAboveRefundable {
                maximum: suggestion.maximum_refundable_shipping.to_string(),
            });
        }
    }
    if suggestion.total.is_zero() {
        return Err(InvalidRequest::ZeroRefund);
    }
    if suggestion.total.amount > suggestion.maximum_refundable.amount {
        return Err(InvalidRequest::Amount(format!(
            "The refund of {} is more than the {} still refundable on the order.",
            suggestion.total, suggestion.maximum_refundable
        )));
    }
    Ok(())
}

pub(crate) fn replacement(
    request: &ReplacementRequest,
    order: &ActionOrder,
) -> Result<(), InvalidRequest> {
    if order.cancelled_at.is_some() {
        return Err(InvalidRequest::OrderCancelled {
            order: order.name.clone(),
            what: "replaced",
        });
    }
    for line in &request.lines {
        let item = order
            .line_item(&line.line_item_id)
            .ok_or_else(|| unknown_line(&line.line_item_id, order))?;
        if item.variant_id.is_none() && line.variant_id.is_none() {
            return Err(InvalidRequest::OtherProduct {
                variant: item.name.clone(),
                product: "the catalog".into(),
            });
        }
    }
    if request.shipping_address.is_none() && order.shipping_address.is_none() {
        return Err(InvalidRequest::NoShippingAddress {
            order: order.name.clone(),
        });
    }
    Ok(())
}

/// A chosen variant must be of the line's product and in stock (unless it sells anyway).
pub(crate) fn replacement_variant(
    variant: &VariantInfo,
    product_id: Option<&str>,
    quantity: i64,
) -> Result<(), InvalidRequest> {
    if let Some(product_id) = product_id {
        if variant.product_id != product_id {
            return Err(InvalidRequest::OtherProduct {
                variant: variant.display_name.clone(),
                product: "the original item's product".into(),
            });
        }
    }
    match variant.inventory_quantity {
        Some(available) if available < quantity && variant.inventory_policy != "CONTINUE" => {
            Err(InvalidRequest::OutOfStock {
                variant: variant.display_name.clone(),
                available: available.max(0),
            })
        }
        _ => Ok(()),
    }
}

pub(crate) fn cancel(_request: &CancelRequest, order: &ActionOrder) -> Result<(), InvalidRequest> {
    if order.cancelled_at.is_some() {
        return Err(InvalidRequest::OrderCancelled {
            order: order.name.clone(),
            what: "cancelled again",
        });
    }
    if matches!(
        order.fulfillment_status.as_str(),
        "FULFILLED" | "PARTIALLY_FULFILLED"
    ) {
        return Err(InvalidRequest::AlreadyFulfilled {
            order: order.name.clone(),
        });
    }
    Ok(())
}

/// What a cancellation with `refund: true` gives back: everything captured (sales and
/// captures that succeeded) less what was already refunded, in the order's currency. This is
/// what Shopify's `orderCancel` refunds, so it is checked against the agent's limit.
pub(crate) fn cancel_refund(order: &ActionOrder) -> Money {
    let status_ok = |t: &&shopdesk_shopify::actions::ActionTransaction| {
        t.status.eq_ignore_ascii_case("SUCCESS") && t.amount.currency == order.currency
    };
    let paid: rust_decimal::Decimal = order
        .transactions
        .iter()
        .filter(status_ok)
        .filter(|t| matches!(t.kind.to_ascii_uppercase().as_str(), "SALE" | "CAPTURE"))
        .map(|t| t.amount.amount)
        .sum();
    let refunded: rust_decimal::Decimal = order
        .transactions
        .iter()
        .filter(status_ok)
        .filter(|t| t.kind.eq_ignore_ascii_case("REFUND"))
        .map(|t| t.amount.amount)
        .sum();
    let left = (paid - refunded).max(rust_decimal::Decimal::ZERO);
    Money::new(left, order.currency).rounded()
}

pub(crate) fn edit(
    _request: &OrderEditRequest,
    _order: &ActionOrder,
) -> Result<(), InvalidRequest> {
    Ok(())
}

fn unknown_line(id: &str, order: &ActionOrder) -> InvalidRequest {
    InvalidRequest::UnknownLineItem {
        item: id.into(),
        order: order.name.clone(),
    }
}

#[cfg(test)]
mod tests;
