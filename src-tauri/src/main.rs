//! Shopdesk desktop shell: one Tauri window over the app layer (`shopdesk-app`).
//!
//! This crate stays thin: it picks the data directory and the mode, starts the app layer in the
//! background, and exposes one command module per domain. All logic lives in `shopdesk-app`.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod error;
mod events;
mod state;

use tauri::Manager;

fn main() {
    init_logging();

    let launch = state::Launch::from_env(std::env::args().skip(1), |name| std::env::var(name).ok());

    let result = tauri::Builder::default()
        .manage(state::Shell::new())
        .setup(move |app| {
            let data_dir = match &launch.data_dir {
                Some(dir) => dir.clone(),
                None => app.path().app_data_dir()?,
            };
            state::start(app.handle().clone(), launch.mode, data_dir);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::status::app_status,
            commands::tickets::list_tickets,
            commands::tickets::open_ticket,
            commands::demo::demo_info,
            commands::replies::send_reply,
            commands::replies::replies,
            commands::replies::cancel_reply,
            commands::replies::retry_reply,
            commands::search::search,
        ])
        .run(tauri::generate_context!());
    if let Err(err) = result {
        eprintln!("shopdesk: could not start the window: {err}");
        std::process::exit(1);
    }
}

/// Logs go to stderr, or to the file named by `SHOPDESK_LOG_FILE` (the end-to-end test uses it:
/// under WebDriver the app's stderr is not kept). `RUST_LOG` filters; the default is `info`.
fn init_logging() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let log_file = std::env::var_os("SHOPDESK_LOG_FILE").and_then(|path| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|err| {
                eprintln!("shopdesk: cannot write the log file {path:?}: {err}; logging to stderr")
            })
            .ok()
    });
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match log_file {
        Some(file) => builder
            .with_ansi(false)
            .with_writer(std::sync::Mutex::new(file))
            .init(),
        None => builder.with_ansi(std::io::stderr().is_terminal()).init(),
    }
}
