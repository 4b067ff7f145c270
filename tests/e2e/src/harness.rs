//! One run of the real app for a test: tauri-driver on free ports, a fresh data folder, a
//! WebDriver session, the ticket list waited for, and on failure a screenshot and the page's
//! text. Every process started is stopped when the run ends, whatever happened.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::webdriver::{Element, Session};
use crate::{app_binary, poll, two_free_ports, workspace_root, ProcessGuard};

/// Everything, from starting tauri-driver to the last assertion, must fit in this.
pub const TEST_TIMEOUT: Duration = Duration::from_secs(300);
/// A cold start (WebKit, the simulator, the first sync) on 2 cores.
pub const READY_TIMEOUT: Duration = Duration::from_secs(150);
pub const STEP_TIMEOUT: Duration = Duration::from_secs(20);
pub const POLL: Duration = Duration::from_millis(150);

/// Where the e2e tests write screenshots and logs: `test-output/e2e/`.
pub fn out_dir() -> PathBuf {
    let dir = workspace_root().join("test-output/e2e");
    std::fs::create_dir_all(&dir).expect("create test-output/e2e");
    dir
}

/// How [`run_app_with`] starts the app.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// `SHOPDESK_DEMO=1` and wait for the ticket list before the check (the default); without
    /// it the app starts as a first run would (onboarding) and the check starts at once.
    pub demo: bool,
    /// More environment for the app (e.g. `SHOPDESK_SHOPIFY_BASE_URL`, `DBUS_SESSION_BUS_ADDRESS`).
    pub env: Vec<(String, String)>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            demo: true,
            env: Vec::new(),
        }
    }
}

/// The body of an e2e `#[test]`: builds a runtime and runs [`run_app`] within [`TEST_TIMEOUT`],
/// panicking on failure. On timeout the run is dropped, and with it the guards that stop every
/// process.
pub fn run_test<F>(name: &str, check: F)
where
    F: AsyncFnOnce(&Session, &Path) -> Result<(), String>,
{
    run_test_with(name, RunOptions::default(), check)
}

/// [`run_test`] with [`RunOptions`].
pub fn run_test_with<F>(name: &str, options: RunOptions, check: F)
where
    F: AsyncFnOnce(&Session, &Path) -> Result<(), String>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        match tokio::time::timeout(TEST_TIMEOUT, run_app_with(name, options, check)).await {
            Err(_) => panic!("e2e: the test did not finish within {TEST_TIMEOUT:?}"),
            Ok(Err(err)) => panic!("e2e: {err}"),
            Ok(Ok(())) => {}
        }
    });
}

/// Starts the app (demo mode, a fresh data folder) under tauri-driver, waits for the ticket list,
/// runs `check`, and stops everything. `name` prefixes this run's log files.
pub async fn run_app<F>(name: &str, check: F) -> Result<(), String>
where
    F: AsyncFnOnce(&Session, &Path) -> Result<(), String>,
{
    run_app_with(name, RunOptions::default(), check).await
}

