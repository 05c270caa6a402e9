mod common;
use clientbase_core::error::StoreError;
use clientbase_core::model::*;
use clientbase_core::Store;
use common::*;

#[test]
fn migrates_empty_db_and_seeds() {
    let (dir, store) = open();
    assert_eq!(
        store.schema_version().unwrap(),
        clientbase_core::migrations::SCHEMA_VERSION
    );
    let cats = store.categories().unwrap();
    assert_eq!(
        cats.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(),
        ["A", "B", "C", "D"]
    );
    assert_eq!(cats[0].name, "VIP");
    let journal: String = store
        .connection()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "wal");
    let fk: i64 = store
        .connection()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    assert_eq!(store.settings().default_country, "UA");
    let device = store.device_id().to_owned();
    drop(store);
    // Reopen: nothing re-applied, same device id.
    let store = Store::open(&db_path(&dir)).unwrap();
    assert_eq!(store.device_id(), device);
    assert_eq!(store.categories().unwrap().len(), 4);
}

#[test]
fn migrates_v1_db_and_rebuilds_lookup_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        let tx = conn.transaction().unwrap();
        tx.execute_batch(clientbase_core::migrations::MIGRATIONS[0])
            .unwrap();
        tx.pragma_update(None, "user_version", 1).unwrap();
        tx.execute(
            "INSERT INTO clients (id, kind, last_name, phones, created_at, updated_at) VALUES ('c1', 'person', 'Петренко', \
             '[{\"kind\":\"mobile\",\"raw\":\"067 123 45 67\",\"e164\":\"+380671234567\"}]', 'x', 'x')",
            [],
        )
        .unwrap();
        tx.commit().unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        clientbase_core::migrations::SCHEMA_VERSION
    );
    let d = store
        .check_duplicates(&person("", "", "0671234567"), None)
        .unwrap();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].value, "+380671234567");
    assert_eq!(count(&store, "SELECT count(*) FROM client_keys"), 2);
}

#[test]
fn refuses_newer_schema() {
    let (dir, store) = open();
    store
        .connection()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    drop(store);
    match Store::open(&db_path(&dir)) {
        Err(StoreError::SchemaTooNew {
            found: 99,
            supported,
        }) => assert_eq!(supported, clientbase_core::migrations::SCHEMA_VERSION),
        Err(e) => panic!("wrong error {e}"),
        Ok(_) => panic!("opened a newer db"),
    }
    let api = clientbase_core::ApiError::from(Store::open(&db_path(&dir)).err().unwrap());
    assert_eq!(api.code, "schema_too_new");
    assert!(api.message.contains("newer version"));
}

