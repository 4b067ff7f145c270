//! The HTTP side: one POST per GraphQL request, with the access token header.

use std::sync::Arc;
use std::time::{Duration, Instant};

use graphql_client::{GraphQLQuery, QueryBody};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;

use serde::de::DeserializeOwned;

use crate::auth::{header_value, TokenSource};
use crate::cost::QueryCost;
use crate::error::TransportKind;
use crate::estimate::document_info;
use crate::pacing::{Pacer, Reservation};
use crate::response::{read_answer, RequestContext};
use crate::retry::{asked_wait, is_retryable};
use crate::{Secret, ShopifyConfig, ShopifyError};

const ACCESS_TOKEN_HEADER: &str = "X-Shopify-Access-Token";

/// A client for one store's Admin GraphQL API. Cheap to clone: clones share the connection
/// pool and the pacing state.
#[derive(Debug, Clone)]
pub struct ShopifyClient {
    http: reqwest::Client,
    config: Arc<ShopifyConfig>,
    pacer: Arc<Pacer>,
    tokens: Arc<TokenSource>,
}

impl ShopifyClient {
    pub fn new(config: ShopifyConfig) -> Result<Self, ShopifyError> {
        let http = reqwest::Client::builder()
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
        let tokens = TokenSource::new(
            config.credentials.clone(),
            config.token_url.clone(),
            config.shop_label().to_string(),
            http.clone(),
        )?;
        Ok(ShopifyClient {
            http,
            config: Arc::new(config),
            pacer: Arc::new(Pacer::default()),
            tokens: Arc::new(tokens),
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
    /// Paced: waits first until the cost bucket (as Shopify last reported it) holds the
    /// query's requested cost, so that it does not run into THROTTLED. Failures that may pass
    /// are retried with backoff and jitter within the config's [`RetryPolicy`] (queries:
    /// THROTTLED, 429 after its `Retry-After`, 5xx, no connection, a dropped or cut-short
    /// answer; mutations only when Shopify said it did not run them); then the last error is
    /// returned.
    pub async fn execute<Q: GraphQLQuery>(
        &self,
        variables: Q::Variables,
    ) -> Result<Q::ResponseData, ShopifyError> {
        self.execute_as::<Q, Q::ResponseData>(variables).await
    }

    /// [`execute`](Self::execute), reading the answer's `data` as `T` (e.g. a shape that keeps
    /// each record as raw JSON, so one bad record does not fail the whole page).
    pub(crate) async fn execute_as<Q: GraphQLQuery, T: DeserializeOwned>(
        &self,
        variables: Q::Variables,
    ) -> Result<T, ShopifyError> {
        let body = Q::build_query(variables);
        let operation = body.operation_name;
        let json_variables = serde_json::to_value(&body.variables).unwrap_or_default();
        let info = document_info(body.query, Some(operation), &json_variables);
        let policy = self.config.retry;
        let mut retries = 0;
        let mut reminted = false;
        loop {
            let token = match self.tokens.token().await {
                Ok(token) => token,
                Err(error) if retries < policy.max_retries && is_retryable(&error, info.kind) => {
                    retries += 1;
                    tracing::debug!(query = operation, %error, retries, "retrying the token request");
                    tokio::time::sleep(policy.backoff(retries)).await;
                    continue;
                }
                Err(error) => return Err(error),
            };
            let reservation = self.wait_for_points(operation, info.requested_cost).await;
            let (result, cost) = self.send::<Q, T>(&body, &token).await;
            self.pacer.observe(
                operation,
                info.requested_cost,
                reservation,
                cost.as_ref(),
                Instant::now(),
            );
            // A minted token may have expired or been revoked early: mint once more.
            if matches!(result, Err(ShopifyError::Unauthorized { .. }))
                && !reminted
                && self.tokens.discard(&token).await
            {
                reminted = true;
                tracing::info!(
                    query = operation,
                    "Shopify refused the access token; minting a new one"
                );
                continue;
            }
            let error = match result {
                Ok(data) => return Ok(data),
                Err(error) => error,
            };
            if retries >= policy.max_retries || !is_retryable(&error, info.kind) {
                return Err(error);
            }
            retries += 1;
            let wait = match &error {
                // The pacer now knows the bucket is short and waits for it; jitter only.
                ShopifyError::Throttled { cost: Some(_), .. } => policy.backoff(1),
                other => asked_wait(other, &policy).unwrap_or_else(|| policy.backoff(retries)),
            };
            tracing::debug!(query = operation, %error, ?wait, retries, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    /// Waits until the bucket model holds the request's points, and reserves them.
    async fn wait_for_points(&self, operation: &'static str, estimate: Option<u64>) -> Reservation {
        loop {
            match self.pacer.try_reserve(operation, estimate, Instant::now()) {
                Ok(reservation) => return reservation,
                Err(wait) => {
                    tracing::debug!(query = operation, ?wait, "waiting for the cost bucket");
                    tokio::time::sleep(wait.min(self.config.retry.max_delay)).await;
                }
            }
        }
    }

    /// One POST, no retry. Returns the result and the answer's cost report, if any.
    async fn send<Q: GraphQLQuery, T: DeserializeOwned>(
        &self,
        body: &QueryBody<Q::Variables>,
        token: &Secret,
    ) -> (Result<T, ShopifyError>, Option<QueryCost>) {
        let context = RequestContext {
            shop: self.config.shop_label(),
            query: body.operation_name,
        };
        let header = match header_value(token, context.shop) {
            Ok(header) => header,
            Err(error) => return (Err(error), None),
        };
        let request = self
            .http
            .post(&self.config.graphql_url)
            .header(ACCESS_TOKEN_HEADER, header)
            .json(body);
        let response = match request.send().await {
            Ok(response) => response,
            Err(e) => return (Err(transport_error(&context, e)), None),
        };

        let status = response.status();
        if status == StatusCode::UNAUTHORIZED {
            let error = ShopifyError::Unauthorized {
                shop: context.shop.to_string(),
            };
            return (Err(error), None);
        }
        if !status.is_success() {
            let error = ShopifyError::Http {
                shop: context.shop.to_string(),
                query: context.query,
                status: status.as_u16(),
                retry_after: retry_after(response.headers()),
            };
            return (Err(error), None);
        }
        let bytes = match response.bytes().await {
            Ok(bytes) => bytes,
            // The headers came but the body did not, whole: a cut-short answer.
            Err(e) if !e.is_timeout() => {
                let error = ShopifyError::Decode {
                    query: context.query,
                    detail: format!("the answer was cut short ({e})"),
                };
                return (Err(error), None);
            }
            Err(e) => return (Err(transport_error(&context, e)), None),
        };
        let answer = read_answer::<T>(&bytes, &context);
        if let Some(cost) = &answer.cost {
            tracing::trace!(query = context.query, ?cost, "query cost");
        }
        (answer.result, answer.cost)
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
    use reqwest::header::HeaderValue;

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
