//! What the shell keeps between commands: the launch options and the app layer once it is ready.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};
use ts_rs::TS;

use crate::error::{from_app, shell_error, CommandError};
use shopdesk_app::App;

/// The event the UI listens to; its payload is an [`AppStatus`].
pub const STATUS_EVENT: &str = "app-status";

/// How the app was asked to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The built-in simulator's demo store and the demo mailbox; no account needed.
    Demo,
}

/// Options read from the command line and the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    pub mode: Mode,
    /// `SHOPDESK_DATA_DIR`; when absent, Tauri's app data dir is used.
    pub data_dir: Option<PathBuf>,
}

impl Launch {
    /// `--demo` or `SHOPDESK_DEMO=1` ask for demo mode. It is also the default for now: the live
    /// mode (a real store and mailbox) is not wired into the shell yet.
    pub fn from_env(
        args: impl IntoIterator<Item = String>,
        var: impl Fn(&str) -> Option<String>,
    ) -> Self {
        let asked_demo = args.into_iter().any(|a| a == "--demo")
            || var("SHOPDESK_DEMO").is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
        if !asked_demo {
            tracing::info!("no live store configured yet: starting in demo mode");
        }
        let data_dir = var("SHOPDESK_DATA_DIR")
            .filter(|v| !v.trim().is_empty())
            .map(PathBuf::from);
        Self {
            mode: Mode::Demo,
            data_dir,
        }
    }
}

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
}

/// Managed Tauri state.
pub struct Shell {
    status: RwLock<AppStatus>,
    app: RwLock<Option<Arc<App>>>,
}

impl Shell {
    pub fn new() -> Self {
        Self {
            status: RwLock::new(AppStatus::Starting { demo: true }),
            app: RwLock::new(None),
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
            _ => shell_error(
                "starting",
                "Shopdesk is still loading your store. Try again in a moment.",
            ),
        })
    }
}

/// Starts the app layer in the background and emits [`STATUS_EVENT`] when it is ready or failed.
pub fn start(handle: AppHandle, mode: Mode, data_dir: PathBuf) {
    tauri::async_runtime::spawn(async move {
        let Mode::Demo = mode;
        tracing::info!(data_dir = %data_dir.display(), "starting demo mode");
        let started = std::time::Instant::now();
        let result = match std::fs::create_dir_all(&data_dir) {
            Ok(()) => App::start_demo(&data_dir).await.map_err(from_app),
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
                    "demo ready"
                );
                shell.set(AppStatus::Ready { demo: true }, Some(Arc::new(app)));
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

    fn launch(args: &[&str], vars: &[(&str, &str)]) -> Launch {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Launch::from_env(args.iter().map(|a| a.to_string()), |name| {
            vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn demo_is_the_default_and_the_data_dir_can_be_overridden() {
        assert_eq!(launch(&[], &[]).mode, Mode::Demo);
        assert_eq!(launch(&["--demo"], &[]).mode, Mode::Demo);
        assert_eq!(launch(&[], &[("SHOPDESK_DEMO", "1")]).mode, Mode::Demo);
        assert_eq!(launch(&[], &[]).data_dir, None);
        assert_eq!(launch(&[], &[("SHOPDESK_DATA_DIR", " ")]).data_dir, None);
        assert_eq!(
            launch(&[], &[("SHOPDESK_DATA_DIR", "/tmp/x")]).data_dir,
            Some(PathBuf::from("/tmp/x"))
        );
    }

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
