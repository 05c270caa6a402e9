//! Phone numbers: parsing, validation and formatting through the `phonenumber` crate (libphonenumber
//! metadata). Nothing here hand-parses numbers.

use crate::error::FieldError;
use crate::model::{PhoneCheck, PhoneKind};
use phonenumber::{country, Mode, PhoneNumber, Type};

fn parse_country(code: &str) -> Option<country::Id> {
    code.trim().to_ascii_uppercase().parse().ok()
}

fn digits(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_digit()).collect()
}

fn parse(raw: &str, default_country: &str) -> Option<PhoneNumber> {
    phonenumber::parse(parse_country(default_country), raw.trim()).ok()
}

/// Normalises `raw` (as typed) reading it in `default_country` when it has no `+`/country code.
/// `kind` is what the user said the number is: a `Mobile` that is a valid fixed line gets
/// `phone_not_mobile` (with `e164` still filled: the number is usable).
pub fn check(raw: &str, default_country: &str, kind: PhoneKind) -> PhoneCheck {
    check_parsed(raw, default_country, kind).0
}

/// A number checked once for everything the store derives from it: the [`check`] result and, for
/// a valid number, its [`search_digits`] (what `derive` would parse it again for).
pub(crate) struct Analysis {
    pub check: PhoneCheck,
    pub search_digits: Vec<String>,
}

/// [`check`] and the search digits of a valid number from one parse (the import's fast path).
pub(crate) fn analyze(raw: &str, default_country: &str, kind: PhoneKind) -> Analysis {
    let (check, number) = check_parsed(raw, default_country, kind);
    let search_digits = match (&check.e164, number) {
        (Some(e164), Some(n)) => {
            let mut out = vec![digits(e164)];
            let national = digits(&n.format().mode(Mode::National).to_string());
            if !national.is_empty() && !out.contains(&national) {
                out.push(national);
            }
            out
        }
        _ => Vec::new(),
    };
    Analysis {
        check,
        search_digits,
    }
}

fn check_parsed(
    raw: &str,
    default_country: &str,
    kind: PhoneKind,
) -> (PhoneCheck, Option<PhoneNumber>) {
    let country = default_country.trim().to_ascii_uppercase();
    let mut out = PhoneCheck {
        e164: None,
        formatted: None,
        country: None,
        is_mobile: false,
        error: None,
    };
    let field = String::new();
    let d = digits(raw);
    if d.is_empty() {
        out.error = Some(FieldError::new(field, "phone_required"));
        return (out, None);
    }
    if d.len() < 5 {
        out.error = Some(FieldError::new(field, "phone_too_short").with("country", country));
        return (out, None);
    }
    let Some(number) = parse(raw, &country) else {
        out.error = Some(FieldError::new(field, "phone_invalid").with("country", country));
        return (out, None);
    };
    let found = number.country().id().map(|c| c.as_ref().to_owned());
    if !number.is_valid() {
        let c = found.unwrap_or(country);
        out.error = Some(FieldError::new(field, "phone_invalid").with("country", c));
        return (out, None);
    }
    let ty = number.number_type(&phonenumber::metadata::DATABASE);
    out.e164 = Some(number.format().mode(Mode::E164).to_string());
    out.formatted = Some(number.format().mode(Mode::International).to_string());
    out.is_mobile = matches!(ty, Type::Mobile | Type::FixedLineOrMobile);
    if kind == PhoneKind::Mobile && ty == Type::FixedLine {
        let c = found.clone().unwrap_or_else(|| country.clone());
        out.error = Some(FieldError::new(field, "phone_not_mobile").with("country", c));
    }
    out.country = found;
    (out, Some(number))
}

/// E.164 of `raw` if it is a valid number, else `None`.
pub fn to_e164(raw: &str, default_country: &str) -> Option<String> {
    let n = parse(raw, default_country)?;
    n.is_valid()
        .then(|| n.format().mode(Mode::E164).to_string())
}

/// International display format of an E.164 number ("+380 67 123 4567"); the input when unparsable.
pub fn display(e164: &str) -> String {
    match phonenumber::parse(None, e164) {
        Ok(n) => n.format().mode(Mode::International).to_string(),
        Err(_) => e164.to_owned(),
    }
}

