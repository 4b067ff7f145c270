//! Drives the real Shopdesk window (WebKitGTK under Xvfb) through tauri-driver: opens a ticket
//! with a customer and a linked order, and checks that the customer panel shows exactly the
//! orders the (simulated) Shopify store holds for that customer. Saves a screenshot to
//! `test-output/e2e/ticket.png`.
//!
//! Run by `scripts/test.sh` inside `xvfb-run -a dbus-run-session -- env NO_AT_BRIDGE=1`.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use shopdesk_e2e::webdriver::{Element, Session};
use shopdesk_e2e::{
    app_binary, canonical_decimal, humanize_status, poll, two_free_ports, workspace_root,
    ProcessGuard,
};

/// Everything, from starting tauri-driver to the last assertion, must fit in this.
const TEST_TIMEOUT: Duration = Duration::from_secs(300);
/// A cold start (WebKit, the simulator, the first sync) on 2 cores.
const READY_TIMEOUT: Duration = Duration::from_secs(150);
const STEP_TIMEOUT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(150);

#[test]
#[ignore = "needs Xvfb + tauri-driver; run by scripts/test.sh"]
fn customer_panel_shows_the_stores_orders_for_the_ticket() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        // On timeout the future is dropped, and with it the guards that stop every process.
        if tokio::time::timeout(TEST_TIMEOUT, run()).await.is_err() {
            panic!("e2e: the test did not finish within {TEST_TIMEOUT:?}");
        }
    });
}

/// One order as the customer panel shows it.
#[derive(Debug)]
struct UiOrder {
    linked: bool,
    total_amount: String,
    total_currency: String,
    total_text: String,
    financial: String,
    financial_text: String,
    fulfillment: String,
    fulfillment_text: String,
}

/// One order as the simulator holds it.
#[derive(Debug)]
struct StoreOrder {
    amount: String,
    currency: String,
    financial: String,
    fulfillment: String,
}

async fn run() {
    let started = Instant::now();
    let root = workspace_root();
    let app = app_binary();
    assert!(
        app.is_file(),
        "e2e: {} is missing; build it first: (cd ui && npm run build) && cargo build -p shopdesk",
        app.display()
    );
    let out_dir = root.join("test-output/e2e");
    std::fs::create_dir_all(&out_dir).expect("create test-output/e2e");
    let data_dir = tempfile::Builder::new()
        .prefix("shopdesk-e2e-")
        .tempdir()
        .expect("a temp data dir");

    // tauri-driver, and through it WebKitWebDriver and the app, on ports nobody else uses.
    let (port, native_port) = two_free_ports();
    let log = File::create(out_dir.join("tauri-driver.log")).expect("driver log file");
    let app_log = out_dir.join("app.log");
    let _ = std::fs::remove_file(&app_log);
    let mut command = Command::new(std::env::var("TAURI_DRIVER").unwrap_or("tauri-driver".into()));
    command
        .args(["--port", &port.to_string()])
        .args(["--native-port", &native_port.to_string()])
        .env("SHOPDESK_DATA_DIR", data_dir.path())
        .env("SHOPDESK_LOG_FILE", &app_log)
        .env("RUST_LOG", "info")
        .stdout(log.try_clone().expect("log handle"))
        .stderr(log);
    // The app and WebKit's helpers inherit SHOPDESK_DATA_DIR: any of them left behind once
    // tauri-driver's group is stopped is stopped too (guards drop in reverse order).
    let _leftovers = LeftoverGuard {
        marker: format!("SHOPDESK_DATA_DIR={}", data_dir.path().display()),
    };
    let mut driver = ProcessGuard::spawn("tauri-driver", command)
        .expect("e2e: could not start tauri-driver; scripts/setup-debian.sh installs it");
    eprintln!(
        "e2e: tauri-driver pid {:?} on port {port}, app {}",
        driver.pid(),
        app.display()
    );

    let deadline = Instant::now() + STEP_TIMEOUT;
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        if let Err(err) = driver.check_running() {
            panic!("e2e: {err}; see test-output/e2e/tauri-driver.log");
        }
        assert!(
            Instant::now() < deadline,
            "e2e: tauri-driver did not listen on {port}"
        );
        tokio::time::sleep(POLL).await;
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
    .unwrap_or_else(|err| panic!("e2e: WebDriver session: {err}"));
    eprintln!("e2e: session started after {:?}", started.elapsed());

    let result = check_ticket(&client, &out_dir).await;
    if let Err(err) = &result {
        eprintln!("e2e: failed: {err}");
        save_failure_evidence(&client, &out_dir).await;
        eprintln!("e2e: the app's log is in {}", app_log.display());
    }
    let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
    drop(driver);
    result.unwrap_or_else(|err| panic!("e2e: {err}"));
    eprintln!("e2e: passed in {:?}", started.elapsed());
}

