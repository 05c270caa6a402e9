//! The fast path of a pulled page (rows new to the device merged in memory and written in bulk,
//! `store/sync/fast.rs`) leaves exactly the state the per-entry merge leaves for the same pages:
//! every synced table's rows, the server clocks, the conflict log, the derived columns, duplicate
//! keys, the name order and search results. The pages come from a real device's change log (a
//! bulk-loaded demo base with its activity and orders, then edits, deletes, restores and contact
//! persons removed), with stale writes of another device mixed in (conflicts) and row images.

use clientbase_core::hlc::FixedClock;
use clientbase_core::model::*;
use clientbase_core::Store;
use clientbase_sync::*;
use std::collections::BTreeMap;

const T0: i64 = 1_800_000_000_000;
const EPOCH: &str = "epoch-1";

fn login(device: &str, role: Role) -> LoginResponse {
    LoginResponse {
        user: User {
            id: format!("user-{device}"),
            login: device.into(),
            name: device.into(),
            role,
            disabled: false,
        },
        company_id: "co".into(),
        company_name: "Co".into(),
        device_id: device.into(),
        access_token: "a".into(),
        access_expires_in: 600,
        refresh_token: "r".into(),
        epoch: EPOCH.into(),
        last_seq: 0,
    }
}

fn open(dir: &tempfile::TempDir, name: &str, clock: &FixedClock) -> Store {
    let path = dir.path().join(name);
    let mut store =
        Store::open_with_clock(path.to_str().unwrap(), Box::new(clock.clone())).unwrap();
    let id = store.device_id().to_owned();
    store
        .sync_connect("http://127.0.0.1:1", &login(&id, Role::Manager))
        .unwrap();
    store
}

/// The source device's whole change log as a server hands it out (one version per push batch),
/// every change accepted.
fn changes_of(src: &mut Store, batch: usize) -> Vec<Vec<Change>> {
    let mut out = Vec::new();
    loop {
        let sent = src.sync_push_batch(batch).unwrap();
        if sent.is_empty() {
            return out;
        }
        let resp = PushResponse {
            results: sent
                .iter()
                .map(|c| ChangeResult {
                    seq: c.seq,
                    outcome: Outcome::Applied,
                    reason: None,
                })
                .collect(),
            last_seq: sent.last().unwrap().seq,
            epoch: EPOCH.into(),
            server_time_ms: T0,
        };
        src.sync_mark_pushed(&sent, &resp).unwrap();
        out.push(sent);
    }
}

/// A write of another device with a clock `back_ms` older than `c`'s, to the same row.
fn stale(
    c: &Change,
    seq: u64,
    back_ms: i64,
    fields: serde_json::Map<String, serde_json::Value>,
) -> Change {
    let ms = clock_ms(&c.hlc).unwrap() - back_ms;
    Change {
        device_id: "olddevice".into(),
        seq,
        hlc: format!("{ms:015}-00000-olddevice"),
        table: c.table.clone(),
        row_id: c.row_id.clone(),
        op: Op::Update,
        fields,
    }
}

/// Splits entries into pages of about `size` entries, never splitting a version.
fn pages(entries: &[Entry], size: usize) -> Vec<PullResponse> {
    let head = entries.last().map_or(0, |e| e.version);
    let mut out = Vec::new();
    let mut cur: Vec<Entry> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        cur.push(e.clone());
        let version_ends = entries.get(i + 1).is_none_or(|n| n.version != e.version);
        if version_ends && (cur.len() >= size || i + 1 == entries.len()) {
            let version = e.version;
            out.push(PullResponse {
                entries: std::mem::take(&mut cur),
                cursor: Cursor {
                    epoch: EPOCH.into(),
                    version,
                },
                more: version < head,
                head,
            });
        }
    }
    out
}

/// Every row of the synced tables and of what the store derives or keeps for sync, as text.
fn dump(store: &Store) -> Vec<String> {
    let conn = store.connection();
    let mut out = Vec::new();
    for (table, cols) in [
        ("clients", "*"),
        ("contacts", "*"),
        ("interactions", "*"),
        ("tasks", "*"),
        ("orders", "*"),
        ("client_keys", "*"),
        ("name_order", "hex(name_sort), client_id"),
        ("sync_clock", "*"),
        (
            "sync_conflicts",
            "table_name, row_id, field, value, clock, winner_clock, reason",
        ),
        ("sync_state", "epoch, version, head"),
    ] {
        let sql = format!("SELECT {cols} FROM {table}");
        let mut st = conn.prepare(&sql).unwrap();
        let n = st.column_count();
        let mut rows: Vec<String> = st
            .query_map([], |r| {
                let mut s = format!("{table}:");
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i)?;
                    s.push_str(&format!(" {v:?}"));
                }
                Ok(s)
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows.sort();
        out.extend(rows);
    }
    out
}

