//! The changes themselves, each keeping the shop consistent the way Shopify does: refunds
//! never exceed what is refundable and their totals add up, statuses are derived, a deleted
//! order leaves its customer and a deleted customer has no orders.

use rand::Rng;
use rust_decimal::Decimal;

use super::{round_money, touch_customer_of, Activity};
use crate::events::EventSubjectType;
use crate::executor::gid;
use crate::model::*;

const NOTES: &[&str] = &[
    "Customer asked for gift wrapping",
    "Please ring twice",
    "Leave with the neighbour",
    "Call before delivery",
    "Deliver after 6 pm",
];
const TAGS: &[&str] = &["gift", "priority", "wholesale", "subscription", "follow-up"];
const STREETS: &[&str] = &[
    "Rue des Lilas",
    "Hauptstraße",
    "Calle Mayor",
    "Baker Street",
    "ul. Długa",
];
const FIRST_NAMES: &[&str] = &[
    "Zoë", "Jürgen", "Łukasz", "Sanne", "Lucía", "Amelia", "José",
];
const LAST_NAMES: &[&str] = &["Dubois", "Müller", "Nowak", "de Vries", "López", "O'Brien"];
const REFUND_NOTES: &[&str] = &["Damaged in transit", "Wrong size", "Changed their mind"];

impl Activity {
    pub(super) fn create_order(&mut self, state: &mut ShopState, at: Timestamp) -> Option<String> {
        let customer_index = match self.pick_customer(state, |_| true) {
            Some(index) => index,
            None => {
                self.create_customer(state, at);
                state.customers.len() - 1
            }
        };
        let currency = state.shop.currency;
        let tax_rate = Decimal::new(20, 2);
        let mut line_items: Vec<LineItem> = Vec::new();
        for _ in 0..self.rng.random_range(1..=3) {
            let product = self.rng.random_range(0..state.products.len());
            let variant = self
                .rng
                .random_range(0..state.products[product].variants.len());
            let already = line_items
                .iter()
                .any(|l| l.product as usize == product && l.variant as usize == variant);
            if already {
                continue;
            }
            let unit_price = state.products[product].variants[variant].price;
            let quantity = self.rng.random_range(1..=3);
            self.next.line_item += 1;
            line_items.push(LineItem {
                legacy_id: self.next.line_item,
                product: product as u16,
                variant: variant as u16,
                quantity,
                unit_price,
                unit_discount: Decimal::ZERO,
                tax: round_money(unit_price * Decimal::from(quantity) * tax_rate, currency),
                fulfilled_quantity: 0,
                refunded_quantity: 0,
            });
        }
        let customer = &state.customers[customer_index];
        // Orders made by draftOrderComplete since the activity started take numbers too.
        self.next.order = self
            .next
            .order
            .max(state.orders.last().map_or(0, |o| o.legacy_id))
            + 1;
        let highest_number = state.orders.iter().map(|o| o.number).max().unwrap_or(0);
        self.next.order_number = self.next.order_number.max(highest_number) + 1;
        let confirmation_number: String = (0..9)
            .map(|_| {
                const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
                ALPHABET[self.rng.random_range(0..ALPHABET.len())] as char
            })
            .collect();
        let order = Order {
            legacy_id: self.next.order,
            number: self.next.order_number,
            customer: Some(customer_index as u32),
            email: customer.email.clone(),
            phone: customer.phone.clone(),
            created_at: at,
            processed_at: at,
            updated_at: at,
            cancelled_at: None,
            cancel_reason: None,
            closed_at: None,
            payment: if self.rng.random_ratio(4, 5) {
                PaymentState::Paid
            } else {
                PaymentState::Pending
            },
            note: None,
            tags: Vec::new(),
            test: false,
            presentment_currency: currency,
            presentment_rate: Decimal::ONE,
            confirmation_number,
            tax_rate,
            shipping_price: round_money(Decimal::new(490, 2), currency),
            shipping_address: customer.default_address.clone(),
            line_items,
            fulfillments: Vec::new(),
            refunds: Vec::new(),
            extra: OrderExtra::default(),
        };
        let id = gid("Order", order.legacy_id);
        state.orders.push(order);
        let order_index = state.orders.len() - 1;
        state.customers[customer_index]
            .order_indexes
            .push(order_index as u32);
        touch_customer_of(state, order_index, at);
        Some(id)
    }

