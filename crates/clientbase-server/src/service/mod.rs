//! The server's logic, written once over [`Conn`]: accounts and tokens, push, pull, reassignment,
//! the conflict log, epochs. Every method is blocking (the HTTP layer runs it on tokio's blocking
//! pool) and every write is one transaction.
//!
//! This file holds the configuration, the session, [`Service`] itself and the epochs. The rest of
//! [`Service`] lives beside what it works on: `accounts.rs` (companies and users), `login.rs`
//! (login, refresh tokens, sessions), `push.rs`, `pull.rs`, `reassign.rs` and `conflicts.rs` (the
//! conflict log); `rows.rs` holds the rows and log entries one write transaction touches, and
//! `clock.rs` the server's own clock and the changes it originates.

mod accounts;
mod clock;
mod conflicts;
mod login;
mod pull;
mod push;
mod reassign;
mod rows;

pub use accounts::parse_role;
pub use conflicts::Conflict;

use crate::db::{tx, Backend, Conn, Mode};
use crate::error::ServerError;
use clientbase_sync::Role;
use clock::ServerClock;
use std::sync::{Arc, Mutex};

/// Tunables (tests shorten the token lifetime and the lockout).
#[derive(Debug, Clone)]
pub struct Config {
    /// Lifetime of an access token.
    pub access_ttl_ms: i64,
    /// Failed logins in a row before the login is locked.
    pub max_failed_logins: i64,
    /// How long a locked login stays locked (doubled for every further failure, at most a day).
    pub lockout_ms: i64,
    /// The most entries a pull page carries (a page may exceed it to finish a version). Devices
    /// ask for 2,000 per page, and for more on a first sync (fewer, larger transactions).
    pub max_pull_limit: u32,
    /// The most changes one push may carry.
    pub max_push: usize,
    /// Login attempts one client address may make at once ([`crate::limit`]) …
    pub ip_login_burst: u32,
    /// … and then one more every this many milliseconds.
    pub ip_login_interval_ms: u64,
    /// Behind a reverse proxy: the client address is the proxy's `X-Forwarded-For` entry.
    pub trust_forwarded_for: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            access_ttl_ms: 15 * 60 * 1000,
            max_failed_logins: 5,
            lockout_ms: 5 * 60 * 1000,
            max_pull_limit: 20_000,
            max_push: 5000,
            ip_login_burst: 20,
            ip_login_interval_ms: 30_000,
            trust_forwarded_for: false,
        }
    }
}

/// Who is calling: the device behind an access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub company_id: String,
    pub user_id: String,
    pub role: Role,
    pub device_id: String,
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

pub struct Service {
    backend: Arc<dyn Backend>,
    cfg: Config,
    epoch: String,
    clock: Mutex<ServerClock>,
}

/// Sets a new epoch when the database is marked as a backup (see [`Service::mark_as_backup`]),
/// creates one on first start; returns the epoch.
fn ensure_epoch(backend: &dyn Backend) -> Result<String, ServerError> {
    tx(backend, Mode::Write, |c| {
        let epoch = c
            .query_one("SELECT value FROM server_meta WHERE key = 'epoch'", &[])?
            .map(|r| r.text(0));
        let restored = c
            .query_one("SELECT value FROM server_meta WHERE key = 'is_backup'", &[])?
            .is_some();
        match epoch {
            Some(e) if !restored => Ok(e),
            _ => {
                let e = new_id();
                c.exec(
                    "INSERT INTO server_meta (key, value) VALUES ('epoch', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    &[e.as_str().into()],
                )?;
                c.exec("DELETE FROM server_meta WHERE key = 'is_backup'", &[])?;
                if restored {
                    tracing::warn!("this database is a restored backup: new epoch {e}; devices will re-push what it lacks");
                }
                Ok(e)
            }
        }
    })
}

/// Marks a database as a backup: the server that next opens it starts a new epoch.
pub fn mark_as_backup(c: &mut dyn Conn) -> Result<(), ServerError> {
    c.exec(
        "INSERT INTO server_meta (key, value) VALUES ('is_backup', '1') ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[],
    )?;
    Ok(())
}

impl Service {
    pub fn new(backend: Arc<dyn Backend>, cfg: Config) -> Result<Service, ServerError> {
        let epoch = ensure_epoch(backend.as_ref())?;
        Ok(Service {
            backend,
            cfg,
            epoch,
            clock: Mutex::new(ServerClock::default()),
        })
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    pub fn epoch(&self) -> &str {
        &self.epoch
    }

    pub fn backend(&self) -> &dyn Backend {
        self.backend.as_ref()
    }

    /// Starts a new epoch now (after restoring a PostgreSQL dump; the SQLite `restore` command
    /// does it itself). Takes effect at the next start of every server process.
    pub fn new_epoch(backend: &dyn Backend) -> Result<String, ServerError> {
        tx(backend, Mode::Write, mark_as_backup)?;
        ensure_epoch(backend)
    }
}
