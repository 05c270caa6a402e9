//! Importing converted rows into the base: all or nothing, with duplicates resolved.
//!
//! The file formats, the column mapping and the conversion to [`ClientInput`]s are the
//! `clientbase-import` crate's (it sits above this one); this module takes its rows and writes them.
//!
//! # One transaction
//! [`Store::import_clients`] (and [`BackgroundWriter::import_clients`], the same on a connection
//! of its own for an import that runs on another thread) does everything in one `BEGIN IMMEDIATE`
//! transaction: the custom fields the rows need, every new client through the bulk path
//! (`bulk::insert_rows`: multi-row inserts, change-log rows with `fields` = null as for a demo
//! load), every merge as an update like any edit (`clients::write_update`: the changed columns
//! logged). A row that fails validation is skipped with its codes and never half-written; a
//! database error, or the progress callback returning false (cancel), drops the transaction: the
//! base is as it was. The search index and `name_order` reflect the import once it is committed.
//!
//! # Duplicates
//! A row's keys are those of `client_keys` (`p:<E.164>` of every phone, the client's and its
//! contact persons', `e:<e-mail>`, `n:<folded name (+ company)>`: the ones `check_duplicates`
//! probes). Rows are taken in file order; a row is compared with the live clients of the base and
//! with the rows before it as they will be in the base (added, or merged into a client), never with
//! a row that was skipped. A duplicate is skipped, merged or imported as new by its
//! [`RowDecision`] or the policy's default. A large import reads the base's matching keys up
//! front by one scan of `client_keys` (the rows' keys hashed), a small one probes the index key by
//! key; the names of matched clients likewise (one scan of `clients`, or one lookup each).
//!
//! # Speed
//! A converted file's rows arrive with the converter's phone analyses
//! ([`ImportRow::phones`]: `phone::analyze_batch`), which are taken instead of parsing the numbers
//! again; a phone without one is parsed once (`phone::analyze`: the check, the E.164, the display
//! form and the search digits), all such phones in country order on one thread. Tidying, taking
//! the analyses, validation, derivation and each row's lookup keys (computed once, used for the
//! base and within the file) run on two threads for large imports; the comparison in file order
//! runs on the calling thread over FxHash maps. The search index of an import into an empty base
//! is built on another thread while the rows are written (as a demo load does); a large import
//! into a non-empty base rebuilds the index after the commit, a small one upserts. The key maps and
//! the rows not written are freed on a thread of their own.

use super::rows::{self, Derived};
use super::{bulk, catalog, clients, docs, merge, new_id, now_rfc3339, save_clock, Store};
use crate::error::{FieldError, StoreError};
use crate::hlc::Hlc;
use crate::model::*;
use crate::{phone, validate};
use clientbase_search::{Index, NameKeys, SearchDoc};
use rusqlite::{Connection, OptionalExtension};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// One converted row of a file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportRow {
    /// The row number in the file (reported back in the summary; decisions name rows by it).
    pub line: u32,
    /// Validated again here. A phone's `e164`, when set, is taken as the converter's finding with
    /// `phone::check`'s rules (valid, of its kind) if parsing `raw` gives the same E.164; a phone
    /// without one is checked in full.
    pub input: ClientInput,
    /// Values for custom fields that do not exist yet, by field name: the import creates a text
    /// field of that name (or uses the existing one with that name) in the same transaction.
    pub new_custom: BTreeMap<String, String>,
    /// The converter's analyses of the row's phones (any order; may be empty): a phone whose
    /// analysis fits (same text, country, kind) is not parsed again — see [`phone::PhoneAnalysis`].
    pub phones: Vec<phone::PhoneAnalysis>,
}

/// What to do with duplicates: `default` for every row without its own decision.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportPolicy {
    pub default: DuplicateAction,
    pub decisions: Vec<RowDecision>,
}

/// Progress of an import: `done` of `total` rows of `phase` ([`ImportPhase::Checking`]: rows
/// validated and compared; [`ImportPhase::Writing`]: clients written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportProgress {
    pub phase: ImportPhase,
    pub done: usize,
    pub total: usize,
}

/// A row's validation errors and the clients it looks like (the import preview).
#[derive(Debug, Clone, PartialEq)]
pub struct RowCheck {
    pub fields: Vec<FieldError>,
    pub matches: Vec<ImportMatch>,
}

/// Above this many written clients the index is rebuilt instead of upserted (an upsert costs an
/// insertion into three sorted orders: ~n × a few ns each at n clients).
const UPSERT_MAX: usize = 5_000;
/// Below this many keys (or matched clients' names) to look up, the base is probed one by one;
/// above, read by one scan.
const PROBE_MAX: usize = 2_000;
/// Clients a row is reported to match at most (a company name shared by hundreds of clients
/// would otherwise make every row's comparison quadratic).
const MAX_MATCHES: usize = 8;
/// Rows per progress report while checking.
const CHECK_STEP: usize = 1_024;

/// How the search index learns about a committed import.
pub(crate) enum IndexUpdate {
    Upsert(Vec<SearchDoc<ClientSummary>>),
    /// A whole new index and the change-log `seq` it reflects: installed when nothing was written
    /// since, else the index is reloaded.
    Replace(Box<Index<ClientSummary>>, i64),
    /// Reload from the database.
    Reload,
}

/// What an import needs besides the connection.
pub(crate) struct Ctx<'a> {
    pub hlc: &'a mut Hlc,
    pub name_keys: &'a NameKeys,
    pub country: &'a str,
    /// The index locale (for an index built alongside the write).
    pub locale: &'a str,
}

