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
pub mod import;

use super::{log_change, new_id, save_clock, Store};
use crate::error::{FieldError, StoreError};
use crate::orders_model::*;
use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

pub use analyses::analysis_csv;

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

/// One live, counting order or payment of the base currency, in memory.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rec {
    pub client: u32,
    pub day: i32,
    pub payment: bool,
    pub amount: i64,
}

/// The in-memory orders (see the module docs).
pub(crate) struct Mem {
    pub currency: String,
    pub ids: Vec<String>,
    pub index: HashMap<String, u32>,
    /// Sorted by day.
    pub recs: Vec<Rec>,
    pub load_ms: f64,
}

/// Live flags over the in-memory client numbers, and the live clients without orders.
pub(crate) type Live = (Vec<bool>, Vec<String>);

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

fn status_cols(s: &OrderStatus) -> Value {
    json!({
        "code": s.code,
        "name": s.name,
        "position": s.position,
        "archived": s.archived,
        "counts": s.counts,
    })
}

fn valid_currency(c: &str) -> bool {
    c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())
}

const SETTING_KEYS: [&str; 8] = [
    "order_currency",
    "tier_silver",
    "tier_gold",
    "tier_platinum",
    "lost_client_days",
    "abc_a_percent",
    "abc_b_percent",
    "vip_top_percent",
];

fn settings_values(s: &OrderSettings) -> [String; 8] {
    [
        s.currency.clone(),
        s.tier_silver.to_string(),
        s.tier_gold.to_string(),
        s.tier_platinum.to_string(),
        s.lost_client_days.to_string(),
        s.abc_a_percent.to_string(),
        s.abc_b_percent.to_string(),
        s.vip_top_percent.to_string(),
    ]
}

pub(crate) fn read_order_settings(conn: &Connection) -> Result<OrderSettings, StoreError> {
    let mut s = OrderSettings {
        currency: "USD".into(),
        tier_silver: 100_000,
        tier_gold: 500_000,
        tier_platinum: 1_000_000,
        lost_client_days: 90,
        abc_a_percent: 80.0,
        abc_b_percent: 95.0,
        vip_top_percent: 20.0,
    };
    let mut st = conn.prepare_cached("SELECT value FROM settings WHERE key = ?1")?;
    for key in SETTING_KEYS {
        let Some(v): Option<String> = st.query_row([key], |r| r.get(0)).optional()? else {
            continue;
        };
        match key {
            "order_currency" => s.currency = v,
            "tier_silver" => s.tier_silver = v.parse().unwrap_or(s.tier_silver),
            "tier_gold" => s.tier_gold = v.parse().unwrap_or(s.tier_gold),
            "tier_platinum" => s.tier_platinum = v.parse().unwrap_or(s.tier_platinum),
            "lost_client_days" => s.lost_client_days = v.parse().unwrap_or(s.lost_client_days),
            "abc_a_percent" => s.abc_a_percent = v.parse().unwrap_or(s.abc_a_percent),
            "abc_b_percent" => s.abc_b_percent = v.parse().unwrap_or(s.abc_b_percent),
            _ => s.vip_top_percent = v.parse().unwrap_or(s.vip_top_percent),
        }
    }
    Ok(s)
}

pub(crate) fn thresholds(s: &OrderSettings) -> clientbase_analytics::tier::TierThresholds {
    clientbase_analytics::tier::TierThresholds {
        silver: s.tier_silver,
        gold: s.tier_gold,
        platinum: s.tier_platinum,
    }
}

pub(crate) fn tier_of(t: clientbase_analytics::tier::Tier) -> Tier {
    use clientbase_analytics::tier::Tier as T;
    match t {
        T::None => Tier::None,
        T::Silver => Tier::Silver,
        T::Gold => Tier::Gold,
        T::Platinum => Tier::Platinum,
    }
}

