//! Table + mapping → one [`ClientInput`] per row, with the row's problems as codes.
//!
//! A problem is an [`Severity::Error`] when the value was kept but the row would not pass the
//! store's validation as it is (an invalid phone or e-mail is kept as typed, so nothing is lost and
//! the preview can show it); a [`Severity::Warning`] when a value was dropped or adjusted and the
//! row is still valid (an unparseable birthday, an unknown category, a landline in a mobile
//! column). Invariant (tested): a row without errors passes `clientbase_core::validate::validate`.

use crate::dates::{self, DateOrder, DayMonth};
use crate::mapping::{ClientTarget, ContactField};
use crate::names;
use crate::phones;
use crate::table::{Cell, Row, Table};
use crate::values;
use clientbase_core::model::*;
use clientbase_core::validate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// What conversion needs to know about the base the rows go into.
#[derive(Debug, Clone, Copy)]
pub struct ConvertOptions<'a> {
    /// ISO country for numbers without a country code (a row's own country, when mapped, wins).
    pub default_country: &'a str,
    /// For [`ClientTarget::Category`] (matched by name or code).
    pub categories: &'a [Category],
    /// For [`ClientTarget::Custom`] (matched by name); a custom target naming none of these puts
    /// its values in [`RowResult::new_custom`].
    pub custom_fields: &'a [CustomFieldDef],
}

impl<'a> ConvertOptions<'a> {
    pub fn new(default_country: &'a str) -> Self {
        ConvertOptions {
            default_country,
            categories: &[],
            custom_fields: &[],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem of one row. Codes (the UI translates them):
///
/// | code | severity | meaning |
/// |---|---|---|
/// | `empty_row` | error | no mapped column has a value |
/// | `name_required` | error | neither a person's name nor an organisation's |
/// | `contact_name_required` | error | a contact person's columns without a name |
/// | `phone_invalid`, `phone_too_short` | error | kept as typed, no E.164 |
/// | `email_invalid` | error | kept as typed |
/// | `url_invalid` | error | website kept as typed |
/// | `phone_not_mobile` | warning | a landline in a mobile column: kept as kind `other` |
/// | `date_unparseable` | warning | a birthday that is not a date: dropped |
/// | `birthday_invalid` | warning | a date that does not exist (31.02) or a year before 1900 or in the future: dropped |
/// | `category_unknown` | warning | no category with that name or code: dropped |
/// | `channel_unknown`, `kind_unknown`, `country_unknown`, `phone_type_unknown` | warning | dropped / inferred |
/// | `custom_invalid` | warning | a value the custom field's type does not accept: dropped |
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub code: String,
    pub severity: Severity,
    /// Column index in the table, when one column caused it.
    pub column: Option<usize>,
    /// The offending value as it was in the file (may be empty).
    pub value: String,
}

/// One converted row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowResult {
    /// The row's [`Row::line`] (for vCards: the card's first line).
    pub line: usize,
    pub input: ClientInput,
    pub problems: Vec<Problem>,
    /// Values of [`ClientTarget::Custom`] columns whose field does not exist yet, by field name
    /// (the caller creates the field, then puts the value under its id).
    pub new_custom: BTreeMap<String, String>,
    /// The core's analyses of the row's phones, for the store to reuse (see
    /// `clientbase_core::store::import::ImportRow::phones`). Not serialised: a row read back
    /// without them is checked in full by the store.
    #[serde(skip)]
    pub phones: Vec<clientbase_core::phone::PhoneAnalysis>,
}

impl RowResult {
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    pub fn is_empty_row(&self) -> bool {
        self.problems.iter().any(|p| p.code == "empty_row")
    }
}

pub(crate) fn problem(
    code: &str,
    severity: Severity,
    column: Option<usize>,
    value: &str,
) -> Problem {
    Problem {
        code: code.to_owned(),
        severity,
        column,
        value: value.chars().take(200).collect(),
    }
}

/// Converts every row of `table` (rows in, rows out, same order; see the module doc).
/// `mapping[i]` is the target of column `i` (shorter mappings leave the other columns unmapped).
///
/// Three phases: the cells of each row, then every phone number of the table in one batch (the
/// core's `phone::analyze_batch`: repeated numbers once, country order, over the cores), then the
/// rest of each row. The first and last phases run on two threads for large tables.
pub fn convert(
    table: &Table,
    mapping: &[Option<ClientTarget>],
    opts: &ConvertOptions<'_>,
) -> Vec<RowResult> {
    let plan = Plan::new(table, mapping, opts);
    let rows: Vec<&Row> = table.rows.iter().collect();
    let mut builders = in_two(rows, &|r: &Row| plan.prepare(r));
    plan.resolve_phones(&mut builders);
    in_two(builders, &|b| plan.finish(b))
}

/// [`convert`] consuming the table (what an import does: it needs the table no more): each row's
/// text cells that become a field as they are move into it instead of being copied, and the rest
/// of the row is freed as soon as it is read, on the thread that read it — its memory is then
/// reused by the rows after it instead of fresh pages. Same results as [`convert`].
pub fn convert_table(
    mut table: Table,
    mapping: &[Option<ClientTarget>],
    opts: &ConvertOptions<'_>,
) -> Vec<RowResult> {
    let plan = Plan::new(&table, mapping, opts);
    let rows = std::mem::take(&mut table.rows);
    drop(table);
    let mut builders = in_two(rows, &|r: Row| plan.prepare_owned(r));
    plan.resolve_phones(&mut builders);
    in_two(builders, &|b| plan.finish(b))
}

/// `items.map(f)` in order, the second half on another thread when there are many.
pub(crate) fn in_two<T: Send, U: Send>(mut items: Vec<T>, f: &(dyn Fn(T) -> U + Sync)) -> Vec<U> {
    const PARALLEL_MIN: usize = 4096;
    if items.len() < PARALLEL_MIN {
        return items.into_iter().map(f).collect();
    }
    let second = items.split_off(items.len() / 2);
    std::thread::scope(|s| {
        let h = s.spawn(move || second.into_iter().map(f).collect::<Vec<U>>());
        let mut out: Vec<U> = items.into_iter().map(f).collect();
        out.extend(h.join().expect("conversion thread"));
        out
    })
}

/// Everything about the columns that does not depend on the row.
struct Plan<'a> {
    columns: Vec<(usize, ClientTarget)>,
    /// Date order per date column.
    orders: HashMap<usize, DateOrder>,
    /// Generic phone/e-mail column → its paired type column.
    type_cols: HashMap<usize, usize>,
    /// Other-messenger column → network name to prefix handles with.
    networks: HashMap<usize, &'static str>,
    categories: HashMap<String, Id>,
    /// Custom-field column → its field (`None`: a field to be created).
    customs: HashMap<usize, Option<&'a CustomFieldDef>>,
    country: String,
}

