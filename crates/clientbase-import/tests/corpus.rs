//! Reads every file of `tests/corpus/` (see `make_corpus.py` for how each was made) and checks what
//! comes out: detection, decoding, header mapping, conversion, problems, and clean errors for the
//! broken ones.

use clientbase_core::model::*;
use clientbase_import::*;

fn corpus(path: &str) -> Vec<u8> {
    let p = format!("{}/tests/corpus/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn table(path: &str) -> Table {
    read_table(&corpus(path), path, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn mapping(t: &Table) -> Vec<Option<ClientTarget>> {
    propose_mapping(t.headers.as_ref().expect("a header row"))
}

fn rows(path: &str, country: &str) -> (Table, Vec<RowResult>) {
    let t = table(path);
    let m = mapping(&t);
    let r = convert(&t, &m, &ConvertOptions::new(country));
    // An import consumes the table (cells moved into the rows): the same rows.
    assert_eq!(
        convert_table(t.clone(), &m, &ConvertOptions::new(country)),
        r,
        "{path}"
    );
    (t, r)
}

fn codes(r: &RowResult) -> Vec<(&str, Option<usize>)> {
    r.problems
        .iter()
        .map(|p| (p.code.as_str(), p.column))
        .collect()
}

fn codes_of(mapping: &[Option<ClientTarget>]) -> Vec<String> {
    mapping
        .iter()
        .map(|t| t.as_ref().map(|t| t.code()).unwrap_or_default())
        .collect()
}

fn bd(day: u8, month: u8, year: Option<i32>) -> Option<Birthday> {
    Some(Birthday { day, month, year })
}

fn e164s(i: &ClientInput) -> Vec<(PhoneKind, Option<&str>)> {
    i.phones
        .iter()
        .map(|p| (p.kind, p.e164.as_deref()))
        .collect()
}

fn vcards(path: &str, country: &str) -> VcardImport {
    read_vcard(&corpus(path), None, &ConvertOptions::new(country))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

// ---------------------------------------------------------------------------------------------
// Delimited text

#[test]
fn encodings_and_delimiters_are_detected() {
    let cases = [
        ("csv/utf8_comma_en.csv", "UTF-8", ',', false, "Name"),
        ("csv/utf8_bom_semicolon_ru.csv", "UTF-8", ';', true, "ФИО"),
        (
            "csv/cp1251_semicolon_ru.csv",
            "windows-1251",
            ';',
            false,
            "Фамилия",
        ),
        ("csv/koi8u_tab_uk.tsv", "KOI8-U", '\t', false, "Прізвище"),
        (
            "csv/cp1253_comma_el.csv",
            "windows-1253",
            ',',
            false,
            "Επώνυμο",
        ),
        ("csv/gb18030_comma_zh.csv", "gb18030", ',', false, "姓名"),
        (
            "csv/excel_unicode_text.txt",
            "UTF-16LE",
            '\t',
            true,
            "Фамилия",
        ),
        ("csv/google_contacts.csv", "UTF-8", ',', false, "First Name"),
        ("csv/excel_sep_line.csv", "UTF-8", ';', false, "Name"),
    ];
    for (path, enc, delim, bom, first) in cases {
        let t = table(path);
        assert_eq!(t.format, FileFormat::Csv, "{path}");
        assert_eq!(t.encoding.as_deref(), Some(enc), "{path}");
        assert!(t.encoding_detected, "{path}");
        assert_eq!(t.bom, bom, "{path}");
        assert_eq!(t.delimiter, Some(delim), "{path}");
        assert!(t.header_detected, "{path}");
        assert_eq!(t.headers.as_ref().unwrap()[0], first, "{path}");
    }
    // The legacy encodings decode into the right letters, not look-alikes.
    let uk = table("csv/koi8u_tab_uk.tsv");
    assert_eq!(uk.rows[2].cells[0], Cell::Text("Їжакевич".into()));
    assert_eq!(uk.headers.as_ref().unwrap()[1], "Ім'я");
    let el = table("csv/cp1253_comma_el.csv");
    assert_eq!(el.rows[1].cells[6], Cell::Text("Ώρα κλήσης: πρωί".into()));
    let ru = table("csv/cp1251_semicolon_ru.csv");
    assert_eq!(ru.rows[1].cells[0], Cell::Text("Ёлкина".into()));
}

#[test]
fn russian_windows_1251() {
    let (t, r) = rows("csv/cp1251_semicolon_ru.csv", "UA");
    assert_eq!(
        codes_of(&mapping(&t)),
        [
            "last_name",
            "first_name",
            "middle_name",
            "phone",
            "city",
            "birthday"
        ]
    );
    assert_eq!(r.len(), 3);
    let a = &r[0].input;
    assert_eq!(
        (
            a.last_name.as_str(),
            a.first_name.as_str(),
            a.middle_name.as_str()
        ),
        ("Шевченко", "Тарас", "Григорьевич")
    );
    assert_eq!(e164s(a), [(PhoneKind::Mobile, Some("+380671234567"))]);
    assert_eq!(a.birthday, bd(9, 3, Some(1974)));
    assert_eq!(a.address.city, "Киев");
    assert_eq!(r[1].input.birthday, bd(29, 2, None), "29.02 without a year");
    // A Kyiv landline in a generic phone column is kept as "other", no problem.
    assert_eq!(
        e164s(&r[2].input),
        [(PhoneKind::Other, Some("+380441234567"))]
    );
    assert!(r.iter().all(|x| x.problems.is_empty()), "{r:?}");
    assert_eq!(r.iter().map(|x| x.line).collect::<Vec<_>>(), [2, 3, 4]);
}

#[test]
fn ukrainian_koi8u_tsv() {
    let (t, r) = rows("csv/koi8u_tab_uk.tsv", "UA");
    assert_eq!(
        codes_of(&mapping(&t)),
        [
            "last_name",
            "first_name",
            "middle_name",
            "phone:mobile",
            "city",
            "birthday"
        ]
    );
    assert_eq!(
        r[0].input.birthday,
        bd(3, 5, Some(1990)),
        "3 травня 1990 р."
    );
    assert_eq!(r[1].input.birthday, bd(17, 11, Some(1969)));
    assert_eq!(r[2].input.last_name, "Їжакевич");
    assert!(r.iter().all(|x| x.problems.is_empty()), "{r:?}");
}

#[test]
fn greek_windows_1253() {
    let (t, r) = rows("csv/cp1253_comma_el.csv", "GR");
    assert_eq!(
        codes_of(&mapping(&t)),
        [
            "last_name",
            "first_name",
            "phone:mobile",
            "email",
            "city",
            "birthday",
            "notes"
        ]
    );
    let g = &r[0].input;
    assert_eq!(
        (g.first_name.as_str(), g.last_name.as_str()),
        ("Γιώργος", "Παπαδόπουλος")
    );
    assert_eq!(e164s(g), [(PhoneKind::Mobile, Some("+306912345678"))]);
    assert_eq!(
        g.birthday,
        bd(12, 3, Some(1980)),
        "12/03/1980 is day-first here"
    );
    assert_eq!(g.notes, "Φαρμακείο, Άνω Πόλη");
    assert_eq!(r[1].input.birthday, bd(5, 11, None));
    assert!(r.iter().all(|x| x.problems.is_empty()), "{r:?}");
    // The same numbers read with a Ukrainian default are flagged, not dropped.
    let (_, ua) = rows("csv/cp1253_comma_el.csv", "UA");
    assert_eq!(codes(&ua[0]), [("phone_invalid", Some(2))]);
    assert_eq!(ua[0].input.phones[0].raw, "69 1234 5678");
    assert!(ua[0].has_errors());
}

#[test]
fn chinese_gb18030() {
    let (t, r) = rows("csv/gb18030_comma_zh.csv", "CN");
    assert_eq!(
        codes_of(&mapping(&t)),
        [
            "full_name",
            "phone:mobile",
            "email",
            "city",
            "birthday",
            "org_name",
            "notes"
        ]
    );
    let w = &r[0].input;
    assert_eq!(
        (w.last_name.as_str(), w.first_name.as_str()),
        ("王", "秀英")
    );
    assert_eq!(w.org_name, "北京华为有限公司");
    assert_eq!(w.kind, ClientKind::Person);
    assert_eq!(w.birthday, bd(1, 6, Some(1985)));
    assert_eq!(e164s(w), [(PhoneKind::Mobile, Some("+8613800138000"))]);
    let n = &r[1].input;
    assert_eq!(
        (n.last_name.as_str(), n.first_name.as_str()),
        ("欧阳", "娜娜")
    );
    assert_eq!(n.birthday, bd(12, 3, None));
    assert_eq!(r[2].input.birthday, bd(15, 7, Some(1990)));
    assert!(r.iter().all(|x| x.problems.is_empty()), "{r:?}");
}

#[test]
fn russian_utf8_bom_with_problems() {
    let (t, r) = rows("csv/utf8_bom_semicolon_ru.csv", "RU");
    assert_eq!(
        codes_of(&mapping(&t)),
        [
            "full_name",
            "phone:mobile",
            "email",
            "city",
            "birthday",
            "org_name",
            "notes"
        ]
    );
    let p = &r[0].input;
    assert_eq!(
        (
            p.last_name.as_str(),
            p.first_name.as_str(),
            p.middle_name.as_str()
        ),
        ("Петров", "Иван", "Сергеевич")
    );
    assert_eq!(p.org_name, "ООО «Ромашка»");
    assert_eq!(e164s(p), [(PhoneKind::Mobile, Some("+79123456789"))]);
    assert_eq!(p.notes, "Звонить после 14:00; не по пятницам");
    assert_eq!(r[1].input.birthday, bd(12, 3, None), "12 марта");
    assert_eq!(r[1].input.first_name, "Алёна");
    // Row 3: every problem is reported, with its column; the values are kept.
    assert_eq!(
        codes(&r[2]),
        [
            ("phone_invalid", Some(1)),
            ("email_invalid", Some(2)),
            ("birthday_invalid", Some(4))
        ]
    );
    assert_eq!(r[2].input.phones[0].raw, "не помню");
    assert_eq!(r[2].input.emails[0].address, "ivanov@");
    assert_eq!(r[2].input.birthday, None);
    let sev: Vec<Severity> = r[2].problems.iter().map(|p| p.severity).collect();
    assert_eq!(sev, [Severity::Error, Severity::Error, Severity::Warning]);
}

#[test]
fn english_with_month_first_dates_and_an_organisation() {
    let (_, r) = rows("csv/utf8_comma_en.csv", "US");
    assert_eq!(r[0].input.birthday, bd(12, 3, Some(1980)));
    assert_eq!(
        r[1].input.birthday,
        bd(31, 12, Some(1975)),
        "12/31/1975 makes the column month-first"
    );
    assert_eq!(
        e164s(&r[0].input),
        [(PhoneKind::Mobile, Some("+447911123456"))]
    );
    assert_eq!(r[1].input.phones[0].e164.as_deref(), Some("+12015550123"));
    let org = &r[2].input;
    assert_eq!(org.kind, ClientKind::Organization);
    assert_eq!(org.org_name, "Blue River Pharmacy");
    assert!(r.iter().all(|x| !x.has_errors()), "{r:?}");
}

#[test]
fn files_without_a_header() {
    let t = table("csv/utf8_pipe_noheader.csv");
    assert_eq!(t.delimiter, Some('|'));
    assert_eq!(t.headers, None);
    assert!(!t.header_detected);
    assert_eq!(t.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 2, 3]);
    let m = vec![
        Some(ClientTarget::FullName),
        Some(ClientTarget::Phone(None)),
        Some(ClientTarget::Email(String::new())),
        Some(ClientTarget::City),
    ];
    let r = convert(&t, &m, &ConvertOptions::new("UA"));
    let names: Vec<(&str, &str)> = r
        .iter()
        .map(|x| (x.input.last_name.as_str(), x.input.first_name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("Петров", "Иван"),
            ("Schmidt", "Anna"),
            ("Παπαδόπουλος", "Γιώργος")
        ]
    );
    assert!(r.iter().all(|x| x.problems.is_empty()), "{r:?}");

    let q = table("csv/utf8_semicolon_noheader_quoted.csv");
    assert_eq!(q.headers, None);
    assert_eq!(q.rows.len(), 2);
    assert_eq!(q.rows[0].cells[2], Cell::Text("Киев; Оболонь".into()));
    assert_eq!(
        q.rows[0].cells[3],
        Cell::Text("Первая строка\nвторая строка".into())
    );
    assert_eq!(q.rows[1].cells[3], Cell::Text("Quote: \"VIP\"".into()));
    assert_eq!(q.rows[1].line, 3, "the quoted new line counts");
    let r = convert(
        &q,
        &[
            Some(ClientTarget::FullName),
            Some(ClientTarget::Phone(None)),
        ],
        &ConvertOptions::new("UA"),
    );
    assert_eq!(r[1].input.last_name, "Smith");
    assert_eq!(r[1].input.first_name, "John");
}

#[test]
fn excel_conventions() {
    let t = table("csv/excel_sep_line.csv");
    assert_eq!(t.header_line, Some(2));
    assert_eq!(t.rows[0].cells[0], Cell::Text("Anna Schmidt".into()));
    let (_, r) = rows("csv/excel_unicode_text.txt", "UA");
    assert_eq!(r[1].input.last_name, "王");
    assert_eq!(r[1].input.phones[0].e164.as_deref(), Some("+8613800138000"));
}

#[test]
fn google_contacts_csv() {
    let (t, r) = rows("csv/google_contacts.csv", "UA");
    let m = codes_of(&mapping(&t));
    let h = t.headers.as_ref().unwrap();
    let of = |name: &str| m[h.iter().position(|x| x == name).unwrap()].as_str();
    assert_eq!(of("Phonetic First Name"), "");
    assert_eq!(of("Nickname"), "");
    assert_eq!(of("Name Suffix"), "");
    assert_eq!(of("Organization Title"), "position");
    assert_eq!(of("Labels"), "tags");
    assert_eq!(of("E-mail 1 - Label"), "email_type");
    assert_eq!(of("Phone 2 - Label"), "phone_type");
    assert_eq!(of("Phone 2 - Value"), "phone");
    assert_eq!(of("Address 1 - Formatted"), "");
    assert_eq!(of("Address 1 - City"), "city");
    assert_eq!(of("Address 1 - Country"), "country");
    let o = &r[0].input;
    assert_eq!(o.org_name, "Аптека №5");
    assert_eq!(
        e164s(o),
        [
            (PhoneKind::Mobile, Some("+380677654321")),
            (PhoneKind::Work, Some("+380441234567"))
        ]
    );
    assert_eq!(
        o.emails,
        [Email {
            label: "work".into(),
            address: "olena@ukr.net".into()
        }]
    );
    assert_eq!(o.tags, ["Аптеки"], "Google's system group is no tag");
    assert_eq!(
        o.notes, "провізор\nДзвонити зранку",
        "the title leads the notes"
    );
    assert_eq!(o.address.street, "вул. Хрещатик, 1");
    assert_eq!(o.address.city, "Київ");
    assert_eq!(o.address.postal_code, "01001");
    assert_eq!(o.address.country, "UA");
    assert_eq!(o.website, "https://apteka5.example.ua");
    assert!(r[0].problems.is_empty(), "{:?}", r[0].problems);
    // ":::" separates several values in one cell; the type applies to all of them.
    let a = &r[1].input;
    assert_eq!(a.emails.len(), 2);
    assert!(a.emails.iter().all(|e| e.label == "personal"));
    assert_eq!(
        e164s(a),
        [
            (PhoneKind::Mobile, Some("+4915123456789")),
            (PhoneKind::Other, Some("+49301234567"))
        ]
    );
    assert_eq!(codes(&r[1]), [("phone_not_mobile", Some(18))]);
    assert!(!r[1].has_errors());
    assert_eq!(a.birthday, bd(12, 3, None));
    assert_eq!(a.address.country, "DE");
}

#[test]
fn outlook_csv() {
    let (t, r) = rows("csv/outlook_contacts.csv", "US");
    let m = codes_of(&mapping(&t));
    assert_eq!(m[0], "", "Outlook's Title is an honorific");
    assert_eq!(m[13], "", "Business Fax");
    assert_eq!(&m[14..17], ["phone:work", "phone:home", "phone:mobile"]);
    let b = &r[0].input;
    assert_eq!(b.birthday, bd(13, 4, Some(1970)));
    assert_eq!(b.tags, ["Key", "Wholesale"]);
    assert_eq!(b.address.country, "US");
    assert_eq!(b.address.region, "WA");
    assert_eq!(b.emails.len(), 2);
    assert_eq!(b.website, "www.northwind.example");
    assert_eq!(
        r[1].input.birthday,
        bd(2, 11, Some(1982)),
        "11/2/1982, month first"
    );
    assert!(r.iter().all(|x| x.problems.is_empty()), "{r:?}");
}

#[test]
fn manual_overrides() {
    let bytes = corpus("broken/wrong_encoding_cp1251.csv");
    let forced = ReadOptions {
        encoding: Some("utf-8".into()),
        ..Default::default()
    };
    let err = read_table(&bytes, "x.csv", &forced).unwrap_err();
    assert_eq!(err.code(), "encoding_mismatch");
    assert_eq!(err.params().get("offset").map(String::as_str), Some("0"));
    let ok = ReadOptions {
        encoding: Some("cp1251".into()),
        ..Default::default()
    };
    let t = read_table(&bytes, "x.csv", &ok).unwrap();
    assert_eq!(t.encoding.as_deref(), Some("windows-1251"));
    assert!(!t.encoding_detected);
    assert_eq!(t.rows[0].cells[0], Cell::Text("Иван".into()));
    let bad = ReadOptions {
        encoding: Some("martian".into()),
        ..Default::default()
    };
    assert_eq!(
        read_table(&bytes, "x.csv", &bad).unwrap_err().code(),
        "unknown_encoding"
    );
    // Forced delimiter and header modes.
    let comma = ReadOptions {
        delimiter: Some(','),
        header: HeaderMode::Absent,
        ..Default::default()
    };
    let t = read_table(&corpus("csv/excel_sep_line.csv"), "x.csv", &comma).unwrap();
    assert_eq!(t.delimiter, Some(','));
    assert_eq!(t.headers, None);
    assert_eq!(t.rows[0].cells[0], Cell::Text("Name;Phone;City".into()));
    let present = ReadOptions {
        header: HeaderMode::Present,
        ..Default::default()
    };
    let t = read_table(&corpus("csv/utf8_pipe_noheader.csv"), "x.csv", &present).unwrap();
    assert_eq!(t.headers.as_ref().unwrap()[0], "Иван Петров");
    assert_eq!(t.rows.len(), 2);
    assert!(!t.header_detected);
}

// ---------------------------------------------------------------------------------------------
// Workbooks

#[test]
fn xlsx_formulas_merges_dates_empty_rows() {
    let t = table("xlsx/excel_formulas_merged.xlsx");
    assert_eq!(t.format, FileFormat::Xlsx);
    assert_eq!(t.sheet_names, ["Клиенты", "Скрытый"]);
    assert_eq!(t.sheet.as_deref(), Some("Клиенты"));
    assert_eq!(
        t.header_line,
        Some(2),
        "the merged title row above is skipped"
    );
    assert_eq!(
        t.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
        [3, 4, 5, 7]
    );
    // Formulas give their cached values.
    assert_eq!(t.rows[0].cells[2], Cell::Text("Петров Иван".into()));
    assert_eq!(t.rows[2].cells[3], Cell::Text("+380 50 765 43 21".into()));
    // A vertically merged company fills its three rows.
    for r in &t.rows[..3] {
        assert_eq!(r.cells[4], Cell::Text("ООО «Ромашка»".into()));
    }
    assert_eq!(
        t.rows[0].cells[5],
        Cell::Date(chrono::NaiveDate::from_ymd_opt(1980, 3, 12).unwrap())
    );
    assert_eq!(
        t.rows[0].cells[6],
        Cell::Text("14:00".into()),
        "a time cell"
    );
    assert_eq!(t.rows[0].cells[3], Cell::Number(380671234567.0));
    assert_eq!(t.rows[3].cell(5), &Cell::Empty, "#N/A reads as empty");
    let m = mapping(&t);
    assert_eq!(
        codes_of(&m),
        [
            "last_name",
            "first_name",
            "full_name",
            "phone",
            "org_name",
            "birthday",
            "call_time"
        ]
    );
    let r = convert(&t, &m, &ConvertOptions::new("UA"));
    assert_eq!(r[0].input.phones[0].e164.as_deref(), Some("+380671234567"));
    assert_eq!(r[0].input.birthday, bd(12, 3, Some(1980)));
    assert_eq!(r[0].input.call_time, "14:00");
    assert_eq!(
        r[1].input.phones[0].raw, "+79123456789",
        "a number that lost its +"
    );
    assert_eq!(r[1].input.birthday, bd(29, 2, Some(1988)));
    assert_eq!(r[3].input.org_name, "ТОВ Світанок");
    assert!(r.iter().all(|x| x.problems.is_empty()), "{r:?}");
    // A sheet chosen by name (hidden ones too); an unknown one is an error.
    let opts = ReadOptions {
        sheet: Some("скрытый".into()),
        ..Default::default()
    };
    let h = read_table(&corpus("xlsx/excel_formulas_merged.xlsx"), "a.xlsx", &opts).unwrap();
    assert_eq!(h.sheet.as_deref(), Some("Скрытый"));
    let opts = ReadOptions {
        sheet: Some("Nope".into()),
        ..Default::default()
    };
    let e = read_table(&corpus("xlsx/excel_formulas_merged.xlsx"), "a.xlsx", &opts).unwrap_err();
    assert_eq!(e, ImportError::SheetNotFound("Nope".into()));
}

#[test]
fn xlsx_data_on_the_second_sheet() {
    let (t, r) = rows("xlsx/openpyxl_two_sheets.xlsx", "GR");
    assert_eq!(
        t.sheet.as_deref(),
        Some("Clients"),
        "not the instructions sheet"
    );
    assert_eq!(
        codes_of(&mapping(&t)),
        [
            "first_name",
            "last_name",
            "phone",
            "email",
            "city",
            "birthday",
            "tags"
        ]
    );
    assert_eq!(r.len(), 3, "the empty row is skipped");
    assert_eq!(r[0].input.birthday, bd(15, 8, Some(1975)));
    assert_eq!(r[0].input.tags, ["χονδρική", "φαρμακείο"]);
    assert_eq!(r[1].input.phones[0].e164.as_deref(), Some("+306977654321"));
    assert_eq!(
        r[1].input.birthday,
        bd(5, 1, Some(1992)),
        "a date-time cell"
    );
    assert_eq!(
        r[2].input.birthday,
        bd(15, 8, Some(1968)),
        "a date typed as text"
    );
    assert_eq!(
        e164s(&r[2].input),
        [(PhoneKind::Other, Some("+302101234567"))]
    );
    assert!(r.iter().all(|x| x.problems.is_empty()), "{r:?}");
}

#[test]
fn xls_companies_with_contact_persons() {
    let (t, r) = rows("xls/clients.xls", "UA");
    assert_eq!(t.format, FileFormat::Xls);
    assert_eq!(
        codes_of(&mapping(&t)),
        [
            "org_name",
            "contact1:full_name",
            "phone",
            "city",
            "birthday",
            ""
        ]
    );
    assert_eq!(r.len(), 3);
    let a = &r[0].input;
    assert_eq!(a.kind, ClientKind::Organization);
    assert_eq!(a.org_name, "Аптека «Здоровье»");
    assert_eq!(a.contacts.len(), 1);
    let c = &a.contacts[0];
    assert_eq!(
        (
            c.last_name.as_str(),
            c.first_name.as_str(),
            c.middle_name.as_str()
        ),
        ("Петренко", "Олег", "Іванович")
    );
    assert_eq!(
        c.birthday,
        bd(1, 4, Some(1979)),
        "an organisation's birthday is its contact's"
    );
    assert_eq!(a.birthday, None);
    // The merged company cell fills the second row.
    assert_eq!(r[1].input.org_name, "Аптека «Здоровье»");
    assert_eq!(r[1].input.phones[0].e164.as_deref(), Some("+380505551235"));
    assert_eq!(
        codes(&r[2]),
        [("phone_invalid", Some(2))],
        "a Russian 8-prefix number in UA"
    );
    let (_, ru) = rows("xls/clients.xls", "RU");
    assert!(ru[2].problems.is_empty());
}

#[test]
fn ods_dates_formulas_and_empty_rows() {
    let (t, r) = rows("ods/clients.ods", "DE");
    assert_eq!(t.format, FileFormat::Ods);
    assert_eq!(t.sheet.as_deref(), Some("Clients"));
    assert_eq!(t.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3, 5]);
    assert_eq!(
        codes_of(&mapping(&t)),
        [
            "full_name",
            "org_name",
            "phone:mobile",
            "email",
            "birthday",
            "tags"
        ]
    );
    assert_eq!(r[0].input.birthday, bd(14, 7, Some(1983)));
    assert_eq!(r[0].input.tags, ["vip", "online"], "the formula's value");
    assert_eq!(r[0].input.org_name, "Müller GmbH");
    assert_eq!(r[1].input.birthday, bd(2, 11, None));
    assert_eq!(r[1].input.phones[0].e164.as_deref(), Some("+4917012345678"));
    assert_eq!(r[2].input.last_name, "王");
    assert_eq!(r[2].input.tags, ["批发"]);
}

// ---------------------------------------------------------------------------------------------
// vCards

#[test]
fn android_21_quoted_printable() {
    let v = vcards("vcard/android_21.vcf", "UA");
    assert_eq!(v.cards.len(), 2);
    let c = &v.cards[0];
    assert_eq!(c.version, "2.1");
    let i = &c.result.input;
    assert_eq!(
        (
            i.last_name.as_str(),
            i.first_name.as_str(),
            i.middle_name.as_str()
        ),
        ("Петров", "Иван", "Сергеевич")
    );
    assert_eq!(i.org_name, "ООО «Ромашка»");
    assert_eq!(
        e164s(i),
        [
            (PhoneKind::Mobile, Some("+380671234567")),
            (PhoneKind::Work, Some("+380441234567")),
            (PhoneKind::Home, Some("+380447654321"))
        ]
    );
    assert_eq!(i.emails[0].label, "personal");
    assert_eq!(i.birthday, bd(29, 2, Some(1980)));
    assert!(i.notes.starts_with("Директор\nДлинная заметка"));
    assert!(
        i.notes.ends_with("мягкими переносами."),
        "soft line breaks joined: {}",
        i.notes
    );
    let photo = c.photo.as_ref().unwrap();
    assert_eq!(photo.bytes, 3000);
    assert_eq!(photo.media_type.as_deref(), Some("image/jpeg"));
    assert!(c.result.problems.is_empty(), "{:?}", c.result.problems);
    assert_eq!(v.cards[1].result.line, 81);
    assert_eq!(v.cards[1].result.input.birthday, bd(14, 7, Some(1983)));
}

#[test]
fn ios_30_groups_and_social_profiles() {
    let v = vcards("vcard/ios_30.vcf", "UA");
    let i = &v.cards[0].result.input;
    assert_eq!(
        e164s(i),
        [
            (PhoneKind::Mobile, Some("+306912345678")),
            (PhoneKind::Work, Some("+302101234567"))
        ]
    );
    assert_eq!(i.emails[0].label, "work", "from the item's X-ABLabel");
    assert_eq!(i.birthday, bd(12, 3, None), "X-APPLE-OMIT-YEAR");
    assert_eq!(i.org_name, "Φαρμακείο Παπαδόπουλου");
    assert_eq!(i.address.street, "Ερμού 10");
    assert_eq!(i.address.country, "GR");
    let m: Vec<(MessengerKind, &str)> = i
        .messengers
        .iter()
        .map(|m| (m.kind, m.handle.as_str()))
        .collect();
    assert_eq!(
        m,
        [
            (MessengerKind::Telegram, "@giorgos_p"),
            (MessengerKind::Other, "Skype: giorgos.p"),
            (MessengerKind::Whatsapp, "+306912345678")
        ]
    );
    assert_eq!(
        i.notes,
        "Ιδιοκτήτης\nlinkedin: https://www.linkedin.com/in/giorgos"
    );
    assert_eq!(v.cards[0].photo.as_ref().unwrap().bytes, 900);
    let org = &v.cards[1].result.input;
    assert_eq!(org.kind, ClientKind::Organization);
    assert_eq!(org.org_name, "Northwind Logistics");
    assert_eq!(org.website, "https://northwind.example");
    assert!(v.cards.iter().all(|c| c.result.problems.is_empty()));
}

#[test]
fn google_30() {
    let v = vcards("vcard/google_30.vcf", "CN");
    let w = &v.cards[0].result.input;
    assert_eq!(
        (w.last_name.as_str(), w.first_name.as_str()),
        ("王", "秀英")
    );
    assert_eq!(w.birthday, bd(1, 6, None));
    assert_eq!(w.tags, ["批发"]);
    assert_eq!(w.website, "https://example.cn/wang", "escaped colon");
    assert_eq!(w.notes, "老客户\n喜欢喝茶");
    assert_eq!(w.phones[0].e164.as_deref(), Some("+8613800138000"));
    let s = &v.cards[1].result.input;
    assert!(s.tags.is_empty(), "myContacts and starred are no tags");
    assert_eq!(s.address.city, "Θεσσαλονίκη");
    assert_eq!(s.address.country, "GR");
}

#[test]
fn outlook_21_windows_1251() {
    let v = vcards("vcard/outlook_21_cp1251.vcf", "UA");
    assert_eq!(v.encoding, "windows-1251");
    let a = &v.cards[0].result.input;
    assert_eq!(
        (
            a.last_name.as_str(),
            a.first_name.as_str(),
            a.middle_name.as_str()
        ),
        ("Сидоренко", "Анна", "Петровна")
    );
    assert_eq!(a.org_name, "ТОВ Світанок");
    assert_eq!(a.address.street, "вул. Велика Васильківська, 100");
    assert_eq!(a.address.city, "Київ");
    assert_eq!(a.address.postal_code, "03150");
    assert_eq!(a.address.country, "UA");
    assert_eq!(a.birthday, bd(12, 3, Some(1980)));
    assert_eq!(a.notes, "Перший рядок\nДругий рядок");
    assert_eq!(
        e164s(a),
        [
            (PhoneKind::Work, Some("+380445556677")),
            (PhoneKind::Mobile, Some("+380501234567"))
        ]
    );
    let legacy = vcards("vcard/legacy_cp1251_no_charset.vcf", "UA");
    assert_eq!(legacy.encoding, "windows-1251");
    assert!(legacy.encoding_detected);
    assert_eq!(legacy.cards[0].result.input.first_name, "Андрій");
    assert_eq!(legacy.cards[0].result.input.notes, "Клієнт з виставки");
}

#[test]
fn vcard_40() {
    let v = vcards("vcard/v40.vcf", "UA");
    let org = &v.cards[0].result.input;
    assert_eq!(org.kind, ClientKind::Organization);
    assert_eq!(e164s(org), [(PhoneKind::Work, Some("+442079460000"))]);
    let m = &v.cards[1].result.input;
    assert_eq!(m.birthday, bd(29, 2, None));
    assert_eq!(m.phones[0].e164.as_deref(), Some("+79161234567"));
    assert_eq!(m.messengers[1].kind, MessengerKind::Telegram);
    assert_eq!(m.messengers[1].handle, "@maria_elkina");
    assert_eq!(m.messengers[0].handle, "Jabber: maria@jabber.example");
    let p = v.cards[1].photo.as_ref().unwrap();
    assert_eq!(p.media_type.as_deref(), Some("image/png"));
    assert!(p.bytes > 0);
}

#[test]
fn huge_photo_is_measured_not_kept() {
    // 6 MB of photo, folded at 76 characters as phones write it.
    let b64: String = "QUJD".repeat(2_000_000);
    let folded: Vec<&str> = (0..b64.len())
        .step_by(76)
        .map(|i| &b64[i..(i + 76).min(b64.len())])
        .collect();
    let card = format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Big;Photo;;;\r\nPHOTO;ENCODING=b;TYPE=JPEG:{}\r\nTEL;TYPE=CELL:+380671234567\r\nEND:VCARD\r\n",
        folded.join("\r\n ")
    );
    let t = std::time::Instant::now();
    let v = read_vcard(card.as_bytes(), None, &ConvertOptions::new("UA")).unwrap();
    assert!(t.elapsed().as_secs() < 5);
    assert_eq!(v.cards[0].photo.as_ref().unwrap().bytes, 6_000_000);
    assert_eq!(
        v.cards[0].result.input.phones.len(),
        1,
        "properties after the photo are read"
    );
}

// ---------------------------------------------------------------------------------------------
// Broken files: a clear error, never a panic.

#[test]
fn broken_files_give_clear_errors() {
    let cases = [
        ("broken/binary_garbage.bin", "unknown_format"),
        ("broken/image.png", "unknown_format"),
        ("broken/empty.csv", "empty_file"),
        ("broken/only_bom_and_spaces.csv", "empty_file"),
        ("broken/truncated.xlsx", "workbook_unreadable"),
        ("broken/zip_not_workbook.xlsx", "workbook_unreadable"),
        ("broken/malformed.vcf", "vcard_malformed"),
        ("broken/encrypted.xlsx", "workbook_encrypted"),
    ];
    for (path, code) in cases {
        let e = read_file(
            &corpus(path),
            path,
            &ReadOptions::default(),
            &ConvertOptions::new("UA"),
        )
        .unwrap_err();
        assert_eq!(e.code(), code, "{path}: {e}");
    }
    let e = read_table(
        &corpus("broken/truncated.xlsx"),
        "t.xlsx",
        &ReadOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.params().get("format").map(String::as_str), Some("xlsx"));
    // The wrong reader for the kind of file.
    let e = read_table(&corpus("vcard/v40.vcf"), "v.vcf", &ReadOptions::default()).unwrap_err();
    assert_eq!(e.code(), "wrong_kind");
    let e = read_vcard(
        &corpus("csv/utf8_comma_en.csv"),
        None,
        &ConvertOptions::new("UA"),
    )
    .unwrap_err();
    assert_eq!(e, ImportError::NoVcard);
    // A workbook named .csv is still read as a workbook (the bytes decide).
    let t = read_table(
        &corpus("xls/clients.xls"),
        "renamed.csv",
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(t.format, FileFormat::Xls);
}

#[test]
fn truncated_vcard_keeps_what_it_has() {
    let v = vcards("broken/truncated.vcf", "US");
    assert_eq!(v.cards.len(), 2);
    assert!(v.cards[0].result.problems.is_empty());
    let last = &v.cards[1].result;
    assert_eq!(last.input.last_name, "Roe");
    let c: Vec<&str> = last.problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(c, ["vcard_truncated", "phone_invalid"]);
}

#[test]
fn every_corpus_file_truncated_anywhere_is_an_error_or_a_result() {
    let dir = format!("{}/tests/corpus", env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for sub in ["csv", "xlsx", "xls", "ods", "vcard"] {
        for e in std::fs::read_dir(format!("{dir}/{sub}")).unwrap() {
            let p = e.unwrap().path();
            let bytes = std::fs::read(&p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            for cut in (1..bytes.len()).step_by((bytes.len() / 40).max(1)) {
                let _ = read_file(
                    &bytes[..cut],
                    &name,
                    &ReadOptions::default(),
                    &ConvertOptions::new("UA"),
                );
                n += 1;
            }
        }
    }
    assert!(n > 500);
}
