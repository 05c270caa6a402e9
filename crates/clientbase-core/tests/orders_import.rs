//! Importing orders (`store/orders/import.rs`) on real SQLite files: clients found by id, phone,
//! e-mail and name (ambiguous and unknown ones reported), every order logged, the card totals
//! after the import, and all or nothing: a cancel or a database error mid-way leaves no order and
//! no change-log row.

mod common;

use clientbase_core::hlc::FixedClock;
use clientbase_core::orders_model::*;
use clientbase_core::store::import::ImportProgress;
use clientbase_core::store::orders::import::{ClientRef, OrderImportRow};
use clientbase_core::Store;
use common::*;

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    // 2024-06-15 12:00 UTC.
    let clock = FixedClock::new(1_718_452_800_000);
    let store = Store::open_with_clock(&db_path(&dir), Box::new(clock)).unwrap();
    (dir, store)
}

fn row(line: u32, client: ClientRef, date: &str, amount: i64) -> OrderImportRow {
    OrderImportRow {
        line,
        client,
        input: OrderInput {
            date: date.into(),
            amount,
            ..Default::default()
        },
    }
}

fn by_name(n: &str) -> ClientRef {
    ClientRef {
        name: n.into(),
        ..Default::default()
    }
}

#[test]
fn rows_find_their_clients_and_totals_match() {
    let (_d, mut s) = open();
    let ivan = s
        .create_client(person("Иван", "Петров", "+380671234567"))
        .unwrap()
        .id;
    let mut olga = person("Ольга", "Сидоренко", "");
    olga.emails = vec![clientbase_core::model::Email {
        address: "olga@example.com".into(),
        label: String::new(),
    }];
    let olga = s.create_client(olga).unwrap().id;
    s.create_client(person("Анна", "Коваль", "")).unwrap();
    s.create_client(person("Анна", "Коваль", "+380501112233"))
        .unwrap();
    let rows = vec![
        row(2, by_name("Петров Иван"), "2024-03-12", 125_050),
        row(3, by_name("иван петров"), "2024-04-01", 30_000),
        row(
            4,
            ClientRef {
                phone: "067 123 45 67".into(),
                ..Default::default()
            },
            "2024-04-02",
            1_000,
        ),
        row(
            5,
            ClientRef {
                email: "OLGA@example.com".into(),
                ..Default::default()
            },
            "2024-04-05",
            9_999,
        ),
        row(
            6,
            ClientRef {
                id: olga.clone(),
                ..Default::default()
            },
            "2024-04-06",
            1,
        ),
        row(7, by_name("Неизвестный Клиент"), "2024-04-07", 10),
        row(8, by_name("Анна Коваль"), "2024-04-07", 10),
        row(9, by_name("Иван Петров"), "not a date", 10),
    ];
    let preview = s
        .match_order_clients(&rows.iter().map(|r| r.client.clone()).collect::<Vec<_>>())
        .unwrap();
    assert_eq!(preview[0], Ok(ivan.clone()));
    assert_eq!(preview[2], Ok(ivan.clone()));
    assert_eq!(preview[3], Ok(olga.clone()));
    assert_eq!(preview[5], Err("client_not_found"));
    assert_eq!(preview[6], Err("client_ambiguous"));

    let sum = s.import_orders(rows, &mut |_| true).unwrap();
    assert_eq!(
        (sum.rows, sum.added, sum.skipped, sum.invalid),
        (8, 5, 3, 3)
    );
    let codes: Vec<(u32, String)> = sum
        .results
        .iter()
        .map(|r| (r.line, r.fields[0].code.clone()))
        .collect();
    assert_eq!(
        codes,
        vec![
            (7, "client_not_found".into()),
            (8, "client_ambiguous".into()),
            (9, "date_invalid".into())
        ]
    );
    let t = s.client_totals(&ivan).unwrap();
    assert_eq!((t.order_count, t.total), (3, 156_050));
    assert_eq!(t.first_purchase.as_deref(), Some("2024-03-12"));
    assert_eq!(t.last_order.as_deref(), Some("2024-04-02"));
    let t = s.client_totals(&olga).unwrap();
    assert_eq!((t.order_count, t.total), (2, 10_000));
    // Every order logged as an insert with every column.
    assert_eq!(count(&s, "SELECT count(*) FROM orders"), 5);
    assert_eq!(
        count(
            &s,
            "SELECT count(*) FROM change_log WHERE table_name = 'orders' AND op = 'insert' \
             AND json_extract(fields, '$.amount') IS NOT NULL"
        ),
        5
    );
}

#[test]
fn a_cancel_mid_way_writes_nothing() {
    let (_d, mut s) = open();
    s.create_client(person("Иван", "Петров", "")).unwrap();
    let rows: Vec<_> = (0..2000)
        .map(|i| row(i + 2, by_name("Иван Петров"), "2024-01-02", 100))
        .collect();
    let before = count(&s, "SELECT count(*) FROM change_log");
    let mut seen_writing = false;
    let r = s.import_orders(rows, &mut |p: ImportProgress| {
        if p.phase == clientbase_core::model::ImportPhase::Writing && p.done >= 1000 {
            seen_writing = true;
            return false;
        }
        true
    });
    assert!(seen_writing);
    assert!(matches!(r, Err(clientbase_core::StoreError::Cancelled)));
    assert_eq!(count(&s, "SELECT count(*) FROM orders"), 0);
    assert_eq!(count(&s, "SELECT count(*) FROM change_log"), before);
}

#[test]
fn a_failure_mid_way_writes_nothing() {
    let (_d, mut s) = open();
    let id = s.create_client(person("Иван", "Петров", "")).unwrap().id;
    // A write that fails half-way through the file: the 300th order is refused by the database.
    s.connection()
        .execute_batch(
            "CREATE TRIGGER refuse BEFORE INSERT ON orders WHEN NEW.amount = 777 \
             BEGIN SELECT RAISE(ABORT, 'refused'); END;",
        )
        .unwrap();
    let rows: Vec<_> = (0..600)
        .map(|i| {
            let amount = if i == 300 { 777 } else { 100 };
            row(i + 2, by_name("Иван Петров"), "2024-01-02", amount)
        })
        .collect();
    let before = count(&s, "SELECT count(*) FROM change_log");
    assert!(s.import_orders(rows, &mut |_| true).is_err());
    assert_eq!(count(&s, "SELECT count(*) FROM orders"), 0);
    assert_eq!(count(&s, "SELECT count(*) FROM change_log"), before);
    assert_eq!(s.client_totals(&id).unwrap().order_count, 0);
}
