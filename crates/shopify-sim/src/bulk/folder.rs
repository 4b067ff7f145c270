//! The folder a simulator keeps its bulk result files in, and the sweep of folders left behind
//! by simulators that never ran their `Drop` (a killed test, a benchmark's simulator child).
//!
//! Each folder `shopdesk-sim-bulk-<pid>-<random>` holds `owner.lock`, locked (`flock` on Unix,
//! `LockFileEx` on Windows) for the simulator's whole life and then marked with its pid. The OS
//! releases that lock when the process ends, however it ends, so a folder whose marked lock can
//! be taken belongs to no one. A folder without a usable lock (made by an older simulator, or
//! caught between `mkdir` and the lock) is removed only when `/proc` shows its pid is gone.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

pub(crate) const FOLDER_PREFIX: &str = "shopdesk-sim-bulk-";
const LOCK_FILE: &str = "owner.lock";

/// A simulator's own folder: locked while it lives, removed on drop.
pub(crate) struct BulkFolder {
    path: PathBuf,
    /// Held open for the lock; `None` only while dropping.
    lock: Option<File>,
}

impl BulkFolder {
    /// Removes abandoned folders in `parent`, then creates and locks a new one there.
    pub(crate) fn create(parent: &Path) -> io::Result<BulkFolder> {
        sweep_abandoned(parent);
        std::fs::create_dir_all(parent)?;
        let pid = std::process::id();
        let path = loop {
            let path = parent.join(format!(
                "{FOLDER_PREFIX}{pid}-{:016x}",
                rand::random::<u64>()
            ));
            match std::fs::create_dir(&path) {
                Ok(()) => break path,
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(error) => return Err(error),
            }
        };
        match lock_and_mark(&path, pid) {
            Ok(lock) => Ok(BulkFolder {
                path,
                lock: Some(lock),
            }),
            Err(error) => {
                let _ = std::fs::remove_dir_all(&path);
                Err(error)
            }
        }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for BulkFolder {
    fn drop(&mut self) {
        // Unlock first: Windows cannot delete a file that is still open.
        drop(self.lock.take());
        // A failure leaves the folder for the next simulator's sweep.
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

fn lock_and_mark(folder: &Path, pid: u32) -> io::Result<File> {
    let mut lock = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(folder.join(LOCK_FILE))?;
    // Blocks only while a sweeping simulator looks at this brand-new, unmarked lock.
    lock.lock()?;
    writeln!(lock, "{pid}")?;
    Ok(lock)
}

/// Removes every `shopdesk-sim-bulk-*` folder in `parent` whose simulator is gone; returns how
/// many. Errors only mean a folder stays (the next sweep tries again).
pub(crate) fn sweep_abandoned(parent: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(owner) = name.to_str().and_then(|n| n.strip_prefix(FOLDER_PREFIX)) else {
            continue;
        };
        // `file_type` does not follow symlinks: a link is never followed into and emptied.
        if !entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            continue;
        }
        let pid = owner.split('-').next().and_then(|pid| pid.parse().ok());
        if is_abandoned(&entry.path(), pid) && std::fs::remove_dir_all(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

fn is_abandoned(folder: &Path, pid: Option<u32>) -> bool {
    if pid == Some(std::process::id()) {
        // This process's folders are removed by their own `Drop`.
        return false;
    }
    match File::open(folder.join(LOCK_FILE)) {
        Ok(mut lock) => match lock.try_lock() {
            Ok(()) => {
                let mut mark = String::new();
                if lock.read_to_string(&mut mark).is_ok() && !mark.trim().is_empty() {
                    return true;
                }
                // Unmarked: its owner may be about to lock it; only the pid can tell.
            }
            Err(TryLockError::WouldBlock) => return false,
            // E.g. a file system without locks: fall back to the pid.
            Err(TryLockError::Error(_)) => {}
        },
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        // Unreadable (another user's folder?): not ours to judge.
        Err(_) => return false,
    }
    pid.is_some_and(process_is_gone)
}

/// Whether `/proc` shows no process `pid`; false where there is no `/proc` to ask.
fn process_is_gone(pid: u32) -> bool {
    Path::new("/proc/self").exists() && !Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pid above Linux's `pid_max` limit (2^22): never a live process.
    const DEAD_PID: u32 = 4_194_305;

    fn private_parent(name: &str) -> PathBuf {
        let parent = std::env::temp_dir().join(format!(
            "shopdesk-sim-folder-test-{name}-{}-{:08x}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&parent).expect("create the test's parent folder");
        parent
    }

    fn folder(parent: &Path, pid: u32, suffix: &str) -> PathBuf {
        let path = parent.join(format!("{FOLDER_PREFIX}{pid}-{suffix}"));
        std::fs::create_dir(&path).expect("create a bulk folder");
        std::fs::write(path.join("result.jsonl"), "{}\n").expect("write a result file");
        path
    }

    #[test]
    fn a_held_lock_keeps_its_folder_even_in_the_same_process() {
        let parent = private_parent("held");
        let held = folder(&parent, DEAD_PID, "held");
        let _lock = lock_and_mark(&held, DEAD_PID).expect("lock");
        let released = folder(&parent, DEAD_PID, "released");
        drop(lock_and_mark(&released, DEAD_PID).expect("lock"));

        assert_eq!(sweep_abandoned(&parent), 1);
        assert!(held.exists(), "a locked folder must survive");
        assert!(
            !released.exists(),
            "a released, marked lock means its owner is gone"
        );
        std::fs::remove_dir_all(&parent).expect("clean up");
    }

    #[test]
    #[cfg(unix)]
    fn without_a_usable_lock_only_a_dead_pid_lets_a_folder_go() {
        let parent = private_parent("pid");
        let legacy_dead = folder(&parent, DEAD_PID, "legacy");
        let unmarked_dead = folder(&parent, DEAD_PID, "unmarked");
        File::create(unmarked_dead.join(LOCK_FILE)).expect("empty lock file");
        // The parent process (cargo or the shell) is alive for as long as this test runs.
        let alive = std::os::unix::process::parent_id();
        let legacy_alive = folder(&parent, alive, "legacy");
        let unmarked_alive = folder(&parent, alive, "unmarked");
        File::create(unmarked_alive.join(LOCK_FILE)).expect("empty lock file");
        let own = folder(&parent, std::process::id(), "own");
        let not_ours = parent.join("shopdesk-other-4194305-x");
        std::fs::create_dir(&not_ours).expect("create an unrelated folder");

        let removed = sweep_abandoned(&parent);
        let on_linux = Path::new("/proc/self").exists();
        assert_eq!(removed, if on_linux { 2 } else { 0 });
        assert_eq!(legacy_dead.exists(), !on_linux);
        assert_eq!(unmarked_dead.exists(), !on_linux);
        assert!(legacy_alive.exists() && unmarked_alive.exists() && own.exists());
        assert!(not_ours.exists(), "only the simulator's prefix is swept");
        std::fs::remove_dir_all(&parent).expect("clean up");
    }

    #[test]
    fn a_new_folder_is_locked_marked_and_removed_on_drop() {
        let parent = private_parent("own");
        let created = BulkFolder::create(&parent).expect("create");
        let path = created.path().to_path_buf();
        let mark = std::fs::read_to_string(path.join(LOCK_FILE)).expect("read the mark");
        assert_eq!(mark.trim(), std::process::id().to_string());
        let other = File::open(path.join(LOCK_FILE)).expect("open the lock");
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
        drop(other);
        drop(created);
        assert!(!path.exists());
        std::fs::remove_dir_all(&parent).expect("clean up");
    }
}
