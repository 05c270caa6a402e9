//! Form validation. Returns every problem at once as [`FieldError`]s (codes + params, never English
//! sentences): the UI translates them and puts each under its field (`field` is a path into
//! `ClientInput`, e.g. `phones.0.raw`, `contacts.1.emails.0.address`).

use crate::error::FieldError;
use crate::model::*;
use crate::phone;

/// Drops blank phone / e-mail / messenger rows and trims names, so an empty row left in the form is
/// not an error.
pub fn tidy(input: &mut ClientInput) {
    fn tidy_lists(phones: &mut Vec<Phone>, emails: &mut Vec<Email>, msgs: &mut Vec<Messenger>) {
        phones.retain(|p| !p.raw.trim().is_empty());
        for e in emails.iter_mut() {
            trim_in_place(&mut e.address);
        }
        emails.retain(|e| !e.address.is_empty());
        msgs.retain(|m| !m.handle.trim().is_empty());
    }
    for s in [
        &mut input.first_name,
        &mut input.last_name,
        &mut input.middle_name,
        &mut input.org_name,
        &mut input.website,
    ] {
        trim_in_place(s);
    }
    tidy_lists(&mut input.phones, &mut input.emails, &mut input.messengers);
    if !input.tags.is_empty() {
        let mut tags: Vec<String> = Vec::with_capacity(input.tags.len());
        for mut t in std::mem::take(&mut input.tags) {
            trim_in_place(&mut t);
            if !t.is_empty() && !tags.contains(&t) {
                tags.push(t);
            }
        }
        input.tags = tags;
    }
    for c in &mut input.contacts {
        for s in [
            &mut c.first_name,
            &mut c.last_name,
            &mut c.middle_name,
            &mut c.position,
        ] {
            trim_in_place(s);
        }
        tidy_lists(&mut c.phones, &mut c.emails, &mut c.messengers);
    }
}

/// `*s = s.trim().to_owned()` without a new string: an import tidies every row twice (the
/// converter, then the store), and its texts are nearly always trimmed already — copying each one
/// was an allocation, a copy and a free per field.
fn trim_in_place(s: &mut String) {
    let end = s.trim_end().len();
    s.truncate(end);
    let start = s.len() - s.trim_start().len();
    if start > 0 {
        s.drain(..start);
    }
}

/// Validates a (tidied) input. `default_country` reads numbers without a country code.
pub fn validate(
    input: &ClientInput,
    default_country: &str,
    custom_defs: &[CustomFieldDef],
) -> Vec<FieldError> {
    validate_with(input, custom_defs, &mut |raw, kind| {
        phone::check(raw, default_country, kind).error
    })
}

/// [`validate`] with the phone check supplied by the caller: `check(raw, kind)` (the error of
/// [`phone::check`], if any) is called once per phone, the client's phones first, then each
/// contact person's in order (the import keeps the results, so each number is parsed once).
pub(crate) fn validate_with(
    input: &ClientInput,
    custom_defs: &[CustomFieldDef],
    check: &mut dyn FnMut(&str, PhoneKind) -> Option<FieldError>,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    match input.kind {
        ClientKind::Person => {
            if input.first_name.is_empty() && input.last_name.is_empty() {
                errs.push(FieldError::new("first_name", "name_required"));
            }
        }
        ClientKind::Organization => {
            if input.org_name.is_empty() {
                errs.push(FieldError::new("org_name", "name_required"));
            }
        }
    }
    phones(&mut errs, "", &input.phones, check);
    emails(&mut errs, "", &input.emails);
    if let Some(b) = &input.birthday {
        if !birthday_ok(b) {
            errs.push(FieldError::new("birthday", "birthday_invalid"));
        }
    }
    if !input.website.is_empty() && !url_ok(&input.website) {
        errs.push(FieldError::new("website", "url_invalid"));
    }
    for (i, c) in input.contacts.iter().enumerate() {
        let p = format!("contacts.{i}.");
        if c.first_name.is_empty() && c.last_name.is_empty() {
            errs.push(FieldError::new(format!("{p}first_name"), "name_required"));
        }
        phones(&mut errs, &p, &c.phones, check);
        emails(&mut errs, &p, &c.emails);
        if let Some(b) = &c.birthday {
            if !birthday_ok(b) {
                errs.push(FieldError::new(format!("{p}birthday"), "birthday_invalid"));
            }
        }
    }
    for (id, value) in &input.custom {
        let field = format!("custom.{id}");
        let Some(def) = custom_defs.iter().find(|d| &d.id == id) else {
            errs.push(FieldError::new(field, "custom_invalid").with("reason", "unknown_field"));
            continue;
        };
        let reason = match (def.kind, value) {
            (CustomFieldKind::Text, CustomValue::Text(_)) => None,
            (CustomFieldKind::Number, CustomValue::Number(n)) if n.is_finite() => None,
            (CustomFieldKind::Number, CustomValue::Number(_)) => Some("not_a_number"),
            (CustomFieldKind::Date, CustomValue::Date(d)) => {
                chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .is_err()
                    .then_some("bad_date")
            }
            (CustomFieldKind::Choice, CustomValue::Choice(c)) => {
                (!def.options.iter().any(|o| o == c)).then_some("unknown_choice")
            }
            _ => Some("wrong_type"),
        };
        if let Some(r) = reason {
            errs.push(
                FieldError::new(field, "custom_invalid")
                    .with("reason", r)
                    .with("name", def.name.clone()),
            );
        }
    }
    errs
}

