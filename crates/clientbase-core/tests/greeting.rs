//! Birthday greetings: the default template of every language with every placeholder, missing
//! fields, the language chosen from the name's script, and the message links with the text.
mod daily;
use clientbase_core::api::{ActionKind, ContactAction, Platform};
use clientbase_core::greeting::{self, language_for, message_actions, render, Recipient};
use clientbase_core::model::*;
use daily::*;

fn who(first: &str, middle: &str, last: &str, company: &str) -> Recipient {
    Recipient {
        first_name: first.into(),
        middle_name: middle.into(),
        last_name: last.into(),
        company: company.into(),
    }
}

#[test]
fn default_templates_in_every_language() {
    let t = |l| greeting::default_template(l);
    let ru = who("Иван", "Петрович", "Сидоров", "Ромашка");
    assert_eq!(
        render(t("ru"), "ru", &ru, "Мария"),
        "Иван Петрович, с днём рождения!\n\
         Желаю крепкого здоровья, счастья и успехов во всём.\n\
         Процветания всей команде «Ромашка»!\n\
         Мария"
    );
    let uk = who("Олена", "Петрівна", "Шевченко", "Світанок");
    assert_eq!(
        render(t("uk"), "uk", &uk, "Марко"),
        "Олена Петрівна, з днем народження!\n\
         Бажаю міцного здоров’я, щастя та успіхів у всьому.\n\
         Процвітання всій команді «Світанок»!\n\
         Марко"
    );
    let en = who("John", "Paul", "Smith", "Acme");
    assert_eq!(
        render(t("en"), "en", &en, "Ann"),
        "Happy birthday, John!\n\
         Wishing you good health, happiness and success in everything you do.\n\
         Best wishes to everyone at Acme!\n\
         Ann"
    );
    let el = who("Σοφία", "", "Παπαδοπούλου", "Όμικρον");
    assert_eq!(
        render(t("el"), "el", &el, "Νίκος"),
        "Χρόνια πολλά, Σοφία!\n\
         Σας εύχομαι υγεία, ευτυχία και κάθε επιτυχία.\n\
         Θερμές ευχές σε όλη την ομάδα της εταιρείας Όμικρον!\n\
         Νίκος"
    );
    let zh = who("秀英", "", "王", "华为");
    assert_eq!(
        render(t("zh"), "zh", &zh, "李明"),
        "王秀英，生日快乐！\n\
         祝您身体健康，万事如意，事业兴旺！\n\
         也祝华为的全体同仁一切顺利！\n\
         李明"
    );
}

#[test]
fn patronymic_only_where_the_language_uses_it() {
    let p = who("Ivan", "Petrovich", "Sidorov", "");
    assert_eq!(render("{name_patronymic}", "ru", &p, ""), "Ivan Petrovich");
    assert_eq!(render("{name_patronymic}", "uk", &p, ""), "Ivan Petrovich");
    assert_eq!(render("{name_patronymic}", "en", &p, ""), "Ivan");
    assert_eq!(render("{name_patronymic}", "el", &p, ""), "Ivan");
    assert_eq!(render("{full_name}", "en", &p, ""), "Ivan Sidorov");
    // No patronymic: the first name.
    let p = who("Олена", "", "Шевченко", "");
    assert_eq!(render("{name_patronymic}!", "uk", &p, ""), "Олена!");
}

