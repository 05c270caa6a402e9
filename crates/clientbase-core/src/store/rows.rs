//! Row mapping: `Client`/`ContactPerson` ⇄ SQL columns, the derived columns and lookup keys, and the
//! search documents built from stored rows.

use crate::error::StoreError;
use crate::model::*;
use crate::phone;
use clientbase_search::fold;
use rusqlite::types::{FromSql, Value, ValueRef};
use rusqlite::{Connection, Row, Transaction};
use serde::Serialize;
use serde_json::value::{to_raw_value, RawValue};
use std::collections::BTreeMap;
use std::sync::LazyLock;

pub(crate) fn kind_str(k: ClientKind) -> &'static str {
    match k {
        ClientKind::Person => "person",
        ClientKind::Organization => "organization",
    }
}

fn kind_from(s: &str) -> ClientKind {
    if s == "organization" {
        ClientKind::Organization
    } else {
        ClientKind::Person
    }
}

/// The stored text of a channel (a client's preferred one, an interaction's).
pub(crate) fn channel_str(c: Channel) -> &'static str {
    match c {
        Channel::Call => "call",
        Channel::Sms => "sms",
        Channel::Whatsapp => "whatsapp",
        Channel::Telegram => "telegram",
        Channel::Viber => "viber",
        Channel::Email => "email",
    }
}

fn channel_from(s: &str) -> Option<Channel> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

pub(crate) fn birthday_md(b: &Option<Birthday>) -> Option<u16> {
    b.map(|b| b.month as u16 * 100 + b.day as u16)
}

/// "Last First Middle" for a person, the organisation name otherwise.
pub fn display_name(d: &ClientInput) -> String {
    match d.kind {
        ClientKind::Organization => d.org_name.clone(),
        ClientKind::Person => join_names(&[&d.last_name, &d.first_name, &d.middle_name]),
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2ffff}')
}

/// Joins name parts with spaces, except between two CJK parts ("王" + "秀英" → "王秀英").
pub(crate) fn join_names(parts: &[&str]) -> String {
    let mut s = String::new();
    for p in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let cjk_pair = s.chars().last().is_some_and(is_cjk) && p.chars().next().is_some_and(is_cjk);
        if !s.is_empty() && !cjk_pair {
            s.push(' ');
        }
        s.push_str(p);
    }
    s
}

/// The folded name used for name duplicates: person "last first|company", organisation "org:name".
pub fn name_key(d: &ClientInput) -> String {
    match d.kind {
        ClientKind::Organization => format!("org:{}", fold(d.org_name.trim())),
        ClientKind::Person => format!(
            "{} {}|{}",
            fold(d.last_name.trim()),
            fold(d.first_name.trim()),
            fold(d.org_name.trim())
        ),
    }
}

/// Values the store derives from a client on every write.
#[derive(Debug, Clone, Default)]
pub struct Derived {
    pub city: String,
    pub phone_display: Option<String>,
    pub subtitle: String,
    /// Digit strings for phone-fragment search (client's and contact persons' phones).
    pub phone_digits: Vec<String>,
    pub search_extra: String,
    /// Notes, hobbies and contact persons' job titles / notes / hobbies (see migration 0003).
    pub search_notes: String,
    /// E.164 of every phone (client and contacts), for duplicates.
    pub e164s: Vec<String>,
    /// Lower-cased e-mails (client and contacts).
    pub emails: Vec<String>,
    pub name_key: String,
}

pub(crate) fn subtitle(d: &ClientInput) -> String {
    match d.kind {
        ClientKind::Person => d.org_name.clone(),
        ClientKind::Organization => d
            .contacts
            .first()
            .map(|c| join_names(&[&c.first_name, &c.last_name]))
            .unwrap_or_default(),
    }
}

