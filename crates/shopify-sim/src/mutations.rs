//! The Mutation root.
//!
//! Order-changing mutations run in two steps: [`apply`] takes the store's write lock, runs every
//! top-level mutation field of the operation in document order and records an [`Outcome`] per
//! response key; the executor then renders each payload from its outcome under a read lock
//! (`executor/payloads.rs`). Bulk mutations still resolve inside the execution ([`resolve`]).
//! Any other mutation answers "not implemented".
//!
//! # Supported mutations and the rules they follow
//!
//! Sources: [S] the vendored 2026-10 schema (descriptions), [D] shopify.dev, [I] our inference,
//! to verify on a dev store. Mutation cost is 10 ([D] shopify.dev/docs/api/usage/rate-limits).
//!
//! - `refundCreate(input) @idempotent(key:)` (scope `write_orders`):
//!   - without the directive: a top-level error "The @idempotent directive is required for this
//!     mutation but was not provided." with `extensions.code` `BAD_REQUEST` ([S] refundCreate
//!     description: required from 2026-04; text from API-NOTES §6 [3P]); nothing runs.
//!   - same key and same input: the original payload again (same refund, no second one); same
//!     key, different input: a top-level error with `extensions.code`
//!     `IDEMPOTENCY_KEY_PARAMETER_MISMATCH`; same key after a first use that failed with
//!     userErrors: `IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED` (a new key is needed); an empty or
//!     blank key: `BAD_REQUEST`. Codes and messages are those of the 2026-10 schema's inventory
//!     error enums and `@idempotent` description [S]; RefundCreatePayload's `UserError` has no
//!     `code`, so a top-level error is the only place a code can go [I].
//!   - userErrors `{field message}`: unknown order `["orderId"]`; unknown line item
//!     `["refundLineItems","<i>","lineItemId"]`; quantity ≤ 0 or above `refundableQuantity`
//!     `["refundLineItems","<i>","quantity"]`; unknown location `[...,"locationId"]`; shipping
//!     above what is left `["shipping","amount"]`; a transaction that is not a REFUND of the
//!     order's SALE `["transactions","<i>","parentId"|"kind"|"orderId"]` or above what the SALE
//!     can still refund `["transactions","<i>","amount"]`; `currency` missing or not the
//!     presentment currency when that differs from the shop's `["currency"]` ([S] RefundInput
//!     `currency`); line items on a cancelled order `["refundLineItems"]` [I]; nothing to refund
//!     (no lines, no shipping, no transactions) `null` field [I]. Messages are ours [I].
//!   - success: the refund is appended (lines with pro-rata tax, shipping, REFUND transactions
//!     whose parent is the SALE), `refundableQuantity`/`currentQuantity` drop, financial status
//!     becomes PARTIALLY_REFUNDED or REFUNDED from the money moved ([D] Order
//!     displayFinancialStatus), RETURN/CANCEL restock at `locationId` (default: the first
//!     location), `notify` is recorded, `updatedAt` is bumped.
//! - `orderCancel(...)` (scope `write_orders`): asynchronous ([S] OrderCancelPayload `job`): the
//!   payload carries `job{id done:false}`; the cancellation applies at once and `job(id:)`
//!   reports `done: true`. `orderCancelUserErrors{field message code}` ([S]
//!   OrderCancelUserErrorCode has no specific codes, so `INVALID` is used): unknown order
//!   `NOT_FOUND`; already cancelled `INVALID` ([S] orderCancel: "The order hasn't already been
//!   cancelled"); fulfilled line items `INVALID` ([S] "no outstanding fulfillments that can't be
//!   cancelled"; the sim treats every fulfilled unit as such [I]); staffNote above 255
//!   characters `INVALID` ([S] staffNote). An only-authorized order is cancelled and its hold
//!   released (financial status VOIDED) ([S] orderCancel description).
//!   `refund: true` refunds what the SALE still holds (all remaining units and shipping);
//!   `restock: true` restocks unfulfilled units at the first location.
//! - `orderUpdate(input: OrderInput)` (scope `write_orders`): `note`, `tags`, `email`,
//!   `shippingAddress` (`countryCode`/`provinceCode`) and `customAttributes` overwrite ([S]
//!   OrderInput `note`/`tags`: "Overwrites the existing ..."); works on cancelled orders too
//!   ([S] orderCancel: "you can still make limited updates"); userErrors for an unknown order (`["id"]`), a note over 5000
//!   characters (`["note"]`), an email without "@" (`["email"]`).
//! - `tagsAdd(id, tags)` on an Order, DraftOrder or Customer: merges, keeping existing tags,
//!   trimming, dropping duplicates, splitting "a, b" strings ([S] tagsAdd `tags`); another id:
//!   userError `["id"]` ([S] "returns a resource-not-found error").
//! - `draftOrderCreate(input)` (scope `write_draft_orders`): variant lines with
//!   `appliedDiscount` PERCENTAGE (100 = free), `customerId`/`purchasingEntity.customerId`/
//!   `email`, `shippingAddress`, `shippingLine.price`, `note`, `tags`. Not idempotent: a repeat
//!   creates another draft ([D] API-NOTES §6). userErrors: unknown variant
//!   `["lineItems","<i>","variantId"]`, quantity ≤ 0 `[...,"quantity"]`, unknown customer. Stock
//!   is not checked at creation: Shopify drafts accept any quantity and only reserve on
//!   completion [I]; the sim's variants all use inventoryPolicy DENY, checked on complete.
//! - `draftOrderComplete(id, paymentPending)`: creates an order (next number, sourceName
//!   "shopify_draft_order" [I: Order.sourceName [S] only lists "web", "mobile_app", "pos"], tags and note copied, PAID unless
//!   paymentPending, inventory taken from the locations in order, customer linked), sets the
//!   draft COMPLETED with `order`. Completing again: userError "This order has already been
//!   paid." [I: wording not verified on a dev store]; a line above available stock: userError on
//!   `["lineItems","<i>","quantity"]` [I].
//!
//! Access scopes: each field needs its write scope (`write_orders`; `write_draft_orders` for
//! draft orders and `tagsAdd` on one; `write_customers` for `tagsAdd` on a customer). Without
//! it the field is null and the error is Shopify's: "Access denied for refundCreate field.
//! Required access: `write_orders` access scope." with `extensions{code: ACCESS_DENIED,
//! documentation, requiredAccess}` ([D] shopify.dev/docs/api/usage/access-scopes; shape as
//! seen in real responses [3P]). Scopes are the token's app's (`sim.auth().set_scopes`).

