//! Push: a device's changes checked, merged by `clientbase_sync`'s shared merge and logged, one
//! transaction per push or per group of pushes (group commit).

use super::conflicts::{add_conflict, conflict_whole_change};
use super::login::Who;
use super::rows::{bump_version, LogWriter, RowCache, RowKey};
use super::{now_ms, Service, Session};
use crate::db::{tx, Conn, Mode};
use crate::error::ServerError;
use clientbase_sync::{
    check_change, merge_change, reasons, table_spec, Change, ChangeResult, EntryBody, Outcome,
    PushRequest, PushResponse,
};
use serde_json::Value;

impl Service {
    /// [`Service::push`] authenticated by an access token in the same transaction (one
    /// transaction per request).
    pub fn push_token(&self, token: &str, req: &PushRequest) -> Result<PushResponse, ServerError> {
        self.push_who(Who::Token(token), req)
    }

    pub fn push(&self, s: &Session, req: &PushRequest) -> Result<PushResponse, ServerError> {
        self.push_who(Who::Session(s), req)
    }

    /// Whether `s` may write `ch` (whose row is `row`): managers and admins write everything, a rep
    /// only rows of clients they own (a new client is theirs). Company-wide tables are open to all.
    fn may_write(
        &self,
        c: &mut dyn Conn,
        cache: &mut RowCache,
        s: &Session,
        ch: &Change,
        client_id: Option<&str>,
    ) -> Result<bool, ServerError> {
        if s.role.sees_all() {
            return Ok(true);
        }
        let Some(spec) = table_spec(&ch.table) else {
            return Ok(false);
        };
        let Some(col) = spec.client_column else {
            return Ok(true);
        };
        let row = cache.get(c, &ch.table, &ch.row_id)?;
        if col == "id" {
            return Ok(!row.exists || row.owner.as_deref() == Some(s.user_id.as_str()));
        }
        let old_client = row.client_id.clone();
        let mut clients: Vec<String> = old_client.into_iter().collect();
        clients.extend(client_id.map(str::to_owned));
        if clients.is_empty() {
            return Ok(false);
        }
        for cid in clients {
            let cl = cache.get(c, "clients", &cid)?;
            if !cl.exists || cl.owner.as_deref() != Some(s.user_id.as_str()) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Applies a device's changes in one transaction. Idempotent by (device, seq): changes at or
    /// below the device's `last_seq` answer `superseded` and change nothing; a change after a gap
    /// is `rejected` (`seq_gap`) and not consumed. Every other change is consumed, applied or not.
    fn push_who(&self, who: Who<'_>, req: &PushRequest) -> Result<PushResponse, ServerError> {
        self.check_push_size(req)?;
        let now = now_ms();
        let (results, last_seq) = tx(self.backend(), Mode::Write, |c| {
            self.push_in(c, who, req, now)
        })?;
        Ok(self.push_response(results, last_seq, now))
    }

    fn check_push_size(&self, req: &PushRequest) -> Result<(), ServerError> {
        if req.changes.len() > self.cfg.max_push {
            return Err(ServerError::BadRequest(format!(
                "at most {} changes per push",
                self.cfg.max_push
            )));
        }
        Ok(())
    }

    fn push_response(&self, results: Vec<ChangeResult>, last_seq: u64, now: i64) -> PushResponse {
        PushResponse {
            results,
            last_seq,
            epoch: self.epoch.clone(),
            server_time_ms: now,
        }
    }

    /// Group commit: several devices' pushes (access token, request) in ONE write transaction, each
    /// inside its own savepoint, answered one by one exactly as [`Service::push_token`] would (a
    /// push that fails — bad token, too many changes, a database error in its statements — is
    /// rolled back to its savepoint and answered with its error; the others commit). Each push
    /// still bumps its company's version first, so versions follow commit order, and the per-device
    /// seq rules (idempotence, gap rejection) are unchanged: they read the device's `last_seq`
    /// inside the transaction, after the earlier pushes of the group. If the commit itself fails,
    /// every push gets that error and nothing of the group is stored.
    pub fn push_group(
        &self,
        jobs: &[(&str, &PushRequest)],
    ) -> Vec<Result<PushResponse, ServerError>> {
        if let [(token, req)] = jobs {
            // Alone, the transaction itself is the push's rollback unit: no savepoint (whose
            // sub-journal copies every page the push touches first).
            return vec![self.push_token(token, req)];
        }
        let now = now_ms();
        let mut out: Vec<Result<PushResponse, ServerError>> = Vec::with_capacity(jobs.len());
        let r = self.backend().run(Mode::Write, &mut |c| {
            out.clear();
            // One statement per push for its savepoint: the previous push's is released (or, after
            // a failure, already rolled back to) as the next one's is set; COMMIT releases the last.
            let mut open = false;
            for (token, req) in jobs {
                if let Err(e) = self.check_push_size(req) {
                    out.push(Err(e));
                    continue;
                }
                c.batch(if open {
                    "RELEASE SAVEPOINT push; SAVEPOINT push"
                } else {
                    "SAVEPOINT push"
                })?;
                open = true;
                match self.push_in(c, Who::Token(token), req, now) {
                    Ok((results, last_seq)) => {
                        out.push(Ok(self.push_response(results, last_seq, now)));
                    }
                    Err(e) => {
                        c.batch("ROLLBACK TO SAVEPOINT push")?;
                        out.push(Err(e));
                    }
                }
            }
            Ok(())
        });
        match r {
            Ok(()) => out,
            Err(e) => {
                let msg = match e {
                    ServerError::Db(m) => m,
                    other => other.to_string(),
                };
                jobs.iter()
                    .map(|_| Err(ServerError::Db(msg.clone())))
                    .collect()
            }
        }
    }

    /// One push inside the caller's write transaction: (results, the device's last seq).
    fn push_in(
        &self,
        c: &mut dyn Conn,
        who: Who<'_>,
        req: &PushRequest,
        now: i64,
    ) -> Result<(Vec<ChangeResult>, u64), ServerError> {
        {
            let s = &self.resolve(c, who)?;
            let version = bump_version(c, &s.company_id)?;
            // Read after taking the company's version lock: a push of the same device committed
            // meanwhile (another server process) is seen, so a repeat stays a repeat.
            let mut last_seq = c
                .query_one(
                    "SELECT last_seq FROM devices WHERE id = $1",
                    &[s.device_id.as_str().into()],
                )?
                .map_or(0, |r| r.int(0).max(0) as u64);
            let mut cache = RowCache::new(&s.company_id);
            let mut log = LogWriter::new(&s.company_id, version);
            // The rows the batch names and their clients, then the clients of stored child rows.
            let mut keys: Vec<RowKey> = Vec::with_capacity(req.changes.len() * 2);
            for ch in &req.changes {
                keys.push((ch.table.clone(), ch.row_id.clone()));
                if let Some(col) = table_spec(&ch.table).and_then(|t| t.client_column) {
                    if let Some(cid) = ch.fields.get(col).and_then(Value::as_str) {
                        keys.push(("clients".to_owned(), cid.to_owned()));
                    }
                }
            }
            cache.prefetch(c, &keys)?;
            let parents: Vec<RowKey> = cache
                .rows
                .values()
                .filter_map(|l| l.client_id.clone())
                .map(|cid| ("clients".to_owned(), cid))
                .collect();
            cache.prefetch(c, &parents)?;
            let mut results = Vec::with_capacity(req.changes.len());
            for ch in &req.changes {
                let (outcome, reason) = if ch.seq <= last_seq {
                    (Outcome::Superseded, None)
                } else if ch.seq != last_seq + 1 {
                    (Outcome::Rejected, Some(reasons::SEQ_GAP))
                } else {
                    last_seq = ch.seq;
                    self.apply(c, s, &mut cache, &mut log, ch, now)?
                };
                results.push(ChangeResult {
                    seq: ch.seq,
                    outcome,
                    reason: reason.map(str::to_owned),
                });
            }
            cache.flush(c)?;
            log.flush(c, &mut cache)?;
            c.exec(
                "UPDATE devices SET last_seq = $1 WHERE id = $2",
                &[last_seq.into(), s.device_id.as_str().into()],
            )?;
            Ok((results, last_seq))
        }
    }

    /// One consumed change: checks, visibility, the shared merge, the conflict log, the pull log.
    fn apply(
        &self,
        c: &mut dyn Conn,
        s: &Session,
        cache: &mut RowCache,
        log: &mut LogWriter,
        ch: &Change,
        now: i64,
    ) -> Result<(Outcome, Option<&'static str>), ServerError> {
        if ch.device_id != s.device_id {
            conflict_whole_change(log, s, ch, None, reasons::WRONG_DEVICE)?;
            return Ok((Outcome::Rejected, Some(reasons::WRONG_DEVICE)));
        }
        if let Err(reason) = check_change(ch, now) {
            conflict_whole_change(log, s, ch, None, reason)?;
            return Ok((Outcome::Rejected, Some(reason)));
        }
        let spec = table_spec(&ch.table).expect("checked by check_change");
        let is_client = spec.client_column == Some("id");
        // The client the row belongs to after this change.
        let named_client = match spec.client_column {
            Some("id") => Some(ch.row_id.clone()),
            Some(col) => ch
                .fields
                .get(col)
                .and_then(Value::as_str)
                .map(str::to_owned),
            None => None,
        };
        if !self.may_write(c, cache, s, ch, named_client.as_deref())? {
            let stored = cache.get(c, &ch.table, &ch.row_id)?.client_id.clone();
            conflict_whole_change(
                log,
                s,
                ch,
                stored.as_deref().or(named_client.as_deref()),
                reasons::NOT_VISIBLE,
            )?;
            return Ok((Outcome::Rejected, Some(reasons::NOT_VISIBLE)));
        }
        // A rep cannot give a client away: `owner` changes only through a reassignment.
        let mut ch = std::borrow::Cow::Borrowed(ch);
        if is_client && !s.role.sees_all() {
            if let Some(v) = ch.fields.get("owner") {
                if v.as_str() != Some(s.user_id.as_str()) {
                    let v = v.clone();
                    add_conflict(
                        log,
                        s,
                        &ch.table,
                        &ch.row_id,
                        Some(&ch.row_id),
                        "owner",
                        &v,
                        &ch.hlc,
                        None,
                        reasons::NOT_VISIBLE,
                    )?;
                    ch.to_mut().fields.remove("owner");
                }
            }
        }
        let row = cache.get(c, &ch.table, &ch.row_id)?;
        let merged = merge_change(&mut row.state, &ch, spec.kind);
        if merged.outcome == Outcome::Rejected {
            let reason = merged.reason.unwrap_or(reasons::MALFORMED);
            conflict_whole_change(log, s, &ch, row.client_id.clone().as_deref(), reason)?;
            return Ok((Outcome::Rejected, Some(reason)));
        }
        if merged.outcome == Outcome::Applied {
            row.dirty = true;
            row.exists = true;
            if spec.client_column.is_some() {
                if let Some(cid) = &named_client {
                    row.client_id = Some(cid.clone());
                }
            }
        }
        let client_id = row.client_id.clone();
        let row_deleted = row.state.deleted;
        let lost = merged.lost.iter().map(|l| (l, "lost"));
        for (l, reason) in lost.chain(merged.replaced.iter().map(|l| (l, "overwritten"))) {
            add_conflict(
                log,
                s,
                &ch.table,
                &ch.row_id,
                client_id.as_deref(),
                &l.field,
                &l.value,
                &l.clock,
                Some(&l.winner_clock),
                reason,
            )?;
        }
        if merged.while_deleted {
            for f in &merged.won {
                let v = ch.fields.get(f).cloned().unwrap_or(Value::Null);
                add_conflict(
                    log,
                    s,
                    &ch.table,
                    &ch.row_id,
                    client_id.as_deref(),
                    f,
                    &v,
                    &ch.hlc,
                    row.state.life.clone().as_deref(),
                    "edited_while_deleted",
                )?;
            }
        }
        if merged.outcome == Outcome::Applied {
            log.add(
                client_id.as_deref(),
                None,
                &EntryBody::Change {
                    change: ch.clone().into_owned(),
                },
            )?;
        }
        // Every client has an owner: a new client is its writer's.
        if is_client {
            let row = cache.get(c, &ch.table, &ch.row_id)?;
            let owner_ok = match row.state.fields.get("owner").and_then(Value::as_str) {
                Some(o) if !o.is_empty() => s.role.sees_all() || o == s.user_id,
                _ => false,
            };
            if row.exists && !owner_ok && !row_deleted {
                let above = row.state.clocks.get("owner").cloned();
                self.server_write(
                    c,
                    cache,
                    log,
                    "clients",
                    &ch.row_id,
                    "owner",
                    Value::String(s.user_id.clone()),
                    above.as_deref(),
                )?;
            }
            let row = cache.get(c, &ch.table, &ch.row_id)?;
            row.owner_from_fields();
            row.client_id = Some(ch.row_id.clone());
        }
        Ok((merged.outcome, None))
    }
}
