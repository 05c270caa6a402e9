//! Client writes and reads: create, update, soft delete / restore, list (through the search index)
//! and duplicate detection (through the derived lookup tables).

use super::rows::{self, Derived};
use super::{log_change, new_id, save_clock, Store};
use crate::error::{FieldError, StoreError};
use crate::hlc::Hlc;
use crate::model::*;
use crate::{phone, validate};
use clientbase_search::NameKeys;
use clientbase_search::{Filter, Sort};
use rusqlite::{params, Transaction};
use std::collections::HashSet;

impl Store {
    /// Tidies and validates an input, fills phone E.164s. Returns the errors as `Validation`.
    fn prepare_input(&self, mut input: ClientInput) -> Result<ClientInput, StoreError> {
        validate::tidy(&mut input);
        let defs = self.custom_fields()?;
        let country = self.settings.default_country.clone();
        let mut errs = validate::validate(&input, &country, &defs);
        if let Some(cat) = &input.category_id {
            let n: i64 = self.conn.query_row(
                "SELECT count(*) FROM categories WHERE id = ?1",
                [cat],
                |r| r.get(0),
            )?;
            if n == 0 {
                errs.push(FieldError::new("category_id", "category_invalid"));
            }
        }
        if !errs.is_empty() {
            return Err(StoreError::Validation(errs));
        }
        let fill = |phones: &mut Vec<Phone>| {
            for p in phones.iter_mut() {
                p.e164 = phone::to_e164(&p.raw, &country);
            }
        };
        fill(&mut input.phones);
        for c in &mut input.contacts {
            fill(&mut c.phones);
        }
        Ok(input)
    }

    /// Validates and saves a new client (and its contact persons); returns it with ids filled.
    pub fn create_client(&mut self, input: ClientInput) -> Result<Client, StoreError> {
        let mut data = self.prepare_input(input)?;
        for c in &mut data.contacts {
            c.id = new_id();
        }
        let now = self.now();
        let client = Client {
            id: new_id(),
            data,
            owner: self.owner_id(),
            created_at: now.clone(),
            updated_at: now,
            deleted_at: None,
            is_demo: false,
        };
        let dv = rows::derive(&client.data);
        let json = rows::ClientJson::of(&client.data)?;
        let order_key = self.order_key(&client.data, &client.id);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        rows::exec_client(
            &mut tx.prepare_cached(&rows::insert_client_sql())?,
            &client,
            &dv,
            &json,
        )?;
        let fields = serde_json::to_string(&rows::client_cols(&client, Some(&json)))?;
        log_change(&tx, &mut self.hlc, "clients", &client.id, "insert", &fields)?;
        for (no, ct) in client.data.contacts.iter().enumerate() {
            let json = rows::ContactJson::of(ct)?;
            rows::exec_contact(
                &mut tx.prepare_cached(rows::INSERT_CONTACT)?,
                &client.id,
                no,
                ct,
                &client.created_at,
                &client.created_at,
                &json,
            )?;
            let f = serde_json::to_string(&rows::contact_cols(&client.id, no, ct, Some(&json)))?;
            log_change(&tx, &mut self.hlc, "contacts", &ct.id, "insert", &f)?;
        }
        rows::write_keys(&tx, &client.id, &rows::lookup_keys(&dv, &client.data), &[])?;
        super::order::put(&tx, &order_key, &client.id)?;
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        self.index()?.upsert(super::docs::doc_of(&client, &dv));
        Ok(client)
    }

    /// Any client by id, soft-deleted ones included (`deleted_at` set).
    pub fn get_client(&self, id: &str) -> Result<Client, StoreError> {
        rows::read_client(&self.conn, id)?
            .ok_or_else(|| StoreError::NotFound(format!("client {id}")))
    }

    /// Validates and saves the edited client. Contact persons keep their id when the input carries it;
    /// new ones get one; ones missing from the input are deleted. Only changed fields are logged.
    pub fn update_client(&mut self, id: &str, input: ClientInput) -> Result<Client, StoreError> {
        let old = self.get_client(id)?;
        if old.deleted_at.is_some() {
            return Err(StoreError::NotFound(format!("client {id} (deleted)")));
        }
        let mut data = self.prepare_input(input)?;
        let old_ids: HashSet<&str> = old.data.contacts.iter().map(|c| c.id.as_str()).collect();
        let mut seen = HashSet::new();
        for c in &mut data.contacts {
            if !old_ids.contains(c.id.as_str()) || !seen.insert(c.id.clone()) {
                c.id = new_id();
            }
        }
        let mut new = Client {
            id: old.id.clone(),
            data,
            ..old.clone()
        };
        if new.data == old.data {
            return Ok(old);
        }
        new.updated_at = self.now();
        let dv = rows::derive(&new.data);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        write_update(&tx, &mut self.hlc, &self.name_keys, &old, &new, &dv)?;
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        self.index()?.upsert(super::docs::doc_of(&new, &dv));
        Ok(new)
    }

