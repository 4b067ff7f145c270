//! Mail benchmarks against a throw-away Dovecot on 127.0.0.1 (run with `cargo bench`, never in
//! the test command):
//!
//! - `fetch`: N messages APPENDed to the INBOX, then Shopdesk's initial fetch (`sync_folder` into
//!   a fresh SQLite file: fetch, parse, sanitize, thread, store) timed next to mbsync (isync)
//!   pulling the same INBOX into an empty local Maildir, alternately, `--runs` times each.
//! - `latency`: APPEND of a new mail -> IDLE wakes `watch_inbox` -> the mail is filed -> the
//!   notifier shows it on a private D-Bus session bus, to tests/support's notification listener
//!   (the D-Bus round trip included). `--samples` mails, one at a time; p50/p95/max.
//!
//! `cargo bench -p shopdesk-mailbox --bench mail_bench -- [fetch|latency|all] [--messages N]
//! [--runs R] [--samples S] [--mbsync-fsync yes|no]`. Defaults: all, 10000 messages, 3 runs, 50
//! samples, mbsync with its default `FSync yes`.

use std::ops::ControlFlow;
use std::path::Path;
use std::process::Command;
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use shopdesk_mailbox::{
    sync_folder, watch_inbox, MailboxConfig, SharedStore, WatchEvent, WatchOptions, INBOX,
};
use shopdesk_notify::{
    BurstPolicy, NoticeOrigin, NoticeOutcome, Notifier, NotifierConfig, TicketNotice,
};
use shopdesk_store::Store;
use shopdesk_test_support::dbus::{BusSession, PrivateBus};
use shopdesk_test_support::dovecot::{Dovecot, PASSWORD, USER};
use shopdesk_test_support::listener::{Listener, ListenerOptions};

struct Options {
    what: String,
    messages: u32,
    runs: u32,
    samples: u32,
    /// mbsync's FSync setting: "yes" (its default, an fsync per mail) or "no".
    mbsync_fsync: String,
}

