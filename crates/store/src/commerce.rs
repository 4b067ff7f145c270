//! Shops, customers and orders (with line items, fulfillments and refunds).

use rusqlite::{params, OptionalExtension, Row, Transaction};
use shopdesk_money::{Currency, Money};

use crate::gid::{gid, lookup, number, Kind};
use crate::order_rows::OrderRow;
use crate::order_writer::OrderWriter;
use crate::sync_state::{write_checkpoint, SyncCheckpoint};
use crate::{
    CustomerRecord, FulfillmentRecord, LineItemRecord, OrderRecord, RefundRecord, Result,
    ShopRecord, Store, StoreError, TrackingRecord,
};

impl Store {
    pub fn upsert_shop(&mut self, shop: &ShopRecord) -> Result<()> {
        self.conn().execute(
            "INSERT INTO shops (id, domain, name, currency_code) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(id) DO UPDATE SET domain = excluded.domain, name = excluded.name,
                 currency_code = excluded.currency_code",
            params![shop.id, shop.domain, shop.name, shop.currency.code()],
        )?;
        Ok(())
    }

    pub fn shop(&self) -> Result<Option<ShopRecord>> {
        self.conn()
            .query_row(
                "SELECT id, domain, name, currency_code FROM shops ORDER BY rowid LIMIT 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()?
            .map(|(id, domain, name, currency)| {
                Ok(ShopRecord {
                    id,
                    domain,
                    name,
                    currency: parse_currency(&currency)?,
                })
            })
            .transpose()
    }

    /// Writes a page of customers and, in the same transaction, where the sync stands.
    pub fn upsert_customers_page(
        &mut self,
        customers: &[CustomerRecord],
        checkpoint: Option<&SyncCheckpoint>,
    ) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        for customer in customers {
            upsert_customer(&tx, customer)?;
        }
        if let Some(checkpoint) = checkpoint {
            write_checkpoint(&tx, checkpoint)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Writes a page of orders, each replacing its previous line items, fulfillments and
    /// refunds, and where the sync stands, in one transaction.
    pub fn upsert_orders_page(
        &mut self,
        orders: &[OrderRecord],
        checkpoint: Option<&SyncCheckpoint>,
    ) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        {
            let mut writer = OrderWriter::new(&tx)?;
            for order in orders {
                writer.write(&OrderRow::new(order.clone())?)?;
            }
        }
        if let Some(checkpoint) = checkpoint {
            write_checkpoint(&tx, checkpoint)?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn customer(&self, id: &str) -> Result<Option<CustomerRecord>> {
        let Some(id) = lookup(Kind::Customer, id) else {
            return Ok(None);
        };
        self.conn()
            .query_row(
                &format!("SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = ?1"),
                [id],
                customer_from_row,
            )
            .optional()?
            .transpose()
    }

    pub fn customer_by_email(&self, email: &str) -> Result<Option<CustomerRecord>> {
        self.conn()
            .query_row(
                &format!(
                    "SELECT {CUSTOMER_COLUMNS} FROM customers WHERE email = ?1
                     ORDER BY updated_at DESC LIMIT 1"
                ),
                [email.trim()],
                customer_from_row,
            )
            .optional()?
            .transpose()
    }

    pub fn customers_count(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM customers", [], |r| r.get(0))?)
    }

    pub fn orders_count(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))?)
    }

