//! The outgoing (SMTP) settings of the support mailbox.

use std::fmt;
use std::time::Duration;

use crate::config::is_this_computer;
use crate::{MailAuth, MailboxConfig, Security, SendError};

/// How long one SMTP step (connect, a command, the message) may take by default.
pub const DEFAULT_SMTP_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    /// `Tls`: SMTPS, usually port 465. `StartTls`: submission, usually port 587, upgraded before
    /// the login (required: never sent unencrypted). `Plain`: only to this computer.
    pub security: Security,
    /// Empty: no login (a local relay that needs none).
    pub username: String,
    /// Never logged; `Debug` prints it redacted. Used when `auth` is [`MailAuth::Password`].
    pub password: String,
    /// How to log in: the password (AUTH PLAIN/LOGIN), or an OAuth2 sign-in (AUTH XOAUTH2).
    pub auth: MailAuth,
    /// The display name in From ("Acme Support"); the address is the mailbox's support address.
    pub from_name: Option<String>,
    /// Copy each sent reply into the IMAP Sent folder. Default true; turn it off for servers that
    /// file submitted mail in Sent by themselves (Gmail, Outlook.com), or Sent gets two copies.
    pub append_to_sent: bool,
    /// The longest wait for one SMTP step.
    pub timeout: Duration,
}

impl SmtpConfig {
    /// Settings with the defaults: the login is the support address, a copy goes to Sent.
    pub fn new(
        address: &str,
        host: &str,
        port: u16,
        security: Security,
        password: &str,
    ) -> SmtpConfig {
        SmtpConfig {
            host: host.to_string(),
            port,
            security,
            username: address.to_string(),
            password: password.to_string(),
            auth: MailAuth::Password,
            from_name: None,
            append_to_sent: true,
            timeout: DEFAULT_SMTP_TIMEOUT,
        }
    }
}

impl SmtpConfig {
    /// The same settings, logging in with `oauth` (XOAUTH2) instead of a password; normally the
    /// same sign-in as the IMAP side's.
    pub fn with_oauth2(mut self, oauth: shopdesk_mail_oauth::MailOAuth) -> SmtpConfig {
        self.password.clear();
        self.auth = MailAuth::OAuth2(oauth);
        self
    }
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("auth", &self.auth)
            .field("from_name", &self.from_name)
            .field("append_to_sent", &self.append_to_sent)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// One support mailbox for sending: SMTP to send, IMAP for the Sent folder. Replies come from
/// `imap.support_address`, and errors name `imap.account`.
#[derive(Debug, Clone)]
pub struct MailAccount {
    pub imap: MailboxConfig,
    pub smtp: SmtpConfig,
}

impl MailAccount {
    pub fn new(imap: MailboxConfig, smtp: SmtpConfig) -> MailAccount {
        MailAccount { imap, smtp }
    }

    /// The account's name in messages to the user.
    pub fn name(&self) -> &str {
        &self.imap.account
    }

    /// The address replies come from.
    pub fn support_address(&self) -> &str {
        self.imap.support_address.trim()
    }

    /// Refuses settings that must not be used: a plain connection to another machine, a support
    /// address that is not one.
    pub fn validate(&self) -> Result<(), SendError> {
        let account = self.name().to_string();
        if self.smtp.security == Security::Plain && !is_this_computer(&self.smtp.host) {
            return Err(SendError::PlainNotAllowed {
                account,
                host: self.smtp.host.clone(),
            });
        }
        if self.smtp.host.trim().is_empty() || self.smtp.port == 0 {
            return Err(SendError::InvalidSetting {
                account,
                detail: "the outgoing (SMTP) server name or port is missing".into(),
            });
        }
        if self.support_address().parse::<lettre::Address>().is_err() {
            return Err(SendError::InvalidSetting {
                account,
                detail: format!(
                    "the support address \"{}\" is not an e-mail address",
                    self.imap.support_address
                ),
            });
        }
        if self.smtp.timeout.is_zero() {
            return Err(SendError::InvalidSetting {
                account,
                detail: "the SMTP timeout is 0; use a few seconds (30 is the default)".into(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(host: &str, security: Security) -> MailAccount {
        let imap = MailboxConfig::new("support@shop.test", host, 143, security, "imap-pw");
        let smtp = SmtpConfig::new("support@shop.test", host, 587, security, "hunter2-secret");
        MailAccount::new(imap, smtp)
    }

    #[test]
    fn debug_never_shows_the_password() {
        let printed = format!("{:?}", account("smtp.shop.test", Security::StartTls));
        assert!(!printed.contains("hunter2-secret"), "{printed}");
        assert!(!printed.contains("imap-pw"), "{printed}");
        assert!(printed.contains("<redacted>"), "{printed}");
    }

    #[test]
    fn plain_is_only_allowed_to_this_computer() {
        assert!(account("127.0.0.1", Security::Plain).validate().is_ok());
        assert!(account("localhost", Security::Plain).validate().is_ok());
        let err = account("smtp.shop.test", Security::Plain)
            .validate()
            .unwrap_err();
        assert!(matches!(err, SendError::PlainNotAllowed { .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.contains("smtp.shop.test") && text.contains("support@shop.test"));
        assert!(account("smtp.shop.test", Security::Tls).validate().is_ok());
    }

    #[test]
    fn defaults_copy_to_sent() {
        let smtp = SmtpConfig::new("a@shop.test", "smtp.shop.test", 465, Security::Tls, "x");
        assert!(smtp.append_to_sent);
        assert_eq!(smtp.username, "a@shop.test");
    }
}
