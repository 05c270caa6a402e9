//! Start-up without waiting for the search index: the `name_order` table answers the first screen
//! (unfiltered list in Name order) with exactly the page and total the index gives, and is kept
//! right by every write, by a language change, and at open when it is stale.

mod common;
use clientbase_core::model::*;
use clientbase_core::Store;
use common::*;

fn index_page(s: &mut Store, offset: u32, limit: u32) -> ListPage {
    s.list_clients(&ListQuery {
        offset,
        limit,
        ..Default::default()
    })
    .unwrap()
}

fn ids(p: &ListPage) -> Vec<String> {
    p.rows.iter().map(|r| r.id.clone()).collect()
}

/// `name_order`'s pages equal the index's pages, row for row, over the whole list.
fn assert_same_order(s: &mut Store) {
    s.wait_for_index().unwrap();
    let n = index_page(s, 0, 1).total;
    let mut offset = 0;
    loop {
        let from_index = index_page(s, offset, 37);
        let from_disk = s.list_from_name_order(offset, 37).unwrap();
        assert_eq!(from_disk.total, n);
        assert_eq!(ids(&from_disk), ids(&from_index), "page at {offset}");
        assert_eq!(from_disk.rows, from_index.rows, "rows at {offset}");
        if from_index.rows.is_empty() {
            break;
        }
        offset += 37;
    }
}

fn org(name: &str) -> ClientInput {
    ClientInput {
        kind: ClientKind::Organization,
        org_name: name.into(),
        ..Default::default()
    }
}

#[test]
fn first_page_from_disk_matches_index_with_ties_orgs_and_deletes() {
    let (dir, mut s) = open();
    s.load_demo(400).unwrap();
    // Equal names (ties broken by id in both orders), organisations, all scripts, a deleted client.
    for _ in 0..3 {
        s.create_client(person("Іван", "Петренко", "")).unwrap();
    }
    s.create_client(org("Ärzte GmbH")).unwrap();
    s.create_client(org("Αθηνά ΑΕ")).unwrap();
    s.create_client(person("秀英", "王", "")).unwrap();
    let gone = s.create_client(person("Zed", "Gone", "")).unwrap();
    s.delete_client(&gone.id).unwrap();
    assert_same_order(&mut s);
    // And after reopening (the page the first screen shows before the index exists).
    drop(s);
    let mut s = Store::open(&db_path(&dir)).unwrap();
    let first = s.list_from_name_order(0, 50).unwrap();
    assert_eq!(first.total, 406);
    assert!(!first.rows.iter().any(|r| r.id == gone.id));
    assert_same_order(&mut s);
}