impl<'a> Plan<'a> {
    fn new(table: &Table, mapping: &[Option<ClientTarget>], opts: &ConvertOptions<'a>) -> Self {
        let columns: Vec<(usize, ClientTarget)> = mapping
            .iter()
            .enumerate()
            .filter_map(|(i, t)| t.clone().map(|t| (i, t)))
            .collect();
        let target_of = |c: usize| mapping.get(c).and_then(|t| t.as_ref());
        let mut orders = HashMap::new();
        let mut type_cols = HashMap::new();
        let mut networks = HashMap::new();
        for (c, t) in &columns {
            let is_date = match t {
                ClientTarget::Birthday | ClientTarget::Contact(_, ContactField::Birthday) => true,
                ClientTarget::Custom(name) => opts
                    .custom_fields
                    .iter()
                    .any(|d| d.name == *name && d.kind == CustomFieldKind::Date),
                _ => false,
            };
            if is_date {
                let texts = table.rows.iter().filter_map(|r| match r.cell(*c) {
                    Cell::Text(s) => Some(s.as_str()),
                    _ => None,
                });
                orders.insert(*c, dates::infer_order(texts));
            }
            let pair = match t {
                ClientTarget::Phone(None) => Some(ClientTarget::PhoneType),
                ClientTarget::Email(l) if l.is_empty() => Some(ClientTarget::EmailType),
                _ => None,
            };
            if let Some(pair) = pair {
                let left = c.checked_sub(1).filter(|&l| target_of(l) == Some(&pair));
                let right = Some(c + 1).filter(|&r| target_of(r) == Some(&pair));
                if let Some(tc) = left.or(right) {
                    type_cols.insert(*c, tc);
                }
            }
            if *t == ClientTarget::Messenger(MessengerKind::Other) {
                if let Some(h) = table.headers.as_ref().and_then(|h| h.get(*c)) {
                    if let Some(n) = values::messenger_network(h) {
                        networks.insert(*c, n);
                    }
                }
            }
        }
        let mut categories = HashMap::new();
        for cat in opts.categories {
            categories.insert(crate::fold::fold(&cat.code), cat.id.clone());
            categories.insert(crate::fold::fold(&cat.name), cat.id.clone());
            categories.insert(cat.id.to_lowercase(), cat.id.clone());
        }
        let customs = columns
            .iter()
            .filter_map(|(c, t)| match t {
                ClientTarget::Custom(name) => {
                    let f = crate::fold::fold(name);
                    let def = opts
                        .custom_fields
                        .iter()
                        .find(|d| crate::fold::fold(&d.name) == f);
                    Some((*c, def))
                }
                _ => None,
            })
            .collect();
        Plan {
            columns,
            orders,
            type_cols,
            networks,
            categories,
            customs,
            country: opts.default_country.trim().to_ascii_uppercase(),
        }
    }