    /// Every customer, for the demo mailbox and for checks; ordered by id.
    pub fn customers(&self) -> Result<Vec<CustomerRecord>> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {CUSTOMER_COLUMNS} FROM customers ORDER BY id"
        ))?;
        let rows = stmt.query_map([], customer_from_row)?;
        rows.map(|r| r?).collect()
    }

    pub fn order(&self, id: &str) -> Result<Option<OrderRecord>> {
        let Some(id) = lookup(Kind::Order, id) else {
            return Ok(None);
        };
        let header = self
            .conn()
            .query_row(
                &format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?1"),
                [id],
                order_header_from_row,
            )
            .optional()?
            .transpose()?;
        header.map(|order| self.with_children(order)).transpose()
    }

    /// Ids of orders by name ("#1001"), for linking tickets to the orders they mention.
    pub fn order_ids_by_names(&self, names: &[String]) -> Result<Vec<(String, String)>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT name, id FROM orders WHERE name = ?1")?;
        let mut found = Vec::new();
        for name in names {
            let mut rows = stmt.query([name])?;
            while let Some(row) = rows.next()? {
                found.push((row.get(0)?, gid(Kind::Order, row.get(1)?)));
            }
        }
        Ok(found)
    }

    /// A customer's orders with their details, newest first.
    pub fn orders_for_customer(&self, customer_id: &str) -> Result<Vec<OrderRecord>> {
        let Some(customer_id) = lookup(Kind::Customer, customer_id) else {
            return Ok(Vec::new());
        };
        let headers = {
            let mut stmt = self.conn().prepare(&format!(
                "SELECT {ORDER_COLUMNS} FROM orders WHERE customer_id = ?1
                 ORDER BY processed_at DESC, id DESC"
            ))?;
            let rows = stmt.query_map([customer_id], order_header_from_row)?;
            rows.map(|r| r?).collect::<Result<Vec<_>>>()?
        };
        headers.into_iter().map(|o| self.with_children(o)).collect()
    }

    /// Every order with its details, ordered by id; for tests and reconciliation.
    pub fn orders(&self) -> Result<Vec<OrderRecord>> {
        let headers = {
            let mut stmt = self
                .conn()
                .prepare(&format!("SELECT {ORDER_COLUMNS} FROM orders ORDER BY id"))?;
            let rows = stmt.query_map([], order_header_from_row)?;
            rows.map(|r| r?).collect::<Result<Vec<_>>>()?
        };
        headers.into_iter().map(|o| self.with_children(o)).collect()
    }

    fn with_children(&self, mut order: OrderRecord) -> Result<OrderRecord> {
        let conn = self.conn();
        let order_id = number(Kind::Order, &order.id)?;
        let mut stmt = conn.prepare_cached(
            "SELECT id, name, sku, variant_title, quantity, current_quantity, refundable_quantity,
                    unfulfilled_quantity, unit_price_amount, currency_code, variant_id, product_id
             FROM line_items WHERE order_id = ?1 ORDER BY position",
        )?;
        let items = stmt.query_map([order_id], |r| {
            Ok((
                LineItemRecord {
                    id: gid(Kind::LineItem, r.get(0)?),
                    name: r.get(1)?,
                    sku: r.get(2)?,
                    variant_title: r.get(3)?,
                    quantity: r.get(4)?,
                    current_quantity: r.get(5)?,
                    refundable_quantity: r.get(6)?,
                    unfulfilled_quantity: r.get(7)?,
                    unit_price: Money::zero(order.total.currency),
                    variant_id: r.get(10)?,
                    product_id: r.get(11)?,
                },
                r.get::<_, String>(8)?,
                r.get::<_, String>(9)?,
            ))
        })?;
        for item in items {
            let (mut item, amount, currency) = item?;
            item.unit_price = Money::parse(&amount, &currency)?;
            order.line_items.push(item);
        }

        let mut stmt = conn.prepare_cached(
            "SELECT id, status, display_status, created_at, delivered_at
             FROM fulfillments WHERE order_id = ?1 ORDER BY created_at, id",
        )?;
        let fulfillments = stmt.query_map([order_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                FulfillmentRecord {
                    id: gid(Kind::Fulfillment, r.get(0)?),
                    status: r.get(1)?,
                    display_status: r.get(2)?,
                    created_at: r.get(3)?,
                    delivered_at: r.get(4)?,
                    tracking: Vec::new(),
                },
            ))
        })?;
        let mut tracking_stmt = conn.prepare_cached(
            "SELECT company, number, url FROM fulfillment_tracking
             WHERE fulfillment_id = ?1 ORDER BY position",
        )?;
        for fulfillment in fulfillments {
            let (fulfillment_id, mut fulfillment) = fulfillment?;
            let tracking = tracking_stmt.query_map([fulfillment_id], |r| {
                Ok(TrackingRecord {
                    company: r.get(0)?,
                    number: r.get(1)?,
                    url: r.get(2)?,
                })
            })?;
            fulfillment.tracking = tracking.collect::<rusqlite::Result<_>>()?;
            order.fulfillments.push(fulfillment);
        }

        let mut stmt = conn.prepare_cached(
            "SELECT id, created_at, note, amount, currency_code
             FROM refunds WHERE order_id = ?1 ORDER BY created_at, id",
        )?;
        let refunds = stmt.query_map([order_id], |r| {
            Ok((
                gid(Kind::Refund, r.get(0)?),
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        for refund in refunds {
            let (id, created_at, note, amount, currency) = refund?;
            order.refunds.push(RefundRecord {
                id,
                created_at,
                note,
                amount: Money::parse(&amount, &currency)?,
            });
        }
        Ok(order)
    }
}

const CUSTOMER_COLUMNS: &str = "id, shop_id, display_name, first_name, last_name, email, phone,
    number_of_orders, amount_spent, amount_spent_currency, tags, note, created_at, updated_at";

fn customer_from_row(r: &Row<'_>) -> rusqlite::Result<Result<CustomerRecord>> {
    let amount: String = r.get(8)?;
    let currency: String = r.get(9)?;
    let amount_spent = match Money::parse(&amount, &currency) {
        Ok(money) => money,
        Err(e) => return Ok(Err(e.into())),
    };
    let tags: String = r.get(10)?;
    Ok(Ok(CustomerRecord {
        id: gid(Kind::Customer, r.get(0)?),
        shop_id: r.get(1)?,
        display_name: r.get(2)?,
        first_name: r.get(3)?,
        last_name: r.get(4)?,
        email: r.get(5)?,
        phone: r.get(6)?,
        number_of_orders: r.get(7)?,
        amount_spent,
        tags: split_tags(&tags),
        note: r.get(11)?,
        created_at: r.get(12)?,
        updated_at: r.get(13)?,
    }))
}

pub(crate) fn upsert_customer(tx: &Transaction<'_>, c: &CustomerRecord) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO customers (id, shop_id, display_name, first_name, last_name, email, phone,
             number_of_orders, amount_spent, amount_spent_currency, tags, note, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         ON CONFLICT(id) DO UPDATE SET shop_id = excluded.shop_id,
             display_name = excluded.display_name, first_name = excluded.first_name,
             last_name = excluded.last_name, email = excluded.email, phone = excluded.phone,
             number_of_orders = excluded.number_of_orders, amount_spent = excluded.amount_spent,
             amount_spent_currency = excluded.amount_spent_currency, tags = excluded.tags,
             note = excluded.note, created_at = excluded.created_at,
             updated_at = excluded.updated_at
         WHERE excluded.updated_at >= customers.updated_at",
    )?
    .execute(params![
        number(Kind::Customer, &c.id)?,
        c.shop_id,
        c.display_name,
        c.first_name,
        c.last_name,
        c.email,
        c.phone,
        c.number_of_orders,
        c.amount_spent.amount.to_string(),
        c.amount_spent.currency.code(),
        c.tags.join(", "),
        c.note,
        c.created_at,
        c.updated_at,
    ])?;
    Ok(())
}

const ORDER_COLUMNS: &str = "id, shop_id, customer_id, name, email, created_at, processed_at,
    updated_at, cancelled_at, cancel_reason, closed_at, financial_status, fulfillment_status,
    currency_code, presentment_currency_code, subtotal_amount, shipping_amount, tax_amount,
    total_amount, current_total_amount, refunded_amount, presentment_total_amount, note, tags,
    shipping_address, status_page_url";

fn order_header_from_row(r: &Row<'_>) -> rusqlite::Result<Result<OrderRecord>> {
    let text = |i: usize| r.get::<_, String>(i);
    let currency = text(13)?;
    let presentment = text(14)?;
    let amounts = [
        text(15)?,
        text(16)?,
        text(17)?,
        text(18)?,
        text(19)?,
        text(20)?,
    ];
    let presentment_total = text(21)?;
    let tags = text(23)?;
    let address: Option<String> = r.get(24)?;
    let header = (|| -> Result<OrderRecord> {
        let money = |amount: &str| Money::parse(amount, &currency);
        Ok(OrderRecord {
            id: gid(Kind::Order, r.get(0)?),
            shop_id: text(1)?,
            customer_id: r.get::<_, Option<i64>>(2)?.map(|n| gid(Kind::Customer, n)),
            name: text(3)?,
            email: r.get(4)?,
            created_at: text(5)?,
            processed_at: text(6)?,
            updated_at: text(7)?,
            cancelled_at: r.get(8)?,
            cancel_reason: r.get(9)?,
            closed_at: r.get(10)?,
            financial_status: text(11)?,
            fulfillment_status: text(12)?,
            presentment_currency: parse_currency(&presentment)?,
            subtotal: money(&amounts[0])?,
            shipping: money(&amounts[1])?,
            tax: money(&amounts[2])?,
            total: money(&amounts[3])?,
            current_total: money(&amounts[4])?,
            refunded: money(&amounts[5])?,
            presentment_total: Money::parse(&presentment_total, &presentment)?,
            note: r.get(22)?,
            tags: split_tags(&tags),
            shipping_address: address
                .map(|a| serde_json::from_str(&a))
                .transpose()
                .map_err(|e| StoreError::Corrupt {
                    what: "shipping address",
                    detail: e.to_string(),
                })?,
            status_page_url: r.get(25)?,
            line_items: Vec::new(),
            fulfillments: Vec::new(),
            refunds: Vec::new(),
        })
    })();
    Ok(header)
}

fn split_tags(tags: &str) -> Vec<String> {
    tags.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}

fn parse_currency(code: &str) -> Result<Currency> {
    Ok(code.parse::<Currency>()?)
}
