//! Small helpers shared by the runners.

use std::io::{BufRead, BufReader, Read};
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// A port nothing listens on: bound by us, then released for the server under test.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

/// Polls `probe` until it returns Some, or gives up after `timeout`.
pub fn wait_until<T>(timeout: Duration, mut probe: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = probe() {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// The first line `output` prints, or an error after `timeout`. The reader keeps draining the
/// stream on its thread, so a chatty child never blocks on a full pipe.
pub(crate) fn first_line(
    output: impl Read + Send + 'static,
    timeout: Duration,
) -> Result<String, String> {
    let (line_tx, line_rx) = mpsc::channel();
    thread::spawn(move || {
        let mut lines = BufReader::new(output).lines();
        if let Some(Ok(line)) = lines.next() {
            let _ = line_tx.send(line);
        }
        for _ in lines {}
    });
    line_rx
        .recv_timeout(timeout)
        .map_err(|_| format!("no output within {timeout:?}"))
}

/// The workspace root: this crate sits at tests/support.
pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("tests/support sits two levels below the workspace")
        .to_path_buf()
}

/// A script in tests/support.
pub(crate) fn script(name: &str) -> PathBuf {
    workspace_root().join("tests/support").join(name)
}

/// The Python that has the helpers' packages: SHOPDESK_TEST_PYTHON, else the project's .venv.
pub(crate) fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("SHOPDESK_TEST_PYTHON") {
        return PathBuf::from(python);
    }
    let python = workspace_root().join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `bash scripts/setup-debian.sh` (it makes .venv from \
         tests/support/requirements.txt)",
        python.display()
    );
    python
}
