//! WAL checkpoints on a second connection while a bulk import writes.
//!
//! In WAL mode every commit appends pages to the log, and a checkpoint copies them into the
//! database file. Left to SQLite, that copy runs inside a commit of the writing connection
//! (the automatic checkpoint), so the import stops for it: about a sixth of its writer's time
//! (docs/BENCHMARKS.md). A PASSIVE checkpoint from another connection copies the same pages
//! on the other core while the writer goes on, and once it has copied all of them the writer's
//! next commit starts the log again from its beginning, so the log stays small.
//!
//! This is only a speed-up: the writer's own automatic checkpoint stays on, at the import's
//! larger threshold, so should this thread fail to start or stop early, the log is still bounded
//! and the import goes on (the failure is logged, not returned).

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

/// How often the log is looked at. Each batch of an import is a few tens of milliseconds.
const INTERVAL: Duration = Duration::from_millis(5);

pub(crate) struct Checkpointer {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<rusqlite::Result<()>>>,
}

impl Checkpointer {
    /// Starts checkpointing the database at `path`; `None` (logged) when it cannot.
    pub(crate) fn start(path: &Path) -> Option<Checkpointer> {
        let started = Connection::open(path)
            .map_err(|e| e.to_string())
            .and_then(|conn| {
                let (stop, stopped) = mpsc::channel();
                std::thread::Builder::new()
                    .name("store-checkpoint".into())
                    .spawn(move || run(&conn, &stopped))
                    .map(|thread| Checkpointer {
                        stop: Some(stop),
                        thread: Some(thread),
                    })
                    .map_err(|e| e.to_string())
            });
        started
            .inspect_err(|error| tracing::warn!(%error, "no background checkpoints"))
            .ok()
    }
}

impl Drop for Checkpointer {
    /// Stops the thread and waits for it.
    fn drop(&mut self) {
        self.stop.take();
        let Some(thread) = self.thread.take() else {
            return;
        };
        match thread.join() {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::warn!(%error, "background checkpoints stopped early"),
            Err(_) => tracing::warn!("the background checkpoint thread panicked"),
        }
    }
}

fn run(conn: &Connection, stopped: &mpsc::Receiver<()>) -> rusqlite::Result<()> {
    // Told to stop, or the store is gone: either way the sender is dropped.
    while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(INTERVAL) {
        // Never waits for the writer; copies what is committed and not yet copied.
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
    }
    Ok(())
}