/// [`run_app`] with [`RunOptions`].
pub async fn run_app_with<F>(name: &str, options: RunOptions, check: F) -> Result<(), String>
where
    F: AsyncFnOnce(&Session, &Path) -> Result<(), String>,
{
    let started = Instant::now();
    let app = app_binary();
    if !app.is_file() {
        return Err(format!(
            "{} is missing; build it first: (cd ui && npm run build) && cargo build --workspace --all-targets",
            app.display()
        ));
    }
    let out_dir = out_dir();
    let data_dir = tempfile::Builder::new()
        .prefix("shopdesk-e2e-")
        .tempdir()
        .map_err(|e| format!("a temp data dir: {e}"))?;
    let (port, native_port) = two_free_ports();
    let log = File::create(out_dir.join(format!("{name}-tauri-driver.log")))
        .map_err(|e| format!("driver log file: {e}"))?;
    let app_log = out_dir.join(format!("{name}-app.log"));
    let _ = std::fs::remove_file(&app_log);
    let mut command = Command::new(std::env::var("TAURI_DRIVER").unwrap_or("tauri-driver".into()));
    command
        .args(["--port", &port.to_string()])
        .args(["--native-port", &native_port.to_string()])
        .env("SHOPDESK_DATA_DIR", data_dir.path())
        .env("SHOPDESK_LOG_FILE", &app_log)
        .env("RUST_LOG", "info")
        .envs(options.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdout(log.try_clone().map_err(|e| format!("log handle: {e}"))?)
        .stderr(log);
    if options.demo {
        command.env("SHOPDESK_DEMO", "1");
    } else {
        command.env_remove("SHOPDESK_DEMO");
    }
    let _leftovers = LeftoverGuard {
        marker: format!("SHOPDESK_DATA_DIR={}", data_dir.path().display()),
    };
    let mut driver = ProcessGuard::spawn("tauri-driver", command).map_err(|e| {
        format!("could not start tauri-driver ({e}); scripts/setup-debian.sh installs it")
    })?;

    // tauri-driver listens before the WebKitWebDriver it starts does, and it drops a request it
    // cannot forward (the connection closes with no answer): wait for both.
    let deadline = Instant::now() + STEP_TIMEOUT;
    for (listener, port) in [("tauri-driver", port), ("WebKitWebDriver", native_port)] {
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            driver.check_running()?;
            if Instant::now() >= deadline {
                return Err(format!("{listener} did not listen on {port}"));
            }
            tokio::time::sleep(POLL).await;
        }
    }
    let capabilities = json!({
        "browserName": "wry",
        "tauri:options": { "application": app.display().to_string() },
    });
    let client = Session::start(
        &format!("http://127.0.0.1:{port}"),
        capabilities,
        Duration::from_secs(60),
    )
    .await
    .map_err(|err| format!("WebDriver session: {err}"))?;
    eprintln!("e2e[{name}]: session started after {:?}", started.elapsed());

    let waited = match options.demo {
        true => wait_for_tickets(&client).await,
        false => Ok(()),
    };
    let result = match waited {
        Ok(()) => check(&client, &out_dir).await,
        Err(err) => Err(err),
    };
    if let Err(err) = &result {
        eprintln!("e2e[{name}]: failed: {err}");
        save_failure_evidence(&client, &out_dir, name).await;
        eprintln!("e2e[{name}]: the app's log is in {}", app_log.display());
    }
    let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
    drop(driver);
    result?;
    eprintln!("e2e[{name}]: passed in {:?}", started.elapsed());
    Ok(())
}

pub async fn wait_for_tickets(client: &Session) -> Result<(), String> {
    poll("the ticket list", READY_TIMEOUT, POLL, || async {
        if let Ok(Some(err)) = client.find("[data-testid=app-error]").await {
            let text = client.text(&err).await.unwrap_or_default();
            return Some(Err(format!("the app failed to start: {text}")));
        }
        let rows = client.find_all("[data-testid=ticket-row]").await.ok()?;
        (!rows.is_empty()).then_some(Ok(()))
    })
    .await?
}

