//! End to end: the real `clientbase-server` binary, on SQLite and on PostgreSQL, set up with its
//! admin CLI, serving on 127.0.0.1 port 0; two reps and a manager sync over HTTP; the CLI hands
//! one rep's clients to the other while the server runs, disables a leaver, and (SQLite) backs up
//! and restores, after which the server has a new epoch.

mod common;

use clientbase_sync::{
    paths, EntryBody, LoginResponse, Op, PullResponse, PushResponse, HEADER_PROTOCOL,
    HEADER_SCHEMA, PROTOCOL_VERSION, SYNC_SCHEMA_VERSION,
};
use common::{Device, Kind};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

fn cli(data: &Path, pg: Option<&str>) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_clientbase-server"));
    c.arg("--data").arg(data);
    if let Some(url) = pg {
        c.args(["--postgres", url]);
    }
    c
}

fn run(data: &Path, pg: Option<&str>, args: &[&str]) -> String {
    let out = cli(data, pg).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A running server; killed on drop.
struct Running {
    child: Child,
    base: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(data: &Path, pg: Option<&str>) -> Running {
    let mut child = cli(data, pg)
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .nth(2)
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    Running { child, base: url }
}

struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
    login: LoginResponse,
    dev: Device,
    cursor: Option<clientbase_sync::Cursor>,
    /// (table, row_id) this device holds.
    rows: BTreeSet<(String, String)>,
}

async fn post(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    token: Option<&str>,
    body: Value,
) -> (u16, Value) {
    let mut r = http
        .post(format!("{base}{path}"))
        .header(HEADER_PROTOCOL, PROTOCOL_VERSION.to_string())
        .header(HEADER_SCHEMA, SYNC_SCHEMA_VERSION.to_string())
        .json(&body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let r = r.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

impl Client {
    async fn login(base: &str, login: &str, device: &str) -> Client {
        // Built with the workspace, reqwest may carry rustls without a provider (the sync client's
        // features): install ring's, as the server and the sync client do.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::new();
        let (st, v) = post(
            &http,
            base,
            paths::LOGIN,
            None,
            json!({"login": login, "password": format!("{login}-password"), "device_id": device}),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        let login: LoginResponse = serde_json::from_value(v).unwrap();
        Client {
            http,
            base: base.to_owned(),
            token: login.access_token.clone(),
            login,
            dev: Device::new(device),
            cursor: None,
            rows: BTreeSet::new(),
        }
    }

    async fn push(&mut self, changes: Vec<clientbase_sync::Change>) -> PushResponse {
        let (st, v) = post(
            &self.http,
            &self.base,
            paths::PUSH,
            Some(&self.token),
            json!({ "changes": changes }),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        serde_json::from_value(v).unwrap()
    }

    async fn sync(&mut self) {
        loop {
            let (st, v) = post(
                &self.http,
                &self.base,
                paths::PULL,
                Some(&self.token),
                json!({"cursor": self.cursor, "limit": 50}),
            )
            .await;
            assert_eq!(st, 200, "{v}");
            let p: PullResponse = serde_json::from_value(v).unwrap();
            for e in p.entries {
                match e.body {
                    EntryBody::Change { change } => {
                        self.rows.insert((change.table, change.row_id));
                    }
                    EntryBody::Row { row } | EntryBody::Reset { row } => {
                        self.rows.insert((row.table, row.row_id));
                    }
                    EntryBody::Remove { row_id, .. } => {
                        self.rows.retain(|(_, id)| id != &row_id);
                    }
                }
            }
            self.cursor = Some(p.cursor);
            if !p.more {
                break;
            }
        }
    }

    fn clients(&self) -> BTreeSet<String> {
        self.rows
            .iter()
            .filter(|(t, _)| t == "clients")
            .map(|(_, id)| id.clone())
            .collect()
    }
}

async fn scenario(kind: Kind) {
    let dir = tempfile::tempdir().unwrap();
    let url = match kind {
        Kind::Sqlite => None,
        // rust-postgres' blocking client may not run on an async worker thread.
        Kind::Postgres => match tokio::task::spawn_blocking(common::pg_url).await.unwrap() {
            Some(u) => Some(u),
            None => return,
        },
    };
    let pg = url.as_deref();
    let data = dir.path().join("data");
    let company = run(&data, pg, &["company", "add", "Acme"]);
    assert_eq!(company.len(), 36, "a UUID: {company}");
    run(
        &data,
        pg,
        &[
            "user",
            "add",
            "--company",
            "Acme",
            "--login",
            "anna",
            "--role",
            "rep",
            "--password",
            "anna-password",
        ],
    );
    run(
        &data,
        pg,
        &[
            "user",
            "add",
            "--company",
            &company,
            "--login",
            "mira",
            "--role",
            "manager",
            "--password",
            "mira-password",
        ],
    );
    // The password on standard input (kept out of the process list).
    let mut child = cli(&data, pg)
        .args([
            "user",
            "add",
            "--company",
            "Acme",
            "--login",
            "boris",
            "--name",
            "Boris",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"boris-password\n")
        .unwrap();
    assert!(child.wait().unwrap().success());
    let listed = run(&data, pg, &["user", "list", "--company", "Acme"]);
    assert_eq!(listed.lines().count(), 3, "{listed}");

    let server = serve(&data, pg);
    let mut anna = Client::login(&server.base, "anna", "dev-anna").await;
    let mut boris = Client::login(&server.base, "boris", "dev-boris").await;
    let mut mira = Client::login(&server.base, "mira", "dev-mira").await;
    let epoch = anna.login.epoch.clone();
    let mut changes = Vec::new();
    for i in 0..3 {
        changes.push(anna.dev.new_client(&format!("a{i}"), "A"));
        changes.push(anna.dev.change(
            "tasks",
            &format!("ta{i}"),
            Op::Insert,
            json!({"client_id": format!("a{i}"), "title": "call", "deleted_at": null}),
        ));
    }
    assert_eq!(anna.push(changes).await.last_seq, 6);
    let changes = vec![
        boris.dev.new_client("b0", "B"),
        boris.dev.new_client("b1", "B"),
    ];
    boris.push(changes).await;
    for c in [&mut anna, &mut boris, &mut mira] {
        c.sync().await;
    }
    assert_eq!(anna.clients(), ["a0", "a1", "a2"].map(String::from).into());
    assert_eq!(boris.clients(), ["b0", "b1"].map(String::from).into());
    assert_eq!(mira.clients().len(), 5);

    // Anna leaves: her clients go to Boris (CLI, while the server runs), and she is disabled.
    let out = run(&data, pg, &["reassign", "--from", "anna", "--to", "boris"]);
    assert!(out.starts_with("3 clients"), "{out}");
    run(&data, pg, &["user", "disable", "anna"]);
    boris.sync().await;
    mira.sync().await;
    assert_eq!(boris.clients().len(), 5);
    assert!(
        boris.rows.contains(&("tasks".into(), "ta1".into())),
        "history came along"
    );
    assert_eq!(mira.clients().len(), 5);
    let (st, v) = post(
        &anna.http,
        &anna.base,
        paths::PULL,
        Some(&anna.token),
        json!({"cursor": anna.cursor, "limit": 10}),
    )
    .await;
    assert_eq!((st, v["code"].as_str()), (403, Some("device_revoked")));

    if kind == Kind::Sqlite {
        // Back up while running; write more; stop; restore; start: a new epoch, and the
        // server's last_seq for Boris's device tells it what to re-push.
        let backup = dir.path().join("backup.db");
        run(&data, pg, &["backup", "--out", backup.to_str().unwrap()]);
        let extra = vec![boris.dev.new_client("b2", "B")];
        assert_eq!(boris.push(extra).await.last_seq, 3);
        drop(server);
        let out = run(&data, pg, &["restore", "--from", backup.to_str().unwrap()]);
        assert!(out.starts_with("restored; new epoch"), "{out}");
        let server = serve(&data, pg);
        let boris2 = Client::login(&server.base, "boris", "dev-boris").await;
        assert_ne!(boris2.login.epoch, epoch);
        assert_eq!(boris2.login.last_seq, 2, "the backup predates seq 3");
        let (st, v) = post(
            &boris2.http,
            &boris2.base,
            paths::PULL,
            Some(&boris2.token),
            json!({"cursor": boris.cursor, "limit": 10}),
        )
        .await;
        assert_eq!((st, v["code"].as_str()), (409, Some("epoch_changed")));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_on_sqlite() {
    scenario(Kind::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_on_postgres() {
    scenario(Kind::Postgres).await;
}
