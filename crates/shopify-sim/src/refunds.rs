//! Refund arithmetic shared by `Order.suggestedRefund` and `refundCreate`.
//!
//! Amounts are computed in shop currency (what the store holds) and shown in presentment
//! currency by the order's rate; the remaining refundable money is tracked exactly in both, so
//! refunding "everything left" in presentment currency always lands on zero.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::model::{Order, RestockType};

/// One line of a refund request, already checked against the order.
#[derive(Debug, Clone)]
pub struct LineRequest {
    pub index: u16,
    pub quantity: u32,
    pub restock_type: RestockType,
    pub location: Option<u16>,
}

/// What shipping to give back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ShippingRequest {
    None,
    /// What is left of the shipping charge.
    Full,
    /// This much, in presentment currency.
    Amount(Decimal),
}

/// An amount in shop and presentment currency.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Bag {
    pub shop: Decimal,
    pub presentment: Decimal,
}

#[derive(Debug, Clone)]
pub struct LineRefund {
    pub request: LineRequest,
    pub unit: Bag,
    pub subtotal: Bag,
    pub tax: Bag,
}

#[derive(Debug, Clone)]
pub struct RefundCalc {
    pub lines: Vec<LineRefund>,
    pub subtotal: Bag,
    pub tax: Bag,
    pub shipping: Bag,
    pub shipping_refundable: Bag,
    /// Lines + tax + shipping, capped by `maximum`.
    pub amount: Bag,
    /// What the payment can still give back.
    pub maximum: Bag,
}

pub fn bag(order: &Order, shop: Decimal) -> Bag {
    Bag {
        shop,
        presentment: order.to_presentment(shop),
    }
}

fn round(amount: Decimal, minor_units: u32) -> Decimal {
    amount.round_dp_with_strategy(minor_units, RoundingStrategy::MidpointAwayFromZero)
}

/// Shop-currency value of a presentment amount (exact when it is all that is left).
pub fn from_presentment(
    order: &Order,
    presentment: Decimal,
    whole: Bag,
    shop_units: u32,
) -> Decimal {
    if presentment == whole.presentment {
        return whole.shop;
    }
    if order.presentment_rate.is_zero() {
        return presentment;
    }
    round(presentment / order.presentment_rate, shop_units)
}

/// Tax given back for `quantity` units of a line: pro rata, the last units taking the
/// remainder so a line refunded in parts adds up to its tax exactly.
fn line_tax(order: &Order, index: u16, quantity: u32, shop_units: u32) -> Decimal {
    let line = &order.line_items[index as usize];
    let already: Decimal = order
        .refunds
        .iter()
        .flat_map(|r| &r.line_items)
        .filter(|l| l.line_item == index)
        .map(|l| l.tax)
        .sum();
    if quantity >= line.current_quantity() {
        line.tax - already
    } else {
        round(
            line.tax * Decimal::from(quantity) / Decimal::from(line.quantity.max(1)),
            shop_units,
        )
    }
}

pub fn shipping_refundable(order: &Order) -> Decimal {
    (order.shipping_price - order.refunded_shipping()).max(Decimal::ZERO)
}

/// The refund of `lines` and `shipping`, with the order as it stands.
pub fn calculate(
    order: &Order,
    shop_units: u32,
    lines: &[LineRequest],
    shipping: ShippingRequest,
) -> RefundCalc {
    let (max_shop, max_presentment) = order.refundable_money();
    let maximum = Bag {
        shop: max_shop,
        presentment: max_presentment,
    };
    let mut out = Vec::new();
    for request in lines {
        let line = &order.line_items[request.index as usize];
        let unit = line.discounted_unit_price();
        let subtotal = unit * Decimal::from(request.quantity);
        let tax = line_tax(order, request.index, request.quantity, shop_units);
        out.push(LineRefund {
            request: request.clone(),
            unit: bag(order, unit),
            subtotal: bag(order, subtotal),
            tax: bag(order, tax),
        });
    }
    let refundable_shipping = bag(order, shipping_refundable(order));
    let shipping = match shipping {
        ShippingRequest::None => Bag::default(),
        ShippingRequest::Full => refundable_shipping,
        ShippingRequest::Amount(presentment) => Bag {
            shop: from_presentment(order, presentment, refundable_shipping, shop_units),
            presentment,
        },
    };
    let subtotal_shop: Decimal = out.iter().map(|l| l.subtotal.shop).sum();
    let tax_shop: Decimal = out.iter().map(|l| l.tax.shop).sum();
    let total_shop = subtotal_shop + tax_shop + shipping.shop;
    let amount = if total_shop >= maximum.shop {
        maximum
    } else {
        bag(order, total_shop)
    };
    RefundCalc {
        lines: out,
        subtotal: bag(order, subtotal_shop),
        tax: bag(order, tax_shop),
        shipping,
        shipping_refundable: refundable_shipping,
        amount,
        maximum,
    }
}

/// Every unit still refundable, restocked as Shopify suggests (unfulfilled units cancelled,
/// fulfilled ones not restocked).
pub fn everything_left(order: &Order) -> Vec<LineRequest> {
    order
        .line_items
        .iter()
        .enumerate()
        .filter(|(_, line)| line.current_quantity() > 0)
        .map(|(index, line)| LineRequest {
            index: index as u16,
            quantity: line.current_quantity(),
            restock_type: if line.unfulfilled_quantity() > 0 {
                RestockType::Cancel
            } else {
                RestockType::NoRestock
            },
            location: None,
        })
        .collect()
}
