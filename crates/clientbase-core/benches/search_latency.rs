//! Plain bench binary (no criterion): loads 100k demo clients, reports bulk-insert throughput,
//! time from `Store::open` to a usable first list page, and p50/p99 of `list_clients` keystroke
//! queries (50 results) per script and input length.
//! Run: `cargo bench -p clientbase-core --bench search_latency`. `CLIENTBASE_BENCH_N` overrides 100000;
//! `CLIENTBASE_BENCH_BULK_REPS=k` measures only `insert_bulk`, k times (see [`bulk_reps`]).

// mimalloc, not glibc malloc: the hot paths allocate many small strings across threads (see
// ARCHITECTURE.md, "Allocator").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clientbase_core::model::{ListQuery, SortOrder};
use clientbase_core::Store;
use std::time::Instant;

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

/// User + system CPU seconds of the calling thread (Linux; 0 elsewhere).
fn thread_cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(')').map(|x| x.1).unwrap_or("");
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    if f.len() < 13 {
        return 0.0;
    }
    (f[11] + f[12]) / 100.0
}

/// User + system CPU seconds of the whole process (Linux; 0 elsewhere).
fn process_cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(')').map(|x| x.1).unwrap_or("");
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    if f.len() < 13 {
        return 0.0;
    }
    (f[11] + f[12]) / 100.0
}

