//! Credentials and access tokens: a fixed token, or tokens minted with the client
//! credentials grant (`POST /admin/oauth/access_token`) at first use and again ~5 minutes
//! before they expire, or when Shopify answers 401 to one.
//!
//! Tokens and secrets stay in [`Secret`]s: they print as `<redacted>` and are never logged.

use std::time::{Duration, Instant};

use reqwest::header::HeaderValue;
use reqwest::StatusCode;
use serde::Deserialize;
use shopdesk_secrets::Secret;
use tokio::sync::Mutex;

use crate::error::TransportKind;
use crate::ShopifyError;

mod refresh;

pub use refresh::{refresh_offline_token, RotatedTokens};

/// How the client gets its access token.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// A token that does not expire (a legacy custom app's `shpat_`).
    AccessToken(Secret),
    /// A Dev Dashboard app of the store's own organization: tokens are minted (~24 h each).
    ClientCredentials {
        client_id: String,
        client_secret: Secret,
    },
}

impl From<Secret> for Credentials {
    fn from(token: Secret) -> Self {
        Credentials::AccessToken(token)
    }
}

impl From<String> for Credentials {
    fn from(token: String) -> Self {
        Credentials::AccessToken(Secret::from(token))
    }
}

impl From<&str> for Credentials {
    fn from(token: &str) -> Self {
        Credentials::AccessToken(Secret::new(token))
    }
}

/// Mint again this long before a token expires, so that no request carries one that runs out
/// on the way.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// Where the client's requests get their token.
pub(crate) struct TokenSource {
    credentials: Credentials,
    token_url: String,
    shop: String,
    http: reqwest::Client,
    minted: Mutex<Option<Minted>>,
}

struct Minted {
    token: Secret,
    /// When to mint the next one (expiry minus [`REFRESH_MARGIN`]).
    renew_at: Option<Instant>,
    expires_at: Option<Instant>,
}

impl TokenSource {
    pub(crate) fn new(
        credentials: Credentials,
        token_url: String,
        shop: String,
        http: reqwest::Client,
    ) -> Result<Self, ShopifyError> {
        if let Credentials::AccessToken(token) = &credentials {
            // A token that cannot be an HTTP header can never be accepted: fail now.
            header_value(token, &shop)?;
        }
        Ok(TokenSource {
            credentials,
            token_url,
            shop,
            http,
            minted: Mutex::new(None),
        })
    }

    /// The token for the next request, minting one first if needed.
    pub(crate) async fn token(&self) -> Result<Secret, ShopifyError> {
        let (client_id, client_secret) = match &self.credentials {
            Credentials::AccessToken(token) => return Ok(token.clone()),
            Credentials::ClientCredentials {
                client_id,
                client_secret,
            } => (client_id, client_secret),
        };
        // Held across the mint: concurrent requests wait for one token instead of each
        // minting their own.
        let mut minted = self.minted.lock().await;
        if let Some(current) = minted.as_ref() {
            if current.renew_at.is_none_or(|at| Instant::now() < at) {
                return Ok(current.token.clone());
            }
            tracing::debug!(shop = %self.shop, "access token about to expire, minting a new one");
        }
        let fresh = match self.mint(client_id, client_secret).await {
            Ok(fresh) => fresh,
            // Renewal is early on purpose: a hiccup of the token endpoint can wait while the
            // current token still has its last minutes.
            Err(error) => match minted.as_ref() {
                Some(current) if current.expires_at.is_none_or(|at| Instant::now() < at) => {
                    tracing::warn!(shop = %self.shop, %error, "could not renew the access token yet");
                    return Ok(current.token.clone());
                }
                _ => return Err(error),
            },
        };
        let token = fresh.token.clone();
        *minted = Some(fresh);
        Ok(token)
    }

    /// After a 401 with `used`: forgets it, so that the next [`token`](Self::token) mints
    /// anew. `false` when there is nothing to mint with (a fixed token).
    pub(crate) async fn discard(&self, used: &Secret) -> bool {
        if matches!(self.credentials, Credentials::AccessToken(_)) {
            return false;
        }
        let mut minted = self.minted.lock().await;
        // Another request may have replaced it already; keep that newer one.
        if minted
            .as_ref()
            .is_some_and(|m| m.token.expose() == used.expose())
        {
            *minted = None;
        }
        true
    }