    /// Phase 1: the row's cells, names, kind and the country its phones are read in.
    fn prepare(&self, row: &Row) -> Builder {
        let mut b = Builder {
            line: row.line,
            ..Default::default()
        };
        for (col, target) in &self.columns {
            let cell = row.cell(*col);
            if cell.is_empty() {
                continue;
            }
            b.any = true;
            self.cell(&mut b, row, *col, target, cell);
        }
        if b.any {
            self.names_and_kind(&mut b);
        }
        b
    }

    /// [`Plan::prepare`] of a row that is not needed afterwards: a text cell that would be the
    /// whole of its field (the field still empty: `join` would copy it there as it is, a text
    /// cell being trimmed and never empty) is moved there instead. Only cells no other column
    /// reads are moved (a type column's cell is read by its phone or e-mail column).
    fn prepare_owned(&self, mut row: Row) -> Builder {
        let mut b = Builder {
            line: row.line,
            ..Default::default()
        };
        for (col, target) in &self.columns {
            if row.cell(*col).is_empty() {
                continue;
            }
            b.any = true;
            if let Some(Cell::Text(s)) = row.cells.get_mut(*col) {
                // (A table built by hand may break the cells' invariant: such a cell is joined.)
                let tidy = !s.is_empty() && s.trim().len() == s.len();
                if let Some(dst) = b.whole_field(target).filter(|_| tidy) {
                    *dst = std::mem::take(s);
                    if *target == ClientTarget::Website {
                        b.website_col = Some(*col);
                    }
                    continue;
                }
            }
            self.cell(&mut b, &row, *col, target, row.cell(*col));
        }
        drop(row);
        if b.any {
            self.names_and_kind(&mut b);
        }
        b
    }

    /// Phase 2: every phone of every row, analysed in one batch (`phones::analyze_batch`), then
    /// [`Plan::normalize`]'s fix-ups run per number.
    fn resolve_phones(&self, builders: &mut [Builder]) {
        let mut jobs: Vec<(usize, usize)> = Vec::new();
        let mut items: Vec<(&str, &str, PhoneKind, bool)> = Vec::new();
        for (bi, b) in builders.iter().enumerate() {
            for (pi, ph) in b.phones.iter().enumerate() {
                jobs.push((bi, pi));
                let (asked, display) = self.asked(&ph.raw, ph.kind, &b.row_country, ph.slot);
                items.push((&ph.raw, &b.row_country, asked, display));
            }
        }
        let first = phones::analyze_batch(&items);
        drop(items);
        for ((bi, pi), first) in jobs.into_iter().zip(first) {
            let b = &mut builders[bi];
            let country = std::mem::take(&mut b.row_country);
            let ph = &mut b.phones[pi];
            let (n, a) = self.normalize(&mut ph.raw, ph.kind, &country, first);
            ph.result = Some(n);
            ph.analysis = Some(a);
            b.row_country = country;
        }
    }

    /// How a number is first analysed: as the kind it is said to be (else "other"), with the
    /// display form for the client's own numbers (the store shows the first) and for a number read
    /// in the row's own country (stored in its international form).
    fn asked(
        &self,
        raw: &str,
        kind: Option<PhoneKind>,
        country: &str,
        slot: Option<u8>,
    ) -> (PhoneKind, bool) {
        let own_country = country != self.country && !raw.trim_start().starts_with('+');
        (
            kind.unwrap_or(PhoneKind::Other),
            slot.is_none() || own_country,
        )
    }

