//! What the shell keeps between commands: the launch options and the app layer once it is ready.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};
use ts_rs::TS;

use crate::error::{from_app, shell_error, CommandError};
use crate::events::ShellEvents;
use shopdesk_app::onboarding::{
    saved_setup, LiveSetup, MailOAuthClients, SecretVault, ShopEndpoints,
};

pub use crate::launch::{Launch, Mode};
use shopdesk_app::{App, AppEvents};

/// The event the UI listens to; its payload is an [`AppStatus`].
pub const STATUS_EVENT: &str = "app-status";

/// Where the app layer is in its start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "state")]
#[ts(export)]
pub enum AppStatus {
    /// Still starting (in demo mode: seeding the simulator, syncing, ingesting the mailbox).
    Starting { demo: bool },
    /// Ready: commands answer from local data.
    Ready { demo: bool },
    /// The start failed; `message` says why, for the user.
    Failed { demo: bool, message: String },
    /// No store is connected: the UI shows onboarding (`onboarding_state` says more).
    Onboarding { demo: bool },
}

/// Managed Tauri state.
pub struct Shell {
    status: RwLock<AppStatus>,
    app: RwLock<Option<Arc<App>>>,
    /// Where secrets go: the keychain, or (after the user chose it) this session's memory.
    vault: RwLock<Option<SecretVault>>,
    /// Why the keychain cannot be used, for onboarding to say.
    keychain_problem: RwLock<Option<String>>,
    pub(crate) data_dir: RwLock<PathBuf>,
    pub(crate) endpoints: ShopEndpoints,
    pub(crate) mail_oauth: MailOAuthClients,
    /// Why the saved mailbox did not connect at the last start (for "sign in again" and
    /// "update mailbox password").
    mailbox_problem: RwLock<Option<String>>,
}

impl Shell {
    #[cfg(test)]
    pub fn new() -> Self {
        Self::with_endpoints(ShopEndpoints::shopify())
    }

    /// The shell for these launch options.
    pub fn for_launch(launch: &Launch) -> Self {
        Self {
            mail_oauth: launch.mail_oauth_clients(),
            ..Self::with_endpoints(launch.endpoints())
        }
    }

