//! The outbox worker for replies: claim what is due, send it over SMTP, settle the row; on
//! start, find out what happened to replies a crash cut off.
//!
//! # Exactly once, as far as SMTP allows
//!
//! SMTP has no idempotency key: a message offered twice is delivered twice. So the worker keeps
//! the window in which the outcome is unknown as small as it can and looks before resending:
//!
//! 1. The row is claimed ('sending') before anything goes out, in its own transaction.
//! 2. After the server's 250 the reply is filed in the local store (by its Message-ID), copied to
//!    Sent when `append_to_sent` is on, and only then marked 'sent'.
//! 3. A row still 'sending' at start was cut off somewhere in between. [`recover_outbox`] looks
//!    for its Message-ID in the local store and in the IMAP Sent folder: found means the server
//!    took it (the local copy and our Sent copy are only made after the 250; a server that files
//!    submitted mail in Sent does so on acceptance), so it is marked sent, not sent again. Not
//!    found means it is sent again, with the same bytes and Message-ID.
//!
//! A duplicate is still possible in one case only: the server accepted the message but the app
//! died (or the connection broke) before it could file the local copy, and the server does not
//! store submitted mail in Sent by itself. Then no trace of the acceptance exists anywhere the app
//! can look, and the customer gets the reply twice, with the same Message-ID, which most mail
//! clients show once. A connection that breaks after the message was offered
//! (`DeliveryFailure::Interrupted`) has the same unknown outcome and is retried the same way.
//!
//! A reply never reaches the server twice through the worker itself: one worker per store, and
//! a row is claimed by a single UPDATE.

use std::sync::Arc;
use std::time::Duration;

use lettre::address::Envelope;
use serde::Serialize;
use shopdesk_mail::{ingest_raw, parse_message, IngestContext};
use shopdesk_store::{OutboxEntry, OutboxKind, OutboxState};
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use crate::fetch::now_rfc3339;
use crate::send::error::DeliveryFailure;
use crate::send::reply::store_error;
use crate::send::sent_folder::SentFolder;
use crate::send::smtp::deliver;
use crate::{lock_store, Backoff, MailAccount, MailboxError, SendError, SharedStore};

/// Where a reply filed locally says it came from.
const LOCAL_SOURCE: &str = "outbox";
/// The shortest pause of the loop, so that a row that stays due can't make it spin.
const MIN_LOOP_WAIT: Duration = Duration::from_millis(100);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxOptions {
    /// The wait after a failed try of one reply, doubling with each of its tries; and the wait
    /// between rounds of the loop while the server can't be used.
    pub backoff: Backoff,
    /// A reply the server turned away for now this many times is given up ('failed'). Tries the
    /// server never saw (unreachable, login refused) don't count: offline for a day, a reply
    /// still goes when the connection is back.
    pub max_attempts: u32,
    /// The loop looks for due replies at least this often.
    pub poll_interval: Duration,
}

impl Default for OutboxOptions {
    fn default() -> Self {
        OutboxOptions {
            backoff: Backoff {
                initial: Duration::from_secs(15),
                max: Duration::from_secs(15 * 60),
            },
            max_attempts: 8,
            poll_interval: Duration::from_secs(60),
        }
    }
}

/// What happened to one reply in a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum ReplyOutcome {
    /// The server took it. `message_row_id` is its message in the conversation; `warning` says
    /// what went wrong after the send (the copy to Sent, the local copy).
    Sent {
        outbox_id: i64,
        ticket_id: Option<i64>,
        message_row_id: Option<i64>,
        warning: Option<String>,
    },
    /// Not sent yet; queued again, tried after `retry_in`.
    Retrying {
        outbox_id: i64,
        ticket_id: Option<i64>,
        error: String,
        #[serde(with = "millis")]
        retry_in: Duration,
    },
    /// Given up: refused for good by the server, or too many tries.
    Failed {
        outbox_id: i64,
        ticket_id: Option<i64>,
        error: String,
    },
}

