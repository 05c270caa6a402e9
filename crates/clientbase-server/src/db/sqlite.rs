//! The embedded backend: one SQLite file in WAL mode. Writes go through one writer connection
//! (`BEGIN IMMEDIATE`, so a company's versions commit in order); reads use a small pool of
//! reader connections that see the last committed state beside the writer.

use super::{migrate, Backend, Conn, Mode, Row, Val};
use crate::error::ServerError;
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Idle reader connections kept open.
const MAX_IDLE_READERS: usize = 64;

/// The writer connection's page cache (`PRAGMA cache_size`, negative: KiB): 64 MB.
const WRITER_CACHE_KIB: i64 = -65_536;

pub struct Sqlite {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

impl rusqlite::ToSql for Val {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Val::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Val::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Val::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
        })
    }
}

fn open(path: &Path, read_only: bool) -> Result<Connection, ServerError> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let c = Connection::open_with_flags(path, flags)?;
    c.busy_timeout(std::time::Duration::from_secs(10))?;
    if !read_only {
        c.pragma_update(None, "journal_mode", "WAL")?;
        c.pragma_update(None, "synchronous", "NORMAL")?;
        c.pragma_update(None, "foreign_keys", "ON")?;
        // The sub-journal of a savepoint (the push writer's group commit runs every push in one)
        // stays in memory instead of a temp file created and deleted per push.
        c.pragma_update(None, "temp_store", "MEMORY")?;
        // SQLite's default page cache is 2 MB: once `rows`, `log` and their indexes outgrow it,
        // every B-tree step of a push (prefetch lookups, upserts, log inserts) re-reads its pages
        // from the OS with a pread. The writer is one connection: give it 64 MB.
        c.pragma_update(None, "cache_size", WRITER_CACHE_KIB)?;
    }
    c.set_prepared_statement_cache_capacity(128);
    Ok(c)
}

impl Sqlite {
    /// Opens (creating) the database file and applies the server's migrations.
    pub fn open(path: &Path) -> Result<Sqlite, ServerError> {
        let mut writer = open(path, false)?;
        let t = writer.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut c = SqliteConn(&t);
            migrate(&mut c)?;
        }
        t.commit()?;
        Ok(Sqlite {
            path: path.to_owned(),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes a consistent copy of the database to `dest` with SQLite's online backup API.
    pub fn backup_to(&self, dest: &Path) -> Result<(), ServerError> {
        let w = self
            .writer
            .lock()
            .map_err(|_| ServerError::Db("writer lock poisoned".into()))?;
        let mut out = Connection::open(dest)?;
        let b = rusqlite::backup::Backup::new(&w, &mut out)?;
        b.run_to_completion(256, std::time::Duration::from_millis(0), None)?;
        Ok(())
    }
}

struct SqliteConn<'a>(&'a Connection);

impl Conn for SqliteConn<'_> {
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, ServerError> {
        let mut st = self.0.prepare_cached(sql)?;
        Ok(st.execute(rusqlite::params_from_iter(params))? as u64)
    }

    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>, ServerError> {
        let mut st = self.0.prepare_cached(sql)?;
        let n = st.column_count();
        let mut rows = st.query(rusqlite::params_from_iter(params))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let mut vals = Vec::with_capacity(n);
            for i in 0..n {
                vals.push(match r.get_ref(i)? {
                    ValueRef::Null => Val::Null,
                    ValueRef::Integer(v) => Val::Int(v),
                    ValueRef::Real(f) => Val::Int(f as i64),
                    ValueRef::Text(t) | ValueRef::Blob(t) => {
                        Val::Text(String::from_utf8_lossy(t).into_owned())
                    }
                });
            }
            out.push(Row(vals));
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<(), ServerError> {
        Ok(self.0.execute_batch(sql)?)
    }
}

fn run_in(
    c: &Connection,
    begin: &str,
    f: &mut dyn FnMut(&mut dyn Conn) -> Result<(), ServerError>,
) -> Result<(), ServerError> {
    c.execute_batch(begin)?;
    let r = f(&mut SqliteConn(c));
    match r {
        Ok(()) => {
            if let Err(e) = c.execute_batch("COMMIT") {
                let _ = c.execute_batch("ROLLBACK");
                return Err(e.into());
            }
            Ok(())
        }
        Err(e) => {
            let _ = c.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

impl Backend for Sqlite {
    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn run(
        &self,
        mode: Mode,
        f: &mut dyn FnMut(&mut dyn Conn) -> Result<(), ServerError>,
    ) -> Result<(), ServerError> {
        match mode {
            Mode::Write => {
                let w = self
                    .writer
                    .lock()
                    .map_err(|_| ServerError::Db("writer lock poisoned".into()))?;
                run_in(&w, "BEGIN IMMEDIATE", f)
            }
            Mode::Read | Mode::Replica => {
                let pooled = self
                    .readers
                    .lock()
                    .map_err(|_| ServerError::Db("pool lock poisoned".into()))?
                    .pop();
                let c = match pooled {
                    Some(c) => c,
                    None => open(&self.path, true)?,
                };
                let r = run_in(&c, "BEGIN", f);
                let mut pool = self
                    .readers
                    .lock()
                    .map_err(|_| ServerError::Db("pool lock poisoned".into()))?;
                if pool.len() < MAX_IDLE_READERS {
                    pool.push(c);
                }
                r
            }
        }
    }
}