    async fn mint(&self, client_id: &str, client_secret: &Secret) -> Result<Minted, ShopifyError> {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", client_secret.expose()),
        ];
        let asked = Instant::now();
        let answer: TokenAnswer = self.post_form(&form).await?;
        let lifetime = answer.expires_in.map(Duration::from_secs);
        let renew_at = lifetime.map(|l| asked + l.saturating_sub(REFRESH_MARGIN));
        tracing::debug!(shop = %self.shop, expires_in = ?answer.expires_in, scope = ?answer.scope, "minted an access token");
        Ok(Minted {
            token: Secret::from(answer.access_token),
            renew_at,
            expires_at: lifetime.map(|l| asked + l),
        })
    }

    /// POSTs a form to the token endpoint; maps OAuth errors to sentences.
    async fn post_form(&self, form: &[(&str, &str)]) -> Result<TokenAnswer, ShopifyError> {
        post_token_form(&self.http, &self.token_url, &self.shop, form).await
    }
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource")
            .field("credentials", &self.credentials)
            .field("token_url", &self.token_url)
            .finish_non_exhaustive()
    }
}

/// The token as a header value, marked sensitive (hidden from HTTP debug output).
pub(crate) fn header_value(token: &Secret, shop: &str) -> Result<HeaderValue, ShopifyError> {
    let mut value =
        HeaderValue::from_str(token.expose()).map_err(|_| ShopifyError::Unauthorized {
            shop: shop.to_string(),
        })?;
    value.set_sensitive(true);
    Ok(value)
}

/// A successful answer of the token endpoint.
#[derive(Deserialize)]
pub(crate) struct TokenAnswer {
    pub access_token: String,
    pub scope: Option<String>,
    pub expires_in: Option<u64>,
    pub refresh_token: Option<String>,
}

/// An OAuth error answer: `{"error": code, "error_description": text}`.
#[derive(Deserialize)]
struct TokenRefusal {
    error: Option<String>,
}

pub(crate) async fn post_token_form(
    http: &reqwest::Client,
    token_url: &str,
    shop: &str,
    form: &[(&str, &str)],
) -> Result<TokenAnswer, ShopifyError> {
    let response = http
        .post(token_url)
        .form(form)
        .send()
        .await
        .map_err(|e| transport_error(shop, e))?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| transport_error(shop, e))?;
    if status == StatusCode::OK {
        return serde_json::from_slice(&body).map_err(|e| ShopifyError::Decode {
            query: TOKEN_REQUEST,
            detail: format!("not a token answer ({e})"),
        });
    }
    let code = serde_json::from_slice::<TokenRefusal>(&body)
        .ok()
        .and_then(|r| r.error);
    Err(refusal_error(shop, status, code))
}

const TOKEN_REQUEST: &str = "access token";

fn refusal_error(shop: &str, status: StatusCode, code: Option<String>) -> ShopifyError {
    let shop = shop.to_string();
    match code.as_deref() {
        Some("shop_not_permitted") => ShopifyError::ShopNotPermitted { shop },
        Some("invalid_grant") => ShopifyError::InvalidGrant { shop },
        Some("invalid_client") => ShopifyError::InvalidClientCredentials { shop },
        Some("app_not_installed") => ShopifyError::AppNotInstalled { shop },
        _ if status == StatusCode::NOT_FOUND => ShopifyError::UnknownShop { shop },
        _ if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() => {
            ShopifyError::Http {
                shop,
                query: TOKEN_REQUEST,
                status: status.as_u16(),
                retry_after: None,
            }
        }
        _ => ShopifyError::TokenRefused {
            shop,
            status: status.as_u16(),
            code,
        },
    }
}

fn transport_error(shop: &str, source: reqwest::Error) -> ShopifyError {
    let kind = if source.is_timeout() {
        TransportKind::Timeout
    } else if source.is_connect() {
        TransportKind::Connect
    } else {
        TransportKind::Other
    };
    ShopifyError::Transport {
        shop: shop.to_string(),
        query: TOKEN_REQUEST,
        kind,
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oauth_codes_become_sentences() {
        let error = |status: u16, code: Option<&str>| {
            let status = StatusCode::from_u16(status).unwrap();
            refusal_error("acme.myshopify.com", status, code.map(str::to_string)).to_string()
        };
        assert!(error(400, Some("shop_not_permitted")).contains("organization that owns the store"));
        assert!(error(400, Some("invalid_grant")).contains("reconnect the store"));
        assert!(error(400, Some("invalid_client")).contains("client ID and secret"));
        assert!(error(404, None).starts_with("There is no Shopify store at acme.myshopify.com"));
        assert!(error(403, Some("odd")).contains("(HTTP 403, odd)"));
    }

    #[test]
    fn credentials_debug_hides_secrets() {
        let fixed = Credentials::from("shpat_fixed_secret");
        let minted = Credentials::ClientCredentials {
            client_id: "id123".into(),
            client_secret: Secret::new("shpss_very_secret"),
        };
        let text = format!("{fixed:?} {minted:?}");
        assert!(!text.contains("shpat_fixed_secret") && !text.contains("shpss_very_secret"));
        assert!(text.contains("id123"));
    }
}
