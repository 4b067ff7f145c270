//! The client against a real started simulator (and a stub server for the HTTP statuses the
//! simulator does not produce).

mod common;

use std::time::Duration;

use graphql_client::{GraphQLQuery, QueryBody};
use serde_json::Value;
use shopdesk_shopify::queries::{shop, Shop};
use shopdesk_shopify::{ShopifyClient, ShopifyConfig, ShopifyError, TransportKind};
use shopdesk_shopify_sim::{SimConfig, Simulator};

async fn demo_sim() -> Simulator {
    Simulator::start(SimConfig::demo())
        .await
        .expect("simulator starts")
}

fn client_for(url: &str, token: &str) -> ShopifyClient {
    ShopifyClient::new(ShopifyConfig::for_graphql_url(url, token)).expect("client")
}

#[tokio::test]
async fn the_shop_is_read_with_the_access_token() {
    let sim = demo_sim().await;
    let client = client_for(&sim.graphql_url(), sim.access_token());

    let data = client.execute::<Shop>(shop::Variables).await.unwrap();
    let record = client.fetch_shop().await.unwrap();

    let state = sim.state();
    let expected = state.read().unwrap().shop.clone();
    assert_eq!(data.shop.name, expected.name);
    assert_eq!(
        record.id,
        format!("gid://shopify/Shop/{}", expected.legacy_id)
    );
    assert_eq!(record.domain, expected.myshopify_domain);
    assert_eq!(record.currency, expected.currency);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_wrong_token_is_unauthorized_with_a_sentence() {
    let sim = demo_sim().await;
    let client = client_for(&sim.graphql_url(), "shpat_wrong");

    let error = client.fetch_shop().await.unwrap_err();

    let shop = sim.base_url().trim_start_matches("http://").to_string();
    assert!(matches!(&error, ShopifyError::Unauthorized { shop: s } if *s == shop));
    assert_eq!(
        error.to_string(),
        format!("Shopify refused the access token for {shop}: reconnect the store")
    );
    sim.shutdown().await;
}

/// A query whose document the schema rejects (graphql_client would not let one compile, so
/// it is built by hand).
struct BogusFieldQuery;

impl GraphQLQuery for BogusFieldQuery {
    type Variables = Value;
    type ResponseData = Value;

    fn build_query(variables: Value) -> QueryBody<Value> {
        QueryBody {
            variables,
            query: "query BogusField { shop { name bogusField } }",
            operation_name: "BogusField",
        }
    }
}

#[tokio::test]
async fn an_invalid_document_surfaces_shopifys_error() {
    let sim = demo_sim().await;
    let client = client_for(&sim.graphql_url(), sim.access_token());

    let error = client
        .execute::<BogusFieldQuery>(Value::Object(Default::default()))
        .await
        .unwrap_err();

    let ShopifyError::GraphQl {
        query,
        message,
        errors,
    } = &error
    else {
        panic!("expected a GraphQL error, got {error:?}");
    };
    assert_eq!(*query, "BogusField");
    assert!(message.contains("bogusField"), "{message}");
    assert!(!errors.is_empty());
    assert_eq!(
        error.to_string(),
        format!("Shopify rejected the BogusField request: {message}")
    );
    sim.shutdown().await;
}

const TOO_MANY_REQUESTS: &str =
    "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 0.05\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

const SHOP_DATA: &str = r#"{"data":{"shop":{"id":"gid://shopify/Shop/1","name":"Acme",
    "myshopifyDomain":"acme.myshopify.com","currencyCode":"EUR"}}}"#;

/// Shopify's THROTTLED answer; the bucket is 10 points short at 1,000 a second.
const THROTTLED: &str = r#"{"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED"}}],
    "extensions":{"cost":{"requestedQueryCost":20,"actualQueryCost":null,
    "throttleStatus":{"maximumAvailable":2000.0,"currentlyAvailable":10,"restoreRate":1000.0}}}}"#;

#[tokio::test]
async fn too_many_requests_is_retried_after_retry_after() {
    let url = common::http_stub::answering_in_turn(vec![
        TOO_MANY_REQUESTS,
        TOO_MANY_REQUESTS,
        common::http_stub::json_response(SHOP_DATA),
    ])
    .await;
    let shop = client_for(&url, "token").fetch_shop().await.unwrap();
    assert_eq!(shop.name, "Acme");
}

