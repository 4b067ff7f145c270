//! What the merchant types as their store -> its permanent `*.myshopify.com` domain, and where
//! its Admin API is. Production is strict: https and `*.myshopify.com` only. Debug builds of
//! the shell may point every store at a local simulator ([`ShopEndpoints::with_base_url`]).

use shopdesk_shopify::API_VERSION;

use super::OnboardingError;

/// `acme`, `acme.myshopify.com`, `https://acme.myshopify.com/admin/orders`,
/// `https://admin.shopify.com/store/acme/orders` -> `acme.myshopify.com`.
pub fn normalize_shop_domain(input: &str) -> Result<String, OnboardingError> {
    let refuse = || OnboardingError::ShopDomain {
        input: input.trim().to_string(),
    };
    let lowered = input.trim().to_ascii_lowercase();
    let without_scheme = lowered
        .strip_prefix("https://")
        .or_else(|| lowered.strip_prefix("http://"))
        .unwrap_or(&lowered);
    let mut parts = without_scheme.split(['/', '?', '#']);
    let host = parts.next().unwrap_or_default();
    let handle = if host == "admin.shopify.com" {
        // The new admin's address names the store in its path: /store/<handle>/...
        match (parts.next(), parts.next()) {
            (Some("store"), Some(handle)) => handle,
            _ => return Err(refuse()),
        }
    } else {
        host.strip_suffix(".myshopify.com").unwrap_or(host)
    };
    let valid = handle.len() <= 60
        && handle
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && handle
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    if valid {
        Ok(format!("{handle}.myshopify.com"))
    } else {
        Err(refuse())
    }
}

/// Where stores' Admin APIs are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShopEndpoints {
    /// Every store at this base URL instead of `https://<domain>` (tests, debug builds only).
    base_url: Option<String>,
}

impl ShopEndpoints {
    /// Shopify itself: `https://<shop>.myshopify.com`.
    pub fn shopify() -> Self {
        Self { base_url: None }
    }

    /// Every store answered by the server at `base_url` (`http://127.0.0.1:PORT`).
    pub fn with_base_url(base_url: impl Into<String>) -> Self {
        Self {
            base_url: Some(base_url.into().trim_end_matches('/').to_string()),
        }
    }

    pub fn is_overridden(&self) -> bool {
        self.base_url.is_some()
    }

    /// The Admin GraphQL URL of `domain` (already normalized).
    pub fn graphql_url(&self, domain: &str) -> String {
        let base = match &self.base_url {
            Some(base) => base.clone(),
            None => format!("https://{domain}"),
        };
        format!("{base}/admin/api/{API_VERSION}/graphql.json")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usual_ways_to_name_a_store_are_accepted() {
        for input in [
            "acme",
            " Acme.myshopify.com ",
            "https://acme.myshopify.com/",
            "acme.myshopify.com/admin/orders?x=1",
            "https://admin.shopify.com/store/acme",
            "admin.shopify.com/store/acme/orders/1001",
        ] {
            assert_eq!(
                normalize_shop_domain(input).unwrap(),
                "acme.myshopify.com",
                "{input}"
            );
        }
    }

    #[test]
    fn anything_else_is_refused_with_a_sentence() {
        for input in [
            "",
            "acme.com",
            "www.acme.com",
            "admin.shopify.com",
            "-acme",
            "ac me",
            "evil.com/acme",
        ] {
            let error = normalize_shop_domain(input).unwrap_err();
            assert!(
                error.to_string().contains("myshopify.com"),
                "{input}: {error}"
            );
        }
    }

    #[test]
    fn production_urls_are_https_on_the_store_and_tests_may_override() {
        assert_eq!(
            ShopEndpoints::shopify().graphql_url("acme.myshopify.com"),
            format!("https://acme.myshopify.com/admin/api/{API_VERSION}/graphql.json")
        );
        let local = ShopEndpoints::with_base_url("http://127.0.0.1:9/");
        assert_eq!(
            local.graphql_url("acme.myshopify.com"),
            format!("http://127.0.0.1:9/admin/api/{API_VERSION}/graphql.json")
        );
    }
}
