//! Orders and client value (issue 6): one 3-line `#[tauri::command]` per function of
//! [`clientbase_core::orders_api`], like the ones in `lib.rs` and `daily.rs`. No logic here.

use crate::Shell;
use clientbase_core::model::Id;
use clientbase_core::orders_api as api;
use clientbase_core::orders_model::*;
use clientbase_core::ApiError;
use tauri::State;

#[tauri::command]
pub(crate) async fn list_orders(
    state: State<'_, Shell>,
    client: Id,
    offset: Option<u32>,
    limit: Option<u32>,
) -> Result<OrderPage, ApiError> {
    state
        .run(move |app| api::list_orders(app, client, offset, limit))
        .await
}

#[tauri::command]
pub(crate) async fn get_order(state: State<'_, Shell>, id: Id) -> Result<Order, ApiError> {
    state.run(move |app| api::get_order(app, id)).await
}

#[tauri::command]
pub(crate) async fn create_order(
    state: State<'_, Shell>,
    input: OrderInput,
) -> Result<Order, ApiError> {
    state.run(move |app| api::create_order(app, input)).await
}

#[tauri::command]
pub(crate) async fn update_order(
    state: State<'_, Shell>,
    id: Id,
    input: OrderInput,
) -> Result<Order, ApiError> {
    state
        .run(move |app| api::update_order(app, id, input))
        .await
}

#[tauri::command]
pub(crate) async fn delete_order(state: State<'_, Shell>, id: Id) -> Result<Order, ApiError> {
    state.run(move |app| api::delete_order(app, id)).await
}

#[tauri::command]
pub(crate) async fn restore_order(state: State<'_, Shell>, id: Id) -> Result<Order, ApiError> {
    state.run(move |app| api::restore_order(app, id)).await
}

#[tauri::command]
pub(crate) async fn list_order_statuses(
    state: State<'_, Shell>,
) -> Result<Vec<OrderStatus>, ApiError> {
    state.run(api::list_order_statuses).await
}

#[tauri::command]
pub(crate) async fn save_order_status(
    state: State<'_, Shell>,
    status: OrderStatus,
) -> Result<OrderStatus, ApiError> {
    state
        .run(move |app| api::save_order_status(app, status))
        .await
}

#[tauri::command]
pub(crate) async fn delete_order_status(
    state: State<'_, Shell>,
    id: Id,
) -> Result<OrderStatus, ApiError> {
    state
        .run(move |app| api::delete_order_status(app, id))
        .await
}

#[tauri::command]
pub(crate) async fn get_order_settings(state: State<'_, Shell>) -> Result<OrderSettings, ApiError> {
    state.run(api::get_order_settings).await
}

#[tauri::command]
pub(crate) async fn set_order_settings(
    state: State<'_, Shell>,
    settings: OrderSettings,
) -> Result<OrderSettings, ApiError> {
    state
        .run(move |app| api::set_order_settings(app, settings))
        .await
}

#[tauri::command]
pub(crate) async fn client_totals(
    state: State<'_, Shell>,
    client: Id,
) -> Result<ClientTotals, ApiError> {
    state.run(move |app| api::client_totals(app, client)).await
}

#[tauri::command]
pub(crate) async fn lost_clients(
    state: State<'_, Shell>,
    query: Option<LostQuery>,
) -> Result<LostPage, ApiError> {
    state
        .run(move |app| api::lost_clients(app, query.unwrap_or_default()))
        .await
}

#[tauri::command]
pub(crate) async fn analysis(
    state: State<'_, Shell>,
    query: AnalysisQuery,
) -> Result<AnalysisResult, ApiError> {
    state.run(move |app| api::analysis(app, query)).await
}

#[tauri::command]
pub(crate) async fn export_analysis(
    state: State<'_, Shell>,
    query: AnalysisQuery,
) -> Result<String, ApiError> {
    state.run(move |app| api::export_analysis(app, query)).await
}

#[tauri::command]
pub(crate) async fn chart(state: State<'_, Shell>, query: ChartQuery) -> Result<Chart, ApiError> {
    state.run(move |app| api::chart(app, query)).await
}
