//! What a bulk load into an empty base writes besides the rows (`store/bulk.rs`): the `name_order`
//! keys it takes from the search index it builds (they must be `NameKeys`' bytes, as every other
//! writer of `name_order` computes them), its image-less change-log rows (one per client and per
//! contact person, in write order, this device's clock and id), and an index whose text search
//! works once the postings held during the load are built. Real SQLite files.
mod common;
use clientbase_core::model::*;
use common::*;

/// Every row of `name_order` through the store's own reader, in its order.
fn order_rows(store: &clientbase_core::Store) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    loop {
        let page = store.list_from_name_order(out.len() as u32, 500).unwrap();
        if page.rows.is_empty() {
            return out;
        }
        out.extend(page.rows.into_iter().map(|r| r.id));
    }
}

#[test]
fn name_order_from_the_index_is_the_collated_order() {
    let (_dir, mut store) = open();
    store.load_demo(3000).unwrap();
    let all = all_rows(&mut store);
    assert_eq!(all.len(), 3000);
    let names = clientbase_search::NameKeys::new("en");
    let mut expected: Vec<(Vec<u8>, String)> = all
        .iter()
        .map(|r| (names.key(&r.display_name, &r.id), r.id.clone()))
        .collect();
    expected.sort();
    let stored = name_order_keys(&store);
    assert_eq!(stored.len(), expected.len());
    if let Some(i) = (0..stored.len()).find(|&i| stored[i] != expected[i]) {
        panic!(
            "first difference at {i}: stored {:?} expected {:?}; name {:?}",
            stored[i],
            expected[i],
            all.iter()
                .find(|r| r.id == stored[i].1)
                .map(|r| &r.display_name)
        );
    }
    // The index's own Name order is the same list.
    let ids: Vec<&str> = all.iter().map(|r| r.id.as_str()).collect();
    let stored_ids: Vec<&str> = stored.iter().map(|(_, id)| id.as_str()).collect();
    assert_eq!(ids, stored_ids);

    // A second load (into a non-empty index: keys collated on a worker) extends the same order.
    store.load_demo(500).unwrap();
    let a: Vec<String> = all_rows(&mut store).into_iter().map(|r| r.id).collect();
    assert_eq!(a.len(), 3500);
    assert_eq!(a, order_rows(&store));
}

#[test]
fn change_log_rows_of_a_bulk_load() {
    let (_dir, mut store) = open();
    store.load_demo(2500).unwrap();
    let device = store.device_id().to_owned();
    let conn = store.connection();
    let clients = count(&store, "SELECT count(*) FROM clients");
    let contacts = count(&store, "SELECT count(*) FROM contacts");
    assert!(contacts > 0);
    let mut st = conn
        .prepare(
            "SELECT hlc, device_id, table_name, row_id, op, fields, \
             EXISTS (SELECT 1 FROM clients c WHERE c.id = l.row_id), \
             EXISTS (SELECT 1 FROM contacts c WHERE c.id = l.row_id) \
             FROM change_log l WHERE table_name IN ('clients', 'contacts') ORDER BY seq",
        )
        .unwrap();
    type Row = (String, String, String, String, String, String, bool, bool);
    let rows: Vec<Row> = st
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len() as i64, clients + contacts);
    let mut last: Option<(i64, u32)> = None;
    let mut client_of_contact = None;
    for (hlc, dev, table, id, op, fields, is_client, is_contact) in &rows {
        assert_eq!(dev, &device);
        assert_eq!(op, "insert");
        assert_eq!(fields, "null");
        match table.as_str() {
            "clients" => {
                assert!(is_client, "{id}");
                client_of_contact = Some(id.clone());
            }
            "contacts" => {
                assert!(is_contact, "{id}");
                // A client's contact persons follow its own row.
                let owner: String = conn
                    .query_row("SELECT client_id FROM contacts WHERE id = ?1", [id], |r| {
                        r.get(0)
                    })
                    .unwrap();
                assert_eq!(Some(owner), client_of_contact);
            }
            other => panic!("{other}"),
        }
        // `{ms:015}-{counter:05}-{device}`, strictly increasing in log order.
        let parts: Vec<&str> = hlc.splitn(3, '-').collect();
        assert_eq!(parts[0].len(), 15, "{hlc}");
        assert_eq!(parts[1].len(), 5, "{hlc}");
        assert_eq!(parts[2], device);
        let t = (parts[0].parse().unwrap(), parts[1].parse().unwrap());
        assert!(last.is_none_or(|l| l < t), "{hlc}");
        last = Some(t);
    }
    // The last clock is the one persisted.
    let saved: String = conn
        .query_row("SELECT value FROM meta WHERE key = 'last_hlc'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(saved >= rows.last().unwrap().0);
}

