//! Attachments are not stored apart from their mail: one is cut out of the raw message when the
//! user saves it, and written under a name that cannot leave the chosen folder or replace a file.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use mail_parser::{MessageParser, MimeHeaders};

/// A name longer than this (in characters, before the extension) is cut.
const MAX_STEM_CHARS: usize = 120;

/// The decoded bytes of a mail's `index`-th attachment (the order ingest listed them in), or
/// `None` if the mail has no such attachment.
pub fn attachment_bytes(raw: &[u8], index: usize) -> Option<Vec<u8>> {
    let message = MessageParser::default().parse(raw)?;
    let part = message.attachments().nth(index)?;
    Some(part.contents().to_vec())
}

/// The attachment's name as the mail gives it, if any (tests compare with the stored name).
pub fn attachment_name(raw: &[u8], index: usize) -> Option<String> {
    let message = MessageParser::default().parse(raw)?;
    let part = message.attachments().nth(index)?;
    part.attachment_name().map(str::to_string)
}

/// A file name that is safe on every desktop OS: no path separators or parent references, no
/// control or reserved characters, no leading dots, not empty, not a Windows device name.
pub fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let cleaned = cleaned
        .trim()
        .trim_start_matches('.')
        .trim_end_matches(['.', ' ']);
    let (stem, ext) = split_extension(cleaned);
    let stem: String = stem.chars().take(MAX_STEM_CHARS).collect();
    let stem = if stem.trim().is_empty() || is_windows_device(&stem) {
        format!("attachment{}", if stem.is_empty() { "" } else { "-" }) + &stem
    } else {
        stem
    };
    match ext {
        Some(ext) => format!("{stem}.{ext}"),
        None => stem,
    }
}

/// Writes `bytes` into `dir` under `name` made safe, adding " (2)", " (3)"... rather than
/// replacing an existing file. Returns the path written.
pub fn save_unique(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    let name = safe_file_name(name);
    let (stem, ext) = split_extension(&name);
    for n in 1..10_000 {
        let candidate = match (n, ext) {
            (1, _) => name.clone(),
            (_, Some(ext)) => format!("{stem} ({n}).{ext}"),
            (_, None) => format!("{stem} ({n})"),
        };
        let path = dir.join(candidate);
        // create_new: never follows onto or replaces an existing file, even one created since.
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                if let Err(err) = file.write_all(bytes).and_then(|()| file.sync_all()) {
                    let _ = std::fs::remove_file(&path);
                    return Err(err);
                }
                return Ok(path);
            }
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(err) => return Err(err),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "too many files with this name",
    ))
}

fn split_extension(name: &str) -> (&str, Option<&str>) {
    match name.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty() && !ext.is_empty() && ext.len() <= 10 && !ext.contains(' ') =>
        {
            (stem, Some(ext))
        }
        _ => (name, None),
    }
}

fn is_windows_device(stem: &str) -> bool {
    let upper = stem.to_ascii_uppercase();
    matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (upper.len() == 4
            && (upper.starts_with("COM") || upper.starts_with("LPT"))
            && upper.as_bytes()[3].is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_escape_the_folder() {
        assert_eq!(safe_file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_file_name("..\\..\\boot.ini"), "_.._boot.ini");
        assert_eq!(safe_file_name("/abs/path.pdf"), "_abs_path.pdf");
        assert_eq!(safe_file_name(".bashrc"), "bashrc");
        assert_eq!(safe_file_name("a\u{0}b\nc.txt"), "a_b_c.txt");
        assert_eq!(safe_file_name(""), "attachment");
        assert_eq!(safe_file_name("CON.txt"), "attachment-CON.txt");
        assert_eq!(safe_file_name("invoice 12.pdf"), "invoice 12.pdf");
        assert!(safe_file_name(&"x".repeat(500)).len() <= MAX_STEM_CHARS);
    }

    #[test]
    fn saving_twice_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let first = save_unique(dir.path(), "invoice.pdf", b"one").unwrap();
        let second = save_unique(dir.path(), "invoice.pdf", b"two").unwrap();
        let third = save_unique(dir.path(), "../invoice", b"three").unwrap();
        assert_eq!(first, dir.path().join("invoice.pdf"));
        assert_eq!(second, dir.path().join("invoice (2).pdf"));
        assert_eq!(third, dir.path().join("_invoice"));
        assert_eq!(std::fs::read(first).unwrap(), b"one");
        assert_eq!(std::fs::read(second).unwrap(), b"two");
    }
}
