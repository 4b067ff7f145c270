//! The initial sync by bulk export against the real simulator over HTTP, into a real SQLite
//! file: same result as the paginated sync, any line order, broken downloads, a run stopped
//! between two batches, and pagination when Shopify refuses or fails the export.

mod common;

use std::time::Duration;

use common::expected::assert_store_matches;
use common::{client, start, temp_store};
use shopdesk_shopify::bulk::PollPolicy;
use shopdesk_shopify::BulkExport;
use shopdesk_shopify_sim::{BulkErrorCode, BulkOutputOrder, SimConfig, Simulator};
use shopdesk_sync::{
    full_sync, initial_sync_bulk_with, BulkSyncOptions, InitialSyncProgress, InitialSyncReport,
    SyncError, SyncMethod,
};

fn options() -> BulkSyncOptions {
    BulkSyncOptions {
        poll: PollPolicy {
            first_wait: Duration::from_millis(5),
            max_wait: Duration::from_millis(20),
            timeout: Duration::from_secs(30),
        },
        ..BulkSyncOptions::default()
    }
}

fn small_batches(batch_records: usize) -> BulkSyncOptions {
    BulkSyncOptions {
        batch_records,
        ..options()
    }
}

async fn bulk_sync(
    sim: &Simulator,
    store: &mut shopdesk_store::Store,
    options: &BulkSyncOptions,
) -> InitialSyncReport {
    initial_sync_bulk_with(&client(sim), store, options, |_| {})
        .await
        .expect("the initial sync succeeds")
}

fn assert_bulk(method: &SyncMethod) {
    assert!(matches!(method, SyncMethod::Bulk { .. }), "{method:?}");
}