fn phones(
    errs: &mut Vec<FieldError>,
    prefix: &str,
    phones: &[Phone],
    check: &mut dyn FnMut(&str, PhoneKind) -> Option<FieldError>,
) {
    for (i, p) in phones.iter().enumerate() {
        if let Some(mut e) = check(&p.raw, p.kind) {
            e.field = format!("{prefix}phones.{i}.raw");
            errs.push(e);
        }
    }
}

fn emails(errs: &mut Vec<FieldError>, prefix: &str, emails: &[Email]) {
    for (i, e) in emails.iter().enumerate() {
        if !email_ok(&e.address) {
            errs.push(FieldError::new(
                format!("{prefix}emails.{i}.address"),
                "email_invalid",
            ));
        }
    }
}

pub fn email_ok(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .split('.')
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'))
}

pub fn url_ok(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .unwrap_or(s);
    if s.contains("://") && !(s.starts_with("http://") || s.starts_with("https://")) {
        return false;
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host
        .rsplit_once(':')
        .map(|(h, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                h
            } else {
                host
            }
        })
        .unwrap_or(host);
    !s.chars().any(char::is_whitespace)
        && host.contains('.')
        && host
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
}

pub fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Day/month must exist; 29 February only without a year or in a leap year; year 1900..=this year.
pub fn birthday_ok(b: &Birthday) -> bool {
    let max = match b.month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => match b.year {
            Some(y) if !is_leap(y) => 28,
            _ => 29,
        },
        _ => return false,
    };
    if b.day == 0 || b.day > max {
        return false;
    }
    match b.year {
        Some(y) => {
            use chrono::Datelike;
            (1900..=chrono::Utc::now().year()).contains(&y)
        }
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(input: &ClientInput) -> Vec<(String, String)> {
        validate(input, "UA", &[])
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn tidy_trims_in_place_and_keeps_tidy_texts() {
        let mut i = ClientInput {
            first_name: "\u{a0} Ann\t".into(),
            last_name: "Lee".into(),
            org_name: " \u{3000}".into(),
            website: "example.com ".into(),
            tags: vec![
                " vip".into(),
                "".into(),
                "vip ".into(),
                "new".into(),
                "  ".into(),
            ],
            emails: vec![
                Email {
                    label: String::new(),
                    address: " a@b.c ".into(),
                },
                Email {
                    label: String::new(),
                    address: " ".into(),
                },
            ],
            contacts: vec![ContactPerson {
                position: "\nBoss ".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let before = i.last_name.as_ptr();
        tidy(&mut i);
        assert_eq!(i.first_name, "Ann");
        assert_eq!(i.last_name, "Lee");
        assert_eq!(i.org_name, "");
        assert_eq!(i.website, "example.com");
        assert_eq!(i.tags, vec!["vip".to_owned(), "new".to_owned()]);
        assert_eq!(i.emails.len(), 1);
        assert_eq!(i.emails[0].address, "a@b.c");
        assert_eq!(i.contacts[0].position, "Boss");
        // A text already tidy is kept as it is, not copied.
        assert_eq!(i.last_name.as_ptr(), before);
        let tags = i.tags[1].as_ptr();
        let again = i.clone();
        tidy(&mut i);
        assert_eq!(i, again);
        assert_eq!(i.tags[1].as_ptr(), tags);
    }

    #[test]
    fn names() {
        let mut i = ClientInput::default();
        assert_eq!(
            codes(&i),
            vec![("first_name".into(), "name_required".into())]
        );
        i.last_name = "Шевченко".into();
        assert!(codes(&i).is_empty());
        i.kind = ClientKind::Organization;
        assert_eq!(codes(&i), vec![("org_name".into(), "name_required".into())]);
    }

    #[test]
    fn birthdays() {
        let b = |day, month, year| Birthday { day, month, year };
        assert!(birthday_ok(&b(29, 2, None)));
        assert!(birthday_ok(&b(29, 2, Some(2000))));
        assert!(birthday_ok(&b(29, 2, Some(1988))));
        assert!(!birthday_ok(&b(29, 2, Some(1900))));
        assert!(!birthday_ok(&b(29, 2, Some(2023))));
        assert!(!birthday_ok(&b(31, 4, None)));
        assert!(!birthday_ok(&b(0, 1, None)));
        assert!(!birthday_ok(&b(1, 13, None)));
        assert!(!birthday_ok(&b(1, 1, Some(3000))));
        assert!(birthday_ok(&b(31, 12, Some(1970))));
    }

    #[test]
    fn emails_and_urls() {
        for ok in ["a@b.co", "ivan.petrov+crm@mail.ua", "Σοφία@example.gr"] {
            assert!(email_ok(ok), "{ok}");
        }
        for bad in [
            "", "a", "a@b", "a @b.com", "@b.com", "a@.com", "a@b.com.", "a@@b.com",
        ] {
            assert!(!email_ok(bad), "{bad}");
        }
        for ok in [
            "example.com",
            "https://example.com/x?y=1",
            "http://shop.com.ua:8080/",
        ] {
            assert!(url_ok(ok), "{ok}");
        }
        for bad in ["example", "ftp://x.com", "http://", "a b.com"] {
            assert!(!url_ok(bad), "{bad}");
        }
    }

    #[test]
    fn custom_values() {
        let defs = vec![
            CustomFieldDef {
                id: "f1".into(),
                name: "Size".into(),
                kind: CustomFieldKind::Choice,
                options: vec!["S".into(), "M".into()],
                position: 0,
            },
            CustomFieldDef {
                id: "f2".into(),
                name: "Volume".into(),
                kind: CustomFieldKind::Number,
                options: vec![],
                position: 1,
            },
        ];
        let mut i = ClientInput {
            last_name: "X".into(),
            ..Default::default()
        };
        i.custom
            .insert("f1".into(), CustomValue::Choice("M".into()));
        i.custom.insert("f2".into(), CustomValue::Number(3.5));
        assert!(validate(&i, "UA", &defs).is_empty());
        i.custom
            .insert("f1".into(), CustomValue::Choice("XL".into()));
        i.custom
            .insert("f2".into(), CustomValue::Text("many".into()));
        i.custom.insert("zz".into(), CustomValue::Text("?".into()));
        let e = validate(&i, "UA", &defs);
        let reasons: Vec<&str> = e.iter().map(|e| e.params["reason"].as_str()).collect();
        assert_eq!(
            reasons,
            vec!["unknown_choice", "wrong_type", "unknown_field"]
        );
        assert!(e.iter().all(|e| e.code == "custom_invalid"));
    }

    #[test]
    fn phone_paths_and_tidy() {
        let mut i = ClientInput {
            first_name: "A".into(),
            ..Default::default()
        };
        i.phones.push(Phone {
            kind: PhoneKind::Mobile,
            raw: "  ".into(),
            e164: None,
        });
        i.phones.push(Phone {
            kind: PhoneKind::Mobile,
            raw: "067 12".into(),
            e164: None,
        });
        i.contacts.push(ContactPerson {
            emails: vec![Email {
                label: "".into(),
                address: "nope".into(),
            }],
            ..Default::default()
        });
        tidy(&mut i);
        assert_eq!(i.phones.len(), 1);
        assert_eq!(
            codes(&i),
            vec![
                ("phones.0.raw".into(), "phone_invalid".into()),
                ("contacts.0.first_name".into(), "name_required".into()),
                ("contacts.0.emails.0.address".into(), "email_invalid".into()),
            ]
        );
    }
}
