//! The Today screen and the reminders to schedule: index range reads only (open tasks by due time,
//! birthdays by `birthday_md` per day, clients per category by "last contacted or created"), so both
//! stay fast at 100k clients and millions of interactions.

use super::rows::join_names;
use super::tasks::{task_at, TASK_COLS};
use super::Store;
use crate::error::StoreError;
use crate::model::*;
use crate::phone;
use crate::today::{self, fmt_date, fmt_utc, hash31, mds_on, parse_hhmm, parse_instant};
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use rusqlite::{params, Row};

/// Rows per section of [`Today`] (4 sections: at most 800 rows over IPC).
pub const SECTION_LIMIT: usize = 200;
/// Rows of each task section in a limited Today (a day's calls fit; the Tasks screen lists all).
pub const TASK_ROWS_FIRST: usize = 50;
/// Up to this many birthday rows of a day are read one by one (by rowid, after sorting the day's
/// names); more are read with the whole day.
const FEW_ROWS: usize = 16;
/// Birthdays shown: today and this many days ahead.
pub const BIRTHDAY_DAYS_AHEAD: u64 = 7;
/// Rows of a page of a Today section: 0 = 50, at most 1000.
fn page_size(limit: u32) -> usize {
    match limit {
        0 => 50,
        n => n.min(1000) as usize,
    }
}
/// Most reminders one call returns.
pub const MAX_REMINDERS: usize = 1000;

/// Client columns a row needs: kind, names, first phone (display form).
pub(super) const CLIENT_NAME_COLS: &str =
    "c.kind, c.first_name, c.last_name, c.middle_name, c.org_name, c.phone_display";

