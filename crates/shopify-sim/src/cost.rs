//! Shopify's query cost: computed from the document before execution ("requested") and from
//! what was actually returned ("actual"; the difference is refunded to the bucket).
//!
//! Rules (shopify.dev, "rate limits"): scalars and enums cost 0, objects 1, a connection
//! 2 + (first or last) × the cost of one node, a mutation field 10. Plain lists of objects
//! (`fulfillments(first:)`, `nodes(ids:)`) are charged per requested element like connections,
//! without the 2.

use apollo_compiler::executable::{Field, Selection, SelectionSet};
use apollo_compiler::schema::ExtendedType;
use apollo_compiler::{ExecutableDocument, Node, Schema};
use serde_json::{Map, Value};

/// Shopify refuses any single query whose requested cost is above this.
pub const MAX_QUERY_COST: u64 = 1000;
const MUTATION_COST: u64 = 10;

pub struct CostModel<'d> {
    schema: &'d Schema,
    document: &'d ExecutableDocument,
    variables: &'d Map<String, Value>,
}

impl<'d> CostModel<'d> {
    pub fn new(
        schema: &'d Schema,
        document: &'d ExecutableDocument,
        variables: &'d Map<String, Value>,
    ) -> Self {
        CostModel {
            schema,
            document,
            variables,
        }
    }

    /// The cost charged before execution, from the document and page sizes alone.
    pub fn requested(&self, operation: &'d SelectionSet, is_mutation: bool) -> u64 {
        self.root_cost(operation, is_mutation, None)
    }

    /// The cost of what a response actually contained (`data` as returned).
    pub fn actual(&self, operation: &'d SelectionSet, is_mutation: bool, data: &Value) -> u64 {
        self.root_cost(operation, is_mutation, Some(data))
    }

    fn root_cost(
        &self,
        selection: &'d SelectionSet,
        is_mutation: bool,
        data: Option<&Value>,
    ) -> u64 {
        if is_mutation {
            let groups = self.group(&[selection]);
            return groups
                .iter()
                .filter(|(key, fields)| {
                    !fields[0].name.starts_with("__")
                        && data.is_none_or(|data| data.get(key.as_str()).is_some())
                })
                .count() as u64
                * MUTATION_COST;
        }
        self.set_cost(&[selection], data)
    }

