//! Coercion of request variables against the operation's declared types, with Shopify's
//! (graphql-ruby's) error shape:
//! `Variable $first of type Int! was provided invalid value` and
//! `extensions {code: INVALID_VARIABLE, value, problems: [{path, explanation}]}`.
//!
//! apollo-compiler can coerce variables too, but reports only a message without the variable's
//! name or path, so the simulator does it itself and hands apollo the result.

use apollo_compiler::ast::Type;
use apollo_compiler::executable::Operation;
use apollo_compiler::schema::ExtendedType;
use apollo_compiler::validation::Valid;
use apollo_compiler::Schema;
use serde_json::{json, Map, Value};
use shopdesk_shopify_schema::{GraphqlError, Location};

pub fn coerce_variables(
    schema: &Valid<Schema>,
    operation: &Operation,
    provided: &Map<String, Value>,
    sources: &apollo_compiler::parser::SourceMap,
) -> Result<Map<String, Value>, Vec<GraphqlError>> {
    let mut coerced = Map::new();
    let mut errors = Vec::new();
    for definition in &operation.variables {
        let name = definition.name.as_str();
        let mut problems = Vec::new();
        match provided.get(name) {
            Some(value) => {
                let mut path = Vec::new();
                match coerce(schema, &definition.ty, value, &mut path, &mut problems) {
                    Some(value) if problems.is_empty() => {
                        coerced.insert(name.to_string(), value);
                    }
                    _ => {}
                }
            }
            None => match &definition.default_value {
                Some(default) => {
                    coerced.insert(name.to_string(), ast_value_to_json(default));
                }
                None if definition.ty.is_non_null() => problems.push(Problem {
                    path: Vec::new(),
                    explanation: "Expected value to not be null".into(),
                }),
                // Absent and nullable: left absent so that argument defaults apply.
                None => {}
            },
        }
        if !problems.is_empty() {
            let location = definition.line_column_range(sources).map(|range| Location {
                line: range.start.line,
                column: range.start.column,
            });
            errors.push(GraphqlError {
                message: format!(
                    "Variable ${name} of type {} was provided invalid value",
                    definition.ty
                ),
                locations: location.into_iter().collect(),
                path: None,
                extensions: Some(json!({
                    "code": "INVALID_VARIABLE",
                    "value": provided.get(name).cloned().unwrap_or(Value::Null),
                    "problems": problems
                        .into_iter()
                        .map(|p| json!({"path": p.path, "explanation": p.explanation}))
                        .collect::<Vec<_>>(),
                })),
            });
        }
    }
    if errors.is_empty() {
        Ok(coerced)
    } else {
        Err(errors)
    }
}

struct Problem {
    path: Vec<Value>,
    explanation: String,
}

