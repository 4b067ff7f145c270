//! Fetching records page by page: the typed queries plus mapping into store records.

use serde::Deserialize;
use shopdesk_store::{CustomerRecord, OrderRecord, ShopRecord};

use crate::mapping::{customer_record, order_record, same_fragment, shop_record, MappingError};
use crate::queries::{
    customer_orders, customers_page, order_line_items_page, orders_page, shop, CustomerOrders,
    CustomersPage, OrderLineItemsPage, OrdersPage, Shop,
};
use crate::{ShopifyClient, ShopifyError};

/// Customers per CustomersPage request: 2 + 200 x 4 = 802 points (customers_page.graphql).
pub const CUSTOMERS_PAGE_SIZE: i64 = 200;
/// Orders per OrdersPage or CustomerOrders request: 2 + 8 x 117 = 938 points
/// (orders_page.graphql); 25 orders with their details would cost 2,927, over the 1,000 cap.
pub const ORDERS_PAGE_SIZE: i64 = 8;
/// A customer's orders refreshed when a ticket opens, at most (newest first).
pub const CUSTOMER_ORDERS_LIMIT: usize = 200;

/// One page of records, mapped. Records that could not be mapped are in `rejected`; the
/// cursor still moves past them.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub records: Vec<T>,
    pub rejected: Vec<MappingError>,
    /// Pass it as `after` to get the next page.
    pub end_cursor: Option<String>,
    pub has_next_page: bool,
    /// The highest `updatedAt` on the page, rejected records included.
    pub max_updated_at: Option<String>,
    /// GraphQL requests this page took (more than one when orders have over 10 line items).
    pub requests: u32,
}

/// A customer and their orders, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerWithOrders {
    /// `None` when the customer itself could not be mapped (it is then in `rejected`).
    pub customer: Option<CustomerRecord>,
    pub orders: Vec<OrderRecord>,
    pub rejected: Vec<MappingError>,
    pub requests: u32,
}

impl ShopifyClient {
    pub async fn fetch_shop(&self) -> Result<ShopRecord, ShopifyError> {
        let data = self.execute::<Shop>(shop::Variables).await?;
        Ok(shop_record(&data.shop)?)
    }

    /// A page of customers, oldest change first. `query` is Shopify search syntax
    /// (`updated_at:>='2026-11-20T10:00:00Z'`), `None` for all.
    pub async fn fetch_customers_page(
        &self,
        shop_id: &str,
        after: Option<&str>,
        query: Option<&str>,
    ) -> Result<Page<CustomerRecord>, ShopifyError> {
        let variables = customers_page::Variables {
            first: CUSTOMERS_PAGE_SIZE,
            after: after.map(str::to_owned),
            query: query.map(str::to_owned),
        };
        let connection = self
            .execute_as::<CustomersPage, RawCustomers>(variables)
            .await?
            .customers;
        let mut page = Page::empty(
            connection.page_info.end_cursor,
            connection.page_info.has_next_page,
        );
        for node in connection.nodes {
            page.saw_raw_updated_at(&node);
            let fields = serde_json::from_value::<customers_page::CustomerFields>(node.clone())
                .map_err(|e| unreadable("customer", "displayName", &node, e));
            match fields.and_then(|fields| customer_record(shop_id, &fields)) {
                Ok(record) => page.records.push(record),
                Err(error) => page.rejected.push(error),
            }
        }
        Ok(page)
    }

    /// A page of orders with their details, oldest change first; orders with more than one
    /// page of line items are completed with OrderLineItemsPage before they are returned.
    pub async fn fetch_orders_page(
        &self,
        shop_id: &str,
        after: Option<&str>,
        query: Option<&str>,
    ) -> Result<Page<OrderRecord>, ShopifyError> {
        let variables = orders_page::Variables {
            first: ORDERS_PAGE_SIZE,
            after: after.map(str::to_owned),
            query: query.map(str::to_owned),
        };
        let connection = self
            .execute_as::<OrdersPage, RawOrders>(variables)
            .await?
            .orders;
        let mut page = Page::empty(
            connection.page_info.end_cursor,
            connection.page_info.has_next_page,
        );
        for node in connection.nodes {
            page.saw_raw_updated_at(&node);
            let fields = match serde_json::from_value::<orders_page::OrderFields>(node.clone()) {
                Ok(fields) => fields,
                Err(e) => {
                    page.rejected.push(unreadable("order", "name", &node, e));
                    continue;
                }
            };
            let (mapped, requests) = self.complete_order(shop_id, fields).await?;
            page.requests += requests;
            match mapped {
                Ok(record) => page.records.push(record),
                Err(error) => page.rejected.push(error),
            }
        }
        Ok(page)
    }

