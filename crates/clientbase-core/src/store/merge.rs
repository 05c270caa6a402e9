//! Duplicates across the base and merging cards.
//!
//! - [`Store::duplicate_groups`]: clients that share a lookup key of `client_keys` (a phone's
//!   E.164, an e-mail, the folded name + company: the keys `check_duplicates` and the import use),
//!   grouped transitively (union-find: A shares a phone with B, B an e-mail with C → one group).
//! - [`Store::merge_preview`] / [`Store::merge_clients`]: two or more cards become the kept one.
//!   Every phone, e-mail, messenger, tag, contact person and custom value is kept, notes and
//!   hobbies are concatenated; a single-value field whose values differ takes the kept card's value
//!   unless the caller's `choices` name another card for it. The others' interactions and tasks
//!   move to the kept card (each an `update` change-log row naming `client_id`), their contact
//!   persons too, and the others are soft-deleted (`delete`): one transaction, synced like any edit.
//! - [`absorb`]: the merge of one client's values into another's, shared with the import.

use super::rows::{self, Derived};
use super::{clients, docs, log_change, save_clock, Store};
use crate::error::{FieldError, StoreError};
use crate::model::*;
use clientbase_search::fold;
use rusqlite::params;
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Groups returned at most (and the default).
const MAX_GROUPS: u32 = 200;
const DEFAULT_GROUPS: u32 = 50;
/// Clients listed per group at most.
const GROUP_CLIENTS: usize = 50;
/// Shared keys listed per group at most.
const GROUP_KEYS: usize = 100;

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

fn phone_key(p: &Phone) -> String {
    p.e164.clone().unwrap_or_else(|| digits(&p.raw))
}

/// Appends `src` to `dst` (separated by `sep`) unless it is empty or already part of `dst`.
fn append_text(dst: &mut String, src: &str, sep: &str) {
    let src = src.trim();
    if src.is_empty() || dst.contains(src) {
        return;
    }
    if !dst.trim().is_empty() {
        dst.push_str(sep);
    }
    dst.push_str(src);
}

fn fill(dst: &mut String, src: &str) {
    if dst.trim().is_empty() && !src.trim().is_empty() {
        *dst = src.to_owned();
    }
}

fn add_phones(dst: &mut Vec<Phone>, src: &[Phone]) {
    for p in src {
        let k = phone_key(p);
        if !dst.iter().any(|q| phone_key(q) == k) {
            dst.push(p.clone());
        }
    }
}

fn add_emails(dst: &mut Vec<Email>, src: &[Email]) {
    for e in src {
        let k = e.address.trim().to_lowercase();
        if !dst.iter().any(|x| x.address.trim().to_lowercase() == k) {
            dst.push(e.clone());
        }
    }
}

fn add_messengers(dst: &mut Vec<Messenger>, src: &[Messenger]) {
    for m in src {
        let k = m.handle.trim().to_lowercase();
        if !dst
            .iter()
            .any(|x| x.kind == m.kind && x.handle.trim().to_lowercase() == k)
        {
            dst.push(m.clone());
        }
    }
}

fn person_key(c: &ContactPerson) -> String {
    format!("{}|{}", fold(c.last_name.trim()), fold(c.first_name.trim()))
}

