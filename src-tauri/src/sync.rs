//! Company sync (issue 5): thin `#[tauri::command]`s over `clientbase_sync_client::commands`. They
//! wait on the network, so unlike the other commands they do not run under [`Shell::run`] (which
//! holds the store for the whole call): the shell lends the store to the sync client per step
//! ([`AppLock`]), and the call runs on the blocking pool.

use crate::Shell;
use clientbase_core::api::App;
use clientbase_core::ApiError;
use clientbase_sync_client::{commands, AppLock, SyncError};
use serde_json::{json, Value};
use std::ops::{Deref, DerefMut};
use std::sync::MutexGuard;
use tauri::State;

/// The open store inside the shell's slot (checked to be `Some(Ok(_))` before it is made).
struct Opened<'a>(MutexGuard<'a, Option<Result<App, ApiError>>>);

impl Deref for Opened<'_> {
    type Target = App;
    fn deref(&self) -> &App {
        match &*self.0 {
            Some(Ok(app)) => app,
            _ => unreachable!("checked in lock_app"),
        }
    }
}

impl DerefMut for Opened<'_> {
    fn deref_mut(&mut self) -> &mut App {
        match &mut *self.0 {
            Some(Ok(app)) => app,
            _ => unreachable!("checked in lock_app"),
        }
    }
}

impl AppLock for Shell {
    fn lock_app(&self) -> Result<Box<dyn DerefMut<Target = App> + '_>, SyncError> {
        let (slot, ready) = &*self.0;
        let mut guard = slot.lock().unwrap_or_else(|p| p.into_inner());
        while guard.is_none() {
            guard = ready.wait(guard).unwrap_or_else(|p| p.into_inner());
        }
        if let Some(Err(e)) = &*guard {
            return Err(SyncError::Server {
                status: 0,
                code: e.code.clone(),
                message: e.message.clone(),
            });
        }
        Ok(Box::new(Opened(guard)))
    }
}

/// Runs a sync command on the blocking pool.
async fn call(state: State<'_, Shell>, cmd: &'static str, args: Value) -> Result<Value, ApiError> {
    let shell = state.inner().clone();
    tauri::async_runtime::spawn_blocking(move || commands::dispatch(&shell, cmd, args))
        .await
        .map_err(|e| ApiError::new("internal", e.to_string()))?
}

#[tauri::command]
pub(crate) async fn sync_connect(
    state: State<'_, Shell>,
    url: String,
    login: String,
    password: String,
    device_name: Option<String>,
) -> Result<Value, ApiError> {
    let args =
        json!({"url": url, "login": login, "password": password, "device_name": device_name});
    call(state, "sync_connect", args).await
}

#[tauri::command]
pub(crate) async fn sync_status(state: State<'_, Shell>) -> Result<Value, ApiError> {
    call(state, "sync_status", json!({})).await
}

#[tauri::command]
pub(crate) async fn sync_now(state: State<'_, Shell>) -> Result<Value, ApiError> {
    call(state, "sync_now", json!({})).await
}

#[tauri::command]
pub(crate) async fn sync_request(state: State<'_, Shell>) -> Result<Value, ApiError> {
    call(state, "sync_request", json!({})).await
}

#[tauri::command]
pub(crate) async fn sync_sign_out(state: State<'_, Shell>, wipe: bool) -> Result<Value, ApiError> {
    call(state, "sync_sign_out", json!({ "wipe": wipe })).await
}

#[tauri::command]
pub(crate) async fn sync_users(state: State<'_, Shell>) -> Result<Value, ApiError> {
    call(state, "sync_users", json!({})).await
}

#[tauri::command]
pub(crate) async fn sync_reassign(
    state: State<'_, Shell>,
    from: String,
    to: String,
) -> Result<Value, ApiError> {
    call(state, "sync_reassign", json!({ "from": from, "to": to })).await
}

#[tauri::command]
pub(crate) async fn sync_conflicts(
    state: State<'_, Shell>,
    limit: Option<u32>,
) -> Result<Value, ApiError> {
    call(state, "sync_conflicts", json!({ "limit": limit })).await
}

/// Syncs in the background for the life of the app (start, every 5 minutes, when asked, with
/// back-off while offline); it waits for the store like every command.
pub(crate) fn start_background(shell: &Shell) {
    clientbase_sync_client::spawn_background(
        std::sync::Arc::new(shell.clone()),
        std::time::Duration::from_secs(300),
    );
}