#[test]
fn crud_round_trip_with_contacts_and_custom_fields() {
    let (dir, mut store) = open();
    let size = store
        .save_custom_field(CustomFieldDef {
            id: String::new(),
            name: "Size".into(),
            kind: CustomFieldKind::Choice,
            options: vec!["S".into(), "M".into()],
            position: 0,
        })
        .unwrap();
    let mut input = ClientInput {
        kind: ClientKind::Organization,
        org_name: "ТОВ «Світанок»".into(),
        phones: vec![Phone {
            kind: PhoneKind::Work,
            raw: "044 123 45 67".into(),
            e164: None,
        }],
        emails: vec![Email {
            label: "office".into(),
            address: "office@svitanok.ua".into(),
        }],
        address: Address {
            city: "Київ".into(),
            country: "UA".into(),
            ..Default::default()
        },
        tags: vec!["опт".into(), " опт ".into()],
        category_id: Some("00000000-0000-7000-8000-00000000000a".into()),
        birthday: None,
        contacts: vec![ContactPerson {
            first_name: "Олена".into(),
            last_name: "Ковальчук".into(),
            position: "director".into(),
            phones: vec![Phone {
                kind: PhoneKind::Mobile,
                raw: "067 123 45 67".into(),
                e164: None,
            }],
            birthday: Some(Birthday {
                day: 29,
                month: 2,
                year: None,
            }),
            ..Default::default()
        }],
        ..Default::default()
    };
    input
        .custom
        .insert(size.id.clone(), CustomValue::Choice("M".into()));
    let c = store.create_client(input.clone()).unwrap();
    assert_eq!(c.id.len(), 36);
    assert_eq!(&c.id[14..15], "7", "UUIDv7");
    assert_eq!(c.data.phones[0].e164.as_deref(), Some("+380441234567"));
    assert_eq!(
        c.data.contacts[0].phones[0].e164.as_deref(),
        Some("+380671234567")
    );
    assert_eq!(c.data.tags, vec!["опт"]);
    let contact_id = c.data.contacts[0].id.clone();
    assert_eq!(contact_id.len(), 36);

    drop(store);
    let mut store = Store::open(&db_path(&dir)).unwrap();
    let got = store.get_client(&c.id).unwrap();
    assert_eq!(got, c);

    // Edit: rename, add a second contact, keep the first.
    let mut edit = got.data.clone();
    edit.org_name = "ТОВ «Світанок Плюс»".into();
    edit.contacts.push(ContactPerson {
        first_name: "Ігор".into(),
        ..Default::default()
    });
    let u = store.update_client(&c.id, edit).unwrap();
    assert_eq!(u.data.contacts[0].id, contact_id);
    assert_eq!(u.data.contacts.len(), 2);
    assert_eq!(store.get_client(&c.id).unwrap(), u);
    // Remove the first contact.
    let mut edit = u.data.clone();
    edit.contacts.remove(0);
    let u2 = store.update_client(&c.id, edit).unwrap();
    assert_eq!(u2.data.contacts.len(), 1);
    assert_eq!(count(&store, "SELECT count(*) FROM contacts"), 1);

    // Deleting the custom field removes the value.
    store.delete_custom_field(&size.id).unwrap();
    assert!(store.get_client(&c.id).unwrap().data.custom.is_empty());
    // Deleting the category clears it on the client.
    store
        .delete_category("00000000-0000-7000-8000-00000000000a")
        .unwrap();
    assert_eq!(store.get_client(&c.id).unwrap().data.category_id, None);
    assert_eq!(store.categories().unwrap().len(), 3);
    assert!(matches!(
        store.get_client("nope"),
        Err(StoreError::NotFound(_))
    ));
}

#[test]
fn soft_delete_and_undo() {
    let (_d, mut store) = open();
    let c = store
        .create_client(person("Σοφία", "Παπαδοπούλου", "+30 691 234 5678"))
        .unwrap();
    let q = ListQuery {
        text: "σοφια".into(),
        ..Default::default()
    };
    assert_eq!(store.list_clients(&q).unwrap().total, 1);
    let d = store.delete_client(&c.id).unwrap();
    assert!(d.deleted_at.is_some());
    assert_eq!(store.list_clients(&q).unwrap().total, 0);
    assert_eq!(store.stats().unwrap().deleted_clients, 1);
    assert!(
        store
            .check_duplicates(&person("", "", "6912345678"), None)
            .unwrap()
            .is_empty(),
        "deleted clients are not duplicates"
    );
    store.restore_client(&c.id).unwrap();
    assert_eq!(store.list_clients(&q).unwrap().total, 1);
    assert_eq!(store.get_client(&c.id).unwrap().deleted_at, None);
    let ops: Vec<String> = store
        .change_log_for(&c.id)
        .unwrap()
        .into_iter()
        .map(|x| x.1)
        .collect();
    assert_eq!(ops, ["insert", "delete", "restore"]);
}

