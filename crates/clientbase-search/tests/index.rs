//! Behaviour tests of the public API.

use clientbase_search::{fold, Filter, Index, SearchDoc, Sort};

fn doc(key: &str, name: &str) -> SearchDoc<String> {
    SearchDoc {
        key: key.to_string(),
        sort_name: name.to_string(),
        texts: vec![name.to_string()],
        phone_digits: vec![],
        category: None,
        tags: vec![],
        city: String::new(),
        created_ms: 0,
        birthday_md: None,
        payload: key.to_string(),
    }
}

fn keys(idx: &mut Index<String>, q: &str) -> Vec<String> {
    let mut v: Vec<String> = idx
        .query(q, &Filter::default(), Sort::Name, 0, usize::MAX)
        .items
        .into_iter()
        .cloned()
        .collect();
    v.sort();
    v
}

fn ordered(idx: &mut Index<String>, q: &str, f: &Filter, sort: Sort) -> Vec<String> {
    idx.query(q, f, sort, 0, 1000)
        .items
        .into_iter()
        .cloned()
        .collect()
}

fn sample() -> Index<String> {
    let mut idx = Index::new("en");
    let mut docs = vec![
        doc("ivan", "Иван Петров"),
        doc("wang", "王秀英"),
        doc("sofia", "Σοφία Παπαδοπούλου"),
        doc("yolka", "Ёлка Новогодняя"),
        doc("elka", "Елка Зелёная"),
        doc("jose", "José Müller"),
        doc("nikos", "ΝΊΚΟΣ Βλάχος"),
        doc("yod", "Йод Ивлев"),
    ];
    docs[0].phone_digits = vec!["380671234567".into(), "0671234567".into()];
    docs[0].texts.push("ivan.petrov@mail.com".into());
    docs[0].texts.push("ул. Шевченко 12, кв 5".into());
    docs[1].phone_digits = vec!["8613812345678".into()];
    docs[5].phone_digits = vec!["4915112345678".into(), "015112345678".into()];
    idx.bulk_load(docs);
    idx
}

#[test]
fn fold_cases() {
    assert_eq!(fold("Σοφία"), "σοφια");
    assert_eq!(fold("ΌΣΟΣ"), "οσοσ");
    assert_eq!(fold("ΐΰ"), "ιυ");
    assert_eq!(fold("Ёлка"), fold("елка"));
    assert_eq!(fold("Йогурт"), "йогурт");
    assert_ne!(fold("й"), fold("и"));
    assert_eq!(fold("Їжак Є І"), "їжак є і");
    assert_eq!(fold("ÀÉÎÕÜ ÇÑ"), "aeiou cn");
    assert_eq!(fold("ＴＥＬ　１２３"), "tel 123");
    assert_eq!(fold("ИВАН иван Иван"), "иван иван иван");
}

#[test]
fn substring_in_each_script() {
    let mut idx = sample();
    assert_eq!(keys(&mut idx, "ан"), vec!["ivan"]);
    assert_eq!(keys(&mut idx, "ИВА"), vec!["ivan"]);
    assert_eq!(keys(&mut idx, "秀英"), vec!["wang"]);
    assert_eq!(keys(&mut idx, "σοφια"), vec!["sofia"]);
    assert_eq!(keys(&mut idx, "ΣΟΦΊΑ"), vec!["sofia"]);
    assert_eq!(keys(&mut idx, "νικος"), vec!["nikos"]);
    assert_eq!(keys(&mut idx, "νικοσ"), vec!["nikos"]);
    assert_eq!(keys(&mut idx, "ülle"), vec!["jose"]);
    assert_eq!(keys(&mut idx, "jose"), vec!["jose"]);
    assert_eq!(keys(&mut idx, "PETROV@"), vec!["ivan"]);
}

#[test]
fn yo_and_short_i() {
    let mut idx = sample();
    assert_eq!(keys(&mut idx, "ёлка"), vec!["elka", "yolka"]);
    assert_eq!(keys(&mut idx, "елка"), vec!["elka", "yolka"]);
    assert_eq!(keys(&mut idx, "зелен"), vec!["elka"]);
    // й is not и
    assert_eq!(keys(&mut idx, "йод"), vec!["yod"]);
    assert_eq!(keys(&mut idx, "иод"), Vec::<String>::new());
}

