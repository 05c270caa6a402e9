//! Dates as people type them in spreadsheets and phones export them: `12.03.1980`, `12/03/1980`,
//! `3/12/1980` (month first, decided per column), `1980-03-12`, `19800312`, `12.03.80`, `12.03`
//! (no year), `--0312` / `--03-12` (vCard), `12 марта`, `12 березня 1980 р.`, `12 Μαρτίου`,
//! `March 12, 1980`, `12-Mar-1980`, `1980年3月12日`, `3月12日`, Excel serial numbers (`29292`).
//!
//! chrono's `parse_from_str` needs one known format per call and has no day-month-without-year nor
//! non-English month names, so the recognition is written here; chrono checks the calendar.

use crate::fold::fold;
use chrono::{Datelike, NaiveDate};

/// Day, month and optional year; day and month in range, not yet checked against the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayMonth {
    pub day: u8,
    pub month: u8,
    pub year: Option<i32>,
}

impl DayMonth {
    pub fn from_date(d: NaiveDate) -> DayMonth {
        DayMonth {
            day: d.day() as u8,
            month: d.month() as u8,
            year: Some(d.year()),
        }
    }

    /// The full date, when there is a year and the day exists.
    pub fn to_date(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year?, self.month as u32, self.day as u32)
    }
}

/// How to read an ambiguous `03/04/1980`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateOrder {
    #[default]
    DayFirst,
    MonthFirst,
}

/// Apple writes a birthday without a year as year 1604 (`X-APPLE-OMIT-YEAR=1604`).
const NO_YEAR_MARKER: i32 = 1604;

/// An Excel serial day number (1900 date system) as a date; `None` outside 1..=2958465.
pub fn excel_serial(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    // Excel counts the non-existent 29 February 1900 (serial 60).
    let base = if days >= 61 {
        NaiveDate::from_ymd_opt(1899, 12, 30)?
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 31)?
    };
    base.checked_add_signed(chrono::Duration::days(days))
}

fn month_of_word(word: &str) -> Option<u8> {
    // Folded stems (see `fold`: accents dropped, `й` → `и`): en, de, ru, uk, el.
    const STEMS: &[(&str, u8)] = &[
        ("jan", 1),
        ("feb", 2),
        ("mar", 3),
        ("apr", 4),
        ("may", 5),
        ("mai", 5),
        ("jun", 6),
        ("jul", 7),
        ("aug", 8),
        ("sep", 9),
        ("oct", 10),
        ("okt", 10),
        ("nov", 11),
        ("dec", 12),
        ("dez", 12),
        ("янв", 1),
        ("фев", 2),
        ("мар", 3),
        ("апр", 4),
        ("маи", 5),
        ("мая", 5),
        ("мае", 5),
        ("июн", 6),
        ("июл", 7),
        ("авг", 8),
        ("сен", 9),
        ("окт", 10),
        ("ноя", 11),
        ("дек", 12),
        ("січ", 1),
        ("лют", 2),
        ("бер", 3),
        ("кві", 4),
        ("тра", 5),
        ("чер", 6),
        ("лип", 7),
        ("сер", 8),
        ("вер", 9),
        ("жов", 10),
        ("лис", 11),
        ("гру", 12),
        ("ιαν", 1),
        ("φεβ", 2),
        ("μαρ", 3),
        ("απρ", 4),
        ("μαι", 5),
        ("μαϊ", 5),
        ("ιουν", 6),
        ("ιουλ", 7),
        ("αυγ", 8),
        ("σεπ", 9),
        ("οκτ", 10),
        ("νοε", 11),
        ("νοέ", 11),
        ("δεκ", 12),
    ];
    if word.chars().count() < 3 {
        return None;
    }
    STEMS
        .iter()
        .filter(|(stem, _)| word.starts_with(stem))
        .max_by_key(|(stem, _)| stem.len())
        .map(|&(_, m)| m)
}

fn year_of(digits: &str) -> Option<i32> {
    let n: i32 = digits.parse().ok()?;
    match digits.len() {
        4 => Some(n),
        2 => {
            let now = chrono::Utc::now().year();
            let century = now / 100 * 100;
            Some(if century + n <= now {
                century + n
            } else {
                century - 100 + n
            })
        }
        _ => None,
    }
}

fn make(day: u32, month: u32, year: Option<i32>) -> Option<DayMonth> {
    if !(1..=31).contains(&day) || !(1..=12).contains(&month) {
        return None;
    }
    Some(DayMonth {
        day: day as u8,
        month: month as u8,
        year: year.filter(|&y| y != NO_YEAR_MARKER),
    })
}

