//! Demo phones (valid mobile numbers per country, with their display form and search digits),
//! countries, cities and streets.

use super::{pick, Lang};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// A generated mobile number with what the store derives from it.
pub struct DemoPhone {
    pub e164: String,
    pub display: String,
    pub digits: Vec<String>,
}

pub(super) fn nd(rng: &mut ChaCha8Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

pub(super) fn mobile(rng: &mut ChaCha8Rng, country: &str) -> DemoPhone {
    let (cc, nsn, display, national) = match country {
        "UA" => {
            let op = pick(
                rng,
                &[
                    "50", "63", "66", "67", "68", "73", "93", "95", "96", "97", "98", "99",
                ],
            );
            let (a, b) = (nd(rng, 3), nd(rng, 4));
            (
                "380",
                format!("{op}{a}{b}"),
                format!("{op} {a} {b}"),
                format!("0{op}{a}{b}"),
            )
        }
        "RU" => {
            let op = pick(
                rng,
                &[
                    "903", "905", "910", "912", "915", "916", "921", "925", "926", "977", "985",
                ],
            );
            let (a, b, c) = (nd(rng, 3), nd(rng, 2), nd(rng, 2));
            (
                "7",
                format!("{op}{a}{b}{c}"),
                format!("{op} {a}-{b}-{c}"),
                format!("8{op}{a}{b}{c}"),
            )
        }
        "DE" => {
            if rng.random_bool(0.5) {
                let (a, b) = (nd(rng, 1), nd(rng, 7));
                (
                    "49",
                    format!("151{a}{b}"),
                    format!("151{a} {b}"),
                    format!("0151{a}{b}"),
                )
            } else {
                let (op, b) = (pick(rng, &["170", "171", "175"]), nd(rng, 7));
                (
                    "49",
                    format!("{op}{b}"),
                    format!("{op} {b}"),
                    format!("0{op}{b}"),
                )
            }
        }
        "GB" => {
            let op = pick(rng, &["7400", "7720", "7711", "7800", "7900", "7956"]);
            let b = nd(rng, 6);
            (
                "44",
                format!("{op}{b}"),
                format!("{op} {b}"),
                format!("0{op}{b}"),
            )
        }
        "US" => {
            let area = pick(
                rng,
                &[
                    "201", "212", "305", "312", "415", "617", "646", "718", "917",
                ],
            );
            let ex = format!("{}{}", rng.random_range(2..10u8), nd(rng, 2));
            let line = nd(rng, 4);
            (
                "1",
                format!("{area}{ex}{line}"),
                format!("{area}-{ex}-{line}"),
                format!("{area}{ex}{line}"),
            )
        }
        "GR" => {
            let op = format!("69{}", pick(rng, &["0", "3", "4", "5", "7", "8", "9"]));
            let (a, b) = (nd(rng, 3), nd(rng, 4));
            (
                "30",
                format!("{op}{a}{b}"),
                format!("{op} {a} {b}"),
                format!("{op}{a}{b}"),
            )
        }
        _ => {
            let op = pick(
                rng,
                &[
                    "138", "139", "135", "136", "150", "151", "158", "186", "188",
                ],
            );
            let (a, b) = (nd(rng, 4), nd(rng, 4));
            (
                "86",
                format!("{op}{a}{b}"),
                format!("{op} {a} {b}"),
                format!("{op}{a}{b}"),
            )
        }
    };
    let e164 = format!("+{cc}{nsn}");
    let mut digits = vec![format!("{cc}{nsn}")];
    if national != digits[0] {
        digits.push(national);
    }
    DemoPhone {
        e164,
        display: format!("+{cc} {display}"),
        digits,
    }
}

pub(super) fn country(rng: &mut ChaCha8Rng, lang: Lang) -> &'static str {
    match lang {
        Lang::En => {
            if rng.random_bool(0.5) {
                "US"
            } else {
                "GB"
            }
        }
        Lang::De => "DE",
        Lang::Ru => "RU",
        Lang::Uk => "UA",
        Lang::El => "GR",
        Lang::Zh => "CN",
    }
}

pub(super) fn city(rng: &mut ChaCha8Rng, c: &str) -> &'static str {
    match c {
        "US" => pick(
            rng,
            &["New York", "Boston", "Chicago", "San Francisco", "Miami"],
        ),
        "GB" => pick(rng, &["London", "Manchester", "Leeds", "Bristol"]),
        "DE" => pick(rng, &["Berlin", "München", "Köln", "Düsseldorf", "Hamburg"]),
        "RU" => pick(
            rng,
            &[
                "Москва",
                "Санкт-Петербург",
                "Казань",
                "Орёл",
                "Екатеринбург",
            ],
        ),
        "UA" => pick(
            rng,
            &["Київ", "Львів", "Харків", "Одеса", "Дніпро", "Житомир"],
        ),
        "GR" => pick(rng, &["Αθήνα", "Θεσσαλονίκη", "Πάτρα", "Ηράκλειο", "Βόλος"]),
        _ => pick(rng, &["北京", "上海", "广州", "深圳", "杭州"]),
    }
}

pub(super) fn street(rng: &mut ChaCha8Rng, lang: Lang) -> String {
    let n = rng.random_range(1..200);
    match lang {
        Lang::En => format!(
            "{n} {} Street",
            pick(rng, &["High", "Main", "Church", "Park", "Oak"])
        ),
        Lang::De => format!(
            "{}straße {n}",
            pick(rng, &["Haupt", "Bahnhof", "Garten", "Schul"])
        ),
        Lang::Ru => format!(
            "ул. {}, {n}",
            pick(rng, &["Ленина", "Садовая", "Лесная", "Солнечная"])
        ),
        Lang::Uk => format!(
            "вул. {}, {n}",
            pick(rng, &["Хрещатик", "Шевченка", "Франка", "Соборна"])
        ),
        Lang::El => format!(
            "{} {n}",
            pick(rng, &["Ερμού", "Σταδίου", "Πανεπιστημίου", "Αθηνάς"])
        ),
        Lang::Zh => format!("{}路{n}号", pick(rng, &["人民", "中山", "解放", "建设"])),
    }
}
