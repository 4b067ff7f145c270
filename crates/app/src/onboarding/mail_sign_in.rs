//! "Sign in with Google / Microsoft" for the support mailbox: the browser sign-in
//! (`shopdesk_mail_oauth::sign_in`), then one IMAP and one SMTP login with XOAUTH2, and only
//! then the refresh token to the keychain and `auth_kind = "oauth2"` + provider to SQLite.
//!
//! Client IDs are build configuration, never in the repository: `SHOPDESK_GOOGLE_CLIENT_ID`
//! (with `SHOPDESK_GOOGLE_CLIENT_SECRET`, the "secret" Google gives desktop apps, which is not
//! one) and `SHOPDESK_MICROSOFT_CLIENT_ID`, read by `option_env!` at compile time. A build
//! without them shows the button with a sentence saying so. Debug builds may add a local OAuth2
//! server for every address ([`MailOAuthClients::with_local_server`], the shell reads
//! `SHOPDESK_MAIL_OAUTH_URL` only in debug builds).

use std::path::Path;
use std::sync::Arc;

use shopdesk_mailbox::autoconfig::probe_account;
use shopdesk_mailbox::oauth::{sign_in, MailOAuth, Provider, Secret, SignInOptions};
use shopdesk_mailbox::MailAccount;
use shopdesk_secrets::{MemoryStore, SecretKey, SecretStore};

use super::mailbox_setup::{account_from_settings, servers_of, settings_of};
use super::saved::open;
use super::views::{MailSignInView, MailboxInput, SignInProviderView};
use super::{OnboardingError, SecretVault};
use crate::demo::now_rfc3339;

/// The OAuth2 registrations this build has.
#[derive(Debug, Clone, Default)]
pub struct MailOAuthClients {
    google_client_id: Option<String>,
    google_client_secret: Option<String>,
    microsoft_client_id: Option<String>,
    local_server: Option<String>,
}

const GOOGLE_SETTING: &str = "a Google client ID (SHOPDESK_GOOGLE_CLIENT_ID)";
const MICROSOFT_SETTING: &str = "a Microsoft client ID (SHOPDESK_MICROSOFT_CLIENT_ID)";

