//! `Order.suggestedRefund` and the objects it shows.

use std::rc::Rc;

use apollo_compiler::resolvers::ResolveInfo;
use rust_decimal::Decimal;

use super::{arg_bool, gid, leaf, null, Obj, Resolved, Resolver};
use crate::model::*;
use crate::refunds::{self, Bag, LineRequest, RefundCalc, ShippingRequest};

impl<'s> Resolver<'s> {
    /// The refund Shopify would suggest for the arguments, capped by what is refundable.
    /// Unknown line items are skipped and quantities capped at what is left.
    pub(super) fn suggested_refund(&self, info: &ResolveInfo<'_>, order: &'s Order) -> Obj<'s> {
        let state = self.state();
        let lines = if arg_bool(info, "suggestFullRefund") == Some(true) {
            refunds::everything_left(order)
        } else {
            let requested = info
                .arguments()
                .get("refundLineItems")
                .and_then(|v| v.as_array())
                .cloned()
                .unwrap_or_default();
            let mut lines: Vec<LineRequest> = Vec::new();
            for item in requested {
                let id = item
                    .as_object()
                    .and_then(|o| o.get("lineItemId"))
                    .and_then(|v| v.as_str())
                    .and_then(super::parse_gid)
                    .filter(|(kind, _)| *kind == "LineItem")
                    .map(|(_, id)| id);
                let Some(index) =
                    id.and_then(|id| order.line_items.iter().position(|l| l.legacy_id == id))
                else {
                    continue;
                };
                let object = item.as_object();
                let wanted = object
                    .and_then(|o| o.get("quantity"))
                    .and_then(|v| v.as_i64())
                    .unwrap_or(0)
                    .max(0) as u32;
                let quantity = wanted.min(order.line_items[index].current_quantity());
                if quantity == 0 {
                    continue;
                }
                let restock_type = match object
                    .and_then(|o| o.get("restockType"))
                    .and_then(|v| v.as_str())
                {
                    Some("RETURN") => RestockType::Return,
                    Some("CANCEL") => RestockType::Cancel,
                    _ => RestockType::NoRestock,
                };
                let location = object
                    .and_then(|o| o.get("locationId"))
                    .and_then(|v| v.as_str())
                    .and_then(super::parse_gid)
                    .and_then(|(_, id)| state.ops.location_index(id))
                    .map(|i| i as u16);
                lines.push(LineRequest {
                    index: index as u16,
                    quantity,
                    restock_type,
                    location,
                });
            }
            lines
        };
        let shipping_amount = info
            .arguments()
            .get("shippingAmount")
            .and_then(|v| {
                v.as_str()
                    .map(str::to_string)
                    .or_else(|| v.as_f64().map(|f| f.to_string()))
            })
            .and_then(|text| text.parse::<Decimal>().ok());
        let shipping = match shipping_amount {
            // More than any order's shipping: the suggestion is capped at all of it below anyway.
            Some(amount) if crate::mutations::input::is_too_large(amount) => ShippingRequest::Full,
            Some(amount) => ShippingRequest::Amount(amount),
            None if arg_bool(info, "refundShipping") == Some(true)
                || arg_bool(info, "suggestFullRefund") == Some(true) =>
            {
                ShippingRequest::Full
            }
            None => ShippingRequest::None,
        };
        let mut calc =
            refunds::calculate(order, state.shop.currency.minor_units(), &lines, shipping);
        // A suggested shipping amount never exceeds what is left of it.
        if calc.shipping.presentment > calc.shipping_refundable.presentment {
            calc = refunds::calculate(
                order,
                state.shop.currency.minor_units(),
                &lines,
                ShippingRequest::Full,
            );
        }
        Obj::Suggested(order, Rc::new(calc))
    }

    pub(super) fn resolve_suggested<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
        order: &'s Order,
        calc: &Rc<RefundCalc>,
    ) -> Resolved<'a> {
        let bag = |bag: Bag| self.wrap(self.bag_obj(order, bag));
        let money = |amount: Decimal| {
            self.wrap(Obj::Money(super::Money {
                amount,
                currency: order.presentment_currency,
            }))
        };
        match info.field_name() {
            "amountSet" => bag(calc.amount),
            "amount" => money(calc.amount.presentment),
            "maximumRefundableSet" => bag(calc.maximum),
            "maximumRefundable" => money(calc.maximum.presentment),
            "subtotalSet" | "discountedSubtotalSet" => bag(calc.subtotal),
            "subtotal" => money(calc.subtotal.presentment),
            "totalTaxSet" => bag(calc.tax),
            "totalTaxes" => money(calc.tax.presentment),
            "totalCartDiscountAmountSet" | "totalDutiesSet" => bag(Bag::default()),
            "shipping" => self.wrap(Obj::SuggestedShipping(order, calc.clone())),
            "refundLineItems" => self.list(
                (0..calc.lines.len())
                    .map(|i| Obj::SuggestedLine(order, calc.clone(), i))
                    .collect(),
            ),
            "refundDuties" | "suggestedRefundMethods" => self.list(Vec::new()),
            "suggestedTransactions" => {
                let some = calc.amount.shop > Decimal::ZERO && order.sale_transaction().is_some();
                let objects = if some {
                    vec![Obj::SuggestedTransaction(order, calc.clone())]
                } else {
                    Vec::new()
                };
                self.list(objects)
            }
            _ => Err(self.not_implemented(info)),
        }
    }

    pub(super) fn resolve_suggested_shipping<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
        order: &'s Order,
        calc: &Rc<RefundCalc>,
    ) -> Resolved<'a> {
        match info.field_name() {
            "amountSet" => self.wrap(self.bag_obj(order, calc.shipping)),
            "maximumRefundableSet" => self.wrap(self.bag_obj(order, calc.shipping_refundable)),
            // Seeded shipping is untaxed.
            "taxSet" => self.wrap(self.bag_obj(order, Bag::default())),
            "amount" | "tax" => self.wrap(Obj::Money(super::Money {
                amount: if info.field_name() == "amount" {
                    calc.shipping.presentment
                } else {
                    Decimal::ZERO
                },
                currency: order.presentment_currency,
            })),
            _ => Err(self.not_implemented(info)),
        }
    }

    pub(super) fn resolve_suggested_line<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
        order: &'s Order,
        calc: &Rc<RefundCalc>,
        index: usize,
    ) -> Resolved<'a> {
        let line = &calc.lines[index];
        match info.field_name() {
            "id" => null(),
            "lineItem" => self.wrap(Obj::LineItem(order, line.request.index)),
            "quantity" => leaf(line.request.quantity),
            "restockType" => leaf(line.request.restock_type.as_graphql()),
            "restocked" => leaf(false),
            "location" => {
                let location = match line.request.restock_type {
                    RestockType::NoRestock => None,
                    _ => Some(line.request.location.unwrap_or(0)),
                };
                self.wrap_opt(location.map(Obj::Location))
            }
            "priceSet" => self.wrap(self.bag_obj(order, line.unit)),
            "subtotalSet" => self.wrap(self.bag_obj(order, line.subtotal)),
            "totalTaxSet" => self.wrap(self.bag_obj(order, line.tax)),
            "price" | "subtotal" | "totalTax" => {
                let bag = match info.field_name() {
                    "price" => line.unit,
                    "subtotal" => line.subtotal,
                    _ => line.tax,
                };
                self.wrap(Obj::Money(super::Money {
                    amount: bag.presentment,
                    currency: order.presentment_currency,
                }))
            }
            _ => Err(self.not_implemented(info)),
        }
    }

    pub(super) fn resolve_suggested_transaction<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
        order: &'s Order,
        calc: &Rc<RefundCalc>,
    ) -> Resolved<'a> {
        let sale = order.sale_transaction();
        match info.field_name() {
            "gateway" => leaf(GATEWAY),
            "formattedGateway" => leaf("Shopify Payments"),
            "kind" => leaf("SUGGESTED_REFUND"),
            "accountNumber" => null(),
            "amountSet" => self.wrap(self.bag_obj(order, calc.amount)),
            "maximumRefundableSet" => self.wrap(self.bag_obj(order, calc.maximum)),
            "amount" | "maximumRefundable" => self.wrap(Obj::Money(super::Money {
                amount: if info.field_name() == "amount" {
                    calc.amount.presentment
                } else {
                    calc.maximum.presentment
                },
                currency: order.presentment_currency,
            })),
            "parentTransaction" => {
                self.wrap_opt(sale.map(|sale| Obj::Transaction(order, Rc::new(sale))))
            }
            "paymentDetails" => null(),
            _ => Err(self.not_implemented(info)),
        }
    }

    pub(super) fn resolve_location<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
        index: u16,
    ) -> Resolved<'a> {
        let Some(location) = self.state().ops.locations.get(index as usize) else {
            return null();
        };
        match info.field_name() {
            "id" => leaf(gid("Location", location.legacy_id)),
            "legacyResourceId" => leaf(location.legacy_id.to_string()),
            "name" => leaf(location.name.as_str()),
            "isActive" | "fulfillsOnlineOrders" | "hasActiveInventory" | "shipsInventory" => {
                leaf(true)
            }
            "isPrimary" => leaf(index == 0),
            _ => Err(self.not_implemented(info)),
        }
    }
}
