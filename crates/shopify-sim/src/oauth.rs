//! Shopify's app authentication, simulated: the token endpoint
//! `POST /admin/oauth/access_token` (see [`endpoint`]), the tokens it issued and when they
//! expire, and the scopes each token carries (`currentAppInstallation.accessScopes`).
//!
//! - `grant_type=client_credentials` with a registered app's id and secret: an access token
//!   for 86,399 s, no refresh token; `shop_not_permitted` when [`Auth::set_shop_permitted`]
//!   is off (the app is not from the store's organization).
//! - `grant_type=refresh_token`: expiring offline tokens (3,600 s access + 90-day refresh
//!   token). Each use rotates the pair; the previous refresh token stays usable until its
//!   replacement is first used; a dead one answers `invalid_grant`.
//! - The GraphQL endpoint accepts the configured token ([`crate::SimConfig::access_token`])
//!   and every issued token until it expires on the simulator's clock, which tests move with
//!   [`Simulator::advance_clock`] (the same clock bulk operations use). Then 401, as Shopify.
//!
//! Scopes belong to the app's installation, as on Shopify: [`Auth::set_scopes`] changes what
//! every token of that app can do, at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::model::Timestamp;
use crate::Simulator;

pub(crate) mod endpoint;
pub(crate) mod resolvers;

/// The demo app's client id and secret (a Dev Dashboard app of the store's own organization).
pub const DEMO_CLIENT_ID: &str = "0c5e1a7b9d3f4e2a8b6c0d1e2f3a4b5c";
pub const DEMO_CLIENT_SECRET: &str = "shpss_demo_00000000000000000000000000";
/// The scopes the demo app (and the configured token) are granted: everything Shopdesk uses.
pub const DEMO_SCOPES: &[&str] = &[
    "read_orders",
    "read_all_orders",
    "write_orders",
    "read_customers",
    "read_returns",
    "write_returns",
    "read_draft_orders",
    "write_draft_orders",
    "read_products",
];
/// Lifetime of a client-credentials token, as Shopify answers it (`expires_in`).
pub const CLIENT_CREDENTIALS_LIFETIME: u64 = 86_399;
/// Lifetime of an expiring offline access token.
pub const EXPIRING_TOKEN_LIFETIME: u64 = 3_600;
/// Lifetime of a refresh token.
pub const REFRESH_TOKEN_LIFETIME: u64 = 90 * 86_400;

/// An app installed on the simulated shop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimApp {
    pub client_id: String,
    pub client_secret: String,
    pub title: String,
    pub scopes: Vec<String>,
}

