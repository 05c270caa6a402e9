//! Column → field mapping: what each column of a table becomes, proposed from the headers and
//! adjusted by the user.
//!
//! The matching engine ([`Dictionary`]) is table-independent: a target table is an enum
//! implementing [`ImportTarget`] with its own dictionary of header words. Clients are
//! [`ClientTarget`]; orders (a later issue) add an `OrderTarget` enum with its dictionary and its
//! own `convert`, and reuse everything here.
//!
//! Matching (on [`fold`]ed text, so case, accents, `ё`, final sigma and punctuation do not matter):
//! a header equal to a dictionary phrase scores highest; otherwise a phrase whose words all occur
//! in the header (in any order, a word also matching its inflected forms: `телефоны`, `компании`,
//! `τηλεφωνα`) scores by its length, so the most specific phrase wins: "Мобильный телефон 2" is a
//! mobile phone, not just a phone. Chinese phrases (no spaces) match as substrings; one-character
//! ones (`姓`, `名`, `市`) only exactly. Some phrases veto a mapping ("Phonetic First Name", "Name
//! Suffix", "Address 1 - Formatted", "Fax"): such columns stay unmapped.

use crate::fold::{fold, is_han};
use clientbase_core::model::{MessengerKind, PhoneKind};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::sync::OnceLock;

/// A table that rows can be imported into: its column targets, their stable codes for the UI, and
/// the header proposal.
pub trait ImportTarget: Sized + Clone + PartialEq + std::fmt::Debug {
    /// Stable code for the UI (`first_name`, `phone:mobile`, `contact1:phone`, `custom:Size`).
    fn code(&self) -> String;
    fn from_code(code: &str) -> Option<Self>;
    /// The target proposed for a column header, `None` when nothing fits.
    fn propose(header: &str) -> Option<Self>;
    /// Every target a user can choose in the mapping step (custom fields not included).
    fn choices() -> Vec<Self>;
}

/// Proposes a target for every header (same length as `headers`).
pub fn propose_mapping_for<T: ImportTarget>(headers: &[String]) -> Vec<Option<T>> {
    headers.iter().map(|h| T::propose(h)).collect()
}

/// Proposes a client field for every header.
pub fn propose_mapping(headers: &[String]) -> Vec<Option<ClientTarget>> {
    propose_mapping_for(headers)
}

/// Like [`propose_mapping`], but a header equal (folded) to the name of one of the user's custom
/// fields becomes that field; this wins over the dictionary.
pub fn propose_mapping_with_custom(
    headers: &[String],
    custom_field_names: &[String],
) -> Vec<Option<ClientTarget>> {
    let customs: Vec<(String, &String)> = custom_field_names
        .iter()
        .map(|n| (fold(n), n))
        .filter(|(f, _)| !f.is_empty())
        .collect();
    headers
        .iter()
        .map(|h| {
            let fh = fold(h);
            customs
                .iter()
                .find(|(f, _)| *f == fh)
                .map(|(_, n)| ClientTarget::Custom((*n).clone()))
                .or_else(|| ClientTarget::propose(h))
        })
        .collect()
}

/// Whether a header is a known column name (used by header-row detection).
pub fn recognise(header: &str) -> bool {
    ClientTarget::propose(header).is_some()
}

// ---------------------------------------------------------------------------------------------
// The engine.

struct Phrase {
    /// The folded phrase.
    text: String,
    /// Its words (non-Han phrases).
    words: Vec<String>,
    han: bool,
    chars: usize,
}

impl Phrase {
    fn new(p: &str) -> Phrase {
        let text = fold(p);
        let han = text.chars().any(is_han);
        Phrase {
            words: text.split(' ').map(str::to_owned).collect(),
            chars: text.chars().count(),
            han,
            text,
        }
    }
}

/// Folded dictionary phrases per target; `None` targets are vetoes.
pub struct Dictionary<T> {
    entries: Vec<(Option<T>, Vec<Phrase>)>,
}

/// Whether header word `h` is dictionary word `p` or an inflected form of it (same stem: they
/// share all but the last letter of `p`, at least 4 letters, and `h` is at most 3 letters longer).
fn word_matches(h: &str, p: &str) -> bool {
    if h == p {
        return true;
    }
    let (hl, pl) = (h.chars().count(), p.chars().count());
    if pl < 4 || hl < 4 || hl > pl + 3 || p.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let common = h.chars().zip(p.chars()).take_while(|(a, b)| a == b).count();
    common >= (pl - 1).max(4)
}

