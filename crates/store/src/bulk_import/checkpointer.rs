//! WAL checkpoints on a second connection while a bulk import writes.
//!
//! In WAL mode every commit appends pages to the log, and a checkpoint copies them into the
//! database file. Left to SQLite, that copy runs inside a commit of the writing connection
//! (the automatic checkpoint), so the import stops for it: about a sixth of its writer's time
//! (docs/BENCHMARKS.md). A PASSIVE checkpoint from another connection copies the same pages
//! on the other core while the writer goes on, and once it has copied all of them the writer's
//! next commit starts the log again from its beginning, so the log stays small.
//!
//! The writer's own automatic checkpoint stays on, at the import's larger threshold: should
//! this thread fall behind or stop, the log is still bounded as before.

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

use crate::{Result, StoreError};

/// How often the log is looked at. Each batch of an import is a few tens of milliseconds.
const INTERVAL: Duration = Duration::from_millis(5);

pub(crate) struct Checkpointer {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<Result<Checkpoints>>>,
}

/// What the thread did, for the logs.
#[derive(Debug, Default)]
struct Checkpoints {
    rounds: u64,
    frames_copied: u64,
}

impl Checkpointer {
    pub(crate) fn start(path: &Path) -> Result<Checkpointer> {
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        let (stop, stopped) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("store-checkpoint".into())
            .spawn(move || run(conn, stopped))
            .map_err(|e| StoreError::Corrupt {
                what: "checkpoint thread",
                detail: e.to_string(),
            })?;
        Ok(Checkpointer {
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Stops the thread and waits for it; an error it met is returned (the import's data is
    /// safe either way: a checkpoint only copies committed pages).
    pub(crate) fn stop(mut self) -> Result<()> {
        self.finish()
    }

    fn finish(&mut self) -> Result<()> {
        self.stop.take();
        let Some(thread) = self.thread.take() else {
            return Ok(());
        };
        match thread.join() {
            Ok(result) => {
                let done = result?;
                tracing::debug!(?done, "background checkpoints stopped");
                Ok(())
            }
            Err(_) => Err(StoreError::Corrupt {
                what: "checkpoint thread",
                detail: "it panicked".into(),
            }),
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        if let Err(error) = self.finish() {
            tracing::warn!(%error, "background checkpoints failed");
        }
    }
}

fn run(conn: Connection, stopped: mpsc::Receiver<()>) -> Result<Checkpoints> {
    let mut done = Checkpoints::default();
    let mut last_copied = 0;
    loop {
        match stopped.recv_timeout(INTERVAL) {
            Err(RecvTimeoutError::Timeout) => {}
            // Told to stop, or the store is gone.
            Ok(()) | Err(RecvTimeoutError::Disconnected) => return Ok(done),
        }
        // (busy, frames in the log, frames copied): never waits for the writer.
        let (_, log, copied): (i64, i64, i64) =
            conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        done.rounds += 1;
        if copied < last_copied || log < last_copied {
            last_copied = 0; // the writer started the log again
        }
        done.frames_copied += (copied - last_copied).max(0) as u64;
        last_copied = copied;
    }
}