/// Calls a Tauri command from the page, as the UI does.
pub async fn invoke(client: &Session, command: &str, args: Value) -> Result<Value, String> {
    let script = r#"
        const [command, args, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
        window.__TAURI_INTERNALS__.invoke(command, args)
            .then((value) => done({ ok: value }), (error) => done({ error }));
    "#;
    let answer = client
        .execute_async(script, vec![json!(command), args])
        .await
        .map_err(|e| format!("invoke {command}: {e}"))?;
    match answer.get("ok") {
        Some(value) => Ok(value.clone()),
        None => Err(format!("invoke {command} failed: {}", answer["error"])),
    }
}

/// Runs `body` as an async function in the page and returns what it returns.
pub async fn eval(client: &Session, body: &str) -> Result<Value, String> {
    let script = format!(
        "const done = arguments[arguments.length - 1];\
         (async () => {{ {body} }})().then((v) => done({{ ok: v === undefined ? null : v }}), (e) => done({{ error: String(e) }}));"
    );
    let answer = client
        .execute_async(&script, vec![])
        .await
        .map_err(|e| format!("script: {e}"))?;
    match answer.get("ok") {
        Some(value) => Ok(value.clone()),
        None => Err(format!("script failed: {}", answer["error"])),
    }
}

/// The first element matching `css`, waited for.
pub async fn wait_for(client: &Session, css: &str) -> Result<Element, String> {
    poll(css, STEP_TIMEOUT, POLL, || async {
        client.find(css).await.ok().flatten()
    })
    .await
}

/// Clicks ticket `id` in the list and waits for its conversation to open.
pub async fn open_ticket(client: &Session, id: impl std::fmt::Display) -> Result<(), String> {
    let row = wait_for(
        client,
        &format!("[data-testid=ticket-row][data-ticket-id=\"{id}\"]"),
    )
    .await?;
    client
        .click(&row)
        .await
        .map_err(|e| format!("click ticket {id}: {e}"))?;
    wait_for(
        client,
        &format!("[data-testid=conversation][data-ticket-id=\"{id}\"]"),
    )
    .await?;
    Ok(())
}

/// An attribute's value; an error when the element has none.
pub async fn attr(client: &Session, element: &Element, name: &str) -> Result<String, String> {
    client
        .attr(element, name)
        .await
        .map_err(|e| format!("attribute {name}: {e}"))?
        .ok_or_else(|| format!("attribute {name} missing"))
}

/// The element's rendered text, trimmed.
pub async fn text(client: &Session, element: &Element) -> Result<String, String> {
    client
        .text(element)
        .await
        .map(|t| t.trim().to_string())
        .map_err(|e| format!("text: {e}"))
}

/// Saves a screenshot of the window (after letting layout settle) as `test-output/e2e/<file>`.
pub async fn screenshot(client: &Session, out_dir: &Path, file: &str) -> Result<(), String> {
    tokio::time::sleep(Duration::from_millis(600)).await;
    let png = client
        .screenshot()
        .await
        .map_err(|e| format!("screenshot: {e}"))?;
    let path = out_dir.join(file);
    std::fs::write(&path, png).map_err(|e| format!("write {}: {e}", path.display()))?;
    eprintln!("e2e: screenshot saved to {}", path.display());
    Ok(())
}

async fn save_failure_evidence(client: &Session, out_dir: &Path, name: &str) {
    if let Ok(png) = client.screenshot().await {
        let path = out_dir.join(format!("{name}-failure.png"));
        if std::fs::write(&path, png).is_ok() {
            eprintln!("e2e: failure screenshot saved to {}", path.display());
        }
    }
    let script = "const done = arguments[arguments.length - 1]; done(document.body.innerText);";
    if let Ok(text) = client.execute_async(script, vec![]).await {
        let text: String = text
            .as_str()
            .unwrap_or_default()
            .chars()
            .take(2000)
            .collect();
        eprintln!("e2e: the page read:\n{text}");
    }
}

/// Stops, by PID, any process still carrying this run's `SHOPDESK_DATA_DIR` (the app and
/// WebKit's helpers, should they have left tauri-driver's process group).
struct LeftoverGuard {
    marker: String,
}

impl Drop for LeftoverGuard {
    fn drop(&mut self) {
        let me = std::process::id();
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return;
        };
        for entry in entries.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            if pid == me {
                continue;
            }
            let Ok(environ) = std::fs::read(entry.path().join("environ")) else {
                continue;
            };
            if environ
                .split(|b| *b == 0)
                .any(|var| var == self.marker.as_bytes())
            {
                eprintln!("e2e: stopping leftover process {pid}");
                let _ = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
            }
        }
    }
}
