//! One-file backups of the base (SQLite's online backup API) and restoring one.
//!
//! - A backup is a plain SQLite file (journal mode DELETE, so it is ONE file) named
//!   `clientbase-<kind>-YYYYMMDD-HHMMSS.db` in the backup folder (`backups/` beside the base). It is
//!   written under a `.part` name and renamed when complete, so a crash never leaves a half file
//!   that looks like a backup.
//! - [`backup_database`] reads through its own read-only connection in one read transaction: a
//!   consistent snapshot that never blocks the app's writes (WAL), so the shell can run the daily
//!   automatic backup on a background thread while the rep works.
//! - [`auto_backup`] makes an `auto` backup when the newest one is a day old and keeps the newest
//!   `keep` of them (manual and before-restore backups are never pruned).
//! - Restoring ([`validate_backup`], then `api::restore_backup`) first checks the file (SQLite
//!   header, `integrity_check`, a schema this build knows, the tables a base has), saves the current
//!   base as a `before-restore` backup, and only then copies the backup into the live database.

use super::Store;
use crate::error::StoreError;
use crate::migrations::SCHEMA_VERSION;
use crate::model::{BackupInfo, BackupKind, BackupSettings};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};

/// The backup folder of the base at `db_path`: `backups/` beside it.
pub fn backup_dir(db_path: &str) -> PathBuf {
    Path::new(db_path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("backups")
}

fn kind_str(k: BackupKind) -> &'static str {
    match k {
        BackupKind::Auto => "auto",
        BackupKind::Manual => "manual",
        BackupKind::BeforeRestore => "before-restore",
    }
}

/// `clientbase-<kind>-YYYYMMDD-HHMMSS.db` → (kind, time).
fn parse_name(name: &str) -> Option<(BackupKind, chrono::NaiveDateTime)> {
    let rest = name.strip_prefix("clientbase-")?.strip_suffix(".db")?;
    let (kind, stamp) = rest.rsplit_once('-').and_then(|(k, time)| {
        let (k, date) = k.rsplit_once('-')?;
        Some((k, format!("{date}-{time}")))
    })?;
    let kind = match kind {
        "auto" => BackupKind::Auto,
        "manual" => BackupKind::Manual,
        "before-restore" => BackupKind::BeforeRestore,
        _ => return None,
    };
    let at = chrono::NaiveDateTime::parse_from_str(&stamp, "%Y%m%d-%H%M%S").ok()?;
    Some((kind, at))
}

fn info_of(path: &Path) -> Option<BackupInfo> {
    let name = path.file_name()?.to_str()?;
    let (kind, at) = parse_name(name)?;
    let size = std::fs::metadata(path).ok()?.len();
    Some(BackupInfo {
        path: path.to_string_lossy().into_owned(),
        file_name: name.to_owned(),
        kind,
        created_at: at
            .and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        size_bytes: size as f64,
    })
}

/// The backups in `dir`, newest first (files that are not named like a backup are ignored).
pub fn list_backups(dir: &Path) -> Result<Vec<BackupInfo>, StoreError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StoreError::Backup(format!("{}: {e}", dir.display()))),
    };
    let mut out: Vec<BackupInfo> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| info_of(&e.path()))
        .collect();
    out.sort_by(|a, b| {
        b.file_name[b.file_name.len() - 18..].cmp(&a.file_name[a.file_name.len() - 18..])
    });
    Ok(out)
}