/// The `search_notes` column: the non-empty trimmed parts joined by a space — client notes, hobbies,
/// then per contact person its position, notes, hobbies (same as the backfill in migration 0003).
pub(crate) fn search_notes(d: &ClientInput) -> String {
    let mut out = String::new();
    let parts = [&d.notes, &d.hobbies].into_iter().chain(
        d.contacts
            .iter()
            .flat_map(|c| [&c.position, &c.notes, &c.hobbies]),
    );
    for p in parts.map(|p| p.trim()).filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(p);
    }
    out
}

/// Everything but the phone-derived parts (which need phone parsing: see [`derive`]).
pub(crate) fn derive_base(d: &ClientInput) -> Derived {
    let mut extra = Vec::new();
    let mut emails = Vec::new();
    for e in d
        .emails
        .iter()
        .chain(d.contacts.iter().flat_map(|c| c.emails.iter()))
    {
        extra.push(e.address.clone());
        emails.push(e.address.trim().to_lowercase());
    }
    for c in &d.contacts {
        extra.push(join_names(&[&c.last_name, &c.first_name, &c.middle_name]));
    }
    if d.kind == ClientKind::Organization {
        extra.push(join_names(&[&d.last_name, &d.first_name]));
    }
    for m in d
        .messengers
        .iter()
        .chain(d.contacts.iter().flat_map(|c| c.messengers.iter()))
    {
        if m.handle.trim_start().starts_with('@') {
            extra.push(m.handle.trim().to_owned());
        }
    }
    extra.retain(|s| !s.is_empty());
    Derived {
        city: d.address.city.trim().to_owned(),
        phone_display: None,
        subtitle: subtitle(d),
        phone_digits: Vec::new(),
        search_extra: extra.join(" "),
        search_notes: search_notes(d),
        e164s: Vec::new(),
        emails,
        name_key: name_key(d),
    }
}

/// Derived values of a client whose phones have `e164` filled (slow path: parses phones).
pub fn derive(d: &ClientInput) -> Derived {
    let mut out = derive_base(d);
    for p in d
        .phones
        .iter()
        .chain(d.contacts.iter().flat_map(|c| c.phones.iter()))
    {
        if let Some(e) = &p.e164 {
            if out.phone_display.is_none() && d.phones.iter().any(|x| std::ptr::eq(x, p)) {
                out.phone_display = Some(phone::display(e));
            }
            if !out.e164s.contains(e) {
                out.e164s.push(e.clone());
                out.phone_digits.extend(phone::search_digits(e));
            }
        }
    }
    out
}

fn skip_str(s: &&str) -> bool {
    s.is_empty()
}
fn skip_slice<T>(s: &J<'_, [T]>) -> bool {
    s.v.is_empty()
}
fn skip_false(b: &bool) -> bool {
    !*b
}
fn skip_address(a: &J<'_, Address>) -> bool {
    *a.v == Address::default()
}
fn skip_map<K, V>(m: &J<'_, BTreeMap<K, V>>) -> bool {
    m.v.is_empty()
}

/// A JSON column in a change-log image: the value, and optionally its JSON text as already
/// serialised for the row's column (written verbatim, so a write serialises each value once).
pub(crate) struct J<'a, T: ?Sized> {
    v: &'a T,
    raw: Option<&'a RawValue>,
}

impl<T: Serialize + ?Sized> Serialize for J<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.raw {
            Some(r) => r.serialize(s),
            None => self.v.serialize(s),
        }
    }
}

fn j<'a, T: ?Sized>(v: &'a T, raw: Option<&'a RawValue>) -> J<'a, T> {
    J { v, raw }
}

/// The JSON columns of a client row, serialised once for the row and its change-log image.
pub(crate) struct ClientJson {
    phones: Box<RawValue>,
    emails: Box<RawValue>,
    messengers: Box<RawValue>,
    address: Box<RawValue>,
    tags: Box<RawValue>,
    custom: Box<RawValue>,
}

impl ClientJson {
    pub(crate) fn of(d: &ClientInput) -> Result<Self, StoreError> {
        Ok(ClientJson {
            phones: to_raw_value(&d.phones)?,
            emails: to_raw_value(&d.emails)?,
            messengers: to_raw_value(&d.messengers)?,
            address: to_raw_value(&d.address)?,
            tags: to_raw_value(&d.tags)?,
            custom: to_raw_value(&d.custom)?,
        })
    }
}

