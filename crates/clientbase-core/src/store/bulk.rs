//! Bulk paths: loading demo clients (one transaction, prepared statements, change-log rows and the
//! search index written alongside) and clearing them.

use super::rows::{self, Derived};
use super::{log_change, save_clock, Store};
use crate::error::StoreError;
use crate::model::*;

impl Store {
    /// Inserts already validated clients (with derived values) in one transaction.
    pub fn insert_bulk(&mut self, items: Vec<(Client, Derived)>) -> Result<usize, StoreError> {
        // A large page cache for the duration of the load: the transaction then never spills pages to
        // the WAL before commit (random index inserts would otherwise re-read spilled pages).
        self.conn.pragma_update(None, "cache_size", -262_144)?;
        let tx = self.conn.transaction()?;
        {
            let mut ins = tx.prepare_cached(&rows::insert_client_sql())?;
            let mut ins_ct = tx.prepare_cached(rows::INSERT_CONTACT)?;
            for (c, dv) in &items {
                rows::exec_client(&mut ins, c, dv)?;
                let fields = serde_json::to_string(&rows::client_cols(c))?;
                log_change(&tx, &mut self.hlc, "clients", &c.id, "insert", &fields)?;
                for (no, ct) in c.data.contacts.iter().enumerate() {
                    rows::exec_contact(&mut ins_ct, &c.id, no, ct, &c.created_at, &c.created_at)?;
                    let f = serde_json::to_string(&rows::contact_cols(&c.id, no, ct))?;
                    log_change(&tx, &mut self.hlc, "contacts", &ct.id, "insert", &f)?;
                }
                rows::write_keys(&tx, &c.id, &rows::lookup_keys(dv, &c.data), &[])?;
            }
        }
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        self.conn
            .pragma_update(None, "cache_size", super::CACHE_SIZE)?;
        let n = items.len();
        if self.index.is_empty() {
            // First load into an empty base: the index's bulk path (postings built in the background).
            self.index.bulk_load(
                items
                    .iter()
                    .map(|(c, dv)| super::docs::doc_of(c, dv))
                    .collect(),
            );
        } else {
            for (c, dv) in items {
                self.index.upsert(super::docs::doc_of(&c, &dv));
            }
        }
        Ok(n)
    }

    /// Adds `count` demo clients (deterministic: the seed follows the number already loaded).
    pub fn load_demo(&mut self, count: usize) -> Result<Stats, StoreError> {
        let existing: i64 =
            self.conn
                .query_row("SELECT count(*) FROM clients WHERE is_demo = 1", [], |r| {
                    r.get(0)
                })?;
        let now = self.hlc.wall_ms();
        let items = crate::demo::generate(
            0xC11E_27BA5E ^ existing as u64,
            count,
            now,
            self.hlc.device(),
        );
        self.insert_bulk(items)?;
        self.stats()
    }

    /// Removes every demo client (and their contact persons); each removed row is logged as a delete.
    pub fn clear_demo(&mut self) -> Result<Stats, StoreError> {
        let tx = self.conn.transaction()?;
        {
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
                self.index.remove(id);
            }
            for t in ["client_keys", "contacts"] {
                tx.execute(&format!("DELETE FROM {t} WHERE client_id IN (SELECT id FROM clients WHERE is_demo = 1)"), [])?;
            }
            tx.execute("DELETE FROM clients WHERE is_demo = 1", [])?;
        }
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        self.stats()
    }
}