async fn check_ticket(client: &Session, out_dir: &Path) -> Result<(), String> {
    // The demo store is seeded and synced in the background; the UI shows a loading state first.
    let ready = Instant::now();
    let shown = poll("the ticket list", READY_TIMEOUT, POLL, || async {
        if let Ok(Some(err)) = client.find("[data-testid=app-error]").await {
            let text = client.text(&err).await.unwrap_or_default();
            return Some(Err(format!("the app failed to start: {text}")));
        }
        let rows = client.find_all("[data-testid=ticket-row]").await.ok()?;
        (!rows.is_empty()).then_some(Ok(()))
    })
    .await?;
    shown?;
    eprintln!("e2e: ticket list shown after {:?}", ready.elapsed());

    let info = invoke(client, "demo_info").await?;
    let graphql_url = info["graphqlUrl"]
        .as_str()
        .ok_or_else(|| format!("demo_info has no graphqlUrl: {info}"))?
        .to_string();
    let token = info["accessToken"]
        .as_str()
        .ok_or_else(|| format!("demo_info has no accessToken: {info}"))?
        .to_string();

    // Tickets with a linked order, as the app lists them; the first that has a customer is used.
    let tickets = invoke(client, "list_tickets").await?;
    let candidates: Vec<(String, String)> = tickets
        .as_array()
        .ok_or("list_tickets did not return a list")?
        .iter()
        .filter_map(|t| {
            let order = t["orderName"].as_str()?;
            Some((t["id"].to_string(), order.to_string()))
        })
        .collect();
    if candidates.is_empty() {
        return Err("no ticket in the demo mailbox has a linked order".into());
    }
    // The app opens the first ticket by itself: prefer others, so the click is what opens one.
    let already_open = match client.find("[data-testid=conversation]").await {
        Ok(Some(conversation)) => client
            .attr(&conversation, "data-ticket-id")
            .await
            .ok()
            .flatten(),
        _ => None,
    };
    let (mut candidates, open_ones): (Vec<_>, Vec<_>) = candidates
        .into_iter()
        .partition(|(id, _)| Some(id) != already_open.as_ref());
    candidates.extend(open_ones);

    // A customer with several orders makes "exactly those orders" mean something: look at a few
    // tickets and keep the first whose customer has two or more, else the first with a customer.
    let mut chosen = None;
    let mut fallback = None;
    for (id, order_name) in candidates.iter().take(12) {
        let (customer_id, orders) = open_ticket(client, id).await?;
        if customer_id.is_empty() {
            continue;
        }
        let found = (id.clone(), order_name.clone(), customer_id);
        if orders >= 2 {
            chosen = Some(found);
            break;
        }
        fallback.get_or_insert(found);
    }
    if chosen.is_none() {
        if let Some(found) = fallback {
            open_ticket(client, &found.0).await?;
            chosen = Some(found);
        }
    }
    let (ticket_id, order_name, customer_id) =
        chosen.ok_or("no ticket with a linked order has a Shopify customer")?;
    eprintln!("e2e: opened ticket {ticket_id} (order {order_name}, customer {customer_id})");

    // Let layout and fonts settle, then keep a picture whatever the assertions say.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let png = client
        .screenshot()
        .await
        .map_err(|e| format!("screenshot: {e}"))?;
    let shot = out_dir.join("ticket.png");
    std::fs::write(&shot, png).map_err(|e| format!("write {}: {e}", shot.display()))?;
    eprintln!("e2e: screenshot saved to {}", shot.display());

    let ui = read_ui_orders(client).await?;
    let store = store_orders(&graphql_url, &token, &customer_id).await?;

    let ui_names: Vec<&String> = ui.iter().map(|(name, _)| name).collect();
    let mut ui_sorted = ui_names.clone();
    ui_sorted.sort();
    let store_names: Vec<&String> = store.keys().collect();
    if ui_sorted != store_names {
        return Err(format!(
            "customer panel shows orders {ui_names:?}, the store has {store_names:?}"
        ));
    }
    let (first_name, first) = ui.first().ok_or("the customer has no orders")?;
    if first_name != &order_name || !first.linked {
        return Err(format!(
            "the linked order {order_name} should come first and be marked; first is {first_name} (linked: {})",
            first.linked
        ));
    }
    if ui.iter().skip(1).any(|(_, o)| o.linked) {
        return Err("only one order should be marked as linked".into());
    }
    for (name, shown) in &ui {
        let expected = &store[name];
        let shown_amount = canonical_decimal(&shown.total_amount);
        let expected_amount = canonical_decimal(&expected.amount);
        if shown_amount != expected_amount || shown.total_currency != expected.currency {
            return Err(format!(
                "{name}: total shown {} {}, the store has {} {}",
                shown.total_amount, shown.total_currency, expected.amount, expected.currency
            ));
        }
        let text_amount: String = shown
            .total_text
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
            .collect();
        if canonical_decimal(&text_amount) != expected_amount
            || !shown.total_text.contains(&expected.currency)
        {
            return Err(format!(
                "{name}: total reads {:?}, expected {} {}",
                shown.total_text, expected.amount, expected.currency
            ));
        }
        for (what, raw, text, want) in [
            (
                "financial status",
                &shown.financial,
                &shown.financial_text,
                &expected.financial,
            ),
            (
                "fulfillment status",
                &shown.fulfillment,
                &shown.fulfillment_text,
                &expected.fulfillment,
            ),
        ] {
            if raw != want || text != &humanize_status(want) {
                return Err(format!(
                    "{name}: {what} shown {raw:?} ({text:?}), the store has {want:?}"
                ));
            }
        }
    }
    eprintln!(
        "e2e: customer panel matches the store: {} orders {:?}",
        ui.len(),
        ui_names
    );

    check_keyboard(client, &ticket_id).await
}

