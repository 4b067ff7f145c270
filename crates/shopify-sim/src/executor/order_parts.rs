//! The parts of an order the API shows as objects of their own: line items, addresses,
//! fulfillments, refunds and refund lines.

use apollo_compiler::resolvers::ResolveInfo;
use rust_decimal::Decimal;

use super::{
    arg_bool, arg_i64, error, gid, leaf, leaf_list, null, opt_leaf, time_leaf, Obj, Resolved,
    Resolver,
};
use crate::connection::SortValue;
use crate::model::*;

impl<'s> Resolver<'s> {
    pub(super) fn resolve_line_item<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
        order: &'s Order,
        index: u16,
    ) -> Resolved<'a> {
        let Some(line) = order.line_items.get(index as usize) else {
            return null();
        };
        let (product, variant) = match self.state().variant(line.product, line.variant) {
            Some(found) => found,
            None => return Err(error("line item points at a missing variant")),
        };
        let money = |amount: Decimal| self.wrap(self.order_money(order, amount));
        match info.field_name() {
            "id" => leaf(gid("LineItem", line.legacy_id)),
            "name" => leaf(if variant.is_default() {
                product.title.clone()
            } else {
                format!("{} - {}", product.title, variant.title)
            }),
            "title" => leaf(product.title.as_str()),
            "sku" => leaf(variant.sku.as_str()),
            "variantTitle" => opt_leaf((!variant.is_default()).then_some(variant.title.as_str())),
            "vendor" => leaf(product.vendor.as_str()),
            "quantity" => leaf(line.quantity),
            "currentQuantity" => leaf(line.current_quantity()),
            "refundableQuantity" => leaf(line.current_quantity()),
            "unfulfilledQuantity" | "fulfillableQuantity" => leaf(line.unfulfilled_quantity()),
            "requiresShipping" | "taxable" => leaf(true),
            "restockable" => leaf(line.current_quantity() > 0),
            "originalUnitPriceSet" => money(line.unit_price),
            "discountedUnitPriceSet" | "discountedUnitPriceAfterAllDiscountsSet" => {
                money(line.discounted_unit_price())
            }
            "originalTotalSet" => money(line.original_total()),
            "discountedTotalSet" => money(line.discounted_total()),
            "totalDiscountSet" => money(line.unit_discount * Decimal::from(line.quantity)),
            "variant" => self.wrap(Obj::Variant(line.product, line.variant)),
            "product" => self.wrap(Obj::Product(line.product)),
            _ => Err(self.not_implemented(info)),
        }
    }

    pub(super) fn resolve_address<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
        address: &'s Address,
        model: &str,
    ) -> Resolved<'a> {
        match info.field_name() {
            "id" => leaf(format!(
                "gid://shopify/MailingAddress/{}?model_name={model}",
                address.legacy_id
            )),
            "name" => leaf(address.name()),
            "firstName" => leaf(address.first_name.as_str()),
            "lastName" => leaf(address.last_name.as_str()),
            "company" => opt_leaf(address.company.as_deref()),
            "address1" => leaf(address.address1.as_str()),
            "address2" => opt_leaf(address.address2.as_deref()),
            "city" => leaf(address.city.as_str()),
            "province" => opt_leaf(address.province.as_deref()),
            "provinceCode" => opt_leaf(address.province_code.as_deref()),
            "zip" => leaf(address.zip.as_str()),
            "country" => leaf(address.country.as_str()),
            "countryCodeV2" | "countryCode" => leaf(address.country_code.as_str()),
            "phone" => opt_leaf(address.phone.as_deref()),
            "formatted" => {
                let with_name = arg_bool(info, "withName").unwrap_or(false);
                let with_company = arg_bool(info, "withCompany").unwrap_or(true);
                let mut lines = Vec::new();
                if with_name {
                    lines.push(address.name());
                }
                if with_company {
                    lines.extend(address.company.clone());
                }
                lines.push(address.address1.clone());
                lines.extend(address.address2.clone());
                let mut city_line = format!("{} {}", address.zip, address.city);
                if let Some(province) = &address.province_code {
                    city_line.push_str(&format!(" {province}"));
                }
                lines.push(city_line);
                lines.push(address.country.clone());
                leaf_list(lines)
            }
            _ => Err(self.not_implemented(info)),
        }
    }

    pub(super) fn resolve_fulfillment<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
        order: &'s Order,
        fulfillment: &'s Fulfillment,
    ) -> Resolved<'a> {
        match info.field_name() {
            "id" => leaf(gid("Fulfillment", fulfillment.legacy_id)),
            "legacyResourceId" => leaf(fulfillment.legacy_id.to_string()),
            "name" => leaf(format!("{}.{}", order.name(), fulfillment.number)),
            "status" => leaf(FulfillmentState::Success.as_graphql()),
            "displayStatus" => leaf(fulfillment.display_status.as_graphql()),
            "createdAt" => time_leaf(Some(fulfillment.created_at)),
            "updatedAt" => time_leaf(Some(fulfillment.updated_at)),
            "deliveredAt" => time_leaf(fulfillment.delivered_at),
            "inTransitAt" => time_leaf(fulfillment.in_transit_at),
            "estimatedDeliveryAt" => time_leaf(fulfillment.estimated_delivery_at),
            "requiresShipping" => leaf(true),
            "totalQuantity" => leaf(
                fulfillment
                    .line_items
                    .iter()
                    .map(|l| l.quantity)
                    .sum::<u32>(),
            ),
            "trackingInfo" => {
                let limit = arg_i64(info, "first").map_or(usize::MAX, |n| n.max(0) as usize);
                let objects = fulfillment
                    .tracking
                    .iter()
                    .take(limit)
                    .map(Obj::Tracking)
                    .collect();
                self.list(objects)
            }
            "fulfillmentLineItems" => {
                let entries = fulfillment
                    .line_items
                    .iter()
                    .map(|line| {
                        (
                            SortValue::Int(0),
                            line.legacy_id,
                            Obj::FulfillmentLineItem(order, line),
                        )
                    })
                    .collect();
                self.connection(info, entries)
            }
            _ => Err(self.not_implemented(info)),
        }
    }

    pub(super) fn resolve_refund<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
        order: &'s Order,
        refund: &'s Refund,
    ) -> Resolved<'a> {
        match info.field_name() {
            "id" => leaf(gid("Refund", refund.legacy_id)),
            "legacyResourceId" => leaf(refund.legacy_id.to_string()),
            "createdAt" => time_leaf(Some(refund.created_at)),
            "updatedAt" => time_leaf(Some(refund.created_at)),
            "note" => opt_leaf(refund.note.as_deref()),
            "totalRefundedSet" => self.wrap(self.bag_obj(order, self.refund_total(order, refund))),
            "transactions" => {
                let objects = self.refund_transactions(order, refund);
                let entries = objects
                    .into_iter()
                    .enumerate()
                    .map(|(i, object)| (SortValue::Int(i as i64), i as u64 + 1, object))
                    .collect();
                self.connection(info, entries)
            }
            "order" => self.wrap(Obj::Order(order)),
            "refundLineItems" => {
                let entries = refund
                    .line_items
                    .iter()
                    .map(|line| {
                        (
                            SortValue::Int(0),
                            line.legacy_id,
                            Obj::RefundLineItem(order, line),
                        )
                    })
                    .collect();
                self.connection(info, entries)
            }
            _ => Err(self.not_implemented(info)),
        }
    }

    pub(super) fn resolve_refund_line<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
        order: &'s Order,
        line: &'s RefundLine,
    ) -> Resolved<'a> {
        let money = |amount: Decimal| self.wrap(self.order_money(order, amount));
        match info.field_name() {
            "id" => leaf(gid("RefundLineItem", line.legacy_id)),
            "quantity" => leaf(line.quantity),
            "lineItem" => self.wrap(Obj::LineItem(order, line.line_item)),
            "subtotalSet" => money(line.subtotal),
            "totalTaxSet" => money(line.tax),
            "priceSet" => money(if line.quantity == 0 {
                Decimal::ZERO
            } else {
                line.subtotal / Decimal::from(line.quantity)
            }),
            "restockType" => leaf(line.restock_type.as_graphql()),
            "restocked" => leaf(line.restock_type != RestockType::NoRestock),
            "location" => self.wrap_opt(line.location.map(Obj::Location)),
            _ => Err(self.not_implemented(info)),
        }
    }
}
