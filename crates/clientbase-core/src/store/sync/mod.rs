//! Company sync, device side — no network here (the HTTP client is `clientbase-sync-client`).
//!
//! - [`Store::sync_push_batch`] reads the next local changes (from `change_log`, after the pushed
//!   mark), expanding a bulk load's image-less inserts (`fields` = null) into the row as stored.
//! - [`Store::sync_mark_pushed`] takes the server's answer in one transaction: the pushed mark
//!   ([`clientbase_sync::next_pushed_mark`]), rejected changes voided (`sync_rejected`), their rows
//!   queued for refetch and their values kept in `sync_conflicts`.
//! - [`Store::sync_apply_page`] merges a pulled page with THE shared merge
//!   ([`clientbase_sync::merge_change`] / [`clientbase_sync::merge_row`]) and stores the new cursor
//!   in ONE transaction, so the cursor is never ahead of the data. Remote writes are not logged
//!   (they are not local changes) but update everything the store derives: `clients`' derived
//!   columns, `client_keys`, `name_order`, `last_contact_at`, `contacts.birthday_md`,
//!   `tasks.remind_at`, and, after the commit, the search index. The clock observes every
//!   remote timestamp, so later local edits are later than everything seen. Rows new to this
//!   device, or held but never changed here, are merged in memory and written in bulk first
//!   (`fast.rs`: same merge, same write
//!   rules, same result — `tests/sync_fast.rs`); every touched client is derived once per page;
//!   [`Store::sync_apply_page_index_later`] leaves the search index to one rebuild after a first
//!   sync's pages.
//!
//! A field's clock is the later of the clock the server sent (`sync_clock`: a row's base clock —
//! its insert's — plus per-field overrides and the life clock) and the latest local, non-rejected
//! change-log entry naming the field (`change_log_row` index).

use super::rows;
use super::{save_clock, Store};
use crate::error::StoreError;
use crate::hlc::Timestamp;
use crate::model::Client;
use clientbase_sync::{
    self as proto, next_pushed_mark, table_spec, Change, Cursor, EntryBody, Op, Outcome,
    PullRequest, PullResponse, PushResponse, RowImage, RowRef, RowState, User,
};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

mod derive;
mod fast;

/// Columns the store derives (never pushed, never taken from the server: recomputed).
fn derived_columns(table: &str) -> &'static [&'static str] {
    match table {
        "clients" => &[
            "city",
            "phone_display",
            "subtitle",
            "phone_digits",
            "search_extra",
            "search_notes",
            "birthday_md",
            "last_contact_at",
        ],
        "contacts" => &["birthday_md"],
        "tasks" => &["remind_at"],
        _ => &[],
    }
}

/// Columns stored as JSON text whose change-log form is the JSON value itself.
fn json_columns(table: &str) -> &'static [&'static str] {
    match table {
        "clients" => &[
            "phones",
            "emails",
            "messengers",
            "address",
            "tags",
            "custom",
        ],
        "contacts" => &["phones", "emails", "messengers"],
        "custom_fields" => &["options"],
        "orders" => &["items"],
        _ => &[],
    }
}

/// The sync account and position of this device.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyncState {
    pub server_url: String,
    pub user: User,
    pub company_id: String,
    pub company_name: String,
    #[serde(skip)]
    pub access_token: String,
    #[serde(skip)]
    pub access_expires_ms: i64,
    #[serde(skip)]
    pub refresh_token: String,
    pub cursor: Cursor,
    pub head: u64,
    pub pushed_seq: u64,
    pub last_sync_ms: Option<i64>,
    pub last_error: Option<String>,
}

/// A value that lost a merge on this device, or a local change the server rejected.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyncConflict {
    pub at_ms: i64,
    pub table: String,
    pub row_id: String,
    pub field: Option<String>,
    pub value: Option<Value>,
    pub clock: String,
    pub winner_clock: Option<String>,
    /// `superseded`, `deleted` (an edit of a row deleted elsewhere) or `rejected:<reason>`.
    pub reason: String,
}

/// What applying a page did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ApplyStats {
    pub applied: u64,
    pub superseded: u64,
    pub removed: u64,
    pub conflicts: u64,
    /// Entries applied through the fast path for rows new to this device or held but never
    /// changed here (`fast.rs`; included in `applied` / `superseded`).
    pub fast: u64,
    /// Clients the fast path wrote new and derived from their images in memory while the page's
    /// rows were written (`derive.rs`), not read back.
    pub imaged: u64,
}

/// The clocks `sync_clock` holds for a row.
#[derive(Debug, Clone, Default, PartialEq)]
struct RemoteClocks {
    base: Option<String>,
    fields: BTreeMap<String, String>,
    life: Option<(String, bool)>,
}

