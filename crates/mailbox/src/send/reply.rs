//! A reply as the customer receives it, built once when it is queued: the outbox keeps these
//! exact bytes, so every retry sends the same Message-ID.
//!
//! Threading, for every mail client the customer may use: In-Reply-To names the customer's last
//! message, References carries that message's chain plus its id, and the subject carries the
//! ticket token ("Re: Broken lid [SD-7K3F9Q]") for clients that drop both headers.

use mail_builder::headers::address::Address;
use mail_builder::headers::date::Date;
use mail_builder::headers::message_id::MessageId;
use mail_builder::MessageBuilder;
use rand::Rng;
use serde::{Deserialize, Serialize};
use shopdesk_mail::parse_message;
use shopdesk_store::{
    Direction, MessageRecord, NewOutboxEntry, OutboxEntry, OutboxKind, OutboxState, Store,
    StoreError,
};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::OffsetDateTime;

use crate::{lock_store, MailAccount, SendError, SharedStore};

/// References longer than this keep the first id (the thread's root) and the newest ones.
const MAX_REFERENCES: usize = 20;

/// What the agent wrote, as the UI hands it over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyDraft {
    pub ticket_id: i64,
    /// Plain text; the customer's last message is quoted below it.
    pub body: String,
    /// Made once per compose window (a UUID, say): sending the same draft twice, by a double
    /// click or a retried command, queues it once.
    pub idempotency_key: String,
}

/// A reply written as RFC 5322 bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltReply {
    /// Without angle brackets.
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub to: String,
    pub subject: String,
    pub raw: Vec<u8>,
}

/// A queued reply as the UI shows it in the conversation: its state, and the reason when it is
/// waiting or failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplyStatus {
    pub outbox_id: i64,
    pub ticket_id: Option<i64>,
    pub state: OutboxState,
    /// Tries the server saw (a server that could not be reached does not count).
    pub attempts: u32,
    /// Queued: why the last try failed; failed: why it was given up; sent: a warning about the
    /// copy to Sent, if it failed.
    pub last_error: Option<String>,
    /// When a queued reply is tried next (RFC 3339 UTC with milliseconds).
    pub next_attempt_at: String,
    pub created_at: String,
    pub updated_at: String,
    pub sent_at: Option<String>,
    pub message_id: Option<String>,
    pub to: Vec<String>,
    pub subject: String,
    /// What the agent wrote, without the quoted message.
    pub body: String,
}

/// Builds the reply to `draft.ticket_id` from the account's support address, dated `now`.
pub fn build_reply(
    store: &Store,
    account: &MailAccount,
    draft: &ReplyDraft,
    now: OffsetDateTime,
) -> Result<BuiltReply, SendError> {
    let name = account.name();
    let ticket = store.ticket(draft.ticket_id).map_err(|e| match e {
        StoreError::NotFound(_) => SendError::TicketNotFound {
            account: name.to_string(),
            ticket_id: draft.ticket_id,
        },
        other => store_error(account, other),
    })?;
    if draft.body.trim().is_empty() {
        return Err(SendError::EmptyReply {
            account: name.to_string(),
            ticket_id: draft.ticket_id,
        });
    }
    let to = ticket.customer_email.trim().to_string();
    if to.parse::<lettre::Address>().is_err() {
        return Err(SendError::BadRecipient {
            account: name.to_string(),
            ticket_id: ticket.id,
            address: ticket.customer_email.clone(),
        });
    }
    let messages = store
        .messages_for_ticket(ticket.id)
        .map_err(|e| store_error(account, e))?;
    let parent = parent_message(&messages);

    let support = account.support_address();
    let domain = support.rsplit_once('@').map_or("localhost", |(_, d)| d);
    let message_id = new_message_id(domain, now);
    let in_reply_to = parent.and_then(|m| m.message_id.clone());
    let references = parent.map(references_after).unwrap_or_default();
    let subject = format!("Re: {} [{}]", ticket.subject, ticket.token);
    let text = crlf(&body_with_quote(&draft.body, parent));

    let from = Address::new_address(account.smtp.from_name.as_deref(), support);
    let mut builder = MessageBuilder::new()
        .from(from)
        .to(Address::new_address(
            ticket.customer_name.as_deref(),
            to.as_str(),
        ))
        .subject(subject.as_str())
        .date(Date::new(now.unix_timestamp()))
        .message_id(message_id.as_str())
        .text_body(text);
    if let Some(parent_id) = &in_reply_to {
        builder = builder.in_reply_to(parent_id.as_str());
    }
    if !references.is_empty() {
        builder = builder.references(MessageId::new_list(references.iter().map(String::as_str)));
    }
    let raw = builder.write_to_vec().map_err(|e| SendError::Build {
        account: name.to_string(),
        detail: e.to_string(),
    })?;
    Ok(BuiltReply {
        message_id,
        in_reply_to,
        references,
        to,
        subject,
        raw,
    })
}

