//! The HTTP side: one POST per GraphQL request, with the access token header.

use std::sync::Arc;
use std::time::{Duration, Instant};

use graphql_client::{GraphQLQuery, QueryBody};
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use reqwest::StatusCode;

use crate::cost::QueryCost;
use crate::error::TransportKind;
use crate::pacing::{throttled_wait, Pacer, DEFAULT_RETRY_WAIT, MAX_RATE_LIMIT_RETRIES};
use crate::response::{read_answer, RequestContext};
use crate::{ShopifyConfig, ShopifyError};

const ACCESS_TOKEN_HEADER: &str = "X-Shopify-Access-Token";

/// A client for one store's Admin GraphQL API. Cheap to clone: clones share the connection
/// pool and the pacing state.
#[derive(Debug, Clone)]
pub struct ShopifyClient {
    http: reqwest::Client,
    config: Arc<ShopifyConfig>,
    pacer: Arc<Pacer>,
}

impl ShopifyClient {
    pub fn new(config: ShopifyConfig) -> Result<Self, ShopifyError> {
        let mut token = HeaderValue::from_str(&config.access_token).map_err(|_| {
            ShopifyError::Unauthorized {
                shop: config.shop_label().to_string(),
            }
        })?;
        token.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(ACCESS_TOKEN_HEADER, token);
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(concat!("Shopdesk/", env!("CARGO_PKG_VERSION")))
            .timeout(config.request_timeout)
            .connect_timeout(config.connect_timeout)
            .build()
            .map_err(|source| ShopifyError::Transport {
                shop: config.shop_label().to_string(),
                query: "(client setup)",
                kind: TransportKind::Other,
                source,
            })?;
        Ok(ShopifyClient {
            http,
            config: Arc::new(config),
            pacer: Arc::new(Pacer::default()),
        })
    }

    pub fn config(&self) -> &ShopifyConfig {
        &self.config
    }

    /// The cost report of the last answer that carried one (`extensions.cost`), THROTTLED
    /// answers included.
    pub fn last_cost(&self) -> Option<QueryCost> {
        self.pacer.last_cost()
    }

    /// Sends one typed query and returns its data.
    ///
    /// Paced: waits first when earlier answers show the cost bucket cannot hold this query yet,
    /// and sends it again (up to 5 times) after THROTTLED or HTTP 429, which Shopify answers
    /// without running the query. Other errors are returned at once.
    pub async fn execute<Q: GraphQLQuery>(
        &self,
        variables: Q::Variables,
    ) -> Result<Q::ResponseData, ShopifyError> {
        let body = Q::build_query(variables);
        let mut retries = 0;
        loop {
            let wait = self.pacer.delay_before(body.operation_name, Instant::now());
            if !wait.is_zero() {
                tracing::debug!(
                    query = body.operation_name,
                    ?wait,
                    "waiting for the cost bucket"
                );
                tokio::time::sleep(wait).await;
            }
            let result = self.send::<Q>(&body).await;
            let retry_wait = match &result {
                Err(ShopifyError::Throttled { cost, .. }) => throttled_wait(cost.as_ref()),
                Err(ShopifyError::Http {
                    status: 429,
                    retry_after,
                    ..
                }) => retry_after.unwrap_or(DEFAULT_RETRY_WAIT),
                _ => return result,
            };
            if retries == MAX_RATE_LIMIT_RETRIES {
                return result;
            }
            retries += 1;
            tracing::debug!(
                query = body.operation_name,
                ?retry_wait,
                retries,
                "rate limited"
            );
            tokio::time::sleep(retry_wait).await;
        }
    }

    /// One POST, no retry.
    async fn send<Q: GraphQLQuery>(
        &self,
        body: &QueryBody<Q::Variables>,
    ) -> Result<Q::ResponseData, ShopifyError> {
        let context = RequestContext {
            shop: self.config.shop_label(),
            query: body.operation_name,
        };
        let response = self
            .http
            .post(&self.config.graphql_url)
            .json(body)
            .send()
            .await
            .map_err(|e| transport_error(&context, e))?;

        let status = response.status();
        if status == StatusCode::UNAUTHORIZED {
            return Err(ShopifyError::Unauthorized {
                shop: context.shop.to_string(),
            });
        }
        if !status.is_success() {
            return Err(ShopifyError::Http {
                shop: context.shop.to_string(),
                query: context.query,
                status: status.as_u16(),
                retry_after: retry_after(response.headers()),
            });
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| transport_error(&context, e))?;
        let answer = read_answer::<Q::ResponseData>(&bytes, &context);
        if let Some(cost) = &answer.cost {
            tracing::trace!(query = context.query, ?cost, "query cost");
            self.pacer.observe(context.query, cost, Instant::now());
        }
        answer.result
    }
}

fn transport_error(context: &RequestContext<'_>, source: reqwest::Error) -> ShopifyError {
    let kind = if source.is_timeout() {
        TransportKind::Timeout
    } else if source.is_connect() {
        TransportKind::Connect
    } else {
        TransportKind::Other
    };
    ShopifyError::Transport {
        shop: context.shop.to_string(),
        query: context.query,
        kind,
        source,
    }
}

/// `Retry-After` in seconds (Shopify sends a number, e.g. "2.0").
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?;
    let seconds: f64 = text.trim().parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_accepts_whole_and_fractional_seconds() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("2.0"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(2)));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("1"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(1)));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }
}
