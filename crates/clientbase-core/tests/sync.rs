//! Device side of company sync on real SQLite files: two stores exchange their change logs through
//! an in-test relay that follows the protocol with the shared merge (the real server is exercised
//! end to end in `clientbase-sync-client`'s tests). Covers convergence with derived data (search,
//! name order, duplicate keys, last contact, reminders), delete vs edit in both orders, removal
//! after reassignment, rejected writes, an epoch change, the wipe, and crashes at every step of
//! push and pull.

mod common;

use clientbase_core::hlc::FixedClock;
use clientbase_core::model::*;
use clientbase_core::Store;
use clientbase_sync::*;
use common::*;
use std::collections::BTreeMap;

const T0: i64 = 1_800_000_000_000;

/// A minimal server: the protocol of `clientbase_sync` over an in-memory state.
#[derive(Default)]
struct Relay {
    rows: BTreeMap<(String, String), RowState>,
    log: Vec<(u64, EntryBody)>,
    version: u64,
    last_seq: BTreeMap<String, u64>,
    rejected: BTreeMap<(String, u64), String>,
    epoch: String,
    now_ms: i64,
    /// Rows a device may not write (reassigned away): (device, row id).
    hidden: Vec<(String, String)>,
}

impl Relay {
    fn new() -> Self {
        Relay {
            epoch: "epoch-1".into(),
            now_ms: T0,
            ..Default::default()
        }
    }

    fn push(&mut self, device: &str, changes: &[Change]) -> PushResponse {
        let device = device.to_owned();
        let mut last = *self.last_seq.get(&device).unwrap_or(&0);
        let mut results = Vec::new();
        let mut wrote = Vec::new();
        for c in changes {
            let res = |outcome, reason: Option<&str>| ChangeResult {
                seq: c.seq,
                outcome,
                reason: reason.map(str::to_owned),
            };
            if c.seq <= last {
                results.push(match self.rejected.get(&(device.clone(), c.seq)) {
                    Some(r) => res(Outcome::Rejected, Some(r)),
                    None => res(Outcome::Superseded, None),
                });
                continue;
            }
            if c.seq != last + 1 {
                results.push(res(Outcome::Rejected, Some(reasons::SEQ_GAP)));
                continue;
            }
            last = c.seq;
            let mut check = check_change(c, self.now_ms);
            if self.hidden.contains(&(device.clone(), c.row_id.clone())) {
                check = Err(reasons::NOT_VISIBLE);
            }
            if let Err(r) = check {
                self.rejected.insert((device.clone(), c.seq), r.into());
                results.push(res(Outcome::Rejected, Some(r)));
                continue;
            }
            let kind = table_spec(&c.table).unwrap().kind;
            let st = self
                .rows
                .entry((c.table.clone(), c.row_id.clone()))
                .or_default();
            let m = merge_change(st, c, kind);
            if m.outcome == Outcome::Applied {
                wrote.push(c.clone());
            }
            results.push(res(m.outcome, m.reason));
        }
        self.last_seq.insert(device, last);
        if !wrote.is_empty() {
            self.version += 1;
            for c in wrote {
                self.log
                    .push((self.version, EntryBody::Change { change: c }));
            }
        }
        PushResponse {
            results,
            last_seq: last,
            epoch: self.epoch.clone(),
            server_time_ms: self.now_ms,
        }
    }

    /// `Err(new epoch)`: the cursor names another epoch (409 `epoch_changed`).
    fn pull(&self, req: &PullRequest) -> Result<PullResponse, String> {
        if req.cursor.as_ref().is_some_and(|c| c.epoch != self.epoch) {
            return Err(self.epoch.clone());
        }
        let from = req.cursor.as_ref().map_or(0, |c| c.version);
        let mut entries: Vec<Entry> = req
            .refetch
            .iter()
            .map(|r| Entry {
                version: from,
                body: match self.rows.get(&(r.table.clone(), r.row_id.clone())) {
                    Some(s) => EntryBody::Reset {
                        row: image_of_state(&r.table, &r.row_id, s),
                    },
                    None => EntryBody::Remove {
                        table: r.table.clone(),
                        row_id: r.row_id.clone(),
                    },
                },
            })
            .collect();
        let start = self.log.partition_point(|(v, _)| *v <= from);
        let mut last = from;
        for (n, (v, body)) in self.log[start..].iter().enumerate() {
            if n >= req.limit as usize && *v != last {
                break;
            }
            entries.push(Entry {
                version: *v,
                body: body.clone(),
            });
            last = *v;
        }
        Ok(PullResponse {
            entries,
            cursor: Cursor {
                epoch: self.epoch.clone(),
                version: last,
            },
            more: last < self.version,
            head: self.version,
        })
    }

