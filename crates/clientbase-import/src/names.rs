//! Splitting a whole-name column ("ФИО", "Name", "姓名") into last/first/middle, and telling an
//! organisation's name from a person's.
//!
//! Rules, by script:
//! - "Last, First Middle" (a comma) is read as such everywhere (Outlook's "File As").
//! - Chinese without spaces: surname first — one character, or two for the compound surnames
//!   (欧阳, 司马…); the rest is the given name.
//! - Cyrillic: a patronymic (-вич, -вна, -ична…) fixes the order ("Петров Иван Сергеевич",
//!   "Иван Сергеевич Петров"); otherwise common first names and surname endings (-ов, -енко,
//!   -ский…) decide; otherwise "Фамилия Имя [Отчество]", the order of Russian/Ukrainian lists.
//! - Greek and Latin: "First [Middle] Last", unless first names / Greek surname endings say the
//!   two words are the other way round.

use crate::fold::{fold, is_han};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SplitName {
    pub first: String,
    pub last: String,
    pub middle: String,
}

const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "公孙", "慕容", "夏侯", "尉迟", "长孙",
    "宇文", "司徒", "端木", "独孤", "南宫", "西门", "呼延", "闻人",
];

/// Common first names (folded), so "Петров Иван" and "Иван Петров" both split right.
const FIRST_NAMES: &[&str] = &[
    // ru / uk
    "александр",
    "алексеи",
    "андреи",
    "антон",
    "артем",
    "борис",
    "вадим",
    "валентин",
    "василии",
    "виктор",
    "виталии",
    "владимир",
    "владислав",
    "дмитрии",
    "евгении",
    "егор",
    "иван",
    "игорь",
    "илья",
    "кирилл",
    "константин",
    "максим",
    "михаил",
    "никита",
    "николаи",
    "олег",
    "павел",
    "петр",
    "роман",
    "руслан",
    "сергеи",
    "станислав",
    "степан",
    "тарас",
    "федор",
    "юрии",
    "ярослав",
    "богдан",
    "василь",
    "микола",
    "олександр",
    "андріи",
    "дмитро",
    "петро",
    "юріи",
    "іван",
    "ігор",
    "анна",
    "алина",
    "алена",
    "анастасия",
    "валентина",
    "валерия",
    "вера",
    "виктория",
    "галина",
    "дарья",
    "екатерина",
    "елена",
    "елизавета",
    "ирина",
    "юлия",
    "ксения",
    "лариса",
    "людмила",
    "марина",
    "мария",
    "надежда",
    "наталья",
    "наталия",
    "нина",
    "ольга",
    "оксана",
    "полина",
    "светлана",
    "софия",
    "татьяна",
    "олена",
    "ірина",
    "оксана",
    "марія",
    "наталія",
    "софія",
    "тетяна",
    "юлія",
    "катерина",
    "ганна",
    "людмила",
    "вікторія",
    "дарина",
    // el
    "γιωργοσ",
    "γιαννησ",
    "ιωαννησ",
    "κωστασ",
    "κωνσταντινοσ",
    "δημητρησ",
    "δημητριοσ",
    "νικοσ",
    "νικολαοσ",
    "παναγιωτησ",
    "βασιλησ",
    "μιχαλησ",
    "χρηστοσ",
    "αθανασιοσ",
    "αντωνησ",
    "σπυροσ",
    "ευαγγελοσ",
    "αλεξανδροσ",
    "μαρια",
    "ελενη",
    "αικατερινη",
    "κατερινα",
    "σοφια",
    "γεωργια",
    "βασιλικη",
    "αννα",
    "δημητρα",
    "ευαγγελια",
    "χριστινα",
    "ιωαννα",
    "παναγιωτα",
    "ειρηνη",
    "νικη",
    "αγγελικη",
    "αναστασια",
    "ζωη",
];

fn is_first_name(w: &str) -> bool {
    let f = fold(w);
    FIRST_NAMES.contains(&f.as_str())
}

fn is_patronymic(w: &str) -> bool {
    let f = fold(w);
    [
        "вич",
        "вна",
        "ична",
        "інична",
        "ьич",
        "кич",
        "мич",
        "лич",
        "ович",
        "евич",
        "івна",
        "ївна",
    ]
    .iter()
    .any(|s| f.ends_with(s))
        && f.chars().count() > 5
}

