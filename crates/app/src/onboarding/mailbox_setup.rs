//! The support mailbox: servers proposed from the address, then one real login to IMAP and SMTP
//! before anything is saved.

use shopdesk_mailbox::autoconfig::{guess_servers, probe_account};
use shopdesk_mailbox::{MailAccount, MailboxConfig, Security, SmtpConfig};
use shopdesk_store::MailAccountSettings;

use super::mail_sign_in::MailOAuthClients;
use super::views::{MailSecurityView, MailServersView, MailboxInput};
use super::OnboardingError;

/// IMAP and SMTP servers for `address`: a known provider's, else `imap.`/`smtp.` + domain;
/// with the "Sign in with …" choice when the provider has one.
pub fn suggest_mail_servers(
    address: &str,
    clients: &MailOAuthClients,
) -> Result<MailServersView, OnboardingError> {
    let guess = guess_servers(address).ok_or_else(|| OnboardingError::MailAddress {
        input: address.trim().to_string(),
    })?;
    Ok(MailServersView {
        imap_host: guess.imap_host,
        imap_port: guess.imap_port,
        imap_security: guess.imap_security.into(),
        smtp_host: guess.smtp_host,
        smtp_port: guess.smtp_port,
        smtp_security: guess.smtp_security.into(),
        sign_in: clients.offer_for(guess.provider),
        provider: guess.provider.map(str::to_string),
        advice: guess.advice.map(str::to_string),
    })
}

/// Logs in to IMAP and SMTP with these settings; saves nothing.
pub async fn test_mailbox(input: &MailboxInput) -> Result<(), OnboardingError> {
    let account = account_of(input)?;
    probe_account(&account).await?;
    tracing::info!(account = %account.name(), "mailbox login tested");
    Ok(())
}

pub(crate) fn account_of(input: &MailboxInput) -> Result<MailAccount, OnboardingError> {
    if input.password.is_empty() && guess_servers(input.address.trim()).is_some() {
        return Err(OnboardingError::Missing {
            what: "The mailbox password",
        });
    }
    servers_of(input, &input.password)
}

/// The account as entered, logging in with `password` (empty for an OAuth2 sign-in).
pub(crate) fn servers_of(
    input: &MailboxInput,
    password: &str,
) -> Result<MailAccount, OnboardingError> {
    let address = input.address.trim();
    if guess_servers(address).is_none() {
        return Err(OnboardingError::MailAddress {
            input: address.to_string(),
        });
    }
    let username = match input.username.trim() {
        "" => address,
        name => name,
    };
    let mut imap = MailboxConfig::new(
        address,
        input.imap_host.trim(),
        input.imap_port,
        input.imap_security.into(),
        password,
    );
    imap.username = username.to_string();
    let mut smtp = SmtpConfig::new(
        address,
        input.smtp_host.trim(),
        input.smtp_port,
        input.smtp_security.into(),
        password,
    );
    smtp.username = username.to_string();
    Ok(MailAccount::new(imap, smtp))
}

/// The account's non-secret settings, for SQLite.
pub(crate) fn settings_of(account: &MailAccount, saved_at: String) -> MailAccountSettings {
    MailAccountSettings {
        address: account.imap.account.clone(),
        username: account.imap.username.clone(),
        imap_host: account.imap.imap_host.clone(),
        imap_port: account.imap.imap_port,
        imap_security: security_name(account.imap.security).into(),
        smtp_host: account.smtp.host.clone(),
        smtp_port: account.smtp.port,
        smtp_security: security_name(account.smtp.security).into(),
        auth_kind: "password".into(),
        oauth_provider: None,
        saved_at,
    }
}

/// Settings and the password from the keychain, back into an account.
pub(crate) fn account_from_settings(s: &MailAccountSettings, password: &str) -> MailAccount {
    let mut imap = MailboxConfig::new(
        &s.address,
        &s.imap_host,
        s.imap_port,
        security_from(&s.imap_security),
        password,
    );
    imap.username = s.username.clone();
    let mut smtp = SmtpConfig::new(
        &s.address,
        &s.smtp_host,
        s.smtp_port,
        security_from(&s.smtp_security),
        password,
    );
    smtp.username = s.username.clone();
    MailAccount::new(imap, smtp)
}

fn security_name(security: Security) -> &'static str {
    match security {
        Security::Tls => "tls",
        Security::StartTls => "startTls",
        Security::Plain => "plain",
    }
}

fn security_from(name: &str) -> Security {
    match name {
        "startTls" => Security::StartTls,
        "plain" => Security::Plain,
        // An unknown value is taken as the safest one.
        _ => Security::Tls,
    }
}

impl From<Security> for MailSecurityView {
    fn from(s: Security) -> Self {
        match s {
            Security::Tls => MailSecurityView::Tls,
            Security::StartTls => MailSecurityView::StartTls,
            Security::Plain => MailSecurityView::Plain,
        }
    }
}

impl From<MailSecurityView> for Security {
    fn from(s: MailSecurityView) -> Self {
        match s {
            MailSecurityView::Tls => Security::Tls,
            MailSecurityView::StartTls => Security::StartTls,
            MailSecurityView::Plain => Security::Plain,
        }
    }
}
