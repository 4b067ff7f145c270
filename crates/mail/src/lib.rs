//! Mail for Shopdesk: raw mail in, tickets out.
//!
//! - [`parse`]: RFC 5322 bytes to fields, HTML sanitized (hostile input), never a panic;
//! - [`thread`]: which ticket a message belongs to, its direction, the orders it mentions;
//! - [`ingest_raw`]: the single entry point the demo, IMAP and mbox import all feed;
//! - [`demo`]: a deterministic demo mailbox written for the demo store's customers.

pub mod demo;
mod error;
mod ingest;
pub mod parse;
pub mod thread;
mod timefmt;

pub use demo::demo_mailbox;
pub use error::MailError;
pub use ingest::{ingest_raw, IngestContext, IngestReport};
pub use parse::{parse_message, Mailbox, ParsedMail};
pub use thread::{plan_thread, ThreadPlan};
