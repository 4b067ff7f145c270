//! Maps apollo-compiler diagnostics to Shopify-shaped GraphQL errors.
//!
//! Shopify's API runs graphql-ruby, whose static validation errors have their own wording and an
//! `extensions.code` (`undefinedField`, `argumentNotAccepted`, ...). Clients (and our tests) match
//! on those, so the common ones are reproduced here; the rest keep apollo's graphql-js style
//! message. apollo-compiler is pinned (`=1.33.1`), so the message formats parsed below are stable.

use apollo_compiler::diagnostic::{Diagnostic, ToCliReport};
use apollo_compiler::executable::{Selection, SelectionSet};
use apollo_compiler::validation::{DiagnosticData, DiagnosticList};
use apollo_compiler::{ExecutableDocument, Node};
use serde_json::{json, Value};

use crate::{GraphqlError, Location};

pub(crate) fn to_graphql_errors(
    document: &ExecutableDocument,
    diagnostics: &DiagnosticList,
) -> Vec<GraphqlError> {
    // apollo drops an unknown field from its partial document and then also reports the parent
    // as having no subselection; graphql-ruby reports only the unknown field.
    let undefined_field_offsets: Vec<usize> = diagnostics
        .iter()
        .filter(|d| d.error.unstable_error_name() == Some("UndefinedField"))
        .filter_map(|d| ToCliReport::location(d.error).map(|span| span.offset()))
        .collect();
    let mut errors: Vec<GraphqlError> = Vec::new();
    for diagnostic in diagnostics.iter() {
        if diagnostic.error.unstable_error_name() == Some("MissingSubselection") {
            let span = ToCliReport::location(diagnostic.error);
            let hides_undefined_field = span.is_some_and(|span| {
                undefined_field_offsets
                    .iter()
                    .any(|offset| (span.offset()..span.end_offset()).contains(offset))
            });
            if hides_undefined_field {
                continue;
            }
        }
        let error = to_graphql_error(document, &diagnostic);
        // graphql-ruby reports all missing arguments of one field in one error; apollo reports
        // one diagnostic per argument.
        if let Some(merged) = errors
            .iter_mut()
            .find(|e| same_missing_arguments_site(e, &error))
        {
            merge_missing_arguments(merged, &error);
            continue;
        }
        errors.push(error);
    }
    errors
}

fn to_graphql_error(
    document: &ExecutableDocument,
    diagnostic: &Diagnostic<'_, DiagnosticData>,
) -> GraphqlError {
    let data = diagnostic.error;
    let locations: Vec<Location> = diagnostic
        .line_column_range()
        .map(|range| {
            vec![Location {
                line: range.start.line,
                column: range.start.column,
            }]
        })
        .unwrap_or_default();
    let offset = ToCliReport::location(data).map(|span| span.offset());
    let display = data.to_string();
    let compat = data.unstable_compat_message();

    let shopify = match data.unstable_error_name() {
        Some("UndefinedField") => undefined_field(&display),
        Some("UndefinedArgument") => compat.as_deref().and_then(undefined_argument),
        Some("RequiredArgument") => compat.as_deref().and_then(missing_required_argument),
        Some(
            "UndefinedEnumValue"
            | "UnsupportedValueType"
            | "IntCoercionError"
            | "FloatCoercionError"
            | "UndefinedInputValue"
            | "RequiredField",
        ) => offset
            .and_then(|offset| find_argument(document, offset))
            .map(|site| site.invalid_value_error()),
        Some("DisallowedVariableUsage") => offset
            .and_then(|offset| find_argument(document, offset))
            .and_then(|site| variable_mismatch(compat.as_deref()?, &site)),
        None if display.starts_with("syntax error") => Some((
            format!("Parse error: {display}"),
            json!({"code": "parseError"}),
        )),
        _ => None,
    };
    let (message, extensions) = match shopify {
        Some((message, extensions)) => (message, Some(extensions)),
        None => (compat.unwrap_or(display), None),
    };
    GraphqlError {
        message,
        locations,
        path: None,
        extensions,
    }
}

/// Strings between pairs of `quote` characters, in order.
fn quoted(text: &str, quote: char) -> Vec<&str> {
    text.split(quote).skip(1).step_by(2).collect()
}

/// apollo: "type `Order` does not have a field `bogus`".
fn undefined_field(display: &str) -> Option<(String, Value)> {
    let names = quoted(display, '`');
    let (type_name, field_name) = (names.first()?, names.get(1)?);
    Some((
        format!("Field '{field_name}' doesn't exist on type '{type_name}'"),
        json!({"code": "undefinedField", "typeName": type_name, "fieldName": field_name}),
    ))
}

/// apollo: `Unknown argument "foo" on field "QueryRoot.orders".` or `... on field "@idempotent".`
fn undefined_argument(compat: &str) -> Option<(String, Value)> {
    let names = quoted(compat, '"');
    let (argument, coordinate) = (names.first()?, names.get(1)?);
    let (class, name) = match coordinate.strip_prefix('@') {
        Some(directive) => ("Directive", directive),
        None => ("Field", coordinate.rsplit('.').next()?),
    };
    Some((
        format!("{class} '{name}' doesn't accept argument '{argument}'"),
        json!({"code": "argumentNotAccepted", "name": name, "typeName": class, "argumentName": argument}),
    ))
}