impl<T: Clone> Dictionary<T> {
    pub fn new(entries: &[(Option<T>, &[&str])]) -> Dictionary<T> {
        Dictionary {
            entries: entries
                .iter()
                .map(|(t, ps)| (t.clone(), ps.iter().map(|p| Phrase::new(p)).collect()))
                .collect(),
        }
    }

    /// Scores of `header` (already folded, split into `words`) against one phrase.
    fn score(folded: &str, words: &[&str], p: &Phrase) -> Option<usize> {
        if p.text.is_empty() {
            return None;
        }
        if folded == p.text {
            return Some(10_000 + p.chars);
        }
        if p.han {
            // Chinese headers have no spaces: the phrase must be a fair part of it too.
            if p.chars * 4 < folded.chars().count() {
                return None;
            }
            return (p.chars > 1 && folded.contains(&p.text)).then_some(1_000 + 10 * p.chars);
        }
        // A phrase must name a fair part of the header: "Fill in the Clients sheet" is no
        // "client" column.
        (p.words.len() * 4 >= words.len()
            && p.words
                .iter()
                .all(|pw| words.iter().any(|hw| word_matches(hw, pw))))
        .then_some(1_000 + p.chars)
    }

    /// The best target for an already folded header; vetoes win over everything but an exact
    /// match.
    pub fn best(&self, folded: &str) -> Option<T> {
        let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
        let mut best: Option<(usize, &Option<T>)> = None;
        let mut vetoed = false;
        for (t, phrases) in &self.entries {
            for p in phrases {
                let Some(s) = Self::score(folded, &words, p) else {
                    continue;
                };
                if t.is_none() && s < 10_000 {
                    vetoed = true;
                }
                if best.is_none_or(|(b, _)| s > b) {
                    best = Some((s, t));
                }
            }
        }
        match best {
            Some((s, Some(t))) if s >= 10_000 || !vetoed => Some(t.clone()),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Clients.

/// Label of an e-mail column (`Email`'s free label takes these values when imported).
pub const EMAIL_WORK: &str = "work";
pub const EMAIL_PERSONAL: &str = "personal";

/// The fields of a contact person a column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContactField {
    FullName,
    FirstName,
    LastName,
    MiddleName,
    Position,
    Phone,
    Email,
    Birthday,
    Notes,
}

impl ContactField {
    pub const ALL: [ContactField; 9] = [
        ContactField::LastName,
        ContactField::FirstName,
        ContactField::MiddleName,
        ContactField::FullName,
        ContactField::Position,
        ContactField::Phone,
        ContactField::Email,
        ContactField::Birthday,
        ContactField::Notes,
    ];

    /// The client target whose header words name this contact field.
    pub fn as_client(self) -> ClientTarget {
        match self {
            ContactField::FullName => ClientTarget::FullName,
            ContactField::FirstName => ClientTarget::FirstName,
            ContactField::LastName => ClientTarget::LastName,
            ContactField::MiddleName => ClientTarget::MiddleName,
            ContactField::Position => ClientTarget::Position,
            ContactField::Phone => ClientTarget::Phone(None),
            ContactField::Email => ClientTarget::Email(String::new()),
            ContactField::Birthday => ClientTarget::Birthday,
            ContactField::Notes => ClientTarget::Notes,
        }
    }

    fn from_client(t: &ClientTarget) -> Option<ContactField> {
        Some(match t {
            ClientTarget::FullName => ContactField::FullName,
            ClientTarget::FirstName => ContactField::FirstName,
            ClientTarget::LastName => ContactField::LastName,
            ClientTarget::MiddleName => ContactField::MiddleName,
            ClientTarget::Position => ContactField::Position,
            ClientTarget::Phone(_) => ContactField::Phone,
            ClientTarget::Email(_) => ContactField::Email,
            ClientTarget::Birthday => ContactField::Birthday,
            ClientTarget::Notes => ContactField::Notes,
            _ => return None,
        })
    }
}

/// What a column of a client table becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientTarget {
    /// Person or organisation (values like `person`/`organization`, `физлицо`/`юрлицо`, `公司`…);
    /// without it an organisation name with no person name makes an organisation.
    Kind,
    /// A whole name, split into last/first/middle (or taken as an organisation name when it looks
    /// like one: `ООО «Ромашка»`, `Acme Ltd`).
    FullName,
    FirstName,
    LastName,
    MiddleName,
    /// Company: the organisation's name, or a person's employer.
    OrgName,
    /// Job title. A client has no such field: it goes to a contact person, or to the first line of
    /// a person's notes.
    Position,
    /// `None`: the kind comes from a paired [`ClientTarget::PhoneType`] column, else from the number
    /// (mobile → `Mobile`, otherwise `Other`).
    Phone(Option<PhoneKind>),
    /// The kind of the phone in the adjacent generic phone column (Google's "Phone 1 - Type").
    PhoneType,
    /// The e-mail label (`""`, [`EMAIL_WORK`], [`EMAIL_PERSONAL`]); a cell item `label: address`
    /// sets its own.
    Email(String),
    /// The label of the e-mail in the adjacent generic e-mail column ("E-mail 1 - Type").
    EmailType,
    Messenger(MessengerKind),
    Website,
    Street,
    City,
    Region,
    PostalCode,
    /// ISO code or a country name in any of the five languages.
    Country,
    Birthday,
    Notes,
    Hobbies,
    /// Split on `,` `;` and Google's ` ::: `.
    Tags,
    /// A category by name or code.
    Category,
    Source,
    PreferredChannel,
    CallTime,
    /// Contact person number `slot` (1-based) of an organisation.
    Contact(u8, ContactField),
    /// A custom field by name (a field the user has, or one the caller creates before importing).
    Custom(String),
}

const CONTACT_CODES: [(ContactField, &str); 9] = [
    (ContactField::FullName, "full_name"),
    (ContactField::FirstName, "first_name"),
    (ContactField::LastName, "last_name"),
    (ContactField::MiddleName, "middle_name"),
    (ContactField::Position, "position"),
    (ContactField::Phone, "phone"),
    (ContactField::Email, "email"),
    (ContactField::Birthday, "birthday"),
    (ContactField::Notes, "notes"),
];

fn phone_kind_code(k: PhoneKind) -> &'static str {
    match k {
        PhoneKind::Mobile => "mobile",
        PhoneKind::Work => "work",
        PhoneKind::Home => "home",
        PhoneKind::Other => "other",
    }
}

