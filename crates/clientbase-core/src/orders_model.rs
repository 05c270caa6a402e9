//! Orders, payments and the value analyses: the shapes the UI exchanges with the core (issue 6).
//! Kept apart from `model.rs`, with the same rules: every type that crosses to the UI derives
//! `TS` and is exported to `ui/src/lib/bindings/` by `cargo test -p clientbase-core export_bindings`.
//!
//! Money is always an integer in MINOR units (cents, kopecks…) of its currency.

use crate::model::Id;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OrderKind {
    #[default]
    Order,
    Payment,
}

impl OrderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderKind::Order => "order",
            OrderKind::Payment => "payment",
        }
    }
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
pub struct OrderItem {
    pub name: String,
    pub quantity: f64,
    /// Unit price, minor units.
    pub price: i64,
}

/// An order or a payment of a client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Order {
    pub id: Id,
    pub client_id: Id,
    pub kind: OrderKind,
    /// `YYYY-MM-DD`, the device's local date.
    pub date: String,
    /// Minor units (e.g. 1250 = 12.50).
    pub amount: i64,
    /// ISO 4217, upper case.
    pub currency: String,
    /// `order_statuses.id`; absent for payments.
    #[ts(optional)]
    pub status_id: Option<Id>,
    pub items: Vec<OrderItem>,
    pub note: String,
    pub owner: String,
    pub created_at: String,
    pub updated_at: String,
    #[ts(optional)]
    pub deleted_at: Option<String>,
}

/// What the order form sends (create and update).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
pub struct OrderInput {
    pub client_id: Id,
    #[serde(default)]
    pub kind: OrderKind,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Minor units, ≥ 0.
    pub amount: i64,
    /// ISO 4217; absent or empty = the base currency of the settings.
    #[serde(default)]
    #[ts(optional)]
    pub currency: Option<String>,
    /// Orders: absent = the first status ("new"). Payments: ignored.
    #[serde(default)]
    #[ts(optional)]
    pub status_id: Option<Id>,
    #[serde(default)]
    pub items: Vec<OrderItem>,
    #[serde(default)]
    pub note: String,
}

/// An entry of the editable status list. Seeded: new, paid, shipped, delivered, cancelled (fixed
/// ids `00000000-0000-7000-8004-00000000000N`); the UI translates a seeded status by `code` until
/// it is renamed (then `code` is still set but `name` differs from the seeded English name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OrderStatus {
    /// Empty when saving a new status.
    #[serde(default)]
    pub id: Id,
    /// Stable code of a seeded status; "" for statuses the user adds.
    #[serde(default)]
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub position: i32,
    /// Archived: hidden from pickers, still named by old orders.
    #[serde(default)]
    pub archived: bool,
    /// Orders in this status count in totals and analyses (false for "cancelled").
    pub counts: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OrderPage {
    pub total: u32,
    pub offset: u32,
    /// Newest first.
    pub rows: Vec<Order>,
}

/// Settings of orders and the analyses (synced like the other settings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OrderSettings {
    /// ISO 4217 base currency: new orders default to it; totals, tiers and analyses count only it.
    pub currency: String,
    /// Discount tiers: a client's all-time revenue (minor units) from which the tier applies;
    /// 0 switches a tier off.
    pub tier_silver: i64,
    pub tier_gold: i64,
    pub tier_platinum: i64,
    /// A client with orders but none for this many days is "lost".
    pub lost_client_days: u32,
    /// ABC: A = the top making this cumulative percent (default 80), B up to `abc_b_percent`
    /// cumulative (default 95 = the next 15 %), C the rest.
    pub abc_a_percent: f64,
    pub abc_b_percent: f64,
    /// VIP split: the top this percent of buying clients (default 20).
    pub vip_top_percent: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Tier {
    #[default]
    None,
    Silver,
    Gold,
    Platinum,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CurrencyTotal {
    pub currency: String,
    /// Orders (counting statuses) in this currency, minor units.
    pub total: i64,
    pub count: u32,
}

/// A client card's totals (base currency; cancelled orders left out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ClientTotals {
    pub client_id: Id,
    /// The base currency the amounts are in.
    pub currency: String,
    /// Date of the first order (`YYYY-MM-DD`).
    #[ts(optional)]
    pub first_purchase: Option<String>,
    #[ts(optional)]
    pub last_order: Option<String>,
    pub order_count: u32,
    /// Sum of the orders, minor units.
    pub total: i64,
    /// total / order_count, rounded; absent without orders.
    #[ts(optional)]
    pub average_check: Option<i64>,
    pub payment_count: u32,
    pub payments_total: i64,
    #[ts(optional)]
    pub last_payment: Option<String>,
    pub tier: Tier,
    /// The next tier and what is missing to reach it (minor units).
    #[ts(optional)]
    pub next_tier: Option<Tier>,
    #[ts(optional)]
    pub to_next_tier: Option<i64>,
    /// Days since the last order (local today); absent without orders.
    #[ts(optional)]
    pub days_since_last_order: Option<u32>,
    /// Orders in other currencies (not in the totals above).
    pub other_currencies: Vec<CurrencyTotal>,
}

