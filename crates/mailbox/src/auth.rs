//! How a mailbox logs in: a password (or app password), or an OAuth2 access token sent with
//! SASL XOAUTH2, the mechanism Gmail and Microsoft 365 take over IMAP and SMTP.

use shopdesk_mail_oauth::{MailOAuth, Secret};

/// The login of a mailbox's IMAP or SMTP connection.
#[derive(Debug, Clone, Default)]
pub enum MailAuth {
    /// LOGIN / AUTH PLAIN with the config's `password`.
    #[default]
    Password,
    /// AUTHENTICATE XOAUTH2 with an access token from this sign-in, refreshed before it expires
    /// and once more when the server rejects it.
    OAuth2(MailOAuth),
}

/// The XOAUTH2 initial client response before base64: `user=<login>^Aauth=Bearer <token>^A^A`.
pub(crate) fn xoauth2_response(user: &str, token: &Secret) -> Secret {
    Secret::new(format!(
        "user={user}\x01auth=Bearer {}\x01\x01",
        token.expose()
    ))
}

/// async-imap's side of `AUTHENTICATE XOAUTH2`: the response to the server's first (empty)
/// challenge, then an empty line to the JSON error challenge a refusing server sends, after
/// which it answers NO.
pub(crate) struct XOAuth2 {
    response: Option<Secret>,
}

impl XOAuth2 {
    pub fn new(user: &str, token: &Secret) -> XOAuth2 {
        XOAuth2 {
            response: Some(xoauth2_response(user, token)),
        }
    }
}

/// A response as async-imap takes it (bytes), still zeroed when dropped.
pub(crate) struct SaslResponse(Secret);

impl AsRef<[u8]> for SaslResponse {
    fn as_ref(&self) -> &[u8] {
        self.0.expose().as_bytes()
    }
}

impl async_imap::Authenticator for XOAuth2 {
    type Response = SaslResponse;

    fn process(&mut self, _challenge: &[u8]) -> SaslResponse {
        SaslResponse(self.response.take().unwrap_or_else(|| Secret::new("")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_imap::Authenticator;

    #[test]
    fn the_response_is_googles_format_and_the_error_challenge_gets_an_empty_line() {
        let token = Secret::new("ya29.token");
        assert_eq!(
            xoauth2_response("support@shop.com", &token).expose(),
            "user=support@shop.com\u{1}auth=Bearer ya29.token\u{1}\u{1}"
        );
        let mut auth = XOAuth2::new("support@shop.com", &token);
        assert!(auth.process(b"").as_ref().starts_with(b"user="));
        assert_eq!(auth.process(b"{\"status\":\"401\"}").as_ref(), b"");
    }
}
