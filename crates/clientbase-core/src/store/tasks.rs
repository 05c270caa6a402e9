//! Tasks and callbacks: create, edit, soft delete / restore, complete (a repeating task moves to its
//! next occurrence), undo a completion, snooze, list. Every write logs its change-log row in the same
//! transaction; `remind_at` is derived (due − offset) and never logged.
//!
//! Time-dependent calls take `now` in the device's zone (`chrono::Local` from the API, fixed zones in
//! tests): a repeating task keeps its local wall-clock time across DST changes.

use super::agenda::{client_name_at, contact_name, CLIENT_NAME_COLS};
use super::{log_change, new_id, save_clock, Store};
use crate::error::{FieldError, StoreError};
use crate::hlc::Hlc;
use crate::model::*;
use crate::today::{self, fmt_utc, parse_instant};
use chrono::{DateTime, Duration, TimeZone, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use serde_json::{json, Value};

/// Longest reminder offset: 30 days.
pub const MAX_REMIND_OFFSET_MINUTES: u32 = 30 * 24 * 60;
pub(crate) const MAX_TITLE_CHARS: usize = 500;
pub(crate) const MAX_NOTE_CHARS: usize = 10_000;

pub(crate) fn kind_str(k: TaskKind) -> &'static str {
    match k {
        TaskKind::Call => "call",
        TaskKind::Congratulate => "congratulate",
        TaskKind::Other => "other",
    }
}

fn kind_from(s: &str) -> TaskKind {
    match s {
        "call" => TaskKind::Call,
        "congratulate" => TaskKind::Congratulate,
        _ => TaskKind::Other,
    }
}

pub(crate) fn repeat_str(r: Repeat) -> &'static str {
    match r {
        Repeat::None => "none",
        Repeat::Daily => "daily",
        Repeat::Weekly => "weekly",
        Repeat::Monthly => "monthly",
        Repeat::Yearly => "yearly",
    }
}

fn repeat_from(s: &str) -> Repeat {
    match s {
        "daily" => Repeat::Daily,
        "weekly" => Repeat::Weekly,
        "monthly" => Repeat::Monthly,
        "yearly" => Repeat::Yearly,
        _ => Repeat::None,
    }
}

/// A task as stored: the UI's view plus the columns only the store uses.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StoredTask {
    pub task: Task,
    pub anchor: Option<i64>,
    pub prev_due_at: Option<String>,
}

impl StoredTask {
    /// Every synced column (the change-log `fields` of an insert).
    fn cols(&self) -> Value {
        let t = &self.task;
        json!({
            "client_id": t.client_id, "contact_id": t.contact_id, "title": t.title,
            "kind": kind_str(t.kind), "note": t.note, "due_at": t.due_at,
            "remind_offset_minutes": t.remind_offset_minutes, "repeat": repeat_str(t.repeat),
            "repeat_anchor": self.anchor, "owner": t.owner, "done_at": t.done_at,
            "last_done_at": t.last_done_at, "prev_due_at": self.prev_due_at,
            "created_at": t.created_at, "updated_at": t.updated_at, "deleted_at": t.deleted_at,
        })
    }

    fn remind_at(&self) -> Option<String> {
        let off = self.task.remind_offset_minutes?;
        let due = parse_instant(&self.task.due_at)?;
        Some(fmt_utc(due - Duration::minutes(off as i64)))
    }
}

pub(crate) const TASK_COLS: &str = "t.id, t.client_id, t.contact_id, t.title, t.kind, t.note, t.due_at, \
    t.remind_offset_minutes, t.repeat, t.owner, t.done_at, t.last_done_at, t.created_at, t.updated_at, \
    t.deleted_at, t.repeat_anchor, t.prev_due_at";
/// How many columns [`TASK_COLS`] names.
pub(crate) const TASK_COL_COUNT: usize = 17;

