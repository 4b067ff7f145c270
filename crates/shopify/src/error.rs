//! What can go wrong talking to Shopify, worded for the person using the app.

use std::time::Duration;

use crate::cost::QueryCost;
use crate::mapping::MappingError;

/// An error from a call to the Admin API. `Display` is a sentence meant for the user; the
/// fields keep the details for logs and for deciding whether to retry.
#[derive(Debug, thiserror::Error)]
pub enum ShopifyError {
    #[error("\"{input}\" is not a Shopify store address: use the store's myshopify.com domain, like acme.myshopify.com")]
    InvalidShopDomain { input: String },

    /// HTTP 401: the token is wrong, expired, or the app was uninstalled.
    #[error("Shopify refused the access token for {shop}: reconnect the store")]
    Unauthorized { shop: String },

    /// The token endpoint answered 404: no store at that address.
    #[error("There is no Shopify store at {shop}: check the store's myshopify.com address")]
    UnknownShop { shop: String },

    /// `invalid_client`: the client id or secret is wrong (or was rotated).
    #[error("Shopify did not accept the client ID and secret for {shop}: copy both again from your app's Settings page in the Dev Dashboard")]
    InvalidClientCredentials { shop: String },

    /// `shop_not_permitted`: client credentials only work for apps of the store's organization.
    #[error("Shopify does not let this app get tokens for {shop} (shop_not_permitted): the client ID and secret only work for an app created in the organization that owns the store. Create the app in that organization's Dev Dashboard, install it on the store, and enter its client ID and secret again")]
    ShopNotPermitted { shop: String },

    /// `invalid_grant`: the refresh token expired, was revoked, or was already replaced.
    #[error("Shopify no longer accepts Shopdesk's saved sign-in for {shop} (invalid_grant: the refresh token expired or was revoked): reconnect the store")]
    InvalidGrant { shop: String },

