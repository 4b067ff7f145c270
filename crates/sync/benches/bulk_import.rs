//! Bulk import benchmark: the simulator (in a child process, so that it does not count in this
//! process's memory) is seeded with 100k orders and 50k customers; the initial sync by bulk
//! export copies them into a fresh SQLite file. Reports orders per second for the import
//! (download, parse, map, write, and moving the line items in place), the memory of this
//! process at 10k / 50k / 100k orders, and the floor: the sqlite3 CLI inserting the very same
//! rows into a fresh file with the same schema.
//!
//! ```sh
//! cargo bench -p shopdesk-sync --bench bulk_import
//! cargo bench -p shopdesk-sync --bench bulk_import -- --orders 100000 --customers 50000 --batch 1000
//! ```

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The app's allocator (src-tauri/src/main.rs), so that the import's figures are the app's.
#[global_allocator]
static ALLOCATOR: MiMalloc = MiMalloc;

#[path = "shared/args.rs"]
mod args;
#[path = "shared/copy_floor.rs"]
mod copy_floor;

use args::Args;
use mimalloc::MiMalloc;
use shopdesk_shopify::{ShopifyClient, ShopifyConfig};
use shopdesk_shopify_sim::{SimConfig, Simulator};
use shopdesk_store::Store;
use shopdesk_sync::{initial_sync_bulk_with, BulkSyncOptions, InitialSyncProgress, SyncResource};

const SIM_ROLE: &str = "SHOPDESK_BULK_BENCH_SIMULATOR";

struct Options {
    orders: usize,
    customers: usize,
    batch: usize,
    /// `--keep-indexes`: write with every index and full-text trigger in place (the old way).
    keep_indexes: bool,
    /// `--import-only`: no sqlite3 floors (a quick rerun while changing the import).
    import_only: bool,
}

fn options() -> Result<Options, String> {
    let args = Args::from_env();
    Ok(Options {
        orders: args.value("--orders", 100_000)?,
        customers: args.value("--customers", 50_000)?,
        batch: args.value("--batch", BulkSyncOptions::default().batch_records)?,
        keep_indexes: args.switch("--keep-indexes"),
        import_only: args.switch("--import-only"),
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let options = options()?;
    if std::env::var_os(SIM_ROLE).is_some() {
        return runtime.block_on(serve_simulator(&options));
    }
    runtime.block_on(bench(&options))
}

/// Child process: seed and serve until the parent closes our stdin.
async fn serve_simulator(options: &Options) -> Result<(), Box<dyn std::error::Error>> {
    let sim = Simulator::start(SimConfig::sized(2026, options.customers, options.orders)).await?;
    println!("{} {}", sim.graphql_url(), sim.access_token());
    std::io::stdout().flush()?;
    tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
    })
    .await?;
    sim.shutdown().await;
    Ok(())
}

