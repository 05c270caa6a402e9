//! Server errors and how they reach a device: `{code, message}` with an HTTP status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use clientbase_sync::{codes, ErrorBody};

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("database error: {0}")]
    Db(String),
    #[error("wrong login or password, or invalid token")]
    Unauthorized,
    #[error("the access token expired")]
    TokenExpired,
    #[error("this device was revoked")]
    DeviceRevoked,
    #[error("not allowed for this role")]
    Forbidden,
    #[error("too many failed logins; retry in {0} s")]
    TooManyAttempts(i64),
    #[error("too many login attempts from this network address; retry in {0} s")]
    TooManyFromAddress(i64),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("update the app: {0}")]
    UpdateRequired(String),
    #[error("the server was restored from a backup (epoch changed)")]
    EpochChanged,
    #[error("{0}")]
    Config(String),
}

impl ServerError {
    pub fn code(&self) -> &'static str {
        match self {
            ServerError::Db(_) | ServerError::Config(_) => codes::INTERNAL,
            ServerError::Unauthorized => codes::UNAUTHORIZED,
            ServerError::TokenExpired => codes::TOKEN_EXPIRED,
            ServerError::DeviceRevoked => codes::DEVICE_REVOKED,
            ServerError::Forbidden => codes::FORBIDDEN,
            ServerError::TooManyAttempts(_) | ServerError::TooManyFromAddress(_) => {
                codes::TOO_MANY_ATTEMPTS
            }
            ServerError::BadRequest(_) => codes::BAD_REQUEST,
            ServerError::NotFound(_) => codes::NOT_FOUND,
            ServerError::UpdateRequired(_) => codes::UPDATE_REQUIRED,
            ServerError::EpochChanged => codes::EPOCH_CHANGED,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ServerError::Db(_) | ServerError::Config(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ServerError::Unauthorized | ServerError::TokenExpired => StatusCode::UNAUTHORIZED,
            ServerError::DeviceRevoked | ServerError::Forbidden => StatusCode::FORBIDDEN,
            ServerError::TooManyAttempts(_) | ServerError::TooManyFromAddress(_) => {
                StatusCode::TOO_MANY_REQUESTS
            }
            ServerError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ServerError::NotFound(_) => StatusCode::NOT_FOUND,
            ServerError::UpdateRequired(_) => StatusCode::UPGRADE_REQUIRED,
            ServerError::EpochChanged => StatusCode::CONFLICT,
        }
    }
}

impl From<rusqlite::Error> for ServerError {
    fn from(e: rusqlite::Error) -> Self {
        ServerError::Db(e.to_string())
    }
}

impl From<postgres::Error> for ServerError {
    fn from(e: postgres::Error) -> Self {
        ServerError::Db(e.to_string())
    }
}

impl From<serde_json::Error> for ServerError {
    fn from(e: serde_json::Error) -> Self {
        ServerError::Db(format!("stored JSON: {e}"))
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        if let ServerError::Db(msg) = &self {
            tracing::error!("{msg}");
        }
        // Internal details stay in the server's log; the device gets the code.
        let message = match &self {
            ServerError::Db(_) => "internal error".to_owned(),
            other => other.to_string(),
        };
        let body = ErrorBody {
            code: self.code().to_owned(),
            message,
        };
        let mut res = (self.status(), axum::Json(body)).into_response();
        if let ServerError::TooManyAttempts(s) | ServerError::TooManyFromAddress(s) = &self {
            if let Ok(v) = axum::http::HeaderValue::from_str(&s.max(&1).to_string()) {
                res.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
            }
        }
        res
    }
}
