//! The file-facing commands: import (preview, run, background job with progress and cancel, the
//! report) and export. Like `clientbase_core::api`, one `pub fn` per command over
//! `&mut clientbase_core::api::App`, argument names = the JSON keys (single words), and
//! [`dispatch`], which handles these and falls back to `clientbase_core::api::dispatch` for every
//! other command (the devserver calls this one). Files travel as base64 text (`data`).
//!
//! Commands (argument names = JSON keys):
//! - `import_preview(name, data, options, mapping)` → [`ImportPreview`]: the detected format,
//!   encoding, delimiter, sheets and header row; the headers with sample values; the mapping
//!   (proposed, or `mapping` as given) and every target the mapping step offers; problem counts
//!   over the whole file; the first 50 rows converted, with their problems, store validation codes
//!   and duplicates (in the base and among those rows).
//! - `import_start(name, data, options, mapping, policy, decisions)` → job id (`u32`): the import on
//!   a thread of its own with its own connection (the app stays usable; other writes wait for its
//!   commit). `policy`: `skip` | `merge` | `new` for duplicates without a decision (default skip);
//!   `decisions`: [`RowDecision`]s by row number.
//! - `import_status(job)` / `import_cancel(job)` → [`ImportJobStatus`] (phase, done/total, rows/s;
//!   once finished the summary, at most 1,000 results). A cancelled import wrote nothing.
//! - `import_run(…same as import_start)` → [`ImportJobStatus`] of the finished job (waits for it).
//! - `import_report(job)` → [`ExportFile`]: every merged or skipped row of a finished import as CSV.
//! - `export_clients(query, format, labels)` → [`ExportFile`]: every client of the list `query`
//!   shows (its text, filters and order; offset/limit ignored), as `xlsx`, `csv` (UTF-8 with BOM,
//!   `;` for ru/uk/el), `vcard3` or `vcard4`; `labels`: column header per target code (the UI's
//!   language; English for any not given).
//!
//! `options.target = "orders"` makes `import_preview` / `import_start` / `import_run` read the file
//! as orders and payments instead of clients (see `orders_commands.rs`: order targets, the preview's
//! `orders` rows with their client found or `client_not_found` / `client_ambiguous`, one
//! transaction through `Store::orders_import_writer`; the summary's `added` counts orders).
//!
//! Rows whose conversion found an error (an invalid phone or e-mail kept as typed, no name…) are
//! skipped as `invalid` with the conversion's problem codes (`fields`: `column.<i>`, params
//! `value`, `header`); the other rows go to `Store` import, which validates them again.

use crate::convert::{ConvertOptions, RowResult, Severity};
use crate::export::{ExportContext, HeaderLabels};
use crate::mapping::{ClientTarget, ImportTarget};
use crate::table::{HeaderMode, Table};
use crate::vcard::VcardVersion;
use crate::{ImportError, ReadOptions, Source};
use base64::Engine;
use clientbase_core::api::{self, App};
use clientbase_core::jobs::ImportJobStatus;
use clientbase_core::model::*;
use clientbase_core::orders_model::OrderInput;
use clientbase_core::store::import::{ImportPolicy, ImportRow};
use clientbase_core::{ApiError, FieldError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use ts_rs::TS;

pub(crate) type R<T> = Result<T, ApiError>;

/// Rows the preview converts and shows.
pub const PREVIEW_ROWS: usize = 50;
/// Sample values per column in the preview.
const SAMPLES: usize = 3;

/// How to read the file; every field optional (detected when absent).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct ImportOptions {
    /// Workbooks: the sheet to read.
    #[ts(optional)]
    pub sheet: Option<String>,
    /// Text: an encoding label (`utf-8`, `windows-1251`, `koi8-u`, `windows-1253`, `gb18030`…).
    #[ts(optional)]
    pub encoding: Option<String>,
    /// Text: the field delimiter, one character (`,` `;` `|`, or `\t` / `tab`).
    #[ts(optional)]
    pub delimiter: Option<String>,
    /// `auto` (default) | `present` | `absent`: whether the first row holds column names.
    #[ts(optional)]
    pub header: Option<String>,
    /// `clients` (default) | `orders`: what the rows are (orders: see `crate::orders`).
    #[ts(optional)]
    pub target: Option<String>,
}