    /// Appends a server-side entry (a removal after reassignment).
    fn append(&mut self, body: EntryBody) {
        self.version += 1;
        self.log.push((self.version, body));
    }
}

fn login(device: &str, epoch: &str, last_seq: u64) -> LoginResponse {
    LoginResponse {
        user: User {
            id: format!("user-{device}"),
            login: device.into(),
            name: device.into(),
            role: Role::Rep,
            disabled: false,
        },
        company_id: "co".into(),
        company_name: "Co".into(),
        device_id: device.into(),
        access_token: "a".into(),
        access_expires_in: 600,
        refresh_token: "r".into(),
        epoch: epoch.into(),
        last_seq,
    }
}

struct Dev {
    _dir: tempfile::TempDir,
    path: String,
    clock: FixedClock,
    store: Store,
}

fn device(relay: &Relay) -> Dev {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let clock = FixedClock::new(T0);
    let mut store = Store::open_with_clock(&path, Box::new(clock.clone())).unwrap();
    let id = store.device_id().to_owned();
    store
        .sync_connect("http://127.0.0.1:1", &login(&id, &relay.epoch, 0))
        .unwrap();
    Dev {
        _dir: dir,
        path,
        clock,
        store,
    }
}

impl Dev {
    fn reopen(&mut self) {
        let placeholder = tempfile::tempdir().unwrap();
        let tmp = Store::open(placeholder.path().join("x.db").to_str().unwrap()).unwrap();
        drop(std::mem::replace(&mut self.store, tmp));
        self.store = Store::open_with_clock(&self.path, Box::new(self.clock.clone())).unwrap();
    }

    fn pushed(&self) -> u64 {
        self.store.sync_state().unwrap().unwrap().pushed_seq
    }

    /// As the sync client does: push at least once (an empty push tells the server's epoch and
    /// last seq), until nothing is left and the mark did not move back.
    fn push_all(&mut self, relay: &mut Relay) {
        loop {
            let before = self.pushed();
            let batch = self.store.sync_push_batch(3).unwrap();
            let id = self.store.device_id().to_owned();
            let resp = relay.push(&id, &batch);
            self.store.sync_mark_pushed(&batch, &resp).unwrap();
            if batch.is_empty() && self.pushed() >= before {
                break;
            }
        }
    }

    fn pull_all(&mut self, relay: &mut Relay) {
        loop {
            let req = self.store.sync_pull_request(4).unwrap();
            let page = match relay.pull(&req) {
                Ok(p) => p,
                Err(epoch) => {
                    self.store.sync_restart_epoch(&epoch).unwrap();
                    self.push_all(relay);
                    continue;
                }
            };
            self.store.sync_apply_page(&page).unwrap();
            if !page.more && self.store.sync_pull_request(4).unwrap().refetch.is_empty() {
                break;
            }
        }
    }

    fn sync(&mut self, relay: &mut Relay) {
        self.push_all(relay);
        self.pull_all(relay);
    }

    fn names(&mut self, text: &str) -> Vec<String> {
        let page = self
            .store
            .list_clients(&ListQuery {
                text: text.into(),
                limit: 100,
                ..Default::default()
            })
            .unwrap();
        page.rows.iter().map(|r| r.display_name.clone()).collect()
    }
}

/// Every synced table's domain columns, and the derived tables, as text (for comparing replicas).
fn dump(store: &Store) -> Vec<String> {
    let conn = store.connection();
    let mut out = Vec::new();
    for (table, cols) in [
        (
            "clients",
            "id, kind, first_name, last_name, org_name, phones, emails, notes, tags, category_id, deleted_at, \
             city, phone_display, subtitle, phone_digits, search_extra, search_notes, birthday_md, last_contact_at",
        ),
        ("contacts", "id, client_id, first_name, last_name, phones, birthday_md"),
        ("interactions", "id, client_id, at, kind_id, note, deleted_at"),
        ("tasks", "id, client_id, title, due_at, remind_offset_minutes, remind_at, done_at, deleted_at"),
        ("client_keys", "key, client_id"),
        ("name_order", "hex(name_sort), client_id"),
    ] {
        let sql = format!("SELECT {cols} FROM {table} ORDER BY 1, 2");
        let mut st = conn.prepare(&sql).unwrap();
        let n = st.column_count();
        let rows = st
            .query_map([], |r| {
                let mut s = format!("{table}:");
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i)?;
                    // JSON columns compare by value (key order is the writer's).
                    let v = match v {
                        rusqlite::types::Value::Text(t) if t.starts_with('[') || t.starts_with('{') => {
                            match serde_json::from_str::<serde_json::Value>(&t) {
                                Ok(j) => rusqlite::types::Value::Text(j.to_string()),
                                Err(_) => rusqlite::types::Value::Text(t),
                            }
                        }
                        v => v,
                    };
                    s.push_str(&format!(" {v:?}"));
                }
                Ok(s)
            })
            .unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}

