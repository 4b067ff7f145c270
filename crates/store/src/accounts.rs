//! The connected store and support mailbox, as settings: never a token or a password (those
//! are in the OS keychain, see `shopdesk-secrets`). One of each per database.

use rusqlite::{params, OptionalExtension};

use crate::{Result, Store};

/// The Shopify store Shopdesk is connected to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopAccount {
    /// The permanent domain, `acme.myshopify.com`.
    pub shop_domain: String,
    /// `"accessToken"` or `"clientCredentials"`.
    pub auth_kind: String,
    /// The Dev Dashboard app's client id (client credentials only; not a secret).
    pub client_id: Option<String>,
    pub saved_at: String,
}

/// The support mailbox's servers and login name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailAccountSettings {
    pub address: String,
    pub username: String,
    pub imap_host: String,
    pub imap_port: u16,
    /// `"tls"`, `"startTls"` or `"plain"`.
    pub imap_security: String,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_security: String,
    /// `"password"` or `"oauth2"`.
    pub auth_kind: String,
    /// For `"oauth2"`: `"google"`, `"microsoft"` or `"local"` (kept in `app_settings`, next to
    /// the row; the refresh token is in the keychain).
    pub oauth_provider: Option<String>,
    pub saved_at: String,
}

const FIRST_RUN_DONE: &str = "first_run_done";
const MAIL_OAUTH_PROVIDER: &str = "mail_oauth_provider";

