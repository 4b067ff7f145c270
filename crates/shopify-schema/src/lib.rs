//! Shopify's published Admin GraphQL schema (API version 2026-10) and validation of GraphQL
//! documents against it.
//!
//! The schema is vendored under `schema/` (see its README for the origin) and converted to SDL by
//! `build.rs`, so nothing outside this crate is read at build or run time.
//!
//! ```
//! let document = shopdesk_shopify_schema::validate("{ shop { name } }").unwrap();
//! assert_eq!(document.operations.len(), 1);
//! ```

use std::sync::OnceLock;

use apollo_compiler::validation::Valid;
use apollo_compiler::{ExecutableDocument, Schema};
use serde::{Deserialize, Serialize};

mod diagnostics;
mod one_of;

pub use one_of::is_one_of_input;

/// The Admin API version this schema describes.
pub const API_VERSION: &str = "2026-10";

/// The schema as SDL, produced at build time from the vendored introspection.
const SCHEMA_SDL: &str = include_str!(concat!(env!("OUT_DIR"), "/admin_2026-10.graphql"));

/// Path of the gunzipped introspection JSON (`{"data":{"__schema":...}}`) in this crate's
/// `OUT_DIR`. Meant for other crates' build scripts and tests (e.g. `graphql_client`'s
/// `schema_path`); it exists once this crate has been built.
pub fn introspection_json_path() -> &'static str {
    concat!(env!("OUT_DIR"), "/admin_2026-10.json")
}

/// The schema SDL text (as generated at build time).
pub fn schema_sdl() -> &'static str {
    SCHEMA_SDL
}

/// The parsed schema, parsed once on first use.
///
/// Shopify's schema breaks one rule of the spec (deprecated fields implementing interface fields
/// that are not deprecated), so the schema itself is parsed without schema validation and
/// assumed valid; documents are still validated fully against it.
pub fn schema() -> &'static Valid<Schema> {
    static SCHEMA: OnceLock<Valid<Schema>> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let schema = match Schema::parse(SCHEMA_SDL, "admin_2026-10.graphql") {
            Ok(schema) => schema,
            // Parse errors are reported for individual definitions; the rest of the schema is
            // still usable. The SDL is generated at build time and a test asserts it parses
            // cleanly, so this branch is not expected to be taken.
            Err(with_errors) => with_errors.partial,
        };
        Valid::assume_valid(schema)
    })
}

/// Parses and fully validates an executable document (operations and fragments) against the
/// schema. On failure, returns the errors in Shopify's GraphQL error shape.
pub fn validate(document: &str) -> Result<Valid<ExecutableDocument>, Vec<GraphqlError>> {
    let valid = ExecutableDocument::parse_and_validate(schema(), document, "query.graphql")
        .map_err(|with_errors| {
            diagnostics::to_graphql_errors(&with_errors.partial, &with_errors.errors)
        })?;
    let one_of_errors = one_of::check(&valid);
    if one_of_errors.is_empty() {
        Ok(valid)
    } else {
        Err(one_of_errors)
    }
}

/// One entry of a GraphQL response's `errors` array, shaped like Shopify's.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GraphqlError {
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<Location>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<Vec<serde_json::Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<serde_json::Value>,
}

impl GraphqlError {
    /// An error with a message only.
    pub fn new(message: impl Into<String>) -> Self {
        GraphqlError {
            message: message.into(),
            locations: Vec::new(),
            path: None,
            extensions: None,
        }
    }

    /// Adds `extensions.code` (and keeps other extensions).
    pub fn with_code(mut self, code: &str) -> Self {
        let mut extensions = match self.extensions.take() {
            Some(serde_json::Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        };
        extensions.insert("code".into(), serde_json::Value::from(code));
        self.extensions = Some(serde_json::Value::Object(extensions));
        self
    }
}

/// A position in the GraphQL document, 1-based.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}
