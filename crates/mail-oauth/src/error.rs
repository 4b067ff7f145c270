//! What can go wrong signing in to a mailbox provider. Every message is a sentence that says
//! what to do; none holds a token.

use std::time::Duration;

use shopdesk_secrets::SecretsError;

#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    #[error("The sign-in page did not come back within {}; try again", wait_text(*waited))]
    RedirectTimeout { waited: Duration },

    #[error(
        "The sign-in to {provider} was not allowed ({reason}): sign in again and choose Allow \
         so that Shopdesk can read and send the support mail"
    )]
    Denied { provider: String, reason: String },

    #[error(
        "The answer from the sign-in page did not belong to this sign-in, so Shopdesk ignored \
         it for safety: try again"
    )]
    StateMismatch,

    #[error(
        "The sign-in page answered without a sign-in code ({detail}): try again; if it keeps \
         happening, the provider's settings for Shopdesk are wrong"
    )]
    MalformedRedirect { detail: String },

    #[error("Shopdesk could not open your web browser ({detail}): open it and try again")]
    Browser { detail: String },

    #[error("Shopdesk could not wait for the sign-in on this computer ({source}): try again")]
    Listener {
        #[source]
        source: std::io::Error,
    },

    #[error("{provider} refused the sign-in for {account}: sign in again")]
    SignInRefused { provider: String, account: String },

    #[error("{account} is not signed in to {provider} on this computer: sign in again")]
    NotSignedIn { provider: String, account: String },

    #[error(
        "{provider} gave no refresh token, so Shopdesk could not stay signed in: sign in again \
         and allow offline access"
    )]
    NoRefreshToken { provider: String },

    #[error(
        "Could not reach {provider} to sign in ({detail}): check the network connection and \
         try again"
    )]
    Unreachable { provider: String, detail: String },

    #[error("{provider} did not accept the sign-in request ({detail}): try again")]
    Rejected { provider: String, detail: String },

    #[error("The sign-in settings for {provider} are not usable: {detail}")]
    InvalidSetting { provider: String, detail: String },

    #[error(transparent)]
    Keychain(#[from] SecretsError),
}

impl OAuthError {
    /// Whether trying again later may work without the user signing in again.
    pub fn is_retryable(&self) -> bool {
        match self {
            OAuthError::Unreachable { .. } => true,
            OAuthError::Keychain(error) => error.is_unavailable(),
            _ => false,
        }
    }

    /// Whether the user has to sign in again (in the browser) to use the mailbox.
    pub fn needs_sign_in(&self) -> bool {
        matches!(
            self,
            OAuthError::SignInRefused { .. }
                | OAuthError::NotSignedIn { .. }
                | OAuthError::NoRefreshToken { .. }
        )
    }
}

fn wait_text(waited: Duration) -> String {
    let seconds = waited.as_secs();
    match seconds {
        60 => "1 minute".into(),
        s if s >= 60 && s % 60 == 0 => format!("{} minutes", s / 60),
        1 => "1 second".into(),
        s => format!("{s} seconds"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timeout_says_how_long_was_waited() {
        let five = OAuthError::RedirectTimeout {
            waited: Duration::from_secs(300),
        };
        assert_eq!(
            five.to_string(),
            "The sign-in page did not come back within 5 minutes; try again"
        );
        let short = OAuthError::RedirectTimeout {
            waited: Duration::from_secs(2),
        };
        assert!(short.to_string().contains("within 2 seconds"));
    }

    #[test]
    fn refused_names_the_provider_and_the_account() {
        let error = OAuthError::SignInRefused {
            provider: "Gmail".into(),
            account: "support@shop.com".into(),
        };
        assert_eq!(
            error.to_string(),
            "Gmail refused the sign-in for support@shop.com: sign in again"
        );
        assert!(error.needs_sign_in() && !error.is_retryable());
    }
}
