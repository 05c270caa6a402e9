//! Export: XLSX (rust_xlsxwriter), CSV (UTF-8 with a BOM, so Excel reads Cyrillic, Greek and
//! Chinese right) and vCard 3.0/4.0.
//!
//! The table layout is one column per [`ClientTarget`] (phones by kind, messengers by network,
//! contact persons as "Contact N: field" groups, then one column per custom field), headed with
//! the caller's labels. Reading an export back with [`crate::propose_mapping_with_custom`] and
//! [`crate::convert`] gives the same clients (tested): every label, in English and in the other UI
//! languages' usual words, is a header the dictionary recognises; multi-value cells are joined with
//! `; ` (phones, e-mails as `label: address`, handles) or `, ` (tags).

use crate::mapping::{ClientTarget, ContactField, ImportTarget};
use crate::table::number_text;
use crate::values;
use crate::vcard::{self, VcardVersion};
use chrono::NaiveDate;
use clientbase_core::model::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use std::collections::HashMap;

/// Column header labels by target code (see [`ImportTarget::code`]), plus `contact` (the prefix of
/// a contact person's columns: "Contact 1: Phone"); English for any code not given.
#[derive(Debug, Clone, Default)]
pub struct HeaderLabels {
    labels: HashMap<String, String>,
}

const ENGLISH: &[(&str, &str)] = &[
    ("kind", "Client type"),
    ("full_name", "Name"),
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("middle_name", "Middle name"),
    ("org_name", "Company"),
    ("position", "Position"),
    ("phone", "Phone"),
    ("phone:mobile", "Mobile phone"),
    ("phone:work", "Work phone"),
    ("phone:home", "Home phone"),
    ("phone:other", "Other phone"),
    ("email", "E-mail"),
    ("messenger:whatsapp", "WhatsApp"),
    ("messenger:telegram", "Telegram"),
    ("messenger:viber", "Viber"),
    ("messenger:other", "Other messenger"),
    ("website", "Website"),
    ("street", "Street"),
    ("city", "City"),
    ("region", "Region"),
    ("postal_code", "Postal code"),
    ("country", "Country"),
    ("birthday", "Birthday"),
    ("notes", "Notes"),
    ("hobbies", "Hobbies"),
    ("tags", "Tags"),
    ("category", "Category"),
    ("source", "Source"),
    ("preferred_channel", "Preferred channel"),
    ("call_time", "Call time"),
    ("contact", "Contact"),
];

impl HeaderLabels {
    /// English labels only.
    pub fn english() -> Self {
        Self::default()
    }

    /// Labels from the UI language (code → label); missing codes fall back to English.
    pub fn from_map(labels: HashMap<String, String>) -> Self {
        HeaderLabels { labels }
    }

    pub fn with(mut self, code: &str, label: &str) -> Self {
        self.labels.insert(code.to_owned(), label.to_owned());
        self
    }

    pub fn label(&self, code: &str) -> String {
        if let Some(l) = self.labels.get(code).filter(|l| !l.trim().is_empty()) {
            return l.clone();
        }
        ENGLISH
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, l)| (*l).to_owned())
            .unwrap_or_else(|| code.to_owned())
    }

    fn header(&self, col: &Col<'_>) -> String {
        match col {
            Col::Field(ClientTarget::Contact(slot, f)) => format!(
                "{} {slot}: {}",
                self.label("contact"),
                self.label(&f.as_client().code())
            ),
            Col::Field(t) => self.label(&t.code()),
            Col::Custom(def) => def.name.clone(),
        }
    }
}

/// What export needs besides the clients.
#[derive(Debug, Clone, Copy)]
pub struct ExportContext<'a> {
    /// To write category names (an unknown id is written as is).
    pub categories: &'a [Category],
    /// One column per field, in this order.
    pub custom_fields: &'a [CustomFieldDef],
    pub labels: &'a HeaderLabels,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// The XLSX writer failed (out of memory or temp space); `detail` is for logs.
    #[error("writing the workbook failed: {0}")]
    Xlsx(String),
}

impl ExportError {
    pub fn code(&self) -> &'static str {
        "export_failed"
    }
}

impl From<XlsxError> for ExportError {
    fn from(e: XlsxError) -> Self {
        ExportError::Xlsx(e.to_string())
    }
}

