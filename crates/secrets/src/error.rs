//! What can go wrong with the keychain, worded for the person using the app.

use std::fmt;
use std::time::Duration;

/// An error from a [`crate::SecretStore`]. `Display` is a sentence for the user; no variant
/// ever holds a secret.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// No usable keychain: none running, locked, or not answering in time.
    #[error("Shopdesk cannot use the system keychain: {reason}. Shopdesk keeps passwords and tokens only there, so {WHAT_TO_DO}")]
    KeychainUnavailable {
        reason: UnavailableReason,
        /// The platform's own message, for the log.
        detail: Option<String>,
    },

    /// The caller allowed a plain-file store, which this version does not have.
    #[error("Shopdesk cannot use the system keychain ({reason}), and keeping credentials in a plain file is not available in this version: {WHAT_TO_DO}")]
    PlainFileNotAvailable { reason: UnavailableReason },

    /// The keychain refused the entry itself (a name too long, an invalid attribute).
    #[error("The system keychain refused the entry {account}: {detail}")]
    Rejected { account: String, detail: String },

    #[error("The system keychain holds {count} entries named {account}: delete them in your keychain app and enter the credential again")]
    Ambiguous { account: String, count: usize },

    #[error("The keychain entry {account} is not text: delete it in your keychain app and enter the credential again")]
    NotText { account: String },

    #[error("\"{owner}\" cannot name a {area} credential: use the shop's myshopify.com domain or the mailbox's e-mail address")]
    InvalidKey { area: String, owner: String },
}

impl SecretsError {
    /// True when the keychain as a whole is missing (as opposed to one bad entry).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            SecretsError::KeychainUnavailable { .. } | SecretsError::PlainFileNotAvailable { .. }
        )
    }
}

/// Why the keychain could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnavailableReason {
    /// No keychain service answers (on Linux: no D-Bus session, or no Secret Service on it).
    NoService,
    /// The keychain is there but locked, or access was denied.
    NoAccess,
    /// No answer within the deadline; a locked Secret Service waits for a password prompt.
    TimedOut(Duration),
    /// An earlier call to the keychain has not come back yet.
    StillWaiting,
}

impl fmt::Display for UnavailableReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnavailableReason::NoService => f.write_str("no keychain service is running"),
            UnavailableReason::NoAccess => f.write_str("the keychain is locked or refused access"),
            UnavailableReason::TimedOut(after) => write!(
                f,
                "the keychain did not answer within {:.1} s (it may be locked and waiting for its password)",
                after.as_secs_f64()
            ),
            UnavailableReason::StillWaiting => {
                f.write_str("an earlier request to the keychain is still waiting for an answer")
            }
        }
    }
}

#[cfg(target_os = "macos")]
const WHAT_TO_DO: &str = "unlock your login keychain (Keychain Access) and try again";
#[cfg(target_os = "windows")]
const WHAT_TO_DO: &str =
    "check that Windows Credential Manager is available to your user account and try again";
#[cfg(not(any(target_os = "macos", target_os = "windows")))]
const WHAT_TO_DO: &str = "start and unlock your desktop's keyring (GNOME Keyring, or KWallet with its Secret Service enabled) and try again";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unavailable_says_why_and_what_to_do() {
        let error = SecretsError::KeychainUnavailable {
            reason: UnavailableReason::TimedOut(Duration::from_millis(2500)),
            detail: None,
        };
        let text = error.to_string();
        assert!(text.contains("did not answer within 2.5 s"), "{text}");
        assert!(text.contains("try again"), "{text}");
        assert!(error.is_unavailable());
    }
}
