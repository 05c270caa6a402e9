//! Importing converted rows into the store (`Store::import_clients`, the background writer): all or
//! nothing (cancel while checking and while writing, a database error raised by a trigger), invalid
//! rows skipped with their codes, duplicates against the base and within the file with every
//! decision, the change log, `name_order`, lookup keys and the search index after the commit.
//! Real SQLite files.
mod common;
use clientbase_core::model::*;
use clientbase_core::store::import::{ImportPolicy, ImportProgress, ImportRow};
use clientbase_core::{Store, StoreError};
use common::*;

fn row(line: u32, input: ClientInput) -> ImportRow {
    ImportRow {
        line,
        input,
        ..Default::default()
    }
}

fn email(addr: &str) -> Email {
    Email {
        label: String::new(),
        address: addr.into(),
    }
}

fn go(_: ImportProgress) -> bool {
    true
}

fn policy(default: DuplicateAction, decisions: &[(u32, DuplicateAction)]) -> ImportPolicy {
    ImportPolicy {
        default,
        decisions: decisions
            .iter()
            .map(|&(line, action)| RowDecision {
                line,
                action,
                target: None,
            })
            .collect(),
    }
}

/// `n` distinct valid people (Ukrainian mobiles numbered from `from`), lines from 2.
fn people_from(n: usize, tag: &str, from: usize) -> Vec<ImportRow> {
    (0..n)
        .map(|i| {
            let mut p = person(
                &format!("Name{i}"),
                &format!("{tag}{i}"),
                &format!("+38067{:07}", 1_000_000 + from + i),
            );
            p.tags = vec![tag.into()];
            p.emails = vec![email(&format!("{tag}{i}@example.com"))];
            row(i as u32 + 2, p)
        })
        .collect()
}

fn people(n: usize, tag: &str) -> Vec<ImportRow> {
    people_from(n, tag, 0)
}

/// Everything an import may touch, to compare before and after a failed one.
fn snapshot(store: &mut Store) -> Vec<i64> {
    let mut v: Vec<i64> = [
        "SELECT count(*) FROM clients",
        "SELECT count(*) FROM contacts",
        "SELECT count(*) FROM change_log",
        "SELECT count(*) FROM client_keys",
        "SELECT count(*) FROM name_order",
        "SELECT count(*) FROM custom_fields",
        "SELECT coalesce(sum(length(notes) + length(phones) + length(tags)), 0) FROM clients",
    ]
    .iter()
    .map(|q| count(store, q))
    .collect();
    v.push(store.stats().unwrap().clients as i64);
    v.push(
        store
            .list_clients(&ListQuery {
                text: "Name".into(),
                ..Default::default()
            })
            .unwrap()
            .total as i64,
    );
    v
}

fn find(store: &mut Store, text: &str) -> Vec<String> {
    store
        .list_clients(&ListQuery {
            text: text.into(),
            limit: 100,
            ..Default::default()
        })
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.display_name)
        .collect()
}

#[test]
fn rows_land_with_change_log_keys_order_and_index() {
    let (_dir, mut store) = open();
    let mut rows = people(3, "Коваль");
    let mut org = ClientInput {
        kind: ClientKind::Organization,
        org_name: "ТОВ Ромашка".into(),
        ..Default::default()
    };
    org.contacts.push(ContactPerson {
        first_name: "Олег".into(),
        position: "директор".into(),
        phones: vec![Phone {
            kind: PhoneKind::Mobile,
            raw: "050 123 45 67".into(),
            e164: None,
        }],
        ..Default::default()
    });
    rows.push(row(9, org));
    let s = store
        .import_clients(rows, &ImportPolicy::default(), &mut go)
        .unwrap();
    assert_eq!((s.rows, s.added, s.merged, s.skipped), (4, 4, 0, 0));
    assert!(s.results.is_empty());
    assert_eq!(store.stats().unwrap().clients, 4);
    assert_eq!(store.stats().unwrap().contacts, 1);
    assert_eq!(count(&store, "SELECT count(*) FROM name_order"), 4);
    // Phone fragments, notes-free text, contact persons' phones.
    assert_eq!(find(&mut store, "Коваль1"), vec!["Коваль1 Name1"]);
    assert_eq!(find(&mut store, "0501234567"), vec!["ТОВ Ромашка"]);
    assert_eq!(find(&mut store, "671000002"), vec!["Коваль2 Name2"]);
    // One insert per written row, fields = null (the bulk path), E.164s filled.
    let page = store.list_clients(&ListQuery::default()).unwrap();
    for r in &page.rows {
        let log = store.change_log_for(&r.id).unwrap();
        assert_eq!(log.len(), 1, "{}", r.display_name);
        assert_eq!(log[0].1, "insert");
        assert!(log[0].2.is_null());
        let c = store.get_client(&r.id).unwrap();
        assert!(c.data.phones.iter().all(|p| p.e164.is_some()));
    }
    let org = page
        .rows
        .iter()
        .find(|r| r.display_name == "ТОВ Ромашка")
        .unwrap();
    let c = store.get_client(&org.id).unwrap();
    assert_eq!(
        c.data.contacts[0].phones[0].e164.as_deref(),
        Some("+380501234567")
    );
    assert_eq!(
        store.change_log_for(&c.data.contacts[0].id).unwrap().len(),
        1
    );
    // The import's keys are the create path's: check_duplicates finds imported clients.
    let d = store
        .check_duplicates(&person("X", "Y", "+380671000001"), None)
        .unwrap();
    assert_eq!(d[0].client.display_name, "Коваль1 Name1");
    // Reopened: name_order valid, same page.
    let path = store.path().to_owned();
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.list_from_name_order(0, 10).unwrap().total, 4);
}

