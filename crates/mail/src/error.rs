use shopdesk_store::StoreError;

/// What can stop a mail from being filed. A mail that merely fails to parse is not an error:
/// it is stored raw and flagged (see [`crate::IngestReport::flagged`]).
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error(
        "the local database could not be read or written ({0}); check that the disk is not \
         full and that no other program holds the database file, then try again"
    )]
    Store(#[from] StoreError),

    #[error(
        "the ingest time \"{0}\" is not an RFC 3339 timestamp such as 2026-11-28T12:00:00Z; \
         pass the current UTC time"
    )]
    InvalidIngestTime(String),

    #[error(
        "the support address \"{0}\" is not an e-mail address; set the shop's support \
         mailbox (for example support@yourshop.com) in the settings"
    )]
    InvalidSupportAddress(String),

    #[error(
        "no free ticket token could be derived from \"{0}\"; the tickets table holds \
         unexpected tokens, run a database check"
    )]
    TokenSpaceExhausted(String),

    #[error(
        "the demo mailbox needs customers with an e-mail address and at least one order; \
         run the demo store sync first"
    )]
    DemoStoreEmpty,

    #[error("a demo mail could not be written: {0}")]
    DemoBuild(#[from] std::io::Error),
}