    pub fn with_endpoints(endpoints: ShopEndpoints) -> Self {
        Self {
            mail_oauth: MailOAuthClients::from_build(),
            mailbox_problem: RwLock::new(None),
            status: RwLock::new(AppStatus::Starting { demo: true }),
            app: RwLock::new(None),
            vault: RwLock::new(None),
            keychain_problem: RwLock::new(None),
            data_dir: RwLock::new(PathBuf::new()),
            endpoints,
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.data_dir
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The secret store, or the keychain's problem as an error the UI offers a choice for.
    pub fn vault(&self) -> Result<SecretVault, CommandError> {
        if let Some(vault) = self
            .vault
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            return Ok(vault.clone());
        }
        Err(shell_error(
            "keychainUnavailable",
            self.keychain_problem()
                .unwrap_or_else(|| "Shopdesk cannot use the system keychain.".to_string()),
        ))
    }

    pub fn keychain_problem(&self) -> Option<String> {
        self.keychain_problem
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn set_vault(&self, vault: SecretVault) {
        *self.vault.write().unwrap_or_else(|p| p.into_inner()) = Some(vault);
    }

    /// Opens the keychain once; remembers why not, for onboarding.
    fn open_keychain(&self) {
        match SecretVault::keychain() {
            Ok(vault) => self.set_vault(vault),
            Err(error) => {
                tracing::warn!(%error, "no keychain");
                *self
                    .keychain_problem
                    .write()
                    .unwrap_or_else(|p| p.into_inner()) = Some(error.to_string());
            }
        }
    }

    pub fn mailbox_problem(&self) -> Option<String> {
        self.mailbox_problem
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn set_mailbox_problem(&self, problem: Option<String>) {
        *self
            .mailbox_problem
            .write()
            .unwrap_or_else(|p| p.into_inner()) = problem;
    }

    /// The running app, if any (no error while starting).
    pub fn running_app(&self) -> Option<Arc<App>> {
        self.app.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Takes the running app away (forget, switching modes).
    pub fn take_app(&self) -> Option<Arc<App>> {
        self.app.write().unwrap_or_else(|p| p.into_inner()).take()
    }

    /// Sets the status and tells the window.
    pub fn announce(&self, handle: &AppHandle, status: AppStatus) {
        *self.status.write().unwrap_or_else(|p| p.into_inner()) = status;
        if let Err(err) = handle.emit(STATUS_EVENT, self.status()) {
            tracing::warn!(%err, "could not tell the window the app status");
        }
    }

    pub fn status(&self) -> AppStatus {
        self.status
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    fn set(&self, status: AppStatus, app: Option<Arc<App>>) {
        if let Some(app) = app {
            *self.app.write().unwrap_or_else(|p| p.into_inner()) = Some(app);
        }
        *self.status.write().unwrap_or_else(|p| p.into_inner()) = status;
    }

    /// The app layer, or an error the UI can show while it is still starting.
    pub fn app(&self) -> Result<Arc<App>, CommandError> {
        if let Some(app) = self.app.read().unwrap_or_else(|p| p.into_inner()).as_ref() {
            return Ok(Arc::clone(app));
        }
        Err(match self.status() {
            AppStatus::Failed { message, .. } => shell_error("startFailed", message),
            AppStatus::Onboarding { .. } => shell_error(
                "onboarding",
                "No store is connected yet: connect your store or try the demo store first.",
            ),
            _ => shell_error(
                "starting",
                "Shopdesk is still loading your store. Try again in a moment.",
            ),
        })
    }
}

/// Picks what to run: the demo when asked; else the saved store (settings in SQLite, secret in
/// the keychain); else onboarding.
pub fn launch(handle: AppHandle, mode: Mode, data_dir: PathBuf) {
    let shell = handle.state::<Shell>();
    *shell.data_dir.write().unwrap_or_else(|p| p.into_inner()) = data_dir.clone();
    if mode == Mode::Demo {
        start(handle, data_dir);
        return;
    }
    let handle_for_task = handle.clone();
    tauri::async_runtime::spawn(async move {
        let shell = handle_for_task.state::<Shell>();
        // The keychain may be slow to answer (or locked): not on the main thread.
        let endpoints = shell.endpoints.clone();
        let found = tauri::async_runtime::spawn_blocking(move || {
            let shell = handle.state::<Shell>();
            shell.open_keychain();
            match shell.vault() {
                Ok(vault) => saved_setup(&data_dir, &vault, &endpoints, &shell.mail_oauth),
                Err(_) => Ok(None),
            }
        })
        .await;
        match found {
            Ok(Ok(Some(setup))) => start_live(handle_for_task.clone(), setup),
            Ok(Ok(None)) => shell.announce(&handle_for_task, AppStatus::Onboarding { demo: false }),
            Ok(Err(error)) => shell.announce(
                &handle_for_task,
                AppStatus::Failed {
                    demo: false,
                    message: error.to_string(),
                },
            ),
            Err(error) => shell.announce(
                &handle_for_task,
                AppStatus::Failed {
                    demo: false,
                    message: format!("Shopdesk hit an internal error: {error}."),
                },
            ),
        }
    });
}

/// The event with the first Shopify sync's progress (payload: `ShopSyncProgressView`).
pub const SHOP_SYNC_PROGRESS_EVENT: &str = "shop-sync-progress";

/// Starts the saved store: the first sync (progress to the window), then the inbox; the
/// mailbox connects and the background sync starts once the inbox shows.
pub fn start_live(handle: AppHandle, setup: LiveSetup) {
    tauri::async_runtime::spawn(async move {
        let shell = handle.state::<Shell>();
        shell.announce(&handle, AppStatus::Starting { demo: false });
        let data_dir = shell.data_dir();
        tracing::info!(shop = %setup.shop_domain, "starting live mode");
        let progress_handle = handle.clone();
        let started = App::start_live(&data_dir, &setup, move |progress| {
            let _ = progress_handle.emit(SHOP_SYNC_PROGRESS_EVENT, progress);
        })
        .await;
        let app = match started {
            Ok(app) => Arc::new(app),
            Err(error) => {
                tracing::error!(%error, "live start failed");
                let message = from_app(error).message;
                shell.announce(
                    &handle,
                    AppStatus::Failed {
                        demo: false,
                        message,
                    },
                );
                return;
            }
        };
        let events: Arc<dyn AppEvents> = Arc::new(ShellEvents::new(handle.clone()));
        app.set_sync_events(Arc::clone(&events));
        *shell.app.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::clone(&app));
        shell.announce(&handle, AppStatus::Ready { demo: false });
        if let Err(error) = app.keep_live_store_synced().await {
            tracing::warn!(%error, "background sync did not start");
        }
        if let Some(account) = setup.mail {
            connect_mailbox(&handle, &app, account).await;
        }
    });
}

/// Connects the mailbox of the running app; a failure is kept for the store menu
/// ("sign in again", "update mailbox password").
pub async fn connect_mailbox(
    handle: &AppHandle,
    app: &Arc<App>,
    account: shopdesk_app::onboarding::MailAccount,
) {
    let shell = handle.state::<Shell>();
    let events: Arc<dyn AppEvents> = Arc::new(ShellEvents::new(handle.clone()));
    match app.connect_mailbox(account, events).await {
        Ok(_) => shell.set_mailbox_problem(None),
        Err(error) => {
            tracing::warn!(%error, "mailbox not connected");
            shell.set_mailbox_problem(Some(from_app(error).message));
        }
    }
}

/// Starts the demo like a live store: the window has the app as soon as the simulated shop
/// runs (ready at once, an empty inbox), the first copy's progress reaches the header as
/// `sync-status` events, and `tickets-changed` brings the demo mailbox once the copy is made.
/// Emits [`STATUS_EVENT`] when ready or failed.
pub fn start(handle: AppHandle, data_dir: PathBuf) {
    tauri::async_runtime::spawn(async move {
        handle
            .state::<Shell>()
            .announce(&handle, AppStatus::Starting { demo: true });
        tracing::info!(data_dir = %data_dir.display(), "starting demo mode");
        let started = std::time::Instant::now();
        let events: Arc<dyn AppEvents> = Arc::new(ShellEvents::new(handle.clone()));
        let result = match std::fs::create_dir_all(&data_dir) {
            Ok(()) => App::launch_demo(&data_dir, events).await.map_err(from_app),
            Err(err) => Err(shell_error(
                "dataDir",
                format!(
                    "Shopdesk could not create its data folder {}: {err}.",
                    data_dir.display()
                ),
            )),
        };
        let shell = handle.state::<Shell>();
        match result {
            Ok(app) => {
                tracing::info!(
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "demo running; its first copy continues in the background"
                );
                shell.set(AppStatus::Ready { demo: true }, Some(app));
            }
            Err(err) => {
                tracing::error!(error = %err.message, "demo start failed");
                shell.set(
                    AppStatus::Failed {
                        demo: true,
                        message: err.message,
                    },
                    None,
                );
            }
        }
        if let Err(err) = handle.emit(STATUS_EVENT, shell.status()) {
            tracing::warn!(%err, "could not tell the window the app status");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_serializes_with_a_state_tag() {
        let json = serde_json::to_value(AppStatus::Failed {
            demo: true,
            message: "No.".into(),
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"state": "failed", "demo": true, "message": "No."})
        );
    }

    #[test]
    fn commands_refuse_politely_while_starting() {
        let shell = Shell::new();
        let err = shell.app().err().expect("not ready yet");
        assert_eq!(err.kind, "starting");
        assert!(err.message.contains("still loading"), "{}", err.message);
    }
}
