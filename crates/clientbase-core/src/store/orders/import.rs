//! Importing orders and payments from a file (issue 6 over issue 4's pipeline): the file formats,
//! the column mapping and the conversion are the `clientbase-import` crate's; this module finds
//! each row's client and writes the orders.
//!
//! # Finding the client
//! A row names its client by any of: the client's id, a phone, an e-mail, a name. They are tried
//! in that order through `client_keys` (the duplicate-check keys: `p:<E.164>`, `e:<e-mail>`,
//! `n:<folded name>`); the first that names exactly one live client wins. A name is tried as a
//! person ("last first" and "first last" for any two of its words) and as an organisation. No
//! match: `client_not_found`; only several: `client_ambiguous`.
//!
//! # One transaction
//! [`Store::import_orders`] (and [`OrdersImportWriter::import_orders`], the same on a connection of
//! its own for a job on another thread) validates every row, then inserts every valid one with
//! its change-log row (every column, as `create_order`) in one `BEGIN IMMEDIATE` transaction. A
//! row that fails is reported and not written; a database error or a cancel (the progress callback
//! returning false) rolls everything back. The in-memory orders are dropped after the commit
//! (the writer's caller must call [`Store::invalidate_orders`]).

use super::{day_of, insert_order, valid_currency, MAX_AMOUNT, STATUS_NEW};
use crate::error::{FieldError, StoreError};
use crate::hlc::Hlc;
use crate::model::{
    ClientInput, ClientKind, ImportPhase, ImportRowResult, ImportSummary, RowOutcome,
};
use crate::orders_model::{Order, OrderInput, OrderKind};
use crate::store::import::ImportProgress;
use crate::store::{new_id, now_rfc3339, open_connection, save_clock, Store};
use rusqlite::{Connection, OptionalExtension};

/// How a row of the file names its client (any may be empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientRef {
    pub id: String,
    pub phone: String,
    pub email: String,
    pub name: String,
}

impl ClientRef {
    pub fn is_empty(&self) -> bool {
        [&self.id, &self.phone, &self.email, &self.name]
            .iter()
            .all(|s| s.trim().is_empty())
    }
}

/// One converted row of an orders file. `input.client_id` is ignored: the client is `client`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrderImportRow {
    pub line: u32,
    pub client: ClientRef,
    pub input: OrderInput,
}

/// A row's client, or why there is none (`client_missing`, `client_not_found`, `client_ambiguous`).
pub type ClientMatch = Result<String, &'static str>;

/// Rows per progress report.
const STEP: usize = 500;

fn name_keys(name: &str) -> Vec<String> {
    let words: Vec<&str> = name.split_whitespace().collect();
    let mut keys = Vec::new();
    let mut person = |first: &str, last: &str| {
        let input = ClientInput {
            kind: ClientKind::Person,
            first_name: first.into(),
            last_name: last.into(),
            ..Default::default()
        };
        keys.push(format!("n:{}", crate::store::rows::name_key(&input)));
    };
    if words.len() == 1 {
        person(words[0], "");
        person("", words[0]);
    }
    for i in 0..words.len().min(4) {
        for j in 0..words.len().min(4) {
            if i != j {
                person(words[i], words[j]);
            }
        }
    }
    let org = ClientInput {
        kind: ClientKind::Organization,
        org_name: name.trim().into(),
        ..Default::default()
    };
    keys.push(format!("n:{}", crate::store::rows::name_key(&org)));
    keys.dedup();
    keys
}

