//! The interaction log and what hangs off it: the editable lists of interaction kinds and outcomes,
//! logging an interaction (with "last contacted", completing the open call tasks and creating a
//! callback in the same transaction), the card's timeline, birthday greetings ("Congratulate"), the
//! greeting templates and the birthday reminder settings.
//!
//! `clients.last_contact_at` is derived (max `at` of the client's live interactions): written with
//! every interaction write, never logged; each device recomputes it. "Birthday done for this year" is
//! derived from a logged greeting (`interactions.greets_year`, see migration 0006).

use super::rows::channel_str;
use super::tasks::{self, check_client_ref, insert_task, too_long, StoredTask, MAX_NOTE_CHARS};
use super::{log_change, new_id, save_clock, Store};
use crate::error::{FieldError, StoreError};
use crate::greeting::{self, Recipient};
use crate::hlc::Hlc;
use crate::model::*;
use crate::today::{self, fmt_utc, parse_instant};
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use serde_json::{json, Value};

pub const KIND_CALL: &str = "00000000-0000-7000-8001-000000000001";
pub const KIND_MEETING: &str = "00000000-0000-7000-8001-000000000002";
pub const KIND_MESSAGE: &str = "00000000-0000-7000-8001-000000000003";
pub const KIND_EMAIL: &str = "00000000-0000-7000-8001-000000000004";
pub const KIND_VISIT: &str = "00000000-0000-7000-8001-000000000005";
/// What "Congratulate" logs.
pub const KIND_GREETING: &str = "00000000-0000-7000-8001-000000000006";
pub const OUTCOME_REACHED: &str = "00000000-0000-7000-8002-000000000001";
pub const OUTCOME_NO_ANSWER: &str = "00000000-0000-7000-8002-000000000002";
pub const OUTCOME_CALL_BACK: &str = "00000000-0000-7000-8002-000000000004";

/// An interaction may be logged up to this far in the future (clock skew, "in a minute").
const FUTURE_SLACK_MINUTES: i64 = 10;
const MAX_ITEM_NAME_CHARS: usize = 100;
const MAX_TEMPLATE_CHARS: usize = 4000;

/// The two editable lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum List {
    Kinds,
    Outcomes,
}

impl List {
    fn table(self) -> &'static str {
        match self {
            List::Kinds => "interaction_kinds",
            List::Outcomes => "interaction_outcomes",
        }
    }
}

fn item_cols(i: &ListItem) -> Value {
    json!({"code": i.code, "name": i.name, "position": i.position, "archived": i.archived})
}

fn channel_from(s: &str) -> Option<Channel> {
    serde_json::from_value(Value::String(s.to_owned())).ok()
}

const INTERACTION_COLS: &str =
    "i.id, i.client_id, i.contact_id, i.at, i.kind_id, i.outcome_id, i.channel, \
    i.note, i.next_step, i.greets_year, i.owner, i.created_at, i.deleted_at";

fn interaction_at(r: &Row<'_>) -> rusqlite::Result<Interaction> {
    let channel: Option<String> = r.get(6)?;
    Ok(Interaction {
        id: r.get(0)?,
        client_id: r.get(1)?,
        contact_id: r.get(2)?,
        at: r.get(3)?,
        kind_id: r.get(4)?,
        outcome_id: r.get(5)?,
        channel: channel.as_deref().and_then(channel_from),
        note: r.get(7)?,
        next_step: r.get(8)?,
        greets_year: r.get(9)?,
        owner: r.get(10)?,
        created_at: r.get(11)?,
        deleted_at: r.get(12)?,
    })
}

fn read_interaction(conn: &Connection, id: &str) -> Result<Option<Interaction>, StoreError> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {INTERACTION_COLS} FROM interactions i WHERE i.id = ?1"
    ))?;
    Ok(st.query_row([id], interaction_at).optional()?)
}

/// Every synced column of an interaction (the change-log `fields` of its insert).
fn interaction_cols(i: &Interaction) -> Value {
    json!({
        "client_id": i.client_id, "contact_id": i.contact_id, "at": i.at, "kind_id": i.kind_id,
        "outcome_id": i.outcome_id, "channel": i.channel.map(channel_str), "note": i.note,
        "next_step": i.next_step, "greets_year": i.greets_year, "owner": i.owner,
        "created_at": i.created_at, "deleted_at": i.deleted_at,
    })
}

