//! An in-memory store for tests (never for the app: it forgets everything on exit).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use crate::{Secret, SecretKey, SecretStore, SecretsError, UnavailableReason};

#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<SecretKey, Secret>>,
    /// When set, every call fails like a missing keychain.
    unavailable: Option<UnavailableReason>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// A store that behaves like a machine without a keychain.
    pub fn unavailable(reason: UnavailableReason) -> Self {
        MemoryStore {
            unavailable: Some(reason),
            ..Self::default()
        }
    }

    pub fn len(&self) -> usize {
        self.entries().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<SecretKey, Secret>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn check(&self) -> Result<(), SecretsError> {
        match self.unavailable {
            Some(reason) => Err(SecretsError::KeychainUnavailable {
                reason,
                detail: None,
            }),
            None => Ok(()),
        }
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &SecretKey) -> Result<Option<Secret>, SecretsError> {
        self.check()?;
        Ok(self.entries().get(key).cloned())
    }

    fn set(&self, key: &SecretKey, secret: &Secret) -> Result<(), SecretsError> {
        self.check()?;
        self.entries().insert(key.clone(), secret.clone());
        Ok(())
    }

    fn delete(&self, key: &SecretKey) -> Result<bool, SecretsError> {
        self.check()?;
        Ok(self.entries().remove(key).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_get_delete() {
        let store = MemoryStore::new();
        let key = SecretKey::mail_password("help@acme.example").unwrap();
        assert!(store.get(&key).unwrap().is_none());
        store.set(&key, &Secret::new("pw1")).unwrap();
        store.set(&key, &Secret::new("pw2")).unwrap();
        assert_eq!(store.get(&key).unwrap().unwrap().expose(), "pw2");
        assert!(store.delete(&key).unwrap());
        assert!(!store.delete(&key).unwrap());
        assert!(store.is_empty());
    }

    #[test]
    fn an_unavailable_store_fails_every_call() {
        let store = MemoryStore::unavailable(UnavailableReason::NoService);
        let key = SecretKey::mail_password("help@acme.example").unwrap();
        assert!(store.get(&key).unwrap_err().is_unavailable());
        assert!(store
            .set(&key, &Secret::new("pw"))
            .unwrap_err()
            .is_unavailable());
    }
}