    pub(super) fn update_order(
        &mut self,
        state: &mut ShopState,
        index: usize,
        at: Timestamp,
    ) -> Option<String> {
        let what = self.rng.random_range(0..3);
        let note = format!("{} ({at})", NOTES[self.rng.random_range(0..NOTES.len())]);
        let tag = TAGS[self.rng.random_range(0..TAGS.len())];
        let street = STREETS[self.rng.random_range(0..STREETS.len())];
        let number = self.rng.random_range(1..200);
        let order = state.orders.get_mut(index)?;
        match (what, order.shipping_address.as_mut()) {
            (0, _) => order.note = Some(note),
            (1, _) => {
                // Toggle: tags are a set in Shopify.
                if let Some(position) = order.tags.iter().position(|t| t == tag) {
                    order.tags.remove(position);
                } else {
                    order.tags.push(tag.to_string());
                }
            }
            (_, Some(address)) => address.address1 = format!("{number} {street}"),
            (_, None) => order.note = Some(note),
        }
        order.updated_at = at;
        Some(gid("Order", order.legacy_id))
    }

    pub(super) fn refund(&mut self, state: &mut ShopState, at: Timestamp) -> Option<String> {
        let index = self.pick_order(state, |o| {
            o.payment == PaymentState::Paid
                && o.cancelled_at.is_none()
                && o.line_items.iter().any(|l| l.current_quantity() > 0)
        })?;
        let refundable: Vec<u16> = (0..state.orders[index].line_items.len() as u16)
            .filter(|&i| state.orders[index].line_items[i as usize].current_quantity() > 0)
            .collect();
        let line = refundable[self.rng.random_range(0..refundable.len())];
        let available = state.orders[index].line_items[line as usize].current_quantity();
        let quantity = self.rng.random_range(1..=available);
        let note = Some(REFUND_NOTES[self.rng.random_range(0..REFUND_NOTES.len())].to_string());
        self.add_refund(state, index, at, note, &[(line, quantity)]);
        Some(gid("Order", state.orders[index].legacy_id))
    }

    /// Refunds `lines` (line index, units), capped at what is refundable; once nothing is left
    /// to refund, the shipping goes back too, so the order ends REFUNDED.
    fn add_refund(
        &mut self,
        state: &mut ShopState,
        index: usize,
        at: Timestamp,
        note: Option<String>,
        lines: &[(u16, u32)],
    ) {
        let currency = state.shop.currency;
        let order = &mut state.orders[index];
        let mut refund_lines = Vec::new();
        for &(line_index, wanted) in lines {
            let refunded_tax: Decimal = order
                .refunds
                .iter()
                .flat_map(|r| &r.line_items)
                .filter(|l| l.line_item == line_index)
                .map(|l| l.tax)
                .sum();
            let Some(line) = order.line_items.get_mut(line_index as usize) else {
                continue;
            };
            let quantity = wanted.min(line.current_quantity());
            if quantity == 0 {
                continue;
            }
            // Units not yet shipped are cancelled first; then shipped ones are returned.
            let restock_type = if line.unfulfilled_quantity() >= quantity {
                RestockType::Cancel
            } else {
                RestockType::Return
            };
            // Pro rata tax; the last units take the remainder so totals add up exactly.
            let tax = if line.current_quantity() == quantity {
                line.tax - refunded_tax
            } else {
                round_money(
                    line.tax * Decimal::from(quantity) / Decimal::from(line.quantity),
                    currency,
                )
            };
            line.refunded_quantity += quantity;
            self.next.refund_line += 1;
            refund_lines.push(RefundLine {
                legacy_id: self.next.refund_line,
                line_item: line_index,
                quantity,
                restock_type,
                location: (restock_type != RestockType::NoRestock).then_some(0),
                subtotal: line.discounted_unit_price() * Decimal::from(quantity),
                tax,
            });
        }
        let nothing_left = order.line_items.iter().all(|l| l.current_quantity() == 0);
        let shipping_refunded: Decimal = order.refunds.iter().map(|r| r.shipping).sum();
        let shipping = if nothing_left {
            order.shipping_price - shipping_refunded
        } else {
            Decimal::ZERO
        };
        if refund_lines.is_empty() && shipping.is_zero() {
            return;
        }
        self.next.refund += 1;
        order.refunds.push(Refund {
            legacy_id: self.next.refund,
            created_at: at,
            note,
            shipping,
            line_items: refund_lines,
            transactions: None,
        });
        order.updated_at = at;
        touch_customer_of(state, index, at);
    }