/// Writes a new interaction with its change-log row and moves the client's "last contacted".
pub(crate) fn insert_interaction(
    tx: &Transaction<'_>,
    hlc: &mut Hlc,
    i: &Interaction,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO interactions (id, client_id, contact_id, at, kind_id, outcome_id, channel, note, next_step, \
         greets_year, owner, created_at, deleted_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        i.id,
        i.client_id,
        i.contact_id,
        i.at,
        i.kind_id,
        i.outcome_id,
        i.channel.map(channel_str),
        i.note,
        i.next_step,
        i.greets_year,
        i.owner,
        i.created_at,
        i.deleted_at,
    ])?;
    log_change(
        tx,
        hlc,
        "interactions",
        &i.id,
        "insert",
        &interaction_cols(i).to_string(),
    )?;
    tx.prepare_cached(
        "UPDATE clients SET last_contact_at = ?2 WHERE id = ?1 AND (last_contact_at IS NULL OR last_contact_at < ?2)",
    )?
    .execute(params![i.client_id, i.at])?;
    Ok(())
}

/// Recomputes a client's "last contacted" from its live interactions (after a delete or restore).
fn refresh_last_contact(tx: &Transaction<'_>, client_id: &str) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE clients SET last_contact_at = (SELECT max(at) FROM interactions \
         WHERE client_id = ?1 AND deleted_at IS NULL) WHERE id = ?1",
    )?
    .execute([client_id])?;
    Ok(())
}

fn last_contact(conn: &Connection, client_id: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT last_contact_at FROM clients WHERE id = ?1")?
        .query_row([client_id], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

/// When a write happens: the device's zone, the instant, and the store's timestamp for `updated_at`.
struct Moment<'a, Tz> {
    tz: &'a Tz,
    now: DateTime<Utc>,
    stamp: &'a str,
}

/// Which open tasks of a client [`complete_open`] completes.
struct OpenTasks<'a> {
    client_id: &'a str,
    kind: TaskKind,
    /// `Some(c)`: only the tasks whose contact person is `c` (`None`: the client's own).
    contact: Option<Option<&'a str>>,
    /// Due before this instant (RFC 3339 UTC).
    until: &'a str,
}

/// Completes, in `tx`, the open tasks that `which` selects (repeating ones move on).
fn complete_open<Tz: TimeZone>(
    tx: &Transaction<'_>,
    hlc: &mut Hlc,
    which: OpenTasks<'_>,
    at: &Moment<'_, Tz>,
) -> Result<Vec<Task>, StoreError> {
    let open: Vec<StoredTask> = {
        let mut st = tx.prepare_cached(&format!(
            "SELECT {} FROM tasks t WHERE t.client_id = ?1 AND t.kind = ?2 AND t.done_at IS NULL \
             AND t.deleted_at IS NULL AND t.due_at < ?3 AND (?4 = 0 OR t.contact_id IS ?5) ORDER BY t.due_at",
            tasks::TASK_COLS
        ))?;
        let r = st
            .query_map(
                params![
                    which.client_id,
                    tasks::kind_str(which.kind),
                    which.until,
                    which.contact.is_some(),
                    which.contact.flatten()
                ],
                |r| tasks::task_at(r, 0),
            )?
            .collect::<Result<_, _>>()?;
        r
    };
    let mut done = Vec::new();
    for t in open {
        let n = tasks::completed(&t, at.tz, at.now, at.stamp);
        tasks::write_task(tx, hlc, &t, &n, "update")?;
        done.push(n.task);
    }
    Ok(done)
}

/// Reminder settings keys in `settings`, with their defaults (also seeded by migration 0006).
const DAYS_BEFORE_KEY: &str = "birthday_days_before";
const TIME_KEY: &str = "birthday_time";
const CYRILLIC_KEY: &str = "cyrillic_language";
pub const MAX_BIRTHDAY_DAYS_BEFORE: u32 = 30;

impl Store {
    // ---- kinds and outcomes ------------------------------------------------------------------

