//! A Maildir folder: one mail per file in `cur/` and `new/` (`tmp/` is mail still being written).

use std::io;
use std::path::{Path, PathBuf};

/// True if `dir` looks like a Maildir (has `cur` or `new`).
pub fn is_maildir(dir: &Path) -> bool {
    dir.join("cur").is_dir() || dir.join("new").is_dir()
}

/// The folder's mail files with their sizes, in a stable order (by file name: Maildir names
/// start with the delivery time).
pub fn maildir_files(dir: &Path) -> io::Result<Vec<(PathBuf, u64)>> {
    let mut files = Vec::new();
    for sub in ["cur", "new"] {
        let sub = dir.join(sub);
        if !sub.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&sub)? {
            let entry = entry?;
            let meta = entry.metadata()?;
            if meta.is_file() && !entry.file_name().to_string_lossy().starts_with('.') {
                files.push((entry.path(), meta.len()));
            }
        }
    }
    files.sort_by(|a, b| a.0.file_name().cmp(&b.0.file_name()));
    Ok(files)
}
