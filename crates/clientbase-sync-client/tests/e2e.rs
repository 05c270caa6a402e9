//! End to end: the real `clientbase-server` binary (SQLite backend, `--data` in a temp dir, port 0
//! on 127.0.0.1) and three apps on real SQLite files — two reps and a manager — through the
//! sync commands (`commands::dispatch`, as the UI calls them): offline and online edits converge,
//! reps see only their own clients, the manager hands one rep's clients to the other, the old
//! owner's offline edit goes to the conflict log, a disabled user's device wipes its data.

use clientbase_core::api::{App, Platform};
use clientbase_sync_client::commands::dispatch;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

/// The server binary: next to this test's target dir (`cargo test --workspace` builds it);
/// built on demand when this crate's tests run alone.
pub fn server_bin() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let bin = target.join(profile).join("clientbase-server");
    if !bin.exists() {
        let mut c = Command::new(env!("CARGO"));
        c.args([
            "build",
            "-p",
            "clientbase-server",
            "--bin",
            "clientbase-server",
        ]);
        if profile == "release" {
            c.arg("--release");
        }
        assert!(c.status().unwrap().success(), "building clientbase-server");
    }
    bin
}

pub struct Server {
    pub child: Child,
    pub url: String,
    pub data: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn admin(data: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(server_bin())
        .arg("--data")
        .arg(data)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A server with company Acme and users anna, boris (reps) and maria (manager), password "password-…".
pub fn start_server() -> Server {
    start_server_with(&[])
}

/// [`start_server`] with extra `serve` options.
pub fn start_server_with(options: &[&str]) -> Server {
    let data = tempfile::tempdir().unwrap();
    setup_company(data.path());
    serve(data, "127.0.0.1:0", options)
}

fn setup_company(data: &std::path::Path) {
    admin(data, &["company", "add", "Acme"]);
    for (login, role) in [("anna", "rep"), ("boris", "rep"), ("maria", "manager")] {
        admin(
            data,
            &[
                "user",
                "add",
                "--company",
                "Acme",
                "--login",
                login,
                "--role",
                role,
                "--password",
                &format!("password-{login}"),
            ],
        );
    }
}

fn serve(data: tempfile::TempDir, listen: &str, options: &[&str]) -> Server {
    let mut child = Command::new(server_bin())
        .arg("--data")
        .arg(data.path())
        .args(["--listen", listen])
        .args(options)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    // "listening on http://127.0.0.1:PORT (sqlite)"
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http"))
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .to_owned();
    Server { child, url, data }
}

pub struct Device {
    pub _dir: tempfile::TempDir,
    pub app: Mutex<App>,
}

impl Device {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let app = App::open(path.to_str().unwrap(), Platform::Desktop).unwrap();
        Device {
            _dir: dir,
            app: Mutex::new(app),
        }
    }
    fn cmd(&self, cmd: &str, args: Value) -> Value {
        dispatch(&self.app, cmd, args).unwrap_or_else(|e| panic!("{cmd}: {e:?}"))
    }
    fn connect(&self, server: &Server, login: &str) -> Value {
        self.cmd(
            "sync_connect",
            json!({"url": server.url, "login": login, "password": format!("password-{login}"), "device_name": login}),
        )
    }
    fn sync(&self) -> Value {
        let st = self.cmd("sync_now", json!({}));
        assert_eq!(st["error"], Value::Null, "{st}");
        assert_eq!(st["state"], "synced", "{st}");
        st
    }
    fn create(&self, first: &str, last: &str) -> String {
        let input = clientbase_core::model::ClientInput {
            first_name: first.into(),
            last_name: last.into(),
            ..Default::default()
        };
        let c = self.cmd("create_client", json!({ "input": input }));
        c["id"].as_str().unwrap().to_owned()
    }
    fn names(&self) -> Vec<String> {
        let page = self.cmd(
            "list_clients",
            json!({"query": {"text": "", "category_ids": [], "sort": "name", "offset": 0, "limit": 500}}),
        );
        let mut v: Vec<String> = page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["display_name"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v
    }
    fn client(&self, id: &str) -> Value {
        self.cmd("get_client", json!({"id": id}))["client"].clone()
    }
}

#[test]
fn two_reps_and_a_manager_converge_and_hand_clients_over() {
    let server = start_server();
    let anna = Device::new();
    let boris = Device::new();
    let maria = Device::new();
    let st = anna.connect(&server, "anna");
    assert_eq!(st["connected"], true);
    assert_eq!(st["user"]["login"], "anna");
    boris.connect(&server, "boris");
    maria.connect(&server, "maria");
    // Wrong password: a clear error code, nothing stored.
    let stranger = Device::new();
    let err = dispatch(
        &stranger.app,
        "sync_connect",
        json!({"url": server.url, "login": "anna", "password": "nope"}),
    )
    .unwrap_err();
    assert_eq!(err.code, "unauthorized");
    // Plain http to a non-loopback address is refused before any request.
    let err = dispatch(
        &stranger.app,
        "sync_connect",
        json!({"url": "http://10.1.2.3:8440", "login": "anna", "password": "x"}),
    )
    .unwrap_err();
    assert_eq!(err.code, "insecure_url");

    // Offline work on both reps' phones, then sync.
    let a1 = anna.create("Olena", "Anna-One");
    anna.create("Petro", "Anna-Two");
    boris.create("Zoe", "Boris-One");
    let st = anna.cmd("sync_status", json!({}));
    assert_eq!(st["pending"], 2);
    anna.sync();
    boris.sync();
    maria.sync();
    anna.sync();
    assert_eq!(
        anna.names(),
        ["Anna-One Olena", "Anna-Two Petro"],
        "a rep sees only her clients"
    );
    assert_eq!(boris.names(), ["Boris-One Zoe"]);
    assert_eq!(maria.names().len(), 3, "the manager sees everybody's");
    assert_eq!(anna.cmd("sync_status", json!({}))["pending"], 0);

    // Concurrent edits of one client by its rep and the manager, offline, different fields.
    let mut c = anna.client(&a1);
    c["notes"] = json!("anna's note");
    anna.cmd("update_client", json!({"id": a1, "input": c}));
    let mut m = maria.client(&a1);
    m["hobbies"] = json!("chess");
    maria.cmd("update_client", json!({"id": a1, "input": m}));
    anna.sync();
    maria.sync();
    anna.sync();
    let (ca, cm) = (anna.client(&a1), maria.client(&a1));
    assert_eq!(ca["notes"], "anna's note");
    assert_eq!(ca["hobbies"], "chess");
    assert_eq!(ca, cm);

    // The manager hands anna's clients to boris while anna is offline and edits one.
    let users = maria.cmd("sync_users", json!({}));
    let id_of = |login: &str| {
        users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["login"] == login)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let err = dispatch(&anna.app, "sync_users", json!({})).unwrap_err();
    assert_eq!(err.code, "forbidden", "a rep cannot list users");
    let mut c = anna.client(&a1);
    c["notes"] = json!("edited after the hand-over");
    anna.cmd("update_client", json!({"id": a1, "input": c}));
    let r = maria.cmd(
        "sync_reassign",
        json!({"from": id_of("anna"), "to": id_of("boris")}),
    );
    assert_eq!(r["clients"], 2);
    anna.sync();
    boris.sync();
    maria.sync();
    assert!(
        anna.names().is_empty(),
        "the old owner's phone no longer has them"
    );
    assert_eq!(boris.names().len(), 3);
    assert_eq!(maria.names().len(), 3);
    assert_eq!(boris.client(&a1)["notes"], "anna's note");
    assert_eq!(boris.client(&a1)["owner"], id_of("boris"));
    let conflicts = anna.cmd("sync_conflicts", json!({}));
    assert!(
        conflicts
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["value"] == "edited after the hand-over"),
        "{conflicts}"
    );

    // A disabled user's device wipes the company's data at its next contact.
    admin(server.data.path(), &["user", "disable", "boris"]);
    let st = boris.cmd("sync_now", json!({}));
    assert_eq!(st["connected"], false, "{st}");
    assert_eq!(st["error"], "device_revoked");
    assert!(boris.names().is_empty());
}

#[test]
fn offline_status_and_a_server_restored_from_a_backup() {
    let server = start_server();
    let anna = Device::new();
    let maria = Device::new();
    anna.connect(&server, "anna");
    maria.connect(&server, "maria");
    anna.create("Early", "Client");
    let st = anna.sync();
    assert_eq!(st["minutes_ago"], 0);
    let backup = server.data.path().join("backup.db");
    admin(
        server.data.path(),
        &["backup", "--out", backup.to_str().unwrap()],
    );
    anna.create("Late", "Client");
    anna.sync();
    // The server goes down: the status says offline, keeps the change waiting, and backs off.
    let listen = server.url.trim_start_matches("http://").to_owned();
    let mut server = server;
    let _ = server.child.kill();
    let _ = server.child.wait();
    let data = std::mem::replace(&mut server.data, tempfile::tempdir().unwrap());
    drop(server);
    anna.create("Offline", "Client");
    let st = anna.cmd("sync_now", json!({}));
    assert_eq!(st["state"], "offline", "{st}");
    assert_eq!(st["error"], "offline");
    assert_eq!(st["pending"], 1);
    assert!(st["next_retry_ms"].as_i64().is_some());
    // Restored from the backup taken before "Late": a new epoch. Anna's phone re-pushes what
    // the server lost; the manager's fresh phone gets everything.
    admin(
        data.path(),
        &["restore", "--from", backup.to_str().unwrap()],
    );
    let server = serve(data, &listen, &[]);
    anna.sync();
    maria.sync();
    assert_eq!(
        maria.names(),
        ["Client Early", "Client Late", "Client Offline"],
        "nothing lost in the restore"
    );
    assert_eq!(anna.names(), maria.names());
    drop(server);
}

/// Every synced table, the derived tables and the sync bookkeeping, as sorted text lines.
fn dump(app: &Mutex<App>) -> Vec<String> {
    let a = app.lock().unwrap();
    let conn = a.store.connection();
    let mut out = Vec::new();
    for table in [
        "clients",
        "contacts",
        "interactions",
        "tasks",
        "orders",
        "client_keys",
        "name_order",
        "sync_clock",
        "sync_conflicts",
    ] {
        let cols: Vec<String> = conn
            .prepare(&format!("PRAGMA table_info({table})"))
            .unwrap()
            .query_map([], |r| r.get::<_, String>(1))
            .unwrap()
            .map(Result::unwrap)
            .filter(|c| !(table == "sync_conflicts" && matches!(c.as_str(), "id" | "at_ms")))
            .collect();
        let expr = cols
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        let mut st = conn
            .prepare(&format!("SELECT '{table}: ' || {expr} FROM {table}"))
            .unwrap();
        let mut rows: Vec<String> = st
            .query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows.sort();
        out.extend(rows);
    }
    let st = a.store.sync_state().unwrap().unwrap();
    out.push(format!("cursor {:?} head {}", st.cursor, st.head));
    out
}

/// A first sync of several pages through `sync_round` — each page fetched and decoded while
/// the previous one is applied — leaves exactly what pulling and applying the pages one after
/// the other leaves (rows, derived tables, clocks, cursor) and finds the same clients.
#[test]
fn a_first_sync_with_pages_fetched_ahead_matches_pages_pulled_one_by_one() {
    use clientbase_sync::{paths, PullResponse};
    use clientbase_sync_client::{sync_round, Http, FIRST_SYNC_LIMIT};
    // Pages of at most 5,000 (an older server's cap; a device's first sync asks for 20,000), so
    // that ~20k entries come in several pages.
    let server = start_server_with(&["--max-pull-page", "5000"]);
    let anna = Device::new();
    // Loaded before sign-in, as in the bench: the sign-in's adoption logs an owner change for
    // every client, so later pages update rows earlier pages inserted.
    anna.app.lock().unwrap().store.load_demo(2_500).unwrap();
    anna.connect(&server, "anna");
    anna.sync();
    let ahead = Device::new();
    ahead.connect(&server, "maria");
    let s = sync_round(&ahead.app).unwrap();
    assert!(s.pages >= 3, "several pages: {s:?}");
    let one_by_one = Device::new();
    one_by_one.connect(&server, "maria");
    let http = Http::new(&server.url).unwrap();
    let mut pages = 0;
    loop {
        let (req, token) = {
            let a = one_by_one.app.lock().unwrap();
            let st = a.store.sync_state().unwrap().unwrap();
            (
                a.store.sync_pull_request(FIRST_SYNC_LIMIT).unwrap(),
                st.access_token,
            )
        };
        let page: PullResponse = http.post(paths::PULL, Some(&token), &req).unwrap();
        one_by_one
            .app
            .lock()
            .unwrap()
            .store
            .sync_apply_page(&page)
            .unwrap();
        pages += 1;
        if !page.more {
            break;
        }
    }
    assert_eq!(pages, s.pages);
    let (a, b) = (dump(&ahead.app), dump(&one_by_one.app));
    assert!(a.len() > 10_000, "{}", a.len());
    if a != b {
        let only_a: Vec<&String> = a.iter().filter(|l| !b.contains(l)).take(10).collect();
        let only_b: Vec<&String> = b.iter().filter(|l| !a.contains(l)).take(10).collect();
        panic!("fetched ahead: {only_a:#?}\none by one: {only_b:#?}");
    }
    ahead.app.lock().unwrap().store.reload_index().unwrap();
    assert_eq!(ahead.names(), one_by_one.names());
    assert_eq!(ahead.names().len(), 500, "a page of the list");
}