/// Merges `other` into `base`: `base`'s values are kept; phones, e-mails, messengers, tags and
/// custom values it lacks are added; its empty fields are filled (the address as a whole);
/// notes and hobbies are appended. With `contacts`, contact persons of `other` are added (one with
/// the same name as one of `base`'s is merged into it the same way; a new one keeps an empty id
/// for the caller to fill).
pub fn absorb(base: &mut ClientInput, other: &ClientInput, contacts: bool) {
    for (dst, src) in [
        (&mut base.first_name, &other.first_name),
        (&mut base.last_name, &other.last_name),
        (&mut base.middle_name, &other.middle_name),
        (&mut base.org_name, &other.org_name),
        (&mut base.website, &other.website),
        (&mut base.source, &other.source),
        (&mut base.call_time, &other.call_time),
    ] {
        fill(dst, src);
    }
    add_phones(&mut base.phones, &other.phones);
    add_emails(&mut base.emails, &other.emails);
    add_messengers(&mut base.messengers, &other.messengers);
    for t in &other.tags {
        if !base
            .tags
            .iter()
            .any(|x| x.to_lowercase() == t.to_lowercase())
        {
            base.tags.push(t.clone());
        }
    }
    if base.address == Address::default() {
        base.address = other.address.clone();
    }
    if base.birthday.is_none() {
        base.birthday = other.birthday;
    }
    if base.category_id.is_none() {
        base.category_id = other.category_id.clone();
    }
    if base.preferred_channel.is_none() {
        base.preferred_channel = other.preferred_channel;
    }
    for (k, v) in &other.custom {
        base.custom.entry(k.clone()).or_insert_with(|| v.clone());
    }
    append_text(&mut base.notes, &other.notes, "\n\n");
    append_text(&mut base.hobbies, &other.hobbies, "; ");
    if !contacts {
        return;
    }
    for c in &other.contacts {
        match base
            .contacts
            .iter_mut()
            .find(|b| person_key(b) == person_key(c))
        {
            Some(b) => {
                fill(&mut b.middle_name, &c.middle_name);
                fill(&mut b.position, &c.position);
                add_phones(&mut b.phones, &c.phones);
                add_emails(&mut b.emails, &c.emails);
                add_messengers(&mut b.messengers, &c.messengers);
                if b.birthday.is_none() {
                    b.birthday = c.birthday;
                }
                append_text(&mut b.notes, &c.notes, "\n\n");
                append_text(&mut b.hobbies, &c.hobbies, "; ");
            }
            None => {
                let mut c = c.clone();
                c.id.clear();
                base.contacts.push(c);
            }
        }
    }
}

/// The single-value fields a merge chooses between, as text (empty: no value).
fn field_values(d: &ClientInput) -> Vec<(String, String)> {
    let name = match (d.kind, d.org_name.trim().is_empty()) {
        (ClientKind::Person, false) => format!("{} ({})", rows::display_name(d), d.org_name.trim()),
        _ => rows::display_name(d),
    };
    let birthday = d
        .birthday
        .map(|b| match b.year {
            Some(y) => format!("{y:04}-{:02}-{:02}", b.month, b.day),
            None => format!("--{:02}-{:02}", b.month, b.day),
        })
        .unwrap_or_default();
    let a = &d.address;
    let address = [&a.street, &a.city, &a.region, &a.postal_code, &a.country]
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let channel = d
        .preferred_channel
        .map(|c| {
            serde_json::to_value(c)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        })
        .unwrap_or_default();
    let mut out = vec![
        ("name".to_owned(), name),
        ("website".into(), d.website.trim().to_owned()),
        ("address".into(), address),
        ("birthday".into(), birthday),
        (
            "category_id".into(),
            d.category_id.clone().unwrap_or_default(),
        ),
        ("source".into(), d.source.trim().to_owned()),
        ("preferred_channel".into(), channel),
        ("call_time".into(), d.call_time.trim().to_owned()),
    ];
    for (id, v) in &d.custom {
        let text = match v {
            CustomValue::Text(s) | CustomValue::Date(s) | CustomValue::Choice(s) => s.clone(),
            CustomValue::Number(n) => n.to_string(),
        };
        out.push((format!("custom.{id}"), text));
    }
    out
}

/// Sets `field` of `dst` to `src`'s value; false for a field name that is not a choice.
fn take_field(dst: &mut ClientInput, src: &ClientInput, field: &str) -> bool {
    match field {
        "name" => {
            dst.kind = src.kind;
            dst.first_name = src.first_name.clone();
            dst.last_name = src.last_name.clone();
            dst.middle_name = src.middle_name.clone();
            dst.org_name = src.org_name.clone();
        }
        "website" => dst.website = src.website.clone(),
        "address" => dst.address = src.address.clone(),
        "birthday" => dst.birthday = src.birthday,
        "category_id" => dst.category_id = src.category_id.clone(),
        "source" => dst.source = src.source.clone(),
        "preferred_channel" => dst.preferred_channel = src.preferred_channel,
        "call_time" => dst.call_time = src.call_time.clone(),
        f => {
            let Some(id) = f.strip_prefix("custom.") else {
                return false;
            };
            match src.custom.get(id) {
                Some(v) => {
                    dst.custom.insert(id.to_owned(), v.clone());
                }
                None => {
                    dst.custom.remove(id);
                }
            }
        }
    }
    true
}

/// The cards of a merge, read and checked.
struct Cards {
    keep: Client,
    others: Vec<Client>,
}

