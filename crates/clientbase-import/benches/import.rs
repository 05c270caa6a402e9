//! Import and export of 100k clients (the demo base, exported by this crate):
//! - CSV and XLSX: read, convert with the proposed mapping, and both together (the target
//!   for the core is ≤ 2 s including the database; this part should stay well under 1 s);
//! - export of 100k clients to XLSX (target ≤ 3 s), CSV and vCard.
//!
//! Prints one-shot figures first (phase by phase), then runs the criterion benches.
//! Run: `cargo bench -p clientbase-import --bench import`.

// mimalloc, not glibc malloc: the hot paths allocate many small strings across threads (see
// ARCHITECTURE.md, "Allocator").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clientbase_core::model::{Category, Client};
use clientbase_import::*;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::time::Instant;

const N: usize = 100_000;

struct Fixture {
    clients: Vec<Client>,
    csv: Vec<u8>,
    xlsx: Vec<u8>,
    cats: Vec<Category>,
}

fn categories() -> Vec<Category> {
    ["a", "b", "c", "d"]
        .iter()
        .enumerate()
        .map(|(i, s)| Category {
            id: format!("00000000-0000-7000-8000-00000000000{s}"),
            code: s.to_uppercase(),
            name: s.to_uppercase(),
            color: "#000000".into(),
            position: i as i32,
            cadence_days: None,
        })
        .collect()
}

fn fixture() -> Fixture {
    let clients: Vec<Client> = clientbase_core::demo::generate(7, N, 1_700_000_000_000, "me")
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    let cats = categories();
    let labels = HeaderLabels::english();
    let ctx = ExportContext {
        categories: &cats,
        custom_fields: &[],
        labels: &labels,
    };
    let csv = export_csv(&clients, &ctx, b';');
    let xlsx = export_xlsx(&clients, &ctx).unwrap();
    Fixture {
        clients,
        csv,
        xlsx,
        cats,
    }
}

fn import(bytes: &[u8], name: &str, cats: &[Category]) -> (usize, f64, f64) {
    let t = Instant::now();
    let table = read_table(bytes, name, &ReadOptions::default()).unwrap();
    let read = t.elapsed().as_secs_f64();
    let mapping = propose_mapping(table.headers.as_ref().unwrap());
    let opts = ConvertOptions {
        default_country: "UA",
        categories: cats,
        custom_fields: &[],
    };
    let t = Instant::now();
    let rows = convert(&table, &mapping, &opts);
    let conv = t.elapsed().as_secs_f64();
    let errors = rows.iter().filter(|r| r.has_errors()).count();
    assert_eq!(errors, 0, "the demo base converts without errors");
    (rows.len(), read, conv)
}

