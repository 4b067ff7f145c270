#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("could not open the database at {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("stored value is corrupt ({what}): {detail}")]
    Corrupt { what: &'static str, detail: String },
    #[error("\"{id}\" is not a Shopify id of the form {expected}<number>")]
    NotAShopifyId { id: String, expected: &'static str },
    #[error("{0} not found")]
    NotFound(String),
}

impl From<shopdesk_money::MoneyError> for StoreError {
    fn from(e: shopdesk_money::MoneyError) -> Self {
        StoreError::Corrupt {
            what: "money",
            detail: e.to_string(),
        }
    }
}