fn messenger_code(k: MessengerKind) -> &'static str {
    match k {
        MessengerKind::Whatsapp => "whatsapp",
        MessengerKind::Telegram => "telegram",
        MessengerKind::Viber => "viber",
        MessengerKind::Other => "other",
    }
}

const PLAIN: [(&str, ClientTarget); 24] = [
    ("kind", ClientTarget::Kind),
    ("full_name", ClientTarget::FullName),
    ("first_name", ClientTarget::FirstName),
    ("last_name", ClientTarget::LastName),
    ("middle_name", ClientTarget::MiddleName),
    ("org_name", ClientTarget::OrgName),
    ("position", ClientTarget::Position),
    ("phone", ClientTarget::Phone(None)),
    ("phone_type", ClientTarget::PhoneType),
    ("email_type", ClientTarget::EmailType),
    ("website", ClientTarget::Website),
    ("street", ClientTarget::Street),
    ("city", ClientTarget::City),
    ("region", ClientTarget::Region),
    ("postal_code", ClientTarget::PostalCode),
    ("country", ClientTarget::Country),
    ("birthday", ClientTarget::Birthday),
    ("notes", ClientTarget::Notes),
    ("hobbies", ClientTarget::Hobbies),
    ("tags", ClientTarget::Tags),
    ("category", ClientTarget::Category),
    ("source", ClientTarget::Source),
    ("preferred_channel", ClientTarget::PreferredChannel),
    ("call_time", ClientTarget::CallTime),
];

