//! Cell values that name a choice: countries, contact channels, person/organisation, phone kinds
//! and e-mail labels, in the five UI languages (plus what Google/Outlook/vCard write).

use crate::fold::fold;
use clientbase_core::model::{Channel, ClientKind, MessengerKind, PhoneKind};
use std::collections::HashMap;
use std::sync::OnceLock;

/// ISO code, then names (any case/accents) in en, ru, uk, el, zh, de and the ISO alpha-3 code.
const COUNTRIES: &[(&str, &[&str])] = &[
    (
        "UA",
        &[
            "ukraine",
            "украина",
            "україна",
            "ουκρανία",
            "乌克兰",
            "ukr",
            "ukraina",
        ],
    ),
    (
        "RU",
        &[
            "russia",
            "russian federation",
            "россия",
            "российская федерация",
            "рф",
            "росія",
            "ρωσία",
            "俄罗斯",
            "rus",
            "russland",
        ],
    ),
    (
        "BY",
        &[
            "belarus",
            "беларусь",
            "белоруссия",
            "білорусь",
            "λευκορωσία",
            "白俄罗斯",
            "blr",
        ],
    ),
    (
        "KZ",
        &[
            "kazakhstan",
            "казахстан",
            "казахстан",
            "καζακστάν",
            "哈萨克斯坦",
            "kaz",
        ],
    ),
    (
        "MD",
        &[
            "moldova",
            "молдова",
            "молдавия",
            "μολδαβία",
            "摩尔多瓦",
            "mda",
        ],
    ),
    (
        "PL",
        &[
            "poland",
            "польша",
            "польща",
            "πολωνία",
            "波兰",
            "pol",
            "polen",
            "polska",
        ],
    ),
    (
        "DE",
        &[
            "germany",
            "германия",
            "німеччина",
            "γερμανία",
            "德国",
            "deu",
            "deutschland",
        ],
    ),
    (
        "GB",
        &[
            "united kingdom",
            "uk",
            "great britain",
            "britain",
            "england",
            "великобритания",
            "англия",
            "велика британія",
            "британія",
            "ηνωμένο βασίλειο",
            "αγγλία",
            "英国",
            "gbr",
            "großbritannien",
        ],
    ),
    (
        "US",
        &[
            "united states",
            "usa",
            "united states of america",
            "america",
            "сша",
            "америка",
            "ηπα",
            "ηνωμένες πολιτείες",
            "美国",
            "vereinigte staaten",
        ],
    ),
    (
        "GR",
        &[
            "greece",
            "греция",
            "греція",
            "ελλάδα",
            "ελλάς",
            "希腊",
            "grc",
            "griechenland",
            "hellas",
        ],
    ),
    (
        "CY",
        &[
            "cyprus",
            "кипр",
            "кіпр",
            "κύπρος",
            "塞浦路斯",
            "cyp",
            "zypern",
        ],
    ),
    (
        "CN",
        &[
            "china",
            "people's republic of china",
            "prc",
            "китай",
            "κίνα",
            "中国",
            "中华人民共和国",
            "chn",
        ],
    ),
    (
        "FR",
        &[
            "france",
            "франция",
            "франція",
            "γαλλία",
            "法国",
            "fra",
            "frankreich",
        ],
    ),
    (
        "IT",
        &[
            "italy",
            "италия",
            "італія",
            "ιταλία",
            "意大利",
            "ita",
            "italien",
        ],
    ),
    (
        "ES",
        &[
            "spain",
            "испания",
            "іспанія",
            "ισπανία",
            "西班牙",
            "esp",
            "spanien",
        ],
    ),
    (
        "TR",
        &[
            "turkey",
            "türkiye",
            "турция",
            "туреччина",
            "τουρκία",
            "土耳其",
            "tur",
            "türkei",
        ],
    ),
    (
        "GE",
        &["georgia", "грузия", "грузія", "γεωργία", "格鲁吉亚", "geo"],
    ),
    (
        "AM",
        &[
            "armenia",
            "армения",
            "вірменія",
            "αρμενία",
            "亚美尼亚",
            "arm",
        ],
    ),
    (
        "AZ",
        &[
            "azerbaijan",
            "азербайджан",
            "αζερμπαϊτζάν",
            "阿塞拜疆",
            "aze",
        ],
    ),
    (
        "UZ",
        &[
            "uzbekistan",
            "узбекистан",
            "ουζμπεκιστάν",
            "乌兹别克斯坦",
            "uzb",
        ],
    ),
    ("LT", &["lithuania", "литва", "λιθουανία", "立陶宛", "ltu"]),
    (
        "LV",
        &["latvia", "латвия", "латвія", "λετονία", "拉脱维亚", "lva"],
    ),
    (
        "EE",
        &[
            "estonia",
            "эстония",
            "естонія",
            "εσθονία",
            "爱沙尼亚",
            "est",
        ],
    ),
    (
        "CZ",
        &[
            "czechia",
            "czech republic",
            "чехия",
            "чехія",
            "τσεχία",
            "捷克",
            "cze",
            "tschechien",
        ],
    ),
    (
        "AT",
        &[
            "austria",
            "австрия",
            "австрія",
            "αυστρία",
            "奥地利",
            "aut",
            "österreich",
        ],
    ),
    (
        "CH",
        &[
            "switzerland",
            "швейцария",
            "швейцарія",
            "ελβετία",
            "瑞士",
            "che",
            "schweiz",
        ],
    ),
    (
        "NL",
        &[
            "netherlands",
            "holland",
            "нидерланды",
            "голландия",
            "нідерланди",
            "ολλανδία",
            "荷兰",
            "nld",
            "niederlande",
        ],
    ),
    (
        "BG",
        &[
            "bulgaria",
            "болгария",
            "болгарія",
            "βουλγαρία",
            "保加利亚",
            "bgr",
            "bulgarien",
        ],
    ),
    (
        "RO",
        &[
            "romania",
            "румыния",
            "румунія",
            "ρουμανία",
            "罗马尼亚",
            "rou",
            "rumänien",
        ],
    ),
    (
        "IL",
        &["israel", "израиль", "ізраїль", "ισραήλ", "以色列", "isr"],
    ),
    (
        "AE",
        &[
            "united arab emirates",
            "uae",
            "оаэ",
            "оае",
            "ηαε",
            "阿联酋",
            "are",
        ],
    ),
    (
        "CA",
        &["canada", "канада", "καναδάς", "加拿大", "can", "kanada"],
    ),
    (
        "HK",
        &["hong kong", "гонконг", "χονγκ κονγκ", "香港", "hkg"],
    ),
    ("TW", &["taiwan", "тайвань", "ταϊβάν", "台湾", "twn"]),
    (
        "SG",
        &[
            "singapore",
            "сингапур",
            "сінгапур",
            "σιγκαπούρη",
            "新加坡",
            "sgp",
        ],
    ),
];