/// A conversion problem of a row (see `clientbase_import::convert::Problem` for the codes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RowProblem {
    pub code: String,
    /// An error makes the row invalid (it would be skipped); a warning dropped or adjusted a value.
    pub error: bool,
    /// The column that caused it.
    #[ts(optional)]
    pub column: Option<u32>,
    /// The value as it was in the file.
    pub value: String,
}

/// One row of the preview, as it will be imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PreviewRow {
    pub line: u32,
    pub input: ClientInput,
    pub problems: Vec<RowProblem>,
    /// The store's validation errors (a row without conversion errors normally has none).
    pub fields: Vec<FieldError>,
    /// Values for custom fields the import will create, by field name.
    pub new_custom: BTreeMap<String, String>,
    /// Clients of the base (or earlier rows of the preview) it looks like.
    pub matches: Vec<ImportMatch>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportPreview {
    /// `xlsx` | `xlsb` | `xls` | `ods` | `csv` | `vcard`.
    pub format: String,
    /// Text and vCards: the encoding used (`UTF-8`, `windows-1251`…).
    #[ts(optional)]
    pub encoding: Option<String>,
    /// `false` when forced by `options.encoding`.
    pub encoding_detected: bool,
    #[ts(optional)]
    pub delimiter: Option<String>,
    /// Workbooks: every sheet, and the one read.
    pub sheets: Vec<String>,
    #[ts(optional)]
    pub sheet: Option<String>,
    pub header_detected: bool,
    #[ts(optional)]
    pub header_line: Option<u32>,
    /// One per column (empty strings without a header row); empty for vCards (no mapping step).
    pub headers: Vec<String>,
    /// Up to 3 non-empty values per column.
    pub samples: Vec<Vec<String>>,
    /// A target code per column (`first_name`, `phone:mobile`, `custom:Size`…), null = not imported.
    pub mapping: Vec<Option<String>>,
    /// Every target the mapping step offers (the base's custom fields as `custom:<name>`; any other
    /// `custom:<name>` creates a text field).
    pub targets: Vec<String>,
    /// Data rows (cards) in the file.
    pub total_rows: u32,
    pub rows_with_errors: u32,
    pub rows_with_warnings: u32,
    /// The first 50 (clients).
    pub rows: Vec<PreviewRow>,
    /// Target `orders`: the first 50 rows as orders (`rows` is then empty).
    pub orders: Vec<OrderPreviewRow>,
}

/// One row of an orders file, as it will be imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OrderPreviewRow {
    pub line: u32,
    /// The client found (absent: see `problems`, `client_not_found` / `client_ambiguous`).
    #[ts(optional)]
    pub client_id: Option<String>,
    /// How the row names its client (name, phone, e-mail or id, as in the file).
    pub client: String,
    pub input: OrderInput,
    /// Conversion problems, then the client's (`client_*`, errors).
    pub problems: Vec<RowProblem>,
}

/// A file for the user to save or share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportFile {
    pub file_name: String,
    pub mime: String,
    /// The bytes, base64.
    pub data: String,
    /// Clients (or report rows) in it.
    pub count: u32,
    pub bytes: u32,
}

pub(crate) fn bad(message: impl Into<String>) -> ApiError {
    ApiError::new("bad_request", message)
}

/// A reading error as `{code, message, fields: [{field: "file", code, params}]}`.
fn read_error(e: ImportError) -> ApiError {
    let mut f = FieldError::new("file", e.code());
    f.params = e.params();
    ApiError {
        code: e.code().to_owned(),
        message: e.to_string(),
        fields: vec![f],
    }
}

pub(crate) fn decode(data: &str) -> R<Vec<u8>> {
    // A data URL's prefix is allowed.
    let b64 = match data.split_once(";base64,") {
        Some((head, rest)) if head.starts_with("data:") => rest,
        _ => data,
    };
    let cleaned: String = b64.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(cleaned.as_bytes())
        .map_err(|e| bad(format!("`data` is not base64: {e}")))
}

