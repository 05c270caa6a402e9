//! Domain model: the data the store keeps and the shapes the UI exchanges with the core.
//! Every type here that crosses to the UI derives `TS`; `cargo test -p clientbase-core export_bindings`
//! writes them to `ui/src/lib/bindings/` and CI fails when the committed copies drift.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// A UUIDv7 as text (sortable by creation time).
pub type Id = String;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ClientKind {
    #[default]
    Person,
    Organization,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PhoneKind {
    #[default]
    Mobile,
    Work,
    Home,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
pub struct Phone {
    pub kind: PhoneKind,
    /// As the user typed it.
    pub raw: String,
    /// Normalised E.164 (`+380671234567`); `None` when it could not be parsed (kept, flagged in the UI).
    #[ts(optional)]
    pub e164: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
pub struct Email {
    /// Free label ("work", "personal"); may be empty.
    pub label: String,
    pub address: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MessengerKind {
    #[default]
    Whatsapp,
    Telegram,
    Viber,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
pub struct Messenger {
    pub kind: MessengerKind,
    /// Telegram: `@username` or a phone; WhatsApp/Viber: a phone; other: free text (e.g. "Signal: +30…").
    pub handle: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
pub struct Address {
    pub street: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 ("UA"); empty when unknown.
    pub country: String,
}

/// Day and month, year optional (29 February allowed with or without a year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Birthday {
    pub day: u8,
    pub month: u8,
    #[ts(optional)]
    pub year: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Channel {
    Call,
    Sms,
    Whatsapp,
    Telegram,
    Viber,
    Email,
}

/// A value of a user-defined custom field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
#[ts(export)]
pub enum CustomValue {
    Text(String),
    Number(f64),
    /// ISO date `YYYY-MM-DD`.
    Date(String),
    /// One of the field's options.
    Choice(String),
}

/// A contact person of an organisation (director, specialist…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
pub struct ContactPerson {
    /// Empty on create; the store assigns a UUIDv7.
    pub id: Id,
    pub first_name: String,
    pub last_name: String,
    pub middle_name: String,
    pub position: String,
    pub phones: Vec<Phone>,
    pub emails: Vec<Email>,
    pub messengers: Vec<Messenger>,
    #[ts(optional)]
    pub birthday: Option<Birthday>,
    pub notes: String,
    pub hobbies: String,
}

/// What the add/edit form sends. The store fills ids, e164, timestamps and the owner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
pub struct ClientInput {
    pub kind: ClientKind,
    pub first_name: String,
    pub last_name: String,
    pub middle_name: String,
    /// Organisation name for organisations; the employer/company for a person (may be empty).
    pub org_name: String,
    pub phones: Vec<Phone>,
    pub emails: Vec<Email>,
    pub messengers: Vec<Messenger>,
    pub website: String,
    pub address: Address,
    #[ts(optional)]
    pub birthday: Option<Birthday>,
    pub notes: String,
    pub hobbies: String,
    pub tags: Vec<String>,
    #[ts(optional)]
    pub category_id: Option<Id>,
    /// Where the client came from ("exhibition", "referral"…).
    pub source: String,
    #[ts(optional)]
    pub preferred_channel: Option<Channel>,
    /// Convenient time to call, free text ("after 14:00", "weekdays 9–12").
    pub call_time: String,
    pub contacts: Vec<ContactPerson>,
    /// Custom field id → value.
    pub custom: BTreeMap<Id, CustomValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Client {
    pub id: Id,
    #[serde(flatten)]
    #[ts(flatten)]
    pub data: ClientInput,
    /// The rep who owns the client (a user id once sync lands; the local device's user until then).
    pub owner: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    pub updated_at: String,
    #[ts(optional)]
    pub deleted_at: Option<String>,
    /// Generated by "Try with demo clients"; "clear demo data" removes exactly these.
    pub is_demo: bool,
}

/// One row of the client list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ClientSummary {
    pub id: Id,
    pub kind: ClientKind,
    /// "Last First Middle" for a person, the organisation name otherwise.
    pub display_name: String,
    /// Company of a person / first contact of an organisation, may be empty.
    pub subtitle: String,
    /// First phone, formatted for display (international format).
    #[ts(optional)]
    pub phone: Option<String>,
    pub city: String,
    #[ts(optional)]
    pub category_id: Option<Id>,
    pub tags: Vec<String>,
    #[ts(optional)]
    pub birthday: Option<Birthday>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SortOrder {
    /// By display name in the UI language's collation.
    #[default]
    Name,
    /// Newest first.
    Recent,
    /// Next birthday from today first; clients without a birthday last.
    NextBirthday,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
pub struct ListQuery {
    /// What the user typed; empty lists everything.
    pub text: String,
    /// Empty = any category.
    pub category_ids: Vec<Id>,
    #[ts(optional)]
    pub tag: Option<String>,
    #[ts(optional)]
    pub city: Option<String>,
    pub sort: SortOrder,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ListPage {
    /// Number of clients matching the query (for the virtual list's height).
    pub total: u32,
    pub offset: u32,
    pub rows: Vec<ClientSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Category {
    pub id: Id,
    /// Short code shown as a badge ("A").
    pub code: String,
    pub name: String,
    /// CSS colour `#rrggbb`.
    pub color: String,
    pub position: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CustomFieldKind {
    Text,
    Number,
    Date,
    Choice,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CustomFieldDef {
    pub id: Id,
    pub name: String,
    pub kind: CustomFieldKind,
    /// Options of a `choice` field.
    pub options: Vec<String>,
    pub position: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Settings {
    /// "en" | "ru" | "uk" | "el" | "zh"; empty until the user or the system chooses.
    pub language: String,
    /// ISO country used to read numbers typed without a country code ("UA").
    pub default_country: String,
    /// The rep's own name (used in greetings later).
    pub user_name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DuplicateReason {
    Phone,
    Email,
    Name,
}

/// An existing client that looks like the one being saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DuplicateMatch {
    pub client: ClientSummary,
    pub reason: DuplicateReason,
    /// The phone (E.164), e-mail or name that matched.
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Stats {
    pub clients: u32,
    pub demo_clients: u32,
    pub deleted_clients: u32,
    pub contacts: u32,
    pub change_log_rows: u32,
}

/// Result of phone normalisation, for the form's live hint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PhoneCheck {
    #[ts(optional)]
    pub e164: Option<String>,
    /// International display format ("+380 67 123 4567").
    #[ts(optional)]
    pub formatted: Option<String>,
    /// ISO country the number belongs to.
    #[ts(optional)]
    pub country: Option<String>,
    pub is_mobile: bool,
    /// When not valid: an error code from the `validation` family (see `error.rs`).
    #[ts(optional)]
    pub error: Option<crate::error::FieldError>,
}