fn country_map() -> &'static HashMap<String, &'static str> {
    static M: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    M.get_or_init(|| {
        let mut m = HashMap::new();
        for (code, names) in COUNTRIES {
            m.insert(fold(code), *code);
            for n in *names {
                m.insert(fold(n), *code);
            }
        }
        m
    })
}

/// ISO 3166-1 alpha-2 code of a country given by code or name; `None` when unknown.
pub fn country_code(s: &str) -> Option<String> {
    let t = s.trim();
    if let Some(code) = country_map().get(&fold(t)) {
        return Some((*code).to_owned());
    }
    // Any other two ASCII letters are taken as a code.
    (t.len() == 2 && t.chars().all(|c| c.is_ascii_alphabetic())).then(|| t.to_ascii_uppercase())
}

/// A preferred channel by code (`call`, `sms`…, what export writes) or a word for it.
pub fn channel(s: &str) -> Option<Channel> {
    let f = fold(s);
    Some(match f.as_str() {
        "call" | "phone" | "phone call" | "telephone" | "звонок" | "звонить" | "телефон"
        | "дзвінок" | "дзвонити" | "τηλέφωνο" | "κλήση" | "电话" | "打电话" | "anruf" => {
            Channel::Call
        }
        "sms" | "text" | "смс" | "эсэмэс" | "μήνυμα" | "短信" => Channel::Sms,
        "whatsapp" | "ватсап" | "вотсап" | "вацап" => Channel::Whatsapp,
        "telegram" | "телеграм" | "телеграмм" | "тг" => Channel::Telegram,
        "viber" | "вайбер" => Channel::Viber,
        "email"
        | "e mail"
        | "mail"
        | "почта"
        | "эл почта"
        | "пошта"
        | "ел пошта"
        | "εmail"
        | "ηλεκτρονικό ταχυδρομείο"
        | "邮件"
        | "电子邮件"
        | "邮箱" => Channel::Email,
        _ => return None,
    })
}