fn encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub(crate) fn read_options(o: &ImportOptions) -> R<ReadOptions> {
    let delimiter = match o.delimiter.as_deref().map(|d| d.trim_matches(' ')) {
        None | Some("") => None,
        Some("\\t") | Some("tab") | Some("\t") => Some('\t'),
        Some(d) if d.chars().count() == 1 => d.chars().next(),
        Some(d) => return Err(bad(format!("delimiter {d:?} is not one character"))),
    };
    let header = match o.header.as_deref().unwrap_or("auto") {
        "auto" | "" => HeaderMode::Auto,
        "present" => HeaderMode::Present,
        "absent" => HeaderMode::Absent,
        h => return Err(bad(format!("header {h:?}: auto, present or absent"))),
    };
    Ok(ReadOptions {
        sheet: o.sheet.clone().filter(|s| !s.trim().is_empty()),
        encoding: o.encoding.clone().filter(|s| !s.trim().is_empty()),
        delimiter,
        header,
    })
}

/// What conversion needs from the base.
pub(crate) struct Base {
    country: String,
    categories: Vec<Category>,
    custom_fields: Vec<CustomFieldDef>,
}

impl Base {
    pub(crate) fn of(app: &App) -> R<Base> {
        Ok(Base {
            country: app.store.settings().default_country.clone(),
            categories: app.store.categories()?,
            custom_fields: app.store.custom_fields()?,
        })
    }

    fn convert_options(&self) -> ConvertOptions<'_> {
        ConvertOptions {
            default_country: &self.country,
            categories: &self.categories,
            custom_fields: &self.custom_fields,
        }
    }

    fn custom_names(&self) -> Vec<String> {
        self.custom_fields.iter().map(|f| f.name.clone()).collect()
    }
}

pub(crate) fn read(bytes: &[u8], name: &str, options: &ImportOptions, base: &Base) -> R<Source> {
    crate::read_file(
        bytes,
        name,
        &read_options(options)?,
        &base.convert_options(),
    )
    .map_err(read_error)
}

/// The mapping to use for `table`: the caller's codes, else the proposal from the headers.
fn mapping_for(
    table: &Table,
    codes: Option<&[Option<String>]>,
    base: &Base,
) -> R<Vec<Option<ClientTarget>>> {
    match codes {
        None => Ok(match &table.headers {
            Some(h) => crate::propose_mapping_with_custom(h, &base.custom_names()),
            None => vec![None; table.width],
        }),
        Some(codes) => {
            let mut errs = Vec::new();
            let mapping = codes
                .iter()
                .enumerate()
                .map(|(i, c)| match c.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(c) => {
                        let t = ClientTarget::from_code(c);
                        if t.is_none() {
                            errs.push(
                                FieldError::new(format!("mapping.{i}"), "target_unknown")
                                    .with("target", c),
                            );
                        }
                        t
                    }
                })
                .collect();
            if errs.is_empty() {
                Ok(mapping)
            } else {
                Err(ApiError {
                    code: "validation".into(),
                    message: "unknown mapping targets".into(),
                    fields: errs,
                })
            }
        }
    }
}

/// Every row (card) of the file, converted.
fn convert_all(source: Source, codes: Option<&[Option<String>]>, base: &Base) -> R<Vec<RowResult>> {
    Ok(match source {
        Source::Table(t) => {
            let mapping = mapping_for(&t, codes, base)?;
            crate::convert_table(t, &mapping, &base.convert_options())
        }
        Source::Vcard(v) => v.cards.into_iter().map(|c| c.result).collect(),
    })
}

pub(crate) fn header_of(headers: Option<&Vec<String>>, col: Option<usize>) -> String {
    match (headers, col) {
        (Some(h), Some(c)) => h.get(c).cloned().unwrap_or_default(),
        _ => String::new(),
    }
}

pub(crate) fn problems_of(r: &RowResult) -> Vec<RowProblem> {
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

/// A row the conversion found errors in, as the summary reports it.
fn rejected(r: &RowResult, headers: Option<&Vec<String>>) -> ImportRowResult {
    ImportRowResult {
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
                FieldError::new(field, &p.code)
                    .with("value", p.value.clone())
                    .with("header", header_of(headers, p.column))
            })
            .collect(),
        client_id: None,
    }
}

fn import_row(r: RowResult) -> ImportRow {
    ImportRow {
        line: r.line as u32,
        input: r.input,
        new_custom: r.new_custom,
        phones: r.phones,
    }
}