#[test]
fn cjk_one_and_two_chars() {
    let mut idx = sample();
    assert_eq!(keys(&mut idx, "王"), vec!["wang"]);
    assert_eq!(keys(&mut idx, "英"), vec!["wang"]);
    assert_eq!(keys(&mut idx, "王秀"), vec!["wang"]);
    assert_eq!(keys(&mut idx, "王英"), Vec::<String>::new());
    assert_eq!(keys(&mut idx, "王秀英"), vec!["wang"]);
}

#[test]
fn phone_fragments() {
    let mut idx = sample();
    for q in [
        "671234",
        "067 123",
        "067-123-45",
        "+380 67 123",
        "(067) 1234567",
        "380671234567",
        "+38 (067) 123-45-67",
    ] {
        assert_eq!(keys(&mut idx, q), vec!["ivan"], "query {q:?}");
    }
    assert_eq!(keys(&mut idx, "138 1234"), vec!["wang"]);
    assert_eq!(keys(&mut idx, "0151 1234"), vec!["jose"]);
    assert_eq!(keys(&mut idx, "12345678"), vec!["jose", "wang"]);
    assert_eq!(keys(&mut idx, "999 999"), Vec::<String>::new());
    // a bare short digit term also matches texts (house number 12 / flat 5)
    assert_eq!(keys(&mut idx, "шевченко 12"), vec!["ivan"]);
    let five = keys(&mut idx, "5");
    assert!(five.contains(&"ivan".to_string()) && five.contains(&"jose".to_string()));
    // phone terms with separators do not match texts
    let mut d = doc("addr", "Flat");
    d.texts.push("code 12-34".into());
    idx.upsert(d);
    assert_eq!(keys(&mut idx, "12-34"), vec!["ivan", "jose", "wang"]);
}

#[test]
fn and_of_terms() {
    let mut idx = sample();
    assert_eq!(keys(&mut idx, "иван петров"), vec!["ivan"]);
    assert_eq!(keys(&mut idx, "петров иван"), vec!["ivan"]);
    assert_eq!(keys(&mut idx, "иван 0671"), vec!["ivan"]);
    assert_eq!(keys(&mut idx, "иван сидоров"), Vec::<String>::new());
    assert_eq!(keys(&mut idx, "ив"), vec!["ivan", "yod"]);
    assert_eq!(keys(&mut idx, "ив лев"), vec!["yod"]);
}

fn rich() -> Index<String> {
    let mut idx = Index::new("en");
    let mut docs = Vec::new();
    let cities = ["Київ", "Львів", "Athens"];
    for i in 0..30 {
        let mut d = doc(&format!("k{i:02}"), &format!("Name {i:02}"));
        d.category = Some(["client", "lead", "partner"][i % 3].into());
        d.city = cities[i % 3].into();
        d.tags = if i % 5 == 0 {
            vec!["VIP".into(), "opt".into()]
        } else {
            vec!["opt".into()]
        };
        d.created_ms = 1000 + i as i64;
        d.birthday_md = if i % 4 == 3 {
            None
        } else {
            Some([101, 615, 1231, 1201, 1215][i % 5])
        };
        docs.push(d);
    }
    idx.bulk_load(docs);
    idx
}

#[test]
fn filters() {
    let mut idx = rich();
    let f = Filter {
        categories: vec!["lead".into(), "partner".into()],
        ..Default::default()
    };
    assert_eq!(idx.query("", &f, Sort::Name, 0, 100).total, 20);
    let f = Filter {
        tag: Some("vip".into()),
        ..Default::default()
    };
    let got = ordered(&mut idx, "", &f, Sort::Name);
    assert_eq!(got, vec!["k00", "k05", "k10", "k15", "k20", "k25"]);
    let f = Filter {
        city: Some("КИЇВ".into()),
        ..Default::default()
    };
    assert_eq!(idx.query("", &f, Sort::Name, 0, 100).total, 10);
    let f = Filter {
        city: Some("київ".into()),
        tag: Some("VIP".into()),
        categories: vec!["client".into()],
    };
    assert_eq!(ordered(&mut idx, "", &f, Sort::Name), vec!["k00", "k15"]);
    let f = Filter {
        city: Some("Odesa".into()),
        ..Default::default()
    };
    assert_eq!(idx.query("", &f, Sort::Name, 0, 100).total, 0);
    // filter combined with text
    let f = Filter {
        tag: Some("vip".into()),
        ..Default::default()
    };
    assert_eq!(
        ordered(&mut idx, "name 1", &f, Sort::Name),
        vec!["k10", "k15"]
    );
    // pickers
    assert_eq!(idx.tags(), vec!["opt", "VIP"]);
    assert_eq!(idx.cities(), vec!["Athens", "Київ", "Львів"]);
}

