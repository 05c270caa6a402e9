//! `phone::analyze_batch` (an import's phones: repeated numbers analysed once, several threads,
//! typing and format choice through its own compiled patterns) gives exactly what the crate-only
//! path gives: `analyze_reusable` for each item (E.164, validity and errors, type, display form,
//! search digits), and `check`'s E.164, error, mobile flag and display form.
//!
//! The numbers: every example number of the metadata of UA, RU, GR, CN, US, DE (and of countries
//! sharing a code with them or with leading zeros: KZ, CA, GB, IT, plus FR, BR), with random
//! digits in place of their last ones, random digit strings, in national, international, `00`
//! and plus-less forms, read in their own country and in others, as each kind.

use clientbase_core::model::PhoneKind;
use clientbase_core::phone::{analyze_batch, analyze_reusable, check};
use phonenumber::metadata::DATABASE;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const REGIONS: [&str; 12] = [
    "UA", "RU", "GR", "CN", "US", "DE", "KZ", "CA", "GB", "IT", "FR", "BR",
];
const KINDS: [PhoneKind; 3] = [PhoneKind::Mobile, PhoneKind::Work, PhoneKind::Other];

/// Example national numbers of a region, one per described type.
fn examples(region: &str) -> Vec<String> {
    let meta = DATABASE.by_id(region).expect("region in the metadata");
    let d = meta.descriptors();
    [
        Some(d.general()),
        d.fixed_line(),
        d.mobile(),
        d.toll_free(),
        d.premium_rate(),
        d.shared_cost(),
        d.personal_number(),
        d.voip(),
        d.pager(),
        d.uan(),
        d.voicemail(),
    ]
    .into_iter()
    .flatten()
    .filter_map(|d| d.example().map(str::to_owned))
    .collect()
}

/// `national` with up to 4 of its last digits random, sometimes one digit more or less.
fn mutate(rng: &mut ChaCha8Rng, national: &str) -> String {
    let mut s: Vec<u8> = national.bytes().collect();
    let n = rng.random_range(0..=4usize).min(s.len());
    let len = s.len();
    for b in &mut s[len - n..] {
        *b = b'0' + rng.random_range(0..10u8);
    }
    match rng.random_range(0..10) {
        0 => {
            s.pop();
        }
        1 => s.push(b'0' + rng.random_range(0..10u8)),
        _ => {}
    }
    String::from_utf8(s).unwrap()
}

/// `digits` written as a person or a spreadsheet might.
fn written(rng: &mut ChaCha8Rng, region: &str, digits: &str) -> String {
    let meta = DATABASE.by_id(region).unwrap();
    let cc = meta.country_code();
    let spaced: String = digits
        .chars()
        .enumerate()
        .flat_map(|(i, c)| (i > 0 && i % 3 == 0).then_some(' ').into_iter().chain([c]))
        .collect();
    match rng.random_range(0..6) {
        0 => format!("{}{spaced}", meta.national_prefix().unwrap_or("")),
        1 => format!("+{cc} {spaced}"),
        2 => format!("00{cc}{digits}"),
        3 => format!("{cc}{digits}"),
        4 => format!(
            "+{cc} ({}) {}",
            &digits[..digits.len().min(3)],
            &digits[digits.len().min(3)..]
        ),
        _ => digits.to_owned(),
    }
}

