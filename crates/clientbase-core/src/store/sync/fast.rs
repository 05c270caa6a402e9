//! The fast path of a pulled page: rows new to this device, and rows it holds but never changed.
//!
//! On a fresh device nearly every entry of the first sync creates a row, and merging those one
//! entry at a time (read the row, its server clocks and its local changes; merge; write; record
//! the clocks; read the client back) costs several statements per entry. A row is *new* here when
//! it is not in its table, has no `sync_clock` row and no change-log entry on this device: its
//! state before the page is known without reading anything (empty). Its entries of the page are
//! merged in memory with THE merge and the same write rules as the per-entry path — after each
//! emulated write the row holds exactly what the per-entry path would read back from SQLite —
//! and the outcome is written in bulk: multi-row INSERTs per table and column set, parents first,
//! then the rows' `sync_clock` rows. All of it inside the page's transaction, with its cursor.
//!
//! A row already in its table with no change-log entry on this device (*known*: a later page's
//! update of a pulled row, e.g. a sign-in's adoption of every client) has no local clock to
//! weigh: what `load_state` reads of it one entry at a time — the columns the entries name, its
//! client column, its `sync_clock` row — is read here for 500 rows per query, its entries merged
//! the same way, and the columns that changed written by one UPDATE per row. A known client is
//! noted for derivation as it was before the page, and a client's owner-only update derives
//! nothing, as on the per-entry path.
//!
//! A row leaves the fast path, and goes through the per-entry merge in page order after the bulk
//! writes, when this device changed it (a change-log entry), when it has server clocks but is
//! not in its table, when an entry would hard-delete a known row, when its merge would log a
//! conflict, when an entry names a column its image lacks (the per-entry path would read the
//! column's default), when it belongs to a client that arrives later in the page or left the
//! fast path, or when its INSERT fails (a parent not on this device) or its UPDATE is refused:
//! the per-entry path then decides exactly as it always did. A page with a removal or a reset
//! goes entirely through the per-entry path.
//!
//! Derived data (client columns, `client_keys`, `name_order`, the search index) is not touched
//! here: the page's end derives every touched client once, whichever path wrote it.

use super::derive::Deriving;
use super::{
    derived_columns, json_columns, json_value, merged_clocks, new_row_stamps, quote,
    remote_into_state, sql_value, sql_value_owned, ApplyStats, RemoteClocks, Touched,
};
use crate::error::StoreError;
use crate::hlc::{Hlc, Timestamp};
use crate::model::Client;
use crate::store::rows;
use clientbase_sync::{
    self as proto, table_spec, EntryBody, Op, Outcome, PullResponse, RowState, TableSpec,
    SYNCED_TABLES,
};
use rusqlite::types::{Value as Sql, ValueRef};
use rusqlite::Transaction;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Ids per freshness query (one JSON array parameter).
const CHECK_CHUNK: usize = 500;
/// Rows per multi-row INSERT.
const INSERT_ROWS: usize = 64;
/// SQLite's default limit on parameters per statement.
const MAX_PARAMS: usize = 32_766;

/// A row new to this device, merged in memory.
struct Fresh<'p> {
    spec: &'static TableSpec,
    row_id: &'p str,
    /// The page entries naming this row, in order.
    entries: Vec<usize>,
    /// In its table before the page (with no local change): its named columns and server
    /// clocks were read, and it is written by UPDATEs of the columns that changed.
    known: bool,
    /// Whether the row is in its table after the entries merged so far.
    exists: bool,
    /// Its columns as written (what SQLite returns for them); of a known row, the columns its
    /// entries name and its client column.
    stored: BTreeMap<String, Sql>,
    /// Columns a merge wrote into `stored` (what a known row's UPDATE sets).
    dirty: BTreeSet<String>,
    /// Whether an entry was applied (its clocks are then recorded).
    wrote: bool,
    /// Whether an entry feeds what is derived from its client (see `apply_change`: a client's
    /// owner-only update does not).
    derives: bool,
    /// Its `sync_clock` row, once a write recorded one.
    clocks: Option<RemoteClocks>,
    /// The clients its entries touch, as the per-entry path notes them.
    clients: Vec<String>,
    stats: ApplyStats,
    /// Left the fast path: the per-entry merge applies its entries.
    out: bool,
    /// A new client or contact person whose `birthday_md` its image holds (see
    /// [`birthday_md_in_row`]): a contact person's is not recomputed at the page's end, nor
    /// is a client's derived from its images.
    derived_in: bool,
}

