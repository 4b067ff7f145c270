//! What can go wrong while connecting, each a sentence that says what to do.

use serde::Serialize;
use shopdesk_mailbox::autoconfig::ProbeError;
use shopdesk_secrets::SecretsError;

use crate::error::IpcError;

#[derive(Debug, thiserror::Error)]
pub enum OnboardingError {
    #[error("\"{input}\" is not a Shopify store address: enter the store's myshopify.com domain (like acme.myshopify.com) or paste the address of its admin (admin.shopify.com/store/acme). Shopify admin shows it under Settings → Domains.")]
    ShopDomain { input: String },
    #[error("{what} is empty: paste it from your app's settings, then check again.")]
    Missing { what: &'static str },
    /// Shopify's answer (refused token, unreachable, ...), already a sentence.
    #[error("{message}")]
    Shop { kind: &'static str, message: String },
    #[error("These credentials belong to {actual}, not {entered}: check the store address, or use the credentials of {entered}'s app.")]
    WrongShop { entered: String, actual: String },
    #[error("The app cannot read orders on {shop} (it lacks the read_orders scope), so Shopdesk cannot work with it: add read_orders to the app's access scopes, then check again.")]
    CannotReadOrders { shop: String },
    #[error("\"{input}\" is not an e-mail address: enter the support mailbox's address, like help@acme.com.")]
    MailAddress { input: String },
    #[error("{0} Nothing was saved.")]
    Mailbox(#[source] Box<ProbeError>),
    #[error("{0}")]
    Keychain(#[from] SecretsError),
    #[error(
        "The local database failed: {0}. Restart Shopdesk; if this keeps happening, report it."
    )]
    Store(#[from] shopdesk_store::StoreError),
    #[error("Shopdesk could not change its data folder {path}: {source}. Check that you may write to it.")]
    DataDir {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("No store is saved: connect your store first.")]
    NoStore,
    #[error("No support mailbox is saved: connect the mailbox first.")]
    NoMailbox,
    #[error("Shopdesk is connected to {saved}, but these credentials are for {entered}: enter the credentials of {saved}, or forget this store to connect another one.")]
    OtherStore { saved: String, entered: String },
    /// The browser sign-in failed; the sentence says what to do.
    #[error("{0}. Nothing was saved.")]
    MailSignIn(#[source] shopdesk_mailbox::oauth::OAuthError),
    #[error("Sign in with {provider} is not set up in this build of Shopdesk (it was built without {setting}): use a password or app password instead.")]
    SignInNotConfigured {
        provider: &'static str,
        setting: &'static str,
    },
}

impl OnboardingError {
    pub fn kind(&self) -> &'static str {
        match self {
            OnboardingError::ShopDomain { .. } => "shopDomain",
            OnboardingError::Missing { .. } => "missing",
            OnboardingError::Shop { kind, .. } => kind,
            OnboardingError::WrongShop { .. } => "wrongShop",
            OnboardingError::CannotReadOrders { .. } => "cannotReadOrders",
            OnboardingError::MailAddress { .. } => "mailAddress",
            OnboardingError::Mailbox(e) if e.needs_sign_in() => "signInAgain",
            OnboardingError::Mailbox(_) => "mailbox",
            OnboardingError::MailSignIn(e)
                if e.needs_sign_in()
                    || matches!(e, shopdesk_mailbox::oauth::OAuthError::Denied { .. }) =>
            {
                "signInAgain"
            }
            OnboardingError::MailSignIn(_) => "mailSignIn",
            OnboardingError::SignInNotConfigured { .. } => "signInNotConfigured",
            OnboardingError::OtherStore { .. } => "otherStore",
            OnboardingError::NoMailbox => "noMailbox",
            OnboardingError::Keychain(e) if e.is_unavailable() => "keychainUnavailable",
            OnboardingError::Keychain(_) => "keychain",
            OnboardingError::Store(_) => "store",
            OnboardingError::DataDir { .. } => "dataDir",
            OnboardingError::NoStore => "noStore",
        }
    }
}

impl From<ProbeError> for OnboardingError {
    fn from(e: ProbeError) -> Self {
        OnboardingError::Mailbox(Box::new(e))
    }
}

impl From<&OnboardingError> for IpcError {
    fn from(e: &OnboardingError) -> Self {
        IpcError {
            kind: e.kind().to_string(),
            message: e.to_string(),
        }
    }
}

impl Serialize for OnboardingError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        IpcError::from(self).serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shopdesk_secrets::UnavailableReason;

    #[test]
    fn no_keychain_has_its_own_kind_so_the_ui_can_offer_the_session_choice() {
        let error = OnboardingError::from(SecretsError::KeychainUnavailable {
            reason: UnavailableReason::NoService,
            detail: None,
        });
        assert_eq!(error.kind(), "keychainUnavailable");
        let wire = serde_json::to_value(&error).unwrap();
        assert_eq!(wire["kind"], "keychainUnavailable");
        assert!(wire["message"].as_str().unwrap().starts_with(
            "Shopdesk cannot use the system keychain: no keychain service is running"
        ));
    }
}
