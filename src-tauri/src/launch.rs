//! How the app was asked to run: demo or the saved store, the data folder, and the test-only
//! overrides that debug builds read (the simulator's URL, a local OAuth2 server).

use std::path::PathBuf;

use shopdesk_app::onboarding::{MailOAuthClients, ShopEndpoints};

/// How the app was asked to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The built-in simulator's demo store and the demo mailbox; no account needed.
    Demo,
    /// The saved store if there is one (settings in SQLite, secret in the keychain), else
    /// onboarding.
    Saved,
}

/// Options read from the command line and the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    pub mode: Mode,
    /// `SHOPDESK_DATA_DIR`; when absent, Tauri's app data dir is used.
    pub data_dir: Option<PathBuf>,
    /// `SHOPDESK_SHOPIFY_BASE_URL`: every store at this URL (the simulator), read only by debug
    /// builds (the end-to-end tests); release builds always use https://<shop>.myshopify.com.
    pub shopify_base_url: Option<String>,
    /// `SHOPDESK_MAIL_OAUTH_URL`: a local OAuth2 server every mailbox signs in at (the
    /// end-to-end tests), read only by debug builds.
    pub mail_oauth_url: Option<String>,
}

impl Launch {
    /// `--demo` or `SHOPDESK_DEMO=1` ask for demo mode; otherwise the saved store, or onboarding.
    pub fn from_env(
        args: impl IntoIterator<Item = String>,
        var: impl Fn(&str) -> Option<String>,
    ) -> Self {
        Self::from_env_for(cfg!(debug_assertions), args, var)
    }

    fn from_env_for(
        debug_build: bool,
        args: impl IntoIterator<Item = String>,
        var: impl Fn(&str) -> Option<String>,
    ) -> Self {
        let asked_demo = args.into_iter().any(|a| a == "--demo")
            || var("SHOPDESK_DEMO").is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
        let data_dir = var("SHOPDESK_DATA_DIR")
            .filter(|v| !v.trim().is_empty())
            .map(PathBuf::from);
        let shopify_base_url = var("SHOPDESK_SHOPIFY_BASE_URL")
            .filter(|v| !v.trim().is_empty())
            .filter(|_| {
                if !debug_build {
                    tracing::warn!("SHOPDESK_SHOPIFY_BASE_URL is ignored: only debug builds may point stores elsewhere");
                }
                debug_build
            });
        let mail_oauth_url = var("SHOPDESK_MAIL_OAUTH_URL")
            .filter(|v| !v.trim().is_empty())
            .filter(|_| {
                if !debug_build {
                    tracing::warn!("SHOPDESK_MAIL_OAUTH_URL is ignored: only debug builds may sign mailboxes in elsewhere");
                }
                debug_build
            });
        Self {
            mode: if asked_demo { Mode::Demo } else { Mode::Saved },
            data_dir,
            shopify_base_url,
            mail_oauth_url,
        }
    }

    /// The mailbox sign-in registrations: this build's client IDs, or the local test server.
    pub fn mail_oauth_clients(&self) -> MailOAuthClients {
        let clients = MailOAuthClients::from_build();
        match &self.mail_oauth_url {
            Some(url) => clients.with_local_server(url.clone()),
            None => clients,
        }
    }

    pub fn endpoints(&self) -> ShopEndpoints {
        match &self.shopify_base_url {
            Some(url) => ShopEndpoints::with_base_url(url.clone()),
            None => ShopEndpoints::shopify(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn launch(args: &[&str], vars: &[(&str, &str)]) -> Launch {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Launch::from_env(args.iter().map(|a| a.to_string()), |name| {
            vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn demo_when_asked_else_the_saved_store_and_the_data_dir_can_be_overridden() {
        assert_eq!(launch(&[], &[]).mode, Mode::Saved);
        assert_eq!(launch(&[], &[("SHOPDESK_DEMO", "0")]).mode, Mode::Saved);
        assert_eq!(launch(&["--demo"], &[]).mode, Mode::Demo);
        assert_eq!(launch(&[], &[("SHOPDESK_DEMO", "1")]).mode, Mode::Demo);
        assert_eq!(launch(&[], &[]).data_dir, None);
        assert_eq!(launch(&[], &[("SHOPDESK_DATA_DIR", " ")]).data_dir, None);
        assert_eq!(
            launch(&[], &[("SHOPDESK_DATA_DIR", "/tmp/x")]).data_dir,
            Some(PathBuf::from("/tmp/x"))
        );
    }

    #[test]
    fn only_debug_builds_may_point_stores_at_another_host() {
        let vars = [("SHOPDESK_SHOPIFY_BASE_URL", "http://127.0.0.1:9")];
        let lookup = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        let debug = Launch::from_env_for(true, Vec::<String>::new(), lookup);
        assert_eq!(
            debug.shopify_base_url.as_deref(),
            Some("http://127.0.0.1:9")
        );
        assert!(debug.endpoints().is_overridden());
        let release = Launch::from_env_for(false, Vec::<String>::new(), lookup);
        assert_eq!(release.shopify_base_url, None);
        assert!(!release.endpoints().is_overridden());
    }

    #[test]
    fn only_debug_builds_may_sign_mailboxes_in_at_a_local_server() {
        let lookup = |name: &str| {
            (name == "SHOPDESK_MAIL_OAUTH_URL").then(|| "http://127.0.0.1:9".to_string())
        };
        let debug = Launch::from_env_for(true, Vec::<String>::new(), lookup);
        let offer = debug.mail_oauth_clients().offer_for(None).expect("local");
        assert!(offer.available, "{offer:?}");
        let release = Launch::from_env_for(false, Vec::<String>::new(), lookup);
        assert_eq!(release.mail_oauth_url, None);
        assert_eq!(release.mail_oauth_clients().offer_for(None), None);
    }
}
