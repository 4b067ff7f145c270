//! Opening a logged-in IMAP session: TCP, then TLS or STARTTLS, then LOGIN (a password) or
//! AUTHENTICATE XOAUTH2 (an OAuth2 access token). Every network wait
//! is bounded, so a dead connection surfaces as an error instead of a hang.

use std::fmt::Debug;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use async_imap::error::Error as ImapError;
use async_imap::{Client, Session};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;

use shopdesk_mail_oauth::{MailOAuth, OAuthError, Secret};

use crate::auth::XOAuth2;
use crate::{MailAuth, MailboxConfig, MailboxError, Security};

/// The longest wait for one server answer (or one message of a fetch) before the connection is
/// taken for dead.
pub(crate) const RESPONSE_TIMEOUT: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);

/// A plain or TLS stream behind one type, so the rest of the crate has one session type.
pub(crate) trait ImapStream: AsyncRead + AsyncWrite + Unpin + Send + Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Debug> ImapStream for T {}

pub(crate) type ImapSession = Session<Box<dyn ImapStream>>;

/// A logged-in session and what the server said it can do.
pub(crate) struct Connection {
    pub session: ImapSession,
    pub condstore: bool,
    pub idle: bool,
}

pub(crate) async fn open(config: &MailboxConfig) -> Result<Connection, MailboxError> {
    config.validate()?;
    let tcp = tcp_connect(config).await?;
    let stream: Box<dyn ImapStream> = match config.security {
        Security::Tls => Box::new(tls_handshake(config, tcp).await?),
        Security::StartTls => {
            let mut client = Client::new(tcp);
            read_greeting(config, &mut client).await?;
            let upgrade = client.run_command_and_check_ok("STARTTLS", None);
            match tokio::time::timeout(RESPONSE_TIMEOUT, upgrade).await {
                Ok(Ok(())) => {}
                Ok(Err(ImapError::No(_) | ImapError::Bad(_))) => {
                    return Err(MailboxError::StartTlsUnavailable {
                        account: config.account.clone(),
                        host: config.imap_host.clone(),
                    })
                }
                Ok(Err(error)) => return Err(protocol_error(config, "asking for STARTTLS", error)),
                Err(_) => return Err(timeout_error(config, "asking for STARTTLS")),
            }
            // No greeting follows STARTTLS: the TLS stream goes straight to LOGIN.
            let tls = tls_handshake(config, client.into_inner()).await?;
            return login(config, Client::new(Box::new(tls) as Box<dyn ImapStream>)).await;
        }
        Security::Plain => Box::new(tcp),
    };
    let mut client = Client::new(stream);
    read_greeting(config, &mut client).await?;
    login(config, client).await
}

async fn tcp_connect(config: &MailboxConfig) -> Result<TcpStream, MailboxError> {
    let address = (config.imap_host.as_str(), config.imap_port);
    let connect_error = |source| MailboxError::Connect {
        account: config.account.clone(),
        host: config.imap_host.clone(),
        port: config.imap_port,
        source,
    };
    let tcp = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(address))
        .await
        .map_err(|_| connect_error(std::io::ErrorKind::TimedOut.into()))?
        .map_err(connect_error)?;
    // IMAP commands are small request/response pairs: don't let Nagle delay them.
    tcp.set_nodelay(true).map_err(connect_error)?;
    Ok(tcp)
}