/// Parses a date typed as text (see the module doc). `order` decides `03/04/1980`; a value that
/// is only valid one way (`13/04`, `04/13`) is read that way whatever `order` says.
pub fn parse_date_text(s: &str, order: DateOrder) -> Option<DayMonth> {
    let s = s.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    // vCard without a year: --MMDD, --MM-DD.
    if let Some(rest) = s.strip_prefix("--") {
        let d: String = rest.chars().filter(char::is_ascii_digit).collect();
        if d.len() == 4 && rest.chars().all(|c| c.is_ascii_digit() || c == '-') {
            return make(d[2..].parse().ok()?, d[..2].parse().ok()?, None);
        }
        return None;
    }
    // CJK: 1980年3月12日, 3月12日.
    if s.contains('月') {
        let (y, rest) = match s.split_once('年') {
            Some((y, rest)) => (Some(y.trim()), rest),
            None => (None, s),
        };
        let (m, d) = rest.split_once('月')?;
        let d = d.trim().trim_end_matches(['日', '号']).trim();
        let year = match y {
            Some(y) => Some(year_of(y)?),
            None => None,
        };
        return make(d.parse().ok()?, m.trim().parse().ok()?, year);
    }
    // A time after the date ("1980-03-12 00:00:00", "1980-03-12T00:00"): drop it.
    if let Some(p) = s.find(['T', ' ']) {
        let (date, time) = s.split_at(p);
        if time.contains(':') && date.len() >= 8 && !date.contains(' ') {
            return parse_date_text(date, order);
        }
    }
    // Split into runs of digits and of letters; anything else separates.
    let mut spans: Vec<(usize, usize, bool)> = Vec::new();
    let mut seps: Vec<char> = Vec::new();
    for (i, c) in s.char_indices() {
        let end = i + c.len_utf8();
        let kind = if c.is_ascii_digit() {
            true
        } else if c.is_alphabetic() {
            false
        } else {
            if !c.is_whitespace() && seps.len() < 8 {
                seps.push(c);
            }
            continue;
        };
        match spans.last_mut() {
            Some(last) if last.1 == i && last.2 == kind => last.1 = end,
            _ => spans.push((i, end, kind)),
        }
    }
    let nums: Vec<&str> = spans
        .iter()
        .filter(|t| t.2)
        .map(|&(a, b, _)| &s[a..b])
        .collect();
    let words: Vec<String> = spans
        .iter()
        .filter(|t| !t.2)
        .map(|&(a, b, _)| fold(&s[a..b]))
        .collect();
    // Words that are not month names ("г.", "р.", "year") may follow; a month word is needed when
    // there are words at all.
    let month_word = words.iter().find_map(|w| month_of_word(w));
    let stray_words = words.iter().any(|w| {
        month_of_word(w).is_none()
            && !matches!(
                w.as_str(),
                "г" | "гг"
                    | "года"
                    | "год"
                    | "р"
                    | "року"
                    | "рік"
                    | "th"
                    | "st"
                    | "nd"
                    | "rd"
                    | "of"
                    | "am"
                    | "um"
                    | "έτους"
                    | "ετουσ"
            )
    });
    if stray_words || words.len() > 3 {
        return None;
    }
    if let Some(month) = month_word {
        // "12 марта 1980", "March 12, 1980", "12-Mar-80", "12 Μαρτίου".
        let (day, year) = match nums.as_slice() {
            [d] => (*d, None),
            [a, b] if a.len() == 4 => (*b, Some(*a)),
            [d, y] => (*d, Some(*y)),
            _ => return None,
        };
        if day.len() > 2 {
            return None;
        }
        let year = match year {
            Some(y) => Some(year_of(y)?),
            None => None,
        };
        return make(day.parse().ok()?, month as u32, year);
    }
    match nums.as_slice() {
        [one] if one.len() == 8 => {
            // 19800312 (basic ISO).
            let y: i32 = one[..4].parse().ok()?;
            if !(1000..=2999).contains(&y) {
                return None;
            }
            make(one[6..].parse().ok()?, one[4..6].parse().ok()?, Some(y))
        }
        [y, m, d] if y.len() == 4 && m.len() <= 2 && d.len() <= 2 => {
            make(d.parse().ok()?, m.parse().ok()?, year_of(y))
        }
        [a, b, y] if a.len() <= 2 && b.len() <= 2 && (y.len() == 4 || y.len() == 2) => {
            let year = Some(year_of(y)?);
            two(a, b, year, order, &seps)
        }
        [a, b] if a.len() <= 2 && b.len() <= 2 && !seps.is_empty() => two(a, b, None, order, &seps),
        _ => None,
    }
}

fn two(a: &str, b: &str, year: Option<i32>, order: DateOrder, seps: &[char]) -> Option<DayMonth> {
    let a: u32 = a.parse().ok()?;
    let b: u32 = b.parse().ok()?;
    // Dots are day-first everywhere; slashes depend on the column.
    let month_first = if a > 12 || seps.contains(&'.') {
        false
    } else if b > 12 {
        true
    } else {
        order == DateOrder::MonthFirst
    };
    if month_first {
        make(b, a, year)
    } else {
        make(a, b, year)
    }
}