/// The JSON columns of a contact person row (see [`ClientJson`]).
pub(crate) struct ContactJson {
    phones: Box<RawValue>,
    emails: Box<RawValue>,
    messengers: Box<RawValue>,
}

impl ContactJson {
    pub(crate) fn of(c: &ContactPerson) -> Result<Self, StoreError> {
        Ok(ContactJson {
            phones: to_raw_value(&c.phones)?,
            emails: to_raw_value(&c.emails)?,
            messengers: to_raw_value(&c.messengers)?,
        })
    }
}

/// The change-log image of a client row (domain columns only). Columns holding their default (empty
/// text or list, null, false) are left out: an insert's `fields` omits them, and [`diff`] reports a
/// column that went back to its default with that default value.
#[derive(Serialize)]
pub(crate) struct ClientCols<'a> {
    kind: &'static str,
    #[serde(skip_serializing_if = "skip_str")]
    first_name: &'a str,
    #[serde(skip_serializing_if = "skip_str")]
    last_name: &'a str,
    #[serde(skip_serializing_if = "skip_str")]
    middle_name: &'a str,
    #[serde(skip_serializing_if = "skip_str")]
    org_name: &'a str,
    #[serde(skip_serializing_if = "skip_slice")]
    phones: J<'a, [Phone]>,
    #[serde(skip_serializing_if = "skip_slice")]
    emails: J<'a, [Email]>,
    #[serde(skip_serializing_if = "skip_slice")]
    messengers: J<'a, [Messenger]>,
    #[serde(skip_serializing_if = "skip_str")]
    website: &'a str,
    #[serde(skip_serializing_if = "skip_address")]
    address: J<'a, Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    birthday_day: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    birthday_month: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    birthday_year: Option<i32>,
    #[serde(skip_serializing_if = "skip_str")]
    notes: &'a str,
    #[serde(skip_serializing_if = "skip_str")]
    hobbies: &'a str,
    #[serde(skip_serializing_if = "skip_slice")]
    tags: J<'a, [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    category_id: Option<&'a str>,
    #[serde(skip_serializing_if = "skip_str")]
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    preferred_channel: Option<&'static str>,
    #[serde(skip_serializing_if = "skip_str")]
    call_time: &'a str,
    #[serde(skip_serializing_if = "skip_map")]
    custom: J<'a, BTreeMap<Id, CustomValue>>,
    #[serde(skip_serializing_if = "skip_str")]
    owner: &'a str,
    #[serde(skip_serializing_if = "skip_false")]
    is_demo: bool,
    created_at: &'a str,
    updated_at: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    deleted_at: Option<&'a str>,
}

/// The change-log image of a client; with `json`, its JSON columns are written from that text.
pub(crate) fn client_cols<'a>(c: &'a Client, json: Option<&'a ClientJson>) -> ClientCols<'a> {
    let d = &c.data;
    ClientCols {
        kind: kind_str(d.kind),
        first_name: &d.first_name,
        last_name: &d.last_name,
        middle_name: &d.middle_name,
        org_name: &d.org_name,
        phones: j(&d.phones, json.map(|x| &*x.phones)),
        emails: j(&d.emails, json.map(|x| &*x.emails)),
        messengers: j(&d.messengers, json.map(|x| &*x.messengers)),
        website: &d.website,
        address: j(&d.address, json.map(|x| &*x.address)),
        birthday_day: d.birthday.map(|b| b.day),
        birthday_month: d.birthday.map(|b| b.month),
        birthday_year: d.birthday.and_then(|b| b.year),
        notes: &d.notes,
        hobbies: &d.hobbies,
        tags: j(&d.tags, json.map(|x| &*x.tags)),
        category_id: d.category_id.as_deref(),
        source: &d.source,
        preferred_channel: d.preferred_channel.map(channel_str),
        call_time: &d.call_time,
        custom: j(&d.custom, json.map(|x| &*x.custom)),
        owner: &c.owner,
        is_demo: c.is_demo,
        created_at: &c.created_at,
        updated_at: &c.updated_at,
        deleted_at: c.deleted_at.as_deref(),
    }
}

