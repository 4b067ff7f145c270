//! The seeded store: determinism, realism and internal consistency, without HTTP.

use std::collections::HashSet;

use rust_decimal::Decimal;
use shopdesk_shopify_sim::model::*;
use shopdesk_shopify_sim::{seed_shop, SimConfig};

fn demo() -> ShopState {
    seed_shop(&SimConfig::demo()).expect("demo seeds")
}

/// Every value of a Rust enum mapped to a GraphQL enum exists in Shopify's schema.
fn assert_enum_in_schema<E: SchemaEnum>() {
    let schema = shopdesk_shopify_schema::schema();
    let definition = schema
        .get_enum(E::TYPE_NAME)
        .unwrap_or_else(|| panic!("enum {} not in schema", E::TYPE_NAME));
    for value in E::ALL {
        assert!(
            definition.values.contains_key(value.as_graphql()),
            "{} has no value {}",
            E::TYPE_NAME,
            value.as_graphql()
        );
    }
}

#[test]
fn every_enum_value_the_seed_can_produce_exists_in_the_schema() {
    assert_enum_in_schema::<FinancialStatus>();
    assert_enum_in_schema::<FulfillmentStatus>();
    assert_enum_in_schema::<FulfillmentDisplayStatus>();
    assert_enum_in_schema::<FulfillmentState>();
    assert_enum_in_schema::<CancelReason>();
    assert_enum_in_schema::<CustomerState>();
    assert_enum_in_schema::<EmailMarketingState>();
    assert_enum_in_schema::<RestockType>();
    assert_enum_in_schema::<CountPrecision>();

    let schema = shopdesk_shopify_schema::schema();
    let currencies = &schema.get_enum("CurrencyCode").unwrap().values;
    let state = seed_shop(&SimConfig::sized(3, 200, 2000)).unwrap();
    assert!(currencies.contains_key(state.shop.currency.code()));
    for order in &state.orders {
        assert!(currencies.contains_key(order.presentment_currency.code()));
    }
    let countries = &schema.get_enum("CountryCode").unwrap().values;
    for customer in &state.customers {
        let address = customer.default_address.as_ref().unwrap();
        assert!(countries.contains_key(address.country_code.as_str()));
    }
}

#[test]
fn same_seed_same_store() {
    let a = serde_json::to_string(&demo()).unwrap();
    let b = serde_json::to_string(&demo()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn demo_store_is_varied_and_realistic() {
    let state = demo();
    assert_eq!(state.customers.len(), 40);
    assert_eq!(state.orders.len(), 120);
    assert_eq!(state.shop.currency.code(), "EUR");
    assert_eq!(state.orders[0].name(), "#1001");

    let statuses: HashSet<&str> = state
        .orders
        .iter()
        .map(|o| o.financial_status().as_graphql())
        .collect();
    for expected in ["PAID", "PARTIALLY_REFUNDED", "PENDING", "AUTHORIZED"] {
        assert!(
            statuses.contains(expected),
            "no {expected} order in {statuses:?}"
        );
    }
    let fulfillment: HashSet<&str> = state
        .orders
        .iter()
        .map(|o| o.fulfillment_status().as_graphql())
        .collect();
    for expected in ["FULFILLED", "UNFULFILLED", "PARTIALLY_FULFILLED"] {
        assert!(fulfillment.contains(expected), "no {expected} order");
    }
    assert!(state.orders.iter().any(|o| o.cancelled_at.is_some()));
    assert!(state
        .orders
        .iter()
        .any(|o| o.presentment_currency != state.shop.currency));
    assert!(state.customers.iter().any(|c| c.order_indexes.is_empty()));
    assert!(state
        .customers
        .iter()
        .any(|c| !c.first_name.is_ascii() || !c.last_name.is_ascii()));
    let domains: HashSet<&str> = state
        .customers
        .iter()
        .filter_map(|c| c.email.as_deref()?.split('@').nth(1))
        .collect();
    assert!(domains.len() >= 5, "varied e-mail domains: {domains:?}");
    let emails: Vec<&str> = state
        .customers
        .iter()
        .filter_map(|c| c.email.as_deref())
        .collect();
    assert_eq!(
        emails.len(),
        emails.iter().collect::<HashSet<_>>().len(),
        "unique e-mails"
    );
}

#[test]
fn orders_are_internally_consistent() {
    let state = seed_shop(&SimConfig::sized(11, 300, 3000)).unwrap();
    let mut previous_created = i64::MIN;
    for (index, order) in state.orders.iter().enumerate() {
        assert_eq!(order.number as usize, 1001 + index);
        assert!(
            order.created_at >= previous_created,
            "numbers grow with time"
        );
        previous_created = order.created_at;
        assert!(order.updated_at >= order.created_at);
        assert!(order.updated_at <= shopdesk_shopify_sim::SEED_EPOCH);
        assert!((1..=4).contains(&order.line_items.len()));
        let customer = state.customer_at(order.customer.unwrap()).unwrap();
        assert!(customer.created_at <= order.created_at);
        assert!(customer.order_indexes.contains(&(index as u32)));

        for line in &order.line_items {
            assert!(line.refunded_quantity <= line.quantity);
            assert!(line.fulfilled_quantity <= line.quantity);
            let refunded: u32 = order
                .refunds
                .iter()
                .flat_map(|r| &r.line_items)
                .filter(|rl| order.line_items[rl.line_item as usize].legacy_id == line.legacy_id)
                .map(|rl| rl.quantity)
                .sum();
            assert_eq!(refunded, line.refunded_quantity);
            let fulfilled: u32 = order
                .fulfillments
                .iter()
                .flat_map(|f| &f.line_items)
                .filter(|fl| {
                    fl.line_item as usize
                        == order
                            .line_items
                            .iter()
                            .position(|l| l.legacy_id == line.legacy_id)
                            .unwrap()
                })
                .map(|fl| fl.quantity)
                .sum();
            assert_eq!(fulfilled, line.fulfilled_quantity);
        }
        assert!(
            order.total_refunded() <= order.total_price(),
            "no refund above the total"
        );
        if order.financial_status() == FinancialStatus::Refunded {
            assert_eq!(order.total_refunded(), order.total_price());
        }
        if order.cancelled_at.is_some() {
            assert!(order.fulfillments.is_empty());
            assert!(order
                .line_items
                .iter()
                .all(|l| l.current_quantity() == 0 || order.payment != PaymentState::Paid));
        }
        // Amounts have at most the currency's decimals.
        let minor = state.shop.currency.minor_units();
        assert!(order.total_price().normalize().scale() <= minor);
        assert!(
            order
                .to_presentment(order.total_price())
                .normalize()
                .scale()
                <= order.presentment_currency.minor_units()
        );
    }
    let spent: Decimal = state.customers.iter().map(|c| state.amount_spent(c)).sum();
    let net: Decimal = state.orders.iter().map(|o| o.net_payment()).sum();
    assert_eq!(spent, net);
}

#[test]
fn other_shop_currencies_seed() {
    for currency in ["USD", "JPY", "GBP", "CHF"] {
        let config = SimConfig {
            currency: currency.into(),
            ..SimConfig::sized(5, 30, 100)
        };
        let state = seed_shop(&config).unwrap();
        assert_eq!(state.shop.currency.code(), currency);
        if currency == "JPY" {
            assert!(state
                .orders
                .iter()
                .all(|o| o.total_price().normalize().scale() == 0));
        }
    }
    let bad = SimConfig {
        currency: "XXQ".into(),
        ..SimConfig::demo()
    };
    assert!(seed_shop(&bad).is_err());
}
