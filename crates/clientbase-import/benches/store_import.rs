//! The import target end to end: 100k rows (the multilingual demo base exported by this
//! crate as CSV and XLSX) read, mapped, converted and imported into a store (validation, duplicate
//! check against the base and within the file, one transaction, index and `name_order`), ≤ 2 s in
//! the core; and the export of 100k clients from a store to XLSX (≤ 3 s). Prints one-shot figures
//! phase by phase (best of `RUNS`). Run: `cargo bench -p clientbase-import --bench store_import`.

// mimalloc, not glibc malloc: the hot paths allocate many small strings across threads (see
// ARCHITECTURE.md, "Allocator").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clientbase_core::model::*;
use clientbase_core::store::import::{ImportPolicy, ImportProgress, ImportRow};
use clientbase_core::Store;
use clientbase_import::*;
use std::time::Instant;

const N: usize = 100_000;
const RUNS: usize = 2;

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// This process's CPU time so far (user + system, all threads) in ms, from /proc (Linux; 0
/// elsewhere): a phase's CPU is steadier than its wall time on a loaded machine.
fn cpu_ms() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // After the command name's closing parenthesis: state is field 3, utime 14, stime 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        f.get(i - 3)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(14) + ticks(15)) * 10.0
}

struct Times {
    read: f64,
    convert: f64,
    /// CPU ms of all threads during read, convert and the store's check.
    cpu_read: f64,
    cpu_convert: f64,
    cpu_check: f64,
    /// CPU ms of all threads while writing and committing.
    cpu_write: f64,
    checking: f64,
    writing: f64,
    indexing: f64,
    store: f64,
    added: u32,
    skipped: u32,
}

impl Times {
    fn total(&self) -> f64 {
        self.read + self.convert + self.store
    }
}

/// Read + map + convert `bytes`, then import into `store` with `action` for duplicates.
fn import(store: &mut Store, bytes: &[u8], name: &str, action: DuplicateAction) -> Times {
    let cats = store.categories().unwrap();
    let defs = store.custom_fields().unwrap();
    let country = store.settings().default_country.clone();
    let (t, c0) = (Instant::now(), cpu_ms());
    let table = read_table(bytes, name, &ReadOptions::default()).unwrap();
    let read = ms(t);
    let (t, c1) = (Instant::now(), cpu_ms());
    let names: Vec<String> = defs.iter().map(|d| d.name.clone()).collect();
    let mapping = propose_mapping_with_custom(table.headers.as_ref().unwrap(), &names);
    let opts = ConvertOptions {
        default_country: &country,
        categories: &cats,
        custom_fields: &defs,
    };
    let rows: Vec<ImportRow> = convert_table(table, &mapping, &opts)
        .into_iter()
        .map(|r| {
            assert!(!r.has_errors(), "{:?}", r.problems);
            ImportRow {
                line: r.line as u32,
                input: r.input,
                new_custom: r.new_custom,
                phones: r.phones,
            }
        })
        .collect();
    let convert = ms(t);
    let (t, c2) = (Instant::now(), cpu_ms());
    let mut marks: Vec<(ImportPhase, f64, f64)> = Vec::new();
    let policy = ImportPolicy {
        default: action,
        decisions: Vec::new(),
    };
    let s = store
        .import_clients(rows, &policy, &mut |p: ImportProgress| {
            if marks.last().map(|m| m.0) != Some(p.phase) {
                marks.push((p.phase, ms(t), cpu_ms()));
            }
            true
        })
        .unwrap();
    let store_ms = ms(t);
    let at = |ph: ImportPhase| {
        marks
            .iter()
            .find(|m| m.0 == ph)
            .map(|m| m.1)
            .unwrap_or(store_ms)
    };
    let cpu_written = marks
        .iter()
        .find(|m| m.0 == ImportPhase::Writing)
        .map_or(c2, |m| m.2);
    let cpu_indexed = marks
        .iter()
        .find(|m| m.0 == ImportPhase::Indexing)
        .map_or(cpu_written, |m| m.2);
    Times {
        read,
        convert,
        cpu_read: c1 - c0,
        cpu_convert: c2 - c1,
        cpu_check: cpu_written - c2,
        cpu_write: cpu_indexed - cpu_written,
        checking: at(ImportPhase::Writing) - at(ImportPhase::Checking),
        writing: at(ImportPhase::Indexing) - at(ImportPhase::Writing),
        indexing: store_ms - at(ImportPhase::Indexing),
        store: store_ms,
        added: s.added,
        skipped: s.skipped,
    }
}

fn best(mut v: Vec<Times>) -> Times {
    v.sort_by(|a, b| a.total().total_cmp(&b.total()));
    v.remove(0)
}

