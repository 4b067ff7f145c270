//! Incremental catch-up benchmark: N changed orders (default 10,000) read by one incremental
//! sync against a Standard-plan bucket (2,000 points, restoring 100 a second by default), in a
//! simulator on loopback and a real SQLite file.
//!
//! Reports the share of the restore rate the sync actually used (points consumed ÷ (restore
//! rate × elapsed); goal ≥ 90 %) and the THROTTLED answers the simulator counted (goal 0).
//!
//! ```sh
//! cargo bench -p shopdesk-sync --bench incremental_catchup -- --orders 10000 --restore 100
//! cargo bench -p shopdesk-sync --bench incremental_catchup -- --orders 10000 --restore 1000
//! ```
//!
//! At 100 points a second 10,000 orders take most of an hour; `--restore 1000` (a scaled
//! bucket, like Shopify Plus's rate) measures the same pacing in minutes.

#[path = "shared/args.rs"]
mod args;

use std::time::{Duration, Instant};

use args::Args;
use shopdesk_shopify::{ShopifyClient, ShopifyConfig};
use shopdesk_shopify_sim::{SimConfig, Simulator};
use shopdesk_store::Store;
use shopdesk_sync::{full_sync, incremental_sync, IncrementalResource, SyncEvent};

struct Options {
    orders: usize,
    customers: usize,
    restore: f64,
    bucket: f64,
}

fn options() -> Result<Options, String> {
    let args = Args::from_env();
    Ok(Options {
        orders: args.value("--orders", 10_000)?,
        customers: args.value("--customers", 2_000)?,
        restore: args.value("--restore", 100.0)?,
        bucket: args.value("--bucket", 2_000.0)?,
    })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = options()?;
    let sim = Simulator::start(SimConfig::sized(2026, options.customers, options.orders)).await?;
    let client = ShopifyClient::new(ShopifyConfig::for_graphql_url(
        sim.graphql_url(),
        sim.access_token(),
    ))?;
    let dir = std::env::temp_dir().join(format!("shopdesk-catchup-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut store = Store::open(&dir.join("shopdesk.sqlite"))?;

    // The store as a previous sync left it, copied without a rate limit.
    sim.set_throttle(options.bucket, 1e9);
    let setup = Instant::now();
    full_sync(&client, &mut store, |_| {}).await?;
    let changed = sim.activity(7).update_many_orders(options.orders);
    println!(
        "setup: {} orders, {} customers synced and {changed} orders changed in {:.1} s",
        options.orders,
        options.customers,
        setup.elapsed().as_secs_f64()
    );

    sim.set_throttle(options.bucket, options.restore);
    sim.reset_stats();
    let started = Instant::now();
    let mut last_print = Instant::now();
    let report = incremental_sync(&client, &mut store, |event| {
        if let SyncEvent::Page(p) = event {
            let due = last_print.elapsed() > Duration::from_secs(30) || !p.has_more;
            if p.resource == IncrementalResource::Orders && due {
                last_print = Instant::now();
                println!(
                    "  orders {}/{} at {:.1}/s, ETA {:?}",
                    p.records,
                    p.total.unwrap_or_default(),
                    p.records_per_second,
                    p.eta.map(|eta| Duration::from_secs(eta.as_secs()))
                );
            }
        }
    })
    .await?;
    let elapsed = started.elapsed().as_secs_f64();
    let stats = sim.stats();
    let capacity = options.restore * elapsed;
    let used = stats.points_consumed as f64 / capacity;
    // The bucket starts full: those points were not restored during the run.
    let used_without_initial = (stats.points_consumed as f64 - options.bucket).max(0.0) / capacity;
    println!(
        "incremental catch-up, bucket {} / restore {}/s:",
        options.bucket, options.restore
    );
    println!("  orders read        {}", report.orders.records);
    println!("  customers read     {}", report.customers.records);
    println!("  requests           {}", stats.requests);
    println!("  elapsed            {elapsed:.1} s");
    println!(
        "  orders per second  {:.1}",
        report.orders.records as f64 / elapsed
    );
    println!("  points consumed    {}", stats.points_consumed);
    println!("  restore-rate share {:.1} %", used * 100.0);
    println!(
        "  share w/o bucket   {:.1} % (the initial full bucket left out)",
        used_without_initial * 100.0
    );
    println!("  THROTTLED answers  {}", stats.throttled);
    sim.shutdown().await;
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