/// The display name from [`CLIENT_NAME_COLS`] read at `i` ("Last First Middle", or the organisation).
pub(super) fn client_name_at(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<String>> {
    let kind: Option<String> = r.get(i)?;
    let Some(kind) = kind else { return Ok(None) };
    if kind == "organization" {
        return r.get(i + 4);
    }
    let (first, last, middle): (String, String, String) =
        (r.get(i + 1)?, r.get(i + 2)?, r.get(i + 3)?);
    Ok(Some(join_names(&[&last, &first, &middle])))
}

/// A contact person's "First Last" (or "LastFirst" for CJK names, as the card shows it).
pub(super) fn contact_name(first: &str, last: &str) -> String {
    crate::greeting::Recipient {
        first_name: first.to_owned(),
        last_name: last.to_owned(),
        ..Default::default()
    }
    .full_name()
}

/// The first phone of a contact person's `phones` JSON, in display form.
fn first_phone(json: &str) -> Option<String> {
    let phones: Vec<Phone> = serde_json::from_str(json).ok()?;
    let p = phones.into_iter().next()?;
    Some(p.e164.as_deref().map_or(p.raw.clone(), phone::display))
}

/// The (one or two) `birthday_md` values celebrated on `date`, as two SQL parameters (the same twice
/// when there is one), so every day uses the same cached statements.
fn md_pair(date: NaiveDate) -> (u16, u16) {
    let v = mds_on(date);
    (v[0], *v.last().unwrap_or(&v[0]))
}

/// A client's birthday row: `?1` is the year (greeted that year or not). Append the WHERE clause.
const CLIENT_BIRTHDAY: &str =
    "SELECT c.id, c.kind, c.first_name, c.last_name, c.middle_name, c.org_name, \
     c.phone_display, c.birthday_day, c.birthday_month, c.birthday_year, \
     EXISTS (SELECT 1 FROM interactions i WHERE i.client_id = c.id AND i.greets_year = ?1 \
             AND i.deleted_at IS NULL AND i.contact_id IS NULL) \
     FROM clients c";

/// A contact person's birthday row: `?1` is the year. Append the WHERE clause.
const CONTACT_BIRTHDAY: &str =
    "SELECT ct.id, ct.client_id, ct.first_name, ct.last_name, ct.birthday_day, \
     ct.birthday_month, ct.birthday_year, ct.phones, \
     c.kind, c.first_name, c.last_name, c.middle_name, c.org_name, c.phone_display, \
     EXISTS (SELECT 1 FROM interactions i WHERE i.client_id = ct.client_id AND i.greets_year = ?1 \
             AND i.deleted_at IS NULL AND i.contact_id = ct.id) \
     FROM contacts ct JOIN clients c ON c.id = ct.client_id";

/// A row of [`CLIENT_BIRTHDAY`].
fn client_birthday_at(r: &Row<'_>, date: NaiveDate, days: u32) -> rusqlite::Result<BirthdayRow> {
    let b = Birthday {
        day: r.get(7)?,
        month: r.get(8)?,
        year: r.get(9)?,
    };
    Ok(BirthdayRow {
        client_id: r.get(0)?,
        contact_id: None,
        name: client_name_at(r, 1)?.unwrap_or_default(),
        client_name: None,
        birthday: b,
        date: fmt_date(date),
        days,
        age: today::age_on(b.year, date),
        done: r.get(10)?,
        phone: r.get(6)?,
    })
}

/// A row of [`CONTACT_BIRTHDAY`].
fn contact_birthday_at(r: &Row<'_>, date: NaiveDate, days: u32) -> rusqlite::Result<BirthdayRow> {
    let b = Birthday {
        day: r.get(4)?,
        month: r.get(5)?,
        year: r.get(6)?,
    };
    let first: String = r.get(2)?;
    let last: String = r.get(3)?;
    let phones: String = r.get(7)?;
    let client_phone: Option<String> = r.get(13)?;
    Ok(BirthdayRow {
        client_id: r.get(1)?,
        contact_id: Some(r.get(0)?),
        name: contact_name(&first, &last),
        client_name: client_name_at(r, 8)?,
        birthday: b,
        date: fmt_date(date),
        days,
        age: today::age_on(b.year, date),
        done: r.get(14)?,
        phone: first_phone(&phones).or(client_phone),
    })
}

impl Store {
    fn task_rows(
        &self,
        from: &str,
        to: &str,
        limit: usize,
    ) -> Result<(Vec<TaskRow>, u32), StoreError> {
        const FROM: &str = "FROM tasks t LEFT JOIN clients c ON c.id = t.client_id";
        // Deleted clients are few: their set (from an index range) filters the tasks' client ids,
        // so the count reads the covering index `tasks_open_due` only.
        const WHERE: &str = "WHERE t.done_at IS NULL AND t.deleted_at IS NULL AND t.due_at >= ?1 \
            AND t.due_at < ?2 AND (t.client_id IS NULL \
            OR t.client_id NOT IN (SELECT id FROM clients WHERE deleted_at IS NOT NULL))";
        let count: i64 = self
            .conn
            .prepare_cached(&format!("SELECT count(*) FROM tasks t {WHERE}"))?
            .query_row([from, to], |r| r.get(0))?;
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {TASK_COLS}, {CLIENT_NAME_COLS}, ct.first_name, ct.last_name \
             {FROM} LEFT JOIN contacts ct ON ct.id = t.contact_id {WHERE} ORDER BY t.due_at LIMIT ?3"
        ))?;
        let rows = st
            .query_map(params![from, to, limit as i64], |r| {
                let n = 17;
                let ct_first: Option<String> = r.get(n + 6)?;
                let ct_last: Option<String> = r.get(n + 7)?;
                Ok(TaskRow {
                    task: task_at(r, 0)?.task,
                    client_name: client_name_at(r, n)?,
                    contact_name: ct_first
                        .map(|f| contact_name(&f, ct_last.as_deref().unwrap_or(""))),
                    phone: r.get(n + 5)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok((rows, count as u32))
    }

    /// Birthdays celebrated on `date` (clients and contact persons of live clients), at most `limit`.
    /// `days`: `date` minus today.
    fn birthdays_on(
        &self,
        date: NaiveDate,
        days: u32,
        limit: usize,
    ) -> Result<Vec<BirthdayRow>, StoreError> {
        let (md1, md2) = md_pair(date);
        let year = date.year();
        let mut out = Vec::new();
        if limit == 0 {
            return Ok(out);
        }
        let mut st = self.conn.prepare_cached(&format!(
            "{CLIENT_BIRTHDAY} INDEXED BY clients_birthday_live \
             WHERE c.birthday_md IN (?3, ?4) AND c.deleted_at IS NULL LIMIT ?2"
        ))?;
        let mut rows = st.query(params![year, limit as i64, md1, md2])?;
        while let Some(r) = rows.next()? {
            out.push(client_birthday_at(r, date, days)?);
        }
        drop(rows);
        let left = limit - out.len();
        if left == 0 {
            out.sort_by(|a, b| a.name.cmp(&b.name));
            return Ok(out);
        }
        let mut st = self.conn.prepare_cached(&format!(
            "{CONTACT_BIRTHDAY} WHERE ct.birthday_md IN (?3, ?4) AND c.deleted_at IS NULL LIMIT ?2"
        ))?;
        let mut rows = st.query(params![year, left as i64, md1, md2])?;
        while let Some(r) = rows.next()? {
            out.push(contact_birthday_at(r, date, days)?);
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Rows `skip..skip + take` of `date`'s birthdays sorted by name, as [`Store::birthdays_on`]
    /// lists the whole day. Sorting needs every name of the day (a few hundred at 100k clients), but
    /// only the page's rows are read in full (greeted or not, phone, birthday): the app's first Today
    /// shows 8 of them.
    fn birthdays_page(
        &self,
        date: NaiveDate,
        days: u32,
        skip: usize,
        take: usize,
    ) -> Result<Vec<BirthdayRow>, StoreError> {
        let (md1, md2) = md_pair(date);
        // (name, contact?, rowid), clients then contacts in the order `birthdays_on` reads them, so
        // the stable sort by name orders ties the same way.
        let mut keys: Vec<(String, bool, i64)> = Vec::new();
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT c.rowid, {CLIENT_NAME_COLS} FROM clients c INDEXED BY clients_birthday_live \
             WHERE c.birthday_md IN (?1, ?2) AND c.deleted_at IS NULL"
        ))?;
        let mut rows = st.query(params![md1, md2])?;
        while let Some(r) = rows.next()? {
            keys.push((client_name_at(r, 1)?.unwrap_or_default(), false, r.get(0)?));
        }
        drop(rows);
        let mut st = self.conn.prepare_cached(
            "SELECT ct.rowid, ct.first_name, ct.last_name FROM contacts ct JOIN clients c ON c.id = ct.client_id \
             WHERE ct.birthday_md IN (?1, ?2) AND c.deleted_at IS NULL",
        )?;
        let mut rows = st.query(params![md1, md2])?;
        while let Some(r) = rows.next()? {
            let name = contact_name(super::rows::text(r, 1)?, super::rows::text(r, 2)?);
            keys.push((name, true, r.get(0)?));
        }
        drop(rows);
        keys.sort_by(|a, b| a.0.cmp(&b.0));
        let year = date.year();
        let mut client = self
            .conn
            .prepare_cached(&format!("{CLIENT_BIRTHDAY} WHERE c.rowid = ?2"))?;
        let mut contact = self
            .conn
            .prepare_cached(&format!("{CONTACT_BIRTHDAY} WHERE ct.rowid = ?2"))?;
        let mut out = Vec::with_capacity(take.min(keys.len()));
        for (_, is_contact, rowid) in keys.into_iter().skip(skip).take(take) {
            out.push(if is_contact {
                contact.query_row(params![year, rowid], |r| contact_birthday_at(r, date, days))?
            } else {
                client.query_row(params![year, rowid], |r| client_birthday_at(r, date, days))?
            });
        }
        Ok(out)
    }

    /// (all, not yet congratulated) birthdays celebrated on `date`; the second only when `open`.
    fn count_birthdays_on(&self, date: NaiveDate, open: bool) -> Result<(u32, u32), StoreError> {
        let (md1, md2) = md_pair(date);
        let all_clients: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM clients c INDEXED BY clients_birthday_live \
                 WHERE c.birthday_md IN (?1, ?2) AND c.deleted_at IS NULL",
            )?
            .query_row([md1, md2], |r| r.get(0))?;
        let all_contacts: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM contacts ct WHERE ct.birthday_md IN (?1, ?2) \
                 AND ct.client_id NOT IN (SELECT id FROM clients WHERE deleted_at IS NOT NULL)",
            )?
            .query_row([md1, md2], |r| r.get(0))?;
        let all = (all_clients + all_contacts) as u32;
        if !open {
            return Ok((all, 0));
        }
        // Greetings logged for that year among these people (few: a scan of the day's greetings).
        let done: i64 = self
            .conn
            .prepare_cached(
                "SELECT (SELECT count(*) FROM clients c INDEXED BY clients_birthday_live \
                   WHERE c.birthday_md IN (?2, ?3) AND c.deleted_at IS NULL \
                   AND EXISTS (SELECT 1 FROM interactions i WHERE i.client_id = c.id AND i.greets_year = ?1 \
                               AND i.deleted_at IS NULL AND i.contact_id IS NULL)) + \
                 (SELECT count(*) FROM contacts ct WHERE ct.birthday_md IN (?2, ?3) \
                   AND ct.client_id NOT IN (SELECT id FROM clients WHERE deleted_at IS NOT NULL) \
                   AND EXISTS (SELECT 1 FROM interactions i WHERE i.client_id = ct.client_id AND i.greets_year = ?1 \
                               AND i.deleted_at IS NULL AND i.contact_id = ct.id))",
            )?
            .query_row(params![date.year(), md1, md2], |r| r.get(0))?;
        Ok((all, all - done as u32))
    }

    /// Clients due for contact by their category's cadence: most overdue first (then by rowid, so
    /// pages follow each other), `limit` rows from `offset`, and the count.
    fn cadence_rows<Tz: TimeZone>(
        &self,
        tz: &Tz,
        date: NaiveDate,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<CadenceRow>, u32), StoreError> {
        let end = offset.saturating_add(limit);
        let cats: Vec<(String, u32)> = {
            let mut st = self.conn.prepare_cached(
                "SELECT id, cadence_days FROM categories WHERE cadence_days > 0 ORDER BY position, id",
            )?;
            let r = st
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            r
        };
        // Candidates from the covering index only (rowid and "since"), merged over the categories
        // by due date; then the rows of the page (`offset`..`offset + limit`).
        // (due date, since, rowid, category): since and rowid order a category's rows as its query
        // does, so the merged prefix of `end` rows is the same whatever the page size.
        let mut due: Vec<(NaiveDate, String, i64, usize)> = Vec::new();
        let mut total = 0u32;
        for (k, (cat, days)) in cats.iter().enumerate() {
            // Due when the local date of the last contact (or creation) + cadence ≤ today.
            let Some(first_ok) = date.checked_sub_days(Days::new(*days as u64 - 1)) else {
                continue;
            };
            let cutoff = fmt_utc(today::start_of_day(tz, first_ok));
            let n: i64 = self
                .conn
                .prepare_cached(
                    "SELECT count(*) FROM clients c WHERE c.category_id = ?1 AND c.deleted_at IS NULL \
                     AND coalesce(c.last_contact_at, c.created_at) < ?2",
                )?
                .query_row(params![cat, cutoff], |r| r.get(0))?;
            total += n as u32;
            let mut st = self.conn.prepare_cached(
                "SELECT c.rowid, coalesce(c.last_contact_at, c.created_at) FROM clients c \
                 WHERE c.category_id = ?1 AND c.deleted_at IS NULL \
                 AND coalesce(c.last_contact_at, c.created_at) < ?2 \
                 ORDER BY coalesce(c.last_contact_at, c.created_at), c.rowid LIMIT ?3",
            )?;
            let mut q = st.query(params![cat, cutoff, end as i64])?;
            while let Some(r) = q.next()? {
                let since_s = super::rows::text(r, 1)?;
                let since = parse_instant(since_s).map_or(date, |t| today::to_local(tz, t).date());
                due.push((
                    since + Days::new(*days as u64),
                    since_s.to_owned(),
                    r.get(0)?,
                    k,
                ));
            }
        }
        due.sort_unstable();
        due.truncate(end);
        let due: Vec<_> = due.into_iter().skip(offset).collect();
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT c.id, {CLIENT_NAME_COLS}, c.last_contact_at FROM clients c WHERE c.rowid = ?1"
        ))?;
        let mut rows = Vec::with_capacity(due.len());
        for (due_date, _, rowid, k) in due {
            let (cat, days) = &cats[k];
            rows.push(st.query_row([rowid], |r| {
                Ok(CadenceRow {
                    client_id: r.get(0)?,
                    name: client_name_at(r, 1)?.unwrap_or_default(),
                    category_id: cat.clone(),
                    cadence_days: *days,
                    last_contact_at: r.get(7)?,
                    days_overdue: (date - due_date).num_days().max(0) as u32,
                    phone: r.get(6)?,
                })
            })?);
        }
        Ok((rows, total))
    }

    /// The Today screen at `now` (the device's local time): overdue tasks, tasks due later today,
    /// birthdays today and in the next 7 days (clients and contact persons; 29 February on 28
    /// February in non-leap years), clients due for contact by their category's cadence; with counts.
    pub fn today<Tz: TimeZone>(&self, now: &DateTime<Tz>) -> Result<Today, StoreError> {
        self.today_limited(now, SECTION_LIMIT)
    }

    /// [`Store::today`] with at most `limit` rows in the birthday and cadence sections (the counts
    /// stay exact): the app's first screen asks for the few rows it shows and pages the rest with
    /// [`Store::today_birthdays`] and [`Store::today_cadence`]. Task sections hold up to
    /// [`TASK_ROWS_FIRST`] rows (or `limit`, if more; at most [`SECTION_LIMIT`]): the UI sends the
    /// rep to the Tasks screen for the rest.
    pub fn today_limited<Tz: TimeZone>(
        &self,
        now: &DateTime<Tz>,
        limit: usize,
    ) -> Result<Today, StoreError> {
        let limit = limit.min(SECTION_LIMIT);
        let tz = now.timezone();
        let date = now.date_naive();
        let now_s = fmt_utc(now.with_timezone(&Utc));
        let end = fmt_utc(today::start_of_day(&tz, date.succ_opt().unwrap_or(date)));
        let tasks = limit.max(TASK_ROWS_FIRST);
        let (overdue, n_overdue) = self.task_rows("", &now_s, tasks)?;
        let (due_today, n_today) = self.task_rows(&now_s, &end, tasks)?;
        // The rows as the pages list them (whole days sorted by name), so "show more" continues them.
        let (_, n_birthdays_today) = self.count_birthdays_on(date, true)?;
        let (birthdays, n_birthdays) = self.birthday_rows(date, 0, limit)?;
        let (cadence, n_cadence) = self.cadence_rows(&tz, date, 0, limit)?;
        Ok(Today {
            date: fmt_date(date),
            overdue,
            due_today,
            birthdays,
            cadence,
            counts: TodayCounts {
                overdue: n_overdue,
                due_today: n_today,
                birthdays_today: n_birthdays_today,
                birthdays: n_birthdays,
                cadence: n_cadence,
                badge: n_overdue + n_today + n_birthdays_today,
            },
        })
    }

    /// A page of Today's birthday section at `now`: today and the next 7 days, by day, then by name
    /// within a day (as [`Store::today`] lists them); `limit` rows (0 = 50, at most 1000)
    /// from `offset`, and the exact total.
    pub fn today_birthdays<Tz: TimeZone>(
        &self,
        now: &DateTime<Tz>,
        offset: u32,
        limit: u32,
    ) -> Result<BirthdayPage, StoreError> {
        let (rows, total) =
            self.birthday_rows(now.date_naive(), offset as usize, page_size(limit))?;
        Ok(BirthdayPage {
            total,
            offset,
            rows,
        })
    }

    /// Birthdays today and in the next 7 days after `date`, `limit` rows from `offset`, and the total.
    fn birthday_rows(
        &self,
        date: NaiveDate,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<BirthdayRow>, u32), StoreError> {
        let mut rows = Vec::new();
        let mut skip = offset;
        let mut total = 0u32;
        for k in 0..=BIRTHDAY_DAYS_AHEAD {
            let Some(d) = date.checked_add_days(Days::new(k)) else {
                break;
            };
            let (all, _) = self.count_birthdays_on(d, false)?;
            total += all;
            if rows.len() >= limit {
                continue;
            }
            if skip >= all as usize {
                skip -= all as usize;
                continue;
            }
            // The part of the day (sorted by name) on this page: a few rows read one by one after
            // sorting the day's names, or, for a long page, the whole day read in one pass.
            let want = limit - rows.len();
            if want <= FEW_ROWS {
                rows.extend(self.birthdays_page(d, k as u32, skip, want)?);
            } else {
                let day = self.birthdays_on(d, k as u32, usize::MAX)?;
                rows.extend(day.into_iter().skip(skip).take(want));
            }
            skip = 0;
        }
        Ok((rows, total))
    }

    /// A page of Today's cadence section at `now`: clients due for contact, most overdue first;
    /// `limit` rows (at most 1000) from `offset`, and the exact total.
    pub fn today_cadence<Tz: TimeZone>(
        &self,
        now: &DateTime<Tz>,
        offset: u32,
        limit: u32,
    ) -> Result<CadencePage, StoreError> {
        let (rows, total) = self.cadence_rows(
            &now.timezone(),
            now.date_naive(),
            offset as usize,
            page_size(limit),
        )?;
        Ok(CadencePage {
            total,
            offset,
            rows,
        })
    }

    /// The notifications to schedule with `from <= at < to` (the device's zone), at most `limit`
    /// (≤ 1000), by time: reminders of open tasks owned here (at due − offset), and birthday reminders
    /// N days before and on the day at the morning time (settings), skipping people already
    /// congratulated for that birthday.
    pub fn upcoming_reminders<Tz: TimeZone>(
        &self,
        from: &DateTime<Tz>,
        to: &DateTime<Tz>,
        limit: usize,
    ) -> Result<Vec<Reminder>, StoreError> {
        let limit = limit.min(MAX_REMINDERS);
        let tz = from.timezone();
        let (from_u, to_u) = (from.with_timezone(&Utc), to.with_timezone(&Utc));
        if limit == 0 || to_u <= from_u {
            return Ok(Vec::new());
        }
        let (from_s, to_s) = (fmt_utc(from_u), fmt_utc(to_u));
        let mut out = Vec::new();
        {
            let mut st = self.conn.prepare_cached(&format!(
                "SELECT {TASK_COLS}, t.remind_at, {CLIENT_NAME_COLS} \
                 FROM tasks t INDEXED BY tasks_open_remind LEFT JOIN clients c ON c.id = t.client_id \
                 WHERE t.remind_at IS NOT NULL AND t.done_at IS NULL AND t.deleted_at IS NULL \
                 AND t.remind_at >= ?1 AND t.remind_at < ?2 AND (t.owner = ?3 OR t.owner = ?5 OR t.owner = '') \
                 AND (t.client_id IS NULL OR c.deleted_at IS NULL) ORDER BY t.remind_at LIMIT ?4"
            ))?;
            let (user, device) = self.reminder_owners();
            let mut rows = st.query(params![from_s, to_s, user, limit as i64, device])?;
            while let Some(r) = rows.next()? {
                let t = task_at(r, 0)?.task;
                let at: String = r.get(17)?;
                let id = format!("task:{}:{}", t.id, t.due_at);
                out.push(Reminder {
                    num: hash31(&id),
                    id,
                    at,
                    kind: ReminderKind::Task,
                    title: t.title.clone(),
                    client_name: client_name_at(r, 18)?,
                    target: if t.client_id.is_some() {
                        ReminderTarget::Client
                    } else {
                        ReminderTarget::Today
                    },
                    client_id: t.client_id,
                    contact_id: t.contact_id,
                    task_id: Some(t.id),
                    task_kind: Some(t.kind),
                    due_at: Some(t.due_at),
                    birthday: None,
                    age: None,
                    days_before: 0,
                });
            }
        }
        let settings = self.reminder_settings()?;
        let time = parse_hhmm(&settings.birthday_time)
            .unwrap_or(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN));
        let before = settings.birthday_days_before as u64;
        let mut births = Vec::new();
        let mut d = today::to_local(&tz, from_u).date();
        let last = today::to_local(&tz, to_u).date();
        while d <= last && births.len() < limit {
            let fire = today::local_to_utc(&tz, d.and_time(time));
            if fire >= from_u && fire < to_u {
                let at = fmt_utc(fire);
                let offsets: &[u64] = if before == 0 { &[0] } else { &[0, before] };
                for &off in offsets {
                    let Some(day) = d.checked_add_days(Days::new(off)) else {
                        continue;
                    };
                    let found = self.birthdays_on(day, off as u32, limit - births.len())?;
                    for b in found.into_iter().filter(|b| !b.done) {
                        let id = match &b.contact_id {
                            Some(ct) => format!("birthday:{}:{ct}:{}:{off}", b.client_id, b.date),
                            None => format!("birthday:{}:{}:{off}", b.client_id, b.date),
                        };
                        births.push(Reminder {
                            num: hash31(&id),
                            id,
                            at: at.clone(),
                            kind: ReminderKind::Birthday,
                            title: b.name,
                            client_id: Some(b.client_id),
                            contact_id: b.contact_id,
                            client_name: b.client_name,
                            task_id: None,
                            task_kind: None,
                            due_at: None,
                            birthday: Some(b.date),
                            age: b.age,
                            days_before: off as u32,
                            target: ReminderTarget::Client,
                        });
                    }
                }
            }
            let Some(next) = d.succ_opt() else { break };
            d = next;
        }
        out.extend(births);
        out.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));
        out.truncate(limit);
        Ok(out)
    }
}
