mod common;
use clientbase_core::model::*;
use clientbase_core::Store;
use common::*;

fn names(store: &mut Store, q: ListQuery) -> Vec<String> {
    store
        .list_clients(&q)
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.display_name)
        .collect()
}

fn text(store: &mut Store, t: &str) -> Vec<String> {
    let mut v = names(
        store,
        ListQuery {
            text: t.into(),
            ..Default::default()
        },
    );
    v.sort();
    v
}

fn fixture() -> (tempfile::TempDir, Store) {
    let (d, mut s) = open();
    for (first, last, phone) in [
        ("Іван", "Петренко", "+380 67 123 45 67"),
        ("Алёна", "Семёнова", "+7 (912) 345-67-89"),
        ("Σοφία", "Παπαδοπούλου", "+30 691 234 5678"),
        ("Νίκος", "Οικονόμου", ""),
        ("秀英", "王", "+86 138 0013 8000"),
        ("伟", "李", ""),
        ("Jürgen", "Müller", "+49 151 23456789"),
        ("Emily", "Clarke", "+1 201-555-0123"),
    ] {
        let mut input = person(first, last, "");
        if !phone.is_empty() {
            input.phones.push(Phone {
                kind: PhoneKind::Other,
                raw: phone.into(),
                e164: None,
            });
        }
        s.create_client(input).unwrap();
    }
    (d, s)
}

#[test]
fn phone_fragments() {
    let (_d, mut s) = fixture();
    assert_eq!(text(&mut s, "671234"), ["Петренко Іван"]);
    assert_eq!(text(&mut s, "067 123"), ["Петренко Іван"]);
    assert_eq!(text(&mut s, "+380671"), ["Петренко Іван"]);
    assert_eq!(text(&mut s, "8912345"), ["Семёнова Алёна"]);
    assert_eq!(text(&mut s, "1380013"), ["王秀英"]);
}

#[test]
fn cyrillic_folding() {
    let (_d, mut s) = fixture();
    assert_eq!(text(&mut s, "семенова"), ["Семёнова Алёна"]);
    assert_eq!(text(&mut s, "АЛЁНА"), ["Семёнова Алёна"]);
    assert_eq!(text(&mut s, "пет"), ["Петренко Іван"]);
    assert_eq!(text(&mut s, "іван"), ["Петренко Іван"]);
}

#[test]
fn greek_with_and_without_accents() {
    let (_d, mut s) = fixture();
    assert_eq!(text(&mut s, "σοφια"), ["Παπαδοπούλου Σοφία"]);
    assert_eq!(text(&mut s, "Σοφία"), ["Παπαδοπούλου Σοφία"]);
    assert_eq!(text(&mut s, "ΠΑΠΑΔΟΠΟΥΛΟΥ"), ["Παπαδοπούλου Σοφία"]);
    assert_eq!(text(&mut s, "οικονομου"), ["Οικονόμου Νίκος"]);
    assert_eq!(text(&mut s, "νικοσ"), ["Οικονόμου Νίκος"], "final sigma");
}

#[test]
fn chinese_short_substrings() {
    let (_d, mut s) = fixture();
    assert_eq!(text(&mut s, "秀英"), ["王秀英"]);
    assert_eq!(text(&mut s, "秀"), ["王秀英"]);
    assert_eq!(text(&mut s, "王秀英"), ["王秀英"]);
    assert_eq!(text(&mut s, "李"), ["李伟"]);
}

#[test]
fn latin_folding() {
    let (_d, mut s) = fixture();
    assert_eq!(text(&mut s, "muller"), ["Müller Jürgen"]);
    assert_eq!(text(&mut s, "JÜR"), ["Müller Jürgen"]);
    assert_eq!(text(&mut s, "em"), ["Clarke Emily"]);
    assert!(text(&mut s, "zzz").is_empty());
}

#[test]
fn filters_and_sorts() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clientbase_core::hlc::FixedClock::new(1_700_000_000_000);
    let mut s = Store::open_with_clock(&db_path(&dir), Box::new(clock.clone())).unwrap();
    let vip = "00000000-0000-7000-8000-00000000000a".to_string();
    let mk = |first: &str,
              last: &str,
              city: &str,
              tag: &str,
              cat: Option<&str>,
              bday: Option<(u8, u8)>| ClientInput {
        first_name: first.into(),
        last_name: last.into(),
        address: Address {
            city: city.into(),
            ..Default::default()
        },
        tags: vec![tag.into()],
        category_id: cat.map(str::to_owned),
        birthday: bday.map(|(day, month)| Birthday {
            day,
            month,
            year: None,
        }),
        ..Default::default()
    };
    s.create_client(mk(
        "Anna",
        "Zeller",
        "Berlin",
        "retail",
        Some(&vip),
        Some((1, 1)),
    ))
    .unwrap();
    clock.set(1_700_000_001_000);
    s.create_client(mk("Boris", "Abel", "Köln", "wholesale", None, None))
        .unwrap();
    clock.set(1_700_000_002_000);
    s.create_client(mk(
        "Clara",
        "Meier",
        "Berlin",
        "wholesale",
        Some(&vip),
        Some((31, 12)),
    ))
    .unwrap();

    let by_name = names(&mut s, ListQuery::default());
    assert_eq!(by_name, ["Abel Boris", "Meier Clara", "Zeller Anna"]);
    let recent = names(
        &mut s,
        ListQuery {
            sort: SortOrder::Recent,
            ..Default::default()
        },
    );
    assert_eq!(recent, ["Meier Clara", "Abel Boris", "Zeller Anna"]);
    let bdays = names(
        &mut s,
        ListQuery {
            sort: SortOrder::NextBirthday,
            ..Default::default()
        },
    );
    assert_eq!(
        bdays.last().map(String::as_str),
        Some("Abel Boris"),
        "no birthday last"
    );
    let vip_only = names(
        &mut s,
        ListQuery {
            category_ids: vec![vip.clone()],
            ..Default::default()
        },
    );
    assert_eq!(vip_only, ["Meier Clara", "Zeller Anna"]);
    let berlin_wholesale = names(
        &mut s,
        ListQuery {
            city: Some("berlin".into()),
            tag: Some("Wholesale".into()),
            ..Default::default()
        },
    );
    assert_eq!(berlin_wholesale, ["Meier Clara"]);
    let page = s
        .list_clients(&ListQuery {
            offset: 1,
            limit: 1,
            ..Default::default()
        })
        .unwrap();
    assert_eq!((page.total, page.offset, page.rows.len()), (3, 1, 1));
    assert_eq!(page.rows[0].display_name, "Meier Clara");
    let mut tags = s.tags().unwrap();
    tags.sort();
    assert_eq!(tags, ["retail", "wholesale"]);
    assert_eq!(s.cities().unwrap().len(), 2);
    // Edits reach the index.
    let id = s
        .list_clients(&ListQuery {
            text: "abel".into(),
            ..Default::default()
        })
        .unwrap()
        .rows[0]
        .id
        .clone();
    let mut c = s.get_client(&id).unwrap().data;
    c.last_name = "Abelmann".into();
    s.update_client(&id, c).unwrap();
    assert_eq!(
        names(
            &mut s,
            ListQuery {
                text: "abelm".into(),
                ..Default::default()
            }
        ),
        ["Abelmann Boris"]
    );
}