fn sql_value(v: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as S;
    match v {
        Value::Null => S::Null,
        Value::Bool(b) => S::Integer(*b as i64),
        Value::Number(n) => match n.as_i64() {
            Some(i) => S::Integer(i),
            None => S::Real(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => S::Text(s.clone()),
        other => S::Text(other.to_string()),
    }
}

/// [`sql_value`] of a value it may take apart (no copy of its text).
fn sql_value_owned(v: Value) -> rusqlite::types::Value {
    match v {
        Value::String(s) => rusqlite::types::Value::Text(s),
        other => sql_value(&other),
    }
}

fn json_value(v: rusqlite::types::ValueRef<'_>, is_json: bool) -> Value {
    use rusqlite::types::ValueRef as R;
    match v {
        R::Null => Value::Null,
        R::Integer(i) => Value::from(i),
        R::Real(f) => Value::from(f),
        R::Text(t) => {
            let s = String::from_utf8_lossy(t);
            if is_json {
                serde_json::from_str(&s).unwrap_or(Value::String(s.into_owned()))
            } else {
                Value::String(s.into_owned())
            }
        }
        R::Blob(b) => Value::String(String::from_utf8_lossy(b).into_owned()),
    }
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// Column names of a table (cached per transaction by the caller).
fn columns(tx: &rusqlite::Connection, table: &str) -> Result<Vec<String>, StoreError> {
    let mut st = tx.prepare(&format!("PRAGMA table_info({})", quote(table)))?;
    let cols = st
        .query_map([], |r| r.get::<_, String>(1))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(cols)
}

/// Columns with their declared default (SQL text) and NOT NULL flag.
fn column_defaults(
    conn: &rusqlite::Connection,
    table: &str,
) -> Result<Vec<(String, Option<String>, bool)>, StoreError> {
    let mut st = conn.prepare(&format!("PRAGMA table_info({})", quote(table)))?;
    let cols = st
        .query_map([], |r| Ok((r.get(1)?, r.get(4)?, r.get::<_, bool>(3)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(cols)
}

/// Puts every domain column a reset image does not name back to its default (the server never
/// had a value for it: what this device wrote there was rejected).
fn reset_unnamed_columns(
    tx: &Transaction<'_>,
    table: &str,
    row_id: &str,
    named: &Map<String, Value>,
) -> Result<(), StoreError> {
    let derived = derived_columns(table);
    let sets: Vec<String> = column_defaults(tx, table)?
        .into_iter()
        .filter(|(c, d, notnull)| {
            c != "id"
                && !derived.contains(&c.as_str())
                && !named.contains_key(c)
                && (d.is_some() || !notnull)
        })
        // The default is the schema's own SQL expression (e.g. '', '[]', NULL).
        .map(|(c, d, _)| format!("{} = {}", quote(&c), d.unwrap_or_else(|| "NULL".into())))
        .collect();
    if !sets.is_empty() {
        tx.execute(
            &format!(
                "UPDATE {} SET {} WHERE id = ?1",
                quote(table),
                sets.join(", ")
            ),
            [row_id],
        )?;
    }
    Ok(())
}

/// The stored row as a change-log image (every domain column; JSON columns as JSON).
fn row_image(
    conn: &rusqlite::Connection,
    table: &str,
    row_id: &str,
    cols: &[String],
) -> Result<Option<Map<String, Value>>, StoreError> {
    let derived = derived_columns(table);
    let json = json_columns(table);
    let wanted: Vec<&String> = cols
        .iter()
        .filter(|c| c.as_str() != "id" && !derived.contains(&c.as_str()))
        .collect();
    if wanted.is_empty() {
        return Ok(None);
    }
    let sql = format!(
        "SELECT {} FROM {} WHERE id = ?1",
        wanted
            .iter()
            .map(|c| quote(c))
            .collect::<Vec<_>>()
            .join(", "),
        quote(table)
    );
    let mut st = conn.prepare_cached(&sql)?;
    let out = st
        .query_row([row_id], |r| {
            let mut m = Map::new();
            for (i, c) in wanted.iter().enumerate() {
                m.insert(
                    (*c).clone(),
                    json_value(r.get_ref(i)?, json.contains(&c.as_str())),
                );
            }
            Ok(m)
        })
        .optional()?;
    Ok(out)
}

fn read_state(tx: &rusqlite::Connection) -> Result<Option<SyncState>, StoreError> {
    let row = tx
        .query_row(
            "SELECT server_url, user_json, company_id, company_name, access_token, access_expires_ms, \
             refresh_token, epoch, version, head, pushed_seq, last_sync_ms, last_error FROM sync_state WHERE id = 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, i64>(8)?,
                    r.get::<_, i64>(9)?,
                    r.get::<_, i64>(10)?,
                    r.get::<_, Option<i64>>(11)?,
                    r.get::<_, Option<String>>(12)?,
                ))
            },
        )
        .optional()?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(SyncState {
        server_url: r.0,
        user: serde_json::from_str(&r.1)?,
        company_id: r.2,
        company_name: r.3,
        access_token: r.4,
        access_expires_ms: r.5,
        refresh_token: r.6,
        cursor: Cursor {
            epoch: r.7,
            version: r.8 as u64,
        },
        head: r.9 as u64,
        pushed_seq: r.10 as u64,
        last_sync_ms: r.11,
        last_error: r.12,
    }))
}

fn not_connected() -> StoreError {
    StoreError::Conflict("not connected to a company server".into())
}

/// Reads the clocks the server sent for a row.
fn remote_clocks(
    tx: &Transaction<'_>,
    table: &str,
    row_id: &str,
) -> Result<RemoteClocks, StoreError> {
    let row = tx
        .prepare_cached(
            "SELECT base, clocks, life, deleted FROM sync_clock WHERE table_name = ?1 AND row_id = ?2",
        )?
        .query_row([table, row_id], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, bool>(3)?,
            ))
        })
        .optional()?;
    let Some((base, clocks, life, deleted)) = row else {
        return Ok(RemoteClocks::default());
    };
    Ok(RemoteClocks {
        base,
        fields: serde_json::from_str(&clocks)?,
        life: life.map(|l| (l, deleted)),
    })
}

fn write_remote_clocks(
    tx: &Transaction<'_>,
    table: &str,
    row_id: &str,
    c: &RemoteClocks,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT OR REPLACE INTO sync_clock (table_name, row_id, base, clocks, life, deleted) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        table,
        row_id,
        c.base,
        serde_json::to_string(&c.fields)?,
        c.life.as_ref().map(|l| &l.0),
        c.life.as_ref().is_some_and(|l| l.1),
    ])?;
    Ok(())
}

