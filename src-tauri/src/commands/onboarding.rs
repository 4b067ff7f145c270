//! Onboarding: demo or connect, the store check and save, the mailbox test and save, the live
//! start, the keychain choice, and "forget this store". The work is in
//! `shopdesk_app::onboarding`; here are only the shell's state and the error mapping.

use std::sync::Arc;

use shopdesk_app::onboarding::{
    self, MailServersView, MailboxInput, OnboardingError, OnboardingView, SavedAccountsView,
    SecretVault, ShopCheckView, ShopConnectInput, SignInProviderView,
};
use tauri::AppHandle;

use crate::commands::sign_in::SignIns;
use crate::error::{shell_error, CommandError};
use crate::state::{self, AppStatus, Shell};

fn from_onboarding(error: OnboardingError) -> CommandError {
    shell_error(error.kind(), error.to_string())
}

fn internal(error: impl std::fmt::Display) -> CommandError {
    shell_error(
        "internal",
        format!("Shopdesk hit an internal error: {error}."),
    )
}

/// What onboarding needs to show: the keychain's state, a store to prefill, the dev override.
#[tauri::command]
pub async fn onboarding_state(
    shell: tauri::State<'_, Shell>,
) -> Result<OnboardingView, CommandError> {
    let data_dir = shell.data_dir();
    let saved =
        tauri::async_runtime::spawn_blocking(move || onboarding::saved_shop_domain(&data_dir))
            .await
            .map_err(internal)?
            .unwrap_or(None);
    let vault = shell.vault().ok();
    Ok(OnboardingView {
        keychain_available: vault.as_ref().is_some_and(|v| !v.is_session_only()),
        keychain_problem: shell.keychain_problem(),
        session_only: vault.as_ref().is_some_and(SecretVault::is_session_only),
        saved_shop_domain: saved,
        dev_base_url: shell
            .endpoints
            .is_overridden()
            .then(|| "test server".to_string()),
    })
}

/// The user's explicit choice when there is no keychain: secrets in memory until quitting.
#[tauri::command]
pub fn keep_secrets_for_this_session(shell: tauri::State<'_, Shell>) {
    if shell.vault().is_err() {
        tracing::info!("no keychain: the user chose to keep secrets for this session only");
        shell.set_vault(SecretVault::session_only());
    }
}

/// "Try the demo store": the demo in its own folder, so it never mixes with a real store.
#[tauri::command]
pub fn start_demo_store(handle: AppHandle, shell: tauri::State<'_, Shell>) {
    state::start(handle, shell.data_dir().join("demo"));
}

#[tauri::command]
pub async fn check_shop(
    shell: tauri::State<'_, Shell>,
    input: ShopConnectInput,
) -> Result<ShopCheckView, CommandError> {
    onboarding::check_shop(&shell.endpoints, input)
        .await
        .map_err(from_onboarding)
}

/// Checks again and saves: the secret to the keychain, the rest to the database.
#[tauri::command]
pub async fn save_shop(
    shell: tauri::State<'_, Shell>,
    input: ShopConnectInput,
) -> Result<ShopCheckView, CommandError> {
    let vault = shell.vault()?;
    onboarding::save_shop(&shell.data_dir(), &vault, &shell.endpoints, input)
        .await
        .map_err(from_onboarding)
}

#[tauri::command]
pub fn suggest_mail_servers(
    shell: tauri::State<'_, Shell>,
    address: String,
) -> Result<MailServersView, CommandError> {
    onboarding::suggest_mail_servers(&address, &shell.mail_oauth).map_err(from_onboarding)
}

#[tauri::command]
pub async fn test_mailbox(input: MailboxInput) -> Result<(), CommandError> {
    onboarding::test_mailbox(&input)
        .await
        .map_err(from_onboarding)
}

#[tauri::command]
pub async fn save_mailbox(
    shell: tauri::State<'_, Shell>,
    input: MailboxInput,
) -> Result<(), CommandError> {
    let vault = shell.vault()?;
    onboarding::save_mailbox(&shell.data_dir(), &vault, &input)
        .await
        .map_err(from_onboarding)
}

/// Starts the saved store (first sync with `shop-sync-progress` events, then the inbox).
#[tauri::command]
pub async fn start_saved_store(
    handle: AppHandle,
    shell: tauri::State<'_, Shell>,
) -> Result<(), CommandError> {
    let vault = shell.vault()?;
    let data_dir = shell.data_dir();
    let endpoints = shell.endpoints.clone();
    let clients = shell.mail_oauth.clone();
    let setup = tauri::async_runtime::spawn_blocking(move || {
        onboarding::saved_setup(&data_dir, &vault, &endpoints, &clients)
    })
    .await
    .map_err(internal)?
    .map_err(from_onboarding)?
    .ok_or_else(|| from_onboarding(OnboardingError::NoStore))?;
    state::start_live(handle, setup);
    Ok(())
}

