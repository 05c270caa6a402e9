//! The file commands through `commands::dispatch` on real SQLite files: export → import round trips
//! of a multilingual demo base (XLSX, CSV, vCard 3.0/4.0) give the same clients; the preview of
//! corpus files (encoding, mapping, problems, duplicates); import jobs with progress, cancel (nothing
//! written) and decisions; conversion errors reported per row; the report; filtered exports;
//! the fallback to the core's commands.

use base64::Engine;
use clientbase_core::api::{App, Platform};
use clientbase_core::model::*;
use clientbase_import::commands::{self, dispatch};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;

fn app(dir: &tempfile::TempDir, name: &str) -> App {
    App::open(dir.path().join(name).to_str().unwrap(), Platform::Desktop).unwrap()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn unb64(v: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(v.as_str().unwrap())
        .unwrap()
}

fn corpus(rel: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/corpus")
            .join(rel),
    )
    .unwrap()
}

fn call(app: &mut App, cmd: &str, args: Value) -> Value {
    dispatch(app, cmd, args).unwrap_or_else(|e| panic!("{cmd}: {e:?}"))
}

/// A whole `ListQuery` from the fields given.
fn q(v: Value) -> Value {
    let mut base =
        json!({ "text": "", "category_ids": [], "sort": "name", "offset": 0, "limit": 0 });
    for (k, x) in v.as_object().unwrap() {
        base[k] = x.clone();
    }
    base
}

fn all_clients(app: &mut App) -> Vec<Client> {
    app.store.query_clients(&ListQuery::default()).unwrap()
}

/// A client as compared across bases: custom values by field name, no ids, phones and messengers
/// grouped by kind (a table has a column per kind), contact persons optional (a vCard has none).
fn comparable(app: &App, c: &Client, contacts: bool) -> String {
    let defs = app.store.custom_fields().unwrap();
    let mut d = c.data.clone();
    d.phones.sort_by_key(|p| p.kind as u8);
    d.messengers.sort_by_key(|m| m.kind as u8);
    for ct in &mut d.contacts {
        ct.id.clear();
    }
    if !contacts {
        d.contacts.clear();
    }
    let custom: BTreeMap<String, CustomValue> = std::mem::take(&mut d.custom)
        .into_iter()
        .map(|(id, v)| {
            let name = defs.iter().find(|f| f.id == id).unwrap().name.clone();
            (name, v)
        })
        .collect();
    let mut v = serde_json::to_value(&d).unwrap();
    v["custom"] = serde_json::to_value(custom).unwrap();
    v.to_string()
}

/// The multilingual demo base with a custom text field on some clients.
fn demo_base(dir: &tempfile::TempDir) -> App {
    let mut a = app(dir, "source.db");
    call(&mut a, "load_demo", json!({ "count": 400 }));
    let field = a
        .store
        .save_custom_field(CustomFieldDef {
            id: String::new(),
            name: "Размер".into(),
            kind: CustomFieldKind::Text,
            options: vec![],
            position: 0,
        })
        .unwrap();
    for (i, c) in all_clients(&mut a)
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % 7 == 0)
    {
        let mut d = c.data.clone();
        d.custom
            .insert(field.id.clone(), CustomValue::Text(format!("XL-{i}")));
        a.store.update_client(&c.id, d).unwrap();
    }
    a
}