use std::collections::BTreeMap;
use std::sync::Arc;

use apollo_compiler::executable::{Field, Selection};
use apollo_compiler::resolvers::{FieldError, ResolveInfo, ResolvedValue};
use serde_json::{Map, Value};

use crate::bulk::{resolvers as bulk, BulkOperations};
use crate::model::{ShopState, Timestamp};

mod draft;
pub(crate) mod input;
mod order;
mod refund;

pub(crate) use draft::draft_unit_price;
pub use refund::{
    IDEMPOTENCY_EMPTY_KEY, IDEMPOTENCY_MISMATCH, IDEMPOTENCY_PREVIOUS_FAILED, MISSING_IDEMPOTENCY,
};

/// What mutations may act on besides the read-only store.
pub(crate) struct MutationContext<'s> {
    pub bulk: Option<&'s Arc<BulkOperations>>,
}

/// A `userErrors` entry. `code` only where the payload's error type has one.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct UserError {
    pub field: Option<Vec<String>>,
    pub message: String,
    pub code: Option<&'static str>,
}

impl UserError {
    pub fn new(field: &[&str], message: impl Into<String>) -> UserError {
        UserError {
            field: Some(field.iter().map(|f| f.to_string()).collect()),
            message: message.into(),
            code: None,
        }
    }

    pub fn at(field: Vec<String>, message: impl Into<String>) -> UserError {
        UserError {
            field: Some(field),
            message: message.into(),
            code: None,
        }
    }

    pub fn base(message: impl Into<String>) -> UserError {
        UserError {
            field: None,
            message: message.into(),
            code: None,
        }
    }

    pub fn with_code(mut self, code: &'static str) -> UserError {
        self.code = Some(code);
        self
    }
}

/// What one top-level mutation field did; the payload is rendered from it.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    Refund {
        order: Option<u64>,
        refund: Option<u64>,
        errors: Vec<UserError>,
    },
    Cancel {
        job: Option<u64>,
        errors: Vec<UserError>,
    },
    OrderUpdate {
        order: Option<u64>,
        errors: Vec<UserError>,
    },
    TagsAdd {
        node: Option<String>,
        errors: Vec<UserError>,
    },
    Draft {
        draft: Option<u64>,
        errors: Vec<UserError>,
    },
    /// A top-level error (the field is null): message and `extensions.code`.
    Failed { message: String, code: &'static str },
    /// The token lacks the scope: Shopify's ACCESS_DENIED error, the field null.
    AccessDenied {
        message: String,
        scope: &'static str,
    },
}

impl Outcome {
    /// The top-level error message, for outcomes that have one.
    pub fn error_message(&self) -> Option<&str> {
        match self {
            Outcome::Failed { message, .. } | Outcome::AccessDenied { message, .. } => {
                Some(message)
            }
            _ => None,
        }
    }
}

