//! Executes a validated operation against the store.
//!
//! apollo-compiler's resolver-based execution does the GraphQL part (operation selection,
//! fragments, `__typename`, `@skip`/`@include`, argument defaults, null propagation, and schema
//! introspection, which Shopify also serves); this module supplies the resolvers. A field that
//! exists in the schema but has no resolver here gets an explicit "not implemented" field error
//! rather than a silent null.

use std::cell::RefCell;
use std::rc::Rc;

use apollo_compiler::resolvers::{Execution, FieldError, ObjectValue, ResolveInfo, ResolvedValue};
use apollo_compiler::response::{JsonMap, JsonValue};
use apollo_compiler::validation::Valid;
use apollo_compiler::ExecutableDocument;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};
use shopdesk_money::Currency;
use shopdesk_shopify_schema::GraphqlError;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::connection::{paginate, ConnectionArgs, SortValue};
use crate::filter::{customer_sort_value, order_sort_value, CustomerFilter, OrderFilter};
use crate::model::*;
use crate::variables::coerce_variables;

mod events;
mod order_parts;
mod payloads;
mod refund_preview;
mod stock;

/// The result of running one operation: what goes into the response body.
#[derive(Debug, Default)]
pub struct ExecutionOutcome {
    /// `None` when the request failed before execution (bad variables, unknown operation).
    /// Kept as apollo's JSON type, which preserves the selection order of fields.
    pub data: Option<JsonValue>,
    pub errors: Vec<GraphqlError>,
    /// Shopify's `extensions.search` entries (warnings about ignored search terms).
    pub search: Vec<Value>,
}

/// An operation picked from a document, with its variables coerced: ready to be costed and run.
pub struct PreparedOperation<'d> {
    pub operation: &'d apollo_compiler::Node<apollo_compiler::executable::Operation>,
    pub variables: Map<String, Value>,
}

impl PreparedOperation<'_> {
    pub fn is_mutation(&self) -> bool {
        self.operation.object_type() == "Mutation"
    }
}

/// Picks the operation and coerces its variables; errors are request errors (no `data`).
pub fn prepare<'d>(
    document: &'d Valid<ExecutableDocument>,
    operation_name: Option<&str>,
    variables: &Map<String, Value>,
) -> Result<PreparedOperation<'d>, Vec<GraphqlError>> {
    let schema = shopdesk_shopify_schema::schema();
    let operation = document.operations.get(operation_name).map_err(|_| {
        let message = match operation_name {
            Some(name) => format!("No operation named \"{name}\""),
            None => "An operation name is required".to_string(),
        };
        vec![GraphqlError::new(message)]
    })?;
    let variables = coerce_variables(schema, operation, variables, &document.sources)?;
    Ok(PreparedOperation {
        operation,
        variables,
    })
}

pub fn execute(
    state: &ShopState,
    document: &Valid<ExecutableDocument>,
    prepared: &PreparedOperation<'_>,
    now: Timestamp,
) -> ExecutionOutcome {
    execute_with_bulk(state, None, document, prepared, now)
}

/// [`execute`] with the shop's bulk operations (the `bulkOperation*` fields need them).
pub fn execute_with_bulk(
    state: &ShopState,
    bulk: Option<&std::sync::Arc<crate::bulk::BulkOperations>>,
    document: &Valid<ExecutableDocument>,
    prepared: &PreparedOperation<'_>,
    now: Timestamp,
) -> ExecutionOutcome {
    execute_for_app(state, bulk, None, document, prepared, now)
}

/// [`execute_for_app`] without mutations already applied.
pub(crate) fn execute_for_app(
    state: &ShopState,
    bulk: Option<&std::sync::Arc<crate::bulk::BulkOperations>>,
    app: Option<&crate::oauth::Installation>,
    document: &Valid<ExecutableDocument>,
    prepared: &PreparedOperation<'_>,
    now: Timestamp,
) -> ExecutionOutcome {
    execute_applied(state, bulk, app, None, document, prepared, now)
}

/// [`execute_with_bulk`] for the app the request's token belongs to
/// (`currentAppInstallation` answers its scopes).
/// Mutations [`crate::mutations::apply`] ran are rendered from their `outcomes`.
pub(crate) fn execute_applied(
    state: &ShopState,
    bulk: Option<&std::sync::Arc<crate::bulk::BulkOperations>>,
    app: Option<&crate::oauth::Installation>,
    outcomes: Option<&crate::mutations::Outcomes>,
    document: &Valid<ExecutableDocument>,
    prepared: &PreparedOperation<'_>,
    now: Timestamp,
) -> ExecutionOutcome {
    let schema = shopdesk_shopify_schema::schema();
    let coerced = match JsonValue::from(Value::Object(prepared.variables.clone())) {
        JsonValue::Object(map) => map,
        _ => JsonMap::new(),
    };
    let context = Context {
        state,
        now,
        search: RefCell::new(Vec::new()),
        bulk,
        app,
        outcomes,
    };
    let root = Resolver {
        context: &context,
        object: if prepared.is_mutation() {
            Obj::Mutation
        } else {
            Obj::Query
        },
    };
    let coerced = Valid::assume_valid(coerced);
    let result = Execution::new(schema, document)
        .operation(prepared.operation)
        .coerced_variable_values(&coerced)
        .enable_schema_introspection(true)
        .execute_sync(&root);
    let search = context.search.take();
    match result {
        Ok(response) => {
            let errors = response
                .errors
                .iter()
                .filter_map(|error| serde_json::to_value(error).ok())
                .filter_map(|error| serde_json::from_value::<GraphqlError>(error).ok())
                .map(|mut error| {
                    // apollo prefixes resolver errors; Shopify's messages have no such prefix.
                    if let Some(message) = error.message.strip_prefix("resolver error: ") {
                        error.message = message.to_string();
                    }
                    error
                })
                .collect();
            ExecutionOutcome {
                data: Some(response.data.map_or(JsonValue::Null, JsonValue::Object)),
                errors,
                search,
            }
        }
        Err(request_error) => ExecutionOutcome {
            errors: vec![GraphqlError::new(request_error.message().to_string())],
            search,
            ..ExecutionOutcome::default()
        },
    }
}

