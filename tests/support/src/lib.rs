//! Real parts for Shopdesk's tests, started on 127.0.0.1 (or a private unix socket), stopped
//! when dropped, every wait bounded:
//! - `dovecot::Dovecot` (feature `dovecot`): a throw-away IMAP server with a test user;
//! - [`smtp_sink::SmtpSink`]: an SMTP receiver (tests/support/smtp_sink.py, aiosmtpd), with a
//!   password or XOAUTH2;
//! - `oauth_server::OAuthServer` (feature `oauth-server`): a local OAuth2 server
//!   (tests/support/oauth-server, oauth2-mock-server under Node) whose tokens Dovecot accepts
//!   when started with `Dovecot::start_with_oauth`;
//! - [`dbus::PrivateBus`] and [`dbus::BusSession`]: a dbus-daemon of our own, and the session-bus
//!   variable pointed at it for the duration of a test;
//! - [`listener::Listener`]: a stand-in notification server on that bus
//!   (tests/support/notification_listener.py) that logs every notification.
//!
//! The Python helpers run from the project's `.venv` (made by scripts/setup-debian.sh from
//! tests/support/requirements.txt), or from `SHOPDESK_TEST_PYTHON`.

pub mod dbus;
#[cfg(feature = "dovecot")]
pub mod dovecot;
pub mod listener;
#[cfg(feature = "oauth-server")]
pub mod oauth_server;
pub mod smtp_sink;
mod util;

pub use util::{free_port, wait_until};
