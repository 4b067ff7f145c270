//! A refund preview estimated from the store's copy of the order, for when Shopify can't be
//! reached. It follows Shopify's `suggestedRefund` arithmetic (discounted unit price x
//! quantity, line tax pro rata, shipping none / what is left / an amount, capped by what can
//! still be refunded), with the per-line discount and tax rate recovered from the order's
//! totals. It is only an estimate: before a queued refund is sent, Shopify's own suggestion
//! is compared with it and the refund held if they differ.

use rust_decimal::{Decimal, RoundingStrategy};
use shopdesk_money::{Currency, Money};
use shopdesk_store::{LineItemRecord, OrderRecord};

use crate::error::InvalidRequest;
use crate::types::{RefundPreview, RefundRequest, RefundableLine, ShippingRefund};
use crate::validate;

fn round(amount: Decimal, currency: Currency) -> Decimal {
    amount.round_dp_with_strategy(
        currency.minor_units(),
        RoundingStrategy::MidpointAwayFromZero,
    )
}

/// A rate recovered from rounded totals: 4 decimals brings back "0.19" or "0.0825".
fn ratio(part: Decimal, whole: Decimal) -> Decimal {
    if whole.is_zero() {
        Decimal::ZERO
    } else {
        (part / whole).round_dp(4)
    }
}

/// The order's amounts and rates, in shop currency, as far as the local copy tells them.
struct LocalOrder<'a> {
    order: &'a OrderRecord,
    shop: Currency,
    /// The share of the original price taken off by discounts (0.10 for 10 %).
    discount_rate: Decimal,
    tax_rate: Decimal,
    /// Presentment amount per shop-currency unit.
    presentment_rate: Decimal,
}

impl LocalOrder<'_> {
    fn discounted_unit(&self, item: &LineItemRecord) -> Decimal {
        let unit = item.unit_price.amount;
        unit - round(unit * self.discount_rate, self.shop)
    }

    fn line_tax(&self, item: &LineItemRecord) -> Decimal {
        round(
            self.discounted_unit(item) * Decimal::from(item.quantity) * self.tax_rate,
            self.shop,
        )
    }

    /// Tax for `quantity` units: pro rata, the last units taking what is left of the line's.
    fn tax_for(&self, item: &LineItemRecord, quantity: i64) -> Decimal {
        let line_tax = self.line_tax(item);
        let pro_rata = |units: i64| {
            round(
                line_tax * Decimal::from(units) / Decimal::from(item.quantity.max(1)),
                self.shop,
            )
        };
        if quantity >= item.current_quantity {
            line_tax - pro_rata(item.quantity - item.current_quantity)
        } else {
            pro_rata(quantity)
        }
    }

    /// Shipping not yet refunded: what was refunded beyond the refunded items' value.
    fn shipping_left(&self) -> Decimal {
        let order = self.order;
        let items_refunded: Decimal = order
            .line_items
            .iter()
            .map(|item| {
                let units = item.quantity - item.current_quantity;
                let tax = round(
                    self.line_tax(item) * Decimal::from(units)
                        / Decimal::from(item.quantity.max(1)),
                    self.shop,
                );
                self.discounted_unit(item) * Decimal::from(units) + tax
            })
            .sum();
        let shipping_refunded = (order.refunded.amount - items_refunded)
            .max(Decimal::ZERO)
            .min(order.shipping.amount);
        order.shipping.amount - shipping_refunded
    }

    fn presentment(&self, shop_amount: Decimal) -> Money {
        let currency = self.order.presentment_currency;
        Money::new(
            round(shop_amount * self.presentment_rate, currency),
            currency,
        )
    }

    /// The shop-currency amount of a presentment amount (all of `whole_shop` when it is that).
    fn shop_amount_of(&self, presentment: &Money, whole_shop: Decimal) -> Decimal {
        if presentment.amount == self.presentment(whole_shop).amount
            || self.presentment_rate.is_zero()
        {
            return whole_shop;
        }
        round(presentment.amount / self.presentment_rate, self.shop)
    }
}