enum Col<'a> {
    Field(ClientTarget),
    Custom(&'a CustomFieldDef),
}

/// Client-level columns in export order.
fn base_targets() -> Vec<ClientTarget> {
    use ClientTarget as T;
    vec![
        T::Kind,
        T::LastName,
        T::FirstName,
        T::MiddleName,
        T::OrgName,
        T::Phone(Some(PhoneKind::Mobile)),
        T::Phone(Some(PhoneKind::Work)),
        T::Phone(Some(PhoneKind::Home)),
        T::Phone(Some(PhoneKind::Other)),
        T::Email(String::new()),
        T::Messenger(MessengerKind::Whatsapp),
        T::Messenger(MessengerKind::Telegram),
        T::Messenger(MessengerKind::Viber),
        T::Messenger(MessengerKind::Other),
        T::Website,
        T::Street,
        T::City,
        T::Region,
        T::PostalCode,
        T::Country,
        T::Birthday,
        T::Category,
        T::Tags,
        T::Source,
        T::PreferredChannel,
        T::CallTime,
        T::Notes,
        T::Hobbies,
    ]
}

const CONTACT_FIELDS: [ContactField; 8] = [
    ContactField::LastName,
    ContactField::FirstName,
    ContactField::MiddleName,
    ContactField::Position,
    ContactField::Phone,
    ContactField::Email,
    ContactField::Birthday,
    ContactField::Notes,
];

fn columns<'a>(clients: &[Client], ctx: &ExportContext<'a>) -> Vec<Col<'a>> {
    let mut cols: Vec<Col<'a>> = base_targets().into_iter().map(Col::Field).collect();
    let contacts = clients
        .iter()
        .map(|c| c.data.contacts.len())
        .max()
        .unwrap_or(0)
        .min(9);
    for slot in 1..=contacts as u8 {
        for f in CONTACT_FIELDS {
            cols.push(Col::Field(ClientTarget::Contact(slot, f)));
        }
    }
    cols.extend(ctx.custom_fields.iter().map(Col::Custom));
    cols
}

enum Value {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

fn text(s: &str) -> Value {
    if s.is_empty() {
        Value::Empty
    } else {
        Value::Text(s.to_owned())
    }
}

fn joined<'b>(items: impl Iterator<Item = &'b str>, sep: &str) -> Value {
    let v: Vec<&str> = items.filter(|s| !s.is_empty()).collect();
    if v.is_empty() {
        Value::Empty
    } else {
        Value::Text(v.join(sep))
    }
}

fn emails(list: &[Email]) -> Value {
    let items: Vec<String> = list
        .iter()
        .map(|e| {
            if e.label.is_empty() {
                e.address.clone()
            } else {
                format!("{}: {}", e.label, e.address)
            }
        })
        .collect();
    joined(items.iter().map(String::as_str), "; ")
}

/// A birthday: a date cell when it has a year; `12.03` (XLSX) or `--03-12` (CSV) without.
fn birthday(b: &Option<Birthday>, csv: bool) -> Value {
    let Some(b) = b else {
        return Value::Empty;
    };
    match b.year {
        Some(y) => match NaiveDate::from_ymd_opt(y, b.month as u32, b.day as u32) {
            Some(d) => Value::Date(d),
            None => Value::Empty,
        },
        None if csv => Value::Text(format!("--{:02}-{:02}", b.month, b.day)),
        None => Value::Text(format!("{:02}.{:02}", b.day, b.month)),
    }
}

