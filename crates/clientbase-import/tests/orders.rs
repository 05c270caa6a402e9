//! Orders import through `commands::dispatch` (`options.target = "orders"`) on real SQLite files:
//! corpus CSVs in UTF-8 (Russian headers, `;`) and Windows-1251 (Ukrainian headers, `,`) and an
//! XLSX with Chinese headers, date and number cells: the proposed mapping, per-row problems in
//! the preview, unknown clients reported and not imported, and the card totals matching the file.

use base64::Engine;
use clientbase_core::api::{App, Platform};
use clientbase_core::model::*;
use clientbase_import::commands::dispatch;
use serde_json::{json, Value};
use std::path::Path;

fn app(dir: &tempfile::TempDir) -> App {
    App::open(dir.path().join("o.db").to_str().unwrap(), Platform::Desktop).unwrap()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn corpus(rel: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/corpus/orders")
            .join(rel),
    )
    .unwrap()
}

fn call(app: &mut App, cmd: &str, args: Value) -> Value {
    dispatch(app, cmd, args).unwrap_or_else(|e| panic!("{cmd}: {e:?}"))
}

fn person(first: &str, last: &str, phone: &str, email: &str) -> ClientInput {
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
        emails: if email.is_empty() {
            vec![]
        } else {
            vec![Email {
                label: String::new(),
                address: email.into(),
            }]
        },
        ..Default::default()
    }
}

struct Base {
    ivan: String,
    olga: String,
    acme: String,
}