#[track_caller]
fn assert_same(fast: &Store, slow: &Store) {
    let (a, b) = (dump(fast), dump(slow));
    if a != b {
        let only_a: Vec<&String> = a.iter().filter(|l| !b.contains(l)).take(20).collect();
        let only_b: Vec<&String> = b.iter().filter(|l| !a.contains(l)).take(20).collect();
        panic!(
            "fast and per-entry paths differ\nonly fast: {only_a:#?}\nonly per-entry: {only_b:#?}"
        );
    }
}

fn search(store: &mut Store) -> Vec<(u32, Vec<String>)> {
    [
        "", "a", "ан", "ολ", "王", "+380", "067", "7912", "gmail", "@",
    ]
    .iter()
    .map(|t| {
        let p = store
            .list_clients(&ListQuery {
                text: (*t).into(),
                limit: 200,
                ..Default::default()
            })
            .unwrap();
        (p.total, p.rows.iter().map(|r| r.id.clone()).collect())
    })
    .collect()
}

/// Applies the pages to two fresh devices, one with and one without the fast path, and
/// compares them after every page; returns the entries the fast path took and the clients it
/// derived from their images.
fn compare(pages: &[PullResponse]) -> (u64, u64) {
    let dir = tempfile::tempdir().unwrap();
    let clock = FixedClock::new(T0 + 60_000);
    let mut fast = open(&dir, "fast.db", &clock);
    let mut slow = open(&dir, "slow.db", &clock);
    let mut took = 0;
    let mut imaged = 0;
    let mut conflicts = 0;
    for (n, p) in pages.iter().enumerate() {
        let a = fast.sync_apply_page(p).unwrap();
        let b = slow.sync_apply_page_per_entry(p).unwrap();
        assert_eq!((b.fast, b.imaged), (0, 0));
        took += a.fast;
        imaged += a.imaged;
        conflicts += a.conflicts;
        assert_eq!(
            (a.applied, a.superseded, a.removed, a.conflicts),
            (b.applied, b.superseded, b.removed, b.conflicts),
            "page {n}"
        );
        assert_same(&fast, &slow);
    }
    assert_eq!(search(&mut fast), search(&mut slow));
    let entries: usize = pages.iter().map(|p| p.entries.len()).sum();
    eprintln!(
        "{} pages, {entries} entries: {took} through the fast path ({imaged} clients derived \
         from their images), {conflicts} conflicts",
        pages.len()
    );
    (took, imaged)
}

fn source(clients: usize) -> (tempfile::TempDir, Store, FixedClock) {
    let dir = tempfile::tempdir().unwrap();
    let clock = FixedClock::new(T0);
    let mut src = open(&dir, "src.db", &clock);
    src.load_demo(clients).unwrap();
    // Edits after the load: notes and phones changed, contact persons removed, deletes and
    // restores, at later clocks.
    clock.set(T0 + 1_000);
    let ids: Vec<String> = src
        .connection()
        .prepare("SELECT id FROM clients ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (i, id) in ids.iter().enumerate().filter(|(i, _)| i % 7 == 0) {
        let mut c = src.get_client(id).unwrap().data;
        c.notes = format!("edited {i}");
        if i % 2 == 0 {
            c.contacts.clear();
        }
        if i % 3 == 0 {
            c.phones.push(Phone {
                kind: PhoneKind::Work,
                raw: format!("+38067{:07}", 1_000_000 + i),
                e164: None,
            });
        }
        src.update_client(id, c).unwrap();
    }
    for id in ids.iter().skip(3).step_by(29) {
        src.delete_client(id).unwrap();
    }
    for id in ids.iter().skip(3).step_by(58) {
        src.restore_client(id).unwrap();
    }
    (dir, src, clock)
}

