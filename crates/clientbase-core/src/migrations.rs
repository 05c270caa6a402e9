//! Schema migrations, embedded in the binary. `PRAGMA user_version` holds the number of applied
//! migrations; [`migrate`] applies the pending ones in ONE transaction at open and refuses a database
//! written by a newer binary ([`StoreError::SchemaTooNew`]). Never edit an applied migration: append.

use crate::error::StoreError;
use rusqlite::Connection;

/// Migration `i` (0-based) moves the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/0001_init.sql"),
    include_str!("../../../migrations/0002_client_keys.sql"),
    include_str!("../../../migrations/0003_search_notes.sql"),
    include_str!("../../../migrations/0004_client_flags_index.sql"),
    include_str!("../../../migrations/0005_name_order.sql"),
    include_str!("../../../migrations/0006_interactions_tasks.sql"),
    include_str!("../../../migrations/0007_activity_indexes.sql"),
    include_str!("../../../migrations/0008_orders.sql"),
    include_str!("../../../migrations/0009_sync.sql"),
];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub fn schema_version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Applies pending migrations; returns the version the file had before (0 for a new file).
pub fn migrate(conn: &mut Connection) -> Result<i64, StoreError> {
    let found = schema_version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found == SCHEMA_VERSION {
        return Ok(found);
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // Re-read under the write lock: another process may have migrated meanwhile.
    let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for sql in &MIGRATIONS[found as usize..] {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(found)
}
