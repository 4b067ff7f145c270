//! Desktop notifications for Shopdesk: a new ticket or a customer reply becomes a notification
//! within seconds, and a click on it opens the ticket.
//!
//! - [`Notifier`] shows "New ticket from Zoë Martin" / "Zoë Martin replied" with the subject, the
//!   order and the first line of the mail, through the desktop's notification server (D-Bus
//!   `org.freedesktop.Notifications` on Linux, via notify-rust).
//! - Storm control ([`BurstPolicy`]): at most a few notifications per window, then one summary
//!   ("7 more new tickets"); an initial sync only ever gives a summary.
//! - A click calls `on_open(ticket_id)` on a background thread.
//! - No notification server, or no session bus, is not an error: the call returns
//!   [`NoticeOutcome::Unavailable`] and the notifier logs it once, with no customer data.
//!
//! ```no_run
//! use shopdesk_notify::{NoticeOrigin, Notifier, NotifierConfig, TicketNotice};
//!
//! let notifier = Notifier::new(NotifierConfig::default(), |ticket_id| {
//!     println!("open ticket {ticket_id}");
//! })?;
//! let notice = TicketNotice {
//!     ticket_id: 42,
//!     customer_name: Some("Zoë Martin".into()),
//!     customer_email: "zoe@example.com".into(),
//!     subject: "Where is my order?".into(),
//!     preview: "Hi, I ordered the blue mug last week.".into(),
//!     order_name: Some("#1001".into()),
//! };
//! let outcome = notifier.notify_new_ticket(&notice, NoticeOrigin::Live)?;
//! # Ok::<(), shopdesk_notify::NotifyError>(())
//! ```

mod backend;
pub mod burst;
mod click;
pub mod content;
mod error;
mod notice;
mod notifier;
mod text;

#[cfg(all(unix, not(target_os = "macos")))]
#[path = "desktop.rs"]
mod platform;
#[cfg(not(all(unix, not(target_os = "macos"))))]
#[path = "fallback.rs"]
mod platform;

pub use burst::{BurstPolicy, SummaryCounts};
pub use click::ClickWatchPolicy;
pub use content::NotificationContent;
pub use error::{NotifyError, Unavailable};
pub use notice::{NoticeKind, NoticeOrigin, TicketNotice};
pub use notifier::{NoticeOutcome, Notifier, NotifierConfig};

/// The application name every notification carries.
pub const APP_NAME: &str = "Shopdesk";
/// The freedesktop category hint of a notification about mail.
pub const CATEGORY: &str = "email.arrived";
/// The desktop entry (shopdesk.desktop) the server may use for the icon and grouping.
pub const DESKTOP_ENTRY: &str = "shopdesk";
/// The action a click on the notification invokes; it opens the ticket.
pub const DEFAULT_ACTION: &str = "default";
/// The label of that action where a server shows it as a button.
pub const OPEN_ACTION_LABEL: &str = "Open";