fn value(client: &Client, col: &Col<'_>, ctx: &ExportContext<'_>, csv: bool) -> Value {
    let d = &client.data;
    let t = match col {
        Col::Custom(def) => {
            return match d.custom.get(&def.id) {
                None => Value::Empty,
                Some(CustomValue::Number(n)) => Value::Number(*n),
                Some(CustomValue::Date(s)) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                    Ok(date) => Value::Date(date),
                    Err(_) => text(s),
                },
                Some(CustomValue::Text(s) | CustomValue::Choice(s)) => text(s),
            }
        }
        Col::Field(t) => t,
    };
    match t {
        ClientTarget::Kind => text(values::kind_code(d.kind)),
        ClientTarget::FullName => Value::Empty,
        ClientTarget::FirstName => text(&d.first_name),
        ClientTarget::LastName => text(&d.last_name),
        ClientTarget::MiddleName => text(&d.middle_name),
        ClientTarget::OrgName => text(&d.org_name),
        ClientTarget::Phone(kind) => joined(
            d.phones
                .iter()
                .filter(|p| kind.is_none_or(|k| p.kind == k))
                .map(|p| p.raw.as_str()),
            "; ",
        ),
        ClientTarget::Email(_) => emails(&d.emails),
        ClientTarget::Messenger(k) => joined(
            d.messengers
                .iter()
                .filter(|m| m.kind == *k)
                .map(|m| m.handle.as_str()),
            "; ",
        ),
        ClientTarget::Website => text(&d.website),
        ClientTarget::Street => text(&d.address.street),
        ClientTarget::City => text(&d.address.city),
        ClientTarget::Region => text(&d.address.region),
        ClientTarget::PostalCode => text(&d.address.postal_code),
        ClientTarget::Country => text(&d.address.country),
        ClientTarget::Birthday => birthday(&d.birthday, csv),
        ClientTarget::Notes => text(&d.notes),
        ClientTarget::Hobbies => text(&d.hobbies),
        ClientTarget::Tags => joined(d.tags.iter().map(String::as_str), ", "),
        ClientTarget::Category => match &d.category_id {
            None => Value::Empty,
            Some(id) => text(
                ctx.categories
                    .iter()
                    .find(|c| &c.id == id)
                    .map(|c| c.name.as_str())
                    .unwrap_or(id),
            ),
        },
        ClientTarget::Source => text(&d.source),
        ClientTarget::PreferredChannel => match d.preferred_channel {
            Some(c) => text(values::channel_code(c)),
            None => Value::Empty,
        },
        ClientTarget::CallTime => text(&d.call_time),
        ClientTarget::Contact(slot, f) => {
            let Some(c) = d.contacts.get(*slot as usize - 1) else {
                return Value::Empty;
            };
            match f {
                ContactField::FullName => Value::Empty,
                ContactField::FirstName => text(&c.first_name),
                ContactField::LastName => text(&c.last_name),
                ContactField::MiddleName => text(&c.middle_name),
                ContactField::Position => text(&c.position),
                ContactField::Phone => joined(c.phones.iter().map(|p| p.raw.as_str()), "; "),
                ContactField::Email => emails(&c.emails),
                ContactField::Birthday => birthday(&c.birthday, csv),
                ContactField::Notes => text(&c.notes),
            }
        }
        ClientTarget::Position
        | ClientTarget::PhoneType
        | ClientTarget::EmailType
        | ClientTarget::Custom(_) => Value::Empty,
    }
}

/// The clients as an XLSX workbook: one sheet "Clients", a bold frozen header row with an
/// autofilter, dates as dates. Streams rows to a temporary file (rust_xlsxwriter's constant-memory
/// mode) and falls back to building it in memory where no temporary file can be made.
pub fn export_xlsx(clients: &[Client], ctx: &ExportContext<'_>) -> Result<Vec<u8>, ExportError> {
    match export_xlsx_mode(clients, ctx, true) {
        Err(ExportError::Xlsx(_)) => export_xlsx_mode(clients, ctx, false),
        ok => ok,
    }
}

/// [`export_xlsx`] built in memory only (no temporary file; uses more memory).
pub fn export_xlsx_in_memory(
    clients: &[Client],
    ctx: &ExportContext<'_>,
) -> Result<Vec<u8>, ExportError> {
    export_xlsx_mode(clients, ctx, false)
}

