//! Helpers for the engine's tests: the real simulator over HTTP, a real SQLite file, a ticket,
//! orders picked from the simulator's state (never hard-coded), and a client for an address
//! where nothing listens (offline).
#![allow(dead_code)]

pub mod check;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use shopdesk_actions::{
    ActionEngine, ActionRecord, ActionRequest, RefundLimit, RefundLineRequest, RefundRequest,
    ShippingRefund, SubmitMode,
};
use shopdesk_money::Money;
use shopdesk_shopify::{RetryPolicy, ShopifyClient, ShopifyConfig};
use shopdesk_shopify_sim::model::{Order, PaymentState, ShopState};
use shopdesk_shopify_sim::{gid, SimConfig, Simulator};
use shopdesk_store::{NewMessage, NewTicket, Store, TicketTarget};
use tempfile::TempDir;

/// A simulator with a Plus-sized bucket that refills at once (these tests are not about pacing).
pub async fn start_sim(seed: u64, orders: usize) -> Simulator {
    let sim = Simulator::start(SimConfig::sized(seed, 30, orders))
        .await
        .expect("simulator starts");
    sim.set_throttle(20_000.0, 1_000_000.0);
    sim
}

/// Short retries and timeouts: faults are answered in milliseconds here.
pub fn client_for(url: &str, token: &str, timeout: Duration) -> ShopifyClient {
    let mut config = ShopifyConfig::for_graphql_url(url, token);
    config.request_timeout = timeout;
    config.connect_timeout = Duration::from_millis(500);
    config.retry = RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(20),
    };
    ShopifyClient::new(config).expect("client")
}

pub fn client(sim: &Simulator) -> ShopifyClient {
    client_for(
        &sim.graphql_url(),
        sim.access_token(),
        Duration::from_secs(5),
    )
}

/// A client for a port where nothing listens: Shopify can't be reached.
pub fn offline_client() -> ShopifyClient {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let url = format!("http://127.0.0.1:{port}/admin/api/2026-10/graphql.json");
    client_for(&url, "shpat_offline", Duration::from_secs(2))
}

pub struct Desk {
    pub _dir: TempDir,
    pub path: std::path::PathBuf,
    pub store: Arc<Mutex<Store>>,
    pub ticket_id: i64,
}

pub fn desk() -> Desk {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("shopdesk.sqlite");
    let mut store = Store::open(&path).expect("store opens");
    let ticket_id = ticket(&mut store);
    Desk {
        _dir: dir,
        path,
        store: Arc::new(Mutex::new(store)),
        ticket_id,
    }
}

pub fn ticket(store: &mut Store) -> i64 {
    let message = NewMessage {
        message_id: Some(format!("{}@customer.test", rand_id())),
        sent_at: "2026-11-28T12:00:00Z".into(),
        raw: b"Subject: broken mug\r\n\r\nit arrived broken\r\n".to_vec(),
        source: "test".into(),
        subject: "broken mug".into(),
        ..NewMessage::default()
    };
    let target = TicketTarget::New(NewTicket {
        token: format!("T-{}", rand_id()),
        subject: "broken mug".into(),
        customer_id: None,
        customer_email: "customer@shop.test".into(),
        customer_name: None,
    });
    store
        .ingest_message(&message, &target, &[])
        .unwrap()
        .ticket_id
        .unwrap()
}

fn rand_id() -> u64 {
    rand::random()
}

pub fn engine(desk: &Desk, client: ShopifyClient, limit: Option<&str>) -> ActionEngine {
    let limit = limit.map(|amount| RefundLimit {
        limit: Money::parse(amount, "EUR").unwrap(),
    });
    ActionEngine::new(desk.store.clone(), client, "Ana", limit).with_search_settle(Duration::ZERO)
}

/// A paid, open order with nothing refunded and at least `units` units, none fulfilled
/// when `unfulfilled`, in the shop's currency.
pub fn pick_order(sim: &Simulator, units: u32, unfulfilled: bool, skip: usize) -> String {
    pick(sim, skip, |state, o| {
        o.payment == PaymentState::Paid
            && o.cancelled_at.is_none()
            && o.refunds.is_empty()
            && o.presentment_currency == state.shop.currency
            && o.line_items.iter().map(|l| l.quantity).sum::<u32>() >= units
            && (!unfulfilled || o.line_items.iter().all(|l| l.fulfilled_quantity == 0))
            && o.shipping_address.is_some()
    })
}

pub fn pick(sim: &Simulator, skip: usize, filter: impl Fn(&ShopState, &Order) -> bool) -> String {
    let state = sim.state();
    let state = state.read().unwrap();
    let order = state
        .orders
        .iter()
        .filter(|o| filter(&state, o))
        .nth(skip)
        .expect("the seeded shop has such an order");
    gid("Order", order.legacy_id)
}

/// Line items of an order as (gid, quantity, refunded quantity).
pub fn lines_of(sim: &Simulator, order_gid: &str) -> Vec<(String, u32, u32)> {
    let state = sim.state();
    let state = state.read().unwrap();
    state
        .order_by_gid(order_gid)
        .unwrap()
        .line_items
        .iter()
        .map(|l| {
            (
                gid("LineItem", l.legacy_id),
                l.quantity,
                l.refunded_quantity,
            )
        })
        .collect()
}

/// A refund of these lines (with restock), the reason and a note, notifying the customer.
pub fn refund_request(
    order_id: &str,
    lines: &[(String, i64)],
    shipping: ShippingRefund,
) -> RefundRequest {
    RefundRequest {
        order_id: order_id.into(),
        lines: lines
            .iter()
            .map(|(id, quantity)| RefundLineRequest {
                line_item_id: id.clone(),
                quantity: *quantity,
                restock: true,
            })
            .collect(),
        restock_location_id: None,
        shipping,
        reason: "Arrived broken".into(),
        note: Some("photo in the ticket".into()),
        notify: true,
        confirmed_total: None,
    }
}

/// A simulator of 80 orders from `seed`, a desk with a ticket and an engine online to it, with
/// no refund limit.
pub async fn online_desk(seed: u64) -> (Simulator, Desk, ActionEngine) {
    let sim = start_sim(seed, 80).await;
    let desk = desk();
    let engine = engine(&desk, client(&sim), None);
    (sim, desk, engine)
}

/// Submits `request` for the desk's ticket to be sent now, with no owner approval.
pub async fn submit_now(
    engine: &ActionEngine,
    desk: &Desk,
    request: ActionRequest,
) -> shopdesk_actions::Result<ActionRecord> {
    engine
        .submit(Some(desk.ticket_id), request, SubmitMode::Now, None)
        .await
}

/// Submits `request` for the desk's ticket to be sent when online, with no owner approval.
pub async fn submit_when_online(
    engine: &ActionEngine,
    desk: &Desk,
    request: ActionRequest,
) -> shopdesk_actions::Result<ActionRecord> {
    engine
        .submit(Some(desk.ticket_id), request, SubmitMode::WhenOnline, None)
        .await
}