    pub(super) fn fulfill(&mut self, state: &mut ShopState, at: Timestamp) -> Option<String> {
        let index = self.pick_order(state, |o| {
            o.payment == PaymentState::Paid
                && o.cancelled_at.is_none()
                && o.fulfillments.len() < 5
                && o.line_items.iter().any(|l| l.unfulfilled_quantity() > 0)
        })?;
        let tracking_number = format!("{:010}", self.rng.random_range(0..10_000_000_000u64));
        let order = &mut state.orders[index];
        let mut lines = Vec::new();
        for (position, line) in order.line_items.iter_mut().enumerate() {
            let quantity = line.unfulfilled_quantity();
            if quantity == 0 {
                continue;
            }
            line.fulfilled_quantity += quantity;
            self.next.fulfillment_line += 1;
            lines.push(FulfillmentLine {
                legacy_id: self.next.fulfillment_line,
                line_item: position as u16,
                quantity,
            });
        }
        self.next.fulfillment += 1;
        order.fulfillments.push(Fulfillment {
            legacy_id: self.next.fulfillment,
            number: order.fulfillments.len() as u8 + 1,
            created_at: at,
            updated_at: at,
            display_status: FulfillmentDisplayStatus::Fulfilled,
            in_transit_at: None,
            delivered_at: None,
            estimated_delivery_at: Some(at + 3 * 86_400),
            tracking: Some(Tracking {
                company: "DHL Express".into(),
                url: format!("https://www.dhl.com/en/express/tracking.html?AWB={tracking_number}"),
                number: tracking_number,
            }),
            line_items: lines,
        });
        if order.fulfillment_status() == FulfillmentStatus::Fulfilled {
            order.closed_at = order.closed_at.or(Some(at));
        }
        order.updated_at = at;
        Some(gid("Order", order.legacy_id))
    }

    pub(super) fn cancel(&mut self, state: &mut ShopState, at: Timestamp) -> Option<String> {
        // Shopify refuses to cancel orders with fulfillments.
        let index = self.pick_order(state, |o| {
            o.cancelled_at.is_none() && o.fulfillments.is_empty()
        })?;
        let reason = match self.rng.random_range(0..4) {
            0 => CancelReason::Customer,
            1 => CancelReason::Inventory,
            2 => CancelReason::Fraud,
            _ => CancelReason::Declined,
        };
        let order = &mut state.orders[index];
        order.cancelled_at = Some(at);
        order.closed_at = Some(at);
        order.cancel_reason = Some(reason);
        order.updated_at = at;
        if order.payment == PaymentState::Paid {
            let lines: Vec<(u16, u32)> = order
                .line_items
                .iter()
                .enumerate()
                .map(|(i, l)| (i as u16, l.current_quantity()))
                .collect();
            self.add_refund(state, index, at, Some("Order cancelled".into()), &lines);
        }
        touch_customer_of(state, index, at);
        Some(gid("Order", state.orders[index].legacy_id))
    }