/// What the value analyses measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Metric {
    /// Sum of orders (counting statuses), minor units.
    #[default]
    Revenue,
    /// Sum of payments, minor units.
    Payments,
    /// Number of orders.
    Orders,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AnalysisKind {
    /// Groups "A", "B", "C".
    #[default]
    Abc,
    /// Groups "vip", "regular", "other" (other = live clients without a purchase in the period).
    Vip,
    /// Groups: the RFM segment codes ("champions", "loyal", "potential_loyalists",
    /// "new_customers", "promising", "need_attention", "about_to_sleep", "cannot_lose",
    /// "at_risk", "hibernating", "lost").
    Rfm,
    /// Seed 003's score. Groups "high", "middle", "low".
    Value,
    /// BG/NBD. Groups "alive" (P(alive) ≥ 0.7), "at_risk" (≥ 0.3), "likely_lost".
    Churn,
    /// Discount tiers by the period's revenue. Groups "none", "silver", "gold", "platinum".
    Tier,
    /// No order for `lost_client_days` (settings) before the end of the period. Group "lost".
    Lost,
}

/// Which clients an analysis result names: used to filter the client list
/// (`ListQuery.segment`) and by [`AnalysisQuery`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS, Default)]
#[ts(export)]
pub struct SegmentFilter {
    pub kind: AnalysisKind,
    #[serde(default)]
    pub metric: Metric,
    /// First day of the period (`YYYY-MM-DD`, inclusive); absent = since the first order.
    #[serde(default)]
    #[ts(optional)]
    pub from: Option<String>,
    /// Last day of the period (inclusive); absent = today.
    #[serde(default)]
    #[ts(optional)]
    pub to: Option<String>,
    /// The group code (see [`AnalysisKind`]).
    pub group: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AnalysisSort {
    /// The metric, largest first (churn: the expected loss, value × (1 − P(alive)), largest first).
    #[default]
    Value,
    /// Last purchase, oldest first.
    LastPurchase,
}

/// An analysis over a period and metric, with one page of its rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
pub struct AnalysisQuery {
    pub kind: AnalysisKind,
    #[serde(default)]
    pub metric: Metric,
    #[serde(default)]
    #[ts(optional)]
    pub from: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub to: Option<String>,
    /// Rows of this group only; absent = every row.
    #[serde(default)]
    #[ts(optional)]
    pub group: Option<String>,
    #[serde(default)]
    pub sort: AnalysisSort,
    #[serde(default)]
    pub offset: u32,
    /// 0 = 50; at most 1000.
    #[serde(default)]
    pub limit: u32,
}

/// One group of a result (an ABC class, a segment…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GroupSummary {
    pub group: String,
    pub clients: u32,
    /// Sum of the metric over the group's clients.
    pub value: f64,
    /// Share of the metric's total, percent.
    pub share: f64,
    /// Share of the analysed clients, percent.
    pub client_share: f64,
}

