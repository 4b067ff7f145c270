//! Where onboarding keeps secrets: the OS keychain, or (only when the user chose it because
//! there is no keychain) memory for this session. Never a file.

use std::sync::Arc;
use std::time::Duration;

use shopdesk_secrets::{
    open_store, MemoryStore, Secret, SecretKey, SecretStore, SecretsError, StoreChoice,
};

/// The secret store onboarding and live mode use.
#[derive(Clone)]
pub struct SecretVault {
    store: Arc<dyn SecretStore>,
    session_only: bool,
}

/// How long the keychain may take to answer before it counts as unavailable.
pub const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(5);

impl SecretVault {
    /// The OS keychain, or why it cannot be used.
    pub fn keychain() -> Result<Self, SecretsError> {
        let store = open_store(StoreChoice::KeychainOnly, KEYCHAIN_TIMEOUT)?;
        Ok(Self::from_store(Arc::new(store)))
    }

    /// Secrets kept in memory until Shopdesk quits; the user re-enters them next time.
    pub fn session_only() -> Self {
        Self {
            store: Arc::new(MemoryStore::new()),
            session_only: true,
        }
    }

    /// Any store (tests use [`MemoryStore`] or a keychain on a private bus).
    pub fn from_store(store: Arc<dyn SecretStore>) -> Self {
        Self {
            store,
            session_only: false,
        }
    }

    pub fn is_session_only(&self) -> bool {
        self.session_only
    }

    /// The store itself, for a mailbox's OAuth2 sign-in (which keeps its refresh token there).
    pub fn store(&self) -> Arc<dyn SecretStore> {
        self.store.clone()
    }

    pub fn get(&self, key: &SecretKey) -> Result<Option<Secret>, SecretsError> {
        self.store.get(key)
    }

    pub fn set(&self, key: &SecretKey, secret: &Secret) -> Result<(), SecretsError> {
        self.store.set(key, secret)
    }

    pub fn delete(&self, key: &SecretKey) -> Result<bool, SecretsError> {
        self.store.delete(key)
    }
}
