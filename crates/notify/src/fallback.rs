//! Platforms without freedesktop notifications (macOS, Windows): plain notifications through
//! notify-rust, without click-to-open. Not built or tested on Linux.

use notify_rust::Notification;

use crate::backend::NotificationBackend;
use crate::click::ClickWatch;
use crate::content::NotificationContent;
use crate::error::ShowError;
use crate::APP_NAME;

#[derive(Default)]
pub(crate) struct DesktopBackend;

impl NotificationBackend for DesktopBackend {
    fn show(
        &self,
        content: &NotificationContent,
        _click: Option<ClickWatch>,
    ) -> Result<u32, ShowError> {
        Notification::new()
            .appname(APP_NAME)
            .summary(&content.title)
            .body(&content.body)
            .show()
            .map(|_| 0)
            .map_err(|error| ShowError::from_message(&error.to_string()))
    }
}