/// Asserts two replicas are identical, printing only the lines that differ.
#[track_caller]
fn assert_same(a: &Store, b: &Store) {
    let (da, db) = (dump(a), dump(b));
    if da != db {
        let only_a: Vec<&String> = da.iter().filter(|l| !db.contains(l)).collect();
        let only_b: Vec<&String> = db.iter().filter(|l| !da.contains(l)).collect();
        panic!("replicas differ\nonly in the first: {only_a:#?}\nonly in the second: {only_b:#?}");
    }
}

fn change_log_len(store: &Store) -> i64 {
    count(store, "SELECT count(*) FROM change_log")
}

#[test]
fn two_devices_converge_with_derived_data_and_remote_writes_are_not_logged() {
    let mut relay = Relay::new();
    let mut a = device(&relay);
    let mut b = device(&relay);
    // A: a bulk-loaded demo base (image-less inserts) plus hand-made clients with contacts.
    a.store.load_demo(40).unwrap();
    let mut input = person("Олена", "Ковальчукевич", "+380 67 123 45 67");
    input.contacts.push(ContactPerson {
        first_name: "Ivan".into(),
        last_name: "Petrenko".into(),
        birthday: Some(Birthday {
            day: 3,
            month: 4,
            year: None,
        }),
        ..Default::default()
    });
    let olena = a.store.create_client(input).unwrap();
    let kinds = a.store.interaction_kinds().unwrap();
    let now = chrono::DateTime::from_timestamp_millis(T0).unwrap();
    a.store
        .log_interaction(
            InteractionInput {
                client_id: olena.id.clone(),
                kind_id: kinds[0].id.clone(),
                note: "first call".into(),
                ..Default::default()
            },
            &now,
        )
        .unwrap();
    a.sync(&mut relay);
    assert_eq!(a.store.sync_pending().unwrap(), 0);
    let b_log = change_log_len(&b.store);
    b.sync(&mut relay);
    assert_eq!(
        change_log_len(&b.store),
        b_log,
        "remote writes are not re-logged"
    );
    assert_same(&a.store, &b.store);
    // Search and the list on B find the synced client, by name and by a contact person's name.
    assert_eq!(b.names("Ковальчукевич").len(), 1);
    assert_eq!(b.names("Petrenko").len(), 1);
    assert_eq!(b.names("").len(), 41);
    let last: Option<String> = b
        .store
        .connection()
        .query_row(
            "SELECT last_contact_at FROM clients WHERE id = ?1",
            [&olena.id],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        last.is_some(),
        "last_contact_at derived from the synced interaction"
    );

    // Concurrent edits of different fields merge; of the same field, the later clock wins and the
    // loser is in the conflict log of the device that received it late.
    let mut ea = olena.data.clone();
    ea.notes = "from A".into();
    a.clock.set(T0 + 1_000);
    a.store.update_client(&olena.id, ea).unwrap();
    let mut eb = b.store.get_client(&olena.id).unwrap().data;
    eb.notes = "from B (later)".into();
    eb.first_name = "Олена Б".into();
    b.clock.set(T0 + 2_000);
    b.store.update_client(&olena.id, eb).unwrap();
    b.sync(&mut relay);
    a.sync(&mut relay);
    b.sync(&mut relay);
    assert_same(&a.store, &b.store);
    let c = a.store.get_client(&olena.id).unwrap();
    assert_eq!(c.data.notes, "from B (later)");
    assert_eq!(c.data.first_name, "Олена Б");
    assert_eq!(
        a.names("Олена Б").len(),
        1,
        "A's index follows the remote rename"
    );
    // Reopening rebuilds nothing wrongly: name_order matches the index after restart.
    a.reopen();
    assert_eq!(a.names("").len(), 41);
}