/// j moves the cursor to the next ticket and Enter opens it; k and Enter go back.
async fn check_keyboard(client: &Session, open_id: &str) -> Result<(), String> {
    let mut ids = Vec::new();
    for row in client
        .find_all("[data-testid=ticket-row]")
        .await
        .map_err(|e| format!("ticket rows: {e}"))?
    {
        ids.push(attr(client, &row, "data-ticket-id").await?);
    }
    let at = ids
        .iter()
        .position(|id| id == open_id)
        .ok_or("the open ticket is not in the list")?;
    let Some(next) = ids.get(at + 1) else {
        eprintln!("e2e: keyboard check skipped: the open ticket is the last one");
        return Ok(());
    };
    for (keys, want) in [("j\u{E007}", next.as_str()), ("k\u{E007}", open_id)] {
        client
            .press_keys(keys)
            .await
            .map_err(|e| format!("keys {keys:?}: {e}"))?;
        let selector = format!("[data-testid=conversation][data-ticket-id=\"{want}\"]");
        poll(
            &format!("ticket {want} to open from the keyboard"),
            STEP_TIMEOUT,
            POLL,
            || async { client.find(&selector).await.ok().flatten() },
        )
        .await?;
    }
    eprintln!("e2e: j/k and Enter move between tickets {open_id} and {next}");
    Ok(())
}

/// Clicks a ticket in the list and waits for it to open; returns the customer id shown in the
/// customer panel (empty when none) and how many order cards it shows.
async fn open_ticket(client: &Session, id: &str) -> Result<(String, usize), String> {
    let row = client
        .find(&format!(
            "[data-testid=ticket-row][data-ticket-id=\"{id}\"]"
        ))
        .await
        .map_err(|e| format!("ticket row {id}: {e}"))?
        .ok_or_else(|| format!("no row for ticket {id}"))?;
    client
        .click(&row)
        .await
        .map_err(|e| format!("click ticket {id}: {e}"))?;
    let opened = format!("[data-testid=conversation][data-ticket-id=\"{id}\"]");
    let customer_id = poll(
        &format!("ticket {id} to open"),
        STEP_TIMEOUT,
        POLL,
        || async {
            client.find(&opened).await.ok()??;
            let panel = client.find("[data-testid=customer-panel]").await.ok()??;
            client.attr(&panel, "data-customer-id").await.ok()?
        },
    )
    .await?;
    let orders = client
        .find_all("[data-testid=customer-panel] [data-testid=order-card]")
        .await
        .map_err(|e| format!("order cards: {e}"))?
        .len();
    Ok((customer_id, orders))
}

/// Calls one of the app's commands from inside the page, as the UI does.
async fn invoke(client: &Session, command: &str) -> Result<Value, String> {
    let script = r#"
        const [command, done] = [arguments[0], arguments[arguments.length - 1]];
        window.__TAURI_INTERNALS__.invoke(command)
            .then((value) => done({ ok: value }), (error) => done({ error }));
    "#;
    let answer = client
        .execute_async(script, vec![json!(command)])
        .await
        .map_err(|e| format!("invoke {command}: {e}"))?;
    match answer.get("ok") {
        Some(value) => Ok(value.clone()),
        None => Err(format!("invoke {command} failed: {}", answer["error"])),
    }
}

