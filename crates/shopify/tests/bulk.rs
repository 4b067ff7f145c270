//! Bulk exports against the simulator over HTTP: the documents, the lifecycle and its typed
//! errors, and reading the file as a stream of lines.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use apollo_compiler::executable::{Selection, SelectionSet};
use apollo_compiler::ExecutableDocument;
use common::documents::graphql_documents;
use shopdesk_shopify::bulk::lines::{parse_orders_line, OrderExportLine};
use shopdesk_shopify::bulk::{BulkRefusal, DownloadPosition, PollPolicy};
use shopdesk_shopify::{BulkError, BulkExport, BulkStatus, ShopifyClient, ShopifyConfig};
use shopdesk_shopify_sim::{BulkErrorCode, SimConfig, Simulator};

/// Response keys of a selection, recursively, ignoring arguments (fragments inlined).
fn shape(
    set: &SelectionSet,
    document: &ExecutableDocument,
) -> BTreeMap<String, BTreeMap<String, String>> {
    fn walk(
        set: &SelectionSet,
        document: &ExecutableDocument,
        prefix: &str,
        out: &mut BTreeMap<String, String>,
    ) {
        for selection in &set.selections {
            match selection {
                Selection::Field(field) => {
                    let path = format!("{prefix}.{}", field.response_key());
                    out.insert(path.clone(), field.name.to_string());
                    walk(&field.selection_set, document, &path, out);
                }
                Selection::InlineFragment(inline) => {
                    walk(&inline.selection_set, document, prefix, out)
                }
                Selection::FragmentSpread(spread) => walk(
                    &document.fragments[&spread.fragment_name].selection_set,
                    document,
                    prefix,
                    out,
                ),
            }
        }
    }
    let mut fields = BTreeMap::new();
    walk(set, document, "", &mut fields);
    BTreeMap::from([(String::new(), fields)])
}

fn fragment_shape(file: &str, fragment: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let (_, text) = graphql_documents()
        .into_iter()
        .find(|(name, _)| name == file)
        .unwrap();
    let document =
        ExecutableDocument::parse(shopdesk_shopify_schema::schema(), &text, file).unwrap();
    shape(&document.fragments[fragment].selection_set, &document)
}

/// An order line of the export must read as `OrderFields` (one mapping for both syncs).
#[test]
fn bulk_order_fields_select_what_order_fields_select_but_line_items() {
    let mut paged = fragment_shape("orders_page.graphql", "OrderFields");
    for fields in paged.values_mut() {
        fields.retain(|path, _| !path.starts_with(".lineItems"));
    }
    assert_eq!(
        fragment_shape("bulk_orders.graphql", "BulkOrderFields"),
        paged
    );
}

#[test]
fn the_export_queries_follow_the_bulk_rules() {
    for export in [BulkExport::Orders, BulkExport::Customers] {
        let document = shopdesk_shopify_schema::validate(export.query()).expect("valid");
        let text = document.to_string();
        assert!(
            !text.contains("first:") || export == BulkExport::Orders,
            "{export}: {text}"
        );
        assert!(
            !text.contains("after:"),
            "{export}: no pages in a bulk query"
        );
    }
}

fn client(sim: &Simulator) -> ShopifyClient {
    ShopifyClient::new(ShopifyConfig::for_graphql_url(
        sim.graphql_url(),
        sim.access_token(),
    ))
    .unwrap()
}

fn fast() -> PollPolicy {
    PollPolicy {
        first_wait: Duration::from_millis(5),
        max_wait: Duration::from_millis(20),
        timeout: Duration::from_secs(20),
    }
}

#[tokio::test]
async fn an_export_runs_and_its_file_streams_line_by_line() {
    let sim = Simulator::start(SimConfig::demo()).await.unwrap();
    let shopify = client(&sim);
    let started = shopify.start_bulk_export(BulkExport::Orders).await.unwrap();
    assert_eq!(started.status, BulkStatus::Created);
    let mut polls = 0;
    let done = shopify
        .wait_for_bulk_operation(&started.id, &fast(), |_| polls += 1)
        .await
        .unwrap();
    assert!(polls >= 1);
    let url = done.url.clone().expect("a file");

    let mut download = shopify
        .bulk_download(&url, DownloadPosition::default())
        .unwrap();
    let (mut orders, mut items) = (0u64, 0u64);
    while let Some(chunk) = download.next_chunk().await.unwrap() {
        for (line, _) in chunk.lines() {
            match parse_orders_line("gid://shopify/Shop/1", line).unwrap() {
                OrderExportLine::Order(order) => {
                    assert!(order.line_items.is_empty());
                    orders += 1;
                }
                OrderExportLine::LineItem { order_id, .. } => {
                    assert!(order_id.starts_with("gid://shopify/Order/"));
                    items += 1;
                }
            }
        }
    }
    assert_eq!(orders, done.root_object_count);
    assert_eq!(orders + items, done.object_count);
    assert_eq!(download.position().line, done.object_count);
    assert_eq!(Some(download.position().byte), done.file_size);
    sim.shutdown().await;
}

