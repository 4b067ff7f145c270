//! Bulk result folders do not pile up: a simulator killed before its `Drop` leaves its folder,
//! and the next simulator started in the same parent removes it, never a live one's.
//!
//! The other processes are this test binary run again with `CHILD_PARENT_DIR` set, running the
//! ignored `bulk_export_child`: it exports, says READY on stdout and waits to be killed.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::*;
use serde_json::{json, Value};
use shopdesk_shopify_sim::{SimConfig, Simulator};

const CHILD_PARENT_DIR: &str = "SHOPDESK_SIM_TEST_BULK_PARENT";
const READY: &str = "BULK-CHILD-READY";
const CHILD_LIFETIME: Duration = Duration::from_secs(120);

const RUN: &str = "mutation($q: String!) {
  bulkOperationRunQuery(query: $q) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}";
const STATUS: &str = "query($id: ID!) { bulkOperation(id: $id) { status url } }";
const ORDERS: &str =
    "{ orders { edges { node { id name lineItems { edges { node { id } } } } } } }";

fn config(parent: &Path) -> SimConfig {
    SimConfig {
        bulk_parent_dir: Some(parent.to_path_buf()),
        ..SimConfig::sized(11, 10, 30)
    }
}

/// Runs a bulk export to completion; returns its download URL.
async fn export(sim: &Simulator) -> String {
    let started = data(sim, RUN, json!({ "q": ORDERS })).await;
    let payload = &started["bulkOperationRunQuery"];
    assert_eq!(payload["userErrors"], json!([]), "{started}");
    let id = payload["bulkOperation"]["id"]
        .as_str()
        .expect("operation id");
    for _ in 0..1000 {
        let op = data(sim, STATUS, json!({ "id": id })).await["bulkOperation"].clone();
        match op["status"].as_str() {
            Some("COMPLETED") => return op["url"].as_str().expect("a URL").to_string(),
            Some("CREATED" | "RUNNING") => tokio::time::sleep(Duration::from_millis(10)).await,
            _ => panic!("the export did not complete: {op}"),
        }
    }
    panic!("the export {id} did not finish");
}

async fn download(url: &str) -> (u16, String) {
    let response = reqwest::get(url).await.expect("download");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

/// The bulk folders in `parent` whose names carry `pid`.
fn folders_of(parent: &Path, pid: u32) -> Vec<PathBuf> {
    let prefix = format!("shopdesk-sim-bulk-{pid}-");
    let mut found: Vec<PathBuf> = std::fs::read_dir(parent)
        .expect("read the parent folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with(&prefix))
        })
        .collect();
    found.sort();
    found
}

fn jsonl_files(folder: &Path) -> usize {
    std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().extension().is_some_and(|ext| ext == "jsonl"))
                .count()
        })
        .unwrap_or(0)
}

/// A child process with a simulator that has finished one export.
struct ExportingChild(Child);

impl ExportingChild {
    fn spawn(parent: &Path) -> ExportingChild {
        let mut child = Command::new(std::env::current_exe().expect("the test binary"))
            .args(["bulk_export_child", "--exact", "--ignored", "--nocapture"])
            .env(CHILD_PARENT_DIR, parent)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn the child");
        let stdout = child.stdout.take().expect("piped stdout");
        // Ends at READY or when the child exits (its stdout closes): bounded by the child.
        let ready = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .any(|line| line.trim() == READY);
        let mut child = ExportingChild(child);
        assert!(ready, "the child exited before its export finished");
        if let Some(status) = child.0.try_wait().expect("child status") {
            panic!("the child exited early: {status}");
        }
        child
    }

    fn pid(&self) -> u32 {
        self.0.id()
    }

    /// SIGKILL on Unix: no destructor runs.
    fn kill(&mut self) {
        self.0.kill().expect("kill the child");
        self.0.wait().expect("reap the child");
    }
}

impl Drop for ExportingChild {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn a_new_simulator_removes_folders_of_killed_ones_and_keeps_live_ones() {
    let parent = tempfile::tempdir().expect("a private parent folder");
    let parent = parent.path();
    let live = Simulator::start(config(parent)).await.expect("start");
    let live_url = export(&live).await;
    let (status, live_jsonl) = download(&live_url).await;
    assert_eq!(status, 200);
    let own_pid = std::process::id();
    let live_folders = folders_of(parent, own_pid);
    assert_eq!(live_folders.len(), 1, "{live_folders:?}");

    let mut killed = tokio::task::spawn_blocking({
        let parent = parent.to_path_buf();
        move || ExportingChild::spawn(&parent)
    })
    .await
    .expect("spawn");
    let surviving = tokio::task::spawn_blocking({
        let parent = parent.to_path_buf();
        move || ExportingChild::spawn(&parent)
    })
    .await
    .expect("spawn");
    let killed_folders = folders_of(parent, killed.pid());
    let surviving_folders = folders_of(parent, surviving.pid());
    assert_eq!(killed_folders.len(), 1, "{killed_folders:?}");
    assert_eq!(surviving_folders.len(), 1, "{surviving_folders:?}");
    killed.kill();
    // Killed before its Drop: the folder and its results are still there.
    assert_eq!(jsonl_files(&killed_folders[0]), 1);

    let next = Simulator::start(config(parent)).await.expect("start");
    assert!(
        !killed_folders[0].exists(),
        "the killed simulator's folder should be gone"
    );
    assert_eq!(
        jsonl_files(&surviving_folders[0]),
        1,
        "a live child's folder"
    );
    assert_eq!(
        jsonl_files(&live_folders[0]),
        1,
        "this process's live folder"
    );
    assert_eq!(download(&live_url).await, (200, live_jsonl));
    assert_eq!(folders_of(parent, own_pid).len(), 2);

    // A simulator that ends normally removes its own folder.
    live.shutdown().await;
    next.shutdown().await;
    assert!(folders_of(parent, own_pid).is_empty());
    drop(surviving);
}

#[tokio::test]
async fn an_unusable_parent_folder_is_a_clear_start_error() {
    let parent = tempfile::tempdir().expect("a private parent folder");
    let file = parent.path().join("a-file");
    std::fs::write(&file, "not a folder").expect("write");
    let error = match Simulator::start(config(&file)).await {
        Ok(_) => panic!("a file cannot hold bulk folders"),
        Err(error) => error.to_string(),
    };
    assert!(error.contains("bulk operations folder"), "{error}");
    assert!(error.contains("a-file"), "{error}");
}

/// Not a test of its own: the process the test above spawns and kills.
#[tokio::test]
#[ignore = "run by a_new_simulator_removes_folders_of_killed_ones_and_keeps_live_ones"]
async fn bulk_export_child() {
    let parent = std::env::var_os(CHILD_PARENT_DIR)
        .map(PathBuf::from)
        .expect("run only by bulk_folders' own test, which sets the parent folder");
    let sim = Simulator::start(config(&parent)).await.expect("start");
    let url = export(&sim).await;
    let (status, body) = download(&url).await;
    assert_eq!(status, 200);
    assert!(body
        .lines()
        .map(serde_json::from_str::<Value>)
        .all(|l| l.is_ok()));
    println!("{READY}");
    // Killed long before this; the bound keeps a lost child from living on.
    tokio::time::sleep(CHILD_LIFETIME).await;
    sim.shutdown().await;
}