/// Builds the reply and records it in the outbox, due now: the worker sends it. The same
/// idempotency key again returns the first reply and queues nothing. Call
/// [`crate::OutboxHandle::wake`] afterwards so the worker does not wait for its next round.
pub fn queue_reply(
    store: &SharedStore,
    account: &MailAccount,
    draft: &ReplyDraft,
) -> Result<ReplyStatus, SendError> {
    account.validate()?;
    let mut store = lock_store(store);
    let built = build_reply(&store, account, draft, OffsetDateTime::now_utc())?;
    let enqueued = store
        .enqueue_outbox(&NewOutboxEntry {
            kind: OutboxKind::Reply,
            ticket_id: Some(draft.ticket_id),
            idempotency_key: draft.idempotency_key.clone(),
            message_id: Some(built.message_id.clone()),
            payload: built.raw,
        })
        .map_err(|e| store_error(account, e))?;
    if enqueued.created {
        tracing::info!(
            account = %account.name(), ticket = draft.ticket_id, outbox = enqueued.entry.id,
            "reply queued"
        );
    }
    Ok(reply_status(&enqueued.entry))
}

/// A ticket's queued, sending, sent, failed and cancelled replies, oldest first.
pub fn replies_for_ticket(store: &Store, ticket_id: i64) -> Result<Vec<ReplyStatus>, StoreError> {
    Ok(store
        .outbox_for_ticket(ticket_id)?
        .iter()
        .filter(|entry| entry.kind == OutboxKind::Reply)
        .map(reply_status)
        .collect())
}

/// Every reply in `state` (the failed ones, for an outbox view), oldest first.
pub fn replies_in_state(store: &Store, state: OutboxState) -> Result<Vec<ReplyStatus>, StoreError> {
    Ok(store
        .outbox_in_state(OutboxKind::Reply, state)?
        .iter()
        .map(reply_status)
        .collect())
}

/// Withdraws a reply the worker has not picked up yet. False when it is already being sent or
/// settled: then it can't be called back.
pub fn cancel_reply(
    store: &SharedStore,
    account: &MailAccount,
    outbox_id: i64,
) -> Result<bool, SendError> {
    lock_store(store)
        .cancel_outbox(outbox_id)
        .map_err(|e| store_error(account, e))
}

/// "Send now": a waiting reply is due at once, a failed one is queued again with its tries
/// counted from zero. False for any other state. Wake the worker afterwards.
pub fn retry_reply(
    store: &SharedStore,
    account: &MailAccount,
    outbox_id: i64,
) -> Result<bool, SendError> {
    lock_store(store)
        .requeue_outbox(outbox_id)
        .map_err(|e| store_error(account, e))
}

