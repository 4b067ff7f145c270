//! The IMAP Sent folder, seen from the outbox: a sent reply is copied there, and after a crash
//! it is where a reply of unknown fate is looked for.

use async_imap::error::Error as ImapError;

use crate::connect::{self, within, Connection};
use crate::folders::find_sent_folder;
use crate::{MailboxConfig, MailboxError, SENT_FALLBACK};

/// A logged-in session with the account's Sent folder found (or, when asked, created).
pub(crate) struct SentFolder {
    connection: Connection,
    /// `None`: the account has no Sent folder.
    folder: Option<String>,
}

impl SentFolder {
    /// Logs in and finds the Sent folder; with `create`, makes one named "Sent" when the account
    /// has none (a fresh mailbox), as mail clients do.
    pub(crate) async fn open(
        config: &MailboxConfig,
        create: bool,
    ) -> Result<SentFolder, MailboxError> {
        let mut connection = connect::open(config).await?;
        let found = find_sent_folder(&mut connection, config).await;
        let folder = match found {
            Ok(Some(folder)) => Some(folder),
            Ok(None) if create => match create_sent(&mut connection, config).await {
                Ok(folder) => Some(folder),
                Err(error) => {
                    connect::close(config, connection.session).await;
                    return Err(error);
                }
            },
            Ok(None) => None,
            Err(error) => {
                connect::close(config, connection.session).await;
                return Err(error);
            }
        };
        Ok(SentFolder { connection, folder })
    }

    /// Whether a message with this Message-ID (without angle brackets) is in Sent.
    pub(crate) async fn contains(
        &mut self,
        config: &MailboxConfig,
        message_id: &str,
    ) -> Result<bool, MailboxError> {
        let Some(folder) = &self.folder else {
            return Ok(false);
        };
        let session = &mut self.connection.session;
        const DOING: &str = "opening the Sent folder";
        let opened = tokio::time::timeout(connect::RESPONSE_TIMEOUT, session.examine(folder))
            .await
            .map_err(|_| connect::timeout_error(config, DOING))?;
        match opened {
            Ok(_) => {}
            Err(ImapError::No(server_said)) => {
                return Err(MailboxError::FolderUnavailable {
                    account: config.account.clone(),
                    folder: folder.clone(),
                    server_said,
                })
            }
            Err(error) => return Err(connect::protocol_error(config, DOING, error)),
        }
        let query = format!("HEADER Message-ID {}", quoted(&format!("<{message_id}>")));
        let found = within(
            config,
            "looking for a reply in the Sent folder",
            session.uid_search(query),
        )
        .await?;
        Ok(!found.is_empty())
    }

    /// Stores the message in Sent, marked read. Returns the folder's name.
    pub(crate) async fn append(
        &mut self,
        config: &MailboxConfig,
        raw: &[u8],
    ) -> Result<String, MailboxError> {
        let folder = match &self.folder {
            Some(folder) => folder.clone(),
            None => {
                let created = create_sent(&mut self.connection, config).await?;
                self.folder = Some(created.clone());
                created
            }
        };
        let session = &mut self.connection.session;
        within(
            config,
            "copying the reply to the Sent folder",
            session.append(&folder, Some("(\\Seen)"), None, raw),
        )
        .await?;
        Ok(folder)
    }

    pub(crate) async fn close(self, config: &MailboxConfig) {
        connect::close(config, self.connection.session).await;
    }
}

async fn create_sent(
    connection: &mut Connection,
    config: &MailboxConfig,
) -> Result<String, MailboxError> {
    let session = &mut connection.session;
    let created = tokio::time::timeout(connect::RESPONSE_TIMEOUT, session.create(SENT_FALLBACK))
        .await
        .map_err(|_| connect::timeout_error(config, "creating the Sent folder"))?;
    match created {
        Ok(()) => {
            tracing::info!(account = %config.account, "created the Sent folder");
            Ok(SENT_FALLBACK.to_string())
        }
        // Another client may have made it meanwhile: look again before giving up.
        Err(ImapError::No(server_said)) => match find_sent_folder(connection, config).await? {
            Some(folder) => Ok(folder),
            None => Err(MailboxError::FolderUnavailable {
                account: config.account.clone(),
                folder: SENT_FALLBACK.to_string(),
                server_said,
            }),
        },
        Err(error) => Err(connect::protocol_error(
            config,
            "creating the Sent folder",
            error,
        )),
    }
}

/// An IMAP quoted string.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}