#[tokio::test]
async fn refusals_and_failures_are_typed() {
    let sim = Simulator::start(SimConfig::demo()).await.unwrap();
    let shopify = client(&sim);

    sim.bulk().fail_next_operations(BulkErrorCode::Timeout, 1);
    let failing = shopify
        .start_bulk_export(BulkExport::Customers)
        .await
        .unwrap();
    let error = shopify
        .wait_for_bulk_operation(&failing.id, &fast(), |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(&error, BulkError::Failed { error_code: Some(code), .. } if code == "TIMEOUT"),
        "{error:?}"
    );
    assert!(error.means_bulk_unavailable());
    assert_eq!(
        error.to_string(),
        format!("Shopify's bulk export {} failed (TIMEOUT)", failing.id)
    );

    sim.bulk().pause();
    let mut running = Vec::new();
    for _ in 0..5 {
        running.push(
            shopify
                .start_bulk_export(BulkExport::Customers)
                .await
                .unwrap(),
        );
    }
    let refused = shopify
        .start_bulk_export(BulkExport::Orders)
        .await
        .unwrap_err();
    assert!(
        matches!(
            &refused,
            BulkError::Refused {
                refusal: BulkRefusal::LimitReached,
                ..
            }
        ),
        "{refused:?}"
    );
    assert!(refused.means_bulk_unavailable());

    let canceling = shopify.cancel_bulk_operation(&running[0].id).await.unwrap();
    assert_eq!(canceling.status, BulkStatus::Canceling);
    let canceled = shopify
        .wait_for_bulk_operation(&running[0].id, &fast(), |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(canceled, BulkError::Canceled { .. }),
        "{canceled:?}"
    );

    let short = PollPolicy {
        timeout: Duration::from_millis(50),
        ..fast()
    };
    let timed_out = shopify
        .wait_for_bulk_operation(&running[1].id, &short, |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(timed_out, BulkError::TimedOut { .. }),
        "{timed_out:?}"
    );
    sim.bulk().resume();

    let completed = shopify
        .wait_for_bulk_operation(&running[2].id, &fast(), |_| {})
        .await
        .unwrap();
    assert!(completed.url.is_some());
    sim.bulk()
        .advance_clock(shopdesk_shopify_sim::URL_LIFETIME_SECONDS);
    let expired = shopify
        .wait_for_bulk_operation(&running[2].id, &fast(), |_| {})
        .await
        .unwrap_err();
    assert!(matches!(expired, BulkError::Expired { .. }), "{expired:?}");
    let gone = shopify
        .bulk_download(
            completed.url.as_deref().unwrap(),
            DownloadPosition::default(),
        )
        .unwrap()
        .next_chunk()
        .await
        .unwrap_err();
    assert!(
        matches!(gone, BulkError::FileUnavailable { status: 403 }),
        "{gone:?}"
    );
    let unknown = shopify
        .bulk_operation("gid://shopify/BulkOperation/1")
        .await
        .unwrap();
    assert_eq!(unknown, None);
    sim.shutdown().await;
}

/// Lines of a real export, broken the ways a download or Shopify could break them: each is
/// refused with an error that names it, never read as something else.
#[tokio::test]
async fn broken_export_lines_are_refused_by_name() {
    let sim = Simulator::start(SimConfig::demo()).await.unwrap();
    let shopify = client(&sim);
    let started = shopify.start_bulk_export(BulkExport::Orders).await.unwrap();
    let done = shopify
        .wait_for_bulk_operation(&started.id, &fast(), |_| {})
        .await
        .unwrap();
    let mut download = shopify
        .bulk_download(&done.url.unwrap(), DownloadPosition::default())
        .unwrap();
    let (mut order_line, mut item_line) = (None, None);
    while let Some(chunk) = download.next_chunk().await.unwrap() {
        for (line, _) in chunk.lines() {
            let slot = match parse_orders_line("gid://shopify/Shop/1", line).unwrap() {
                OrderExportLine::Order(_) => &mut order_line,
                OrderExportLine::LineItem { .. } => &mut item_line,
            };
            slot.get_or_insert_with(|| line.to_vec());
        }
    }
    let (order_line, item_line) = (order_line.unwrap(), item_line.unwrap());
    sim.shutdown().await;

    let refused = |line: &[u8]| {
        parse_orders_line("gid://shopify/Shop/1", line)
            .unwrap_err()
            .to_string()
    };
    let truncated = refused(&order_line[..order_line.len() / 2]);
    assert!(truncated.contains("the bulk line starting"), "{truncated}");

    let name_at = memchr::memmem::find(&order_line, b"\"name\":\"").unwrap() + 8;
    let mut not_utf8 = order_line.clone();
    not_utf8.insert(name_at, 0xff);
    let error = refused(&not_utf8);
    assert!(error.contains("the bulk line starting"), "{error}");

    let text = String::from_utf8(item_line).unwrap();
    let parent_at = text.rfind("gid://shopify/Order/").unwrap();
    let wrong_parent = format!(
        "{}gid://shopify/Draft/{}",
        &text[..parent_at],
        &text[parent_at + 20..]
    );
    let error = refused(wrong_parent.as_bytes());
    assert!(
        error.contains("line item gid://shopify/LineItem/"),
        "{error}"
    );
    assert!(error.contains("gid://shopify/Draft/"), "{error}");
}
