//! Pull: pages of the change stream as a session may see it (read by the log's `audience`),
//! refetched rows, and the page's JSON spliced from the stored entry bodies.

use super::login::Who;
use super::rows::{load_row, Loaded};
use super::{Service, Session};
use crate::db::{tx, Conn, Mode, Row};
use crate::error::ServerError;
use clientbase_sync::{
    image_of_state, table_spec, Cursor, Entry, EntryBody, PullRequest, PullResponse,
};

/// A pull page as read: refetched rows, then the log's entries as stored (version, body JSON).
struct Page {
    refetched: Vec<Entry>,
    logged: Vec<(u64, String)>,
    cursor: Cursor,
    more: bool,
    head: u64,
}

impl Page {
    fn response(self) -> Result<PullResponse, ServerError> {
        let mut entries = self.refetched;
        entries.reserve(self.logged.len());
        for (version, body) in self.logged {
            entries.push(Entry {
                version,
                body: serde_json::from_str(&body)?,
            });
        }
        Ok(PullResponse {
            entries,
            cursor: self.cursor,
            more: self.more,
            head: self.head,
        })
    }

    /// The JSON of [`Page::response`]. An [`Entry`] is its version beside its body's fields
    /// (`#[serde(flatten)]`), so a stored body `{"kind":…}` becomes `{"version":N,"kind":…}` by
    /// splicing: most of a pull's time was parsing and re-serialising bodies that pass unchanged.
    fn json(self) -> Result<String, ServerError> {
        let logged: usize = self.logged.iter().map(|(_, b)| b.len() + 24).sum();
        let mut out = String::with_capacity(logged + 256);
        out.push_str("{\"entries\":[");
        let mut first = true;
        for e in &self.refetched {
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(&serde_json::to_string(e)?);
        }
        for (version, body) in &self.logged {
            let Some(fields) = body.strip_prefix('{').filter(|f| f.len() > 1) else {
                return Err(ServerError::Db(format!(
                    "stored entry is not an object: {body}"
                )));
            };
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str("{\"version\":");
            out.push_str(&version.to_string());
            out.push(',');
            out.push_str(fields);
        }
        out.push_str("],\"cursor\":");
        out.push_str(&serde_json::to_string(&self.cursor)?);
        out.push_str(",\"more\":");
        out.push_str(if self.more { "true" } else { "false" });
        out.push_str(",\"head\":");
        out.push_str(&self.head.to_string());
        out.push('}');
        Ok(out)
    }
}

impl Service {
    /// [`Service::pull`] authenticated by an access token in the same transaction.
    pub fn pull_token(&self, token: &str, req: &PullRequest) -> Result<PullResponse, ServerError> {
        self.pull_who(Who::Token(token), req)?.response()
    }

    /// [`Service::pull_token`] as the JSON of its [`PullResponse`], with the stored entries copied
    /// into it as they are (no parse and re-serialisation per entry).
    pub fn pull_token_json(&self, token: &str, req: &PullRequest) -> Result<String, ServerError> {
        self.pull_who(Who::Token(token), req)?.json()
    }

    pub fn pull(&self, s: &Session, req: &PullRequest) -> Result<PullResponse, ServerError> {
        self.pull_who(Who::Session(s), req)?.response()
    }

    /// Log entries after `(after_v, after_idx)` up to version `upper` visible to `s`.
    fn fetch(
        &self,
        c: &mut dyn Conn,
        s: &Session,
        after_v: i64,
        after_idx: i64,
        upper: i64,
        limit: i64,
    ) -> Result<Vec<Row>, ServerError> {
        if s.role.sees_all() {
            c.query(
                "SELECT version, idx, body FROM log WHERE company_id = $1 AND (version > $2 OR (version = $2 AND idx > $3)) \
                 AND version <= $4 AND target_user IS NULL ORDER BY version, idx LIMIT $5",
                &[s.company_id.as_str().into(), after_v.into(), after_idx.into(), upper.into(), limit.into()],
            )
        } else {
            c.query(
                "SELECT version, idx, body FROM log WHERE company_id = $1 AND (version > $2 OR (version = $2 AND idx > $3)) \
                 AND version <= $4 AND audience IN ($5, '*') ORDER BY version, idx LIMIT $6",
                &[
                    s.company_id.as_str().into(),
                    after_v.into(),
                    after_idx.into(),
                    upper.into(),
                    s.user_id.as_str().into(),
                    limit.into(),
                ],
            )
        }
    }

    /// The owner of the client a row belongs to (`None`: company-wide row).
    fn visible(
        &self,
        c: &mut dyn Conn,
        s: &Session,
        row: &Loaded,
        tbl: &str,
    ) -> Result<bool, ServerError> {
        if s.role.sees_all() || table_spec(tbl).is_some_and(|t| t.client_column.is_none()) {
            return Ok(true);
        }
        let Some(cid) = &row.client_id else {
            return Ok(false);
        };
        let owner = if tbl == "clients" {
            row.owner.clone()
        } else {
            load_row(c, &s.company_id, "clients", cid)?.owner
        };
        Ok(owner.as_deref() == Some(s.user_id.as_str()))
    }