/// Applies the page's rows that are new to this device (see the module doc) and returns, per
/// entry, whether it is done; the caller applies the others in page order.
pub(super) fn apply_fresh(
    tx: &Transaction<'_>,
    hlc: &mut Hlc,
    name_keys: &std::sync::Arc<clientbase_search::NameKeys>,
    page: &PullResponse,
    touched: &mut Touched,
    stats: &mut ApplyStats,
) -> Result<(Vec<bool>, Option<Deriving>), StoreError> {
    let mut done = vec![false; page.entries.len()];
    if page
        .entries
        .iter()
        .any(|e| matches!(e.body, EntryBody::Reset { .. } | EntryBody::Remove { .. }))
    {
        return Ok((done, None));
    }
    let device = hlc.device().to_owned();
    let mut rows_: Vec<Fresh<'_>> = Vec::new();
    let mut at: HashMap<(&str, &str), usize> = HashMap::new();
    for (i, e) in page.entries.iter().enumerate() {
        let (table, row_id, own) = match &e.body {
            EntryBody::Change { change } => (
                change.table.as_str(),
                change.row_id.as_str(),
                change.device_id == device,
            ),
            EntryBody::Row { row } => (row.table.as_str(), row.row_id.as_str(), false),
            EntryBody::Reset { .. } | EntryBody::Remove { .. } => continue,
        };
        // A table this app does not know: the per-entry path counts it.
        let Some(spec) = table_spec(table) else {
            continue;
        };
        let k = *at.entry((table, row_id)).or_insert_with(|| {
            rows_.push(Fresh {
                spec,
                row_id,
                entries: Vec::new(),
                known: false,
                exists: false,
                stored: BTreeMap::new(),
                dirty: BTreeSet::new(),
                wrote: false,
                derives: false,
                clocks: None,
                clients: Vec::new(),
                stats: ApplyStats::default(),
                out: false,
                derived_in: false,
            });
            rows_.len() - 1
        });
        rows_[k].entries.push(i);
        // This device's own change echoed back: the per-entry path checks its log.
        rows_[k].out |= own;
    }
    if rows_.is_empty() {
        return Ok((done, None));
    }
    mark_known(tx, page, &mut rows_, touched)?;
    for f in rows_.iter_mut().filter(|f| !f.out) {
        let cols = touched.cols(tx, f.spec.name)?;
        emulate(f, page, &cols);
    }
    // A child goes in after its client: one arriving earlier in the page than its (new) client,
    // or whose client left the fast path, is merged per entry, as it would have been.
    let clients_at: HashMap<&str, usize> = rows_
        .iter()
        .enumerate()
        .filter(|(_, f)| f.spec.name == "clients")
        .map(|(k, f)| (f.row_id, k))
        .collect();
    for k in 0..rows_.len() {
        let f = &rows_[k];
        if f.out || f.spec.client_column.is_none_or(|c| c == "id") {
            continue;
        }
        let first = f.entries[0];
        let late_parent = f.clients.iter().any(|c| {
            clients_at
                .get(c.as_str())
                .is_some_and(|&p| rows_[p].out || rows_[p].entries[0] > first)
        });
        if late_parent {
            rows_[k].out = true;
        }
    }
    // The clients whose derived data the fast rows change, as they were before the page (a new
    // client: none).
    for f in rows_
        .iter()
        .filter(|f| !f.out && f.derives && matches!(f.spec.name, "clients" | "contacts"))
    {
        for c in &f.clients {
            match clients_at.get(c.as_str()) {
                Some(&p) if !rows_[p].out && !rows_[p].known => {
                    touched.clients.entry(c.clone()).or_insert(None);
                }
                _ => touched.client(tx, c)?,
            }
        }
    }
    for f in rows_
        .iter_mut()
        .filter(|f| matches!(f.spec.name, "clients" | "contacts"))
    {
        birthday_md_in_row(f);
    }
    // New clients whose contact persons are all new here too are derived from their images
    // while the rows are written (see `derive`).
    let (clients, parts) = images(page, &rows_);
    let mut deriving = (!clients.is_empty()).then(|| Deriving::start(clients, name_keys.clone()));
    write_rows(tx, &mut rows_, touched)?;
    if let Some(d) = deriving.as_mut() {
        for (i, ks) in parts.iter().enumerate() {
            if ks.iter().any(|&k| rows_[k].out) {
                d.invalidate(i);
            }
        }
    }
    // The clock observes every remote timestamp it took in (their latest is enough: observing
    // is a maximum), so later local edits are later than everything seen.
    let mut newest: Option<&str> = None;
    for f in rows_.iter().filter(|f| !f.out) {
        for &i in &f.entries {
            done[i] = true;
            let seen = match &page.entries[i].body {
                EntryBody::Change { change } => Some(change.hlc.as_str()),
                EntryBody::Row { row } => row
                    .clocks
                    .values()
                    .filter_map(Value::as_str)
                    .chain(row.life.as_deref())
                    .max(),
                _ => None,
            };
            if seen > newest {
                newest = seen;
            }
        }
        stats.applied += f.stats.applied;
        stats.superseded += f.stats.superseded;
        stats.fast += f.entries.len() as u64;
        for c in &f.clients {
            if f.spec.name == "interactions" {
                touched.contact_of.insert(c.clone());
            }
        }
        match f.spec.name {
            "tasks" => {
                touched.tasks.insert(f.row_id.to_owned());
            }
            "contacts" if !f.derived_in => {
                touched.contacts.insert(f.row_id.to_owned());
            }
            _ => {}
        }
    }
    if let Some(ts) = newest.and_then(|c| c.parse::<Timestamp>().ok()) {
        hlc.observe(&ts);
    }
    Ok((done, deriving))
}