    fn set_deleted(&mut self, id: &str, deleted: bool) -> Result<Client, StoreError> {
        let mut c = self.get_client(id)?;
        if c.deleted_at.is_some() == deleted {
            return Ok(c);
        }
        let now = self.now();
        c.deleted_at = deleted.then(|| now.clone());
        c.updated_at = now;
        let key = self.order_key(&c.data, id);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE clients SET deleted_at = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, c.deleted_at, c.updated_at],
        )?;
        let fields = serde_json::json!({ "deleted_at": c.deleted_at, "updated_at": c.updated_at })
            .to_string();
        log_change(
            &tx,
            &mut self.hlc,
            "clients",
            id,
            if deleted { "delete" } else { "restore" },
            &fields,
        )?;
        if deleted {
            super::order::remove(&tx, &key)?;
        } else {
            super::order::put(&tx, &key, id)?;
        }
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        if deleted {
            self.index()?.remove(id);
        } else {
            let dv = rows::derive(&c.data);
            self.index()?.upsert(super::docs::doc_of(&c, &dv));
        }
        Ok(c)
    }

    /// Soft delete: the client leaves lists and search; [`Store::restore_client`] undoes it.
    pub fn delete_client(&mut self, id: &str) -> Result<Client, StoreError> {
        self.set_deleted(id, true)
    }

    pub fn restore_client(&mut self, id: &str) -> Result<Client, StoreError> {
        self.set_deleted(id, false)
    }

    /// One page of the client list: text search (all scripts, phone fragments), filters, order.
    pub fn list_clients(&mut self, q: &ListQuery) -> Result<ListPage, StoreError> {
        let (filter, sort) = filter_sort(q);
        let limit = match q.limit {
            0 => 50,
            n => n.min(1000),
        };
        if let Some(page) = self.page_without_index(q, limit)? {
            return Ok(page);
        }
        if let Some(owner) = q.owner.as_deref() {
            return self.list_of_owner(q, owner, limit);
        }
        if let Some(s) = &q.segment {
            return self.list_in_segment(q, s, limit);
        }
        let page = self
            .index()?
            .query(&q.text, &filter, sort, q.offset as usize, limit as usize);
        Ok(ListPage {
            total: page.total as u32,
            offset: q.offset,
            rows: page.items.into_iter().cloned().collect(),
        })
    }

    /// Every client the list shows for `q` (text, filters, order; `offset` and `limit` ignored),
    /// whole: what "export the current list" exports.
    pub fn query_clients(&mut self, q: &ListQuery) -> Result<Vec<Client>, StoreError> {
        let (filter, sort) = filter_sort(q);
        let mut segment = match &q.segment {
            Some(s) => Some((*self.segment_ids(s)?).clone()),
            None => None,
        };
        if let Some(owner) = q.owner.as_deref() {
            let mine = self.owned_by(owner)?;
            segment = Some(match segment {
                Some(s) => s.intersection(&mine).cloned().collect(),
                None => mine,
            });
        }
        let ids: Vec<String> = self
            .index()?
            .query(&q.text, &filter, sort, 0, usize::MAX)
            .items
            .into_iter()
            .filter(|s| segment.as_ref().is_none_or(|ids| ids.contains(&s.id)))
            .map(|s| s.id.clone())
            .collect();
        if ids.len() <= 2_000 {
            return ids.iter().map(|id| self.get_client(id)).collect();
        }
        let mut all = rows::read_live_clients(&self.conn)?;
        Ok(ids.iter().filter_map(|id| all.remove(id)).collect())
    }

    /// Live clients owned by `owner`.
    fn owned_by(&self, owner: &str) -> Result<std::collections::HashSet<String>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT id FROM clients WHERE owner = ?1 AND deleted_at IS NULL")?;
        let ids = st.query_map([owner], |r| r.get::<_, String>(0))?;
        Ok(ids.collect::<Result<_, _>>()?)
    }

    /// The list restricted to one owner (a manager's filter): the index answers the text, filters
    /// and order (and a segment, when one is set), the owner's id set filters that ordered result.
    /// A walk of the whole ordered match, like a segment (no owner facet in the index: a manager's
    /// occasional filter, not a keystroke path).
    fn list_of_owner(
        &mut self,
        q: &ListQuery,
        owner: &str,
        limit: u32,
    ) -> Result<ListPage, StoreError> {
        let mine = self.owned_by(owner)?;
        let mut all = q.clone();
        all.owner = None;
        all.offset = 0;
        all.limit = 1000;
        let mut rows: Vec<ClientSummary> = Vec::new();
        loop {
            let page = self.list_clients(&all)?;
            let n = page.rows.len() as u32;
            rows.extend(page.rows.into_iter().filter(|c| mine.contains(&c.id)));
            all.offset += n;
            if n == 0 || all.offset >= page.total {
                break;
            }
        }
        let total = rows.len() as u32;
        let rows = rows
            .into_iter()
            .skip(q.offset as usize)
            .take(limit as usize)
            .collect();
        Ok(ListPage {
            total,
            offset: q.offset,
            rows,
        })
    }

    pub fn tags(&mut self) -> Result<Vec<String>, StoreError> {
        Ok(self.index()?.tags())
    }

    pub fn cities(&mut self) -> Result<Vec<String>, StoreError> {
        Ok(self.index()?.cities())
    }

    /// Existing (not deleted) clients that share a phone, an e-mail or the folded name (+ company for a
    /// person) with `input`. Uses the lookup tables' indexes.
    pub fn check_duplicates(
        &self,
        input: &ClientInput,
        exclude: Option<&str>,
    ) -> Result<Vec<DuplicateMatch>, StoreError> {
        let mut input = input.clone();
        validate::tidy(&mut input);
        let country = &self.settings.default_country;
        let mut dv: Derived = rows::derive_base(&input);
        for p in input
            .phones
            .iter()
            .chain(input.contacts.iter().flat_map(|c| c.phones.iter()))
        {
            if let Some(e) = phone::to_e164(&p.raw, country) {
                if !dv.e164s.contains(&e) {
                    dv.e164s.push(e);
                }
            }
        }
        let exclude = exclude.unwrap_or("");
        let mut found: Vec<(String, DuplicateReason, String)> = Vec::new();
        let mut probe =
            |sql: &str, values: &[String], reason: DuplicateReason| -> Result<(), StoreError> {
                let mut st = self.conn.prepare_cached(sql)?;
                for v in values {
                    let ids = st.query_map(params![v, exclude], |r| r.get::<_, String>(0))?;
                    for id in ids {
                        let id = id?;
                        if !found.iter().any(|(i, r, _)| *i == id && *r == reason) {
                            found.push((id, reason, v.clone()));
                        }
                    }
                }
                Ok(())
            };
        const SQL: &str =
            "SELECT x.client_id FROM client_keys x JOIN clients c ON c.id = x.client_id \
            WHERE x.key = ?1 AND c.deleted_at IS NULL AND c.id <> ?2";
        let keys = |prefix: &str, v: &[String]| -> Vec<String> {
            v.iter().map(|x| format!("{prefix}{x}")).collect()
        };
        probe(SQL, &keys("p:", &dv.e164s), DuplicateReason::Phone)?;
        probe(SQL, &keys("e:", &dv.emails), DuplicateReason::Email)?;
        let name_ok = match input.kind {
            ClientKind::Person => !(input.first_name.is_empty() && input.last_name.is_empty()),
            ClientKind::Organization => !input.org_name.is_empty(),
        };
        if name_ok {
            probe(
                SQL,
                &keys("n:", std::slice::from_ref(&dv.name_key)),
                DuplicateReason::Name,
            )?;
        }
        let display = rows::display_name(&input);
        for f in found.iter_mut().filter(|f| f.1 == DuplicateReason::Name) {
            f.2 = display.clone();
        }
        let mut out = Vec::new();
        for (id, reason, mut value) in found {
            if let Some(v) = value.get(2..).filter(|_| reason != DuplicateReason::Name) {
                value = v.to_owned();
            }
            let docs = super::docs::load_docs(&self.conn, "c.id = ?1", [&id])?;
            if let Some(doc) = docs.into_iter().next() {
                out.push(DuplicateMatch {
                    client: doc.payload,
                    reason,
                    value,
                });
            }
        }
        Ok(out)
    }
}

