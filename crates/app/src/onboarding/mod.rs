//! First run and the connected store: "Try the demo store" or "Connect your store".
//!
//! Connecting checks everything before anything is saved ([`check_shop`], [`test_mailbox`]);
//! saving puts secrets in the OS keychain ([`SecretVault`]) and only non-secret settings in
//! SQLite; [`App::start_live`] runs a saved store; [`forget_store`] removes its data and
//! secrets. Nothing here knows Tauri: the shell calls these and maps the errors.

mod error;
mod forget;
mod live;
mod mail_sign_in;
mod mailbox_setup;
mod replace;
mod saved;
mod shop_check;
mod shop_domain;
mod vault;
mod views;

pub use error::OnboardingError;
pub use forget::forget_store;
pub use live::{LiveRuntime, LiveSetup};
pub use mail_sign_in::{sign_in_mailbox, sign_in_saved_mailbox, MailOAuthClients};
pub use mailbox_setup::{suggest_mail_servers, test_mailbox};
pub use replace::{replace_shop_credential, saved_accounts, update_mailbox_password};
pub use saved::{save_mailbox, save_shop, saved_setup, saved_shop_domain};
pub use shop_check::check_shop;
pub use shop_domain::{normalize_shop_domain, ShopEndpoints};
pub use shopdesk_mailbox::oauth::system_browser;
pub use shopdesk_mailbox::MailAccount;
pub use vault::SecretVault;
pub use views::*;
