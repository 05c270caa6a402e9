//! Deriving pulled clients: what the store computes from a client's row and its contact persons
//! (`rows::Derived`: display phone, phone digits, subtitle, search texts…), once per touched
//! client per page.
//!
//! The clients a page's fast path writes new ([`fast`](super::fast)) are derived from their
//! images in memory on a worker thread while the calling thread writes the page's rows (the
//! phone formatting is most of a first sync's derivation); the calling thread joins in once it
//! has written them ([`Deriving::finish`]). The worker also makes their lookup keys and
//! `name_order` key, which the page's end inserts sorted. Other touched clients are read back
//! and derived at the page's end.

use crate::model::{Client, ClientInput};
use crate::store::rows::{self, Derived};
use clientbase_search::NameKeys;
use phonenumber::Mode;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// Clients a thread takes at a time.
const CHUNK: usize = 32;

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
