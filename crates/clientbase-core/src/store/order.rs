//! Start-up without waiting for the search index.
//!
//! Building the in-memory index of 100k clients takes ~0.5 s (reading the list columns, folding,
//! collation keys, sorting) — too long to keep the first screen waiting. So [`Store::open`] only
//! migrates and reads the settings, then builds the index on a background thread from its own read
//! connection ([`IndexSlot::Loading`]). Until it is ready, the one request the first screen makes —
//! the unfiltered list in Name order — is answered by SQL from the `name_order` table (migration
//! 0005): the collation key of every live client's name (+ a 0 byte + its id), the very bytes the
//! index orders by, so the page and total are the ones the index will give. Every other request
//! (typing, filters, other sorts, writes) waits for the index; by the time a rep types, it is there.
//!
//! The loader does not start at once: it would take the CPU (it runs on up to three threads) from
//! the web view while it loads and paints the first screen — on a 2-core machine that doubled the
//! time to the first list. It starts when the UI says its first screen is painted (`screen_ready`),
//! [`PAINT_GRACE`] after the list's first page has been served from `name_order`, at once
//! when a request needs the index, and at the latest [`MAX_IDLE`] after open.
//!
//! `name_order` is derived data: written with every client write, rebuilt in one transaction when
//! the language changes, when the collation code changed (checked on one row at open), or when its
//! row count disagrees with the live clients (a crash between versions, a file edited by hand).

