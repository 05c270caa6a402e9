//! Criterion benches of the store: bulk insert, open with 100k clients (to the first page, to the
//! index ready), keystroke queries, single create. (`search_latency` prints p50/p99 per script and length.)

// mimalloc, not glibc malloc: the hot paths allocate many small strings across threads (see
// ARCHITECTURE.md, "Allocator").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clientbase_core::model::{ClientInput, ListQuery, Phone, PhoneKind};
use clientbase_core::Store;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::hint::black_box;

const N: usize = 100_000;

fn bulk(c: &mut Criterion) {
    let mut g = c.benchmark_group("bulk_insert");
    g.sample_size(10).throughput(Throughput::Elements(N as u64));
    g.bench_function("load_demo_100k", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let s = Store::open(dir.path().join("b.db").to_str().unwrap()).unwrap();
                (dir, s)
            },
            |(dir, mut s)| {
                s.load_demo(N).unwrap();
                (dir, s)
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn with_100k(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("o.db").to_str().unwrap().to_owned();
    Store::open(&path).unwrap().load_demo(N).unwrap();

    let mut g = c.benchmark_group("open_100k");
    g.sample_size(10);
    // The first screen: open + the unfiltered first page, which `name_order` answers while the
    // index is built in the background. The index is waited for outside the timing, so that no
    // loader thread of an earlier iteration competes with the next one.
    g.bench_function("open_to_first_page", |b| {
        b.iter_custom(|iters| {
            let mut total = std::time::Duration::ZERO;
            for _ in 0..iters {
                let t = std::time::Instant::now();
                let mut s = Store::open(&path).unwrap();
                let page = s
                    .list_clients(&ListQuery {
                        limit: 50,
                        ..Default::default()
                    })
                    .unwrap();
                black_box(page.rows.len());
                total += t.elapsed();
                s.wait_for_index().unwrap();
            }
            total
        })
    });
    // Open until the search index is built (the first typed query waits for this).
    g.bench_function("open_to_index_ready", |b| {
        b.iter(|| {
            let mut s = Store::open(&path).unwrap();
            s.wait_for_index().unwrap();
            black_box(s.index_ready())
        })
    });
    g.finish();

    let mut s = Store::open(&path).unwrap();
    let mut g = c.benchmark_group("list_clients_100k");
    g.warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    for q in [
        "m",
        "mül",
        "schmi",
        "с",
        "сем",
        "семен",
        "σ",
        "σοφ",
        "σοφια",
        "王",
        "秀英",
        "671",
        "67123",
    ] {
        g.bench_function(q, |b| {
            b.iter(|| {
                black_box(
                    s.list_clients(&ListQuery {
                        text: q.into(),
                        limit: 50,
                        ..Default::default()
                    })
                    .unwrap()
                    .total,
                )
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("create_client");
    let mut i = 0u32;
    g.bench_function("single_commit_at_100k", |b| {
        b.iter(|| {
            i += 1;
            let input = ClientInput {
                first_name: format!("Bench{i}"),
                last_name: "Client".into(),
                phones: vec![Phone {
                    kind: PhoneKind::Mobile,
                    raw: format!("+38067{:07}", 1_000_000 + i),
                    e164: None,
                }],
                ..Default::default()
            };
            black_box(s.create_client(input).unwrap());
        })
    });
    g.finish();
}

criterion_group!(benches, bulk, with_100k);
criterion_main!(benches);