/// `CLIENTBASE_BENCH_BULK_REPS=k`: only `Store::insert_bulk` of the same n generated demo clients
/// into k fresh bases — wall time (a shared machine's load inflates it) and CPU time (the calling
/// thread's, and the whole process's incl. the index and name-key threads), which the load
/// inflates far less. After each: the time the first typed query then waits (for the index's
/// postings, which the load builds last, and may not have finished), and a pause so that one
/// rep's background work (checkpoint, frees) does not run into the next.
fn bulk_reps(n: usize, reps: usize) {
    let items = clientbase_core::demo::generate(0xC11E_27BA5E, n, 1_760_000_000_000, "bench");
    let (mut walls, mut threads, mut procs, mut texts) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..reps {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path().join("b.db").to_str().unwrap()).unwrap();
        store.wait_for_index().unwrap();
        let batch = items.clone();
        let (cpu0, proc0, t) = (thread_cpu_s(), process_cpu_s(), Instant::now());
        store.insert_bulk(batch).unwrap();
        walls.push(t.elapsed().as_secs_f64());
        threads.push(thread_cpu_s() - cpu0);
        procs.push(process_cpu_s() - proc0);
        // The first typed query waits for postings still being built after the load.
        let t = Instant::now();
        let page = store
            .list_clients(&ListQuery {
                text: "an".into(),
                limit: 50,
                ..Default::default()
            })
            .unwrap();
        assert!(page.total > 0);
        texts.push(t.elapsed().as_secs_f64());
        let phases: Vec<String> = store
            .bulk_phases_ms
            .iter()
            .map(|(k, ms)| format!("{k} {ms:.0}"))
            .collect();
        println!(
            "  insert_bulk {n}: {:.3} s = {:.0} clients/s; calling thread CPU {:.2} s, process CPU {:.2} s; \
             phases (ms): {}; then first text query {:.0} ms; load average {}",
            walls.last().unwrap(),
            n as f64 / walls.last().unwrap(),
            threads.last().unwrap(),
            procs.last().unwrap(),
            phases.join(", "),
            texts.last().unwrap() * 1000.0,
            loadavg()
        );
        // The load's background work (WAL checkpoint, freeing the items) ends before the next rep.
        drop(store);
        std::thread::sleep(std::time::Duration::from_millis(1500));
    }
    let best = pct(&mut walls.clone(), 0.0);
    println!(
        "insert_bulk {n} demo clients, {reps} runs: best {best:.3} s = {:.0} clients/s, median {:.3} s; \
         calling thread CPU median {:.2} s, process CPU median {:.2} s; then first text query median {:.0} ms",
        n as f64 / best,
        pct(&mut walls, 0.5),
        pct(&mut threads, 0.5),
        pct(&mut procs, 0.5),
        pct(&mut texts, 0.5) * 1000.0
    );
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split(' ')
        .next()
        .unwrap_or("")
        .to_owned()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let n: usize = std::env::var("CLIENTBASE_BENCH_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    if let Some(reps) = std::env::var("CLIENTBASE_BENCH_BULK_REPS")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        bulk_reps(n, reps);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.db");
    let path = path.to_str().unwrap();

    let mut store = Store::open(path).unwrap();
    let t = Instant::now();
    let cpu0 = thread_cpu_s();
    store.load_demo(n).unwrap();
    let secs = t.elapsed().as_secs_f64();
    let cpu = thread_cpu_s() - cpu0;
    let phase_s = |name: &str| {
        store
            .bulk_phases_ms
            .iter()
            .find(|(k, _)| *k == name)
            .map_or(0.0, |(_, ms)| ms / 1000.0)
    };
    let (gen_s, activity_s) = (phase_s("generate"), phase_s("demo activity"));
    let insert_s = secs - gen_s - activity_s;
    println!(
        "bulk insert: {n} demo clients in {insert_s:.3} s = {:.0} clients/s (DB rows, change log, lookup keys, name order, search index; \
         not counted: generating the demo data {gen_s:.3} s, the demo tasks and interactions {activity_s:.3} s; load_demo {secs:.3} s)",
        n as f64 / insert_s,
    );
    let phases: Vec<String> = store
        .bulk_phases_ms
        .iter()
        .map(|(k, ms)| format!("{k} {ms:.0} ms"))
        .collect();
    println!(
        "  phases: {}; calling thread CPU {cpu:.2} s; load average {}",
        phases.join(", "),
        loadavg()
    );
    let stats = store.stats().unwrap();
    println!(
        "  contacts {}, change_log rows {}",
        stats.contacts, stats.change_log_rows
    );
    drop(store);
    if std::env::var("CLIENTBASE_BENCH_ONLY_LOAD").is_ok() {
        return;
    }

    {
        let s = Store::open(path).unwrap();
        let t = Instant::now();
        let mut st = s
            .connection()
            .prepare("SELECT id, kind, first_name, last_name, middle_name, org_name, subtitle, city, phone_display, phone_digits, search_extra, category_id, tags, birthday_day, birthday_month, birthday_year, created_at, search_notes FROM clients WHERE deleted_at IS NULL")
            .unwrap();
        let mut rows = st.query([]).unwrap();
        let mut bytes = 0usize;
        while let Some(r) = rows.next().unwrap() {
            for i in 0..18 {
                if let Ok(v) = r.get_ref(i).unwrap().as_str() {
                    bytes += v.len();
                }
            }
        }
        println!(
            "  bare SQLite scan of the list columns: {:.1} ms ({bytes} bytes of text)",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    let (mut opens, mut readies) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let t = Instant::now();
        let mut s = Store::open(path).unwrap();
        let page = s
            .list_clients(&ListQuery {
                limit: 50,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(page.rows.len(), 50);
        opens.push(t.elapsed().as_secs_f64() * 1000.0);
        s.wait_for_index().unwrap();
        readies.push(t.elapsed().as_secs_f64() * 1000.0);
        println!(
            "  open: first page {:.1} ms; index loader: read rows {:.1} ms, build index {:.1} ms",
            opens.last().unwrap(),
            s.open_read_ms,
            s.open_index_ms
        );
    }
    println!(
        "open with {n} clients → first list page: median {:.1} ms, max {:.1} ms; → search index ready: median {:.1} ms, max {:.1} ms",
        pct(&mut opens.clone(), 0.5),
        pct(&mut opens, 1.0),
        pct(&mut readies.clone(), 0.5),
        pct(&mut readies, 1.0)
    );

    let mut store = Store::open(path).unwrap();
    // Steady state: the keystrokes below measure the index, not its start-up (reported above).
    store.wait_for_index().unwrap();
    let scripts: &[(&str, &[&str])] = &[
        (
            "latin",
            &[
                "m", "mü", "mul", "mulle", "s", "sc", "sch", "schmi", "j", "jo", "joh", "johns",
                "a", "an", "ann", "annam",
            ],
        ),
        (
            "cyrillic",
            &[
                "с",
                "се",
                "сем",
                "семен",
                "к",
                "ко",
                "ков",
                "коваль",
                "і",
                "ів",
                "іва",
                "івано",
                "а",
                "ал",
                "але",
                "алёна",
            ],
        ),
        (
            "greek",
            &[
                "π",
                "πα",
                "παπ",
                "παπαδ",
                "σ",
                "σο",
                "σοφ",
                "σοφια",
                "ν",
                "νι",
                "νικ",
                "νικολ",
                "ε",
                "ελ",
                "ελε",
                "ελενη",
            ],
        ),
        (
            "chinese",
            &[
                "王",
                "秀",
                "李",
                "张",
                "秀英",
                "王秀",
                "欧阳",
                "上海",
                "王秀英",
                "欧阳秀",
                "上海华",
                "北京东",
            ],
        ),
        (
            "phone",
            &[
                "6", "67", "671", "67123", "9", "91", "912", "91234", "0", "06", "069", "38067",
            ],
        ),
    ];
    let iters = 200;
    println!("list_clients keystroke queries at {n} clients (limit 50, sort by name), {iters} runs each:");
    println!(
        "{:<10} {:>4} {:>9} {:>9} {:>9} {:>8}",
        "script", "len", "p50 ms", "p99 ms", "max ms", "hits"
    );
    for (script, inputs) in scripts {
        for len in [1usize, 2, 3, 5] {
            let qs: Vec<&str> = inputs
                .iter()
                .copied()
                .filter(|q| q.chars().count() == len)
                .collect();
            if qs.is_empty() {
                continue;
            }
            let mut times = Vec::new();
            let mut hits = 0;
            for i in 0..iters {
                let q = ListQuery {
                    text: qs[i % qs.len()].into(),
                    limit: 50,
                    sort: SortOrder::Name,
                    ..Default::default()
                };
                let t = Instant::now();
                let page = store.list_clients(&q).unwrap();
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                hits = hits.max(page.total);
            }
            let (p50, p99, max) = (
                pct(&mut times, 0.5),
                pct(&mut times, 0.99),
                pct(&mut times, 1.0),
            );
            println!("{script:<10} {len:>4} {p50:>9.3} {p99:>9.3} {max:>9.3} {hits:>8}");
        }
    }
}