#[test]
fn fast_path_leaves_the_same_state_as_the_per_entry_merge() {
    let (_dir, mut src, _clock) = source(160);
    let batches = changes_of(&mut src, 37);
    let mut entries = Vec::new();
    let mut version = 0;
    let mut stale_seq = 0;
    // The server's merged rows, for images.
    let mut server: BTreeMap<(String, String), RowState> = BTreeMap::new();
    for batch in &batches {
        version += 1;
        for c in batch {
            let kind = table_spec(&c.table).unwrap().kind;
            merge_change(
                server
                    .entry((c.table.clone(), c.row_id.clone()))
                    .or_default(),
                c,
                kind,
            );
            entries.push(Entry {
                version,
                body: EntryBody::Change { change: c.clone() },
            });
        }
        // Stale writes of another device after some inserts and updates of clients (in the
        // same version: a conflict within the page, and in the next version, often the next page).
        for c in batch.iter().filter(|c| c.table == "clients").step_by(5) {
            stale_seq += 1;
            let mut f = serde_json::Map::new();
            f.insert("notes".into(), format!("stale {stale_seq}").into());
            let s = stale(c, stale_seq, 500, f);
            entries.push(Entry {
                version: version + (stale_seq % 2),
                body: EntryBody::Change { change: s },
            });
        }
        // A hand-over of some clients by another device (an `owner` update, later clocks): in
        // the page of the insert, and in a later one.
        for c in batch.iter().filter(|c| c.table == "clients").step_by(4) {
            stale_seq += 1;
            let mut f = serde_json::Map::new();
            f.insert("owner".into(), "user-other".into());
            let mut h = stale(c, stale_seq, -700, f);
            h.device_id = "newdevice".into();
            h.hlc = h.hlc.replace("olddevice", "newdevice");
            entries.push(Entry {
                version: version + (stale_seq % 3),
                body: EntryBody::Change { change: h },
            });
        }
        version += 1;
    }
    // Images of some rows (a hand-over snapshot) at the end: repeats of what was merged.
    version += 1;
    for ((table, row_id), st) in server.iter().step_by(11) {
        entries.push(Entry {
            version,
            body: EntryBody::Row {
                row: image_of_state(table, row_id, st),
            },
        });
    }
    entries.sort_by_key(|e| e.version);
    let total = entries.len() as u64;
    for size in [1, 25, 400, 100_000] {
        let (took, imaged) = compare(&pages(&entries, size));
        // Most entries are rows new to the device (all but those with conflicts and repeats).
        assert!(
            took * 2 > total,
            "page size {size}: fast path took {took} of {total}"
        );
        // New clients are derived from their images, not read back.
        assert!(
            imaged > 0,
            "page size {size}: no client derived from its image"
        );
    }
}

#[test]
fn fast_path_for_a_snapshot_of_row_images() {
    let (_dir, mut src, _clock) = source(120);
    let mut server: BTreeMap<(String, String), RowState> = BTreeMap::new();
    for c in changes_of(&mut src, 100).into_iter().flatten() {
        let kind = table_spec(&c.table).unwrap().kind;
        merge_change(
            server
                .entry((c.table.clone(), c.row_id.clone()))
                .or_default(),
            &c,
            kind,
        );
    }
    // Parents first, as a snapshot is sent; every row its own version.
    let mut entries = Vec::new();
    for t in SYNCED_TABLES {
        for ((table, row_id), st) in server.iter().filter(|((t2, _), _)| t2 == t.name) {
            entries.push(Entry {
                version: entries.len() as u64 + 1,
                body: EntryBody::Row {
                    row: image_of_state(table, row_id, st),
                },
            });
        }
    }
    let total = entries.len() as u64;
    let (took, imaged) = compare(&pages(&entries, 150));
    assert_eq!(
        took, total,
        "every row of a snapshot is new to a fresh device"
    );
    assert!(imaged > 0, "no client derived from its image");
}

#[test]
fn a_child_whose_client_is_not_here_is_not_written_by_either_path() {
    let (_dir, mut src, _clock) = source(20);
    let all: Vec<Change> = changes_of(&mut src, 100).into_iter().flatten().collect();
    // A page with the contact persons but not their clients: their INSERTs fail on both paths.
    let entries: Vec<Entry> = all
        .iter()
        .filter(|c| c.table == "contacts")
        .enumerate()
        .map(|(i, c)| Entry {
            version: i as u64 + 1,
            body: EntryBody::Change { change: c.clone() },
        })
        .collect();
    assert!(!entries.is_empty());
    compare(&pages(&entries, 1_000));
}