#[test]
fn invalid_rows_are_skipped_with_their_codes_never_half_written() {
    let (_dir, mut store) = open();
    let mut rows = people(2, "Good");
    let mut bad_email = person("Bad", "Email", "");
    bad_email.emails = vec![email("not-an-email")];
    rows.push(row(10, bad_email));
    rows.push(row(11, ClientInput::default()));
    let mut bad_phone = person("Bad", "Phone", "067 12");
    bad_phone.category_id = Some("no-such-category".into());
    rows.push(row(12, bad_phone));
    let s = store
        .import_clients(rows, &ImportPolicy::default(), &mut go)
        .unwrap();
    assert_eq!((s.added, s.skipped, s.invalid), (2, 3, 3));
    let codes: Vec<(u32, Vec<(String, String)>)> = s
        .results
        .iter()
        .map(|r| {
            assert_eq!(r.outcome, RowOutcome::Skipped);
            assert_eq!(r.code, "invalid");
            (
                r.line,
                r.fields
                    .iter()
                    .map(|f| (f.field.clone(), f.code.clone()))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        vec![
            (
                10,
                vec![("emails.0.address".into(), "email_invalid".into())]
            ),
            (11, vec![("first_name".into(), "name_required".into())]),
            (
                12,
                vec![
                    ("phones.0.raw".into(), "phone_invalid".into()),
                    ("category_id".into(), "category_invalid".into())
                ]
            ),
        ]
    );
    assert_eq!(count(&store, "SELECT count(*) FROM clients"), 2);
    assert!(find(&mut store, "Bad").is_empty());
}

/// The import's transaction runs with foreign keys off (as a demo load's): what it writes still
/// satisfies every key (categories checked by the import itself, contact persons with their
/// clients, merges), and the keys are on again afterwards, whether the import committed, failed
/// or was cancelled.
#[test]
fn foreign_keys_hold_and_are_on_again_after_an_import() {
    let (_dir, mut store) = open();
    let fk_on = |store: &Store| count(store, "PRAGMA foreign_keys") == 1;
    let category = store.categories().unwrap()[0].id.clone();
    let target = store.create_client(person("Name", "Target", "")).unwrap();
    let mut rows = people(3000, "Keys");
    for (i, r) in rows.iter_mut().enumerate() {
        r.input.category_id = Some(category.clone());
        r.input.contacts = vec![ContactPerson {
            first_name: format!("Contact{i}"),
            ..Default::default()
        }];
    }
    let mut bad = person("Bad", "Category", "");
    bad.category_id = Some("no-such-category".into());
    rows.push(row(9000, bad));
    let mut m = person("Name", "Target", "");
    m.contacts = vec![ContactPerson {
        first_name: "Merged".into(),
        ..Default::default()
    }];
    rows.push(row(9001, m));
    let s = store
        .import_clients(rows, &policy(DuplicateAction::Merge, &[]), &mut go)
        .unwrap();
    assert_eq!((s.added, s.merged, s.invalid), (3000, 1, 1));
    assert!(fk_on(&store));
    assert_eq!(
        count(&store, "SELECT count(*) FROM pragma_foreign_key_check"),
        0
    );
    assert_eq!(
        count(
            &store,
            &format!(
                "SELECT count(*) FROM contacts WHERE client_id = '{}'",
                target.id
            )
        ),
        1
    );
    // The keys are enforced again: a contact person of no client is refused.
    assert!(store
        .connection()
        .execute(
            "INSERT INTO contacts (id, client_id) VALUES ('orphan', 'no-such-client')",
            [],
        )
        .is_err());
    // After a cancelled import and a failed one, too.
    let r = store.import_clients(
        people_from(3000, "Cancel", 50_000),
        &ImportPolicy::default(),
        &mut |p| p.phase != ImportPhase::Writing,
    );
    assert!(matches!(r, Err(StoreError::Cancelled)), "cancelled");
    assert!(fk_on(&store));
    store
        .connection()
        .execute_batch(
            "CREATE TRIGGER boom BEFORE INSERT ON clients WHEN NEW.last_name = 'Fail7' \
             BEGIN SELECT RAISE(ABORT, 'boom'); END;",
        )
        .unwrap();
    let r = store.import_clients(
        people_from(3000, "Fail", 60_000),
        &ImportPolicy::default(),
        &mut go,
    );
    assert!(
        matches!(r, Err(StoreError::Sqlite(_))),
        "the trigger's error"
    );
    assert!(fk_on(&store));
    assert_eq!(count(&store, "SELECT count(*) FROM clients"), 3001);
}

#[test]
fn duplicates_against_the_base_with_each_decision() {
    let (_dir, mut store) = open();
    let a = store
        .create_client(person("Іван", "Петренко", "067 111 11 11"))
        .unwrap();
    let mut b_in = person("Олена", "Бондар", "067 222 22 22");
    b_in.emails = vec![email("olena@example.com")];
    b_in.notes = "стара нотатка".into();
    b_in.tags = vec!["опт".into()];
    let b = store.create_client(b_in).unwrap();
    let c = store
        .create_client(person("Петро", "Сидоренко", "067 333 33 33"))
        .unwrap();
    let before_b = store.change_log_for(&b.id).unwrap().len();

    // Row 2: A's phone, default (skip). Row 3: B's e-mail, merge. Row 4: C's name, new.
    let r2 = person("Someone", "Else", "+380671111111");
    let mut r3 = person("Олена", "", "050 999 99 99");
    r3.emails = vec![email("OLENA@example.com")];
    r3.notes = "нова нотатка".into();
    r3.tags = vec!["роздріб".into(), "ОПТ".into()];
    r3.address.city = "Львів".into();
    r3.birthday = Some(Birthday {
        day: 3,
        month: 4,
        year: None,
    });
    let r4 = person("Петро", "Сидоренко", "067 444 44 44");
    let rows = vec![row(2, r2), row(3, r3), row(4, r4)];
    let pol = policy(
        DuplicateAction::Skip,
        &[(3, DuplicateAction::Merge), (4, DuplicateAction::New)],
    );
    let s = store.import_clients(rows, &pol, &mut go).unwrap();
    assert_eq!(
        (s.added, s.merged, s.skipped, s.merged_clients),
        (1, 1, 1, 1)
    );
    let r = &s.results;
    assert_eq!(r.len(), 2);
    assert_eq!((r[0].line, r[0].outcome), (2, RowOutcome::Skipped));
    assert_eq!(r[0].code, "duplicate");
    let m = r[0].matched.as_ref().unwrap();
    assert_eq!(m.reason, DuplicateReason::Phone);
    assert_eq!(m.value, "+380671111111");
    assert_eq!(m.client_id.as_deref(), Some(a.id.as_str()));
    assert_eq!(m.name, "Петренко Іван");
    assert_eq!((r[1].line, r[1].outcome), (3, RowOutcome::Merged));
    assert_eq!(r[1].client_id.as_deref(), Some(b.id.as_str()));
    assert_eq!(
        r[1].matched.as_ref().unwrap().reason,
        DuplicateReason::Email
    );

    // The merge kept B's values and added what was new.
    let b2 = store.get_client(&b.id).unwrap();
    assert_eq!(b2.data.first_name, "Олена");
    assert_eq!(b2.data.last_name, "Бондар");
    let phones: Vec<&str> = b2.data.phones.iter().map(|p| p.raw.as_str()).collect();
    assert_eq!(phones, ["067 222 22 22", "050 999 99 99"]);
    assert_eq!(b2.data.emails.len(), 1);
    assert_eq!(b2.data.tags, ["опт", "роздріб"]);
    assert_eq!(b2.data.notes, "стара нотатка\n\nнова нотатка");
    assert_eq!(b2.data.address.city, "Львів");
    assert_eq!(b2.data.birthday.unwrap().month, 4);
    // Logged as an update of exactly the changed columns.
    let log = store.change_log_for(&b.id).unwrap();
    assert_eq!(log.len(), before_b + 1);
    let (_, op, fields) = log.last().unwrap();
    assert_eq!(op, "update");
    let mut keys: Vec<&str> = fields
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "address",
            "birthday_day",
            "birthday_month",
            "notes",
            "phones",
            "tags",
            "updated_at"
        ]
    );
    // Searchable by the merged phone; the new one added; A untouched.
    assert_eq!(find(&mut store, "0509999999"), vec!["Бондар Олена"]);
    assert_eq!(find(&mut store, "Сидоренко").len(), 2);
    assert_eq!(store.change_log_for(&a.id).unwrap().len(), 1);
    assert_eq!(store.stats().unwrap().clients, 4);
    let _ = c;
}