fn coerce(
    schema: &Valid<Schema>,
    ty: &Type,
    value: &Value,
    path: &mut Vec<Value>,
    problems: &mut Vec<Problem>,
) -> Option<Value> {
    if value.is_null() {
        if ty.is_non_null() {
            return report(problems, path, "Expected value to not be null".into());
        }
        return Some(Value::Null);
    }
    if let Type::List(item) | Type::NonNullList(item) = ty {
        let Some(items) = value.as_array() else {
            // A single value where a list is expected becomes a list of one.
            return coerce(schema, item, value, path, problems).map(|v| Value::Array(vec![v]));
        };
        let mut coerced = Vec::with_capacity(items.len());
        for (index, item_value) in items.iter().enumerate() {
            path.push(Value::from(index));
            let item_result = coerce(schema, item, item_value, path, problems);
            path.pop();
            coerced.push(item_result.unwrap_or(Value::Null));
        }
        return Some(Value::Array(coerced));
    }
    let type_name = ty.inner_named_type();
    let could_not_coerce = || format!("Could not coerce value {value} to {type_name}");
    match schema.types.get(type_name) {
        Some(ExtendedType::Scalar(_)) => {
            if scalar_accepts(type_name.as_str(), value) {
                Some(value.clone())
            } else {
                report(problems, path, could_not_coerce())
            }
        }
        Some(ExtendedType::Enum(definition)) => match value.as_str() {
            Some(name) if definition.values.contains_key(name) => Some(value.clone()),
            _ => {
                let allowed: Vec<&str> = definition.values.keys().map(|k| k.as_str()).collect();
                report(
                    problems,
                    path,
                    format!("Expected {value} to be one of: {}", allowed.join(", ")),
                )
            }
        },
        Some(ExtendedType::InputObject(definition)) => {
            let Some(object) = value.as_object() else {
                return report(
                    problems,
                    path,
                    format!("Expected {value} to be a key-value object."),
                );
            };
            let mut coerced = Map::new();
            for key in object.keys() {
                if !definition.fields.contains_key(key.as_str()) {
                    path.push(Value::from(key.as_str()));
                    report(
                        problems,
                        path,
                        format!("Field is not defined on {type_name}"),
                    );
                    path.pop();
                }
            }
            for (field_name, field) in &definition.fields {
                path.push(Value::from(field_name.as_str()));
                match object.get(field_name.as_str()) {
                    Some(field_value) => {
                        if let Some(v) = coerce(schema, &field.ty, field_value, path, problems) {
                            coerced.insert(field_name.to_string(), v);
                        }
                    }
                    None => match &field.default_value {
                        Some(default) => {
                            coerced.insert(field_name.to_string(), ast_value_to_json(default));
                        }
                        None if field.ty.is_non_null() => {
                            report(problems, path, "Expected value to not be null".into());
                        }
                        None => {}
                    },
                }
                path.pop();
            }
            if definition.directives.get("oneOf").is_some() {
                let set: Vec<&String> = object
                    .iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, _)| k)
                    .collect();
                if set.len() != 1 || object.len() != 1 {
                    report(
                        problems,
                        path,
                        format!("OneOf Input Object '{type_name}' must specify exactly one key."),
                    );
                }
            }
            Some(Value::Object(coerced))
        }
        // Output types cannot be variables; validation already refused that.
        _ => report(problems, path, could_not_coerce()),
    }
}

fn report(problems: &mut Vec<Problem>, path: &[Value], explanation: String) -> Option<Value> {
    problems.push(Problem {
        path: path.to_vec(),
        explanation,
    });
    None
}

/// Built-in scalars per the spec; Shopify's custom scalars by what Shopify accepts.
fn scalar_accepts(type_name: &str, value: &Value) -> bool {
    match type_name {
        "Int" => value.as_i64().is_some_and(|v| i32::try_from(v).is_ok()),
        "Float" => value.is_number(),
        "String" | "URL" | "HTML" | "FormattedString" | "ARN" | "Color" | "UtcOffset"
        | "StorefrontID" => value.is_string(),
        "Boolean" => value.is_boolean(),
        "ID" => value.is_string() || value.is_i64() || value.is_u64(),
        "UnsignedInt64" | "BigInt" => {
            value.is_u64()
                || value
                    .as_str()
                    .is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        }
        "Decimal" | "Money" => {
            value.is_number()
                || value
                    .as_str()
                    .is_some_and(|s| s.trim().parse::<rust_decimal::Decimal>().is_ok())
        }
        "DateTime" => value.as_str().is_some_and(|s| {
            time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).is_ok()
                || crate::search::TimeRange::parse(s, 0).is_some()
        }),
        "Date" => value.as_str().is_some_and(|s| {
            time::Date::parse(
                s,
                &time::macros::format_description!("[year]-[month]-[day]"),
            )
            .is_ok()
        }),
        // JSON and anything newer: any value.
        _ => true,
    }
}

/// A literal from the document (a default value) as JSON.
pub fn ast_value_to_json(value: &apollo_compiler::ast::Value) -> Value {
    use apollo_compiler::ast::Value as Ast;
    match value {
        Ast::Null | Ast::Variable(_) => Value::Null,
        Ast::Enum(name) => Value::from(name.as_str()),
        Ast::String(s) => Value::from(s.as_str()),
        Ast::Boolean(b) => Value::from(*b),
        Ast::Int(i) => i
            .try_to_i32()
            .map(Value::from)
            .unwrap_or_else(|_| Value::from(i.as_str())),
        Ast::Float(f) => f
            .try_to_f64()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        Ast::List(items) => Value::Array(items.iter().map(|v| ast_value_to_json(v)).collect()),
        Ast::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.to_string(), ast_value_to_json(v)))
                .collect(),
        ),
    }
}