/// The import preview (see the module doc). `mapping`: target codes per column (absent: the
/// proposal).
pub fn import_preview(
    app: &mut App,
    name: String,
    data: String,
    options: Option<ImportOptions>,
    mapping: Option<Vec<Option<String>>>,
) -> R<ImportPreview> {
    let options = options.unwrap_or_default();
    if crate::orders_commands::is_orders(&options)? {
        return crate::orders_commands::preview(app, name, data, options, mapping);
    }
    let bytes = decode(&data)?;
    let base = Base::of(app)?;
    let source = read(&bytes, &name, &options, &base)?;
    let mut targets: Vec<String> = ClientTarget::choices().iter().map(|t| t.code()).collect();
    targets.extend(base.custom_names().iter().map(|n| format!("custom:{n}")));
    let mut p = ImportPreview {
        format: String::new(),
        encoding: None,
        encoding_detected: false,
        delimiter: None,
        sheets: Vec::new(),
        sheet: None,
        header_detected: false,
        header_line: None,
        headers: Vec::new(),
        samples: Vec::new(),
        mapping: Vec::new(),
        targets,
        total_rows: 0,
        rows_with_errors: 0,
        rows_with_warnings: 0,
        rows: Vec::new(),
        orders: Vec::new(),
    };
    let results = match source {
        Source::Table(t) => {
            let map = mapping_for(&t, mapping.as_deref(), &base)?;
            p.format = t.format.name().to_owned();
            p.encoding = t.encoding.clone();
            p.encoding_detected = t.encoding_detected;
            p.delimiter = t.delimiter.map(|d| d.to_string());
            p.sheets = t.sheet_names.clone();
            p.sheet = t.sheet.clone();
            p.header_detected = t.header_detected;
            p.header_line = t.header_line.map(|l| l as u32);
            p.headers = t
                .headers
                .clone()
                .unwrap_or_else(|| vec![String::new(); t.width]);
            p.headers
                .resize(t.width.max(p.headers.len()), String::new());
            p.samples = (0..p.headers.len())
                .map(|c| {
                    t.rows
                        .iter()
                        .map(|r| r.cell(c))
                        .filter(|c| !c.is_empty())
                        .take(SAMPLES)
                        .map(|c| c.as_text().into_owned())
                        .collect()
                })
                .collect();
            p.mapping = (0..p.headers.len())
                .map(|c| map.get(c).cloned().flatten().map(|t| t.code()))
                .collect();
            crate::convert(&t, &map, &base.convert_options())
        }
        Source::Vcard(v) => {
            p.format = "vcard".into();
            p.encoding = Some(v.encoding.clone());
            p.encoding_detected = v.encoding_detected;
            v.cards.into_iter().map(|c| c.result).collect()
        }
    };
    p.total_rows = results.len() as u32;
    p.rows_with_errors = results.iter().filter(|r| r.has_errors()).count() as u32;
    p.rows_with_warnings = results
        .iter()
        .filter(|r| !r.has_errors() && !r.problems.is_empty())
        .count() as u32;
    let first: Vec<RowResult> = results.into_iter().take(PREVIEW_ROWS).collect();
    let rows: Vec<ImportRow> = first.iter().cloned().map(import_row).collect();
    let checks = app.store.check_import_rows(&rows)?;
    p.rows = first
        .into_iter()
        .zip(checks)
        .map(|(r, c)| PreviewRow {
            line: r.line as u32,
            problems: problems_of(&r),
            input: r.input,
            fields: c.fields,
            new_custom: r.new_custom,
            matches: c.matches,
        })
        .collect();
    Ok(p)
}