#[test]
fn duplicates_within_the_file() {
    let (_dir, mut store) = open();
    let mut r1 = person("Марія", "Ткач", "067 555 55 55");
    r1.notes = "перша".into();
    let mut r2 = person("Марія", "Ткач", "067 555 55 55");
    r2.emails = vec![email("maria@example.com")];
    r2.notes = "друга".into();
    let mut r3 = person("M.", "Tkach", "");
    r3.emails = vec![email("maria@example.com")];
    let r4 = person("Марія", "Ткач", "+380675555555");
    let r5 = person("Марія", "Ткач", "");
    let rows = vec![row(2, r1), row(3, r2), row(4, r3), row(5, r4), row(6, r5)];
    // Row 3 merges into row 2's client; row 4 (its e-mail, from row 3) is skipped; row 5 is
    // imported as new although it has row 2's phone; row 6 merges (by name) into row 2's client.
    let pol = policy(
        DuplicateAction::Skip,
        &[
            (3, DuplicateAction::Merge),
            (5, DuplicateAction::New),
            (6, DuplicateAction::Merge),
        ],
    );
    let s = store.import_clients(rows, &pol, &mut go).unwrap();
    assert_eq!(
        (s.added, s.merged, s.skipped, s.merged_clients),
        (2, 2, 1, 0)
    );
    let r: Vec<(u32, RowOutcome, Option<u32>, DuplicateReason)> = s
        .results
        .iter()
        .map(|r| {
            let m = r.matched.as_ref().unwrap();
            (r.line, r.outcome, m.line, m.reason)
        })
        .collect();
    assert_eq!(
        r,
        vec![
            (3, RowOutcome::Merged, Some(2), DuplicateReason::Phone),
            (4, RowOutcome::Skipped, Some(2), DuplicateReason::Email),
            (6, RowOutcome::Merged, Some(2), DuplicateReason::Name),
        ]
    );
    let first = s.results[0].client_id.clone().unwrap();
    assert_eq!(
        s.results[1].matched.as_ref().unwrap().client_id,
        Some(first.clone())
    );
    let c = store.get_client(&first).unwrap();
    assert_eq!(c.data.notes, "перша\n\nдруга");
    assert_eq!(c.data.emails[0].address, "maria@example.com");
    assert_eq!(c.data.phones.len(), 1);
    // A merged new row is one insert (its final values), not an insert and updates.
    let log = store.change_log_for(&first).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(find(&mut store, "Ткач").len(), 2);
    assert_eq!(find(&mut store, "maria@").len(), 1);
}

