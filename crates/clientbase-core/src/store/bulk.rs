//! Bulk paths: loading demo clients (one transaction, prepared statements, change-log rows and the
//! search index written alongside) and clearing them. [`insert_rows`] is the multi-row insert that
//! demo loads and imports (`import.rs`) share.
//!
//! # Change-log rows of a bulk insert carry no image
//! A single insert logs the full row image in `fields`; a bulk insert logs `fields` = JSON `null`,
//! meaning "every column of the row as stored, at this change's clock". The image would repeat the
//! row (the change log was the largest table after a 100k load: 105 MB of 240 MB) and serialising
//! it was a third of the load's time. Nothing is lost for sync: a row's current values are in its
//! table, and the clock of each field is the HLC of the latest change-log row naming the field, or
//! else of its insert — exactly what a full image would have given.
//!
//! # Threads
//! The calling thread binds and steps the statements and little else. Meanwhile one worker
//! serialises the JSON columns a few batches ahead (and reads the texts the rows bind into the
//! cache: [`touch_bound_text`]), another computes and sorts the lookup keys;
//! into an empty index, the search index is built from the same items on its own thread (its
//! postings held until the rows are written, so that on two cores they do not take CPU from the
//! rows, then built while this thread writes keys, creates indexes and commits), and
//! `name_order` is written from that index's Name-order keys — the very bytes `NameKeys` gives —
//! instead of collating every name a second time. Large vectors are freed on a thread of their own.

use super::rows::{self, Derived};
use super::{log_change, save_clock, Store};
use crate::error::StoreError;
use crate::hlc::{Hlc, Timestamp};
use crate::model::*;
use clientbase_search::NameKeys;
use rusqlite::Transaction;

impl Store {
    /// Inserts already validated clients (with derived values) in one transaction.
    pub fn insert_bulk(&mut self, items: Vec<(Client, Derived)>) -> Result<usize, StoreError> {
        let n = self.insert_bulk_keep_cache(items);
        self.conn
            .pragma_update(None, "cache_size", super::CACHE_SIZE)?;
        n
    }

    /// [`Store::insert_bulk`] leaving the large page cache in place (the caller shrinks it back).
    fn insert_bulk_keep_cache(
        &mut self,
        items: Vec<(Client, Derived)>,
    ) -> Result<usize, StoreError> {
        let mut lap = Lap::new();
        // A large page cache for the duration of the load: the transaction then never spills pages to
        // the WAL before commit (random index inserts would otherwise re-read spilled pages). No
        // automatic checkpoint at this commit: it would copy the whole load from the WAL into the
        // database on the critical path; a background connection does it after we return.
        self.conn.pragma_update(None, "cache_size", -262_144)?;
        // (0 already on the store's connection: its checkpoints run on their own thread.)
        let autocheckpoint = super::checkpoint::autocheckpoint(&self.conn)?;
        self.conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        // Into an empty index, the search index is built on another thread while the rows are
        // written (a fresh index, swapped in after the commit; dropped if the transaction fails).
        // Its postings are held (`bulk_load_held`): on two cores they would otherwise take CPU
        // from the rows; they start once the rows are written (`IndexJob`),
        // while this thread writes keys, creates indexes and commits, single-threaded work that
        // leaves the other core free.
        let items = std::sync::Arc::new(items);
        let mut index_job = if self.index()?.is_empty() {
            let items = std::sync::Arc::clone(&items);
            let mut index =
                clientbase_search::Index::new(super::index_locale(&self.settings.language));
            let (rows_written, wait_rows) = std::sync::mpsc::channel::<()>();
            std::thread::Builder::new()
                .name("bulk-index".into())
                .spawn(move || {
                    index.bulk_load_held(
                        items
                            .iter()
                            .map(|(c, dv)| super::docs::doc_of(c, dv))
                            .collect(),
                    );
                    // A closed channel (rows written, the load failed or is waiting for us)
                    // means "go".
                    let _ = wait_rows.recv();
                    index.start_indexing();
                    index
                })
                .ok()
                .map(|h| IndexJob::Running(h, Some(rows_written)))
        } else {
            None
        };
        // The index holds every item; `name_order` only live ones: take its keys only when the
        // two sets are the same.
        let keys_from_index =
            index_job.is_some() && items.iter().all(|(c, _)| c.deleted_at.is_none());
        let written = self.write_bulk_rows(
            &items,
            index_job.as_mut().filter(|_| keys_from_index),
            &mut lap,
        );
        self.conn
            .pragma_update(None, "wal_autocheckpoint", autocheckpoint)?;
        written?;
        self.checkpoint_in_background();
        let n = items.len();
        match index_job.and_then(IndexJob::into_index) {
            Some(mut index) => {
                // (Already started unless the name keys were collated: then from here.)
                index.start_indexing();
                // (The empty index it replaces still holds its allocations: freed elsewhere.)
                drop_elsewhere(std::mem::replace(
                    &mut self.index,
                    super::IndexSlot::Ready(index),
                ));
            }
            None => {
                let index = self.index()?;
                for (c, dv) in items.iter() {
                    index.upsert(super::docs::doc_of(c, dv));
                }
            }
        }
        lap.mark("index");
        // Freeing ~a million small strings takes a noticeable time: not on the caller's path.
        drop_elsewhere(items);
        lap.finish(&mut self.bulk_phases_ms);
        Ok(n)
    }

    /// The rows, change log and lookup keys of a bulk load, in one transaction.
    fn write_bulk_rows(
        &mut self,
        items: &[(Client, Derived)],
        index: Option<&mut IndexJob>,
        lap: &mut Lap,
    ) -> Result<(), StoreError> {
        // Foreign keys off for the load's transaction (set before it: the pragma is a no-op inside
        // one) when every category the items name exists, checked inside it: the only other key a
        // load writes, a contact person's client, is a row of the same load. With them on, SQLite
        // checks each row's parent and, for a multi-row INSERT into a table with an immediate
        // foreign key, keeps a statement journal (every page a statement touches first copied
        // to a temporary file, so that the statement could be undone alone); see [`clients_sql`].
        self.conn.pragma_update(None, "foreign_keys", false)?;
        let written = self.write_bulk_tx(items, index, lap);
        // (The transaction has ended, committed or rolled back: the pragma applies again.)
        let on = self.conn.pragma_update(None, "foreign_keys", true);
        written?;
        Ok(on?)
    }