    /// Reads a phone in `country`; a number a spreadsheet kept as a number lost its `+`
    /// (380671234567), and a number read in the row's own country is stored in the international
    /// form so that it does not depend on the base's default country. Updates `raw` accordingly.
    ///
    /// Also returns the core's analysis of the number as finally written in `raw` (see
    /// `clientbase_core::phone::PhoneAnalysis`), which the store reuses; `display` asks for the
    /// international form.
    /// `first`: the analysis of `raw` as [`Plan::asked`] says.
    fn normalize(
        &self,
        raw: &mut String,
        kind: Option<PhoneKind>,
        country: &str,
        first: (phones::Normalized, clientbase_core::phone::PhoneAnalysis),
    ) -> (phones::Normalized, clientbase_core::phone::PhoneAnalysis) {
        let asked = kind.unwrap_or(PhoneKind::Other);
        let own_country = country != self.country && !raw.trim_start().starts_with('+');
        let display = first.1.check().formatted.is_some() || first.0.e164.is_none();
        let (mut n, a) = first;
        if n.e164.is_none() && raw.chars().all(|c| c.is_ascii_digit()) && raw.len() >= 10 {
            let plus = format!("+{raw}");
            let again = phones::analyze(&plus, country, asked, display);
            if again.0.e164.is_some() {
                *raw = plus;
                return again;
            }
        }
        if own_country && n.e164.is_some() {
            if let Some(a) = a.clone().into_international() {
                *raw = a.raw().to_owned();
                n.formatted = None;
                return (n, a);
            }
        }
        (n, a)
    }

    fn date(&self, b: &mut Builder, col: usize, cell: &Cell) -> Option<Birthday> {
        let dm = match cell {
            Cell::Date(d) => Some(DayMonth::from_date(*d)),
            Cell::Number(n) => dates::excel_serial(*n).map(DayMonth::from_date),
            Cell::Text(t) => {
                let t = t.trim();
                if t.len() == 5 && t.chars().all(|c| c.is_ascii_digit()) {
                    t.parse::<f64>()
                        .ok()
                        .and_then(dates::excel_serial)
                        .map(DayMonth::from_date)
                } else {
                    dates::parse_date_text(t, self.orders.get(&col).copied().unwrap_or_default())
                }
            }
            Cell::Empty => None,
        };
        let text = cell.as_text();
        let Some(dm) = dm else {
            b.warn("date_unparseable", col, &text);
            return None;
        };
        let bd = Birthday {
            day: dm.day,
            month: dm.month,
            year: dm.year,
        };
        if !validate::birthday_ok(&bd) {
            b.warn("birthday_invalid", col, &text);
            return None;
        }
        Some(bd)
    }