/// The digit strings a typed phone fragment is matched against: the E.164 digits ("380671234567")
/// and the national form with its trunk prefix ("0671234567"). Both, deduplicated.
pub fn search_digits(e164: &str) -> Vec<String> {
    let mut out = vec![digits(e164)];
    if let Ok(n) = phonenumber::parse(None, e164) {
        let national = digits(&n.format().mode(Mode::National).to_string());
        if !national.is_empty() && !out.contains(&national) {
            out.push(national);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e164(raw: &str, c: &str) -> Option<String> {
        check(raw, c, PhoneKind::Other).e164
    }

    #[test]
    fn local_and_international_forms() {
        let cases = [
            ("067 123 45 67", "UA", "+380671234567"),
            ("+380 67 123 45 67", "DE", "+380671234567"),
            ("0671234567", "UA", "+380671234567"),
            ("8 (912) 345-67-89", "RU", "+79123456789"),
            ("+7 912 345 67 89", "UA", "+79123456789"),
            ("69 1234 5678", "GR", "+306912345678"),
            ("6912345678", "GR", "+306912345678"),
            ("+30 691 234 5678", "UA", "+306912345678"),
            ("138 0013 8000", "CN", "+8613800138000"),
            ("+86 138 0013 8000", "UA", "+8613800138000"),
            ("(201) 555-0123", "US", "+12015550123"),
            ("+1 201-555-0123", "UA", "+12015550123"),
            ("0151 23456789", "DE", "+4915123456789"),
            ("+49 151 23456789", "GR", "+4915123456789"),
        ];
        for (raw, c, want) in cases {
            assert_eq!(e164(raw, c).as_deref(), Some(want), "{raw} in {c}");
        }
    }

    #[test]
    fn mobile_check_and_errors() {
        let ok = check("067 123 45 67", "UA", PhoneKind::Mobile);
        assert!(ok.is_mobile && ok.error.is_none(), "{ok:?}");
        assert_eq!(ok.country.as_deref(), Some("UA"));
        assert_eq!(ok.formatted.as_deref(), Some("+380 67 123 4567"));
        // Kyiv fixed line typed as a mobile.
        let fixed = check("044 123 45 67", "UA", PhoneKind::Mobile);
        assert_eq!(fixed.e164.as_deref(), Some("+380441234567"));
        let err = fixed.error.unwrap();
        assert_eq!(err.code, "phone_not_mobile");
        assert_eq!(err.params.get("country").map(String::as_str), Some("UA"));
        assert!(check("044 123 45 67", "UA", PhoneKind::Work)
            .error
            .is_none());
        let bad = check("067 123", "UA", PhoneKind::Mobile);
        assert_eq!(bad.error.unwrap().code, "phone_invalid");
        assert_eq!(
            check("12", "UA", PhoneKind::Mobile).error.unwrap().code,
            "phone_too_short"
        );
        assert_eq!(
            check("", "UA", PhoneKind::Mobile).error.unwrap().code,
            "phone_required"
        );
        assert_eq!(check("hello", "UA", PhoneKind::Mobile).e164, None);
    }

    #[test]
    fn analysis_agrees_with_check_and_search_digits() {
        for (raw, c) in [
            ("067 123 45 67", "UA"),
            ("044 123 45 67", "UA"),
            ("+79123456789", "UA"),
            ("69 1234 5678", "GR"),
            ("138 0013 8000", "CN"),
            ("(201) 555-0123", "US"),
            ("067 123", "UA"),
            ("12", "UA"),
        ] {
            let a = analyze(raw, c, PhoneKind::Mobile);
            assert_eq!(a.check, check(raw, c, PhoneKind::Mobile), "{raw}");
            let want = a
                .check
                .e164
                .as_deref()
                .map(search_digits)
                .unwrap_or_default();
            assert_eq!(a.search_digits, want, "{raw}");
            if let Some(e) = &a.check.e164 {
                assert_eq!(a.check.formatted.as_deref(), Some(display(e).as_str()));
            }
        }
    }

    #[test]
    fn digits_for_search() {
        assert_eq!(
            search_digits("+380671234567"),
            vec!["380671234567", "0671234567"]
        );
        assert_eq!(
            search_digits("+79123456789"),
            vec!["79123456789", "89123456789"]
        );
        assert_eq!(display("+380671234567"), "+380 67 123 4567");
    }
}