pub(crate) fn reply_status(entry: &OutboxEntry) -> ReplyStatus {
    let parsed = parse_message(&entry.payload, "outbox");
    ReplyStatus {
        outbox_id: entry.id,
        ticket_id: entry.ticket_id,
        state: entry.state,
        attempts: entry.attempts,
        last_error: entry.last_error.clone(),
        next_attempt_at: entry.next_attempt_at.clone(),
        created_at: entry.created_at.clone(),
        updated_at: entry.updated_at.clone(),
        sent_at: entry.sent_at.clone(),
        message_id: entry.message_id.clone().or(parsed.message_id),
        to: parsed.to.into_iter().map(|m| m.address).collect(),
        subject: parsed.subject,
        body: without_quote(&parsed.body_text),
    }
}

pub(crate) fn store_error(account: &MailAccount, source: StoreError) -> SendError {
    SendError::Store {
        account: account.name().to_string(),
        source,
    }
}

/// The message the reply answers: the customer's last one with a Message-ID, else the last one
/// with any (a ticket the shop started).
fn parent_message(messages: &[MessageRecord]) -> Option<&MessageRecord> {
    let with_id = || messages.iter().rev().filter(|m| m.message_id.is_some());
    with_id()
        .find(|m| m.direction == Direction::Inbound)
        .or_else(|| with_id().next())
}

/// The parent's References (or its In-Reply-To when it has none), then the parent itself.
fn references_after(parent: &MessageRecord) -> Vec<String> {
    let mut chain: Vec<String> = if parent.references.is_empty() {
        parent.in_reply_to.iter().cloned().collect()
    } else {
        parent.references.clone()
    };
    chain.extend(parent.message_id.iter().cloned());
    let mut seen = std::collections::HashSet::new();
    chain.retain(|id| seen.insert(id.clone()));
    if chain.len() > MAX_REFERENCES {
        let keep_from = chain.len() - (MAX_REFERENCES - 1);
        chain.drain(1..keep_from);
    }
    chain
}

/// Unique on the support address's domain: the time in milliseconds and 64 random bits.
fn new_message_id(domain: &str, now: OffsetDateTime) -> String {
    let millis = now.unix_timestamp_nanos() / 1_000_000;
    let random: u64 = rand::rng().random();
    format!("sd.{millis}.{random:016x}@{domain}")
}

/// The agent's text, then "On <date>, <name> wrote:" and the parent's text quoted.
fn body_with_quote(body: &str, parent: Option<&MessageRecord>) -> String {
    let body = body.replace("\r\n", "\n");
    let mut text = body.trim_end().to_string();
    text.push('\n');
    let Some(parent) = parent.filter(|m| !m.body_text.trim().is_empty()) else {
        return text;
    };
    let who = match &parent.from_name {
        Some(name) => format!("{name} <{}>", parent.from_address),
        None => parent.from_address.clone(),
    };
    text.push_str(&format!(
        "\nOn {}, {who} wrote:\n",
        quote_date(&parent.sent_at)
    ));
    for line in parent.body_text.replace("\r\n", "\n").trim_end().lines() {
        if line.is_empty() {
            text.push_str(">\n");
        } else if line.starts_with('>') {
            text.push_str(&format!(">{line}\n"));
        } else {
            text.push_str(&format!("> {line}\n"));
        }
    }
    text
}

/// "Mon, 2 Mar 2026 at 10:00 UTC"; the stored text when it is not RFC 3339.
fn quote_date(sent_at: &str) -> String {
    let shape = format_description!(
        "[weekday repr:short], [day padding:none] [month repr:short] [year] at [hour]:[minute] UTC"
    );
    OffsetDateTime::parse(sent_at, &Rfc3339)
        .ok()
        .and_then(|at| at.format(&shape).ok())
        .unwrap_or_else(|| sent_at.to_string())
}

/// The text above the quote block that [`body_with_quote`] writes.
fn without_quote(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.lines().collect();
    let quote_header = lines
        .iter()
        .rposition(|line| line.starts_with("On ") && line.ends_with(" wrote:"));
    match quote_header {
        Some(at)
            if lines[at + 1..]
                .iter()
                .all(|l| l.is_empty() || l.starts_with('>')) =>
        {
            lines[..at].join("\n").trim_end().to_string()
        }
        _ => text.trim_end().to_string(),
    }
}

fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\n', "\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: &str, refs: &[&str], direction: Direction, body: &str) -> MessageRecord {
        MessageRecord {
            id: 1,
            ticket_id: Some(1),
            message_id: Some(id.into()),
            in_reply_to: refs.last().map(|r| r.to_string()),
            references: refs.iter().map(|r| r.to_string()).collect(),
            direction,
            from_address: "anna@example.com".into(),
            from_name: Some("Anna Berg".into()),
            to_addresses: vec!["support@shop.test".into()],
            subject: "Broken lid".into(),
            sent_at: "2026-03-02T10:05:00Z".into(),
            body_text: body.into(),
            body_html: None,
            parse_error: None,
            source: "imap:INBOX".into(),
            received_at: "2026-03-02T10:06:00Z".into(),
            attachments: Vec::new(),
        }
    }

    #[test]
    fn the_parent_is_the_customers_last_message() {
        let messages = vec![
            message("a@example.com", &[], Direction::Inbound, "first"),
            message(
                "b@shop.test",
                &["a@example.com"],
                Direction::Outbound,
                "ours",
            ),
            message(
                "c@example.com",
                &["a@example.com", "b@shop.test"],
                Direction::Inbound,
                "x",
            ),
            message(
                "d@shop.test",
                &["c@example.com"],
                Direction::Outbound,
                "ours again",
            ),
        ];
        let parent = parent_message(&messages).unwrap();
        assert_eq!(parent.message_id.as_deref(), Some("c@example.com"));
        assert_eq!(
            references_after(parent),
            vec!["a@example.com", "b@shop.test", "c@example.com"]
        );
        // A thread the shop started: the last message is answered.
        let ours = vec![message("s@shop.test", &[], Direction::Outbound, "hello")];
        assert_eq!(
            parent_message(&ours).unwrap().message_id.as_deref(),
            Some("s@shop.test")
        );
    }

    #[test]
    fn long_reference_chains_keep_the_root_and_the_newest() {
        let refs: Vec<String> = (0..40).map(|n| format!("m{n}@example.com")).collect();
        let refs: Vec<&str> = refs.iter().map(String::as_str).collect();
        let parent = message("last@example.com", &refs, Direction::Inbound, "x");
        let chain = references_after(&parent);
        assert_eq!(chain.len(), MAX_REFERENCES);
        assert_eq!(chain[0], "m0@example.com");
        assert_eq!(chain[MAX_REFERENCES - 1], "last@example.com");
        assert_eq!(chain[MAX_REFERENCES - 2], "m39@example.com");
    }

    #[test]
    fn the_parent_is_quoted_below_the_answer_and_stripped_for_display() {
        let parent = message(
            "c@example.com",
            &[],
            Direction::Inbound,
            "Hello,\r\n\r\nthe lid broke.\r\n> older quote\r\n",
        );
        let text = body_with_quote("It is on its way.\n\nBest,\nShop\n\n", Some(&parent));
        assert_eq!(
            text,
            "It is on its way.\n\nBest,\nShop\n\n\
             On Mon, 2 Mar 2026 at 10:05 UTC, Anna Berg <anna@example.com> wrote:\n\
             > Hello,\n>\n> the lid broke.\n>> older quote\n"
        );
        assert_eq!(without_quote(&text), "It is on its way.\n\nBest,\nShop");
        // A body that merely says "On ... wrote:" in its middle keeps it.
        let own = "On Monday he wrote:\nplease call";
        assert_eq!(without_quote(own), own);
    }

    #[test]
    fn message_ids_are_unique_on_the_support_domain() {
        let now = OffsetDateTime::now_utc();
        let a = new_message_id("shop.test", now);
        let b = new_message_id("shop.test", now);
        assert_ne!(a, b);
        assert!(a.ends_with("@shop.test") && a.starts_with("sd."), "{a}");
    }
}