fn export_xlsx_mode(
    clients: &[Client],
    ctx: &ExportContext<'_>,
    constant_memory: bool,
) -> Result<Vec<u8>, ExportError> {
    let cols = columns(clients, ctx);
    let mut wb = Workbook::new();
    let mut ws: Worksheet = if constant_memory {
        wb.new_worksheet_with_constant_memory()?
    } else {
        Worksheet::new()
    };
    ws.set_name("Clients")?;
    let bold = Format::new().set_bold();
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    for (i, c) in cols.iter().enumerate() {
        let width = match c {
            Col::Field(ClientTarget::Notes) => 40,
            Col::Field(ClientTarget::Phone(_) | ClientTarget::Email(_)) => 22,
            Col::Field(ClientTarget::Kind | ClientTarget::Country) => 12,
            _ => 16,
        };
        ws.set_column_width(i as u16, width)?;
    }
    for (i, c) in cols.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, ctx.labels.header(c), &bold)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (r, client) in clients.iter().enumerate() {
        let row = r as u32 + 1;
        for (i, c) in cols.iter().enumerate() {
            let col = i as u16;
            match value(client, c, ctx, false) {
                Value::Empty => {}
                Value::Text(s) => {
                    ws.write_string(row, col, s)?;
                }
                Value::Number(n) => {
                    ws.write_number(row, col, n)?;
                }
                Value::Date(d) => {
                    use chrono::Datelike;
                    let dt =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                    ws.write_date_with_format(row, col, &dt, &date_fmt)?;
                }
            }
        }
    }
    if !cols.is_empty() {
        ws.autofilter(0, 0, clients.len() as u32, cols.len() as u16 - 1)?;
    }
    wb.push_worksheet(ws);
    Ok(wb.save_to_buffer()?)
}

/// Guards against CSV formula injection: a cell Excel would evaluate (`=…`, `@…`, `+…`/`-…` not
/// followed by a digit, space or `(`) gets a leading `'`, which reading removes again.
fn csv_safe(s: &str) -> std::borrow::Cow<'_, str> {
    let mut chars = s.chars();
    let risky = match chars.next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => {
            !matches!(chars.next(), Some(c) if c.is_ascii_digit() || c == ' ' || c == '(')
        }
        _ => false,
    };
    if risky {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// The clients as CSV: UTF-8 with a byte-order mark, CRLF, `delimiter` between fields (`,`; the
/// Excel of ru/uk/el/de locales opens `;` files directly). Dates as ISO `YYYY-MM-DD`, birthdays
/// without a year as `--MM-DD`.
pub fn export_csv(clients: &[Client], ctx: &ExportContext<'_>, delimiter: u8) -> Vec<u8> {
    let cols = columns(clients, ctx);
    let mut out = Vec::with_capacity(clients.len() * 200 + 1024);
    out.extend_from_slice(b"\xEF\xBB\xBF");
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let header: Vec<String> = cols.iter().map(|c| ctx.labels.header(c)).collect();
    // Writing to a Vec cannot fail.
    let _ = w.write_record(header.iter().map(|h| csv_safe(h).into_owned()));
    let mut rec: Vec<String> = Vec::with_capacity(cols.len());
    for client in clients {
        rec.clear();
        for c in &cols {
            rec.push(match value(client, c, ctx, true) {
                Value::Empty => String::new(),
                Value::Text(s) => csv_safe(&s).into_owned(),
                Value::Number(n) => number_text(n),
                Value::Date(d) => d.format("%Y-%m-%d").to_string(),
            });
        }
        let _ = w.write_record(&rec);
    }
    w.into_inner().unwrap_or_default()
}

/// The clients as a vCard file (CRLF, lines folded at 75 octets). Contact persons are not written
/// (a vCard is one person or organisation); what vCard has no property for (hobbies, source, call
/// time, preferred channel, category, custom fields) goes into `X-CLIENTBASE-*` properties, which
/// [`crate::read_vcard`] reads back.
pub fn export_vcard(clients: &[Client], version: VcardVersion, ctx: &ExportContext<'_>) -> Vec<u8> {
    let mut out = String::with_capacity(clients.len() * 400);
    for c in clients {
        vcard::write_card(&mut out, c, version, ctx.categories, ctx.custom_fields);
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_headers_are_recognised() {
        let labels = HeaderLabels::english();
        let mut cols: Vec<Col<'_>> = base_targets().into_iter().map(Col::Field).collect();
        for f in CONTACT_FIELDS {
            cols.push(Col::Field(ClientTarget::Contact(2, f)));
        }
        for c in &cols {
            let Col::Field(t) = c else { continue };
            let h = labels.header(c);
            assert_eq!(ClientTarget::propose(&h).as_ref(), Some(t), "{h}");
        }
    }

    #[test]
    fn csv_injection_guard() {
        assert_eq!(csv_safe("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_safe("@cmd"), "'@cmd");
        assert_eq!(csv_safe("+380 67 123 4567"), "+380 67 123 4567");
        assert_eq!(csv_safe("-5"), "-5");
        assert_eq!(csv_safe("-cmd"), "'-cmd");
        assert_eq!(csv_safe("Иван"), "Иван");
    }
}