impl Store {
    fn merge_cards(&self, keep: &str, others: &[Id]) -> Result<Cards, StoreError> {
        let mut seen = HashSet::new();
        seen.insert(keep.to_owned());
        if others.is_empty() || others.iter().any(|o| !seen.insert(o.clone())) {
            return Err(StoreError::Validation(vec![FieldError::new(
                "others",
                "merge_invalid",
            )]));
        }
        let live = |id: &str| -> Result<Client, StoreError> {
            let c = self.get_client(id)?;
            if c.deleted_at.is_some() {
                return Err(StoreError::NotFound(format!("client {id} (deleted)")));
            }
            Ok(c)
        };
        Ok(Cards {
            keep: live(keep)?,
            others: others.iter().map(|o| live(o)).collect::<Result<_, _>>()?,
        })
    }

    /// The merged card without choices, and every client's contact persons after it.
    fn merged_input(cards: &Cards) -> ClientInput {
        let mut merged = cards.keep.data.clone();
        for o in &cards.others {
            absorb(&mut merged, &o.data, false);
            merged.contacts.extend(o.data.contacts.iter().cloned());
        }
        merged
    }

    /// What merging `others` into `keep` gives, and the fields whose values differ (the choices
    /// [`Store::merge_clients`] takes), without writing.
    pub fn merge_preview(&self, keep: &str, others: &[Id]) -> Result<MergePreview, StoreError> {
        let cards = self.merge_cards(keep, others)?;
        let merged = Self::merged_input(&cards);
        let all: Vec<&Client> = std::iter::once(&cards.keep)
            .chain(cards.others.iter())
            .collect();
        let mut by_field: BTreeMap<String, Vec<MergeValue>> = BTreeMap::new();
        let mut order: Vec<String> = Vec::new();
        for c in &all {
            for (field, value) in field_values(&c.data) {
                if value.is_empty() {
                    continue;
                }
                if !by_field.contains_key(&field) {
                    order.push(field.clone());
                }
                by_field.entry(field).or_default().push(MergeValue {
                    client_id: c.id.clone(),
                    value,
                });
            }
        }
        let mut conflicts = Vec::new();
        for field in order {
            let values = by_field.remove(&field).unwrap_or_default();
            let distinct: HashSet<&str> = values.iter().map(|v| v.value.as_str()).collect();
            if distinct.len() > 1 {
                conflicts.push(MergeConflict {
                    chosen: values[0].client_id.clone(),
                    field,
                    values,
                });
            }
        }
        let (mut interactions, mut tasks) = (0u32, 0u32);
        for o in &cards.others {
            interactions += self.conn.query_row(
                "SELECT count(*) FROM interactions WHERE client_id = ?1 AND deleted_at IS NULL",
                [&o.id],
                |r| r.get::<_, u32>(0),
            )?;
            tasks += self.conn.query_row(
                "SELECT count(*) FROM tasks WHERE client_id = ?1 AND deleted_at IS NULL",
                [&o.id],
                |r| r.get::<_, u32>(0),
            )?;
        }
        Ok(MergePreview {
            merged,
            conflicts,
            interactions,
            tasks,
        })
    }