#[test]
fn export_then_import_gives_the_same_base() {
    let dir = tempfile::tempdir().unwrap();
    let mut src = demo_base(&dir);
    let want_full: Vec<String> = {
        let cs = all_clients(&mut src);
        let mut v: Vec<String> = cs.iter().map(|c| comparable(&src, c, true)).collect();
        v.sort();
        v
    };
    let want_cards: Vec<String> = {
        let cs = all_clients(&mut src);
        let mut v: Vec<String> = cs.iter().map(|c| comparable(&src, c, false)).collect();
        v.sort();
        v
    };
    for (n, (format, language, contacts)) in [
        ("xlsx", "en", true),
        ("csv", "ru", true),
        ("csv", "zh", true),
        ("vcard3", "uk", false),
        ("vcard4", "el", false),
    ]
    .into_iter()
    .enumerate()
    {
        let mut settings = src.store.settings().clone();
        settings.language = language.into();
        src.store.set_settings(settings).unwrap();
        let file = call(&mut src, "export_clients", json!({ "format": format }));
        assert_eq!(file["count"], 400);
        let name = file["file_name"].as_str().unwrap().to_owned();
        let bytes = unb64(&file["data"]);
        if format == "csv" {
            assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "CSV has a BOM");
            let delimiter = if language == "ru" { b';' } else { b',' };
            let head = bytes
                .iter()
                .take_while(|&&b| b != b'\n')
                .copied()
                .collect::<Vec<u8>>();
            assert!(head.contains(&delimiter), "{format} {language}");
        }

        let mut dst = app(&dir, &format!("dst{n}.db"));
        // A vCard's custom values (X-CLIENTBASE-CUSTOM) create the fields the base lacks, as a
        // sheet's custom column does through the mapping step.
        // The mapping step: the proposal, plus the custom column as a new custom field.
        let preview = call(
            &mut dst,
            "import_preview",
            json!({ "name": name, "data": b64(&bytes) }),
        );
        assert_eq!(preview["total_rows"], 400);
        assert_eq!(preview["rows_with_errors"], 0, "{format}");
        let mut mapping: Vec<Option<String>> =
            serde_json::from_value(preview["mapping"].clone()).unwrap();
        let headers: Vec<String> = serde_json::from_value(preview["headers"].clone()).unwrap();
        for (h, m) in headers.iter().zip(mapping.iter_mut()) {
            if h == "Размер" {
                *m = Some("custom:Размер".into());
            }
        }
        let status = call(
            &mut dst,
            "import_run",
            json!({ "name": name, "data": b64(&bytes), "mapping": mapping, "policy": "new" }),
        );
        assert_eq!(status["phase"], "done");
        let summary = &status["summary"];
        assert_eq!(summary["added"], 400, "{format}: {summary}");
        assert_eq!(summary["skipped"], 0);
        let got: Vec<String> = {
            let cs = all_clients(&mut dst);
            let mut v: Vec<String> = cs.iter().map(|c| comparable(&dst, c, contacts)).collect();
            v.sort();
            v
        };
        let want = if contacts { &want_full } else { &want_cards };
        let differ: Vec<(&String, &String)> =
            want.iter().zip(&got).filter(|(a, b)| a != b).collect();
        assert!(
            differ.is_empty(),
            "{format}: {} of 400 differ, e.g.\nwant {}\n got {}",
            differ.len(),
            differ[0].0,
            differ[0].1
        );
        assert_eq!(call(&mut dst, "stats", json!({}))["clients"], 400);
        // Importing the same file again finds every row a duplicate (skipped by default).
        let status = call(
            &mut dst,
            "import_run",
            json!({ "name": name, "data": b64(&bytes), "mapping": mapping }),
        );
        assert_eq!(status["summary"]["skipped"], 400, "{format}");
        assert_eq!(call(&mut dst, "stats", json!({}))["clients"], 400);
    }
}

#[test]
fn preview_of_corpus_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app(&dir, "p.db");
    let csv = corpus("csv/cp1251_semicolon_ru.csv");
    let p = call(
        &mut a,
        "import_preview",
        json!({ "name": "clients.csv", "data": b64(&csv) }),
    );
    assert_eq!(p["format"], "csv");
    assert_eq!(p["encoding"], "windows-1251");
    assert_eq!(p["delimiter"], ";");
    assert_eq!(p["header_detected"], true);
    let mapping = p["mapping"].as_array().unwrap();
    assert!(mapping
        .iter()
        .any(|m| m.as_str().is_some_and(|s| s.starts_with("phone"))));
    assert!(p["targets"].as_array().unwrap().len() > 30);
    assert_eq!(p["samples"].as_array().unwrap().len(), mapping.len());
    let rows = p["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert_eq!(p["total_rows"].as_u64().unwrap() as usize, rows.len());
    // Import it, then the preview of the same file shows every valid row as a duplicate.
    let status = call(
        &mut a,
        "import_run",
        json!({ "name": "clients.csv", "data": b64(&csv) }),
    );
    let added = status["summary"]["added"].as_u64().unwrap();
    assert!(added > 0);
    let p = call(
        &mut a,
        "import_preview",
        json!({ "name": "clients.csv", "data": b64(&csv) }),
    );
    let dupes = p["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["matches"]
                .as_array()
                .is_some_and(|m| m.iter().any(|m| m["client_id"].is_string()))
        })
        .count() as u64;
    assert_eq!(dupes, added);

    // A forced wrong encoding is an error with a code; a broken file too.
    let err = dispatch(
        &mut a,
        "import_preview",
        json!({ "name": "x.csv", "data": b64(&corpus("csv/gb18030_comma_zh.csv")), "options": { "encoding": "utf-8" } }),
    )
    .unwrap_err();
    assert_eq!(err.code, "encoding_mismatch");
    assert_eq!(err.fields[0].params["encoding"], "UTF-8");
    let err = dispatch(
        &mut a,
        "import_preview",
        json!({ "name": "x.xlsx", "data": b64(&corpus("broken/truncated.xlsx")) }),
    )
    .unwrap_err();
    assert_eq!(err.code, "workbook_unreadable");
    let err = dispatch(
        &mut a,
        "import_preview",
        json!({ "name": "x.csv", "data": "%%%" }),
    )
    .unwrap_err();
    assert_eq!(err.code, "bad_request");
    let err = dispatch(
        &mut a,
        "import_preview",
        json!({ "name": "x.csv", "data": b64(&csv), "mapping": ["first_name", "nonsense"] }),
    )
    .unwrap_err();
    assert_eq!(err.code, "validation");
    assert_eq!(err.fields[0].field, "mapping.1");
}

