//! Saving a checked store or a tested mailbox (secrets to the vault, settings to SQLite, in
//! that order, undone if the second fails), and reading them back at launch.

use std::path::Path;

use shopdesk_secrets::{Secret, SecretKey};
use shopdesk_shopify::Credentials;
use shopdesk_store::{ShopAccount, Store};

use super::live::LiveSetup;
use super::mail_sign_in::{saved_session, MailOAuthClients};
use super::mailbox_setup::{account_from_settings, account_of, settings_of, test_mailbox};
use super::shop_check::{check, config_for, CheckedShop};
use super::shop_domain::ShopEndpoints;
use super::views::{MailboxInput, ShopCheckView, ShopConnectInput};
use super::{OnboardingError, SecretVault};
use crate::demo::now_rfc3339;
use crate::AppError;

const ACCESS_TOKEN: &str = "accessToken";
const CLIENT_CREDENTIALS: &str = "clientCredentials";
pub(crate) const OAUTH2: &str = "oauth2";

pub(crate) fn open(data_dir: &Path) -> Result<Store, OnboardingError> {
    crate::open_store(data_dir).map_err(|e| match e {
        AppError::DataDir { path, source } => OnboardingError::DataDir { path, source },
        AppError::Store(e) => OnboardingError::Store(e),
        other => OnboardingError::Shop {
            kind: "store",
            message: other.to_string(),
        },
    })
}

/// Checks the store again (the user confirmed what the check showed), then saves it. A store
/// whose app cannot read orders is refused.
pub async fn save_shop(
    data_dir: &Path,
    vault: &SecretVault,
    endpoints: &ShopEndpoints,
    input: ShopConnectInput,
) -> Result<ShopCheckView, OnboardingError> {
    let checked = check(endpoints, input).await?;
    if !checked.view.can_connect {
        return Err(OnboardingError::CannotReadOrders {
            shop: checked.domain,
        });
    }
    let domain = &checked.domain;
    let (key, secret, auth_kind, client_id) = secret_of(&checked)?;
    let mut store = open(data_dir)?;
    vault.set(&key, &secret)?;
    let account = ShopAccount {
        shop_domain: domain.clone(),
        auth_kind: auth_kind.into(),
        client_id,
        saved_at: now_rfc3339(),
    };
    let saved = store
        .save_shop_account(&account)
        .and_then(|()| store.set_first_run_done());
    if let Err(error) = saved {
        let _ = vault.delete(&key);
        return Err(error.into());
    }
    tracing::info!(shop = %domain, auth = auth_kind, session_only = vault.is_session_only(), "store saved");
    Ok(checked.view)
}

/// The keychain entry, secret, `auth_kind` and client id a checked store is saved with.
pub(crate) fn secret_of(
    checked: &CheckedShop,
) -> Result<(SecretKey, Secret, &'static str, Option<String>), OnboardingError> {
    let domain = &checked.domain;
    Ok(match &checked.config.credentials {
        Credentials::AccessToken(token) => (
            SecretKey::shopify_access_token(domain)?,
            token.clone(),
            ACCESS_TOKEN,
            None,
        ),
        Credentials::ClientCredentials {
            client_id,
            client_secret,
        } => (
            SecretKey::shopify_client_secret(domain)?,
            client_secret.clone(),
            CLIENT_CREDENTIALS,
            Some(client_id.clone()),
        ),
    })
}

/// The keychain entry of a saved store's secret.
pub(crate) fn saved_shop_key(shop: &ShopAccount) -> Result<SecretKey, OnboardingError> {
    Ok(match shop.auth_kind.as_str() {
        CLIENT_CREDENTIALS => SecretKey::shopify_client_secret(&shop.shop_domain)?,
        _ => SecretKey::shopify_access_token(&shop.shop_domain)?,
    })
}

/// Tests the mailbox (IMAP login, SMTP login), then saves it; a failed test saves nothing.
pub async fn save_mailbox(
    data_dir: &Path,
    vault: &SecretVault,
    input: &MailboxInput,
) -> Result<(), OnboardingError> {
    test_mailbox(input).await?;
    let account = account_of(input)?;
    let key = SecretKey::mail_password(account.name())?;
    // A mailbox that signed in with OAuth2 before: its refresh token goes once this is saved.
    let oauth_key = SecretKey::mail_oauth_refresh(account.name())?;
    let settings = settings_of(&account, now_rfc3339());
    let password = Secret::new(input.password.as_str());
    super::replace::replace_secret(data_dir, vault, &key, &password, &[oauth_key], |store| {
        store.save_mail_account_settings(&settings)
    })?;
    tracing::info!(account = %account.name(), "mailbox saved");
    Ok(())
}

/// The saved store's domain, whether or not its secret is still there (to prefill it).
pub fn saved_shop_domain(data_dir: &Path) -> Result<Option<String>, OnboardingError> {
    if !data_dir.join("shopdesk.db").exists() {
        return Ok(None);
    }
    Ok(open(data_dir)?.shop_account()?.map(|a| a.shop_domain))
}

/// The saved store with its secrets, or `None` when there is no store or its secret is gone
/// (onboarding then asks again). A mailbox whose password is gone is left out.
pub fn saved_setup(
    data_dir: &Path,
    vault: &SecretVault,
    endpoints: &ShopEndpoints,
    clients: &MailOAuthClients,
) -> Result<Option<LiveSetup>, OnboardingError> {
    if !data_dir.join("shopdesk.db").exists() {
        return Ok(None);
    }
    let store = open(data_dir)?;
    let Some(shop) = store.shop_account()? else {
        return Ok(None);
    };
    let domain = shop.shop_domain.as_str();
    let credentials = match (shop.auth_kind.as_str(), shop.client_id) {
        (CLIENT_CREDENTIALS, Some(client_id)) => {
            match vault.get(&SecretKey::shopify_client_secret(domain)?)? {
                Some(client_secret) => Credentials::ClientCredentials {
                    client_id,
                    client_secret,
                },
                None => return Ok(None),
            }
        }
        _ => match vault.get(&SecretKey::shopify_access_token(domain)?)? {
            Some(token) => Credentials::AccessToken(token),
            None => return Ok(None),
        },
    };
    let mail = match store.mail_account_settings()? {
        Some(settings) if settings.auth_kind == OAUTH2 => {
            let provider = settings.oauth_provider.as_deref().unwrap_or_default();
            match saved_session(clients, vault, provider, &settings.address) {
                Ok(session) => {
                    let mut account = account_from_settings(&settings, "");
                    account.imap = account.imap.with_oauth2(session.clone());
                    account.smtp = account.smtp.with_oauth2(session);
                    Some(account)
                }
                Err(error) => {
                    tracing::warn!(account = %settings.address, %error, "mailbox sign-in not usable in this build; mailbox not connected");
                    None
                }
            }
        }
        Some(settings) => match vault.get(&SecretKey::mail_password(&settings.address)?)? {
            Some(password) => Some(account_from_settings(&settings, password.expose())),
            None => {
                tracing::warn!(account = %settings.address, "mailbox password not in the keychain; mailbox not connected");
                None
            }
        },
        None => None,
    };
    Ok(Some(LiveSetup {
        shop_domain: domain.to_string(),
        shop: config_for(endpoints, domain, credentials),
        mail,
    }))
}