/// Puts a new client's or contact person's `birthday_md` into its image, as the page's end
/// would compute it (`birthday_month * 100 + birthday_day`, NULL when either is NULL: the SQL of
/// a contact person, `rows::birthday_md` of a client), so that it is inserted with the row
/// instead of updated after — for a client, an UPDATE that sets it rewrites its entries in two
/// indexes. A value of another type than an integer is left to the page's end.
fn birthday_md_in_row(f: &mut Fresh<'_>) {
    if f.out || f.known || !f.exists {
        return;
    }
    let md = match (f.stored.get("birthday_month"), f.stored.get("birthday_day")) {
        (Some(Sql::Null), Some(_)) | (Some(_), Some(Sql::Null)) => Sql::Null,
        (Some(Sql::Integer(m)), Some(Sql::Integer(d))) => {
            match m.checked_mul(100).and_then(|x| x.checked_add(*d)) {
                Some(md) => Sql::Integer(md),
                None => return,
            }
        }
        _ => return,
    };
    f.stored.insert("birthday_md".to_owned(), md);
    f.derived_in = true;
}

/// The clients this page's fast path writes new, as `read_client` will read them once written:
/// each with the fast rows it is made of (the client's, then its contact persons'), which must
/// all be written for the image to hold. A client is left out (read back at the page's end)
/// when a contact person may join it otherwise: one that names it and left the fast path or is
/// known here, or when an image lacks a column.
fn images(page: &PullResponse, rows_: &[Fresh<'_>]) -> (Vec<Client>, Vec<Vec<usize>>) {
    let new_client = |f: &Fresh<'_>| {
        f.spec.name == "clients"
            && !f.out
            && !f.known
            && f.exists
            && f.clocks.is_some()
            && f.derives
            // Its row holds its `birthday_md` (the page's end does not set it again).
            && f.derived_in
    };
    let wanted: HashSet<&str> = rows_
        .iter()
        .filter(|f| new_client(f))
        .map(|f| f.row_id)
        .collect();
    if wanted.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let mut contacts: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut tainted: HashSet<&str> = HashSet::new();
    for (k, f) in rows_
        .iter()
        .enumerate()
        .filter(|(_, f)| f.spec.name == "contacts")
    {
        if f.out || f.known {
            for &i in &f.entries {
                if let Some(Value::String(c)) =
                    fields_of(&page.entries[i].body).and_then(|m| m.get("client_id"))
                {
                    tainted.insert(c.as_str());
                }
            }
        } else if f.exists && f.clocks.is_some() {
            if let Some(Sql::Text(c)) = f.stored.get("client_id") {
                if let Some(c) = wanted.get(c.as_str()) {
                    contacts.entry(c).or_default().push(k);
                }
            }
        }
    }
    let (mut clients, mut parts) = (Vec::new(), Vec::new());
    for (k, f) in rows_.iter().enumerate() {
        if !new_client(f) || tainted.contains(f.row_id) {
            continue;
        }
        let mut ks = contacts.remove(f.row_id).unwrap_or_default();
        // `read_client`'s order: ORDER BY position_no, id.
        let position = |k: usize| match rows_[k].stored.get("position_no") {
            Some(Sql::Integer(n)) => Some(*n),
            _ => None,
        };
        if ks.iter().any(|&k| position(k).is_none()) {
            continue;
        }
        ks.sort_by(|&a, &b| (position(a), rows_[a].row_id).cmp(&(position(b), rows_[b].row_id)));
        let images: Vec<(&str, &BTreeMap<String, Sql>)> = ks
            .iter()
            .map(|&k| (rows_[k].row_id, &rows_[k].stored))
            .collect();
        let Ok(client) = rows::client_from_images(f.row_id, &f.stored, &images) else {
            continue;
        };
        ks.insert(0, k);
        clients.push(client);
        parts.push(ks);
    }
    (clients, parts)
}