#[derive(Serialize)]
pub(crate) struct ContactCols<'a> {
    client_id: &'a str,
    position_no: usize,
    #[serde(skip_serializing_if = "skip_str")]
    first_name: &'a str,
    #[serde(skip_serializing_if = "skip_str")]
    last_name: &'a str,
    #[serde(skip_serializing_if = "skip_str")]
    middle_name: &'a str,
    #[serde(skip_serializing_if = "skip_str")]
    position: &'a str,
    #[serde(skip_serializing_if = "skip_slice")]
    phones: J<'a, [Phone]>,
    #[serde(skip_serializing_if = "skip_slice")]
    emails: J<'a, [Email]>,
    #[serde(skip_serializing_if = "skip_slice")]
    messengers: J<'a, [Messenger]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    birthday_day: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    birthday_month: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    birthday_year: Option<i32>,
    #[serde(skip_serializing_if = "skip_str")]
    notes: &'a str,
    #[serde(skip_serializing_if = "skip_str")]
    hobbies: &'a str,
}

pub(crate) fn contact_cols<'a>(
    client_id: &'a str,
    no: usize,
    c: &'a ContactPerson,
    json: Option<&'a ContactJson>,
) -> ContactCols<'a> {
    ContactCols {
        client_id,
        position_no: no,
        first_name: &c.first_name,
        last_name: &c.last_name,
        middle_name: &c.middle_name,
        position: &c.position,
        phones: j(&c.phones, json.map(|x| &*x.phones)),
        emails: j(&c.emails, json.map(|x| &*x.emails)),
        messengers: j(&c.messengers, json.map(|x| &*x.messengers)),
        birthday_day: c.birthday.map(|b| b.day),
        birthday_month: c.birthday.map(|b| b.month),
        birthday_year: c.birthday.and_then(|b| b.year),
        notes: &c.notes,
        hobbies: &c.hobbies,
    }
}

/// `{field: value}` of the fields that differ between two images (JSON objects).
pub(crate) fn diff<T: Serialize>(
    old: &T,
    new: &T,
) -> Result<serde_json::Map<String, serde_json::Value>, StoreError> {
    let (serde_json::Value::Object(o), serde_json::Value::Object(n)) =
        (serde_json::to_value(old)?, serde_json::to_value(new)?)
    else {
        return Ok(Default::default());
    };
    let mut out: serde_json::Map<String, serde_json::Value> = Default::default();
    for (k, ov) in &o {
        if !n.contains_key(k) {
            let default = match ov {
                serde_json::Value::String(_) => serde_json::Value::String(String::new()),
                serde_json::Value::Array(_) => serde_json::Value::Array(Vec::new()),
                serde_json::Value::Object(_) => serde_json::Value::Object(Default::default()),
                serde_json::Value::Bool(_) => serde_json::Value::Bool(false),
                _ => serde_json::Value::Null,
            };
            out.insert(k.clone(), default);
        }
    }
    out.extend(n.into_iter().filter(|(k, v)| o.get(k) != Some(v)));
    Ok(out)
}

const CLIENT_COLS: &str = "id, kind, first_name, last_name, middle_name, org_name, phones, emails, messengers, website, \
    address, birthday_day, birthday_month, birthday_year, birthday_md, notes, hobbies, tags, category_id, source, \
    preferred_channel, call_time, custom, owner, is_demo, created_at, updated_at, deleted_at, city, phone_display, \
    subtitle, phone_digits, search_extra, search_notes";

pub(crate) fn insert_client_sql() -> String {
    let ph: Vec<String> = (1..=34).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO clients ({CLIENT_COLS}) VALUES ({})",
        ph.join(", ")
    )
}