#[test]
fn sorts() {
    let mut idx = rich();
    let all = Filter::default();
    let names = ordered(&mut idx, "", &all, Sort::Name);
    assert_eq!(names.first().map(String::as_str), Some("k00"));
    assert_eq!(names.last().map(String::as_str), Some("k29"));
    let recent = ordered(&mut idx, "", &all, Sort::Recent);
    assert_eq!(&recent[..3], &["k29", "k28", "k27"]);
    // Birthday from 12-10: 1215 (i%5==4), then 1231 (i%5==2), wrap: 0101, 0615, 1201, then none.
    let b = ordered(&mut idx, "", &all, Sort::NextBirthday { today_md: 1210 });
    let md = |k: &str| -> Option<u16> {
        let i: usize = k[1..].parse().unwrap();
        if i % 4 == 3 {
            None
        } else {
            Some([101, 615, 1231, 1201, 1215][i % 5])
        }
    };
    let seq: Vec<Option<u16>> = b.iter().map(|k| md(k)).collect();
    let mut expect: Vec<Option<u16>> = Vec::new();
    for m in [1215, 1231, 101, 615, 1201] {
        expect.extend(seq.iter().filter(|x| **x == Some(m)).copied());
    }
    expect.extend(seq.iter().filter(|x| x.is_none()).copied());
    assert_eq!(seq, expect);
    assert_eq!(seq.first(), Some(&Some(1215)));
    assert_eq!(seq.last(), Some(&None));
    // today's birthday comes first
    let b = ordered(&mut idx, "", &all, Sort::NextBirthday { today_md: 1231 });
    assert_eq!(md(&b[0]), Some(1231));
    // same through the sparse (small result) path: rotated keys never decrease
    let rot = |m: Option<u16>| match m {
        Some(m) if m >= 1210 => m as u32,
        Some(m) => 10_000 + m as u32,
        None => 99_999,
    };
    let b = ordered(
        &mut idx,
        "name 0",
        &all,
        Sort::NextBirthday { today_md: 1210 },
    );
    assert_eq!(b.len(), 12); // k00..k09, k10, k20
    let keys_: Vec<u32> = b.iter().map(|k| rot(md(k))).collect();
    assert!(keys_.windows(2).all(|w| w[0] <= w[1]), "{b:?}");
    assert_eq!(md(&b[0]), Some(1215));
}

#[test]
fn paging_and_total() {
    let mut idx = rich();
    let all = Filter::default();
    let p = idx.query("name", &all, Sort::Name, 10, 5);
    assert_eq!(p.total, 30);
    assert_eq!(p.items, vec!["k10", "k11", "k12", "k13", "k14"]);
    let p = idx.query("name", &all, Sort::Name, 28, 5);
    assert_eq!(p.total, 30);
    assert_eq!(p.items, vec!["k28", "k29"]);
    let p = idx.query("name", &all, Sort::Name, 100, 5);
    assert_eq!(p.total, 30);
    assert!(p.items.is_empty());
    let p = idx.query("name 2", &all, Sort::Name, 0, 3);
    assert_eq!(p.total, 12); // k02, k12, k20..k29
    assert_eq!(p.items, vec!["k02", "k12", "k20"]);
}

#[test]
fn upsert_and_remove_are_immediate() {
    let mut idx = sample();
    assert_eq!(idx.len(), 8);
    assert_eq!(keys(&mut idx, "петров"), vec!["ivan"]);
    idx.upsert(doc("ivan", "Иван Сидоров"));
    assert_eq!(idx.len(), 8);
    assert_eq!(keys(&mut idx, "петров"), Vec::<String>::new());
    assert_eq!(keys(&mut idx, "сидоров"), vec!["ivan"]);
    assert_eq!(keys(&mut idx, "0671"), Vec::<String>::new());
    idx.upsert(doc("new", "Петрова Анна"));
    assert_eq!(idx.len(), 9);
    assert_eq!(keys(&mut idx, "петров"), vec!["new"]);
    assert!(idx.remove("new"));
    assert!(!idx.remove("new"));
    assert_eq!(idx.len(), 8);
    assert_eq!(keys(&mut idx, "петров"), Vec::<String>::new());
    assert_eq!(
        idx.query("", &Filter::default(), Sort::Name, 0, 100).total,
        8
    );
}

