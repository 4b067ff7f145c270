//! The error every command returns to the UI: `{ kind, message }`, the message one sentence for
//! the user. App-layer errors keep the kind and message the app layer gives them; the shell adds
//! the few cases only it knows about (still starting, start failed, internal).

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CommandError {
    /// A stable machine-readable tag ("starting", "ticketNotFound", ...).
    pub kind: String,
    /// What happened and what to do, for the person at the keyboard.
    pub message: String,
}

/// An error the shell itself raises, before or around the app layer.
pub fn shell_error(kind: &str, message: impl Into<String>) -> CommandError {
    CommandError {
        kind: kind.to_string(),
        message: message.into(),
    }
}

/// An app-layer error as the UI sees it: the app layer serializes its errors as
/// `{ kind, message }`; that form is kept, and the Display sentence is the fallback.
pub fn from_app(err: shopdesk_app::AppError) -> CommandError {
    let wire = serde_json::to_value(&err).ok();
    let field = |name: &str| {
        wire.as_ref()
            .and_then(|v| v.get(name))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    CommandError {
        kind: field("kind").unwrap_or_else(|| "app".to_string()),
        message: field("message").unwrap_or_else(|| err.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_errors_keep_their_kind_and_sentence() {
        let err = shopdesk_app::AppError::TicketNotFound(42);
        let sentence = err.to_string();
        let converted = from_app(err);
        assert_eq!(converted.kind, "ticketNotFound");
        assert_eq!(converted.message, sentence);
    }

    #[test]
    fn serializes_as_kind_and_message() {
        let json = serde_json::to_value(shell_error("starting", "Wait.")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "starting", "message": "Wait."})
        );
    }
}
