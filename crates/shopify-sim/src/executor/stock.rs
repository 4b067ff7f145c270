//! Locations, inventory, product variants and draft orders: what a client needs to pick and
//! send a replacement.

use apollo_compiler::resolvers::ResolveInfo;
use rust_decimal::Decimal;

use super::{
    arg_i64, arg_str, error, gid, leaf, leaf_list, null, opt_leaf, parse_gid, time_leaf, Obj,
    Resolved, Resolver,
};
use crate::connection::SortValue;
use crate::model::*;
use crate::search::SearchQuery;

impl<'s> Resolver<'s> {
    pub(super) fn variant_id(&self, product: u16, variant: u16) -> Option<u64> {
        self.state()
            .variant(product, variant)
            .map(|(_, v)| v.legacy_id)
    }

    /// Query root fields for these objects; `None` when the field is not one of them.
    pub(super) fn resolve_stock_root<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
    ) -> Option<Resolved<'a>> {
        let state = self.state();
        Some(match info.field_name() {
            "job" => {
                let id = arg_str(info, "id")
                    .and_then(parse_gid)
                    .filter(|(k, _)| *k == "Job");
                let found = id.and_then(|(_, id)| state.ops.jobs.get(&id).map(|done| (id, *done)));
                self.wrap_opt(found.map(|(id, done)| Obj::Job(id, done)))
            }
            "locations" => {
                let entries = (0..state.ops.locations.len() as u16)
                    .map(|i| {
                        let id = state.ops.locations[i as usize].legacy_id;
                        (SortValue::Int(0), id, Obj::Location(i))
                    })
                    .collect();
                self.connection(info, entries)
            }
            "location" => {
                let found = match arg_str(info, "id") {
                    None => Some(0),
                    Some(id) => parse_gid(id)
                        .filter(|(k, _)| *k == "Location")
                        .and_then(|(_, id)| state.ops.location_index(id)),
                };
                self.wrap_opt(found.map(|i| Obj::Location(i as u16)))
            }
            "draftOrder" | "productVariant" | "inventoryItem" | "product" => {
                let found = arg_str(info, "id").and_then(|id| self.node(id));
                self.wrap_opt(found)
            }
            "draftOrders" | "draftOrdersCount" => {
                let query = SearchQuery::parse(arg_str(info, "query").unwrap_or_default());
                let matching: Vec<&'s DraftOrder> = state
                    .ops
                    .draft_orders
                    .iter()
                    .filter(|draft| draft_matches(&query, draft))
                    .collect();
                if info.field_name() == "draftOrdersCount" {
                    return Some(self.count(info, matching.len()));
                }
                let entries = matching
                    .into_iter()
                    .map(|d| {
                        (
                            SortValue::Int(d.legacy_id as i64),
                            d.legacy_id,
                            Obj::DraftOrder(d),
                        )
                    })
                    .collect();
                self.connection(info, entries)
            }
            "productVariants" => {
                let mut entries = Vec::new();
                for (p, product) in state.products.iter().enumerate() {
                    for (v, variant) in product.variants.iter().enumerate() {
                        entries.push((
                            SortValue::Int(variant.legacy_id as i64),
                            variant.legacy_id,
                            Obj::Variant(p as u16, v as u16),
                        ));
                    }
                }
                self.connection(info, entries)
            }
            _ => return None,
        })
    }

    /// ProductVariant fields about stock; `None` when the field is not one of them.
    pub(super) fn resolve_variant_stock<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
        product: u16,
        variant: u16,
    ) -> Option<Resolved<'a>> {
        let id = self.variant_id(product, variant)?;
        let available = self.state().ops.available(id);
        Some(match info.field_name() {
            "inventoryQuantity" => leaf(available),
            "availableForSale" => leaf(available > 0),
            "inventoryPolicy" => leaf("DENY"),
            "inventoryItem" => self.wrap(Obj::InventoryItem(product, variant)),
            _ => return None,
        })
    }

    pub(super) fn resolve_inventory_item<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
        product: u16,
        variant: u16,
    ) -> Resolved<'a> {
        let Some(id) = self.variant_id(product, variant) else {
            return null();
        };
        let locations = self.state().ops.locations.len() as u16;
        match info.field_name() {
            "id" => leaf(gid(
                "InventoryItem",
                INVENTORY_ITEM_ID_BASE + id % 1_000_000_000_000,
            )),
            "tracked" => leaf(true),
            "sku" => leaf(
                self.state()
                    .variant(product, variant)
                    .map_or("", |(_, v)| v.sku.as_str()),
            ),
            "inventoryLevels" => {
                let entries = (0..locations)
                    .map(|l| {
                        (
                            SortValue::Int(l as i64),
                            l as u64 + 1,
                            Obj::InventoryLevel(product, variant, l),
                        )
                    })
                    .collect();
                self.connection(info, entries)
            }
            "inventoryLevel" => {
                let location = arg_str(info, "locationId")
                    .and_then(parse_gid)
                    .and_then(|(_, id)| self.state().ops.location_index(id));
                self.wrap_opt(location.map(|l| Obj::InventoryLevel(product, variant, l as u16)))
            }
            "variant" => self.wrap(Obj::Variant(product, variant)),
            _ => Err(self.not_implemented(info)),
        }
    }

    pub(super) fn resolve_inventory_level<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
        product: u16,
        variant: u16,
        location: u16,
    ) -> Resolved<'a> {
        let state = self.state();
        let Some(id) = self.variant_id(product, variant) else {
            return null();
        };
        let available = state
            .ops
            .inventory
            .get(&id)
            .and_then(|levels| levels.get(location as usize))
            .copied()
            .unwrap_or(0);
        match info.field_name() {
            "id" => leaf(format!(
                "gid://shopify/InventoryLevel/{id}{location}?inventory_item_id={id}"
            )),
            "isActive" => leaf(true),
            "canDeactivate" => leaf(false),
            "location" => self.wrap(Obj::Location(location)),
            "item" => self.wrap(Obj::InventoryItem(product, variant)),
            "quantities" => {
                let names: Vec<String> = info
                    .arguments()
                    .get("names")
                    .and_then(|v| v.as_array())
                    .map(|a| {
                        a.iter()
                            .filter_map(|n| n.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                let objects = names
                    .into_iter()
                    .map(|name| {
                        let quantity = match name.as_str() {
                            "available" | "on_hand" => available,
                            _ => 0,
                        };
                        Obj::InventoryQuantity(name, quantity)
                    })
                    .collect();
                self.list(objects)
            }
            _ => Err(self.not_implemented(info)),
        }
    }

    pub(super) fn resolve_draft_order<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
        draft: &'s DraftOrder,
    ) -> Resolved<'a> {
        let state = self.state();
        let shop = |amount: Decimal| {
            self.wrap(Obj::MoneyBag {
                shop: super::Money {
                    amount,
                    currency: self.shop_currency(),
                },
                presentment: super::Money {
                    amount,
                    currency: self.shop_currency(),
                },
            })
        };
        let subtotal: Decimal = draft
            .lines
            .iter()
            .map(|l| crate::mutations::draft_unit_price(state, l) * Decimal::from(l.quantity))
            .sum();
        match info.field_name() {
            "id" => leaf(gid("DraftOrder", draft.legacy_id)),
            "legacyResourceId" => leaf(draft.legacy_id.to_string()),
            "name" => leaf(format!("#D{}", draft.number)),
            "status" => leaf(match draft.status {
                DraftStatus::Open => "OPEN",
                DraftStatus::Completed => "COMPLETED",
            }),
            "ready" => leaf(true),
            "email" => opt_leaf(draft.email.as_deref()),
            "note2" | "note" => opt_leaf(draft.note.as_deref()),
            "tags" => leaf_list(draft.tags.clone()),
            "createdAt" => time_leaf(Some(draft.created_at)),
            "updatedAt" => time_leaf(Some(draft.updated_at)),
            "completedAt" => time_leaf(draft.completed_at),
            "currencyCode" | "presentmentCurrencyCode" => leaf(self.shop_currency().code()),
            "subtotalPriceSet" => shop(subtotal),
            "totalPriceSet" => shop(subtotal + draft.shipping_price),
            "totalShippingPriceSet" => shop(draft.shipping_price),
            "totalTaxSet" => shop(Decimal::ZERO),
            "taxExempt" | "taxesIncluded" => leaf(false),
            "customAttributes" => self.list(Vec::new()),
            "customer" => self.wrap_opt(
                draft
                    .customer
                    .and_then(|c| state.customer_at(c))
                    .map(Obj::Customer),
            ),
            "order" => self.wrap_opt(draft.order.and_then(|id| state.order(id)).map(Obj::Order)),
            "shippingAddress" => {
                self.wrap_opt(draft.shipping_address.as_ref().map(|address| Obj::Address {
                    address,
                    model: "MailingAddress",
                }))
            }
            "lineItems" => {
                let entries = (0..draft.lines.len())
                    .map(|i| {
                        (
                            SortValue::Int(0),
                            draft.lines[i].legacy_id,
                            Obj::DraftLine(draft, i),
                        )
                    })
                    .collect();
                self.connection(info, entries)
            }
            _ => Err(self.not_implemented(info)),
        }
    }

    pub(super) fn resolve_draft_line<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
        draft: &'s DraftOrder,
        index: usize,
    ) -> Resolved<'a> {
        let state = self.state();
        let line = &draft.lines[index];
        let Some((product, variant)) = state.variant(line.product, line.variant) else {
            return null();
        };
        let unit = crate::mutations::draft_unit_price(state, line);
        let money = |amount: Decimal| {
            self.wrap(Obj::MoneyBag {
                shop: super::Money {
                    amount,
                    currency: self.shop_currency(),
                },
                presentment: super::Money {
                    amount,
                    currency: self.shop_currency(),
                },
            })
        };
        match info.field_name() {
            "id" => leaf(gid("DraftOrderLineItem", line.legacy_id)),
            "quantity" => leaf(line.quantity),
            "title" => leaf(product.title.as_str()),
            "name" => leaf(format!("{} - {}", product.title, variant.title)),
            "sku" => leaf(variant.sku.as_str()),
            "variant" => self.wrap(Obj::Variant(line.product, line.variant)),
            "product" => self.wrap(Obj::Product(line.product)),
            "originalUnitPriceSet" => money(variant.price),
            "discountedTotalSet" => money(unit * Decimal::from(line.quantity)),
            "originalTotalSet" => money(variant.price * Decimal::from(line.quantity)),
            "totalDiscountSet" => money((variant.price - unit) * Decimal::from(line.quantity)),
            _ => Err(self.not_implemented(info)),
        }
    }

    pub(super) fn resolve_product_variants<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
        product: u16,
    ) -> Resolved<'a> {
        let Some(found) = self.state().products.get(product as usize) else {
            return Err(error("product not found"));
        };
        let entries = (0..found.variants.len() as u16)
            .map(|v| {
                (
                    SortValue::Int(v as i64),
                    found.variants[v as usize].legacy_id,
                    Obj::Variant(product, v),
                )
            })
            .collect();
        let _ = arg_i64(info, "first");
        self.connection(info, entries)
    }
}

/// `tag:`, `status:` and bare words against a draft order; other terms are ignored.
fn draft_matches(query: &SearchQuery, draft: &DraftOrder) -> bool {
    query.matches(|term| match term.field.as_deref() {
        Some("tag") => Some(
            draft
                .tags
                .iter()
                .any(|t| t.eq_ignore_ascii_case(&term.value)),
        ),
        Some("status") => Some(match draft.status {
            DraftStatus::Open => term.value.eq_ignore_ascii_case("open"),
            DraftStatus::Completed => term.value.eq_ignore_ascii_case("completed"),
        }),
        None => Some(
            draft
                .tags
                .iter()
                .any(|t| t.eq_ignore_ascii_case(&term.value))
                || draft
                    .note
                    .as_deref()
                    .is_some_and(|n| n.contains(&term.value)),
        ),
        _ => None,
    })
}