fn options() -> Options {
    let mut o = Options {
        what: "all".into(),
        messages: 10_000,
        runs: 3,
        samples: 50,
        mbsync_fsync: "yes".into(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> u32 {
            args.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{name} takes a number"))
        };
        match arg.as_str() {
            "--messages" => o.messages = number("--messages"),
            "--runs" => o.runs = number("--runs"),
            "--samples" => o.samples = number("--samples"),
            "--mbsync-fsync" => {
                o.mbsync_fsync = args
                    .next()
                    .filter(|v| v == "yes" || v == "no")
                    .expect("--mbsync-fsync yes|no")
            }
            "fetch" | "latency" | "all" => o.what = arg,
            // cargo bench passes --bench.
            "--bench" => {}
            other => panic!("unknown option {other}; see the file's header"),
        }
    }
    o
}

fn main() {
    let o = options();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    if o.what == "fetch" || o.what == "all" {
        runtime.block_on(fetch_bench(&o));
    }
    if o.what == "latency" || o.what == "all" {
        runtime.block_on(latency_bench(&o));
    }
}

/// A support mailbox's mix: questions naming an order, some replies in a thread, some HTML.
fn bench_mail(tag: &str, n: u32) -> Vec<u8> {
    let customer = n % 700;
    let order = 1000 + n % 5000;
    let mut head = format!(
        "From: Customer {customer} <customer{customer}@example.com>\r\nTo: Support <{USER}>\r\n\
         Subject: Question about order #{order}\r\nMessage-ID: <{tag}-{n}@example.com>\r\n\
         Date: Mon, 2 Mar 2026 10:{:02}:{:02} +0000\r\nMIME-Version: 1.0\r\n",
        (n / 60) % 60,
        n % 60
    );
    if n % 5 == 4 {
        head.push_str(&format!("In-Reply-To: <{tag}-{}@example.com>\r\n", n - 1));
    }
    let text = format!(
        "Hello,\r\n\r\nI ordered the grinder on order #{order} two weeks ago and it has not \
         arrived yet. The tracking page has not changed since it left the warehouse. Could you \
         check with the carrier and tell me when I can expect it?\r\n\r\n{}\r\nThanks,\r\n\
         Customer {customer}\r\n\r\nOn Sun, 1 Mar 2026 at 09:00, Support <{USER}> wrote:\r\n\
         > Thanks for your order!\r\n> It ships within two days.\r\n",
        "Some more context about what happened. ".repeat(12)
    );
    if n.is_multiple_of(10) {
        head.push_str("Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n");
        format!(
            "{head}--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n--alt\r\n\
             Content-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>{}</p>\
             <img src=\"https://t.example/p.gif?{n}\" width=1 height=1></body></html>\r\n--alt--\r\n",
            text.replace("\r\n", "<br>")
        )
        .into_bytes()
    } else {
        head.push_str("Content-Type: text/plain; charset=utf-8\r\n\r\n");
        format!("{head}{text}").into_bytes()
    }
}

fn fresh_store(dir: &Path) -> SharedStore {
    Arc::new(Mutex::new(
        Store::open(&dir.join("shopdesk.db")).expect("store"),
    ))
}

async fn fetch_bench(o: &Options) {
    let server = Dovecot::start();
    let started = Instant::now();
    let mut imap = server.client().await;
    for n in 0..o.messages {
        imap.append(INBOX, &bench_mail("bench", n)).await;
    }
    imap.logout().await;
    let bytes: usize = (0..o.messages).map(|n| bench_mail("bench", n).len()).sum();
    println!(
        "fetch: {} messages ({:.1} MB) APPENDed in {:.1} s",
        o.messages,
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let config = server.config();
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for run in 1..=o.runs {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = fresh_store(dir.path());
        let started = Instant::now();
        let report = sync_folder(&config, INBOX, &store, |_| ControlFlow::Continue(()))
            .await
            .expect("Shopdesk's initial fetch");
        let shopdesk = started.elapsed();
        assert_eq!(report.new_messages, o.messages, "every mail filed");
        let mbsync = run_mbsync(
            &config,
            &dir.path().join("mbsync"),
            o.messages,
            &o.mbsync_fsync,
        );
        println!(
            "fetch run {run}: Shopdesk {:.2} s ({:.0} msg/s), mbsync {:.2} s ({:.0} msg/s), ratio {:.2}x",
            shopdesk.as_secs_f64(),
            f64::from(o.messages) / shopdesk.as_secs_f64(),
            mbsync.as_secs_f64(),
            f64::from(o.messages) / mbsync.as_secs_f64(),
            shopdesk.as_secs_f64() / mbsync.as_secs_f64()
        );
        ours.push(shopdesk);
        theirs.push(mbsync);
    }
    let (ours, theirs) = (median(&mut ours), median(&mut theirs));
    println!(
        "fetch median of {}: Shopdesk {:.2} s, mbsync (FSync {}) {:.2} s, ratio {:.2}x (goal <= 1.5x)",
        o.runs,
        ours.as_secs_f64(),
        o.mbsync_fsync,
        theirs.as_secs_f64(),
        ours.as_secs_f64() / theirs.as_secs_f64()
    );
}

/// mbsync pulling the INBOX into an empty Maildir; returns its wall time.
fn run_mbsync(config: &MailboxConfig, dir: &Path, expected: u32, fsync: &str) -> Duration {
    std::fs::create_dir_all(dir.join("local")).expect("mbsync dir");
    let rc = dir.join("mbsyncrc");
    std::fs::write(
        &rc,
        format!(
            "FSync {fsync}\n\nIMAPAccount bench\nHost 127.0.0.1\nPort {port}\nUser {USER}\nPass {PASSWORD}\n\
             SSLType None\nAuthMechs LOGIN\nPipelineDepth 50\n\n\
             IMAPStore remote\nAccount bench\n\n\
             MaildirStore local\nPath {local}/\nInbox {local}/INBOX\n\n\
             Channel bench\nFar :remote:\nNear :local:\nPatterns INBOX\nSync Pull\nCreate Near\n\
             SyncState *\n",
            port = config.imap_port,
            local = dir.join("local").display(),
        ),
    )
    .expect("mbsyncrc");
    let started = Instant::now();
    let out = Command::new("mbsync")
        .arg("-c")
        .arg(&rc)
        .arg("-q")
        .arg("bench")
        .output()
        .expect("mbsync runs (apt-get install isync, or scripts/setup-debian.sh)");
    let elapsed = started.elapsed();
    assert!(
        out.status.success(),
        "mbsync failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let inbox = dir.join("local/INBOX");
    let count: usize = ["cur", "new"]
        .iter()
        .filter_map(|sub| std::fs::read_dir(inbox.join(sub)).ok())
        .map(|d| d.count())
        .sum();
    assert_eq!(count, expected as usize, "mbsync fetched every mail");
    elapsed
}

async fn latency_bench(o: &Options) {
    let bus = PrivateBus::start();
    let listener = Listener::start(bus.address(), ListenerOptions::default());
    let _session = BusSession::point_at(bus.address());
    let config = NotifierConfig {
        burst: BurstPolicy {
            // One mail at a time, each must show on its own: no summary holding.
            max_individual: 100_000,
            ..BurstPolicy::default()
        },
        ..NotifierConfig::default()
    };
    let notifier = Notifier::new(config, |_| {}).expect("notifier");
    let server = Dovecot::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let store = fresh_store(dir.path());

    // The notifier blocks on D-Bus: it runs on its own thread, fed by the watcher.
    let (to_notifier, filed) = mpsc::channel::<TicketNotice>();
    let (shown_tx, shown) = tokio::sync::mpsc::unbounded_channel::<Instant>();
    let notifier_thread = std::thread::spawn(move || {
        for notice in filed {
            let outcome = notifier
                .notify_new_ticket(&notice, NoticeOrigin::Live)
                .expect("notify");
            assert!(
                matches!(outcome, NoticeOutcome::Shown { .. }),
                "{outcome:?}"
            );
            let _ = shown_tx.send(Instant::now());
        }
    });
    let (synced_tx, mut synced) = tokio::sync::mpsc::unbounded_channel::<()>();
    let watcher = watch_inbox(
        server.config(),
        store,
        WatchOptions::default(),
        move |event| match event {
            WatchEvent::NewMail(report) => {
                let _ = to_notifier.send(TicketNotice {
                    ticket_id: report.ticket_id.unwrap_or_default(),
                    customer_name: Some("Bench Customer".into()),
                    customer_email: "customer@example.com".into(),
                    subject: "Question about an order".into(),
                    preview: "Hello".into(),
                    order_name: None,
                });
            }
            WatchEvent::Synced(_) => {
                let _ = synced_tx.send(());
            }
            _ => {}
        },
    )
    .expect("watcher");
    tokio::time::timeout(Duration::from_secs(30), synced.recv())
        .await
        .expect("the watcher connected");
    let mut shown = shown;
    let mut imap = server.client().await;
    let mut samples = Vec::new();
    for n in 0..o.samples {
        // Let IDLE settle between mails, as mail arrives in real life.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let raw = bench_mail("latency", 100_000 + n * 5);
        let appended = Instant::now();
        imap.append(INBOX, &raw).await;
        let at = tokio::time::timeout(Duration::from_secs(30), shown.recv())
            .await
            .expect("a notification within 30 s")
            .expect("notifier running");
        samples.push(at - appended);
    }
    imap.logout().await;
    watcher.stop().await.expect("stop");
    notifier_thread.join().expect("notifier thread");
    let received = listener.notifications().len();
    assert_eq!(
        received, o.samples as usize,
        "the listener got every notification"
    );
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "latency APPEND -> notification ({} samples, all received by the listener): p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms (goal p95 < 2000 ms)",
        samples.len(),
        ms(percentile(&samples, 50)),
        ms(percentile(&samples, 95)),
        ms(*samples.last().expect("samples"))
    );
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort();
    values[values.len() / 2]
}

/// Nearest-rank percentile of sorted samples.
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}
