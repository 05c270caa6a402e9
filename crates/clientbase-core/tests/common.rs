#![allow(dead_code)]
use clientbase_core::model::*;
use clientbase_core::Store;

pub fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let store = Store::open(path.to_str().unwrap()).unwrap();
    (dir, store)
}

pub fn db_path(dir: &tempfile::TempDir) -> String {
    dir.path().join("c.db").to_str().unwrap().to_owned()
}

pub fn person(first: &str, last: &str, phone: &str) -> ClientInput {
    ClientInput {
        first_name: first.into(),
        last_name: last.into(),
        phones: if phone.is_empty() {
            vec![]
        } else {
            vec![Phone {
                kind: PhoneKind::Mobile,
                raw: phone.into(),
                e164: None,
            }]
        },
        ..Default::default()
    }
}

pub fn count(store: &Store, sql: &str) -> i64 {
    store.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Every live client in the index's Name order (the list API caps a page).
pub fn all_rows(store: &mut Store) -> Vec<ClientSummary> {
    let mut out = Vec::new();
    loop {
        let page = store
            .list_clients(&ListQuery {
                offset: out.len() as u32,
                limit: 500,
                ..Default::default()
            })
            .unwrap();
        let done = page.rows.is_empty() || out.len() + page.rows.len() >= page.total as usize;
        out.extend(page.rows);
        if done {
            return out;
        }
    }
}

/// `name_order` as stored: (collation key, client id), in key order.
pub fn name_order_keys(store: &Store) -> Vec<(Vec<u8>, String)> {
    let mut st = store
        .connection()
        .prepare("SELECT name_sort, client_id FROM name_order ORDER BY name_sort")
        .unwrap();
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)));
    rows.unwrap().collect::<Result<_, _>>().unwrap()
}