/// apollo: `Field "orderCancel" argument "reason" of type "OrderCancelReason!" is required, ...`.
fn missing_required_argument(compat: &str) -> Option<(String, Value)> {
    let class = compat.split_whitespace().next()?;
    let names = quoted(compat, '"');
    let (name, argument) = (names.first()?.trim_start_matches('@'), names.get(1)?);
    Some((
        format!("{class} '{name}' is missing required arguments: {argument}"),
        json!({"code": "missingRequiredArguments", "className": class, "name": name, "arguments": argument}),
    ))
}

fn missing_arguments_of(error: &GraphqlError) -> Option<(&str, &str)> {
    let extensions = error.extensions.as_ref()?;
    if extensions.get("code")?.as_str()? != "missingRequiredArguments" {
        return None;
    }
    Some((
        extensions.get("className")?.as_str()?,
        extensions.get("name")?.as_str()?,
    ))
}

fn same_missing_arguments_site(existing: &GraphqlError, new: &GraphqlError) -> bool {
    match (missing_arguments_of(existing), missing_arguments_of(new)) {
        (Some(a), Some(b)) => a == b && existing.locations == new.locations,
        _ => false,
    }
}

fn merge_missing_arguments(merged: &mut GraphqlError, new: &GraphqlError) {
    let argument = new
        .extensions
        .as_ref()
        .and_then(|e| e.get("arguments"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let Some(Value::Object(extensions)) = merged.extensions.as_mut() else {
        return;
    };
    let arguments = match extensions.get("arguments").and_then(Value::as_str) {
        Some(existing) => format!("{existing}, {argument}"),
        None => argument,
    };
    let class = extensions
        .get("className")
        .and_then(Value::as_str)
        .unwrap_or("Field");
    let name = extensions
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    merged.message = format!("{class} '{name}' is missing required arguments: {arguments}");
    extensions.insert("arguments".into(), Value::from(arguments));
}

/// apollo: `Variable "$x" of type "String!" used in position expecting type "Int".`
fn variable_mismatch(compat: &str, site: &ArgumentSite) -> Option<(String, Value)> {
    let names = quoted(compat, '"');
    let (variable, variable_type, expected) = (names.first()?, names.get(1)?, names.get(2)?);
    Some((
        format!(
            "Type mismatch on variable {variable} and argument {} ({variable_type} / {expected})",
            site.argument_name
        ),
        json!({
            "code": "variableMismatch",
            "variableName": variable.trim_start_matches('$'),
            "typeName": variable_type,
            "argumentName": site.argument_name,
            "errorMessage": "Type mismatch",
        }),
    ))
}

/// The argument of a field or directive that contains a given source offset.
struct ArgumentSite {
    /// "Field" or "Directive", as graphql-ruby names them.
    class: &'static str,
    owner_name: String,
    argument_name: String,
    expected_type: String,
    value: String,
}

impl ArgumentSite {
    fn invalid_value_error(&self) -> (String, Value) {
        (
            format!(
                "Argument '{}' on {} '{}' has an invalid value ({}). Expected type '{}'.",
                self.argument_name, self.class, self.owner_name, self.value, self.expected_type
            ),
            json!({
                "code": "argumentLiteralsIncompatible",
                "typeName": self.class,
                "argumentName": self.argument_name,
            }),
        )
    }
}

fn find_argument(document: &ExecutableDocument, offset: usize) -> Option<ArgumentSite> {
    document
        .operations
        .iter()
        .find_map(|operation| find_in_selection_set(&operation.selection_set, offset))
        .or_else(|| {
            document
                .fragments
                .values()
                .find_map(|fragment| find_in_selection_set(&fragment.selection_set, offset))
        })
}

fn contains<T>(node: &Node<T>, offset: usize) -> bool {
    node.location()
        .is_some_and(|span| span.offset() <= offset && offset < span.end_offset())
}

fn find_in_selection_set(selection_set: &SelectionSet, offset: usize) -> Option<ArgumentSite> {
    selection_set
        .selections
        .iter()
        .find_map(|selection| match selection {
            Selection::Field(field) => {
                let in_arguments = field.arguments.iter().find(|arg| contains(arg, offset));
                if let Some(argument) = in_arguments {
                    let expected_type = field
                        .definition
                        .argument_by_name(&argument.name)
                        .map(|definition| definition.ty.to_string())
                        .unwrap_or_default();
                    return Some(ArgumentSite {
                        class: "Field",
                        owner_name: field.name.to_string(),
                        argument_name: argument.name.to_string(),
                        expected_type,
                        value: argument.value.to_string(),
                    });
                }
                find_in_directives(&field.directives, offset)
                    .or_else(|| find_in_selection_set(&field.selection_set, offset))
            }
            Selection::InlineFragment(inline) => find_in_directives(&inline.directives, offset)
                .or_else(|| find_in_selection_set(&inline.selection_set, offset)),
            Selection::FragmentSpread(spread) => find_in_directives(&spread.directives, offset),
        })
}

fn find_in_directives(
    directives: &apollo_compiler::executable::DirectiveList,
    offset: usize,
) -> Option<ArgumentSite> {
    directives.iter().find_map(|directive| {
        let argument = directive
            .arguments
            .iter()
            .find(|arg| contains(arg, offset))?;
        let expected_type = crate::schema()
            .directive_definitions
            .get(&directive.name)
            .and_then(|definition| definition.argument_by_name(&argument.name))
            .map(|definition| definition.ty.to_string())
            .unwrap_or_default();
        Some(ArgumentSite {
            class: "Directive",
            owner_name: directive.name.to_string(),
            argument_name: argument.name.to_string(),
            expected_type,
            value: argument.value.to_string(),
        })
    })
}
