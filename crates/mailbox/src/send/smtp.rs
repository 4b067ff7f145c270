//! One delivery over SMTP, step by step (connect, STARTTLS, login, message), so that a failure
//! says which step failed: before the message was offered nothing can have been sent, after it
//! the outcome may be unknown.

use std::future::Future;
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::transport::smtp::Error as SmtpError;

use shopdesk_mail_oauth::{OAuthError, Secret};

use crate::send::error::DeliveryFailure;
use crate::{MailAccount, MailAuth, Security};

/// What the server answered to the message ("250 2.0.0 Ok: queued as 1A2B").
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Accepted {
    pub server_said: String,
}

/// Sends `payload` as it is to the envelope's recipients, over a new connection. With OAuth2,
/// a refused access token is refreshed and the delivery tried once more on a new connection
/// (nothing was offered before the login, so this cannot send twice).
pub(crate) async fn deliver(
    account: &MailAccount,
    envelope: &Envelope,
    payload: &[u8],
) -> Result<Accepted, DeliveryFailure> {
    let oauth = match &account.smtp.auth {
        MailAuth::Password => return deliver_as(account, envelope, payload, None).await,
        MailAuth::OAuth2(oauth) => oauth,
    };
    let token = oauth
        .access_token()
        .await
        .map_err(|e| sign_in_failure(account, e))?;
    match deliver_as(account, envelope, payload, Some(&token)).await {
        Err(DeliveryFailure::LoginRefused { .. }) => {}
        other => return other,
    }
    tracing::debug!(account = %account.name(), "the SMTP server refused the access token; refreshing");
    let token = oauth
        .refresh_after_rejection(&token)
        .await
        .map_err(|e| sign_in_failure(account, e))?;
    match deliver_as(account, envelope, payload, Some(&token)).await {
        Err(DeliveryFailure::LoginRefused { .. }) => Err(sign_in_failure(
            account,
            OAuthError::SignInRefused {
                provider: oauth.provider().name.clone(),
                account: account.name().to_string(),
            },
        )),
        other => other,
    }
}

fn sign_in_failure(account: &MailAccount, error: OAuthError) -> DeliveryFailure {
    DeliveryFailure::SignIn {
        account: account.name().to_string(),
        message: error.to_string(),
    }
}

/// One delivery, logging in with the password, or with `token` (XOAUTH2) when given.
async fn deliver_as(
    account: &MailAccount,
    envelope: &Envelope,
    payload: &[u8],
    token: Option<&Secret>,
) -> Result<Accepted, DeliveryFailure> {
    let smtp = &account.smtp;
    let hello = ClientId::default();
    let wrapper_tls = match smtp.security {
        Security::Tls => Some(tls_parameters(account)?),
        Security::StartTls | Security::Plain => None,
    };
    let connect = AsyncSmtpConnection::connect_tokio1(
        (smtp.host.as_str(), smtp.port),
        Some(smtp.timeout),
        &hello,
        wrapper_tls,
        None,
    );
    let mut connection = match bounded(account, smtp.timeout * 2, connect).await {
        Ok(Ok(connection)) => connection,
        Ok(Err(error)) if error.is_tls() => return Err(tls_failure(account, &error)),
        Ok(Err(error)) => return Err(unreachable(account, error.to_string())),
        Err(failure) => return Err(failure),
    };
    let sent = session(account, &mut connection, &hello, token, envelope, payload).await;
    match &sent {
        // The message is in; a failed QUIT changes nothing.
        Ok(_) => {
            let _ = bounded(account, smtp.timeout, connection.quit()).await;
        }
        Err(_) => {
            let _ = bounded(account, smtp.timeout, connection.abort()).await;
        }
    }
    sent
}

