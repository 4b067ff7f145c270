//! "Forget this store": its keychain entries and its database go; the app returns to
//! onboarding. The caller stops the running app (syncs, mail) first.

use std::path::Path;

use shopdesk_secrets::SecretKey;

use super::saved::open;
use super::{OnboardingError, SecretVault};

/// The files of the database (SQLite's WAL and shared-memory files included).
const DB_FILES: [&str; 3] = ["shopdesk.db", "shopdesk.db-wal", "shopdesk.db-shm"];

/// Deletes the saved store's and mailbox's secrets, then the database files in `data_dir`
/// (orders, customers, tickets, messages, outbox, settings: all of it). Secrets go first: if
/// the keychain fails, the settings that name them are still there to try again.
pub fn forget_store(data_dir: &Path, vault: &SecretVault) -> Result<(), OnboardingError> {
    if data_dir.join("shopdesk.db").exists() {
        let store = open(data_dir)?;
        let mut keys = Vec::new();
        if let Some(shop) = store.shop_account()? {
            keys.push(SecretKey::shopify_access_token(&shop.shop_domain)?);
            keys.push(SecretKey::shopify_client_secret(&shop.shop_domain)?);
            keys.push(SecretKey::shopify_refresh_token(&shop.shop_domain)?);
        }
        if let Some(mail) = store.mail_account_settings()? {
            keys.push(SecretKey::mail_password(&mail.address)?);
            keys.push(SecretKey::mail_oauth_refresh(&mail.address)?);
        }
        drop(store);
        for key in &keys {
            vault.delete(key)?;
        }
    }
    for file in DB_FILES {
        let path = data_dir.join(file);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(OnboardingError::DataDir {
                    path: path.display().to_string(),
                    source,
                })
            }
        }
    }
    tracing::info!("store forgotten: its data and secrets were deleted");
    Ok(())
}