impl ImportTarget for ClientTarget {
    fn code(&self) -> String {
        match self {
            ClientTarget::Phone(Some(k)) => format!("phone:{}", phone_kind_code(*k)),
            ClientTarget::Email(label) if label.is_empty() => "email".to_owned(),
            ClientTarget::Email(label) => format!("email:{label}"),
            ClientTarget::Messenger(k) => format!("messenger:{}", messenger_code(*k)),
            ClientTarget::Contact(slot, f) => {
                let code = CONTACT_CODES.iter().find(|(c, _)| c == f).expect("code").1;
                format!("contact{slot}:{code}")
            }
            ClientTarget::Custom(name) => format!("custom:{name}"),
            other => PLAIN
                .iter()
                .find(|(_, t)| t == other)
                .map(|(c, _)| (*c).to_owned())
                .expect("every plain target has a code"),
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        if code == "email" {
            return Some(ClientTarget::Email(String::new()));
        }
        if let Some((_, t)) = PLAIN.iter().find(|(c, _)| *c == code) {
            return Some(t.clone());
        }
        let (head, rest) = code.split_once(':')?;
        Some(match head {
            "phone" => ClientTarget::Phone(Some(
                [
                    PhoneKind::Mobile,
                    PhoneKind::Work,
                    PhoneKind::Home,
                    PhoneKind::Other,
                ]
                .into_iter()
                .find(|k| phone_kind_code(*k) == rest)?,
            )),
            "email" => ClientTarget::Email(rest.to_owned()),
            "messenger" => ClientTarget::Messenger(
                [
                    MessengerKind::Whatsapp,
                    MessengerKind::Telegram,
                    MessengerKind::Viber,
                    MessengerKind::Other,
                ]
                .into_iter()
                .find(|k| messenger_code(*k) == rest)?,
            ),
            "custom" if !rest.is_empty() => ClientTarget::Custom(rest.to_owned()),
            h if h.starts_with("contact") => {
                let slot: u8 = h["contact".len()..].parse().ok()?;
                if !(1..=9).contains(&slot) {
                    return None;
                }
                let f = CONTACT_CODES.iter().find(|(_, c)| *c == rest)?.0;
                ClientTarget::Contact(slot, f)
            }
            _ => return None,
        })
    }

    fn propose(header: &str) -> Option<Self> {
        propose_client(header)
    }

    fn choices() -> Vec<Self> {
        let mut v: Vec<ClientTarget> = PLAIN.iter().map(|(_, t)| t.clone()).collect();
        for k in [
            PhoneKind::Mobile,
            PhoneKind::Work,
            PhoneKind::Home,
            PhoneKind::Other,
        ] {
            v.push(ClientTarget::Phone(Some(k)));
        }
        for l in ["", EMAIL_WORK, EMAIL_PERSONAL] {
            v.push(ClientTarget::Email(l.to_owned()));
        }
        for k in [
            MessengerKind::Whatsapp,
            MessengerKind::Telegram,
            MessengerKind::Viber,
            MessengerKind::Other,
        ] {
            v.push(ClientTarget::Messenger(k));
        }
        for slot in 1..=3 {
            for f in ContactField::ALL {
                v.push(ClientTarget::Contact(slot, f));
            }
        }
        v
    }
}

impl Serialize for ClientTarget {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

impl<'de> Deserialize<'de> for ClientTarget {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        ClientTarget::from_code(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown target {code:?}")))
    }
}

/// Header words per target code (`""`: a veto). Folded at first use.
#[rustfmt::skip]
const CLIENT_WORDS: &[(&str, &[&str])] = &[
    // Vetoes: columns that look like ours but are not.
    ("", &["phonetic", "yomi", "formatted", "name prefix", "name suffix", "prefix", "suffix",
        "file as", "department", "photo", "фото", "fax", "факс", "pager", "пейджер", "relation",
        "event", "address type", "address label", "website type", "website label", "im type",
        "im label", "im service", "initials", "nickname", "client id", "customer id", "id клиента",
        "код клиента", "номер п п", "п п", "guid", "uid", "created", "modified", "updated",
        "создан", "изменен", "φαξ", "传真", "照片"]),
    ("kind", &["client type", "customer type", "kind", "person organization", "тип клиента",
        "вид клиента", "физ юр", "фл юл", "тип клієнта", "τύπος πελάτη", "客户类型"]),
    ("full_name", &["name", "full name", "display name", "contact name", "client", "customer",
        "client name", "customer name", "фио", "ф и о", "полное имя", "имя фамилия",
        "фамилия имя", "фамилия имя отчество", "клиент", "контрагент", "піб", "п і б",
        "повне імя", "імя прізвище", "прізвище імя", "клієнт", "ονοματεπώνυμο", "πελάτης",
        "姓名", "客户", "客户姓名", "客户名称", "名称", "vollständiger name"]),
    ("first_name", &["first name", "given name", "firstname", "forename", "имя", "імя", "όνομα",
        "名", "名字", "vorname"]),
    ("last_name", &["last name", "family name", "surname", "lastname", "фамилия", "прізвище",
        "επώνυμο", "姓", "姓氏", "nachname"]),
    ("middle_name", &["middle name", "additional name", "patronymic", "отчество", "по батькові",
        "побатькові", "πατρώνυμο", "όνομα πατρός", "中间名", "父名"]),
    ("org_name", &["company", "organization", "organisation", "organization name",
        "company name", "org", "firm", "employer", "account name", "компания", "организация",
        "фирма", "предприятие", "наименование", "название", "название компании",
        "работодатель", "место работы", "компанія", "організація", "підприємство", "назва",
        "εταιρεία", "επιχείρηση", "οργανισμός", "公司", "公司名称", "单位", "企业", "工作单位",
        "firma", "unternehmen"]),
    ("position", &["job title", "position", "role", "organization title", "должность", "посада",
        "θέση", "ιδιότητα", "职位", "职务"]),
    ("phone", &["phone", "telephone", "tel", "phone number", "telephone number",
        "contact number", "телефон", "тел", "номер телефона", "контактный телефон",
        "номер телефону", "контактний телефон", "τηλέφωνο", "τηλ", "αριθμός τηλεφώνου", "电话",
        "电话号码", "联系电话", "联系方式", "telefon", "telefonnummer"]),
    ("phone:mobile", &["mobile", "mobile phone", "cell", "cell phone", "cellular",
        "mobile number", "мобильный", "мобильный телефон", "моб", "моб тел", "сотовый",
        "сотовый телефон", "мобильник", "мобільний", "мобільний телефон", "стільниковий",
        "κινητό", "κινητό τηλέφωνο", "手机", "手机号", "手机号码", "移动电话", "handy", "mobil",
        "mobiltelefon"]),
    ("phone:work", &["work phone", "business phone", "office phone", "company main phone",
        "рабочий", "рабочий телефон", "служебный", "служебный телефон", "офисный телефон",
        "робочий", "робочий телефон", "службовий телефон", "τηλέφωνο εργασίας", "εργασίας",
        "工作电话", "办公电话", "单位电话", "telefon geschäftlich"]),
    ("phone:home", &["home phone", "домашний", "домашний телефон", "домашній",
        "домашній телефон", "τηλέφωνο οικίας", "σταθερό", "家庭电话", "住宅电话", "宅电",
        "telefon privat"]),
    ("phone:other", &["other phone", "additional phone", "другой телефон", "доп телефон",
        "дополнительный телефон", "інший телефон", "додатковий телефон", "άλλο τηλέφωνο",
        "其他电话", "备用电话"]),
    ("phone_type", &["phone type", "phone label", "тип телефона", "тип телефону",
        "τύπος τηλεφώνου", "电话类型"]),
    ("email", &["email", "e mail", "mail", "email address", "e mail address", "эл почта",
        "электронная почта", "почта", "емейл", "имейл", "мейл", "емайл",
        "адрес электронной почты", "адрес e mail", "ел пошта", "електронна пошта", "пошта",
        "адреса електронної пошти", "ηλεκτρονικό ταχυδρομείο", "ηλ ταχυδρομείο", "邮箱",
        "电子邮件", "电子邮箱", "邮件", "邮箱地址"]),
    ("email:work", &["work email", "work e mail", "business email", "business e mail",
        "рабочий e mail", "рабочий email", "рабочая почта", "робочий e mail", "робочий email",
        "робоча пошта", "email εργασίας", "工作邮箱"]),
    ("email:personal", &["personal email", "personal e mail", "home email", "home e mail",
        "личный e mail", "личный email", "личная почта", "особистий e mail", "особистий email",
        "особиста пошта", "προσωπικό email", "个人邮箱"]),
    ("email_type", &["email type", "e mail type", "email label", "e mail label", "тип почты",
        "тип e mail", "тип email"]),
    ("messenger:whatsapp", &["whatsapp", "whats app", "ватсап", "вотсап", "вацап", "ватсапп"]),
    ("messenger:telegram", &["telegram", "телеграм", "телеграмм", "тг", "tg"]),
    ("messenger:viber", &["viber", "вайбер"]),
    ("messenger:other", &["messenger", "other messenger", "im", "skype", "signal", "wechat", "qq",
        "line", "мессенджер", "другой мессенджер", "скайп", "месенджер", "інший месенджер",
        "άλλο messenger", "微信", "其他即时通讯"]),
    ("website", &["website", "web site", "web page", "web", "homepage", "home page", "url",
        "site", "сайт", "веб сайт", "вебсайт", "ιστοσελίδα", "ιστότοπος", "网站", "网址", "主页",
        "webseite"]),
    ("street", &["address", "street", "street address", "address street", "address po box",
        "адрес", "улица", "почтовый адрес", "адрес доставки", "адреса", "вулиця",
        "поштова адреса", "διεύθυνση", "οδός", "地址", "街道", "详细地址", "straße", "strasse",
        "adresse"]),
    ("city", &["city", "town", "locality", "address city", "город", "населенный пункт", "місто",
        "населений пункт", "πόλη", "城市", "市", "所在城市", "stadt", "ort"]),
    ("region", &["region", "state", "province", "county", "address region", "область",
        "регион", "край", "регіон", "περιοχή", "νομός", "περιφέρεια", "省", "省份", "地区",
        "bundesland"]),
    ("postal_code", &["postal code", "postcode", "post code", "zip", "zip code",
        "address postal code", "индекс", "почтовый индекс", "індекс", "поштовий індекс",
        "ταχυδρομικός κώδικας", "τκ", "τ κ", "邮编", "邮政编码", "plz", "postleitzahl"]),
    ("country", &["country", "country region", "address country", "страна", "країна", "χώρα",
        "国家", "land"]),
    ("birthday", &["birthday", "date of birth", "birth date", "dob", "день рождения",
        "дата рождения", "др", "д р", "день народження", "дата народження", "γενέθλια",
        "ημερομηνία γέννησης", "生日", "出生日期", "geburtstag", "geburtsdatum"]),
    ("notes", &["notes", "note", "comment", "comments", "remarks", "description", "memo",
        "примечание", "примечания", "комментарий", "комментарии", "заметки", "заметка",
        "описание", "примітка", "примітки", "коментар", "нотатки", "опис", "σημειώσεις",
        "σχόλια", "备注", "注释", "说明", "notizen", "bemerkung"]),
    ("hobbies", &["hobbies", "hobby", "interests", "хобби", "увлечения", "интересы", "хобі",
        "захоплення", "інтереси", "χόμπι", "ενδιαφέροντα", "爱好", "兴趣", "兴趣爱好"]),
    ("tags", &["tags", "tag", "labels", "groups", "group membership", "categories", "теги",
        "тег", "метки", "ярлыки", "группы", "группа", "мітки", "групи", "ετικέτες",
        "ομάδες", "标签", "分组"]),
    ("category", &["category", "client category", "segment", "class", "категория",
        "категория клиента", "сегмент", "класс", "категорія", "κατηγορία", "类别", "分类",
        "客户类别", "客户等级", "kategorie"]),
    ("source", &["source", "lead source", "referral source", "источник", "откуда",
        "откуда узнал", "джерело", "πηγή", "来源", "客户来源", "quelle"]),
    ("preferred_channel", &["preferred channel", "contact method", "preferred contact method",
        "предпочтительный канал", "канал связи", "способ связи", "бажаний канал",
        "канал звязку", "спосіб звязку", "προτιμώμενο κανάλι", "τρόπος επικοινωνίας",
        "首选渠道", "偏好渠道", "首选联系方式"]),
    ("call_time", &["call time", "best time to call", "time to call", "время звонка",
        "удобное время", "когда звонить", "время для звонка", "час дзвінка", "зручний час",
        "ώρα κλήσης", "ώρα επικοινωνίας", "通话时间", "联系时间", "方便时间"]),
];

fn client_dictionary() -> &'static Dictionary<ClientTarget> {
    static D: OnceLock<Dictionary<ClientTarget>> = OnceLock::new();
    D.get_or_init(|| {
        let entries: Vec<(Option<ClientTarget>, &[&str])> = CLIENT_WORDS
            .iter()
            .map(|(code, words)| {
                let target = (!code.is_empty())
                    .then(|| ClientTarget::from_code(code).expect("dictionary code"));
                (target, *words)
            })
            .collect();
        Dictionary::new(&entries)
    })
}

/// Words that mark a contact person's column: `always` ones by themselves ("Контактное лицо",
/// "联系人"), `numbered` ones only with a number ("Contact 2 phone", "Контакт 1: Фамилия").
fn contact_marker(folded: &str, has_slot: bool) -> Option<String> {
    const ALWAYS: &[&str] = &[
        "contact person",
        "контактное лицо",
        "контактного лица",
        "конт лицо",
        "контактна особа",
        "контактної особи",
        "πρόσωπο επαφής",
        "联系人",
        "ansprechpartner",
    ];
    const NUMBERED: &[&str] = &["contact", "контакт", "επαφή", "kontakt"];
    for m in ALWAYS {
        let m = fold(m);
        if let Some(p) = folded.find(&m) {
            let before_ok = p == 0 || folded[..p].ends_with(' ') || m.chars().any(is_han);
            if before_ok {
                let rest = format!("{} {}", &folded[..p], &folded[p + m.len()..]);
                return Some(rest.split_whitespace().collect::<Vec<_>>().join(" "));
            }
        }
    }
    if has_slot {
        for m in NUMBERED {
            let m = fold(m);
            let words: Vec<&str> = folded.split(' ').collect();
            if words.contains(&m.as_str()) {
                return Some(
                    words
                        .into_iter()
                        .filter(|w| *w != m)
                        .collect::<Vec<_>>()
                        .join(" "),
                );
            }
        }
    }
    None
}

fn propose_client(header: &str) -> Option<ClientTarget> {
    let folded = fold(header);
    if folded.is_empty() {
        return None;
    }
    // A standalone number ("Phone 2", "Contact 1 phone", "E-mail 2 Address") numbers a repeated
    // column; it is not part of the name.
    let mut slot = None;
    let words: Vec<&str> = folded
        .split(' ')
        .filter(|w| {
            if w.len() <= 2 && w.chars().all(|c| c.is_ascii_digit()) {
                slot.get_or_insert(w.parse::<u8>().unwrap_or(1));
                false
            } else {
                true
            }
        })
        .collect();
    let rest = words.join(" ");
    let dict = client_dictionary();
    if let Some(field_words) = contact_marker(&rest, slot.is_some()) {
        let slot = slot.unwrap_or(1).clamp(1, 9);
        let field = if field_words.is_empty() {
            Some(ContactField::FullName)
        } else {
            dict.best(&field_words)
                .and_then(|t| ContactField::from_client(&t))
        };
        return field.map(|f| ClientTarget::Contact(slot, f));
    }
    if rest.is_empty() {
        return None;
    }
    dict.best(&rest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClientTarget as T;

    fn p(h: &str) -> Option<ClientTarget> {
        ClientTarget::propose(h)
    }

    #[test]
    fn five_languages() {
        assert_eq!(p("Телефон"), Some(T::Phone(None)));
        assert_eq!(p("Τηλέφωνο"), Some(T::Phone(None)));
        assert_eq!(p("电话"), Some(T::Phone(None)));
        assert_eq!(p("Имя"), Some(T::FirstName));
        assert_eq!(p("Фамилия"), Some(T::LastName));
        assert_eq!(p("Отчество"), Some(T::MiddleName));
        assert_eq!(p("По батькові"), Some(T::MiddleName));
        assert_eq!(p("Ім'я"), Some(T::FirstName));
        assert_eq!(p("Прізвище"), Some(T::LastName));
        assert_eq!(p("E-mail"), Some(T::Email(String::new())));
        assert_eq!(p("Эл. почта"), Some(T::Email(String::new())));
        assert_eq!(p("Город"), Some(T::City));
        assert_eq!(p("Πόλη"), Some(T::City));
        assert_eq!(p("城市"), Some(T::City));
        assert_eq!(p("День рождения"), Some(T::Birthday));
        assert_eq!(p("Ημερομηνία γέννησης"), Some(T::Birthday));
        assert_eq!(p("出生日期"), Some(T::Birthday));
        assert_eq!(p("Компания"), Some(T::OrgName));
        assert_eq!(p("Название компании"), Some(T::OrgName));
        assert_eq!(p("Примечание"), Some(T::Notes));
        assert_eq!(p("Примечания"), Some(T::Notes));
        assert_eq!(p("Ονοματεπώνυμο"), Some(T::FullName));
        assert_eq!(p("ФИО"), Some(T::FullName));
        assert_eq!(p("Ф.И.О."), Some(T::FullName));
        assert_eq!(p("ПІБ"), Some(T::FullName));
        assert_eq!(p("姓名"), Some(T::FullName));
        assert_eq!(p("姓"), Some(T::LastName));
        assert_eq!(p("名"), Some(T::FirstName));
        assert_eq!(p("公司名称"), Some(T::OrgName));
        assert_eq!(p("手机号码"), Some(T::Phone(Some(PhoneKind::Mobile))));
        assert_eq!(p("微信"), Some(T::Messenger(MessengerKind::Other)));
    }

    #[test]
    fn specific_beats_general() {
        assert_eq!(
            p("Мобильный телефон"),
            Some(T::Phone(Some(PhoneKind::Mobile)))
        );
        assert_eq!(
            p("Телефон мобильный 2"),
            Some(T::Phone(Some(PhoneKind::Mobile)))
        );
        assert_eq!(p("Рабочий телефон"), Some(T::Phone(Some(PhoneKind::Work))));
        assert_eq!(p("Телефоны"), Some(T::Phone(None)));
        assert_eq!(p("Почтовый индекс"), Some(T::PostalCode));
        assert_eq!(p("Рабочий e-mail"), Some(T::Email(EMAIL_WORK.into())));
        assert_eq!(
            p("Κινητό τηλέφωνο"),
            Some(T::Phone(Some(PhoneKind::Mobile)))
        );
        assert_eq!(p("Categories"), Some(T::Tags));
        assert_eq!(p("Category"), Some(T::Category));
        assert_eq!(p("Business Country/Region"), Some(T::Country));
        assert_eq!(p("Business Street"), Some(T::Street));
        assert_eq!(p("E-mail 2 Address"), Some(T::Email(String::new())));
        assert_eq!(
            p("  MOBILE   PHONE "),
            Some(T::Phone(Some(PhoneKind::Mobile)))
        );
    }

    #[test]
    fn google_and_outlook_headers() {
        assert_eq!(p("Phone 1 - Value"), Some(T::Phone(None)));
        assert_eq!(p("Phone 1 - Type"), Some(T::PhoneType));
        assert_eq!(p("Phone 1 - Label"), Some(T::PhoneType));
        assert_eq!(p("E-mail 1 - Type"), Some(T::EmailType));
        assert_eq!(p("Given Name"), Some(T::FirstName));
        assert_eq!(p("Family Name"), Some(T::LastName));
        assert_eq!(p("Group Membership"), Some(T::Tags));
        assert_eq!(p("Organization Name"), Some(T::OrgName));
        assert_eq!(p("Organization Title"), Some(T::Position));
        assert_eq!(p("Phonetic First Name"), None);
        assert_eq!(p("Name Suffix"), None);
        assert_eq!(p("Address 1 - Formatted"), None);
        assert_eq!(p("Business Fax"), None);
        assert_eq!(p("Nickname"), None);
        assert_eq!(p("Job Title"), Some(T::Position));
        assert_eq!(p("Mobile Phone"), Some(T::Phone(Some(PhoneKind::Mobile))));
        assert_eq!(p("Web Page"), Some(T::Website));
        assert_eq!(p("Размер обуви"), None);
        assert_eq!(p(""), None);
    }

    #[test]
    fn contact_persons() {
        assert_eq!(
            p("Контактное лицо"),
            Some(T::Contact(1, ContactField::FullName))
        );
        assert_eq!(
            p("Телефон контактного лица"),
            Some(T::Contact(1, ContactField::Phone))
        );
        assert_eq!(
            p("Contact 2: Last name"),
            Some(T::Contact(2, ContactField::LastName))
        );
        assert_eq!(p("联系人"), Some(T::Contact(1, ContactField::FullName)));
        assert_eq!(p("Контактный телефон"), Some(T::Phone(None)));
        assert_eq!(p("Contact name"), Some(T::FullName));
    }

    #[test]
    fn codes_round_trip() {
        let mut all = ClientTarget::choices();
        all.push(T::Custom("Размер".into()));
        for t in all {
            let code = t.code();
            assert_eq!(ClientTarget::from_code(&code), Some(t.clone()), "{code}");
            let json = serde_json_like(&code);
            assert!(json.contains(&code));
        }
        assert_eq!(ClientTarget::from_code("contact0:phone"), None);
        assert_eq!(ClientTarget::from_code("phone:fax"), None);
        assert_eq!(ClientTarget::from_code("nope"), None);
    }

    fn serde_json_like(code: &str) -> String {
        format!("\"{code}\"")
    }

    #[test]
    fn custom_names_win() {
        let m = propose_mapping_with_custom(
            &["Размер".into(), "Город".into(), "Сайт".into()],
            &["размер".into(), "Сайт".into()],
        );
        assert_eq!(
            m,
            vec![
                Some(T::Custom("размер".into())),
                Some(T::City),
                Some(T::Custom("Сайт".into()))
            ]
        );
    }
}
