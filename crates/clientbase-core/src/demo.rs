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

const EN_M: &[&str] = &[
    "James", "John", "Robert", "Michael", "William", "David", "Richard", "Thomas", "Daniel",
    "Matthew", "Oliver", "Harry", "George",
];
const EN_F: &[&str] = &[
    "Mary",
    "Patricia",
    "Jennifer",
    "Linda",
    "Elizabeth",
    "Susan",
    "Jessica",
    "Sarah",
    "Emily",
    "Olivia",
    "Amelia",
    "Chloe",
];
const EN_L: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor",
    "Clarke", "Walker", "O'Brien", "Harris", "Cooper",
];
const DE_M: &[&str] = &[
    "Jürgen",
    "Lukas",
    "Maximilian",
    "Stefan",
    "Andreas",
    "Klaus",
    "Jörg",
    "Matthias",
    "Felix",
    "Tobias",
];
const DE_F: &[&str] = &[
    "Anna",
    "Lena",
    "Sophie",
    "Jülide",
    "Katharina",
    "Sabine",
    "Ursula",
    "Marie",
    "Julia",
    "Brigitte",
];
const DE_L: &[&str] = &[
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schäfer",
    "Groß",
    "Köhler",
    "Hoffmann",
];
const RU_M: &[(&str, &str)] = &[
    ("Александр", "Александрович"),
    ("Сергей", "Сергеевич"),
    ("Пётр", "Петрович"),
    ("Фёдор", "Фёдорович"),
    ("Дмитрий", "Дмитриевич"),
    ("Андрей", "Андреевич"),
    ("Алексей", "Алексеевич"),
    ("Иван", "Иванович"),
    ("Семён", "Семёнович"),
];
const RU_F: &[&str] = &[
    "Алёна",
    "Ольга",
    "Татьяна",
    "Наталья",
    "Елена",
    "Светлана",
    "Ирина",
    "Анна",
    "Юлия",
    "Дарья",
];
const RU_L: &[(&str, &str)] = &[
    ("Иванов", "Иванова"),
    ("Смирнов", "Смирнова"),
    ("Кузнецов", "Кузнецова"),
    ("Семёнов", "Семёнова"),
    ("Королёв", "Королёва"),
    ("Соколов", "Соколова"),
    ("Попов", "Попова"),
    ("Лебедев", "Лебедева"),
    ("Ковалёв", "Ковалёва"),
    ("Фёдоров", "Фёдорова"),
];
const UK_M: &[(&str, &str)] = &[
    ("Олександр", "Олександрович"),
    ("Євген", "Євгенович"),
    ("Іван", "Іванович"),
    ("Андрій", "Андрійович"),
    ("Василь", "Васильович"),
    ("Григорій", "Григорович"),
    ("Олексій", "Олексійович"),
    ("Тарас", "Тарасович"),
    ("Юрій", "Юрійович"),
];
const UK_F: &[&str] = &[
    "Ірина",
    "Олена",
    "Наталія",
    "Юлія",
    "Оксана",
    "Ганна",
    "Світлана",
    "Марія",
    "Їржина",
    "Євгенія",
];
const UK_L: &[&str] = &[
    "Шевченко",
    "Коваленко",
    "Бондаренко",
    "Ткаченко",
    "Кравчук",
    "Ковальчук",
    "Мельник",
    "Їжакевич",
    "Гнатюк",
    "Поліщук",
    "Савчук",
    "Лисенко",
];
const MALE_PATR_F: &[(&str, &str)] = &[
    ("Олександрович", "Олександрівна"),
    ("Євгенович", "Євгенівна"),
    ("Іванович", "Іванівна"),
    ("Андрійович", "Андріївна"),
    ("Васильович", "Василівна"),
    ("Григорович", "Григорівна"),
    ("Олексійович", "Олексіївна"),
    ("Тарасович", "Тарасівна"),
    ("Юрійович", "Юріївна"),
];
const RU_PATR_F: &[&str] = &[
    "Александровна",
    "Сергеевна",
    "Петровна",
    "Фёдоровна",
    "Дмитриевна",
    "Андреевна",
    "Алексеевна",
    "Ивановна",
    "Семёновна",
];
const EL_M: &[&str] = &[
    "Γιώργος",
    "Νίκος",
    "Δημήτρης",
    "Γιάννης",
    "Κώστας",
    "Παναγιώτης",
    "Αλέξανδρος",
    "Σπύρος",
    "Θανάσης",
];
const EL_F: &[&str] = &[
    "Σοφία",
    "Μαρία",
    "Ελένη",
    "Κατερίνα",
    "Αικατερίνη",
    "Βασιλική",
    "Γεωργία",
    "Δέσποινα",
    "Ιωάννα",
];
const EL_L: &[(&str, &str)] = &[
    ("Παπαδόπουλος", "Παπαδοπούλου"),
    ("Οικονόμου", "Οικονόμου"),
    ("Γεωργίου", "Γεωργίου"),
    ("Νικολάου", "Νικολάου"),
    ("Κωνσταντινίδης", "Κωνσταντινίδου"),
    ("Αντωνίου", "Αντωνίου"),
    ("Βασιλείου", "Βασιλείου"),
    ("Παπαδάκης", "Παπαδάκη"),
    ("Καραγιάννης", "Καραγιάννη"),
];
const ZH_L: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "欧阳",
];
const ZH_F: &[&str] = &[
    "秀英", "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "军", "杰", "娟", "涛", "明",
    "超", "秀兰", "霞", "平", "刚", "桂英",
];