struct SimProcess(Child);

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn bench(options: &Options) -> Result<(), Box<dyn std::error::Error>> {
    let seeding = Instant::now();
    let mut child = Command::new(std::env::current_exe()?)
        .args(std::env::args().skip(1))
        .env(SIM_ROLE, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout from the simulator")?;
    let sim = SimProcess(child);
    let mut first_line = String::new();
    BufReader::new(stdout).read_line(&mut first_line)?;
    let (url, token) = first_line
        .trim()
        .split_once(' ')
        .ok_or_else(|| format!("the simulator said {first_line:?}"))?;
    println!(
        "simulator: {} orders, {} customers, seeded in {:.1} s (separate process)",
        options.orders,
        options.customers,
        seeding.elapsed().as_secs_f64()
    );

    let dir = std::env::temp_dir().join(format!("shopdesk-bulk-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let db = dir.join("bulk.sqlite");
    let mut store = Store::open(&db)?;
    let client = ShopifyClient::new(ShopifyConfig::for_graphql_url(url, token))?;
    let sync_options = BulkSyncOptions {
        batch_records: options.batch,
        defer_indexes: !options.keep_indexes,
        ..BulkSyncOptions::default()
    };
    println!(
        "batches of {} orders; indexes and full-text triggers {}",
        options.batch,
        if options.keep_indexes {
            "kept during the import"
        } else {
            "set aside during the import, rebuilt at its end"
        }
    );

    let mut timeline = Timeline::default();
    let rss_before = rss_kib("VmRSS");
    let started = Instant::now();
    let report = initial_sync_bulk_with(&client, &mut store, &sync_options, |event| {
        timeline.see(&event)
    })
    .await?;
    let end = Instant::now();
    let cpu_end = cpu_seconds();
    drop(sim);

    let orders = report.orders.records;
    let customers = report.customers.records;
    let orders_import = end
        - timeline
            .orders_import_start
            .ok_or("no orders export seen")?;
    let customers_import = timeline
        .customers_import_end
        .zip(timeline.customers_import_start)
        .map(|(end, start)| end - start)
        .ok_or("no customers import seen")?;
    println!(
        "whole initial sync: {:.1} s (both exports run by the simulator, then the imports)",
        (end - started).as_secs_f64()
    );
    println!(
        "customers import: {customers} in {:.2} s = {:.0} customers/s",
        customers_import.as_secs_f64(),
        customers as f64 / customers_import.as_secs_f64()
    );
    println!(
        "orders import: {orders} orders ({:?}) in {:.2} s = {:.0} orders/s",
        report.orders.method_summary(),
        orders_import.as_secs_f64(),
        orders as f64 / orders_import.as_secs_f64()
    );
    if let Some(rebuild) = timeline.rebuild_start {
        println!(
            "  of which the index rebuild at the end (orders; the customers' share ran after their import): {:.2} s; orders' full-text index {}",
            (end - rebuild).as_secs_f64(),
            if report.indexes.orders_search_built_aside {
                "built on another thread while the indexes were made, and copied in"
            } else {
                "rebuilt after the indexes"
            }
        );
    }
    if let (Some(start), Some(end)) = (timeline.orders_cpu_start, cpu_end) {
        println!(
            "orders import CPU (this process, all its threads): {:.2} s = {:.0} orders per CPU-second",
            end - start,
            orders as f64 / (end - start)
        );
    }
    println!("load average after the import: {}", load_average());
    println!(
        "memory (this process, VmRSS): before {} MiB",
        mib(rss_before)
    );
    for (at, rss) in &timeline.rss {
        println!("  at {at:>7} orders imported: {} MiB", mib(Some(*rss)));
    }
    println!("  peak (VmHWM, whole run): {} MiB", mib(rss_kib("VmHWM")));
    drop(store);
    if !options.import_only {
        print_floors(&db, &dir, orders, customers, options.batch as u64)?;
    }
    if std::env::var_os("SHOPDESK_BENCH_KEEP").is_some() {
        println!("files kept in {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

/// The sqlite3 CLI storing the rows the import stored, three ways.
fn print_floors(
    db: &Path,
    dir: &Path,
    orders: u64,
    customers: u64,
    batch: u64,
) -> Result<(), Box<dyn std::error::Error>> {
    let (customers_floor, orders_floor) = sqlite3_floor(db, dir, false)?;
    let (_, orders_floor_deferred) = sqlite3_floor(db, dir, true)?;
    let copy = copy_floor::copy_script(db, dir, orders, batch)?;
    let orders_floor_copy = time_cli(dir, "orders-copy", &copy, true)?;
    println!(
        "floor, sqlite3 CLI copying the same rows from the imported file (INSERT ... SELECT, batches of {}, indexes set aside and rebuilt at the end): orders with children {:.2} s = {:.0} orders/s ({:.2} CPU s)",
        batch,
        orders_floor_copy.wall.as_secs_f64(),
        orders as f64 / orders_floor_copy.wall.as_secs_f64(),
        orders_floor_copy.cpu
    );
    println!(
        "floor, sqlite3 CLI, same rows, indexes and full-text triggers set aside and rebuilt at the end: orders with children {:.2} s = {:.0} orders/s ({:.2} CPU s)",
        orders_floor_deferred.wall.as_secs_f64(),
        orders as f64 / orders_floor_deferred.wall.as_secs_f64(),
        orders_floor_deferred.cpu
    );
    println!(
        "floor, sqlite3 CLI, same rows and schema: customers {:.2} s = {:.0}/s; orders with children {:.2} s = {:.0} orders/s",
        customers_floor.wall.as_secs_f64(),
        customers as f64 / customers_floor.wall.as_secs_f64(),
        orders_floor.wall.as_secs_f64(),
        orders as f64 / orders_floor.wall.as_secs_f64()
    );
    println!(
        "floor CPU (sqlite3 process): orders {:.2} s = {:.0} orders per CPU-second",
        orders_floor.cpu,
        orders as f64 / orders_floor.cpu
    );
    println!("load average at the end: {}", load_average());
    Ok(())
}

trait MethodSummary {
    fn method_summary(&self) -> String;
}

impl MethodSummary for shopdesk_sync::ResourceReport {
    fn method_summary(&self) -> String {
        match &self.method {
            shopdesk_sync::SyncMethod::Bulk {
                lines,
                line_items,
                writing,
                waiting,
                ..
            } => {
                format!(
                    "bulk: {lines} lines, {line_items} line items; writer busy {:.2} s, waiting for parsed batches {:.2} s",
                    writing.as_secs_f64(),
                    waiting.as_secs_f64()
                )
            }
            other => format!("{other:?}"),
        }
    }
}

/// When each phase began and ended, from the progress events.
#[derive(Default)]
struct Timeline {
    customers_import_start: Option<Instant>,
    customers_import_end: Option<Instant>,
    orders_import_start: Option<Instant>,
    /// CPU seconds of this process when the orders import began.
    orders_cpu_start: Option<f64>,
    next_rss_mark: usize,
    rss: Vec<(u64, u64)>,
    rebuild_start: Option<Instant>,
}

const RSS_MARKS: [u64; 3] = [10_000, 50_000, 100_000];

impl Timeline {
    fn see(&mut self, event: &InitialSyncProgress) {
        let now = Instant::now();
        match event {
            // The last status poll before an import is the one that saw COMPLETED.
            InitialSyncProgress::Exporting { resource, .. } => match resource {
                SyncResource::Customers => self.customers_import_start = Some(now),
                SyncResource::Orders => {
                    if self.customers_import_end.is_none() {
                        self.customers_import_end = Some(now);
                    }
                    self.orders_import_start = Some(now);
                    self.orders_cpu_start = cpu_seconds();
                }
            },
            InitialSyncProgress::RebuildingIndexes => self.rebuild_start = Some(now),
            InitialSyncProgress::Importing(progress)
                if progress.resource == SyncResource::Orders =>
            {
                while let Some(mark) = RSS_MARKS.get(self.next_rss_mark) {
                    if progress.records < *mark {
                        break;
                    }
                    if let Some(rss) = rss_kib("VmRSS") {
                        self.rss.push((progress.records, rss));
                    }
                    self.next_rss_mark += 1;
                }
            }
            _ => {}
        }
    }
}

/// User + system CPU time of this process (all threads), from /proc/self/stat.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // After the command name (in parentheses): utime is the 12th field, stime the 13th.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// A line of /proc/self/status, in KiB.
fn rss_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or("?".into(), |k| format!("{:.0}", k as f64 / 1024.0))
}

/// The sqlite3 CLI inserting the rows the import wrote, into fresh files with the same schema
/// (migrations applied by `Store::open`, triggers and indexes included), one transaction each,
/// with the store's PRAGMAs (WAL, synchronous=NORMAL). Returns (customers, orders) times.
/// `deferred`: the fresh file has the import's indexes and triggers set aside, and the timed
/// script ends by recreating them and rebuilding the full-text indexes, as the import does.
fn sqlite3_floor(
    imported: &Path,
    dir: &Path,
    deferred: bool,
) -> Result<(Timing, Timing), Box<dyn std::error::Error>> {
    let customers_sql = dump(imported, dir, "customers", &["shops", "customers"])?;
    let orders_sql = dump(
        imported,
        dir,
        "orders",
        &[
            "shops",
            "orders",
            "fulfillments",
            "fulfillment_tracking",
            "refunds",
            "line_items",
        ],
    )?;
    Ok((
        time_cli(dir, "customers", &customers_sql, deferred)?,
        time_cli(dir, "orders", &orders_sql, deferred)?,
    ))
}

/// The SQL that puts back what `Store::defer_indexes_for_bulk_import` set aside in `db`.
fn rebuild_script(db: &Path) -> Result<String, Box<dyn std::error::Error>> {
    let output = Command::new("sqlite3")
        .arg(db)
        .arg("SELECT sql || ';' FROM deferred_schema ORDER BY type, name;")
        .output()?;
    if !output.status.success() {
        return Err("sqlite3 could not read deferred_schema".into());
    }
    let mut script = String::from("BEGIN;\n");
    script.push_str(&String::from_utf8(output.stdout)?);
    script.push_str(
        "INSERT INTO orders_fts(orders_fts) VALUES ('rebuild');\n\
         INSERT INTO customers_fts(customers_fts) VALUES ('rebuild');\n\
         DELETE FROM deferred_schema;\nCOMMIT;\nPRAGMA wal_checkpoint(TRUNCATE);\n",
    );
    Ok(script)
}

fn dump(
    imported: &Path,
    dir: &Path,
    name: &str,
    tables: &[&str],
) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let mut commands = String::new();
    for table in tables {
        commands.push_str(&format!(".mode insert {table}\nSELECT * FROM {table};\n"));
    }
    let output = Command::new("sqlite3")
        .arg(imported)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            if let Some(mut stdin) = child.stdin.take() {
                stdin.write_all(commands.as_bytes())?;
            }
            child.wait_with_output()
        })?;
    if !output.status.success() {
        return Err(format!("sqlite3 could not dump {name}").into());
    }
    let path = dir.join(format!("{name}.sql"));
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path)?);
    file.write_all(
        b"PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\nPRAGMA foreign_keys=ON;\nBEGIN;\n",
    )?;
    file.write_all(&output.stdout)?;
    file.write_all(b"COMMIT;\nPRAGMA wal_checkpoint(TRUNCATE);\n")?;
    file.flush()?;
    Ok(path)
}

