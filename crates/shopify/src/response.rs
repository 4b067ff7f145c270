//! Turns the body of a GraphQL answer into data or a typed error.

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::cost::QueryCost;
use crate::ShopifyError;

/// The JSON envelope of every answer: `{data, errors, extensions}`.
#[derive(Debug, Deserialize)]
struct Envelope {
    data: Option<serde_json::Value>,
    /// An array of GraphQL errors; some HTTP errors carry a plain string instead.
    errors: Option<serde_json::Value>,
    extensions: Option<Extensions>,
}

#[derive(Debug, Deserialize)]
struct Extensions {
    cost: Option<QueryCost>,
}

/// What one answer held: its cost report (kept even when the request failed) and the result.
pub(crate) struct Answer<T> {
    pub cost: Option<QueryCost>,
    pub result: Result<T, ShopifyError>,
}

/// Who asked, for error messages.
pub(crate) struct RequestContext<'a> {
    pub shop: &'a str,
    pub query: &'static str,
}

pub(crate) fn read_answer<T: DeserializeOwned>(
    body: &[u8],
    context: &RequestContext<'_>,
) -> Answer<T> {
    let envelope: Envelope = match serde_json::from_slice(body) {
        Ok(envelope) => envelope,
        Err(e) => {
            return Answer {
                cost: None,
                result: Err(decode_error(context, format!("not JSON ({e})"))),
            }
        }
    };
    let cost = envelope.extensions.and_then(|e| e.cost);
    let result = match envelope.errors {
        Some(errors) if !is_empty(&errors) => Err(classify_errors(errors, cost.clone(), context)),
        _ => match envelope.data {
            Some(data) if !data.is_null() => {
                serde_json::from_value(data).map_err(|e| decode_error(context, e.to_string()))
            }
            _ => Err(decode_error(context, "it holds no data".into())),
        },
    };
    Answer { cost, result }
}

fn is_empty(errors: &serde_json::Value) -> bool {
    errors.is_null() || errors.as_array().is_some_and(Vec::is_empty)
}

fn decode_error(context: &RequestContext<'_>, detail: String) -> ShopifyError {
    ShopifyError::Decode {
        query: context.query,
        detail,
    }
}

/// THROTTLED, MAX_COST_EXCEEDED and ACCESS_DENIED get their own errors; anything else
/// (validation errors, bad arguments) is reported with its first message.
fn classify_errors(
    errors: serde_json::Value,
    cost: Option<QueryCost>,
    context: &RequestContext<'_>,
) -> ShopifyError {
    let errors: Vec<graphql_client::Error> = match errors {
        serde_json::Value::String(message) => vec![plain_error(message)],
        other => match serde_json::from_value(other) {
            Ok(errors) => errors,
            Err(e) => return decode_error(context, format!("unreadable errors ({e})")),
        },
    };
    let code_of = |error: &graphql_client::Error| {
        error
            .extensions
            .as_ref()
            .and_then(|extensions| extensions.get("code"))
            .and_then(|code| code.as_str())
            .map(str::to_owned)
    };
    if let Some(error) = errors
        .iter()
        .find(|e| code_of(e).as_deref() == Some("THROTTLED"))
    {
        tracing::debug!(query = context.query, message = %error.message, "throttled");
        return ShopifyError::Throttled {
            shop: context.shop.to_string(),
            query: context.query,
            cost,
        };
    }
    if let Some(error) = errors
        .iter()
        .find(|e| code_of(e).as_deref() == Some("MAX_COST_EXCEEDED"))
    {
        let extension = |key: &str| {
            error
                .extensions
                .as_ref()
                .and_then(|extensions| extensions.get(key))
                .map_or_else(|| "?".to_string(), |value| value.to_string())
        };
        return ShopifyError::MaxCostExceeded {
            query: context.query,
            cost: extension("cost"),
            max_cost: extension("maxCost"),
        };
    }
    if let Some(error) = errors
        .iter()
        .find(|e| code_of(e).as_deref() == Some("ACCESS_DENIED"))
    {
        return ShopifyError::AccessDenied {
            shop: context.shop.to_string(),
            query: context.query,
            message: error.message.trim_end_matches('.').to_string(),
        };
    }
    let message = errors
        .first()
        .map(|e| e.message.clone())
        .unwrap_or_default();
    ShopifyError::GraphQl {
        query: context.query,
        message,
        errors,
    }
}

