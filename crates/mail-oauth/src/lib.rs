//! OAuth2 sign-in for a support mailbox (Gmail, Microsoft 365, or a custom provider in tests),
//! as RFC 8252 says a desktop app should do it:
//!
//! - [`sign_in`]: the authorization code flow with PKCE (S256) and a random `state`, the sign-in
//!   page opened in the system browser ([`system_browser`]), the answer caught on a loopback
//!   listener on 127.0.0.1 with a random port, the code exchanged for an access and a refresh
//!   token ([`TokenSet`]). Nothing is saved by it: a timeout or a refusal leaves no trace.
//! - [`MailOAuth`]: one mailbox's signed-in state, shared by its IMAP and SMTP connections. It
//!   keeps the refresh token in a [`shopdesk_secrets::SecretStore`] (the OS keychain in the app,
//!   `MemoryStore` in tests), hands out an access token refreshed a margin before it expires,
//!   refreshes once more when a server rejects one, and saves a rotated refresh token.
//! - [`Provider`]: the presets for Google and Microsoft, and [`Provider::custom`].
//!
//! The tokens are [`Secret`]s: redacted in `Debug`, zeroed on drop, never serialized.

mod error;
mod http;
mod loopback;
mod provider;
mod session;
mod sign_in;
mod tokens;

pub use error::OAuthError;
pub use provider::{Provider, ProviderKind};
pub use session::{MailOAuth, DEFAULT_REFRESH_MARGIN};
pub use shopdesk_secrets::Secret;
pub use sign_in::{sign_in, system_browser, SignInOptions, DEFAULT_SIGN_IN_TIMEOUT};
pub use tokens::TokenSet;