/// Starts an import job (see the module doc); returns its id for `import_status`/`import_cancel`.
pub fn import_start(
    app: &mut App,
    name: String,
    data: String,
    options: Option<ImportOptions>,
    mapping: Option<Vec<Option<String>>>,
    policy: Option<DuplicateAction>,
    decisions: Option<Vec<RowDecision>>,
) -> R<u32> {
    let options = options.unwrap_or_default();
    if crate::orders_commands::is_orders(&options)? {
        return crate::orders_commands::start(app, name, data, options, mapping);
    }
    let base = Base::of(app)?;
    read_options(&options)?;
    let mut writer = app.store.background_writer()?;
    let policy = ImportPolicy {
        default: policy.unwrap_or_default(),
        decisions: decisions.unwrap_or_default(),
    };
    app.jobs.start_import(move |job| {
        let cancelled = || ApiError::new("cancelled", "cancelled");
        job.phase(ImportPhase::Reading);
        let bytes = decode(&data)?;
        drop(data);
        let source = read(&bytes, &name, &options, &base)?;
        drop(bytes);
        let headers = match &source {
            Source::Table(t) => t.headers.clone(),
            Source::Vcard(_) => None,
        };
        if !job.phase(ImportPhase::Converting) {
            return Err(cancelled());
        }
        let results = convert_all(source, mapping.as_deref(), &base)?;
        if job.cancelled() {
            return Err(cancelled());
        }
        let mut skipped = Vec::new();
        let mut rows = Vec::with_capacity(results.len());
        for r in results {
            if r.has_errors() {
                skipped.push(rejected(&r, headers.as_ref()));
            } else {
                rows.push(import_row(r));
            }
        }
        let mut summary = writer.import_clients(rows, &policy, &mut |p| job.progress(p))?;
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
    })
}

/// Where an import job is (see [`ImportJobStatus`]).
pub fn import_status(app: &mut App, job: u32) -> R<ImportJobStatus> {
    let status = app.jobs.status(job)?;
    if status.finished {
        // Its index changes, now (rather than at the next list request).
        app.store.apply_background()?;
        crate::orders_commands::finished(app, job);
    }
    Ok(status)
}

/// Asks the import to stop (nothing is written unless it had already committed).
pub fn import_cancel(app: &mut App, job: u32) -> R<ImportJobStatus> {
    app.jobs.cancel(job)
}

/// [`import_start`] and wait for the end: the finished job's status (its error as the error).
pub fn import_run(
    app: &mut App,
    name: String,
    data: String,
    options: Option<ImportOptions>,
    mapping: Option<Vec<Option<String>>>,
    policy: Option<DuplicateAction>,
    decisions: Option<Vec<RowDecision>>,
) -> R<ImportJobStatus> {
    let job = import_start(app, name, data, options, mapping, policy, decisions)?;
    let status = app.jobs.wait(job)?;
    app.store.apply_background()?;
    crate::orders_commands::finished(app, job);
    match status.error {
        Some(e) => Err(e),
        None => Ok(status),
    }
}

fn csv_file(name: &str, header: &[&str], rows: Vec<Vec<String>>) -> ExportFile {
    let count = rows.len() as u32;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(&r);
    }
    let bytes = w.into_inner().unwrap_or_default();
    ExportFile {
        file_name: name.to_owned(),
        mime: "text/csv".into(),
        bytes: bytes.len() as u32,
        data: encode(&bytes),
        count,
    }
}

