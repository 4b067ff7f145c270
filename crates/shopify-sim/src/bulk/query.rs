//! What a bulk query may contain, and the document the runner executes instead.
//!
//! Shopify's rules (bulkOperationRunQuery's description): at least one connection, at most
//! five, nested at most two levels deep; the node holding a nested connection must select
//! `id` (its children name it as `__parentId`). No variables: the query is sent as a string.
//!
//! The runner needs pages, so the accepted document is rewritten: the top-level connection
//! gets `first: 250, after: $shopdeskBulkAfter` and an aliased `pageInfo`, nested connections
//! `first: 250` (so nested connections hold at most 250 children here, unlike Shopify).
//! `first`/`last`/`after`/`before` written by the client are ignored, as bulk has no pages.

use apollo_compiler::ast::{Argument, OperationType, Type, Value};
use apollo_compiler::executable::{Field, Selection, SelectionSet, VariableDefinition};
use apollo_compiler::validation::Valid;
use apollo_compiler::{name, ExecutableDocument, Node};

pub const MAX_CONNECTIONS: usize = 5;
pub const MAX_NESTING_DEPTH: usize = 2;
/// Root objects per execution of the rewritten document, and the cap of nested connections.
pub(crate) const WINDOW: i32 = 250;
pub(crate) const AFTER_VARIABLE: &str = "shopdeskBulkAfter";
pub(crate) const PAGE_INFO_ALIAS: &str = "shopdeskBulkPageInfo";

/// Where a connection's nodes are in a response, and the connections nested in them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConnectionShape {
    /// Response keys from the enclosing node (or the data root) to the connection.
    pub path: Vec<String>,
    /// Response keys of `edges` and its `node`, when selected.
    pub edges: Option<(String, String)>,
    /// Response key of `nodes`, when selected.
    pub nodes: Option<String>,
    pub children: Vec<ConnectionShape>,
}

#[derive(Debug)]
pub(crate) struct Plan {
    pub document: Valid<ExecutableDocument>,
    pub root: ConnectionShape,
}

/// Checks `query` against Shopify's rules; the error is the `userErrors` message (INVALID).
pub(crate) fn plan(query: &str) -> Result<Plan, String> {
    let document = shopdesk_shopify_schema::validate(query).map_err(|errors| {
        let first = errors
            .first()
            .map_or("the document is empty", |e| e.message.as_str());
        format!("Invalid bulk query: {first}")
    })?;
    let operation_count =
        document.operations.anonymous.iter().count() + document.operations.named.len();
    if operation_count != 1 {
        return Err("Bulk queries must contain exactly one operation.".into());
    }
    let operation = document
        .operations
        .get(None)
        .map_err(|e| format!("Invalid bulk query: {}", e.message()))?;
    if operation.operation_type != OperationType::Query {
        return Err("Bulk queries must be query operations.".into());
    }
    if !operation.variables.is_empty() {
        return Err("Bulk queries cannot use variables: write values in the query.".into());
    }
    let top: Vec<&Node<Field>> = operation.selection_set.fields().collect();
    let root_field = match (top.as_slice(), operation.selection_set.selections.len()) {
        ([field], 1) if is_connection(field) => *field,
        _ => {
            let mut counter = Counter::default();
            let shapes =
                nested_connections(&operation.selection_set, &document, &[], 0, &mut counter)?;
            counter.check()?;
            if shapes.is_empty() {
                return Err(no_connection());
            }
            // Not a Shopify rule: the simulator pages through one top-level connection.
            return Err("The Shopdesk simulator runs bulk queries whose only top-level field is a connection (like `orders` or `customers`).".into());
        }
    };
    let mut counter = Counter::default();
    let root = connection_shape(
        root_field,
        &document,
        vec![root_key(root_field)],
        1,
        &mut counter,
    )?;
    counter.check()?;
    let document = rewrite(document.into_inner())?;
    Ok(Plan { document, root })
}

fn no_connection() -> String {
    "Bulk queries must contain at least one connection.".into()
}

#[derive(Default)]
struct Counter {
    connections: usize,
    depth: usize,
}

impl Counter {
    // Wording of these two messages not confirmed against a live shop; the limits are Shopify's.
    fn check(&self) -> Result<(), String> {
        if self.connections == 0 {
            return Err(no_connection());
        }
        if self.connections > MAX_CONNECTIONS {
            return Err(format!(
                "Bulk queries cannot contain more than {MAX_CONNECTIONS} connections (this one has {}).",
                self.connections
            ));
        }
        if self.depth > MAX_NESTING_DEPTH {
            return Err(format!(
                "Bulk queries cannot contain connections nested more than {MAX_NESTING_DEPTH} levels deep (this one has {}).",
                self.depth
            ));
        }
        Ok(())
    }
}

