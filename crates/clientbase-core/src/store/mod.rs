//! The SQLite store: one connection, schema migrations at open, the in-memory search index and the
//! hybrid logical clock.
//!
//! # Change log (sync)
//! Every write to a domain table (`clients`, `contacts`, `categories`, `custom_fields`, `settings`,
//! `interaction_kinds`, `interaction_outcomes`, `interactions`, `tasks`, `greeting_templates`) appends one `change_log` row per written row IN THE SAME TRANSACTION: `op` is
//! `insert | update | delete | restore`, `fields` is a JSON object `{column: new value}` holding every
//! column for an insert and only the changed columns (plus `updated_at`) for an update — except the
//! inserts of a bulk load, whose `fields` is JSON `null`: "the row as stored" (see `bulk.rs`). Each row carries
//! the HLC timestamp of the write. The per-field clock of a row's field is therefore the `hlc` of the
//! latest change-log row for that row naming the field (last-writer-wins per field on merge).
//! The derived tables `client_keys` and `name_order`, the derived columns of `clients` (`city`,
//! `phone_display`, `subtitle`, `phone_digits`, `search_extra`, `search_notes`, `birthday_md`,
//! `last_contact_at`) and `tasks.remind_at` are recomputed by the store and never logged; neither is
//! `meta` (device-local: device id, clock, backup settings). The seeded default categories have fixed ids and are not logged.

pub mod activity;
mod agenda;
pub mod backup;
mod bulk;
mod catalog;
mod checkpoint;
mod clients;
pub(crate) mod docs;
pub mod import;
pub mod merge;
mod order;
pub mod orders;
pub mod owner;
pub(crate) mod rows;
pub mod sync;
mod tasks;

use crate::error::StoreError;
use crate::hlc::{Clock, Hlc, SystemClock, Timestamp};
use crate::migrations;
use crate::model::*;
use clientbase_search::{Index, NameKeys};
use order::IndexSlot;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::Value;

pub use agenda::{SECTION_LIMIT, TASK_ROWS_FIRST};
pub use rows::Derived;

/// Page size of new databases (bytes).
pub(crate) const PAGE_SIZE: i64 = 8192;

/// Size the WAL file is truncated to after a checkpoint (bytes).
pub(crate) const WAL_SIZE_LIMIT: i64 = 16 * 1024 * 1024;

/// Page cache: 32 MiB (negative = KiB).
pub(crate) const CACHE_SIZE: i64 = -32_768;