/// Every merged or skipped row of a finished import, as CSV (UTF-8 with BOM): row, outcome, code,
/// problems (`field: code` per error), and the matched client (reason, value, name, row).
pub fn import_report(app: &mut App, job: u32) -> R<ExportFile> {
    let summary = app.jobs.summary(job)?;
    let outcome = |o: RowOutcome| match o {
        RowOutcome::Added => "added",
        RowOutcome::Merged => "merged",
        RowOutcome::Skipped => "skipped",
    };
    let rows = summary
        .results
        .iter()
        .map(|r| {
            let m = r.matched.as_ref();
            let reason = m.map(|m| match m.reason {
                DuplicateReason::Phone => "phone",
                DuplicateReason::Email => "email",
                DuplicateReason::Name => "name",
            });
            vec![
                r.line.to_string(),
                outcome(r.outcome).to_owned(),
                r.code.clone(),
                r.fields
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.code))
                    .collect::<Vec<_>>()
                    .join("; "),
                reason.unwrap_or_default().to_owned(),
                m.map(|m| m.value.clone()).unwrap_or_default(),
                m.map(|m| m.name.clone()).unwrap_or_default(),
                m.and_then(|m| m.line)
                    .map(|l| l.to_string())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    let day = chrono::Local::now().format("%Y-%m-%d");
    Ok(csv_file(
        &format!("import-report-{day}.csv"),
        &[
            "row",
            "outcome",
            "code",
            "problems",
            "reason",
            "value",
            "client",
            "same_as_row",
        ],
        rows,
    ))
}

/// Every client the list `query` shows, as a file (see the module doc).
pub fn export_clients(
    app: &mut App,
    query: Option<ListQuery>,
    format: String,
    labels: Option<HashMap<String, String>>,
) -> R<ExportFile> {
    let clients = app.store.query_clients(&query.unwrap_or_default())?;
    let categories = app.store.categories()?;
    let custom_fields = app.store.custom_fields()?;
    let labels = labels.map(HeaderLabels::from_map).unwrap_or_default();
    let ctx = ExportContext {
        categories: &categories,
        custom_fields: &custom_fields,
        labels: &labels,
    };
    let day = chrono::Local::now().format("%Y-%m-%d");
    let (ext, mime, bytes) = match format.as_str() {
        "xlsx" => (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            crate::export_xlsx(&clients, &ctx)
                .map_err(|e| ApiError::new(e.code(), e.to_string()))?,
        ),
        "csv" => {
            let delimiter = match app.store.settings().language.as_str() {
                "ru" | "uk" | "el" => b';',
                _ => b',',
            };
            (
                "csv",
                "text/csv",
                crate::export_csv(&clients, &ctx, delimiter),
            )
        }
        "vcard3" | "vcard4" => {
            let v = if format == "vcard3" {
                VcardVersion::V3
            } else {
                VcardVersion::V4
            };
            ("vcf", "text/vcard", crate::export_vcard(&clients, v, &ctx))
        }
        f => return Err(bad(format!("format {f:?}: xlsx, csv, vcard3 or vcard4"))),
    };
    Ok(ExportFile {
        file_name: format!("clients-{day}.{ext}"),
        mime: mime.to_owned(),
        bytes: bytes.len() as u32,
        data: encode(&bytes),
        count: clients.len() as u32,
    })
}

/// Names of the commands this module adds to `clientbase_core::api::COMMANDS`.
pub const COMMANDS: &[&str] = &[
    "import_preview",
    "import_start",
    "import_status",
    "import_cancel",
    "import_run",
    "import_report",
    "export_clients",
];

fn arg<T: serde::de::DeserializeOwned>(args: &Value, name: &str) -> R<T> {
    let v = args.get(name).cloned().unwrap_or(Value::Null);
    serde_json::from_value(v).map_err(|e| bad(format!("argument `{name}`: {e}")))
}

fn out<T: Serialize>(r: R<T>) -> R<Value> {
    serde_json::to_value(r?).map_err(|e| ApiError::new("internal", e.to_string()))
}

/// Calls `cmd` with named JSON arguments: this module's commands, else
/// `clientbase_core::api::dispatch`.
pub fn dispatch(app: &mut App, cmd: &str, args: Value) -> R<Value> {
    if !COMMANDS.contains(&cmd) {
        return api::dispatch(app, cmd, args);
    }
    let a = if args.is_null() {
        Value::Object(Default::default())
    } else {
        args
    };
    if !a.is_object() {
        return Err(bad("arguments must be a JSON object"));
    }
    match cmd {
        "import_preview" => out(import_preview(
            app,
            arg(&a, "name")?,
            arg(&a, "data")?,
            arg(&a, "options")?,
            arg(&a, "mapping")?,
        )),
        "import_start" => out(import_start(
            app,
            arg(&a, "name")?,
            arg(&a, "data")?,
            arg(&a, "options")?,
            arg(&a, "mapping")?,
            arg(&a, "policy")?,
            arg(&a, "decisions")?,
        )),
        "import_status" => out(import_status(app, arg(&a, "job")?)),
        "import_cancel" => out(import_cancel(app, arg(&a, "job")?)),
        "import_run" => out(import_run(
            app,
            arg(&a, "name")?,
            arg(&a, "data")?,
            arg(&a, "options")?,
            arg(&a, "mapping")?,
            arg(&a, "policy")?,
            arg(&a, "decisions")?,
        )),
        "import_report" => out(import_report(app, arg(&a, "job")?)),
        "export_clients" => out(export_clients(
            app,
            arg(&a, "query")?,
            arg(&a, "format")?,
            arg(&a, "labels")?,
        )),
        _ => unreachable!("checked against COMMANDS"),
    }
}
