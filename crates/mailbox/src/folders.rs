//! Finding the account's Sent folder.

use async_imap::types::{Name, NameAttribute};
use futures::TryStreamExt;

use crate::connect::{within, Connection};
use crate::{MailboxConfig, MailboxError};

/// The fallback name when no folder carries the SPECIAL-USE `\Sent` attribute (RFC 6154).
pub const SENT_FALLBACK: &str = "Sent";

/// The configured Sent folder, else the one marked `\Sent`, else one named "Sent"; `None` when
/// the account has none of these.
pub(crate) async fn find_sent_folder(
    connection: &mut Connection,
    config: &MailboxConfig,
) -> Result<Option<String>, MailboxError> {
    if let Some(folder) = &config.sent_folder {
        return Ok(Some(folder.clone()));
    }
    let session = &mut connection.session;
    let names: Vec<Name> = within(config, "listing folders", async {
        session.list(Some(""), Some("*")).await?.try_collect().await
    })
    .await?;
    Ok(pick_sent(&names))
}

fn pick_sent(names: &[Name]) -> Option<String> {
    let selectable = |name: &&Name| {
        !name
            .attributes()
            .iter()
            .any(|a| matches!(a, NameAttribute::NoSelect))
    };
    let marked = names.iter().filter(selectable).find(|name| {
        name.attributes()
            .iter()
            .any(|a| matches!(a, NameAttribute::Sent))
    });
    let named = || {
        names
            .iter()
            .filter(selectable)
            .find(|name| name.name().eq_ignore_ascii_case(SENT_FALLBACK))
    };
    marked.or_else(named).map(|name| name.name().to_string())
}