struct Context<'s> {
    state: &'s ShopState,
    now: Timestamp,
    search: RefCell<Vec<Value>>,
    bulk: Option<&'s std::sync::Arc<crate::bulk::BulkOperations>>,
    app: Option<&'s crate::oauth::Installation>,
    outcomes: Option<&'s crate::mutations::Outcomes>,
}

/// One object of the response graph: a reference into the store plus what is needed to show it.
#[derive(Clone)]
enum Obj<'s> {
    Query,
    Mutation,
    Shop,
    ShopPlan,
    Order(&'s Order),
    Customer(&'s Customer),
    EmailAddress(&'s Customer),
    PhoneNumber(&'s Customer),
    Address {
        address: &'s Address,
        model: &'static str,
    },
    LineItem(&'s Order, u16),
    Product(u16),
    Variant(u16, u16),
    Fulfillment(&'s Order, &'s Fulfillment),
    Tracking(&'s Tracking),
    FulfillmentLineItem(&'s Order, &'s FulfillmentLine),
    Refund(&'s Order, &'s Refund),
    RefundLineItem(&'s Order, &'s RefundLine),
    MoneyBag {
        shop: Money,
        presentment: Money,
    },
    Money(Money),
    Connection(Rc<ConnectionData<'s>>),
    Edge {
        type_name: String,
        cursor: String,
        node: Box<Obj<'s>>,
    },
    PageInfo {
        has_next_page: bool,
        has_previous_page: bool,
        start_cursor: Option<String>,
        end_cursor: Option<String>,
    },
    Count {
        count: usize,
        precision: CountPrecision,
    },
    Event(&'s crate::events::Event),
    Payload(&'s crate::mutations::Outcome, String),
    UserError(&'s crate::mutations::UserError, String),
    Job(u64, bool),
    Transaction(&'s Order, Rc<Transaction>),
    Suggested(&'s Order, Rc<crate::refunds::RefundCalc>),
    SuggestedShipping(&'s Order, Rc<crate::refunds::RefundCalc>),
    SuggestedLine(&'s Order, Rc<crate::refunds::RefundCalc>, usize),
    SuggestedTransaction(&'s Order, Rc<crate::refunds::RefundCalc>),
    Location(u16),
    InventoryItem(u16, u16),
    InventoryLevel(u16, u16, u16),
    InventoryQuantity(String, i64),
    DraftOrder(&'s DraftOrder),
    DraftLine(&'s DraftOrder, usize),
    Attribute(&'s (String, String)),
}

#[derive(Clone, Copy)]
struct Money {
    amount: Decimal,
    currency: Currency,
}

struct ConnectionData<'s> {
    type_name: String,
    items: Vec<(String, Obj<'s>)>,
    has_next_page: bool,
    has_previous_page: bool,
}

struct Resolver<'s> {
    context: &'s Context<'s>,
    object: Obj<'s>,
}

type Resolved<'a> = Result<ResolvedValue<'a>, FieldError>;

fn leaf<'a>(value: impl Into<Value>) -> Resolved<'a> {
    Ok(ResolvedValue::Leaf(JsonValue::from(value.into())))
}

/// A list of scalars (apollo wants list types resolved as lists, not as JSON arrays).
fn leaf_list<'a>(values: Vec<String>) -> Resolved<'a> {
    Ok(ResolvedValue::list(
        values
            .into_iter()
            .map(|value| ResolvedValue::Leaf(JsonValue::from(value))),
    ))
}

fn null<'a>() -> Resolved<'a> {
    Ok(ResolvedValue::null())
}

fn error(message: impl Into<String>) -> FieldError {
    FieldError {
        message: message.into(),
    }
}

pub fn gid(kind: &str, id: u64) -> String {
    format!("gid://shopify/{kind}/{id}")
}

/// `gid://shopify/Order/123` → ("Order", 123).
pub fn parse_gid(id: &str) -> Option<(&str, u64)> {
    let rest = id.strip_prefix("gid://shopify/")?;
    let (kind, number) = rest.split_once('/')?;
    let number = number.split('?').next()?;
    Some((kind, number.parse().ok()?))
}

pub fn format_time(at: Timestamp) -> String {
    OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// Shopify prints decimals like Ruby's BigDecimal: no trailing zeros, but at least one decimal
/// ("24.9", "10.0", "0.0").
pub fn format_amount(amount: Decimal) -> String {
    let normalized = amount.normalize();
    if normalized.scale() == 0 {
        format!("{normalized}.0")
    } else {
        normalized.to_string()
    }
}

fn time_leaf<'a>(at: Option<Timestamp>) -> Resolved<'a> {
    match at {
        Some(at) => leaf(format_time(at)),
        None => null(),
    }
}

fn opt_leaf<'a, T: Into<Value>>(value: Option<T>) -> Resolved<'a> {
    match value {
        Some(value) => leaf(value),
        None => null(),
    }
}

fn arg_i64(info: &ResolveInfo<'_>, name: &str) -> Option<i64> {
    info.arguments().get(name).and_then(|v| v.as_i64())
}

fn arg_str<'a>(info: &'a ResolveInfo<'a>, name: &str) -> Option<&'a str> {
    info.arguments().get(name).and_then(|v| v.as_str())
}

fn arg_bool(info: &ResolveInfo<'_>, name: &str) -> Option<bool> {
    info.arguments().get(name).and_then(|v| v.as_bool())
}

fn connection_args(info: &ResolveInfo<'_>) -> ConnectionArgs {
    ConnectionArgs {
        first: arg_i64(info, "first"),
        last: arg_i64(info, "last"),
        after: arg_str(info, "after").map(str::to_string),
        before: arg_str(info, "before").map(str::to_string),
        reverse: arg_bool(info, "reverse").unwrap_or(false),
    }
}

fn declared_type_name(info: &ResolveInfo<'_>) -> String {
    info.field_definition().ty.inner_named_type().to_string()
}

impl<'s> Resolver<'s> {
    fn wrap<'a>(&'a self, object: Obj<'s>) -> Resolved<'a> {
        Ok(ResolvedValue::object(Resolver {
            context: self.context,
            object,
        }))
    }

    fn wrap_opt<'a>(&'a self, object: Option<Obj<'s>>) -> Resolved<'a> {
        match object {
            Some(object) => self.wrap(object),
            None => null(),
        }
    }

    fn list<'a>(&'a self, objects: Vec<Obj<'s>>) -> Resolved<'a> {
        let context = self.context;
        Ok(ResolvedValue::list(objects.into_iter().map(
            move |object| ResolvedValue::object(Resolver { context, object }),
        )))
    }

    fn state(&self) -> &'s ShopState {
        self.context.state
    }

    fn shop_currency(&self) -> Currency {
        self.state().shop.currency
    }

    fn shop_money(&self, amount: Decimal) -> Obj<'s> {
        Obj::Money(Money {
            amount,
            currency: self.shop_currency(),
        })
    }

    /// A MoneyBag for an amount of an order, stored in shop currency.
    fn order_money(&self, order: &Order, shop_amount: Decimal) -> Obj<'s> {
        Obj::MoneyBag {
            shop: Money {
                amount: shop_amount,
                currency: self.shop_currency(),
            },
            presentment: Money {
                amount: order.to_presentment(shop_amount),
                currency: order.presentment_currency,
            },
        }
    }

    fn not_implemented(&self, info: &ResolveInfo<'_>) -> FieldError {
        error(format!(
            "Field '{}' on '{}' is not implemented by the Shopdesk simulator",
            info.field_name(),
            self.type_name()
        ))
    }

    fn connection<'a>(
        &'a self,
        info: &ResolveInfo<'_>,
        entries: Vec<(SortValue, u64, Obj<'s>)>,
    ) -> Resolved<'a> {
        let args = connection_args(info);
        let page = paginate(entries, &args, info.field_name()).map_err(|e| error(e.to_string()))?;
        self.wrap(Obj::Connection(Rc::new(ConnectionData {
            type_name: declared_type_name(info),
            items: page.items,
            has_next_page: page.has_next_page,
            has_previous_page: page.has_previous_page,
        })))
    }

    fn record_search_warnings(
        &self,
        info: &ResolveInfo<'_>,
        query: Option<&str>,
        warnings: Vec<crate::filter::SearchWarning>,
    ) {
        if warnings.is_empty() {
            return;
        }
        let response_key = info
            .field_selections()
            .first()
            .map(|field| field.response_key().to_string())
            .unwrap_or_default();
        self.context.search.borrow_mut().push(json!({
            "path": [response_key],
            "query": query.unwrap_or_default(),
            "warnings": warnings
                .into_iter()
                .map(|w| json!({"field": w.field, "message": w.message}))
                .collect::<Vec<_>>(),
        }));
    }

    fn orders_connection<'a>(
        &'a self,
        info: &ResolveInfo<'_>,
        candidates: &mut dyn Iterator<Item = &'s Order>,
    ) -> Resolved<'a> {
        let state = self.state();
        let query = arg_str(info, "query");
        let filter = OrderFilter::new(query, self.context.now);
        self.record_search_warnings(info, query, filter.warnings());
        let sort_key = arg_str(info, "sortKey").unwrap_or("PROCESSED_AT");
        let mut entries = Vec::new();
        for order in candidates.filter(|order| filter.matches(state, order)) {
            let value = order_sort_value(state, order, sort_key).ok_or_else(|| {
                error(format!(
                    "Sort key {sort_key} is not implemented by the Shopdesk simulator"
                ))
            })?;
            entries.push((value, order.legacy_id, Obj::Order(order)));
        }
        self.connection(info, entries)
    }

    fn count<'a>(&'a self, info: &ResolveInfo<'_>, count: usize) -> Resolved<'a> {
        // `limit` defaults to 10000; an explicit null lifts the cap.
        let limit = match info.arguments().get("limit") {
            Some(limit) if limit.is_null() => None,
            Some(limit) => limit.as_i64().map(|l| l.max(0) as usize),
            None => Some(10_000),
        };
        let (count, precision) = match limit {
            Some(limit) if count > limit => (limit, CountPrecision::AtLeast),
            _ => (count, CountPrecision::Exact),
        };
        self.wrap(Obj::Count { count, precision })
    }

    fn node(&self, id: &str) -> Option<Obj<'s>> {
        let state = self.state();
        let (kind, number) = parse_gid(id)?;
        match kind {
            "Order" => state.order(number).map(Obj::Order),
            "Customer" => state.customer(number).map(Obj::Customer),
            "Shop" if number == state.shop.legacy_id => Some(Obj::Shop),
            "Product" => {
                let index = number.checked_sub(PRODUCT_ID_BASE + 1)?;
                let index = u16::try_from(index).ok()?;
                state.products.get(index as usize)?;
                Some(Obj::Product(index))
            }
            "DraftOrder" => state
                .ops
                .draft_orders
                .iter()
                .find(|d| d.legacy_id == number)
                .map(Obj::DraftOrder),
            "Location" => state
                .ops
                .location_index(number)
                .map(|i| Obj::Location(i as u16)),
            "InventoryItem" => state.products.iter().enumerate().find_map(|(p, product)| {
                let v = product.variants.iter().position(|v| {
                    INVENTORY_ITEM_ID_BASE + v.legacy_id % 1_000_000_000_000 == number
                })?;
                Some(Obj::InventoryItem(p as u16, v as u16))
            }),
            "ProductVariant" => state.products.iter().enumerate().find_map(|(p, product)| {
                let v = product
                    .variants
                    .iter()
                    .position(|v| v.legacy_id == number)?;
                Some(Obj::Variant(p as u16, v as u16))
            }),
            _ => None,
        }
    }

    fn resolve_query<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Resolved<'a> {
        let state = self.state();
        match info.field_name() {
            "shop" => self.wrap(Obj::Shop),
            "order" | "customer" | "node" => {
                let id = arg_str(info, "id").unwrap_or_default();
                if parse_gid(id).is_none() {
                    return Err(error(format!("Invalid global id '{id}'")));
                }
                let found = self.node(id).filter(|object| match info.field_name() {
                    "order" => matches!(object, Obj::Order(_)),
                    "customer" => matches!(object, Obj::Customer(_)),
                    _ => true,
                });
                self.wrap_opt(found)
            }
            "nodes" => {
                let ids: Vec<String> = info
                    .arguments()
                    .get("ids")
                    .and_then(|v| v.as_array())
                    .map(|ids| {
                        ids.iter()
                            .filter_map(|id| id.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                if let Some(bad) = ids.iter().find(|id| parse_gid(id).is_none()) {
                    return Err(error(format!("Invalid global id '{bad}'")));
                }
                let context = self.context;
                let found: Vec<Option<Obj<'s>>> = ids.iter().map(|id| self.node(id)).collect();
                Ok(ResolvedValue::list(found.into_iter().map(
                    move |object| match object {
                        Some(object) => ResolvedValue::object(Resolver { context, object }),
                        None => ResolvedValue::null(),
                    },
                )))
            }
            "orders" => self.orders_connection(info, &mut state.orders.iter()),
            "customers" => {
                let query = arg_str(info, "query");
                let filter = CustomerFilter::new(query, self.context.now);
                self.record_search_warnings(info, query, filter.warnings());
                let sort_key = arg_str(info, "sortKey").unwrap_or("ID");
                let mut entries = Vec::new();
                for customer in state.customers.iter().filter(|c| filter.matches(state, c)) {
                    let value = customer_sort_value(customer, sort_key).ok_or_else(|| {
                        error(format!(
                            "Sort key {sort_key} is not implemented by the Shopdesk simulator"
                        ))
                    })?;
                    entries.push((value, customer.legacy_id, Obj::Customer(customer)));
                }
                self.connection(info, entries)
            }
            "ordersCount" => {
                let query = arg_str(info, "query");
                let filter = OrderFilter::new(query, self.context.now);
                self.record_search_warnings(info, query, filter.warnings());
                let count = state
                    .orders
                    .iter()
                    .filter(|o| filter.matches(state, o))
                    .count();
                self.count(info, count)
            }
            "bulkOperation" | "bulkOperations" | "currentBulkOperation" => {
                crate::bulk::resolvers::resolve_query(self.context.bulk, info)
            }
            "customersCount" => {
                let query = arg_str(info, "query");
                let filter = CustomerFilter::new(query, self.context.now);
                self.record_search_warnings(info, query, filter.warnings());
                let count = state
                    .customers
                    .iter()
                    .filter(|c| filter.matches(state, c))
                    .count();
                self.count(info, count)
            }
            "events" | "event" | "eventsCount" => self.resolve_events_root(info),
            "currentAppInstallation" => {
                crate::oauth::resolvers::current_app_installation(self.context.app)
            }
            _ => match self.resolve_stock_root(info) {
                Some(resolved) => resolved,
                None => Err(self.not_implemented(info)),
            },
        }
    }

    fn resolve_shop<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Resolved<'a> {
        let shop = &self.state().shop;
        match info.field_name() {
            "id" => leaf(gid("Shop", shop.legacy_id)),
            "name" => leaf(shop.name.as_str()),
            "email" | "contactEmail" => leaf(shop.email.as_str()),
            "myshopifyDomain" => leaf(shop.myshopify_domain.as_str()),
            "url" => leaf(format!("https://{}", shop.myshopify_domain)),
            "currencyCode" => leaf(shop.currency.code()),
            "ianaTimezone" => leaf(shop.iana_timezone.as_str()),
            "plan" => self.wrap(Obj::ShopPlan),
            _ => Err(self.not_implemented(info)),
        }
    }

    fn resolve_order<'a>(&'a self, info: &'a ResolveInfo<'a>, order: &'s Order) -> Resolved<'a> {
        let state = self.state();
        let money = |amount: Decimal| self.wrap(self.order_money(order, amount));
        match info.field_name() {
            "id" => leaf(gid("Order", order.legacy_id)),
            "legacyResourceId" => leaf(order.legacy_id.to_string()),
            "name" => leaf(order.name()),
            "number" => leaf(order.number),
            "confirmationNumber" => leaf(order.confirmation_number.as_str()),
            "createdAt" => time_leaf(Some(order.created_at)),
            "processedAt" => time_leaf(Some(order.processed_at)),
            "updatedAt" => time_leaf(Some(order.updated_at)),
            "cancelledAt" => time_leaf(order.cancelled_at),
            "cancelReason" => opt_leaf(order.cancel_reason.map(|r| r.as_graphql())),
            "closedAt" => time_leaf(order.closed_at),
            "closed" => leaf(order.closed_at.is_some()),
            "displayFinancialStatus" => leaf(order.financial_status().as_graphql()),
            "displayFulfillmentStatus" => leaf(order.fulfillment_status().as_graphql()),
            "email" => opt_leaf(order.email.as_deref()),
            "phone" => opt_leaf(order.phone.as_deref()),
            "note" => opt_leaf(order.note.as_deref()),
            "tags" => leaf_list(order.tags.clone()),
            "test" => leaf(order.test),
            "taxesIncluded" => leaf(false),
            "sourceName" => leaf(order.extra.source_name.as_deref().unwrap_or("web")),
            "customAttributes" => self.list(
                order
                    .extra
                    .custom_attributes
                    .iter()
                    .map(Obj::Attribute)
                    .collect(),
            ),
            "transactions" => self.list(self.transactions_of(order, arg_i64(info, "first"))),
            "transactionsCount" => self.count(info, order.transactions().len()),
            "suggestedRefund" => self.wrap(self.suggested_refund(info, order)),
            "restockable" => leaf(
                order.cancelled_at.is_none()
                    && order.line_items.iter().any(|l| l.current_quantity() > 0),
            ),
            "currencyCode" => leaf(self.shop_currency().code()),
            "presentmentCurrencyCode" => leaf(order.presentment_currency.code()),
            "subtotalPriceSet" => money(order.subtotal()),
            "currentSubtotalPriceSet" => money(order.subtotal() - order.refunded_subtotal()),
            "totalPriceSet" => money(order.total_price()),
            "currentTotalPriceSet" => money(order.total_price() - order.total_refunded()),
            "totalRefundedSet" => self.wrap(self.bag_obj(
                order,
                crate::refunds::Bag {
                    shop: order.total_refunded(),
                    presentment: order.total_refunded_presentment(),
                },
            )),
            "totalShippingPriceSet" => money(order.shipping_price),
            "totalTaxSet" => money(order.total_tax()),
            "currentTotalTaxSet" => money(order.total_tax() - order.refunded_tax()),
            "totalDiscountsSet" => money(
                order
                    .line_items
                    .iter()
                    .map(|l| l.unit_discount * Decimal::from(l.quantity))
                    .sum(),
            ),
            "netPaymentSet" => money(order.net_payment()),
            "totalReceivedSet" => money(match order.payment {
                PaymentState::Paid => order.total_price(),
                _ => Decimal::ZERO,
            }),
            "totalOutstandingSet" => money(order.total_outstanding()),
            "refundable" => leaf(order.is_refundable()),
            "fullyPaid" => leaf(order.payment == PaymentState::Paid),
            "unpaid" => leaf(order.payment != PaymentState::Paid),
            "requiresShipping" => leaf(true),
            "subtotalLineItemsQuantity" => {
                leaf(order.line_items.iter().map(|l| l.quantity).sum::<u32>())
            }
            "currentSubtotalLineItemsQuantity" => leaf(
                order
                    .line_items
                    .iter()
                    .map(LineItem::current_quantity)
                    .sum::<u32>(),
            ),
            "customer" => self.wrap_opt(
                order
                    .customer
                    .and_then(|index| state.customer_at(index))
                    .map(Obj::Customer),
            ),
            "shippingAddress" | "billingAddress" => {
                self.wrap_opt(order.shipping_address.as_ref().map(|address| Obj::Address {
                    address,
                    model: "Address",
                }))
            }
            "statusPageUrl" => leaf(format!(
                "https://{}/{}/orders/{:x}/authenticate?key={:x}",
                state.shop.myshopify_domain,
                state.shop.legacy_id,
                order.legacy_id.wrapping_mul(0x9E37_79B9_7F4A_7C15),
                order.legacy_id.wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
            )),
            "lineItems" => {
                let entries = (0..order.line_items.len() as u16)
                    .map(|index| {
                        let id = order.line_items[index as usize].legacy_id;
                        (SortValue::Int(0), id, Obj::LineItem(order, index))
                    })
                    .collect();
                self.connection(info, entries)
            }
            "fulfillments" => {
                let limit = arg_i64(info, "first").map_or(usize::MAX, |n| n.max(0) as usize);
                let objects = order
                    .fulfillments
                    .iter()
                    .take(limit)
                    .map(|f| Obj::Fulfillment(order, f))
                    .collect();
                self.list(objects)
            }
            "refunds" => {
                let limit = arg_i64(info, "first").map_or(usize::MAX, |n| n.max(0) as usize);
                let objects = order
                    .refunds
                    .iter()
                    .take(limit)
                    .map(|r| Obj::Refund(order, r))
                    .collect();
                self.list(objects)
            }
            _ => Err(self.not_implemented(info)),
        }
    }

    fn resolve_customer<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
        customer: &'s Customer,
    ) -> Resolved<'a> {
        let state = self.state();
        match info.field_name() {
            "id" => leaf(gid("Customer", customer.legacy_id)),
            "legacyResourceId" => leaf(customer.legacy_id.to_string()),
            "displayName" => leaf(customer.display_name()),
            "firstName" => leaf(customer.first_name.as_str()),
            "lastName" => leaf(customer.last_name.as_str()),
            "email" => opt_leaf(customer.email.as_deref()),
            "phone" => opt_leaf(customer.phone.as_deref()),
            "defaultEmailAddress" => {
                self.wrap_opt(customer.email.as_ref().map(|_| Obj::EmailAddress(customer)))
            }
            "defaultPhoneNumber" => {
                self.wrap_opt(customer.phone.as_ref().map(|_| Obj::PhoneNumber(customer)))
            }
            "numberOfOrders" => leaf(state.number_of_orders(customer).to_string()),
            "amountSpent" => self.wrap(self.shop_money(state.amount_spent(customer))),
            "tags" => leaf_list(customer.tags.clone()),
            "note" => opt_leaf(customer.note.as_deref()),
            "locale" => leaf(customer.locale.as_str()),
            "state" => leaf(customer.state.as_graphql()),
            "verifiedEmail" => leaf(customer.verified_email),
            "taxExempt" => leaf(false),
            "createdAt" => time_leaf(Some(customer.created_at)),
            "updatedAt" => time_leaf(Some(customer.updated_at)),
            "defaultAddress" => {
                self.wrap_opt(
                    customer
                        .default_address
                        .as_ref()
                        .map(|address| Obj::Address {
                            address,
                            model: "CustomerAddress",
                        }),
                )
            }
            "addresses" => self.list(
                customer
                    .default_address
                    .iter()
                    .map(|address| Obj::Address {
                        address,
                        model: "CustomerAddress",
                    })
                    .collect(),
            ),
            "lastOrder" => self.wrap_opt(state.orders_of(customer).last().map(Obj::Order)),
            "orders" => {
                // Customer.orders defaults to sorting by ID, unlike QueryRoot.orders.
                // apollo applies that schema default before the resolver runs.
                let mut candidates = state.orders_of(customer);
                self.orders_connection(info, &mut candidates)
            }
            _ => Err(self.not_implemented(info)),
        }
    }
}

impl ObjectValue for Resolver<'_> {
    fn type_name(&self) -> &str {
        match &self.object {
            Obj::Query => "QueryRoot",
            Obj::Mutation => "Mutation",
            Obj::Shop => "Shop",
            Obj::ShopPlan => "ShopPlan",
            Obj::Order(_) => "Order",
            Obj::Customer(_) => "Customer",
            Obj::EmailAddress(_) => "CustomerEmailAddress",
            Obj::PhoneNumber(_) => "CustomerPhoneNumber",
            Obj::Address { .. } => "MailingAddress",
            Obj::LineItem(..) => "LineItem",
            Obj::Product(_) => "Product",
            Obj::Variant(..) => "ProductVariant",
            Obj::Fulfillment(..) => "Fulfillment",
            Obj::Tracking(_) => "FulfillmentTrackingInfo",
            Obj::FulfillmentLineItem(..) => "FulfillmentLineItem",
            Obj::Refund(..) => "Refund",
            Obj::RefundLineItem(..) => "RefundLineItem",
            Obj::MoneyBag { .. } => "MoneyBag",
            Obj::Money(_) => "MoneyV2",
            Obj::Connection(data) => &data.type_name,
            Obj::Edge { type_name, .. } => type_name,
            Obj::PageInfo { .. } => "PageInfo",
            Obj::Count { .. } => "Count",
            Obj::Event(_) => "BasicEvent",
            Obj::Payload(_, type_name) | Obj::UserError(_, type_name) => type_name,
            Obj::Job(..) => "Job",
            Obj::Transaction(..) => "OrderTransaction",
            Obj::Suggested(..) => "SuggestedRefund",
            Obj::SuggestedShipping(..) => "ShippingRefund",
            Obj::SuggestedLine(..) => "RefundLineItem",
            Obj::SuggestedTransaction(..) => "SuggestedOrderTransaction",
            Obj::Location(_) => "Location",
            Obj::InventoryItem(..) => "InventoryItem",
            Obj::InventoryLevel(..) => "InventoryLevel",
            Obj::InventoryQuantity(..) => "InventoryQuantity",
            Obj::DraftOrder(_) => "DraftOrder",
            Obj::DraftLine(..) => "DraftOrderLineItem",
            Obj::Attribute(_) => "Attribute",
        }
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Resolved<'a> {
        let state = self.state();
        match &self.object {
            Obj::Query => self.resolve_query(info),
            Obj::Mutation if self.resolve_applied(info).is_some() => {
                self.resolve_applied(info).unwrap_or_else(null)
            }
            Obj::Mutation => crate::mutations::resolve(
                &crate::mutations::MutationContext {
                    bulk: self.context.bulk,
                },
                info,
            ),
            Obj::Shop => self.resolve_shop(info),
            Obj::ShopPlan => match info.field_name() {
                "displayName" | "publicDisplayName" => leaf(state.shop.plan_name.as_str()),
                "partnerDevelopment" | "shopifyPlus" => leaf(false),
                _ => Err(self.not_implemented(info)),
            },
            Obj::Order(order) => self.resolve_order(info, order),
            Obj::Customer(customer) => self.resolve_customer(info, customer),
            Obj::EmailAddress(customer) => match info.field_name() {
                "emailAddress" => opt_leaf(customer.email.as_deref()),
                "marketingState" => leaf(customer.email_marketing.as_graphql()),
                "marketingOptInLevel" => opt_leaf(
                    (customer.email_marketing == EmailMarketingState::Subscribed)
                        .then_some("SINGLE_OPT_IN"),
                ),
                _ => Err(self.not_implemented(info)),
            },
            Obj::PhoneNumber(customer) => match info.field_name() {
                "phoneNumber" => opt_leaf(customer.phone.as_deref()),
                "marketingState" => leaf("NOT_SUBSCRIBED"),
                _ => Err(self.not_implemented(info)),
            },
            Obj::Address { address, model } => self.resolve_address(info, address, model),
            Obj::LineItem(order, index) => self.resolve_line_item(info, order, *index),
            Obj::Product(index) => {
                let Some(product) = state.products.get(*index as usize) else {
                    return null();
                };
                match info.field_name() {
                    "id" => leaf(gid("Product", product.legacy_id)),
                    "legacyResourceId" => leaf(product.legacy_id.to_string()),
                    "title" => leaf(product.title.as_str()),
                    "handle" => leaf(product.handle.as_str()),
                    "vendor" => leaf(product.vendor.as_str()),
                    "productType" => leaf(product.product_type.as_str()),
                    "variants" => self.resolve_product_variants(info, *index),
                    "totalInventory" => leaf(
                        product
                            .variants
                            .iter()
                            .map(|v| state.ops.available(v.legacy_id))
                            .sum::<i64>(),
                    ),
                    _ => Err(self.not_implemented(info)),
                }
            }
            Obj::Variant(product_index, variant_index) => {
                let Some((product, variant)) = state.variant(*product_index, *variant_index) else {
                    return null();
                };
                match info.field_name() {
                    "id" => leaf(gid("ProductVariant", variant.legacy_id)),
                    "legacyResourceId" => leaf(variant.legacy_id.to_string()),
                    "title" => leaf(variant.title.as_str()),
                    "displayName" => leaf(format!("{} - {}", product.title, variant.title)),
                    "sku" => leaf(variant.sku.as_str()),
                    "price" => leaf(format_amount(variant.price)),
                    "product" => self.wrap(Obj::Product(*product_index)),
                    _ => self
                        .resolve_variant_stock(info, *product_index, *variant_index)
                        .unwrap_or_else(|| Err(self.not_implemented(info))),
                }
            }
            Obj::Fulfillment(order, fulfillment) => {
                self.resolve_fulfillment(info, order, fulfillment)
            }
            Obj::Tracking(tracking) => match info.field_name() {
                "company" => leaf(tracking.company.as_str()),
                "number" => leaf(tracking.number.as_str()),
                "url" => leaf(tracking.url.as_str()),
                _ => Err(self.not_implemented(info)),
            },
            Obj::FulfillmentLineItem(order, line) => match info.field_name() {
                "id" => leaf(gid("FulfillmentLineItem", line.legacy_id)),
                "quantity" => leaf(line.quantity),
                "lineItem" => self.wrap(Obj::LineItem(order, line.line_item)),
                "originalTotalSet" | "discountedTotalSet" => {
                    let Some(item) = order.line_items.get(line.line_item as usize) else {
                        return null();
                    };
                    let unit = if info.field_name() == "originalTotalSet" {
                        item.unit_price
                    } else {
                        item.discounted_unit_price()
                    };
                    self.wrap(self.order_money(order, unit * Decimal::from(line.quantity)))
                }
                _ => Err(self.not_implemented(info)),
            },
            Obj::Refund(order, refund) => self.resolve_refund(info, order, refund),
            Obj::RefundLineItem(order, line) => self.resolve_refund_line(info, order, line),
            Obj::MoneyBag { shop, presentment } => match info.field_name() {
                "shopMoney" => self.wrap(Obj::Money(*shop)),
                "presentmentMoney" => self.wrap(Obj::Money(*presentment)),
                _ => Err(self.not_implemented(info)),
            },
            Obj::Money(money) => match info.field_name() {
                "amount" => leaf(format_amount(money.amount)),
                "currencyCode" => leaf(money.currency.code()),
                _ => Err(self.not_implemented(info)),
            },
            Obj::Connection(data) => match info.field_name() {
                "edges" => {
                    let type_name = declared_type_name(info);
                    let edges = data
                        .items
                        .iter()
                        .map(|(cursor, node)| Obj::Edge {
                            type_name: type_name.clone(),
                            cursor: cursor.clone(),
                            node: Box::new(node.clone()),
                        })
                        .collect();
                    self.list(edges)
                }
                "nodes" => self.list(data.items.iter().map(|(_, node)| node.clone()).collect()),
                "pageInfo" => self.wrap(Obj::PageInfo {
                    has_next_page: data.has_next_page,
                    has_previous_page: data.has_previous_page,
                    start_cursor: data.items.first().map(|(cursor, _)| cursor.clone()),
                    end_cursor: data.items.last().map(|(cursor, _)| cursor.clone()),
                }),
                _ => Err(self.not_implemented(info)),
            },
            Obj::Edge { cursor, node, .. } => match info.field_name() {
                "cursor" => leaf(cursor.as_str()),
                "node" => self.wrap((**node).clone()),
                _ => Err(self.not_implemented(info)),
            },
            Obj::PageInfo {
                has_next_page,
                has_previous_page,
                start_cursor,
                end_cursor,
            } => match info.field_name() {
                "hasNextPage" => leaf(*has_next_page),
                "hasPreviousPage" => leaf(*has_previous_page),
                "startCursor" => opt_leaf(start_cursor.as_deref()),
                "endCursor" => opt_leaf(end_cursor.as_deref()),
                _ => Err(self.not_implemented(info)),
            },
            Obj::Event(event) => self.resolve_event(info, event),
            Obj::Payload(outcome, _) => self.resolve_payload(info, outcome),
            Obj::UserError(user_error, _) => self.resolve_user_error(info, user_error),
            Obj::Job(id, done) => self.resolve_job(info, *id, *done),
            Obj::Transaction(order, transaction) => {
                self.resolve_transaction(info, order, transaction)
            }
            Obj::Suggested(order, calc) => self.resolve_suggested(info, order, calc),
            Obj::SuggestedShipping(order, calc) => {
                self.resolve_suggested_shipping(info, order, calc)
            }
            Obj::SuggestedLine(order, calc, index) => {
                self.resolve_suggested_line(info, order, calc, *index)
            }
            Obj::SuggestedTransaction(order, calc) => {
                self.resolve_suggested_transaction(info, order, calc)
            }
            Obj::Location(index) => self.resolve_location(info, *index),
            Obj::InventoryItem(product, variant) => {
                self.resolve_inventory_item(info, *product, *variant)
            }
            Obj::InventoryLevel(product, variant, location) => {
                self.resolve_inventory_level(info, *product, *variant, *location)
            }
            Obj::InventoryQuantity(name, quantity) => match info.field_name() {
                "name" => leaf(name.as_str()),
                "quantity" => leaf(*quantity),
                "id" => leaf(format!("gid://shopify/InventoryQuantity/{name}")),
                "updatedAt" => null(),
                _ => Err(self.not_implemented(info)),
            },
            Obj::DraftOrder(draft) => self.resolve_draft_order(info, draft),
            Obj::DraftLine(draft, index) => self.resolve_draft_line(info, draft, *index),
            Obj::Attribute((key, value)) => match info.field_name() {
                "key" => leaf(key.as_str()),
                "value" => leaf(value.as_str()),
                _ => Err(self.not_implemented(info)),
            },
            Obj::Count { count, precision } => match info.field_name() {
                "count" => leaf(*count),
                "precision" => leaf(precision.as_graphql()),
                _ => Err(self.not_implemented(info)),
            },
        }
    }
}