fn cyrillic_surname_ending(w: &str) -> bool {
    let f = fold(w);
    [
        "ов",
        "ев",
        "ин",
        "ын",
        "ова",
        "ева",
        "ина",
        "ына",
        "скии",
        "цкии",
        "ская",
        "цкая",
        "енко",
        "ук",
        "юк",
        "чук",
        "ко",
        "ых",
        "их",
        "ян",
        "дзе",
        "швили",
        "ськии",
        "цькии",
        "ська",
        "цька",
    ]
    .iter()
    .any(|s| f.ends_with(s))
        && !is_first_name(w)
}

fn greek_surname_ending(w: &str) -> bool {
    let f = fold(w);
    [
        "πουλοσ",
        "πουλου",
        "ιδησ",
        "ιδου",
        "ακησ",
        "ακη",
        "ογλου",
        "ατοσ",
        "αιοσ",
        "ιου",
        "εασ",
        "ελλησ",
    ]
    .iter()
    .any(|s| f.ends_with(s))
        && !is_first_name(w)
}

fn script_of(s: &str) -> Script {
    let mut script = Script::Latin;
    for c in s.chars() {
        match c as u32 {
            0x0400..=0x052F => return Script::Cyrillic,
            0x0370..=0x03FF | 0x1F00..=0x1FFF => script = Script::Greek,
            _ => {}
        }
    }
    script
}

#[derive(PartialEq)]
enum Script {
    Latin,
    Cyrillic,
    Greek,
}

/// Splits a person's whole name.
pub fn split_full_name(s: &str) -> SplitName {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = SplitName::default();
    if s.is_empty() {
        return out;
    }
    if let Some((last, rest)) = s.split_once(',') {
        let mut words = rest.split_whitespace();
        out.last = last.trim().to_owned();
        out.first = words.next().unwrap_or("").to_owned();
        out.middle = words.collect::<Vec<_>>().join(" ");
        if out.first.is_empty() {
            std::mem::swap(&mut out.first, &mut out.last);
        }
        return out;
    }
    if !s.contains(' ') && s.chars().any(is_han) {
        if let Some((given, family)) = s.split_once('·') {
            out.first = given.to_owned();
            out.last = family.to_owned();
            return out;
        }
        let chars: Vec<char> = s.chars().collect();
        let n = if chars.len() >= 3 && COMPOUND_SURNAMES.iter().any(|c| s.starts_with(c)) {
            2
        } else {
            1
        };
        out.last = chars[..n.min(chars.len())].iter().collect();
        out.first = chars[n.min(chars.len())..].iter().collect();
        return out;
    }
    let w: Vec<&str> = s.split(' ').collect();
    let script = script_of(&s);
    let owned = |x: &[&str]| x.join(" ");
    match (w.len(), &script) {
        (1, _) => out.first = w[0].to_owned(),
        (2, Script::Cyrillic) => {
            let (a, b) = (w[0], w[1]);
            let first_last = if is_patronymic(b) {
                out.first = a.to_owned();
                out.middle = b.to_owned();
                return out;
            } else if is_first_name(a) != is_first_name(b) {
                is_first_name(a)
            } else if cyrillic_surname_ending(a) != cyrillic_surname_ending(b) {
                cyrillic_surname_ending(b)
            } else {
                false
            };
            if first_last {
                (out.first, out.last) = (a.to_owned(), b.to_owned());
            } else {
                (out.last, out.first) = (a.to_owned(), b.to_owned());
            }
        }
        (_, Script::Cyrillic) => {
            let n = w.len();
            if is_patronymic(w[1]) && !is_patronymic(w[n - 1]) {
                // "Иван Сергеевич Петров"
                out.first = w[0].to_owned();
                out.middle = w[1].to_owned();
                out.last = owned(&w[2..]);
            } else {
                // "Петров Иван Сергеевич" (also the default)
                out.last = w[0].to_owned();
                out.first = w[1].to_owned();
                out.middle = owned(&w[2..]);
            }
        }
        (2, _) => {
            let (a, b) = (w[0], w[1]);
            let last_first = (is_first_name(b) && !is_first_name(a))
                || (script == Script::Greek && greek_surname_ending(a) && !greek_surname_ending(b));
            if last_first {
                (out.last, out.first) = (a.to_owned(), b.to_owned());
            } else {
                (out.first, out.last) = (a.to_owned(), b.to_owned());
            }
        }
        (n, _) => {
            out.first = w[0].to_owned();
            out.middle = owned(&w[1..n - 1]);
            out.last = w[n - 1].to_owned();
        }
    }
    out
}