/// The merge state of a row for `fields`: stored values, and per field the later of the server's
/// clock and the latest local (non-rejected) change naming it. Returns whether the row exists.
fn load_state(
    tx: &Transaction<'_>,
    table: &str,
    row_id: &str,
    fields: &[&String],
    cols: &[String],
    remote: &RemoteClocks,
) -> Result<(bool, RowState), StoreError> {
    let mut state = RowState::default();
    let present: Vec<&&String> = fields.iter().filter(|f| cols.contains(f)).collect();
    let json = json_columns(table);
    let exists = if present.is_empty() {
        tx.prepare_cached(&format!("SELECT 1 FROM {} WHERE id = ?1", quote(table)))?
            .query_row([row_id], |_| Ok(()))
            .optional()?
            .is_some()
    } else {
        let sql = format!(
            "SELECT {} FROM {} WHERE id = ?1",
            present
                .iter()
                .map(|c| quote(c))
                .collect::<Vec<_>>()
                .join(", "),
            quote(table)
        );
        let vals = tx
            .prepare_cached(&sql)?
            .query_row([row_id], |r| {
                let mut m = Map::new();
                for (i, c) in present.iter().enumerate() {
                    m.insert(
                        (**c).clone(),
                        json_value(r.get_ref(i)?, json.contains(&c.as_str())),
                    );
                }
                Ok(m)
            })
            .optional()?;
        match vals {
            Some(m) => {
                state.fields = m;
                true
            }
            None => false,
        }
    };
    remote_into_state(&mut state, fields, remote);
    // Local clocks: the newest non-rejected change-log entry naming each field.
    let mut st = tx.prepare_cached(
        "SELECT hlc, op, fields FROM change_log WHERE row_id = ?1 AND table_name = ?2 \
         AND seq NOT IN (SELECT seq FROM sync_rejected) ORDER BY seq DESC",
    )?;
    let mut rows_ = st.query([row_id, table])?;
    let mut missing: BTreeSet<&String> = fields.iter().copied().collect();
    let mut life_seen = false;
    while let Some(r) = rows_.next()? {
        let hlc: String = r.get(0)?;
        let op: String = r.get(1)?;
        if !life_seen && (op == "delete" || op == "restore") {
            life_seen = true;
            if state.life.as_deref().is_none_or(|l| l < hlc.as_str()) {
                state.life = Some(hlc.clone());
                state.deleted = op == "delete";
            }
        }
        if missing.is_empty() && life_seen {
            break;
        }
        let f: Value = serde_json::from_str(rows::text(r, 2)?)?;
        let named: Vec<&String> = match &f {
            Value::Object(m) => missing
                .iter()
                .copied()
                .filter(|k| m.contains_key(k.as_str()))
                .collect(),
            _ => missing.iter().copied().collect(), // "the row as stored": every field
        };
        for k in named {
            missing.remove(k);
            let cur = state.clocks.get(k.as_str());
            if cur.is_none_or(|c| c.as_str() < hlc.as_str()) {
                state.clocks.insert(k.clone(), hlc.clone());
            }
        }
    }
    Ok((exists, state))
}

/// The server's clocks of `fields` (and the life) into a merge state.
fn remote_into_state(state: &mut RowState, fields: &[&String], remote: &RemoteClocks) {
    for f in fields {
        if let Some(c) = remote.fields.get(*f).or(remote.base.as_ref()) {
            state.clocks.insert((*f).clone(), c.clone());
        }
    }
    if let Some((l, d)) = &remote.life {
        state.life = Some(l.clone());
        state.deleted = *d;
    }
}

/// Per-transaction bookkeeping of what a page touched.
#[derive(Default)]
struct Touched {
    /// Client id → the client before the page (None if it did not exist).
    clients: BTreeMap<String, Option<Client>>,
    /// Clients whose `last_contact_at` must be recomputed.
    contact_of: BTreeSet<String>,
    tasks: BTreeSet<String>,
    contacts: BTreeSet<String>,
    /// Column names per table (shared, not copied per change).
    cols: HashMap<String, std::rc::Rc<Vec<String>>>,
}

impl Touched {
    fn client(&mut self, tx: &Transaction<'_>, id: &str) -> Result<(), StoreError> {
        if !self.clients.contains_key(id) {
            let old = rows::read_client(tx, id)?;
            self.clients.insert(id.to_owned(), old);
        }
        Ok(())
    }
    fn cols(
        &mut self,
        tx: &Transaction<'_>,
        table: &str,
    ) -> Result<std::rc::Rc<Vec<String>>, StoreError> {
        if let Some(c) = self.cols.get(table) {
            return Ok(c.clone());
        }
        let c = std::rc::Rc::new(columns(tx, table)?);
        self.cols.insert(table.to_owned(), c.clone());
        Ok(c)
    }
}

/// The client a row belongs to (its `client_id`, or itself for `clients`).
fn client_of(
    tx: &Transaction<'_>,
    table: &str,
    row_id: &str,
    state: &RowState,
    incoming: Option<&Map<String, Value>>,
) -> Result<Option<String>, StoreError> {
    let spec = table_spec(table);
    match spec.and_then(|s| s.client_column) {
        Some("id") => Ok(Some(row_id.to_owned())),
        Some(col) => {
            let named = incoming
                .and_then(|m| m.get(col))
                .or_else(|| state.fields.get(col));
            if let Some(Value::String(s)) = named {
                return Ok(Some(s.clone()));
            }
            Ok(tx
                .prepare_cached(&format!(
                    "SELECT {} FROM {} WHERE id = ?1",
                    quote(col),
                    quote(table)
                ))?
                .query_row([row_id], |r| r.get::<_, Option<String>>(0))
                .optional()?
                .flatten())
        }
        None => Ok(None),
    }
}

/// Logs each value a merge superseded (a change's or a row image's) as a `superseded` conflict.
fn log_lost(
    tx: &Transaction<'_>,
    now_ms: i64,
    table: &str,
    row_id: &str,
    lost: &[proto::Lost],
    stats: &mut ApplyStats,
) -> Result<(), StoreError> {
    for l in lost {
        conflict(
            tx,
            now_ms,
            table,
            row_id,
            Some(&l.field),
            Some(&l.value),
            &l.clock,
            Some(&l.winner_clock),
            "superseded",
        )?;
        stats.conflicts += 1;
    }
    Ok(())
}

// The columns of a conflict-log row, one argument each (a struct would only rename them).
#[allow(clippy::too_many_arguments)]
fn conflict(
    tx: &Transaction<'_>,
    now_ms: i64,
    table: &str,
    row_id: &str,
    field: Option<&str>,
    value: Option<&Value>,
    clock: &str,
    winner: Option<&str>,
    reason: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO sync_conflicts (at_ms, table_name, row_id, field, value, clock, winner_clock, reason) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        now_ms,
        table,
        row_id,
        field,
        value.map(Value::to_string),
        clock,
        winner,
        reason
    ])?;
    Ok(())
}