/// One client in a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AnalysisRow {
    pub client_id: Id,
    pub name: String,
    /// Display form of the first phone.
    #[ts(optional)]
    pub phone: Option<String>,
    pub group: String,
    /// The metric in the period (money in minor units, or a count).
    pub value: f64,
    /// Purchases in the period (orders, or payments for the payments metric).
    pub count: u32,
    #[ts(optional)]
    pub first_purchase: Option<String>,
    #[ts(optional)]
    pub last_purchase: Option<String>,
    /// ABC: rank and cumulative share (percent).
    #[ts(optional)]
    pub rank: Option<u32>,
    #[ts(optional)]
    pub cumulative: Option<f64>,
    /// RFM scores 1–5.
    #[ts(optional)]
    pub r: Option<u8>,
    #[ts(optional)]
    pub f: Option<u8>,
    #[ts(optional)]
    pub m: Option<u8>,
    /// Value score: frequency 1–6 and average-check quartile 1–4 are `f` and `m`; `score` 0–1.
    /// Churn: `score` = P(alive).
    #[ts(optional)]
    pub score: Option<f64>,
    /// Churn: expected purchases in the next 90 days.
    #[ts(optional)]
    pub expected: Option<f64>,
}

/// The fitted BG/NBD model behind a churn result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChurnModel {
    /// False: too little history (fewer than 100 buyers, 30 repeat buyers or 26 weeks); the UI
    /// shows why instead of numbers, and the result has no rows.
    pub enough_history: bool,
    pub customers: u32,
    pub repeat_customers: u32,
    pub weeks_of_history: f64,
    /// Parameters (time unit: weeks); absent without enough history.
    #[ts(optional)]
    pub r: Option<f64>,
    #[ts(optional)]
    pub alpha: Option<f64>,
    #[ts(optional)]
    pub a: Option<f64>,
    #[ts(optional)]
    pub b: Option<f64>,
    #[ts(optional)]
    pub log_likelihood: Option<f64>,
    pub fit_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AnalysisResult {
    pub kind: AnalysisKind,
    pub metric: Metric,
    pub currency: String,
    /// The period actually analysed (`from` = the first order when not given).
    #[ts(optional)]
    pub from: Option<String>,
    pub to: String,
    /// Clients analysed (buyers in the period; VIP: every live client).
    pub clients: u32,
    /// The metric's total over them.
    pub total_value: f64,
    pub groups: Vec<GroupSummary>,
    /// Rows matching the query's group.
    pub total_rows: u32,
    pub offset: u32,
    pub rows: Vec<AnalysisRow>,
    #[ts(optional)]
    pub churn: Option<ChurnModel>,
    /// Milliseconds spent computing (from the in-memory orders).
    pub compute_ms: f64,
}

/// "Lost clients": no order for `days` days (settings when absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
pub struct LostQuery {
    #[serde(default)]
    #[ts(optional)]
    pub days: Option<u32>,
    #[serde(default)]
    pub sort: AnalysisSort,
    #[serde(default)]
    pub offset: u32,
    #[serde(default)]
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LostClient {
    pub client_id: Id,
    pub name: String,
    #[ts(optional)]
    pub phone: Option<String>,
    /// E.164 of the first phone, for the one-tap call (`tel:`).
    #[ts(optional)]
    pub phone_e164: Option<String>,
    pub last_order: String,
    pub days_since: u32,
    /// All-time revenue, minor units.
    pub total: i64,
    pub order_count: u32,
    pub tier: Tier,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LostPage {
    pub days: u32,
    pub currency: String,
    pub total: u32,
    pub offset: u32,
    pub rows: Vec<LostClient>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ChartKind {
    /// Labels `YYYY-MM`; series "revenue" and "payments" (minor units of the base currency).
    #[default]
    RevenueByMonth,
    /// Labels none/silver/gold/platinum; series "clients" (all-time revenue tiers of live clients).
    TierDistribution,
    /// Labels `YYYY-MM` (creation of live clients); series "clients".
    NewClientsByMonth,
    /// Labels: the source ("" = none given); series "clients" (created in the period).
    NewClientsBySource,
    /// Labels `YYYY-MM-DD` (UTC date); series "calls" (interactions of kind call), optionally of
    /// one rep (`owner`).
    CallsPerDay,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
pub struct ChartQuery {
    pub chart: ChartKind,
    #[serde(default)]
    #[ts(optional)]
    pub from: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub to: Option<String>,
    /// CallsPerDay: only this rep's interactions.
    #[serde(default)]
    #[ts(optional)]
    pub owner: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChartSeries {
    /// Stable code (the UI translates it).
    pub name: String,
    pub values: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Chart {
    pub chart: ChartKind,
    pub labels: Vec<String>,
    pub series: Vec<ChartSeries>,
}