fn print(label: &str, t: &Times) {
    println!(
        "{label:44} read {:5.0} + map/convert {:4.0} + store {:5.0} (check {:4.0}, write+commit {:4.0}, index {:4.0}) = {:5.0} ms  [{} added, {} skipped]; CPU ms read {:.0}, convert {:.0}, check {:.0}, write {:.0}",
        t.read, t.convert, t.store, t.checking, t.writing, t.indexing, t.total(), t.added, t.skipped,
        t.cpu_read, t.cpu_convert, t.cpu_check, t.cpu_write
    );
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let dir = tempfile::tempdir().unwrap();
    let clients: Vec<Client> = clientbase_core::demo::generate(7, N, 1_700_000_000_000, "me")
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    let probe = Store::open(dir.path().join("probe.db").to_str().unwrap()).unwrap();
    let cats = probe.categories().unwrap();
    drop(probe);
    let labels = HeaderLabels::english();
    let ctx = ExportContext {
        categories: &cats,
        custom_fields: &[],
        labels: &labels,
    };
    let csv = export_csv(&clients, &ctx, b',');
    let xlsx = export_xlsx(&clients, &ctx).unwrap();
    drop(clients);
    println!(
        "\n{N} demo clients exported by this crate: CSV {:.1} MB, XLSX {:.1} MB; {} cores; best of {RUNS}",
        csv.len() as f64 / 1e6,
        xlsx.len() as f64 / 1e6,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let mut n = 0;
    let mut fresh = || {
        n += 1;
        Store::open(dir.path().join(format!("b{n}.db")).to_str().unwrap()).unwrap()
    };
    // STORE_IMPORT_ONLY=csv: only the CSV into an empty base (duplicates imported as new), e.g.
    // under a profiler; any other value: only the same file again into its own base.
    let only = std::env::var("STORE_IMPORT_ONLY").unwrap_or_default();
    if only == "csv" {
        for _ in 0..RUNS {
            let t = import(&mut fresh(), &csv, "clients.csv", DuplicateAction::New);
            print("clients.csv into an empty base, as new", &t);
        }
        return;
    }
    for (name, bytes) in [("clients.csv", &csv), ("clients.xlsx", &xlsx)] {
        if !only.is_empty() {
            break;
        }
        // Duplicates are checked (the demo repeats names: `new` imports them anyway, `skip`
        // leaves them out).
        for (action, label) in [
            (DuplicateAction::New, "duplicates imported as new"),
            (DuplicateAction::Skip, "duplicates skipped"),
        ] {
            let runs = (0..RUNS)
                .map(|_| import(&mut fresh(), bytes, name, action))
                .collect();
            print(&format!("{name} into an empty base, {label}"), &best(runs));
        }
    }
    // The same file again into the base it made: every row is a duplicate of a stored client
    // (the base's keys read by one scan), nothing written.
    let mut store = fresh();
    import(&mut store, &csv, "clients.csv", DuplicateAction::New);
    let runs = (0..RUNS)
        .map(|_| import(&mut store, &csv, "clients.csv", DuplicateAction::Skip))
        .collect();
    print("clients.csv again into that base (100k dupes)", &best(runs));
    // 100k more into a base of 100k (phones shifted so only names repeat).
    if !only.is_empty() {
        return;
    }
    let runs = (0..RUNS)
        .map(|_| {
            let mut s = fresh();
            import(&mut s, &csv, "clients.csv", DuplicateAction::New);
            let other: Vec<Client> =
                clientbase_core::demo::generate(99, N, 1_700_000_000_000, "me")
                    .into_iter()
                    .map(|(c, _)| c)
                    .collect();
            let more = export_csv(&other, &ctx, b',');
            import(&mut s, &more, "more.csv", DuplicateAction::New)
        })
        .collect();
    print("100k other rows into a base of 100k", &best(runs));

    // Export of the whole base (the `export_clients` command's path: read the clients, write).
    for _ in 0..RUNS {
        let t = Instant::now();
        let all = store.query_clients(&ListQuery::default()).unwrap();
        let read = ms(t);
        let t = Instant::now();
        let x = export_xlsx(&all, &ctx).unwrap();
        let write = ms(t);
        let t = Instant::now();
        let c = export_csv(&all, &ctx, b',');
        let csv_ms = ms(t);
        println!(
            "export {} clients from the store: read {read:.0} ms; XLSX {write:.0} ms (total {:.0} ms, {:.1} MB); CSV {csv_ms:.0} ms ({:.1} MB)",
            all.len(),
            read + write,
            x.len() as f64 / 1e6,
            c.len() as f64 / 1e6
        );
    }
}
