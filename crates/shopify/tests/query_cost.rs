//! Every document, at the page size the client sends it with, stays under Shopify's
//! 1,000-point single-query cap, by Shopify's published cost rules (API-NOTES §4):
//! scalar/enum 0, object 1, connection 2 + first x node. Plain lists with a `first` argument
//! (`fulfillments`, `refunds`, `trackingInfo`) are counted like connections, the worst case.

mod common;

use std::collections::HashMap;

use apollo_compiler::executable::{Field, Selection, SelectionSet};
use apollo_compiler::schema::ExtendedType;
use apollo_compiler::validation::Valid;
use apollo_compiler::ExecutableDocument;
use common::documents::graphql_documents;
use shopdesk_shopify::{CUSTOMERS_PAGE_SIZE, ORDERS_PAGE_SIZE};

const SINGLE_QUERY_CAP: u64 = 1_000;

struct CostModel<'a> {
    document: &'a Valid<ExecutableDocument>,
    variables: HashMap<&'static str, u64>,
}

impl CostModel<'_> {
    fn selection_set(&self, set: &SelectionSet) -> u64 {
        set.selections
            .iter()
            .map(|selection| match selection {
                Selection::Field(field) => self.field(field),
                Selection::FragmentSpread(spread) => {
                    let fragment = &self.document.fragments[&spread.fragment_name];
                    self.selection_set(&fragment.selection_set)
                }
                Selection::InlineFragment(inline) => self.selection_set(&inline.selection_set),
            })
            .sum()
    }

    fn field(&self, field: &Field) -> u64 {
        let schema = shopdesk_shopify_schema::schema();
        let type_name = field.ty().inner_named_type();
        let is_object = matches!(
            schema.types.get(type_name),
            Some(ExtendedType::Object(_) | ExtendedType::Interface(_) | ExtendedType::Union(_))
        );
        if !is_object {
            return 0;
        }
        if type_name.as_str().ends_with("Connection") {
            let node_cost: u64 = field
                .selection_set
                .selections
                .iter()
                .map(|selection| match selection {
                    Selection::Field(f) if f.name == "nodes" => {
                        1 + self.selection_set(&f.selection_set)
                    }
                    Selection::Field(f) if f.name == "edges" => {
                        self.selection_set(&f.selection_set)
                    }
                    _ => 0, // pageInfo: part of the connection's 2
                })
                .max()
                .unwrap_or(0);
            return 2 + self.first(field) * node_cost;
        }
        let object_cost = 1 + self.selection_set(&field.selection_set);
        // A short list without `first` (`accessScopes`) is one object, as the client's
        // estimate and the simulator price it.
        let sized = field.arguments.iter().any(|a| a.name == "first");
        if field.ty().is_list() && sized {
            return 2 + self.first(field) * object_cost;
        }
        object_cost
    }

    fn first(&self, field: &Field) -> u64 {
        let first = field
            .arguments
            .iter()
            .find(|argument| argument.name == "first")
            .unwrap_or_else(|| panic!("{} needs a `first` argument to be priced", field.name));
        match first.value.as_ref() {
            apollo_compiler::ast::Value::Int(n) => n.try_to_i32().unwrap() as u64,
            apollo_compiler::ast::Value::Variable(name) => self.variables[name.as_str()],
            other => panic!("unexpected `first` value {other:?}"),
        }
    }
}

fn requested_cost(file: &str) -> u64 {
    let (_, text) = graphql_documents()
        .into_iter()
        .find(|(name, _)| name == file)
        .unwrap_or_else(|| panic!("{file} not found"));
    let document = shopdesk_shopify_schema::validate(&text).expect("valid document");
    // The page sizes the client sends each document with (src/pages.rs).
    let first = match file {
        "customers_page.graphql" => CUSTOMERS_PAGE_SIZE,
        _ => ORDERS_PAGE_SIZE,
    };
    let model = CostModel {
        document: &document,
        variables: HashMap::from([("first", first as u64)]),
    };
    let operation = document.operations.iter().next().expect("one operation");
    model.selection_set(&operation.selection_set)
}

#[test]
fn every_document_stays_under_the_single_query_cap() {
    for (name, _) in graphql_documents() {
        // Bulk exports are sent as text to bulkOperationRunQuery: they use no cost bucket.
        if matches!(
            name.as_str(),
            "bulk_orders.graphql" | "bulk_customers.graphql"
        ) {
            continue;
        }
        let cost = requested_cost(&name);
        assert!(cost <= SINGLE_QUERY_CAP, "{name} requests {cost} points");
    }
}

/// The numbers written in the documents' comments.
#[test]
fn documented_costs_match_the_rules() {
    assert_eq!(requested_cost("shop.graphql"), 1);
    assert_eq!(requested_cost("customers_page.graphql"), 802);
    assert_eq!(requested_cost("orders_page.graphql"), 938);
    assert_eq!(requested_cost("customer_orders.graphql"), 942);
    assert_eq!(requested_cost("order_line_items_page.graphql"), 503);
    assert_eq!(requested_cost("deletion_events_page.graphql"), 252);
    assert_eq!(requested_cost("sync_counts.graphql"), 2);
    assert_eq!(requested_cost("connection_check.graphql"), 4);
}

/// The client prices a document before sending it (`estimate`, which the pacer waits for)
/// by the same rules as this test.
#[test]
fn the_client_estimates_every_query_like_the_rules() {
    use shopdesk_shopify::estimate::{document_info, OperationKind};
    let paced = [
        "shop.graphql",
        "customers_page.graphql",
        "orders_page.graphql",
        "customer_orders.graphql",
        "order_line_items_page.graphql",
        "deletion_events_page.graphql",
        "sync_counts.graphql",
    ];
    for (name, text) in graphql_documents() {
        if !paced.contains(&name.as_str()) {
            continue;
        }
        let first = match name.as_str() {
            "customers_page.graphql" => CUSTOMERS_PAGE_SIZE,
            _ => ORDERS_PAGE_SIZE,
        };
        let info = document_info(&text, None, &serde_json::json!({ "first": first }));
        assert_eq!(info.kind, OperationKind::Query, "{name}");
        assert_eq!(info.requested_cost, Some(requested_cost(&name)), "{name}");
    }
}
