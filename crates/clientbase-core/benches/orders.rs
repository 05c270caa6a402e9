//! Orders and client value at 100k demo clients and 1M orders (override with
//! CLIENTBASE_BENCH_ORDERS): a card's totals, loading the in-memory orders, every analysis
//! (ABC, VIP, RFM, value score, tiers, lost), the BG/NBD fit, the lost list, the client list
//! filtered by a segment, charts. Prints p50/p99 over repeated calls (bench binary; run with
//! `cargo bench -p clientbase-core --bench orders`).

// mimalloc, not glibc malloc: the hot paths allocate many small strings across threads (see
// ARCHITECTURE.md, "Allocator").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clientbase_core::orders_model::*;
use clientbase_core::Store;
use std::time::Instant;

const CLIENTS: usize = 100_000;

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
        "{name:<44} p50 {:>8.3} ms  p99 {:>8.3} ms  max {:>8.3} ms  ({runs} runs)",
        p(0.5),
        p(0.99),
        ms[ms.len() - 1]
    );
}

fn main() {
    // `cargo bench` passes `--bench`; anything else (e.g. a filter) is ignored.
    let orders: usize = std::env::var("CLIENTBASE_BENCH_ORDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orders.db").to_str().unwrap().to_owned();
    {
        let mut s = Store::open(&path).unwrap();
        let t = Instant::now();
        s.load_demo(CLIENTS).unwrap();
        println!(
            "setup: {CLIENTS} demo clients in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let t = Instant::now();
        let n = s.add_demo_orders(orders).unwrap();
        println!(
            "setup: {n} orders and payments (with change-log rows) in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let mut s = Store::open(&path).unwrap();
    s.wait_for_index().unwrap();
    let total: i64 = s
        .connection()
        .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
        .unwrap();
    println!("orders in the base: {total}");

    // A card's totals: clients drawn across the base (ordered by id, every 97th).
    let ids: Vec<String> = {
        let mut st = s
            .connection()
            .prepare("SELECT id FROM clients ORDER BY id")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .step_by(97)
            .collect()
    };
    let mut i = 0;
    percentiles("client_totals (card)", 1000, || {
        let t = s.client_totals(&ids[i % ids.len()]).unwrap();
        std::hint::black_box(t);
        i += 1;
    });

    percentiles("load in-memory orders (cold)", 5, || {
        s.invalidate_orders();
        s.orders_load_ms().unwrap();
    });

    let period = |kind| AnalysisQuery {
        kind,
        from: None,
        to: None,
        ..Default::default()
    };
    for (name, kind) in [
        ("analysis ABC (all time, 50 rows)", AnalysisKind::Abc),
        ("analysis VIP (all time)", AnalysisKind::Vip),
        ("analysis RFM (all time)", AnalysisKind::Rfm),
        ("analysis value score", AnalysisKind::Value),
        ("analysis tiers", AnalysisKind::Tier),
        ("analysis lost", AnalysisKind::Lost),
    ] {
        s.analysis(&period(kind)).unwrap();
        percentiles(name, 10, || {
            s.drop_analysis_caches();
            std::hint::black_box(s.analysis(&period(kind)).unwrap());
        });
    }
    let month = AnalysisQuery {
        kind: AnalysisKind::Vip,
        from: Some(
            (chrono::Local::now().date_naive() - chrono::Duration::days(30))
                .format("%Y-%m-%d")
                .to_string(),
        ),
        ..Default::default()
    };
    percentiles("analysis VIP (last 30 days)", 10, || {
        s.drop_analysis_caches();
        std::hint::black_box(s.analysis(&month).unwrap());
    });
    let mut page = period(AnalysisKind::Rfm);
    page.offset = 5_000;
    percentiles("next page of the same result (cached)", 20, || {
        std::hint::black_box(s.analysis(&page).unwrap());
    });

    // BG/NBD: each run drops the cached fit (and the in-memory orders, reloaded first, untimed).
    let mut fits = Vec::new();
    let mut model = None;
    for _ in 0..3 {
        s.invalidate_orders();
        s.orders_load_ms().unwrap();
        let t = Instant::now();
        let r = s.analysis(&period(AnalysisKind::Churn)).unwrap();
        let wall = t.elapsed().as_secs_f64() * 1000.0;
        let m = r.churn.unwrap();
        fits.push((m.fit_ms, wall));
        model = Some(m);
    }
    let m = model.unwrap();
    println!(
        "BG/NBD: {} customers ({} repeat), {:.0} weeks, enough history: {}, r {:.4} α {:.3} a {:.4} b {:.4}",
        m.customers,
        m.repeat_customers,
        m.weeks_of_history,
        m.enough_history,
        m.r.unwrap_or(f64::NAN),
        m.alpha.unwrap_or(f64::NAN),
        m.a.unwrap_or(f64::NAN),
        m.b.unwrap_or(f64::NAN)
    );
    for (fit, wall) in fits {
        println!(
            "BG/NBD fit {fit:>8.1} ms; churn analysis incl. fit, P(alive), E[90 d] {wall:>8.1} ms"
        );
    }
    percentiles("analysis churn (fit cached)", 5, || {
        std::hint::black_box(s.analysis(&period(AnalysisKind::Churn)).unwrap());
    });

    percentiles("lost_clients (by value, 50 rows)", 10, || {
        s.drop_analysis_caches();
        std::hint::black_box(s.lost_clients(&LostQuery::default()).unwrap());
    });

    let seg = SegmentFilter {
        kind: AnalysisKind::Abc,
        group: "A".into(),
        ..Default::default()
    };
    let q = clientbase_core::model::ListQuery {
        segment: Some(seg),
        ..Default::default()
    };
    s.drop_analysis_caches();
    let t = Instant::now();
    let first = s.list_clients(&q).unwrap();
    println!(
        "list filtered by ABC group A: first page {:.1} ms ({} clients)",
        t.elapsed().as_secs_f64() * 1000.0,
        first.total
    );
    percentiles("list page filtered by a segment (cached)", 20, || {
        std::hint::black_box(s.list_clients(&q).unwrap());
    });
    for chart in [ChartKind::RevenueByMonth, ChartKind::TierDistribution] {
        let cq = ChartQuery {
            chart,
            ..Default::default()
        };
        percentiles(&format!("chart {chart:?}"), 5, || {
            s.drop_analysis_caches();
            std::hint::black_box(s.chart(&cq).unwrap());
        });
    }
}
