//! The HTTP face of the simulator: Shopify's Admin GraphQL endpoint, its authentication, version
//! handling and error responses.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use apollo_compiler::response::JsonValue;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use shopdesk_shopify_schema::GraphqlError;

use crate::cost::{CostModel, MAX_QUERY_COST};
use crate::executor;
use crate::model::{ShopState, Timestamp};
use crate::throttle::{LeakyBucket, ThrottleStatus};

pub const API_VERSION: &str = shopdesk_shopify_schema::API_VERSION;

pub struct AppState {
    pub shop: Arc<RwLock<ShopState>>,
    pub bucket: Arc<Mutex<LeakyBucket>>,
    pub bulk: Arc<crate::bulk::BulkOperations>,
    pub faults: Arc<crate::faults::Faults>,
    pub counters: Arc<crate::faults::Counters>,
    pub auth: Arc<crate::oauth::Auth>,
}

pub fn router(app: Arc<AppState>) -> Router {
    Router::new()
        .route(
            "/admin/api/{version}/graphql.json",
            post(crate::faults::graphql_with_faults),
        )
        .route(
            "/admin/oauth/access_token",
            post(crate::oauth::endpoint::access_token),
        )
        .route(
            "/bulk/{file}",
            axum::routing::get(crate::bulk::download::download),
        )
        .fallback(not_found)
        .layer(axum::middleware::from_fn(answer_panics))
        .with_state(app)
}

/// A bug that panics in a handler answers 500 with the panic's message, instead of a dropped
/// connection that hides it from the client's test. (The panic hook still prints it too.)
async fn answer_panics(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use futures::FutureExt;
    match std::panic::AssertUnwindSafe(next.run(request))
        .catch_unwind()
        .await
    {
        Ok(response) => response,
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".to_string());
            json_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({ "errors": format!("Internal error: the simulator panicked: {message}") }),
            )
        }
    }
}

async fn not_found() -> Response {
    json_response(StatusCode::NOT_FOUND, json!({"errors": "Not Found"}))
}

fn json_response(status: StatusCode, body: impl Serialize) -> Response {
    let (status, text) = match serde_json::to_string(&body) {
        Ok(text) => (status, text),
        Err(error) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({ "errors": format!("Internal error: {error}") }).to_string(),
        ),
    };
    let mut response = (status, text).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    // Shopify names the version it actually served (relevant after a fall-forward).
    headers.insert(
        "x-shopify-api-version",
        HeaderValue::from_static(API_VERSION),
    );
    response
}

/// `2026-10`-style quarterly versions and `unstable`. Any such version is served as 2026-10:
/// older ones fall forward like retired versions do on Shopify, newer ones are the closest we have.
fn is_well_formed_version(version: &str) -> bool {
    if version == "unstable" {
        return true;
    }
    let Some((year, month)) = version.split_once('-') else {
        return false;
    };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && matches!(month, "01" | "04" | "07" | "10")
}

#[derive(Deserialize)]
struct GraphqlRequest {
    query: Option<String>,
    #[serde(default)]
    variables: Option<Value>,
    #[serde(default, rename = "operationName")]
    operation_name: Option<String>,
}

fn missing_query() -> Response {
    json_response(
        StatusCode::BAD_REQUEST,
        json!({"errors": {"query": "Required parameter missing or invalid"}}),
    )
}

