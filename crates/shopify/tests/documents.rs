//! Every GraphQL document the client sends is valid against Shopify's real 2026-10 schema
//! (apollo-compiler catches bad enum values and arguments that graphql_client lets through).

mod common;

use std::collections::BTreeMap;

use apollo_compiler::executable::{Selection, SelectionSet};
use apollo_compiler::ExecutableDocument;
use common::documents::graphql_documents;

#[test]
fn every_document_is_valid_against_the_2026_10_schema() {
    for (name, text) in graphql_documents() {
        if let Err(errors) = shopdesk_shopify_schema::validate(&text) {
            panic!("{name} is invalid against Shopify's schema: {errors:#?}");
        }
    }
}

#[test]
fn the_validator_would_catch_a_bad_enum_value() {
    let (_, orders_page) = graphql_documents()
        .into_iter()
        .find(|(name, _)| name == "orders_page.graphql")
        .unwrap();
    let broken = orders_page.replace("sortKey: UPDATED_AT", "sortKey: UPDATED");
    assert!(shopdesk_shopify_schema::validate(&broken).is_err());
}

#[test]
fn no_document_uses_a_deprecated_field() {
    for (name, text) in graphql_documents() {
        let document = shopdesk_shopify_schema::validate(&text).unwrap();
        let mut deprecated = Vec::new();
        for operation in document.operations.iter() {
            collect_deprecated(&operation.selection_set, &mut deprecated);
        }
        for fragment in document.fragments.values() {
            collect_deprecated(&fragment.selection_set, &mut deprecated);
        }
        assert!(
            deprecated.is_empty(),
            "{name} uses deprecated fields: {deprecated:?}"
        );
    }
}

fn collect_deprecated(selection_set: &SelectionSet, found: &mut Vec<String>) {
    for selection in &selection_set.selections {
        match selection {
            Selection::Field(field) => {
                if field.definition.directives.get("deprecated").is_some() {
                    found.push(format!("{}.{}", selection_set.ty, field.name));
                }
                collect_deprecated(&field.selection_set, found);
            }
            Selection::InlineFragment(inline) => collect_deprecated(&inline.selection_set, found),
            Selection::FragmentSpread(_) => {}
        }
    }
}

/// The Rust types of a fragment are generated once per document; the client converts between
/// them (`mapping::same_fragment`), which is only sound if every copy is the same text.
#[test]
fn shared_fragments_are_identical_in_every_document() {
    let mut first_copy: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (name, text) in graphql_documents() {
        let document = ExecutableDocument::parse(shopdesk_shopify_schema::schema(), &text, &name)
            .expect("parses");
        for (fragment_name, fragment) in &document.fragments {
            let printed = fragment.to_string();
            match first_copy.get(fragment_name.as_str()) {
                Some((other, copy)) => assert_eq!(
                    copy, &printed,
                    "fragment {fragment_name} differs between {other} and {name}"
                ),
                None => {
                    first_copy.insert(fragment_name.to_string(), (name.clone(), printed));
                }
            }
        }
    }
    for shared in [
        "MoneyFields",
        "LineItemFields",
        "OrderFields",
        "CustomerFields",
    ] {
        assert!(first_copy.contains_key(shared), "{shared} not found");
    }
}

#[test]
fn client_and_schema_agree_on_the_api_version() {
    assert_eq!(
        shopdesk_shopify::API_VERSION,
        shopdesk_shopify_schema::API_VERSION
    );
}