    pub(super) fn update_customer(
        &mut self,
        state: &mut ShopState,
        at: Timestamp,
    ) -> Option<String> {
        let index = self.pick_customer(state, |_| true)?;
        let what = self.rng.random_range(0..3);
        let tag = TAGS[self.rng.random_range(0..TAGS.len())];
        let phone = format!("+3361{:07}", self.rng.random_range(0..10_000_000));
        let customer = &mut state.customers[index];
        match what {
            0 => customer.note = Some(format!("Prefers e-mail ({at})")),
            1 => {
                if let Some(position) = customer.tags.iter().position(|t| t == tag) {
                    customer.tags.remove(position);
                } else {
                    customer.tags.push(tag.to_string());
                }
            }
            _ => customer.phone = Some(phone),
        }
        customer.updated_at = at;
        Some(gid("Customer", customer.legacy_id))
    }

    pub(super) fn create_customer(&mut self, state: &mut ShopState, at: Timestamp) -> String {
        let first = FIRST_NAMES[self.rng.random_range(0..FIRST_NAMES.len())];
        let last = LAST_NAMES[self.rng.random_range(0..LAST_NAMES.len())];
        let street = STREETS[self.rng.random_range(0..STREETS.len())];
        self.next.customer += 1;
        self.next.address += 1;
        let legacy_id = self.next.customer;
        state.customers.push(Customer {
            legacy_id,
            first_name: first.into(),
            last_name: last.into(),
            // Reserved domain: no mail can reach a real person.
            email: Some(format!("new.customer{legacy_id}@shop.example")),
            email_marketing: EmailMarketingState::NotSubscribed,
            phone: None,
            tags: Vec::new(),
            note: None,
            locale: "en".into(),
            state: CustomerState::Enabled,
            verified_email: true,
            created_at: at,
            updated_at: at,
            default_address: Some(Address {
                legacy_id: self.next.address,
                first_name: first.into(),
                last_name: last.into(),
                company: None,
                address1: format!("{} {street}", self.rng.random_range(1..200)),
                address2: None,
                city: "Lyon".into(),
                province: None,
                province_code: None,
                zip: "69003".into(),
                country: "France".into(),
                country_code: "FR".into(),
                phone: None,
            }),
            order_indexes: Vec::new(),
        });
        gid("Customer", legacy_id)
    }

    pub(super) fn delete_order(&mut self, state: &mut ShopState, at: Timestamp) -> Option<String> {
        let index = self.pick_order(state, |_| true)?;
        let order = state.orders.remove(index);
        // Orders after it moved down one place: the customers' indexes follow.
        for customer in &mut state.customers {
            customer.order_indexes.retain(|&i| i as usize != index);
            for i in &mut customer.order_indexes {
                if *i as usize > index {
                    *i -= 1;
                }
            }
        }
        if let Some(customer) = order
            .customer
            .and_then(|c| state.customers.get_mut(c as usize))
        {
            customer.updated_at = customer.updated_at.max(at);
        }
        let message = format!("Order {} was deleted.", order.name());
        self.push_event(state, EventSubjectType::Order, order.legacy_id, message, at);
        Some(gid("Order", order.legacy_id))
    }

    pub(super) fn delete_customer(
        &mut self,
        state: &mut ShopState,
        at: Timestamp,
    ) -> Option<String> {
        // Shopify refuses to delete a customer who has orders.
        let index = self.pick_customer(state, |c| c.order_indexes.is_empty())?;
        let customer = state.customers.remove(index);
        for order in &mut state.orders {
            if let Some(c) = order.customer.as_mut().filter(|c| **c as usize > index) {
                *c -= 1;
            }
        }
        let message = format!("Customer {} was deleted.", customer.display_name());
        let id = customer.legacy_id;
        self.push_event(state, EventSubjectType::Customer, id, message, at);
        Some(gid("Customer", id))
    }
}
