//! WAL checkpoints off the commit path.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its threshold (1,000 pages):
//! that one commit copies the WAL into the database and syncs it, which measured 24 ms on this
//! machine against 0.2 ms for an ordinary commit — a rep logging a call would hit it every few
//! hundred writes. So the store's own connection runs with `wal_autocheckpoint = 0` and a commit
//! hook that only counts and wakes this thread; the thread checkpoints (PASSIVE: it never blocks
//! the store's readers or writers) on a connection of its own once the writes pause for
//! [`IDLE`] or [`MAX_COMMITS`] commits have gathered. SQLite has no built-in "checkpoint in
//! another thread" mode, hence this small piece.
//!
//! Durability does not depend on it: with `synchronous = NORMAL` a committed transaction is in the
//! WAL, and the last connection to close (or the next open) checkpoints anyway.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{sync_channel, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

/// The pause in writes after which the gathered commits are checkpointed.
pub(crate) const IDLE: Duration = Duration::from_millis(500);
/// Commits after which a checkpoint runs even while writes continue (bounds the WAL's growth).
pub(crate) const MAX_COMMITS: u32 = 200;

/// Turns off the inline automatic checkpoint of `conn` (the store's connection for `path`) and
/// starts the thread that checkpoints behind it. The thread ends when `conn` is closed.
pub(crate) fn install(conn: &rusqlite::Connection, path: &str) -> rusqlite::Result<()> {
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    let (wake, rx) = sync_channel::<()>(1);
    let commits = Arc::new(AtomicU32::new(0));
    let counted = Arc::clone(&commits);
    let path = path.to_owned();
    let spawned = std::thread::Builder::new()
        .name("wal-checkpointer".into())
        .spawn(move || {
            // Wait for a first commit, then for a pause (or enough commits), then checkpoint.
            while rx.recv().is_ok() {
                loop {
                    if counted.load(Ordering::Relaxed) >= MAX_COMMITS {
                        break;
                    }
                    match rx.recv_timeout(IDLE) {
                        Ok(()) => continue,
                        Err(RecvTimeoutError::Timeout) => break,
                        // The store closed: closing its connection checkpointed already.
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
                counted.store(0, Ordering::Relaxed);
                checkpoint(&path, &counted);
            }
        });
    if spawned.is_err() {
        // No thread: fall back to SQLite's inline automatic checkpoint.
        conn.pragma_update(None, "wal_autocheckpoint", 1000)?;
        return Ok(());
    }
    conn.commit_hook(Some(move || {
        commits.fetch_add(1, Ordering::Relaxed);
        // Full channel = the thread is already awake: nothing to add.
        let _ = wake.try_send(());
        false // never veto the commit
    }));
    Ok(())
}

/// The connection's automatic checkpoint threshold (pages; 0 = off), to put back after a load that
/// turns it off for its commit.
pub(crate) fn autocheckpoint(conn: &rusqlite::Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
}

/// A PASSIVE checkpoint on a short-lived connection of its own. Errors are ignored: a checkpoint is
/// an optimisation (the next one, or the next open, does the work). `commits` counts the store's
/// commits since this round began.
fn checkpoint(path: &str, commits: &AtomicU32) {
    let flags =
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    // Never create a file: the base may have been moved or deleted since.
    if let Ok(conn) = rusqlite::Connection::open_with_flags(path, flags) {
        let _ = conn.busy_timeout(Duration::from_millis(100));
        let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        // A WAL grown past the limit (a big load's) is cut back now rather than at the next write:
        // another checkpointer (a load's own, `bulk::checkpoint_in_background`) may have found this
        // one busy and given up.
        // Not while the store is writing (a commit came during the PASSIVE pass, or a transaction
        // holds the write lock: no busy wait): TRUNCATE takes the write lock and copies what those
        // commits added, and the store's next transaction waited for it — 0.1–0.5 s per page of
        // a first sync, 1.7 s of 100k clients' (it used to wait up to 2 s for the writer). The store's own next WAL restart cuts the file back to
        // `journal_size_limit` anyway; this is only the idle store's early cut.
        let wal = std::fs::metadata(format!("{path}-wal")).map_or(0, |m| m.len());
        if wal > super::WAL_SIZE_LIMIT as u64 && commits.load(Ordering::Relaxed) == 0 {
            let _ = conn.busy_timeout(Duration::ZERO);
            let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// A WAL file over the limit, left by a connection that stays open (returned).
    fn big_wal(path: &str) -> rusqlite::Connection {
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        conn.execute_batch("CREATE TABLE t (b BLOB)").unwrap();
        let blob = vec![7u8; 1 << 20];
        for _ in 0..20 {
            conn.execute("INSERT INTO t VALUES (?1)", [&blob]).unwrap();
        }
        conn
    }

    fn wal_len(path: &str) -> u64 {
        std::fs::metadata(format!("{path}-wal")).map_or(0, |m| m.len())
    }

    /// The round never waits for the store's writer (a first sync's next page waited up to half a
    /// second per page for the old TRUNCATE's busy wait), and cuts the WAL back only once the
    /// writes have stopped.
    #[test]
    fn a_round_does_not_wait_for_a_writer_and_cuts_back_only_when_writes_stop() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db").to_str().unwrap().to_owned();
        let _keep = big_wal(&path);
        let limit = super::super::WAL_SIZE_LIMIT as u64;
        assert!(wal_len(&path) > limit);

        // Another connection holds the write lock (a page being applied).
        let writer = rusqlite::Connection::open(&path).unwrap();
        writer
            .execute_batch("BEGIN IMMEDIATE; INSERT INTO t VALUES (x'01')")
            .unwrap();
        let t = Instant::now();
        checkpoint(&path, &AtomicU32::new(0));
        assert!(
            t.elapsed() < Duration::from_secs(1),
            "the round waited {:?} for the writer",
            t.elapsed()
        );
        assert!(wal_len(&path) > limit, "cut back under an open write");
        writer.execute_batch("COMMIT").unwrap();

        // A commit came during the round: the writes go on, no cut.
        checkpoint(&path, &AtomicU32::new(1));
        assert!(wal_len(&path) > limit, "cut back while commits were coming");

        // Writes stopped: cut back, and every row is still there.
        checkpoint(&path, &AtomicU32::new(0));
        assert!(
            wal_len(&path) <= limit,
            "WAL still {} bytes",
            wal_len(&path)
        );
        let n: i64 = writer
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 21);
    }
}