#[test]
fn list_right_after_open_is_the_index_page_and_writes_wait_for_the_index() {
    let (dir, mut s) = open();
    s.load_demo(3_000).unwrap();
    s.wait_for_index().unwrap();
    let expected = index_page(&mut s, 0, 50);
    drop(s);
    let mut s = Store::open(&db_path(&dir)).unwrap();
    // Whether or not the loader has finished, the first page is the same.
    let first = index_page(&mut s, 0, 50);
    assert_eq!(ids(&first), ids(&expected));
    assert_eq!(first.total, 3_000);
    assert_eq!(s.stats().unwrap().clients, 3_000);
    // A write before the index is ready lands in it.
    let c = s.create_client(person("Aaron", "Aardvark", "")).unwrap();
    let hit = s
        .list_clients(&ListQuery {
            text: "aardv".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(ids(&hit), std::slice::from_ref(&c.id));
    assert!(s.index_ready());
    assert_eq!(index_page(&mut s, 0, 1).rows[0].id, c.id);
    assert_eq!(s.list_from_name_order(0, 1).unwrap().rows[0].id, c.id);
}

#[test]
fn writes_keep_name_order_in_step() {
    let (_dir, mut s) = open();
    let a = s.create_client(person("Anna", "Berg", "")).unwrap();
    let b = s.create_client(person("Olga", "Adams", "")).unwrap();
    s.create_client(org("Mill Ltd")).unwrap();
    assert_same_order(&mut s);
    // A rename moves the row; an edit that keeps the name leaves it.
    let mut d = s.get_client(&a.id).unwrap().data;
    d.last_name = "Zimmer".into();
    s.update_client(&a.id, d).unwrap();
    let mut d = s.get_client(&b.id).unwrap().data;
    d.notes = "likes tea".into();
    s.update_client(&b.id, d).unwrap();
    assert_same_order(&mut s);
    assert_eq!(count(&s, "SELECT count(*) FROM name_order"), 3);
    // Delete and restore.
    s.delete_client(&a.id).unwrap();
    assert_eq!(count(&s, "SELECT count(*) FROM name_order"), 2);
    assert_same_order(&mut s);
    s.restore_client(&a.id).unwrap();
    assert_same_order(&mut s);
    // Clearing demo clients removes theirs only.
    s.load_demo(50).unwrap();
    assert_eq!(count(&s, "SELECT count(*) FROM name_order"), 53);
    s.clear_demo().unwrap();
    assert_eq!(count(&s, "SELECT count(*) FROM name_order"), 3);
    assert_same_order(&mut s);
}

#[test]
fn language_change_rebuilds_name_order_in_the_new_collation() {
    let (_dir, mut s) = open();
    // Ukrainian puts є after е and і/ї after и; English collation does not.
    for last in ["Їжак", "Єрмак", "Иванов", "Іванов", "Евтушенко", "Жук"]
    {
        s.create_client(person("А", last, "")).unwrap();
    }
    let mut settings = s.settings().clone();
    settings.language = "uk".into();
    s.set_settings(settings).unwrap();
    assert_same_order(&mut s);
    let names: Vec<String> = s
        .list_from_name_order(0, 10)
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.display_name)
        .collect();
    assert_eq!(
        names,
        [
            "Евтушенко А",
            "Єрмак А",
            "Жук А",
            "Иванов А",
            "Іванов А",
            "Їжак А"
        ]
    );
    let version: String = s
        .connection()
        .query_row(
            "SELECT value FROM meta WHERE key = 'name_order_version'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(version.ends_with(":uk"), "{version}");
}

#[test]
fn stale_name_order_is_rebuilt_at_open() {
    let (dir, mut s) = open();
    s.load_demo(200).unwrap();
    drop(s);
    // A key from other collation code, a missing row, a stale version: each is noticed at open.
    let breakages = [
        "UPDATE name_order SET name_sort = CAST(X'01' || name_sort AS BLOB) \
         WHERE name_sort = (SELECT min(name_sort) FROM name_order)",
        "DELETE FROM name_order WHERE name_sort = (SELECT max(name_sort) FROM name_order)",
        "UPDATE meta SET value = '0:en' WHERE key = 'name_order_version'",
    ];
    for sql in breakages {
        let conn = rusqlite::Connection::open(db_path(&dir)).unwrap();
        conn.execute_batch(sql).unwrap();
        drop(conn);
        let mut s = Store::open(&db_path(&dir)).unwrap();
        assert_eq!(count(&s, "SELECT count(*) FROM name_order"), 200, "{sql}");
        assert_eq!(
            count(
                &s,
                "SELECT count(*) FROM name_order WHERE substr(name_sort, 1, 1) = X'01'"
            ),
            0
        );
        assert_same_order(&mut s);
    }
}

#[test]
fn migrating_a_v4_base_builds_name_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    {
        // A file as the previous release (schema 4) wrote it.
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        let tx = conn.transaction().unwrap();
        for sql in &clientbase_core::migrations::MIGRATIONS[..4] {
            tx.execute_batch(sql).unwrap();
        }
        tx.pragma_update(None, "user_version", 4).unwrap();
        for (id, first) in [
            ("0190a000-0000-7000-8000-000000000002", "Boris"),
            ("0190a000-0000-7000-8000-000000000001", "Anna"),
        ] {
            tx.execute(
                "INSERT INTO clients (id, kind, first_name, last_name, created_at, updated_at) \
                 VALUES (?1, 'person', ?2, 'Adamenko', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
                [id, first],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    let mut s = Store::open(&path).unwrap();
    assert_eq!(
        s.schema_version().unwrap(),
        clientbase_core::migrations::SCHEMA_VERSION
    );
    let names: Vec<String> = s
        .list_from_name_order(0, 10)
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.display_name)
        .collect();
    assert_eq!(names, ["Adamenko Anna", "Adamenko Boris"]);
    assert_same_order(&mut s);
}
