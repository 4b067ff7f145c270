//! Credentials that stopped working: "Enter a new token", "Update mailbox password". Each goes
//! through the same check as onboarding before anything changes, then replaces the keychain
//! entry: the new secret is written, the settings updated, the old entry removed; a failure
//! on the way puts the previous secret back. Local data (orders, tickets, mail) is untouched.

use std::path::Path;

use shopdesk_secrets::{Secret, SecretKey};
use shopdesk_store::{ShopAccount, Store};

use super::mail_sign_in::provider_from_name;
use super::mailbox_setup::{account_from_settings, settings_of};
use super::saved::{open, saved_shop_key, secret_of, OAUTH2};
use super::shop_check::check;
use super::shop_domain::ShopEndpoints;
use super::views::{SavedAccountsView, ShopCheckView, ShopConnectInput};
use super::{OnboardingError, SecretVault};
use crate::demo::now_rfc3339;

/// Writes `secret` under `key`, then `save_settings`; if that fails the previous value of `key`
/// comes back. Once saved, `old_keys` (other than `key`) are deleted.
pub(crate) fn replace_secret(
    data_dir: &Path,
    vault: &SecretVault,
    key: &SecretKey,
    secret: &Secret,
    old_keys: &[SecretKey],
    save_settings: impl FnOnce(&mut Store) -> shopdesk_store::Result<()>,
) -> Result<(), OnboardingError> {
    let mut store = open(data_dir)?;
    let previous = vault.get(key)?;
    vault.set(key, secret)?;
    if let Err(error) = save_settings(&mut store) {
        let _ = match &previous {
            Some(previous) => vault.set(key, previous).map(drop),
            None => vault.delete(key).map(drop),
        };
        return Err(error.into());
    }
    for old in old_keys.iter().filter(|old| *old != key) {
        // The new secret is in use already; a leftover entry is only reported.
        if let Err(error) = vault.delete(old) {
            tracing::warn!(%error, "an old keychain entry could not be deleted");
        }
    }
    Ok(())
}

/// "Enter a new token": checks the new credentials of the saved store (they must be for the
/// same store and allow reading orders), then replaces the saved secret.
pub async fn replace_shop_credential(
    data_dir: &Path,
    vault: &SecretVault,
    endpoints: &ShopEndpoints,
    input: ShopConnectInput,
) -> Result<ShopCheckView, OnboardingError> {
    let saved = open(data_dir)?
        .shop_account()?
        .ok_or(OnboardingError::NoStore)?;
    let checked = check(endpoints, input).await?;
    if !checked.domain.eq_ignore_ascii_case(&saved.shop_domain) {
        return Err(OnboardingError::OtherStore {
            saved: saved.shop_domain,
            entered: checked.domain,
        });
    }
    if !checked.view.can_connect {
        return Err(OnboardingError::CannotReadOrders {
            shop: checked.domain,
        });
    }
    let (key, secret, auth_kind, client_id) = secret_of(&checked)?;
    let account = ShopAccount {
        shop_domain: saved.shop_domain.clone(),
        auth_kind: auth_kind.into(),
        client_id,
        saved_at: now_rfc3339(),
    };
    let old_keys = [saved_shop_key(&saved)?];
    replace_secret(data_dir, vault, &key, &secret, &old_keys, |store| {
        store.save_shop_account(&account)
    })?;
    tracing::info!(shop = %account.shop_domain, auth = auth_kind, "store credentials replaced");
    Ok(checked.view)
}

/// "Update mailbox password": logs in to IMAP and SMTP with the saved servers and `password`,
/// then replaces the saved password (or the OAuth2 sign-in it had).
pub async fn update_mailbox_password(
    data_dir: &Path,
    vault: &SecretVault,
    password: &str,
) -> Result<(), OnboardingError> {
    if password.is_empty() {
        return Err(OnboardingError::Missing {
            what: "The mailbox password",
        });
    }
    let saved = open(data_dir)?
        .mail_account_settings()?
        .ok_or(OnboardingError::NoMailbox)?;
    let account = account_from_settings(&saved, password);
    shopdesk_mailbox::autoconfig::probe_account(&account).await?;
    let key = SecretKey::mail_password(&saved.address)?;
    let old_keys = [SecretKey::mail_oauth_refresh(&saved.address)?];
    let settings = settings_of(&account, now_rfc3339());
    replace_secret(
        data_dir,
        vault,
        &key,
        &Secret::new(password),
        &old_keys,
        |store| store.save_mail_account_settings(&settings),
    )?;
    tracing::info!(account = %saved.address, "mailbox password replaced");
    Ok(())
}

/// What is saved (no secret), and `mailbox_problem` as the caller knows it.
pub fn saved_accounts(
    data_dir: &Path,
    mailbox_problem: Option<String>,
) -> Result<SavedAccountsView, OnboardingError> {
    let mut view = SavedAccountsView {
        shop_domain: None,
        shop_auth_kind: None,
        client_id: None,
        mailbox_address: None,
        mailbox_sign_in: None,
        mailbox_problem,
    };
    if !data_dir.join("shopdesk.db").exists() {
        return Ok(view);
    }
    let store = open(data_dir)?;
    if let Some(shop) = store.shop_account()? {
        view.shop_domain = Some(shop.shop_domain);
        view.shop_auth_kind = Some(shop.auth_kind);
        view.client_id = shop.client_id;
    }
    if let Some(mail) = store.mail_account_settings()? {
        view.mailbox_sign_in = (mail.auth_kind == OAUTH2)
            .then(|| mail.oauth_provider.as_deref().and_then(provider_from_name))
            .flatten();
        view.mailbox_address = Some(mail.address);
    }
    Ok(view)
}