#[test]
fn delete_beats_edit_in_both_orders_and_restore_revives() {
    for delete_first in [true, false] {
        let mut relay = Relay::new();
        let mut a = device(&relay);
        let mut b = device(&relay);
        let c = a.store.create_client(person("Anna", "Berg", "")).unwrap();
        a.sync(&mut relay);
        b.sync(&mut relay);
        // Offline: A deletes, B edits later.
        a.clock.set(T0 + 1_000);
        a.store.delete_client(&c.id).unwrap();
        let mut e = b.store.get_client(&c.id).unwrap().data;
        e.notes = "edited offline".into();
        b.clock.set(T0 + 5_000);
        b.store.update_client(&c.id, e).unwrap();
        if delete_first {
            a.sync(&mut relay);
            b.sync(&mut relay);
        } else {
            b.sync(&mut relay);
            a.sync(&mut relay);
        }
        a.sync(&mut relay);
        b.sync(&mut relay);
        assert_same(&a.store, &b.store);
        assert!(a.store.get_client(&c.id).unwrap().deleted_at.is_some());
        assert!(b.names("Berg").is_empty(), "deleted on B too");
        // Only a restore brings it back, with the edit.
        b.clock.set(T0 + 9_000);
        b.store.restore_client(&c.id).unwrap();
        b.sync(&mut relay);
        a.sync(&mut relay);
        assert_same(&a.store, &b.store);
        assert_eq!(a.names("Berg").len(), 1);
        assert_eq!(
            a.store.get_client(&c.id).unwrap().data.notes,
            "edited offline"
        );
    }
}

#[test]
fn removal_after_reassignment_and_rejected_offline_edits_go_to_the_conflict_log() {
    let mut relay = Relay::new();
    let mut a = device(&relay);
    let c = a
        .store
        .create_client(person("Boris", "Orlov", "+7 912 000 11 22"))
        .unwrap();
    a.sync(&mut relay);
    // The manager hands the client to someone else while A is offline and edits it.
    relay.append(EntryBody::Remove {
        table: "clients".into(),
        row_id: c.id.clone(),
    });
    relay
        .hidden
        .push((a.store.device_id().to_owned(), c.id.clone()));
    let mut e = c.data.clone();
    e.notes = "offline after reassignment".into();
    a.clock.set(T0 + 1_000);
    a.store.update_client(&c.id, e).unwrap();
    a.sync(&mut relay);
    assert!(a.names("Orlov").is_empty());
    assert_eq!(count(&a.store, "SELECT count(*) FROM clients"), 0);
    assert_eq!(count(&a.store, "SELECT count(*) FROM client_keys"), 0);
    assert_eq!(count(&a.store, "SELECT count(*) FROM name_order"), 0);
    let conflicts = a.store.sync_conflicts(10).unwrap();
    assert!(
        conflicts.iter().any(|k| k.reason == "rejected:not_visible"
            && k.value == Some("offline after reassignment".into())),
        "{conflicts:?}"
    );
    // The server kept its version (no offline edit).
    let server = &relay.rows[&("clients".to_string(), c.id.clone())];
    assert_ne!(
        server.fields.get("notes"),
        Some(&serde_json::json!("offline after reassignment"))
    );
}

#[test]
fn clock_days_ahead_is_rejected_and_the_row_reset_to_the_server() {
    let mut relay = Relay::new();
    let mut a = device(&relay);
    let mut b = device(&relay);
    let c = a.store.create_client(person("Chen", "Wei", "")).unwrap();
    a.sync(&mut relay);
    b.sync(&mut relay);
    let mut e = b.store.get_client(&c.id).unwrap().data;
    e.notes = "from the future".into();
    b.clock.set(T0 + 3 * 86_400_000);
    b.store.update_client(&c.id, e).unwrap();
    b.sync(&mut relay);
    assert_eq!(
        b.store.get_client(&c.id).unwrap().data.notes,
        "",
        "reset to the server's row"
    );
    assert!(b
        .store
        .sync_conflicts(10)
        .unwrap()
        .iter()
        .any(|k| k.reason == "rejected:clock_skew"));
    a.sync(&mut relay);
    assert_same(&a.store, &b.store);
}

