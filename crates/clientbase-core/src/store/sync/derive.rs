//! Deriving pulled clients: what the store computes from a client's row and its contact persons
//! (`rows::Derived`: display phone, phone digits, subtitle, search texts…), once per touched
//! client per page, and written at the page's end ([`write_touched_clients`]: derived columns,
//! lookup keys, `name_order`).
//!
//! The clients a page's fast path writes new ([`fast`](super::fast)) are derived from their
//! images in memory on a worker thread while the calling thread writes the page's rows (the
//! phone formatting is most of a first sync's derivation); the calling thread joins in once it
//! has written them ([`Deriving::finish`]). The worker also makes their lookup keys and
//! `name_order` key, which the page's end inserts sorted. Other touched clients are read back
//! and derived at the page's end.

use super::ApplyStats;
use crate::error::StoreError;
use crate::model::{Client, ClientInput, ClientSummary};
use crate::store::rows::{self, Derived};
use clientbase_search::{NameKeys, SearchDoc};
use phonenumber::Mode;
use rusqlite::Transaction;
use std::collections::BTreeMap;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// Clients a thread takes at a time.
const CHUNK: usize = 32;
/// Clients read back per page from which their derivation is split over two threads.
const PARALLEL_DERIVE: usize = 256;

/// Clients being derived on a worker thread (see the module doc).
pub(super) struct Deriving {
    shared: Arc<Shared>,
    worker: Option<std::thread::JoinHandle<()>>,
    /// Whether each client's image still holds once the page's rows are written.
    valid: Vec<bool>,
}

struct Shared {
    clients: Vec<Client>,
    /// Positions in `clients`, in the order they are derived: by country, so that
    /// libphonenumber's small regex cache keeps one country's patterns while it formats that
    /// country's numbers.
    order: Vec<usize>,
    next: AtomicUsize,
    out: Vec<OnceLock<Ready>>,
    name_keys: Arc<NameKeys>,
}

/// What is derived of a client: its derived columns, its lookup keys and (a live client) its
/// `name_order` key.
pub(super) struct Ready {
    pub(super) derived: Derived,
    pub(super) keys: Vec<String>,
    pub(super) name_key: Option<Vec<u8>>,
}

impl Shared {
    /// Derives chunks until none is left.
    fn work(&self) {
        loop {
            let start = self.next.fetch_add(CHUNK, Ordering::Relaxed);
            let Some(chunk) = self.order.get(start..(start + CHUNK).min(self.order.len())) else {
                return;
            };
            for &i in chunk {
                let c = &self.clients[i];
                let derived = derive(&c.data);
                let keys = rows::lookup_keys(&derived, &c.data);
                let name_key = c
                    .deleted_at
                    .is_none()
                    .then(|| self.name_keys.key(&rows::display_name(&c.data), &c.id));
                let _ = self.out[i].set(Ready {
                    derived,
                    keys,
                    name_key,
                });
            }
        }
    }
}

impl Deriving {
    /// Starts deriving `clients` on a worker thread (or, if no thread can be started, leaves
    /// them all to [`finish`](Self::finish)).
    pub(super) fn start(clients: Vec<Client>, name_keys: Arc<NameKeys>) -> Self {
        let mut order: Vec<usize> = (0..clients.len()).collect();
        order.sort_by_cached_key(|&i| clients[i].data.phones.iter().find_map(|p| p.e164.clone()));
        let n = clients.len();
        let shared = Arc::new(Shared {
            clients,
            order,
            next: AtomicUsize::new(0),
            out: (0..n).map(|_| OnceLock::new()).collect(),
            name_keys,
        });
        let theirs = Arc::clone(&shared);
        let worker = std::thread::Builder::new()
            .name("sync-derive".into())
            .spawn(move || theirs.work())
            .ok();
        Deriving {
            shared,
            worker,
            valid: vec![true; n],
        }
    }

    /// The images the caller found no longer hold (a row of theirs left the fast path): their
    /// clients are read back and derived as others are.
    pub(super) fn invalidate(&mut self, i: usize) {
        self.valid[i] = false;
    }

