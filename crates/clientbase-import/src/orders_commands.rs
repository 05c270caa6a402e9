//! The import commands with `options.target = "orders"` (see `commands`): `import_preview` gives
//! the order targets and mapping, `orders` (the first 50 rows as orders, each with its client
//! found or the reason why not) and the problem counts over the whole file, clients' matching
//! included; `import_start` / `import_run` import every row without an error in one transaction
//! on a connection of its own (`Store::orders_import_writer`); a row with an error (unknown
//! client, unreadable date or amount…) is reported skipped as `invalid` with its codes
//! (`fields`: `column.<i>` or `client`), like the client import's. The summary's `added` counts
//! the orders written. When the job is seen finished the store's in-memory orders are dropped.

use crate::commands::{
    bad, decode, read, read_options, Base, ImportOptions, ImportPreview, OrderPreviewRow,
    RowProblem, PREVIEW_ROWS, R,
};
use crate::convert::Severity;
use crate::mapping::ImportTarget;
use crate::orders::{convert_orders, OrderRowResult, OrderTarget};
use crate::table::Table;
use crate::Source;
use clientbase_core::api::App;
use clientbase_core::model::{ImportPhase, ImportRowResult, RowOutcome};
use clientbase_core::{ApiError, FieldError};
use std::sync::Mutex;

/// Jobs importing orders whose end has not yet been seen (their store drops its orders then), by
/// the `App` they run for (its address: several apps may live in one process, as in tests).
static ORDER_JOBS: Mutex<Vec<(usize, u32)>> = Mutex::new(Vec::new());

fn key(app: &App, job: u32) -> (usize, u32) {
    (std::ptr::from_ref(app) as usize, job)
}

pub(crate) fn is_orders(o: &ImportOptions) -> R<bool> {
    match o.target.as_deref().map(str::trim) {
        None | Some("") | Some("clients") => Ok(false),
        Some("orders") => Ok(true),
        Some(t) => Err(bad(format!("target {t:?}: clients or orders"))),
    }
}

/// A job has been seen finished: if it imported orders, drop the store's in-memory orders.
pub(crate) fn finished(app: &mut App, job: u32) {
    let mut jobs = ORDER_JOBS.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(i) = jobs.iter().position(|j| *j == key(app, job)) {
        jobs.remove(i);
        app.store.invalidate_orders();
    }
}

fn table_of(source: Source) -> R<Table> {
    match source {
        Source::Table(t) => Ok(t),
        Source::Vcard(_) => Err(ApiError::new(
            "orders_need_table",
            "orders are imported from a sheet or a delimited file",
        )),
    }
}

fn mapping_for(table: &Table, codes: Option<&[Option<String>]>) -> R<Vec<Option<OrderTarget>>> {
    let Some(codes) = codes else {
        let mut m: Vec<Option<OrderTarget>> = match &table.headers {
            Some(h) => crate::propose_mapping_for(h),
            None => vec![None; table.width],
        };
        // One column per target: the first proposal wins.
        for i in 0..m.len() {
            if m[i].is_some() && m[..i].contains(&m[i]) {
                m[i] = None;
            }
        }
        return Ok(m);
    };
    let mut errs = Vec::new();
    let m = codes
        .iter()
        .enumerate()
        .map(|(i, c)| match c.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(c) => {
                let t = OrderTarget::from_code(c);
                if t.is_none() {
                    errs.push(
                        FieldError::new(format!("mapping.{i}"), "target_unknown").with("target", c),
                    );
                }
                t
            }
        })
        .collect();
    if errs.is_empty() {
        Ok(m)
    } else {
        Err(ApiError {
            code: "validation".into(),
            message: "unknown mapping targets".into(),
            fields: errs,
        })
    }
}

fn client_text(r: &OrderRowResult) -> String {
    let c = &r.row.client;
    [&c.name, &c.phone, &c.email, &c.id]
        .iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim())
        .collect::<Vec<_>>()
        .join(", ")
}

fn problems(r: &OrderRowResult) -> Vec<RowProblem> {
    r.problems
        .iter()
        .map(|p| RowProblem {
            code: p.code.clone(),
            error: p.severity == Severity::Error,
            column: p.column.map(|c| c as u32),
            value: p.value.clone(),
        })
        .collect()
}