/// Whether a name is an organisation's: a legal form (ООО, ТОВ, Ltd, GmbH, Α.Ε., 有限公司…),
/// a quoted name (`«Ромашка»`), or a word like "аптека", "pharmacy", "store".
pub fn looks_like_org(s: &str) -> bool {
    if s.contains(['«', '»', '"', '“', '”', '„']) {
        return true;
    }
    if [
        "公司", "集团", "工厂", "商店", "药店", "医院", "酒店", "餐厅", "中心", "有限",
    ]
    .iter()
    .any(|w| s.contains(w))
    {
        return true;
    }
    const WORDS: &[&str] = &[
        "ооо",
        "оао",
        "зао",
        "пао",
        "ао",
        "ип",
        "тов",
        "пп",
        "фоп",
        "ат",
        "пат",
        "llc",
        "ltd",
        "inc",
        "gmbh",
        "ag",
        "kg",
        "corp",
        "corporation",
        "company",
        "co",
        "plc",
        "sa",
        "srl",
        "bv",
        "oy",
        "ab",
        "group",
        "ae",
        "α ε",
        "αε",
        "επε",
        "ικε",
        "οε",
        "εε",
        "аптека",
        "магазин",
        "клиника",
        "салон",
        "студия",
        "холдинг",
        "завод",
        "фабрика",
        "компания",
        "группа",
        "ресторан",
        "кафе",
        "гостиница",
        "отель",
        "центр",
        "агентство",
        "компанія",
        "група",
        "pharmacy",
        "store",
        "shop",
        "hotel",
        "restaurant",
        "clinic",
        "dental",
        "supplies",
        "trading",
        "foods",
        "logistics",
        "hardware",
        "apotheke",
        "φαρμακείο",
        "εταιρεία",
        "ξενοδοχείο",
        "εστιατόριο",
    ];
    let f = fold(s);
    let words: Vec<&str> = f.split(' ').collect();
    WORDS.iter().any(|w| {
        let w = fold(w);
        if w.contains(' ') {
            f.contains(&w)
        } else {
            words.contains(&w.as_str())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> (String, String, String) {
        let n = split_full_name(x);
        (n.last, n.first, n.middle)
    }

    fn t(last: &str, first: &str, middle: &str) -> (String, String, String) {
        (last.into(), first.into(), middle.into())
    }

    #[test]
    fn cyrillic() {
        assert_eq!(s("Петров Иван Сергеевич"), t("Петров", "Иван", "Сергеевич"));
        assert_eq!(s("Иван Сергеевич Петров"), t("Петров", "Иван", "Сергеевич"));
        assert_eq!(
            s("Шевченко Тарас Григорович"),
            t("Шевченко", "Тарас", "Григорович")
        );
        assert_eq!(s("Петрова Анна"), t("Петрова", "Анна", ""));
        assert_eq!(s("Анна Петрова"), t("Петрова", "Анна", ""));
        assert_eq!(s("Ковальчук Олена"), t("Ковальчук", "Олена", ""));
        assert_eq!(s("Иван Сергеевич"), t("", "Иван", "Сергеевич"));
        assert_eq!(s("  Семёнов   Пётр  "), t("Семёнов", "Пётр", ""));
    }

    #[test]
    fn latin_greek_chinese() {
        assert_eq!(s("John Smith"), t("Smith", "John", ""));
        assert_eq!(s("John Ronald Tolkien"), t("Tolkien", "John", "Ronald"));
        assert_eq!(s("Smith, John"), t("Smith", "John", ""));
        assert_eq!(s("Γιώργος Παπαδόπουλος"), t("Παπαδόπουλος", "Γιώργος", ""));
        assert_eq!(s("Παπαδόπουλος Γιώργος"), t("Παπαδόπουλος", "Γιώργος", ""));
        assert_eq!(s("王秀英"), t("王", "秀英", ""));
        assert_eq!(s("李明"), t("李", "明", ""));
        assert_eq!(s("欧阳娜娜"), t("欧阳", "娜娜", ""));
        assert_eq!(s("Madonna"), t("", "Madonna", ""));
        assert_eq!(s(""), t("", "", ""));
    }

    #[test]
    fn organisations() {
        for o in [
            "ООО «Ромашка»",
            "ТОВ Світанок",
            "Acme Trading Ltd",
            "Müller GmbH",
            "Φαρμακείο Παπαδόπουλου",
            "北京华为有限公司",
            "Аптека №5",
            "Blue River Pharmacy",
        ] {
            assert!(looks_like_org(o), "{o}");
        }
        for p in [
            "Иван Петров",
            "John Smith",
            "王秀英",
            "Γιώργος Παπαδόπουλος",
        ] {
            assert!(!looks_like_org(p), "{p}");
        }
    }
}
