//! Where the client sends requests and with which token.

use std::fmt;
use std::time::Duration;

use crate::ShopifyError;

/// The Admin API version every document is written and validated for.
pub const API_VERSION: &str = "2026-10";

/// How to reach one store's Admin GraphQL API.
#[derive(Clone)]
pub struct ShopifyConfig {
    /// `https://{shop}.myshopify.com/admin/api/2026-10/graphql.json`, or a simulator's URL.
    pub graphql_url: String,
    pub access_token: String,
    /// Whole request, from connecting to the last byte of the answer.
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
}

impl ShopifyConfig {
    const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
    const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

    /// A store by its permanent domain (`acme.myshopify.com`; `acme` alone, a leading
    /// `https://` or a trailing `/` are accepted too).
    pub fn for_shop(shop: &str, access_token: impl Into<String>) -> Result<Self, ShopifyError> {
        let domain =
            normalize_shop_domain(shop).ok_or_else(|| ShopifyError::InvalidShopDomain {
                input: shop.to_string(),
            })?;
        Ok(Self::for_graphql_url(
            format!("https://{domain}/admin/api/{API_VERSION}/graphql.json"),
            access_token,
        ))
    }

    /// Any GraphQL endpoint that speaks Shopify's protocol (the simulator, a proxy).
    pub fn for_graphql_url(
        graphql_url: impl Into<String>,
        access_token: impl Into<String>,
    ) -> Self {
        ShopifyConfig {
            graphql_url: graphql_url.into(),
            access_token: access_token.into(),
            request_timeout: Self::DEFAULT_REQUEST_TIMEOUT,
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
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
            .field("access_token", &"<redacted>")
            .field("request_timeout", &self.request_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .finish()
    }
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
