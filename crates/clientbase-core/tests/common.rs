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