async fn tls_handshake(
    config: &MailboxConfig,
    tcp: TcpStream,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>, MailboxError> {
    let tls_error = |detail: String| MailboxError::Tls {
        account: config.account.clone(),
        host: config.imap_host.clone(),
        detail,
    };
    let server_name = ServerName::try_from(config.imap_host.clone())
        .map_err(|e| tls_error(format!("\"{}\" is not a host name: {e}", config.imap_host)))?;
    let connector = TlsConnector::from(tls_client_config().map_err(|e| tls_error(e.to_string()))?);
    tokio::time::timeout(CONNECT_TIMEOUT, connector.connect(server_name, tcp))
        .await
        .map_err(|_| tls_error("the TLS handshake timed out".into()))?
        .map_err(|e| tls_error(e.to_string()))
}

fn tls_client_config() -> Result<Arc<ClientConfig>, rustls::Error> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    // An explicit provider: the process may link more than one, and then rustls can't pick.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

async fn read_greeting<T: ImapStream>(
    config: &MailboxConfig,
    client: &mut Client<T>,
) -> Result<(), MailboxError> {
    let greeting = tokio::time::timeout(RESPONSE_TIMEOUT, client.read_response())
        .await
        .map_err(|_| timeout_error(config, "waiting for the server greeting"))?
        .map_err(|e| protocol_error(config, "waiting for the server greeting", e.into()))?;
    match greeting {
        Some(_) => Ok(()),
        None => Err(protocol_error(
            config,
            "waiting for the server greeting",
            ImapError::ConnectionLost,
        )),
    }
}

async fn login(
    config: &MailboxConfig,
    client: Client<Box<dyn ImapStream>>,
) -> Result<Connection, MailboxError> {
    let mut session = match &config.auth {
        MailAuth::Password => password_login(config, client).await?,
        MailAuth::OAuth2(oauth) => oauth_login(config, oauth, client).await?,
    };
    let capabilities = within(config, "reading capabilities", session.capabilities()).await?;
    Ok(Connection {
        session,
        condstore: capabilities.has_str("CONDSTORE"),
        idle: capabilities.has_str("IDLE"),
    })
}

async fn password_login(
    config: &MailboxConfig,
    client: Client<Box<dyn ImapStream>>,
) -> Result<ImapSession, MailboxError> {
    let attempt = tokio::time::timeout(
        RESPONSE_TIMEOUT,
        client.login(&config.username, &config.password),
    )
    .await
    .map_err(|_| timeout_error(config, "logging in"))?;
    match attempt {
        Ok(session) => Ok(session),
        Err((ImapError::No(server_said), _)) if !is_unavailable(&server_said) => {
            Err(MailboxError::LoginRefused {
                account: config.account.clone(),
                server_said,
            })
        }
        Err((error, _)) => Err(protocol_error(config, "logging in", error)),
    }
}

/// XOAUTH2 with the current access token; when the server refuses it, once more on the same
/// connection with a refreshed one (it may have expired early or been revoked server-side).
async fn oauth_login(
    config: &MailboxConfig,
    oauth: &MailOAuth,
    client: Client<Box<dyn ImapStream>>,
) -> Result<ImapSession, MailboxError> {
    let oauth_error = |source| MailboxError::OAuth {
        account: config.account.clone(),
        source,
    };
    let token = oauth.access_token().await.map_err(oauth_error)?;
    let client = match xoauth2(config, client, &token).await? {
        Ok(session) => return Ok(session),
        Err(client) => client,
    };
    tracing::debug!(account = %config.account, "the IMAP server refused the access token; refreshing");
    let token = oauth
        .refresh_after_rejection(&token)
        .await
        .map_err(oauth_error)?;
    match xoauth2(config, client, &token).await? {
        Ok(session) => Ok(session),
        Err(_) => Err(oauth_error(OAuthError::SignInRefused {
            provider: oauth.provider().name.clone(),
            account: config.account.clone(),
        })),
    }
}

/// One `AUTHENTICATE XOAUTH2`: the session, or the client back when the token was refused.
async fn xoauth2(
    config: &MailboxConfig,
    client: Client<Box<dyn ImapStream>>,
    token: &Secret,
) -> Result<Result<ImapSession, Client<Box<dyn ImapStream>>>, MailboxError> {
    let authenticator = XOAuth2::new(&config.username, token);
    let attempt = tokio::time::timeout(
        RESPONSE_TIMEOUT,
        client.authenticate("XOAUTH2", authenticator),
    )
    .await
    .map_err(|_| timeout_error(config, "signing in"))?;
    match attempt {
        Ok(session) => Ok(Ok(session)),
        Err((ImapError::No(server_said), client)) if !is_unavailable(&server_said) => {
            Ok(Err(client))
        }
        Err((error, _)) => Err(protocol_error(config, "signing in", error)),
    }
}

/// [UNAVAILABLE] is the server's own trouble (RFC 5530), not a wrong password or token.
fn is_unavailable(server_said: &str) -> bool {
    server_said.contains("Unavailable") || server_said.contains("UNAVAILABLE")
}

/// Awaits one IMAP command with the response timeout, naming what was being done on failure.
pub(crate) async fn within<T>(
    config: &MailboxConfig,
    doing: &'static str,
    command: impl Future<Output = Result<T, ImapError>>,
) -> Result<T, MailboxError> {
    tokio::time::timeout(RESPONSE_TIMEOUT, command)
        .await
        .map_err(|_| timeout_error(config, doing))?
        .map_err(|e| protocol_error(config, doing, e))
}

pub(crate) fn timeout_error(config: &MailboxConfig, doing: &'static str) -> MailboxError {
    MailboxError::Timeout {
        account: config.account.clone(),
        doing,
        seconds: RESPONSE_TIMEOUT.as_secs(),
    }
}

pub(crate) fn protocol_error(
    config: &MailboxConfig,
    doing: &'static str,
    error: ImapError,
) -> MailboxError {
    MailboxError::Protocol {
        account: config.account.clone(),
        doing,
        detail: error.to_string(),
    }
}

/// Ends the session politely; a failure here changes nothing, so it is only logged.
pub(crate) async fn close(config: &MailboxConfig, mut session: ImapSession) {
    if let Err(error) = within(config, "logging out", session.logout()).await {
        tracing::debug!(account = %config.account, %error, "logout failed");
    }
}