fn person(rng: &mut ChaCha8Rng, lang: Lang) -> Person {
    let female = rng.random_bool(0.5);
    let (first, last, middle) = match lang {
        Lang::En => (
            pick(rng, if female { EN_F } else { EN_M }),
            pick(rng, EN_L),
            String::new(),
        ),
        Lang::De => (
            pick(rng, if female { DE_F } else { DE_M }),
            pick(rng, DE_L),
            String::new(),
        ),
        Lang::Ru => {
            let (lm, lf) = RU_L[rng.random_range(0..RU_L.len())];
            let i = rng.random_range(0..RU_M.len());
            if female {
                (pick(rng, RU_F), lf, RU_PATR_F[i].to_owned())
            } else {
                (
                    RU_M[rng.random_range(0..RU_M.len())].0,
                    lm,
                    RU_M[i].1.to_owned(),
                )
            }
        }
        Lang::Uk => {
            let i = rng.random_range(0..MALE_PATR_F.len());
            if female {
                (
                    pick(rng, UK_F),
                    pick(rng, UK_L),
                    MALE_PATR_F[i].1.to_owned(),
                )
            } else {
                (
                    UK_M[rng.random_range(0..UK_M.len())].0,
                    pick(rng, UK_L),
                    UK_M[i].1.to_owned(),
                )
            }
        }
        Lang::El => {
            let (lm, lf) = EL_L[rng.random_range(0..EL_L.len())];
            if female {
                (pick(rng, EL_F), lf, String::new())
            } else {
                (pick(rng, EL_M), lm, String::new())
            }
        }
        Lang::Zh => (pick(rng, ZH_F), pick(rng, ZH_L), String::new()),
    };
    Person {
        first: first.to_owned(),
        last: last.to_owned(),
        middle,
    }
}

/// A generated mobile number with what the store derives from it.
pub struct DemoPhone {
    pub e164: String,
    pub display: String,
    pub digits: Vec<String>,
}

