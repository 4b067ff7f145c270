//! Bulk import writes: batches with their position, staged line items moved in file order at
//! the end, orphans dropped and counted, the sync checkpoint written with the last transaction.

use shopdesk_money::Money;
use shopdesk_store::*;

fn eur(amount: &str) -> Money {
    Money::parse(amount, "EUR").unwrap()
}

fn shop() -> ShopRecord {
    ShopRecord {
        id: "gid://shopify/Shop/1".into(),
        domain: "acme.myshopify.com".into(),
        name: "Acme".into(),
        currency: "EUR".parse().unwrap(),
    }
}

fn order(n: u32, line_items: Vec<LineItemRecord>) -> OrderRecord {
    OrderRecord {
        id: format!("gid://shopify/Order/{n}"),
        shop_id: shop().id,
        customer_id: None,
        name: format!("#{n}"),
        email: None,
        created_at: "2026-11-01T10:00:00Z".into(),
        processed_at: "2026-11-01T10:00:00Z".into(),
        updated_at: format!("2026-11-{:02}T10:00:00Z", n % 28 + 1),
        cancelled_at: None,
        cancel_reason: None,
        closed_at: None,
        financial_status: "PAID".into(),
        fulfillment_status: "UNFULFILLED".into(),
        presentment_currency: "EUR".parse().unwrap(),
        subtotal: eur("10"),
        shipping: eur("0"),
        tax: eur("0"),
        total: eur("10"),
        current_total: eur("10"),
        refunded: eur("0"),
        presentment_total: eur("10"),
        note: None,
        tags: vec![],
        shipping_address: None,
        status_page_url: None,
        line_items,
        fulfillments: vec![],
        refunds: vec![],
    }
}

/// The order as a bulk import writes it.
fn order_row(n: u32, line_items: Vec<LineItemRecord>) -> OrderRow {
    OrderRow::new(order(n, line_items)).unwrap()
}

fn item(id: &str) -> LineItemRecord {
    LineItemRecord {
        id: format!("gid://shopify/LineItem/{id}"),
        name: format!("item {id}"),
        sku: None,
        variant_title: None,
        quantity: 1,
        current_quantity: 1,
        refundable_quantity: 1,
        unfulfilled_quantity: 1,
        unit_price: eur("10"),
        variant_id: None,
        product_id: None,
    }
}

fn staged(seq: u64, order: u32, id: &str) -> StagedLineItem {
    StagedLineItem::new(seq, &format!("gid://shopify/Order/{order}"), item(id)).unwrap()
}

fn state(lines: u64) -> BulkImportState {
    BulkImportState {
        shop_id: shop().id,
        resource: "orders".into(),
        operation_id: "gid://shopify/BulkOperation/7".into(),
        lines_done: lines,
        bytes_done: lines * 100,
        records_done: 0,
        max_updated_at: None,
        started_at: "2026-11-29T10:00:00.5Z".into(),
        finished_at: None,
    }
}

#[test]
fn staged_line_items_land_under_their_orders_in_file_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("bulk.sqlite")).unwrap();
    store.upsert_shop(&shop()).unwrap();
    // An earlier sync left order 1 with an item the export no longer has.
    store
        .upsert_orders_page(&[order(1, vec![item("700")])], None)
        .unwrap();
    store.start_bulk_import(&state(0)).unwrap();

    // Children first (seq 1, 2, 4), then the order; one child's order never comes.
    store
        .write_bulk_orders(
            &[],
            &[],
            &[staged(1, 1, "702"), staged(2, 9, "799")],
            &state(2),
        )
        .unwrap();
    store
        .write_bulk_orders(
            &[order_row(1, vec![])],
            &[staged(4, 1, "703")],
            &[staged(3, 1, "701")],
            &state(4),
        )
        .unwrap();
    assert_eq!(
        store.bulk_import_state(&shop().id, "orders").unwrap(),
        Some(state(4))
    );

    let checkpoint = SyncCheckpoint {
        shop_id: shop().id,
        resource: "orders".into(),
        cursor: None,
        watermark: Some("2026-11-02T10:00:00Z".into()),
        pass_started_at: Some(state(0).started_at),
    };
    let finish = store.finish_bulk_import(&state(4), &checkpoint).unwrap();

    assert_eq!(
        finish,
        BulkImportFinish {
            line_items: 2,
            orphans: 1
        }
    );
    let stored = store.order("gid://shopify/Order/1").unwrap().unwrap();
    let ids: Vec<&str> = stored.line_items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "gid://shopify/LineItem/702",
            "gid://shopify/LineItem/701",
            "gid://shopify/LineItem/703"
        ]
    );
    assert_eq!(
        store.sync_checkpoint(&shop().id, "orders").unwrap(),
        Some(checkpoint)
    );
    assert!(store
        .bulk_import_state(&shop().id, "orders")
        .unwrap()
        .unwrap()
        .finished_at
        .is_some());
}

