//! The conflict log: its entries, written by pushes, and read newest first.

use super::rows::LogWriter;
use super::{new_id, now_ms, Service, Session};
use crate::db::{tx, Mode};
use crate::error::ServerError;
use clientbase_sync::Change;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One entry of the conflict log (`GET /v1/conflicts`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub id: String,
    pub at_ms: i64,
    pub user_id: String,
    pub device_id: String,
    pub table: String,
    pub row_id: String,
    pub client_id: Option<String>,
    pub field: String,
    pub value: Value,
    pub clock: String,
    pub winner_clock: Option<String>,
    /// `lost` (an older write arrived after a newer one), `overwritten` (another device's value was
    /// replaced by a later write), `edited_while_deleted`, or a rejection reason (`not_visible`,
    /// `clock_skew`, …).
    pub reason: String,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn add_conflict(
    log: &mut LogWriter,
    s: &Session,
    tbl: &str,
    row_id: &str,
    client_id: Option<&str>,
    field: &str,
    value: &Value,
    clock: &str,
    winner: Option<&str>,
    reason: &str,
) -> Result<(), ServerError> {
    log.conflicts.push(vec![
        new_id().into(),
        s.company_id.as_str().into(),
        now_ms().into(),
        s.user_id.as_str().into(),
        s.device_id.as_str().into(),
        tbl.into(),
        row_id.into(),
        client_id.into(),
        field.into(),
        serde_json::to_string(value)?.into(),
        clock.into(),
        winner.into(),
        reason.into(),
    ]);
    Ok(())
}

/// Logs every field of a rejected change (or `*` = the op for a change without fields).
pub(super) fn conflict_whole_change(
    log: &mut LogWriter,
    s: &Session,
    ch: &Change,
    client_id: Option<&str>,
    reason: &str,
) -> Result<(), ServerError> {
    if ch.fields.is_empty() {
        return add_conflict(
            log,
            s,
            &ch.table,
            &ch.row_id,
            client_id,
            "*",
            &Value::String(ch.op.as_str().into()),
            &ch.hlc,
            None,
            reason,
        );
    }
    for (f, v) in &ch.fields {
        add_conflict(
            log, s, &ch.table, &ch.row_id, client_id, f, v, &ch.hlc, None, reason,
        )?;
    }
    Ok(())
}

impl Service {
    /// The conflict log, newest first, `limit` entries before `before` (an id) if given.
    pub fn conflicts(
        &self,
        company_id: &str,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Conflict>, ServerError> {
        let before = before.unwrap_or("\u{10FFFF}").to_owned();
        tx(self.backend(), Mode::Read, |c| {
            c.query(
                "SELECT id, at_ms, user_id, device_id, tbl, row_id, client_id, field, value, clock, winner_clock, reason \
                 FROM conflicts WHERE company_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
                &[company_id.into(), before.as_str().into(), i64::from(limit.clamp(1, 1000)).into()],
            )?
            .iter()
            .map(|r| {
                Ok(Conflict {
                    id: r.text(0),
                    at_ms: r.int(1),
                    user_id: r.text(2),
                    device_id: r.text(3),
                    table: r.text(4),
                    row_id: r.text(5),
                    client_id: r.opt_text(6),
                    field: r.text(7),
                    value: serde_json::from_str(&r.text(8))?,
                    clock: r.text(9),
                    winner_clock: r.opt_text(10),
                    reason: r.text(11),
                })
            })
            .collect()
        })
    }
}