fn configured(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

impl MailOAuthClients {
    /// The client IDs this build was compiled with.
    pub fn from_build() -> Self {
        Self {
            google_client_id: configured(option_env!("SHOPDESK_GOOGLE_CLIENT_ID")),
            google_client_secret: configured(option_env!("SHOPDESK_GOOGLE_CLIENT_SECRET")),
            microsoft_client_id: configured(option_env!("SHOPDESK_MICROSOFT_CLIENT_ID")),
            local_server: None,
        }
    }

    /// Every address signs in at the local OAuth2 server at `base_url` (tests, debug builds).
    pub fn with_local_server(mut self, base_url: impl Into<String>) -> Self {
        self.local_server = Some(base_url.into().trim_end_matches('/').to_string());
        self
    }

    /// The button for a mailbox of `provider` (autoconfig's name), if it has a sign-in.
    pub fn offer_for(&self, provider: Option<&str>) -> Option<MailSignInView> {
        let kind = if self.local_server.is_some() {
            SignInProviderView::Local
        } else {
            match provider? {
                "Gmail" => SignInProviderView::Google,
                "Outlook" => SignInProviderView::Microsoft,
                _ => return None,
            }
        };
        let (available, unavailable_reason) = match self.provider(kind) {
            Ok(_) => (true, None),
            Err(error) => (false, Some(error.to_string())),
        };
        Some(MailSignInView {
            provider: kind,
            label: match kind {
                SignInProviderView::Google => "Sign in with Google",
                SignInProviderView::Microsoft => "Sign in with Microsoft",
                SignInProviderView::Local => "Sign in with the local test server",
            }
            .to_string(),
            available,
            unavailable_reason,
        })
    }

    /// The provider to sign in at, or why this build cannot.
    pub fn provider(&self, kind: SignInProviderView) -> Result<Provider, OnboardingError> {
        match kind {
            SignInProviderView::Google => match &self.google_client_id {
                Some(id) => Ok(Provider::google(
                    id,
                    self.google_client_secret.as_deref().map(Secret::new),
                )),
                None => Err(OnboardingError::SignInNotConfigured {
                    provider: "Google",
                    setting: GOOGLE_SETTING,
                }),
            },
            SignInProviderView::Microsoft => match &self.microsoft_client_id {
                Some(id) => Ok(Provider::microsoft(id)),
                None => Err(OnboardingError::SignInNotConfigured {
                    provider: "Microsoft",
                    setting: MICROSOFT_SETTING,
                }),
            },
            SignInProviderView::Local => match &self.local_server {
                Some(url) => Ok(Provider::custom(
                    "the local test server",
                    &format!("{url}/authorize"),
                    &format!("{url}/token"),
                    &["https://mail.google.com/"],
                    "shopdesk-test-client",
                )),
                None => Err(OnboardingError::SignInNotConfigured {
                    provider: "the local test server",
                    setting: "SHOPDESK_MAIL_OAUTH_URL (debug builds only)",
                }),
            },
        }
    }
}

/// Signs in to the mailbox in `input` with `kind` through `open_browser` (the system browser in
/// the app), tests IMAP and SMTP with XOAUTH2, then saves it. A failure saves nothing.
pub async fn sign_in_mailbox(
    data_dir: &Path,
    vault: &SecretVault,
    clients: &MailOAuthClients,
    input: &MailboxInput,
    kind: SignInProviderView,
    open_browser: impl FnOnce(&str) -> Result<(), String>,
) -> Result<(), OnboardingError> {
    let provider = clients.provider(kind)?;
    let servers = servers_of(input, "")?;
    sign_in_and_save(data_dir, vault, kind, provider, servers, open_browser).await
}

/// "Sign in again" for the saved OAuth2 mailbox: the same sign-in, test and save.
pub async fn sign_in_saved_mailbox(
    data_dir: &Path,
    vault: &SecretVault,
    clients: &MailOAuthClients,
    open_browser: impl FnOnce(&str) -> Result<(), String>,
) -> Result<(), OnboardingError> {
    let settings = open(data_dir)?
        .mail_account_settings()?
        .ok_or(OnboardingError::NoMailbox)?;
    let kind = settings
        .oauth_provider
        .as_deref()
        .and_then(provider_from_name)
        .ok_or(OnboardingError::NoMailbox)?;
    let provider = clients.provider(kind)?;
    let servers = account_from_settings(&settings, "");
    sign_in_and_save(data_dir, vault, kind, provider, servers, open_browser).await
}

async fn sign_in_and_save(
    data_dir: &Path,
    vault: &SecretVault,
    kind: SignInProviderView,
    provider: Provider,
    servers: MailAccount,
    open_browser: impl FnOnce(&str) -> Result<(), String>,
) -> Result<(), OnboardingError> {
    let address = servers.name().to_string();
    let options = SignInOptions {
        login_hint: Some(address.clone()),
        ..SignInOptions::default()
    };
    let tokens = sign_in(&provider, &options, open_browser)
        .await
        .map_err(OnboardingError::MailSignIn)?;
    // The test keeps the refresh token in memory: the keychain gets it only once both
    // logins worked (a refresh during the test may rotate it; the latest is what is kept).
    let trial: Arc<MemoryStore> = Arc::new(MemoryStore::new());
    let session = MailOAuth::signed_in(provider.clone(), &address, trial.clone(), tokens)
        .await
        .map_err(OnboardingError::MailSignIn)?;
    let mut account = servers;
    account.imap = account.imap.with_oauth2(session.clone());
    account.smtp = account.smtp.with_oauth2(session);
    probe_account(&account).await?;
    let key = SecretKey::mail_oauth_refresh(&address)?;
    let refresh = trial.get(&key)?.ok_or_else(|| {
        OnboardingError::MailSignIn(shopdesk_mailbox::oauth::OAuthError::NoRefreshToken {
            provider: provider.name.clone(),
        })
    })?;
    let mut settings = settings_of(&account, now_rfc3339());
    settings.auth_kind = "oauth2".into();
    settings.oauth_provider = Some(provider_name(kind).into());
    let password_key = SecretKey::mail_password(&address)?;
    super::replace::replace_secret(data_dir, vault, &key, &refresh, &[password_key], |store| {
        store.save_mail_account_settings(&settings)
    })?;
    tracing::info!(account = %address, provider = %provider.name, "mailbox signed in and saved");
    Ok(())
}

/// Live start: the saved OAuth2 mailbox's sign-in, picked up from the keychain.
pub(crate) fn saved_session(
    clients: &MailOAuthClients,
    vault: &SecretVault,
    provider: &str,
    address: &str,
) -> Result<MailOAuth, OnboardingError> {
    let kind = provider_from_name(provider).ok_or(OnboardingError::NoMailbox)?;
    Ok(MailOAuth::saved(
        clients.provider(kind)?,
        address,
        vault.store(),
    ))
}

pub(crate) fn provider_name(kind: SignInProviderView) -> &'static str {
    match kind {
        SignInProviderView::Google => "google",
        SignInProviderView::Microsoft => "microsoft",
        SignInProviderView::Local => "local",
    }
}

pub(crate) fn provider_from_name(name: &str) -> Option<SignInProviderView> {
    match name {
        "google" => Some(SignInProviderView::Google),
        "microsoft" => Some(SignInProviderView::Microsoft),
        "local" => Some(SignInProviderView::Local),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_without_client_ids_explains_the_button() {
        let clients = MailOAuthClients::default();
        let offer = clients.offer_for(Some("Gmail")).unwrap();
        assert_eq!(offer.provider, SignInProviderView::Google);
        assert!(!offer.available);
        let reason = offer.unavailable_reason.unwrap();
        assert!(reason.contains("not set up in this build"), "{reason}");
        assert!(reason.contains("app password"), "{reason}");
        assert_eq!(
            clients.offer_for(Some("Outlook")).unwrap().provider,
            SignInProviderView::Microsoft
        );
        assert_eq!(clients.offer_for(Some("iCloud")), None);
        assert_eq!(clients.offer_for(None), None);
        let local = clients.with_local_server("http://127.0.0.1:9/");
        let offer = local.offer_for(None).unwrap();
        assert!(offer.available && offer.provider == SignInProviderView::Local);
        assert_eq!(
            local.provider(SignInProviderView::Local).unwrap().token_url,
            "http://127.0.0.1:9/token"
        );
    }
}