#[test]
fn merge_target_among_several_matches() {
    let (_dir, mut store) = open();
    let a = store
        .create_client(person("Anna", "One", "067 100 00 01"))
        .unwrap();
    let mut b_in = person("Anna", "Two", "067 100 00 02");
    b_in.emails = vec![email("anna@example.com")];
    let b = store.create_client(b_in).unwrap();
    let mut r = person("Anna", "Three", "067 100 00 01");
    r.emails = vec![email("anna@example.com")];
    r.tags = vec!["picked".into()];
    // Default target: the phone match (A); the decision picks B.
    let pol = ImportPolicy {
        default: DuplicateAction::Merge,
        decisions: vec![RowDecision {
            line: 7,
            action: DuplicateAction::Merge,
            target: Some(b.id.clone()),
        }],
    };
    let s = store
        .import_clients(vec![row(7, r)], &pol, &mut go)
        .unwrap();
    assert_eq!(s.results[0].client_id.as_deref(), Some(b.id.as_str()));
    assert_eq!(store.get_client(&b.id).unwrap().data.tags, ["picked"]);
    assert!(store.get_client(&a.id).unwrap().data.tags.is_empty());
}

#[test]
fn cancel_while_writing_or_checking_leaves_the_base_as_it_was() {
    let (_dir, mut store) = open();
    store.create_client(person("Name", "Existing", "")).unwrap();
    let before = snapshot(&mut store);
    for (phase, at) in [(ImportPhase::Writing, 3000), (ImportPhase::Checking, 2048)] {
        let mut rows = people(6000, "Cancel");
        rows[5].new_custom.insert("Extra".into(), "x".into());
        let mut seen = Vec::new();
        let r = store.import_clients(rows, &ImportPolicy::default(), &mut |p| {
            seen.push((p.phase, p.done));
            !(p.phase == phase && p.done >= at)
        });
        assert!(matches!(r, Err(StoreError::Cancelled)), "{phase:?}");
        assert!(seen.iter().any(|(ph, _)| *ph == phase));
        assert_eq!(snapshot(&mut store), before, "{phase:?}");
        assert!(find(&mut store, "Cancel").is_empty());
    }
    // The store is still fine: the same import without cancel lands whole.
    let s = store
        .import_clients(people(6000, "Cancel"), &ImportPolicy::default(), &mut go)
        .unwrap();
    assert_eq!(s.added, 6000);
    assert_eq!(store.stats().unwrap().clients, 6001);
    assert_eq!(find(&mut store, "Cancel5999"), vec!["Cancel5999 Name5999"]);
}

