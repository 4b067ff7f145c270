//! The seam between the notifier's policy and the platform's notification service.

use crate::click::ClickWatch;
use crate::content::NotificationContent;
use crate::error::ShowError;

pub(crate) trait NotificationBackend: Send + Sync + 'static {
    /// Shows one notification and returns the server's id for it. With a `click` watch, a click
    /// on the notification calls its callback, from a background thread; a backend that can't
    /// watch drops it.
    fn show(
        &self,
        content: &NotificationContent,
        click: Option<ClickWatch>,
    ) -> Result<u32, ShowError>;
}
