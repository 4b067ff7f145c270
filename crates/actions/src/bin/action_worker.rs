//! Submits refunds and replacements one after the other and prints a line after each: the
//! process the kill test (tests/kill.rs) SIGKILLs at random points, between the outbox write
//! and the confirmation included.
//!
//! `action_worker --url URL --token TOKEN --db PATH --ticket ID refund,ORDER,LINE replace,ORDER,LINE ...`

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use shopdesk_actions::{
    ActionEngine, ActionRequest, RefundLineRequest, RefundRequest, ReplacementLineRequest,
    ReplacementRequest, ShippingRefund, SubmitMode,
};
use shopdesk_shopify::{RetryPolicy, ShopifyClient, ShopifyConfig};
use shopdesk_store::Store;

struct Args {
    url: String,
    token: String,
    db: PathBuf,
    ticket: i64,
    actions: Vec<ActionRequest>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let (mut url, mut token, mut db, mut ticket) = (None, None, None, None);
    let mut actions = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--url" => url = args.next(),
            "--token" => token = args.next(),
            "--db" => db = args.next().map(PathBuf::from),
            "--ticket" => ticket = args.next().and_then(|t| t.parse().ok()),
            spec => actions.push(action(spec)?),
        }
    }
    Ok(Args {
        url: url.ok_or("--url is missing")?,
        token: token.ok_or("--token is missing")?,
        db: db.ok_or("--db is missing")?,
        ticket: ticket.ok_or("--ticket is missing")?,
        actions,
    })
}

fn action(spec: &str) -> Result<ActionRequest, String> {
    let mut parts = spec.splitn(3, ',');
    let (kind, order_id, line_item_id) = match (parts.next(), parts.next(), parts.next()) {
        (Some(kind), Some(order), Some(line)) => (kind, order.to_string(), line.to_string()),
        _ => return Err(format!("\"{spec}\" is not kind,order,line")),
    };
    Ok(match kind {
        "refund" => ActionRequest::Refund(RefundRequest {
            order_id,
            lines: vec![RefundLineRequest {
                line_item_id,
                quantity: 1,
                restock: true,
            }],
            restock_location_id: None,
            shipping: ShippingRefund::None,
            reason: "Damaged in transit".into(),
            note: None,
            notify: false,
            confirmed_total: None,
        }),
        "replace" => ActionRequest::Replacement(ReplacementRequest {
            order_id,
            lines: vec![ReplacementLineRequest {
                line_item_id,
                variant_id: None,
                quantity: 1,
            }],
            shipping_address: None,
            note: None,
        }),
        other => return Err(format!("unknown action kind {other}")),
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let mut config = ShopifyConfig::for_graphql_url(&args.url, args.token.as_str());
    config.request_timeout = Duration::from_secs(1);
    config.retry = RetryPolicy {
        max_retries: 2,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(20),
    };
    let client = ShopifyClient::new(config).expect("client");
    let store = Store::open(&args.db).expect("store");
    let engine = ActionEngine::new(Arc::new(Mutex::new(store)), client, "Ana", None)
        .with_search_settle(Duration::ZERO);
    for (index, request) in args.actions.into_iter().enumerate() {
        let outcome = engine
            .submit(Some(args.ticket), request, SubmitMode::Now, None)
            .await;
        let state = match outcome {
            Ok(record) => format!("{:?}", record.state),
            Err(error) => format!("refused: {error}"),
        };
        println!("{index} {state}");
    }
}
