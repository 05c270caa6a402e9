//! Orders and payments (issue 6): CRUD with change-log rows, the editable status list, the order
//! settings, a client card's totals, and the in-memory copy of the orders the analyses
//! (`orders/analyses.rs`) and the "lost clients" list run on.
//!
//! # Sync
//! `orders` and `order_statuses` are synced tables: an insert logs every column, a local edit
//! the changed columns (plus `updated_at`), delete/restore the soft `deleted_at`. The seeded
//! statuses (fixed ids) are not logged, like the seeded categories.
//!
//! # Card totals
//! Read by one range of the covering index `orders_client (client_id, deleted_at, date, kind,
//! status_id, currency, amount)`: no table rows, no maintained summary that could drift.
//!
//! # In-memory orders
//! The analyses and the lost list need every client's orders at once. The first such request
//! loads the live, counting orders of the base currency (client as a small integer, day number,
//! amount, kind: 24 bytes each, sorted by day) from the covering index `orders_date`; every order
//! write, status change, currency change or demo load drops the copy ([`Store::invalidate_orders`];
//! other writers of `orders` — sync, imports — must call it too). Analyses then cost a pass over
//! the array (a few ms per million orders).

mod analyses;
mod demo;
pub mod import;
mod memory;
mod settings;

use super::{log_change, new_id, save_clock, Store};
use crate::error::{FieldError, StoreError};
use crate::orders_model::*;
use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

pub use analyses::analysis_csv;
pub(crate) use demo::delete_demo_orders;
pub(crate) use memory::{client_brief, Live, Mem};
pub(crate) use settings::{read_order_settings, thresholds, tier_of};

/// Seeded status ids (migration 0008).
pub const STATUS_NEW: &str = "00000000-0000-7000-8004-000000000001";
pub const STATUS_PAID: &str = "00000000-0000-7000-8004-000000000002";
pub const STATUS_SHIPPED: &str = "00000000-0000-7000-8004-000000000003";
pub const STATUS_DELIVERED: &str = "00000000-0000-7000-8004-000000000004";
pub const STATUS_CANCELLED: &str = "00000000-0000-7000-8004-000000000005";

/// Largest amount accepted (minor units): 10^13, i.e. 100 billion in a two-decimal currency, so
/// sums over millions of orders stay far from i64 overflow.
pub const MAX_AMOUNT: i64 = 10_000_000_000_000;

/// Days since 0001-01-01 (chrono's "days from CE") of a `YYYY-MM-DD` date.
pub(crate) fn day_of(date: &str) -> Option<i32> {
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .map(|d| d.num_days_from_ce())
}

pub(crate) fn date_of(day: i32) -> String {
    NaiveDate::from_num_days_from_ce_opt(day)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// What the store keeps between requests: the in-memory orders and the caches derived from them.
#[derive(Default)]
pub struct OrdersState {
    pub(crate) mem: Option<Arc<Mem>>,
    pub(crate) churn: Option<(analyses::ChurnKey, Arc<analyses::ChurnFit>)>,
    pub(crate) segment: Option<(SegmentFilter, i64, Arc<std::collections::HashSet<String>>)>,
    /// Live flags over the in-memory client numbers, and the live clients without orders, as of
    /// a change-log position ([`Store::write_seq`]).
    pub(crate) live: Option<(i64, Arc<Live>)>,
    /// The last analysis computed (its pages are slices of it).
    pub(crate) computed: Option<(analyses::ComputeKey, i64, Arc<analyses::Computed>)>,
    /// The last client list filtered by a segment (offset and limit zeroed in the key).
    pub(crate) list: Option<(
        crate::model::ListQuery,
        i64,
        Arc<Vec<crate::model::ClientSummary>>,
    )>,
}

const ORDER_COLS: &str = "id, client_id, kind, date, amount, currency, status_id, items, note, owner, created_at, updated_at, deleted_at";

fn read_order(r: &Row<'_>) -> rusqlite::Result<Order> {
    let kind: String = r.get(2)?;
    let items: String = r.get(7)?;
    Ok(Order {
        id: r.get(0)?,
        client_id: r.get(1)?,
        kind: if kind == "payment" {
            OrderKind::Payment
        } else {
            OrderKind::Order
        },
        date: r.get(3)?,
        amount: r.get(4)?,
        currency: r.get(5)?,
        status_id: r.get(6)?,
        items: serde_json::from_str(&items).unwrap_or_default(),
        note: r.get(8)?,
        owner: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
        deleted_at: r.get(12)?,
    })
}

/// The synced columns of an order, as the change log records them.
fn order_cols(o: &Order) -> Value {
    json!({
        "client_id": o.client_id,
        "kind": o.kind.as_str(),
        "date": o.date,
        "amount": o.amount,
        "currency": o.currency,
        "status_id": o.status_id,
        "items": serde_json::to_string(&o.items).unwrap_or_else(|_| "[]".into()),
        "note": o.note,
        "owner": o.owner,
        "created_at": o.created_at,
        "updated_at": o.updated_at,
        "deleted_at": o.deleted_at,
    })
}

fn valid_currency(c: &str) -> bool {
    c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())
}