#[test]
fn batch_gives_the_crate_answers_over_many_numbers() {
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let mut items: Vec<(String, String, PhoneKind, bool)> = Vec::new();
    for region in REGIONS {
        let examples = examples(region);
        for _ in 0..1500 {
            let national = if rng.random_range(0..8) == 0 {
                let len = rng.random_range(5..=13);
                (0..len)
                    .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
                    .collect()
            } else {
                let e = rng.random_range(0..examples.len());
                mutate(&mut rng, &examples[e])
            };
            let raw = written(&mut rng, region, &national);
            let read_in = if rng.random_range(0..4) == 0 {
                REGIONS[rng.random_range(0..REGIONS.len())]
            } else {
                region
            };
            let kind = KINDS[rng.random_range(0..KINDS.len())];
            items.push((raw, read_in.to_owned(), kind, rng.random_bool(0.5)));
        }
    }
    for raw in [
        "",
        "12",
        "hello",
        "+999 123 456 789",
        "067 123",
        "+380 44 123 4567 ext. 12",
    ] {
        items.push((raw.to_owned(), "UA".to_owned(), PhoneKind::Mobile, true));
    }
    // Repeats (analysed once in a batch).
    let repeats: Vec<_> = items.iter().step_by(7).cloned().collect();
    items.extend(repeats);
    let refs: Vec<(&str, &str, PhoneKind, bool)> = items
        .iter()
        .map(|(r, c, k, d)| (r.as_str(), c.as_str(), *k, *d))
        .collect();
    let batch = analyze_batch(&refs);
    assert_eq!(batch.len(), items.len());
    let mut valid = 0;
    let mut mobile = 0;
    for ((raw, country, kind, display), got) in refs.iter().zip(&batch) {
        let want = analyze_reusable(raw, country, *kind, *display);
        assert_eq!(got, &want, "{raw} in {country} as {kind:?}");
        let c = check(raw, country, *kind);
        let g = got.check();
        assert_eq!(g.e164, c.e164, "{raw} in {country}");
        assert_eq!(g.error, c.error, "{raw} in {country}");
        assert_eq!(g.is_mobile, c.is_mobile, "{raw} in {country}");
        if c.error.is_none() && (*display || g.e164.is_none()) {
            assert_eq!(g.formatted, c.formatted, "{raw} in {country}");
        }
        if let (Some(_), None) = (&c.e164, &c.error) {
            valid += 1;
            mobile += usize::from(c.is_mobile);
        }
    }
    // The generated numbers are a real mix (not all invalid, not all mobile).
    assert!(valid > items.len() / 4, "{valid} valid of {}", items.len());
    assert!(
        mobile > valid / 10 && mobile < valid,
        "{mobile} mobile of {valid}"
    );
}

/// The batch path formats a number's national and international forms from one match of its
/// format (`both_forms`): over every region of the metadata (national-prefix rules of every
/// shape, international formats that differ from the national ones, carrier codes), each example
/// number written nationally, internationally and with its last digits changed, read in its own
/// region and in a neighbour's, gives what the crate's formatter gives.
#[test]
fn batch_formats_every_region_as_the_crate() {
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let regions: Vec<String> = DATABASE
        .iter()
        .map(|m| m.id())
        .filter(|id| id.len() == 2)
        .map(str::to_owned)
        .collect();
    assert!(regions.len() > 200, "{} regions", regions.len());
    let mut items: Vec<(String, String, PhoneKind, bool)> = Vec::new();
    for (i, region) in regions.iter().enumerate() {
        let neighbour = &regions[(i + 1) % regions.len()];
        for national in examples(region) {
            let cc = DATABASE.by_id(region.as_str()).unwrap().country_code();
            let np = DATABASE
                .by_id(region.as_str())
                .unwrap()
                .national_prefix()
                .unwrap_or("")
                .to_owned();
            for raw in [
                format!("{np}{national}"),
                format!("+{cc} {national}"),
                format!("+{cc}{}", mutate(&mut rng, &national)),
            ] {
                for country in [region, neighbour] {
                    items.push((raw.clone(), country.clone(), PhoneKind::Other, true));
                }
            }
        }
    }
    let refs: Vec<(&str, &str, PhoneKind, bool)> = items
        .iter()
        .map(|(r, c, k, d)| (r.as_str(), c.as_str(), *k, *d))
        .collect();
    let batch = analyze_batch(&refs);
    let mut valid = 0;
    for ((raw, country, kind, display), got) in refs.iter().zip(&batch) {
        let want = analyze_reusable(raw, country, *kind, *display);
        assert_eq!(got, &want, "{raw} in {country}");
        valid += usize::from(got.check().error.is_none());
    }
    assert!(valid > items.len() / 2, "{valid} valid of {}", items.len());
}
