//! The OS keychain through the `keyring` crate, every call bounded by a deadline.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::deadline::{self, Outcome};
use crate::{Secret, SecretKey, SecretStore, SecretsError, UnavailableReason};

/// The service name every Shopdesk entry is stored under.
pub const SERVICE: &str = "Shopdesk";

/// Long enough for a keychain that is merely slow to start (first D-Bus connection, key
/// exchange), short enough that a locked one does not freeze a settings screen.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

/// The account of the entry [`KeyringStore::probe`] reads; it never exists.
const PROBE_ACCOUNT: &str = "shopdesk:probe";

/// The OS keychain: macOS Keychain, Windows Credential Manager, or the Secret Service (GNOME
/// Keyring, KWallet) on Linux, found through `DBUS_SESSION_BUS_ADDRESS`.
#[derive(Debug, Clone)]
pub struct KeyringStore {
    timeout: Duration,
    /// Calls past their deadline that have not returned; while any is, calls fail at once
    /// instead of piling up threads on a keychain that does not answer.
    stuck: Arc<AtomicUsize>,
}

impl Default for KeyringStore {
    fn default() -> Self {
        Self::with_timeout(DEFAULT_TIMEOUT)
    }
}

impl KeyringStore {
    pub fn with_timeout(timeout: Duration) -> Self {
        KeyringStore {
            timeout,
            stuck: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Checks that the keychain answers, by reading an entry that does not exist.
    pub fn probe(&self) -> Result<(), SecretsError> {
        self.call(PROBE_ACCOUNT, |entry| match entry.get_secret() {
            Ok(mut bytes) => {
                zeroize::Zeroize::zeroize(&mut bytes);
                Ok(())
            }
            Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(error),
        })
    }

    /// Runs `op` on a fresh entry on its own thread, within the deadline.
    fn call<T: Send + 'static>(
        &self,
        account: &str,
        op: impl FnOnce(&keyring::Entry) -> keyring::Result<T> + Send + 'static,
    ) -> Result<T, SecretsError> {
        if self.stuck.load(Ordering::SeqCst) > 0 {
            return Err(unavailable(UnavailableReason::StillWaiting, None));
        }
        let owned_account = account.to_string();
        let outcome = deadline::run(self.timeout, &self.stuck, move || {
            keyring::Entry::new(SERVICE, &owned_account).and_then(|entry| op(&entry))
        });
        match outcome {
            Outcome::Done(result) => result.map_err(|error| map_error(account, error)),
            Outcome::TimedOut => Err(unavailable(UnavailableReason::TimedOut(self.timeout), None)),
            Outcome::Failed(detail) => Err(unavailable(UnavailableReason::NoService, Some(detail))),
        }
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, key: &SecretKey) -> Result<Option<Secret>, SecretsError> {
        let bytes = self.call(key.account(), |entry| match entry.get_secret() {
            Ok(bytes) => Ok(Some(bytes)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(error),
        })?;
        match bytes {
            None => Ok(None),
            Some(bytes) => {
                Secret::from_bytes(bytes)
                    .map(Some)
                    .ok_or_else(|| SecretsError::NotText {
                        account: key.account().to_string(),
                    })
            }
        }
    }

    fn set(&self, key: &SecretKey, secret: &Secret) -> Result<(), SecretsError> {
        // The clone moves to the keychain thread and is zeroed when that thread drops it.
        let secret = secret.clone();
        self.call(key.account(), move |entry| {
            entry.set_secret(secret.expose().as_bytes())
        })
    }

    fn delete(&self, key: &SecretKey) -> Result<bool, SecretsError> {
        self.call(key.account(), |entry| match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(error) => Err(error),
        })
    }
}

fn unavailable(reason: UnavailableReason, detail: Option<String>) -> SecretsError {
    SecretsError::KeychainUnavailable { reason, detail }
}

fn map_error(account: &str, error: keyring::Error) -> SecretsError {
    let account = account.to_string();
    match error {
        keyring::Error::PlatformFailure(detail) => {
            unavailable(UnavailableReason::NoService, Some(detail.to_string()))
        }
        keyring::Error::NoStorageAccess(detail) => {
            unavailable(UnavailableReason::NoAccess, Some(detail.to_string()))
        }
        keyring::Error::BadEncoding(mut bytes) => {
            zeroize::Zeroize::zeroize(&mut bytes);
            SecretsError::NotText { account }
        }
        keyring::Error::TooLong(attribute, limit) => SecretsError::Rejected {
            account,
            detail: format!("its {attribute} is longer than {limit}"),
        },
        keyring::Error::Invalid(attribute, reason) => SecretsError::Rejected {
            account,
            detail: format!("its {attribute} {reason}"),
        },
        keyring::Error::Ambiguous(entries) => SecretsError::Ambiguous {
            account,
            count: entries.len(),
        },
        // Handled by each operation; here only if a backend reports it unexpectedly.
        keyring::Error::NoEntry => SecretsError::Rejected {
            account,
            detail: "the entry disappeared while it was being used".into(),
        },
        other => SecretsError::Rejected {
            account,
            detail: other.to_string(),
        },
    }
}
