//! The date arithmetic of reminders, birthdays and repeating tasks. Pure: no I/O and no clock —
//! every function takes the time and the time zone it works in, so tests are deterministic (the
//! store's callers pass `chrono::Local`; tests pass fixed offsets or a zone with DST changes).
//!
//! Conventions: instants are stored as RFC 3339 UTC text with milliseconds (sorts as time); "local"
//! means wall-clock time in the given zone. A local time skipped by a DST change (02:30 on a spring
//! night) is moved forward by the length of the gap; a repeated one (autumn) is its first occurrence.

use crate::model::Repeat;
use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset, SecondsFormat,
    TimeZone, Timelike, Utc,
};

/// A greeting sent up to this many days after a birthday still congratulates that birthday.
pub const GREETING_GRACE_DAYS: u64 = 7;

/// `2025-03-01T08:00:00.000Z`.
pub fn fmt_utc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses RFC 3339 with any offset.
pub fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// `HH:MM` (24 h).
pub fn parse_hhmm(s: &str) -> Option<NaiveTime> {
    let s = s.trim();
    let (h, m) = s.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

pub fn fmt_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn is_leap(year: i32) -> bool {
    NaiveDate::from_ymd_opt(year, 2, 29).is_some()
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1)
        .and_then(|d| d.pred_opt())
        .map_or(28, |d| d.day())
}

/// `month*100+day`, the form of `clients.birthday_md`.
pub fn md(d: NaiveDate) -> u16 {
    d.month() as u16 * 100 + d.day() as u16
}

/// The `birthday_md` values celebrated on `date`: its own, plus 229 on 28 February of a non-leap year.
pub fn mds_on(date: NaiveDate) -> Vec<u16> {
    let mut v = vec![md(date)];
    if date.month() == 2 && date.day() == 28 && !is_leap(date.year()) {
        v.push(229);
    }
    v
}

