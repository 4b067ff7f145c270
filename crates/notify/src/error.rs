//! Typed errors and the "unavailable" reasons.

/// Why desktop notifications can't be shown here. Not an error: a machine without a
/// notification server (a headless box, some minimal desktops) simply gets none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unavailable {
    #[error("no notification server on the session bus")]
    NoNotificationServer,
    #[error("no D-Bus session bus")]
    NoSessionBus,
}

/// A failure of one notification. Never a reason to stop syncing mail: log it and go on.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// The server (or the bus) answered with an error. Holds only the error's name, such as
    /// "org.freedesktop.DBus.Error.NoReply": its detail text could echo what we sent.
    #[error("the notification server failed: {error_name}")]
    ServerFailed { error_name: String },
    #[error("could not start the notifier's background thread")]
    Thread(#[source] std::io::Error),
}

/// How a backend failed to show a notification.
#[derive(Debug)]
pub(crate) enum ShowError {
    Unavailable(Unavailable),
    /// The error's name only (see [`NotifyError::ServerFailed`]).
    Failed {
        error_name: String,
    },
}

impl ShowError {
    /// Classifies a notify-rust error by its text: notify-rust 4 exposes no error kind.
    pub(crate) fn from_message(message: &str) -> Self {
        // zbus: a method error prints "org.freedesktop.DBus.Error.ServiceUnknown: ...".
        const NO_SERVER: [&str; 2] = [
            "org.freedesktop.DBus.Error.ServiceUnknown",
            "org.freedesktop.DBus.Error.NameHasNoOwner",
        ];
        // zbus: the bus could not be reached, or its address makes no sense.
        const NO_BUS: [&str; 4] = [
            "failed to connect to",
            "I/O error",
            "address error",
            "D-Bus handshake failed",
        ];
        if NO_SERVER.iter().any(|marker| message.contains(marker)) {
            ShowError::Unavailable(Unavailable::NoNotificationServer)
        } else if NO_BUS.iter().any(|marker| message.starts_with(marker)) {
            ShowError::Unavailable(Unavailable::NoSessionBus)
        } else {
            ShowError::Failed {
                error_name: error_name(message),
            }
        }
    }
}

/// The text before the first ':', which is a D-Bus error name or zbus's error category.
fn error_name(message: &str) -> String {
    let name = message.split(':').next().unwrap_or_default().trim();
    if name.is_empty() || name.len() > 100 {
        "unknown D-Bus error".to_owned()
    } else {
        name.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unavailable(message: &str) -> Option<Unavailable> {
        match ShowError::from_message(message) {
            ShowError::Unavailable(reason) => Some(reason),
            ShowError::Failed { .. } => None,
        }
    }

    #[test]
    fn classifies_zbus_messages() {
        assert_eq!(
            unavailable("org.freedesktop.DBus.Error.ServiceUnknown: The name is not activatable"),
            Some(Unavailable::NoNotificationServer)
        );
        assert_eq!(
            unavailable("failed to connect to `unix:path=/nope`: No such file or directory"),
            Some(Unavailable::NoSessionBus)
        );
        assert_eq!(
            unavailable("address error: unsupported transport"),
            Some(Unavailable::NoSessionBus)
        );
        assert_eq!(unavailable("org.freedesktop.DBus.Error.NoReply: x"), None);
    }

    #[test]
    fn failures_keep_only_the_error_name() {
        match ShowError::from_message("org.example.Error.Rejected: summary 'Zoë Martin' refused") {
            ShowError::Failed { error_name } => {
                assert_eq!(error_name, "org.example.Error.Rejected")
            }
            other => panic!("expected a failure, got {other:?}"),
        }
    }
}