pub(crate) fn update_client_sql() -> String {
    let sets: Vec<String> = CLIENT_COLS
        .split(", ")
        .enumerate()
        .skip(1)
        .map(|(i, c)| format!("{} = ?{}", c.trim(), i + 1))
        .collect();
    format!("UPDATE clients SET {} WHERE id = ?1", sets.join(", "))
}

/// Executes the insert or update statement for a client row.
pub(crate) fn exec_client(
    st: &mut rusqlite::CachedStatement<'_>,
    c: &Client,
    dv: &Derived,
    json: &ClientJson,
) -> Result<(), StoreError> {
    bind_client(st, 0, c, dv, json)?;
    st.raw_execute()?;
    Ok(())
}

/// Number of bound values per client row (the columns of [`CLIENT_COLS`]).
pub(crate) const CLIENT_NCOLS: usize = 34;

/// Binds a client row's values to parameters `base + 1 ..= base + CLIENT_NCOLS` (in [`CLIENT_COLS`] order).
pub(crate) fn bind_client(
    st: &mut rusqlite::Statement<'_>,
    base: usize,
    c: &Client,
    dv: &Derived,
    json: &ClientJson,
) -> Result<(), StoreError> {
    let d = &c.data;
    let digits = dv.phone_digits.join(" ");
    let values: [&dyn rusqlite::ToSql; CLIENT_NCOLS] = [
        &c.id,
        &kind_str(d.kind),
        &d.first_name,
        &d.last_name,
        &d.middle_name,
        &d.org_name,
        &json.phones.get(),
        &json.emails.get(),
        &json.messengers.get(),
        &d.website,
        &json.address.get(),
        &d.birthday.map(|b| b.day),
        &d.birthday.map(|b| b.month),
        &d.birthday.and_then(|b| b.year),
        &birthday_md(&d.birthday),
        &d.notes,
        &d.hobbies,
        &json.tags.get(),
        &d.category_id,
        &d.source,
        &d.preferred_channel.map(channel_str),
        &d.call_time,
        &json.custom.get(),
        &c.owner,
        &c.is_demo,
        &c.created_at,
        &c.updated_at,
        &c.deleted_at,
        &dv.city,
        &dv.phone_display,
        &dv.subtitle,
        &digits,
        &dv.search_extra,
        &dv.search_notes,
    ];
    for (i, v) in values.iter().enumerate() {
        st.raw_bind_parameter(base + i + 1, v)?;
    }
    Ok(())
}

/// `INSERT INTO clients (...) VALUES (?, ...), (?, ...)` for `rows` rows.
pub(crate) fn insert_clients_sql(rows: usize) -> String {
    multi_insert_sql(
        &format!("INSERT INTO clients ({CLIENT_COLS})"),
        CLIENT_NCOLS,
        rows,
    )
}

/// `INSERT INTO contacts (...) VALUES ...` for `rows` rows (columns of [`bind_contact`]).
pub(crate) fn insert_contacts_sql(rows: usize) -> String {
    multi_insert_sql(
        "INSERT INTO contacts (id, client_id, position_no, first_name, last_name, middle_name, position, phones, \
         emails, messengers, birthday_day, birthday_month, birthday_year, birthday_md, notes, hobbies, created_at, \
         updated_at)",
        CONTACT_NCOLS,
        rows,
    )
}

/// `head VALUES (?, ?), (?, ?)`: `rows` tuples of `ncols` anonymous parameters.
pub(crate) fn multi_insert_sql(head: &str, ncols: usize, rows: usize) -> String {
    let tuple = format!("({})", vec!["?"; ncols].join(", "));
    format!("{head} VALUES {}", vec![tuple.as_str(); rows].join(", "))
}

pub(crate) const INSERT_CONTACT: &str = "INSERT INTO contacts (id, client_id, position_no, first_name, last_name, \
    middle_name, position, phones, emails, messengers, birthday_day, birthday_month, birthday_year, birthday_md, notes, \
    hobbies, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";