/// Decides the order of a column's slash dates: month first when some value can only be read that
/// way (`04/13/1980`) and none only the other way.
pub fn infer_order<'a>(values: impl Iterator<Item = &'a str>) -> DateOrder {
    let (mut day_first, mut month_first) = (0, 0);
    for v in values.take(5000) {
        let mut parts = v.trim().split('/');
        let (Some(a), Some(b)) = (parts.next(), parts.next()) else {
            continue;
        };
        let (Ok(a), Ok(b)) = (a.trim().parse::<u32>(), b.trim().parse::<u32>()) else {
            continue;
        };
        if a > 12 && b <= 12 {
            day_first += 1;
        } else if b > 12 && a <= 12 {
            month_first += 1;
        }
    }
    if month_first > 0 && day_first == 0 {
        DateOrder::MonthFirst
    } else {
        DateOrder::DayFirst
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<(u8, u8, Option<i32>)> {
        parse_date_text(s, DateOrder::DayFirst).map(|d| (d.day, d.month, d.year))
    }

    #[test]
    fn numeric_forms() {
        assert_eq!(p("12.03.1980"), Some((12, 3, Some(1980))));
        assert_eq!(p("12/03/1980"), Some((12, 3, Some(1980))));
        assert_eq!(p("12-03-1980"), Some((12, 3, Some(1980))));
        assert_eq!(p("1980-03-12"), Some((12, 3, Some(1980))));
        assert_eq!(p("1980.03.12"), Some((12, 3, Some(1980))));
        assert_eq!(p("1980/3/12"), Some((12, 3, Some(1980))));
        assert_eq!(p("19800229"), Some((29, 2, Some(1980))));
        assert_eq!(p("1980-02-29"), Some((29, 2, Some(1980))));
        assert_eq!(p("12.03.80"), Some((12, 3, Some(1980))));
        assert_eq!(p("12.03.1980 г."), Some((12, 3, Some(1980))));
        assert_eq!(p("12.03"), Some((12, 3, None)));
        assert_eq!(p("29/02"), Some((29, 2, None)));
        assert_eq!(p("--0312"), Some((12, 3, None)));
        assert_eq!(p("--03-12"), Some((12, 3, None)));
        assert_eq!(p("1604-03-12"), Some((12, 3, None)));
        assert_eq!(p("1980-03-12T00:00:00Z"), Some((12, 3, Some(1980))));
        assert_eq!(p("1980-03-12 00:00:00"), Some((12, 3, Some(1980))));
        assert_eq!(p("04/13/1980"), Some((13, 4, Some(1980))));
        assert_eq!(
            parse_date_text("03/04/1980", DateOrder::MonthFirst).map(|d| (d.day, d.month)),
            Some((4, 3))
        );
        assert_eq!(
            parse_date_text("03.04.1980", DateOrder::MonthFirst).map(|d| (d.day, d.month)),
            Some((3, 4)),
            "dots are day-first"
        );
    }

    #[test]
    fn month_names() {
        assert_eq!(p("12 марта"), Some((12, 3, None)));
        assert_eq!(p("12 марта 1980 г."), Some((12, 3, Some(1980))));
        assert_eq!(p("1 мая"), Some((1, 5, None)));
        assert_eq!(p("3 травня 1990 р."), Some((3, 5, Some(1990))));
        assert_eq!(p("12 березня"), Some((12, 3, None)));
        assert_eq!(p("12 Μαρτίου 1980"), Some((12, 3, Some(1980))));
        assert_eq!(p("5 Μαΐου"), Some((5, 5, None)));
        assert_eq!(p("March 12, 1980"), Some((12, 3, Some(1980))));
        assert_eq!(p("12 Mar 1980"), Some((12, 3, Some(1980))));
        assert_eq!(p("12-Mar-80"), Some((12, 3, Some(1980))));
        assert_eq!(p("1. März 1980"), Some((1, 3, Some(1980))));
        assert_eq!(p("1980年3月12日"), Some((12, 3, Some(1980))));
        assert_eq!(p("3月12日"), Some((12, 3, None)));
        assert_eq!(p("Dec 31"), Some((31, 12, None)));
    }

    #[test]
    fn rejects_non_dates() {
        for s in [
            "",
            "hello",
            "12",
            "1980",
            "+380671234567",
            "067 123 45 67",
            "32.01.1980",
            "12.13.1980",
            "Иван",
            "12 apples",
            "1.2.3.4",
            "--13-01",
            "abc 12 марта",
        ] {
            assert_eq!(p(s), None, "{s}");
        }
    }

    #[test]
    fn excel_serials_and_order() {
        assert_eq!(excel_serial(29292.0), NaiveDate::from_ymd_opt(1980, 3, 12));
        assert_eq!(excel_serial(1.0), NaiveDate::from_ymd_opt(1900, 1, 1));
        assert_eq!(excel_serial(61.0), NaiveDate::from_ymd_opt(1900, 3, 1));
        assert_eq!(excel_serial(0.5), None);
        assert_eq!(excel_serial(f64::NAN), None);
        let us = ["3/12/1980", "4/13/1985", "12/31/1970"];
        assert_eq!(infer_order(us.iter().copied()), DateOrder::MonthFirst);
        let eu = ["12/3/1980", "13/4/1985"];
        assert_eq!(infer_order(eu.iter().copied()), DateOrder::DayFirst);
    }
}