/// The day a birthday (`month`, `day`) is celebrated in `year`: 29 February falls on 28 February in
/// non-leap years. `None` for an impossible date (31 April).
pub fn celebrated_in(month: u8, day: u8, year: i32) -> Option<NaiveDate> {
    if month == 2 && day == 29 && !is_leap(year) {
        return NaiveDate::from_ymd_opt(year, 2, 28);
    }
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

/// The first celebration on or after `from`.
pub fn next_birthday(month: u8, day: u8, from: NaiveDate) -> Option<NaiveDate> {
    let this = celebrated_in(month, day, from.year())?;
    if this >= from {
        Some(this)
    } else {
        celebrated_in(month, day, from.year() + 1)
    }
}

/// The celebration a greeting sent on `today` congratulates: the first one on or after
/// `today - GREETING_GRACE_DAYS` (so a greeting a few days late still counts for the birthday just
/// past, and one sent on 31 December for a 1 January birthday counts for the coming year).
pub fn greeted_birthday(month: u8, day: u8, today: NaiveDate) -> Option<NaiveDate> {
    next_birthday(
        month,
        day,
        today.checked_sub_days(chrono::Days::new(GREETING_GRACE_DAYS))?,
    )
}

/// The age reached on `on`, when the year of birth is known (and not after `on`).
pub fn age_on(birth_year: Option<i32>, on: NaiveDate) -> Option<u32> {
    let y = birth_year?;
    (y > 0 && y <= on.year()).then(|| (on.year() - y) as u32)
}

/// The UTC instant of a local wall time in `tz` (see the module doc for DST gaps and folds).
pub fn local_to_utc<Tz: TimeZone>(tz: &Tz, t: NaiveDateTime) -> DateTime<Utc> {
    if let Some(x) = tz.from_local_datetime(&t).earliest() {
        return x.with_timezone(&Utc);
    }
    // In a gap: read the wall time with the offset in force just before it, which lands as far
    // after the gap's end as the time was after its start.
    let mut probe = t;
    for _ in 0..96 {
        probe -= Duration::minutes(30);
        if let Some(x) = tz.from_local_datetime(&probe).earliest() {
            let off = x.offset().fix();
            return (t - Duration::seconds(off.local_minus_utc() as i64)).and_utc();
        }
    }
    t.and_utc()
}

/// The local wall time of an instant.
pub fn to_local<Tz: TimeZone>(tz: &Tz, t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(tz).naive_local()
}

/// The first instant of a local date.
pub fn start_of_day<Tz: TimeZone>(tz: &Tz, date: NaiveDate) -> DateTime<Utc> {
    local_to_utc(tz, date.and_time(NaiveTime::MIN))
}

/// The anchor of a series set for local `at`: `MMDDhhmm` (month*1000000 + day*10000 + hour*100 +
/// minute). `None` for `Repeat::None`.
pub fn repeat_anchor(repeat: Repeat, at: NaiveDateTime) -> Option<i64> {
    (repeat != Repeat::None).then(|| {
        (at.month() as i64 * 100 + at.day() as i64) * 10_000
            + at.hour() as i64 * 100
            + at.minute() as i64
    })
}

/// The occurrence after local `local` of a repeating task, at the series' wall-clock time.
/// `anchor` as [`repeat_anchor`] (missing: `local` itself): monthly/yearly series keep the anchor's
/// day (clamped to the month's length). `None` for `Repeat::None`.
pub fn next_occurrence(
    local: NaiveDateTime,
    repeat: Repeat,
    anchor: Option<i64>,
) -> Option<NaiveDateTime> {
    let date = local.date();
    let anchor = anchor.unwrap_or_else(|| repeat_anchor(Repeat::Daily, local).unwrap_or(0));
    let (a_month, a_day) = ((anchor / 1_000_000) as u32, (anchor / 10_000 % 100) as u32);
    let time = NaiveTime::from_hms_opt((anchor / 100 % 100) as u32, (anchor % 100) as u32, 0)
        .unwrap_or(local.time());
    let next = match repeat {
        Repeat::None => return None,
        Repeat::Daily => date.succ_opt()?,
        Repeat::Weekly => date.checked_add_days(chrono::Days::new(7))?,
        Repeat::Monthly => {
            let (y, m) = if date.month() == 12 {
                (date.year() + 1, 1)
            } else {
                (date.year(), date.month() + 1)
            };
            NaiveDate::from_ymd_opt(y, m, a_day.clamp(1, days_in_month(y, m)))?
        }
        Repeat::Yearly => {
            let y = date.year() + 1;
            let m = a_month.clamp(1, 12);
            NaiveDate::from_ymd_opt(y, m, a_day.clamp(1, days_in_month(y, m)))?
        }
    };
    Some(next.and_time(time))
}

/// The occurrence a repeating task moves to when its occurrence `due` is completed at `now`: the
/// first one after `due` that is also after `now` (missed occurrences are skipped), computed in
/// local time so it keeps its wall-clock time across DST changes. `None` for `Repeat::None`.
pub fn next_due_after<Tz: TimeZone>(
    tz: &Tz,
    due: DateTime<Utc>,
    repeat: Repeat,
    anchor: Option<i64>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let mut local = to_local(tz, due);
    // Daily and weekly series far behind jump close to `now` at once.
    let period = match repeat {
        Repeat::Daily => Some(1),
        Repeat::Weekly => Some(7),
        _ => None,
    };
    if let Some(p) = period {
        let behind = (to_local(tz, now).date() - local.date()).num_days();
        if behind > 2 * p {
            let skip = (behind / p - 1) * p;
            local = local.checked_add_days(chrono::Days::new(skip as u64))?;
        }
    }
    loop {
        local = next_occurrence(local, repeat, anchor)?;
        let utc = local_to_utc(tz, local);
        if utc > now {
            return Some(utc);
        }
    }
}

/// A positive 31-bit FNV-1a hash (notification ids on the platforms are 32-bit integers).
pub fn hash31(s: &str) -> i32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    (h & 0x7fff_ffff) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn feb_29() {
        assert_eq!(celebrated_in(2, 29, 2024), Some(d(2024, 2, 29)));
        assert_eq!(celebrated_in(2, 29, 2025), Some(d(2025, 2, 28)));
        assert_eq!(mds_on(d(2025, 2, 28)), vec![228, 229]);
        assert_eq!(mds_on(d(2024, 2, 28)), vec![228]);
        assert_eq!(next_birthday(2, 29, d(2025, 3, 1)), Some(d(2026, 2, 28)));
        assert_eq!(next_birthday(2, 29, d(2027, 3, 1)), Some(d(2028, 2, 29)));
        assert_eq!(celebrated_in(4, 31, 2025), None);
    }

    #[test]
    fn greeting_year() {
        // 31 Dec greeting for 1 Jan: next year's birthday; 3 days late: the one just past.
        assert_eq!(greeted_birthday(1, 1, d(2025, 12, 31)), Some(d(2026, 1, 1)));
        assert_eq!(greeted_birthday(1, 1, d(2026, 1, 4)), Some(d(2026, 1, 1)));
        assert_eq!(greeted_birthday(1, 1, d(2026, 1, 9)), Some(d(2027, 1, 1)));
    }

    #[test]
    fn hhmm() {
        assert_eq!(parse_hhmm("9:05"), NaiveTime::from_hms_opt(9, 5, 0));
        assert_eq!(parse_hhmm("09:00"), NaiveTime::from_hms_opt(9, 0, 0));
        assert_eq!(parse_hhmm("24:00"), None);
        assert_eq!(parse_hhmm("9"), None);
        assert_eq!(parse_hhmm("09:5"), None);
    }

    #[test]
    fn monthly_clamps_and_returns() {
        // Anchors are MMDDhhmm: 1311000 = 31 January 10:00.
        let t = |y, m, dd| d(y, m, dd).and_hms_opt(10, 0, 0).unwrap();
        let a = Some(1311000);
        let feb = next_occurrence(t(2025, 1, 31), Repeat::Monthly, a).unwrap();
        assert_eq!(feb, t(2025, 2, 28));
        let mar = next_occurrence(feb, Repeat::Monthly, a).unwrap();
        assert_eq!(mar, t(2025, 3, 31));
        let apr = next_occurrence(mar, Repeat::Monthly, a).unwrap();
        assert_eq!(apr, t(2025, 4, 30));
        assert_eq!(
            next_occurrence(t(2024, 1, 31), Repeat::Monthly, a),
            Some(t(2024, 2, 29))
        );
        assert_eq!(
            next_occurrence(t(2025, 12, 31), Repeat::Monthly, a),
            Some(t(2026, 1, 31))
        );
        let a = Some(2291000);
        let y = next_occurrence(t(2024, 2, 29), Repeat::Yearly, a).unwrap();
        assert_eq!(y, t(2025, 2, 28));
        let y = next_occurrence(y, Repeat::Yearly, a).unwrap();
        let y = next_occurrence(y, Repeat::Yearly, a).unwrap();
        let y = next_occurrence(y, Repeat::Yearly, a).unwrap();
        assert_eq!(y, t(2028, 2, 29));
        assert_eq!(next_occurrence(t(2025, 1, 1), Repeat::None, None), None);
        // The series' time wins over a snoozed occurrence's.
        let snoozed = d(2025, 3, 3).and_hms_opt(15, 30, 0).unwrap();
        assert_eq!(
            next_occurrence(snoozed, Repeat::Daily, Some(3010900)),
            Some(d(2025, 3, 4).and_hms_opt(9, 0, 0).unwrap())
        );
        assert_eq!(repeat_anchor(Repeat::Weekly, snoozed), Some(3031530));
        assert_eq!(repeat_anchor(Repeat::None, snoozed), None);
    }

    #[test]
    fn hash_is_positive_and_stable() {
        assert_eq!(hash31("task:x"), hash31("task:x"));
        assert_ne!(hash31("task:x"), hash31("task:y"));
        assert!(hash31("") >= 0);
    }
}