    /// [`Store::write_bulk_rows`] with foreign keys off, unless a category is missing.
    fn write_bulk_tx(
        &mut self,
        items: &[(Client, Derived)],
        index: Option<&mut IndexJob>,
        lap: &mut Lap,
    ) -> Result<(), StoreError> {
        let mut tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if !categories_exist(&tx, items)? {
            // (A category that does not exist: SQLite's own check, and its error.)
            drop(tx);
            self.conn.pragma_update(None, "foreign_keys", true)?;
            tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        }
        write_bulk_in(tx, &mut self.hlc, &self.name_keys, items, index, lap)
    }

    /// Copies the WAL into the database file on a separate connection and thread (PASSIVE: never
    /// blocks this connection's readers or writers), then truncates the WAL file (TRUNCATE: a brief
    /// exclusive moment once nothing reads the WAL any more). A later automatic checkpoint finishes
    /// the job if this one is interrupted. Errors are ignored: a checkpoint is an optimisation, not
    /// durability.
    pub(super) fn checkpoint_in_background(&self) {
        checkpoint_in_background(self.path.clone());
    }

    /// Adds `count` demo clients (deterministic: the seed follows the number already loaded).
    pub fn load_demo(&mut self, count: usize) -> Result<Stats, StoreError> {
        let existing: i64 =
            self.conn
                .query_row("SELECT count(*) FROM clients WHERE is_demo = 1", [], |r| {
                    r.get(0)
                })?;
        let now = self.hlc.wall_ms();
        let t = std::time::Instant::now();
        let items = crate::demo::generate(
            0xC11E_27BA5E ^ existing as u64,
            count,
            now,
            self.hlc.device(),
        );
        let gen_ms = t.elapsed().as_secs_f64() * 1000.0;
        // The counts while the loaded pages are still cached (a cold scan would read them back
        // through the WAL); then the page cache goes back to its normal size, error or not.
        let loaded = self.insert_bulk_keep_cache(items);
        // Some tasks and past interactions, so the Today screen of a demo base is not empty.
        let t = std::time::Instant::now();
        let loaded = loaded.and_then(|n| {
            // At the store's clock (tests run on a fixed one), in the device's time zone.
            let now = chrono::TimeZone::timestamp_millis_opt(&chrono::Local, self.hlc.wall_ms())
                .single()
                .unwrap_or_else(chrono::Local::now);
            self.load_demo_activity(&now)?;
            self.load_demo_orders()?;
            Ok(n)
        });
        let activity_ms = t.elapsed().as_secs_f64() * 1000.0;
        let t = std::time::Instant::now();
        let stats = loaded.and_then(|_| self.stats());
        let stats_ms = t.elapsed().as_secs_f64() * 1000.0;
        self.conn
            .pragma_update(None, "cache_size", super::CACHE_SIZE)?;
        self.bulk_phases_ms.insert(0, ("generate", gen_ms));
        self.bulk_phases_ms.push(("demo activity", activity_ms));
        self.bulk_phases_ms.push(("stats", stats_ms));
        stats
    }

    /// Removes every demo client (and their contact persons); each removed row is logged as a delete.
    pub fn clear_demo(&mut self) -> Result<Stats, StoreError> {
        self.wait_for_index()?;
        let removed: Vec<String>;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            super::activity::delete_demo_activity(&tx, &mut self.hlc)?;
            super::orders::delete_demo_orders(&tx, &mut self.hlc)?;
            let mut ids = tx.prepare("SELECT id FROM contacts WHERE client_id IN (SELECT id FROM clients WHERE is_demo = 1)")?;
            let contact_ids: Vec<String> =
                ids.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
            for id in &contact_ids {
                log_change(&tx, &mut self.hlc, "contacts", id, "delete", "{}")?;
            }
            let mut ids = tx.prepare("SELECT id FROM clients WHERE is_demo = 1")?;
            let client_ids: Vec<String> =
                ids.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
            for id in &client_ids {
                log_change(&tx, &mut self.hlc, "clients", id, "delete", "{}")?;
            }
            removed = client_ids;
            for t in ["client_keys", "contacts", "name_order"] {
                tx.execute(&format!("DELETE FROM {t} WHERE client_id IN (SELECT id FROM clients WHERE is_demo = 1)"), [])?;
            }
            tx.execute("DELETE FROM clients WHERE is_demo = 1", [])?;
        }
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        let index = self.index()?;
        for id in &removed {
            index.remove(id);
        }
        self.stats()
    }
}

/// [`Store::write_bulk_rows`] inside its transaction.
fn write_bulk_in(
    tx: Transaction<'_>,
    hlc: &mut Hlc,
    name_keys: &NameKeys,
    items: &[(Client, Derived)],
    index: Option<&mut IndexJob>,
    lap: &mut Lap,
) -> Result<(), StoreError> {
    let order = match index {
        Some(job) => OrderKeys::FromIndex(name_keys, job),
        None => OrderKeys::Collate(name_keys),
    };
    insert_rows_timed(&tx, hlc, order, items, &mut |_| true, lap)?;
    save_clock(&tx, hlc)?;
    tx.commit()?;
    lap.mark("commit");
    Ok(())
}

/// Whether every category the items name is a row of `categories`.
fn categories_exist(tx: &Transaction<'_>, items: &[(Client, Derived)]) -> Result<bool, StoreError> {
    let mut st = tx.prepare("SELECT id FROM categories")?;
    let ids: Vec<String> = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(items.iter().all(|(c, _)| {
        c.data
            .category_id
            .as_ref()
            .is_none_or(|id| ids.iter().any(|x| x == id))
    }))
}

/// Writes new clients inside `tx`: their rows and contact persons (multi-row INSERTs, `BATCH` rows
/// per statement), one change-log row per written row (insert, `fields` = null: see the module
/// doc), their lookup keys and `name_order` keys. The bulk path of demo loads and imports.
/// `progress(rows written)` is called after each batch; when it returns false the write stops with
/// [`StoreError::Cancelled`] (the caller drops the transaction: nothing is kept).
pub(crate) fn insert_rows(
    tx: &Transaction<'_>,
    hlc: &mut Hlc,
    name_keys: &NameKeys,
    items: &[(Client, Derived)],
    progress: &mut dyn FnMut(usize) -> bool,
) -> Result<(), StoreError> {
    insert_rows_timed(
        tx,
        hlc,
        OrderKeys::Collate(name_keys),
        items,
        progress,
        &mut Lap::new(),
    )
}