    /// `app_not_installed`, as reported for credentials of an app that is not on the store.
    #[error(
        "The app is not installed on {shop}: install it from the Dev Dashboard, then connect again"
    )]
    AppNotInstalled { shop: String },

    /// Any other refusal from the token endpoint.
    #[error("Shopify refused to issue an access token for {shop} (HTTP {status}{}): check the app's client ID and secret", code.as_deref().map(|c| format!(", {c}")).unwrap_or_default())]
    TokenRefused {
        shop: String,
        status: u16,
        code: Option<String>,
    },

    /// Shopify answered with GraphQL `errors` (an invalid document, a bad argument...).
    #[error("Shopify rejected the {query} request: {message}")]
    GraphQl {
        query: &'static str,
        /// The first error's message.
        message: String,
        errors: Vec<graphql_client::Error>,
    },

    /// A GraphQL error with code ACCESS_DENIED: the app lacks a scope or a permission.
    #[error("Shopify denied access for the {query} request: {message}. Check the app's permissions (scopes) for {shop}")]
    AccessDenied {
        shop: String,
        query: &'static str,
        message: String,
    },

    /// The cost bucket did not hold enough points for the query (code THROTTLED).
    #[error("Shopify is limiting the request rate for {shop} ({query}): try again in a moment")]
    Throttled {
        shop: String,
        query: &'static str,
        /// The request's cost and the bucket's state, from the answer's `extensions.cost`.
        cost: Option<QueryCost>,
    },

    /// The query alone costs more than Shopify's single-query cap (code MAX_COST_EXCEEDED).
    /// This is a bug in Shopdesk's documents or page sizes, not something to retry.
    #[error("the {query} request asks Shopify for too much at once (cost {cost}, limit {max_cost}); please report this")]
    MaxCostExceeded {
        query: &'static str,
        cost: String,
        max_cost: String,
    },

    /// An HTTP status other than 200 and 401 (429, 5xx, 402 frozen shop, 404...).
    #[error("{}", http_status_sentence(shop, *status, *retry_after))]
    Http {
        shop: String,
        query: &'static str,
        status: u16,
        /// From `Retry-After`, when Shopify sent one (429, 503).
        retry_after: Option<Duration>,
    },

    /// The request did not get an HTTP answer: timeout, no connection, TLS...
    #[error("{}", transport_sentence(shop, query, *kind))]
    Transport {
        shop: String,
        query: &'static str,
        kind: TransportKind,
        #[source]
        source: reqwest::Error,
    },

    /// The answer was not the JSON the query expects (malformed, or a field missing).
    #[error("Shopify's answer to the {query} request could not be read: {detail}")]
    Decode { query: &'static str, detail: String },

    /// A record in an answer that cannot be turned into Shopdesk's records (e.g. the shop
    /// itself, whose failure stops a sync; pages report their bad records separately).
    #[error("{0}")]
    Record(#[from] MappingError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    Timeout,
    Connect,
    Other,
}

impl ShopifyError {
    /// Worth trying again later with the same request: rate limits, server errors, network.
    pub fn is_transient(&self) -> bool {
        match self {
            ShopifyError::Throttled { .. } | ShopifyError::Transport { .. } => true,
            ShopifyError::Http { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }

    /// How long Shopify asked to wait, when it said so (`Retry-After`, or the time the cost
    /// bucket needs to refill for the request's cost).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ShopifyError::Http { retry_after, .. } => *retry_after,
            ShopifyError::Throttled {
                cost: Some(cost), ..
            } => cost.wait_before_retry(),
            _ => None,
        }
    }
}

fn http_status_sentence(shop: &str, status: u16, retry_after: Option<Duration>) -> String {
    match status {
        429 => match retry_after {
            Some(wait) => format!(
                "Shopify asked Shopdesk to slow down for {shop}: try again in {} s",
                wait.as_secs().max(1)
            ),
            None => format!("Shopify asked Shopdesk to slow down for {shop}: try again shortly"),
        },
        402 => format!(
            "The store {shop} is frozen (Shopify answered 402 Payment Required): check its plan"
        ),
        403 => {
            format!("Shopify refused access to {shop} (403 Forbidden): check the app's permissions")
        }
        404 => format!("Shopify does not know the store {shop} (404 Not Found): check its address"),
        423 => format!("The store {shop} is locked (Shopify answered 423)"),
        500..=599 => format!(
            "Shopify had a server error ({status}) for {shop}: Shopdesk will try again later"
        ),
        _ => format!("Shopify answered with an unexpected HTTP status {status} for {shop}"),
    }
}

fn transport_sentence(shop: &str, query: &str, kind: TransportKind) -> String {
    match kind {
        TransportKind::Timeout => {
            format!(
                "Shopify ({shop}) did not answer the {query} request in time: check the connection"
            )
        }
        TransportKind::Connect => {
            format!("Could not connect to Shopify ({shop}): you may be offline")
        }
        TransportKind::Other => format!("The {query} request to Shopify ({shop}) failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::ThrottleStatus;

    #[test]
    fn unauthorized_names_the_shop_and_the_fix() {
        let error = ShopifyError::Unauthorized {
            shop: "acme.myshopify.com".into(),
        };
        assert_eq!(
            error.to_string(),
            "Shopify refused the access token for acme.myshopify.com: reconnect the store"
        );
        assert!(!error.is_transient());
    }

    #[test]
    fn http_sentences_depend_on_the_status() {
        let http = |status, retry_after| ShopifyError::Http {
            shop: "acme.myshopify.com".into(),
            query: "OrdersPage",
            status,
            retry_after,
        };
        let slow_down = http(429, Some(Duration::from_secs(2)));
        assert_eq!(
            slow_down.to_string(),
            "Shopify asked Shopdesk to slow down for acme.myshopify.com: try again in 2 s"
        );
        assert!(slow_down.is_transient());
        assert_eq!(slow_down.retry_after(), Some(Duration::from_secs(2)));

        let server = http(503, None);
        assert!(server.to_string().contains("server error (503)"));
        assert!(server.is_transient());
        assert!(!http(404, None).is_transient());
    }

    #[test]
    fn throttled_waits_for_the_bucket_to_refill() {
        let error = ShopifyError::Throttled {
            shop: "acme.myshopify.com".into(),
            query: "OrdersPage",
            cost: Some(QueryCost {
                requested_query_cost: Some(938.0),
                actual_query_cost: None,
                throttle_status: Some(ThrottleStatus {
                    maximum_available: 2_000.0,
                    currently_available: 438.0,
                    restore_rate: 100.0,
                }),
            }),
        };
        assert!(error.is_transient());
        // 500 points missing at 100 points a second.
        assert_eq!(error.retry_after(), Some(Duration::from_secs(5)));
    }
}
