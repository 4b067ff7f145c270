//! Validation of `@oneOf` input objects written as literals in a document.
//!
//! apollo-compiler 1.33 does not implement the `@oneOf` rule, and Shopify has ~30 such inputs
//! (`RefundMethodInput`, `OrderCancelRefundMethodInput`, ...). Values passed through variables are
//! checked by whoever coerces the variables (the simulator).

use apollo_compiler::ast::{Type, Value};
use apollo_compiler::executable::{Selection, SelectionSet};
use apollo_compiler::{ExecutableDocument, Node};
use serde_json::json;

use crate::{GraphqlError, Location};

pub(crate) fn check(document: &ExecutableDocument) -> Vec<GraphqlError> {
    let mut errors = Vec::new();
    for operation in document.operations.iter() {
        check_selection_set(document, &operation.selection_set, &mut errors);
    }
    for fragment in document.fragments.values() {
        check_selection_set(document, &fragment.selection_set, &mut errors);
    }
    errors
}

/// Whether the named input object type is declared `@oneOf`.
pub fn is_one_of_input(type_name: &str) -> bool {
    crate::schema()
        .get_input_object(type_name)
        .is_some_and(|input| input.directives.get("oneOf").is_some())
}

fn check_selection_set(
    document: &ExecutableDocument,
    selection_set: &SelectionSet,
    errors: &mut Vec<GraphqlError>,
) {
    for selection in &selection_set.selections {
        match selection {
            Selection::Field(field) => {
                for argument in &field.arguments {
                    if let Some(definition) = field.definition.argument_by_name(&argument.name) {
                        check_value(document, &argument.value, &definition.ty, errors);
                    }
                }
                check_selection_set(document, &field.selection_set, errors);
            }
            Selection::InlineFragment(inline) => {
                check_selection_set(document, &inline.selection_set, errors)
            }
            Selection::FragmentSpread(_) => {}
        }
    }
}

fn check_value(
    document: &ExecutableDocument,
    value: &Node<Value>,
    ty: &Type,
    errors: &mut Vec<GraphqlError>,
) {
    match value.as_ref() {
        Value::List(items) => {
            for item in items {
                check_value(document, item, ty.item_type(), errors);
            }
        }
        Value::Object(fields) => {
            let type_name = ty.inner_named_type();
            let Some(input) = crate::schema().get_input_object(type_name) else {
                return;
            };
            if input.directives.get("oneOf").is_some() {
                let error = match fields.as_slice() {
                    [(key, only)] if matches!(only.as_ref(), Value::Null) => {
                        Some(format!("Argument '{key}' must be non-null."))
                    }
                    [_] => None,
                    _ => Some(format!(
                        "OneOf Input Object '{type_name}' must specify exactly one key."
                    )),
                };
                if let Some(message) = error {
                    errors.push(GraphqlError {
                        message,
                        locations: location_of(document, value).into_iter().collect(),
                        path: None,
                        extensions: Some(
                            json!({"code": "invalidOneOfInputObject", "inputObjectType": type_name.as_str()}),
                        ),
                    });
                }
            }
            for (name, field_value) in fields {
                if let Some(field) = input.fields.get(name) {
                    check_value(document, field_value, &field.ty, errors);
                }
            }
        }
        _ => {}
    }
}

fn location_of(document: &ExecutableDocument, value: &Node<Value>) -> Option<Location> {
    let range = value.line_column_range(&document.sources)?;
    Some(Location {
        line: range.start.line,
        column: range.start.column,
    })
}