/// Name, phone (display) and phone (E.164) of a client, for result rows.
pub(crate) fn client_brief(
    conn: &Connection,
    id: &str,
) -> Result<(String, Option<String>, Option<String>), StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT kind, first_name, last_name, middle_name, org_name, phone_display, phones \
             FROM clients WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
            ))
        })
        .optional()?;
    let Some((kind, first, last, middle, org, phone, phones)) = row else {
        return Ok((String::new(), None, None));
    };
    let name = if kind == "organization" && !org.trim().is_empty() {
        org
    } else {
        let n = [last.as_str(), first.as_str(), middle.as_str()]
            .iter()
            .filter(|s| !s.trim().is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        if n.is_empty() {
            org
        } else {
            n
        }
    };
    let e164 = serde_json::from_str::<Vec<crate::model::Phone>>(&phones)
        .ok()
        .and_then(|p| p.into_iter().find_map(|p| p.e164));
    Ok((name, phone, e164))
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

    // ---- settings ----------------------------------------------------------------------------

    pub fn order_settings(&self) -> Result<OrderSettings, StoreError> {
        read_order_settings(&self.conn)
    }

    pub fn set_order_settings(
        &mut self,
        mut s: OrderSettings,
    ) -> Result<OrderSettings, StoreError> {
        s.currency = s.currency.trim().to_ascii_uppercase();
        let mut errs = Vec::new();
        if !valid_currency(&s.currency) {
            errs.push(FieldError::new("currency", "currency_invalid"));
        }
        for (f, v) in [
            ("tier_silver", s.tier_silver),
            ("tier_gold", s.tier_gold),
            ("tier_platinum", s.tier_platinum),
        ] {
            if !(0..=MAX_AMOUNT).contains(&v) {
                errs.push(FieldError::new(f, "amount_invalid"));
            }
        }
        let on: Vec<i64> = [s.tier_silver, s.tier_gold, s.tier_platinum]
            .into_iter()
            .filter(|t| *t > 0)
            .collect();
        if on.windows(2).any(|w| w[0] >= w[1]) {
            errs.push(FieldError::new("tier_gold", "tiers_not_increasing"));
        }
        if s.lost_client_days == 0 || s.lost_client_days > 3650 {
            errs.push(FieldError::new("lost_client_days", "days_invalid"));
        }
        let pct = |v: f64| v.is_finite() && v > 0.0 && v <= 100.0;
        if !pct(s.abc_a_percent) {
            errs.push(FieldError::new("abc_a_percent", "percent_invalid"));
        }
        if !pct(s.abc_b_percent) || s.abc_b_percent < s.abc_a_percent {
            errs.push(FieldError::new("abc_b_percent", "percent_invalid"));
        }
        if !pct(s.vip_top_percent) {
            errs.push(FieldError::new("vip_top_percent", "percent_invalid"));
        }
        if !errs.is_empty() {
            return Err(StoreError::Validation(errs));
        }
        let old = self.order_settings()?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for ((key, new), old) in SETTING_KEYS
            .iter()
            .zip(settings_values(&s))
            .zip(settings_values(&old))
        {
            if new != old {
                tx.execute(
                    "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
                    params![key, new],
                )?;
                let f = json!({ "value": new }).to_string();
                log_change(&tx, &mut self.hlc, "settings", key, "update", &f)?;
            }
        }
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        self.invalidate_orders();
        Ok(s)
    }

    // ---- statuses ----------------------------------------------------------------------------

    pub fn order_statuses(&self) -> Result<Vec<OrderStatus>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, code, name, position, archived, counts FROM order_statuses ORDER BY position, name, id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(OrderStatus {
                id: r.get(0)?,
                code: r.get(1)?,
                name: r.get(2)?,
                position: r.get(3)?,
                archived: r.get(4)?,
                counts: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn order_status(&self, id: &str) -> Result<Option<OrderStatus>, StoreError> {
        Ok(self.order_statuses()?.into_iter().find(|s| s.id == id))
    }

    /// Adds (empty id) or edits a status. The code of a seeded status is kept.
    pub fn save_order_status(&mut self, mut s: OrderStatus) -> Result<OrderStatus, StoreError> {
        s.name = s.name.trim().to_owned();
        if s.name.is_empty() {
            return Err(StoreError::Validation(vec![FieldError::new(
                "name", "required",
            )]));
        }
        let old = if s.id.is_empty() {
            None
        } else {
            Some(
                self.order_status(&s.id)?
                    .ok_or_else(|| StoreError::NotFound(format!("order status {}", s.id)))?,
            )
        };
        s.code = old.as_ref().map(|o| o.code.clone()).unwrap_or_default();
        if old.as_ref() == Some(&s) {
            return Ok(s);
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        match &old {
            None => {
                s.id = new_id();
                tx.execute(
                    "INSERT INTO order_statuses (id, code, name, position, archived, counts) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![s.id, s.code, s.name, s.position, s.archived, s.counts],
                )?;
                let f = status_cols(&s).to_string();
                log_change(&tx, &mut self.hlc, "order_statuses", &s.id, "insert", &f)?;
            }
            Some(o) => {
                tx.execute(
                    "UPDATE order_statuses SET name = ?2, position = ?3, archived = ?4, counts = ?5 WHERE id = ?1",
                    params![s.id, s.name, s.position, s.archived, s.counts],
                )?;
                let changed = super::rows::diff(&status_cols(o), &status_cols(&s))?;
                let f = Value::Object(changed).to_string();
                log_change(&tx, &mut self.hlc, "order_statuses", &s.id, "update", &f)?;
            }
        }
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        self.invalidate_orders();
        Ok(s)
    }

    /// "Removing" a status archives it: old orders still name it.
    pub fn delete_order_status(&mut self, id: &str) -> Result<OrderStatus, StoreError> {
        let s = self
            .order_status(id)?
            .ok_or_else(|| StoreError::NotFound(format!("order status {id}")))?;
        self.save_order_status(OrderStatus {
            archived: true,
            ..s
        })
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

    // ---- in-memory orders --------------------------------------------------------------------

    /// The in-memory orders, loading them on first use.
    pub(crate) fn orders_mem(&mut self) -> Result<Arc<Mem>, StoreError> {
        if let Some(m) = &self.orders.mem {
            return Ok(Arc::clone(m));
        }
        let t = std::time::Instant::now();
        let currency = self.order_settings()?.currency;
        let mut st = self.conn.prepare(
            "SELECT client_id, date, kind, amount FROM orders INDEXED BY orders_date \
             WHERE deleted_at IS NULL AND currency = ?1 \
             AND (status_id IS NULL OR status_id NOT IN (SELECT id FROM order_statuses WHERE counts = 0)) \
             ORDER BY deleted_at, date",
        )?;
        let mut ids: Vec<String> = Vec::new();
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut recs: Vec<Rec> = Vec::new();
        // Dates repeat a lot: parse each distinct one once.
        let mut last_date = String::new();
        let mut last_day = 0i32;
        let mut rows = st.query([&currency])?;
        while let Some(r) = rows.next()? {
            let client = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            let date = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            let kind = r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
            let amount: i64 = r.get(3)?;
            if date != last_date {
                let Some(d) = day_of(date) else { continue };
                last_date.clear();
                last_date.push_str(date);
                last_day = d;
            }
            let c = match index.get(client) {
                Some(&c) => c,
                None => {
                    let c = ids.len() as u32;
                    ids.push(client.to_owned());
                    index.insert(client.to_owned(), c);
                    c
                }
            };
            recs.push(Rec {
                client: c,
                day: last_day,
                payment: kind == "payment",
                amount,
            });
        }
        drop(rows);
        drop(st);
        let mem = Arc::new(Mem {
            currency,
            ids,
            index,
            recs,
            load_ms: t.elapsed().as_secs_f64() * 1000.0,
        });
        self.orders.mem = Some(Arc::clone(&mem));
        Ok(mem)
    }

    /// Milliseconds the last load of the in-memory orders took (loading them if needed).
    pub fn orders_load_ms(&mut self) -> Result<f64, StoreError> {
        Ok(self.orders_mem()?.load_ms)
    }

    /// The position of the last change-log row: every synced write (clients, orders, settings…,
    /// by any connection) moves it, so results cached under it are current while it stands.
    /// One B-tree lookup (`seq` is the rowid).
    pub(crate) fn write_seq(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT coalesce(max(seq), 0) FROM change_log")?
            .query_row([], |r| r.get(0))?)
    }

    /// Live client ids (from the search index) as flags over the in-memory client numbers, plus
    /// the live clients that have no orders in memory; cached until the next write.
    pub(crate) fn live_clients(&mut self, mem: &Mem) -> Result<Arc<Live>, StoreError> {
        let seq = self.write_seq()?;
        if let Some((s, l)) = &self.orders.live {
            if *s == seq && l.0.len() == mem.ids.len() {
                return Ok(Arc::clone(l));
            }
        }
        let mut live = vec![false; mem.ids.len()];
        let mut without = Vec::new();
        let idx = self.index()?;
        let page = idx.query(
            "",
            &clientbase_search::Filter::default(),
            clientbase_search::Sort::Recent,
            0,
            usize::MAX,
        );
        for s in page.items {
            match mem.index.get(&s.id) {
                Some(&c) => live[c as usize] = true,
                None => without.push(s.id.clone()),
            }
        }
        let out = Arc::new((live, without));
        self.orders.live = Some((seq, Arc::clone(&out)));
        Ok(out)
    }

    // ---- lost clients ------------------------------------------------------------------------

    /// Clients with orders but none in the last `days` days (settings when absent), by value
    /// (all-time revenue, largest first) or by last order (oldest first); paged.
    pub fn lost_clients(&mut self, q: &LostQuery) -> Result<LostPage, StoreError> {
        let settings = self.order_settings()?;
        let days = q.days.unwrap_or(settings.lost_client_days);
        let mem = self.orders_mem()?;
        let lw = self.live_clients(&mem)?;
        let live = &lw.0;
        let today = self.local_today().num_days_from_ce();
        let n = mem.ids.len();
        let mut last = vec![i32::MIN; n];
        let mut total = vec![0i64; n];
        let mut count = vec![0u32; n];
        for r in mem.recs.iter().filter(|r| !r.payment && r.day <= today) {
            let c = r.client as usize;
            last[c] = last[c].max(r.day);
            total[c] += r.amount;
            count[c] += 1;
        }
        let cutoff = today - days as i32;
        let mut lost: Vec<u32> = (0..n as u32)
            .filter(|&c| live[c as usize] && count[c as usize] > 0 && last[c as usize] <= cutoff)
            .collect();
        match q.sort {
            AnalysisSort::Value => lost.sort_unstable_by(|&a, &b| {
                total[b as usize]
                    .cmp(&total[a as usize])
                    .then(mem.ids[a as usize].cmp(&mem.ids[b as usize]))
            }),
            AnalysisSort::LastPurchase => lost.sort_unstable_by(|&a, &b| {
                last[a as usize]
                    .cmp(&last[b as usize])
                    .then(mem.ids[a as usize].cmp(&mem.ids[b as usize]))
            }),
        }
        let limit = match q.limit {
            0 => 50,
            l => l.min(1000),
        } as usize;
        let th = thresholds(&settings);
        let mut rows = Vec::new();
        for &c in lost.iter().skip(q.offset as usize).take(limit) {
            let c = c as usize;
            let (name, phone, phone_e164) = client_brief(&self.conn, &mem.ids[c])?;
            rows.push(LostClient {
                client_id: mem.ids[c].clone(),
                name,
                phone,
                phone_e164,
                last_order: date_of(last[c]),
                days_since: (today - last[c]) as u32,
                total: total[c],
                order_count: count[c],
                tier: tier_of(th.tier(total[c])),
            });
        }
        Ok(LostPage {
            days,
            currency: mem.currency.clone(),
            total: lost.len() as u32,
            offset: q.offset,
            rows,
        })
    }

    // ---- demo --------------------------------------------------------------------------------

    /// Demo orders for a demo base: five per demo client, at most 20,000 (so loading a large demo
    /// base for other benchmarks stays quick). Returns the number written.
    pub fn load_demo_orders(&mut self) -> Result<usize, StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM clients WHERE is_demo = 1 AND deleted_at IS NULL",
            [],
            |r| r.get(0),
        )?;
        self.add_demo_orders((n as usize * 5).min(20_000))
    }

    /// Adds `n` demo orders and payments to the demo clients (see [`crate::demo::orders`]),
    /// logged, in one transaction. Returns the number written (0 without demo clients).
    pub fn add_demo_orders(&mut self, n: usize) -> Result<usize, StoreError> {
        let ids: Vec<String> = {
            let mut st = self.conn.prepare(
                "SELECT id FROM clients WHERE is_demo = 1 AND deleted_at IS NULL ORDER BY id",
            )?;
            let r = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
            r
        };
        let currency = self.order_settings()?.currency;
        let today = self.local_today();
        let existing: i64 =
            self.conn
                .query_row("SELECT count(*) FROM orders WHERE is_demo = 1", [], |r| {
                    r.get(0)
                })?;
        let plan = crate::demo::orders::plan(0x0D3E_5000 ^ existing as u64, ids.len(), n, today);
        let now = self.now();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for p in &plan {
            let o = Order {
                id: new_id(),
                client_id: ids[p.client].clone(),
                kind: p.kind,
                date: p.date.format("%Y-%m-%d").to_string(),
                amount: p.amount,
                currency: currency.clone(),
                status_id: p.status.map(str::to_owned),
                items: Vec::new(),
                note: String::new(),
                owner: String::new(),
                created_at: now.clone(),
                updated_at: now.clone(),
                deleted_at: None,
            };
            insert_order(&tx, &mut self.hlc, &o, true)?;
        }
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        self.invalidate_orders();
        Ok(plan.len())
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

/// For clearing demo data: logs a delete for every order of the demo clients and removes them,
/// in the caller's transaction (before the demo clients are deleted: the foreign key would
/// cascade, unlogged).
pub(crate) fn delete_demo_orders(
    tx: &Transaction<'_>,
    hlc: &mut crate::hlc::Hlc,
) -> Result<(), StoreError> {
    let ids: Vec<String> = {
        let mut st = tx.prepare(
            "SELECT id FROM orders WHERE client_id IN (SELECT id FROM clients WHERE is_demo = 1)",
        )?;
        let r = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        r
    };
    for id in &ids {
        log_change(tx, hlc, "orders", id, "delete", "{}")?;
    }
    tx.execute(
        "DELETE FROM orders WHERE client_id IN (SELECT id FROM clients WHERE is_demo = 1)",
        [],
    )?;
    Ok(())
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
