//! Where the client sends requests and with which credentials.

use std::fmt;
use std::time::Duration;

use crate::{Credentials, RetryPolicy, ShopifyError};

/// The Admin API version every document is written and validated for.
pub const API_VERSION: &str = "2026-10";

/// How to reach one store's Admin GraphQL API.
#[derive(Clone)]
pub struct ShopifyConfig {
    /// `https://{shop}.myshopify.com/admin/api/2026-10/graphql.json`, or a simulator's URL.
    pub graphql_url: String,
    /// The OAuth token endpoint on the same host (`/admin/oauth/access_token`).
    pub token_url: String,
    /// A fixed access token, or a client id and secret to mint tokens with.
    pub credentials: Credentials,
    /// Whole request, from connecting to the last byte of the answer.
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    /// How failed requests are retried (see [`RetryPolicy`]).
    pub retry: RetryPolicy,
}

impl ShopifyConfig {
    const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
    const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

    /// A store by its permanent domain (`acme.myshopify.com`; `acme` alone, a leading
    /// `https://` or a trailing `/` are accepted too).
    pub fn for_shop(shop: &str, credentials: impl Into<Credentials>) -> Result<Self, ShopifyError> {
        let domain =
            normalize_shop_domain(shop).ok_or_else(|| ShopifyError::InvalidShopDomain {
                input: shop.to_string(),
            })?;
        Ok(Self::for_graphql_url(
            format!("https://{domain}/admin/api/{API_VERSION}/graphql.json"),
            credentials,
        ))
    }

    /// Any GraphQL endpoint that speaks Shopify's protocol (the simulator, a proxy).
    pub fn for_graphql_url(
        graphql_url: impl Into<String>,
        credentials: impl Into<Credentials>,
    ) -> Self {
        let graphql_url = graphql_url.into();
        ShopifyConfig {
            token_url: token_url_for(&graphql_url),
            graphql_url,
            credentials: credentials.into(),
            request_timeout: Self::DEFAULT_REQUEST_TIMEOUT,
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
        }
    }

    /// The host the URL points at, to name the store in messages.
    pub fn shop_label(&self) -> &str {
        let without_scheme = self
            .graphql_url
            .split_once("://")
            .map_or(self.graphql_url.as_str(), |(_, rest)| rest);
        without_scheme.split('/').next().unwrap_or(without_scheme)
    }
}

// Hand-written so that the token never ends up in a log.
impl fmt::Debug for ShopifyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShopifyConfig")
            .field("graphql_url", &self.graphql_url)
            .field("token_url", &self.token_url)
            .field("credentials", &self.credentials)
            .field("request_timeout", &self.request_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .finish()
    }
}

/// `https://acme.myshopify.com/admin/api/…` -> `https://acme.myshopify.com/admin/oauth/access_token`.
fn token_url_for(graphql_url: &str) -> String {
    let base = match graphql_url.find("/admin/") {
        Some(at) => &graphql_url[..at],
        None => graphql_url.trim_end_matches('/'),
    };
    format!("{base}/admin/oauth/access_token")
}

/// `acme`, `acme.myshopify.com`, `https://acme.myshopify.com/` -> `acme.myshopify.com`.
fn normalize_shop_domain(input: &str) -> Option<String> {
    let trimmed = input.trim().to_ascii_lowercase();
    let host = trimmed
        .strip_prefix("https://")
        .unwrap_or(&trimmed)
        .trim_end_matches('/');
    let handle = host.strip_suffix(".myshopify.com").unwrap_or(host);
    let valid = handle
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && handle
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    valid.then(|| format!("{handle}.myshopify.com"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shop_domains_are_normalized() {
        for input in ["acme", "acme.myshopify.com", "https://ACME.myshopify.com/"] {
            let config = ShopifyConfig::for_shop(input, "token").unwrap();
            assert_eq!(
                config.graphql_url,
                "https://acme.myshopify.com/admin/api/2026-10/graphql.json"
            );
            assert_eq!(config.shop_label(), "acme.myshopify.com");
            assert_eq!(
                config.token_url,
                "https://acme.myshopify.com/admin/oauth/access_token"
            );
        }
    }

    #[test]
    fn other_domains_are_refused() {
        for input in [
            "",
            "-acme",
            "acme.com",
            "evil.com/acme",
            "acme.myshopify.com.evil.com",
        ] {
            let error = ShopifyConfig::for_shop(input, "token").unwrap_err();
            assert!(
                matches!(error, ShopifyError::InvalidShopDomain { .. }),
                "{input}"
            );
        }
    }

    #[test]
    fn debug_output_hides_the_token() {
        let config =
            ShopifyConfig::for_graphql_url("http://127.0.0.1:9/graphql.json", "shpat_secret");
        assert!(!format!("{config:?}").contains("shpat_secret"));
        assert_eq!(config.shop_label(), "127.0.0.1:9");
    }
}
