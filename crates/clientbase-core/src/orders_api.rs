//! The commands of orders and client value (issue 6). Same rules as [`crate::api`]: each `pub fn`
//! is one command, the Tauri shell wraps each in a 3-line `#[tauri::command]` (`src-tauri/src/orders.rs`),
//! the dev HTTP adapter reaches them through [`crate::api::dispatch`], which falls back to
//! [`dispatch`] here. Argument names are the JSON keys the UI sends.
//!
//! Commands (argument names = JSON keys):
//! - orders: `list_orders(client, offset, limit)`, `get_order(id)`, `create_order(input)`,
//!   `update_order(id, input)`, `delete_order(id)`, `restore_order(id)`;
//! - statuses: `list_order_statuses`, `save_order_status(status)`, `delete_order_status(id)`;
//! - settings: `get_order_settings`, `set_order_settings(settings)`;
//! - the card: `client_totals(client)`;
//! - value: `lost_clients(query)`, `analysis(query)`, `export_analysis(query)` (CSV text),
//!   `chart(query)`. A result's group filters the client list through `ListQuery.segment`
//!   (`list_clients` and the list export).

use crate::api::App;
use crate::error::ApiError;
use crate::model::Id;
use crate::orders_model::*;
use crate::store::orders::analysis_csv;
use serde_json::Value;

type R<T> = Result<T, ApiError>;

pub fn list_orders(
    app: &mut App,
    client: Id,
    offset: Option<u32>,
    limit: Option<u32>,
) -> R<OrderPage> {
    Ok(app
        .store
        .list_orders(&client, offset.unwrap_or(0), limit.unwrap_or(0))?)
}

pub fn get_order(app: &mut App, id: Id) -> R<Order> {
    Ok(app.store.get_order(&id)?)
}

pub fn create_order(app: &mut App, input: OrderInput) -> R<Order> {
    Ok(app.store.create_order(&input)?)
}

pub fn update_order(app: &mut App, id: Id, input: OrderInput) -> R<Order> {
    Ok(app.store.update_order(&id, &input)?)
}

pub fn delete_order(app: &mut App, id: Id) -> R<Order> {
    Ok(app.store.delete_order(&id)?)
}

pub fn restore_order(app: &mut App, id: Id) -> R<Order> {
    Ok(app.store.restore_order(&id)?)
}

pub fn list_order_statuses(app: &mut App) -> R<Vec<OrderStatus>> {
    Ok(app.store.order_statuses()?)
}

pub fn save_order_status(app: &mut App, status: OrderStatus) -> R<OrderStatus> {
    Ok(app.store.save_order_status(status)?)
}

pub fn delete_order_status(app: &mut App, id: Id) -> R<OrderStatus> {
    Ok(app.store.delete_order_status(&id)?)
}

pub fn get_order_settings(app: &mut App) -> R<OrderSettings> {
    Ok(app.store.order_settings()?)
}

pub fn set_order_settings(app: &mut App, settings: OrderSettings) -> R<OrderSettings> {
    Ok(app.store.set_order_settings(settings)?)
}

/// The card's totals and tier.
pub fn client_totals(app: &mut App, client: Id) -> R<ClientTotals> {
    Ok(app.store.client_totals(&client)?)
}

pub fn lost_clients(app: &mut App, query: LostQuery) -> R<LostPage> {
    Ok(app.store.lost_clients(&query)?)
}

pub fn analysis(app: &mut App, query: AnalysisQuery) -> R<AnalysisResult> {
    Ok(app.store.analysis(&query)?)
}

/// Every row of the query's group (or of all groups) as CSV text (UTF-8 with BOM).
pub fn export_analysis(app: &mut App, query: AnalysisQuery) -> R<String> {
    let rows = app.store.analysis_all_rows(&query)?;
    Ok(analysis_csv(&rows)?)
}

pub fn chart(app: &mut App, query: ChartQuery) -> R<Chart> {
    Ok(app.store.chart(&query)?)
}

/// Names of the commands [`dispatch`] knows.
pub const COMMANDS: &[&str] = &[
    "list_orders",
    "get_order",
    "create_order",
    "update_order",
    "delete_order",
    "restore_order",
    "list_order_statuses",
    "save_order_status",
    "delete_order_status",
    "get_order_settings",
    "set_order_settings",
    "client_totals",
    "lost_clients",
    "analysis",
    "export_analysis",
    "chart",
];

use crate::api::{arg, out};

/// Calls one of [`COMMANDS`]; `None` when `cmd` is not one of them (`api::dispatch` then reports
/// the unknown command). `a` is the argument object.
pub fn dispatch(app: &mut App, cmd: &str, a: &Value) -> Option<R<Value>> {
    COMMANDS.contains(&cmd).then(|| run(app, cmd, a))
}

fn run(app: &mut App, cmd: &str, a: &Value) -> R<Value> {
    match cmd {
        "list_orders" => out(list_orders(
            app,
            arg(a, "client")?,
            arg(a, "offset")?,
            arg(a, "limit")?,
        )),
        "get_order" => out(get_order(app, arg(a, "id")?)),
        "create_order" => out(create_order(app, arg(a, "input")?)),
        "update_order" => out(update_order(app, arg(a, "id")?, arg(a, "input")?)),
        "delete_order" => out(delete_order(app, arg(a, "id")?)),
        "restore_order" => out(restore_order(app, arg(a, "id")?)),
        "list_order_statuses" => out(list_order_statuses(app)),
        "save_order_status" => out(save_order_status(app, arg(a, "status")?)),
        "delete_order_status" => out(delete_order_status(app, arg(a, "id")?)),
        "get_order_settings" => out(get_order_settings(app)),
        "set_order_settings" => out(set_order_settings(app, arg(a, "settings")?)),
        "client_totals" => out(client_totals(app, arg(a, "client")?)),
        "lost_clients" => {
            let q: Option<LostQuery> = arg(a, "query")?;
            out(lost_clients(app, q.unwrap_or_default()))
        }
        "analysis" => out(analysis(app, arg(a, "query")?)),
        "export_analysis" => out(export_analysis(app, arg(a, "query")?)),
        "chart" => out(chart(app, arg(a, "query")?)),
        _ => Err(ApiError::new(
            "bad_request",
            format!("unknown command `{cmd}`"),
        )),
    }
}
