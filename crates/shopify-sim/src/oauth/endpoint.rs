//! `POST /admin/oauth/access_token`: Shopify's OAuth token endpoint (form-encoded or JSON
//! body). Errors are OAuth-shaped: 400 `{"error": code, "error_description": text}`.

use std::sync::Arc;

use axum::extract::{FromRequest, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::Deserialize;
use serde_json::json;

use super::{issue_access, issue_pair, Auth, Inner, REFRESH_TOKEN_LIFETIME};
use crate::http::AppState;

#[derive(Deserialize)]
struct TokenRequest {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    refresh_token: Option<String>,
    code: Option<String>,
}

pub(crate) async fn access_token(State(app): State<Arc<AppState>>, request: Request) -> Response {
    let is_json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let parsed = if is_json {
        Json::<TokenRequest>::from_request(request, &())
            .await
            .map(|Json(r)| r)
            .ok()
    } else {
        Form::<TokenRequest>::from_request(request, &())
            .await
            .map(|Form(r)| r)
            .ok()
    };
    let answer = match parsed {
        Some(request) => grant(&app.auth, request),
        None => Err(refusal(
            "invalid_request",
            "The request is missing a required parameter or is malformed.",
        )),
    };
    match answer {
        Ok(body) => (StatusCode::OK, Json(body)).into_response(),
        Err(body) => {
            app.auth.inner().stats.refused += 1;
            (StatusCode::BAD_REQUEST, Json(body)).into_response()
        }
    }
}

type Answer = Result<serde_json::Value, serde_json::Value>;

fn refusal(code: &str, description: &str) -> serde_json::Value {
    json!({ "error": code, "error_description": description })
}

fn grant(auth: &Auth, request: TokenRequest) -> Answer {
    let now = auth.now();
    let mut inner = auth.inner();
    let scope = client_scopes(&inner, &request)?;
    let client_id = request.client_id.as_deref().unwrap_or_default();
    match request.grant_type.as_deref() {
        Some("client_credentials") => {
            if !inner.shop_permitted {
                return Err(refusal(
                    "shop_not_permitted",
                    "Client credentials cannot be performed on this shop.",
                ));
            }
            let lifetime = inner.client_credentials_lifetime;
            let token = issue_access(&mut inner, client_id, lifetime, now);
            inner.stats.client_credentials += 1;
            Ok(json!({ "access_token": token, "scope": scope, "expires_in": lifetime }))
        }
        Some("refresh_token") => {
            let presented = request.refresh_token.unwrap_or_default();
            let previous = match inner.refresh.get(&presented) {
                Some(t) if !t.dead && t.expires_at > now && t.client_id == client_id => {
                    t.previous.clone()
                }
                _ => {
                    return Err(refusal(
                        "invalid_grant",
                        "The refresh token is invalid, expired or revoked.",
                    ))
                }
            };
            // Using this token proves its predecessor's answer arrived: retire that one.
            if let Some(old) = previous.and_then(|p| inner.refresh.get_mut(&p)) {
                old.dead = true;
            }
            let pair = issue_pair(&mut inner, client_id, Some(presented), now);
            inner.stats.refreshed += 1;
            Ok(json!({
                "access_token": pair.access_token,
                "expires_in": super::EXPIRING_TOKEN_LIFETIME,
                "refresh_token": pair.refresh_token,
                "refresh_token_expires_in": REFRESH_TOKEN_LIFETIME,
                "scope": scope,
            }))
        }
        _ if request.code.is_some() => Err(refusal(
            "invalid_request",
            "The authorization code grant is not simulated by Shopdesk's simulator.",
        )),
        _ => Err(refusal(
            "unsupported_grant_type",
            "The grant type is not supported.",
        )),
    }
}

/// The app's scopes, comma-separated, if the client id and secret match an installed app.
fn client_scopes(inner: &Inner, request: &TokenRequest) -> Result<String, serde_json::Value> {
    let app = inner.apps.iter().find(|app| {
        Some(app.client_id.as_str()) == request.client_id.as_deref()
            && Some(app.client_secret.as_str()) == request.client_secret.as_deref()
    });
    match app {
        Some(app) => Ok(app.scopes.join(",")),
        None => Err(refusal(
            "invalid_client",
            "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
        )),
    }
}
