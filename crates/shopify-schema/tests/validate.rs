use shopdesk_shopify_schema::{schema, validate, GraphqlError, API_VERSION};

fn errors_of(document: &str) -> Vec<GraphqlError> {
    match validate(document) {
        Ok(_) => panic!("document should be rejected:\n{document}"),
        Err(errors) => {
            assert!(!errors.is_empty());
            errors
        }
    }
}

fn code_of(error: &GraphqlError) -> Option<&str> {
    error.extensions.as_ref()?.get("code")?.as_str()
}

#[test]
fn api_version_is_2026_10() {
    assert_eq!(API_VERSION, "2026-10");
}

#[test]
fn schema_sdl_parses_without_errors() {
    let parsed = apollo_compiler::Schema::parse(
        shopdesk_shopify_schema::schema_sdl(),
        "admin_2026-10.graphql",
    );
    assert!(
        parsed.is_ok(),
        "SDL generated at build time must parse cleanly"
    );
    let schema = schema();
    assert!(
        schema.types.len() > 3000,
        "only {} types",
        schema.types.len()
    );
    assert!(schema.get_object("Order").is_some());
    assert!(schema.directive_definitions.contains_key("idempotent"));
    // @oneOf inputs keep their directive so apollo validates them.
    let refund_method = schema
        .get_input_object("RefundMethodInput")
        .expect("RefundMethodInput exists");
    assert!(refund_method.directives.get("oneOf").is_some());
}

#[test]
fn introspection_json_is_available_to_other_crates() {
    let path = shopdesk_shopify_schema::introspection_json_path();
    let text = std::fs::read_to_string(path).expect("gunzipped introspection in OUT_DIR");
    assert!(text.starts_with("{\"data\":{\"__schema\""));
}

#[test]
fn valid_orders_query_validates() {
    let document = r#"
        query Orders($first: Int!, $after: String, $query: String) {
          orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
            edges {
              cursor
              node {
                id legacyResourceId name createdAt updatedAt displayFinancialStatus
                totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
                customer { id displayName defaultEmailAddress { emailAddress } }
                lineItems(first: 10) { nodes { id name quantity currentQuantity sku } }
                fulfillments(first: 5) { id status trackingInfo(first: 3) { company number url } }
                refunds(first: 5) { id totalRefundedSet { shopMoney { amount } } }
                ...OrderExtra
              }
            }
            pageInfo { hasNextPage endCursor }
          }
        }
        fragment OrderExtra on Order { note tags ... on Order { __typename } }
    "#;
    let valid = validate(document).expect("valid query");
    assert!(valid.operations.get(Some("Orders")).is_ok());
}

#[test]
fn unknown_field_is_rejected_like_shopify() {
    let errors = errors_of("{ order(id: \"gid://shopify/Order/1\") { bogus } }");
    let error = &errors[0];
    assert_eq!(error.message, "Field 'bogus' doesn't exist on type 'Order'");
    assert_eq!(code_of(error), Some("undefinedField"));
    assert_eq!(error.locations[0].line, 1);
    assert_eq!(error.locations[0].column, 40);
    let extensions = error.extensions.as_ref().unwrap();
    assert_eq!(extensions["typeName"], "Order");
    assert_eq!(extensions["fieldName"], "bogus");
}

#[test]
fn wrong_enum_value_is_rejected() {
    let errors = errors_of("{ orders(first: 5, sortKey: BOGUS) { nodes { id } } }");
    let error = &errors[0];
    assert_eq!(code_of(error), Some("argumentLiteralsIncompatible"));
    assert!(error.message.contains("sortKey"), "{}", error.message);
    assert!(error.message.contains("BOGUS"), "{}", error.message);
    assert!(error.message.contains("OrderSortKeys"), "{}", error.message);
}

#[test]
fn unknown_argument_is_rejected() {
    let errors = errors_of("{ orders(first: 5, colour: \"red\") { nodes { id } } }");
    let error = &errors[0];
    assert_eq!(
        error.message,
        "Field 'orders' doesn't accept argument 'colour'"
    );
    assert_eq!(code_of(error), Some("argumentNotAccepted"));
}