pub(crate) async fn graphql(
    State(app): State<Arc<AppState>>,
    Path(version): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !is_well_formed_version(&version) {
        return not_found().await;
    }
    app.counters.requests.fetch_add(1, Ordering::SeqCst);
    let token = headers
        .get("x-shopify-access-token")
        .and_then(|value| value.to_str().ok());
    let Some(installation) = app.auth.authorize(token) else {
        return json_response(
            StatusCode::UNAUTHORIZED,
            json!({"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}),
        );
    };

    let is_graphql_body = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/graphql"));
    let request = if is_graphql_body {
        match String::from_utf8(body.to_vec()) {
            Ok(query) => GraphqlRequest {
                query: Some(query),
                variables: None,
                operation_name: None,
            },
            Err(_) => return missing_query(),
        }
    } else {
        match serde_json::from_slice::<GraphqlRequest>(&body) {
            Ok(request) => request,
            Err(_) => return missing_query(),
        }
    };
    let Some(query) = request.query.filter(|q| !q.trim().is_empty()) else {
        return missing_query();
    };
    let variables = match request.variables {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(map)) => map,
        Some(_) => {
            return json_response(
                StatusCode::BAD_REQUEST,
                json!({"errors": {"variables": "must be a JSON object"}}),
            )
        }
    };

    let document = match shopdesk_shopify_schema::validate(&query) {
        Ok(document) => document,
        Err(errors) => {
            let body = ResponseBody {
                errors: &errors,
                data: None,
                extensions: Map::new(),
            };
            return json_response(StatusCode::OK, body);
        }
    };

    let prepared = match executor::prepare(&document, request.operation_name.as_deref(), &variables)
    {
        Ok(prepared) => prepared,
        Err(errors) => {
            let body = ResponseBody {
                errors: &errors,
                data: None,
                extensions: Map::new(),
            };
            return json_response(StatusCode::OK, body);
        }
    };

    let schema = shopdesk_shopify_schema::schema();
    let cost_model = CostModel::new(schema, &document, &prepared.variables);
    let selection = &prepared.operation.selection_set;
    let requested = cost_model.requested(selection, prepared.is_mutation());
    let Ok(mut bucket) = app.bucket.lock() else {
        return internal_error();
    };
    let now = Instant::now();
    if requested > MAX_QUERY_COST {
        let error = GraphqlError {
            message: format!(
                "Query cost is {requested}, which exceeds the single query max cost limit ({MAX_QUERY_COST})."
            ),
            locations: Vec::new(),
            path: None,
            extensions: Some(json!({
                "code": "MAX_COST_EXCEEDED",
                "cost": requested,
                "maxCost": MAX_QUERY_COST,
                "documentation": RATE_LIMITS_DOCUMENTATION,
            })),
        };
        let status = bucket.try_take(0, now).unwrap_or_else(|status| status);
        return json_response(StatusCode::OK, refused(error, requested, status));
    }
    let throttle_status = match bucket.try_take(requested, now) {
        Ok(status) => status,
        Err(status) => {
            app.counters.throttled.fetch_add(1, Ordering::SeqCst);
            let error = GraphqlError {
                extensions: Some(json!({
                    "code": "THROTTLED",
                    "documentation": RATE_LIMITS_DOCUMENTATION,
                })),
                ..GraphqlError::new("Throttled")
            };
            return json_response(StatusCode::OK, refused(error, requested, status));
        }
    };
    drop(bucket);

    // Order-changing mutations run first, under the write lock; the payloads are then rendered
    // like any query.
    let outcomes = if prepared.is_mutation() && crate::mutations::changes_store(selection) {
        let Ok(mut shop) = app.shop.write() else {
            return internal_error();
        };
        Some(crate::mutations::apply(
            &mut shop,
            selection,
            &prepared.variables,
            Some(&installation.app.scopes),
            wall_clock_now(),
        ))
    } else {
        None
    };
    let mut outcome = {
        let Ok(shop) = app.shop.read() else {
            return internal_error();
        };
        executor::execute_applied(
            &shop,
            Some(&app.bulk),
            Some(&installation),
            outcomes.as_ref(),
            &document,
            &prepared,
            wall_clock_now(),
        )
    };
    if let Some(outcomes) = &outcomes {
        crate::mutations::add_error_codes(outcomes, &mut outcome.errors);
    }

    let actual = outcome
        .data
        .as_ref()
        .and_then(|data| serde_json::to_value(data).ok())
        .map_or(0, |data| {
            cost_model.actual(selection, prepared.is_mutation(), &data)
        })
        .min(requested);
    app.counters
        .points_consumed
        .fetch_add(actual, Ordering::SeqCst);
    let throttle_status = match app.bucket.lock() {
        Ok(mut bucket) => bucket.refund(requested - actual, Instant::now()),
        Err(_) => throttle_status,
    };

    let mut extensions = Map::new();
    extensions.insert(
        "cost".into(),
        json!({
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": throttle_status,
        }),
    );
    if !outcome.search.is_empty() {
        extensions.insert("search".into(), Value::Array(outcome.search));
    }
    let body = ResponseBody {
        errors: &outcome.errors,
        data: outcome.data.as_ref(),
        extensions,
    };
    json_response(StatusCode::OK, body)
}

const RATE_LIMITS_DOCUMENTATION: &str = "https://shopify.dev/api/usage/rate-limits";

/// A response for a query refused before execution (too expensive, or throttled).
fn refused(error: GraphqlError, requested: u64, status: ThrottleStatus) -> Value {
    json!({
        "errors": [error],
        "extensions": {
            "cost": {
                "requestedQueryCost": requested,
                "actualQueryCost": null,
                "throttleStatus": status,
            }
        }
    })
}

fn internal_error() -> Response {
    json_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({"errors": "Internal error: the simulator's state is poisoned"}),
    )
}

/// A GraphQL response body. `data` keeps the order of the selection set, as Shopify's does.
#[derive(Serialize)]
struct ResponseBody<'a> {
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [GraphqlError],
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a JsonValue>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    extensions: Map<String, Value>,
}

/// "now" in search terms (`updated_at:<now`) is the real clock, as on Shopify.
fn wall_clock_now() -> Timestamp {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as Timestamp)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert!(is_well_formed_version("2026-10"));
        assert!(is_well_formed_version("2024-01"));
        assert!(is_well_formed_version("unstable"));
        assert!(!is_well_formed_version("2026-11"));
        assert!(!is_well_formed_version("latest"));
        assert!(!is_well_formed_version("26-10"));
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_500_with_the_panic_message() {
        let app = Router::new()
            .route(
                "/boom",
                axum::routing::get(|| async {
                    if std::hint::black_box(true) {
                        panic!("the simulator has a bug");
                    }
                    "unreachable"
                }),
            )
            .layer(axum::middleware::from_fn(answer_panics));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let server = tokio::spawn(async move { axum::serve(listener, app).await });
        let response = reqwest::get(format!("http://{address}/boom"))
            .await
            .expect("an answer, not a dropped connection");
        assert_eq!(response.status().as_u16(), 500);
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(
            body["errors"],
            "Internal error: the simulator panicked: the simulator has a bug"
        );
        server.abort();
    }
}
