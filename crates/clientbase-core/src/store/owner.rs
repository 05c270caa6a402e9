//! Who owns what this device writes.
//!
//! `owner` (on clients, tasks, interactions and orders) is the signed-in user's id while the device
//! is connected to a company server (`sync_state`), else this device's id: a base that never syncs
//! is all one rep's. When the device connects, the rows it owned as a device become the user's
//! ([`Store::adopt_device_rows`], logged like any edit so the server and the rep's other devices
//! learn it; interactions, insert-only, keep theirs); a reassignment on the server changes owners later. Reminders fire for the tasks the
//! user owns and for those this device created before connecting.

use super::{log_change, save_clock, Store};
use crate::error::StoreError;
use rusqlite::{Connection, OptionalExtension};

/// Tables whose `owner` a device adopts at login. Not `interactions`: they are insert-only for sync
/// (an update is refused), so one logged before the login keeps the device as its author.
const OWNED: [&str; 3] = ["clients", "tasks", "orders"];

/// The signed-in user's id, when this device is connected to a company server.
pub(crate) fn signed_in_user(conn: &Connection) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT json_extract(user_json, '$.id') FROM sync_state WHERE id = 1",
            [],
            |r| r.get::<_, Option<String>>(0),
        )
        .optional()?
        .flatten()
        .filter(|id| !id.is_empty()))
}

/// The owner recorded on new rows: the signed-in user, else `device`.
pub(crate) fn owner_of(conn: &Connection, device: &str) -> Result<String, StoreError> {
    Ok(signed_in_user(conn)?.unwrap_or_else(|| device.to_owned()))
}

impl Store {
    /// The owner recorded on new clients, tasks, interactions and orders (see the module doc).
    pub(crate) fn owner_id(&self) -> String {
        owner_of(&self.conn, self.hlc.device()).unwrap_or_else(|_| self.hlc.device().to_owned())
    }

    /// The owners whose reminders fire on this device: the signed-in user (if any) and the device
    /// itself (rows written before it connected).
    pub(crate) fn reminder_owners(&self) -> (String, String) {
        (self.owner_id(), self.hlc.device().to_owned())
    }

    /// After a login: every row this device owns as a device becomes the signed-in user's, in one
    /// transaction, each logged as an update of `owner`. Returns how many rows changed; 0 when not
    /// signed in.
    pub fn adopt_device_rows(&mut self) -> Result<usize, StoreError> {
        let Some(user) = signed_in_user(&self.conn)? else {
            return Ok(0);
        };
        let device = self.hlc.device().to_owned();
        if user == device {
            return Ok(0);
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let fields = serde_json::json!({ "owner": user }).to_string();
        let mut n = 0;
        for table in OWNED {
            let ids: Vec<String> = tx
                .prepare(&format!("SELECT id FROM {table} WHERE owner = ?1"))?
                .query_map([&device], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            tx.execute(
                &format!("UPDATE {table} SET owner = ?1 WHERE owner = ?2"),
                [&user, &device],
            )?;
            for id in &ids {
                log_change(&tx, &mut self.hlc, table, id, "update", &fields)?;
            }
            n += ids.len();
        }
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        Ok(n)
    }
}
