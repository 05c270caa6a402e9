//! Sync server benchmark, against 127.0.0.1 only, bounded in count:
//!
//!     cargo bench -p clientbase-server --bench sync [-- --changes 100000 --devices 200 --rounds 20
//!         --think-ms 1000 --backend sqlite|postgres --phase push|load]
//!
//! 1. Push throughput: one device pushes `--changes` client inserts in batches of 1,000 over HTTP to
//!    a server whose runtime has ONE worker and ONE blocking thread (one core of server work);
//!    changes/s. Then a fresh manager device pulls everything in pages of 5,000 (initial sync).
//! 2. Load: `--devices` devices (20 reps × N/20 devices each) sync at once: every cycle each pushes 10
//!    changes and pulls; p50/p99/max per push and per pull, and the request rate. Run twice: a closed
//!    loop with no think time (each device starts its next cycle the moment the last answer arrives:
//!    the server is saturated, so latency ≈ devices ÷ throughput, a stress figure), and a closed loop
//!    where each device waits `--think-ms` (uniformly 0.5–1.5×) between cycles — still far more often
//!    than the app syncs, but a load under the server's capacity, where latency is the service time
//!    plus queueing. Both share the 2 cores with the load generator.
//!
//! Runs on SQLite, and on PostgreSQL too when its binaries are installed (a temporary server on
//! 127.0.0.1 as in the tests).

// mimalloc, not glibc malloc: the hot paths allocate many small strings across threads (see
// ARCHITECTURE.md, "Allocator").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../tests/common/mod.rs"]
mod common;

use clientbase_server::http::bind;
use clientbase_server::{Config, Service};
use clientbase_sync::{
    paths, LoginResponse, Op, PullResponse, PushResponse, Role, HEADER_PROTOCOL, HEADER_SCHEMA,
    PROTOCOL_VERSION, SYNC_SCHEMA_VERSION,
};
use common::{Device, Fixture, Kind};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn post<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> T {
    let mut r = http
        .post(format!("{base}{path}"))
        .header(HEADER_PROTOCOL, PROTOCOL_VERSION.to_string())
        .header(HEADER_SCHEMA, SYNC_SCHEMA_VERSION.to_string())
        .json(body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let r = r.send().await.expect("request");
    let status = r.status();
    let text = r.text().await.expect("body");
    assert!(status.is_success(), "{path}: {status} {text}");
    serde_json::from_str(&text).expect("json")
}

/// Starts a server on its own runtime (`workers` async workers, `blocking` blocking threads).
fn start(svc: Arc<Service>, workers: usize, blocking: usize) -> (String, tokio::runtime::Runtime) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .max_blocking_threads(blocking)
        .enable_all()
        .build()
        .unwrap();
    let addr = rt.block_on(async {
        let (addr, fut) = bind(svc, "127.0.0.1:0".parse().unwrap(), None, false)
            .await
            .unwrap();
        tokio::spawn(fut);
        addr
    });
    (format!("http://{addr}"), rt)
}

/// A new client as the app writes it (the signed-in user as its owner).
fn client_change(d: &mut Device, i: usize, owner: &str) -> clientbase_sync::Change {
    d.change(
        "clients",
        &format!("{}-{i:07}", d.id),
        Op::Insert,
        json!({
            "kind": "person", "first_name": format!("Name{i}"), "last_name": "Surname", "org_name": "Company Ltd",
            "phones": "[{\"e164\":\"+380671234567\",\"label\":\"mobile\"}]", "emails": "[]", "notes": "likes tea",
            "owner": owner, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z", "deleted_at": null
        }),
    )
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        return 0.0;
    }
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn throughput(kind: Kind, changes: usize) {
    let Some(f) = Fixture::new(kind) else { return };
    let svc = Arc::new(f.service(Config::default()));
    let co = svc.company_add("Bench").unwrap();
    svc.user_add(&co, "mira", "Mira", Role::Manager, "mira-password")
        .unwrap();
    let (base, server_rt) = start(svc.clone(), 1, 1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        // Built with the workspace, reqwest may carry rustls without a provider (the sync client's
        // features): install ring's, as the server and the sync client do.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::new();
        let login = |dev: &str| json!({"login": "mira", "password": "mira-password", "device_id": dev});
        let l: LoginResponse = post(&http, &base, paths::LOGIN, None, &login("bench-pusher")).await;
        let mut d = Device::new("bench-pusher");
        let batch = 1000;
        let bodies: Vec<Value> = (0..changes.div_ceil(batch))
            .map(|b| {
                let n = batch.min(changes - b * batch);
                let cs: Vec<_> = (0..n).map(|i| client_change(&mut d, b * batch + i, &l.user.id)).collect();
                json!({ "changes": cs })
            })
            .collect();
        let t = Instant::now();
        for body in &bodies {
            let r: PushResponse = post(&http, &base, paths::PUSH, Some(&l.access_token), body).await;
            assert_eq!(r.results.len(), body["changes"].as_array().unwrap().len());
        }
        let push_s = t.elapsed().as_secs_f64();
        println!(
            "[{kind:?}] push: {changes} changes in {push_s:.2} s = {:.0} changes/s (batches of {batch}, server on 1 worker + 1 blocking thread)",
            changes as f64 / push_s
        );
        let l2: LoginResponse = post(&http, &base, paths::LOGIN, None, &login("bench-fresh")).await;
        let t = Instant::now();
        let mut cursor = None;
        let mut entries = 0;
        loop {
            let p: PullResponse = post(&http, &base, paths::PULL, Some(&l2.access_token), &json!({"cursor": cursor, "limit": 5000})).await;
            entries += p.entries.len();
            cursor = Some(p.cursor);
            if !p.more {
                break;
            }
        }
        let pull_s = t.elapsed().as_secs_f64();
        println!(
            "[{kind:?}] initial pull: {entries} entries ({changes} clients) in {pull_s:.2} s = {:.0} entries/s (pages of 5000)",
            entries as f64 / pull_s
        );
    });
    drop(server_rt);
}