/// The scope a mutation field needs ([D] each mutation's "Requires" note on shopify.dev).
fn required_scope(field: &str, args: &Map<String, Value>) -> &'static str {
    match field {
        "draftOrderCreate" | "draftOrderComplete" => "write_draft_orders",
        "tagsAdd" => {
            let id = args.get("id").and_then(Value::as_str).unwrap_or_default();
            match crate::executor::parse_gid(id) {
                Some(("DraftOrder", _)) => "write_draft_orders",
                Some(("Customer", _)) => "write_customers",
                _ => "write_orders",
            }
        }
        _ => "write_orders",
    }
}

/// Outcomes by response key.
pub(crate) type Outcomes = BTreeMap<String, Outcome>;

const APPLIED: &[&str] = &[
    "refundCreate",
    "orderCancel",
    "orderUpdate",
    "tagsAdd",
    "draftOrderCreate",
    "draftOrderComplete",
];

/// Whether the operation holds a mutation that [`apply`] runs (and so needs the write lock).
pub(crate) fn changes_store(selection: &apollo_compiler::executable::SelectionSet) -> bool {
    selection.selections.iter().any(|s| match s {
        Selection::Field(field) => APPLIED.contains(&field.name.as_str()),
        _ => false,
    })
}

/// Runs the operation's order-changing fields against the store, in document order.
/// `scopes`: the token's access scopes (`None`: not checked).
pub(crate) fn apply(
    state: &mut ShopState,
    selection: &apollo_compiler::executable::SelectionSet,
    variables: &Map<String, Value>,
    scopes: Option<&[String]>,
    now: Timestamp,
) -> Outcomes {
    let mut outcomes = Outcomes::new();
    for selection in &selection.selections {
        let Selection::Field(field) = selection else {
            continue;
        };
        if !APPLIED.contains(&field.name.as_str()) {
            continue;
        }
        let args = input::field_arguments(field, variables);
        let scope = required_scope(&field.name, &args);
        let granted = scopes.is_none_or(|scopes| scopes.iter().any(|s| s == scope));
        let outcome = if granted {
            run(state, field, &args, variables, now)
        } else {
            Outcome::AccessDenied {
                message: format!(
                    "Access denied for {} field. Required access: `{scope}` access scope.",
                    field.name
                ),
                scope,
            }
        };
        outcomes.insert(field.response_key().to_string(), outcome);
    }
    outcomes
}

fn run(
    state: &mut ShopState,
    field: &Field,
    args: &Map<String, Value>,
    variables: &Map<String, Value>,
    now: Timestamp,
) -> Outcome {
    match field.name.as_str() {
        "refundCreate" => {
            let key = input::idempotency_key(field, variables);
            refund::refund_create(state, args, key, now)
        }
        "orderCancel" => order::order_cancel(state, args, now),
        "orderUpdate" => order::order_update(state, args, now),
        "tagsAdd" => order::tags_add(state, args, now),
        "draftOrderCreate" => draft::draft_order_create(state, args, now),
        "draftOrderComplete" => draft::draft_order_complete(state, args, now),
        name => Outcome::Failed {
            message: format!("Field '{name}' is not implemented by the Shopdesk simulator"),
            code: "INTERNAL_SERVER_ERROR",
        },
    }
}

/// Fields resolved inside the execution (those [`apply`] does not run).
pub(crate) fn resolve<'a>(
    context: &MutationContext<'_>,
    info: &'a ResolveInfo<'a>,
) -> Result<ResolvedValue<'a>, FieldError> {
    match info.field_name() {
        "bulkOperationRunQuery" => bulk::run_query(context.bulk, info),
        "bulkOperationCancel" => bulk::cancel(context.bulk, info),
        name => Err(FieldError {
            message: format!(
                "Field '{name}' on 'Mutation' is not implemented by the Shopdesk simulator"
            ),
        }),
    }
}

/// Top-level errors of failed mutations carry Shopify's `extensions.code`.
pub(crate) fn add_error_codes(
    outcomes: &Outcomes,
    errors: &mut [shopdesk_shopify_schema::GraphqlError],
) {
    for error in errors.iter_mut() {
        let key = error
            .path
            .as_ref()
            .and_then(|path| path.first())
            .and_then(|first| first.as_str().map(str::to_string));
        let failed = key.and_then(|key| outcomes.get(&key)).or_else(|| {
            outcomes
                .values()
                .find(|o| o.error_message() == Some(error.message.as_str()))
        });
        match failed {
            Some(Outcome::Failed { code, .. }) => {
                error.extensions = Some(serde_json::json!({ "code": code }));
            }
            Some(Outcome::AccessDenied { scope, .. }) => {
                error.extensions = Some(serde_json::json!({
                    "code": "ACCESS_DENIED",
                    "documentation": "https://shopify.dev/api/usage/access-scopes",
                    "requiredAccess": format!("`{scope}` access scope."),
                }));
            }
            _ => {}
        }
    }
}