/// Copies the base at `db_path` into a new backup file of `kind` in `dir` (created if needed), as of
/// `now_utc`. Runs on its own connection: safe beside the app's.
pub fn backup_database(
    db_path: &str,
    dir: &Path,
    kind: BackupKind,
    now_utc: chrono::DateTime<chrono::Utc>,
) -> Result<BackupInfo, StoreError> {
    let io = |e: std::io::Error| StoreError::Backup(format!("{}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut name = format!(
        "clientbase-{}-{}.db",
        kind_str(kind),
        now_utc.format("%Y%m%d-%H%M%S")
    );
    // Two backups in the same second (a manual one right after a restore): the later one waits
    // for a free name rather than overwriting.
    let mut t = now_utc;
    while dir.join(&name).exists() {
        t += chrono::Duration::seconds(1);
        name = format!(
            "clientbase-{}-{}.db",
            kind_str(kind),
            t.format("%Y%m%d-%H%M%S")
        );
    }
    let dest = dir.join(&name);
    let part = dir.join(format!("{name}.part"));
    let _ = std::fs::remove_file(&part);
    let src = Connection::open_with_flags(db_path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| StoreError::Open(format!("{db_path}: {e}")))?;
    {
        let mut dst = Connection::open(&part)?;
        {
            let b = rusqlite::backup::Backup::new(&src, &mut dst)?;
            // All pages in one step: one read transaction, so a consistent snapshot.
            b.step(-1)?;
        }
        // The copy keeps the source's WAL mode: switch it to a rollback journal so the backup is
        // one self-contained file.
        dst.pragma_update(None, "journal_mode", "DELETE")?;
    }
    std::fs::rename(&part, &dest).map_err(io)?;
    info_of(&dest).ok_or_else(|| StoreError::Backup(format!("{}: not written", dest.display())))
}

/// Makes an automatic backup when the newest one in `dir` is at least a day old (or there is none),
/// then keeps only the newest `keep` automatic backups. Returns the new backup, if one was made.
pub fn auto_backup(
    db_path: &str,
    dir: &Path,
    keep: u32,
    now_utc: chrono::DateTime<chrono::Utc>,
) -> Result<Option<BackupInfo>, StoreError> {
    let autos: Vec<BackupInfo> = list_backups(dir)?
        .into_iter()
        .filter(|b| b.kind == BackupKind::Auto)
        .collect();
    let due = match autos.first() {
        None => true,
        Some(newest) => chrono::DateTime::parse_from_rfc3339(&newest.created_at)
            .map(|t| now_utc.signed_duration_since(t) >= chrono::Duration::hours(24))
            .unwrap_or(true),
    };
    if !due {
        return Ok(None);
    }
    let made = backup_database(db_path, dir, BackupKind::Auto, now_utc)?;
    let keep = keep.max(1) as usize;
    for old in list_backups(dir)?
        .into_iter()
        .filter(|b| b.kind == BackupKind::Auto)
        .skip(keep)
    {
        let _ = std::fs::remove_file(&old.path);
    }
    Ok(Some(made))
}

/// Checks that `path` is a Clientbase base this build can open: a readable SQLite file that passes
/// `integrity_check`, with a known schema version and the tables every base has. Errors are
/// `StoreError::Backup` with a reason code the UI translates (`not_sqlite`, `corrupt`,
/// `schema_too_new`, `not_clientbase`).
pub fn validate_backup(path: &Path) -> Result<i64, StoreError> {
    let bad = |code: &str, detail: String| StoreError::BackupInvalid {
        reason: code.to_owned(),
        detail,
    };
    let mut head = [0u8; 16];
    use std::io::Read;
    let ok_header = std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && &head == b"SQLite format 3\0";
    if !ok_header {
        return Err(bad("not_sqlite", path.display().to_string()));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| bad("not_sqlite", e.to_string()))?;
    let check: String = conn
        .query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))
        .map_err(|e| bad("corrupt", e.to_string()))?;
    if check != "ok" {
        return Err(bad("corrupt", check));
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| bad("corrupt", e.to_string()))?;
    if version > SCHEMA_VERSION {
        return Err(bad(
            "schema_too_new",
            format!("schema {version}, this app knows up to {SCHEMA_VERSION}"),
        ));
    }
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('clients', 'change_log', 'meta')",
            [],
            |r| r.get(0),
        )
        .map_err(|e| bad("corrupt", e.to_string()))?;
    if version < 1 || tables != 3 {
        return Err(bad("not_clientbase", format!("schema {version}")));
    }
    Ok(version)
}

/// Copies the (validated) backup at `src` over the live base `conn` through the backup API, in
/// place: other connections see either the old base or the restored one.
pub(crate) fn copy_into(src: &Path, conn: &mut Connection) -> Result<(), StoreError> {
    let from = Connection::open_with_flags(src, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| StoreError::Open(format!("{}: {e}", src.display())))?;
    let b = rusqlite::backup::Backup::new(&from, conn)?;
    b.step(-1)?;
    Ok(())
}

const KEEP_DEFAULT: u32 = 7;

fn read_settings(conn: &Connection) -> Result<BackupSettings, StoreError> {
    let get = |k: &str| -> Result<Option<String>, StoreError> {
        Ok(conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [k], |r| r.get(0))
            .optional()?)
    };
    Ok(BackupSettings {
        auto: get("backup_auto")?.as_deref() != Some("0"),
        keep: get("backup_keep")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(KEEP_DEFAULT),
    })
}

impl Store {
    /// This device's backup settings (kept in `meta`: device-local, never synced).
    pub fn backup_settings(&self) -> Result<BackupSettings, StoreError> {
        read_settings(&self.conn)
    }

    pub fn set_backup_settings(&mut self, s: BackupSettings) -> Result<BackupSettings, StoreError> {
        if !(1..=60).contains(&s.keep) {
            return Err(StoreError::Validation(vec![crate::error::FieldError::new(
                "keep",
                "out_of_range",
            )
            .with("min", "1")
            .with("max", "60")]));
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for (k, v) in [
            ("backup_auto", if s.auto { "1" } else { "0" }.to_owned()),
            ("backup_keep", s.keep.to_string()),
        ] {
            tx.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                rusqlite::params![k, v],
            )?;
        }
        tx.commit()?;
        Ok(s)
    }

    /// Replaces the whole base with the (validated) backup at `src`. The caller reopens the store
    /// afterwards (settings, index and migrations of an older backup).
    pub fn overwrite_from(&mut self, src: &Path) -> Result<(), StoreError> {
        copy_into(src, &mut self.conn)
    }
}

/// The automatic backup of the base at `db_path` as its settings say (for the shell, on a
/// background thread after open). `None`: turned off, or the newest one is less than a day old.
pub fn run_auto_backup(db_path: &str) -> Result<Option<BackupInfo>, StoreError> {
    let settings = {
        let conn = Connection::open_with_flags(db_path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| StoreError::Open(format!("{db_path}: {e}")))?;
        read_settings(&conn)?
    };
    if !settings.auto {
        return Ok(None);
    }
    auto_backup(
        db_path,
        &backup_dir(db_path),
        settings.keep,
        chrono::Utc::now(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        let (k, at) = parse_name("clientbase-before-restore-20261124-063501.db").unwrap();
        assert_eq!(k, BackupKind::BeforeRestore);
        assert_eq!(at.to_string(), "2026-11-24 06:35:01");
        assert_eq!(
            parse_name("clientbase-auto-20261124-063501.db").unwrap().0,
            BackupKind::Auto
        );
        assert!(parse_name("clientbase-auto-2026.db").is_none());
        assert!(parse_name("notes.txt").is_none());
        assert!(parse_name("clientbase-weird-20261124-063501.db").is_none());
    }
}
