//! The freedesktop (D-Bus) backend, through notify-rust and its pure-Rust zbus client.

use std::sync::{Mutex, PoisonError};
use std::thread;

use futures_lite::future;
use notify_rust::{Hint, Notification, NotificationHandle, NotificationResponse};

use crate::backend::NotificationBackend;
use crate::click::ClickWatch;
use crate::content::NotificationContent;
use crate::error::ShowError;
use crate::text::escape_body_markup;
use crate::{APP_NAME, CATEGORY, DEFAULT_ACTION, DESKTOP_ENTRY, OPEN_ACTION_LABEL};

/// What the server said it can do, asked once and kept until a show fails.
#[derive(Debug, Clone, Copy)]
struct ServerCapabilities {
    actions: bool,
    body_markup: bool,
}

#[derive(Default)]
pub(crate) struct DesktopBackend {
    capabilities: Mutex<Option<ServerCapabilities>>,
}

impl NotificationBackend for DesktopBackend {
    fn show(
        &self,
        content: &NotificationContent,
        click: Option<ClickWatch>,
    ) -> Result<u32, ShowError> {
        let capabilities = self.capabilities()?;
        let body = if capabilities.body_markup {
            escape_body_markup(&content.body)
        } else {
            content.body.clone()
        };

        let mut notification = Notification::new();
        notification
            .appname(APP_NAME)
            .summary(&content.title)
            .body(&body)
            .hint(Hint::Category(CATEGORY.to_owned()))
            .hint(Hint::DesktopEntry(DESKTOP_ENTRY.to_owned()));
        // A server without actions would never report a click: don't wait for one.
        let click = click.filter(|_| capabilities.actions);
        if click.is_some() {
            // "default" is the action a click on the notification itself invokes.
            notification.action(DEFAULT_ACTION, OPEN_ACTION_LABEL);
        }

        let handle = notification.show().map_err(|error| {
            self.forget_capabilities();
            ShowError::from_message(&error.to_string())
        })?;
        let id = handle.id();
        if let Some(click) = click {
            watch_for_click(handle, click);
        }
        Ok(id)
    }
}

impl DesktopBackend {
    fn capabilities(&self) -> Result<ServerCapabilities, ShowError> {
        if let Some(known) = *self.lock_capabilities() {
            return Ok(known);
        }
        let names = notify_rust::get_capabilities()
            .map_err(|error| ShowError::from_message(&error.to_string()))?;
        let known = ServerCapabilities {
            actions: names.iter().any(|name| name == "actions"),
            body_markup: names.iter().any(|name| name == "body-markup"),
        };
        *self.lock_capabilities() = Some(known);
        Ok(known)
    }

    fn forget_capabilities(&self) {
        *self.lock_capabilities() = None;
    }

    fn lock_capabilities(&self) -> std::sync::MutexGuard<'_, Option<ServerCapabilities>> {
        self.capabilities
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// Waits on a thread of its own until the notification is clicked or closed, or the watch is
/// stopped; a stopped watch closes its notification.
fn watch_for_click(handle: NotificationHandle, watch: ClickWatch) {
    let ClickWatch {
        on_click,
        stop,
        finished_on_drop,
    } = watch;
    let id = handle.id();
    let spawned = thread::Builder::new()
        .name("notify-click-watch".to_owned())
        .spawn(move || {
            let _finished = finished_on_drop;
            let clicked = handle.wait_for_action_async(move |response| {
                if matches!(response, NotificationResponse::Default) {
                    on_click();
                }
            });
            let stopped = async {
                stop.stopped().await;
                handle.close_async().await;
            };
            future::block_on(future::or(clicked, stopped));
        });
    if let Err(error) = spawned {
        tracing::warn!(notification_id = id, %error, "no thread to watch a notification for clicks");
    }
}