#[test]
fn a_database_error_midway_rolls_everything_back() {
    let (_dir, mut store) = open();
    let mut b_in = person("Name", "Target", "067 700 00 00");
    b_in.emails = vec![email("target@example.com")];
    let target = store.create_client(b_in).unwrap();
    // A trigger that fails on one row of the bulk insert (row 1500 of 3000).
    store
        .connection()
        .execute_batch(
            "CREATE TRIGGER boom BEFORE INSERT ON clients WHEN NEW.last_name = 'Boom1498' \
             BEGIN SELECT RAISE(ABORT, 'boom'); END;",
        )
        .unwrap();
    let before = snapshot(&mut store);
    let mut rows = people(3000, "Boom");
    // A merge into the existing client and a new custom field in the same import.
    let mut m = person("", "", "");
    m.first_name = "Name".into();
    m.last_name = "Target".into();
    m.notes = "merged".into();
    rows.push(row(9000, m));
    rows[0].new_custom.insert("Colour".into(), "red".into());
    let r = store.import_clients(rows, &policy(DuplicateAction::Merge, &[]), &mut go);
    match r {
        Err(StoreError::Sqlite(e)) => assert!(e.to_string().contains("boom"), "{e}"),
        other => panic!("expected the trigger's error, got {other:?}"),
    }
    assert_eq!(snapshot(&mut store), before);
    assert_eq!(store.get_client(&target.id).unwrap(), target);
    assert!(store.custom_fields().unwrap().is_empty());
    // A failing update (the merge) rolls back the inserts written before it.
    store
        .connection()
        .execute_batch(
            "DROP TRIGGER boom; CREATE TRIGGER boom2 BEFORE UPDATE ON clients \
             BEGIN SELECT RAISE(ABORT, 'boom2'); END;",
        )
        .unwrap();
    let mut rows = people(50, "Boom");
    let mut m = person("Name", "Target", "");
    m.notes = "merged".into();
    rows.push(row(9000, m));
    let r = store.import_clients(rows, &policy(DuplicateAction::Merge, &[]), &mut go);
    assert!(matches!(r, Err(StoreError::Sqlite(_))), "{r:?}");
    assert_eq!(snapshot(&mut store), before);
    store
        .connection()
        .execute_batch("DROP TRIGGER boom2;")
        .unwrap();
    let mut rows = people(50, "Boom");
    let mut m = person("Name", "Target", "");
    m.notes = "merged".into();
    rows.push(row(9000, m));
    let s = store
        .import_clients(rows, &policy(DuplicateAction::Merge, &[]), &mut go)
        .unwrap();
    assert_eq!((s.added, s.merged), (50, 1));
    assert_eq!(store.get_client(&target.id).unwrap().data.notes, "merged");
}