/// What one [`run_outbox_once`] did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct OutboxRunReport {
    pub outcomes: Vec<ReplyOutcome>,
    /// The server could not be used (unreachable, TLS, login): the run stopped, and every due
    /// reply waits with this reason.
    pub waiting: Option<String>,
}

/// What [`recover_outbox`] decided about the replies a crash left in 'sending'.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct RecoveryReport {
    /// Found in the local store or in Sent: marked sent, not sent again.
    pub already_sent: Vec<i64>,
    /// No trace of them: queued to be sent again, due now.
    pub resend: Vec<i64>,
    /// The Sent folder could not be checked: left in 'sending' for the next recovery.
    pub undecided: Vec<i64>,
    /// Why the Sent folder could not be checked or written.
    pub warning: Option<String>,
}

impl RecoveryReport {
    pub fn is_empty(&self) -> bool {
        self.already_sent.is_empty() && self.resend.is_empty() && self.undecided.is_empty()
    }
}

/// Sends every reply that is due, one connection per reply, and settles each row: sent; queued
/// again after a backoff (a 4xx answer, a broken connection); failed (a 5xx answer, or
/// `max_attempts` tries). When the server can't be used at all the run stops at the first reply,
/// and every due reply waits with the reason ([`OutboxRunReport::waiting`]).
///
/// One worker per store: don't run this while [`run_outbox`]'s loop runs on the same store.
pub async fn run_outbox_once(
    account: &MailAccount,
    store: &SharedStore,
    options: &OutboxOptions,
) -> Result<OutboxRunReport, SendError> {
    account.validate()?;
    run_due(account, store, options, &|| false).await
}