    /// Derives what is left on this thread too, waits for the worker and returns the valid
    /// clients with what was derived of them, by id.
    pub(super) fn finish(self) -> HashMap<String, (Client, Ready)> {
        self.shared.work();
        if let Some(h) = self.worker {
            if let Err(p) = h.join() {
                std::panic::resume_unwind(p);
            }
        }
        let Ok(shared) = Arc::try_unwrap(self.shared) else {
            unreachable!("the worker has ended: no other owner")
        };
        shared
            .clients
            .into_iter()
            .zip(shared.out)
            .zip(self.valid)
            .filter(|(_, valid)| *valid)
            .map(|((c, d), _)| {
                let d = d.into_inner().expect("every client derived");
                (c.id.clone(), (c, d))
            })
            .collect()
    }
}

/// The page's end for its touched clients (`clients`: id → the client before the page, None if
/// it did not exist): each is derived once as it now is — the ones `deriving` made from their
/// images (see the module doc), the others read back and derived here, in country order
/// (libphonenumber's small regex cache then keeps one country's patterns while it formats that
/// country's numbers), the second half on another core when there are many — and its derived
/// columns, lookup keys and `name_order` key written. Returns the search documents of the live
/// clients (when `update_index`) and the ids of the gone ones.
pub(super) fn write_touched_clients(
    tx: &Transaction<'_>,
    name_keys: &NameKeys,
    clients: &BTreeMap<String, Option<Client>>,
    deriving: Option<Deriving>,
    update_index: bool,
    stats: &mut ApplyStats,
) -> Result<(Vec<SearchDoc<ClientSummary>>, Vec<String>), StoreError> {
    let mut live = Vec::new();
    let mut gone = Vec::new();
    // Each touched client is read once as it now is and derived once, however many of the
    // page's entries named it. The fast path's new clients were derived from their images
    // meanwhile (see `derive`); the others are read back here and derived in country order:
    // libphonenumber's small regex cache then keeps the patterns of one country while it
    // formats that country's numbers.
    let mut imaged = deriving.map(Deriving::finish).unwrap_or_default();
    let mut now_rows = Vec::with_capacity(clients.len());
    let mut derived: Vec<Option<Derived>> = Vec::with_capacity(clients.len());
    // Of the clients derived from images: their lookup keys and name key.
    let mut ready = Vec::with_capacity(clients.len());
    for (id, old) in clients {
        match imaged.remove(id) {
            Some((c, r)) => {
                stats.imaged += 1;
                now_rows.push((id, old, Some(c)));
                derived.push(Some(r.derived));
                ready.push(Some((r.keys, r.name_key)));
            }
            None => {
                now_rows.push((id, old, rows::read_client(tx, id)?));
                derived.push(None);
                ready.push(None);
            }
        }
    }
    let mut by_country: Vec<usize> = (0..now_rows.len())
        .filter(|&i| derived[i].is_none())
        .collect();
    by_country.sort_by_cached_key(|&i| {
        now_rows[i]
            .2
            .as_ref()
            .and_then(|c| c.data.phones.iter().find_map(|p| p.e164.clone()))
    });
    // Many clients: the second half, in country order, on another core (deriving is pure;
    // each half keeps its countries together).
    let split = if by_country.len() >= PARALLEL_DERIVE {
        by_country.len() / 2
    } else {
        by_country.len()
    };
    let derive_all = |is: &[usize]| -> Vec<(usize, Derived)> {
        is.iter()
            .filter_map(|&i| Some((i, derive(&now_rows[i].2.as_ref()?.data))))
            .collect()
    };
    let (first, second) = by_country.split_at(split);
    let (a, b) = std::thread::scope(|s| {
        let other = (!second.is_empty()).then(|| s.spawn(|| derive_all(second)));
        let a = derive_all(first);
        (a, other.map(|h| h.join()))
    });
    let b = match b {
        Some(Ok(b)) => b,
        Some(Err(p)) => std::panic::resume_unwind(p),
        None => Vec::new(),
    };
    for (i, d) in a.into_iter().chain(b) {
        derived[i] = Some(d);
    }
    // The keys of clients new here are inserted at the end, sorted (see `insert_keys_sorted`).
    let mut new_keys: Vec<(String, &str)> = Vec::new();
    let mut new_order: Vec<(Vec<u8>, String)> = Vec::new();
    for (((id, old, new), dv), ready) in now_rows.into_iter().zip(derived).zip(ready) {
        let old_keys = old
            .as_ref()
            .map(|o| rows::lookup_keys(&rows::derive_base(&o.data), &o.data))
            .unwrap_or_default();
        if let Some(o) = old.as_ref().filter(|o| o.deleted_at.is_none()) {
            let k = name_keys.key(&rows::display_name(&o.data), id);
            crate::store::order::remove(tx, &k)?;
        }
        match (new, dv) {
            (Some(n), Some(dv)) => {
                // A client derived from its images was inserted with its `birthday_md`
                // (`fast::birthday_md_in_row`): not set again, which would rewrite its
                // entries in the two indexes on it.
                let sql = if ready.is_some() {
                    "UPDATE clients SET city = ?2, phone_display = ?3, subtitle = ?4, phone_digits = ?5, \
                     search_extra = ?6, search_notes = ?7 WHERE id = ?1"
                } else {
                    "UPDATE clients SET city = ?2, phone_display = ?3, subtitle = ?4, phone_digits = ?5, \
                     search_extra = ?6, search_notes = ?7, birthday_md = ?8 WHERE id = ?1"
                };
                let mut st = tx.prepare_cached(sql)?;
                let md = rows::birthday_md(&n.data.birthday);
                let phone_digits = dv.phone_digits.join(" ");
                let mut p: Vec<&dyn rusqlite::ToSql> = vec![
                    id,
                    &dv.city,
                    &dv.phone_display,
                    &dv.subtitle,
                    &phone_digits,
                    &dv.search_extra,
                    &dv.search_notes,
                ];
                if ready.is_none() {
                    p.push(&md);
                }
                st.execute(&p[..])?;
                let (keys, name_key) = match ready {
                    Some(r) => r,
                    None => (rows::lookup_keys(&dv, &n.data), None),
                };
                if old.is_none() {
                    new_keys.extend(keys.into_iter().map(|k| (k, id.as_str())));
                } else {
                    rows::write_keys(tx, id, &keys, &old_keys)?;
                }
                if n.deleted_at.is_none() {
                    let k =
                        name_key.unwrap_or_else(|| name_keys.key(&rows::display_name(&n.data), id));
                    if old.is_none() {
                        new_order.push((k, id.clone()));
                    } else {
                        crate::store::order::put(tx, &k, id)?;
                    }
                    if update_index {
                        live.push(crate::store::docs::doc_of(&n, &dv));
                    }
                } else {
                    gone.push(id.clone());
                }
            }
            _ => {
                rows::write_keys(tx, id, &[], &old_keys)?;
                gone.push(id.clone());
            }
        }
    }
    crate::store::bulk::insert_keys_sorted(tx, &mut new_keys)?;
    crate::store::order::insert_sorted(tx, &mut new_order)?;
    Ok((live, gone))
}

