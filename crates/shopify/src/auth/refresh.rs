//! Expiring offline tokens (authorization code grant with `expiring=1`): trading the refresh
//! token for a new pair.

use std::time::Duration;

use shopdesk_secrets::Secret;

use super::post_token_form;
use crate::error::TransportKind;
use crate::{ShopifyConfig, ShopifyError};

/// The new pair from a refresh. Both replace the old ones.
#[derive(Debug)]
pub struct RotatedTokens {
    pub access_token: Secret,
    pub expires_in: Option<Duration>,
    pub refresh_token: Secret,
    pub scopes: Vec<String>,
}

/// Trades `refresh_token` for a new access token and refresh token.
///
/// Each call rotates the pair: store both new tokens before using them. If the answer is
/// lost, the old refresh token may be sent again until the new one is first used; a dead
/// one gives [`ShopifyError::InvalidGrant`] (the store must be reconnected).
pub async fn refresh_offline_token(
    config: &ShopifyConfig,
    client_id: &str,
    client_secret: &Secret,
    refresh_token: &Secret,
) -> Result<RotatedTokens, ShopifyError> {
    let shop = config.shop_label();
    let http = reqwest::Client::builder()
        .user_agent(concat!("Shopdesk/", env!("CARGO_PKG_VERSION")))
        .timeout(config.request_timeout)
        .connect_timeout(config.connect_timeout)
        .build()
        .map_err(|source| ShopifyError::Transport {
            shop: shop.to_string(),
            query: "(client setup)",
            kind: TransportKind::Other,
            source,
        })?;
    let form = [
        ("grant_type", "refresh_token"),
        ("client_id", client_id),
        ("client_secret", client_secret.expose()),
        ("refresh_token", refresh_token.expose()),
    ];
    let answer = post_token_form(&http, &config.token_url, shop, &form).await?;
    let refresh_token = answer.refresh_token.ok_or_else(|| ShopifyError::Decode {
        query: "access token",
        detail: "the answer holds no refresh token".into(),
    })?;
    tracing::debug!(shop, expires_in = ?answer.expires_in, "refreshed an expiring offline token");
    Ok(RotatedTokens {
        access_token: Secret::from(answer.access_token),
        expires_in: answer.expires_in.map(Duration::from_secs),
        refresh_token: Secret::from(refresh_token),
        scopes: answer
            .scope
            .unwrap_or_default()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
    })
}
