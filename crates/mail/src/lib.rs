//! Mail for Shopdesk: raw mail in, tickets out.
//!
//! - [`parse`]: RFC 5322 bytes to fields, HTML sanitized (hostile input), never a panic;
//! - [`thread`]: which ticket a message belongs to, its direction, the orders it mentions;
//! - [`ingest_raw`]: the single entry point the demo, IMAP and mbox import all feed;
//! - [`import`]: an mbox file or a Maildir folder, streamed into [`ingest_raw`];
//! - [`demo`]: a deterministic demo mailbox written for the demo store's customers.

pub mod attachments;
pub mod demo;
mod error;
pub mod import;
mod ingest;
pub mod parse;
pub mod quotes;
pub mod thread;
mod timefmt;

pub use demo::demo_mailbox;
pub use error::MailError;
pub use ingest::{
    ingest_prepared, ingest_raw, prepare_ingest, IngestContext, IngestReport, PreparedMail,
};
pub use parse::{html_of_raw, parse_message, Mailbox, ParsedMail, RemoteImages};
pub use quotes::{split_quotes, SegmentKind, TextSegment};
pub use thread::{plan_thread, ThreadPlan};