/// The preview of `request` estimated from `order`, marked `estimated_from_local_copy`.
pub(crate) fn preview(
    request: &RefundRequest,
    order: &OrderRecord,
    limit: Option<Money>,
) -> Result<RefundPreview, InvalidRequest> {
    if order.cancelled_at.is_some() {
        return Err(InvalidRequest::OrderCancelled {
            order: order.name.clone(),
            what: "refunded",
        });
    }
    let shop = order.total.currency;
    let gross: Decimal = order
        .line_items
        .iter()
        .map(|item| item.unit_price.amount * Decimal::from(item.quantity))
        .sum();
    // The seeded and real rates carry 6 decimals; the totals bring them back closely enough.
    let presentment_rate = if order.presentment_currency == shop {
        Decimal::ONE
    } else if order.total.is_zero() {
        Decimal::ZERO
    } else {
        (order.presentment_total.amount / order.total.amount).round_dp(6)
    };
    let local = LocalOrder {
        order,
        shop,
        discount_rate: Decimal::ONE - ratio(order.subtotal.amount, gross),
        tax_rate: ratio(order.tax.amount, order.subtotal.amount),
        presentment_rate,
    };

    let (mut subtotal, mut tax) = (Decimal::ZERO, Decimal::ZERO);
    for line in &request.lines {
        let item = order
            .line_items
            .iter()
            .find(|item| item.id == line.line_item_id)
            .ok_or_else(|| InvalidRequest::UnknownLineItem {
                item: line.line_item_id.clone(),
                order: order.name.clone(),
            })?;
        if line.quantity > item.refundable_quantity {
            return Err(InvalidRequest::AboveRefundable {
                item: item.name.clone(),
                refundable: item.refundable_quantity,
            });
        }
        subtotal += local.discounted_unit(item) * Decimal::from(line.quantity);
        tax += local.tax_for(item, line.quantity);
    }

    let shipping_left = local.shipping_left();
    let shipping = match &request.shipping {
        ShippingRefund::None => Decimal::ZERO,
        ShippingRefund::Full => shipping_left,
        ShippingRefund::Amount(amount) => {
            if amount.currency != order.presentment_currency {
                return Err(InvalidRequest::CurrencyMismatch {
                    given: amount.currency.code().into(),
                    expected: order.presentment_currency.code().into(),
                    order: order.name.clone(),
                });
            }
            // Shopify never suggests more shipping than is left of it.
            local
                .shop_amount_of(amount, shipping_left)
                .min(shipping_left)
        }
    };
    let maximum = (order.total.amount - order.refunded.amount).max(Decimal::ZERO);
    let maximum_presentment = if order.refunded.is_zero() {
        order.presentment_total
    } else {
        local.presentment(maximum)
    };
    let sum = subtotal + tax + shipping;
    let total = if sum >= maximum {
        maximum_presentment
    } else {
        local.presentment(sum)
    };
    let limit_ref = limit.as_ref();
    Ok(RefundPreview {
        order_id: order.id.clone(),
        order_name: order.name.clone(),
        currency: order.presentment_currency.code().into(),
        exceeds_limit: validate::exceeds_limit(&total, limit_ref),
        limit,
        subtotal: local.presentment(subtotal),
        tax: local.presentment(tax),
        shipping: local.presentment(shipping),
        total,
        maximum_refundable: maximum_presentment,
        maximum_refundable_shipping: local.presentment(shipping_left),
        lines: order
            .line_items
            .iter()
            .map(|item| RefundableLine {
                line_item_id: item.id.clone(),
                name: item.name.clone(),
                refundable_quantity: item.refundable_quantity,
                quantity: request
                    .lines
                    .iter()
                    .find(|l| l.line_item_id == item.id)
                    .map_or(0, |l| l.quantity),
            })
            .collect(),
        // Which payment it goes back to is only known to Shopify.
        transactions: Vec::new(),
        estimated_from_local_copy: true,
    })
}