/// Where conversion time goes: libphonenumber calls, and conversion without phone columns.
fn print_phone_costs(f: &Fixture) {
    use clientbase_core::model::PhoneKind;
    use clientbase_core::phone;
    let raws: Vec<&str> = f
        .clients
        .iter()
        .flat_map(|c| c.data.phones.iter().map(|p| p.raw.as_str()))
        .take(100_000)
        .collect();
    let t = Instant::now();
    for r in &raws {
        black_box(phone::check(r, "UA", PhoneKind::Mobile));
    }
    let check = t.elapsed().as_secs_f64();
    let mut sorted = raws.clone();
    sorted.sort_by_key(|r| r.get(..4).unwrap_or(r).to_owned());
    let t = Instant::now();
    for r in &sorted {
        black_box(phone::check(r, "UA", PhoneKind::Mobile));
    }
    println!(
        "phone::check sorted by prefix: {:.1} µs each",
        t.elapsed().as_secs_f64() * 1e6 / raws.len() as f64
    );
    let t = Instant::now();
    for r in &sorted {
        black_box(phone::to_e164(r, "UA"));
    }
    println!(
        "phone::to_e164 sorted: {:.1} µs each",
        t.elapsed().as_secs_f64() * 1e6 / raws.len() as f64
    );
    let t = Instant::now();
    for r in &raws {
        black_box(phone::to_e164(r, "UA"));
    }
    let e164 = t.elapsed().as_secs_f64();
    println!(
        "{} phones: phone::check {:.1} µs each, phone::to_e164 {:.1} µs each (one thread)",
        raws.len(),
        check * 1e6 / raws.len() as f64,
        e164 * 1e6 / raws.len() as f64
    );
    let table = read_table(&f.csv, "export.csv", &ReadOptions::default()).unwrap();
    let mapping: Vec<Option<ClientTarget>> = propose_mapping(table.headers.as_ref().unwrap())
        .into_iter()
        .map(|t| match t {
            Some(ClientTarget::Phone(_)) | Some(ClientTarget::Contact(_, ContactField::Phone)) => {
                None
            }
            t => t,
        })
        .collect();
    let opts = ConvertOptions {
        default_country: "UA",
        categories: &f.cats,
        custom_fields: &[],
    };
    let t = Instant::now();
    black_box(convert(&table, &mapping, &opts));
    println!(
        "convert 100k rows without the phone columns: {:.0} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
}

/// calamine's own cell loop over the exported workbook, for comparison with `read_table`.
fn print_calamine_cost(f: &Fixture) {
    use calamine::Reader;
    let t = Instant::now();
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(&f.xlsx[..])).unwrap();
    let mut cells = wb.worksheet_cells_reader("Clients").unwrap();
    let mut n = 0usize;
    while let Some(c) = cells.next_cell().unwrap() {
        black_box(c.get_value());
        n += 1;
    }
    drop(cells);
    println!(
        "calamine cell loop alone: {n} cells in {:.0} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let t = Instant::now();
    black_box(wb.merge_cells_by_sheet_name("Clients").unwrap());
    println!(
        "calamine merged-cells scan alone: {:.0} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
}

fn print_figures(f: &Fixture) {
    print_calamine_cost(f);
    print_phone_costs(f);
    let labels = HeaderLabels::english();
    let ctx = ExportContext {
        categories: &f.cats,
        custom_fields: &[],
        labels: &labels,
    };
    println!(
        "\n100k demo clients: CSV {:.1} MB, XLSX {:.1} MB",
        f.csv.len() as f64 / 1e6,
        f.xlsx.len() as f64 / 1e6
    );
    for (name, bytes) in [("export.csv", &f.csv), ("export.xlsx", &f.xlsx)] {
        let (n, read, conv) = import(bytes, name, &f.cats);
        println!(
            "import {name:12} {n} rows: read {:.0} ms + convert {:.0} ms = {:.0} ms ({:.0} rows/s)",
            read * 1e3,
            conv * 1e3,
            (read + conv) * 1e3,
            n as f64 / (read + conv)
        );
    }
    let t = Instant::now();
    let x = export_xlsx(&f.clients, &ctx).unwrap();
    println!(
        "export xlsx (streaming) {} clients: {:.0} ms",
        f.clients.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    black_box(x);
    let t = Instant::now();
    let x = export::export_xlsx_in_memory(&f.clients, &ctx).unwrap();
    println!(
        "export xlsx (in memory) {} clients: {:.0} ms",
        f.clients.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    black_box(x);
    let t = Instant::now();
    black_box(export_csv(&f.clients, &ctx, b';'));
    println!("export csv: {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    black_box(export_vcard(&f.clients, VcardVersion::V3, &ctx));
    println!(
        "export vcard 3.0: {:.0} ms\n",
        t.elapsed().as_secs_f64() * 1e3
    );
}

fn benches(c: &mut Criterion) {
    let f = fixture();
    print_figures(&f);
    let opts = ConvertOptions {
        default_country: "UA",
        categories: &f.cats,
        custom_fields: &[],
    };
    let mut g = c.benchmark_group("import_100k");
    g.sample_size(10).throughput(Throughput::Elements(N as u64));
    for (name, bytes) in [("csv", &f.csv), ("xlsx", &f.xlsx)] {
        let file = format!("export.{name}");
        g.bench_function(format!("read_{name}"), |b| {
            b.iter(|| black_box(read_table(bytes, &file, &ReadOptions::default()).unwrap()))
        });
        let table = read_table(bytes, &file, &ReadOptions::default()).unwrap();
        let mapping = propose_mapping(table.headers.as_ref().unwrap());
        g.bench_function(format!("convert_{name}"), |b| {
            b.iter(|| black_box(convert(&table, &mapping, &opts)))
        });
        g.bench_function(format!("read_and_convert_{name}"), |b| {
            b.iter(|| {
                let t = read_table(bytes, &file, &ReadOptions::default()).unwrap();
                let m = propose_mapping(t.headers.as_ref().unwrap());
                black_box(convert(&t, &m, &opts))
            })
        });
    }
    g.finish();

    let labels = HeaderLabels::english();
    let ctx = ExportContext {
        categories: &f.cats,
        custom_fields: &[],
        labels: &labels,
    };
    let mut g = c.benchmark_group("export_100k");
    g.sample_size(10).throughput(Throughput::Elements(N as u64));
    g.bench_function("xlsx", |b| {
        b.iter(|| black_box(export_xlsx(&f.clients, &ctx).unwrap()))
    });
    g.bench_function("csv", |b| {
        b.iter(|| black_box(export_csv(&f.clients, &ctx, b';')))
    });
    g.finish();
}

criterion_group!(import_export, benches);
criterion_main!(import_export);
