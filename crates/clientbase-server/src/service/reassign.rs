//! Reassignment: every client of one user handed to another in one transaction.

use super::rows::{bump_version, loaded_of, LogWriter, RowCache};
use super::Service;
use crate::db::{tx, Mode};
use crate::error::ServerError;
use clientbase_sync::{image_of_state, EntryBody, Role, RowImage};
use serde_json::Value;

impl Service {
    /// Hands every client of `from` to `to` in one transaction: the owner change (a server write),
    /// a removal for `from` and a snapshot of each client with its rows for `to` (reps only:
    /// managers see everything anyway). Returns (clients, version).
    pub fn reassign(
        &self,
        company_id: &str,
        from: &str,
        to: &str,
    ) -> Result<(u64, u64), ServerError> {
        let users = self.users(company_id)?;
        let find = |id: &str| users.iter().find(|u| u.id == id || u.login == id).cloned();
        let from_u = find(from).ok_or_else(|| ServerError::NotFound(format!("user {from:?}")))?;
        let to_u = find(to).ok_or_else(|| ServerError::NotFound(format!("user {to:?}")))?;
        if to_u.disabled {
            return Err(ServerError::BadRequest(
                "cannot hand clients to a disabled user".into(),
            ));
        }
        if from_u.id == to_u.id {
            return Err(ServerError::BadRequest(
                "from and to are the same user".into(),
            ));
        }
        tx(self.backend(), Mode::Write, |c| {
            let version = bump_version(c, company_id)?;
            let mut log = LogWriter::new(company_id, version);
            let mut cache = RowCache::new(company_id);
            let ids: Vec<String> = c
                .query(
                    "SELECT row_id FROM rows WHERE company_id = $1 AND tbl = 'clients' AND owner = $2 ORDER BY row_id",
                    &[company_id.into(), from_u.id.as_str().into()],
                )?
                .iter()
                .map(|r| r.text(0))
                .collect();
            // The history of those clients now belongs to the new owner's pulls.
            c.exec(
                "UPDATE log SET audience = $1 WHERE company_id = $2 AND audience = $3 AND target_user IS NULL",
                &[to_u.id.as_str().into(), company_id.into(), from_u.id.as_str().into()],
            )?;
            for id in &ids {
                let above = cache
                    .get(c, "clients", id)?
                    .state
                    .clocks
                    .get("owner")
                    .cloned();
                self.server_write(
                    c,
                    &mut cache,
                    &mut log,
                    "clients",
                    id,
                    "owner",
                    Value::String(to_u.id.clone()),
                    above.as_deref(),
                )?;
                if from_u.role == Role::Rep {
                    log.add(
                        Some(id),
                        Some(&from_u.id),
                        &EntryBody::Remove {
                            table: "clients".into(),
                            row_id: id.clone(),
                        },
                    )?;
                }
                if to_u.role == Role::Rep {
                    let client = cache.get(c, "clients", id)?;
                    let img = image_of_state("clients", id, &client.state);
                    log.add(Some(id), Some(&to_u.id), &EntryBody::Row { row: img })?;
                    let children = c.query(
                        "SELECT tbl, row_id, client_id, owner, fields, clocks, life, deleted FROM rows \
                         WHERE company_id = $1 AND client_id = $2 AND tbl <> 'clients' ORDER BY tbl, row_id",
                        &[company_id.into(), id.as_str().into()],
                    )?;
                    let mut images: Vec<RowImage> = Vec::with_capacity(children.len());
                    for ch in &children {
                        let l = loaded_of(ch, 2)?;
                        images.push(image_of_state(&ch.text(0), &ch.text(1), &l.state));
                    }
                    // Parents before children, in the protocol's table order.
                    let order = |t: &str| {
                        clientbase_sync::SYNCED_TABLES
                            .iter()
                            .position(|s| s.name == t)
                            .unwrap_or(usize::MAX)
                    };
                    images.sort_by_key(|i| order(&i.table));
                    for img in images {
                        log.add(Some(id), Some(&to_u.id), &EntryBody::Row { row: img })?;
                    }
                }
            }
            cache.flush(c)?;
            log.flush(c, &mut cache)?;
            Ok((ids.len() as u64, version as u64))
        })
    }
}