#[test]
fn missing_fields_drop_their_line_and_names_fall_back() {
    // No company, no rep name: those lines go.
    let p = who("Олена", "Петрівна", "Шевченко", "");
    assert_eq!(
        render(greeting::default_template("uk"), "uk", &p, "  "),
        "Олена Петрівна, з днем народження!\nБажаю міцного здоров’я, щастя та успіхів у всьому."
    );
    // No first name: the full name, then the company.
    let p = who("", "", "Smith", "Acme");
    assert_eq!(render("Dear {first_name},", "en", &p, ""), "Dear Smith,");
    assert_eq!(render("{name_patronymic}", "ru", &p, ""), "Smith");
    let org = who("", "", "", "Acme Ltd");
    assert_eq!(
        render("Happy anniversary, {first_name}!", "en", &org, ""),
        "Happy anniversary, Acme Ltd!"
    );
    // Nothing at all: the line goes too; blank lines at the ends are trimmed.
    let nobody = who("", "", "", "");
    assert_eq!(
        render(
            "Hi {first_name}!\n\nWishes\n{rep_name}\n",
            "en",
            &nobody,
            ""
        ),
        "Wishes"
    );
    // Placeholders repeated and inside text.
    let p = who("Ann", "", "Lee", "X");
    assert_eq!(
        render("{first_name}/{first_name}{company}", "en", &p, ""),
        "Ann/AnnX"
    );
}

#[test]
fn language_from_the_name_script() {
    assert_eq!(language_for(&["Σοφία"], "en", "", "GR"), "el");
    assert_eq!(language_for(&["王", "秀英"], "ru", "", "UA"), "zh");
    assert_eq!(
        language_for(&["Ірина", "Коваль"], "en", "", "DE"),
        "uk",
        "і/є/ї/ґ"
    );
    assert_eq!(language_for(&["Артём"], "uk", "", "UA"), "ru", "ё/ы/э/ъ");
    // Cyrillic without telling letters: the setting, else the UI language, else the country.
    assert_eq!(language_for(&["Иван", "Петров"], "en", "uk", "DE"), "uk");
    assert_eq!(language_for(&["Иван", "Петров"], "ru", "", "UA"), "ru");
    assert_eq!(language_for(&["Иван", "Петров"], "uk", "", "DE"), "uk");
    assert_eq!(language_for(&["Иван", "Петров"], "en", "", "UA"), "uk");
    assert_eq!(language_for(&["Иван", "Петров"], "en", "", "KZ"), "ru");
    // Latin and others: the UI language (en when unset).
    assert_eq!(language_for(&["John"], "el", "", "GR"), "el");
    assert_eq!(language_for(&["John"], "", "", "GR"), "en");
}

#[test]
fn store_picks_the_language_template_and_rep_name() {
    let (_d, mut store, _c) = open_at(utc(2025, 6, 10, 9, 0));
    store
        .set_settings(Settings {
            language: "el".into(),
            default_country: "GR".into(),
            user_name: "Νίκος".into(),
        })
        .unwrap();
    let greek = add(&mut store, person("Σοφία", "Παπαδοπούλου"), None);
    let (lang, text) = store.greeting_text(&greek.id, None, None).unwrap();
    assert_eq!(lang, "el");
    assert!(text.starts_with("Χρόνια πολλά, Σοφία!"), "{text}");
    assert!(text.ends_with("Νίκος"));
    assert!(!text.contains("εταιρείας"), "no company line: {text}");
    // A Latin name → the UI language; an explicit language wins.
    let john = add(&mut store, person("John", "Smith"), None);
    assert_eq!(store.greeting_text(&john.id, None, None).unwrap().0, "el");
    let (lang, text) = store.greeting_text(&john.id, None, Some("en")).unwrap();
    assert_eq!(lang, "en");
    assert!(text.starts_with("Happy birthday, John!"));
    assert!(matches!(
        store.greeting_text(&john.id, None, Some("fr")),
        Err(clientbase_core::StoreError::Validation(_))
    ));
    // A contact person of an organisation: their name, the organisation as the company.
    let org = add(
        &mut store,
        ClientInput {
            kind: ClientKind::Organization,
            org_name: "ТОВ Світанок".into(),
            contacts: vec![ContactPerson {
                first_name: "Ірина".into(),
                middle_name: "Олегівна".into(),
                last_name: "Коваль".into(),
                ..Default::default()
            }],
            ..Default::default()
        },
        None,
    );
    let ct = org.data.contacts[0].id.clone();
    let (lang, text) = store.greeting_text(&org.id, Some(&ct), None).unwrap();
    assert_eq!(lang, "uk");
    assert!(
        text.starts_with("Ірина Олегівна, з днем народження!"),
        "{text}"
    );
    assert!(text.contains("«ТОВ Світанок»"));
    // The organisation itself: its name.
    let (_, text) = store.greeting_text(&org.id, None, Some("en")).unwrap();
    assert!(text.starts_with("Happy birthday, ТОВ Світанок!"), "{text}");
    // An edited template is used.
    store
        .save_greeting_template(GreetingTemplate {
            id: String::new(),
            language: "el".into(),
            text: "Χρόνια πολλά {full_name}! {company}\nΜε εκτίμηση, {rep_name}".into(),
            default_text: String::new(),
        })
        .unwrap();
    let (_, text) = store.greeting_text(&greek.id, None, None).unwrap();
    assert_eq!(text, "Με εκτίμηση, Νίκος", "first line dropped: no company");
}

