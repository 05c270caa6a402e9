//! Test fixtures: a fresh SQLite file in a temp dir, or a fresh database in a real PostgreSQL
//! server (Debian's `postgresql` package) started once per test binary on 127.0.0.1 with a temp
//! data directory, stopped by a watcher when the test process exits.
//!
//! Without PostgreSQL binaries the PostgreSQL tests print why and pass — except when `CI` is set:
//! then they fail, so CI never silently skips them.

#![allow(dead_code)]

use clientbase_server::db::Backend;
use clientbase_server::{open_backend, Config, Service};
use clientbase_sync::{Change, LoginRequest, LoginResponse, Op, Role};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};

pub struct Pg {
    port: u16,
    /// Serialises CREATE DATABASE.
    admin: Mutex<()>,
    /// The temp directory holding the data directory and the socket.
    dir: PathBuf,
    root: bool,
}

fn pg_bin(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .collect();
    dirs.sort();
    dirs.into_iter()
        .rev()
        .map(|d| d.join(name))
        .find(|p| p.exists())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs a PostgreSQL binary as the `postgres` user when we are root (postgres refuses root).
fn pg_cmd(bin: &PathBuf, root: bool) -> Command {
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin);
        c
    } else {
        Command::new(bin)
    }
}

fn start_pg() -> Result<Pg, String> {
    let initdb = pg_bin("initdb")
        .ok_or("no /usr/lib/postgresql/*/bin/initdb (apt-get install postgresql)")?;
    let pg_ctl = pg_bin("pg_ctl").ok_or("no pg_ctl")?;
    let root = is_root();
    // Under /tmp (not $TMPDIR, which may sit in a home directory the postgres user cannot enter).
    let dir = PathBuf::from("/tmp").join(format!(
        "cbpg-{}-{}",
        std::process::id(),
        uuid::Uuid::now_v7()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    if root {
        let ok = Command::new("chown")
            .arg("postgres:postgres")
            .arg(&dir)
            .status()
            .map_err(|e| e.to_string())?;
        if !ok.success() {
            return Err("chown postgres failed".into());
        }
    }
    let data = dir.join("data");
    let out = pg_cmd(&initdb, root)
        .arg("-D")
        .arg(&data)
        .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("initdb: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let opts = format!(
        "-p {port} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c max_connections=300 -c shared_buffers=64MB",
        dir.display()
    );
    let out = pg_cmd(&pg_ctl, root)
        .arg("-D")
        .arg(&data)
        .args(["-o", &opts, "-l"])
        .arg(dir.join("log"))
        .args(["-w", "start"])
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        let log = std::fs::read_to_string(dir.join("log")).unwrap_or_default();
        return Err(format!(
            "pg_ctl start: {} {log}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    // A watcher stops the server and removes its files once this test process is gone.
    let stop = if root {
        format!(
            "runuser -u postgres -- {} -D {} stop -m immediate",
            pg_ctl.display(),
            data.display()
        )
    } else {
        format!(
            "{} -D {} stop -m immediate",
            pg_ctl.display(),
            data.display()
        )
    };
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {stop} >/dev/null 2>&1; rm -rf {dir}",
        pid = std::process::id(),
        dir = dir.display()
    );
    Command::new("sh")
        .args(["-c", &script])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    Ok(Pg {
        port,
        admin: Mutex::new(()),
        dir,
        root,
    })
}

/// A hot standby of the test PostgreSQL: `pg_basebackup -R` from it, started on its own port, kept
/// in sync by streaming replication (a real read replica).
pub struct Standby {
    pub port: u16,
}

fn start_standby(pg: &Pg) -> Result<Standby, String> {
    let basebackup = pg_bin("pg_basebackup").ok_or("no pg_basebackup")?;
    let pg_ctl = pg_bin("pg_ctl").ok_or("no pg_ctl")?;
    let data = pg.dir.join("standby");
    let out = pg_cmd(&basebackup, pg.root)
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &pg.port.to_string(),
            "-U",
            "postgres",
        ])
        .arg("-D")
        .arg(&data)
        .args(["-R", "-X", "stream", "--no-sync", "-c", "fast"])
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "pg_basebackup: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let opts = format!(
        "-p {port} -c listen_addresses=127.0.0.1 -k {} -c hot_standby=on -c max_connections=300",
        pg.dir.display()
    );
    let out = pg_cmd(&pg_ctl, pg.root)
        .arg("-D")
        .arg(&data)
        .args(["-o", &opts, "-l"])
        .arg(pg.dir.join("standby.log"))
        .args(["-w", "start"])
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        let log = std::fs::read_to_string(pg.dir.join("standby.log")).unwrap_or_default();
        return Err(format!(
            "pg_ctl start (standby): {} {log}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    // Stopped with the primary's files by a watcher once this test process is gone.
    let stop = format!(
        "{}{} -D {} stop -m immediate",
        if pg.root {
            "runuser -u postgres -- "
        } else {
            ""
        },
        pg_ctl.display(),
        data.display()
    );
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {stop} >/dev/null 2>&1",
        pid = std::process::id(),
    );
    Command::new("sh")
        .args(["-c", &script])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    Ok(Standby { port })
}

/// A fresh database on the test PostgreSQL with the URL of the same database on its streaming
/// standby, once the standby has it with the server's tables; `None` (outside CI) without
/// PostgreSQL.
pub fn pg_with_standby() -> Option<(Fixture, String)> {
    static STANDBY: OnceLock<Result<Standby, String>> = OnceLock::new();
    let pg = pg()?;
    let standby = match STANDBY.get_or_init(|| start_standby(pg)) {
        Ok(s) => s,
        Err(e) => {
            if std::env::var_os("CI").is_some() {
                panic!("CI is set and the PostgreSQL standby could not start: {e}");
            }
            eprintln!("PostgreSQL standby tests not run here: {e}");
            return None;
        }
    };
    let f = Fixture::new(Kind::Postgres)?;
    let url = f.url.clone().expect("a PostgreSQL fixture has a URL");
    let replica = url.replace(
        &format!("127.0.0.1:{}/", pg.port),
        &format!("127.0.0.1:{}/", standby.port),
    );
    let t = std::time::Instant::now();
    loop {
        let ready = postgres::Client::connect(&replica, postgres::NoTls)
            .ok()
            .and_then(|mut c| {
                c.query_one("SELECT count(*) FROM server_migrations", &[])
                    .ok()
            })
            .is_some();
        if ready {
            break;
        }
        assert!(
            t.elapsed() < std::time::Duration::from_secs(30),
            "the standby did not replay the new database in 30 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Some((f, replica))
}

fn pg() -> Option<&'static Pg> {
    static PG: OnceLock<Result<Pg, String>> = OnceLock::new();
    match PG.get_or_init(start_pg) {
        Ok(pg) => Some(pg),
        Err(e) => {
            if std::env::var_os("CI").is_some() {
                panic!("CI is set and PostgreSQL could not start: {e}");
            }
            eprintln!("PostgreSQL tests not run here: {e}");
            None
        }
    }
}

/// The URL of a fresh, empty database, or `None` (outside CI) when PostgreSQL is unavailable.
pub fn pg_url() -> Option<String> {
    let pg = pg()?;
    let _g = pg.admin.lock().unwrap();
    let name = format!("t_{}", uuid::Uuid::now_v7().simple());
    let mut c = postgres::Client::connect(
        &format!("postgres://postgres@127.0.0.1:{}/postgres", pg.port),
        postgres::NoTls,
    )
    .expect("connect to the test PostgreSQL");
    c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    Some(format!("postgres://postgres@127.0.0.1:{}/{name}", pg.port))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// A backend with its temp dir kept alive.
pub struct Fixture {
    pub kind: Kind,
    pub dir: tempfile::TempDir,
    pub url: Option<String>,
    pub backend: Arc<dyn Backend>,
}

impl Fixture {
    pub fn new(kind: Kind) -> Option<Fixture> {
        let dir = tempfile::tempdir().unwrap();
        let url = match kind {
            Kind::Sqlite => None,
            Kind::Postgres => Some(pg_url()?),
        };
        let backend = open_backend(dir.path(), url.as_deref()).unwrap();
        Some(Fixture {
            kind,
            dir,
            url,
            backend,
        })
    }

    pub fn service(&self, cfg: Config) -> Service {
        Service::new(self.backend.clone(), cfg).unwrap()
    }

    /// A new backend object on the same database (a restart).
    pub fn reopen(&self) -> Arc<dyn Backend> {
        open_backend(self.dir.path(), self.url.as_deref()).unwrap()
    }
}

/// A company with a manager and two reps; passwords are `<login>-password`.
pub struct Company {
    pub id: String,
    pub manager: String,
    pub anna: String,
    pub boris: String,
}

pub fn company(svc: &Service) -> Company {
    let id = svc.company_add("Acme").unwrap();
    let manager = svc
        .user_add(&id, "mira", "Mira", Role::Manager, "mira-password")
        .unwrap()
        .id;
    let anna = svc
        .user_add(&id, "anna", "Anna", Role::Rep, "anna-password")
        .unwrap()
        .id;
    let boris = svc
        .user_add(&id, "boris", "Boris", Role::Rep, "boris-password")
        .unwrap()
        .id;
    Company {
        id,
        manager,
        anna,
        boris,
    }
}

pub fn login(svc: &Service, login: &str, device: &str) -> LoginResponse {
    svc.login(&LoginRequest {
        login: login.into(),
        password: format!("{login}-password"),
        device_id: device.into(),
        device_name: format!("{login}'s phone"),
    })
    .unwrap()
}

pub fn now_ms() -> i64 {
    clientbase_server::service::now_ms()
}

pub fn hlc(ms: i64, counter: u32, device: &str) -> String {
    format!("{ms:015}-{counter:05}-{device}")
}

/// A device's change log, numbering seqs and ticking its clock.
pub struct Device {
    pub id: String,
    pub seq: u64,
    pub ms: i64,
    pub counter: u32,
}

impl Device {
    pub fn new(id: &str) -> Device {
        Device {
            id: id.into(),
            seq: 0,
            ms: now_ms() - 60_000,
            counter: 0,
        }
    }

    pub fn change(&mut self, table: &str, row_id: &str, op: Op, fields: Value) -> Change {
        self.seq += 1;
        self.counter += 1;
        if self.counter > 99_999 {
            // The HLC counter has five digits: move to the next millisecond.
            self.ms += 1;
            self.counter = 0;
        }
        Change {
            device_id: self.id.clone(),
            seq: self.seq,
            hlc: hlc(self.ms, self.counter, &self.id),
            table: table.into(),
            row_id: row_id.into(),
            op,
            fields: fields.as_object().cloned().unwrap_or_default(),
        }
    }

    pub fn new_client(&mut self, id: &str, name: &str) -> Change {
        self.change(
            "clients",
            id,
            Op::Insert,
            json!({"id": id, "kind": "person", "first_name": name, "owner": "", "deleted_at": null}),
        )
    }
}

/// Runs a conformance test against both backends: `conformance!(name);` expects `fn name(f: &Fixture)`.
#[macro_export]
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $name() { let f = $crate::common::Fixture::new($crate::common::Kind::Sqlite).unwrap(); super::$name(&f); })*
        }
        mod postgres {
            $(#[test] fn $name() { if let Some(f) = $crate::common::Fixture::new($crate::common::Kind::Postgres) { super::$name(&f); } })*
        }
    };
}
