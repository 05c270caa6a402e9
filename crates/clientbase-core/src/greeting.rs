//! Birthday greetings: the built-in templates, choosing the greeting's language, rendering a template
//! for a client or a contact person, and the message links with the text prefilled. Pure (the store
//! keeps the user's templates; see `store/activity.rs`).

use crate::api::{ActionKind, ContactAction, GreetingAction, Platform};
use crate::links::urlencode;
use crate::model::Channel;
use crate::store::rows::join_names;

/// The languages greetings (and the UI) exist in.
pub const LANGUAGES: [&str; 5] = ["en", "ru", "uk", "el", "zh"];

/// Built-in templates per language (the same text is seeded by migration 0006). A line whose
/// placeholder has no value is left out, so the company and signature lines disappear when unknown.
pub const DEFAULT_TEMPLATES: [(&str, &str); 5] = [
    (
        "en",
        "Happy birthday, {first_name}!\n\
         Wishing you good health, happiness and success in everything you do.\n\
         Best wishes to everyone at {company}!\n\
         {rep_name}",
    ),
    (
        "ru",
        "{name_patronymic}, с днём рождения!\n\
         Желаю крепкого здоровья, счастья и успехов во всём.\n\
         Процветания всей команде «{company}»!\n\
         {rep_name}",
    ),
    (
        "uk",
        "{name_patronymic}, з днем народження!\n\
         Бажаю міцного здоров’я, щастя та успіхів у всьому.\n\
         Процвітання всій команді «{company}»!\n\
         {rep_name}",
    ),
    (
        "el",
        "Χρόνια πολλά, {first_name}!\n\
         Σας εύχομαι υγεία, ευτυχία και κάθε επιτυχία.\n\
         Θερμές ευχές σε όλη την ομάδα της εταιρείας {company}!\n\
         {rep_name}",
    ),
    (
        "zh",
        "{full_name}，生日快乐！\n\
         祝您身体健康，万事如意，事业兴旺！\n\
         也祝{company}的全体同仁一切顺利！\n\
         {rep_name}",
    ),
];

/// The built-in template of a language ("en" for an unknown one).
pub fn default_template(language: &str) -> &'static str {
    DEFAULT_TEMPLATES
        .iter()
        .find(|(l, _)| *l == language)
        .unwrap_or(&DEFAULT_TEMPLATES[0])
        .1
}

/// Languages that address people by first name and patronymic.
fn uses_patronymic(language: &str) -> bool {
    matches!(language, "ru" | "uk")
}

/// Who is congratulated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recipient {
    pub first_name: String,
    /// The patronymic for ru/uk names.
    pub middle_name: String,
    pub last_name: String,
    /// The client's company (an organisation's name; a person's employer), may be empty.
    pub company: String,
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2ffff}')
}

impl Recipient {
    /// "First Last", or "LastFirst" for a CJK name ("王秀英").
    pub fn full_name(&self) -> String {
        let cjk = self
            .last_name
            .chars()
            .chain(self.first_name.chars())
            .any(is_cjk);
        if cjk {
            join_names(&[&self.last_name, &self.first_name])
        } else {
            join_names(&[&self.first_name, &self.last_name])
        }
    }