/// [`run_outbox_once`], claiming nothing more once `stop` says so.
async fn run_due(
    account: &MailAccount,
    store: &SharedStore,
    options: &OutboxOptions,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<OutboxRunReport, SendError> {
    let mut report = OutboxRunReport::default();
    while !stop() {
        let claimed = lock_store(store)
            .claim_next_outbox(OutboxKind::Reply)
            .map_err(|e| store_error(account, e))?;
        let Some(entry) = claimed else { break };
        let (outcome, waiting) = send_claimed(account, store, options, &entry).await?;
        report.outcomes.push(outcome);
        if let Some(reason) = waiting {
            lock_store(store)
                .postpone_due_outbox(OutboxKind::Reply, &reason, options.backoff.initial)
                .map_err(|e| store_error(account, e))?;
            report.waiting = Some(reason);
            break;
        }
    }
    Ok(report)
}

/// Settles the replies a crash left in 'sending' (see the module notes): found in the local
/// store or in Sent → sent; no trace → sent again. Call it once when the app starts, before the
/// first [`run_outbox_once`] ([`run_outbox`] does), never while a run is sending.
pub async fn recover_outbox(
    account: &MailAccount,
    store: &SharedStore,
) -> Result<RecoveryReport, SendError> {
    account.validate()?;
    let stuck = lock_store(store)
        .outbox_in_state(OutboxKind::Reply, OutboxState::Sending)
        .map_err(|e| store_error(account, e))?;
    let mut report = RecoveryReport::default();
    if stuck.is_empty() {
        return Ok(report);
    }
    let imap = &account.imap;
    let mut sent = SentAccess::open(account).await;
    for entry in &stuck {
        let Some(message_id) = message_id_of(entry) else {
            resend(account, store, entry, "it has no Message-ID to look for")?;
            report.resend.push(entry.id);
            continue;
        };
        let local = lock_store(store)
            .message_row_id_by_message_id(&message_id)
            .map_err(|e| store_error(account, e))?;
        if local.is_some() {
            // Filed locally only after the server's 250: it was sent. Finish the copy to Sent.
            let mut warning = None;
            if account.smtp.append_to_sent {
                warning = match sent.contains(imap, &message_id).await {
                    Ok(true) => None,
                    Ok(false) => sent.append(imap, &entry.payload).await.err(),
                    Err(error) => Some(error),
                };
            }
            settle_as_sent(account, store, entry, warning)?;
            report.already_sent.push(entry.id);
            continue;
        }
        match sent.contains(imap, &message_id).await {
            Ok(true) => {
                let (_, warning) = file_locally(account, store, &entry.payload);
                settle_as_sent(account, store, entry, warning)?;
                report.already_sent.push(entry.id);
            }
            Ok(false) => {
                resend(account, store, entry, "it is not in the Sent folder")?;
                report.resend.push(entry.id);
            }
            Err(error) => {
                report.warning = Some(error);
                // With our own copies, Sent only ever holds what the local store already has
                // (the copy is made after the local one): it can't tell more. Without them, only
                // the server's Sent copy can tell, so wait for it unless it will never answer.
                if account.smtp.append_to_sent || !sent.is_retryable() {
                    resend(
                        account,
                        store,
                        entry,
                        "the Sent folder could not be checked",
                    )?;
                    report.resend.push(entry.id);
                } else {
                    report.undecided.push(entry.id);
                }
            }
        }
    }
    sent.close(imap).await;
    Ok(report)
}

fn settle_as_sent(
    account: &MailAccount,
    store: &SharedStore,
    entry: &OutboxEntry,
    warning: Option<String>,
) -> Result<(), SendError> {
    lock_store(store)
        .mark_outbox_sent(entry.id, warning.as_deref())
        .map_err(|e| store_error(account, e))?;
    tracing::info!(
        account = %account.name(), outbox = entry.id,
        "a reply cut off by a crash had been sent: not sending it again"
    );
    Ok(())
}

/// The recovery's one IMAP connection to Sent, or why there is none.
enum SentAccess {
    Open(SentFolder),
    Unavailable { error: String, retryable: bool },
}

impl SentAccess {
    async fn open(account: &MailAccount) -> SentAccess {
        match SentFolder::open(&account.imap, account.smtp.append_to_sent).await {
            Ok(folder) => SentAccess::Open(folder),
            Err(error) => SentAccess::unavailable(&error),
        }
    }

    fn unavailable(error: &MailboxError) -> SentAccess {
        SentAccess::Unavailable {
            error: error.to_string(),
            retryable: error.is_retryable(),
        }
    }

    async fn contains(
        &mut self,
        imap: &crate::MailboxConfig,
        message_id: &str,
    ) -> Result<bool, String> {
        let SentAccess::Open(folder) = self else {
            return Err(self.error());
        };
        match folder.contains(imap, message_id).await {
            Ok(found) => Ok(found),
            Err(error) => {
                // Don't keep asking a connection that just failed.
                let failed = std::mem::replace(self, SentAccess::unavailable(&error));
                if let SentAccess::Open(folder) = failed {
                    folder.close(imap).await;
                }
                Err(error.to_string())
            }
        }
    }

    /// Copies to Sent; the error is the warning for the sent row.
    async fn append(&mut self, imap: &crate::MailboxConfig, raw: &[u8]) -> Result<(), String> {
        match self {
            SentAccess::Open(folder) => folder
                .append(imap, raw)
                .await
                .map(|_| ())
                .map_err(|e| sent_copy_warning(&e)),
            SentAccess::Unavailable { .. } => Err(format!(
                "The reply was sent, but could not be copied to the Sent folder: {}",
                self.error()
            )),
        }
    }

    fn is_retryable(&self) -> bool {
        match self {
            SentAccess::Open(_) => true,
            SentAccess::Unavailable { retryable, .. } => *retryable,
        }
    }

    fn error(&self) -> String {
        match self {
            SentAccess::Open(_) => String::new(),
            SentAccess::Unavailable { error, .. } => error.clone(),
        }
    }

    async fn close(self, imap: &crate::MailboxConfig) {
        if let SentAccess::Open(folder) = self {
            folder.close(imap).await;
        }
    }
}

/// Something worth telling the UI about the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "lowercase")]
pub enum OutboxEvent {
    /// Replies a crash had left in 'sending' were settled.
    Recovered(RecoveryReport),
    /// A reply was sent, will be retried, or failed.
    Settled(ReplyOutcome),
    /// The server can't be used; due replies wait, and the next round is in `retry_in`.
    Waiting {
        error: String,
        #[serde(with = "millis")]
        retry_in: Duration,
    },
    /// The outbox could not be read or written; tried again at the next round.
    Trouble { error: String },
}

/// Stops the outbox loop when told to or when dropped; wakes it when a reply was queued.
pub struct OutboxHandle {
    stop: watch::Sender<bool>,
    wake: Arc<Notify>,
    task: Option<JoinHandle<()>>,
}

impl OutboxHandle {
    /// Sends what is due now instead of at the next round: call after queueing a reply.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Stops the loop and waits for it to end: a reply being sent at that moment is finished and
    /// settled first (each SMTP step is bounded by the timeout), no other is started. Dropping
    /// the handle stops the loop the same way without waiting; if the process ends mid-send, the
    /// recovery at the next start settles that reply.
    pub async fn stop(mut self) {
        self.stop.send_replace(true);
        if let Some(task) = self.task.take() {
            if let Err(join) = task.await {
                if join.is_panic() {
                    std::panic::resume_unwind(join.into_panic());
                }
            }
        }
    }

    pub fn is_finished(&self) -> bool {
        self.task.as_ref().is_none_or(|task| task.is_finished())
    }
}

impl Drop for OutboxHandle {
    fn drop(&mut self) {
        self.stop.send_replace(true);
    }
}

/// Runs the outbox in a background task (inside a Tokio runtime): first [`recover_outbox`], then
/// [`run_outbox_once`] whenever a reply is due, when woken, and at least every
/// `poll_interval`; while the server can't be used, rounds back off.
pub fn run_outbox(
    account: MailAccount,
    store: SharedStore,
    options: OutboxOptions,
    on_event: impl FnMut(OutboxEvent) + Send + 'static,
) -> Result<OutboxHandle, SendError> {
    account.validate()?;
    let (stop, stop_rx) = watch::channel(false);
    let wake = Arc::new(Notify::new());
    let task = tokio::spawn(outbox_loop(
        account,
        store,
        options,
        Box::new(on_event),
        stop_rx,
        Arc::clone(&wake),
    ));
    Ok(OutboxHandle {
        stop,
        wake,
        task: Some(task),
    })
}

type OnEvent = Box<dyn FnMut(OutboxEvent) + Send>;

async fn outbox_loop(
    account: MailAccount,
    store: SharedStore,
    options: OutboxOptions,
    mut on_event: OnEvent,
    mut stop_rx: watch::Receiver<bool>,
    wake: Arc<Notify>,
) {
    let mut recovered = false;
    let mut failures = 0u32;
    loop {
        if !recovered {
            match recover_outbox(&account, &store).await {
                Ok(report) => {
                    recovered = report.undecided.is_empty();
                    if !report.is_empty() {
                        on_event(OutboxEvent::Recovered(report));
                    }
                }
                Err(error) => on_event(OutboxEvent::Trouble {
                    error: error.to_string(),
                }),
            }
        }
        let mut wait = None;
        let stop_requested = || *stop_rx.borrow();
        match run_due(&account, &store, &options, &stop_requested).await {
            Ok(report) => {
                let tried = !report.outcomes.is_empty();
                for outcome in report.outcomes {
                    on_event(OutboxEvent::Settled(outcome));
                }
                if let Some(error) = report.waiting {
                    failures = failures.saturating_add(1);
                    let retry_in = options.backoff.delay(failures);
                    tracing::info!(account = %account.name(), %error, ?retry_in, "outbox waiting");
                    on_event(OutboxEvent::Waiting { error, retry_in });
                    wait = Some(retry_in);
                } else if tried {
                    failures = 0;
                }
            }
            Err(error) => {
                // A reply may have been left claimed: settle it before the next round.
                recovered = false;
                tracing::warn!(account = %account.name(), %error, "outbox round failed");
                on_event(OutboxEvent::Trouble {
                    error: error.to_string(),
                });
            }
        }
        let wait = wait
            .unwrap_or_else(|| next_due(&store, options.poll_interval))
            .min(if recovered {
                Duration::MAX
            } else {
                options.poll_interval
            })
            .max(MIN_LOOP_WAIT);
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = wake.notified() => {}
            _ = stop_rx.wait_for(|stop| *stop) => return,
        }
    }
}

