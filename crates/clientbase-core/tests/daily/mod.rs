//! Helpers of the daily-loop tests (interactions, tasks, Today, reminders, greetings): a store on a
//! frozen clock, a time zone with EU daylight-saving rules, and client builders.
#![allow(dead_code)]

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, MappedLocalTime, NaiveDate, NaiveDateTime, TimeZone,
    Utc, Weekday,
};
use clientbase_core::hlc::FixedClock;
use clientbase_core::model::*;
use clientbase_core::Store;

/// A store whose wall clock (created_at, updated_at) is frozen at `now`.
pub fn open_at(now: DateTime<Utc>) -> (tempfile::TempDir, Store, FixedClock) {
    let dir = tempfile::tempdir().unwrap();
    let clock = FixedClock::new(now.timestamp_millis());
    let store = Store::open_with_clock(
        dir.path().join("d.db").to_str().unwrap(),
        Box::new(clock.clone()),
    )
    .unwrap();
    (dir, store, clock)
}

pub fn utc(y: i32, m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, mi, 0).unwrap()
}

/// A fixed-offset zone, hours east of UTC.
pub fn east(h: i32) -> FixedOffset {
    FixedOffset::east_opt(h * 3600).unwrap()
}

pub fn local<Tz: TimeZone>(tz: &Tz, y: i32, m: u32, d: u32, h: u32, mi: u32) -> DateTime<Tz> {
    tz.with_ymd_and_hms(y, m, d, h, mi, 0).earliest().unwrap()
}

/// Kyiv-like zone: UTC+2, UTC+3 from the last Sunday of March 01:00 UTC to the last Sunday of
/// October 01:00 UTC (local 03:00 → 04:00 in spring, 04:00 → 03:00 in autumn).
#[derive(Debug, Clone, Copy)]
pub struct Kyiv;

fn last_sunday(y: i32, m: u32) -> NaiveDate {
    let mut d = NaiveDate::from_ymd_opt(y, m + 1, 1)
        .unwrap()
        .pred_opt()
        .unwrap();
    while d.weekday() != Weekday::Sun {
        d = d.pred_opt().unwrap();
    }
    d
}

impl TimeZone for Kyiv {
    type Offset = FixedOffset;
    fn from_offset(_: &FixedOffset) -> Self {
        Kyiv
    }
    fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> FixedOffset {
        let y = utc.year();
        let start = last_sunday(y, 3).and_hms_opt(1, 0, 0).unwrap();
        let end = last_sunday(y, 10).and_hms_opt(1, 0, 0).unwrap();
        east(if *utc >= start && *utc < end { 3 } else { 2 })
    }
    fn offset_from_utc_date(&self, utc: &NaiveDate) -> FixedOffset {
        self.offset_from_utc_datetime(&utc.and_hms_opt(0, 0, 0).unwrap())
    }
    fn offset_from_local_datetime(&self, local: &NaiveDateTime) -> MappedLocalTime<FixedOffset> {
        let ok: Vec<FixedOffset> = [3, 2]
            .into_iter()
            .map(east)
            .filter(|off| {
                let utc = *local - Duration::seconds(off.local_minus_utc() as i64);
                self.offset_from_utc_datetime(&utc) == *off
            })
            .collect();
        match ok.as_slice() {
            [] => MappedLocalTime::None,
            [a] => MappedLocalTime::Single(*a),
            [a, b, ..] => MappedLocalTime::Ambiguous(*a, *b),
        }
    }
    fn offset_from_local_date(&self, local: &NaiveDate) -> MappedLocalTime<FixedOffset> {
        self.offset_from_local_datetime(&local.and_hms_opt(0, 0, 0).unwrap())
    }
}

pub fn person(first: &str, last: &str) -> ClientInput {
    ClientInput {
        first_name: first.into(),
        last_name: last.into(),
        ..Default::default()
    }
}

pub fn bday(day: u8, month: u8, year: Option<i32>) -> Option<Birthday> {
    Some(Birthday { day, month, year })
}

pub fn add(store: &mut Store, mut input: ClientInput, birthday: Option<Birthday>) -> Client {
    input.birthday = birthday;
    store.create_client(input).unwrap()
}

pub const CAT_A: &str = "00000000-0000-7000-8000-00000000000a";
pub const CAT_B: &str = "00000000-0000-7000-8000-00000000000b";
pub const CAT_C: &str = "00000000-0000-7000-8000-00000000000c";

/// Change-log rows of a table.
pub fn logged(store: &Store, table: &str) -> i64 {
    store
        .connection()
        .query_row(
            "SELECT count(*) FROM change_log WHERE table_name = ?1",
            [table],
            |r| r.get(0),
        )
        .unwrap()
}

pub fn task(client: Option<&str>, kind: TaskKind, due: DateTime<Utc>) -> TaskInput {
    TaskInput {
        client_id: client.map(str::to_owned),
        kind,
        due_at: due.to_rfc3339(),
        title: if kind == TaskKind::Other {
            "Prepare the offer".into()
        } else {
            String::new()
        },
        ..Default::default()
    }
}

pub fn codes(e: clientbase_core::StoreError) -> Vec<(String, String)> {
    match e {
        clientbase_core::StoreError::Validation(f) => {
            f.into_iter().map(|f| (f.field, f.code)).collect()
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}
