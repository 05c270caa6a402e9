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
    /// Only the clients of an analysis result's group (issue 6: ABC, RFM… filter the list).
    #[serde(default)]
    #[ts(optional)]
    pub segment: Option<crate::orders_model::SegmentFilter>,
    /// Only the clients this user (a sync user id, or a device id) owns: a manager's owner filter.
    #[serde(default)]
    #[ts(optional)]
    pub owner: Option<String>,
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
    /// Contact cadence: a client of this category not contacted for this many days shows on Today
    /// (seeded: A 30, B 60). Absent = no cadence.
    #[serde(default)]
    #[ts(optional)]
    pub cadence_days: Option<u32>,
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

// ---- Interactions, tasks, birthdays and the Today screen ----------------------------------------
// Times are RFC 3339 text. The core writes UTC (`2025-03-01T08:00:00.000Z`) and accepts any offset.

/// An entry of an editable list (interaction kinds, interaction outcomes). Seeded entries carry a
/// stable `code` (`call`, `meeting`, `message`, `email`, `visit`, `greeting`; `reached`, `no_answer`,
/// `busy`, `call_back`, `meeting_set`, `order_placed`, `refused`) that the UI translates while `name`
/// is still the seeded English one; entries the user adds have code `""`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ListItem {
    /// Empty on create.
    pub id: Id,
    pub code: String,
    pub name: String,
    pub position: i32,
    /// Removed by the user: hidden from pickers, still named in the history.
    pub archived: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TaskKind {
    Call,
    Congratulate,
    #[default]
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Repeat {
    #[default]
    None,
    Daily,
    Weekly,
    /// Same day of the month; the 29th–31st fall on the month's last day in shorter months.
    Monthly,
    /// Same date; 29 February falls on 28 February in non-leap years.
    Yearly,
}

/// What the task form sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
pub struct TaskInput {
    #[ts(optional)]
    pub client_id: Option<Id>,
    /// A contact person of `client_id`.
    #[ts(optional)]
    pub contact_id: Option<Id>,
    /// May be empty for a client's `call` / `congratulate` task (the UI shows "Call <name>").
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub kind: TaskKind,
    /// RFC 3339.
    pub due_at: String,
    /// Remind this many minutes before `due_at` (0 = at the due time); absent = no reminder.
    #[ts(optional)]
    pub remind_offset_minutes: Option<u32>,
    #[serde(default)]
    pub repeat: Repeat,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Task {
    pub id: Id,
    #[ts(optional)]
    pub client_id: Option<Id>,
    #[ts(optional)]
    pub contact_id: Option<Id>,
    pub title: String,
    pub kind: TaskKind,
    pub note: String,
    /// RFC 3339 UTC. A repeating task's current occurrence.
    pub due_at: String,
    #[ts(optional)]
    pub remind_offset_minutes: Option<u32>,
    pub repeat: Repeat,
    pub owner: String,
    /// Set when a one-off task is done (a repeating task moves to its next occurrence instead).
    #[ts(optional)]
    pub done_at: Option<String>,
    /// A repeating task: when its last occurrence was completed.
    #[ts(optional)]
    pub last_done_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    #[ts(optional)]
    pub deleted_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
pub struct TaskQuery {
    /// Only this client's tasks; absent = all.
    #[ts(optional)]
    pub client_id: Option<Id>,
    /// Also the done ones (after the open ones, most recently done first).
    #[serde(default)]
    pub include_done: bool,
    #[serde(default)]
    pub offset: u32,
    /// 0 = 50; at most 1000.
    #[serde(default)]
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TaskPage {
    pub total: u32,
    pub offset: u32,
    /// Open tasks by due time, then (with `include_done`) done ones; each with its client's name
    /// (and contact person's, and the client's first phone), as on Today.
    pub rows: Vec<TaskRow>,
}

/// What "How did it go?" and the log form send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
pub struct InteractionInput {
    pub client_id: Id,
    #[ts(optional)]
    pub contact_id: Option<Id>,
    /// RFC 3339; absent = now.
    #[ts(optional)]
    pub at: Option<String>,
    /// An `interaction_kinds` id.
    pub kind_id: Id,
    /// An `interaction_outcomes` id.
    #[ts(optional)]
    pub outcome_id: Option<Id>,
    /// How it happened (the one-tap action the rep used).
    #[ts(optional)]
    pub channel: Option<Channel>,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub next_step: String,
    /// Also complete the client's open `call` tasks due by the end of today (repeating ones move on).
    #[serde(default)]
    pub complete_calls: bool,
    /// A callback to create in the same transaction. Its client (and contact person) default to this
    /// interaction's; with an empty title it is a `call` task.
    #[ts(optional)]
    pub callback: Option<TaskInput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Interaction {
    pub id: Id,
    pub client_id: Id,
    #[ts(optional)]
    pub contact_id: Option<Id>,
    /// RFC 3339 UTC.
    pub at: String,
    pub kind_id: Id,
    #[ts(optional)]
    pub outcome_id: Option<Id>,
    #[ts(optional)]
    pub channel: Option<Channel>,
    pub note: String,
    pub next_step: String,
    /// A birthday greeting: the year of the birthday it congratulates.
    #[ts(optional)]
    pub greets_year: Option<i32>,
    pub owner: String,
    pub created_at: String,
    #[ts(optional)]
    pub deleted_at: Option<String>,
}

/// The result of logging an interaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LoggedInteraction {
    pub interaction: Interaction,
    /// Tasks completed with it (`complete_calls`, or the congratulate tasks of a greeting).
    pub completed: Vec<Task>,
    #[ts(optional)]
    pub callback: Option<Task>,
    /// The client's "last contacted" after this write.
    #[ts(optional)]
    pub last_contact_at: Option<String>,
}

/// The card's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InteractionPage {
    /// Live interactions of the client.
    pub total: u32,
    pub offset: u32,
    /// "Last contacted": the latest `at` of the client's live interactions.
    #[ts(optional)]
    pub last_contact_at: Option<String>,
    /// Newest first.
    pub rows: Vec<Interaction>,
}

/// Birthday reminders and greetings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReminderSettings {
    /// Remind this many days before a birthday (0–30; 0 = only on the day).
    pub birthday_days_before: u32,
    /// Local time of birthday reminders, `HH:MM`.
    pub birthday_time: String,
    /// Greeting language of a client whose name is Cyrillic without letters specific to Russian or
    /// Ukrainian: "ru" | "uk" | "" (= the UI language if it is one of them, else by the default country).
    pub cyrillic_language: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GreetingTemplate {
    pub id: Id,
    /// "en" | "ru" | "uk" | "el" | "zh".
    pub language: String,
    /// Placeholders: `{first_name}`, `{name_patronymic}` (first name and patronymic in ru/uk, the first
    /// name elsewhere), `{full_name}`, `{company}`, `{rep_name}`. A line whose placeholder has no value
    /// is left out.
    pub text: String,
    /// The built-in text (for "reset").
    pub default_text: String,
}

/// A task on the Today screen, with what its row shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TaskRow {
    pub task: Task,
    /// The client's display name.
    #[ts(optional)]
    pub client_name: Option<String>,
    #[ts(optional)]
    pub contact_name: Option<String>,
    /// The client's first phone (display format), for the row's call button.
    #[ts(optional)]
    pub phone: Option<String>,
}

/// A birthday of a client or of a contact person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BirthdayRow {
    pub client_id: Id,
    /// Set for a contact person's birthday.
    #[ts(optional)]
    pub contact_id: Option<Id>,
    /// The person's name (a client's display name, a contact person's "First Last").
    pub name: String,
    /// For a contact person: the client (organisation) it belongs to.
    #[ts(optional)]
    pub client_name: Option<String>,
    pub birthday: Birthday,
    /// The day it is celebrated, `YYYY-MM-DD` (28 February for 29 February in a non-leap year).
    pub date: String,
    /// Days from today (0 = today).
    pub days: u32,
    /// The age reached that day, when the year of birth is known.
    #[ts(optional)]
    pub age: Option<u32>,
    /// Already congratulated (a greeting for that year is logged).
    pub done: bool,
    #[ts(optional)]
    pub phone: Option<String>,
}

/// A client whose category's contact cadence has run out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CadenceRow {
    pub client_id: Id,
    pub name: String,
    pub category_id: Id,
    pub cadence_days: u32,
    /// Absent: never contacted (the cadence counts from the client's creation).
    #[ts(optional)]
    pub last_contact_at: Option<String>,
    /// Days since the cadence ran out (0 = today).
    pub days_overdue: u32,
    #[ts(optional)]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
pub struct TodayCounts {
    /// Open tasks due before now.
    pub overdue: u32,
    /// Open tasks due from now to the end of today.
    pub due_today: u32,
    /// Birthdays today not yet congratulated.
    pub birthdays_today: u32,
    /// Birthdays today and in the next 7 days (congratulated ones included).
    pub birthdays: u32,
    /// Clients due for contact by their category's cadence.
    pub cadence: u32,
    /// What the tab badge shows: overdue + due today + birthdays today not yet congratulated.
    pub badge: u32,
}

/// Everything the first screen needs, in one answer: at start-up the UI makes one call instead of
/// two rounds of six (each call is an IPC round trip, and the first ones in a new web view are slow).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Boot {
    pub settings: Settings,
    pub stats: Stats,
    pub categories: Vec<Category>,
    pub custom_fields: Vec<CustomFieldDef>,
    /// Today with `limit` rows in the birthday and cadence sections; absent when it failed (then
    /// `today_error` says why: the rest of the app still starts).
    #[ts(optional)]
    pub today: Option<Today>,
    #[ts(optional)]
    pub today_error: Option<crate::error::ApiError>,
    pub interaction_kinds: Vec<ListItem>,
    pub interaction_outcomes: Vec<ListItem>,
}

