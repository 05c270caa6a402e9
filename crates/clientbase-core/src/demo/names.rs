//! Demo people: given names, surnames and patronymics per language, e-mails and birthdays.

use super::{pick, Lang, Person};
use crate::model::*;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

pub(super) const EN_M: &[&str] = &[
    "James", "John", "Robert", "Michael", "William", "David", "Richard", "Thomas", "Daniel",
    "Matthew", "Oliver", "Harry", "George",
];
pub(super) const EN_F: &[&str] = &[
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
pub(super) const EN_L: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor",
    "Clarke", "Walker", "O'Brien", "Harris", "Cooper",
];
pub(super) const DE_M: &[&str] = &[
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
pub(super) const DE_F: &[&str] = &[
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
pub(super) const DE_L: &[&str] = &[
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
pub(super) const RU_M: &[(&str, &str)] = &[
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
pub(super) const RU_F: &[&str] = &[
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
pub(super) const RU_L: &[(&str, &str)] = &[
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
pub(super) const UK_M: &[(&str, &str)] = &[
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
pub(super) const UK_F: &[&str] = &[
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
pub(super) const UK_L: &[&str] = &[
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
pub(super) const MALE_PATR_F: &[(&str, &str)] = &[
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
pub(super) const RU_PATR_F: &[&str] = &[
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
pub(super) const EL_M: &[&str] = &[
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
pub(super) const EL_F: &[&str] = &[
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
pub(super) const EL_L: &[(&str, &str)] = &[
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
pub(super) const ZH_L: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "欧阳",
];
pub(super) const ZH_F: &[&str] = &[
    "秀英", "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "军", "杰", "娟", "涛", "明",
    "超", "秀兰", "霞", "平", "刚", "桂英",
];

pub(super) fn person(rng: &mut ChaCha8Rng, lang: Lang) -> Person {
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

pub(super) fn ascii_fold(s: &str) -> String {
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

pub(super) fn email(rng: &mut ChaCha8Rng, lang: Lang, p: &Person, n: usize) -> Email {
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

pub(super) fn birthday(rng: &mut ChaCha8Rng) -> Option<Birthday> {
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
