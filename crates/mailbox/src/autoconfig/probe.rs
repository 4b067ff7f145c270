//! "Test before saving": one IMAP login (then LOGOUT) and one SMTP session up to the login
//! (EHLO, STARTTLS where asked, AUTH, QUIT). Nothing is fetched, sent or stored.

use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, Tokio1Executor};

use crate::{MailAccount, MailAuth, MailboxError, Security};

/// Why a mailbox test failed; each a sentence naming the account.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// Receiving (IMAP) failed: the mailbox crate's own sentence.
    #[error("{0}")]
    Imap(#[source] Box<MailboxError>),
    #[error("The outgoing mail server refused the login for {account}: check the user name and the password or app password (the server said: {server_said})")]
    SmtpLoginRefused {
        account: String,
        server_said: String,
    },
    #[error("Could not talk to the outgoing mail server {host}:{port} for {account} ({detail}): check the server name, the port and the security setting")]
    SmtpUnreachable {
        account: String,
        host: String,
        port: u16,
        detail: String,
    },
    #[error("The outgoing mail server refused the sign-in token for {account} (the server said: {server_said}): check that sending with SMTP sign-in (SMTP AUTH) is allowed for this mailbox, then sign in again")]
    SmtpTokenRefused {
        account: String,
        server_said: String,
    },
    /// No access token for the SMTP login: the sign-in's own sentence.
    #[error("{0}")]
    SmtpSignIn(#[source] shopdesk_mail_oauth::OAuthError),
    #[error("An unencrypted (plain) SMTP connection is only allowed to this computer, not to {host}: choose TLS or STARTTLS for {account}")]
    SmtpPlainNotAllowed { account: String, host: String },
}

impl ProbeError {
    /// Whether only a new OAuth2 sign-in (in the browser) can fix it.
    pub fn needs_sign_in(&self) -> bool {
        match self {
            ProbeError::Imap(error) => {
                matches!(error.as_ref(), MailboxError::OAuth { source, .. } if source.needs_sign_in())
            }
            ProbeError::SmtpSignIn(error) => error.needs_sign_in(),
            _ => false,
        }
    }
}

/// Logs in to IMAP, then to SMTP, with `account` as it would be saved.
pub async fn probe_account(account: &MailAccount) -> Result<(), ProbeError> {
    let imap = |e: MailboxError| ProbeError::Imap(Box::new(e));
    let mut connection = crate::connect::open(&account.imap).await.map_err(imap)?;
    // The login is what was tested; a failed LOGOUT changes nothing.
    let _ = tokio::time::timeout(
        crate::connect::RESPONSE_TIMEOUT,
        connection.session.logout(),
    )
    .await;
    probe_smtp(account).await
}

async fn probe_smtp(account: &MailAccount) -> Result<(), ProbeError> {
    let smtp = &account.smtp;
    let name = account.name().to_string();
    if smtp.security == Security::Plain && !crate::config::is_this_computer(&smtp.host) {
        return Err(ProbeError::SmtpPlainNotAllowed {
            account: name,
            host: smtp.host.clone(),
        });
    }
    let unreachable = |detail: String| ProbeError::SmtpUnreachable {
        account: name.clone(),
        host: smtp.host.clone(),
        port: smtp.port,
        detail,
    };
    let tls = match smtp.security {
        Security::Plain => Tls::None,
        Security::Tls | Security::StartTls => {
            let parameters =
                TlsParameters::new(smtp.host.clone()).map_err(|e| unreachable(e.to_string()))?;
            if smtp.security == Security::Tls {
                Tls::Wrapper(parameters)
            } else {
                Tls::Required(parameters)
            }
        }
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.as_str())
        .port(smtp.port)
        .tls(tls)
        .timeout(Some(smtp.timeout));
    let oauth = matches!(smtp.auth, MailAuth::OAuth2(_));
    if !smtp.username.is_empty() {
        builder = match &smtp.auth {
            MailAuth::Password => builder.credentials(Credentials::new(
                smtp.username.clone(),
                smtp.password.clone(),
            )),
            // The IMAP login just used (or refreshed) this token: it is fresh.
            MailAuth::OAuth2(session) => {
                let token = session
                    .access_token()
                    .await
                    .map_err(ProbeError::SmtpSignIn)?;
                builder
                    .credentials(Credentials::new(
                        smtp.username.clone(),
                        token.expose().to_string(),
                    ))
                    .authentication(vec![Mechanism::Xoauth2])
            }
        };
    }
    let transport: AsyncSmtpTransport<Tokio1Executor> = builder.build();
    let outcome = tokio::time::timeout(smtp.timeout * 2, transport.test_connection()).await;
    match outcome {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(error)) if error.is_permanent() && oauth => Err(ProbeError::SmtpTokenRefused {
            account: name.clone(),
            server_said: error.to_string(),
        }),
        Ok(Err(error)) if error.is_permanent() => Err(ProbeError::SmtpLoginRefused {
            account: name.clone(),
            server_said: error.to_string(),
        }),
        Ok(Err(error)) => Err(unreachable(error.to_string())),
        Err(_) => Err(unreachable(format!(
            "no answer within {} s",
            (smtp.timeout * 2).as_secs()
        ))),
    }
}
