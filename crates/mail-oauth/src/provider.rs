//! Where a mailbox provider signs people in, and what access the app asks for.

use std::fmt;

use shopdesk_secrets::Secret;

/// Which provider a [`Provider`] is, for the app to pick server settings and wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    Google,
    Microsoft,
    Custom,
}

/// An OAuth2 provider and the app's registration with it.
#[derive(Clone)]
pub struct Provider {
    pub kind: ProviderKind,
    /// The name in messages to the user: "Gmail", "Microsoft 365".
    pub name: String,
    pub authorize_url: String,
    pub token_url: String,
    pub scopes: Vec<String>,
    /// The app's client ID, from its registration with the provider.
    pub client_id: String,
    /// Google gives desktop clients a "secret" that is not one (it ships in the app); Microsoft
    /// public clients have none.
    pub client_secret: Option<Secret>,
    /// Extra query parameters of the sign-in page.
    pub extra_authorize_params: Vec<(String, String)>,
}

impl Provider {
    /// Gmail and Google Workspace: IMAP, POP and SMTP all need the one full-mail scope.
    pub fn google(client_id: &str, client_secret: Option<Secret>) -> Provider {
        Provider {
            kind: ProviderKind::Google,
            name: "Gmail".into(),
            authorize_url: "https://accounts.google.com/o/oauth2/v2/auth".into(),
            token_url: "https://oauth2.googleapis.com/token".into(),
            scopes: vec!["https://mail.google.com/".into()],
            client_id: client_id.into(),
            client_secret,
            // Google gives a refresh token only for offline access, and again only on consent.
            extra_authorize_params: vec![
                ("access_type".into(), "offline".into()),
                ("prompt".into(), "consent".into()),
            ],
        }
    }

    /// Microsoft 365 and Outlook.com: IMAP and SMTP AUTH on the Outlook resource, and
    /// `offline_access` for a refresh token.
    pub fn microsoft(client_id: &str) -> Provider {
        Provider {
            kind: ProviderKind::Microsoft,
            name: "Microsoft 365".into(),
            authorize_url: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize".into(),
            token_url: "https://login.microsoftonline.com/common/oauth2/v2.0/token".into(),
            scopes: vec![
                "https://outlook.office.com/IMAP.AccessAsUser.All".into(),
                "https://outlook.office.com/SMTP.Send".into(),
                "offline_access".into(),
            ],
            client_id: client_id.into(),
            client_secret: None,
            extra_authorize_params: Vec::new(),
        }
    }

    /// Any other provider (a company's own, or the local server in tests).
    pub fn custom(
        name: &str,
        authorize_url: &str,
        token_url: &str,
        scopes: &[&str],
        client_id: &str,
    ) -> Provider {
        Provider {
            kind: ProviderKind::Custom,
            name: name.into(),
            authorize_url: authorize_url.into(),
            token_url: token_url.into(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            client_id: client_id.into(),
            client_secret: None,
            extra_authorize_params: Vec::new(),
        }
    }
}

impl fmt::Debug for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Provider")
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("authorize_url", &self.authorize_url)
            .field("token_url", &self.token_url)
            .field("scopes", &self.scopes)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_ask_for_mail_access_and_a_refresh_token() {
        let google = Provider::google("id.apps.googleusercontent.com", Some("s3cr3t".into()));
        assert_eq!(google.scopes, ["https://mail.google.com/"]);
        assert!(google
            .extra_authorize_params
            .contains(&("access_type".into(), "offline".into())));
        assert!(!format!("{google:?}").contains("s3cr3t"));
        let microsoft = Provider::microsoft("00000000-0000-0000-0000-000000000000");
        assert!(microsoft.scopes.iter().any(|s| s == "offline_access"));
        assert!(microsoft
            .scopes
            .iter()
            .any(|s| s == "https://outlook.office.com/SMTP.Send"));
    }
}
