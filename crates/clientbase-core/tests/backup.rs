//! Backups and restore on real files: a backup is one self-contained SQLite file holding what the
//! base held (including writes still in the WAL); restoring checks the file first, keeps the current
//! base as a backup, and leaves a working base; bad files are refused and change nothing.

mod common;
use clientbase_core::api::{self, App, Platform};
use clientbase_core::model::*;
use clientbase_core::store::backup;
use common::*;
use std::path::Path;

fn app_in(dir: &tempfile::TempDir) -> App {
    App::open(&db_path(dir), Platform::Desktop).unwrap()
}

fn names(app: &mut App) -> Vec<String> {
    api::list_clients(app, ListQuery::default())
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.display_name)
        .collect()
}

#[test]
fn backup_then_restore_brings_the_base_back_and_keeps_the_current_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_in(&dir);
    api::create_client(&mut app, person("Olena", "Kovalenko", "067 123 45 67")).unwrap();
    let ivan = api::create_client(&mut app, person("Ivan", "Petrenko", "")).unwrap();
    // The writes are still in the WAL (no checkpoint yet): the backup must hold them.
    let b = api::backup_now(&mut app).unwrap();
    assert_eq!(b.kind, BackupKind::Manual);
    assert!(
        b.file_name.starts_with("clientbase-manual-"),
        "{}",
        b.file_name
    );
    assert!(Path::new(&b.path).is_file());
    assert!(
        !Path::new(&format!("{}-wal", b.path)).exists(),
        "a backup is one file"
    );
    assert_eq!(
        backup::validate_backup(Path::new(&b.path)).unwrap(),
        clientbase_core::migrations::SCHEMA_VERSION
    );

    // Later changes…
    api::create_client(&mut app, person("Later", "Added", "")).unwrap();
    api::delete_client(&mut app, ivan.id.clone()).unwrap();
    assert_eq!(names(&mut app), ["Added Later", "Kovalenko Olena"]);

    // …are undone by the restore, and the base before it is kept as a backup.
    let stats = api::restore_backup(&mut app, b.path.clone()).unwrap();
    assert_eq!(stats.clients, 2);
    assert_eq!(names(&mut app), ["Kovalenko Olena", "Petrenko Ivan"]);
    let hits = api::list_clients(
        &mut app,
        ListQuery {
            text: "671234".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(hits.total, 1, "the restored base is searchable");
    let all = api::list_backups(&mut app).unwrap();
    let before: Vec<&BackupInfo> = all
        .iter()
        .filter(|x| x.kind == BackupKind::BeforeRestore)
        .collect();
    assert_eq!(before.len(), 1);
    // The kept base is the one with the later changes: restoring it brings them back.
    let kept = before[0].path.clone();
    api::restore_backup(&mut app, kept).unwrap();
    assert_eq!(names(&mut app), ["Added Later", "Kovalenko Olena"]);
    // Writes work after a restore (the store was reopened on the restored file).
    api::create_client(&mut app, person("After", "Restore", "")).unwrap();
    drop(app);
    let mut app = app_in(&dir);
    assert_eq!(names(&mut app).len(), 3);
}

#[test]
fn bad_files_are_refused_with_a_reason_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_in(&dir);
    api::create_client(&mut app, person("Olena", "Kovalenko", "")).unwrap();
    let good = api::backup_now(&mut app).unwrap();
    let junk = dir.path().join("junk.db");

    type MakeFile<'a> = Box<dyn Fn(&Path) + 'a>;
    let cases: Vec<(&str, MakeFile)> = vec![
        (
            "not_sqlite",
            Box::new(|p: &Path| std::fs::write(p, b"name;phone\nOlena;067\n").unwrap()),
        ),
        (
            "not_sqlite",
            Box::new(|p: &Path| std::fs::write(p, b"").unwrap()),
        ),
        (
            "corrupt",
            Box::new(|p: &Path| {
                // A real backup cut in half.
                let bytes = std::fs::read(&good.path).unwrap();
                std::fs::write(p, &bytes[..bytes.len() / 2]).unwrap();
            }),
        ),
        (
            "not_clientbase",
            Box::new(|p: &Path| {
                let c = rusqlite::Connection::open(p).unwrap();
                c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
                    .unwrap();
            }),
        ),
        (
            "schema_too_new",
            Box::new(|p: &Path| {
                std::fs::copy(&good.path, p).unwrap();
                let c = rusqlite::Connection::open(p).unwrap();
                c.pragma_update(None, "user_version", 999).unwrap();
            }),
        ),
    ];
    for (reason, make) in cases {
        let _ = std::fs::remove_file(&junk);
        make(&junk);
        let e = api::restore_backup(&mut app, junk.to_string_lossy().into_owned()).unwrap_err();
        assert_eq!(e.code, "backup_invalid", "{reason}: {e:?}");
        assert_eq!(e.fields[0].code, reason, "{e:?}");
        assert_eq!(names(&mut app), ["Kovalenko Olena"]);
    }
    // Nothing was replaced, so no before-restore backup was made either.
    assert!(api::list_backups(&mut app)
        .unwrap()
        .iter()
        .all(|b| b.kind != BackupKind::BeforeRestore));
    let e = api::restore_backup(&mut app, "/nonexistent/x.db".into()).unwrap_err();
    assert_eq!(e.code, "backup_invalid");
}

