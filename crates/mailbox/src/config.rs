//! One support mailbox's IMAP settings.

use std::fmt;

use crate::{MailAuth, MailboxError};

/// The folder every IMAP server has (RFC 3501 names it case-insensitively).
pub const INBOX: &str = "INBOX";

/// What is fetched per `UID FETCH`: a checkpoint is written after each batch.
pub const DEFAULT_FETCH_BATCH_SIZE: u32 = 200;

/// How the connection to the IMAP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (IMAPS, usually port 993).
    Tls,
    /// A plain connection upgraded with STARTTLS before login (usually port 143).
    StartTls,
    /// No encryption: only to this computer (127.0.0.1, ::1, localhost), for tests and local
    /// bridges, because the password would cross the network readable.
    Plain,
}

#[derive(Clone)]
pub struct MailboxConfig {
    /// The account's name in the store and in messages to the user, normally its address.
    pub account: String,
    /// The shop's support address: mail from it is filed as outbound.
    pub support_address: String,
    pub imap_host: String,
    pub imap_port: u16,
    pub security: Security,
    pub username: String,
    /// Never logged; `Debug` prints it redacted. Used when `auth` is [`MailAuth::Password`].
    pub password: String,
    /// How to log in: the password, or an OAuth2 sign-in (XOAUTH2).
    pub auth: MailAuth,
    /// Normally "INBOX".
    pub inbox_folder: String,
    /// `None`: the folder the server marks SPECIAL-USE `\Sent`, else one named "Sent".
    pub sent_folder: Option<String>,
    /// Messages per `UID FETCH`; the sync checkpoints after each batch.
    pub fetch_batch_size: u32,
}

impl MailboxConfig {
    /// Settings with the defaults: the account is also the support address and the login,
    /// INBOX plus the discovered Sent folder, batches of [`DEFAULT_FETCH_BATCH_SIZE`].
    pub fn new(
        address: &str,
        imap_host: &str,
        imap_port: u16,
        security: Security,
        password: &str,
    ) -> MailboxConfig {
        MailboxConfig {
            account: address.to_string(),
            support_address: address.to_string(),
            imap_host: imap_host.to_string(),
            imap_port,
            security,
            username: address.to_string(),
            password: password.to_string(),
            auth: MailAuth::Password,
            inbox_folder: INBOX.to_string(),
            sent_folder: None,
            fetch_batch_size: DEFAULT_FETCH_BATCH_SIZE,
        }
    }

    /// The same settings, logging in with `oauth` (XOAUTH2) instead of a password.
    pub fn with_oauth2(mut self, oauth: shopdesk_mail_oauth::MailOAuth) -> MailboxConfig {
        self.password.clear();
        self.auth = MailAuth::OAuth2(oauth);
        self
    }

    /// Refuses settings that must not be used: a plain connection to another machine.
    pub fn validate(&self) -> Result<(), MailboxError> {
        if self.security == Security::Plain && !is_this_computer(&self.imap_host) {
            return Err(MailboxError::PlainNotAllowed {
                account: self.account.clone(),
                host: self.imap_host.clone(),
            });
        }
        if self.fetch_batch_size == 0 {
            return Err(MailboxError::InvalidSetting {
                account: self.account.clone(),
                detail: "the fetch batch size is 0; use at least 1 (200 is the default)".into(),
            });
        }
        Ok(())
    }
}

pub(crate) fn is_this_computer(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host == "127.0.0.1" || host == "::1"
}

impl fmt::Debug for MailboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailboxConfig")
            .field("account", &self.account)
            .field("support_address", &self.support_address)
            .field("imap_host", &self.imap_host)
            .field("imap_port", &self.imap_port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("auth", &self.auth)
            .field("inbox_folder", &self.inbox_folder)
            .field("sent_folder", &self.sent_folder)
            .field("fetch_batch_size", &self.fetch_batch_size)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_password() {
        let config = MailboxConfig::new(
            "support@shop.test",
            "imap.shop.test",
            993,
            Security::Tls,
            "hunter2-secret",
        );
        let printed = format!("{config:?}");
        assert!(!printed.contains("hunter2-secret"), "{printed}");
        assert!(printed.contains("<redacted>"), "{printed}");
    }

    #[test]
    fn plain_is_only_allowed_to_this_computer() {
        for host in ["127.0.0.1", "localhost", "LOCALHOST", "::1", "[::1]"] {
            let config = MailboxConfig::new("a@shop.test", host, 143, Security::Plain, "pw");
            assert!(config.validate().is_ok(), "{host}");
        }
        let config = MailboxConfig::new("a@shop.test", "imap.shop.test", 143, Security::Plain, "x");
        let err = config.validate().unwrap_err();
        assert!(matches!(err, MailboxError::PlainNotAllowed { .. }));
        assert!(err.to_string().contains("imap.shop.test"), "{err}");
        let tls = MailboxConfig::new("a@shop.test", "imap.shop.test", 993, Security::Tls, "x");
        assert!(tls.validate().is_ok());
    }
}