/// Writes an edit of a live client inside `tx`: the row, one `update` change-log row with the
/// changed columns (and `updated_at`), its contact persons (kept by id: updated when changed,
/// inserted when new, deleted when gone; each logged), its lookup keys and `name_order` key.
/// `new.updated_at` is set by the caller; `dv` is derived from `new`. Shared by edits, import
/// merges and merging duplicate cards.
pub(crate) fn write_update(
    tx: &Transaction<'_>,
    hlc: &mut Hlc,
    name_keys: &NameKeys,
    old: &Client,
    new: &Client,
    dv: &Derived,
) -> Result<(), StoreError> {
    let id = old.id.as_str();
    rows::exec_client(
        &mut tx.prepare_cached(&rows::update_client_sql())?,
        new,
        dv,
        &rows::ClientJson::of(&new.data)?,
    )?;
    let mut changed = rows::diff(&rows::client_cols(old, None), &rows::client_cols(new, None))?;
    changed.insert(
        "updated_at".into(),
        serde_json::Value::String(new.updated_at.clone()),
    );
    log_change(
        tx,
        hlc,
        "clients",
        id,
        "update",
        &serde_json::Value::Object(changed).to_string(),
    )?;
    for (no, ct) in new.data.contacts.iter().enumerate() {
        match old.data.contacts.iter().position(|o| o.id == ct.id) {
            Some(ono) => {
                let before = rows::contact_cols(id, ono, &old.data.contacts[ono], None);
                let after = rows::contact_cols(id, no, ct, None);
                let changed = rows::diff(&before, &after)?;
                if !changed.is_empty() {
                    let created: String = tx.query_row(
                        "SELECT created_at FROM contacts WHERE id = ?1",
                        [&ct.id],
                        |r| r.get(0),
                    )?;
                    rows::exec_contact(
                        &mut tx.prepare_cached(rows::UPDATE_CONTACT)?,
                        id,
                        no,
                        ct,
                        &created,
                        &new.updated_at,
                        &rows::ContactJson::of(ct)?,
                    )?;
                    log_change(
                        tx,
                        hlc,
                        "contacts",
                        &ct.id,
                        "update",
                        &serde_json::Value::Object(changed).to_string(),
                    )?;
                }
            }
            None => {
                let json = rows::ContactJson::of(ct)?;
                rows::exec_contact(
                    &mut tx.prepare_cached(rows::INSERT_CONTACT)?,
                    id,
                    no,
                    ct,
                    &new.updated_at,
                    &new.updated_at,
                    &json,
                )?;
                let f = serde_json::to_string(&rows::contact_cols(id, no, ct, Some(&json)))?;
                log_change(tx, hlc, "contacts", &ct.id, "insert", &f)?;
            }
        }
    }
    for o in &old.data.contacts {
        if !new.data.contacts.iter().any(|c| c.id == o.id) {
            tx.execute("DELETE FROM contacts WHERE id = ?1", [&o.id])?;
            log_change(tx, hlc, "contacts", &o.id, "delete", "{}")?;
        }
    }
    let old_keys = rows::lookup_keys(&rows::derive_base(&old.data), &old.data);
    rows::write_keys(tx, id, &rows::lookup_keys(dv, &new.data), &old_keys)?;
    let old_key = name_keys.key(&rows::display_name(&old.data), id);
    let new_key = name_keys.key(&rows::display_name(&new.data), id);
    if old_key != new_key {
        super::order::remove(tx, &old_key)?;
        super::order::put(tx, &new_key, id)?;
    }
    Ok(())
}

/// The search index's filter and order for a list query.
pub(super) fn filter_sort(q: &ListQuery) -> (Filter, Sort) {
    let filter = Filter {
        categories: q.category_ids.clone(),
        tag: q.tag.clone(),
        city: q.city.clone(),
    };
    let sort = match q.sort {
        SortOrder::Name => Sort::Name,
        SortOrder::Recent => Sort::Recent,
        SortOrder::NextBirthday => {
            use chrono::Datelike;
            let today = chrono::Local::now().date_naive();
            Sort::NextBirthday {
                today_md: today.month() as u16 * 100 + today.day() as u16,
            }
        }
    };
    (filter, sort)
}