use super::docs;
use super::rows;
use super::Store;
use crate::error::StoreError;
use crate::model::*;
use clientbase_search::{Index, NameKeys};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::sync::mpsc::{channel, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

/// What the start-up loader hands back: the index, or why it could not be built.
pub(crate) struct Loaded {
    index: Result<Index<ClientSummary>, StoreError>,
    read_ms: f64,
    index_ms: f64,
}

pub(crate) enum IndexSlot {
    Ready(Box<Index<ClientSummary>>),
    /// The loader thread, and the channel that tells it when to start.
    Loading(JoinHandle<Loaded>, Sender<Go>),
}

/// When the waiting loader should start.
pub(crate) enum Go {
    /// A request needs the index.
    Now,
    /// The first page was served from `name_order`: start once the UI has painted it.
    AfterFirstPage,
}

/// Time the UI gets to paint the first page before the loader takes the CPU.
const PAINT_GRACE: Duration = Duration::from_millis(250);
/// The loader starts at the latest this long after open.
const MAX_IDLE: Duration = Duration::from_millis(1500);

/// The display name the list shows and sorts by, from the stored name columns.
/// (The same rule as `rows::display_name` and `docs::load_docs`.)
const NAME_SQL: &str = "c.kind, c.org_name, c.last_name, c.first_name, c.middle_name";

fn name_of(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<String> {
    if rows::text(r, at)? == "organization" {
        return r.get(at + 1);
    }
    Ok(rows::join_names(&[
        rows::text(r, at + 2)?,
        rows::text(r, at + 3)?,
        rows::text(r, at + 4)?,
    ]))
}

/// Reads the live clients and builds a ready index (postings included) for `locale`.
fn load_index(conn: &Connection, locale: &str) -> Loaded {
    let t = std::time::Instant::now();
    let docs = docs::load_docs(conn, "c.deleted_at IS NULL", []);
    let read_ms = t.elapsed().as_secs_f64() * 1000.0;
    let index = docs.map(|docs| {
        let mut index = Index::new(locale);
        index.bulk_load(docs);
        index.finish_indexing();
        index
    });
    Loaded {
        index,
        read_ms,
        index_ms: t.elapsed().as_secs_f64() * 1000.0 - read_ms,
    }
}

impl Store {
    /// Starts building the search index on a background thread (its own read-only connection).
    /// An in-memory database has no second connection: it is loaded here.
    pub(super) fn start_index_load(&mut self) {
        let locale = super::index_locale(&self.settings.language).to_owned();
        if self.path.is_empty() || self.path == ":memory:" {
            let loaded = load_index(&self.conn, &locale);
            self.install(loaded);
            return;
        }
        let path = self.path.clone();
        let (go, wait) = channel::<Go>();
        let spawned = std::thread::Builder::new()
            .name("index-load".into())
            .spawn(move || {
                // A closed channel (the store was dropped or wants the index) means "now".
                if let Ok(Go::AfterFirstPage) = wait.recv_timeout(MAX_IDLE) {
                    let _ = wait.recv_timeout(PAINT_GRACE);
                }
                let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
                match Connection::open_with_flags(&path, flags) {
                    Ok(conn) => {
                        let _ = conn.pragma_update(None, "cache_size", super::CACHE_SIZE);
                        load_index(&conn, &locale)
                    }
                    Err(e) => Loaded {
                        index: Err(StoreError::Open(format!("{path}: {e}"))),
                        read_ms: 0.0,
                        index_ms: 0.0,
                    },
                }
            });
        match spawned {
            Ok(h) => self.index = IndexSlot::Loading(h, go),
            Err(_) => {
                let loaded = load_index(&self.conn, super::index_locale(&self.settings.language));
                self.install(loaded);
            }
        }
    }

    /// Installs a loader's result; if the background load failed, loads on this connection.
    fn install(&mut self, loaded: Loaded) {
        self.open_read_ms = loaded.read_ms;
        self.open_index_ms = loaded.index_ms;
        let index = match loaded.index {
            Ok(ix) => Ok(ix),
            Err(_) => {
                let again = load_index(&self.conn, super::index_locale(&self.settings.language));
                again.index
            }
        };
        match index {
            Ok(ix) => {
                self.index_error = None;
                self.index = IndexSlot::Ready(Box::new(ix));
            }
            Err(e) => {
                // An empty index keeps the store usable for writes; every list request reports
                // the error instead of showing an empty base.
                self.index_error = Some(e.to_string());
                self.index = IndexSlot::Ready(Box::new(Index::new(super::index_locale(
                    &self.settings.language,
                ))));
            }
        }
    }

    /// Whether the search index has been built (a list request with text would not wait).
    pub fn index_ready(&self) -> bool {
        match &self.index {
            IndexSlot::Ready(_) => true,
            IndexSlot::Loading(h, _) => h.is_finished(),
        }
    }

    /// The search index, waiting for the start-up load if it is still running.
    pub(crate) fn index(&mut self) -> Result<&mut Index<ClientSummary>, StoreError> {
        if let IndexSlot::Loading(..) = self.index {
            let placeholder = IndexSlot::Ready(Box::new(Index::new("en")));
            if let IndexSlot::Loading(h, go) = std::mem::replace(&mut self.index, placeholder) {
                let _ = go.send(Go::Now);
                let loaded = h.join().unwrap_or_else(|_| Loaded {
                    index: Err(StoreError::Open("index loader panicked".into())),
                    read_ms: 0.0,
                    index_ms: 0.0,
                });
                self.install(loaded);
            }
        }
        self.apply_background()?;
        if let Some(e) = &self.index_error {
            return Err(StoreError::Open(e.clone()));
        }
        match &mut self.index {
            IndexSlot::Ready(ix) => Ok(ix),
            IndexSlot::Loading(..) => unreachable!("installed above"),
        }
    }

    /// Waits for the search index (benchmarks and tests measure the two phases of start-up).
    pub fn wait_for_index(&mut self) -> Result<(), StoreError> {
        self.index().map(|_| ())
    }

    // ---- name_order ------------------------------------------------------------------------

    /// The `name_order` key of a client in the current locale.
    pub(crate) fn order_key(&self, c: &ClientInput, id: &str) -> Vec<u8> {
        self.name_keys.key(&rows::display_name(c), id)
    }

    /// What `meta.name_order_version` must say for `name_order` to be usable: the locale and the
    /// key format. (A change of the collation code itself is caught by [`Store::order_is_valid`].)
    fn order_version(&self) -> String {
        format!("1:{}", super::index_locale(&self.settings.language))
    }

    /// Whether `name_order` holds exactly the live clients' keys of the current locale: the version
    /// matches, the counts agree, and the first row's key is what this build computes.
    pub(super) fn order_is_valid(&self) -> Result<bool, StoreError> {
        let version: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'name_order_version'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if version.as_deref() != Some(self.order_version().as_str()) {
            return Ok(false);
        }
        let n_order: i64 = self
            .conn
            .query_row("SELECT count(*) FROM name_order", [], |r| r.get(0))?;
        let n_live: i64 = self.conn.query_row(
            "SELECT count(*) FROM clients WHERE deleted_at IS NULL",
            [],
            |r| r.get(0),
        )?;
        if n_order != n_live {
            return Ok(false);
        }
        let first = self
            .conn
            .query_row(
                &format!(
                    "SELECT o.name_sort, c.id, {NAME_SQL} FROM name_order o JOIN clients c ON c.id = o.client_id \
                     ORDER BY o.name_sort LIMIT 1"
                ),
                [],
                |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?, name_of(r, 2)?)),
            )
            .optional()?;
        Ok(match first {
            None => n_live == 0,
            Some((key, id, name)) => self.name_keys.key(&name, &id) == key,
        })
    }

    /// Recomputes `name_order` for every live client, in one transaction.
    pub(super) fn rebuild_name_order(&mut self) -> Result<(), StoreError> {
        let version = self.order_version();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        rebuild_order_in(&tx, &self.name_keys)?;
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('name_order_version', ?1)",
            [version],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The first screen's page while the index loads: the unfiltered Name order from `name_order`.
    /// `None` when the request needs the index (text, filters, another sort).
    pub(super) fn page_without_index(
        &self,
        q: &ListQuery,
        limit: u32,
    ) -> Result<Option<ListPage>, StoreError> {
        let plain = q.text.trim().is_empty()
            && q.category_ids.is_empty()
            && q.tag.is_none()
            && q.city.is_none()
            && q.segment.is_none()
            && q.owner.is_none()
            && q.sort == SortOrder::Name;
        if !plain || self.index_ready() {
            return Ok(None);
        }
        let page = self.list_from_name_order(q.offset, limit)?;
        self.first_screen_served();
        Ok(Some(page))
    }

    /// The list's first page has been answered without the index: the loader may start once the UI
    /// has painted it.
    pub(crate) fn first_screen_served(&self) {
        if let IndexSlot::Loading(_, go) = &self.index {
            let _ = go.send(Go::AfterFirstPage);
        }
    }

    /// The UI says its first screen is painted: the loader starts now.
    pub fn screen_ready(&self) {
        if let IndexSlot::Loading(_, go) = &self.index {
            let _ = go.send(Go::Now);
        }
    }

    /// The unfiltered Name order read from `name_order` (what the first screen shows while the
    /// index loads; public so tests can hold it against the index's page).
    pub fn list_from_name_order(&self, offset: u32, limit: u32) -> Result<ListPage, StoreError> {
        let total: i64 = self
            .conn
            .query_row("SELECT count(*) FROM name_order", [], |r| r.get(0))?;
        let rows = docs::query_docs(
            &self.conn,
            "name_order o JOIN clients c ON c.id = o.client_id WHERE c.deleted_at IS NULL \
             ORDER BY o.name_sort LIMIT ?1 OFFSET ?2",
            params![limit, offset],
        )?;
        Ok(ListPage {
            total: total as u32,
            offset,
            rows: rows.into_iter().map(|d| d.payload).collect(),
        })
    }
}

/// Fills `name_order` from scratch (keys sorted first: in-order B-tree inserts).
fn rebuild_order_in(tx: &Transaction<'_>, keys: &NameKeys) -> Result<(), StoreError> {
    tx.execute("DELETE FROM name_order", [])?;
    let mut all: Vec<(Vec<u8>, String)> = Vec::new();
    {
        let mut st = tx.prepare(&format!(
            "SELECT c.id, {NAME_SQL} FROM clients c WHERE c.deleted_at IS NULL"
        ))?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            all.push((keys.key(&name_of(r, 1)?, &id), id));
        }
    }
    insert_sorted(tx, &mut all)
}

