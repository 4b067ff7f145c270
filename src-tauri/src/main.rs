//! Shopdesk desktop shell: one Tauri window over the app layer (`shopdesk-app`).
//!
//! This crate stays thin: it picks the data directory and the mode, starts the app layer in the
//! background, and exposes one command module per domain. All logic lives in `shopdesk-app`.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod error;
mod events;
mod launch;
mod mail_protocol;
mod state;

use tauri::Manager;

/// The bulk import parses on one thread and frees on another, which glibc's allocator makes
/// slow (docs/BENCHMARKS.md); the import benchmark runs on the same allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    init_logging();

    let launch = state::Launch::from_env(std::env::args().skip(1), |name| std::env::var(name).ok());

    let result = mail_protocol::register(tauri::Builder::default())
        .manage(state::Shell::for_launch(&launch))
        .manage(commands::mail::MailImports::default())
        .manage(commands::sign_in::SignIns::default())
        .setup(move |app| {
            let data_dir = match &launch.data_dir {
                Some(dir) => dir.clone(),
                None => app.path().app_data_dir()?,
            };
            state::launch(app.handle().clone(), launch.mode, data_dir);
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
            commands::mail::mail_details,
            commands::mail::allow_remote_images,
            commands::mail::save_attachment,
            commands::mail::import_mail,
            commands::mail::cancel_mail_import,
            commands::onboarding::onboarding_state,
            commands::onboarding::keep_secrets_for_this_session,
            commands::onboarding::start_demo_store,
            commands::onboarding::check_shop,
            commands::onboarding::save_shop,
            commands::onboarding::suggest_mail_servers,
            commands::onboarding::test_mailbox,
            commands::onboarding::save_mailbox,
            commands::onboarding::start_saved_store,
            commands::onboarding::forget_store,
            commands::onboarding::leave_demo,
            commands::onboarding::sign_in_mailbox,
            commands::sign_in::cancel_mailbox_sign_in,
            commands::onboarding::update_mailbox_password,
            commands::onboarding::replace_shop_credential,
            commands::onboarding::saved_accounts,
            commands::sync::sync_status,
            commands::sync::sync_now,
            commands::actions::order_action_availability,
            commands::actions::order_actions,
            commands::actions::preview_refund,
            commands::actions::preview_cancel,
            commands::actions::submit_action,
            commands::actions::actions_for_ticket,
            commands::actions::edit_queued_action,
            commands::actions::cancel_queued_action,
            commands::actions::ticket_notes,
            commands::actions::agent_settings,
            commands::actions::save_agent_settings,
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