fn action(kind: ActionKind, url: &str, contact: Option<&str>) -> ContactAction {
    ContactAction {
        kind,
        label: "x".into(),
        url: url.into(),
        contact_id: contact.map(str::to_owned),
    }
}

#[test]
fn message_links_carry_the_text() {
    let card = vec![
        action(ActionKind::Call, "tel:+380671234567", None),
        action(ActionKind::Sms, "sms:+380671234567", None),
        action(ActionKind::Whatsapp, "https://wa.me/380671234567", None),
        action(ActionKind::Telegram, "https://t.me/ivan_p", None),
        action(
            ActionKind::Viber,
            "viber://chat?number=%2B380671234567",
            None,
        ),
        action(ActionKind::Email, "mailto:ivan@example.com", None),
        action(ActionKind::Map, "geo:0,0?q=Kyiv", None),
        action(
            ActionKind::Whatsapp,
            "https://wa.me/306912345678",
            Some("p1"),
        ),
    ];
    let text = "Happy birthday, Ivan!\nAll the best & more";
    let a = message_actions(
        &card,
        None,
        text,
        Some(Channel::Telegram),
        Platform::Android,
    );
    let got: Vec<(ActionKind, &str, bool)> = a
        .iter()
        .map(|a| (a.kind, a.url.as_str(), a.prefilled))
        .collect();
    assert_eq!(
        got,
        [
            (ActionKind::Telegram, "https://t.me/ivan_p", false),
            (
                ActionKind::Whatsapp,
                "https://wa.me/380671234567?text=Happy%20birthday%2C%20Ivan%21%0AAll%20the%20best%20%26%20more",
                true
            ),
            (ActionKind::Viber, "viber://chat?number=%2B380671234567", false),
            (
                ActionKind::Sms,
                "sms:+380671234567?body=Happy%20birthday%2C%20Ivan%21%0AAll%20the%20best%20%26%20more",
                true
            ),
            (
                ActionKind::Email,
                "mailto:ivan@example.com?subject=Happy%20birthday%2C%20Ivan%21&body=Happy%20birthday%2C%20Ivan%21%0D%0AAll%20the%20best%20%26%20more",
                true
            ),
            (ActionKind::Call, "tel:+380671234567", false),
        ]
    );
    // iOS separates the SMS body with '&'.
    let ios = message_actions(&card, None, "Hi", None, Platform::Ios);
    assert!(ios.iter().any(|a| a.url == "sms:+380671234567&body=Hi"));
    // A contact person's own actions only.
    let p1 = message_actions(&card, Some("p1"), "Γεια", None, Platform::Desktop);
    assert_eq!(p1.len(), 1);
    assert_eq!(
        p1[0].url,
        "https://wa.me/306912345678?text=%CE%93%CE%B5%CE%B9%CE%B1"
    );
}