    fn cell(&self, b: &mut Builder, row: &Row, col: usize, target: &ClientTarget, cell: &Cell) {
        let text = cell.as_text();
        let text = text.as_ref();
        let inp = &mut b.input;
        match target {
            ClientTarget::Kind => match values::kind(text) {
                Some(k) => b.kind = Some(k),
                None => b.warn("kind_unknown", col, text),
            },
            ClientTarget::FullName => b.full_names.push(text.to_owned()),
            ClientTarget::FirstName => join(&mut inp.first_name, text, " "),
            ClientTarget::LastName => join(&mut inp.last_name, text, " "),
            ClientTarget::MiddleName => join(&mut inp.middle_name, text, " "),
            ClientTarget::OrgName => join(&mut inp.org_name, text, " "),
            ClientTarget::Position => join(&mut b.position, text, ", "),
            ClientTarget::Phone(kind) => {
                let kind = kind.or_else(|| {
                    let tc = *self.type_cols.get(&col)?;
                    let t = row.cell(tc);
                    if t.is_empty() {
                        return None;
                    }
                    let k = values::phone_kind(&t.as_text());
                    if k.is_none() {
                        b.warn("phone_type_unknown", tc, &t.as_text());
                    }
                    k
                });
                for raw in split_phones(text) {
                    b.phones.push(PendingPhone {
                        col,
                        raw,
                        kind,
                        slot: None,
                        result: None,
                        analysis: None,
                    });
                }
            }
            ClientTarget::Email(label) => {
                let label = if label.is_empty() {
                    self.type_cols
                        .get(&col)
                        .map(|&tc| values::email_label(&row.cell(tc).as_text()))
                        .unwrap_or_default()
                } else {
                    label.clone()
                };
                for (l, address) in split_emails(text) {
                    let label = l.unwrap_or_else(|| label.clone());
                    b.emails.push((col, Email { label, address }, None));
                }
            }
            ClientTarget::PhoneType | ClientTarget::EmailType => {}
            ClientTarget::Messenger(kind) => {
                for h in split_list(text) {
                    let handle = match self.networks.get(&col) {
                        Some(n) if !h.contains(':') => format!("{n}: {h}"),
                        _ => h.to_owned(),
                    };
                    inp.messengers.push(Messenger {
                        kind: *kind,
                        handle,
                    });
                }
            }
            ClientTarget::Website => {
                join(&mut inp.website, text, " ");
                b.website_col = Some(col);
            }
            ClientTarget::Street => join(&mut inp.address.street, text, ", "),
            ClientTarget::City => join(&mut inp.address.city, text, ", "),
            ClientTarget::Region => join(&mut inp.address.region, text, ", "),
            ClientTarget::PostalCode => join(&mut inp.address.postal_code, text, " "),
            ClientTarget::Country => match values::country_code(text) {
                Some(c) => inp.address.country = c,
                None => b.warn("country_unknown", col, text),
            },
            ClientTarget::Birthday => {
                if let Some(bd) = self.date(b, col, cell) {
                    b.input.birthday.get_or_insert(bd);
                }
            }
            ClientTarget::Notes => join(&mut inp.notes, text, "\n"),
            ClientTarget::Hobbies => join(&mut inp.hobbies, text, ", "),
            ClientTarget::Tags => {
                for t in split_tags(text) {
                    if !inp.tags.iter().any(|x| x == t) {
                        inp.tags.push(t.to_owned());
                    }
                }
            }
            ClientTarget::Category => {
                match self
                    .categories
                    .get(&crate::fold::fold(text))
                    .or_else(|| self.categories.get(&text.to_lowercase()))
                {
                    Some(id) => inp.category_id = Some(id.clone()),
                    None => b.warn("category_unknown", col, text),
                }
            }
            ClientTarget::Source => join(&mut inp.source, text, ", "),
            ClientTarget::PreferredChannel => match values::channel(text) {
                Some(c) => inp.preferred_channel = Some(c),
                None => b.warn("channel_unknown", col, text),
            },
            ClientTarget::CallTime => join(&mut inp.call_time, text, ", "),
            ClientTarget::Contact(slot, field) => {
                let slot = *slot;
                let birthday = if *field == ContactField::Birthday {
                    self.date(b, col, cell)
                } else {
                    None
                };
                let c = b.contacts.entry(slot).or_insert_with(|| ContactAcc {
                    first_col: col,
                    ..Default::default()
                });
                let p = &mut c.person;
                match field {
                    ContactField::FullName => c.full_names.push(text.to_owned()),
                    ContactField::FirstName => join(&mut p.first_name, text, " "),
                    ContactField::LastName => join(&mut p.last_name, text, " "),
                    ContactField::MiddleName => join(&mut p.middle_name, text, " "),
                    ContactField::Position => join(&mut p.position, text, ", "),
                    ContactField::Notes => join(&mut p.notes, text, "\n"),
                    ContactField::Birthday => {
                        if let Some(bd) = birthday {
                            p.birthday.get_or_insert(bd);
                        }
                    }
                    ContactField::Phone => {
                        for raw in split_phones(text) {
                            b.phones.push(PendingPhone {
                                col,
                                raw,
                                kind: None,
                                slot: Some(slot),
                                result: None,
                                analysis: None,
                            });
                        }
                    }
                    ContactField::Email => {
                        for (l, address) in split_emails(text) {
                            let email = Email {
                                label: l.unwrap_or_default(),
                                address,
                            };
                            b.emails.push((col, email, Some(slot)));
                        }
                    }
                }
            }
            ClientTarget::Custom(name) => match self.customs.get(&col).copied().flatten() {
                None => {
                    let v = b.input_new_custom.entry(name.clone()).or_default();
                    join(v, text, "\n");
                }
                Some(def) => match custom_value(def, cell, self.orders.get(&col).copied()) {
                    Some(v) => {
                        b.input.custom.insert(def.id.clone(), v);
                    }
                    None => b.warn("custom_invalid", col, text),
                },
            },
        }
    }