pub struct Store {
    conn: Connection,
    path: String,
    hlc: Hlc,
    /// The search index; built on a background thread after open (see `order.rs`).
    index: IndexSlot,
    /// Set when the index could not be built: list requests report it.
    index_error: Option<String>,
    /// Collation keys of the `name_order` table, in the UI language.
    /// Shared with a first sync's derive worker (`sync/derive.rs`).
    name_keys: std::sync::Arc<NameKeys>,
    settings: Settings,
    /// Milliseconds the index loader spent reading the clients, and building the index (set once
    /// the index is installed: see [`Store::wait_for_index`]).
    pub open_read_ms: f64,
    pub open_index_ms: f64,
    /// Milliseconds per phase of the last bulk load (generation, SQL rows, commit, index).
    pub bulk_phases_ms: Vec<(&'static str, f64)>,
    /// Index changes committed by background writers (imports on their own thread), installed at
    /// the next index access ([`Store::apply_background`]).
    inbox: std::sync::Arc<std::sync::Mutex<Vec<import::IndexUpdate>>>,
    /// In-memory orders for the analyses and what is derived from them (`orders.rs`).
    orders: orders::OrdersState,
}

/// The locale the search index collates names in for a UI language ("" → "en").
fn index_locale(language: &str) -> &str {
    match language {
        "ru" | "uk" | "el" | "zh" | "en" => language,
        _ => "en",
    }
}

pub(crate) fn now_rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Appends one change-log row.
pub(crate) fn log_change(
    tx: &Transaction<'_>,
    hlc: &mut Hlc,
    table: &str,
    row_id: &str,
    op: &str,
    fields: &str,
) -> Result<(), StoreError> {
    let ts = hlc.tick().to_string();
    let mut st = tx.prepare_cached(
        "INSERT INTO change_log (hlc, device_id, table_name, row_id, op, fields) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    st.execute(params![ts, hlc.device(), table, row_id, op, fields])?;
    Ok(())
}

/// Sets (or clears) a row's `deleted_at` and logs the `delete` / `restore`, inside `tx`: the soft
/// delete shared by the tables that have one.
pub(crate) fn write_soft_delete(
    tx: &Transaction<'_>,
    hlc: &mut Hlc,
    table: &str,
    id: &str,
    deleted_at: &Option<String>,
) -> Result<(), StoreError> {
    tx.execute(
        &format!("UPDATE {table} SET deleted_at = ?2 WHERE id = ?1"),
        params![id, deleted_at],
    )?;
    let f = serde_json::json!({ "deleted_at": deleted_at }).to_string();
    let op = if deleted_at.is_some() {
        "delete"
    } else {
        "restore"
    };
    log_change(tx, hlc, table, id, op, &f)
}

/// Persists the clock's last timestamp (call before committing a write transaction).
pub(crate) fn save_clock(tx: &Transaction<'_>, hlc: &Hlc) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES ('last_hlc', ?1)")?
        .execute([hlc.current().to_string()])?;
    Ok(())
}

/// A connection to the base with the store's settings (WAL, foreign keys, cache, busy timeout).
pub(crate) fn open_connection(path: &str) -> Result<Connection, StoreError> {
    let conn = Connection::open(path).map_err(|e| StoreError::Open(format!("{path}: {e}")))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Page size of a NEW database (no effect on an existing file; must precede the WAL switch,
    // which creates the file): larger pages mean fewer B-tree levels and splits on bulk loads
    // and faster scans at open.
    conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "cache_size", CACHE_SIZE)?;
    // Once checkpointed, the WAL file is cut back to this size (otherwise it keeps the size of
    // the largest transaction ever written — hundreds of MB after a bulk load).
    conn.pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

impl Store {
    /// Opens (creating if needed) the database at `path`, migrates it and loads the search index.
    pub fn open(path: &str) -> Result<Self, StoreError> {
        Self::open_with_clock(path, Box::new(SystemClock))
    }

    pub fn open_with_clock(path: &str, clock: Box<dyn Clock>) -> Result<Self, StoreError> {
        let mut conn = open_connection(path)?;
        let before = migrations::migrate(&mut conn)?;
        // Checkpoints on a thread of their own, not inside a rep's commit (see `checkpoint.rs`).
        checkpoint::install(&conn, path)?;

        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let device: Option<String> = tx
            .query_row("SELECT value FROM meta WHERE key = 'device_id'", [], |r| {
                r.get(0)
            })
            .optional()?;
        let device = match device {
            Some(d) => d,
            None => {
                let d = uuid::Uuid::now_v7().simple().to_string();
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES ('device_id', ?1)",
                    [&d],
                )?;
                d
            }
        };
        let last: Option<String> = tx
            .query_row("SELECT value FROM meta WHERE key = 'last_hlc'", [], |r| {
                r.get(0)
            })
            .optional()?;
        tx.commit()?;
        let last = last.and_then(|s| s.parse::<Timestamp>().ok());
        let hlc = Hlc::new(clock, device, last.as_ref());

        let mut store = Store {
            conn,
            path: path.to_owned(),
            hlc,
            index: IndexSlot::Ready(Box::new(Index::new("en"))),
            index_error: None,
            name_keys: std::sync::Arc::new(NameKeys::new("en")),
            settings: Settings {
                language: String::new(),
                default_country: "UA".into(),
                user_name: String::new(),
            },
            open_read_ms: 0.0,
            open_index_ms: 0.0,
            bulk_phases_ms: Vec::new(),
            inbox: Default::default(),
            orders: Default::default(),
        };
        if before == 1 {
            store.rebuild_keys()?;
        }
        store.settings = store.read_settings()?;
        store.name_keys =
            std::sync::Arc::new(NameKeys::new(index_locale(&store.settings.language)));
        if !store.order_is_valid()? {
            store.rebuild_name_order()?;
        }
        store.start_index_load();
        // A large WAL left by a process that was killed before its checkpoint (phones kill apps)
        // makes every later open re-read it: fold it into the database now, off this thread.
        let wal_len = std::fs::metadata(format!("{path}-wal")).map_or(0, |m| m.len());
        if wal_len > WAL_SIZE_LIMIT as u64 {
            store.checkpoint_in_background();
        }
        Ok(store)
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn device_id(&self) -> &str {
        self.hlc.device()
    }

    pub fn schema_version(&self) -> Result<i64, StoreError> {
        migrations::schema_version(&self.conn)
    }

    /// The raw connection (tests, benches, diagnostics). Writes through it bypass the change log.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Rebuilds the search index from the database.
    pub fn reload_index(&mut self) -> Result<(), StoreError> {
        let docs = docs::load_docs(&self.conn, "c.deleted_at IS NULL", [])?;
        self.index()?.bulk_load(docs);
        Ok(())
    }

    /// Recomputes the duplicate-lookup keys of every client (after migrating from schema 1).
    pub fn rebuild_keys(&mut self) -> Result<(), StoreError> {
        let ids: Vec<String> = {
            let mut st = self.conn.prepare("SELECT id FROM clients")?;
            let r = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
            r
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM client_keys", [])?;
        for id in ids {
            if let Some(c) = rows::read_client(&tx, &id)? {
                rows::write_keys(
                    &tx,
                    &id,
                    &rows::lookup_keys(&rows::derive_base(&c.data), &c.data),
                    &[],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn index_len(&mut self) -> Result<usize, StoreError> {
        Ok(self.index()?.len())
    }

    fn now(&self) -> String {
        now_rfc3339(self.hlc.wall_ms())
    }

    // ---- settings ----------------------------------------------------------------------------

    fn read_settings(&self) -> Result<Settings, StoreError> {
        let mut s = Settings {
            language: String::new(),
            default_country: "UA".into(),
            user_name: String::new(),
        };
        let mut st = self.conn.prepare("SELECT key, value FROM settings")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let k: String = r.get(0)?;
            let v: String = r.get(1)?;
            match k.as_str() {
                "language" => s.language = v,
                "default_country" => s.default_country = v,
                "user_name" => s.user_name = v,
                _ => {}
            }
        }
        Ok(s)
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn set_settings(&mut self, mut s: Settings) -> Result<Settings, StoreError> {
        s.language = s.language.trim().to_ascii_lowercase();
        s.default_country = s.default_country.trim().to_ascii_uppercase();
        s.user_name = s.user_name.trim().to_owned();
        let mut errs = Vec::new();
        if !s.language.is_empty() && !["en", "ru", "uk", "el", "zh"].contains(&s.language.as_str())
        {
            errs.push(crate::error::FieldError::new(
                "language",
                "language_invalid",
            ));
        }
        if s.default_country
            .parse::<phonenumber::country::Id>()
            .is_err()
        {
            errs.push(crate::error::FieldError::new(
                "default_country",
                "country_invalid",
            ));
        }
        if !errs.is_empty() {
            return Err(StoreError::Validation(errs));
        }
        let old = self.settings.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for (k, new, old) in [
            ("language", &s.language, &old.language),
            ("default_country", &s.default_country, &old.default_country),
            ("user_name", &s.user_name, &old.user_name),
        ] {
            if new != old {
                tx.execute(
                    "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
                    params![k, new],
                )?;
                let fields = serde_json::json!({ "value": new }).to_string();
                log_change(&tx, &mut self.hlc, "settings", k, "update", &fields)?;
            }
        }
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        self.settings = s.clone();
        if index_locale(&s.language) != index_locale(&old.language) {
            self.index()?.set_locale(index_locale(&s.language));
            self.name_keys = std::sync::Arc::new(NameKeys::new(index_locale(&s.language)));
            self.rebuild_name_order()?;
        }
        Ok(s)
    }

    // ---- stats -------------------------------------------------------------------------------

    /// Counts for the UI and the CLI. Cheap at any size (the UI asks at start-up and after every
    /// change): live clients come from the search index (or, while it loads, `name_order`), the
    /// rest from index range counts.
    pub fn stats(&self) -> Result<Stats, StoreError> {
        let n = |sql: &str| -> Result<u32, StoreError> {
            Ok(self.conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as u32)
        };
        // `count(*) FROM contacts` uses the smallest index of `contacts`; contacts of deleted clients
        // are few (the `deleted_at` range of `clients_deleted_demo`).
        let contacts = n("SELECT count(*) FROM contacts")?.saturating_sub(n(
            "SELECT count(*) FROM contacts WHERE client_id IN (SELECT id FROM clients WHERE deleted_at IS NOT NULL)",
        )?);
        Ok(Stats {
            clients: match &self.index {
                IndexSlot::Ready(ix) => ix.len() as u32,
                IndexSlot::Loading(..) => n("SELECT count(*) FROM name_order")?,
            },
            demo_clients: n(
                "SELECT count(*) FROM clients WHERE deleted_at IS NULL AND is_demo = 1",
            )?,
            deleted_clients: n("SELECT count(*) FROM clients WHERE deleted_at IS NOT NULL")?,
            contacts,
            // The change log is append-only with `seq` an INTEGER PRIMARY KEY (max + 1 per row), so
            // its rows are the contiguous range min..=max (sync may drop a prefix, never a middle).
            // `count(*)` would walk the whole log; two scalar subqueries keep SQLite's O(log n) min/max.
            change_log_rows: n("SELECT coalesce((SELECT max(seq) FROM change_log) - (SELECT min(seq) FROM change_log) + 1, 0)")?,
        })
    }

    /// Change-log rows of one row, oldest first: (hlc, op, fields).
    pub fn change_log_for(&self, row_id: &str) -> Result<Vec<(String, String, Value)>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT hlc, op, fields FROM change_log WHERE row_id = ?1 ORDER BY seq")?;
        let rows = st.query_map([row_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for r in rows {
            let (h, op, f) = r?;
            out.push((h, op, serde_json::from_str(&f)?));
        }
        Ok(out)
    }
}
