//! The demo mailbox: ~25 support conversations of a coffee-equipment shop, written for the demo
//! store's real customers and their real orders, as raw RFC 5322 mails in the order a mailbox
//! would receive them. The same store and seed always give the same bytes.

mod assets;
mod compose;
mod scenarios;
mod thread_writer;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use shopdesk_store::Store;

use crate::MailError;

use compose::Person;
use thread_writer::{DemoCustomer, DemoOrder, ThreadWriter};

/// Every demo date lies in the ten days before this instant.
pub const DEMO_EPOCH: &str = "2026-11-28T12:00:00Z";
const DEMO_SPAN_SECONDS: i64 = 10 * 24 * 3600;
/// Orders a thread may be about: one of the customer's latest few.
const RECENT_ORDERS: usize = 3;
/// Products a scenario may name; the thread then picks an order that holds one.
const PRODUCT_WORDS: &[&str] = &["grinder", "kettle", "basket", "espresso machine", "beans"];

/// Generates the demo mailbox from the customers and orders already in `store`.
pub fn demo_mailbox(
    store: &Store,
    seed: u64,
    support_address: &str,
) -> Result<Vec<Vec<u8>>, MailError> {
    let epoch = crate::timefmt::unix_from_rfc3339(DEMO_EPOCH)
        .ok_or_else(|| MailError::InvalidIngestTime(DEMO_EPOCH.to_string()))?;
    let shop_name = store
        .shop()?
        .map(|shop| shop.name)
        .unwrap_or_else(|| "Our shop".to_string());
    let mut cast = demo_customers(store)?;
    if cast.is_empty() {
        return Err(MailError::DemoStoreEmpty);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    cast.shuffle(&mut rng);

    let shop = Person {
        name: shop_name.clone(),
        address: support_address.trim().to_string(),
    };
    let stranger = stranger(store)?;
    let mut received = Vec::new();
    for (index, scenario) in scenarios::SCENARIOS.iter().enumerate() {
        let customer = &cast[index % cast.len()];
        let (order, product) = pick_order(customer, scenario, &mut rng);
        let writer = ThreadWriter {
            scenario,
            shop: &shop,
            shop_name: &shop_name,
            customer,
            order,
            product,
            stranger: &stranger,
            epoch,
            span_seconds: DEMO_SPAN_SECONDS,
        };
        for (step, (date, raw)) in writer.write(&mut rng)?.into_iter().enumerate() {
            received.push((date, index, step, raw));
        }
    }
    received.sort_by_key(|(date, thread, step, _)| (*date, *thread, *step));
    Ok(received.into_iter().map(|(_, _, _, raw)| raw).collect())
}

/// The order a conversation is about: one holding the product the scenario talks about (a
/// grinder, a kettle...) when the customer has one, else one of their latest.
fn pick_order<'c>(
    customer: &'c DemoCustomer,
    scenario: &scenarios::Scenario,
    rng: &mut ChaCha8Rng,
) -> (&'c DemoOrder, &'c str) {
    let about = format!("{} {}", scenario.subject, scenario.steps[0].text).to_lowercase();
    let hint = PRODUCT_WORDS.iter().find(|word| about.contains(*word));
    let matching = hint.and_then(|hint| {
        customer.orders.iter().find_map(|order| {
            let product = order
                .products
                .iter()
                .find(|p| p.to_lowercase().contains(hint))?;
            Some((order, product.as_str()))
        })
    });
    // Drawn even when unused, so that one scenario's match does not shift later threads.
    let recent = rng.random_range(0..customer.orders.len().min(RECENT_ORDERS));
    matching.unwrap_or_else(|| {
        let order = &customer.orders[recent];
        let product = order.products.first().map_or("order", String::as_str);
        (order, product)
    })
}

/// Customers with an address and at least one order, ordered by id (the store's order), so
/// that the shuffle above alone decides who writes.
fn demo_customers(store: &Store) -> Result<Vec<DemoCustomer>, MailError> {
    let mut cast = Vec::new();
    for customer in store.customers()? {
        let Some(email) = customer.email.clone().filter(|e| e.contains('@')) else {
            continue;
        };
        let orders: Vec<DemoOrder> = store
            .orders_for_customer(&customer.id)?
            .iter()
            .map(DemoOrder::from_record)
            .collect();
        if orders.is_empty() {
            continue;
        }
        let first_name = customer
            .first_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .or_else(|| {
                customer
                    .display_name
                    .split_whitespace()
                    .next()
                    .map(String::from)
            })
            .unwrap_or_else(|| "there".to_string());
        cast.push(DemoCustomer {
            person: Person {
                name: customer.display_name.clone(),
                address: email,
            },
            first_name,
            orders,
        });
    }
    Ok(cast)
}

/// Someone who is not a customer: an address the store does not know.
fn stranger(store: &Store) -> Result<Person, MailError> {
    let mut address = "ingrid.solberg@fjordpost.example".to_string();
    let mut suffix = 1;
    while store.customer_by_email(&address)?.is_some() {
        suffix += 1;
        address = format!("ingrid.solberg{suffix}@fjordpost.example");
    }
    Ok(Person {
        name: "Ingrid Solberg".to_string(),
        address,
    })
}