#[test]
fn new_custom_fields_are_created_in_the_same_transaction() {
    let (_dir, mut store) = open();
    let size = store
        .save_custom_field(CustomFieldDef {
            id: String::new(),
            name: "Size".into(),
            kind: CustomFieldKind::Text,
            options: vec![],
            position: 0,
        })
        .unwrap();
    let mut rows = people(3, "Custom");
    rows[0].new_custom.insert("Colour".into(), "red".into());
    rows[1].new_custom.insert("colour ".into(), "blue".into());
    rows[1].new_custom.insert("size".into(), "XL".into());
    let s = store
        .import_clients(rows, &ImportPolicy::default(), &mut go)
        .unwrap();
    assert_eq!(s.new_fields.len(), 1);
    let colour = &s.new_fields[0];
    assert_eq!(
        (colour.name.as_str(), colour.kind),
        ("Colour", CustomFieldKind::Text)
    );
    assert_eq!(store.custom_fields().unwrap().len(), 2);
    let log = store.change_log_for(&colour.id).unwrap();
    assert_eq!(log[0].1, "insert");
    let id = |store: &mut Store, t: &str| {
        store
            .list_clients(&ListQuery {
                text: t.into(),
                ..Default::default()
            })
            .unwrap()
            .rows[0]
            .id
            .clone()
    };
    let c1 = id(&mut store, "Custom1");
    let c = store.get_client(&c1).unwrap();
    assert_eq!(c.data.custom[&colour.id], CustomValue::Text("blue".into()));
    assert_eq!(c.data.custom[&size.id], CustomValue::Text("XL".into()));
}

#[test]
fn large_imports_rebuild_the_index_small_ones_upsert() {
    // Into an empty base (index built alongside), then a large one into a non-empty base
    // (rebuilt after the commit), then a small one (upserts).
    let (_dir, mut store) = open();
    let s = store
        .import_clients(people(7000, "First"), &ImportPolicy::default(), &mut go)
        .unwrap();
    assert_eq!(s.added, 7000);
    assert_eq!(find(&mut store, "First6999"), vec!["First6999 Name6999"]);
    let s = store
        .import_clients(
            people_from(6000, "Second", 100_000),
            &ImportPolicy::default(),
            &mut go,
        )
        .unwrap();
    assert_eq!(s.added, 6000);
    assert_eq!(store.stats().unwrap().clients, 13_000);
    assert_eq!(find(&mut store, "Second5999"), vec!["Second5999 Name5999"]);
    // The same file again: every row matches (phone) and is skipped, by the merge-join path.
    let s = store
        .import_clients(
            people_from(6000, "Second", 100_000),
            &ImportPolicy::default(),
            &mut go,
        )
        .unwrap();
    assert_eq!((s.added, s.skipped), (0, 6000));
    assert_eq!(
        s.results[17].matched.as_ref().unwrap().name,
        "Second17 Name17"
    );
    let s = store
        .import_clients(
            people_from(10, "Third", 200_000),
            &ImportPolicy::default(),
            &mut go,
        )
        .unwrap();
    assert_eq!(s.added, 10);
    assert_eq!(store.stats().unwrap().clients, 13_010);
    assert_eq!(
        store.list_clients(&ListQuery::default()).unwrap().total,
        13_010
    );
    assert_eq!(count(&store, "SELECT count(*) FROM name_order"), 13_010);
}