#[test]
fn wrong_argument_type_is_rejected() {
    let errors = errors_of("{ orders(first: \"ten\") { nodes { id } } }");
    let error = &errors[0];
    assert_eq!(code_of(error), Some("argumentLiteralsIncompatible"));
    assert_eq!(
        error.message,
        "Argument 'first' on Field 'orders' has an invalid value (\"ten\"). Expected type 'Int'."
    );
}

#[test]
fn wrong_variable_type_is_rejected() {
    let errors = errors_of("query Q($n: String!) { orders(first: $n) { nodes { id } } }");
    assert_eq!(code_of(&errors[0]), Some("variableMismatch"));
    assert!(errors[0].message.contains("first"), "{}", errors[0].message);
}

#[test]
fn missing_required_argument_is_rejected() {
    let errors = errors_of(
        r#"mutation { orderCancel(orderId: "gid://shopify/Order/1", restock: false) {
            job { id } orderCancelUserErrors { code message } } }"#,
    );
    let error = &errors[0];
    assert_eq!(
        error.message,
        "Field 'orderCancel' is missing required arguments: reason"
    );
    assert_eq!(code_of(error), Some("missingRequiredArguments"));
}

#[test]
fn several_missing_arguments_are_reported_together() {
    let errors = errors_of("mutation { orderCancel(restock: false) { job { id } } }");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0].message,
        "Field 'orderCancel' is missing required arguments: orderId, reason"
    );
}

#[test]
fn syntax_error_is_rejected() {
    let errors = errors_of("{ shop { name }");
    assert!(
        errors[0].message.contains("syntax error"),
        "{}",
        errors[0].message
    );
    assert!(!errors[0].locations.is_empty());
}

#[test]
fn refund_create_with_idempotent_directive_is_accepted() {
    let document = r#"
        mutation Refund($input: RefundInput!, $key: String!) {
          refundCreate(input: $input) @idempotent(key: $key) {
            refund { id totalRefundedSet { shopMoney { amount currencyCode } } }
            order { id displayFinancialStatus }
            userErrors { field message }
          }
        }
    "#;
    validate(document).expect("refundCreate with @idempotent is valid");
}

#[test]
fn one_of_input_with_two_members_is_rejected() {
    let document = r#"
        mutation {
          orderCancel(orderId: "gid://shopify/Order/1", reason: CUSTOMER, restock: false,
            refundMethod: { originalPaymentMethodsRefund: true, storeCreditRefund: { expiresAt: null } }) {
            job { id }
          }
        }
    "#;
    let errors = errors_of(document);
    assert_eq!(code_of(&errors[0]), Some("invalidOneOfInputObject"));
    assert_eq!(
        errors[0].message,
        "OneOf Input Object 'OrderCancelRefundMethodInput' must specify exactly one key."
    );
    let one_member = document.replace("originalPaymentMethodsRefund: true, ", "");
    validate(&one_member).expect("a @oneOf input with exactly one member is valid");
}

#[test]
fn errors_serialize_in_shopify_shape() {
    let errors = errors_of("{ shop { bogus } }");
    let json = serde_json::to_value(&errors[0]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "message": "Field 'bogus' doesn't exist on type 'Shop'",
            "locations": [{"line": 1, "column": 10}],
            "extensions": {"code": "undefinedField", "typeName": "Shop", "fieldName": "bogus"}
        })
    );
}

/// Prints (not asserts) the time to parse the schema, so it can be checked with `--nocapture`.
#[test]
fn schema_load_time_is_reported() {
    let started = std::time::Instant::now();
    let parsed = apollo_compiler::Schema::parse(
        shopdesk_shopify_schema::schema_sdl(),
        "admin_2026-10.graphql",
    );
    assert!(parsed.is_ok());
    eprintln!("schema parse took {:?}", started.elapsed());
}