    /// Whole names split, a contact promoted to client when the row has no client name, the kind,
    /// and the country phones are read in.
    fn names_and_kind(&self, b: &mut Builder) {
        // Whole names: an organisation's goes to org_name, a person's is split into empty parts.
        for full in std::mem::take(&mut b.full_names) {
            let inp = &mut b.input;
            if b.kind != Some(ClientKind::Person)
                && inp.org_name.is_empty()
                && (b.kind == Some(ClientKind::Organization) || names::looks_like_org(&full))
            {
                inp.org_name = full;
                continue;
            }
            if !inp.first_name.is_empty() || !inp.last_name.is_empty() {
                continue;
            }
            let s = names::split_full_name(&full);
            inp.first_name = s.first;
            inp.last_name = s.last;
            if inp.middle_name.is_empty() {
                inp.middle_name = s.middle;
            }
        }
        for c in b.contacts.values_mut() {
            for full in std::mem::take(&mut c.full_names) {
                if c.person.first_name.is_empty() && c.person.last_name.is_empty() {
                    let s = names::split_full_name(&full);
                    c.person.first_name = s.first;
                    c.person.last_name = s.last;
                    if c.person.middle_name.is_empty() {
                        c.person.middle_name = s.middle;
                    }
                }
            }
        }
        let has_person_name = !b.input.first_name.is_empty() || !b.input.last_name.is_empty();
        // A sheet of people whose name columns say "contact person": the contact is the client.
        if !has_person_name && b.input.org_name.is_empty() && b.kind.is_none() {
            if let Some(first) = b.contacts.keys().next().copied() {
                let c = b.contacts.remove(&first).expect("contact");
                let p = c.person;
                let inp = &mut b.input;
                inp.first_name = p.first_name;
                inp.last_name = p.last_name;
                inp.middle_name = p.middle_name;
                join(&mut b.position, &p.position, ", ");
                join(&mut inp.notes, &p.notes, "\n");
                if inp.birthday.is_none() {
                    inp.birthday = p.birthday;
                }
                for ph in &mut b.phones {
                    if ph.slot == Some(first) {
                        ph.slot = None;
                    }
                }
                for e in &mut b.emails {
                    if e.2 == Some(first) {
                        e.2 = None;
                    }
                }
            }
        }
        let has_person_name = !b.input.first_name.is_empty() || !b.input.last_name.is_empty();
        let kind = b
            .kind
            .unwrap_or(if has_person_name || b.input.org_name.is_empty() {
                ClientKind::Person
            } else {
                ClientKind::Organization
            });
        b.input.kind = kind;
        b.row_country = if b.input.address.country.is_empty() {
            self.country.clone()
        } else {
            b.input.address.country.clone()
        };
    }

    /// Phase 3: phones, e-mails, website, position, contacts, the row's problems.
    fn finish(&self, mut b: Builder) -> RowResult {
        let line = b.line;
        if !b.any {
            return RowResult {
                line,
                input: ClientInput::default(),
                problems: vec![problem("empty_row", Severity::Error, None, "")],
                new_custom: BTreeMap::new(),
                phones: Vec::new(),
            };
        }
        let kind = b.input.kind;
        let has_person_name = !b.input.first_name.is_empty() || !b.input.last_name.is_empty();
        let mut analyses = Vec::with_capacity(b.phones.len());
        for mut ph in std::mem::take(&mut b.phones) {
            analyses.extend(ph.analysis.take());
            let slot = ph.slot;
            let phone = phone_of(&mut b, ph);
            match slot {
                None => b.input.phones.push(phone),
                Some(s) => b.contacts.entry(s).or_default().person.phones.push(phone),
            }
        }
        for (col, email, slot) in std::mem::take(&mut b.emails) {
            if !validate::email_ok(&email.address) {
                b.error("email_invalid", col, &email.address);
            }
            match slot {
                None => b.input.emails.push(email),
                Some(s) => b.contacts.entry(s).or_default().person.emails.push(email),
            }
        }
        if let Some(col) = b.website_col {
            if !validate::url_ok(&b.input.website) {
                let w = b.input.website.clone();
                b.error("url_invalid", col, &w);
            }
        }
        // Position: the first contact's when there is one, else the first line of the notes.
        if !b.position.is_empty() {
            match b.contacts.values_mut().next() {
                Some(c) if kind == ClientKind::Organization && c.person.position.is_empty() => {
                    c.person.position = std::mem::take(&mut b.position)
                }
                _ => {
                    let notes = std::mem::take(&mut b.input.notes);
                    b.input.notes = std::mem::take(&mut b.position);
                    join(&mut b.input.notes, &notes, "\n");
                }
            }
        }
        // An organisation has no birthday: in a sheet of companies with a contact person, the
        // birthday column is the contact's.
        if kind == ClientKind::Organization {
            if let Some(c) = b.contacts.values_mut().next() {
                if c.person.birthday.is_none() {
                    c.person.birthday = b.input.birthday.take();
                }
            }
        }
        let contacts = std::mem::take(&mut b.contacts);
        for (_, c) in contacts {
            if c.person.first_name.trim().is_empty() && c.person.last_name.trim().is_empty() {
                b.error("contact_name_required", c.first_col, "");
            }
            b.input.contacts.push(c.person);
        }
        match kind {
            ClientKind::Person if !has_person_name => {
                b.problems
                    .push(problem("name_required", Severity::Error, None, ""))
            }
            ClientKind::Organization if b.input.org_name.is_empty() => {
                b.problems
                    .push(problem("name_required", Severity::Error, None, ""))
            }
            _ => {}
        }
        validate::tidy(&mut b.input);
        b.problems.sort_by_key(|p| p.column.unwrap_or(usize::MAX));
        RowResult {
            line,
            input: b.input,
            problems: b.problems,
            new_custom: b.input_new_custom,
            phones: analyses,
        }
    }
}