/// Finds the client a row names (see the module doc).
pub(crate) fn match_client(
    conn: &Connection,
    country: &str,
    r: &ClientRef,
) -> Result<ClientMatch, StoreError> {
    if r.is_empty() {
        return Ok(Err("client_missing"));
    }
    let id = r.id.trim();
    if !id.is_empty() {
        let live: Option<bool> = conn
            .prepare_cached("SELECT deleted_at IS NULL FROM clients WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        if live == Some(true) {
            return Ok(Ok(id.to_owned()));
        }
    }
    let mut st = conn.prepare_cached(
        "SELECT DISTINCT x.client_id FROM client_keys x JOIN clients c ON c.id = x.client_id \
         WHERE x.key = ?1 AND c.deleted_at IS NULL LIMIT 2",
    )?;
    let mut ambiguous = false;
    let mut groups: Vec<Vec<String>> = Vec::new();
    if !r.phone.trim().is_empty() {
        groups.push(
            r.phone
                .split([',', ';', '\n'])
                .filter_map(|p| crate::phone::to_e164(p.trim(), country))
                .map(|e| format!("p:{e}"))
                .collect(),
        );
    }
    if !r.email.trim().is_empty() {
        groups.push(vec![format!("e:{}", r.email.trim().to_lowercase())]);
    }
    if !r.name.trim().is_empty() {
        groups.push(name_keys(&r.name));
    }
    for keys in groups {
        let mut found: Vec<String> = Vec::new();
        for k in &keys {
            for id in st.query_map([k], |r| r.get::<_, String>(0))? {
                let id = id?;
                if !found.contains(&id) {
                    found.push(id);
                }
            }
        }
        match found.len() {
            0 => {}
            1 => return Ok(Ok(found.remove(0))),
            _ => ambiguous = true,
        }
    }
    Ok(Err(if ambiguous {
        "client_ambiguous"
    } else {
        "client_not_found"
    }))
}

/// Checks a row's order (besides the client): the field errors.
fn check(
    conn: &Connection,
    base_currency: &str,
    input: &OrderInput,
) -> Result<(Order, Vec<FieldError>), StoreError> {
    let mut errs = Vec::new();
    if day_of(&input.date).is_none() {
        errs.push(FieldError::new("date", "date_invalid"));
    }
    if !(0..=MAX_AMOUNT).contains(&input.amount) {
        errs.push(FieldError::new("amount", "amount_invalid"));
    }
    let currency = match input.currency.as_deref().map(str::trim) {
        None | Some("") => base_currency.to_owned(),
        Some(c) => c.to_ascii_uppercase(),
    };
    if !valid_currency(&currency) {
        errs.push(FieldError::new("currency", "currency_invalid"));
    }
    let status_id = match input.kind {
        OrderKind::Payment => None,
        OrderKind::Order => {
            let id = input.status_id.clone().unwrap_or_else(|| STATUS_NEW.into());
            let known: Option<i64> = conn
                .prepare_cached("SELECT 1 FROM order_statuses WHERE id = ?1")?
                .query_row([&id], |r| r.get(0))
                .optional()?;
            if known.is_none() {
                errs.push(FieldError::new("status_id", "status_not_found"));
            }
            Some(id)
        }
    };
    Ok((
        Order {
            id: String::new(),
            client_id: String::new(),
            kind: input.kind,
            date: input.date.clone(),
            amount: input.amount,
            currency,
            status_id,
            items: input.items.clone(),
            note: input.note.trim().to_owned(),
            owner: String::new(),
            created_at: String::new(),
            updated_at: String::new(),
            deleted_at: None,
        },
        errs,
    ))
}

fn report(
    progress: &mut dyn FnMut(ImportProgress) -> bool,
    phase: ImportPhase,
    done: usize,
    total: usize,
) -> Result<(), StoreError> {
    if progress(ImportProgress { phase, done, total }) {
        Ok(())
    } else {
        Err(StoreError::Cancelled)
    }
}