#[test]
fn a_background_writer_imports_on_its_own_thread_and_connection() {
    let (_dir, mut store) = open();
    let existing = store
        .create_client(person("Name", "Before", "067 900 00 00"))
        .unwrap();
    let mut writer = store.background_writer().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let job = std::thread::spawn(move || {
        let mut started = false;
        writer.import_clients(
            people_from(8000, "Bg", 50_000),
            &ImportPolicy::default(),
            &mut |p| {
                if p.phase == ImportPhase::Writing && !started {
                    started = true;
                    let _ = tx.send(());
                }
                true
            },
        )
    });
    // While it writes, this connection reads.
    rx.recv().unwrap();
    assert_eq!(find(&mut store, "Before"), vec!["Before Name"]);
    let s = job.join().unwrap().unwrap();
    assert_eq!(s.added, 8000);
    // The store picks the new index up at its next request (`stats` reads the index's count
    // without one: the `stats` command applies it first).
    assert_eq!(find(&mut store, "Bg7999"), vec!["Bg7999 Name7999"]);
    assert_eq!(store.stats().unwrap().clients, 8001);
    // One clock: every change-log timestamp is distinct and later writes are later.
    store
        .update_client(&existing.id, person("Name", "After", ""))
        .unwrap();
    let distinct = count(&store, "SELECT count(DISTINCT hlc) FROM change_log");
    assert_eq!(distinct, count(&store, "SELECT count(*) FROM change_log"));
    let last: String = store
        .connection()
        .query_row(
            "SELECT hlc FROM change_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let max: String = store
        .connection()
        .query_row("SELECT max(hlc) FROM change_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(last, max);
    assert_eq!(find(&mut store, "After"), vec!["After Name"]);
}

#[test]
fn preview_checks_report_codes_and_matches_without_writing() {
    let (_dir, mut store) = open();
    let a = store
        .create_client(person("Іван", "Петренко", "067 111 11 11"))
        .unwrap();
    let before = snapshot(&mut store);
    let rows = vec![
        row(2, person("X", "Y", "+380671111111")),
        row(3, person("", "", "")),
        row(4, person("Z", "W", "067 222 22 22")),
        row(5, person("Q", "R", "0672222222")),
    ];
    let checks = store.check_import_rows(&rows).unwrap();
    assert_eq!(
        checks[0].matches[0].client_id.as_deref(),
        Some(a.id.as_str())
    );
    assert_eq!(checks[0].matches[0].name, "Петренко Іван");
    assert_eq!(checks[1].fields[0].code, "name_required");
    assert!(checks[2].matches.is_empty());
    assert_eq!(checks[3].matches[0].line, Some(4));
    assert_eq!(checks[3].matches[0].client_id, None);
    assert_eq!(snapshot(&mut store), before);
}

#[test]
fn a_background_import_follows_a_language_changed_after_it_started() {
    let (_dir, mut store) = open();
    store.create_client(person("Name", "Zed", "")).unwrap();
    let mut writer = store.background_writer().unwrap();
    // Russian collation puts Cyrillic before Latin (English: after).
    let mut s = store.settings().clone();
    s.language = "ru".into();
    store.set_settings(s).unwrap();
    let mut rows = people_from(3000, "Alpha", 10_000);
    rows.extend(people_from(3000, "Бета", 20_000));
    let job =
        std::thread::spawn(move || writer.import_clients(rows, &ImportPolicy::default(), &mut go));
    assert_eq!(job.join().unwrap().unwrap().added, 6000);
    let page = store
        .list_clients(&ListQuery {
            limit: 5,
            ..Default::default()
        })
        .unwrap();
    assert!(
        page.rows[0].display_name.starts_with("Бета"),
        "{:?}",
        page.rows[0]
    );
    assert_eq!(store.list_from_name_order(0, 5).unwrap(), page);
    let path = store.path().to_owned();
    drop(store);
    let mut store = Store::open(&path).unwrap();
    // Reopened: name_order was valid (not rebuilt) and agrees with the index.
    assert_eq!(store.list_from_name_order(0, 5).unwrap(), page);
    store.wait_for_index().unwrap();
    assert_eq!(
        store
            .list_clients(&ListQuery {
                limit: 5,
                ..Default::default()
            })
            .unwrap(),
        page
    );
}

/// One scenario at two sizes: below the thresholds the check runs on one thread, probes the
/// base key by key and reads matched clients' names one by one; above them it runs on two
/// threads, reads the base's keys by a merge-join and the names by one scan. Both decide every
/// row as the rules say: copies of stored clients skipped (their phone first) or merged by
/// decision, rows repeating an earlier row's e-mail skipped or imported as new by decision,
/// invalid rows skipped with their codes.
#[test]
fn large_and_small_imports_decide_duplicates_alike() {
    for n in [300usize, 2_600] {
        let (_dir, mut store) = open();
        let s = store
            .import_clients(
                people(n, "base"),
                &policy(DuplicateAction::New, &[]),
                &mut go,
            )
            .unwrap();
        assert_eq!(s.added as usize, n);
        let id_of: std::collections::HashMap<String, String> = store
            .query_clients(&ListQuery::default())
            .unwrap()
            .into_iter()
            .map(|c| (c.data.emails[0].address.clone(), c.id))
            .collect();
        assert_eq!(id_of.len(), n);
        // The file: copies of every stored client, then n new people where every odd one
        // repeats the e-mail of the one before it, and rows 4 and 5 of every ten invalid.
        let mut rows: Vec<ImportRow> = people(n, "base");
        for (j, mut r) in people_from(n, "new", 2_000_000).into_iter().enumerate() {
            r.line = (n + j) as u32 + 2;
            if j % 10 == 4 {
                r.input.emails[0].address = format!("bad{j}@");
            }
            if j % 2 == 1 {
                let prev = rows.last().unwrap().input.emails[0].address.clone();
                r.input.emails[0].address = prev;
            }
            rows.push(r);
        }
        let new_line = |j: usize| (n + j) as u32 + 2;
        let pol = policy(
            DuplicateAction::Skip,
            &[
                (9, DuplicateAction::Merge),
                (new_line(3), DuplicateAction::New),
            ],
        );
        let s = store.import_clients(rows, &pol, &mut go).unwrap();
        let by_line: std::collections::HashMap<u32, &ImportRowResult> =
            s.results.iter().map(|r| (r.line, r)).collect();
        for i in 0..n {
            let line = i as u32 + 2;
            let r = by_line[&line];
            let m = r.matched.as_ref().unwrap();
            let want = if line == 9 {
                RowOutcome::Merged
            } else {
                RowOutcome::Skipped
            };
            assert_eq!(r.outcome, want, "n {n} line {line}");
            assert_eq!(m.reason, DuplicateReason::Phone, "n {n} line {line}");
            assert_eq!(m.line, None);
            let id = &id_of[&format!("base{i}@example.com")];
            assert_eq!(m.client_id.as_ref(), Some(id), "n {n} line {line}");
            assert!(
                m.name.contains(&format!("Name{i}")) && m.name.contains(&format!("base{i}")),
                "n {n} line {line}: {}",
                m.name
            );
        }
        let (mut added, mut skipped, mut invalid) = (0, 0, 0);
        for j in 0..n {
            let line = new_line(j);
            if j % 10 == 4 || j % 10 == 5 {
                let r = by_line[&line];
                assert_eq!(
                    (r.outcome, r.code.as_str()),
                    (RowOutcome::Skipped, "invalid")
                );
                invalid += 1;
            } else if j % 2 == 1 && j != 3 {
                let r = by_line[&line];
                let m = r.matched.as_ref().unwrap();
                assert_eq!(r.outcome, RowOutcome::Skipped, "n {n} row {j}");
                assert_eq!(
                    (m.reason, m.line),
                    (DuplicateReason::Email, Some(new_line(j - 1))),
                    "n {n} row {j}"
                );
                assert!(m.name.contains(&format!("Name{}", j - 1)), "{}", m.name);
                skipped += 1;
            } else {
                assert!(!by_line.contains_key(&line), "n {n} row {j} added");
                added += 1;
            }
        }
        assert_eq!(
            (s.added, s.merged, s.skipped, s.invalid),
            (added, 1, n as u32 - 1 + skipped + invalid, invalid),
            "n {n}"
        );
        assert_eq!(store.stats().unwrap().clients, n as u32 + added);
    }
}

/// Into an empty base, `name_order` takes its keys from the index built alongside (not collated a
/// second time): every stored key must still be the collation key of the client's name, in the
/// index's own order. Names in several scripts, so the order is not the ids' or the file's.
#[test]
fn name_order_of_an_import_into_an_empty_base_is_the_collated_order() {
    let (_dir, mut store) = open();
    let firsts = [
        "Олена",
        "Ἀλέξανδρος",
        "Émile",
        "李",
        "zoë",
        "Ярослав",
        "Anna",
        "Єва",
    ];
    let rows: Vec<ImportRow> = (0..6000)
        .map(|i| {
            let first = firsts[i % firsts.len()];
            let p = person(
                first,
                &format!("{}{i}", ["Шевченко", "Παπαδόπουλος", "Smith", "王"][i % 4]),
                &format!("+38067{:07}", 3_000_000 + i),
            );
            row(i as u32 + 2, p)
        })
        .collect();
    let s = store
        .import_clients(rows, &ImportPolicy::default(), &mut go)
        .unwrap();
    assert_eq!(s.added, 6000);
    // Every client as the index lists it (its display name), keyed as `name_order` must be.
    let listed = all_rows(&mut store);
    assert_eq!(listed.len(), 6000);
    let names = clientbase_search::NameKeys::new("en");
    let expected: Vec<(Vec<u8>, String)> = listed
        .iter()
        .map(|r| (names.key(&r.display_name, &r.id), r.id.clone()))
        .collect();
    let mut sorted = expected.clone();
    sorted.sort();
    // The index's Name order is the collated one...
    assert!(
        expected == sorted,
        "the index's order is not the collated order"
    );
    // ...and `name_order` holds exactly those keys, in that order.
    let stored = name_order_keys(&store);
    assert!(
        stored == expected,
        "name_order differs from the collated keys"
    );
}
