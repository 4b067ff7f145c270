//! Which credential: the keychain account name under the service `Shopdesk`.

use std::fmt;

use crate::SecretsError;

/// What a credential is for. Its account name in the keychain is
/// `shopify:<shop-domain>:<kind>` or `mail:<address>:<kind>` (lower-cased, trimmed), so a
/// user who opens their keychain app sees what each entry is.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SecretKey(String);

impl SecretKey {
    /// A Shopify Admin API access token (pasted `shpat_`, or the last minted one).
    pub fn shopify_access_token(shop_domain: &str) -> Result<Self, SecretsError> {
        Self::build("shopify", shop_domain, "access-token")
    }

    /// The client secret of the merchant's Dev Dashboard app (client credentials grant).
    pub fn shopify_client_secret(shop_domain: &str) -> Result<Self, SecretsError> {
        Self::build("shopify", shop_domain, "client-secret")
    }

    /// The refresh token of an expiring offline token.
    pub fn shopify_refresh_token(shop_domain: &str) -> Result<Self, SecretsError> {
        Self::build("shopify", shop_domain, "refresh-token")
    }

    /// An IMAP/SMTP password (or app password).
    pub fn mail_password(address: &str) -> Result<Self, SecretsError> {
        Self::build("mail", address, "password")
    }

    /// An OAuth refresh token for a mailbox (Gmail, Microsoft 365).
    pub fn mail_oauth_refresh(address: &str) -> Result<Self, SecretsError> {
        Self::build("mail", address, "oauth-refresh")
    }

    /// The account name in the keychain.
    pub fn account(&self) -> &str {
        &self.0
    }

    fn build(area: &str, owner: &str, kind: &str) -> Result<Self, SecretsError> {
        let owner = owner.trim().to_lowercase();
        // A ':' would make two different owners share an account name.
        let valid = !owner.is_empty()
            && !owner.contains(':')
            && !owner.chars().any(|c| c.is_whitespace() || c.is_control());
        if !valid {
            return Err(SecretsError::InvalidKey {
                area: area.to_string(),
                owner,
            });
        }
        Ok(SecretKey(format!("{area}:{owner}:{kind}")))
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey({})", self.0)
    }
}

impl fmt::Display for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_names() {
        let shop =
            |f: fn(&str) -> Result<SecretKey, SecretsError>| f(" Acme.myshopify.com ").unwrap();
        assert_eq!(
            shop(SecretKey::shopify_access_token).account(),
            "shopify:acme.myshopify.com:access-token"
        );
        assert_eq!(
            shop(SecretKey::shopify_client_secret).account(),
            "shopify:acme.myshopify.com:client-secret"
        );
        assert_eq!(
            SecretKey::mail_password("Help@Acme.example")
                .unwrap()
                .account(),
            "mail:help@acme.example:password"
        );
        assert_eq!(
            SecretKey::mail_oauth_refresh("help@acme.example")
                .unwrap()
                .account(),
            "mail:help@acme.example:oauth-refresh"
        );
    }

    #[test]
    fn owners_that_would_collide_are_refused() {
        for owner in ["", "  ", "a:b", "a b", "a\nb"] {
            assert!(SecretKey::mail_password(owner).is_err(), "{owner:?}");
        }
    }
}