/// The export code of a channel.
pub fn channel_code(c: Channel) -> &'static str {
    match c {
        Channel::Call => "call",
        Channel::Sms => "sms",
        Channel::Whatsapp => "whatsapp",
        Channel::Telegram => "telegram",
        Channel::Viber => "viber",
        Channel::Email => "email",
    }
}

/// Person or organisation by code (`person`/`organization`, what export writes) or a word.
pub fn kind(s: &str) -> Option<ClientKind> {
    let f = fold(s);
    const ORG: &[&str] = &[
        "organization",
        "organisation",
        "org",
        "company",
        "business",
        "legal entity",
        "юр",
        "юрлицо",
        "юр лицо",
        "юридическое лицо",
        "юл",
        "организация",
        "компания",
        "юридична особа",
        "юо",
        "організація",
        "компанія",
        "οργανισμός",
        "εταιρεία",
        "νομικό πρόσωπο",
        "公司",
        "组织",
        "企业",
        "单位",
        "firma",
        "unternehmen",
    ];
    const PERSON: &[&str] = &[
        "person",
        "individual",
        "private",
        "физ",
        "физлицо",
        "физ лицо",
        "физическое лицо",
        "фл",
        "частное лицо",
        "фізична особа",
        "фо",
        "приватна особа",
        "πρόσωπο",
        "φυσικό πρόσωπο",
        "ιδιώτης",
        "个人",
        "自然人",
        "privatperson",
    ];
    static WORDS: OnceLock<HashMap<String, ClientKind>> = OnceLock::new();
    let words = WORDS.get_or_init(|| {
        let org = ORG.iter().map(|w| (fold(w), ClientKind::Organization));
        let person = PERSON.iter().map(|w| (fold(w), ClientKind::Person));
        org.chain(person).collect()
    });
    words.get(&f).copied()
}

pub fn kind_code(k: ClientKind) -> &'static str {
    match k {
        ClientKind::Person => "person",
        ClientKind::Organization => "organization",
    }
}

/// A phone kind from a type cell (Google "Mobile", "* Work", vCard "CELL", `мобильный`…).
pub fn phone_kind(s: &str) -> Option<PhoneKind> {
    let f = fold(s);
    let words: Vec<&str> = f.split(' ').collect();
    let has = |ws: &[&str]| ws.iter().any(|w| words.contains(w));
    if has(&[
        "mobile",
        "cell",
        "cellular",
        "iphone",
        "моб",
        "мобильный",
        "сотовый",
        "мобільний",
        "κινητό",
        "κινητο",
        "手机",
        "移动电话",
        "handy",
        "mobil",
    ]) {
        Some(PhoneKind::Mobile)
    } else if has(&[
        "work",
        "business",
        "office",
        "company",
        "main",
        "рабочий",
        "служебный",
        "робочий",
        "службовий",
        "εργασίας",
        "εργασιασ",
        "工作",
        "办公",
        "单位",
        "geschäftlich",
    ]) {
        Some(PhoneKind::Work)
    } else if has(&[
        "home",
        "домашний",
        "домашній",
        "οικίας",
        "οικιασ",
        "σπίτι",
        "σπιτι",
        "家庭",
        "住宅",
        "privat",
    ]) {
        Some(PhoneKind::Home)
    } else if has(&["other", "voice", "другой", "інший", "άλλο", "αλλο", "其他"])
    {
        Some(PhoneKind::Other)
    } else {
        None
    }
}

