//! Storage: ONE interface ([`Backend`] + [`Conn`]) and two backends, SQLite ([`sqlite`], the
//! embedded default) and PostgreSQL ([`postgres`]). Both are blocking and run on tokio's blocking
//! pool; the sync logic (`service.rs`) is written once against [`Conn`] with SQL both engines
//! accept (TEXT/BIGINT columns, `$n` parameters, `ON CONFLICT` upserts, `RETURNING`).

pub mod postgres;
pub mod sqlite;

use crate::error::ServerError;

/// A parameter or a column value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Int(i64),
    Text(String),
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(v)
    }
}
impl From<u64> for Val {
    fn from(v: u64) -> Self {
        Val::Int(v as i64)
    }
}
impl From<bool> for Val {
    fn from(v: bool) -> Self {
        Val::Int(v as i64)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(v.to_owned())
    }
}
impl From<&String> for Val {
    fn from(v: &String) -> Self {
        Val::Text(v.clone())
    }
}
impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(v)
    }
}
impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(v: Option<T>) -> Self {
        v.map_or(Val::Null, Into::into)
    }
}

/// One result row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub Vec<Val>);

impl Row {
    pub fn int(&self, i: usize) -> i64 {
        match self.0.get(i) {
            Some(Val::Int(v)) => *v,
            Some(Val::Text(t)) => t.parse().unwrap_or(0),
            _ => 0,
        }
    }
    pub fn text(&self, i: usize) -> String {
        self.opt_text(i).unwrap_or_default()
    }
    pub fn opt_text(&self, i: usize) -> Option<String> {
        match self.0.get(i) {
            Some(Val::Text(t)) => Some(t.clone()),
            Some(Val::Int(v)) => Some(v.to_string()),
            _ => None,
        }
    }
}

/// A connection inside a transaction.
pub trait Conn {
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, ServerError>;
    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>, ServerError>;
    fn batch(&mut self, sql: &str) -> Result<(), ServerError>;
    fn query_one(&mut self, sql: &str, params: &[Val]) -> Result<Option<Row>, ServerError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }
}

/// Whether a transaction writes. SQLite sends writes to its one writer connection (readers run
/// beside it in WAL mode); PostgreSQL uses the same pool for both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Read,
    Write,
    /// A read that a lagging read-only copy may serve (a pull's page): PostgreSQL sends it to
    /// its read replica when one is configured, SQLite treats it as [`Mode::Read`].
    Replica,
}

/// A storage backend: runs a closure in one transaction, committing if it returns `Ok`.
pub trait Backend: Send + Sync + 'static {
    fn name(&self) -> &'static str;
    /// Whether [`Mode::Replica`] reads go to a separate, possibly lagging, copy.
    fn has_replica(&self) -> bool {
        false
    }
    fn run(
        &self,
        mode: Mode,
        f: &mut dyn FnMut(&mut dyn Conn) -> Result<(), ServerError>,
    ) -> Result<(), ServerError>;
}

/// [`Backend::run`] with a result.
pub fn tx<R>(
    backend: &dyn Backend,
    mode: Mode,
    f: impl FnOnce(&mut dyn Conn) -> Result<R, ServerError>,
) -> Result<R, ServerError> {
    let mut f = Some(f);
    let mut out = None;
    backend.run(mode, &mut |c| {
        let f = f
            .take()
            .ok_or_else(|| ServerError::Db("transaction re-run".into()))?;
        out = Some(f(c)?);
        Ok(())
    })?;
    out.ok_or_else(|| ServerError::Db("transaction produced nothing".into()))
}

/// The server's schema migrations, the same SQL for both backends.
pub const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/0001_init.sql")),
    (2, include_str!("../../migrations/0002_log_audience.sql")),
];

/// Applies the pending migrations in one transaction (the caller holds whatever lock the backend
/// needs so two servers starting at once do not both migrate). Refuses a newer schema.
pub fn migrate(c: &mut dyn Conn) -> Result<(), ServerError> {
    c.batch("CREATE TABLE IF NOT EXISTS server_migrations (version BIGINT PRIMARY KEY NOT NULL)")?;
    let current = c
        .query_one("SELECT MAX(version) FROM server_migrations", &[])?
        .map_or(0, |r| r.int(0));
    let newest = MIGRATIONS.last().map_or(0, |m| m.0);
    if current > newest {
        return Err(ServerError::Config(format!(
            "the database has server schema {current}, newer than this binary's {newest}: run a newer clientbase-server"
        )));
    }
    for (v, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        c.batch(sql)?;
        c.exec(
            "INSERT INTO server_migrations (version) VALUES ($1)",
            &[Val::Int(*v)],
        )?;
    }
    Ok(())
}