#[test]
fn vcards_and_workbooks_from_the_corpus_import() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app(&dir, "v.db");
    let mut total = 0;
    for f in [
        "vcard/android_21.vcf",
        "vcard/ios_30.vcf",
        "vcard/google_30.vcf",
        "vcard/outlook_21_cp1251.vcf",
        "xlsx/excel_formulas_merged.xlsx",
        "xls/clients.xls",
        "ods/clients.ods",
    ] {
        let bytes = corpus(f);
        let name = Path::new(f).file_name().unwrap().to_str().unwrap();
        let status = call(
            &mut a,
            "import_run",
            json!({ "name": name, "data": b64(&bytes), "policy": "new" }),
        );
        let s = &status["summary"];
        assert!(s["added"].as_u64().unwrap() > 0, "{f}: {s}");
        total += s["added"].as_u64().unwrap();
        for r in s["results"].as_array().unwrap() {
            assert_eq!(r["code"], "invalid", "{f}: {r}");
            assert!(!r["fields"].as_array().unwrap().is_empty());
        }
    }
    assert_eq!(
        call(&mut a, "stats", json!({}))["clients"]
            .as_u64()
            .unwrap(),
        total
    );
}

#[test]
fn a_job_reports_progress_and_a_cancelled_one_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut src = app(&dir, "src.db");
    call(&mut src, "load_demo", json!({ "count": 3000 }));
    let file = call(&mut src, "export_clients", json!({ "format": "csv" }));
    let data = file["data"].as_str().unwrap().to_owned();
    let mut a = app(&dir, "dst.db");
    a.store
        .create_client(ClientInput {
            first_name: "Before".into(),
            ..Default::default()
        })
        .unwrap();
    let before = call(&mut a, "stats", json!({}));

    let job = call(
        &mut a,
        "import_start",
        json!({ "name": "c.csv", "data": data }),
    );
    let status = call(&mut a, "import_cancel", json!({ "job": job }));
    assert_eq!(status["job"], job);
    let status = a.jobs.wait(job.as_u64().unwrap() as u32).unwrap();
    assert_eq!(status.phase, ImportPhase::Cancelled);
    assert_eq!(status.error.unwrap().code, "cancelled");
    assert_eq!(call(&mut a, "stats", json!({})), before);

    // Again, to the end, polled as the UI does (the demo repeats names: import them all).
    let job = call(
        &mut a,
        "import_start",
        json!({ "name": "c.csv", "data": data, "policy": "new" }),
    );
    // One import at a time.
    let busy = dispatch(
        &mut a,
        "import_start",
        json!({ "name": "c.csv", "data": data }),
    )
    .unwrap_err();
    assert_eq!(busy.code, "busy");
    let mut phases = Vec::new();
    let status = loop {
        let s = call(&mut a, "import_status", json!({ "job": job }));
        let phase = s["phase"].as_str().unwrap().to_owned();
        if phases.last() != Some(&phase) {
            phases.push(phase);
        }
        if s["finished"] == true {
            break s;
        }
        // The app stays usable meanwhile.
        call(
            &mut a,
            "list_clients",
            json!({ "query": q(json!({ "text": "Before" })) }),
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    assert_eq!(status["phase"], "done", "{status}");
    assert_eq!(phases.last().unwrap(), "done");
    assert!(status["rows_per_second"].as_f64().unwrap() > 0.0);
    assert_eq!(status["summary"]["added"], 3000);
    assert_eq!(call(&mut a, "stats", json!({}))["clients"], 3001);
    let page = call(
        &mut a,
        "list_clients",
        json!({ "query": q(json!({ "limit": 5 })) }),
    );
    assert_eq!(page["total"], 3001);
    assert_eq!(
        commands::import_status(&mut a, 999).unwrap_err().code,
        "not_found"
    );
}

#[test]
fn decisions_conversion_errors_and_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app(&dir, "d.db");
    let ivan = a
        .store
        .create_client(ClientInput {
            first_name: "Іван".into(),
            last_name: "Петренко".into(),
            phones: vec![Phone {
                kind: PhoneKind::Mobile,
                raw: "067 111 11 11".into(),
                e164: None,
            }],
            ..Default::default()
        })
        .unwrap();
    let csv = "Прізвище;Ім'я;Телефон;E-mail;Нотатки\r\n\
               Петренко;Іван;+380671111111;ivan@example.com;з файлу\r\n\
               Коваль;Олена;067 222 22 22;olena@example.com;\r\n\
               Коваль;Олена;067 222 22 22;;друга\r\n\
               Бондар;Петро;067 12;bad-email;\r\n\
               Ткач;Марія;067 333 33 33;;\r\n";
    let status = call(
        &mut a,
        "import_run",
        json!({
            "name": "клієнти.csv",
            "data": b64(csv.as_bytes()),
            "policy": "skip",
            "decisions": [{ "line": 2, "action": "merge" }, { "line": 4, "action": "merge" }],
        }),
    );
    let s = &status["summary"];
    assert_eq!(
        (
            s["rows"].as_u64(),
            s["added"].as_u64(),
            s["merged"].as_u64(),
            s["skipped"].as_u64(),
            s["invalid"].as_u64()
        ),
        (Some(5), Some(2), Some(2), Some(1), Some(1)),
        "{s}"
    );
    let results = s["results"].as_array().unwrap();
    let lines: Vec<(u64, &str, &str)> = results
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["outcome"].as_str().unwrap(),
                r["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            (2, "merged", ""),
            (4, "merged", ""),
            (5, "skipped", "invalid")
        ]
    );
    assert_eq!(results[0]["client_id"], json!(ivan.id));
    assert_eq!(results[1]["matched"]["line"], 3);
    let codes: Vec<&str> = results[2]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["phone_invalid", "email_invalid"]);
    assert_eq!(results[2]["fields"][0]["params"]["header"], "Телефон");
    let merged = a.store.get_client(&ivan.id).unwrap();
    assert_eq!(merged.data.notes, "з файлу");
    assert_eq!(merged.data.emails[0].address, "ivan@example.com");

    let report = call(&mut a, "import_report", json!({ "job": status["job"] }));
    let text = String::from_utf8(unb64(&report["data"])).unwrap();
    assert!(
        text.starts_with("\u{feff}row,outcome,code,problems"),
        "{text}"
    );
    assert!(
        text.contains("5,skipped,invalid,column.2: phone_invalid; column.3: email_invalid"),
        "{text}"
    );
    assert!(
        text.contains("2,merged,,,phone,+380671111111,Петренко Іван,"),
        "{text}"
    );
    assert_eq!(report["count"], 3);
}