impl Store {
    /// Today as the device's local date, from the store's clock (tests run on a fixed one).
    pub(crate) fn local_today(&self) -> NaiveDate {
        chrono::TimeZone::timestamp_millis_opt(&chrono::Local, self.hlc.wall_ms())
            .single()
            .map(|t| t.date_naive())
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    /// Drops the in-memory orders and everything derived from them (call after writing
    /// `orders` or `order_statuses` outside this module).
    pub fn invalidate_orders(&mut self) {
        self.orders = OrdersState::default();
    }

    /// Drops the cached results but keeps the in-memory orders (benchmarks: the cost of an
    /// analysis computed afresh).
    #[doc(hidden)]
    pub fn drop_analysis_caches(&mut self) {
        self.orders.live = None;
        self.orders.computed = None;
        self.orders.segment = None;
        self.orders.list = None;
        self.orders.churn = None;
    }

    // ---- orders ------------------------------------------------------------------------------

    pub fn get_order(&self, id: &str) -> Result<Order, StoreError> {
        self.conn
            .prepare_cached(&format!("SELECT {ORDER_COLS} FROM orders WHERE id = ?1"))?
            .query_row([id], read_order)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("order {id}")))
    }

    /// Checks the input; returns the order it describes (id and times left to the caller).
    fn order_from_input(&self, input: &OrderInput) -> Result<Order, StoreError> {
        let mut errs = Vec::new();
        let live: Option<bool> = self
            .conn
            .prepare_cached("SELECT deleted_at IS NULL FROM clients WHERE id = ?1")?
            .query_row([&input.client_id], |r| r.get(0))
            .optional()?;
        if live != Some(true) {
            errs.push(FieldError::new("client_id", "client_not_found"));
        }
        if day_of(&input.date).is_none() {
            errs.push(FieldError::new("date", "date_invalid"));
        }
        if !(0..=MAX_AMOUNT).contains(&input.amount) {
            errs.push(FieldError::new("amount", "amount_invalid"));
        }
        let currency = match input.currency.as_deref().map(str::trim) {
            None | Some("") => self.order_settings()?.currency,
            Some(c) => c.to_ascii_uppercase(),
        };
        if !valid_currency(&currency) {
            errs.push(FieldError::new("currency", "currency_invalid"));
        }
        let status_id = match input.kind {
            OrderKind::Payment => None,
            OrderKind::Order => {
                let id = input.status_id.clone().unwrap_or_else(|| STATUS_NEW.into());
                if self.order_status(&id)?.is_none() {
                    errs.push(FieldError::new("status_id", "status_not_found"));
                }
                Some(id)
            }
        };
        for (i, it) in input.items.iter().enumerate() {
            if !it.quantity.is_finite() || it.quantity < 0.0 {
                errs.push(FieldError::new(
                    format!("items.{i}.quantity"),
                    "quantity_invalid",
                ));
            }
            if !(0..=MAX_AMOUNT).contains(&it.price) {
                errs.push(FieldError::new(
                    format!("items.{i}.price"),
                    "amount_invalid",
                ));
            }
        }
        if !errs.is_empty() {
            return Err(StoreError::Validation(errs));
        }
        Ok(Order {
            id: String::new(),
            client_id: input.client_id.clone(),
            kind: input.kind,
            date: input.date.clone(),
            amount: input.amount,
            currency,
            status_id,
            items: input.items.clone(),
            note: input.note.trim().to_owned(),
            owner: self.settings().user_name.clone(),
            created_at: String::new(),
            updated_at: String::new(),
            deleted_at: None,
        })
    }

    pub fn create_order(&mut self, input: &OrderInput) -> Result<Order, StoreError> {
        let mut o = self.order_from_input(input)?;
        o.id = new_id();
        o.created_at = self.now();
        o.updated_at = o.created_at.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        insert_order(&tx, &mut self.hlc, &o, false)?;
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        self.invalidate_orders();
        Ok(o)
    }

    /// A local edit: logs the changed columns (orders are insert-only between devices except for
    /// such edits and the soft delete).
    pub fn update_order(&mut self, id: &str, input: &OrderInput) -> Result<Order, StoreError> {
        let old = self.get_order(id)?;
        if input.client_id != old.client_id {
            return Err(StoreError::Validation(vec![FieldError::new(
                "client_id",
                "order_client_fixed",
            )]));
        }
        let mut o = self.order_from_input(input)?;
        o.id = old.id.clone();
        o.owner = old.owner.clone();
        o.created_at = old.created_at.clone();
        o.deleted_at = old.deleted_at.clone();
        o.updated_at = old.updated_at.clone();
        if o == old {
            return Ok(old);
        }
        o.updated_at = self.now();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.prepare_cached(
            "UPDATE orders SET kind = ?2, date = ?3, amount = ?4, currency = ?5, status_id = ?6, items = ?7, \
             note = ?8, updated_at = ?9 WHERE id = ?1",
        )?
        .execute(params![
            o.id,
            o.kind.as_str(),
            o.date,
            o.amount,
            o.currency,
            o.status_id,
            serde_json::to_string(&o.items)?,
            o.note,
            o.updated_at
        ])?;
        let changed = super::rows::diff(&order_cols(&old), &order_cols(&o))?;
        let f = Value::Object(changed).to_string();
        log_change(&tx, &mut self.hlc, "orders", &o.id, "update", &f)?;
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        self.invalidate_orders();
        Ok(o)
    }

    fn set_order_deleted(&mut self, id: &str, deleted: bool) -> Result<Order, StoreError> {
        let mut o = self.get_order(id)?;
        if o.deleted_at.is_some() == deleted {
            return Ok(o);
        }
        o.deleted_at = deleted.then(|| self.now());
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        super::write_soft_delete(&tx, &mut self.hlc, "orders", id, &o.deleted_at)?;
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        self.invalidate_orders();
        Ok(o)
    }

    pub fn delete_order(&mut self, id: &str) -> Result<Order, StoreError> {
        self.set_order_deleted(id, true)
    }

    pub fn restore_order(&mut self, id: &str) -> Result<Order, StoreError> {
        self.set_order_deleted(id, false)
    }

    /// A client's live orders and payments, newest first.
    pub fn list_orders(
        &self,
        client_id: &str,
        offset: u32,
        limit: u32,
    ) -> Result<OrderPage, StoreError> {
        let limit = match limit {
            0 => 50,
            n => n.min(1000),
        };
        let total: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM orders WHERE client_id = ?1 AND deleted_at IS NULL",
            )?
            .query_row([client_id], |r| r.get(0))?;
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {ORDER_COLS} FROM orders WHERE client_id = ?1 AND deleted_at IS NULL \
             ORDER BY date DESC, id DESC LIMIT ?2 OFFSET ?3"
        ))?;
        let rows = st
            .query_map(params![client_id, limit, offset], read_order)?
            .collect::<Result<_, _>>()?;
        Ok(OrderPage {
            total: total as u32,
            offset,
            rows,
        })
    }

    // ---- card totals -------------------------------------------------------------------------

    /// First purchase, last order, count, total, average check and tier of a client (base
    /// currency; orders of non-counting statuses left out). One covering-index range.
    pub fn client_totals(&self, client_id: &str) -> Result<ClientTotals, StoreError> {
        let settings = self.order_settings()?;
        let mut st = self.conn.prepare_cached(
            "SELECT kind, currency, count(*), sum(amount), min(date), max(date) FROM orders \
             WHERE client_id = ?1 AND deleted_at IS NULL \
             AND (status_id IS NULL OR status_id NOT IN (SELECT id FROM order_statuses WHERE counts = 0)) \
             GROUP BY kind, currency",
        )?;
        let mut t = ClientTotals {
            client_id: client_id.to_owned(),
            currency: settings.currency.clone(),
            first_purchase: None,
            last_order: None,
            order_count: 0,
            total: 0,
            average_check: None,
            payment_count: 0,
            payments_total: 0,
            last_payment: None,
            tier: Tier::None,
            next_tier: None,
            to_next_tier: None,
            days_since_last_order: None,
            other_currencies: Vec::new(),
        };
        let rows = st.query_map([client_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        for row in rows {
            let (kind, currency, count, sum, min, max) = row?;
            let payment = kind == "payment";
            if currency != settings.currency {
                if !payment {
                    t.other_currencies.push(CurrencyTotal {
                        currency,
                        total: sum,
                        count: count as u32,
                    });
                }
                continue;
            }
            if payment {
                t.payment_count = count as u32;
                t.payments_total = sum;
                t.last_payment = Some(max);
            } else {
                t.order_count = count as u32;
                t.total = sum;
                t.first_purchase = Some(min);
                t.last_order = Some(max);
            }
        }
        if t.order_count > 0 {
            t.average_check = Some((t.total as f64 / t.order_count as f64).round() as i64);
        }
        let th = thresholds(&settings);
        t.tier = tier_of(th.tier(t.total));
        if let Some((next, missing)) = th.next(t.total) {
            t.next_tier = Some(tier_of(next));
            t.to_next_tier = Some(missing);
        }
        if let Some(last) = t.last_order.as_deref().and_then(day_of) {
            let today = self.local_today().num_days_from_ce();
            t.days_since_last_order = Some((today - last).max(0) as u32);
        }
        Ok(t)
    }
}

/// Inserts an order with its change-log row (every column).
pub(crate) fn insert_order(
    tx: &Transaction<'_>,
    hlc: &mut crate::hlc::Hlc,
    o: &Order,
    demo: bool,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO orders (id, client_id, kind, date, amount, currency, status_id, items, note, owner, \
         is_demo, created_at, updated_at, deleted_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        o.id,
        o.client_id,
        o.kind.as_str(),
        o.date,
        o.amount,
        o.currency,
        o.status_id,
        serde_json::to_string(&o.items)?,
        o.note,
        o.owner,
        demo,
        o.created_at,
        o.updated_at,
        o.deleted_at
    ])?;
    log_change(
        tx,
        hlc,
        "orders",
        &o.id,
        "insert",
        &order_cols(o).to_string(),
    )
}

/// Merging cards: moves every order of `from` to `to`, each logged as an update of `client_id`
/// (and `updated_at`), in the caller's transaction.
pub(crate) fn move_orders(
    tx: &Transaction<'_>,
    hlc: &mut crate::hlc::Hlc,
    from: &str,
    to: &str,
    now: &str,
) -> Result<(), StoreError> {
    let ids: Vec<String> = {
        let mut st = tx.prepare("SELECT id FROM orders WHERE client_id = ?1 ORDER BY id")?;
        let r = st
            .query_map([from], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        r
    };
    for id in &ids {
        tx.execute(
            "UPDATE orders SET client_id = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, to, now],
        )?;
        let f = json!({ "client_id": to, "updated_at": now }).to_string();
        log_change(tx, hlc, "orders", id, "update", &f)?;
    }
    Ok(())
}