/// The phone of a pending number, with its problem recorded.
fn phone_of(b: &mut Builder, ph: PendingPhone) -> Phone {
    let n = ph.result.unwrap_or(phones::Normalized {
        e164: None,
        is_mobile: false,
        error: Some("phone_invalid"),
        country: None,
        formatted: None,
    });
    let mut kind = ph.kind.unwrap_or(if n.is_mobile || n.e164.is_none() {
        PhoneKind::Mobile
    } else {
        PhoneKind::Other
    });
    match n.error {
        Some("phone_not_mobile") => {
            b.warn("phone_not_mobile", ph.col, &ph.raw);
            kind = PhoneKind::Other;
        }
        Some(code) => b.error(code, ph.col, &ph.raw),
        None => {}
    }
    Phone {
        kind,
        e164: n.e164,
        raw: ph.raw,
    }
}

/// A phone read from a cell, normalised in phase 2.
struct PendingPhone {
    col: usize,
    raw: String,
    kind: Option<PhoneKind>,
    /// Contact person slot, `None` for the client.
    slot: Option<u8>,
    result: Option<phones::Normalized>,
    /// The core's analysis of `raw` (handed to the store with the row).
    analysis: Option<clientbase_core::phone::PhoneAnalysis>,
}

#[derive(Default)]
struct ContactAcc {
    person: ContactPerson,
    full_names: Vec<String>,
    first_col: usize,
}

#[derive(Default)]
struct Builder {
    input: ClientInput,
    input_new_custom: BTreeMap<String, String>,
    problems: Vec<Problem>,
    any: bool,
    kind: Option<ClientKind>,
    full_names: Vec<String>,
    position: String,
    phones: Vec<PendingPhone>,
    line: usize,
    row_country: String,
    emails: Vec<(usize, Email, Option<u8>)>,
    contacts: BTreeMap<u8, ContactAcc>,
    website_col: Option<usize>,
}

impl Builder {
    /// The field a text cell of `target` is joined to (see [`Plan::cell`]), when it is still
    /// empty: the cell's text would then be all of it. `None` for every target whose cell is
    /// read otherwise (parsed, split, looked up, or kept whole in a list).
    fn whole_field(&mut self, target: &ClientTarget) -> Option<&mut String> {
        let inp = &mut self.input;
        let dst = match target {
            ClientTarget::FirstName => &mut inp.first_name,
            ClientTarget::LastName => &mut inp.last_name,
            ClientTarget::MiddleName => &mut inp.middle_name,
            ClientTarget::OrgName => &mut inp.org_name,
            ClientTarget::Position => &mut self.position,
            ClientTarget::Website => &mut inp.website,
            ClientTarget::Street => &mut inp.address.street,
            ClientTarget::City => &mut inp.address.city,
            ClientTarget::Region => &mut inp.address.region,
            ClientTarget::PostalCode => &mut inp.address.postal_code,
            ClientTarget::Notes => &mut inp.notes,
            ClientTarget::Hobbies => &mut inp.hobbies,
            ClientTarget::Source => &mut inp.source,
            ClientTarget::CallTime => &mut inp.call_time,
            _ => return None,
        };
        dst.is_empty().then_some(dst)
    }