#[test]
fn validation_errors_come_back_as_codes() {
    let (_d, mut store) = open();
    let mut input = person("", "", "067 12");
    input.emails.push(Email {
        label: String::new(),
        address: "not-an-email".into(),
    });
    input.birthday = Some(Birthday {
        day: 29,
        month: 2,
        year: Some(2023),
    });
    input.website = "no spaces allowed.com x".into();
    input.category_id = Some("missing".into());
    let Err(StoreError::Validation(errs)) = store.create_client(input) else {
        panic!("expected validation")
    };
    let got: Vec<(&str, &str)> = errs
        .iter()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("first_name", "name_required"),
            ("phones.0.raw", "phone_invalid"),
            ("emails.0.address", "email_invalid"),
            ("birthday", "birthday_invalid"),
            ("website", "url_invalid"),
            ("category_id", "category_invalid"),
        ]
    );
    assert_eq!(errs[1].params["country"], "UA");
    assert_eq!(count(&store, "SELECT count(*) FROM clients"), 0);
    assert_eq!(count(&store, "SELECT count(*) FROM change_log"), 0);
    // A fixed line typed as mobile.
    let Err(StoreError::Validation(errs)) = store.create_client(person("A", "B", "044 123 45 67"))
    else {
        panic!()
    };
    assert_eq!(errs[0].code, "phone_not_mobile");
}

