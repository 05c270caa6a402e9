//! Cross-checks the index against a naive linear-scan model on a few thousand generated docs,
//! through bulk load, upserts (new and existing keys), removals and compaction.

use clientbase_search::{fold, Filter, Index, SearchDoc, Sort};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const WORDS: &[&str] = &[
    "Иван",
    "Анна",
    "Ёлкин",
    "Йосип",
    "Євген",
    "Їжак",
    "Σοφία",
    "Νίκος",
    "Ραΐσης",
    "王秀英",
    "李娜",
    "张伟",
    "José",
    "Müller",
    "Anna",
    "Hanna",
    "Straße",
    "ana",
    "nana",
    "банан",
    "Ѐ",
    "ΐ",
    "ＡＢ",
    "dr.",
    "o'brien",
    "a-b",
    "12",
    "5",
    "2024",
];
const CITIES: &[&str] = &["Київ", "КИЇВ", "Αθήνα", "London", ""];
const TAGS: &[&str] = &["VIP", "vip", "опт", "重要"];
const CATS: &[&str] = &["client", "lead", "partner"];

struct Model {
    key: String,
    name: String,
    text: String,
    phones: Vec<String>,
    cat: String,
    tags: Vec<String>,
    city: String,
    created: i64,
    bday: Option<u16>,
}

fn gen(rng: &mut ChaCha8Rng, key: String) -> SearchDoc<String> {
    let nw = rng.random_range(1..5);
    let name: Vec<&str> = (0..nw).map(|_| *WORDS.choose(rng).unwrap()).collect();
    let name = name.join(" ");
    let note: Vec<&str> = (0..rng.random_range(0..4))
        .map(|_| *WORDS.choose(rng).unwrap())
        .collect();
    let phones: Vec<String> = (0..rng.random_range(0..3))
        .map(|_| {
            (0..rng.random_range(6..12))
                .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
                .collect()
        })
        .collect();
    let tags: Vec<String> = (0..rng.random_range(0..3))
        .map(|_| TAGS.choose(rng).unwrap().to_string())
        .collect();
    SearchDoc {
        key: key.clone(),
        sort_name: name.clone(),
        texts: vec![name, note.join(" ")],
        phone_digits: phones,
        category: Some(CATS.choose(rng).unwrap().to_string()),
        tags,
        city: CITIES.choose(rng).unwrap().to_string(),
        created_ms: rng.random_range(0..50),
        birthday_md: if rng.random_bool(0.7) {
            Some(rng.random_range(1..=12u16) * 100 + rng.random_range(1..=28u16))
        } else {
            None
        },
        payload: key,
    }
}

fn model_of(d: &SearchDoc<String>) -> Model {
    Model {
        key: d.key.clone(),
        name: d.sort_name.clone(),
        text: d
            .texts
            .iter()
            .map(|t| fold(t))
            .collect::<Vec<_>>()
            .join("\n"),
        phones: d.phone_digits.clone(),
        cat: d.category.clone().unwrap_or_default(),
        tags: d.tags.iter().map(|t| fold(t)).collect(),
        city: fold(&d.city),
        created: d.created_ms,
        bday: d.birthday_md,
    }
}

/// The documented semantics, naively.
fn matches(m: &Model, folded: &str) -> bool {
    let toks: Vec<&str> = folded.split(' ').filter(|t| !t.is_empty()).collect();
    let phone_like = |t: &str| {
        t.chars().any(|c| c.is_ascii_digit())
            && t.chars().all(|c| c.is_ascii_digit() || "+-().".contains(c))
    };
    let mut i = 0;
    while i < toks.len() {
        if phone_like(toks[i]) {
            let mut j = i + 1;
            while j < toks.len() && phone_like(toks[j]) {
                j += 1;
            }
            let digits: String = toks[i..j]
                .concat()
                .chars()
                .filter(|c| c.is_ascii_digit())
                .collect();
            let bare = j == i + 1 && toks[i].chars().all(|c| c.is_ascii_digit());
            let ok =
                m.phones.iter().any(|p| p.contains(&digits)) || (bare && m.text.contains(&digits));
            if !ok {
                return false;
            }
            i = j;
        } else {
            if !m.text.contains(toks[i]) {
                return false;
            }
            i += 1;
        }
    }
    true
}

