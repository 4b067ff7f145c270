//! What onboarding sends and receives over IPC. Inputs that carry a secret derive only
//! `Deserialize` (never `Serialize` or a revealing `Debug`), so they cannot be echoed back or
//! logged by accident.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where the app is at launch when no demo was asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OnboardingView {
    /// The keychain works; when false, `keychainProblem` says why and secrets can only be kept
    /// for this session, if the user agrees.
    pub keychain_available: bool,
    pub keychain_problem: Option<String>,
    /// The user agreed to keep this session's secrets in memory only.
    pub session_only: bool,
    /// A store saved before whose secret is missing (e.g. no keychain): prefilled.
    pub saved_shop_domain: Option<String>,
    /// Debug builds pointed at a local Shopify (tests): shown, so nobody mistakes it for real.
    pub dev_base_url: Option<String>,
}

/// How Shopdesk signs in to the store.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[ts(export)]
pub enum ShopCredentialInput {
    /// A custom app's Admin API access token (`shpat_…`).
    #[serde(rename_all = "camelCase")]
    AccessToken { token: String },
    /// A Dev Dashboard app's client id and secret (client credentials grant).
    #[serde(rename_all = "camelCase")]
    ClientCredentials {
        client_id: String,
        client_secret: String,
    },
}

impl std::fmt::Debug for ShopCredentialInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::AccessToken { .. } => f.write_str("AccessToken(<redacted>)"),
            Self::ClientCredentials { client_id, .. } => {
                write!(f, "ClientCredentials({client_id}, <redacted>)")
            }
        }
    }
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ShopConnectInput {
    /// As typed: a name, a myshopify.com domain or an admin URL.
    pub shop: String,
    pub credential: ShopCredentialInput,
}

/// One feature and whether the app's scopes allow it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FeatureCheckView {
    /// "Orders older than 60 days", ...
    pub label: String,
    pub scope: String,
    pub available: bool,
    /// For a missing one: what it means and what to do, in plain words.
    pub advice: Option<String>,
}

/// What "Check" found; nothing is saved yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ShopCheckView {
    pub shop_name: String,
    pub shop_domain: String,
    pub plan: String,
    pub development_store: bool,
    pub features: Vec<FeatureCheckView>,
    /// False when reading orders itself is not allowed: the store cannot be connected.
    pub can_connect: bool,
}

/// How a mail connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum MailSecurityView {
    Tls,
    StartTls,
    /// Only to this computer (a local bridge).
    Plain,
}

/// Servers proposed for an address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MailServersView {
    pub imap_host: String,
    pub imap_port: u16,
    pub imap_security: MailSecurityView,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_security: MailSecurityView,
    /// "Gmail", ... for a known provider; none for a guess.
    pub provider: Option<String>,
    pub advice: Option<String>,
    /// "Sign in with Google / Microsoft", offered next to the app password when the provider
    /// has one.
    pub sign_in: Option<MailSignInView>,
}

/// Which OAuth2 provider a mailbox signs in with (`mail_account` keeps it, never a token).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SignInProviderView {
    Google,
    Microsoft,
    /// The local OAuth2 server of debug builds (`SHOPDESK_MAIL_OAUTH_URL`, tests only).
    Local,
}

/// A "Sign in with …" button and whether this build can do it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MailSignInView {
    pub provider: SignInProviderView,
    /// "Sign in with Google".
    pub label: String,
    /// False when this build has no client ID for the provider; `unavailableReason` says so.
    pub available: bool,
    pub unavailable_reason: Option<String>,
}

/// What is saved, for the "enter a new token / update the mailbox password / sign in again"
/// actions. No secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SavedAccountsView {
    pub shop_domain: Option<String>,
    /// "accessToken" or "clientCredentials".
    pub shop_auth_kind: Option<String>,
    pub client_id: Option<String>,
    pub mailbox_address: Option<String>,
    /// Set when the mailbox signs in with OAuth2 (else it uses a password).
    pub mailbox_sign_in: Option<SignInProviderView>,
    /// Why the mailbox did not connect at the last start, when it did not.
    pub mailbox_problem: Option<String>,
}

/// The support mailbox as the user entered it.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MailboxInput {
    pub address: String,
    /// Empty: the address.
    pub username: String,
    pub password: String,
    pub imap_host: String,
    pub imap_port: u16,
    pub imap_security: MailSecurityView,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_security: MailSecurityView,
}

impl std::fmt::Debug for MailboxInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailboxInput")
            .field("address", &self.address)
            .field("imap_host", &self.imap_host)
            .field("smtp_host", &self.smtp_host)
            .finish_non_exhaustive()
    }
}

/// A batch of the first Shopify sync (event `shop-sync-progress`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ShopSyncProgressView {
    /// "customers" or "orders".
    pub resource: String,
    pub records: u32,
    pub done: bool,
}