#[tokio::test]
async fn too_many_requests_gives_up_after_five_retries() {
    let url = common::http_stub::answering(TOO_MANY_REQUESTS).await;
    let error = client_for(&url, "token").fetch_shop().await.unwrap_err();
    assert!(
        matches!(
            error,
            ShopifyError::Http {
                status: 429,
                query: "Shop",
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.retry_after(), Some(Duration::from_millis(50)));
    assert!(error.is_transient());
    assert!(error.to_string().contains("slow down"), "{error}");
}

#[tokio::test]
async fn throttled_is_retried_once_the_bucket_has_refilled() {
    let url = common::http_stub::answering_in_turn(vec![
        common::http_stub::json_response(THROTTLED),
        common::http_stub::json_response(SHOP_DATA),
    ])
    .await;
    let client = client_for(&url, "token");
    let shop = client.fetch_shop().await.unwrap();
    assert_eq!(shop.name, "Acme");
    // The THROTTLED answer's report is kept (the success carried none).
    let status = client.last_cost().unwrap().throttle_status.unwrap();
    assert_eq!(status.currently_available, 10.0);
}

#[tokio::test]
async fn throttled_for_good_is_returned_as_throttled() {
    let url = common::http_stub::answering(common::http_stub::json_response(THROTTLED)).await;
    let error = client_for(&url, "token").fetch_shop().await.unwrap_err();
    assert!(
        matches!(error, ShopifyError::Throttled { query: "Shop", .. }),
        "{error:?}"
    );
    assert!(error.is_transient());
}

#[tokio::test]
async fn a_server_error_is_transient() {
    let url = common::http_stub::answering(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    )
    .await;
    let error = client_for(&url, "token").fetch_shop().await.unwrap_err();
    assert!(
        matches!(error, ShopifyError::Http { status: 503, .. }),
        "{error:?}"
    );
    assert!(error.is_transient());
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_naming_the_query() {
    let url = common::http_stub::answering(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 14\r\nConnection: close\r\n\r\n{\"data\": {\"sho",
    )
    .await;
    let error = client_for(&url, "token").fetch_shop().await.unwrap_err();
    assert!(
        matches!(error, ShopifyError::Decode { query: "Shop", .. }),
        "{error:?}"
    );
    assert!(error
        .to_string()
        .starts_with("Shopify's answer to the Shop request could not be read"));
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let url = common::http_stub::silent().await;
    let mut config = ShopifyConfig::for_graphql_url(url, "token");
    config.request_timeout = Duration::from_millis(300);
    let error = ShopifyClient::new(config)
        .unwrap()
        .fetch_shop()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            ShopifyError::Transport {
                kind: TransportKind::Timeout,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error
        .to_string()
        .contains("did not answer the Shop request in time"));
}

#[tokio::test]
async fn nobody_listening_is_a_connection_error() {
    // Bind then drop a listener to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/admin/api/2026-10/graphql.json");
    let error = client_for(&url, "token").fetch_shop().await.unwrap_err();
    assert!(
        matches!(
            error,
            ShopifyError::Transport {
                kind: TransportKind::Connect,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.is_transient());
}

/// The simulator prices documents with Shopify's rules; at the page sizes the client uses,
/// every one stays under the 1,000-point single-query cap (tests/query_cost.rs checks the
/// same with a worst-case estimate).
#[tokio::test]
async fn the_simulator_prices_every_document_under_the_cap() {
    use shopdesk_shopify::queries::*;
    use shopdesk_shopify::{CUSTOMERS_PAGE_SIZE, ORDERS_PAGE_SIZE};

    let sim = demo_sim().await;
    let client = client_for(&sim.graphql_url(), sim.access_token());
    let (customer_id, order_id) = {
        let state = sim.state();
        let state = state.read().unwrap();
        (
            format!("gid://shopify/Customer/{}", state.customers[0].legacy_id),
            format!("gid://shopify/Order/{}", state.orders[0].legacy_id),
        )
    };
    let requested = |client: &ShopifyClient| {
        client
            .last_cost()
            .and_then(|cost| cost.requested_query_cost)
            .expect("a cost report")
    };

    let mut costs = Vec::new();
    client.execute::<Shop>(shop::Variables).await.unwrap();
    costs.push(("Shop", requested(&client)));
    let variables = customers_page::Variables {
        first: CUSTOMERS_PAGE_SIZE,
        after: None,
        query: None,
    };
    client.execute::<CustomersPage>(variables).await.unwrap();
    costs.push(("CustomersPage", requested(&client)));
    let variables = orders_page::Variables {
        first: ORDERS_PAGE_SIZE,
        after: None,
        query: None,
    };
    client.execute::<OrdersPage>(variables).await.unwrap();
    costs.push(("OrdersPage", requested(&client)));
    let variables = customer_orders::Variables {
        id: customer_id,
        first: ORDERS_PAGE_SIZE,
        after: None,
    };
    client.execute::<CustomerOrders>(variables).await.unwrap();
    costs.push(("CustomerOrders", requested(&client)));
    let variables = order_line_items_page::Variables {
        id: order_id,
        after: None,
    };
    client
        .execute::<OrderLineItemsPage>(variables)
        .await
        .unwrap();
    costs.push(("OrderLineItemsPage", requested(&client)));

    for (query, cost) in costs {
        assert!(cost <= 1_000.0, "{query} requested {cost}");
        assert!(cost >= 1.0, "{query} requested {cost}");
    }
    sim.shutdown().await;
}
