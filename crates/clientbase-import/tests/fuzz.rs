//! Property tests: no parser panics on any input, conversion never panics on any table and
//! mapping, and a converted row without errors passes the store's validation.

use chrono::NaiveDate;
use clientbase_core::model::*;
use clientbase_import::*;
use proptest::prelude::*;

fn corpus(path: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/corpus/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn names() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("x.csv".to_owned()),
        Just("x.xlsx".to_owned()),
        Just("x.xls".to_owned()),
        Just("x.ods".to_owned()),
        Just("x.vcf".to_owned()),
        Just("x.xlsb".to_owned()),
        Just("noext".to_owned()),
    ]
}

fn read_any(bytes: &[u8], name: &str) {
    let opts = ReadOptions::default();
    let conv = ConvertOptions::new("UA");
    if let Ok(Source::Table(t)) = read_file(bytes, name, &opts, &conv) {
        // Whatever was read converts.
        let m = t
            .headers
            .as_ref()
            .map(|h| propose_mapping(h))
            .unwrap_or_default();
        let rows = convert(&t, &m, &conv);
        assert_eq!(rows.len(), t.rows.len());
    }
    let _ = read_vcard(bytes, None, &conv);
    let _ = read_table(bytes, name, &opts);
}

/// Bytes that start like one of our formats, then go wrong.
fn prefixed_bytes() -> impl Strategy<Value = Vec<u8>> {
    let prefixes: Vec<Vec<u8>> = vec![
        b"PK\x03\x04".to_vec(),
        vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
        b"BEGIN:VCARD\r\n".to_vec(),
        b"\xEF\xBB\xBF".to_vec(),
        b"\xFF\xFE".to_vec(),
        b"sep=;\n".to_vec(),
        Vec::new(),
    ];
    (
        proptest::sample::select(prefixes),
        proptest::collection::vec(any::<u8>(), 0..2048),
    )
        .prop_map(|(mut p, rest)| {
            p.extend(rest);
            p
        })
}

/// Text that looks like a vCard: known property names, parameters, QP, folding, garbage.
fn vcard_text() -> impl Strategy<Value = String> {
    let name = proptest::sample::select(vec![
        "BEGIN",
        "END",
        "VERSION",
        "N",
        "FN",
        "TEL",
        "EMAIL",
        "ADR",
        "BDAY",
        "ORG",
        "TITLE",
        "NOTE",
        "URL",
        "IMPP",
        "X-SOCIALPROFILE",
        "PHOTO",
        "CATEGORIES",
        "item1.TEL",
        "item1.X-ABLabel",
        "X-CLIENTBASE-CUSTOM",
        "X-CLIENTBASE-CATEGORY",
        "KIND",
        "UID",
    ]);
    let param = proptest::sample::select(vec![
        "",
        ";CELL",
        ";TYPE=work",
        ";ENCODING=QUOTED-PRINTABLE",
        ";CHARSET=windows-1251",
        ";CHARSET=nonsense",
        ";ENCODING=b",
        ";X-NAME=\"a;b\"",
        ";type=pref;type=HOME",
        ";\"",
        ";VALUE=uri",
    ]);
    let value = "[ -~а-яΑ-ω王=;:,\\\\]{0,40}";
    let line = (name, param, value).prop_map(|(n, p, v)| format!("{n}{p}:{v}"));
    let sep = proptest::sample::select(vec!["\r\n", "\n", "\r\n ", "=\r\n", "\r\n\t"]);
    proptest::collection::vec((line, sep), 0..30).prop_map(|lines| {
        let mut s = String::from("BEGIN:VCARD\r\n");
        for (l, sep) in lines {
            s.push_str(&l);
            s.push_str(sep);
        }
        s
    })
}

/// CSV-like text in any of our delimiters and quoting, with values of every kind.
fn csv_text() -> impl Strategy<Value = String> {
    let cell = "[a-zA-Zа-яёΑ-ω王0-9 @.+()\"'=\\-/]{0,16}";
    let row = proptest::collection::vec(cell, 1..8);
    let delim = proptest::sample::select(vec![",", ";", "\t", "|"]);
    (proptest::collection::vec(row, 0..20), delim).prop_map(|(rows, d)| {
        rows.iter()
            .map(|r| r.join(d))
            .collect::<Vec<_>>()
            .join("\r\n")
    })
}

