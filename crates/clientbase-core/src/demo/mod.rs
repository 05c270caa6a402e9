//! Deterministic demo data ("Try with demo clients"): realistic multilingual clients — ~40% Latin
//! (English/German), 30% Cyrillic (Russian/Ukrainian with patronymics, ё, і/ї/є), 15% Greek (accents,
//! final sigma), 15% Chinese — persons and organisations with contact persons, valid mobile numbers
//! per country, e-mails, cities, tags, categories, birthdays (some without a year, some 29 February).
//!
//! Phones are generated from per-country number plans together with their display form and search
//! digits, so the bulk path needs no phone parsing; `tests::phones_match_phonenumber` checks every
//! generated number against the `phonenumber` crate.

use crate::model::*;
use crate::store::rows::{derive_base, Derived};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub mod activity;
mod names;
pub mod orders;
mod places;
mod words;

use names::*;
pub use places::DemoPhone;
use places::*;
use words::*;

fn pick<'a>(rng: &mut ChaCha8Rng, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Lang {
    En,
    De,
    Ru,
    Uk,
    El,
    Zh,
}

struct Person {
    first: String,
    last: String,
    middle: String,
}

const TAGS: &[&[&str]] = &[
    &["wholesale", "retail", "pharmacy", "horeca", "online"],
    &["Großhandel", "Einzelhandel", "Apotheke", "online"],
    &["опт", "розница", "аптека", "сеть"],
    &["гурт", "роздріб", "аптека", "мережа"],
    &["χονδρική", "λιανική", "φαρμακείο"],
    &["批发", "零售", "药店"],
];
const CATEGORIES: &[&str] = &[
    "00000000-0000-7000-8000-00000000000a",
    "00000000-0000-7000-8000-00000000000b",
    "00000000-0000-7000-8000-00000000000c",
    "00000000-0000-7000-8000-00000000000d",
];

fn lang_of(rng: &mut ChaCha8Rng) -> Lang {
    match rng.random_range(0..100) {
        0..=24 => Lang::En,
        25..=39 => Lang::De,
        40..=54 => Lang::Ru,
        55..=69 => Lang::Uk,
        70..=84 => Lang::El,
        _ => Lang::Zh,
    }
}

fn uuid_at(ms: i64, seq: u32, rng: &mut ChaCha8Rng) -> String {
    // `seq` goes into the bits the version and variant leave alone (12 bits of byte 6-7, the low 6
    // bits of byte 8, byte 9), so ids ascend with `seq` (< 2^26): in-order primary-key inserts.
    let mut b = [0u8; 10];
    b[0] = (seq >> 22) as u8 & 0x0F;
    b[1] = (seq >> 14) as u8;
    b[2] = (seq >> 8) as u8 & 0x3F;
    b[3] = seq as u8;
    for x in &mut b[4..] {
        *x = rng.random();
    }
    uuid::Builder::from_unix_timestamp_millis(ms.max(0) as u64, &b)
        .into_uuid()
        .to_string()
}

/// Generates `n` demo clients (deterministic for a `seed`), ids ascending from `now_ms`, with the
/// values the store derives (phones pre-formatted).
pub fn generate(seed: u64, n: usize, now_ms: i64, owner: &str) -> Vec<(Client, Derived)> {
    // Large batches are generated in two halves on two threads (each half deterministic: its own
    // seed, the global client numbers).
    if n < 4096 {
        return generate_range(seed, 0..n, now_ms, owner);
    }
    let mid = n / 2;
    let (mut out, second) = std::thread::scope(|s| {
        let second =
            s.spawn(|| generate_range(seed ^ 0x9E37_79B9_7F4A_7C15, mid..n, now_ms, owner));
        let mut first = generate_range(seed, 0..mid, now_ms, owner);
        first.reserve_exact(n - mid);
        (first, second.join().expect("demo generation thread"))
    });
    out.extend(second);
    out
}