    /// A page of the change stream after the cursor, as `s` may see it. Pages never split a
    /// version; the cursor moves to the head when nothing visible is left.
    fn pull_who(&self, who: Who<'_>, req: &PullRequest) -> Result<Page, ServerError> {
        let (from, other_epoch) = match &req.cursor {
            Some(cur) if !cur.epoch.is_empty() => (cur.version as i64, cur.epoch != self.epoch),
            _ => (0, false),
        };
        let limit = req.limit.clamp(1, self.cfg.max_pull_limit) as usize;
        // With a read replica, the token is checked on the primary (a token issued a moment ago
        // may not have reached the replica yet) and the page is read from the replica.
        let session;
        let who = match who {
            Who::Token(t) if self.backend().has_replica() => {
                session = self.authenticate(t)?;
                Who::Session(&session)
            }
            w => w,
        };
        tx(self.backend(), Mode::Replica, |c| {
            let s = &self.resolve(c, who)?;
            if other_epoch {
                return Err(ServerError::EpochChanged);
            }
            let head = c
                .query_one(
                    "SELECT version FROM companies WHERE id = $1",
                    &[s.company_id.as_str().into()],
                )?
                .map_or(0, |r| r.int(0));
            let mut entries = Vec::new();
            for r in &req.refetch {
                let Some(spec) = table_spec(&r.table) else {
                    continue;
                };
                let row = load_row(c, &s.company_id, &r.table, &r.row_id)?;
                let body = if row.exists && self.visible(c, s, &row, &r.table)? {
                    EntryBody::Reset {
                        row: image_of_state(&r.table, &r.row_id, &row.state),
                    }
                } else if let (Some(cid), Some(_)) = (&row.client_id, spec.client_column) {
                    EntryBody::Remove {
                        table: "clients".into(),
                        row_id: cid.clone(),
                    }
                } else {
                    EntryBody::Remove {
                        table: r.table.clone(),
                        row_id: r.row_id.clone(),
                    }
                };
                entries.push(Entry {
                    version: from.max(0) as u64,
                    body,
                });
            }
            let mut rows = self.fetch(c, s, from, i64::MAX, head, limit as i64 + 1)?;
            let (cursor_v, more) = if rows.len() <= limit {
                // A replica behind the device's cursor (e.g. a lagging one after another) never
                // moves the cursor back.
                (head.max(from), false)
            } else {
                let extra_v = rows[limit].int(0);
                rows.truncate(limit);
                let last = rows
                    .last()
                    .map(|r| (r.int(0), r.int(1)))
                    .unwrap_or((from, i64::MAX));
                if extra_v == last.0 {
                    // Finish the version: a page never splits one.
                    let rest = self.fetch(c, s, last.0, last.1, last.0, i64::MAX)?;
                    rows.extend(rest);
                }
                let more = !self.fetch(c, s, last.0, i64::MAX, head, 1)?.is_empty();
                (if more { last.0 } else { head }, more)
            };
            let logged = rows
                .into_iter()
                .map(|r| (r.int(0) as u64, r.text(2)))
                .collect();
            Ok(Page {
                refetched: entries,
                logged,
                cursor: Cursor {
                    epoch: self.epoch.clone(),
                    version: cursor_v.max(0) as u64,
                },
                more,
                head: head.max(0) as u64,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::now_ms;
    use clientbase_sync::{Change, Op};
    use serde_json::Value;

    #[test]
    fn a_spliced_pull_page_is_the_serialised_response() {
        let change = Change {
            device_id: "dev-a".into(),
            seq: 7,
            hlc: format!("{:015}-00001-dev-a", now_ms()),
            table: "clients".into(),
            row_id: "c1".into(),
            op: Op::Update,
            fields: serde_json::json!({"first_name": "Ann \"Q\" ü", "owner": "u1"})
                .as_object()
                .cloned()
                .unwrap(),
        };
        let page = || Page {
            refetched: vec![Entry {
                version: 3,
                body: EntryBody::Remove {
                    table: "clients".into(),
                    row_id: "c9".into(),
                },
            }],
            logged: vec![
                (
                    4,
                    serde_json::to_string(&EntryBody::Change {
                        change: change.clone(),
                    })
                    .unwrap(),
                ),
                (
                    5,
                    serde_json::to_string(&EntryBody::Remove {
                        table: "clients".into(),
                        row_id: "c1".into(),
                    })
                    .unwrap(),
                ),
            ],
            cursor: Cursor {
                epoch: "e1".into(),
                version: 5,
            },
            more: true,
            head: 9,
        };
        let spliced: PullResponse = serde_json::from_str(&page().json().unwrap()).unwrap();
        let parsed = page().response().unwrap();
        assert_eq!(parsed.entries.len(), 3);
        assert_eq!(spliced, parsed);
        let empty = Page {
            refetched: vec![],
            logged: vec![],
            ..page()
        };
        let v: Value = serde_json::from_str(&empty.json().unwrap()).unwrap();
        assert_eq!(v["entries"], serde_json::json!([]));
        assert_eq!(v["more"], true);
    }
}