fn cell() -> impl Strategy<Value = Cell> {
    prop_oneof![
        Just(Cell::Empty),
        "[ -~]{1,20}".prop_map(|s| Cell::text(&s)),
        "[а-яёіїєА-Я ]{1,20}".prop_map(|s| Cell::text(&s)),
        "\\+?[0-9 ()\\-]{1,16}".prop_map(|s| Cell::text(&s)),
        "[a-z]{1,8}@[a-z]{1,8}\\.[a-z]{2,3}".prop_map(|s| Cell::text(&s)),
        "[0-9]{1,2}[./\\-][0-9]{1,2}([./\\-][0-9]{2,4})?".prop_map(|s| Cell::text(&s)),
        "[0-9]{1,2} (марта|мая|січня|Μαΐου|March|Dec)( [0-9]{4})?".prop_map(|s| Cell::text(&s)),
        "([0-9]{4}年)?[0-9]{1,2}月[0-9]{1,2}日".prop_map(|s| Cell::text(&s)),
        "(person|organization|юрлицо|call|sms|telegram|UA|Греция|中国|VIP|A|M|XL|;|:::|,)"
            .prop_map(|s| Cell::text(&s)),
        any::<f64>().prop_map(Cell::Number),
        (-1e6f64..3e6).prop_map(Cell::Number),
        (1800i32..2100, 1u32..13, 1u32..29)
            .prop_map(|(y, m, d)| Cell::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())),
    ]
}

fn target() -> impl Strategy<Value = Option<ClientTarget>> {
    let mut all: Vec<Option<ClientTarget>> =
        ClientTarget::choices().into_iter().map(Some).collect();
    all.push(None);
    all.push(Some(ClientTarget::Custom("Размер".into())));
    all.push(Some(ClientTarget::Custom("Volume".into())));
    all.push(Some(ClientTarget::Custom("Visit".into())));
    all.push(Some(ClientTarget::Custom("Not yet a field".into())));
    all.push(Some(ClientTarget::Contact(9, ContactField::FullName)));
    proptest::sample::select(all)
}

/// A CSV table of `rows` (lines from 1), with no header: what the converter tests feed it.
fn csv_table(rows: Vec<Vec<Cell>>) -> Table {
    Table {
        format: FileFormat::Csv,
        headers: None,
        header_line: None,
        rows: rows
            .into_iter()
            .enumerate()
            .map(|(i, cells)| Row { line: i + 1, cells })
            .collect(),
        width: 0,
        sheet_names: Vec::new(),
        sheet: None,
        encoding: None,
        encoding_detected: false,
        bom: false,
        delimiter: None,
        header_detected: false,
    }
}