/// Writes the fields `won` of `state` (all of them when the row is new) and its life to SQL.
/// Returns false when the row could not be written (a parent that is not on this device).
#[allow(clippy::too_many_arguments)]
fn write_row(
    tx: &Transaction<'_>,
    table: &str,
    row_id: &str,
    exists: bool,
    state: &RowState,
    won: &[String],
    cols: &[String],
    soft_delete: bool,
) -> Result<bool, StoreError> {
    let derived = derived_columns(table);
    let writable =
        |f: &&String| f.as_str() != "id" && cols.contains(f) && !derived.contains(&f.as_str());
    if !soft_delete && state.deleted {
        if exists {
            tx.execute(
                &format!("DELETE FROM {} WHERE id = ?1", quote(table)),
                [row_id],
            )?;
        }
        return Ok(true);
    }
    if exists {
        let set: Vec<&String> = won.iter().filter(writable).collect();
        if set.is_empty() {
            return Ok(true);
        }
        let sql = format!(
            "UPDATE {} SET {} WHERE id = ?1",
            quote(table),
            set.iter()
                .enumerate()
                .map(|(i, c)| format!("{} = ?{}", quote(c), i + 2))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut vals = vec![rusqlite::types::Value::Text(row_id.to_owned())];
        vals.extend(set.iter().map(|c| sql_value(&state.fields[c.as_str()])));
        tx.prepare_cached(&sql)?
            .execute(rusqlite::params_from_iter(vals))?;
        Ok(true)
    } else {
        let state = &RowState {
            fields: new_row_fields(state, cols),
            ..RowState::default()
        };
        let set: Vec<&String> = state.fields.keys().filter(writable).collect();
        let sql = format!(
            "INSERT INTO {} (id{}) VALUES (?1{})",
            quote(table),
            set.iter()
                .map(|c| format!(", {}", quote(c)))
                .collect::<String>(),
            (0..set.len())
                .map(|i| format!(", ?{}", i + 2))
                .collect::<String>()
        );
        let mut vals = vec![rusqlite::types::Value::Text(row_id.to_owned())];
        vals.extend(set.iter().map(|c| sql_value(&state.fields[c.as_str()])));
        match tx
            .prepare_cached(&sql)?
            .execute(rusqlite::params_from_iter(vals))
        {
            Ok(_) => Ok(true),
            // A row whose parent is not here, or a partial row (an update of a row this device
            // never got): not written; its clocks are not recorded either, so a later full image
            // still applies.
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// The values a new row is inserted with: the merged fields, plus the timestamps an image may
/// lack (older apps' contact-person inserts) at the time of the write's clock — the same on every
/// device that applies it.
fn new_row_fields(state: &RowState, cols: &[String]) -> Map<String, Value> {
    let mut fields = state.fields.clone();
    fields.extend(new_row_stamps(state, cols));
    fields
}

/// The timestamps [`new_row_fields`] adds to the merged fields.
fn new_row_stamps(state: &RowState, cols: &[String]) -> Vec<(String, Value)> {
    let stamp = state
        .clocks
        .values()
        .min()
        .and_then(|c| proto::clock_ms(c))
        .map(super::now_rfc3339);
    let Some(stamp) = stamp else {
        return Vec::new();
    };
    ["created_at", "updated_at"]
        .into_iter()
        .filter(|ts| cols.iter().any(|c| c == ts) && !state.fields.contains_key(*ts))
        .map(|ts| (ts.to_owned(), Value::String(stamp.clone())))
        .collect()
}

/// Records the clocks of the fields that won (and the life) in `sync_clock`.
fn record_clocks(
    tx: &Transaction<'_>,
    table: &str,
    row_id: &str,
    remote: RemoteClocks,
    state: &RowState,
    won: &[String],
    insert_clock: Option<&str>,
) -> Result<(), StoreError> {
    let remote = merged_clocks(remote, state, won, insert_clock);
    write_remote_clocks(tx, table, row_id, &remote)
}

/// The server clocks of a row after a write: the fields that won (and the life) at their clocks.
fn merged_clocks(
    mut remote: RemoteClocks,
    state: &RowState,
    won: &[String],
    insert_clock: Option<&str>,
) -> RemoteClocks {
    if let (Some(c), None) = (insert_clock, &remote.base) {
        if remote.fields.is_empty() {
            remote.base = Some(c.to_owned());
        }
    }
    for f in won {
        let c = &state.clocks[f.as_str()];
        if remote.base.as_deref() != Some(c.as_str()) {
            remote.fields.insert(f.clone(), c.clone());
        } else {
            remote.fields.remove(f);
        }
    }
    if let Some(l) = &state.life {
        remote.life = Some((l.clone(), state.deleted));
    }
    remote
}

impl Store {
    /// The account and position, `None` when this device is not connected to a company server.
    pub fn sync_state(&self) -> Result<Option<SyncState>, StoreError> {
        read_state(&self.conn)
    }

    /// The signed-in user, if connected (the owner of new clients, tasks and interactions, and
    /// whose reminders fire here).
    pub fn sync_user(&self) -> Result<Option<User>, StoreError> {
        Ok(self.sync_state()?.map(|s| s.user))
    }

    /// Stores the account after a login: a new cursor in the server's epoch, the pushed mark at
    /// the server's last seq for this device.
    pub fn sync_connect(
        &mut self,
        server_url: &str,
        login: &proto::LoginResponse,
    ) -> Result<(), StoreError> {
        let expires = self.hlc.wall_ms() + login.access_expires_in as i64 * 1000;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let prev = read_state(&tx)?;
        let same = prev
            .as_ref()
            .is_some_and(|p| p.company_id == login.company_id && p.server_url == server_url);
        let (epoch, version) = match &prev {
            Some(p) if same && p.cursor.epoch == login.epoch => {
                (p.cursor.epoch.clone(), p.cursor.version)
            }
            _ => (login.epoch.clone(), 0),
        };
        tx.execute(
            "INSERT OR REPLACE INTO sync_state (id, server_url, user_json, company_id, company_name, \
             access_token, access_expires_ms, refresh_token, epoch, version, head, pushed_seq) \
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?10)",
            params![
                server_url,
                serde_json::to_string(&login.user)?,
                login.company_id,
                login.company_name,
                login.access_token,
                expires,
                login.refresh_token,
                epoch,
                version as i64,
                login.last_seq as i64,
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Stores rotated tokens (after a refresh).
    pub fn sync_set_tokens(&mut self, login: &proto::LoginResponse) -> Result<(), StoreError> {
        let expires = self.hlc.wall_ms() + login.access_expires_in as i64 * 1000;
        self.conn.execute(
            "UPDATE sync_state SET access_token = ?1, access_expires_ms = ?2, refresh_token = ?3, \
             user_json = ?4 WHERE id = 1",
            params![
                login.access_token,
                expires,
                login.refresh_token,
                serde_json::to_string(&login.user)?
            ],
        )?;
        Ok(())
    }

    /// Records the end of a sync round: success (`error` None: the time) or the error code.
    pub fn sync_note(&mut self, error: Option<&str>) -> Result<(), StoreError> {
        match error {
            None => self.conn.execute(
                "UPDATE sync_state SET last_sync_ms = ?1, last_error = NULL WHERE id = 1",
                [self.hlc.wall_ms()],
            )?,
            Some(e) => self
                .conn
                .execute("UPDATE sync_state SET last_error = ?1 WHERE id = 1", [e])?,
        };
        Ok(())
    }

    /// Local changes the server has not answered yet.
    pub fn sync_pending(&self) -> Result<u64, StoreError> {
        let pushed = self.sync_state()?.map_or(0, |s| s.pushed_seq);
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM change_log WHERE seq > ?1",
            [pushed as i64],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    /// The next `limit` local changes after the pushed mark, as the server expects them (image-less
    /// bulk inserts expanded into the row as stored; a row gone since has `{}`).
    pub fn sync_push_batch(&self, limit: usize) -> Result<Vec<Change>, StoreError> {
        let st = self.sync_state()?.ok_or_else(not_connected)?;
        let mut q = self.conn.prepare_cached(
            "SELECT seq, hlc, device_id, table_name, row_id, op, fields FROM change_log \
             WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let mut rows_ = q.query(params![st.pushed_seq as i64, limit as i64])?;
        let mut out = Vec::new();
        let mut cols: HashMap<String, Vec<String>> = HashMap::new();
        while let Some(r) = rows_.next()? {
            let table: String = r.get(3)?;
            let row_id: String = r.get(4)?;
            let op = Op::parse(rows::text(r, 5)?).unwrap_or(Op::Update);
            let logged = serde_json::from_str::<Value>(rows::text(r, 6)?)?;
            let fields = match (logged, op) {
                (Value::Object(m), Op::Insert) => {
                    // An insert's image leaves out empty columns and, for contact persons, the
                    // timestamps: send the row as stored under the logged values, so every device
                    // can insert it whole (a later value sent with the insert's clock loses to
                    // the later change that set it, which follows in the log).
                    if !cols.contains_key(&table) {
                        cols.insert(table.clone(), columns(&self.conn, &table)?);
                    }
                    let mut full =
                        row_image(&self.conn, &table, &row_id, &cols[&table])?.unwrap_or_default();
                    full.extend(m);
                    full
                }
                (Value::Object(m), _) => m,
                _ => {
                    if !cols.contains_key(&table) {
                        cols.insert(table.clone(), columns(&self.conn, &table)?);
                    }
                    row_image(&self.conn, &table, &row_id, &cols[&table])?.unwrap_or_default()
                }
            };
            out.push(Change {
                seq: r.get::<_, i64>(0)? as u64,
                hlc: r.get(1)?,
                device_id: r.get(2)?,
                table,
                row_id,
                op,
                fields,
            });
        }
        Ok(out)
    }

    /// Takes a push answer, in one transaction: the pushed mark, rejected changes voided with
    /// their values in the conflict log and their rows queued for refetch; a new server epoch
    /// restarts the pull cursor.
    pub fn sync_mark_pushed(
        &mut self,
        sent: &[Change],
        resp: &PushResponse,
    ) -> Result<(), StoreError> {
        let now = self.hlc.wall_ms();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let st = read_state(&tx)?.ok_or_else(not_connected)?;
        for (res, c) in resp.results.iter().zip(sent) {
            let reason = res.reason.as_deref().unwrap_or("");
            if res.outcome != Outcome::Rejected
                || reason == proto::reasons::SEQ_GAP
                || reason == proto::reasons::UNKNOWN_TABLE
            {
                continue;
            }
            let fresh = tx.execute(
                "INSERT OR IGNORE INTO sync_rejected (seq, reason) VALUES (?1, ?2)",
                params![c.seq as i64, reason],
            )? > 0;
            if fresh {
                let why = format!("rejected:{reason}");
                if c.fields.is_empty() {
                    conflict(
                        &tx, now, &c.table, &c.row_id, None, None, &c.hlc, None, &why,
                    )?;
                }
                for (f, v) in &c.fields {
                    conflict(
                        &tx,
                        now,
                        &c.table,
                        &c.row_id,
                        Some(f),
                        Some(v),
                        &c.hlc,
                        None,
                        &why,
                    )?;
                }
            }
            tx.execute(
                "INSERT OR IGNORE INTO sync_refetch (table_name, row_id) VALUES (?1, ?2)",
                [&c.table, &c.row_id],
            )?;
        }
        let mark = next_pushed_mark(st.pushed_seq, sent, resp.last_seq);
        tx.execute(
            "UPDATE sync_state SET pushed_seq = ?1 WHERE id = 1",
            [mark as i64],
        )?;
        if resp.epoch != st.cursor.epoch {
            tx.execute(
                "UPDATE sync_state SET epoch = ?1, version = 0 WHERE id = 1",
                [&resp.epoch],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The next pull request: from the cursor, with the rows to refetch.
    pub fn sync_pull_request(&self, limit: u32) -> Result<PullRequest, StoreError> {
        let st = self.sync_state()?.ok_or_else(not_connected)?;
        let mut q = self.conn.prepare_cached(
            "SELECT table_name, row_id FROM sync_refetch ORDER BY 1, 2 LIMIT 500",
        )?;
        let refetch = q
            .query_map([], |r| {
                Ok(RowRef {
                    table: r.get(0)?,
                    row_id: r.get(1)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(PullRequest {
            cursor: Some(st.cursor),
            limit,
            refetch,
        })
    }

    /// The server changed its epoch (restored from a backup): pull again from its beginning
    /// (merging is idempotent); the next push answer rewinds the pushed mark to what it holds.
    pub fn sync_restart_epoch(&mut self, epoch: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE sync_state SET epoch = ?1, version = 0 WHERE id = 1",
            [epoch],
        )?;
        Ok(())
    }

    /// Merges a pulled page and stores its cursor, in one transaction.
    pub fn sync_apply_page(&mut self, page: &PullResponse) -> Result<ApplyStats, StoreError> {
        self.sync_apply_page_until(page, None)
    }

    /// [`Store::sync_apply_page`] leaving the in-memory search index as it is, for the many
    /// pages of a first sync: adding tens of thousands of documents one by one costs far more
    /// than building the index once. The caller then calls [`Store::reload_index`] (also when a
    /// later page fails); a store opened meanwhile builds its index from the rows anyway.
    pub fn sync_apply_page_index_later(
        &mut self,
        page: &PullResponse,
    ) -> Result<ApplyStats, StoreError> {
        self.apply_page(page, None, true, false)
    }

    /// [`Store::sync_apply_page`] that fails with [`StoreError::Cancelled`] before entry
    /// `stop_before` (crash tests: nothing of the page may remain).
    #[doc(hidden)]
    pub fn sync_apply_page_until(
        &mut self,
        page: &PullResponse,
        stop_before: Option<usize>,
    ) -> Result<ApplyStats, StoreError> {
        self.apply_page(page, stop_before, true, true)
    }

    /// [`Store::sync_apply_page`] with every entry through the per-entry merge, without the
    /// fast path for new rows (tests: both must leave the same state).
    #[doc(hidden)]
    pub fn sync_apply_page_per_entry(
        &mut self,
        page: &PullResponse,
    ) -> Result<ApplyStats, StoreError> {
        self.apply_page(page, None, false, true)
    }

    fn apply_page(
        &mut self,
        page: &PullResponse,
        stop_before: Option<usize>,
        fast_path: bool,
        update_index: bool,
    ) -> Result<ApplyStats, StoreError> {
        let now = self.hlc.wall_ms();
        let mut stats = ApplyStats::default();
        let mut touched = Touched::default();
        // A page prepares statements per table and column set: keep them all cached.
        self.conn.set_prepared_statement_cache_capacity(256);
        // The multi-row INSERTs of the fast path need a statement journal (a constraint may
        // undo one half-way): in memory, it never spills to a temporary file written through
        // the kernel (profiled: a few % of a first sync's device time). The store has no
        // temporary tables that switching could drop.
        self.conn.pragma_update(None, "temp_store", "MEMORY")?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let st = read_state(&tx)?.ok_or_else(not_connected)?;
        let pushed = st.pushed_seq;
        // Rows new to this device are merged in memory and written in bulk first (see `fast`);
        // every other entry goes through the per-entry merge below, in page order.
        let (done, deriving) = if fast_path {
            fast::apply_fresh(
                &tx,
                &mut self.hlc,
                &self.name_keys,
                page,
                &mut touched,
                &mut stats,
            )?
        } else {
            (vec![false; page.entries.len()], None)
        };
        for (i, e) in page.entries.iter().enumerate() {
            if stop_before == Some(i) {
                return Err(StoreError::Cancelled);
            }
            if done[i] {
                continue;
            }
            match &e.body {
                EntryBody::Change { change } => {
                    // This device's own change echoed back, still in its log: already applied
                    // here (a base restored from an older backup lacks it, and merges it).
                    if change.device_id == self.hlc.device() {
                        let mine: Option<String> = tx
                            .prepare_cached("SELECT hlc FROM change_log WHERE seq = ?1")?
                            .query_row([change.seq as i64], |r| r.get(0))
                            .optional()?;
                        if mine.as_deref() == Some(change.hlc.as_str()) {
                            stats.superseded += 1;
                            continue;
                        }
                    }
                    if let Ok(ts) = change.hlc.parse::<Timestamp>() {
                        self.hlc.observe(&ts);
                    }
                    apply_change(&tx, now, change, &mut touched, &mut stats)?;
                }
                EntryBody::Row { row } => {
                    observe_image(&mut self.hlc, row);
                    apply_image(&tx, now, row, false, pushed, &mut touched, &mut stats)?;
                }
                EntryBody::Reset { row } => {
                    observe_image(&mut self.hlc, row);
                    apply_image(&tx, now, row, true, pushed, &mut touched, &mut stats)?;
                    tx.execute(
                        "DELETE FROM sync_refetch WHERE table_name = ?1 AND row_id = ?2",
                        [&row.table, &row.row_id],
                    )?;
                }
                EntryBody::Remove { table, row_id } => {
                    remove_row(&tx, table, row_id, &mut touched)?;
                    stats.removed += 1;
                    tx.execute(
                        "DELETE FROM sync_refetch WHERE table_name = ?1 AND row_id = ?2",
                        [table, row_id],
                    )?;
                }
            }
        }
        if stop_before == Some(page.entries.len()) {
            return Err(StoreError::Cancelled);
        }
        // Derived data of everything touched.
        for id in &touched.contact_of {
            tx.prepare_cached(
                "UPDATE clients SET last_contact_at = (SELECT max(at) FROM interactions \
                 WHERE client_id = ?1 AND deleted_at IS NULL) WHERE id = ?1",
            )?
            .execute([id])?;
        }
        for id in &touched.contacts {
            tx.prepare_cached(
                "UPDATE contacts SET birthday_md = CASE WHEN birthday_month IS NULL OR birthday_day IS NULL \
                 THEN NULL ELSE birthday_month * 100 + birthday_day END WHERE id = ?1",
            )?
            .execute([id])?;
        }
        for id in &touched.tasks {
            let due: Option<(String, Option<i64>)> = tx
                .query_row(
                    "SELECT due_at, remind_offset_minutes FROM tasks WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((due, off)) = due {
                let remind = off.and_then(|off| {
                    crate::today::parse_instant(&due)
                        .map(|d| crate::today::fmt_utc(d - chrono::Duration::minutes(off)))
                });
                tx.execute(
                    "UPDATE tasks SET remind_at = ?2 WHERE id = ?1",
                    params![id, remind],
                )?;
            }
        }
        let (live, gone) = derive::write_touched_clients(
            &tx,
            &self.name_keys,
            &touched.clients,
            deriving,
            update_index,
            &mut stats,
        )?;
        tx.execute(
            "UPDATE sync_state SET epoch = ?1, version = ?2, head = ?3 WHERE id = 1",
            params![
                page.cursor.epoch,
                page.cursor.version as i64,
                page.head as i64
            ],
        )?;
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        // Pulled orders and statuses: the analyses' in-memory orders are rebuilt at next use.
        self.invalidate_orders();
        if update_index && !touched.clients.is_empty() {
            // The documents were made from the rows just written (as an edit makes them).
            let index = self.index()?;
            for id in &gone {
                index.remove(id);
            }
            if index.is_empty() && !live.is_empty() {
                // A first page into an empty index: built at once (as at open), not doc by doc.
                index.bulk_load(live);
            } else {
                for d in live {
                    index.upsert(d);
                }
            }
        }
        Ok(stats)
    }

    /// Values that lost a merge here and local changes the server rejected, newest first.
    pub fn sync_conflicts(&self, limit: u32) -> Result<Vec<SyncConflict>, StoreError> {
        let mut q = self.conn.prepare(
            "SELECT at_ms, table_name, row_id, field, value, clock, winner_clock, reason \
             FROM sync_conflicts ORDER BY id DESC LIMIT ?1",
        )?;
        let out = q
            .query_map([limit.min(1000)], |r| {
                Ok(SyncConflict {
                    at_ms: r.get(0)?,
                    table: r.get(1)?,
                    row_id: r.get(2)?,
                    field: r.get(3)?,
                    value: r
                        .get::<_, Option<String>>(4)?
                        .and_then(|v| serde_json::from_str(&v).ok()),
                    clock: r.get(5)?,
                    winner_clock: r.get(6)?,
                    reason: r.get(7)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(out)
    }

    /// Forgets the account (sign-out). With `wipe`, also removes the company's data from this
    /// device: every client with its contacts, interactions, tasks and orders, the change log and
    /// the sync bookkeeping (a revoked device, or a rep handing the phone back).
    pub fn sync_sign_out(&mut self, wipe: bool) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(
            "DELETE FROM sync_state; DELETE FROM sync_refetch; DELETE FROM sync_rejected; \
             DELETE FROM sync_clock;",
        )?;
        if wipe {
            let mut stmts = vec![
                "DELETE FROM sync_conflicts",
                "DELETE FROM tasks",
                "DELETE FROM interactions",
                "DELETE FROM contacts",
                "DELETE FROM client_keys",
                "DELETE FROM name_order",
                "DELETE FROM clients",
                "DELETE FROM change_log",
            ];
            if columns(&tx, "orders")
                .map(|c| !c.is_empty())
                .unwrap_or(false)
            {
                stmts.insert(1, "DELETE FROM orders");
            }
            for s in stmts {
                tx.execute(s, [])?;
            }
        }
        tx.commit()?;
        if wipe {
            self.invalidate_orders();
            let index = self.index()?;
            index.bulk_load(Vec::new());
            index.finish_indexing();
        }
        Ok(())
    }
}

fn observe_image(hlc: &mut crate::hlc::Hlc, row: &RowImage) {
    let newest = row
        .clocks
        .values()
        .filter_map(Value::as_str)
        .chain(row.life.as_deref())
        .max();
    if let Some(ts) = newest.and_then(|c| c.parse::<Timestamp>().ok()) {
        hlc.observe(&ts);
    }
}

fn note_touch(
    tx: &Transaction<'_>,
    table: &str,
    row_id: &str,
    state: &RowState,
    incoming: Option<&Map<String, Value>>,
    touched: &mut Touched,
) -> Result<(), StoreError> {
    if let Some(cid) = client_of(tx, table, row_id, state, incoming)? {
        // Only a client's own row and its contact persons feed what is derived from it (columns,
        // keys, name order, search document); an interaction only its last contact.
        if table == "clients" || table == "contacts" {
            touched.client(tx, &cid)?;
        }
        if table == "interactions" {
            touched.contact_of.insert(cid);
        }
    }
    match table {
        "tasks" => {
            touched.tasks.insert(row_id.to_owned());
        }
        "contacts" => {
            touched.contacts.insert(row_id.to_owned());
        }
        _ => {}
    }
    Ok(())
}

fn apply_change(
    tx: &Transaction<'_>,
    now: i64,
    change: &Change,
    touched: &mut Touched,
    stats: &mut ApplyStats,
) -> Result<(), StoreError> {
    let Some(spec) = table_spec(&change.table) else {
        stats.superseded += 1; // a table this app does not know (a newer schema): ignored
        return Ok(());
    };
    let cols = touched.cols(tx, &change.table)?;
    let remote = remote_clocks(tx, &change.table, &change.row_id)?;
    let names: Vec<&String> = change.fields.keys().collect();
    let (exists, mut state) =
        load_state(tx, &change.table, &change.row_id, &names, &cols, &remote)?;
    // A client's owner feeds nothing the device derives (the owner filter reads the column):
    // a hand-over or a sign-in's adoption does not re-derive every client it names.
    let derives = change.table != "clients"
        || change.op != Op::Update
        || change.fields.keys().any(|k| k != "owner");
    // Before writing: remember the client as it was (keys, name order), found through the
    // change's own client_id for a new row.
    if derives {
        note_touch(
            tx,
            &change.table,
            &change.row_id,
            &state,
            Some(&change.fields),
            touched,
        )?;
    }
    let was_deleted = state.deleted;
    let m = proto::merge_change(&mut state, change, spec.kind);
    log_lost(tx, now, &change.table, &change.row_id, &m.lost, stats)?;
    if m.while_deleted && was_deleted {
        conflict(
            tx,
            now,
            &change.table,
            &change.row_id,
            None,
            None,
            &change.hlc,
            state.life.as_deref(),
            "deleted",
        )?;
        stats.conflicts += 1;
    }
    if m.outcome != Outcome::Applied {
        stats.superseded += 1;
        return Ok(());
    }
    if !exists && change.op != Op::Insert && spec.soft_delete {
        // An edit of a row this device never had: nothing to write it into.
        stats.superseded += 1;
        return Ok(());
    }
    let written = write_row(
        tx,
        &change.table,
        &change.row_id,
        exists,
        &state,
        &m.won,
        &cols,
        spec.soft_delete,
    )?;
    if written {
        let insert_clock = (change.op == Op::Insert).then_some(change.hlc.as_str());
        record_clocks(
            tx,
            &change.table,
            &change.row_id,
            remote,
            &state,
            &m.won,
            insert_clock,
        )?;
        if derives {
            note_touch(tx, &change.table, &change.row_id, &state, None, touched)?;
        }
        stats.applied += 1;
    } else {
        stats.superseded += 1;
    }
    Ok(())
}

fn apply_image(
    tx: &Transaction<'_>,
    now: i64,
    row: &RowImage,
    reset: bool,
    pushed: u64,
    touched: &mut Touched,
    stats: &mut ApplyStats,
) -> Result<(), StoreError> {
    let Some(spec) = table_spec(&row.table) else {
        return Ok(());
    };
    let cols = touched.cols(tx, &row.table)?;
    let names: Vec<&String> = row.fields.keys().collect();
    let remote = if reset {
        RemoteClocks::default()
    } else {
        remote_clocks(tx, &row.table, &row.row_id)?
    };
    let (exists, mut state) = load_state(tx, &row.table, &row.row_id, &names, &cols, &remote)?;
    note_touch(
        tx,
        &row.table,
        &row.row_id,
        &state,
        Some(&row.fields),
        touched,
    )?;
    let won: Vec<String>;
    if reset {
        // The server's image replaces the row; this device's unanswered writes go back on top.
        state = proto::state_of_image(row);
        let mut q = tx.prepare_cached(
            "SELECT seq, hlc, device_id, op, fields FROM change_log WHERE row_id = ?1 AND table_name = ?2 \
             AND seq > ?3 AND seq NOT IN (SELECT seq FROM sync_rejected) ORDER BY seq",
        )?;
        let pending = q
            .query_map(params![row.row_id, row.table, pushed as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        for (seq, hlc, device_id, op, fields) in pending {
            let fields = match serde_json::from_str::<Value>(&fields)? {
                Value::Object(m) => m,
                _ => continue,
            };
            let c = Change {
                device_id,
                seq: seq as u64,
                hlc,
                table: row.table.clone(),
                row_id: row.row_id.clone(),
                op: Op::parse(&op).unwrap_or(Op::Update),
                fields,
            };
            proto::merge_change(&mut state, &c, spec.kind);
        }
        won = state.fields.keys().cloned().collect();
        if exists {
            reset_unnamed_columns(tx, &row.table, &row.row_id, &state.fields)?;
        }
    } else {
        let m = proto::merge_row(&mut state, row);
        log_lost(tx, now, &row.table, &row.row_id, &m.lost, stats)?;
        if m.outcome != Outcome::Applied {
            stats.superseded += 1;
            return Ok(());
        }
        won = m.won;
    }
    let written = write_row(
        tx,
        &row.table,
        &row.row_id,
        exists,
        &state,
        &won,
        &cols,
        spec.soft_delete,
    )?;
    if written {
        let img_clocks = RemoteClocks {
            base: None,
            fields: row
                .clocks
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect(),
            life: row.life.clone().map(|l| (l, row.deleted)),
        };
        if reset {
            write_remote_clocks(tx, &row.table, &row.row_id, &img_clocks)?;
        } else {
            record_clocks(tx, &row.table, &row.row_id, remote, &state, &won, None)?;
        }
        note_touch(tx, &row.table, &row.row_id, &state, None, touched)?;
        stats.applied += 1;
    }
    Ok(())
}

/// Removes a row handed to someone else (a client: with its contacts, interactions, tasks and
/// orders) without logging anything.
fn remove_row(
    tx: &Transaction<'_>,
    table: &str,
    row_id: &str,
    touched: &mut Touched,
) -> Result<(), StoreError> {
    if table_spec(table).is_none() {
        return Ok(());
    }
    if table == "clients" {
        touched.client(tx, row_id)?;
        for child in ["contacts", "interactions", "tasks", "orders"] {
            if touched.cols(tx, child)?.is_empty() {
                continue;
            }
            tx.execute(
                &format!(
                    "DELETE FROM sync_clock WHERE table_name = ?1 AND row_id IN \
                     (SELECT id FROM {} WHERE client_id = ?2)",
                    quote(child)
                ),
                [child, row_id],
            )?;
        }
    } else {
        let st = RowState::default();
        note_touch(tx, table, row_id, &st, None, touched)?;
    }
    tx.execute(
        &format!("DELETE FROM {} WHERE id = ?1", quote(table)),
        [row_id],
    )?;
    tx.execute(
        "DELETE FROM sync_clock WHERE table_name = ?1 AND row_id = ?2",
        [table, row_id],
    )?;
    Ok(())
}