    fn warn(&mut self, code: &str, col: usize, value: &str) {
        self.problems
            .push(problem(code, Severity::Warning, Some(col), value));
    }
    fn error(&mut self, code: &str, col: usize, value: &str) {
        self.problems
            .push(problem(code, Severity::Error, Some(col), value));
    }
}

fn join(dst: &mut String, v: &str, sep: &str) {
    let v = v.trim();
    if v.is_empty() || dst.split(sep).any(|x| x == v) {
        return;
    }
    if !dst.is_empty() {
        dst.push_str(sep);
    }
    dst.push_str(v);
}

/// Items of a multi-value cell: split on `;`, new lines, Google's ` ::: ` and `,`.
pub(crate) fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split([';', '\n', ','])
        .flat_map(|p| p.split(":::"))
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

/// Phones of a cell: items as [`split_list`], an item with fewer than 5 digits ("доб. 12") being
/// part of the previous one.
pub(crate) fn split_phones(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in s.split([';', '\n', ',']).flat_map(|p| p.split(":::")) {
        let p = p.trim();
        if p.is_empty() {
            continue;
        }
        let digits = p.chars().filter(char::is_ascii_digit).count();
        match out.last_mut() {
            Some(prev) if digits < 5 => {
                prev.push_str(", ");
                prev.push_str(p);
            }
            _ => out.push(p.to_owned()),
        }
    }
    out
}

/// E-mails of a cell, each with the label written before it (`work: a@b.c`).
pub(crate) fn split_emails(s: &str) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    for item in split_list(s) {
        // Several addresses separated by spaces only.
        let parts: Vec<&str> = if item.matches('@').count() > 1 {
            item.split_whitespace().collect()
        } else {
            vec![item]
        };
        for part in parts {
            let part = part.trim();
            let (label, addr) = match part.split_once(':') {
                Some((l, a)) if !l.contains('@') && !l.eq_ignore_ascii_case("mailto") => {
                    (Some(l.trim().to_owned()), a.trim())
                }
                Some((_, a)) if crate::vcard::starts_with_ci(part, "mailto") => (None, a.trim()),
                _ => (None, part),
            };
            if !addr.is_empty() {
                out.push((label, addr.trim_matches(['<', '>']).to_owned()));
            }
        }
    }
    out
}

/// Tags of a cell; Google's system groups (`* myContacts`, `* starred`) are not tags.
pub(crate) fn split_tags(s: &str) -> impl Iterator<Item = &str> {
    split_list(s).filter(|t| {
        let t = t.trim_start_matches('*').trim();
        !t.is_empty() && !t.eq_ignore_ascii_case("mycontacts") && !t.eq_ignore_ascii_case("starred")
    })
}

pub(crate) fn custom_value(
    def: &CustomFieldDef,
    cell: &Cell,
    order: Option<DateOrder>,
) -> Option<CustomValue> {
    let text = cell.as_text();
    match def.kind {
        CustomFieldKind::Text => Some(CustomValue::Text(text.into_owned())),
        CustomFieldKind::Number => match cell {
            Cell::Number(n) => Some(CustomValue::Number(*n)),
            _ => {
                let t: String = text
                    .chars()
                    .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
                    .map(|c| if c == ',' { '.' } else { c })
                    .collect();
                t.parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .map(CustomValue::Number)
            }
        },
        CustomFieldKind::Date => {
            let d = match cell {
                Cell::Date(d) => Some(*d),
                Cell::Number(n) => dates::excel_serial(*n),
                _ => dates::parse_date_text(&text, order.unwrap_or_default())
                    .and_then(DayMonth::to_date),
            }?;
            Some(CustomValue::Date(d.format("%Y-%m-%d").to_string()))
        }
        CustomFieldKind::Choice => {
            let f = crate::fold::fold(&text);
            def.options
                .iter()
                .find(|o| crate::fold::fold(o) == f)
                .map(|o| CustomValue::Choice(o.clone()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitting() {
        assert_eq!(
            split_phones("067 123 45 67, доб. 12; +380501234567"),
            vec!["067 123 45 67, доб. 12", "+380501234567"]
        );
        assert_eq!(
            split_emails("work: a@b.co; mailto:c@d.org, x@y.z u@v.w"),
            vec![
                (Some("work".into()), "a@b.co".into()),
                (None, "c@d.org".into()),
                (None, "x@y.z".into()),
                (None, "u@v.w".into())
            ]
        );
        assert_eq!(
            split_tags("* myContacts ::: Friends ::: опт").collect::<Vec<_>>(),
            vec!["Friends", "опт"]
        );
    }
}