impl Store {
    /// Imports `rows` in one transaction (see the module doc): returns what became of each row.
    /// `progress` is called while checking and writing; returning false cancels (nothing written,
    /// [`StoreError::Cancelled`]).
    pub fn import_clients(
        &mut self,
        rows: Vec<ImportRow>,
        policy: &ImportPolicy,
        progress: &mut dyn FnMut(ImportProgress) -> bool,
    ) -> Result<ImportSummary, StoreError> {
        self.apply_background()?;
        self.index()?;
        let locale = super::index_locale(&self.settings.language).to_owned();
        let ctx = Ctx {
            hlc: &mut self.hlc,
            name_keys: &self.name_keys,
            country: &self.settings.default_country,
            locale: &locale,
        };
        let (summary, update, _) = run_import(&mut self.conn, ctx, rows, policy, progress)?;
        self.checkpoint_in_background();
        progress(ImportProgress {
            phase: ImportPhase::Indexing,
            done: 0,
            total: 1,
        });
        match update {
            IndexUpdate::Upsert(docs) => {
                let index = self.index()?;
                for d in docs {
                    index.upsert(d);
                }
            }
            IndexUpdate::Replace(index, _) => self.index = super::IndexSlot::Ready(index),
            IndexUpdate::Reload => self.reload_index()?,
        }
        Ok(summary)
    }

    /// Validates `rows` and finds what each looks like in the base and among the rows before it
    /// (as if every earlier valid row were added), without writing: the import preview.
    pub fn check_import_rows(&self, rows: &[ImportRow]) -> Result<Vec<RowCheck>, StoreError> {
        let defs = catalog::read_custom_fields(&self.conn)?;
        let cats = category_ids(&self.conn)?;
        let country = self.settings.default_country.as_str();
        let mut out = Vec::with_capacity(rows.len());
        let inputs: Vec<ClientInput> = rows
            .iter()
            .map(|r| {
                let mut input = r.input.clone();
                // Values of fields to be created validate as text.
                for k in r.new_custom.keys() {
                    if let Some(d) = defs.iter().find(|d| same_name(&d.name, k)) {
                        input
                            .custom
                            .entry(d.id.clone())
                            .or_insert_with(|| CustomValue::Text(r.new_custom[k].clone()));
                    }
                }
                input
            })
            .collect();
        let hints: Vec<Vec<phone::PhoneAnalysis>> = rows.iter().map(|r| r.phones.clone()).collect();
        let prepared = prepare_all(inputs, hints, country, &defs, &cats, &mut |_| true)
            .expect("not cancelled");
        let mut base = BaseKeys::read(&self.conn, &prepared)?;
        let mut seen: FxHashMap<String, (u32, String)> = FxHashMap::default();
        for (row, p) in rows.iter().zip(prepared) {
            match p {
                Err(fields) => out.push(RowCheck {
                    fields,
                    matches: Vec::new(),
                }),
                Ok(PreparedRow { input, keys, .. }) => {
                    let mut matches = Vec::new();
                    for (reason, key) in &keys {
                        let (reason, key) = (*reason, key.as_str());
                        if let Some((line, name)) = seen.get(key) {
                            if !matches.iter().any(|m: &ImportMatch| m.line == Some(*line)) {
                                matches.push(ImportMatch {
                                    reason,
                                    value: shown(key, reason, &input),
                                    client_id: None,
                                    line: Some(*line),
                                    name: name.clone(),
                                });
                            }
                        }
                        for id in base.lookup(key)? {
                            if matches.len() < MAX_MATCHES
                                && !matches
                                    .iter()
                                    .any(|m| m.client_id.as_deref() == Some(id.as_str()))
                            {
                                matches.push(ImportMatch {
                                    reason,
                                    value: shown(key, reason, &input),
                                    client_id: Some(id),
                                    line: None,
                                    name: String::new(),
                                });
                            }
                        }
                    }
                    let name = rows::display_name(&input);
                    for (_, key) in keys {
                        seen.entry(key).or_insert_with(|| (row.line, name.clone()));
                    }
                    out.push(RowCheck {
                        fields: Vec::new(),
                        matches,
                    });
                }
            }
        }
        let mut names = Names::default();
        names.read(
            &self.conn,
            out.iter()
                .flat_map(|c| &c.matches)
                .filter_map(|m| m.client_id.as_deref()),
        )?;
        for c in &mut out {
            for m in &mut c.matches {
                if let Some(id) = &m.client_id {
                    m.name = names.get(&self.conn, id)?;
                }
            }
        }
        Ok(out)
    }

    /// A writer on a connection of its own for an import on another thread (the app stays usable:
    /// reads go on in WAL mode; other writes wait for its commit). It shares this store's clock;
    /// after its commit this store picks up the index changes at its next request.
    pub fn background_writer(&mut self) -> Result<BackgroundWriter, StoreError> {
        self.apply_background()?;
        self.index()?;
        if self.path.is_empty() || self.path == ":memory:" {
            return Err(StoreError::Open(
                "an in-memory base has no second connection".into(),
            ));
        }
        let conn = super::open_connection(&self.path)?;
        Ok(BackgroundWriter {
            conn,
            path: self.path.clone(),
            hlc: self.hlc.share(),
            name_keys: NameKeys::new(super::index_locale(&self.settings.language)),
            locale: super::index_locale(&self.settings.language).to_owned(),
            country: self.settings.default_country.clone(),
            inbox: Arc::clone(&self.inbox),
        })
    }

    /// Installs what background writers committed (their index changes). Every index access does
    /// it; commands that read counts without the index call it.
    pub fn apply_background(&mut self) -> Result<(), StoreError> {
        let pending: Vec<IndexUpdate> = {
            let mut inbox = self.inbox.lock().unwrap_or_else(|p| p.into_inner());
            if inbox.is_empty() {
                return Ok(());
            }
            std::mem::take(&mut *inbox)
        };
        // The index is ready whenever a writer exists (`background_writer` waits for it).
        let mut reload = false;
        for u in pending {
            match u {
                IndexUpdate::Upsert(docs) => {
                    if let super::IndexSlot::Ready(ix) = &mut self.index {
                        for d in docs {
                            ix.upsert(d);
                        }
                    }
                }
                IndexUpdate::Replace(ix, seq) => {
                    if !reload && last_seq(&self.conn)? == seq {
                        self.index = super::IndexSlot::Ready(ix);
                    } else {
                        reload = true;
                    }
                }
                IndexUpdate::Reload => reload = true,
            }
        }
        if reload {
            self.reload_index()?;
        }
        Ok(())
    }
}

/// An import writer on its own connection (see [`Store::background_writer`]). `Send`: move it to
/// the import's thread.
pub struct BackgroundWriter {
    conn: Connection,
    path: String,
    hlc: Hlc,
    name_keys: NameKeys,
    locale: String,
    country: String,
    inbox: Arc<Mutex<Vec<IndexUpdate>>>,
}