async fn read_ui_orders(client: &Session) -> Result<Vec<(String, UiOrder)>, String> {
    let cards = client
        .find_all("[data-testid=customer-panel] [data-testid=order-card]")
        .await
        .map_err(|e| format!("order cards: {e}"))?;
    let mut orders = Vec::new();
    for card in cards {
        let name = attr(client, &card, "data-order-name").await?;
        let total = child(client, &card, "order-total").await?;
        let financial = child(client, &card, "order-financial-status").await?;
        let fulfillment = child(client, &card, "order-fulfillment-status").await?;
        orders.push((
            name,
            UiOrder {
                linked: attr(client, &card, "data-linked").await? == "true",
                total_amount: attr(client, &total, "data-amount").await?,
                total_currency: attr(client, &total, "data-currency").await?,
                total_text: text(client, &total).await?,
                financial: attr(client, &financial, "data-status").await?,
                financial_text: text(client, &financial).await?,
                fulfillment: attr(client, &fulfillment, "data-status").await?,
                fulfillment_text: text(client, &fulfillment).await?,
            },
        ));
    }
    Ok(orders)
}

async fn child(client: &Session, parent: &Element, testid: &str) -> Result<Element, String> {
    client
        .find_all_in(parent, &format!("[data-testid={testid}]"))
        .await
        .map_err(|e| format!("{testid}: {e}"))?
        .into_iter()
        .next()
        .ok_or_else(|| format!("no {testid} in an order card"))
}

async fn attr(client: &Session, element: &Element, name: &str) -> Result<String, String> {
    client
        .attr(element, name)
        .await
        .map_err(|e| format!("attribute {name}: {e}"))?
        .ok_or_else(|| format!("attribute {name} missing"))
}

async fn text(client: &Session, element: &Element) -> Result<String, String> {
    client
        .text(element)
        .await
        .map(|t| t.trim().to_string())
        .map_err(|e| format!("text: {e}"))
}

/// The customer's orders straight from the simulated store, keyed by name.
async fn store_orders(
    graphql_url: &str,
    token: &str,
    customer_id: &str,
) -> Result<BTreeMap<String, StoreOrder>, String> {
    let query = r#"
        query CustomerOrders($id: ID!) {
          customer(id: $id) {
            id
            orders(first: 250) {
              nodes {
                name
                totalPriceSet { shopMoney { amount currencyCode } }
                displayFinancialStatus
                displayFulfillmentStatus
              }
            }
          }
        }
    "#;
    let http = reqwest::Client::builder()
        .timeout(STEP_TIMEOUT)
        .build()
        .map_err(|e| format!("http client: {e}"))?;
    let response: Value = http
        .post(graphql_url)
        .header("X-Shopify-Access-Token", token)
        .json(&json!({ "query": query, "variables": { "id": customer_id } }))
        .send()
        .await
        .map_err(|e| format!("simulator request: {e}"))?
        .error_for_status()
        .map_err(|e| format!("simulator answer: {e}"))?
        .json()
        .await
        .map_err(|e| format!("simulator JSON: {e}"))?;
    if response.get("errors").is_some() {
        return Err(format!("simulator errors: {}", response["errors"]));
    }
    let nodes = response["data"]["customer"]["orders"]["nodes"]
        .as_array()
        .ok_or_else(|| format!("no orders for customer {customer_id}: {response}"))?;
    let mut orders = BTreeMap::new();
    for node in nodes {
        let money = &node["totalPriceSet"]["shopMoney"];
        orders.insert(
            node["name"].as_str().unwrap_or_default().to_string(),
            StoreOrder {
                amount: money["amount"].as_str().unwrap_or_default().to_string(),
                currency: money["currencyCode"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                financial: node["displayFinancialStatus"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                fulfillment: node["displayFulfillmentStatus"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            },
        );
    }
    Ok(orders)
}

/// On failure: a screenshot and the page's text, to see what the window showed.
async fn save_failure_evidence(client: &Session, out_dir: &Path) {
    if let Ok(png) = client.screenshot().await {
        let path = out_dir.join("failure.png");
        if std::fs::write(&path, png).is_ok() {
            eprintln!("e2e: failure screenshot saved to {}", path.display());
        }
    }
    let script = "const done = arguments[arguments.length - 1]; done(document.body.innerText);";
    if let Ok(text) = client.execute_async(script, vec![]).await {
        let text = text.as_str().unwrap_or_default();
        let text: String = text.chars().take(2000).collect();
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
            let ours = environ
                .split(|b| *b == 0)
                .any(|var| var == self.marker.as_bytes());
            if ours {
                eprintln!("e2e: stopping leftover process {pid}");
                let _ = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
            }
        }
    }
}