#[test]
fn an_abandoned_import_drops_its_staged_items() {
    let mut store = Store::open_in_memory().unwrap();
    store.upsert_shop(&shop()).unwrap();
    store.start_bulk_import(&state(0)).unwrap();
    store
        .write_bulk_orders(&[], &[], &[staged(1, 1, "701")], &state(1))
        .unwrap();
    store.abandon_bulk_import(&shop().id, "orders").unwrap();
    store.start_bulk_import(&state(0)).unwrap();
    store
        .write_bulk_orders(&[order_row(1, vec![])], &[], &[], &state(1))
        .unwrap();
    let checkpoint = SyncCheckpoint {
        shop_id: shop().id,
        resource: "orders".into(),
        cursor: None,
        watermark: None,
        pass_started_at: None,
    };
    let finish = store.finish_bulk_import(&state(1), &checkpoint).unwrap();
    assert_eq!(finish, BulkImportFinish::default());
    assert!(store
        .order("gid://shopify/Order/1")
        .unwrap()
        .unwrap()
        .line_items
        .is_empty());
}

#[test]
fn during_an_import_another_connection_copies_the_log_into_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bulk.sqlite");
    let mut store = Store::open(&path).unwrap();
    store.upsert_shop(&shop()).unwrap();
    store.start_bulk_import(&state(0)).unwrap();
    store.tune_for_bulk_import().unwrap();
    let file_before = std::fs::metadata(&path).unwrap().len();

    // A few MB: far below the writer's own checkpoint threshold (~64 MB of log), so only the
    // background checkpoints can bring these pages into the file.
    for batch in 0..20u32 {
        let orders: Vec<_> = (0..100)
            .map(|i| {
                let n = batch * 100 + i + 1;
                order_row(
                    n,
                    vec![
                        item(&format!("{}", n * 10)),
                        item(&format!("{}", n * 10 + 1)),
                    ],
                )
            })
            .collect();
        store
            .write_bulk_orders(&orders, &[], &[], &state(u64::from(batch + 1)))
            .unwrap();
    }

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::fs::metadata(&path).unwrap().len() <= file_before {
        assert!(
            std::time::Instant::now() < deadline,
            "nothing was checkpointed into the database file in 20 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    store.end_bulk_import_tuning().unwrap();
    assert_eq!(store.orders_count().unwrap(), 2000);
    let wal = dir.path().join("bulk.sqlite-wal");
    assert_eq!(std::fs::metadata(wal).map(|m| m.len()).unwrap_or(0), 0);
}

#[test]
fn a_row_refuses_what_the_store_cannot_store_naming_it() {
    let mut mixed = order(5, vec![]);
    mixed.tax = Money::parse("1", "USD").unwrap();
    let error = OrderRow::new(mixed).unwrap_err().to_string();
    assert!(
        error.contains("order #5: tax is in USD but the total is in EUR"),
        "{error}"
    );

    let mut bad_item = item("7");
    bad_item.id = "gid://shopify/LineItem/07".into();
    let error = OrderRow::new(order(6, vec![bad_item.clone()]))
        .unwrap_err()
        .to_string();
    assert!(error.contains("gid://shopify/LineItem/07"), "{error}");
    let error = StagedLineItem::new(1, "gid://shopify/Order/6", bad_item)
        .unwrap_err()
        .to_string();
    assert!(error.contains("gid://shopify/LineItem/07"), "{error}");
    let error = StagedLineItem::new(1, "gid://shopify/Draft/6", item("8"))
        .unwrap_err()
        .to_string();
    assert!(error.contains("gid://shopify/Draft/6"), "{error}");

    assert_eq!(order_row(6, vec![item("8")]).id(), 6);
}

#[test]
fn the_same_order_twice_in_one_page_keeps_the_newer_copy_and_only_its_children() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("twice.sqlite")).unwrap();
    store.upsert_shop(&shop()).unwrap();
    let mut older = order(3, vec![item("31"), item("32")]);
    older.updated_at = "2026-11-02T10:00:00Z".into();
    let mut newer = order(3, vec![item("33")]);
    newer.updated_at = "2026-11-03T10:00:00Z".into();
    newer.note = Some("newer".into());

    for page in [
        vec![older.clone(), newer.clone()],
        vec![newer.clone(), older.clone()],
    ] {
        store.upsert_orders_page(&page, None).unwrap();
        let stored = store.order("gid://shopify/Order/3").unwrap().unwrap();
        assert_eq!(stored.note.as_deref(), Some("newer"));
        let ids: Vec<_> = stored.line_items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["gid://shopify/LineItem/33"]);
    }
}