/// The time until the next queued reply is due, at most `poll`.
fn next_due(store: &SharedStore, poll: Duration) -> Duration {
    match lock_store(store).outbox_next_due_in(OutboxKind::Reply) {
        Ok(Some(due_in)) => due_in.min(poll),
        Ok(None) | Err(_) => poll,
    }
}

/// Sends one claimed reply and settles its row. Returns the outcome and, when the server can't
/// be used at all, the reason every other due reply waits too.
async fn send_claimed(
    account: &MailAccount,
    store: &SharedStore,
    options: &OutboxOptions,
    entry: &OutboxEntry,
) -> Result<(ReplyOutcome, Option<String>), SendError> {
    let (outbox_id, ticket_id) = (entry.id, entry.ticket_id);
    let delivered = match envelope_of(account, &entry.payload) {
        Ok(envelope) => deliver(account, &envelope, &entry.payload).await,
        Err(failure) => Err(failure),
    };
    let failure = match delivered {
        Ok(accepted) => {
            tracing::info!(
                account = %account.name(), outbox = outbox_id, server_said = %accepted.server_said,
                "reply sent"
            );
            let (message_row_id, warning) = after_send(account, store, &entry.payload).await;
            lock_store(store)
                .mark_outbox_sent(outbox_id, warning.as_deref())
                .map_err(|e| store_error(account, e))?;
            let outcome = ReplyOutcome::Sent {
                outbox_id,
                ticket_id,
                message_row_id,
                warning,
            };
            return Ok((outcome, None));
        }
        Err(failure) => failure,
    };
    let mut store = lock_store(store);
    if failure.is_connection_level() {
        let error =
            format!("{failure}. The reply waits in the outbox until the server can be used.");
        let retry_in = options.backoff.initial;
        store
            .release_outbox(outbox_id, &error, retry_in)
            .map_err(|e| store_error(account, e))?;
        tracing::info!(account = %account.name(), outbox = outbox_id, %failure, "reply waits");
        let outcome = ReplyOutcome::Retrying {
            outbox_id,
            ticket_id,
            error: error.clone(),
            retry_in,
        };
        return Ok((outcome, Some(error)));
    }
    let give_up = failure.is_permanent() || entry.attempts >= options.max_attempts;
    if give_up {
        let error = if failure.is_permanent() {
            format!("{failure}. It was not sent.")
        } else {
            format!("{failure}. Given up after {} tries.", entry.attempts)
        };
        store
            .fail_outbox(outbox_id, &error)
            .map_err(|e| store_error(account, e))?;
        tracing::warn!(account = %account.name(), outbox = outbox_id, %failure, "reply failed");
        return Ok((
            ReplyOutcome::Failed {
                outbox_id,
                ticket_id,
                error,
            },
            None,
        ));
    }
    let error = format!("{failure}. It will be tried again.");
    let retry_in = options.backoff.delay(entry.attempts);
    store
        .retry_outbox_later(outbox_id, &error, retry_in)
        .map_err(|e| store_error(account, e))?;
    tracing::info!(account = %account.name(), outbox = outbox_id, %failure, ?retry_in, "reply retried later");
    Ok((
        ReplyOutcome::Retrying {
            outbox_id,
            ticket_id,
            error,
            retry_in,
        },
        None,
    ))
}