pub(crate) const UPDATE_CONTACT: &str = "UPDATE contacts SET client_id = ?2, position_no = ?3, first_name = ?4, \
    last_name = ?5, middle_name = ?6, position = ?7, phones = ?8, emails = ?9, messengers = ?10, birthday_day = ?11, \
    birthday_month = ?12, birthday_year = ?13, birthday_md = ?14, notes = ?15, hobbies = ?16, created_at = ?17, \
    updated_at = ?18 WHERE id = ?1";

pub(crate) fn exec_contact(
    st: &mut rusqlite::CachedStatement<'_>,
    client_id: &str,
    no: usize,
    c: &ContactPerson,
    created_at: &str,
    updated_at: &str,
    json: &ContactJson,
) -> Result<(), StoreError> {
    bind_contact(st, 0, client_id, no, c, created_at, updated_at, json)?;
    st.raw_execute()?;
    Ok(())
}

/// Number of bound values per contact row.
pub(crate) const CONTACT_NCOLS: usize = 18;

/// Binds a contact row to parameters `base + 1 ..= base + CONTACT_NCOLS` (order of [`INSERT_CONTACT`]).
#[allow(clippy::too_many_arguments)]
pub(crate) fn bind_contact(
    st: &mut rusqlite::Statement<'_>,
    base: usize,
    client_id: &str,
    no: usize,
    c: &ContactPerson,
    created_at: &str,
    updated_at: &str,
    json: &ContactJson,
) -> Result<(), StoreError> {
    let values: [&dyn rusqlite::ToSql; CONTACT_NCOLS] = [
        &c.id,
        &client_id,
        &(no as i64),
        &c.first_name,
        &c.last_name,
        &c.middle_name,
        &c.position,
        &json.phones.get(),
        &json.emails.get(),
        &json.messengers.get(),
        &c.birthday.map(|b| b.day),
        &c.birthday.map(|b| b.month),
        &c.birthday.and_then(|b| b.year),
        &birthday_md(&c.birthday),
        &c.notes,
        &c.hobbies,
        &created_at,
        &updated_at,
    ];
    for (i, v) in values.iter().enumerate() {
        st.raw_bind_parameter(base + i + 1, v)?;
    }
    Ok(())
}

/// The duplicate-lookup keys of a client: `p:<E.164>` (client's and contact persons' phones, from
/// their stored `e164`), `e:<lower-cased e-mail>`, `n:<folded name key>`.
pub(crate) fn lookup_keys(dv: &Derived, d: &ClientInput) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for p in d
        .phones
        .iter()
        .chain(d.contacts.iter().flat_map(|c| c.phones.iter()))
    {
        if let Some(e) = &p.e164 {
            keys.push(format!("p:{e}"));
        }
    }
    for e in &dv.emails {
        keys.push(format!("e:{e}"));
    }
    keys.push(format!("n:{}", dv.name_key));
    keys.sort();
    keys.dedup();
    keys
}

/// Replaces a client's lookup keys `old` by `new` (only the difference is written).
pub(crate) fn write_keys(
    tx: &Transaction<'_>,
    id: &str,
    new: &[String],
    old: &[String],
) -> Result<(), StoreError> {
    let mut del = tx.prepare_cached("DELETE FROM client_keys WHERE key = ?1 AND client_id = ?2")?;
    for k in old.iter().filter(|k| !new.contains(k)) {
        del.execute([k, id])?;
    }
    let mut ins =
        tx.prepare_cached("INSERT OR IGNORE INTO client_keys (key, client_id) VALUES (?1, ?2)")?;
    for k in new.iter().filter(|k| !old.contains(k)) {
        ins.execute([k, id])?;
    }
    Ok(())
}

/// Where [`client_at`] and [`contact_at`] read a row's columns, by position: a SQL row, or a row
/// image in memory ([`Image`]: a first sync's new client, derived before it is read back).
pub(crate) trait Cols {
    fn get<T: FromSql>(&self, i: usize) -> rusqlite::Result<T>;
    fn text(&self, i: usize) -> rusqlite::Result<&str>;
}