impl BackgroundWriter {
    /// [`Store::import_clients`] on this writer's connection. A large import's new index is built
    /// here after the commit (phase [`ImportPhase::Indexing`]) and handed to the store.
    pub fn import_clients(
        &mut self,
        rows: Vec<ImportRow>,
        policy: &ImportPolicy,
        progress: &mut dyn FnMut(ImportProgress) -> bool,
    ) -> Result<ImportSummary, StoreError> {
        let ctx = Ctx {
            hlc: &mut self.hlc,
            name_keys: &self.name_keys,
            country: &self.country,
            locale: &self.locale,
        };
        let (summary, update, _) = run_import(&mut self.conn, ctx, rows, policy, progress)?;
        progress(ImportProgress {
            phase: ImportPhase::Indexing,
            done: 0,
            total: 1,
        });
        let update = match update {
            IndexUpdate::Reload => {
                // Read what was committed (and anything committed since: the seq says which).
                let tx = self.conn.transaction()?;
                let seq = last_seq(&tx)?;
                let docs = docs::load_docs(&tx, "c.deleted_at IS NULL", [])?;
                let language: Option<String> = tx
                    .query_row(
                        "SELECT value FROM settings WHERE key = 'language'",
                        [],
                        |r| r.get(0),
                    )
                    .optional()?;
                drop(tx);
                let mut index = Index::new(super::index_locale(&language.unwrap_or_default()));
                index.bulk_load(docs);
                IndexUpdate::Replace(Box::new(index), seq)
            }
            other => other,
        };
        self.inbox
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(update);
        bulk::checkpoint_in_background(self.path.clone());
        Ok(summary)
    }
}

fn last_seq(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row(
        "SELECT coalesce((SELECT max(seq) FROM change_log), 0)",
        [],
        |r| r.get(0),
    )?)
}