/// Inserts `(key, client id)` rows into `name_order`, sorting them first (multi-row INSERTs).
pub(crate) fn insert_sorted(
    tx: &Transaction<'_>,
    rows: &mut [(Vec<u8>, String)],
) -> Result<(), StoreError> {
    rows.sort_unstable();
    let mut pending: Vec<&(Vec<u8>, String)> = rows.iter().collect();
    super::bulk::Batched::new(tx, order_sql, 2)?.flush(tx, &mut pending, true, |st, base, r| {
        st.raw_bind_parameter(base + 1, &r.0)?;
        st.raw_bind_parameter(base + 2, &r.1)?;
        Ok(())
    })
}

fn order_sql(rows: usize) -> String {
    rows::multi_insert_sql(
        "INSERT OR REPLACE INTO name_order (name_sort, client_id)",
        2,
        rows,
    )
}

/// Adds a live client's key.
pub(crate) fn put(tx: &Transaction<'_>, key: &[u8], id: &str) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT OR REPLACE INTO name_order (name_sort, client_id) VALUES (?1, ?2)")?
        .execute(params![key, id])?;
    Ok(())
}

/// Removes a client's key (no-op when absent).
pub(crate) fn remove(tx: &Transaction<'_>, key: &[u8]) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM name_order WHERE name_sort = ?1")?
        .execute([key])?;
    Ok(())
}