/// The Today screen. Each section holds at most 200 rows (the birthday and cadence sections as many
/// as asked for, the rest paged with `today_birthdays` / `today_cadence`); `counts` are exact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Today {
    /// The local date, `YYYY-MM-DD`.
    pub date: String,
    /// Oldest first.
    pub overdue: Vec<TaskRow>,
    /// By time.
    pub due_today: Vec<TaskRow>,
    /// Today first, then the next 7 days.
    pub birthdays: Vec<BirthdayRow>,
    /// Longest overdue first.
    pub cadence: Vec<CadenceRow>,
    pub counts: TodayCounts,
}

/// A page of Today's birthday section (`today_birthdays`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BirthdayPage {
    pub total: u32,
    pub offset: u32,
    pub rows: Vec<BirthdayRow>,
}

/// A page of Today's cadence section (`today_cadence`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CadencePage {
    pub total: u32,
    pub offset: u32,
    pub rows: Vec<CadenceRow>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReminderKind {
    /// A task's reminder (`due_at` - offset).
    Task,
    /// A birthday: `days_before` days before it, or on the day (0), at the morning time.
    Birthday,
}

/// Where tapping the notification leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReminderTarget {
    /// The card of `client_id`.
    Client,
    Today,
}

/// A notification to schedule. The UI words it (in the UI language) from these fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Reminder {
    /// Stable across calls: `task:<id>:<due_at>` or `birthday:<client>[:<contact>]:<date>:<days_before>`.
    pub id: String,
    /// A positive 31-bit hash of `id`, for the platforms' integer notification ids.
    pub num: i32,
    /// When to fire, RFC 3339 UTC.
    pub at: String,
    pub kind: ReminderKind,
    /// The task's title, or the person's name for a birthday.
    pub title: String,
    #[ts(optional)]
    pub client_id: Option<Id>,
    #[ts(optional)]
    pub contact_id: Option<Id>,
    /// The client's display name (for a task, or the organisation of a contact person).
    #[ts(optional)]
    pub client_name: Option<String>,
    #[ts(optional)]
    pub task_id: Option<Id>,
    #[ts(optional)]
    pub task_kind: Option<TaskKind>,
    /// A task's due time.
    #[ts(optional)]
    pub due_at: Option<String>,
    /// A birthday's date, `YYYY-MM-DD`.
    #[ts(optional)]
    pub birthday: Option<String>,
    #[ts(optional)]
    pub age: Option<u32>,
    /// A birthday reminder: days before the birthday (0 = on the day).
    pub days_before: u32,
    pub target: ReminderTarget,
}

