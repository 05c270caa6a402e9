//! `stats` stays exact while being cheap, and a bulk load does not leave a huge WAL file behind.

mod common;
use clientbase_core::model::*;
use clientbase_core::Store;
use common::*;

fn brute_force(store: &Store) -> Stats {
    Stats {
        clients: count(store, "SELECT count(*) FROM clients WHERE deleted_at IS NULL") as u32,
        demo_clients: count(store, "SELECT count(*) FROM clients WHERE deleted_at IS NULL AND is_demo = 1")
            as u32,
        deleted_clients: count(store, "SELECT count(*) FROM clients WHERE deleted_at IS NOT NULL") as u32,
        contacts: count(
            store,
            "SELECT count(*) FROM contacts c JOIN clients k ON k.id = c.client_id WHERE k.deleted_at IS NULL",
        ) as u32,
        change_log_rows: count(store, "SELECT count(*) FROM change_log") as u32,
    }
}

fn org_with_contacts(name: &str, n: usize) -> ClientInput {
    ClientInput {
        kind: ClientKind::Organization,
        org_name: name.into(),
        contacts: (0..n)
            .map(|i| ContactPerson {
                first_name: format!("Contact{i}"),
                position: "buyer".into(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

#[test]
fn stats_match_a_brute_force_count_through_edits_deletes_and_restores() {
    let (_d, mut s) = open();
    assert_eq!(s.stats().unwrap(), brute_force(&s));
    s.load_demo(300).unwrap();
    assert_eq!(s.stats().unwrap(), brute_force(&s));
    let org = s.create_client(org_with_contacts("Вектор", 3)).unwrap();
    let p = s
        .create_client(person("Ivan", "Petrenko", "+380671112233"))
        .unwrap();
    assert_eq!(s.stats().unwrap(), brute_force(&s));
    s.delete_client(&org.id).unwrap();
    s.delete_client(&p.id).unwrap();
    let after_delete = s.stats().unwrap();
    assert_eq!(after_delete, brute_force(&s));
    assert_eq!(after_delete.deleted_clients, 2);
    s.restore_client(&org.id).unwrap();
    assert_eq!(s.stats().unwrap(), brute_force(&s));
    s.clear_demo().unwrap();
    let after_clear = s.stats().unwrap();
    assert_eq!(after_clear, brute_force(&s));
    assert_eq!(after_clear.demo_clients, 0);
    assert_eq!(after_clear.clients, 1);
}

#[test]
fn a_bulk_load_does_not_leave_a_large_wal_behind() {
    let (dir, mut s) = open();
    s.load_demo(20_000).unwrap();
    let wal = format!("{}-wal", db_path(&dir));
    let limit = 16 * 1024 * 1024;
    // The checkpoint runs on a background connection: give it a bounded time.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut len = u64::MAX;
    while std::time::Instant::now() < deadline {
        len = std::fs::metadata(&wal).map_or(0, |m| m.len());
        if len <= limit {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(len <= limit, "WAL still {len} bytes after the bulk load");
    // The store keeps working while and after the checkpoint ran.
    s.create_client(person("Olena", "Shevchenko", "+380501234567"))
        .unwrap();
    assert_eq!(s.stats().unwrap(), brute_force(&s));
}

/// Ordinary commits are not checkpointed inside the commit (SQLite's automatic checkpoint is off on
/// the store's connection) but by the store's checkpointer thread once the writes pause: the
/// database file takes the new pages while the store stays open, long before the WAL reaches
/// SQLite's own 1,000-page threshold.
#[test]
fn single_commits_are_checkpointed_in_the_background_after_a_pause() {
    let (dir, mut s) = open();
    let path = db_path(&dir);
    let db_len = || std::fs::metadata(&path).unwrap().len();
    std::thread::sleep(std::time::Duration::from_millis(1200));
    let before = db_len();
    // 30 small commits: a few hundred WAL frames, well under SQLite's own threshold.
    for i in 0..30 {
        s.create_client(person(&format!("Name{i}"), "Checkpoint", ""))
            .unwrap();
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while db_len() <= before && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(
        db_len() > before,
        "the database file did not grow: the commits were not checkpointed"
    );
    // The store keeps working, and its data is all there.
    assert_eq!(
        count(
            &s,
            "SELECT count(*) FROM clients WHERE last_name = 'Checkpoint'"
        ),
        30
    );
}

/// A demo load or an import turns the automatic checkpoint off for its commit and puts back what was
/// there: off, on the store's connection (its checkpoints run on their own thread).
#[test]
fn loads_and_imports_leave_the_inline_checkpoint_off() {
    let (_d, mut s) = open();
    let auto = |s: &Store| count(s, "PRAGMA wal_autocheckpoint");
    assert_eq!(auto(&s), 0);
    s.load_demo(50).unwrap();
    assert_eq!(auto(&s), 0);
    s.clear_demo().unwrap();
    assert_eq!(auto(&s), 0);
    let rows = vec![clientbase_core::store::import::ImportRow {
        line: 2,
        input: person("Imported", "Row", ""),
        ..Default::default()
    }];
    let summary = s
        .import_clients(rows, &Default::default(), &mut |_| true)
        .unwrap();
    assert_eq!(summary.added, 1);
    assert_eq!(auto(&s), 0);
}