#[test]
fn automatic_backups_once_a_day_keeping_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_in(&dir);
    api::create_client(&mut app, person("Olena", "Kovalenko", "")).unwrap();
    let manual = api::backup_now(&mut app).unwrap();
    let db = db_path(&dir);
    let bdir = backup::backup_dir(&db);
    let t0 = chrono::DateTime::parse_from_rfc3339("2026-11-20T08:00:00Z")
        .unwrap()
        .to_utc();
    let h = chrono::Duration::hours;
    assert!(backup::auto_backup(&db, &bdir, 2, t0).unwrap().is_some());
    assert!(
        backup::auto_backup(&db, &bdir, 2, t0 + h(5))
            .unwrap()
            .is_none(),
        "same day"
    );
    assert!(backup::auto_backup(&db, &bdir, 2, t0 + h(24))
        .unwrap()
        .is_some());
    assert!(backup::auto_backup(&db, &bdir, 2, t0 + h(49))
        .unwrap()
        .is_some());
    let all = backup::list_backups(&bdir).unwrap();
    let autos: Vec<&str> = all
        .iter()
        .filter(|b| b.kind == BackupKind::Auto)
        .map(|b| b.file_name.as_str())
        .collect();
    assert_eq!(
        autos,
        [
            "clientbase-auto-20261122-090000.db",
            "clientbase-auto-20261121-080000.db"
        ],
        "newest first, only `keep` of them"
    );
    assert!(
        all.iter().any(|b| b.path == manual.path),
        "manual backups are never pruned"
    );

    // Turned off in the settings: the shell's call makes none.
    let s = api::set_backup_settings(
        &mut app,
        BackupSettings {
            auto: false,
            keep: 3,
        },
    )
    .unwrap();
    assert_eq!(api::get_backup_settings(&mut app).unwrap(), s);
    assert!(backup::run_auto_backup(&db).unwrap().is_none());
    let e = api::set_backup_settings(
        &mut app,
        BackupSettings {
            auto: true,
            keep: 0,
        },
    )
    .unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.fields[0].code.as_str()),
        ("validation", "out_of_range")
    );
    api::set_backup_settings(
        &mut app,
        BackupSettings {
            auto: true,
            keep: 3,
        },
    )
    .unwrap();
    // The newest auto backup is from the (fake) past: a real one is due now.
    assert!(backup::run_auto_backup(&db).unwrap().is_some());
}
