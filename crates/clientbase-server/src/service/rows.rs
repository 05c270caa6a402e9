//! What one write transaction touches, read and written in bulk: the rows (`RowCache`, prefetched
//! by primary-key lookups), the log entries and conflicts (`LogWriter`), and the company's version.

use crate::db::{Conn, Row, Val};
use crate::error::ServerError;
use clientbase_sync::{EntryBody, RowState};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// A row loaded for a push or a reassignment.
#[derive(Debug, Clone)]
pub(super) struct Loaded {
    pub(super) state: RowState,
    pub(super) client_id: Option<String>,
    pub(super) owner: Option<String>,
    pub(super) exists: bool,
    pub(super) dirty: bool,
}

impl Loaded {
    /// Takes the row's owner from its merged `owner` field (a client's).
    pub(super) fn owner_from_fields(&mut self) {
        self.owner = self
            .state
            .fields
            .get("owner")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned);
    }
}

pub(super) type RowKey = (String, String);

pub(super) fn load_row(
    c: &mut dyn Conn,
    company: &str,
    tbl: &str,
    row_id: &str,
) -> Result<Loaded, ServerError> {
    let r = c.query_one(
        "SELECT client_id, owner, fields, clocks, life, deleted FROM rows WHERE company_id = $1 AND tbl = $2 AND row_id = $3",
        &[company.into(), tbl.into(), row_id.into()],
    )?;
    Ok(match r {
        Some(r) => loaded_of(&r, 0)?,
        None => Loaded {
            state: RowState::default(),
            client_id: None,
            owner: None,
            exists: false,
            dirty: false,
        },
    })
}

/// A [`Loaded`] from the columns client_id, owner, fields, clocks, life, deleted starting at `at`.
pub(super) fn loaded_of(r: &Row, at: usize) -> Result<Loaded, ServerError> {
    let fields: Map<String, Value> = serde_json::from_str(&r.text(at + 2))?;
    let clocks: BTreeMap<String, String> = serde_json::from_str(&r.text(at + 3))?;
    Ok(Loaded {
        state: RowState {
            fields,
            clocks,
            life: r.opt_text(at + 4),
            deleted: r.int(at + 5) != 0,
        },
        client_id: r.opt_text(at),
        owner: r.opt_text(at + 1),
        exists: true,
        dirty: false,
    })
}

/// Rows touched by one transaction, written back at its end.
pub(super) struct RowCache {
    company: String,
    pub(super) rows: HashMap<RowKey, Loaded>,
}

impl RowCache {
    pub(super) fn new(company: &str) -> Self {
        RowCache {
            company: company.to_owned(),
            rows: HashMap::new(),
        }
    }
    pub(super) fn get(
        &mut self,
        c: &mut dyn Conn,
        tbl: &str,
        row_id: &str,
    ) -> Result<&mut Loaded, ServerError> {
        let key = (tbl.to_owned(), row_id.to_owned());
        if !self.rows.contains_key(&key) {
            let l = load_row(c, &self.company, tbl, row_id)?;
            self.rows.insert(key.clone(), l);
        }
        Ok(self.rows.get_mut(&key).expect("just inserted"))
    }
    /// Loads the rows of `keys` not in the cache, a chunk of ids per statement.
    pub(super) fn prefetch(
        &mut self,
        c: &mut dyn Conn,
        keys: &[RowKey],
    ) -> Result<(), ServerError> {
        let mut by_table: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (t, id) in keys {
            if !self.rows.contains_key(&(t.clone(), id.clone())) {
                by_table.entry(t.as_str()).or_default().push(id.as_str());
            }
        }
        for (tbl, mut ids) in by_table {
            ids.sort_unstable();
            ids.dedup();
            for chunk in ids.chunks(PREFETCH_CHUNK) {
                // Padded to a chunk size (repeating the last id) so few SQL texts exist.
                let n = CHUNKS
                    .into_iter()
                    .rev()
                    .find(|&k| k >= chunk.len())
                    .unwrap_or(chunk.len());
                // One primary-key lookup per id, not `row_id IN (…)`: with statistics that lag a
                // fast-growing table, PostgreSQL planned the IN list as a filter over an index
                // scan of the whole company (profiled: every push read all the company's rows).
                let mut sql = String::new();
                let mut params: Vec<Val> = vec![self.company.as_str().into(), tbl.into()];
                for i in 0..n {
                    if i > 0 {
                        sql.push_str(" UNION ALL ");
                    }
                    sql.push_str(&format!(
                        "SELECT row_id, client_id, owner, fields, clocks, life, deleted FROM rows WHERE company_id = $1 AND tbl = $2 AND row_id = ${}",
                        i + 3
                    ));
                    params.push(chunk[i.min(chunk.len() - 1)].into());
                }
                for r in c.query(&sql, &params)? {
                    self.rows
                        .insert((tbl.to_owned(), r.text(0)), loaded_of(&r, 1)?);
                }
                for id in chunk {
                    self.rows
                        .entry((tbl.to_owned(), (*id).to_owned()))
                        .or_insert_with(|| Loaded {
                            state: RowState::default(),
                            client_id: None,
                            owner: None,
                            exists: false,
                            dirty: false,
                        });
                }
            }
        }
        Ok(())
    }

