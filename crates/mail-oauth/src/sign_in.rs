//! The authorization code flow with PKCE through the system browser and a loopback redirect.

use std::time::Duration;

use oauth2::{AuthorizationCode, CsrfToken, PkceCodeChallenge, Scope};

use crate::http::{client, http_client, token_error, token_set};
use crate::loopback::Loopback;
use crate::{OAuthError, Provider, TokenSet};

/// How long the user has to finish the sign-in page.
pub const DEFAULT_SIGN_IN_TIMEOUT: Duration = Duration::from_secs(5 * 60);

#[derive(Debug, Clone)]
pub struct SignInOptions {
    /// How long to wait for the browser to come back.
    pub timeout: Duration,
    /// The mailbox address, so the provider's page suggests the right account.
    pub login_hint: Option<String>,
}

impl Default for SignInOptions {
    fn default() -> Self {
        SignInOptions {
            timeout: DEFAULT_SIGN_IN_TIMEOUT,
            login_hint: None,
        }
    }
}

/// Opens `url` in the user's default browser (the app's `open_browser` for [`sign_in`]).
pub fn system_browser(url: &str) -> Result<(), String> {
    webbrowser::open(url).map_err(|error| error.to_string())
}

/// Signs in to `provider`: opens its sign-in page with `open_browser` (which must return once
/// the page is asked for, not wait for the user), waits up to `options.timeout` for the
/// provider to redirect the browser to the loopback listener, checks the `state`, and exchanges
/// the code (with the PKCE verifier) for tokens. Saves nothing: hand the result to
/// [`crate::MailOAuth::signed_in`].
pub async fn sign_in(
    provider: &Provider,
    options: &SignInOptions,
    open_browser: impl FnOnce(&str) -> Result<(), String>,
) -> Result<TokenSet, OAuthError> {
    let loopback = Loopback::bind().await?;
    let client = client(provider, Some(loopback.redirect_uri()))?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(provider.scopes.iter().cloned().map(Scope::new))
        .set_pkce_challenge(challenge);
    for (name, value) in &provider.extra_authorize_params {
        request = request.add_extra_param(name.clone(), value.clone());
    }
    if let Some(hint) = &options.login_hint {
        request = request.add_extra_param("login_hint", hint.clone());
    }
    let (url, state) = request.url();
    open_browser(url.as_str()).map_err(|detail| OAuthError::Browser { detail })?;

    let redirect = tokio::time::timeout(options.timeout, loopback.next_redirect())
        .await
        .map_err(|_| OAuthError::RedirectTimeout {
            waited: options.timeout,
        })??;
    // The state first: an answer to someone else's request says nothing we may act on.
    if redirect.get("state") != Some(state.secret().as_str()) {
        redirect
            .answer("This sign-in answer was not expected. Go back to Shopdesk and try again.")
            .await;
        return Err(OAuthError::StateMismatch);
    }
    if let Some(error) = redirect.get("error") {
        let reason = match redirect.get("error_description") {
            Some(description) => format!("{error}: {description}"),
            None => error.to_string(),
        };
        redirect
            .answer("The sign-in was not completed. Go back to Shopdesk to try again.")
            .await;
        return Err(OAuthError::Denied {
            provider: provider.name.clone(),
            reason,
        });
    }
    let Some(code) = redirect.get("code").map(str::to_string) else {
        redirect
            .answer("The sign-in answer had no code. Go back to Shopdesk and try again.")
            .await;
        return Err(OAuthError::MalformedRedirect {
            detail: "no code and no error".into(),
        });
    };
    redirect
        .answer("Shopdesk has the answer. You can close this tab and go back to Shopdesk.")
        .await;

    let http = http_client(provider)?;
    let account = options.login_hint.as_deref().unwrap_or("this mailbox");
    let response = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .map_err(|error| token_error(provider, account, error))?;
    Ok(token_set(&response))
}