#[test]
fn duplicates_by_phone_email_and_name() {
    let (_d, mut store) = open();
    let mut a = person("Іван", "Петренко", "067 123 45 67");
    a.emails.push(Email {
        label: String::new(),
        address: "Ivan.P@Ukr.net".into(),
    });
    a.org_name = "Світанок".into();
    let a = store.create_client(a).unwrap();
    let b = store
        .create_client(person("Алёна", "Семёнова", "+7 912 345 67 89"))
        .unwrap();

    let d = store
        .check_duplicates(&person("X", "Y", "+380671234567"), None)
        .unwrap();
    assert_eq!(d.len(), 1);
    assert_eq!(
        (d[0].client.id.as_str(), d[0].reason, d[0].value.as_str()),
        (a.id.as_str(), DuplicateReason::Phone, "+380671234567")
    );
    assert_eq!(d[0].client.display_name, "Петренко Іван");

    let mut e = person("Z", "Q", "");
    e.emails.push(Email {
        label: String::new(),
        address: "ivan.p@ukr.NET".into(),
    });
    let d = store.check_duplicates(&e, None).unwrap();
    assert_eq!((d.len(), d[0].reason), (1, DuplicateReason::Email));

    // ё = е, case folded; a person's company must match too.
    let d = store
        .check_duplicates(&person("алена", "СЕМЕНОВА", ""), None)
        .unwrap();
    assert_eq!(
        (d.len(), d[0].reason, d[0].client.id.as_str()),
        (1, DuplicateReason::Name, b.id.as_str())
    );
    assert!(
        store
            .check_duplicates(&person("Іван", "Петренко", ""), None)
            .unwrap()
            .is_empty(),
        "different company"
    );
    let mut same = person("іван", "петренко", "");
    same.org_name = "СВІТАНОК".into();
    assert_eq!(store.check_duplicates(&same, None).unwrap().len(), 1);
    // Excluding itself (editing).
    assert!(store
        .check_duplicates(&person("X", "Y", "0671234567"), Some(&a.id))
        .unwrap()
        .is_empty());
    // The lookup uses indexes, not scans.
    let plan: String = store
        .connection()
        .query_row(
            "EXPLAIN QUERY PLAN SELECT client_id FROM client_keys WHERE key = 'p:x'",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(
        plan.contains("USING PRIMARY KEY") || plan.contains("USING INDEX"),
        "{plan}"
    );
}

#[test]
fn change_log_rows_per_write_with_changed_fields_only() {
    let (_d, mut store) = open();
    let c = store
        .create_client(person("Anna", "Weber", "+49 151 23456789"))
        .unwrap();
    let log = store.change_log_for(&c.id).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].1, "insert");
    assert_eq!(log[0].2["last_name"], "Weber");
    let mut edit = c.data.clone();
    edit.notes = "call in the morning".into();
    store.update_client(&c.id, edit.clone()).unwrap();
    // Saving the same thing again writes nothing.
    store.update_client(&c.id, edit).unwrap();
    let log = store.change_log_for(&c.id).unwrap();
    assert_eq!(log.len(), 2);
    let fields = log[1].2.as_object().unwrap();
    let mut keys: Vec<&str> = fields.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["notes", "updated_at"]);
    assert!(log[1].0 > log[0].0, "hlc increases");
    let device: String = store
        .connection()
        .query_row("SELECT device_id FROM change_log LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(device, store.device_id());
    let last: String = store
        .connection()
        .query_row("SELECT value FROM meta WHERE key = 'last_hlc'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(last, log[1].0);
    // A field cleared back to its default is logged with the default value; inserts omit defaults.
    assert!(log[0].2.get("notes").is_none());
    let mut edit = store.get_client(&c.id).unwrap().data;
    edit.notes.clear();
    store.update_client(&c.id, edit).unwrap();
    let log = store.change_log_for(&c.id).unwrap();
    assert_eq!(log[2].2["notes"], "");
    // Settings and categories are logged too.
    let mut s = store.settings().clone();
    s.language = "el".into();
    store.set_settings(s).unwrap();
    assert_eq!(store.change_log_for("language").unwrap().len(), 1);
}

#[test]
fn failed_write_leaves_neither_row_nor_log() {
    let (_d, mut store) = open();
    store
        .connection()
        .execute_batch("CREATE TEMP TRIGGER boom BEFORE INSERT ON contacts BEGIN SELECT RAISE(ABORT, 'boom'); END;")
        .unwrap();
    let mut input = ClientInput {
        kind: ClientKind::Organization,
        org_name: "Acme Ltd".into(),
        ..Default::default()
    };
    input.contacts.push(ContactPerson {
        first_name: "John".into(),
        ..Default::default()
    });
    let err = store.create_client(input).unwrap_err();
    assert!(matches!(err, StoreError::Sqlite(_)), "{err}");
    assert_eq!(count(&store, "SELECT count(*) FROM clients"), 0);
    assert_eq!(count(&store, "SELECT count(*) FROM change_log"), 0);
    assert_eq!(count(&store, "SELECT count(*) FROM client_keys"), 0);
    assert_eq!(
        store
            .list_clients(&ListQuery {
                text: "acme".into(),
                ..Default::default()
            })
            .unwrap()
            .total,
        0
    );
}

#[test]
fn demo_load_and_clear() {
    let (dir, mut store) = open();
    store.create_client(person("Real", "Client", "")).unwrap();
    let s = store.load_demo(500).unwrap();
    assert_eq!((s.clients, s.demo_clients), (501, 500));
    assert!(s.change_log_rows as usize >= 501 + s.contacts as usize);
    assert_eq!(count(&store, "SELECT count(*) FROM clients WHERE birthday_md IS NOT NULL AND birthday_md <> birthday_month * 100 + birthday_day"), 0);
    assert_eq!(
        store.list_clients(&ListQuery::default()).unwrap().total,
        501
    );
    drop(store);
    let mut store = Store::open(&db_path(&dir)).unwrap();
    assert_eq!(store.index_len().unwrap(), 501);
    let before = store.stats().unwrap().change_log_rows;
    let s = store.clear_demo().unwrap();
    assert_eq!((s.clients, s.demo_clients, s.contacts), (1, 0, 0));
    assert!(s.change_log_rows >= before + 500);
    assert_eq!(store.list_clients(&ListQuery::default()).unwrap().total, 1);
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM client_keys WHERE client_id NOT IN (SELECT id FROM clients)"
        ),
        0
    );
    assert_eq!(
        count(&store, "SELECT count(*) FROM client_keys"),
        1,
        "the real client's name key stays"
    );
}