    /// Writes the changed rows back, in bulk upserts.
    pub(super) fn flush(&mut self, c: &mut dyn Conn) -> Result<(), ServerError> {
        let mut rows = Vec::new();
        for ((tbl, row_id), l) in &self.rows {
            if l.dirty {
                rows.push(vec![
                    self.company.as_str().into(),
                    tbl.into(),
                    row_id.into(),
                    l.client_id.clone().into(),
                    l.owner.clone().into(),
                    serde_json::to_string(&l.state.fields)?.into(),
                    serde_json::to_string(&l.state.clocks)?.into(),
                    l.state.life.clone().into(),
                    l.state.deleted.into(),
                ]);
            }
        }
        insert_many(
            c,
            "INSERT INTO rows (company_id, tbl, row_id, client_id, owner, fields, clocks, life, deleted) VALUES",
            "ON CONFLICT (company_id, tbl, row_id) DO UPDATE SET client_id = excluded.client_id, owner = excluded.owner, \
             fields = excluded.fields, clocks = excluded.clocks, life = excluded.life, deleted = excluded.deleted",
            rows,
        )
    }
}

/// Entries of one version for the log, and conflicts, written in bulk at the end of the
/// transaction (a push of 1,000 changes is a handful of statements, not thousands of round trips).
pub(super) struct LogWriter {
    company: String,
    version: i64,
    idx: i64,
    entries: Vec<Vec<Val>>,
    pub(super) conflicts: Vec<Vec<Val>>,
}

impl LogWriter {
    pub(super) fn new(company: &str, version: i64) -> Self {
        LogWriter {
            company: company.to_owned(),
            version,
            idx: 0,
            entries: Vec::new(),
            conflicts: Vec::new(),
        }
    }

    pub(super) fn add(
        &mut self,
        client_id: Option<&str>,
        target: Option<&str>,
        body: &EntryBody,
    ) -> Result<(), ServerError> {
        self.entries.push(vec![
            self.company.as_str().into(),
            self.version.into(),
            self.idx.into(),
            client_id.into(),
            target.into(),
            serde_json::to_string(body)?.into(),
        ]);
        self.idx += 1;
        Ok(())
    }

    /// Writes the entries (with their audience: the target, else the current owner of their
    /// client from `cache`, else '*') and the conflicts.
    pub(super) fn flush(
        &mut self,
        c: &mut dyn Conn,
        cache: &mut RowCache,
    ) -> Result<(), ServerError> {
        let mut entries = std::mem::take(&mut self.entries);
        for e in &mut entries {
            let audience = match (&e[4], &e[3]) {
                (Val::Text(target), _) => target.clone(),
                (_, Val::Text(client)) => cache
                    .get(c, "clients", client)?
                    .owner
                    .clone()
                    .unwrap_or_default(),
                _ => "*".to_owned(),
            };
            e.push(audience.into());
        }
        insert_many(
            c,
            "INSERT INTO log (company_id, version, idx, client_id, target_user, body, audience) VALUES",
            "",
            entries,
        )?;
        insert_many(
            c,
            "INSERT INTO conflicts (id, company_id, at_ms, user_id, device_id, tbl, row_id, client_id, field, value, clock, winner_clock, reason) VALUES",
            "",
            std::mem::take(&mut self.conflicts),
        )
    }
}

/// Ids one prefetch statement looks up (a UNION ALL of this many lookups at most).
const PREFETCH_CHUNK: usize = 64;

/// Chunk sizes of bulk statements: few distinct SQL texts (prepared once per connection), few
/// round trips.
const CHUNKS: [usize; 7] = [256, 64, 16, 8, 4, 2, 1];

/// `head (..),(..) tail` over `rows` (all of one width), in chunks of [`CHUNKS`] sizes.
fn insert_many(
    c: &mut dyn Conn,
    head: &str,
    tail: &str,
    rows: Vec<Vec<Val>>,
) -> Result<(), ServerError> {
    let Some(width) = rows.first().map(Vec::len) else {
        return Ok(());
    };
    let mut rest = &rows[..];
    while !rest.is_empty() {
        let n = CHUNKS.into_iter().find(|&k| k <= rest.len()).unwrap_or(1);
        let (chunk, tail_rows) = rest.split_at(n);
        let mut sql = String::with_capacity(head.len() + n * width * 5 + tail.len());
        sql.push_str(head);
        let mut p = 0;
        for i in 0..n {
            sql.push_str(if i == 0 { " (" } else { ", (" });
            for j in 0..width {
                p += 1;
                if j > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("${p}"));
            }
            sql.push(')');
        }
        sql.push(' ');
        sql.push_str(tail);
        let params: Vec<Val> = chunk.iter().flatten().cloned().collect();
        c.exec(&sql, &params)?;
        rest = tail_rows;
    }
    Ok(())
}

/// Bumps the company's version: the first write of every push/reassignment transaction (its row
/// lock orders the company's writers, so versions follow commit order).
pub(super) fn bump_version(c: &mut dyn Conn, company: &str) -> Result<i64, ServerError> {
    c.query_one(
        "UPDATE companies SET version = version + 1 WHERE id = $1 RETURNING version",
        &[company.into()],
    )?
    .map(|r| r.int(0))
    .ok_or_else(|| ServerError::NotFound("company".into()))
}
