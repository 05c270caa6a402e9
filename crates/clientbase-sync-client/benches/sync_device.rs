//! Device side of sync, measured against the real `clientbase-server` on 127.0.0.1:
//!
//! 1. A rep's phone with N demo clients (bulk-loaded: image-less inserts, expanded on push)
//!    pushes its whole change log (first connect).
//! 2. The manager's fresh phone does its initial sync (every client, contact person,
//!    interaction and task), as the app does: `sync_round`, pages of 5,000 from cursor 0, the
//!    next page fetched while one is applied.
//! 3. Applying one pulled page of 2,000 changes into a store that already has the base (the
//!    steady state: merge against existing rows, derived data, index), repeated.
//!
//!     cargo bench -p clientbase-sync-client --bench sync_device
//!
//! `BENCH_CLIENTS` (default 100000) sets N. The server binary is `CLIENTBASE_SERVER_BIN`, else
//! target/release/clientbase-server (built on demand).

// mimalloc, not glibc malloc: the hot paths allocate many small strings across threads (see
// ARCHITECTURE.md, "Allocator").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clientbase_core::api::{App, Platform};
use clientbase_sync::{paths, PullRequest, PullResponse};
use clientbase_sync_client::{connect, sync_round, Http};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::Instant;

fn server_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("CLIENTBASE_SERVER_BIN") {
        return p.into();
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let bin = target.join("release").join("clientbase-server");
    if !bin.exists() {
        let ok = Command::new(env!("CARGO"))
            .args([
                "build",
                "--release",
                "-p",
                "clientbase-server",
                "--bin",
                "clientbase-server",
            ])
            .status()
            .unwrap()
            .success();
        assert!(ok, "building clientbase-server");
    }
    bin
}

