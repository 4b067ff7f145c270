//! Arguments of a top-level mutation field as JSON (variables substituted), and small readers.

use apollo_compiler::ast::Value as AstValue;
use apollo_compiler::executable::Field;
use rust_decimal::Decimal;
use serde_json::{Map, Number, Value};

use crate::executor::parse_gid;

fn to_json(value: &AstValue, variables: &Map<String, Value>) -> Value {
    match value {
        AstValue::Null => Value::Null,
        AstValue::Enum(name) => Value::String(name.to_string()),
        AstValue::Variable(name) => variables.get(name.as_str()).cloned().unwrap_or(Value::Null),
        AstValue::String(text) => Value::String(text.clone()),
        AstValue::Int(int) => int
            .as_str()
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or(Value::Null),
        AstValue::Float(float) => float
            .as_str()
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        AstValue::Boolean(b) => Value::Bool(*b),
        AstValue::List(items) => {
            Value::Array(items.iter().map(|v| to_json(v, variables)).collect())
        }
        AstValue::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(name, v)| (name.to_string(), to_json(v, variables)))
                .collect(),
        ),
    }
}

/// The field's arguments (absent ones left out: readers apply Shopify's defaults).
pub(super) fn field_arguments(field: &Field, variables: &Map<String, Value>) -> Map<String, Value> {
    field
        .arguments
        .iter()
        .map(|argument| {
            (
                argument.name.to_string(),
                to_json(&argument.value, variables),
            )
        })
        .collect()
}

/// `@idempotent(key:)` on the field, if present.
pub(super) fn idempotency_key(field: &Field, variables: &Map<String, Value>) -> Option<String> {
    let directive = field.directives.get("idempotent")?;
    let key = directive
        .arguments
        .iter()
        .find(|argument| argument.name == "key")?;
    match to_json(&key.value, variables) {
        Value::String(key) => Some(key),
        _ => None,
    }
}

pub(super) fn str_of<'a>(value: &'a Value, name: &str) -> Option<&'a str> {
    value.get(name).and_then(Value::as_str)
}

pub(super) fn bool_of(value: &Value, name: &str) -> Option<bool> {
    value.get(name).and_then(Value::as_bool)
}

pub(super) fn list_of<'a>(value: &'a Value, name: &str) -> &'a [Value] {
    value
        .get(name)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A `Money`/`Decimal` input: a string or a number.
pub(super) fn money_of(value: &Value, name: &str) -> Option<Decimal> {
    match value.get(name)? {
        Value::String(text) => text.trim().parse().ok(),
        Value::Number(number) => number.to_string().parse().ok(),
        _ => None,
    }
}

/// Amounts from 10^18 up are refused: far above any real price, and it keeps sums and products
/// of amounts clear of `Decimal`'s overflow, which panics.
pub(crate) fn is_too_large(amount: Decimal) -> bool {
    amount.abs() >= Decimal::from(1_000_000_000_000_000_000_i64)
}

pub(crate) const TOO_LARGE: &str = "Amount is too large: it must be less than 1000000000000000000.";

/// The numeric id of a GID of the given kind.
pub(super) fn id_of(value: &Value, name: &str, kind: &str) -> Option<u64> {
    let (found, id) = parse_gid(str_of(value, name)?)?;
    (found == kind).then_some(id)
}

/// Tags as Shopify stores them: trimmed, empty ones dropped, duplicates removed (first wins).
pub(super) fn clean_tags(tags: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        // A single string may hold several comma-separated tags.
        for part in tag.split(',') {
            let part = part.trim();
            if !part.is_empty() && !out.iter().any(|t| t.eq_ignore_ascii_case(part)) {
                out.push(part.to_string());
            }
        }
    }
    out
}

pub(super) fn string_list(values: &[Value]) -> Vec<String> {
    values
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}