#[test]
fn many_upserts_trigger_compaction_and_stay_correct() {
    let mut idx: Index<String> = Index::new("en");
    idx.bulk_load(
        (0..100)
            .map(|i| doc(&format!("k{i}"), &format!("Anna {i}")))
            .collect(),
    );
    for round in 0..60 {
        for i in 0..100 {
            idx.upsert(doc(&format!("k{i}"), &format!("Anna {i} r{round}")));
        }
    }
    assert_eq!(idx.len(), 100);
    assert_eq!(
        idx.query("anna", &Filter::default(), Sort::Name, 0, 10)
            .total,
        100
    );
    assert_eq!(
        idx.query("r59", &Filter::default(), Sort::Name, 0, 10)
            .total,
        100
    );
    assert_eq!(
        idx.query("r58", &Filter::default(), Sort::Name, 0, 10)
            .total,
        0
    );
    assert_eq!(
        idx.query("anna 7 r59", &Filter::default(), Sort::Name, 0, 100)
            .items
            .len(),
        19
    );
}

fn names_sorted(locale: &str, names: &[&str]) -> Vec<String> {
    let mut idx = Index::new(locale);
    idx.bulk_load(names.iter().map(|n| doc(n, n)).collect());
    ordered(&mut idx, "", &Filter::default(), Sort::Name)
}

#[test]
fn collation_ukrainian() {
    let got = names_sorted(
        "uk",
        &[
            "Жанна",
            "Євген",
            "Дмитро",
            "Ігор",
            "Іван",
            "Їжак",
            "Йосип",
            "Ґанна",
            "Галина",
        ],
    );
    let pos = |n: &str| got.iter().position(|x| x == n).unwrap();
    assert!(
        pos("Дмитро") < pos("Євген") && pos("Євген") < pos("Жанна"),
        "{got:?}"
    );
    assert!(
        pos("Іван") < pos("Ігор") && pos("Ігор") < pos("Їжак") && pos("Їжак") < pos("Йосип"),
        "{got:?}"
    );
    assert!(pos("Галина") < pos("Ґанна"), "{got:?}");
}

#[test]
fn collation_russian_yo() {
    let got = names_sorted("ru", &["Ежов", "Ёж", "Еж", "Дуб", "Жук"]);
    assert_eq!(got.first().map(String::as_str), Some("Дуб"));
    assert_eq!(got.last().map(String::as_str), Some("Жук"));
    let pos = |n: &str| got.iter().position(|x| x == n).unwrap();
    assert_eq!(pos("Еж").abs_diff(pos("Ёж")), 1, "{got:?}");
}

#[test]
fn collation_chinese_pinyin_and_set_locale() {
    // pinyin: li (李) < wang (王) < zhang (张)
    let got = names_sorted("zh", &["张伟", "王芳", "李娜"]);
    assert_eq!(got, vec!["李娜", "王芳", "张伟"]);
    let mut idx = Index::new("en");
    idx.bulk_load(vec![doc("b", "Beta"), doc("a", "Alpha"), doc("g", "Γάμμα")]);
    assert_eq!(
        ordered(&mut idx, "", &Filter::default(), Sort::Name),
        vec!["a", "b", "g"]
    );
    idx.set_locale("el");
    assert_eq!(idx.locale(), "el");
    // Greek tailoring puts Greek script first.
    assert_eq!(
        ordered(&mut idx, "", &Filter::default(), Sort::Name),
        vec!["g", "a", "b"]
    );
    assert_eq!(keys(&mut idx, "γαμ"), vec!["g"]);
}