fn clients(app: &mut App) -> Base {
    let ivan = app
        .store
        .create_client(person("Иван", "Петров", "+380671234567", ""))
        .unwrap()
        .id;
    let olga = app
        .store
        .create_client(person("Ольга", "Сидоренко", "", "olga@example.com"))
        .unwrap()
        .id;
    let acme = app
        .store
        .create_client(ClientInput {
            kind: ClientKind::Organization,
            org_name: "Acme Ltd".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    Base { ivan, olga, acme }
}

fn totals(app: &mut App, id: &str) -> Value {
    call(app, "client_totals", json!({ "client": id }))
}

fn run(app: &mut App, name: &str, bytes: &[u8]) -> ImportSummary {
    let args = json!({ "name": name, "data": b64(bytes), "options": { "target": "orders" } });
    let status = call(app, "import_run", args);
    serde_json::from_value(status["summary"].clone()).unwrap()
}

#[test]
fn utf8_csv_preview_and_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir);
    let b = clients(&mut app);
    let bytes = corpus("orders-ru-utf8.csv");
    let p = call(
        &mut app,
        "import_preview",
        json!({ "name": "orders-ru-utf8.csv", "data": b64(&bytes), "options": { "target": "orders" } }),
    );
    assert_eq!(
        p["mapping"],
        json!([
            "client_name",
            "client_phone",
            "client_email",
            "date",
            "amount",
            "status",
            "kind",
            "items"
        ])
    );
    assert_eq!(p["targets"].as_array().unwrap().len(), 11);
    assert_eq!(p["total_rows"], 8);
    assert_eq!(p["rows_with_errors"], 3);
    assert_eq!(p["rows"], json!([]));
    let orders = p["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 8);
    assert_eq!(orders[0]["client_id"], json!(b.ivan));
    assert_eq!(orders[0]["input"]["amount"], 125_050);
    assert_eq!(orders[0]["input"]["date"], "2024-03-12");
    assert_eq!(orders[0]["input"]["note"], "Чай\nКофе");
    assert_eq!(orders[2]["client_id"], json!(b.olga));
    assert_eq!(orders[3]["input"]["kind"], "payment");
    let codes = |i: usize| -> Vec<String> {
        orders[i]["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(codes(4), vec!["client_not_found"]);
    assert_eq!(codes(5), vec!["date_unparseable"]);
    assert_eq!(codes(6), vec!["amount_unparseable"]);
    assert_eq!(codes(7), Vec::<String>::new());

    let s = run(&mut app, "orders-ru-utf8.csv", &bytes);
    assert_eq!((s.rows, s.added, s.skipped, s.invalid), (8, 5, 3, 3));
    let skipped: Vec<(u32, &str)> = s
        .results
        .iter()
        .map(|r| (r.line, r.fields[0].code.as_str()))
        .collect();
    assert_eq!(
        skipped,
        vec![
            (6, "client_not_found"),
            (7, "date_unparseable"),
            (8, "amount_unparseable")
        ]
    );
    // The card: 1,250.50 + 300 (the cancelled 500 left out).
    let t = totals(&mut app, &b.ivan);
    assert_eq!(t["order_count"], 2);
    assert_eq!(t["total"], 155_050);
    assert_eq!(t["first_purchase"], "2024-03-12");
    assert_eq!(t["last_order"], "2024-04-01");
    let t = totals(&mut app, &b.olga);
    assert_eq!(
        (t["order_count"].clone(), t["total"].clone()),
        (json!(1), json!(9_999))
    );
    assert_eq!(
        (t["payment_count"].clone(), t["payments_total"].clone()),
        (json!(1), json!(5_000))
    );
    // The analyses see the import at once (the in-memory orders were dropped).
    let a = call(&mut app, "analysis", json!({ "query": { "kind": "abc" } }));
    assert_eq!(a["total_value"], 165_049.0);
}

#[test]
fn windows_1251_csv_and_other_currencies() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir);
    let b = clients(&mut app);
    let bytes = corpus("orders-uk-cp1251.csv");
    let p = call(
        &mut app,
        "import_preview",
        json!({ "name": "orders-uk-cp1251.csv", "data": b64(&bytes), "options": { "target": "orders" } }),
    );
    assert_eq!(p["encoding"], "windows-1251");
    assert_eq!(
        p["mapping"],
        json!([
            "client_name",
            "client_phone",
            "date",
            "amount",
            "currency",
            "status",
            "note"
        ])
    );
    assert_eq!(p["rows_with_errors"], 0);
    let s = run(&mut app, "orders-uk-cp1251.csv", &bytes);
    assert_eq!((s.added, s.skipped), (3, 0));
    let t = totals(&mut app, &b.acme);
    assert_eq!(
        (t["order_count"].clone(), t["total"].clone()),
        (json!(1), json!(200_000))
    );
    // "Іван Петров" is no name of the base, but the phone is Ivan's.
    let t = totals(&mut app, &b.ivan);
    assert_eq!(t["order_count"], 0);
    assert_eq!(
        t["other_currencies"],
        json!([{ "currency": "UAH", "total": 10_000, "count": 1 }])
    );
}

#[test]
fn xlsx_with_date_and_number_cells() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir);
    let b = clients(&mut app);
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let date_format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in ["客户", "日期", "金额", "类型"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let rows = [
        ("Acme Ltd", (2024, 6, 1), 50.5, "订单"),
        ("Acme Ltd", (2024, 6, 3), 20.0, "付款"),
    ];
    for (i, (client, (y, m, d), amount, kind)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, *client).unwrap();
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
        ws.write_datetime_with_format(r, 1, &date, &date_format)
            .unwrap();
        ws.write_number(r, 2, *amount).unwrap();
        ws.write_string(r, 3, *kind).unwrap();
    }
    let bytes = wb.save_to_buffer().unwrap();
    let s = run(&mut app, "orders.xlsx", &bytes);
    assert_eq!((s.added, s.skipped), (2, 0));
    let t = totals(&mut app, &b.acme);
    assert_eq!(t["total"], 5_050);
    assert_eq!(t["last_order"], "2024-06-01");
    assert_eq!(t["payments_total"], 2_000);
    assert_eq!(t["last_payment"], "2024-06-03");
}

#[test]
fn a_vcard_is_no_orders_file_and_unknown_targets_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir);
    let vcf = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A B\r\nEND:VCARD\r\n";
    let e = dispatch(
        &mut app,
        "import_preview",
        json!({ "name": "a.vcf", "data": b64(vcf), "options": { "target": "orders" } }),
    )
    .unwrap_err();
    assert_eq!(e.code, "orders_need_table");
    let bytes = corpus("orders-ru-utf8.csv");
    let e = dispatch(
        &mut app,
        "import_preview",
        json!({ "name": "o.csv", "data": b64(&bytes), "options": { "target": "orders" },
                "mapping": ["first_name"] }),
    )
    .unwrap_err();
    assert_eq!(e.fields[0].code, "target_unknown");
    let e = dispatch(
        &mut app,
        "import_preview",
        json!({ "name": "o.csv", "data": b64(&bytes), "options": { "target": "tasks" } }),
    )
    .unwrap_err();
    assert_eq!(e.code, "bad_request");
}
