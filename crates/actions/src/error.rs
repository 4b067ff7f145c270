//! Errors of the action engine. `Display` is a sentence for the dialog that says what to do.

use shopdesk_shopify::ShopifyError;
use shopdesk_store::StoreError;

/// Input the engine refuses before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidRequest {
    #[error("Choose at least one item.")]
    NothingSelected,
    #[error("The quantity for {item} must be at least 1.")]
    ZeroQuantity { item: String },
    #[error("Only {refundable} of {item} can still be refunded; lower the quantity to {refundable} or less.")]
    AboveRefundable { item: String, refundable: i64 },
    #[error("{item} is not on order {order}; reopen the order and choose again.")]
    UnknownLineItem { item: String, order: String },
    #[error("{item} is chosen twice; choose each item once.")]
    DuplicateLine { item: String },
    #[error("The amount is in {given} but order {order} is in {expected}; enter the amount in {expected}.")]
    CurrencyMismatch {
        given: String,
        expected: String,
        order: String,
    },
    #[error("{0}")]
    Amount(String),
    #[error("Only {maximum} of shipping can still be refunded; lower the shipping amount.")]
    ShippingAboveRefundable { maximum: String },
    #[error("Nothing would be refunded; choose items or shipping.")]
    ZeroRefund,
    #[error("{variant} is out of stock ({available} available); choose another variant or a smaller quantity.")]
    OutOfStock { variant: String, available: i64 },
    #[error("{variant} is not a variant of {product}; choose a variant of the same product.")]
    OtherProduct { variant: String, product: String },
    #[error("Order {order} was cancelled; it can't be {what}.")]
    OrderCancelled { order: String, what: &'static str },
    #[error("Order {order} has fulfilled items; a fulfilled order can't be cancelled (refund it instead).")]
    AlreadyFulfilled { order: String },
    #[error(
        "Order {order} has no shipping address and none was entered; enter the address to ship to."
    )]
    NoShippingAddress { order: String },
    #[error("The staff note is {length} characters; Shopify accepts at most 255.")]
    StaffNoteTooLong { length: usize },
    #[error("Nothing to change: enter a note, tags or an address.")]
    NothingToEdit,
    #[error("This refund of {total} is above your limit of {limit}; ask the owner to approve it.")]
    ApprovalRequired { total: String, limit: String },
    #[error("The approval doesn't match: the owner must re-enter the exact total {total}.")]
    ApprovalMismatch { total: String },
    #[error("The refund would now be {now}, not the {confirmed} you confirmed (the order changed); check the preview again.")]
    AmountChanged { confirmed: String, now: String },
    #[error("To queue a refund while offline, confirm its previewed total first.")]
    PreviewNeeded,
    #[error("A cancellation that refunds the payment can't be queued while Shopify can't be reached: its amount must be checked against your refund limit first. Try again when Shopify is back.")]
    CancelRefundOffline,
    #[error(
        "Shopify can't find order {order}; it may have been deleted. Reload the customer's orders."
    )]
    OrderNotFound { order: String },
}

#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error(transparent)]
    Invalid(#[from] InvalidRequest),
    #[error("Shopify can't be reached ({0}); choose 'Send when online' to queue it, or try again later.")]
    Offline(String),
    #[error("{0}")]
    Shopify(#[from] ShopifyError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("There is no action {0}; reload the ticket.")]
    NoSuchAction(i64),
    #[error("The action has already left the queue ({state}); it can't be changed any more.")]
    NotQueued { state: String },
    #[error("The action's saved data can't be read ({0}); please report this.")]
    Corrupt(String),
}

pub type Result<T, E = ActionError> = std::result::Result<T, E>;
