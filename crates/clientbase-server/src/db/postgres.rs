//! The PostgreSQL backend (rust-postgres' synchronous client). Transactions run at READ
//! COMMITTED; every write transaction of a company starts by bumping the company's `version`
//! row, whose lock serialises that company's writers, so versions commit in order.

use super::{migrate, Backend, Conn, Mode, Row, Val};
use crate::error::ServerError;
use postgres::types::{to_sql_checked, IsNull, ToSql, Type};
use postgres::{Client, NoTls, Statement};
use std::collections::HashMap;
use std::error::Error;
use std::sync::Mutex;

/// Idle connections kept open. A tiny hand-written pool: a Vec behind a mutex is all that a
/// blocking client on tokio's blocking pool needs (r2d2 would add a thread and a dependency).
const MAX_IDLE: usize = 16;

struct PgClient {
    client: Client,
    /// Prepared statements by SQL text (rust-postgres has no statement cache of its own).
    statements: HashMap<String, Statement>,
}

pub struct Postgres {
    url: String,
    pool: Mutex<Vec<PgClient>>,
    /// A read-only copy (a streaming standby) for [`Mode::Replica`] reads, with its own pool.
    replica: Option<(String, Mutex<Vec<PgClient>>)>,
}

impl ToSql for Val {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        match self {
            Val::Null => Ok(IsNull::Yes),
            Val::Int(v) => match *ty {
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                Type::TEXT | Type::VARCHAR => v.to_string().to_sql(ty, out),
                _ => v.to_sql(ty, out),
            },
            Val::Text(t) => match *ty {
                Type::INT8 => t.parse::<i64>()?.to_sql(ty, out),
                _ => t.to_sql(ty, out),
            },
        }
    }

    fn accepts(ty: &Type) -> bool {
        matches!(
            *ty,
            Type::INT8
                | Type::INT4
                | Type::INT2
                | Type::TEXT
                | Type::VARCHAR
                | Type::BPCHAR
                | Type::NAME
        )
    }

    to_sql_checked!();
}

fn connect(url: &str) -> Result<PgClient, ServerError> {
    let mut client = Client::connect(url, NoTls)?;
    // Statements are prepared once per connection; a generic plan chosen while a table was still
    // small (a sequential scan) would stay cached as it grows, making pushes linear in the table
    // size. Custom plans are re-planned with the current statistics.
    client.batch_execute("SET plan_cache_mode = force_custom_plan")?;
    Ok(PgClient {
        client,
        statements: HashMap::new(),
    })
}

impl Postgres {
    /// Connects and applies the server's migrations (under an advisory lock, so servers starting
    /// together migrate once).
    pub fn open(url: &str) -> Result<Postgres, ServerError> {
        Self::open_with_replica(url, None)
    }

    /// [`Postgres::open`] with a read replica: pulls read from `replica_url` (a hot standby of
    /// the same database, or any read-only copy that replays it in order).
    pub fn open_with_replica(
        url: &str,
        replica_url: Option<&str>,
    ) -> Result<Postgres, ServerError> {
        let pg = Postgres {
            url: url.to_owned(),
            pool: Mutex::new(Vec::new()),
            replica: replica_url.map(|u| (u.to_owned(), Mutex::new(Vec::new()))),
        };
        pg.run(Mode::Write, &mut |c| {
            c.query("SELECT pg_advisory_xact_lock(7146803)", &[])?;
            migrate(c)
        })?;
        Ok(pg)
    }
}

struct PgConn<'a>(&'a mut PgClient);

impl PgConn<'_> {
    fn statement(&mut self, sql: &str) -> Result<Statement, ServerError> {
        if let Some(s) = self.0.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.0.client.prepare(sql)?;
        self.0.statements.insert(sql.to_owned(), s.clone());
        Ok(s)
    }
}

fn params(p: &[Val]) -> Vec<&(dyn ToSql + Sync)> {
    p.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

impl Conn for PgConn<'_> {
    fn exec(&mut self, sql: &str, p: &[Val]) -> Result<u64, ServerError> {
        let st = self.statement(sql)?;
        Ok(self.0.client.execute(&st, &params(p))?)
    }

    fn query(&mut self, sql: &str, p: &[Val]) -> Result<Vec<Row>, ServerError> {
        let st = self.statement(sql)?;
        let rows = self.0.client.query(&st, &params(p))?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let mut vals = Vec::with_capacity(r.len());
            for (i, col) in r.columns().iter().enumerate() {
                let v = match *col.type_() {
                    Type::INT8 => r.try_get::<_, Option<i64>>(i)?.map_or(Val::Null, Val::Int),
                    Type::INT4 => r
                        .try_get::<_, Option<i32>>(i)?
                        .map_or(Val::Null, |v| Val::Int(v.into())),
                    Type::INT2 => r
                        .try_get::<_, Option<i16>>(i)?
                        .map_or(Val::Null, |v| Val::Int(v.into())),
                    Type::BOOL => r
                        .try_get::<_, Option<bool>>(i)?
                        .map_or(Val::Null, |v| Val::Int(v.into())),
                    Type::VOID => Val::Null,
                    _ => r
                        .try_get::<_, Option<String>>(i)?
                        .map_or(Val::Null, Val::Text),
                };
                vals.push(v);
            }
            out.push(Row(vals));
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<(), ServerError> {
        Ok(self.0.client.batch_execute(sql)?)
    }
}

impl Backend for Postgres {
    fn name(&self) -> &'static str {
        "postgres"
    }

    fn has_replica(&self) -> bool {
        self.replica.is_some()
    }

    fn run(
        &self,
        mode: Mode,
        f: &mut dyn FnMut(&mut dyn Conn) -> Result<(), ServerError>,
    ) -> Result<(), ServerError> {
        let (url, pool) = match (&self.replica, mode) {
            (Some((url, pool)), Mode::Replica) => (url, pool),
            _ => (&self.url, &self.pool),
        };
        let pooled = pool
            .lock()
            .map_err(|_| ServerError::Db("pool lock poisoned".into()))?
            .pop();
        let mut pc = match pooled {
            Some(c) if !c.client.is_closed() => c,
            _ => connect(url)?,
        };
        let begin = match mode {
            Mode::Read | Mode::Replica => "BEGIN READ ONLY",
            Mode::Write => "BEGIN",
        };
        pc.client.batch_execute(begin)?;
        let r = f(&mut PgConn(&mut pc));
        let r = match r {
            Ok(()) => pc.client.batch_execute("COMMIT").map_err(ServerError::from),
            Err(e) => {
                let _ = pc.client.batch_execute("ROLLBACK");
                Err(e)
            }
        };
        if !pc.client.is_closed() {
            let mut pool = pool
                .lock()
                .map_err(|_| ServerError::Db("pool lock poisoned".into()))?;
            if pool.len() < MAX_IDLE {
                pool.push(pc);
            }
        }
        r
    }
}
