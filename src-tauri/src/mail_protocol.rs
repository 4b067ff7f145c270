//! The `shopdesk-mail` URI scheme: one mail's sanitized HTML, for the conversation's
//! `<iframe sandbox="">`, under its own strict Content-Security-Policy.
//!
//! The frame loads a URL instead of a srcdoc so it does not inherit the window's CSP: the window
//! never allows remote images, and only a mail whose images the user loaded gets `img-src https:`.
//! URLs: `shopdesk-mail://localhost/<message id>` (Linux, macOS) and
//! `http://shopdesk-mail.localhost/<message id>` (Windows), the path being the id and nothing
//! else. Only sanitized mail bodies are reachable through it; anything else is a 404.

use tauri::http::{header, Method, Request, Response, StatusCode};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use crate::state::Shell;

/// The scheme's name (the window's CSP lists it under `frame-src`).
pub const MAIL_SCHEME: &str = "shopdesk-mail";

/// No script, no fetch, no form, no base URL; inline style only (mail HTML is styled inline).
const CSP_BLOCKED: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; \
     form-action 'none'; base-uri 'none'";

/// The same, with https images for a mail whose images the user loaded.
const CSP_WITH_IMAGES: &str = "default-src 'none'; img-src data: https:; \
     style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'";

/// The frame's own base style, ahead of the mail's markup.
const BASE_STYLE: &str = "body{margin:0;padding:4px 2px;font:14px/1.55 system-ui,sans-serif;\
     color:#1f2328;overflow-wrap:anywhere}img{max-width:100%;height:auto}table{max-width:100%}";

/// Registers the scheme on the builder.
pub fn register<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.register_asynchronous_uri_scheme_protocol(MAIL_SCHEME, handle)
}

fn handle<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let Some(message_id) = message_id_of(&request) else {
        tracing::warn!(uri = %request.uri(), "mail frame: refused a request that is not a mail id");
        return responder.respond(status_only(StatusCode::NOT_FOUND));
    };
    let Some(app) = ctx.app_handle().state::<Shell>().running_app() else {
        return responder.respond(status_only(StatusCode::SERVICE_UNAVAILABLE));
    };
    // SQLite reads block: off the webview's thread.
    tauri::async_runtime::spawn_blocking(move || {
        let response = match app.mail_frame_html(message_id) {
            Ok(frame) => {
                tracing::info!(
                    message_id,
                    remote_images = frame.remote_images,
                    "mail frame: served message {message_id} (csp: {})",
                    csp_for(frame.remote_images)
                );
                mail_response(&frame.html, frame.remote_images)
            }
            Err(err) => {
                tracing::info!(
                    message_id,
                    "mail frame: no HTML for message {message_id}: {err}"
                );
                status_only(StatusCode::NOT_FOUND)
            }
        };
        responder.respond(response);
    });
}

/// The message id of a `GET /<digits>` (no query, no fragment, no other path); else `None`.
fn message_id_of(request: &Request<Vec<u8>>) -> Option<i64> {
    if request.method() != Method::GET || request.uri().query().is_some() {
        return None;
    }
    let id = request.uri().path().strip_prefix('/')?;
    if id.is_empty() || id.len() > 18 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    id.parse::<i64>().ok().filter(|id| *id > 0)
}

fn csp_for(remote_images: bool) -> &'static str {
    if remote_images {
        CSP_WITH_IMAGES
    } else {
        CSP_BLOCKED
    }
}

/// The mail's document: the CSP as a header (in force before any byte is parsed) and again as
/// the first meta, and the mail's sanitized HTML in the body.
fn mail_response(sanitized_html: &str, remote_images: bool) -> Response<Vec<u8>> {
    let csp = csp_for(remote_images);
    let document = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <style>{BASE_STYLE}</style></head><body>{sanitized_html}</body></html>"
    );
    secured(Response::builder().status(StatusCode::OK))
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::CONTENT_SECURITY_POLICY, csp)
        .body(document.into_bytes())
        .unwrap_or_else(|_| Response::new(Vec::new()))
}

fn status_only(status: StatusCode) -> Response<Vec<u8>> {
    secured(Response::builder().status(status))
        .header(header::CONTENT_SECURITY_POLICY, "default-src 'none'")
        .body(Vec::new())
        .unwrap_or_else(|_| Response::new(Vec::new()))
}

/// Headers every answer carries: no sniffing, no caching (the image choice changes what a URL
/// serves), no referrer for the images.
fn secured(builder: tauri::http::response::Builder) -> tauri::http::response::Builder {
    builder
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::CACHE_CONTROL, "no-store")
        .header(header::REFERRER_POLICY, "no-referrer")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(uri: &str) -> Request<Vec<u8>> {
        Request::builder().uri(uri).body(Vec::new()).unwrap()
    }

    #[test]
    fn only_a_plain_message_id_is_accepted() {
        assert_eq!(
            message_id_of(&get("shopdesk-mail://localhost/42")),
            Some(42)
        );
        assert_eq!(
            message_id_of(&get("http://shopdesk-mail.localhost/7")),
            Some(7)
        );
        for refused in [
            "shopdesk-mail://localhost/",
            "shopdesk-mail://localhost/0",
            "shopdesk-mail://localhost/-1",
            "shopdesk-mail://localhost/+1",
            "shopdesk-mail://localhost/1/2",
            "shopdesk-mail://localhost/../etc/passwd",
            "shopdesk-mail://localhost/%2e%2e/1",
            "shopdesk-mail://localhost/1?images=1",
            "shopdesk-mail://localhost/1.0",
            "shopdesk-mail://localhost/99999999999999999999",
            "shopdesk-mail://localhost/abc",
        ] {
            assert_eq!(message_id_of(&get(refused)), None, "{refused}");
        }
        let post = Request::builder()
            .method(Method::POST)
            .uri("shopdesk-mail://localhost/1")
            .body(Vec::new())
            .unwrap();
        assert_eq!(message_id_of(&post), None);
    }

    #[test]
    fn the_mail_document_carries_its_own_strict_policy() {
        let blocked = mail_response("<p>Hi</p>", false);
        let headers = blocked.headers();
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.starts_with("default-src 'none'; img-src data:; "),
            "{csp}"
        );
        assert!(!csp.contains("https:") && !csp.contains("script"), "{csp}");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        let body = String::from_utf8(blocked.body().clone()).unwrap();
        let meta = body.find("Content-Security-Policy").unwrap();
        assert!(meta < body.find("<p>Hi</p>").unwrap());

        let allowed = mail_response("<p>Hi</p>", true);
        let csp = allowed.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(csp.contains("img-src data: https:;"), "{csp}");
        assert!(!csp.contains("script"), "{csp}");

        let missing = status_only(StatusCode::NOT_FOUND);
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
        assert!(missing.body().is_empty());
    }
}