fn defs() -> Vec<CustomFieldDef> {
    let def = |id: &str, name: &str, kind, options: &[&str]| CustomFieldDef {
        id: id.into(),
        name: name.into(),
        kind,
        options: options.iter().map(|s| (*s).into()).collect(),
        position: 0,
    };
    vec![
        def("f1", "Размер", CustomFieldKind::Choice, &["S", "M", "L"]),
        def("f2", "Volume", CustomFieldKind::Number, &[]),
        def("f3", "Visit", CustomFieldKind::Date, &[]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096), name in names()) {
        read_any(&bytes, &name);
    }

    #[test]
    fn format_prefixed_garbage_never_panics(bytes in prefixed_bytes(), name in names()) {
        read_any(&bytes, &name);
    }

    #[test]
    fn vcard_like_text_never_panics(text in vcard_text()) {
        read_any(text.as_bytes(), "x.vcf");
        // The same bytes in a legacy encoding.
        let (cp, _, _) = encoding_rs::WINDOWS_1251.encode(&text);
        read_any(&cp, "x.vcf");
    }

    #[test]
    fn csv_like_text_reads_and_converts(text in csv_text()) {
        let bytes = text.as_bytes();
        if let Ok(t) = read_table(bytes, "x.csv", &ReadOptions::default()) {
            prop_assert!(t.rows.iter().all(|r| r.cells.iter().any(|c| !c.is_empty())), "no empty rows");
            prop_assert!(t.rows.windows(2).all(|w| w[0].line < w[1].line), "lines ascend");
            if let Some(h) = &t.headers {
                prop_assert_eq!(h.len(), t.width);
            }
        }
        read_any(bytes, "x.csv");
    }

    #[test]
    fn corpus_files_with_flipped_bytes_never_panic(
        file in proptest::sample::select(vec![
            "xlsx/excel_formulas_merged.xlsx", "xlsx/openpyxl_two_sheets.xlsx", "xls/clients.xls",
            "ods/clients.ods", "vcard/android_21.vcf", "vcard/outlook_21_cp1251.vcf",
            "csv/gb18030_comma_zh.csv",
        ]),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut bytes = corpus(file);
        for (i, b) in flips {
            let i = i.index(bytes.len());
            bytes[i] = b;
        }
        read_any(&bytes, file);
    }

    /// Any table, any mapping: conversion neither panics nor loses rows, and a row it reports no
    /// error for is one the store accepts.
    #[test]
    fn convert_any_table(
        rows in proptest::collection::vec(proptest::collection::vec(cell(), 0..10), 0..12),
        mapping in proptest::collection::vec(target(), 0..12),
        country in proptest::sample::select(vec!["UA", "RU", "GR", "CN", "US", "DE", "", "XX"]),
    ) {
        let table = csv_table(rows);
        let defs = defs();
        let opts = ConvertOptions { default_country: country, categories: &[], custom_fields: &defs };
        let out = convert(&table, &mapping, &opts);
        prop_assert_eq!(out.len(), table.rows.len());
        for r in &out {
            if !r.has_errors() && !country.is_empty() && country != "XX" {
                let errs = clientbase_core::validate::validate(&r.input, country, &defs);
                prop_assert!(errs.is_empty(), "{:?} from {:?}: {:?}", r.problems, r.input, errs);
            }
            for p in &r.problems {
                prop_assert!(p.column.is_none_or(|c| c < mapping.len()));
                prop_assert!(!p.code.contains(' '), "codes, not sentences");
            }
        }
    }

    /// Consuming the table (`convert_table`: text cells moved into the fields) gives what
    /// `convert` gives, also for hand-built tables whose text cells are not trimmed (joined, not
    /// moved) and mappings naming a field twice.
    #[test]
    fn convert_table_gives_what_convert_gives(
        rows in proptest::collection::vec(
            proptest::collection::vec(
                prop_oneof![4 => cell(), 1 => " ?[a-z]{0,6} ?".prop_map(Cell::Text)],
                0..10,
            ),
            0..12,
        ),
        mapping in proptest::collection::vec(target(), 0..12),
        country in proptest::sample::select(vec!["UA", "US", ""]),
    ) {
        let table = csv_table(rows);
        let defs = defs();
        let opts = ConvertOptions { default_country: country, categories: &[], custom_fields: &defs };
        let out = convert(&table, &mapping, &opts);
        prop_assert_eq!(convert_table(table, &mapping, &opts), out);
    }

    #[test]
    fn text_helpers_never_panic(s in "\\PC{0,60}") {
        let _ = dates::parse_date_text(&s, dates::DateOrder::DayFirst);
        let _ = dates::parse_date_text(&s, dates::DateOrder::MonthFirst);
        let _ = names::split_full_name(&s);
        let _ = names::looks_like_org(&s);
        let _ = propose_mapping(std::slice::from_ref(&s));
        let _ = ClientTarget::from_code(&s);
    }
}

