//! The demo end to end without a window: simulator → sync → SQLite → demo mailbox → use cases.

use shopdesk_app::App;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_tickets_open_beside_their_customers_orders() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start_demo(dir.path()).await.unwrap();

    let tickets = app.list_tickets().unwrap();
    assert!(tickets.len() >= 20, "only {} demo tickets", tickets.len());
    assert!(
        tickets
            .windows(2)
            .all(|w| w[0].last_message_at >= w[1].last_message_at),
        "inbox is newest first"
    );

    // A ticket about an order: the order it mentions comes first, marked linked, and every order
    // shown is the customer's.
    let with_order = tickets.iter().find(|t| t.order_name.is_some()).unwrap();
    let view = app.open_ticket(with_order.id).unwrap();
    let customer = view
        .customer
        .as_ref()
        .expect("demo ticket has a known customer");
    assert_eq!(
        view.orders[0].name,
        *with_order.order_name.as_ref().unwrap()
    );
    assert!(view.orders[0].linked);
    assert_eq!(
        view.orders.len() as i64,
        customer.orders_count,
        "all of the customer's orders"
    );
    assert!(!view.messages.is_empty());
    assert!(view.messages.windows(2).all(|w| w[0].date <= w[1].date));

    // Exactly one demo mail is broken: it is shown raw and flagged, not lost.
    let flagged: Vec<_> = tickets
        .iter()
        .flat_map(|t| app.open_ticket(t.id).unwrap().messages)
        .filter(|m| m.parse_error.is_some())
        .collect();
    assert_eq!(flagged.len(), 1);
    assert!(!flagged[0].body_text.is_empty(), "raw mail shown");

    // Money crosses IPC as exact decimal text.
    let total = &view.orders[0].total;
    assert_eq!(
        total.formatted,
        format!("{} {}", total.amount, total.currency)
    );
    assert!(!total.amount.contains('e'));

    let missing = app.open_ticket(999_999).unwrap_err();
    assert!(missing.to_string().contains("999999"), "{missing}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starting_the_demo_twice_on_the_same_folder_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let first = App::start_demo(dir.path())
        .await
        .unwrap()
        .list_tickets()
        .unwrap();
    let second = App::start_demo(dir.path())
        .await
        .unwrap()
        .list_tickets()
        .unwrap();
    assert_eq!(first, second);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_data_folder_and_database_are_private_to_the_user() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let _app = App::start_demo(&data).await.unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    for file in ["shopdesk.db", "shopdesk.db-wal", "shopdesk.db-shm"] {
        let path = data.join(file);
        if path.exists() {
            assert_eq!(mode(&path) & 0o077, 0, "{file} is readable by others");
        }
    }
}