/// Reads [`TASK_COLS`] starting at column `i`.
pub(crate) fn task_at(r: &Row<'_>, i: usize) -> rusqlite::Result<StoredTask> {
    let kind: String = r.get(i + 4)?;
    let repeat: String = r.get(i + 8)?;
    Ok(StoredTask {
        task: Task {
            id: r.get(i)?,
            client_id: r.get(i + 1)?,
            contact_id: r.get(i + 2)?,
            title: r.get(i + 3)?,
            kind: kind_from(&kind),
            note: r.get(i + 5)?,
            due_at: r.get(i + 6)?,
            remind_offset_minutes: r.get(i + 7)?,
            repeat: repeat_from(&repeat),
            owner: r.get(i + 9)?,
            done_at: r.get(i + 10)?,
            last_done_at: r.get(i + 11)?,
            created_at: r.get(i + 12)?,
            updated_at: r.get(i + 13)?,
            deleted_at: r.get(i + 14)?,
        },
        anchor: r.get(i + 15)?,
        prev_due_at: r.get(i + 16)?,
    })
}

pub(crate) fn read_task(conn: &Connection, id: &str) -> Result<Option<StoredTask>, StoreError> {
    let mut st =
        conn.prepare_cached(&format!("SELECT {TASK_COLS} FROM tasks t WHERE t.id = ?1"))?;
    Ok(st.query_row([id], |r| task_at(r, 0)).optional()?)
}

/// Field errors of a client reference: the client must exist and be live, the contact person must be
/// one of its contact persons.
pub(crate) fn check_client_ref(
    conn: &Connection,
    client_id: Option<&str>,
    contact_id: Option<&str>,
    prefix: &str,
    errs: &mut Vec<FieldError>,
) -> Result<(), StoreError> {
    if let Some(c) = client_id {
        let live: Option<bool> = conn
            .prepare_cached("SELECT deleted_at IS NULL FROM clients WHERE id = ?1")?
            .query_row([c], |r| r.get(0))
            .optional()?;
        if live != Some(true) {
            errs.push(FieldError::new(
                format!("{prefix}client_id"),
                "client_invalid",
            ));
            return Ok(());
        }
    }
    if let Some(ct) = contact_id {
        let owner: Option<String> = conn
            .prepare_cached("SELECT client_id FROM contacts WHERE id = ?1")?
            .query_row([ct], |r| r.get(0))
            .optional()?;
        if client_id.is_none() || owner.as_deref() != client_id {
            errs.push(FieldError::new(
                format!("{prefix}contact_id"),
                "contact_invalid",
            ));
        }
    }
    Ok(())
}

pub(crate) fn too_long(s: &str, max: usize) -> bool {
    s.chars().count() > max
}

/// Tidies and validates a task input; returns the due instant. Errors carry `prefix` (e.g. `callback.`).
pub(crate) fn check_task(
    conn: &Connection,
    input: &mut TaskInput,
    prefix: &str,
) -> Result<(Option<DateTime<Utc>>, Vec<FieldError>), StoreError> {
    let mut errs = Vec::new();
    input.title = input.title.trim().to_owned();
    input.note = input.note.trim().to_owned();
    let blank = |o: &mut Option<String>| {
        if o.as_deref().is_some_and(|s| s.trim().is_empty()) {
            *o = None;
        }
    };
    blank(&mut input.client_id);
    blank(&mut input.contact_id);
    let due = parse_instant(&input.due_at);
    if due.is_none() {
        errs.push(FieldError::new(format!("{prefix}due_at"), "date_invalid"));
    }
    if input.title.is_empty() && (input.kind == TaskKind::Other || input.client_id.is_none()) {
        errs.push(FieldError::new(format!("{prefix}title"), "required"));
    }
    if too_long(&input.title, MAX_TITLE_CHARS) {
        errs.push(
            FieldError::new(format!("{prefix}title"), "too_long")
                .with("max", MAX_TITLE_CHARS.to_string()),
        );
    }
    if too_long(&input.note, MAX_NOTE_CHARS) {
        errs.push(
            FieldError::new(format!("{prefix}note"), "too_long")
                .with("max", MAX_NOTE_CHARS.to_string()),
        );
    }
    if input
        .remind_offset_minutes
        .is_some_and(|m| m > MAX_REMIND_OFFSET_MINUTES)
    {
        errs.push(
            FieldError::new(format!("{prefix}remind_offset_minutes"), "offset_invalid")
                .with("max", MAX_REMIND_OFFSET_MINUTES.to_string()),
        );
    }
    check_client_ref(
        conn,
        input.client_id.as_deref(),
        input.contact_id.as_deref(),
        prefix,
        &mut errs,
    )?;
    Ok((due, errs))
}

