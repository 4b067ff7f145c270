//! Runs one incremental sync (an initial one on an empty database) against a Shopify Admin
//! GraphQL URL — the real API or the simulator — into a SQLite file.
//!
//! `sync_once --url URL --token TOKEN --db PATH`
//!
//! Prints one line per page written (`page orders pages=3 records=24 ...`) and a last line
//! `done ...`; exits 0 on success, 1 on failure (the reason on stderr), 2 on bad arguments.
//! Used by the kill-and-resume test, which kills it at random points.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use shopdesk_shopify::{ShopifyClient, ShopifyConfig};
use shopdesk_store::Store;
use shopdesk_sync::{incremental_sync, SyncEvent};

const USAGE: &str = "usage: sync_once --url GRAPHQL_URL --token TOKEN --db PATH";

struct Args {
    url: String,
    token: String,
    db: PathBuf,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut url, mut token, mut db) = (None, None, None);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--url" => url = Some(value),
            "--token" => token = Some(value),
            "--db" => db = Some(PathBuf::from(value)),
            _ => return Err(format!("unknown option {flag}\n{USAGE}")),
        }
    }
    match (url, token, db) {
        (Some(url), Some(token), Some(db)) => Ok(Args { url, token, db }),
        _ => Err(USAGE.to_string()),
    }
}

fn print_event(event: &SyncEvent) {
    let line = match event {
        SyncEvent::Page(p) => format!(
            "page {} pages={} records={} rejected={} has_more={}",
            p.resource.checkpoint_key(),
            p.pages,
            p.records,
            p.rejected,
            p.has_more
        ),
        SyncEvent::Synced { last_synced_at, .. } => format!("synced at={last_synced_at}"),
        SyncEvent::Failed { error, .. } => format!("failed {error}"),
    };
    let mut stdout = std::io::stdout().lock();
    // The test reads lines as they come: flush each one. A closed stdout is not an error here.
    let _ = writeln!(stdout, "{line}");
    let _ = stdout.flush();
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let result = async {
        let client = ShopifyClient::new(ShopifyConfig::for_graphql_url(args.url, args.token))?;
        let mut store = Store::open(&args.db)?;
        let report = incremental_sync(&client, &mut store, |event| print_event(&event)).await?;
        Ok::<_, Box<dyn std::error::Error>>(report)
    }
    .await;
    match result {
        Ok(report) => {
            println!(
                "done customers={} orders={} deleted_orders={} deleted_customers={} rejected={}",
                report.customers.records,
                report.orders.records,
                report.deleted_orders.records,
                report.deleted_customers.records,
                report.rejected.len()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("sync failed: {error}");
            ExitCode::FAILURE
        }
    }
}
