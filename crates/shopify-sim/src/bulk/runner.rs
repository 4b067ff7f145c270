//! Runs a bulk operation on the blocking pool: the rewritten query page by page over the live
//! store (read-locked one page at a time, so the API keeps answering), lines to a file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use serde_json::{Map, Value};

use super::flatten::{flatten, Line};
use super::query::{Plan, AFTER_VARIABLE};
use super::{BulkErrorCode, BulkOperations, BulkStatus};
use crate::executor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineOrder {
    /// `groupObjects: true`: each parent followed by its children.
    Grouped,
    ParentsThenChildren,
    ChildrenFirst,
}

pub(crate) struct Job {
    /// Weak: a job must not keep a dropped simulator alive (a paused job would never end,
    /// and a Tokio runtime waits for its blocking tasks when it shuts down).
    pub operations: Weak<BulkOperations>,
    pub number: u64,
    pub file: PathBuf,
    pub cancel: Arc<AtomicBool>,
    pub plan: Plan,
    pub order: LineOrder,
    /// Injected by a test: fail with this code before reading anything.
    pub failure: Option<BulkErrorCode>,
}

/// How a run ended.
enum End {
    Completed,
    Canceled,
    Failed(BulkErrorCode),
}

impl Job {
    pub fn run(self) {
        let mut output = match Output::create(&self.file, self.order) {
            Ok(output) => output,
            Err(_) => return self.finish(End::Failed(BulkErrorCode::InternalServerError), 0),
        };
        self.update(|op| {
            if op.status == BulkStatus::Created {
                op.status = BulkStatus::Running;
            }
        });
        let end = self.export(&mut output);
        let size = output.finish().unwrap_or_default();
        self.finish(end, size);
    }

    fn export(&self, output: &mut Output) -> End {
        if let Some(code) = self.failure {
            return End::Failed(code);
        }
        let mut after: Option<String> = None;
        loop {
            loop {
                let Some(operations) = self.operations.upgrade() else {
                    return End::Canceled;
                };
                if !operations.is_paused() || self.cancel.load(Ordering::SeqCst) {
                    break;
                }
                drop(operations);
                std::thread::sleep(Duration::from_millis(5));
            }
            if self.cancel.load(Ordering::SeqCst) {
                return End::Canceled;
            }
            let window = match self.window(after.as_deref()) {
                Ok(window) => window,
                Err(_) => return End::Failed(BulkErrorCode::InternalServerError),
            };
            let objects = window.lines.len() as u64;
            if output.write(window.lines).is_err() {
                return End::Failed(BulkErrorCode::InternalServerError);
            }
            self.update(|op| {
                op.object_count += objects;
                op.root_object_count += window.roots;
            });
            match window.end_cursor {
                Some(cursor) if window.has_next_page => after = Some(cursor),
                _ => return End::Completed,
            }
        }
    }

    /// Executes one page of the rewritten query.
    fn window(&self, after: Option<&str>) -> Result<super::flatten::Window, String> {
        let mut variables = Map::new();
        variables.insert(
            AFTER_VARIABLE.to_string(),
            after.map_or(Value::Null, Value::from),
        );
        let document = &self.plan.document;
        let prepared = executor::prepare(document, None, &variables)
            .map_err(|errors| format!("{errors:?}"))?;
        let operations = self
            .operations
            .upgrade()
            .ok_or_else(|| "the simulator stopped".to_string())?;
        let outcome = {
            let shop = operations
                .shop
                .read()
                .map_err(|_| "the store is poisoned".to_string())?;
            executor::execute(&shop, document, &prepared, super::wall_clock())
        };
        if let Some(error) = outcome.errors.first() {
            return Err(error.message.clone());
        }
        let data = outcome.data.ok_or_else(|| "no data".to_string())?;
        flatten(data, &self.plan.root)
    }

    fn update(&self, change: impl FnOnce(&mut super::Operation)) {
        if let Some(operations) = self.operations.upgrade() {
            operations.update(self.number, change);
        }
    }

    fn finish(&self, end: End, size: u64) {
        let Some(operations) = self.operations.upgrade() else {
            return;
        };
        let now = operations.now();
        operations.update(self.number, |op| {
            op.completed_at = Some(now);
            op.file_size = Some(size).filter(|_| op.object_count > 0);
            match end {
                End::Completed => op.status = BulkStatus::Completed,
                End::Canceled => op.status = BulkStatus::Canceled,
                End::Failed(code) => {
                    op.status = BulkStatus::Failed;
                    op.error_code = Some(code);
                }
            }
        });
    }
}

/// The JSONL file being written, in the requested line order.
struct Output {
    main: BufWriter<File>,
    /// `ChildrenFirst` writes parents here and appends them to the main file at the end.
    parents: Option<(PathBuf, BufWriter<File>)>,
    order: LineOrder,
    size: u64,
}

impl Output {
    /// The folder exists while the simulator does; a job that starts after the simulator was
    /// dropped fails here rather than recreate a folder no one would remove.
    fn create(path: &PathBuf, order: LineOrder) -> std::io::Result<Output> {
        let parents = if order == LineOrder::ChildrenFirst {
            let parents_path = path.with_extension("parents");
            let file = BufWriter::new(File::create(&parents_path)?);
            Some((parents_path, file))
        } else {
            None
        };
        Ok(Output {
            main: BufWriter::with_capacity(1 << 16, File::create(path)?),
            parents,
            order,
            size: 0,
        })
    }

    fn write(&mut self, mut lines: Vec<Line>) -> std::io::Result<()> {
        if self.order == LineOrder::ParentsThenChildren {
            // Stable: parents in their order, then children, then grandchildren.
            lines.sort_by_key(|line| line.depth);
        }
        for line in lines {
            self.size += line.json.len() as u64 + 1;
            let target = match (&mut self.parents, line.depth) {
                (Some((_, parents)), 0) => parents,
                _ => &mut self.main,
            };
            target.write_all(&line.json)?;
            target.write_all(b"\n")?;
        }
        Ok(())
    }

    /// Flushes (appending the parents after the children if needed); returns the file size.
    fn finish(mut self) -> std::io::Result<u64> {
        if let Some((path, mut parents)) = self.parents.take() {
            parents.flush()?;
            drop(parents);
            let mut source = File::open(&path)?;
            std::io::copy(&mut source, &mut self.main)?;
            std::fs::remove_file(&path)?;
        }
        self.main.flush()?;
        Ok(self.size)
    }
}