/// An e-mail label from a type cell ("* Home", "Work", "INTERNET"): `work`, `personal`, or the
/// value itself lowercased; `""` for the generic ones.
pub fn email_label(s: &str) -> String {
    let f = fold(s);
    match f.as_str() {
        "" | "internet" | "other" | "pref" | "x400" | "другой" | "інший" => {
            String::new()
        }
        "work" | "business" | "office" | "рабочий" | "рабочая" | "робочий" | "робоча"
        | "εργασίας" | "εργασιασ" | "工作" => "work".to_owned(),
        "home" | "personal" | "private" | "личный" | "личная" | "домашний" | "особистий"
        | "особиста" | "προσωπικό" | "προσωπικο" | "个人" => {
            "personal".to_owned()
        }
        _ => s.trim().trim_start_matches('*').trim().to_lowercase(),
    }
}

/// A messenger network a column header names, with the display name to prefix handles with
/// ("Skype: ivan.p"), for networks without a kind of their own.
pub fn messenger_network(header: &str) -> Option<&'static str> {
    let f = fold(header);
    let words: Vec<&str> = f.split(' ').collect();
    [
        ("skype", "Skype"),
        ("скайп", "Skype"),
        ("signal", "Signal"),
        ("wechat", "WeChat"),
        ("微信", "WeChat"),
        ("qq", "QQ"),
        ("line", "LINE"),
        ("icq", "ICQ"),
        ("threema", "Threema"),
    ]
    .iter()
    .find(|(w, _)| words.contains(w) || (w.chars().any(crate::fold::is_han) && f.contains(w)))
    .map(|(_, name)| *name)
}

/// A messenger kind from an IMPP/X-SOCIALPROFILE scheme or type (`whatsapp`, `tg`, `viber`).
pub fn messenger_kind(s: &str) -> Option<MessengerKind> {
    let f = fold(s);
    if f.contains("whatsapp") {
        Some(MessengerKind::Whatsapp)
    } else if f.contains("telegram") || f == "tg" {
        Some(MessengerKind::Telegram)
    } else if f.contains("viber") {
        Some(MessengerKind::Viber)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        assert_eq!(country_code("Украина").as_deref(), Some("UA"));
        assert_eq!(country_code("ελλάδα").as_deref(), Some("GR"));
        assert_eq!(country_code("中国").as_deref(), Some("CN"));
        assert_eq!(country_code("ua").as_deref(), Some("UA"));
        assert_eq!(country_code("DEU").as_deref(), Some("DE"));
        assert_eq!(country_code("Atlantis"), None);
        assert_eq!(channel("Телеграм"), Some(Channel::Telegram));
        assert_eq!(channel("call"), Some(Channel::Call));
        assert_eq!(channel("pigeon"), None);
        assert_eq!(kind("Юр. лицо"), Some(ClientKind::Organization));
        assert_eq!(kind("organization"), Some(ClientKind::Organization));
        assert_eq!(kind("Физлицо"), Some(ClientKind::Person));
        assert_eq!(kind("maybe"), None);
        assert_eq!(phone_kind("* Mobile"), Some(PhoneKind::Mobile));
        assert_eq!(phone_kind("Work Fax"), Some(PhoneKind::Work));
        assert_eq!(phone_kind("CELL"), Some(PhoneKind::Mobile));
        assert_eq!(email_label("* Home"), "personal");
        assert_eq!(email_label("INTERNET"), "");
        assert_eq!(email_label("Custom"), "custom");
        assert_eq!(messenger_network("Skype"), Some("Skype"));
        assert_eq!(messenger_network("微信号"), Some("WeChat"));
        assert_eq!(messenger_network("Мессенджер"), None);
    }
}
