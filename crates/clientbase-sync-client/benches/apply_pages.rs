//! The device side of a first sync without the network or the server: the pages a fresh
//! device pulls, saved by `BENCH_SAVE_PAGES=DIR cargo bench --bench sync_device`, decoded and
//! applied into fresh stores as `sync_round` does (`sync_apply_page_index_later` per page, then
//! `reload_index`). Prints per run the decoding, the applying and the index build, and the
//! process's CPU time (less disturbed than wall time by other load on the machine).
//!
//! `BENCH_PER_PAGE=1` prints each page's apply time too.
//!
//!     BENCH_PAGES=DIR [BENCH_RUNS=3] cargo bench -p clientbase-sync-client --bench apply_pages

// mimalloc, not glibc malloc: as every binary (see ARCHITECTURE.md, "Allocator").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clientbase_core::api::{App, Platform};
use clientbase_sync::{LoginResponse, PullResponse, Role, User};
use std::path::PathBuf;
use std::time::Instant;

/// User + system CPU seconds of this process so far.
fn cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// CPU seconds of the calling thread so far (the scheduler's nanoseconds on a CPU).
fn thread_cpu_s() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

fn main() {
    let dir = PathBuf::from(std::env::var_os("BENCH_PAGES").expect("BENCH_PAGES=DIR"));
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let bodies: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    let first: PullResponse = serde_json::from_slice(&bodies[0]).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    for run in 0..runs {
        let path = tmp.path().join(format!("device{run}.db"));
        let mut app = App::open(path.to_str().unwrap(), Platform::Desktop).unwrap();
        app.store
            .sync_connect(
                "http://127.0.0.1:1",
                &LoginResponse {
                    user: User {
                        id: "maria".into(),
                        login: "maria".into(),
                        name: "maria".into(),
                        role: Role::Manager,
                        disabled: false,
                    },
                    company_id: "acme".into(),
                    company_name: "Acme".into(),
                    device_id: "bench".into(),
                    access_token: "t".into(),
                    access_expires_in: 3600,
                    refresh_token: "r".into(),
                    epoch: first.cursor.epoch.clone(),
                    last_seq: 0,
                },
            )
            .unwrap();
        let (cpu0, t0) = (cpu_s(), Instant::now());
        let (mut decode_s, mut apply_s, mut entries) = (0.0, 0.0, 0);
        let (mut decode_cpu, mut apply_cpu) = (0.0, 0.0);
        // `BENCH_DECODE_AHEAD=1`: each next page decoded on another thread while this one is
        // applied (as the sync client's page fetched ahead), the decode time being the wait.
        let ahead = std::env::var_os("BENCH_DECODE_AHEAD").is_some();
        let mut next: Option<std::thread::JoinHandle<PullResponse>> = None;
        for (i, b) in bodies.iter().enumerate() {
            let (t, c) = (Instant::now(), thread_cpu_s());
            let page: PullResponse = match next.take() {
                Some(h) => h.join().unwrap(),
                None => serde_json::from_slice(b).unwrap(),
            };
            if ahead {
                if let Some(nb) = bodies.get(i + 1) {
                    let nb = nb.clone();
                    next = Some(std::thread::spawn(move || {
                        serde_json::from_slice(&nb).unwrap()
                    }));
                }
            }
            decode_s += t.elapsed().as_secs_f64();
            decode_cpu += thread_cpu_s() - c;
            entries += page.entries.len();
            let (t, c) = (Instant::now(), thread_cpu_s());
            app.store.sync_apply_page_index_later(&page).unwrap();
            drop(page);
            if std::env::var_os("BENCH_PER_PAGE").is_some() {
                println!(
                    "  page {i}: apply {:.3} s, CPU {:.3} s",
                    t.elapsed().as_secs_f64(),
                    thread_cpu_s() - c
                );
            }
            apply_s += t.elapsed().as_secs_f64();
            apply_cpu += thread_cpu_s() - c;
        }
        let t = Instant::now();
        app.store.reload_index().unwrap();
        let index_s = t.elapsed().as_secs_f64();
        println!(
            "run {run}: {entries} entries in {} pages: total {:.2} s (decode {decode_s:.2} s, apply {apply_s:.2} s, index {index_s:.2} s); CPU of the calling thread: decode {decode_cpu:.2} s, apply {apply_cpu:.2} s; process CPU {:.2} s",
            bodies.len(),
            t0.elapsed().as_secs_f64(),
            cpu_s() - cpu0
        );
        // Pages already merged, applied again (the steady state's repeats: rows known here).
        for n in [0, bodies.len() - 2] {
            let page: PullResponse = serde_json::from_slice(&bodies[n]).unwrap();
            let (t, c) = (Instant::now(), thread_cpu_s());
            app.store.sync_apply_page(&page).unwrap();
            println!(
                "  page {n} ({} entries) applied again: {:.2} s, CPU of the calling thread {:.2} s",
                page.entries.len(),
                t.elapsed().as_secs_f64(),
                thread_cpu_s() - c
            );
        }
        drop(app);
    }
}
