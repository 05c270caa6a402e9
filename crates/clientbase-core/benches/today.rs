//! The daily loop's hot paths at 100k demo clients, 3,000 tasks and 1M interactions (override with
//! CLIENTBASE_BENCH_INTERACTIONS): the Today screen, the reminders of the next 30 days, and one
//! logged interaction (a commit). Prints p50/p99 over repeated calls, then criterion means.

// mimalloc, not glibc malloc: the hot paths allocate many small strings across threads (see
// ARCHITECTURE.md, "Allocator").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clientbase_core::model::{InteractionInput, TaskInput, TaskKind};
use clientbase_core::store::activity::{KIND_CALL, OUTCOME_REACHED};
use clientbase_core::Store;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::time::{Duration, Instant};

const CLIENTS: usize = 100_000;
const TASKS: usize = 3_000;

fn percentiles(name: &str, runs: usize, mut f: impl FnMut()) {
    let mut ms: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    let p = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    println!(
        "{name:<34} p50 {:>7.3} ms  p99 {:>7.3} ms  max {:>7.3} ms  ({runs} runs)",
        p(0.5),
        p(0.99),
        ms[ms.len() - 1]
    );
}

fn bench(c: &mut Criterion) {
    let interactions: usize = std::env::var("CLIENTBASE_BENCH_INTERACTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("today.db").to_str().unwrap().to_owned();
    let now = chrono::Local::now();
    {
        let mut s = Store::open(&path).unwrap();
        let t = Instant::now();
        s.load_demo(CLIENTS).unwrap();
        println!(
            "setup: {CLIENTS} demo clients in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let t = Instant::now();
        s.add_demo_activity(&now, TASKS, interactions).unwrap();
        println!(
            "setup: {TASKS} tasks + {interactions} interactions (with change-log rows) in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        // Some birthdays of the week already congratulated.
        let week = s.today(&now).unwrap().birthdays;
        for b in week.iter().step_by(3) {
            s.congratulate(&b.client_id, b.contact_id.as_deref(), None, "", &now)
                .unwrap();
        }
    }
    // A fresh open, as at app start.
    let mut s = Store::open(&path).unwrap();
    let t = Instant::now();
    let today = s.today(&now).unwrap();
    println!(
        "first Today after open: {:.3} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    println!(
        "Today: {:?}; rows {} overdue, {} today, {} birthdays, {} cadence",
        today.counts,
        today.overdue.len(),
        today.due_today.len(),
        today.birthdays.len(),
        today.cadence.len()
    );
    let to = now + chrono::Duration::days(30);
    let n = s.upcoming_reminders(&now, &to, 1000).unwrap().len();
    println!("reminders in 30 days (limit 1000): {n}");

    // What the app asks for at start-up: 8 rows per birthday/cadence section plus exact counts
    // (the rest is paged), and the full answer of 200 rows per section.
    percentiles("today (the app's first answer, 8 rows)", 200, || {
        black_box(s.today_limited(&now, 8).unwrap());
    });
    percentiles("today (200 rows a section)", 200, || {
        black_box(s.today(&now).unwrap());
    });
    percentiles("upcoming_reminders 30 d, 500", 200, || {
        black_box(s.upcoming_reminders(&now, &to, 500).unwrap());
    });
    percentiles("upcoming_reminders 30 d, 64", 200, || {
        black_box(s.upcoming_reminders(&now, &to, 64).unwrap());
    });
    let ids: Vec<String> = today.cadence.iter().map(|r| r.client_id.clone()).collect();
    let mut i = 0usize;
    let mut log = |s: &mut Store, callback: bool| {
        i += 1;
        let input = InteractionInput {
            client_id: ids[i % ids.len()].clone(),
            kind_id: KIND_CALL.into(),
            outcome_id: Some(OUTCOME_REACHED.into()),
            note: "bench".into(),
            complete_calls: true,
            callback: callback.then(|| TaskInput {
                due_at: (now + chrono::Duration::days(1)).to_rfc3339(),
                kind: TaskKind::Call,
                remind_offset_minutes: Some(10),
                ..Default::default()
            }),
            ..Default::default()
        };
        black_box(s.log_interaction(input, &chrono::Local::now()).unwrap());
    };
    percentiles("log_interaction (commit)", 200, || log(&mut s, false));
    percentiles("log_interaction + callback", 200, || log(&mut s, true));

    let mut g = c.benchmark_group("today_100k");
    g.warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    g.bench_function("today_8", |b| {
        b.iter(|| black_box(s.today_limited(&now, 8).unwrap()))
    });
    g.bench_function("today_200", |b| {
        b.iter(|| black_box(s.today(&now).unwrap()))
    });
    g.bench_function("upcoming_reminders_30d_500", |b| {
        b.iter(|| black_box(s.upcoming_reminders(&now, &to, 500).unwrap()))
    });
    g.bench_function("log_interaction", |b| b.iter(|| log(&mut s, false)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
