//! The server's own hybrid logical clock and the changes the server originates (a new client's
//! owner, reassignment).

use super::rows::{LogWriter, RowCache};
use super::{now_ms, Service};
use crate::db::Conn;
use crate::error::ServerError;
use clientbase_sync::{
    clock_ms, merge_change, table_spec, Change, EntryBody, Op, TableKind, SERVER_DEVICE,
};
use serde_json::{Map, Value};

/// The server's own hybrid logical clock, for the changes it originates (a new client's owner,
/// reassignment). Its device part is [`SERVER_DEVICE`].
#[derive(Debug, Default)]
pub(super) struct ServerClock {
    last: (i64, u32),
}

impl ServerClock {
    /// A clock later than the wall clock, every clock it gave before, and `above`.
    fn tick(&mut self, above: Option<&str>) -> String {
        let mut next = (now_ms(), 0u32).max((self.last.0, self.last.1 + 1));
        if let Some(a) = above {
            if let Some(ms) = clock_ms(a) {
                let ctr: u32 = a.get(16..21).and_then(|s| s.parse().ok()).unwrap_or(0);
                next = next.max((ms, ctr + 1));
            }
        }
        if next.1 > 99_999 {
            next = (next.0 + 1, 0);
        }
        self.last = next;
        format!("{:015}-{:05}-{}", next.0, next.1, SERVER_DEVICE)
    }
}

impl Service {
    fn tick(&self, above: Option<&str>) -> String {
        self.clock
            .lock()
            .map(|mut c| c.tick(above))
            .unwrap_or_default()
    }

    /// A change the server originates (device [`SERVER_DEVICE`], seq 0), merged and logged.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn server_write(
        &self,
        c: &mut dyn Conn,
        cache: &mut RowCache,
        log: &mut LogWriter,
        tbl: &str,
        row_id: &str,
        field: &str,
        value: Value,
        above: Option<&str>,
    ) -> Result<Change, ServerError> {
        let mut fields = Map::new();
        fields.insert(field.to_owned(), value);
        let change = Change {
            device_id: SERVER_DEVICE.to_owned(),
            seq: 0,
            hlc: self.tick(above),
            table: tbl.to_owned(),
            row_id: row_id.to_owned(),
            op: Op::Update,
            fields,
        };
        let kind = table_spec(tbl).map_or(TableKind::Mergeable, |t| t.kind);
        let row = cache.get(c, tbl, row_id)?;
        merge_change(&mut row.state, &change, kind);
        row.dirty = true;
        if tbl == "clients" {
            row.owner_from_fields();
        }
        let client_id = row.client_id.clone();
        log.add(
            client_id.as_deref(),
            None,
            &EntryBody::Change {
                change: change.clone(),
            },
        )?;
        Ok(change)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_clock_is_monotonic_and_beats_above() {
        let mut c = ServerClock::default();
        let a = c.tick(None);
        let b = c.tick(None);
        assert!(b > a);
        let future = format!("{:015}-00007-zzzz", now_ms() + 60_000);
        let d = c.tick(Some(&future));
        assert!(d > future, "{d} > {future}");
        assert!(d.ends_with(SERVER_DEVICE));
        assert_eq!(clock_ms(&d), clock_ms(&future));
    }
}