/// From the support address to the recipients the queued message names.
fn envelope_of(account: &MailAccount, payload: &[u8]) -> Result<Envelope, DeliveryFailure> {
    let unsendable = |detail: String| DeliveryFailure::Unsendable {
        account: account.name().to_string(),
        detail,
    };
    let parsed = parse_message(payload, LOCAL_SOURCE);
    let from = account
        .support_address()
        .parse::<lettre::Address>()
        .map_err(|e| unsendable(format!("the support address is not usable ({e})")))?;
    let to = parsed
        .to
        .iter()
        .map(|m| {
            m.address
                .parse::<lettre::Address>()
                .map_err(|e| unsendable(format!("\"{}\" is not an address ({e})", m.address)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Envelope::new(Some(from), to).map_err(|e| unsendable(format!("it has no recipient ({e})")))
}

/// Files the sent reply in the conversation and copies it to Sent. Neither can undo the send,
/// so a failure is a warning on the sent row.
async fn after_send(
    account: &MailAccount,
    store: &SharedStore,
    payload: &[u8],
) -> (Option<i64>, Option<String>) {
    let (message_row_id, mut warning) = file_locally(account, store, payload);
    if account.smtp.append_to_sent {
        let copied = copy_to_sent(account, payload).await;
        warning = warning.or(copied.err());
    }
    (message_row_id, warning)
}

fn file_locally(
    account: &MailAccount,
    store: &SharedStore,
    payload: &[u8],
) -> (Option<i64>, Option<String>) {
    let context = IngestContext {
        source: LOCAL_SOURCE.to_string(),
        support_address: account.support_address().to_string(),
        now: now_rfc3339(),
    };
    match ingest_raw(&mut lock_store(store), payload, &context) {
        Ok(filed) => (Some(filed.message_row_id), None),
        Err(error) => {
            tracing::warn!(account = %account.name(), %error, "a sent reply was not filed");
            (
                None,
                Some(format!(
                    "The reply was sent, but could not be added to the conversation: {error}"
                )),
            )
        }
    }
}

async fn copy_to_sent(account: &MailAccount, payload: &[u8]) -> Result<(), String> {
    let mut folder = SentFolder::open(&account.imap, true)
        .await
        .map_err(|e| sent_copy_warning(&e))?;
    let appended = folder.append(&account.imap, payload).await;
    folder.close(&account.imap).await;
    appended.map(|_| ()).map_err(|e| sent_copy_warning(&e))
}

fn sent_copy_warning(error: &MailboxError) -> String {
    tracing::warn!(account = %error.account(), %error, "a sent reply was not copied to Sent");
    format!("The reply was sent, but could not be copied to the Sent folder: {error}")
}

fn resend(
    account: &MailAccount,
    store: &SharedStore,
    entry: &OutboxEntry,
    why: &str,
) -> Result<(), SendError> {
    tracing::info!(account = %account.name(), outbox = entry.id, why, "resending a reply cut off by a crash");
    let note = format!(
        "Shopdesk stopped while sending this reply, and {why}: it is sent again with the same \
         Message-ID."
    );
    lock_store(store)
        .retry_outbox_later(entry.id, &note, Duration::ZERO)
        .map_err(|e| store_error(account, e))
}

fn message_id_of(entry: &OutboxEntry) -> Option<String> {
    entry
        .message_id
        .clone()
        .or_else(|| parse_message(&entry.payload, LOCAL_SOURCE).message_id)
}

/// Durations as whole milliseconds in JSON, for the UI.
mod millis {
    use std::time::Duration;

    use serde::Serializer;

    pub fn serialize<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(duration.as_millis().min(u128::from(u64::MAX)) as u64)
    }
}