fn root_key(field: &Field) -> String {
    field.response_key().to_string()
}

fn is_connection(field: &Field) -> bool {
    !field.ty().is_list() && field.ty().inner_named_type().ends_with("Connection")
}

/// The fields of a selection set with fragments flattened, first occurrence of each response
/// key only (GraphQL merges the others into it).
fn fields<'d>(set: &'d SelectionSet, document: &'d ExecutableDocument) -> Vec<&'d Node<Field>> {
    let mut found: Vec<&'d Node<Field>> = Vec::new();
    let mut stack: Vec<&'d SelectionSet> = vec![set];
    while let Some(set) = stack.pop() {
        for selection in set.selections.iter().rev() {
            match selection {
                Selection::Field(field) => {
                    if !found
                        .iter()
                        .any(|f| f.response_key() == field.response_key())
                    {
                        found.push(field);
                    }
                }
                Selection::InlineFragment(inline) => stack.push(&inline.selection_set),
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) = document.fragments.get(&spread.fragment_name) {
                        stack.push(&fragment.selection_set);
                    }
                }
            }
        }
    }
    found
}

fn connection_shape(
    field: &Field,
    document: &ExecutableDocument,
    path: Vec<String>,
    depth: usize,
    counter: &mut Counter,
) -> Result<ConnectionShape, String> {
    counter.connections += 1;
    counter.depth = counter.depth.max(depth);
    let mut shape = ConnectionShape {
        path,
        edges: None,
        nodes: None,
        children: Vec::new(),
    };
    let mut node_sets = Vec::new();
    for part in fields(&field.selection_set, document) {
        match part.name.as_str() {
            "edges" => {
                for node in fields(&part.selection_set, document) {
                    if node.name == "node" {
                        shape.edges = Some((
                            part.response_key().to_string(),
                            node.response_key().to_string(),
                        ));
                        node_sets.push(&node.selection_set);
                    }
                }
            }
            "nodes" => {
                shape.nodes = Some(part.response_key().to_string());
                node_sets.push(&part.selection_set);
            }
            _ => {}
        }
    }
    for set in node_sets {
        let children = nested_connections(set, document, &[], depth, counter)?;
        if !children.is_empty() && !selects_plain_id(set, document) {
            let names: Vec<&str> = children
                .iter()
                .filter_map(|c| c.path.last().map(String::as_str))
                .collect();
            return Err(format!(
                "The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'ID' return type. Connection fields without 'id': {}.",
                names.join(", ")
            ));
        }
        for child in children {
            if !shape.children.iter().any(|c| c.path == child.path) {
                shape.children.push(child);
            }
        }
    }
    Ok(shape)
}

/// Connections under `set` (through plain objects), at `depth` + 1.
fn nested_connections(
    set: &SelectionSet,
    document: &ExecutableDocument,
    prefix: &[String],
    depth: usize,
    counter: &mut Counter,
) -> Result<Vec<ConnectionShape>, String> {
    let mut shapes = Vec::new();
    for field in fields(set, document) {
        let mut path = prefix.to_vec();
        path.push(field.response_key().to_string());
        if is_connection(field) {
            shapes.push(connection_shape(field, document, path, depth + 1, counter)?);
        } else if !field.selection_set.is_empty() {
            let inner = nested_connections(&field.selection_set, document, &path, depth, counter)?;
            if !inner.is_empty() && field.ty().is_list() {
                // Not a Shopify rule: the simulator only follows connections through objects.
                return Err(format!(
                    "The Shopdesk simulator does not run bulk queries with a connection inside the list field '{}'.",
                    field.name
                ));
            }
            shapes.extend(inner);
        }
    }
    Ok(shapes)
}

fn selects_plain_id(set: &SelectionSet, document: &ExecutableDocument) -> bool {
    fields(set, document)
        .iter()
        .any(|f| f.name == "id" && f.alias.is_none() && f.ty().inner_named_type() == "ID")
}