#[test]
fn epoch_change_repushes_what_the_server_lost() {
    let mut relay = Relay::new();
    let mut a = device(&relay);
    let mut b = device(&relay);
    a.store.create_client(person("Dora", "Early", "")).unwrap();
    a.sync(&mut relay);
    let backup_rows = relay.rows.clone();
    let backup_log = relay.log.clone();
    let backup_version = relay.version;
    let backup_last = relay.last_seq.clone();
    a.clock.set(T0 + 1_000);
    a.store.create_client(person("Lars", "Late", "")).unwrap();
    a.sync(&mut relay);
    // The server is restored from the backup taken before "Late": a new epoch.
    relay.rows = backup_rows;
    relay.log = backup_log;
    relay.version = backup_version;
    relay.last_seq = backup_last;
    relay.epoch = "epoch-2".into();
    a.sync(&mut relay); // the push answer names the new epoch and the server's last seq
    a.sync(&mut relay);
    b.sync(&mut relay);
    assert_eq!(b.names("").len(), 2, "{:?}", b.names(""));
    assert_same(&a.store, &b.store);
    assert_eq!(
        a.store.sync_state().unwrap().unwrap().cursor.epoch,
        "epoch-2"
    );
}

#[test]
fn revoked_device_wipes_the_company_data() {
    let mut relay = Relay::new();
    let mut a = device(&relay);
    a.store.load_demo(10).unwrap();
    a.sync(&mut relay);
    a.store.sync_sign_out(true).unwrap();
    assert!(a.store.sync_state().unwrap().is_none());
    for t in [
        "clients",
        "contacts",
        "client_keys",
        "name_order",
        "change_log",
        "sync_clock",
    ] {
        assert_eq!(
            count(&a.store, &format!("SELECT count(*) FROM {t}")),
            0,
            "{t}"
        );
    }
    assert!(a.names("").is_empty());
}

/// A crash (the store dropped, or the transaction failing) at every step of push and pull loses
/// and duplicates nothing, and the cursor is never ahead of the data.
#[test]
fn crash_at_every_step_of_push_and_pull() {
    let mut relay = Relay::new();
    let mut a = device(&relay);
    a.store.load_demo(12).unwrap();
    for i in 0..5 {
        a.clock.set(T0 + i * 100);
        a.store
            .create_client(person(&format!("Name{i}"), "Crash", ""))
            .unwrap();
    }
    let total = a.store.sync_pending().unwrap();
    // Push: the server applies a batch but the answer is lost (crash before the mark): the
    // resend is answered as repeats and applies nothing twice.
    let mut crashes = 0;
    loop {
        let batch = a.store.sync_push_batch(4).unwrap();
        if batch.is_empty() {
            break;
        }
        let id = a.store.device_id().to_owned();
        let resp = relay.push(&id, &batch);
        if crashes < 3 {
            crashes += 1;
            a.reopen(); // crash: the answer never stored
            let again = a.store.sync_push_batch(4).unwrap();
            assert_eq!(again, batch, "the same batch is sent again after a crash");
            let resp2 = relay.push(&id, &again);
            assert!(resp2
                .results
                .iter()
                .all(|r| r.outcome == Outcome::Superseded));
            assert_eq!(resp2.last_seq, resp.last_seq);
            a.store.sync_mark_pushed(&again, &resp2).unwrap();
        } else {
            a.store.sync_mark_pushed(&batch, &resp).unwrap();
        }
    }
    assert_eq!(a.store.sync_pending().unwrap(), 0);
    assert_eq!(relay.last_seq[a.store.device_id()], total);
    let server_versions = relay.version;

    // Pull on a fresh device: fail before every entry of every page, reopen, check nothing of
    // the page stayed and the cursor did not move; then apply it for real.
    let mut b = device(&relay);
    let reference = {
        let mut r = device(&relay);
        r.pull_all(&mut relay);
        dump(&r.store)
    };
    loop {
        let req = b.store.sync_pull_request(5).unwrap();
        let page = relay.pull(&req).unwrap();
        for stop in 0..=page.entries.len() {
            let before = dump(&b.store);
            let cursor = b.store.sync_state().unwrap().unwrap().cursor;
            let err = b
                .store
                .sync_apply_page_until(&page, Some(stop))
                .unwrap_err();
            assert!(matches!(err, clientbase_core::StoreError::Cancelled));
            b.reopen();
            assert_eq!(dump(&b.store), before, "a failed page left nothing");
            assert_eq!(b.store.sync_state().unwrap().unwrap().cursor, cursor);
        }
        b.store.sync_apply_page(&page).unwrap();
        // Applying the same page again (a crash after the commit, before the next request)
        // changes nothing.
        let after = dump(&b.store);
        b.store.sync_apply_page(&page).unwrap();
        assert_eq!(dump(&b.store), after);
        if !page.more {
            break;
        }
    }
    assert_eq!(
        b.store.sync_state().unwrap().unwrap().cursor.version,
        server_versions
    );
    assert_eq!(dump(&b.store).len(), reference.len());
    assert_same(&b.store, &a.store);
    assert_eq!(b.names("Crash").len(), 5);
}