fn nd(rng: &mut ChaCha8Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

fn mobile(rng: &mut ChaCha8Rng, country: &str) -> DemoPhone {
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

fn country(rng: &mut ChaCha8Rng, lang: Lang) -> &'static str {
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

fn city(rng: &mut ChaCha8Rng, c: &str) -> &'static str {
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

fn street(rng: &mut ChaCha8Rng, lang: Lang) -> String {
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

fn org_name(rng: &mut ChaCha8Rng, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "{} {}",
            pick(
                rng,
                &[
                    "Acme",
                    "Northwind",
                    "Blue River",
                    "Summit",
                    "Harbor",
                    "Greenfield",
                    "Redwood",
                    "Silver Oak",
                    "Lakeside",
                    "Pioneer",
                    "Brightstone",
                    "Maple Leaf",
                    "Riverside",
                    "Westgate",
                    "Golden Gate",
                    "Evergreen"
                ]
            ),
            pick(
                rng,
                &[
                    "Trading Ltd",
                    "Supplies Inc.",
                    "Group",
                    "Pharmacy",
                    "Dental",
                    "Foods",
                    "Hardware",
                    "Logistics"
                ]
            )
        ),
        Lang::De => format!(
            "{} {}",
            pick(rng, DE_L),
            pick(rng, &["GmbH", "& Söhne KG", "Handels AG", "Apotheke"])
        ),
        Lang::Ru => format!(
            "ООО «{}»",
            pick(
                rng,
                &[
                    "Ромашка",
                    "Вектор",
                    "Ёлочка",
                    "Северный ветер",
                    "Техснаб",
                    "Альфа-Трейд",
                    "Берёзка",
                    "Стройресурс",
                    "Медтехника",
                    "Волга-Агро",
                    "Сибирский двор",
                    "Фармация",
                    "Уралснаб",
                    "Зелёная аптека",
                    "Колос"
                ]
            )
        ),
        Lang::Uk => format!(
            "ТОВ «{}»",
            pick(
                rng,
                &[
                    "Світанок",
                    "Їжачок",
                    "Єдність",
                    "Агроінвест",
                    "Поділля",
                    "Карпати-Буд",
                    "Дніпро-Фарм",
                    "Слобожанщина",
                    "Галицька кава",
                    "Чумацький шлях",
                    "Сіверянка",
                    "Будмайстер",
                    "Зернятко",
                    "Оберіг",
                    "Приморська аптека"
                ]
            )
        ),
        Lang::El => format!(
            "{} {}",
            pick(
                rng,
                &[
                    "Αφοί Παπαδόπουλοι",
                    "Ελληνικά Τρόφιμα",
                    "Νέα Υγεία",
                    "Αιγαίο",
                    "Ολυμπιακή Διανομή",
                    "Κρητικό Ελαιόλαδο",
                    "Φαρμακείο Σοφίας",
                    "Μακεδονική Τεχνική",
                    "Ιόνιο Εμπορική",
                    "Δωδεκάνησα Τουριστική",
                    "Θεσσαλικά Γαλακτοκομικά"
                ]
            ),
            pick(rng, &["Α.Ε.", "Ο.Ε.", "Ε.Π.Ε."])
        ),
        Lang::Zh => format!(
            "{}{}",
            pick(
                rng,
                &[
                    "上海华鑫",
                    "北京东方",
                    "广州恒通",
                    "深圳新世纪",
                    "杭州瑞丰",
                    "成都天府",
                    "南京金陵",
                    "武汉长江",
                    "西安古城",
                    "苏州锦绣",
                    "天津海河",
                    "重庆山城"
                ]
            ),
            pick(
                rng,
                &[
                    "贸易有限公司",
                    "药业有限公司",
                    "科技有限公司",
                    "食品有限公司",
                    "建材有限公司"
                ]
            )
        ),
    }
}

/// Hobbies in the client's own language ("" = none recorded).
fn hobbies(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &[
            "",
            "",
            "fishing",
            "golf",
            "chess",
            "football",
            "gardening",
            "jazz",
            "sailing",
        ],
        Lang::De => &[
            "",
            "",
            "Angeln",
            "Fußball",
            "Wandern",
            "Schach",
            "Radfahren",
        ],
        Lang::Ru => &[
            "",
            "",
            "рыбалка",
            "шахматы",
            "хоккей",
            "охота",
            "баня",
            "дача",
        ],
        Lang::Uk => &[
            "",
            "",
            "риболовля",
            "шахи",
            "футбол",
            "бджільництво",
            "туризм",
        ],
        Lang::El => &[
            "",
            "",
            "ψάρεμα",
            "ιστιοπλοΐα",
            "τάβλι",
            "ποδόσφαιρο",
            "μαγειρική",
        ],
        Lang::Zh => &["", "", "书法", "茶道", "钓鱼", "太极", "围棋"],
    }
}