/// Why a backup was made (part of its file name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BackupKind {
    /// The daily automatic backup (the newest `keep` are kept).
    Auto,
    /// Made on demand.
    Manual,
    /// The base as it was just before a restore replaced it.
    BeforeRestore,
}

/// A backup file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupInfo {
    pub path: String,
    pub file_name: String,
    pub kind: BackupKind,
    /// RFC 3339 UTC.
    pub created_at: String,
    pub size_bytes: f64,
}

/// This device's backup settings (device-local: not synced).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupSettings {
    /// A backup a day, made in the background at start-up.
    pub auto: bool,
    /// How many automatic backups to keep (1–60).
    pub keep: u32,
}

// ---- Import, duplicates, merging cards ---------------------------------------------------------

/// What to do with an imported row that looks like a client already in the base (or like an
/// earlier row of the same file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DuplicateAction {
    /// Leave the row out.
    #[default]
    Skip,
    /// Merge it into the client it matches: that client's values are kept, new phones, e-mails,
    /// messengers, tags and contact persons are added, empty fields filled, notes appended.
    Merge,
    /// Import it as a new client anyway.
    New,
}

/// The user's choice for one row of the file (by its row number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RowDecision {
    pub line: u32,
    pub action: DuplicateAction,
    /// `merge`: the client to merge into, when the row matches several (default: the first match).
    #[serde(default)]
    #[ts(optional)]
    pub target: Option<Id>,
}