impl SimApp {
    pub fn demo() -> Self {
        SimApp {
            client_id: DEMO_CLIENT_ID.into(),
            client_secret: DEMO_CLIENT_SECRET.into(),
            title: "Shopdesk".into(),
            scopes: DEMO_SCOPES.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// What the token endpoint and the token check saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenStats {
    /// Tokens issued by the client credentials grant.
    pub client_credentials: u64,
    /// Tokens issued by the refresh token grant.
    pub refreshed: u64,
    /// Token requests answered with an error (`invalid_client`, `invalid_grant`, ...).
    pub refused: u64,
    /// GraphQL requests answered 401 (no, unknown, revoked or expired token).
    pub unauthorized: u64,
}

/// An expiring offline token pair, as the authorization code grant with `expiring=1` gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
}

/// Who a request's token belongs to: the scopes `currentAppInstallation` answers.
#[derive(Debug, Clone)]
pub(crate) struct Installation {
    pub app: SimApp,
}

struct AccessToken {
    client_id: String,
    expires_at: Timestamp,
}

struct RefreshToken {
    client_id: String,
    expires_at: Timestamp,
    /// The token this one replaced; it dies when this one is first used.
    previous: Option<String>,
    dead: bool,
}

struct Inner {
    apps: Vec<SimApp>,
    shop_permitted: bool,
    client_credentials_lifetime: u64,
    /// The configured (never-expiring, legacy custom app) token and its app.
    legacy_token: Option<String>,
    legacy_app: SimApp,
    access: HashMap<String, AccessToken>,
    refresh: HashMap<String, RefreshToken>,
    stats: TokenStats,
}

type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// The shop's app installations and tokens. Reached with [`Simulator::auth`].
pub struct Auth {
    clock: Clock,
    inner: Mutex<Inner>,
}

impl Auth {
    pub(crate) fn new(legacy_token: &str, clock: Clock) -> Self {
        let legacy_app = SimApp {
            client_id: "legacy-custom-app".into(),
            client_secret: String::new(),
            title: "Shopdesk (custom app)".into(),
            ..SimApp::demo()
        };
        Auth {
            clock,
            inner: Mutex::new(Inner {
                apps: vec![SimApp::demo()],
                shop_permitted: true,
                client_credentials_lifetime: CLIENT_CREDENTIALS_LIFETIME,
                legacy_token: Some(legacy_token.to_string()),
                legacy_app,
                access: HashMap::new(),
                refresh: HashMap::new(),
                stats: TokenStats::default(),
            }),
        }
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn now(&self) -> Timestamp {
        (self.clock)()
    }

    /// Installs another app, or replaces the one with the same client id.
    pub fn register_app(&self, app: SimApp) {
        let mut inner = self.inner();
        inner.apps.retain(|a| a.client_id != app.client_id);
        inner.apps.push(app);
    }

    /// The scopes granted to an app (`None` for the configured token's app); every token of
    /// that app has them from now on.
    pub fn set_scopes(&self, client_id: Option<&str>, scopes: &[&str]) {
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        let mut inner = self.inner();
        match client_id {
            None => inner.legacy_app.scopes = scopes,
            Some(id) => {
                for app in inner.apps.iter_mut().filter(|a| a.client_id == id) {
                    app.scopes = scopes.clone();
                }
            }
        }
    }

    /// Off: the client credentials grant answers `shop_not_permitted`, as for an app of
    /// another organization.
    pub fn set_shop_permitted(&self, permitted: bool) {
        self.inner().shop_permitted = permitted;
    }

    /// `expires_in` of client-credentials tokens issued from now on (default 86,399 s).
    pub fn set_client_credentials_lifetime(&self, lifetime: Duration) {
        self.inner().client_credentials_lifetime = lifetime.as_secs();
    }

    /// Revokes one token (access or refresh); `false` if it was not known.
    pub fn revoke(&self, token: &str) -> bool {
        let mut inner = self.inner();
        if inner.legacy_token.as_deref() == Some(token) {
            inner.legacy_token = None;
            return true;
        }
        if inner.access.remove(token).is_some() {
            return true;
        }
        match inner.refresh.get_mut(token) {
            Some(refresh) => {
                refresh.dead = true;
                true
            }
            None => false,
        }
    }

    /// Revokes every token, the configured one included (the app was uninstalled).
    pub fn revoke_all(&self) {
        let mut inner = self.inner();
        inner.legacy_token = None;
        inner.access.clear();
        for refresh in inner.refresh.values_mut() {
            refresh.dead = true;
        }
    }

    /// An expiring offline token pair for a registered app, as the authorization code grant
    /// with `expiring=1` would give (that grant itself is not simulated).
    pub fn issue_expiring_token(&self, client_id: &str) -> Option<TokenPair> {
        let now = self.now();
        let mut inner = self.inner();
        inner
            .apps
            .iter()
            .any(|a| a.client_id == client_id)
            .then(|| issue_pair(&mut inner, client_id, None, now))
    }

    /// Access tokens issued so far (unexpired or not), for tests that look for leaks.
    pub fn issued_access_tokens(&self) -> Vec<String> {
        self.inner().access.keys().cloned().collect()
    }

    pub fn stats(&self) -> TokenStats {
        self.inner().stats
    }

    /// The installation a GraphQL request's token belongs to; `None` means 401.
    pub(crate) fn authorize(&self, presented: Option<&str>) -> Option<Installation> {
        let now = self.now();
        let mut inner = self.inner();
        let found = presented.and_then(|token| {
            if inner.legacy_token.as_deref() == Some(token) {
                return Some(inner.legacy_app.clone());
            }
            let issued = inner.access.get(token).filter(|t| t.expires_at > now)?;
            inner
                .apps
                .iter()
                .find(|a| a.client_id == issued.client_id)
                .cloned()
        });
        if found.is_none() {
            inner.stats.unauthorized += 1;
        }
        found.map(|app| Installation { app })
    }
}

fn new_token(prefix: &str) -> String {
    format!("{prefix}{:032x}", rand::random::<u128>())
}

fn issue_access(inner: &mut Inner, client_id: &str, lifetime: u64, now: Timestamp) -> String {
    let token = new_token("shpat_");
    inner.access.insert(
        token.clone(),
        AccessToken {
            client_id: client_id.to_string(),
            expires_at: now + lifetime as Timestamp,
        },
    );
    token
}

fn issue_pair(
    inner: &mut Inner,
    client_id: &str,
    previous: Option<String>,
    now: Timestamp,
) -> TokenPair {
    let access_token = issue_access(inner, client_id, EXPIRING_TOKEN_LIFETIME, now);
    let refresh_token = new_token("shprt_");
    inner.refresh.insert(
        refresh_token.clone(),
        RefreshToken {
            client_id: client_id.to_string(),
            expires_at: now + REFRESH_TOKEN_LIFETIME as Timestamp,
            previous,
            dead: false,
        },
    );
    TokenPair {
        access_token,
        refresh_token,
    }
}

impl Simulator {
    /// App installations, tokens and the token endpoint's test hooks.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// Moves the simulator's clock forward: tokens expire, bulk URLs age.
    pub fn advance_clock(&self, by: Duration) {
        self.bulk().advance_clock(by.as_secs() as i64);
    }

    /// `http://127.0.0.1:PORT/admin/oauth/access_token`.
    pub fn token_url(&self) -> String {
        format!("{}/admin/oauth/access_token", self.base_url())
    }
}