#[test]
fn exports_follow_the_list_query_and_unknown_things_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app(&dir, "e.db");
    call(&mut a, "load_demo", json!({ "count": 300 }));
    let tag = call(&mut a, "list_tags", json!({}))[0]
        .as_str()
        .unwrap()
        .to_owned();
    let query = q(json!({ "tag": tag, "sort": "recent" }));
    let total = call(&mut a, "list_clients", json!({ "query": query }))["total"].clone();
    for format in ["xlsx", "csv", "vcard3", "vcard4"] {
        let f = call(
            &mut a,
            "export_clients",
            json!({ "query": query, "format": format, "labels": { "first_name": "Ім'я" } }),
        );
        assert_eq!(f["count"], total, "{format}");
        assert_eq!(
            f["bytes"].as_u64().unwrap() as usize,
            unb64(&f["data"]).len()
        );
        assert!(f["file_name"].as_str().unwrap().starts_with("clients-"));
    }
    let f = call(
        &mut a,
        "export_clients",
        json!({ "query": query, "format": "csv", "labels": { "first_name": "Ім'я" } }),
    );
    let bytes = unb64(&f["data"]);
    assert!(String::from_utf8_lossy(&bytes).contains("Ім'я"));
    let table = clientbase_import::read_table(&bytes, "x.csv", &Default::default()).unwrap();
    assert_eq!(table.rows.len() as u64, total.as_u64().unwrap());
    let err = dispatch(&mut a, "export_clients", json!({ "format": "pdf" })).unwrap_err();
    assert_eq!(err.code, "bad_request");
    // Core commands go through the same dispatch; unknown ones are refused.
    assert_eq!(call(&mut a, "stats", json!({}))["clients"], 300);
    assert_eq!(
        dispatch(&mut a, "nope", json!({})).unwrap_err().code,
        "bad_request"
    );
    for c in commands::COMMANDS {
        assert!(!clientbase_core::api::COMMANDS.contains(c), "{c} in both");
    }
}