struct Timing {
    wall: Duration,
    /// User + system seconds of the sqlite3 process.
    cpu: f64,
}

/// Runs `sqlite3 db < sql` under `/usr/bin/time` (for its CPU time).
fn time_cli(
    dir: &Path,
    name: &str,
    sql: &Path,
    deferred: bool,
) -> Result<Timing, Box<dyn std::error::Error>> {
    let variant = if deferred { "-deferred" } else { "" };
    let db = dir.join(format!("floor-{name}{variant}.sqlite"));
    let mut fresh = Store::open(&db)?;
    let sql = if deferred {
        fresh.defer_indexes_for_bulk_import()?;
        let with_rebuild = dir.join(format!("{name}-deferred.sql"));
        let mut script = std::fs::read(sql)?;
        script.extend_from_slice(rebuild_script(&db)?.as_bytes());
        std::fs::write(&with_rebuild, script)?;
        with_rebuild
    } else {
        sql.to_path_buf()
    };
    drop(fresh);
    let input = std::fs::File::open(&sql)?;
    let times = dir.join(format!("floor-{name}{variant}.time"));
    let started = Instant::now();
    let status = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%U %S")
        .arg("-o")
        .arg(&times)
        .arg("sqlite3")
        .arg(&db)
        .stdin(input)
        .stdout(Stdio::null())
        .status()?;
    let wall = started.elapsed();
    if !status.success() {
        return Err(format!("sqlite3 failed to import {name}").into());
    }
    let text = std::fs::read_to_string(&times)?;
    let cpu = text
        .split_whitespace()
        .filter_map(|t| t.parse::<f64>().ok())
        .sum();
    Ok(Timing { wall, cpu })
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}