impl Cols for Row<'_> {
    fn get<T: FromSql>(&self, i: usize) -> rusqlite::Result<T> {
        Row::get(self, i)
    }
    fn text(&self, i: usize) -> rusqlite::Result<&str> {
        text(self, i)
    }
}

/// A row image in memory: column `i` is `names[i]`, the id `id`, the others read from `values`
/// (the values as SQLite stores them). A column the image lacks is an error: its value would be
/// the schema's default, which the image does not know.
pub(crate) struct Image<'a> {
    names: &'a [&'a str],
    id: &'a str,
    values: &'a BTreeMap<String, Value>,
}

impl Image<'_> {
    fn value(&self, i: usize) -> rusqlite::Result<ValueRef<'_>> {
        match self.names.get(i) {
            Some(&"id") => Ok(ValueRef::Text(self.id.as_bytes())),
            Some(&name) => self
                .values
                .get(name)
                .map(ValueRef::from)
                .ok_or_else(|| rusqlite::Error::InvalidColumnName(name.to_owned())),
            None => Err(rusqlite::Error::InvalidColumnIndex(i)),
        }
    }
}

impl Cols for Image<'_> {
    fn get<T: FromSql>(&self, i: usize) -> rusqlite::Result<T> {
        let v = self.value(i)?;
        T::column_result(v)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, v.data_type(), Box::new(e)))
    }
    fn text(&self, i: usize) -> rusqlite::Result<&str> {
        let v = self.value(i)?;
        v.as_str()
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, v.data_type(), Box::new(e)))
    }
}

/// The names of [`CLIENT_COLS`] and [`CONTACT_COLS`], by position.
static CLIENT_NAMES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| CLIENT_COLS.split(',').map(str::trim).collect());
static CONTACT_NAMES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| CONTACT_COLS.split(',').map(str::trim).collect());

/// The client that [`read_client`] would read once `values` (its row) and `contacts` (its
/// contact persons' rows, each with its id, in `position_no, id` order) are stored; an error
/// when an image lacks a column or holds a value of another type than the column's.
pub(crate) fn client_from_images(
    id: &str,
    values: &BTreeMap<String, Value>,
    contacts: &[(&str, &BTreeMap<String, Value>)],
) -> rusqlite::Result<Client> {
    let mut c = client_at(&Image {
        names: &CLIENT_NAMES,
        id,
        values,
    })?;
    for (id, values) in contacts {
        let image = Image {
            names: &CONTACT_NAMES,
            id,
            values,
        };
        c.data.contacts.push(contact_at(&image, 0)?);
    }
    Ok(c)
}