/// [`insert_rows`] for a load whose items are every live client of the base once written (an
/// import into an empty base): the `name_order` keys are taken from the search index `job` is
/// bulk-loading from the same items (its Name-order keys are the very bytes `name_order` holds),
/// not collated a second time. `job` is told the rows are written (its postings may start) once
/// they and their change-log rows are.
pub(crate) fn insert_rows_from_index(
    tx: &Transaction<'_>,
    hlc: &mut Hlc,
    name_keys: &NameKeys,
    items: &[(Client, Derived)],
    job: &mut IndexJob,
    progress: &mut dyn FnMut(usize) -> bool,
) -> Result<(), StoreError> {
    insert_rows_timed(
        tx,
        hlc,
        OrderKeys::FromIndex(name_keys, job),
        items,
        progress,
        &mut Lap::new(),
    )
}

/// A search index being bulk-loaded on its own thread from a load's items, or its result.
/// While running, the thread holds the index's postings until the load's rows are written (the
/// sender is dropped: [`IndexJob::rows_written`], or before any wait).
pub(super) enum IndexJob {
    Running(
        std::thread::JoinHandle<clientbase_search::Index<ClientSummary>>,
        Option<std::sync::mpsc::Sender<()>>,
    ),
    Done(Box<clientbase_search::Index<ClientSummary>>),
    Failed,
}

impl IndexJob {
    /// Lets the index thread start its postings.
    fn rows_written(&mut self) {
        if let IndexJob::Running(_, go) = self {
            go.take();
        }
    }

    /// Waits for the index (None if its thread panicked).
    fn wait(&mut self) -> Option<&clientbase_search::Index<ClientSummary>> {
        self.rows_written();
        if let IndexJob::Running(..) = self {
            let IndexJob::Running(h, _) = std::mem::replace(self, IndexJob::Failed) else {
                unreachable!()
            };
            if let Ok(index) = h.join() {
                *self = IndexJob::Done(Box::new(index));
            }
        }
        match self {
            IndexJob::Done(index) => Some(index),
            _ => None,
        }
    }

    pub(super) fn into_index(mut self) -> Option<Box<clientbase_search::Index<ClientSummary>>> {
        self.wait();
        match self {
            IndexJob::Done(index) => Some(index),
            _ => None,
        }
    }
}

/// Where a load's `name_order` keys come from.
enum OrderKeys<'a> {
    /// Collated on a worker thread while the rows are written.
    Collate(&'a NameKeys),
    /// Taken, already in order, from the search index that is being bulk-loaded from the same
    /// (all live) items: its Name-order keys are the very bytes `name_order` holds
    /// (`Index::name_keys`, `NameKeys::key`), so collating every name twice is saved. Collated
    /// here (with the `NameKeys`) if the index thread failed.
    FromIndex(&'a NameKeys, &'a mut IndexJob),
}

/// [`insert_rows`], marking its phases on `lap` (the benches print them).
fn insert_rows_timed(
    tx: &Transaction<'_>,
    hlc: &mut Hlc,
    order: OrderKeys<'_>,
    items: &[(Client, Derived)],
    progress: &mut dyn FnMut(usize) -> bool,
    lap: &mut Lap,
) -> Result<(), StoreError> {
    let n_contacts: usize = items.iter().map(|(c, _)| c.data.contacts.len()).sum();
    let deferred = DeferredIndexes::drop_for_load(
        tx,
        &[
            (Filled::Clients, items.len()),
            (Filled::Contacts, n_contacts),
            (Filled::ChangeLog, items.len() + n_contacts),
        ],
    )?;
    lap.mark("drop indexes");
    write_rows(tx, hlc, order, items, progress, lap)?;
    deferred.create_again(tx)?;
    lap.mark("create indexes");
    Ok(())
}

