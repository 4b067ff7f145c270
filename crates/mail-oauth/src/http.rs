//! The oauth2 client for a provider, and the token endpoint calls with their errors mapped to
//! sentences.

use std::time::{Duration, SystemTime};

use oauth2::basic::{BasicClient, BasicErrorResponseType, BasicTokenResponse};
use oauth2::{
    AuthType, AuthUrl, ClientId, ClientSecret, EndpointNotSet, EndpointSet, HttpClientError,
    RedirectUrl, RequestTokenError, StandardErrorResponse, TokenResponse, TokenUrl,
};
use shopdesk_secrets::Secret;

use crate::{OAuthError, Provider, TokenSet};

/// The longest wait for the token endpoint.
const TOKEN_TIMEOUT: Duration = Duration::from_secs(30);

pub(crate) type ProviderClient =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

pub(crate) fn client(
    provider: &Provider,
    redirect_uri: Option<&str>,
) -> Result<ProviderClient, OAuthError> {
    let invalid = |what: &str, detail: String| OAuthError::InvalidSetting {
        provider: provider.name.clone(),
        detail: format!("the {what} is not a URL ({detail})"),
    };
    let mut client = BasicClient::new(ClientId::new(provider.client_id.clone()))
        .set_auth_uri(
            AuthUrl::new(provider.authorize_url.clone())
                .map_err(|e| invalid("sign-in page address", e.to_string()))?,
        )
        .set_token_uri(
            TokenUrl::new(provider.token_url.clone())
                .map_err(|e| invalid("token address", e.to_string()))?,
        )
        // Client ID (and Google's public "secret") in the form body: what public clients do.
        .set_auth_type(AuthType::RequestBody);
    if let Some(secret) = &provider.client_secret {
        client = client.set_client_secret(ClientSecret::new(secret.expose().to_string()));
    }
    if let Some(uri) = redirect_uri {
        client = client.set_redirect_uri(
            RedirectUrl::new(uri.to_string())
                .map_err(|e| invalid("redirect address", e.to_string()))?,
        );
    }
    Ok(client)
}

/// An HTTP client that never follows redirects (the token endpoint must answer itself, as
/// oauth2's docs advise against SSRF) and gives up after [`TOKEN_TIMEOUT`].
pub(crate) fn http_client(provider: &Provider) -> Result<oauth2::reqwest::Client, OAuthError> {
    oauth2::reqwest::Client::builder()
        .redirect(oauth2::reqwest::redirect::Policy::none())
        .timeout(TOKEN_TIMEOUT)
        .build()
        .map_err(|e| OAuthError::InvalidSetting {
            provider: provider.name.clone(),
            detail: format!("no HTTP client ({e})"),
        })
}

pub(crate) fn token_set(response: &BasicTokenResponse) -> TokenSet {
    TokenSet {
        access_token: Secret::new(response.access_token().secret().clone()),
        refresh_token: response
            .refresh_token()
            .map(|token| Secret::new(token.secret().clone())),
        expires_at: response.expires_in().map(|d| SystemTime::now() + d),
        scopes: response
            .scopes()
            .map(|scopes| scopes.iter().map(|s| s.to_string()).collect()),
    }
}

type TokenError = RequestTokenError<
    HttpClientError<oauth2::reqwest::Error>,
    StandardErrorResponse<BasicErrorResponseType>,
>;

/// A token endpoint failure as the user reads it. `invalid_grant` means the code or refresh
/// token is no longer valid (revoked, expired, used): only a new sign-in helps.
pub(crate) fn token_error(provider: &Provider, account: &str, error: TokenError) -> OAuthError {
    let provider_name = provider.name.clone();
    match error {
        RequestTokenError::ServerResponse(response) => match response.error() {
            BasicErrorResponseType::InvalidGrant => OAuthError::SignInRefused {
                provider: provider_name,
                account: account.to_string(),
            },
            other => OAuthError::Rejected {
                provider: provider_name,
                detail: match response.error_description() {
                    Some(description) => format!("{other}: {description}"),
                    None => other.to_string(),
                },
            },
        },
        RequestTokenError::Request(error) => OAuthError::Unreachable {
            provider: provider_name,
            detail: error.to_string(),
        },
        RequestTokenError::Parse(error, _body) => OAuthError::Rejected {
            provider: provider_name,
            detail: format!("its answer could not be read: {error}"),
        },
        RequestTokenError::Other(detail) => OAuthError::Rejected {
            provider: provider_name,
            detail,
        },
    }
}