/// "Sign in with Google / Microsoft": the system browser, then IMAP and SMTP with XOAUTH2,
/// then saved. Also "sign in again" for the saved mailbox (`input` absent).
#[tauri::command]
pub async fn sign_in_mailbox(
    handle: AppHandle,
    shell: tauri::State<'_, Shell>,
    sign_ins: tauri::State<'_, SignIns>,
    input: Option<MailboxInput>,
    provider: Option<SignInProviderView>,
) -> Result<(), CommandError> {
    let vault = shell.vault()?;
    let data_dir = shell.data_dir();
    let browser = onboarding::system_browser;
    let sign_in = async {
        match (input, provider) {
            (Some(input), Some(provider)) => {
                onboarding::sign_in_mailbox(
                    &data_dir,
                    &vault,
                    &shell.mail_oauth,
                    &input,
                    provider,
                    browser,
                )
                .await
            }
            _ => {
                onboarding::sign_in_saved_mailbox(&data_dir, &vault, &shell.mail_oauth, browser)
                    .await
            }
        }
        .map_err(from_onboarding)
    };
    sign_ins.run(sign_in).await?;
    reconnect_mailbox(&handle, &shell).await
}

/// "Update mailbox password": tested, then it replaces the saved one.
#[tauri::command]
pub async fn update_mailbox_password(
    handle: AppHandle,
    shell: tauri::State<'_, Shell>,
    password: String,
) -> Result<(), CommandError> {
    let vault = shell.vault()?;
    onboarding::update_mailbox_password(&shell.data_dir(), &vault, &password)
        .await
        .map_err(from_onboarding)?;
    reconnect_mailbox(&handle, &shell).await
}

/// A running app connects the mailbox again with what was just saved.
async fn reconnect_mailbox(handle: &AppHandle, shell: &Shell) -> Result<(), CommandError> {
    shell.set_mailbox_problem(None);
    let Some(app) = shell.running_app() else {
        return Ok(());
    };
    let vault = shell.vault()?;
    let (data_dir, endpoints) = (shell.data_dir(), shell.endpoints.clone());
    let clients = shell.mail_oauth.clone();
    let setup = tauri::async_runtime::spawn_blocking(move || {
        onboarding::saved_setup(&data_dir, &vault, &endpoints, &clients)
    })
    .await
    .map_err(internal)?
    .map_err(from_onboarding)?;
    if let Some(account) = setup.and_then(|s| s.mail) {
        let handle = handle.clone();
        tauri::async_runtime::spawn(async move {
            state::connect_mailbox(&handle, &app, account).await;
        });
    }
    Ok(())
}

/// "Enter a new token": checked like at onboarding, swapped in, then the store starts again
/// on its local data with the new credentials.
#[tauri::command]
pub async fn replace_shop_credential(
    handle: AppHandle,
    shell: tauri::State<'_, Shell>,
    input: ShopConnectInput,
) -> Result<ShopCheckView, CommandError> {
    let vault = shell.vault()?;
    let view =
        onboarding::replace_shop_credential(&shell.data_dir(), &vault, &shell.endpoints, input)
            .await
            .map_err(from_onboarding)?;
    if let Some(app) = shell.take_app() {
        app.stop_shopify_sync().await;
        app.shutdown().await;
        drop(app);
    }
    start_saved_store(handle, shell).await?;
    Ok(view)
}

/// What is saved (no secret) and why the mailbox did not connect, if it did not.
#[tauri::command]
pub async fn saved_accounts(
    shell: tauri::State<'_, Shell>,
) -> Result<SavedAccountsView, CommandError> {
    let data_dir = shell.data_dir();
    let problem = shell.mailbox_problem();
    tauri::async_runtime::spawn_blocking(move || onboarding::saved_accounts(&data_dir, problem))
        .await
        .map_err(internal)?
        .map_err(from_onboarding)
}

/// Stops syncs and mail, deletes the store's data and keychain entries, back to onboarding.
#[tauri::command]
pub async fn forget_store(
    handle: AppHandle,
    shell: tauri::State<'_, Shell>,
) -> Result<(), CommandError> {
    if let Some(app) = shell.take_app() {
        app.stop_shopify_sync().await;
        app.shutdown().await;
        drop(app);
    }
    let vault = match shell.vault() {
        Ok(vault) => vault,
        // Nothing can be in a keychain that is not there; the data still goes.
        Err(_) => SecretVault::session_only(),
    };
    let data_dir = shell.data_dir();
    tauri::async_runtime::spawn_blocking(move || onboarding::forget_store(&data_dir, &vault))
        .await
        .map_err(internal)?
        .map_err(from_onboarding)?;
    shell.announce(&handle, AppStatus::Onboarding { demo: false });
    Ok(())
}

/// Leaves the demo for onboarding (the demo's folder stays; it is only the demo's).
#[tauri::command]
pub async fn leave_demo(
    handle: AppHandle,
    shell: tauri::State<'_, Shell>,
) -> Result<(), CommandError> {
    if let Some(app) = shell.take_app() {
        app.shutdown().await;
        drop::<Arc<_>>(app);
    }
    shell.announce(&handle, AppStatus::Onboarding { demo: false });
    Ok(())
}