fn plain_error(message: String) -> graphql_client::Error {
    graphql_client::Error {
        message,
        locations: None,
        path: None,
        extensions: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Shop {
        name: String,
    }
    #[derive(Debug, Deserialize, PartialEq)]
    struct Data {
        shop: Shop,
    }

    const CONTEXT: RequestContext<'static> = RequestContext {
        shop: "acme.myshopify.com",
        query: "Shop",
    };

    fn read(body: &str) -> Answer<Data> {
        read_answer(body.as_bytes(), &CONTEXT)
    }

    #[test]
    fn data_and_cost_are_read() {
        let answer = read(
            r#"{"data":{"shop":{"name":"Acme"}},"extensions":{"cost":{"requestedQueryCost":1,
               "actualQueryCost":1,"throttleStatus":{"maximumAvailable":2000.0,
               "currentlyAvailable":1999,"restoreRate":100.0}}}}"#,
        );
        assert_eq!(answer.result.unwrap().shop.name, "Acme");
        let status = answer.cost.unwrap().throttle_status.unwrap();
        assert_eq!(status.currently_available, 1999.0);
    }

    #[test]
    fn throttled_keeps_the_cost() {
        let answer = read(
            r#"{"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED",
               "documentation":"https://shopify.dev/api/usage/rate-limits"}}],
               "extensions":{"cost":{"requestedQueryCost":938,"actualQueryCost":null,
               "throttleStatus":{"maximumAvailable":2000.0,"currentlyAvailable":38,"restoreRate":100.0}}}}"#,
        );
        let error = answer.result.unwrap_err();
        assert!(matches!(
            &error,
            ShopifyError::Throttled { cost: Some(_), .. }
        ));
        assert!(error.is_transient());
        assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(9)));
    }

    #[test]
    fn max_cost_exceeded_is_its_own_error() {
        let error = read(
            r#"{"errors":[{"message":"Query cost is 1066, which exceeds the single query max cost limit (1000).",
               "extensions":{"code":"MAX_COST_EXCEEDED","cost":1066,"maxCost":1000}}]}"#,
        )
        .result
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "the Shop request asks Shopify for too much at once (cost 1066, limit 1000); please report this"
        );
    }

    #[test]
    fn validation_errors_name_the_query_and_the_first_message() {
        let error = read(
            r#"{"errors":[{"message":"Field 'bogus' doesn't exist on type 'Shop'",
               "locations":[{"line":1,"column":9}],"extensions":{"code":"undefinedField"}},
               {"message":"second"}]}"#,
        )
        .result
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "Shopify rejected the Shop request: Field 'bogus' doesn't exist on type 'Shop'"
        );
        assert!(matches!(error, ShopifyError::GraphQl { errors, .. } if errors.len() == 2));
    }

    #[test]
    fn access_denied_points_at_the_scopes() {
        let error = read(
            r#"{"errors":[{"message":"Access denied for orders field.","extensions":{"code":"ACCESS_DENIED"}}],
               "data":null}"#,
        )
        .result
        .unwrap_err();
        assert!(error.to_string().contains("Access denied for orders field"));
        assert!(error.to_string().contains("permissions (scopes)"));
    }

    #[test]
    fn malformed_or_incomplete_answers_are_decode_errors() {
        let not_json = read("<html>oops</html>").result.unwrap_err();
        assert!(matches!(
            not_json,
            ShopifyError::Decode { query: "Shop", .. }
        ));
        let missing_field = read(r#"{"data":{"shop":{}}}"#).result.unwrap_err();
        assert_eq!(
            missing_field.to_string(),
            "Shopify's answer to the Shop request could not be read: missing field `name`"
        );
        let no_data = read(r#"{"data":null}"#).result.unwrap_err();
        assert!(no_data.to_string().contains("holds no data"));
    }

    #[test]
    fn a_string_error_is_kept_as_the_message() {
        let error = read(r#"{"errors":"Not Found"}"#).result.unwrap_err();
        assert_eq!(
            error.to_string(),
            "Shopify rejected the Shop request: Not Found"
        );
    }
}
