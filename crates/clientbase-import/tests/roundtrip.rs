//! Export → read → map → convert gives back the same clients: XLSX and CSV (everything a client
//! has, contact persons and custom fields included), vCard 3.0 and 4.0 (everything but contact
//! persons, which a vCard cannot hold). The base is the multilingual demo (Latin, Cyrillic, Greek,
//! Chinese; persons and organisations; birthdays without a year and on 29 February), with custom
//! field values, messengers of every kind and e-mail labels added.

use clientbase_core::model::*;
use clientbase_import::*;
use std::collections::HashMap;

fn categories() -> Vec<Category> {
    [
        ("a", "A", "VIP"),
        ("b", "B", "prospect in progress"),
        ("c", "C", "potential"),
        ("d", "D", "dropped"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (suffix, code, name))| Category {
        id: format!("00000000-0000-7000-8000-00000000000{suffix}"),
        code: (*code).into(),
        name: (*name).into(),
        color: "#000000".into(),
        position: i as i32,
        cadence_days: None,
    })
    .collect()
}

fn custom_fields() -> Vec<CustomFieldDef> {
    let def = |id: &str, name: &str, kind, options: &[&str]| CustomFieldDef {
        id: id.into(),
        name: name.into(),
        kind,
        options: options.iter().map(|s| (*s).into()).collect(),
        position: 0,
    };
    vec![
        def(
            "f-size",
            "Размер",
            CustomFieldKind::Choice,
            &["S", "M", "L"],
        ),
        def("f-volume", "Volume", CustomFieldKind::Number, &[]),
        def("f-visit", "Επόμενη επίσκεψη", CustomFieldKind::Date, &[]),
        def("f-wish", "愿望", CustomFieldKind::Text, &[]),
    ]
}

/// The demo base, plus what the demo does not generate.
fn base(n: usize) -> Vec<Client> {
    let mut clients: Vec<Client> = clientbase_core::demo::generate(42, n, 1_700_000_000_000, "me")
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    for (i, c) in clients.iter_mut().enumerate() {
        let d = &mut c.data;
        match i % 5 {
            0 => {
                d.custom.insert(
                    "f-size".into(),
                    CustomValue::Choice(["S", "M", "L"][i % 3].into()),
                );
                d.custom
                    .insert("f-volume".into(), CustomValue::Number(i as f64 * 1.5));
            }
            1 => {
                d.custom
                    .insert("f-visit".into(), CustomValue::Date("2025-02-28".into()));
                d.custom.insert(
                    "f-wish".into(),
                    CustomValue::Text("更多折扣, please".into()),
                );
                d.messengers.push(Messenger {
                    kind: MessengerKind::Whatsapp,
                    handle: "+380671234567".into(),
                });
                d.messengers.push(Messenger {
                    kind: MessengerKind::Other,
                    handle: "Signal: +30 691 234 5678".into(),
                });
            }
            2 => {
                d.preferred_channel =
                    Some([Channel::Call, Channel::Telegram, Channel::Email][i % 3]);
                d.messengers.push(Messenger {
                    kind: MessengerKind::Viber,
                    handle: "+306912345678".into(),
                });
            }
            3 => {
                if let Some(e) = d.emails.first_mut() {
                    e.label = "office".into();
                }
                if !d.notes.is_empty() {
                    d.notes.push('\n');
                }
                d.notes.push_str("вторая строка; with \"quotes\", commas");
            }
            _ => {}
        }
    }
    clients
}

/// What an imported client can be compared on: contact ids are the store's; the table layout has
/// a column per phone kind and per messenger network, so those lists come back grouped by kind
/// (in column order; the order within a kind is kept).
fn comparable(mut i: ClientInput, with_contacts: bool) -> ClientInput {
    i.phones.sort_by_key(|p| p.kind as u8);
    i.messengers.sort_by_key(|m| m.kind as u8);
    for c in &mut i.contacts {
        c.id.clear();
    }
    if !with_contacts {
        i.contacts.clear();
    }
    i
}