/// The derived columns and lookup keys of the live clients, by id.
fn derived_of(store: &Store) -> Vec<String> {
    let conn = store.connection();
    let mut out: Vec<String> = conn
        .prepare(
            "SELECT id, quote(city), quote(phone_display), quote(subtitle), quote(phone_digits), \
             quote(search_extra), quote(search_notes), quote(birthday_md) FROM clients \
             WHERE deleted_at IS NULL",
        )
        .unwrap()
        .query_map([], |r| {
            let mut s = String::new();
            for i in 0..8 {
                s.push_str(&r.get::<_, String>(i)?);
                s.push('|');
            }
            Ok(s)
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut keys: Vec<String> = conn
        .prepare(
            "SELECT k.client_id || ' ' || quote(k.key) FROM client_keys k \
             JOIN clients c ON c.id = k.client_id WHERE c.deleted_at IS NULL",
        )
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    out.sort();
    keys.sort();
    out.extend(keys);
    out
}

/// A page naming hundreds of clients derives them on two threads (each half in country
/// order): the same columns and keys as the device that wrote them derived one by one, and
/// the same state through both apply paths.
#[test]
fn a_large_page_derives_its_clients_as_their_own_device_did() {
    let (_dir, mut src, _clock) = source(700);
    let entries: Vec<Entry> = changes_of(&mut src, 500)
        .into_iter()
        .enumerate()
        .flat_map(|(v, batch)| {
            batch.into_iter().map(move |c| Entry {
                version: v as u64 + 1,
                body: EntryBody::Change { change: c },
            })
        })
        .collect();
    let one_page = pages(&entries, 100_000);
    assert_eq!(one_page.len(), 1);
    compare(&one_page);
    let dir = tempfile::tempdir().unwrap();
    let clock = FixedClock::new(T0 + 60_000);
    let mut dev = open(&dir, "dev.db", &clock);
    dev.sync_apply_page(&one_page[0]).unwrap();
    let (a, b) = (derived_of(&dev), derived_of(&src));
    assert!(a.len() > 1_000, "{}", a.len());
    if a != b {
        let only_a: Vec<&String> = a.iter().filter(|l| !b.contains(l)).take(10).collect();
        let only_b: Vec<&String> = b.iter().filter(|l| !a.contains(l)).take(10).collect();
        panic!("pulled: {only_a:#?}\nsource: {only_b:#?}");
    }
}

/// Rows already on the device take the fast path too (their named columns and server clocks
/// read in bulk, written by UPDATEs of what changed) unless this device changed them itself:
/// a row with a local change-log entry goes through the per-entry merge, which weighs the local
/// clocks. Two copies of one device (same id, clock and rows) pull the same pages after the
/// same local edits, one through each path.
#[test]
fn rows_this_device_changed_take_the_per_entry_merge() {
    let (_dir, mut src, _clock) = source(120);
    let entries: Vec<Entry> = changes_of(&mut src, 40)
        .into_iter()
        .enumerate()
        .flat_map(|(v, batch)| {
            batch.into_iter().map(move |c| Entry {
                version: v as u64 + 1,
                body: EntryBody::Change { change: c },
            })
        })
        .collect();
    // The later pages hold the source's edits of clients the first half brought.
    let all = pages(&entries, 120);
    let (first, rest) = all.split_at(all.len() * 3 / 4);
    assert!(!rest.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let clock = FixedClock::new(T0 + 60_000);
    let mut fast = open(&dir, "fast.db", &clock);
    for p in first {
        fast.sync_apply_page(p).unwrap();
    }
    let copy = dir.path().join("slow.db");
    fast.connection()
        .execute("VACUUM INTO ?1", [copy.to_str().unwrap()])
        .unwrap();
    let mut slow = Store::open_with_clock(copy.to_str().unwrap(), Box::new(clock.clone())).unwrap();
    assert_eq!(fast.device_id(), slow.device_id());
    // The same local edits on both copies: notes of every other client (later than the source's
    // edits: those lose here, and are logged).
    let ids: Vec<String> = fast
        .connection()
        .prepare("SELECT id FROM clients WHERE deleted_at IS NULL ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(ids.len() > 20);
    for store in [&mut fast, &mut slow] {
        for (i, id) in ids.iter().enumerate().step_by(2) {
            let mut c = store.get_client(id).unwrap().data;
            c.notes = format!("mine {i}");
            store.update_client(id, c).unwrap();
        }
    }
    assert_same(&fast, &slow);
    let (mut took, mut conflicts) = (0, 0);
    for (n, p) in rest.iter().enumerate() {
        let a = fast.sync_apply_page(p).unwrap();
        let b = slow.sync_apply_page_per_entry(p).unwrap();
        took += a.fast;
        conflicts += a.conflicts;
        assert_eq!(
            (a.applied, a.superseded, a.removed, a.conflicts),
            (b.applied, b.superseded, b.removed, b.conflicts),
            "page {n}"
        );
        assert_same(&fast, &slow);
    }
    assert_eq!(search(&mut fast), search(&mut slow));
    assert!(conflicts > 0, "the local edits won over some pulled ones");
    assert!(
        took > 0,
        "rows this device did not change took the fast path"
    );
}

/// A sign-in's adoption (an owner-only update of every client, pages after their inserts)
/// takes the fast path: the rows are known, nothing is read per entry, nothing re-derived.
#[test]
fn owner_updates_of_known_rows_take_the_fast_path() {
    let (_dir, mut src, _clock) = source(150);
    let mut entries: Vec<Entry> = changes_of(&mut src, 500)
        .into_iter()
        .flatten()
        .map(|c| Entry {
            version: 1,
            body: EntryBody::Change { change: c },
        })
        .collect();
    let clients: Vec<Change> = entries
        .iter()
        .filter_map(|e| match &e.body {
            EntryBody::Change { change }
                if change.table == "clients" && change.op == Op::Insert =>
            {
                Some(change.clone())
            }
            _ => None,
        })
        .collect();
    for (i, c) in clients.iter().enumerate() {
        let mut f = serde_json::Map::new();
        f.insert("owner".into(), "user-anna".into());
        let mut h = stale(c, i as u64 + 1, -2_000, f);
        h.device_id = "annaphone".into();
        h.hlc = h.hlc.replace("olddevice", "annaphone");
        entries.push(Entry {
            version: 2 + i as u64 / 50,
            body: EntryBody::Change { change: h },
        });
    }
    let ps = pages(&entries, 60);
    let adoption: usize = ps
        .iter()
        .filter(|p| p.entries.iter().all(|e| e.version >= 2))
        .map(|p| p.entries.len())
        .sum();
    assert_eq!(adoption, clients.len());
    let (took, _) = compare(&ps);
    let inserts = entries.len() - clients.len();
    assert!(
        took as usize >= inserts + clients.len() - 10,
        "took {took} of {} (adoption {adoption})",
        entries.len()
    );
}

/// Known clients renamed, their phones and contact persons changed, or deleted, in a page after
/// the one that brought them: their old keys and name-order entries go (the fast path reads
/// each such client as it was before its writes, as the per-entry merge does).
#[test]
fn known_clients_changed_later_lose_their_old_keys_and_name_order() {
    let (_dir, mut src, clock) = source(60);
    let versioned = |batches: Vec<Vec<Change>>, from: u64| -> Vec<Entry> {
        batches
            .into_iter()
            .enumerate()
            .flat_map(|(v, batch)| {
                batch.into_iter().map(move |c| Entry {
                    version: from + v as u64,
                    body: EntryBody::Change { change: c },
                })
            })
            .collect()
    };
    let mut entries = versioned(changes_of(&mut src, 500), 1);
    let next = entries.last().unwrap().version + 1;
    clock.set(T0 + 5_000);
    let ids: Vec<String> = src
        .connection()
        .prepare("SELECT id FROM clients WHERE deleted_at IS NULL ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (i, id) in ids.iter().enumerate() {
        match i % 4 {
            0 => {
                let mut c = src.get_client(id).unwrap().data;
                c.last_name = format!("Renamed{i}");
                c.org_name = format!("Org {i}");
                c.phones.clear();
                c.emails.clear();
                src.update_client(id, c).unwrap();
            }
            1 => {
                src.delete_client(id).unwrap();
            }
            2 => {
                let mut c = src.get_client(id).unwrap().data;
                c.contacts.clear();
                src.update_client(id, c).unwrap();
            }
            _ => {}
        }
    }
    let later = versioned(changes_of(&mut src, 500), next);
    let n_later = later.len() as u64;
    assert!(n_later > 30);
    entries.extend(later);
    // The first version alone, then the edits in a page of their own.
    let mut ps = pages(
        &entries
            .iter()
            .filter(|e| e.version < next)
            .cloned()
            .collect::<Vec<_>>(),
        100_000,
    );
    ps.extend(pages(
        &entries
            .iter()
            .filter(|e| e.version >= next)
            .cloned()
            .collect::<Vec<_>>(),
        100_000,
    ));
    assert_eq!(ps.len(), 2);
    let first_page = ps[0].entries.len() as u64;
    let (took, _) = compare(&ps);
    assert!(
        took > first_page / 2 + n_later / 2,
        "the later page's known rows took the fast path: {took}"
    );
}