impl Store {
    pub fn shop_account(&self) -> Result<Option<ShopAccount>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT shop_domain, auth_kind, client_id, saved_at FROM shop_account WHERE id = 1",
                [],
                |r| {
                    Ok(ShopAccount {
                        shop_domain: r.get(0)?,
                        auth_kind: r.get(1)?,
                        client_id: r.get(2)?,
                        saved_at: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    pub fn save_shop_account(&mut self, account: &ShopAccount) -> Result<()> {
        self.conn().execute(
            "INSERT INTO shop_account (id, shop_domain, auth_kind, client_id, saved_at)
             VALUES (1, ?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET shop_domain = excluded.shop_domain,
                 auth_kind = excluded.auth_kind, client_id = excluded.client_id,
                 saved_at = excluded.saved_at",
            params![
                account.shop_domain,
                account.auth_kind,
                account.client_id,
                account.saved_at
            ],
        )?;
        Ok(())
    }

    pub fn mail_account_settings(&self) -> Result<Option<MailAccountSettings>> {
        self.conn()
            .query_row(
                "SELECT address, username, imap_host, imap_port, imap_security, smtp_host,
                        smtp_port, smtp_security, auth_kind, saved_at
                 FROM mail_account WHERE id = 1",
                [],
                |r| {
                    Ok(MailAccountSettings {
                        address: r.get(0)?,
                        username: r.get(1)?,
                        imap_host: r.get(2)?,
                        imap_port: r.get(3)?,
                        imap_security: r.get(4)?,
                        smtp_host: r.get(5)?,
                        smtp_port: r.get(6)?,
                        smtp_security: r.get(7)?,
                        auth_kind: r.get(8)?,
                        oauth_provider: None,
                        saved_at: r.get(9)?,
                    })
                },
            )
            .optional()?
            .map(|mut settings| {
                settings.oauth_provider = self.saved_mail_oauth_provider()?;
                Ok(settings)
            })
            .transpose()
    }

    fn saved_mail_oauth_provider(&self) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT value FROM app_settings WHERE name = ?1",
                [MAIL_OAUTH_PROVIDER],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Saves the mailbox row and its OAuth2 provider in one transaction.
    pub fn save_mail_account_settings(&mut self, s: &MailAccountSettings) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        tx.execute(
            "INSERT INTO mail_account (id, address, username, imap_host, imap_port,
                 imap_security, smtp_host, smtp_port, smtp_security, auth_kind, saved_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (id) DO UPDATE SET address = excluded.address,
                 username = excluded.username, imap_host = excluded.imap_host,
                 imap_port = excluded.imap_port, imap_security = excluded.imap_security,
                 smtp_host = excluded.smtp_host, smtp_port = excluded.smtp_port,
                 smtp_security = excluded.smtp_security, auth_kind = excluded.auth_kind,
                 saved_at = excluded.saved_at",
            params![
                s.address,
                s.username,
                s.imap_host,
                s.imap_port,
                s.imap_security,
                s.smtp_host,
                s.smtp_port,
                s.smtp_security,
                s.auth_kind,
                s.saved_at
            ],
        )?;
        match &s.oauth_provider {
            Some(provider) => tx.execute(
                "INSERT INTO app_settings (name, value) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                params![MAIL_OAUTH_PROVIDER, provider],
            )?,
            None => tx.execute(
                "DELETE FROM app_settings WHERE name = ?1",
                [MAIL_OAUTH_PROVIDER],
            )?,
        };
        tx.commit()?;
        Ok(())
    }

    pub fn delete_mail_account_settings(&mut self) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        tx.execute("DELETE FROM mail_account", [])?;
        tx.execute(
            "DELETE FROM app_settings WHERE name = ?1",
            [MAIL_OAUTH_PROVIDER],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Whether onboarding was finished once (the demo or a connected store).
    pub fn first_run_done(&self) -> Result<bool> {
        Ok(self
            .conn()
            .query_row(
                "SELECT value FROM app_settings WHERE name = ?1",
                [FIRST_RUN_DONE],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .is_some_and(|v| v == "1"))
    }

    pub fn set_first_run_done(&mut self) -> Result<()> {
        self.conn().execute(
            "INSERT INTO app_settings (name, value) VALUES (?1, '1')
             ON CONFLICT (name) DO UPDATE SET value = '1'",
            [FIRST_RUN_DONE],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_stay_single() {
        let mut store = Store::open_in_memory().unwrap();
        assert_eq!(store.shop_account().unwrap(), None);
        assert!(!store.first_run_done().unwrap());
        let mut shop = ShopAccount {
            shop_domain: "acme.myshopify.com".into(),
            auth_kind: "accessToken".into(),
            client_id: None,
            saved_at: "2026-11-29T17:00:00Z".into(),
        };
        store.save_shop_account(&shop).unwrap();
        shop.auth_kind = "clientCredentials".into();
        shop.client_id = Some("abc".into());
        store.save_shop_account(&shop).unwrap();
        assert_eq!(store.shop_account().unwrap(), Some(shop));

        let mail = MailAccountSettings {
            address: "help@acme.example".into(),
            username: "help@acme.example".into(),
            imap_host: "imap.acme.example".into(),
            imap_port: 993,
            imap_security: "tls".into(),
            smtp_host: "smtp.acme.example".into(),
            smtp_port: 465,
            smtp_security: "tls".into(),
            auth_kind: "password".into(),
            oauth_provider: None,
            saved_at: "2026-11-29T17:00:00Z".into(),
        };
        store.save_mail_account_settings(&mail).unwrap();
        assert_eq!(store.mail_account_settings().unwrap(), Some(mail.clone()));
        let oauth = MailAccountSettings {
            auth_kind: "oauth2".into(),
            oauth_provider: Some("google".into()),
            ..mail.clone()
        };
        store.save_mail_account_settings(&oauth).unwrap();
        assert_eq!(store.mail_account_settings().unwrap(), Some(oauth));
        store.save_mail_account_settings(&mail).unwrap();
        assert_eq!(store.mail_account_settings().unwrap(), Some(mail));
        store.delete_mail_account_settings().unwrap();
        assert_eq!(store.mail_account_settings().unwrap(), None);

        store.set_first_run_done().unwrap();
        store.set_first_run_done().unwrap();
        assert!(store.first_run_done().unwrap());
    }
}