/// [`rows::derive`] with each phone parsed once (its display and national forms from the same
/// parse; `derive` parses a number once per form). Same result: see the test.
pub(super) fn derive(d: &ClientInput) -> Derived {
    let mut out = rows::derive_base(d);
    for p in d
        .phones
        .iter()
        .chain(d.contacts.iter().flat_map(|c| c.phones.iter()))
    {
        let Some(e) = &p.e164 else { continue };
        let display = out.phone_display.is_none() && d.phones.iter().any(|x| std::ptr::eq(x, p));
        let new = !out.e164s.contains(e);
        if !display && !new {
            continue;
        }
        let parsed = phonenumber::parse(None, e).ok();
        if display {
            out.phone_display = Some(match &parsed {
                Some(n) => n.format().mode(Mode::International).to_string(),
                None => e.clone(),
            });
        }
        if new {
            out.e164s.push(e.clone());
            let all = digits(e);
            let national = parsed
                .map(|n| digits(&n.format().mode(Mode::National).to_string()))
                .filter(|n| !n.is_empty() && *n != all);
            out.phone_digits.push(all);
            out.phone_digits.extend(national);
        }
    }
    out
}

fn digits(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_digit()).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn derive_matches_the_rows_derive() {
        for (c, _) in crate::demo::generate(11, 2_000, 1_700_000_000_000, "me") {
            let a = super::derive(&c.data);
            let b = crate::store::rows::derive(&c.data);
            assert_eq!(a.phone_display, b.phone_display);
            assert_eq!(a.phone_digits, b.phone_digits);
            assert_eq!(a.e164s, b.e164s);
            assert_eq!(a.city, b.city);
            assert_eq!(a.subtitle, b.subtitle);
            assert_eq!(a.search_extra, b.search_extra);
            assert_eq!(a.search_notes, b.search_notes);
            assert_eq!(a.emails, b.emails);
            assert_eq!(a.name_key, b.name_key);
        }
    }
}