    /// The values of the placeholders in `language`. The name ones fall back (first name → full
    /// name → company), so they are empty only when there is no name at all.
    pub fn values(&self, language: &str, rep_name: &str) -> [(&'static str, String); 5] {
        let full = self.full_name();
        let company = self.company.trim().to_owned();
        let first = [self.first_name.trim(), full.as_str(), company.as_str()]
            .into_iter()
            .find(|s| !s.is_empty())
            .unwrap_or("")
            .to_owned();
        let middle = self.middle_name.trim();
        let name_patronymic = if uses_patronymic(language)
            && !middle.is_empty()
            && !self.first_name.trim().is_empty()
        {
            format!("{} {middle}", self.first_name.trim())
        } else {
            first.clone()
        };
        let full = if full.is_empty() { first.clone() } else { full };
        [
            ("first_name", first),
            ("name_patronymic", name_patronymic),
            ("full_name", full),
            ("company", company),
            ("rep_name", rep_name.trim().to_owned()),
        ]
    }
}

/// Renders `template` for `who` in `language`. Placeholders: `{first_name}`, `{name_patronymic}`,
/// `{full_name}`, `{company}`, `{rep_name}`; unknown `{…}` stay as typed. A line holding a
/// placeholder without a value is left out; trailing spaces and leading/trailing empty lines go.
pub fn render(template: &str, language: &str, who: &Recipient, rep_name: &str) -> String {
    let values = who.values(language, rep_name);
    let mut lines: Vec<String> = Vec::new();
    'line: for line in template.lines() {
        let mut out = String::with_capacity(line.len() + 16);
        let mut rest = line;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let hit = after.find('}').and_then(|close| {
                let name = &after[..close];
                values
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (v, close))
            });
            match hit {
                Some((v, _)) if v.is_empty() => continue 'line,
                Some((v, close)) => {
                    out.push_str(v);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        lines.push(out.trim_end().to_owned());
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let first = lines
        .iter()
        .position(|l| !l.is_empty())
        .unwrap_or(lines.len());
    lines[first..].join("\n")
}

/// The greeting language for a person's name: Greek letters → el, Han → zh, Cyrillic → uk when the
/// name has a letter only Ukrainian uses (і ї є ґ), ru for one only Russian uses (ы э ъ ё), else
/// `cyrillic` ("ru"/"uk"; when empty: the UI language if it is one of them, else uk for a Ukrainian
/// default country, else ru); any other script → the UI language (en when unset).
pub fn language_for(
    names: &[&str],
    ui_language: &str,
    cyrillic: &str,
    default_country: &str,
) -> &'static str {
    let (mut greek, mut han, mut cyr, mut uk, mut ru) = (false, false, false, false, false);
    for c in names.iter().flat_map(|n| n.chars()) {
        match c {
            '\u{0370}'..='\u{03ff}' | '\u{1f00}'..='\u{1fff}' => greek = true,
            c if is_cjk(c) => han = true,
            'і' | 'ї' | 'є' | 'ґ' | 'І' | 'Ї' | 'Є' | 'Ґ' => {
                cyr = true;
                uk = true
            }
            'ы' | 'э' | 'ъ' | 'ё' | 'Ы' | 'Э' | 'Ъ' | 'Ё' => {
                cyr = true;
                ru = true
            }
            '\u{0400}'..='\u{04ff}' => cyr = true,
            _ => {}
        }
    }
    let known = |l: &str| LANGUAGES.iter().copied().find(|x| *x == l);
    if han {
        "zh"
    } else if greek {
        "el"
    } else if cyr {
        if uk && !ru {
            "uk"
        } else if ru && !uk {
            "ru"
        } else {
            match (cyrillic, ui_language) {
                ("ru" | "uk", _) => known(cyrillic).unwrap_or("ru"),
                (_, "ru" | "uk") => known(ui_language).unwrap_or("ru"),
                _ if default_country.eq_ignore_ascii_case("UA") => "uk",
                _ => "ru",
            }
        }
    } else {
        known(ui_language).unwrap_or("en")
    }
}

pub fn action_kind(c: Channel) -> ActionKind {
    match c {
        Channel::Call => ActionKind::Call,
        Channel::Sms => ActionKind::Sms,
        Channel::Whatsapp => ActionKind::Whatsapp,
        Channel::Telegram => ActionKind::Telegram,
        Channel::Viber => ActionKind::Viber,
        Channel::Email => ActionKind::Email,
    }
}

/// The `channel` an action sends through (`None` for maps and websites).
pub fn channel_of(k: ActionKind) -> Option<Channel> {
    Some(match k {
        ActionKind::Call => Channel::Call,
        ActionKind::Sms => Channel::Sms,
        ActionKind::Whatsapp => Channel::Whatsapp,
        ActionKind::Telegram => Channel::Telegram,
        ActionKind::Viber => Channel::Viber,
        ActionKind::Email => Channel::Email,
        ActionKind::Map | ActionKind::Website => return None,
    })
}

/// The ways to send `text` to one person, made from the card's actions of that person (`contact` =
/// `None`: the client's own). WhatsApp, SMS and e-mail links carry the text (e-mail: the first line as
/// the subject); Telegram and Viber links to a chat cannot, so they are `prefilled: false` (the UI
/// copies the text first); a call is offered last. The `preferred` channel comes first.
pub fn message_actions(
    card: &[ContactAction],
    contact: Option<&str>,
    text: &str,
    preferred: Option<Channel>,
    platform: Platform,
) -> Vec<GreetingAction> {
    let enc = urlencode(text);
    let order = |k: ActionKind| -> u8 {
        if preferred.map(action_kind) == Some(k) {
            return 0;
        }
        match k {
            ActionKind::Whatsapp => 1,
            ActionKind::Telegram => 2,
            ActionKind::Viber => 3,
            ActionKind::Sms => 4,
            ActionKind::Email => 5,
            _ => 6,
        }
    };
    let mut out: Vec<GreetingAction> = card
        .iter()
        .filter(|a| a.contact_id.as_deref() == contact)
        .filter_map(|a| {
            let (url, prefilled) = match a.kind {
                ActionKind::Whatsapp => (format!("{}?text={enc}", a.url), true),
                ActionKind::Sms => {
                    let sep = if platform == Platform::Ios { '&' } else { '?' };
                    (format!("{}{sep}body={enc}", a.url), true)
                }
                ActionKind::Email => {
                    let subject = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
                    let body = urlencode(&text.replace("\r\n", "\n").replace('\n', "\r\n"));
                    (
                        format!("{}?subject={}&body={body}", a.url, urlencode(subject)),
                        true,
                    )
                }
                ActionKind::Telegram | ActionKind::Viber | ActionKind::Call => {
                    (a.url.clone(), false)
                }
                ActionKind::Map | ActionKind::Website => return None,
            };
            Some(GreetingAction {
                kind: a.kind,
                label: a.label.clone(),
                url,
                prefilled,
            })
        })
        .collect();
    out.sort_by_key(|a| order(a.kind));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_render_without_leftover_placeholders() {
        for (lang, t) in DEFAULT_TEMPLATES {
            let who = Recipient {
                first_name: "A".into(),
                middle_name: "B".into(),
                last_name: "C".into(),
                company: "D".into(),
            };
            let s = render(t, lang, &who, "R");
            assert!(!s.contains('{'), "{lang}: {s}");
            assert_eq!(s.lines().count(), 4, "{lang}: {s}");
        }
    }

    #[test]
    fn unknown_and_unclosed_braces_stay() {
        let who = Recipient {
            first_name: "Ann".into(),
            ..Default::default()
        };
        assert_eq!(render("{x} {first_name} {", "en", &who, ""), "{x} Ann {");
    }
}