/// A client an imported row looks like.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportMatch {
    pub reason: DuplicateReason,
    /// The phone (E.164), e-mail or display name that matched.
    pub value: String,
    /// A client of the base (absent: an earlier row of the file that is not in the base yet).
    #[ts(optional)]
    pub client_id: Option<Id>,
    /// The earlier row of the file it matched (absent: a client that was in the base before).
    #[ts(optional)]
    pub line: Option<u32>,
    /// The matched client's display name.
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RowOutcome {
    Added,
    Merged,
    Skipped,
}

/// What became of one row of an import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportRowResult {
    /// The row number in the file (the sheet's row, the text line, a vCard's first line).
    pub line: u32,
    pub outcome: RowOutcome,
    /// Why it was skipped: `duplicate` (see `matched`), `invalid` (see `fields`); empty otherwise.
    pub code: String,
    /// The client or earlier row it duplicates (skipped and merged rows).
    #[ts(optional)]
    pub matched: Option<ImportMatch>,
    /// An invalid row's validation errors (codes, paths into the client).
    pub fields: Vec<crate::error::FieldError>,
    /// The client the row became or was merged into (absent when skipped).
    #[ts(optional)]
    pub client_id: Option<Id>,
}

/// The end of an import. `results` lists the merged and skipped rows (by row number; at most
/// 1,000 of `results_total` in a command's answer); added rows are only counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportSummary {
    /// Rows given (file rows that converted to a client).
    pub rows: u32,
    pub added: u32,
    /// Rows merged into a client (of the base, or created by an earlier row).
    pub merged: u32,
    /// Distinct clients of the base that received merged rows.
    pub merged_clients: u32,
    pub skipped: u32,
    /// Of `skipped`: rows that failed validation.
    pub invalid: u32,
    /// Custom fields the import created (text fields named after unmapped columns).
    pub new_fields: Vec<CustomFieldDef>,
    pub results: Vec<ImportRowResult>,
    pub results_total: u32,
    pub elapsed_ms: f64,
}

/// Where a long import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ImportPhase {
    /// Reading the file (not interruptible; cancel takes effect after it).
    Reading,
    /// Converting rows with the mapping.
    Converting,
    /// Validating and looking for duplicates.
    Checking,
    /// Writing (one transaction).
    Writing,
    /// Committed; updating the search index.
    Indexing,
    Done,
    Failed,
    /// Cancelled by the user: nothing was written.
    Cancelled,
}

/// Two or more clients that share a phone, an e-mail or a name (+ company).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DuplicateGroup {
    /// Oldest first (at most 50; `size` is the whole group).
    pub clients: Vec<ClientSummary>,
    pub size: u32,
    /// What they share (phones and e-mails first; at most 100).
    pub keys: Vec<DuplicateKey>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DuplicateKey {
    pub reason: DuplicateReason,
    /// The phone (E.164), e-mail, or the first client's display name.
    pub value: String,
    pub client_ids: Vec<Id>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DuplicateGroups {
    /// Groups in the base.
    pub total: u32,
    /// Groups sharing a phone or an e-mail first, then name-only ones; larger groups first.
    pub groups: Vec<DuplicateGroup>,
}

/// A single-value field whose values differ between the cards being merged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MergeConflict {
    /// `name` (kind and name parts together), `website`, `address`, `birthday`, `category_id`,
    /// `source`, `preferred_channel`, `call_time`, `custom.<field id>`.
    pub field: String,
    /// Each card that has a value: (client id, the value as text).
    pub values: Vec<MergeValue>,
    /// The client whose value the merge takes without a choice (the kept card when it has one).
    pub chosen: Id,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MergeValue {
    pub client_id: Id,
    /// The value as text: a name as displayed, a birthday `YYYY-MM-DD` / `--MM-DD`, an address
    /// joined with ", ", a custom value as written.
    pub value: String,
}

/// What merging cards gives, before it is done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MergePreview {
    pub merged: ClientInput,
    pub conflicts: Vec<MergeConflict>,
    /// Interactions and tasks that will move to the kept card.
    pub interactions: u32,
    pub tasks: u32,
}
