//! Phone normalisation for bulk conversion: the same rules and results as
//! `clientbase_core::phone::check` (tested against it), at about half its cost.
//!
//! Why not call `check` itself: it runs libphonenumber's type detection twice (once inside
//! `is_valid`, once for `number_type`) and formats the number twice; an import needs the type once
//! and the E.164 form. A whole file's numbers go through the core's `phone::analyze_batch`, which
//! says why it sorts them by country and how it runs them in parallel (the `phonenumber` crate's
//! global, mutex-guarded regex cache).

use clientbase_core::model::PhoneKind;
use clientbase_core::phone;
use phonenumber::{metadata::DATABASE, Mode, Type};

/// What [`normalize`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Normalized {
    pub e164: Option<String>,
    pub is_mobile: bool,
    /// `phone_too_short`, `phone_invalid`, `phone_not_mobile` (the number is usable: `e164` is
    /// set), or `None`.
    pub error: Option<&'static str>,
    /// ISO country of the number, only when asked for.
    pub country: Option<String>,
    /// International display form, only when asked for.
    pub formatted: Option<String>,
}

/// Reads `raw` in `country` (when it has no `+`/country code). `kind` is the kind the number is
/// said to be (a landline said to be mobile is `phone_not_mobile`). `details` also fills `country`
/// and `formatted`.
pub(crate) fn normalize(raw: &str, country: &str, kind: PhoneKind, details: bool) -> Normalized {
    let mut out = Normalized {
        e164: None,
        is_mobile: false,
        error: None,
        country: None,
        formatted: None,
    };
    let digits = raw.chars().filter(char::is_ascii_digit).count();
    if digits == 0 {
        out.error = Some("phone_invalid");
        return out;
    }
    if digits < 5 {
        out.error = Some("phone_too_short");
        return out;
    }
    let region = country.trim().to_ascii_uppercase().parse().ok();
    let Ok(number) = phonenumber::parse(region, raw.trim()) else {
        out.error = Some("phone_invalid");
        return out;
    };
    let ty = number.number_type(&DATABASE);
    if ty == Type::Unknown {
        out.error = Some("phone_invalid");
        return out;
    }
    out.e164 = Some(number.format().mode(Mode::E164).to_string());
    out.is_mobile = matches!(ty, Type::Mobile | Type::FixedLineOrMobile);
    if kind == PhoneKind::Mobile && ty == Type::FixedLine {
        out.error = Some("phone_not_mobile");
    }
    if details {
        out.country = number.country().id().map(|c| c.as_ref().to_owned());
        out.formatted = Some(number.format().mode(Mode::International).to_string());
    }
    out
}

/// [`normalize`] through the core's reusable analysis (one parse for the converter and the
/// store: the store takes the analysis with the row instead of parsing the number again). `display`
/// also fills `formatted` (the international form); `country` is left empty.
pub(crate) fn analyze(
    raw: &str,
    country: &str,
    kind: PhoneKind,
    display: bool,
) -> (Normalized, phone::PhoneAnalysis) {
    let a = phone::analyze_reusable(raw, country, kind, display);
    (normalized_of(&a), a)
}

fn normalized_of(a: &phone::PhoneAnalysis) -> Normalized {
    let c = a.check();
    Normalized {
        e164: c.e164.clone(),
        is_mobile: c.is_mobile,
        error: c.error.as_ref().map(|e| match e.code.as_str() {
            "phone_too_short" => "phone_too_short",
            "phone_not_mobile" => "phone_not_mobile",
            _ => "phone_invalid",
        }),
        country: None,
        formatted: c.formatted.clone(),
    }
}

/// [`analyze`] for many numbers at once (`clientbase_core::phone::analyze_batch`: repeated
/// numbers once, in country order, over the cores).
pub(crate) fn analyze_batch(
    items: &[(&str, &str, PhoneKind, bool)],
) -> Vec<(Normalized, phone::PhoneAnalysis)> {
    phone::analyze_batch(items)
        .into_iter()
        .map(|a| (normalized_of(&a), a))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_results_as_core_check() {
        let raws = [
            "067 123 45 67",
            "+380 67 123 45 67",
            "0671234567",
            "044 123 45 67",
            "8 (912) 345-67-89",
            "+7 912 345 67 89",
            "69 1234 5678",
            "+30 691 234 5678",
            "210 123 4567",
            "138 0013 8000",
            "+86 138 0013 8000",
            "010 1234 5678",
            "(201) 555-0123",
            "+1 201-555-0123",
            "0151 23456789",
            "+49 30 1234567",
            "+44 7911 123456",
            "+44 20 7946 0000",
            "067 123",
            "12",
            "",
            "hello",
            "+999 123 456 789",
            "380671234567",
            "+380 44 123 4567 ext. 12",
            "00380671234567",
            "+7 (495) 123-45-67",
            "+86 10 1234 5678",
        ];
        let kinds = [PhoneKind::Mobile, PhoneKind::Work, PhoneKind::Other];
        for raw in raws {
            for c in ["UA", "RU", "GR", "CN", "US", "DE", "GB", "", "xx"] {
                for kind in kinds {
                    let core = phone::check(raw, c, kind);
                    let ours = normalize(raw, c, kind, true);
                    let core_err = core.error.as_ref().map(|e| match e.code.as_str() {
                        "phone_required" => "phone_invalid",
                        other => other,
                    });
                    assert_eq!(ours.e164, core.e164, "{raw} {c} {kind:?}");
                    assert_eq!(ours.error, core_err, "{raw} {c} {kind:?}");
                    if core.e164.is_some() {
                        assert_eq!(ours.is_mobile, core.is_mobile, "{raw} {c}");
                        assert_eq!(ours.formatted, core.formatted, "{raw} {c}");
                        assert_eq!(ours.country, core.country, "{raw} {c}");
                    }
                    // The reusable analysis finds the same.
                    let (viaa, a) = analyze(raw, c, kind, true);
                    assert_eq!(viaa.e164, ours.e164, "{raw} {c} {kind:?}");
                    assert_eq!(viaa.error, ours.error, "{raw} {c} {kind:?}");
                    assert_eq!(a.raw(), raw);
                    if ours.e164.is_some() {
                        assert_eq!(viaa.is_mobile, ours.is_mobile, "{raw} {c}");
                        assert_eq!(viaa.formatted, ours.formatted, "{raw} {c}");
                    }
                }
            }
        }
    }
}