#[test]
fn bulk_load_later_duplicate_wins_and_empty_query_lists_all() {
    let mut idx = Index::new("en");
    idx.bulk_load(vec![
        doc("a", "First"),
        doc("b", "Other"),
        doc("a", "Second"),
    ]);
    assert_eq!(idx.len(), 2);
    assert_eq!(keys(&mut idx, "second"), vec!["a"]);
    assert_eq!(keys(&mut idx, "first"), Vec::<String>::new());
    assert_eq!(
        idx.query("   ", &Filter::default(), Sort::Recent, 0, 10)
            .total,
        2
    );
}

#[test]
fn changes_while_background_indexing_are_caught_up() {
    let mut idx: Index<String> = Index::new("en");
    idx.bulk_load(
        (0..5000)
            .map(|i| doc(&format!("k{i}"), &format!("Client {i}")))
            .collect(),
    );
    // no text query yet: postings may still be building
    idx.upsert(doc("k1", "Renamed Zebra"));
    idx.upsert(doc("new", "Brand New Zebra"));
    assert!(idx.remove("k2"));
    assert_eq!(idx.len(), 5000);
    assert_eq!(
        idx.query("", &Filter::default(), Sort::Name, 0, 1).total,
        5000
    );
    assert_eq!(keys(&mut idx, "zebra"), vec!["k1", "new"]);
    assert_eq!(keys(&mut idx, "client 2"), {
        // AND of "client" and the bare digit term "2" (matches any text containing 2)
        let mut v: Vec<String> = (0..5000)
            .filter(|i| i.to_string().contains('2') && *i != 2)
            .map(|i| format!("k{i}"))
            .collect();
        v.sort();
        v
    });
    assert!(idx.is_ready());
    idx.finish_indexing();
}

#[test]
fn index_is_send_and_sync() {
    fn assert_send_sync<X: Send + Sync>() {}
    assert_send_sync::<Index<String>>();
    let idx: Index<String> = Index::new("zh");
    let h = std::thread::spawn(move || idx.len());
    assert_eq!(h.join().unwrap(), 0);
}

/// `bulk_load_held` gives the same index as `bulk_load`, whether the postings are started, built
/// by the first query with text, or started after edits; `name_keys` lists the live documents in
/// Name order with `NameKeys`' bytes.
#[test]
fn held_postings_and_name_keys() {
    let docs = || {
        let mut d = vec![
            doc("ivan", "Иван Петров"),
            doc("wang", "王秀英"),
            doc("sofia", "Σοφία Παπαδοπούλου"),
            doc("jose", "José Müller"),
            doc("anna", "Anna Schmidt"),
        ];
        d[0].phone_digits = vec!["380671234567".into()];
        d
    };
    let mut reference = Index::new("en");
    reference.bulk_load(docs());
    let queries = ["", "ива", "müller", "0671", "s", "王"];

    // Built inline by the first query with text.
    let mut held = Index::new("en");
    held.bulk_load_held(docs());
    assert!(!held.is_ready());
    for q in queries {
        assert_eq!(keys(&mut held, q), keys(&mut reference, q), "{q}");
    }
    assert!(held.is_ready());

    // Started on their thread, with an upsert and a removal before they are installed.
    let mut held = Index::new("en");
    held.bulk_load_held(docs());
    held.upsert(doc("zoe", "Zoë Anders"));
    assert!(held.remove("wang"));
    held.start_indexing();
    held.finish_indexing();
    assert!(held.is_ready());
    reference.upsert(doc("zoe", "Zoë Anders"));
    reference.remove("wang");
    for q in queries.iter().chain(&["zo", "and"]) {
        assert_eq!(keys(&mut held, q), keys(&mut reference, q), "{q}");
    }

    let names = clientbase_search::NameKeys::new("en");
    let listed: Vec<(Vec<u8>, String)> = held
        .name_keys()
        .map(|(k, id)| (k.to_vec(), id.to_owned()))
        .collect();
    let mut expected: Vec<(Vec<u8>, String)> = docs()
        .into_iter()
        .filter(|d| d.key != "wang")
        .chain([doc("zoe", "Zoë Anders")])
        .map(|d| (names.key(&d.sort_name, &d.key), d.key))
        .collect();
    expected.sort();
    assert_eq!(listed, expected);
    let order: Vec<String> = listed.into_iter().map(|(_, id)| id).collect();
    assert_eq!(
        order,
        ordered(&mut held, "", &Filter::default(), Sort::Name)
    );
}