/// Rows made of valid values in every written form convert without a single problem and pass the
/// store's validation (so the invariant above is not vacuous).
fn valid_row() -> impl Strategy<Value = (Vec<Cell>, (u8, u8, Option<i32>))> {
    let full_name = proptest::sample::select(vec![
        "Петров Иван Сергеевич",
        "Иван Петров",
        "Шевченко Тарас",
        "Γιώργος Παπαδόπουλος",
        "王秀英",
        "欧阳娜娜",
        "John Ronald Smith",
        "Smith, John",
        "Anna Schmidt",
    ]);
    let phone = proptest::sample::select(vec![
        "067 123 45 67",
        "+380 67 123 45 67",
        "0671234567",
        "+7 912 345 67 89",
        "+30 691 234 5678",
        "+86 138 0013 8000",
        "+1 201-555-0123",
        "+49 151 23456789",
        "380671234567",
    ]);
    let email = "[a-z]{1,8}(\\.[a-z]{1,5})?@[a-z]{2,8}\\.(com|ua|gr|cn)";
    let date = (1950i32..2005, 1u32..13, 1u32..29, 0usize..8, any::<bool>());
    let size = proptest::sample::select(vec!["S", "m", " L "]);
    (full_name, phone, email, date, size, 0.0f64..1e6).prop_map(
        |(n, p, e, (y, m, d, form, with_year), size, vol)| {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let months_ru = [
                "января",
                "февраля",
                "марта",
                "апреля",
                "мая",
                "июня",
                "июля",
                "августа",
                "сентября",
                "октября",
                "ноября",
                "декабря",
            ];
            let (text, year) = match (form, with_year) {
                (0, _) => (Cell::Date(date), Some(y)),
                (1, _) => (Cell::Text(format!("{d:02}.{m:02}.{y}")), Some(y)),
                (2, _) => (Cell::Text(format!("{y}-{m:02}-{d:02}")), Some(y)),
                (3, true) => (
                    Cell::Text(format!("{d} {} {y}", months_ru[m as usize - 1])),
                    Some(y),
                ),
                (3, false) => (
                    Cell::Text(format!("{d} {}", months_ru[m as usize - 1])),
                    None,
                ),
                (4, _) => (Cell::Text(format!("{y}年{m}月{d}日")), Some(y)),
                (5, _) => (Cell::Text(format!("--{m:02}-{d:02}")), None),
                (6, _) => (Cell::Text(format!("{y}{m:02}{d:02}")), Some(y)),
                _ => (Cell::Text(format!("{d:02}.{m:02}")), None),
            };
            let cells = vec![
                Cell::text(n),
                Cell::text(p),
                Cell::text(&e),
                text,
                Cell::text(size),
                Cell::Number(vol),
                Cell::text("Киев"),
            ];
            (cells, (d as u8, m as u8, year))
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn well_formed_rows_convert_cleanly(rows in proptest::collection::vec(valid_row(), 1..20)) {
        let mut table = read_table(b"a,b\n1,2\n", "x.csv", &ReadOptions::default()).unwrap();
        table.headers = None;
        table.rows = rows
            .iter()
            .enumerate()
            .map(|(i, (cells, _))| Row { line: i + 1, cells: cells.clone() })
            .collect();
        let mapping = vec![
            Some(ClientTarget::FullName),
            Some(ClientTarget::Phone(None)),
            Some(ClientTarget::Email(String::new())),
            Some(ClientTarget::Birthday),
            Some(ClientTarget::Custom("Размер".into())),
            Some(ClientTarget::Custom("Volume".into())),
            Some(ClientTarget::City),
        ];
        let defs = defs();
        let opts = ConvertOptions { default_country: "UA", categories: &[], custom_fields: &defs };
        let out = convert(&table, &mapping, &opts);
        for (r, (_, (d, m, y))) in out.iter().zip(&rows) {
            prop_assert!(r.problems.iter().all(|p| p.code == "phone_not_mobile"), "{:?}", r.problems);
            prop_assert_eq!(r.input.birthday, Some(Birthday { day: *d, month: *m, year: *y }));
            prop_assert_eq!(r.input.custom.len(), 2);
            prop_assert!(!r.input.first_name.is_empty() && !r.input.last_name.is_empty());
            prop_assert!(clientbase_core::validate::validate(&r.input, "UA", &defs).is_empty());
        }
    }
}