fn check_table(clients: &[Client], table: &Table, defs: &[CustomFieldDef], cats: &[Category]) {
    let headers = table.headers.as_ref().expect("header row");
    let names: Vec<String> = defs.iter().map(|d| d.name.clone()).collect();
    let mapping = propose_mapping_with_custom(headers, &names);
    for (h, m) in headers.iter().zip(&mapping) {
        assert!(m.is_some(), "header {h:?} not recognised");
    }
    let opts = ConvertOptions {
        default_country: "UA",
        categories: cats,
        custom_fields: defs,
    };
    let rows = convert(table, &mapping, &opts);
    assert_eq!(rows.len(), clients.len());
    let mut mismatches = Vec::new();
    for (c, r) in clients.iter().zip(&rows) {
        assert!(r.problems.is_empty(), "{:?}: {:?}", c.data, r.problems);
        let want = comparable(c.data.clone(), true);
        let got = comparable(r.input.clone(), true);
        if want != got {
            mismatches.push(format!("want {want:?}\n got {got:?}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} differ, e.g.\n{}",
        mismatches.len(),
        clients.len(),
        mismatches[0]
    );
}

#[test]
fn xlsx_round_trip_english_labels() {
    let clients = base(600);
    let (defs, cats) = (custom_fields(), categories());
    let labels = HeaderLabels::english();
    let ctx = ExportContext {
        categories: &cats,
        custom_fields: &defs,
        labels: &labels,
    };
    let bytes = export_xlsx(&clients, &ctx).unwrap();
    let table = read_table(&bytes, "export.xlsx", &ReadOptions::default()).unwrap();
    assert_eq!(table.format, FileFormat::Xlsx);
    assert_eq!(table.sheet.as_deref(), Some("Clients"));
    assert_eq!(table.rows.len(), clients.len());
    check_table(&clients, &table, &defs, &cats);
}

/// Labels as a Russian, Ukrainian, Greek or Chinese UI would write them.
fn labels(lang: &str) -> HeaderLabels {
    let l: &[(&str, &str)] = match lang {
        "ru" => &[
            ("kind", "Тип клиента"),
            ("first_name", "Имя"),
            ("last_name", "Фамилия"),
            ("middle_name", "Отчество"),
            ("org_name", "Компания"),
            ("phone", "Телефон"),
            ("phone:mobile", "Мобильный телефон"),
            ("phone:work", "Рабочий телефон"),
            ("phone:home", "Домашний телефон"),
            ("phone:other", "Другой телефон"),
            ("email", "E-mail"),
            ("messenger:other", "Другой мессенджер"),
            ("website", "Сайт"),
            ("street", "Адрес"),
            ("city", "Город"),
            ("region", "Регион"),
            ("postal_code", "Индекс"),
            ("country", "Страна"),
            ("birthday", "День рождения"),
            ("notes", "Заметки"),
            ("hobbies", "Хобби"),
            ("tags", "Теги"),
            ("category", "Категория"),
            ("source", "Источник"),
            ("preferred_channel", "Предпочтительный канал"),
            ("call_time", "Время звонка"),
            ("position", "Должность"),
            ("contact", "Контакт"),
        ],
        "uk" => &[
            ("kind", "Тип клієнта"),
            ("first_name", "Ім'я"),
            ("last_name", "Прізвище"),
            ("middle_name", "По батькові"),
            ("org_name", "Компанія"),
            ("phone", "Телефон"),
            ("phone:mobile", "Мобільний телефон"),
            ("phone:work", "Робочий телефон"),
            ("phone:home", "Домашній телефон"),
            ("phone:other", "Інший телефон"),
            ("email", "Ел. пошта"),
            ("messenger:other", "Інший месенджер"),
            ("website", "Сайт"),
            ("street", "Вулиця"),
            ("city", "Місто"),
            ("region", "Регіон"),
            ("postal_code", "Індекс"),
            ("country", "Країна"),
            ("birthday", "День народження"),
            ("notes", "Нотатки"),
            ("hobbies", "Хобі"),
            ("tags", "Мітки"),
            ("category", "Категорія"),
            ("source", "Джерело"),
            ("preferred_channel", "Бажаний канал зв'язку"),
            ("call_time", "Час дзвінка"),
            ("position", "Посада"),
            ("contact", "Контакт"),
        ],
        "el" => &[
            ("kind", "Τύπος πελάτη"),
            ("first_name", "Όνομα"),
            ("last_name", "Επώνυμο"),
            ("middle_name", "Πατρώνυμο"),
            ("org_name", "Εταιρεία"),
            ("phone", "Τηλέφωνο"),
            ("phone:mobile", "Κινητό τηλέφωνο"),
            ("phone:work", "Τηλέφωνο εργασίας"),
            ("phone:home", "Τηλέφωνο οικίας"),
            ("phone:other", "Άλλο τηλέφωνο"),
            ("email", "Email"),
            ("messenger:other", "Άλλο messenger"),
            ("website", "Ιστοσελίδα"),
            ("street", "Διεύθυνση"),
            ("city", "Πόλη"),
            ("region", "Περιοχή"),
            ("postal_code", "Ταχυδρομικός κώδικας"),
            ("country", "Χώρα"),
            ("birthday", "Γενέθλια"),
            ("notes", "Σημειώσεις"),
            ("hobbies", "Χόμπι"),
            ("tags", "Ετικέτες"),
            ("category", "Κατηγορία"),
            ("source", "Πηγή"),
            ("preferred_channel", "Προτιμώμενο κανάλι"),
            ("call_time", "Ώρα κλήσης"),
            ("position", "Θέση"),
            ("contact", "Επαφή"),
        ],
        _ => &[
            ("kind", "客户类型"),
            ("first_name", "名"),
            ("last_name", "姓"),
            ("middle_name", "中间名"),
            ("org_name", "公司"),
            ("phone", "电话"),
            ("phone:mobile", "手机"),
            ("phone:work", "工作电话"),
            ("phone:home", "家庭电话"),
            ("phone:other", "其他电话"),
            ("email", "电子邮件"),
            ("messenger:other", "其他即时通讯"),
            ("website", "网站"),
            ("street", "地址"),
            ("city", "城市"),
            ("region", "地区"),
            ("postal_code", "邮编"),
            ("country", "国家"),
            ("birthday", "生日"),
            ("notes", "备注"),
            ("hobbies", "爱好"),
            ("tags", "标签"),
            ("category", "类别"),
            ("source", "来源"),
            ("preferred_channel", "首选渠道"),
            ("call_time", "通话时间"),
            ("position", "职位"),
            ("contact", "联系人"),
        ],
    };
    HeaderLabels::from_map(
        l.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<HashMap<_, _>>(),
    )
}

#[test]
fn csv_round_trip_in_every_ui_language() {
    let clients = base(300);
    let (defs, cats) = (custom_fields(), categories());
    for (lang, delim) in [
        ("ru", b';'),
        ("uk", b';'),
        ("el", b';'),
        ("zh", b','),
        ("en", b','),
    ] {
        let labels = labels(lang);
        let ctx = ExportContext {
            categories: &cats,
            custom_fields: &defs,
            labels: &labels,
        };
        let bytes = export_csv(&clients, &ctx, delim);
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
        let table = read_table(&bytes, "export.csv", &ReadOptions::default()).unwrap();
        assert_eq!(table.delimiter, Some(delim as char), "{lang}");
        assert!(table.bom);
        assert!(table.header_detected, "{lang}");
        check_table(&clients, &table, &defs, &cats);
    }
}

#[test]
fn xlsx_round_trip_in_every_ui_language() {
    let clients = base(150);
    let (defs, cats) = (custom_fields(), categories());
    for lang in ["ru", "uk", "el", "zh"] {
        let labels = labels(lang);
        let ctx = ExportContext {
            categories: &cats,
            custom_fields: &defs,
            labels: &labels,
        };
        let bytes = export_xlsx(&clients, &ctx).unwrap();
        let table = read_table(&bytes, "export.xlsx", &ReadOptions::default()).unwrap();
        check_table(&clients, &table, &defs, &cats);
    }
}

#[test]
fn vcard_round_trip() {
    let clients = base(400);
    let (defs, cats) = (custom_fields(), categories());
    let labels = HeaderLabels::english();
    let ctx = ExportContext {
        categories: &cats,
        custom_fields: &defs,
        labels: &labels,
    };
    for version in [VcardVersion::V3, VcardVersion::V4] {
        let bytes = export_vcard(&clients, version, &ctx);
        let text = std::str::from_utf8(&bytes).unwrap();
        assert!(
            text.split("\r\n").all(|l| l.len() <= 75),
            "folded at 75 octets"
        );
        let opts = ConvertOptions {
            default_country: "UA",
            categories: &cats,
            custom_fields: &defs,
        };
        let v = read_vcard(&bytes, None, &opts).unwrap();
        assert_eq!(v.cards.len(), clients.len());
        for (c, card) in clients.iter().zip(&v.cards) {
            assert!(
                card.result.problems.is_empty(),
                "{:?}",
                card.result.problems
            );
            assert_eq!(card.uid.as_deref(), Some(c.id.as_str()));
            assert_eq!(
                card.version,
                if version == VcardVersion::V3 {
                    "3.0"
                } else {
                    "4.0"
                }
            );
            assert_eq!(
                comparable(card.result.input.clone(), false),
                comparable(c.data.clone(), false),
                "{version:?}"
            );
        }
    }
}

#[test]
fn xlsx_without_temp_files_is_the_same_workbook() {
    // The in-memory fallback writes the same cells as the streaming mode.
    let clients = base(50);
    let (defs, cats) = (custom_fields(), categories());
    let labels = HeaderLabels::english();
    let ctx = ExportContext {
        categories: &cats,
        custom_fields: &defs,
        labels: &labels,
    };
    let a = read_table(
        &export_xlsx(&clients, &ctx).unwrap(),
        "a.xlsx",
        &ReadOptions::default(),
    )
    .unwrap();
    let b = read_table(
        &export::export_xlsx_in_memory(&clients, &ctx).unwrap(),
        "b.xlsx",
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(a.rows, b.rows);
    assert_eq!(a.headers, b.headers);
}

#[test]
fn large_tables_convert_in_order() {
    // Above the pipeline threshold: chunks go through three threads and must come back in order.
    let clients = base(9_000);
    let (defs, cats) = (custom_fields(), categories());
    let labels = HeaderLabels::english();
    let ctx = ExportContext {
        categories: &cats,
        custom_fields: &defs,
        labels: &labels,
    };
    let table = read_table(
        &export_csv(&clients, &ctx, b','),
        "big.csv",
        &ReadOptions::default(),
    )
    .unwrap();
    check_table(&clients, &table, &defs, &cats);
}