    /// Fields of the given selection sets (fragments flattened), grouped by response key as
    /// GraphQL merges them.
    fn group(&self, sets: &[&'d SelectionSet]) -> Vec<(String, Vec<&'d Node<Field>>)> {
        let mut groups: Vec<(String, Vec<&'d Node<Field>>)> = Vec::new();
        let mut stack: Vec<&'d SelectionSet> = sets.iter().rev().copied().collect();
        while let Some(set) = stack.pop() {
            // Reverse so that selections are visited in document order.
            for selection in set.selections.iter().rev() {
                match selection {
                    Selection::Field(field) => {
                        let key = field.response_key().to_string();
                        match groups.iter_mut().find(|(k, _)| *k == key) {
                            Some((_, fields)) => fields.push(field),
                            None => groups.push((key, vec![field])),
                        }
                    }
                    Selection::InlineFragment(inline) => stack.push(&inline.selection_set),
                    Selection::FragmentSpread(spread) => {
                        if let Some(fragment) = self.document.fragments.get(&spread.fragment_name) {
                            stack.push(&fragment.selection_set);
                        }
                    }
                }
            }
        }
        groups
    }

    fn set_cost(&self, sets: &[&'d SelectionSet], data: Option<&Value>) -> u64 {
        self.group(sets)
            .iter()
            .map(|(key, fields)| match data {
                None => self.field_cost(fields, None),
                Some(data) => match data.get(key.as_str()) {
                    Some(value) => self.field_cost(fields, Some(value)),
                    // Not in the response (e.g. a fragment for another type): nothing was served.
                    None => 0,
                },
            })
            .fold(0, u64::saturating_add)
    }

    fn children(fields: &[&'d Node<Field>]) -> Vec<&'d SelectionSet> {
        fields.iter().map(|field| &field.selection_set).collect()
    }

    fn field_cost(&self, fields: &[&'d Node<Field>], data: Option<&Value>) -> u64 {
        let field = fields[0];
        if field.name.starts_with("__") {
            return 0;
        }
        let ty = &field.definition.ty;
        let type_name = ty.inner_named_type();
        match self.schema.types.get(type_name) {
            Some(ExtendedType::Object(_) | ExtendedType::Interface(_) | ExtendedType::Union(_)) => {
            }
            _ => return 0,
        }
        let children = Self::children(fields);
        if is_connection(type_name) {
            return match data {
                // Saturating: absurd page sizes cost "too much", not an overflow panic.
                None => self
                    .page_size(field)
                    .saturating_mul(self.connection_node_cost(&children, None))
                    .saturating_add(2),
                Some(Value::Null) => 0,
                Some(connection) => 2 + self.connection_node_cost(&children, Some(connection)),
            };
        }
        if ty.is_list() {
            return match data {
                None => self
                    .list_size(field)
                    .saturating_mul(self.set_cost(&children, None).saturating_add(1)),
                Some(Value::Array(items)) => items
                    .iter()
                    .filter(|item| !item.is_null())
                    .map(|item| 1 + self.set_cost(&children, Some(item)))
                    .sum(),
                Some(_) => 0,
            };
        }
        match data {
            None => self.set_cost(&children, None).saturating_add(1),
            Some(Value::Null) => 0,
            Some(object) => 1 + self.set_cost(&children, Some(object)),
        }
    }

    /// Requested: the cost of one node. Actual: the cost of all nodes returned.
    fn connection_node_cost(&self, children: &[&'d SelectionSet], data: Option<&Value>) -> u64 {
        let mut total: u64 = 0;
        for (key, fields) in self.group(children) {
            let inner = Self::children(&fields);
            let items: Option<Vec<&Value>> = data.map(|data| {
                data.get(key.as_str())
                    .and_then(Value::as_array)
                    .map(|items| items.iter().collect())
                    .unwrap_or_default()
            });
            match fields[0].name.as_str() {
                "nodes" => match &items {
                    None => {
                        total = total
                            .saturating_add(self.set_cost(&inner, None))
                            .saturating_add(1)
                    }
                    Some(items) => {
                        for item in items.iter().filter(|item| !item.is_null()) {
                            total += 1 + self.set_cost(&inner, Some(item));
                        }
                    }
                },
                "edges" => {
                    // The edge itself is free; its `node` is the object charged.
                    for (node_key, node_fields) in self.group(&inner) {
                        if node_fields[0].name != "node" {
                            continue;
                        }
                        let node_children = Self::children(&node_fields);
                        match &items {
                            None => {
                                total = total
                                    .saturating_add(self.set_cost(&node_children, None))
                                    .saturating_add(1)
                            }
                            Some(items) => {
                                for node in items
                                    .iter()
                                    .filter_map(|edge| edge.get(node_key.as_str()))
                                    .filter(|node| !node.is_null())
                                {
                                    total += 1 + self.set_cost(&node_children, Some(node));
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        total
    }

    fn argument_i64(&self, field: &Field, name: &str) -> Option<i64> {
        let value = field.arguments.iter().find(|arg| arg.name == name)?;
        match value.value.as_ref() {
            apollo_compiler::ast::Value::Int(int) => int.try_to_i32().ok().map(i64::from),
            apollo_compiler::ast::Value::Variable(variable) => self
                .variables
                .get(variable.as_str())
                .and_then(Value::as_i64),
            _ => None,
        }
    }

    fn page_size(&self, field: &Field) -> u64 {
        let size = self
            .argument_i64(field, "first")
            .or_else(|| self.argument_i64(field, "last"))
            .unwrap_or(0);
        size.max(0) as u64
    }

    fn list_size(&self, field: &Field) -> u64 {
        if let Some(first) = self.argument_i64(field, "first") {
            return first.max(0) as u64;
        }
        let ids = field.arguments.iter().find(|arg| arg.name == "ids");
        match ids.map(|arg| arg.value.as_ref()) {
            Some(apollo_compiler::ast::Value::List(items)) => items.len() as u64,
            Some(apollo_compiler::ast::Value::Variable(variable)) => self
                .variables
                .get(variable.as_str())
                .and_then(Value::as_array)
                .map_or(1, |ids| ids.len() as u64),
            _ => 1,
        }
    }
}

fn is_connection(type_name: &str) -> bool {
    type_name.ends_with("Connection")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requested(document: &str, variables: Value) -> u64 {
        let document = shopdesk_shopify_schema::validate(document).expect("valid document");
        let operation = document.operations.get(None).unwrap();
        let variables = variables.as_object().cloned().unwrap_or_default();
        let model = CostModel::new(shopdesk_shopify_schema::schema(), &document, &variables);
        model.requested(
            &operation.selection_set,
            operation.object_type() == "Mutation",
        )
    }

    #[test]
    fn shopify_cost_rules() {
        assert_eq!(requested("{ shop { name } }", Value::Null), 1);
        assert_eq!(
            requested("{ shop { name plan { displayName } } }", Value::Null),
            2
        );
        assert_eq!(
            requested(
                "{ orders(first: 10) { edges { cursor node { id } } pageInfo { hasNextPage } } }",
                Value::Null
            ),
            12
        );
        assert_eq!(
            requested(
                "query($n: Int) { orders(first: $n) { nodes { id lineItems(first: 5) { nodes { id } } } } }",
                serde_json::json!({"n": 10})
            ),
            2 + 10 * (1 + 2 + 5)
        );
        // Fields merged by response key are charged once.
        assert_eq!(
            requested(
                "{ order(id: \"gid://shopify/Order/1\") { customer { id } ... on Order { customer { email } } } }",
                Value::Null
            ),
            2
        );
        assert_eq!(
            requested("mutation { tagsAdd(id: \"gid://shopify/Order/1\", tags: [\"x\"]) { userErrors { message } } }", Value::Null),
            10
        );
        assert_eq!(
            requested("{ order(id: \"gid://shopify/Order/1\") { fulfillments(first: 3) { trackingInfo(first: 2) { number } } } }", Value::Null),
            1 + 3 * (1 + 2)
        );
    }

    #[test]
    fn absurd_page_sizes_cost_the_most_instead_of_overflowing() {
        let nested = "{ customers(first: 2147483647) { nodes { orders(first: 2147483647) { nodes {
            lineItems(first: 2147483647) { nodes { id } } } } } } }";
        assert_eq!(requested(nested, Value::Null), u64::MAX);
    }
}