/// Demo clients number `range` (the number feeds ids, e-mails and handles).
fn generate_range(
    seed: u64,
    range: std::ops::Range<usize>,
    now_ms: i64,
    owner: &str,
) -> Vec<(Client, Derived)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(range.len());
    for i in range {
        let lang = lang_of(&mut rng);
        let country = country(&mut rng, lang);
        let org = rng.random_bool(0.2);
        let mut p = person(&mut rng, lang);
        if lang == Lang::Zh && i % 16 == 0 {
            p.first = "秀英".into();
            p.last = "王".into();
        }
        let mut phones = Vec::new();
        let mut demo_phones = Vec::new();
        for k in 0..rng.random_range(1..=2) {
            let m = mobile(&mut rng, country);
            phones.push(Phone {
                kind: if k == 0 {
                    PhoneKind::Mobile
                } else {
                    PhoneKind::Work
                },
                raw: m.display.clone(),
                e164: Some(m.e164.clone()),
            });
            demo_phones.push(m);
        }
        let mut data = ClientInput {
            kind: if org {
                ClientKind::Organization
            } else {
                ClientKind::Person
            },
            phones,
            address: Address {
                street: street(&mut rng, lang),
                city: city(&mut rng, country).to_owned(),
                region: String::new(),
                postal_code: nd(&mut rng, 5),
                country: country.to_owned(),
            },
            tags: Vec::new(),
            category_id: rng
                .random_bool(0.8)
                .then(|| pick(&mut rng, CATEGORIES).to_owned()),
            source: pick(
                &mut rng,
                &["exhibition", "referral", "cold call", "website", ""],
            )
            .to_owned(),
            call_time: pick(
                &mut rng,
                &["", "after 14:00", "weekdays 9–12", "not on Fridays"],
            )
            .to_owned(),
            ..Default::default()
        };
        let tags = TAGS[lang as usize];
        for _ in 0..rng.random_range(0..=2) {
            let t = pick(&mut rng, tags).to_owned();
            if !data.tags.contains(&t) {
                data.tags.push(t);
            }
        }
        if rng.random_bool(0.6) {
            data.emails.push(email(&mut rng, lang, &p, i));
        }
        if rng.random_bool(0.3) {
            let handle = if matches!(lang, Lang::En | Lang::De) || rng.random_bool(0.5) {
                format!(
                    "@{}_{}",
                    ascii_fold(&p.last).chars().take(8).collect::<String>(),
                    i % 1000
                )
                .replace("@_", "@user_")
            } else {
                demo_phones[0].e164.clone()
            };
            let handle = if handle.starts_with("@user_") || handle.len() < 6 {
                format!("@client_{i}")
            } else {
                handle
            };
            data.messengers.push(Messenger {
                kind: MessengerKind::Telegram,
                handle,
            });
        }
        if org {
            data.org_name = org_name(&mut rng, lang);
            data.website = format!("www.example-{i}.com");
            for k in 0..rng.random_range(1..=3) {
                let cp = person(&mut rng, lang);
                let m = mobile(&mut rng, country);
                data.contacts.push(ContactPerson {
                    id: uuid_at(now_ms, (i * 4 + k + 1) as u32, &mut rng),
                    first_name: cp.first,
                    last_name: cp.last,
                    middle_name: cp.middle,
                    position: pick(&mut rng, &["director", "buyer", "accountant", "pharmacist"])
                        .to_owned(),
                    phones: vec![Phone {
                        kind: PhoneKind::Mobile,
                        raw: m.display.clone(),
                        e164: Some(m.e164.clone()),
                    }],
                    birthday: birthday(&mut rng),
                    ..Default::default()
                });
                demo_phones.push(m);
            }
        } else {
            data.first_name = p.first;
            data.last_name = p.last;
            data.middle_name = p.middle;
            data.birthday = birthday(&mut rng);
            if rng.random_bool(0.3) {
                data.org_name = org_name(&mut rng, lang);
            }
            data.hobbies = pick(&mut rng, hobbies(lang)).to_owned();
        }
        data.notes = pick(&mut rng, notes(lang)).to_owned();
        let created_ms = now_ms - rng.random_range(0..2 * 365 * 86_400_000i64);
        let created = super::store::now_rfc3339(created_ms);
        let client = Client {
            id: uuid_at(now_ms, (i * 4) as u32, &mut rng),
            data,
            owner: owner.to_owned(),
            created_at: created.clone(),
            updated_at: created,
            deleted_at: None,
            is_demo: true,
        };
        let mut dv = derive_base(&client.data);
        dv.phone_display = demo_phones.first().map(|p| p.display.clone());
        for m in demo_phones {
            if !dv.e164s.contains(&m.e164) {
                dv.e164s.push(m.e164);
                dv.phone_digits.extend(m.digits);
            }
        }
        out.push((client, dv));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phone;

    #[test]
    fn large_batches_deterministic_with_ascending_unique_ids() {
        let a = generate(9, 5000, 1_700_000_000_000, "me");
        let b = generate(9, 5000, 1_700_000_000_000, "me");
        assert_eq!(
            a.iter().map(|x| &x.0).collect::<Vec<_>>(),
            b.iter().map(|x| &x.0).collect::<Vec<_>>()
        );
        assert!(
            a.windows(2).all(|w| w[0].0.id < w[1].0.id),
            "ids ascend across the halves"
        );
    }

    #[test]
    fn deterministic() {
        let a = generate(7, 50, 1_700_000_000_000, "me");
        let b = generate(7, 50, 1_700_000_000_000, "me");
        assert_eq!(
            a.iter().map(|x| &x.0).collect::<Vec<_>>(),
            b.iter().map(|x| &x.0).collect::<Vec<_>>()
        );
        let mut ids: Vec<&str> = a.iter().map(|x| x.0.id.as_str()).collect();
        let sorted = {
            let mut s = ids.clone();
            s.sort();
            s
        };
        assert_eq!(ids, sorted, "ids ascend");
        ids.dedup();
        assert_eq!(ids.len(), 50);
    }

    #[test]
    fn phones_match_phonenumber() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut bad = Vec::new();
        for c in ["UA", "RU", "DE", "GB", "US", "GR", "CN"] {
            for _ in 0..150 {
                let m = mobile(&mut rng, c);
                let check = phone::check(&m.e164, "UA", PhoneKind::Mobile);
                if !(check.error.is_none() && check.is_mobile)
                    || check.country.as_deref() != Some(c)
                    || check.formatted.as_deref() != Some(m.display.as_str())
                    || phone::search_digits(&m.e164) != m.digits
                {
                    bad.push(format!(
                        "{c} {} {} {:?} {:?} {:?}",
                        m.e164,
                        m.display,
                        m.digits,
                        check.formatted,
                        phone::search_digits(&m.e164)
                    ));
                }
            }
        }
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }

    #[test]
    fn mix_and_validity() {
        let all = generate(3, 2000, 1_700_000_000_000, "me");
        let script = |s: &str, lo: char, hi: char| s.chars().any(|c| (lo..=hi).contains(&c));
        let names: Vec<String> = all
            .iter()
            .map(|(c, _)| crate::store::rows::display_name(&c.data))
            .collect();
        let cyr = names.iter().filter(|n| script(n, 'Ѐ', 'ӿ')).count();
        let greek = names.iter().filter(|n| script(n, 'Ͱ', 'Ͽ')).count();
        let cjk = names.iter().filter(|n| script(n, '一', '鿿')).count();
        assert!((500..700).contains(&cyr), "{cyr}");
        assert!((220..380).contains(&greek), "{greek}");
        assert!((220..380).contains(&cjk), "{cjk}");
        assert!(names.iter().any(|n| n.contains('ё')));
        assert!(names
            .iter()
            .any(|n| n.contains('ї') || n.contains('є') || n.contains('і')));
        assert!(names.iter().any(|n| n.contains('ς')));
        assert!(names.iter().any(|n| n == "王秀英"));
        assert!(all.iter().any(|(c, _)| c.data.birthday
            == Some(Birthday {
                day: 29,
                month: 2,
                year: None
            })));
        assert!(all.iter().any(|(c, _)| !c.data.contacts.is_empty()));
        let defs = [];
        for (c, _) in &all {
            let errs = crate::validate::validate(&c.data, "UA", &defs);
            assert!(errs.is_empty(), "{:?} {errs:?}", c.data);
        }
    }
}