#[tokio::test]
async fn the_bulk_export_stores_exactly_what_the_paginated_sync_stores() {
    let sim = start(SimConfig::demo()).await;
    let (_paged_dir, mut paged) = temp_store();
    full_sync(&client(&sim), &mut paged, |_| {}).await.unwrap();
    let (_bulk_dir, mut bulk) = temp_store();
    let mut events = Vec::new();

    let report = initial_sync_bulk_with(&client(&sim), &mut bulk, &options(), |e| events.push(e))
        .await
        .unwrap();

    assert_eq!(bulk.customers().unwrap(), paged.customers().unwrap());
    assert_eq!(bulk.orders().unwrap(), paged.orders().unwrap());
    assert_store_matches(&bulk, &sim);
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    assert_bulk(&report.customers.method);
    assert_bulk(&report.orders.method);
    // The orders' search index, built beside the indexes and copied in, finds every order.
    assert!(
        report.indexes.orders_search_built_aside,
        "{:?}",
        report.indexes
    );
    for order in bulk.orders().unwrap() {
        let hits = bulk.search(&order.name, 50).unwrap();
        assert!(hits.iter().any(|hit| hit.id == order.id), "{}", order.name);
    }
    let state = sim.state();
    let (orders, items) = {
        let state = state.read().unwrap();
        let items: usize = state.orders.iter().map(|o| o.line_items.len()).sum();
        (state.orders.len() as u64, items as u64)
    };
    assert_eq!(report.orders.records, orders);
    match &report.orders.method {
        SyncMethod::Bulk {
            line_items,
            orphan_line_items,
            lines,
            ..
        } => {
            assert_eq!(*line_items, items);
            assert_eq!(*orphan_line_items, 0);
            assert_eq!(*lines, orders + items);
        }
        other => panic!("{other:?}"),
    }
    // Same checkpoints as a finished paginated pass: the incremental sync starts from there.
    let shop_id = &report.shop.id;
    for resource in ["customers", "orders"] {
        assert_eq!(
            bulk.sync_checkpoint(shop_id, resource)
                .unwrap()
                .unwrap()
                .watermark,
            paged
                .sync_checkpoint(shop_id, resource)
                .unwrap()
                .unwrap()
                .watermark,
            "{resource}"
        );
    }
    // Progress: the export, then batches with a rate, ending at the expected count.
    assert!(events
        .iter()
        .any(|e| matches!(e, InitialSyncProgress::Exporting { .. })));
    let last_import = events
        .iter()
        .rev()
        .find_map(|e| match e {
            InitialSyncProgress::Importing(p) => Some(p.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(last_import.records, orders);
    assert_eq!(last_import.expected, orders);
    assert!(last_import.records_per_second > 0.0);
    assert_eq!(last_import.eta, Some(Duration::ZERO));
    sim.shutdown().await;
}

#[tokio::test]
async fn children_before_their_parents_still_land_under_them() {
    let sim = start(SimConfig::demo()).await;
    sim.bulk().set_output_order(BulkOutputOrder::ChildrenFirst);
    let (_dir, mut store) = temp_store();

    let report = bulk_sync(&sim, &mut store, &small_batches(7)).await;

    assert_store_matches(&store, &sim);
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_download_broken_mid_file_resumes_without_duplicates() {
    let sim = start(SimConfig::sized(7, 60, 300)).await;
    // Two downloads cut (the customers file and the first part of the orders file).
    sim.bulk().fail_downloads_after(5_000, 2);
    let (_dir, mut store) = temp_store();

    let report = bulk_sync(&sim, &mut store, &small_batches(25)).await;

    assert_store_matches(&store, &sim);
    let stats = sim.bulk().download_stats();
    assert_eq!(stats.cut, 2);
    assert!(stats.range_requests >= 2, "{stats:?}");
    let resumes = |method: &SyncMethod| match method {
        SyncMethod::Bulk {
            download_resumes, ..
        } => *download_resumes,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        resumes(&report.customers.method) + resumes(&report.orders.method),
        2
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_server_without_ranges_is_read_again_from_the_start() {
    let sim = start(SimConfig::sized(8, 30, 200)).await;
    sim.bulk().set_range_requests(false);
    sim.bulk().fail_downloads_after(50_000, 1);
    let (_dir, mut store) = temp_store();

    bulk_sync(&sim, &mut store, &small_batches(20)).await;

    assert_store_matches(&store, &sim);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_run_stopped_between_batches_is_finished_by_the_next_one() {
    let sim = start(SimConfig::sized(9, 40, 120)).await;
    let (_dir, mut store) = temp_store();

    // 40 customers in 4 batches, then 2 batches of orders: stopped in the middle of the orders.
    let stopped = initial_sync_bulk_with(
        &client(&sim),
        &mut store,
        &BulkSyncOptions {
            stop_after_batches: Some(6),
            ..small_batches(10)
        },
        |_| {},
    )
    .await
    .expect_err("stops as asked");
    assert!(
        matches!(stopped, SyncError::Stopped { batches: 6 }),
        "{stopped:?}"
    );
    assert_eq!(store.customers_count().unwrap(), 40);
    assert_eq!(store.orders_count().unwrap(), 20);
    let exports_before = sim.bulk().operations().len();

    let report = bulk_sync(&sim, &mut store, &small_batches(10)).await;

    assert_store_matches(&store, &sim);
    assert_eq!(report.customers.method, SyncMethod::AlreadyDone);
    match &report.orders.method {
        SyncMethod::Bulk {
            resumed,
            download_resumes,
            ..
        } => {
            assert!(*resumed);
            assert_eq!(*download_resumes, 1, "continued with a Range request");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        report.orders.records, 100,
        "only what the first run had not written"
    );
    assert_eq!(
        sim.bulk().operations().len(),
        exports_before,
        "no new export"
    );
    assert!(sim.bulk().download_stats().range_requests >= 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn refused_exports_fall_back_to_pages() {
    let sim = start(SimConfig::demo()).await;
    sim.bulk().pause();
    let shopify = client(&sim);
    for _ in 0..5 {
        shopify
            .start_bulk_export(BulkExport::Customers)
            .await
            .unwrap();
    }
    let (_dir, mut store) = temp_store();
    let mut fell_back = Vec::new();

    let report = initial_sync_bulk_with(&shopify, &mut store, &options(), |e| {
        if let InitialSyncProgress::FellBack { resource, .. } = e {
            fell_back.push(resource);
        }
    })
    .await
    .unwrap();

    assert_store_matches(&store, &sim);
    assert_eq!(fell_back.len(), 2);
    for method in [&report.customers.method, &report.orders.method] {
        match method {
            SyncMethod::Paginated { reason, pass } => {
                assert!(reason.contains("bulk query operations"), "{reason}");
                assert!(pass.pages > 0);
            }
            other => panic!("{other:?}"),
        }
    }
    sim.bulk().resume();
    sim.shutdown().await;
}

#[tokio::test]
async fn a_failed_export_is_replaced_by_pages_for_that_resource_only() {
    let sim = start(SimConfig::demo()).await;
    // The first export started (customers) fails with ACCESS_DENIED.
    sim.bulk()
        .fail_next_operations(BulkErrorCode::AccessDenied, 1);
    let (_dir, mut store) = temp_store();

    let report = bulk_sync(&sim, &mut store, &options()).await;

    assert_store_matches(&store, &sim);
    match &report.customers.method {
        SyncMethod::Paginated { reason, .. } => {
            assert!(reason.contains("ACCESS_DENIED"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    assert_bulk(&report.orders.method);
    sim.shutdown().await;
}

/// The import sets the search indexes aside and rebuilds them at its end, in one transaction.
/// A run that stops inside that transaction (as a crash would: nothing of it is committed)
/// leaves every record stored and order search incomplete (the customers' share was put back
/// as soon as they were in); the next run only does the rebuild.
#[tokio::test]
async fn a_run_stopped_during_the_index_rebuild_is_finished_by_the_next_one() {
    let sim = start(SimConfig::sized(12, 30, 90)).await;
    let (dir, mut store) = temp_store();
    let files = || {
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| !name.ends_with("-wal") && !name.ends_with("-shm"))
            .collect();
        names.sort();
        names
    };
    let some_customer = |store: &shopdesk_store::Store| {
        let customer = store.customers().unwrap().into_iter().next().unwrap();
        let hits = store.search(&customer.display_name, 50).unwrap();
        hits.iter().any(|hit| hit.id == customer.id)
    };
    let some_order = |store: &shopdesk_store::Store| {
        let order = store.orders().unwrap().into_iter().next().unwrap();
        let hits = store.search(&order.name, 50).unwrap();
        hits.iter().any(|hit| hit.id == order.id)
    };

    let stopped = initial_sync_bulk_with(
        &client(&sim),
        &mut store,
        &BulkSyncOptions {
            fail_index_rebuild: true,
            ..options()
        },
        |_| {},
    )
    .await
    .expect_err("stops in the rebuild, as asked");
    assert!(matches!(stopped, SyncError::Stopped { .. }), "{stopped:?}");
    assert_eq!(store.orders_count().unwrap(), 90);
    assert!(store.search_index_rebuilding().unwrap());
    assert_eq!(files(), ["shopdesk.sqlite"], "no scratch file left");
    assert!(
        !some_order(&store),
        "orders not searchable before the rebuild"
    );
    assert!(
        some_customer(&store),
        "customers searchable once they are in"
    );
    let exports_before = sim.bulk().operations().len();

    let report = bulk_sync(&sim, &mut store, &options()).await;

    assert_eq!(report.customers.method, SyncMethod::AlreadyDone);
    assert_eq!(report.orders.method, SyncMethod::AlreadyDone);
    assert!(report.indexes.restored);
    assert!(report.indexes.orders_search_built_aside);
    assert_eq!(files(), ["shopdesk.sqlite"]);
    assert_eq!(
        sim.bulk().operations().len(),
        exports_before,
        "no new export"
    );
    assert!(!store.search_index_rebuilding().unwrap());
    assert!(some_order(&store), "searchable after the rebuild");
    assert!(some_customer(&store));
    assert_store_matches(&store, &sim);
    sim.shutdown().await;
}