    /// Merges `others` into `keep` (see the module doc); `choices` maps a field of
    /// [`MergeConflict::field`] to the client whose value the merged card takes. Returns the merged
    /// card.
    pub fn merge_clients(
        &mut self,
        keep: &str,
        others: &[Id],
        choices: &BTreeMap<String, Id>,
    ) -> Result<Client, StoreError> {
        let cards = self.merge_cards(keep, others)?;
        let mut merged = Self::merged_input(&cards);
        let mut errs = Vec::new();
        for (field, id) in choices {
            let src = std::iter::once(&cards.keep)
                .chain(cards.others.iter())
                .find(|c| &c.id == id);
            match src {
                Some(src) => {
                    if !take_field(&mut merged, &src.data, field) {
                        errs.push(FieldError::new(format!("choices.{field}"), "unknown_field"));
                    }
                }
                None => errs.push(FieldError::new(format!("choices.{field}"), "merge_invalid")),
            }
        }
        let named = match merged.kind {
            ClientKind::Person => {
                !(merged.first_name.trim().is_empty() && merged.last_name.trim().is_empty())
            }
            ClientKind::Organization => !merged.org_name.trim().is_empty(),
        };
        if !named {
            errs.push(FieldError::new("first_name", "name_required"));
        }
        if !errs.is_empty() {
            return Err(StoreError::Validation(errs));
        }
        let keep = cards.keep;
        let now = self.now();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // The others' contact persons move to the kept card, after its own.
        let mut before = keep.clone();
        for o in &cards.others {
            for (ono, ct) in o.data.contacts.iter().enumerate() {
                let no = before.data.contacts.len();
                let changed = rows::diff(
                    &rows::contact_cols(&o.id, ono, ct, None),
                    &rows::contact_cols(&keep.id, no, ct, None),
                )?;
                tx.execute(
                    "UPDATE contacts SET client_id = ?2, position_no = ?3, updated_at = ?4 WHERE id = ?1",
                    params![ct.id, keep.id, no as i64, now],
                )?;
                log_change(
                    &tx,
                    &mut self.hlc,
                    "contacts",
                    &ct.id,
                    "update",
                    &serde_json::Value::Object(changed).to_string(),
                )?;
                before.data.contacts.push(ct.clone());
            }
        }
        let new = Client {
            data: merged,
            updated_at: now.clone(),
            ..keep.clone()
        };
        let dv: Derived = rows::derive(&new.data);
        clients::write_update(&tx, &mut self.hlc, &self.name_keys, &before, &new, &dv)?;
        // The moved contact persons' phones were the others' keys: the kept card's now.
        rows::write_keys(&tx, &keep.id, &rows::lookup_keys(&dv, &new.data), &[])?;
        for o in &cards.others {
            let ids = |sql: &str| -> Result<Vec<String>, StoreError> {
                let mut st = tx.prepare(sql)?;
                let r = st
                    .query_map([&o.id], |r| r.get::<_, String>(0))?
                    .collect::<Result<_, _>>()?;
                Ok(r)
            };
            for id in ids("SELECT id FROM interactions WHERE client_id = ?1 ORDER BY id")? {
                tx.execute(
                    "UPDATE interactions SET client_id = ?2 WHERE id = ?1",
                    params![id, keep.id],
                )?;
                let f = json!({ "client_id": keep.id }).to_string();
                log_change(&tx, &mut self.hlc, "interactions", &id, "update", &f)?;
            }
            for id in ids("SELECT id FROM tasks WHERE client_id = ?1 ORDER BY id")? {
                tx.execute(
                    "UPDATE tasks SET client_id = ?2, updated_at = ?3 WHERE id = ?1",
                    params![id, keep.id, now],
                )?;
                let f = json!({ "client_id": keep.id, "updated_at": now }).to_string();
                log_change(&tx, &mut self.hlc, "tasks", &id, "update", &f)?;
            }
            super::orders::move_orders(&tx, &mut self.hlc, &o.id, &keep.id, &now)?;
            tx.execute(
                "UPDATE clients SET deleted_at = ?2, updated_at = ?2, last_contact_at = NULL WHERE id = ?1",
                params![o.id, now],
            )?;
            let f = json!({ "deleted_at": now, "updated_at": now }).to_string();
            log_change(&tx, &mut self.hlc, "clients", &o.id, "delete", &f)?;
            let key = self.name_keys.key(&rows::display_name(&o.data), &o.id);
            super::order::remove(&tx, &key)?;
        }
        // "Last contacted" is derived: the latest of the interactions it now has.
        tx.execute(
            "UPDATE clients SET last_contact_at = (SELECT max(at) FROM interactions \
             WHERE client_id = ?1 AND deleted_at IS NULL) WHERE id = ?1",
            [&keep.id],
        )?;
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        self.invalidate_orders();
        let index = self.index()?;
        for o in &cards.others {
            index.remove(&o.id);
        }
        index.upsert(docs::doc_of(&new, &dv));
        Ok(new)
    }

