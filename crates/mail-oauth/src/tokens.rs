//! What a sign-in or a refresh gives.

use std::time::{Duration, SystemTime};

use shopdesk_secrets::Secret;

/// An access token, when it expires, and the refresh token that gets the next one. `Debug`
/// shows neither token.
#[derive(Debug, Clone)]
pub struct TokenSet {
    pub access_token: Secret,
    /// `None` when the provider gave none (it then keeps the previous one valid).
    pub refresh_token: Option<Secret>,
    /// `None` when the provider did not say.
    pub expires_at: Option<SystemTime>,
    /// The scopes granted, when the provider said (it may grant fewer than asked).
    pub scopes: Option<Vec<String>>,
}

impl TokenSet {
    /// Whether the access token is still good `margin` from now. Without an expiry it is taken
    /// as good until a server rejects it.
    pub fn is_fresh(&self, margin: Duration) -> bool {
        match self.expires_at {
            Some(expires_at) => SystemTime::now() + margin < expires_at,
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expiring_in(seconds: u64) -> TokenSet {
        TokenSet {
            access_token: Secret::new("at"),
            refresh_token: None,
            expires_at: Some(SystemTime::now() + Duration::from_secs(seconds)),
            scopes: None,
        }
    }

    #[test]
    fn a_token_inside_the_margin_is_stale() {
        let margin = Duration::from_secs(300);
        assert!(expiring_in(3600).is_fresh(margin));
        assert!(!expiring_in(120).is_fresh(margin));
        assert!(!format!("{:?}", expiring_in(1)).contains("\"at\""));
    }
}
