//! Mutation payloads rendered from their outcomes, and the objects they lead to: transactions,
//! jobs, user errors.

use std::rc::Rc;

use apollo_compiler::resolvers::ResolveInfo;
use rust_decimal::Decimal;

use super::{
    declared_type_name, error, gid, leaf, null, opt_leaf, time_leaf, Obj, Resolved, Resolver,
};
use crate::model::*;
use crate::mutations::{Outcome, UserError};
use crate::refunds::Bag;

impl<'s> Resolver<'s> {
    /// A MoneyBag with an exact presentment amount.
    pub(super) fn bag_obj(&self, order: &Order, bag: Bag) -> Obj<'s> {
        Obj::MoneyBag {
            shop: super::Money {
                amount: bag.shop,
                currency: self.shop_currency(),
            },
            presentment: super::Money {
                amount: bag.presentment,
                currency: order.presentment_currency,
            },
        }
    }

    /// The Mutation root field for an outcome [`crate::mutations::apply`] recorded.
    pub(super) fn resolve_applied<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Option<Resolved<'a>> {
        let outcomes = self.context.outcomes?;
        let key = info.field_selections().first()?.response_key().to_string();
        let outcome = outcomes.get(&key)?;
        Some(match outcome {
            Outcome::Failed { message, .. } | Outcome::AccessDenied { message, .. } => {
                Err(error(message.clone()))
            }
            outcome => self.wrap(Obj::Payload(outcome, declared_type_name(info))),
        })
    }

    fn user_errors<'a>(&'a self, info: &ResolveInfo<'_>, errors: &'s [UserError]) -> Resolved<'a> {
        let type_name = declared_type_name(info);
        self.list(
            errors
                .iter()
                .map(|e| Obj::UserError(e, type_name.clone()))
                .collect(),
        )
    }

    fn order_by_id(&self, id: Option<u64>) -> Option<Obj<'s>> {
        self.state().order(id?).map(Obj::Order)
    }

    pub(super) fn resolve_payload<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
        outcome: &'s Outcome,
    ) -> Resolved<'a> {
        let state = self.state();
        let empty: &'s [UserError] = &[];
        match (outcome, info.field_name()) {
            (Outcome::Refund { errors, .. }, "userErrors")
            | (Outcome::OrderUpdate { errors, .. }, "userErrors")
            | (Outcome::TagsAdd { errors, .. }, "userErrors")
            | (Outcome::Draft { errors, .. }, "userErrors")
            | (Outcome::Cancel { errors, .. }, "orderCancelUserErrors") => {
                self.user_errors(info, errors)
            }
            // `userErrors` is deprecated on orderCancel; its errors moved to the coded list.
            (Outcome::Cancel { .. }, "userErrors") => self.user_errors(info, empty),
            (Outcome::Refund { order, .. }, "order")
            | (Outcome::OrderUpdate { order, .. }, "order") => {
                self.wrap_opt(self.order_by_id(*order))
            }
            (Outcome::Refund { order, refund, .. }, "refund") => {
                let found = order.and_then(|o| state.order(o)).and_then(|order| {
                    let refund = order
                        .refunds
                        .iter()
                        .find(|r| Some(r.legacy_id) == *refund)?;
                    Some(Obj::Refund(order, refund))
                });
                self.wrap_opt(found)
            }
            (Outcome::Cancel { job, .. }, "job") => match job {
                Some(id) => self.wrap(Obj::Job(*id, false)),
                None => null(),
            },
            (Outcome::Cancel { .. }, "jobResult") => null(),
            (Outcome::TagsAdd { node, .. }, "node") => {
                self.wrap_opt(node.as_deref().and_then(|id| self.node(id)))
            }
            (Outcome::Draft { draft, .. }, "draftOrder") => self.wrap_opt(
                state
                    .ops
                    .draft_orders
                    .iter()
                    .find(|d| Some(d.legacy_id) == *draft)
                    .map(Obj::DraftOrder),
            ),
            _ => Err(self.not_implemented(info)),
        }
    }

    pub(super) fn resolve_user_error<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
        user_error: &'s UserError,
    ) -> Resolved<'a> {
        match info.field_name() {
            "field" => match &user_error.field {
                Some(field) => super::leaf_list(field.clone()),
                None => null(),
            },
            "message" => leaf(user_error.message.as_str()),
            "code" => opt_leaf(user_error.code),
            _ => Err(self.not_implemented(info)),
        }
    }

    pub(super) fn resolve_job<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
        id: u64,
        done: bool,
    ) -> Resolved<'a> {
        match info.field_name() {
            "id" => leaf(gid("Job", id)),
            "done" => leaf(done),
            "query" => self.wrap(Obj::Query),
            _ => Err(self.not_implemented(info)),
        }
    }

    pub(super) fn resolve_transaction<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
        order: &'s Order,
        transaction: &Rc<Transaction>,
    ) -> Resolved<'a> {
        let bag = Bag {
            shop: transaction.amount,
            presentment: transaction.presentment_amount,
        };
        match info.field_name() {
            "id" => leaf(gid("OrderTransaction", transaction.legacy_id)),
            "kind" => leaf(transaction.kind.as_graphql()),
            "status" => leaf("SUCCESS"),
            "gateway" => leaf(transaction.gateway.as_str()),
            "formattedGateway" => leaf("Shopify Payments"),
            "test" => leaf(false),
            "manuallyCapturable" => leaf(false),
            "amountSet" => self.wrap(self.bag_obj(order, bag)),
            "amount" => leaf(super::format_amount(bag.presentment)),
            "amountV2" => self.wrap(Obj::Money(super::Money {
                amount: bag.presentment,
                currency: order.presentment_currency,
            })),
            "processedAt" | "createdAt" => time_leaf(Some(transaction.processed_at)),
            "order" => self.wrap(Obj::Order(order)),
            "parentTransaction" => {
                let parent = transaction.parent.and_then(|parent| {
                    order
                        .transactions()
                        .into_iter()
                        .find(|t| t.legacy_id == parent)
                });
                self.wrap_opt(parent.map(|p| Obj::Transaction(order, Rc::new(p))))
            }
            "maximumRefundableV2" => {
                if transaction.kind != TransactionKind::Sale {
                    return null();
                }
                let (_, presentment) = order.refundable_money();
                self.wrap(Obj::Money(super::Money {
                    amount: presentment,
                    currency: order.presentment_currency,
                }))
            }
            _ => Err(self.not_implemented(info)),
        }
    }

    pub(super) fn transactions_of(&self, order: &'s Order, first: Option<i64>) -> Vec<Obj<'s>> {
        let limit = first.map_or(usize::MAX, |n| n.max(0) as usize);
        order
            .transactions()
            .into_iter()
            .take(limit)
            .map(|t| Obj::Transaction(order, Rc::new(t)))
            .collect()
    }

    pub(super) fn refund_transactions(&self, order: &'s Order, refund: &Refund) -> Vec<Obj<'s>> {
        let ids: Vec<u64> = match &refund.transactions {
            Some(explicit) => explicit.iter().map(|t| t.legacy_id).collect(),
            None => vec![
                SEEDED_REFUND_TRANSACTION_ID_BASE + refund.legacy_id.saturating_sub(REFUND_ID_BASE),
            ],
        };
        order
            .transactions()
            .into_iter()
            .filter(|t| ids.contains(&t.legacy_id))
            .map(|t| Obj::Transaction(order, Rc::new(t)))
            .collect()
    }

    /// A refund's total with its exact presentment amount.
    pub(super) fn refund_total(&self, order: &Order, refund: &Refund) -> Bag {
        match &refund.transactions {
            Some(explicit) => Bag {
                shop: explicit.iter().map(|t| t.amount).sum(),
                presentment: explicit
                    .iter()
                    .map(|t| t.presentment_amount)
                    .sum::<Decimal>(),
            },
            None => crate::refunds::bag(order, refund.total()),
        }
    }
}
