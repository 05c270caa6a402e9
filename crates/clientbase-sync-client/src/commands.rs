//! The sync commands the app exposes (Tauri shell, devserver), by name with JSON arguments, like
//! `clientbase_import::commands`. They take the app behind its mutex because they wait on the
//! network: each locks the store only for its own short steps. Any other command name goes on to
//! `clientbase_core::api::dispatch` (under the lock).
//!
//! | command | args | answer |
//! |---|---|---|
//! | `sync_connect` | `url, login, password, device_name?, allow_http?` | [`crate::SyncStatus`] |
//! | `sync_status` | – | [`crate::SyncStatus`] |
//! | `sync_now` | – | [`crate::SyncStatus`] (after a full round; errors come back as the status' `error`) |
//! | `sync_request` | – | `null` (the background loop syncs within ~3 s) |
//! | `sync_sign_out` | `wipe` | [`crate::SyncStatus`] |
//! | `sync_users` | – | `[User]` (managers: owner filter and hand-over screen) |
//! | `sync_reassign` | `from, to` (user ids) | `{clients, version}` then a sync round |
//! | `sync_conflicts` | `limit?` | `[SyncConflict]` (this device's) |

use crate::{AppLock, SyncError, SyncStatus};
use clientbase_core::api;
use clientbase_core::ApiError;
use serde_json::{json, Value};

/// The commands this module answers.
pub const COMMANDS: &[&str] = &[
    "sync_connect",
    "sync_status",
    "sync_now",
    "sync_request",
    "sync_sign_out",
    "sync_users",
    "sync_reassign",
    "sync_conflicts",
];

impl From<SyncError> for ApiError {
    fn from(e: SyncError) -> Self {
        ApiError::new(&e.code(), e.to_string())
    }
}

fn bad(msg: &str) -> ApiError {
    ApiError::new("bad_request", msg)
}

fn s<'a>(a: &'a Value, k: &str) -> Result<&'a str, ApiError> {
    a.get(k)
        .and_then(Value::as_str)
        .ok_or_else(|| bad(&format!("missing string argument `{k}`")))
}

fn to_json<T: serde::Serialize>(v: T) -> Result<Value, ApiError> {
    serde_json::to_value(v).map_err(|e| ApiError::new("internal", e.to_string()))
}

pub fn sync_connect<L: AppLock + ?Sized>(app: &L, a: &Value) -> Result<SyncStatus, ApiError> {
    Ok(crate::connect(
        app,
        s(a, "url")?,
        s(a, "login")?,
        s(a, "password")?,
        a.get("device_name").and_then(Value::as_str).unwrap_or(""),
        a.get("allow_http")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    )?)
}

/// A full round; a failure is reported in the status (`error`), not as a command error, so the
/// UI always gets the status line.
pub fn sync_now<L: AppLock + ?Sized>(app: &L) -> Result<SyncStatus, ApiError> {
    let _ = crate::sync_round(app);
    Ok(crate::status(app)?)
}

pub fn dispatch<L: AppLock + ?Sized>(app: &L, cmd: &str, args: Value) -> Result<Value, ApiError> {
    if !COMMANDS.contains(&cmd) {
        let mut a = app.lock_app()?;
        return api::dispatch(&mut a, cmd, args);
    }
    let a = if args.is_null() { json!({}) } else { args };
    if !a.is_object() {
        return Err(bad("arguments must be a JSON object"));
    }
    match cmd {
        "sync_connect" => to_json(sync_connect(app, &a)?),
        "sync_status" => to_json(crate::status(app)?),
        "sync_now" => to_json(sync_now(app)?),
        "sync_request" => {
            crate::request_sync(app);
            Ok(Value::Null)
        }
        "sync_sign_out" => to_json(crate::sign_out(
            app,
            a.get("wipe").and_then(Value::as_bool).unwrap_or(true),
        )?),
        "sync_users" => to_json(crate::users(app)?),
        "sync_reassign" => {
            let r = crate::reassign(app, s(&a, "from")?, s(&a, "to")?)?;
            let _ = crate::sync_round(app);
            to_json(r)
        }
        "sync_conflicts" => {
            let limit = a.get("limit").and_then(Value::as_u64).unwrap_or(100) as u32;
            let app = app.lock_app()?;
            to_json(
                app.store
                    .sync_conflicts(limit)
                    .map_err(|e| ApiError::from(SyncError::from(e)))?,
            )
        }
        _ => Err(bad("unknown command")),
    }
}