/// The rows, change log, lookup keys and `name_order` keys of [`insert_rows`].
fn write_rows(
    tx: &Transaction<'_>,
    hlc: &mut Hlc,
    order: OrderKeys<'_>,
    items: &[(Client, Derived)],
    progress: &mut dyn FnMut(usize) -> bool,
    lap: &mut Lap,
) -> Result<(), StoreError> {
    // Multi-row INSERTs (BATCH rows per statement): far less per-statement overhead than one
    // statement per row. Change-log rows keep the order (and HLC order) of the writes.
    let device = hlc.device().to_owned();
    let mut contacts: Vec<PendingContact> = Vec::new();
    // Insert changes without an image (`fields` = JSON null): see the module doc.
    let mut log: Vec<PendingLog> = Vec::new();
    // The lookup keys and the `name_order` keys (collation work) are computed and sorted on other
    // threads meanwhile, and written after the rows, sorted: in-order B-tree inserts instead of
    // random ones into `client_keys` and `name_order`.
    std::thread::scope(|sc| -> Result<(), StoreError> {
        // (Keys name their client by position, so that the vector can be freed on a thread of
        // its own once written: dropping ~350k strings took the calling thread 25 ms.)
        let keys_job = sc.spawn(move || {
            let mut keys: Vec<(String, u32)> = Vec::with_capacity(items.len() * 3);
            for (i, (c, dv)) in items.iter().enumerate() {
                keys.extend(
                    rows::lookup_keys(dv, &c.data)
                        .into_iter()
                        .map(|k| (k, i as u32)),
                );
            }
            keys.sort_unstable_by(|a, b| {
                a.0.cmp(&b.0)
                    .then_with(|| items[a.1 as usize].0.id.cmp(&items[b.1 as usize].0.id))
            });
            keys
        });
        // The JSON columns of each batch are serialised on another thread, a few batches ahead
        // (they were 5% of this thread's time); a send fails once this thread has stopped.
        let (json_tx, json_rx) = std::sync::mpsc::sync_channel::<JsonBatch>(8);
        sc.spawn(move || {
            for chunk in items.chunks(BATCH) {
                let batch = chunk
                    .iter()
                    .map(|(c, dv)| {
                        let contacts = c
                            .data
                            .contacts
                            .iter()
                            .map(ContactText::of)
                            .collect::<Result<Vec<_>, _>>()?;
                        std::hint::black_box(touch_bound_text(c, dv));
                        Ok((ClientText::of(c, dv)?, contacts))
                    })
                    .collect();
                if json_tx.send(batch).is_err() {
                    break;
                }
            }
        });
        let collate = |name_keys: &NameKeys| {
            let mut order: Vec<(Vec<u8>, String)> = items
                .iter()
                .filter(|(c, _)| c.deleted_at.is_none())
                .map(|(c, _)| {
                    (
                        name_keys.key(&rows::display_name(&c.data), &c.id),
                        c.id.clone(),
                    )
                })
                .collect();
            order.sort_unstable();
            order
        };
        let (order_job, mut from_index) = match order {
            OrderKeys::Collate(name_keys) => (Some(sc.spawn(move || collate(name_keys))), None),
            OrderKeys::FromIndex(name_keys, job) => (None, Some((name_keys, job))),
        };
        // The load's usual owner is bound once per statement (?1); a row names its own only when
        // it differs (see [`clients_sql`]).
        let owner = items.first().map_or("", |(c, _)| c.owner.as_str());
        let mut clients_st = Batched::with_fixed(tx, clients_sql, CLIENT_PARAMS, &[owner])?;
        let mut contacts_st = Batched::new(tx, contacts_sql, CONTACT_PARAMS)?;
        // The device id is bound once per statement (?1); a row binds its clock, table and id.
        let mut log_st = Batched::with_fixed(tx, log_sql, LOG_NCOLS, &[&device])?;
        let bind_contact = |st: &mut rusqlite::Statement<'_>, base: usize, r: &PendingContact| {
            bind_contact_row(st, base, r.0, r.1, r.2, r.3, &r.4)
        };
        let bind_log_row = |st: &mut rusqlite::Statement<'_>, base: usize, r: &PendingLog| {
            st.raw_bind_parameter(base + 1, &r.0)?;
            st.raw_bind_parameter(base + 2, r.1 as i64)?;
            st.raw_bind_parameter(base + 3, r.2)?;
            Ok(())
        };
        let mut done = 0;
        for chunk in items.chunks(BATCH) {
            let jsons = json_rx.recv().expect("bulk JSON worker")?;
            let mut pending: Vec<(&Client, &Derived, ClientText)> = Vec::with_capacity(chunk.len());
            for ((c, dv), (json, contact_jsons)) in chunk.iter().zip(jsons) {
                pending.push((c, dv, json));
                log.push((hlc_text(&hlc.tick()), LogTable::Clients, &c.id));
                for ((no, ct), json) in c.data.contacts.iter().enumerate().zip(contact_jsons) {
                    log.push((hlc_text(&hlc.tick()), LogTable::Contacts, &ct.id));
                    contacts.push((&c.id, no, ct, &c.created_at, json));
                }
            }
            clients_st.flush(tx, &mut pending, true, |st, base, r| {
                bind_client_row(st, base, owner, r.0, r.1, &r.2)
            })?;
            contacts_st.flush(tx, &mut contacts, false, bind_contact)?;
            log_st.flush(tx, &mut log, false, bind_log_row)?;
            done += chunk.len();
            if !progress(done) {
                return Err(StoreError::Cancelled);
            }
        }
        contacts_st.flush(tx, &mut contacts, true, bind_contact)?;
        log_st.flush(tx, &mut log, true, bind_log_row)?;
        lap.mark("rows and log");
        let keys = keys_job.join().expect("lookup key worker");
        // (After the key worker, which the rows may have left behind: not competing with it.)
        if let Some((_, job)) = from_index.as_mut() {
            job.rows_written();
        }
        let mut refs: Vec<&(String, u32)> = keys.iter().collect();
        Batched::new(tx, key_sql, 2)?.flush(tx, &mut refs, true, |st, base, (k, i)| {
            st.raw_bind_parameter(base + 1, k)?;
            st.raw_bind_parameter(base + 2, &items[*i as usize].0.id)?;
            Ok(())
        })?;
        drop(refs);
        drop_elsewhere(keys);
        lap.mark("lookup keys");
        match (order_job, from_index) {
            (Some(job), _) => {
                let mut order = job.join().expect("name key worker");
                super::order::insert_sorted(tx, &mut order)?;
            }
            (None, Some((name_keys, job))) => match job.wait() {
                Some(index) => {
                    let mut keys: Vec<(&[u8], &str)> = index.name_keys().collect();
                    Batched::new(tx, name_order_sql, 2)?.flush(
                        tx,
                        &mut keys,
                        true,
                        |st, base, (k, id)| {
                            st.raw_bind_parameter(base + 1, k)?;
                            st.raw_bind_parameter(base + 2, id)?;
                            Ok(())
                        },
                    )?;
                }
                None => super::order::insert_sorted(tx, &mut collate(name_keys))?,
            },
            (None, None) => unreachable!("one source of name keys"),
        }
        lap.mark("name order");
        Ok(())
    })
}

/// The secondary indexes of the tables a bulk load fills, dropped for the load and created again
/// after it, inside the load's transaction.
///
/// A load into an empty base (or one much smaller than the load) would otherwise insert every row
/// into each index as a random B-tree insert (`clients` has five secondary indexes: ~500k random
/// inserts for 100k clients); `CREATE INDEX` over the finished table sorts the entries and writes
/// the B-tree in order, several times faster. DDL is transactional in SQLite: if the load fails or
/// is cancelled, the rollback restores the indexes with the rows. The indexes are created again
/// from their own `sqlite_master` text, so the schema after a load is byte for byte the one the
/// migrations made (tests/bulk_indexes.rs). Primary keys (the `id` autoindexes, `WITHOUT ROWID`
/// tables) cannot be dropped and stay; ids ascend, so they are appended.
#[must_use = "the dropped indexes must be created again before the commit"]
pub(crate) struct DeferredIndexes {
    /// `CREATE INDEX` statements, as stored in `sqlite_master`.
    sql: Vec<String>,
}