/// Notes a rep would write, in the client's own language ("" = none).
fn notes(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &[
            "",
            "Prefers morning visits.",
            "Ask about the new catalogue.",
            "Pays by bank transfer, 14 days.",
            "Call the office, not the mobile.",
        ],
        Lang::De => &[
            "",
            "Bitte nur vormittags anrufen.",
            "Interessiert an Sonderangeboten.",
            "Zahlt per Überweisung.",
        ],
        Lang::Ru => &[
            "",
            "Звонить после обеда.",
            "Интересуется новым каталогом.",
            "Оплата по безналу, отсрочка 14 дней.",
            "Решения принимает директор.",
        ],
        Lang::Uk => &[
            "",
            "Дзвонити після обіду.",
            "Цікавиться новим каталогом.",
            "Оплата на рахунок, відстрочка 14 днів.",
            "Рішення ухвалює директор.",
        ],
        Lang::El => &[
            "",
            "Παραγγελία κάθε μήνα.",
            "Προτιμά πρωινές επισκέψεις.",
            "Πληρώνει με τραπεζική μεταφορά.",
        ],
        Lang::Zh => &[
            "",
            "每月订货。",
            "下午联系。",
            "对新产品目录感兴趣。",
            "由总经理决定采购。",
        ],
    }
}

fn ascii_fold(s: &str) -> String {
    let mut out = String::new();
    for ch in s.chars() {
        match ch {
            'ä' | 'Ä' => out.push_str("ae"),
            'ö' | 'Ö' => out.push_str("oe"),
            'ü' | 'Ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            _ => {}
        }
    }
    out
}

fn email(rng: &mut ChaCha8Rng, lang: Lang, p: &Person, n: usize) -> Email {
    let (local, domain) = match lang {
        Lang::En | Lang::De => (
            format!("{}.{}", ascii_fold(&p.first), ascii_fold(&p.last)),
            pick(
                rng,
                if lang == Lang::De {
                    &["web.de", "gmx.de", "firma.de"]
                } else {
                    &["gmail.com", "outlook.com", "company.co.uk"]
                },
            ),
        ),
        Lang::Ru => (format!("client{n}"), pick(rng, &["mail.ru", "yandex.ru"])),
        Lang::Uk => (
            format!("client{n}"),
            pick(rng, &["ukr.net", "i.ua", "gmail.com"]),
        ),
        Lang::El => (
            format!("pelatis{n}"),
            pick(rng, &["otenet.gr", "gmail.com"]),
        ),
        Lang::Zh => (format!("kehu{n}"), pick(rng, &["qq.com", "163.com"])),
    };
    Email {
        label: pick(rng, &["work", "personal", ""]).to_owned(),
        address: format!("{local}@{domain}"),
    }
}

fn birthday(rng: &mut ChaCha8Rng) -> Option<Birthday> {
    if !rng.random_bool(0.6) {
        return None;
    }
    if rng.random_bool(0.02) {
        // 29 February: without a year or in a leap year.
        let year = if rng.random_bool(0.5) {
            None
        } else {
            Some(1960 + 4 * rng.random_range(0..12))
        };
        return Some(Birthday {
            day: 29,
            month: 2,
            year,
        });
    }
    let month = rng.random_range(1..=12u8);
    let day = rng.random_range(1..=28u8);
    let year = if rng.random_bool(0.25) {
        None
    } else {
        Some(rng.random_range(1950..2004))
    };
    Some(Birthday { day, month, year })
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
