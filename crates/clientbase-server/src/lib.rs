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
    open_backend_with_replica(data_dir, postgres_url, None)
}

/// [`open_backend`] with PostgreSQL's optional read replica for pulls (`--postgres-read-url`).
pub fn open_backend_with_replica(
    data_dir: &Path,
    postgres_url: Option<&str>,
    read_url: Option<&str>,
) -> Result<Arc<dyn db::Backend>, ServerError> {
    if read_url.is_some() && postgres_url.is_none() {
        return Err(ServerError::Config(
            "a read replica URL needs --postgres (SQLite has no replicas)".into(),
        ));
    }
    Ok(match postgres_url {
        Some(url) => Arc::new(db::postgres::Postgres::open_with_replica(url, read_url)?),
        None => {
            std::fs::create_dir_all(data_dir)
                .map_err(|e| ServerError::Config(format!("{}: {e}", data_dir.display())))?;
            Arc::new(db::sqlite::Sqlite::open(&data_dir.join(SQLITE_FILE))?)
        }
    })
}