async fn session(
    account: &MailAccount,
    connection: &mut AsyncSmtpConnection,
    hello: &ClientId,
    token: Option<&Secret>,
    envelope: &Envelope,
    payload: &[u8],
) -> Result<Accepted, DeliveryFailure> {
    let smtp = &account.smtp;
    if smtp.security == Security::StartTls {
        if !connection.can_starttls() {
            return Err(DeliveryFailure::Tls {
                account: account.name().to_string(),
                host: smtp.host.clone(),
                detail: "the server does not offer STARTTLS; choose TLS (usually port 465)".into(),
            });
        }
        let upgrade = connection.starttls(tls_parameters(account)?, hello);
        match bounded(account, smtp.timeout * 2, upgrade).await? {
            Ok(()) => {}
            Err(error) => return Err(tls_failure(account, &error)),
        }
    }
    if !smtp.username.is_empty() {
        let (credentials, mechanisms): (Credentials, &[Mechanism]) = match token {
            Some(token) => (
                Credentials::new(smtp.username.clone(), token.expose().to_string()),
                &[Mechanism::Xoauth2],
            ),
            None => (
                Credentials::new(smtp.username.clone(), smtp.password.clone()),
                &[Mechanism::Plain, Mechanism::Login],
            ),
        };
        let login = connection.auth(mechanisms, &credentials);
        match bounded(account, smtp.timeout, login).await? {
            Ok(_) => {}
            Err(error) if error.is_permanent() || error.is_client() => {
                return Err(DeliveryFailure::LoginRefused {
                    account: account.name().to_string(),
                    server_said: server_text(&error),
                })
            }
            Err(error) => return Err(unreachable(account, error.to_string())),
        }
    }
    // From here on the message is being offered: a broken connection leaves its fate unknown.
    // lettre ends DATA with CRLF "." CRLF itself: without this the server would get one more
    // empty line than was queued.
    let message = payload.strip_suffix(b"\r\n").unwrap_or(payload);
    let limit = smtp.timeout * 2 + transfer_allowance(payload.len());
    let answer = match tokio::time::timeout(limit, connection.send(envelope, message)).await {
        Ok(answer) => answer,
        Err(_) => {
            return Err(DeliveryFailure::Interrupted {
                account: account.name().to_string(),
                detail: format!("no answer within {} s", limit.as_secs()),
            })
        }
    };
    match answer {
        Ok(response) => Ok(Accepted {
            server_said: format!(
                "{} {}",
                response.code(),
                response.message().collect::<Vec<_>>().join(" ")
            ),
        }),
        Err(error) => Err(classify_send_error(account, &error)),
    }
}

fn classify_send_error(account: &MailAccount, error: &SmtpError) -> DeliveryFailure {
    let account = account.name().to_string();
    let code = error.status().map(|code| code.to_string());
    if error.is_permanent() {
        DeliveryFailure::Permanent {
            account,
            code: code.unwrap_or_default(),
            server_said: server_text(error),
        }
    } else if error.is_transient() {
        DeliveryFailure::Temporary {
            account,
            code: code.unwrap_or_default(),
            server_said: server_text(error),
        }
    } else if error.is_client() {
        // Refused by lettre before anything was offered (no SMTPUTF8 for a non-ASCII address,
        // say): the same bytes to the same server will never go.
        DeliveryFailure::Unsendable {
            account,
            detail: error.to_string(),
        }
    } else {
        DeliveryFailure::Interrupted {
            account,
            detail: error.to_string(),
        }
    }
}

/// The server's own words, without lettre's "permanent error (550): " prefix.
fn server_text(error: &SmtpError) -> String {
    std::error::Error::source(error)
        .map(|source| source.to_string())
        .unwrap_or_else(|| error.to_string())
}

fn tls_parameters(account: &MailAccount) -> Result<TlsParameters, DeliveryFailure> {
    TlsParameters::new(account.smtp.host.clone()).map_err(|error| tls_failure(account, &error))
}

fn tls_failure(account: &MailAccount, error: &SmtpError) -> DeliveryFailure {
    DeliveryFailure::Tls {
        account: account.name().to_string(),
        host: account.smtp.host.clone(),
        detail: error.to_string(),
    }
}

fn unreachable(account: &MailAccount, detail: String) -> DeliveryFailure {
    DeliveryFailure::Unreachable {
        account: account.name().to_string(),
        host: account.smtp.host.clone(),
        port: account.smtp.port,
        detail,
    }
}

/// A step before the message: a hang there means the server can't be used now.
async fn bounded<T>(
    account: &MailAccount,
    limit: Duration,
    step: impl Future<Output = T>,
) -> Result<T, DeliveryFailure> {
    tokio::time::timeout(limit, step)
        .await
        .map_err(|_| unreachable(account, format!("no answer within {} s", limit.as_secs())))
}

/// Extra time for the message itself: a slow uplink moves ~64 KiB/s at worst.
fn transfer_allowance(bytes: usize) -> Duration {
    Duration::from_secs((bytes / (64 * 1024)) as u64)
}
