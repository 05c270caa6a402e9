//! Clientbase's company sync server.
//!
//! - [`db`]: storage behind one interface, with SQLite and PostgreSQL backends and the server's
//!   migrations (`migrations/`).
//! - [`service`]: accounts, devices and tokens, push/pull with `clientbase_sync`'s shared merge,
//!   visibility per rep, reassignment, the conflict log, epochs.
//! - [`http`]: the axum routes and binding (plain HTTP on loopback, or rustls).
//! - [`auth`]: password hashes and tokens.
//! - [`limit`]: login attempts per client address.

pub mod auth;
pub mod db;
pub mod error;
pub mod http;
pub mod limit;
pub mod service;

pub use error::ServerError;
pub use service::{Config, Service, Session};

use std::path::Path;
use std::sync::Arc;

/// The database file of the SQLite backend inside the data directory.
pub const SQLITE_FILE: &str = "clientbase-server.db";

/// Opens the storage: PostgreSQL when `postgres_url` is given, else SQLite in `data_dir`.
pub fn open_backend(
    data_dir: &Path,
    postgres_url: Option<&str>,
) -> Result<Arc<dyn db::Backend>, ServerError> {
    Ok(match postgres_url {
        Some(url) => Arc::new(db::postgres::Postgres::open(url)?),
        None => {
            std::fs::create_dir_all(data_dir)
                .map_err(|e| ServerError::Config(format!("{}: {e}", data_dir.display())))?;
            Arc::new(db::sqlite::Sqlite::open(&data_dir.join(SQLITE_FILE))?)
        }
    })
}
