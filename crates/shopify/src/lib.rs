//! Shopify Admin GraphQL client (API 2026-10).
//!
//! - [`ShopifyClient::execute`] sends one typed query (generated from `graphql/*.graphql` by
//!   `build.rs`, see [`queries`]) with the `X-Shopify-Access-Token` header and returns its data
//!   or a [`ShopifyError`] whose message is a sentence for the user.
//! - `fetch_*` methods ([`pages`]) fetch pages of shops, customers and orders and map them into
//!   the store's records ([`mapping`]); records that cannot be mapped are reported, not fatal.
//! - [`Credentials`]: a fixed access token, or a Dev Dashboard app's client id and secret with
//!   which the client mints tokens itself (client credentials grant), renews them 5 minutes
//!   before they expire and once more after a 401.
//!   [`ShopifyClient::check_connection`] says which shop, plan and features the app reaches.
//! - Requests are paced: each waits until the cost bucket, as the last answer reported it,
//!   holds its requested cost (estimated from the document, [`estimate`], then Shopify's own
//!   figure), so a steady sync never runs into THROTTLED. Failures that may pass (THROTTLED,
//!   429, 5xx, dropped or cut-short answers) are retried with jittered backoff within a
//!   [`RetryPolicy`]; mutations only when Shopify did not run them ([`ShopifyClient::execute`]).

pub mod actions;
mod auth;
pub mod bulk;
mod changes;
mod client;
mod config;
pub mod connection;
pub mod cost;
mod error;
pub mod estimate;
pub mod mapping;
mod pacing;
pub mod pages;
pub mod queries;
mod response;
mod retry;

pub use auth::{refresh_offline_token, Credentials, RotatedTokens, REFRESH_MARGIN};
pub use bulk::{BulkError, BulkExport, BulkOperation, BulkStatus};
pub use changes::{Deletion, SyncCountsReport, EVENTS_PAGE_SIZE};
pub use client::ShopifyClient;
pub use config::{ShopifyConfig, API_VERSION};
pub use connection::{ConnectionReport, Feature, FeatureStatus};
pub use cost::{QueryCost, ThrottleStatus};
pub use error::{ShopifyError, TransportKind};
pub use mapping::MappingError;
pub use pages::{
    CustomerWithOrders, Page, CUSTOMERS_PAGE_SIZE, CUSTOMER_ORDERS_LIMIT, ORDERS_PAGE_SIZE,
};
pub use retry::RetryPolicy;
pub use shopdesk_secrets::Secret;
