//! mbox read as a stream: messages split on "From " lines (at the start of the file or after a
//! blank line), ">From " lines unescaped (mboxrd, which Gmail Takeout writes), never the whole
//! file in memory.

use std::io::{self, BufRead};

/// Yields one raw message at a time from an mbox stream, and how many bytes were read so far.
pub struct MboxReader<R> {
    input: R,
    /// The separator line of the next message was read already.
    started: bool,
    done: bool,
    bytes_read: u64,
    line: Vec<u8>,
}

impl<R: BufRead> MboxReader<R> {
    pub fn new(input: R) -> Self {
        MboxReader {
            input,
            started: false,
            done: false,
            bytes_read: 0,
            line: Vec::new(),
        }
    }

    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    fn read_line(&mut self) -> io::Result<bool> {
        self.line.clear();
        let n = self.input.read_until(b'\n', &mut self.line)?;
        self.bytes_read += n as u64;
        Ok(n > 0)
    }

    /// The next message's raw bytes, or `None` at the end of the file.
    pub fn next_message(&mut self) -> io::Result<Option<Vec<u8>>> {
        if self.done {
            return Ok(None);
        }
        // Skip anything before the first "From " line (an mbox starts with one).
        while !self.started {
            if !self.read_line()? {
                self.done = true;
                return Ok(None);
            }
            self.started = self.line.starts_with(b"From ");
        }
        let mut message = Vec::new();
        let mut previous_blank = false;
        loop {
            if !self.read_line()? {
                self.done = true;
                break;
            }
            if previous_blank && self.line.starts_with(b"From ") {
                break;
            }
            previous_blank = self.line == b"\n" || self.line == b"\r\n";
            message.extend_from_slice(unescape_from(&self.line));
        }
        // The blank line that separates messages is the mbox's, not the mail's.
        if message.ends_with(b"\r\n\r\n") {
            message.truncate(message.len() - 2);
        } else if message.ends_with(b"\n\n") {
            message.truncate(message.len() - 1);
        }
        Ok(Some(message))
    }
}

/// mboxrd: a body line ">From ", ">>From "... had one ">" added on the way in.
fn unescape_from(line: &[u8]) -> &[u8] {
    let quotes = line.iter().take_while(|&&b| b == b'>').count();
    if quotes > 0 && line[quotes..].starts_with(b"From ") {
        &line[1..]
    } else {
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(mbox: &str) -> Vec<String> {
        let mut reader = MboxReader::new(mbox.as_bytes());
        let mut out = Vec::new();
        while let Some(m) = reader.next_message().unwrap() {
            out.push(String::from_utf8(m).unwrap());
        }
        assert_eq!(reader.bytes_read(), mbox.len() as u64);
        out
    }

    #[test]
    fn splits_and_unescapes() {
        let mbox =
            "From a@x Mon Nov  3 10:00:00 2025\nSubject: one\n\nHi\n>From here\n>>From there\n\n\
                    From b@x Mon Nov  3 11:00:00 2025\nSubject: two\n\nbody\nFrom the middle\n";
        let messages = all(mbox);
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0], "Subject: one\n\nHi\nFrom here\n>From there\n");
        // "From " not after a blank line is body text.
        assert_eq!(messages[1], "Subject: two\n\nbody\nFrom the middle\n");
    }

    #[test]
    fn empty_and_garbage_prefix() {
        assert!(all("").is_empty());
        assert_eq!(all("junk\nFrom x\nA: b\n\nc\n").len(), 1);
    }
}