impl DeferredIndexes {
    /// Drops the secondary indexes of each `(table, rows to add)` whose table holds no more rows
    /// than the load adds (beyond that, inserting into the existing index is the cheaper way).
    pub(crate) fn drop_for_load(
        tx: &Transaction<'_>,
        loads: &[(Filled, usize)],
    ) -> Result<Self, StoreError> {
        let mut sql = Vec::new();
        for &(table, adding) in loads {
            if adding < DEFER_MIN_ROWS || table.existing_rows(tx)? > adding as i64 {
                continue;
            }
            let mut st = tx.prepare(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1 \
                 AND sql IS NOT NULL ORDER BY name",
            )?;
            let indexes: Vec<(String, String)> = st
                .query_map([table.table()], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            for (name, create) in indexes {
                if APPENDED_INDEXES.contains(&name.as_str()) {
                    continue;
                }
                tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
                sql.push(create);
            }
        }
        Ok(DeferredIndexes { sql })
    }

    /// Creates the dropped indexes again (each one sorts its table's entries).
    pub(crate) fn create_again(self, tx: &Transaction<'_>) -> Result<(), StoreError> {
        for create in &self.sql {
            tx.execute_batch(create)?;
        }
        Ok(())
    }
}

/// Reads one byte per cache line of every text a client's row and its contact persons' rows
/// bind (the JSON columns excepted: serialised fresh), on the JSON worker a few batches before
/// the calling thread binds them: the texts are scattered over the heap, and a bind's copy of a
/// text not in any cache waits for memory; here the reads are independent and overlap, and the
/// lines are then in the shared cache when the calling thread copies them.
fn touch_bound_text(c: &Client, dv: &Derived) -> u8 {
    fn t(s: &str) -> u8 {
        s.as_bytes().iter().step_by(64).fold(0, |a, &b| a ^ b)
    }
    let d = &c.data;
    let mut x = 0;
    for s in [
        &c.id,
        &d.first_name,
        &d.last_name,
        &d.middle_name,
        &d.org_name,
        &d.website,
        &d.notes,
        &d.hobbies,
        &d.source,
        &d.call_time,
        &c.owner,
        &c.created_at,
        &c.updated_at,
        &dv.city,
        &dv.subtitle,
        &dv.search_extra,
        &dv.search_notes,
    ] {
        x ^= t(s);
    }
    for s in [&d.category_id, &c.deleted_at, &dv.phone_display]
        .into_iter()
        .flatten()
    {
        x ^= t(s);
    }
    for s in &dv.phone_digits {
        x ^= t(s);
    }
    for ct in &d.contacts {
        for s in [
            &ct.id,
            &ct.first_name,
            &ct.last_name,
            &ct.middle_name,
            &ct.position,
            &ct.notes,
            &ct.hobbies,
        ] {
            x ^= t(s);
        }
    }
    x
}

/// One batch's JSON columns: per client, its own and its contact persons'.
type JsonBatch = Result<Vec<(ClientText, Vec<ContactText>)>, StoreError>;

/// The texts a bulk client row binds that are not fields of the client, made on the JSON worker:
/// its JSON columns (the text `rows::ClientJson` holds; `None` for an empty list or map, which
/// the statement writes as a literal: see [`clients_sql`]) and `phone_digits` joined.
struct ClientText {
    phones: Option<String>,
    emails: Option<String>,
    messengers: Option<String>,
    address: String,
    tags: Option<String>,
    custom: Option<String>,
    digits: String,
}

/// A list's JSON text, or `None` when it is empty (`[]`).
fn json_list<T: serde::Serialize>(v: &[T]) -> Result<Option<String>, StoreError> {
    Ok(if v.is_empty() {
        None
    } else {
        Some(serde_json::to_string(v)?)
    })
}

impl ClientText {
    fn of(c: &Client, dv: &Derived) -> Result<Self, StoreError> {
        let d = &c.data;
        Ok(ClientText {
            phones: json_list(&d.phones)?,
            emails: json_list(&d.emails)?,
            messengers: json_list(&d.messengers)?,
            address: serde_json::to_string(&d.address)?,
            tags: json_list(&d.tags)?,
            custom: if d.custom.is_empty() {
                None
            } else {
                Some(serde_json::to_string(&d.custom)?)
            },
            digits: dv.phone_digits.join(" "),
        })
    }
}

/// A contact person's JSON columns (see [`ClientText`]).
struct ContactText {
    phones: Option<String>,
    emails: Option<String>,
    messengers: Option<String>,
}

impl ContactText {
    fn of(c: &ContactPerson) -> Result<Self, StoreError> {
        Ok(ContactText {
            phones: json_list(&c.phones)?,
            emails: json_list(&c.emails)?,
            messengers: json_list(&c.messengers)?,
        })
    }
}

/// Drops `v` on a thread of its own (freeing a large number of small allocations is slow), or
/// here if no thread can be started.
fn drop_elsewhere<T: Send + 'static>(v: T) {
    let _ = std::thread::Builder::new()
        .name("bulk-free".into())
        .spawn(move || drop(v));
}

/// Secondary indexes a load keeps: their keys follow the order the rows are written in (ids
/// ascend: UUIDv7, and demo ids by construction; `rowid` and `seq` ascend), so each entry is
/// appended at the right edge of the B-tree — SQLite's seek skips the descent when the key is past
/// the last page's first cell —, cheaper than a `CREATE INDEX` scanning the table again after the
/// load. (Were the order different, the index would still be right, only slower to fill.)
/// `clients_demo` is `(is_demo, rowid)` for demo rows only; `clients_deleted_demo` is
/// `(deleted_at, is_demo, id)`, and a load's rows share its first two columns.
const APPENDED_INDEXES: &[&str] = &[
    "clients_demo",
    "clients_deleted_demo",
    "contacts_client",
    "change_log_row",
];

/// Below this many rows a load keeps the indexes (dropping and creating them costs a scan).
const DEFER_MIN_ROWS: usize = 2048;

/// A table a bulk load fills.
#[derive(Clone, Copy)]
pub(crate) enum Filled {
    Clients,
    Contacts,
    ChangeLog,
}

impl Filled {
    fn table(self) -> &'static str {
        match self {
            Filled::Clients => "clients",
            Filled::Contacts => "contacts",
            Filled::ChangeLog => "change_log",
        }
    }

    /// The rows of the table, or a bound above it where counting would scan a large table
    /// (`change_log`: its last `seq`).
    fn existing_rows(self, tx: &Transaction<'_>) -> Result<i64, StoreError> {
        let sql = match self {
            Filled::Clients => "SELECT count(*) FROM clients",
            Filled::Contacts => "SELECT count(*) FROM contacts",
            Filled::ChangeLog => "SELECT coalesce(max(seq), 0) FROM change_log",
        };
        Ok(tx.query_row(sql, [], |r| r.get(0))?)
    }
}