/// The runner's document: pages of [`WINDOW`] root objects after `$shopdeskBulkAfter`.
fn rewrite(mut document: ExecutableDocument) -> Result<Valid<ExecutableDocument>, String> {
    let schema = shopdesk_shopify_schema::schema();
    let internal = |what: String| format!("Internal error preparing the bulk query: {what}");
    {
        let operation = document
            .operations
            .get_mut(None)
            .map_err(|e| internal(format!("{e:?}")))?;
        operation.variables.push(Node::new(VariableDefinition {
            name: name!("shopdeskBulkAfter"),
            ty: Node::new(Type::Named(name!("String"))),
            default_value: None,
            directives: Default::default(),
        }));
        for selection in &mut operation.selection_set.selections {
            if let Selection::Field(field) = selection {
                let field = field.make_mut();
                set_page(field, true);
                let page_info = field
                    .selection_set
                    .new_field(schema, name!("pageInfo"))
                    .map_err(|e| internal(format!("{e:?}")))?;
                let has_next = page_info
                    .selection_set
                    .new_field(schema, name!("hasNextPage"))
                    .map_err(|e| internal(format!("{e:?}")))?;
                let end_cursor = page_info
                    .selection_set
                    .new_field(schema, name!("endCursor"))
                    .map_err(|e| internal(format!("{e:?}")))?;
                field.selection_set.push(
                    page_info
                        .with_alias(name!("shopdeskBulkPageInfo"))
                        .with_selection(has_next)
                        .with_selection(end_cursor),
                );
                rewrite_nested(&mut field.selection_set);
            }
        }
    }
    for fragment in document.fragments.values_mut() {
        rewrite_nested(&mut fragment.make_mut().selection_set);
    }
    document
        .validate(schema)
        .map_err(|with_errors| internal(with_errors.errors.to_string()))
}

fn rewrite_nested(set: &mut SelectionSet) {
    for selection in &mut set.selections {
        match selection {
            Selection::Field(field) => {
                let field = field.make_mut();
                if is_connection(field) {
                    set_page(field, false);
                }
                rewrite_nested(&mut field.selection_set);
            }
            Selection::InlineFragment(inline) => {
                rewrite_nested(&mut inline.make_mut().selection_set)
            }
            Selection::FragmentSpread(_) => {}
        }
    }
}

fn set_page(field: &mut Field, root: bool) {
    field
        .arguments
        .retain(|a| !matches!(a.name.as_str(), "first" | "last" | "after" | "before"));
    field.arguments.push(Node::new(Argument {
        name: name!("first"),
        value: Node::new(Value::Int(WINDOW.into())),
    }));
    if root {
        field.arguments.push(Node::new(Argument {
            name: name!("after"),
            value: Node::new(Value::Variable(name!("shopdeskBulkAfter"))),
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORDERS: &str =
        "{ orders { edges { node { id name lineItems { edges { node { id sku } } } } } } }";

    #[test]
    fn a_connection_with_a_nested_one_is_planned() {
        let plan = plan(ORDERS).unwrap();
        assert_eq!(plan.root.path, vec!["orders"]);
        assert_eq!(plan.root.edges, Some(("edges".into(), "node".into())));
        assert_eq!(plan.root.children.len(), 1);
        assert_eq!(plan.root.children[0].path, vec!["lineItems"]);
        let text = plan.document.to_string();
        assert!(
            text.contains("orders(first: 250, after: $shopdeskBulkAfter)"),
            "{text}"
        );
        assert!(text.contains("lineItems(first: 250)"), "{text}");
        assert!(text.contains("shopdeskBulkPageInfo: pageInfo"), "{text}");
    }

    #[test]
    fn shopifys_rules_are_enforced() {
        let no_connection = plan("{ shop { name } }").unwrap_err();
        assert!(
            no_connection.contains("at least one connection"),
            "{no_connection}"
        );
        let deep = plan("{ customers { edges { node { id orders { edges { node { id lineItems { edges { node { id } } } } } } } } } }").unwrap_err();
        assert!(deep.contains("more than 2 levels"), "{deep}");
        let no_id =
            plan("{ orders { edges { node { name lineItems { edges { node { id } } } } } } }")
                .unwrap_err();
        assert!(
            no_id.contains("Connection fields without 'id': lineItems"),
            "{no_id}"
        );
        let variables =
            plan("query($q: String) { orders(query: $q) { edges { node { id } } } }").unwrap_err();
        assert!(variables.contains("variables"), "{variables}");
        let invalid = plan("{ orders { edges { node { bogus } } } }").unwrap_err();
        assert!(invalid.starts_with("Invalid bulk query:"), "{invalid}");
    }

    #[test]
    fn six_connections_are_too_many() {
        let six = "{ orders { nodes { id
            a: lineItems { nodes { id } } b: lineItems { nodes { id } } c: lineItems { nodes { id } }
            d: lineItems { nodes { id } } e: lineItems { nodes { id } } } } }";
        let error = plan(six).unwrap_err();
        assert!(
            error.contains("more than 5 connections (this one has 6)"),
            "{error}"
        );
    }
}
