//! Errors. Libraries use `thiserror` enums; the UI receives [`ApiError`] `{code, message, fields}` and
//! translates `code` (and each field error's `code`) into the rep's language. `message` is English,
//! for logs and for codes the UI does not know yet.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// One problem with one form field. `field` is a path into `ClientInput` (`"phones.0.raw"`,
/// `"emails.1.address"`, `"first_name"`, `"contacts.0.birthday"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FieldError {
    pub field: String,
    /// Stable code, e.g. `phone_invalid`, `phone_not_mobile`, `phone_too_short`, `email_invalid`,
    /// `name_required`, `birthday_invalid`, `url_invalid`, `custom_invalid`.
    pub code: String,
    /// Values for the translated message, e.g. `{"country": "UA"}`.
    pub params: BTreeMap<String, String>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &str) -> Self {
        Self {
            field: field.into(),
            code: code.to_owned(),
            params: BTreeMap::new(),
        }
    }
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.params.insert(key.to_owned(), value.into());
        self
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("this database was written by a newer version of Clientbase (schema {found}, this app knows up to {supported}); update the app to open it")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("the database file cannot be opened: {0}")]
    Open(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored data is malformed: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the backup could not be written: {0}")]
    Backup(String),
    /// `reason`: `not_sqlite`, `corrupt`, `schema_too_new`, `not_clientbase`.
    #[error("this file is not a backup that can be restored ({reason}): {detail}")]
    BackupInvalid { reason: String, detail: String },
    /// A long write (an import) was cancelled by the user: nothing was written.
    #[error("cancelled")]
    Cancelled,
}

/// What every command returns on failure, serialised to the UI as `{code, message, fields}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{code}: {message}")]
#[ts(export)]
pub struct ApiError {
    /// `schema_too_new`, `db_open`, `not_found`, `validation`, `conflict`, `db`, `bad_request`, `internal`,
    /// `backup_failed`, `backup_invalid` (the reason as the code of a `file` field error), `cancelled`
    /// (an import the user cancelled: nothing was written), `busy` (an import is already running).
    pub code: String,
    pub message: String,
    pub fields: Vec<FieldError>,
}

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
            fields: Vec::new(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let message = e.to_string();
        match e {
            StoreError::SchemaTooNew { .. } => ApiError::new("schema_too_new", message),
            StoreError::Open(_) => ApiError::new("db_open", message),
            StoreError::NotFound(_) => ApiError::new("not_found", message),
            StoreError::Validation(fields) => ApiError {
                code: "validation".into(),
                message,
                fields,
            },
            StoreError::Conflict(_) => ApiError::new("conflict", message),
            StoreError::Sqlite(_) => ApiError::new("db", message),
            StoreError::Json(_) => ApiError::new("db", message),
            StoreError::Backup(_) => ApiError::new("backup_failed", message),
            StoreError::Cancelled => ApiError::new("cancelled", message),
            StoreError::BackupInvalid { reason, .. } => ApiError {
                code: "backup_invalid".into(),
                message,
                fields: vec![FieldError::new("file", &reason)],
            },
        }
    }
}