    /// Groups of live clients sharing a phone, an e-mail or a name (+ company) — the likely
    /// duplicates of the base (see the module doc). `limit`: groups returned (0 = 50, at most 200).
    pub fn duplicate_groups(&self, limit: u32) -> Result<DuplicateGroups, StoreError> {
        let limit = match limit {
            0 => DEFAULT_GROUPS,
            n => n.min(MAX_GROUPS),
        } as usize;
        let deleted: HashSet<String> = {
            let mut st = self
                .conn
                .prepare("SELECT id FROM clients WHERE deleted_at IS NOT NULL")?;
            let r = st
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<_, _>>()?;
            r
        };
        // Runs of one key over two or more live clients (the primary key is (key, client_id):
        // one ordered scan, strings copied only for the runs).
        let mut runs: Vec<(String, Vec<String>)> = Vec::new();
        {
            let mut st = self
                .conn
                .prepare("SELECT key, client_id FROM client_keys ORDER BY key, client_id")?;
            let mut rows = st.query([])?;
            let mut key = String::new();
            let mut ids: Vec<String> = Vec::new();
            while let Some(r) = rows.next()? {
                let k = rows::text(r, 0)?;
                if k != key {
                    if ids.len() > 1 {
                        runs.push((std::mem::take(&mut key), std::mem::take(&mut ids)));
                    }
                    ids.clear();
                    key.clear();
                    key.push_str(k);
                }
                let id = rows::text(r, 1)?;
                if !deleted.contains(id) {
                    ids.push(id.to_owned());
                }
            }
            if ids.len() > 1 {
                runs.push((key, ids));
            }
        }
        // Union-find over the clients of the runs.
        let mut slot: HashMap<&str, usize> = HashMap::new();
        let mut names: Vec<&str> = Vec::new();
        for (_, ids) in &runs {
            for id in ids {
                slot.entry(id.as_str()).or_insert_with(|| {
                    names.push(id.as_str());
                    names.len() - 1
                });
            }
        }
        let mut parent: Vec<usize> = (0..names.len()).collect();
        fn find(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                p[x] = p[p[x]];
                x = p[x];
            }
            x
        }
        for (_, ids) in &runs {
            let a = find(&mut parent, slot[ids[0].as_str()]);
            for id in &ids[1..] {
                let b = find(&mut parent, slot[id.as_str()]);
                if a != b {
                    parent[b] = a;
                }
            }
        }
        let mut groups: HashMap<usize, (Vec<&str>, Vec<usize>)> = HashMap::new();
        for (i, id) in names.iter().enumerate() {
            let root = find(&mut parent, i);
            groups.entry(root).or_default().0.push(*id);
        }
        for (r, (_, ids)) in runs.iter().enumerate() {
            let root = find(&mut parent, slot[ids[0].as_str()]);
            if let Some(g) = groups.get_mut(&root) {
                g.1.push(r);
            }
        }
        let mut groups: Vec<(Vec<&str>, Vec<usize>)> = groups.into_values().collect();
        let strong =
            |g: &(Vec<&str>, Vec<usize>)| g.1.iter().any(|&r| !runs[r].0.starts_with("n:"));
        for g in &mut groups {
            g.0.sort_unstable();
        }
        groups.sort_by(|a, b| {
            strong(b)
                .cmp(&strong(a))
                .then(b.0.len().cmp(&a.0.len()))
                .then(a.0[0].cmp(b.0[0]))
        });
        let total = groups.len() as u32;
        let mut out = Vec::new();
        for (ids, keys) in groups.into_iter().take(limit) {
            let mut clients = Vec::new();
            for id in ids.iter().take(GROUP_CLIENTS) {
                if let Some(d) = docs::load_docs(&self.conn, "c.id = ?1", [id])?
                    .into_iter()
                    .next()
                {
                    clients.push(d.payload);
                }
            }
            let mut out_keys = Vec::with_capacity(keys.len());
            for r in keys {
                let (k, client_ids) = &runs[r];
                let (reason, value) = match &k[..2] {
                    "p:" => (DuplicateReason::Phone, k[2..].to_owned()),
                    "e:" => (DuplicateReason::Email, k[2..].to_owned()),
                    _ => {
                        let listed = clients
                            .iter()
                            .find(|c| client_ids.contains(&c.id))
                            .map(|c| c.display_name.clone());
                        let name = match listed {
                            Some(n) => n,
                            None => docs::load_docs(&self.conn, "c.id = ?1", [&client_ids[0]])?
                                .into_iter()
                                .next()
                                .map(|d| d.payload.display_name)
                                .unwrap_or_default(),
                        };
                        (DuplicateReason::Name, name)
                    }
                };
                out_keys.push(DuplicateKey {
                    reason,
                    value,
                    client_ids: client_ids.clone(),
                });
            }
            // Phones and e-mails first; a group chained through many keys lists 100 of them.
            out_keys.sort_by_key(|k| k.reason == DuplicateReason::Name);
            out_keys.truncate(GROUP_KEYS);
            let keys = out_keys;
            out.push(DuplicateGroup {
                size: ids.len() as u32,
                clients,
                keys,
            });
        }
        Ok(DuplicateGroups { total, groups: out })
    }
}
