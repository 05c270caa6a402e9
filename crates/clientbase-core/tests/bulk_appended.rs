//! Which secondary indexes a bulk load into an empty base drops and creates again, and which it
//! keeps and fills by appends (`store/bulk.rs`, `APPENDED_INDEXES`): an index whose keys follow
//! the write order is cheaper to append to than to create again with a scan and a sort.
//! Real SQLite files.
mod common;
use common::*;
use rusqlite::hooks::{AuthAction, Authorization};
use std::sync::{Arc, Mutex};

#[test]
fn a_load_keeps_the_indexes_its_keys_append_to() {
    let (_dir, mut store) = open();
    let dropped = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = Arc::clone(&dropped);
    store
        .connection()
        .authorizer(Some(move |ctx: rusqlite::hooks::AuthContext<'_>| {
            if let AuthAction::DropIndex { index_name, .. } = ctx.action {
                seen.lock().unwrap().push(index_name.to_owned());
            }
            Authorization::Allow
        }));
    // (Contact persons too above the 2,048 rows below which a load keeps a table's indexes.)
    store.load_demo(6000).unwrap();
    store
        .connection()
        .authorizer(None::<fn(rusqlite::hooks::AuthContext<'_>) -> Authorization>);
    let mut dropped = dropped.lock().unwrap().clone();
    dropped.sort();
    assert_eq!(
        dropped,
        [
            "clients_birthday_live",
            "clients_contact_due",
            "contacts_birthday"
        ]
    );
    // The kept ones were filled right: SQLite's own check of every index against its table.
    let ok: String = store
        .connection()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    // And the query `stats` runs through `clients_deleted_demo` counts every loaded client.
    let demo: i64 = store
        .connection()
        .query_row(
            "SELECT count(*) FROM clients INDEXED BY clients_deleted_demo \
             WHERE deleted_at IS NULL AND is_demo = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(demo, 6000);
}