pub(crate) fn preview(
    app: &mut App,
    name: String,
    data: String,
    options: ImportOptions,
    mapping: Option<Vec<Option<String>>>,
) -> R<ImportPreview> {
    let bytes = decode(&data)?;
    let base = Base::of(app)?;
    let t = table_of(read(&bytes, &name, &options, &base)?)?;
    let map = mapping_for(&t, mapping.as_deref())?;
    let statuses = app.store.order_statuses()?;
    let results = convert_orders(&t, &map, &statuses);
    let refs: Vec<_> = results.iter().map(|r| r.row.client.clone()).collect();
    let matches = app.store.match_order_clients(&refs)?;
    let mut headers = t
        .headers
        .clone()
        .unwrap_or_else(|| vec![String::new(); t.width]);
    headers.resize(t.width.max(headers.len()), String::new());
    let samples = (0..headers.len())
        .map(|c| {
            t.rows
                .iter()
                .map(|r| r.cell(c))
                .filter(|c| !c.is_empty())
                .take(3)
                .map(|c| c.as_text().into_owned())
                .collect()
        })
        .collect();
    let mut rows_with_errors = 0;
    let mut rows_with_warnings = 0;
    let mut orders = Vec::new();
    for (r, m) in results.iter().zip(&matches) {
        let mut ps = problems(r);
        if let (Err(code), false) = (m, r.row.client.is_empty()) {
            ps.push(RowProblem {
                code: (*code).to_owned(),
                error: true,
                column: None,
                value: client_text(r),
            });
        }
        if ps.iter().any(|p| p.error) {
            rows_with_errors += 1;
        } else if !ps.is_empty() {
            rows_with_warnings += 1;
        }
        if orders.len() < PREVIEW_ROWS {
            orders.push(OrderPreviewRow {
                line: r.line as u32,
                client_id: m.as_ref().ok().cloned(),
                client: client_text(r),
                input: r.row.input.clone(),
                problems: ps,
            });
        }
    }
    Ok(ImportPreview {
        format: t.format.name().to_owned(),
        encoding: t.encoding.clone(),
        encoding_detected: t.encoding_detected,
        delimiter: t.delimiter.map(|d| d.to_string()),
        sheets: t.sheet_names.clone(),
        sheet: t.sheet.clone(),
        header_detected: t.header_detected,
        header_line: t.header_line.map(|l| l as u32),
        mapping: (0..headers.len())
            .map(|c| map.get(c).copied().flatten().map(|t| t.code()))
            .collect(),
        headers,
        samples,
        targets: OrderTarget::choices().iter().map(|t| t.code()).collect(),
        total_rows: results.len() as u32,
        rows_with_errors,
        rows_with_warnings,
        rows: Vec::new(),
        orders,
    })
}

pub(crate) fn start(
    app: &mut App,
    name: String,
    data: String,
    options: ImportOptions,
    mapping: Option<Vec<Option<String>>>,
) -> R<u32> {
    let base = Base::of(app)?;
    read_options(&options)?;
    let statuses = app.store.order_statuses()?;
    let mut writer = app.store.orders_import_writer()?;
    let job = app.jobs.start_import(move |job| {
        let cancelled = || ApiError::new("cancelled", "cancelled");
        job.phase(ImportPhase::Reading);
        let bytes = decode(&data)?;
        drop(data);
        let t = table_of(read(&bytes, &name, &options, &base)?)?;
        drop(bytes);
        if !job.phase(ImportPhase::Converting) {
            return Err(cancelled());
        }
        let map = mapping_for(&t, mapping.as_deref())?;
        let results = convert_orders(&t, &map, &statuses);
        let mut skipped = Vec::new();
        let mut rows = Vec::with_capacity(results.len());
        for r in results {
            if r.has_errors() {
                skipped.push(ImportRowResult {
                    line: r.line as u32,
                    outcome: RowOutcome::Skipped,
                    code: "invalid".into(),
                    matched: None,
                    fields: r
                        .problems
                        .iter()
                        .filter(|p| p.severity == Severity::Error)
                        .map(|p| {
                            let field = p.column.map(|c| format!("column.{c}")).unwrap_or_default();
                            let header = p
                                .column
                                .and_then(|c| t.headers.as_ref().and_then(|h| h.get(c)).cloned())
                                .unwrap_or_default();
                            FieldError::new(field, &p.code)
                                .with("value", p.value.clone())
                                .with("header", header)
                        })
                        .collect(),
                    client_id: None,
                });
            } else {
                rows.push(r.row);
            }
        }
        let mut summary = writer.import_orders(rows, &mut |p| job.progress(p))?;
        if !skipped.is_empty() {
            let n = skipped.len() as u32;
            summary.rows += n;
            summary.skipped += n;
            summary.invalid += n;
            summary.results.extend(skipped);
            summary.results.sort_by_key(|r| r.line);
            summary.results_total = summary.results.len() as u32;
        }
        Ok(summary)
    })?;
    ORDER_JOBS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(key(app, job));
    Ok(job)
}
