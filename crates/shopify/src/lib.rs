//! Shopify Admin GraphQL client (API 2026-10).
//!
//! - [`ShopifyClient::execute`] sends one typed query (generated from `graphql/*.graphql` by
//!   `build.rs`, see [`queries`]) with the `X-Shopify-Access-Token` header and returns its data
//!   or a [`ShopifyError`] whose message is a sentence for the user.
//! - `fetch_*` methods ([`pages`]) fetch pages of shops, customers and orders and map them into
//!   the store's records ([`mapping`]); records that cannot be mapped are reported, not fatal.
//! - Requests are paced by the cost reports of earlier answers, and THROTTLED/429 answers are
//!   retried after the wait they imply ([`ShopifyClient::execute`]).

mod client;
mod config;
pub mod cost;
mod error;
pub mod mapping;
mod pacing;
pub mod pages;
pub mod queries;
mod response;

pub use client::ShopifyClient;
pub use config::{ShopifyConfig, API_VERSION};
pub use cost::{QueryCost, ThrottleStatus};
pub use error::{ShopifyError, TransportKind};
pub use mapping::MappingError;
pub use pages::{
    CustomerWithOrders, Page, CUSTOMERS_PAGE_SIZE, CUSTOMER_ORDERS_LIMIT, ORDERS_PAGE_SIZE,
};