fn import_in(
    conn: &mut Connection,
    hlc: &mut Hlc,
    country: &str,
    rows: Vec<OrderImportRow>,
    progress: &mut dyn FnMut(ImportProgress) -> bool,
) -> Result<ImportSummary, StoreError> {
    let started = std::time::Instant::now();
    let total = rows.len();
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let base_currency = super::read_order_settings(&tx)?.currency;
    let owner = crate::store::owner::owner_of(&tx, hlc.device())?;
    let now = now_rfc3339(hlc.wall_ms());
    let mut summary = ImportSummary {
        rows: total as u32,
        added: 0,
        merged: 0,
        merged_clients: 0,
        skipped: 0,
        invalid: 0,
        new_fields: Vec::new(),
        results: Vec::new(),
        results_total: 0,
        elapsed_ms: 0.0,
    };
    let mut valid = Vec::with_capacity(total);
    report(progress, ImportPhase::Checking, 0, total)?;
    for (i, row) in rows.into_iter().enumerate() {
        if i % STEP == 0 {
            report(progress, ImportPhase::Checking, i, total)?;
        }
        let (mut o, mut errs) = check(&tx, &base_currency, &row.input)?;
        match match_client(&tx, country, &row.client)? {
            Ok(id) => o.client_id = id,
            Err(code) => errs.insert(0, FieldError::new("client", code)),
        }
        if errs.is_empty() {
            valid.push(o);
        } else {
            summary.skipped += 1;
            summary.invalid += 1;
            summary.results.push(ImportRowResult {
                line: row.line,
                outcome: RowOutcome::Skipped,
                code: "invalid".into(),
                matched: None,
                fields: errs,
                client_id: None,
            });
        }
    }
    let n = valid.len();
    report(progress, ImportPhase::Writing, 0, n)?;
    for (i, mut o) in valid.into_iter().enumerate() {
        o.id = new_id();
        o.owner = owner.clone();
        o.created_at = now.clone();
        o.updated_at = now.clone();
        insert_order(&tx, hlc, &o, false)?;
        summary.added += 1;
        if (i + 1) % STEP == 0 {
            report(progress, ImportPhase::Writing, i + 1, n)?;
        }
    }
    report(progress, ImportPhase::Writing, n, n)?;
    save_clock(&tx, hlc)?;
    tx.commit()?;
    summary.results_total = summary.results.len() as u32;
    summary.elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok(summary)
}

impl Store {
    /// Which client each reference names (the import preview), without writing.
    pub fn match_order_clients(&self, refs: &[ClientRef]) -> Result<Vec<ClientMatch>, StoreError> {
        let country = self.settings.default_country.clone();
        refs.iter()
            .map(|r| match_client(&self.conn, &country, r))
            .collect()
    }

    /// Imports the orders of a file in one transaction (see the module doc). `progress` returning
    /// false cancels: nothing is written ([`StoreError::Cancelled`]).
    pub fn import_orders(
        &mut self,
        rows: Vec<OrderImportRow>,
        progress: &mut dyn FnMut(ImportProgress) -> bool,
    ) -> Result<ImportSummary, StoreError> {
        let country = self.settings.default_country.clone();
        let r = import_in(&mut self.conn, &mut self.hlc, &country, rows, progress);
        self.invalidate_orders();
        r
    }

    /// A writer on a connection of its own for an orders import on another thread (sharing this
    /// store's clock). After it commits, call [`Store::invalidate_orders`].
    pub fn orders_import_writer(&mut self) -> Result<OrdersImportWriter, StoreError> {
        if self.path.is_empty() || self.path == ":memory:" {
            return Err(StoreError::Open(
                "an in-memory base has no second connection".into(),
            ));
        }
        Ok(OrdersImportWriter {
            conn: open_connection(&self.path)?,
            hlc: self.hlc.share(),
            country: self.settings.default_country.clone(),
        })
    }
}

/// See [`Store::orders_import_writer`]. `Send`: move it to the import's thread.
pub struct OrdersImportWriter {
    conn: Connection,
    hlc: Hlc,
    country: String,
}

impl OrdersImportWriter {
    /// [`Store::import_orders`] on this writer's connection.
    pub fn import_orders(
        &mut self,
        rows: Vec<OrderImportRow>,
        progress: &mut dyn FnMut(ImportProgress) -> bool,
    ) -> Result<ImportSummary, StoreError> {
        import_in(&mut self.conn, &mut self.hlc, &self.country, rows, progress)
    }
}