fn category_ids(conn: &Connection) -> Result<HashSet<String>, StoreError> {
    let mut st = conn.prepare_cached("SELECT id FROM categories")?;
    let ids = st
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// The phones of a tidied row in validation order (the client's, then each contact person's) and
/// whether each is the client's own.
fn phones_of(input: &ClientInput) -> impl Iterator<Item = (&Phone, bool)> {
    input.phones.iter().map(|p| (p, true)).chain(
        input
            .contacts
            .iter()
            .flat_map(|c| c.phones.iter().map(|p| (p, false))),
    )
}

/// A phone of a tidied row: the converter's analysis of it, or the display flag it is to be
/// analysed with.
enum Found {
    Done(phone::Analysis),
    Missing { display: bool },
}

/// The converter's analyses of a tidied row's phones, in [`phones_of`] order, taken from `hints`
/// (see [`ImportRow::phones`]): a phone that none fits is `Missing`.
fn match_hints(
    input: &ClientInput,
    mut hints: Vec<phone::PhoneAnalysis>,
    country: &str,
) -> Vec<Found> {
    // The client's first phone with an E.164 is shown in the list; without E.164s given, any of
    // the client's may be.
    let first_checked = input.phones.iter().position(|p| p.e164.is_some());
    let phones: Vec<(&Phone, bool)> = phones_of(input).collect();
    phones
        .iter()
        .enumerate()
        .map(|(k, &(p, own))| {
            let display = own && (p.e164.is_none() || Some(k) == first_checked);
            let Some(i) = hints
                .iter()
                .position(|h| h.fits(&p.raw, country, p.kind, display))
            else {
                return Found::Missing { display };
            };
            // The same number twice in a row: the last one takes the analysis, the others a copy.
            let again = phones[k + 1..].iter().any(|(q, _)| q.raw == p.raw);
            Found::Done(if again {
                hints[i].analysis()
            } else {
                hints.remove(i).into_analysis()
            })
        })
        .collect()
}

/// Analyses the phones no hint fitted, by country (see `phone::analyze`), on this thread;
/// `progress(phones done, phones)` every few thousand (false: stop, `None`). A converted file's
/// rows come with every analysis: this is for rows from elsewhere.
fn analyze_missing(
    rows: &mut [(ClientInput, Vec<Found>)],
    country: &str,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Option<()> {
    let mut all: Vec<(usize, usize, bool)> = Vec::new();
    for (r, (_, found)) in rows.iter().enumerate() {
        for (k, f) in found.iter().enumerate() {
            if let Found::Missing { display } = f {
                all.push((r, k, *display));
            }
        }
    }
    let phone = |rows: &[(ClientInput, Vec<Found>)], r: usize, k: usize| -> Phone {
        phones_of(&rows[r].0)
            .nth(k)
            .map(|(p, _)| p.clone())
            .expect("a phone of the row")
    };
    all.sort_by_cached_key(|&(r, k, _)| phone::sort_key(&phone(rows, r, k).raw));
    let n = all.len();
    for (i, (r, k, display)) in all.into_iter().enumerate() {
        if i % (4 * CHECK_STEP) == 0 && !progress(i, n) {
            return None;
        }
        let p = phone(rows, r, k);
        rows[r].1[k] = Found::Done(phone::analyze(
            &p.raw,
            country,
            p.kind,
            display,
            p.e164.as_deref(),
        ));
    }
    Some(())
}

/// Validates a tidied row with its phones' analyses (in [`phones_of`] order), fills the E.164s
/// and derives the stored values: what `prepare_input` + `rows::derive` give.
pub(crate) fn prepare_row(
    mut input: ClientInput,
    analyses: Vec<phone::Analysis>,
    country: &str,
    defs: &[CustomFieldDef],
    categories: &HashSet<String>,
) -> Result<(ClientInput, Derived), Vec<FieldError>> {
    let mut checks = analyses.iter();
    let mut errs = validate::validate_with(&input, defs, &mut |raw, kind| {
        checks
            .next()
            .map(|a| a.check.error.clone())
            .unwrap_or_else(|| phone::check(raw, country, kind).error)
    });
    if let Some(cat) = &input.category_id {
        if !categories.contains(cat) {
            errs.push(FieldError::new("category_id", "category_invalid"));
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let mut dv = rows::derive_base(&input);
    let mut analyses = analyses.into_iter();
    let n_client = input.phones.len();
    for (i, p) in input
        .phones
        .iter_mut()
        .chain(input.contacts.iter_mut().flat_map(|c| c.phones.iter_mut()))
        .enumerate()
    {
        let a = analyses
            .next()
            .unwrap_or_else(|| phone::analyze(&p.raw, country, p.kind, true, None));
        p.e164 = a.check.e164;
        if let Some(e) = &p.e164 {
            if i < n_client && dv.phone_display.is_none() {
                dv.phone_display = Some(a.check.formatted.unwrap_or_else(|| phone::display(e)));
            }
            if !dv.e164s.contains(e) {
                dv.e164s.push(e.clone());
                dv.phone_digits.extend(a.search_digits);
            }
        }
    }
    Ok((input, dv))
}

/// A row's lookup keys with the reason each gives, phones first, then e-mails, then the name.
type Keys = Vec<(DuplicateReason, String)>;

/// A valid row, tidied, with its E.164s, its derived values and its lookup keys.
struct PreparedRow {
    input: ClientInput,
    dv: Derived,
    keys: Keys,
}

type Prepared = Result<PreparedRow, Vec<FieldError>>;

/// `items.map(f)` in order, the second half on another thread when there are many (the check of
/// a large import is per-row work on both cores).
fn in_two<T: Send, U: Send>(mut items: Vec<T>, f: &(dyn Fn(T) -> U + Sync)) -> Vec<U> {
    if items.len() < 2 * CHECK_STEP {
        return items.into_iter().map(f).collect();
    }
    let second = items.split_off(items.len() / 2);
    std::thread::scope(|s| {
        let h = s.spawn(move || second.into_iter().map(f).collect::<Vec<U>>());
        let mut out: Vec<U> = items.into_iter().map(f).collect();
        out.extend(h.join().expect("import check thread"));
        out
    })
}

/// A row of [`prepare_all`]: prepared, or waiting for the analyses of phones no hint fitted.
/// (Both are large; a box would cost an allocation per row.)
#[allow(clippy::large_enum_variant)]
enum Step {
    Ready(Prepared),
    Waiting(ClientInput, Vec<Found>),
}

/// Tidies the rows and takes their converter's phone analyses, then validates and derives every
/// row whose phones all had one and computes its lookup keys, in one pass (on two threads for
/// large imports: a second pass cost the rows' moves between the threads and back). The phones
/// without one are then checked (by country, one thread) and their rows prepared likewise.
/// `progress(done, total)` in rows while those phones are checked.
fn prepare_all(
    inputs: Vec<ClientInput>,
    hints: Vec<Vec<phone::PhoneAnalysis>>,
    country: &str,
    defs: &[CustomFieldDef],
    cats: &HashSet<String>,
    progress: &mut dyn FnMut(usize) -> bool,
) -> Option<Vec<Prepared>> {
    let rows = inputs.len();
    let finish = |input: ClientInput, found: Vec<Found>| -> Prepared {
        let analyses = found
            .into_iter()
            .map(|f| match f {
                Found::Done(a) => a,
                Found::Missing { .. } => unreachable!("every phone analysed"),
            })
            .collect();
        prepare_row(input, analyses, country, defs, cats).map(|(input, dv)| {
            let keys = ordered_keys(&dv, &input);
            PreparedRow { input, dv, keys }
        })
    };
    let mut hints = hints.into_iter();
    let work: Vec<(ClientInput, Vec<phone::PhoneAnalysis>)> = inputs
        .into_iter()
        .map(|i| (i, hints.next().unwrap_or_default()))
        .collect();
    let mut steps = in_two(work, &|(mut input, hints)| {
        validate::tidy(&mut input);
        let found = match_hints(&input, hints, country);
        if found.iter().all(|f| matches!(f, Found::Done(_))) {
            Step::Ready(finish(input, found))
        } else {
            Step::Waiting(input, found)
        }
    });
    let waiting_at: Vec<usize> = (0..steps.len())
        .filter(|&i| matches!(steps[i], Step::Waiting(..)))
        .collect();
    if !waiting_at.is_empty() {
        let mut waiting: Vec<(ClientInput, Vec<Found>)> = waiting_at
            .iter()
            .map(
                |&i| match std::mem::replace(&mut steps[i], Step::Ready(Err(Vec::new()))) {
                    Step::Waiting(input, found) => (input, found),
                    Step::Ready(_) => unreachable!("a waiting row"),
                },
            )
            .collect();
        analyze_missing(&mut waiting, country, &mut |done, n| {
            progress((done * rows).checked_div(n).unwrap_or(rows))
        })?;
        let done = in_two(waiting, &|(input, found)| finish(input, found));
        for (i, p) in waiting_at.into_iter().zip(done) {
            steps[i] = Step::Ready(p);
        }
    }
    let out: Vec<Prepared> = steps
        .into_iter()
        .map(|s| match s {
            Step::Ready(p) => p,
            Step::Waiting(..) => unreachable!("every row prepared"),
        })
        .collect();
    if rows < 2 * CHECK_STEP {
        return Some(out);
    }
    progress(rows).then_some(out)
}

/// A row's lookup keys, phones first, then e-mails, then the name.
fn ordered_keys(dv: &Derived, input: &ClientInput) -> Keys {
    let mut keys: Keys = rows::lookup_keys(dv, input)
        .into_iter()
        .map(|k| {
            let reason = match &k[..2] {
                "p:" => DuplicateReason::Phone,
                "e:" => DuplicateReason::Email,
                _ => DuplicateReason::Name,
            };
            (reason, k)
        })
        .collect();
    keys.sort_by_key(|(r, _)| match r {
        DuplicateReason::Phone => 0,
        DuplicateReason::Email => 1,
        DuplicateReason::Name => 2,
    });
    keys
}

/// What a match shows of the key: the E.164 or e-mail (the row's display name for a name key).
fn shown(key: &str, reason: DuplicateReason, input: &ClientInput) -> String {
    match reason {
        DuplicateReason::Name => rows::display_name(input),
        _ => key[2..].to_owned(),
    }
}

/// The live clients of the base by lookup key, for the keys an import needs.
enum BaseKeys<'c> {
    /// The base has no live client.
    Empty,
    /// The matches read up front (one scan of `client_keys`).
    Read(FxHashMap<String, Vec<String>>),
    /// Probed key by key.
    Probe(rusqlite::CachedStatement<'c>),
}

impl<'c> BaseKeys<'c> {
    fn read(conn: &'c Connection, prepared: &[Prepared]) -> Result<Self, StoreError> {
        let live: i64 = conn.query_row(
            "SELECT count(*) FROM clients WHERE deleted_at IS NULL",
            [],
            |r| r.get(0),
        )?;
        if live == 0 {
            return Ok(BaseKeys::Empty);
        }
        let n_wanted: usize = prepared.iter().flatten().map(|p| p.keys.len()).sum();
        if n_wanted <= PROBE_MAX {
            return Ok(BaseKeys::Probe(conn.prepare_cached(
                "SELECT x.client_id FROM client_keys x JOIN clients c ON c.id = x.client_id \
                 WHERE x.key = ?1 AND c.deleted_at IS NULL ORDER BY x.client_id",
            )?));
        }
        // The keys wanted, hashed (sorting them for a merge-join cost more than the scan).
        let wanted: FxHashSet<&str> = prepared
            .iter()
            .flatten()
            .flat_map(|p| p.keys.iter().map(|(_, k)| k.as_str()))
            .collect();
        let deleted: FxHashSet<String> = {
            let mut st = conn.prepare("SELECT id FROM clients WHERE deleted_at IS NOT NULL")?;
            let r = st
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<_, _>>()?;
            r
        };
        let mut found: FxHashMap<String, Vec<String>> = FxHashMap::default();
        let mut st =
            conn.prepare("SELECT key, client_id FROM client_keys ORDER BY key, client_id")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let key = rows::text(r, 0)?;
            if wanted.contains(key) {
                let id: String = r.get(1)?;
                if !deleted.contains(&id) {
                    found.entry(key.to_owned()).or_default().push(id);
                }
            }
        }
        Ok(BaseKeys::Read(found))
    }

    /// The matches read up front, if they were (what a thread of its own may free).
    fn into_read(self) -> FxHashMap<String, Vec<String>> {
        match self {
            BaseKeys::Read(found) => found,
            BaseKeys::Empty | BaseKeys::Probe(_) => FxHashMap::default(),
        }
    }

    /// The first [`MAX_MATCHES`] live clients with `key`.
    fn lookup(&mut self, key: &str) -> Result<Vec<String>, StoreError> {
        Ok(match self {
            BaseKeys::Empty => Vec::new(),
            BaseKeys::Read(m) => m
                .get(key)
                .map(|ids| ids.iter().take(MAX_MATCHES).cloned().collect())
                .unwrap_or_default(),
            BaseKeys::Probe(st) => st
                .query_map([key], |r| r.get::<_, String>(0))?
                .take(MAX_MATCHES)
                .collect::<Result<_, _>>()?,
        })
    }
}

/// Display names of clients by id, read once each.
#[derive(Default)]
struct Names(FxHashMap<String, String>);

/// A client's display name from `kind, org_name, last_name, first_name, middle_name`.
fn name_of(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<String> {
    Ok(if rows::text(r, at)? == "organization" {
        r.get::<_, String>(at + 1)?
    } else {
        rows::join_names(&[
            rows::text(r, at + 2)?,
            rows::text(r, at + 3)?,
            rows::text(r, at + 4)?,
        ])
    })
}

impl Names {
    /// Reads the names of `ids` not known yet: by one scan of `clients` when there are many (a
    /// file imported again matches every client), else as [`Names::get`] asks them.
    fn read<'a>(
        &mut self,
        conn: &Connection,
        ids: impl Iterator<Item = &'a str>,
    ) -> Result<(), StoreError> {
        let wanted: FxHashSet<&str> = ids.filter(|id| !self.0.contains_key(*id)).collect();
        if wanted.len() <= PROBE_MAX {
            return Ok(());
        }
        self.0.reserve(wanted.len());
        let mut st = conn.prepare(
            "SELECT id, kind, org_name, last_name, first_name, middle_name FROM clients",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id = rows::text(r, 0)?;
            if wanted.contains(id) {
                // As `get`: a row that does not read is an empty name.
                let name = name_of(r, 1).unwrap_or_default();
                self.0.insert(id.to_owned(), name);
            }
        }
        // Ids without a row (none: they were just matched) read as empty names, as `get` does.
        for id in wanted {
            self.0.entry(id.to_owned()).or_default();
        }
        Ok(())
    }

    fn get(&mut self, conn: &Connection, id: &str) -> Result<String, StoreError> {
        if let Some(n) = self.0.get(id) {
            return Ok(n.clone());
        }
        let mut st = conn.prepare_cached(
            "SELECT kind, org_name, last_name, first_name, middle_name FROM clients WHERE id = ?1",
        )?;
        let name = st.query_row([id], |r| name_of(r, 0)).unwrap_or_default();
        self.0.insert(id.to_owned(), name.clone());
        Ok(name)
    }
}

/// Where a row's duplicates go: a client of the base, or a client this import creates.
#[derive(Clone, PartialEq, Eq)]
enum Target {
    Existing(String),
    New(usize),
}

/// The clients this import creates, built in the form the bulk writer takes (moving ~100k rows
/// into a new vector afterwards cost a copy of every row and fresh pages for it), with each one's
/// line and whether a later row merged into it since it was derived.
#[derive(Default)]
struct News {
    items: Vec<(Client, Derived)>,
    lines: Vec<u32>,
    dirty: Vec<bool>,
}

impl News {
    fn id(&self, n: usize) -> &str {
        &self.items[n].0.id
    }

    fn input(&self, n: usize) -> &ClientInput {
        &self.items[n].0.data
    }
}

fn step(
    p: &mut dyn FnMut(ImportProgress) -> bool,
    phase: ImportPhase,
    done: usize,
    total: usize,
) -> Result<(), StoreError> {
    if p(ImportProgress { phase, done, total }) {
        Ok(())
    } else {
        Err(StoreError::Cancelled)
    }
}

/// The import itself, inside one transaction on `conn` (see the module doc). Returns the summary,
/// how to update the search index, and the change-log seq at the commit.
pub(crate) fn run_import(
    conn: &mut Connection,
    ctx: Ctx<'_>,
    rows_in: Vec<ImportRow>,
    policy: &ImportPolicy,
    progress: &mut dyn FnMut(ImportProgress) -> bool,
) -> Result<(ImportSummary, IndexUpdate, i64), StoreError> {
    // As for a demo load: a page cache that holds the whole transaction (no spills to the WAL
    // before the commit), and no automatic checkpoint at the commit (it would copy the whole
    // import on the caller's path; the caller checkpoints in the background).
    conn.pragma_update(None, "cache_size", -262_144)?;
    let autocheckpoint = super::checkpoint::autocheckpoint(conn)?;
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    // Foreign keys off for the import's transaction (the pragma is a no-op inside one), as for a
    // demo load (`bulk`): with them on, SQLite looks up each written row's parent and keeps a
    // statement journal for every multi-row INSERT (each page it touches first copied to a
    // temporary file). Nothing an import writes can break one: a row's category is checked
    // against the categories read in the same transaction (`prepare_row`: `category_invalid`),
    // a contact person's client is written by the same import or is the client it merges into,
    // lookup keys and `name_order` rows name the clients written, and an import deletes nothing
    // (no cascade to miss).
    conn.pragma_update(None, "foreign_keys", false)?;
    let r = import_in(conn, ctx, rows_in, policy, progress);
    // (The transaction has ended, committed or rolled back: the pragma applies again.)
    let on = conn.pragma_update(None, "foreign_keys", true);
    let _ = conn.pragma_update(None, "wal_autocheckpoint", autocheckpoint);
    let _ = conn.pragma_update(None, "cache_size", super::CACHE_SIZE);
    let r = r?;
    on?;
    Ok(r)
}

fn import_in(
    conn: &mut Connection,
    ctx: Ctx<'_>,
    rows_in: Vec<ImportRow>,
    policy: &ImportPolicy,
    progress: &mut dyn FnMut(ImportProgress) -> bool,
) -> Result<(ImportSummary, IndexUpdate, i64), StoreError> {
    let started = std::time::Instant::now();
    let total = rows_in.len();
    let Ctx {
        hlc,
        name_keys,
        country,
        locale,
    } = ctx;
    let report = step;
    report(progress, ImportPhase::Checking, 0, 2 * total)?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let now = now_rfc3339(hlc.wall_ms());
    let owner = super::owner::owner_of(&tx, hlc.device())?;
    // A background writer's settings were read when its job started: the ones in force now (a
    // language or country changed meanwhile) are in the base.
    let setting = |key: &str| -> Result<Option<String>, StoreError> {
        Ok(tx
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    };
    let country_now = setting("default_country")?.unwrap_or_else(|| country.to_owned());
    let country = country_now.as_str();
    let locale_now = super::index_locale(&setting("language")?.unwrap_or_default()).to_owned();
    let own_keys;
    let name_keys = if locale_now == locale {
        name_keys
    } else {
        own_keys = NameKeys::new(&locale_now);
        &own_keys
    };
    let locale = locale_now.as_str();

    // Custom fields the rows name but the base does not have: created here (text fields).
    let mut defs = catalog::read_custom_fields(&tx)?;
    let mut new_fields: Vec<CustomFieldDef> = Vec::new();
    let mut field_ids: HashMap<String, String> = HashMap::new();
    let mut lines = Vec::with_capacity(total);
    let mut inputs = Vec::with_capacity(total);
    let mut hints = Vec::with_capacity(total);
    for row in rows_in {
        let mut input = row.input;
        hints.push(row.phones);
        for (name, value) in row.new_custom {
            let name = name.trim().to_owned();
            if name.is_empty() || value.trim().is_empty() {
                continue;
            }
            let id = match field_ids.get(&name.to_lowercase()) {
                Some(id) => id.clone(),
                None => {
                    let id = match defs.iter().find(|d| same_name(&d.name, &name)) {
                        Some(d) => d.id.clone(),
                        None => {
                            let def = CustomFieldDef {
                                id: new_id(),
                                name: name.clone(),
                                kind: CustomFieldKind::Text,
                                options: Vec::new(),
                                position: defs.iter().map(|d| d.position + 1).max().unwrap_or(0),
                            };
                            catalog::insert_custom_field(&tx, hlc, &def)?;
                            defs.push(def.clone());
                            new_fields.push(def.clone());
                            def.id
                        }
                    };
                    field_ids.insert(name.to_lowercase(), id.clone());
                    id
                }
            };
            input
                .custom
                .entry(id)
                .or_insert(CustomValue::Text(value.trim().to_owned()));
        }
        lines.push(row.line);
        inputs.push(input);
    }
    let cats = category_ids(&tx)?;
    // Checking counts two steps per row: validating it, then comparing it.
    let prepared = prepare_all(inputs, hints, country, &defs, &cats, &mut |done| {
        progress(ImportProgress {
            phase: ImportPhase::Checking,
            done: done.min(total),
            total: 2 * total,
        })
    })
    .ok_or(StoreError::Cancelled)?;

    // Duplicates, in file order.
    let decisions: FxHashMap<u32, &RowDecision> =
        policy.decisions.iter().map(|d| (d.line, d)).collect();
    let mut base = BaseKeys::read(&tx, &prepared)?;
    let mut in_file: FxHashMap<String, Target> =
        FxHashMap::with_capacity_and_hasher(3 * total, Default::default());
    let mut news = News {
        items: Vec::with_capacity(total),
        ..Default::default()
    };
    // Clients of the base that rows merge into: (as stored, merged).
    let mut merges: Vec<(Client, Client)> = Vec::new();
    let mut merge_at: FxHashMap<String, usize> = FxHashMap::default();
    let mut results: Vec<ImportRowResult> = Vec::new();
    // Rows that are not written, freed with the key maps below.
    let mut spent: Vec<(ClientInput, Derived)> = Vec::new();
    let (mut n_merged, mut n_skipped, mut n_invalid) = (0u32, 0u32, 0u32);
    for (i, (line, p)) in lines.iter().copied().zip(prepared).enumerate() {
        if i % CHECK_STEP == 0 {
            report(progress, ImportPhase::Checking, total + i, 2 * total)?;
        }
        let PreparedRow { input, dv, keys } = match p {
            Ok(x) => x,
            Err(fields) => {
                n_skipped += 1;
                n_invalid += 1;
                results.push(ImportRowResult {
                    line,
                    outcome: RowOutcome::Skipped,
                    code: "invalid".into(),
                    matched: None,
                    fields,
                    client_id: None,
                });
                continue;
            }
        };
        // Every distinct target, in key priority order: (target, reason, index of the key).
        let mut matches: Vec<(Target, DuplicateReason, usize)> = Vec::new();
        for (k, (reason, key)) in keys.iter().enumerate() {
            let found: Vec<Target> = match in_file.get(key) {
                Some(t) => vec![t.clone()],
                None => base
                    .lookup(key)?
                    .into_iter()
                    .map(Target::Existing)
                    .collect(),
            };
            for t in found {
                if matches.len() < MAX_MATCHES && !matches.iter().any(|(m, _, _)| *m == t) {
                    matches.push((t, *reason, k));
                }
            }
        }
        let decision = decisions.get(&line);
        let action = if matches.is_empty() {
            DuplicateAction::New
        } else {
            decision.map(|d| d.action).unwrap_or(policy.default)
        };
        let target = decision
            .and_then(|d| d.target.as_deref())
            .and_then(|id| {
                matches.iter().position(|(t, _, _)| match t {
                    Target::Existing(x) => x == id,
                    Target::New(n) => news.id(*n) == id,
                })
            })
            .unwrap_or(0);
        let matched = matches.get(target).map(|(t, reason, k)| ImportMatch {
            reason: *reason,
            value: shown(&keys[*k].1, *reason, &input),
            client_id: Some(match t {
                Target::Existing(id) => id.clone(),
                Target::New(n) => news.id(*n).to_owned(),
            }),
            line: match t {
                Target::Existing(_) => None,
                Target::New(n) => Some(news.lines[*n]),
            },
            name: match t {
                Target::Existing(_) => String::new(),
                Target::New(n) => rows::display_name(news.input(*n)),
            },
        });
        match action {
            DuplicateAction::Skip => {
                n_skipped += 1;
                results.push(ImportRowResult {
                    line,
                    outcome: RowOutcome::Skipped,
                    code: "duplicate".into(),
                    matched,
                    fields: Vec::new(),
                    client_id: None,
                });
                spent.push((input, dv));
            }
            DuplicateAction::New => {
                let t = Target::New(news.items.len());
                for (_, key) in keys {
                    in_file.entry(key).or_insert_with(|| t.clone());
                }
                news.items.push((
                    Client {
                        id: new_id(),
                        data: input,
                        owner: owner.clone(),
                        created_at: now.clone(),
                        updated_at: now.clone(),
                        deleted_at: None,
                        is_demo: false,
                    },
                    dv,
                ));
                news.lines.push(line);
                news.dirty.push(false);
            }
            DuplicateAction::Merge => {
                let t = matches[target].0.clone();
                let client_id = match &t {
                    Target::New(n) => {
                        let nc = &mut news.items[*n].0;
                        merge::absorb(&mut nc.data, &input, true);
                        news.dirty[*n] = true;
                        nc.id.clone()
                    }
                    Target::Existing(id) => {
                        let at = match merge_at.get(id) {
                            Some(&at) => at,
                            None => {
                                let old = rows::read_client(&tx, id)?
                                    .ok_or_else(|| StoreError::NotFound(format!("client {id}")))?;
                                merges.push((old.clone(), old));
                                merge_at.insert(id.clone(), merges.len() - 1);
                                merges.len() - 1
                            }
                        };
                        merge::absorb(&mut merges[at].1.data, &input, true);
                        id.clone()
                    }
                };
                for (_, key) in keys {
                    in_file.entry(key).or_insert_with(|| t.clone());
                }
                n_merged += 1;
                results.push(ImportRowResult {
                    line,
                    outcome: RowOutcome::Merged,
                    code: String::new(),
                    matched,
                    fields: Vec::new(),
                    client_id: Some(client_id),
                });
            }
        }
    }
    // Freeing many small strings takes a noticeable time: not on the caller's path (a probing
    // statement borrows the transaction and goes here).
    let base = base.into_read();
    let _ = std::thread::Builder::new()
        .name("import-free".into())
        .spawn(move || drop((base, in_file, spent)));
    // Names of the matched clients of the base.
    let mut names = Names::default();
    for (id, (_, merged)) in merges.iter().map(|m| (m.0.id.clone(), m)) {
        names.0.insert(id, rows::display_name(&merged.data));
    }
    names.read(
        &tx,
        results
            .iter()
            .filter_map(|r| r.matched.as_ref())
            .filter(|m| m.line.is_none())
            .filter_map(|m| m.client_id.as_deref()),
    )?;
    for r in &mut results {
        if let Some(m) = r.matched.as_mut().filter(|m| m.line.is_none()) {
            if let Some(id) = &m.client_id {
                m.name = names.get(&tx, id)?;
            }
        }
    }

    // The new clients, through the bulk path.
    let News {
        mut items, dirty, ..
    } = news;
    for ((c, dv), dirty) in items.iter_mut().zip(dirty) {
        for ct in &mut c.data.contacts {
            ct.id = new_id();
        }
        if dirty {
            *dv = rows::derive(&c.data);
        }
    }
    let n_added = items.len();
    let to_write = n_added + merges.len();
    report(progress, ImportPhase::Writing, 0, to_write)?;
    let live_before: i64 = tx.query_row(
        "SELECT count(*) FROM clients WHERE deleted_at IS NULL",
        [],
        |r| r.get(0),
    )?;
    let items = Arc::new(items);
    // Into an empty base, the new index is built while the rows are written, as a demo load's
    // (`bulk`): its postings held until the rows are written — on two cores they would take CPU
    // from the rows —, then built while the keys and indexes are written and the transaction
    // commits. The sender is dropped (the channel closed: "go") once the rows and their change log
    // are written (`bulk::insert_rows_from_index`), or when the write fails.
    // Its Name-order keys are the very bytes `name_order` holds (every client of the base is one
    // of the items then), so the write takes them from it instead of collating every name again.
    let mut index_job = (live_before == 0
        && n_added > UPSERT_MAX
        && items.iter().all(|(c, _)| c.deleted_at.is_none()))
    .then(|| {
        let items = Arc::clone(&items);
        let locale = locale.to_owned();
        let (rows_written, wait_rows) = std::sync::mpsc::channel::<()>();
        let h = std::thread::spawn(move || {
            let mut index = Index::new(&locale);
            index.bulk_load_held(items.iter().map(|(c, dv)| docs::doc_of(c, dv)).collect());
            // A closed channel (rows written, or the write failed) means "go".
            let _ = wait_rows.recv();
            index.start_indexing();
            index
        });
        bulk::IndexJob::Running(h, Some(rows_written))
    });
    let mut report_writing = |done| {
        progress(ImportProgress {
            phase: ImportPhase::Writing,
            done,
            total: to_write,
        })
    };
    match index_job.as_mut() {
        Some(job) => {
            bulk::insert_rows_from_index(&tx, hlc, name_keys, &items, job, &mut report_writing)?
        }
        None => bulk::insert_rows(&tx, hlc, name_keys, &items, &mut report_writing)?,
    }
    let mut merged_docs = Vec::new();
    for (k, (old, new)) in merges.iter_mut().enumerate() {
        if new.data == old.data {
            continue;
        }
        for ct in &mut new.data.contacts {
            if ct.id.is_empty() {
                ct.id = new_id();
            }
        }
        // The row was validated, the client was when it was stored: the merge needs no check.
        new.updated_at = now.clone();
        let dv = rows::derive(&new.data);
        clients::write_update(&tx, hlc, name_keys, old, new, &dv)?;
        merged_docs.push(docs::doc_of(new, &dv));
        report(progress, ImportPhase::Writing, n_added + k + 1, to_write)?;
    }
    save_clock(&tx, hlc)?;
    let seq = last_seq(&tx)?;
    tx.commit()?;

    let update = match index_job {
        Some(job) => match job.into_index() {
            Some(mut index) => {
                for d in merged_docs {
                    index.upsert(d);
                }
                IndexUpdate::Replace(index, seq)
            }
            None => IndexUpdate::Reload,
        },
        None if to_write > UPSERT_MAX => IndexUpdate::Reload,
        None => {
            let mut docs: Vec<_> = items.iter().map(|(c, dv)| docs::doc_of(c, dv)).collect();
            docs.extend(merged_docs);
            IndexUpdate::Upsert(docs)
        }
    };
    // Freeing many small strings takes a noticeable time: not on the caller's path.
    let _ = std::thread::Builder::new()
        .name("import-free".into())
        .spawn(move || drop(items));
    let results_total = results.len() as u32;
    Ok((
        ImportSummary {
            rows: total as u32,
            added: n_added as u32,
            merged: n_merged,
            merged_clients: merges.len() as u32,
            skipped: n_skipped,
            invalid: n_invalid,
            new_fields,
            results,
            results_total,
            elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
        },
        update,
        seq,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids_are_v7_uuids_in_ascending_order() {
        let made: Vec<String> = (0..20_000).map(|_| new_id()).collect();
        let before_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64;
        for id in &made {
            let u = uuid::Uuid::parse_str(id).expect("a UUID");
            assert_eq!(u.get_version_num(), 7, "{id}");
            assert_eq!(u.get_variant(), uuid::Variant::RFC4122, "{id}");
            let (secs, nanos) = u.get_timestamp().expect("v7 has a time").to_unix();
            assert!(secs * 1000 + u64::from(nanos / 1_000_000) <= before_ms + 1);
        }
        assert!(made.windows(2).all(|w| w[0] < w[1]), "ascending, distinct");
    }

    #[test]
    fn prepared_rows_derive_what_the_slow_path_derives() {
        let cats: HashSet<String> = HashSet::new();
        // Phones without E.164 (checked in full), with the converter's (type lookup skipped), and
        // with the converter's analyses handed over (not parsed again).
        for (keep_e164, hinted) in [(false, false), (true, false), (true, true)] {
            for (c, _) in crate::demo::generate(11, 400, 1_700_000_000_000, "me") {
                let mut input = c.data.clone();
                input.category_id = None;
                if !keep_e164 {
                    for p in input
                        .phones
                        .iter_mut()
                        .chain(input.contacts.iter_mut().flat_map(|c| c.phones.iter_mut()))
                    {
                        p.e164 = None;
                    }
                }
                let hints = if hinted {
                    let items: Vec<(&str, &str, PhoneKind, bool)> = phones_of(&input)
                        .map(|(p, own)| (p.raw.as_str(), "UA", p.kind, own))
                        .collect();
                    let hints = phone::analyze_batch(&items);
                    // Every phone is reused, in any order.
                    for (p, own) in phones_of(&input) {
                        assert!(hints.iter().any(|h| h.fits(&p.raw, "UA", p.kind, own)));
                    }
                    vec![hints.into_iter().rev().collect()]
                } else {
                    Vec::new()
                };
                let mut v =
                    prepare_all(vec![input], hints, "UA", &[], &cats, &mut |_| true).unwrap();
                let PreparedRow {
                    input: got,
                    dv,
                    keys,
                } = v.pop().unwrap().expect("demo rows are valid");
                assert_eq!(keys, ordered_keys(&dv, &got));
                let want = rows::derive(&got);
                assert_eq!(dv.phone_display, want.phone_display);
                assert_eq!(dv.phone_digits, want.phone_digits);
                assert_eq!(dv.e164s, want.e164s);
                assert_eq!(dv.search_extra, want.search_extra);
                assert_eq!(dv.name_key, want.name_key);
                for (a, b) in got.phones.iter().zip(&c.data.phones) {
                    assert_eq!(a.e164, b.e164);
                }
            }
        }
    }
}