/// See [`Store::checkpoint_in_background`].
pub(crate) fn checkpoint_in_background(path: String) {
    let _ = std::thread::Builder::new()
        .name("wal-checkpoint".into())
        .spawn(move || {
            if let Ok(conn) = rusqlite::Connection::open(&path) {
                let _ = conn.busy_timeout(std::time::Duration::from_millis(100));
                let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                let _ = conn.busy_timeout(std::time::Duration::from_secs(2));
                let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
            }
        });
}

/// A contact person waiting for its multi-row INSERT: client id, position, person, created at.
type PendingContact<'a> = (&'a str, usize, &'a ContactPerson, &'a str, ContactText);
/// A change-log row waiting for its multi-row INSERT: HLC, table, row id.
type PendingLog<'a> = (String, LogTable, &'a str);

/// The table a bulk change-log row names, bound as an integer that the statement turns into the
/// name (`log_sql`): an integer bind copies nothing, a text bind allocates and copies (rusqlite
/// binds text as `SQLITE_TRANSIENT`) — a quarter of a million times per 100k clients.
#[derive(Clone, Copy)]
enum LogTable {
    Clients = 0,
    Contacts = 1,
}

/// `ts.to_string()` (`{ms:015}-{counter:05}-{device}`) without the formatting machinery: one
/// allocation of the exact size and digits written by hand. A bulk load formats one per written
/// row; `fmt` took 5% of the load's calling thread.
fn hlc_text(ts: &Timestamp) -> String {
    fn digits(out: &mut Vec<u8>, mut v: u64, width: usize) {
        let mut buf = [b'0'; 20];
        let mut i = buf.len();
        while v > 0 {
            i -= 1;
            buf[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
        let start = (buf.len() - width).min(i);
        out.extend_from_slice(&buf[start..]);
    }
    if ts.ms < 0 {
        return ts.to_string();
    }
    let mut out = Vec::with_capacity(15 + 1 + 5 + 1 + ts.device.len());
    digits(&mut out, ts.ms as u64, 15);
    out.push(b'-');
    digits(&mut out, u64::from(ts.counter), 5);
    out.push(b'-');
    out.extend_from_slice(ts.device.as_bytes());
    String::from_utf8(out).unwrap_or_else(|_| ts.to_string())
}

/// Rows per multi-row INSERT statement in the bulk path.
const BATCH: usize = 64;

/// Values a bulk change-log row binds (after the statement's device id, `?1`).
const LOG_NCOLS: usize = 3;

/// A multi-row INSERT of change-log rows: `?1` is the device id, each row binds its clock, its
/// table as a [`LogTable`] number and its row id; `op` and `fields` (null: see the module doc) are
/// literals.
fn log_sql(rows: usize) -> String {
    let tuples: Vec<String> = (0..rows)
        .map(|r| {
            let p = 2 + r * LOG_NCOLS;
            format!(
                "(?{p}, ?1, CASE ?{} WHEN 1 THEN 'contacts' ELSE 'clients' END, ?{}, 'insert', 'null')",
                p + 1,
                p + 2
            )
        })
        .collect();
    format!(
        "INSERT OR FAIL INTO change_log (hlc, device_id, table_name, row_id, op, fields) VALUES {}",
        tuples.join(", ")
    )
}

/// Parameters per bulk client row (one per column of `rows::insert_clients_sql`).
const CLIENT_PARAMS: usize = 34;

/// The multi-row INSERT of client rows (`?1` is the load's usual owner), `OR FAIL`: a failing row
/// fails the load all the same (its transaction is rolled back: see [`insert_rows`]), but SQLite
/// need not be able to undo one statement alone, so it keeps no statement journal — which a
/// multi-row INSERT that may abort keeps: every page the statement touches first is copied to a
/// temporary file (~8% of the rows' time). Foreign keys also make a statement "may abort" (the
/// demo load turns them off: [`Store::write_bulk_rows`]).
///
/// The values are the ones `rows::bind_client` binds (`tests::bulk_rows_are_the_single_path_rows`),
/// but several go in as NULL and the statement puts the common value in: rusqlite binds a text
/// as `SQLITE_TRANSIENT`, so SQLite frees its copy of the parameter's previous value, mallocs and
/// copies each non-empty text it is given, where a NULL costs nothing (and `coalesce` a VM
/// instruction or two). So an empty JSON list or map binds NULL (`coalesce(?, '[]')`), `kind` an
/// integer, the owner NULL when it is `?1`, `updated_at` NULL when it equals `created_at`.
fn clients_sql(rows: usize) -> String {
    let tuples: Vec<String> = (0..rows)
        .map(|r| {
            let p = |col: usize| format!("?{}", 1 + r * CLIENT_PARAMS + col);
            let mut v: Vec<String> = (1..=CLIENT_PARAMS).map(p).collect();
            v[1] = format!("CASE {} WHEN 1 THEN 'organization' ELSE 'person' END", p(2));
            for col in [7, 8, 9, 18] {
                v[col - 1] = format!("coalesce({}, '[]')", p(col));
            }
            v[22] = format!("coalesce({}, '{{}}')", p(23));
            v[23] = format!("coalesce({}, ?1)", p(24));
            v[26] = format!("coalesce({}, {})", p(27), p(26));
            format!("({})", v.join(", "))
        })
        .collect();
    // (`rows`' head, with the columns in the order of `rows::bind_client`.)
    let head = rows::insert_clients_sql(0).replacen("INSERT INTO", "INSERT OR FAIL INTO", 1);
    head + &tuples.join(", ")
}

/// Binds a client row to parameters `base + 1 ..= base + CLIENT_PARAMS` of [`clients_sql`]
/// (`owner`: the statement's `?1`).
fn bind_client_row(
    st: &mut rusqlite::Statement<'_>,
    base: usize,
    owner: &str,
    c: &Client,
    dv: &Derived,
    t: &ClientText,
) -> Result<(), StoreError> {
    let d = &c.data;
    let bd = d.birthday;
    let values: [&dyn rusqlite::ToSql; CLIENT_PARAMS] = [
        &c.id,
        &(d.kind == ClientKind::Organization),
        &d.first_name,
        &d.last_name,
        &d.middle_name,
        &d.org_name,
        &t.phones,
        &t.emails,
        &t.messengers,
        &d.website,
        &t.address,
        &bd.map(|b| b.day),
        &bd.map(|b| b.month),
        &bd.and_then(|b| b.year),
        &rows::birthday_md(&bd),
        &d.notes,
        &d.hobbies,
        &t.tags,
        &d.category_id,
        &d.source,
        &d.preferred_channel.map(rows::channel_str),
        &d.call_time,
        &t.custom,
        &(c.owner != owner).then_some(c.owner.as_str()),
        &c.is_demo,
        &c.created_at,
        &(c.updated_at != c.created_at).then_some(c.updated_at.as_str()),
        &c.deleted_at,
        &dv.city,
        &dv.phone_display,
        &dv.subtitle,
        &t.digits,
        &dv.search_extra,
        &dv.search_notes,
    ];
    for (i, v) in values.iter().enumerate() {
        st.raw_bind_parameter(base + i + 1, v)?;
    }
    Ok(())
}

/// Parameters per bulk contact row.
const CONTACT_PARAMS: usize = 17;

/// The contact persons' multi-row INSERT, `OR FAIL` as in [`clients_sql`]: the values of
/// `rows::bind_contact`, empty JSON lists as NULL, and `updated_at` the parameter of
/// `created_at` (a bulk row's are equal).
fn contacts_sql(rows: usize) -> String {
    let tuples: Vec<String> = (0..rows)
        .map(|r| {
            let p = |col: usize| format!("?{}", r * CONTACT_PARAMS + col);
            let mut v: Vec<String> = (1..=CONTACT_PARAMS).map(p).collect();
            for col in [8, 9, 10] {
                v[col - 1] = format!("coalesce({}, '[]')", p(col));
            }
            v.push(p(17));
            format!("({})", v.join(", "))
        })
        .collect();
    let head = rows::insert_contacts_sql(0).replacen("INSERT INTO", "INSERT OR FAIL INTO", 1);
    head + &tuples.join(", ")
}

/// Binds a contact row to parameters `base + 1 ..= base + CONTACT_PARAMS` of [`contacts_sql`].
fn bind_contact_row(
    st: &mut rusqlite::Statement<'_>,
    base: usize,
    client_id: &str,
    no: usize,
    c: &ContactPerson,
    created_at: &str,
    t: &ContactText,
) -> Result<(), StoreError> {
    let bd = c.birthday;
    let values: [&dyn rusqlite::ToSql; CONTACT_PARAMS] = [
        &c.id,
        &client_id,
        &(no as i64),
        &c.first_name,
        &c.last_name,
        &c.middle_name,
        &c.position,
        &t.phones,
        &t.emails,
        &t.messengers,
        &bd.map(|b| b.day),
        &bd.map(|b| b.month),
        &bd.and_then(|b| b.year),
        &rows::birthday_md(&bd),
        &c.notes,
        &c.hobbies,
        &created_at,
    ];
    for (i, v) in values.iter().enumerate() {
        st.raw_bind_parameter(base + i + 1, v)?;
    }
    Ok(())
}

/// The statement of `order::insert_sorted`, for keys borrowed from the index.
fn name_order_sql(rows: usize) -> String {
    rows::multi_insert_sql(
        "INSERT OR REPLACE INTO name_order (name_sort, client_id)",
        2,
        rows,
    )
}

/// Inserts lookup keys `(key, client id)` of clients that had none (a page's new clients),
/// sorted: in-order B-tree inserts, multi-row statements.
pub(crate) fn insert_keys_sorted(
    tx: &Transaction<'_>,
    keys: &mut [(String, &str)],
) -> Result<(), StoreError> {
    keys.sort_unstable();
    let mut refs: Vec<&(String, &str)> = keys.iter().collect();
    Batched::new(tx, key_sql, 2)?.flush(tx, &mut refs, true, |st, base, (k, id)| {
        st.raw_bind_parameter(base + 1, k)?;
        st.raw_bind_parameter(base + 2, id)?;
        Ok(())
    })
}

fn key_sql(rows: usize) -> String {
    rows::multi_insert_sql(
        "INSERT OR IGNORE INTO client_keys (key, client_id)",
        2,
        rows,
    )
}

/// A multi-row INSERT (`BATCH` rows of `ncols` values) prepared once for a whole load.
///
/// Held rather than taken from rusqlite's statement cache per batch: a statement going back to
/// that cache has its bindings cleared, which frees SQLite's copy of every bound text (`BATCH` ×
/// `ncols` buffers per statement, millions per 100k clients) only for the next batch to allocate
/// them again; a held statement's buffers are reused.
pub(super) struct Batched<'c> {
    full: rusqlite::Statement<'c>,
    sql: fn(usize) -> String,
    ncols: usize,
    /// Values of the statement's leading parameters `?1..`, shared by its rows (bound once).
    fixed: Vec<String>,
}

impl<'c> Batched<'c> {
    pub(super) fn new(
        conn: &'c rusqlite::Connection,
        sql: fn(usize) -> String,
        ncols: usize,
    ) -> Result<Self, StoreError> {
        Self::with_fixed(conn, sql, ncols, &[])
    }

    /// A statement whose first parameters (`?1..=?k`, k = `fixed.len()`) hold `fixed` for every
    /// row; row `i` binds parameters `k + i * ncols + 1 ..`.
    fn with_fixed(
        conn: &'c rusqlite::Connection,
        sql: fn(usize) -> String,
        ncols: usize,
        fixed: &[&str],
    ) -> Result<Self, StoreError> {
        let mut full = conn.prepare(&sql(BATCH))?;
        for (i, v) in fixed.iter().enumerate() {
            full.raw_bind_parameter(i + 1, v)?;
        }
        Ok(Batched {
            full,
            sql,
            ncols,
            fixed: fixed.iter().map(|v| (*v).to_owned()).collect(),
        })
    }

    /// Inserts the pending rows `BATCH` per statement; without `all`, a remainder smaller than a
    /// batch stays pending (with `all`, it goes in with a statement of its own size).
    pub(super) fn flush<R>(
        &mut self,
        conn: &rusqlite::Connection,
        pending: &mut Vec<R>,
        all: bool,
        bind: impl Fn(&mut rusqlite::Statement<'_>, usize, &R) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let n = if all {
            pending.len()
        } else {
            pending.len() / BATCH * BATCH
        };
        if n == 0 {
            return Ok(());
        }
        let k = self.fixed.len();
        for chunk in pending[..n].chunks(BATCH) {
            if chunk.len() == BATCH {
                for (i, r) in chunk.iter().enumerate() {
                    bind(&mut self.full, k + i * self.ncols, r)?;
                }
                self.full.raw_execute()?;
            } else {
                let mut st = conn.prepare(&(self.sql)(chunk.len()))?;
                for (i, v) in self.fixed.iter().enumerate() {
                    st.raw_bind_parameter(i + 1, v)?;
                }
                for (i, r) in chunk.iter().enumerate() {
                    bind(&mut st, k + i * self.ncols, r)?;
                }
                st.raw_execute()?;
            }
        }
        pending.drain(..n);
        Ok(())
    }
}

/// Phase timer for [`Store::bulk_phases_ms`].
struct Lap {
    t: std::time::Instant,
    phases: Vec<(&'static str, f64)>,
}

impl Lap {
    fn new() -> Self {
        Lap {
            t: std::time::Instant::now(),
            phases: Vec::new(),
        }
    }
    fn mark(&mut self, name: &'static str) {
        self.phases
            .push((name, self.t.elapsed().as_secs_f64() * 1000.0));
        self.t = std::time::Instant::now();
    }
    fn finish(self, out: &mut Vec<(&'static str, f64)>) {
        *out = self.phases;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every column of every row of `table`, in id order.
    fn table_rows(conn: &rusqlite::Connection, table: &str) -> Vec<Vec<rusqlite::types::Value>> {
        let mut st = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY id"))
            .unwrap();
        let n = st.column_count();
        st.query_map([], |r| (0..n).map(|i| r.get(i)).collect())
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    fn migrated() -> rusqlite::Connection {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        crate::migrations::migrate(&mut conn).unwrap();
        conn
    }

    /// The bulk statements write NULLs for some values and let SQL put the value in
    /// ([`clients_sql`], [`contacts_sql`]): the rows they store must be, column for column,
    /// the ones the single-row statements of `rows` store from the same clients.
    #[test]
    fn bulk_rows_are_the_single_path_rows() {
        let channels = [
            Channel::Call,
            Channel::Sms,
            Channel::Whatsapp,
            Channel::Telegram,
            Channel::Viber,
            Channel::Email,
        ];
        let mut items = crate::demo::generate(7, 400, 1_760_000_000_000, "owner-a");
        for (i, (c, dv)) in items.iter_mut().enumerate() {
            match i % 8 {
                // Another owner than the load's first client's (the statement's `?1`).
                0 => {
                    c.owner = "owner-b".into();
                    c.is_demo = false;
                }
                1 => c.updated_at = "2026-01-02T03:04:05.678Z".into(),
                2 => c.deleted_at = Some("2026-01-03T00:00:00.000Z".into()),
                3 => c.data.preferred_channel = Some(channels[(i / 8) % channels.len()]),
                4 => {
                    c.data
                        .custom
                        .insert("f1".into(), CustomValue::Text("x".into()));
                    c.data.tags = vec!["a".into(), "b".into()];
                }
                5 => {
                    c.data.phones.clear();
                    c.data.emails.clear();
                    c.data.messengers.clear();
                    c.data.tags.clear();
                    dv.phone_digits.clear();
                    dv.phone_display = None;
                }
                6 => {
                    c.data.kind = ClientKind::Organization;
                    c.data.contacts.push(ContactPerson {
                        id: format!("{}-cp", c.id),
                        first_name: "Ann".into(),
                        emails: vec![Email {
                            label: "work".into(),
                            address: "ann@example.com".into(),
                        }],
                        messengers: vec![Messenger {
                            kind: MessengerKind::Viber,
                            handle: "+380671234567".into(),
                        }],
                        notes: "n".into(),
                        ..Default::default()
                    });
                }
                _ => {}
            }
        }
        assert!(items.iter().any(|(c, _)| !c.data.contacts.is_empty()));

        let mut bulk = migrated();
        let tx = bulk.transaction().unwrap();
        let mut hlc = Hlc::new(
            Box::new(crate::hlc::FixedClock::new(1_760_000_000_000)),
            "dev".into(),
            None,
        );
        let keys = NameKeys::new("en");
        insert_rows(&tx, &mut hlc, &keys, &items, &mut |_| true).unwrap();
        tx.commit().unwrap();

        let single = migrated();
        {
            let mut st = single.prepare_cached(&rows::insert_client_sql()).unwrap();
            let mut ct = single.prepare_cached(rows::INSERT_CONTACT).unwrap();
            for (c, dv) in &items {
                rows::exec_client(&mut st, c, dv, &rows::ClientJson::of(&c.data).unwrap()).unwrap();
                for (no, p) in c.data.contacts.iter().enumerate() {
                    let json = rows::ContactJson::of(p).unwrap();
                    rows::exec_contact(&mut ct, &c.id, no, p, &c.created_at, &c.created_at, &json)
                        .unwrap();
                }
            }
        }
        for table in ["clients", "contacts"] {
            let (a, b) = (table_rows(&bulk, table), table_rows(&single, table));
            assert_eq!(a.len(), b.len(), "{table}");
            for (x, y) in a.iter().zip(&b) {
                assert_eq!(x, y, "{table}");
            }
        }
    }

    #[test]
    fn hlc_text_is_the_timestamps_display_form() {
        for ms in [
            0,
            7,
            1_760_000_000_000,
            999_999_999_999_999,
            1_000_000_000_000_000,
            -5,
        ] {
            for counter in [0, 1, 42, 99_999, 100_000] {
                for device in ["", "bench", "0193a0c2f1e47d2a9b3c4d5e6f708192"] {
                    let ts = Timestamp {
                        ms,
                        counter,
                        device: device.into(),
                    };
                    assert_eq!(hlc_text(&ts), ts.to_string());
                }
            }
        }
    }
}