fn admin(bin: &PathBuf, data: &std::path::Path, args: &[&str]) {
    let out = Command::new(bin)
        .arg("--data")
        .arg(data)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn app(dir: &tempfile::TempDir, name: &str) -> Mutex<App> {
    let path = dir.path().join(name);
    Mutex::new(App::open(path.to_str().unwrap(), Platform::Desktop).unwrap())
}

fn count(app: &Mutex<App>, table: &str) -> i64 {
    app.lock()
        .unwrap()
        .store
        .connection()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn main() {
    let n: usize = std::env::var("BENCH_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let bin = server_bin();
    let data = tempfile::tempdir().unwrap();
    admin(&bin, data.path(), &["company", "add", "Acme"]);
    for (login, role) in [("anna", "rep"), ("maria", "manager")] {
        admin(
            &bin,
            data.path(),
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
                "password-1",
            ],
        );
    }
    let mut child = Command::new(&bin)
        .arg("--data")
        .arg(data.path())
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
        .find(|w| w.starts_with("http"))
        .unwrap()
        .to_owned();

    let dir = tempfile::tempdir().unwrap();
    let rep = app(&dir, "rep.db");
    let t = Instant::now();
    rep.lock().unwrap().store.load_demo(n).unwrap();
    println!(
        "demo load of {n} clients on the rep's phone: {:.2} s",
        t.elapsed().as_secs_f64()
    );
    connect(&rep, &url, "anna", "password-1", "anna", false).unwrap();
    let pending = rep.lock().unwrap().store.sync_pending().unwrap();
    let t = Instant::now();
    let s = sync_round(&rep).unwrap();
    let push_s = t.elapsed().as_secs_f64();
    println!(
        "first push: {pending} changes in {push_s:.2} s ({:.0} changes/s; the round also pulled {} entries back); device store time {:.2} s",
        pending as f64 / push_s,
        s.pulled,
        s.store_ms / 1e3
    );

    // `BENCH_INITIAL_SYNCS=N`: N first syncs, each to a fresh device (the last one is kept).
    let syncs: usize = std::env::var("BENCH_INITIAL_SYNCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    for k in 1..syncs {
        let dev = app(&dir, &format!("manager-{k}.db"));
        connect(
            &dev,
            &url,
            "maria",
            "password-1",
            &format!("maria-{k}"),
            false,
        )
        .unwrap();
        let t = Instant::now();
        let s = sync_round(&dev).unwrap();
        println!(
            "initial sync {k}: {:.2} s (applying {:.2} s, waiting {:.2} s)",
            t.elapsed().as_secs_f64(),
            s.store_ms / 1e3,
            s.wait_ms / 1e3
        );
    }
    let mgr = app(&dir, "manager.db");
    connect(&mgr, &url, "maria", "password-1", "maria", false).unwrap();
    let t = Instant::now();
    let s = sync_round(&mgr).unwrap();
    let initial = t.elapsed().as_secs_f64();
    let clients = count(&mgr, "clients");
    println!(
        "initial sync of a fresh device: {clients} clients, {} entries ({} through the fast path for new or unchanged rows) in {} pages, {initial:.2} s ({:.0} entries/s); applying pages on the device {:.2} s ({:.0} entries/s), waiting for pages (network, server, decoding not overlapped with applying) {:.2} s, other {:.2} s",
        s.pulled,
        s.fast,
        s.pages,
        s.pulled as f64 / initial,
        s.store_ms / 1e3,
        s.pulled as f64 / (s.store_ms / 1e3),
        s.wait_ms / 1e3,
        initial - (s.store_ms + s.wait_ms) / 1e3
    );
    assert_eq!(clients as usize, n, "every client arrived");
    let t = Instant::now();
    mgr.lock().unwrap().store.wait_for_index().unwrap();
    println!(
        "  search index ready after {:.3} s more",
        t.elapsed().as_secs_f64()
    );

    // `BENCH_SAVE_PAGES=DIR`: the first sync's pages as the server serves them (from cursor 0,
    // pages of FIRST_SYNC_LIMIT), one JSON file each, for the `apply_pages` bench to replay.
    if let Some(out) = std::env::var_os("BENCH_SAVE_PAGES") {
        let out = PathBuf::from(out);
        std::fs::create_dir_all(&out).unwrap();
        let st = mgr.lock().unwrap().store.sync_state().unwrap().unwrap();
        let http = Http::new(&url).unwrap();
        let mut cursor = clientbase_sync::Cursor {
            epoch: st.cursor.epoch.clone(),
            version: 0,
        };
        for i in 0.. {
            let page: PullResponse = http
                .post(
                    paths::PULL,
                    Some(&st.access_token),
                    &PullRequest {
                        cursor: Some(cursor.clone()),
                        limit: clientbase_sync_client::FIRST_SYNC_LIMIT,
                        refetch: vec![],
                    },
                )
                .unwrap();
            std::fs::write(
                out.join(format!("page-{i:03}.json")),
                serde_json::to_vec(&page).unwrap(),
            )
            .unwrap();
            cursor = page.cursor.clone();
            if !page.more {
                break;
            }
        }
        println!("pages saved in {}", out.display());
    }

    // One page of 2,000 entries applied into a store that has the base already: every change
    // is a repeat (superseded after the merge) — the merge cost without new rows — and into a
    // fresh store (new rows).
    let st = mgr.lock().unwrap().store.sync_state().unwrap().unwrap();
    let http = Http::new(&url).unwrap();
    let page: PullResponse = http
        .post(
            paths::PULL,
            Some(&st.access_token),
            &PullRequest {
                cursor: Some(clientbase_sync::Cursor {
                    epoch: st.cursor.epoch.clone(),
                    version: 0,
                }),
                limit: 2_000,
                refetch: vec![],
            },
        )
        .unwrap();
    let entries = page.entries.len();
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let mut a = mgr.lock().unwrap();
        let mut p = page.clone();
        p.cursor = st.cursor.clone();
        a.store.sync_apply_page(&p).unwrap();
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "apply a page of {entries} entries already merged (100k base): median {:.1} ms ({:.0} entries/s)",
        times[2] * 1e3,
        entries as f64 / times[2]
    );
    let mut times = Vec::new();
    for i in 0..5 {
        let fresh = app(&dir, &format!("fresh{i}.db"));
        connect(&fresh, &url, "maria", "password-1", "maria", false).unwrap();
        let t = Instant::now();
        fresh.lock().unwrap().store.sync_apply_page(&page).unwrap();
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "apply a page of {entries} new entries into an empty store: median {:.1} ms ({:.0} entries/s)",
        times[2] * 1e3,
        entries as f64 / times[2]
    );
    let _ = child.kill();
    let _ = child.wait();
}