/// Writes a new task row with its change-log row.
pub(crate) fn insert_task(
    tx: &Transaction<'_>,
    hlc: &mut Hlc,
    t: &StoredTask,
) -> Result<(), StoreError> {
    let k = &t.task;
    tx.prepare_cached(
        "INSERT INTO tasks (id, client_id, contact_id, title, kind, note, due_at, remind_offset_minutes, repeat, \
         repeat_anchor, owner, done_at, last_done_at, prev_due_at, created_at, updated_at, deleted_at, remind_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    )?
    .execute(params![
        k.id,
        k.client_id,
        k.contact_id,
        k.title,
        kind_str(k.kind),
        k.note,
        k.due_at,
        k.remind_offset_minutes,
        repeat_str(k.repeat),
        t.anchor,
        k.owner,
        k.done_at,
        k.last_done_at,
        t.prev_due_at,
        k.created_at,
        k.updated_at,
        k.deleted_at,
        t.remind_at(),
    ])?;
    log_change(tx, hlc, "tasks", &k.id, "insert", &t.cols().to_string())?;
    Ok(())
}

/// Rewrites a task row and logs the changed columns (`op`: update, delete, restore).
pub(crate) fn write_task(
    tx: &Transaction<'_>,
    hlc: &mut Hlc,
    old: &StoredTask,
    new: &StoredTask,
    op: &str,
) -> Result<(), StoreError> {
    let k = &new.task;
    tx.prepare_cached(
        "UPDATE tasks SET client_id = ?2, contact_id = ?3, title = ?4, kind = ?5, note = ?6, due_at = ?7, \
         remind_offset_minutes = ?8, repeat = ?9, repeat_anchor = ?10, owner = ?11, done_at = ?12, \
         last_done_at = ?13, prev_due_at = ?14, updated_at = ?15, deleted_at = ?16, remind_at = ?17 WHERE id = ?1",
    )?
    .execute(params![
        k.id,
        k.client_id,
        k.contact_id,
        k.title,
        kind_str(k.kind),
        k.note,
        k.due_at,
        k.remind_offset_minutes,
        repeat_str(k.repeat),
        new.anchor,
        k.owner,
        k.done_at,
        k.last_done_at,
        new.prev_due_at,
        k.updated_at,
        k.deleted_at,
        new.remind_at(),
    ])?;
    let mut changed = super::rows::diff(&old.cols(), &new.cols())?;
    changed.insert("updated_at".into(), Value::String(k.updated_at.clone()));
    log_change(
        tx,
        hlc,
        "tasks",
        &k.id,
        op,
        &Value::Object(changed).to_string(),
    )?;
    Ok(())
}

/// The task after completing it at `now`: a one-off task is done; a repeating one moves to its next
/// occurrence after `now` (remembering the completed one for undo).
pub(crate) fn completed<Tz: TimeZone>(
    t: &StoredTask,
    tz: &Tz,
    now: DateTime<Utc>,
    stamp: &str,
) -> StoredTask {
    let mut n = t.clone();
    n.task.updated_at = stamp.to_owned();
    let next = parse_instant(&t.task.due_at)
        .and_then(|due| today::next_due_after(tz, due, t.task.repeat, t.anchor, now));
    match next {
        Some(next) => {
            n.prev_due_at = Some(t.task.due_at.clone());
            n.task.due_at = fmt_utc(next);
            n.task.last_done_at = Some(fmt_utc(now));
        }
        None => n.task.done_at = Some(fmt_utc(now)),
    }
    n
}

fn page_limit(limit: u32) -> u32 {
    match limit {
        0 => 50,
        n => n.min(1000),
    }
}

impl Store {
    pub fn get_task(&self, id: &str) -> Result<Task, StoreError> {
        read_task(&self.conn, id)?
            .map(|t| t.task)
            .ok_or_else(|| StoreError::NotFound(format!("task {id}")))
    }

    fn stored_task(&self, id: &str) -> Result<StoredTask, StoreError> {
        read_task(&self.conn, id)?.ok_or_else(|| StoreError::NotFound(format!("task {id}")))
    }

    /// Builds a new task from a checked input (tz: for the repeat anchor's local date).
    pub(crate) fn new_task<Tz: TimeZone>(
        &self,
        input: TaskInput,
        due: DateTime<Utc>,
        tz: &Tz,
    ) -> StoredTask {
        let now = self.now();
        StoredTask {
            anchor: today::repeat_anchor(input.repeat, today::to_local(tz, due)),
            prev_due_at: None,
            task: Task {
                id: new_id(),
                client_id: input.client_id,
                contact_id: input.contact_id,
                title: input.title,
                kind: input.kind,
                note: input.note,
                due_at: fmt_utc(due),
                remind_offset_minutes: input.remind_offset_minutes,
                repeat: input.repeat,
                owner: self.owner_id(),
                done_at: None,
                last_done_at: None,
                created_at: now.clone(),
                updated_at: now,
                deleted_at: None,
            },
        }
    }

    /// Validates and saves a new task. `now`: the device's local time (its zone anchors repeats).
    pub fn create_task<Tz: TimeZone>(
        &mut self,
        mut input: TaskInput,
        now: &DateTime<Tz>,
    ) -> Result<Task, StoreError> {
        let (due, errs) = check_task(&self.conn, &mut input, "")?;
        let Some(due) = due.filter(|_| errs.is_empty()) else {
            return Err(StoreError::Validation(errs));
        };
        let t = self.new_task(input, due, &now.timezone());
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        insert_task(&tx, &mut self.hlc, &t)?;
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        Ok(t.task)
    }

    /// Validates and saves an edited task (its done state is kept; only changed columns are logged).
    pub fn update_task<Tz: TimeZone>(
        &mut self,
        id: &str,
        mut input: TaskInput,
        now: &DateTime<Tz>,
    ) -> Result<Task, StoreError> {
        let old = self.stored_task(id)?;
        if old.task.deleted_at.is_some() {
            return Err(StoreError::NotFound(format!("task {id} (deleted)")));
        }
        let (due, errs) = check_task(&self.conn, &mut input, "")?;
        let Some(due) = due.filter(|_| errs.is_empty()) else {
            return Err(StoreError::Validation(errs));
        };
        let mut n = old.clone();
        let t = &mut n.task;
        t.client_id = input.client_id;
        t.contact_id = input.contact_id;
        t.title = input.title;
        t.kind = input.kind;
        t.note = input.note;
        t.due_at = fmt_utc(due);
        t.remind_offset_minutes = input.remind_offset_minutes;
        t.repeat = input.repeat;
        if t.due_at != old.task.due_at || t.repeat != old.task.repeat {
            n.anchor = today::repeat_anchor(t.repeat, today::to_local(&now.timezone(), due));
            n.prev_due_at = None;
        }
        if n == old {
            return Ok(old.task);
        }
        n.task.updated_at = self.now();
        self.commit_task(&old, &n, "update")
    }

    fn commit_task(
        &mut self,
        old: &StoredTask,
        new: &StoredTask,
        op: &str,
    ) -> Result<Task, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        write_task(&tx, &mut self.hlc, old, new, op)?;
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        Ok(new.task.clone())
    }

    fn set_task_deleted(&mut self, id: &str, deleted: bool) -> Result<Task, StoreError> {
        let old = self.stored_task(id)?;
        if old.task.deleted_at.is_some() == deleted {
            return Ok(old.task);
        }
        let mut n = old.clone();
        let now = self.now();
        n.task.deleted_at = deleted.then(|| now.clone());
        n.task.updated_at = now;
        self.commit_task(&old, &n, if deleted { "delete" } else { "restore" })
    }

    /// Soft delete; [`Store::restore_task`] undoes it.
    pub fn delete_task(&mut self, id: &str) -> Result<Task, StoreError> {
        self.set_task_deleted(id, true)
    }

    pub fn restore_task(&mut self, id: &str) -> Result<Task, StoreError> {
        self.set_task_deleted(id, false)
    }

    /// Marks a task done at `now`; a repeating task moves to its next occurrence after `now` instead
    /// (monthly on the 31st falls on the month's last day; the local time is kept across DST).
    pub fn complete_task<Tz: TimeZone>(
        &mut self,
        id: &str,
        now: &DateTime<Tz>,
    ) -> Result<Task, StoreError> {
        let old = self.stored_task(id)?;
        if old.task.deleted_at.is_some() {
            return Err(StoreError::NotFound(format!("task {id} (deleted)")));
        }
        if old.task.done_at.is_some() {
            return Ok(old.task);
        }
        let n = completed(&old, &now.timezone(), now.with_timezone(&Utc), &self.now());
        self.commit_task(&old, &n, "update")
    }

    /// Undoes a completion: a one-off task is open again; a repeating one goes back to the
    /// occurrence completed last.
    pub fn uncomplete_task(&mut self, id: &str) -> Result<Task, StoreError> {
        let old = self.stored_task(id)?;
        let mut n = old.clone();
        if n.task.done_at.is_some() {
            n.task.done_at = None;
        } else if let Some(prev) = n.prev_due_at.take() {
            n.task.due_at = prev;
            n.task.last_done_at = None;
        } else {
            return Ok(old.task);
        }
        n.task.updated_at = self.now();
        self.commit_task(&old, &n, "update")
    }

    /// Moves a task to `to` (RFC 3339): its due time and so its reminder.
    pub fn snooze_task(&mut self, id: &str, to: &str) -> Result<Task, StoreError> {
        let Some(to) = parse_instant(to) else {
            return Err(StoreError::Validation(vec![FieldError::new(
                "to",
                "date_invalid",
            )]));
        };
        let old = self.stored_task(id)?;
        if old.task.deleted_at.is_some() {
            return Err(StoreError::NotFound(format!("task {id} (deleted)")));
        }
        let mut n = old.clone();
        n.task.due_at = fmt_utc(to);
        if n == old {
            return Ok(old.task);
        }
        n.task.updated_at = self.now();
        self.commit_task(&old, &n, "update")
    }

    /// A page of tasks (not deleted; without a client filter, not those of deleted clients): open ones
    /// by due time, then (with `include_done`) done ones, most recent first.
    pub fn tasks(&self, q: &TaskQuery) -> Result<TaskPage, StoreError> {
        let done = if q.include_done {
            ""
        } else {
            " AND t.done_at IS NULL"
        };
        const FROM: &str = "FROM tasks t LEFT JOIN clients c ON c.id = t.client_id";
        let filter = format!(
            "WHERE t.deleted_at IS NULL{done} AND (?1 IS NULL OR t.client_id = ?1) \
             AND (t.client_id IS NULL OR c.deleted_at IS NULL OR ?1 IS NOT NULL)"
        );
        let total: i64 = self
            .conn
            .prepare_cached(&format!("SELECT count(*) {FROM} {filter}"))?
            .query_row([&q.client_id], |r| r.get(0))?;
        // The rows carry the client's name, the contact person's and the client's first phone, as
        // Today's do (the tasks list shows whom a task is about).
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {TASK_COLS}, {CLIENT_NAME_COLS}, ct.first_name, ct.last_name \
             {FROM} LEFT JOIN contacts ct ON ct.id = t.contact_id {filter} \
             ORDER BY t.done_at IS NOT NULL, \
             CASE WHEN t.done_at IS NULL THEN t.due_at END, t.done_at DESC, t.id LIMIT ?2 OFFSET ?3"
        ))?;
        let rows = st
            .query_map(params![q.client_id, page_limit(q.limit), q.offset], |r| {
                let n = TASK_COL_COUNT;
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
        Ok(TaskPage {
            total: total as u32,
            offset: q.offset,
            rows,
        })
    }
}