fn check(idx: &mut Index<String>, models: &[Model], rng: &mut ChaCha8Rng, rounds: usize) {
    let queries: Vec<String> = {
        let mut v: Vec<String> = vec![
            "".into(),
            "a".into(),
            "ан".into(),
            "ana".into(),
            "nana".into(),
            "σοφια".into(),
            "秀".into(),
            "王秀".into(),
            "ёлк".into(),
            "елкин".into(),
            "й".into(),
            "и".into(),
            "1".into(),
            "12".into(),
            "20".into(),
            "+3".into(),
            "(0) 1".into(),
            "ab".into(),
            "a b".into(),
            "dr.".into(),
            "o'b".into(),
            "zzz".into(),
            "ιωσ".into(),
            "ss".into(),
        ];
        for _ in 0..rounds {
            let m = models.choose(rng).unwrap();
            let src = if rng.random_bool(0.2) && !m.phones.is_empty() {
                m.phones[0].clone()
            } else {
                m.text.clone()
            };
            let chars: Vec<char> = src.chars().collect();
            if chars.is_empty() {
                continue;
            }
            let len = rng.random_range(1..=6.min(chars.len()));
            let st = rng.random_range(0..=chars.len() - len);
            v.push(chars[st..st + len].iter().collect());
        }
        v
    };
    let filters = [
        Filter::default(),
        Filter {
            city: Some("київ".into()),
            ..Default::default()
        },
        Filter {
            tag: Some("VIP".into()),
            categories: vec!["lead".into(), "client".into()],
            ..Default::default()
        },
    ];
    let by_key_map: std::collections::HashMap<&str, &Model> =
        models.iter().map(|m| (m.key.as_str(), m)).collect();
    let sorts = [
        Sort::Name,
        Sort::Recent,
        Sort::NextBirthday { today_md: 1115 },
    ];
    for q in &queries {
        let fq = fold(q);
        let base: Vec<&Model> = models.iter().filter(|m| matches(m, &fq)).collect();
        for f in &filters {
            for &sort in &sorts {
                let mut expect: Vec<&Model> = base
                    .iter()
                    .copied()
                    .filter(|m| f.city.as_ref().is_none_or(|c| fold(c) == m.city))
                    .filter(|m| f.tag.as_ref().is_none_or(|t| m.tags.contains(&fold(t))))
                    .filter(|m| f.categories.is_empty() || f.categories.contains(&m.cat))
                    .collect();
                let page = idx.query(q, f, sort, 0, usize::MAX);
                assert_eq!(page.total, expect.len(), "total for {q:?} {f:?} {sort:?}");
                let got: Vec<String> = page.items.into_iter().cloned().collect();
                let mut got_sorted = got.clone();
                got_sorted.sort();
                expect.sort_by(|a, b| a.key.cmp(&b.key));
                let exp_keys: Vec<String> = expect.iter().map(|m| m.key.clone()).collect();
                assert_eq!(got_sorted, exp_keys, "set for {q:?} {f:?} {sort:?}");
                // order: keys must be non-decreasing in the sort's primary key
                let by_key = |k: &String| by_key_map[k.as_str()];
                for w in got.windows(2) {
                    let (a, b) = (by_key(&w[0]), by_key(&w[1]));
                    match sort {
                        Sort::Recent => assert!(a.created >= b.created, "{q:?} recent"),
                        Sort::NextBirthday { today_md } => {
                            let r = |m: &Model| match m.bday {
                                Some(d) if d >= today_md => d as u32,
                                Some(d) => 10_000 + d as u32,
                                None => 99_999,
                            };
                            assert!(r(a) <= r(b), "{q:?} bday");
                        }
                        Sort::Name => {}
                    }
                }
                // paging agrees with the full list
                if got.len() > 3 {
                    let p = idx.query(q, f, sort, 2, 2);
                    assert_eq!(p.items, vec![&got[2], &got[3]]);
                }
            }
        }
    }
}

#[test]
fn index_agrees_with_naive_model() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let docs: Vec<SearchDoc<String>> = (0..3000).map(|i| gen(&mut rng, format!("k{i}"))).collect();
    let mut models: Vec<Model> = docs.iter().map(model_of).collect();
    let mut idx = Index::new("uk");
    idx.bulk_load(docs);
    check(&mut idx, &models, &mut rng, 40);
    // Mutations: replace, add, remove — enough to trigger a compaction.
    for r in 0..6000 {
        let i = rng.random_range(0..4000);
        let key = format!("k{i}");
        if r % 5 == 4 {
            let had = models.iter().any(|m| m.key == key);
            assert_eq!(idx.remove(&key), had);
            models.retain(|m| m.key != key);
        } else {
            let d = gen(&mut rng, key.clone());
            models.retain(|m| m.key != key);
            models.push(model_of(&d));
            idx.upsert(d);
        }
        if r % 1500 == 0 {
            check(&mut idx, &models, &mut rng, 5);
        }
    }
    assert_eq!(idx.len(), models.len());
    check(&mut idx, &models, &mut rng, 40);
    // Name order is the collation order of sort_name (uk).
    let page = idx.query("", &Filter::default(), Sort::Name, 0, usize::MAX);
    let map: std::collections::HashMap<&str, &str> = models
        .iter()
        .map(|m| (m.key.as_str(), m.name.as_str()))
        .collect();
    let names: Vec<&str> = page.items.iter().map(|k| map[k.as_str()]).collect();
    let coll = icu_collator::Collator::try_new(
        "uk".parse::<icu_locale_core::Locale>().unwrap().into(),
        Default::default(),
    )
    .unwrap();
    for w in names.windows(2) {
        assert_ne!(
            coll.compare(w[0], w[1]),
            std::cmp::Ordering::Greater,
            "{:?}",
            w
        );
    }
}
