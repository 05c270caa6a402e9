//! The bulk path's deferred indexes (`store/bulk.rs`, `DeferredIndexes`): a load into an empty or
//! smaller base drops the secondary indexes of `clients`, `contacts` and `change_log` inside its
//! transaction and creates them again after the rows. After a successful load the schema is the
//! migrations' own (same names and SQL) and the indexes hold every row (`integrity_check`); a load
//! that fails or is cancelled after the drop leaves the base exactly as it was, indexes included.
//! Real SQLite files.
mod common;
use clientbase_core::model::*;
use clientbase_core::store::import::{ImportPolicy, ImportProgress, ImportRow};
use clientbase_core::{Store, StoreError};
use common::*;

/// Every schema object but its root page (an index created again gets a new one): type, name,
/// table, SQL.
fn schema(store: &Store) -> Vec<(String, String, String, Option<String>)> {
    let conn = store.connection();
    let mut st = conn
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The whole `sqlite_master`, root pages included, in its own row order.
fn master_rows(store: &Store) -> Vec<(String, String, i64, Option<String>)> {
    let conn = store.connection();
    let mut st = conn
        .prepare("SELECT type, name, rootpage, sql FROM sqlite_master ORDER BY rowid")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Row counts of the tables a load writes, and a checksum of the ids.
fn counts(store: &Store) -> Vec<i64> {
    [
        "SELECT count(*) FROM clients",
        "SELECT count(*) FROM contacts",
        "SELECT count(*) FROM change_log",
        "SELECT count(*) FROM client_keys",
        "SELECT count(*) FROM name_order",
        "SELECT coalesce(max(seq), 0) FROM change_log",
    ]
    .iter()
    .map(|q| count(store, q))
    .collect()
}

fn integrity(store: &Store) -> String {
    store
        .connection()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

fn index_names(store: &Store, table: &str) -> Vec<String> {
    let conn = store.connection();
    let mut st = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL ORDER BY name")
        .unwrap();
    st.query_map([table], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// A trigger on the last table a load writes (`name_order`, after every client, contact and
/// change-log row) that fails when `clients_contact_due` is missing: it fires only while the
/// load's indexes are dropped, proving the drop happened and that the rollback undid it.
const FAIL_WHILE_DROPPED: &str = "CREATE TRIGGER fail_while_dropped BEFORE INSERT ON name_order \
     WHEN NOT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'clients_contact_due') \
     BEGIN SELECT RAISE(ABORT, 'indexes dropped'); END;";

/// `n` distinct people; phones numbered from `from` (so two imports do not collide).
fn people(n: usize, tag: &str, from: usize) -> Vec<ImportRow> {
    (0..n)
        .map(|i| {
            let mut p = person(
                &format!("Name{i}"),
                &format!("{tag}{i}"),
                &format!("+38067{:07}", 1_000_000 + from + i),
            );
            p.emails = vec![Email {
                label: String::new(),
                address: format!("{tag}{i}@example.com"),
            }];
            if i % 3 == 0 {
                p.contacts = vec![ContactPerson {
                    first_name: format!("Contact{i}"),
                    birthday: Some(Birthday {
                        day: 1 + (i % 28) as u8,
                        month: 1 + (i % 12) as u8,
                        year: None,
                    }),
                    ..Default::default()
                }];
            }
            p.birthday = Some(Birthday {
                day: 1 + (i % 28) as u8,
                month: 1 + (i % 12) as u8,
                year: Some(1980),
            });
            ImportRow {
                line: i as u32 + 2,
                input: p,
                ..Default::default()
            }
        })
        .collect()
}

fn go(_: ImportProgress) -> bool {
    true
}

#[test]
fn after_a_load_the_schema_is_the_migrations_own_and_the_indexes_hold_every_row() {
    let (_fresh_dir, fresh) = open();
    let migrated = schema(&fresh);
    // Secondary indexes exist on the three tables, or this test would prove nothing.
    for t in ["clients", "contacts", "change_log"] {
        assert!(!index_names(&fresh, t).is_empty(), "{t}");
    }

    let (_dir, mut store) = open();
    store.load_demo(5000).unwrap();
    assert!(
        store
            .bulk_phases_ms
            .iter()
            .any(|(k, _)| *k == "create indexes"),
        "{:?}",
        store.bulk_phases_ms
    );
    assert_eq!(schema(&store), migrated);
    assert_eq!(integrity(&store), "ok");
    assert_eq!(count(&store, "SELECT count(*) FROM clients"), 5000);

    // An import into that base, larger than it (indexes deferred again), then a smaller one
    // (indexes kept): the schema stays and every index holds every row.
    let s = store
        .import_clients(people(6000, "Big", 0), &ImportPolicy::default(), &mut go)
        .unwrap();
    assert_eq!(s.added, 6000);
    let s = store
        .import_clients(
            people(2500, "Small", 10_000),
            &ImportPolicy::default(),
            &mut go,
        )
        .unwrap();
    assert_eq!(s.added, 2500);
    assert_eq!(schema(&store), migrated);
    assert_eq!(integrity(&store), "ok");
    assert_eq!(count(&store, "SELECT count(*) FROM clients"), 13_500);

    // The indexes answer as they should: the same counts through an index and through a scan.
    let by_index = count(
        &store,
        "SELECT count(*) FROM contacts INDEXED BY contacts_birthday WHERE birthday_md = 101",
    );
    let by_scan = count(
        &store,
        "SELECT count(*) FROM contacts NOT INDEXED WHERE birthday_md = 101",
    );
    assert!(by_index > 0);
    assert_eq!(by_index, by_scan);
    let by_index = count(
        &store,
        "SELECT count(*) FROM change_log INDEXED BY change_log_row \
         WHERE row_id = (SELECT id FROM clients WHERE last_name = 'Big17')",
    );
    assert_eq!(by_index, 1);
}

#[test]
fn a_failed_load_leaves_the_base_and_its_indexes_as_they_were() {
    let (_dir, mut store) = open();
    store.create_client(person("Name", "Existing", "")).unwrap();
    store
        .connection()
        .execute_batch(FAIL_WHILE_DROPPED)
        .unwrap();
    let master = master_rows(&store);
    let before = counts(&store);

    // An import: the trigger fires after every row is written, while the indexes are dropped.
    let r = store.import_clients(people(4000, "Fail", 0), &ImportPolicy::default(), &mut go);
    match r {
        Err(StoreError::Sqlite(e)) => assert!(e.to_string().contains("indexes dropped"), "{e}"),
        other => panic!("expected the trigger's error, got {other:?}"),
    }
    assert_eq!(master_rows(&store), master);
    assert_eq!(counts(&store), before);
    assert_eq!(integrity(&store), "ok");

    // A demo load fails the same way.
    let r = store.load_demo(3000);
    assert!(matches!(r, Err(StoreError::Sqlite(_))), "{r:?}");
    assert_eq!(master_rows(&store), master);
    assert_eq!(counts(&store), before);
    assert_eq!(integrity(&store), "ok");

    // Without the trigger the same import lands whole, indexes created again.
    store
        .connection()
        .execute_batch("DROP TRIGGER fail_while_dropped;")
        .unwrap();
    let fresh = {
        let (_d, s) = open();
        schema(&s)
    };
    let s = store
        .import_clients(people(4000, "Fail", 0), &ImportPolicy::default(), &mut go)
        .unwrap();
    assert_eq!(s.added, 4000);
    assert_eq!(schema(&store), fresh);
    assert_eq!(integrity(&store), "ok");
}

#[test]
fn a_cancelled_load_leaves_the_base_and_its_indexes_as_they_were() {
    let (_dir, mut store) = open();
    store.create_client(person("Name", "Existing", "")).unwrap();
    let master = master_rows(&store);
    let before = counts(&store);
    let mut seen = 0;
    let r = store.import_clients(
        people(6000, "Cancel", 0),
        &ImportPolicy::default(),
        &mut |p| {
            if p.phase == ImportPhase::Writing {
                seen = seen.max(p.done);
            }
            !(p.phase == ImportPhase::Writing && p.done >= 3000)
        },
    );
    assert!(matches!(r, Err(StoreError::Cancelled)), "{r:?}");
    assert!(seen >= 3000);
    assert_eq!(master_rows(&store), master);
    assert_eq!(counts(&store), before);
    assert_eq!(integrity(&store), "ok");
    for t in ["clients", "contacts", "change_log"] {
        assert!(!index_names(&store, t).is_empty(), "{t}");
    }
}

#[test]
fn a_load_smaller_than_the_base_keeps_the_indexes() {
    let (_dir, mut store) = open();
    store.load_demo(5000).unwrap();
    // The trigger fails only while an index is missing: a load smaller than the base must pass.
    store
        .connection()
        .execute_batch(FAIL_WHILE_DROPPED)
        .unwrap();
    let s = store
        .import_clients(people(3000, "Kept", 0), &ImportPolicy::default(), &mut go)
        .unwrap();
    assert_eq!(s.added, 3000);
    assert_eq!(integrity(&store), "ok");
}