fn load(kind: Kind, devices: usize, rounds: usize, think_ms: u64) {
    let Some(f) = Fixture::new(kind) else { return };
    // Every device logs in from 127.0.0.1 here: a budget for all of them (not part of the figures).
    let svc = Arc::new(f.service(Config {
        ip_login_burst: devices as u32 + 1,
        ..Config::default()
    }));
    let co = svc.company_add("Bench").unwrap();
    let reps = 20.min(devices);
    for r in 0..reps {
        svc.user_add(&co, &format!("rep{r}"), "Rep", Role::Rep, "rep-password")
            .unwrap();
    }
    let (base, server_rt) = start(svc.clone(), 2, 64);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let http = reqwest::Client::builder().pool_max_idle_per_host(devices).build().unwrap();
        // Log every device in first (argon2 checks are deliberately slow; not part of the figures).
        let mut logins = Vec::new();
        for i in 0..devices {
            let (http, base) = (http.clone(), base.clone());
            logins.push(tokio::spawn(async move {
                let body = json!({"login": format!("rep{}", i % reps), "password": "rep-password", "device_id": format!("dev{i:03}")});
                let l: LoginResponse = post(&http, &base, paths::LOGIN, None, &body).await;
                (l.access_token, l.user.id)
            }));
        }
        let mut tokens = Vec::new();
        for l in logins {
            tokens.push(l.await.unwrap());
        }
        let start = Instant::now();
        let mut tasks = Vec::new();
        for (i, (token, user)) in tokens.into_iter().enumerate() {
            let (http, base) = (http.clone(), base.clone());
            tasks.push(tokio::spawn(async move {
                let mut d = Device::new(&format!("dev{i:03}"));
                let (mut push_ms, mut pull_ms) = (Vec::new(), Vec::new());
                let mut cursor: Option<clientbase_sync::Cursor> = None;
                for r in 0..rounds {
                    if think_ms > 0 {
                        // Devices start spread over 0–1.5× the think time, then think 0.5–1.5× between cycles.
                        let lo = if r == 0 { 0 } else { think_ms / 2 };
                        let ms = rand::random_range(lo..=think_ms + think_ms / 2);
                        tokio::time::sleep(Duration::from_millis(ms)).await;
                    }
                    let cs: Vec<_> = (0..10).map(|k| client_change(&mut d, r * 10 + k, &user)).collect();
                    let t = Instant::now();
                    let _: PushResponse = post(&http, &base, paths::PUSH, Some(&token), &json!({ "changes": cs })).await;
                    push_ms.push(t.elapsed().as_secs_f64() * 1e3);
                    let t = Instant::now();
                    let p: PullResponse = post(&http, &base, paths::PULL, Some(&token), &json!({"cursor": cursor, "limit": 500})).await;
                    pull_ms.push(t.elapsed().as_secs_f64() * 1e3);
                    cursor = Some(p.cursor);
                }
                (push_ms, pull_ms)
            }));
        }
        let (mut push_ms, mut pull_ms) = (Vec::new(), Vec::new());
        for t in tasks {
            let (a, b) = t.await.unwrap();
            push_ms.extend(a);
            pull_ms.extend(b);
        }
        let total = start.elapsed().as_secs_f64();
        let n = push_ms.len() + pull_ms.len();
        let model = if think_ms == 0 {
            "closed loop, no think time".to_owned()
        } else {
            format!("closed loop, think {}–{} ms between cycles", think_ms / 2, think_ms + think_ms / 2)
        };
        println!(
            "[{kind:?}] {devices} devices × {rounds} sync cycles (push 10 + pull), {model}: {n} requests in {total:.2} s = {:.0} req/s",
            n as f64 / total
        );
        println!(
            "[{kind:?}]   push (10 changes): p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
            pct(&mut push_ms, 0.5),
            pct(&mut push_ms, 0.99),
            pct(&mut push_ms, 1.0)
        );
        println!(
            "[{kind:?}]   pull:              p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
            pct(&mut pull_ms, 0.5),
            pct(&mut pull_ms, 0.99),
            pct(&mut pull_ms, 1.0)
        );
    });
    drop(server_rt);
    std::thread::sleep(Duration::from_millis(100));
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` runs this too: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let changes = arg("--changes", if quick { 2000 } else { 100_000 });
    let devices = arg("--devices", if quick { 20 } else { 200 });
    let rounds = arg("--rounds", if quick { 2 } else { 20 });
    let think_ms = arg("--think-ms", if quick { 50 } else { 1000 }) as u64;
    let text = |name: &str| {
        let args: Vec<String> = std::env::args().collect();
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let backend = text("--backend");
    let phase = text("--phase");
    for kind in [Kind::Sqlite, Kind::Postgres] {
        if backend
            .as_deref()
            .is_some_and(|b| !format!("{kind:?}").eq_ignore_ascii_case(b))
        {
            continue;
        }
        if phase.as_deref() != Some("load") {
            throughput(kind, changes);
        }
        if phase.as_deref() != Some("push") {
            load(kind, devices, rounds, 0);
            if think_ms > 0 {
                load(kind, devices, rounds, think_ms);
            }
        }
    }
}