/// Sorts the candidates by what this device holds of them: a row in its table with no local
/// change becomes `known` (the columns its entries name, its client column and its server
/// clocks are read here, as `load_state` would read them); a row with a local change-log
/// entry, or with server clocks but not in its table, leaves the fast path (and so does every
/// row of a table this schema lacks). The rest are new.
fn mark_known(
    tx: &Transaction<'_>,
    page: &PullResponse,
    rows_: &mut [Fresh<'_>],
    touched: &mut Touched,
) -> Result<(), StoreError> {
    // A device with no change-log row at all (a fresh one's first sync) has changed nothing:
    // not asked per row.
    let any_logged: bool =
        tx.query_row("SELECT EXISTS (SELECT 1 FROM change_log)", [], |r| r.get(0))?;
    let mut by_table: BTreeMap<&'static str, Vec<usize>> = BTreeMap::new();
    for (k, f) in rows_.iter().enumerate().filter(|(_, f)| !f.out) {
        by_table.entry(f.spec.name).or_default().push(k);
    }
    for (table, ks) in by_table {
        let cols = touched.cols(tx, table)?;
        if cols.is_empty() {
            for k in ks {
                rows_[k].out = true;
            }
            continue;
        }
        // The columns a known row's entries may read: every column the page's entries of this
        // table name, and the client column.
        let mut wanted: BTreeSet<&str> = BTreeSet::new();
        for &k in &ks {
            for &i in &rows_[k].entries {
                if let Some(m) = fields_of(&page.entries[i].body) {
                    wanted.extend(m.keys().map(String::as_str));
                }
            }
        }
        if let Some(c) = rows_[ks[0]].spec.client_column {
            wanted.insert(c);
        }
        let wanted: Vec<&str> = cols
            .iter()
            .map(String::as_str)
            .filter(|c| *c != "id" && wanted.contains(c))
            .collect();
        let in_table = format!(
            "SELECT id{} FROM {} WHERE id IN (SELECT value FROM json_each(?1))",
            wanted
                .iter()
                .map(|c| format!(", {}", quote(c)))
                .collect::<String>(),
            quote(table)
        );
        for chunk in ks.chunks(CHECK_CHUNK) {
            let ids: Vec<&str> = chunk.iter().map(|&k| rows_[k].row_id).collect();
            let ids = serde_json::to_string(&ids)?;
            let at: HashMap<&str, usize> = chunk.iter().map(|&k| (rows_[k].row_id, k)).collect();
            let mut stored: HashMap<usize, BTreeMap<String, Sql>> = HashMap::new();
            {
                let mut st = tx.prepare_cached(&in_table)?;
                let mut r = st.query([&ids])?;
                while let Some(row) = r.next()? {
                    let Some(&k) = at.get(rows::text(row, 0)?) else {
                        continue;
                    };
                    let mut m = BTreeMap::new();
                    for (j, c) in wanted.iter().enumerate() {
                        m.insert((*c).to_owned(), row.get::<_, Sql>(j + 1)?);
                    }
                    stored.insert(k, m);
                }
            }
            let mut clocks: HashMap<usize, RemoteClocks> = HashMap::new();
            {
                let mut st = tx.prepare_cached(
                    "SELECT row_id, base, clocks, life, deleted FROM sync_clock WHERE table_name = ?2 \
                     AND row_id IN (SELECT value FROM json_each(?1))",
                )?;
                let mut r = st.query([ids.as_str(), table])?;
                while let Some(row) = r.next()? {
                    let Some(&k) = at.get(rows::text(row, 0)?) else {
                        continue;
                    };
                    let life: Option<String> = row.get(3)?;
                    let deleted: bool = row.get(4)?;
                    clocks.insert(
                        k,
                        RemoteClocks {
                            base: row.get(1)?,
                            fields: serde_json::from_str(rows::text(row, 2)?)?,
                            life: life.map(|l| (l, deleted)),
                        },
                    );
                }
            }
            let mut logged: HashSet<usize> = HashSet::new();
            if any_logged {
                let mut st = tx.prepare_cached(
                    "SELECT row_id FROM change_log WHERE row_id IN (SELECT value FROM json_each(?1)) \
                     AND table_name = ?2",
                )?;
                let mut r = st.query([ids.as_str(), table])?;
                while let Some(row) = r.next()? {
                    if let Some(&k) = at.get(rows::text(row, 0)?) {
                        logged.insert(k);
                    }
                }
            }
            for &k in chunk {
                let f = &mut rows_[k];
                if logged.contains(&k) {
                    f.out = true;
                } else if let Some(m) = stored.remove(&k) {
                    f.known = true;
                    f.exists = true;
                    f.stored = m;
                    f.clocks = clocks.remove(&k);
                } else if clocks.contains_key(&k) {
                    f.out = true;
                }
            }
        }
    }
    Ok(())
}

/// The fields an entry names.
fn fields_of(body: &EntryBody) -> Option<&Map<String, Value>> {
    match body {
        EntryBody::Change { change } => Some(&change.fields),
        EntryBody::Row { row } | EntryBody::Reset { row } => Some(&row.fields),
        EntryBody::Remove { .. } => None,
    }
}

/// The client a row belongs to, as `client_of` finds it (the incoming values, the merge state,
/// else the stored row).
fn client_of(
    f: &Fresh<'_>,
    state: &RowState,
    incoming: Option<&Map<String, Value>>,
) -> Option<String> {
    match f.spec.client_column {
        Some("id") => Some(f.row_id.to_owned()),
        Some(col) => {
            let named = incoming
                .and_then(|m| m.get(col))
                .or_else(|| state.fields.get(col));
            if let Some(Value::String(s)) = named {
                return Some(s.clone());
            }
            match f.stored.get(col).filter(|_| f.exists) {
                Some(Sql::Text(s)) => Some(s.clone()),
                _ => None,
            }
        }
        None => None,
    }
}

/// Merges the row's entries in memory exactly as `apply_change` / `apply_image` would against
/// SQL; sets `out` where that is not certain.
fn emulate(f: &mut Fresh<'_>, page: &PullResponse, cols: &[String]) {
    let table = f.spec.name;
    let json = json_columns(table);
    let derived = derived_columns(table);
    let writable = |c: &str| c != "id" && cols.iter().any(|x| x == c) && !derived.contains(&c);
    for n in 0..f.entries.len() {
        let body = &page.entries[f.entries[n]].body;
        let incoming = match body {
            EntryBody::Change { change } => &change.fields,
            EntryBody::Row { row } => &row.fields,
            _ => unreachable!("pages with resets or removals do not take the fast path"),
        };
        let remote = f.clocks.clone().unwrap_or_default();
        let names: Vec<&String> = incoming.keys().collect();
        // What `load_state` reads: the named columns of the row, and the clocks.
        let mut state = RowState::default();
        if f.exists {
            for c in names.iter().filter(|c| cols.contains(c)) {
                let v = if c.as_str() == "id" {
                    Value::String(f.row_id.to_owned())
                } else if let Some(v) = f.stored.get(c.as_str()) {
                    json_value(ValueRef::from(v), json.contains(&c.as_str()))
                } else {
                    // A column the row's image did not set holds its schema default.
                    f.out = true;
                    return;
                };
                state.fields.insert((*c).clone(), v);
            }
        }
        remote_into_state(&mut state, &names, &remote);
        // As `apply_change` / `apply_image` decide whether an entry is noted for derivation.
        f.derives |= match body {
            EntryBody::Change { change } => {
                table != "clients"
                    || change.op != Op::Update
                    || change.fields.keys().any(|k| k != "owner")
            }
            _ => true,
        };
        if let Some(c) = client_of(f, &state, Some(incoming)) {
            f.clients.push(c);
        }
        let was_deleted = state.deleted;
        let (won, insert_clock) = match body {
            EntryBody::Change { change } => {
                let m = proto::merge_change(&mut state, change, f.spec.kind);
                if !m.lost.is_empty() || (m.while_deleted && was_deleted) {
                    f.out = true; // a conflict to log: the per-entry path does it in page order
                    return;
                }
                if m.outcome != Outcome::Applied
                    || (!f.exists && change.op != Op::Insert && f.spec.soft_delete)
                {
                    f.stats.superseded += 1;
                    continue;
                }
                (
                    m.won,
                    (change.op == Op::Insert).then_some(change.hlc.as_str()),
                )
            }
            EntryBody::Row { row } => {
                let m = proto::merge_row(&mut state, row);
                if !m.lost.is_empty() {
                    f.out = true;
                    return;
                }
                if m.outcome != Outcome::Applied {
                    f.stats.superseded += 1;
                    continue;
                }
                (m.won, None)
            }
            _ => unreachable!("pages with resets or removals do not take the fast path"),
        };
        // `write_row`, in memory.
        let after = if !f.spec.soft_delete && state.deleted {
            if f.known {
                // A DELETE of a stored row: the per-entry path writes it.
                f.out = true;
                return;
            }
            f.exists = false;
            f.stored.clear();
            client_of(f, &state, None)
        } else if f.exists {
            for c in won.iter().filter(|c| writable(c)) {
                f.stored
                    .insert(c.clone(), sql_value(&state.fields[c.as_str()]));
                f.dirty.insert(c.clone());
            }
            client_of(f, &state, None)
        } else {
            // The values move into the stored row (`new_row_fields` without its copy): the
            // client is found first, from the same values.
            let stamps = new_row_stamps(&state, cols);
            let after = client_of(f, &state, None);
            f.stored = std::mem::take(&mut state.fields)
                .into_iter()
                .chain(stamps)
                .filter(|(c, _)| writable(c))
                .map(|(c, v)| (c, sql_value_owned(v)))
                .collect();
            f.exists = true;
            after
        };
        f.clocks = Some(merged_clocks(remote, &state, &won, insert_clock));
        if let Some(c) = after {
            f.clients.push(c);
        }
        f.wrote = true;
        f.stats.applied += 1;
    }
}

/// Writes the fast rows, parents first: multi-row INSERTs per table and column set, then their
/// clocks. A row whose INSERT fails (a constraint: its parent is not here) leaves the fast path.
fn write_rows(
    tx: &Transaction<'_>,
    rows_: &mut [Fresh<'_>],
    touched: &mut Touched,
) -> Result<(), StoreError> {
    for spec in SYNCED_TABLES {
        let mut groups: BTreeMap<Vec<&str>, Vec<usize>> = BTreeMap::new();
        for (k, f) in rows_.iter().enumerate() {
            if f.spec.name == spec.name && !f.out && !f.known && f.exists && f.clocks.is_some() {
                groups
                    .entry(f.stored.keys().map(String::as_str).collect())
                    .or_default()
                    .push(k);
            }
        }
        let mut failed = Vec::new();
        // Known rows: an UPDATE of the columns that changed (the parent tables' new rows, which
        // a moved row may now name, are in). One a constraint refuses leaves the fast path, and
        // the per-entry merge then writes it — or fails the page — as it always did.
        for (k, f) in rows_.iter().enumerate() {
            if f.spec.name != spec.name || f.out || !f.known || f.dirty.is_empty() {
                continue;
            }
            let sql = format!(
                "UPDATE {} SET {} WHERE id = ?1",
                quote(spec.name),
                f.dirty
                    .iter()
                    .enumerate()
                    .map(|(i, c)| format!("{} = ?{}", quote(c), i + 2))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let mut st = tx.prepare_cached(&sql)?;
            st.raw_bind_parameter(1, f.row_id)?;
            for (i, c) in f.dirty.iter().enumerate() {
                st.raw_bind_parameter(i + 2, &f.stored[c.as_str()])?;
            }
            match st.raw_execute() {
                Ok(_) => {}
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    failed.push(k);
                }
                Err(e) => return Err(e.into()),
            }
        }
        if groups.is_empty() {
            for k in failed {
                rows_[k].out = true;
            }
            continue;
        }
        let _ = touched.cols(tx, spec.name)?;
        for (set, ks) in &groups {
            let head = format!(
                "INSERT INTO {} (id{})",
                quote(spec.name),
                set.iter()
                    .map(|c| format!(", {}", quote(c)))
                    .collect::<String>()
            );
            let ncols = set.len() + 1;
            let per = (MAX_PARAMS / ncols).clamp(1, INSERT_ROWS);
            for chunk in ks.chunks(per) {
                let all: Vec<&Fresh<'_>> = chunk.iter().map(|&k| &rows_[k]).collect();
                if !insert(tx, &head, ncols, &all)? {
                    // One by one: only the rows that cannot go in leave the fast path.
                    for &k in chunk {
                        if !insert(tx, &head, ncols, &[&rows_[k]])? {
                            failed.push(k);
                        }
                    }
                }
            }
        }
        for k in failed {
            rows_[k].out = true;
        }
    }
    let with_clocks: Vec<&Fresh<'_>> = rows_
        .iter()
        .filter(|f| !f.out && f.wrote && f.clocks.is_some())
        .collect();
    for chunk in with_clocks.chunks(INSERT_ROWS) {
        let sql = rows::multi_insert_sql(
            "INSERT OR REPLACE INTO sync_clock (table_name, row_id, base, clocks, life, deleted)",
            6,
            chunk.len(),
        );
        let mut st = tx.prepare_cached(&sql)?;
        for (i, f) in chunk.iter().enumerate() {
            let c = f.clocks.as_ref().expect("filtered");
            let b = i * 6;
            st.raw_bind_parameter(b + 1, f.spec.name)?;
            st.raw_bind_parameter(b + 2, f.row_id)?;
            st.raw_bind_parameter(b + 3, &c.base)?;
            st.raw_bind_parameter(b + 4, serde_json::to_string(&c.fields)?)?;
            st.raw_bind_parameter(b + 5, c.life.as_ref().map(|l| &l.0))?;
            st.raw_bind_parameter(b + 6, c.life.as_ref().is_some_and(|l| l.1))?;
        }
        st.raw_execute()?;
    }
    Ok(())
}

/// One multi-row INSERT of rows with the same columns; false when a constraint refused it (the
/// statement then wrote nothing).
fn insert(
    tx: &Transaction<'_>,
    head: &str,
    ncols: usize,
    rows_: &[&Fresh<'_>],
) -> Result<bool, StoreError> {
    let mut st = tx.prepare_cached(&rows::multi_insert_sql(head, ncols, rows_.len()))?;
    for (i, f) in rows_.iter().enumerate() {
        let b = i * ncols;
        st.raw_bind_parameter(b + 1, f.row_id)?;
        for (j, v) in f.stored.values().enumerate() {
            st.raw_bind_parameter(b + 2 + j, v)?;
        }
    }
    match st.raw_execute() {
        Ok(_) => Ok(true),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}