/// Every hit's order name for `query`.
fn order_hits(store: &Store, query: &str) -> Vec<String> {
    let mut names: Vec<String> = store
        .search(query, 1000)
        .unwrap()
        .into_iter()
        .filter(|hit| hit.kind == SearchKind::Order)
        .map(|hit| hit.title)
        .collect();
    names.sort();
    names
}

#[test]
fn the_orders_search_index_built_aside_is_copied_in_and_stays_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bulk.sqlite");
    let mut store = Store::open(&path).unwrap();
    store.upsert_shop(&shop()).unwrap();
    // An order from an earlier sync, indexed by the triggers; searching it makes this
    // connection read the index (FTS5 keeps what it read per connection).
    let mut earlier = order(1, vec![]);
    earlier.note = Some("blue teapot".into());
    store.upsert_orders_page(&[earlier], None).unwrap();
    assert_eq!(order_hits(&store, "teapot"), ["#1"]);

    store.defer_indexes_for_bulk_import().unwrap();
    store.start_bulk_import(&state(0)).unwrap();
    let imported: Vec<OrderRow> = (2..=300)
        .map(|n| {
            let mut o = order(n, vec![]);
            o.note = Some(format!(
                "teapot {}",
                if n % 2 == 0 { "green" } else { "red" }
            ));
            o.email = Some(format!("buyer{n}@example.com"));
            OrderRow::new(o).unwrap()
        })
        .collect();
    store
        .write_bulk_orders(&imported, &[], &[], &state(299))
        .unwrap();

    let restored = store.restore_deferred_indexes().unwrap();

    assert!(restored.restored);
    assert!(restored.orders_search_built_aside, "{restored:?}");
    let mut files: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.retain(|name| !name.starts_with("bulk.sqlite-wal") && !name.ends_with("-shm"));
    assert_eq!(files, ["bulk.sqlite"], "the scratch file is removed");
    // The index matches the table it indexes, row for row (FTS5's own check).
    let check = rusqlite::Connection::open(&path).unwrap();
    check
        .execute(
            "INSERT INTO orders_fts(orders_fts, rank) VALUES ('integrity-check', 1)",
            [],
        )
        .unwrap();
    assert_eq!(order_hits(&store, "teapot").len(), 300);
    assert_eq!(order_hits(&store, "green").len(), 150);
    assert_eq!(order_hits(&store, "buyer77"), ["#77"]);

    // Later writes through this same store land in the copied index, next to what it has.
    let mut later = order(301, vec![]);
    later.note = Some("teapot lid".into());
    store.upsert_orders_page(&[later], None).unwrap();
    assert_eq!(order_hits(&store, "lid"), ["#301"]);
    assert_eq!(order_hits(&store, "teapot").len(), 301);
    check
        .execute(
            "INSERT INTO orders_fts(orders_fts, rank) VALUES ('integrity-check', 1)",
            [],
        )
        .unwrap();
}
