//! Refunds, replacements, cancellations and order edits from a ticket, exactly once.
//!
//! # API (what the app layer calls)
//! - [`ActionEngine::new`]`(store, client, agent, limit)`: one engine per agent session.
//! - [`order_actions_allowed`]`(&OrderRecord)` → [`OrderActionsAllowed`]: which buttons to show,
//!   with the reason as a sentence for the hover text (local data, no network).
//! - [`ActionEngine::preview_refund`]`(&RefundRequest)` → [`RefundPreview`]: Shopify's
//!   `suggestedRefund` for exactly that selection, in the order's currency, and whether it is
//!   above the agent's limit. When Shopify can't be reached, an estimate from the store's copy
//!   of the order (`estimated_from_local_copy`), checked against Shopify's before it is sent.
//! - [`ActionEngine::preview_cancel`]`(order_id)` → [`CancelPreview`]: what a cancellation with
//!   `refund: true` gives back (everything captured less what was refunded, from the fresh
//!   order's transactions: what `orderCancel` refunds) and whether it is above the limit.
//! - [`ActionEngine::submit`]`(ticket_id, ActionRequest, SubmitMode, Option<OwnerApproval>)` →
//!   [`ActionRecord`]: validates (typed [`InvalidRequest`], nothing written), writes the action
//!   to the outbox, sends it (mode `Now`) or queues it (`WhenOnline`), and returns the record in
//!   its state after that.
//! - [`ActionEngine::run_pending`]: sends due queued actions and reconciles unknown ones (call at
//!   start and periodically; [`ActionEngine::spawn_worker`] does it on an interval).
//! - [`ActionEngine::reconcile_unknown`]: only the reconciliation of `Sending`/`Unknown` rows.
//! - [`ActionEngine::list_for_ticket`], [`ActionEngine::list_for_order`],
//!   [`ActionEngine::action`], [`ActionEngine::cancel_queued`].
//! - [`ActionEngine::edit_queued`]`(id, ActionRequest, Option<OwnerApproval>)`: replaces a
//!   queued action's request (the UI reopens the refund/replacement dialog prefilled with it);
//!   validated like a new one, and a refund above the limit needs the approval again.
//!
//! After an action succeeds the order (and a replacement's new order) is re-read into the
//! store, then the customer (orders count, total spent).
//!
//! # States
//! ```text
//! submit ─► Queued ─claim─► Sending ─answer─► Succeeded | Failed(reason)
//!             │  ▲             │ lost answer / crash
//!             │  └─not sent────┤ (WhenOnline; Now → Failed "can't be reached")
//!             │                ▼
//!             │             Unknown ─reconcile─► Succeeded | (resend, same key) | Held
//!             ├─pre-check: order changed─► Held(what changed)
//!             └─agent─► Cancelled
//! ```
//! Final states: Succeeded, Failed, Held, Cancelled. Every transition is one SQLite
//! transaction; a row found in `Sending` at start is treated as `Unknown`.
//!
//! # Exactly once
//! The action is written with a client-generated key (UUID v4) before anything is sent, and
//! the exact mutation input ("plan") is fixed when it is first claimed, so a retry never
//! changes it.
//! - Refund: `refundCreate @idempotent(key:)` with that key; the key is also in the refund's
//!   note. After an unknown outcome the order's refunds are read back first (found → done);
//!   otherwise the same input is resent with the same key, which Shopify answers with the
//!   first result if it had run.
//! - Replacement: a draft order at 100 % discount with free shipping, tagged
//!   `shopdesk-<key>` and noted, then completed (see ARCHITECTURE.md for why not orderCreate
//!   or an exchange). The draft's id is saved as soon as it is known; after an unknown outcome
//!   the orders and drafts carrying the tag are searched before anything is created again (not
//!   before [`SEARCH_SETTLE`] has passed, as Shopify's search index lags behind writes), and a
//!   found draft that is not completed is completed.
//! - Cancel: after an unknown outcome the order is re-read (`cancelledAt` set → done). A
//!   refunding cancel stores the amount it was checked for; if a queued one would now refund
//!   another amount it is held. It can't be queued offline when a limit is set (the amount
//!   can't be checked without Shopify).
//! - Edit: `orderUpdate` and `tagsAdd` overwrite/merge, so they are simply sent again.
//!
//! Before any send (and especially for actions queued offline) the order is re-read: if it was
//! cancelled meanwhile, quantities are no longer refundable, or the fresh suggested total
//! differs from the total the agent confirmed, the action is `Held` with a sentence saying
//! what changed. It is never sent blind.
//!
//! # Owner approval (the choice)
//! A refund above the agent's [`RefundLimit`] (and a cancellation whose refund is above it)
//! needs [`OwnerApproval`]: a second, explicit step
//! in which the owner types their name and re-enters the exact total they approve; the engine
//! checks the total against Shopify's fresh suggestion and records who approved in the
//! action's note. No passphrase is kept, so there is no secret to store: the app is a
//! single-seat desktop app today and the owner is at the same keyboard; a passphrase check
//! (a salted hash, never the passphrase) can replace this step when agents get accounts.

mod availability;
mod engine;
mod error;
mod execute;
mod local_estimate;
mod messages;
mod outbox;
mod plan;
mod precheck;
mod records;
mod types;
mod validate;

pub use availability::order_actions_allowed;
pub use engine::{ActionEngine, RunReport, SEARCH_SETTLE};
pub use error::{ActionError, InvalidRequest, Result};
pub use messages::{customer_message, internal_note};
pub use types::*;