    fn list_items(&self, list: List) -> Result<Vec<ListItem>, StoreError> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT id, code, name, position, archived FROM {} ORDER BY position, name, id",
            list.table()
        ))?;
        let rows = st.query_map([], |r| {
            Ok(ListItem {
                id: r.get(0)?,
                code: r.get(1)?,
                name: r.get(2)?,
                position: r.get(3)?,
                archived: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Creates (empty id) or updates an entry; a seeded entry keeps its code.
    fn save_item(&mut self, list: List, mut item: ListItem) -> Result<ListItem, StoreError> {
        item.name = item.name.trim().to_owned();
        let mut errs = Vec::new();
        if item.name.is_empty() {
            errs.push(FieldError::new("name", "required"));
        } else if too_long(&item.name, MAX_ITEM_NAME_CHARS) {
            errs.push(
                FieldError::new("name", "too_long").with("max", MAX_ITEM_NAME_CHARS.to_string()),
            );
        }
        if !errs.is_empty() {
            return Err(StoreError::Validation(errs));
        }
        let old = if item.id.is_empty() {
            None
        } else {
            let o = self.list_items(list)?.into_iter().find(|x| x.id == item.id);
            if o.is_none() {
                return Err(StoreError::NotFound(format!(
                    "{} {}",
                    list.table(),
                    item.id
                )));
            }
            o
        };
        item.code = old.as_ref().map(|o| o.code.clone()).unwrap_or_default();
        if old.as_ref() == Some(&item) {
            return Ok(item);
        }
        let table = list.table();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        match &old {
            None => {
                item.id = new_id();
                tx.execute(
                    &format!("INSERT INTO {table} (id, code, name, position, archived) VALUES (?1, ?2, ?3, ?4, ?5)"),
                    params![item.id, item.code, item.name, item.position, item.archived],
                )?;
                let f = item_cols(&item).to_string();
                log_change(&tx, &mut self.hlc, table, &item.id, "insert", &f)?;
            }
            Some(o) => {
                tx.execute(
                    &format!(
                        "UPDATE {table} SET name = ?2, position = ?3, archived = ?4 WHERE id = ?1"
                    ),
                    params![item.id, item.name, item.position, item.archived],
                )?;
                let changed = super::rows::diff(&item_cols(o), &item_cols(&item))?;
                let f = Value::Object(changed).to_string();
                log_change(&tx, &mut self.hlc, table, &item.id, "update", &f)?;
            }
        }
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        Ok(item)
    }

    /// Archives an entry (hidden from pickers; interactions that use it keep its name). Saving it
    /// with `archived: false` brings it back.
    fn archive_item(&mut self, list: List, id: &str) -> Result<ListItem, StoreError> {
        let Some(mut item) = self.list_items(list)?.into_iter().find(|x| x.id == id) else {
            return Err(StoreError::NotFound(format!("{} {id}", list.table())));
        };
        item.archived = true;
        self.save_item(list, item)
    }

    /// Interaction kinds, archived ones included (by position).
    pub fn interaction_kinds(&self) -> Result<Vec<ListItem>, StoreError> {
        self.list_items(List::Kinds)
    }

    pub fn save_interaction_kind(&mut self, item: ListItem) -> Result<ListItem, StoreError> {
        self.save_item(List::Kinds, item)
    }

    pub fn delete_interaction_kind(&mut self, id: &str) -> Result<ListItem, StoreError> {
        self.archive_item(List::Kinds, id)
    }

    /// Interaction outcomes, archived ones included (by position).
    pub fn interaction_outcomes(&self) -> Result<Vec<ListItem>, StoreError> {
        self.list_items(List::Outcomes)
    }

    pub fn save_interaction_outcome(&mut self, item: ListItem) -> Result<ListItem, StoreError> {
        self.save_item(List::Outcomes, item)
    }

    pub fn delete_interaction_outcome(&mut self, id: &str) -> Result<ListItem, StoreError> {
        self.archive_item(List::Outcomes, id)
    }

    fn item_exists(&self, list: List, id: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT 1 FROM {} WHERE id = ?1", list.table()))?
            .query_row([id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    // ---- interactions ------------------------------------------------------------------------

    /// Logs an interaction at `input.at` (default: `now`), moves the client's "last contacted" and,
    /// in the same transaction, completes the client's open call tasks due by the end of today
    /// (`complete_calls`) and creates the callback task. `now`: the device's local time.
    pub fn log_interaction<Tz: TimeZone>(
        &mut self,
        mut input: InteractionInput,
        now: &DateTime<Tz>,
    ) -> Result<LoggedInteraction, StoreError> {
        let tz = now.timezone();
        let now_utc = now.with_timezone(&Utc);
        let mut errs = Vec::new();
        input.note = input.note.trim().to_owned();
        input.next_step = input.next_step.trim().to_owned();
        if input.contact_id.as_deref().is_some_and(|s| s.is_empty()) {
            input.contact_id = None;
        }
        if input.outcome_id.as_deref().is_some_and(|s| s.is_empty()) {
            input.outcome_id = None;
        }
        check_client_ref(
            &self.conn,
            Some(&input.client_id),
            input.contact_id.as_deref(),
            "",
            &mut errs,
        )?;
        let at = match &input.at {
            None => Some(now_utc),
            Some(s) => parse_instant(s),
        };
        match at {
            None => errs.push(FieldError::new("at", "date_invalid")),
            Some(t) if t > now_utc + Duration::minutes(FUTURE_SLACK_MINUTES) => {
                errs.push(FieldError::new("at", "date_in_future"))
            }
            _ => {}
        }
        if !self.item_exists(List::Kinds, &input.kind_id)? {
            errs.push(FieldError::new("kind_id", "kind_invalid"));
        }
        if let Some(o) = &input.outcome_id {
            if !self.item_exists(List::Outcomes, o)? {
                errs.push(FieldError::new("outcome_id", "outcome_invalid"));
            }
        }
        for (field, v) in [("note", &input.note), ("next_step", &input.next_step)] {
            if too_long(v, MAX_NOTE_CHARS) {
                errs.push(
                    FieldError::new(field, "too_long").with("max", MAX_NOTE_CHARS.to_string()),
                );
            }
        }
        let mut callback = None;
        if let Some(mut cb) = input.callback.take() {
            if cb.client_id.as_deref().is_none_or(str::is_empty) {
                cb.client_id = Some(input.client_id.clone());
                if cb.contact_id.is_none() && !errs.iter().any(|e| e.field == "contact_id") {
                    cb.contact_id = input.contact_id.clone();
                }
            }
            if cb.title.trim().is_empty() {
                cb.kind = TaskKind::Call;
            }
            let (due, e) = tasks::check_task(&self.conn, &mut cb, "callback.")?;
            errs.extend(e);
            callback = due.map(|d| (cb, d));
        }
        let Some(at) = at.filter(|_| errs.is_empty()) else {
            return Err(StoreError::Validation(errs));
        };
        let stamp = self.now();
        let interaction = Interaction {
            id: new_id(),
            client_id: input.client_id,
            contact_id: input.contact_id,
            at: fmt_utc(at),
            kind_id: input.kind_id,
            outcome_id: input.outcome_id,
            channel: input.channel,
            note: input.note,
            next_step: input.next_step,
            greets_year: None,
            owner: self.owner_id(),
            created_at: stamp.clone(),
            deleted_at: None,
        };
        let callback = callback.map(|(cb, due)| self.new_task(cb, due, &tz));
        let end_of_today = fmt_utc(today::start_of_day(
            &tz,
            now.date_naive().succ_opt().unwrap_or(now.date_naive()),
        ));
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        insert_interaction(&tx, &mut self.hlc, &interaction)?;
        let completed = if input.complete_calls {
            complete_open(
                &tx,
                &mut self.hlc,
                OpenTasks {
                    client_id: &interaction.client_id,
                    kind: TaskKind::Call,
                    contact: None,
                    until: &end_of_today,
                },
                &Moment {
                    tz: &tz,
                    now: now_utc,
                    stamp: &stamp,
                },
            )?
        } else {
            Vec::new()
        };
        if let Some(cb) = &callback {
            insert_task(&tx, &mut self.hlc, cb)?;
        }
        let last_contact_at = last_contact(&tx, &interaction.client_id)?;
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        Ok(LoggedInteraction {
            interaction,
            completed,
            callback: callback.map(|c| c.task),
            last_contact_at,
        })
    }

    pub fn get_interaction(&self, id: &str) -> Result<Interaction, StoreError> {
        read_interaction(&self.conn, id)?
            .ok_or_else(|| StoreError::NotFound(format!("interaction {id}")))
    }

    /// The client's timeline: live interactions, newest first, and its "last contacted".
    pub fn interactions(
        &self,
        client_id: &str,
        offset: u32,
        limit: u32,
    ) -> Result<InteractionPage, StoreError> {
        let limit = match limit {
            0 => 50,
            n => n.min(1000),
        };
        let total: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM interactions WHERE client_id = ?1 AND deleted_at IS NULL",
            )?
            .query_row([client_id], |r| r.get(0))?;
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {INTERACTION_COLS} FROM interactions i WHERE i.client_id = ?1 AND i.deleted_at IS NULL \
             ORDER BY i.at DESC, i.id DESC LIMIT ?2 OFFSET ?3"
        ))?;
        let rows = st
            .query_map(params![client_id, limit, offset], interaction_at)?
            .collect::<Result<_, _>>()?;
        Ok(InteractionPage {
            total: total as u32,
            offset,
            last_contact_at: last_contact(&self.conn, client_id)?,
            rows,
        })
    }

    fn set_interaction_deleted(
        &mut self,
        id: &str,
        deleted: bool,
    ) -> Result<Interaction, StoreError> {
        let mut i = self.get_interaction(id)?;
        if i.deleted_at.is_some() == deleted {
            return Ok(i);
        }
        i.deleted_at = deleted.then(|| self.now());
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        super::write_soft_delete(&tx, &mut self.hlc, "interactions", id, &i.deleted_at)?;
        refresh_last_contact(&tx, &i.client_id)?;
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        Ok(i)
    }

    /// Soft delete (a greeting deleted undoes "birthday done"); "last contacted" is recomputed.
    pub fn delete_interaction(&mut self, id: &str) -> Result<Interaction, StoreError> {
        self.set_interaction_deleted(id, true)
    }

    pub fn restore_interaction(&mut self, id: &str) -> Result<Interaction, StoreError> {
        self.set_interaction_deleted(id, false)
    }

    // ---- birthday greetings ------------------------------------------------------------------

    /// Who a greeting goes to and their birthday: the client, or one of its contact persons.
    fn recipient(
        &self,
        client_id: &str,
        contact_id: Option<&str>,
    ) -> Result<(Recipient, Option<Birthday>), StoreError> {
        let c = self.get_client(client_id)?;
        if c.deleted_at.is_some() {
            return Err(StoreError::NotFound(format!(
                "client {client_id} (deleted)"
            )));
        }
        let d = &c.data;
        match contact_id {
            Some(ct) => {
                let Some(p) = d.contacts.iter().find(|p| p.id == ct) else {
                    return Err(StoreError::Validation(vec![FieldError::new(
                        "contact_id",
                        "contact_invalid",
                    )]));
                };
                Ok((
                    Recipient {
                        first_name: p.first_name.clone(),
                        middle_name: p.middle_name.clone(),
                        last_name: p.last_name.clone(),
                        company: d.org_name.clone(),
                    },
                    p.birthday,
                ))
            }
            None => {
                let person = d.kind == ClientKind::Person;
                let name = |s: &String| if person { s.clone() } else { String::new() };
                Ok((
                    Recipient {
                        first_name: name(&d.first_name),
                        middle_name: name(&d.middle_name),
                        last_name: name(&d.last_name),
                        company: d.org_name.clone(),
                    },
                    d.birthday,
                ))
            }
        }
    }

    /// The greeting language for a recipient (see [`greeting::language_for`]).
    fn greeting_language(&self, who: &Recipient) -> Result<&'static str, StoreError> {
        let s = self.reminder_settings()?;
        Ok(greeting::language_for(
            &[&who.first_name, &who.last_name, &who.middle_name],
            &self.settings.language,
            &s.cyrillic_language,
            &self.settings.default_country,
        ))
    }

    /// The ready greeting for a client or contact person: `(language, text)` from the template of
    /// `language` (absent: the person's, inferred from the name's script, else the UI's).
    pub fn greeting_text(
        &self,
        client_id: &str,
        contact_id: Option<&str>,
        language: Option<&str>,
    ) -> Result<(String, String), StoreError> {
        let (who, _) = self.recipient(client_id, contact_id)?;
        let lang = match language.filter(|l| !l.is_empty()) {
            Some(l) => greeting::LANGUAGES
                .iter()
                .copied()
                .find(|x| *x == l)
                .ok_or_else(|| {
                    StoreError::Validation(vec![FieldError::new("language", "language_invalid")])
                })?,
            None => self.greeting_language(&who)?,
        };
        let template = self
            .greeting_templates()?
            .into_iter()
            .find(|t| t.language == lang)
            .map(|t| t.text)
            .unwrap_or_else(|| greeting::default_template(lang).to_owned());
        let text = greeting::render(&template, lang, &who, &self.settings.user_name);
        Ok((lang.to_owned(), text))
    }

    /// "Congratulate": logs the greeting `text` sent through `channel` as an interaction of the
    /// greeting kind, which marks the birthday done for its year (the celebration on or after
    /// today − 7 days), and completes the person's open congratulate tasks due by then.
    pub fn congratulate<Tz: TimeZone>(
        &mut self,
        client_id: &str,
        contact_id: Option<&str>,
        channel: Option<Channel>,
        text: &str,
        now: &DateTime<Tz>,
    ) -> Result<LoggedInteraction, StoreError> {
        let tz = now.timezone();
        let now_utc = now.with_timezone(&Utc);
        let contact_id = contact_id.filter(|s| !s.is_empty());
        let (_, birthday) = self.recipient(client_id, contact_id)?;
        let text = text.trim();
        if too_long(text, MAX_NOTE_CHARS) {
            return Err(StoreError::Validation(vec![FieldError::new(
                "text", "too_long",
            )
            .with("max", MAX_NOTE_CHARS.to_string())]));
        }
        let today_local = now.date_naive();
        let occurrence =
            birthday.and_then(|b| today::greeted_birthday(b.month, b.day, today_local));
        let stamp = self.now();
        let interaction = Interaction {
            id: new_id(),
            client_id: client_id.to_owned(),
            contact_id: contact_id.map(str::to_owned),
            at: fmt_utc(now_utc),
            kind_id: KIND_GREETING.to_owned(),
            outcome_id: None,
            channel,
            note: text.to_owned(),
            next_step: String::new(),
            greets_year: occurrence.map(|d| d.year()),
            owner: self.owner_id(),
            created_at: stamp.clone(),
            deleted_at: None,
        };
        let last_day = occurrence.map_or(today_local, |o| o.max(today_local));
        let until = fmt_utc(today::start_of_day(
            &tz,
            last_day.succ_opt().unwrap_or(last_day),
        ));
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        insert_interaction(&tx, &mut self.hlc, &interaction)?;
        let completed = complete_open(
            &tx,
            &mut self.hlc,
            OpenTasks {
                client_id,
                kind: TaskKind::Congratulate,
                contact: Some(contact_id),
                until: &until,
            },
            &Moment {
                tz: &tz,
                now: now_utc,
                stamp: &stamp,
            },
        )?;
        let last_contact_at = last_contact(&tx, client_id)?;
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        Ok(LoggedInteraction {
            interaction,
            completed,
            callback: None,
            last_contact_at,
        })
    }

    // ---- greeting templates ------------------------------------------------------------------

    /// One template per language (en, ru, uk, el, zh).
    pub fn greeting_templates(&self) -> Result<Vec<GreetingTemplate>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, language, text FROM greeting_templates \
             ORDER BY CASE language WHEN 'en' THEN 0 WHEN 'ru' THEN 1 WHEN 'uk' THEN 2 WHEN 'el' THEN 3 WHEN 'zh' THEN 4 ELSE 5 END, language",
        )?;
        let rows = st.query_map([], |r| {
            let language: String = r.get(1)?;
            Ok(GreetingTemplate {
                id: r.get(0)?,
                default_text: greeting::default_template(&language).to_owned(),
                language,
                text: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Saves the text of a language's template (the `language` picks the row; `id` is ignored).
    pub fn save_greeting_template(
        &mut self,
        mut t: GreetingTemplate,
    ) -> Result<GreetingTemplate, StoreError> {
        t.language = t.language.trim().to_ascii_lowercase();
        t.text = t.text.trim().replace("\r\n", "\n");
        let mut errs = Vec::new();
        if t.text.is_empty() {
            errs.push(FieldError::new("text", "required"));
        } else if too_long(&t.text, MAX_TEMPLATE_CHARS) {
            errs.push(
                FieldError::new("text", "too_long").with("max", MAX_TEMPLATE_CHARS.to_string()),
            );
        }
        let old = self
            .greeting_templates()?
            .into_iter()
            .find(|x| x.language == t.language);
        let Some(old) = old else {
            errs.push(FieldError::new("language", "language_invalid"));
            return Err(StoreError::Validation(errs));
        };
        if !errs.is_empty() {
            return Err(StoreError::Validation(errs));
        }
        let new = GreetingTemplate {
            text: t.text,
            ..old.clone()
        };
        if new == old {
            return Ok(new);
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE greeting_templates SET text = ?2 WHERE id = ?1",
            params![new.id, new.text],
        )?;
        let f = json!({ "text": new.text }).to_string();
        log_change(
            &tx,
            &mut self.hlc,
            "greeting_templates",
            &new.id,
            "update",
            &f,
        )?;
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        Ok(new)
    }

    // ---- reminder settings -------------------------------------------------------------------

    pub fn reminder_settings(&self) -> Result<ReminderSettings, StoreError> {
        let mut s = ReminderSettings {
            birthday_days_before: 1,
            birthday_time: "09:00".into(),
            cyrillic_language: String::new(),
        };
        let mut st = self
            .conn
            .prepare_cached("SELECT key, value FROM settings WHERE key IN (?1, ?2, ?3)")?;
        let mut rows = st.query([DAYS_BEFORE_KEY, TIME_KEY, CYRILLIC_KEY])?;
        while let Some(r) = rows.next()? {
            let k: String = r.get(0)?;
            let v: String = r.get(1)?;
            match k.as_str() {
                DAYS_BEFORE_KEY => {
                    if let Ok(n) = v.parse::<u32>() {
                        s.birthday_days_before = n.min(MAX_BIRTHDAY_DAYS_BEFORE);
                    }
                }
                TIME_KEY => {
                    if today::parse_hhmm(&v).is_some() {
                        s.birthday_time = v;
                    }
                }
                _ => s.cyrillic_language = v,
            }
        }
        Ok(s)
    }

    /// Validates and saves the reminder settings (each changed key logged like the other settings).
    pub fn set_reminder_settings(
        &mut self,
        mut s: ReminderSettings,
    ) -> Result<ReminderSettings, StoreError> {
        let mut errs = Vec::new();
        if s.birthday_days_before > MAX_BIRTHDAY_DAYS_BEFORE {
            errs.push(
                FieldError::new("birthday_days_before", "days_invalid")
                    .with("max", MAX_BIRTHDAY_DAYS_BEFORE.to_string()),
            );
        }
        match today::parse_hhmm(&s.birthday_time) {
            Some(t) => s.birthday_time = t.format("%H:%M").to_string(),
            None => errs.push(FieldError::new("birthday_time", "time_invalid")),
        }
        s.cyrillic_language = s.cyrillic_language.trim().to_ascii_lowercase();
        if !["", "ru", "uk"].contains(&s.cyrillic_language.as_str()) {
            errs.push(FieldError::new("cyrillic_language", "language_invalid"));
        }
        if !errs.is_empty() {
            return Err(StoreError::Validation(errs));
        }
        let old = self.reminder_settings()?;
        let days = s.birthday_days_before.to_string();
        let old_days = old.birthday_days_before.to_string();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for (k, new, old) in [
            (DAYS_BEFORE_KEY, &days, &old_days),
            (TIME_KEY, &s.birthday_time, &old.birthday_time),
            (CYRILLIC_KEY, &s.cyrillic_language, &old.cyrillic_language),
        ] {
            if new != old {
                tx.execute(
                    "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
                    params![k, new],
                )?;
                let fields = json!({ "value": new }).to_string();
                log_change(&tx, &mut self.hlc, "settings", k, "update", &fields)?;
            }
        }
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        Ok(s)
    }

    // ---- demo activity -----------------------------------------------------------------------

    /// Demo activity sized for the demo base ([`crate::demo::activity::default_counts`]).
    pub fn load_demo_activity<Tz: TimeZone>(
        &mut self,
        now: &DateTime<Tz>,
    ) -> Result<(usize, usize), StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM clients WHERE is_demo = 1 AND deleted_at IS NULL",
            [],
            |r| r.get(0),
        )?;
        let (tasks, interactions) = crate::demo::activity::default_counts(n as usize);
        self.add_demo_activity(now, tasks, interactions)
    }

    /// Adds demo activity to the demo clients (see [`crate::demo::activity`]): `tasks` call and
    /// congratulate tasks around `now` (some overdue, some today, some ahead; a few repeating) and
    /// `interactions` past interactions. Everything logged, in one transaction. Returns the numbers
    /// written (0, 0 without demo clients).
    pub fn add_demo_activity<Tz: TimeZone>(
        &mut self,
        now: &DateTime<Tz>,
        tasks: usize,
        interactions: usize,
    ) -> Result<(usize, usize), StoreError> {
        let ids: Vec<String> = {
            let mut st = self.conn.prepare(
                "SELECT id FROM clients WHERE is_demo = 1 AND deleted_at IS NULL ORDER BY id",
            )?;
            let r = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
            r
        };
        if ids.is_empty() {
            return Ok((0, 0));
        }
        let tz = now.timezone();
        let plan = crate::demo::activity::plan(
            ids.len() as u64 ^ 0xAC71_0172,
            &ids,
            &tz,
            now.with_timezone(&Utc),
            tasks,
            interactions,
        );
        let stamp = self.now();
        let owner = self.owner_id();
        let new_tasks: Vec<StoredTask> = plan
            .tasks
            .iter()
            .map(|p| {
                let input = TaskInput {
                    client_id: Some(p.client_id.clone()),
                    kind: p.kind,
                    remind_offset_minutes: p.remind_offset_minutes,
                    repeat: p.repeat,
                    ..Default::default()
                };
                self.new_task(input, p.due, &tz)
            })
            .collect();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut last: std::collections::HashMap<&str, &str> = Default::default();
        for p in &plan.interactions {
            let i = Interaction {
                id: new_id(),
                client_id: p.client_id.clone(),
                contact_id: None,
                at: p.at.clone(),
                kind_id: p.kind_id.to_owned(),
                outcome_id: p.outcome_id.map(str::to_owned),
                channel: p.channel,
                note: String::new(),
                next_step: String::new(),
                greets_year: None,
                owner: owner.clone(),
                created_at: stamp.clone(),
                deleted_at: None,
            };
            tx.prepare_cached(
                "INSERT INTO interactions (id, client_id, at, kind_id, outcome_id, channel, owner, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                i.id,
                i.client_id,
                i.at,
                i.kind_id,
                i.outcome_id,
                i.channel.map(channel_str),
                i.owner,
                i.created_at
            ])?;
            log_change(
                &tx,
                &mut self.hlc,
                "interactions",
                &i.id,
                "insert",
                &interaction_cols(&i).to_string(),
            )?;
            let e = last.entry(p.client_id.as_str()).or_insert(p.at.as_str());
            if *e < p.at.as_str() {
                *e = p.at.as_str();
            }
        }
        {
            let mut st = tx.prepare(
                "UPDATE clients SET last_contact_at = ?2 WHERE id = ?1 AND (last_contact_at IS NULL OR last_contact_at < ?2)",
            )?;
            for (id, at) in &last {
                st.execute(params![id, at])?;
            }
        }
        for t in &new_tasks {
            insert_task(&tx, &mut self.hlc, t)?;
        }
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        Ok((plan.tasks.len(), plan.interactions.len()))
    }

    /// Removes the tasks and interactions of the demo clients (each logged as a delete). `clear_demo`
    /// does the same inside its own transaction through [`delete_demo_activity`].
    pub fn clear_demo_activity(&mut self) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        delete_demo_activity(&tx, &mut self.hlc)?;
        tx.execute(
            "UPDATE clients SET last_contact_at = NULL WHERE is_demo = 1 AND last_contact_at IS NOT NULL",
            [],
        )?;
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        Ok(())
    }
}

/// For clearing demo data: logs a delete for every task and interaction of the demo clients and
/// removes them, in the caller's transaction (call before the demo clients are deleted; the foreign
/// keys would cascade, but unlogged).
pub(crate) fn delete_demo_activity(tx: &Transaction<'_>, hlc: &mut Hlc) -> Result<(), StoreError> {
    for table in ["tasks", "interactions"] {
        let ids: Vec<String> = {
            let mut st = tx.prepare(&format!(
                "SELECT id FROM {table} WHERE client_id IN (SELECT id FROM clients WHERE is_demo = 1)"
            ))?;
            let r = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
            r
        };
        for id in &ids {
            log_change(tx, hlc, table, id, "delete", "{}")?;
        }
        tx.execute(
            &format!(
                "DELETE FROM {table} WHERE client_id IN (SELECT id FROM clients WHERE is_demo = 1)"
            ),
            [],
        )?;
    }
    Ok(())
}
