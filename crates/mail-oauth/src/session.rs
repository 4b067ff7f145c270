//! One mailbox's signed-in state: the access token in memory, the refresh token in the
//! keychain, refreshed before expiry and once after a rejection.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use oauth2::RefreshToken;
use shopdesk_secrets::{Secret, SecretKey, SecretStore, SecretsError, UnavailableReason};
use tokio::sync::Mutex;

use crate::http::{client, http_client, token_error, token_set};
use crate::{OAuthError, Provider, TokenSet};

/// An access token this close to its expiry is refreshed before use, so it cannot expire
/// between the check and the login.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// The sign-in of one mailbox, shared (cheaply cloned) by its IMAP and SMTP connections.
#[derive(Clone)]
pub struct MailOAuth {
    inner: Arc<Inner>,
}

struct Inner {
    provider: Provider,
    account: String,
    store: Arc<dyn SecretStore>,
    margin_ms: AtomicU64,
    /// Held across a refresh, so two connections never both spend a single-use refresh token.
    current: Mutex<Option<TokenSet>>,
}

impl MailOAuth {
    /// The sign-in saved earlier for `account` (its refresh token is in `store`); the first
    /// [`MailOAuth::access_token`] refreshes.
    pub fn saved(provider: Provider, account: &str, store: Arc<dyn SecretStore>) -> MailOAuth {
        MailOAuth {
            inner: Arc::new(Inner {
                provider,
                account: account.to_string(),
                store,
                margin_ms: AtomicU64::new(DEFAULT_REFRESH_MARGIN.as_millis() as u64),
                current: Mutex::new(None),
            }),
        }
    }

    /// Keeps a fresh sign-in: saves its refresh token in `store` (the keychain) and uses its
    /// access token while it lasts.
    pub async fn signed_in(
        provider: Provider,
        account: &str,
        store: Arc<dyn SecretStore>,
        tokens: TokenSet,
    ) -> Result<MailOAuth, OAuthError> {
        let Some(refresh) = tokens.refresh_token.clone() else {
            return Err(OAuthError::NoRefreshToken {
                provider: provider.name.clone(),
            });
        };
        let session = MailOAuth::saved(provider, account, store);
        session.save_refresh_token(refresh).await?;
        *session.inner.current.lock().await = Some(tokens);
        Ok(session)
    }

    /// The same sign-in with another refresh margin (tests; a provider with short tokens).
    pub fn with_refresh_margin(self, margin: Duration) -> MailOAuth {
        self.inner
            .margin_ms
            .store(margin.as_millis() as u64, Ordering::Relaxed);
        self
    }

    fn margin(&self) -> Duration {
        Duration::from_millis(self.inner.margin_ms.load(Ordering::Relaxed))
    }

    pub fn provider(&self) -> &Provider {
        &self.inner.provider
    }

    pub fn account(&self) -> &str {
        &self.inner.account
    }

    /// An access token good for at least the refresh margin, refreshed if needed.
    pub async fn access_token(&self) -> Result<Secret, OAuthError> {
        let mut current = self.inner.current.lock().await;
        if let Some(tokens) = current.as_ref() {
            if tokens.is_fresh(self.margin()) {
                return Ok(tokens.access_token.clone());
            }
        }
        let tokens = self.refresh_locked(&mut current).await?;
        Ok(tokens.access_token.clone())
    }

    /// A server refused `rejected`: a new access token, unless another connection already got
    /// one since. A refresh token the provider refuses gives [`OAuthError::SignInRefused`].
    pub async fn refresh_after_rejection(&self, rejected: &Secret) -> Result<Secret, OAuthError> {
        let mut current = self.inner.current.lock().await;
        if let Some(tokens) = current.as_ref() {
            if tokens.access_token.expose() != rejected.expose() && tokens.is_fresh(self.margin()) {
                return Ok(tokens.access_token.clone());
            }
        }
        let tokens = self.refresh_locked(&mut current).await?;
        Ok(tokens.access_token.clone())
    }

    /// Signs out on this computer: forgets the tokens and deletes the saved refresh token.
    pub async fn forget(&self) -> Result<(), OAuthError> {
        *self.inner.current.lock().await = None;
        let (store, key) = (self.inner.store.clone(), self.key()?);
        blocking(move || store.delete(&key)).await?;
        Ok(())
    }

    async fn refresh_locked<'a>(
        &self,
        current: &'a mut Option<TokenSet>,
    ) -> Result<&'a TokenSet, OAuthError> {
        let inner = &self.inner;
        let (store, key) = (inner.store.clone(), self.key()?);
        let Some(refresh) = blocking(move || store.get(&key)).await? else {
            return Err(OAuthError::NotSignedIn {
                provider: inner.provider.name.clone(),
                account: inner.account.clone(),
            });
        };
        let client = client(&inner.provider, None)?;
        let http = http_client(&inner.provider)?;
        let refresh_token = RefreshToken::new(refresh.expose().to_string());
        let response = client
            .exchange_refresh_token(&refresh_token)
            .request_async(&http)
            .await
            .map_err(|error| token_error(&inner.provider, &inner.account, error));
        let response = match response {
            Ok(response) => response,
            Err(error) => {
                *current = None;
                return Err(error);
            }
        };
        let mut tokens = token_set(&response);
        match tokens.refresh_token.clone() {
            // Rotated: the old one is spent, so the new one must be saved before it is used.
            Some(rotated) => self.save_refresh_token(rotated).await?,
            None => tokens.refresh_token = Some(refresh),
        }
        tracing::debug!(account = %inner.account, provider = %inner.provider.name, "access token refreshed");
        Ok(current.insert(tokens))
    }

    async fn save_refresh_token(&self, token: Secret) -> Result<(), OAuthError> {
        let (store, key) = (self.inner.store.clone(), self.key()?);
        blocking(move || store.set(&key, &token)).await?;
        Ok(())
    }

    fn key(&self) -> Result<SecretKey, OAuthError> {
        Ok(SecretKey::mail_oauth_refresh(&self.inner.account)?)
    }
}

impl fmt::Debug for MailOAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailOAuth")
            .field("provider", &self.inner.provider.name)
            .field("account", &self.inner.account)
            .finish_non_exhaustive()
    }
}

/// Keychain calls block (up to their deadline): keep them off the async workers.
async fn blocking<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, SecretsError> + Send + 'static,
) -> Result<T, OAuthError> {
    match tokio::task::spawn_blocking(call).await {
        Ok(result) => Ok(result?),
        Err(join) => Err(OAuthError::Keychain(SecretsError::KeychainUnavailable {
            reason: UnavailableReason::NoService,
            detail: Some(join.to_string()),
        })),
    }
}