fn json<T: serde::de::DeserializeOwned>(r: &impl Cols, i: usize) -> rusqlite::Result<T> {
    serde_json::from_str(r.text(i)?).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

pub(crate) fn birthday_at(r: &impl Cols, i: usize) -> rusqlite::Result<Option<Birthday>> {
    let day: Option<u8> = r.get(i)?;
    let month: Option<u8> = r.get(i + 1)?;
    let year: Option<i32> = r.get(i + 2)?;
    Ok(match (day, month) {
        (Some(day), Some(month)) => Some(Birthday { day, month, year }),
        _ => None,
    })
}

/// A client row of `SELECT {CLIENT_COLS}` (contact persons not read).
fn client_at(r: &impl Cols) -> rusqlite::Result<Client> {
    let kind: String = r.get(1)?;
    let channel: Option<String> = r.get(20)?;
    Ok(Client {
        id: r.get(0)?,
        data: ClientInput {
            kind: kind_from(&kind),
            first_name: r.get(2)?,
            last_name: r.get(3)?,
            middle_name: r.get(4)?,
            org_name: r.get(5)?,
            phones: json(r, 6)?,
            emails: json(r, 7)?,
            messengers: json(r, 8)?,
            website: r.get(9)?,
            // Rows written by SQL defaults hold '{}' (no keys): an empty address.
            address: if r.text(10)? == "{}" {
                Address::default()
            } else {
                json(r, 10)?
            },
            birthday: birthday_at(r, 11)?,
            notes: r.get(15)?,
            hobbies: r.get(16)?,
            tags: json(r, 17)?,
            category_id: r.get(18)?,
            source: r.get(19)?,
            preferred_channel: channel.as_deref().and_then(channel_from),
            call_time: r.get(21)?,
            contacts: Vec::new(),
            custom: json(r, 22)?,
        },
        owner: r.get(23)?,
        is_demo: r.get(24)?,
        created_at: r.get(25)?,
        updated_at: r.get(26)?,
        deleted_at: r.get(27)?,
    })
}

const CONTACT_COLS: &str =
    "id, first_name, last_name, middle_name, position, phones, emails, messengers, \
    birthday_day, birthday_month, birthday_year, notes, hobbies";

/// A contact person of `SELECT {CONTACT_COLS}` starting at column `at`.
fn contact_at(r: &impl Cols, at: usize) -> rusqlite::Result<ContactPerson> {
    Ok(ContactPerson {
        id: r.get(at)?,
        first_name: r.get(at + 1)?,
        last_name: r.get(at + 2)?,
        middle_name: r.get(at + 3)?,
        position: r.get(at + 4)?,
        phones: json(r, at + 5)?,
        emails: json(r, at + 6)?,
        messengers: json(r, at + 7)?,
        birthday: birthday_at(r, at + 8)?,
        notes: r.get(at + 11)?,
        hobbies: r.get(at + 12)?,
    })
}

/// Reads one client with its contact persons (deleted ones too).
pub(crate) fn read_client(conn: &Connection, id: &str) -> Result<Option<Client>, StoreError> {
    let mut st =
        conn.prepare_cached(&format!("SELECT {CLIENT_COLS} FROM clients WHERE id = ?1"))?;
    let mut rows = st.query([id])?;
    let Some(r) = rows.next()? else {
        return Ok(None);
    };
    let mut c = client_at(r)?;
    drop(rows);
    let mut st = conn.prepare_cached(&format!(
        "SELECT {CONTACT_COLS} FROM contacts WHERE client_id = ?1 ORDER BY position_no, id"
    ))?;
    let contacts = st.query_map([id], |r| contact_at(r, 0))?;
    for ct in contacts {
        c.data.contacts.push(ct?);
    }
    Ok(Some(c))
}

/// Every live client with its contact persons, by id (two scans: for exports of large lists).
pub(crate) fn read_live_clients(
    conn: &Connection,
) -> Result<std::collections::HashMap<String, Client>, StoreError> {
    let mut out = std::collections::HashMap::new();
    let mut st = conn.prepare(&format!(
        "SELECT {CLIENT_COLS} FROM clients WHERE deleted_at IS NULL"
    ))?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let c = client_at(r)?;
        out.insert(c.id.clone(), c);
    }
    drop(rows);
    let mut st = conn.prepare(&format!(
        "SELECT client_id, {CONTACT_COLS} FROM contacts ORDER BY client_id, position_no, id"
    ))?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(c) = out.get_mut(text(r, 0)?) {
            c.data.contacts.push(contact_at(r, 1)?);
        }
    }
    Ok(out)
}

pub(crate) fn text<'a>(r: &'a Row<'_>, i: usize) -> rusqlite::Result<&'a str> {
    r.get_ref(i)?.as_str().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_log_image_from_serialised_json_is_identical() {
        for (c, _) in crate::demo::generate(5, 300, 1_700_000_000_000, "me") {
            let json = ClientJson::of(&c.data).unwrap();
            let a = serde_json::to_string(&client_cols(&c, None)).unwrap();
            let b = serde_json::to_string(&client_cols(&c, Some(&json))).unwrap();
            assert_eq!(a, b);
            for (no, ct) in c.data.contacts.iter().enumerate() {
                let json = ContactJson::of(ct).unwrap();
                let a = serde_json::to_string(&contact_cols(&c.id, no, ct, None)).unwrap();
                let b = serde_json::to_string(&contact_cols(&c.id, no, ct, Some(&json))).unwrap();
                assert_eq!(a, b);
            }
        }
    }
}
