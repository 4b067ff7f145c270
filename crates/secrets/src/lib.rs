//! Credentials in the OS keychain, never in SQLite, logs or config files.
//!
//! - [`Secret`]: a credential in memory; `Debug`/`Display` print `<redacted>`, its bytes are
//!   zeroed when dropped, and it has no serde impls so it cannot be written by accident.
//! - [`SecretKey`]: what a credential is for, turned into the keychain account name
//!   (`shopify:acme.myshopify.com:access-token`, `mail:help@acme.example:password`, ...).
//! - [`SecretStore`]: get/set/delete. [`KeyringStore`] is the OS keychain (macOS Keychain,
//!   Windows Credential Manager, the Secret Service on Linux) under the service name
//!   `Shopdesk`; [`MemoryStore`] is for tests.
//! - [`open_store`]: the keychain, or a typed error. There is no silent plain-text fallback:
//!   running without a keychain needs the caller's explicit [`StoreChoice::AllowPlainFile`],
//!   and even that is refused today ([`SecretsError::PlainFileNotAvailable`]).
//!
//! Every keychain call runs on its own thread with a deadline ([`KeyringStore::with_timeout`]):
//! a locked Secret Service can leave a call hanging for ~25 s, which must read as "no keychain"
//! quickly instead of freezing the app.

mod deadline;
mod error;
mod key;
mod keyring_store;
mod memory;
mod secret;

pub use error::{SecretsError, UnavailableReason};
pub use key::SecretKey;
pub use keyring_store::{KeyringStore, DEFAULT_TIMEOUT, SERVICE};
pub use memory::MemoryStore;
pub use secret::Secret;

/// Where credentials live. Implementations are shared between threads.
pub trait SecretStore: Send + Sync {
    /// The stored secret, or `None` when there is none for `key`.
    fn get(&self, key: &SecretKey) -> Result<Option<Secret>, SecretsError>;
    /// Stores `secret` for `key`, replacing any previous one.
    fn set(&self, key: &SecretKey, secret: &Secret) -> Result<(), SecretsError>;
    /// Removes the secret for `key`; `false` when there was none.
    fn delete(&self, key: &SecretKey) -> Result<bool, SecretsError>;
}

/// What the caller accepts when the keychain is unavailable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StoreChoice {
    /// Only the OS keychain (the default).
    #[default]
    KeychainOnly,
    /// The user explicitly agreed to keep credentials in a plain file when there is no
    /// keychain. Not implemented yet: asking for it is refused with a clear error.
    AllowPlainFile,
}

/// Opens the OS keychain and checks that it answers (one read, bounded by `timeout`).
///
/// A keychain that is unavailable gives [`SecretsError::KeychainUnavailable`], or with
/// [`StoreChoice::AllowPlainFile`] [`SecretsError::PlainFileNotAvailable`]; never a store that
/// quietly writes plain text. A keychain that is present but locked may pass this check (a
/// read of a missing entry does not need the unlock) and then time out on first use.
pub fn open_store(
    choice: StoreChoice,
    timeout: std::time::Duration,
) -> Result<KeyringStore, SecretsError> {
    let store = KeyringStore::with_timeout(timeout);
    match store.probe() {
        Ok(()) => Ok(store),
        Err(SecretsError::KeychainUnavailable { reason, .. })
            if choice == StoreChoice::AllowPlainFile =>
        {
            Err(SecretsError::PlainFileNotAvailable { reason })
        }
        Err(error) => Err(error),
    }
}