    /// A customer with all their orders (up to [`CUSTOMER_ORDERS_LIMIT`], newest first);
    /// `None` when Shopify has no such customer (deleted or merged).
    pub async fn fetch_customer_orders(
        &self,
        shop_id: &str,
        customer_id: &str,
    ) -> Result<Option<CustomerWithOrders>, ShopifyError> {
        let mut result = CustomerWithOrders {
            customer: None,
            orders: Vec::new(),
            rejected: Vec::new(),
            requests: 0,
        };
        let mut after = None;
        loop {
            let first_page = after.is_none();
            let variables = customer_orders::Variables {
                id: customer_id.to_string(),
                first: ORDERS_PAGE_SIZE,
                after: after.take(),
            };
            result.requests += 1;
            let Some(customer) = self.execute::<CustomerOrders>(variables).await?.customer else {
                return Ok(None);
            };
            if first_page {
                let fields: customers_page::CustomerFields =
                    convert("CustomerOrders", &customer.customer_fields)?;
                match customer_record(shop_id, &fields) {
                    Ok(record) => result.customer = Some(record),
                    Err(error) => result.rejected.push(error),
                }
            }
            for node in &customer.orders.nodes {
                let order: orders_page::OrderFields = convert("CustomerOrders", node)?;
                let (mapped, requests) = self.complete_order(shop_id, order).await?;
                result.requests += requests;
                match mapped {
                    Ok(record) => result.orders.push(record),
                    Err(error) => result.rejected.push(error),
                }
            }
            let page_info = customer.orders.page_info;
            if !page_info.has_next_page || result.orders.len() >= CUSTOMER_ORDERS_LIMIT {
                return Ok(Some(result));
            }
            after = page_info.end_cursor;
        }
    }

    /// Maps an order, first fetching the line items beyond its first page. Returns the
    /// mapping result and the number of extra requests made.
    async fn complete_order(
        &self,
        shop_id: &str,
        order: orders_page::OrderFields,
    ) -> Result<(Result<OrderRecord, MappingError>, u32), ShopifyError> {
        let mut more_line_items = Vec::new();
        let mut requests = 0;
        let mut page_info = order.line_items.page_info.clone();
        while page_info.has_next_page {
            requests += 1;
            let variables = order_line_items_page::Variables {
                id: order.id.clone(),
                after: page_info.end_cursor.clone(),
            };
            let Some(found) = self.execute::<OrderLineItemsPage>(variables).await?.order else {
                let gone = MappingError::new(
                    format!("order {} ({})", order.name, order.id),
                    "it was deleted while its line items were being read",
                );
                return Ok((Err(gone), requests));
            };
            for item in &found.line_items.nodes {
                more_line_items.push(convert("OrderLineItemsPage", item)?);
            }
            page_info = orders_page::OrderFieldsLineItemsPageInfo {
                has_next_page: found.line_items.page_info.has_next_page,
                end_cursor: found.line_items.page_info.end_cursor,
            };
        }
        Ok((order_record(shop_id, order, more_line_items), requests))
    }
}

/// A connection whose nodes are kept as JSON, to be read one by one: a record Shopdesk cannot
/// read is then reported by name instead of failing its whole page.
#[derive(Deserialize)]
struct RawConnection {
    nodes: Vec<serde_json::Value>,
    #[serde(rename = "pageInfo")]
    page_info: RawPageInfo,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPageInfo {
    has_next_page: bool,
    end_cursor: Option<String>,
}

#[derive(Deserialize)]
struct RawOrders {
    orders: RawConnection,
}

#[derive(Deserialize)]
struct RawCustomers {
    customers: RawConnection,
}

/// A record whose JSON does not have the expected shape (a field missing, a wrong type),
/// named as well as its JSON allows: `order #1001 (gid://shopify/Order/1)`.
fn unreadable(
    kind: &str,
    label_field: &str,
    node: &serde_json::Value,
    error: serde_json::Error,
) -> MappingError {
    let text = |key: &str| node.get(key).and_then(|v| v.as_str()).unwrap_or("?");
    MappingError::new(
        format!("{kind} {} ({})", text(label_field), text("id")),
        format!("its data is not in the expected form ({error})"),
    )
}

impl<T> Page<T> {
    pub(crate) fn empty(end_cursor: Option<String>, has_next_page: bool) -> Self {
        Page {
            records: Vec::new(),
            rejected: Vec::new(),
            end_cursor,
            has_next_page,
            max_updated_at: None,
            requests: 1,
        }
    }

    fn saw_raw_updated_at(&mut self, node: &serde_json::Value) {
        if let Some(updated_at) = node.get("updatedAt").and_then(|v| v.as_str()) {
            self.saw_updated_at(updated_at);
        }
    }

    /// RFC 3339 UTC timestamps compare as text.
    pub(crate) fn saw_updated_at(&mut self, updated_at: &str) {
        if self.max_updated_at.as_deref() < Some(updated_at) {
            self.max_updated_at = Some(updated_at.to_string());
        }
    }
}

/// The same fragment generated in two modules (see [`same_fragment`]); a failure means the
/// copies in the documents differ, which tests/documents.rs prevents.
fn convert<From: serde::Serialize, To: serde::de::DeserializeOwned>(
    query: &'static str,
    value: &From,
) -> Result<To, ShopifyError> {
    same_fragment(value).map_err(|e| ShopifyError::Decode {
        query,
        detail: format!("a shared fragment does not match ({e})"),
    })
}