#[test]
fn text_search_works_after_a_bulk_load() {
    let (_dir, mut store) = open();
    store.load_demo(2000).unwrap();
    let all = store
        .list_clients(&ListQuery {
            limit: 5,
            ..Default::default()
        })
        .unwrap();
    let first = &all.rows[0];
    let found = store
        .list_clients(&ListQuery {
            text: first.display_name.clone(),
            limit: 50,
            ..Default::default()
        })
        .unwrap();
    assert!(found.rows.iter().any(|r| r.id == first.id));
    // A new client after the load is found too.
    let id = store
        .create_client(person("Zebulon", "Quaxley", "+380671112233"))
        .unwrap()
        .id;
    for q in ["quaxley", "1112233"] {
        let found = store
            .list_clients(&ListQuery {
                text: q.into(),
                limit: 50,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(found.rows.len(), 1, "{q}");
        assert_eq!(found.rows[0].id, id, "{q}");
    }
}

/// The bundled SQLite is compiled with the workspace's `LIBSQLITE3_FLAGS` (`.cargo/config.toml`):
/// no memory statistics (a global mutex and a size lookup around every allocation: ~7% of a bulk
/// load's calling thread), and still with what the store uses.
#[test]
fn sqlite_is_built_with_the_workspace_flags() {
    let (_dir, store) = open();
    let mut st = store
        .connection()
        .prepare("PRAGMA compile_options")
        .unwrap();
    let opts: Vec<String> = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for o in ["DEFAULT_MEMSTATUS=0", "ENABLE_FTS5", "THREADSAFE=1"] {
        assert!(opts.iter().any(|x| x == o), "{o} not in {opts:?}");
    }
}

/// A load runs with foreign keys off when every category it names exists (`store/bulk.rs`,
/// `write_bulk_rows`); one naming a missing category gets SQLite's own check and error and leaves
/// nothing; either way the connection has its foreign keys on again afterwards.
#[test]
fn foreign_keys_around_a_bulk_load() {
    let (_dir, mut store) = open();
    let fk_on = |store: &clientbase_core::Store| -> i64 {
        store
            .connection()
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap()
    };
    let mut items = clientbase_core::demo::generate(7, 3000, 1_760_000_000_000, "t");
    let good = items.clone();
    items[1500].0.data.category_id = Some("no-such-category".into());
    match store.insert_bulk(items) {
        Err(clientbase_core::StoreError::Sqlite(e)) => {
            assert!(e.to_string().contains("FOREIGN KEY"), "{e}")
        }
        other => panic!("expected the foreign key error, got {other:?}"),
    }
    assert_eq!(fk_on(&store), 1);
    for t in [
        "clients",
        "contacts",
        "change_log",
        "client_keys",
        "name_order",
    ] {
        assert_eq!(
            count(&store, &format!("SELECT count(*) FROM {t}")),
            0,
            "{t}"
        );
    }
    assert_eq!(store.insert_bulk(good).unwrap(), 3000);
    assert_eq!(fk_on(&store), 1);
    assert_eq!(count(&store, "SELECT count(*) FROM clients"), 3000);
    let violations = count(&store, "SELECT count(*) FROM pragma_foreign_key_check");
    assert_eq!(violations, 0);
    // Still enforced after the load.
    let r = store.connection().execute(
        "UPDATE clients SET category_id = 'no-such-category' WHERE rowid = 1",
        [],
    );
    assert!(r.is_err());
}
