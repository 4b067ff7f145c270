//! Mail server settings found from an address: a table of well-known providers, else the
//! usual `imap.<domain>` / `smtp.<domain>` guess. No network lookup happens here; the guess is
//! only worth something once [`probe`] has logged in with it.

mod probe;

use crate::Security;

pub use probe::{probe_account, ProbeError};

/// Servers for one mailbox, as onboarding proposes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerGuess {
    pub imap_host: String,
    pub imap_port: u16,
    pub imap_security: Security,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_security: Security,
    /// The provider's name when it is a known one ("Gmail"), for the UI.
    pub provider: Option<&'static str>,
    /// A sentence for known providers that refuse the account password (app passwords).
    pub advice: Option<&'static str>,
}

struct Provider {
    name: &'static str,
    domains: &'static [&'static str],
    imap: &'static str,
    smtp: &'static str,
    /// 587 + STARTTLS when true, else 465 + TLS.
    smtp_starttls: bool,
    advice: Option<&'static str>,
}

const APP_PASSWORD: &str =
    "Use an app password, not your account password: create one in your account's security settings.";

const PROVIDERS: &[Provider] = &[
    Provider {
        name: "Gmail",
        domains: &["gmail.com", "googlemail.com"],
        imap: "imap.gmail.com",
        smtp: "smtp.gmail.com",
        smtp_starttls: false,
        advice: Some(APP_PASSWORD),
    },
    Provider {
        name: "Outlook",
        domains: &["outlook.com", "hotmail.com", "live.com", "msn.com", "office365.com"],
        imap: "outlook.office365.com",
        smtp: "smtp.office365.com",
        smtp_starttls: true,
        advice: Some("Microsoft accounts often need an app password, or IMAP turned on by the administrator."),
    },
    Provider {
        name: "iCloud",
        domains: &["icloud.com", "me.com", "mac.com"],
        imap: "imap.mail.me.com",
        smtp: "smtp.mail.me.com",
        smtp_starttls: true,
        advice: Some(APP_PASSWORD),
    },
    Provider {
        name: "Fastmail",
        domains: &["fastmail.com", "fastmail.fm"],
        imap: "imap.fastmail.com",
        smtp: "smtp.fastmail.com",
        smtp_starttls: false,
        advice: Some(APP_PASSWORD),
    },
    Provider {
        name: "Yahoo",
        domains: &["yahoo.com", "ymail.com", "rocketmail.com"],
        imap: "imap.mail.yahoo.com",
        smtp: "smtp.mail.yahoo.com",
        smtp_starttls: false,
        advice: Some(APP_PASSWORD),
    },
    Provider {
        name: "GMX",
        domains: &["gmx.com", "gmx.net", "gmx.de"],
        imap: "imap.gmx.net",
        smtp: "mail.gmx.net",
        smtp_starttls: true,
        advice: None,
    },
    Provider {
        name: "Zoho",
        domains: &["zoho.com", "zohomail.com"],
        imap: "imap.zoho.com",
        smtp: "smtp.zoho.com",
        smtp_starttls: false,
        advice: Some(APP_PASSWORD),
    },
    Provider {
        name: "Proton Mail (Bridge)",
        domains: &["proton.me", "protonmail.com", "pm.me"],
        imap: "127.0.0.1",
        smtp: "127.0.0.1",
        smtp_starttls: true,
        advice: Some("Proton Mail works through Proton Mail Bridge: use the host, ports and password the Bridge shows."),
    },
];

/// The servers for `address`, or `None` when it is not an e-mail address.
pub fn guess_servers(address: &str) -> Option<ServerGuess> {
    let domain = domain_of(address)?;
    if let Some(p) = PROVIDERS
        .iter()
        .find(|p| p.domains.contains(&domain.as_str()))
    {
        let bridge = p.imap == "127.0.0.1";
        let (smtp_port, smtp_security) = match (bridge, p.smtp_starttls) {
            (true, _) => (1025, Security::StartTls),
            (false, true) => (587, Security::StartTls),
            (false, false) => (465, Security::Tls),
        };
        return Some(ServerGuess {
            imap_host: p.imap.into(),
            imap_port: if bridge { 1143 } else { 993 },
            imap_security: if bridge {
                Security::StartTls
            } else {
                Security::Tls
            },
            smtp_host: p.smtp.into(),
            smtp_port,
            smtp_security,
            provider: Some(p.name),
            advice: p.advice,
        });
    }
    Some(ServerGuess {
        imap_host: format!("imap.{domain}"),
        imap_port: 993,
        imap_security: Security::Tls,
        smtp_host: format!("smtp.{domain}"),
        smtp_port: 465,
        smtp_security: Security::Tls,
        provider: None,
        advice: None,
    })
}

fn domain_of(address: &str) -> Option<String> {
    let (local, domain) = address.trim().rsplit_once('@')?;
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    let valid = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    valid.then_some(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_providers_come_from_the_table() {
        let gmail = guess_servers("Help@GMail.com").unwrap();
        assert_eq!(gmail.imap_host, "imap.gmail.com");
        assert_eq!((gmail.smtp_port, gmail.smtp_security), (465, Security::Tls));
        assert_eq!(gmail.provider, Some("Gmail"));
        let outlook = guess_servers("shop@outlook.com").unwrap();
        assert_eq!(outlook.smtp_host, "smtp.office365.com");
        assert_eq!(
            (outlook.smtp_port, outlook.smtp_security),
            (587, Security::StartTls)
        );
        assert_eq!(
            guess_servers("a@icloud.com").unwrap().imap_host,
            "imap.mail.me.com"
        );
        assert_eq!(guess_servers("a@gmx.de").unwrap().smtp_host, "mail.gmx.net");
    }

    #[test]
    fn other_domains_get_the_usual_guess() {
        let guess = guess_servers("support@acme-coffee.example").unwrap();
        assert_eq!(guess.imap_host, "imap.acme-coffee.example");
        assert_eq!(guess.smtp_host, "smtp.acme-coffee.example");
        assert_eq!((guess.imap_port, guess.imap_security), (993, Security::Tls));
        assert_eq!(guess.provider, None);
    }

    #[test]
    fn non_addresses_give_nothing() {
        for input in [
            "",
            "support",
            "@acme.example",
            "a@localhost",
            "a@acme .example",
        ] {
            assert_eq!(guess_servers(input), None, "{input}");
        }
    }
}
