//! The command API. Each `pub fn` here is one command; the Tauri shell wraps each in a 3-line
//! `#[tauri::command]`, the dev HTTP adapter reaches them through [`dispatch`]. Argument names are the
//! JSON keys the UI sends (single words, so Tauri's camelCase conversion is the identity).
//!
//! CONTRACT (being implemented): signatures below are fixed; bodies are filled in by the store work.

use crate::error::ApiError;
use crate::model::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Platform {
    Desktop,
    Android,
    Ios,
}

/// A one-tap action on the client card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ActionKind {
    Call,
    Sms,
    Whatsapp,
    Telegram,
    Viber,
    Email,
    Map,
    Website,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ContactAction {
    pub kind: ActionKind,
    /// What the button shows under its name: the phone, handle, e-mail or address.
    pub label: String,
    /// The URL to open: `tel:+380…`, `sms:+380…`, `https://wa.me/380…`, `https://t.me/user`,
    /// `viber://chat?number=%2B380…`, `mailto:…`, a maps URL for the platform.
    pub url: String,
    /// Set when the action belongs to a contact person of an organisation.
    #[ts(optional)]
    pub contact_id: Option<Id>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ClientCard {
    pub client: Client,
    pub actions: Vec<ContactAction>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    pub schema_version: i64,
    pub db_path: String,
    pub platform: Platform,
}

/// Everything a command needs: the open store and what platform we run on.
pub struct App {
    pub platform: Platform,
    // store: crate::store::Store  (added by the store work)
}
