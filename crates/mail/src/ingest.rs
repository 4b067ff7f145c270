//! The one way a mail enters the store: the demo mailbox, IMAP and mbox import all call
//! [`ingest_raw`].

use serde::Serialize;
use shopdesk_store::{MailBatch, Store};

use crate::parse::{parse_message, ParsedMail};
use crate::thread::plan_thread;
use crate::{timefmt, MailError};

/// A Date further ahead than this is a wrong clock or a forgery: it would pin the ticket to
/// the top of the inbox, so the time of ingest is used instead.
const MAX_CLOCK_SKEW_SECONDS: i64 = 24 * 3600;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestContext {
    /// Where the mail came from: "demo", "imap:INBOX", "mbox:takeout.mbox"...
    pub source: String,
    /// The shop's support mailbox; mail from it is outbound.
    pub support_address: String,
    /// The time of ingest, RFC 3339; stands in for a missing or unreadable Date.
    pub now: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IngestReport {
    /// The stored message's row (the existing one for a duplicate).
    pub message_row_id: i64,
    /// `None` for a mail with no sender, which is kept on no ticket.
    pub ticket_id: Option<i64>,
    pub created_ticket: bool,
    /// The same Message-ID was already stored: nothing was written.
    pub duplicate: bool,
    /// A customer's mail reopened a closed ticket.
    pub reopened: bool,
    /// The mail could not be read properly: it is kept raw and shown flagged.
    pub flagged: bool,
    /// Shopify ids of the orders this mail names and links to its ticket (some may have been
    /// linked by an earlier message already).
    pub linked_orders: Vec<String>,
}

/// Parses, threads and stores one raw mail, in one store transaction. A mail that cannot be
/// parsed is not an error: it is stored raw with `flagged` set.
pub fn ingest_raw(
    store: &mut Store,
    raw: &[u8],
    ctx: &IngestContext,
) -> Result<IngestReport, MailError> {
    let prepared = prepare_ingest(raw, ctx)?;
    let batch = store.begin_mail_batch()?;
    let report = ingest_prepared(&batch, prepared)?;
    batch.commit()?;
    Ok(report)
}

/// A mail parsed and checked, not yet threaded or stored: the part of [`ingest_raw`] that
/// needs no store, so a caller can run it on another thread while it fetches more.
#[derive(Debug)]
pub struct PreparedMail {
    mail: ParsedMail,
    support_address: String,
    now: String,
}

/// Checks the context and parses `raw`; the first half of [`ingest_raw`].
pub fn prepare_ingest(raw: &[u8], ctx: &IngestContext) -> Result<PreparedMail, MailError> {
    let now = timefmt::canonical_utc(&ctx.now)
        .ok_or_else(|| MailError::InvalidIngestTime(ctx.now.clone()))?;
    let support_address = ctx.support_address.trim();
    if !looks_like_address(support_address) {
        return Err(MailError::InvalidSupportAddress(
            ctx.support_address.clone(),
        ));
    }
    let mut mail = parse_message(raw, &ctx.source);
    mail.sent_at = mail.sent_at.filter(|sent| !is_far_future(sent, &now));
    Ok(PreparedMail {
        mail,
        support_address: support_address.to_string(),
        now,
    })
}

/// Threads and stores a prepared mail inside `batch`; the second half of [`ingest_raw`]. Mails
/// filed in one batch see each other exactly as if each had been committed alone.
pub fn ingest_prepared(
    batch: &MailBatch<'_>,
    prepared: PreparedMail,
) -> Result<IngestReport, MailError> {
    let PreparedMail {
        mail,
        support_address,
        now,
    } = prepared;
    let plan = plan_thread(batch.store(), &mail, &support_address)?;
    let flagged = mail.parse_error.is_some();
    let message = mail.into_new_message(plan.direction, &now);
    let outcome = batch.ingest_message(&message, &plan.target, &plan.order_ids)?;

    Ok(IngestReport {
        message_row_id: outcome.message_row_id,
        ticket_id: outcome.ticket_id,
        created_ticket: outcome.created_ticket,
        duplicate: outcome.duplicate,
        reopened: outcome.reopened,
        flagged,
        linked_orders: if outcome.duplicate {
            Vec::new()
        } else {
            plan.order_ids
        },
    })
}

fn is_far_future(sent_at: &str, now: &str) -> bool {
    match (
        timefmt::unix_from_rfc3339(sent_at),
        timefmt::unix_from_rfc3339(now),
    ) {
        (Some(sent), Some(now)) => sent > now + MAX_CLOCK_SKEW_SECONDS,
        _ => true,
    }
}

fn looks_like_address(address: &str) -> bool {
    match address.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !address.contains(char::is_whitespace)
        }
        None => false,
    }
}
