//! The client search matches notes and hobbies (the client's and the contact persons'), and the
//! contact persons' job titles: on writes, after reopening, after the bulk path, and after migrating
//! a schema-2 database (backfill of the derived `search_notes` column).
mod common;
use clientbase_core::api::{self, App, Platform};
use clientbase_core::model::*;
use clientbase_core::Store;
use common::*;

fn app(dir: &tempfile::TempDir) -> App {
    App::open(&db_path(dir), Platform::Desktop).unwrap()
}

fn find(app: &mut App, text: &str) -> Vec<String> {
    let q = ListQuery {
        text: text.into(),
        limit: 50,
        ..Default::default()
    };
    let mut v: Vec<String> = api::list_clients(app, q)
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.display_name)
        .collect();
    v.sort();
    v
}

#[test]
fn notes_and_hobbies_find_the_client_and_follow_edits() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app(&dir);
    let mut input = person("Олена", "Шевченко", "067 123 45 67");
    input.notes = "Передзвонити у вівторок щодо каталогу".into();
    input.hobbies = "риболовля, шахи".into();
    let c = api::create_client(&mut a, input).unwrap();
    api::create_client(&mut a, person("Іван", "Петренко", "")).unwrap();
    let mut org = ClientInput {
        kind: ClientKind::Organization,
        org_name: "Аптека Здоровʼя".into(),
        ..Default::default()
    };
    org.contacts.push(ContactPerson {
        first_name: "Марія".into(),
        last_name: "Коваль".into(),
        position: "провізор".into(),
        notes: "Любить зелений чай".into(),
        hobbies: "gardening".into(),
        ..Default::default()
    });
    api::create_client(&mut a, org).unwrap();

    let olena = vec!["Шевченко Олена".to_owned()];
    assert_eq!(
        find(&mut a, "вівторок"),
        olena,
        "a word from the notes (Cyrillic)"
    );
    assert_eq!(find(&mut a, "ВІВТ"), olena, "a prefix, other case");
    assert_eq!(find(&mut a, "каталог"), olena);
    assert_eq!(find(&mut a, "шахи"), olena, "a hobby");
    assert_eq!(find(&mut a, "шевч риболов"), olena, "AND of name and hobby");
    let pharmacy = vec!["Аптека Здоровʼя".to_owned()];
    assert_eq!(
        find(&mut a, "провізор"),
        pharmacy,
        "contact person's position"
    );
    assert_eq!(find(&mut a, "зелений"), pharmacy, "contact person's notes");
    assert_eq!(find(&mut a, "garden"), pharmacy, "contact person's hobby");

    // Editing the notes updates the result.
    let mut edited = c.data.clone();
    edited.notes = "Зустріч у четвер".into();
    api::update_client(&mut a, c.id.clone(), edited).unwrap();
    assert!(
        find(&mut a, "вівторок").is_empty(),
        "the old note no longer matches"
    );
    assert_eq!(find(&mut a, "четвер"), olena);
    assert_eq!(find(&mut a, "шахи"), olena, "hobby unchanged");

    // After reopening (index built from the stored derived column).
    drop(a);
    let mut a = app(&dir);
    assert_eq!(find(&mut a, "четвер"), olena);
    assert!(find(&mut a, "вівторок").is_empty());
    assert_eq!(find(&mut a, "зелений"), pharmacy);
}

#[test]
fn demo_bulk_load_indexes_notes_and_hobbies() {
    let (dir, mut s) = open();
    s.load_demo(300).unwrap();
    let with_note: i64 = count(
        &s,
        "SELECT count(*) FROM clients WHERE notes = 'Звонить после обеда.'",
    );
    assert!(with_note > 0);
    let q = |s: &mut Store, t: &str| {
        s.list_clients(&ListQuery {
            text: t.into(),
            limit: 1000,
            ..Default::default()
        })
        .unwrap()
        .total as i64
    };
    assert_eq!(q(&mut s, "обеда"), with_note);
    let chess: i64 = count(&s, "SELECT count(*) FROM clients WHERE hobbies = 'chess'");
    assert!(chess > 0);
    assert!(q(&mut s, "chess") >= chess);
    let pharmacists: i64 = count(
        &s,
        "SELECT count(DISTINCT client_id) FROM contacts WHERE position = 'pharmacist'",
    );
    assert!(pharmacists > 0);
    assert_eq!(q(&mut s, "pharmacist"), pharmacists);
    drop(s);
    let mut s = Store::open(&db_path(&dir)).unwrap();
    assert_eq!(q(&mut s, "обеда"), with_note);
    assert_eq!(q(&mut s, "pharmacist"), pharmacists);
}

#[test]
fn migration_from_v2_backfills_search_notes() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        let tx = conn.transaction().unwrap();
        tx.execute_batch(clientbase_core::migrations::MIGRATIONS[0])
            .unwrap();
        tx.execute_batch(clientbase_core::migrations::MIGRATIONS[1])
            .unwrap();
        tx.pragma_update(None, "user_version", 2).unwrap();
        tx.execute_batch(
            "INSERT INTO clients (id, kind, last_name, notes, hobbies, created_at, updated_at) VALUES \
               ('c1', 'person', 'Петренко', ' Любит рыбалку ', 'шахматы', 'x', 'x'), \
               ('c2', 'organization', '', '', '', 'x', 'x'); \
             UPDATE clients SET org_name = 'Вектор' WHERE id = 'c2'; \
             INSERT INTO contacts (id, client_id, position_no, first_name, position, notes, hobbies, created_at, updated_at) \
             VALUES ('k2', 'c2', 1, 'Анна', 'бухгалтер', '', 'йога', 'x', 'x'), \
                    ('k1', 'c2', 0, 'Ольга', 'директор', 'по средам', '', 'x', 'x');",
        )
        .unwrap();
        tx.commit().unwrap();
    }
    let mut s = Store::open(&path).unwrap();
    assert_eq!(
        s.schema_version().unwrap(),
        clientbase_core::migrations::SCHEMA_VERSION
    );
    let col = |s: &Store, id: &str| -> String {
        s.connection()
            .query_row(
                "SELECT search_notes FROM clients WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(col(&s, "c1"), "Любит рыбалку шахматы");
    assert_eq!(col(&s, "c2"), "директор по средам бухгалтер йога");
    // The backfill matches what the store derives on a write.
    let mut c2 = s.get_client("c2").unwrap().data;
    c2.org_name = "Вектор Плюс".into();
    s.update_client("c2", c2).unwrap();
    assert_eq!(col(&s, "c2"), "директор по средам бухгалтер йога");
    let q = |s: &mut Store, t: &str| -> Vec<String> {
        s.list_clients(&ListQuery {
            text: t.into(),
            ..Default::default()
        })
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.id)
        .collect()
    };
    assert_eq!(q(&mut s, "рыбалк"), ["c1"]);
    assert_eq!(q(&mut s, "шахмат"), ["c1"]);
    assert_eq!(q(&mut s, "йога"), ["c2"]);
    assert_eq!(q(&mut s, "средам"), ["c2"]);
}
